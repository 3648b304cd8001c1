package graph_test

import (
	"fmt"
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

// A lineage naming hundreds of entities reads them in one pass over the
// entity records (rtx.preload): every hit must still carry its own entity,
// as its snapshot has it.
func TestLargeLineageNamesEveryHit(t *testing.T) {
	s := openTest(t)
	const n = 600
	b := &graph.Batch{Entities: []graph.EntityInput{{Key: "big-model", Kind: graph.Model, Name: "Big model"}}}
	for i := range n {
		key := fmt.Sprintf("set-%d", i)
		b.Entities = append(b.Entities, graph.EntityInput{Key: key, Kind: graph.Dataset, Name: "Set " + key})
		b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn, From: "big-model", To: key, Status: graph.Asserted})
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	check := func(sn *graph.Snapshot, renamed string) {
		t.Helper()
		hits, err := sn.Lineage(ctx, "big-model", graph.LineageOptions{Direction: graph.Upstream})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != n {
			t.Fatalf("%d hits; want %d", len(hits), n)
		}
		seen := map[string]bool{}
		for _, h := range hits {
			want := "Set " + h.Entity.Key
			if h.Entity.Key == "set-7" && renamed != "" {
				want = renamed
			}
			if h.Entity.Kind != graph.Dataset || h.Entity.Name != want || seen[h.Entity.Key] {
				t.Fatalf("hit %+v; want a dataset named %q, each once", h.Entity, want)
			}
			seen[h.Entity.Key] = true
		}
	}
	old, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "set-7", Kind: graph.Dataset, Name: "Seventh set"}); err != nil {
		t.Fatal(err)
	}
	now, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer now.Close()
	check(now, "Seventh set")
	check(old, "")
	check(now, "Seventh set")
}
