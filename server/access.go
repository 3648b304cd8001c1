package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// ctxKey is the type of the context keys of this package.
type ctxKey int

const (
	writeKey ctxKey = iota // bool: the request may write
	requestIDKey
)

// WriteAllowed reports whether the request that ctx belongs to may run
// mutations: it carries the configured bearer token, or no token is configured
// and the server listens on a loopback address. GET requests never write. It
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
// accepts writes.
func mayWrite(tokenConfigured bool, check tokenCheck, loopback bool) bool {
	if tokenConfigured {
		return check == tokenValid
	}
	return loopback
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
