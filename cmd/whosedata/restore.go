package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/whosedata/whosedata/graph"
)

func restoreCommand() *command {
	c := newCommand("restore", "FILE", "restore a backup written by 'whosedata backup' (- for stdin) into an empty store")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if len(args) != 1 {
			return usagef("name one backup file, or - for stdin")
		}
		var r io.Reader = e.stdin
		if args[0] != "-" {
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			defer f.Close()
			r = f
		}
		st, err := openStore(e, c.g, createStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		before, err := st.Stats(ctx)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if before.Entities > 0 || before.Relations > 0 {
			return fmt.Errorf("restore needs an empty store, and this one holds %d entities; restore into a new --data directory", before.Entities)
		}
		if err := st.Restore(ctx, r); err != nil {
			if errors.Is(err, graph.ErrConflict) {
				return fmt.Errorf("restore needs an empty store; restore into a new --data directory")
			}
			return fmt.Errorf("restore: %w", err)
		}
		after, err := st.Stats(ctx)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		fmt.Fprintf(e.stdout, "restored %d entities, %d relations, %d statements\n", after.Entities, after.Relations, after.Statements)
		return nil
	}
	return c
}
