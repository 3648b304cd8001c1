package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"
)

// Batch is many entities and statements written at once, all or nothing.
// Entities are applied first, so statements may name entities of the same
// batch.
type Batch struct {
	Entities   []EntityInput
	Statements []StatementInput
}

// ImportResult counts what an Import changed. Importing the same batch twice
// gives all zeros but Unchanged the second time.
type ImportResult struct {
	EntitiesCreated  int
	EntitiesUpdated  int
	RelationsCreated int
	RelationsUpdated int // existing relations whose validity or attributes changed
	StatementsAdded  int
	EventsAdded      int // dispute events
	Unchanged        int // entities and statements already stored as given
}

// ItemError is an Import error tied to one item of the batch, so an importer
// can point at the line of the file it came from.
type ItemError struct {
	Section string // "entities" or "statements"
	Index   int
	// Field is the item's field at fault, as a path within the item ("to",
	// "evidence[0].document", "events[1].summary", "attributes.url"), or ""
	// when the error is about the item as a whole.
	Field string
	Err   error
}

func itemError(section string, index int, err error) *ItemError {
	return &ItemError{Section: section, Index: index, Field: fieldOf(err), Err: err}
}

func (e *ItemError) Error() string { return fmt.Sprintf("%s[%d]: %v", e.Section, e.Index, e.Err) }

func (e *ItemError) Unwrap() error { return e.Err }

// Stream is an import read in two passes, for inputs too large to hold in
// memory as a Batch: Entities calls yield with every entity of the input in
// order, then Statements with every statement; each returns the first error
// yield returns (as it is, or wrapped) or one of its own. An error yield
// returns is an *ItemError whose Index counts the items of its section from
// 0, so the source can say where the item came from. Entities are applied
// first, so statements may name entities defined anywhere in the input.
type Stream struct {
	// Entities yields every entity of the input, in order.
	Entities func(yield func(EntityInput) error) error
	// Statements yields every statement of the input, in order.
	Statements func(yield func(StatementInput) error) error
}

// Import writes a batch, all or nothing: it validates and resolves every
// item and writes nothing if any fails, returning an *ItemError that wraps
// the cause (ErrInvalid, ErrNotFound, ErrAmbiguous, ErrConflict, ErrLimit).
// Import is idempotent. It is ImportStream over the batch's items.
func (s *Store) Import(ctx context.Context, b *Batch) (ImportResult, error) {
	return s.ImportStream(ctx, Stream{Entities: yieldAll(b.Entities), Statements: yieldAll(b.Statements)})
}

// yieldAll is a Stream pass over items.
func yieldAll[T any](items []T) func(yield func(T) error) error {
	return func(yield func(T) error) error {
		for _, in := range items {
			if err := yield(in); err != nil {
				return err
			}
		}
		return nil
	}
}

// ImportStream writes everything src yields as one import, all or nothing,
// with the errors of Import. Its memory is bounded by a chunk of items, not
// by the input: a small input is one atomic commit; a larger one is written
// in chunks of importChunk items through the engine's staged write (see
// kv_bulk.go), which an error, a cancelled ctx or a crash (on the next open)
// undoes whole. Readers see the store as it was before the import until it
// has committed whole. Writers wait for it. Every item is recorded at the
// same instant.
func (s *Store) ImportStream(ctx context.Context, src Stream) (ImportResult, error) {
	if err := s.check(ctx); err != nil {
		return ImportResult{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(); err != nil {
		return ImportResult{}, err
	}
	im := &importer{s: s, ctx: ctx, now: s.now().UTC(), g: s.current(), fresh: s.nextEnt == 1, chunk: cmp.Or(s.chunk, importChunk), counts: s.counts}
	st, ok := s.kv.(stager)
	if !ok || !st.stageable() {
		// One commit, retried as any write when another process wins.
		err := s.updateLocked(ctx, func(t *wtx) error {
			im.reset(t)
			if err := im.run(src); err != nil {
				return err
			}
			im.countRelations()
			return nil
		})
		if err != nil {
			return ImportResult{}, err
		}
		return im.res, nil
	}
	im.stager = st
	im.begin()
	err := im.run(src)
	if err == nil {
		err = im.finish()
	}
	if err != nil {
		im.fail()
		return ImportResult{}, err
	}
	renewReads(ctx)
	return im.res, nil
}

// stager is the engine side of a staged write (kv_bulk.go).
type stager interface {
	stageable() bool
	beginStaged(ctx context.Context, fresh bool) (*stage, error)
	recoverStaged(ctx context.Context) (bool, error)
}

// importChunk is how many items an import applies in memory before it
// writes them out: it bounds the memory of a large import (about 1 KiB an
// item in the transaction, its records and their key-value ops) and sets
// how often each chunk's look-ups miss the transaction and read the store.
const importChunk = 50_000

// importer is one ImportStream in progress, under the writer lock.
type importer struct {
	s      *Store
	ctx    context.Context
	now    time.Time
	g      *memGraph // the cache version the current chunk builds on
	fresh  bool      // the store held nothing when the import began
	chunk  int       // items per chunk
	stager stager    // nil: the import is one commit
	stage  *stage    // the staged write, once a first chunk is written
	t      *wtx
	done   func() // releases t's snapshot
	items  int    // items applied in t
	seen   int    // items applied in all
	res    ImportResult
	events []importEvents
	known  knownRefs // set for the statements
	counts counts    // the store's counters before the import, which an undo restores
	// Into a fresh store: the entity ids the written chunks stored, and
	// whether a statement of the input gave an id other than the one its
	// content derives (see wtx.prior and wtx.derivedIDs).
	ids      map[uuid.UUID]uint32
	givenIDs bool
	building bool // g is the import's own version, not yet sealed (advance)
	// Statement chunks are pipelined: each is written in the background
	// while the next is built (flush), and writing receives the outcome
	// of the one in flight, nil when none is.
	pipelined bool
	mixed     bool // the current chunk holds entities or events too: written in the foreground
	writing   chan error
}

// importEvents are the events of one entity, applied after every entity.
type importEvents struct {
	index  int
	ref    string
	events []DisputeEventInput
}

// begin opens the transaction of the next chunk on a snapshot that shows
// every chunk written so far.
func (im *importer) begin() {
	r, done := im.s.kv.snapshot(im.ctx)
	im.t = newWtx(im.s, r, im.g)
	im.t.now = im.now
	im.t.known = im.known
	// Under the writer lock of a store no other process writes, the cache
	// version holds what the snapshot does; a fresh store holds only what
	// the written chunks did.
	im.t.cached = im.stager != nil
	if im.fresh {
		im.t.prior = im.ids
		im.t.derivedIDs = !im.givenIDs
	}
	im.done = done
	im.items = 0
}

// reset starts the import again in t, the transaction of a one-commit
// import (run again when the commit lost to another process).
func (im *importer) reset(t *wtx) {
	im.t, im.res, im.events, im.known, im.items, im.seen = t, ImportResult{}, nil, nil, 0, 0
}

// step counts one item; it checks ctx now and then and writes the chunk out
// when it is full.
func (im *importer) step() error {
	im.items++
	im.seen++
	if im.seen%1024 == 0 {
		if err := im.ctx.Err(); err != nil {
			return err
		}
	}
	if im.items >= im.chunk && im.stager != nil {
		return im.flush()
	}
	return nil
}

func (im *importer) run(src Stream) error {
	i := 0
	err := src.Entities(func(in EntityInput) error {
		idx := i
		i++
		n, changed, err := im.t.upsertEntity("", in)
		if err != nil {
			return itemError("entities", idx, err)
		}
		switch {
		case !changed:
			im.res.Unchanged++
		case im.t.ents[n].orig == nil:
			im.res.EntitiesCreated++
		default:
			im.res.EntitiesUpdated++
		}
		if len(in.Events) > 0 {
			im.events = append(im.events, importEvents{index: idx, ref: cmp.Or(in.Key, in.Name), events: in.Events})
		}
		return im.step()
	})
	if err != nil {
		return err
	}
	// Events after every entity, since their evidence may name a document
	// defined later in the input.
	for _, e := range im.events {
		n, _, err := im.t.resolve("key", e.ref)
		if err != nil {
			return itemError("entities", e.index, err)
		}
		for j, ev := range e.events {
			added, err := im.t.addEvent(fmt.Sprintf("events[%d].", j), n, ev)
			if err != nil {
				return itemError("entities", e.index, err)
			}
			if added {
				im.res.EventsAdded++
			}
			if err := im.step(); err != nil {
				return err
			}
		}
	}
	im.events = nil
	// Statements change no entity: what their references resolve to holds
	// for every chunk from here on, and a chunk of statements only reads
	// relations and statements of the one before it (wtx.prev), so from
	// here on each chunk is written while the next is built, but the one
	// that also holds entities or events.
	im.pipelined, im.mixed = im.stager != nil, im.items > 0
	im.known = knownRefs{}
	im.t.known = im.known
	i = 0
	return src.Statements(func(in StatementInput) error {
		idx := i
		i++
		_, added, err := im.t.addStatement("", in)
		if errors.Is(err, errRetractedAgain) {
			// The input says what the store has since retracted:
			// reloading it changes nothing.
			err = nil
		}
		if err != nil {
			return itemError("statements", idx, err)
		}
		if added {
			im.res.StatementsAdded++
		} else {
			im.res.Unchanged++
		}
		return im.step()
	})
}

// countRelations adds the relations the current chunk created or updated to
// the result. A relation created by an earlier chunk of the same import and
// changed again counts as updated.
func (im *importer) countRelations() {
	for tr, sl := range im.t.rels {
		switch {
		case sl.orig == nil && sl.cur != nil:
			im.res.RelationsCreated++
		case sl.orig != nil && im.t.relUpdated[tr]:
			im.res.RelationsUpdated++
		}
	}
}

// flush writes the current chunk through the staged write and starts the
// next one on the cache version it makes (published only at the end).
func (im *importer) flush() error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	// The chunk before must be on disk before this one is written, and
	// before the next chunk's snapshot is taken: that snapshot and this
	// chunk (as the next one's prev) then show everything written.
	if err := im.settle(); err != nil {
		return err
	}
	im.countRelations()
	ops := im.t.ops()
	if im.stage == nil {
		st, err := im.stager.beginStaged(im.ctx, im.fresh)
		if err != nil {
			return im.s.stageFailed(err)
		}
		im.stage = st
	}
	async := im.pipelined && !im.mixed
	im.mixed = false
	if !async {
		if err := im.stage.apply(im.ctx, ops); err != nil {
			return im.s.stageFailed(err)
		}
	} else {
		im.writing = make(chan error, 1)
		go func(st *stage, ctx context.Context, done chan<- error) { done <- st.apply(ctx, ops) }(im.stage, im.ctx, im.writing)
	}
	if im.fresh && len(im.t.ids) > 0 {
		if im.ids == nil {
			im.ids = make(map[uuid.UUID]uint32, len(im.t.ids))
		}
		maps.Copy(im.ids, im.t.ids)
	}
	// A statement stored with an id of its own clears derivedIDs for the
	// rest of the import (addStatement).
	im.givenIDs = im.givenIDs || (im.fresh && !im.t.derivedIDs)
	prev := im.t
	prev.prev = nil
	im.advance()
	im.done()
	im.begin()
	if async {
		im.t.prev = prev
	}
	return nil
}

// settle waits for the chunk being written in the background, if any, and
// returns its error.
func (im *importer) settle() error {
	if im.writing == nil {
		return nil
	}
	err := <-im.writing
	im.writing = nil
	if err != nil {
		return im.s.stageFailed(err)
	}
	return nil
}

// advance applies the current chunk, now written, to the cache version
// the import builds: one version for every chunk, begun from the published
// one by the first, so that a page or list is copied once per import, not
// once per chunk (no reader sees the version before finish publishes it).
func (im *importer) advance() {
	if !im.building {
		im.g, im.building = im.g.next(), true
	}
	// The next chunk counts on from this one's counters.
	im.s.applyInto(im.g, im.t)
}

// finish writes the last chunk, commits, and publishes the new version.
func (im *importer) finish() error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	if err := im.settle(); err != nil {
		return err
	}
	s, t := im.s, im.t
	t.prev = nil
	im.countRelations()
	ops := t.ops()
	if im.stage == nil {
		// Everything fit in one chunk: one atomic commit, as any write.
		im.done()
		im.done = nil
		if err := s.kv.commit(im.ctx, im.fresh, func(r kvReader) ([]kvOp, error) {
			head, err := readHead(r)
			if err != nil {
				return nil, err
			}
			if head != s.head {
				// Staged writes are for a store no other process writes.
				return nil, errStale
			}
			return append(ops, headOp(head+1)), nil
		}); err != nil {
			return s.commitFailed(err)
		}
	} else {
		if err := im.stage.apply(im.ctx, append(ops, headOp(s.head+1))); err != nil {
			return s.stageFailed(err)
		}
		if err := im.stage.commit(im.ctx); err != nil {
			// Every chunk is written but the undo record may remain:
			// open forgets or applies it, so the store waits for that.
			im.stage = nil
			s.broken = err
			s.log.Error("an import failed as it committed; the store is read-only until it is reopened", "store", s.where(), "err", err)
			return fmt.Errorf("%w: commit: %w", ErrReadOnly, engineErr("write", err))
		}
		im.stage = nil
		im.done()
		im.done = nil
	}
	s.head++
	im.advance()
	im.g.seal()
	s.publish(im.g)
	return nil
}

// fail releases the import's snapshot and undoes what its chunks wrote.
// An undo that fails leaves the store read-only: open finishes it.
func (im *importer) fail() {
	if im.writing != nil {
		// The chunk in flight is written whole, then undone with the rest.
		<-im.writing
		im.writing = nil
	}
	if im.done != nil {
		im.done()
		im.done = nil
	}
	if im.stage == nil {
		return
	}
	st := im.stage
	im.stage = nil
	im.s.counts = im.counts
	if err := st.abort(im.ctx); err != nil {
		im.s.broken = fmt.Errorf("undoing a failed import failed part-way (%w); reopen the store to finish undoing it", err)
		im.s.log.Error("undoing a failed import failed part-way; the store is read-only until it is reopened", "store", im.s.where(), "err", err)
	}
}

// stageFailed wraps an error of a staged write. A chunk that may have been
// written in part is undone with the rest by fail (or, failing that, on
// open).
func (s *Store) stageFailed(err error) error {
	return fmt.Errorf("commit: %w", engineErr("write", err))
}

// commitFailed is the error of a commit that failed. One that failed
// part-way (only a write too large for one transaction can) makes the store
// read-only until reopened, since the journal or first-load marker it left
// must be settled by open.
func (s *Store) commitFailed(err error) error {
	var pe *partialWriteError
	if errors.As(err, &pe) {
		s.broken = err
		s.log.Error("a bulk write failed part-way; the store is read-only until it is reopened", "store", s.where(), "err", err)
		return fmt.Errorf("%w: commit: %w", ErrReadOnly, err)
	}
	return fmt.Errorf("commit: %w", err)
}

// recoverImport, on open, undoes a staged import that a crash interrupted,
// or forgets the undo record of one that had committed.
func (s *Store) recoverImport(ctx context.Context) error {
	st, ok := s.kv.(stager)
	if !ok {
		return nil
	}
	found, err := st.recoverStaged(ctx)
	if err != nil {
		return fmt.Errorf("settle an interrupted import: %w", err)
	}
	if found {
		s.log.Warn("settled an import that a crash interrupted (undid it, or finished it if it had committed)", "store", s.where())
	}
	return nil
}
