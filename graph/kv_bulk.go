package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	badger "github.com/dgraph-io/badger/v4"
)

// kvStager is an optional engine capability: one logical write too large to
// hold in memory, applied as a run of chunks that is still all or nothing.
// An import streams its items through it, so its memory is bounded by a
// chunk, not by the input. An engine without it imports in one commit.
//
// Between beginStaged and commitStaged or abortStaged the chunks are visible
// to new engine views (the importer reads what earlier chunks wrote) but not
// to the store's readers, who keep the version published before the import.
type kvStager interface {
	// beginStaged starts a staged write. fresh says the store holds nothing
	// but meta keys, so undoing is emptying it and no undo record is kept.
	beginStaged(fresh bool) (kvStage, error)
	// recoverStaged, run on open, undoes a staged write a crash interrupted
	// (or finishes forgetting the undo record of one that had committed); it
	// reports whether there was one.
	recoverStaged() (bool, error)
}

// kvStage is one staged write in progress. Every error it returns but a
// refusal before anything was written (ErrNoSpace) is a partialWriteError:
// the store must be reopened, which settles the write.
type kvStage interface {
	// apply writes one chunk, after recording how to undo it.
	apply(ops []kvOp) error
	// commit makes every chunk permanent.
	commit() error
	// abort undoes every chunk applied.
	abort() error
}

// The undo record of a staged write into a store that held data. Before
// chunk c is applied, the values its keys hold (or their absence) are stored
// as op lists under undoPartKey(c, piece), each piece at most undoPiece bytes
// and written in a transaction of its own, then undoHeadKey(c) records the
// number of pieces: only then is the chunk written. Rolling back applies the
// complete chunk records from the last to the first, which restores every
// key to its value before the write however far it got, and is itself safe
// to repeat after a crash. A chunk without its head never started.
// undoCommitKey, set once every chunk is on disk, marks the write done: the
// record is then only deleted.
const undoPiece = 512 << 10

// badgerStage is a staged write on Badger.
type badgerStage struct {
	e      *badgerEngine
	fresh  bool
	chunks uint32
	done   bool
	meta   []kvOp // a fresh store's meta keys when the write began, which abort restores
}

func (e *badgerEngine) beginStaged(fresh bool) (kvStage, error) {
	if fresh && !e.inMemory {
		// The first-load marker: a crash before commit empties the store
		// on the next open (replayJournal), as after an applyFirst.
		if err := writeSynced(filepath.Join(e.dir, firstLoadMarker)); err != nil {
			return nil, partial(err)
		}
	}
	st := &badgerStage{e: e, fresh: fresh}
	if fresh {
		err := e.view(func(r kvReader) error {
			return r.scan(family(pMeta), nil, false, func(k, v []byte) (bool, error) {
				st.meta = append(st.meta, kvOp{Key: bytes.Clone(k), Value: bytes.Clone(v)})
				return true, nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

var errStageDone = errors.New("the staged write is over")

func (st *badgerStage) apply(ops []kvOp) error {
	if st.done {
		return errStageDone
	}
	if len(ops) == 0 {
		return nil
	}
	e := st.e
	if err := e.checkSpace(ops); err != nil {
		return err
	}
	if !st.fresh {
		if err := e.writeUndo(st.chunks, ops); err != nil {
			return partial(err)
		}
	}
	st.chunks++
	return partial(e.writeBatch(ops))
}

// writeUndo stores the undo record of chunk c, which will write ops.
func (e *badgerEngine) writeUndo(c uint32, ops []kvOp) error {
	undo := make([]kvOp, 0, len(ops))
	err := e.view(func(r kvReader) error {
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
	})
	if err != nil {
		return err
	}
	rec := encodeOps(undo)
	pieces := uint32(0)
	for off := 0; off < len(rec); off += undoPiece {
		end := min(off+undoPiece, len(rec))
		if err := e.setOne(undoPartKey(c, pieces), rec[off:end]); err != nil {
			return err
		}
		pieces++
	}
	if err := e.db.Sync(); err != nil {
		return err
	}
	if err := e.setOne(undoHeadKey(c), binary.BigEndian.AppendUint32(nil, pieces)); err != nil {
		return err
	}
	return e.db.Sync()
}

func (st *badgerStage) commit() error {
	if st.done {
		return errStageDone
	}
	st.done = true
	e := st.e
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	if st.fresh {
		if e.inMemory {
			return nil
		}
		if err := os.Remove(filepath.Join(e.dir, firstLoadMarker)); err != nil {
			return partial(err)
		}
		return partial(syncDir(e.dir))
	}
	if st.chunks == 0 {
		return nil
	}
	if err := e.setOne(undoCommitKey(), nil); err != nil {
		return partial(err)
	}
	if err := e.db.Sync(); err != nil {
		return partial(err)
	}
	return partial(e.dropUndo())
}

func (st *badgerStage) abort() error {
	if st.done {
		return errStageDone
	}
	st.done = true
	e := st.e
	if st.fresh {
		if err := e.emptyButMeta(); err != nil {
			return partial(err)
		}
		// The meta keys the chunks wrote (the change counter) go back to
		// what they were.
		if err := e.deleteWhere(family(pMeta), nil); err != nil {
			return partial(err)
		}
		if err := e.writeBatch(st.meta); err != nil {
			return partial(err)
		}
		if err := e.db.Sync(); err != nil {
			return partial(err)
		}
		if e.inMemory {
			return nil
		}
		if err := os.Remove(filepath.Join(e.dir, firstLoadMarker)); err != nil {
			return partial(err)
		}
		return partial(syncDir(e.dir))
	}
	_, err := e.rollBack()
	return partial(err)
}

func (e *badgerEngine) recoverStaged() (bool, error) {
	var committed, pending bool
	err := e.view(func(r kvReader) error {
		_, ok, err := r.get(undoCommitKey())
		committed = ok
		if err != nil {
			return err
		}
		return r.scan(undoPrefix(), nil, true, func(_, _ []byte) (bool, error) {
			pending = true
			return false, nil
		})
	})
	if err != nil || !pending {
		return false, err
	}
	if committed {
		return true, e.dropUndo()
	}
	return e.rollBack()
}

// rollBack applies the complete undo records from the last chunk to the
// first, then deletes the record.
func (e *badgerEngine) rollBack() (bool, error) {
	var heads []uint32
	err := e.view(func(r kvReader) error {
		return r.scan(undoHeadPrefix(), nil, true, func(k, _ []byte) (bool, error) {
			if c, ok := parseUndoHeadKey(k); ok {
				heads = append(heads, c)
			}
			return true, nil
		})
	})
	if err != nil {
		return false, err
	}
	for i := len(heads) - 1; i >= 0; i-- {
		ops, err := e.readUndo(heads[i])
		if err != nil {
			return false, fmt.Errorf("undo record of chunk %d: %w", heads[i], err)
		}
		if err := e.writeBatch(ops); err != nil {
			return false, err
		}
	}
	if err := e.db.Sync(); err != nil {
		return false, err
	}
	return true, e.dropUndo()
}

func (e *badgerEngine) readUndo(c uint32) ([]kvOp, error) {
	var rec []byte
	err := e.view(func(r kvReader) error {
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
func (e *badgerEngine) dropUndo() error {
	if err := e.deleteWhere(undoPrefix(), nil); err != nil {
		return err
	}
	if err := e.setDel(undoCommitKey()); err != nil {
		return err
	}
	return e.db.Sync()
}

func (e *badgerEngine) setDel(k []byte) error {
	return e.db.Update(func(txn *badger.Txn) error { return txn.Delete(k) })
}

// emptyButMeta deletes every key but the meta keys: undoing a staged first
// load while readers may hold snapshots of the empty store (DropAll would
// pull the tables from under them).
func (e *badgerEngine) emptyButMeta() error {
	if err := e.deleteWhere(nil, func(k []byte) bool { return len(k) > 0 && k[0] == pMeta }); err != nil {
		return err
	}
	return e.db.Sync()
}

// deleteWhere deletes every key with prefix, but those keep reports true
// for, in write batches of a bounded number of keys.
func (e *badgerEngine) deleteWhere(prefix []byte, keep func([]byte) bool) error {
	const page = 64 << 10
	var from []byte
	for {
		var keys [][]byte
		more := false
		err := e.view(func(r kvReader) error {
			seen := 0
			return r.scan(prefix, from, true, func(k, _ []byte) (bool, error) {
				if seen == page {
					from, more = bytes.Clone(k), true
					return false, nil
				}
				seen++
				if keep == nil || !keep(k) {
					keys = append(keys, bytes.Clone(k))
				}
				return true, nil
			})
		})
		if err != nil {
			return err
		}
		ops := make([]kvOp, len(keys))
		for i, k := range keys {
			ops[i] = kvOp{Key: k, Del: true}
		}
		if err := e.writeBatch(ops); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}
