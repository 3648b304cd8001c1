package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is where Debian's chromium package installs the browser.
const chromium = "/usr/bin/chromium"

// TestPlaygroundInBrowser opens the GraphiQL playground in headless Chromium,
// runs the query it opens with, and checks that the answer names Microsoft.
func TestPlaygroundInBrowser(t *testing.T) {
	withPlayground := bundledCommand(t)
	data := filepath.Join(t.TempDir(), "data")
	srv := startServerWith(t, withPlayground, cleanEnv(t), "--data", data, "--addr", "127.0.0.1:0")
	ctx := newBrowser(t, 1280, 900)

	// resultText reads GraphiQL's result pane: CodeMirror's whole text, since
	// it draws only the lines in view.
	const resultText = `(() => {
		const pane = document.querySelector('.result-window');
		if (!pane) return '';
		const cm = pane.querySelector('.CodeMirror');
		return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : pane.innerText;
	})()`
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.url+"/graphiql"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	)
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(`+resultText+`).includes('"Microsoft"')`, chromedp.WithPollingTimeout(30*time.Second)))
	}
	if err != nil {
		pane, _ := chromedp.Run(ctx, chromedp.Evaluate[string](resultText))
		t.Fatalf("playground: %v\nresult pane: %.2000s\nserver log:\n%s", err, pane, srv.log())
	}
	result, err := chromedp.Run(ctx, chromedp.Evaluate[string](resultText))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(result, `"lineage"`) || !strings.Contains(result, "Microsoft") {
		t.Fatalf("result pane does not show the lineage naming Microsoft:\n%.2000s", result)
	}

	// GraphiQL introspected the schema: its documentation explorer lists the
	// root types rather than "Error fetching schema".
	const docText = `(() => {
		const d = document.querySelector('.graphiql-doc-explorer');
		const text = d ? d.innerText : '';
		return text.includes('Root Types') || text.includes('Error') ? text : '';
	})()`
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[aria-label="Show Documentation Explorer"]`)))
	var doc string
	if err == nil {
		doc, err = chromedp.Run(ctx, chromedp.Poll[string](docText, chromedp.WithPollingTimeout(20*time.Second)))
	}
	if err != nil {
		t.Fatalf("documentation explorer: %v", err)
	}
	if !strings.Contains(doc, "Root Types") || !strings.Contains(doc, "Query") {
		t.Fatalf("GraphiQL could not load the schema; its documentation explorer reads:\n%.1000s", doc)
	}
}
