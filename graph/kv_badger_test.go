package graph

import (
	"log/slog"
	"testing"

	"github.com/whosedata/whosedata/graph/kv"
	"github.com/whosedata/whosedata/graph/kvtest"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestBadgerConformance runs the engine conformance suite on Badger on disk.
func TestBadgerConformance(t *testing.T) {
	kvtest.Run(t, kvtest.Harness{
		Open: func(t *testing.T) kv.Engine {
			e, err := openBadger(t.TempDir(), false, false, quietLog())
			if err != nil {
				t.Fatal(err)
			}
			return e
		},
		Reopen: func(t *testing.T, e kv.Engine) kv.Engine {
			dir := e.(*badgerEngine).dir
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			e, err := openBadger(dir, false, false, quietLog())
			if err != nil {
				t.Fatal(err)
			}
			return e
		},
	})
}

// TestMemoryConformance runs the suite on Badger's in-memory mode, the
// engine of memory: stores.
func TestMemoryConformance(t *testing.T) {
	kvtest.Run(t, kvtest.Harness{
		Open: func(t *testing.T) kv.Engine {
			e, err := openBadger("", true, false, quietLog())
			if err != nil {
				t.Fatal(err)
			}
			return e
		},
	})
}
