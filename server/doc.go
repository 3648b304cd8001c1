// Package server serves a GraphQL schema over HTTP: the /graphql endpoint, a
// GraphiQL playground at /graphiql (and for GET /graphql from a browser), the
// explorer's web pages at /, /e/… and /paths, /healthz, and /metrics in the
// Prometheus text format. It knows nothing of the whosedata
// domain; it serves any *graphql.Schema built with graph-gophers/graphql-go.
//
// # Map of the package
//
//   - server.go: [Config], [New], [Server.Handler], [Server.Serve] and
//     [Server.ListenAndServe] with explicit HTTP timeouts and graceful shutdown.
//   - graphql.go: the /graphql endpoint (GET, and POST with application/json
//     or application/graphql).
//   - errors.go: the error codes, the one mapping from graphql-go errors to
//     extensions.code, and the one mapping from codes to HTTP statuses.
//   - access.go: who may write ([WriteAllowed]), bearer tokens, loopback
//     detection and the request id ([RequestID]).
//   - middleware.go: routes, request ids, the access log, panic recovery,
//     CORS and security headers.
//   - metrics.go: the Prometheus registry of one Server (nothing global) and
//     [Gauge], the hook for values the server cannot measure itself.
//   - operation.go: a small GraphQL lexer that finds an operation's type, so
//     GET requests can refuse mutations with a clear message, and counts a
//     document's fields and aliases before it is parsed.
//   - playground.go: the embedded GraphiQL bundle (built by
//     playground/build.sh) and the page shown when it is not built.
//   - explorer.go: the embedded explorer bundle (built by explorer/build.sh),
//     served for every explorer URL; the script in it reads the URL and
//     asks /graphql, so the server knows nothing of its views.
//
// # Access
//
// The server does not decide which operations write. Resolvers of mutations
// call [WriteAllowed] with their context and fail with UNAUTHENTICATED when it
// returns false. [WriteAllowed] is true when a token is configured and the
// request carries it as "Authorization: Bearer <token>", or when no token is
// configured, the server is reachable from this machine only and the request
// comes from no web page or from this server's own (no Origin header, the same
// origin, or an origin listed in Config.AllowedOrigins other than "*"). A
// request with a wrong bearer token is refused with HTTP 401 before any
// execution. GET requests never write.
//
// "Reachable from this machine only" is decided by [Server.Serve] from its
// listener (127.0.0.0/8 or ::1), and by [Server.Handler] from
// Config.Loopback, which an embedder must set: by default a mounted handler
// is read-only without a token, wherever Config.Addr points.
//
// Such a server, without a token, answers only to Host headers that name
// this machine (localhost, 127.0.0.0/8, [::1], any port) or that
// Config.AllowedHosts lists, and refuses others with HTTP 403: a web page
// whose DNS name is rebound to 127.0.0.1 sends its own name as Host.
//
// # Limits
//
// Before a document is parsed: Config.MaxBodyBytes (413), MaxQueryBytes
// (413), MaxFields and MaxAliases (400, LIMIT_EXCEEDED). During execution:
// Config.RequestTimeout (LIMIT_EXCEEDED); the response must then be written
// within 2 s more. The schema adds its own budgets (see package schema).
//
// # Media types
//
// /graphql answers application/graphql-response+json to clients that name
// it in Accept at least as acceptable as application/json, with the status
// codes of the GraphQL-over-HTTP spec (400 for a request that failed before
// execution, with no data; 200 once it executed), and application/json with
// 200 to everyone else.
//
// # Metrics
//
// /metrics serves whosedata_http_requests_total{route,code},
// whosedata_graphql_request_duration_seconds{operation} (the request's
// operationName, the document's single operation name, or "anonymous";
// names outside [A-Za-z0-9_]{1,64} and names beyond the first 200 are
// "other"), whosedata_graphql_errors_total{code}, the Go runtime and process
// collectors, and every [Gauge] of Config.Gauges (the command exports the
// store size as whosedata_store_size_bytes).
//
// # Errors
//
// Every error in a response carries extensions.code: NOT_FOUND, BAD_INPUT,
// UNAUTHENTICATED, LIMIT_EXCEEDED or INTERNAL. Codes set by resolvers are kept;
// resolver errors without a code become INTERNAL, and their text is logged
// with the request id instead of being returned. Bodies that are not valid
// UTF-8 are refused with 400 BAD_INPUT rather than decoded with replacement
// characters.
package server
