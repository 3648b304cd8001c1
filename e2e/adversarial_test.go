package e2e

// The adversarial suite replays the server-side findings of issue 9 against
// the built command and checks that each ends in a bounded outcome: an error
// code or HTTP status, the server still answering a trivial query, and its
// peak memory (VmHWM) under a bound. Every request loop is bounded and goes
// to 127.0.0.1 only.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// leadFixes enables the tests of findings whose fix is in package graph
// (read views, walks that check ctx, merge limits, the four wrong answers).
// They fail until that work is merged; set it to true then.
const leadFixes = true

func needLeadFixes(t *testing.T) {
	t.Helper()
	if !leadFixes {
		t.Skip("needs the graph fixes of issue 9 parts 1 and 4; enable with leadFixes in adversarial_test.go")
	}
}

// rawResponse is one HTTP answer, kept as bytes.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// decode parses the body as a GraphQL response.
func (r *rawResponse) decode(t *testing.T) *gqlResponse {
	t.Helper()
	out := &gqlResponse{status: r.status}
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("HTTP %d, body is not JSON: %v\n%.300s", r.status, err, r.body)
	}
	return out
}

// rawPost posts a GraphQL request with extra headers (in pairs; "Host" sets
// the Host) and returns the answer as bytes.
func rawPost(t *testing.T, url string, req map[string]any, headers ...string) *rawResponse {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	hr, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			hr.Host = headers[i+1]
			continue
		}
		hr.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

// peakRSS is the server's peak resident memory so far, in bytes (VmHWM).
func (s *serverProc) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("reading the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// alive checks that the server answers a trivial query.
func (s *serverProc) alive(t *testing.T) {
	t.Helper()
	resp := graphql(t, s.url, "", `{ stats { entities } }`, nil)
	if resp.status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("a trivial query: HTTP %d, errors %v", resp.status, resp.Errors)
	}
}

// meanwhile runs n copies of attack at once while the server is asked a
// trivial query, which must be answered, and returns the attacks' answers.
func meanwhile(t *testing.T, s *serverProc, n int, attack func() *rawResponse) []*rawResponse {
	t.Helper()
	out := make([]*rawResponse, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = attack() })
	}
	for range 3 {
		s.alive(t)
	}
	wg.Wait()
	return out
}

// wantCode checks that r is an error answer with status and code.
func wantRawCode(t *testing.T, what string, r *rawResponse, status int, code string) {
	t.Helper()
	resp := r.decode(t)
	if r.status != status || resp.code() != code {
		t.Errorf("%s: HTTP %d, code %q, want %d %s: %.300s", what, r.status, resp.code(), status, code, r.body)
	}
}

// rssSlack is how far the server's peak memory may rise above what it
// needed to load the bundled data, over a whole adversarial test: a few
// responses of the 16 MiB byte budget in flight and their encodings. Before
// the fixes, one request of the field-copies finding took 5 GB.
const rssSlack = 300 << 20

func TestAdversarial(t *testing.T) {
	srv := startServer(t, cleanEnv(t), "--in-memory", "--addr", "127.0.0.1:0", "--log-level", "warn")
	srv.alive(t)
	base := srv.peakRSS(t)
	t.Logf("peak RSS after loading the bundled data: %d MiB", base>>20)
	checkRSS := func(t *testing.T) {
		t.Helper()
		peak := srv.peakRSS(t)
		t.Logf("peak RSS: %d MiB (bound %d MiB)", peak>>20, (base+rssSlack)>>20)
		if peak > base+rssSlack {
			t.Errorf("peak RSS %d MiB, more than %d MiB above the %d MiB after loading", peak>>20, rssSlack>>20, base>>20)
		}
	}

	t.Run("10000 copies of one field", func(t *testing.T) {
		// Finding: never answered, RSS 108 MB -> 5 GB, four at once 21.5 GB.
		copies := "{" + strings.Repeat(" stats { entities }", 10_000) + " }"
		rs := meanwhile(t, srv, 4, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": copies}) })
		for _, r := range rs {
			wantRawCode(t, "10,000 copies (190 KB)", r, http.StatusRequestEntityTooLarge, "LIMIT_EXCEEDED")
		}
		// Under the query size limit, the field limit answers.
		fields := "{" + strings.Repeat(" stats{entities}", 3000) + " }"
		rs = meanwhile(t, srv, 4, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": fields}) })
		for _, r := range rs {
			wantRawCode(t, "3,000 copies (51 KB)", r, http.StatusBadRequest, "LIMIT_EXCEEDED")
		}
		// Under the field limit, the overlap validation limit answers.
		overlap := "{" + strings.Repeat(" stats{entities}", 450) + " }"
		rs = meanwhile(t, srv, 4, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": overlap}) })
		for _, r := range rs {
			wantRawCode(t, "450 copies", r, http.StatusOK, "LIMIT_EXCEEDED")
		}
		checkRSS(t)
	})

	t.Run("aliases over 500-entity pages", func(t *testing.T) {
		// Finding: 148 MB per request, three at once starve every client.
		pages := func(n int, fields string) string {
			var b strings.Builder
			b.WriteString("{")
			for i := range n {
				fmt.Fprintf(&b, " p%d: entities(first: 500) { edges { node { %s } } }", i, fields)
			}
			return b.String() + " }"
		}
		// Wide: 100 pages of eight fields write 1,200 fields.
		wide := pages(100, "id key name kind description aliases attributes { key value }")
		// Narrow: 99 pages cost 99 × (500 + 41 for scanning 4,050
		// entities), more than the 50,000 of the budget.
		narrow := pages(99, "id key name description")
		for _, c := range []struct {
			name, query string
			status      int
		}{{"100 wide pages", wide, http.StatusBadRequest}, {"99 pages", narrow, http.StatusOK}} {
			rs := meanwhile(t, srv, 3, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": c.query}) })
			for _, r := range rs {
				resp := r.decode(t)
				if r.status != c.status || resp.code() != "LIMIT_EXCEEDED" {
					t.Errorf("%s: HTTP %d, code %q, want %d LIMIT_EXCEEDED", c.name, r.status, resp.code(), c.status)
				}
				t.Logf("%s: %d bytes", c.name, len(r.body))
			}
		}
		checkRSS(t)
	})

	t.Run("work that returns nothing", func(t *testing.T) {
		// Finding: first: 0, kinds filters and lineage(first: 0) per node
		// were free (50,000 walks in 2.6 s).
		for _, q := range []string{
			`{ entities(first: 500) { edges { node { lineage(direction: DOWNSTREAM, first: 0) { depth } } } } }`,
			`{ entities(first: 500) { edges { node { lineage(direction: UPSTREAM, kinds: [LICENSE]) { depth } } } } }`,
		} {
			rs := meanwhile(t, srv, 2, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": q}) })
			for _, r := range rs {
				if code := r.decode(t).code(); code != "LIMIT_EXCEEDED" {
					t.Errorf("%s: code %q, want LIMIT_EXCEEDED", q, code)
				}
			}
		}
		var b strings.Builder
		b.WriteString("{")
		for i := range 100 {
			fmt.Fprintf(&b, " s%d: stats { entities } e%d: entities(kind: LICENSE, first: 0) { totalCount }", i, i)
		}
		b.WriteString(" }")
		if code := rawPost(t, srv.url, map[string]any{"query": b.String()}).decode(t).code(); code != "LIMIT_EXCEEDED" {
			t.Errorf("100 stats and 100 empty scans: code %q, want LIMIT_EXCEEDED", code)
		}
		checkRSS(t)
	})

	t.Run("DNS rebinding and cross-site writes", func(t *testing.T) {
		// Finding: a loopback server without a token wrote an alias for a
		// request naming attacker.example as Host and Origin.
		const m = `mutation { addAlias(entity: "openai", alias: "rebound") { key } }`
		r := rawPost(t, srv.url, map[string]any{"query": m}, "Host", "attacker.example", "Origin", "http://attacker.example")
		wantRawCode(t, "rebound Host", r, http.StatusForbidden, "BAD_INPUT")
		r = rawPost(t, srv.url, map[string]any{"query": `{ stats { entities } }`}, "Host", "attacker.example:8080")
		wantRawCode(t, "rebound Host, a query", r, http.StatusForbidden, "BAD_INPUT")
		host := strings.TrimPrefix(srv.url, "http://")
		r = rawPost(t, srv.url, map[string]any{"query": m}, "Origin", "http://attacker.example")
		wantRawCode(t, "cross-site write", r, http.StatusOK, "UNAUTHENTICATED")
		if resp := graphql(t, srv.url, "", `{ entity(ref: "rebound") { key } }`, nil); !strings.Contains(string(resp.Data), `"entity":null`) {
			t.Fatalf("the alias was written: %s", resp.Data)
		}
		// Same origin (the playground) and no Origin (curl, scripts) write.
		r = rawPost(t, srv.url, map[string]any{"query": m}, "Origin", "http://"+host)
		if resp := r.decode(t); len(resp.Errors) > 0 {
			t.Errorf("same-origin write: %v", resp.Errors)
		}
		r = rawPost(t, srv.url, map[string]any{"query": `mutation { addAlias(entity: "openai", alias: "local") { key } }`}, "Host", "localhost:1")
		if resp := r.decode(t); len(resp.Errors) > 0 {
			t.Errorf("write from localhost: %v", resp.Errors)
		}
	})

	t.Run("GraphQL over HTTP", func(t *testing.T) {
		r := rawPost(t, srv.url, map[string]any{"query": `{ nope }`}, "Accept", "application/graphql-response+json")
		if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/graphql-response+json" {
			t.Errorf("validation error with graphql-response+json: HTTP %d, %s", r.status, r.header.Get("Content-Type"))
		}
	})
}

// TestAdversarialQuotes replays the byte-budget finding: a 450-byte query
// returned 623 MB, aliasing large evidence quotes.
func TestAdversarialQuotes(t *testing.T) {
	srv := startServer(t, cleanEnv(t), "--in-memory", "--empty", "--addr", "127.0.0.1:0", "--log-level", "warn")
	quote := strings.Repeat("All the posts are mine. ", 60<<10/24)
	const add = `mutation($f: String!, $t: String!, $q: String!) {
	  addStatement(input: {type: TRAINED_ON, from: $f, to: $t, status: ALLEGED, evidence: [{url: "https://example.org/q", quote: $q}]}) { id } }`
	for i := range 10 {
		for _, key := range []string{fmt.Sprintf("m%d", i), fmt.Sprintf("d%d", i)} {
			if resp := graphql(t, srv.url, "", fmt.Sprintf(`mutation { upsertEntity(input: {key: %q, kind: DATASET, name: %q}) { key } }`, key, key), nil); len(resp.Errors) > 0 {
				t.Fatal(resp.Errors)
			}
		}
	}
	for i := range 10 {
		for j := range 10 {
			vars := map[string]any{"f": fmt.Sprintf("m%d", i), "t": fmt.Sprintf("d%d", j), "q": quote}
			if resp := graphql(t, srv.url, "", add, vars); len(resp.Errors) > 0 {
				t.Fatal(resp.Errors)
			}
		}
	}
	srv.alive(t)
	base := srv.peakRSS(t)

	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, " q%d:quote", i)
	}
	q := `{ relations(first: 100) { edges { node { statements { evidence {` + b.String() + ` } } } } } }`
	t.Logf("query: %d bytes; asks for 100 quotes of 60 KiB 40 times: %d MB", len(q), 100*40*len(quote)>>20)
	rs := meanwhile(t, srv, 3, func() *rawResponse { return rawPost(t, srv.url, map[string]any{"query": q}) })
	for _, r := range rs {
		wantRawCode(t, "aliased quotes", r, http.StatusOK, "LIMIT_EXCEEDED")
		if len(r.body) > 4096 {
			t.Errorf("the refusal is %d bytes", len(r.body))
		}
	}
	peak := srv.peakRSS(t)
	t.Logf("peak RSS %d MiB, %d MiB before the query", peak>>20, base>>20)
	if peak > base+rssSlack {
		t.Errorf("peak RSS %d MiB, more than %d MiB above %d MiB", peak>>20, rssSlack>>20, base>>20)
	}
	// Under the budget, the same quotes come back.
	r := rawPost(t, srv.url, map[string]any{"query": `{ relations(first: 100) { edges { node { statements { evidence { quote } } } } } }`})
	if resp := r.decode(t); len(resp.Errors) > 0 || len(r.body) < 100*len(quote) {
		t.Fatalf("100 quotes once: %d bytes, errors %v", len(r.body), resp.Errors)
	}
}

// TestAdversarialSmallBudget replays the findings about work done before its
// budget was checked, on a server with a small budget: paths walked before
// its check, neighborhood was computed with nothing selected.
func TestAdversarialSmallBudget(t *testing.T) {
	srv := startServer(t, cleanEnv(t), "--in-memory", "--addr", "127.0.0.1:0", "--log-level", "warn", "--max-cost", "99")
	for _, q := range []string{
		`{ paths(from: "microsoft", to: "twitter", first: 0) { status } }`,
		`{ neighborhood(entity: "openai") { __typename } }`,
		`{ lineage(entity: "twitter", direction: DOWNSTREAM, first: 0) { depth } }`,
	} {
		if code := graphql(t, srv.url, "", q, nil).code(); code != "LIMIT_EXCEEDED" {
			t.Errorf("%s with --max-cost 99: code %q, want LIMIT_EXCEEDED (a walk costs 100)", q, code)
		}
	}
	if resp := graphql(t, srv.url, "", `{ entity(ref: "openai") { key } }`, nil); len(resp.Errors) > 0 {
		t.Errorf("a look-up with --max-cost 99: %v", resp.Errors)
	}
}

// TestHTTPAudit runs the GraphQL-over-HTTP audit suite of graphql-http, the
// reference implementation of that spec, against the built server: every
// MUST and SHOULD must pass.
func TestHTTPAudit(t *testing.T) {
	dir := npmFolder(t, "httpaudit", "graphql-http")
	srv := startServer(t, cleanEnv(t), "--in-memory", "--empty", "--addr", "127.0.0.1:0", "--log-level", "warn")
	out, err := runNode(t, filepath.Join(dir, "audit.mjs"), srv.url+"/graphql")
	t.Log(out)
	if err != nil {
		t.Fatalf("audit failed: %v", err)
	}
	if !strings.Contains(out, "0 MUST or SHOULD not passed") || strings.Count(out, "\nok ") < 40 {
		t.Fatalf("audit output does not show a full passing run:\n%s", out)
	}
}

// npmFolder returns the e2e folder name with its npm packages installed
// (npm ci from its package-lock.json when pkg is missing from node_modules).
func npmFolder(t *testing.T, name, pkg string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		needInCI(t, "node is not installed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(name, "node_modules", pkg)); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			needInCI(t, "npm is not installed: %v", err)
		}
		cmd := exec.CommandContext(t.Context(), npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = name
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in e2e/%s: %v\n%s", name, err, out)
		}
	}
	return name
}

// runNode runs a node script and returns its combined output.
func runNode(t *testing.T, script string, args ...string) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		needInCI(t, "node is not installed: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), node, append([]string{script}, args...)...).CombinedOutput()
	return string(out), err
}

// TestAdversarialMergeAliasLimit replays the merge finding: three entities of
// 256 aliases each merged into one kept 772 aliases (the limit is 256), and
// the export no longer loaded back. Needs the merge fixes of part 4.
func TestAdversarialMergeAliasLimit(t *testing.T) {
	needLeadFixes(t)
	data := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, cleanEnv(t), "--data", data, "--empty", "--addr", "127.0.0.1:0", "--log-level", "warn")
	const upsert = `mutation($k: String!, $a: [String!]) { upsertEntity(input: {key: $k, kind: ORGANIZATION, name: $k, aliases: $a}) { key } }`
	for _, k := range []string{"a", "b", "c"} {
		aliases := make([]string, 256)
		for i := range aliases {
			aliases[i] = fmt.Sprintf("%s alias %d", k, i)
		}
		if resp := graphql(t, srv.url, "", upsert, map[string]any{"k": k, "a": aliases}); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
	}
	refused := 0
	for _, dup := range []string{"b", "c"} {
		resp := graphql(t, srv.url, "", `mutation($d: String!) { mergeEntities(keep: "a", duplicate: $d) { key } }`, map[string]any{"d": dup})
		if len(resp.Errors) > 0 {
			if c := resp.code(); c != "BAD_INPUT" && c != "LIMIT_EXCEEDED" {
				t.Errorf("merging %s: code %q", dup, c)
			}
			refused++
		}
	}
	if refused == 0 {
		t.Error("merging 768 aliases into one entity was accepted")
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	file := filepath.Join(t.TempDir(), "export.json")
	mustRun(t, "export", "--data", data, "--format", "json", "--out", file)
	mustRun(t, "load", "--data", filepath.Join(t.TempDir(), "again"), file)
}

// TestAdversarialWrongAnswers replays the wrong answers of issue 9 through
// the API. Needs the fixes of part 4.
func TestAdversarialWrongAnswers(t *testing.T) {
	needLeadFixes(t)
	srv := startServer(t, cleanEnv(t), "--in-memory", "--empty", "--addr", "127.0.0.1:0", "--log-level", "warn")
	must := func(q string) *gqlResponse {
		t.Helper()
		resp := graphql(t, srv.url, "", q, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("%s: %v", q, resp.Errors)
		}
		return resp
	}
	for _, k := range []string{"x", "y", "z"} {
		must(fmt.Sprintf(`mutation { upsertEntity(input: {key: %q, kind: ORGANIZATION, name: "Org %s"}) { key } }`, k, k))
	}
	// A statement cannot be added as RETRACTED.
	if code := graphql(t, srv.url, "", `mutation { addStatement(input: {type: OWNS, from: "x", to: "y", status: RETRACTED}) { id } }`, nil).code(); code != "BAD_INPUT" {
		t.Errorf("addStatement(status: RETRACTED): code %q, want BAD_INPUT", code)
	}
	// A self-loop is listed once.
	must(`mutation { addStatement(input: {type: RELATED_TO, from: "x", to: "x", status: ASSERTED}) { id } }`)
	resp := must(`{ entity(ref: "x") { relations { totalCount edges { node { id } } } } }`)
	if n := strings.Count(string(resp.Data), `"id"`); n != 1 || !strings.Contains(string(resp.Data), `"totalCount":1`) {
		t.Errorf("a self-loop is listed %d times: %s", n, resp.Data)
	}
	// Upserting the key of a merged-away entity does not rename the kept one.
	must(`mutation { mergeEntities(keep: "y", duplicate: "z") { key } }`)
	up := graphql(t, srv.url, "", `mutation { upsertEntity(input: {key: "z", kind: ORGANIZATION, name: "Renamed"}) { key } }`, nil)
	if kept := must(`{ entity(ref: "y") { name } }`); len(up.Errors) == 0 && !strings.Contains(string(kept.Data), `"Org y"`) {
		t.Errorf("upsert of a merged-away key renamed the kept entity: %s", kept.Data)
	}
}
