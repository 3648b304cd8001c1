package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
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

// Rules that graphql-go's validation gives errors for queries beyond its
// limits: nested deeper than graphql.MaxDepth, or with more overlapping
// fields than graphql.OverlapValidationLimit lets it compare.
const (
	ruleMaxDepth     = "MaxDepthExceeded"
	ruleOverlapLimit = "OverlapValidationLimitExceeded"
)

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
	case err.Rule == ruleMaxDepth || err.Rule == ruleOverlapLimit || errors.Is(err, graphql.ErrTooManySelections):
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

// The media types of /graphql responses (GraphQL over HTTP): JSON for
// clients that do not say, or accept application/json or anything; the
// GraphQL response type for those that ask for it by name.
const (
	jsonContentType    = "application/json"
	graphqlContentType = "application/graphql-response+json"
)

// writeJSON writes v as the JSON body of a response with the given status,
// with the Content-Type already set on w, and JSON otherwise.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a resolver's extensions could fail to marshal; never send
		// half a response.
		status = http.StatusInternalServerError
		body = errorBody(CodeInternal, internalMessage)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", jsonContentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// responseStatus is the HTTP status of an executed request. With
// application/json it is 200 whatever the errors, as GraphQL clients of that
// type expect. With application/graphql-response+json, a response with no
// data (the request failed to parse or validate, its variables did not
// coerce, or it was stopped by a limit) gets 400, or 500 for an internal
// error; one with data gets 200, even if some fields failed.
func responseStatus(mediaType string, resp *graphql.Response) int {
	if mediaType != graphqlContentType || resp.Data != nil {
		return http.StatusOK
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] == CodeInternal {
			return http.StatusInternalServerError
		}
	}
	return http.StatusBadRequest
}

// responseMediaType picks the media type of a /graphql response from the
// request's Accept header: application/graphql-response+json when the
// client names it at least as acceptable as application/json, and
// application/json otherwise (no Accept, */*, application/json, or types
// this endpoint does not serve, which get JSON rather than a 406).
func responseMediaType(accept string) string {
	qGraphQL, qJSON := -1.0, -1.0 // the q of each type when named; -1 when not
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		switch mt {
		case "application/graphql-response+json":
			qGraphQL = max(qGraphQL, q)
		case "application/json":
			qJSON = max(qJSON, q)
		}
	}
	if qGraphQL > 0 && qGraphQL >= qJSON {
		return graphqlContentType
	}
	return jsonContentType
}

// writeError answers a request that was refused before execution with one
// GraphQL-style error. Its status is the HTTP status for the refusal; status
// and code go together as in these calls:
//
//	400 BAD_INPUT        the request could not be read as GraphQL
//	401 UNAUTHENTICATED  a wrong bearer token
//	403 BAD_INPUT        a Host that is not this server's (DNS rebinding)
//	405 BAD_INPUT        a method the endpoint does not accept, or a mutation by GET
//	400 LIMIT_EXCEEDED   more fields or aliases than Config allows
//	413 LIMIT_EXCEEDED   the body or the query is larger than Config allows
//	415 BAD_INPUT        a POST body type other than JSON or GraphQL
//	500 INTERNAL         a panic in a handler
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeBody(w, status, errorBody(code, message))
}

// errorBody returns the JSON of a response holding one error.
func errorBody(code, message string) []byte {
	body, _ := json.Marshal(graphql.Response{Errors: []*gqlerrors.QueryError{{
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
	return body
}
