package graph

import (
	"context"
	"errors"
	"testing"
)

// failingEngine is the Badger engine with writes that fail part-way, as a
// full disk would make a write through the journal fail.
type failingEngine struct {
	kvEngine
	fail bool
}

func (e *failingEngine) apply(ops []kvOp) error {
	if e.fail {
		return engineErr("write", partial(errors.New("no space left on device")))
	}
	return e.kvEngine.apply(ops)
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
