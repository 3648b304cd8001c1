package graph

import (
	"context"
	"encoding/binary"
	"errors"
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

// changeRec is one change-log entry, as logged and as read back.
type changeRec struct {
	Kind      ChangeKind
	At        time.Time
	Entity    uint32 // the entity created, updated, aliased or kept in a merge; an event's dispute
	Other     uint32 // the duplicate of a merge
	RelID     uuid.UUID
	Statement uuid.UUID
	Event     uuid.UUID
	Alias     string
	Reason    string
	Before    []Attribute // values an update replaced
}

// Change records are binary, being one of every item a bulk load writes:
//
//	version(1)=1 | kind(1) | at unix ns(8) | entity(4) | other(4) | flags(1)
//	[| relation id(16)] [| statement id(16)] [| event id(16)]
//	[| field alias] [| field reason] [| uvarint n | n × (field key | field value)]
//
// where flags says which optional parts follow (bits 0–5 in that order) and
// a field is a uvarint length and its bytes.
const changeRecVersion = 1

func appendChange(b []byte, c *changeRec) []byte {
	var flags byte
	if c.RelID != uuid.Nil {
		flags |= 1
	}
	if c.Statement != uuid.Nil {
		flags |= 2
	}
	if c.Event != uuid.Nil {
		flags |= 4
	}
	if c.Alias != "" {
		flags |= 8
	}
	if c.Reason != "" {
		flags |= 16
	}
	if len(c.Before) > 0 {
		flags |= 32
	}
	b = append(b, changeRecVersion, byte(c.Kind))
	b = binary.BigEndian.AppendUint64(b, uint64(c.At.UnixNano()))
	b = binary.BigEndian.AppendUint32(b, c.Entity)
	b = binary.BigEndian.AppendUint32(b, c.Other)
	b = append(b, flags)
	if flags&1 != 0 {
		b = append(b, c.RelID[:]...)
	}
	if flags&2 != 0 {
		b = append(b, c.Statement[:]...)
	}
	if flags&4 != 0 {
		b = append(b, c.Event[:]...)
	}
	if flags&8 != 0 {
		b = appendField(b, c.Alias)
	}
	if flags&16 != 0 {
		b = appendField(b, c.Reason)
	}
	if flags&32 != 0 {
		b = binary.AppendUvarint(b, uint64(len(c.Before)))
		for _, a := range c.Before {
			b = appendField(appendField(b, a.Key), a.Value)
		}
	}
	return b
}

var errCorruptChange = errors.New("corrupt change record")

func decodeChange(b []byte) (*changeRec, error) {
	const fixed = 1 + 1 + 8 + 4 + 4 + 1
	if len(b) < fixed || b[0] != changeRecVersion {
		return nil, errCorruptChange
	}
	c := &changeRec{Kind: ChangeKind(b[1]), At: time.Unix(0, int64(binary.BigEndian.Uint64(b[2:10]))).UTC(),
		Entity: binary.BigEndian.Uint32(b[10:14]), Other: binary.BigEndian.Uint32(b[14:18])}
	flags := b[18]
	b = b[fixed:]
	id := func(dst *uuid.UUID) bool {
		if len(b) < 16 {
			return false
		}
		copy(dst[:], b[:16])
		b = b[16:]
		return true
	}
	field := func(dst *string) bool {
		f, rest, ok := cutUvarintBytes(b)
		*dst, b = string(f), rest
		return ok
	}
	ok := true
	if flags&1 != 0 {
		ok = ok && id(&c.RelID)
	}
	if flags&2 != 0 {
		ok = ok && id(&c.Statement)
	}
	if flags&4 != 0 {
		ok = ok && id(&c.Event)
	}
	if flags&8 != 0 {
		ok = ok && field(&c.Alias)
	}
	if flags&16 != 0 {
		ok = ok && field(&c.Reason)
	}
	if flags&32 != 0 && ok {
		n, w := binary.Uvarint(b)
		if w <= 0 || n > uint64(len(b)) {
			return nil, errCorruptChange
		}
		b = b[w:]
		for range n {
			var a Attribute
			if !field(&a.Key) || !field(&a.Value) {
				return nil, errCorruptChange
			}
			c.Before = append(c.Before, a)
		}
	}
	if !ok || len(b) != 0 || c.Kind == 0 || int(c.Kind) >= len(changeNames) {
		return nil, errCorruptChange
	}
	return c, nil
}

// pendingChange is a change logged in a write transaction: its record,
// encoded in the transaction's change buffer, and the entities it touches
// (for the per-entity index), the first few inline.
type pendingChange struct {
	off, end uint32
	touch    [6]uint32
	more     []uint32
}

// logChange appends a change-log entry to the transaction; it is written
// with the transaction's other records, so the log and the records never
// disagree.
func (t *wtx) logChange(c changeRec, touches ...uint32) {
	c.At = t.now
	p := pendingChange{off: uint32(len(t.changeBuf))}
	t.changeBuf = appendChange(t.changeBuf, &c)
	p.end = uint32(len(t.changeBuf))
	k := 0
	for _, n := range touches {
		if n == 0 || slices.Contains(p.touch[:k], n) || slices.Contains(p.more, n) {
			continue
		}
		if k < len(p.touch) {
			p.touch[k] = n
			k++
		} else {
			p.more = append(p.more, n)
		}
	}
	t.changes = append(t.changes, p)
}

// changeOps adds the transaction's change-log entries to ops: one record
// per change, and per entity touched one index entry holding the sequence
// numbers of this transaction's changes that touch it (a posting list, so
// a bulk load writes one index key per entity, not one per change and
// entity). Sequence numbers are the commit time in nanoseconds, made
// strictly increasing, so the log sorts by time and a reader can seek to an
// instant. Keys are cut from one buffer, values from the change buffer.
func (t *wtx) changeOps(ops []kvOp) []kvOp {
	if len(t.changes) == 0 {
		return ops
	}
	seq := max(uint64(t.now.UnixNano()), t.s.nextSeq)
	first := seq
	// The changes touching each entity, as offsets from first.
	touched := map[uint32][]uint32{}
	var order []uint32
	for i := range t.changes {
		p := &t.changes[i]
		add := func(n uint32) {
			if touched[n] == nil {
				order = append(order, n)
			}
			touched[n] = append(touched[n], uint32(i))
		}
		for _, n := range p.touch {
			if n != 0 {
				add(n)
			}
		}
		for _, n := range p.more {
			add(n)
		}
	}
	ops = slices.Grow(ops, len(t.changes)+len(order)+1)
	keys := make([]byte, 0, 9*len(t.changes)+13*len(order))
	cut := func(start int) []byte { return keys[start:len(keys):len(keys)] }
	for i := range t.changes {
		p := &t.changes[i]
		start := len(keys)
		keys = binary.BigEndian.AppendUint64(append(keys, pChange), seq)
		ops = append(ops, kvOp{Key: cut(start), Value: t.changeBuf[p.off:p.end:p.end]})
		seq++
	}
	for _, n := range order {
		start := len(keys)
		keys = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(append(keys, pChangeOf), n), first)
		var v []byte
		prev := uint32(0)
		for _, d := range touched[n] {
			v = binary.AppendUvarint(v, uint64(d-prev))
			prev = d
		}
		ops = append(ops, kvOp{Key: cut(start), Value: v})
	}
	t.nextSeq = seq
	return append(ops, kvOp{Key: metaKey("changes"), Value: binary.BigEndian.AppendUint64(nil, seq)})
}

// changeSeqs decodes an index entry: the sequence numbers, from first, of
// the changes of one transaction that touch the entity. It returns false
// for a malformed value.
func changeSeqs(first uint64, v []byte, fn func(seq uint64)) bool {
	off := uint64(0)
	for len(v) > 0 {
		d, w := binary.Uvarint(v)
		if w <= 0 {
			return false
		}
		off += d
		fn(first + off)
		v = v[w:]
	}
	return true
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
// Latest of them, newest first, when Latest > 0).
type ChangeQuery struct {
	Since  time.Time
	Entity string
	Page   Page
	// Latest, when set, asks for the newest Latest changes, newest first
	// (the Atom feeds); Page is then ignored.
	Latest int
	// Count sets ChangePage.Total to the size of the whole selection, which
	// takes a scan of all of it; without it the read stops at the page.
	Count bool
}

// ChangePage is one page of the change log.
type ChangePage struct {
	Changes []*Change
	Cursors []string
	HasNext bool
	Total   int // with ChangeQuery.Count: every change the query selects, not only this page
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
		// collect takes the selected changes in order; it reports whether
		// to read on (for the page, or to count the selection).
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
				return q.Count
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
				// Each entry holds one transaction's changes, from the
				// sequence number in its key: read them all, keep those
				// from on.
				if err := x.r.scan(changesOf(m), nil, false, func(k, v []byte) (bool, error) {
					if _, first, ok := parseChangeOfKey(k); ok {
						changeSeqs(first, v, func(seq uint64) {
							if seq >= from {
								all = append(all, seq)
							}
						})
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
		} else if q.Latest > 0 && !q.Count {
			// The newest of the whole log: read it from the end, and stop.
			if err := x.r.scanKeysBack(family(pChange), func(k []byte) (bool, error) {
				seq, ok := parseChangeKey(k)
				if !ok {
					return true, nil
				}
				if seq < from {
					return false, nil // the rest is older still
				}
				seqs = append(seqs, seq)
				page.Total++
				return len(seqs) < q.Latest, ctx.Err()
			}); err != nil {
				return err
			}
			slices.Reverse(seqs) // oldest first, as the forward reads give them
		} else if err := x.r.scan(family(pChange), changeKey(from), true, func(k, _ []byte) (bool, error) {
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
	_ = x.r.scan(family(pEntity), nil, false, func(k, v []byte) (bool, error) {
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
	rec, err := decodeChange(v)
	if err != nil {
		return nil, fmt.Errorf("change %d: %w", seq, err)
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
