package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// wdLineage runs one lineage query on the store and returns its hits in the
// comparison form.
func wdLineage(ctx context.Context, s *graph.Store, d *dataset, seed string, q lineageQuery) ([]hit, error) {
	hs, err := s.Lineage(ctx, seed, q.options())
	if err != nil {
		return nil, fmt.Errorf("whosedata lineage of %s: %w", seed, err)
	}
	out := make([]hit, len(hs))
	for i, h := range hs {
		n, ok := d.index[h.Entity.Key]
		if !ok {
			return nil, fmt.Errorf("whosedata lineage of %s: hit %q is not a generated entity", seed, h.Entity.Key)
		}
		out[i] = hit{n: n, depth: int32(h.Depth), status: h.Status}
	}
	sortHits(out)
	return out, nil
}

// wdPaths runs the paths workload: k = 5 shortest paths of at most 4
// relations between consecutive seeds.
func wdPaths(ctx context.Context, s *graph.Store, seeds []string, reps int) (sample, error) {
	var smp sample
	for range reps {
		for i, a := range seeds {
			b := seeds[(i+1)%len(seeds)]
			t := time.Now()
			ps, err := s.Paths(ctx, a, b, graph.PathOptions{MaxDepth: 4, First: 5})
			if err != nil {
				return smp, fmt.Errorf("whosedata paths %s–%s: %w", a, b, err)
			}
			smp.add(time.Since(t), len(ps))
		}
	}
	return smp, nil
}
