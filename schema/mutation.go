package schema

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/graph"
)

// checkWrite returns errWriteRefused when Options.CanWrite refuses ctx.
func (r *resolver) checkWrite(ctx context.Context) error {
	if r.opts.CanWrite != nil && !r.opts.CanWrite(ctx) {
		return errWriteRefused
	}
	return nil
}

type attributeInput struct {
	Key   string
	Value string
}

type entityInput struct {
	Key         *string
	Kind        string
	Name        *string
	Aliases     *[]string
	Names       *[]nameInput
	Description *string
	Attributes  *[]attributeInput
}

// UpsertEntity is Mutation.upsertEntity.
func (r *resolver) UpsertEntity(ctx context.Context, args struct{ Input entityInput }) (*entityResolver, error) {
	r = r.request(ctx)
	e, err := func() (*graph.Entity, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		in := args.Input
		kind, err := graph.ParseEntityKind(in.Kind)
		if err != nil {
			return nil, err
		}
		var aliases []string
		if in.Aliases != nil {
			aliases = *in.Aliases
		}
		names, err := namesArg(in.Names)
		if err != nil {
			return nil, err
		}
		return r.store.UpsertEntity(ctx, graph.EntityInput{
			Names:       names,
			Key:         strArg(in.Key),
			Kind:        kind,
			Name:        strArg(in.Name),
			Aliases:     aliases,
			Description: strArg(in.Description),
			Attributes:  attributesArg(in.Attributes),
		})
	}()
	if err != nil {
		return nil, r.fail(ctx, "upsertEntity", err)
	}
	return r.entity(e), nil
}

type evidenceInput struct {
	Document *string
	URL      *string
	Quote    *string
}

type statementInput struct {
	Type       string
	From       string
	To         string
	Status     string
	ClaimedBy  *string
	Date       *Date
	Evidence   *[]evidenceInput
	Dispute    *string
	Note       *string
	ValidFrom  *Date
	ValidTo    *Date
	Attributes *[]attributeInput
}

// graphInput converts the input; date errors name their field.
func (in *statementInput) graphInput() (graph.StatementInput, error) {
	out := graph.StatementInput{
		From:       in.From,
		To:         in.To,
		ClaimedBy:  strArg(in.ClaimedBy),
		Dispute:    strArg(in.Dispute),
		Note:       strArg(in.Note),
		Attributes: attributesArg(in.Attributes),
	}
	var err error
	if out.Type, err = graph.ParseRelationType(in.Type); err != nil {
		return out, err
	}
	if out.Status, err = graph.ParseClaimStatus(in.Status); err != nil {
		return out, err
	}
	if out.Date, err = in.Date.arg("input.date"); err != nil {
		return out, err
	}
	if out.ValidFrom, err = in.ValidFrom.arg("input.validFrom"); err != nil {
		return out, err
	}
	if out.ValidTo, err = in.ValidTo.arg("input.validTo"); err != nil {
		return out, err
	}
	if in.Evidence != nil {
		for _, e := range *in.Evidence {
			out.Evidence = append(out.Evidence, graph.EvidenceInput{Document: strArg(e.Document), URL: strArg(e.URL), Quote: strArg(e.Quote)})
		}
	}
	return out, nil
}

// AddStatement is Mutation.addStatement.
func (r *resolver) AddStatement(ctx context.Context, args struct{ Input statementInput }) (*relationResolver, error) {
	r = r.request(ctx)
	rel, err := func() (*graph.Relation, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		in, err := args.Input.graphInput()
		if err != nil {
			return nil, err
		}
		return r.store.AddStatement(ctx, in)
	}()
	if err != nil {
		return nil, r.fail(ctx, "addStatement", err)
	}
	return &relationResolver{r: r, rel: rel}, nil
}

type retractArgs struct {
	ID     graphql.ID
	Reason string
}

// RetractStatement is Mutation.retractStatement.
func (r *resolver) RetractStatement(ctx context.Context, args retractArgs) (*relationResolver, error) {
	r = r.request(ctx)
	rel, err := func() (*graph.Relation, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		id, err := idArg("id", args.ID)
		if err != nil {
			return nil, err
		}
		return r.store.RetractStatement(ctx, id, args.Reason)
	}()
	if err != nil {
		return nil, r.fail(ctx, "retractStatement", err)
	}
	return &relationResolver{r: r, rel: rel}, nil
}

type addAliasArgs struct {
	Entity string
	Alias  string
}

// AddAlias is Mutation.addAlias.
func (r *resolver) AddAlias(ctx context.Context, args addAliasArgs) (*entityResolver, error) {
	r = r.request(ctx)
	e, err := func() (*graph.Entity, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		return r.store.AddAlias(ctx, args.Entity, args.Alias)
	}()
	if err != nil {
		return nil, r.fail(ctx, "addAlias", err)
	}
	return r.entity(e), nil
}

type mergeArgs struct {
	Keep      string
	Duplicate string
}

// MergeEntities is Mutation.mergeEntities.
func (r *resolver) MergeEntities(ctx context.Context, args mergeArgs) (*entityResolver, error) {
	r = r.request(ctx)
	e, err := func() (*graph.Entity, error) {
		if err := r.checkWrite(ctx); err != nil {
			return nil, err
		}
		return r.store.MergeEntities(ctx, args.Keep, args.Duplicate)
	}()
	if err != nil {
		return nil, r.fail(ctx, "mergeEntities", err)
	}
	return r.entity(e), nil
}
