package e2e

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestHistoryThroughTheServer asks the built server the seed story's "since
// when" questions on the bundled data: a dispute's timeline and status over
// time, and the change log as GraphQL and as an Atom feed.
func TestHistoryThroughTheServer(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, cleanEnv(t), "--data", data, "--addr", "127.0.0.1:0")
	// NYT v. OpenAI and Microsoft: filed 2023-12-27, ongoing since.
	resp := graphql(t, srv.url, "", `{ entity(ref: "nyt-v-microsoft-openai") {
		before: disputeStatus(asOf: "2023-12-01") filed: disputeStatus(asOf: "2024-01-01") now: disputeStatus
		events { date status summary evidence { url publisher { kind name } } } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	body := string(resp.Data)
	for _, want := range []string{`"filed":"FILED"`, `"now":"ONGOING"`, `"date":"2023-12-27"`, `sec.gov`, `"publisher":{"kind":"regulator"`} {
		if !strings.Contains(body, want) {
			t.Errorf("NYT v. OpenAI timeline lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, `"before":"FILED"`) {
		t.Errorf("the dispute reads FILED before it was filed:\n%s", body)
	}
	// The load is in the log, one entry per item.
	resp = graphql(t, srv.url, "", `{ changes(entity: "nyt-v-microsoft-openai", first: 500) { edges { node { kind } } } }`, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "ENTITY_CREATED") || !strings.Contains(string(resp.Data), "EVENT_ADDED") {
		t.Fatalf("changes of the dispute: %s %v", resp.Data, resp.Errors)
	}
	res, err := http.Get(srv.url + "/feeds/entity/nyt-v-microsoft-openai.atom")
	if err != nil {
		t.Fatal(err)
	}
	feed, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") ||
		!strings.Contains(string(feed), `<feed xmlns="http://www.w3.org/2005/Atom">`) || !strings.Contains(string(feed), "EVENT_ADDED") {
		t.Fatalf("dispute feed: %d %s\n%.600s", res.StatusCode, res.Header.Get("Content-Type"), feed)
	}
}
