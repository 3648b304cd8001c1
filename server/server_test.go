package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
)

// testSDL is a small schema of the server's own: the server knows no domain.
const testSDL = `
schema { query: Query mutation: Mutation }
type Query {
  hello: String!
  echo(s: String!): String!
  sleep: String!
  requestId: String!
  canWrite: Boolean!
  nested: Level!
  secret: String
  coded: String
  boom: String
}
type Level { child: Level  name: String! }
type Mutation { write: String! }
`

// codedError is a resolver error with an extensions.code, as the schema
// package returns them.
type codedError struct{ code, msg string }

func (e codedError) Error() string              { return e.msg }
func (e codedError) Extensions() map[string]any { return map[string]any{"code": e.code} }

// testResolver resolves testSDL.
type testResolver struct {
	writeAllowed func(context.Context) bool // injected, as the command does
}

func (r *testResolver) Hello() string                       { return "world" }
func (r *testResolver) Echo(args struct{ S string }) string { return args.S }
func (r *testResolver) Nested() *testLevel                  { return &testLevel{} }

func (r *testResolver) Sleep(ctx context.Context) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

func (r *testResolver) RequestID(ctx context.Context) string { return RequestID(ctx) }
func (r *testResolver) CanWrite(ctx context.Context) bool    { return r.writeAllowed(ctx) }

func (r *testResolver) Secret() (*string, error) {
	return nil, errors.New("dial tcp 10.0.0.7:5432: password hunter2 rejected")
}

func (r *testResolver) Coded() (*string, error) {
	return nil, codedError{CodeNotFound, "no such thing"}
}

func (r *testResolver) Boom() *string { panic("resolver exploded") }

func (r *testResolver) Write(ctx context.Context) (string, error) {
	if !r.writeAllowed(ctx) {
		return "", codedError{CodeUnauthenticated, "writes need a bearer token"}
	}
	return "written", nil
}

type testLevel struct{}

func (*testLevel) Child() *testLevel { return &testLevel{} }
func (*testLevel) Name() string      { return "level" }

// quietLogger keeps graphql-go's own panic log out of test output.
type quietLogger struct{}

func (quietLogger) LogPanic(context.Context, any) {}

func testSchema(t *testing.T) *graphql.Schema {
	t.Helper()
	return graphql.MustParseSchema(testSDL, &testResolver{writeAllowed: WriteAllowed},
		graphql.MaxDepth(3), graphql.Logger(quietLogger{}))
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a Server serving on a loopback port for one test.
type testServer struct {
	*Server
	url  string
	logs *syncBuffer
}

// startServer serves cfg (with the test schema unless cfg has one) on
// 127.0.0.1 and shuts it down, checking that Serve returns nil, when the test
// ends.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Schema == nil {
		cfg.Schema = testSchema(t)
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve returned %v after shutdown, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Serve did not return after its context was cancelled")
		}
	})
	return &testServer{Server: s, url: "http://" + ln.Addr().String(), logs: logs}
}

// result is a decoded response.
type result struct {
	status int
	header http.Header
	raw    string
	body   struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Path       []any          `json:"path"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
}

// codes returns the extensions.code of every error.
func (r *result) codes() []string {
	var out []string
	for _, e := range r.body.Errors {
		code, _ := e.Extensions["code"].(string)
		out = append(out, code)
	}
	return out
}

// send makes a request and decodes a JSON answer; headers come in pairs.
func send(t *testing.T, method, target, contentType string, body io.Reader, headers ...string) *result {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &result{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/graphql-response+json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, raw)
		}
	}
	return r
}

// postJSON posts one GraphQL request as JSON.
func postJSON(t *testing.T, ts *testServer, req map[string]any, headers ...string) *result {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, http.MethodPost, ts.url+"/graphql", "application/json", bytes.NewReader(body), headers...)
}

// wantError checks a response that holds exactly one error with code.
func wantError(t *testing.T, r *result, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if got := r.codes(); len(got) != 1 || got[0] != code {
		t.Errorf("error codes %v, want [%s]; body %s", got, code, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

func TestGET(t *testing.T) {
	ts := startServer(t, Config{})
	q := url.Values{
		"query":         {`query Echo($s: String!) { echo(s: $s) } query Hi { hello }`},
		"operationName": {"Echo"},
		"variables":     {`{"s": "from GET"}`},
	}
	r := send(t, http.MethodGet, ts.url+"/graphql?"+q.Encode(), "", nil)
	if r.status != http.StatusOK || r.body.Data["echo"] != "from GET" || len(r.body.Errors) != 0 {
		t.Fatalf("GET: status %d, body %s", r.status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

func TestPOSTJSON(t *testing.T) {
	ts := startServer(t, Config{})
	r := postJSON(t, ts, map[string]any{
		"query":         `query A { hello } query B($s: String!) { echo(s: $s) }`,
		"operationName": "B",
		"variables":     map[string]any{"s": "from POST"},
	})
	if r.status != http.StatusOK || r.body.Data["echo"] != "from POST" || len(r.body.Errors) != 0 {
		t.Fatalf("POST json: status %d, body %s", r.status, r.raw)
	}
}

func TestPOSTGraphQL(t *testing.T) {
	ts := startServer(t, Config{})
	r := send(t, http.MethodPost, ts.url+"/graphql", "application/graphql; charset=utf-8",
		strings.NewReader(`{ hello }`))
	if r.status != http.StatusOK || r.body.Data["hello"] != "world" {
		t.Fatalf("POST graphql: status %d, body %s", r.status, r.raw)
	}
}

func TestGETRefusesMutations(t *testing.T) {
	ts := startServer(t, Config{})
	for _, doc := range []string{
		`mutation { write }`,
		`# a comment
		 mutation W { write }`,
	} {
		r := send(t, http.MethodGet, ts.url+"/graphql?query="+url.QueryEscape(doc), "", nil)
		wantError(t, r, http.StatusMethodNotAllowed, CodeBadInput)
		if r.body.Data != nil {
			t.Errorf("GET %q ran: %s", doc, r.raw)
		}
	}
	// Whatever the lexer makes of a document, GET requests never get write
	// access, while POST requests to the same loopback server do.
	r := send(t, http.MethodGet, ts.url+"/graphql?query="+url.QueryEscape(`{ canWrite }`), "", nil)
	if r.body.Data["canWrite"] != false {
		t.Errorf("GET: WriteAllowed = %v, want false: %s", r.body.Data["canWrite"], r.raw)
	}
	r = postJSON(t, ts, map[string]any{"query": `{ canWrite }`})
	if r.body.Data["canWrite"] != true {
		t.Errorf("POST: WriteAllowed = %v, want true: %s", r.body.Data["canWrite"], r.raw)
	}
}

func TestBadRequests(t *testing.T) {
	ts := startServer(t, Config{})
	tests := []struct {
		name, method, target, contentType, body string
		status                                  int
	}{
		{"bad JSON", "POST", "/graphql", "application/json", `{"query": `, 400},
		{"wrong JSON type", "POST", "/graphql", "application/json", `{"query": 5}`, 400},
		{"trailing data", "POST", "/graphql", "application/json", `{"query": "{hello}"} {}`, 400},
		{"batch", "POST", "/graphql", "application/json", `[{"query": "{hello}"}]`, 400},
		{"missing query", "POST", "/graphql", "application/json", `{}`, 400},
		{"GET without query", "GET", "/graphql", "", "", 400},
		{"GET bad variables", "GET", "/graphql?query=%7Bhello%7D&variables=nope", "", "", 400},
		{"form post", "POST", "/graphql", "application/x-www-form-urlencoded", "query=%7Bhello%7D", 415},
		{"text post", "POST", "/graphql", "text/plain", `{"query":"{hello}"}`, 415},
		{"PUT", "PUT", "/graphql", "application/json", `{"query":"{hello}"}`, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, tt.method, ts.url+tt.target, tt.contentType, strings.NewReader(tt.body))
			wantError(t, r, tt.status, CodeBadInput)
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	ts := startServer(t, Config{})
	big := `{"query": "{ hello }", "variables": {"pad": "` + strings.Repeat("x", 2<<20) + `"}}`
	r := send(t, http.MethodPost, ts.url+"/graphql", "application/json", strings.NewReader(big))
	wantError(t, r, http.StatusRequestEntityTooLarge, CodeLimitExceeded)

	// Without a Content-Length the limit is found while reading.
	r = send(t, http.MethodPost, ts.url+"/graphql", "application/json",
		io.MultiReader(strings.NewReader(big))) // not a known length: chunked
	wantError(t, r, http.StatusRequestEntityTooLarge, CodeLimitExceeded)
}

func TestTimeout(t *testing.T) {
	ts := startServer(t, Config{RequestTimeout: 100 * time.Millisecond})
	start := time.Now()
	r := postJSON(t, ts, map[string]any{"query": `{ sleep }`})
	wantError(t, r, http.StatusOK, CodeLimitExceeded)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("request took %s with a 100ms limit", elapsed)
	}
}

func TestDepthLimit(t *testing.T) {
	ts := startServer(t, Config{})
	r := postJSON(t, ts, map[string]any{"query": `{ nested { child { name } } }`})
	if r.status != 200 || len(r.body.Errors) != 0 {
		t.Fatalf("depth 3 refused: %s", r.raw)
	}
	r = postJSON(t, ts, map[string]any{"query": `{ nested { child { child { name } } } }`})
	wantError(t, r, http.StatusOK, CodeLimitExceeded)
}

func TestErrorCodes(t *testing.T) {
	ts := startServer(t, Config{})
	tests := []struct {
		name, query, code string
	}{
		{"syntax", `{ hello `, CodeBadInput},
		{"unknown field", `{ nope }`, CodeBadInput},
		{"unknown operation", `query A { hello }`, CodeBadInput}, // operationName below
		{"resolver code kept", `{ coded }`, CodeNotFound},
		{"resolver error", `{ secret }`, CodeInternal},
		{"resolver panic", `{ boom }`, CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := map[string]any{"query": tt.query}
			if tt.name == "unknown operation" {
				req["operationName"] = "B"
			}
			r := postJSON(t, ts, req)
			wantError(t, r, http.StatusOK, tt.code)
		})
	}

	// Internal text is logged with the request id, never returned.
	r := postJSON(t, ts, map[string]any{"query": `{ secret }`})
	if strings.Contains(r.raw, "hunter2") || r.body.Errors[0].Message != internalMessage {
		t.Errorf("internal error text returned: %s", r.raw)
	}
	logs := ts.logs.String()
	id := r.header.Get("X-Request-Id")
	if !strings.Contains(logs, "hunter2") || !strings.Contains(logs, id) {
		t.Errorf("internal error not logged with request id %s:\n%s", id, logs)
	}
	r = postJSON(t, ts, map[string]any{"query": `{ boom }`})
	if strings.Contains(r.raw, "exploded") {
		t.Errorf("panic text returned: %s", r.raw)
	}
}

func TestToken(t *testing.T) {
	const token = "s3cret-token-value"
	ts := startServer(t, Config{Token: token})
	mutation := map[string]any{"query": `mutation { write }`}

	// Missing: queries work, mutations are refused by the resolver.
	r := postJSON(t, ts, map[string]any{"query": `{ hello }`})
	if r.status != 200 || r.body.Data["hello"] != "world" {
		t.Fatalf("query without token: %s", r.raw)
	}
	r = postJSON(t, ts, mutation)
	wantError(t, r, http.StatusOK, CodeUnauthenticated)

	// Right token: the mutation runs.
	r = postJSON(t, ts, mutation, "Authorization", "Bearer "+token)
	if r.status != 200 || r.body.Data["write"] != "written" || len(r.body.Errors) != 0 {
		t.Fatalf("mutation with token: %s", r.raw)
	}

	// Wrong token, or another scheme: 401 on any request.
	for _, auth := range []string{"Bearer nope", "Bearer " + token + "x", "Basic " + token, "Bearer"} {
		r = postJSON(t, ts, map[string]any{"query": `{ hello }`}, "Authorization", auth)
		wantError(t, r, http.StatusUnauthorized, CodeUnauthenticated)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	}

	// The token never reaches the log.
	logs := ts.logs.String()
	if logs == "" {
		t.Fatal("no access log written")
	}
	if strings.Contains(logs, token) || strings.Contains(strings.ToLower(logs), "authorization") {
		t.Errorf("log holds the token or the Authorization header:\n%s", logs)
	}
}

// fakeAddr is a listener address for tests that must not bind beyond loopback.
type fakeAddr struct{ network, addr string }

func (a fakeAddr) Network() string { return a.network }
func (a fakeAddr) String() string  { return a.addr }

func TestAddrIsLoopback(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv4(127, 1, 2, 3), Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 10), Port: 8080}, false},
		{fakeAddr{"tcp", "localhost:8080"}, true},
		{fakeAddr{"tcp", "[::1]:8080"}, true},
		{fakeAddr{"tcp", "10.0.0.5:8080"}, false},
		{fakeAddr{"tcp", ":8080"}, false},
		{fakeAddr{"unix", "/tmp/whosedata.sock"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := addrIsLoopback(tt.addr); got != tt.want {
			t.Errorf("addrIsLoopback(%v) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	for _, hp := range []string{"127.0.0.1:8080", "localhost:1", "[::1]:0"} {
		if !hostIsLoopback(hp) {
			t.Errorf("hostIsLoopback(%q) = false", hp)
		}
	}
	for _, hp := range []string{"0.0.0.0:8080", ":8080", "example.org:80", "nonsense"} {
		if hostIsLoopback(hp) {
			t.Errorf("hostIsLoopback(%q) = true", hp)
		}
	}
}

// TestWriteAccess drives the handler directly, as Serve builds it for a
// listener, so that non-loopback listeners can be tested without binding one.
func TestWriteAccess(t *testing.T) {
	const token = "tok"
	loop, public := fakeAddr{"tcp", "127.0.0.1:8080"}, fakeAddr{"tcp", "10.0.0.5:8080"}
	tests := []struct {
		name     string
		token    string // configured
		listener net.Addr
		auth     string // Authorization header sent
		host     string // Host sent; default 127.0.0.1:8080
		origin   string // Origin sent
		cfg      Config // AllowedHosts and AllowedOrigins
		status   int    // default 200
		want     bool   // the mutation runs
	}{
		{name: "loopback, no token configured", listener: loop, want: true},
		{name: "public, no token configured", listener: public},
		{name: "public, unrelated header ignored", listener: fakeAddr{"tcp", "0.0.0.0:8080"}, auth: "Bearer guess"},
		{name: "loopback, token missing", token: token, listener: loop},
		{name: "loopback, token sent", token: token, listener: loop, auth: "Bearer " + token, want: true},
		{name: "public, token sent", token: token, listener: public, auth: "Bearer " + token, want: true},
		{name: "public, token missing", token: token, listener: public},

		// DNS rebinding: the Host names the attacker's site.
		{name: "rebinding, no token", listener: loop, host: "attacker.example", origin: "http://attacker.example", status: http.StatusForbidden},
		{name: "rebinding with a port", listener: loop, host: "attacker.example:8080", status: http.StatusForbidden},
		{name: "localhost", listener: loop, host: "localhost:8080", want: true},
		{name: "127.0.0.0/8", listener: loop, host: "127.3.4.5", want: true},
		{name: "[::1]", listener: loop, host: "[::1]:8080", want: true},
		{name: "allowed host", listener: loop, host: "Whosedata.LAN:8080", cfg: Config{AllowedHosts: []string{"whosedata.lan"}}, want: true},
		{name: "other host with allowed hosts", listener: loop, host: "other.lan", cfg: Config{AllowedHosts: []string{"whosedata.lan"}}, status: http.StatusForbidden},
		{name: "any host with a token", token: token, listener: loop, auth: "Bearer " + token, host: "proxy.example", want: true},

		// Cross-site requests from a browser on this machine.
		{name: "same origin", listener: loop, origin: "http://127.0.0.1:8080", want: true},
		{name: "cross origin", listener: loop, origin: "http://attacker.example"},
		{name: "other local port", listener: loop, origin: "http://127.0.0.1:3000"},
		{name: "null origin", listener: loop, origin: "null"},
		{name: "allowed origin", listener: loop, origin: "https://app.example", cfg: Config{AllowedOrigins: []string{"https://app.example"}}, want: true},
		{name: "any origin is not trusted to write", listener: loop, origin: "https://app.example", cfg: Config{AllowedOrigins: []string{"*"}}},
		{name: "cross origin with the token", token: token, listener: loop, auth: "Bearer " + token, origin: "http://attacker.example", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Schema, cfg.Token, cfg.Logger = testSchema(t), tt.token, slog.New(slog.DiscardHandler)
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			h := s.routes(addrIsLoopback(tt.listener))
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"mutation { write }"}`))
			req.Host = "127.0.0.1:8080"
			if tt.host != "" {
				req.Host = tt.host
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			ran := strings.Contains(rec.Body.String(), `"write":"written"`)
			if ran != tt.want || rec.Code != status {
				t.Errorf("status %d, mutation ran %v; want %d, %v: %s", rec.Code, ran, status, tt.want, rec.Body)
			}
			if want := CodeUnauthenticated; status == http.StatusForbidden {
				if !strings.Contains(rec.Body.String(), "is not a name of this server") {
					t.Errorf("refused without naming the Host: %s", rec.Body)
				}
			} else if !ran && !strings.Contains(rec.Body.String(), want) {
				t.Errorf("refused without UNAUTHENTICATED: %s", rec.Body)
			}
		})
	}
}

// TestHandlerFailsClosed: Handler gives open writes only when the caller
// states that it is reachable from this machine alone, whatever Config.Addr
// says; Serve decides from its listener (TestWriteAccess).
func TestHandlerFailsClosed(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want bool
	}{
		{Config{}, false},
		{Config{Addr: "127.0.0.1:8080"}, false},
		{Config{Addr: "0.0.0.0:8080", Loopback: true}, true},
		{Config{Loopback: true, Token: "tok"}, false},
	} {
		c.cfg.Schema, c.cfg.Logger = testSchema(t), slog.New(slog.DiscardHandler)
		s, err := New(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"mutation { write }"}`))
		req.Host = "localhost"
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if ran := strings.Contains(rec.Body.String(), `"write":"written"`); ran != c.want {
			t.Errorf("Addr %q, Loopback %v, token %q: mutation ran %v, want %v: %s", c.cfg.Addr, c.cfg.Loopback, c.cfg.Token, ran, c.want, rec.Body)
		}
	}
}

func TestRequestID(t *testing.T) {
	ts := startServer(t, Config{})
	r1 := postJSON(t, ts, map[string]any{"query": `{ requestId }`})
	r2 := postJSON(t, ts, map[string]any{"query": `{ requestId }`})
	id1, id2 := r1.header.Get("X-Request-Id"), r2.header.Get("X-Request-Id")
	if id1 == "" || id1 == id2 {
		t.Fatalf("request ids %q and %q, want distinct and non-empty", id1, id2)
	}
	if r1.body.Data["requestId"] != id1 {
		t.Errorf("RequestID(ctx) = %v, header %q", r1.body.Data["requestId"], id1)
	}
	// A proxy's id is kept; an unsafe one is replaced.
	r := postJSON(t, ts, map[string]any{"query": `{ requestId }`}, "X-Request-Id", "edge-42.a")
	if got := r.header.Get("X-Request-Id"); got != "edge-42.a" {
		t.Errorf("incoming id not kept: %q", got)
	}
	r = postJSON(t, ts, map[string]any{"query": `{ requestId }`}, "X-Request-Id", "bad id\"injected")
	if got := r.header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Errorf("unsafe incoming id kept: %q", got)
	}
	// Every response has one, errors and other routes included.
	for _, path := range []string{"/healthz", "/", "/nowhere", "/graphql"} {
		r := send(t, http.MethodGet, ts.url+path, "", nil)
		if r.header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s (status %d) has no X-Request-Id", path, r.status)
		}
	}
	if logs := ts.logs.String(); !strings.Contains(logs, id1) {
		t.Errorf("access log lacks request id %s:\n%s", id1, logs)
	}
}

func TestHealthz(t *testing.T) {
	ts := startServer(t, Config{})
	r := send(t, http.MethodGet, ts.url+"/healthz", "", nil)
	if r.status != http.StatusOK || r.raw != "ok" {
		t.Fatalf("healthz: %d %q", r.status, r.raw)
	}
}

func TestPanicRecovery(t *testing.T) {
	// A schema without resolvers makes graphql-go panic outside any
	// resolver, which is a panic in the handler itself.
	bare := graphql.MustParseSchema(testSDL, nil)
	ts := startServer(t, Config{Schema: bare})
	r := postJSON(t, ts, map[string]any{"query": `{ hello }`})
	wantError(t, r, http.StatusInternalServerError, CodeInternal)
	id := r.header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id on 500")
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "panic in handler") || !strings.Contains(logs, id) {
		t.Errorf("panic not logged with request id %s:\n%s", id, logs)
	}
	// The process and the server survive.
	if r := send(t, http.MethodGet, ts.url+"/healthz", "", nil); r.status != http.StatusOK {
		t.Fatalf("healthz after panic: %d", r.status)
	}
}

func TestCORS(t *testing.T) {
	const origin = "https://allowed.example"
	preflight := func(t *testing.T, ts *testServer, from string) *result {
		return send(t, http.MethodOptions, ts.url+"/graphql", "", nil,
			"Origin", from, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type")
	}

	t.Run("off by default", func(t *testing.T) {
		ts := startServer(t, Config{})
		for _, r := range []*result{
			preflight(t, ts, origin),
			postJSON(t, ts, map[string]any{"query": `{ hello }`}, "Origin", origin),
		} {
			for name := range r.header {
				if strings.HasPrefix(name, "Access-Control-") {
					t.Errorf("CORS header %s sent with CORS off", name)
				}
			}
		}
	})

	t.Run("listed origin", func(t *testing.T) {
		ts := startServer(t, Config{AllowedOrigins: []string{origin}})
		r := preflight(t, ts, origin)
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != origin ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("preflight: %d %v", r.status, r.header)
		}
		r = postJSON(t, ts, map[string]any{"query": `{ hello }`}, "Origin", origin)
		if r.header.Get("Access-Control-Allow-Origin") != origin || r.body.Data["hello"] != "world" {
			t.Errorf("POST from listed origin: %v %s", r.header, r.raw)
		}
		r = preflight(t, ts, "https://evil.example")
		if r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("unlisted origin allowed: %v", r.header)
		}
	})
}

func TestNewValidates(t *testing.T) {
	schema := testSchema(t)
	tests := []struct {
		cfg   Config
		field string
	}{
		{Config{}, "Schema"},
		{Config{Schema: schema, Addr: "no-port"}, "Addr"},
		{Config{Schema: schema, MaxBodyBytes: -1}, "MaxBodyBytes"},
		{Config{Schema: schema, RequestTimeout: -time.Second}, "RequestTimeout"},
		{Config{Schema: schema, Token: "has space"}, "Token"},
		{Config{Schema: schema, AllowedOrigins: []string{"https://ok.example", "https://x.example/path"}}, "AllowedOrigins[1]"},
		{Config{Schema: schema, AllowedOrigins: []string{"ok.example"}}, "AllowedOrigins[0]"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), "Config."+tt.field) {
			t.Errorf("New(%+v) = %v, want an error naming Config.%s", tt.cfg, err, tt.field)
		}
	}
	s, err := New(Config{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.Addr != DefaultAddr || s.cfg.MaxBodyBytes != DefaultMaxBodyBytes || s.cfg.RequestTimeout != DefaultRequestTimeout {
		t.Errorf("defaults not applied: %+v", s.cfg)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	s, err := New(Config{Schema: testSchema(t), Logger: slog.New(slog.DiscardHandler), RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	// A request in flight when shutdown starts still gets its answer.
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+ln.Addr().String()+"/graphql",
			"application/json", strings.NewReader(`{"query":"{ sleep }"}`))
		if err != nil {
			answers <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		answers <- answer{resp.StatusCode, string(body), err}
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	a := <-answers
	if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, CodeLimitExceeded) {
		t.Errorf("request in flight: %d %s %v", a.status, a.body, a.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
