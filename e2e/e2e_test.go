// Package e2e drives the built whosedata command end to end: it builds the
// binary once, then runs its verbs and a server on a loopback port as a user
// would, and checks what they print, answer and leave behind.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bin is the whosedata command built by TestMain.
var bin string

// seedFixture holds the seed facts: Musk alleges that Microsoft trained on
// Twitter's posts.
var seedFixture = filepath.Join("..", "cmd", "whosedata", "testdata", "seed.yaml")

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "whosedata-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "whosedata")
		if err := buildCommand(bin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// buildCommand builds cmd/whosedata into out.
func buildCommand(out string) error {
	cmd := exec.Command("go", "build", "-o", out, "github.com/whosedata/whosedata/cmd/whosedata")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/whosedata: %w", err)
	}
	return nil
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// whosedata runs the command with args and stdin, with a clean environment
// so that the user's WHOSEDATA_* variables cannot leak in.
func whosedata(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runWhosedata(t, stdin, nil, args...)
}

// runWhosedata runs the command with args and stdin in a clean environment
// plus extra (NAME=value entries), within two minutes.
func runWhosedata(t *testing.T, stdin string, extra []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cleanEnv(t), extra...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if x, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code = x.ExitCode()
	} else if err != nil {
		t.Fatalf("whosedata %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustRun runs the command and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := whosedata(t, "", args...)
	if r.code != 0 {
		t.Fatalf("whosedata %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// cleanEnv is a minimal environment with HOME in a temporary directory.
func cleanEnv(t *testing.T) []string {
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	return env
}

// serverProc is a running "whosedata serve".
type serverProc struct {
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:PORT
	done chan struct{}
	mu   sync.Mutex
	logs bytes.Buffer // stderr after the listening line
	err  error        // from Wait, once done is closed
}

var listeningLine = regexp.MustCompile(`^listening on (http://\S+)$`)

// startServer starts "whosedata serve" with args and waits for its
// listening line. The server is killed when the test ends, if still running.
func startServer(t *testing.T, env []string, args ...string) *serverProc {
	t.Helper()
	return startServerWith(t, bin, env, args...)
}

// startServerWith is startServer running the binary at path.
func startServerWith(t *testing.T, path string, env []string, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command(path, append([]string{"serve"}, args...)...)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serverProc{cmd: cmd, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				urlc <- m[1]
			}
			s.mu.Lock()
			s.logs.WriteString(line + "\n")
			s.mu.Unlock()
		}
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.url = <-urlc:
	case <-s.done:
		t.Fatalf("serve exited before listening: %v\n%s", s.err, s.log())
	case <-time.After(time.Minute):
		t.Fatalf("serve did not print its listening line in a minute:\n%s", s.log())
	}
	return s
}

func (s *serverProc) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// stop sends SIGTERM and returns the exit code.
func (s *serverProc) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit within 30s of SIGTERM:\n%s", s.log())
	}
	if x, ok := errors.AsType[*exec.ExitError](s.err); ok {
		return x.ExitCode()
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	return 0
}

var client = &http.Client{Timeout: 30 * time.Second}

// gqlResponse is a GraphQL response with its HTTP status.
type gqlResponse struct {
	status int
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends body to /graphql, with a bearer token when token is set.
func post(t *testing.T, url, token string, body []byte) *gqlResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &gqlResponse{status: resp.StatusCode}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("HTTP %d, body is not JSON: %v\n%s", resp.StatusCode, err, b)
	}
	return out
}

// graphql sends one query with variables.
func graphql(t *testing.T, url, token, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return post(t, url, token, body)
}

const lineageQuery = `query($e: String!) {
  lineage(entity: $e, direction: DOWNSTREAM) {
    entity { key name }
    status
    path { statements { claimedBy { key } date evidence { quote document { key } } } }
  }
}`

const upsertMutation = `mutation { upsertEntity(input: {key: "acme", kind: ORGANIZATION, name: "Acme"}) { key name } }`

// deepQuery nests entity relations until the query is depth levels deep or
// more.
func deepQuery(depth int) string {
	var open, close strings.Builder
	open.WriteString(`{ entity(ref: "twitter") { `)
	close.WriteString(`} }`)
	for d := 1; d < depth; d += 4 {
		open.WriteString("relations { edges { node { from { ")
		close.WriteString("} } } } ")
	}
	return open.String() + "key " + close.String()
}

func TestEndToEnd(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")

	r := mustRun(t, "load", "--data", data, seedFixture)
	if !strings.HasPrefix(r.stdout, "loaded 1 file: 5 entities created") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("load printed %q, want one summary line of 5 entities", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("load wrote to stderr (not a terminal, so no progress): %q", r.stderr)
	}

	srv := startServer(t, cleanEnv(t), "--data", data, "--empty", "--addr", "127.0.0.1:0", "--token", "secret", "--max-depth", "10")
	if !strings.HasPrefix(srv.url, "http://127.0.0.1:") || strings.HasSuffix(srv.url, ":0") {
		t.Fatalf("listening on %s, want the real port on 127.0.0.1", srv.url)
	}

	t.Run("lineage", func(t *testing.T) {
		resp := graphql(t, srv.url, "", lineageQuery, map[string]any{"e": "X Corp"})
		if resp.status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("HTTP %d, errors %v", resp.status, resp.Errors)
		}
		var data struct {
			Lineage []struct {
				Entity struct{ Key, Name string }
				Status string
				Path   []struct {
					Statements []struct {
						ClaimedBy struct{ Key string }
						Date      string
						Evidence  []struct {
							Quote    string
							Document struct{ Key string }
						}
					}
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		for _, h := range data.Lineage {
			if h.Entity.Key != "microsoft" {
				continue
			}
			if h.Entity.Name != "Microsoft" || h.Status != "ALLEGED" {
				t.Errorf("microsoft hit %+v, want Microsoft ALLEGED", h)
			}
			// The path runs twitter -OWNS-> twitter-posts <-TRAINED_ON- microsoft;
			// Musk's statement is on the last relation.
			if len(h.Path) != 2 || len(h.Path[1].Statements) != 1 {
				t.Fatalf("microsoft's path %+v, want OWNS then TRAINED_ON with one statement", h.Path)
			}
			st := h.Path[1].Statements[0]
			if st.ClaimedBy.Key != "elon-musk" || st.Date != "2023-04-19" || len(st.Evidence) != 1 ||
				st.Evidence[0].Document.Key != "doc-seed-article" || !strings.Contains(st.Evidence[0].Quote, "mined user tweets") {
				t.Errorf("microsoft's statement %+v, want Musk's of 2023-04-19 with the article's quote", st)
			}
			return
		}
		t.Fatalf("microsoft not downstream of twitter: %s", resp.Data)
	})

	t.Run("mutation needs the token", func(t *testing.T) {
		resp := graphql(t, srv.url, "", upsertMutation, nil)
		if resp.code() != "UNAUTHENTICATED" {
			t.Fatalf("mutation without token: HTTP %d, errors %v, want UNAUTHENTICATED", resp.status, resp.Errors)
		}
		resp = graphql(t, srv.url, "secret", upsertMutation, nil)
		if resp.status != http.StatusOK || len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"acme"`) {
			t.Fatalf("mutation with token: HTTP %d, errors %v, data %s", resp.status, resp.Errors, resp.Data)
		}
	})

	t.Run("body limit", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": "{ __typename }", "variables": map[string]any{"pad": strings.Repeat("x", 2<<20)}})
		if resp := post(t, srv.url, "", body); resp.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("2 MiB body: HTTP %d, want 413", resp.status)
		}
	})

	t.Run("page size limit", func(t *testing.T) {
		resp := graphql(t, srv.url, "", `{ entities(first: 100000000) { totalCount } }`, nil)
		if resp.code() != "LIMIT_EXCEEDED" {
			t.Fatalf("first: 100000000: HTTP %d, errors %v, want LIMIT_EXCEEDED", resp.status, resp.Errors)
		}
	})

	t.Run("depth limit", func(t *testing.T) {
		resp := graphql(t, srv.url, "", deepQuery(14), nil)
		if resp.code() != "LIMIT_EXCEEDED" {
			t.Fatalf("query deeper than --max-depth 10: HTTP %d, errors %v, want LIMIT_EXCEEDED", resp.status, resp.Errors)
		}
		resp = graphql(t, srv.url, "", deepQuery(9), nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("query within --max-depth 10: errors %v", resp.Errors)
		}
	})

	t.Run("healthz", func(t *testing.T) {
		resp, err := client.Get(srv.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/healthz: HTTP %d", resp.StatusCode)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		resp, err := client.Get(srv.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, series := range []string{"whosedata_http_requests_total", "whosedata_graphql_request_duration_seconds", "whosedata_graphql_errors_total", "whosedata_store_size_bytes "} {
			if !strings.Contains(string(body), series) {
				t.Errorf("/metrics lacks %s", series)
			}
		}
		if strings.Contains(string(body), "whosedata_store_size_bytes 0\n") {
			t.Error("store size is 0 for a store on disk")
		}
	})

	t.Run("store in use", func(t *testing.T) {
		r := whosedata(t, "", "stats", "--data", data)
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "whosedata: ") || !strings.Contains(r.stderr, "in use") {
			t.Fatalf("second process: exit %d, stderr %q; want exit 1 and one 'in use' line", r.code, r.stderr)
		}
	})

	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0:\n%s", code, srv.log())
	}
	if log := srv.log(); strings.Contains(log, "secret") {
		t.Errorf("the server logged its token:\n%s", log)
	}

	t.Run("verify", func(t *testing.T) {
		r := mustRun(t, "verify", "--data", data)
		if !strings.Contains(r.stdout, "checked 6 entities") || !strings.Contains(r.stdout, "ok") {
			t.Errorf("verify printed %q", r.stdout)
		}
	})

	export := mustRun(t, "export", "--data", data).stdout
	t.Run("export round-trips through load", func(t *testing.T) {
		file := filepath.Join(tmp, "export.json")
		mustRun(t, "export", "--data", data, "--format", "json", "--out", file)
		if b, err := os.ReadFile(file); err != nil || string(b) != export {
			t.Fatalf("export --out differs from export to stdout (%v)", err)
		}
		again := filepath.Join(tmp, "again")
		mustRun(t, "load", "--data", again, file)
		if got := mustRun(t, "export", "--data", again).stdout; got != export {
			t.Fatalf("export of the reloaded export differs:\n%s", lineDiff(export, got))
		}
		// Loading is idempotent: the same file again changes nothing.
		r := mustRun(t, "load", "--data", again, file)
		if !strings.Contains(r.stdout, " 0 entities created, 0 updated, 0 relations created, 0 updated, 0 statements added") {
			t.Errorf("second load of the same file printed %q, want nothing changed", r.stdout)
		}
	})

	t.Run("query", func(t *testing.T) {
		r := whosedata(t, "", "query", "--data", data, "--vars", `{"e": "X Corp"}`, `query($e: String!) { entity(ref: $e) { key name } }`)
		if r.code != 0 || !strings.Contains(r.stdout, `"key": "twitter"`) {
			t.Errorf("query with --vars: exit %d, stdout %s, stderr %s", r.code, r.stdout, r.stderr)
		}
		r = whosedata(t, `query A { a: entity(ref: "musk") { key } } query B { b: entity(ref: "acme") { key } }`,
			"query", "--data", data, "--operation", "B", "-")
		if r.code != 0 || !strings.Contains(r.stdout, `"key": "acme"`) || strings.Contains(r.stdout, "elon-musk") {
			t.Errorf("query --operation B from stdin: exit %d, stdout %s, stderr %s", r.code, r.stdout, r.stderr)
		}
		r = whosedata(t, "", "query", "--data", data, `{ entity(ref: 3) { key } }`)
		if r.code != 1 || !strings.Contains(r.stdout, `"errors"`) {
			t.Errorf("invalid query: exit %d, stdout %s; want exit 1 and the errors", r.code, r.stdout)
		}
	})

	t.Run("bad input loads nothing", func(t *testing.T) {
		bad := filepath.Join(tmp, "bad.yaml")
		const badFile = `format: whosedata/v1
entities:
  - key: good-org
    kind: ORGANIZATION
    name: Good Org
statements:
  - type: TRAINED_ON
    from: good-org
    to: nobody-at-all
    status: ALLEGED
`
		if err := os.WriteFile(bad, []byte(badFile), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(tmp, "bad")
		r := whosedata(t, "", "load", "--data", dir, bad)
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("load of a bad file: exit %d, stderr %q; want exit 1 and one line", r.code, r.stderr)
		}
		m := regexp.MustCompile(`^whosedata: \S*bad\.yaml:(\d+): `).FindStringSubmatch(r.stderr)
		if m == nil || (m[1] != "7" && m[1] != "9") {
			t.Errorf("stderr %q, want bad.yaml:9 (the field) or :7 (the statement)", r.stderr)
		}
		if !strings.Contains(r.stderr, "nobody-at-all") {
			t.Errorf("stderr %q does not name the missing entity", r.stderr)
		}
		if out := mustRun(t, "stats", "--data", dir).stdout; !strings.Contains(out, `"entities": 0,`) {
			t.Errorf("the bad file loaded something: %s", out)
		}
	})

	t.Run("backup and restore", func(t *testing.T) {
		file := filepath.Join(tmp, "store.backup")
		mustRun(t, "backup", "--data", data, file)
		fresh := filepath.Join(tmp, "restored")
		r := mustRun(t, "restore", "--data", fresh, file)
		if !strings.Contains(r.stdout, "restored 6 entities") {
			t.Errorf("restore printed %q", r.stdout)
		}
		if got := mustRun(t, "export", "--data", fresh).stdout; got != export {
			t.Fatalf("export of the restored store differs:\n%s", lineDiff(export, got))
		}
		mustRun(t, "verify", "--data", fresh)
		r = whosedata(t, "", "restore", "--data", fresh, file)
		if r.code != 1 || !strings.Contains(r.stderr, "empty store") {
			t.Errorf("restore into a full store: exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// TestServeFillsEmptyStore checks that serve loads the bundled data into an
// empty store, and that the environment supplies --data and the token.
func TestServeFillsEmptyStore(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env := append(cleanEnv(t), "WHOSEDATA_DATA="+data, "WHOSEDATA_TOKEN=from-env")
	srv := startServer(t, env, "--addr", "127.0.0.1:0")
	resp := graphql(t, srv.url, "", `{ entity(ref: "microsoft") { name } }`, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "Microsoft") {
		t.Fatalf("bundled data missing: %s %v", resp.Data, resp.Errors)
	}
	if resp := graphql(t, srv.url, "", upsertMutation, nil); resp.code() != "UNAUTHENTICATED" {
		t.Errorf("WHOSEDATA_TOKEN did not protect mutations: %v", resp.Errors)
	}
	if resp := graphql(t, srv.url, "from-env", upsertMutation, nil); len(resp.Errors) > 0 {
		t.Errorf("mutation with WHOSEDATA_TOKEN: %v", resp.Errors)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM:\n%s", code, srv.log())
	}
	if !strings.Contains(srv.log(), "loaded the bundled data") {
		t.Errorf("serve did not log the bundled load:\n%s", srv.log())
	}
	if strings.Contains(srv.log(), "from-env") {
		t.Errorf("the server logged its token:\n%s", srv.log())
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, a, b)
		}
	}
	return "(no line differs)"
}
