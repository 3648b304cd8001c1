package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/whosedata/whosedata/graph"
)

func copyCommand() *command {
	c := newCommand("copy", "", "copy a whole store into an empty one: --from STORE --to STORE (a directory, memory: or postgres://…); the target is verified after")
	from := c.fs.String("from", "", "the store to read (a `store`: directory or postgres://…)")
	to := c.fs.String("to", "", "the empty store to fill (a `store`: directory or postgres://…)")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if err := noArgs(args); err != nil {
			return err
		}
		if *from == "" || *to == "" {
			return usagef("copy needs --from STORE and --to STORE")
		}
		if *from == *to {
			return usagef("--from and --to name the same store")
		}
		log := c.g.logger(e, levelQuiet)
		src, err := openNamedStore(e, *from, existingStore, log)
		if err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		defer closeStore(src, &err)
		dst, err := openNamedStore(e, *to, durableStore, log)
		if err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		defer closeStore(dst, &err)
		start := time.Now()
		last := time.Time{}
		var done graph.CopyProgress
		err = graph.Copy(ctx, dst, src, func(p graph.CopyProgress) {
			done = p
			if e.stderrTTY && time.Since(last) > 200*time.Millisecond {
				fmt.Fprintf(e.stderr, "\r\x1b[Kcopied %d keys (%.1f MiB)", p.Keys, float64(p.Bytes)/(1<<20))
				last = time.Now()
			}
		})
		if e.stderrTTY {
			fmt.Fprint(e.stderr, "\r\x1b[K")
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return errors.New("copy interrupted; the target is emptied when it is next opened")
			}
			return fmt.Errorf("copy: %w", err)
		}
		rep, err := dst.Verify(ctx)
		if err != nil {
			return fmt.Errorf("verify the copy: %w", err)
		}
		if !rep.OK() {
			return fmt.Errorf("the copy does not verify: %d problem(s), first: %s", len(rep.Problems), rep.Problems[0])
		}
		fmt.Fprintf(e.stdout, "copied %d keys (%.1f MiB) in %s: %d entities, %d relations, %d statements; verify ok\n",
			done.Keys, float64(done.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond), rep.Entities, rep.Relations, rep.Statements)
		return nil
	}
	return c
}
