package graph

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// VerifyReport is what Verify found: how much it checked and every
// inconsistency, each as one line naming the key or record at fault.
type VerifyReport struct {
	Entities   int
	Relations  int
	Statements int
	IndexKeys  int
	Problems   []string
}

// OK reports whether no inconsistency was found.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds a report, so a badly broken store still answers.
const maxProblems = 1000

// Verify reads every record and index entry and checks that they agree: each
// index entry points at a record that implies it, each record has all its
// index entries, statements and relations name each other, effective statuses
// match their statements, the counters match the records, no key of a
// retired index family is left, and the in-memory adjacency equals the
// store. It returns an error only when the store cannot be read.
func (s *Store) Verify(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{}
	// One snapshot: the adjacency cache version and the records it is
	// checked against show the same commits, while writers go on.
	err := s.View(ctx, func(sn *Snapshot) error {
		v := &verifier{ctx: ctx, r: sn.v.r, rep: rep}
		// One check per family, in an order where each finds what it
		// needs in what the ones before it read.
		for _, check := range []func() error{
			v.entities, v.ids, v.names, v.words, v.relations, v.relationIDs, v.byStatus,
			v.changes, v.statements, v.events, v.text, v.counts, v.retired,
		} {
			if err := check(); err != nil {
				return err
			}
		}
		verifyMem(sn.v.g, v.ents, v.rels, v.bad)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// verifier is one run of Verify: the snapshot it reads, the records read so
// far, and the report.
type verifier struct {
	ctx    context.Context
	r      kvReader
	rep    *VerifyReport
	ents   map[uint32]*entRec
	rels   map[triple]*relRec
	stmts  map[uuid.UUID]bool
	filed  map[uuid.UUID]uint32 // event -> the dispute it is filed under
	logged map[changeOf]bool    // statement and event entries of the change log
}

func (v *verifier) bad(format string, args ...any) {
	if len(v.rep.Problems) < maxProblems {
		v.rep.Problems = append(v.rep.Problems, fmt.Sprintf(format, args...))
	}
}

// liveOf follows merge redirects from n to the live entity (0: none).
func (v *verifier) liveOf(n uint32) uint32 {
	for hops := 0; hops < 1000; hops++ {
		rec := v.ents[n]
		if rec == nil {
			return 0
		}
		if rec.MergedInto == 0 {
			return n
		}
		n = rec.MergedInto
	}
	return 0
}

// entities reads the entity records: each decodes, has the id its key
// gives and a valid kind, and a merged one leads to a live entity.
func (v *verifier) entities() error {
	v.ents = map[uint32]*entRec{}
	if err := v.r.scan(family(pEntity), nil, false, func(k, val []byte) (bool, error) {
		n, ok := parseEntityKey(k)
		if !ok {
			v.bad("entity key %x is malformed", k)
			return true, nil
		}
		rec, err := decodeEnt(val)
		if err != nil {
			v.bad("entity %d: %v", n, err)
			return true, nil
		}
		v.ents[n] = rec
		return true, v.ctx.Err()
	}); err != nil {
		return err
	}
	for n, rec := range v.ents {
		if rec.MergedInto != 0 {
			if v.liveOf(n) == 0 {
				v.bad("entity %d (%s) was merged into %d, which leads to no live entity", n, rec.Key, rec.MergedInto)
			}
			continue
		}
		v.rep.Entities++
		if rec.ID != EntityID(rec.Key) {
			v.bad("entity %d (%s) has id %s, want %s", n, rec.Key, rec.ID, EntityID(rec.Key))
		}
		if !rec.Kind.Valid() {
			v.bad("entity %d (%s) has kind %d", n, rec.Key, rec.Kind)
		}
	}
	return nil
}

// ids checks the id index: every entity (live or merged) has one, pointing
// at it or, once merged, at an entity that leads to a live one.
func (v *verifier) ids() error {
	ids := map[uuid.UUID]bool{}
	if err := v.r.scan(family(pEntityID), nil, false, func(k, val []byte) (bool, error) {
		v.rep.IndexKeys++
		id, ok := parseUUIDKey(k, pEntityID)
		n, ok2 := decodeU32(val)
		if !ok || !ok2 {
			v.bad("id index entry %x is malformed", k)
			return true, nil
		}
		ids[id] = true
		if v.liveOf(n) == 0 {
			v.bad("id index %s points at entity %d, which leads to no live entity", id, n)
		}
		return true, nil
	}); err != nil {
		return err
	}
	for n, rec := range v.ents {
		if !ids[rec.ID] {
			v.bad("entity %d (%s) has no id index entry", n, rec.Key)
		}
	}
	return nil
}

// names checks the name index against the names and aliases of live entities.
func (v *verifier) names() error {
	want := map[string]bool{}
	for n, rec := range v.ents {
		for norm := range nameSet(rec) {
			want[string(nameKey(norm, n))] = true
		}
	}
	return v.checkSet(pName, want, "name")
}

// words checks the word index against the words of live entities' names.
func (v *verifier) words() error {
	want := map[string]bool{}
	for n, rec := range v.ents {
		for w := range wordSet(rec) {
			want[string(wordKey(w, n))] = true
		}
	}
	return v.checkSet(pWord, want, "word")
}

// checkSet checks that the name or word entries under prefix are exactly want.
func (v *verifier) checkSet(prefix byte, want map[string]bool, what string) error {
	got := map[string]bool{}
	err := v.r.scan(family(prefix), nil, true, func(k, _ []byte) (bool, error) {
		v.rep.IndexKeys++
		got[string(k)] = true
		if !want[string(k)] {
			norm, n, _ := parseNameKey(k)
			v.bad("%s index entry %q -> entity %d is not a %s of a live entity", what, norm, n, what)
		}
		return true, nil
	})
	for k := range want {
		if !got[k] {
			norm, n, _ := parseNameKey([]byte(k))
			v.bad("entity %d has %s %q but no index entry for it", n, what, norm)
		}
	}
	return err
}

// relations reads the relation records: each joins two live entities, has
// statements, the status they give and the id its ends give.
func (v *verifier) relations() error {
	v.rels = map[triple]*relRec{}
	if err := v.r.scan(family(pRelation), nil, false, func(k, val []byte) (bool, error) {
		tr, ok := parseRelationKey(k)
		if !ok {
			v.bad("relation key %x is malformed", k)
			return true, nil
		}
		rec, err := decodeRel(val)
		if err != nil {
			v.bad("relation %s: %v", tr, err)
			return true, nil
		}
		v.rels[tr] = rec
		return true, v.ctx.Err()
	}); err != nil {
		return err
	}
	for tr, rec := range v.rels {
		v.rep.Relations++
		for _, end := range []uint32{tr.From, tr.To} {
			if e := v.ents[end]; e == nil || e.MergedInto != 0 {
				v.bad("relation %s names entity %d, which is not a live entity", tr, end)
			}
		}
		if len(rec.Statements) == 0 {
			v.bad("relation %s has no statements", tr)
		}
		if want := rec.effective(); rec.Status != want {
			v.bad("relation %s has status %s but its statements give %s", tr, rec.Status, want)
		}
		if ef, et := v.ents[tr.From], v.ents[tr.To]; ef != nil && et != nil && rec.ID != relationID(ef.ID, tr.Type, et.ID) {
			v.bad("relation %s has id %s, not the one its ends give", tr, rec.ID)
		}
	}
	return nil
}

// relationIDs checks the relation id index: every relation has its entry,
// and every entry names its relation or, for a relation a merge moved, the
// old triple that leads through the merge to it.
func (v *verifier) relationIDs() error {
	byID := map[triple]bool{}
	ent := func(n uint32) (*entRec, error) { return v.ents[n], nil }
	if err := v.r.scan(family(pRelationID), nil, false, func(k, val []byte) (bool, error) {
		v.rep.IndexKeys++
		id, ok := parseUUIDKey(k, pRelationID)
		if !ok || len(val) != 9 {
			v.bad("relation id entry %x is malformed", k)
			return true, nil
		}
		tr := decodeTriple(val)
		if rec := v.rels[tr]; rec != nil && rec.ID == id {
			byID[tr] = true
			return true, nil
		}
		from, fromRec, _ := followMerges(tr.From, ent)
		to, toRec, _ := followMerges(tr.To, ent)
		moved := fromRec != nil && toRec != nil && (from != tr.From || to != tr.To) &&
			v.rels[triple{From: from, Type: tr.Type, To: to}] != nil && v.rels[tr] == nil
		if !moved {
			v.bad("relation id %s points at %s, which is not that relation", id, tr)
		}
		return true, nil
	}); err != nil {
		return err
	}
	for tr := range v.rels {
		if !byID[tr] {
			v.bad("relation %s has no id entry", tr)
		}
	}
	return nil
}

// byStatus checks the status index: one entry per relation, under its
// effective status.
func (v *verifier) byStatus() error {
	indexed := map[triple]bool{}
	if err := v.r.scan(family(pByStatus), nil, true, func(k, _ []byte) (bool, error) {
		v.rep.IndexKeys++
		tr, st, ok := parseByStatusKey(k)
		if !ok {
			v.bad("status index entry %x is malformed", k)
			return true, nil
		}
		if rec := v.rels[tr]; rec == nil || rec.Status != st {
			v.bad("status index says relation %s is %s, but it is not", tr, st)
		}
		indexed[tr] = true
		return true, nil
	}); err != nil {
		return err
	}
	for tr := range v.rels {
		if !indexed[tr] {
			v.bad("relation %s has no status index entry", tr)
		}
	}
	return nil
}

// changes reads the change log and its per-entity index (verifyChanges).
func (v *verifier) changes() error {
	var err error
	v.logged, err = verifyChanges(v.r, v.ents, v.bad)
	return err
}

// statements checks that statements and relations name each other, that a
// statement's references lead to live entities, and that the change log
// has every statement recorded since it began.
func (v *verifier) statements() error {
	listed := map[uuid.UUID]triple{}
	for tr, rec := range v.rels {
		for _, m := range rec.Statements {
			listed[m.ID] = tr
		}
	}
	logFrom, err := changeLogStart(v.r)
	if err != nil {
		return err
	}
	v.stmts = map[uuid.UUID]bool{}
	if err := v.r.scan(family(pStatement), nil, false, func(k, val []byte) (bool, error) {
		id, ok := parseUUIDKey(k, pStatement)
		if !ok {
			v.bad("statement key %x is malformed", k)
			return true, nil
		}
		v.rep.Statements++
		v.stmts[id] = true
		rec, err := decodeStmt(val)
		if err != nil {
			v.bad("statement %s: %v", id, err)
			return true, nil
		}
		v.statement(id, rec, logFrom)
		return true, v.ctx.Err()
	}); err != nil {
		return err
	}
	for id, tr := range listed {
		if !v.stmts[id] {
			v.bad("relation %s lists statement %s, which does not exist", tr, id)
		}
	}
	return nil
}

// statement checks one statement record.
func (v *verifier) statement(id uuid.UUID, rec *stmtRec, logFrom int64) {
	rel := v.rels[rec.Rel]
	if rel == nil {
		v.bad("statement %s names relation %s, which does not exist", id, rec.Rel)
		return
	}
	i := slices.IndexFunc(rel.Statements, func(m stmtMini) bool { return m.ID == id })
	if i < 0 {
		v.bad("statement %s is not listed by its relation %s", id, rec.Rel)
	} else if m := rel.Statements[i]; m.Status != rec.Status || m.Day != rec.Date.Start() {
		v.bad("relation %s keeps statement %s as %s, but it is %s", rec.Rel, id, m.Status, rec.Status)
	}
	for _, ref := range append([]uint32{rec.ClaimedBy, rec.Dispute}, docsOf(rec)...) {
		if ref != 0 && v.liveOf(ref) == 0 {
			v.bad("statement %s names entity %d, which leads to no live entity", id, ref)
		}
	}
	// The change log has every statement recorded since it began, and
	// every retraction made after the statement was recorded.
	if rec.RecordedAt.UnixNano() >= logFrom {
		if !v.logged[changeOf{StatementAdded, id}] {
			v.bad("statement %s has no STATEMENT_ADDED entry in the change log", id)
		}
		if rt := rec.Retraction; rt != nil && rt.At.After(rec.RecordedAt) && !v.logged[changeOf{StatementRetracted, id}] {
			v.bad("statement %s was retracted but the change log has no STATEMENT_RETRACTED entry", id)
		}
	}
}

// events checks dispute timelines: every event decodes and is filed under a
// live entity, its evidence leads to live entities, and the event id index
// names exactly where each event is.
func (v *verifier) events() error {
	v.filed = map[uuid.UUID]uint32{}
	if err := v.r.scan(family(pEvent), nil, false, func(k, val []byte) (bool, error) {
		n, id, ok := parseEventKey(k)
		if !ok {
			v.bad("event key %x is malformed", k)
			return true, nil
		}
		v.filed[id] = n
		rec, err := decodeEvent(val)
		if err != nil {
			v.bad("event %s: %v", id, err)
			return true, nil
		}
		if e := v.ents[n]; e == nil || e.MergedInto != 0 {
			v.bad("event %s is filed under entity %d, which is not a live entity", id, n)
		}
		for _, ev := range rec.Evidence {
			if ev.Doc != 0 && v.liveOf(ev.Doc) == 0 {
				v.bad("event %s names entity %d, which leads to no live entity", id, ev.Doc)
			}
		}
		return true, v.ctx.Err()
	}); err != nil {
		return err
	}
	seen := map[uuid.UUID]bool{}
	if err := v.r.scan(family(pEventID), nil, false, func(k, val []byte) (bool, error) {
		v.rep.IndexKeys++
		id, ok := parseUUIDKey(k, pEventID)
		n, ok2 := decodeU32(val)
		if !ok || !ok2 {
			v.bad("event id entry %x is malformed", k)
			return true, nil
		}
		seen[id] = true
		if at, ok := v.filed[id]; !ok || at != n {
			v.bad("event id %s points at entity %d, which has no such event", id, n)
		}
		return true, nil
	}); err != nil {
		return err
	}
	for id, n := range v.filed {
		if !seen[id] {
			v.bad("event %s of entity %d has no id entry", id, n)
		}
	}
	return nil
}

// text checks the full-text index: each entry is well formed and names an
// entity that leads to a live one and a statement or event that exists, and
// the entries of descriptions are exactly the words of live entities'
// descriptions.
func (v *verifier) text() error {
	want := map[string]bool{}
	for n, rec := range v.ents {
		if rec.MergedInto == 0 {
			for _, w := range textWords(rec.Description) {
				want[string(textKey(w, n, srcDescription, uuid.Nil))] = true
			}
		}
	}
	got := map[string]bool{}
	if err := v.r.scan(family(pText), nil, true, func(k, _ []byte) (bool, error) {
		v.rep.IndexKeys++
		n, src, id, ok := parseTextKey(k)
		if !ok {
			v.bad("text index entry %x is malformed", k)
			return true, nil
		}
		if v.liveOf(n) == 0 {
			v.bad("text index entry %x names entity %d, which leads to no live entity", k, n)
		}
		switch src {
		case srcDescription:
			got[string(k)] = true
			if !want[string(k)] {
				v.bad("text index entry %x is not a word of entity %d's description", k, n)
			}
		case srcStatement:
			if !v.stmts[id] {
				v.bad("text index entry %x names statement %s, which does not exist", k, id)
			}
		case srcEvent:
			if _, ok := v.filed[id]; !ok {
				v.bad("text index entry %x names event %s, which does not exist", k, id)
			}
		default:
			v.bad("text index entry %x has source %d", k, src)
		}
		return true, v.ctx.Err()
	}); err != nil {
		return err
	}
	for k := range want {
		if !got[k] {
			n, _, _, _ := parseTextKey([]byte(k))
			v.bad("entity %d's description has a word with no text index entry (%x)", n, k)
		}
	}
	return nil
}

// counts checks the stored counters against the records.
func (v *verifier) counts() error {
	c, err := readCounts(v.r)
	if err != nil {
		v.bad("%v", err)
		return nil
	}
	var want counts
	var maxEnt uint32
	for n, rec := range v.ents {
		maxEnt = max(maxEnt, n)
		want.Live += alive(rec)
		want.Merged += mergedRec(rec)
	}
	for _, rec := range v.rels {
		want.Relations++
		want.Statements += int64(len(rec.Statements))
	}
	if c.NextEnt <= maxEnt {
		v.bad("counts give %d as the next entity number, but entity %d exists", c.NextEnt, maxEnt)
	}
	for _, f := range []struct {
		what      string
		got, want int64
	}{
		{"live entities", c.Live, want.Live},
		{"merged entities", c.Merged, want.Merged},
		{"relations", c.Relations, want.Relations},
		{"statements", c.Statements, want.Statements},
	} {
		if f.got != f.want {
			v.bad("counts say %d %s, the records have %d", f.got, f.what, f.want)
		}
	}
	return nil
}

// retired checks that no key of an index family this layout dropped is
// left (Migrate deletes them).
func (v *verifier) retired() error {
	for _, f := range retiredFamilies {
		n := 0
		if err := v.r.scan(family(f.prefix), nil, true, func(_, _ []byte) (bool, error) {
			n++
			return true, nil
		}); err != nil {
			return err
		}
		if n > 0 {
			v.bad("%d key(s) of the retired %s are left (prefix 0x%02x); run whosedata migrate", n, f.name, f.prefix)
		}
	}
	return nil
}

// changeOf names a change-log entry about one statement or event.
type changeOf struct {
	kind ChangeKind
	id   uuid.UUID
}

// verifyChanges reads the change log: every entry decodes, names entities
// that exist, and is indexed under each entity it names. It returns the
// statement and event entries it found.
func verifyChanges(r kvReader, ents map[uint32]*entRec, bad func(string, ...any)) (map[changeOf]bool, error) {
	logged := map[changeOf]bool{}
	indexed := map[uint64]bool{}
	if err := r.scan(family(pChangeOf), nil, false, func(k, v []byte) (bool, error) {
		n, first, ok := parseChangeOfKey(k)
		if !ok || ents[n] == nil {
			bad("change index entry %x is malformed or names no entity", k)
			return true, nil
		}
		if !changeSeqs(first, v, func(seq uint64) { indexed[seq] = true }) {
			bad("change index entry %x has a malformed value", k)
		}
		return true, nil
	}); err != nil {
		return nil, err
	}
	err := r.scan(family(pChange), nil, false, func(k, v []byte) (bool, error) {
		seq, ok := parseChangeKey(k)
		if !ok {
			bad("change key %x is malformed", k)
			return true, nil
		}
		c, err := decodeChange(v)
		if err != nil {
			bad("change %d: %v", seq, err)
			return true, nil
		}
		for _, n := range []uint32{c.Entity, c.Other} {
			if n != 0 && ents[n] == nil {
				bad("change %d names entity %d, which does not exist", seq, n)
			}
		}
		if c.Entity != 0 && !indexed[seq] {
			bad("change %d (%s) is not in the per-entity index", seq, c.Kind)
		}
		switch {
		case c.Statement != uuid.Nil:
			logged[changeOf{c.Kind, c.Statement}] = true
		case c.Event != uuid.Nil:
			logged[changeOf{c.Kind, c.Event}] = true
		}
		return true, nil
	})
	return logged, err
}

// changeLogStart is when the store began its change log, in unix
// nanoseconds: 0 for a store created with one, or the moment an older store
// was first opened by a whosedata that keeps it.
func changeLogStart(r kvReader) (int64, error) {
	v, ok, err := r.get(metaKey("changelog-from"))
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("corrupt change-log start (%d bytes)", len(v))
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

func docsOf(rec *stmtRec) []uint32 {
	var out []uint32
	for _, e := range rec.Evidence {
		out = append(out, e.Doc)
	}
	return out
}

// verifyMem checks the adjacency cache against the records.
func verifyMem(g *memGraph, ents map[uint32]*entRec, rels map[triple]*relRec, bad func(string, ...any)) {
	live := 0
	for n, rec := range ents {
		if rec.MergedInto == 0 {
			live++
			if g.kindOf(n) != rec.Kind {
				bad("cache has entity %d as %s, store as %s", n, g.kindOf(n), rec.Kind)
			}
			if e := g.entity(n); e == nil || !sameEntity(e, rec) {
				bad("cache holds entity %d (%s) differently from the store", n, rec.Key)
			}
		}
	}
	if live != g.live {
		bad("cache counts %d live entities, store has %d", g.live, live)
	}
	nstmt, summarised := 0, false
	for _, rec := range rels {
		nstmt += len(rec.Statements)
		summarised = summarised || len(rec.Statements) > maxRun
	}
	if g.nstmt != nstmt && !summarised {
		bad("cache counts %d statements, relations list %d", g.nstmt, nstmt)
	}
	if g.nrel != len(rels) {
		bad("cache counts %d relations, store has %d", g.nrel, len(rels))
	}
	for tr, rec := range rels {
		slot := g.find(tr)
		if slot < 0 {
			bad("relation %s is missing from the cache", tr)
			continue
		}
		got := g.rel(slot)
		var want []memStmt
		for _, s := range rec.Statements {
			want = append(want, memStmtOf(s))
		}
		if len(want) > maxRun {
			want = summarise(want)
		}
		if got.status != rec.Status || got.vFrom != rec.ValidFrom.Start() || got.vTo != rec.ValidTo.End() || !slices.Equal(g.stmtsOf(got), want) {
			bad("cache holds relation %s differently from the store", tr)
		}
		if i, ok := adjIndex(g.inOf(tr.To), tr.Type, tr.From); !ok || g.inOf(tr.To)[i].slot != slot || g.inOf(tr.To)[i].status != rec.Status {
			bad("cache lacks relation %s in the incoming list of %d, or holds it with another status", tr, tr.To)
		}
		if i, ok := adjIndex(g.outOf(tr.From), tr.Type, tr.To); !ok || g.outOf(tr.From)[i].status != rec.Status {
			bad("cache holds relation %s in the outgoing list of %d with another status", tr, tr.From)
		}
	}
}

// sameEntity reports whether the cache's public form of an entity shows
// record rec as it stands.
func sameEntity(e *Entity, rec *entRec) bool {
	return e.ID == rec.ID && e.Key == rec.Key && e.Kind == rec.Kind && e.Name == rec.Name &&
		e.Description == rec.Description && e.RecordedAt.Equal(rec.Recorded) &&
		slices.Equal(e.Aliases, rec.Aliases) && slices.Equal(e.Attributes, rec.Attributes) &&
		slices.EqualFunc(e.dated, rec.Dated, func(a, b aliasRec) bool {
			return a.Name == b.Name && a.From == b.From && a.To == b.To && len(a.Evidence) == len(b.Evidence)
		})
}
