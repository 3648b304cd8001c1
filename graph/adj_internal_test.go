package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTypeRuns checks that dataFlow and holding, which cut a run out of a
// list sorted by type, return exactly the entries IsDataFlow and IsHolding
// accept, for lists of every type in every mix.
func TestTypeRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		list := make([]adj, r.IntN(3*shortList)) // read in order and searched
		for i := range list {
			list[i] = adj{typ: RelationType(1 + r.IntN(int(numRelationTypes)-1)), other: uint32(r.IntN(5))}
		}
		slices.SortFunc(list, cmpAdj)
		for _, c := range []struct {
			run  func([]adj) []adj
			kind func(RelationType) bool
		}{{dataFlow, RelationType.IsDataFlow}, {holding, RelationType.IsHolding}} {
			want := slices.DeleteFunc(slices.Clone(list), func(a adj) bool { return !c.kind(a.typ) })
			if got := c.run(list); !slices.Equal(got, want) {
				t.Fatalf("list %v: run %v, want %v", list, got, want)
			}
		}
	}
}
