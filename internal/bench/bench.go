package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
	"github.com/whosedata/whosedata/schema"
)

// Systems compared; the values of Result.System.
const (
	SystemWhosedata = "whosedata"
	// SystemPostgres is the fastest of PostgreSQL's three lineage walks per
	// workload (Result.Walk says which), and PostgreSQL's COPY for load.
	SystemPostgres = "postgres"
	// SystemPostgresCTE is PostgreSQL's recursive-CTE walk.
	SystemPostgresCTE = "postgres_cte"
	// SystemSQLite is the faster of SQLite's two lineage walks (Result.Walk
	// says which), and its batched insert for load.
	SystemSQLite = "sqlite"
	SystemLimit  = "limit"
	// SystemLineageUp is the peer of the compliance row: whosedata's own
	// UPSTREAM lineage of the same seeds (the walk compliance is built on).
	SystemLineageUp = "lineage_up"
)

// The SQL peers' lineage walks; the values of Result.Walk.
const (
	WalkCTE    = "cte"    // one recursive CTE, depth-bounded, rerun deeper when the bound is hit
	WalkLevels = "levels" // one statement per depth, the visited set in a temporary table
	WalkArray  = "array"  // PostgreSQL: one read-only query per depth, the frontier as arrays, the visited set in the client
)

// Workloads, in the order they are printed.
var Workloads = []string{"load", "load_file", "lineage_down", "lineage_up", "lineage_down_asof", "lineage_up_asof", "compliance", "paths",
	"entity_http", "serve", "open"}

// DefaultBudget is the time each SQL peer's walk gets per lineage workload
// outside Check mode, and the time after which whosedata and the limit start
// no further round of a workload's seeds (the first round, which checks
// every answer, always runs whole).
const DefaultBudget = 45 * time.Second

// The load workload is one Store.ImportStream of the generated graph
// (entities, then statements generated again as they are read), which
// writes it in chunks with bounded memory and commits it whole, as
// `whosedata load` of a large file does. Config.LoadChunk > 0 loads it in
// separate Imports of that many items instead, each its own commit.

// DefaultLoadFileRSSCap is the peak RSS, in MiB, at which the load_file
// workload's `whosedata load` is stopped (Config.LoadFileRSSCap).
const DefaultLoadFileRSSCap = 8192

// Config configures Run. Zero sizes mean the full benchmark: 200,000
// entities and 1,000,000 statements.
type Config struct {
	Entities, Statements int
	Seed                 uint64
	// JSONPath, when set, receives {"results": [...]}.
	JSONPath string
	// Binary is the whosedata binary that the serve, open and load_file
	// workloads run as a child process; "" leaves those rows out (serve is
	// still measured when ServeRSS is set).
	Binary string
	// ServeRSS, when set, measures the serve row instead of Binary: it
	// serves the store in dataDir, runs the lineage seeds against it and
	// returns the server's peak RSS in MiB.
	ServeRSS func(ctx context.Context, dataDir string) (peakMiB float64, err error)
	// Out receives the table; nil means os.Stdout.
	Out io.Writer
	// Check is the correctness mode for CI: every system's answers are
	// compared, each workload runs once, and the SQL peers have no time
	// budget.
	Check bool
	// ProfileDir, when set, receives CPU profiles of whosedata's load and
	// lineage_down workloads (load.pprof, lineage_down.pprof).
	ProfileDir string
	// PostgresBudget bounds the time each SQL peer's walk (PostgreSQL's CTE
	// and level walks, SQLite's two) gets per lineage workload, and
	// whosedata's compliance workload, outside Check mode (0:
	// DefaultBudget); seeds
	// are taken in an interleaved order (hubs and random entities mixed)
	// until it is spent, and the rows report the seeds answered.
	PostgresBudget time.Duration
	// LoadChunk, when > 0, loads the graph in separate Store.Imports of at
	// most that many items (entities, then statements), each its own commit,
	// instead of one ImportStream; the load row's time is then the sum of
	// the Imports, and the batches are made between them.
	LoadChunk int
	// LoadFileRSSCap is the peak RSS in MiB at which load_file's child
	// process is stopped (0: DefaultLoadFileRSSCap): the row then reports
	// the cap as its peak, no throughput, and the run goes on, so that a
	// load that does not fit cannot take the machine down with it.
	LoadFileRSSCap float64
	// NoPostgres leaves PostgreSQL out even when it is installed.
	NoPostgres bool
	// NoSQLite leaves SQLite out.
	NoSQLite bool
	// Store, when set, names an empty store (graph.OpenURL: a directory,
	// "memory:" or postgres://…) that whosedata's rows load and walk instead
	// of a fresh on-disk Badger store; the rows that run whosedata as a
	// process on its directory (serve, open, load_file) are left out.
	Store string
	// Logger receives progress; nil means slog.Default().
	Logger *slog.Logger
}

// Result is one row of the benchmark: one workload on one system. Fields that
// do not apply to the workload are zero.
type Result struct {
	Workload   string  `json:"workload"`
	System     string  `json:"system"`
	Walk       string  `json:"walk,omitempty"` // the SQL peers' lineage rows: WalkCTE or WalkLevels
	Ops        int     `json:"ops"`            // operations timed (seeds answered, for a budgeted walk)
	OpsPerS    float64 `json:"ops_per_s"`
	ItemsPerS  float64 `json:"items_per_s"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// WhosedataX, on a SQL peer's lineage row, is how many times faster
	// whosedata answered the seeds that row answered (a time budget may
	// stop a peer short of all of them, after the hubs it starts with);
	// the table's ratio column uses it there.
	WhosedataX float64 `json:"whosedata_x,omitempty"`
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

// sqlPeer is a loaded SQL database and how it spells the walks.
type sqlPeer struct {
	system string // SystemPostgres or SystemSQLite
	db     sqlDB
	dl     dialect
}

// run is the state of one benchmark run.
type run struct {
	cfg     Config
	log     *slog.Logger
	reps    int
	results []Result
	src     *synth.Source
	d       *dataset
	seeds   []string
	notes   []string
}

// add records a row and, with Config.JSONPath set, rewrites the JSON file,
// so that a run stopped part way (a 10M run takes hours) leaves the rows it
// measured.
func (r *run) add(res Result) {
	r.results = append(r.results, res)
	if r.cfg.JSONPath != "" {
		if err := r.writeJSON(); err != nil {
			r.log.Warn("bench: write the rows so far", "err", err)
		}
	}
	r.log.Info("bench", "workload", res.Workload, "system", res.System, "walk", res.Walk, "ops", res.Ops,
		"ops/s", fmt.Sprintf("%.4g", res.OpsPerS), "items/s", fmt.Sprintf("%.0f", res.ItemsPerS),
		"p50ms", fmt.Sprintf("%.3f", res.P50ms), "p99ms", fmt.Sprintf("%.3f", res.P99ms))
}

// Run generates the graph, runs every workload on every system available,
// checks that the systems' answers agree, prints the table to cfg.Out and
// writes cfg.JSONPath. It returns the rows, or an error: a mismatch (naming
// the workload, the seed and the difference), a failed workload, or ctx's
// error. PostgreSQL missing is not an error: its rows are left out and the
// table says how to install it.
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
		cfg.PostgresBudget = DefaultBudget
	}
	if cfg.LoadFileRSSCap <= 0 {
		cfg.LoadFileRSSCap = DefaultLoadFileRSSCap
	}
	r := &run{cfg: cfg, log: cfg.Logger, reps: 3}
	if cfg.Check {
		r.reps = 1
	}
	log := r.log

	log.Info("bench: generating", "entities", cfg.Entities, "statements", cfg.Statements, "seed", cfg.Seed)
	r.src = synth.NewSource(synth.Config{Entities: cfg.Entities, Statements: cfg.Statements, Seed: cfg.Seed})
	d, err := newDataset(ctx, r.src)
	if err != nil {
		return nil, err
	}
	r.d = d
	r.seeds = r.src.Seeds(100, cfg.Seed)

	tmp, err := os.MkdirTemp("", "whosedata-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// load: whosedata, into a fresh on-disk store.
	dataDir := filepath.Join(tmp, "store")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var store *graph.Store
	if cfg.Store != "" {
		store, err = openEmpty(ctx, cfg.Store, quiet)
	} else {
		store, err = graph.Open(dataDir, &graph.Options{Logger: quiet})
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if store != nil {
			store.Close()
		}
	}()
	var loadTime time.Duration
	err = profiled(cfg.ProfileDir, "load", func() error {
		if cfg.LoadChunk <= 0 {
			t := time.Now()
			if _, err := store.ImportStream(ctx, r.src.Stream()); err != nil {
				return fmt.Errorf("whosedata load: %w", err)
			}
			loadTime = time.Since(t)
			return nil
		}
		// The batches are made between the Imports, off the clock.
		chunk := 0
		return r.src.Batches(cfg.LoadChunk, func(b *graph.Batch) error {
			chunk++
			t := time.Now()
			if _, err := store.Import(ctx, b); err != nil {
				return fmt.Errorf("whosedata load, Import %d (of at most %d items): %w", chunk, cfg.LoadChunk, err)
			}
			loadTime += time.Since(t)
			log.Info("bench: whosedata load", "import", chunk, "entities", len(b.Entities), "statements", len(b.Statements),
				"so far", loadTime.Round(time.Millisecond))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	var loadSmp sample
	loadSmp.add(loadTime, d.stmts)
	r.add(loadSmp.result("load", SystemWhosedata))

	// load: the SQL peers.
	var peers []sqlPeer
	pgNote := ""
	// The peers are done after lineage: closePeers stops them then (and on
	// any early return), so that they hold no memory through the rest.
	var closers []func()
	closePeers := func() {
		for _, c := range closers {
			c()
		}
		closers = nil
	}
	defer closePeers()
	if !cfg.NoPostgres {
		pg, err := startPostgres(ctx, log)
		switch {
		case errors.Is(err, ErrNoPostgres):
			pgNote = "PostgreSQL rows are missing: " + err.Error()
			log.Warn("bench: " + pgNote)
		case err != nil:
			return nil, fmt.Errorf("postgres: %w", err)
		default:
			closers = append(closers, pg.stop)
			conn, err := pg.connect(ctx)
			if err != nil {
				return nil, fmt.Errorf("postgres connect: %w", err)
			}
			// The connection closes before the cluster stops (closers run in order).
			closers = append([]func(){func() { conn.Close(context.WithoutCancel(ctx)) }}, closers...)
			el, err := pgLoad(ctx, conn, d)
			if err != nil {
				return nil, err
			}
			var smp sample
			smp.add(el, d.stmts)
			r.add(smp.result("load", SystemPostgres))
			peers = append(peers, sqlPeer{system: SystemPostgres, db: pgDB{conn}, dl: postgresDialect})
		}
	}
	if !cfg.NoSQLite {
		dir := filepath.Join(tmp, "sqlite")
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
		lite, err := openSQLite(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		closers = append(closers, lite.close)
		el, err := sqliteLoad(ctx, lite, d)
		if err != nil {
			return nil, err
		}
		var smp sample
		smp.add(el, d.stmts)
		r.add(smp.result("load", SystemSQLite))
		peers = append(peers, sqlPeer{system: SystemSQLite, db: lite, dl: sqliteDialect})
	}

	// lineage: answers are checked on every seed before anything is timed.
	lg := newLimitGraph(d)
	for _, w := range lineageWorkloads {
		if err := r.lineage(ctx, store, lg, peers, w.name, w.q); err != nil {
			return nil, err
		}
	}
	closePeers()

	// compliance: SPEC §10 on the lineage seeds, each answer checked against
	// the UPSTREAM lineage it is built on; compared with that lineage. One
	// round, seeds interleaved, within the time budget outside Check mode:
	// it loads every asset's path and licences from the store, which makes
	// it far slower than the walk.
	budget := cfg.PostgresBudget
	if cfg.Check {
		budget = 0
	}
	cs, err := wdCompliance(ctx, store, r.seeds, budget, log)
	if err != nil {
		return nil, err
	}
	r.add(cs.result("compliance", SystemWhosedata))
	for _, res := range r.results {
		if res.Workload == "lineage_up" && res.System == SystemWhosedata {
			res.Workload, res.System = "compliance", SystemLineageUp
			r.add(res)
		}
	}

	// paths: whosedata and the limit, the lengths of their paths compared.
	if err := r.paths(ctx, store, lg); err != nil {
		return nil, err
	}

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
		smp, err := runEntityHTTP(ctx, url, d.keys, total, cfg.Seed)
		stop()
		if err != nil {
			return nil, fmt.Errorf("entity_http: %w", err)
		}
		r.add(smp.result("entity_http", []string{SystemWhosedata, SystemLimit}[i]))
	}

	// The rest runs whosedata as a separate process on the store on disk:
	// the store is closed first, after its JSONL export for load_file.
	var stats *graph.Stats
	jsonl := filepath.Join(tmp, "graph.jsonl")
	onDisk := cfg.Store == "" // the process rows run on the store's directory
	exported := false
	if cfg.Binary != "" && onDisk {
		if stats, err = store.Stats(ctx); err != nil {
			return nil, err
		}
		// A failed export leaves load_file out, not the rows after it: the
		// store's snapshot scans are bounded by graph's per-read timeout,
		// which one scan of every relation can pass on a busy machine.
		switch err := exportJSONL(ctx, store, jsonl); {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			note := fmt.Sprintf("load_file is missing: %v", err)
			log.Warn("bench: " + note)
			r.notes = append(r.notes, note)
		default:
			exported = true
		}
	}
	if (cfg.Binary != "" || cfg.ServeRSS != nil) && onDisk {
		if err := store.Close(); err != nil {
			return nil, err
		}
		store = nil
	}

	// serve: the peak RSS of a server answering the lineage seeds.
	serveRSS := cfg.ServeRSS
	if serveRSS == nil && cfg.Binary != "" {
		serveRSS = func(ctx context.Context, dir string) (float64, error) {
			return MeasureServeRSS(ctx, cfg.Binary, dir, r.seeds)
		}
	}
	if serveRSS != nil && onDisk {
		mib, err := serveRSS(ctx, dataDir)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		r.add(Result{Workload: "serve", System: SystemWhosedata, PeakRSSMiB: mib})
	}

	if cfg.Binary != "" && onDisk {
		// open: process start to the first answer, on the existing store.
		smp, err := measureOpen(ctx, cfg.Binary, dataDir, r.seeds[0], r.reps)
		if err != nil {
			return nil, fmt.Errorf("open: %w", err)
		}
		r.add(smp.result("open", SystemWhosedata))
	}
	if cfg.Binary != "" && onDisk && exported {
		// load_file: whosedata load of the export, through the command.
		loaded := filepath.Join(tmp, "loaded")
		el, rss, err := measureLoadFile(ctx, cfg.Binary, loaded, jsonl, cfg.LoadFileRSSCap)
		var capped *rssCapError
		switch {
		case errors.As(err, &capped):
			note := fmt.Sprintf("load_file: whosedata load was stopped after %s, past the RSS cap of %.0f MiB (--load-file-rss-cap); the row shows the cap",
				capped.after.Round(time.Second), capped.capMiB)
			log.Warn("bench: " + note)
			r.notes = append(r.notes, note)
			r.add(Result{Workload: "load_file", System: SystemWhosedata, PeakRSSMiB: capped.capMiB})
		case err != nil:
			return nil, fmt.Errorf("load_file: %w", err)
		default:
			var ls sample
			ls.add(el, stats.Statements)
			res := ls.result("load_file", SystemWhosedata)
			res.PeakRSSMiB = rss
			r.add(res)
		}
		e, rel, st, err := queryStats(ctx, cfg.Binary, loaded)
		if err != nil && capped == nil {
			return nil, fmt.Errorf("load_file: %w", err)
		}
		if capped == nil && (e != stats.Entities || rel != stats.Relations || st != stats.Statements) {
			return nil, fmt.Errorf("load_file: the loaded store has %d entities, %d relations, %d statements; the store it was exported from %d, %d, %d",
				e, rel, st, stats.Entities, stats.Relations, stats.Statements)
		}
		os.RemoveAll(loaded)
		os.Remove(jsonl)
	}

	printTable(cfg.Out, r.results, strings.Join(append([]string{pgNote}, r.notes...), "\n"))
	if cfg.JSONPath != "" {
		if err := r.writeJSON(); err != nil {
			return r.results, err
		}
	}
	return r.results, nil
}

// writeJSON writes {"results": [...]} with the rows so far to
// Config.JSONPath, through a temporary file renamed over it, so that the
// file is always whole.
func (r *run) writeJSON() error {
	b, err := json.MarshalIndent(struct {
		Results []Result `json:"results"`
	}{r.results}, "", "  ")
	if err != nil {
		return err
	}
	tmp := r.cfg.JSONPath + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, r.cfg.JSONPath)
}

// exportJSONL writes the store as whosedata/v1 JSONL to path, the way
// `whosedata export --format jsonl` does.
func exportJSONL(ctx context.Context, s *graph.Store, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = s.View(ctx, func(sn *graph.Snapshot) error { return fixtures.ExportJSONL(ctx, sn, w) })
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export the store as JSONL for load_file: %w", err)
	}
	return nil
}

// checkCTESeeds is how many seeds (of the interleaved order: hubs and random
// entities mixed) the CTE walks answer in Check mode; their cost grows
// fastest with the graph, and the level walks still answer every seed.
const checkCTESeeds = 25

// lineage runs one lineage workload: a first round of every seed on
// whosedata and the limit, timed, each answer checked equal; more rounds of
// each while they fit in the budget (see rounds); then each SQL peer's
// walks, each answer checked and timed in one pass (they are slow), seeds
// interleaved so that a budget cut keeps the mix.
func (r *run) lineage(ctx context.Context, store *graph.Store, lg *limitGraph, peers []sqlPeer, name string, q lineageQuery) error {
	d, seeds := r.d, r.seeds
	want := make([][]hit, len(seeds))
	var wd, lim sample
	perSeed := make([]time.Duration, len(seeds)) // whosedata's time per seed, summed over the rounds
	// The first round checks every answer against the limit's, and is timed:
	// at 10M statements a round of the hubs takes minutes.
	for i, seed := range seeds {
		var err error
		var el time.Duration
		if want[i], el, err = wdLineage(ctx, store, d, seed, q); err != nil {
			return err
		}
		wd.add(el, len(want[i]))
		perSeed[i] += el
		t := time.Now()
		got := lg.lineage(d.index[seed], q)
		lim.add(time.Since(t), len(got))
		if diff := diffHits(d, want[i], got, SystemWhosedata, SystemLimit); diff != "" {
			return fmt.Errorf("%s: seed %s: whosedata and limit disagree: %s", name, seed, diff)
		}
	}
	// More rounds, while the rounds so far took less than the budget, each
	// system its own number; whosedata and the limit take turns seed by
	// seed, so that a noisy neighbour slows both alike. The profile covers
	// them (one more round, untimed, when there is none), not the first.
	rounds, limRounds := r.rounds(wd.total), r.rounds(lim.total)
	profile := map[bool]string{true: r.cfg.ProfileDir}[name == "lineage_down"]
	extra := rounds - 1
	if profile != "" && extra == 0 {
		extra = 1
	}
	err := profiled(profile, name, func() error {
		for round := 1; round <= max(extra, limRounds-1); round++ {
			for i, seed := range seeds {
				if round <= extra {
					t := time.Now()
					h, err := store.Lineage(ctx, seed, q.options())
					if err != nil {
						return fmt.Errorf("whosedata %s of %s: %w", name, seed, err)
					}
					el := time.Since(t)
					if round < rounds {
						wd.add(el, len(h))
						perSeed[i] += el
					}
				}
				if round < limRounds {
					if err := ctx.Err(); err != nil {
						return err
					}
					t := time.Now()
					h := lg.lineage(d.index[seed], q)
					lim.add(time.Since(t), len(h))
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.add(wd.result(name, SystemWhosedata))
	r.add(lim.result(name, SystemLimit))

	for _, p := range peers {
		cteSQL, levels := p.dl.cteSQL(q), p.dl.newLevelSQL(q)
		walks := []struct {
			walk string
			fn   func(ctx context.Context, start int32) ([]hit, error)
		}{
			{WalkLevels, func(ctx context.Context, start int32) ([]hit, error) {
				return levelLineage(ctx, p.db, levels, start, q)
			}},
			{WalkCTE, func(ctx context.Context, start int32) ([]hit, error) { return cteLineage(ctx, p.db, cteSQL, start, q) }},
		}
		if pg, ok := p.db.(pgDB); ok {
			as := newArraySQL(q)
			walks = append(walks, struct {
				walk string
				fn   func(ctx context.Context, start int32) ([]hit, error)
			}{WalkArray, func(ctx context.Context, start int32) ([]hit, error) { return arrayLineage(ctx, pg, as, start, q) }})
		}
		var rows []Result
		for _, w := range walks {
			var smp sample
			var wdTime time.Duration // whosedata's time on the seeds answered, per rep
			// Outside Check mode a walk's statements are bounded by the
			// budget too: one seed of the CTE can take longer than the
			// whole budget.
			bound := r.cfg.PostgresBudget
			if r.cfg.Check {
				bound = 0
			}
			wctx, cancel, err := p.db.bound(ctx, bound)
			if err != nil {
				return fmt.Errorf("%s: bound the walk: %w", p.system, err)
			}
			began := time.Now()
			for k, i := range interleave(len(seeds)) {
				if r.cfg.Check && w.walk == WalkCTE && k == checkCTESeeds {
					break
				}
				if !r.cfg.Check && k > 0 && time.Since(began) > r.cfg.PostgresBudget {
					r.log.Warn("bench: time budget spent", "system", p.system, "walk", w.walk, "workload", name, "seeds answered", k, "of", len(seeds))
					break
				}
				t := time.Now()
				h, err := w.fn(wctx, d.index[seeds[i]])
				if err != nil && bound > 0 && ctx.Err() == nil && p.db.timedOut(err) {
					r.log.Warn("bench: the time budget ran out during a seed", "system", p.system, "walk", w.walk, "workload", name,
						"seed", seeds[i], "seeds answered", k, "of", len(seeds))
					break
				}
				if err != nil {
					cancel()
					return fmt.Errorf("%s %s walk, %s of %s: %w", p.system, w.walk, name, seeds[i], err)
				}
				smp.add(time.Since(t), len(h))
				wdTime += perSeed[i] / time.Duration(rounds)
				peer := p.system + " (" + w.walk + ")"
				if diff := diffHits(d, want[i], h, SystemWhosedata, peer); diff != "" {
					cancel()
					return fmt.Errorf("%s: seed %s: whosedata and %s disagree: %s", name, seeds[i], peer, diff)
				}
			}
			cancel()
			_, unbound, err := p.db.bound(ctx, 0)
			if err != nil {
				return fmt.Errorf("%s: unbound the walk: %w", p.system, err)
			}
			unbound()
			res := smp.result(name, p.system)
			res.Walk = w.walk
			if wdTime > 0 {
				res.WhosedataX = float64(smp.total) / float64(wdTime)
			}
			rows = append(rows, res)
		}
		// The faster walk: more seeds answered within the budget, then more
		// ops/s.
		best := rows[0]
		for _, res := range rows[1:] {
			if res.Ops > best.Ops || (res.Ops == best.Ops && res.OpsPerS > best.OpsPerS) {
				best = res
			}
		}
		r.add(best)
		for _, res := range rows {
			if res.Walk == WalkCTE && p.system == SystemPostgres {
				res.System = SystemPostgresCTE
				r.add(res)
			} else if res.Walk != best.Walk {
				r.log.Info("bench: a slower walk", "system", p.system, "walk", res.Walk, "workload", name,
					"ops/s", fmt.Sprintf("%.4g", res.OpsPerS), "seeds", res.Ops)
			}
		}
	}
	return nil
}

// paths runs the paths workload (k = 5 shortest paths of at most 4
// relations between each seed and the next different one, see pathPairs)
// on whosedata and on the limit, rounds as for lineage. The lengths of the paths found are compared pair by pair (which of equally
// long paths each picks may differ), except where the limit spent graph's
// step budget, where the two may stop at different places.
func (r *run) paths(ctx context.Context, store *graph.Store, lg *limitGraph) error {
	const depth, k = 4, 5
	d := r.d
	pairs := pathPairs(r.seeds)
	var wd, lim sample
	// The first round checks every answer, and is timed.
	for _, p := range pairs {
		a, b := p[0], p[1]
		t := time.Now()
		ps, err := store.Paths(ctx, a, b, graph.PathOptions{MaxDepth: depth, First: k})
		if err != nil {
			return fmt.Errorf("whosedata paths %s–%s: %w", a, b, err)
		}
		wd.add(time.Since(t), len(ps))
		t = time.Now()
		ans := lg.paths(d.index[a], d.index[b], depth, k)
		lim.add(time.Since(t), len(ans.lengths))
		if ans.exhausted {
			continue
		}
		got := make([]int, len(ps))
		for j, p := range ps {
			got[j] = len(p.Relations)
		}
		if !slices.Equal(got, ans.lengths) {
			return fmt.Errorf("paths %s–%s: whosedata finds paths of lengths %v, the limit %v", a, b, got, ans.lengths)
		}
	}
	for range r.rounds(wd.total) - 1 {
		for _, p := range pairs {
			t := time.Now()
			ps, err := store.Paths(ctx, p[0], p[1], graph.PathOptions{MaxDepth: depth, First: k})
			if err != nil {
				return fmt.Errorf("whosedata paths %s–%s: %w", p[0], p[1], err)
			}
			wd.add(time.Since(t), len(ps))
		}
	}
	r.add(wd.result("paths", SystemWhosedata))
	for range r.rounds(lim.total) - 1 {
		for _, p := range pairs {
			if err := ctx.Err(); err != nil {
				return err
			}
			t := time.Now()
			ans := lg.paths(d.index[p[0]], d.index[p[1]], depth, k)
			lim.add(time.Since(t), len(ans.lengths))
		}
	}
	r.add(lim.result("paths", SystemLimit))
	return nil
}

// pathPairs pairs each seed with the next different one (wrapping around),
// so that no pair asks for the paths from an entity to itself, which Paths
// refuses; seeds that are all one entity give no pairs. The pairs depend only
// on the seeds, so they are the same on every run.
func pathPairs(seeds []string) [][2]string {
	var pairs [][2]string
	for i, a := range seeds {
		for j := 1; j < len(seeds); j++ {
			if b := seeds[(i+j)%len(seeds)]; b != a {
				pairs = append(pairs, [2]string{a, b})
				break
			}
		}
	}
	return pairs
}

// rounds is how many rounds of a workload's seeds to time, given that the
// first took first: r.reps, or fewer outside Check mode when the rounds
// would take longer than the budget (Config.PostgresBudget) together. It is
// at least 1.
func (r *run) rounds(first time.Duration) int {
	if r.cfg.Check || first <= 0 {
		return r.reps
	}
	return max(1, min(r.reps, int(r.cfg.PostgresBudget/first)))
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
// whosedata to each peer (throughput: higher is better for whosedata; on the
// SQL peers' lineage rows, over the seeds the peer answered); those rows say
// which walk they are and how many seeds they answered.
func printTable(w io.Writer, rs []Result, note string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tsystem\twalk\tops\tops/s\titems/s\tp50 ms\tp99 ms\tpeak RSS MiB\twhosedata ×\t")
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
			switch {
			case r.WhosedataX > 0:
				ratio = fmt.Sprintf("%.2f", r.WhosedataX)
			case own != nil && r.System != SystemWhosedata && r.OpsPerS > 0:
				ratio = fmt.Sprintf("%.2f", own.OpsPerS/r.OpsPerS)
			}
			rss := ""
			if r.PeakRSSMiB > 0 {
				rss = fmt.Sprintf("%.0f", r.PeakRSSMiB)
			}
			walk := r.Walk
			if walk == "" {
				walk = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.4g\t%.0f\t%.3f\t%.3f\t%s\t%s\t\n", r.Workload, r.System, walk, r.Ops, r.OpsPerS, r.ItemsPerS, r.P50ms, r.P99ms, rss, ratio)
		}
	}
	tw.Flush()
	if note = strings.TrimSpace(note); note != "" {
		fmt.Fprintln(w, note)
	}
}

// openEmpty opens the store named by url for the whosedata rows; it must be
// empty, so that the load row measures a first load.
func openEmpty(ctx context.Context, url string, log *slog.Logger) (*graph.Store, error) {
	store, err := graph.OpenURL(ctx, url, &graph.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("--store: %w", err)
	}
	st, err := store.Stats(ctx)
	if err == nil && (st.Entities > 0 || st.Statements > 0) {
		err = fmt.Errorf("--store: %s holds %d entities and %d statements; the benchmark loads an empty store", url, st.Entities, st.Statements)
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}
