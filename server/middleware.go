package server

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// routes returns the server's handler for a listener; loopback tells whether
// the listener is reachable from this machine only.
func (s *Server) routes(loopback bool) http.Handler {
	mux := http.NewServeMux()
	api := s.cors(s.graphqlHandler(loopback))
	mux.Handle("/graphql", api)
	mux.Handle("GET /graphql", pageOr(s.playground.servePage, api))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok"))
	})
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("GET /graphiql", s.playground.servePage)
	mux.HandleFunc("GET /playground/{file}", s.playground.serveAsset)
	// The explorer (SPEC §9): one page for all its views; its script reads the URL.
	for _, route := range []string{"GET /{$}", "GET /e/{path...}", "GET /paths"} {
		mux.HandleFunc(route, s.explorer.servePage)
	}
	mux.HandleFunc("GET /explorer/{file}", s.explorer.serveAsset)
	for _, m := range s.cfg.Mounts {
		mux.Handle("GET "+m.Prefix, m.Handler)
	}
	return s.observe(s.checkHost(loopback, mux))
}

// checkHost refuses, with HTTP 403, requests whose Host is not a local name
// or an allowed host when the server trusts loopback (reachable from this
// machine only, and no token): see hostIsLocal on DNS rebinding. Otherwise
// it returns next unchanged.
func (s *Server) checkHost(loopback bool, next http.Handler) http.Handler {
	if !loopback || s.cfg.Token != "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostIsLocal(r.Host) && !s.hosts[hostName(r.Host)] {
			s.refuse(w, http.StatusForbidden, CodeBadInput, fmt.Sprintf(
				"Host %q is not a name of this server: without a token it answers only to localhost, 127.0.0.1 and [::1] (allow more with --allowed-host)", r.Host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// observe wraps every request: it gives the request an id (in the context and
// the X-Request-Id header), sets security headers, recovers from panics with a
// 500 INTERNAL answer, counts the request in the metrics by route and status,
// and writes the access log line. The log holds the method, path (without
// query string), status, duration and id; never headers.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestIDFrom(r)
		ctx := contextWithRequestID(r.Context(), id)
		r = r.WithContext(ctx)

		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The playground page replaces this with its own policy.
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")

		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.LogAttrs(ctx, slog.LevelError, "panic in handler",
					slog.String("request_id", id),
					slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				if !sw.wroteHeader {
					writeError(sw, http.StatusInternalServerError, CodeInternal, internalMessage)
					s.metrics.graphqlError(CodeInternal)
				}
			}
			// The mux sets r.Pattern on the request it is given.
			s.metrics.request(r.Pattern, sw.status())
			s.log.LogAttrs(ctx, slog.LevelInfo, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status()),
				slog.Duration("duration", time.Since(start)),
				slog.Int64("bytes", sw.bytes),
				slog.String("request_id", id))
		}()
		next.ServeHTTP(sw, r)
	})
}

// cors adds CORS headers to responses for the origins in
// Config.AllowedOrigins and answers their preflight requests. With no allowed
// origins it returns next unchanged, so no CORS header is ever sent.
func (s *Server) cors(next http.Handler) http.Handler {
	if !s.anyOrigin && len(s.origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !(s.anyOrigin || s.origins[origin]) {
			next.ServeHTTP(w, r)
			return
		}
		if s.anyOrigin {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "X-Request-Id")
		next.ServeHTTP(w, r)
	})
}

// requestIDFrom returns the request's X-Request-Id when a proxy in front set a
// plausible one, so log lines can be joined, and a new random id otherwise.
func requestIDFrom(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); validRequestID(id) {
		return id
	}
	return rand.Text()
}

// validRequestID reports whether id is short and made of characters that are
// safe in log lines and headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(isNameStart(c) || isDigit(c) || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
	bytes       int64
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.code = code
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// status returns the status sent, 200 when the handler wrote nothing.
func (w *statusWriter) status() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.code
}

// byteCount formats a size limit for messages: "1 MiB", "512 KiB", "100 bytes".
func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
