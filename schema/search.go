package schema

import (
	"context"
	"errors"

	"github.com/whosedata/whosedata/graph"
)

// SearchHits is Query.searchHits: Query.search with what matched.
func (r *resolver) SearchHits(ctx context.Context, args searchArgs) ([]*searchHitResolver, error) {
	r = r.request(ctx)
	hits, err := r.search(ctx, args)
	if err != nil {
		return nil, r.fail(ctx, "searchHits", err)
	}
	out := make([]*searchHitResolver, len(hits))
	for i := range hits {
		out[i] = &searchHitResolver{r: r, h: hits[i]}
	}
	return out, nil
}

// search runs one search for both fields, charged as a scan of the
// entities before it runs and settled with the hits.
func (r *resolver) search(ctx context.Context, args searchArgs) ([]graph.SearchHit, error) {
	kinds, err := kindsArg(args.Kinds)
	if err != nil {
		return nil, err
	}
	first, none, err := firstArg(args.First, graph.MaxSearchResults)
	if err != nil {
		return nil, err
	}
	settle, err := r.reserveScan(ctx, scanEntities, pageBound(args.First, graph.DefaultSearchResults))
	if err != nil {
		return nil, err
	}
	hits, err := r.store.SearchHits(ctx, args.Text, kinds, first)
	if err != nil || none {
		return []graph.SearchHit{}, errors.Join(err, settle(0))
	}
	return hits, settle(len(hits))
}

// searchHitResolver is the SearchHit type.
type searchHitResolver struct {
	r *resolver
	h graph.SearchHit
}

func (x *searchHitResolver) Entity() *entityResolver { return x.r.entity(x.h.Entity) }
func (x *searchHitResolver) Matched() string         { return x.h.Matched }
func (x *searchHitResolver) Snippet() *string        { return x.r.optText(x.h.Snippet) }
