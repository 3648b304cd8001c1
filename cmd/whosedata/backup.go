package main

import (
	"context"
	"fmt"
	"io"
)

func backupCommand() *command {
	c := newCommand("backup", "FILE", "write a full backup of the store to FILE (- for stdout); 'whosedata restore' reads it")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if len(args) != 1 {
			return usagef("name one backup file, or - for stdout")
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		return writeOutput(e, args[0], func(w io.Writer) error {
			if err := st.Backup(ctx, w); err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			return nil
		})
	}
	return c
}
