package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DisputeEventInput is one step in a dispute's history: filed, a motion
// decided, consolidated, ruled, appealed, settled, dismissed, refiled.
type DisputeEventInput struct {
	Date     Date // required
	Status   DisputeStatus
	Summary  string // required: one line
	Forum    string // the court or regulator, where this event names or changes it
	Evidence []EvidenceInput
	// RetractedReason, when set, records the event as already retracted.
	RetractedReason string
}

// DisputeEvent is a recorded step of a dispute's timeline. Events are added
// or retracted, never edited; a retracted one is kept with its Retraction.
type DisputeEvent struct {
	ID         uuid.UUID     `json:"id"`
	DisputeID  uuid.UUID     `json:"disputeId"`
	Date       Date          `json:"date"`
	Status     DisputeStatus `json:"status"`
	Summary    string        `json:"summary"`
	Forum      string        `json:"forum,omitempty"`
	Evidence   []Evidence    `json:"evidence,omitempty"`
	RecordedAt time.Time     `json:"recordedAt"`
	Retraction *Retraction   `json:"retraction,omitempty"`
}

// EventID is the id of the event of the dispute with id dispute on date with
// status and summary: the same event loaded twice is stored once.
func EventID(dispute uuid.UUID, date Date, status DisputeStatus, summary string) uuid.UUID {
	var buf [128]byte
	b := append(idBuf(buf[:]), "event:"...)
	b = append(b, dispute[:]...)
	b = appendField(b, date.String())
	b = append(b, byte(status))
	b = appendField(b, strings.TrimSpace(summary))
	return nameID(b)
}

func validateEvent(prefix string, in *DisputeEventInput) error {
	if in.Date.IsZero() {
		return fieldErr(prefix+"date", ErrInvalid, " is required")
	}
	if in.Status == 0 || int(in.Status) >= len(disputeNames) {
		return fieldErr(prefix+"status", ErrInvalid, " is required (one of %s)", strings.Join(disputeNames[1:], ", "))
	}
	in.Summary = strings.TrimSpace(in.Summary)
	if in.Summary == "" {
		return fieldErr(prefix+"summary", ErrInvalid, " is required")
	}
	if err := checkText(prefix+"summary", in.Summary, MaxTextLen); err != nil {
		return err
	}
	if err := checkText(prefix+"forum", in.Forum, MaxNameLen); err != nil {
		return err
	}
	return checkEvidence(prefix, in.Evidence)
}

// checkEvidence validates a list of evidence inputs.
func checkEvidence(prefix string, evidence []EvidenceInput) error {
	if len(evidence) > MaxEvidence {
		return fieldErr(prefix+"evidence", ErrLimit, ": %d items, over the limit of %d", len(evidence), MaxEvidence)
	}
	for i, e := range evidence {
		f := fmt.Sprintf("%sevidence[%d]", prefix, i)
		if e.Document == "" && e.URL == "" {
			return fieldErr(f, ErrInvalid, " needs a document or a url")
		}
		if err := checkText(f+".url", e.URL, MaxTextLen); err != nil {
			return err
		}
		if err := checkText(f+".quote", e.Quote, MaxTextLen); err != nil {
			return err
		}
	}
	return nil
}

// resolveEvidence turns evidence inputs into records, resolving documents.
func (t *wtx) resolveEvidence(prefix string, evidence []EvidenceInput) ([]evRec, []uuid.UUID, error) {
	out := make([]evRec, 0, len(evidence))
	ids := make([]uuid.UUID, len(evidence))
	for i, e := range evidence {
		ev := evRec{URL: e.URL, Quote: e.Quote}
		if e.Document != "" {
			n, rec, err := t.resolve(fmt.Sprintf("%sevidence[%d].document", prefix, i), e.Document)
			if err != nil {
				return nil, nil, err
			}
			ev.Doc, ids[i] = n, rec.ID
		}
		out = append(out, ev)
	}
	return out, ids, nil
}

// addEvent records event in on dispute n within t; it reports whether it is
// new.
func (t *wtx) addEvent(prefix string, n uint32, in DisputeEventInput) (bool, error) {
	if err := validateEvent(prefix, &in); err != nil {
		return false, err
	}
	rec, err := t.ent(n)
	if err != nil {
		return false, err
	}
	if rec == nil || rec.Kind != Dispute {
		what := "nothing"
		if rec != nil {
			what = fmt.Sprintf("%q, a %s", rec.Key, rec.Kind)
		}
		return false, fieldErr(prefix+"events", ErrInvalid, " belong to a DISPUTE, not to %s", what)
	}
	id := EventID(rec.ID, in.Date, in.Status, in.Summary)
	old, err := t.event(id)
	if err != nil {
		return false, err
	}
	if old != nil {
		return false, nil
	}
	ev, _, err := t.resolveEvidence(prefix, in.Evidence)
	if err != nil {
		return false, err
	}
	e := &eventRec{Date: in.Date, Status: in.Status, Summary: in.Summary, Forum: strings.TrimSpace(in.Forum), Evidence: ev, RecordedAt: t.now}
	if in.RetractedReason != "" {
		e.Retraction = &Retraction{Reason: in.RetractedReason, At: t.now}
	}
	t.setEvent(id, n, e)
	touch := append([]uint32{n}, docsOf(&stmtRec{Evidence: ev})...)
	t.logChange(changeRec{Kind: EventAdded, Entity: n, Event: id}, touch...)
	return true, nil
}

type eventSlot struct {
	n, origN  uint32 // the dispute it is filed under, and was (0: new)
	orig, cur *eventRec
	dirty     bool
}

// event returns event id's current record, nil when there is none.
func (t *wtx) event(id uuid.UUID) (*eventRec, error) {
	if sl, ok := t.events[id]; ok {
		return sl.cur, nil
	}
	if t.fresh {
		return nil, nil
	}
	v, ok, err := t.r.get(eventIDKey(id))
	if err != nil || !ok {
		return nil, err
	}
	n, ok := decodeU32(v)
	if !ok {
		return nil, fmt.Errorf("corrupt event index entry for %s", id)
	}
	b, ok, err := t.r.get(eventKey(n, id))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("event index names event %s of entity %d, which does not exist", id, n)
	}
	rec, err := decodeEvent(b)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", id, err)
	}
	c := *rec
	t.events[id] = &eventSlot{n: n, origN: n, orig: rec, cur: &c}
	return t.events[id].cur, nil
}

func (t *wtx) setEvent(id uuid.UUID, n uint32, rec *eventRec) {
	sl, ok := t.events[id]
	if !ok {
		sl = &eventSlot{}
		t.events[id] = sl
	}
	sl.n, sl.cur, sl.dirty = n, rec, true
}

func decodeEvent(b []byte) (*eventRec, error) {
	var e eventRec
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("corrupt event record: %w", err)
	}
	return &e, nil
}

// AddDisputeEvent adds an event to the timeline of the dispute ref names and
// returns the dispute. The same event (dispute, date, status and summary)
// added twice is stored once. Errors wrap ErrNotFound, ErrAmbiguous, or
// ErrInvalid (not a dispute, a missing date, status or summary).
func (s *Store) AddDisputeEvent(ctx context.Context, ref string, in DisputeEventInput) (*Entity, error) {
	var n uint32
	var out *Entity
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		if n, _, err = t.resolve("dispute", ref); err != nil {
			return err
		}
		_, err = t.addEvent("input.", n, in)
		return err
	}, func(ctx context.Context) error {
		var err error
		out, err = s.entityByNumber(ctx, n)
		return err
	})
	return out, err
}

// RetractDisputeEvent withdraws event id with a reason; it stays in the
// timeline, marked retracted, and no longer counts for the dispute's status.
// It returns the dispute. Errors wrap ErrNotFound, ErrInvalid (no reason)
// or ErrConflict (already retracted).
func (s *Store) RetractDisputeEvent(ctx context.Context, id uuid.UUID, reason string) (*Entity, error) {
	var n uint32
	var out *Entity
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		if reason, err = retractionReason(reason, "an event"); err != nil {
			return err
		}
		e, err := t.event(id)
		if err != nil {
			return err
		}
		if e == nil {
			return fmt.Errorf("%w: no event has id %s", ErrNotFound, id)
		}
		if e.Retraction != nil {
			return fmt.Errorf("%w: event %s is already retracted", ErrConflict, id)
		}
		n = t.events[id].n
		c := *e
		c.Retraction = &Retraction{Reason: reason, At: t.now}
		t.setEvent(id, n, &c)
		t.logChange(changeRec{Kind: EventRetracted, Entity: n, Event: id, Reason: reason}, n)
		return nil
	}, func(ctx context.Context) error {
		var err error
		out, err = s.entityByNumber(ctx, n)
		return err
	})
	return out, err
}

// Events returns the timeline of the dispute ref names, in date order (same
// date: in the order recorded), retracted events included. A dispute with no
// events, or an entity that is not a dispute, has none.
func (s *Store) Events(ctx context.Context, ref string) ([]DisputeEvent, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]DisputeEvent, error) { return sn.Events(ctx, ref) })
}

// Events is Store.Events on this snapshot.
func (sn *Snapshot) Events(ctx context.Context, ref string) ([]DisputeEvent, error) {
	var out []DisputeEvent
	err := sn.consistent(ctx, func(x *rtx, _ *memGraph) error {
		n, rec, err := x.resolve("dispute", ref)
		if err != nil {
			return err
		}
		out, err = x.events(n, rec.ID)
		return err
	}, nil)
	return out, err
}

// events reads the timeline of dispute n as recorded at x.rec.
func (x *rtx) events(n uint32, disputeID uuid.UUID) ([]DisputeEvent, error) {
	var out []DisputeEvent
	err := x.r.scan(eventsOf(n), nil, false, func(k, v []byte) (bool, error) {
		_, id, ok := parseEventKey(k)
		if !ok {
			return true, nil
		}
		e, err := decodeEvent(v)
		if err != nil {
			return false, fmt.Errorf("event %s: %w", id, err)
		}
		if x.rec != 0 && unixSec(e.RecordedAt) > x.rec {
			return true, nil
		}
		ev := DisputeEvent{ID: id, DisputeID: disputeID, Date: e.Date, Status: e.Status, Summary: e.Summary, Forum: e.Forum, RecordedAt: e.RecordedAt}
		if r := e.Retraction; r != nil && (x.rec == 0 || unixSec(r.At) <= x.rec) {
			ev.Retraction = r
		}
		for _, er := range e.Evidence {
			doc, err := x.optEntity(er.Doc)
			if err != nil {
				return false, err
			}
			ev.Evidence = append(ev.Evidence, Evidence{Document: doc, URL: er.URL, Quote: er.Quote})
		}
		out = append(out, ev)
		return true, nil
	})
	slices.SortStableFunc(out, func(a, b DisputeEvent) int {
		if c := cmp.Compare(a.Date.Start(), b.Date.Start()); c != 0 {
			return c
		}
		return a.RecordedAt.Compare(b.RecordedAt)
	})
	return out, err
}

// DisputeState is a dispute's status and forum as of a date.
type DisputeState struct {
	Status DisputeStatus // 0 when neither an event nor the status attribute gives one
	Forum  string
	// From is the event that gives the status; nil when it comes from the
	// status attribute.
	From *DisputeEvent
}

// DisputeState derives the status and forum of the dispute ref names as of
// asOf (zero: today), SPEC §8: the status of its latest non-retracted event
// dated on or before asOf (same date: the one recorded last), else its status
// attribute; the forum of the latest such event that names one, else its
// forum attribute. Errors wrap ErrNotFound or ErrAmbiguous, or ErrInvalid
// when ref is not a dispute.
func (s *Store) DisputeState(ctx context.Context, ref string, asOf Date) (*DisputeState, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*DisputeState, error) { return sn.DisputeState(ctx, ref, asOf) })
}

// DisputeState is Store.DisputeState on this snapshot.
func (sn *Snapshot) DisputeState(ctx context.Context, ref string, asOf Date) (*DisputeState, error) {
	var out *DisputeState
	err := sn.consistent(ctx, func(x *rtx, _ *memGraph) error {
		n, rec, err := x.resolve("dispute", ref)
		if err != nil {
			return err
		}
		if rec.Kind != Dispute {
			return fmt.Errorf("%w: %q is a %s, not a DISPUTE", ErrInvalid, rec.Key, rec.Kind)
		}
		out, err = x.disputeState(n, rec, asOf)
		return err
	}, nil)
	return out, err
}

func (x *rtx) disputeState(n uint32, rec *entRec, asOf Date) (*DisputeState, error) {
	evs, err := x.events(n, rec.ID)
	if err != nil {
		return nil, err
	}
	end := asOf.End()
	if asOf.IsZero() {
		now := x.now().UTC()
		end = epochDay(now.Year(), int(now.Month()), now.Day())
	}
	st := &DisputeState{}
	for i := range evs {
		e := &evs[i]
		if e.Retraction != nil || e.Date.Start() > end {
			continue
		}
		st.Status, st.From = e.Status, e
		if e.Forum != "" {
			st.Forum = e.Forum
		}
	}
	if st.From == nil {
		st.Status, _ = ParseDisputeStatus(attrValue(rec.Attributes, "status"))
	}
	if st.Forum == "" {
		st.Forum = attrValue(rec.Attributes, "forum")
	}
	return st, nil
}

// eventByID reads event id, or nil when there is none.
func (x *rtx) eventByID(id uuid.UUID) (*DisputeEvent, error) {
	v, ok, err := x.r.get(eventIDKey(id))
	if err != nil || !ok {
		return nil, err
	}
	n, ok := decodeU32(v)
	if !ok {
		return nil, fmt.Errorf("corrupt event index entry for %s", id)
	}
	live, rec, err := x.live(n)
	if err != nil || rec == nil {
		return nil, err
	}
	evs, err := x.events(live, rec.ID)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		if evs[i].ID == id {
			return &evs[i], nil
		}
	}
	return nil, nil
}
