package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/interchange"
)

// exportFormats are the values export's --format accepts (SPEC §11).
var exportFormats = []string{"json", "jsonl", "nquads", "graphml", "neo4j-csv", "ftm", "spdx"}

func exportCommand() *command {
	c := newCommand("export", "", "write the whole graph as whosedata/v1 (json, jsonl: 'whosedata load' reads them back), RDF N-Quads, GraphML, Neo4j import CSVs, FollowTheMoney, or one asset as SPDX 3.0")
	var format, out, entity string
	c.fs.StringVar(&format, "format", "json", "output `format`: "+strings.Join(exportFormats, ", "))
	c.fs.StringVar(&out, "out", "", "write to `path` instead of stdout, replaced only once the export is complete; for neo4j-csv a folder that gets nodes.csv and relationships.csv")
	c.fs.StringVar(&entity, "entity", "", "the dataset, model or product (`key`, alias or name) that --format spdx describes")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if err := noArgs(args); err != nil {
			return err
		}
		switch {
		case !contains(exportFormats, format):
			return usagef("unknown --format %q (want one of %s)", format, strings.Join(exportFormats, ", "))
		case format == "spdx" && entity == "":
			return usagef("--format spdx describes one asset: give --entity KEY (a dataset, model or product)")
		case format != "spdx" && entity != "":
			return usagef("--entity is for --format spdx; --format %s writes the whole graph", format)
		case format == "neo4j-csv" && (out == "" || out == "-"):
			return usagef("--format neo4j-csv writes a folder of two files: give --out DIR")
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		if format == "neo4j-csv" {
			return writeFolder(out, []string{interchange.Neo4jNodesFile, interchange.Neo4jRelationshipsFile}, func(ws []io.Writer) error {
				return st.View(ctx, func(sn *graph.Snapshot) error { return interchange.WriteNeo4jCSV(ctx, sn, ws[0], ws[1]) })
			})
		}
		err = writeOutput(e, out, func(w io.Writer) error {
			if format == "json" {
				return fixtures.Export(ctx, st, w)
			}
			return st.View(ctx, func(sn *graph.Snapshot) error {
				switch format {
				case "jsonl":
					return fixtures.ExportJSONL(ctx, sn, w)
				case "nquads":
					return interchange.WriteNQuads(ctx, sn, w)
				case "graphml":
					return interchange.WriteGraphML(ctx, sn, w)
				case "ftm":
					return interchange.WriteFTM(ctx, sn, w)
				}
				return interchange.WriteSPDX(ctx, sn, entity, time.Now(), w)
			})
		})
		if format == "spdx" && (errors.Is(err, graph.ErrNotFound) || errors.Is(err, graph.ErrAmbiguous) || errors.Is(err, interchange.ErrNotAsset)) {
			return fmt.Errorf("--entity %q: %w", entity, err)
		}
		return err
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeFolder creates dir if needed and writes the named files in it
// through write, each to a temporary file that replaces its name only when
// every file was written, so an interrupted export leaves the old files.
func writeFolder(dir string, names []string, write func([]io.Writer) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	files := make([]*os.File, len(names))
	bufs := make([]*bufio.Writer, len(names))
	ws := make([]io.Writer, len(names))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
				os.Remove(f.Name()) // fails harmlessly after the rename
			}
		}
	}()
	for i, n := range names {
		f, err := os.CreateTemp(dir, "."+n+".*.tmp")
		if err != nil {
			return fmt.Errorf("create %s: %w", filepath.Join(dir, n), err)
		}
		files[i], bufs[i] = f, bufio.NewWriterSize(f, 64<<10)
		ws[i] = bufs[i]
	}
	if err := write(ws); err != nil {
		return err
	}
	for i, f := range files {
		p := filepath.Join(dir, names[i])
		if err := bufs[i].Flush(); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	for i, f := range files {
		if err := os.Rename(f.Name(), filepath.Join(dir, names[i])); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, names[i]), err)
		}
	}
	return nil
}
