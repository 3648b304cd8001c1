// Package bench is the engine of `whosedata bench`: it generates a synthetic
// graph (internal/synth), runs the same workloads on whosedata and on two
// peers, checks that every system gives the same lineage answers, and reports
// throughput, latency and memory as a table and as JSON.
//
// The systems:
//
//   - whosedata: graph.Store on disk (load, lineage, paths), and the real
//     schema and server over HTTP on 127.0.0.1 (entity_http); the serve row
//     is the peak RSS of a separate `whosedata serve` process
//     (MeasureServeRSS).
//   - postgres: a private cluster made by initdb in a temporary directory
//     (Debian's binaries; run as the postgres OS user when root), loaded with
//     COPY, lineage as a depth-bounded recursive CTE. Absent PostgreSQL is
//     not an error: its rows are left out and the table says how to add it.
//   - limit: the same graph as CSR adjacency arrays walked by a plain
//     breadth-first search, and for entity_http a bare graphql-go schema
//     answering a constant behind the same server: what the work costs with
//     nothing else around it.
//
// The map of the package:
//
//	bench.go     Config, Result, Run: the workloads in order, the table, the JSON
//	dataset.go   the generated batch flattened to relation rows, shared by the peers
//	answer.go    lineage answers as compared, and the diff a mismatch reports
//	whosedata.go whosedata's lineage and paths calls
//	limit.go     the CSR graph and its breadth-first lineage
//	postgres.go  the cluster's life, schema, COPY, the recursive CTE
//	http.go      entity_http: servers and the 16 concurrent clients
//	serve.go     MeasureServeRSS
//	measure.go   latency samples to rows
//
// Lineage answers are compared as sets of (entity key, depth, status), on
// every seed, before anything is timed; paths are not compared, since equally
// short and equally strong paths may be chosen differently.
package bench
