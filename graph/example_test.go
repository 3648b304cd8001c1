package graph_test

import (
	"context"
	"fmt"
	"log"

	"github.com/whosedata/whosedata/graph"
)

// A Go program embeds whosedata: open a store, record who holds what and who
// says whom trained on it, then ask who is downstream of Twitter's data.
func Example() {
	ctx := context.Background()
	store, err := graph.OpenInMemory() // graph.Open(dir, nil) for a store on disk
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	for _, e := range []graph.EntityInput{
		{Key: "elon-musk", Kind: graph.Person, Name: "Elon Musk"},
		{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}},
		{Key: "twitter-posts", Kind: graph.Dataset, Name: "Twitter posts"},
		{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft"},
	} {
		if _, err := store.UpsertEntity(ctx, e); err != nil {
			log.Fatal(err)
		}
	}
	statements := []graph.StatementInput{
		{Type: graph.Owns, From: "twitter", To: "twitter-posts", Status: graph.Asserted},
		{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged,
			ClaimedBy: "Elon Musk", Date: graph.MustParseDate("2023-04-19"),
			Evidence: []graph.EvidenceInput{{URL: "https://twitter.com/elonmusk", Quote: "They trained illegally using Twitter data."}}},
	}
	for _, st := range statements {
		if _, err := store.AddStatement(ctx, st); err != nil {
			log.Fatal(err)
		}
	}

	hits, err := store.Lineage(ctx, "X Corp", graph.LineageOptions{Direction: graph.Downstream, Paths: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		claim := h.Path[len(h.Path)-1].Statements[0]
		fmt.Printf("%s: %s at depth %d, claimed by %s on %s\n", h.Entity.Name, h.Status, h.Depth, claim.ClaimedBy.Name, claim.Date)
	}
	// Output:
	// Microsoft: ALLEGED at depth 2, claimed by Elon Musk on 2023-04-19
}

// Statuses combine: a denial next to an allegation makes the relation
// DISPUTED, and asOf looks at what had been said by a date.
func ExampleStore_Lineage() {
	ctx := context.Background()
	store, err := graph.OpenInMemory()
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	_, err = store.Import(ctx, &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "getty-images", Kind: graph.Organization, Name: "Getty Images"},
			{Key: "getty-images-photos", Kind: graph.Dataset, Name: "Getty Images photos"},
			{Key: "stability-ai", Kind: graph.Organization, Name: "Stability AI"},
			{Key: "stable-diffusion", Kind: graph.Model, Name: "Stable Diffusion"},
		},
		Statements: []graph.StatementInput{
			{Type: graph.Owns, From: "getty-images", To: "getty-images-photos", Status: graph.Asserted},
			{Type: graph.Developed, From: "stability-ai", To: "stable-diffusion", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "stable-diffusion", To: "getty-images-photos", Status: graph.Alleged,
				ClaimedBy: "getty-images", Date: graph.MustParseDate("2023-02")},
			{Type: graph.TrainedOn, From: "stable-diffusion", To: "getty-images-photos", Status: graph.Denied,
				ClaimedBy: "stability-ai", Date: graph.MustParseDate("2023-05")},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, asOf := range []string{"", "2023-03"} {
		hits, err := store.Lineage(ctx, "stable-diffusion", graph.LineageOptions{Direction: graph.Upstream, AsOf: graph.MustParseDate(asOf)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("upstream of Stable Diffusion as of %q:\n", asOf)
		for _, h := range hits {
			fmt.Printf("  %s (%s, depth %d)\n", h.Entity.Name, h.Status, h.Depth)
		}
	}
	// Output:
	// upstream of Stable Diffusion as of "":
	//   Getty Images photos (DISPUTED, depth 1)
	//   Getty Images (DISPUTED, depth 2)
	// upstream of Stable Diffusion as of "2023-03":
	//   Getty Images photos (ALLEGED, depth 1)
	//   Getty Images (ALLEGED, depth 2)
}
