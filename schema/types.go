package schema

import (
	"context"
	"slices"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// entityResolver is the Entity type.
type entityResolver struct {
	r *resolver
	e *graph.Entity
}

func (r *resolver) entity(e *graph.Entity) *entityResolver {
	if e == nil {
		return nil
	}
	return &entityResolver{r: r, e: e}
}

func (r *resolver) entities(es []*graph.Entity) []*entityResolver {
	out := make([]*entityResolver, len(es))
	for i, e := range es {
		out[i] = r.entity(e)
	}
	return out
}

func (x *entityResolver) ID() graphql.ID { return graphql.ID(x.e.ID.String()) }

// The string fields charge their bytes to the request's budget (x.r.b); see
// cost.go.
func (x *entityResolver) Key() string  { return x.r.b.text(x.e.Key) }
func (x *entityResolver) Kind() string { return x.e.Kind.String() }
func (x *entityResolver) Name() string { return x.r.b.text(x.e.Name) }

func (x *entityResolver) Aliases() []string {
	if x.e.Aliases == nil {
		return []string{}
	}
	return x.r.b.texts(x.e.Aliases)
}

func (x *entityResolver) Description() *string { return x.r.optText(x.e.Description) }

func (x *entityResolver) Attributes() []graph.Attribute {
	return x.r.attributesOut(x.e.Attributes)
}

func (x *entityResolver) Attribute(args struct{ Key string }) *string {
	return x.r.attributeOut(x.e.Attributes, args.Key)
}

type entityRelationsArgs struct {
	Direction    string
	Types        *[]string
	First        *int32
	After        *string
	RecordedAsOf *DateTime
}

// Relations is one library call per entity: graph has no batch form of
// EntityRelations. It charges one object for looking and the page it may
// return before the call.
func (x *entityResolver) Relations(ctx context.Context, args entityRelationsArgs) (*relationConnection, error) {
	conn, err := x.relations(ctx, args)
	if err != nil {
		return nil, x.r.fail(ctx, "Entity.relations", err)
	}
	return conn, nil
}

func (x *entityResolver) relations(ctx context.Context, args entityRelationsArgs) (*relationConnection, error) {
	dir := dirArg(args.Direction)
	types, err := typesArg(args.Types)
	if err != nil {
		return nil, err
	}
	first, none, err := firstArg(args.First, MaxPageSize)
	if err != nil {
		return nil, err
	}
	// Once the budget is spent, nested lists fail before loading anything.
	settle, err := reserve(ctx, 1, pageBound(args.First, graph.DefaultPageSize))
	if err != nil {
		return nil, err
	}
	page := x.r.pre.take(x.e.ID, args)
	if page != nil {
		return x.r.relationConnection(page, args.After != nil, none, settle)
	}
	err = x.r.readAt(ctx, args.RecordedAsOf, func(rd reader) error {
		var err error
		page, err = rd.EntityRelations(ctx, x.e.ID.String(), dir, types, graph.Page{First: first, After: strArg(args.After)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return x.r.relationConnection(page, args.After != nil, none, settle)
}

func (x *entityResolver) Lineage(ctx context.Context, args lineageArgs) ([]*lineageHitResolver, error) {
	hits, err := x.r.lineage(ctx, x.e.ID.String(), args)
	if err != nil {
		return nil, x.r.fail(ctx, "Entity.lineage", err)
	}
	return hits, nil
}

// relationResolver is the Relation type.
type relationResolver struct {
	r   *resolver
	rel *graph.Relation
}

// chargedRelations charges rels against the request's budget and wraps them;
// field names the list in errors.
func (r *resolver) chargedRelations(ctx context.Context, field string, rels []*graph.Relation) ([]*relationResolver, error) {
	if err := charge(ctx, len(rels)); err != nil {
		return nil, r.fail(ctx, field, err)
	}
	out := make([]*relationResolver, len(rels))
	for i, rel := range rels {
		out[i] = &relationResolver{r: r, rel: rel}
	}
	return out, nil
}

func (x *relationResolver) ID() graphql.ID        { return graphql.ID(x.rel.ID.String()) }
func (x *relationResolver) Type() string          { return x.rel.Type.String() }
func (x *relationResolver) From() *entityResolver { return x.r.entity(x.rel.From) }
func (x *relationResolver) To() *entityResolver   { return x.r.entity(x.rel.To) }
func (x *relationResolver) Status() string        { return x.rel.Status.String() }
func (x *relationResolver) ValidFrom() *Date      { return dateOut(x.rel.ValidFrom) }
func (x *relationResolver) ValidTo() *Date        { return dateOut(x.rel.ValidTo) }

func (x *relationResolver) Attributes() []graph.Attribute {
	return x.r.attributesOut(x.rel.Attributes)
}

func (x *relationResolver) Attribute(args struct{ Key string }) *string {
	return x.r.attributeOut(x.rel.Attributes, args.Key)
}

func (x *relationResolver) Statements(ctx context.Context) ([]*statementResolver, error) {
	if err := charge(ctx, len(x.rel.Statements)); err != nil {
		return nil, x.r.fail(ctx, "Relation.statements", err)
	}
	out := make([]*statementResolver, len(x.rel.Statements))
	for i, st := range x.rel.Statements {
		out[i] = &statementResolver{r: x.r, st: st}
	}
	return out, nil
}

// statementResolver is the Statement type.
type statementResolver struct {
	r  *resolver
	st *graph.Statement
}

func (x *statementResolver) ID() graphql.ID             { return graphql.ID(x.st.ID.String()) }
func (x *statementResolver) RelationID() graphql.ID     { return graphql.ID(x.st.RelationID.String()) }
func (x *statementResolver) Status() string             { return x.st.Status.String() }
func (x *statementResolver) ClaimedBy() *entityResolver { return x.r.entity(x.st.ClaimedBy) }
func (x *statementResolver) Date() *Date                { return dateOut(x.st.Date) }
func (x *statementResolver) Dispute() *entityResolver   { return x.r.entity(x.st.Dispute) }
func (x *statementResolver) Note() *string              { return x.r.optText(x.st.Note) }
func (x *statementResolver) RecordedAt() DateTime       { return DateTime{t: x.st.RecordedAt} }

func (x *statementResolver) Evidence(ctx context.Context) ([]*evidenceResolver, error) {
	if err := charge(ctx, len(x.st.Evidence)); err != nil {
		return nil, x.r.fail(ctx, "Statement.evidence", err)
	}
	out := make([]*evidenceResolver, len(x.st.Evidence))
	for i := range x.st.Evidence {
		out[i] = &evidenceResolver{r: x.r, ev: &x.st.Evidence[i]}
	}
	return out, nil
}

func (x *statementResolver) RetractedReason() *string {
	if x.st.Retraction == nil {
		return nil
	}
	x.r.b.text(x.st.Retraction.Reason)
	return &x.st.Retraction.Reason
}

func (x *statementResolver) RetractedAt() *DateTime {
	if x.st.Retraction == nil {
		return nil
	}
	return dateTimeOut(x.st.Retraction.At)
}

func (x *statementResolver) PreviousStatus() *string {
	if x.st.Retraction == nil || !x.st.Retraction.PreviousStatus.Valid() {
		return nil
	}
	s := x.st.Retraction.PreviousStatus.String()
	return &s
}

// evidenceResolver is the Evidence type.
type evidenceResolver struct {
	r  *resolver
	ev *graph.Evidence
}

func (x *evidenceResolver) Document() *entityResolver { return x.r.entity(x.ev.Document) }
func (x *evidenceResolver) URL() *string              { return x.r.optText(x.ev.URL) }
func (x *evidenceResolver) Quote() *string            { return x.r.optText(x.ev.Quote) }

// Publisher is Evidence.publisher, from Options.Publisher.
func (x *evidenceResolver) Publisher() *publisherResolver {
	if x.r.opts.Publisher == nil || x.ev.URL == "" {
		return nil
	}
	p, ok := x.r.opts.Publisher(x.ev.URL)
	if !ok {
		return nil
	}
	return &publisherResolver{r: x.r, p: p}
}

// publisherResolver is the Publisher type.
type publisherResolver struct {
	r *resolver
	p Publisher
}

func (x *publisherResolver) Domain() string { return x.r.b.text(x.p.Domain) }
func (x *publisherResolver) Kind() string   { return x.r.b.text(x.p.Kind) }
func (x *publisherResolver) Name() string   { return x.r.b.text(x.p.Name) }

// nodeResolver is the Node interface: exactly one of its fields is set.
type nodeResolver struct {
	entity    *entityResolver
	relation  *relationResolver
	statement *statementResolver
	event     *eventResolver
}

func (x *nodeResolver) ID() graphql.ID {
	switch {
	case x.entity != nil:
		return x.entity.ID()
	case x.relation != nil:
		return x.relation.ID()
	case x.event != nil:
		return x.event.ID()
	}
	return x.statement.ID()
}

func (x *nodeResolver) ToDisputeEvent() (*eventResolver, bool) { return x.event, x.event != nil }

func (x *nodeResolver) ToEntity() (*entityResolver, bool)     { return x.entity, x.entity != nil }
func (x *nodeResolver) ToRelation() (*relationResolver, bool) { return x.relation, x.relation != nil }
func (x *nodeResolver) ToStatement() (*statementResolver, bool) {
	return x.statement, x.statement != nil
}

// lineageHitResolver is the LineageHit type.
type lineageHitResolver struct {
	r *resolver
	h graph.LineageHit
}

func (x *lineageHitResolver) Entity() *entityResolver { return x.r.entity(x.h.Entity) }
func (x *lineageHitResolver) Depth() int32            { return int32(x.h.Depth) }
func (x *lineageHitResolver) Status() string          { return x.h.Status.String() }

// Path is loaded by the lineage call itself, and only when selected.
func (x *lineageHitResolver) Path(ctx context.Context) ([]*relationResolver, error) {
	return x.r.chargedRelations(ctx, "LineageHit.path", x.h.Path)
}

// pathResolver is the Path type.
type pathResolver struct {
	r *resolver
	p graph.Path
}

func (x *pathResolver) Relations(ctx context.Context) ([]*relationResolver, error) {
	return x.r.chargedRelations(ctx, "Path.relations", x.p.Relations)
}

func (x *pathResolver) Status() string { return x.p.Status.String() }

// subgraphResolver is the Subgraph type.
type subgraphResolver struct {
	r *resolver
	g *graph.Subgraph
}

func (x *subgraphResolver) Nodes(ctx context.Context) ([]*entityResolver, error) {
	if err := charge(ctx, len(x.g.Nodes)); err != nil {
		return nil, x.r.fail(ctx, "Subgraph.nodes", err)
	}
	return x.r.entities(x.g.Nodes), nil
}

func (x *subgraphResolver) Relations(ctx context.Context) ([]*relationResolver, error) {
	return x.r.chargedRelations(ctx, "Subgraph.relations", x.g.Relations)
}

// statsResolver is the Stats type; the counts lists keep the enum order of
// graph, statuses strongest first, and leave out zero counts.
type statsResolver struct{ s *graph.Stats }

type kindCount struct {
	Kind  string
	Count int32
}

type relationTypeCount struct {
	Type  string
	Count int32
}

type statusCount struct {
	Status string
	Count  int32
}

func (x *statsResolver) Entities() int32   { return int32(x.s.Entities) }
func (x *statsResolver) Relations() int32  { return int32(x.s.Relations) }
func (x *statsResolver) Statements() int32 { return int32(x.s.Statements) }

func (x *statsResolver) EntitiesByKind() []kindCount {
	out := []kindCount{}
	for _, k := range graph.AllKinds {
		if n := x.s.EntitiesByKind[k]; n > 0 {
			out = append(out, kindCount{k.String(), int32(n)})
		}
	}
	return out
}

func (x *statsResolver) RelationsByType() []relationTypeCount {
	out := []relationTypeCount{}
	for _, t := range graph.AllRelationTypes {
		if n := x.s.RelationsByType[t]; n > 0 {
			out = append(out, relationTypeCount{t.String(), int32(n)})
		}
	}
	return out
}

func (x *statsResolver) RelationsByStatus() []statusCount { return statusCounts(x.s.RelationsByStatus) }

func (x *statsResolver) StatementsByStatus() []statusCount {
	return statusCounts(x.s.StatementsByStatus)
}

func statusCounts(m map[graph.ClaimStatus]int) []statusCount {
	out := []statusCount{}
	for _, s := range slices.Backward(graph.AllStatuses) {
		if n := m[s]; n > 0 {
			out = append(out, statusCount{s.String(), int32(n)})
		}
	}
	return out
}

// pageInfo is the PageInfo type.
type pageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

func newPageInfo(cursors []string, hasNext, after bool) pageInfo {
	p := pageInfo{HasNextPage: hasNext, HasPreviousPage: after}
	if len(cursors) > 0 {
		p.StartCursor, p.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return p
}

// entityConnection is the EntityConnection type.
type entityConnection struct {
	Edges      []entityEdge
	PageInfo   pageInfo
	TotalCount int32
}

type entityEdge struct {
	Cursor string
	Node   *entityResolver
}

// entityConnection builds a connection from a page and settles the charge
// reserved for its edges; none drops the one item asked for to honour
// first: 0.
func (r *resolver) entityConnection(p *graph.EntityPage, after, none bool, settle func(int) error) (*entityConnection, error) {
	c := &entityConnection{Edges: []entityEdge{}, TotalCount: int32(p.Total)}
	if none {
		c.PageInfo = pageInfo{HasNextPage: len(p.Entities) > 0, HasPreviousPage: after}
		return c, settle(0)
	}
	if err := settle(len(p.Entities)); err != nil {
		return nil, err
	}
	for i, e := range p.Entities {
		c.Edges = append(c.Edges, entityEdge{Cursor: p.Cursors[i], Node: r.entity(e)})
	}
	c.PageInfo = newPageInfo(p.Cursors, p.HasNext, after)
	return c, nil
}

// relationConnection is the RelationConnection type.
type relationConnection struct {
	Edges      []relationEdge
	PageInfo   pageInfo
	TotalCount int32
}

type relationEdge struct {
	Cursor string
	Node   *relationResolver
}

func (r *resolver) relationConnection(p *graph.RelationPage, after, none bool, settle func(int) error) (*relationConnection, error) {
	c := &relationConnection{Edges: []relationEdge{}, TotalCount: int32(p.Total)}
	if none {
		c.PageInfo = pageInfo{HasNextPage: len(p.Relations) > 0, HasPreviousPage: after}
		return c, settle(0)
	}
	if err := settle(len(p.Relations)); err != nil {
		return nil, err
	}
	for i, rel := range p.Relations {
		c.Edges = append(c.Edges, relationEdge{Cursor: p.Cursors[i], Node: &relationResolver{r: r, rel: rel}})
	}
	c.PageInfo = newPageInfo(p.Cursors, p.HasNext, after)
	return c, nil
}

// optText is an optional string field: null when empty, and otherwise
// charged to the request's byte budget.
func (r *resolver) optText(s string) *string {
	if s == "" {
		return nil
	}
	r.b.text(s)
	return &s
}

// attributesOut returns attrs for the attributes field, charging all their
// keys and values to the byte budget.
func (r *resolver) attributesOut(attrs []graph.Attribute) []graph.Attribute {
	if attrs == nil {
		return []graph.Attribute{}
	}
	for i := range attrs {
		r.b.text(attrs[i].Key)
		r.b.text(attrs[i].Value)
	}
	return attrs
}

func (r *resolver) attributeOut(attrs []graph.Attribute, key string) *string {
	for i := range attrs {
		if attrs[i].Key == key {
			r.b.text(attrs[i].Value)
			return &attrs[i].Value
		}
	}
	return nil
}

// dirArg converts a Direction enum value; validation has checked it.
func dirArg(d string) graph.Direction {
	switch d {
	case "OUT":
		return graph.Out
	case "IN":
		return graph.In
	}
	return graph.Both
}
