package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
	"github.com/whosedata/whosedata/schema"
)

// Systems compared; the values of Result.System.
const (
	SystemWhosedata = "whosedata"
	SystemPostgres  = "postgres"
	SystemLimit     = "limit"
	// SystemLineageUp is the peer of the compliance row: whosedata's own
	// UPSTREAM lineage of the same seeds (the walk compliance is built on).
	SystemLineageUp = "lineage_up"
)

// Workloads, in the order they run and are printed.
var Workloads = []string{"load", "lineage_down", "lineage_up", "lineage_down_asof", "lineage_up_asof", "compliance", "paths", "entity_http", "serve"}

// Config configures Run. Zero sizes mean the full benchmark: 200,000
// entities and 1,000,000 statements.
type Config struct {
	Entities, Statements int
	Seed                 uint64
	// JSONPath, when set, receives {"results": [...]}.
	JSONPath string
	// Binary is the whosedata binary used for the serve row through
	// MeasureServeRSS; "" skips the row unless ServeRSS is set.
	Binary string
	// ServeRSS, when set, measures the serve row instead of Binary: it
	// serves the store in dataDir, runs the lineage seeds against it and
	// returns the server's peak RSS in MiB.
	ServeRSS func(ctx context.Context, dataDir string) (peakMiB float64, err error)
	// Out receives the table; nil means os.Stdout.
	Out io.Writer
	// Check is the correctness mode for CI: every system's answers are
	// compared, each workload runs once, and PostgreSQL has no time budget.
	Check bool
	// ProfileDir, when set, receives CPU profiles of whosedata's load and
	// lineage_down workloads (load.pprof, lineage_down.pprof).
	ProfileDir string
	// PostgresBudget bounds the time PostgreSQL gets per lineage workload,
	// and whosedata's compliance workload, outside Check mode (0: 90 s);
	// seeds are taken in an interleaved order (hubs and random entities
	// mixed) until it is spent, and the rows report the seeds answered.
	PostgresBudget time.Duration
	// NoPostgres leaves PostgreSQL out even when it is installed.
	NoPostgres bool
	// Logger receives progress; nil means slog.Default().
	Logger *slog.Logger
}

// Result is one row of the benchmark: one workload on one system. Fields that
// do not apply to the workload are zero.
type Result struct {
	Workload   string  `json:"workload"`
	System     string  `json:"system"`
	OpsPerS    float64 `json:"ops_per_s"`
	ItemsPerS  float64 `json:"items_per_s"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	PeakRSSMiB float64 `json:"peak_rss_mib"`
}

// lineageWorkloads are the lineage rows: default arguments, then asOf
// 2023-01 with minStatus ASSERTED.
var lineageWorkloads = []struct {
	name string
	q    lineageQuery
}{
	{"lineage_down", lineageQuery{down: true}},
	{"lineage_up", lineageQuery{down: false}},
	{"lineage_down_asof", lineageQuery{down: true, asOf: graph.MustParseDate("2023-01"), minStatus: graph.Asserted}},
	{"lineage_up_asof", lineageQuery{down: false, asOf: graph.MustParseDate("2023-01"), minStatus: graph.Asserted}},
}

// Run generates the graph, runs every workload on every system available,
// checks that the systems' lineage answers agree, prints the table to
// cfg.Out and writes cfg.JSONPath. It returns the rows, or an error: a
// mismatch (naming the workload, the seed and the difference), a failed
// workload, or ctx's error. PostgreSQL missing is not an error: its rows are
// left out and the table says how to install it.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Entities <= 0 {
		cfg.Entities = 200_000
	}
	if cfg.Statements <= 0 {
		cfg.Statements = 1_000_000
	}
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PostgresBudget <= 0 {
		cfg.PostgresBudget = 90 * time.Second
	}
	log := cfg.Logger
	reps := 3
	if cfg.Check {
		reps = 1
	}
	var results []Result
	add := func(r Result) {
		results = append(results, r)
		log.Info("bench", "workload", r.Workload, "system", r.System, "ops/s", fmt.Sprintf("%.1f", r.OpsPerS),
			"items/s", fmt.Sprintf("%.0f", r.ItemsPerS), "p50ms", fmt.Sprintf("%.3f", r.P50ms), "p99ms", fmt.Sprintf("%.3f", r.P99ms))
	}

	log.Info("bench: generating", "entities", cfg.Entities, "statements", cfg.Statements, "seed", cfg.Seed)
	sg := synth.Generate(synth.Config{Entities: cfg.Entities, Statements: cfg.Statements, Seed: cfg.Seed})
	d, err := newDataset(sg)
	if err != nil {
		return nil, err
	}
	seeds := sg.Seeds(100, cfg.Seed)

	// load: whosedata, into a fresh on-disk store.
	tmp, err := os.MkdirTemp("", "whosedata-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dataDir := filepath.Join(tmp, "store")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := graph.Open(dataDir, &graph.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	defer func() {
		if store != nil {
			store.Close()
		}
	}()
	var loadSmp sample
	err = profiled(cfg.ProfileDir, "load", func() error {
		t := time.Now()
		if _, err := store.Import(ctx, sg.Batch); err != nil {
			return fmt.Errorf("whosedata load: %w", err)
		}
		loadSmp.add(time.Since(t), len(sg.Batch.Statements))
		return nil
	})
	if err != nil {
		return nil, err
	}
	add(loadSmp.result("load", SystemWhosedata))

	// load: postgres.
	var pg *pgCluster
	err = ErrNoPostgres
	if !cfg.NoPostgres {
		pg, err = startPostgres(ctx, log)
	}
	var pgNote string
	switch {
	case cfg.NoPostgres:
	case errors.Is(err, ErrNoPostgres):
		pgNote = "PostgreSQL rows are missing: " + err.Error()
		log.Warn("bench: " + pgNote)
	case err != nil:
		return nil, fmt.Errorf("postgres: %w", err)
	}
	defer pg.stop()
	var pgConn interface{ Close(context.Context) error }
	var pgLin func(ctx context.Context, start int32, q lineageQuery, sql string) ([]hit, error)
	if pg != nil {
		conn, err := pg.connect(ctx)
		if err != nil {
			return nil, fmt.Errorf("postgres connect: %w", err)
		}
		pgConn = conn
		defer func() {
			if pgConn != nil {
				pgConn.Close(context.WithoutCancel(ctx))
			}
		}()
		el, err := pgLoad(ctx, conn, d)
		if err != nil {
			return nil, err
		}
		var smp sample
		smp.add(el, len(sg.Batch.Statements))
		add(smp.result("load", SystemPostgres))
		pgLin = func(ctx context.Context, start int32, q lineageQuery, sql string) ([]hit, error) {
			return pgLineage(ctx, conn, sql, start, q)
		}
	}

	// lineage: answers are checked on every seed before anything is timed.
	lg := newLimitGraph(d)
	for _, w := range lineageWorkloads {
		want := make([][]hit, len(seeds))
		for i, seed := range seeds {
			if want[i], err = wdLineage(ctx, store, d, seed, w.q); err != nil {
				return nil, err
			}
			if diff := diffHits(d, want[i], lg.lineage(d.index[seed], w.q), SystemWhosedata, SystemLimit); diff != "" {
				return nil, fmt.Errorf("%s: seed %s: whosedata and limit disagree: %s", w.name, seed, diff)
			}
		}
		var wd, lim sample
		err := profiled(map[bool]string{true: cfg.ProfileDir}[w.name == "lineage_down"], w.name, func() error {
			for range reps {
				for _, seed := range seeds {
					t := time.Now()
					h, err := store.Lineage(ctx, seed, w.q.options())
					if err != nil {
						return fmt.Errorf("whosedata %s of %s: %w", w.name, seed, err)
					}
					wd.add(time.Since(t), len(h))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		add(wd.result(w.name, SystemWhosedata))
		for range reps {
			for _, seed := range seeds {
				n := d.index[seed]
				t := time.Now()
				h := lg.lineage(n, w.q)
				lim.add(time.Since(t), len(h))
			}
		}
		add(lim.result(w.name, SystemLimit))
		if pgLin == nil {
			continue
		}
		// PostgreSQL: each answer is checked and timed in one pass (it is
		// slow), seeds interleaved so that a budget cut keeps the mix.
		var ps sample
		sql := pgLineageSQL(w.q)
		began := time.Now()
		order := interleave(len(seeds))
		for k, i := range order {
			if !cfg.Check && k > 0 && time.Since(began) > cfg.PostgresBudget {
				log.Warn("bench: postgres time budget spent", "workload", w.name, "seeds answered", k, "of", len(seeds))
				break
			}
			t := time.Now()
			h, err := pgLin(ctx, d.index[seeds[i]], w.q, sql)
			if err != nil {
				return nil, fmt.Errorf("postgres %s of %s: %w", w.name, seeds[i], err)
			}
			ps.add(time.Since(t), len(h))
			if diff := diffHits(d, want[i], h, SystemWhosedata, SystemPostgres); diff != "" {
				return nil, fmt.Errorf("%s: seed %s: whosedata and postgres disagree: %s", w.name, seeds[i], diff)
			}
		}
		add(ps.result(w.name, SystemPostgres))
	}
	if pgConn != nil {
		pgConn.Close(context.WithoutCancel(ctx))
		pgConn = nil
		pg.stop()
		pg = nil
	}

	// compliance: SPEC §10 on the lineage seeds, each answer checked against
	// the UPSTREAM lineage it is built on; compared with that lineage. One
	// round, seeds interleaved, within PostgreSQL's time budget outside Check
	// mode: it loads every asset's path and licences from the store, which
	// makes it far slower than the walk.
	budget := cfg.PostgresBudget
	if cfg.Check {
		budget = 0
	}
	cs, err := wdCompliance(ctx, store, seeds, budget, log)
	if err != nil {
		return nil, err
	}
	add(cs.result("compliance", SystemWhosedata))
	for _, r := range results {
		if r.Workload == "lineage_up" && r.System == SystemWhosedata {
			r.Workload, r.System = "compliance", SystemLineageUp
			add(r)
		}
	}

	// paths: whosedata only.
	ps, err := wdPaths(ctx, store, seeds, reps)
	if err != nil {
		return nil, err
	}
	add(ps.result("paths", SystemWhosedata))

	// entity_http: the real schema and server, then a bare graphql-go
	// schema behind the same server.
	total := 20_000
	if cfg.Check {
		total = 2_000
	}
	sch, err := schema.New(store, schema.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	bare, err := bareSchema()
	if err != nil {
		return nil, err
	}
	for i, s := range []*graphql.Schema{sch, bare} {
		url, stop, err := serveSchema(ctx, s)
		if err != nil {
			return nil, err
		}
		smp, err := runEntityHTTP(ctx, url, sg.Keys, total, cfg.Seed)
		stop()
		if err != nil {
			return nil, fmt.Errorf("entity_http: %w", err)
		}
		add(smp.result("entity_http", []string{SystemWhosedata, SystemLimit}[i]))
	}

	// serve: the store on disk, served by a separate process.
	serveRSS := cfg.ServeRSS
	if serveRSS == nil && cfg.Binary != "" {
		serveRSS = func(ctx context.Context, dir string) (float64, error) {
			return MeasureServeRSS(ctx, cfg.Binary, dir, seeds)
		}
	}
	if serveRSS != nil {
		if err := store.Close(); err != nil {
			return nil, err
		}
		store = nil
		mib, err := serveRSS(ctx, dataDir)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		add(Result{Workload: "serve", System: SystemWhosedata, PeakRSSMiB: mib})
	}

	printTable(cfg.Out, results, pgNote)
	if cfg.JSONPath != "" {
		b, _ := json.MarshalIndent(struct {
			Results []Result `json:"results"`
		}{results}, "", "  ")
		if err := os.WriteFile(cfg.JSONPath, append(b, '\n'), 0o644); err != nil {
			return results, err
		}
	}
	return results, nil
}

// interleave orders 0..n-1 by steps of 7 (coprime to the 100 seeds), so that
// any prefix mixes the hubs (the first fifth) and random entities.
func interleave(n int) []int {
	res := make([]int, 0, n)
	seen := make([]bool, n)
	for k := 0; k < n; k++ {
		i := (k * 7) % n
		for seen[i] {
			i = (i + 1) % n
		}
		seen[i] = true
		res = append(res, i)
	}
	return res
}

// profiled runs fn with a CPU profile written to dir/name.pprof when dir is
// set.
func profiled(dir, name string, fn func() error) error {
	if dir == "" {
		return fn()
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return fn()
}

// printTable writes the rows grouped by workload with the ratio of
// whosedata to each peer (throughput: higher is better for whosedata).
func printTable(w io.Writer, rs []Result, note string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tsystem\tops/s\titems/s\tp50 ms\tp99 ms\tpeak RSS MiB\twhosedata ×\t")
	for _, wl := range Workloads {
		var own *Result
		for i := range rs {
			if rs[i].Workload == wl && rs[i].System == SystemWhosedata {
				own = &rs[i]
			}
		}
		for _, r := range rs {
			if r.Workload != wl {
				continue
			}
			ratio := ""
			if own != nil && r.System != SystemWhosedata && r.OpsPerS > 0 {
				ratio = fmt.Sprintf("%.2f", own.OpsPerS/r.OpsPerS)
			}
			rss := ""
			if r.PeakRSSMiB > 0 {
				rss = fmt.Sprintf("%.0f", r.PeakRSSMiB)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.0f\t%.3f\t%.3f\t%s\t%s\t\n", r.Workload, r.System, r.OpsPerS, r.ItemsPerS, r.P50ms, r.P99ms, rss, ratio)
		}
	}
	tw.Flush()
	if note != "" {
		fmt.Fprintln(w, note)
	}
}
