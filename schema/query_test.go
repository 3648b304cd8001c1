package schema_test

import (
	"testing"

	"github.com/whosedata/whosedata/schema"
)

// TestQueries runs every Query field on the seed story and compares whole
// answers.
func TestQueries(t *testing.T) {
	h := newHarness(t, schema.Options{})
	runCases(t, h, []execCase{
		{
			name:  "entity by alias finds twitter",
			query: `{ entity(ref: "X Corp") { id key kind name aliases description attributes { key value } } }`,
			want: `{"data": {"entity": {"id": "$id(twitter)", "key": "twitter", "kind": "ORGANIZATION", "name": "Twitter",
				"aliases": ["X Corp"], "description": null, "attributes": []}}}`,
		},
		{
			name:  "entity by id, name and key",
			query: `{ a: entity(ref: "$id(getty-images)") { key } b: entity(ref: "getty images") { key } c: entity(ref: "elon-musk") { key } }`,
			want:  `{"data": {"a": {"key": "getty-images"}, "b": {"key": "getty-images"}, "c": {"key": "elon-musk"}}}`,
		},
		{
			name:  "entity not found is null",
			query: `{ entity(ref: "nobody at all") { key } }`,
			want:  `{"data": {"entity": null}}`,
		},
		{
			name:  "entity attributes",
			query: `{ entity(ref: "musk-v-microsoft") { kind attributes { key value } status: attribute(key: "status") none: attribute(key: "forum") } }`,
			want: `{"data": {"entity": {"kind": "DISPUTE", "attributes": [{"key": "date", "value": "2023-04-19"}, {"key": "status", "value": "THREATENED"}],
				"status": "THREATENED", "none": null}}}`,
		},
		{
			name:  "entities of a kind",
			query: `{ entities(kind: DATASET) { totalCount edges { cursor node { key } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
			want: `{"data": {"entities": {"totalCount": 2,
				"edges": [{"cursor": "<cursor>", "node": {"key": "twitter-posts"}}, {"cursor": "<cursor>", "node": {"key": "getty-images-photos"}}],
				"pageInfo": {"hasNextPage": false, "hasPreviousPage": false, "startCursor": "<cursor>", "endCursor": "<cursor>"}}}}`,
		},
		{
			name:  "entities first 0 counts only",
			query: `{ entities(first: 0) { totalCount edges { node { key } } pageInfo { hasNextPage endCursor } } }`,
			want:  `{"data": {"entities": {"totalCount": 12, "edges": [], "pageInfo": {"hasNextPage": true, "endCursor": null}}}}`,
		},
		{
			// Names first (exact, then prefix), then what statements say:
			// Musk's quote about Microsoft names Twitter.
			name:  "search ranks exact before prefix before text",
			query: `{ all: search(text: "twitter") { key } datasets: search(text: "getty", kinds: [DATASET]) { key } one: search(text: "twitter", first: 1) { key } none: search(text: "twitter", first: 0) { key } }`,
			want: `{"data": {"all": [{"key": "twitter"}, {"key": "twitter-posts"}, {"key": "microsoft"}], "datasets": [{"key": "getty-images-photos"}],
				"one": [{"key": "twitter"}], "none": []}}`,
		},
		{
			name:  "searchHits says what matched",
			query: `{ searchHits(text: "accused") { entity { key } matched snippet } names: searchHits(text: "X Corp") { entity { key } matched snippet } }`,
			want: `{"data": {"searchHits": [{"entity": {"key": "microsoft"}, "matched": "quote", "snippet": "Musk accused Microsoft of using Twitter's data to train its AI"},
				{"entity": {"key": "twitter-posts"}, "matched": "quote", "snippet": "Musk accused Microsoft of using Twitter's data to train its AI"}],
				"names": [{"entity": {"key": "twitter"}, "matched": "alias", "snippet": null}]}}`,
		},
		{
			name:  "relations of a type",
			query: `{ relations(type: TRAINED_ON) { totalCount edges { node { id type from { key } to { key } status } } pageInfo { hasNextPage } } }`,
			want: `{"data": {"relations": {"totalCount": 2, "edges": [
				{"node": {"id": "$rel(microsoft TRAINED_ON twitter-posts)", "type": "TRAINED_ON", "from": {"key": "microsoft"}, "to": {"key": "twitter-posts"}, "status": "ALLEGED"}},
				{"node": {"id": "$rel(stable-diffusion TRAINED_ON getty-images-photos)", "type": "TRAINED_ON", "from": {"key": "stable-diffusion"}, "to": {"key": "getty-images-photos"}, "status": "ALLEGED"}}],
				"pageInfo": {"hasNextPage": false}}}}`,
		},
		{
			name:  "relations by status",
			query: `{ alleged: relations(status: [ALLEGED]) { totalCount } asserted: relations(status: [ASSERTED, RULED]) { totalCount } all: relations { totalCount } owns: relations(type: OWNS, status: [ALLEGED]) { totalCount edges { node { type } } } }`,
			want:  `{"data": {"alleged": {"totalCount": 2}, "asserted": {"totalCount": 9}, "all": {"totalCount": 11}, "owns": {"totalCount": 0, "edges": []}}}`,
		},
		{
			name: "who is downstream of twitter",
			query: `{ lineage(entity: "X Corp", direction: DOWNSTREAM) { entity { key name } depth status
				path { type from { key } to { key } status statements { status claimedBy { name } date dispute { key } evidence { document { key } url quote } } } } }`,
			want: `{"data": {"lineage": [{"entity": {"key": "microsoft", "name": "Microsoft"}, "depth": 2, "status": "ALLEGED", "path": [
				{"type": "OWNS", "from": {"key": "twitter"}, "to": {"key": "twitter-posts"}, "status": "ASSERTED",
				 "statements": [{"status": "ASSERTED", "claimedBy": null, "date": null, "dispute": null, "evidence": []}]},
				{"type": "TRAINED_ON", "from": {"key": "microsoft"}, "to": {"key": "twitter-posts"}, "status": "ALLEGED",
				 "statements": [{"status": "ALLEGED", "claimedBy": {"name": "Elon Musk"}, "date": "2023-04-19", "dispute": {"key": "musk-v-microsoft"},
				   "evidence": [{"document": {"key": "doc-seed-article"}, "url": null, "quote": "` + seedQuote + `"}]}]}]}]}}`,
		},
		{
			name:  "lineage path selected through a fragment",
			query: `query { lineage(entity: "twitter", direction: DOWNSTREAM) { ...hit } } fragment hit on LineageHit { entity { key } path { type } }`,
			want:  `{"data": {"lineage": [{"entity": {"key": "microsoft"}, "path": [{"type": "OWNS"}, {"type": "TRAINED_ON"}]}]}}`,
		},
		{
			name:  "downstream of twitter before the allegation and above ALLEGED",
			query: `{ before: lineage(entity: "twitter", direction: DOWNSTREAM, asOf: "2023-01-01") { entity { key } } asserted: lineage(entity: "twitter", direction: DOWNSTREAM, minStatus: ASSERTED) { entity { key } } sameDay: lineage(entity: "twitter", direction: DOWNSTREAM, asOf: "2023-04") { entity { key } } }`,
			want:  `{"data": {"before": [], "asserted": [], "sameDay": [{"entity": {"key": "microsoft"}}]}}`,
		},
		{
			name: "what is upstream of stable diffusion",
			query: `{ lineage(entity: "Stable Diffusion", direction: UPSTREAM) { entity { key kind } depth status
				path { type from { key } to { key } statements { claimedBy { key } date } } } }`,
			want: `{"data": {"lineage": [
				{"entity": {"key": "getty-images-photos", "kind": "DATASET"}, "depth": 1, "status": "ALLEGED", "path": [
				  {"type": "TRAINED_ON", "from": {"key": "stable-diffusion"}, "to": {"key": "getty-images-photos"}, "statements": [{"claimedBy": {"key": "getty-images"}, "date": "2023-02-03"}]}]},
				{"entity": {"key": "getty-images", "kind": "ORGANIZATION"}, "depth": 2, "status": "ALLEGED", "path": [
				  {"type": "TRAINED_ON", "from": {"key": "stable-diffusion"}, "to": {"key": "getty-images-photos"}, "statements": [{"claimedBy": {"key": "getty-images"}, "date": "2023-02-03"}]},
				  {"type": "OWNS", "from": {"key": "getty-images"}, "to": {"key": "getty-images-photos"}, "statements": [{"claimedBy": null, "date": null}]}]}]}}`,
		},
		{
			name:  "lineage kinds, maxDepth and first",
			query: `{ orgs: lineage(entity: "getty-images", direction: DOWNSTREAM, kinds: [ORGANIZATION]) { entity { key } depth } all: lineage(entity: "getty-images", direction: DOWNSTREAM) { entity { key } depth } near: lineage(entity: "getty-images", direction: DOWNSTREAM, maxDepth: 2) { entity { key } } one: lineage(entity: "getty-images", direction: DOWNSTREAM, first: 1) { entity { key } } zero: lineage(entity: "getty-images", direction: DOWNSTREAM, first: 0) { entity { key } } }`,
			want: `{"data": {"orgs": [{"entity": {"key": "stability-ai"}, "depth": 3}],
				"all": [{"entity": {"key": "stable-diffusion"}, "depth": 2}, {"entity": {"key": "stability-ai"}, "depth": 3}],
				"near": [{"entity": {"key": "stable-diffusion"}}], "one": [{"entity": {"key": "stable-diffusion"}}], "zero": []}}`,
		},
		{
			name:  "entity lineage",
			query: `{ entity(ref: "twitter-posts") { lineage(direction: DOWNSTREAM) { entity { key } status } } }`,
			want:  `{"data": {"entity": {"lineage": [{"entity": {"key": "microsoft"}, "status": "ALLEGED"}]}}}`,
		},
		{
			name:  "how elon musk and microsoft are connected",
			query: `{ paths(from: "Elon Musk", to: "microsoft", maxDepth: 2) { status relations { type from { key } to { key } attributes { key value } } } }`,
			want: `{"data": {"paths": [
				{"status": "ASSERTED", "relations": [
				  {"type": "FOUNDED", "from": {"key": "elon-musk"}, "to": {"key": "openai"}, "attributes": []},
				  {"type": "INVESTED_IN", "from": {"key": "microsoft"}, "to": {"key": "openai"}, "attributes": [{"key": "amount", "value": "$10 billion"}]}]},
				{"status": "ASSERTED", "relations": [
				  {"type": "PARTY_TO", "from": {"key": "elon-musk"}, "to": {"key": "musk-v-microsoft"}, "attributes": [{"key": "role", "value": "ACCUSER"}]},
				  {"type": "PARTY_TO", "from": {"key": "microsoft"}, "to": {"key": "musk-v-microsoft"}, "attributes": [{"key": "role", "value": "ACCUSED"}]}]}]}}`,
		},
		{
			name:  "paths by type and first",
			query: `{ party: paths(from: "elon-musk", to: "microsoft", types: [PARTY_TO]) { relations { to { key } } } one: paths(from: "elon-musk", to: "microsoft", first: 1) { status } short: paths(from: "elon-musk", to: "microsoft", maxDepth: 1) { status } }`,
			want: `{"data": {"party": [{"relations": [{"to": {"key": "musk-v-microsoft"}}, {"to": {"key": "musk-v-microsoft"}}]}],
				"one": [{"status": "ASSERTED"}], "short": []}}`,
		},
		{
			name:  "neighborhood",
			query: `{ neighborhood(entity: "openai") { nodes { key } relations { type from { key } to { key } } } }`,
			want: `{"data": {"neighborhood": {"nodes": [{"key": "openai"}, {"key": "microsoft"}, {"key": "elon-musk"}],
				"relations": [{"type": "INVESTED_IN", "from": {"key": "microsoft"}, "to": {"key": "openai"}}, {"type": "FOUNDED", "from": {"key": "elon-musk"}, "to": {"key": "openai"}}]}}}`,
		},
		{
			name:  "neighborhood limit",
			query: `{ neighborhood(entity: "openai", depth: 2, limit: 2) { nodes { key } relations { type } } }`,
			want:  `{"data": {"neighborhood": {"nodes": [{"key": "openai"}, {"key": "microsoft"}], "relations": [{"type": "INVESTED_IN"}]}}}`,
		},
		{
			name:  "which disputes involve microsoft",
			query: `{ disputes(party: "Microsoft") { totalCount edges { node { key name status: attribute(key: "status") } } } }`,
			want:  `{"data": {"disputes": {"totalCount": 1, "edges": [{"node": {"key": "musk-v-microsoft", "name": "Musk v. Microsoft", "status": "THREATENED"}}]}}}`,
		},
		{
			name:  "disputes by status and all",
			query: `{ filed: disputes(status: FILED) { totalCount edges { node { key } } } all: disputes { totalCount edges { node { key } } } settled: disputes(status: SETTLED) { totalCount } }`,
			want: `{"data": {"filed": {"totalCount": 1, "edges": [{"node": {"key": "getty-v-stability"}}]},
				"all": {"totalCount": 2, "edges": [{"node": {"key": "musk-v-microsoft"}}, {"node": {"key": "getty-v-stability"}}]},
				"settled": {"totalCount": 0}}}`,
		},
		{
			name:  "who invested in openai and how much",
			query: `{ entity(ref: "OpenAI") { relations(direction: IN, types: [INVESTED_IN]) { totalCount edges { node { from { name } amount: attribute(key: "amount") statements { status date } } } } } }`,
			want: `{"data": {"entity": {"relations": {"totalCount": 1, "edges": [{"node": {"from": {"name": "Microsoft"}, "amount": "$10 billion",
				"statements": [{"status": "ASSERTED", "date": "2023-01"}]}}]}}}}`,
		},
		{
			name:  "entity relations in both directions",
			query: `{ entity(ref: "microsoft") { out: relations(direction: OUT) { totalCount edges { node { type to { key } } } } in: relations(direction: IN) { totalCount } all: relations { totalCount } } }`,
			want: `{"data": {"entity": {"out": {"totalCount": 3, "edges": [{"node": {"type": "TRAINED_ON", "to": {"key": "twitter-posts"}}},
				{"node": {"type": "INVESTED_IN", "to": {"key": "openai"}}}, {"node": {"type": "PARTY_TO", "to": {"key": "musk-v-microsoft"}}}]},
				"in": {"totalCount": 0}, "all": {"totalCount": 3}}}}`,
		},
		{
			name:  "relation dates",
			query: `{ paths(from: "elon-musk", to: "openai", maxDepth: 1) { relations { type validFrom validTo } } }`,
			want:  `{"data": {"paths": [{"relations": [{"type": "FOUNDED", "validFrom": "2015", "validTo": null}]}]}}`,
		},
		{
			name: "stats",
			query: `{ stats { entities relations statements entitiesByKind { kind count } relationsByType { type count }
				relationsByStatus { status count } statementsByStatus { status count } } }`,
			want: `{"data": {"stats": {"entities": 12, "relations": 11, "statements": 11,
				"entitiesByKind": [{"kind": "ORGANIZATION", "count": 5}, {"kind": "PERSON", "count": 1}, {"kind": "DATASET", "count": 2},
				  {"kind": "MODEL", "count": 1}, {"kind": "DISPUTE", "count": 2}, {"kind": "DOCUMENT", "count": 1}],
				"relationsByType": [{"type": "TRAINED_ON", "count": 2}, {"type": "OWNS", "count": 2}, {"type": "DEVELOPED", "count": 1},
				  {"type": "INVESTED_IN", "count": 1}, {"type": "FOUNDED", "count": 1}, {"type": "PARTY_TO", "count": 4}],
				"relationsByStatus": [{"status": "ASSERTED", "count": 9}, {"status": "ALLEGED", "count": 2}],
				"statementsByStatus": [{"status": "ASSERTED", "count": 9}, {"status": "ALLEGED", "count": 2}]}}}`,
		},
		{
			name:  "node of an entity",
			query: `{ node(id: "$id(twitter-posts)") { __typename id ... on Entity { key kind } } }`,
			want:  `{"data": {"node": {"__typename": "Entity", "id": "$id(twitter-posts)", "key": "twitter-posts", "kind": "DATASET"}}}`,
		},
		{
			name:  "node of a relation",
			query: `{ node(id: "$rel(microsoft TRAINED_ON twitter-posts)") { __typename id ... on Relation { type from { key } to { key } status statements { id } } } }`,
			want: `{"data": {"node": {"__typename": "Relation", "id": "$rel(microsoft TRAINED_ON twitter-posts)", "type": "TRAINED_ON",
				"from": {"key": "microsoft"}, "to": {"key": "twitter-posts"}, "status": "ALLEGED", "statements": [{"id": "$stmt(microsoft TRAINED_ON twitter-posts 0)"}]}}}`,
		},
		{
			name: "node of a statement",
			query: `{ node(id: "$stmt(microsoft TRAINED_ON twitter-posts 0)") { __typename id ... on Statement { relationId status claimedBy { key } date
				evidence { document { key name } quote } dispute { key } note recordedAt retractedReason retractedAt previousStatus } } }`,
			want: `{"data": {"node": {"__typename": "Statement", "id": "$stmt(microsoft TRAINED_ON twitter-posts 0)", "relationId": "$rel(microsoft TRAINED_ON twitter-posts)",
				"status": "ALLEGED", "claimedBy": {"key": "elon-musk"}, "date": "2023-04-19",
				"evidence": [{"document": {"key": "doc-seed-article", "name": "Elon Musk Threatens to Sue Microsoft"}, "quote": "` + seedQuote + `"}],
				"dispute": {"key": "musk-v-microsoft"}, "note": null, "recordedAt": "<time>", "retractedReason": null, "retractedAt": null, "previousStatus": null}}}`,
		},
		{
			name:  "node of nothing is null",
			query: `{ node(id: "00000000-0000-0000-0000-000000000001") { id } }`,
			want:  `{"data": {"node": null}}`,
		},
		{
			name:  "statement relationId inside a relation",
			query: `{ relations(type: DEVELOPED) { edges { node { id statements { relationId } } } } }`,
			want: `{"data": {"relations": {"edges": [{"node": {"id": "$rel(stability-ai DEVELOPED stable-diffusion)",
				"statements": [{"relationId": "$rel(stability-ai DEVELOPED stable-diffusion)"}]}}]}}}`,
		},
	})
}
