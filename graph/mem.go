package graph

import (
	"slices"
	"sync"
)

// memGraph is the in-memory adjacency cache: every live entity's kind and
// every relation's endpoints, type, effective status, validity and statement
// statuses, so that lineage, paths and neighbourhood walk memory instead of
// reading relation records hop by hop. It is rebuilt from the store on open
// and updated under the writer lock after every commit, so it always equals
// what is committed; Verify checks that it does.
type memGraph struct {
	mu    sync.RWMutex
	kinds []EntityKind // by entity number; 0 = no live entity
	ents  []*Entity    // by entity number: the public form of each live entity, shared read-only
	out   [][]adj      // by entity number: relations leaving it, sorted by (type, to)
	in    [][]adj      // by entity number: relations entering it, sorted by (type, from)
	rels  []memRel     // by slot
	free  []int32      // slots of deleted relations, for reuse
	live  int          // number of live entities
	nrel  int          // number of live relations
}

// adj is one adjacency entry. The relation's type and effective status are
// kept inline, so a walk reads the relation itself (g.rels) only when it
// needs more, as for asOf: the entries of one entity sit together in memory
// while relations are scattered.
type adj struct {
	slot   int32
	other  uint32 // the entity at the other end
	typ    RelationType
	status ClaimStatus
}

type memStmt struct {
	status ClaimStatus
	day    int32
}

type memRel struct {
	t      triple
	status ClaimStatus // 0 marks a free slot
	vFrom  int32       // start of validFrom, minDay when open
	vTo    int32       // end of validTo, maxDay when open
	st     []memStmt
}

func newMemGraph() *memGraph {
	return &memGraph{kinds: make([]EntityKind, 1), ents: make([]*Entity, 1), out: make([][]adj, 1), in: make([][]adj, 1)}
}

func (g *memGraph) grow(n uint32) {
	for uint32(len(g.kinds)) <= n {
		g.kinds = append(g.kinds, 0)
		g.ents = append(g.ents, nil)
		g.out = append(g.out, nil)
		g.in = append(g.in, nil)
	}
}

// setEntity records entity n's current record (nil or merged: no live entity).
func (g *memGraph) setEntity(n uint32, rec *entRec) {
	g.grow(n)
	if rec == nil || rec.MergedInto != 0 {
		g.setKind(n, 0)
		g.ents[n] = nil
		return
	}
	g.setKind(n, rec.Kind)
	g.ents[n] = publicEntity(rec)
}

// entity returns the cached public form of live entity n, or nil.
func (g *memGraph) entity(n uint32) *Entity {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if int(n) < len(g.ents) {
		return g.ents[n]
	}
	return nil
}

// setKind records entity n as live with kind k, or removed when k is 0.
func (g *memGraph) setKind(n uint32, k EntityKind) {
	g.grow(n)
	if g.kinds[n] == 0 && k != 0 {
		g.live++
	} else if g.kinds[n] != 0 && k == 0 {
		g.live--
	}
	g.kinds[n] = k
}

func (g *memGraph) kindOf(n uint32) EntityKind {
	if int(n) < len(g.kinds) {
		return g.kinds[n]
	}
	return 0
}

// find returns the slot of relation t, or -1.
func (g *memGraph) find(t triple) int32 {
	if i, ok := adjIndex(g.out, t.From, t.Type, t.To); ok {
		return g.out[t.From][i].slot
	}
	return -1
}

// adjIndex finds the entry (typ, other) in lists[n], or where it would go.
func adjIndex(lists [][]adj, n uint32, typ RelationType, other uint32) (int, bool) {
	if int(n) >= len(lists) {
		return 0, false
	}
	return slices.BinarySearchFunc(lists[n], adj{typ: typ, other: other}, cmpAdj)
}

func cmpAdj(a, b adj) int { return cmpTypeEnd(a.typ, a.other, b.typ, b.other) }

func cmpTypeEnd(at RelationType, an uint32, bt RelationType, bn uint32) int {
	switch {
	case at < bt:
		return -1
	case at > bt:
		return 1
	case an < bn:
		return -1
	case an > bn:
		return 1
	}
	return 0
}

func memRelOf(t triple, r *relRec) memRel {
	m := memRel{t: t, status: r.Status, vFrom: r.ValidFrom.Start(), vTo: r.ValidTo.End(), st: make([]memStmt, len(r.Statements))}
	for i, s := range r.Statements {
		m.st[i] = memStmt{status: s.Status, day: s.Day}
	}
	return m
}

// putRel inserts or replaces relation t.
func (g *memGraph) putRel(t triple, r *relRec) {
	if slot := g.find(t); slot >= 0 {
		g.rels[slot] = memRelOf(t, r)
		i, _ := adjIndex(g.out, t.From, t.Type, t.To)
		g.out[t.From][i].status = r.Status
		j, _ := adjIndex(g.in, t.To, t.Type, t.From)
		g.in[t.To][j].status = r.Status
		return
	}
	var slot int32
	if n := len(g.free); n > 0 {
		slot = g.free[n-1]
		g.free = g.free[:n-1]
		g.rels[slot] = memRelOf(t, r)
	} else {
		slot = int32(len(g.rels))
		g.rels = append(g.rels, memRelOf(t, r))
	}
	g.grow(max(t.From, t.To))
	i, _ := adjIndex(g.out, t.From, t.Type, t.To)
	g.out[t.From] = slices.Insert(g.out[t.From], i, adj{slot: slot, other: t.To, typ: t.Type, status: r.Status})
	j, _ := adjIndex(g.in, t.To, t.Type, t.From)
	g.in[t.To] = slices.Insert(g.in[t.To], j, adj{slot: slot, other: t.From, typ: t.Type, status: r.Status})
	g.nrel++
}

// delRel removes relation t if present.
func (g *memGraph) delRel(t triple) {
	slot := g.find(t)
	if slot < 0 {
		return
	}
	g.out[t.From] = slices.DeleteFunc(g.out[t.From], func(a adj) bool { return a.slot == slot })
	g.in[t.To] = slices.DeleteFunc(g.in[t.To], func(a adj) bool { return a.slot == slot })
	g.rels[slot] = memRel{}
	g.free = append(g.free, slot)
	g.nrel--
}

// statusAsOf is the effective status of a relation counting only statements
// dated on or before asOfEnd; with asOfEnd == maxDay it is the stored status.
func (m *memRel) statusAsOf(asOfEnd int32) ClaimStatus {
	if asOfEnd == maxDay {
		return m.status
	}
	var seen [Ruled + 1]bool
	for _, s := range m.st {
		if s.status != Retracted && s.day <= asOfEnd {
			seen[s.status] = true
		}
	}
	return effectiveFromSeen(seen)
}

// edgeFilter decides which relations a walk may use.
type edgeFilter struct {
	minStatus ClaimStatus
	asOf      bool
	asOfStart int32
	asOfEnd   int32
	types     [numRelationTypes]bool // all false: any type
	anyType   bool
}

func newEdgeFilter(minStatus ClaimStatus, asOf Date, types []RelationType) edgeFilter {
	f := edgeFilter{minStatus: minStatus, asOfEnd: maxDay, anyType: len(types) == 0}
	if !asOf.IsZero() {
		f.asOf, f.asOfStart, f.asOfEnd = true, asOf.Start(), asOf.End()
	}
	for _, t := range types {
		if t.Valid() {
			f.types[t] = true
		}
	}
	return f
}

// adjStatus is status for an adjacency entry: it reads the relation itself
// only for asOf.
func (f *edgeFilter) adjStatus(g *memGraph, a adj) (ClaimStatus, bool) {
	if f.asOf {
		return f.status(&g.rels[a.slot])
	}
	if !f.anyType && !f.types[a.typ] {
		return 0, false
	}
	return a.status, a.status >= f.minStatus
}

// status returns the relation's status under the filter and whether it may be
// walked.
func (f *edgeFilter) status(m *memRel) (ClaimStatus, bool) {
	if !f.anyType && !f.types[m.t.Type] {
		return 0, false
	}
	if f.asOf && (m.vFrom > f.asOfEnd || m.vTo < f.asOfStart) {
		return 0, false
	}
	s := m.statusAsOf(f.asOfEnd)
	return s, s >= f.minStatus
}
