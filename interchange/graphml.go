package interchange

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/whosedata/whosedata/graph"
)

// graphMLKeys are the typed attributes WriteGraphML declares: id, what they
// are on, and their GraphML type. A value a node or edge does not have is
// left out (GraphML's default: missing).
var graphMLKeys = []struct{ id, on, typ string }{
	{"key", "node", "string"},
	{"kind", "node", "string"},
	{"name", "node", "string"},
	{"aliases", "node", "string"},
	{"description", "node", "string"},
	{"attributes", "node", "string"},
	{"type", "edge", "string"},
	{"status", "edge", "string"},
	{"validFrom", "edge", "string"},
	{"validTo", "edge", "string"},
	{"statements", "edge", "int"},
	{"claimants", "edge", "string"},
	{"dates", "edge", "string"},
	{"evidence", "edge", "string"},
	{"attributes", "edge", "string"},
}

// WriteGraphML writes the graph as one directed GraphML graph: a node per
// entity, its id the entity's key, with key, kind, name, aliases,
// description and attributes; an edge per relation, its id the relation's,
// with type, status (effective), validFrom, validTo, statements (how many),
// claimants (their keys), dates and evidence (documents' keys or URLs), lists
// joined by "; ". Every attribute is declared with a typed <key>. It returns
// the snapshot's, ctx's or w's first error.
func WriteGraphML(ctx context.Context, sn *graph.Snapshot, w io.Writer) error {
	x := &xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}
	x.raw(xml.Header)
	x.raw(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for _, k := range graphMLKeys {
		x.raw(`  <key id="` + k.on[:1] + "_" + k.id + `" for="` + k.on + `" attr.name="` + k.id + `" attr.type="` + k.typ + `"/>` + "\n")
	}
	x.raw(`  <graph id="whosedata" edgedefault="directed">` + "\n")
	err := sn.ForEachEntity(ctx, func(e *graph.Entity) error {
		x.raw(`    <node id="`)
		x.text(e.Key)
		x.raw(`">`)
		x.data("n_key", e.Key)
		x.data("n_kind", e.Kind.String())
		x.data("n_name", e.Name)
		x.data("n_aliases", strings.Join(aliases(e), "; "))
		x.data("n_description", e.Description)
		x.data("n_attributes", attrText(e.Attributes))
		x.raw("</node>\n")
		return x.err
	})
	if err != nil {
		return err
	}
	err = sn.ForEachRelation(ctx, func(r *graph.Relation) error {
		x.raw(`    <edge id="` + r.ID.String() + `" source="`)
		x.text(r.From.Key)
		x.raw(`" target="`)
		x.text(r.To.Key)
		x.raw(`">`)
		x.data("e_type", r.Type.String())
		x.data("e_status", r.Status.String())
		if !r.ValidFrom.IsZero() {
			x.data("e_validFrom", r.ValidFrom.String())
		}
		if !r.ValidTo.IsZero() {
			x.data("e_validTo", r.ValidTo.String())
		}
		x.data("e_statements", strconv.Itoa(len(r.Statements)))
		x.data("e_claimants", strings.Join(claimants(r), "; "))
		x.data("e_dates", strings.Join(statementDates(r), "; "))
		x.data("e_evidence", strings.Join(evidenceRefs(r), "; "))
		x.data("e_attributes", attrText(r.Attributes))
		x.raw("</edge>\n")
		return x.err
	})
	if err != nil {
		return err
	}
	x.raw("  </graph>\n</graphml>\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// text writes s escaped for XML text and attribute values; characters XML
// cannot hold become U+FFFD.
func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// data writes a <data> element, or nothing for an empty value.
func (x *xmlWriter) data(key, value string) {
	if value == "" {
		return
	}
	x.raw(`<data key="` + key + `">`)
	x.text(value)
	x.raw(`</data>`)
}
