package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

// The benchmark graph: 20k entities, 100k statements.
var benchCfg = synth.Config{Entities: 20000, Statements: 100000, Seed: 1}

func BenchmarkImport(b *testing.B) {
	g := synth.Generate(benchCfg)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := graph.Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Import(context.Background(), g.Batch); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(g.Batch.Statements)*b.N)/b.Elapsed().Seconds(), "statements/s")
}

// benchStore opens a store holding the benchmark graph, closed when b ends.
func benchStore(b *testing.B) (*graph.Store, *synth.Graph) {
	g := synth.Generate(benchCfg)
	s, err := graph.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Import(context.Background(), g.Batch); err != nil {
		b.Fatal(err)
	}
	return s, g
}

func benchLineage(b *testing.B, dir graph.LineageDirection, opts graph.LineageOptions) {
	s, g := benchStore(b)
	seeds := g.Seeds(100, 7)
	opts.Direction = dir
	hits := 0
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		h, err := s.Lineage(context.Background(), seeds[i%len(seeds)], opts)
		if err != nil {
			b.Fatal(err)
		}
		hits += len(h)
		i++
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
}

func BenchmarkLineageDownstream(b *testing.B) {
	benchLineage(b, graph.Downstream, graph.LineageOptions{})
}
func BenchmarkLineageUpstream(b *testing.B) { benchLineage(b, graph.Upstream, graph.LineageOptions{}) }
func BenchmarkLineageDownstreamAsOf(b *testing.B) {
	benchLineage(b, graph.Downstream, graph.LineageOptions{AsOf: graph.MustParseDate("2023-01"), MinStatus: graph.Asserted})
}
func BenchmarkLineageDownstreamPaths(b *testing.B) {
	benchLineage(b, graph.Downstream, graph.LineageOptions{Paths: true, Limit: 100})
}

// The recordedAsOf benchmarks ask as of an instant after the load, so they
// find the same hits as their plain peers: the difference is the cost of
// reading each walked relation's statement times.
func BenchmarkLineageDownstreamRecordedAsOf(b *testing.B) {
	benchLineage(b, graph.Downstream, graph.LineageOptions{RecordedAsOf: time.Now().Add(time.Hour)})
}
func BenchmarkLineageUpstreamRecordedAsOf(b *testing.B) {
	benchLineage(b, graph.Upstream, graph.LineageOptions{RecordedAsOf: time.Now().Add(time.Hour)})
}

// BenchmarkPaths asks for the five shortest paths of at most four relations
// between each of 100 seeds and the next, as the bench's paths workload
// does; one op is all 100 pairs, since a few pairs of hubs cost most.
func BenchmarkPaths(b *testing.B) {
	s, g := benchStore(b)
	seeds := g.Seeds(101, 7)
	paths := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range 100 {
			if seeds[i] == seeds[i+1] {
				continue
			}
			p, err := s.Paths(context.Background(), seeds[i], seeds[i+1], graph.PathOptions{MaxDepth: 4, First: 5})
			if err != nil {
				b.Fatal(err)
			}
			paths += len(p)
		}
	}
	b.ReportMetric(float64(paths)/float64(b.N), "paths/op")
}
