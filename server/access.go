package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ctxKey is the type of the context keys of this package.
type ctxKey int

const (
	writeKey ctxKey = iota // bool: the request may write
	requestIDKey
)

// WriteAllowed reports whether the request that ctx belongs to may run
// mutations: it carries the configured bearer token, or no token is configured,
// the server is reachable from this machine only (a loopback listener for
// Serve, Config.Loopback for Handler) and the request comes from no web page
// or a page of this server (no Origin header, the same origin, or one listed
// in Config.AllowedOrigins other than "*"). GET requests never write. It
// returns false for a context that did not come from this server's handler.
//
// Mutation resolvers call it and fail with UNAUTHENTICATED when it is false;
// the server itself does not look at which operations write.
func WriteAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(writeKey).(bool)
	return ok
}

// RequestID returns the id of the request that ctx belongs to, the same as the
// X-Request-Id response header, or "" for a context that did not come from this
// server's handler.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// contextWithRequestID returns ctx carrying the request id id.
func contextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// tokenCheck is the outcome of comparing a request's credentials with the
// configured token.
type tokenCheck int

const (
	tokenAbsent tokenCheck = iota // no Authorization header
	tokenValid                    // the configured bearer token
	tokenWrong                    // some other credential
)

// checkToken compares the Authorization header of r with want in constant
// time. With no token configured, any header counts as absent: it grants
// nothing, and refusing it would only break clients of a public read-only
// server.
func checkToken(r *http.Request, want string) tokenCheck {
	h := r.Header.Get("Authorization")
	if h == "" || want == "" {
		return tokenAbsent
	}
	scheme, got, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return tokenWrong
	}
	if !tokensEqual(strings.TrimSpace(got), want) {
		return tokenWrong
	}
	return tokenValid
}

// tokensEqual compares two tokens in time that depends on neither their
// contents nor their lengths: subtle.ConstantTimeCompare returns at once for
// inputs of different lengths, which would tell an attacker the token's
// length, so it compares fixed-size digests instead.
func tokensEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// mayWrite is the access rule of SPEC §7 in one place: with a token, writes
// need it; without one, only a server reachable from this machine alone
// accepts writes, and only from requests that no other web site sent
// (trustedOrigin), since a browser on this machine would send them for any
// page it shows.
func mayWrite(tokenConfigured bool, check tokenCheck, loopback, trustedOrigin bool) bool {
	if tokenConfigured {
		return check == tokenValid
	}
	return loopback && trustedOrigin
}

// addrIsLoopback reports whether a listener address is reachable from this
// machine only: a TCP address on 127.0.0.0/8 or ::1. Anything else, unix
// sockets included, counts as not loopback, so that an unknown case fails
// closed (read-only without a token).
func addrIsLoopback(a net.Addr) bool {
	if a == nil {
		return false
	}
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	if !strings.HasPrefix(a.Network(), "tcp") {
		return false
	}
	return hostIsLoopback(a.String())
}

// hostIsLoopback reports whether the host of a "host:port" address is
// "localhost" or a loopback IP. An empty host (":8080") means every interface,
// which is not loopback.
func hostIsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DNS rebinding: a web page on attacker.example can make the browser resolve
// attacker.example to 127.0.0.1 and then talk to a loopback server as if it
// were its own origin. What gives it away is the Host header, which still
// names attacker.example. So a server that trusts loopback (no token, open
// writes) answers only to Host values that are loopback names or addresses,
// or that the operator listed in Config.AllowedHosts.

// hostIsLocal reports whether a Host header value ("name", "name:port",
// "[::1]:port") names this machine: localhost, an address in 127.0.0.0/8 or
// ::1. An empty Host (HTTP/1.0) is allowed: browsers always send one.
func hostIsLocal(host string) bool {
	if host == "" {
		return true
	}
	name := hostName(host)
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// hostName returns the name or address of a Host header value, without the
// port and the brackets of an IPv6 address, in lower case.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
}

// checkAllowedHost checks an entry of Config.AllowedHosts: a host name or
// an IP address, without scheme, port or path.
func checkAllowedHost(h string) error {
	if h == "" || strings.ContainsAny(h, "/?#@ \t") || strings.Contains(h, "://") {
		return errors.New(`want a host name or address such as "whosedata.example.org" or "192.0.2.7", without scheme, port or path`)
	}
	if _, _, err := net.SplitHostPort(h); err == nil {
		return errors.New("give the host without a port: every port of an allowed host is allowed")
	}
	if name := hostName(h); strings.Contains(name, ":") && net.ParseIP(name) == nil {
		return errors.New("not a host name or an IP address")
	}
	return nil
}

// sameOrigin reports whether the Origin header of r names the server the
// request was sent to (its Host), as a browser sends it for a page served by
// this server itself, such as the playground.
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // "null" (sandboxed frames, files) and anything odd
	}
	return strings.EqualFold(u.Host, r.Host)
}
