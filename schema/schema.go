package schema

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// SDL is the GraphQL schema served by New, in schema definition language.
//
//go:embed schema.graphql
var SDL string

// Limits of the API, documented in the SDL.
const (
	// MaxPageSize is the largest first a connection accepts.
	MaxPageSize = graph.MaxPageSize
	// MaxLineageHits is the largest first lineage accepts; the library has
	// no bound of its own, so the API sets one.
	MaxLineageHits = 1000
	// DefaultMaxDepth is the query depth limit when Options.MaxDepth is 0. It
	// is the depth of the standard introspection query (graphql-js
	// getIntrospectionQuery, which GraphiQL sends): graphql-go counts
	// introspection fields against the limit, and a lower one would leave the
	// playground without its schema.
	DefaultMaxDepth = 15
	// maxParallelism bounds the resolvers of one request running at once;
	// they are mostly in-memory work, so a few suffice.
	maxParallelism = 8
	// MaxOverlapPairs bounds the pairs of same-named fields graphql-go's
	// validation compares in one document (OverlapValidationLimit): the
	// comparison is quadratic, and 10,000 copies of one field took 5 GB
	// without it. The introspection query GraphiQL sends needs far fewer.
	// More gives LIMIT_EXCEEDED.
	MaxOverlapPairs = 10_000
	// MaxSelections bounds the fields a document expands to once its
	// fragments are spread; more gives LIMIT_EXCEEDED.
	MaxSelections = 10_000
)

// Options configure New. The zero value allows writes, logs to
// slog.Default(), limits query depth to DefaultMaxDepth, the cost of one
// request to DefaultMaxCost and its response to DefaultMaxResponseBytes.
type Options struct {
	// CanWrite reports whether the request in ctx may change the store; nil
	// allows every request. When it returns false, every mutation fails with
	// extensions.code UNAUTHENTICATED.
	CanWrite func(context.Context) bool
	// Logger receives internal errors, with the request id; their text is
	// never returned to clients. Nil means slog.Default().
	Logger *slog.Logger
	// RequestID, when set, names the request in ctx; the id is included in
	// INTERNAL errors (message and extensions.requestId) and in logs.
	RequestID func(context.Context) string
	// MaxDepth is the query depth limit; 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxCost is the execution budget of a request: the most list items
	// it may return, summed over all its list fields, plus the work of its
	// walks and scans, charged before they run. 0 means DefaultMaxCost. A
	// request whose context carries a budget from WithCost uses that one
	// instead. Going over it gives LIMIT_EXCEEDED.
	MaxCost int
	// MaxResponseBytes bounds the JSON of one response (strings, keys and
	// punctuation, charged as fields resolve); 0 means
	// DefaultMaxResponseBytes. Going over it stops the request, which
	// answers with one LIMIT_EXCEEDED error and no data.
	MaxResponseBytes int64
	// Publisher, when set, names who published an evidence URL
	// (Evidence.publisher): the caller's reviewed list of sources. Nil, or ok
	// false, leaves publisher null.
	Publisher func(url string) (p Publisher, ok bool)
}

// Publisher is who published a piece of evidence: its domain, its kind
// (court, regulator, company, research or news) and its name.
type Publisher struct {
	Domain, Kind, Name string
}

// New returns the whosedata GraphQL schema answering from store. It returns an
// error only if the embedded SDL and the resolvers disagree, which tests
// prevent.
func New(store *graph.Store, opts Options) (*graphql.Schema, error) {
	if store == nil {
		return nil, fmt.Errorf("schema: New needs a store")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxCost <= 0 {
		opts.MaxCost = DefaultMaxCost
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	root := &resolver{store: store, opts: opts}
	s, err := graphql.ParseSchema(SDL, root,
		graphql.UseStringDescriptions(),
		graphql.UseFieldResolvers(),
		graphql.MaxDepth(opts.MaxDepth),
		graphql.MaxParallelism(maxParallelism),
		graphql.OverlapValidationLimit(MaxOverlapPairs),
		graphql.MaxSelections(MaxSelections),
		graphql.Tracer(costTracer{max: opts.MaxCost, maxBytes: opts.MaxResponseBytes}),
	)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return s, nil
}

// resolver is the root resolver: Query and Mutation fields are its methods,
// and every object resolver keeps a pointer to it for the store and options.
// The root fields work on a copy of their own that also carries the
// request's budget (request), so that the objects they return can charge
// their strings without a context.
type resolver struct {
	store *graph.Store
	opts  Options
	b     *budget   // the request's budget; nil on the shared root
	pre   *prefetch // relations read ahead for a list's items; nil on the shared root
}

// request returns a copy of the root resolver carrying the budget of the
// request in ctx. Every Query and Mutation field calls it first.
func (r *resolver) request(ctx context.Context) *resolver {
	return &resolver{store: r.store, opts: r.opts, b: budgetFrom(ctx), pre: &prefetch{}}
}

// firstArg checks a first argument against the most the field returns and
// gives the number to ask the library for. A first of 0 is honoured as "no
// items" (the library reads 0 as "the default"), so the caller asks for one
// item and drops it: references and other arguments are still checked and a
// connection still reports totalCount.
func firstArg(first *int32, most int) (n int, none bool, err error) {
	if first == nil {
		return 0, false, nil
	}
	switch v := int(*first); {
	case v < 0:
		return 0, false, fmt.Errorf("%w: first must not be negative (got %d)", graph.ErrInvalid, v)
	case v > most:
		return 0, false, fmt.Errorf("%w: first is %d; the maximum is %d", graph.ErrLimit, v, most)
	case v == 0:
		return 1, true, nil
	default:
		return v, false, nil
	}
}

// intArg converts an optional Int argument; absent is 0, the library default.
func intArg(v *int32) int {
	if v == nil {
		return 0
	}
	return int(*v)
}

func strArg(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// kindsArg parses a list of EntityKind names; validation has already checked
// them against the enum, so an error here means the SDL and graph disagree.
func kindsArg(names *[]string) ([]graph.EntityKind, error) {
	if names == nil {
		return nil, nil
	}
	out := make([]graph.EntityKind, 0, len(*names))
	for _, n := range *names {
		k, err := graph.ParseEntityKind(n)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func typesArg(names *[]string) ([]graph.RelationType, error) {
	if names == nil {
		return nil, nil
	}
	out := make([]graph.RelationType, 0, len(*names))
	for _, n := range *names {
		t, err := graph.ParseRelationType(n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func statusArg(name *string) (graph.ClaimStatus, error) {
	if name == nil {
		return 0, nil
	}
	return graph.ParseClaimStatus(*name)
}

func attributesArg(in *[]attributeInput) []graph.Attribute {
	if in == nil {
		return nil
	}
	out := make([]graph.Attribute, len(*in))
	for i, a := range *in {
		out[i] = graph.Attribute{Key: a.Key, Value: a.Value}
	}
	return out
}
