package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/whosedata/whosedata/graph/kv"
)

// Several processes may share one store (PostgreSQL). Each keeps its own
// in-memory cache, so each must learn of the others' commits:
//
//   - Every commit reads and writes the commit counter (meta "head"). A
//     commit that finds a counter other than the one its cache reflects was
//     overtaken: the store catches up (catchUp) and runs it again. Two
//     commits racing on the same counter conflict in the database, one is
//     retried the same way. Entity numbers, allocated from the cache, are
//     therefore never handed out twice.
//   - followOthers wakes on the engine's notification (LISTEN/NOTIFY) or a
//     timer, reads the counter, and catches up when it moved.
//
// catchUp is where the cache meets other processes' writes. It rebuilds the
// cache from storage: simple and always right, and linear in the size of
// the graph. A follower that applied only the records named by the change
// log entries since its head would be the incremental version of the same
// hook.

// errStale is returned inside a commit whose cache is behind storage.
var errStale = errors.New("the cache is behind another process's commits")

// maxCommitAttempts bounds the retries of one commit that keeps losing to
// other processes.
const maxCommitAttempts = 50

// readHead reads the commit counter (0 in a store that never had one).
func readHead(r kvReader) (uint64, error) {
	v, ok, err := r.get(metaKey(metaHead))
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("corrupt commit counter (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// headOp writes the commit counter.
func headOp(head uint64) kvOp {
	return kvOp{Key: metaKey(metaHead), Value: binary.BigEndian.AppendUint64(nil, head)}
}

// storeErr wraps an engine error of op, keeping ErrUnavailable visible.
func storeErr(op string, err error) error {
	if errors.Is(err, kv.ErrUnavailable) && !errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// catchUp brings the cache up to what storage holds, if another process
// committed since it was built, or if the published snapshot broke (the
// database restarted). It reports whether it rebuilt.
func (s *Store) catchUp(ctx context.Context, force bool) (bool, error) {
	var head uint64
	if err := s.kv.view(ctx, func(r kvReader) error {
		var err error
		head, err = readHead(r)
		return err
	}); err != nil {
		return false, err
	}
	if err := s.check(ctx); err != nil {
		return false, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return false, ErrClosed
	}
	if head == s.head && !force {
		return false, nil
	}
	return true, s.rebuild(ctx)
}

// followOthers runs until Close: it catches up whenever n signals a commit
// somewhere or every interval, and after storage comes back from an outage
// (whose snapshots died with their connections).
func (s *Store) followOthers(ctx context.Context, n kv.Notifier, interval time.Duration) {
	defer s.follow.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	down := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.Changed():
		case <-t.C:
		}
		_, err := s.catchUp(ctx, down || s.snapshotBroken())
		switch {
		case err == nil:
			if down {
				s.log.Info("storage is reachable again; the cache is rebuilt", "store", s.where())
			}
			down = false
		case errors.Is(err, ErrClosed) || ctx.Err() != nil:
			return
		default:
			if !down {
				s.log.Warn("cannot follow the shared store; retrying", "store", s.where(), "err", err)
			}
			down = true
		}
	}
}

// snapshotBroken reports whether the published version's storage snapshot
// can no longer be read: it could not be opened, or its connection was lost
// (kv snapshots that can tell implement Broken() bool).
func (s *Store) snapshotBroken() bool {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	if s.cur == nil {
		return false
	}
	switch r := s.cur.r.(type) {
	case errReader:
		return true
	case ctxReader:
		b, ok := r.r.(interface{ Broken() bool })
		return ok && b.Broken()
	}
	return false
}
