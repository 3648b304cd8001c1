package interchange

import (
	"slices"
	"strings"

	"github.com/whosedata/whosedata/graph"
)

// claimants returns the keys of the parties that make r's statements, in
// order of first appearance, without repeats.
func claimants(r *graph.Relation) []string {
	var out []string
	for _, st := range r.Statements {
		if st.ClaimedBy != nil && !slices.Contains(out, st.ClaimedBy.Key) {
			out = append(out, st.ClaimedBy.Key)
		}
	}
	return out
}

// evidenceRefs returns what r's statements cite: a document's key, else the
// URL, in order of first appearance, without repeats.
func evidenceRefs(r *graph.Relation) []string {
	var out []string
	for _, st := range r.Statements {
		for _, ev := range st.Evidence {
			ref := ev.URL
			if ev.Document != nil {
				ref = ev.Document.Key
			}
			if ref != "" && !slices.Contains(out, ref) {
				out = append(out, ref)
			}
		}
	}
	return out
}

// statementDates returns the statement dates of r, earliest first, without
// repeats; undated statements give none.
func statementDates(r *graph.Relation) []string {
	var ds []graph.Date
	for _, st := range r.Statements {
		if !st.Date.IsZero() && !slices.Contains(ds, st.Date) {
			ds = append(ds, st.Date)
		}
	}
	slices.SortFunc(ds, graph.Date.Compare)
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// attrText is attributes as "key=value" pairs joined by "; ", for formats
// whose columns are declared before the data is read.
func attrText(attrs []graph.Attribute) string {
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = a.Key + "=" + a.Value
	}
	return strings.Join(parts, "; ")
}

// aliases returns e's names other than its primary one.
func aliases(e *graph.Entity) []string {
	names := e.Names()
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !n.Primary {
			out = append(out, n.Name)
		}
	}
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
