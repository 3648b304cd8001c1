package graph_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/whosedata/whosedata/graph"
)

// seedTwo makes a small graph: twitter OWNS twitter-posts, microsoft.
func seedTwo(t *testing.T, s *graph.Store) {
	t.Helper()
	for _, in := range []graph.EntityInput{
		{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}},
		{Key: "twitter-posts", Kind: graph.Dataset, Name: "Twitter posts"},
		{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft"},
		{Key: "elon-musk", Kind: graph.Person, Name: "Elon Musk"},
	} {
		if _, err := s.UpsertEntity(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.Owns, From: "twitter", To: "twitter-posts", Status: graph.Asserted}); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotIsolatedFromLaterWrites(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	sn, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	// A write while the snapshot is open neither waits for it nor shows in it.
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts",
		Status: graph.Alleged, ClaimedBy: "elon-musk", Date: graph.MustParseDate("2023-04-19")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "openai", Kind: graph.Organization, Name: "OpenAI"}); err != nil {
		t.Fatal(err)
	}
	hits, err := sn.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Fatalf("the snapshot sees a later write: %d hits", len(hits))
	}
	if _, err := sn.Entity(ctx, "openai"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("the snapshot sees an entity created after it: %v", err)
	}
	st, err := sn.Stats(ctx)
	if err != nil || st.Entities != 4 || st.Statements != 1 {
		t.Fatalf("snapshot stats = %+v, %v; want 4 entities, 1 statement", st, err)
	}
	rels, err := sn.EntityRelations(ctx, "microsoft", graph.Both, nil, graph.Page{})
	if err != nil || rels.Total != 0 {
		t.Fatalf("snapshot relations of microsoft = %+v, %v", rels, err)
	}
	// The store itself answers with the write.
	hits, err = s.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream})
	if err != nil || len(hits) != 1 || hits[0].Entity.Key != "microsoft" || hits[0].Status != graph.Alleged {
		t.Fatalf("store lineage = %+v, %v", hits, err)
	}
	sn.Close()
	if _, err := sn.Stats(ctx); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("a closed snapshot answered: %v", err)
	}
}

func TestBulkWriteInvisibleUntilComplete(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	sn, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	// A batch too large for one transaction goes through the journal.
	b := &graph.Batch{}
	for i := range 30000 {
		k := fmt.Sprintf("model-%d", i)
		b.Entities = append(b.Entities, graph.EntityInput{Key: k, Kind: graph.Model, Name: k, Description: "a model trained on the posts"})
		b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn, From: k, To: "twitter-posts", Status: graph.Alleged})
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	st, err := sn.Stats(ctx)
	if err != nil || st.Entities != 4 {
		t.Fatalf("a snapshot opened before the bulk write sees %+v, %v", st, err)
	}
	hits, err := sn.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream})
	if err != nil || len(hits) != 0 {
		t.Fatalf("old snapshot lineage: %d hits, %v", len(hits), err)
	}
	hits, err = s.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream})
	if err != nil || len(hits) != 30000 {
		t.Fatalf("new lineage: %d hits, %v", len(hits), err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep, err)
	}
}

func TestCloseWaitsForSnapshots(t *testing.T) {
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	seedTwo(t, s)
	sn, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	// Close has begun or is about to: a read through the open snapshot
	// still works, and Close returns only after the snapshot is closed.
	if _, err := sn.Entity(ctx, "X Corp"); err != nil {
		t.Fatalf("open snapshot during Close: %v", err)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a snapshot was open", err)
	default:
	}
	sn.Close()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Begin(ctx); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("Begin after Close: %v", err)
	}
}

func TestWrongAnswersFixed(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	// A new statement cannot be RETRACTED.
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Retracted}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("addStatement RETRACTED: %v", err)
	}
	// Re-adding what was retracted says so instead of reporting success.
	in := graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged, ClaimedBy: "elon-musk"}
	rel, err := s.AddStatement(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractStatement(ctx, rel.Statements[0].ID, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStatement(ctx, in); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("re-adding a retracted statement: %v", err)
	}
	// A file that says it again loads as unchanged.
	res, err := s.Import(ctx, &graph.Batch{Statements: []graph.StatementInput{in}})
	if err != nil || res.StatementsAdded != 0 || res.Unchanged != 1 {
		t.Fatalf("import of a retracted statement = %+v, %v", res, err)
	}
	// A self-loop is listed once.
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.RelatedTo, From: "microsoft", To: "microsoft", Status: graph.Asserted}); err != nil {
		t.Fatal(err)
	}
	page, err := s.EntityRelations(ctx, "microsoft", graph.Both, []graph.RelationType{graph.RelatedTo}, graph.Page{})
	if err != nil || len(page.Relations) != 1 || page.Total != 1 {
		t.Fatalf("self-loop relations = %+v, %v", page, err)
	}
	// Upserting through a merged-away key does not rename the kept entity.
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "x-corp", Kind: graph.Organization, Name: "X Corp."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeEntities(ctx, "twitter", "x-corp"); err != nil {
		t.Fatal(err)
	}
	e, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "x-corp", Kind: graph.Organization, Name: "X Corp.", Description: "renamed?"})
	if err != nil || e.Key != "twitter" || e.Name != "Twitter" || e.Description != "renamed?" {
		t.Fatalf("upsert through a merged key = %+v, %v", e, err)
	}
	e, err = s.UpsertEntity(ctx, graph.EntityInput{Key: "x-corp", Kind: graph.Organization, Name: "X Corp.", Description: "again"})
	if err != nil || e.Description != "renamed?" {
		t.Fatalf("a merged key's description overwrote the kept one: %+v, %v", e, err)
	}
}

func TestMergeKeepsLimitsAndIdempotence(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	// Three entities of 256 aliases each cannot merge into one.
	for _, k := range []string{"a", "b"} {
		var aliases []string
		for i := range graph.MaxAliases {
			aliases = append(aliases, fmt.Sprintf("%s alias %d", k, i))
		}
		if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: k, Kind: graph.Organization, Aliases: aliases}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.MergeEntities(ctx, "a", "b"); !errors.Is(err, graph.ErrLimit) {
		t.Fatalf("merge over the alias limit: %v", err)
	}
	if e, err := s.Entity(ctx, "b"); err != nil || e.Key != "b" {
		t.Fatalf("a refused merge changed the store: %+v, %v", e, err)
	}

	// After a merge, the same statement said through the old names is the
	// same statement: a reload adds nothing, and old relation ids resolve.
	batch := &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "musk", Kind: graph.Person, Name: "Musk"},
			{Key: "posts-2", Kind: graph.Dataset, Name: "Tweets"},
			{Key: "article", Kind: graph.Document, Name: "The article"},
		},
		Statements: []graph.StatementInput{
			{Type: graph.TrainedOn, From: "microsoft", To: "posts-2", Status: graph.Alleged, ClaimedBy: "musk",
				Evidence: []graph.EvidenceInput{{Document: "article", Quote: "trained illegally"}}},
		},
	}
	if _, err := s.Import(ctx, batch); err != nil {
		t.Fatal(err)
	}
	old, err := s.EntityRelations(ctx, "posts-2", graph.In, nil, graph.Page{})
	if err != nil || len(old.Relations) != 1 {
		t.Fatal(old, err)
	}
	oldID := old.Relations[0].ID
	for _, m := range [][2]string{{"twitter-posts", "posts-2"}, {"elon-musk", "musk"}} {
		if _, err := s.MergeEntities(ctx, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.Import(ctx, batch)
	if err != nil || res.StatementsAdded != 0 {
		t.Fatalf("reload after merges = %+v, %v; want nothing added", res, err)
	}
	rel, err := s.Relation(ctx, oldID)
	if err != nil || rel.From.Key != "microsoft" || rel.To.Key != "twitter-posts" || len(rel.Statements) != 1 {
		t.Fatalf("old relation id after the merge = %+v, %v", rel, err)
	}
	if n, err := s.Node(ctx, oldID); err != nil || n.(*graph.Relation).To.Key != "twitter-posts" {
		t.Fatalf("node(old relation id) = %+v, %v", n, err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestConsistentReadsShareOneSnapshot(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	rctx, end := graph.ConsistentReads(ctx)
	defer end()
	count := func(c context.Context) int {
		t.Helper()
		st, err := s.Stats(c)
		if err != nil {
			t.Fatal(err)
		}
		return st.Entities
	}
	if n := count(rctx); n != 4 {
		t.Fatalf("first read: %d entities", n)
	}
	// Another client's write is not seen by the request's later reads...
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "openai", Kind: graph.Organization, Name: "OpenAI"}); err != nil {
		t.Fatal(err)
	}
	if n := count(rctx); n != 4 {
		t.Fatalf("a read of the same request saw another write: %d entities", n)
	}
	if _, err := s.Entity(rctx, "openai"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("entity written after the request's snapshot: %v", err)
	}
	// ...but the request's own write is, and its answer is read after it.
	e, err := s.UpsertEntity(rctx, graph.EntityInput{Key: "anthropic", Kind: graph.Organization, Name: "Anthropic"})
	if err != nil || e.Key != "anthropic" {
		t.Fatalf("write through the request: %+v, %v", e, err)
	}
	if n := count(rctx); n != 6 {
		t.Fatalf("after the request's own write: %d entities, want 6", n)
	}
	end()
	if n := count(rctx); n != 6 {
		t.Fatalf("after end: %d entities", n)
	}
}

// TestViewsAcrossCommitsSeeWholeWrites has readers hold snapshots while a
// writer commits batches of ten models: a snapshot always holds whole
// batches, its answers agree with each other (counts, lineage, look-ups),
// and it gives the same answers before and after later commits.
func TestViewsAcrossCommitsSeeWholeWrites(t *testing.T) {
	s := openTest(t)
	seedTwo(t, s)
	const batches, per = 40, 10
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := s.View(ctx, func(sn *graph.Snapshot) error {
					st, err := sn.Stats(ctx)
					if err != nil {
						return err
					}
					models := st.EntitiesByKind[graph.Model]
					if models%per != 0 {
						return fmt.Errorf("a snapshot holds %d models: part of a batch", models)
					}
					hits, err := sn.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream})
					if err != nil {
						return err
					}
					if len(hits) != models {
						return fmt.Errorf("lineage has %d hits but stats count %d models", len(hits), models)
					}
					if models > 0 {
						if _, err := sn.Entity(ctx, fmt.Sprintf("m-%d-%d", models/per-1, per-1)); err != nil {
							return fmt.Errorf("the last model of the last batch is missing: %w", err)
						}
					}
					again, err := sn.Stats(ctx)
					if err != nil {
						return err
					}
					if again.Entities != st.Entities || again.Statements != st.Statements {
						return fmt.Errorf("one snapshot answered %d then %d entities", st.Entities, again.Entities)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range batches {
		b := &graph.Batch{}
		for j := range per {
			k := fmt.Sprintf("m-%d-%d", i, j)
			b.Entities = append(b.Entities, graph.EntityInput{Key: k, Kind: graph.Model, Name: k})
			b.Statements = append(b.Statements, graph.StatementInput{Type: graph.TrainedOn, From: k, To: "twitter-posts", Status: graph.Alleged})
		}
		if _, err := s.Import(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
