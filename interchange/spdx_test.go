package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/interchange"
)

func testSPDX(t *testing.T, s *graph.Store) {
	needNodeModule(t, "spdx-expression-parse")
	ctx := context.Background()
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	// Models whose upstream holds datasets, models and licences.
	docs := t.TempDir()
	names := map[string][]string{} // file → the names of the assets it describes
	for _, ref := range []string{"llama", "stable-diffusion", "claude"} {
		t.Run(ref, func(t *testing.T) {
			var out bytes.Buffer
			type asset struct {
				ID       string   `json:"id"`
				Key      string   `json:"key"`
				Licenses []string `json:"licenses"`
			}
			var want struct {
				Assets []asset `json:"assets"`
			}
			err := s.View(ctx, func(sn *graph.Snapshot) error {
				comp, err := sn.Compliance(ctx, ref, graph.ComplianceOptions{})
				if err != nil {
					return err
				}
				for _, a := range comp.Assets {
					names[filepath.Join(docs, ref+".spdx.json")] = append(names[filepath.Join(docs, ref+".spdx.json")], a.Asset.Name)
					x := asset{ID: a.Asset.ID.String(), Key: a.Asset.Key, Licenses: []string{}}
					for _, l := range a.Licenses {
						x.Licenses = append(x.Licenses, interchange.SPDXLicense(l))
					}
					want.Assets = append(want.Assets, x)
				}
				return interchange.WriteSPDX(ctx, sn, ref, created, &out)
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Assets) < 2 {
				t.Fatalf("%s has %d assets upstream; the test wants a model with upstream data", ref, len(want.Assets))
			}
			dir := t.TempDir()
			path := filepath.Join(docs, ref+".spdx.json")
			if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Counts   map[string]int `json:"counts"`
				Count    int            `json:"count"`
				Problems []string       `json:"problems"`
			}
			if err := json.Unmarshal(runTool(t, "node", filepath.Join(tools, "check-spdx.js"), path, writeJSON(t, dir, "want.json", want)), &got); err != nil {
				t.Fatal(err)
			}
			if got.Count > 0 {
				t.Errorf("%d problems in the SPDX document of %s:\n%s", got.Count, ref, strings.Join(got.Problems, "\n"))
			}
			if got.Counts["Relationship"] == 0 || got.Counts["SpdxDocument"] != 1 {
				t.Errorf("SPDX document of %s: %v", ref, got.Counts)
			}
			t.Logf("%s: %d bytes, %v", ref, out.Len(), got.Counts)
		})
	}
	// The SPDX project's own SPDX 3 model (spdx/tools-golang, generated from
	// the SHACL model of the spec) reads every document and validates it
	// against the model's rules: required properties, cardinalities, types
	// and enumerations. It runs as a module of its own (testdata/tools/spdx3).
	t.Run("spdx-tools", func(t *testing.T) {
		var files []string
		for f := range names {
			files = append(files, f)
		}
		sort.Strings(files)
		if len(files) != 3 {
			t.Fatalf("%d documents written; want 3", len(files))
		}
		out := spdxTools(t, files...)
		dec := json.NewDecoder(bytes.NewReader(out))
		for _, f := range files {
			var r struct {
				File     string         `json:"file"`
				Counts   map[string]int `json:"counts"`
				Packages []string       `json:"packages"`
				Invalid  string         `json:"invalid"`
			}
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("the SPDX tools' report on %s: %v\n%s", f, err, out)
			}
			if r.File != f {
				t.Fatalf("report on %s; want %s", r.File, f)
			}
			if r.Invalid != "" {
				t.Errorf("the SPDX 3 model rejects %s: %s", filepath.Base(f), r.Invalid)
			}
			want := slices.Clone(names[f])
			sort.Strings(want)
			if !slices.Equal(r.Packages, want) {
				t.Errorf("the SPDX tools read the packages of %s as\n  %q\nwant the assets\n  %q", filepath.Base(f), r.Packages, want)
			}
			if r.Counts["AIPackage"] != 1 || r.Counts["Relationship"] == 0 {
				t.Errorf("the SPDX tools read %s as %v; want one AI package and relationships", filepath.Base(f), r.Counts)
			}
			t.Logf("%s: %v", filepath.Base(f), r.Counts)
		}
	})
	t.Run("errors", func(t *testing.T) {
		err := s.View(ctx, func(sn *graph.Snapshot) error {
			return interchange.WriteSPDX(ctx, sn, "microsoft", created, &bytes.Buffer{})
		})
		if !errors.Is(err, interchange.ErrNotAsset) || !strings.Contains(err.Error(), "microsoft is a ORGANIZATION") {
			t.Errorf("SPDX of an organisation: %v", err)
		}
		err = s.View(ctx, func(sn *graph.Snapshot) error {
			return interchange.WriteSPDX(ctx, sn, "no-such-thing", created, &bytes.Buffer{})
		})
		if !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("SPDX of nothing: %v", err)
		}
	})
}

// spdxTools runs the SPDX 3 checker of testdata/tools/spdx3 (a Go module of
// its own, fetched through the Go module proxy) on files and returns its
// report. Outside CI, a machine that cannot fetch the module skips.
func spdxTools(t *testing.T, files ...string) []byte {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "spdx3")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(tools, "spdx3")
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("build the SPDX 3 checker: %v\n%s", err, out)
		}
		t.Skipf("cannot build the SPDX 3 checker (spdx/tools-golang from the Go module proxy): %v\n%s", err, out)
	}
	return runTool(t, bin, files...)
}
