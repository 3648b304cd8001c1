package main

import (
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestGraphMemoryLimit: a small heap keeps the default limit; a heap larger
// than the default gets room above what it holds.
func TestGraphMemoryLimit(t *testing.T) {
	const def = 224 << 20
	if got := graphMemoryLimit(def); got != def {
		t.Errorf("with a small heap: limit %d MiB, want the default %d", got>>20, def>>20)
	}
	held := make([]byte, 400<<20)
	got := graphMemoryLimit(def)
	runtime.KeepAlive(held)
	if want := int64(400<<20 + 100<<20 + 64<<20); got < want {
		t.Errorf("with 400 MiB live: limit %d MiB, want at least %d", got>>20, want>>20)
	}
}

// TestLoadPacesTheCollector: `whosedata load` collects at loadGCPercent and
// sets no memory limit, unless the environment sets GOGC or GOMEMLIMIT, whose
// settings the runtime has already applied and load leaves alone.
func TestLoadPacesTheCollector(t *testing.T) {
	file := filepath.Join("testdata", "seed.yaml")
	for _, tt := range []struct {
		vars map[string]string
		want int
	}{
		{vars: nil, want: loadGCPercent},
		{vars: map[string]string{"GOGC": "80"}, want: 100},
		{vars: map[string]string{"GOMEMLIMIT": "1GiB"}, want: 100},
	} {
		oldPct := debug.SetGCPercent(100)
		oldLimit := debug.SetMemoryLimit(math.MaxInt64)
		e, _, stderr := testEnv(tt.vars, "")
		code := run(t.Context(), []string{"load", "--in-memory", file}, e)
		pct := debug.SetGCPercent(oldPct)
		limit := debug.SetMemoryLimit(oldLimit)
		if code != exitOK {
			t.Fatalf("%v: load exited %d: %s", tt.vars, code, stderr)
		}
		if pct != tt.want || limit != math.MaxInt64 {
			t.Errorf("%v: GOGC %d and memory limit %d after load, want %d and none", tt.vars, pct, limit, tt.want)
		}
	}
}
