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

// TestSortEntities checks that the frontier sort gives what slices.Sort
// gives, on both sides of the size where it switches to radix passes, with
// one, two and three passes (numbers below 2K, 4M and 8M), reusing and
// growing its buffer from call to call.
func TestSortEntities(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var buf []uint32
	for _, n := range []int{1, 2, 300, 1 << radixBits, 1<<radixBits + 1, 1 << 22, 1<<22 + 5, 8 << 20} {
		for _, size := range []int{0, 1, 255, 256, 257, 300, 5000} {
			if size > n {
				continue
			}
			xs, have := make([]uint32, 0, size), map[uint32]bool{}
			if size > 0 {
				xs, have[uint32(n-1)] = append(xs, uint32(n-1)), true // the top bit n needs is set somewhere
			}
			for len(xs) < size {
				if x := uint32(r.IntN(n)); !have[x] {
					xs, have[x] = append(xs, x), true
				}
			}
			want := slices.Sorted(slices.Values(xs))
			buf = sortEntities(xs, buf, n)
			if !slices.Equal(xs, want) {
				t.Fatalf("n %d, %d numbers: got %v, want %v", n, size, xs, want)
			}
		}
	}
}
