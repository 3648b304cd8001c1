package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLineMistakes drives run with bad command lines: each is exit 2
// with a message that names the mistake, before any work starts.
func TestCommandLineMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--statements", "x"}, `invalid value "x" for flag -statements`},
		{[]string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"--entities", "15"}, "--entities must be at least 16"},
		{[]string{"--statements", "0"}, "--statements at least 1"},
		{[]string{"now"}, `unexpected argument "now"`},
		{[]string{"--load-chunk", "-1"}, "--load-chunk must be at least 1"},
		{[]string{"--load-file-rss-cap", "-1"}, "--load-file-rss-cap above 0"},
		{[]string{"--whosedata", filepath.Join(t.TempDir(), "nothing")}, "--whosedata "},
		{[]string{"--log-level", "loud"}, `invalid value "loud" for flag -log-level`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("whosedata-bench %s: exit %d, stderr %q; want exit %d saying %q", strings.Join(tc.args, " "), code, stderr.String(), exitUsage, tc.want)
		}
	}
}

// TestHelp prints the usage with every flag, exit 0.
func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("--help: exit %d, stderr %q", code, stderr.String())
	}
	for _, f := range []string{"-entities", "-statements", "-json", "-check", "-no-postgres", "-no-sqlite", "-pg-budget", "-whosedata", "-load-chunk", "-load-file-rss-cap"} {
		if !strings.Contains(stdout.String(), f) {
			t.Errorf("--help lacks %s:\n%s", f, stdout.String())
		}
	}
}

// TestFindWhosedata finds the whosedata beside the binary given, and
// reports a missing one by the flag.
func TestFindWhosedata(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "whosedata")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := findWhosedata(p)
	if err != nil || got != p {
		t.Errorf("findWhosedata(%q) = %q, %v", p, got, err)
	}
	if _, err := findWhosedata(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "--whosedata") {
		t.Errorf("findWhosedata(missing) = %v, want an error naming --whosedata", err)
	}
}
