package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// bundled builds the playground and explorer bundles and then the command
// that embeds them, once for the package's browser tests, and returns the
// command's path.
var bundled = sync.OnceValues(func() (string, error) {
	for _, script := range []string{"playground", "explorer"} {
		build := exec.Command("bash", filepath.Join("..", "server", script, "build.sh"))
		if out, err := build.CombinedOutput(); err != nil {
			return "", fmt.Errorf("server/%s/build.sh: %w\n%s", script, err, out)
		}
	}
	// Beside the package's command, in the folder TestMain removes.
	out := filepath.Join(filepath.Dir(bin), "whosedata-bundled")
	return out, buildCommand(out)
})

// bundledCommand returns the command with both bundles, skipping (outside CI)
// when the browser or npm is missing.
func bundledCommand(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		needInCI(t, "%s is not installed (apt-get install chromium): %v", chromium, err)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		needInCI(t, "npm is not installed, so the bundles cannot be built: %v", err)
	}
	path, err := bundled()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// newBrowser starts headless Chromium with the project's flags and returns a
// context for one tab in it, cancelled when the test ends.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelTab)
	return ctx
}

// page is one explorer tab and the server behind it.
type page struct {
	t   *testing.T
	ctx context.Context
	srv *serverProc
}

// open navigates to path and waits until the explorer has drawn the view
// (body[data-ready]) and, when drawn is set, its picture (body[data-drawn]).
func (p *page) open(path, drawn string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.srv.url + path))
	p.waitReady(drawn)
}

func (p *page) waitReady(drawn string) {
	p.t.Helper()
	cond := `document.body.dataset.ready !== undefined && !document.querySelector('main .loading')`
	if drawn != "" {
		cond += fmt.Sprintf(` && document.body.dataset.drawn === %q`, drawn)
	}
	p.poll(cond)
}

// poll waits for a JavaScript condition, failing with the page's text.
func (p *page) poll(cond string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		p.fail("waiting for %s: %v", cond, err)
	}
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.fail("%v", err)
	}
}

func (p *page) eval(js string, out any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		p.fail("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.fail("evaluate %s: %v", js, err)
	}
}

func (p *page) text(sel string) string {
	p.t.Helper()
	var s string
	p.eval(fmt.Sprintf(`(document.querySelector(%q) || {innerText: ''}).innerText`, sel), &s)
	return s
}

func (p *page) location() string {
	p.t.Helper()
	var s string
	p.eval(`location.pathname + location.search`, &s)
	return s
}

func (p *page) fail(format string, args ...any) {
	p.t.Helper()
	body, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	p.t.Fatalf(format+"\npage text: %.1500s\nserver log (tail): %s", append(args, body, tail(p.srv.log(), 1500))...)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// measure returns the duration in milliseconds of the latest performance
// measure called name, or -1 when there is none.
func (p *page) measure(name string) float64 {
	p.t.Helper()
	var ms float64
	p.eval(fmt.Sprintf(`(() => { const m = performance.getEntriesByName(%q, 'measure'); return m.length ? m[m.length - 1].duration : -1; })()`, name), &ms)
	return ms
}

// screenshot writes a PNG of what the window shows to path.
func (p *page) screenshot(path string) {
	p.t.Helper()
	img, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.fail("screenshot: %v", err)
	}
	if err := os.WriteFile(path, img, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// shot writes a screenshot for a person to look at when WHOSEDATA_SHOTS
// names a folder; nothing otherwise.
func (p *page) shot(name string) {
	p.t.Helper()
	if dir := os.Getenv("WHOSEDATA_SHOTS"); dir != "" {
		p.screenshot(filepath.Join(dir, name+".png"))
	}
}

// TestExplorerInBrowser drives every SPEC §9 URL of the explorer in headless
// Chromium on the bundled data, as a reader would: search, entity, lineage,
// asOf, neighbourhood, dispute, paths, licence check, exports, GraphiQL.
// It logs the time to the first interactive page and the drawing times
// (performance marks; nothing is asserted on time).
func TestExplorerInBrowser(t *testing.T) {
	bin := bundledCommand(t)
	srv := startServerWith(t, bin, cleanEnv(t), "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0")
	p := &page{t: t, ctx: newBrowser(t, 1400, 900), srv: srv}
	downloads := t.TempDir()
	p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:      browser.SetDownloadBehaviorBehaviorAllow,
			DownloadPath:  downloads,
			EventsEnabled: new(true),
		})
		return err
	}))

	t.Run("search finds Twitter from X Corp", func(t *testing.T) {
		p.t = t
		p.open("/", "")
		t.Logf("first interactive page: %.0f ms after navigation start", p.measure("wd:first-interactive"))
		p.do(chromedp.SendKeys(chromedp.CSS("#home-search"), "X Corp"))
		p.poll(`[...document.querySelectorAll('#home-search ~ .search-list [role=option]')].some(o => o.innerText.includes('Twitter') && o.innerText.includes('Organization'))`)
		p.do(chromedp.SendKeys(chromedp.CSS("#home-search"), kb.Enter))
		p.poll(`location.pathname === '/e/twitter'`)
		p.waitReady("")
		if h1 := p.text("h1"); h1 != "Twitter" {
			p.fail("the entity page's title is %q", h1)
		}
		if body := p.text("main"); !strings.Contains(body, "X Corp") || !strings.Contains(body, "Owns") {
			p.fail("the entity page lacks the alias or the relations")
		}
		if disputes := p.text(".disputes"); disputes != "" {
			p.fail("home content left on the entity page")
		}
	})

	t.Run("home lists disputes by status", func(t *testing.T) {
		p.t = t
		p.open("/", "")
		if d := p.text(".disputes"); !strings.Contains(d, "THREATENED") || !strings.Contains(d, "Musk's threat to sue Microsoft over Twitter data") {
			p.fail("disputes by status: %.500s", d)
		}
	})

	t.Run("an alias or a raw slash redirects to the key", func(t *testing.T) {
		p.t = t
		p.open("/e/X%20Corp", "")
		if loc := p.location(); loc != "/e/twitter" {
			p.fail("reached by its alias, the page's URL is %s", loc)
		}
		p.open("/e/license/apache-2-0", "")
		if loc := p.location(); loc != "/e/license%2Fapache-2-0" {
			p.fail("a key with a raw / gives the URL %s", loc)
		}
		if h1 := p.text("h1"); h1 != "Apache 2.0" {
			p.fail("license page title %q", h1)
		}
	})

	t.Run("lineage downstream of Twitter shows Microsoft, alleged by Elon Musk, with the quote", func(t *testing.T) {
		p.t = t
		p.open("/e/twitter/lineage?direction=DOWNSTREAM", "lineage")
		t.Logf("DOWNSTREAM of twitter: drawn %.0f ms after the answer arrived (layout %.0f ms)", p.measure("wd:lineage-answer-to-drawn"), p.measure("wd:lineage-layout"))
		p.poll(`document.body.dataset.claims === 'loaded'`)
		row := p.text(`tr[data-key="microsoft"]`)
		for _, want := range []string{"Microsoft", "ALLEGED", "Elon Musk", "According to Musk, Microsoft mined user tweets", "2023-04-19"} {
			if !strings.Contains(row, want) {
				p.fail("Microsoft's row lacks %q: %s", want, row)
			}
		}
		if s := p.text(".summary"); !strings.Contains(s, "more organisations hidden") || !strings.Contains(s, "minStatus DISPUTED leaves out") {
			p.fail("the summary does not say what is hidden: %s", s)
		}
		if err := os.MkdirAll(filepath.Join("..", "docs"), 0o755); err != nil {
			t.Fatal(err)
		}
		// The README's picture: the summary, the layered picture and its panel.
		p.eval(`(() => { document.querySelector('.summary').scrollIntoView(); return true; })()`, new(bool))
		p.screenshot(filepath.Join("..", "docs", "explorer-lineage.png"))
	})

	t.Run("PNG and SVG export", func(t *testing.T) {
		p.t = t
		for _, kind := range []string{"png", "svg"} {
			name := "twitter-downstream." + kind
			p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[data-export=%q]`, kind))))
			p.poll(fmt.Sprintf(`document.querySelector('.toolbar-status').innerText.includes(%q)`, name))
			body := waitFile(t, filepath.Join(downloads, name))
			switch kind {
			case "png":
				img, err := png.Decode(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("the PNG export does not decode: %v", err)
				}
				if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 200 {
					t.Fatalf("the PNG export is %dx%d", b.Dx(), b.Dy())
				}
				t.Logf("PNG export: %dx%d, %d bytes", img.Bounds().Dx(), img.Bounds().Dy(), len(body))
			case "svg":
				var doc struct {
					XMLName xml.Name
					Texts   []string `xml:"text"`
				}
				if err := xml.Unmarshal(body, &doc); err != nil || doc.XMLName.Local != "svg" {
					t.Fatalf("the SVG export is not an SVG document (%v): %.300s", err, body)
				}
				if !strings.Contains(strings.Join(doc.Texts, " "), "Microsoft") {
					t.Fatalf("the SVG export lacks Microsoft: %v", doc.Texts)
				}
			}
		}
	})

	t.Run("as of 2023-01-01 Microsoft is gone; moved to 2023-04-19 it appears", func(t *testing.T) {
		p.t = t
		p.open("/e/twitter/lineage?direction=DOWNSTREAM&asOf=2023-01-01", "lineage")
		if row := p.text(`tr[data-key="microsoft"]`); row != "" {
			p.fail("Microsoft is listed as of 2023-01-01: %s", row)
		}
		p.eval(`(() => { const i = document.getElementById('asof'); i.value = '2023-04-19'; i.dispatchEvent(new Event('change')); return true; })()`, new(bool))
		p.poll(`location.search.includes('asOf=2023-04-19') && document.body.dataset.claims === 'loaded' && !!document.querySelector('tr[data-key="microsoft"]')`)
		if row := p.text(`tr[data-key="microsoft"]`); !strings.Contains(row, "ALLEGED") {
			p.fail("Microsoft's row as of 2023-04-19: %s", row)
		}
	})

	t.Run("the neighbourhood expands on a click", func(t *testing.T) {
		p.t = t
		p.open("/e/openai/graph?depth=2", "graph")
		var n int
		p.eval(`Number(document.body.dataset.nodes)`, &n)
		t.Logf("neighbourhood of openai at depth 2: %d entities drawn %.0f ms after the answer arrived (layout %.0f ms)", n, p.measure("wd:graph-answer-to-drawn"), p.measure("wd:graph-layout"))
		p.shot("graph-openai-2")

		p.open("/e/elon-musk/graph", "graph")
		var before int
		p.eval(`Number(document.body.dataset.nodes)`, &before)
		// A real click on the drawn entity: its place on the page from the picture.
		var at struct {
			Key  string
			X, Y float64
		}
		p.eval(`(() => {
			const box = document.querySelector('.picture');
			const cy = box._cyreg.cy;
			const n = cy.getElementById('twitter').nonempty() ? cy.getElementById('twitter') : cy.nodes('[role = "node"]')[0];
			const r = box.getBoundingClientRect(), pos = n.renderedPosition();
			return { key: n.id(), x: r.left + pos.x, y: r.top + pos.y };
		})()`, &at)
		p.do(chromedp.MouseClickXY(at.X, at.Y))
		p.poll(fmt.Sprintf(`location.search.includes('expand=' + %q) && document.body.dataset.drawn === 'graph' && Number(document.body.dataset.nodes) > %d`, at.Key, before))
		var after int
		p.eval(`Number(document.body.dataset.nodes)`, &after)
		t.Logf("clicking %s grew the picture from %d to %d entities", at.Key, before, after)
		if !strings.Contains(p.text(".panel"), "Hide") {
			p.fail("the panel of the expanded entity offers no Hide")
		}
		p.shot("graph-musk-expanded")
	})

	t.Run("a dispute shows its parties and its timeline", func(t *testing.T) {
		p.t = t
		p.open("/e/musk-v-microsoft-twitter-data", "")
		d := p.text(".dispute")
		for _, want := range []string{"THREATENED", "Elon Musk", "Accuser", "Microsoft", "Accused", "Twitter posts", "Timeline"} {
			if !strings.Contains(d, want) {
				p.fail("the dispute box lacks %q: %s", want, d)
			}
		}
		var events int
		p.eval(`document.querySelectorAll('.timeline li').length`, &events)
		if events == 0 && !strings.Contains(d, "not available on this server yet") {
			p.fail("no timeline, and no word that it is not available: %s", d)
		}
		p.shot("dispute")
	})

	t.Run("paths between Elon Musk and Microsoft", func(t *testing.T) {
		p.t = t
		p.open("/paths?from=elon-musk&to=microsoft", "paths")
		if l := p.text(".path-list"); !strings.Contains(l, "Microsoft") || !strings.Contains(l, "Elon Musk") {
			p.fail("path list: %s", l)
		}
	})

	t.Run("licence check", func(t *testing.T) {
		p.t = t
		p.open("/e/gpt-4/compliance", "")
		if m := p.text("main"); !strings.Contains(m, "not available on this server yet") && !strings.Contains(m, "for commercial use") {
			p.fail("licence check page: %s", m)
		}
	})

	t.Run("GraphiQL at /graphiql and for a browser at /graphql", func(t *testing.T) {
		p.t = t
		for _, path := range []string{"/graphiql", "/graphql"} {
			p.do(chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
		}
	})

	t.Run("readable at 390 px", func(t *testing.T) {
		p.t = t
		p.do(chromedp.EmulateViewport(390, 844))
		p.open("/e/twitter/lineage?direction=DOWNSTREAM", "lineage")
		p.fitsWidth(390)
		p.shot("lineage-390")
		p.open("/e/musk-v-microsoft-twitter-data", "")
		p.fitsWidth(390)
		p.shot("dispute-390")
		p.open("/", "")
		p.fitsWidth(390)
		p.shot("home-390")
		p.do(chromedp.EmulateViewport(1400, 900))
	})
}

// fitsWidth fails when the page is wider than width, naming the elements
// that stick out.
func (p *page) fitsWidth(width int) {
	p.t.Helper()
	var wide []string
	p.eval(fmt.Sprintf(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d + 1 && getComputedStyle(e).position !== 'absolute').filter(e => !e.closest('.table-scroll, .picture, pre')).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`, width), &wide)
	if len(wide) > 0 {
		p.fail("at %d px these stick out: %v", width, wide)
	}
}

// waitFile waits for a download to appear complete at path and returns it.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		body, err := os.ReadFile(path)
		if err == nil && len(body) > 0 {
			return body
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(filepath.Dir(path))
			t.Fatalf("no download at %s (folder holds %v): %v", path, entries, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
