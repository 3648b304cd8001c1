package schema

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// prefetch holds Entity.relations pages read ahead, in one library call, for
// every item of a list that selects them (entities, disputes, search,
// neighborhood nodes), so that a page of 500 entities asking their relations
// is one read of the request's snapshot rather than 500 (no N+1). Each page
// is taken once, by the entity resolver it was read for; one whose
// arguments differ (an alias with other arguments) reads its own.
type prefetch struct {
	mu    sync.Mutex
	pages map[prefetchKey]*graph.RelationPage
}

type prefetchKey struct {
	id   uuid.UUID
	args string
}

func argsKey(a entityRelationsArgs) string {
	var types []string
	if a.Types != nil {
		types = *a.Types
	}
	return fmt.Sprintf("%s|%v|%v|%v", a.Direction, types, intArg(a.First), strArg(a.After))
}

// relationsAhead reads, for the entities of a list whose items select
// relations at path (such as "edges.node.relations"), the page each will ask
// for. It reads nothing when the field is not selected, asks for
// recordedAsOf, or the request's budget would not cover it.
func (r *resolver) relationsAhead(ctx context.Context, path string, es []*graph.Entity) {
	if r.pre == nil || len(es) < 2 || !graphql.HasSelectedField(ctx, path) {
		return
	}
	var args entityRelationsArgs
	if ok, err := graphql.DecodeSelectedFieldArgs(ctx, path, &args); !ok || err != nil || args.RecordedAsOf != nil {
		return
	}
	if args.Direction == "" {
		args.Direction = "BOTH"
	}
	dir := dirArg(args.Direction)
	types, err := typesArg(args.Types)
	if err != nil {
		return
	}
	first, _, err := firstArg(args.First, MaxPageSize)
	if err != nil {
		return
	}
	// Read ahead only what the items will be charged for anyway (each
	// reserves one object and its page before it takes its page): with too
	// little budget left they fail one by one, as without the read-ahead.
	if b := budgetFrom(ctx); b != nil && b.used.Load()+int64(len(es)*(1+pageBound(args.First, graph.DefaultPageSize))) > b.max {
		return
	}
	refs := make([]string, len(es))
	for i, e := range es {
		refs[i] = e.ID.String()
	}
	pages, err := r.store.EntityRelationsOf(ctx, refs, dir, types, graph.Page{First: first, After: strArg(args.After)})
	if err != nil {
		return // each item reads, and reports, on its own
	}
	key := argsKey(args)
	r.pre.mu.Lock()
	defer r.pre.mu.Unlock()
	if r.pre.pages == nil {
		r.pre.pages = map[prefetchKey]*graph.RelationPage{}
	}
	for i, e := range es {
		r.pre.pages[prefetchKey{e.ID, key}] = pages[i]
	}
}

// take returns and forgets the page read ahead for entity id with args.
func (p *prefetch) take(id uuid.UUID, args entityRelationsArgs) *graph.RelationPage {
	if p == nil || args.RecordedAsOf != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := prefetchKey{id, argsKey(args)}
	page := p.pages[k]
	delete(p.pages, k)
	return page
}
