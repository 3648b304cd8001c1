package server_test

// The bad-input catalogue: hostile or careless requests through the HTTP
// endpoint with the real schema, each answered with a clear code and never a
// crash. Every test ends by checking that the store is still consistent.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/server"
)

// verified checks the store of a after the test.
func verified(t *testing.T, a *api) {
	t.Helper()
	t.Cleanup(func() {
		rep, err := a.store.Verify(context.Background())
		if err != nil {
			t.Errorf("Verify: %v", err)
			return
		}
		if !rep.OK() {
			t.Errorf("store inconsistent after the test: %v", rep.Problems)
		}
	})
}

func TestBadQueryNestedFiftyDeep(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	// entity (1) + 12 * relations/edges/node/from (48) + key (1) = 50 levels.
	q := `{ entity(ref: "microsoft") {` + strings.Repeat(` relations { edges { node { from {`, 12) +
		` key` + strings.Repeat(` } } } }`, 12) + ` } }`
	ans := a.gql(t, q, nil)
	if ans.status != http.StatusOK || len(ans.Errors) == 0 {
		t.Fatalf("status %d, body %.300s", ans.status, ans.raw)
	}
	for _, c := range ans.codes() {
		if c != "LIMIT_EXCEEDED" {
			t.Errorf("codes %v, want only LIMIT_EXCEEDED", ans.codes())
		}
	}
	if ans.Data != nil {
		t.Errorf("a query over the depth limit ran: %v", ans.Data)
	}
}

func TestBadFirstHuge(t *testing.T) {
	a := newAPI(t, server.Config{})
	for _, q := range []string{
		`{ entities(first: 100000000) { totalCount } }`,
		`{ search(text: "musk", first: 100000000) { key } }`,
		`{ lineage(entity: "twitter", direction: DOWNSTREAM, first: 100000000) { depth } }`,
		`{ entity(ref: "microsoft") { relations(first: 100000000) { totalCount } } }`,
	} {
		wantCode(t, a.gql(t, q, nil), http.StatusOK, "LIMIT_EXCEEDED")
	}
	// Beyond Int's 32 bits, graphql-go refuses the literal itself.
	wantCode(t, a.gql(t, `{ entities(first: 10000000000) { totalCount } }`, nil), http.StatusOK, "BAD_INPUT")
}

func TestBadFirstNegative(t *testing.T) {
	a := newAPI(t, server.Config{})
	for _, q := range []string{
		`{ entities(first: -1) { totalCount } }`,
		`{ search(text: "musk", first: -1) { key } }`,
		`{ paths(from: "musk", to: "twitter", first: -1) { status } }`,
		`{ entity(ref: "microsoft") { relations(first: -1) { totalCount } } }`,
	} {
		wantCode(t, a.gql(t, q, nil), http.StatusOK, "BAD_INPUT")
	}
}

func TestBadAsOf(t *testing.T) {
	a := newAPI(t, server.Config{})
	ans := a.gql(t, `{ lineage(entity: "twitter", direction: DOWNSTREAM, asOf: "yesterday") { depth } }`, nil)
	wantCode(t, ans, http.StatusOK, "BAD_INPUT")
	if !strings.Contains(ans.raw, "asOf") {
		t.Errorf("the error does not name asOf: %s", ans.raw)
	}
	// The same through a variable.
	ans = a.gql(t, `query($d: Date) { lineage(entity: "twitter", direction: DOWNSTREAM, asOf: $d) { depth } }`,
		map[string]any{"d": "2023-02-30"})
	wantCode(t, ans, http.StatusOK, "BAD_INPUT")
}

func TestBadSelfMerge(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	// By key, and by key against alias of the same entity.
	wantCode(t, a.gql(t, `mutation { mergeEntities(keep: "twitter", duplicate: "twitter") { key } }`, nil), http.StatusOK, "BAD_INPUT")
	wantCode(t, a.gql(t, `mutation { mergeEntities(keep: "twitter", duplicate: "X Corp") { key } }`, nil), http.StatusOK, "BAD_INPUT")
}

func TestBadRetractTwice(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	ans := a.gql(t, `{ entity(ref: "microsoft") { relations(direction: OUT) { edges { node { statements { id } } } } } }`, nil)
	wantOK(t, ans)
	id := ans.Data["entity"].(map[string]any)["relations"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["statements"].([]any)[0].(map[string]any)["id"].(string)
	const m = `mutation($id: ID!) { retractStatement(id: $id, reason: "Musk withdrew it") { status } }`
	ans = a.gql(t, m, map[string]any{"id": id})
	wantOK(t, ans)
	if got := ans.Data["retractStatement"].(map[string]any)["status"]; got != "RETRACTED" {
		t.Errorf("status after retraction %v", got)
	}
	ans = a.gql(t, m, map[string]any{"id": id})
	wantCode(t, ans, http.StatusOK, "BAD_INPUT")
	if !strings.Contains(ans.Errors[0].Message, "already retracted") {
		t.Errorf("message %q", ans.Errors[0].Message)
	}
}

func TestBadTenMegabyteString(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	big := strings.Repeat("a", 10<<20)
	ans := a.gql(t, `mutation($d: String) { upsertEntity(input: {key: "big", kind: ORGANIZATION, description: $d}) { key } }`,
		map[string]any{"d": big})
	// The body limit (1 MiB by default) answers first.
	wantCode(t, ans, http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED")

	// Just under the body limit, the store's own limits answer.
	under := strings.Repeat("a", server.DefaultMaxBodyBytes-4096)
	for _, field := range []string{"name", "description"} {
		q := fmt.Sprintf(`mutation($s: String) { upsertEntity(input: {key: "big", kind: ORGANIZATION, %s: $s}) { key } }`, field)
		ans := a.gql(t, q, map[string]any{"s": under})
		wantCode(t, ans, http.StatusOK, "LIMIT_EXCEEDED")
		if !strings.Contains(ans.Errors[0].Message, field) {
			t.Errorf("%s: message %q does not name the field", field, ans.Errors[0].Message)
		}
	}
	// And in a query string literal, which the query size limit (64 KiB
	// by default) refuses before it is parsed.
	ans = a.do(t, http.MethodPost, "/graphql", "application/graphql",
		strings.NewReader(`{ search(text: "`+under+`") { key } }`))
	wantCode(t, ans, http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED")
	if !strings.Contains(ans.Errors[0].Message, "query") || !strings.Contains(ans.Errors[0].Message, "64 KiB") {
		t.Errorf("message %q does not name the query limit", ans.Errors[0].Message)
	}
	if ans := a.gql(t, `{ entity(ref: "big") { key } }`, nil); ans.Data["entity"] != nil {
		t.Errorf("an entity was created: %s", ans.raw)
	}
}

func TestBadInvalidUTF8(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	body := []byte(`{"query":"mutation { upsertEntity(input: {key: \"bad\", kind: ORGANIZATION, name: \"Bad ` +
		"\xff\xfe" + ` name\"}) { key } }"}`)
	ans := a.do(t, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body))
	wantCode(t, ans, http.StatusBadRequest, "BAD_INPUT")
	if !strings.Contains(ans.Errors[0].Message, "UTF-8") {
		t.Errorf("message %q does not say what is wrong", ans.Errors[0].Message)
	}
	ans = a.do(t, http.MethodPost, "/graphql", "application/graphql", bytes.NewReader([]byte("{ search(text: \"\xc3\x28\") { key } }")))
	wantCode(t, ans, http.StatusBadRequest, "BAD_INPUT")
	ans = a.do(t, http.MethodGet, "/graphql?query=%7B+search(text:+%22%FF%22)+%7B+key+%7D+%7D", "", nil)
	wantCode(t, ans, http.StatusBadRequest, "BAD_INPUT")
	if ans := a.gql(t, `{ entity(ref: "bad") { key } }`, nil); ans.Data["entity"] != nil {
		t.Errorf("an entity was created: %s", ans.raw)
	}
}

func TestBadTwentyMebibyteBody(t *testing.T) {
	a := newAPI(t, server.Config{})
	body := bytes.Repeat([]byte(" "), 20<<20)
	wantCode(t, a.do(t, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body)),
		http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED")
	// Without a Content-Length, the limit is found while reading.
	req := &chunked{r: bytes.NewReader(body)}
	wantCode(t, a.do(t, http.MethodPost, "/graphql", "application/json", req),
		http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED")
}

// chunked hides its length from httptest.NewRequest.
type chunked struct{ r *bytes.Reader }

func (c *chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

func TestBadTimeLimit(t *testing.T) {
	a := newAPI(t, server.Config{RequestTimeout: time.Nanosecond})
	verified(t, a)
	for _, q := range []string{
		`{ entity(ref: "microsoft") { key } }`,
		`{ lineage(entity: "twitter", direction: DOWNSTREAM) { depth } }`,
		`mutation { addAlias(entity: "x-ai", alias: "Grok") { key } }`,
	} {
		ans := a.gql(t, q, nil)
		wantCode(t, ans, http.StatusOK, "LIMIT_EXCEEDED")
		if len(ans.Errors) > 0 && !strings.Contains(ans.Errors[0].Message, "time limit") {
			t.Errorf("message %q", ans.Errors[0].Message)
		}
	}
}

func TestBadAliasCycle(t *testing.T) {
	a := newAPI(t, server.Config{})
	verified(t, a)
	wantOK(t, a.gql(t, `mutation { mergeEntities(keep: "x-ai", duplicate: "twitter") { key aliases } }`, nil))
	// twitter is now an alias of x-ai: merging back names one entity twice.
	ans := a.gql(t, `mutation { mergeEntities(keep: "twitter", duplicate: "x-ai") { key } }`, nil)
	wantCode(t, ans, http.StatusOK, "BAD_INPUT")
	if !strings.Contains(ans.Errors[0].Message, "same entity") {
		t.Errorf("message %q", ans.Errors[0].Message)
	}
	// Look-ups still end: by the old key, the old alias and the old id.
	for _, ref := range []string{"twitter", "X Corp", "x-ai"} {
		ans := a.gql(t, `query($r: String!) { entity(ref: $r) { key } }`, map[string]any{"r": ref})
		wantOK(t, ans)
		if got := ans.Data["entity"].(map[string]any)["key"]; got != "x-ai" {
			t.Errorf("entity(%q) = %v, want x-ai", ref, got)
		}
	}
}
