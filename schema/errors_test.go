package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/schema"
)

// TestErrorCodes checks that each kind of failure carries its code and a
// message that names the argument.
func TestErrorCodes(t *testing.T) {
	h := newHarness(t, schema.Options{})
	runCases(t, h, []execCase{
		{
			name:  "page too large",
			query: `{ entities(first: 100000000) { totalCount } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: first is 100000000; the maximum is 500",
				"path": ["entities"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "negative page",
			query: `{ relations(first: -1) { totalCount } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: first must not be negative (got -1)",
				"path": ["relations"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "nested page too large",
			query: `{ entity(ref: "microsoft") { key relations(first: 501) { totalCount } } }`,
			want: `{"data": {"entity": null}, "errors": [{"message": "limit exceeded: first is 501; the maximum is 500",
				"path": ["entity", "relations"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "bad cursor",
			query: `{ disputes(after: "garbage") { totalCount } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: after: \"garbage\" is not a cursor of this list",
				"path": ["disputes"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "bad date",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM, asOf: "yesterday") { depth } }`,
			want: `{"data": null, "errors": [{"message": "asOf: invalid input: date \"yesterday\" is not YYYY, YYYY-MM or YYYY-MM-DD",
				"path": ["lineage"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "bad date in a variable",
			query: `query($d: Date) { lineage(entity: "twitter", direction: DOWNSTREAM, asOf: $d) { depth } }`,
			vars:  map[string]any{"d": "2023-02-30"},
			want: `{"data": null, "errors": [{"message": "asOf: invalid input: date \"2023-02-30\" is not YYYY, YYYY-MM or YYYY-MM-DD",
				"path": ["lineage"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "date of the wrong type",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM, asOf: 2023) { depth } }`,
			want: `{"data": null, "errors": [{"message": "asOf: invalid input: a Date is a string such as \"2023-04-19\", not int32",
				"path": ["lineage"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "lineage first over its cap",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM, first: 1001) { depth } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: first is 1001; the maximum is 1000",
				"path": ["lineage"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "lineage negative maxDepth",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM, maxDepth: -2) { depth } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: maxDepth must not be negative (got -2)",
				"path": ["lineage"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "lineage of nothing",
			query: `{ lineage(entity: "nobody", direction: UPSTREAM) { depth } }`,
			want: `{"data": null, "errors": [{"message": "not found: entity: no entity is called \"nobody\"",
				"path": ["lineage"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "search limits",
			query: `{ search(text: "twitter", first: 201) { key } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: first is 201; the maximum is 200",
				"path": ["search"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "search for punctuation",
			query: `{ search(text: "!!") { key } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: text \"!!\" has no letter or digit to search for",
				"path": ["search"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "paths too deep",
			query: `{ paths(from: "elon-musk", to: "microsoft", maxDepth: 9) { status } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: maxDepth is 9; paths are at most 8 relations long",
				"path": ["paths"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "paths too many",
			query: `{ paths(from: "elon-musk", to: "microsoft", first: 101) { status } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: first is 101; the maximum is 100",
				"path": ["paths"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "paths from an entity to itself",
			query: `{ paths(from: "Twitter", to: "X Corp") { status } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: from and to are the same entity",
				"path": ["paths"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "paths zero depth",
			query: `{ paths(from: "elon-musk", to: "microsoft", maxDepth: 0) { status } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: maxDepth must be at least 1 (got 0)",
				"path": ["paths"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "neighborhood too deep",
			query: `{ neighborhood(entity: "openai", depth: 5) { nodes { key } } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: depth is 5; the maximum is 4",
				"path": ["neighborhood"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "neighborhood too wide",
			query: `{ neighborhood(entity: "openai", limit: 501) { nodes { key } } }`,
			want: `{"data": null, "errors": [{"message": "limit exceeded: limit is 501; the maximum is 500",
				"path": ["neighborhood"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
		},
		{
			name:  "disputes of nobody",
			query: `{ disputes(party: "nobody") { totalCount } }`,
			want: `{"data": null, "errors": [{"message": "not found: party: no entity is called \"nobody\"",
				"path": ["disputes"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "node with a malformed id",
			query: `{ node(id: "twitter") { id } }`,
			want: `{"data": {"node": null}, "errors": [{"message": "invalid input: id: \"twitter\" is not an id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)",
				"path": ["node"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "empty ref",
			query: `{ entity(ref: " ") { key } }`,
			want: `{"data": {"entity": null}, "errors": [{"message": "invalid input: ref is empty",
				"path": ["entity"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
	})
}

// TestAmbiguousRef: a name that fits two entities is an error listing both,
// not null.
func TestAmbiguousRef(t *testing.T) {
	h := newHarness(t, schema.Options{})
	h.exec(t, nil, `mutation { upsertEntity(input: {key: "musk-foundation", kind: ORGANIZATION, name: "Musk Foundation", aliases: ["Musk"]}) { key } }`, nil)
	got := h.exec(t, nil, `{ entity(ref: "musk") { key } }`, nil)
	want := h.want(t, `{"data": {"entity": null}, "errors": [{"message": "ambiguous reference: ref: \"musk\" fits 2 entities: elon-musk (PERSON \"Elon Musk\"), musk-foundation (ORGANIZATION \"Musk Foundation\"); use a key",
		"path": ["entity"], "extensions": {"code": "BAD_INPUT"}}]}`)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestInternalErrorIsNotLeaked closes the store under the schema: the client
// sees only "internal error" and the request id; the log has the cause.
func TestInternalErrorIsNotLeaked(t *testing.T) {
	h := newHarness(t, schema.Options{})
	if err := h.store.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), reqIDKey{}, "req-42")
	got := h.exec(t, ctx, `{ stats { entities } }`, nil)
	want := h.want(t, `{"data": null, "errors": [
		{"message": "internal error (request req-42)", "path": ["stats"], "extensions": {"code": "INTERNAL", "requestId": "req-42"}}]}`)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "closed") {
		t.Error("internal text leaked")
	}
	log := h.log.String()
	for _, s := range []string{"store is closed", "requestId=req-42", "field=stats"} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}
}

// TestInternalErrorWithoutRequestID: with no RequestID option the message is
// only "internal error".
func TestInternalErrorWithoutRequestID(t *testing.T) {
	h := newHarness(t, schema.Options{RequestID: func(context.Context) string { return "" }})
	_ = h.store.Close()
	got := h.exec(t, nil, `{ node(id: "$id(twitter)") { id } }`, nil)
	want := h.want(t, `{"data": {"node": null}, "errors": [{"message": "internal error", "path": ["node"], "extensions": {"code": "INTERNAL"}}]}`)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestTimeout: an expired deadline is LIMIT_EXCEEDED, not INTERNAL.
func TestTimeout(t *testing.T) {
	h := newHarness(t, schema.Options{})
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), reqIDKey{}, "r"), 0)
	defer cancel()
	<-ctx.Done()
	resp := h.schema.Exec(ctx, `{ stats { entities } }`, "", nil)
	if len(resp.Errors) == 0 {
		t.Fatal("no error after the deadline")
	}
	// graphql-go may stop before the resolver runs (no code: the server maps
	// that) or the resolver may see the deadline (LIMIT_EXCEEDED).
	for _, e := range resp.Errors {
		if code, ok := e.Extensions["code"]; ok && code != "LIMIT_EXCEEDED" {
			t.Errorf("code %v for an expired deadline: %v", code, e)
		}
	}
}

// TestDepthLimit: queries deeper than MaxDepth are refused before any
// resolver runs; graphql-go reports the rule, which the server maps to
// LIMIT_EXCEEDED.
func TestDepthLimit(t *testing.T) {
	deep := `{ entity(ref: "twitter") { relations { edges { node { statements { evidence { document { relations { edges { node { from { relations { totalCount } } } } } } } } } } } } }`
	for _, c := range []struct {
		depth int
		fail  bool
	}{{0, false}, {12, true}, {13, false}, {3, true}} { // the query is 13 deep; the default allows 15
		h := newHarness(t, schema.Options{MaxDepth: c.depth})
		resp := h.schema.Exec(context.Background(), deep, "", nil)
		if !c.fail {
			if len(resp.Errors) > 0 {
				t.Errorf("MaxDepth %d: %v", c.depth, resp.Errors)
			}
			continue
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Rule != "MaxDepthExceeded" || resp.Data != nil {
			t.Errorf("MaxDepth %d: errors %v, data %s", c.depth, resp.Errors, resp.Data)
		}
	}
}
