package schema_test

import (
	"context"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// licensed adds licences to the seed story: Stable Diffusion under a
// permissive licence, the Getty photos (for the test) under CC BY-NC, and a
// photo collection that derives from them.
func licensed(t *testing.T, opts schema.Options) *harness {
	t.Helper()
	h := newHarness(t, opts)
	lic := func(key, name, use, attr, sa string) graph.EntityInput {
		return graph.EntityInput{Key: key, Kind: graph.License, Name: name, Attributes: []graph.Attribute{
			{Key: "attribution", Value: attr}, {Key: "shareAlike", Value: sa}, {Key: "use", Value: use}}}
	}
	ev := []graph.EvidenceInput{{URL: "https://example.org/licence"}}
	_, err := h.store.Import(context.Background(), &graph.Batch{
		Entities: []graph.EntityInput{
			lic("license/cc-by-nc-4-0", "CC BY-NC 4.0", "NON_COMMERCIAL", "true", "false"),
			lic("license/openrail", "OpenRAIL-M", "COMMERCIAL", "true", "true"),
			{Key: "photo-collection", Kind: graph.Dataset, Name: "Photo collection"},
		},
		Statements: []graph.StatementInput{
			{Type: graph.LicensedUnder, From: "stable-diffusion", To: "license/openrail", Status: graph.Asserted, Evidence: ev},
			{Type: graph.LicensedUnder, From: "getty-images-photos", To: "license/cc-by-nc-4-0", Status: graph.Asserted, Evidence: ev},
			{Type: graph.DerivedFrom, From: "photo-collection", To: "getty-images-photos", Status: graph.Asserted, Evidence: ev},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCompliance(t *testing.T) {
	h := licensed(t, schema.Options{})
	const sel = `verdict use attribution shareAlike disputes { key }
		assets { asset { key } class licenses { key } blocks path { type from { key } to { key } status } }`
	runCases(t, h, []execCase{
		{
			name:  "a model trained on a non-commercial dataset, commercially",
			query: `{ compliance(entity: "Stable Diffusion") { ` + sel + ` } }`,
			want: `{"data": {"compliance": {"verdict": "RESTRICTED", "use": "COMMERCIAL", "attribution": true, "shareAlike": true,
				"disputes": [{"key": "getty-v-stability"}],
				"assets": [
					{"asset": {"key": "stable-diffusion"}, "class": "COMMERCIAL", "licenses": [{"key": "license/openrail"}], "blocks": false, "path": []},
					{"asset": {"key": "getty-images-photos"}, "class": "NON_COMMERCIAL", "licenses": [{"key": "license/cc-by-nc-4-0"}], "blocks": true,
					 "path": [{"type": "TRAINED_ON", "from": {"key": "stable-diffusion"}, "to": {"key": "getty-images-photos"}, "status": "ALLEGED"}]}]}}}`,
		},
		{
			name:  "the same for academic use",
			query: `{ compliance(entity: "stable-diffusion", use: ACADEMIC) { verdict use assets { asset { key } blocks } } }`,
			want: `{"data": {"compliance": {"verdict": "ALLOWED", "use": "ACADEMIC",
				"assets": [{"asset": {"key": "stable-diffusion"}, "blocks": false}, {"asset": {"key": "getty-images-photos"}, "blocks": false}]}}}`,
		},
		{
			name: "before the allegation, and counting asserted claims only",
			query: `{ early: compliance(entity: "stable-diffusion", asOf: "2023-01") { verdict disputes { key } assets { asset { key } } }
				strict: compliance(entity: "stable-diffusion", minStatus: ASSERTED) { verdict } }`,
			want: `{"data": {"early": {"verdict": "ALLOWED", "disputes": [], "assets": [{"asset": {"key": "stable-diffusion"}}]},
				"strict": {"verdict": "ALLOWED"}}}`,
		},
		{
			name: "Entity.compliance: a collection inherits the restriction, with its path",
			query: `{ entity(ref: "photo-collection") { compliance { verdict
				assets { asset { key } class blocks path { type from { key } to { key } } } } } }`,
			want: `{"data": {"entity": {"compliance": {"verdict": "RESTRICTED", "assets": [
				{"asset": {"key": "photo-collection"}, "class": "UNLICENSED", "blocks": false, "path": []},
				{"asset": {"key": "getty-images-photos"}, "class": "NON_COMMERCIAL", "blocks": true,
				 "path": [{"type": "DERIVED_FROM", "from": {"key": "photo-collection"}, "to": {"key": "getty-images-photos"}}]}]}}}}`,
		},
		{
			name:  "a dataset with no licence is UNKNOWN",
			query: `{ entity(ref: "twitter-posts") { compliance(use: NON_COMMERCIAL) { verdict assets { class blocks licenses { key } } } } }`,
			want:  `{"data": {"entity": {"compliance": {"verdict": "UNKNOWN", "assets": [{"class": "UNLICENSED", "blocks": true, "licenses": []}]}}}}`,
		},
		{
			name:  "an unknown entity",
			query: `{ compliance(entity: "nobody") { verdict } }`,
			want: `{"data": null, "errors": [{"message": "not found: entity: no entity is called \"nobody\"",
				"path": ["compliance"], "extensions": {"code": "NOT_FOUND"}}]}`,
		},
		{
			name:  "a bad date",
			query: `{ compliance(entity: "stable-diffusion", asOf: "soon") { verdict } }`,
			want: `{"data": null, "errors": [{"message": "asOf: invalid input: date \"soon\" is not YYYY, YYYY-MM or YYYY-MM-DD",
				"path": ["compliance"], "extensions": {"code": "BAD_INPUT"}}]}`,
		},
	})
}

// TestComplianceBudget checks that the assets count against the request's
// budget, and that a spent budget stops the walk before it starts.
func TestComplianceBudget(t *testing.T) {
	h := licensed(t, schema.Options{MaxCost: 1})
	runCases(t, h, []execCase{{
		name:  "two assets over a budget of one",
		query: `{ compliance(entity: "stable-diffusion") { verdict } }`,
		want: `{"data": null, "errors": [{"message": "limit exceeded: query asks for more than 1 objects; narrow it with first (or fewer nested lists, walks and scans)",
			"path": ["compliance"], "extensions": {"code": "LIMIT_EXCEEDED"}}]}`,
	}})
}
