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

// networkxCheck reads the GraphML with NetworkX and compares every node and
// edge with what the store holds: counts, typed attributes (statements is
// an int), keys, kinds, names, types, effective statuses, validity and
// claimants.
const networkxCheck = `
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1], force_multigraph=True, edge_key_type=str)
want = json.load(open(sys.argv[2]))
bad = []
if not g.is_directed(): bad.append("not directed")
for n in want["nodes"]:
    if n["key"] not in g.nodes: bad.append("no node " + n["key"]); continue
    a = g.nodes[n["key"]]
    for f in ("key", "kind", "name"):
        if a.get(f) != n[f]: bad.append("node %s %s: %r" % (n["key"], f, a.get(f)))
for e in want["edges"]:
    d = g.get_edge_data(e["from"], e["to"], key=e["id"])
    if d is None: bad.append("no edge " + e["id"]); continue
    for f in ("type", "status", "statements", "claimants", "validFrom", "validTo"):
        if d.get(f) != e.get(f): bad.append("edge %s %s: %r, want %r" % (e["id"], f, d.get(f), e.get(f)))
    if not isinstance(d.get("statements"), int): bad.append("edge %s statements is not an int" % e["id"])
print(json.dumps({"problems": bad[:20], "count": len(bad), "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}))
`

func testGraphML(t *testing.T, s *graph.Store, w world) {
	needPython(t, "networkx")
	out := export(t, s, func(ctx context.Context, sn *graph.Snapshot, b *bytes.Buffer) error {
		return interchange.WriteGraphML(ctx, sn, b)
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "bundled.graphml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	type node struct {
		Key  string `json:"key"`
		Kind string `json:"kind"`
		Name string `json:"name"`
	}
	type edge struct {
		ID         string `json:"id"`
		From       string `json:"from"`
		To         string `json:"to"`
		Type       string `json:"type"`
		Status     string `json:"status"`
		Statements int    `json:"statements"`
		Claimants  string `json:"claimants,omitempty"`
		ValidFrom  string `json:"validFrom,omitempty"`
		ValidTo    string `json:"validTo,omitempty"`
	}
	var want struct {
		Nodes []node `json:"nodes"`
		Edges []edge `json:"edges"`
	}
	for _, e := range w.entities {
		want.Nodes = append(want.Nodes, node{e.Key, e.Kind.String(), e.Name})
	}
	for _, r := range w.relations {
		var cl []string
		for _, st := range r.Statements {
			if st.ClaimedBy != nil && !containsTest(cl, st.ClaimedBy.Key) {
				cl = append(cl, st.ClaimedBy.Key)
			}
		}
		e := edge{ID: r.ID.String(), From: r.From.Key, To: r.To.Key, Type: r.Type.String(), Status: r.Status.String(),
			Statements: len(r.Statements), Claimants: strings.Join(cl, "; ")}
		if !r.ValidFrom.IsZero() {
			e.ValidFrom = r.ValidFrom.String()
		}
		if !r.ValidTo.IsZero() {
			e.ValidTo = r.ValidTo.String()
		}
		want.Edges = append(want.Edges, e)
	}
	var got struct {
		Problems []string `json:"problems"`
		Count    int      `json:"count"`
		Nodes    int      `json:"nodes"`
		Edges    int      `json:"edges"`
	}
	if err := json.Unmarshal(runTool(t, python, "-c", networkxCheck, path, writeJSON(t, dir, "want.json", want)), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count > 0 {
		t.Errorf("NetworkX found %d problems in the GraphML export:\n%s", got.Count, strings.Join(got.Problems, "\n"))
	}
	if got.Nodes != len(w.entities) || got.Edges != len(w.relations) {
		t.Errorf("NetworkX read %d nodes and %d edges; the store has %d entities and %d relations", got.Nodes, got.Edges, len(w.entities), len(w.relations))
	}
	t.Logf("GraphML: %d bytes, %d nodes, %d edges", len(out), got.Nodes, got.Edges)
}

func containsTest(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
