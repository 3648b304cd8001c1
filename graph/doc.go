// Package graph is the whosedata claims store: a knowledge graph of who holds
// which data, who trained what on it, and who says so, on an embedded Badger
// store.
//
// Entities (companies, people, datasets, models, products, disputes,
// documents, licences) are nodes with a stable key and a UUID derived from it.
// A Relation is one directed, typed edge; it holds Statements, each one
// party's word on the edge with its status, claimant, date and evidence. The
// relation's effective status is derived from its statements (EffectiveStatus).
//
// The map of the package:
//
//	types.go, date.go, names.go  domain types, enums, partial dates, key and name rules
//	errors.go                    sentinel errors (test with errors.Is)
//	keys.go                      the key schema: every prefix, its layout and what it serves
//	kv.go                        the narrow boundary to Badger (and the bulk-write journal)
//	records.go                   stored record encodings
//	store.go                     Open, Close, Backup, Restore, the writer lock
//	tx.go                        write transactions: records in, records plus index entries out
//	write.go, import.go          UpsertEntity, AddStatement, RetractStatement, AddAlias, MergeEntities, Import
//	read.go, search.go           look-ups, pages, stats, export iteration, search
//	mem.go                       the in-memory adjacency cache the walks use
//	lineage.go, paths.go         Lineage (SPEC §2), Paths, Neighborhood
//	verify.go                    Verify: records, indexes and cache agree
//
// Writes are serialised by the store and each is one atomic commit; with
// Options.Durable every write is synced before it returns. Reads run
// concurrently on snapshots. Walks (lineage, paths, neighbourhood) run on an
// in-memory adjacency cache that is rebuilt on open and updated after every
// commit, so they never read relation records hop by hop.
package graph
