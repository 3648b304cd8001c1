package graph_test

import (
	"path/filepath"
	"testing"

	"github.com/whosedata/whosedata/graph"
)

// The adjacency cache keeps no entities: answers read them from their
// snapshot, through a cache of decoded entities shared by every version. A
// snapshot opened before a rename must keep the old name however the two
// readers interleave, a later one must see the new name, and both must hold
// after the store is reopened.
func TestEntityAnswersFollowTheirSnapshot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	seedTwo(t, s)
	name := func(sn *graph.Snapshot, want string) {
		t.Helper()
		e, err := sn.Entity(ctx, "twitter")
		if err != nil || e.Name != want {
			t.Fatalf("entity twitter = %+v, %v; want name %q", e, err, want)
		}
		sub, err := sn.Neighborhood(ctx, "twitter-posts", 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(sub.Relations) != 1 || sub.Relations[0].From.Name != want {
			t.Fatalf("neighbourhood of twitter-posts = %+v; want twitter as %q", sub.Relations, want)
		}
	}
	old, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	name(old, "Twitter")
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "twitter", Kind: graph.Organization, Name: "X"}); err != nil {
		t.Fatal(err)
	}
	now, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer now.Close()
	name(now, "X")
	name(old, "Twitter")
	name(now, "X")
	old.Close()
	now.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = graph.Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sn, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	name(sn, "X")
}
