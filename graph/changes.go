package graph

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ChangeKind is what one entry of the change log records.
type ChangeKind uint8

// Change kinds, SPEC §8. Stored on disk: never reorder, only append.
const (
	EntityCreated ChangeKind = iota + 1
	EntityUpdated
	AliasAdded
	StatementAdded
	StatementRetracted
	EventAdded
	EventRetracted
	Merged
)

var changeNames = [...]string{"", "ENTITY_CREATED", "ENTITY_UPDATED", "ALIAS_ADDED", "STATEMENT_ADDED",
	"STATEMENT_RETRACTED", "EVENT_ADDED", "EVENT_RETRACTED", "MERGED"}

func (k ChangeKind) String() string {
	if k > 0 && int(k) < len(changeNames) {
		return changeNames[k]
	}
	return fmt.Sprintf("ChangeKind(%d)", k)
}

// ParseChangeKind parses a change kind such as "STATEMENT_ADDED"; case is
// ignored. It returns an error wrapping ErrInvalid for any other string.
func ParseChangeKind(s string) (ChangeKind, error) {
	return parseEnum[ChangeKind](changeNames[:], "change kind", s)
}

// changeRec is the stored form of one change-log entry.
type changeRec struct {
	Kind      ChangeKind  `json:"k"`
	At        time.Time   `json:"t"`
	Entity    uint32      `json:"e,omitempty"` // the entity created, updated, aliased or kept in a merge; an event's dispute
	Other     uint32      `json:"o,omitempty"` // the duplicate of a merge
	Rel       *triple     `json:"r,omitempty"` // a statement's relation when it was logged
	RelID     uuid.UUID   `json:"ri,omitzero"`
	Statement uuid.UUID   `json:"s,omitzero"`
	Event     uuid.UUID   `json:"v,omitzero"`
	Alias     string      `json:"a,omitempty"`
	Reason    string      `json:"y,omitempty"`
	Before    []Attribute `json:"b,omitempty"` // values an update replaced
}

// pendingChange is a change logged in a write transaction, with the
// entities it touches (for the per-entity index).
type pendingChange struct {
	rec     changeRec
	touches []uint32
}

// logChange appends a change-log entry to the transaction; it is written
// with the transaction's other records, so the log and the records never
// disagree.
func (t *wtx) logChange(c changeRec, touches ...uint32) {
	c.At = t.now
	t.changes = append(t.changes, pendingChange{rec: c, touches: touches})
}

// changeOps adds the transaction's change-log entries to ops. Their
// sequence numbers are the commit time in nanoseconds, made strictly
// increasing, so the log sorts by time and a reader can seek to an instant.
func (t *wtx) changeOps(ops []kvOp) []kvOp {
	if len(t.changes) == 0 {
		return ops
	}
	seq := max(uint64(t.now.UnixNano()), t.s.nextSeq)
	for _, c := range t.changes {
		ops = append(ops, kvOp{Key: changeKey(seq), Value: encodeRec(&c.rec)})
		seen := map[uint32]bool{}
		for _, n := range c.touches {
			if n != 0 && !seen[n] {
				seen[n] = true
				ops = append(ops, kvOp{Key: changeOfKey(n, seq)})
			}
		}
		seq++
	}
	t.nextSeq = seq
	return append(ops, kvOp{Key: metaKey("changes"), Value: binary.BigEndian.AppendUint64(nil, seq)})
}

// readNextSeq reads the next change sequence number from meta.
func readNextSeq(r kvReader) (uint64, error) {
	v, ok, err := r.get(metaKey("changes"))
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("corrupt change-log counter (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Change is one entry of the change log: what changed, when the store
// recorded it, and what it replaced. Entity, Relation, Statement and Event
// are read as they are now (a statement added then may have been retracted
// since); Before keeps the attribute values an update replaced, with a
// replaced name or description as "entity.name" or "entity.description".
type Change struct {
	Seq       uint64
	At        time.Time
	Kind      ChangeKind
	Entity    *Entity
	Other     *Entity // the duplicate a merge folded into Entity
	Relation  *Relation
	Statement *Statement
	Event     *DisputeEvent
	Alias     string
	Reason    string
	Before    []Attribute
}

// ChangeQuery selects changes: those recorded at or after Since (zero: all),
// touching the entity Entity names ("": any) as itself, an end of a
// statement's relation, its claimant, dispute or document, or a merge's
// duplicate; First of them after the cursor After, oldest first (or the
// Latest of them, newest first, when Latest > 0). ChangePage.Total counts
// the whole selection.
type ChangeQuery struct {
	Since  time.Time
	Entity string
	Page   Page
	// Latest, when set, asks for the newest Latest changes, newest first
	// (the Atom feeds); Page is then ignored.
	Latest int
}

// ChangePage is one page of the change log.
type ChangePage struct {
	Changes []*Change
	Cursors []string
	HasNext bool
	Total   int // every change the query selects, not only this page
}

const curChange byte = 'c'

// MaxLatestChanges bounds ChangeQuery.Latest.
const MaxLatestChanges = 500

// Changes returns a page of the change log. Errors wrap ErrNotFound or
// ErrAmbiguous for Entity, ErrInvalid or ErrLimit for the page.
func (s *Store) Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*ChangePage, error) { return sn.Changes(ctx, q) })
}

// Changes is Store.Changes on this snapshot.
func (sn *Snapshot) Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error) {
	size, err := q.Page.size()
	if err != nil {
		return nil, err
	}
	if q.Latest < 0 || q.Latest > MaxLatestChanges {
		return nil, fmt.Errorf("%w: latest must be between 0 and %d", ErrLimit, MaxLatestChanges)
	}
	from, after := uint64(0), uint64(0) // the selection starts at from, the page at after
	if !q.Since.IsZero() && q.Since.UnixNano() > 0 {
		from = uint64(q.Since.UnixNano())
	}
	if q.Page.After != "" && q.Latest == 0 {
		b, err := decodeCursor(curChange, q.Page.After, 8)
		if err != nil {
			return nil, err
		}
		after = binary.BigEndian.Uint64(b) + 1
	}
	page := &ChangePage{}
	err = sn.consistent(ctx, func(x *rtx, _ *memGraph) error {
		var seqs []uint64
		// Every selected change is counted (a key-only scan); those of the
		// page are kept.
		collect := func(seq uint64) bool {
			page.Total++
			if seq < after {
				return true
			}
			if q.Latest > 0 {
				seqs = append(seqs, seq)
				return true
			}
			if len(seqs) == size {
				page.HasNext = true
				return true
			}
			seqs = append(seqs, seq)
			return true
		}
		if q.Entity != "" {
			n, _, err := x.resolve("entity", q.Entity)
			if err != nil {
				return err
			}
			// A merged entity's changes stay filed under its old number.
			nums := append([]uint32{n}, x.mergedInto(n)...)
			var all []uint64
			for _, m := range nums {
				if err := x.r.scan(changesOf(m), changeOfKey(m, from), true, func(k, _ []byte) (bool, error) {
					if _, seq, ok := parseChangeOfKey(k); ok {
						all = append(all, seq)
					}
					return true, ctx.Err()
				}); err != nil {
					return err
				}
			}
			sortUnique(&all)
			for _, seq := range all {
				if !collect(seq) {
					break
				}
			}
		} else if err := x.r.scan([]byte{pChange}, changeKey(from), true, func(k, _ []byte) (bool, error) {
			seq, ok := parseChangeKey(k)
			if !ok {
				return true, nil
			}
			return collect(seq), ctx.Err()
		}); err != nil {
			return err
		}
		if q.Latest > 0 && len(seqs) > q.Latest {
			seqs = seqs[len(seqs)-q.Latest:]
		}
		if q.Latest > 0 {
			for i, j := 0, len(seqs)-1; i < j; i, j = i+1, j-1 {
				seqs[i], seqs[j] = seqs[j], seqs[i]
			}
		}
		for _, seq := range seqs {
			c, err := x.change(seq)
			if err != nil {
				return err
			}
			page.Changes = append(page.Changes, c)
			page.Cursors = append(page.Cursors, encodeCursor(curChange, binary.BigEndian.AppendUint64(nil, seq)))
		}
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return page, nil
}

func sortUnique(s *[]uint64) {
	slices.Sort(*s)
	*s = slices.Compact(*s)
}

// mergedInto lists the entities merged into n (directly or not); their
// change-log entries are n's history too. It reads the cache's count first,
// so a store with no merges pays nothing.
func (x *rtx) mergedInto(n uint32) []uint32 {
	if x.g.merged == 0 {
		return nil
	}
	var out []uint32
	_ = x.r.scan([]byte{pEntity}, nil, false, func(k, v []byte) (bool, error) {
		m, ok := parseEntityKey(k)
		if !ok {
			return true, nil
		}
		rec, err := decodeEnt(v)
		if err != nil || rec.MergedInto == 0 {
			return true, nil
		}
		if live, _, _ := x.live(m); live == n {
			out = append(out, m)
		}
		return true, nil
	})
	return out
}

// change reads and resolves change-log entry seq.
func (x *rtx) change(seq uint64) (*Change, error) {
	v, ok, err := x.r.get(changeKey(seq))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("change index names change %d, which does not exist", seq)
	}
	var rec changeRec
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("change %d: corrupt record: %w", seq, err)
	}
	c := &Change{Seq: seq, At: rec.At, Kind: rec.Kind, Alias: rec.Alias, Reason: rec.Reason, Before: rec.Before}
	if c.Entity, err = x.optEntity(rec.Entity); err != nil {
		return nil, err
	}
	if rec.Other != 0 {
		// The duplicate itself, not where it went.
		if orec, err := x.rawEnt(rec.Other); err == nil && orec != nil {
			c.Other = publicEntity(orec)
		}
	}
	if rec.Statement != uuid.Nil {
		if c.Statement, err = x.statement(rec.Statement); err != nil {
			return nil, err
		}
		if c.Statement != nil {
			if rel, err := x.relationByID(c.Statement.RelationID); err == nil {
				c.Relation = rel
			}
		}
	}
	if rec.Event != uuid.Nil && rec.Entity != 0 {
		if d, err := x.rawEnt(rec.Entity); err == nil && d != nil {
			live, drec, _ := x.live(rec.Entity)
			if drec != nil {
				evs, err := x.events(live, drec.ID)
				if err != nil {
					return nil, err
				}
				for i := range evs {
					if evs[i].ID == rec.Event {
						c.Event = &evs[i]
					}
				}
			}
		}
	}
	return c, nil
}

// relationByID reads the relation with id, following merges.
func (x *rtx) relationByID(id uuid.UUID) (*Relation, error) {
	v, ok, err := x.r.get(relationIDKey(id))
	if err != nil || !ok || len(v) != 9 {
		return nil, err
	}
	tr, err := x.liveTriple(decodeTriple(v))
	if err != nil {
		return nil, err
	}
	return x.relation(tr, false)
}
