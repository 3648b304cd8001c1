// Package graph is the whosedata claims store: a knowledge graph of who holds
// which data, who trained what on it, and who says so, on an embedded Badger
// store. Entities (companies, people, datasets, models, products, disputes,
// documents, licences) are nodes with a stable key; a Relation is one
// directed, typed edge; each of its Statements is one party's word on it,
// with a status, a claimant, a date and evidence.
//
// # Open a store
//
//	store, err := graph.Open(dir, nil) // nil: defaults; or graph.OpenInMemory()
//	if err != nil { … }                // ErrLocked: another process has dir open
//	defer store.Close()
//
// Options.Durable syncs every write before it returns (the server sets it).
//
// # Read one consistent view
//
// Every read method of Store opens a Snapshot of its own. To answer several
// questions from one state of the store, read through one: View (or Begin
// and Close) gives a Snapshot with the same read methods, and
// ConsistentReads makes every read through a context share one (the API
// server uses it for each request). Writers never wait for readers, nor readers
// for writers.
//
// # Write
//
// UpsertEntity creates or updates an entity by key; AddAlias gives it
// another name; MergeEntities folds a duplicate into the entity kept, whose
// aliases then include the old key. AddStatement records a claim, creating
// its relation when needed; RetractStatement withdraws one and keeps it,
// with its reason, for history. Import writes a Batch of entities and
// statements, all or nothing and idempotent; ImportStream does the same for
// an input read in two passes (entities, then statements), with memory
// bounded by a chunk of items whatever the input's size: a large import is
// written in chunks that an error, a cancellation or a crash undoes whole.
//
//	store.UpsertEntity(ctx, graph.EntityInput{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X Corp"}})
//	store.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts",
//		Status: graph.Alleged, ClaimedBy: "Elon Musk", Date: graph.MustParseDate("2023-04-19")})
//
// Every reference (a ref argument; From, To, ClaimedBy, Dispute,
// Evidence.Document) is a key, an alias, a name or an id; names ignore case,
// spacing and punctuation, and one that fits two entities is ErrAmbiguous.
// A relation's effective status is derived from its statements
// (EffectiveStatus): an ALLEGED next to a DENIED is DISPUTED.
//
// # Ask lineage: who used whose data
//
//	hits, err := store.Lineage(ctx, "X Corp", graph.LineageOptions{Direction: graph.Downstream, Paths: true})
//	// hits[i].Entity, .Depth, .Status (the weakest on the path), .Path with its statements
//
// Downstream of X is who used the data X holds; Upstream of X is whose data
// is in X (SPEC §2). MinStatus leaves out weaker claims, Kinds filters the
// hits reported (not what is walked), MaxDepth and Limit bound the answer.
//
// # Ask how things connect, and find them
//
// Paths gives the shortest paths between two entities (PathOptions.Types
// keeps to some relation types: PartyTo and Concerns find shared disputes);
// Neighborhood, what surrounds one. Entity resolves a reference; Search and
// SearchHits find entities by name or alias, then by the words of their
// descriptions, statement quotes and dispute events; Entities, Relations,
// EntityRelations and DisputesAt (those a party is PartyTo, by status as of
// a date) list pages; Node finds anything by id; Stats counts.
//
// # Time
//
// Dates are partial (Date: "2023", "2023-04" or "2023-04-19"). A statement's
// Date is when it was made public; a relation's ValidFrom and ValidTo are
// when it held in the world. LineageOptions.AsOf asks about the world by a
// date: only statements dated by then count, and only relations valid then
// are walked.
//
// The store keeps its own clock too: every statement, event and entity has
// RecordedAt, and a retraction keeps when and why; nothing is deleted.
// Snapshot.AsRecorded (and RecordedAsOf in the options) answers as the
// store stood at an instant: what did the record say then.
//
// A dispute has a timeline of events (AddDisputeEvent, RetractDisputeEvent,
// Events); DisputeState derives its status and forum as of a date. Aliases
// may carry dates (EntityInput.Names; Entity.Names lists them). Every write
// is logged: Changes pages through the log (also per entity), and package
// feeds serves it as Atom.
//
// # Licences and compliance
//
// There is no licence verdict in this package yet. Licences are License
// entities that datasets, models and products are LicensedUnder (the bundled
// Data Provenance data carries them): the licences behind a model are those
// of its Upstream hits, read with EntityRelations(ctx, hit.Entity.Key, Out,
// []RelationType{LicensedUnder}, Page{}).
//
// # Check and keep
//
// Verify checks that records, indexes and the in-memory cache agree. Backup
// writes the whole store to a stream that Restore reads into an empty one;
// ForEachEntity and ForEachRelation iterate everything for an export.
// Failures wrap the sentinel errors of errors.go: test them with errors.Is.
//
// # The files
//
//	types.go, date.go, names.go  domain types, enums, partial dates, key and name rules
//	errors.go                    sentinel errors (test with errors.Is)
//	keys.go                      the key schema: every prefix, its layout and what it serves
//	kv_store.go                  the store's side of the engine boundary (package kv): journal and first-load marker
//	kv.go, postgres.go           the engines: Badger (on disk, memory:) and a postgres:// table
//	store_url.go                 OpenURL: a directory, memory: or postgres://
//	store_follow.go              several processes on one store: the commit counter and the follower
//	copy.go                      Copy: one store into an empty one, streaming
//	kv_bulk.go                   staged writes: a large import in chunks, with its undo record
//	records.go                   stored record encodings
//	store.go                     Open, Close, Backup, Restore, the writer lock
//	tx.go                        write transactions: records in, records plus index entries out
//	write.go, import.go          UpsertEntity, AddStatement, RetractStatement, AddAlias, MergeEntities, Import, ImportStream
//	view.go, pvec.go             snapshots (View, Begin, ConsistentReads) and the copy-on-write pages behind them
//	read.go, fulltext.go         look-ups, pages, stats, export iteration; search by name and by text
//	events.go, changes.go        dispute timelines; the change log
//	mem.go                       the in-memory adjacency cache the walks use
//	lineage.go, paths.go         Lineage (SPEC §2), Paths, Neighborhood
//	verify.go                    Verify: records, indexes and cache agree
//
// Writes are serialised by the store and each is one atomic commit. Reads run
// concurrently on snapshots. Walks (lineage, paths, neighbourhood) run on an
// in-memory adjacency cache that is rebuilt on open and updated after every
// commit, so they never read relation records hop by hop. Runnable examples
// are in example_test.go.
package graph
