// Command benchrun runs the whosedata benchmark (internal/bench) outside the
// whosedata command, for development: the same flags as `whosedata bench`
// plus profiles.
//
//	go run ./internal/bench/cmd/benchrun -entities 200000 -statements 1000000 -json out.json -profile /tmp/prof
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/whosedata/whosedata/internal/bench"
)

func main() {
	var cfg bench.Config
	flag.IntVar(&cfg.Entities, "entities", 200_000, "entities to generate")
	flag.IntVar(&cfg.Statements, "statements", 1_000_000, "statements to generate")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "generator seed")
	flag.StringVar(&cfg.JSONPath, "json", "", "write results as JSON to `file`")
	flag.StringVar(&cfg.Binary, "binary", "", "whosedata binary for the serve row")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write CPU profiles of load and lineage_down to `dir`")
	flag.BoolVar(&cfg.Check, "check", false, "correctness mode: compare answers, run each workload once")
	flag.DurationVar(&cfg.PostgresBudget, "pg-budget", 90*time.Second, "time PostgreSQL gets per lineage workload")
	flag.BoolVar(&cfg.NoPostgres, "no-postgres", false, "leave PostgreSQL out")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	if _, err := bench.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
