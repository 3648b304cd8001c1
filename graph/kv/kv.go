// Package kv is the boundary between the whosedata store and the ordered
// key-value engine underneath it: Badger on disk or in memory, or a
// PostgreSQL table. The store (package graph) keeps its key schema, its
// journal and its first-load protocol above this boundary, so an engine only
// has to keep bytes in key order and commit transactions atomically.
//
// The shape follows Perkeep's pkg/sorted and Cayley's graph/kv: every call
// takes a context; scans are bounded (a range, a direction, a limit, and a
// callback that may stop them); a read-write transaction has a size limit
// (ErrTooBig) and may lose to a concurrent one (ErrConflict), which the
// caller retries. Features only one engine has (backup files, value-log
// garbage collection, non-transactional bulk writes, dropping everything)
// are optional interfaces a caller discovers with a type assertion.
//
// Every engine runs the conformance suite in package graph/kvtest.
//
// Only package graph imports an engine's client library; this package imports
// none.
package kv

import (
	"context"
	"errors"
	"io"
)

// Errors an engine returns, wrapped with what failed. Callers test them with
// errors.Is.
var (
	// ErrConflict is returned by Update when the transaction lost to a
	// concurrent one (a serialization failure); nothing of it was written and
	// the caller may run it again.
	ErrConflict = errors.New("kv: transaction conflict, retry")
	// ErrTooBig is returned by Txn.Set and Txn.Delete (and then by Update)
	// when the transaction exceeds the engine's size limit; nothing of it is
	// written.
	ErrTooBig = errors.New("kv: transaction too big")
	// ErrUnavailable is returned when the engine cannot be reached (a
	// database server that is down or unreachable); the call may succeed
	// later.
	ErrUnavailable = errors.New("kv: storage unavailable")
	// ErrClosed is returned by every call after Close.
	ErrClosed = errors.New("kv: engine closed")
)

// Range selects the keys of a scan: those with Prefix that are >= Start and
// < End. A nil Start means the first key with Prefix, a nil End the last.
type Range struct {
	Prefix []byte
	Start  []byte
	End    []byte
	// Reverse scans from the last key of the range to the first.
	Reverse bool
	// KeysOnly passes nil values to the callback (and may read less).
	KeysOnly bool
	// Limit stops the scan after that many keys (0: no limit).
	Limit int
}

// Reader reads one consistent snapshot of the engine.
type Reader interface {
	// Get returns the value of key; ok is false when the key is absent.
	Get(ctx context.Context, key []byte) (val []byte, ok bool, err error)
	// Scan calls fn for every key of r in key order (reverse order with
	// r.Reverse) until fn returns false or an error, which Scan returns.
	// The slices passed to fn are valid only during the call.
	Scan(ctx context.Context, r Range, fn func(k, v []byte) (bool, error)) error
}

// Txn is one read-write transaction: reads see the snapshot it started on
// and its own writes.
type Txn interface {
	Reader
	// Set writes key; it returns an error wrapping ErrTooBig when the
	// transaction would exceed the engine's limit.
	Set(key, val []byte) error
	// Delete removes key (a missing key is no error); ErrTooBig as Set.
	Delete(key []byte) error
}

// Snapshot is a Reader held open until Release; the store pins one to each
// published version of its cache.
type Snapshot interface {
	Reader
	// Release frees the snapshot; reads after it fail.
	Release()
}

// Engine is an ordered key-value engine.
type Engine interface {
	// View runs fn on a snapshot released when fn returns.
	View(ctx context.Context, fn func(Reader) error) error
	// Snapshot opens a snapshot that stays valid until Release.
	Snapshot(ctx context.Context) (Snapshot, error)
	// Update runs fn in a read-write transaction and commits it when fn
	// returns nil: all of its writes are visible, or none (also after a
	// crash). fn's error aborts the transaction and is returned. A lost race
	// with a concurrent transaction returns an error wrapping ErrConflict; fn
	// may then have run, but nothing was written.
	Update(ctx context.Context, fn func(Txn) error) error
	// Limits reports the engine's transaction size limit.
	Limits() Limits
	// Close releases the engine; later calls return ErrClosed.
	Close() error
}

// Limits bound one transaction. A write that needs more goes through the
// store's journal instead (see package graph).
type Limits struct {
	// MaxTxnBytes bounds the keys and values written by one transaction
	// (an estimate for engines that count differently).
	MaxTxnBytes int64
	// MaxTxnOps bounds the number of writes of one transaction.
	MaxTxnOps int
}

// Op is one write of a batch: a Set, or a Delete when Del is set.
type Op struct {
	Key, Value []byte
	Del        bool
}

// Syncer is an engine whose commits may be buffered: Sync makes every
// committed write durable.
type Syncer interface {
	Sync(ctx context.Context) error
}

// BulkWriter is an engine with a write path faster than transactions for
// large loads. WriteBatch is not atomic: after a crash any part of ops may be
// written, so the store only uses it behind its journal or first-load marker.
type BulkWriter interface {
	WriteBatch(ctx context.Context, ops []Op) error
}

// Dropper is an engine that can empty itself quickly, keeping the keys with
// one prefix (the store's meta keys).
type Dropper interface {
	DropAllExcept(ctx context.Context, keep []byte) error
}

// Backuper is an engine with its own backup stream format.
type Backuper interface {
	Backup(ctx context.Context, w io.Writer) error
	Restore(ctx context.Context, r io.Reader) error
}

// GarbageCollector is an engine that needs to reclaim space left by
// overwritten values now and then.
type GarbageCollector interface {
	CollectGarbage(ctx context.Context) error
}

// Notifier is an engine shared by several processes: Changed returns a
// channel that receives a value (coalesced) whenever another process may have
// committed. The store follows other servers' writes with it.
type Notifier interface {
	Changed() <-chan struct{}
}

// Locker is an engine shared by several processes whose writes too large
// for one transaction (the store's journal) must exclude every other
// writer: LockWriters waits until no transaction of any process is writing
// and keeps new ones waiting until unlock is called.
type Locker interface {
	LockWriters(ctx context.Context) (unlock func(), err error)
}

// Describer names the engine and where it keeps its data, for messages.
type Describer interface {
	Describe() string
}

// Contains reports whether key falls within r (used by engines whose scan
// primitive is coarser than a Range).
func (r Range) Contains(key []byte) bool {
	if len(key) < len(r.Prefix) || string(key[:len(r.Prefix)]) != string(r.Prefix) {
		return false
	}
	if r.Start != nil && string(key) < string(r.Start) {
		return false
	}
	if r.End != nil && string(key) >= string(r.End) {
		return false
	}
	return true
}

// PrefixEnd returns the smallest key greater than every key with prefix p,
// or nil when there is none (p empty or all 0xFF).
func PrefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Bounds returns the lower (inclusive) and upper (exclusive, nil: none)
// bounds of r as plain keys.
func (r Range) Bounds() (lo, hi []byte) {
	lo = r.Prefix
	if r.Start != nil && string(r.Start) > string(lo) {
		lo = r.Start
	}
	hi = PrefixEnd(r.Prefix)
	if len(r.Prefix) == 0 {
		hi = nil
	}
	if r.End != nil && (hi == nil || string(r.End) < string(hi)) {
		hi = r.End
	}
	return lo, hi
}
