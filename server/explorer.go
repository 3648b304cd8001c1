package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"strings"
	"time"
)

// explorerFS holds the explorer bundle built by explorer/build.sh: the web
// pages at /, /e/{key}… and /paths, a client of /graphql. Only
// explorer/dist/README.md is committed, so a fresh clone compiles and serves
// the "not built" page until the bundle is built.
//
//go:embed all:explorer/dist
var explorerFS embed.FS

const explorerDir = "explorer/dist"

// explorerCSP lets the explorer load its own script and style sheet and talk
// to /graphql. Its drawing library sets style attributes, and the PNG export
// makes data: and blob: images.
const explorerCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// explorerNotBuilt is served for the explorer's pages when the bundle is absent.
const explorerNotBuilt = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>whosedata · explorer not built</title></head>
<body>
<h1>The explorer is not built</h1>
<p>This binary was built without the explorer's pages. Build them with
<code>make build</code> (or <code>server/explorer/build.sh</code>, which needs
Node.js 20 or newer), then rebuild the binary.</p>
<p>The GraphQL API works without them: <a href="/graphiql">GraphiQL</a>, or send
queries to <a href="/graphql">/graphql</a> with GET or POST.</p>
</body>
</html>
`

// explorer serves the explorer's one page (the same HTML for every view; the
// script reads the URL) and its assets under /explorer/.
type explorer struct {
	built  bool
	page   []byte
	assets map[string]asset
}

// loadExplorer reads the embedded explorer bundle; without dist/index.html it
// serves the "not built" page. It returns an error only when the bundle
// cannot be read.
func loadExplorer() (*explorer, error) {
	return loadExplorerFS(explorerFS)
}

// loadExplorerFS is loadExplorer reading from fsys, for tests.
func loadExplorerFS(fsys fs.FS) (*explorer, error) {
	index, err := fs.ReadFile(fsys, explorerDir+"/index.html")
	if errors.Is(err, fs.ErrNotExist) {
		return &explorer{page: []byte(explorerNotBuilt)}, nil
	}
	if err != nil {
		return nil, err
	}
	assets, err := readAssets(fsys, explorerDir)
	if err != nil {
		return nil, err
	}
	return &explorer{built: true, page: index, assets: assets}, nil
}

// servePage serves the explorer's page for any of its views.
func (e *explorer) servePage(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	if e.built {
		h.Set("Content-Security-Policy", explorerCSP)
	}
	_, _ = w.Write(e.page)
}

// serveAsset serves one file of the explorer bundle.
func (e *explorer) serveAsset(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, e.assets, r.PathValue("file"))
}

// readAssets reads the files of a bundle's dist folder, except index.html
// (served as the page) and README.md (which only keeps the folder in git),
// with their content types and ETags.
func readAssets(fsys fs.FS, dir string) (map[string]asset, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	assets := make(map[string]asset)
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || name == "index.html" || name == "README.md" {
			continue
		}
		body, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, name, err)
		}
		sum := sha256.Sum256(body)
		assets[name] = asset{
			body:        body,
			contentType: contentType(name),
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
	}
	return assets, nil
}

// serveAsset serves the bundle file name from assets with its ETag, so
// browsers revalidate instead of downloading it again; 404 when there is none.
func serveAsset(w http.ResponseWriter, r *http.Request, assets map[string]asset, name string) {
	a, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// acceptsHTML reports whether a request comes from a browser navigating to a
// page: its Accept header lists text/html.
func acceptsHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == "text/html" {
			return true
		}
	}
	return false
}

// pageOr serves page to browsers navigating to the route (acceptsHTML) and
// hands every other request to next: GET /graphql shows GraphiQL in a
// browser and answers queries otherwise.
func pageOr(page http.HandlerFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if acceptsHTML(r) {
			page(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
