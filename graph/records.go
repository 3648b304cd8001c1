package graph

import (
	"encoding/json"
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
	ID     uuid.UUID   `json:"i"`
	Status ClaimStatus `json:"s"`
	Day    int32       `json:"d"` // start of the statement's date; minDay when undated
}

// relRec is the stored form of a relation (value of a relation key).
type relRec struct {
	ID         uuid.UUID   `json:"i"`
	Status     ClaimStatus `json:"s"`
	ValidFrom  Date        `json:"vf,omitzero"`
	ValidTo    Date        `json:"vt,omitzero"`
	Attributes []Attribute `json:"x,omitempty"`
	Statements []stmtMini  `json:"st"`
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
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("corrupt relation record: %w", err)
	}
	return &r, nil
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
