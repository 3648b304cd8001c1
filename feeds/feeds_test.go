package feeds_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/feeds"
	"github.com/whosedata/whosedata/graph/graphtest"
)

// feedparser is Debian's python3-feedparser, a widely used feed parser that
// checks what it reads (bozo is set on anything malformed); .ci/run
// installs it. It runs under Debian's own python3.
const python = "/usr/bin/python3"

const parse = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": d.bozo, "bozo_exception": str(d.get("bozo_exception", "")),
  "version": d.version, "title": d.feed.get("title", ""),
  "self": [l.href for l in d.feed.get("links", []) if l.get("rel") == "self"],
  "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "updated": e.get("updated", ""),
               "link": e.get("link", ""), "summary": e.get("summary", ""),
               "tags": [t.term for t in e.get("tags", [])]} for e in d.entries],
}))
`

type parsed struct {
	Bozo      bool     `json:"bozo"`
	BozoError string   `json:"bozo_exception"`
	Version   string   `json:"version"`
	Title     string   `json:"title"`
	Self      []string `json:"self"`
	Entries   []struct {
		ID, Title, Updated, Link, Summary string
		Tags                              []string
	} `json:"entries"`
}

func feedparser(t *testing.T, body []byte) parsed {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import feedparser").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-feedparser is not installed (apt-get install python3-feedparser): %v\n%s", err, out)
		}
		t.Skipf("python3-feedparser is not installed: %v", err)
	}
	cmd := exec.Command(python, "-c", parse)
	cmd.Stdin = strings.NewReader(string(body))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var p parsed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("feedparser output %s: %v", out, err)
	}
	return p
}

func get(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestFeedsAreValidAtom(t *testing.T) {
	s := graphtest.Bundled(t)
	ctx := context.Background()
	// Something happens after the load.
	if _, err := s.AddAlias(ctx, "twitter", "X Holdings"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(feeds.Handler(s, nil))
	defer srv.Close()

	code, ctype, body := get(t, srv.URL+"/feeds/changes.atom")
	if code != http.StatusOK || !strings.HasPrefix(ctype, "application/atom+xml") {
		t.Fatalf("changes feed: %d %s", code, ctype)
	}
	p := feedparser(t, body)
	if p.Bozo || p.Version != "atom10" {
		t.Fatalf("changes feed is not clean Atom 1.0: version %q, bozo %v %s", p.Version, p.Bozo, p.BozoError)
	}
	if len(p.Entries) != feeds.Latest || len(p.Self) != 1 || p.Self[0] != srv.URL+"/feeds/changes.atom" {
		t.Fatalf("changes feed: %d entries, self %v", len(p.Entries), p.Self)
	}
	first := p.Entries[0]
	if !strings.Contains(first.Title, "X Holdings") || first.Link != srv.URL+"/e/twitter" || first.Tags[0] != "ALIAS_ADDED" || first.Updated == "" {
		t.Fatalf("newest entry = %+v", first)
	}
	ids := map[string]bool{}
	for _, e := range p.Entries {
		if e.ID == "" || e.Title == "" || e.Updated == "" || ids[e.ID] {
			t.Fatalf("entry without id, title or date, or a repeated id: %+v", e)
		}
		ids[e.ID] = true
	}

	code, _, body = get(t, srv.URL+"/feeds/entity/twitter.atom")
	if code != http.StatusOK {
		t.Fatalf("entity feed: %d %s", code, body)
	}
	p = feedparser(t, body)
	if p.Bozo || p.Version != "atom10" || len(p.Entries) == 0 || !strings.Contains(p.Title, "Twitter") {
		t.Fatalf("entity feed: %+v", p)
	}
	musk := false
	for _, e := range p.Entries {
		musk = musk || strings.Contains(e.Summary, "Elon Musk")
	}
	if !musk {
		t.Fatalf("Twitter's feed does not mention Elon Musk: %+v", p.Entries)
	}
	// Keys are path-escaped; an alias finds the entity; nothing else is a feed.
	if code, _, _ := get(t, srv.URL+"/feeds/entity/X%20Corp.atom"); code != http.StatusOK {
		t.Fatalf("feed by alias: %d", code)
	}
	if code, _, _ := get(t, srv.URL+"/feeds/entity/no-such-thing.atom"); code != http.StatusNotFound {
		t.Fatalf("feed of nothing: %d", code)
	}
	if code, _, _ := get(t, srv.URL+"/feeds/entity/twitter"); code != http.StatusNotFound {
		t.Fatalf("feed without .atom: %d", code)
	}
}
