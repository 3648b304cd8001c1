package graph

import (
	"errors"
	"fmt"
)

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

// fieldError is an error about one field of an input: Import puts the field
// in ItemError.Field, so an importer can point at it without reading the
// message.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }

func (e *fieldError) Unwrap() error { return e.err }

// fieldErr returns the error "SENTINEL: FIELD…" about field: the message is
// sentinel's, then field, then format with args (which starts with the
// separator, " is required" or ": …").
func fieldErr(field string, sentinel error, format string, args ...any) error {
	return &fieldError{field: field, err: fmt.Errorf("%w: %s"+format, append([]any{sentinel, field}, args...)...)}
}

// atField marks err, which is about field, as a fieldError (nil stays nil).
func atField(field string, err error) error {
	if err == nil {
		return nil
	}
	return &fieldError{field: field, err: err}
}

// fieldOf returns the field err is about, or "".
func fieldOf(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.field
	}
	return ""
}
