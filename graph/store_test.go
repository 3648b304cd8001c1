package graph_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/whosedata/whosedata/graph"
)

var ctx = context.Background()

func TestUpsertMergesAliasesAndAttributes(t *testing.T) {
	s := openTest(t)
	e, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "llama-2", Kind: graph.Model, Name: "Llama 2", Aliases: []string{"LLaMA 2"},
		Attributes: []graph.Attribute{{Key: "url", Value: "https://a"}}})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != graph.EntityID("llama-2") {
		t.Fatalf("id %s is not derived from the key", e.ID)
	}
	e, err = s.UpsertEntity(ctx, graph.EntityInput{Key: "llama-2", Kind: graph.Model, Aliases: []string{"Llama2-chat"},
		Attributes: []graph.Attribute{{Key: "size", Value: "70B"}, {Key: "url", Value: "https://b"}}})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Llama 2" || strings.Join(e.Aliases, ",") != "LLaMA 2,Llama2-chat" || e.Attr("url") != "https://b" || e.Attr("size") != "70B" {
		t.Fatalf("merged entity = %+v", e)
	}
	// Keyless upsert resolves the name.
	e2, err := s.UpsertEntity(ctx, graph.EntityInput{Kind: graph.Model, Name: "llama_2", Description: "Meta's model"})
	if err != nil || e2.Key != "llama-2" || e2.Description != "Meta's model" {
		t.Fatalf("keyless upsert = %+v, %v", e2, err)
	}
	// Keyless upsert of a new name makes a slug key.
	e3, err := s.UpsertEntity(ctx, graph.EntityInput{Kind: graph.Organization, Name: "Universal Music Group"})
	if err != nil || e3.Key != "universal-music-group" {
		t.Fatalf("slug key = %+v, %v", e3, err)
	}
	for _, bad := range []graph.EntityInput{
		{Key: "Bad Key", Kind: graph.Model},
		{Key: "ok", Kind: 0},
		{Key: "ok", Kind: graph.Model, Name: "\xff\xfe"},
		{Key: "ok", Kind: graph.Model, Description: strings.Repeat("x", 10<<20)},
		{Kind: graph.Model},
	} {
		if _, err := s.UpsertEntity(ctx, bad); !errors.Is(err, graph.ErrInvalid) && !errors.Is(err, graph.ErrLimit) {
			t.Errorf("upsert %.40q: %v, want invalid or limit", fmt.Sprint(bad), err)
		}
	}
	mustVerify(t, s)
}

func TestLookupIgnoresCaseAndPunctuationAndReportsAmbiguity(t *testing.T) {
	s := openTest(t)
	for _, in := range []graph.EntityInput{
		{Key: "meta", Kind: graph.Organization, Name: "Meta", Aliases: []string{"Facebook"}},
		{Key: "facebook-app", Kind: graph.Product, Name: "Facebook app", Aliases: []string{"facebook"}},
	} {
		if _, err := s.UpsertEntity(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if e, err := s.Entity(ctx, "META"); err != nil || e.Key != "meta" {
		t.Fatalf("META = %v %v", e, err)
	}
	if e, err := s.Entity(ctx, graph.EntityID("meta").String()); err != nil || e.Key != "meta" {
		t.Fatalf("by id = %v %v", e, err)
	}
	_, err := s.Entity(ctx, "Face-book")
	if !errors.Is(err, graph.ErrAmbiguous) || !strings.Contains(err.Error(), "meta") || !strings.Contains(err.Error(), "facebook-app") {
		t.Fatalf("ambiguous = %v", err)
	}
	if _, err := s.Entity(ctx, "nobody"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("missing = %v", err)
	}
	if _, err := s.Entity(ctx, "  "); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("blank = %v", err)
	}
}

func TestStatementsRetractAndHistory(t *testing.T) {
	s := seedStore(t)
	rel, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts",
		Status: graph.Denied, ClaimedBy: "microsoft", Date: graph.MustParseDate("2023-04")})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Status != graph.Disputed || len(rel.Statements) != 2 {
		t.Fatalf("after denial: %s with %d statements", rel.Status, len(rel.Statements))
	}
	// The same statement again is stored once.
	again, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts",
		Status: graph.Denied, ClaimedBy: "microsoft", Date: graph.MustParseDate("2023-04")})
	if err != nil || len(again.Statements) != 2 {
		t.Fatalf("duplicate statement: %d statements, %v", len(again.Statements), err)
	}
	var denial uuid.UUID
	for _, st := range rel.Statements {
		if st.Status == graph.Denied {
			denial = st.ID
		}
	}
	rel, err = s.RetractStatement(ctx, denial, "withdrawn by Microsoft")
	if err != nil || rel.Status != graph.Alleged {
		t.Fatalf("after retraction: %v %v", rel, err)
	}
	st, err := s.Statement(ctx, denial)
	if err != nil || st.Status != graph.Retracted || st.Retraction.Reason != "withdrawn by Microsoft" || st.Retraction.PreviousStatus != graph.Denied {
		t.Fatalf("retracted statement = %+v %v", st, err)
	}
	if st.RelationID != rel.ID {
		t.Fatalf("statement relation %s, want %s", st.RelationID, rel.ID)
	}
	if _, err := s.RetractStatement(ctx, denial, "again"); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("retract twice: %v", err)
	}
	if _, err := s.RetractStatement(ctx, uuid.New(), "x"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("retract missing: %v", err)
	}
	if _, err := s.RetractStatement(ctx, denial, " "); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("retract without reason: %v", err)
	}
	for _, bad := range []graph.StatementInput{
		{Type: graph.TrainedOn, From: "microsoft", To: "nobody", Status: graph.Alleged},
		{Type: graph.TrainedOn, From: "microsoft", To: "twitter", Status: graph.Disputed},
		{Type: 0, From: "microsoft", To: "twitter", Status: graph.Alleged},
		{Type: graph.TrainedOn, From: "microsoft", To: "twitter", Status: graph.Alleged, Dispute: "twitter"},
		{Type: graph.TrainedOn, From: "microsoft", To: "twitter", Status: graph.Alleged, Evidence: []graph.EvidenceInput{{Quote: "no source"}}},
		{Type: graph.TrainedOn, From: "microsoft", To: "twitter", Status: graph.Alleged, ValidFrom: graph.MustParseDate("2024"), ValidTo: graph.MustParseDate("2023")},
	} {
		if _, err := s.AddStatement(ctx, bad); err == nil {
			t.Errorf("statement %+v accepted", bad)
		}
	}
	mustVerify(t, s)
}

func TestMerge(t *testing.T) {
	s := seedStore(t)
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "msft", Kind: graph.Organization, Name: "MSFT Corp"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "msft", To: "twitter-posts", Status: graph.Asserted,
		ClaimedBy: "msft"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.RelatedTo, From: "msft", To: "microsoft", Status: graph.Asserted}); err != nil {
		t.Fatal(err)
	}
	kept, err := s.MergeEntities(ctx, "microsoft", "msft")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(kept.Aliases, ","), "msft") {
		t.Fatalf("duplicate key is not an alias: %v", kept.Aliases)
	}
	if e, err := s.Entity(ctx, graph.EntityID("msft").String()); err != nil || e.Key != "microsoft" {
		t.Fatalf("old id resolves to %v %v", e, err)
	}
	page, err := s.EntityRelations(ctx, "microsoft", graph.Out, []graph.RelationType{graph.TrainedOn}, graph.Page{})
	if err != nil || len(page.Relations) != 1 || len(page.Relations[0].Statements) != 2 || page.Relations[0].Status != graph.Asserted {
		t.Fatalf("merged relation = %+v %v", page, err)
	}
	st := page.Relations[0].Statements
	if st[0].ClaimedBy.Key != "elon-musk" || st[1].ClaimedBy.Key != "microsoft" {
		t.Fatalf("claimants after merge: %s %s", st[0].ClaimedBy.Key, st[1].ClaimedBy.Key)
	}
	if _, err := s.MergeEntities(ctx, "microsoft", "msft"); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("second merge of the same pair: %v", err)
	}
	if _, err := s.MergeEntities(ctx, "microsoft", "Microsoft"); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("self merge: %v", err)
	}
	mustVerify(t, s)
}

func TestSearchRanking(t *testing.T) {
	s := openTest(t)
	for _, in := range []graph.EntityInput{
		{Key: "stable-diffusion-xl", Kind: graph.Model, Name: "Stable Diffusion XL"},
		{Key: "stable-diffusion", Kind: graph.Model, Name: "Stable Diffusion"},
		{Key: "stability-ai", Kind: graph.Organization, Name: "Stability AI", Aliases: []string{"Stable company"}},
		{Key: "diffusion-survey", Kind: graph.Document, Name: "A survey of stable text diffusion"},
	} {
		if _, err := s.UpsertEntity(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Search(ctx, "stable diffusion", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, " ") != "stable-diffusion stable-diffusion-xl diffusion-survey" {
		t.Fatalf("search order = %v", keys)
	}
	got, _ = s.Search(ctx, "stable", []graph.EntityKind{graph.Organization}, 0)
	if len(got) != 1 || got[0].Key != "stability-ai" {
		t.Fatalf("kinds filter = %v", got)
	}
	if _, err := s.Search(ctx, "x", nil, 100000); !errors.Is(err, graph.ErrLimit) {
		t.Fatalf("huge first: %v", err)
	}
}

func TestPaging(t *testing.T) {
	s := openTest(t)
	b := &graph.Batch{}
	for i := 0; i < 23; i++ {
		b.Entities = append(b.Entities, graph.EntityInput{Key: fmt.Sprintf("d%02d", i), Kind: graph.Dataset, Name: fmt.Sprintf("Data %d", i)})
		if i > 0 {
			b.Statements = append(b.Statements, graph.StatementInput{Type: graph.DerivedFrom, From: fmt.Sprintf("d%02d", i), To: "d00",
				Status: []graph.ClaimStatus{graph.Asserted, graph.Alleged}[i%2]})
		}
	}
	b.Entities = append(b.Entities, graph.EntityInput{Key: "p", Kind: graph.Person, Name: "P"})
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	var keys []string
	after := ""
	for {
		page, err := s.Entities(ctx, graph.Dataset, graph.Page{First: 5, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 23 {
			t.Fatalf("total %d", page.Total)
		}
		for _, e := range page.Entities {
			keys = append(keys, e.Key)
		}
		if !page.HasNext {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	if len(keys) != 23 || keys[0] != "d00" || keys[22] != "d22" {
		t.Fatalf("paged keys = %v", keys)
	}
	count := 0
	after = ""
	for {
		page, err := s.EntityRelations(ctx, "d00", graph.In, nil, graph.Page{First: 4, After: after})
		if err != nil {
			t.Fatal(err)
		}
		count += len(page.Relations)
		if page.Total != 22 {
			t.Fatalf("relations total %d", page.Total)
		}
		if !page.HasNext {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	if count != 22 {
		t.Fatalf("paged %d relations", count)
	}
	page, err := s.Relations(ctx, graph.DerivedFrom, []graph.ClaimStatus{graph.Alleged}, graph.Page{First: 3})
	if err != nil || page.Total != 11 || len(page.Relations) != 3 || !page.HasNext {
		t.Fatalf("relations by status: %+v %v", page, err)
	}
	next, err := s.Relations(ctx, graph.DerivedFrom, []graph.ClaimStatus{graph.Alleged}, graph.Page{First: 100, After: page.Cursors[2]})
	if err != nil || len(next.Relations) != 8 || next.HasNext {
		t.Fatalf("second page: %d %v", len(next.Relations), err)
	}
	for _, p := range []graph.Page{{First: -1}, {First: 100000000}, {After: "garbage"}} {
		if _, err := s.Entities(ctx, 0, p); err == nil {
			t.Errorf("page %+v accepted", p)
		}
	}
}

func TestDisputesNeighborhoodNodeStats(t *testing.T) {
	s := seedStore(t)
	page, err := s.Disputes(ctx, "microsoft", 0, graph.Page{})
	if err != nil || len(page.Entities) != 1 || page.Entities[0].Key != "musk-v-microsoft" {
		t.Fatalf("disputes of microsoft = %+v %v", page, err)
	}
	if page, _ := s.Disputes(ctx, "", graph.Filed, graph.Page{}); len(page.Entities) != 0 {
		t.Fatalf("filed disputes = %+v", page.Entities)
	}
	if page, _ := s.Disputes(ctx, "", graph.Threatened, graph.Page{}); len(page.Entities) != 1 || page.Total != 1 {
		t.Fatalf("threatened disputes = %+v", page)
	}
	sub, err := s.Neighborhood(ctx, "microsoft", 2, 10)
	if err != nil || len(sub.Nodes) != 4 || len(sub.Relations) != 3 {
		t.Fatalf("neighborhood = %d nodes %d relations %v", len(sub.Nodes), len(sub.Relations), err)
	}
	rel := sub.Relations[0]
	n, err := s.Node(ctx, rel.ID)
	if got, ok := n.(*graph.Relation); err != nil || !ok || got.ID != rel.ID {
		t.Fatalf("node(relation) = %v %v", n, err)
	}
	n, err = s.Node(ctx, rel.Statements[0].ID)
	if got, ok := n.(*graph.Statement); err != nil || !ok || got.ID != rel.Statements[0].ID {
		t.Fatalf("node(statement) = %v %v", n, err)
	}
	if _, err := s.Node(ctx, uuid.New()); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("node(missing) = %v", err)
	}
	st, _ := s.Stats(ctx)
	if st.EntitiesByKind[graph.Dispute] != 1 || st.RelationsByType[graph.TrainedOn] != 1 || st.StatementsByStatus[graph.Alleged] != 1 {
		t.Fatalf("stats = %+v", st)
	}
	paths, err := s.Paths(ctx, "elon-musk", "twitter", graph.PathOptions{})
	if err != nil || len(paths) != 0 {
		t.Fatalf("musk-twitter paths = %v %v (musk is only a claimant)", paths, err)
	}
	paths, err = s.Paths(ctx, "twitter", "musk-v-microsoft", graph.PathOptions{MaxDepth: 3})
	if err != nil || len(paths) != 1 || len(paths[0].Relations) != 3 || paths[0].Status != graph.Alleged {
		t.Fatalf("twitter-dispute paths = %+v %v", paths, err)
	}
}

func TestImportAllOrNothing(t *testing.T) {
	s := seedStore(t)
	before, _ := s.Stats(ctx)
	_, err := s.Import(ctx, &graph.Batch{
		Entities:   []graph.EntityInput{{Key: "new-one", Kind: graph.Model, Name: "New"}},
		Statements: []graph.StatementInput{{Type: graph.TrainedOn, From: "new-one", To: "twitter-posts", Status: graph.Alleged}, {Type: graph.TrainedOn, From: "new-one", To: "ghost", Status: graph.Alleged}},
	})
	var ie *graph.ItemError
	if !errors.As(err, &ie) || ie.Section != "statements" || ie.Index != 1 || !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	after, _ := s.Stats(ctx)
	if after.Entities != before.Entities || after.Statements != before.Statements {
		t.Fatal("a failed batch wrote something")
	}
	if _, err := s.Entity(ctx, "new-one"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("entity of failed batch: %v", err)
	}
	mustVerify(t, s)
}

// TestLargeBatchUsesJournal imports a batch too large for one Badger
// transaction, reopens the store and checks everything is there.
func TestLargeBatchAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &graph.Batch{}
	const n = 30000
	for i := 0; i < n; i++ {
		b.Entities = append(b.Entities, graph.EntityInput{Key: fmt.Sprintf("m%d", i), Kind: graph.Model, Name: fmt.Sprintf("Model %d", i)})
		if i > 0 {
			b.Statements = append(b.Statements, graph.StatementInput{Type: graph.FineTunedFrom, From: fmt.Sprintf("m%d", i), To: fmt.Sprintf("m%d", i/2),
				Status: graph.Asserted, Evidence: []graph.EvidenceInput{{URL: "https://example.org/model-card", Quote: "fine-tuned"}}})
		}
	}
	res, err := s.Import(ctx, b)
	if err != nil || res.EntitiesCreated != n || res.StatementsAdded != n-1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Open(filepath.Join(dir, "missing", "\x00"), nil); err == nil {
		t.Fatal("opened a bad path")
	}
	s, err = graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hits, err := s.Lineage(ctx, "m0", graph.LineageOptions{Direction: graph.Downstream})
	if err != nil || len(hits) != n-1 {
		t.Fatalf("downstream of m0 after reopen: %d hits, %v", len(hits), err)
	}
	if res, err := s.Import(ctx, b); err != nil || res.StatementsAdded != 0 || res.EntitiesCreated != 0 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	mustVerify(t, s)
}

func TestOpenLockedAndVersion(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = graph.Open(dir, nil)
	if !errors.Is(err, graph.ErrLocked) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("second open: %v", err)
	}
	s.Close()
	if err := s.Close(); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("close twice: %v", err)
	}
	if _, err := s.Entity(ctx, "x"); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("use after close: %v", err)
	}
}

func TestDates(t *testing.T) {
	for _, c := range []struct {
		in         string
		start, end string
	}{
		{"2023", "2023-01-01", "2023-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2023-04-19", "2023-04-19", "2023-04-19"},
	} {
		d, err := graph.ParseDate(c.in)
		if err != nil || d.String() != c.in {
			t.Fatalf("%s: %v %v", c.in, d, err)
		}
		if graph.MustParseDate(c.start).Start() != d.Start() || graph.MustParseDate(c.end).End() != d.End() {
			t.Errorf("%s: period wrong", c.in)
		}
		if b, err := d.AppendText([]byte("on ")); err != nil || string(b) != "on "+c.in {
			t.Errorf("%s: AppendText gives %q, %v", c.in, b, err)
		}
		if b, err := d.MarshalText(); err != nil || string(b) != c.in {
			t.Errorf("%s: MarshalText gives %q, %v", c.in, b, err)
		}
	}
	if s := (graph.Date{}).String(); s != "" {
		t.Errorf("the zero Date is %q, want \"\"", s)
	}
	for _, bad := range []string{"yesterday", "2023-13", "2023-02-30", "23", "2023-4-1", "2023/04/01", "０２０２"} {
		if _, err := graph.ParseDate(bad); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestLongValuesInMemory stores records larger than the on-disk value
// threshold in an in-memory store.
func TestLongValuesInMemory(t *testing.T) {
	s := openTest(t)
	long := strings.Repeat("quote ", 8000)
	b := &graph.Batch{Entities: []graph.EntityInput{
		{Key: "a", Kind: graph.Model, Name: "A", Description: long},
		{Key: "b", Kind: graph.Dataset, Name: "B"},
	}}
	for i := 0; i < 5; i++ {
		b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn, From: "a", To: "b", Status: graph.Alleged,
			Note: fmt.Sprint(i), Evidence: []graph.EvidenceInput{{URL: "https://example.org", Quote: long}}})
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if rel, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "a", To: "b", Status: graph.Denied, Note: long}); err != nil || len(rel.Statements) != 6 {
		t.Fatalf("long statement: %v", err)
	}
	mustVerify(t, s)
}

func TestValueLogGCAndSize(t *testing.T) {
	s, err := graph.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 50; i++ {
		if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "big", Kind: graph.Document, Name: "Big", Description: strings.Repeat(fmt.Sprint(i), 5000)}); err != nil {
			t.Fatal(err)
		}
	}
	if tables, vlog := s.Size(); tables+vlog <= 0 {
		t.Fatalf("size %d+%d", tables, vlog)
	}
	c, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- s.RunValueLogGC(c, time.Millisecond) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s)
}

// TestLargeBatchInMemory imports a batch too large for one transaction into
// an in-memory store (no journal there).
func TestLargeBatchInMemory(t *testing.T) {
	s := openTest(t)
	b := &graph.Batch{}
	for i := 0; i < 20000; i++ {
		b.Entities = append(b.Entities, graph.EntityInput{Key: fmt.Sprintf("d%d", i), Kind: graph.Dataset, Name: fmt.Sprintf("Dataset %d", i)})
		if i > 0 {
			b.Statements = append(b.Statements, graph.StatementInput{Type: graph.DerivedFrom, From: fmt.Sprintf("d%d", i), To: "d0", Status: graph.Asserted})
		}
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s)
}
