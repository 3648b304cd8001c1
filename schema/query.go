package schema

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// Entity is Query.entity: null when ref names nothing, an error when it is
// ambiguous.
func (r *resolver) Entity(ctx context.Context, args struct{ Ref string }) (*entityResolver, error) {
	r = r.request(ctx)
	if err := charge(ctx, 1); err != nil {
		return nil, r.fail(ctx, "entity", err)
	}
	e, err := r.store.Entity(ctx, args.Ref)
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, r.fail(ctx, "entity", err)
	}
	return r.entity(e), nil
}

type entitiesArgs struct {
	Kind  *string
	First *int32
	After *string
}

// Entities is Query.entities.
func (r *resolver) Entities(ctx context.Context, args entitiesArgs) (*entityConnection, error) {
	r = r.request(ctx)
	conn, err := func() (*entityConnection, error) {
		var kind graph.EntityKind
		if args.Kind != nil {
			k, err := graph.ParseEntityKind(*args.Kind)
			if err != nil {
				return nil, err
			}
			kind = k
		}
		first, none, err := firstArg(args.First, MaxPageSize)
		if err != nil {
			return nil, err
		}
		settle, err := r.reserveScan(ctx, scanEntities, pageBound(args.First, graph.DefaultPageSize))
		if err != nil {
			return nil, err
		}
		page, err := r.store.Entities(ctx, kind, graph.Page{First: first, After: strArg(args.After)})
		if err != nil {
			return nil, err
		}
		r.relationsAhead(ctx, "edges.node.relations", page.Entities)
		return r.entityConnection(page, args.After != nil, none, settle)
	}()
	if err != nil {
		return nil, r.fail(ctx, "entities", err)
	}
	return conn, nil
}

type searchArgs struct {
	Text  string
	Kinds *[]string
	First *int32
}

// Search is Query.search: Query.searchHits without what matched.
func (r *resolver) Search(ctx context.Context, args searchArgs) ([]*entityResolver, error) {
	r = r.request(ctx)
	hits, err := r.search(ctx, args)
	if err != nil {
		return nil, r.fail(ctx, "search", err)
	}
	es := make([]*graph.Entity, len(hits))
	for i, h := range hits {
		es[i] = h.Entity
	}
	r.relationsAhead(ctx, "relations", es)
	return r.entities(es), nil
}

type relationsArgs struct {
	Type   *string
	Status *[]string
	First  *int32
	After  *string
}

// Relations is Query.relations.
func (r *resolver) Relations(ctx context.Context, args relationsArgs) (*relationConnection, error) {
	r = r.request(ctx)
	conn, err := func() (*relationConnection, error) {
		var t graph.RelationType
		if args.Type != nil {
			v, err := graph.ParseRelationType(*args.Type)
			if err != nil {
				return nil, err
			}
			t = v
		}
		var statuses []graph.ClaimStatus
		if args.Status != nil {
			for _, name := range *args.Status {
				s, err := graph.ParseClaimStatus(name)
				if err != nil {
					return nil, err
				}
				statuses = append(statuses, s)
			}
		}
		first, none, err := firstArg(args.First, MaxPageSize)
		if err != nil {
			return nil, err
		}
		settle, err := r.reserveScan(ctx, scanRelations, pageBound(args.First, graph.DefaultPageSize))
		if err != nil {
			return nil, err
		}
		page, err := r.store.Relations(ctx, t, statuses, graph.Page{First: first, After: strArg(args.After)})
		if err != nil {
			return nil, err
		}
		return r.relationConnection(page, args.After != nil, none, settle)
	}()
	if err != nil {
		return nil, r.fail(ctx, "relations", err)
	}
	return conn, nil
}

// lineageArgs are the arguments of Entity.lineage, and of Query.lineage but
// its entity.
type lineageArgs struct {
	Direction    string
	MaxDepth     *int32
	MinStatus    *string
	AsOf         *Date
	Kinds        *[]string
	First        *int32
	RecordedAsOf *DateTime
}

type queryLineageArgs struct {
	Entity string
	lineageArgs
}

// Lineage is Query.lineage.
func (r *resolver) Lineage(ctx context.Context, args queryLineageArgs) ([]*lineageHitResolver, error) {
	r = r.request(ctx)
	hits, err := r.lineage(ctx, args.Entity, args.lineageArgs)
	if err != nil {
		return nil, r.fail(ctx, "lineage", err)
	}
	return hits, nil
}

// lineage runs one Lineage call for both lineage fields. Paths are loaded only
// when the query selects them, by the same library call. Without first it
// returns at most MaxLineageHits hits. It charges walkCost and the hits it
// may return (twice that with paths, which it loads) before walking.
func (r *resolver) lineage(ctx context.Context, ref string, args lineageArgs) ([]*lineageHitResolver, error) {
	opts := graph.LineageOptions{MaxDepth: intArg(args.MaxDepth), Paths: graphql.HasSelectedField(ctx, "path")}
	switch args.Direction {
	case "UPSTREAM":
		opts.Direction = graph.Upstream
	case "DOWNSTREAM":
		opts.Direction = graph.Downstream
	}
	if opts.MaxDepth < 0 {
		return nil, fmt.Errorf("%w: maxDepth must not be negative (got %d)", graph.ErrInvalid, opts.MaxDepth)
	}
	var err error
	if opts.MinStatus, err = statusArg(args.MinStatus); err != nil {
		return nil, err
	}
	if opts.AsOf, err = args.AsOf.arg("asOf"); err != nil {
		return nil, err
	}
	if opts.RecordedAsOf, err = args.RecordedAsOf.arg("recordedAsOf"); err != nil {
		return nil, err
	}
	if opts.Kinds, err = kindsArg(args.Kinds); err != nil {
		return nil, err
	}
	first, none, err := firstArg(args.First, MaxLineageHits)
	if err != nil {
		return nil, err
	}
	if args.First == nil {
		first = MaxLineageHits
	}
	perHit := 1
	if opts.Paths {
		perHit = 2
	}
	settle, err := reserve(ctx, walkCost, perHit*pageBound(args.First, MaxLineageHits))
	if err != nil {
		return nil, err // the budget is spent: do not walk
	}
	opts.Limit = first
	hits, err := r.store.Lineage(ctx, ref, opts)
	if err != nil {
		return nil, errors.Join(err, settle(0))
	}
	if none {
		hits = nil
	}
	if err := settle(perHit * len(hits)); err != nil {
		return nil, err
	}
	out := make([]*lineageHitResolver, len(hits))
	for i, h := range hits {
		out[i] = &lineageHitResolver{r: r, h: h}
	}
	return out, nil
}

type pathsArgs struct {
	From         string
	To           string
	MaxDepth     *int32
	Types        *[]string
	First        *int32
	RecordedAsOf *DateTime
}

// Paths is Query.paths.
func (r *resolver) Paths(ctx context.Context, args pathsArgs) ([]*pathResolver, error) {
	r = r.request(ctx)
	out, err := func() ([]*pathResolver, error) {
		types, err := typesArg(args.Types)
		if err != nil {
			return nil, err
		}
		first, none, err := firstArg(args.First, graph.MaxPaths)
		if err != nil {
			return nil, err
		}
		maxDepth := intArg(args.MaxDepth)
		if args.MaxDepth != nil && maxDepth <= 0 {
			return nil, fmt.Errorf("%w: maxDepth must be at least 1 (got %d)", graph.ErrInvalid, maxDepth)
		}
		rec, err := args.RecordedAsOf.arg("recordedAsOf")
		if err != nil {
			return nil, err
		}
		settle, err := reserve(ctx, walkCost, pageBound(args.First, graph.DefaultPaths))
		if err != nil {
			return nil, err // the budget is spent: do not walk
		}
		paths, err := r.store.Paths(ctx, args.From, args.To, graph.PathOptions{MaxDepth: maxDepth, Types: types, First: first, RecordedAsOf: rec})
		if err != nil {
			return nil, errors.Join(err, settle(0))
		}
		if none {
			paths = nil
		}
		if err := settle(len(paths)); err != nil {
			return nil, err
		}
		out := make([]*pathResolver, len(paths))
		for i, p := range paths {
			out[i] = &pathResolver{r: r, p: p}
		}
		return out, nil
	}()
	if err != nil {
		return nil, r.fail(ctx, "paths", err)
	}
	return out, nil
}

type neighborhoodArgs struct {
	Entity       string
	Depth        *int32
	Limit        *int32
	RecordedAsOf *DateTime
}

// Neighborhood is Query.neighborhood. It charges walkCost before walking,
// and walks only when nodes or relations are selected; otherwise it only
// checks that the entity exists. Nodes and relations charge their items.
func (r *resolver) Neighborhood(ctx context.Context, args neighborhoodArgs) (*subgraphResolver, error) {
	r = r.request(ctx)
	depth, limit := intArg(args.Depth), intArg(args.Limit)
	var err error
	switch {
	case args.Depth != nil && depth <= 0:
		err = fmt.Errorf("%w: depth must be at least 1 (got %d)", graph.ErrInvalid, depth)
	case args.Limit != nil && limit <= 0:
		err = fmt.Errorf("%w: limit must be at least 1 (got %d)", graph.ErrInvalid, limit)
	case args.Depth != nil && depth > graph.MaxNeighborhoodDepth:
		err = fmt.Errorf("%w: depth is %d; the maximum is %d", graph.ErrLimit, depth, graph.MaxNeighborhoodDepth)
	case args.Limit != nil && limit > graph.MaxNeighborhoodLimit:
		err = fmt.Errorf("%w: limit is %d; the maximum is %d", graph.ErrLimit, limit, graph.MaxNeighborhoodLimit)
	}
	if err == nil {
		err = charge(ctx, walkCost)
	}
	g := &graph.Subgraph{}
	switch {
	case err != nil:
	case graphql.HasSelectedField(ctx, "nodes") || graphql.HasSelectedField(ctx, "relations"):
		err = r.readAt(ctx, args.RecordedAsOf, func(rd reader) error {
			var err error
			g, err = rd.Neighborhood(ctx, args.Entity, depth, limit)
			return err
		})
	default:
		err = r.readAt(ctx, args.RecordedAsOf, func(rd reader) error {
			_, err := rd.Entity(ctx, args.Entity)
			return err
		})
	}
	if err != nil {
		return nil, r.fail(ctx, "neighborhood", err)
	}
	if args.RecordedAsOf == nil {
		r.relationsAhead(ctx, "nodes.relations", g.Nodes)
	}
	return &subgraphResolver{r: r, g: g}, nil
}

type disputesArgs struct {
	Party        *string
	Status       *string
	AsOf         *Date
	RecordedAsOf *DateTime
	First        *int32
	After        *string
}

// Disputes is Query.disputes.
func (r *resolver) Disputes(ctx context.Context, args disputesArgs) (*entityConnection, error) {
	r = r.request(ctx)
	conn, err := func() (*entityConnection, error) {
		var status graph.DisputeStatus
		if args.Status != nil {
			s, err := graph.ParseDisputeStatus(*args.Status)
			if err != nil {
				return nil, err
			}
			status = s
		}
		first, none, err := firstArg(args.First, MaxPageSize)
		if err != nil {
			return nil, err
		}
		settle, err := r.reserveScan(ctx, scanEntities, pageBound(args.First, graph.DefaultPageSize))
		if err != nil {
			return nil, err
		}
		asOf, err := args.AsOf.arg("asOf")
		if err != nil {
			return nil, err
		}
		var page *graph.EntityPage
		err = r.readAt(ctx, args.RecordedAsOf, func(rd reader) error {
			var err error
			page, err = rd.DisputesAt(ctx, graph.DisputeQuery{Party: strArg(args.Party), Status: status, AsOf: asOf}, graph.Page{First: first, After: strArg(args.After)})
			return err
		})
		if err != nil {
			return nil, err
		}
		if args.RecordedAsOf == nil {
			r.relationsAhead(ctx, "edges.node.relations", page.Entities)
		}
		return r.entityConnection(page, args.After != nil, none, settle)
	}()
	if err != nil {
		return nil, r.fail(ctx, "disputes", err)
	}
	return conn, nil
}

// Stats is Query.stats: the counts read once per request (storeSizes), and
// charged as a scan of everything they count.
func (r *resolver) Stats(ctx context.Context, args struct{ RecordedAsOf *DateTime }) (*statsResolver, error) {
	r = r.request(ctx)
	if _, err := r.reserveScan(ctx, scanAll, 0); err != nil {
		return nil, r.fail(ctx, "stats", err)
	}
	var s *graph.Stats
	err := r.readAt(ctx, args.RecordedAsOf, func(rd reader) error {
		var err error
		s, err = rd.Stats(ctx)
		return err
	})
	if err != nil {
		return nil, r.fail(ctx, "stats", err)
	}
	return &statsResolver{s: s}, nil
}

// Node is Query.node: null when nothing has the id.
func (r *resolver) Node(ctx context.Context, args struct{ ID graphql.ID }) (*nodeResolver, error) {
	r = r.request(ctx)
	if err := charge(ctx, 1); err != nil {
		return nil, r.fail(ctx, "node", err)
	}
	id, err := idArg("id", args.ID)
	if err != nil {
		return nil, r.fail(ctx, "node", err)
	}
	v, err := r.store.Node(ctx, id)
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, r.fail(ctx, "node", err)
	}
	switch v := v.(type) {
	case *graph.Entity:
		return &nodeResolver{entity: r.entity(v)}, nil
	case *graph.Relation:
		return &nodeResolver{relation: &relationResolver{r: r, rel: v}}, nil
	case *graph.Statement:
		return &nodeResolver{statement: &statementResolver{r: r, st: v}}, nil
	case *graph.DisputeEvent:
		return &nodeResolver{event: &eventResolver{r: r, ev: v}}, nil
	}
	return nil, r.fail(ctx, "node", fmt.Errorf("graph.Node returned %T for %s", v, id))
}

// idArg parses an ID argument named name; errors wrap graph.ErrInvalid.
func idArg(name string, id graphql.ID) (uuid.UUID, error) {
	u, err := uuid.Parse(string(id))
	if err != nil || len(id) != 36 {
		return uuid.Nil, fmt.Errorf("%w: %s: %q is not an id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)", graph.ErrInvalid, name, string(id))
	}
	return u, nil
}
