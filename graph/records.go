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
}

// stmtMini is what a relation record keeps of each of its statements: enough
// to recompute the effective status, also as of a date, without reading the
// statements themselves.
type stmtMini struct {
	ID     uuid.UUID
	Status ClaimStatus
	Day    int32 // start of the statement's date; minDay when undated
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
	Rel        triple      `json:"r"`
	Status     ClaimStatus `json:"s"`
	ClaimedBy  uint32      `json:"c,omitempty"`
	Date       Date        `json:"d,omitzero"`
	Evidence   []evRec     `json:"e,omitempty"`
	Dispute    uint32      `json:"p,omitempty"`
	Note       string      `json:"n,omitempty"`
	RecordedAt time.Time   `json:"t"`
	Retraction *Retraction `json:"x,omitempty"`
}

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: date must be a string: %v", ErrInvalid, err)
	}
	return d.UnmarshalText([]byte(s))
}

func (t triple) MarshalJSON() ([]byte, error) { return json.Marshal(encodeTriple(t)) }

func (t *triple) UnmarshalJSON(b []byte) error {
	var raw []byte
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 9 {
		return fmt.Errorf("relation reference is %d bytes, want 9", len(raw))
	}
	*t = decodeTriple(raw)
	return nil
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
//	version(1)=1 | id(16) | status(1) | validFrom(4) | validTo(4)
//	| uvarint n | n × (uvarint len, key, uvarint len, value)
//	| uvarint m | m × (statement id(16) | status(1) | day int32 BE(4))
//
// A date is year int16 BE, month, day (all zero: none).
const relRecVersion = 1

func encodeRel(r *relRec) []byte {
	size := 1 + 16 + 1 + 8 + binary.MaxVarintLen64*2 + 21*len(r.Statements)
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
	if len(b) < 1+16+1+8 || b[0] != relRecVersion {
		return errCorruptRel
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
	if w <= 0 || m*21 != uint64(len(b)-w) {
		return errCorruptRel
	}
	b = b[w:]
	if mem != nil {
		mem.status, mem.vFrom, mem.vTo = status, vf.Start(), vt.End()
		start := len(g.stmts)
		for i := range int(m) {
			e := b[i*21 : i*21+21]
			g.stmts = append(g.stmts, memStmt{status: ClaimStatus(e[16]), day: int32(binary.BigEndian.Uint32(e[17:]))})
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
		e := b[i*21 : i*21+21]
		copy(r.Statements[i].ID[:], e[:16])
		r.Statements[i].Status, r.Statements[i].Day = ClaimStatus(e[16]), int32(binary.BigEndian.Uint32(e[17:]))
	}
	return nil
}

func decodeStmt(b []byte) (*stmtRec, error) {
	var r stmtRec
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("corrupt statement record: %w", err)
	}
	return &r, nil
}

// effective recomputes a relation's effective status from its statements.
func (r *relRec) effective() ClaimStatus { return effectiveOf(r.Statements, maxDay) }

// effectiveOf is the effective status counting only statements whose date
// starts on or before asOfEnd (undated statements always count).
func effectiveOf(st []stmtMini, asOfEnd int32) ClaimStatus {
	var seen [Ruled + 1]bool
	for _, s := range st {
		if s.Status != Retracted && s.Day <= asOfEnd {
			seen[s.Status] = true
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
	return &c
}
