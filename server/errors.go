package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
)

// Error codes carried in extensions.code of every error in a response
// (SPEC §3). Resolvers may set any of them; the server sets the others.
const (
	CodeNotFound        = "NOT_FOUND"
	CodeBadInput        = "BAD_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeLimitExceeded   = "LIMIT_EXCEEDED"
	CodeInternal        = "INTERNAL"
)

// ruleMaxDepth is the Rule that graphql-go's validation gives errors for
// queries nested deeper than graphql.MaxDepth allows.
const ruleMaxDepth = "MaxDepthExceeded"

// internalMessage replaces the text of internal errors in responses.
const internalMessage = "internal error"

// publicError returns err as clients see it, with extensions.code set, and
// whether it is internal (its original text must be logged, not returned).
// It is the one place that decides codes for errors from graphql-go:
//
//   - an error that already has a code (set by a resolver) is kept as is;
//   - the request's deadline, the depth limit and the query length limit
//     give LIMIT_EXCEEDED;
//   - other validation, parse and request errors, raised before any resolver
//     runs, give BAD_INPUT;
//   - errors from resolvers without a code, and panics, give INTERNAL with
//     their text replaced.
//
// err itself is not modified.
func publicError(err *gqlerrors.QueryError, timeout time.Duration) (_ *gqlerrors.QueryError, internal bool) {
	if code, ok := err.Extensions["code"].(string); ok && code != "" {
		return err, false
	}
	out := *err
	code := CodeBadInput
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err.ResolverError, context.DeadlineExceeded):
		code = CodeLimitExceeded
		out.Message = fmt.Sprintf("the request took longer than its time limit of %s", timeout)
	case err.Rule == ruleMaxDepth:
		code = CodeLimitExceeded
	case err.Rule == "" && strings.HasPrefix(err.Message, "query length "):
		// graphql.MaxQueryLength; graphql-go gives it no rule.
		code = CodeLimitExceeded
	case err.ResolverError != nil || len(err.Path) > 0 ||
		strings.HasPrefix(err.Message, "panic occurred"): // graphql-go's DefaultPanicHandler
		code = CodeInternal
		internal = true
		out.Message = internalMessage
	}
	out.Extensions = make(map[string]any, len(err.Extensions)+1)
	for k, v := range err.Extensions {
		out.Extensions[k] = v
	}
	out.Extensions["code"] = code
	return &out, internal
}

// jsonContentType is the Content-Type of every /graphql response.
const jsonContentType = "application/json"

// writeJSON writes v as the JSON body of a response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a resolver's extensions could fail to marshal; never send
		// half a response.
		status = http.StatusInternalServerError
		body = errorBody(CodeInternal, internalMessage)
	}
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers a request that was refused before execution with one
// GraphQL-style error. Its status is the HTTP status for the refusal; status
// and code go together as in these calls:
//
//	400 BAD_INPUT        the request could not be read as GraphQL
//	401 UNAUTHENTICATED  a wrong bearer token
//	405 BAD_INPUT        a method the endpoint does not accept, or a mutation by GET
//	413 LIMIT_EXCEEDED   the body is larger than Config.MaxBodyBytes
//	415 BAD_INPUT        a POST body type other than JSON or GraphQL
//	500 INTERNAL         a panic in a handler
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(code, message))
}

// errorBody returns the JSON of a response holding one error.
func errorBody(code, message string) []byte {
	body, _ := json.Marshal(graphql.Response{Errors: []*gqlerrors.QueryError{{
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
	return body
}
