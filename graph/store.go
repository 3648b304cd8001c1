package graph

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whosedata/whosedata/graph/kv"
)

// Options configure Open. A nil *Options means the defaults: on disk, not
// durable per commit, logging to slog.Default().
type Options struct {
	// InMemory keeps the whole store in memory; the directory is ignored.
	InMemory bool
	// Durable makes every write return only after it is synced to disk. The
	// server sets it so that an acknowledged write survives a crash.
	Durable bool
	// Logger receives Badger's warnings and errors and the store's own notes.
	Logger *slog.Logger
	// Now stamps recordedAt and retraction times; nil means time.Now.
	Now func() time.Time
	// ImportChunk is how many items Import and ImportStream apply in memory
	// before writing them out (0: importChunk, 50,000). Smaller chunks use
	// less memory and read the store more often.
	ImportChunk int
	// Follow is how often a store shared with other processes (PostgreSQL)
	// checks for their writes when no notification woke it; 0 means 500ms.
	Follow time.Duration
}

// Store is a whosedata knowledge graph on an embedded Badger store. It is safe
// for concurrent use: reads run in parallel, writes are serialised (one writer
// at a time, as Badger's own model prefers), and every write is one atomic
// commit of records and their index entries.
type Store struct {
	kv      kvEngine
	wmu     sync.Mutex // serialises writers; held from read-validate to commit and publishing the next version
	nextEnt uint32     // guarded by wmu
	nextSeq uint64     // the next change-log sequence number; guarded by wmu
	counts  counts     // the counters as stored (keys.go, pCounts); guarded by wmu
	// broken, once set, makes the store read-only: a write that was not
	// atomic failed part-way, and only reopening (which completes or undoes
	// it) makes the store safe to write again. Guarded by wmu.
	broken error

	vmu     sync.Mutex     // guards cur and the start of readers
	cur     *version       // what new readers see
	readers sync.WaitGroup // snapshots not yet closed; Close and Restore wait for them
	closed  atomic.Bool

	log *slog.Logger
	now func() time.Time
	dir string
	// name names the store in messages (where).
	name  string
	chunk int // Options.ImportChunk
	// shared is set when other processes write the engine (it notifies of
	// their commits); such a store keeps no cache file.
	shared bool
	// fromCacheFile is set when open read the cache from the cache file
	// (cachefile.go) instead of the store.
	fromCacheFile bool
	// head is the commit counter (meta "head") the cache reflects; a commit
	// that finds another in storage lost a race with another process, which
	// the store catches up with and retries. Guarded by wmu.
	head uint64
	// base lives as long as the store: the readers of published versions
	// and the follower run on it; stop ends it at Close.
	base     context.Context
	stop     context.CancelFunc
	unfollow context.CancelFunc // ends followOthers
	follow   sync.WaitGroup
}

// version pairs one version of the adjacency cache with a storage snapshot
// taken right after the commit it reflects, so the two always agree. It is
// shared by every reader that started while it was current, and its
// snapshot is released when the last of them, and the store, let it go.
type version struct {
	g    *memGraph
	r    kvReader
	done func()
	refs atomic.Int32
}

func (v *version) release() {
	if v.refs.Add(-1) == 0 {
		v.done()
	}
}

// Open opens the store in dir, creating it if needed. With opts.InMemory the
// store lives in memory only. It returns an error wrapping ErrLocked when
// another process has the directory open, ErrSchemaVersion when the directory
// holds a store of another layout, and the underlying error otherwise.
func Open(dir string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	defaults(&o)
	if !o.InMemory && dir == "" {
		return nil, fmt.Errorf("%w: a store directory is required unless InMemory is set", ErrInvalid)
	}
	if o.InMemory && testEngine != nil {
		e, err := testEngine()
		if err != nil {
			return nil, err
		}
		return openEngine(context.Background(), e, "", &o)
	}
	e, err := openBadger(dir, o.InMemory, o.Durable, o.Logger)
	if err != nil {
		return nil, err
	}
	if o.InMemory {
		dir = "" // nothing of an in-memory store lives in a directory
	}
	return openEngine(context.Background(), e, dir, &o)
}

// defaults fills in the unset options.
func defaults(o *Options) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// testEngine, when set (by this package's tests only), gives every
// in-memory store its engine, so the whole test suite runs on another
// backend (kv_backend_test.go).
var testEngine func() (kv.Engine, error)

// openEngine opens the store on engine e, which it closes on failure. dir
// is the directory of an on-disk Badger store ("" otherwise).
func openEngine(ctx context.Context, e kv.Engine, dir string, o *Options) (*Store, error) {
	base, stop := context.WithCancel(context.Background())
	s := &Store{kv: newJournaled(e, base), log: o.Logger, now: o.Now, dir: dir, base: base, stop: stop, name: "the in-memory store", chunk: max(o.ImportChunk, 0)}
	if d, ok := e.(kv.Describer); ok {
		s.name = d.Describe()
	}
	if n, ok := e.(kv.Notifier); ok && n.Changed() != nil {
		s.shared = true
	}
	if err := s.init(ctx); err != nil {
		stop()
		e.Close()
		return nil, err
	}
	fctx, unfollow := context.WithCancel(base)
	s.unfollow = unfollow
	if s.shared {
		s.follow.Add(1)
		go s.followOthers(fctx, e.(kv.Notifier), cmp.Or(o.Follow, 500*time.Millisecond))
	}
	return s, nil
}

// OpenInMemory opens an empty in-memory store, for tests and short-lived
// programs. It returns an error only if Badger cannot start.
func OpenInMemory() (*Store, error) { return Open("", &Options{InMemory: true}) }

func (s *Store) init(ctx context.Context) error {
	var version []byte
	var empty = true
	err := s.kv.view(ctx, func(r kvReader) error {
		v, ok, err := r.get(metaKey("schema"))
		if err != nil {
			return err
		}
		if ok {
			version = v
			return nil
		}
		return r.scan(nil, nil, true, func(k, _ []byte) (bool, error) {
			empty = false
			return false, nil
		})
	})
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version == nil && empty:
		if err := s.kv.commit(ctx, false, func(r kvReader) ([]kvOp, error) {
			// Another process may have created it meanwhile.
			if _, ok, err := r.get(metaKey("schema")); err != nil || ok {
				return nil, err
			}
			return []kvOp{{Key: metaKey("schema"), Value: []byte(schemaVersion)},
				{Key: metaKey("changelog-from"), Value: binary.BigEndian.AppendUint64(nil, 0)}}, nil
		}); errors.Is(err, kv.ErrConflict) {
			// Another process created the store at the same moment: read
			// what it wrote.
			return s.init(ctx)
		} else if err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
	case version == nil:
		return fmt.Errorf("%w: %s holds data but no whosedata schema version; it is not a whosedata store (use another --data directory)", ErrSchemaVersion, s.where())
	case string(version) != schemaVersion:
		return s.layoutError(string(version))
	}
	if err := s.startChangeLog(ctx); err != nil {
		return err
	}
	replayed, err := s.kv.replayJournal(ctx)
	if err != nil {
		return fmt.Errorf("replay interrupted write: %w", err)
	}
	if replayed {
		s.log.Warn("finished a bulk write that a crash interrupted (completed it, or emptied the store if it was its first load)", "store", s.where())
	}
	if err := s.recoverImport(ctx); err != nil {
		return err
	}
	return s.rebuild(ctx)
}

// startChangeLog marks when a store written before the change log existed
// began to keep one, so Verify does not ask the log for older statements.
func (s *Store) startChangeLog(ctx context.Context) error {
	var has bool
	if err := s.kv.view(ctx, func(r kvReader) error {
		_, ok, err := r.get(metaKey("changelog-from"))
		has = ok
		return err
	}); err != nil || has {
		return err
	}
	from := binary.BigEndian.AppendUint64(nil, uint64(s.now().UnixNano()))
	if err := s.kv.apply(ctx, []kvOp{{Key: metaKey("changelog-from"), Value: from}}); err != nil {
		return fmt.Errorf("start the change log: %w", err)
	}
	return nil
}

func (s *Store) where() string { return s.name }

// rebuild loads the adjacency cache from the store and publishes it.
func (s *Store) rebuild(ctx context.Context) error {
	g := newMemGraph()
	var maxEnt uint32
	var head, nextSeq uint64
	var cnt counts
	err := s.kv.view(ctx, func(r kvReader) error {
		var err error
		if head, err = readHead(r); err != nil {
			return err
		}
		// A restore or copy may have brought another layout in.
		if cnt, err = s.readLayoutCounts(r); err != nil {
			return err
		}
		if nextSeq, err = readNextSeq(r); err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		if fg := s.takeCacheFile(cacheStamp{head: head, nextSeq: nextSeq, counts: cnt}); fg != nil {
			g = fg
			return nil
		}
		if err := r.scan(family(pEntity), nil, false, func(k, v []byte) (bool, error) {
			n, ok := parseEntityKey(k)
			if !ok {
				return true, nil
			}
			rec, err := decodeEnt(v)
			if err != nil {
				return false, fmt.Errorf("entity %d: %w", n, err)
			}
			maxEnt = max(maxEnt, n)
			g.setEntity(n, rec)
			if rec.MergedInto != 0 {
				g.merged++
			}
			return true, nil
		}); err != nil {
			return err
		}
		// The stored count sizes the statement arena, so it is allocated
		// once, not doubled as it fills (bounded: a corrupt count must not
		// exhaust memory).
		g.stmts = make([]memStmt, 0, min(cnt.Statements, 1<<24))
		return r.scan(family(pRelation), nil, false, func(k, v []byte) (bool, error) {
			t, ok := parseRelationKey(k)
			if !ok {
				return true, nil
			}
			m := memRel{t: t}
			if err := decodeRelInto(v, nil, &m, g); err != nil {
				return false, fmt.Errorf("relation %s: %w", t, err)
			}
			g.grow(max(t.From, t.To))
			g.rels.push(m, g.gen)
			g.nstmt += int(m.nst)
			g.nrel++
			return true, nil
		})
	})
	if err != nil {
		return fmt.Errorf("load adjacency: %w", err)
	}
	g.buildLists()
	g.seal()
	s.nextEnt = max(cnt.NextEnt, maxEnt+1)
	s.counts = cnt
	s.nextSeq = nextSeq
	s.head = head
	// Everything was recorded by the last change logged (what a store held
	// before it kept a log has no record times, and counts at every time).
	if s.nextSeq > 0 {
		g.lastRec = unixSec(time.Unix(0, int64(s.nextSeq))) + 1
	}
	s.publish(g)
	return nil
}

// publish makes g, with a storage snapshot opened now, the version new
// readers see. The caller holds the writer lock (or is opening the store), so
// the snapshot shows exactly the commits g reflects (in a store shared with
// other processes, also theirs since g was read; the follower then rebuilds).
func (s *Store) publish(g *memGraph) {
	r, done := s.kv.snapshot(s.base)
	v := &version{g: g, r: r, done: done}
	v.refs.Store(1) // the store's own reference, while v is current
	s.vmu.Lock()
	old := s.cur
	s.cur = v
	s.vmu.Unlock()
	if old != nil {
		old.release()
	}
}

// acquire returns the current version for a new reader, who must release it
// and call s.readers.Done. It returns ErrClosed once Close has begun.
func (s *Store) acquire() (*version, error) {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	if s.closed.Load() || s.cur == nil {
		return nil, ErrClosed
	}
	s.cur.refs.Add(1)
	s.readers.Add(1)
	return s.cur, nil
}

// current is the version the writer, holding wmu, builds on: the last one
// published.
func (s *Store) current() *memGraph {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	return s.cur.g
}

// Close waits for open snapshots (views and the requests reading them) to
// end, then flushes and closes the store. New reads and writes fail with
// ErrClosed from the moment it begins. Calling it twice returns ErrClosed.
func (s *Store) Close() error {
	s.vmu.Lock()
	if s.closed.Swap(true) {
		s.vmu.Unlock()
		return ErrClosed
	}
	s.vmu.Unlock()
	// The follower takes the writer lock to catch up: end it first.
	s.unfollow()
	s.follow.Wait()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.readers.Wait()
	s.vmu.Lock()
	cur := s.cur
	s.cur = nil
	s.vmu.Unlock()
	if cur != nil {
		s.saveCacheFile(cur.g)
		cur.release()
	}
	s.stop()
	return s.kv.close()
}

// Sync forces every committed write to disk.
func (s *Store) Sync() error {
	if s.closed.Load() {
		return ErrClosed
	}
	return s.kv.sync(s.base)
}

// Backup writes a full backup of the store to w in Badger's backup stream
// format; Restore reads it back. It waits for a write in progress (a large
// import is written in chunks, which a backup must not catch half-way) and
// holds writers off while it runs.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.kv.backup(ctx, w)
}

// Restore loads a backup written by Backup into this store, which must be
// empty, and rebuilds the in-memory adjacency. Readers that started before
// it keep seeing the empty store; it waits for no one. It returns
// ErrConflict when the store already holds entities.
func (s *Store) Restore(ctx context.Context, r io.Reader) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(); err != nil {
		return err
	}
	if g := s.current(); g.live > 0 || g.nrel > 0 {
		return fmt.Errorf("%w: restore needs an empty store", ErrConflict)
	}
	if err := s.kv.restore(ctx, r); err != nil {
		s.broken = fmt.Errorf("restore failed part-way (%w); reopen the store to retry", err)
		return err
	}
	return s.rebuild(ctx)
}

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// writable returns the error that keeps the store read-only, if any. The
// caller holds wmu.
func (s *Store) writable() error {
	if s.broken != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, s.broken)
	}
	return nil
}

// view runs fn on a consistent snapshot of the store.
func (s *Store) view(ctx context.Context, fn func(r kvReader) error) error {
	return s.View(ctx, func(sn *Snapshot) error { return fn(sn.v.r) })
}

// update runs fn in a write transaction under the writer lock, then commits
// its writes and publishes the next version of the adjacency cache. fn's
// error aborts with nothing written.
func (s *Store) update(ctx context.Context, fn func(t *wtx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.updateLocked(ctx, fn)
}

// updateLocked is update for a caller that holds the writer lock. Readers
// are never blocked: they go on reading the previous version, storage
// snapshot included, until the commit (and its sync) is done and the next
// version is published. A commit that fails part-way (only a write too large
// for one transaction can) makes the store read-only until reopened, since
// the journal or first-load marker it left must be settled by open.
func (s *Store) updateLocked(ctx context.Context, fn func(t *wtx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := s.writable(); err != nil {
		return err
	}
	var base *memGraph
	var t *wtx
	for attempt := 1; ; attempt++ {
		base, t = s.current(), nil
		err := s.kv.commit(ctx, s.nextEnt == 1, func(r kvReader) ([]kvOp, error) {
			// The commit counter, read and written by every commit, makes
			// two processes' commits on the same state conflict, and tells
			// this one that its cache is behind another's writes.
			head, err := readHead(r)
			if err != nil {
				return nil, err
			}
			if head != s.head {
				return nil, errStale
			}
			t = newWtx(s, r, base)
			if err := fn(t); err != nil {
				return nil, err
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return append(t.ops(), headOp(head+1)), nil
		})
		if err == nil {
			break
		}
		if errors.Is(err, errStale) || errors.Is(err, kv.ErrConflict) {
			// Another process committed first: read what it wrote and run
			// the transaction again on it.
			if attempt >= maxCommitAttempts {
				return fmt.Errorf("%w: commit lost to other writers %d times in a row; try again", ErrUnavailable, attempt)
			}
			if err := s.rebuild(ctx); err != nil {
				return fmt.Errorf("catch up with other writers: %w", err)
			}
			continue
		}
		if pe := (*partialWriteError)(nil); errors.As(err, &pe) {
			return s.commitFailed(err)
		}
		if t == nil || errors.Is(err, kv.ErrUnavailable) {
			// fn did not run, or storage failed: not fn's error.
			return storeErr("commit", err)
		}
		return err
	}
	s.head++
	s.publish(s.applied(base, t))
	renewReads(ctx)
	return nil
}

// applied takes the counters of t, whose writes are now stored, and returns
// the cache version after base with t's changes (sealed, not yet published).
func (s *Store) applied(base *memGraph, t *wtx) *memGraph {
	g := base.next()
	s.applyInto(g, t)
	g.seal()
	return g
}

// applyInto applies committed transaction t to g, a version being built
// (not sealed), and takes t's counters.
func (s *Store) applyInto(g *memGraph, t *wtx) {
	s.nextSeq = max(s.nextSeq, t.nextSeq)
	s.counts = t.counts
	t.applyMem(g)
	// The commit recorded things at t.now (its changes carry that time).
	g.lastRec = max(g.lastRec, unixSec(t.now)+1)
	g.compactStmts()
}

// updateThen is update followed, still under the writer lock, by then: the
// answer of a write is read before any other write can change it. then runs
// even if ctx was cancelled after the commit, since the write is done.
func (s *Store) updateThen(ctx context.Context, fn func(t *wtx) error, then func(ctx context.Context) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.updateLocked(ctx, fn); err != nil {
		return err
	}
	return then(withoutView(context.WithoutCancel(ctx)))
}

var errStop = errors.New("stop")

// Size returns the bytes the store occupies on disk: its sorted tables and
// its value log (0, 0 for an in-memory store).
func (s *Store) Size() (tables, valueLog int64) {
	if s.dir == "" {
		return 0, 0
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, 0
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".sst":
			tables += info.Size()
		case ".vlog":
			valueLog += info.Size()
		}
	}
	return tables, valueLog
}

// RunValueLogGC reclaims value-log space left by overwritten records every
// interval until ctx is done; serve runs it in the background. Each round
// rewrites value-log files that are at least half garbage, until none is
// left. It returns nil when ctx ends, or the first error other than "nothing
// to collect".
func (s *Store) RunValueLogGC(ctx context.Context, interval time.Duration) error {
	if s.dir == "" {
		return nil // an in-memory store has no value log
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if s.closed.Load() {
			return nil
		}
		if err := s.kv.collectGarbage(ctx); err != nil {
			return err
		}
	}
}
