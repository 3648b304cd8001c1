package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/whosedata/whosedata/graph/kv"
)

// badgerEngine is kv.Engine on Badger, on disk or in memory. It is the only
// code of the store that knows Badger; the journal and first-load protocol
// are above it (kv_store.go).
//
// Writers are serialised by a mutex, so its transactions never conflict: the
// store serialises its writers anyway, and Badger's conflict detection would
// cost memory for nothing.
type badgerEngine struct {
	db       *badger.DB
	dir      string
	durable  bool
	inMemory bool
	wmu      sync.Mutex
	bulk     atomic.Bool // a write too large for one transaction happened since open
	closed   atomic.Bool
}

// maxInMemoryValue is Badger's largest value threshold (1 MiB); it bounds the
// size of one record in an in-memory store.
const maxInMemoryValue = 1 << 20

// badgerMemTable is the memtable size; Badger bounds one transaction by 15%
// of it.
const badgerMemTable = 16 << 20

// badgerL0Tables is how many flushed memtables wait in level 0 before
// Badger merges them down. Most of the store's keys are ids or names in no
// useful order, so every flushed table spans the whole key space and each
// merge rewrites the whole level below: merging every 3 tables (Badger's
// habit) made a 1M-statement import spend most of its time rewriting what
// it had just written, and time grow with the square of the size. 16 makes
// those rewrites five times rarer (the 1M import 40 s to 30 s); a get looks
// at most 16 more bloom filters, and Close flattens what a bulk write left.
const badgerL0Tables = 16

// badgerOptions chooses Badger's settings for modest memory: small memtables
// and caches (a claims graph is read mostly through the in-memory adjacency,
// not Badger's block cache), values inline up to 1 KiB so that most records
// are read in one step, and Badger's log routed to the store's slog logger
// (its info and debug lines at debug level).
func badgerOptions(dir string, inMemory, durable bool, log *slog.Logger) badger.Options {
	o := badger.DefaultOptions(dir).
		WithInMemory(inMemory).
		WithSyncWrites(durable).
		WithLogger(slogAdapter{log}).
		WithMemTableSize(badgerMemTable).
		WithNumMemtables(2).
		WithNumLevelZeroTables(badgerL0Tables).
		WithNumLevelZeroTablesStall(2 * badgerL0Tables).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(8 << 20).
		WithValueThreshold(1 << 10).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithDetectConflicts(false) // writers are serialised by the engine
	if inMemory {
		// Without a value log every value lives in the LSM tree, and Badger
		// refuses values above the threshold: raise it to its maximum.
		o.Dir, o.ValueDir = "", ""
		o = o.WithValueThreshold(maxInMemoryValue)
	}
	return o
}

func openBadger(dir string, inMemory, durable bool, log *slog.Logger) (*badgerEngine, error) {
	if !inMemory {
		if err := removeEmptyLogs(dir, log); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	db, err := badger.Open(badgerOptions(dir, inMemory, durable, log))
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") || strings.Contains(err.Error(), "resource temporarily unavailable") {
			return nil, fmt.Errorf("%w: %s is open in another whosedata process; stop it or use another --data directory", ErrLocked, dir)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return &badgerEngine{db: db, dir: dir, durable: durable, inMemory: inMemory}, nil
}

// storageError is an engine error with a bounded message: Badger quotes
// whole keys and values in some of its messages, which must not reach logs
// and clients whole.
type storageError struct {
	op  string
	err error
}

func (e *storageError) Error() string {
	msg := e.err.Error()
	if len(msg) > 200 {
		msg = clip(msg[:200])
	}
	return "storage " + e.op + ": " + msg
}

func (e *storageError) Unwrap() error { return e.err }

func engineErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *storageError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &storageError{op: op, err: err}
}

// removeEmptyLogs deletes zero-length write-ahead (.mem) and value-log
// (.vlog) files. A crash between Badger creating such a file and its first
// write leaves it empty, and Badger then refuses to open the store (its
// issue 2207). An empty log holds nothing, so removing it loses nothing.
func removeEmptyLogs(dir string, log *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != ".mem" && ext != ".vlog" {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 || !info.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
		log.Warn("removed an empty log file left by a crash", "file", e.Name())
	}
	return nil
}

func (e *badgerEngine) Describe() string {
	if e.inMemory {
		return "the in-memory store"
	}
	return e.dir
}

// badgerReader reads a Badger transaction.
type badgerReader struct{ txn *badger.Txn }

func (r badgerReader) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	it, err := r.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, engineErr("read", err)
	}
	v, err := it.ValueCopy(nil)
	return v, err == nil, engineErr("read", err)
}

func (r badgerReader) Scan(ctx context.Context, rg kv.Range, fn func(k, v []byte) (bool, error)) error {
	lo, hi := rg.Bounds()
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = !rg.KeysOnly
	opts.PrefetchSize = 64
	opts.Reverse = rg.Reverse
	if !rg.Reverse {
		opts.Prefix = rg.Prefix
	}
	it := r.txn.NewIterator(opts)
	defer it.Close()
	switch {
	case !rg.Reverse:
		it.Seek(lo)
	case hi != nil:
		// In reverse, Seek finds the last key <= its argument; hi itself is
		// skipped below.
		it.Seek(hi)
	default:
		// No upper bound: the prefix is empty or all 0xFF bytes, and its keys
		// are the largest there are.
		it.Rewind()
	}
	n := 0
	for ; it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		if rg.Reverse {
			if hi != nil && bytes.Compare(k, hi) >= 0 {
				continue
			}
			if bytes.Compare(k, lo) < 0 {
				return nil
			}
		} else if hi != nil && bytes.Compare(k, hi) >= 0 {
			return nil
		}
		if !bytes.HasPrefix(k, rg.Prefix) {
			return nil
		}
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n++
		more := true
		var err error
		if rg.KeysOnly {
			more, err = fn(k, nil)
		} else if verr := item.Value(func(v []byte) error {
			more, err = fn(k, v)
			return nil
		}); verr != nil {
			return engineErr("read", verr)
		}
		if err != nil || !more {
			return err
		}
		if rg.Limit > 0 && n >= rg.Limit {
			return nil
		}
	}
	return nil
}

type badgerSnapshot struct {
	badgerReader
}

func (s badgerSnapshot) Release() { s.txn.Discard() }

// Snapshot opens a read snapshot; Release must be called to free it.
func (e *badgerEngine) Snapshot(ctx context.Context) (kv.Snapshot, error) {
	if e.closed.Load() {
		return nil, kv.ErrClosed
	}
	return badgerSnapshot{badgerReader{e.db.NewTransaction(false)}}, nil
}

func (e *badgerEngine) View(ctx context.Context, fn func(kv.Reader) error) error {
	if e.closed.Load() {
		return kv.ErrClosed
	}
	return e.db.View(func(txn *badger.Txn) error { return fn(badgerReader{txn}) })
}

// badgerTxn is a read-write Badger transaction that counts what it writes,
// for the free-space check before the commit.
type badgerTxn struct {
	badgerReader
	size int64
}

func (t *badgerTxn) Set(k, v []byte) error {
	t.size += int64(len(k) + len(v) + 16)
	return badgerWriteErr(t.txn.Set(k, v))
}

func (t *badgerTxn) Delete(k []byte) error {
	t.size += int64(len(k) + 16)
	return badgerWriteErr(t.txn.Delete(k))
}

func badgerWriteErr(err error) error {
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w (Badger bounds a transaction by its memtable)", kv.ErrTooBig)
	}
	return engineErr("write", err)
}

func (e *badgerEngine) Update(ctx context.Context, fn func(kv.Txn) error) error {
	if e.closed.Load() {
		return kv.ErrClosed
	}
	e.wmu.Lock()
	defer e.wmu.Unlock()
	txn := e.db.NewTransaction(true)
	defer txn.Discard()
	t := &badgerTxn{badgerReader: badgerReader{txn}}
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := e.checkSpace(t.size); err != nil {
		return err
	}
	return engineErr("write", txn.Commit())
}

// Limits reports Badger's bound on one transaction: 15% of the memtable.
func (e *badgerEngine) Limits() kv.Limits {
	return kv.Limits{MaxTxnBytes: 15 * badgerMemTable / 100, MaxTxnOps: int(e.db.MaxBatchCount())}
}

// Free space a write needs. Badger writes through memory-mapped logs, and
// a write into a mapped file on a full filesystem kills the process
// (SIGBUS) instead of returning an error; so a write that the disk cannot
// hold is refused before it starts, with the figures, and nothing of it is
// written. A write needs room for its bytes three times over (journal,
// batch, and the log it goes through) plus a margin for Badger's own files.
const spaceMargin = 8 << 20

func (e *badgerEngine) checkSpace(size int64) error {
	if e.inMemory {
		return nil
	}
	free := freeSpace(e.dir)
	if free < 0 {
		return nil
	}
	if need := 3*size + spaceMargin; free < need {
		return fmt.Errorf("%w: not enough disk space in %s: %s free, and this write of %s needs about %s (free some space or use a larger disk)",
			ErrNoSpace, e.dir, formatBytes(free), formatBytes(size), formatBytes(need))
	}
	return nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// WriteBatch writes ops with Badger's WriteBatch, faster than transactions
// for a bulk load and not atomic; synced when the store is durable.
func (e *badgerEngine) WriteBatch(ctx context.Context, ops []kv.Op) error {
	if e.closed.Load() {
		return kv.ErrClosed
	}
	var size int64
	for _, op := range ops {
		size += int64(len(op.Key) + len(op.Value) + 16)
	}
	if err := e.checkSpace(size); err != nil {
		return err
	}
	e.bulk.Store(true)
	wb := e.db.NewWriteBatch()
	defer wb.Cancel()
	for i, op := range ops {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var err error
		if op.Del {
			err = wb.Delete(op.Key)
		} else {
			err = wb.Set(op.Key, op.Value)
		}
		if err != nil {
			return engineErr("write", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return engineErr("write", err)
	}
	if e.durable {
		return engineErr("sync", e.db.Sync())
	}
	return nil
}

// DropAllExcept empties the store but for the keys with prefix keep.
func (e *badgerEngine) DropAllExcept(ctx context.Context, keep []byte) error {
	var kept []kv.Op
	err := e.View(ctx, func(r kv.Reader) error {
		return r.Scan(ctx, kv.Range{Prefix: keep}, func(k, v []byte) (bool, error) {
			kept = append(kept, kv.Op{Key: bytes.Clone(k), Value: bytes.Clone(v)})
			return true, nil
		})
	})
	if err != nil {
		return err
	}
	if err := e.db.DropAll(); err != nil {
		return engineErr("drop", err)
	}
	if err := e.WriteBatch(ctx, kept); err != nil {
		return err
	}
	return e.Sync(ctx)
}

func (e *badgerEngine) Sync(ctx context.Context) error { return engineErr("sync", e.db.Sync()) }

func (e *badgerEngine) Backup(ctx context.Context, w io.Writer) error {
	_, err := e.db.Backup(w, 0)
	return engineErr("backup", err)
}

func (e *badgerEngine) Restore(ctx context.Context, r io.Reader) error {
	return engineErr("restore", e.db.Load(r, 64))
}

// CollectGarbage rewrites value-log files that are at least half garbage,
// until none is left (at most 16 files a round).
func (e *badgerEngine) CollectGarbage(ctx context.Context) error {
	if e.inMemory {
		return nil
	}
	for i := 0; i < 16 && ctx.Err() == nil; i++ {
		err := e.db.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return engineErr("value-log gc", err)
		}
	}
	return nil
}

// Close settles the tree after bulk writes before closing: compacting it
// now, while the writer's memory is free anyway, spares the next open (a
// server, often) from doing it while it builds its cache.
func (e *badgerEngine) Close() error {
	if e.closed.Swap(true) {
		return kv.ErrClosed
	}
	if e.bulk.Load() && !e.inMemory {
		if err := e.db.Flatten(2); err != nil {
			e.db.Close()
			return engineErr("compact", err)
		}
	}
	return e.db.Close()
}

// slogAdapter routes Badger's logger to slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Errorf(f string, v ...any) {
	a.l.Error(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
func (a slogAdapter) Warningf(f string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(f, v...))
	if strings.Contains(msg, "might be too small") || strings.HasPrefix(msg, "Cache life expectancy") ||
		strings.Contains(msg, "Unable to fill tables") {
		// Badger's caches are kept small on purpose (badgerOptions), and a
		// bulk load's reads miss them; a compaction that finds its tables
		// taken by another is simply retried: a warning of either would
		// only alarm the user.
		a.l.Debug(msg, "component", "badger")
		return
	}
	a.l.Warn(msg, "component", "badger")
}
func (a slogAdapter) Infof(f string, v ...any) {
	a.l.Debug(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
func (a slogAdapter) Debugf(f string, v ...any) {
	a.l.Debug(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
