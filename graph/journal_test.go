package graph

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestJournalReplayAfterCrash leaves a journaled write half applied, as a
// crash between the journal and the end of the batch would, and checks that
// opening the store completes it and that records and indexes agree.
func TestJournalReplayAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ops []kvOp
	s.wmu.Lock()
	err = s.kv.view(ctx, func(r kvReader) error {
		tx := newWtx(s, r, s.current())
		for _, in := range []EntityInput{{Key: "reddit", Kind: Organization, Name: "Reddit"}, {Key: "reddit-posts", Kind: Dataset, Name: "Reddit posts"}} {
			if _, _, err := tx.upsertEntity("", in); err != nil {
				return err
			}
		}
		if _, _, err := tx.addStatement("", StatementInput{Type: Owns, From: "reddit", To: "reddit-posts", Status: Asserted}); err != nil {
			return err
		}
		ops = tx.ops()
		return nil
	})
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	j := s.kv.(*journaled)
	if err := j.setOne(ctx, journalPartKey(0), encodeOps(ops)); err != nil {
		t.Fatal(err)
	}
	if err := j.setOne(ctx, metaKey("journal"), binary.BigEndian.AppendUint32(nil, 1)); err != nil {
		t.Fatal(err)
	}
	if err := j.writeChunked(ctx, ops[:len(ops)/2]); err != nil {
		t.Fatal(err)
	}
	s.stop()
	s.kv.close() // the crash: no Store.Close, the rest never written

	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after replay: %v %v", rep.Problems, err)
	}
	hits, err := s.Lineage(ctx, "reddit", LineageOptions{Direction: Downstream})
	if err != nil || len(hits) != 0 {
		t.Fatalf("lineage: %v %v", hits, err)
	}
	if e, err := s.Entity(ctx, "Reddit Posts"); err != nil || e.Key != "reddit-posts" {
		t.Fatalf("entity after replay: %v %v", e, err)
	}
	if st, _ := s.Stats(ctx); st.Relations != 1 {
		t.Fatalf("relations after replay: %d", st.Relations)
	}
}

// TestFirstLoadUndoneAfterCrash leaves the first load of an empty store half
// written, as a crash would, and checks that opening it empties the store,
// that records and indexes agree, and that the same load then completes.
func TestFirstLoadUndoneAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{}
	for i := 0; i < 50; i++ {
		b.Entities = append(b.Entities, EntityInput{Key: fmt.Sprintf("d%d", i), Kind: Dataset, Name: fmt.Sprintf("D %d", i)})
		if i > 0 {
			b.Statements = append(b.Statements, StatementInput{Type: DerivedFrom, From: fmt.Sprintf("d%d", i), To: "d0", Status: Asserted})
		}
	}
	var ops []kvOp
	s.wmu.Lock()
	err = s.kv.view(ctx, func(r kvReader) error {
		tx := newWtx(s, r, s.current())
		if !tx.fresh {
			t.Error("an empty store's transaction is not fresh")
		}
		for _, in := range b.Entities {
			if _, _, err := tx.upsertEntity("", in); err != nil {
				return err
			}
		}
		for _, in := range b.Statements {
			if _, _, err := tx.addStatement("", in); err != nil {
				return err
			}
		}
		ops = tx.ops()
		return nil
	})
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	j := s.kv.(*journaled)
	if err := j.setOne(ctx, metaKey(metaFirstLoad), nil); err != nil {
		t.Fatal(err)
	}
	if err := j.writeChunked(ctx, ops[:len(ops)/2]); err != nil {
		t.Fatal(err)
	}
	s.stop()
	j.close() // the crash

	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(ctx); st.Entities != 0 || st.Relations != 0 {
		t.Fatalf("after the crash: %d entities, %d relations; want an empty store", st.Entities, st.Relations)
	}
	if err := s.kv.view(ctx, func(r kvReader) error {
		if _, ok, err := r.get(metaKey(metaFirstLoad)); ok || err != nil {
			t.Fatalf("marker still there: %v %v", ok, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats(ctx); st.Entities != 50 || st.Relations != 49 {
		t.Fatalf("after reloading: %+v", st)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after reload: %v %v", rep.Problems, err)
	}
}

// TestOpenAfterCrashLeftEmptyLogs opens a store in which a crash left empty
// write-ahead and value-log files, which Badger alone refuses to open.
func TestOpenAfterCrashLeftEmptyLogs(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntity(context.Background(), EntityInput{Key: "kept", Kind: Dataset, Name: "Kept"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"00042.mem", "000043.vlog"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Entity(context.Background(), "kept"); err != nil {
		t.Fatal(err)
	}
}

// TestLocalSnapshotReadsAreUnbounded reads a published version of a store
// on disk with the database servers' per-read bound set to almost nothing:
// a local engine's reads (a whole-family scan such as export's, which can
// take minutes on a large store) are not bounded by it.
func TestLocalSnapshotReadsAreUnbounded(t *testing.T) {
	if testEngine != nil {
		t.Skip("the store under test is a database server's")
	}
	s, err := Open(t.TempDir(), &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b := importBatch(3, 40, 100)
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { readTimeout = d }(readTimeout)
	readTimeout = time.Nanosecond
	n := 0
	if err := s.ForEachEntity(ctx, func(*Entity) error { n++; return nil }); err != nil {
		t.Fatalf("a scan of a local store's snapshot failed: %v", err)
	}
	if n != len(b.Entities) {
		t.Errorf("the scan read %d entities; the store has %d", n, len(b.Entities))
	}
}
