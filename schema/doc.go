// Package schema is the GraphQL API of whosedata (SPEC §3): the schema in
// schema.graphql, embedded as SDL, and resolvers that translate each field
// into one call of the graph library. It knows nothing of HTTP; the server
// package serves the *graphql.Schema that New returns.
//
// The map of the package:
//
//	schema.graphql  the whole API, with its defaults and limits in descriptions
//	schema.go       New, Options, the root resolver, argument helpers
//	errors.go       the one mapping from errors to extensions.code
//	cost.go         the per-request budget of list items (WithCost)
//	scalars.go      the Date and DateTime scalars
//	query.go        Query fields
//	mutation.go     Mutation fields and the write check
//	types.go        one resolver type per object type, wrapping a graph value
//
// Resolvers only translate: references are resolved, limits checked and
// nested data loaded by the graph library, which returns relations with
// their ends and statements read from one snapshot. Lineage loads hit paths
// only when the query selects them. Entity.relations and Entity.lineage are
// one library call per entity that selects them: the library has no batch
// form of those calls.
//
// The depth limit does not bound a response on its own, so every list field
// charges the items it returns against a per-request budget (Options.MaxCost,
// DefaultMaxCost, or WithCost for one request); a list over the budget fails
// with LIMIT_EXCEEDED, and nested lists fail before loading anything once
// the budget is spent. New installs the budget through a graphql-go tracer,
// so callers of Exec need do nothing.
//
// Errors returned to clients carry extensions.code (NOT_FOUND, BAD_INPUT,
// UNAUTHENTICATED, LIMIT_EXCEEDED, INTERNAL); internal error text is logged
// through Options.Logger with the request id and never returned.
package schema
