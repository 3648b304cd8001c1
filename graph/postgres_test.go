package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// openShared opens n stores on one table of the test cluster, each
// following the others' commits as separate servers would.
func openShared(t *testing.T, n int) []*Store { return openSharedLimit(t, n, 64<<20) }

// openSharedLimit is openShared with a transaction size limit.
func openSharedLimit(t *testing.T, n int, maxTxn int64) []*Store {
	t.Helper()
	_, pool := testPostgres(t)
	table := fmt.Sprintf("shared%d", pgShared.tables.Add(1))
	var stores []*Store
	for i := 0; i < n; i++ {
		e, err := newPostgresEngine(t.Context(), pool, "test", pgOptions{table: table, maxTxnBytes: maxTxn, listen: true})
		if err != nil {
			t.Fatal(err)
		}
		s, err := openEngine(t.Context(), e, "", &Options{Logger: quietLog(), Now: time.Now, Follow: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	t.Cleanup(func() {
		for _, s := range stores {
			s.Close()
		}
		pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
	})
	return stores
}

// TestSharedStoresAllocateAndFollow writes from two stores on one table at
// once: every write is acknowledged, entity numbers never collide (each key
// keeps its own record), each store sees its own writes at once and the
// other's after following, and both verify clean.
func TestSharedStoresAllocateAndFollow(t *testing.T) {
	ctx := t.Context()
	st := openShared(t, 2)
	const writers, each = 4, 15
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := st[w%2]
			for i := 0; i < each; i++ {
				key := fmt.Sprintf("w%d-%d", w, i)
				if _, err := s.UpsertEntity(ctx, EntityInput{Key: key, Kind: Dataset, Name: "Set " + key}); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				// A store sees its own acknowledged write at once.
				if e, err := s.Entity(ctx, key); err != nil || e.Name != "Set "+key {
					t.Errorf("writer %d: own write %s: %v %v", w, key, e, err)
				}
				if i > 0 {
					prev := fmt.Sprintf("w%d-%d", w, i-1)
					if _, err := s.AddStatement(ctx, StatementInput{Type: DerivedFrom, From: key, To: prev, Status: Asserted}); err != nil {
						t.Errorf("writer %d: statement: %v", w, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	// Each store follows the other's writes (by notification or timer).
	for _, s := range st {
		for {
			stats, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Entities == writers*each && stats.Relations == writers*(each-1) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("a store never saw every write: %+v", stats)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for w := 0; w < writers; w++ {
			for i := 0; i < each; i++ {
				key := fmt.Sprintf("w%d-%d", w, i)
				if e, err := s.Entity(ctx, key); err != nil || e.Name != "Set "+key {
					t.Fatalf("%s: %v %v", key, e, err)
				}
			}
		}
		rep, err := s.Verify(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("verify: %v %v", rep.Problems, err)
		}
	}
	a, _ := st[0].Entity(ctx, "w1-3")
	b, _ := st[1].Entity(ctx, "w1-3")
	if a.ID != b.ID {
		t.Fatalf("the stores disagree on an id: %s %s", a.ID, b.ID)
	}
}

// TestSharedJournaledWriteExcludesOthers imports batches too large for one
// transaction (through the journal) on one store while the other writes
// small ones: the journaled writes lock the other process out, nothing
// collides, and both stores end with every entity and verify clean.
func TestSharedJournaledWriteExcludesOthers(t *testing.T) {
	ctx := t.Context()
	st := openSharedLimit(t, 2, 1<<20)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for round := 0; round < 2; round++ {
			b := &Batch{}
			for i := 0; i < 1500; i++ {
				b.Entities = append(b.Entities, EntityInput{Key: fmt.Sprintf("big%d-%d", round, i), Kind: Dataset,
					Name: fmt.Sprintf("Big %d %d", round, i), Description: "a description long enough to make the batch exceed one transaction of the test limit"})
			}
			if _, err := st[0].Import(ctx, b); err != nil {
				t.Errorf("journaled import: %v", err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 40; i++ {
			if _, err := st[1].UpsertEntity(ctx, EntityInput{Key: fmt.Sprintf("small-%d", i), Kind: Model}); err != nil {
				t.Errorf("small write: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	if n := st[0].kv.engine().(*pgEngine).locks.Load(); n < 2 {
		t.Fatalf("the imports took the writers' lock %d times: they did not go through the journal", n)
	}
	for _, s := range st {
		for {
			stats, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Entities == 2*1500+40 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("entities: %d", stats.Entities)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
			t.Fatalf("verify: %v %v", rep.Problems, err)
		}
	}
}

// TestSharedStoreFollowsWithoutWriting checks that a store that only reads
// catches up with another's write by itself.
func TestSharedStoreFollowsWithoutWriting(t *testing.T) {
	ctx := t.Context()
	st := openShared(t, 2)
	if _, err := st[0].UpsertEntity(ctx, EntityInput{Key: "only-a", Kind: Organization}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := st[1].Entity(ctx, "only-a")
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNotFound) || ctx.Err() != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkSharedVisibility measures how long a write acknowledged by one
// store takes to be visible through another on the same table (ns/op).
func BenchmarkSharedVisibility(b *testing.B) {
	_, pool := testPostgres(b)
	table := fmt.Sprintf("bench%d", pgShared.tables.Add(1))
	var st []*Store
	for i := 0; i < 2; i++ {
		e, err := newPostgresEngine(context.Background(), pool, "test", pgOptions{table: table, maxTxnBytes: 64 << 20, listen: true})
		if err != nil {
			b.Fatal(err)
		}
		s, err := openEngine(context.Background(), e, "", &Options{Logger: quietLog(), Now: time.Now})
		if err != nil {
			b.Fatal(err)
		}
		st = append(st, s)
	}
	defer func() {
		// The stores' snapshots lock the table: close them before the drop.
		for _, s := range st {
			s.Close()
		}
		pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
	}()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := fmt.Sprintf("v%d", i)
		if _, err := st[0].UpsertEntity(ctx, EntityInput{Key: key, Kind: Organization}); err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := st[1].Entity(ctx, key); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}
