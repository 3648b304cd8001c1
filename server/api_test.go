package server_test

// Tests of the server with the real whosedata schema over an in-memory
// store: what the server promises (access, limits, error codes) checked end
// to end through Server.Handler. The server package itself knows no domain;
// only these tests import schema and graph.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
	"github.com/whosedata/whosedata/server"
)

// api is a Server over the real schema and a small store.
type api struct {
	store   *graph.Store
	handler http.Handler
	logs    *lockedBuffer
}

// lockedBuffer collects the log lines of concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// smallBatch is a few entities of the seed story and two relations.
func smallBatch() *graph.Batch {
	return &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "elon-musk", Kind: graph.Person, Name: "Elon Musk", Aliases: []string{"Musk"}},
			{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft"},
			{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}},
			{Key: "twitter-posts", Kind: graph.Dataset, Name: "Twitter posts"},
			{Key: "x-ai", Kind: graph.Organization, Name: "xAI"},
		},
		Statements: []graph.StatementInput{
			{Type: graph.Owns, From: "twitter", To: "twitter-posts", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged,
				ClaimedBy: "elon-musk", Date: graph.MustParseDate("2023-04-19")},
		},
	}
}

// newAPI serves the real schema over a fresh in-memory store holding
// smallBatch, with cfg's limits and access settings, as a handler reachable
// from this machine only (Config.Loopback). Logs of the schema and the
// server, at every level, go to api.logs.
func newAPI(t testing.TB, cfg server.Config) *api {
	t.Helper()
	st, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Import(context.Background(), smallBatch()); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sch, err := schema.New(st, schema.Options{
		CanWrite:  server.WriteAllowed,
		Logger:    log,
		RequestID: server.RequestID,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schema, cfg.Logger, cfg.Loopback = sch, log, true
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &api{store: st, handler: srv.Handler(), logs: logs}
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	raw    string
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (a *answer) codes() []string {
	var out []string
	for _, e := range a.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// do sends one request through the handler and decodes a JSON answer;
// headers come in pairs. The Host is 127.0.0.1 unless a "Host" pair says
// otherwise.
func (a *api) do(t testing.TB, method, target, contentType string, body io.Reader, headers ...string) *answer {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.Host = "127.0.0.1"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	ans := &answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), ans); err != nil {
			t.Fatalf("answer is not JSON: %v\n%.500s", err, rec.Body.String())
		}
	}
	return ans
}

// gql posts one GraphQL request as JSON.
func (a *api) gql(t testing.TB, query string, vars map[string]any, headers ...string) *answer {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return a.do(t, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body), headers...)
}

// wantCode checks an answer holding exactly one error, with code and status.
func wantCode(t testing.TB, ans *answer, status int, code string) {
	t.Helper()
	if ans.status != status {
		t.Errorf("status %d, want %d; body %.300s", ans.status, status, ans.raw)
	}
	if got := ans.codes(); len(got) != 1 || got[0] != code {
		t.Errorf("codes %v, want [%s]; body %.300s", got, code, ans.raw)
	}
}

// wantOK checks an answer without errors.
func wantOK(t testing.TB, ans *answer) {
	t.Helper()
	if ans.status != http.StatusOK || len(ans.Errors) != 0 {
		t.Fatalf("status %d, body %.300s", ans.status, ans.raw)
	}
}

func TestInternalErrorThroughServer(t *testing.T) {
	a := newAPI(t, server.Config{})
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}
	ans := a.gql(t, `{ entity(ref: "microsoft") { key } }`, nil)
	wantCode(t, ans, http.StatusOK, "INTERNAL")
	id := ans.header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id")
	}
	e := ans.Errors[0]
	if e.Extensions["requestId"] != id || !strings.Contains(e.Message, id) {
		t.Errorf("error %+v does not carry the request id %s", e, id)
	}
	if strings.Contains(ans.raw, "closed") {
		t.Errorf("the internal error text reached the client: %s", ans.raw)
	}
	// The text is logged, with the id.
	var found bool
	for line := range strings.SplitSeq(a.logs.String(), "\n") {
		if strings.Contains(line, graph.ErrClosed.Error()) && strings.Contains(line, id) {
			found = true
		}
	}
	if !found {
		t.Errorf("no log line holds the error text and the request id:\n%s", a.logs)
	}
}

func TestTokenNeverLogged(t *testing.T) {
	const token = "tok-3f9a1c2e7b6d5a4c"
	a := newAPI(t, server.Config{Token: token})
	const mutation = `mutation { addAlias(entity: "x-ai", alias: "X.AI") { aliases } }`
	wantOK(t, a.gql(t, mutation, nil, "Authorization", "Bearer "+token))
	wantCode(t, a.gql(t, mutation, nil), http.StatusOK, "UNAUTHENTICATED")
	wrong := a.gql(t, mutation, nil, "Authorization", "Bearer "+token+"x")
	wantCode(t, wrong, http.StatusUnauthorized, "UNAUTHENTICATED")
	// A token of the right length but wrong content, and a prefix of it.
	wantCode(t, a.gql(t, mutation, nil, "Authorization", "Bearer "+strings.ToUpper(token)), http.StatusUnauthorized, "UNAUTHENTICATED")
	wantCode(t, a.gql(t, mutation, nil, "Authorization", "Bearer "+token[:5]), http.StatusUnauthorized, "UNAUTHENTICATED")
	// Basic auth is not a bearer token.
	wantCode(t, a.gql(t, mutation, nil, "Authorization", "Basic "+token), http.StatusUnauthorized, "UNAUTHENTICATED")
	// A token in the URL is not a credential, and the URL's query string
	// is not logged.
	wantCode(t, a.do(t, http.MethodPost, "/graphql?token="+token, "application/json",
		strings.NewReader(`{"query":"mutation { addAlias(entity: \"x-ai\", alias: \"Grok maker\") { key } }"}`)),
		http.StatusOK, "UNAUTHENTICATED")
	// A panic or internal error does not log headers either.
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}
	wantCode(t, a.gql(t, mutation, nil, "Authorization", "Bearer "+token), http.StatusOK, "INTERNAL")

	logs := a.logs.String()
	if logs == "" {
		t.Fatal("nothing was logged")
	}
	if strings.Contains(logs, token[:12]) {
		t.Errorf("the token appears in the logs:\n%s", logs)
	}
	if strings.Contains(strings.ToLower(logs), "authorization") {
		t.Errorf("the Authorization header appears in the logs:\n%s", logs)
	}
}

func TestCORSWithSchema(t *testing.T) {
	const q = `{"query":"{ stats { entities } }"}`
	off := newAPI(t, server.Config{})
	ans := off.do(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(q), "Origin", "https://evil.example")
	wantOK(t, ans)
	for k := range ans.header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("CORS is off by default, but the answer has %s", k)
		}
	}
	pre := off.do(t, http.MethodOptions, "/graphql", "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if pre.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("a preflight is allowed with CORS off")
	}

	on := newAPI(t, server.Config{AllowedOrigins: []string{"https://whosedata.example"}})
	ans = on.do(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(q), "Origin", "https://whosedata.example")
	wantOK(t, ans)
	if got := ans.header.Get("Access-Control-Allow-Origin"); got != "https://whosedata.example" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin %q", got)
	}
	ans = on.do(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(q), "Origin", "https://evil.example")
	if got := ans.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin: Access-Control-Allow-Origin %q", got)
	}
	pre = on.do(t, http.MethodOptions, "/graphql", "", nil, "Origin", "https://whosedata.example", "Access-Control-Request-Method", "POST")
	if pre.status != http.StatusNoContent || !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from an allowed origin: %d %v", pre.status, pre.header)
	}
}

func TestWrapContext(t *testing.T) {
	// The command can give each request a budget of its own: two entities
	// and one for scanning the store's five.
	a := newAPI(t, server.Config{WrapContext: func(ctx context.Context) context.Context { return schema.WithCost(ctx, 3) }})
	wantOK(t, a.gql(t, `{ entities(first: 2) { edges { node { key } } } }`, nil))
	wantCode(t, a.gql(t, `{ entities(first: 3) { edges { node { key } } } }`, nil), http.StatusOK, "LIMIT_EXCEEDED")
}
