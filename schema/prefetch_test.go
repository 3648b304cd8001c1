package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/whosedata/whosedata/schema"
)

// TestRelationsReadAhead checks that a list's items answer their relations
// the same when they are read ahead for the whole list (one library call)
// as when each entity is asked alone.
func TestRelationsReadAhead(t *testing.T) {
	h := newHarness(t, schema.Options{})
	ctx := context.Background()
	const sel = `relations(direction: IN, first: 2) { totalCount pageInfo { hasNextPage } edges { node { type from { key } to { key } status } } }`
	resp := h.schema.Exec(ctx, `{ entities(first: 100) { edges { node { key `+sel+` } } }
		other: entities(first: 100) { edges { node { key relations(types: [OWNS]) { totalCount } } } } }`, "", nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	var list struct {
		Entities struct {
			Edges []struct {
				Node struct {
					Key       string
					Relations json.RawMessage
				}
			}
		}
		Other struct {
			Edges []struct {
				Node struct {
					Key       string
					Relations json.RawMessage
				}
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Entities.Edges) < 10 {
		t.Fatalf("only %d entities", len(list.Entities.Edges))
	}
	for i, e := range list.Entities.Edges {
		one := h.schema.Exec(ctx, fmt.Sprintf(`{ entity(ref: %q) { a: %s b: relations(types: [OWNS]) { totalCount } } }`, e.Node.Key, sel), "", nil)
		var alone struct {
			Entity struct{ A, B json.RawMessage }
		}
		if err := json.Unmarshal(one.Data, &alone); err != nil || len(one.Errors) > 0 {
			t.Fatal(err, one.Errors)
		}
		if string(alone.Entity.A) != string(e.Node.Relations) {
			t.Errorf("%s: read ahead %s, alone %s", e.Node.Key, e.Node.Relations, alone.Entity.A)
		}
		if string(alone.Entity.B) != string(list.Other.Edges[i].Node.Relations) {
			t.Errorf("%s (other arguments): in the list %s, alone %s", e.Node.Key, list.Other.Edges[i].Node.Relations, alone.Entity.B)
		}
	}
}

// BenchmarkEntitiesWithRelations is a page of entities with their relations:
// the list reads them ahead in one library call.
func BenchmarkEntitiesWithRelations(b *testing.B) {
	h := newHarness(b, schema.Options{})
	q := `{ entities(first: 100) { edges { node { key relations { totalCount edges { node { type status } } } } } } }`
	for b.Loop() {
		if resp := h.schema.Exec(context.Background(), q, "", nil); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}
