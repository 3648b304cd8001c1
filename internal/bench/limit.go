package bench

import (
	"slices"

	"github.com/whosedata/whosedata/graph"
)

// limitGraph is the "limit" peer: the same graph as compact adjacency arrays
// (CSR: per-entity offsets into flat per-edge arrays, one set for edges out
// of an entity and one for edges into it) and a breadth-first search with the
// SPEC §2 semantics and nothing else: no store, no records, no locks. It is
// what a lineage walk costs when it is only a walk.
type limitGraph struct {
	d    *dataset
	out  csr
	in   csr
	scr  limitScratch
	next []int32
	// onPath marks the entities on the path being built by paths.
	onPath []bool
}

// csr holds one direction of adjacency: the edges of entity n are
// off[n]..off[n+1] of the flat arrays.
type csr struct {
	off    []int32
	other  []int32 // the entity at the other end
	typ    []uint8 // graph.RelationType
	status []uint8 // stored effective status
	rel    []int32 // index in dataset.rels, for asOf
}

type limitScratch struct {
	gen   uint32
	stamp []uint32
	dist  []int32
	best  []graph.ClaimStatus
	seed  []bool
	pos   []int32 // index of the entity's hit in the answer (valid when stamped)
	flow  []int32
}

func newLimitGraph(d *dataset) *limitGraph {
	n := len(d.keys)
	g := &limitGraph{d: d}
	// Each entity's edges are filled in type order, so that the edges of
	// the types a walk follows are one run (csr.run), as graph's lists are.
	var at [256]int
	for i := range d.rels {
		at[d.rels[i].typ]++
	}
	for t, sum := 0, 0; t < len(at); t++ {
		at[t], sum = sum, sum+at[t]
	}
	byType := make([]int32, len(d.rels))
	for i := range d.rels {
		t := d.rels[i].typ
		byType[at[t]] = int32(i)
		at[t]++
	}
	build := func(end func(r *relRow) (int32, int32)) csr {
		c := csr{off: make([]int32, n+1)}
		for i := range d.rels {
			at, _ := end(&d.rels[i])
			c.off[at+1]++
		}
		for i := 0; i < n; i++ {
			c.off[i+1] += c.off[i]
		}
		m := len(d.rels)
		c.other, c.typ, c.status, c.rel = make([]int32, m), make([]uint8, m), make([]uint8, m), make([]int32, m)
		fill := append([]int32(nil), c.off[:n]...)
		for _, i := range byType {
			r := &d.rels[i]
			at, other := end(r)
			k := fill[at]
			fill[at]++
			c.other[k], c.typ[k], c.status[k], c.rel[k] = other, uint8(r.typ), uint8(r.status), int32(i)
		}
		return c
	}
	g.out = build(func(r *relRow) (int32, int32) { return r.from, r.to })
	g.in = build(func(r *relRow) (int32, int32) { return r.to, r.from })
	g.scr = limitScratch{stamp: make([]uint32, n), dist: make([]int32, n), best: make([]graph.ClaimStatus, n),
		seed: make([]bool, n), pos: make([]int32, n)}
	return g
}

// run returns the range of entity u's edges whose type is in [lo, hi].
func (c *csr) run(u int32, lo, hi graph.RelationType) (int32, int32) {
	return c.typeStart(u, lo), c.typeStart(u, hi+1)
}

// typeStart is the first of entity u's edges whose type is at least t.
func (c *csr) typeStart(u int32, t graph.RelationType) int32 {
	i, _ := slices.BinarySearch(c.typ[c.off[u]:c.off[u+1]], uint8(t))
	return c.off[u] + int32(i)
}

// limitFilter decides which edges a walk may use and with what status.
type limitFilter struct {
	min                graph.ClaimStatus
	asOf               bool
	asOfStart, asOfEnd int32
	d                  *dataset
}

func newLimitFilter(d *dataset, q lineageQuery) limitFilter {
	f := limitFilter{min: q.min(), d: d}
	if !q.asOf.IsZero() {
		f.asOf, f.asOfStart, f.asOfEnd = true, q.asOf.Start(), q.asOf.End()
	}
	return f
}

func (f *limitFilter) status(c *csr, k int32) (graph.ClaimStatus, bool) {
	if !f.asOf {
		s := graph.ClaimStatus(c.status[k])
		return s, s >= f.min
	}
	i := c.rel[k]
	r := &f.d.rels[i]
	if r.vFrom > f.asOfEnd || r.vTo < f.asOfStart {
		return 0, false
	}
	s := f.d.statusAsOf(i, f.asOfEnd)
	return s, s >= f.min
}

// lineage answers one lineage query from entity start; hits are sorted by
// entity number. It is not safe for concurrent use (the scratch is shared).
func (g *limitGraph) lineage(start int32, q lineageQuery) []hit {
	f := newLimitFilter(g.d, q)
	sc := &g.scr
	sc.gen++
	seen := func(n int32) bool { return sc.stamp[n] == sc.gen }
	visit := func(n, d int32, st graph.ClaimStatus, seed bool) {
		sc.stamp[n], sc.dist[n], sc.best[n], sc.seed[n] = sc.gen, d, st, seed
	}
	visit(start, 0, graph.Ruled, false)
	frontier := []int32{start}
	sc.flow = sc.flow[:0]
	next := g.next[:0]
	for depth := int32(0); len(frontier) > 0; depth++ {
		next = next[:0]
		reach := func(c *csr, k int32, from int32, seed bool) {
			st, ok := f.status(c, k)
			if !ok {
				return
			}
			st = min(st, sc.best[from])
			v := c.other[k]
			switch {
			case !seen(v):
				visit(v, depth+1, st, seed)
				next = append(next, v)
			case sc.dist[v] == depth+1:
				sc.best[v] = max(sc.best[v], st)
				sc.seed[v] = sc.seed[v] || seed
			}
		}
		for _, u := range frontier {
			if q.down {
				if depth == 0 {
					lo, hi := g.out.run(u, graph.Owns, graph.Developed)
					for k := lo; k < hi; k++ {
						reach(&g.out, k, u, true)
					}
				}
				lo, hi := g.in.run(u, graph.TrainedOn, graph.BuiltOn)
				for k := lo; k < hi; k++ {
					reach(&g.in, k, u, false)
				}
			} else {
				lo, hi := g.out.run(u, graph.TrainedOn, graph.BuiltOn)
				for k := lo; k < hi; k++ {
					reach(&g.out, k, u, false)
				}
			}
		}
		// Each depth expands its entities in number order, as graph's walk
		// does, for the same reason: its reads move forward through memory.
		slices.Sort(next)
		sc.flow = append(sc.flow, next...)
		// frontier and next trade buffers; the first frontier is not reused.
		if depth == 0 {
			frontier, next = next, nil
		} else {
			frontier, next = next, frontier
		}
	}
	g.next = next
	isHit := func(n int32) bool { return n != start && !(seen(n) && sc.seed[n]) }
	var hits []hit
	for _, h := range sc.flow {
		if isHit(h) {
			sc.pos[h] = int32(len(hits))
			hits = append(hits, hit{n: h, depth: sc.dist[h], status: sc.best[h]})
		}
	}
	nflow := len(hits)
	for i := 0; i < nflow; i++ {
		h := hits[i].n
		lo, hi := g.in.run(h, graph.Owns, graph.Developed)
		for k := lo; k < hi; k++ {
			st, ok := f.status(&g.in, k)
			if !ok {
				continue
			}
			y := g.in.other[k]
			if !isHit(y) {
				continue
			}
			cand := hit{n: y, depth: sc.dist[h] + 1, status: min(st, sc.best[h])}
			if seen(y) {
				// y is already a hit, by data flow or as a holder.
				old := &hits[sc.pos[y]]
				if better(cand, *old) {
					*old = cand
				}
				continue
			}
			visit(y, cand.depth, cand.status, false)
			sc.pos[y] = int32(len(hits))
			hits = append(hits, cand)
		}
	}
	sortHits(hits)
	return hits
}

// better reports whether a is the better way to reach an entity than b:
// shorter, or as short and stronger.
func better(a, b hit) bool {
	return a.depth < b.depth || (a.depth == b.depth && a.status > b.status)
}

// limitPathSteps is graph's step budget for one paths question (its
// maxPathSteps): the limit walks under the same bound.
const limitPathSteps = 2_000_000

// pathsAnswer is one paths answer as the systems are compared: the length
// of each path found, in order, and whether the step budget cut the search.
type pathsAnswer struct {
	lengths   []int
	exhausted bool
}

// paths is the "limit" of the paths workload: up to k shortest simple
// paths of at most maxDepth relations between a and b, relations undirected
// and any but retracted ones usable, as graph's Paths finds them — a
// breadth-first search from b for distances, then a depth-first enumeration
// from a, one length at a time, pruned by those distances — over the CSR
// arrays, with a flat on-path array instead of a map. It is not safe for
// concurrent use.
func (g *limitGraph) paths(a, b int32, maxDepth, k int) pathsAnswer {
	sc := &g.scr
	sc.gen++
	if g.onPath == nil {
		g.onPath = make([]bool, len(g.d.keys))
	}
	usable := func(c *csr, i int32) bool { return graph.ClaimStatus(c.status[i]) >= graph.Denied }
	sc.stamp[b], sc.dist[b] = sc.gen, 0
	frontier := []int32{b}
	// Distances up to maxDepth-1 are all the enumeration uses; a itself may
	// be at maxDepth, which its own edges tell.
	limit := int32(maxDepth)
	for d := int32(0); d < limit-1 && len(frontier) > 0; d++ {
		var next []int32
		for _, u := range frontier {
			for _, c := range [2]*csr{&g.out, &g.in} {
				for i := c.off[u]; i < c.off[u+1]; i++ {
					if v := c.other[i]; usable(c, i) && sc.stamp[v] != sc.gen {
						sc.stamp[v], sc.dist[v] = sc.gen, d+1
						next = append(next, v)
					}
				}
			}
		}
		frontier = next
	}
	if sc.stamp[a] != sc.gen && limit > 0 {
	next:
		for _, c := range [2]*csr{&g.out, &g.in} {
			for i := c.off[a]; i < c.off[a+1]; i++ {
				if v := c.other[i]; usable(c, i) && sc.stamp[v] == sc.gen && sc.dist[v] == limit-1 {
					sc.stamp[a], sc.dist[a] = sc.gen, limit
					break next
				}
			}
		}
	}
	var ans pathsAnswer
	if sc.stamp[a] != sc.gen {
		return ans
	}
	dist := func(n int32) int32 {
		if sc.stamp[n] == sc.gen {
			return sc.dist[n]
		}
		return 1 << 30
	}
	steps := 0
	var walk func(u int32, left, length int32) bool
	walk = func(u int32, left, length int32) bool {
		if left == 0 {
			if u == b {
				ans.lengths = append(ans.lengths, int(length))
			}
			return len(ans.lengths) < k
		}
		for _, c := range [2]*csr{&g.out, &g.in} {
			for i := c.off[u]; i < c.off[u+1]; i++ {
				if !usable(c, i) {
					continue
				}
				if steps++; steps > limitPathSteps {
					ans.exhausted = true
					return false
				}
				v := c.other[i]
				if g.onPath[v] || dist(v) > left-1 || (v == b && left-1 > 0) {
					continue
				}
				g.onPath[v] = true
				more := walk(v, left-1, length)
				g.onPath[v] = false
				if !more {
					return false
				}
			}
		}
		return true
	}
	g.onPath[a] = true
	for l := dist(a); l <= int32(maxDepth) && len(ans.lengths) < k; l++ {
		if !walk(a, l, l) {
			break
		}
	}
	g.onPath[a] = false
	return ans
}
