package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// distFS holds the GraphiQL bundle built by playground/build.sh. Only
// playground/dist/README.md is committed, so a fresh clone compiles and serves
// the "not built" page until the bundle is built.
//
//go:embed all:playground/dist
var distFS embed.FS

const distDir = "playground/dist"

// configMarker is replaced in dist/index.html by the page's settings as JSON.
const configMarker = "{{WHOSEDATA_CONFIG}}"

// pageCSP lets the playground load its own script and style sheet and talk to
// /graphql. GraphiQL needs inline styles (its components set style
// attributes), and its CSS inlines fonts and images as data: URLs.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// notBuiltPage is served at /graphiql when the bundle is absent.
const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>whosedata · playground not built</title></head>
<body>
<h1>The GraphiQL playground is not built</h1>
<p>This binary was built without the playground bundle. Build it with
<code>make playground</code> (or <code>server/playground/build.sh</code>, which needs
Node.js 20 or newer), then rebuild the binary.</p>
<p>The GraphQL API works without it: send queries to <a href="graphql">/graphql</a>
with GET or POST.</p>
</body>
</html>
`

// playground serves the GraphiQL page and its assets from distFS.
type playground struct {
	built  bool
	page   []byte           // index.html with the settings, or notBuiltPage
	assets map[string]asset // by file name, served under /playground/
}

// asset is one file of the bundle.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// pageConfig is the JSON the page reads from its #whosedata-config element.
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery,omitempty"`
}

// loadPlayground reads the embedded bundle. It returns the "not built" page
// when there is no dist/index.html, and an error when index.html lacks the
// settings marker, which means src/index.html and this file disagree.
func loadPlayground(defaultQuery string) (*playground, error) {
	return loadPlaygroundFS(distFS, defaultQuery)
}

// loadPlaygroundFS is loadPlayground reading from fsys, for tests.
func loadPlaygroundFS(fsys fs.FS, defaultQuery string) (*playground, error) {
	index, err := fs.ReadFile(fsys, distDir+"/index.html")
	if errors.Is(err, fs.ErrNotExist) {
		return &playground{page: []byte(notBuiltPage)}, nil
	}
	if err != nil {
		return nil, err
	}
	// json.Marshal escapes <, > and & as \u003c and so on, so the settings
	// cannot end the <script> element they are written into.
	cfg, err := json.Marshal(pageConfig{Endpoint: "graphql", DefaultQuery: defaultQuery})
	if err != nil {
		return nil, err
	}
	if bytes.Count(index, []byte(configMarker)) != 1 {
		return nil, fmt.Errorf("%s/index.html must contain %s exactly once; rebuild with server/playground/build.sh", distDir, configMarker)
	}
	assets, err := readAssets(fsys, distDir)
	if err != nil {
		return nil, err
	}
	return &playground{
		built:  true,
		page:   bytes.Replace(index, []byte(configMarker), cfg, 1),
		assets: assets,
	}, nil
}

// contentType returns the Content-Type of a bundle file. The usual types are
// fixed here rather than taken from the system's MIME tables, which vary.
func contentType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

// servePage serves the playground page, or the "not built" page.
func (p *playground) servePage(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	if p.built {
		h.Set("Content-Security-Policy", pageCSP)
	} // else the strict default set by observe stays: the page is plain HTML.
	_, _ = w.Write(p.page)
}

// serveAsset serves one file of the bundle.
func (p *playground) serveAsset(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, p.assets, r.PathValue("file"))
}
