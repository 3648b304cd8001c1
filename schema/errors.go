package schema

import (
	"context"
	"errors"
	"log/slog"

	"github.com/whosedata/whosedata/graph"
)

// Codes carried in extensions.code of resolver errors (SPEC §3).
const (
	codeNotFound        = "NOT_FOUND"
	codeBadInput        = "BAD_INPUT"
	codeUnauthenticated = "UNAUTHENTICATED"
	codeLimitExceeded   = "LIMIT_EXCEEDED"
	codeInternal        = "INTERNAL"
	codeUnavailable     = "UNAVAILABLE"
)

// errWriteRefused is returned by every mutation when Options.CanWrite says no.
var errWriteRefused = errors.New("this request may not change the store: mutations need an authenticated request")

// apiError is an error as clients see it. graphql-go copies Extensions into
// the response.
type apiError struct {
	code      string
	message   string
	requestID string
}

func (e *apiError) Error() string { return e.message }

// Extensions implements graphql-go's extensions hook.
func (e *apiError) Extensions() map[string]any {
	m := map[string]any{"code": e.code}
	if e.requestID != "" {
		m["requestId"] = e.requestID
	}
	return m
}

// fail is the one place that maps an error to what the client sees:
// graph.ErrNotFound is NOT_FOUND; ErrInvalid, ErrAmbiguous and ErrConflict
// are BAD_INPUT; graph.ErrUnavailable (the database is down) is UNAVAILABLE;
// ErrLimit and an expired deadline are LIMIT_EXCEEDED; a
// refused write is UNAUTHENTICATED. Anything else is INTERNAL: its text is
// logged with the request id and field, and the client gets "internal error"
// and the request id only.
func (r *resolver) fail(ctx context.Context, field string, err error) error {
	code := codeInternal
	switch {
	case errors.Is(err, graph.ErrNotFound):
		code = codeNotFound
	case errors.Is(err, graph.ErrInvalid), errors.Is(err, graph.ErrAmbiguous), errors.Is(err, graph.ErrConflict):
		code = codeBadInput
	case errors.Is(err, graph.ErrLimit):
		code = codeLimitExceeded
	case errors.Is(err, graph.ErrUnavailable):
		// The store's database is down or unreachable; its address is
		// logged, not shown.
		r.opts.Logger.Log(ctx, slog.LevelWarn, "graphql: storage unavailable", "field", field, "error", err.Error())
		return &apiError{code: codeUnavailable, message: "the store is unavailable for now; try again shortly"}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{code: codeLimitExceeded, message: "the request took longer than its time limit"}
	case errors.Is(err, errWriteRefused):
		code = codeUnauthenticated
	}
	if code != codeInternal {
		return &apiError{code: code, message: err.Error()}
	}
	var id string
	if r.opts.RequestID != nil {
		id = r.opts.RequestID(ctx)
	}
	level := slog.LevelError
	if errors.Is(err, context.Canceled) {
		level = slog.LevelInfo // the client went away; nothing is wrong
	}
	r.opts.Logger.Log(ctx, level, "graphql: internal error", "requestId", id, "field", field, "error", err.Error())
	msg := "internal error"
	if id != "" {
		msg += " (request " + id + ")"
	}
	return &apiError{code: codeInternal, message: msg, requestID: id}
}
