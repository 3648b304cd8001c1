package main

import (
	"context"
	"io"

	"github.com/whosedata/whosedata/fixtures"
)

func exportCommand() *command {
	c := newCommand("export", "", "write the whole graph as a fixture file that 'whosedata load' reads back")
	var format, out string
	c.fs.StringVar(&format, "format", "json", "output `format`; json is the one there is")
	c.fs.StringVar(&out, "out", "", "write to `file` instead of stdout; it is replaced only once the export is complete")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if err := noArgs(args); err != nil {
			return err
		}
		if format != "json" {
			return usagef("unknown --format %q (want json)", format)
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		return writeOutput(e, out, func(w io.Writer) error { return fixtures.Export(ctx, st, w) })
	}
	return c
}
