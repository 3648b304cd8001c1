package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/whosedata/whosedata/internal/bench"
)

func benchCommand() *command {
	c := newCommand("bench", "", "measure whosedata against PostgreSQL and an in-memory limit on a generated graph")
	cfg := bench.Config{}
	c.fs.IntVar(&cfg.Entities, "entities", 200_000, "entities in the generated graph")
	c.fs.IntVar(&cfg.Statements, "statements", 1_000_000, "statements in the generated graph")
	c.fs.Uint64Var(&cfg.Seed, "seed", 1, "generator seed")
	c.fs.StringVar(&cfg.JSONPath, "json", "", "also write the results to `file` as JSON")
	c.fs.BoolVar(&cfg.Check, "check", false, "correctness only: compare every system's answers, run each workload once")
	c.fs.BoolVar(&cfg.NoPostgres, "no-postgres", false, "leave PostgreSQL out even when it is installed")
	c.fs.StringVar(&cfg.ProfileDir, "profile", "", "write CPU profiles of whosedata's load and lineage_down to `dir`")
	c.fs.DurationVar(&cfg.PostgresBudget, "pg-budget", 90*time.Second, "time PostgreSQL gets per lineage workload")
	c.run = func(ctx context.Context, e *env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if cfg.Entities < 16 || cfg.Statements < 1 {
			return usagef("--entities must be at least 16 and --statements at least 1")
		}
		bin, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find this binary for the serve row: %w", err)
		}
		cfg.Binary = bin
		if cfg.ProfileDir != "" {
			if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
				return err
			}
		}
		cfg.Out = e.stdout
		cfg.Logger = c.g.logger(e, slog.LevelInfo)
		_, err = bench.Run(ctx, cfg)
		return err
	}
	return c
}
