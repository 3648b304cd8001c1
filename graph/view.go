package graph

import (
	"context"
	"sync/atomic"
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
	closed atomic.Bool
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
func (s *Store) View(ctx context.Context, fn func(*Snapshot) error) error {
	sn, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer sn.Close()
	return fn(sn)
}

// Close releases the snapshot. Calling it again does nothing.
func (sn *Snapshot) Close() {
	if sn.closed.Swap(true) {
		return
	}
	sn.v.release()
	sn.s.readers.Done()
}

func (sn *Snapshot) check(ctx context.Context) error {
	if sn.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

func (sn *Snapshot) newRtx() *rtx {
	return &rtx{r: sn.v.r, g: sn.v.g, ents: map[uint32]*entRec{}, pub: map[uint32]*Entity{}}
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
