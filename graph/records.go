package graph

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// entRec is the stored form of an entity (value of an entity key). A merged
// entity keeps a record with MergedInto set, so statements that name it still
// resolve.
type entRec struct {
	ID          uuid.UUID   `json:"i"`
	Key         string      `json:"k"`
	Kind        EntityKind  `json:"t,omitempty"`
	Name        string      `json:"n,omitempty"`
	Aliases     []string    `json:"a,omitempty"`
	Description string      `json:"d,omitempty"`
	Attributes  []Attribute `json:"x,omitempty"`
	MergedInto  uint32      `json:"m,omitempty"`
	// Dated holds the aliases that carry dates or evidence (names over time);
	// each is also in Aliases.
	Dated []aliasRec `json:"ad,omitempty"`
	// Recorded is when the store created the entity (zero in records written
	// before it was kept).
	Recorded time.Time `json:"r,omitzero"`
}

// aliasRec is what is known of one alias besides the name: when the entity
// went by it, and the evidence.
type aliasRec struct {
	Name     string  `json:"n"`
	From     Date    `json:"f,omitzero"`
	To       Date    `json:"t,omitzero"`
	Evidence []evRec `json:"e,omitempty"`
}

// eventRec is the stored form of a dispute event (value of an event key).
type eventRec struct {
	Date       Date          `json:"d"`
	Status     DisputeStatus `json:"s"`
	Summary    string        `json:"m"`
	Forum      string        `json:"f,omitempty"`
	Evidence   []evRec       `json:"e,omitempty"`
	RecordedAt time.Time     `json:"r"`
	Retraction *Retraction   `json:"x,omitempty"`
}

// stmtMini is what a relation record keeps of each of its statements: enough
// to recompute the effective status, also as of a date, without reading the
// statements themselves.
type stmtMini struct {
	ID     uuid.UUID
	Status ClaimStatus
	Day    int32 // start of the statement's date; minDay when undated
	// When the store recorded the statement and, for a retracted one, its
	// retraction, in unix seconds (0: unknown, in records written before
	// these were kept: always), and the status a retracted one had before.
	// They answer "as recorded" questions (recordedAsOf).
	Rec, Ret uint32
	Prev     ClaimStatus
}

// unixSec is t in whole unix seconds, the resolution of recorded times in
// relation records and the cache.
func unixSec(t time.Time) uint32 {
	s := t.Unix()
	switch {
	case s <= 0:
		return 1
	case s >= 1<<32-1:
		return 1<<32 - 2
	}
	return uint32(s)
}

// recordedBy is a recordedAsOf instant as compared with recorded times: 0
// when there is none (everything counts).
func recordedBy(t time.Time) uint32 {
	if t.IsZero() {
		return 0
	}
	return unixSec(t)
}

// statusRecorded is the status statement s had in the record at rec (unix
// seconds; 0: now), and whether it had been recorded by then.
func statusRecorded(status, prev ClaimStatus, recAt, retAt, rec uint32) (ClaimStatus, bool) {
	if rec == 0 {
		return status, true
	}
	if recAt > rec {
		return 0, false
	}
	if status == Retracted && retAt > rec && prev != 0 {
		return prev, true
	}
	return status, true
}

// relRec is the stored form of a relation (value of a relation key), encoded
// by encodeRel.
type relRec struct {
	ID         uuid.UUID
	Status     ClaimStatus
	ValidFrom  Date
	ValidTo    Date
	Attributes []Attribute
	Statements []stmtMini
}

// evRec is stored evidence; Doc is an entity number (0: none).
type evRec struct {
	Doc   uint32 `json:"d,omitempty"`
	URL   string `json:"u,omitempty"`
	Quote string `json:"q,omitempty"`
}

// stmtRec is the stored form of a statement.
type stmtRec struct {
	Rel        triple
	Status     ClaimStatus
	ClaimedBy  uint32
	Date       Date
	Evidence   []evRec
	Dispute    uint32
	Note       string
	RecordedAt time.Time
	Retraction *Retraction
}

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: date must be a string: %v", ErrInvalid, err)
	}
	return d.UnmarshalText([]byte(s))
}

func encodeRec(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Records hold only strings, numbers and times: marshalling cannot fail.
		panic(fmt.Sprintf("graph: encode record: %v", err))
	}
	return b
}

func decodeEnt(b []byte) (*entRec, error) {
	var r entRec
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("corrupt entity record: %w", err)
	}
	return &r, nil
}

func decodeRel(b []byte) (*relRec, error) {
	var r relRec
	if err := decodeRelInto(b, &r, nil, nil); err != nil {
		return nil, err
	}
	return &r, nil
}

// Relation records are binary, since every one is read when a store opens
// (to build the adjacency cache) and the cache build should touch few bytes
// and allocate little:
//
//	version(1)=2 | id(16) | status(1) | validFrom(4) | validTo(4)
//	| uvarint n | n × (uvarint len, key, uvarint len, value)
//	| uvarint m | m × (statement id(16) | status(1) | day int32 BE(4)
//	                   | previous status(1) | recorded(4) | retracted(4))
//
// A date is year int16 BE, month, day (all zero: none); recorded and
// retracted are unix seconds (0: unknown). Version 1 records, written before
// record times were kept, lack the last three statement fields; they are
// read as recorded and retracted at an unknown time, which counts as always.
const (
	relRecVersion = 2
	relStmtV1     = 21
	relStmtV2     = 30
)

func encodeRel(r *relRec) []byte {
	size := 1 + 16 + 1 + 8 + binary.MaxVarintLen64*2 + relStmtV2*len(r.Statements)
	for _, a := range r.Attributes {
		size += 2*binary.MaxVarintLen64 + len(a.Key) + len(a.Value)
	}
	b := make([]byte, 0, size)
	b = append(b, relRecVersion)
	b = append(b, r.ID[:]...)
	b = append(b, byte(r.Status))
	b = appendDate(b, r.ValidFrom)
	b = appendDate(b, r.ValidTo)
	b = binary.AppendUvarint(b, uint64(len(r.Attributes)))
	for _, a := range r.Attributes {
		b = appendField(b, a.Key)
		b = appendField(b, a.Value)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Statements)))
	for _, s := range r.Statements {
		b = append(b, s.ID[:]...)
		b = append(b, byte(s.Status))
		b = binary.BigEndian.AppendUint32(b, uint32(s.Day))
		b = append(b, byte(s.Prev))
		b = binary.BigEndian.AppendUint32(b, s.Rec)
		b = binary.BigEndian.AppendUint32(b, s.Ret)
	}
	return b
}

func appendDate(b []byte, d Date) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(d.Year))
	return append(b, byte(d.Month), byte(d.Day))
}

func readDate(b []byte) Date {
	return Date{Year: int16(binary.BigEndian.Uint16(b)), Month: int8(b[2]), Day: int8(b[3])}
}

var errCorruptRel = errors.New("corrupt relation record")

// decodeRelInto decodes a relation record into r; with mem set it fills the
// cache entry instead, appending the statement run to g's arena, and skips
// the attributes and statement ids.
func decodeRelInto(b []byte, r *relRec, mem *memRel, g *memGraph) error {
	if len(b) < 1+16+1+8 || (b[0] != relRecVersion && b[0] != 1) {
		return errCorruptRel
	}
	width := relStmtV2
	if b[0] == 1 {
		width = relStmtV1
	}
	var id uuid.UUID
	copy(id[:], b[1:17])
	status := ClaimStatus(b[17])
	vf, vt := readDate(b[18:22]), readDate(b[22:26])
	b = b[26:]
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return errCorruptRel
	}
	b = b[w:]
	if r != nil {
		r.ID = id
		r.Status, r.ValidFrom, r.ValidTo = status, vf, vt
	}
	for i := uint64(0); i < n; i++ {
		k, rest, ok := cutUvarintBytes(b)
		if !ok {
			return errCorruptRel
		}
		v, rest, ok := cutUvarintBytes(rest)
		if !ok {
			return errCorruptRel
		}
		if r != nil {
			r.Attributes = append(r.Attributes, Attribute{Key: string(k), Value: string(v)})
		}
		b = rest
	}
	m, w := binary.Uvarint(b)
	if w <= 0 || m*uint64(width) != uint64(len(b)-w) {
		return errCorruptRel
	}
	b = b[w:]
	mini := func(e []byte) stmtMini {
		s := stmtMini{Status: ClaimStatus(e[16]), Day: int32(binary.BigEndian.Uint32(e[17:21]))}
		if width == relStmtV2 {
			s.Prev, s.Rec, s.Ret = ClaimStatus(e[21]), binary.BigEndian.Uint32(e[22:26]), binary.BigEndian.Uint32(e[26:30])
		}
		return s
	}
	if mem != nil {
		mem.status, mem.vFrom, mem.vTo = status, vf.Start(), vt.End()
		start := len(g.stmts)
		for i := range int(m) {
			g.stmts = append(g.stmts, memStmtOf(mini(b[i*width:(i+1)*width])))
		}
		run := g.stmts[start:]
		if len(run) > maxRun {
			g.stmts = append(g.stmts[:start], summarise(run)...)
		}
		mem.st, mem.nst = uint32(start), uint16(len(g.stmts)-start)
		return nil
	}
	r.Statements = make([]stmtMini, m)
	for i := range int(m) {
		e := b[i*width : (i+1)*width]
		r.Statements[i] = mini(e)
		copy(r.Statements[i].ID[:], e[:16])
	}
	return nil
}

// Statement records are binary too, being a third of what a bulk load
// writes:
//
//	version(1)=1 | relation triple(9) | status(1) | claimedBy(4) | dispute(4)
//	| date(4) | recordedAt unix ns(8) | field note
//	| uvarint n | n × (doc(4) | field url | field quote)
//	| retracted(1) [| previous status(1) | at unix ns(8) | field reason]
//
// where a field is a uvarint length and its bytes.
const stmtRecVersion = 1

func encodeStmt(r *stmtRec) []byte {
	size := 1 + 9 + 1 + 4 + 4 + 4 + 8 + binary.MaxVarintLen64*2 + len(r.Note) + 1
	for _, e := range r.Evidence {
		size += 4 + 2*binary.MaxVarintLen64 + len(e.URL) + len(e.Quote)
	}
	if r.Retraction != nil {
		size += 1 + 8 + binary.MaxVarintLen64 + len(r.Retraction.Reason)
	}
	b := make([]byte, 0, size)
	b = append(b, stmtRecVersion)
	b = append(b, encodeTriple(r.Rel)...)
	b = append(b, byte(r.Status))
	b = binary.BigEndian.AppendUint32(b, r.ClaimedBy)
	b = binary.BigEndian.AppendUint32(b, r.Dispute)
	b = appendDate(b, r.Date)
	b = binary.BigEndian.AppendUint64(b, uint64(r.RecordedAt.UnixNano()))
	b = appendField(b, r.Note)
	b = binary.AppendUvarint(b, uint64(len(r.Evidence)))
	for _, e := range r.Evidence {
		b = binary.BigEndian.AppendUint32(b, e.Doc)
		b = appendField(b, e.URL)
		b = appendField(b, e.Quote)
	}
	if r.Retraction == nil {
		return append(b, 0)
	}
	b = append(b, 1, byte(r.Retraction.PreviousStatus))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Retraction.At.UnixNano()))
	return appendField(b, r.Retraction.Reason)
}

var errCorruptStmt = errors.New("corrupt statement record")

func decodeStmt(b []byte) (*stmtRec, error) {
	const fixed = 1 + 9 + 1 + 4 + 4 + 4 + 8
	if len(b) < fixed || b[0] != stmtRecVersion {
		return nil, errCorruptStmt
	}
	r := &stmtRec{Rel: decodeTriple(b[1:10]), Status: ClaimStatus(b[10]),
		ClaimedBy: binary.BigEndian.Uint32(b[11:15]), Dispute: binary.BigEndian.Uint32(b[15:19]),
		Date: readDate(b[19:23]), RecordedAt: time.Unix(0, int64(binary.BigEndian.Uint64(b[23:31]))).UTC()}
	note, b, ok := cutUvarintBytes(b[fixed:])
	if !ok {
		return nil, errCorruptStmt
	}
	r.Note = string(note)
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return nil, errCorruptStmt
	}
	b = b[w:]
	for i := uint64(0); i < n; i++ {
		if len(b) < 4 {
			return nil, errCorruptStmt
		}
		e := evRec{Doc: binary.BigEndian.Uint32(b)}
		url, rest, ok := cutUvarintBytes(b[4:])
		if !ok {
			return nil, errCorruptStmt
		}
		quote, rest, ok := cutUvarintBytes(rest)
		if !ok {
			return nil, errCorruptStmt
		}
		e.URL, e.Quote, b = string(url), string(quote), rest
		r.Evidence = append(r.Evidence, e)
	}
	switch {
	case len(b) == 1 && b[0] == 0:
		return r, nil
	case len(b) >= 1+1+8 && b[0] == 1:
		ret := &Retraction{PreviousStatus: ClaimStatus(b[1]), At: time.Unix(0, int64(binary.BigEndian.Uint64(b[2:10]))).UTC()}
		reason, rest, ok := cutUvarintBytes(b[10:])
		if !ok || len(rest) != 0 {
			return nil, errCorruptStmt
		}
		ret.Reason, r.Retraction = string(reason), ret
		return r, nil
	}
	return nil, errCorruptStmt
}

// effective recomputes a relation's effective status from its statements.
func (r *relRec) effective() ClaimStatus { return effectiveOf(r.Statements, maxDay, 0) }

// effectiveOf is the effective status counting only statements whose date
// starts on or before asOfEnd (undated statements always count), as the
// record stood at rec (unix seconds; 0: now).
func effectiveOf(st []stmtMini, asOfEnd int32, rec uint32) ClaimStatus {
	var seen [Ruled + 1]bool
	for _, s := range st {
		status, ok := statusRecorded(s.Status, s.Prev, s.Rec, s.Ret, rec)
		if ok && status != Retracted && s.Day <= asOfEnd {
			seen[status] = true
		}
	}
	return effectiveFromSeen(seen)
}

func (r *relRec) clone() *relRec {
	c := *r
	c.Attributes = append([]Attribute(nil), r.Attributes...)
	c.Statements = append([]stmtMini(nil), r.Statements...)
	return &c
}

func (r *entRec) clone() *entRec {
	c := *r
	c.Aliases = append([]string(nil), r.Aliases...)
	c.Attributes = append([]Attribute(nil), r.Attributes...)
	c.Dated = append([]aliasRec(nil), r.Dated...)
	return &c
}
