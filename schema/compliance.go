package schema

import (
	"context"

	"github.com/whosedata/whosedata/graph"
)

// Licence compliance (SPEC §10): Query.compliance, Entity.compliance and
// their types. The resolvers translate arguments and wrap graph.Compliance.

type complianceArgs struct {
	Use          string // defaults to COMMERCIAL in the SDL
	AsOf         *Date
	MinStatus    *string
	RecordedAsOf *DateTime
}

type queryComplianceArgs struct {
	Entity string
	complianceArgs
}

// Compliance is Query.compliance.
func (r *resolver) Compliance(ctx context.Context, args queryComplianceArgs) (*complianceResolver, error) {
	r = r.request(ctx)
	c, err := r.compliance(ctx, args.Entity, args.complianceArgs)
	if err != nil {
		return nil, r.fail(ctx, "compliance", err)
	}
	return c, nil
}

// Compliance is Entity.compliance.
func (x *entityResolver) Compliance(ctx context.Context, args complianceArgs) (*complianceResolver, error) {
	c, err := x.r.compliance(ctx, x.e.ID.String(), args)
	if err != nil {
		return nil, x.r.fail(ctx, "Entity.compliance", err)
	}
	return c, nil
}

// compliance runs one Compliance call for both fields. The walk is charged
// before it runs, and the assets after it.
func (r *resolver) compliance(ctx context.Context, ref string, args complianceArgs) (*complianceResolver, error) {
	var opts graph.ComplianceOptions
	var err error
	if opts.Use, err = graph.ParseUse(args.Use); err != nil {
		return nil, err
	}
	if opts.AsOf, err = args.AsOf.arg("asOf"); err != nil {
		return nil, err
	}
	if opts.MinStatus, err = statusArg(args.MinStatus); err != nil {
		return nil, err
	}
	if opts.RecordedAsOf, err = args.RecordedAsOf.arg("recordedAsOf"); err != nil {
		return nil, err
	}
	if err := charge(ctx, walkCost); err != nil {
		return nil, err // the budget is spent: do not walk
	}
	c, err := r.store.Compliance(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	if err := charge(ctx, len(c.Assets)); err != nil {
		return nil, err
	}
	return &complianceResolver{r: r, c: c}, nil
}

// complianceResolver is the Compliance type.
type complianceResolver struct {
	r *resolver
	c *graph.Compliance
}

func (x *complianceResolver) Verdict() string   { return x.c.Verdict.String() }
func (x *complianceResolver) Use() string       { return x.c.Use.String() }
func (x *complianceResolver) Attribution() bool { return x.c.Attribution }
func (x *complianceResolver) ShareAlike() bool  { return x.c.ShareAlike }
func (x *complianceResolver) Assets() []*assetLicenseResolver {
	out := make([]*assetLicenseResolver, len(x.c.Assets))
	for i := range x.c.Assets {
		out[i] = &assetLicenseResolver{r: x.r, a: &x.c.Assets[i]}
	}
	return out
}

func (x *complianceResolver) Disputes(ctx context.Context) ([]*entityResolver, error) {
	if err := charge(ctx, len(x.c.Disputes)); err != nil {
		return nil, x.r.fail(ctx, "Compliance.disputes", err)
	}
	return x.r.entities(x.c.Disputes), nil
}

// assetLicenseResolver is the AssetLicense type.
type assetLicenseResolver struct {
	r *resolver
	a *graph.AssetLicense
}

func (x *assetLicenseResolver) Asset() *entityResolver { return x.r.entity(x.a.Asset) }
func (x *assetLicenseResolver) Class() string          { return x.a.Class.String() }
func (x *assetLicenseResolver) Blocks() bool           { return x.a.Blocks }

func (x *assetLicenseResolver) Licenses(ctx context.Context) ([]*entityResolver, error) {
	if err := charge(ctx, len(x.a.Licenses)); err != nil {
		return nil, x.r.fail(ctx, "AssetLicense.licenses", err)
	}
	return x.r.entities(x.a.Licenses), nil
}

func (x *assetLicenseResolver) Path(ctx context.Context) ([]*relationResolver, error) {
	return x.r.chargedRelations(ctx, "AssetLicense.path", x.a.Path)
}
