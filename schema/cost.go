package schema

import (
	"context"
	"fmt"
	"sync/atomic"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/whosedata/whosedata/graph"
)

// DefaultMaxCost is the execution budget of a request when Options.MaxCost
// is 0: the most list items (entities, relations, statements, evidence,
// lineage hits, paths) one request may return, summed over every list field
// it selects.
const DefaultMaxCost = 50_000

// The depth limit alone does not bound a response: twelve levels of lists of
// 500 items are 500^6 objects. So every list field charges the number of items
// it returns against a per-request budget, and a request that goes over it
// gets LIMIT_EXCEEDED on the fields that went over.

// budget is the execution budget of one request. Resolvers of one request
// run in parallel, so it is atomic.
type budget struct {
	max  int64
	used atomic.Int64
}

type budgetKey struct{}

// WithCost returns ctx carrying a fresh execution budget of max list items
// for one request; max <= 0 means DefaultMaxCost. Executing a request with
// such a context uses this budget instead of Options.MaxCost. The budget
// belongs to the context: call WithCost once per request, not on a context
// shared by several requests.
func WithCost(ctx context.Context, max int) context.Context {
	if max <= 0 {
		max = DefaultMaxCost
	}
	return context.WithValue(ctx, budgetKey{}, &budget{max: int64(max)})
}

// charge spends n items of the request's budget. It returns an error wrapping
// graph.ErrLimit once the request has asked for more than its budget; with
// n == 0 it only checks that the budget is not spent already. With no budget
// in ctx (a resolver called outside Exec) it charges nothing.
func charge(ctx context.Context, n int) error {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil || n < 0 {
		return nil
	}
	if b.used.Add(int64(n)) > b.max {
		return fmt.Errorf("%w: query asks for more than %d objects; narrow it with first (or fewer nested lists)", graph.ErrLimit, b.max)
	}
	return nil
}

// costTracer gives every request that has no budget yet a budget of max
// items. graphql-go executes a request with the context TraceQuery returns,
// so callers of Exec need not call WithCost.
type costTracer struct{ max int }

// TraceQuery implements tracer.Tracer.
func (t costTracer) TraceQuery(ctx context.Context, _, _ string, _ map[string]any, _ map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	if _, ok := ctx.Value(budgetKey{}).(*budget); !ok {
		ctx = WithCost(ctx, t.max)
	}
	return ctx, func([]*gqlerrors.QueryError) {}
}

// TraceField implements tracer.Tracer; fields are not traced.
func (costTracer) TraceField(ctx context.Context, _, _, _ string, _ bool, _ map[string]any) (context.Context, tracer.FieldFinishFunc) {
	return ctx, noFieldFinish
}

func noFieldFinish(*gqlerrors.QueryError) {}
