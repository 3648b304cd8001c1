package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
)

// gqlRequest is one GraphQL request, from a URL query string or a body.
type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"` // accepted and ignored
}

// badRequest is a request the endpoint refuses before execution.
type badRequest struct {
	status  int
	code    string
	message string
}

func (e *badRequest) Error() string { return e.message }

func badInput(status int, message string) *badRequest {
	return &badRequest{status: status, code: CodeBadInput, message: message}
}

// graphqlHandler returns the /graphql endpoint. loopback tells whether the
// listener is reachable from this machine only, which decides whether clients
// without a token may write.
func (s *Server) graphqlHandler(loopback bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every answer, refusals included, has the media type the client
		// accepts (GraphQL over HTTP); writeJSON and writeError keep it.
		mediaType := responseMediaType(r.Header.Get("Accept"))
		w.Header().Set("Content-Type", mediaType)
		check := checkToken(r, s.cfg.Token)
		if check == tokenWrong {
			w.Header().Set("WWW-Authenticate", `Bearer realm="whosedata", error="invalid_token"`)
			s.refuse(w, http.StatusUnauthorized, CodeUnauthenticated, "invalid bearer token")
			return
		}

		var (
			req *gqlRequest
			err error
		)
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			req, err = requestFromQuery(r.URL.RawQuery)
			if err == nil && operationType(req.Query, req.OperationName) == "mutation" {
				w.Header().Set("Allow", "POST")
				err = badInput(http.StatusMethodNotAllowed, "mutations must be sent with POST")
			}
		case http.MethodPost:
			req, err = s.requestFromBody(w, r)
		case http.MethodOptions:
			// A preflight from an origin CORS does not allow, or CORS off.
			w.Header().Del("Content-Type")
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			err = badInput(http.StatusMethodNotAllowed, "use GET or POST")
		}
		if err == nil && req.Query == "" {
			err = badInput(http.StatusBadRequest, `missing "query"`)
		}
		if err == nil {
			err = s.checkDocument(req.Query)
		}
		if bad, ok := errors.AsType[*badRequest](err); ok {
			s.refuse(w, bad.status, bad.code, bad.message)
			return
		}

		origin := r.Header.Get("Origin")
		trusted := origin == "" || sameOrigin(r, origin) || s.origins[origin]
		write := r.Method == http.MethodPost && mayWrite(s.cfg.Token != "", check, loopback, trusted)
		ctx := context.WithValue(r.Context(), writeKey, write)
		deadline := time.Now().Add(s.cfg.RequestTimeout)
		ctx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		if s.cfg.WrapContext != nil {
			ctx = s.cfg.WrapContext(ctx)
		}

		start := time.Now()
		resp := s.cfg.Schema.Exec(ctx, req.Query, req.OperationName, req.Variables)
		opName := req.OperationName
		if opName == "" {
			op, _ := findOperation(req.Query, "")
			opName = op.name
		}
		s.metrics.observe(opName, time.Since(start))
		out := make([]*gqlerrors.QueryError, len(resp.Errors))
		for i, e := range resp.Errors {
			pub, internal := publicError(e, s.cfg.RequestTimeout)
			if internal {
				s.log.LogAttrs(ctx, slog.LevelError, "graphql internal error",
					slog.String("request_id", RequestID(ctx)),
					slog.String("error", e.Message),
					slog.Any("path", e.Path))
			}
			code, _ := pub.Extensions["code"].(string)
			s.metrics.graphqlError(code)
			out[i] = pub
		}
		resp.Errors = out
		// A client that reads slowly must not hold the handler: the
		// response is written by the request's deadline and a little more.
		// (Not every ResponseWriter has deadlines; then there is none.)
		_ = http.NewResponseController(w).SetWriteDeadline(deadline.Add(writeGrace))
		writeJSON(w, responseStatus(mediaType, resp), resp)
	})
}

// checkDocument refuses a GraphQL document larger than the limits of Config
// before graphql-go parses and validates it, which takes time and memory
// that grow faster than the document.
func (s *Server) checkDocument(doc string) error {
	if len(doc) > s.cfg.MaxQueryBytes {
		return &badRequest{status: http.StatusRequestEntityTooLarge, code: CodeLimitExceeded,
			message: fmt.Sprintf("the query is %s long; the limit is %s (pass large values as variables)", byteCount(int64(len(doc))), byteCount(int64(s.cfg.MaxQueryBytes)))}
	}
	c := countSelections(doc)
	switch {
	case c.fields > s.cfg.MaxFields:
		return &badRequest{status: http.StatusBadRequest, code: CodeLimitExceeded,
			message: fmt.Sprintf("the query selects %d fields; the limit is %d", c.fields, s.cfg.MaxFields)}
	case c.aliases > s.cfg.MaxAliases:
		return &badRequest{status: http.StatusBadRequest, code: CodeLimitExceeded,
			message: fmt.Sprintf("the query has %d aliases; the limit is %d", c.aliases, s.cfg.MaxAliases)}
	}
	return nil
}

// refuse answers a request refused before execution, as writeError does, and
// counts its error.
func (s *Server) refuse(w http.ResponseWriter, status int, code, message string) {
	s.metrics.graphqlError(code)
	writeError(w, status, code, message)
}

// requestFromQuery reads a GET request's query, operationName and variables
// (JSON) from a URL query string.
func requestFromQuery(rawQuery string) (*gqlRequest, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, badInput(http.StatusBadRequest, "malformed URL query string: "+err.Error())
	}
	for name, vs := range q {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, badInput(http.StatusBadRequest, "URL query parameter "+strconv.Quote(name)+" is not valid UTF-8")
			}
		}
	}
	req := &gqlRequest{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
			return nil, badInput(http.StatusBadRequest, `"variables" is not a JSON object: `+err.Error())
		}
	}
	return req, nil
}

// requestFromBody reads a POST request: a JSON body, or an application/graphql
// body holding the query (with operationName and variables, if any, in the URL
// query string). Bodies larger than Config.MaxBodyBytes are refused.
func (s *Server) requestFromBody(w http.ResponseWriter, r *http.Request) (*gqlRequest, error) {
	ct := r.Header.Get("Content-Type")
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil || (mediaType != "application/json" && mediaType != "application/graphql") {
		return nil, badInput(http.StatusUnsupportedMediaType,
			"Content-Type must be application/json or application/graphql, not "+strconv.Quote(ct))
	}
	tooLarge := &badRequest{
		status:  http.StatusRequestEntityTooLarge,
		code:    CodeLimitExceeded,
		message: "request body is larger than the limit of " + byteCount(s.cfg.MaxBodyBytes),
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge
		}
		return nil, badInput(http.StatusBadRequest, "reading the request body: "+err.Error())
	}

	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, and a
	// query would then run on text the client did not send.
	if !utf8.Valid(body) {
		return nil, badInput(http.StatusBadRequest, "request body is not valid UTF-8"+invalidAt(body))
	}

	if mediaType == "application/graphql" {
		req, err := requestFromQuery(r.URL.RawQuery)
		if err != nil {
			return nil, err
		}
		req.Query = string(body)
		return req, nil
	}

	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return nil, badInput(http.StatusBadRequest, "batched requests are not supported; send one request per POST")
	}
	var req gqlRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return nil, badInput(http.StatusBadRequest, "request body is not valid JSON: "+err.Error())
	}
	if dec.Decode(new(json.RawMessage)) != io.EOF {
		return nil, badInput(http.StatusBadRequest, "request body holds more than one JSON value")
	}
	return &req, nil
}

// invalidAt describes where the first invalid UTF-8 sequence of b starts.
func invalidAt(b []byte) string {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return " (byte " + strconv.Itoa(i) + ")"
		}
		i += n
	}
	return ""
}
