package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/interchange"
)

// rdflibCheck parses the N-Quads with RDFLib and checks every statement the
// store holds against what RDFLib read: its own named graph holding exactly
// its triple, and in the default graph its status, claimant
// (prov:wasAttributedTo), recordedAt (prov:generatedAtTime, to the microsecond
// RDFLib keeps), date, evidence
// count and dispute.
const rdflibCheck = `
import json, sys
from rdflib import Dataset, URIRef, Literal
from rdflib.namespace import RDF, RDFS, PROV, XSD
from datetime import datetime, timedelta
nq, want = sys.argv[1], json.load(open(sys.argv[2]))
ds = Dataset()
# Triples outside any named graph go to the default graph.
ds.parse(nq, format="nquads", publicID=ds.default_context.identifier)
NS = "urn:whosedata:"
default = ds.default_context
named = {g.identifier: g for g in ds.contexts() if g.identifier != default.identifier}
bad = []
def one(s, p):
    vals = list(default.objects(s, p))
    return vals[0] if len(vals) == 1 else (None if not vals else vals)
for st in want["statements"]:
    g = URIRef("urn:uuid:" + st["id"])
    if g not in named:
        bad.append("no named graph for statement %s" % st["id"]); continue
    triples = list(named[g])
    if triples != [(URIRef("urn:uuid:" + st["from"]), URIRef(NS + st["type"]), URIRef("urn:uuid:" + st["to"]))]:
        bad.append("graph %s holds %r" % (st["id"], triples)); continue
    if one(g, URIRef(NS + "status")) != Literal(st["status"]):
        bad.append("status of %s: %r" % (st["id"], one(g, URIRef(NS + "status"))))
    claimant = one(g, PROV.wasAttributedTo)
    if (st["claimedBy"] and claimant != URIRef("urn:uuid:" + st["claimedBy"])) or (not st["claimedBy"] and claimant is not None):
        bad.append("claimant of %s: %r" % (st["id"], claimant))
    at = one(g, PROV.generatedAtTime)
    if not isinstance(at, Literal) or at.datatype != XSD.dateTime or not isinstance(at.toPython(), datetime) or abs(at.toPython() - datetime.fromisoformat(st["recordedAt"])) > timedelta(microseconds=1):
        bad.append("recordedAt of %s: %r, want %s" % (st["id"], at, st["recordedAt"]))
    d = one(g, URIRef(NS + "date"))
    if (d is None and st["date"]) or (d is not None and str(d) != st["date"]):
        bad.append("date of %s: %r, want %r" % (st["id"], d, st["date"]))
    if len(list(default.objects(g, URIRef(NS + "evidence")))) != st["evidence"]:
        bad.append("evidence of %s" % st["id"])
    if st["dispute"] and one(g, URIRef(NS + "dispute")) != URIRef("urn:uuid:" + st["dispute"]):
        bad.append("dispute of %s" % st["id"])
if len(named) != len(want["statements"]):
    bad.append("%d named graphs for %d statements" % (len(named), len(want["statements"])))
labels = 0
for e in want["entities"]:
    if one(URIRef("urn:uuid:" + e["id"]), RDFS.label) == Literal(e["name"]) and one(URIRef("urn:uuid:" + e["id"]), URIRef(NS + "key")) == Literal(e["key"]):
        labels += 1
if labels != len(want["entities"]):
    bad.append("%d of %d entities have their key and label" % (labels, len(want["entities"])))
for rel in want["relations"]:
    if one(URIRef("urn:uuid:" + rel["id"]), URIRef(NS + "effectiveStatus")) != Literal(rel["status"]):
        bad.append("effective status of relation %s" % rel["id"])
print(json.dumps({"problems": bad[:20], "count": len(bad), "graphs": len(named), "quads": len(ds)}))
`

func testNQuads(t *testing.T, s *graph.Store, w world) {
	needPython(t, "rdflib")
	out := export(t, s, func(ctx context.Context, sn *graph.Snapshot, b *bytes.Buffer) error {
		return interchange.WriteNQuads(ctx, sn, b)
	})
	dir := t.TempDir()
	nq := filepath.Join(dir, "bundled.nq")
	if err := os.WriteFile(nq, out, 0o644); err != nil {
		t.Fatal(err)
	}
	type stmt struct {
		ID         string `json:"id"`
		From       string `json:"from"`
		To         string `json:"to"`
		Type       string `json:"type"`
		Status     string `json:"status"`
		ClaimedBy  string `json:"claimedBy"`
		RecordedAt string `json:"recordedAt"`
		Date       string `json:"date"`
		Dispute    string `json:"dispute"`
		Evidence   int    `json:"evidence"`
	}
	type rel struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	type ent struct {
		ID   string `json:"id"`
		Key  string `json:"key"`
		Name string `json:"name"`
	}
	var want struct {
		Statements []stmt `json:"statements"`
		Relations  []rel  `json:"relations"`
		Entities   []ent  `json:"entities"`
	}
	id := func(e *graph.Entity) string {
		if e == nil {
			return ""
		}
		return e.ID.String()
	}
	for _, r := range w.relations {
		want.Relations = append(want.Relations, rel{r.ID.String(), r.Status.String()})
		for _, st := range r.Statements {
			d := ""
			if !st.Date.IsZero() {
				d = st.Date.String()
			}
			want.Statements = append(want.Statements, stmt{
				ID: st.ID.String(), From: r.From.ID.String(), To: r.To.ID.String(), Type: r.Type.String(),
				Status: st.Status.String(), ClaimedBy: id(st.ClaimedBy), Date: d, Dispute: id(st.Dispute),
				RecordedAt: st.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000+00:00"), Evidence: len(st.Evidence)})
		}
	}
	for _, e := range w.entities {
		want.Entities = append(want.Entities, ent{e.ID.String(), e.Key, e.Name})
	}
	wantPath := writeJSON(t, dir, "want.json", want)
	var got struct {
		Problems []string `json:"problems"`
		Count    int      `json:"count"`
		Graphs   int      `json:"graphs"`
		Quads    int      `json:"quads"`
	}
	if err := json.Unmarshal(runTool(t, python, "-c", rdflibCheck, nq, wantPath), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count > 0 {
		t.Errorf("RDFLib found %d problems in the N-Quads export:\n%s", got.Count, strings.Join(got.Problems, "\n"))
	}
	if got.Graphs != len(want.Statements) {
		t.Errorf("RDFLib read %d named graphs; the store has %d statements", got.Graphs, len(want.Statements))
	}
	t.Logf("N-Quads: %d bytes, %d quads, %d named graphs", len(out), got.Quads, got.Graphs)
}
