package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	ts := startServer(t, Config{Token: "s3cret", Gauges: []Gauge{{
		Name: "whosedata_store_size_bytes", Help: "Size of the store in bytes.",
		Value: func() float64 { return 1234 },
	}}})
	postJSON(t, ts, map[string]any{"query": "query Hello { hello }"})                   // name from the document
	postJSON(t, ts, map[string]any{"query": "{ hello }"})                               // anonymous
	postJSON(t, ts, map[string]any{"query": "query Q { coded }", "operationName": "Q"}) // NOT_FOUND
	postJSON(t, ts, map[string]any{"query": "{ secret }"})                              // INTERNAL
	postJSON(t, ts, map[string]any{"query": "{ nope }"})                                // BAD_INPUT, not executed
	postJSON(t, ts, map[string]any{"query": "query Q { hello }", "operationName": "Q"})
	postJSON(t, ts, map[string]any{"query": "{ hello }", "operationName": "no such op!"}) // BAD_INPUT
	postJSON(t, ts, map[string]any{"query": "{ hello }"}, "Authorization", "Bearer wrong")
	send(t, http.MethodGet, ts.url+"/healthz", "", nil)
	send(t, http.MethodGet, ts.url+"/no/such/page", "", nil)

	r := send(t, http.MethodGet, ts.url+"/metrics", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %q", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`whosedata_http_requests_total{code="200",route="/graphql"} 7`,
		`whosedata_http_requests_total{code="401",route="/graphql"} 1`,
		`whosedata_http_requests_total{code="200",route="/healthz"} 1`,
		`whosedata_http_requests_total{code="404",route="unmatched"} 1`,
		`whosedata_graphql_request_duration_seconds_count{operation="Hello"} 1`,
		`whosedata_graphql_request_duration_seconds_count{operation="anonymous"} 3`,
		`whosedata_graphql_request_duration_seconds_count{operation="Q"} 2`,
		`whosedata_graphql_request_duration_seconds_count{operation="other"} 1`,
		`whosedata_graphql_request_duration_seconds_bucket{operation="Hello",le="+Inf"} 1`,
		`whosedata_graphql_errors_total{code="NOT_FOUND"} 1`,
		`whosedata_graphql_errors_total{code="INTERNAL"} 1`,
		`whosedata_graphql_errors_total{code="BAD_INPUT"} 2`,
		`whosedata_graphql_errors_total{code="UNAUTHENTICATED"} 1`,
		"# HELP whosedata_store_size_bytes Size of the store in bytes.",
		"whosedata_store_size_bytes 1234",
		"go_goroutines ",
	} {
		if !strings.Contains(r.raw, want+"\n") && !strings.Contains(r.raw, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", r.raw)
	}
	// A scrape counts itself once it is answered.
	r = send(t, http.MethodGet, ts.url+"/metrics", "", nil)
	if !strings.Contains(r.raw, `whosedata_http_requests_total{code="200",route="/metrics"} 1`) {
		t.Error("the first scrape is not counted by the second")
	}
	if strings.Contains(r.raw, "s3cret") {
		t.Error("/metrics shows the token")
	}
}

func TestOperationLabelsAreBounded(t *testing.T) {
	m, err := newMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, want string }{
		{"", "anonymous"},
		{"Lineage_2", "Lineage_2"},
		{"has space", "other"},
		{"ünïcode", "other"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), "other"},
		{`x"}` + "\n", "other"},
	} {
		if got := m.operationLabel(tt.name); got != tt.want {
			t.Errorf("operationLabel(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for i := range 3 * maxOperationLabels {
		seen[m.operationLabel(fmt.Sprintf("Op%d", i))] = true
	}
	if len(seen) > maxOperationLabels+1 || !seen["other"] {
		t.Errorf("%d distinct labels from %d names, want at most %d and \"other\"", len(seen), 3*maxOperationLabels, maxOperationLabels+1)
	}
	// Names already in use keep their label.
	if got := m.operationLabel("Lineage_2"); got != "Lineage_2" {
		t.Errorf("a known name became %q", got)
	}
}

func TestMetricsRegistryIsPerServer(t *testing.T) {
	g := []Gauge{{Name: "whosedata_store_size_bytes", Value: func() float64 { return 1 }}}
	for range 2 { // a global registry would refuse the second
		if _, err := New(Config{Schema: testSchema(t), Gauges: g}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name   string
		gauges []Gauge
	}{
		{"bad name", []Gauge{{Name: "store size", Value: func() float64 { return 1 }}}},
		{"no value", []Gauge{{Name: "whosedata_x"}}},
		{"twice", []Gauge{g[0], g[0]}},
		{"clash with own series", []Gauge{{Name: "whosedata_http_requests_total", Value: func() float64 { return 1 }}}},
	} {
		if _, err := New(Config{Schema: testSchema(t), Gauges: tt.gauges}); err == nil || !strings.Contains(err.Error(), "Config.Gauges[") {
			t.Errorf("%s: New returned %v, want an error naming Config.Gauges", tt.name, err)
		}
	}
}
