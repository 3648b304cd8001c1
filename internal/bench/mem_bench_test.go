package bench

import (
	"context"
	"flag"
	"runtime"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

var (
	harnessEntities   = flag.Int("harness.entities", 20_000, "entities for BenchmarkHarnessMemory")
	harnessStatements = flag.Int("harness.statements", 100_000, "statements for BenchmarkHarnessMemory")
)

// BenchmarkHarnessMemory reports the heap the benchmark itself holds for a
// graph of -harness.entities and -harness.statements (no system under
// test): the source's keys, the dataset, the limit's arrays and the
// largest load batch. Run it as
//
//	go test -run - -bench HarnessMemory -benchtime 1x ./internal/bench/ -harness.entities 2000000 -harness.statements 10000000
func BenchmarkHarnessMemory(b *testing.B) {
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	for range b.N {
		base := heap()
		src := synth.NewSource(synth.Config{Entities: *harnessEntities, Statements: *harnessStatements, Seed: 1})
		afterSrc := heap()
		d, err := newDataset(context.Background(), src)
		if err != nil {
			b.Fatal(err)
		}
		afterData := heap()
		lg := newLimitGraph(d)
		afterLimit := heap()
		var batchMiB float64
		var peak runtime.MemStats
		if err := src.Batches(250_000, func(bt *graph.Batch) error {
			batchMiB = max(batchMiB, heap()-afterLimit)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&peak)
		b.ReportMetric(afterSrc-base, "source-MiB")
		b.ReportMetric(afterData-afterSrc, "dataset-MiB")
		b.ReportMetric(afterLimit-afterData, "limit-MiB")
		b.ReportMetric(batchMiB, "load-batch-MiB")
		b.ReportMetric(afterLimit-base+batchMiB, "harness-MiB")
		b.ReportMetric(float64(peak.Sys)/(1<<20), "sys-MiB")
		runtime.KeepAlive(lg)
		runtime.KeepAlive(d)
	}
}
