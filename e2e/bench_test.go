package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchBinary builds cmd/whosedata-bench once, beside the package's
// whosedata (in the folder TestMain removes), where the benchmark finds the
// whosedata it runs for its serve, open and load_file workloads.
var benchBinary = sync.OnceValues(func() (string, error) {
	out := filepath.Join(filepath.Dir(bin), "whosedata-bench")
	cmd := exec.Command("go", "build", "-o", out, "github.com/whosedata/whosedata/cmd/whosedata-bench")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/whosedata-bench: %w\n%s", err, b)
	}
	return out, nil
})

func benchCommand(t *testing.T) string {
	t.Helper()
	b, err := benchBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// benchRows are the workloads every bench run prints.
var benchRows = []string{"load", "load_file", "lineage_down", "lineage_up", "lineage_down_asof", "lineage_up_asof", "compliance",
	"paths", "entity_http", "serve", "open"}

// TestBenchCommand runs `whosedata-bench --check` at a tiny size through the
// built command, with SQLite: every workload row is printed and written to
// --json with the systems of the issue, and the systems' answers agree (a
// mismatch is an exit 1). PostgreSQL is left out here; internal/bench's own
// test covers it.
func TestBenchCommand(t *testing.T) {
	bench := benchCommand(t)
	out := filepath.Join(t.TempDir(), "results.json")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bench, "--check", "--no-postgres", "--entities", "300", "--statements", "1200", "--seed", "3", "--json", out)
	cmd.Env = cleanEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("whosedata-bench: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	for _, row := range benchRows {
		if !strings.Contains(stdout.String(), " "+row+" ") {
			t.Errorf("bench output lacks the %s row:\n%s", row, stdout.String())
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Results []struct {
			Workload, System, Walk string
			OpsPerS                float64 `json:"ops_per_s"`
			ItemsPerS              float64 `json:"items_per_s"`
			P50ms                  float64 `json:"p50_ms"`
			PeakRSSMiB             float64 `json:"peak_rss_mib"`
			WhosedataX             float64 `json:"whosedata_x"`
		}
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("--json: %v\n%s", err, b)
	}
	has := map[string]bool{}
	for _, r := range res.Results {
		has[r.Workload+"/"+r.System] = true
		switch {
		case r.System == "sqlite" && strings.HasPrefix(r.Workload, "lineage") && (r.Walk != "levels" && r.Walk != "cte" || r.WhosedataX <= 0):
			t.Errorf("%s/sqlite: walk %q, whosedata_x %v; want levels or cte, and the ratio on the seeds it answered", r.Workload, r.Walk, r.WhosedataX)
		case r.Workload == "open" && r.P50ms <= 0:
			t.Errorf("open: p50_ms %v", r.P50ms)
		case r.Workload == "load_file" && (r.ItemsPerS <= 0 || r.PeakRSSMiB <= 0):
			t.Errorf("load_file: %v statements/s, peak RSS %v MiB", r.ItemsPerS, r.PeakRSSMiB)
		case r.Workload == "serve" && r.PeakRSSMiB <= 0:
			t.Errorf("serve: peak RSS %v MiB", r.PeakRSSMiB)
		}
	}
	for _, w := range []string{"load/whosedata", "load/sqlite", "load_file/whosedata", "lineage_down/sqlite", "lineage_up_asof/sqlite",
		"paths/whosedata", "paths/limit", "open/whosedata", "serve/whosedata"} {
		if !has[w] {
			t.Errorf("--json has no %s row", w)
		}
	}
}

// TestBenchCommandLine checks the command's answers to a bad command line:
// exit 2 with the flag named, and a missing --whosedata binary named.
func TestBenchCommandLine(t *testing.T) {
	bench := benchCommand(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--entities", "many"}, `invalid value "many" for flag -entities`},
		{[]string{"--entities", "3"}, "--entities must be at least 16"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--whosedata", "/nonexistent/whosedata"}, "--whosedata /nonexistent/whosedata"},
	} {
		cmd := exec.CommandContext(t.Context(), bench, tc.args...)
		cmd.Env = cleanEnv(t)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		x, ok := errors.AsType[*exec.ExitError](err)
		if !ok || x.ExitCode() != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("whosedata-bench %s: %v, stderr %q; want exit 2 saying %q", strings.Join(tc.args, " "), err, stderr.String(), tc.want)
		}
	}
}
