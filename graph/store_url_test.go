package graph

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	s, err := OpenURL(ctx, "memory:", &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntity(ctx, EntityInput{Key: "m", Kind: Dataset}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	dir := filepath.Join(t.TempDir(), "store")
	s, err = OpenURL(ctx, dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntity(ctx, EntityInput{Key: "d", Kind: Dataset}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenURL(ctx, "file://"+dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Entity(ctx, "d"); err != nil {
		t.Fatalf("file:// names the same directory: %v", err)
	}
	s.Close()

	for _, bad := range []string{"mysql://x/y", "memory:x", "postgres://127.0.0.1/db?table=Bad-Name", "postgres://127.0.0.1/db?max_txn_bytes=12"} {
		if _, err := OpenURL(ctx, bad, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("OpenURL(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = OpenURL(ctx, fmt.Sprintf("postgres://postgres:secret@127.0.0.1:%d/gone", port), nil)
	want := fmt.Sprintf("cannot reach PostgreSQL at 127.0.0.1:%d/gone", port)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("unreachable: %v; want one line with %q and no password", err, want)
	}
}

// TestBackendSelected checks that WHOSEDATA_TEST_STORE=postgres really puts
// this package's in-memory stores on PostgreSQL.
func TestBackendSelected(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, pg := s.kv.engine().(*pgEngine)
	if want := testEngine != nil; pg != want {
		t.Fatalf("in-memory store on PostgreSQL: %v, want %v", pg, want)
	}
}
