package schema_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/schema"
)

// TestMutations runs every Mutation field in order on one store; each step
// sees the writes of the ones before.
func TestMutations(t *testing.T) {
	h := newHarness(t, schema.Options{CanWrite: func(context.Context) bool { return true }})
	steps := []execCase{
		{
			name: "upsertEntity creates",
			query: `mutation { upsertEntity(input: {key: "reddit", kind: ORGANIZATION, name: "Reddit", aliases: ["Reddit Inc"], description: "Social news site.",
				attributes: [{key: "url", value: "https://www.reddit.com"}]}) { id key kind name aliases description attributes { key value } } }`,
			want: `{"data": {"upsertEntity": {"id": "$id(reddit)", "key": "reddit", "kind": "ORGANIZATION", "name": "Reddit", "aliases": ["Reddit Inc"],
				"description": "Social news site.", "attributes": [{"key": "url", "value": "https://www.reddit.com"}]}}}`,
		},
		{
			name:  "upsertEntity merges into the existing entity",
			query: `mutation { upsertEntity(input: {key: "reddit", kind: ORGANIZATION, attributes: [{key: "country", value: "US"}]}) { name aliases attributes { key value } } }`,
			want: `{"data": {"upsertEntity": {"name": "Reddit", "aliases": ["Reddit Inc"],
				"attributes": [{"key": "country", "value": "US"}, {"key": "url", "value": "https://www.reddit.com"}]}}}`,
		},
		{
			name:  "upsertEntity with another kind is BAD_INPUT",
			query: `mutation { upsertEntity(input: {key: "reddit", kind: PERSON}) { key } }`,
			want: `{"data": null, "errors": [{"message": "conflict: kind: \"reddit\" is already a ORGANIZATION, not a PERSON",
				"path": ["upsertEntity"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "upsertEntity with a bad key is BAD_INPUT",
			query: `mutation { upsertEntity(input: {key: "Not A Slug", kind: PERSON}) { key } }`,
			want: `{"data": null, "errors": [{"message": "key: invalid input: key \"Not A Slug\" is not a lower-case slug [a-z0-9][a-z0-9._:/-]* of at most 256 bytes (and not a UUID)",
				"path": ["upsertEntity"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name: "addStatement records Microsoft's denial",
			query: `mutation { addStatement(input: {type: TRAINED_ON, from: "Microsoft", to: "twitter posts", status: DENIED, claimedBy: "microsoft",
				date: "2023-04-20", note: "Microsoft says it did not.", evidence: [{url: "https://example.com/denial", quote: "We did not."}]}) {
				id type status statements { status claimedBy { key } date note evidence { document { key } url quote } } } }`,
			want: `{"data": {"addStatement": {"id": "$rel(microsoft TRAINED_ON twitter-posts)", "type": "TRAINED_ON", "status": "DISPUTED", "statements": [
				{"status": "ALLEGED", "claimedBy": {"key": "elon-musk"}, "date": "2023-04-19", "note": null, "evidence": [{"document": {"key": "doc-seed-article"}, "url": null, "quote": "` + seedQuote + `"}]},
				{"status": "DENIED", "claimedBy": {"key": "microsoft"}, "date": "2023-04-20", "note": "Microsoft says it did not.", "evidence": [{"document": null, "url": "https://example.com/denial", "quote": "We did not."}]}]}}}`,
		},
		{
			name:  "downstream of twitter is now DISPUTED",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM) { entity { key } status } }`,
			want:  `{"data": {"lineage": [{"entity": {"key": "microsoft"}, "status": "DISPUTED"}]}}`,
		},
		{
			name: "addStatement creates a relation with dates and attributes",
			query: `mutation { addStatement(input: {type: LICENSED_TO, from: "reddit", to: "openai", status: ASSERTED, validFrom: "2024-05", validTo: "2026",
				attributes: [{key: "subject", value: "posts"}]}) { id type from { key } to { key } status validFrom validTo attributes { key value } statements { status } } }`,
			want: `{"data": {"addStatement": {"id": "<relid>", "type": "LICENSED_TO", "from": {"key": "reddit"}, "to": {"key": "openai"}, "status": "ASSERTED",
				"validFrom": "2024-05", "validTo": "2026", "attributes": [{"key": "subject", "value": "posts"}], "statements": [{"status": "ASSERTED"}]}}}`,
		},
		{
			name:  "addStatement with a bad date names the field",
			query: `mutation { addStatement(input: {type: OWNS, from: "reddit", to: "openai", status: ASSERTED, date: "2023-13"}) { id } }`,
			want: `{"data": null, "errors": [{"message": "input.date: invalid input: date \"2023-13\" is not YYYY, YYYY-MM or YYYY-MM-DD",
				"path": ["addStatement"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "addStatement cannot state DISPUTED",
			query: `mutation { addStatement(input: {type: OWNS, from: "reddit", to: "openai", status: DISPUTED}) { id } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: status must be one of ASSERTED, ALLEGED, DENIED, CONFIRMED, RULED, RETRACTED",
				"path": ["addStatement"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "addStatement to nothing is NOT_FOUND",
			query: `mutation { addStatement(input: {type: OWNS, from: "reddit", to: "nothing-here", status: ASSERTED}) { id } }`,
			want: `{"data": null, "errors": [{"message": "not found: to: no entity is called \"nothing-here\"",
				"path": ["addStatement"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "addAlias",
			query: `mutation { addAlias(entity: "OpenAI", alias: "Open AI Inc.") { key aliases } }`,
			want:  `{"data": {"addAlias": {"key": "openai", "aliases": ["Open AI Inc."]}}}`,
		},
		{
			name:  "the alias resolves",
			query: `{ entity(ref: "open ai inc") { key } }`,
			want:  `{"data": {"entity": {"key": "openai"}}}`,
		},
		{
			name:  "addAlias to nothing is NOT_FOUND",
			query: `mutation { addAlias(entity: "nobody", alias: "Somebody") { key } }`,
			want: `{"data": null, "errors": [{"message": "not found: entity: no entity is called \"nobody\"",
				"path": ["addAlias"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "a duplicate to merge",
			query: `mutation { upsertEntity(input: {key: "x-corp", kind: ORGANIZATION, name: "X"}) { id key } }`,
			want:  `{"data": {"upsertEntity": {"id": "$id(x-corp)", "key": "x-corp"}}}`,
		},
		{
			name:  "mergeEntities",
			query: `mutation { mergeEntities(keep: "twitter", duplicate: "x-corp") { id key aliases } }`,
			want:  `{"data": {"mergeEntities": {"id": "$id(twitter)", "key": "twitter", "aliases": ["X Corp", "x-corp", "X"]}}}`,
		},
		{
			name:  "the merged id resolves to the kept entity",
			query: `{ entity(ref: "$id(x-corp)") { key } node(id: "$id(x-corp)") { id } }`,
			want:  `{"data": {"entity": {"key": "twitter"}, "node": {"id": "$id(twitter)"}}}`,
		},
		{
			name:  "mergeEntities into itself is BAD_INPUT",
			query: `mutation { mergeEntities(keep: "twitter", duplicate: "X Corp") { key } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: keep \"twitter\" and duplicate \"X Corp\" are the same entity (twitter); cannot merge an entity into itself",
				"path": ["mergeEntities"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
	}
	for _, c := range steps {
		got := h.exec(t, nil, c.query, c.vars)
		got = replaceField(t, got, "addStatement", "<relid>", c.want)
		if want := h.want(t, c.want); got != want {
			t.Fatalf("%s: %s\ngot:\n%s\nwant:\n%s", c.name, c.query, got, want)
		}
	}
}

// replaceField swaps the id of a created relation, which the test cannot
// compute, for a placeholder when the expected answer has one.
func replaceField(t *testing.T, got, field, placeholder, want string) string {
	if !strings.Contains(want, placeholder) {
		return got
	}
	var v map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatal(err)
	}
	if id, ok := v["data"][field]["id"].(string); !ok || len(id) != 36 {
		t.Fatalf("no id in %s", got)
	}
	v["data"][field]["id"] = placeholder
	return canonical(t, v)
}

// TestRetractStatement retracts Musk's allegation and reads the history.
func TestRetractStatement(t *testing.T) {
	h := newHarness(t, schema.Options{})
	q := `mutation($id: ID!, $reason: String!) { retractStatement(id: $id, reason: $reason) { id status statements { id status retractedReason retractedAt previousStatus recordedAt } } }`
	vars := map[string]any{"id": h.ids.Replace("$stmt(microsoft TRAINED_ON twitter-posts 0)"), "reason": "Musk withdrew the claim"}
	got := h.exec(t, nil, q, vars)
	want := h.want(t, `{"data": {"retractStatement": {"id": "$rel(microsoft TRAINED_ON twitter-posts)", "status": "RETRACTED", "statements": [
		{"id": "$stmt(microsoft TRAINED_ON twitter-posts 0)", "status": "RETRACTED", "retractedReason": "Musk withdrew the claim",
		 "retractedAt": "<time>", "previousStatus": "ALLEGED", "recordedAt": "<time>"}]}}}`)
	if got != want {
		t.Fatalf("retract:\ngot:\n%s\nwant:\n%s", got, want)
	}
	runCases(t, h, []execCase{
		{
			name:  "retracted relations are not walked",
			query: `{ lineage(entity: "twitter", direction: DOWNSTREAM) { entity { key } } }`,
			want:  `{"data": {"lineage": []}}`,
		},
		{
			name:  "retracting twice is BAD_INPUT",
			query: q,
			vars:  vars,
			want: `{"data": null, "errors": [{"message": "conflict: statement $stmt(microsoft TRAINED_ON twitter-posts 0) is already retracted",
				"path": ["retractStatement"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "retracting nothing is NOT_FOUND",
			query: `mutation { retractStatement(id: "00000000-0000-0000-0000-000000000001", reason: "x") { id } }`,
			want: `{"data": null, "errors": [{"message": "not found: no statement has id 00000000-0000-0000-0000-000000000001",
				"path": ["retractStatement"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "retracting without a reason is BAD_INPUT",
			query: `mutation { retractStatement(id: "$stmt(twitter OWNS twitter-posts 0)", reason: " ") { id } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: reason is required to retract a statement",
				"path": ["retractStatement"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
		{
			name:  "retracting a malformed id is BAD_INPUT",
			query: `mutation { retractStatement(id: "42", reason: "x") { id } }`,
			want: `{"data": null, "errors": [{"message": "invalid input: id: \"42\" is not an id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)",
				"path": ["retractStatement"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
	})
}

// TestWritesRefused: with CanWrite false every mutation is UNAUTHENTICATED
// and nothing changes; queries still answer.
func TestWritesRefused(t *testing.T) {
	h := newHarness(t, schema.Options{CanWrite: func(context.Context) bool { return false }})
	before := h.exec(t, nil, `{ stats { entities relations statements } }`, nil)
	refused := func(field string) string {
		return `{"data": null, "errors": [{"message": "this request may not change the store: mutations need an authenticated request",
			"path": ["` + field + `"], "extensions": {"code": "UNAUTHENTICATED"}}]}`
	}
	runCases(t, h, []execCase{
		{name: "upsertEntity", query: `mutation { upsertEntity(input: {key: "reddit", kind: ORGANIZATION}) { key } }`, want: refused("upsertEntity")},
		{name: "addStatement", query: `mutation { addStatement(input: {type: OWNS, from: "microsoft", to: "openai", status: ASSERTED}) { id } }`, want: refused("addStatement")},
		{name: "retractStatement", query: `mutation { retractStatement(id: "$stmt(twitter OWNS twitter-posts 0)", reason: "x") { id } }`, want: refused("retractStatement")},
		{name: "addAlias", query: `mutation { addAlias(entity: "openai", alias: "Open AI") { key } }`, want: refused("addAlias")},
		{name: "mergeEntities", query: `mutation { mergeEntities(keep: "twitter", duplicate: "twitter-posts") { key } }`, want: refused("mergeEntities")},
		{name: "queries still answer", query: `{ entity(ref: "X Corp") { key } }`, want: `{"data": {"entity": {"key": "twitter"}}}`},
	})
	if after := h.exec(t, nil, `{ stats { entities relations statements } }`, nil); after != before {
		t.Errorf("refused writes changed the store: %s -> %s", before, after)
	}
}
