package schema

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/whosedata/whosedata/graph"
)

// DefaultMaxCost is the execution budget of a request when Options.MaxCost
// is 0, in objects: the list items one request may return (entities,
// relations, statements, evidence, lineage hits, paths), plus the work of
// walks and scans that return fewer items than they look at (see the costs
// below).
const DefaultMaxCost = 50_000

// DefaultMaxResponseBytes is the byte budget of a response when
// Options.MaxResponseBytes is 0.
const DefaultMaxResponseBytes = 16 << 20

// The depth limit alone does not bound a response: twelve levels of lists of
// 500 items are 500^6 objects. So every field that loads, walks or scans
// charges its cost against a per-request budget before it runs, from its
// arguments alone, and a request that goes over it gets LIMIT_EXCEEDED on the
// fields that went over, which then do no work. A list charges the most items
// its arguments let it return, and gives back what it did not return once it
// has run; work charged for looking (walkCost, scans) is not given back.
const (
	// walkCost is charged by every lineage, paths and neighborhood walk, on
	// top of the items it may return: a walk may look at much of the graph
	// to return nothing (first: 0, a kinds filter), and 500 walks must not
	// be free.
	walkCost = 100
	// scanDivisor: a field that scans or counts (entities, relations,
	// disputes, search, stats) charges one object, plus one per scanDivisor
	// entities, relations and statements it looks at.
	scanDivisor = 100
)

// A response is bounded in bytes as well, since one object can hold 64 KiB of
// quote and aliases can repeat a field: every field charges its JSON (key,
// punctuation, a scalar) and every string its length, as it is resolved.
// Going over cancels the rest of the request, which then answers with one
// LIMIT_EXCEEDED error and no data.
const (
	// fieldBytes is charged for every field resolved, besides its name: the
	// quotes, colon and comma around the name and a value that is not text
	// (an ID, number, enum, date or null).
	fieldBytes = 44
)

// errResponseTooLarge is the cause with which the byte budget cancels a
// request.
var errResponseTooLarge = errors.New("response too large")

// budget is the execution budget of one request. Resolvers of one request
// run in parallel, so it is atomic.
type budget struct {
	max  int64
	used atomic.Int64

	maxBytes int64
	bytes    atomic.Int64
	nameLen  int                     // longest name or alias in the query document
	cancel   context.CancelCauseFunc // cancels the request when the bytes are spent
	tooLarge atomic.Bool

	// sizes are the store's counts, read once per request by the first
	// field that scans: what a scan touches.
	sizesOnce sync.Once
	sizes     *graph.Stats
	sizesErr  error
}

type budgetKey struct{}

// WithCost returns ctx carrying a fresh execution budget of max objects for
// one request; max <= 0 means DefaultMaxCost. Executing a request with such a
// context uses this budget instead of Options.MaxCost (the byte budget stays
// Options.MaxResponseBytes). The budget belongs to the context: call WithCost
// once per request, not on a context shared by several requests.
func WithCost(ctx context.Context, max int) context.Context {
	if max <= 0 {
		max = DefaultMaxCost
	}
	return context.WithValue(ctx, budgetKey{}, &budget{max: int64(max)})
}

func budgetFrom(ctx context.Context) *budget {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	return b
}

// charge spends n objects of the request's budget. It returns an error
// wrapping graph.ErrLimit once the request has asked for more than its
// budget; with n == 0 it only checks that the budget is not spent already.
// With no budget in ctx (a resolver called outside Exec) it charges nothing.
func charge(ctx context.Context, n int) error { return budgetFrom(ctx).charge(n) }

func (b *budget) charge(n int) error {
	if b == nil || n < 0 {
		return nil
	}
	if b.used.Add(int64(n)) > b.max {
		return fmt.Errorf("%w: query asks for more than %d objects; narrow it with first (or fewer nested lists, walks and scans)", graph.ErrLimit, b.max)
	}
	return nil
}

// refund gives back n objects charged by a list that returned fewer items
// than its bound.
func (b *budget) refund(n int) {
	if b != nil && n > 0 {
		b.used.Add(-int64(n))
	}
}

// reserve charges the cost of a field before it runs: work objects for
// looking (never given back) and up to bound items it may return. Once the
// field has run, settle with the number of items it returned.
func reserve(ctx context.Context, work, bound int) (settle func(items int) error, err error) {
	b := budgetFrom(ctx)
	if err := b.charge(work + bound); err != nil {
		return nil, err
	}
	return func(items int) error {
		if items > bound {
			return b.charge(items - bound)
		}
		b.refund(bound - items)
		return nil
	}, nil
}

// scanCost is the work of a field that looks at n entities, relations or
// statements.
func scanCost(n int) int { return 1 + n/scanDivisor }

// storeSizes returns the store's counts, read at most once per request, for
// charging scans before they run.
func (r *resolver) storeSizes(ctx context.Context) (*graph.Stats, error) {
	b := budgetFrom(ctx)
	if b == nil {
		c, err := r.store.Counts(ctx)
		return &graph.Stats{Entities: c.Entities, Relations: c.Relations, Statements: c.Statements}, err
	}
	b.sizesOnce.Do(func() {
		c, err := r.store.Counts(ctx)
		b.sizes, b.sizesErr = &graph.Stats{Entities: c.Entities, Relations: c.Relations, Statements: c.Statements}, err
	})
	return b.sizes, b.sizesErr
}

// text charges the JSON size of s to the byte budget and returns s. With no
// budget (a resolver called outside Exec) it charges nothing.
func (b *budget) text(s string) string {
	b.chargeBytes(jsonLen(s))
	return s
}

// texts charges every string of ss.
func (b *budget) texts(ss []string) []string {
	if b != nil {
		n := 2
		for _, s := range ss {
			n += jsonLen(s) + 1
		}
		b.chargeBytes(n)
	}
	return ss
}

// chargeBytes spends n bytes of the response budget; the first charge that
// goes over cancels the request.
func (b *budget) chargeBytes(n int) {
	if b == nil || b.maxBytes <= 0 {
		return
	}
	if b.bytes.Add(int64(n)) > b.maxBytes && b.tooLarge.CompareAndSwap(false, true) && b.cancel != nil {
		b.cancel(errResponseTooLarge)
	}
}

// jsonLen is the length of s as a JSON string, as encoding/json writes it
// (which graphql-go uses): with quotes, and with <, >, & and control
// characters escaped as \u00XX.
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// longestName returns the length of the longest name in a GraphQL document,
// outside strings and comments: an upper bound of every response key (a field
// name or an alias) the document can produce.
func longestName(doc string) int {
	longest, run := 0, 0
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || run > 0 && '0' <= c && c <= '9':
			run++
			longest = max(longest, run)
			continue
		case c == '#':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
		case c == '"':
			i = skipString(doc, i)
		}
		run = 0
	}
	return longest
}

// skipString returns the index of the last byte of the string or block
// string starting at doc[i], or len(doc) when it is not closed.
func skipString(doc string, i int) int {
	if len(doc)-i >= 3 && doc[i:i+3] == `"""` {
		for j := i + 3; j < len(doc); j++ {
			switch {
			case doc[j] == '\\' && len(doc)-j >= 4 && doc[j:j+4] == `\"""`:
				j += 3
			case len(doc)-j >= 3 && doc[j:j+3] == `"""`:
				return j + 2
			}
		}
		return len(doc)
	}
	for j := i + 1; j < len(doc); j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"', '\n', '\r':
			return j
		}
	}
	return len(doc)
}

// costTracer gives every request a budget: objects (max, unless the context
// already has one from WithCost) and response bytes (maxBytes). graphql-go
// executes a request with the context TraceQuery returns, so callers of Exec
// need not call WithCost.
type costTracer struct {
	max      int
	maxBytes int64
}

// TraceQuery implements tracer.Tracer.
func (t costTracer) TraceQuery(ctx context.Context, query, _ string, _ map[string]any, _ map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	b := budgetFrom(ctx)
	if b == nil {
		ctx = WithCost(ctx, t.max)
		b = budgetFrom(ctx)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	b.maxBytes, b.nameLen, b.cancel = t.maxBytes, longestName(query), cancel
	// Every read of the request sees one snapshot of the store, so its
	// answers agree however many writes happen meanwhile (a mutation of the
	// request renews it, so what follows the write sees the write).
	ctx, endReads := graph.ConsistentReads(ctx)
	return ctx, func(errs []*gqlerrors.QueryError) {
		endReads()
		tooLarge := context.Cause(ctx) == errResponseTooLarge
		cancel(nil)
		if !tooLarge {
			return
		}
		// The request was cancelled by its byte budget: graphql-go then
		// answers with no data and one error holding context.Canceled.
		// The finish function is handed the very errors of the response,
		// so that error is given its code and an explanation here.
		for _, e := range errs {
			if errors.Is(e, context.Canceled) && e.Extensions == nil {
				e.Message = fmt.Sprintf("the response would be larger than its limit of %d bytes; ask for fewer or smaller fields (first, fewer aliases, no quotes or descriptions)", t.maxBytes)
				e.Extensions = map[string]any{"code": codeLimitExceeded}
			}
		}
	}
}

// TraceField implements tracer.Tracer: every field resolved charges its key
// and punctuation to the byte budget. graphql-go calls it for every field,
// trivial ones included, but does not pass the alias, so the key is charged
// at the longest name of the document.
func (costTracer) TraceField(ctx context.Context, _, _, fieldName string, _ bool, _ map[string]any) (context.Context, tracer.FieldFinishFunc) {
	if b := budgetFrom(ctx); b != nil {
		b.chargeBytes(fieldBytes + max(len(fieldName), b.nameLen))
	}
	return ctx, noFieldFinish
}

func noFieldFinish(*gqlerrors.QueryError) {}

// What a scanning field looks at, for reserveScan.
type scanKind int

const (
	scanEntities  scanKind = iota // every entity: entities, disputes, search
	scanRelations                 // every relation: relations
	scanAll                       // entities, relations and statements: stats
)

// reserveScan charges a field that scans before it runs: scanCost of what it
// looks at, from the store's counts, and bound items it may return.
func (r *resolver) reserveScan(ctx context.Context, what scanKind, bound int) (settle func(items int) error, err error) {
	if err := charge(ctx, 0); err != nil {
		return nil, err // the budget is spent: do not count either
	}
	sizes, err := r.storeSizes(ctx)
	if err != nil {
		return nil, err
	}
	n := sizes.Entities
	switch what {
	case scanRelations:
		n = sizes.Relations
	case scanAll:
		n = sizes.Entities + sizes.Relations + sizes.Statements
	}
	return reserve(ctx, scanCost(n), bound)
}

// pageBound is the most items a list with this first argument (already
// checked by firstArg) returns: def when first is absent.
func pageBound(first *int32, def int) int {
	if first == nil {
		return def
	}
	return int(*first)
}
