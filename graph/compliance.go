package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Licence compliance through lineage, SPEC §10: "may I use this model or
// dataset for X, and which upstream asset says no?". It is built on the public
// walks and look-ups of the store (Lineage, EntityRelations), so it follows
// their rules exactly: §2 for what is upstream, the effective status and asOf
// rules of §1 and §2 for which licence and dispute relations count.

// Use is what someone means to do with an asset.
type Use uint8

// Uses, SPEC §10.
const (
	UseCommercial Use = iota + 1
	UseNonCommercial
	UseAcademic
)

var useNames = [...]string{"", "COMMERCIAL", "NON_COMMERCIAL", "ACADEMIC"}

// AllUses lists every use in declaration order.
var AllUses = []Use{UseCommercial, UseNonCommercial, UseAcademic}

func (u Use) String() string {
	if u > 0 && int(u) < len(useNames) {
		return useNames[u]
	}
	return fmt.Sprintf("Use(%d)", u)
}

// Valid reports whether u is a declared use.
func (u Use) Valid() bool { return u > 0 && int(u) < len(useNames) }

// ParseUse parses a use such as "COMMERCIAL"; case is ignored. It returns an
// error wrapping ErrInvalid for any other string.
func ParseUse(s string) (Use, error) { return parseEnum[Use](useNames[:], "use", s) }

// Verdict is the answer to "may I use it for U?".
type Verdict uint8

// Verdicts, SPEC §10.
const (
	// VerdictAllowed: every asset's licence allows the use.
	VerdictAllowed Verdict = iota + 1
	// VerdictRestricted: some asset's licence forbids the use.
	VerdictRestricted
	// VerdictUnknown: nothing forbids it, but some asset's licence is
	// unspecified or unknown.
	VerdictUnknown
)

var verdictNames = [...]string{"", "ALLOWED", "RESTRICTED", "UNKNOWN"}

func (v Verdict) String() string {
	if v > 0 && int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", v)
}

// ParseVerdict parses a verdict such as "RESTRICTED"; case is ignored. It
// returns an error wrapping ErrInvalid for any other string.
func ParseVerdict(s string) (Verdict, error) {
	return parseEnum[Verdict](verdictNames[:], "verdict", s)
}

// LicenseClass is what a licence allows (its `use` attribute), or what an
// asset's licences allow together.
type LicenseClass uint8

// Licence classes, SPEC §10. The Data Provenance Initiative's classes map
// onto the first four: All, NC, Acad, Unspecified.
const (
	// ClassCommercial allows every use.
	ClassCommercial LicenseClass = iota + 1
	// ClassNonCommercial forbids commercial use.
	ClassNonCommercial
	// ClassAcademicOnly allows academic use only.
	ClassAcademicOnly
	// ClassUnspecified is a licence whose terms do not say, or are not known.
	ClassUnspecified
	// ClassUnlicensed is an asset with no licence at all; never a licence's
	// own class.
	ClassUnlicensed
)

var classNames = [...]string{"", "COMMERCIAL", "NON_COMMERCIAL", "ACADEMIC_ONLY", "UNSPECIFIED", "UNLICENSED"}

func (c LicenseClass) String() string {
	if c > 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("LicenseClass(%d)", c)
}

// Valid reports whether c is a declared class.
func (c LicenseClass) Valid() bool { return c > 0 && int(c) < len(classNames) }

// ParseLicenseClass parses a class such as "NON_COMMERCIAL"; case is
// ignored. It returns an error wrapping ErrInvalid for any other string.
func ParseLicenseClass(s string) (LicenseClass, error) {
	return parseEnum[LicenseClass](classNames[:], "licence class", s)
}

// restrictiveness orders classes for "the most restrictive of an asset's
// licences": ACADEMIC_ONLY > NON_COMMERCIAL > UNSPECIFIED > COMMERCIAL.
func (c LicenseClass) restrictiveness() int {
	switch c {
	case ClassCommercial:
		return 1
	case ClassUnspecified:
		return 2
	case ClassNonCommercial:
		return 3
	case ClassAcademicOnly:
		return 4
	}
	return 0
}

// Forbids reports whether an asset of class c may not be used for u:
// ACADEMIC_ONLY forbids commercial and non-commercial use, NON_COMMERCIAL
// forbids commercial use.
func (c LicenseClass) Forbids(u Use) bool {
	switch c {
	case ClassAcademicOnly:
		return u != UseAcademic
	case ClassNonCommercial:
		return u == UseCommercial
	}
	return false
}

// Attributes of a LICENSE entity that compliance reads (SPEC §10).
const (
	// AttrUse holds the licence's class: COMMERCIAL, NON_COMMERCIAL,
	// ACADEMIC_ONLY or UNSPECIFIED.
	AttrUse = "use"
	// AttrAttribution is "true" when the licence requires attribution,
	// "false" when it does not, "unknown" when its terms do not say.
	AttrAttribution = "attribution"
	// AttrShareAlike is "true" when derivatives must carry the same licence,
	// "false" when not, "unknown" when its terms do not say.
	AttrShareAlike = "shareAlike"
)

// ClassOf returns the class a licence entity declares in its use attribute;
// a missing or unrecognised value (or UNLICENSED, which no licence can be) is
// UNSPECIFIED.
func ClassOf(license *Entity) LicenseClass {
	c, err := ParseLicenseClass(license.Attr(AttrUse))
	if err != nil || c == ClassUnlicensed {
		return ClassUnspecified
	}
	return c
}

// mayRequire reports whether a licence's flag attribute (attribution,
// shareAlike) says the obligation applies or may apply: "true", or
// "unknown" when its terms do not say. Compliance errs on the side of the
// obligation; an absent attribute says nothing and does not count.
func mayRequire(license *Entity, attr string) bool {
	v := license.Attr(attr)
	return v == "true" || v == "unknown"
}

// ComplianceOptions shape a compliance query. The zero value of each field is
// its default.
type ComplianceOptions struct {
	// Use is the use asked about; 0 means COMMERCIAL.
	Use Use
	// AsOf, when set, answers for that date: only statements dated on or
	// before it count and only relations valid on it are walked (SPEC §2),
	// for the lineage walk and for licence and CONCERNS relations alike.
	AsOf Date
	// MinStatus is the weakest effective status a relation (lineage,
	// licence, CONCERNS) may have to count; 0 means DISPUTED.
	MinStatus ClaimStatus

	// RecordedAsOf, when set, answers as the store stood then (SPEC §8):
	// statements recorded later are not counted, retractions recorded later
	// are ignored.
	RecordedAsOf time.Time
}

// Compliance is the licence verdict for one entity and one use.
type Compliance struct {
	Verdict Verdict
	Use     Use
	// Assets are the entity itself, then every DATASET, MODEL or PRODUCT
	// upstream of it, in lineage order (depth, then stronger status first).
	Assets []AssetLicense
	// Attribution is true when the licence of some asset requires
	// attribution, or does not say whether it does.
	Attribution bool
	// ShareAlike is true when the licence of some asset requires derivatives
	// to carry the same licence, or does not say whether it does.
	ShareAlike bool
	// Disputes are the DISPUTE entities that CONCERNS an asset, or that a
	// counted statement on an asset's path belongs to, ordered by key.
	Disputes []*Entity
}

// AssetLicense is one asset of a compliance answer.
type AssetLicense struct {
	Asset *Entity
	// Class is the most restrictive class of Licenses, or UNLICENSED when
	// there is none.
	Class LicenseClass
	// Licenses are the entities the asset is LICENSED_UNDER (relations that
	// count under the options), most restrictive first, then by key.
	Licenses []*Entity
	// Path is the lineage path from the queried entity to the asset, with
	// statements; empty for the entity itself.
	Path []*Relation
	// Blocks is true when this asset decides a RESTRICTED verdict (its class
	// forbids the use) or an UNKNOWN one (its class is UNSPECIFIED or
	// UNLICENSED).
	Blocks bool
}

// assetKinds are the kinds of upstream hits that are assets.
var assetKinds = []EntityKind{Dataset, Model, Product}

// Compliance answers "may the entity ref names be used for opts.Use, given
// everything upstream of it?" by SPEC §10: the assets are the entity and
// every DATASET, MODEL or PRODUCT its UPSTREAM lineage reaches; each asset's
// class is the most restrictive of its licences; the verdict is RESTRICTED if
// some class forbids the use, else UNKNOWN if some class is UNSPECIFIED or
// UNLICENSED, else ALLOWED.
//
// The answer is read from one snapshot. Errors wrap ErrNotFound or ErrAmbiguous for ref,
// ErrInvalid for options, or are ctx's error when it ends first.
func (s *Store) Compliance(ctx context.Context, ref string, opts ComplianceOptions) (*Compliance, error) {
	return viewed(ctx, s, func(sn *Snapshot) (*Compliance, error) { return sn.Compliance(ctx, ref, opts) })
}

// Compliance is Store.Compliance on this snapshot. It is one lineage walk on
// the cache plus, per asset, its licence and CONCERNS entries from the
// cache; only the relations on the assets' paths are read from the store,
// each once.
func (sn *Snapshot) Compliance(ctx context.Context, ref string, opts ComplianceOptions) (*Compliance, error) {
	if opts.Use == 0 {
		opts.Use = UseCommercial
	}
	if !opts.Use.Valid() {
		return nil, fmt.Errorf("%w: use %d", ErrInvalid, opts.Use)
	}
	if opts.MinStatus == 0 {
		opts.MinStatus = Disputed
	}
	if !opts.MinStatus.Valid() {
		return nil, fmt.Errorf("%w: minStatus %d", ErrInvalid, opts.MinStatus)
	}
	sn = sn.AsRecorded(opts.RecordedAsOf)
	var out *Compliance
	err := sn.consistent(ctx, func(x *rtx, g *memGraph) error {
		start, _, err := x.resolve("entity", ref)
		if err != nil {
			return err
		}
		refs, sc, err := g.lineage(ctx, start, LineageOptions{Direction: Upstream, MinStatus: opts.MinStatus, AsOf: opts.AsOf, Kinds: assetKinds}, x.rec)
		defer scratchPool.Put(sc)
		if err != nil {
			return err
		}
		memo := map[triple]*Relation{}
		relation := func(tr triple) (*Relation, error) {
			if r, ok := memo[tr]; ok {
				return r, nil
			}
			r, err := x.relation(tr, true)
			if err == nil && r == nil {
				err = fmt.Errorf("compliance path names relation %s, which does not exist", tr)
			}
			memo[tr] = r
			return r, err
		}
		f := newEdgeFilter(opts.MinStatus, opts.AsOf, []RelationType{LicensedUnder, Concerns}, x.rec)
		disputes := map[string]*Entity{} // by key
		out = &Compliance{Use: opts.Use, Assets: make([]AssetLicense, 0, len(refs)+1)}
		nums := make([]uint32, 0, len(refs)+1)
		nums = append(nums, start)
		for _, h := range refs {
			nums = append(nums, h.n)
		}
		for i, n := range nums {
			if i%ctxEvery == ctxEvery-1 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e, err := x.entity(n)
			if err != nil {
				return err
			}
			a := AssetLicense{Asset: e, Path: []*Relation{}}
			if i > 0 {
				for _, tr := range g.pathTo(sc, refs[i-1]) {
					rel, err := relation(tr)
					if err != nil {
						return err
					}
					a.Path = append(a.Path, rel)
					for _, st := range rel.Statements {
						if st.Dispute != nil && countedStatement(st, opts.AsOf) {
							disputes[st.Dispute.Key] = st.Dispute
						}
					}
				}
			}
			for _, ad := range g.outOf(n) {
				if ad.typ != LicensedUnder {
					continue
				}
				if _, ok := f.adjStatus(g, ad); !ok {
					continue
				}
				l, err := x.entity(ad.other)
				if err != nil || l == nil {
					return err
				}
				if !slices.ContainsFunc(a.Licenses, func(x *Entity) bool { return x.ID == l.ID }) {
					a.Licenses = append(a.Licenses, l)
				}
			}
			for _, ad := range g.inOf(n) {
				if ad.typ != Concerns || g.kindOf(ad.other) != Dispute {
					continue
				}
				if _, ok := f.adjStatus(g, ad); !ok {
					continue
				}
				d, err := x.entity(ad.other)
				if err != nil || d == nil {
					return err
				}
				disputes[d.Key] = d
			}
			a.Class = ClassUnlicensed
			if len(a.Licenses) > 0 {
				slices.SortFunc(a.Licenses, func(p, q *Entity) int {
					if c := cmp.Compare(ClassOf(q).restrictiveness(), ClassOf(p).restrictiveness()); c != 0 {
						return c
					}
					return cmp.Compare(p.Key, q.Key)
				})
				a.Class = ClassOf(a.Licenses[0])
			}
			for _, l := range a.Licenses {
				out.Attribution = out.Attribution || mayRequire(l, AttrAttribution)
				out.ShareAlike = out.ShareAlike || mayRequire(l, AttrShareAlike)
			}
			out.Assets = append(out.Assets, a)
		}
		out.Verdict = decide(out.Assets, opts.Use)
		out.Disputes = make([]*Entity, 0, len(disputes))
		for _, d := range disputes {
			out.Disputes = append(out.Disputes, d)
		}
		slices.SortFunc(out.Disputes, func(a, b *Entity) int { return cmp.Compare(a.Key, b.Key) })
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// decide sets every asset's Blocks and returns the verdict for u.
func decide(assets []AssetLicense, u Use) Verdict {
	verdict := VerdictAllowed
	for _, a := range assets {
		if a.Class.Forbids(u) {
			verdict = VerdictRestricted
			break
		}
		if a.Class == ClassUnspecified || a.Class == ClassUnlicensed {
			verdict = VerdictUnknown
		}
	}
	for i := range assets {
		c := assets[i].Class
		switch verdict {
		case VerdictRestricted:
			assets[i].Blocks = c.Forbids(u)
		case VerdictUnknown:
			assets[i].Blocks = c == ClassUnspecified || c == ClassUnlicensed
		}
	}
	return verdict
}

// countedStatement reports whether st counts for a question as of asOf: it is
// not retracted and, with asOf set, it is undated or dated on or before asOf
// (SPEC §2).
func countedStatement(st *Statement, asOf Date) bool {
	if st.Status == Retracted {
		return false
	}
	return asOf.IsZero() || st.Date.Start() <= asOf.End()
}
