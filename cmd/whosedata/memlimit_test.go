package main

import (
	"runtime"
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
