package graph

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestCopyInterruptedLeavesTargetEmpty cancels a copy after its first chunk:
// the target refuses writes until reopened, and reopening empties it; a copy
// run again then completes and verifies.
func TestCopyInterruptedLeavesTargetEmpty(t *testing.T) {
	ctx := context.Background()
	src, err := Open(t.TempDir(), &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b := &Batch{}
	for i := 0; i < 1500; i++ {
		b.Entities = append(b.Entities, EntityInput{Key: fmt.Sprintf("d%d", i), Kind: Dataset, Name: fmt.Sprintf("Dataset number %d", i), Description: "words for the full-text index"})
	}
	if _, err := src.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dst, err := Open(dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	chunks := 0
	err = Copy(cctx, dst, src, func(p CopyProgress) {
		chunks++
		cancel()
	})
	if !errors.Is(err, context.Canceled) || chunks != 1 {
		t.Fatalf("cancelled copy: %v after %d chunks", err, chunks)
	}
	if _, err := dst.UpsertEntity(ctx, EntityInput{Key: "x", Kind: Dataset}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write after a failed copy: %v, want ErrReadOnly", err)
	}
	dst.Close()
	dst, err = Open(dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if st, _ := dst.Stats(ctx); st.Entities != 0 {
		t.Fatalf("after reopening: %d entities, want an empty store", st.Entities)
	}
	if err := Copy(ctx, dst, src, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := dst.Stats(ctx); st.Entities != 1500 {
		t.Fatalf("after the copy: %d entities", st.Entities)
	}
	if rep, err := dst.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
	if err := Copy(ctx, dst, src, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("copy into a full store: %v, want ErrConflict", err)
	}
}
