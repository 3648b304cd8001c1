package e2e

import (
	"context"
	"os"
	"os/exec"
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
	if _, err := os.Stat(chromium); err != nil {
		needInCI(t, "%s is not installed (apt-get install chromium chromium-driver): %v", chromium, err)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		needInCI(t, "npm is not installed, so the playground cannot be built: %v", err)
	}

	// The bundle is embedded at build time: build it, then the command.
	build := exec.CommandContext(t.Context(), "bash", filepath.Join("..", "server", "playground", "build.sh"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("server/playground/build.sh: %v\n%s", err, out)
	}
	withPlayground := filepath.Join(t.TempDir(), "whosedata")
	if err := buildCommand(withPlayground); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	srv := startServerWith(t, withPlayground, cleanEnv(t), "--data", data, "--addr", "127.0.0.1:0")

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
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

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
