package graph

import (
	"context"
	"fmt"
	"time"
)

// Path limits.
const (
	DefaultPathDepth = 4
	MaxPathDepth     = 8
	DefaultPaths     = 5
	MaxPaths         = 100
	// maxPathSteps bounds the enumeration of one Paths call, so a query
	// between two hubs cannot run away; the paths found by then are returned.
	maxPathSteps = 2_000_000
)

// PathOptions shape a Paths query; zero values are the defaults.
type PathOptions struct {
	MaxDepth int            // relations per path; 0 means DefaultPathDepth
	Types    []RelationType // relation types that may be used; empty: all
	First    int            // number of paths; 0 means DefaultPaths
	// MinStatus is the weakest effective status a relation may have; 0 means
	// DENIED (everything but retracted relations).
	MinStatus ClaimStatus
	// RecordedAsOf, when set, answers as the store stood then.
	RecordedAsOf time.Time
}

// Path is a sequence of relations joining two entities, treated as
// undirected, with the weakest effective status along it.
type Path struct {
	Relations []*Relation
	Status    ClaimStatus
}

// Paths returns up to opts.First shortest simple paths between the entities
// from and to name, shortest first, treating relations as undirected. Errors
// wrap ErrNotFound or ErrAmbiguous for a reference, ErrInvalid or ErrLimit for
// options.
func (s *Store) Paths(ctx context.Context, from, to string, opts PathOptions) ([]Path, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]Path, error) { return sn.Paths(ctx, from, to, opts) })
}

// Paths is Store.Paths on this snapshot.
func (sn *Snapshot) Paths(ctx context.Context, from, to string, opts PathOptions) ([]Path, error) {
	sn = sn.AsRecorded(opts.RecordedAsOf)
	if opts.MaxDepth == 0 {
		opts.MaxDepth = DefaultPathDepth
	}
	if opts.First == 0 {
		opts.First = DefaultPaths
	}
	if opts.MinStatus == 0 {
		opts.MinStatus = Denied
	}
	switch {
	case opts.MaxDepth < 0 || opts.First < 0:
		return nil, fmt.Errorf("%w: maxDepth and first must not be negative", ErrInvalid)
	case opts.MaxDepth > MaxPathDepth:
		return nil, fmt.Errorf("%w: maxDepth is %d; paths are at most %d relations long", ErrLimit, opts.MaxDepth, MaxPathDepth)
	case opts.First > MaxPaths:
		return nil, fmt.Errorf("%w: first is %d; at most %d paths are returned", ErrLimit, opts.First, MaxPaths)
	case !opts.MinStatus.Valid():
		return nil, fmt.Errorf("%w: minStatus %d", ErrInvalid, opts.MinStatus)
	}
	var found []foundPath
	var out []Path
	err := sn.consistent(ctx, func(x *rtx, g *memGraph) error {
		a, _, err := x.resolve("from", from)
		if err != nil {
			return err
		}
		b, _, err := x.resolve("to", to)
		if err != nil {
			return err
		}
		if a == b {
			return fmt.Errorf("%w: from and to are the same entity", ErrInvalid)
		}
		found, err = g.paths(ctx, a, b, opts, x.rec)
		return err
	}, func(x *rtx) error {
		for _, p := range found {
			path := Path{Status: p.status}
			for _, tr := range p.rels {
				rel, err := x.relation(tr, true)
				if err != nil {
					return err
				}
				if rel == nil {
					return fmt.Errorf("path names relation %s, which does not exist", tr)
				}
				path.Relations = append(path.Relations, rel)
			}
			out = append(out, path)
		}
		return nil
	})
	return out, err
}

type foundPath struct {
	rels   []triple
	status ClaimStatus
}

// paths finds up to opts.First shortest simple paths from a to b: a breadth
// first search from b gives every entity's distance to b, then a depth-first
// enumeration from a for each length L in turn only steps where b stays
// reachable in the steps left, so it never explores a dead branch.
// It stops with ctx's error when ctx ends.
func (g *memGraph) paths(ctx context.Context, a, b uint32, opts PathOptions, rec uint32) ([]foundPath, error) {
	f := newEdgeFilter(opts.MinStatus, Date{}, opts.Types, rec)
	limit := int32(opts.MaxDepth)
	sc := getScratch(g.size())
	defer scratchPool.Put(sc)
	// The enumeration steps only through entities within limit-1 of b, so
	// the search stops there; a itself may be at limit, which its own
	// edges tell without expanding the last (and largest) level.
	sc.visit(b, 0, 0, -1)
	frontier := []uint32{b}
	for d := int32(0); d < limit-1 && len(frontier) > 0; d++ {
		var next []uint32
		for _, u := range frontier {
			for _, list := range [2][]adj{g.outOf(u), g.inOf(u)} {
				for _, e := range list {
					if v := e.other; !sc.seen(v) {
						if _, ok := f.adjStatus(g, e); ok {
							sc.visit(v, d+1, 0, -1)
							next = append(next, v)
						}
					}
				}
			}
		}
		frontier = next
	}
	if !sc.seen(a) && limit > 0 {
	next:
		for _, list := range [2][]adj{g.outOf(a), g.inOf(a)} {
			for _, e := range list {
				if v := e.other; sc.seen(v) && sc.dist[v] == limit-1 {
					if _, ok := f.adjStatus(g, e); ok {
						sc.visit(a, limit, 0, -1)
						break next
					}
				}
			}
		}
	}
	if !sc.seen(a) {
		return nil, ctx.Err()
	}
	dist := func(n uint32) int32 {
		if sc.seen(n) {
			return sc.dist[n]
		}
		return 1 << 30
	}
	var out []foundPath
	// A step goes only to an entity the search from b reached (its distance
	// must fit the steps left), so that search's seed flags, cleared by
	// visit, mark the entities on the current path.
	onPath := sc.seed
	onPath[a] = true
	var stack []int32
	steps := 0
	var walk func(u uint32, left int32) bool
	walk = func(u uint32, left int32) bool {
		if left == 0 {
			if u == b {
				p := foundPath{status: Ruled}
				for _, slot := range stack {
					p.rels = append(p.rels, (*g.rel(slot)).t)
					st, _ := f.status(g, g.rel(slot))
					p.status = min(p.status, st)
				}
				out = append(out, p)
			}
			return len(out) < opts.First
		}
		for _, list := range [2][]adj{g.outOf(u), g.inOf(u)} {
			for _, e := range list {
				if _, ok := f.adjStatus(g, e); !ok {
					continue
				}
				if steps++; steps > maxPathSteps || (steps%ctxEvery == 0 && ctx.Err() != nil) {
					return false
				}
				v := e.other
				if !sc.seen(v) || sc.dist[v] > left-1 || onPath[v] || (v == b && left > 1) {
					continue
				}
				onPath[v] = true
				stack = append(stack, e.slot)
				more := walk(v, left-1)
				stack = stack[:len(stack)-1]
				onPath[v] = false
				if !more {
					return false
				}
			}
		}
		return true
	}
	for l := dist(a); l <= limit && len(out) < opts.First; l++ {
		if !walk(a, l) && len(out) < opts.First {
			break // step budget spent, or ctx ended
		}
	}
	return out, ctx.Err()
}

// Subgraph is a set of entities and the relations among them, ready to draw.
type Subgraph struct {
	Nodes     []*Entity
	Relations []*Relation
}

// Neighborhood limits.
const (
	DefaultNeighborhoodDepth = 1
	MaxNeighborhoodDepth     = 4
	DefaultNeighborhoodLimit = 50
	MaxNeighborhoodLimit     = 500
)

// Neighborhood returns the entities within depth relations of the entity ref
// names (relations undirected, retracted ones left out), nearest first, at
// most limit of them, and every relation among them. depth and limit of 0
// take the defaults. Errors wrap ErrNotFound, ErrAmbiguous, ErrInvalid or
// ErrLimit.
func (s *Store) Neighborhood(ctx context.Context, ref string, depth, limit int) (*Subgraph, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Subgraph, error) { return sn.Neighborhood(ctx, ref, depth, limit) })
}

// Neighborhood is Store.Neighborhood on this snapshot.
func (sn *Snapshot) Neighborhood(ctx context.Context, ref string, depth, limit int) (*Subgraph, error) {
	if depth == 0 {
		depth = DefaultNeighborhoodDepth
	}
	if limit == 0 {
		limit = DefaultNeighborhoodLimit
	}
	switch {
	case depth < 0 || limit < 0:
		return nil, fmt.Errorf("%w: depth and limit must not be negative", ErrInvalid)
	case depth > MaxNeighborhoodDepth:
		return nil, fmt.Errorf("%w: depth is %d; the maximum is %d", ErrLimit, depth, MaxNeighborhoodDepth)
	case limit > MaxNeighborhoodLimit:
		return nil, fmt.Errorf("%w: limit is %d; the maximum is %d", ErrLimit, limit, MaxNeighborhoodLimit)
	}
	var nodes []uint32
	var rels []triple
	sub := &Subgraph{}
	err := sn.consistent(ctx, func(x *rtx, g *memGraph) error {
		start, _, err := x.resolve("entity", ref)
		if err != nil {
			return err
		}
		nodes, rels = g.neighborhood(start, depth, limit, x.rec)
		return ctx.Err()
	}, func(x *rtx) error {
		for _, n := range nodes {
			e, err := x.entity(n)
			if err != nil {
				return err
			}
			if e != nil {
				sub.Nodes = append(sub.Nodes, e)
			}
		}
		for _, tr := range rels {
			rel, err := x.relation(tr, true)
			if err != nil {
				return err
			}
			if rel != nil {
				sub.Relations = append(sub.Relations, rel)
			}
		}
		return nil
	})
	return sub, err
}

// neighborhood collects up to limit entities within depth relations of
// start, nearest first, and the relations among them.
func (g *memGraph) neighborhood(start uint32, depth, limit int, rec uint32) ([]uint32, []triple) {
	f := newEdgeFilter(Denied, Date{}, nil, rec)
	nodes := []uint32{start}
	in := map[uint32]bool{start: true}
	frontier := []uint32{start}
	for d := 0; d < depth && len(nodes) < limit; d++ {
		var next []uint32
		for _, u := range frontier {
			for _, list := range [2][]adj{g.outOf(u), g.inOf(u)} {
				for _, a := range list {
					if _, ok := f.adjStatus(g, a); !ok {
						continue
					}
					v := a.other
					if !in[v] && len(nodes) < limit {
						in[v] = true
						nodes = append(nodes, v)
						next = append(next, v)
					}
				}
			}
		}
		frontier = next
	}
	var rels []triple
	for _, u := range nodes {
		for _, a := range g.outOf(u) {
			if _, ok := f.adjStatus(g, a); ok && in[a.other] {
				rels = append(rels, triple{From: u, Type: a.typ, To: a.other})
			}
		}
	}
	return nodes, rels
}
