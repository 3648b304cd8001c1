// Package graphtest opens real in-memory stores and loads fixtures for tests
// in any package. Every store it opens is checked with Verify and closed when
// the test ends.
package graphtest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/graph"
)

// Open returns an empty in-memory store. At cleanup it runs Verify (reporting
// every inconsistency with t.Error) and closes the store. It stops the test
// with t.Fatal if the store cannot be opened.
func Open(t testing.TB) *graph.Store {
	t.Helper()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatalf("graphtest: open in-memory store: %v", err)
	}
	t.Cleanup(func() {
		rep, err := s.Verify(context.Background())
		switch {
		case errors.Is(err, graph.ErrClosed): // the test closed it itself
			return
		case err != nil:
			t.Errorf("graphtest: verify: %v", err)
		case !rep.OK():
			t.Errorf("graphtest: store is inconsistent at the end of the test:\n%s", strings.Join(rep.Problems, "\n"))
		}
		if err := s.Close(); err != nil {
			t.Errorf("graphtest: close: %v", err)
		}
	})
	return s
}

// LoadBundled loads the bundled fixtures into s and returns the summary; it
// stops the test with t.Fatal on any error.
func LoadBundled(t testing.TB, s *graph.Store) fixtures.Summary {
	t.Helper()
	sum, err := fixtures.LoadBundled(context.Background(), s)
	if err != nil {
		t.Fatalf("graphtest: load bundled fixtures: %v", err)
	}
	return sum
}

// LoadFile loads the fixture file or folder at path (format from its
// extension) into s and returns the summary; it stops the test with t.Fatal on
// any error.
func LoadFile(t testing.TB, s *graph.Store, path string) fixtures.Summary {
	t.Helper()
	sum, err := fixtures.LoadPath(context.Background(), s, path, "", nil)
	if err != nil {
		t.Fatalf("graphtest: load %s: %v", path, err)
	}
	return sum
}

// Bundled opens an in-memory store holding the bundled fixtures.
func Bundled(t testing.TB) *graph.Store {
	t.Helper()
	s := Open(t)
	LoadBundled(t, s)
	return s
}
