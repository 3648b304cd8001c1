package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	badger "github.com/dgraph-io/badger/v4"
)

// kvOp is one write: a Set, or a Delete when Del is true.
type kvOp struct {
	Key, Value []byte
	Del        bool
}

// kvReader reads one consistent snapshot.
type kvReader interface {
	// get returns the value of key; ok is false when the key is absent.
	get(key []byte) (val []byte, ok bool, err error)
	// scan calls fn for every key with prefix, starting at the first key >= from
	// (from nil: the prefix itself), in key order, until fn returns false. The
	// slices are only valid during the call.
	scan(prefix, from []byte, keysOnly bool, fn func(k, v []byte) (bool, error)) error
	// scanKeysBack calls fn with every key with prefix, last first, until fn
	// returns false.
	scanKeysBack(prefix []byte, fn func(k []byte) (bool, error)) error
}

// kvEngine is the narrow boundary between the store and the ordered key-value
// engine underneath. Only this file knows Badger; another engine is a second
// implementation of these methods.
type kvEngine interface {
	view(fn func(kvReader) error) error
	// snapshot opens a read snapshot; done releases it.
	snapshot() (r kvReader, done func())
	// apply commits ops atomically: all or none are visible after a crash.
	apply(ops []kvOp) error
	// applyFirst is apply for a store that holds nothing but meta keys: a
	// write too large for one transaction needs no journal, because undoing
	// it after a crash is emptying the store (done on the next open).
	applyFirst(ops []kvOp) error
	// replayJournal completes an apply that a crash interrupted, or undoes an
	// applyFirst; it reports whether there was one.
	replayJournal() (bool, error)
	sync() error
	close() error
	backup(w io.Writer) error
	restore(r io.Reader) error
	// collectGarbage reclaims space left by overwritten values.
	collectGarbage() error
}

// badgerEngine is kvEngine on Badger.
// maxInMemoryValue is Badger's largest value threshold (1 MiB); it bounds the
// size of one record in an in-memory store.
const maxInMemoryValue = 1 << 20

type badgerEngine struct {
	db       *badger.DB
	dir      string
	durable  bool
	inMemory bool
	bulk     atomic.Bool // a write too large for one transaction happened since open
}

// firstLoadMarker names the file, in the store directory, that exists while
// an applyFirst is being written.
const firstLoadMarker = "WHOSEDATA-FIRST-LOAD"

// badgerOptions chooses Badger's settings for modest memory: small memtables
// and caches (a claims graph is read mostly through the in-memory adjacency,
// not Badger's block cache), values inline up to 1 KiB so that most records
// are read in one step, and logging routed to slog at warning level.
func badgerOptions(dir string, inMemory, durable bool, log *slog.Logger) badger.Options {
	o := badger.DefaultOptions(dir).
		WithInMemory(inMemory).
		WithSyncWrites(durable).
		WithLogger(slogAdapter{log}).
		WithLoggingLevel(badger.WARNING).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(3).
		WithNumLevelZeroTablesStall(8).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(8 << 20).
		WithValueThreshold(1 << 10).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithDetectConflicts(false) // the store serialises writers itself
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

// partialWriteError is a failed write that may have been applied in part: a
// write through the journal or the first-load marker that failed after it
// began. Open completes or undoes it, so the store must not be written to
// before then.
type partialWriteError struct{ err error }

func (e *partialWriteError) Error() string { return "write failed part-way: " + e.err.Error() }

func (e *partialWriteError) Unwrap() error { return e.err }

func engineErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *storageError
	if errors.As(err, &se) {
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

type badgerReader struct{ txn *badger.Txn }

func (r badgerReader) get(key []byte) ([]byte, bool, error) {
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

func (r badgerReader) scan(prefix, from []byte, keysOnly bool, fn func(k, v []byte) (bool, error)) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.PrefetchValues = !keysOnly
	if !keysOnly {
		opts.PrefetchSize = 64
	}
	it := r.txn.NewIterator(opts)
	defer it.Close()
	if from == nil {
		from = prefix
	}
	for it.Seek(from); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		more := true
		var err error
		if keysOnly {
			more, err = fn(item.Key(), nil)
		} else if verr := item.Value(func(v []byte) error {
			more, err = fn(item.Key(), v)
			return nil
		}); verr != nil {
			return engineErr("read", verr)
		}
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func (r badgerReader) scanKeysBack(prefix []byte, fn func(k []byte) (bool, error)) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix, opts.PrefetchValues, opts.Reverse = prefix, false, true
	it := r.txn.NewIterator(opts)
	defer it.Close()
	// In reverse, Seek finds the last key <= its argument: past every key
	// with prefix.
	for it.Seek(append(bytes.Clone(prefix), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)); it.ValidForPrefix(prefix); it.Next() {
		more, err := fn(it.Item().Key())
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// snapshot opens a read snapshot; done must be called to release it.
func (e *badgerEngine) snapshot() (r kvReader, done func()) {
	txn := e.db.NewTransaction(false)
	return badgerReader{txn}, txn.Discard
}

func (e *badgerEngine) view(fn func(kvReader) error) error {
	return e.db.View(func(txn *badger.Txn) error { return fn(badgerReader{txn}) })
}

// apply writes ops in one transaction. When they do not fit in one (Badger
// bounds a transaction by its memtable size), it writes them through the
// journal: the whole op list is first stored under one meta key, then written
// with a WriteBatch, then the journal is deleted. replayJournal, run on open,
// finishes a write that a crash interrupted, so the outcome is all or none.
func (e *badgerEngine) apply(ops []kvOp) error {
	return engineErr("write", e.applyOps(ops, e.applyJournaled))
}

func (e *badgerEngine) applyFirst(ops []kvOp) error {
	return engineErr("write", e.applyOps(ops, e.applyMarked))
}

// partial marks a failure of a write that may have been applied in part.
func partial(err error) error {
	if err == nil {
		return nil
	}
	return &partialWriteError{err: err}
}

// applyMarked writes ops with a WriteBatch between creating and removing the
// first-load marker; replayJournal empties a store that still has one.
func (e *badgerEngine) applyMarked(ops []kvOp) error {
	if e.inMemory {
		return partial(e.writeBatch(ops))
	}
	marker := filepath.Join(e.dir, firstLoadMarker)
	if err := writeSynced(marker); err != nil {
		// Nothing is written yet, but a marker may exist: undo on open.
		return partial(err)
	}
	if err := e.writeBatch(ops); err != nil {
		return partial(err)
	}
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	if err := os.Remove(marker); err != nil {
		return partial(err)
	}
	return partial(syncDir(e.dir))
}

// writeSynced creates an empty file and syncs it and its directory.
func writeSynced(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// undoFirstLoad empties a store whose first load was interrupted, keeping
// its meta keys; it reports whether there was one.
func (e *badgerEngine) undoFirstLoad() (bool, error) {
	if e.inMemory {
		return false, nil
	}
	marker := filepath.Join(e.dir, firstLoadMarker)
	if _, err := os.Stat(marker); errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var keep []kvOp
	err := e.view(func(r kvReader) error {
		return r.scan([]byte{pMeta}, nil, false, func(k, v []byte) (bool, error) {
			keep = append(keep, kvOp{Key: bytes.Clone(k), Value: bytes.Clone(v)})
			return true, nil
		})
	})
	if err != nil {
		return false, err
	}
	if err := e.db.DropAll(); err != nil {
		return false, err
	}
	if err := e.writeBatch(keep); err != nil {
		return false, err
	}
	if err := e.db.Sync(); err != nil {
		return false, err
	}
	if err := os.Remove(marker); err != nil {
		return false, err
	}
	return true, syncDir(e.dir)
}

// Free space a write needs. Badger writes through memory-mapped logs, and
// a write into a mapped file on a full filesystem kills the process
// (SIGBUS) instead of returning an error; so a write that the disk cannot
// hold is refused before it starts, with the figures, and nothing of it is
// written. A write needs room for its bytes three times over (journal,
// batch, and the log it goes through) plus a margin for Badger's own files.
const spaceMargin = 8 << 20

func (e *badgerEngine) checkSpace(ops []kvOp) error {
	if e.inMemory {
		return nil
	}
	free := freeSpace(e.dir)
	if free < 0 {
		return nil
	}
	var size int64
	for _, op := range ops {
		size += int64(len(op.Key) + len(op.Value) + 16)
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

func (e *badgerEngine) applyOps(ops []kvOp, tooBig func([]kvOp) error) error {
	if len(ops) == 0 {
		return nil
	}
	if err := e.checkSpace(ops); err != nil {
		return err
	}
	txn := e.db.NewTransaction(true)
	defer txn.Discard()
	for _, op := range ops {
		var err error
		if op.Del {
			err = txn.Delete(op.Key)
		} else {
			err = txn.Set(op.Key, op.Value)
		}
		if errors.Is(err, badger.ErrTxnTooBig) {
			txn.Discard()
			return tooBig(ops)
		}
		if err != nil {
			return err
		}
	}
	return txn.Commit()
}

func (e *badgerEngine) applyJournaled(ops []kvOp) error {
	if e.inMemory {
		// Nothing survives a crash of an in-memory store, so there is
		// nothing for a journal to complete.
		return partial(e.writeBatch(ops))
	}
	journal := encodeOps(ops)
	// The journal may exceed one transaction too; it is split into parts
	// written one transaction each, and only the final count key makes the
	// journal valid.
	const part = 512 << 10
	n := 0
	for off := 0; off < len(journal); off += part {
		end := min(off+part, len(journal))
		if err := e.setOne(journalPartKey(n), journal[off:end]); err != nil {
			// Parts without a header are ignored on open, but they are
			// still there: keep the store read-only until then.
			return partial(err)
		}
		n++
	}
	// The parts must be on disk before the header that makes them valid.
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	if err := e.setOne(metaKey("journal"), binary.BigEndian.AppendUint32(nil, uint32(n))); err != nil {
		return partial(err)
	}
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	if err := e.writeBatch(ops); err != nil {
		return partial(err)
	}
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	return partial(e.clearJournal(n))
}

func journalPartKey(i int) []byte {
	return binary.BigEndian.AppendUint32(metaKey("journal/"), uint32(i))
}

func (e *badgerEngine) setOne(k, v []byte) error {
	return e.db.Update(func(txn *badger.Txn) error { return txn.Set(k, v) })
}

func (e *badgerEngine) writeBatch(ops []kvOp) error {
	e.bulk.Store(true)
	wb := e.db.NewWriteBatch()
	defer wb.Cancel()
	for _, op := range ops {
		var err error
		if op.Del {
			err = wb.Delete(op.Key)
		} else {
			err = wb.Set(op.Key, op.Value)
		}
		if err != nil {
			return err
		}
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	if e.durable {
		return e.db.Sync()
	}
	return nil
}

func (e *badgerEngine) clearJournal(n int) error {
	return e.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(metaKey("journal")); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := txn.Delete(journalPartKey(i)); err != nil {
				return err
			}
		}
		return nil
	})
}

// replayJournal completes a journaled write left by a crash. It reports
// whether there was one.
func (e *badgerEngine) replayJournal() (bool, error) {
	if undone, err := e.undoFirstLoad(); err != nil || undone {
		return undone, err
	}
	var parts [][]byte
	var n uint32
	err := e.db.View(func(txn *badger.Txn) error {
		r := badgerReader{txn}
		v, ok, err := r.get(metaKey("journal"))
		if err != nil || !ok {
			return err
		}
		if len(v) != 4 {
			return fmt.Errorf("journal header is %d bytes, want 4", len(v))
		}
		n = binary.BigEndian.Uint32(v)
		for i := 0; i < int(n); i++ {
			p, ok, err := r.get(journalPartKey(i))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("journal part %d of %d is missing", i, n)
			}
			parts = append(parts, p)
		}
		return nil
	})
	if err != nil || n == 0 {
		return false, err
	}
	ops, err := decodeOps(bytes.Join(parts, nil))
	if err != nil {
		return false, fmt.Errorf("journal: %w", err)
	}
	if err := e.writeBatch(ops); err != nil {
		return false, err
	}
	return true, e.clearJournal(int(n))
}

func (e *badgerEngine) sync() error { return engineErr("sync", e.db.Sync()) }

func (e *badgerEngine) backup(w io.Writer) error {
	_, err := e.db.Backup(w, 0)
	return engineErr("backup", err)
}

func (e *badgerEngine) restore(r io.Reader) error { return engineErr("restore", e.db.Load(r, 64)) }

// collectGarbage rewrites value-log files that are at least half garbage,
// until none is left (at most 16 files a round).
func (e *badgerEngine) collectGarbage() error {
	if e.inMemory {
		return nil
	}
	for i := 0; i < 16; i++ {
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

// close settles the tree after bulk writes before closing: compacting it
// now, while the writer's memory is free anyway, spares the next open (a
// server, often) from doing it while it builds its cache.
func (e *badgerEngine) close() error {
	if e.bulk.Load() && !e.inMemory {
		if err := e.db.Flatten(2); err != nil {
			e.db.Close()
			return engineErr("compact", err)
		}
	}
	return e.db.Close()
}

func encodeOps(ops []kvOp) []byte {
	size := 0
	for _, op := range ops {
		size += 1 + 2*binary.MaxVarintLen64 + len(op.Key) + len(op.Value)
	}
	b := make([]byte, 0, size)
	for _, op := range ops {
		if op.Del {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(len(op.Key)))
		b = append(b, op.Key...)
		b = binary.AppendUvarint(b, uint64(len(op.Value)))
		b = append(b, op.Value...)
	}
	return b
}

func decodeOps(b []byte) ([]kvOp, error) {
	var ops []kvOp
	for len(b) > 0 {
		del := b[0] == 1
		b = b[1:]
		k, rest, ok := cutUvarintBytes(b)
		if !ok {
			return nil, errors.New("truncated key")
		}
		v, rest, ok := cutUvarintBytes(rest)
		if !ok {
			return nil, errors.New("truncated value")
		}
		b = rest
		ops = append(ops, kvOp{Key: k, Value: v, Del: del})
	}
	return ops, nil
}

func cutUvarintBytes(b []byte) (field, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) < n {
		return nil, nil, false
	}
	return b[w : w+int(n)], b[w+int(n):], true
}

// slogAdapter routes Badger's logger to slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Errorf(f string, v ...any) {
	a.l.Error(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
func (a slogAdapter) Warningf(f string, v ...any) {
	a.l.Warn(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
func (a slogAdapter) Infof(f string, v ...any) {
	a.l.Debug(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
func (a slogAdapter) Debugf(f string, v ...any) {
	a.l.Debug(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}
