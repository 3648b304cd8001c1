package graph

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"
)

// memGraph is one version of the in-memory adjacency cache: every live
// entity's kind and every relation's endpoints, type, effective status,
// validity and statement statuses, so that lineage, paths and neighbourhood
// walk memory instead of reading relation records hop by hop.
//
// A published version is immutable. A commit builds the next version with
// next, which shares every page of this one (see pvec) and copies what the
// commit changes, then publishes it together with a storage snapshot taken
// after the commit: readers keep the version they started with, so a writer
// never blocks or disturbs them, and a reader sees the cache and the store in
// the same state. Verify checks that the current version equals the store.
type memGraph struct {
	gen    uint64           // the version; pages with this gen belong to it
	kinds  pvec[EntityKind] // by entity number; 0 = no live entity
	ents   pvec[entMini]    // by entity number: what answers show of each live entity
	out    pvec[[]adj]      // by entity number: relations leaving it, sorted by (type, to)
	in     pvec[[]adj]      // by entity number: relations entering it, sorted by (type, from)
	rels   pvec[memRel]     // by slot
	free   []int32          // slots of deleted relations, for reuse
	stmts  []memStmt        // every relation's statement statuses, one run per relation; append-only
	waste  int              // entries of stmts no relation uses any more
	live   int              // number of live entities
	merged int              // number of entity records merged into another
	nrel   int              // number of live relations
	nstmt  int              // number of statements of live relations, as the cache keeps them
	// lastRec is, in unix seconds, no earlier than anything this version
	// holds was recorded or retracted: asked as recorded at lastRec or
	// later, the answer is the version as it is (see Snapshot.AsRecorded).
	lastRec uint32

	// Set while a version is being built, nil once published.
	owned     map[ownedList]bool // adjacency lists this version allocated, which it may change in place
	stmtsBase int                // stmts entries from here on were written by this version
}

// ownedList names the out (dir 0) or in (dir 1) adjacency list of an entity.
type ownedList struct {
	n   uint32
	dir uint8
}

// adj is one adjacency entry. The relation's type and effective status are
// kept inline, so a walk reads the relation itself (g.rel) only when it
// needs more, as for asOf: the entries of one entity sit together in memory
// while relations are scattered.
type adj struct {
	slot   int32
	other  uint32 // the entity at the other end
	typ    RelationType
	status ClaimStatus
}

// memStmt is what the cache keeps of a statement: its status and date, and
// for recordedAsOf when it was recorded and retracted (see stmtMini).
type memStmt struct {
	status, prev ClaimStatus
	day          int32
	rec, ret     uint32
}

func memStmtOf(s stmtMini) memStmt {
	return memStmt{status: s.Status, prev: s.Prev, day: s.Day, rec: s.Rec, ret: s.Ret}
}

type memRel struct {
	t      triple
	status ClaimStatus // 0 marks a free slot
	nst    uint16      // number of statements, at stmts[st:st+nst]; larger counts are capped (see putStmts)
	vFrom  int32       // start of validFrom, minDay when open
	vTo    int32       // end of validTo, maxDay when open
	st     uint32      // first statement in memGraph.stmts
}

// newMemGraph returns an empty version being built.
func newMemGraph() *memGraph {
	g := &memGraph{gen: 1, owned: map[ownedList]bool{}}
	g.grow(0)
	return g
}

// next returns the version after g, sharing all of g's pages, to be changed
// by one commit and then published with seal. g itself is not changed.
func (g *memGraph) next() *memGraph {
	c := &memGraph{gen: g.gen + 1, kinds: g.kinds.share(), ents: g.ents.share(), out: g.out.share(),
		in: g.in.share(), rels: g.rels.share(), free: slices.Clone(g.free), stmts: g.stmts,
		waste: g.waste, live: g.live, merged: g.merged, nrel: g.nrel, nstmt: g.nstmt, lastRec: g.lastRec, owned: map[ownedList]bool{}, stmtsBase: len(g.stmts)}
	return c
}

// seal ends building a version: from now on it is only read.
func (g *memGraph) seal() { g.owned = nil }

// size is one more than the largest entity number the cache knows.
func (g *memGraph) size() int { return g.kinds.len() }

func (g *memGraph) grow(n uint32) {
	if int(n) < g.kinds.len() {
		return
	}
	m := int(n) + 1
	g.kinds.grow(m, g.gen)
	g.ents.grow(m, g.gen)
	g.out.grow(m, g.gen)
	g.in.grow(m, g.gen)
}

// buildLists makes every entity's adjacency lists from the relations of a
// version being built from the store (rels in key order, by (from, type,
// to), none free): each direction's lists are cut from one array in entity
// order, so open allocates two objects instead of two per entity and the
// lists of neighbouring entities sit together. Each list is cut at its
// length: a later version that changes one copies it (see list).
func (g *memGraph) buildLists() {
	n := g.size()
	outAt, inAt := make([]int32, n+1), make([]int32, n+1)
	for i := 0; i < g.rels.len(); i++ {
		t := g.rels.ref(i).t
		outAt[t.From+1]++
		inAt[t.To+1]++
	}
	for i := 1; i <= n; i++ {
		outAt[i] += outAt[i-1]
		inAt[i] += inAt[i-1]
	}
	out, in := make([]adj, g.rels.len()), make([]adj, g.rels.len())
	fillOut, fillIn := slices.Clone(outAt[:n]), slices.Clone(inAt[:n])
	for i := 0; i < g.rels.len(); i++ {
		m := g.rels.ref(i)
		t := m.t
		out[fillOut[t.From]] = adj{slot: int32(i), other: t.To, typ: t.Type, status: m.status}
		fillOut[t.From]++
		in[fillIn[t.To]] = adj{slot: int32(i), other: t.From, typ: t.Type, status: m.status}
		fillIn[t.To]++
	}
	for u := range n {
		if lo, hi := outAt[u], outAt[u+1]; hi > lo {
			g.out.set(u, out[lo:hi:hi], g.gen)
		}
		if lo, hi := inAt[u], inAt[u+1]; hi > lo {
			l := in[lo:hi:hi]
			// Relations come by (from, type, to): in lists, by (type,
			// from), need sorting.
			slices.SortFunc(l, cmpAdj)
			g.in.set(u, l, g.gen)
		}
	}
}

// outOf and inOf return the relations leaving and entering entity n.
func (g *memGraph) outOf(n uint32) []adj {
	if int(n) < g.out.len() {
		return g.out.at(int(n))
	}
	return nil
}

func (g *memGraph) inOf(n uint32) []adj {
	if int(n) < g.in.len() {
		return g.in.at(int(n))
	}
	return nil
}

// rel returns the relation in slot, for reading.
func (g *memGraph) rel(slot int32) *memRel { return g.rels.ref(int(slot)) }

// list returns entity n's out (dir 0) or in (dir 1) list for changing in
// place: a copy the first time this version changes it, since older
// versions may be reading the original.
func (g *memGraph) list(n uint32, dir uint8) []adj {
	v := &g.out
	if dir == 1 {
		v = &g.in
	}
	l := v.at(int(n))
	if k := (ownedList{n, dir}); !g.owned[k] {
		l = append(make([]adj, 0, len(l)+1), l...)
		g.owned[k] = true
		v.set(int(n), l, g.gen)
	}
	return l
}

func (g *memGraph) setList(n uint32, dir uint8, l []adj) {
	if dir == 1 {
		g.in.set(int(n), l, g.gen)
	} else {
		g.out.set(int(n), l, g.gen)
	}
}

// entMini is what the cache keeps of a live entity for answers, in fewer
// and smaller objects than an Entity: one string holds the key, name and
// description, and the rarer lists sit behind one pointer. A walk's hits are
// built from it (see entity) without reading the store.
type entMini struct {
	id       uuid.UUID
	recorded int64  // RecordedAt in unix nanoseconds (it is UTC); 0: unknown
	text     string // key, name and description, one after another
	keyEnd   uint32 // end of the key in text
	nameEnd  uint32 // end of the name in text
	more     *entMore
}

// entMore holds an entity's aliases, attributes and dated names, shared
// read-only by every Entity built from it; nil when it has none.
type entMore struct {
	aliases []string
	attrs   []Attribute
	dated   []aliasRec
}

func miniOf(rec *entRec) entMini {
	m := entMini{id: rec.ID, text: rec.Key + rec.Name + rec.Description,
		keyEnd: uint32(len(rec.Key)), nameEnd: uint32(len(rec.Key) + len(rec.Name))}
	if !rec.Recorded.IsZero() {
		m.recorded = rec.Recorded.UnixNano()
	}
	if len(rec.Aliases) > 0 || len(rec.Attributes) > 0 || len(rec.Dated) > 0 {
		m.more = &entMore{aliases: slices.Clip(slices.Clone(rec.Aliases)), attrs: slices.Clip(slices.Clone(rec.Attributes)), dated: rec.Dated}
	}
	return m
}

// setEntity records entity n's current record (nil or merged: no live entity).
func (g *memGraph) setEntity(n uint32, rec *entRec) {
	g.grow(n)
	if rec != nil && rec.MergedInto != 0 && g.kinds.at(int(n)) != 0 {
		g.merged++
	}
	if rec == nil || rec.MergedInto != 0 {
		g.setKind(n, 0)
		g.ents.set(int(n), entMini{}, g.gen)
		return
	}
	g.setKind(n, rec.Kind)
	g.ents.set(int(n), miniOf(rec), g.gen)
}

// entity returns the public form of live entity n, or nil. Its aliases and
// attributes are shared with the cache: callers only read them.
func (g *memGraph) entity(n uint32) *Entity {
	e := new(Entity)
	if !g.fillEntity(n, e) {
		return nil
	}
	return e
}

// fillEntity sets *e to the public form of live entity n, as entity does,
// and reports whether there is one: a caller with many hits fills one block.
func (g *memGraph) fillEntity(n uint32, e *Entity) bool {
	k := g.kindOf(n)
	if k == 0 {
		return false
	}
	m := g.ents.ref(int(n))
	*e = Entity{ID: m.id, Kind: k, Key: m.text[:m.keyEnd], Name: m.text[m.keyEnd:m.nameEnd],
		Description: m.text[m.nameEnd:], RecordedAt: m.recordedAt()}
	if m.more != nil {
		e.Aliases, e.Attributes, e.dated = m.more.aliases, m.more.attrs, m.more.dated
	}
	return true
}

// entRecord is the record of live entity n as the store holds it, built
// from the cache (nil when n is not live). Its slices are the cache's,
// shared: the caller clones before changing it.
func (g *memGraph) entRecord(n uint32) *entRec {
	var e Entity
	if !g.fillEntity(n, &e) {
		return nil
	}
	return &entRec{ID: e.ID, Key: e.Key, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Description: e.Description,
		Attributes: e.Attributes, Dated: e.dated, Recorded: e.RecordedAt}
}

// recordedAt is when live entity n was recorded (zero: unknown or no such
// entity), without building its Entity.
func (g *memGraph) recordedAt(n uint32) (time.Time, bool) {
	if g.kindOf(n) == 0 {
		return time.Time{}, false
	}
	return g.ents.ref(int(n)).recordedAt(), true
}

func (m *entMini) recordedAt() time.Time {
	if m.recorded == 0 {
		return time.Time{}
	}
	return time.Unix(0, m.recorded).UTC()
}

// setKind records entity n as live with kind k, or removed when k is 0.
func (g *memGraph) setKind(n uint32, k EntityKind) {
	g.grow(n)
	old := g.kinds.at(int(n))
	if old == 0 && k != 0 {
		g.live++
	} else if old != 0 && k == 0 {
		g.live--
	}
	if old != k {
		g.kinds.set(int(n), k, g.gen)
	}
}

func (g *memGraph) kindOf(n uint32) EntityKind {
	if int(n) < g.kinds.len() {
		return g.kinds.at(int(n))
	}
	return 0
}

// find returns the slot of relation t, or -1.
func (g *memGraph) find(t triple) int32 {
	l := g.outOf(t.From)
	if i, ok := adjIndex(l, t.Type, t.To); ok {
		return l[i].slot
	}
	return -1
}

// dataFlow and holding return the entries of list, sorted by type (as
// every adjacency list is), whose type carries data (TRAINED_ON …
// BUILT_ON) or says its source holds its target (OWNS … DEVELOPED): each
// is one run of the list, so a walk reads only the edges it follows. The
// data-flow types are the first ones, so their run starts the list.
func dataFlow(list []adj) []adj { return list[:typeStart(list, BuiltOn+1)] }

func holding(list []adj) []adj {
	lo := typeStart(list, Owns)
	return list[lo : lo+typeStart(list[lo:], Developed+1)]
}

// shortList is the length up to which typeStart reads a list in order
// instead of searching it: most lists are this short, and reading a few
// entries that sit together costs less than a search's calls of its
// comparison (which were a fifth of a lineage walk's time).
const shortList = 16

// typeStart is the index of the first entry of list whose type is at least t.
func typeStart(list []adj, t RelationType) int {
	if len(list) <= shortList {
		for i := range list {
			if list[i].typ >= t {
				return i
			}
		}
		return len(list)
	}
	i, _ := slices.BinarySearchFunc(list, t, func(a adj, t RelationType) int { return cmp.Compare(a.typ, t) })
	return i
}

// adjIndex finds the entry (typ, other) in list, or where it would go.
func adjIndex(list []adj, typ RelationType, other uint32) (int, bool) {
	return slices.BinarySearchFunc(list, adj{typ: typ, other: other}, cmpAdj)
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
// the statement run old used when this version wrote it (old may be nil).
func (g *memGraph) memRelOf(t triple, r *relRec, old *memRel) memRel {
	m := memRel{t: t, status: r.Status, vFrom: r.ValidFrom.Start(), vTo: r.ValidTo.End()}
	runs := make([]memStmt, len(r.Statements))
	for i, s := range r.Statements {
		runs[i] = memStmtOf(s)
	}
	g.putStmts(&m, runs, old)
	return m
}

// maxRun is the most statements one relation keeps in the cache. A relation
// with more keeps a summary run: one statement per status with its earliest
// date, which gives the same effective status at every asOf date.
const maxRun = 1<<16 - 1

// putStmts stores a relation's statement run. It reuses old's place only
// when this version wrote it (older versions may be reading the others), and
// otherwise appends: the arena's existing entries are never written again.
func (g *memGraph) putStmts(m *memRel, run []memStmt, old *memRel) {
	if len(run) > maxRun {
		run = summarise(run)
	}
	if old != nil && int(old.st) >= g.stmtsBase && int(old.nst) >= len(run) {
		m.st = old.st
		g.waste += int(old.nst) - len(run)
		copy(g.stmts[m.st:], run)
	} else {
		if old != nil {
			g.waste += int(old.nst)
		}
		m.st = uint32(len(g.stmts))
		g.stmts = append(g.stmts, run...)
	}
	m.nst = uint16(len(run))
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

// compactStmts rewrites the statement arena without the unused entries when
// most of it is unused. It writes every relation, so it copies every page:
// the cost of one full copy, paid when the waste has grown as large.
func (g *memGraph) compactStmts() {
	if g.waste <= 1<<20 || g.waste <= len(g.stmts)/2 {
		return
	}
	next := make([]memStmt, 0, len(g.stmts)-g.waste)
	for i := 0; i < g.rels.len(); i++ {
		m := g.rels.ref(i)
		if m.status == 0 {
			continue
		}
		w := g.rels.mut(i, g.gen)
		start := uint32(len(next))
		next = append(next, g.stmts[m.st:m.st+uint32(m.nst)]...)
		w.st = start
	}
	g.stmts, g.waste, g.stmtsBase = next, 0, 0
}

// stmtsOf returns relation m's statement run.
func (g *memGraph) stmtsOf(m *memRel) []memStmt { return g.stmts[m.st : m.st+uint32(m.nst)] }

// putRel inserts or replaces relation t.
func (g *memGraph) putRel(t triple, r *relRec) {
	if slot := g.find(t); slot >= 0 {
		old := *g.rel(slot)
		m := g.memRelOf(t, r, &old)
		g.nstmt += int(m.nst) - int(old.nst)
		g.rels.set(int(slot), m, g.gen)
		out := g.list(t.From, 0)
		i, _ := adjIndex(out, t.Type, t.To)
		out[i].status = r.Status
		in := g.list(t.To, 1)
		j, _ := adjIndex(in, t.Type, t.From)
		in[j].status = r.Status
		return
	}
	var slot int32
	m := g.memRelOf(t, r, nil)
	g.nstmt += int(m.nst)
	if n := len(g.free); n > 0 {
		slot = g.free[n-1]
		g.free = g.free[:n-1]
		g.rels.set(int(slot), m, g.gen)
	} else {
		slot = int32(g.rels.push(m, g.gen))
	}
	g.grow(max(t.From, t.To))
	out := g.list(t.From, 0)
	i, _ := adjIndex(out, t.Type, t.To)
	g.setList(t.From, 0, slices.Insert(out, i, adj{slot: slot, other: t.To, typ: t.Type, status: r.Status}))
	in := g.list(t.To, 1)
	j, _ := adjIndex(in, t.Type, t.From)
	g.setList(t.To, 1, slices.Insert(in, j, adj{slot: slot, other: t.From, typ: t.Type, status: r.Status}))
	g.nrel++
}

// delRel removes relation t if present.
func (g *memGraph) delRel(t triple) {
	slot := g.find(t)
	if slot < 0 {
		return
	}
	drop := func(a adj) bool { return a.slot == slot }
	g.setList(t.From, 0, slices.DeleteFunc(g.list(t.From, 0), drop))
	g.setList(t.To, 1, slices.DeleteFunc(g.list(t.To, 1), drop))
	g.waste += int(g.rel(slot).nst)
	g.nstmt -= int(g.rel(slot).nst)
	g.rels.set(int(slot), memRel{}, g.gen)
	g.free = append(g.free, slot)
	g.nrel--
}

// statusAsOf is the effective status of relation m counting only statements
// dated on or before asOfEnd, as recorded at rec (unix seconds; 0: now); with
// asOfEnd == maxDay and rec == 0 it is the stored status.
func (g *memGraph) statusAsOf(m *memRel, asOfEnd int32, rec uint32) ClaimStatus {
	if asOfEnd == maxDay && rec == 0 {
		return m.status
	}
	var seen [Ruled + 1]bool
	any := false
	for _, s := range g.stmtsOf(m) {
		status, ok := statusRecorded(s.status, s.prev, s.rec, s.ret, rec)
		any = any || ok
		if ok && status != Retracted && s.day <= asOfEnd {
			seen[status] = true
		}
	}
	if !any {
		return 0 // not yet recorded: the relation did not exist then
	}
	return effectiveFromSeen(seen)
}

// edgeFilter decides which relations a walk may use.
type edgeFilter struct {
	minStatus ClaimStatus
	asOf      bool
	asOfStart int32
	asOfEnd   int32
	rec       uint32                 // recordedAsOf in unix seconds; 0: now
	types     [numRelationTypes]bool // all false: any type
	anyType   bool
}

// newEdgeFilter makes the filter of a walk: relations at least minStatus,
// valid on asOf (zero: any time), of one of types (empty: any), as recorded
// at rec (unix seconds; 0: now).
func newEdgeFilter(minStatus ClaimStatus, asOf Date, types []RelationType, rec uint32) edgeFilter {
	f := edgeFilter{minStatus: minStatus, asOfEnd: maxDay, anyType: len(types) == 0, rec: rec}
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
// only for asOf and recordedAsOf.
func (f *edgeFilter) adjStatus(g *memGraph, a adj) (ClaimStatus, bool) {
	if f.asOf || f.rec != 0 {
		return f.status(g, g.rel(a.slot))
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
	s := g.statusAsOf(m, f.asOfEnd, f.rec)
	return s, s >= f.minStatus
}
