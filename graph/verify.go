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
// match their statements, and the in-memory adjacency equals the store. It
// returns an error only when the store cannot be read.
func (s *Store) Verify(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{}
	bad := func(format string, args ...any) {
		if len(rep.Problems) < maxProblems {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
		}
	}
	// One snapshot: the adjacency cache version and the records it is
	// checked against show the same commits, while writers go on.
	err := s.View(ctx, func(sn *Snapshot) error {
		r, g := sn.v.r, sn.v.g
		ents := map[uint32]*entRec{}
		if err := r.scan(family(pEntity), nil, false, func(k, v []byte) (bool, error) {
			n, ok := parseEntityKey(k)
			if !ok {
				bad("entity key %x is malformed", k)
				return true, nil
			}
			rec, err := decodeEnt(v)
			if err != nil {
				bad("entity %d: %v", n, err)
				return true, nil
			}
			ents[n] = rec
			return true, ctx.Err()
		}); err != nil {
			return err
		}
		liveOf := func(n uint32) uint32 {
			for hops := 0; hops < 1000; hops++ {
				rec := ents[n]
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
		names := map[string]bool{}
		wordsSeen := map[string]bool{}
		for n, rec := range ents {
			if rec.MergedInto != 0 {
				if liveOf(n) == 0 {
					bad("entity %d (%s) was merged into %d, which leads to no live entity", n, rec.Key, rec.MergedInto)
				}
				continue
			}
			rep.Entities++
			if rec.ID != EntityID(rec.Key) {
				bad("entity %d (%s) has id %s, want %s", n, rec.Key, rec.ID, EntityID(rec.Key))
			}
			if !rec.Kind.Valid() {
				bad("entity %d (%s) has kind %d", n, rec.Key, rec.Kind)
			}
			for norm := range nameSet(rec) {
				names[string(nameKey(norm, n))] = true
			}
			for w := range wordSet(rec) {
				wordsSeen[string(wordKey(w, n))] = true
			}
		}
		// Id index: every entity (live or merged) has one, pointing at it or,
		// once merged, at an entity that leads to a live one.
		ids := map[uuid.UUID]bool{}
		if err := r.scan(family(pEntityID), nil, false, func(k, v []byte) (bool, error) {
			rep.IndexKeys++
			id, ok := parseUUIDKey(k, pEntityID)
			n, ok2 := decodeU32(v)
			if !ok || !ok2 {
				bad("id index entry %x is malformed", k)
				return true, nil
			}
			ids[id] = true
			if liveOf(n) == 0 {
				bad("id index %s points at entity %d, which leads to no live entity", id, n)
			}
			return true, nil
		}); err != nil {
			return err
		}
		for n, rec := range ents {
			if !ids[rec.ID] {
				bad("entity %d (%s) has no id index entry", n, rec.Key)
			}
		}
		checkSet := func(prefix byte, want map[string]bool, what string) error {
			got := map[string]bool{}
			err := r.scan([]byte{prefix}, nil, true, func(k, _ []byte) (bool, error) {
				rep.IndexKeys++
				got[string(k)] = true
				if !want[string(k)] {
					norm, n, _ := parseNameKey(k)
					bad("%s index entry %q -> entity %d is not a %s of a live entity", what, norm, n, what)
				}
				return true, nil
			})
			for k := range want {
				if !got[k] {
					norm, n, _ := parseNameKey([]byte(k))
					bad("entity %d has %s %q but no index entry for it", n, what, norm)
				}
			}
			return err
		}
		if err := checkSet(pName, names, "name"); err != nil {
			return err
		}
		if err := checkSet(pWord, wordsSeen, "word"); err != nil {
			return err
		}
		kinds := map[uint32]EntityKind{}
		if err := r.scan(family(pKind), nil, true, func(k, _ []byte) (bool, error) {
			rep.IndexKeys++
			kind, n, ok := parseKindKey(k)
			if !ok {
				bad("kind index entry %x is malformed", k)
				return true, nil
			}
			if _, dup := kinds[n]; dup {
				bad("entity %d has two kind index entries", n)
			}
			kinds[n] = kind
			if rec := ents[n]; rec == nil || rec.MergedInto != 0 || rec.Kind != kind {
				bad("kind index says entity %d is a %s, but it is not a live entity of that kind", n, kind)
			}
			return true, nil
		}); err != nil {
			return err
		}
		for n, rec := range ents {
			if rec.MergedInto == 0 {
				if _, ok := kinds[n]; !ok {
					bad("entity %d (%s) has no kind index entry", n, rec.Key)
				}
			}
		}
		// Relations and their four index entries.
		rels := map[triple]*relRec{}
		if err := r.scan(family(pRelation), nil, false, func(k, v []byte) (bool, error) {
			tr, ok := parseRelationKey(k)
			if !ok {
				bad("relation key %x is malformed", k)
				return true, nil
			}
			rec, err := decodeRel(v)
			if err != nil {
				bad("relation %s: %v", tr, err)
				return true, nil
			}
			rels[tr] = rec
			return true, ctx.Err()
		}); err != nil {
			return err
		}
		for tr, rec := range rels {
			rep.Relations++
			for _, end := range []uint32{tr.From, tr.To} {
				if e := ents[end]; e == nil || e.MergedInto != 0 {
					bad("relation %s names entity %d, which is not a live entity", tr, end)
				}
			}
			if len(rec.Statements) == 0 {
				bad("relation %s has no statements", tr)
			}
			if want := rec.effective(); rec.Status != want {
				bad("relation %s has status %s but its statements give %s", tr, rec.Status, want)
			}
			if ef, et := ents[tr.From], ents[tr.To]; ef != nil && et != nil && rec.ID != relationID(ef.ID, tr.Type, et.ID) {
				bad("relation %s has id %s, not the one its ends give", tr, rec.ID)
			}
		}
		incoming, byID, byStatus := map[triple]bool{}, map[triple]bool{}, map[triple]bool{}
		if err := r.scan(family(pIncoming), nil, true, func(k, _ []byte) (bool, error) {
			rep.IndexKeys++
			tr, ok := parseIncomingKey(k)
			if !ok || rels[tr] == nil {
				bad("incoming entry %x names no relation", k)
			}
			incoming[tr] = true
			return true, nil
		}); err != nil {
			return err
		}
		if err := r.scan(family(pRelationID), nil, false, func(k, v []byte) (bool, error) {
			rep.IndexKeys++
			id, ok := parseUUIDKey(k, pRelationID)
			if !ok || len(v) != 9 {
				bad("relation id entry %x is malformed", k)
				return true, nil
			}
			tr := decodeTriple(v)
			if rec := rels[tr]; rec != nil && rec.ID == id {
				byID[tr] = true
				return true, nil
			}
			// The id of a relation a merge moved names its old triple,
			// which must lead through the merge to a relation.
			ent := func(n uint32) (*entRec, error) { return ents[n], nil }
			from, fromRec, _ := followMerges(tr.From, ent)
			to, toRec, _ := followMerges(tr.To, ent)
			moved := fromRec != nil && toRec != nil && (from != tr.From || to != tr.To) &&
				rels[triple{From: from, Type: tr.Type, To: to}] != nil && rels[tr] == nil
			if !moved {
				bad("relation id %s points at %s, which is not that relation", id, tr)
			}
			return true, nil
		}); err != nil {
			return err
		}
		if err := r.scan(family(pByStatus), nil, true, func(k, _ []byte) (bool, error) {
			rep.IndexKeys++
			tr, st, ok := parseByStatusKey(k)
			if !ok {
				bad("status index entry %x is malformed", k)
				return true, nil
			}
			if rec := rels[tr]; rec == nil || rec.Status != st {
				bad("status index says relation %s is %s, but it is not", tr, st)
			}
			byStatus[tr] = true
			return true, nil
		}); err != nil {
			return err
		}
		for tr := range rels {
			if !incoming[tr] {
				bad("relation %s has no incoming entry", tr)
			}
			if !byID[tr] {
				bad("relation %s has no id entry", tr)
			}
			if !byStatus[tr] {
				bad("relation %s has no status index entry", tr)
			}
		}
		// Statements and relations name each other.
		listed := map[uuid.UUID]triple{}
		for tr, rec := range rels {
			for _, m := range rec.Statements {
				listed[m.ID] = tr
			}
		}
		stmts := map[uuid.UUID]bool{}
		logged, err := verifyChanges(r, ents, bad)
		if err != nil {
			return err
		}
		logFrom, err := changeLogStart(r)
		if err != nil {
			return err
		}
		if err := r.scan(family(pStatement), nil, false, func(k, v []byte) (bool, error) {
			id, ok := parseUUIDKey(k, pStatement)
			if !ok {
				bad("statement key %x is malformed", k)
				return true, nil
			}
			rep.Statements++
			stmts[id] = true
			rec, err := decodeStmt(v)
			if err != nil {
				bad("statement %s: %v", id, err)
				return true, nil
			}
			rel := rels[rec.Rel]
			if rel == nil {
				bad("statement %s names relation %s, which does not exist", id, rec.Rel)
				return true, nil
			}
			i := slices.IndexFunc(rel.Statements, func(m stmtMini) bool { return m.ID == id })
			if i < 0 {
				bad("statement %s is not listed by its relation %s", id, rec.Rel)
			} else if m := rel.Statements[i]; m.Status != rec.Status || m.Day != rec.Date.Start() {
				bad("relation %s keeps statement %s as %s, but it is %s", rec.Rel, id, m.Status, rec.Status)
			}
			for _, ref := range append([]uint32{rec.ClaimedBy, rec.Dispute}, docsOf(rec)...) {
				if ref != 0 && liveOf(ref) == 0 {
					bad("statement %s names entity %d, which leads to no live entity", id, ref)
				}
			}
			// The change log has every statement recorded since it began, and
			// every retraction made after the statement was recorded.
			if rec.RecordedAt.UnixNano() >= logFrom {
				if !logged[changeOf{StatementAdded, id}] {
					bad("statement %s has no STATEMENT_ADDED entry in the change log", id)
				}
				if rt := rec.Retraction; rt != nil && rt.At.After(rec.RecordedAt) && !logged[changeOf{StatementRetracted, id}] {
					bad("statement %s was retracted but the change log has no STATEMENT_RETRACTED entry", id)
				}
			}
			return true, ctx.Err()
		}); err != nil {
			return err
		}
		for id, tr := range listed {
			if !stmts[id] {
				bad("relation %s lists statement %s, which does not exist", tr, id)
			}
		}
		verifyMem(g, ents, rels, bad)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
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
			if g.recordedAt(n) != recordedSec(rec) {
				bad("cache holds entity %d (%s) with another record time than the store", n, rec.Key)
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
