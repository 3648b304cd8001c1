package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

// TestMemSize measures what an open store costs: the Go heap in use after a
// collection and the time from Open to the first lineage answer, on a store
// of the bench generator's shape (WHOSEDATA_MEM_STATEMENTS statements, a
// fifth as many entities). It is skipped unless that variable is set, since
// building a large store takes minutes. WHOSEDATA_MEM_DIR keeps the store in
// a directory across runs (it is built there when empty); with
// WHOSEDATA_MEM_PROFILE the heap profile of the open store is written to
// that file (read it with `go tool pprof -sample_index=inuse_space`).
//
// It checks that the reopened store answers: its counts match the generated
// graph and a hub's lineage names entities by key.
func TestMemSize(t *testing.T) {
	env := os.Getenv("WHOSEDATA_MEM_STATEMENTS")
	if env == "" {
		t.Skip("set WHOSEDATA_MEM_STATEMENTS (e.g. 1000000) to measure an open store")
	}
	n, err := strconv.Atoi(env)
	if err != nil || n <= 0 {
		t.Fatalf("WHOSEDATA_MEM_STATEMENTS=%q: want a positive number of statements", env)
	}
	cfg := synth.Config{Entities: max(n/5, 16), Statements: n, Seed: 1}
	dir := os.Getenv("WHOSEDATA_MEM_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	ctx := context.Background()
	seed, want := buildMemStore(t, dir, cfg)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	start := time.Now()
	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	opened := time.Since(start)
	hits, err := s.Lineage(ctx, seed, graph.LineageOptions{Direction: graph.Downstream, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	if len(hits) == 0 || hits[0].Entity == nil || hits[0].Entity.Key == "" {
		t.Fatalf("lineage of hub %s: %d hits, first %+v; want hits named by key", seed, len(hits), hits)
	}

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c != want {
		t.Fatalf("reopened store counts %+v; the import made %+v", c, want)
	}
	if path := os.Getenv("WHOSEDATA_MEM_PROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mib := func(b uint64) float64 { return float64(b) / (1 << 20) }
	t.Logf("%d entities, %d relations, %d statements", c.Entities, c.Relations, c.Statements)
	t.Logf("open %v, first answer %v (%d hits of %s)", opened.Round(time.Millisecond), first.Round(time.Millisecond), len(hits), seed)
	t.Logf("heap in use after GC: %.1f MiB (%.1f MiB before open); heap objects %d; Go sys %.1f MiB; total allocated by open %.1f MiB",
		mib(after.HeapInuse), mib(before.HeapInuse), after.HeapObjects-before.HeapObjects, mib(after.Sys),
		mib(after.TotalAlloc-before.TotalAlloc))
}

// buildMemStore fills dir with the generated graph unless it already holds
// it, and returns a hub to walk from and the counts the store must report:
// what the import created, kept beside the directory (in dir+".counts") for
// later runs.
func buildMemStore(t *testing.T, dir string, cfg synth.Config) (string, graph.Counts) {
	t.Helper()
	ctx := context.Background()
	g := synth.Generate(cfg)
	var want graph.Counts
	side := filepath.Clean(dir) + ".counts"
	if b, err := os.ReadFile(side); err == nil {
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", side, err)
		}
		return g.Hubs[0], want
	}
	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, err := s.Counts(ctx); err != nil || c.Entities != 0 {
		t.Fatalf("store in %s holds %+v (%v) but %s is missing: use an empty WHOSEDATA_MEM_DIR", dir, c, err, side)
	}
	t0 := time.Now()
	res, err := s.Import(ctx, g.Batch)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built the store in %v", time.Since(t0).Round(time.Second))
	want = graph.Counts{Entities: res.EntitiesCreated, Relations: res.RelationsCreated, Statements: res.StatementsAdded}
	if want.Entities != cfg.Entities {
		t.Fatalf("import created %d entities; the generated graph has %d", want.Entities, cfg.Entities)
	}
	b, _ := json.Marshal(want)
	if err := os.WriteFile(side, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return g.Hubs[0], want
}
