package graph

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// failingEngine is the Badger engine with writes that fail part-way, as a
// full disk would make a write through the journal fail.
type failingEngine struct {
	kvEngine
	fail bool
}

func (e *failingEngine) commit(ctx context.Context, first bool, build func(r kvReader) ([]kvOp, error)) error {
	if e.fail {
		return engineErr("write", partial(errors.New("no space left on device")))
	}
	return e.kvEngine.commit(ctx, first, build)
}

func TestFailedPartialWriteMakesStoreReadOnly(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.UpsertEntity(ctx, EntityInput{Key: "reddit", Kind: Organization, Name: "Reddit"}); err != nil {
		t.Fatal(err)
	}
	fe := &failingEngine{kvEngine: s.kv, fail: true}
	s.kv = fe
	_, err = s.UpsertEntity(ctx, EntityInput{Key: "reddit-posts", Kind: Dataset, Name: "Reddit posts"})
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("failed bulk write: %v, want ErrReadOnly", err)
	}
	// Even once the disk has room, the store stays read-only until reopened,
	// and readers keep the state from before the failed write.
	fe.fail = false
	if _, err := s.AddAlias(ctx, "reddit", "Reddit Inc."); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write after a failed bulk write: %v, want ErrReadOnly", err)
	}
	if _, err := s.Entity(ctx, "reddit"); err != nil {
		t.Fatalf("read after a failed bulk write: %v", err)
	}
	if _, err := s.Entity(ctx, "reddit-posts"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the failed write is visible: %v", err)
	}
}

func TestVerifyFindsMissingChangeLogEntries(t *testing.T) {
	ctx := context.Background()
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, k := range []string{"a", "b"} {
		if _, err := s.UpsertEntity(ctx, EntityInput{Key: k, Kind: Organization}); err != nil {
			t.Fatal(err)
		}
	}
	rel, err := s.AddStatement(ctx, StatementInput{Type: Owns, From: "a", To: "b", Status: Asserted})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractStatement(ctx, rel.Statements[0].ID, "wrong"); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("clean store: %v %v", rep, err)
	}
	// Drop every change-log record: the statement and its retraction lose
	// their entries, and the index entries point at nothing.
	var del []kvOp
	if err := s.kv.view(ctx, func(r kvReader) error {
		return r.scan([]byte{pChange}, nil, true, func(k, _ []byte) (bool, error) {
			del = append(del, kvOp{Key: append([]byte(nil), k...), Del: true})
			return true, nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.kv.apply(ctx, del); err != nil {
		t.Fatal(err)
	}
	s.publish(s.current()) // readers see the store without the log
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var added, retracted bool
	for _, p := range rep.Problems {
		added = added || strings.Contains(p, "no STATEMENT_ADDED entry")
		retracted = retracted || strings.Contains(p, "no STATEMENT_RETRACTED entry")
	}
	if !added || !retracted {
		t.Fatalf("verify after dropping the log: %q", rep.Problems)
	}
}
