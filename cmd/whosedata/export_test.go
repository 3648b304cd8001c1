package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFormats drives export --format F --out for every format on a
// directory store, and loads the jsonl export back through load.
func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	e, stdout, stderr := testEnv(map[string]string{envData: filepath.Join(dir, "store")}, dir)
	ctx := context.Background()
	if code := run(ctx, []string{"load", filepath.Join("testdata", "seed.yaml")}, e); code != exitOK {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	for _, tt := range []struct {
		format string
		args   []string
		file   string
		want   []string
	}{
		{"json", nil, "", []string{`{"format":"whosedata/v1",`, `"key":"twitter-posts"`}},
		{"jsonl", nil, "", []string{`{"format":"whosedata/v1"}` + "\n", `{"entity":{"key":"twitter-posts"`, `{"statement":{"id":`}},
		{"nquads", nil, "", []string{"<urn:uuid:", "<urn:whosedata:TRAINED_ON>", "<http://www.w3.org/ns/prov#wasAttributedTo>"}},
		{"graphml", nil, "", []string{"<graphml", `<node id="twitter-posts">`, `<data key="e_type">TRAINED_ON</data>`}},
		{"ftm", nil, "", []string{`"schema":"Asset"`, `"schema":"Ownership"`, `"schema":"Person"`}},
		{"neo4j-csv", nil, "nodes.csv", []string{"id:ID,:LABEL,key,", "Entity;Dataset"}},
		{"neo4j-csv", nil, "relationships.csv", []string{":START_ID,:END_ID,:TYPE,", "TRAINED_ON"}},
		{"spdx", []string{"--entity", "twitter-posts"}, "", []string{`"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"`, `"dataset_DatasetPackage"`}},
	} {
		t.Run(tt.format+tt.file, func(t *testing.T) {
			stdout.Reset()
			stderr.Reset()
			out := filepath.Join(dir, "export."+tt.format)
			args := append([]string{"export", "--format", tt.format, "--out", out}, tt.args...)
			if code := run(ctx, args, e); code != exitOK {
				t.Fatalf("export --format %s: exit %d: %s", tt.format, code, stderr)
			}
			if tt.file != "" {
				out = filepath.Join(out, tt.file)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !bytes.Contains(b, []byte(w)) {
					t.Errorf("export --format %s: %s has no %q:\n%.600s", tt.format, out, w, b)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("export --out wrote to stdout: %q", stdout)
			}
		})
	}
	// The JSONL export loads into an empty store and exports the same.
	e2, _, stderr2 := testEnv(map[string]string{envData: filepath.Join(dir, "store2")}, dir)
	if code := run(ctx, []string{"load", filepath.Join(dir, "export.jsonl")}, e2); code != exitOK {
		t.Fatalf("load the jsonl export: exit %d: %s", code, stderr2)
	}
	again := filepath.Join(dir, "again.jsonl")
	if code := run(ctx, []string{"export", "--format", "jsonl", "--out", again}, e2); code != exitOK {
		t.Fatalf("export again: exit %d: %s", code, stderr2)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "export.jsonl"))
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Errorf("the reloaded jsonl export differs:\n%s\n---\n%s", a, b)
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	e, _, stderr := testEnv(map[string]string{envData: filepath.Join(dir, "store")}, dir)
	ctx := context.Background()
	if code := run(ctx, []string{"load", filepath.Join("testdata", "seed.yaml")}, e); code != exitOK {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--format", "xml"}, exitUsage, `unknown --format "xml" (want one of json, jsonl, nquads, graphml, neo4j-csv, ftm, spdx)`},
		{[]string{"--format", "spdx"}, exitUsage, "--format spdx describes one asset: give --entity KEY"},
		{[]string{"--format", "graphml", "--entity", "twitter"}, exitUsage, "--entity is for --format spdx"},
		{[]string{"--format", "neo4j-csv"}, exitUsage, "--format neo4j-csv writes a folder of two files: give --out DIR"},
		{[]string{"--format", "spdx", "--entity", "twitter"}, exitFailure, `--entity "twitter": invalid input: spdx describes a dataset, model or product; twitter is a ORGANIZATION`},
		{[]string{"--format", "spdx", "--entity", "nobody"}, exitFailure, `--entity "nobody": not found`},
	} {
		stderr.Reset()
		if code := run(ctx, append([]string{"export"}, tt.args...), e); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("export %s: exit %d, %q; want exit %d and %q", strings.Join(tt.args, " "), code, stderr, tt.code, tt.want)
		}
	}
}
