package interchange

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// The vocabularies of WriteNQuads. NS is whosedata's own (README: "The
// N-Quads vocabulary"): a relation type is NS+"TRAINED_ON", a kind
// NS+"MODEL", an attribute NS+"attr:"+key.
const (
	NS   = "urn:whosedata:"
	rdf  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	rdfs = "http://www.w3.org/2000/01/rdf-schema#"
	xsd  = "http://www.w3.org/2001/XMLSchema#"
	prov = "http://www.w3.org/ns/prov#"
)

// WriteNQuads writes the graph as RDF 1.1 N-Quads, in the nanopublication
// manner. Each statement is a named graph, urn:uuid:{statement id}, holding
// its one triple (from, NS+TYPE, to); the default graph describes it: a
// prov:Entity of type NS+"Statement" with prov:wasAttributedTo its claimant,
// prov:generatedAtTime its recordedAt, NS+"status", NS+"date" (xsd:date,
// gYearMonth or gYear), NS+"evidence" nodes (NS+"document", NS+"url",
// NS+"quote", also as prov:wasDerivedFrom), NS+"dispute", NS+"relation" and,
// when retracted, NS+"retracted" (the reason), NS+"previousStatus" and
// prov:invalidatedAtTime. Relations are urn:uuid:{relation id}, reified with
// rdf:subject, rdf:predicate and rdf:object, and carry NS+"effectiveStatus",
// NS+"validFrom", NS+"validTo" and attributes. Entities are
// urn:uuid:{entity id}: rdf:type NS+KIND (and prov:Agent for organisations
// and people), rdfs:label, NS+"key", NS+"alias", rdfs:comment, attributes
// and, for disputes, NS+"event" nodes. It returns the snapshot's, ctx's or
// w's first error.
func WriteNQuads(ctx context.Context, sn *graph.Snapshot, w io.Writer) error {
	q := &quadWriter{w: bufio.NewWriterSize(w, 64<<10)}
	err := sn.ForEachEntity(ctx, func(e *graph.Entity) error {
		q.entity(e)
		if e.Kind != graph.Dispute {
			return q.err
		}
		evs, err := sn.Events(ctx, e.Key)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			q.event(e, ev)
		}
		return q.err
	})
	if err != nil {
		return err
	}
	err = sn.ForEachRelation(ctx, func(r *graph.Relation) error {
		q.relation(r)
		for _, st := range r.Statements {
			q.statement(r, st)
		}
		return q.err
	})
	if err != nil {
		return err
	}
	if q.err != nil {
		return q.err
	}
	return q.w.Flush()
}

type quadWriter struct {
	w   *bufio.Writer
	err error
}

// term is one N-Quads term, already encoded.
type term string

func iri(s string) term         { return term("<" + escapeIRI(s) + ">") }
func node(id string) term       { return term("<urn:uuid:" + id + ">") }
func blank(label string) term   { return term("_:" + label) }
func ns(local string) term      { return iri(NS + local) }
func lit(s string) term         { return term(`"` + escapeLiteral(s) + `"`) }
func typed(s, dt string) term   { return term(`"` + escapeLiteral(s) + `"^^<` + dt + `>`) }
func dateTime(t time.Time) term { return typed(t.UTC().Format(time.RFC3339Nano), xsd+"dateTime") }

// date is a partial date as the XML Schema type of its precision.
func date(d graph.Date) term {
	s := d.String()
	switch {
	case d.Day != 0:
		return typed(s, xsd+"date")
	case d.Month != 0:
		return typed(s, xsd+"gYearMonth")
	}
	return typed(s, xsd+"gYear")
}

// link is a URL as an IRI when it is an absolute one, else as an
// xsd:anyURI literal (RDF has no relative IRIs in N-Quads).
func link(u string) term {
	if p, err := url.Parse(u); err == nil && p.Scheme != "" && p.Opaque == "" && p.Host != "" {
		return iri(u)
	}
	return typed(u, xsd+"anyURI")
}

func (q *quadWriter) quad(s, p, o term, g term) {
	if q.err != nil {
		return
	}
	q.w.WriteString(string(s))
	q.w.WriteByte(' ')
	q.w.WriteString(string(p))
	q.w.WriteByte(' ')
	q.w.WriteString(string(o))
	if g != "" {
		q.w.WriteByte(' ')
		q.w.WriteString(string(g))
	}
	_, q.err = q.w.WriteString(" .\n")
}

func (q *quadWriter) triple(s, p, o term) { q.quad(s, p, o, "") }

func (q *quadWriter) attrs(s term, attrs []graph.Attribute) {
	for _, a := range attrs {
		q.triple(s, ns("attr:"+url.PathEscape(a.Key)), lit(a.Value))
	}
}

func (q *quadWriter) entity(e *graph.Entity) {
	s := node(e.ID.String())
	q.triple(s, iri(rdf+"type"), ns(e.Kind.String()))
	if e.Kind == graph.Organization || e.Kind == graph.Person {
		q.triple(s, iri(rdf+"type"), iri(prov+"Agent"))
	}
	q.triple(s, ns("key"), lit(e.Key))
	q.triple(s, iri(rdfs+"label"), lit(e.Name))
	for i, n := range e.Names() {
		if n.Primary {
			continue
		}
		q.triple(s, ns("alias"), lit(n.Name))
		if n.ValidFrom.IsZero() && n.ValidTo.IsZero() {
			continue
		}
		b := blank("n" + strings.ReplaceAll(e.ID.String(), "-", "") + "x" + strconv.Itoa(i))
		q.triple(s, ns("name"), b)
		q.triple(b, iri(rdfs+"label"), lit(n.Name))
		if !n.ValidFrom.IsZero() {
			q.triple(b, ns("validFrom"), date(n.ValidFrom))
		}
		if !n.ValidTo.IsZero() {
			q.triple(b, ns("validTo"), date(n.ValidTo))
		}
	}
	if e.Description != "" {
		q.triple(s, iri(rdfs+"comment"), lit(e.Description))
	}
	q.attrs(s, e.Attributes)
	if !e.RecordedAt.IsZero() {
		q.triple(s, iri(prov+"generatedAtTime"), dateTime(e.RecordedAt))
	}
}

func (q *quadWriter) event(d *graph.Entity, ev graph.DisputeEvent) {
	s := node(ev.ID.String())
	q.triple(node(d.ID.String()), ns("event"), s)
	q.triple(s, iri(rdf+"type"), ns("DisputeEvent"))
	q.triple(s, ns("date"), date(ev.Date))
	q.triple(s, ns("status"), lit(ev.Status.String()))
	q.triple(s, iri(rdfs+"comment"), lit(ev.Summary))
	if ev.Forum != "" {
		q.triple(s, ns("forum"), lit(ev.Forum))
	}
	q.evidence(s, "v"+strings.ReplaceAll(ev.ID.String(), "-", ""), ev.Evidence)
	q.triple(s, iri(prov+"generatedAtTime"), dateTime(ev.RecordedAt))
	q.retraction(s, ev.Retraction)
}

func (q *quadWriter) relation(r *graph.Relation) {
	s := node(r.ID.String())
	q.triple(s, iri(rdf+"type"), ns("Relation"))
	q.triple(s, iri(rdf+"subject"), node(r.From.ID.String()))
	q.triple(s, iri(rdf+"predicate"), ns(r.Type.String()))
	q.triple(s, iri(rdf+"object"), node(r.To.ID.String()))
	q.triple(s, ns("effectiveStatus"), lit(r.Status.String()))
	if !r.ValidFrom.IsZero() {
		q.triple(s, ns("validFrom"), date(r.ValidFrom))
	}
	if !r.ValidTo.IsZero() {
		q.triple(s, ns("validTo"), date(r.ValidTo))
	}
	q.attrs(s, r.Attributes)
}

func (q *quadWriter) statement(r *graph.Relation, st *graph.Statement) {
	g := node(st.ID.String())
	q.quad(node(r.From.ID.String()), ns(r.Type.String()), node(r.To.ID.String()), g)
	q.triple(g, iri(rdf+"type"), ns("Statement"))
	q.triple(g, iri(rdf+"type"), iri(prov+"Entity"))
	q.triple(g, ns("relation"), node(r.ID.String()))
	q.triple(g, ns("status"), lit(st.Status.String()))
	if st.ClaimedBy != nil {
		q.triple(g, iri(prov+"wasAttributedTo"), node(st.ClaimedBy.ID.String()))
	}
	if !st.Date.IsZero() {
		q.triple(g, ns("date"), date(st.Date))
	}
	q.triple(g, iri(prov+"generatedAtTime"), dateTime(st.RecordedAt))
	if st.Dispute != nil {
		q.triple(g, ns("dispute"), node(st.Dispute.ID.String()))
	}
	if st.Note != "" {
		q.triple(g, iri(rdfs+"comment"), lit(st.Note))
	}
	q.evidence(g, "e"+strings.ReplaceAll(st.ID.String(), "-", ""), st.Evidence)
	q.retraction(g, st.Retraction)
}

func (q *quadWriter) evidence(s term, label string, evs []graph.Evidence) {
	for i, ev := range evs {
		b := blank(label + "x" + strconv.Itoa(i))
		q.triple(s, ns("evidence"), b)
		if ev.Document != nil {
			doc := node(ev.Document.ID.String())
			q.triple(b, ns("document"), doc)
			q.triple(s, iri(prov+"wasDerivedFrom"), doc)
		}
		if ev.URL != "" {
			u := link(ev.URL)
			q.triple(b, ns("url"), u)
			if strings.HasPrefix(string(u), "<") {
				q.triple(s, iri(prov+"wasDerivedFrom"), u)
			}
		}
		if ev.Quote != "" {
			q.triple(b, ns("quote"), lit(ev.Quote))
		}
	}
}

func (q *quadWriter) retraction(s term, r *graph.Retraction) {
	if r == nil {
		return
	}
	q.triple(s, ns("retracted"), lit(r.Reason))
	if r.PreviousStatus != 0 {
		q.triple(s, ns("previousStatus"), lit(r.PreviousStatus.String()))
	}
	if !r.At.IsZero() {
		q.triple(s, iri(prov+"invalidatedAtTime"), dateTime(r.At))
	}
}

// escapeLiteral escapes a string for STRING_LITERAL_QUOTE: quote, backslash
// and line breaks; other characters are written as they are (UTF-8).
func escapeLiteral(s string) string {
	if !strings.ContainsAny(s, "\"\\\n\r") {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// escapeIRI percent-encodes the characters IRIREF forbids: controls, space
// and <>"{}|^`\.
func escapeIRI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || strings.IndexByte("<>\"{}|^`\\", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
