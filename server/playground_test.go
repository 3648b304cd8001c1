package server

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestPlaygroundRoute checks /graphiql against what is embedded: the built
// GraphiQL when playground/dist/index.html exists, the "not built" page
// otherwise.
func TestPlaygroundRoute(t *testing.T) {
	ts := startServer(t, Config{PlaygroundQuery: "{ hello }"})
	r := send(t, http.MethodGet, ts.url+"/graphiql", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /graphiql: %d %s", r.status, r.header.Get("Content-Type"))
	}
	csp := r.header.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "http") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q", csp)
	}

	if _, err := fs.Stat(distFS, distDir+"/index.html"); err != nil {
		t.Log("playground not built; checking the not-built page")
		if !strings.Contains(r.raw, "not built") || !strings.Contains(r.raw, "make playground") {
			t.Errorf("not-built page: %s", r.raw)
		}
		return
	}
	if !strings.Contains(r.raw, `src="playground/app.js"`) || !strings.Contains(r.raw, `href="playground/app.css"`) {
		t.Fatalf("page does not load the bundle:\n%s", r.raw)
	}
	if !strings.Contains(r.raw, `"defaultQuery":"{ hello }"`) {
		t.Errorf("page lacks the default query:\n%s", r.raw)
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(r.raw) {
		t.Errorf("page loads something from another origin:\n%s", r.raw)
	}
	for file, ctype := range map[string]string{
		"app.js":  "text/javascript; charset=utf-8",
		"app.css": "text/css; charset=utf-8",
	} {
		a := send(t, http.MethodGet, ts.url+"/playground/"+file, "", nil)
		if a.status != http.StatusOK || a.header.Get("Content-Type") != ctype || len(a.raw) < 1000 {
			t.Errorf("GET /playground/%s: %d %q, %d bytes", file, a.status, a.header.Get("Content-Type"), len(a.raw))
		}
		if a.header.Get("ETag") == "" {
			t.Errorf("GET /playground/%s: no ETag", file)
		}
	}
	for _, path := range []string{"/playground/README.md", "/playground/index.html", "/playground/nope.js"} {
		if a := send(t, http.MethodGet, ts.url+path, "", nil); a.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, a.status)
		}
	}
}

func TestPlaygroundNotBuilt(t *testing.T) {
	p, err := loadPlaygroundFS(fstest.MapFS{distDir + "/README.md": {Data: []byte("x")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.built || string(p.page) != notBuiltPage || len(p.assets) != 0 {
		t.Errorf("built=%v assets=%d", p.built, len(p.assets))
	}
}

func TestPlaygroundConfigEscaped(t *testing.T) {
	index := `<script id="whosedata-config" type="application/json">` + configMarker + `</script>`
	fsys := fstest.MapFS{
		distDir + "/index.html": {Data: []byte(index)},
		distDir + "/app.js":     {Data: []byte("console.log(1)")},
		distDir + "/README.md":  {Data: []byte("x")},
	}
	query := `{ a } </script><script>alert(1)</script> & "quoted"`
	p, err := loadPlaygroundFS(fsys, query)
	if err != nil {
		t.Fatal(err)
	}
	page := string(p.page)
	if strings.Count(page, "</script>") != 1 || strings.Contains(page, "<script>alert") {
		t.Fatalf("settings not escaped: %s", page)
	}
	payload := strings.TrimSuffix(strings.TrimPrefix(page, `<script id="whosedata-config" type="application/json">`), "</script>")
	var cfg pageConfig
	if err := json.Unmarshal([]byte(payload), &cfg); err != nil || cfg.DefaultQuery != query || cfg.Endpoint != "graphql" {
		t.Errorf("settings %q decode to %+v, %v", payload, cfg, err)
	}
	if _, ok := p.assets["app.js"]; !ok || len(p.assets) != 1 {
		t.Errorf("assets %v, want app.js only", p.assets)
	}

	fsys[distDir+"/index.html"] = &fstest.MapFile{Data: []byte("<html>no marker</html>")}
	if _, err := loadPlaygroundFS(fsys, ""); err == nil {
		t.Error("index.html without the marker accepted")
	}
}

// TestPlaygroundSource keeps src/index.html and the Go side in agreement, even
// when the bundle is not built.
func TestPlaygroundSource(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("playground", "src", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(src), configMarker) != 1 {
		t.Errorf("src/index.html must hold %s once", configMarker)
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).Match(src) {
		t.Error("src/index.html loads something from another origin")
	}
}
