package schema_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/schema"
)

// TestHistoryThroughGraphQL drives SPEC §8 through the GraphQL door: a
// dispute's timeline built by mutations, its status as of dates, names over
// time, the change log, recordedAsOf, and node(id) of an event.
func TestHistoryThroughGraphQL(t *testing.T) {
	h := newHarness(t, schema.Options{})
	before := time.Now().UTC().Format(time.RFC3339Nano)
	runCases(t, h, []execCase{
		{"add the filing", `mutation { addDisputeEvent(dispute: "Musk v. Microsoft", input: {date: "2023-06-01", status: FILED,
			summary: "Complaint filed.", forum: "N.D. Tex.", evidence: [{url: "https://example.org/docket"}]}) { key events { status } } }`,
			nil, d(`{"addDisputeEvent": {"key": "musk-v-microsoft", "events": [{"status": "FILED"}]}}`)},
		{"add a settlement", `mutation { addDisputeEvent(dispute: "musk-v-microsoft", input: {date: "2024-02", status: SETTLED, summary: "Settled."}) {
			disputeStatus disputeForum } }`, nil, d(`{"addDisputeEvent": {"disputeStatus": "SETTLED", "disputeForum": "N.D. Tex."}}`)},
		{"status over time", `{ entity(ref: "musk-v-microsoft") {
			before: disputeStatus(asOf: "2023-05-01") filed: disputeStatus(asOf: "2023-12-31") now: disputeStatus
			events { date status summary forum evidence { url } retractedReason } } }`, nil, d(`{"entity": {"before": "THREATENED", "filed": "FILED", "now": "SETTLED", "events": [
				{"date": "2023-06-01", "status": "FILED", "summary": "Complaint filed.", "forum": "N.D. Tex.", "evidence": [{"url": "https://example.org/docket"}], "retractedReason": null},
				{"date": "2024-02", "status": "SETTLED", "summary": "Settled.", "forum": null, "evidence": [], "retractedReason": null}]}}`)},
		{"disputes by status as of a date", `{ a: disputes(status: FILED, asOf: "2023-12-31") { totalCount edges { node { key } } }
			b: disputes(status: SETTLED) { totalCount } c: disputes(status: THREATENED, asOf: "2023-01-01") { totalCount } }`, nil, d(`{"a": {"totalCount": 2, "edges": [{"node": {"key": "musk-v-microsoft"}}, {"node": {"key": "getty-v-stability"}}]}, "b": {"totalCount": 1}, "c": {"totalCount": 1}}`)},
		{"not a dispute", `{ entity(ref: "microsoft") { disputeStatus events { id } } }`, nil, d(`{"entity": {"disputeStatus": null, "events": []}}`)},
		{"names over time", `mutation { upsertEntity(input: {key: "twitter", kind: ORGANIZATION, names: [{name: "X", validFrom: "2023-07-24"}]}) {
			names { name validFrom validTo primary } } }`, nil, d(`{"upsertEntity": {"names": [{"name": "Twitter", "validFrom": null, "validTo": null, "primary": true},
				{"name": "X Corp", "validFrom": null, "validTo": null, "primary": false},
				{"name": "X", "validFrom": "2023-07-24", "validTo": null, "primary": false}]}}`)},
	})
	// The change log holds the writes above, oldest first, each one entry.
	got := h.exec(t, nil, `query ($since: DateTime) { changes(since: $since) { edges { node { kind entity { key } event { status } } } } }`,
		map[string]any{"since": before})
	want := h.want(t, d(`{"changes": {"edges": [
		{"node": {"kind": "EVENT_ADDED", "entity": {"key": "musk-v-microsoft"}, "event": {"status": "FILED"}}},
		{"node": {"kind": "EVENT_ADDED", "entity": {"key": "musk-v-microsoft"}, "event": {"status": "SETTLED"}}},
		{"node": {"kind": "ENTITY_UPDATED", "entity": {"key": "twitter"}, "event": null}}]}}`))
	if got != want {
		t.Fatalf("changes since the test began:\n%s\nwant\n%s", got, want)
	}
	// The newest two, oldest first, with the count of all selected.
	got = h.exec(t, nil, `query ($since: DateTime) { changes(since: $since, last: 2) { totalCount edges { node { kind } } } }`,
		map[string]any{"since": before})
	if want := h.want(t, d(`{"changes": {"totalCount": 3, "edges": [{"node": {"kind": "EVENT_ADDED"}}, {"node": {"kind": "ENTITY_UPDATED"}}]}}`)); got != want {
		t.Fatalf("last 2 changes:\n%s\nwant\n%s", got, want)
	}
	// As recorded before the test began: no events, so the attribute rules.
	got = h.exec(t, nil, `query ($t: DateTime) { disputes(status: SETTLED, recordedAsOf: $t) { totalCount }
		lineage(entity: "twitter", direction: DOWNSTREAM, recordedAsOf: $t) { entity { key } }
		stats(recordedAsOf: $t) { entities } }`, map[string]any{"t": "2000-01-01"})
	if want := h.want(t, d(`{"disputes": {"totalCount": 0}, "lineage": [], "stats": {"entities": 0}}`)); got != want {
		t.Fatalf("as recorded in 2000:\n%s\nwant\n%s", got, want)
	}
	// The other readers that take recordedAsOf, and Entity.recordedAt.
	got = h.exec(t, nil, `query ($t: DateTime) {
		neighborhood(entity: "twitter", recordedAsOf: $t) { relations { type } }
		paths(from: "elon-musk", to: "microsoft", recordedAsOf: $t) { status }
		entity(ref: "twitter") { relations(recordedAsOf: $t) { totalCount } recordedAt } }`, map[string]any{"t": "2000-01-01"})
	if want := h.want(t, d(`{"neighborhood": {"relations": []}, "paths": [], "entity": {"relations": {"totalCount": 0}, "recordedAt": "<time>"}}`)); got != want {
		t.Fatalf("neighborhood, paths and relations as recorded in 2000:\n%s\nwant\n%s", got, want)
	}
	got = h.exec(t, nil, `{ paths(from: "elon-musk", to: "microsoft", maxDepth: 2) { status } }`, nil)
	if !strings.Contains(got, `"status"`) {
		t.Fatalf("paths now: %s", got)
	}
	// Retract the settlement by its id, found through node(id).
	resp := h.schema.Exec(context.Background(), `{ entity(ref: "musk-v-microsoft") { events { id } } }`, "", nil)
	var ev struct {
		Entity struct{ Events []struct{ ID string } }
	}
	if err := json.Unmarshal(resp.Data, &ev); err != nil || len(ev.Entity.Events) != 2 {
		t.Fatalf("events: %s %v", resp.Data, err)
	}
	evID := ev.Entity.Events[1].ID
	got = h.exec(t, nil, `query ($id: ID!) { node(id: $id) { ... on DisputeEvent { status summary } } }`, map[string]any{"id": evID})
	if want := h.want(t, d(`{"node": {"status": "SETTLED", "summary": "Settled."}}`)); got != want {
		t.Fatalf("node(event id) = %s", got)
	}
	got = h.exec(t, nil, `mutation ($id: ID!) { retractDisputeEvent(id: $id, reason: "misreported") { disputeStatus events { status retractedReason } } }`,
		map[string]any{"id": evID})
	if want := h.want(t, d(`{"retractDisputeEvent": {"disputeStatus": "FILED", "events": [{"status": "FILED", "retractedReason": null}, {"status": "SETTLED", "retractedReason": "misreported"}]}}`)); got != want {
		t.Fatalf("after retracting the settlement: %s", got)
	}
	// Bad input names its argument.
	got = h.exec(t, nil, `{ stats(recordedAsOf: "yesterday") { entities } }`, nil)
	if !strings.Contains(got, "recordedAsOf") || !strings.Contains(got, "BAD_INPUT") {
		t.Fatalf("a bad recordedAsOf: %s", got)
	}
}

// d wraps a data answer as a whole response.
func d(data string) string { return `{"data": ` + data + `}` }
