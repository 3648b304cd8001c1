package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// TestOneRequestOneView runs queries whose fields count the same things in
// different ways while writers add entities and statements: every answer
// must agree with itself, since a request reads one snapshot.
func TestOneRequestOneView(t *testing.T) {
	h := newHarness(t, schema.Options{})
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			k := fmt.Sprintf("model-%d", i)
			if _, err := h.store.Import(ctx, &graph.Batch{
				Entities:   []graph.EntityInput{{Key: k, Kind: graph.Model, Name: k}},
				Statements: []graph.StatementInput{{Type: graph.TrainedOn, From: k, To: "twitter-posts", Status: graph.Alleged}},
			}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	const q = `{ stats { entities statements }
	  models: entities(kind: MODEL, first: 1) { totalCount }
	  all: entities(first: 1) { totalCount }
	  lineage(entity: "twitter", direction: DOWNSTREAM, kinds: [MODEL], first: 1000) { entity { key } }
	  posts: entity(ref: "twitter-posts") { relations(direction: IN, types: [TRAINED_ON], first: 1) { totalCount } } }`
	defer func() { close(stop); wg.Wait() }()
	for range 60 {
		resp := h.schema.Exec(ctx, q, "", nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var a struct {
			Stats   struct{ Entities, Statements int }
			Models  struct{ TotalCount int }
			All     struct{ TotalCount int }
			Lineage []struct{ Entity struct{ Key string } }
			Posts   struct {
				Relations struct{ TotalCount int }
			}
		}
		if err := json.Unmarshal(resp.Data, &a); err != nil {
			t.Fatal(err)
		}
		// The seed has one MODEL (Stable Diffusion), not downstream of Twitter.
		if a.Stats.Entities != a.All.TotalCount || len(a.Lineage) != a.Models.TotalCount-1 || a.Posts.Relations.TotalCount != len(a.Lineage)+1 {
			t.Fatalf("one answer, several states: stats %d entities, entities %d, %d models but %d lineage hits, %d TRAINED_ON into the posts",
				a.Stats.Entities, a.All.TotalCount, a.Models.TotalCount, len(a.Lineage), a.Posts.Relations.TotalCount)
		}
	}
}
