package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/server"
)

// fuzzContentTypes are the Content-Types FuzzGraphQLHandler picks from.
var fuzzContentTypes = []string{
	"application/json",
	"application/graphql",
	"application/json; charset=utf-8",
	"text/plain",
	"",
	"application/json; charset=\"",
	"multipart/form-data; boundary=x",
}

// FuzzGraphQLHandler posts arbitrary bodies to /graphql, with the real schema
// over a small store: the handler must never panic and must always answer
// JSON with a coded error or data, with a status below 500 (or 500 INTERNAL).
func FuzzGraphQLHandler(f *testing.F) {
	for _, seed := range []struct {
		ct   byte
		get  bool
		body string
	}{
		{0, false, `{"query":"{ entity(ref: \"microsoft\") { key relations { edges { node { type to { key } statements { status evidence { url } } } } } } }"}`},
		{0, false, `{"query":"query L($e: String!) { lineage(entity: $e, direction: DOWNSTREAM, asOf: \"2023\") { depth status path { id } } }","variables":{"e":"twitter"},"operationName":"L"}`},
		{0, false, `{"query":"mutation { addStatement(input: {type: TRAINED_ON, from: \"x-ai\", to: \"twitter-posts\", status: ALLEGED, date: \"2024-02\"}) { status } }"}`},
		{0, false, `{"query":"mutation { mergeEntities(keep: \"x-ai\", duplicate: \"Musk\") { key } }"}`},
		{1, false, `{ search(text: "twit", first: 3) { key } paths(from: "musk", to: "twitter") { status } neighborhood(entity: "twitter") { nodes { key } } }`},
		{0, false, `{"query":"{ node(id: \"not-a-uuid\") { id } }"}`},
		{0, false, `{"query":"{ entities(first: 0, after: \"!!\") { totalCount } }"}`},
		{0, false, `[{"query":"{ stats { entities } }"}]`},
		{2, true, `query=%7B+stats+%7B+entities+%7D+%7D&variables=%7B%7D`},
		{3, false, `{"query":"{ __schema { types { name } } }"}`},
	} {
		f.Add(seed.ct, seed.get, []byte(seed.body))
	}
	a := newAPI(f, server.Config{RequestTimeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, ct byte, get bool, body []byte) {
		a.logs.Reset() // keep only this input's log
		var req *http.Request
		if get {
			req = httptest.NewRequest(http.MethodGet, "/graphql", nil)
			req.URL.RawQuery = string(body)
		} else {
			req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			if c := fuzzContentTypes[int(ct)%len(fuzzContentTypes)]; c != "" {
				req.Header.Set("Content-Type", c)
			}
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)

		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("Content-Type %q; body %.300s", rec.Header().Get("Content-Type"), rec.Body)
		}
		var resp struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("answer is not JSON: %v; body %.300s", err, rec.Body)
		}
		codes := map[string]bool{}
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			switch code {
			case "NOT_FOUND", "BAD_INPUT", "UNAUTHENTICATED", "LIMIT_EXCEEDED", "INTERNAL":
			default:
				t.Fatalf("error without a known code: %+v", e)
			}
			codes[code] = true
		}
		if len(resp.Errors) == 0 && len(resp.Data) == 0 {
			t.Fatalf("answer has neither data nor errors: %.300s", rec.Body)
		}
		if rec.Code >= 500 && !(rec.Code == 500 && codes["INTERNAL"]) {
			t.Fatalf("status %d; body %.300s", rec.Code, rec.Body)
		}
		// Nothing in this store fails, so an internal error is a bug (a
		// panic, or an error the schema does not classify).
		if codes["INTERNAL"] {
			t.Fatalf("INTERNAL error; body %.300s\nlog: %s", rec.Body, lastLines(a.logs.String(), 5))
		}
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
