package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/whosedata/whosedata/graph"
)

func openTest(t testing.TB) *graph.Store {
	t.Helper()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustVerify(t testing.TB, s *graph.Store) {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Error("verify:", p)
	}
}

// seedStore loads the SPEC §2 worked example.
func seedStore(t testing.TB) *graph.Store {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	b := &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "elon-musk", Kind: graph.Person, Name: "Elon Musk", Aliases: []string{"Musk"}},
			{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft"},
			{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}},
			{Key: "twitter-posts", Kind: graph.Dataset, Name: "Twitter posts"},
			{Key: "doc-seed-article", Kind: graph.Document, Name: "Elon Musk Threatens to Sue Microsoft"},
			{Key: "musk-v-microsoft", Kind: graph.Dispute, Name: "Musk v. Microsoft (threat)", Attributes: []graph.Attribute{{Key: "status", Value: "THREATENED"}}},
		},
		Statements: []graph.StatementInput{
			{Type: graph.Owns, From: "twitter", To: "twitter-posts", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged, ClaimedBy: "elon-musk",
				Date: graph.MustParseDate("2023-04-19"), Dispute: "musk-v-microsoft",
				Evidence: []graph.EvidenceInput{{Document: "doc-seed-article", Quote: "Microsoft mined user tweets"}}},
			{Type: graph.PartyTo, From: "microsoft", To: "musk-v-microsoft", Status: graph.Asserted, Attributes: []graph.Attribute{{Key: "role", Value: "ACCUSED"}}},
		},
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	return s
}

func downstreamOf(t *testing.T, s *graph.Store, ref string, o graph.LineageOptions) map[string]graph.LineageHit {
	t.Helper()
	o.Direction = graph.Downstream
	hits, err := s.Lineage(context.Background(), ref, o)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]graph.LineageHit{}
	for _, h := range hits {
		m[h.Entity.Key] = h
	}
	return m
}

func TestSpecWorkedExample(t *testing.T) {
	s := seedStore(t)
	ctx := context.Background()
	hits := downstreamOf(t, s, "twitter", graph.LineageOptions{Paths: true})
	ms, ok := hits["microsoft"]
	if !ok || ms.Status != graph.Alleged {
		t.Fatalf("downstream of twitter: microsoft = %+v, want ALLEGED", ms)
	}
	if ms.Depth != 2 || len(ms.Path) != 2 || ms.Path[1].Statements[0].ClaimedBy.Key != "elon-musk" {
		t.Fatalf("path = %+v", ms.Path)
	}
	if _, ok := hits["twitter-posts"]; ok {
		t.Fatal("twitter's own asset is a hit")
	}
	if _, ok := downstreamOf(t, s, "twitter", graph.LineageOptions{AsOf: graph.MustParseDate("2023-01-01")})["microsoft"]; ok {
		t.Fatal("asOf 2023-01-01: microsoft present")
	}
	if _, ok := downstreamOf(t, s, "twitter", graph.LineageOptions{MinStatus: graph.Asserted})["microsoft"]; ok {
		t.Fatal("minStatus ASSERTED: microsoft present")
	}
	if _, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "Microsoft", To: "twitter posts",
		Status: graph.Denied, ClaimedBy: "microsoft", Date: graph.MustParseDate("2023-04-20")}); err != nil {
		t.Fatal(err)
	}
	if got := downstreamOf(t, s, "X Corp", graph.LineageOptions{})["microsoft"].Status; got != graph.Disputed {
		t.Fatalf("after denial: %s, want DISPUTED", got)
	}
	e, err := s.Entity(ctx, "x corp")
	if err != nil || e.Key != "twitter" {
		t.Fatalf("entity(X Corp) = %v, %v", e, err)
	}
	mustVerify(t, s)
}

func TestImportIdempotent(t *testing.T) {
	s := seedStore(t)
	st1, _ := s.Stats(context.Background())
	s2 := seedStore(t)
	_ = s2
	if st1.Statements != 3 || st1.Relations != 3 || st1.Entities != 6 {
		t.Fatalf("stats = %+v", st1)
	}
	_, err := s.Import(context.Background(), &graph.Batch{Entities: []graph.EntityInput{{Key: "twitter", Kind: graph.Person}}})
	var ie *graph.ItemError
	if !errors.As(err, &ie) || !errors.Is(err, graph.ErrConflict) || ie.Index != 0 {
		t.Fatalf("kind conflict: %v", err)
	}
}
