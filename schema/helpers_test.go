package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// seedQuote is the evidence quote of Musk's allegation in the test store.
const seedQuote = "Musk accused Microsoft of using Twitter's data to train its AI"

// seedBatch is a small version of the seed story (SPEC, seed-article.txt).
func seedBatch() *graph.Batch {
	attrs := func(kv ...string) []graph.Attribute {
		var out []graph.Attribute
		for i := 0; i < len(kv); i += 2 {
			out = append(out, graph.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	return &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "elon-musk", Kind: graph.Person, Name: "Elon Musk", Aliases: []string{"Musk"}},
			{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft"},
			{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}},
			{Key: "twitter-posts", Kind: graph.Dataset, Name: "Twitter posts"},
			{Key: "doc-seed-article", Kind: graph.Document, Name: "Elon Musk Threatens to Sue Microsoft",
				Attributes: attrs("url", "https://example.com/seed-article")},
			{Key: "musk-v-microsoft", Kind: graph.Dispute, Name: "Musk v. Microsoft",
				Attributes: attrs("status", "THREATENED", "date", "2023-04-19")},
			{Key: "openai", Kind: graph.Organization, Name: "OpenAI"},
			{Key: "stability-ai", Kind: graph.Organization, Name: "Stability AI"},
			{Key: "stable-diffusion", Kind: graph.Model, Name: "Stable Diffusion"},
			{Key: "getty-images", Kind: graph.Organization, Name: "Getty Images"},
			{Key: "getty-images-photos", Kind: graph.Dataset, Name: "Getty Images photos"},
			{Key: "getty-v-stability", Kind: graph.Dispute, Name: "Getty Images v. Stability AI",
				Attributes: attrs("status", "FILED", "forum", "D. Del.")},
		},
		Statements: []graph.StatementInput{
			{Type: graph.Owns, From: "twitter", To: "twitter-posts", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged, ClaimedBy: "Elon Musk",
				Date: graph.MustParseDate("2023-04-19"), Dispute: "musk-v-microsoft",
				Evidence: []graph.EvidenceInput{{Document: "doc-seed-article", Quote: seedQuote}}},
			{Type: graph.PartyTo, From: "elon-musk", To: "musk-v-microsoft", Status: graph.Asserted, Attributes: attrs("role", "ACCUSER")},
			{Type: graph.PartyTo, From: "microsoft", To: "musk-v-microsoft", Status: graph.Asserted, Attributes: attrs("role", "ACCUSED")},
			{Type: graph.InvestedIn, From: "microsoft", To: "openai", Status: graph.Asserted,
				Date: graph.MustParseDate("2023-01"), Attributes: attrs("amount", "$10 billion")},
			{Type: graph.Founded, From: "elon-musk", To: "openai", Status: graph.Asserted, ValidFrom: graph.MustParseDate("2015")},
			{Type: graph.Developed, From: "stability-ai", To: "stable-diffusion", Status: graph.Asserted},
			{Type: graph.Owns, From: "getty-images", To: "getty-images-photos", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "stable-diffusion", To: "getty-images-photos", Status: graph.Alleged,
				ClaimedBy: "getty-images", Date: graph.MustParseDate("2023-02-03"), Dispute: "getty-v-stability"},
			{Type: graph.PartyTo, From: "getty-images", To: "getty-v-stability", Status: graph.Asserted, Attributes: attrs("role", "PLAINTIFF")},
			{Type: graph.PartyTo, From: "stability-ai", To: "getty-v-stability", Status: graph.Asserted, Attributes: attrs("role", "DEFENDANT")},
		},
	}
}

// laterKeys are keys the mutation tests create; their ids are placeholders too.
var laterKeys = []string{"reddit", "x-corp", "musk-foundation"}

// seeded opens an in-memory store holding seedBatch.
func seeded(t testing.TB) *graph.Store {
	t.Helper()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Import(context.Background(), seedBatch()); err != nil {
		t.Fatal(err)
	}
	return s
}

// harness is a schema over a seeded store, with the log it writes.
type harness struct {
	store  *graph.Store
	schema *graphql.Schema
	log    *bytes.Buffer
	ids    *strings.Replacer // $id(key) and $rel(from TYPE to) placeholders
}

type reqIDKey struct{}

func newHarness(t testing.TB, opts schema.Options) *harness {
	t.Helper()
	h := &harness{store: seeded(t), log: &bytes.Buffer{}}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(h.log, nil))
	}
	if opts.RequestID == nil {
		opts.RequestID = func(ctx context.Context) string { s, _ := ctx.Value(reqIDKey{}).(string); return s }
	}
	var err error
	if h.schema, err = schema.New(h.store, opts); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	ctx := context.Background()
	for _, e := range seedBatch().Entities {
		pairs = append(pairs, "$id("+e.Key+")", graph.EntityID(e.Key).String())
	}
	for _, key := range laterKeys {
		pairs = append(pairs, "$id("+key+")", graph.EntityID(key).String())
	}
	err = h.store.ForEachRelation(ctx, func(r *graph.Relation) error {
		name := r.From.Key + " " + r.Type.String() + " " + r.To.Key
		pairs = append(pairs, "$rel("+name+")", r.ID.String())
		for i, st := range r.Statements {
			pairs = append(pairs, "$stmt("+name+" "+string(rune('0'+i))+")", st.ID.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.ids = strings.NewReplacer(pairs...)
	return h
}

// exec runs query (placeholders expanded) and returns the response as
// normalised JSON: cursors become "<cursor>" and instants "<time>" once they
// are checked to be RFC 3339.
func (h *harness) exec(t testing.TB, ctx context.Context, query string, vars map[string]any) string {
	t.Helper()
	if ctx == nil {
		ctx = context.WithValue(context.Background(), reqIDKey{}, "req-1")
	}
	resp := h.schema.Exec(ctx, h.ids.Replace(query), "", vars)
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return canonical(t, normalise(t, v, ""))
}

func normalise(t testing.TB, v any, key string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalise(t, x, k)
		}
	case []any:
		for i, x := range v {
			v[i] = normalise(t, x, key)
		}
	case string:
		switch key {
		case "cursor", "startCursor", "endCursor":
			return "<cursor>"
		case "recordedAt", "retractedAt":
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil || !strings.HasSuffix(v, "Z") {
				t.Errorf("%s = %q: not RFC 3339 in UTC", key, v)
			}
			return "<time>"
		}
	}
	return v
}

func canonical(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// want canonicalises an expected JSON answer (placeholders expanded).
func (h *harness) want(t testing.TB, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(h.ids.Replace(s)), &v); err != nil {
		t.Fatalf("bad expected JSON: %v\n%s", err, s)
	}
	return canonical(t, v)
}

type execCase struct {
	name  string
	query string
	vars  map[string]any
	want  string
}

func runCases(t *testing.T, h *harness, cases []execCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := h.exec(t, nil, c.query, c.vars)
			if want := h.want(t, c.want); got != want {
				t.Errorf("query %s\ngot:\n%s\nwant:\n%s", c.query, got, want)
			}
		})
	}
}
