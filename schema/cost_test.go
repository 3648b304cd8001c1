package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// costStore is a generated store: models models each TRAINED_ON every one of
// datasets datasets, so every dataset has models relations and nested lists
// multiply quickly.
func costStore(t *testing.T, models, datasets int) *graph.Store {
	t.Helper()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	b := &graph.Batch{}
	for i := range datasets {
		b.Entities = append(b.Entities, graph.EntityInput{Key: fmt.Sprintf("d%d", i), Kind: graph.Dataset, Name: fmt.Sprintf("Dataset %d", i)})
	}
	for i := range models {
		b.Entities = append(b.Entities, graph.EntityInput{Key: fmt.Sprintf("m%d", i), Kind: graph.Model, Name: fmt.Sprintf("Model %d", i)})
		for j := range datasets {
			b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn,
				From: fmt.Sprintf("m%d", i), To: fmt.Sprintf("d%d", j), Status: graph.Asserted})
		}
	}
	if _, err := s.Import(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return s
}

// wideQuery asks for every relation of the target of every relation of every
// entity: on costStore(t, 50, 10), 60 entities, 1,000 relations, then 50
// relations and their statements for each of those 1,000 targets: 100,000
// objects.
const wideQuery = `{ entities(first: 500) { edges { node { key
  relations(first: 500) { edges { node { to {
    relations(first: 500) { edges { node { statements { status } } } } } } } } } } } }`

func TestCostLimit(t *testing.T) {
	st := costStore(t, 50, 10)
	// A budget of 5,000 behaves as the default of 50,000 does, on a store
	// small enough for the race detector.
	sch, err := schema.New(st, schema.Options{MaxDepth: 20, MaxCost: 5000, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	resp := decode(t, sch.Exec(ctx, wideQuery, "", nil))
	codes := errorCodes(resp)
	if len(codes) == 0 {
		t.Fatal("a query asking for 100,000 objects succeeded")
	}
	for _, c := range codes {
		if c != "LIMIT_EXCEEDED" {
			t.Fatalf("error codes %v, want only LIMIT_EXCEEDED", codes)
		}
	}
	if msg := firstMessage(resp); !strings.Contains(msg, "more than 5000 objects") || !strings.Contains(msg, "first") {
		t.Errorf("message %q does not say the limit and how to narrow the query", msg)
	}

	// The same query, narrowed, is under the budget: 60 entities, 300
	// relations, 1,500 relations and their statements.
	narrow := strings.ReplaceAll(wideQuery, "first: 500", "first: 5")
	for range 2 { // each request has a budget of its own
		resp = decode(t, sch.Exec(ctx, narrow, "", nil))
		if codes := errorCodes(resp); len(codes) != 0 {
			t.Fatalf("narrowed query failed: %v %v", codes, firstMessage(resp))
		}
	}
}

// TestDefaultCost pins the default budget at 50,000 objects, with aliased
// pages of 500 entities: each costs its 500 entities and 6 for scanning the
// 500 entities of the store, so 98 pages fit and 99 do not.
func TestDefaultCost(t *testing.T) {
	st := costStore(t, 500, 0)
	sch, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	query := func(pages int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range pages {
			fmt.Fprintf(&b, " p%d: entities(first: 500) { edges { node { key } } }", i)
		}
		b.WriteString(" }")
		return b.String()
	}
	ctx := context.Background()
	if codes := errorCodes(decode(t, sch.Exec(ctx, query(98), "", nil))); len(codes) != 0 {
		t.Errorf("98 pages (49,588): codes %v, want none", codes)
	}
	resp := decode(t, sch.Exec(ctx, query(99), "", nil))
	if codes := errorCodes(resp); len(codes) != 1 || codes[0] != "LIMIT_EXCEEDED" {
		t.Errorf("99 pages (50,094): codes %v, want [LIMIT_EXCEEDED]", codes)
	}
	if msg := firstMessage(resp); !strings.Contains(msg, "more than 50000 objects") {
		t.Errorf("message %q does not name the default budget", msg)
	}
	// A normal query is unaffected.
	if codes := errorCodes(decode(t, sch.Exec(ctx, `{ search(text: "Model 1") { key } stats { entities } }`, "", nil))); len(codes) != 0 {
		t.Errorf("a small query failed: %v", codes)
	}
}

func TestCostOptionsAndWithCost(t *testing.T) {
	st := costStore(t, 10, 3) // 13 entities, 30 relations
	// 13 entities and 1 for the scan.
	const q = `{ entities(first: 13) { edges { node { key } } } }`
	ctx := context.Background()

	small, err := schema.New(st, schema.Options{MaxCost: 13, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if codes := errorCodes(decode(t, small.Exec(ctx, q, "", nil))); len(codes) != 1 || codes[0] != "LIMIT_EXCEEDED" {
		t.Errorf("13 entities with MaxCost 13: codes %v, want [LIMIT_EXCEEDED]", codes)
	}
	// WithCost overrides Options.MaxCost for one request.
	if codes := errorCodes(decode(t, small.Exec(schema.WithCost(ctx, 14), q, "", nil))); len(codes) != 0 {
		t.Errorf("13 entities with WithCost 14: codes %v, want none", codes)
	}
	// A list is charged at its bound before it runs: first: 100 costs 100
	// although the store has 13 entities.
	if codes := errorCodes(decode(t, small.Exec(schema.WithCost(ctx, 100), `{ entities(first: 100) { totalCount } }`, "", nil))); len(codes) != 1 || codes[0] != "LIMIT_EXCEEDED" {
		t.Errorf("first: 100 with WithCost 100: codes %v, want [LIMIT_EXCEEDED]", codes)
	}
	def, err := schema.New(st, schema.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if codes := errorCodes(decode(t, def.Exec(schema.WithCost(ctx, 5), q, "", nil))); len(codes) != 1 || codes[0] != "LIMIT_EXCEEDED" {
		t.Errorf("13 entities with WithCost 5: codes %v, want [LIMIT_EXCEEDED]", codes)
	}
	// Every list counts: relations and their statements, and the scan.
	const rels = `{ relations(first: 30) { edges { node { statements { status } } } } }`
	if codes := errorCodes(decode(t, def.Exec(schema.WithCost(ctx, 60), rels, "", nil))); len(codes) == 0 {
		t.Error("30 relations, 30 statements and a scan fit a budget of 60")
	}
	if codes := errorCodes(decode(t, def.Exec(schema.WithCost(ctx, 61), rels, "", nil))); len(codes) != 0 {
		t.Errorf("30 relations, 30 statements and a scan with a budget of 61: codes %v", codes)
	}
}

// decode turns a response into plain JSON values.
func decode(t *testing.T, resp *graphql.Response) map[string]any {
	t.Helper()
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// errorCodes returns the extensions.code of every error of a response.
func errorCodes(resp map[string]any) []string {
	errs, _ := resp["errors"].([]any)
	var out []string
	for _, e := range errs {
		ext, _ := e.(map[string]any)["extensions"].(map[string]any)
		code, _ := ext["code"].(string)
		out = append(out, code)
	}
	return out
}

func firstMessage(resp map[string]any) string {
	errs, _ := resp["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	msg, _ := errs[0].(map[string]any)["message"].(string)
	return msg
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
