package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformance validates the GraphQL documents of the docs with graphql-js,
// the reference implementation, against the schema as the command's own
// introspection describes it: the schema that graph-gophers/graphql-go serves
// must be one that other GraphQL tools read the same way.
func TestConformance(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		needInCI(t, "node is not installed: %v", err)
	}
	dir := filepath.Join("conformance")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			needInCI(t, "npm is not installed: %v", err)
		}
		cmd := exec.CommandContext(t.Context(), npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in e2e/conformance: %v\n%s", err, out)
		}
	}
	validate := func(args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), node, append([]string{filepath.Join(dir, "validate.mjs")}, args...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	query, err := validate("--introspection-query")
	if err != nil {
		t.Fatalf("validate.mjs --introspection-query: %v\n%s", err, query)
	}
	// Ask a server with default settings, as GraphiQL and other tools do;
	// the query verb must answer the same.
	srv := startServer(t, cleanEnv(t), "--data", filepath.Join(t.TempDir(), "data"), "--empty", "--addr", "127.0.0.1:0")
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	resp := post(t, srv.url, "", body)
	if resp.status != 200 || len(resp.Errors) > 0 {
		t.Fatalf("the introspection query over HTTP: HTTP %d, errors %v", resp.status, resp.Errors)
	}
	r := whosedata(t, query, "query", "--in-memory", "-")
	if r.code != 0 {
		t.Fatalf("the introspection query with the query verb: exit %d\n%s\n%.2000s", r.code, r.stderr, r.stdout)
	}
	introspection := filepath.Join(t.TempDir(), "introspection.json")
	if err := os.WriteFile(introspection, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}

	files := []string{filepath.Join("testdata", "queries.md")}
	readme := filepath.Join("..", "README.md")
	if _, err := os.Stat(readme); err == nil {
		files = append(files, readme)
	} else {
		t.Logf("no %s yet; validating %s only", readme, files[0])
	}
	out, err := validate(append([]string{introspection}, files...)...)
	if err != nil {
		t.Fatalf("graphql-js rejects documents:\n%s", out)
	}
	t.Log(strings.TrimSpace(out))
	if strings.HasPrefix(out, "0 valid") {
		t.Fatalf("no document was validated: %s", out)
	}

	// The check is not vacuous: a wrong document fails it.
	bad := filepath.Join(t.TempDir(), "bad.graphql")
	if err := os.WriteFile(bad, []byte(`{ lineage(entity: "twitter") { entity { key noSuchField } } }`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := validate(introspection, bad); err == nil || !strings.Contains(out, "noSuchField") || !strings.Contains(out, "direction") {
		t.Fatalf("validate.mjs accepted a wrong document (%v):\n%s", err, out)
	}
}

// needInCI skips the test when a tool it needs is missing, except in CI
// (CI=true), where a missing tool is a failure rather than a silent skip.
func needInCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
