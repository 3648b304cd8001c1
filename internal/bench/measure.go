package bench

import (
	"slices"
	"time"
)

// sample collects per-operation latencies and the items they produced.
type sample struct {
	lat   []time.Duration
	items int
	total time.Duration // wall time of the whole run (differs from the sum under concurrency)
}

func (s *sample) add(d time.Duration, items int) {
	s.lat = append(s.lat, d)
	s.items += items
	s.total += d
}

// result turns a sample into a row: throughput from the wall time, latency
// percentiles from the individual operations.
func (s *sample) result(workload, system string) Result {
	r := Result{Workload: workload, System: system, Ops: len(s.lat)}
	if len(s.lat) == 0 || s.total <= 0 {
		return r
	}
	sec := s.total.Seconds()
	r.OpsPerS = float64(len(s.lat)) / sec
	r.ItemsPerS = float64(s.items) / sec
	sorted := slices.Clone(s.lat)
	slices.Sort(sorted)
	pct := func(p float64) float64 {
		i := int(p * float64(len(sorted)-1))
		return float64(sorted[i]) / float64(time.Millisecond)
	}
	r.P50ms, r.P99ms = pct(0.50), pct(0.99)
	return r
}
