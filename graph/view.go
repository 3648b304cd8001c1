package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is one consistent read view of the store: a storage snapshot and
// the version of the in-memory adjacency cache that matches it, so every
// answer read through it — records, indexes, walks, counts — shows the store
// as one commit left it, however many writes happen meanwhile. Writers never
// wait for snapshots and snapshots never wait for writers.
//
// A Snapshot is safe for concurrent use (a GraphQL request resolves fields in
// parallel on one). Close it when done: an open snapshot pins its version in
// memory and makes Close of the store wait. Its methods answer as the Store
// methods of the same name do, and fail with ErrClosed after Close.
type Snapshot struct {
	s      *Store
	v      *version
	rec    uint32 // AsRecorded's instant, unix seconds; 0: now
	root   *Snapshot
	closed atomic.Bool
}

// AsRecorded returns a view of the snapshot that answers as the store stood
// at t (SPEC §8, recordedAsOf): statements, events and entities recorded
// after t are absent and retractions recorded after t are ignored; merges
// hold at every time. The zero t is the snapshot itself. The view shares the
// snapshot: closing either closes both.
func (sn *Snapshot) AsRecorded(t time.Time) *Snapshot {
	if t.IsZero() || recordedBy(t) >= sn.v.g.lastRec {
		// Nothing the snapshot holds was recorded after t: it is the
		// answer as it is, with no filtering.
		return sn
	}
	root := sn
	if sn.root != nil {
		root = sn.root
	}
	return &Snapshot{s: sn.s, v: sn.v, rec: recordedBy(t), root: root}
}

// Begin opens a snapshot of the store as it is now. The caller must Close it.
// It returns ErrClosed after the store's Close has begun, or ctx's error.
func (s *Store) Begin(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.acquire()
	if err != nil {
		return nil, err
	}
	return &Snapshot{s: s, v: v}, nil
}

// View runs fn on a snapshot of the store as it is now, and closes the
// snapshot when fn returns. It returns fn's error, ErrClosed after Close, or
// ctx's error.
//
// Called with a context from ConsistentReads, it runs fn on that context's
// shared snapshot instead, and leaves it open.
func (s *Store) View(ctx context.Context, fn func(*Snapshot) error) error {
	if sn, ok, err := snapshotFor(ctx, s); ok {
		if err != nil {
			return err
		}
		return fn(sn)
	}
	sn, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer sn.Close()
	return fn(sn)
}

// Close releases the snapshot. Calling it again does nothing.
func (sn *Snapshot) Close() {
	if sn.root != nil {
		sn.root.Close()
		return
	}
	if sn.closed.Swap(true) {
		return
	}
	sn.v.release()
	sn.s.readers.Done()
}

func (sn *Snapshot) check(ctx context.Context) error {
	if sn.closed.Load() || (sn.root != nil && sn.root.closed.Load()) {
		return ErrClosed
	}
	return ctx.Err()
}

func (sn *Snapshot) newRtx() *rtx {
	return &rtx{r: sn.v.r, g: sn.v.g, ents: map[uint32]*entRec{}, pub: map[uint32]*Entity{}, rec: sn.rec, now: sn.s.now}
}

// view runs fn on the snapshot's storage reader.
func (sn *Snapshot) view(ctx context.Context, fn func(r kvReader) error) error {
	if err := sn.check(ctx); err != nil {
		return err
	}
	return fn(sn.v.r)
}

// consistent runs memPart on the snapshot's cache version, then readPart on
// its storage snapshot, with one entity memo for both.
func (sn *Snapshot) consistent(ctx context.Context, memPart func(x *rtx, g *memGraph) error, readPart func(x *rtx) error) error {
	if err := sn.check(ctx); err != nil {
		return err
	}
	x := sn.newRtx()
	if err := memPart(x, sn.v.g); err != nil || readPart == nil {
		return err
	}
	return readPart(x)
}

// viewed runs one Snapshot method on a fresh snapshot: what every read
// method of Store does.
func viewed[R any](ctx context.Context, s *Store, fn func(sn *Snapshot) (R, error)) (R, error) {
	var out R
	err := s.View(ctx, func(sn *Snapshot) error {
		var err error
		out, err = fn(sn)
		return err
	})
	return out, err
}

// readView is the snapshot that reads through one context share; see
// ConsistentReads.
type readView struct {
	mu   sync.Mutex
	s    *Store
	cur  *Snapshot
	used []*Snapshot // every snapshot opened, closed when the view ends
	done bool
}

type readViewKey struct{}

// ConsistentReads returns a context in which every read of the store — every
// Store method called with it, and any context derived from it — sees one
// snapshot, opened at the first read, so that the answers of one request
// agree with each other however many writes happen meanwhile. A write made
// with the context renews the snapshot, so reads after it see it. end closes
// the snapshots; call it when the request is done (reads through the context
// after that open snapshots of their own).
func ConsistentReads(ctx context.Context) (_ context.Context, end func()) {
	v := &readView{}
	return context.WithValue(ctx, readViewKey{}, v), v.end
}

// snapshotFor returns the snapshot of s that reads through ctx share, and
// whether there is one (else the caller opens its own).
func snapshotFor(ctx context.Context, s *Store) (*Snapshot, bool, error) {
	v, _ := ctx.Value(readViewKey{}).(*readView)
	if v == nil {
		return nil, false, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done || (v.s != nil && v.s != s) {
		return nil, false, nil // ended, or shared by another store
	}
	if v.cur == nil {
		sn, err := s.Begin(ctx)
		if err != nil {
			return nil, true, err
		}
		v.s, v.cur = s, sn
		v.used = append(v.used, sn)
	}
	return v.cur, true, nil
}

// renewReads makes the next read through ctx open a new snapshot, after a
// write through ctx. The old one stays open until the view ends, since
// resolvers of the same request may still be reading it.
func renewReads(ctx context.Context) {
	if v, _ := ctx.Value(readViewKey{}).(*readView); v != nil {
		v.mu.Lock()
		v.cur = nil
		v.mu.Unlock()
	}
}

// withoutView is ctx without its shared snapshot: a writer reads its own
// answer from the version its commit published.
func withoutView(ctx context.Context) context.Context {
	return context.WithValue(ctx, readViewKey{}, (*readView)(nil))
}

func (v *readView) end() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.done = true
	for _, sn := range v.used {
		sn.Close()
	}
	v.used, v.cur = nil, nil
}
