package graph

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Page sizes. A First of 0 asks for DefaultPageSize; more than MaxPageSize is
// an error wrapping ErrLimit.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// rtx reads one snapshot and remembers the entities it has decoded, so one
// answer with many relations reads each entity once.
type rtx struct {
	r    kvReader
	g    *memGraph
	ents map[uint32]*entRec
	pub  map[uint32]*Entity
	rec  uint32           // answer as recorded at this unix second (0: now); see Snapshot.AsRecorded
	now  func() time.Time // the store's clock
}

func (x *rtx) rawEnt(n uint32) (*entRec, error) {
	if rec, ok := x.ents[n]; ok {
		return rec, nil
	}
	v, ok, err := x.r.get(entityKey(n))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := decodeEnt(v)
	if err != nil {
		return nil, fmt.Errorf("entity %d: %w", n, err)
	}
	x.ents[n] = rec
	return rec, nil
}

func (x *rtx) live(n uint32) (uint32, *entRec, error) { return followMerges(n, x.rawEnt) }

func (x *rtx) byID(id uuid.UUID) (uint32, error) { return readID(x.r, id) }

func (x *rtx) byName(norm string) ([]uint32, error) {
	var out []uint32
	err := readNames(x.r, norm, func(n uint32) { out = append(out, n) })
	return out, err
}

func (x *rtx) resolve(field, ref string) (uint32, *entRec, error) {
	return resolveRef(field, ref, x.byID, x.byName, x.live)
}

// entity returns the public form of the live entity behind n (following
// merges); nil when there is none.
func (x *rtx) entity(n uint32) (*Entity, error) {
	if e := x.g.entity(n); e != nil {
		return e, nil
	}
	if e, ok := x.pub[n]; ok {
		return e, nil
	}
	m, rec, err := x.live(n)
	if err != nil || rec == nil {
		return nil, err
	}
	if e, ok := x.pub[m]; ok {
		x.pub[n] = e
		return e, nil
	}
	e := publicEntity(rec)
	x.pub[n], x.pub[m] = e, e
	return e, nil
}

// liveTriple follows merges from the ends of tr: the id of a relation that
// a merge moved keeps naming its old triple, and so leads to where it went.
func (x *rtx) liveTriple(tr triple) (triple, error) {
	from, _, err := x.live(tr.From)
	if err != nil {
		return tr, err
	}
	to, _, err := x.live(tr.To)
	if err != nil {
		return tr, err
	}
	if from == 0 || to == 0 {
		return tr, nil
	}
	return triple{From: from, Type: tr.Type, To: to}, nil
}

func (x *rtx) relation(tr triple, withStatements bool) (*Relation, error) {
	v, ok, err := x.r.get(relationKey(tr))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := decodeRel(v)
	if err != nil {
		return nil, fmt.Errorf("relation %s: %w", tr, err)
	}
	return x.relationOf(tr, rec, withStatements)
}

func (x *rtx) relationOf(tr triple, rec *relRec, withStatements bool) (*Relation, error) {
	from, err := x.entity(tr.From)
	if err != nil {
		return nil, err
	}
	to, err := x.entity(tr.To)
	if err != nil {
		return nil, err
	}
	if from == nil || to == nil {
		return nil, fmt.Errorf("relation %s names an entity that does not exist", tr)
	}
	r := &Relation{ID: rec.ID, Type: tr.Type, From: from, To: to, Status: rec.Status, ValidFrom: rec.ValidFrom,
		ValidTo: rec.ValidTo, Attributes: rec.Attributes}
	if x.rec != 0 {
		r.Status = effectiveOf(rec.Statements, maxDay, x.rec)
	}
	if withStatements {
		for _, m := range rec.Statements {
			if _, ok := statusRecorded(m.Status, m.Prev, m.Rec, m.Ret, x.rec); !ok {
				continue // recorded after the instant asked about
			}
			st, err := x.statement(m.ID)
			if err != nil {
				return nil, err
			}
			if st == nil {
				return nil, fmt.Errorf("relation %s lists statement %s, which does not exist", tr, m.ID)
			}
			st.RelationID = rec.ID
			r.Statements = append(r.Statements, st)
		}
	}
	return r, nil
}

func (x *rtx) statement(id uuid.UUID) (*Statement, error) {
	v, ok, err := x.r.get(statementKey(id))
	if err != nil || !ok {
		return nil, err
	}
	rec, err := decodeStmt(v)
	if err != nil {
		return nil, fmt.Errorf("statement %s: %w", id, err)
	}
	st := &Statement{ID: id, Status: rec.Status, Date: rec.Date, Note: rec.Note, RecordedAt: rec.RecordedAt, Retraction: rec.Retraction}
	if r := rec.Retraction; r != nil && x.rec != 0 && unixSec(r.At) > x.rec {
		// Retracted after the instant asked about: then it still stood.
		st.Status, st.Retraction = r.PreviousStatus, nil
	}
	if st.ClaimedBy, err = x.optEntity(rec.ClaimedBy); err != nil {
		return nil, err
	}
	if st.Dispute, err = x.optEntity(rec.Dispute); err != nil {
		return nil, err
	}
	for _, e := range rec.Evidence {
		ev := Evidence{URL: e.URL, Quote: e.Quote}
		if ev.Document, err = x.optEntity(e.Doc); err != nil {
			return nil, err
		}
		st.Evidence = append(st.Evidence, ev)
	}
	if v, ok, err := x.r.get(relationKey(rec.Rel)); err == nil && ok {
		if rr, err := decodeRel(v); err == nil {
			st.RelationID = rr.ID
		}
	}
	return st, nil
}

func (x *rtx) optEntity(n uint32) (*Entity, error) {
	if n == 0 {
		return nil, nil
	}
	return x.entity(n)
}

func publicEntity(rec *entRec) *Entity {
	return &Entity{ID: rec.ID, Key: rec.Key, Kind: rec.Kind, Name: rec.Name, Description: rec.Description,
		Aliases: slices.Clone(rec.Aliases), Attributes: slices.Clone(rec.Attributes), RecordedAt: rec.Recorded, dated: rec.Dated}
}

// Entity returns the entity ref names: its id, key, name or an alias (names
// ignore case, spacing and punctuation). Errors wrap ErrNotFound, or
// ErrAmbiguous listing every entity the name fits.
func (s *Store) Entity(ctx context.Context, ref string) (*Entity, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Entity, error) { return sn.Entity(ctx, ref) })
}

// Entity is Store.Entity on this snapshot.
func (sn *Snapshot) Entity(ctx context.Context, ref string) (*Entity, error) {
	var e *Entity
	err := sn.view(ctx, func(r kvReader) error {
		x := sn.newRtx()
		n, _, err := x.resolve("ref", ref)
		if err != nil {
			return err
		}
		e, err = x.entity(n)
		return err
	})
	return e, err
}

func (s *Store) entityByNumber(ctx context.Context, n uint32) (*Entity, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Entity, error) { return sn.entityByNumber(ctx, n) })
}

func (sn *Snapshot) entityByNumber(ctx context.Context, n uint32) (*Entity, error) {
	var e *Entity
	err := sn.view(ctx, func(r kvReader) error {
		var err error
		e, err = sn.newRtx().entity(n)
		if err == nil && e == nil {
			err = fmt.Errorf("%w: entity %d", ErrNotFound, n)
		}
		return err
	})
	return e, err
}

// Relation returns the relation with the given id and its statements. The
// error wraps ErrNotFound when there is none.
func (s *Store) Relation(ctx context.Context, id uuid.UUID) (*Relation, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Relation, error) { return sn.Relation(ctx, id) })
}

// Relation is Store.Relation on this snapshot.
func (sn *Snapshot) Relation(ctx context.Context, id uuid.UUID) (*Relation, error) {
	var rel *Relation
	err := sn.view(ctx, func(r kvReader) error {
		v, ok, err := r.get(relationIDKey(id))
		if err != nil {
			return err
		}
		if !ok || len(v) != 9 {
			return fmt.Errorf("%w: no relation has id %s", ErrNotFound, id)
		}
		x := sn.newRtx()
		tr, err := x.liveTriple(decodeTriple(v))
		if err != nil {
			return err
		}
		rel, err = x.relation(tr, true)
		if err == nil && rel == nil {
			err = fmt.Errorf("%w: no relation has id %s", ErrNotFound, id)
		}
		return err
	})
	return rel, err
}

func (s *Store) relationByTriple(ctx context.Context, tr triple) (*Relation, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Relation, error) { return sn.relationByTriple(ctx, tr) })
}

func (sn *Snapshot) relationByTriple(ctx context.Context, tr triple) (*Relation, error) {
	var rel *Relation
	err := sn.view(ctx, func(r kvReader) error {
		var err error
		rel, err = sn.newRtx().relation(tr, true)
		if err == nil && rel == nil {
			err = fmt.Errorf("%w: relation %s", ErrNotFound, tr)
		}
		return err
	})
	return rel, err
}

// Statement returns the statement with the given id. The error wraps
// ErrNotFound when there is none.
func (s *Store) Statement(ctx context.Context, id uuid.UUID) (*Statement, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Statement, error) { return sn.Statement(ctx, id) })
}

// Statement is Store.Statement on this snapshot.
func (sn *Snapshot) Statement(ctx context.Context, id uuid.UUID) (*Statement, error) {
	var st *Statement
	err := sn.view(ctx, func(r kvReader) error {
		var err error
		st, err = sn.newRtx().statement(id)
		if err == nil && st == nil {
			err = fmt.Errorf("%w: no statement has id %s", ErrNotFound, id)
		}
		return err
	})
	return st, err
}

// Node returns the *Entity, *Relation, *Statement or *DisputeEvent with the
// given id. The
// error wraps ErrNotFound when nothing has it.
func (s *Store) Node(ctx context.Context, id uuid.UUID) (any, error) {
	return viewed(ctx, s, func(sn *Snapshot) (any, error) { return sn.Node(ctx, id) })
}

// Node is Store.Node on this snapshot.
func (sn *Snapshot) Node(ctx context.Context, id uuid.UUID) (any, error) {
	var out any
	err := sn.view(ctx, func(r kvReader) error {
		x := sn.newRtx()
		if n, err := x.byID(id); err != nil {
			return err
		} else if n != 0 {
			e, err := x.entity(n)
			if e != nil {
				out = e
			}
			return err
		}
		if v, ok, err := r.get(relationIDKey(id)); err != nil {
			return err
		} else if ok && len(v) == 9 {
			tr, err := x.liveTriple(decodeTriple(v))
			if err != nil {
				return err
			}
			rel, err := x.relation(tr, true)
			if rel != nil {
				out = rel
			}
			return err
		}
		st, err := x.statement(id)
		if st != nil {
			out = st
			return err
		}
		if err != nil {
			return err
		}
		ev, err := x.eventByID(id)
		if ev != nil {
			out = ev
		}
		return err
	})
	if err == nil && out == nil {
		err = fmt.Errorf("%w: nothing has id %s", ErrNotFound, id)
	}
	return out, err
}

// Page requests one page of a list: First items after the item whose cursor
// is After ("" = from the start).
type Page struct {
	First int
	After string
}

func (p Page) size() (int, error) {
	switch {
	case p.First < 0:
		return 0, fmt.Errorf("%w: first must not be negative (got %d)", ErrInvalid, p.First)
	case p.First == 0:
		return DefaultPageSize, nil
	case p.First > MaxPageSize:
		return 0, fmt.Errorf("%w: first is %d; the maximum page size is %d", ErrLimit, p.First, MaxPageSize)
	}
	return p.First, nil
}

// EntityPage is one page of entities with a cursor per entity.
type EntityPage struct {
	Entities []*Entity
	Cursors  []string
	HasNext  bool
	Total    int
}

// RelationPage is one page of relations with a cursor per relation.
type RelationPage struct {
	Relations []*Relation
	Cursors   []string
	HasNext   bool
	Total     int
}

func encodeCursor(tag byte, b []byte) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{tag}, b...))
}

func decodeCursor(tag byte, c string, size int) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) != size+1 || b[0] != tag {
		return nil, fmt.Errorf("%w: after: %q is not a cursor of this list", ErrInvalid, c)
	}
	return b[1:], nil
}

const (
	curEntity   byte = 'e'
	curEntRel   byte = 'r'
	curRelation byte = 'R'
)

// Entities lists live entities of kind (0: every kind) in creation order.
func (s *Store) Entities(ctx context.Context, kind EntityKind, p Page) (*EntityPage, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*EntityPage, error) { return sn.Entities(ctx, kind, p) })
}

// Entities is Store.Entities on this snapshot.
func (sn *Snapshot) Entities(ctx context.Context, kind EntityKind, p Page) (*EntityPage, error) {
	if kind != 0 && !kind.Valid() {
		return nil, fmt.Errorf("%w: kind %d", ErrInvalid, kind)
	}
	return sn.entityPage(ctx, p, func(x *rtx, g *memGraph) ([]uint32, error) {
		return g.entitiesOf(func(n uint32, k EntityKind) bool { return (kind == 0 || k == kind) && x.recorded(n) }), nil
	}, nil)
}

// entitiesOf lists live entity numbers that match keep, in order.
func (g *memGraph) entitiesOf(keep func(uint32, EntityKind) bool) []uint32 {
	var all []uint32
	for n := 1; n < g.size(); n++ {
		if k := g.kinds.at(n); k != 0 && keep(uint32(n), k) {
			all = append(all, uint32(n))
		}
	}
	return all
}

// entityPage pages over the entity numbers pick lists (from the cache, under
// its lock), then loads the page; filter (optional) can reject loaded
// entities, and then Total counts only accepted ones (all are loaded for that).
func (sn *Snapshot) entityPage(ctx context.Context, p Page, pick func(x *rtx, g *memGraph) ([]uint32, error), filter func(*Entity) bool) (*EntityPage, error) {
	size, err := p.size()
	if err != nil {
		return nil, err
	}
	var after uint32
	if p.After != "" {
		b, err := decodeCursor(curEntity, p.After, 4)
		if err != nil {
			return nil, err
		}
		after = binary.BigEndian.Uint32(b)
	}
	var all []uint32
	page := &EntityPage{}
	err = sn.consistent(ctx, func(x *rtx, g *memGraph) error {
		var err error
		all, err = pick(x, g)
		return err
	}, func(x *rtx) error {
		for _, n := range all {
			var e *Entity
			if filter != nil {
				if e, err = x.entity(n); err != nil {
					return err
				}
				if e == nil || !filter(e) {
					continue
				}
			}
			page.Total++
			if n <= after || page.HasNext {
				continue
			}
			if len(page.Entities) == size {
				page.HasNext = true
				continue
			}
			if e == nil {
				if e, err = x.entity(n); err != nil {
					return err
				}
			}
			page.Entities = append(page.Entities, e)
			page.Cursors = append(page.Cursors, encodeCursor(curEntity, encodeU32(n)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// Direction selects relations leaving an entity, entering it, or both.
type Direction uint8

// Directions of EntityRelations.
const (
	Both Direction = iota
	Out
	In
)

// EntityRelations lists the relations of the entity ref names: outgoing first,
// then incoming, each ordered by type and the other end; types (empty: all)
// filters. Statements are included.
func (s *Store) EntityRelations(ctx context.Context, ref string, dir Direction, types []RelationType, p Page) (*RelationPage, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*RelationPage, error) { return sn.EntityRelations(ctx, ref, dir, types, p) })
}

// EntityRelations is Store.EntityRelations on this snapshot.
func (sn *Snapshot) EntityRelations(ctx context.Context, ref string, dir Direction, types []RelationType, p Page) (*RelationPage, error) {
	pages, err := sn.EntityRelationsOf(ctx, []string{ref}, dir, types, p)
	if err != nil {
		return nil, err
	}
	return pages[0], nil
}

// EntityRelationsOf is EntityRelations for many entities at once, the page
// of refs[i] at index i: one read of the snapshot, each entity decoded once
// however many of the pages name it (for a GraphQL list that asks every
// item's relations).
func (s *Store) EntityRelationsOf(ctx context.Context, refs []string, dir Direction, types []RelationType, p Page) ([]*RelationPage, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]*RelationPage, error) { return sn.EntityRelationsOf(ctx, refs, dir, types, p) })
}

// EntityRelationsOf is Store.EntityRelationsOf on this snapshot.
func (sn *Snapshot) EntityRelationsOf(ctx context.Context, refs []string, dir Direction, types []RelationType, p Page) ([]*RelationPage, error) {
	size, err := p.size()
	if err != nil {
		return nil, err
	}
	var after []byte
	if p.After != "" {
		if after, err = decodeCursor(curEntRel, p.After, 10); err != nil {
			return nil, err
		}
	}
	pages := make([]*RelationPage, len(refs))
	err = sn.consistent(ctx, func(x *rtx, g *memGraph) error {
		for i, ref := range refs {
			n, _, err := x.resolve("entity", ref)
			if err != nil {
				return err
			}
			if pages[i], err = x.entityRelations(g, n, dir, types, size, after); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return pages, nil
}

// entityRelations is one page of entity n's relations.
func (x *rtx) entityRelations(g *memGraph, n uint32, dir Direction, types []RelationType, size int, after []byte) (*RelationPage, error) {
	type item struct {
		cur []byte
		t   triple
	}
	var items []item
	f := newEdgeFilter(Retracted, Date{}, types, x.rec)
	collect := func(d byte, list []adj) {
		for _, a := range list {
			if _, ok := f.adjStatus(g, a); !ok {
				continue
			}
			t := triple{From: n, Type: a.typ, To: a.other}
			if d == 1 {
				t = triple{From: a.other, Type: a.typ, To: n}
			}
			cur := binary.BigEndian.AppendUint32([]byte{d, byte(a.typ)}, a.other)
			cur = append(cur, 0, 0, 0, 0)[:10]
			items = append(items, item{cur, t})
		}
	}
	if dir != In {
		collect(0, g.outOf(n))
	}
	if dir != Out {
		// A self-loop is in both lists of its entity: list it once.
		in := g.inOf(n)
		if dir == Both {
			in = slices.DeleteFunc(slices.Clone(in), func(a adj) bool { return a.other == n })
		}
		collect(1, in)
	}
	page := &RelationPage{Total: len(items)}
	for _, it := range items {
		if after != nil && string(it.cur) <= string(after) {
			continue
		}
		if len(page.Relations) == size {
			page.HasNext = true
			break
		}
		rel, err := x.relation(it.t, true)
		if err != nil {
			return nil, err
		}
		if rel == nil {
			return nil, fmt.Errorf("relation %s is in the adjacency cache but not in the store", it.t)
		}
		page.Relations = append(page.Relations, rel)
		page.Cursors = append(page.Cursors, encodeCursor(curEntRel, it.cur))
	}
	return page, nil
}

// Relations lists relations of type t (0: every type) whose effective status
// is one of statuses (empty: any), ordered by type, status and ends.
func (s *Store) Relations(ctx context.Context, t RelationType, statuses []ClaimStatus, p Page) (*RelationPage, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*RelationPage, error) { return sn.Relations(ctx, t, statuses, p) })
}

// Relations is Store.Relations on this snapshot.
func (sn *Snapshot) Relations(ctx context.Context, t RelationType, statuses []ClaimStatus, p Page) (*RelationPage, error) {
	size, err := p.size()
	if err != nil {
		return nil, err
	}
	if t != 0 && !t.Valid() {
		return nil, fmt.Errorf("%w: relation type %d", ErrInvalid, t)
	}
	var want [Ruled + 1]bool
	for _, st := range statuses {
		if !st.Valid() {
			return nil, fmt.Errorf("%w: status %d", ErrInvalid, st)
		}
		want[st] = true
	}
	match := func(rt RelationType, st ClaimStatus) bool {
		return (t == 0 || rt == t) && (len(statuses) == 0 || want[st])
	}
	page := &RelationPage{}
	prefix := byStatusPrefix(t)
	var from []byte
	if p.After != "" {
		b, err := decodeCursor(curRelation, p.After, 10)
		if err != nil {
			return nil, err
		}
		from = byStatusAfter(b)
	}
	err = sn.consistent(ctx, func(_ *rtx, g *memGraph) error {
		for i := 0; i < g.rels.len(); i++ {
			if m := g.rels.ref(i); m.status != 0 && match(m.t.Type, m.status) {
				page.Total++
			}
		}
		return nil
	}, func(x *rtx) error {
		return x.r.scan(prefix, from, true, func(k, _ []byte) (bool, error) {
			tr, st, ok := parseByStatusKey(k)
			if !ok || !match(tr.Type, st) {
				return true, nil
			}
			if len(page.Relations) == size {
				page.HasNext = true
				return false, nil
			}
			rel, err := x.relation(tr, true)
			if err != nil {
				return false, err
			}
			if rel == nil {
				return false, fmt.Errorf("status index names relation %s, which does not exist", tr)
			}
			page.Relations = append(page.Relations, rel)
			page.Cursors = append(page.Cursors, encodeCursor(curRelation, k[1:]))
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// Disputes lists DISPUTE entities that party (a reference; "" for any) is
// PARTY_TO, with status (0: any) as of today, derived from their events
// (see DisputeState).
func (s *Store) Disputes(ctx context.Context, party string, status DisputeStatus, p Page) (*EntityPage, error) {
	return s.DisputesAt(ctx, DisputeQuery{Party: party, Status: status}, p)
}

// Disputes is Store.Disputes on this snapshot.
func (sn *Snapshot) Disputes(ctx context.Context, party string, status DisputeStatus, p Page) (*EntityPage, error) {
	return sn.DisputesAt(ctx, DisputeQuery{Party: party, Status: status}, p)
}

// DisputeQuery selects disputes: those Party ("" for any) is PARTY_TO whose
// status as of AsOf (zero: today) is Status (0: any).
type DisputeQuery struct {
	Party  string
	Status DisputeStatus
	AsOf   Date
}

// DisputesAt lists the disputes q selects, in creation order.
func (s *Store) DisputesAt(ctx context.Context, q DisputeQuery, p Page) (*EntityPage, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*EntityPage, error) { return sn.DisputesAt(ctx, q, p) })
}

// DisputesAt is Store.DisputesAt on this snapshot.
func (sn *Snapshot) DisputesAt(ctx context.Context, q DisputeQuery, p Page) (*EntityPage, error) {
	pick := func(x *rtx, g *memGraph) ([]uint32, error) {
		var parties map[uint32]bool
		if q.Party != "" {
			n, _, err := x.resolve("party", q.Party)
			if err != nil {
				return nil, err
			}
			parties = map[uint32]bool{}
			f := newEdgeFilter(Denied, Date{}, []RelationType{PartyTo}, x.rec)
			for _, a := range g.outOf(n) {
				if _, ok := f.adjStatus(g, a); ok {
					parties[a.other] = true
				}
			}
		}
		all := g.entitiesOf(func(n uint32, k EntityKind) bool {
			return k == Dispute && (parties == nil || parties[n]) && x.recorded(n)
		})
		if q.Status == 0 {
			return all, nil
		}
		out := all[:0]
		for _, n := range all {
			rec, err := x.rawEnt(n)
			if err != nil {
				return nil, err
			}
			st, err := x.disputeState(n, rec, q.AsOf)
			if err != nil {
				return nil, err
			}
			if st.Status == q.Status {
				out = append(out, n)
			}
		}
		return out, nil
	}
	return sn.entityPage(ctx, p, pick, nil)
}

// recorded reports whether live entity n had been recorded at x.rec.
func (x *rtx) recorded(n uint32) bool {
	if x.rec == 0 {
		return true
	}
	at, ok := x.g.recordedAt(n)
	return ok && (at.IsZero() || unixSec(at) <= x.rec)
}

// Counts are the sizes of the store: live entities, relations and their
// statements, read from the cache in constant time (for charging scans).
type Counts struct {
	Entities, Relations, Statements int
}

// Counts returns the sizes of the store now, in constant time.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	return viewed(ctx, s, func(sn *Snapshot) (Counts, error) { return sn.Counts(ctx) })
}

// Counts is Store.Counts on this snapshot (as recorded now, whatever
// AsRecorded says: it bounds work, it is no answer).
func (sn *Snapshot) Counts(ctx context.Context) (Counts, error) {
	if err := sn.check(ctx); err != nil {
		return Counts{}, err
	}
	g := sn.v.g
	return Counts{Entities: g.live, Relations: g.nrel, Statements: g.nstmt}, nil
}

// Stats counts what the store holds.
type Stats struct {
	Entities           int
	Relations          int
	Statements         int
	EntitiesByKind     map[EntityKind]int
	RelationsByType    map[RelationType]int
	RelationsByStatus  map[ClaimStatus]int
	StatementsByStatus map[ClaimStatus]int
}

// Stats returns counts of entities, relations and statements, from the
// in-memory adjacency (no store reads).
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Stats, error) { return sn.Stats(ctx) })
}

// Stats is Store.Stats on this snapshot.
func (sn *Snapshot) Stats(ctx context.Context) (*Stats, error) {
	if err := sn.check(ctx); err != nil {
		return nil, err
	}
	st := &Stats{EntitiesByKind: map[EntityKind]int{}, RelationsByType: map[RelationType]int{},
		RelationsByStatus: map[ClaimStatus]int{}, StatementsByStatus: map[ClaimStatus]int{}}
	g, x := sn.v.g, sn.newRtx()
	for n := 0; n < g.size(); n++ {
		if k := g.kinds.at(n); k != 0 && x.recorded(uint32(n)) {
			st.Entities++
			st.EntitiesByKind[k]++
		}
	}
	for i := 0; i < g.rels.len(); i++ {
		m := g.rels.ref(i)
		if m.status == 0 {
			continue
		}
		status := g.statusAsOf(m, maxDay, sn.rec)
		if status == 0 {
			continue
		}
		st.Relations++
		st.RelationsByType[m.t.Type]++
		st.RelationsByStatus[status]++
		for _, s := range g.stmtsOf(m) {
			if sst, ok := statusRecorded(s.status, s.prev, s.rec, s.ret, sn.rec); ok {
				st.Statements++
				st.StatementsByStatus[sst]++
			}
		}
	}
	return st, nil
}

// ForEachEntity calls fn for every live entity in creation order, then
// ForEachRelation may be used for relations; fn's error stops the walk and is
// returned.
func (s *Store) ForEachEntity(ctx context.Context, fn func(*Entity) error) error {
	return s.View(ctx, func(sn *Snapshot) error { return sn.ForEachEntity(ctx, fn) })
}

// ForEachEntity is Store.ForEachEntity on this snapshot.
func (sn *Snapshot) ForEachEntity(ctx context.Context, fn func(*Entity) error) error {
	return sn.view(ctx, func(r kvReader) error {
		return r.scan(family(pEntity), nil, false, func(k, v []byte) (bool, error) {
			rec, err := decodeEnt(v)
			if err != nil {
				return false, err
			}
			if rec.MergedInto != 0 {
				return true, nil
			}
			if err := ctx.Err(); err != nil {
				return false, err
			}
			return true, fn(publicEntity(rec))
		})
	})
}

// ForEachRelation calls fn for every relation, with its statements, ordered
// by source entity; fn's error stops the walk and is returned.
func (s *Store) ForEachRelation(ctx context.Context, fn func(*Relation) error) error {
	return s.View(ctx, func(sn *Snapshot) error { return sn.ForEachRelation(ctx, fn) })
}

// ForEachRelation is Store.ForEachRelation on this snapshot.
func (sn *Snapshot) ForEachRelation(ctx context.Context, fn func(*Relation) error) error {
	return sn.view(ctx, func(r kvReader) error {
		x := sn.newRtx()
		return r.scan(family(pRelation), nil, false, func(k, v []byte) (bool, error) {
			tr, ok := parseRelationKey(k)
			if !ok {
				return true, nil
			}
			rec, err := decodeRel(v)
			if err != nil {
				return false, err
			}
			if err := ctx.Err(); err != nil {
				return false, err
			}
			rel, err := x.relationOf(tr, rec, true)
			if err != nil {
				return false, err
			}
			if len(x.pub) > 100000 { // bound the entity memo on huge exports
				x.pub, x.ents = map[uint32]*Entity{}, map[uint32]*entRec{}
			}
			return true, fn(rel)
		})
	})
}
