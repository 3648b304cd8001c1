// Command whosedata-bench measures whosedata against PostgreSQL, SQLite and
// an in-memory limit on a generated graph (see internal/bench). It is a
// command of its own so that the whosedata binary users run carries neither
// the benchmark nor its peers' database drivers.
//
// The workloads that run whosedata as a separate process (serve, open,
// load_file) exec the whosedata binary: --whosedata, else the one beside
// this binary (make build puts both in bin/), else the one on $PATH.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/whosedata/whosedata/internal/bench"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line: the benchmark's configuration plus where
// the whosedata binary is.
type options struct {
	cfg       bench.Config
	whosedata string
	logLevel  slog.Level
}

func newFlags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("whosedata-bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := &o.cfg
	fs.IntVar(&c.Entities, "entities", 200_000, "entities in the generated graph")
	fs.IntVar(&c.Statements, "statements", 1_000_000, "statements in the generated graph")
	fs.Uint64Var(&c.Seed, "seed", 1, "generator seed")
	fs.StringVar(&c.JSONPath, "json", "", "also write the results to `file` as JSON")
	fs.BoolVar(&c.Check, "check", false, "correctness only: compare every system's answers, run each workload once")
	fs.BoolVar(&c.NoPostgres, "no-postgres", false, "leave PostgreSQL out even when it is installed")
	fs.BoolVar(&c.NoSQLite, "no-sqlite", false, "leave SQLite out")
	fs.StringVar(&c.Store, "store", "", "load and walk whosedata's rows on this empty `store` (a directory, memory: or postgres://…) instead of a fresh directory; serve, open and load_file are left out")
	fs.StringVar(&c.ProfileDir, "profile", "", "write CPU profiles of whosedata's load and lineage_down to `dir`")
	fs.DurationVar(&c.PostgresBudget, "pg-budget", bench.DefaultBudget, "time each SQL peer's walk gets per lineage workload (PostgreSQL's two, SQLite's two)")
	fs.IntVar(&c.LoadChunk, "load-chunk", 0, "load whosedata in separate Store.Imports of at most this many items, each its own commit (default: one streamed ImportStream of the whole graph)")
	fs.Float64Var(&c.LoadFileRSSCap, "load-file-rss-cap", bench.DefaultLoadFileRSSCap, "stop load_file's whosedata load past this peak RSS in `MiB` (the row then shows the cap)")
	fs.StringVar(&o.whosedata, "whosedata", "", "the whosedata `binary` for the serve, open and load_file workloads (default: the one beside this binary, else $PATH)")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "progress log `level` on stderr: debug, info, warn or error")
	return fs
}

// run runs one command line and returns the exit code: 2 for a mistake in
// the command line, 1 for a failed or mismatching benchmark.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "whosedata-bench: %v (see whosedata-bench --help)\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "whosedata-bench: unexpected argument %q: every setting is a flag (see whosedata-bench --help)\n", fs.Arg(0))
		return exitUsage
	}
	if o.cfg.Entities < 16 || o.cfg.Statements < 1 {
		fmt.Fprintln(stderr, "whosedata-bench: --entities must be at least 16 and --statements at least 1")
		return exitUsage
	}
	if o.cfg.LoadChunk < 0 || o.cfg.LoadFileRSSCap <= 0 {
		fmt.Fprintln(stderr, "whosedata-bench: --load-chunk must be at least 1 (0: the default) and --load-file-rss-cap above 0")
		return exitUsage
	}
	bin, err := findWhosedata(o.whosedata)
	if err != nil {
		fmt.Fprintf(stderr, "whosedata-bench: %v\n", err)
		return exitUsage
	}
	o.cfg.Binary = bin
	if o.cfg.ProfileDir != "" {
		if err := os.MkdirAll(o.cfg.ProfileDir, 0o755); err != nil {
			fmt.Fprintf(stderr, "whosedata-bench: --profile: %v\n", err)
			return exitFailure
		}
	}
	o.cfg.Out = stdout
	o.cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.logLevel}))
	if _, err := bench.Run(ctx, o.cfg); err != nil {
		fmt.Fprintf(stderr, "whosedata-bench: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// findWhosedata returns the whosedata binary to exec: flagValue when given
// (it must exist), else "whosedata" beside this executable, else on $PATH.
func findWhosedata(flagValue string) (string, error) {
	if flagValue != "" {
		if _, err := os.Stat(flagValue); err != nil {
			return "", fmt.Errorf("--whosedata %s: %w", flagValue, err)
		}
		return filepath.Abs(flagValue)
	}
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		beside := filepath.Join(filepath.Dir(self), "whosedata")
		if fi, err := os.Stat(beside); err == nil && !fi.IsDir() {
			return beside, nil
		}
	}
	if p, err := exec.LookPath("whosedata"); err == nil {
		return filepath.Abs(p)
	}
	return "", errors.New("no whosedata binary beside this one or on $PATH: build it (make build puts both in bin/) or pass --whosedata PATH")
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: whosedata-bench [flags]

Generates a synthetic graph and measures whosedata side by side with
PostgreSQL (a private cluster on loopback, when installed), SQLite and an
in-memory limit; every system's lineage answers are checked equal first.

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
