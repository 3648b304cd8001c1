package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/whosedata/whosedata/graph/kv"
)

// Staged writes: one logical write too large to hold in memory, applied as
// a run of chunks that is still all or nothing. An import streams its items
// through one, so its memory is bounded by a chunk, not by the input.
//
// Between beginStaged and commit or abort the chunks are visible to new
// engine views (the importer reads what earlier chunks wrote) but not to the
// store's readers, who keep the version published before the import, and the
// writer lock keeps every other writer of this process out. A store shared
// with other processes (an engine that notifies of their commits) cannot keep
// them from seeing the chunks, so it has no staged writes: an import there is
// one commit, through the journal when it is large (see stageable).
//
// Into a store that held nothing but meta keys, the chunks are written
// behind the first-load marker, which open undoes by emptying the store, as
// for any first load. Into a store that held data, before chunk c is
// written, the values its keys hold (or their absence) are stored as op
// lists under undoPartKey(c, piece), each piece at most undoPiece bytes and
// written in a transaction of its own, then undoHeadKey(c) records the number
// of pieces: only then is the chunk written. Rolling back applies the
// complete chunk records from the last to the first, which restores every
// key to its value before the write however far it got, and is itself safe
// to repeat after a crash. A chunk without its head never started.
// undoCommitKey, set once every chunk is on disk, marks the write done: the
// record is then only deleted.
const undoPiece = 512 << 10

// stageable reports whether the engine takes staged writes: only one
// process uses it.
func (j *journaled) stageable() bool {
	_, shared := j.e.(kv.Notifier)
	return !shared
}

// stage is one staged write in progress. Every error its methods return
// is a partialWriteError, but a refusal before anything of the chunk was
// written (ErrNoSpace): the write must then be aborted, or the store
// reopened, which settles it.
type stage struct {
	j      *journaled
	fresh  bool
	chunks uint32
	done   bool
	meta   []kvOp // a fresh store's meta keys when the write began, which abort restores
}

// beginStaged starts a staged write. fresh says the store holds nothing but
// meta keys, so undoing is emptying it and no undo record is kept.
func (j *journaled) beginStaged(ctx context.Context, fresh bool) (*stage, error) {
	st := &stage{j: j, fresh: fresh}
	if !fresh {
		return st, nil
	}
	if err := j.view(ctx, func(r kvReader) error {
		return r.scan(family(pMeta), nil, false, func(k, v []byte) (bool, error) {
			st.meta = append(st.meta, kvOp{Key: bytes.Clone(k), Value: bytes.Clone(v)})
			return true, nil
		})
	}); err != nil {
		return nil, err
	}
	// A crash from here on empties the store on the next open.
	if err := j.setOne(ctx, metaKey(metaFirstLoad), nil); err != nil {
		return nil, partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return nil, partial(err)
	}
	return st, nil
}

var errStageDone = errors.New("the staged write is over")

// apply writes one chunk, after recording how to undo it.
func (st *stage) apply(ctx context.Context, ops []kvOp) error {
	if st.done {
		return errStageDone
	}
	if len(ops) == 0 {
		return nil
	}
	// A chunk is written whole once it has begun, even if the caller gives
	// up: abort then undoes it with the others.
	ctx = context.WithoutCancel(ctx)
	if !st.fresh {
		if err := st.j.writeUndo(ctx, st.chunks, ops); err != nil {
			return partial(err)
		}
	}
	st.chunks++
	err := st.j.writeChunked(ctx, ops)
	if errors.Is(err, ErrNoSpace) {
		return err
	}
	return partial(err)
}

// writeUndo stores the undo record of chunk c, which will write ops.
func (j *journaled) writeUndo(ctx context.Context, c uint32, ops []kvOp) error {
	undo := make([]kvOp, 0, len(ops))
	if err := j.view(ctx, func(r kvReader) error {
		for _, op := range ops {
			v, ok, err := r.get(op.Key)
			if err != nil {
				return err
			}
			if ok {
				undo = append(undo, kvOp{Key: op.Key, Value: bytes.Clone(v)})
			} else {
				undo = append(undo, kvOp{Key: op.Key, Del: true})
			}
		}
		return nil
	}); err != nil {
		return err
	}
	rec := encodeOps(undo)
	pieces := uint32(0)
	for off := 0; off < len(rec); off += undoPiece {
		end := min(off+undoPiece, len(rec))
		if err := j.setOne(ctx, undoPartKey(c, pieces), rec[off:end]); err != nil {
			return err
		}
		pieces++
	}
	// The pieces must be durable before the head that makes them valid,
	// and the head before the chunk it undoes.
	if err := j.sync(ctx); err != nil {
		return err
	}
	if err := j.setOne(ctx, undoHeadKey(c), binary.BigEndian.AppendUint32(nil, pieces)); err != nil {
		return err
	}
	return j.sync(ctx)
}

// commit makes every chunk permanent.
func (st *stage) commit(ctx context.Context) error {
	if st.done {
		return errStageDone
	}
	st.done = true
	ctx = context.WithoutCancel(ctx)
	j := st.j
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	if st.fresh {
		return partial(j.clearFirstLoad(ctx))
	}
	if st.chunks == 0 {
		return nil
	}
	if err := j.setOne(ctx, undoCommitKey(), nil); err != nil {
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	return partial(j.dropUndo(ctx))
}

// abort undoes every chunk applied.
func (st *stage) abort(ctx context.Context) error {
	if st.done {
		return errStageDone
	}
	st.done = true
	ctx = context.WithoutCancel(ctx)
	j := st.j
	if !st.fresh {
		_, err := j.rollBack(ctx)
		return partial(err)
	}
	// Readers may hold snapshots of the empty store, so the chunks are
	// deleted key by key (a Dropper would pull its tables from under them),
	// then the meta keys go back to what they were (the change counter),
	// the first-load marker last: a crash on the way leaves the marker,
	// and open empties the store again.
	if err := j.deleteWhere(ctx, nil, func(k []byte) bool { return len(k) > 0 && k[0] == pMeta }); err != nil {
		return partial(err)
	}
	before := map[string]bool{string(metaKey(metaFirstLoad)): true}
	for _, op := range st.meta {
		before[string(op.Key)] = true
	}
	if err := j.deleteWhere(ctx, family(pMeta), func(k []byte) bool { return before[string(k)] }); err != nil {
		return partial(err)
	}
	if err := j.writeChunked(ctx, st.meta); err != nil {
		return partial(err)
	}
	if err := j.sync(ctx); err != nil {
		return partial(err)
	}
	return partial(j.clearFirstLoad(ctx))
}

// recoverStaged, run on open after replayJournal (which undoes a staged
// first load with the first-load marker), rolls back a staged write into a
// store that held data that a crash interrupted, or finishes forgetting the
// undo record of one that had committed; it reports whether there was one.
func (j *journaled) recoverStaged(ctx context.Context) (bool, error) {
	var committed, pending bool
	if err := j.view(ctx, func(r kvReader) error {
		_, ok, err := r.get(undoCommitKey())
		committed = ok
		if err != nil {
			return err
		}
		return r.scan(undoPrefix(), nil, true, func(_, _ []byte) (bool, error) {
			pending = true
			return false, nil
		})
	}); err != nil {
		return false, err
	}
	switch {
	case committed:
		return true, j.dropUndo(ctx)
	case pending:
		return j.rollBack(ctx)
	}
	return false, nil
}

// rollBack applies the complete undo records from the last chunk to the
// first, then deletes the record.
func (j *journaled) rollBack(ctx context.Context) (bool, error) {
	var heads []uint32
	if err := j.view(ctx, func(r kvReader) error {
		return r.scan(undoHeadPrefix(), nil, true, func(k, _ []byte) (bool, error) {
			if c, ok := parseUndoHeadKey(k); ok {
				heads = append(heads, c)
			}
			return true, nil
		})
	}); err != nil {
		return false, err
	}
	for i := len(heads) - 1; i >= 0; i-- {
		ops, err := j.readUndo(ctx, heads[i])
		if err != nil {
			return false, fmt.Errorf("undo record of chunk %d: %w", heads[i], err)
		}
		if err := j.writeChunked(ctx, ops); err != nil {
			return false, err
		}
	}
	if err := j.sync(ctx); err != nil {
		return false, err
	}
	return true, j.dropUndo(ctx)
}

func (j *journaled) readUndo(ctx context.Context, c uint32) ([]kvOp, error) {
	var rec []byte
	err := j.view(ctx, func(r kvReader) error {
		v, ok, err := r.get(undoHeadKey(c))
		if err != nil || !ok {
			return err
		}
		if len(v) != 4 {
			return fmt.Errorf("head is %d bytes, want 4", len(v))
		}
		n := binary.BigEndian.Uint32(v)
		for p := uint32(0); p < n; p++ {
			part, ok, err := r.get(undoPartKey(c, p))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("piece %d of %d is missing", p, n)
			}
			rec = append(rec, part...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return decodeOps(rec)
}

// dropUndo deletes the whole undo record, the commit mark last.
func (j *journaled) dropUndo(ctx context.Context) error {
	if err := j.deleteWhere(ctx, undoPrefix(), nil); err != nil {
		return err
	}
	if err := j.e.Update(ctx, func(tx kv.Txn) error { return tx.Delete(undoCommitKey()) }); err != nil {
		return err
	}
	return j.sync(ctx)
}

// deleteWhere deletes every key with prefix but those keep reports true
// for, a bounded page of keys at a time.
func (j *journaled) deleteWhere(ctx context.Context, prefix []byte, keep func([]byte) bool) error {
	const page = 64 << 10
	var from []byte
	for {
		var del []kvOp
		more := false
		if err := j.view(ctx, func(r kvReader) error {
			seen := 0
			return r.scan(prefix, from, true, func(k, _ []byte) (bool, error) {
				if seen == page {
					from, more = bytes.Clone(k), true
					return false, nil
				}
				seen++
				if keep == nil || !keep(k) {
					del = append(del, kvOp{Key: bytes.Clone(k), Del: true})
				}
				return true, nil
			})
		}); err != nil {
			return err
		}
		if err := j.writeChunked(ctx, del); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}
