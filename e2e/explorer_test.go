package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
		t.Logf("neighbourhood of openai at depth 2, datasets folded: %d boxes and entities drawn %.0f ms after the answer arrived (layout %.0f ms)", n, p.measure("wd:graph-answer-to-drawn"), p.measure("wd:graph-layout"))
		if n > 200 || !strings.Contains(p.text(".summary"), "folded") {
			p.fail("the neighbourhood of openai at depth 2 draws %d nodes, or does not say what it folded: %s", n, p.text(".summary"))
		}
		p.shot("graph-openai-2")
		p.do(chromedp.Click(chromedp.CSS(`button[data-unfold="DATASET"]`)))
		p.poll(`location.search.includes('all=DATASET') && document.body.dataset.drawn === 'graph' && Number(document.body.dataset.nodes) > 300`)
		t.Logf("neighbourhood of openai at depth 2, every dataset: drawn %.0f ms after the answer arrived (layout %.0f ms)", p.measure("wd:graph-answer-to-drawn"), p.measure("wd:graph-layout"))

		p.open("/e/elon-musk/graph", "graph")
		var before int
		p.eval(`Number(document.body.dataset.nodes)`, &before)
		// A real click on the drawn entity: its place on the page from the picture.
		var at struct {
			Key  string
			X, Y float64
		}
		// On a busy machine the picture may still be settling when its
		// place is read, and the click miss: read it again and retry.
		expanded := func() string {
			return fmt.Sprintf(`location.search.includes('expand=' + %q) && document.body.dataset.drawn === 'graph' && Number(document.body.dataset.nodes) > %d`, at.Key, before)
		}
		for try := 1; ; try++ {
			p.eval(`(() => {
			const box = document.querySelector('.picture');
			const cy = box._cyreg.cy;
			const n = cy.getElementById('twitter').nonempty() ? cy.getElementById('twitter') : cy.nodes('[role = "node"]')[0];
			const r = box.getBoundingClientRect(), pos = n.renderedPosition();
			return { key: n.id(), x: r.left + pos.x, y: r.top + pos.y };
		})()`, &at)
			p.do(chromedp.MouseClickXY(at.X, at.Y))
			_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expanded(), chromedp.WithPollingTimeout(15*time.Second)))
			if err == nil {
				break
			}
			p.t.Logf("click %d on %s did not expand it (%v)", try, at.Key, err)
			if try == 2 {
				// On a loaded machine the mouse can keep missing a node
				// that is still settling: send the tap the click makes to
				// the node itself, so the expansion is still tested.
				p.t.Logf("tapping %s through the picture instead", at.Key)
				p.eval(fmt.Sprintf(`(() => { document.querySelector('.picture')._cyreg.cy.getElementById(%q).emit('tap'); return true; })()`, at.Key), new(bool))
				break
			}
		}
		p.poll(expanded())
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

	t.Run("search shows what matched, the snippet with the words marked", func(t *testing.T) {
		p.t = t
		p.open("/?q=lawsuit%20Perplexity", "")
		p.poll(`document.querySelectorAll('.result').length > 0`)
		first := p.text(".result")
		var key, matched string
		p.eval(`document.querySelector('.result').dataset.key`, &key)
		p.eval(`document.querySelector('.result').dataset.matched`, &matched)
		if key != "nikkei-asahi-v-perplexity" || !strings.Contains(first, "Dispute") || matched == "name" {
			p.fail("the first result for lawsuit Perplexity is %s (%s): %s", key, matched, first)
		}
		var marks []string
		p.eval(`[...document.querySelector('.result').querySelectorAll('mark')].map(m => m.innerText.toLowerCase())`, &marks)
		if !slices.Contains(marks, "lawsuit") || !slices.Contains(marks, "perplexity") {
			p.fail("the snippet marks %v, not both words: %s", marks, first)
		}
		p.shot("search-lawsuit-perplexity")
		for _, q := range []string{"books", "scraping"} {
			p.open("/?q="+q, "")
			var n int
			p.eval(`document.querySelectorAll('.result').length`, &n)
			if n == 0 {
				p.fail("nothing found for %q", q)
			}
			p.shot("search-" + q)
		}
		var snippets int
		p.eval(`document.querySelectorAll('.result mark').length`, &snippets)
		if snippets == 0 {
			p.fail("no snippet for scraping marks the word: %s", p.text(".results"))
		}
	})

	t.Run("a dispute's status follows the asOf control; its timeline has dates, statuses, forum and evidence", func(t *testing.T) {
		p.t = t
		p.open("/e/nyt-v-microsoft-openai", "")
		status := func() string {
			var s string
			p.eval(`(document.querySelector('.dispute [data-dispute-status]') || {dataset: {}}).dataset.disputeStatus || ''`, &s)
			return s
		}
		if s := status(); s != "ONGOING" {
			p.fail("the status now is %q", s)
		}
		var events int
		p.eval(`document.querySelectorAll('.timeline li').length`, &events)
		tl := p.text(".timeline")
		if events < 3 || !strings.Contains(tl, "2023-12-27") || !strings.Contains(tl, "FILED") || !strings.Contains(tl, "MDL No. 3143") ||
			!(strings.Contains(tl, "sec.gov") || strings.Contains(tl, "Securities and Exchange Commission")) {
			p.fail("the timeline (%d events): %s", events, tl)
		}
		if f := p.text(".forum"); !strings.Contains(f, "MDL No. 3143") {
			p.fail("the forum now: %s", f)
		}
		p.eval(`(() => { const i = document.getElementById('asof'); i.value = '2024-06-01'; i.dispatchEvent(new Event('change')); return true; })()`, new(bool))
		p.poll(`location.search.includes('asOf=2024-06-01') && !!document.querySelector('.dispute [data-dispute-status="FILED"]')`)
		if d := p.text(".dispute-status"); !strings.Contains(d, "as of 2024-06-01") {
			p.fail("the status does not say its date: %s", d)
		}
		if f := p.text(".forum"); strings.Contains(f, "MDL") {
			p.fail("as of 2024-06-01 the forum is still the later one: %s", f)
		}
		p.shot("dispute-nyt-2024")
	})

	t.Run("recorded as of: the record as it stood, in the URL; a retracted event greyed and labelled", func(t *testing.T) {
		p.t = t
		// What the store holds now, then one event added and one retracted after it.
		var before struct {
			Changes struct {
				Edges []struct{ Node struct{ At string } }
			}
		}
		resp := graphql(t, srv.url, "", `{ changes(last: 1) { edges { node { at } } } }`, nil)
		if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &before) != nil || len(before.Changes.Edges) != 1 {
			t.Fatalf("changes: %+v %s", resp.Errors, resp.Data)
		}
		at, err := time.Parse(time.RFC3339Nano, before.Changes.Edges[0].Node.At)
		if err != nil {
			t.Fatal(err)
		}
		then := at.UTC().Add(time.Second).Truncate(time.Second)
		for time.Now().Before(then.Add(1100 * time.Millisecond)) {
			time.Sleep(100 * time.Millisecond) // the additions below are recorded after then
		}
		resp = graphql(t, srv.url, "", `mutation { addDisputeEvent(dispute: "nyt-v-microsoft-openai", input: {date: "2025-10-01", status: SETTLED, summary: "Explorer test: a settlement recorded after the moment asked about."}) { events { id summary } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("addDisputeEvent: %+v", resp.Errors)
		}
		var added struct {
			AddDisputeEvent struct {
				Events []struct{ ID, Summary string }
			}
		}
		if err := json.Unmarshal(resp.Data, &added); err != nil {
			t.Fatal(err)
		}
		var first string
		for _, e := range added.AddDisputeEvent.Events {
			if strings.Contains(e.Summary, "complaint filed") {
				first = e.ID
			}
		}
		if resp := graphql(t, srv.url, "", `mutation($id: ID!) { retractDisputeEvent(id: $id, reason: "Explorer test: retracted after the moment asked about") { key } }`, map[string]any{"id": first}); len(resp.Errors) > 0 || first == "" {
			t.Fatalf("retractDisputeEvent %q: %+v", first, resp.Errors)
		}

		p.open("/e/nyt-v-microsoft-openai", "")
		if s := p.text(".dispute-status"); !strings.Contains(s, "SETTLED") {
			p.fail("now the dispute is settled: %s", s)
		}
		if r := p.text(".timeline li.retracted"); !strings.Contains(r, "retracted") || !strings.Contains(r, "complaint filed") || !strings.Contains(r, "Explorer test: retracted") {
			p.fail("the retracted event is not greyed and labelled: %q", r)
		}
		// The control, as a reader sets it: UTC, to the second.
		p.eval(fmt.Sprintf(`(() => { const i = document.getElementById('recorded-as-of'); i.value = %q; i.dispatchEvent(new Event('change')); return true; })()`, then.Format("2006-01-02T15:04:05")), new(bool))
		want := "recordedAsOf=" + then.Format("2006-01-02T15:04:05Z")
		p.poll(fmt.Sprintf(`location.search.includes(%q) && !!document.querySelector('.dispute [data-dispute-status="ONGOING"]')`, want))
		if tl := p.text(".timeline"); strings.Contains(tl, "Explorer test: a settlement") || strings.Contains(tl, "retracted") {
			p.fail("as recorded at %s the timeline still shows the later event or retraction: %s", then, tl)
		}
		if h := p.text(".recorded-control"); !strings.Contains(h, "What the record said then") {
			p.fail("the control does not explain itself: %s", h)
		}
		p.shot("dispute-recorded-as-of")

		// The same control on lineage and the graph: in the URL, and asked of the server.
		p.open("/e/twitter/lineage?direction=DOWNSTREAM&recordedAsOf=2000-01-01T00:00:00Z", "")
		if s := p.text(".summary"); !strings.Contains(s, "Nothing is downstream of Twitter") {
			p.fail("as recorded in 2000, before the store held anything: %s", s)
		}
		p.open("/e/twitter/lineage?direction=DOWNSTREAM", "lineage")
		p.eval(`(() => { const i = document.getElementById('recorded-as-of'); i.value = '2000-01-01T00:00'; i.dispatchEvent(new Event('change')); return true; })()`, new(bool))
		p.poll(`location.search.includes('recordedAsOf=2000-01-01T00:00:00Z') && document.querySelector('.summary') && document.querySelector('.summary').innerText.includes('Nothing is downstream')`)
		p.open("/e/openai/graph?recordedAsOf="+then.Format("2006-01-02T15:04:05Z"), "graph")
		if v := p.location(); !strings.Contains(v, "recordedAsOf=") {
			p.fail("the graph's URL lost recordedAsOf: %s", v)
		}
		var val string
		p.eval(`document.getElementById('recorded-as-of').value`, &val)
		if val != then.Format("2006-01-02T15:04:05") {
			p.fail("the graph's control shows %q", val)
		}
	})

	t.Run("feeds: the home page links the change feed, an entity its own", func(t *testing.T) {
		p.t = t
		p.open("/", "")
		p.poll(`!!document.querySelector('.changes a[href="/feeds/changes.atom"]') && document.querySelectorAll('.change-list li').length === 20`)
		p.open("/e/twitter", "")
		var href string
		p.eval(`(document.querySelector('a.feed') || {}).getAttribute ? document.querySelector('a.feed').getAttribute('href') : ''`, &href)
		if href != "/feeds/entity/twitter.atom" {
			p.fail("the entity's feed link is %q", href)
		}
		for _, path := range []string{"/feeds/changes.atom", href} {
			resp, err := client.Get(srv.url + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "<feed") {
				t.Fatalf("GET %s: HTTP %d %.200s", path, resp.StatusCode, body)
			}
		}
	})

	t.Run("licence check of Stable Diffusion: the verdict first, then what decides it", func(t *testing.T) {
		p.t = t
		p.open("/e/stable-diffusion/compliance", "")
		var verdict string
		p.eval(`(document.querySelector('[data-verdict]') || {dataset: {}}).dataset.verdict || ''`, &verdict)
		if verdict != "RESTRICTED" && verdict != "UNKNOWN" {
			p.fail("Stable Diffusion's verdict for commercial use is %q", verdict)
		}
		var blocking []string
		p.eval(`[...document.querySelectorAll('[data-assets=blocking] tbody tr')].map(r => r.dataset.key)`, &blocking)
		if len(blocking) == 0 {
			p.fail("no blocking asset listed: %s", p.text("main"))
		}
		if row := p.text(`[data-assets=blocking] tbody tr`); !strings.Contains(row, "Stable Diffusion") || !strings.Contains(row, "trained on") {
			p.fail("the blocking asset's row lacks its path: %s", row)
		}
		var order bool
		p.eval(`(() => { const v = document.querySelector('.verdict-box'), b = document.querySelector('.blocking'), r = document.querySelector('.upstream'); return !!v && !!b && !!r && (v.compareDocumentPosition(b) & 4) !== 0 && (b.compareDocumentPosition(r) & 4) !== 0; })()`, &order)
		if !order {
			p.fail("the verdict, what decides it and the rest are not in that order")
		}
		p.shot("compliance-stable-diffusion")
		p.open("/e/llama-2/compliance", "")
		p.shot("compliance-llama-2")
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
