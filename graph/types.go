package graph

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// EntityKind is what an entity is: an organisation, a dataset, a dispute, …
type EntityKind uint8

// Entity kinds, SPEC §1. The numeric values are stored on disk: never reorder.
const (
	KindUnknown EntityKind = iota
	Organization
	Person
	Dataset
	Model
	Product
	Dispute
	Document
	License
)

var kindNames = [...]string{"", "ORGANIZATION", "PERSON", "DATASET", "MODEL", "PRODUCT", "DISPUTE", "DOCUMENT", "LICENSE"}

// AllKinds lists every valid entity kind in declaration order.
var AllKinds = []EntityKind{Organization, Person, Dataset, Model, Product, Dispute, Document, License}

func (k EntityKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("EntityKind(%d)", k)
}

// Valid reports whether k is one of the declared kinds.
func (k EntityKind) Valid() bool { return k > KindUnknown && int(k) < len(kindNames) }

// ParseEntityKind parses an upper-case kind name such as "DATASET"; case is
// ignored. It returns an error wrapping ErrInvalid for any other string.
func ParseEntityKind(s string) (EntityKind, error) {
	return parseEnum[EntityKind](kindNames[:], "entity kind", s)
}

// RelationType is the type of a directed edge.
type RelationType uint8

// Relation types, SPEC §1. Stored on disk: never reorder, only append.
const (
	TypeUnknown RelationType = iota
	TrainedOn
	FineTunedFrom
	DistilledFrom
	DerivedFrom
	GeneratedBy
	SourcedFrom
	BuiltOn
	Owns
	Created
	Developed
	LicensedTo
	AccessRevoked
	InvestedIn
	Acquired
	LicensedUnder
	Founded
	Leads
	BoardMemberOf
	EmployedBy
	PartyTo
	Concerns
	Published
	RelatedTo
	numRelationTypes
)

var typeNames = [...]string{"", "TRAINED_ON", "FINE_TUNED_FROM", "DISTILLED_FROM", "DERIVED_FROM", "GENERATED_BY",
	"SOURCED_FROM", "BUILT_ON", "OWNS", "CREATED", "DEVELOPED", "LICENSED_TO", "ACCESS_REVOKED", "INVESTED_IN",
	"ACQUIRED", "LICENSED_UNDER", "FOUNDED", "LEADS", "BOARD_MEMBER_OF", "EMPLOYED_BY", "PARTY_TO", "CONCERNS",
	"PUBLISHED", "RELATED_TO"}

// AllRelationTypes lists every valid relation type in declaration order.
var AllRelationTypes = func() []RelationType {
	out := make([]RelationType, 0, numRelationTypes-1)
	for t := TrainedOn; t < numRelationTypes; t++ {
		out = append(out, t)
	}
	return out
}()

func (t RelationType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("RelationType(%d)", t)
}

// Valid reports whether t is one of the declared types.
func (t RelationType) Valid() bool { return t > TypeUnknown && t < numRelationTypes }

// IsDataFlow reports whether t carries data from its target to its source
// (the consumer points at its source), SPEC §2.
func (t RelationType) IsDataFlow() bool { return t >= TrainedOn && t <= BuiltOn }

// IsHolding reports whether t says its source holds its target (OWNS, CREATED, DEVELOPED).
func (t RelationType) IsHolding() bool { return t >= Owns && t <= Developed }

// ParseRelationType parses a type name such as "TRAINED_ON"; case is ignored.
// It returns an error wrapping ErrInvalid for any other string.
func ParseRelationType(s string) (RelationType, error) {
	return parseEnum[RelationType](typeNames[:], "relation type", s)
}

// ClaimStatus is the status of a statement, or the effective status of a
// relation. Its numeric order is the SPEC's strength order, weakest first, so
// "at least" is a plain comparison.
type ClaimStatus uint8

// Claim statuses in strength order (RULED strongest). Stored on disk.
const (
	Retracted ClaimStatus = iota + 1
	Denied
	Disputed
	Alleged
	Asserted
	Confirmed
	Ruled
)

var statusNames = [...]string{"", "RETRACTED", "DENIED", "DISPUTED", "ALLEGED", "ASSERTED", "CONFIRMED", "RULED"}

// AllStatuses lists every claim status, weakest first.
var AllStatuses = []ClaimStatus{Retracted, Denied, Disputed, Alleged, Asserted, Confirmed, Ruled}

func (s ClaimStatus) String() string {
	if int(s) < len(statusNames) && s > 0 {
		return statusNames[s]
	}
	return fmt.Sprintf("ClaimStatus(%d)", s)
}

// Valid reports whether s is a declared status.
func (s ClaimStatus) Valid() bool { return s >= Retracted && s <= Ruled }

// ValidForStatement reports whether a single statement may carry s: DISPUTED
// only ever results from combining statements.
func (s ClaimStatus) ValidForStatement() bool { return s.Valid() && s != Disputed }

// ParseClaimStatus parses a status name such as "ALLEGED"; case is ignored. It
// returns an error wrapping ErrInvalid for any other string.
func ParseClaimStatus(s string) (ClaimStatus, error) {
	return parseEnum[ClaimStatus](statusNames[:], "claim status", s)
}

// EffectiveStatus combines the statuses of a relation's statements by the
// SPEC §1 rule: any RULED, else any CONFIRMED, else any ASSERTED, else ALLEGED
// and DENIED together give DISPUTED, else ALLEGED, else DENIED, else RETRACTED.
// Retracted statements are ignored.
func EffectiveStatus(statuses ...ClaimStatus) ClaimStatus {
	var seen [Ruled + 1]bool
	for _, s := range statuses {
		if s.Valid() {
			seen[s] = true
		}
	}
	return effectiveFromSeen(seen)
}

func effectiveFromSeen(seen [Ruled + 1]bool) ClaimStatus {
	switch {
	case seen[Ruled]:
		return Ruled
	case seen[Confirmed]:
		return Confirmed
	case seen[Asserted]:
		return Asserted
	case seen[Alleged] && seen[Denied]:
		return Disputed
	case seen[Alleged]:
		return Alleged
	case seen[Denied]:
		return Denied
	}
	return Retracted
}

// DisputeStatus is the procedural state of a DISPUTE entity (its "status"
// attribute).
type DisputeStatus uint8

// Dispute statuses, SPEC §1.
const (
	Threatened DisputeStatus = iota + 1
	Filed
	Ongoing
	Settled
	Dismissed
	RuledDispute
	Withdrawn
)

var disputeNames = [...]string{"", "THREATENED", "FILED", "ONGOING", "SETTLED", "DISMISSED", "RULED", "WITHDRAWN"}

func (d DisputeStatus) String() string {
	if d > 0 && int(d) < len(disputeNames) {
		return disputeNames[d]
	}
	return fmt.Sprintf("DisputeStatus(%d)", d)
}

// ParseDisputeStatus parses a dispute status such as "FILED"; case is ignored.
// It returns an error wrapping ErrInvalid for any other string.
func ParseDisputeStatus(s string) (DisputeStatus, error) {
	return parseEnum[DisputeStatus](disputeNames[:], "dispute status", s)
}

// Attribute is one string key/value pair. Attributes are kept sorted by key.
type Attribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Entity is a node: a company, person, dataset, model, product, dispute,
// document or licence. Entities returned by a Store are shared between
// readers: treat them as read-only.
type Entity struct {
	ID          uuid.UUID   `json:"id"`
	Key         string      `json:"key"`
	Kind        EntityKind  `json:"kind"`
	Name        string      `json:"name"`
	Aliases     []string    `json:"aliases,omitempty"`
	Description string      `json:"description,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty"`
	// RecordedAt is when the store created the entity (zero if unknown).
	RecordedAt time.Time `json:"recordedAt,omitzero"`

	dated []aliasRec // shared with the record: what Names adds to Aliases
}

// Names lists the entity's name (first, Primary) and every alias, with the
// dates and evidence known for each (names over time, SPEC §8).
func (e *Entity) Names() []Name {
	out := make([]Name, 0, 1+len(e.Aliases))
	out = append(out, Name{Name: e.Name, Primary: true})
	for _, a := range e.Aliases {
		nm := Name{Name: a}
		for _, d := range e.dated {
			if d.Name == a {
				nm.ValidFrom, nm.ValidTo = d.From, d.To
				for _, ev := range d.Evidence {
					nm.Evidence = append(nm.Evidence, Evidence{URL: ev.URL, Quote: ev.Quote})
				}
			}
		}
		out = append(out, nm)
	}
	return out
}

// Attr returns the value of attribute key, or "" when it is absent.
func (e *Entity) Attr(key string) string { return attrValue(e.Attributes, key) }

func attrValue(attrs []Attribute, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// Evidence supports a statement: a DOCUMENT entity, a URL, or both, with a quote.
type Evidence struct {
	Document *Entity `json:"document,omitempty"`
	URL      string  `json:"url,omitempty"`
	Quote    string  `json:"quote,omitempty"`
}

// Statement is one party's word on a relation.
type Statement struct {
	ID         uuid.UUID   `json:"id"`
	RelationID uuid.UUID   `json:"relationId"`
	Status     ClaimStatus `json:"status"`
	ClaimedBy  *Entity     `json:"claimedBy,omitempty"`
	Date       Date        `json:"date,omitzero"`
	Evidence   []Evidence  `json:"evidence,omitempty"`
	Dispute    *Entity     `json:"dispute,omitempty"`
	Note       string      `json:"note,omitempty"`
	RecordedAt time.Time   `json:"recordedAt"`
	// Retraction is set when the statement was retracted after it was recorded.
	Retraction *Retraction `json:"retraction,omitempty"`
}

// Retraction records why and when a statement was withdrawn, and what its
// status was before.
type Retraction struct {
	Reason         string      `json:"reason"`
	At             time.Time   `json:"at"`
	PreviousStatus ClaimStatus `json:"previousStatus"`
}

// Relation is one directed, typed edge with its statements.
type Relation struct {
	ID         uuid.UUID    `json:"id"`
	Type       RelationType `json:"type"`
	From       *Entity      `json:"from"`
	To         *Entity      `json:"to"`
	Status     ClaimStatus  `json:"status"`
	ValidFrom  Date         `json:"validFrom,omitzero"`
	ValidTo    Date         `json:"validTo,omitzero"`
	Attributes []Attribute  `json:"attributes,omitempty"`
	Statements []*Statement `json:"statements,omitempty"`
}

// EntityInput describes an entity to create or update. Key may be empty: the
// name then resolves to an existing entity or a key is made from it.
type EntityInput struct {
	Key         string
	Kind        EntityKind
	Name        string
	Aliases     []string
	Description string
	Attributes  []Attribute
	// Names are aliases with dates or evidence (names over time); each is
	// also an alias. An alias given plain in Aliases and dated here is one
	// alias with the dates.
	Names []AliasInput
	// Events are dispute events to record on a DISPUTE (Import only).
	Events []DisputeEventInput
}

// AliasInput is an alias with when the entity went by it and the evidence.
type AliasInput struct {
	Name      string
	ValidFrom Date
	ValidTo   Date
	Evidence  []EvidenceInput
}

// Name is one name of an entity over time: its primary name, or an alias
// with the dates and evidence known for it.
type Name struct {
	Name      string     `json:"name"`
	ValidFrom Date       `json:"validFrom,omitzero"`
	ValidTo   Date       `json:"validTo,omitzero"`
	Primary   bool       `json:"primary,omitempty"`
	Evidence  []Evidence `json:"evidence,omitempty"`
}

// EvidenceInput is evidence by reference: Document names a DOCUMENT entity
// (key, alias or id).
type EvidenceInput struct {
	Document string
	URL      string
	Quote    string
}

// StatementInput describes a statement on the relation From —Type→ To. Every
// reference (From, To, ClaimedBy, Dispute, Evidence.Document) is a key, alias
// or id. ValidFrom, ValidTo and Attributes apply to the relation: values given
// here are set on it, absent ones are left as they are.
type StatementInput struct {
	// ID is the statement's id; the zero UUID derives it from the content
	// (export writes ids so that a reload keeps them).
	ID         uuid.UUID
	Type       RelationType
	From, To   string
	Status     ClaimStatus
	ClaimedBy  string
	Date       Date
	Evidence   []EvidenceInput
	Dispute    string
	Note       string
	ValidFrom  Date
	ValidTo    Date
	Attributes []Attribute
	// RetractedReason, when set, records the statement as already retracted
	// for this reason; Status is then the status it had before.
	RetractedReason string
}

// Limits on input sizes; longer values are rejected with ErrLimit.
const (
	MaxNameLen        = 1 << 10
	MaxTextLen        = 64 << 10 // description, quote, note, attribute value
	MaxAliases        = 256
	MaxAttributes     = 256
	MaxEvidence       = 64
	MaxKeyLen         = 256
	MaxAttributeKeyLn = 128
)

// parseEnum finds s (ignoring case) among names, where index 0 is the
// invalid zero value; it returns an error wrapping ErrInvalid listing the
// valid names otherwise.
func parseEnum[T ~uint8](names []string, what, s string) (T, error) {
	for i, n := range names {
		if i > 0 && strings.EqualFold(n, s) {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q (want one of %s)", ErrInvalid, what, clip(s), strings.Join(names[1:], ", "))
}
