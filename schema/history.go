package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// Time and history (SPEC §8): dispute timelines, names over time, "as
// recorded" reads and the change log. The resolvers translate; the rules
// are graph's.

// reader is what a read resolver asks: the store, or the request's snapshot
// as the store stood at an instant (recordedAsOf). *graph.Store and
// *graph.Snapshot both have these methods.
type reader interface {
	Neighborhood(ctx context.Context, ref string, depth, limit int) (*graph.Subgraph, error)
	EntityRelations(ctx context.Context, ref string, dir graph.Direction, types []graph.RelationType, p graph.Page) (*graph.RelationPage, error)
	DisputesAt(ctx context.Context, q graph.DisputeQuery, p graph.Page) (*graph.EntityPage, error)
	Stats(ctx context.Context) (*graph.Stats, error)
	Entity(ctx context.Context, ref string) (*graph.Entity, error)
}

// readAt runs fn on the store, or, when rec is given, on the request's
// snapshot as recorded then.
func (r *resolver) readAt(ctx context.Context, rec *DateTime, fn func(reader) error) error {
	t, err := rec.arg("recordedAsOf")
	if err != nil {
		return err
	}
	if t.IsZero() {
		return fn(r.store)
	}
	return r.store.View(ctx, func(sn *graph.Snapshot) error { return fn(sn.AsRecorded(t)) })
}

// Names is Entity.names.
func (x *entityResolver) Names(ctx context.Context) ([]*nameResolver, error) {
	names := x.e.Names()
	if err := charge(ctx, len(names)); err != nil {
		return nil, x.r.fail(ctx, "Entity.names", err)
	}
	out := make([]*nameResolver, len(names))
	for i := range names {
		out[i] = &nameResolver{r: x.r, n: names[i]}
	}
	return out, nil
}

// Events is Entity.events: the timeline of a dispute, read once per entity.
func (x *entityResolver) Events(ctx context.Context) ([]*eventResolver, error) {
	if x.e.Kind != graph.Dispute {
		return []*eventResolver{}, nil
	}
	if err := charge(ctx, 1); err != nil {
		return nil, x.r.fail(ctx, "Entity.events", err)
	}
	evs, err := x.r.store.Events(ctx, x.e.ID.String())
	if err == nil {
		err = charge(ctx, len(evs))
	}
	if err != nil {
		return nil, x.r.fail(ctx, "Entity.events", err)
	}
	return x.r.events(evs), nil
}

func (r *resolver) events(evs []graph.DisputeEvent) []*eventResolver {
	out := make([]*eventResolver, len(evs))
	for i := range evs {
		out[i] = &eventResolver{r: r, ev: &evs[i]}
	}
	return out
}

type asOfArgs struct{ AsOf *Date }

// DisputeStatus is Entity.disputeStatus.
func (x *entityResolver) DisputeStatus(ctx context.Context, args asOfArgs) (*string, error) {
	st, err := x.state(ctx, args)
	if err != nil || st == nil || st.Status == 0 {
		return nil, err
	}
	s := st.Status.String()
	return &s, nil
}

// DisputeForum is Entity.disputeForum.
func (x *entityResolver) DisputeForum(ctx context.Context, args asOfArgs) (*string, error) {
	st, err := x.state(ctx, args)
	if err != nil || st == nil {
		return nil, err
	}
	return x.r.optText(st.Forum), nil
}

func (x *entityResolver) state(ctx context.Context, args asOfArgs) (*graph.DisputeState, error) {
	if x.e.Kind != graph.Dispute {
		return nil, nil
	}
	asOf, err := args.AsOf.arg("asOf")
	if err == nil {
		err = charge(ctx, 1)
	}
	var st *graph.DisputeState
	if err == nil {
		st, err = x.r.store.DisputeState(ctx, x.e.ID.String(), asOf)
	}
	if err != nil {
		return nil, x.r.fail(ctx, "Entity.disputeStatus", err)
	}
	return st, nil
}

// RecordedAt is Entity.recordedAt.
func (x *entityResolver) RecordedAt() *DateTime { return dateTimeOut(x.e.RecordedAt) }

// nameResolver is the Name type.
type nameResolver struct {
	r *resolver
	n graph.Name
}

func (x *nameResolver) Name() string     { return x.r.b.text(x.n.Name) }
func (x *nameResolver) ValidFrom() *Date { return dateOut(x.n.ValidFrom) }
func (x *nameResolver) ValidTo() *Date   { return dateOut(x.n.ValidTo) }
func (x *nameResolver) Primary() bool    { return x.n.Primary }
func (x *nameResolver) Evidence() []*evidenceResolver {
	return x.r.evidence(x.n.Evidence)
}

func (r *resolver) evidence(evs []graph.Evidence) []*evidenceResolver {
	out := make([]*evidenceResolver, len(evs))
	for i := range evs {
		out[i] = &evidenceResolver{r: r, ev: &evs[i]}
	}
	return out
}

// eventResolver is the DisputeEvent type.
type eventResolver struct {
	r  *resolver
	ev *graph.DisputeEvent
}

func (x *eventResolver) ID() graphql.ID       { return graphql.ID(x.ev.ID.String()) }
func (x *eventResolver) Date() Date           { return *dateOut(x.ev.Date) }
func (x *eventResolver) Status() string       { return x.ev.Status.String() }
func (x *eventResolver) Summary() string      { return x.r.b.text(x.ev.Summary) }
func (x *eventResolver) Forum() *string       { return x.r.optText(x.ev.Forum) }
func (x *eventResolver) RecordedAt() DateTime { return DateTime{t: x.ev.RecordedAt} }
func (x *eventResolver) RetractedAt() *DateTime {
	if x.ev.Retraction == nil {
		return nil
	}
	return dateTimeOut(x.ev.Retraction.At)
}
func (x *eventResolver) RetractedReason() *string {
	if x.ev.Retraction == nil {
		return nil
	}
	return x.r.optText(x.ev.Retraction.Reason)
}
func (x *eventResolver) Evidence(ctx context.Context) ([]*evidenceResolver, error) {
	if err := charge(ctx, len(x.ev.Evidence)); err != nil {
		return nil, x.r.fail(ctx, "DisputeEvent.evidence", err)
	}
	return x.r.evidence(x.ev.Evidence), nil
}

type changesArgs struct {
	Since  *DateTime
	Entity *string
	First  *int32
	After  *string
	Last   *int32
}

// Changes is Query.changes.
func (r *resolver) Changes(ctx context.Context, args changesArgs) (*changeConnection, error) {
	r = r.request(ctx)
	conn, err := func() (*changeConnection, error) {
		since, err := args.Since.arg("since")
		if err != nil {
			return nil, err
		}
		first, none, err := firstArg(args.First, MaxPageSize)
		if err != nil {
			return nil, err
		}
		// A page of the log reads its entries one by one (and, for an
		// entity, that entity's index): charged as a walk plus the page.
		settle, err := reserve(ctx, walkCost, pageBound(args.First, graph.DefaultPageSize))
		if err != nil {
			return nil, err
		}
		// Counting the selection scans all of it: only when asked.
		q := graph.ChangeQuery{Since: since, Entity: strArg(args.Entity), Page: graph.Page{First: first, After: strArg(args.After)},
			Count: graphql.HasSelectedField(ctx, "totalCount")}
		if args.Last != nil {
			if args.First != nil || args.After != nil {
				return nil, errors.Join(settle(0), fmt.Errorf("%w: last asks for the newest changes; it goes without first and after", graph.ErrInvalid))
			}
			last, lnone, err := firstArg(args.Last, MaxPageSize)
			if err != nil {
				return nil, errors.Join(err, settle(0))
			}
			q.Latest, none = last, lnone
		}
		page, err := r.store.Changes(ctx, q)
		if err != nil {
			return nil, errors.Join(err, settle(0))
		}
		if q.Latest > 0 {
			// The newest, in the connection's order: oldest first.
			slices.Reverse(page.Changes)
			slices.Reverse(page.Cursors)
		}
		if none {
			page.Changes, page.Cursors, page.HasNext = nil, nil, len(page.Changes) > 0 || page.HasNext
		}
		if err := settle(len(page.Changes)); err != nil {
			return nil, err
		}
		return &changeConnection{r: r, p: page, after: args.After != nil}, nil
	}()
	if err != nil {
		return nil, r.fail(ctx, "changes", err)
	}
	return conn, nil
}

type changeConnection struct {
	r     *resolver
	p     *graph.ChangePage
	after bool
}

func (c *changeConnection) Edges() []*changeEdge {
	out := make([]*changeEdge, len(c.p.Changes))
	for i, ch := range c.p.Changes {
		out[i] = &changeEdge{r: c.r, c: ch, cursor: c.p.Cursors[i]}
	}
	return out
}

func (c *changeConnection) PageInfo() pageInfo { return newPageInfo(c.p.Cursors, c.p.HasNext, c.after) }

func (c *changeConnection) TotalCount() int32 { return int32(c.p.Total) }

type changeEdge struct {
	r      *resolver
	c      *graph.Change
	cursor string
}

func (e *changeEdge) Cursor() string        { return e.cursor }
func (e *changeEdge) Node() *changeResolver { return &changeResolver{r: e.r, c: e.c} }

// changeResolver is the Change type.
type changeResolver struct {
	r *resolver
	c *graph.Change
}

func (x *changeResolver) At() DateTime               { return DateTime{t: x.c.At} }
func (x *changeResolver) Kind() string               { return x.c.Kind.String() }
func (x *changeResolver) Entity() *entityResolver    { return x.r.entity(x.c.Entity) }
func (x *changeResolver) Duplicate() *entityResolver { return x.r.entity(x.c.Other) }
func (x *changeResolver) Alias() *string             { return x.r.optText(x.c.Alias) }
func (x *changeResolver) Reason() *string            { return x.r.optText(x.c.Reason) }
func (x *changeResolver) Relation() *relationResolver {
	if x.c.Relation == nil {
		return nil
	}
	return &relationResolver{r: x.r, rel: x.c.Relation}
}
func (x *changeResolver) Statement() *statementResolver {
	if x.c.Statement == nil {
		return nil
	}
	return &statementResolver{r: x.r, st: x.c.Statement}
}
func (x *changeResolver) Event() *eventResolver {
	if x.c.Event == nil {
		return nil
	}
	return &eventResolver{r: x.r, ev: x.c.Event}
}
func (x *changeResolver) Before() *[]graph.Attribute {
	if x.c.Before == nil {
		return nil
	}
	out := x.r.attributesOut(x.c.Before)
	return &out
}

type disputeEventInput struct {
	Date     Date
	Status   string
	Summary  string
	Forum    *string
	Evidence *[]evidenceInput
}

type addDisputeEventArgs struct {
	Dispute string
	Input   disputeEventInput
}

// AddDisputeEvent is Mutation.addDisputeEvent.
func (r *resolver) AddDisputeEvent(ctx context.Context, args addDisputeEventArgs) (*entityResolver, error) {
	r = r.request(ctx)
	e, err := func() (*graph.Entity, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		in := graph.DisputeEventInput{Summary: args.Input.Summary, Forum: strArg(args.Input.Forum), Evidence: evidenceArg(args.Input.Evidence)}
		var err error
		if in.Date, err = args.Input.Date.arg("input.date"); err != nil {
			return nil, err
		}
		if in.Status, err = graph.ParseDisputeStatus(args.Input.Status); err != nil {
			return nil, err
		}
		return r.store.AddDisputeEvent(ctx, args.Dispute, in)
	}()
	if err != nil {
		return nil, r.fail(ctx, "addDisputeEvent", err)
	}
	return r.entity(e), nil
}

type retractEventArgs struct {
	ID     graphql.ID
	Reason string
}

// RetractDisputeEvent is Mutation.retractDisputeEvent.
func (r *resolver) RetractDisputeEvent(ctx context.Context, args retractEventArgs) (*entityResolver, error) {
	r = r.request(ctx)
	e, err := func() (*graph.Entity, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		id, err := idArg("id", args.ID)
		if err != nil {
			return nil, err
		}
		return r.store.RetractDisputeEvent(ctx, id, args.Reason)
	}()
	if err != nil {
		return nil, r.fail(ctx, "retractDisputeEvent", err)
	}
	return r.entity(e), nil
}

// evidenceArg converts evidence inputs.
func evidenceArg(in *[]evidenceInput) []graph.EvidenceInput {
	if in == nil {
		return nil
	}
	out := make([]graph.EvidenceInput, 0, len(*in))
	for _, e := range *in {
		out = append(out, graph.EvidenceInput{Document: strArg(e.Document), URL: strArg(e.URL), Quote: strArg(e.Quote)})
	}
	return out
}

type nameInput struct {
	Name      string
	ValidFrom *Date
	ValidTo   *Date
	Evidence  *[]evidenceInput
}

// namesArg converts dated aliases; date errors name their field.
func namesArg(in *[]nameInput) ([]graph.AliasInput, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]graph.AliasInput, 0, len(*in))
	for _, n := range *in {
		a := graph.AliasInput{Name: n.Name, Evidence: evidenceArg(n.Evidence)}
		var err error
		if a.ValidFrom, err = n.ValidFrom.arg("input.names.validFrom"); err != nil {
			return nil, err
		}
		if a.ValidTo, err = n.ValidTo.arg("input.names.validTo"); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// arg parses an optional DateTime argument named name: RFC 3339, or a plain
// date (YYYY-MM-DD, midnight UTC). Absent is the zero time.
func (d *DateTime) arg(name string) (time.Time, error) {
	if d == nil {
		return time.Time{}, nil
	}
	if d.err != nil {
		return time.Time{}, fmt.Errorf("%w: %s: %v", graph.ErrInvalid, name, d.err)
	}
	return d.t, nil
}
