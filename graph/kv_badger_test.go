package graph

import (
	"bytes"
	"log/slog"
	"strings"
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

// TestBadgerLogsToTheStoreLogger opens and closes a Badger store with a
// logger that keeps every record: Badger's own lines (it logs as it opens
// and closes) reach it, at debug level, and nothing of Badger is printed
// by a logger of its own.
func TestBadgerLogsToTheStoreLogger(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, err := openBadger(t.TempDir(), false, false, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "component=badger") {
		t.Fatalf("Badger's log did not reach the store's logger; it got:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "level=INFO") {
		t.Errorf("Badger's info lines should be debug lines:\n%s", buf.String())
	}
}
