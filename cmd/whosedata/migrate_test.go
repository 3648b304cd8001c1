package main

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// v2Backup is the backup of a whosedata-kv/2 store made by the code of that
// layout (graph/testdata/v2/README.md).
var v2Backup = filepath.Join("..", "..", "graph", "testdata", "v2", "store.backup.gz")

// TestMigrateVerb restores the backup of a v2 store, sees every verb refuse
// it with the command to run, runs migrate, and checks the store answers.
func TestMigrateVerb(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	backup := filepath.Join(tmp, "v2.backup")
	gunzip(t, v2Backup, backup)
	dir := filepath.Join(tmp, "store")
	cmd := func(args ...string) (int, string, string) {
		e, stdout, stderr := testEnv(nil, tmp)
		code := run(ctx, args, e)
		return code, stdout.String(), stderr.String()
	}
	want := "whosedata migrate --store " + dir
	if code, _, stderr := cmd("restore", "--data", dir, backup); code != exitFailure || !strings.Contains(stderr, want) {
		t.Fatalf("restore of a v2 backup: exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
	}
	if code, _, stderr := cmd("stats", "--data", dir); code != exitFailure || !strings.Contains(stderr, "key layout whosedata-kv/2") || !strings.Contains(stderr, want) {
		t.Fatalf("stats of a v2 store: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := cmd("migrate", "--data", dir)
	if code != exitOK {
		t.Fatalf("migrate: exit %d: %s", code, stderr)
	}
	wantOut := "migrated " + dir + " from whosedata-kv/2 to whosedata-kv/3: deleted 61 keys of retired indexes; 28 entities, 33 relations, 35 statements\n"
	if stdout != wantOut {
		t.Errorf("migrate printed %q, want %q", stdout, wantOut)
	}
	for _, step := range []string{"migrate: delete the kind index (whosedata-kv/2)", "migrate: count records", "migrate: write the counts and the schema version whosedata-kv/3"} {
		if !strings.Contains(stderr, step+"\n") {
			t.Errorf("migrate's progress on stderr lacks %q:\n%s", step, stderr)
		}
	}
	if code, stdout, stderr := cmd("verify", "--store", dir); code != exitOK || !strings.Contains(stdout, "checked 28 entities, 33 relations, 35 statements") {
		t.Fatalf("verify after migrate: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := cmd("query", "--data", dir, `{ lineage(entity: "twitter", direction: DOWNSTREAM) { entity { key } status } }`); code != exitOK ||
		!strings.Contains(stdout, `"microsoft"`) {
		t.Fatalf("lineage after migrate: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := cmd("migrate", "--store", dir); code != exitOK || stdout != dir+" already has key layout whosedata-kv/3; nothing to do\n" {
		t.Errorf("second migrate: exit %d, %q", code, stdout)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"migrate", "--in-memory"}, exitUsage, "never needs migrating"},
		{[]string{"migrate", "--data", dir, "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"migrate", "--data", dir, "--store", dir}, exitUsage, "give --store or --data, not both"},
		{[]string{"migrate", "--data", filepath.Join(tmp, "none")}, exitFailure, "no store in " + filepath.Join(tmp, "none")},
		{[]string{"migrate", "--store", "memory:"}, exitFailure, "never needs migrating"},
	} {
		if code, _, stderr := cmd(tc.args...); code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
