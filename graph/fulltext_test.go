package graph_test

import (
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
)

func TestFullTextSearch(t *testing.T) {
	s := openTest(t)
	_, err := s.Import(ctx, &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "authors-guild", Kind: graph.Organization, Name: "Authors Guild", Description: "A society of published book authors."},
			{Key: "openai", Kind: graph.Organization, Name: "OpenAI"},
			{Key: "books2", Kind: graph.Dataset, Name: "Books2"},
			{Key: "bookshop", Kind: graph.Organization, Name: "Bookshop.org"},
			{Key: "nyt-v-perplexity", Kind: graph.Dispute, Name: "NYT v. Perplexity", Events: []graph.DisputeEventInput{
				{Date: graph.MustParseDate("2025-12-05"), Status: graph.Filed, Summary: "The Times filed its lawsuit against Perplexity for scraping its articles."}}},
		},
		Statements: []graph.StatementInput{{Type: graph.TrainedOn, From: "openai", To: "books2", Status: graph.Alleged, ClaimedBy: "authors-guild",
			Evidence: []graph.EvidenceInput{{URL: "https://example.org/complaint", Quote: "OpenAI copied the books of thousands of authors without asking."}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s.SearchHits(ctx, "books", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.Entity.Key+":"+h.Matched)
	}
	// Names first (Books2 by word, Bookshop.org by prefix are names), then
	// the entities whose texts say "books".
	if strings.Join(got, " ") != "books2:name bookshop:name openai:quote" {
		t.Fatalf("search books = %v", got)
	}
	if !strings.Contains(hits[2].Snippet, "copied the books") {
		t.Fatalf("snippet = %q", hits[2].Snippet)
	}
	hits, err = s.SearchHits(ctx, "lawsuit Perplexity", nil, 0)
	if err != nil || len(hits) != 1 || hits[0].Entity.Key != "nyt-v-perplexity" || hits[0].Matched != "event" || !strings.Contains(hits[0].Snippet, "scraping") {
		t.Fatalf("search lawsuit Perplexity = %+v, %v", hits, err)
	}
	hits, err = s.SearchHits(ctx, "published authors", []graph.EntityKind{graph.Organization}, 0)
	if err != nil || len(hits) == 0 || hits[0].Entity.Key != "authors-guild" || hits[0].Matched != "description" {
		t.Fatalf("search published authors = %+v, %v", hits, err)
	}
	if hits, err := s.SearchHits(ctx, "the of", nil, 0); err != nil || len(hits) != 0 {
		t.Fatalf("stop words found %+v, %v", hits, err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}
