package graph

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/whosedata/whosedata/graph/kv"
)

// CopyProgress is what Copy has written so far.
type CopyProgress struct {
	Keys  int64 // keys written
	Bytes int64 // bytes of keys and values written
}

// copyChunk bounds the keys one step of Copy holds in memory and writes.
const (
	copyChunkKeys  = 8192
	copyChunkBytes = 8 << 20
)

// Copy copies everything src holds into dst, which must be empty: records,
// indexes and the change log, byte for byte, so ids, record times and
// history are the same in both (from a Badger directory to PostgreSQL and
// back, say). It streams: it reads one snapshot of src in key order and
// writes it in chunks, calling progress (if not nil) after each. The copy is
// written behind dst's first-load marker, so a copy that is interrupted
// (cancelled, or the process killed) leaves dst empty again once reopened;
// a failed copy makes dst read-only until then. It returns ErrConflict
// when dst is not empty, ErrClosed after either store's Close, or the
// storage's error.
func Copy(ctx context.Context, dst, src *Store, progress func(CopyProgress)) error {
	if err := src.check(ctx); err != nil {
		return err
	}
	if err := dst.check(ctx); err != nil {
		return err
	}
	sn, err := src.Begin(ctx)
	if err != nil {
		return err
	}
	defer sn.Close()
	dst.wmu.Lock()
	defer dst.wmu.Unlock()
	if err := dst.writable(); err != nil {
		return err
	}
	empty := true
	if err := dst.kv.view(ctx, func(r kvReader) error {
		return r.scan(nil, afterMeta(), true, func(k, _ []byte) (bool, error) {
			empty = false
			return false, nil
		})
	}); err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("%w: copy needs an empty target store, and %s holds data", ErrConflict, dst.where())
	}
	j, ok := dst.kv.(*journaled)
	if !ok {
		return fmt.Errorf("%w: copy into this store", ErrInvalid)
	}
	if err := j.setOne(ctx, metaKey(metaFirstLoad), nil); err != nil {
		return storeErr("copy", err)
	}
	fail := func(err error) error {
		dst.broken = fmt.Errorf("copy failed part-way (%w); reopen the store, which empties it, to retry", err)
		return storeErr("copy", err)
	}
	if err := j.sync(ctx); err != nil {
		return fail(err)
	}
	var done CopyProgress
	var chunk []kvOp
	var size int64
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := j.writeChunked(ctx, chunk); err != nil {
			return err
		}
		done.Keys += int64(len(chunk))
		done.Bytes += size
		chunk, size = chunk[:0], 0
		if progress != nil {
			progress(done)
		}
		return nil
	}
	err = sn.v.r.scan(nil, nil, false, func(k, v []byte) (bool, error) {
		if k[0] == pMeta && skipMetaOnCopy(k) {
			return true, nil
		}
		chunk = append(chunk, kvOp{Key: bytes.Clone(k), Value: bytes.Clone(v)})
		size += int64(len(k) + len(v))
		if len(chunk) >= copyChunkKeys || size >= copyChunkBytes {
			if err := flush(); err != nil {
				return false, err
			}
		}
		return ctx.Err() == nil, ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fail(err)
	}
	if err := j.sync(ctx); err != nil {
		return fail(err)
	}
	if err := j.e.Update(ctx, func(tx kv.Txn) error { return tx.Delete(metaKey(metaFirstLoad)) }); err != nil {
		return fail(err)
	}
	if err := j.sync(ctx); err != nil {
		return fail(err)
	}
	return dst.rebuild(ctx)
}

// skipMetaOnCopy reports whether meta key k belongs to the store it is in,
// not to its graph: the state of an interrupted write.
func skipMetaOnCopy(k []byte) bool {
	name := string(k[1:])
	return name == metaFirstLoad || name == metaJournal || strings.HasPrefix(name, metaJournal+"/")
}
