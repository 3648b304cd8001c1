package e2e

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestPublicRecordThroughTheServer asks a fresh server, from the bundled
// data, the questions a reporter brings to the record: every case against
// OpenAI with its status today, and the status of well-known cases at dates
// along their timelines (issue: "The public record, current and complete").
func TestPublicRecordThroughTheServer(t *testing.T) {
	srv := startServer(t, cleanEnv(t), "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0")

	t.Run("every OpenAI case, with its status today", func(t *testing.T) {
		resp := graphql(t, srv.url, "", `{ disputes(party: "openai", first: 100) { totalCount edges { node { key disputeStatus events { date status } } } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var out struct {
			Disputes struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Key           string
						DisputeStatus string
						Events        []struct{ Date, Status string }
					}
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range out.Disputes.Edges {
			n := e.Node
			got[n.Key] = n.DisputeStatus
			// Today's status is the status of the latest event.
			latest := ""
			var latestDate string
			for _, ev := range n.Events {
				if ev.Date >= latestDate {
					latest, latestDate = ev.Status, ev.Date
				}
			}
			if n.DisputeStatus != latest {
				t.Errorf("%s: disputeStatus %s, but its latest event (%s) says %s", n.Key, n.DisputeStatus, latestDate, latest)
			}
		}
		// Cases against OpenAI on the public record; the status is given
		// where it is settled law that it cannot change back.
		want := map[string]string{
			"nyt-v-microsoft-openai": "", "daily-news-v-microsoft-openai": "", "intercept-v-openai": "",
			"raw-story-v-openai": "DISMISSED", "authors-guild-v-openai": "", "tremblay-v-openai": "",
			"cir-v-openai": "", "chabon-v-openai": "", "in-re-openai-copyright-litigation": "",
			"ziff-davis-v-openai": "", "ani-v-openai": "", "canadian-news-v-openai": "",
			"gema-v-openai": "", "garante-v-openai": "",
		}
		for key, status := range want {
			st, ok := got[key]
			switch {
			case !ok:
				t.Errorf("disputes(party: \"openai\") lacks %s", key)
			case st == "":
				t.Errorf("%s has no status", key)
			case status != "" && st != status:
				t.Errorf("%s: status %s, want %s", key, st, status)
			}
		}
		if out.Disputes.TotalCount != len(out.Disputes.Edges) {
			t.Errorf("totalCount %d, but %d edges on one page of 100", out.Disputes.TotalCount, len(out.Disputes.Edges))
		}
	})

	t.Run("three cases at dates along their timelines", func(t *testing.T) {
		resp := graphql(t, srv.url, "", `{
			nyt: entity(ref: "nyt-v-microsoft-openai") { a: disputeStatus(asOf: "2023-12-01") b: disputeStatus(asOf: "2024-06-01") c: disputeStatus(asOf: "2026-11-30") }
			bartz: entity(ref: "bartz-v-anthropic") { a: disputeStatus(asOf: "2024-08-01") b: disputeStatus(asOf: "2025-01-15") c: disputeStatus(asOf: "2025-07-15") d: disputeStatus(asOf: "2026-11-30") }
			getty: entity(ref: "getty-v-stability-uk") { a: disputeStatus(asOf: "2022-12-01") b: disputeStatus(asOf: "2023-06-01") c: disputeStatus(asOf: "2025-11-20") }
		}`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var out map[string]map[string]*string
		if err := json.Unmarshal(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{
			// NYT v. Microsoft and OpenAI: filed 2023-12-27; the motions to
			// dismiss were decided in 2025 and the case goes on in MDL 3143.
			"nyt": {"a": "", "b": "FILED", "c": "ONGOING"},
			// Bartz v. Anthropic: filed 2024-08-19; Judge Alsup's fair-use
			// ruling 2025-06-23; the USD 1.5 billion class settlement, 2025-09.
			"bartz": {"a": "", "b": "FILED", "c": "RULED", "d": "SETTLED"},
			// Getty Images v. Stability AI in the High Court of England and
			// Wales: issued 2023-01-16, judgment 2025-11-04.
			"getty": {"a": "", "b": "FILED", "c": "RULED"},
		}
		for c, dates := range want {
			for d, w := range dates {
				g := ""
				if p := out[c][d]; p != nil {
					g = *p
				}
				if g != w {
					t.Errorf("%s.%s: disputeStatus %q, want %q", c, d, g, w)
				}
			}
		}
	})
}
