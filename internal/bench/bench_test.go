package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/internal/pgtest"
)

// TestRunCheck runs the correctness mode at a small size: Run fails on any
// disagreement between whosedata, limit, SQLite and (when installed)
// PostgreSQL (both walks), and
// every workload row must be present. Nothing about timing is asserted.
func TestRunCheck(t *testing.T) {
	_, pgErr := findPostgres()
	havePG := pgErr == nil
	if !havePG && os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %v", pgErr)
	}
	if !havePG {
		t.Logf("PostgreSQL rows skipped: %v", pgErr)
	}
	haveSQLite := !raceEnabled
	if !haveSQLite {
		t.Log("SQLite rows left out under the race detector; the plain run and e2e's TestBenchCommand check them")
	}
	var out bytes.Buffer
	rs, err := Run(context.Background(), Config{Entities: 1000, Statements: 4000, Seed: 1, Check: true, Out: &out, NoSQLite: !haveSQLite,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	has := map[[2]string]bool{}
	for _, r := range rs {
		has[[2]string{r.Workload, r.System}] = true
	}
	want := [][2]string{{"load", SystemWhosedata}, {"paths", SystemWhosedata}, {"paths", SystemLimit},
		{"compliance", SystemWhosedata}, {"compliance", SystemLineageUp},
		{"entity_http", SystemWhosedata}, {"entity_http", SystemLimit}}
	if havePG {
		want = append(want, [2]string{"load", SystemPostgres})
	}
	if haveSQLite {
		want = append(want, [2]string{"load", SystemSQLite})
	}
	for _, w := range lineageWorkloads {
		want = append(want, [2]string{w.name, SystemWhosedata}, [2]string{w.name, SystemLimit})
		if haveSQLite {
			want = append(want, [2]string{w.name, SystemSQLite})
		}
		if havePG {
			want = append(want, [2]string{w.name, SystemPostgres}, [2]string{w.name, SystemPostgresCTE})
		}
	}
	for _, w := range want {
		if !has[w] {
			t.Errorf("no %s row for %s", w[0], w[1])
		}
	}
}

// TestDiffHitsNamesTheDifference pins that a mismatch names the entity and
// both answers, since that is what a failing CI run shows.
func TestDiffHitsNamesTheDifference(t *testing.T) {
	d := &dataset{keys: []string{"a", "b", "c"}}
	a := []hit{{n: 1, depth: 1, status: 5}, {n: 2, depth: 2, status: 4}}
	b := []hit{{n: 1, depth: 1, status: 5}, {n: 2, depth: 3, status: 4}}
	got := diffHits(d, a, b, "x", "y")
	if want := "2 vs 2 hits; c: x says depth 2 ALLEGED, y says depth 3 ALLEGED"; got != want {
		t.Errorf("diffHits = %q, want %q", got, want)
	}
	if got := diffHits(d, a, a, "x", "y"); got != "" {
		t.Errorf("equal answers: diffHits = %q", got)
	}
}

// TestMissingPostgresIsExplained checks the error text users see.
func TestMissingPostgresIsExplained(t *testing.T) {
	if !errors.Is(ErrNoPostgres, ErrNoPostgres) || !bytes.Contains([]byte(ErrNoPostgres.Error()), []byte("apt-get install postgresql")) {
		t.Errorf("ErrNoPostgres = %q, want the install command", ErrNoPostgres)
	}
}

// TestRunCheckOnPostgresStore runs whosedata's rows on the PostgreSQL
// backend (--store postgres://…): every lineage answer is checked equal to
// the in-memory limit's, and the rows that run a process on a directory are
// left out.
func TestRunCheckOnPostgresStore(t *testing.T) {
	c := pgtest.Run(t)
	db, err := c.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rs, err := Run(context.Background(), Config{Entities: 300, Statements: 1200, Seed: 3, Check: true, Out: &out,
		NoPostgres: true, NoSQLite: true, Store: c.URL(db), Binary: "/nonexistent/whosedata",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	has := map[[2]string]bool{}
	for _, r := range rs {
		has[[2]string{r.Workload, r.System}] = true
	}
	for _, w := range []string{"load", "lineage_down", "lineage_up", "lineage_down_asof", "lineage_up_asof", "paths"} {
		if !has[[2]string{w, SystemWhosedata}] {
			t.Errorf("no whosedata %s row on the PostgreSQL store:\n%s", w, out.String())
		}
	}
	for _, w := range []string{"serve", "open", "load_file"} {
		if has[[2]string{w, SystemWhosedata}] {
			t.Errorf("a %s row on a --store run, which has no directory to run a process on", w)
		}
	}
	// A store that is not empty is refused.
	_, err = Run(context.Background(), Config{Entities: 300, Statements: 1200, Seed: 3, Check: true, Out: io.Discard,
		NoPostgres: true, NoSQLite: true, Store: c.URL(db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || !strings.Contains(err.Error(), "the benchmark loads an empty store") {
		t.Errorf("a second run on the loaded store: %v, want a refusal", err)
	}
}

// TestPathPairsAreDistinct pins that no paths pair joins an entity to
// itself, whatever the seeds, and that the run that used to fail on such a
// pair (seed 2 at 300 entities) passes, with whosedata loaded in several
// Imports and every answer checked against the limit.
func TestPathPairsAreDistinct(t *testing.T) {
	for _, seeds := range [][]string{{"a", "b", "c"}, {"a", "a", "b"}, {"a", "b", "b", "b"}, {"a"}, {"a", "a"}, nil} {
		pairs := pathPairs(seeds)
		for _, p := range pairs {
			if p[0] == p[1] {
				t.Errorf("pathPairs(%v) pairs %s with itself", seeds, p[0])
			}
		}
		distinct := map[string]bool{}
		for _, s := range seeds {
			distinct[s] = true
		}
		if want := len(seeds); len(distinct) < 2 {
			want = 0
			if len(pairs) != want {
				t.Errorf("pathPairs(%v) = %v, want none", seeds, pairs)
			}
		} else if len(pairs) != want {
			t.Errorf("pathPairs(%v) = %v, want one pair per seed", seeds, pairs)
		}
	}
	if got := pathPairs([]string{"a", "a", "b"}); !slices.Equal(got, [][2]string{{"a", "b"}, {"a", "b"}, {"b", "a"}}) {
		t.Errorf("pathPairs(a a b) = %v", got)
	}
	rs, err := Run(context.Background(), Config{Entities: 300, Statements: 1200, Seed: 2, Check: true, Out: io.Discard,
		NoPostgres: true, NoSQLite: true, LoadChunk: 250, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Workload == "paths" && r.System == SystemWhosedata && r.Ops != 100 {
			t.Errorf("paths: %d pairs answered, want 100", r.Ops)
		}
		if r.Workload == "load" && r.System == SystemWhosedata && r.ItemsPerS <= 0 {
			t.Errorf("load row %+v has no throughput", r)
		}
	}
}

// TestLoadFileStopsAtTheRSSCap runs a child that would run for half a
// minute under a cap it passes at once: it is stopped, and the error says
// it was the cap.
func TestLoadFileStopsAtTheRSSCap(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "whosedata")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, rss, err := measureLoadFile(context.Background(), bin, t.TempDir(), "graph.jsonl", 0.01)
	var capped *rssCapError
	if !errors.As(err, &capped) || rss != 0.01 || !strings.Contains(err.Error(), "passed the cap of 0 MiB") {
		t.Fatalf("measureLoadFile under a cap of 0.01 MiB: rss %v, %v; want it stopped at the cap", rss, err)
	}
}

// TestLoadFilePeakIsTheChilds holds 256 MiB in the test process while a
// small child runs: the peak reported is the child's own, not the memory of
// the process that started it (which the child's ru_maxrss would count).
func TestLoadFilePeakIsTheChilds(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "whosedata")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 0.5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	held := make([]byte, 256<<20)
	for i := range held {
		held[i] = 1
	}
	_, rss, err := measureLoadFile(context.Background(), bin, t.TempDir(), "graph.jsonl", 0)
	runtime.KeepAlive(held)
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 || rss > 64 {
		t.Fatalf("peak RSS of `sleep 0.5` reported as %.1f MiB; want its own few MiB", rss)
	}
}

// TestJSONIsWrittenAsRowsArrive checks that the JSON file holds the rows
// measured so far, whole, after each row: what a stopped 10M run leaves.
func TestJSONIsWrittenAsRowsArrive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.json")
	r := &run{cfg: Config{JSONPath: path}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i, w := range []string{"load", "lineage_down"} {
		r.add(Result{Workload: w, System: SystemWhosedata, Ops: i + 1})
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Results []Result }
		if err := json.Unmarshal(b, &got); err != nil || len(got.Results) != i+1 || got.Results[i].Workload != w {
			t.Fatalf("after row %d: %v, %s", i+1, err, b)
		}
	}
}
