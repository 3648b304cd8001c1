package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/internal/pgtest"
)

// newPgStore starts a private cluster for the test and returns it with the
// URL of a fresh database.
func newPgStore(t *testing.T) (*pgtest.Cluster, string, string) {
	t.Helper()
	c := pgtest.Run(t)
	db, err := c.NewDatabase(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c, db, c.URL(db)
}

// TestPostgresStoreVerbs drives load, query, export and verify on a
// postgres:// store, and the one-line errors for an unreachable database and
// a store of another layout.
func TestPostgresStoreVerbs(t *testing.T) {
	c, db, url := newPgStore(t)
	out := mustRun(t, "load", "--store", url, seedFixture)
	if !strings.Contains(out.stdout+out.stderr, "added") {
		t.Fatalf("load summary: %s %s", out.stdout, out.stderr)
	}
	// Loading twice changes nothing.
	mustRun(t, "load", "--store", url, seedFixture)
	q := mustRun(t, "query", "--store", url, `{ lineage(entity: "twitter", direction: DOWNSTREAM) { entity { key } status } }`)
	if !strings.Contains(q.stdout, `"microsoft"`) || !strings.Contains(q.stdout, `"ALLEGED"`) {
		t.Fatalf("lineage on PostgreSQL: %s", q.stdout)
	}
	dir := t.TempDir()
	exp := filepath.Join(dir, "graph.json")
	mustRun(t, "export", "--store", url, "--format", "json", "--out", exp)
	if b, err := os.ReadFile(exp); err != nil || !strings.Contains(string(b), `"twitter-posts"`) {
		t.Fatalf("export: %v %.200s", err, b)
	}
	mustRun(t, "verify", "--store", url)
	// The environment names the store too.
	r := whosedataEnv(t, []string{"WHOSEDATA_STORE=" + url}, "query", `{ entity(ref: "X Corp") { key } }`)
	if r.code != 0 || !strings.Contains(r.stdout, `"twitter"`) {
		t.Fatalf("WHOSEDATA_STORE: exit %d %s %s", r.code, r.stdout, r.stderr)
	}

	// Nothing listens on this port: one line naming the database.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r = whosedata(t, "", "query", "--store", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/nowhere", port), `{ stats { entities } }`)
	want := fmt.Sprintf("cannot reach PostgreSQL at 127.0.0.1:%d/nowhere", port)
	if r.code == 0 || !strings.Contains(r.stderr, want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
		t.Fatalf("unreachable database: exit %d, stderr %q; want one line with %q", r.code, r.stderr, want)
	}
	r = whosedata(t, "", "query", "--store", "mysql://x", `{ stats { entities } }`)
	if r.code == 0 || !strings.Contains(r.stderr, "want a directory, memory: or postgres://") {
		t.Fatalf("unknown scheme: exit %d %q", r.code, r.stderr)
	}
	if _, err := c.Exec(t.Context(), db, `UPDATE whosedata_kv SET v = convert_to('whosedata-kv/0', 'UTF8') WHERE k = '\x00736368656d61'::bytea`); err != nil {
		t.Fatal(err)
	}
	r = whosedata(t, "", "verify", "--store", url)
	if r.code == 0 || !strings.Contains(r.stderr, `written with key layout "whosedata-kv/0"`) {
		t.Fatalf("other layout: exit %d %q", r.code, r.stderr)
	}
}

// whosedataEnv is whosedata with extra environment variables.
func whosedataEnv(t *testing.T, extra []string, args ...string) result {
	t.Helper()
	return runWhosedata(t, "", extra, args...)
}

// TestPostgresOutage stops PostgreSQL under a running server: the server
// stays up and answers UNAVAILABLE, and once the database is back it answers
// and writes again by itself.
func TestPostgresOutage(t *testing.T) {
	c, _, url := newPgStore(t)
	srv := startServer(t, cleanEnv(t), "--addr", "127.0.0.1:0", "--store", url, "--empty")
	if r := graphql(t, srv.url, "", upsertMutation, nil); len(r.Errors) > 0 {
		t.Fatalf("upsert: %+v", r.Errors)
	}
	if err := c.StopServer(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := graphql(t, srv.url, "", `{ entity(ref: "acme") { key name } }`, nil)
	if r.code() != "UNAVAILABLE" {
		t.Fatalf("read with the database down: %+v, want UNAVAILABLE", r.Errors)
	}
	if strings.Contains(r.Errors[0].Message, "127.0.0.1") {
		t.Errorf("the database's address reached the client: %q", r.Errors[0].Message)
	}
	r = graphql(t, srv.url, "", `mutation { upsertEntity(input: {key: "during", kind: ORGANIZATION}) { key } }`, nil)
	if r.code() != "UNAVAILABLE" {
		t.Fatalf("write with the database down: %+v, want UNAVAILABLE", r.Errors)
	}
	if err := c.StartServer(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Recovery takes the follower's next round; wait for it without a
	// deadline shorter than the test's own.
	for {
		r = graphql(t, srv.url, "", `{ entity(ref: "acme") { key name } }`, nil)
		if len(r.Errors) == 0 {
			break
		}
		if r.code() != "UNAVAILABLE" {
			t.Fatalf("after the database came back: %+v", r.Errors)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(string(r.Data), `"Acme"`) {
		t.Fatalf("after recovery: %s", r.Data)
	}
	if r := graphql(t, srv.url, "", `mutation { upsertEntity(input: {key: "after", kind: ORGANIZATION}) { key } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("write after recovery: %+v", r.Errors)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, srv.log())
	}
	mustRun(t, "verify", "--store", url)
}

// decodeData decodes a response's data into v.
func decodeData(t *testing.T, r *gqlResponse, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("data: %v: %s", err, r.Data)
	}
}

// TestPostgresCopy copies a directory store into PostgreSQL and back: each
// copy verifies clean and exports the same graph, history included, and a
// target that holds data is refused.
func TestPostgresCopy(t *testing.T) {
	_, _, url := newPgStore(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	mustRun(t, "load", "--data", src, seedFixture)
	mustRun(t, "query", "--data", src, `mutation { addAlias(entity: "twitter", alias: "Twttr") { key } }`)
	out := mustRun(t, "copy", "--from", src, "--to", url)
	if !strings.Contains(out.stdout, "verify ok") {
		t.Fatalf("copy to PostgreSQL: %s", out.stdout)
	}
	back := filepath.Join(dir, "back")
	out = mustRun(t, "copy", "--from", url, "--to", back)
	if !strings.Contains(out.stdout, "verify ok") {
		t.Fatalf("copy back: %s", out.stdout)
	}
	export := func(args ...string) string {
		f := filepath.Join(t.TempDir(), "g.json")
		mustRun(t, append([]string{"export", "--format", "json", "--out", f}, args...)...)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b, c := export("--data", src), export("--store", url), export("--data", back)
	if a != b || a != c {
		t.Fatalf("the copies export differently:\nsource %d bytes, PostgreSQL %d, back %d", len(a), len(b), len(c))
	}
	// The change log came along: the alias's change is there.
	q := `{ changes(first: 100) { totalCount edges { node { kind at } } } }`
	ca, cb := mustRun(t, "query", "--data", src, q).stdout, mustRun(t, "query", "--store", url, q).stdout
	if ca != cb || !strings.Contains(ca, "ALIAS_ADDED") {
		t.Fatalf("change logs differ:\n%s\n%s", ca, cb)
	}
	r := whosedata(t, "", "copy", "--from", src, "--to", url)
	if r.code == 0 || !strings.Contains(r.stderr, "copy needs an empty target store") {
		t.Fatalf("copy into a full store: exit %d %q", r.code, r.stderr)
	}
	r = whosedata(t, "", "copy", "--from", src)
	if r.code == 0 || !strings.Contains(r.stderr, "copy needs --from STORE and --to STORE") {
		t.Fatalf("copy without --to: exit %d %q", r.code, r.stderr)
	}
}
