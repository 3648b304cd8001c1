package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/graph/graphtest"
)

// python is Debian's own python3, with python3-rdflib and python3-networkx
// from Debian (.ci/run installs them; there is no PyPI here).
const python = "/usr/bin/python3"

// needPython skips (or, in CI, fails) when python cannot import module.
func needPython(t *testing.T, module string) {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import "+module).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed for %s (apt-get install python3-%s): %v\n%s", module, python, module, err, out)
		}
		t.Skipf("%s is not installed for %s: %v", module, python, err)
	}
}

// runTool runs a checking program and returns its standard output; its
// standard error is the test's failure message.
func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// writeJSON writes v as a JSON file in dir and returns its path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// export runs write on a snapshot of s and returns what it wrote.
func export(t *testing.T, s *graph.Store, write func(context.Context, *graph.Snapshot, *bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := s.View(context.Background(), func(sn *graph.Snapshot) error { return write(context.Background(), sn, &buf) })
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

// world is what the store holds, read through the graph API, for the tools'
// checks to compare with what they read.
type world struct {
	entities  []*graph.Entity
	relations []*graph.Relation
}

func read(t *testing.T, s *graph.Store) world {
	t.Helper()
	var w world
	ctx := context.Background()
	err := s.View(ctx, func(sn *graph.Snapshot) error {
		if err := sn.ForEachEntity(ctx, func(e *graph.Entity) error { w.entities = append(w.entities, e); return nil }); err != nil {
			return err
		}
		return sn.ForEachRelation(ctx, func(r *graph.Relation) error { w.relations = append(w.relations, r); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestBundled exports the bundled data in every format and has the tool that
// reads each format check it. One store serves every subtest.
func TestBundled(t *testing.T) {
	s := graphtest.Bundled(t)
	w := read(t, s)
	if len(w.relations) == 0 || len(w.entities) == 0 {
		t.Fatal("the bundled store is empty")
	}
	t.Run("nquads", func(t *testing.T) { testNQuads(t, s, w) })
	t.Run("graphml", func(t *testing.T) { testGraphML(t, s, w) })
	t.Run("neo4j-csv", func(t *testing.T) { testNeo4jCSV(t, s, w) })
	t.Run("ftm", func(t *testing.T) { testFTM(t, s, w) })
	t.Run("spdx", func(t *testing.T) { testSPDX(t, s) })
}
