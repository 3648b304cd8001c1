package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/pgtest"
	"github.com/whosedata/whosedata/internal/synth"
)

// benchPostgres opens the benchmark graph (benchCfg) in a private
// PostgreSQL cluster, reporting how long the import took.
func benchPostgres(b *testing.B) *graph.Store {
	c := pgtest.Run(b)
	db, err := c.NewDatabase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	s, err := graph.OpenURL(context.Background(), c.URL(db), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	g := synth.Generate(benchCfg)
	start := time.Now()
	if _, err := s.Import(context.Background(), g.Batch); err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d entities, %d statements into PostgreSQL in %v", len(g.Batch.Entities), len(g.Batch.Statements), time.Since(start).Round(time.Millisecond))
	return s
}

// BenchmarkPostgresLineage runs the lineage workloads of benchLineage on a
// PostgreSQL store: walks run in the in-memory cache, records are read from
// the database.
func BenchmarkPostgresLineage(b *testing.B) {
	s := benchPostgres(b)
	seeds := synth.Generate(benchCfg).Seeds(100, 7)
	for _, tc := range []struct {
		name string
		dir  graph.LineageDirection
	}{{"Downstream", graph.Downstream}, {"Upstream", graph.Upstream}} {
		b.Run(tc.name, func(b *testing.B) {
			hits, i := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				h, err := s.Lineage(context.Background(), seeds[i%len(seeds)], graph.LineageOptions{Direction: tc.dir})
				if err != nil {
					b.Fatal(err)
				}
				hits += len(h)
				i++
			}
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
}
