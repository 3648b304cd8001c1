package e2e

// The README's promises, run. Every ```graphql block of README.md (opened by
// a "# question" comment line) is sent to a server holding the bundled data,
// and the check keyed by its question decides whether the answer answers
// it. Every command line of its ```sh blocks is run through the built
// command in a temporary directory with a temporary store, in document
// order, and checked. A block without a check, or a check without a block,
// fails the test: the README cannot drift from what the code does.
//
// Adding a README block is one line in a table below:
//   - a graphql block: `"its question": checkSomething,` in readmeQueries,
//     where checkSomething(c, answer) calls c.errorf for what is wrong;
//   - a command line: `"the line without its comment": {check: checkIt},` in
//     readmeCommands ({run: …} to start it yourself, {skip: "why"} for the
//     few that cannot run in a test).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmePath is the README the tests hold to its word.
var readmePath = filepath.Join("..", "README.md")

// readmeQueries checks the answer of every graphql block of README.md, keyed
// by the question on the block's first line (without "# ").
var readmeQueries = map[string]func(c *checker, answer jv){
	"Who is downstream of Twitter's data — who says so, on what evidence?":                                       checkTwitterDownstream,
	"Which disputes involve Microsoft?":                                                                          checkMicrosoftDisputes,
	"How are Elon Musk and Microsoft connected?":                                                                 checkMuskMicrosoftPaths,
	`Who is "X Corp"? Names and aliases resolve like keys.`:                                                      checkXCorp,
	"Whose data is in Stable Diffusion?":                                                                         checkStableDiffusionUpstream,
	"Who invested in OpenAI, and how much?":                                                                      checkOpenAIInvestors,
	"Which models and products used Reddit's data, who says so, and was any of it on record by the end of 2024?": checkRedditModels,
	"May Stable Diffusion be used commercially? Which upstream asset decides it, and how is it reached?":         checkStableDiffusionCompliance,
	"Where does The New York Times' case against Microsoft and OpenAI stand now, where did it stand at the end of 2023, and what happened when?": checkNYTTimeline,
	"Which cases and claims mention scraping, and where does it say so?":                                                                         checkScrapingSearch,
	"What has the store recorded about Twitter most recently, and when?":                                                                         checkTwitterChanges,
}

// readmeCommand says how one command line of README.md is tested. With
// neither run nor skip, the line runs through bash in the readme shell and
// check judges the result.
type readmeCommand struct {
	skip  string                                           // why the line cannot run in a test; its flags are still checked
	run   func(t *testing.T, sh *readmeShell, line string) // runs and checks the line itself (servers, make)
	check func(t *testing.T, sh *readmeShell, r result)    // judges the line's run through bash
}

// readmeCommands tests every command line of the ```sh blocks of README.md,
// keyed by the line without its trailing comment. They run in the order of
// the README, sharing one directory and one store, as a user typing them
// would.
var readmeCommands = map[string]readmeCommand{
	"make serve": {run: makeRecipe("serve", "./bin/whosedata serve --addr 127.0.0.1:8080")},
	"make test":  {run: makeRecipe("test", "bash server/playground/build.sh", "go vet ./...", "go test -race -timeout 30m ./...")},
	"go build -o bin/whosedata ./cmd/whosedata":                         {skip: "TestMain builds ./cmd/whosedata with go build; run here, it would overwrite the checkout's bin/whosedata"},
	"bin/whosedata serve":                                               {run: runServeLine},
	"bin/whosedata load my-disputes.yaml more/":                         {check: checkLoadLine},
	"bin/whosedata query '{ stats { entities relations statements } }'": {check: checkStatsQuery},
	`echo 'query ($r: String!) { entity(ref: $r) { name } }' | bin/whosedata query --vars '{"r":"X Corp"}' -`: {check: checkVarsQuery},
	"bin/whosedata export --format json > graph.json":                                                         {check: checkExportLine},
	"bin/whosedata verify": {check: checkVerifyLine},
	"bin/whosedata backup store.bak && bin/whosedata restore --data restored store.bak": {check: checkBackupRestore},
	"bin/whosedata help":                      {check: checkHelpLine},
	"bin/whosedata migrate --store old-store": {run: runMigrateLine},
	`bin/whosedata load --format hf fixtures/hf && bin/whosedata query '{ lineage(entity: "TheBloke/zephyr-7B-beta-GGUF", direction: UPSTREAM) { entity { name } depth path { type method: attribute(key: "method") } } }'`: {check: checkHFLine},
	"bin/whosedata compliance stable-diffusion":                                 {check: checkComplianceLine},
	"bin/whosedata compliance llama --use ACADEMIC --as-of 2023-06 --json":      {check: checkComplianceJSONLine},
	`bin/whosedata compliance bigai-7b --min-status ASSERTED || echo "exit $?"`: {check: checkComplianceExitLine},
	"make build && bin/whosedata-bench --json results.json":                     {skip: "the full benchmark takes about 20 minutes; the --check line runs the same code at a small size"},
	"bin/whosedata-bench --check --entities 1000 --statements 4000":             {run: runBenchLine},
}

// TestReadmeQueries runs every graphql block of README.md against a server
// holding the bundled data and checks each answer against its question.
func TestReadmeQueries(t *testing.T) {
	doc := readReadme(t)
	coverQueries(t, doc)
	srv := startServer(t, cleanEnv(t), "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0")
	for _, q := range doc.queries {
		check := readmeQueries[q.question]
		if check == nil {
			continue // reported by coverQueries
		}
		t.Run(q.question, func(t *testing.T) {
			resp := graphql(t, srv.url, "", q.text, nil)
			if resp.status != http.StatusOK || len(resp.Errors) > 0 {
				t.Fatalf("README.md:%d: HTTP %d, errors %v", q.line, resp.status, resp.Errors)
			}
			var c checker
			check(&c, decodeJV(t, resp.Data))
			for i, p := range c.problems {
				if i == 10 {
					t.Errorf("… and %d more problems", len(c.problems)-i)
					break
				}
				t.Errorf("README.md:%d: the answer does not answer %q: %s", q.line, q.question, p)
			}
			if t.Failed() {
				t.Logf("answer: %.3000s", resp.Data)
			}
		})
	}
}

// TestReadmeChecksFailOnEmptyStore runs every README query against an empty
// store: each check must then find something wrong, or it is not testing the
// answer.
func TestReadmeChecksFailOnEmptyStore(t *testing.T) {
	doc := readReadme(t)
	srv := startServer(t, cleanEnv(t), "--data", filepath.Join(t.TempDir(), "data"), "--empty", "--addr", "127.0.0.1:0")
	for _, q := range doc.queries {
		check := readmeQueries[q.question]
		if check == nil {
			continue
		}
		resp := graphql(t, srv.url, "", q.text, nil)
		var c checker
		check(&c, decodeJV(t, resp.Data))
		if len(c.problems) == 0 {
			t.Errorf("README.md:%d: the check of %q passes on an empty store; it must test what the answer says", q.line, q.question)
		}
	}
}

// TestReadmeCommands runs every command line of README.md's sh blocks, in
// order, through the built command in one temporary directory, and checks
// each.
func TestReadmeCommands(t *testing.T) {
	doc := readReadme(t)
	coverCommands(t, doc)
	sh := newReadmeShell(t, doc)
	for _, cl := range doc.commands {
		entry, ok := readmeCommands[cl.cmd]
		if !ok {
			continue // reported by coverCommands
		}
		t.Run(fmt.Sprintf("line %d", cl.line), func(t *testing.T) {
			t.Logf("README.md:%d: %s", cl.line, cl.cmd)
			checkFlagsExist(t, sh, cl)
			switch {
			case entry.skip != "":
				t.Skip(entry.skip)
			case entry.run != nil:
				entry.run(t, sh, cl.cmd)
			default:
				entry.check(t, sh, sh.bash(t, cl.cmd))
			}
		})
	}
}

// --- README.md, parsed -----------------------------------------------------

// readme is what the tests read from README.md.
type readme struct {
	queries  []queryBlock
	commands []commandLine
	yaml     []fence // the whosedata/v1 examples
}

type fence struct {
	lang string
	text string
	line int // of the first line inside the fence
}

type queryBlock struct {
	question string // the first line, without "# "
	text     string
	line     int
}

type commandLine struct {
	cmd     string // without its trailing comment
	comment string
	line    int
}

// shellLangs are the fence languages whose lines are commands.
var shellLangs = []string{"sh", "bash", "shell"}

var fenceOpen = regexp.MustCompile("^([ \t]*)(`{3,}|~{3,})[ \t]*([^ \t`]*)")

// readReadme parses README.md. A fence without a language fails the test:
// commands or queries in it would escape these checks.
func readReadme(t *testing.T) *readme {
	t.Helper()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var fences []fence
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if m[3] == "" {
			t.Errorf("README.md:%d: a fenced block without a language; name it (sh, graphql, yaml, go, text…) so that README tests see what it holds", i+1)
		}
		f := fence{lang: m[3], line: i + 2}
		var body []string
		for i++; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], m[1]+m[2]) && strings.TrimSpace(strings.TrimLeft(lines[i], "`~ \t")) == "" {
				break
			}
			body = append(body, strings.TrimPrefix(lines[i], m[1]))
		}
		f.text = strings.Join(body, "\n") + "\n"
		fences = append(fences, f)
	}
	doc := &readme{}
	for _, f := range fences {
		switch {
		case f.lang == "graphql":
			if isSDL(f.text) {
				continue
			}
			first, _, _ := strings.Cut(f.text, "\n")
			q, ok := strings.CutPrefix(strings.TrimSpace(first), "# ")
			if !ok || !strings.Contains(q, "?") {
				t.Errorf("README.md:%d: a graphql block must open with a \"# question?\" comment line saying what it asks; it opens with %q", f.line, first)
				continue
			}
			for _, o := range doc.queries {
				if o.question == q {
					t.Errorf("README.md:%d: the question %q is asked at line %d too; make each question its own", f.line, q, o.line)
				}
			}
			doc.queries = append(doc.queries, queryBlock{question: q, text: f.text, line: f.line})
		case slices.Contains(shellLangs, f.lang):
			doc.commands = append(doc.commands, commandLines(f)...)
		case f.lang == "yaml" && strings.HasPrefix(f.text, "format: whosedata/v1"):
			doc.yaml = append(doc.yaml, f)
		}
	}
	return doc
}

// isSDL reports whether a graphql block holds type definitions, which are
// shown, not run.
func isSDL(text string) bool {
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, _, _ := strings.Cut(line, " ")
		switch word {
		case "type", "input", "enum", "scalar", "interface", "union", "schema", "extend", "directive":
			return true
		}
		return strings.HasPrefix(line, `"`)
	}
	return false
}

// commandLines splits a shell block into its command lines: comment lines
// and blank lines are left out, a trailing backslash continues a line.
func commandLines(f fence) []commandLine {
	var out []commandLine
	lines := strings.Split(strings.TrimSuffix(f.text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		start := i
		line := lines[i]
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[i])
		}
		cmd, comment := splitComment(line)
		if cmd == "" {
			continue
		}
		out = append(out, commandLine{cmd: cmd, comment: comment, line: f.line + start})
	}
	return out
}

// splitComment cuts a shell line at its comment: a # outside quotes that
// starts the line or follows a blank.
func splitComment(line string) (cmd, comment string) {
	var quote rune
	prev := ' '
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (prev == ' ' || prev == '\t'):
			return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		}
		prev = r
	}
	return strings.TrimSpace(line), ""
}

// coverQueries fails the test for every README query without a check and
// every check without a README query.
func coverQueries(t *testing.T, doc *readme) {
	t.Helper()
	asked := map[string]bool{}
	for _, q := range doc.queries {
		asked[q.question] = true
		if readmeQueries[q.question] == nil {
			t.Errorf("README.md:%d: no check for the graphql block asking %q: add an entry to readmeQueries in e2e/readme_test.go, keyed by the question, whose function checks that the answer answers it", q.line, q.question)
		}
	}
	for q := range readmeQueries {
		if !asked[q] {
			t.Errorf("readmeQueries checks %q, but no graphql block of README.md asks it: restore the block, or key the entry by the block's first line (without \"# \"), or remove it", q)
		}
	}
}

// coverCommands is coverQueries for command lines.
func coverCommands(t *testing.T, doc *readme) {
	t.Helper()
	shown := map[string]bool{}
	for _, c := range doc.commands {
		shown[c.cmd] = true
		if _, ok := readmeCommands[c.cmd]; !ok {
			t.Errorf("README.md:%d: no check for the command %q: add an entry to readmeCommands in e2e/readme_test.go, keyed by the line without its comment ({check: …}, {run: …}, or {skip: \"why it cannot run in a test\"})", c.line, c.cmd)
		}
	}
	for c := range readmeCommands {
		if !shown[c] {
			t.Errorf("readmeCommands checks %q, but no sh block of README.md has that line: restore it, or key the entry by the README's line (without its comment), or remove it", c)
		}
	}
}

// --- answers ---------------------------------------------------------------

// checker collects what is wrong with an answer.
type checker struct{ problems []string }

func (c *checker) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// jv is a decoded JSON value with dotted-path look-ups.
type jv struct{ v any }

func decodeJV(t *testing.T, data json.RawMessage) jv {
	t.Helper()
	var v any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("data is not JSON: %v", err)
		}
	}
	return jv{v}
}

// all returns the values at path ("a.b.c"; "" for x itself), flattening
// every list on the way, so "lineage.entity.key" is every hit's key.
func (x jv) all(path string) []jv {
	cur := flatten(x.v, nil)
	if path == "" {
		return cur
	}
	for _, step := range strings.Split(path, ".") {
		var next []jv
		for _, c := range cur {
			if m, ok := c.v.(map[string]any); ok {
				if v, ok := m[step]; ok && v != nil {
					next = flatten(v, next)
				}
			}
		}
		cur = next
	}
	return cur
}

func flatten(v any, out []jv) []jv {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			out = flatten(e, out)
		}
		return out
	}
	return append(out, jv{v})
}

// strs returns the strings (and numbers, formatted) at path.
func (x jv) strs(path string) []string {
	var out []string
	for _, v := range x.all(path) {
		switch s := v.v.(type) {
		case string:
			out = append(out, s)
		case float64:
			out = append(out, strconv.FormatFloat(s, 'f', -1, 64))
		case bool:
			out = append(out, strconv.FormatBool(s))
		}
	}
	return out
}

// str returns the first string at path, or "".
func (x jv) str(path string) string {
	if s := x.strs(path); len(s) > 0 {
		return s[0]
	}
	return ""
}

// having returns the values among xs with value at path.
func having(xs []jv, path, value string) []jv {
	var out []jv
	for _, x := range xs {
		if slices.Contains(x.strs(path), value) {
			out = append(out, x)
		}
	}
	return out
}

// one returns the single value among xs with value at path, or reports.
func one(c *checker, xs []jv, path, value, what string) (jv, bool) {
	h := having(xs, path, value)
	if len(h) != 1 {
		c.errorf("%s: %d with %s = %q, want 1", what, len(h), path, value)
		return jv{}, false
	}
	return h[0], true
}

// attribute returns the value of the attribute key of x ("attributes" a list
// of {key, value}).
func attribute(x jv, key string) string {
	if a := having(x.all("attributes"), "key", key); len(a) > 0 {
		return a[0].str("value")
	}
	return ""
}

// --- the checks of README's questions --------------------------------------

func checkTwitterDownstream(c *checker, a jv) {
	hits := a.all("lineage")
	if len(hits) == 0 {
		c.errorf("no hit downstream of Twitter")
	}
	for _, h := range hits {
		// Who says so: every relation on a hit's path has its statements.
		for _, rel := range h.all("path") {
			if len(rel.all("statements")) == 0 {
				c.errorf("%s: the %s relation on its path has no statement", h.str("entity.key"), rel.str("type"))
			}
		}
	}
	ms, ok := one(c, hits, "entity.key", "microsoft", "hits downstream of Twitter")
	if !ok {
		return
	}
	if s := ms.str("status"); s != "ALLEGED" {
		c.errorf("Microsoft's status is %q, want ALLEGED (Musk's allegation, no denial recorded)", s)
	}
	path := ms.all("path")
	if len(path) != 2 || path[0].str("type") != "OWNS" || path[0].str("from.key") != "twitter" ||
		path[1].str("type") != "TRAINED_ON" || path[1].str("from.key") != "microsoft" || path[1].str("to.key") != "twitter-posts" {
		c.errorf("Microsoft's path is not twitter OWNS twitter-posts, microsoft TRAINED_ON twitter-posts")
		return
	}
	claims := having(path[1].all("statements"), "claimedBy.name", "Elon Musk")
	if len(claims) == 0 {
		c.errorf("no statement on Microsoft's TRAINED_ON is claimed by Elon Musk")
	}
	for _, st := range claims {
		if st.str("status") != "ALLEGED" || st.str("date") != "2023-04-19" {
			c.errorf("Musk's statement is %s of %q, want ALLEGED of 2023-04-19", st.str("status"), st.str("date"))
		}
		ev := st.all("evidence")
		if len(ev) == 0 {
			c.errorf("Musk's statement has no evidence")
		}
		for _, e := range ev {
			if e.str("url") == "" && e.str("document.name") == "" {
				c.errorf("evidence of Musk's statement with neither url nor document")
			}
		}
		if len(having(ev, "document.name", "Elon Musk Threatens to Sue Microsoft Over Alleged Improper Use of Twitter Data for AI Training")) == 0 ||
			!slices.ContainsFunc(st.strs("evidence.quote"), func(q string) bool { return strings.Contains(q, "Twitter") }) {
			c.errorf("Musk's statement lacks the article and a quote about Twitter data")
		}
	}
}

func checkMicrosoftDisputes(c *checker, a jv) {
	total, err := strconv.Atoi(a.str("disputes.totalCount"))
	nodes := a.all("disputes.edges.node")
	if err != nil || total < 1 || (total <= 50 && total != len(nodes)) {
		c.errorf("totalCount %q with %d disputes listed", a.str("disputes.totalCount"), len(nodes))
	}
	for _, key := range []string{"musk-v-microsoft-twitter-data", "nyt-v-microsoft-openai"} {
		if len(having(nodes, "key", key)) != 1 {
			c.errorf("the disputes lack %s", key)
		}
	}
	for _, n := range nodes {
		if n.str("disputeStatus") == "" {
			c.errorf("dispute %s has no status", n.str("key"))
		}
	}
	for key, want := range map[string]string{"musk-v-microsoft-twitter-data": "THREATENED", "nyt-v-microsoft-openai": "ONGOING"} {
		for _, n := range having(nodes, "key", key) {
			if got := n.str("disputeStatus"); got != want {
				c.errorf("%s: disputeStatus %s, want %s", key, got, want)
			}
		}
	}
}

func checkMuskMicrosoftPaths(c *checker, a jv) {
	paths := a.all("paths")
	if len(paths) == 0 {
		c.errorf("no path between Elon Musk and Microsoft")
	}
	var dispute, claim bool
	for i, p := range paths {
		rels := p.all("relations")
		names := append(p.strs("relations.from.name"), p.strs("relations.to.name")...)
		if !slices.Contains(names, "Elon Musk") || !slices.Contains(names, "Microsoft") {
			c.errorf("path %d does not join Elon Musk and Microsoft: %v", i, names)
		}
		for _, r := range rels {
			if !slices.Contains([]string{"PARTY_TO", "CONCERNS", "OWNS", "TRAINED_ON"}, r.str("type")) {
				c.errorf("path %d uses %s, outside types:", i, r.str("type"))
			}
		}
		// The dispute: both are PARTY_TO the same one.
		for _, d := range having(rels, "from.name", "Elon Musk") {
			if d.str("type") != "PARTY_TO" {
				continue
			}
			for _, m := range having(rels, "from.name", "Microsoft") {
				if m.str("type") == "PARTY_TO" && m.str("to.name") == d.str("to.name") {
					dispute = true
				}
			}
			// Through the dispute to what it concerns and Musk's allegation.
			for _, con := range having(rels, "from.name", d.str("to.name")) {
				for _, tr := range having(rels, "to.name", con.str("to.name")) {
					if con.str("type") == "CONCERNS" && tr.str("type") == "TRAINED_ON" && tr.str("from.name") == "Microsoft" &&
						tr.str("status") == "ALLEGED" && len(having(having(tr.all("statements"), "claimedBy.name", "Elon Musk"), "status", "ALLEGED")) > 0 {
						claim = true
					}
				}
			}
		}
	}
	if !dispute {
		c.errorf("no path shows the dispute: Elon Musk and Microsoft PARTY_TO the same one")
	}
	if !claim {
		c.errorf("no path runs through the dispute to what it concerns and Microsoft's TRAINED_ON, ALLEGED by Elon Musk")
	}
}

func checkXCorp(c *checker, a jv) {
	e := a.all("entity")
	if len(e) != 1 || e[0].str("key") != "twitter" || e[0].str("name") != "Twitter" || e[0].str("kind") != "ORGANIZATION" ||
		!slices.Contains(e[0].strs("aliases"), "X Corp") {
		c.errorf("\"X Corp\" is not resolved to the organisation Twitter with the alias X Corp")
	}
}

func checkStableDiffusionUpstream(c *checker, a jv) {
	hits := a.all("lineage")
	if g, ok := one(c, hits, "entity.key", "getty-images-photos", "hits upstream of Stable Diffusion"); ok {
		if g.str("entity.kind") != "DATASET" || g.str("depth") != "1" || !slices.Contains([]string{"ALLEGED", "DISPUTED"}, g.str("status")) {
			c.errorf("Getty Images photos: %s at depth %s, %s; want a DATASET at depth 1, ALLEGED or DISPUTED", g.str("entity.kind"), g.str("depth"), g.str("status"))
		}
	}
	if len(having(hits, "entity.key", "laion-5b")) != 1 {
		c.errorf("LAION-5B is not upstream of Stable Diffusion")
	}
	// Whose: the holders are hits, one step past what they hold.
	if g, ok := one(c, hits, "entity.key", "getty-images", "hits upstream of Stable Diffusion"); ok && g.str("entity.kind") != "ORGANIZATION" {
		c.errorf("Getty Images is a %s", g.str("entity.kind"))
	}
	for _, h := range hits {
		if h.str("status") == "" || h.str("depth") == "" {
			c.errorf("hit %s without status or depth", h.str("entity.key"))
		}
	}
}

func checkOpenAIInvestors(c *checker, a jv) {
	rels := a.all("entity.relations.edges.node")
	if len(rels) == 0 {
		c.errorf("nobody invested in OpenAI")
	}
	ms, ok := one(c, rels, "from.name", "Microsoft", "investors in OpenAI")
	if !ok {
		return
	}
	if amount := attribute(ms, "amount"); !strings.Contains(amount, "billion") {
		c.errorf("Microsoft's investment has amount %q, want the sum", amount)
	}
	if len(ms.strs("statements.evidence.url")) == 0 {
		c.errorf("Microsoft's investment has no evidence URL")
	}
}

func checkRedditModels(c *checker, a jv) {
	hits := a.all("lineage")
	kinds := map[string]int{}
	for _, h := range hits {
		kind := h.str("entity.kind")
		kinds[kind]++
		if kind != "MODEL" && kind != "PRODUCT" {
			c.errorf("%s is a %s, not a model or product", h.str("entity.name"), kind)
		}
		// Who says so: the claim that the hit used the data has a claimant.
		path := h.all("path")
		if len(path) == 0 || len(path[len(path)-1].strs("statements.claimedBy.name")) == 0 {
			c.errorf("%s: no claimant for its use of Reddit's data", h.str("entity.name"))
		}
	}
	if kinds["MODEL"] == 0 || kinds["PRODUCT"] == 0 {
		c.errorf("hits by kind %v, want models and products", kinds)
	}
	if cl, ok := one(c, hits, "entity.name", "Claude", "hits downstream of Reddit"); ok {
		last := cl.all("path")
		sts := last[len(last)-1].all("statements")
		if cl.str("status") != "DISPUTED" || len(having(having(sts, "claimedBy.name", "Reddit"), "status", "ALLEGED")) == 0 ||
			len(having(having(sts, "claimedBy.name", "Anthropic"), "status", "DENIED")) == 0 {
			c.errorf("Claude is %s; want DISPUTED: alleged by Reddit, denied by Anthropic", cl.str("status"))
		}
	}
	now := a.strs("lineage.entity.name")
	for _, h := range a.all("byEnd2024") {
		if k := h.str("entity.kind"); k != "MODEL" && k != "PRODUCT" {
			c.errorf("byEnd2024: %s is a %s", h.str("entity.name"), k)
		}
		if !slices.Contains(now, h.str("entity.name")) {
			c.errorf("byEnd2024 has %s, which is not downstream of Reddit now", h.str("entity.name"))
		}
	}
	if slices.Contains(a.strs("byEnd2024.entity.name"), "Claude") {
		c.errorf("byEnd2024 has Claude, though Reddit's claim dates from its June 2025 suit")
	}
}

// --- the readme shell -----------------------------------------------------

// readmeShell is where README's command lines run: a temporary directory
// with bin/whosedata (the built command), the README's whosedata/v1 example
// as my-disputes.yaml and testdata/readme/more/ as more/, and an environment
// whose store (WHOSEDATA_DATA) and HOME are temporary.
type readmeShell struct {
	dir, data string
	env       []string
	help      map[string]string // whosedata help VERB, by verb
}

func newReadmeShell(t *testing.T, doc *readme) *readmeShell {
	t.Helper()
	dir := t.TempDir()
	sh := &readmeShell{dir: dir, data: filepath.Join(dir, "data"), help: map[string]string{}}
	sh.env = append(cleanEnv(t), "WHOSEDATA_DATA="+sh.data)
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(dir, "bin", "whosedata")); err != nil {
		t.Fatal(err)
	}
	if len(doc.yaml) != 1 {
		t.Fatalf("README.md has %d yaml blocks starting \"format: whosedata/v1\", want the one example that my-disputes.yaml is made of", len(doc.yaml))
	}
	if err := os.WriteFile(filepath.Join(dir, "my-disputes.yaml"), []byte(doc.yaml[0].text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "more"), os.DirFS(filepath.Join("testdata", "readme", "more"))); err != nil {
		t.Fatal(err)
	}
	// The README's lines name the checkout's bundled files (fixtures/hf).
	if err := os.CopyFS(filepath.Join(dir, "fixtures", "hf"), os.DirFS(filepath.Join("..", "fixtures", "hf"))); err != nil {
		t.Fatal(err)
	}
	return sh
}

// bash runs a command line in the shell's directory and environment.
func (sh *readmeShell) bash(t *testing.T, line string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", line)
	cmd.Dir, cmd.Env = sh.dir, sh.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if x, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code = x.ExitCode()
	} else if err != nil {
		t.Fatalf("bash -c %q: %v", line, err)
	}
	return r
}

// whosedata runs the built command with args in the shell and fails the test
// unless it exits 0.
func (sh *readmeShell) whosedata(t *testing.T, args ...string) result {
	t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	r := sh.bash(t, "bin/whosedata "+strings.Join(quoted, " "))
	if r.code != 0 {
		t.Fatalf("whosedata %s: exit %d\nstdout: %.2000s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func (sh *readmeShell) file(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sh.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustSucceed fails the test unless r exited 0.
func mustSucceed(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout: %.2000s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}

var (
	verbOnLine = regexp.MustCompile(`bin/whosedata\s+([a-z]+)([^&|;>]*)`)
	flagWord   = regexp.MustCompile(`(?:^|[\s,(])(--[a-z][a-z-]*)`)
)

// checkFlagsExist checks that every flag a line names, in its arguments or
// its comment, is one its verb's help lists.
func checkFlagsExist(t *testing.T, sh *readmeShell, cl commandLine) {
	t.Helper()
	verbs := verbOnLine.FindAllStringSubmatch(cl.cmd, -1)
	for i, m := range verbs {
		text := m[2]
		if i == 0 {
			text += " " + cl.comment
		}
		help, ok := sh.help[m[1]]
		if !ok {
			help = sh.whosedata(t, "help", m[1]).stdout
			sh.help[m[1]] = help
		}
		for _, f := range flagWord.FindAllStringSubmatch(text, -1) {
			if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(f[1]) + `\s`).MatchString(help) {
				t.Errorf("README.md:%d: %s is not a flag of whosedata %s (see whosedata help %s)", cl.line, f[1], m[1], m[1])
			}
		}
	}
}

// --- the checks of README's command lines ----------------------------------

// makeRecipe checks "make target" by its dry run (make -n) in the checkout:
// the recipe holds want, line for line, in order.
func makeRecipe(target string, want ...string) func(t *testing.T, sh *readmeShell, line string) {
	return func(t *testing.T, sh *readmeShell, line string) {
		makeBin, err := exec.LookPath("make")
		if err != nil {
			needInCI(t, "make is not installed: %v", err)
		}
		cmd := exec.CommandContext(t.Context(), makeBin, "-n", target)
		cmd.Dir, cmd.Env = "..", cleanEnv(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %s: %v\n%s", target, err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		i := 0
		for _, l := range lines {
			if i < len(want) && strings.TrimSpace(l) == want[i] {
				i++
			}
		}
		if i < len(want) {
			t.Errorf("%s runs\n%s\nwant, in order:\n%s", line, out, strings.Join(want, "\n"))
		}
	}
}

// runServeLine starts the line's serve on a free port (the README's 8080 may
// be taken) with the shell's empty store: it must fill it with the bundled
// data, answer GraphQL, /healthz and the playground page at /, and stop
// cleanly on SIGTERM.
func runServeLine(t *testing.T, sh *readmeShell, line string) {
	args := strings.Fields(strings.TrimPrefix(line, "bin/whosedata serve"))
	srv := startServerWith(t, bin, sh.env, append(args, "--addr", "127.0.0.1:0")...)
	if !strings.HasPrefix(srv.url, "http://127.0.0.1:") {
		t.Errorf("serve listens on %s, want loopback", srv.url)
	}
	for _, path := range []string{"/healthz", "/"} {
		resp, err := client.Get(srv.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
		}
		if path == "/" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET /: Content-Type %q, want the playground page", resp.Header.Get("Content-Type"))
		}
	}
	resp := graphql(t, srv.url, "", `{ entity(ref: "microsoft") { name } stats { entities } }`, nil)
	var n struct {
		Entity struct{ Name string }
		Stats  struct{ Entities int }
	}
	if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &n) != nil || n.Entity.Name != "Microsoft" || n.Stats.Entities < 1000 {
		t.Errorf("the bundled data is not served: %s %v", resp.Data, resp.Errors)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM:\n%s", code, srv.log())
	}
	if !strings.Contains(srv.log(), "loaded the bundled data") {
		t.Errorf("serve did not log the bundled load:\n%s", srv.log())
	}
}

// checkLoadLine: both paths load (the README's example and a folder holding
// a JSONL file of BigAI's denial), again they change nothing, and lineage
// reads what they say.
func checkLoadLine(t *testing.T, sh *readmeShell, r result) {
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "loaded 2 files: ") {
		t.Errorf("load printed %q, want a summary of 2 files", r.stdout)
	}
	again := sh.bash(t, "bin/whosedata load my-disputes.yaml more/")
	if again.code != 0 || !strings.Contains(again.stdout, " 0 entities created, 0 updated, 0 relations created, 0 updated, 0 statements added") {
		t.Errorf("loading the same files twice changed something: exit %d, %q", again.code, again.stdout)
	}
	out := sh.whosedata(t, "query", `{ lineage(entity: "Acme News", direction: DOWNSTREAM) { entity { key kind } status } }`).stdout
	for _, want := range []string{`"key": "bigai-7b"`, `"kind": "MODEL"`, `"status": "DISPUTED"`, `"key": "bigai"`} {
		if !strings.Contains(out, want) {
			t.Errorf("downstream of Acme News lacks %s (BigAI 7B, alleged by Acme and denied by BigAI):\n%s", want, out)
		}
	}
}

// checkHFLine: the quantized Zephyr is a quantization of Zephyr, itself a
// fine-tune of Mistral 7B trained on UltraChat: the lineage names each with
// its depth and the method the cards give.
func checkHFLine(t *testing.T, _ *readmeShell, r result) {
	mustSucceed(t, r)
	var q struct {
		Data struct {
			Lineage []struct {
				Entity struct{ Name string }
				Depth  int
				Path   []struct{ Type, Method string }
			}
		}
	}
	_, body, _ := strings.Cut(r.stdout, "\n")
	if err := json.Unmarshal([]byte(body), &q); err != nil {
		t.Fatalf("the query printed no JSON after the load's summary: %v\n%s", err, r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "loaded 7 files: ") {
		t.Errorf("load printed %q, want a summary of the 7 cards", r.stdout)
	}
	depth := map[string]int{}
	for _, h := range q.Data.Lineage {
		depth[h.Entity.Name] = h.Depth
		if h.Entity.Name == "HuggingFaceH4/zephyr-7b-beta" && (len(h.Path) != 1 || h.Path[0].Type != "FINE_TUNED_FROM" || h.Path[0].Method != "quantized") {
			t.Errorf("Zephyr is reached by %+v, want one FINE_TUNED_FROM with method quantized", h.Path)
		}
	}
	for name, want := range map[string]int{"HuggingFaceH4/zephyr-7b-beta": 1, "mistralai/Mistral-7B-v0.1": 2} {
		if depth[name] != want {
			t.Errorf("upstream of the GGUF: %s at depth %d, want %d\n%s", name, depth[name], want, r.stdout)
		}
	}
	// UltraChat is the card's own dataset (HuggingFaceH4/ultrachat_200k), or
	// the Data Provenance record it resolves to when the bundled data is in
	// the store.
	ultra := false
	for name, d := range depth {
		ultra = ultra || (strings.Contains(strings.ToLower(name), "ultrachat") && d == 1)
	}
	if !ultra {
		t.Errorf("upstream of the GGUF lacks UltraChat at depth 1:\n%s", r.stdout)
	}
}

// checkStatsQuery: the query verb's counts are those of the stats verb.
func checkStatsQuery(t *testing.T, sh *readmeShell, r result) {
	mustSucceed(t, r)
	var q struct {
		Data struct{ Stats map[string]int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &q); err != nil {
		t.Fatalf("query printed no JSON: %v\n%s", err, r.stdout)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(sh.whosedata(t, "stats").stdout), &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"entities", "relations", "statements"} {
		if n, _ := s[k].(float64); q.Data.Stats[k] < 1 || float64(q.Data.Stats[k]) != n {
			t.Errorf("%s: query says %d, stats says %v", k, q.Data.Stats[k], s[k])
		}
	}
}

// checkVarsQuery: the document read from stdin takes its variable.
func checkVarsQuery(t *testing.T, _ *readmeShell, r result) {
	mustSucceed(t, r)
	var q struct {
		Data struct{ Entity struct{ Name string } }
	}
	if err := json.Unmarshal([]byte(r.stdout), &q); err != nil || q.Data.Entity.Name != "Twitter" {
		t.Errorf("\"X Corp\" did not resolve to Twitter: %v\n%s", err, r.stdout)
	}
}

// checkExportLine: graph.json is a whosedata/v1 file that loads back into
// an empty store as the same graph.
func checkExportLine(t *testing.T, sh *readmeShell, r result) {
	mustSucceed(t, r)
	exported := sh.file(t, "graph.json")
	var f struct {
		Format   string
		Entities []struct{ Key string }
	}
	if err := json.Unmarshal(exported, &f); err != nil || f.Format != "whosedata/v1" || len(f.Entities) < 1000 {
		t.Fatalf("graph.json: %v, format %q, %d entities", err, f.Format, len(f.Entities))
	}
	sh.whosedata(t, "load", "--data", "reloaded", "graph.json")
	if again := sh.whosedata(t, "export", "--data", "reloaded", "--format", "json").stdout; again != string(exported) {
		t.Errorf("graph.json does not load back as the same graph:\n%s", lineDiff(string(exported), again))
	}
}

func checkVerifyLine(t *testing.T, _ *readmeShell, r result) {
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "checked ") || !strings.Contains(r.stdout, "ok") {
		t.Errorf("verify printed %q", r.stdout)
	}
}

// checkBackupRestore: the restored store exports as the original does.
func checkBackupRestore(t *testing.T, sh *readmeShell, r result) {
	mustSucceed(t, r)
	if !regexp.MustCompile(`^restored \d+ entities`).MatchString(r.stdout) {
		t.Errorf("restore printed %q", r.stdout)
	}
	original := sh.whosedata(t, "export").stdout
	if restored := sh.whosedata(t, "export", "--data", "restored").stdout; restored != original {
		t.Errorf("the restored store differs:\n%s", lineDiff(original, restored))
	}
}

// runMigrateLine puts a store of the previous key layout at old-store (the
// backup of graph/testdata/v2, made by the code of that layout, restored:
// restore asks for migrate), runs the line, and checks that the upgraded
// store verifies and answers, and that a second run has nothing to do.
func runMigrateLine(t *testing.T, sh *readmeShell, line string) {
	f, err := os.Open(filepath.Join("..", "graph", "testdata", "v2", "store.backup.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if _, err := backup.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sh.dir, "old.backup"), backup.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := sh.bash(t, "bin/whosedata restore --data old-store old.backup"); r.code != 1 || !strings.Contains(r.stderr, "whosedata migrate --store old-store") {
		t.Fatalf("restore of an old backup: exit %d, stderr %q; want exit 1 and the migrate command", r.code, r.stderr)
	}
	r := sh.bash(t, line)
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "migrated old-store from whosedata-kv/2 to whosedata-kv/3: ") || !strings.Contains(r.stderr, "migrate: count records") {
		t.Errorf("migrate printed %q, on stderr %q", r.stdout, r.stderr)
	}
	if v := sh.whosedata(t, "verify", "--store", "old-store").stdout; !strings.Contains(v, "ok: no inconsistency") {
		t.Errorf("verify after migrate printed %q", v)
	}
	if q := sh.whosedata(t, "query", "--store", "old-store", `{ entity(ref: "ARL") { key } }`).stdout; !strings.Contains(q, `"key": "acme"`) {
		t.Errorf("a merged alias after migrate: %s", q)
	}
	if again := sh.whosedata(t, "migrate", "--store", "old-store").stdout; !strings.Contains(again, "already has key layout whosedata-kv/3; nothing to do") {
		t.Errorf("second migrate printed %q", again)
	}
}

// checkHelpLine: help lists every verb the README names and serve's default
// address.
func checkHelpLine(t *testing.T, _ *readmeShell, r result) {
	mustSucceed(t, r)
	verbs := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 1 && strings.HasPrefix(sc.Text(), "  ") && !strings.HasPrefix(f[0], "-") {
			verbs[f[0]] = true
		}
	}
	for _, v := range []string{"serve", "load", "query", "export", "verify", "stats", "backup", "restore", "migrate"} {
		if !verbs[v] {
			t.Errorf("help does not list %s", v)
		}
	}
	if !strings.Contains(r.stdout, "(default 127.0.0.1:8080)") {
		t.Errorf("help does not give serve's default address 127.0.0.1:8080")
	}
}

// runBenchLine runs the line with bin/whosedata-bench (built beside the
// package's whosedata, which it finds there) in the readme shell: the
// correctness run passes and prints every workload.
func runBenchLine(t *testing.T, sh *readmeShell, line string) {
	link := filepath.Join(sh.dir, "bin", "whosedata-bench")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(benchCommand(t), link); err != nil {
			t.Fatal(err)
		}
	}
	r := sh.bash(t, line)
	mustSucceed(t, r)
	for _, row := range benchRows {
		if !strings.Contains(r.stdout, " "+row+" ") {
			t.Errorf("whosedata-bench --check lacks the %s row:\n%s", row, r.stdout)
		}
	}
}

// TestReadmeGoDocMap holds `go doc ./graph`, which the README calls the map
// of the library, to what it must be: a user's map (open, write, lineage,
// time, licences) before the file map; every CamelCase identifier it names
// exists in the package; every file it lists exists.
func TestReadmeGoDocMap(t *testing.T) {
	dir := filepath.Join("..", "graph")
	fset := token.NewFileSet()
	var files []*ast.File
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range matches {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/whosedata/whosedata/graph")
	if err != nil {
		t.Fatal(err)
	}
	text := pkg.Doc

	last := -1
	for _, h := range []string{"# Open a store", "# Write", "# Ask lineage", "# Time", "# Licences", "# The files"} {
		i := strings.Index(text, "\n"+h)
		if i < 0 || i < last {
			t.Errorf("graph/doc.go: the heading %q is missing or out of order (a user's map first, the files last)", h)
		}
		last = max(last, i)
	}

	names := map[string]bool{}
	for _, c := range pkg.Consts {
		for _, n := range c.Names {
			names[n] = true
		}
	}
	for _, v := range pkg.Vars {
		for _, n := range v.Names {
			names[n] = true
		}
	}
	for _, f := range pkg.Funcs {
		names[f.Name] = true
	}
	for _, ty := range pkg.Types {
		names[ty.Name] = true
		for _, f := range append(ty.Funcs, ty.Methods...) {
			names[f.Name] = true
		}
		for _, c := range ty.Consts {
			for _, n := range c.Names {
				names[n] = true
			}
		}
		for _, spec := range ty.Decl.Specs {
			if st, ok := spec.(*ast.TypeSpec).Type.(*ast.StructType); ok {
				for _, fld := range st.Fields.List {
					for _, n := range fld.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	for _, w := range regexp.MustCompile(`\b[A-Z][a-z]+[A-Z][A-Za-z]*\b`).FindAllString(text, -1) {
		if !names[w] {
			t.Errorf("graph/doc.go names %s, which package graph does not export", w)
		}
	}

	_, fileMap, _ := strings.Cut(text, "\n# The files\n")
	listed := 0
	for line := range strings.Lines(fileMap) {
		if !strings.HasPrefix(line, "\t") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
		for _, name := range strings.Split(first, ",") {
			listed++
			if _, err := os.Stat(filepath.Join(dir, strings.TrimSpace(name))); err != nil {
				t.Errorf("graph/doc.go's file map lists %s: %v", strings.TrimSpace(name), err)
			}
		}
	}
	if listed == 0 {
		t.Errorf("graph/doc.go has no file map after # The files")
	}
}

// checkStableDiffusionCompliance: a verdict, and when it is not ALLOWED the
// asset that decides it, with its class and the path that reaches it.
func checkStableDiffusionCompliance(c *checker, a jv) {
	verdict := a.str("compliance.verdict")
	if verdict == "" {
		c.errorf("no verdict")
		return
	}
	assets := a.all("compliance.assets")
	if len(assets) < 2 || assets[0].str("asset.key") != "stable-diffusion" {
		c.errorf("assets %v: want Stable Diffusion itself first, then what is upstream of it", a.strs("compliance.assets.asset.key"))
	}
	if _, ok := one(c, assets, "asset.key", "laion-5b", "assets of Stable Diffusion"); !ok {
		return
	}
	blocking := having(assets, "blocks", "true")
	if verdict != "ALLOWED" && len(blocking) == 0 {
		c.errorf("verdict %s, but no asset blocks", verdict)
	}
	for _, b := range blocking {
		if b.str("class") == "" || (b.str("asset.key") != "stable-diffusion" && len(b.all("path")) == 0) {
			c.errorf("blocking asset %s has class %q and %d path relations", b.str("asset.key"), b.str("class"), len(b.all("path")))
		}
	}
}

// checkNYTTimeline: the case is ongoing now, was filed by the end of 2023,
// and its timeline begins with the filing, every step with evidence from a
// listed publisher.
func checkNYTTimeline(c *checker, a jv) {
	if now := a.str("entity.now"); now != "ONGOING" {
		c.errorf("status now %q, want ONGOING (consolidated into MDL 3143)", now)
	}
	if then := a.str("entity.end2023"); then != "FILED" {
		c.errorf("status at the end of 2023 %q, want FILED (filed 2023-12-27)", then)
	}
	evs := a.all("entity.events")
	if len(evs) < 3 || evs[0].str("date") != "2023-12-27" || evs[0].str("status") != "FILED" {
		c.errorf("timeline %v: want the filing of 2023-12-27 first, then later steps", a.strs("entity.events.date"))
	}
	for _, e := range evs {
		if len(e.strs("evidence.url")) == 0 || len(e.strs("evidence.publisher.kind")) == 0 {
			c.errorf("event %s (%s) has no evidence from a listed publisher", e.str("date"), e.str("summary"))
		}
	}
}

// checkScrapingSearch: entities are found by what is written about them,
// with the words in the snippet.
func checkScrapingSearch(c *checker, a jv) {
	hits := a.all("searchHits")
	if len(hits) == 0 {
		c.errorf("nothing mentions scraping")
	}
	for _, h := range hits {
		m := h.str("matched")
		if m == "name" || m == "alias" || m == "key" {
			continue
		}
		if !strings.Contains(strings.ToLower(h.str("snippet")), "scrap") {
			c.errorf("%s matched %s but its snippet %q does not say scraping", h.str("entity.key"), m, h.str("snippet"))
		}
	}
}

// checkTwitterChanges: the latest changes touching Twitter, oldest first,
// each with its time and kind.
func checkTwitterChanges(c *checker, a jv) {
	edges := a.all("changes.edges.node")
	total, _ := strconv.Atoi(a.str("changes.totalCount"))
	if len(edges) != 5 || total < 5 {
		c.errorf("%d changes of %d: want the latest 5", len(edges), total)
	}
	prev := ""
	for _, e := range edges {
		at := e.str("at")
		if at == "" || e.str("kind") == "" || at < prev {
			c.errorf("change %+v: want a time, a kind, oldest first", e.v)
		}
		prev = at
	}
}

// checkComplianceLine: the verdict and, for a restriction, what decides it.
func checkComplianceLine(t *testing.T, _ *readmeShell, r result) {
	verdicts := map[int]string{0: "ALLOWED", 3: "RESTRICTED", 4: "UNKNOWN"}
	v, ok := verdicts[r.code]
	if !ok || !strings.Contains(r.stdout, v) || !strings.Contains(r.stdout, "laion") {
		t.Errorf("compliance stable-diffusion: exit %d, output %q; want a verdict matching the exit code and the upstream data", r.code, r.stdout)
	}
}

// checkComplianceJSONLine: JSON for scripts, with the verdict and assets.
func checkComplianceJSONLine(t *testing.T, _ *readmeShell, r result) {
	var out struct {
		Verdict string
		Assets  []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Verdict == "" || len(out.Assets) == 0 {
		t.Errorf("compliance --json: exit %d, %v, %q", r.code, err, r.stdout)
	}
}

// checkComplianceExitLine: the README's own BigAI 7B, asserted claims only,
// has no licence: UNKNOWN, exit 4, which the line reports.
func checkComplianceExitLine(t *testing.T, _ *readmeShell, r result) {
	if r.code != 0 || !strings.Contains(r.stdout, "UNKNOWN") || !strings.Contains(r.stdout, "exit 4") {
		t.Errorf("compliance bigai-7b: exit %d, output %q; want UNKNOWN and exit 4", r.code, r.stdout)
	}
}
