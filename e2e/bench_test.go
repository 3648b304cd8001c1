package e2e

import (
	"strings"
	"testing"
)

// TestBenchCommand runs `whosedata bench --check` at a tiny size through the
// built command: every workload row is printed and the systems' answers agree
// (a mismatch is an exit 1). PostgreSQL is left out here; internal/bench's
// own test covers it.
func TestBenchCommand(t *testing.T) {
	r := whosedata(t, "", "bench", "--check", "--no-postgres", "--entities", "300", "--statements", "1200", "--seed", "3")
	if r.code != 0 {
		t.Fatalf("bench: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, row := range []string{"load", "lineage_down", "lineage_up", "lineage_down_asof", "lineage_up_asof", "paths", "entity_http", "serve"} {
		if !strings.Contains(r.stdout, " "+row+" ") {
			t.Errorf("bench output lacks the %s row:\n%s", row, r.stdout)
		}
	}
}
