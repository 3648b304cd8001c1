package main

import (
	"context"
	"fmt"
)

func verifyCommand() *command {
	c := newCommand("verify", "", "check the store's indexes against its records; exit 1 on any inconsistency")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if err := noArgs(args); err != nil {
			return err
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		rep, err := st.Verify(ctx)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		fmt.Fprintf(e.stdout, "checked %d entities, %d relations, %d statements, %d index keys\n",
			rep.Entities, rep.Relations, rep.Statements, rep.IndexKeys)
		if rep.OK() {
			fmt.Fprintln(e.stdout, "ok: no inconsistency")
			return nil
		}
		for _, p := range rep.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		return fmt.Errorf("verify found %d problem(s); export the graph and load it into a new store to rebuild it", len(rep.Problems))
	}
	return c
}
