package bench

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// wdLineage runs one lineage query on the store and returns its hits in the
// comparison form and the time the query took (without the conversion).
func wdLineage(ctx context.Context, s *graph.Store, d *dataset, seed string, q lineageQuery) ([]hit, time.Duration, error) {
	t := time.Now()
	hs, err := s.Lineage(ctx, seed, q.options())
	el := time.Since(t)
	if err != nil {
		return nil, 0, fmt.Errorf("whosedata lineage of %s: %w", seed, err)
	}
	out := make([]hit, len(hs))
	for i, h := range hs {
		n, ok := d.index[h.Entity.Key]
		if !ok {
			return nil, 0, fmt.Errorf("whosedata lineage of %s: hit %q is not a generated entity", seed, h.Entity.Key)
		}
		out[i] = hit{n: n, depth: int32(h.Depth), status: h.Status}
	}
	sortHits(out)
	return out, el, nil
}

// wdCompliance runs the compliance workload: Store.Compliance (commercial
// use, default options) of each seed once, seeds interleaved (hubs and random
// entities mixed) until budget is spent (0: no budget). Each answer is then
// checked, untimed, against UPSTREAM lineage of the seed: the assets must be
// the seed and exactly the DATASET, MODEL and PRODUCT hits, with their depths
// as path lengths, and the verdict and blocks must follow from the classes by
// SPEC §10.
func wdCompliance(ctx context.Context, s *graph.Store, seeds []string, budget time.Duration, log *slog.Logger) (sample, error) {
	var smp sample
	var spent time.Duration
	for k, i := range interleave(len(seeds)) {
		if budget > 0 && k > 0 && spent > budget {
			log.Warn("bench: compliance time budget spent", "seeds answered", k, "of", len(seeds))
			break
		}
		seed := seeds[i]
		t := time.Now()
		c, err := s.Compliance(ctx, seed, graph.ComplianceOptions{})
		if err != nil {
			return smp, fmt.Errorf("whosedata compliance of %s: %w", seed, err)
		}
		d := time.Since(t)
		spent += d
		smp.add(d, len(c.Assets))
		if err := checkCompliance(ctx, s, seed, c); err != nil {
			return smp, fmt.Errorf("compliance: seed %s: %w", seed, err)
		}
	}
	return smp, nil
}

func checkCompliance(ctx context.Context, s *graph.Store, seed string, c *graph.Compliance) error {
	hits, err := s.Lineage(ctx, seed, graph.LineageOptions{Direction: graph.Upstream,
		Kinds: []graph.EntityKind{graph.Dataset, graph.Model, graph.Product}})
	if err != nil {
		return err
	}
	if len(c.Assets) != len(hits)+1 || c.Assets[0].Asset.Key != seed {
		return fmt.Errorf("%d assets for %d upstream hits (plus the seed)", len(c.Assets), len(hits))
	}
	depth := map[string]int{}
	for _, h := range hits {
		depth[h.Entity.Key] = h.Depth
	}
	restricted, unknown := false, false
	for _, a := range c.Assets[1:] {
		d, ok := depth[a.Asset.Key]
		if !ok || d != len(a.Path) {
			return fmt.Errorf("asset %s: path of %d relations; lineage says depth %d (found %v)", a.Asset.Key, len(a.Path), d, ok)
		}
	}
	for _, a := range c.Assets {
		restricted = restricted || a.Class.Forbids(graph.UseCommercial)
		unknown = unknown || a.Class == graph.ClassUnspecified || a.Class == graph.ClassUnlicensed
	}
	want := graph.VerdictAllowed
	switch {
	case restricted:
		want = graph.VerdictRestricted
	case unknown:
		want = graph.VerdictUnknown
	}
	if c.Verdict != want {
		return fmt.Errorf("verdict %s; the classes give %s", c.Verdict, want)
	}
	for _, a := range c.Assets {
		blocks := (want == graph.VerdictRestricted && a.Class.Forbids(graph.UseCommercial)) ||
			(want == graph.VerdictUnknown && (a.Class == graph.ClassUnspecified || a.Class == graph.ClassUnlicensed))
		if a.Blocks != blocks {
			return fmt.Errorf("asset %s (%s): blocks %v under %s", a.Asset.Key, a.Class, a.Blocks, want)
		}
	}
	return nil
}
