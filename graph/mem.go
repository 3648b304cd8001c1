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
	stmts []memStmt    // every relation's statement statuses, one run per relation
	waste int          // entries of stmts no relation uses any more
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
	nst    uint16      // number of statements, at stmts[st:st+nst]; larger counts are capped (see putStmts)
	vFrom  int32       // start of validFrom, minDay when open
	vTo    int32       // end of validTo, maxDay when open
	st     uint32      // first statement in memGraph.stmts
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

// memRelOf makes the cache entry of relation t, storing its statements in
// the statement run old used when they fit there (old may be nil).
func (g *memGraph) memRelOf(t triple, r *relRec, old *memRel) memRel {
	m := memRel{t: t, status: r.Status, vFrom: r.ValidFrom.Start(), vTo: r.ValidTo.End()}
	runs := make([]memStmt, len(r.Statements))
	for i, s := range r.Statements {
		runs[i] = memStmt{status: s.Status, day: s.Day}
	}
	g.putStmts(&m, runs, old)
	return m
}

// maxRun is the most statements one relation keeps in the cache. A relation
// with more keeps a summary run: one statement per status with its earliest
// date, which gives the same effective status at every asOf date.
const maxRun = 1<<16 - 1

// putStmts stores a relation's statement run, reusing old's place when it
// is large enough.
func (g *memGraph) putStmts(m *memRel, run []memStmt, old *memRel) {
	if len(run) > maxRun {
		run = summarise(run)
	}
	if old != nil && int(old.nst) >= len(run) {
		m.st = old.st
		g.waste += int(old.nst) - len(run)
	} else {
		if old != nil {
			g.waste += int(old.nst)
		}
		m.st = uint32(len(g.stmts))
		g.stmts = append(g.stmts, run...)
	}
	copy(g.stmts[m.st:], run)
	m.nst = uint16(len(run))
	if g.waste > 1<<20 && g.waste > len(g.stmts)/2 {
		g.compactStmts()
	}
}

// summarise keeps, per status, the statement with the earliest date.
func summarise(run []memStmt) []memStmt {
	var first [Ruled + 1]*memStmt
	for i := range run {
		s := &run[i]
		if first[s.status] == nil || s.day < first[s.status].day {
			first[s.status] = s
		}
	}
	var out []memStmt
	for _, s := range first {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// compactStmts rewrites the statement arena without the unused entries.
func (g *memGraph) compactStmts() {
	next := make([]memStmt, 0, len(g.stmts)-g.waste)
	for i := range g.rels {
		m := &g.rels[i]
		if m.status == 0 {
			continue
		}
		start := uint32(len(next))
		next = append(next, g.stmts[m.st:m.st+uint32(m.nst)]...)
		m.st = start
	}
	g.stmts, g.waste = next, 0
}

// stmtsOf returns relation m's statement run.
func (g *memGraph) stmtsOf(m *memRel) []memStmt { return g.stmts[m.st : m.st+uint32(m.nst)] }

// putRel inserts or replaces relation t.
func (g *memGraph) putRel(t triple, r *relRec) {
	if slot := g.find(t); slot >= 0 {
		g.rels[slot] = g.memRelOf(t, r, &g.rels[slot])
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
		g.rels[slot] = g.memRelOf(t, r, nil)
	} else {
		slot = int32(len(g.rels))
		g.rels = append(g.rels, g.memRelOf(t, r, nil))
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
	g.waste += int(g.rels[slot].nst)
	g.rels[slot] = memRel{}
	g.free = append(g.free, slot)
	g.nrel--
}

// statusAsOf is the effective status of relation m counting only statements
// dated on or before asOfEnd; with asOfEnd == maxDay it is the stored status.
func (g *memGraph) statusAsOf(m *memRel, asOfEnd int32) ClaimStatus {
	if asOfEnd == maxDay {
		return m.status
	}
	var seen [Ruled + 1]bool
	for _, s := range g.stmtsOf(m) {
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
		return f.status(g, &g.rels[a.slot])
	}
	if !f.anyType && !f.types[a.typ] {
		return 0, false
	}
	return a.status, a.status >= f.minStatus
}

// status returns the relation's status under the filter and whether it may be
// walked.
func (f *edgeFilter) status(g *memGraph, m *memRel) (ClaimStatus, bool) {
	if !f.anyType && !f.types[m.t.Type] {
		return 0, false
	}
	if f.asOf && (m.vFrom > f.asOfEnd || m.vTo < f.asOfStart) {
		return 0, false
	}
	s := g.statusAsOf(m, f.asOfEnd)
	return s, s >= f.minStatus
}
