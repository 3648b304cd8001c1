package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/whosedata/whosedata/graph/kv"
)

// This file is the store's side of the engine boundary: the narrow
// interface the rest of package graph reads and writes through (kvReader,
// kvEngine), and, above any kv.Engine, the two protocols that make a write
// too large for one transaction all-or-nothing after a crash: the journal
// and the first-load marker. Their keys are meta keys of the one key schema
// (keys.go).

// kvOp is one write: a Set, or a Delete when Del is true.
type kvOp = kv.Op

// kvReader reads one consistent snapshot. It is bound to a context when it
// is made (see readerOf), so the many reads of a query need not pass one.
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

// kvEngine is what the store needs of its storage: reads, snapshots for
// published versions, and commits that are atomic whatever their size.
type kvEngine interface {
	view(ctx context.Context, fn func(kvReader) error) error
	// snapshot opens a read snapshot; done releases it. A snapshot that
	// cannot be opened (a database that is down) reads as that error.
	snapshot(ctx context.Context) (r kvReader, done func())
	// commit runs build in one transaction, reading through r, and writes
	// the ops it returns: all or none are visible, also after a crash. A
	// write too large for one transaction goes through the journal, or with
	// first (a store holding nothing but meta keys) behind the first-load
	// marker. It returns an error wrapping kv.ErrConflict when a concurrent
	// transaction (another process) won; nothing is written then.
	commit(ctx context.Context, first bool, build func(r kvReader) ([]kvOp, error)) error
	// apply is commit of ops that need no reads.
	apply(ctx context.Context, ops []kvOp) error
	// replayJournal completes a journaled write that a crash interrupted, or
	// undoes an interrupted first load; it reports whether there was one.
	replayJournal(ctx context.Context) (bool, error)
	sync(ctx context.Context) error
	close() error
	backup(ctx context.Context, w io.Writer) error
	restore(ctx context.Context, r io.Reader) error
	// collectGarbage reclaims space left by overwritten values.
	collectGarbage(ctx context.Context) error
	// engine is the kv.Engine underneath, for its optional interfaces.
	engine() kv.Engine
}

// partialWriteError is a failed write that may have been applied in part: a
// write through the journal or the first-load marker that failed after it
// began. Open completes or undoes it, so the store must not be written to
// before then.
type partialWriteError struct{ err error }

func (e *partialWriteError) Error() string { return "write failed part-way: " + e.err.Error() }

func (e *partialWriteError) Unwrap() error { return e.err }

// partial marks a failure of a write that may have been applied in part.
func partial(err error) error {
	if err == nil {
		return nil
	}
	return &partialWriteError{err: err}
}

// readTimeout bounds one read of a reader bound to the store's own context
// (the snapshots of published versions) on a database server: one that
// stops answering fails the read instead of hanging the request. A local
// engine (Badger) has no such bound: a scan of a whole family, as export
// makes, may take minutes.
var readTimeout = 30 * time.Second

// ctxReader binds a kv.Reader to a context.
type ctxReader struct {
	ctx     context.Context
	r       kv.Reader
	timeout bool
}

func readerOf(ctx context.Context, r kv.Reader, timeout bool) kvReader {
	return ctxReader{ctx: ctx, r: r, timeout: timeout}
}

func (c ctxReader) context() (context.Context, context.CancelFunc) {
	if c.timeout {
		return context.WithTimeout(c.ctx, readTimeout)
	}
	return c.ctx, func() {}
}

func (c ctxReader) get(key []byte) ([]byte, bool, error) {
	ctx, cancel := c.context()
	defer cancel()
	return c.r.Get(ctx, key)
}

func (c ctxReader) scan(prefix, from []byte, keysOnly bool, fn func(k, v []byte) (bool, error)) error {
	ctx, cancel := c.context()
	defer cancel()
	return c.r.Scan(ctx, kv.Range{Prefix: prefix, Start: from, KeysOnly: keysOnly}, fn)
}

func (c ctxReader) scanKeysBack(prefix []byte, fn func(k []byte) (bool, error)) error {
	ctx, cancel := c.context()
	defer cancel()
	return c.r.Scan(ctx, kv.Range{Prefix: prefix, Reverse: true, KeysOnly: true}, func(k, _ []byte) (bool, error) { return fn(k) })
}

// errReader reads as one error: the snapshot of a version that could not be
// opened.
type errReader struct{ err error }

func (e errReader) get([]byte) ([]byte, bool, error) { return nil, false, e.err }
func (e errReader) scan([]byte, []byte, bool, func(k, v []byte) (bool, error)) error {
	return e.err
}
func (e errReader) scanKeysBack([]byte, func(k []byte) (bool, error)) error { return e.err }

// journaled is kvEngine on any kv.Engine.
type journaled struct {
	e    kv.Engine
	base context.Context // the store's lifetime, for the readers of published versions
}

func newJournaled(e kv.Engine, base context.Context) *journaled { return &journaled{e: e, base: base} }

func (j *journaled) engine() kv.Engine { return j.e }

func (j *journaled) view(ctx context.Context, fn func(kvReader) error) error {
	return j.e.View(ctx, func(r kv.Reader) error { return fn(readerOf(ctx, r, false)) })
}

func (j *journaled) snapshot(ctx context.Context) (kvReader, func()) {
	sn, err := j.e.Snapshot(ctx)
	if err != nil {
		return errReader{fmt.Errorf("open a read snapshot: %w", err)}, func() {}
	}
	_, remote := j.e.(kv.Notifier)
	return readerOf(j.base, sn, remote), sn.Release
}

// errTooBig carries the ops of a transaction that exceeded the engine's
// limit out of it, to be written through the journal.
func (j *journaled) commit(ctx context.Context, first bool, build func(r kvReader) ([]kvOp, error)) error {
	var ops []kvOp
	err := j.e.Update(ctx, func(tx kv.Txn) error {
		var err error
		ops, err = build(readerOf(ctx, tx, false))
		if err != nil {
			ops = nil
			return err
		}
		for _, op := range ops {
			if op.Del {
				err = tx.Delete(op.Key)
			} else {
				err = tx.Set(op.Key, op.Value)
			}
			if err != nil {
				if !errors.Is(err, kv.ErrTooBig) {
					ops = nil
				}
				return err
			}
		}
		return nil
	})
	if errors.Is(err, kv.ErrTooBig) && ops != nil {
		if l, ok := j.e.(kv.Locker); ok {
			// Other processes must not commit while the journal is
			// written: lock them out, then build the write again on what
			// storage holds now (build fails if another process got in
			// first, and the store retries).
			unlock, err := l.LockWriters(ctx)
			if err != nil {
				return err
			}
			defer unlock()
			if err := j.view(ctx, func(r kvReader) error {
				var err error
				ops, err = build(r)
				return err
			}); err != nil {
				return err
			}
		}
		if first {
			return engineErr("write", j.applyMarked(ctx, ops))
		}
		return engineErr("write", j.applyJournaled(ctx, ops))
	}
	return err
}

func (j *journaled) apply(ctx context.Context, ops []kvOp) error {
	return j.commit(ctx, false, func(kvReader) ([]kvOp, error) { return ops, nil })
}

// writeChunked writes ops without the atomicity of one transaction: with the
// engine's bulk writer, or in transactions within its limits.
func (j *journaled) writeChunked(ctx context.Context, ops []kvOp) error {
	if bw, ok := j.e.(kv.BulkWriter); ok {
		return bw.WriteBatch(ctx, ops)
	}
	lim := j.e.Limits()
	maxBytes, maxOps := lim.MaxTxnBytes/2, lim.MaxTxnOps/2
	for len(ops) > 0 {
		n, size := 0, int64(0)
		for n < len(ops) && (maxOps <= 0 || n < maxOps) && (maxBytes <= 0 || size < maxBytes || n == 0) {
			size += int64(len(ops[n].Key) + len(ops[n].Value) + 16)
			n++
		}
		chunk := ops[:n]
		if err := j.e.Update(ctx, func(tx kv.Txn) error {
			for _, op := range chunk {
				var err error
				if op.Del {
					err = tx.Delete(op.Key)
				} else {
					err = tx.Set(op.Key, op.Value)
				}
				if err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		ops = ops[n:]
	}
	return nil
}

func (j *journaled) sync(ctx context.Context) error {
	if s, ok := j.e.(kv.Syncer); ok {
		return s.Sync(ctx)
	}
	return nil
}

// setOne writes one key in its own transaction.
func (j *journaled) setOne(ctx context.Context, k, v []byte) error {
	return j.e.Update(ctx, func(tx kv.Txn) error { return tx.Set(k, v) })
}

// journalPart is the size of one part of a journal: well within every
// engine's transaction limit.
const journalPart = 512 << 10

// applyJournaled writes ops that do not fit in one transaction: the whole op
// list is first stored under meta keys (in parts, each its own transaction,
// made valid only by the header written after them), then written in chunks,
// then the journal is deleted. replayJournal, run on open, finishes a write
// that a crash interrupted, so the outcome is all or none.
func (j *journaled) applyJournaled(ctx context.Context, ops []kvOp) error {
	// From here on the journal must be finished even if the caller gives up.
	ctx = context.WithoutCancel(ctx)
	journal := encodeOps(ops)
	n := 0
	for off := 0; off < len(journal); off += journalPart {
		end := min(off+journalPart, len(journal))
		if err := j.setOne(ctx, journalPartKey(n), journal[off:end]); err != nil {
			// Parts without a header are ignored on open, but they are
			// still there: keep the store read-only until then.
			return partial(err)
		}
		n++
	}
	// The parts must be durable before the header that makes them valid.
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	if err := j.setOne(ctx, metaKey(metaJournal), binary.BigEndian.AppendUint32(nil, uint32(n))); err != nil {
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	if err := j.writeChunked(ctx, ops); err != nil {
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	return partial(j.clearJournal(ctx, n))
}

// applyMarked writes ops between setting and deleting the first-load marker;
// replayJournal empties a store that still has one.
func (j *journaled) applyMarked(ctx context.Context, ops []kvOp) error {
	ctx = context.WithoutCancel(ctx)
	if err := j.setOne(ctx, metaKey(metaFirstLoad), nil); err != nil {
		// Nothing is written yet, but the marker may be: undo on open.
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	if err := j.writeChunked(ctx, ops); err != nil {
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	return partial(j.clearFirstLoad(ctx))
}

// clearFirstLoad deletes the first-load marker and makes that durable: the
// first load it marked is complete, or undone.
func (j *journaled) clearFirstLoad(ctx context.Context) error {
	if err := j.e.Update(ctx, func(tx kv.Txn) error { return tx.Delete(metaKey(metaFirstLoad)) }); err != nil {
		return err
	}
	return j.sync(ctx)
}

func journalPartKey(i int) []byte {
	return binary.BigEndian.AppendUint32(metaKey(metaJournal+"/"), uint32(i))
}

func (j *journaled) clearJournal(ctx context.Context, n int) error {
	return j.e.Update(ctx, func(tx kv.Txn) error {
		if err := tx.Delete(metaKey(metaJournal)); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := tx.Delete(journalPartKey(i)); err != nil {
				return err
			}
		}
		return nil
	})
}

// undoFirstLoad empties a store whose first load was interrupted, keeping
// its meta keys; it reports whether there was one.
func (j *journaled) undoFirstLoad(ctx context.Context) (bool, error) {
	var marked bool
	if err := j.e.View(ctx, func(r kv.Reader) error {
		_, ok, err := r.Get(ctx, metaKey(metaFirstLoad))
		marked = ok
		return err
	}); err != nil || !marked {
		return false, err
	}
	if d, ok := j.e.(kv.Dropper); ok {
		if err := d.DropAllExcept(ctx, family(pMeta)); err != nil {
			return false, err
		}
	} else {
		// Delete everything after the meta keys, a bounded scan at a time.
		for {
			var del []kvOp
			if err := j.e.View(ctx, func(r kv.Reader) error {
				return r.Scan(ctx, kv.Range{Start: afterMeta(), KeysOnly: true, Limit: 10000}, func(k, _ []byte) (bool, error) {
					del = append(del, kvOp{Key: bytes.Clone(k), Del: true})
					return true, nil
				})
			}); err != nil {
				return false, err
			}
			if len(del) == 0 {
				break
			}
			if err := j.writeChunked(ctx, del); err != nil {
				return false, err
			}
		}
	}
	return true, j.clearFirstLoad(ctx)
}

// replayJournal completes a journaled write left by a crash, or undoes an
// interrupted first load. It reports whether there was one.
func (j *journaled) replayJournal(ctx context.Context) (bool, error) {
	if undone, err := j.undoFirstLoad(ctx); err != nil || undone {
		return undone, err
	}
	var parts [][]byte
	var n uint32
	err := j.e.View(ctx, func(r kv.Reader) error {
		v, ok, err := r.Get(ctx, metaKey(metaJournal))
		if err != nil || !ok {
			return err
		}
		if len(v) != 4 {
			return fmt.Errorf("journal header is %d bytes, want 4", len(v))
		}
		n = binary.BigEndian.Uint32(v)
		for i := 0; i < int(n); i++ {
			p, ok, err := r.Get(ctx, journalPartKey(i))
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
	if err := j.writeChunked(ctx, ops); err != nil {
		return false, err
	}
	if err := j.sync(ctx); err != nil {
		return false, err
	}
	return true, j.clearJournal(ctx, int(n))
}

func (j *journaled) close() error { return j.e.Close() }

// backup writes the engine's own backup stream.
func (j *journaled) backup(ctx context.Context, w io.Writer) error {
	b, ok := j.e.(kv.Backuper)
	if !ok {
		return fmt.Errorf("%w: this storage engine has no backup format of its own; use export, or copy to a directory store", ErrInvalid)
	}
	return b.Backup(ctx, w)
}

func (j *journaled) restore(ctx context.Context, r io.Reader) error {
	b, ok := j.e.(kv.Backuper)
	if !ok {
		return fmt.Errorf("%w: this storage engine cannot read backups; restore into a directory store and copy it", ErrInvalid)
	}
	return b.Restore(ctx, r)
}

func (j *journaled) collectGarbage(ctx context.Context) error {
	if gc, ok := j.e.(kv.GarbageCollector); ok {
		return gc.CollectGarbage(ctx)
	}
	return nil
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
