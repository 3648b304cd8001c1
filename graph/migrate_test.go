package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/graph"
)

// TestMigrateV2Store upgrades the whosedata-kv/2 store of testdata/v2 (made
// by the code of that layout) through the public door, then checks that it
// answers what it answered before (its export and stats, taken by the v2
// code) and what the same data loaded fresh into this layout answers.
func TestMigrateV2Store(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "v2")
	graph.RestoreV2Dir(t, dir)

	_, err := graph.Open(dir, nil)
	if !errors.Is(err, graph.ErrSchemaVersion) {
		t.Fatalf("open of a v2 store: %v, want ErrSchemaVersion", err)
	}
	for _, want := range []string{dir, "key layout whosedata-kv/2", "whosedata-kv/3", "whosedata migrate --store " + dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("open of a v2 store: %q does not say %q", err, want)
		}
	}

	var steps []string
	res, err := graph.Migrate(ctx, dir, &graph.MigrateOptions{Progress: func(p graph.MigrateProgress) { steps = append(steps, p.Step) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.From != "whosedata-kv/2" || res.To != "whosedata-kv/3" || res.Store != dir || res.Deleted == 0 {
		t.Errorf("migrate: %+v", res)
	}
	if len(steps) == 0 || steps[len(steps)-1] != "write the counts and the schema version whosedata-kv/3" {
		t.Errorf("progress steps: %q", steps)
	}

	migrated, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatalf("open after migrating: %v", err)
	}
	defer migrated.Close()
	mustVerify(t, migrated)

	// What the v2 code answered from the same store.
	wantExport, err := os.ReadFile("testdata/v2/export.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := exportOf(t, migrated); !bytes.Equal(got, wantExport) {
		t.Errorf("the migrated store exports differently from the v2 store:\n%s", firstDiff(got, wantExport))
	}
	var wantStats struct{ Entities, Relations, Statements int }
	if b, err := os.ReadFile("testdata/v2/stats.json"); err != nil || json.Unmarshal(b, &wantStats) != nil {
		t.Fatalf("read stats.json: %v", err)
	}
	st, err := migrated.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != wantStats.Entities || st.Relations != wantStats.Relations || st.Statements != wantStats.Statements {
		t.Errorf("stats after migrating: %d entities, %d relations, %d statements; the v2 store had %+v", st.Entities, st.Relations, st.Statements, wantStats)
	}

	// The same data loaded fresh into this layout.
	fresh := openTest(t)
	if _, err := fixtures.LoadPath(ctx, fresh, "testdata/v2/export.json", "", nil); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, fresh)
	if got, want := exportOf(t, migrated), exportOf(t, fresh); !bytes.Equal(got, want) {
		t.Errorf("migrated and fresh stores export differently:\n%s", firstDiff(got, want))
	}
	fs, err := fresh.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(fs) != fmt.Sprint(st) {
		t.Errorf("stats: migrated %+v, fresh %+v", st, fs)
	}
	for _, q := range []struct {
		ref string
		dir graph.LineageDirection
	}{{"twitter", graph.Downstream}, {"X Corp", graph.Downstream}, {"stable-diffusion", graph.Upstream}, {"acme-lm", graph.Upstream}, {"chirp", graph.Downstream}} {
		got, want := lineageOf(t, migrated, q.ref, q.dir), lineageOf(t, fresh, q.ref, q.dir)
		if got != want || got == "" {
			t.Errorf("lineage %s of %s: migrated %q, fresh %q", q.dir, q.ref, got, want)
		}
	}
	// The merged duplicate still resolves, and the retracted claim stays
	// retracted.
	e, err := migrated.Entity(ctx, "ARL")
	if err != nil || e.Key != "acme" {
		t.Errorf("entity ARL after migrating: %v, %v", e, err)
	}
}

func exportOf(t *testing.T, s *graph.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fixtures.Export(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lineageOf(t *testing.T, s *graph.Store, ref string, dir graph.LineageDirection) string {
	t.Helper()
	hits, err := s.Lineage(context.Background(), ref, graph.LineageOptions{Direction: dir})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s/%d/%s", h.Entity.Key, h.Depth, h.Status))
	}
	return strings.Join(out, " ")
}

// firstDiff shows where two texts part.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  got  %s\n  want %s", i+1, x, y)
		}
	}
	return "(equal)"
}
