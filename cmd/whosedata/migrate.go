package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/whosedata/whosedata/graph"
)

// migrateProgressEvery is how many deleted keys pass between two progress
// lines of one step.
const migrateProgressEvery = 100000

func migrateCommand() *command {
	c := newCommand("migrate", "", "upgrade a store written by an older whosedata to this one's key layout, in place (stop every process using it first)")
	c.run = func(ctx context.Context, e *env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		store, err := migrateTarget(e, c.g)
		if err != nil {
			return err
		}
		step, printed := "", int64(0)
		res, err := graph.Migrate(ctx, store, &graph.MigrateOptions{
			Logger: c.g.logger(e, levelQuiet),
			Progress: func(p graph.MigrateProgress) {
				if p.Step != step {
					step = p.Step
					fmt.Fprintf(e.stderr, "migrate: %s\n", p.Step)
				}
				if p.Deleted-printed >= migrateProgressEvery {
					printed = p.Deleted
					fmt.Fprintf(e.stderr, "migrate: %d keys deleted\n", p.Deleted)
				}
			},
		})
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return errors.New("migrate interrupted; the store stays marked as migrating: run whosedata migrate again to finish")
			}
			return fmt.Errorf("migrate: %w", err)
		}
		if res.From == res.To {
			fmt.Fprintf(e.stdout, "%s already has key layout %s; nothing to do\n", res.Store, res.To)
			return nil
		}
		fmt.Fprintf(e.stdout, "migrated %s from %s to %s: deleted %d keys of retired indexes; %d entities, %d relations, %d statements\n",
			res.Store, res.From, res.To, res.Deleted, res.Entities, res.Relations, res.Statements)
		return nil
	}
	return c
}

// migrateTarget names the store migrate upgrades, as every other verb finds
// it (--store, $WHOSEDATA_STORE, --data, $WHOSEDATA_DATA, the default
// directory), without opening it: opening checks the layout migrate is
// there to change.
func migrateTarget(e *env, g *globalFlags) (string, error) {
	if g.inMemory {
		return "", usagef("an in-memory store is new on every run and never needs migrating; name the store with --store or --data")
	}
	if flagSet(g.fs, "store") && g.dataSet() {
		return "", usagef("give --store or --data, not both")
	}
	store := g.store
	if !flagSet(g.fs, "store") {
		store = e.getenv(envStore)
	}
	if flagSet(g.fs, "store") && store == "" {
		return "", usagef("--store needs a directory or a postgres:// URL")
	}
	if store != "" && !g.dataSet() {
		return store, nil
	}
	return dataDir(g.data, g.dataSet(), e.getenv, e.home)
}
