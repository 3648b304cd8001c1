package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestExplorerRoutes checks that every explorer URL of SPEC §9 gets the
// explorer's page, keys with an escaped / included, and that its assets are
// served; the page is the built bundle or the "not built" page, whichever is
// embedded.
func TestExplorerRoutes(t *testing.T) {
	ts := startServer(t, Config{})
	built := ts.explorer.built
	var first string
	for _, path := range []string{
		"/",
		"/e/twitter",
		"/e/license%2Fapache-2-0",
		"/e/license%2Fapache-2-0/lineage?direction=UPSTREAM",
		"/e/twitter/lineage?direction=DOWNSTREAM&asOf=2023-01-01&minStatus=ASSERTED&kinds=MODEL",
		"/e/openai/graph?depth=2&asOf=2023-04-19",
		"/e/gpt-4/compliance?use=COMMERCIAL",
		"/paths?from=elon-musk&to=microsoft",
	} {
		r := send(t, http.MethodGet, ts.url+path, "", nil)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", path, r.status, r.header.Get("Content-Type"))
		}
		if first == "" {
			first = r.raw
		} else if r.raw != first {
			t.Errorf("GET %s: a different page from GET /", path)
		}
		csp := r.header.Get("Content-Security-Policy")
		if built && csp != explorerCSP {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
		if strings.Contains(csp, "http") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: Content-Security-Policy %q lets in other origins or eval", path, csp)
		}
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(first) {
		t.Errorf("the page loads something from another origin:\n%s", first)
	}
	if !built {
		t.Log("explorer not built; checking the not-built page")
		if !strings.Contains(first, "not built") || !strings.Contains(first, "server/explorer/build.sh") {
			t.Errorf("not-built page: %s", first)
		}
		return
	}
	if !strings.Contains(first, `src="/explorer/app.js"`) || !strings.Contains(first, `href="/explorer/app.css"`) {
		t.Fatalf("page does not load the bundle:\n%s", first)
	}
	for file, ctype := range map[string]string{
		"app.js":  "text/javascript; charset=utf-8",
		"app.css": "text/css; charset=utf-8",
	} {
		a := send(t, http.MethodGet, ts.url+"/explorer/"+file, "", nil)
		if a.status != http.StatusOK || a.header.Get("Content-Type") != ctype || len(a.raw) < 1000 || a.header.Get("ETag") == "" {
			t.Errorf("GET /explorer/%s: %d %q, %d bytes, ETag %q", file, a.status, a.header.Get("Content-Type"), len(a.raw), a.header.Get("ETag"))
		}
		again := send(t, http.MethodGet, ts.url+"/explorer/"+file, "", nil, "If-None-Match", a.header.Get("ETag"))
		if again.status != http.StatusNotModified {
			t.Errorf("GET /explorer/%s with its ETag: %d, want 304", file, again.status)
		}
	}
	for _, path := range []string{"/explorer/README.md", "/explorer/index.html", "/explorer/nope.js", "/elsewhere"} {
		if a := send(t, http.MethodGet, ts.url+path, "", nil); a.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, a.status)
		}
	}
	if r := send(t, http.MethodPost, ts.url+"/e/twitter", "application/json", strings.NewReader("{}")); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /e/twitter: %d, want 405", r.status)
	}
}

// TestGraphQLFromBrowser checks that GET /graphql shows GraphiQL to a browser
// (Accept: text/html) and answers queries for everything else.
func TestGraphQLFromBrowser(t *testing.T) {
	ts := startServer(t, Config{})
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	r := send(t, http.MethodGet, ts.url+"/graphql", "", nil, "Accept", browser)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /graphql from a browser: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if page := send(t, http.MethodGet, ts.url+"/graphiql", "", nil); page.raw != r.raw {
		t.Error("GET /graphql from a browser differs from /graphiql")
	}
	for _, accept := range []string{"", "application/json", "application/graphql-response+json, application/json;q=0.9", "*/*"} {
		q := send(t, http.MethodGet, ts.url+"/graphql?query=%7Bhello%7D", "", nil, "Accept", accept)
		if q.status != http.StatusOK || q.body.Data["hello"] == nil {
			t.Errorf("GET /graphql?query={hello} with Accept %q: %d %s", accept, q.status, q.raw)
		}
	}
	if p := postJSON(t, ts, map[string]any{"query": `{ hello }`}, "Accept", browser); p.status != http.StatusOK || p.body.Data["hello"] == nil {
		t.Errorf("POST /graphql with a browser's Accept: %d %s", p.status, p.raw)
	}
}

func TestExplorerNotBuilt(t *testing.T) {
	e, err := loadExplorerFS(fstest.MapFS{explorerDir + "/README.md": {Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if e.built || string(e.page) != explorerNotBuilt || len(e.assets) != 0 {
		t.Errorf("built=%v assets=%d", e.built, len(e.assets))
	}
}

func TestExplorerBundle(t *testing.T) {
	fsys := fstest.MapFS{
		explorerDir + "/index.html":       {Data: []byte("<html>page</html>")},
		explorerDir + "/app.js":           {Data: []byte("console.log(1)")},
		explorerDir + "/app.css":          {Data: []byte("body{}")},
		explorerDir + "/app.js.LEGAL.txt": {Data: []byte("licences")},
		explorerDir + "/README.md":        {Data: []byte("x")},
		explorerDir + "/sub/ignored.js":   {Data: []byte("x")},
	}
	e, err := loadExplorerFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !e.built || string(e.page) != "<html>page</html>" {
		t.Fatalf("built=%v page=%q", e.built, e.page)
	}
	want := map[string]string{
		"app.js":           "text/javascript; charset=utf-8",
		"app.css":          "text/css; charset=utf-8",
		"app.js.LEGAL.txt": "text/plain; charset=utf-8",
	}
	if len(e.assets) != len(want) {
		t.Errorf("assets %v, want %v", e.assets, want)
	}
	for name, ctype := range want {
		if a, ok := e.assets[name]; !ok || a.contentType != ctype || a.etag == "" {
			t.Errorf("asset %s: %+v", name, a)
		}
	}
}

func TestAcceptsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"text/html":                         true,
		"text/html,application/xhtml+xml":   true,
		"application/json, text/html;q=0.1": true,
		"TEXT/HTML":                         true,
		"":                                  false,
		"*/*":                               false,
		"application/json":                  false,
		"text/htmlx":                        false,
		"application/graphql-response+json": false,
	} {
		r, _ := http.NewRequest(http.MethodGet, "/graphql", nil)
		r.Header.Set("Accept", accept)
		if got := acceptsHTML(r); got != want {
			t.Errorf("acceptsHTML(%q) = %v, want %v", accept, got, want)
		}
	}
}
