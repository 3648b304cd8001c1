package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/whosedata/whosedata/fixtures"
)

// loadGCPercent is the collector's pace during a load (GOGC), unless GOGC
// or GOMEMLIMIT is set: it collects when the heap has grown by a quarter over
// what the last collection left live, instead of doubling it. What stays live
// grows with the graph (the adjacency cache, two chunks, Badger's memtables
// and table builders: about 470 MB at the end of a 1M-statement load), so a
// pace follows it where a fixed soft limit cannot. The 576 MiB limit used
// before kept a 1M load at 918 MiB of RSS (947 MiB at this pace, 48 s
// against 51); past its limit, at 10M, the collector ran back to back and the
// load took twice as long as the same import in process. Badger's mapped
// files add about 380 MiB of RSS at 1M.
const loadGCPercent = 25

// paceLoadCollector sets loadGCPercent unless the environment sets the
// collector's pace or limit itself.
func paceLoadCollector(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(loadGCPercent)
	}
}

// loadFormats are the values --format accepts; "" detects the format of
// each file from its name. hf (Hugging Face model cards) is never detected:
// a README.md is a model card only when the user says so.
var loadFormats = []string{fixtures.FormatJSON, fixtures.FormatJSONL, fixtures.FormatYAML, fixtures.FormatDPI, fixtures.FormatHF}

func loadCommand() *command {
	c := newCommand("load", "PATH...", "import fixture files or folders; each file loads whole or not at all")
	var format string
	c.fs.StringVar(&format, "format", "", "`format` of every file: "+strings.Join(loadFormats, ", ")+" (hf: Hugging Face model cards, a README.md or a folder of OWNER/NAME/README.md; default: from each file's extension)")
	c.run = func(ctx context.Context, e *env, args []string) error { return runLoad(ctx, e, c.g, format, args) }
	return c
}

func runLoad(ctx context.Context, e *env, g *globalFlags, format string, paths []string) (err error) {
	if len(paths) == 0 {
		return usagef("name at least one file or folder to load")
	}
	if format != "" && !slices.Contains(loadFormats, format) {
		return usagef("unknown --format %q (want one of %s)", format, strings.Join(loadFormats, ", "))
	}
	// Refuse a mistyped path before anything is loaded.
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("load %s: %w", p, errors.Unwrap(err))
		}
	}
	paceLoadCollector(e.getenv)
	st, err := openStore(e, g, createStore, g.logger(e, levelQuiet))
	if err != nil {
		return err
	}
	defer closeStore(st, &err)

	var progress func(file string, done, total int)
	if e.stderrTTY {
		progress = func(file string, done, total int) {
			fmt.Fprintf(e.stderr, "\r\x1b[Kloading %s (%d/%d)", file, done, total)
		}
	}
	var total fixtures.Summary
	for _, p := range paths {
		var sum fixtures.Summary
		if format == fixtures.FormatHF {
			sum, err = fixtures.LoadHF(ctx, st, p, progress)
		} else {
			sum, err = fixtures.LoadPath(ctx, st, p, format, progress)
		}
		if progress != nil {
			fmt.Fprint(e.stderr, "\r\x1b[K") // clear the progress line
		}
		total.Add(sum)
		if err != nil {
			if total.Files > 0 {
				fmt.Fprintf(e.stdout, "loaded before the error: %s\n", total)
			}
			if errors.Is(err, context.Canceled) {
				return errors.New("load interrupted; the file being loaded loaded nothing")
			}
			return err // a *fixtures.Error says file:line: field: message
		}
	}
	fmt.Fprintf(e.stdout, "loaded %s\n", total)
	return nil
}
