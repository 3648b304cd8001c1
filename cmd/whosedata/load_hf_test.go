package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadHF drives `whosedata load --format hf` on the bundled model cards
// (fixtures/hf) into an empty store, then on one adapter card of its own made
// from Zephyr, and asks GraphQL, through `whosedata query`, for the adapter's
// lineage: it reaches Zephyr, Zephyr's base model and the datasets Zephyr
// was trained on. A bad card then fails the command with its file and line,
// and changes nothing.
func TestLoadHF(t *testing.T) {
	dir := t.TempDir()
	e, stdout, stderr := testEnv(map[string]string{envData: filepath.Join(dir, "store")}, dir)
	ctx := context.Background()
	cards := filepath.Join("..", "..", "fixtures", "hf")
	if code := run(ctx, []string{"load", "--format", "hf", cards}, e); code != exitOK {
		t.Fatalf("load --format hf: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout.String(), "loaded 7 files: ") {
		t.Errorf("load --format hf printed %q; want a summary of 7 files", stdout)
	}

	writeCard := func(id, text string) string {
		t.Helper()
		p := filepath.Join(dir, "cards", filepath.FromSlash(id), "README.md")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lora := writeCard("acme/zephyr-lora", "---\nbase_model: HuggingFaceH4/zephyr-7b-beta\nbase_model_relation: adapter\nlicense: mit\n---\n")
	stdout.Reset()
	if code := run(ctx, []string{"load", "--format", "hf", lora}, e); code != exitOK {
		t.Fatalf("load --format hf FILE: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout.String(), "loaded 1 file: ") {
		t.Errorf("load --format hf FILE printed %q; want a summary of 1 file", stdout)
	}

	lineage := func() map[string]int {
		t.Helper()
		stdout.Reset()
		q := `{ lineage(entity: "acme/zephyr-lora", direction: UPSTREAM) { entity { name } depth } }`
		if code := run(ctx, []string{"query", q}, e); code != exitOK {
			t.Fatalf("query: exit %d: %s", code, stderr)
		}
		var resp struct {
			Data struct {
				Lineage []struct {
					Entity struct{ Name string }
					Depth  int
				}
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
			t.Fatalf("query answer %q: %v", stdout, err)
		}
		got := map[string]int{}
		for _, h := range resp.Data.Lineage {
			got[h.Entity.Name] = h.Depth
		}
		return got
	}
	got := lineage()
	for name, depth := range map[string]int{
		"HuggingFaceH4/zephyr-7b-beta":          1,
		"mistralai/Mistral-7B-v0.1":             2,
		"HuggingFaceH4/ultrachat_200k":          2,
		"HuggingFaceH4/ultrafeedback_binarized": 2,
		"HuggingFaceH4":                         2, // the holder of Zephyr
	} {
		if d, ok := got[name]; !ok || d != depth {
			t.Errorf("upstream of acme/zephyr-lora: %s at depth %d (found %v); want depth %d\nall: %v", name, d, ok, depth, got)
		}
	}

	// A card with bad front matter: the command fails with file:line and
	// field, and nothing of the card is loaded.
	bad := writeCard("acme/broken-7b", "---\nbase_model: TheBloke/zephyr-7B-beta-GGUF\nbase_model_relation: distill\ndatasets: [acme/new-data]\n---\n")
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, []string{"load", "--format", "hf", filepath.Join(dir, "cards")}, e); code != exitFailure {
		t.Fatalf("load of a bad card: exit %d; want %d", code, exitFailure)
	}
	if want := bad + `:3: base_model_relation: invalid input: "distill" is not a relation the Hub knows`; !strings.Contains(stderr.String(), want) {
		t.Errorf("load of a bad card said %q; want %q", stderr, want)
	}
	stdout.Reset()
	if code := run(ctx, []string{"query", `{ a: entity(ref: "acme/broken-7b") { key } b: entity(ref: "acme/new-data") { key } }`}, e); code != exitOK {
		t.Fatalf("query: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), `"a": null`) || !strings.Contains(stdout.String(), `"b": null`) {
		t.Errorf("after the bad card: %s; want neither its model nor its dataset", stdout)
	}
	if after := lineage(); len(after) != len(got) {
		t.Errorf("the bad card changed the lineage: %v, was %v", after, got)
	}

	stderr.Reset()
	if code := run(ctx, []string{"load", "--format", "xml", cards}, e); code != exitUsage || !strings.Contains(stderr.String(), "want one of json, jsonl, yaml, dpi, hf") {
		t.Errorf("load --format xml: exit %d, %q; want a usage error listing hf", code, stderr)
	}
}
