package interchange

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path"
	"strings"
	"unicode/utf16"

	"github.com/whosedata/whosedata/graph"
)

// ftmEntity is one FollowTheMoney entity: every property is a list of
// strings.
type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// The longest values FollowTheMoney's property types take (its model's
// maxLength, in UTF-16 code units): names, strings, and text.
const (
	ftmName   = 384
	ftmString = 1024
	ftmText   = 65000
	ftmURL    = 4096
)

// ftmSchema is the FollowTheMoney schema of an entity kind. Datasets, models,
// products and licences are Asset, the thing that can be owned (FtM's
// License schema is a concession contract, not a licence to use).
func ftmSchema(k graph.EntityKind) string {
	switch k {
	case graph.Organization:
		return "Organization"
	case graph.Person:
		return "Person"
	case graph.Dispute:
		return "CourtCase"
	case graph.Document:
		return "Document"
	}
	return "Asset"
}

// WriteFTM writes the graph as FollowTheMoney entities, one JSON object a
// line. Entities keep their whosedata UUID as id (stable across exports and
// stores): organisations are Organization, people Person, disputes
// CourtCase (status, fileDate, court from its attributes), documents
// Document (title, sourceUrl, publisher, publishedAt; fileName is the last
// part of its URL or key, which the schema requires), and datasets, models,
// products and licences Asset. Each statement is one link entity with the
// statement's id: Ownership for OWNS of an Asset, CourtCaseParty for
// PARTY_TO a dispute, Employment for a person EMPLOYED_BY an organisation,
// Directorship for LEADS and BOARD_MEMBER_OF an organisation, and
// UnknownLink (role: the relation type) for the rest; each carries the
// statement's status, date, claimant (publisher), evidence (sourceUrl, the
// quotes as summary), note (description), the relation's validity
// (startDate, endDate) and its relation's id (recordId). It returns the
// snapshot's, ctx's or w's first error.
func WriteFTM(ctx context.Context, sn *graph.Snapshot, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := sn.ForEachEntity(ctx, func(e *graph.Entity) error {
		f := ftmOfEntity(e)
		if e.Kind == graph.Dispute {
			// A case's status is derived from its events (SPEC §8).
			ds, err := sn.DisputeState(ctx, e.ID.String(), graph.Date{})
			if err != nil {
				return err
			}
			if ds.Status != 0 {
				ftmProps(f.Properties).add("status", ftmString, ds.Status.String())
			}
		}
		return enc.Encode(f)
	})
	if err != nil {
		return err
	}
	err = sn.ForEachRelation(ctx, func(r *graph.Relation) error {
		for _, st := range r.Statements {
			if err := enc.Encode(ftmOfStatement(r, st)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

type ftmProps map[string][]string

// add appends the non-empty values, clipped to max, without repeats.
func (p ftmProps) add(prop string, max int, values ...string) {
	for _, v := range values {
		v = clip(strings.TrimSpace(v), max)
		if v == "" {
			continue
		}
		dup := false
		for _, x := range p[prop] {
			dup = dup || x == v
		}
		if !dup {
			p[prop] = append(p[prop], v)
		}
	}
}

func ftmOfEntity(e *graph.Entity) ftmEntity {
	schema := ftmSchema(e.Kind)
	p := ftmProps{}
	if schema == "Document" {
		p.add("title", ftmString, e.Name)
		name := e.Attr("url")
		if name != "" {
			name = strings.TrimSuffix(name, "/")
		} else {
			name = e.Key
		}
		p.add("fileName", ftmString, path.Base(name))
		p.add("publisher", ftmString, e.Attr("publisher"))
		if d, err := graph.ParseDate(e.Attr("publishedAt")); err == nil && !d.IsZero() {
			p.add("publishedAt", ftmString, d.String())
		}
	}
	p.add("name", ftmName, e.Name)
	p.add("alias", ftmName, aliases(e)...)
	p.add("description", ftmText, e.Description)
	if u := e.Attr("url"); isURL(u) {
		p.add("sourceUrl", ftmURL, u)
	}
	if schema == "CourtCase" {
		p.add("court", ftmString, e.Attr("forum"))
		if d, err := graph.ParseDate(e.Attr("date")); err == nil && !d.IsZero() {
			p.add("fileDate", ftmString, d.String())
		}
	}
	if e.Kind == graph.Organization || e.Kind == graph.Person {
		if u := e.Attr("website"); isURL(u) {
			p.add("website", ftmURL, u)
		}
	}
	if schema == "Asset" {
		p.add("notes", ftmText, "whosedata kind: "+e.Kind.String())
	}
	return ftmEntity{ID: e.ID.String(), Schema: schema, Properties: p}
}

func isLegalEntity(k graph.EntityKind) bool { return k == graph.Organization || k == graph.Person }

func ftmOfStatement(r *graph.Relation, st *graph.Statement) ftmEntity {
	p := ftmProps{}
	from, to := r.From.ID.String(), r.To.ID.String()
	schema := "UnknownLink"
	switch {
	case r.Type == graph.Owns && isLegalEntity(r.From.Kind) && ftmSchema(r.To.Kind) == "Asset":
		schema = "Ownership"
		p.add("owner", ftmString, from)
		p.add("asset", ftmString, to)
	case r.Type == graph.PartyTo && r.To.Kind == graph.Dispute:
		schema = "CourtCaseParty"
		p.add("party", ftmString, from)
		p.add("case", ftmString, to)
	case r.Type == graph.EmployedBy && r.From.Kind == graph.Person && r.To.Kind == graph.Organization:
		schema = "Employment"
		p.add("employee", ftmString, from)
		p.add("employer", ftmString, to)
	case (r.Type == graph.Leads || r.Type == graph.BoardMemberOf) && isLegalEntity(r.From.Kind) && r.To.Kind == graph.Organization:
		schema = "Directorship"
		p.add("director", ftmString, from)
		p.add("organization", ftmString, to)
	default:
		p.add("subject", ftmString, from)
		p.add("object", ftmString, to)
	}
	role := r.Type.String()
	if schema != "UnknownLink" {
		role = ""
	}
	for _, a := range r.Attributes {
		if a.Key == "role" {
			role = strings.TrimSpace(role + " " + a.Value)
		}
	}
	p.add("role", ftmString, role)
	p.add("status", ftmString, st.Status.String())
	if !st.Date.IsZero() {
		p.add("date", ftmString, st.Date.String())
	}
	if !r.ValidFrom.IsZero() {
		p.add("startDate", ftmString, r.ValidFrom.String())
	}
	if !r.ValidTo.IsZero() {
		p.add("endDate", ftmString, r.ValidTo.String())
	}
	if st.ClaimedBy != nil {
		p.add("publisher", ftmString, st.ClaimedBy.Name)
	}
	for _, ev := range st.Evidence {
		u := ev.URL
		if u == "" && ev.Document != nil {
			u = ev.Document.Attr("url")
		}
		if isURL(u) {
			p.add("sourceUrl", ftmURL, u)
		}
		p.add("summary", ftmText, ev.Quote)
	}
	desc := st.Note
	if len(r.Attributes) > 0 {
		desc = strings.TrimSpace(desc + "\n" + attrText(r.Attributes))
	}
	if st.Retraction != nil {
		desc = strings.TrimSpace(desc + "\nretracted: " + st.Retraction.Reason)
	}
	p.add("description", ftmText, desc)
	p.add("recordId", ftmString, r.ID.String())
	return ftmEntity{ID: st.ID.String(), Schema: schema, Properties: p}
}

// isURL reports whether u looks like what FtM's url type keeps: http(s).
func isURL(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// clip shortens s to at most max UTF-16 code units (how FollowTheMoney's
// JavaScript model measures), on a rune boundary.
func clip(s string, max int) string {
	n := 0
	for i, c := range s {
		n += len(utf16.Encode([]rune{c}))
		if n > max {
			return s[:i]
		}
	}
	return s
}
