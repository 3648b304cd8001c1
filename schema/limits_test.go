package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// onlyCode fails the test unless resp has at least one error and every
// error has the code want.
func onlyCode(t *testing.T, resp map[string]any, want string) {
	t.Helper()
	codes := errorCodes(resp)
	if len(codes) == 0 {
		t.Fatalf("no error, want %s", want)
	}
	for _, c := range codes {
		if c != want {
			t.Fatalf("codes %v, want only %s (%s)", codes, want, firstMessage(resp))
		}
	}
}

func noErrors(t *testing.T, resp map[string]any) {
	t.Helper()
	if codes := errorCodes(resp); len(codes) != 0 {
		t.Fatalf("codes %v: %s", codes, firstMessage(resp))
	}
}

// TestWalksCostBeforeWork: a walk that returns nothing is not free. One
// lineage(first: 0), or with a kinds filter that matches nothing, per node
// of a 500-entity page goes over the budget instead of running 500 walks.
func TestWalksCostBeforeWork(t *testing.T) {
	st := costStore(t, 499, 1) // 500 entities; every model trained on d0
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, args := range []string{"first: 0", "kinds: [LICENSE]", "first: 0, kinds: [LICENSE]"} {
		q := `{ entities(first: 500) { edges { node { key lineage(direction: UPSTREAM, ` + args + `) { depth } } } } }`
		resp := decode(t, sch.Exec(ctx, q, "", nil))
		onlyCode(t, resp, "LIMIT_EXCEEDED")
		// The page costs 506 and each walk 100 (and without first, 1000
		// hits held until it has run): at most 494 walks fit.
		if n := len(errorCodes(resp)); n < 6 || (strings.Contains(args, "first: 0") && n != 6) {
			t.Errorf("lineage(%s) on 500 entities: %d walks refused, want 6 (or more without first)", args, n)
		}
	}
	// A hundred walks are within the budget.
	noErrors(t, decode(t, sch.Exec(ctx, `{ entities(first: 100) { edges { node { lineage(direction: UPSTREAM, first: 0) { depth } } } } }`, "", nil)))
}

// TestLineageCappedWithoutFirst: lineage without first returns at most 1000
// hits, as the SDL says.
func TestLineageCappedWithoutFirst(t *testing.T) {
	st := costStore(t, 1100, 1)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	resp := decode(t, sch.Exec(context.Background(), `{ lineage(entity: "d0", direction: DOWNSTREAM) { entity { key } } }`, "", nil))
	noErrors(t, resp)
	hits := resp["data"].(map[string]any)["lineage"].([]any)
	if len(hits) != schema.MaxLineageHits {
		t.Fatalf("lineage without first: %d hits, want %d of the 1100", len(hits), schema.MaxLineageHits)
	}
}

// TestPathsAndNeighborhoodCostBeforeWork: paths and neighborhood charge
// their walk before walking, whatever they return.
func TestPathsAndNeighborhoodCostBeforeWork(t *testing.T) {
	st := costStore(t, 2, 2)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const paths = `{ paths(from: "m0", to: "m1", first: 0) { status } }`
	onlyCode(t, decode(t, sch.Exec(schema.WithCost(ctx, 99), paths, "", nil)), "LIMIT_EXCEEDED")
	noErrors(t, decode(t, sch.Exec(schema.WithCost(ctx, 100), paths, "", nil)))

	const nothing = `{ neighborhood(entity: "m0") { __typename } }`
	onlyCode(t, decode(t, sch.Exec(schema.WithCost(ctx, 99), nothing, "", nil)), "LIMIT_EXCEEDED")
	noErrors(t, decode(t, sch.Exec(schema.WithCost(ctx, 100), nothing, "", nil)))
	// With nothing selected there is no walk, but the entity is still
	// looked up and the arguments checked.
	onlyCode(t, decode(t, sch.Exec(ctx, `{ neighborhood(entity: "nobody") { __typename } }`, "", nil)), "NOT_FOUND")
	onlyCode(t, decode(t, sch.Exec(ctx, `{ neighborhood(entity: "m0", depth: 9) { __typename } }`, "", nil)), "LIMIT_EXCEEDED")
	// Selected, it walks: m0 and the two datasets it trained on.
	resp := decode(t, sch.Exec(ctx, `{ neighborhood(entity: "m0") { nodes { key } } }`, "", nil))
	noErrors(t, resp)
	if nodes := resp["data"].(map[string]any)["neighborhood"].(map[string]any)["nodes"].([]any); len(nodes) != 3 {
		t.Errorf("neighborhood of m0: %v, want m0, d0 and d1", nodes)
	}
}

// TestScansCostWhatTheyTouch: entities, relations and stats charge the
// store's size (1 per 100 counted) before they run, first: 0 included.
func TestScansCostWhatTheyTouch(t *testing.T) {
	st := costStore(t, 100, 10) // 110 entities, 1,000 relations and statements
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		query string
		cost  int
	}{
		{`{ entities(kind: LICENSE, first: 0) { totalCount } }`, 2},          // 1 + 110/100
		{`{ relations(first: 0) { totalCount } }`, 11},                       // 1 + 1000/100
		{`{ stats { entities } }`, 22},                                       // 1 + 2110/100
		{`{ search(text: "model", kinds: [LICENSE], first: 3) { key } }`, 5}, // 2 + 3
	} {
		onlyCode(t, decode(t, sch.Exec(schema.WithCost(ctx, c.cost-1), c.query, "", nil)), "LIMIT_EXCEEDED")
		noErrors(t, decode(t, sch.Exec(schema.WithCost(ctx, c.cost), c.query, "", nil)))
	}
	// Many counts in one request add up.
	var b strings.Builder
	b.WriteString("{")
	for i := range 50 {
		fmt.Fprintf(&b, " s%d: stats { entities }", i)
	}
	b.WriteString(" }")
	onlyCode(t, decode(t, sch.Exec(schema.WithCost(ctx, 1000), b.String(), "", nil)), "LIMIT_EXCEEDED")
}

// quoteStore has entities with 60 KiB descriptions and relations whose
// evidence quotes are 60 KiB.
func quoteStore(t *testing.T, n int) *graph.Store {
	t.Helper()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	big := strings.Repeat("a quote <with> escapes & ", 60<<10/25)
	b := &graph.Batch{}
	for i := range n {
		b.Entities = append(b.Entities,
			graph.EntityInput{Key: fmt.Sprintf("m%d", i), Kind: graph.Model, Name: fmt.Sprintf("Model %d", i), Description: big},
			graph.EntityInput{Key: fmt.Sprintf("d%d", i), Kind: graph.Dataset, Name: fmt.Sprintf("Dataset %d", i)})
		b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn, From: fmt.Sprintf("m%d", i), To: fmt.Sprintf("d%d", i),
			Status: graph.Alleged, Evidence: []graph.EvidenceInput{{URL: "https://example.org/x", Quote: big}}})
	}
	if _, err := s.Import(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestResponseByteBudget: a response is bounded in bytes, not only in
// objects: aliased 60 KiB quotes go over the byte budget, which stops the
// request with one LIMIT_EXCEEDED error and no data.
func TestResponseByteBudget(t *testing.T) {
	st := quoteStore(t, 20)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger(), MaxResponseBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	aliased := func(field string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, " q%d: %s", i, field)
		}
		return b.String()
	}
	for _, q := range []string{
		// 20 quotes of 60 KiB, ten times each: 12 MiB.
		`{ relations(first: 20) { edges { node { statements { evidence {` + aliased("quote", 10) + ` } } } } } }`,
		`{ entities(kind: MODEL, first: 20) { edges { node {` + aliased("description", 10) + ` } } } }`,
	} {
		raw := sch.Exec(ctx, q, "", nil)
		if raw.Data != nil {
			t.Errorf("over the byte budget, data of %d bytes came back", len(raw.Data))
		}
		resp := decode(t, raw)
		onlyCode(t, resp, "LIMIT_EXCEEDED")
		if n := len(errorCodes(resp)); n != 1 {
			t.Errorf("%d errors, want 1", n)
		}
		if msg := firstMessage(resp); !strings.Contains(msg, "larger than its limit of 1048576 bytes") {
			t.Errorf("message %q does not name the byte limit", msg)
		}
	}
	// Ten quotes, once each, fit in 1 MiB.
	resp := decode(t, sch.Exec(ctx, `{ relations(first: 10) { edges { node { statements { evidence { quote } } } } } }`, "", nil))
	noErrors(t, resp)

	// Keys are charged too: a long alias on every field of 300 entities.
	many := costStore(t, 300, 0)
	manySch, err := schema.New(many, schema.Options{Logger: discardLogger(), MaxResponseBytes: 100 << 10})
	if err != nil {
		t.Fatal(err)
	}
	const short = `{ entities(first: 300) { edges { node { k: kind } } } }`
	noErrors(t, decode(t, manySch.Exec(ctx, short, "", nil)))
	long := strings.Replace(short, "k:", strings.Repeat("k", 300)+":", 1)
	onlyCode(t, decode(t, manySch.Exec(ctx, long, "", nil)), "LIMIT_EXCEEDED")
}

// TestDefaultResponseBytes pins the default byte budget at 16 MiB.
func TestDefaultResponseBytes(t *testing.T) {
	st := quoteStore(t, 20)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	query := func(copies int) string {
		var b strings.Builder
		for i := range copies {
			fmt.Fprintf(&b, " q%d: quote", i)
		}
		return `{ relations(first: 20) { edges { node { statements { evidence {` + b.String() + ` } } } } } }`
	}
	// A quote is 98,282 bytes of JSON (its < > & escaped): 20 × 7 fit in
	// 16 MiB (13.8 MB), 20 × 9 do not (17.7 MB).
	raw := sch.Exec(ctx, query(7), "", nil)
	if len(raw.Errors) > 0 || len(raw.Data) < 13<<20 {
		t.Fatalf("140 quotes: %d bytes, errors %v", len(raw.Data), raw.Errors)
	}
	onlyCode(t, decode(t, sch.Exec(ctx, query(9), "", nil)), "LIMIT_EXCEEDED")
}

// TestOverlapAndSelectionLimits: graphql-go's quadratic validation of
// same-named fields and the expansion of fragments are bounded.
func TestOverlapAndSelectionLimits(t *testing.T) {
	st := costStore(t, 1, 1)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	resp := sch.Exec(ctx, "{"+strings.Repeat(" stats { entities }", 1000)+" }", "", nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Rule != "OverlapValidationLimitExceeded" {
		t.Fatalf("1000 copies of a field: errors %v, want the overlap limit", resp.Errors)
	}
	// 200 spreads of a fragment of 100 fields expand to 20,000 selections.
	frag := "fragment F on Stats {" + strings.Repeat(" entities", 100) + " }"
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, " s%d: stats { ...F }", i)
	}
	resp = sch.Exec(ctx, "{"+b.String()+" } "+frag, "", nil)
	if len(resp.Errors) == 0 {
		t.Fatal("20,000 selections through fragments: no error")
	}
}

func TestJSONLenMatchesEncoding(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te\back`, "tab\tnl\ncr\r", "<b>&amp;</b>", "\x00\x1f", "héllo wörld", "\u2028\u2029", "bad \xff utf8", "日本語"} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := schema.JSONLen(s); got != len(b) {
			t.Errorf("JSONLen(%q) = %d, encoding/json writes %d bytes", s, got, len(b))
		}
	}
}
