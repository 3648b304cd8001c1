// Package kvtest is the conformance suite every kv.Engine runs: key order,
// prefix, range and reverse scans, limits on scans and transactions,
// snapshots, atomicity of aborted and cancelled transactions, conflicts and
// concurrent writers. An engine's test calls Run with a function that opens
// a fresh, empty engine.
package kvtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/whosedata/whosedata/graph/kv"
)

// Harness opens engines for the suite.
type Harness struct {
	// Open returns a fresh, empty engine; the suite closes it.
	Open func(t *testing.T) kv.Engine
	// Reopen, if set, closes e and opens the same data again: the suite
	// then checks that commits survive it.
	Reopen func(t *testing.T, e kv.Engine) kv.Engine
}

// Run runs the whole suite, one subtest per property.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"GetSetDelete", testGetSetDelete},
		{"Order", testOrder},
		{"PrefixAndRange", testPrefixAndRange},
		{"Reverse", testReverse},
		{"LimitAndStop", testLimitAndStop},
		{"ReadYourWrites", testReadYourWrites},
		{"Snapshot", testSnapshot},
		{"AbortWritesNothing", testAbort},
		{"CancelledCommitIsAllOrNothing", testCancelledCommit},
		{"TooBig", testTooBig},
		{"ConcurrentIncrements", testConcurrentIncrements},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Optional", testOptional},
		{"Durable", testDurable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func open(t *testing.T, h Harness) kv.Engine {
	t.Helper()
	e := h.Open(t)
	t.Cleanup(func() { e.Close() })
	return e
}

func set(t *testing.T, e kv.Engine, kvs ...string) {
	t.Helper()
	if err := e.Update(context.Background(), func(tx kv.Txn) error {
		for i := 0; i+1 < len(kvs); i += 2 {
			if err := tx.Set([]byte(kvs[i]), []byte(kvs[i+1])); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func get(t *testing.T, r kv.Reader, key string) (string, bool) {
	t.Helper()
	v, ok, err := r.Get(context.Background(), []byte(key))
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	return string(v), ok
}

func viewGet(t *testing.T, e kv.Engine, key string) (v string, ok bool) {
	t.Helper()
	if err := e.View(context.Background(), func(r kv.Reader) error {
		v, ok = get(t, r, key)
		return nil
	}); err != nil {
		t.Fatalf("view: %v", err)
	}
	return v, ok
}

// keys scans rg and returns the keys (and values, joined as k=v) it saw.
func scan(t *testing.T, r kv.Reader, rg kv.Range) []string {
	t.Helper()
	var out []string
	if err := r.Scan(context.Background(), rg, func(k, v []byte) (bool, error) {
		if rg.KeysOnly {
			out = append(out, string(k))
		} else {
			out = append(out, string(k)+"="+string(v))
		}
		return true, nil
	}); err != nil {
		t.Fatalf("scan %+v: %v", rg, err)
	}
	return out
}

func viewScan(t *testing.T, e kv.Engine, rg kv.Range) (out []string) {
	t.Helper()
	if err := e.View(context.Background(), func(r kv.Reader) error {
		out = scan(t, r, rg)
		return nil
	}); err != nil {
		t.Fatalf("view: %v", err)
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func testGetSetDelete(t *testing.T, h Harness) {
	e := open(t, h)
	if _, ok := viewGet(t, e, "a"); ok {
		t.Fatal("empty engine has key a")
	}
	set(t, e, "a", "1", "empty", "")
	if v, ok := viewGet(t, e, "a"); !ok || v != "1" {
		t.Fatalf("a = %q %v, want 1", v, ok)
	}
	// An empty value is a present key, not an absent one.
	if v, ok := viewGet(t, e, "empty"); !ok || v != "" {
		t.Fatalf("empty = %q %v, want present and empty", v, ok)
	}
	set(t, e, "a", "2")
	if v, _ := viewGet(t, e, "a"); v != "2" {
		t.Fatalf("overwritten a = %q, want 2", v)
	}
	if err := e.Update(context.Background(), func(tx kv.Txn) error {
		if err := tx.Delete([]byte("missing")); err != nil {
			return err
		}
		return tx.Delete([]byte("a"))
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := viewGet(t, e, "a"); ok {
		t.Fatal("deleted key a is still there")
	}
	// Binary keys and values, 0x00 and 0xFF included, survive unchanged.
	bin := []byte{0x00, 0xFF, 0x00, 0x01}
	if err := e.Update(context.Background(), func(tx kv.Txn) error { return tx.Set(bin, bin) }); err != nil {
		t.Fatal(err)
	}
	if err := e.View(context.Background(), func(r kv.Reader) error {
		v, ok, err := r.Get(context.Background(), bin)
		if err != nil || !ok || !bytes.Equal(v, bin) {
			t.Errorf("binary key: %x %v %v", v, ok, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// orderKeys are keys whose byte order differs from most collations: upper
// before lower case, 0x00 and 0xFF, a key and its extensions.
var orderKeys = []string{"", "\x00", "\x00\x00", "\x01", "A", "B", "Z", "a", "a\x00", "a\x00b", "a\x01", "ab", "b", "\x7f", "\x80", "\xfe\xff", "\xff", "\xff\x00", "\xff\xff"}

func testOrder(t *testing.T, h Harness) {
	e := open(t, h)
	shuffled := slices.Clone(orderKeys[1:]) // the empty key is not a valid key for every engine
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	var kvs []string
	for _, k := range shuffled {
		kvs = append(kvs, k, "v"+k)
	}
	set(t, e, kvs...)
	want := slices.Clone(orderKeys[1:])
	slices.Sort(want)
	same(t, "all keys in byte order", viewScan(t, e, kv.Range{KeysOnly: true}), want)
	var withVals []string
	for _, k := range want {
		withVals = append(withVals, k+"=v"+k)
	}
	same(t, "keys and values", viewScan(t, e, kv.Range{}), withVals)
}

func fill(t *testing.T, e kv.Engine) {
	t.Helper()
	set(t, e, "a", "", "a\x00", "", "a1", "", "a2", "", "a3", "", "a3x", "", "a4", "", "b", "", "b1", "", "c", "")
}

func testPrefixAndRange(t *testing.T, h Harness) {
	e := open(t, h)
	fill(t, e)
	same(t, "prefix a", viewScan(t, e, kv.Range{Prefix: []byte("a"), KeysOnly: true}), []string{"a", "a\x00", "a1", "a2", "a3", "a3x", "a4"})
	same(t, "prefix a3", viewScan(t, e, kv.Range{Prefix: []byte("a3"), KeysOnly: true}), []string{"a3", "a3x"})
	same(t, "prefix none", viewScan(t, e, kv.Range{Prefix: []byte("zz"), KeysOnly: true}), nil)
	same(t, "prefix a from a2", viewScan(t, e, kv.Range{Prefix: []byte("a"), Start: []byte("a2"), KeysOnly: true}), []string{"a2", "a3", "a3x", "a4"})
	same(t, "prefix a from a25 (absent)", viewScan(t, e, kv.Range{Prefix: []byte("a"), Start: []byte("a25"), KeysOnly: true}), []string{"a3", "a3x", "a4"})
	same(t, "prefix a [a1, a3x)", viewScan(t, e, kv.Range{Prefix: []byte("a"), Start: []byte("a1"), End: []byte("a3x"), KeysOnly: true}), []string{"a1", "a2", "a3"})
	same(t, "range [a3, b1) across prefixes", viewScan(t, e, kv.Range{Start: []byte("a3"), End: []byte("b1"), KeysOnly: true}), []string{"a3", "a3x", "a4", "b"})
	same(t, "start before the prefix", viewScan(t, e, kv.Range{Prefix: []byte("b"), Start: []byte("a"), KeysOnly: true}), []string{"b", "b1"})
	same(t, "empty range", viewScan(t, e, kv.Range{Start: []byte("b1"), End: []byte("b1"), KeysOnly: true}), nil)
	set(t, e, "\xff\xff", "x", "\xff\xff\x01", "y")
	same(t, "prefix of 0xFF bytes", viewScan(t, e, kv.Range{Prefix: []byte("\xff\xff")}), []string{"\xff\xff=x", "\xff\xff\x01=y"})
}

func testReverse(t *testing.T, h Harness) {
	e := open(t, h)
	fill(t, e)
	same(t, "reverse prefix a", viewScan(t, e, kv.Range{Prefix: []byte("a"), Reverse: true, KeysOnly: true}), []string{"a4", "a3x", "a3", "a2", "a1", "a\x00", "a"})
	same(t, "reverse all", viewScan(t, e, kv.Range{Reverse: true, KeysOnly: true}), []string{"c", "b1", "b", "a4", "a3x", "a3", "a2", "a1", "a\x00", "a"})
	same(t, "reverse [a1, a3x)", viewScan(t, e, kv.Range{Prefix: []byte("a"), Start: []byte("a1"), End: []byte("a3x"), Reverse: true, KeysOnly: true}), []string{"a3", "a2", "a1"})
	same(t, "reverse limit 2", viewScan(t, e, kv.Range{Prefix: []byte("a"), Reverse: true, Limit: 2, KeysOnly: true}), []string{"a4", "a3x"})
	set(t, e, "\xff", "", "\xff\xff", "", "\xff\xff\xff", "")
	same(t, "reverse prefix of 0xFF bytes", viewScan(t, e, kv.Range{Prefix: []byte("\xff"), Reverse: true, KeysOnly: true}), []string{"\xff\xff\xff", "\xff\xff", "\xff"})
}

func testLimitAndStop(t *testing.T, h Harness) {
	e := open(t, h)
	var kvs []string
	for i := 0; i < 1500; i++ { // more than one page of an engine that reads in pages
		kvs = append(kvs, fmt.Sprintf("k%05d", i), fmt.Sprint(i))
	}
	set(t, e, kvs...)
	if got := viewScan(t, e, kv.Range{Prefix: []byte("k")}); len(got) != 1500 || got[1499] != "k01499=1499" {
		t.Fatalf("full scan: %d keys, last %q", len(got), got[len(got)-1])
	}
	same(t, "limit 3", viewScan(t, e, kv.Range{Prefix: []byte("k"), Limit: 3, KeysOnly: true}), []string{"k00000", "k00001", "k00002"})
	n := 0
	if err := e.View(context.Background(), func(r kv.Reader) error {
		return r.Scan(context.Background(), kv.Range{Prefix: []byte("k")}, func(k, v []byte) (bool, error) {
			n++
			return n < 1200, nil
		})
	}); err != nil || n != 1200 {
		t.Fatalf("stopped scan: %d calls, %v; want 1200", n, err)
	}
	boom := errors.New("boom")
	if err := e.View(context.Background(), func(r kv.Reader) error {
		return r.Scan(context.Background(), kv.Range{Prefix: []byte("k")}, func(k, v []byte) (bool, error) { return true, boom })
	}); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v, want boom", err)
	}
	// A cancelled context stops a scan.
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err := e.View(context.Background(), func(r kv.Reader) error {
		return r.Scan(ctx, kv.Range{Prefix: []byte("k")}, func(k, v []byte) (bool, error) {
			n++
			if n == 10 {
				cancel()
			}
			return true, nil
		})
	})
	if !errors.Is(err, context.Canceled) || n >= 1500 {
		t.Fatalf("cancelled scan: %d calls, %v; want it stopped with context.Canceled", n, err)
	}
}

func testReadYourWrites(t *testing.T, h Harness) {
	e := open(t, h)
	set(t, e, "p1", "old", "p3", "old")
	err := e.Update(context.Background(), func(tx kv.Txn) error {
		if err := tx.Set([]byte("p2"), []byte("new")); err != nil {
			return err
		}
		if err := tx.Set([]byte("p1"), []byte("changed")); err != nil {
			return err
		}
		if err := tx.Delete([]byte("p3")); err != nil {
			return err
		}
		if v, ok := get(t, tx, "p2"); !ok || v != "new" {
			t.Errorf("own write p2 = %q %v", v, ok)
		}
		if _, ok := get(t, tx, "p3"); ok {
			t.Error("own delete of p3 not seen")
		}
		same(t, "scan in the transaction", scan(t, tx, kv.Range{Prefix: []byte("p")}), []string{"p1=changed", "p2=new"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "after commit", viewScan(t, e, kv.Range{Prefix: []byte("p")}), []string{"p1=changed", "p2=new"})
}

func testSnapshot(t *testing.T, h Harness) {
	e := open(t, h)
	set(t, e, "s", "before")
	sn, err := e.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Release()
	set(t, e, "s", "after", "s2", "new")
	if v, _ := get(t, sn, "s"); v != "before" {
		t.Errorf("snapshot sees %q, want the value from before it", v)
	}
	same(t, "snapshot scan", scan(t, sn, kv.Range{Prefix: []byte("s")}), []string{"s=before"})
	if v, _ := viewGet(t, e, "s"); v != "after" {
		t.Errorf("a new view sees %q, want after", v)
	}
}

func testAbort(t *testing.T, h Harness) {
	e := open(t, h)
	set(t, e, "keep", "1")
	boom := errors.New("boom")
	err := e.Update(context.Background(), func(tx kv.Txn) error {
		for i := 0; i < 100; i++ {
			if err := tx.Set(fmt.Appendf(nil, "x%03d", i), []byte("v")); err != nil {
				return err
			}
		}
		if err := tx.Delete([]byte("keep")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("aborted update: %v, want boom", err)
	}
	same(t, "after an aborted update", viewScan(t, e, kv.Range{KeysOnly: true}), []string{"keep"})
}

func testCancelledCommit(t *testing.T, h Harness) {
	e := open(t, h)
	// Cancelled at random points of large transactions: each is wholly
	// written or not at all.
	for round := 0; round < 6; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		prefix := fmt.Sprintf("r%d/", round)
		at := rand.IntN(3000)
		err := e.Update(ctx, func(tx kv.Txn) error {
			for i := 0; i < 2000; i++ {
				if i == at {
					cancel()
				}
				if err := tx.Set(fmt.Appendf(nil, "%s%05d", prefix, i), bytes.Repeat([]byte{'v'}, 100)); err != nil {
					return err
				}
			}
			return nil
		})
		cancel()
		n := len(viewScan(t, e, kv.Range{Prefix: []byte(prefix), KeysOnly: true}))
		switch {
		case err == nil && n != 2000:
			t.Errorf("round %d: committed, but %d of 2000 keys are there", round, n)
		case err != nil && n != 0:
			t.Errorf("round %d: failed (%v), but %d of 2000 keys are there", round, err, n)
		case at < 2000 && err == nil:
			t.Errorf("round %d: cancelled before the commit, yet it committed", round)
		}
	}
}

func testTooBig(t *testing.T, h Harness) {
	e := open(t, h)
	lim := e.Limits()
	if lim.MaxTxnBytes <= 0 && lim.MaxTxnOps <= 0 {
		t.Fatal("the engine reports no transaction limit")
	}
	val := bytes.Repeat([]byte{'x'}, 512) // inline in every engine (Badger keeps larger values apart, outside its limit)
	var n int
	err := e.Update(context.Background(), func(tx kv.Txn) error {
		for ; ; n++ {
			if err := tx.Set(fmt.Appendf(nil, "big%08d", n), val); err != nil {
				return err
			}
			if lim.MaxTxnBytes > 0 && int64(n)*int64(len(val)) > 2*lim.MaxTxnBytes+(1<<20) ||
				lim.MaxTxnOps > 0 && n > 2*lim.MaxTxnOps+1 {
				return errors.New("no ErrTooBig past twice the limit")
			}
		}
	})
	if !errors.Is(err, kv.ErrTooBig) {
		t.Fatalf("oversized transaction: %v after %d writes, want ErrTooBig", err, n)
	}
	if got := viewScan(t, e, kv.Range{Prefix: []byte("big"), KeysOnly: true}); len(got) != 0 {
		t.Fatalf("an oversized transaction left %d keys", len(got))
	}
	// A transaction within the limit still commits.
	set(t, e, "small", "ok")
}

// testConcurrentIncrements runs read-modify-write transactions on one
// counter from several goroutines, retrying conflicts: no increment is lost,
// which is what serializable transactions (or serialised writers) promise.
func testConcurrentIncrements(t *testing.T, h Harness) {
	e := open(t, h)
	set(t, e, "counter", "0")
	const workers, each = 4, 25
	var wg sync.WaitGroup
	var conflicts sync.Map
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				for attempt := 0; ; attempt++ {
					err := e.Update(context.Background(), func(tx kv.Txn) error {
						v, _, err := tx.Get(context.Background(), []byte("counter"))
						if err != nil {
							return err
						}
						var n int
						fmt.Sscan(string(v), &n)
						return tx.Set([]byte("counter"), fmt.Append(nil, n+1))
					})
					if errors.Is(err, kv.ErrConflict) && attempt < 1000 {
						conflicts.Store(w, true)
						continue
					}
					if err != nil {
						t.Errorf("increment: %v", err)
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	if v, _ := viewGet(t, e, "counter"); v != fmt.Sprint(workers*each) {
		t.Fatalf("counter = %s after %d increments: updates were lost", v, workers*each)
	}
}

func testConcurrentWriters(t *testing.T, h Harness) {
	e := open(t, h)
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				// Each transaction writes a pair that must appear together.
				err := e.Update(context.Background(), func(tx kv.Txn) error {
					if err := tx.Set(fmt.Appendf(nil, "w%d/%03d/a", w, i), []byte("1")); err != nil {
						return err
					}
					return tx.Set(fmt.Appendf(nil, "w%d/%03d/b", w, i), []byte("1"))
				})
				if err != nil && !errors.Is(err, kv.ErrConflict) {
					t.Errorf("writer %d: %v", w, err)
				}
			}
		}()
	}
	// Readers meanwhile always see whole pairs.
	done := make(chan struct{})
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			keys := viewScan(t, e, kv.Range{Prefix: []byte("w"), KeysOnly: true})
			if len(keys)%2 != 0 {
				t.Errorf("a reader saw %d keys: half a transaction", len(keys))
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	rwg.Wait()
	if got := viewScan(t, e, kv.Range{Prefix: []byte("w"), KeysOnly: true}); len(got) != 2*workers*each {
		t.Fatalf("%d keys after the writers, want %d", len(got), 2*workers*each)
	}
}

func testOptional(t *testing.T, h Harness) {
	e := open(t, h)
	set(t, e, "\x00meta", "m", "d1", "1", "d2", "2")
	ctx := context.Background()
	if bw, ok := e.(kv.BulkWriter); ok {
		if err := bw.WriteBatch(ctx, []kv.Op{{Key: []byte("d3"), Value: []byte("3")}, {Key: []byte("d1"), Del: true}}); err != nil {
			t.Fatal(err)
		}
		same(t, "after WriteBatch", viewScan(t, e, kv.Range{KeysOnly: true}), []string{"\x00meta", "d2", "d3"})
	}
	if s, ok := e.(kv.Syncer); ok {
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d, ok := e.(kv.Dropper); ok {
		if err := d.DropAllExcept(ctx, []byte{0}); err != nil {
			t.Fatal(err)
		}
		same(t, "after DropAllExcept", viewScan(t, e, kv.Range{KeysOnly: true}), []string{"\x00meta"})
	}
}

func testDurable(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("the engine keeps nothing across reopening")
	}
	e := h.Open(t)
	set(t, e, "durable", "yes")
	e = h.Reopen(t, e)
	defer e.Close()
	if v, ok := viewGet(t, e, "durable"); !ok || v != "yes" {
		t.Fatalf("after reopening: %q %v", v, ok)
	}
}
