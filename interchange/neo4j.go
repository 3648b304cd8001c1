package interchange

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// The files of a neo4j-csv export, and the header of each in the format of
// `neo4j-admin database import full`: name:type, the special :ID, :LABEL,
// :START_ID, :END_ID and :TYPE columns, arrays as type[] split on ";".
const (
	Neo4jNodesFile         = "nodes.csv"
	Neo4jRelationshipsFile = "relationships.csv"
)

var (
	neo4jNodeHeader = []string{"id:ID", ":LABEL", "key", "kind", "name", "aliases:string[]", "description",
		"attributes", "recordedAt:datetime"}
	neo4jRelHeader = []string{":START_ID", ":END_ID", ":TYPE", "id", "status", "validFrom:date", "validTo:date",
		"attributes", "statements:int", "statementIds:string[]", "statuses:string[]", "claimants:string[]",
		"dates:string[]", "evidence:string[]", "disputes:string[]", "recordedAt:datetime[]"}
)

// neo4jLabels are the labels of each kind: every node is an Entity too.
func neo4jLabel(k graph.EntityKind) string {
	s := strings.ToLower(k.String())
	return "Entity;" + strings.ToUpper(s[:1]) + s[1:]
}

// WriteNeo4jCSV writes the graph as the two CSV files neo4j-admin's import
// reads (README: the import command): nodes, one row per entity, id:ID its
// UUID, :LABEL Entity and its kind (Organization, Dataset, …); and
// relationships, one row per relation with its type as :TYPE, its effective
// status, validity (:date; a partial date reads as the start of its period)
// and attributes ("key=value; …"), and its statements as parallel arrays:
// statementIds, statuses, claimants (keys, "" for none), dates, evidence (the
// statement's documents' keys or URLs joined by a space), disputes and
// recordedAt. A ";" inside an array element becomes ","; text fields may hold
// line breaks (import with --multiline-fields=true). It returns the
// snapshot's, ctx's or a writer's first error.
func WriteNeo4jCSV(ctx context.Context, sn *graph.Snapshot, nodes, relationships io.Writer) error {
	nb, rb := bufio.NewWriterSize(nodes, 64<<10), bufio.NewWriterSize(relationships, 64<<10)
	nw, rw := csv.NewWriter(nb), csv.NewWriter(rb)
	if err := nw.Write(neo4jNodeHeader); err != nil {
		return err
	}
	err := sn.ForEachEntity(ctx, func(e *graph.Entity) error {
		rec := ""
		if !e.RecordedAt.IsZero() {
			rec = e.RecordedAt.UTC().Format(time.RFC3339Nano)
		}
		return nw.Write([]string{e.ID.String(), neo4jLabel(e.Kind), e.Key, e.Kind.String(), e.Name,
			neo4jArray(aliases(e)), e.Description, attrText(e.Attributes), rec})
	})
	if err != nil {
		return err
	}
	if err := rw.Write(neo4jRelHeader); err != nil {
		return err
	}
	err = sn.ForEachRelation(ctx, func(r *graph.Relation) error {
		n := len(r.Statements)
		ids, statuses, cl, dates, ev, disputes, rec := make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, st := range r.Statements {
			ids[i], statuses[i] = st.ID.String(), st.Status.String()
			if st.ClaimedBy != nil {
				cl[i] = st.ClaimedBy.Key
			}
			if !st.Date.IsZero() {
				dates[i] = st.Date.String()
			}
			refs := make([]string, 0, len(st.Evidence))
			for _, e := range st.Evidence {
				if e.Document != nil {
					refs = append(refs, e.Document.Key)
				} else if e.URL != "" {
					refs = append(refs, strings.ReplaceAll(e.URL, " ", "%20"))
				}
			}
			ev[i] = strings.Join(refs, " ")
			if st.Dispute != nil {
				disputes[i] = st.Dispute.Key
			}
			rec[i] = st.RecordedAt.UTC().Format(time.RFC3339Nano)
		}
		vf, vt := "", ""
		if !r.ValidFrom.IsZero() {
			vf = r.ValidFrom.String()
		}
		if !r.ValidTo.IsZero() {
			vt = r.ValidTo.String()
		}
		return rw.Write([]string{r.From.ID.String(), r.To.ID.String(), r.Type.String(), r.ID.String(),
			r.Status.String(), vf, vt, attrText(r.Attributes), strconv.Itoa(n), neo4jArray(ids),
			neo4jArray(statuses), neo4jArray(cl), neo4jArray(dates), neo4jArray(ev), neo4jArray(disputes), neo4jArray(rec)})
	})
	if err != nil {
		return err
	}
	for _, w := range []*csv.Writer{nw, rw} {
		if w.Flush(); w.Error() != nil {
			return w.Error()
		}
	}
	if err := nb.Flush(); err != nil {
		return err
	}
	return rb.Flush()
}

// neo4jArray joins an array column's elements with the import's default
// array delimiter, ";", which the elements themselves then cannot hold.
func neo4jArray(xs []string) string {
	for i, x := range xs {
		xs[i] = strings.ReplaceAll(x, ";", ",")
	}
	return strings.Join(xs, ";")
}
