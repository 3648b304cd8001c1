package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDocumentLimits: a document too long, with too many fields or too many
// aliases is refused before graphql-go parses it.
func TestDocumentLimits(t *testing.T) {
	ts := startServer(t, Config{MaxQueryBytes: 200, MaxFields: 10, MaxAliases: 3})
	fields := func(n int, alias bool) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if alias {
				fmt.Fprintf(&b, " a%d:", i)
			}
			b.WriteString(" hello")
		}
		return b.String() + " }"
	}
	wantOK := func(q string) {
		t.Helper()
		if r := postJSON(t, ts, map[string]any{"query": q}); r.status != http.StatusOK || len(r.body.Errors) > 0 {
			t.Errorf("%s: %d %s", q, r.status, r.raw)
		}
	}
	wantOK(fields(10, false))
	wantOK(fields(3, true))

	r := postJSON(t, ts, map[string]any{"query": fields(11, false)})
	wantError(t, r, http.StatusBadRequest, CodeLimitExceeded)
	if !strings.Contains(r.raw, "11 fields; the limit is 10") {
		t.Errorf("message does not say the count and the limit: %s", r.raw)
	}
	r = postJSON(t, ts, map[string]any{"query": fields(4, true)})
	wantError(t, r, http.StatusBadRequest, CodeLimitExceeded)
	if !strings.Contains(r.raw, "4 aliases; the limit is 3") {
		t.Errorf("message does not say the count and the limit: %s", r.raw)
	}
	r = postJSON(t, ts, map[string]any{"query": "{ hello " + strings.Repeat("# padding\n", 20) + "}"})
	wantError(t, r, http.StatusRequestEntityTooLarge, CodeLimitExceeded)
	if !strings.Contains(r.raw, "the limit is 200 bytes") {
		t.Errorf("message does not say the limit: %s", r.raw)
	}
	// GET requests are held to the same limits.
	r = send(t, http.MethodGet, ts.url+"/graphql?query="+strings.ReplaceAll(fields(11, false), " ", "+"), "", nil)
	wantError(t, r, http.StatusBadRequest, CodeLimitExceeded)
}

// TestDefaultDocumentLimits pins the defaults.
func TestDefaultDocumentLimits(t *testing.T) {
	ts := startServer(t, Config{})
	q := "{" + strings.Repeat(" hello", DefaultMaxFields) + " }"
	if r := postJSON(t, ts, map[string]any{"query": q}); len(r.body.Errors) > 0 && r.codes()[0] == CodeLimitExceeded && strings.Contains(r.raw, "fields") {
		t.Errorf("%d fields refused: %s", DefaultMaxFields, r.raw)
	}
	q = "{" + strings.Repeat(" hello", DefaultMaxFields+1) + " }"
	wantError(t, postJSON(t, ts, map[string]any{"query": q}), http.StatusBadRequest, CodeLimitExceeded)
	var b strings.Builder
	for i := range DefaultMaxAliases + 1 {
		fmt.Fprintf(&b, " a%d: hello", i)
	}
	wantError(t, postJSON(t, ts, map[string]any{"query": "{" + b.String() + " }"}), http.StatusBadRequest, CodeLimitExceeded)
	q = "{ hello }" + strings.Repeat(" ", DefaultMaxQueryBytes)
	wantError(t, postJSON(t, ts, map[string]any{"query": q}), http.StatusRequestEntityTooLarge, CodeLimitExceeded)
}

// TestGraphQLResponseMediaType: clients that accept
// application/graphql-response+json get it, with the GraphQL-over-HTTP
// status codes; others keep application/json and 200.
func TestGraphQLResponseMediaType(t *testing.T) {
	ts := startServer(t, Config{})
	const gqlType = "application/graphql-response+json"
	post := func(query, accept string) (int, string, map[string]json.RawMessage) {
		t.Helper()
		r := send(t, http.MethodPost, ts.url+"/graphql", "application/json",
			strings.NewReader(`{"query":`+fmt.Sprintf("%q", query)+`}`), "Accept", accept)
		var body map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.raw), &body); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, r.raw)
		}
		return r.status, r.header.Get("Content-Type"), body
	}
	for _, c := range []struct {
		name, query, accept string
		status              int
		mediaType           string
		data                bool
	}{
		{"ok", `{ hello }`, gqlType, 200, gqlType, true},
		{"both, graphql first", `{ hello }`, gqlType + ", application/json;q=0.9", 200, gqlType, true},
		{"both, json preferred", `{ hello }`, gqlType + ";q=0.5, application/json", 200, "application/json", true},
		{"any", `{ hello }`, "*/*", 200, "application/json", true},
		{"none", `{ hello }`, "", 200, "application/json", true},
		{"json", `{ hello }`, "application/json", 200, "application/json", true},
		{"parse error", `{`, gqlType, 400, gqlType, false},
		{"parse error, json", `{`, "application/json", 200, "application/json", false},
		{"validation error", `{ nope }`, gqlType, 400, gqlType, false},
		{"validation error, json", `{ nope }`, "application/json", 200, "application/json", false},
		{"field error keeps 200", `{ coded }`, gqlType, 200, gqlType, true},
		{"too many fields", "{" + strings.Repeat(" hello", DefaultMaxFields+1) + " }", gqlType, 400, gqlType, false},
	} {
		status, mt, body := post(c.query, c.accept)
		_, hasData := body["data"]
		if status != c.status || mt != c.mediaType || hasData != c.data {
			t.Errorf("%s: status %d, %s, data %v; want %d, %s, data %v", c.name, status, mt, hasData, c.status, c.mediaType, c.data)
		}
	}
}

func TestResponseMediaType(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  jsonContentType,
		"*/*":                               jsonContentType,
		"application/*":                     jsonContentType,
		"text/html":                         jsonContentType,
		"application/graphql-response+json": graphqlContentType,
		"application/graphql-response+json; charset=utf-8":                graphqlContentType,
		"application/json, application/graphql-response+json":             graphqlContentType,
		"application/graphql-response+json;q=0, application/json":         jsonContentType,
		"application/graphql-response+json;q=0.2, application/json;q=0.1": graphqlContentType,
		"garbage;;;, application/graphql-response+json":                   graphqlContentType,
	} {
		if got := responseMediaType(accept); got != want {
			t.Errorf("responseMediaType(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestNewValidatesDoors(t *testing.T) {
	for _, cfg := range []Config{
		{AllowedHosts: []string{"http://x.example"}},
		{AllowedHosts: []string{"x.example:8080"}},
		{AllowedHosts: []string{""}},
		{AllowedHosts: []string{"x.example/path"}},
		{MaxFields: -1},
		{MaxAliases: -1},
		{MaxQueryBytes: -1},
	} {
		cfg.Schema = testSchema(t)
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	for _, h := range []string{"whosedata.lan", "192.0.2.7", "[2001:db8::1]", "2001:db8::1"} {
		if _, err := New(Config{Schema: testSchema(t), AllowedHosts: []string{h}}); err != nil {
			t.Errorf("AllowedHosts %q: %v", h, err)
		}
	}
}

// TestHostCheckCoversEveryRoute: a rebound name reaches none of the pages.
func TestHostCheckCoversEveryRoute(t *testing.T) {
	s, err := New(Config{Schema: testSchema(t), Loopback: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/graphql?query={hello}", "/healthz", "/metrics"} {
		req, _ := http.NewRequest(http.MethodGet, "http://attacker.example"+path, nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("GET %s with Host attacker.example: %d, want 403", path, rec.Code)
		}
	}
}
