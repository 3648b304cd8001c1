package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
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
			path := filepath.Join(dir, "spdx.json")
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
