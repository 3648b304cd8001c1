// Package bench is the engine of the whosedata-bench command: it generates a
// synthetic graph (internal/synth), runs the same workloads on whosedata and
// on its peers, checks that every system gives the same answers, and reports
// throughput, latency and memory as a table and as JSON.
//
// The systems (Result.System):
//
//   - whosedata: graph.Store on disk (load: one Store.Import up to the
//     default size, past it Imports of Config.LoadChunk items, entities
//     first; lineage, paths, compliance), the
//     real schema and server over HTTP on 127.0.0.1 (entity_http), and the
//     whosedata binary as a child process: serve (peak RSS of a server
//     answering the lineage seeds), open (process start to the first answer
//     on the existing store) and load_file (`whosedata load` of the store's
//     JSONL export into a fresh store, with the loader's peak RSS).
//   - postgres, postgres_cte: a private cluster made by initdb in a
//     temporary directory (Debian's binaries; run as the postgres OS user
//     when root), loaded with COPY plus indexes. Lineage three ways: a
//     depth-bounded recursive CTE (postgres_cte); a level-by-level walk, one
//     INSERT … SELECT per depth with the visited set in a temporary table;
//     and the same levels read-only, the frontier sent as arrays and the
//     visited set in the client. The postgres row is the fastest of them
//     (Result.Walk says which).
//     Absent PostgreSQL is not an error: its rows are left out and the table
//     says how to add it.
//   - sqlite: modernc.org/sqlite (pure Go) on a file, the same schema and
//     indexes, loaded by multi-row INSERTs in one transaction; the CTE and
//     the temporary-table level walk, reported as the faster.
//   - limit: the same graph as CSR adjacency arrays walked by a plain
//     breadth-first search (lineage) and by the same k-shortest-paths
//     enumeration graph uses (paths), and for entity_http a bare graphql-go
//     schema answering a constant behind the same server: what the work
//     costs with nothing else around it.
//
// The map of the package:
//
//	bench.go     Config, Result, Run: the workloads in order, the table, the JSON
//	dataset.go   the generated graph flattened to compact relation rows, shared by the peers
//	answer.go    lineage answers as compared, and the diff a mismatch reports
//	whosedata.go whosedata's lineage and compliance calls
//	limit.go     the CSR graph, its breadth-first lineage and its paths
//	sqlwalk.go   the SQL peers' two lineage walks, in both dialects
//	postgres.go  the cluster's life, schema, COPY
//	pgarray.go   PostgreSQL's array walk
//	sqlite.go    the SQLite database, schema, batched insert
//	http.go      entity_http: servers and the 16 concurrent clients
//	serve.go     the whosedata child processes: serve, open, load_file
//	measure.go   latency samples to rows
//
// Memory: the generator (synth.Source) is never held whole. The dataset is
// made in one pass over it (about 32 bytes a statement), COPY and the SQLite
// inserts make their rows as they send them, and whosedata's batches are made
// one at a time between Imports; at 10M statements the harness holds about
// 1.3 GiB (BenchmarkHarnessMemory), where it held several times that as
// inputs and rows.
//
// Time: each workload's first round of seeds is timed and checks every
// answer (lineage answers are compared as sets of (entity key, depth,
// status) with the limit's); further rounds, up to three, run only while
// the rounds fit in the budget (--pg-budget), so a 10M run is not three
// rounds of minute-long hub walks. In lineage whosedata and the limit take
// turns seed by seed in every round, so a noisy machine slows both alike
// and their ratio holds. The SQL peers' walks are checked as they
// are timed, within the same budget. Paths are compared by the lengths of the paths found, since
// equally short paths may be chosen differently. load_file is checked by
// the loaded store's counts.
package bench
