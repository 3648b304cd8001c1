package interchange

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// SPDX 3.0 terms WriteSPDX uses.
const (
	SPDXVersion = "3.0.1"
	spdxContext = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
	spdxInfo    = "_:creationinfo"
	spdxAgent   = "urn:whosedata:spdx:agent"
)

// spdxLicenseIDs maps the keys of bundled licence entities onto SPDX License
// List identifiers, where one is the same licence. Others are written as
// LicenseRef-whosedata-{key}.
var spdxLicenseIDs = map[string]string{
	"license/apache-2-0": "Apache-2.0", "license/apache-license-2-0": "Apache-2.0",
	"license/mit-license": "MIT", "license/mit": "MIT", "license/isc-license": "ISC",
	"license/bsd-2-clause-license": "BSD-2-Clause", "license/bsd-3-clause-license": "BSD-3-Clause",
	"license/mpl-2-0": "MPL-2.0", "license/epl-1-0": "EPL-1.0", "license/artistic-license-2-0": "Artistic-2.0",
	"license/academic-free-license-v3-0": "AFL-3.0", "license/cc0-1-0": "CC0-1.0",
	"license/cc-by-2-5": "CC-BY-2.5", "license/cc-by-3-0": "CC-BY-3.0", "license/cc-by-4-0": "CC-BY-4.0",
	"license/cc-by-sa-3-0": "CC-BY-SA-3.0", "license/cc-by-sa-4-0": "CC-BY-SA-4.0",
	"license/cc-by-nc-2-0": "CC-BY-NC-2.0", "license/cc-by-nc-3-0": "CC-BY-NC-3.0", "license/cc-by-nc-4-0": "CC-BY-NC-4.0",
	"license/cc-by-nc-sa-3-0": "CC-BY-NC-SA-3.0", "license/cc-by-nc-sa-4-0": "CC-BY-NC-SA-4.0",
	"license/cc-by-nc-nd-4-0": "CC-BY-NC-ND-4.0", "license/odc-by-1-0": "ODC-By-1.0",
	"license/cdla-permissive-1-0": "CDLA-Permissive-1.0", "license/cdla-sharing-1-0": "CDLA-Sharing-1.0",
	"license/ogl-3-0": "OGL-UK-3.0", "license/lgpl-3-0": "LGPL-3.0-only", "license/lgpl-2-1": "LGPL-2.1-only",
}

var notIDString = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// SPDXLicense returns the SPDX licence expression of a licence entity: its
// SPDX License List identifier where the licence is on the list, else
// LicenseRef-whosedata-{key}.
func SPDXLicense(e *graph.Entity) string {
	if id, ok := spdxLicenseIDs[e.Key]; ok {
		return id
	}
	return "LicenseRef-whosedata-" + strings.Trim(notIDString.ReplaceAllString(strings.TrimPrefix(e.Key, "license/"), "-"), "-")
}

// spdxRelationship is the SPDX relationship type of a data-flow relation,
// and whether it runs the other way (GENERATED_BY: the model generates the
// dataset).
func spdxRelationship(t graph.RelationType) (string, bool) {
	switch t {
	case graph.TrainedOn:
		return "trainedOn", false
	case graph.BuiltOn:
		return "dependsOn", false
	case graph.GeneratedBy:
		return "generates", true
	}
	return "descendantOf", false // FINE_TUNED_FROM, DISTILLED_FROM, DERIVED_FROM, SOURCED_FROM
}

// spdxTime is a partial date as an SPDX DateTime (UTC, to the second): the
// start of its period, or with end the last second of it.
func spdxTime(d graph.Date, end bool) string {
	m, day := time.Month(max(d.Month, 1)), int(max(d.Day, 1))
	t := time.Date(int(d.Year), m, day, 0, 0, 0, 0, time.UTC)
	if end {
		switch {
		case d.Month == 0:
			t = t.AddDate(1, 0, 0)
		case d.Day == 0:
			t = t.AddDate(0, 1, 0)
		default:
			t = t.AddDate(0, 0, 1)
		}
		t = t.Add(-time.Second)
	}
	return t.Format(time.RFC3339)
}

// ErrNotAsset is returned by WriteSPDX for an entity that is not a dataset,
// model or product.
var ErrNotAsset = fmt.Errorf("%w: spdx describes a dataset, model or product", graph.ErrInvalid)

// WriteSPDX writes an SPDX 3.0 JSON-LD document about the asset ref names (a
// DATASET, MODEL or PRODUCT): the asset and every dataset, model and product
// upstream of it (SPEC §2, default options) as packages — models and
// products ai_AIPackage, datasets dataset_DatasetPackage — with their
// holders (originatedBy, Organization or Person), the relations on the
// upstream paths as Relationships (TRAINED_ON trainedOn, BUILT_ON dependsOn,
// GENERATED_BY generates from the model, the other data-flow types
// descendantOf; validity as startTime and endTime, the claims in comment),
// and each package's declared licences (Compliance) as one hasDeclaredLicense
// to a simplelicensing_LicenseExpression: SPDX identifiers where the licence
// is on the SPDX list, LicenseRef-whosedata-{key} otherwise. created is the
// document's creation time. Elements are urn:uuid:{id} as in WriteNQuads. It
// returns graph.ErrNotFound (or ErrAmbiguous) for ref, ErrNotAsset, or the
// snapshot's, ctx's or w's first error.
func WriteSPDX(ctx context.Context, sn *graph.Snapshot, ref string, created time.Time, w io.Writer) error {
	root, err := sn.Entity(ctx, ref)
	if err != nil {
		return err
	}
	if !isAsset(root.Kind) {
		return fmt.Errorf("%w; %s is a %s", ErrNotAsset, root.Key, root.Kind)
	}
	hits, err := sn.Lineage(ctx, root.Key, graph.LineageOptions{Direction: graph.Upstream, Paths: true})
	if err != nil {
		return err
	}
	comp, err := sn.Compliance(ctx, root.Key, graph.ComplianceOptions{})
	if err != nil {
		return err
	}
	d := &spdxDoc{seen: map[string]bool{}, holders: map[string][]string{}}
	// Holders first: their edges give the packages' originatedBy.
	var rels []*graph.Relation
	for _, h := range hits {
		for _, r := range h.Path {
			if !d.seen[r.ID.String()] {
				d.seen[r.ID.String()] = true
				rels = append(rels, r)
			}
		}
	}
	for _, r := range rels {
		if r.Type.IsHolding() && isAsset(r.To.Kind) && (r.From.Kind == graph.Organization || r.From.Kind == graph.Person) {
			id := uuidIRI(r.To)
			if !contains(d.holders[id], uuidIRI(r.From)) {
				d.holders[id] = append(d.holders[id], uuidIRI(r.From))
			}
		}
	}
	d.add(map[string]any{"type": "CreationInfo", "@id": spdxInfo, "specVersion": SPDXVersion,
		"created": created.UTC().Format(time.RFC3339), "createdBy": []string{spdxAgent},
		"comment": "written by whosedata from its claims graph: every relationship is a claim, with its status and claimants in comment"})
	d.add(map[string]any{"type": "SoftwareAgent", "spdxId": spdxAgent, "creationInfo": spdxInfo, "name": "whosedata"})
	for _, a := range comp.Assets {
		d.pkg(a.Asset)
	}
	for _, h := range hits {
		if h.Entity.Kind == graph.Organization || h.Entity.Kind == graph.Person {
			d.agent(h.Entity)
		}
	}
	for _, r := range rels {
		if r.Type.IsHolding() {
			continue
		}
		d.relationship(r)
	}
	for _, a := range comp.Assets {
		d.license(a)
	}
	doc := map[string]any{"type": "SpdxDocument", "spdxId": "urn:whosedata:spdx:" + root.ID.String(),
		"creationInfo": spdxInfo, "name": "Upstream of " + root.Name + " (whosedata)",
		"rootElement": []string{uuidIRI(root)}, "element": d.ids,
		"profileConformance": []string{"core", "software", "simpleLicensing"}}
	out := map[string]any{"@context": spdxContext, "@graph": append(d.elems, doc)}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	return bw.Flush()
}

func isAsset(k graph.EntityKind) bool {
	return k == graph.Dataset || k == graph.Model || k == graph.Product
}

func uuidIRI(e *graph.Entity) string { return "urn:uuid:" + e.ID.String() }

type spdxDoc struct {
	elems   []any
	ids     []string // every element but CreationInfo and the document
	seen    map[string]bool
	holders map[string][]string
}

func (d *spdxDoc) add(el map[string]any) {
	d.elems = append(d.elems, el)
	if id, ok := el["spdxId"].(string); ok {
		d.ids = append(d.ids, id)
		d.seen[id] = true
	}
}

func (d *spdxDoc) pkg(e *graph.Entity) {
	id := uuidIRI(e)
	if d.seen[id] {
		return
	}
	el := map[string]any{"spdxId": id, "creationInfo": spdxInfo, "name": e.Name}
	switch e.Kind {
	case graph.Dataset:
		el["type"] = "dataset_DatasetPackage"
		el["software_primaryPurpose"] = "data"
		el["dataset_datasetType"] = []string{"noAssertion"}
	case graph.Product:
		el["type"] = "ai_AIPackage"
		el["software_primaryPurpose"] = "application"
	default:
		el["type"] = "ai_AIPackage"
		el["software_primaryPurpose"] = "model"
	}
	if e.Description != "" {
		el["description"] = e.Description
	}
	if u := e.Attr("url"); isURL(u) {
		el["software_downloadLocation"] = u
	}
	if h := d.holders[id]; len(h) > 0 {
		el["originatedBy"] = h
	}
	el["externalIdentifier"] = []any{map[string]any{"type": "ExternalIdentifier",
		"externalIdentifierType": "other", "identifier": e.Key, "issuingAuthority": "whosedata"}}
	d.add(el)
}

func (d *spdxDoc) agent(e *graph.Entity) {
	id := uuidIRI(e)
	if d.seen[id] {
		return
	}
	typ := "Organization"
	if e.Kind == graph.Person {
		typ = "Person"
	}
	d.add(map[string]any{"type": typ, "spdxId": id, "creationInfo": spdxInfo, "name": e.Name})
}

func (d *spdxDoc) relationship(r *graph.Relation) {
	typ, reverse := spdxRelationship(r.Type)
	from, to := r.From, r.To
	if reverse {
		from, to = to, from
	}
	if !d.seen[uuidIRI(from)] || !d.seen[uuidIRI(to)] {
		return // an end that is not a dataset, model or product
	}
	var claims []string
	for _, st := range r.Statements {
		c := st.Status.String()
		if st.ClaimedBy != nil {
			c += " by " + st.ClaimedBy.Key
		}
		if !st.Date.IsZero() {
			c += " on " + st.Date.String()
		}
		claims = append(claims, c)
	}
	el := map[string]any{"type": "Relationship", "spdxId": "urn:uuid:" + r.ID.String(), "creationInfo": spdxInfo,
		"from": uuidIRI(from), "to": []string{uuidIRI(to)}, "relationshipType": typ,
		"comment": fmt.Sprintf("whosedata %s, effective status %s; statements: %s", r.Type, r.Status, strings.Join(claims, "; "))}
	if !r.ValidFrom.IsZero() {
		el["startTime"] = spdxTime(r.ValidFrom, false)
	}
	if !r.ValidTo.IsZero() {
		el["endTime"] = spdxTime(r.ValidTo, true)
	}
	d.add(el)
}

func (d *spdxDoc) license(a graph.AssetLicense) {
	if len(a.Licenses) == 0 {
		return
	}
	var exprs []string
	var custom []any
	for _, l := range a.Licenses {
		x := SPDXLicense(l)
		if contains(exprs, x) {
			continue
		}
		exprs = append(exprs, x)
		if u := l.Attr("url"); strings.HasPrefix(x, "LicenseRef-") && isURL(u) {
			custom = append(custom, map[string]any{"type": "DictionaryEntry", "key": x, "value": u})
		}
	}
	expr := strings.Join(exprs, " AND ")
	lid := "urn:whosedata:spdx:declared-license:" + a.Asset.ID.String()
	el := map[string]any{"type": "simplelicensing_LicenseExpression", "spdxId": lid, "creationInfo": spdxInfo,
		"simplelicensing_licenseExpression": expr}
	if len(custom) > 0 {
		el["simplelicensing_customIdToUri"] = custom
	}
	d.add(el)
	d.add(map[string]any{"type": "Relationship", "spdxId": "urn:whosedata:spdx:has-declared-license:" + a.Asset.ID.String(),
		"creationInfo": spdxInfo, "from": uuidIRI(a.Asset), "to": []string{lid}, "relationshipType": "hasDeclaredLicense"})
}
