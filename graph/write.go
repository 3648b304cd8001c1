package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// UpsertEntity creates the entity in, or updates the one with its key (or, with
// no key, the one its name resolves to). An update merges: aliases are added,
// given attributes set, a given name or description replaces the old one;
// nothing is removed. It returns an error wrapping ErrInvalid for bad input,
// ErrConflict when the key exists with another kind, ErrAmbiguous when a
// keyless name fits several entities.
func (s *Store) UpsertEntity(ctx context.Context, in EntityInput) (*Entity, error) {
	var n uint32
	var out *Entity
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		n, _, err = t.upsertEntity("", in)
		return err
	}, func(ctx context.Context) error {
		var err error
		out, err = s.entityByNumber(ctx, n)
		return err
	})
	return out, err
}

// validateEntity checks an EntityInput's fields; prefix names it in errors.
func validateEntity(prefix string, in *EntityInput) error {
	if !in.Kind.Valid() {
		return fieldErr(prefix+"kind", ErrInvalid, " is required (one of %s)", strings.Join(kindNames[1:], ", "))
	}
	if in.Key != "" {
		if err := checkKey(in.Key); err != nil {
			return atField(prefix+"key", fmt.Errorf("%skey: %w", prefix, err))
		}
	}
	if strings.TrimSpace(in.Name) == "" && in.Key == "" {
		return fieldErr(prefix+"name", ErrInvalid, " or key is required")
	}
	if err := checkText(prefix+"name", in.Name, MaxNameLen); err != nil {
		return err
	}
	if err := checkText(prefix+"description", in.Description, MaxTextLen); err != nil {
		return err
	}
	if len(in.Aliases) > MaxAliases {
		return fieldErr(prefix+"aliases", ErrLimit, ": %d aliases, over the limit of %d", len(in.Aliases), MaxAliases)
	}
	for i, a := range in.Aliases {
		if err := checkText(fmt.Sprintf("%saliases[%d]", prefix, i), a, MaxNameLen); err != nil {
			return err
		}
		if Normalize(a) == "" {
			return fieldErr(fmt.Sprintf("%saliases[%d]", prefix, i), ErrInvalid, ": %q has no letter or digit", clip(a))
		}
	}
	return checkAttributes(prefix+"attributes", in.Attributes)
}

func checkAttributes(field string, attrs []Attribute) error {
	if len(attrs) > MaxAttributes {
		return fieldErr(field, ErrLimit, ": %d attributes, over the limit of %d", len(attrs), MaxAttributes)
	}
	for i, a := range attrs {
		if a.Key == "" {
			return fieldErr(fmt.Sprintf("%s[%d]", field, i), ErrInvalid, ": key is empty")
		}
		if err := checkText(fmt.Sprintf("%s[%d].key", field, i), a.Key, MaxAttributeKeyLn); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("%s.%s", field, a.Key), a.Value, MaxTextLen); err != nil {
			return err
		}
	}
	return nil
}

// upsertEntity applies in within t and returns the entity's number and
// whether anything changed.
func (t *wtx) upsertEntity(prefix string, in EntityInput) (uint32, bool, error) {
	if err := validateEntity(prefix, &in); err != nil {
		return 0, false, err
	}
	in.Name = strings.TrimSpace(in.Name)
	key := in.Key
	var n uint32
	var rec *entRec
	if key != "" {
		id := EntityID(key)
		m, err := t.byID(id)
		if err != nil {
			return 0, false, err
		}
		if m != 0 {
			if n, rec, err = t.live(m); err != nil {
				return 0, false, err
			}
		}
	} else {
		m, r, err := t.resolve(prefix+"name", in.Name)
		switch {
		case err == nil:
			n, rec = m, r
		case errors.Is(err, ErrNotFound):
			key = Slug(in.Name)
			if m, _ := t.byID(EntityID(key)); m != 0 {
				if n, rec, err = t.live(m); err != nil {
					return 0, false, err
				}
			}
		default:
			return 0, false, err
		}
	}
	if rec == nil {
		if in.Name == "" {
			in.Name = key
		}
		rec = &entRec{ID: EntityID(key), Key: key, Kind: in.Kind, Name: in.Name, Description: in.Description, Recorded: t.now}
		mergeAliases(rec, in.Aliases)
		if err := t.applyNames(prefix, rec, in.Names); err != nil {
			return 0, false, err
		}
		rec.Attributes = setAttributes(nil, in.Attributes)
		n := t.newEnt(rec)
		t.logChange(changeRec{Kind: EntityCreated, Entity: n}, n)
		return n, true, nil
	}
	before := rec.clone()
	if key != "" && key != rec.Key {
		// The key was merged into rec: the input describes the duplicate,
		// so it adds names and fills gaps but never renames or rewrites
		// the entity it was merged into (reloading a file after a merge
		// changes nothing).
		mergeAliases(rec, append([]string{in.Name}, in.Aliases...))
		if rec.Description == "" {
			rec.Description = in.Description
		}
		for _, a := range in.Attributes {
			if !slices.ContainsFunc(rec.Attributes, func(b Attribute) bool { return b.Key == a.Key }) {
				rec.Attributes = setAttributes(rec.Attributes, []Attribute{a})
			}
		}
		if err := t.applyNames(prefix, rec, in.Names); err != nil {
			return 0, false, err
		}
		return t.finishUpsert(n, rec, before)
	}
	if rec.Kind != in.Kind {
		return 0, false, fieldErr(prefix+"kind", ErrConflict, ": %q is already a %s, not a %s", rec.Key, rec.Kind, in.Kind)
	}
	if in.Name != "" && in.Name != rec.Name {
		if !slices.Contains(rec.Aliases, rec.Name) {
			rec.Aliases = append(rec.Aliases, rec.Name) // the old name stays findable
		}
		rec.Name = in.Name
	}
	if in.Description != "" {
		rec.Description = in.Description
	}
	mergeAliases(rec, in.Aliases)
	if err := t.applyNames(prefix, rec, in.Names); err != nil {
		return 0, false, err
	}
	rec.Attributes = setAttributes(rec.Attributes, in.Attributes)
	return t.finishUpsert(n, rec, before)
}

// finishUpsert checks the updated record against the entity limits and,
// when it differs from before, marks it changed and logs the update with the
// values it replaced.
func (t *wtx) finishUpsert(n uint32, rec, before *entRec) (uint32, bool, error) {
	if string(encodeRec(before)) == string(encodeRec(rec)) {
		return n, false, nil
	}
	if len(rec.Aliases) > MaxAliases || len(rec.Attributes) > MaxAttributes {
		return 0, false, fmt.Errorf("%w: %q would have %d aliases and %d attributes; the limits are %d and %d", ErrLimit, rec.Key, len(rec.Aliases), len(rec.Attributes), MaxAliases, MaxAttributes)
	}
	t.touch(n)
	t.logChange(changeRec{Kind: EntityUpdated, Entity: n, Before: replaced(before, rec)}, n)
	return n, true, nil
}

// replaced lists what an update of old into cur replaced: each attribute's
// old value, and the old name and description as "entity.name" and
// "entity.description".
func replaced(old, cur *entRec) []Attribute {
	var out []Attribute
	if old.Name != cur.Name {
		out = append(out, Attribute{Key: "entity.name", Value: old.Name})
	}
	if old.Description != cur.Description && old.Description != "" {
		out = append(out, Attribute{Key: "entity.description", Value: old.Description})
	}
	for _, a := range old.Attributes {
		if v := attrValue(cur.Attributes, a.Key); v != a.Value {
			out = append(out, a)
		}
	}
	return out
}

// applyNames adds dated aliases (names over time) to rec: each becomes an
// alias, and its dates and evidence are kept with it. A name given again
// with dates gains them; dates already known are kept unless new ones are
// given.
func (t *wtx) applyNames(prefix string, rec *entRec, names []AliasInput) error {
	for i, a := range names {
		f := fmt.Sprintf("%snames[%d]", prefix, i)
		a.Name = strings.TrimSpace(a.Name)
		if err := checkText(f+".name", a.Name, MaxNameLen); err != nil {
			return err
		}
		if Normalize(a.Name) == "" {
			return fieldErr(f+".name", ErrInvalid, " %q has no letter or digit", clip(a.Name))
		}
		if !a.ValidFrom.IsZero() && !a.ValidTo.IsZero() && a.ValidFrom.Start() > a.ValidTo.End() {
			return fieldErr(f+".validTo", ErrInvalid, " %s is before validFrom %s", a.ValidTo, a.ValidFrom)
		}
		if err := checkEvidence(f+".", a.Evidence); err != nil {
			return err
		}
		for j, e := range a.Evidence {
			if e.Document != "" {
				return fieldErr(fmt.Sprintf("%s.evidence[%d]", f, j), ErrInvalid, ": a name's evidence is a url, not a document")
			}
		}
		ev, _, err := t.resolveEvidence(f+".", a.Evidence)
		if err != nil {
			return err
		}
		mergeAliases(rec, []string{a.Name})
		if a.ValidFrom.IsZero() && a.ValidTo.IsZero() && len(ev) == 0 {
			continue
		}
		i := slices.IndexFunc(rec.Dated, func(d aliasRec) bool { return d.Name == a.Name })
		if i < 0 {
			rec.Dated = append(rec.Dated, aliasRec{Name: a.Name})
			i = len(rec.Dated) - 1
		}
		d := &rec.Dated[i]
		if !a.ValidFrom.IsZero() {
			d.From = a.ValidFrom
		}
		if !a.ValidTo.IsZero() {
			d.To = a.ValidTo
		}
		for _, e := range ev {
			if !slices.Contains(d.Evidence, e) {
				d.Evidence = append(d.Evidence, e)
			}
		}
	}
	return nil
}

// mergeAliases adds each alias that is not already the name or an alias.
func mergeAliases(rec *entRec, aliases []string) {
	for _, a := range aliases {
		a = strings.TrimSpace(a)
		if a == "" || a == rec.Name || slices.Contains(rec.Aliases, a) {
			continue
		}
		rec.Aliases = append(rec.Aliases, a)
	}
}

// setAttributes sets each of add on attrs (replacing values of the same key)
// and returns the result sorted by key.
func setAttributes(attrs, add []Attribute) []Attribute {
	out := append([]Attribute(nil), attrs...)
	for _, a := range add {
		i := slices.IndexFunc(out, func(b Attribute) bool { return b.Key == a.Key })
		if i >= 0 {
			out[i].Value = a.Value
		} else {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Attribute) int { return strings.Compare(a.Key, b.Key) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// AddStatement records a statement on the relation in.From —in.Type→ in.To,
// creating the relation if needed, and returns the relation with its
// statements and recomputed effective status. The same statement added twice
// is stored once. It returns an error wrapping ErrInvalid for bad input,
// ErrNotFound for a reference to nothing, ErrAmbiguous for a name that fits
// several entities.
//
// A new statement cannot be RETRACTED: what is withdrawn is an existing
// statement, through RetractStatement. (Import accepts one, so that a file
// can carry a withdrawal on record.)
func (s *Store) AddStatement(ctx context.Context, in StatementInput) (*Relation, error) {
	if in.Status == Retracted {
		return nil, fmt.Errorf("%w: status: a new statement cannot be RETRACTED; add it with the status it had and retract it with RetractStatement (retractStatement in GraphQL)", ErrInvalid)
	}
	var tr triple
	var out *Relation
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		tr, _, err = t.addStatement("", in)
		return err
	}, func(ctx context.Context) error {
		var err error
		out, err = s.relationByTriple(ctx, tr)
		return err
	})
	return out, err
}

func validateStatement(prefix string, in *StatementInput) error {
	if !in.Type.Valid() {
		return fieldErr(prefix+"type", ErrInvalid, " is required (one of %s)", strings.Join(typeNames[1:], ", "))
	}
	if !in.Status.ValidForStatement() {
		return fieldErr(prefix+"status", ErrInvalid, " must be one of ASSERTED, ALLEGED, DENIED, CONFIRMED, RULED, RETRACTED")
	}
	if !in.ValidFrom.IsZero() && !in.ValidTo.IsZero() && in.ValidFrom.Start() > in.ValidTo.End() {
		return fieldErr(prefix+"validTo", ErrInvalid, " %s is before validFrom %s", in.ValidTo, in.ValidFrom)
	}
	if err := checkText(prefix+"note", in.Note, MaxTextLen); err != nil {
		return err
	}
	if len(in.Evidence) > MaxEvidence {
		return fieldErr(prefix+"evidence", ErrLimit, ": %d items, over the limit of %d", len(in.Evidence), MaxEvidence)
	}
	for i, e := range in.Evidence {
		if (e.Document != "" || e.URL != "") && textOK(e.URL, MaxTextLen) && textOK(e.Quote, MaxTextLen) {
			continue // the field's name is needed only for its error
		}
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
	return checkAttributes(prefix+"attributes", in.Attributes)
}

// addStatement applies in within t; it returns the relation and whether a new
// statement was stored.
func (t *wtx) addStatement(prefix string, in StatementInput) (triple, bool, error) {
	if err := validateStatement(prefix, &in); err != nil {
		return triple{}, false, err
	}
	st, refs, err := t.newStatement(prefix, in)
	if err != nil {
		return triple{}, false, err
	}
	tr := triple{From: refs.from, Type: in.Type, To: refs.to}
	rel, err := t.rel(tr)
	if err != nil {
		return triple{}, false, err
	}
	relID := relationID(refs.fromID, in.Type, refs.toID)
	// A given id that is the one the content derives (an export's, read
	// back) is as good as derived.
	id := statementID(relID, in, refs.claimedID, refs.disputeID, refs.evIDs)
	derived := in.ID == uuid.Nil || in.ID == id
	if !derived {
		id = in.ID
	}
	existed := rel != nil
	if !existed {
		rel = &relRec{ID: relID}
	}
	updated := setRelationFields(rel, in)
	if existed && updated {
		if t.relUpdated == nil {
			t.relUpdated = map[triple]bool{}
		}
		t.relUpdated[tr] = true
	}
	changed := !existed || updated
	same, err := t.sameStatement(rel, relID, id)
	if err != nil {
		return triple{}, false, err
	}
	if same != nil && same.Status == Retracted && in.RetractedReason == "" {
		at, why := "", ""
		if r := same.Retraction; r != nil {
			at, why = r.At.Format(time.RFC3339), r.Reason
		}
		return tr, false, fmt.Errorf("%w: %sthis statement was recorded before and retracted at %s (%q); a retracted statement stays retracted: to say it again, add it with its new date or evidence", errRetractedAgain, prefix, at, clip(why))
	}
	added := same == nil
	if added {
		if err := t.storeStatement(prefix, rel, relID, id, derived, st, tr); err != nil {
			return triple{}, false, err
		}
		if !derived {
			// From now on a derived id may be taken on another relation.
			t.derivedIDs = false
		}
		changed = true
	}
	if changed {
		rel.Status = rel.effective()
		t.setRel(tr, rel)
	}
	return tr, added, nil
}

// stmtRefs is what the references of a statement resolve to: its
// endpoints' numbers, and the ids its own id is derived from.
type stmtRefs struct {
	from, to                           uint32
	fromID, toID, claimedID, disputeID uuid.UUID
	evIDs                              []uuid.UUID
}

// newStatement resolves in's references and returns the record of the
// statement it makes (not yet on any relation).
func (t *wtx) newStatement(prefix string, in StatementInput) (*stmtRec, stmtRefs, error) {
	var refs stmtRefs
	from, fromRec, err := t.resolveKnown(prefix+"from", in.From)
	if err != nil {
		return nil, refs, err
	}
	to, toRec, err := t.resolveKnown(prefix+"to", in.To)
	if err != nil {
		return nil, refs, err
	}
	refs.from, refs.to, refs.fromID, refs.toID = from, to, fromRec.ID, toRec.ID
	st := &stmtRec{Status: in.Status, Date: in.Date, Note: in.Note, RecordedAt: t.now}
	if in.RetractedReason != "" {
		st.Status = Retracted
		st.Retraction = &Retraction{Reason: in.RetractedReason, At: t.now, PreviousStatus: in.Status}
		if in.Status == Retracted {
			return nil, refs, fieldErr(prefix+"status", ErrInvalid, ": a retracted statement gives the status it had before")
		}
	}
	if in.ClaimedBy != "" {
		n, rec, err := t.resolveKnown(prefix+"claimedBy", in.ClaimedBy)
		if err != nil {
			return nil, refs, err
		}
		st.ClaimedBy, refs.claimedID = n, rec.ID
	}
	if in.Dispute != "" {
		n, rec, err := t.resolveKnown(prefix+"dispute", in.Dispute)
		if err != nil {
			return nil, refs, err
		}
		if rec.Kind != Dispute {
			return nil, refs, fieldErr(prefix+"dispute", ErrInvalid, ": %q is a %s, not a DISPUTE", rec.Key, rec.Kind)
		}
		st.Dispute, refs.disputeID = n, rec.ID
	}
	refs.evIDs = make([]uuid.UUID, len(in.Evidence))
	for i, e := range in.Evidence {
		ev := evRec{URL: e.URL, Quote: e.Quote}
		if e.Document != "" {
			n, rec, err := t.resolveKnown(fmt.Sprintf("%sevidence[%d].document", prefix, i), e.Document)
			if err != nil {
				return nil, refs, err
			}
			ev.Doc, refs.evIDs[i] = n, rec.ID
		}
		st.Evidence = append(st.Evidence, ev)
	}
	return st, refs, nil
}

// setRelationFields gives rel the validity and attributes in states; it
// reports whether any changed.
func setRelationFields(rel *relRec, in StatementInput) bool {
	updated := false
	if !in.ValidFrom.IsZero() && rel.ValidFrom != in.ValidFrom {
		rel.ValidFrom, updated = in.ValidFrom, true
	}
	if !in.ValidTo.IsZero() && rel.ValidTo != in.ValidTo {
		rel.ValidTo, updated = in.ValidTo, true
	}
	if attrs := setAttributes(rel.Attributes, in.Attributes); !slices.Equal(attrs, rel.Attributes) {
		rel.Attributes, updated = attrs, true
	}
	return updated
}

// storeStatement stores st, a new statement with id, on relation tr
// (record rel, id relID) and logs the change.
func (t *wtx) storeStatement(prefix string, rel *relRec, relID, id uuid.UUID, derived bool, st *stmtRec, tr triple) error {
	// An id derived from the content names its relation, so in a store
	// whose every id was derived on its relation (a fresh import's, see
	// wtx.derivedIDs) and nothing was merged (merges move statements) it
	// cannot be on another one: there is nothing to look up.
	if !derived || !t.derivedIDs || t.g.merged > 0 || t.merging {
		existing, err := t.stmt(id)
		if err != nil {
			return err
		}
		if existing != nil {
			// The id is taken by a statement now on another relation (it
			// moved in a merge): the same words said again are a new
			// statement.
			return fmt.Errorf("%w: %sstatement %s already exists on another relation", ErrConflict, prefix, id)
		}
	}
	st.Rel = tr
	t.setStmt(id, st)
	rec := changeRec{Kind: StatementAdded, Statement: id, RelID: relID}
	if docs := docsOf(st); len(docs) > 0 {
		t.logChange(rec, append([]uint32{tr.From, tr.To, st.ClaimedBy, st.Dispute}, docs...)...)
	} else {
		t.logChange(rec, tr.From, tr.To, st.ClaimedBy, st.Dispute)
	}
	mini := stmtMini{ID: id, Status: st.Status, Day: st.Date.Start(), Rec: unixSec(t.now)}
	if st.Retraction != nil {
		mini.Prev, mini.Ret = st.Retraction.PreviousStatus, mini.Rec
	}
	rel.Statements = append(rel.Statements, mini)
	return nil
}

// errRetractedAgain is the error of adding a statement that says what a
// retracted statement of the relation said. Import counts it as unchanged
// (reloading a file after a retraction changes nothing); AddStatement
// returns it.
var errRetractedAgain = fmt.Errorf("%w: already retracted", ErrConflict)

// sameStatement returns the statement of rel that says what the statement
// with id would say, or nil. Without merges a statement's id is its content,
// so the id decides. After merges the same words can hash differently (the
// relation, claimant, dispute or a document now has the id of the entity it
// was merged into), so each statement's id is derived again from its content
// as the store now resolves it.
func (t *wtx) sameStatement(rel *relRec, relID, id uuid.UUID) (*stmtRec, error) {
	for _, m := range rel.Statements {
		if m.ID == id {
			return t.stmt(id)
		}
	}
	if t.g.merged == 0 && !t.merging {
		return nil, nil
	}
	for _, m := range rel.Statements {
		st, err := t.stmt(m.ID)
		if err != nil || st == nil {
			return nil, err
		}
		again, err := t.contentID(relID, st)
		if err != nil {
			return nil, err
		}
		if again == id {
			return st, nil
		}
	}
	return nil, nil
}

// contentID is the id statement st would get if it were added now to the
// relation with id relID.
func (t *wtx) contentID(relID uuid.UUID, st *stmtRec) (uuid.UUID, error) {
	in := StatementInput{Status: st.Status, Date: st.Date, Note: st.Note}
	if st.Retraction != nil {
		in.Status = st.Retraction.PreviousStatus
	}
	idOf := func(n uint32) (uuid.UUID, error) {
		if n == 0 {
			return uuid.Nil, nil
		}
		_, rec, err := t.live(n)
		if err != nil || rec == nil {
			return uuid.Nil, err
		}
		return rec.ID, nil
	}
	claimed, err := idOf(st.ClaimedBy)
	if err != nil {
		return uuid.Nil, err
	}
	dispute, err := idOf(st.Dispute)
	if err != nil {
		return uuid.Nil, err
	}
	docs := make([]uuid.UUID, len(st.Evidence))
	for i, e := range st.Evidence {
		in.Evidence = append(in.Evidence, EvidenceInput{URL: e.URL, Quote: e.Quote})
		if docs[i], err = idOf(e.Doc); err != nil {
			return uuid.Nil, err
		}
	}
	return statementID(relID, in, claimed, dispute, docs), nil
}

// statementID derives a statement's id from its content, so the same
// statement loaded twice is stored once.
func statementID(rel uuid.UUID, in StatementInput, claimedBy, dispute uuid.UUID, docs []uuid.UUID) uuid.UUID {
	var buf [256]byte
	b := append(idBuf(buf[:]), "statement:"...)
	b = append(b, rel[:]...)
	b = append(b, byte(in.Status))
	b = append(b, claimedBy[:]...)
	b, _ = in.Date.AppendText(b)
	b = append(b, 0)
	b = append(b, dispute[:]...)
	b = appendField(b, in.Note)
	for i, e := range in.Evidence {
		b = append(b, docs[i][:]...)
		b = appendField(b, e.URL)
		b = appendField(b, e.Quote)
	}
	return nameID(b)
}

// appendField appends s length-prefixed, so that no two field lists hash alike.
func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// RetractStatement withdraws statement id with a reason: it is kept, marked
// RETRACTED with the reason, time and previous status, and its relation's
// effective status is recomputed. It returns the relation. Errors wrap
// ErrNotFound (no such statement), ErrInvalid (empty reason) or ErrConflict
// (already retracted).
func (s *Store) RetractStatement(ctx context.Context, id uuid.UUID, reason string) (*Relation, error) {
	var tr triple
	var out *Relation
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		if reason, err = retractionReason(reason, "a statement"); err != nil {
			return err
		}
		st, err := t.stmt(id)
		if err != nil {
			return err
		}
		if st == nil {
			return fmt.Errorf("%w: no statement has id %s", ErrNotFound, id)
		}
		if st.Status == Retracted {
			return fmt.Errorf("%w: statement %s is already retracted", ErrConflict, id)
		}
		st.Retraction = &Retraction{Reason: reason, At: t.now, PreviousStatus: st.Status}
		st.Status = Retracted
		t.setStmt(id, st)
		tr = st.Rel
		t.logChange(changeRec{Kind: StatementRetracted, Statement: id, Reason: reason},
			append([]uint32{tr.From, tr.To, st.ClaimedBy, st.Dispute}, docsOf(st)...)...)
		rel, err := t.rel(tr)
		if err != nil {
			return err
		}
		if rel == nil {
			return fmt.Errorf("statement %s names relation %s, which does not exist", id, tr)
		}
		for i := range rel.Statements {
			if m := &rel.Statements[i]; m.ID == id {
				m.Prev, m.Status, m.Ret = m.Status, Retracted, unixSec(t.now)
			}
		}
		rel.Status = rel.effective()
		t.setRel(tr, rel)
		return nil
	}, func(ctx context.Context) error {
		var err error
		out, err = s.relationByTriple(ctx, tr)
		return err
	})
	return out, err
}

// retractionReason checks the reason given to retract what (a statement,
// an event): required, and within the text limit. It returns it trimmed.
func retractionReason(reason, what string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", fmt.Errorf("%w: reason is required to retract %s", ErrInvalid, what)
	}
	return reason, checkText("reason", reason, MaxTextLen)
}

// AddAlias adds alias to the entity ref names and returns the entity. Errors
// wrap ErrNotFound, ErrAmbiguous or ErrInvalid.
func (s *Store) AddAlias(ctx context.Context, ref, alias string) (*Entity, error) {
	var n uint32
	var out *Entity
	err := s.updateThen(ctx, func(t *wtx) error {
		alias = strings.TrimSpace(alias)
		if err := checkText("alias", alias, MaxNameLen); err != nil {
			return err
		}
		if Normalize(alias) == "" {
			return fmt.Errorf("%w: alias %q has no letter or digit", ErrInvalid, clip(alias))
		}
		var rec *entRec
		var err error
		if n, rec, err = t.resolve("entity", ref); err != nil {
			return err
		}
		if len(rec.Aliases) >= MaxAliases {
			return fmt.Errorf("%w: %q already has %d aliases", ErrLimit, rec.Key, len(rec.Aliases))
		}
		before := len(rec.Aliases)
		mergeAliases(rec, []string{alias})
		if len(rec.Aliases) != before {
			t.touch(n)
			t.logChange(changeRec{Kind: AliasAdded, Entity: n, Alias: alias}, n)
		}
		return nil
	}, func(ctx context.Context) error {
		var err error
		out, err = s.entityByNumber(ctx, n)
		return err
	})
	return out, err
}

// MergeEntities folds duplicate into keep: every relation and statement of the
// duplicate moves to keep (joining keep's own relation of the same type and
// end where there is one), the duplicate's key, name and aliases become
// aliases of keep, its attributes fill keep's gaps, and its id resolves to
// keep from then on. It returns the kept entity. Errors wrap ErrNotFound,
// ErrAmbiguous, or ErrInvalid when both name the same entity.
func (s *Store) MergeEntities(ctx context.Context, keepRef, dupRef string) (*Entity, error) {
	var keep uint32
	var out *Entity
	err := s.updateThen(ctx, func(t *wtx) error {
		var err error
		var keepRec, dupRec *entRec
		var dup uint32
		if keep, keepRec, err = t.resolve("keep", keepRef); err != nil {
			return err
		}
		if dup, dupRec, err = t.resolve("duplicate", dupRef); err != nil {
			return err
		}
		if keep == dup {
			return fmt.Errorf("%w: keep %q and duplicate %q are the same entity (%s); cannot merge an entity into itself", ErrInvalid, keepRef, dupRef, keepRec.Key)
		}
		t.merging = true
		// Relations of the duplicate, from the cache: it equals the committed
		// state because writers are serialised.
		g := t.g
		var moving []triple
		for _, a := range g.outOf(dup) {
			moving = append(moving, triple{From: dup, Type: a.typ, To: a.other})
		}
		for _, a := range g.inOf(dup) {
			if a.other != dup {
				moving = append(moving, triple{From: a.other, Type: a.typ, To: dup})
			}
		}
		for _, old := range moving {
			if err := t.moveRelation(old, dup, keep); err != nil {
				return err
			}
		}
		mergeAliases(keepRec, append([]string{dupRec.Key, dupRec.Name}, dupRec.Aliases...))
		for _, a := range dupRec.Attributes {
			if !slices.ContainsFunc(keepRec.Attributes, func(b Attribute) bool { return b.Key == a.Key }) {
				keepRec.Attributes = setAttributes(keepRec.Attributes, []Attribute{a})
			}
		}
		if keepRec.Description == "" {
			keepRec.Description = dupRec.Description
		}
		// The merged entity must be one that a load would accept, or the
		// export of the store would not load back.
		if err := checkMerged(keepRec); err != nil {
			return err
		}
		t.touch(keep)
		if err := t.moveEvents(dup, keep); err != nil {
			return err
		}
		*dupRec = entRec{ID: dupRec.ID, Key: dupRec.Key, Kind: dupRec.Kind, Name: dupRec.Name, MergedInto: keep, Recorded: dupRec.Recorded}
		t.touch(dup)
		t.logChange(changeRec{Kind: Merged, Entity: keep, Other: dup}, keep, dup)
		t.ids[dupRec.ID] = keep
		return nil
	}, func(ctx context.Context) error {
		var err error
		out, err = s.entityByNumber(ctx, keep)
		return err
	})
	return out, err
}

// moveRelation re-homes relation old from dup to keep, joining an existing
// relation with the same new triple.
func (t *wtx) moveRelation(old triple, dup, keep uint32) error {
	rec, err := t.rel(old)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("relation %s is in the adjacency cache but not in the store", old)
	}
	nt := old
	if nt.From == dup {
		nt.From = keep
	}
	if nt.To == dup {
		nt.To = keep
	}
	target, err := t.rel(nt)
	if err != nil {
		return err
	}
	if target == nil {
		fromRec, err := t.ent(nt.From)
		if err != nil {
			return err
		}
		toRec, err := t.ent(nt.To)
		if err != nil {
			return err
		}
		target = &relRec{ID: relationID(fromRec.ID, nt.Type, toRec.ID)}
	}
	if target.ValidFrom.IsZero() {
		target.ValidFrom = rec.ValidFrom
	}
	if target.ValidTo.IsZero() {
		target.ValidTo = rec.ValidTo
	}
	for _, a := range rec.Attributes {
		if !slices.ContainsFunc(target.Attributes, func(b Attribute) bool { return b.Key == a.Key }) {
			target.Attributes = setAttributes(target.Attributes, []Attribute{a})
		}
	}
	for _, m := range rec.Statements {
		st, err := t.stmt(m.ID)
		if err != nil {
			return err
		}
		if st == nil {
			return fmt.Errorf("relation %s lists statement %s, which does not exist", old, m.ID)
		}
		st.Rel = nt
		t.setStmt(m.ID, st)
		if !slices.ContainsFunc(target.Statements, func(x stmtMini) bool { return x.ID == m.ID }) {
			target.Statements = append(target.Statements, m)
		}
	}
	target.Status = target.effective()
	t.setRel(old, nil)
	t.setRel(nt, target)
	if t.moved == nil {
		t.moved = map[triple]bool{}
	}
	t.moved[old] = true
	return nil
}

// moveEvents re-files the events of dispute dup under keep.
func (t *wtx) moveEvents(dup, keep uint32) error {
	var ids []uuid.UUID
	if err := t.r.scan(eventsOf(dup), nil, true, func(k, _ []byte) (bool, error) {
		if _, id, ok := parseEventKey(k); ok {
			ids = append(ids, id)
		}
		return true, nil
	}); err != nil {
		return err
	}
	for id, sl := range t.events {
		if sl.n == dup && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		e, err := t.event(id)
		if err != nil {
			return err
		}
		if e != nil {
			t.setEvent(id, keep, e)
		}
	}
	return nil
}

// checkMerged checks a merged entity against the limits validateEntity
// enforces on input.
func checkMerged(rec *entRec) error {
	in := EntityInput{Key: rec.Key, Kind: rec.Kind, Name: rec.Name, Aliases: rec.Aliases,
		Description: rec.Description, Attributes: rec.Attributes}
	if err := validateEntity("", &in); err != nil {
		return fmt.Errorf("the merged entity %q would break a limit: %w", rec.Key, err)
	}
	return nil
}
