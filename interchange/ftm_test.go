package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/interchange"
)

// tools is the npm folder of the JavaScript readers (.ci/run: npm ci).
var tools = filepath.Join("testdata", "tools")

// needNodeModule skips (or, in CI, fails) when node or the npm folder's
// packages are not installed.
func needNodeModule(t *testing.T, module string) {
	t.Helper()
	_, err := os.Stat(filepath.Join(tools, "node_modules", module, "package.json"))
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (cd %s && npm ci): %v", module, tools, err)
		}
		t.Skipf("%s is not installed (cd %s && npm ci): %v", module, tools, err)
	}
}

func testFTM(t *testing.T, s *graph.Store, w world) {
	needNodeModule(t, "@alephdata/followthemoney")
	out := export(t, s, func(ctx context.Context, sn *graph.Snapshot, b *bytes.Buffer) error {
		return interchange.WriteFTM(ctx, sn, b)
	})
	path := filepath.Join(t.TempDir(), "bundled.ftm.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Entities int            `json:"entities"`
		BySchema map[string]int `json:"bySchema"`
		Count    int            `json:"count"`
		Problems []string       `json:"problems"`
	}
	if err := json.Unmarshal(runTool(t, "node", filepath.Join(tools, "check-ftm.js"), path), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count > 0 {
		t.Errorf("the FollowTheMoney model rejects %d things in the export:\n%s", got.Count, strings.Join(got.Problems, "\n"))
	}
	statements := 0
	for _, r := range w.relations {
		statements += len(r.Statements)
	}
	if got.Entities != len(w.entities)+statements {
		t.Errorf("%d FtM entities; want %d entities + %d statements", got.Entities, len(w.entities), statements)
	}
	for _, schema := range []string{"Organization", "Person", "CourtCase", "CourtCaseParty", "Ownership", "Document", "Asset", "UnknownLink"} {
		if got.BySchema[schema] == 0 {
			t.Errorf("no %s in the export: %v", schema, got.BySchema)
		}
	}
	t.Logf("FtM: %d bytes, %v", len(out), got.BySchema)
	// A case carries the status its timeline gives today (NYT v. Microsoft
	// and OpenAI goes on in MDL 3143).
	var nyt bool
	for _, line := range bytes.Split(out, []byte("\n")) {
		var e struct {
			Schema     string
			Properties map[string][]string
		}
		if json.Unmarshal(line, &e) == nil && e.Schema == "CourtCase" && slices.Contains(e.Properties["name"], "The New York Times v. Microsoft and OpenAI") {
			nyt = true
			if st := e.Properties["status"]; len(st) != 1 || st[0] != "ONGOING" {
				t.Errorf("NYT v. Microsoft and OpenAI as a CourtCase has status %v, want [ONGOING]", st)
			}
		}
	}
	if !nyt {
		t.Error("no CourtCase named The New York Times v. Microsoft and OpenAI in the export")
	}

	// Ids are stable: a second export is the same.
	if again := export(t, s, func(ctx context.Context, sn *graph.Snapshot, b *bytes.Buffer) error {
		return interchange.WriteFTM(ctx, sn, b)
	}); !bytes.Equal(out, again) {
		t.Error("a second FtM export of the same store differs")
	}
}
