package graph

import "errors"

// Sentinel errors. Every error the package returns wraps one of these (or is a
// context error), so callers test with errors.Is and map them to transport codes
// without reading message text.
var (
	// ErrNotFound is returned when a reference (id, key, alias or statement id)
	// names nothing in the store.
	ErrNotFound = errors.New("not found")
	// ErrInvalid is returned when a value fails validation: an unknown enum, a
	// malformed key or date, a missing required field, a self-merge.
	ErrInvalid = errors.New("invalid input")
	// ErrAmbiguous is returned when a name or alias fits more than one entity;
	// the message lists the candidates.
	ErrAmbiguous = errors.New("ambiguous reference")
	// ErrConflict is returned when a write contradicts what is stored, such as the
	// same key with two different kinds, or retracting a retracted statement.
	ErrConflict = errors.New("conflict")
	// ErrLimit is returned when a request exceeds a documented limit (page size,
	// depth, string length).
	ErrLimit = errors.New("limit exceeded")
	// ErrLocked is returned by Open when another process holds the store.
	ErrLocked = errors.New("store is in use by another process")
	// ErrSchemaVersion is returned by Open when the store was written with a
	// different key layout.
	ErrSchemaVersion = errors.New("store schema version mismatch")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("store is closed")
	// ErrReadOnly is returned by every write after a write too large for one
	// transaction failed part-way (a full disk, say): the store stays
	// readable, with what it held before that write, and Open completes or
	// undoes the interrupted write, so reopening it makes it writable again.
	ErrReadOnly = errors.New("store is read-only until reopened")
	// ErrNoSpace is returned by a write that the disk has no room for: it
	// is refused before anything of it is written.
	ErrNoSpace = errors.New("no space for the write")
	// ErrUnavailable is returned while the storage cannot be reached (a
	// PostgreSQL server that is down or unreachable) and when a commit kept
	// losing to other processes' writes; the same call may succeed later.
	ErrUnavailable = errors.New("storage unavailable")
)
