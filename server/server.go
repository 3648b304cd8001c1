package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
)

// Defaults applied by [New] to zero fields of [Config].
const (
	DefaultAddr           = "127.0.0.1:8080"
	DefaultMaxBodyBytes   = 1 << 20 // 1 MiB
	DefaultRequestTimeout = 10 * time.Second
	// DefaultMaxQueryBytes bounds the GraphQL document of a request (not
	// its variables); a longer one is refused with HTTP 413.
	DefaultMaxQueryBytes = 64 << 10
	// DefaultMaxFields bounds the fields (and fragment spreads) written in
	// a document; DefaultMaxAliases the aliases among them. More is refused
	// with HTTP 400 and LIMIT_EXCEEDED before the document is parsed.
	DefaultMaxFields  = 1000
	DefaultMaxAliases = 100
)

// HTTP server timeouts. They bound slow clients; the execution time of a
// request is bounded separately by Config.RequestTimeout.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeSlack        = 10 * time.Second // added to RequestTimeout for WriteTimeout
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// writeGrace is how long writing a response may take beyond the
	// request's deadline: execution stops at the deadline, and a client
	// that reads slowly cannot hold the handler much longer.
	writeGrace = 2 * time.Second
	// shutdownGrace is how long Serve waits for requests in flight once its
	// context is done, before it closes the remaining connections.
	shutdownGrace = 10 * time.Second
)

// Config configures a [Server]. Only Schema is required; [New] fills the zero
// values of the other fields with defaults.
type Config struct {
	// Addr is the TCP address ListenAndServe listens on. Default DefaultAddr.
	// It does not decide who may write: Serve looks at its listener, and
	// Handler at Loopback.
	Addr string
	// Loopback states that the handler Handler returns is reachable from
	// this machine only (a loopback listener, or a proxy only local clients
	// reach). Only then may requests without a token write, and only with a
	// local Host (see AllowedHosts). It is false by default, so that an
	// embedder who mounts Handler publicly gets a read-only server unless a
	// token is set. Serve ignores it and decides from its listener.
	Loopback bool
	// AllowedHosts lists host names or addresses ("whosedata.lan",
	// "192.0.2.7"), any port, that a server reachable from this machine only
	// and without a token answers to besides localhost, 127.0.0.0/8 and
	// [::1]. Requests naming another Host get HTTP 403: a web page that
	// rebinds its DNS name to 127.0.0.1 must not reach the store.
	AllowedHosts []string
	// Schema is the GraphQL schema to serve. Required.
	Schema *graphql.Schema
	// Token, when set, is the bearer token that allows mutations: requests
	// must carry "Authorization: Bearer <token>" for WriteAllowed to be true.
	// A request with a different bearer token is refused with HTTP 401.
	Token string
	// AllowedOrigins lists the origins ("https://example.org", or "*" for
	// any) that browsers may call /graphql from. Empty means CORS is off and
	// no CORS headers are sent.
	AllowedOrigins []string
	// MaxBodyBytes limits the size of a request body. Default
	// DefaultMaxBodyBytes. A larger body is refused with HTTP 413.
	MaxBodyBytes int64
	// RequestTimeout bounds the execution of one GraphQL request. Default
	// DefaultRequestTimeout. Exceeding it gives the error code LIMIT_EXCEEDED;
	// writing the response must end within 2 s after it.
	RequestTimeout time.Duration
	// MaxQueryBytes, MaxFields and MaxAliases bound the GraphQL document of
	// a request, before it is parsed; 0 means DefaultMaxQueryBytes,
	// DefaultMaxFields and DefaultMaxAliases.
	MaxQueryBytes int
	MaxFields     int
	MaxAliases    int
	// Logger receives the access log and internal errors. Default
	// slog.Default(). The token and the Authorization header are never logged.
	Logger *slog.Logger
	// PlaygroundQuery is the query shown when the GraphiQL playground opens.
	PlaygroundQuery string
	// WrapContext, when set, is applied to the context of every GraphQL
	// request just before execution (after the request id, write access
	// and time limit are in it), so the caller can give each request
	// values of its own, such as an execution budget. It must return a
	// context derived from its argument.
	WrapContext func(context.Context) context.Context
	// Gauges are values exported at /metrics besides the server's own
	// series, such as the size of the store ("whosedata_store_size_bytes").
	// New fails when a name is invalid or used twice.
	Gauges []Gauge
	// Mounts are read-only handlers served at GET paths under a prefix (such
	// as "/feeds/" for the Atom feeds), behind the same host check, access
	// log and metrics as every route. The server does not look inside them.
	Mounts []Mount
}

// Mount is a handler served for GET requests under Prefix, which ends in
// "/" and is not one of the server's own paths.
type Mount struct {
	Prefix  string
	Handler http.Handler
}

// Server serves one GraphQL schema over HTTP. Create it with [New]; it is safe
// for concurrent use, and one Server may serve several listeners.
type Server struct {
	cfg        Config
	log        *slog.Logger
	origins    map[string]bool // allowed CORS origins; nil when CORS is off
	anyOrigin  bool            // AllowedOrigins contains "*"
	hosts      map[string]bool // AllowedHosts, as hostName gives them
	playground *playground
	explorer   *explorer
	metrics    *metrics
	handler    http.Handler // for Config.Addr, returned by Handler
}

// New checks cfg, fills in defaults and returns a Server. It returns an error
// naming the first invalid field of cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Schema == nil {
		return nil, errors.New("server: Config.Schema is required")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("server: Config.Addr %q: %w", cfg.Addr, err)
	}
	if strings.ContainsFunc(cfg.Token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, errors.New("server: Config.Token must not contain spaces or control characters")
	}
	switch {
	case cfg.MaxBodyBytes < 0:
		return nil, fmt.Errorf("server: Config.MaxBodyBytes is negative (%d)", cfg.MaxBodyBytes)
	case cfg.MaxBodyBytes == 0:
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	switch {
	case cfg.RequestTimeout < 0:
		return nil, fmt.Errorf("server: Config.RequestTimeout is negative (%s)", cfg.RequestTimeout)
	case cfg.RequestTimeout == 0:
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	for _, l := range []struct {
		name string
		v    *int
		def  int
	}{
		{"MaxQueryBytes", &cfg.MaxQueryBytes, DefaultMaxQueryBytes},
		{"MaxFields", &cfg.MaxFields, DefaultMaxFields},
		{"MaxAliases", &cfg.MaxAliases, DefaultMaxAliases},
	} {
		switch {
		case *l.v < 0:
			return nil, fmt.Errorf("server: Config.%s is negative (%d)", l.name, *l.v)
		case *l.v == 0:
			*l.v = l.def
		}
	}
	s := &Server{cfg: cfg, log: cfg.Logger, hosts: map[string]bool{}}
	for i, h := range cfg.AllowedHosts {
		if err := checkAllowedHost(h); err != nil {
			return nil, fmt.Errorf("server: Config.AllowedHosts[%d] %q: %w", i, h, err)
		}
		s.hosts[hostName(h)] = true
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	for i, m := range cfg.Mounts {
		switch {
		case m.Handler == nil:
			return nil, fmt.Errorf("server: Config.Mounts[%d] %q has no handler", i, m.Prefix)
		case !strings.HasPrefix(m.Prefix, "/") || !strings.HasSuffix(m.Prefix, "/") || len(m.Prefix) < 3:
			return nil, fmt.Errorf("server: Config.Mounts[%d]: prefix %q must be a path like \"/feeds/\"", i, m.Prefix)
		case m.Prefix == "/playground/" || m.Prefix == "/graphql/":
			return nil, fmt.Errorf("server: Config.Mounts[%d]: prefix %q is the server's own", i, m.Prefix)
		}
	}
	for i, o := range cfg.AllowedOrigins {
		if o == "*" {
			s.anyOrigin = true
			continue
		}
		if err := checkOrigin(o); err != nil {
			return nil, fmt.Errorf("server: Config.AllowedOrigins[%d] %q: %w", i, o, err)
		}
		if s.origins == nil {
			s.origins = make(map[string]bool)
		}
		s.origins[o] = true
	}
	pg, err := loadPlayground(cfg.PlaygroundQuery)
	if err != nil {
		return nil, fmt.Errorf("server: playground: %w", err)
	}
	s.playground = pg
	if s.explorer, err = loadExplorer(); err != nil {
		return nil, fmt.Errorf("server: explorer: %w", err)
	}
	if s.metrics, err = newMetrics(cfg.Gauges); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.handler = s.routes(cfg.Loopback)
	return s, nil
}

// checkOrigin reports whether o is a bare web origin: a scheme and a host,
// with no path, query or trailing slash, as browsers send in Origin headers.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return errors.New(`want an origin like "https://example.org" or "*"`)
	}
	return nil
}

// Handler returns the server's HTTP handler. Whether clients without a token
// may write is decided from Config.Loopback, which the caller must set to
// state that the handler is reachable from this machine only; by default
// they may not. Serve decides from the listener it is given instead.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves HTTP on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections and waits up to 10 seconds for requests in
// flight before closing the rest. It returns nil after a clean shutdown, and
// otherwise the error that stopped it. Serve closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	loopback := addrIsLoopback(ln.Addr())
	srv := &http.Server{
		Handler:           s.routes(loopback),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      s.cfg.RequestTimeout + writeSlack,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "writes", s.writePolicy(loopback))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		// Serve failed on its own (it returns ErrServerClosed only after
		// Shutdown or Close, which nobody else calls).
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}

	// ctx is done, so the shutdown gets a context of its own.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if err != nil {
		_ = srv.Close()
		err = fmt.Errorf("server: shutdown: %w", err)
	}
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = fmt.Errorf("server: %w", serveErr)
	}
	return err
}

// ListenAndServe listens on Config.Addr and calls [Server.Serve]. It returns
// an error when the address cannot be listened on, or as Serve does.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ctx, ln)
}

// writePolicy describes, for the log, who may run mutations.
func (s *Server) writePolicy(loopback bool) string {
	switch {
	case s.cfg.Token != "":
		return "bearer token"
	case loopback:
		return "open (loopback, no token; local Host and same-origin only)"
	default:
		return "read-only (no token, not loopback)"
	}
}
