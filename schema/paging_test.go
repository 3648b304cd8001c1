package schema_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/whosedata/whosedata/schema"
)

type pageResult struct {
	Data map[string]struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   struct{ Key, Type string }
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
	Errors []any
}

// pages follows a connection field with first/after to its end and returns
// the node keys (or types) of every page.
func pages(t *testing.T, h *harness, query string, first int) [][]string {
	t.Helper()
	var out [][]string
	var after *string
	for range 20 {
		vars := map[string]any{"first": first}
		if after != nil {
			vars["after"] = *after
		}
		resp := h.schema.Exec(context.Background(), query, "", vars)
		var r pageResult
		b, _ := json.Marshal(resp)
		if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s: %v %s", query, err, b)
		}
		c := r.Data["c"]
		if c.TotalCount != 12 && c.TotalCount != 11 && c.TotalCount != 3 {
			t.Errorf("totalCount = %d", c.TotalCount)
		}
		if c.PageInfo.HasPreviousPage != (after != nil) {
			t.Errorf("hasPreviousPage = %v after %v", c.PageInfo.HasPreviousPage, after)
		}
		var keys []string
		for _, e := range c.Edges {
			keys = append(keys, e.Node.Key+e.Node.Type)
		}
		out = append(out, keys)
		if len(c.Edges) > 0 && (*c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor || *c.PageInfo.StartCursor != c.Edges[0].Cursor) {
			t.Errorf("page info cursors do not match the edges: %s", b)
		}
		if !c.PageInfo.HasNextPage {
			return out
		}
		after = c.PageInfo.EndCursor
	}
	t.Fatal("paging does not end")
	return nil
}

func TestPaging(t *testing.T) {
	h := newHarness(t, schema.Options{})
	var all []string
	for _, e := range seedBatch().Entities {
		all = append(all, e.Key)
	}
	got := pages(t, h, `query($first: Int, $after: String) { c: entities(first: $first, after: $after) { totalCount edges { cursor node { key } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, 5)
	want := [][]string{all[:5], all[5:10], all[10:]}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("entity pages = %v, want %v", got, want)
	}

	got = pages(t, h, `query($first: Int, $after: String) { c: relations(first: $first, after: $after) { totalCount edges { cursor node { type } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, 4)
	if len(got) != 3 || len(got[0]) != 4 || len(got[1]) != 4 || len(got[2]) != 3 {
		t.Errorf("relation pages = %v", got)
	}
	one := pages(t, h, `query($first: Int, $after: String) { c: relations(first: $first, after: $after) { totalCount edges { cursor node { type } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, 500)
	if !slices.Equal(slices.Concat(got...), one[0]) {
		t.Errorf("pages of 4 = %v, one page = %v", got, one)
	}
}

// TestNestedPaging pages Entity.relations with cursors, comparing whole
// answers.
func TestNestedPaging(t *testing.T) {
	h := newHarness(t, schema.Options{})
	q := `query($after: String) { entity(ref: "microsoft") { relations(first: 2, after: $after) { totalCount edges { node { type } } pageInfo { hasNextPage hasPreviousPage } } } }`
	got := h.exec(t, nil, q, nil)
	want := h.want(t, `{"data": {"entity": {"relations": {"totalCount": 3, "edges": [{"node": {"type": "TRAINED_ON"}}, {"node": {"type": "INVESTED_IN"}}],
		"pageInfo": {"hasNextPage": true, "hasPreviousPage": false}}}}}`)
	if got != want {
		t.Fatalf("page 1:\n%s\nwant:\n%s", got, want)
	}
	resp := h.schema.Exec(context.Background(), `{ entity(ref: "microsoft") { relations(first: 2) { pageInfo { endCursor } } } }`, "", nil)
	var r struct {
		Entity struct {
			Relations struct{ PageInfo struct{ EndCursor string } }
		}
	}
	if err := json.Unmarshal(resp.Data, &r); err != nil {
		t.Fatal(err)
	}
	got = h.exec(t, nil, q, map[string]any{"after": r.Entity.Relations.PageInfo.EndCursor})
	want = h.want(t, `{"data": {"entity": {"relations": {"totalCount": 3, "edges": [{"node": {"type": "PARTY_TO"}}],
		"pageInfo": {"hasNextPage": false, "hasPreviousPage": true}}}}}`)
	if got != want {
		t.Fatalf("page 2:\n%s\nwant:\n%s", got, want)
	}
}
