package bench

import (
	"fmt"
	"slices"
	"strings"

	"github.com/whosedata/whosedata/graph"
)

// hit is one lineage hit as the systems are compared: the entity (by dense
// number), its depth and its status. Paths are not compared: ties between
// equally short, equally strong paths may be broken differently.
type hit struct {
	n      int32
	depth  int32
	status graph.ClaimStatus
}

// lineageQuery is one lineage workload's arguments, common to all systems.
type lineageQuery struct {
	down      bool
	minStatus graph.ClaimStatus // 0: DISPUTED
	asOf      graph.Date        // zero: none
}

func (q lineageQuery) min() graph.ClaimStatus {
	if q.minStatus == 0 {
		return graph.Disputed
	}
	return q.minStatus
}

func (q lineageQuery) options() graph.LineageOptions {
	dir := graph.Upstream
	if q.down {
		dir = graph.Downstream
	}
	return graph.LineageOptions{Direction: dir, MinStatus: q.minStatus, AsOf: q.asOf}
}

func sortHits(h []hit) {
	slices.SortFunc(h, func(a, b hit) int { return int(a.n) - int(b.n) })
}

// diffHits compares two answers (both sorted by sortHits) and describes the
// first few differences using entity keys; "" means equal.
func diffHits(d *dataset, a, b []hit, nameA, nameB string) string {
	var out []string
	i, j := 0, 0
	add := func(s string) {
		if len(out) < 5 {
			out = append(out, s)
		} else if len(out) == 5 {
			out = append(out, "…")
		}
	}
	show := func(h hit) string { return fmt.Sprintf("%s (depth %d, %s)", d.keys[h.n], h.depth, h.status) }
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i].n < b[j].n):
			add(fmt.Sprintf("only %s has %s", nameA, show(a[i])))
			i++
		case i >= len(a) || b[j].n < a[i].n:
			add(fmt.Sprintf("only %s has %s", nameB, show(b[j])))
			j++
		default:
			if a[i] != b[j] {
				add(fmt.Sprintf("%s: %s says depth %d %s, %s says depth %d %s", d.keys[a[i].n], nameA, a[i].depth, a[i].status,
					nameB, b[j].depth, b[j].status))
			}
			i++
			j++
		}
	}
	if len(out) == 0 {
		return ""
	}
	return fmt.Sprintf("%d vs %d hits; %s", len(a), len(b), strings.Join(out, "; "))
}
