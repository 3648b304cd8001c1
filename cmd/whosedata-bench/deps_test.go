package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/whosedata/whosedata"

// TestWhosedataCarriesNoBench holds the production binary to what users
// run: `go list -deps ./cmd/whosedata` has neither the benchmark
// (internal/bench, internal/synth) nor a SQL driver of its peers. pgx may
// appear only when a storage backend under graph/ imports it (the
// postgres:// store), never through anything else.
func TestWhosedataCarriesNoBench(t *testing.T) {
	deps := goList(t, module+"/cmd/whosedata")
	if _, ok := deps[module+"/cmd/whosedata"]; !ok {
		t.Fatalf("go list -deps did not list cmd/whosedata itself: %v", deps)
	}
	for pkg, imports := range deps {
		switch {
		case pkg == module+"/internal/bench" || pkg == module+"/internal/synth":
			t.Errorf("cmd/whosedata depends on %s", pkg)
		case strings.HasPrefix(pkg, "modernc.org/sqlite") || strings.HasPrefix(pkg, "github.com/mattn/go-sqlite3") ||
			strings.HasPrefix(pkg, "github.com/lib/pq"):
			t.Errorf("cmd/whosedata depends on the SQL driver %s", pkg)
		}
		if strings.HasPrefix(pkg, "github.com/jackc/") {
			continue
		}
		for _, imp := range imports {
			if strings.HasPrefix(imp, "github.com/jackc/pgx") && !strings.HasPrefix(pkg, module+"/graph") {
				t.Errorf("%s imports %s: only a storage backend under graph/ may", pkg, imp)
			}
		}
	}
	// The test must be able to fail: the benchmark's own deps break the rule.
	bench := goList(t, module+"/cmd/whosedata-bench")
	if _, ok := bench[module+"/internal/bench"]; !ok {
		t.Errorf("go list -deps ./cmd/whosedata-bench lacks internal/bench: the check above looks at the wrong list")
	}
	if _, ok := bench["modernc.org/sqlite"]; !ok {
		t.Errorf("go list -deps ./cmd/whosedata-bench lacks modernc.org/sqlite: the check above looks at the wrong list")
	}
}

// goList returns every package pkg depends on (itself included) with its
// direct imports.
func goList(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), "go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			deps[f[0]] = f[1:]
		}
	}
	return deps
}
