package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreFlag checks how --store, WHOSEDATA_STORE and --data name the
// store: a directory given either way is the same store, memory: is a new
// empty one, and --store with --data is a usage error.
func TestStoreFlag(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "s")
	seed := filepath.Join("testdata", "seed.yaml")
	e, _, stderr := testEnv(nil, t.TempDir())
	if code := run(ctx, []string{"load", "--store", dir, seed}, e); code != exitOK {
		t.Fatalf("load --store DIR: exit %d: %s", code, stderr)
	}
	query := `{ entity(ref: "twitter") { key } }`
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want string
		code int
	}{
		{"--data reads it", nil, []string{"query", "--data", dir, query}, `"twitter"`, exitOK},
		{"WHOSEDATA_STORE reads it", map[string]string{envStore: dir}, []string{"query", query}, `"twitter"`, exitOK},
		{"--data wins over WHOSEDATA_STORE", map[string]string{envStore: "memory:"}, []string{"query", "--data", dir, query}, `"twitter"`, exitOK},
		{"memory: is empty", nil, []string{"query", "--store", "memory:", query}, `"entity": null`, exitOK},
		{"both flags", nil, []string{"query", "--store", dir, "--data", dir, query}, "give --store or --data, not both", exitUsage},
		{"unknown scheme", nil, []string{"query", "--store", "redis://x", query}, "want a directory, memory: or postgres://", exitFailure},
		{"missing directory", nil, []string{"query", "--store", dir + "-none", query}, "no store in", exitFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, stdout, stderr := testEnv(tc.vars, t.TempDir())
			code := run(ctx, tc.args, e)
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", code, tc.code, stdout, stderr, tc.want)
			}
		})
	}
}
