package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// wtx is a write transaction: typed records read through a snapshot and
// changed in memory, turned into key-value ops (records plus every index
// entry they imply) only at commit. Deriving index entries from the old and
// new record in one place is what keeps records and indexes in agreement.
type wtx struct {
	s     *Store
	g     *memGraph // the cache version the transaction builds on (the last published)
	r     kvReader
	now   time.Time
	ents  map[uint32]*entSlot
	rels  map[triple]*relSlot
	stmts map[uuid.UUID]*stmtSlot
	names map[string]map[uint32]bool // pending name index changes: norm -> entity -> present
	ids   map[uuid.UUID]uint32       // pending entity id index entries
	order []uint32                   // entity numbers in first-touch order, for deterministic ops
	memo  map[string]uint32          // resolved references; cleared whenever an entity changes
	// fresh is set when the store held nothing when the transaction began:
	// every look-up of the snapshot would miss, so none is made.
	fresh     bool
	events    map[uuid.UUID]*eventSlot
	changes   []pendingChange
	changeBuf []byte // the encoded records of changes
	nextSeq   uint64 // the change sequence after this transaction's, once ops made it
	// merging is set once the transaction merges entities (see sameStatement).
	merging bool
	// moved holds relations a merge re-homed: their ids keep resolving.
	moved map[triple]bool
	// relUpdated holds existing relations whose validity or attributes
	// changed, for ImportResult.
	relUpdated map[triple]bool
	// known, when set, answers resolveKnown (an import's statements).
	known knownRefs
	// Set by an import (importer.begin). cached: g holds every entity the
	// snapshot does (a staged import, under the writer lock of a store no
	// other process writes), so entity records are built from it. Into a
	// store that held nothing, also: prior holds the entity ids the
	// earlier chunks stored, which byID answers from instead of the store;
	// derivedIDs says every stored statement id is the one its content
	// derives on its relation, which spares storeStatement a look-up.
	prior      map[uuid.UUID]uint32
	cached     bool
	derivedIDs bool
	// prev is the chunk before this one of an import's statements, still
	// being written while this one is built (importer.flush): the snapshot
	// may not show it yet, so its relations and statements are read from
	// it first. It changed no entity, name or id. Its maps are only read.
	prev *wtx
	// counts are the store's counters after this transaction, once ops
	// made them; the store takes them when the commit succeeds.
	counts counts
}

type entSlot struct {
	orig, cur *entRec // orig nil: created in this transaction
	names     map[string]byte
	dirty     bool
}

type relSlot struct {
	orig, cur *relRec // cur nil: deleted
	dirty     bool
}

type stmtSlot struct {
	orig, cur *stmtRec
	dirty     bool
}

func newWtx(s *Store, r kvReader, g *memGraph) *wtx {
	return &wtx{s: s, g: g, r: r, now: s.now().UTC(), ents: map[uint32]*entSlot{}, rels: map[triple]*relSlot{},
		stmts: map[uuid.UUID]*stmtSlot{}, events: map[uuid.UUID]*eventSlot{}, names: map[string]map[uint32]bool{}, ids: map[uuid.UUID]uint32{},
		fresh: s.nextEnt == 1}
}

// ent returns the current record of entity n (nil if there is none). The
// record may be changed in place after calling touch.
func (t *wtx) ent(n uint32) (*entRec, error) {
	if sl, ok := t.ents[n]; ok {
		return sl.cur, nil
	}
	if t.fresh {
		return nil, nil
	}
	if t.cached {
		if rec := t.g.entRecord(n); rec != nil {
			t.ents[n] = &entSlot{orig: rec, cur: rec.clone(), names: nameSet(rec)}
			t.order = append(t.order, n)
			return t.ents[n].cur, nil
		}
	}
	v, ok, err := t.r.get(entityKey(n))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := decodeEnt(v)
	if err != nil {
		return nil, fmt.Errorf("entity %d: %w", n, err)
	}
	t.ents[n] = &entSlot{orig: rec, cur: rec.clone(), names: nameSet(rec)}
	t.order = append(t.order, n)
	return t.ents[n].cur, nil
}

// live follows merge redirects from n to the live entity, or returns 0.
func (t *wtx) live(n uint32) (uint32, *entRec, error) { return followMerges(n, t.ent) }

// followMerges follows merge redirects from entity n, reading records with
// get, to the live entity; it returns 0 and nil when there is none (or a
// redirect loop, which Verify would report).
func followMerges(n uint32, get func(uint32) (*entRec, error)) (uint32, *entRec, error) {
	for hops := 0; n != 0 && hops < 1000; hops++ {
		rec, err := get(n)
		if err != nil || rec == nil {
			return 0, nil, err
		}
		if rec.MergedInto == 0 {
			return n, rec, nil
		}
		n = rec.MergedInto
	}
	return 0, nil, nil
}

// readID reads the entity number the id index holds for id (0: none).
func readID(r kvReader, id uuid.UUID) (uint32, error) {
	v, ok, err := r.get(entityIDKey(id))
	if err != nil || !ok {
		return 0, err
	}
	n, ok := decodeU32(v)
	if !ok {
		return 0, fmt.Errorf("corrupt id index entry for %s", id)
	}
	return n, nil
}

// readNames calls fn with every entity one of whose names normalises to norm.
func readNames(r kvReader, norm string, fn func(n uint32)) error {
	return r.scan(nameExact(norm), nil, true, func(k, _ []byte) (bool, error) {
		if _, n, ok := parseNameKey(k); ok {
			fn(n)
		}
		return true, nil
	})
}

// newEnt allocates an entity number for rec.
func (t *wtx) newEnt(rec *entRec) uint32 {
	n := t.s.nextEnt
	t.s.nextEnt++ // numbers of aborted transactions are skipped, never reused
	t.ents[n] = &entSlot{cur: rec, names: map[string]byte{}, dirty: true}
	t.order = append(t.order, n)
	t.ids[rec.ID] = n
	t.touch(n)
	return n
}

// touch marks entity n changed and brings the pending name index up to date
// with its current names.
func (t *wtx) touch(n uint32) {
	sl := t.ents[n]
	sl.dirty = true
	clear(t.memo)
	now := nameSet(sl.cur)
	for norm := range sl.names {
		if _, ok := now[norm]; !ok {
			t.pendName(norm, n, false)
		}
	}
	for norm := range now {
		if _, ok := sl.names[norm]; !ok {
			t.pendName(norm, n, true)
		}
	}
	sl.names = now
}

func (t *wtx) pendName(norm string, n uint32, present bool) {
	m := t.names[norm]
	if m == nil {
		m = map[uint32]bool{}
		t.names[norm] = m
	}
	m[n] = present
}

// nameSet is every normalised name of a live entity with its strongest origin.
func nameSet(rec *entRec) map[string]byte {
	m := map[string]byte{}
	if rec == nil || rec.MergedInto != 0 {
		return m
	}
	add := func(s string, o byte) {
		if n := Normalize(s); n != "" {
			if old, ok := m[n]; !ok || o < old {
				m[n] = o
			}
		}
	}
	add(rec.Key, originKey)
	add(rec.Name, originName)
	for _, a := range rec.Aliases {
		add(a, originAlias)
	}
	return m
}

func wordSet(rec *entRec) map[string]bool {
	m := map[string]bool{}
	if rec == nil || rec.MergedInto != 0 {
		return m
	}
	for _, s := range append([]string{rec.Name}, rec.Aliases...) {
		for _, w := range words(s) {
			m[w] = true
		}
	}
	return m
}

// byName returns the live entities one of whose names normalises to norm.
func (t *wtx) byName(norm string) ([]uint32, error) {
	set := map[uint32]bool{}
	if !t.fresh {
		if err := readNames(t.r, norm, func(n uint32) { set[n] = true }); err != nil {
			return nil, err
		}
	}
	for n, present := range t.names[norm] {
		set[n] = present
	}
	var out []uint32
	for n, ok := range set {
		if ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// byID returns the entity number an id maps to (0 when none).
func (t *wtx) byID(id uuid.UUID) (uint32, error) {
	if n, ok := t.ids[id]; ok || t.fresh {
		return n, nil
	}
	if t.prior != nil {
		return t.prior[id], nil
	}
	return readID(t.r, id)
}

// resolve finds the live entity ref names: an id, a key, a name or an alias
// (ignoring case, spacing and punctuation). field names the argument in errors.
func (t *wtx) resolve(field, ref string) (uint32, *entRec, error) {
	if n, ok := t.memo[ref]; ok {
		return t.live(n)
	}
	n, rec, err := resolveRef(field, ref, t.byID, t.byName, t.live)
	if err == nil {
		if t.memo == nil {
			t.memo = map[string]uint32{}
		}
		t.memo[ref] = n
	}
	return n, rec, err
}

// knownRefs remembers, across the chunks of one import's statements (which
// change no entity), what references resolved to: the entity number and
// the parts of its record a statement reads. It is cleared when full, so
// its memory stays bounded whatever the number of entities.
type knownRefs map[string]knownRef

type knownRef struct {
	n   uint32
	rec *entRec // ID, Key and Kind only
}

// maxKnownRefs bounds knownRefs: about 100 bytes an entry.
const maxKnownRefs = 1 << 18

// resolveKnown is resolve for a caller that only reads the record's ID, Key
// and Kind, as a statement does: within an import's statements it answers
// from t.known, without reading the store.
func (t *wtx) resolveKnown(field, ref string) (uint32, *entRec, error) {
	if t.known == nil {
		return t.resolve(field, ref)
	}
	if k, ok := t.known[ref]; ok {
		return k.n, k.rec, nil
	}
	n, rec, err := t.resolve(field, ref)
	if err != nil {
		return n, rec, err
	}
	if len(t.known) >= maxKnownRefs {
		clear(t.known)
	}
	t.known[ref] = knownRef{n: n, rec: &entRec{ID: rec.ID, Key: rec.Key, Kind: rec.Kind}}
	return n, rec, nil
}

// resolveRef is reference resolution shared by readers and writers.
func resolveRef(field, ref string, byID func(uuid.UUID) (uint32, error), byName func(string) ([]uint32, error),
	live func(uint32) (uint32, *entRec, error)) (uint32, *entRec, error) {
	if strings.TrimSpace(ref) == "" {
		return 0, nil, fieldErr(field, ErrInvalid, " is empty")
	}
	// A key names its entity directly (or, once merged, the entity it was
	// merged into): one point read instead of a name-index scan.
	if ValidKey(ref) {
		n, err := byID(EntityID(ref))
		if err != nil {
			return 0, nil, err
		}
		if n, rec, err := live(n); err != nil || rec != nil {
			return n, rec, err
		}
	}
	if id, err := uuid.Parse(ref); err == nil && len(ref) == 36 {
		n, err := byID(id)
		if err != nil {
			return 0, nil, err
		}
		if n, rec, err := live(n); err != nil || rec != nil {
			return n, rec, err
		}
		return 0, nil, fieldErr(field, ErrNotFound, ": no entity has id %s", clip(ref))
	}
	norm := Normalize(ref)
	if norm == "" {
		return 0, nil, fieldErr(field, ErrNotFound, ": %q has no letter or digit to look up", clip(ref))
	}
	cands, err := byName(norm)
	if err != nil {
		return 0, nil, err
	}
	type cand struct {
		n   uint32
		rec *entRec
	}
	var found []cand
	for _, c := range cands {
		n, rec, err := live(c)
		if err != nil {
			return 0, nil, err
		}
		if rec == nil || slices.ContainsFunc(found, func(f cand) bool { return f.n == n }) {
			continue
		}
		if rec.Key == ref {
			return n, rec, nil
		}
		found = append(found, cand{n, rec})
	}
	switch len(found) {
	case 0:
		return 0, nil, fieldErr(field, ErrNotFound, ": no entity is called %q", clip(ref))
	case 1:
		return found[0].n, found[0].rec, nil
	}
	var names []string
	for _, f := range found {
		names = append(names, fmt.Sprintf("%s (%s %q)", f.rec.Key, f.rec.Kind, f.rec.Name))
	}
	sort.Strings(names)
	return 0, nil, fieldErr(field, ErrAmbiguous, ": %q fits %d entities: %s; use a key", clip(ref), len(found), strings.Join(names, ", "))
}

// rel returns relation tr's current record, nil when absent.
func (t *wtx) rel(tr triple) (*relRec, error) {
	if sl, ok := t.rels[tr]; ok {
		return sl.cur, nil
	}
	if t.fresh || t.g.find(tr) < 0 {
		// The cache knows every stored relation: one it lacks is new, and
		// no read of the store is needed to say so.
		t.rels[tr] = &relSlot{}
		return nil, nil
	}
	if t.prev != nil {
		if sl, ok := t.prev.rels[tr]; ok {
			if sl.cur == nil {
				t.rels[tr] = &relSlot{}
				return nil, nil
			}
			t.rels[tr] = &relSlot{orig: sl.cur, cur: sl.cur.clone()}
			return t.rels[tr].cur, nil
		}
	}
	v, ok, err := t.r.get(relationKey(tr))
	if err != nil || !ok {
		if err == nil {
			t.rels[tr] = &relSlot{}
		}
		return nil, err
	}
	rec, err := decodeRel(v)
	if err != nil {
		return nil, fmt.Errorf("relation %s: %w", tr, err)
	}
	t.rels[tr] = &relSlot{orig: rec, cur: rec.clone()}
	return t.rels[tr].cur, nil
}

// setRel replaces relation tr's record (nil deletes it).
func (t *wtx) setRel(tr triple, rec *relRec) {
	sl, ok := t.rels[tr]
	if !ok {
		panic("graph: setRel before rel")
	}
	sl.cur, sl.dirty = rec, true
}

func (t *wtx) stmt(id uuid.UUID) (*stmtRec, error) {
	if sl, ok := t.stmts[id]; ok || t.fresh {
		if !ok {
			return nil, nil
		}
		return sl.cur, nil
	}
	if t.prev != nil {
		if sl, ok := t.prev.stmts[id]; ok {
			if sl.cur == nil {
				return nil, nil
			}
			c := *sl.cur
			t.stmts[id] = &stmtSlot{orig: sl.cur, cur: &c}
			return t.stmts[id].cur, nil
		}
	}
	v, ok, err := t.r.get(statementKey(id))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := decodeStmt(v)
	if err != nil {
		return nil, fmt.Errorf("statement %s: %w", id, err)
	}
	c := *rec
	t.stmts[id] = &stmtSlot{orig: rec, cur: &c}
	return t.stmts[id].cur, nil
}

func (t *wtx) setStmt(id uuid.UUID, rec *stmtRec) {
	sl, ok := t.stmts[id]
	if !ok {
		sl = &stmtSlot{}
		t.stmts[id] = sl
	}
	sl.cur, sl.dirty = rec, true
}

// ops turns every change into key-value writes: each record and the index
// entries derived from it, deleting those of the old record that no longer hold.
func (t *wtx) ops() []kvOp {
	// About five keys an entity, four a relation and one a statement.
	ops := make([]kvOp, 0, 5*len(t.ents)+4*len(t.rels)+len(t.stmts)+len(t.ids)+1)
	// The counters move with the records they count (keys.go, pCounts).
	cnt := t.s.counts
	cnt.NextEnt = max(cnt.NextEnt, t.s.nextEnt)
	set := func(k, v []byte) { ops = append(ops, kvOp{Key: k, Value: v}) }
	del := func(k []byte) { ops = append(ops, kvOp{Key: k, Del: true}) }
	for _, n := range t.order {
		sl := t.ents[n]
		if !sl.dirty {
			continue
		}
		set(entityKey(n), encodeRec(sl.cur))
		oldNames, newNames := nameSet(sl.orig), nameSet(sl.cur)
		for norm := range oldNames {
			if _, ok := newNames[norm]; !ok {
				del(nameKey(norm, n))
			}
		}
		for norm, o := range newNames {
			if old, ok := oldNames[norm]; !ok || old != o {
				set(nameKey(norm, n), []byte{o})
			}
		}
		oldWords, newWords := wordSet(sl.orig), wordSet(sl.cur)
		for w := range oldWords {
			if !newWords[w] {
				del(wordKey(w, n))
			}
		}
		for w := range newWords {
			if !oldWords[w] {
				set(wordKey(w, n), nil)
			}
		}
		cnt.Live += alive(sl.cur) - alive(sl.orig)
		cnt.Merged += mergedRec(sl.cur) - mergedRec(sl.orig)
	}
	for id, n := range t.ids {
		set(entityIDKey(id), encodeU32(n))
	}
	for tr, sl := range t.rels {
		if !sl.dirty {
			continue
		}
		if sl.orig != nil {
			cnt.Relations--
			cnt.Statements -= int64(len(sl.orig.Statements))
		}
		if sl.cur != nil {
			cnt.Relations++
			cnt.Statements += int64(len(sl.cur.Statements))
		}
		o, c := sl.orig, sl.cur
		switch {
		case c == nil && o == nil:
		case c == nil:
			del(relationKey(tr))
			if !t.moved[tr] {
				// A moved relation's id keeps naming its old triple, which
				// leads through the merge to where it went (see liveTriple).
				del(relationIDKey(o.ID))
			}
			del(byStatusKey(tr, o.Status))
		default:
			set(relationKey(tr), encodeRel(c))
			if o == nil {
				set(relationIDKey(c.ID), encodeTriple(tr))
			}
			if o == nil || o.Status != c.Status {
				if o != nil {
					del(byStatusKey(tr, o.Status))
				}
				set(byStatusKey(tr, c.Status), nil)
			}
		}
	}
	for id, sl := range t.stmts {
		if sl.dirty && sl.cur != nil {
			set(statementKey(id), encodeStmt(sl.cur))
		}
	}
	for id, sl := range t.events {
		if !sl.dirty || sl.cur == nil {
			continue
		}
		if sl.origN != 0 && sl.origN != sl.n {
			del(eventKey(sl.origN, id))
		}
		set(eventKey(sl.n, id), encodeRec(sl.cur))
		if sl.origN != sl.n {
			set(eventIDKey(id), encodeU32(sl.n))
		}
	}
	if cnt != t.s.counts {
		set(countsKey(), encodeCounts(cnt))
	}
	t.counts = cnt
	ops = t.textOps(ops)
	ops = t.changeOps(ops)
	// Each key is produced at most once above, so the order of ops does not
	// matter to the engine.
	return ops
}

// alive is 1 for the record of a live entity, else 0; mergedRec is 1 for
// the record of a merged one.
func alive(rec *entRec) int64 {
	if rec == nil || rec.MergedInto != 0 {
		return 0
	}
	return 1
}

func mergedRec(rec *entRec) int64 {
	if rec == nil || rec.MergedInto == 0 {
		return 0
	}
	return 1
}

// applyMem writes the transaction's changes into g, the next version of the
// adjacency cache, after a successful commit.
func (t *wtx) applyMem(g *memGraph) {
	for _, n := range t.order {
		if sl := t.ents[n]; sl.dirty {
			g.setEntity(n, sl.cur)
		}
	}
	for tr, sl := range t.rels {
		if !sl.dirty {
			continue
		}
		if sl.cur == nil {
			g.delRel(tr)
		} else {
			g.putRel(tr, sl.cur)
		}
	}
}
