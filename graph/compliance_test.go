package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

// The compliance property test builds random graphs (data flow, holding,
// licences with random classes, disputes, statuses, dates, validity, cycles,
// retractions), loads them into the store, and compares Store.Compliance on
// every entity, for every use, with and without asOf, against a naive model
// written here from SPEC §2 and §10 alone.

type cStmt struct {
	status  graph.ClaimStatus // RETRACTED when retracted
	date    graph.Date
	dispute string
}

type cRel struct {
	from, to    string
	typ         graph.RelationType
	vFrom, vTo  graph.Date
	stmts       []cStmt
	hasValidity bool
}

type cModel struct {
	kinds map[string]graph.EntityKind
	attrs map[string]map[string]string
	keys  []string
	rels  []*cRel
	byKey map[string]*cRel // "from|TYPE|to"
}

func cRelKey(from string, t graph.RelationType, to string) string {
	return from + "|" + t.String() + "|" + to
}

// status is the relation's effective status under minStatus/asOf, and whether
// it may be used at all: SPEC §1's strongest-first rule on the statements that
// count, validity checked on asOf.
func (r *cRel) status(asOf graph.Date) (graph.ClaimStatus, bool) {
	if !asOf.IsZero() {
		if !r.vFrom.IsZero() && r.vFrom.Start() > asOf.End() {
			return 0, false
		}
		if !r.vTo.IsZero() && r.vTo.End() < asOf.Start() {
			return 0, false
		}
	}
	has := map[graph.ClaimStatus]bool{}
	for _, s := range r.stmts {
		if s.status == graph.Retracted || (!asOf.IsZero() && !s.date.IsZero() && s.date.Start() > asOf.End()) {
			continue
		}
		has[s.status] = true
	}
	switch {
	case has[graph.Ruled]:
		return graph.Ruled, true
	case has[graph.Confirmed]:
		return graph.Confirmed, true
	case has[graph.Asserted]:
		return graph.Asserted, true
	case has[graph.Alleged] && has[graph.Denied]:
		return graph.Disputed, true
	case has[graph.Alleged]:
		return graph.Alleged, true
	case has[graph.Denied]:
		return graph.Denied, true
	}
	return graph.Retracted, true
}

func (r *cRel) walkable(minStatus graph.ClaimStatus, asOf graph.Date) (graph.ClaimStatus, bool) {
	st, ok := r.status(asOf)
	return st, ok && st >= minStatus
}

var cDataFlow = []graph.RelationType{graph.TrainedOn, graph.FineTunedFrom, graph.DistilledFrom, graph.DerivedFrom,
	graph.GeneratedBy, graph.SourcedFrom, graph.BuiltOn}
var cHolding = []graph.RelationType{graph.Owns, graph.Created, graph.Developed}

// useValues are the licence "use" attributes the generator draws: the four
// classes, and values that must read as UNSPECIFIED.
var useValues = []string{"COMMERCIAL", "COMMERCIAL", "COMMERCIAL", "NON_COMMERCIAL", "ACADEMIC_ONLY", "UNSPECIFIED", "", "garbage", "UNLICENSED", "commercial"}

// naiveClass is the class a licence's use attribute gives, per SPEC §10.
func naiveClass(use string) string {
	switch strings.ToUpper(use) {
	case "COMMERCIAL", "NON_COMMERCIAL", "ACADEMIC_ONLY":
		return strings.ToUpper(use)
	}
	return "UNSPECIFIED"
}

var naiveRank = map[string]int{"COMMERCIAL": 1, "UNSPECIFIED": 2, "NON_COMMERCIAL": 3, "ACADEMIC_ONLY": 4}

func naiveForbids(class string, use graph.Use) bool {
	switch class {
	case "ACADEMIC_ONLY":
		return use != graph.UseAcademic
	case "NON_COMMERCIAL":
		return use == graph.UseCommercial
	}
	return false
}

func genCompliance(r *rand.Rand, n int) (*graph.Batch, *cModel) {
	m := &cModel{kinds: map[string]graph.EntityKind{}, attrs: map[string]map[string]string{}, byKey: map[string]*cRel{}}
	b := &graph.Batch{}
	kinds := []graph.EntityKind{graph.Dataset, graph.Dataset, graph.Dataset, graph.Model, graph.Model, graph.Product,
		graph.Organization, graph.Person, graph.License, graph.License, graph.Dispute, graph.Document}
	var byKind = map[graph.EntityKind][]string{}
	for i := range n {
		k := kinds[r.IntN(len(kinds))]
		if i < len(kinds) {
			k = kinds[i] // every kind at least once
		}
		key := fmt.Sprintf("%s-%d", strings.ToLower(k.String()), i)
		in := graph.EntityInput{Key: key, Kind: k, Name: key}
		attrs := map[string]string{}
		if k == graph.License {
			if v := useValues[r.IntN(len(useValues))]; v != "" {
				attrs[graph.AttrUse] = v
			}
			for _, a := range []string{graph.AttrAttribution, graph.AttrShareAlike} {
				if v := []string{"", "true", "false", "unknown"}[r.IntN(4)]; v != "" {
					attrs[a] = v
				}
			}
		}
		for a, v := range attrs {
			in.Attributes = append(in.Attributes, graph.Attribute{Key: a, Value: v})
		}
		slices.SortFunc(in.Attributes, func(x, y graph.Attribute) int { return strings.Compare(x.Key, y.Key) })
		m.kinds[key], m.attrs[key] = k, attrs
		m.keys = append(m.keys, key)
		byKind[k] = append(byKind[k], key)
		b.Entities = append(b.Entities, in)
	}
	pick := func(ks ...graph.EntityKind) string {
		var all []string
		for _, k := range ks {
			all = append(all, byKind[k]...)
		}
		if len(all) == 0 {
			return m.keys[r.IntN(len(m.keys))]
		}
		return all[r.IntN(len(all))]
	}
	anyKey := func() string { return m.keys[r.IntN(len(m.keys))] }
	statuses := []graph.ClaimStatus{graph.Asserted, graph.Asserted, graph.Alleged, graph.Alleged, graph.Denied,
		graph.Confirmed, graph.Ruled, graph.Retracted}
	dates := []string{"", "", "2019", "2020-05", "2021-11-03", "2022", "2022-12", "2023-04-19", "2024-02"}
	assets := []graph.EntityKind{graph.Dataset, graph.Model, graph.Product}
	for i := range 4 * n {
		var from, to string
		var t graph.RelationType
		switch p := r.IntN(20); {
		case p < 9:
			from, to, t = pick(assets...), pick(graph.Dataset, graph.Model, graph.Organization), cDataFlow[r.IntN(len(cDataFlow))]
			if r.IntN(10) == 0 {
				from = anyKey() // real data bends kinds
			}
		case p < 11:
			from, to, t = pick(graph.Organization, graph.Person, graph.Dataset), pick(assets...), cHolding[r.IntN(len(cHolding))]
		case p < 17:
			from, to, t = pick(assets...), pick(graph.License), graph.LicensedUnder
			if r.IntN(8) == 0 {
				to = anyKey() // a licence that is not a LICENSE entity
			}
		case p < 19:
			from, to, t = pick(graph.Dispute), pick(assets...), graph.Concerns
			if r.IntN(6) == 0 {
				from = anyKey()
			}
		default:
			from, to, t = anyKey(), anyKey(), graph.AllRelationTypes[r.IntN(len(graph.AllRelationTypes))]
		}
		if len(m.rels) > 0 && r.IntN(5) < 2 {
			// Another party's word on an existing relation, so that relations
			// mix statuses, dates, retractions and disputes.
			old := m.rels[r.IntN(len(m.rels))]
			from, to, t = old.from, old.to, old.typ
		}
		if from == to && r.IntN(2) == 0 {
			continue
		}
		rk := cRelKey(from, t, to)
		rel := m.byKey[rk]
		if rel == nil {
			rel = &cRel{from: from, to: to, typ: t}
			if r.IntN(5) == 0 {
				rel.hasValidity = true
				rel.vFrom = graph.MustParseDate([]string{"", "2020", "2021-06"}[r.IntN(3)])
				rel.vTo = graph.MustParseDate([]string{"", "2022", "2023-03"}[r.IntN(3)])
			}
			m.byKey[rk] = rel
			m.rels = append(m.rels, rel)
		}
		st := statuses[r.IntN(len(statuses))]
		in := graph.StatementInput{Type: t, From: from, To: to, Status: st, Note: fmt.Sprintf("statement %d", i),
			Date: graph.MustParseDate(dates[r.IntN(len(dates))])}
		if st == graph.Retracted {
			in.Status = statuses[r.IntN(len(statuses)-1)]
			in.RetractedReason = "withdrawn"
		}
		if rel.hasValidity {
			in.ValidFrom, in.ValidTo = rel.vFrom, rel.vTo
		}
		if r.IntN(4) == 0 && len(byKind[graph.Dispute]) > 0 {
			in.Dispute = pick(graph.Dispute)
		}
		rel.stmts = append(rel.stmts, cStmt{status: st, date: in.Date, dispute: in.Dispute})
		b.Statements = append(b.Statements, in)
	}
	return b, m
}

// naiveAnswer is the model's compliance answer.
type naiveAnswer struct {
	verdict      graph.Verdict
	assets       map[string]naiveAsset
	attribution  bool
	shareAlike   bool
	concernDisps map[string]bool
}

type naiveAsset struct {
	depth    int
	status   graph.ClaimStatus // weakest status on the best shortest path; 0 for the start
	class    string
	licenses []string // sorted most restrictive first, then key
	blocks   bool
}

// naive computes SPEC §10 from the model. The UPSTREAM walk is done layer by
// layer: at each depth, every entity first reached gets the best (strongest)
// of the weakest statuses of the shortest paths to it; holders of the hits
// reached by data flow are hits one step further.
func (m *cModel) naive(start string, use graph.Use, minStatus graph.ClaimStatus, asOf graph.Date) naiveAnswer {
	type reach struct {
		depth  int
		status graph.ClaimStatus
	}
	flow := map[string]reach{start: {0, graph.Ruled}}
	frontier := []string{start}
	for d := 1; len(frontier) > 0; d++ {
		next := map[string]graph.ClaimStatus{}
		for _, u := range frontier {
			for _, rel := range m.rels {
				if rel.from != u || !slices.Contains(cDataFlow, rel.typ) {
					continue
				}
				st, ok := rel.walkable(minStatus, asOf)
				if !ok {
					continue
				}
				if _, done := flow[rel.to]; done {
					continue
				}
				next[rel.to] = max(next[rel.to], min(st, flow[u].status))
			}
		}
		frontier = frontier[:0]
		for v, st := range next {
			flow[v] = reach{d, st}
			frontier = append(frontier, v)
		}
	}
	hits := map[string]reach{}
	for v, h := range flow {
		if v != start {
			hits[v] = h
		}
	}
	for v, h := range flow {
		if v == start {
			continue
		}
		for _, rel := range m.rels {
			if rel.to != v || !slices.Contains(cHolding, rel.typ) || rel.from == start {
				continue
			}
			st, ok := rel.walkable(minStatus, asOf)
			if !ok {
				continue
			}
			cand := reach{h.depth + 1, min(st, h.status)}
			old, seen := hits[rel.from]
			if !seen || cand.depth < old.depth || (cand.depth == old.depth && cand.status > old.status) {
				hits[rel.from] = cand
			}
		}
	}
	ans := naiveAnswer{assets: map[string]naiveAsset{}, concernDisps: map[string]bool{}}
	add := func(key string, depth int, status graph.ClaimStatus) {
		a := naiveAsset{depth: depth, status: status}
		seen := map[string]bool{}
		for _, rel := range m.rels {
			if _, ok := rel.walkable(minStatus, asOf); !ok {
				continue
			}
			if rel.typ == graph.LicensedUnder && rel.from == key && !seen[rel.to] {
				seen[rel.to] = true
				a.licenses = append(a.licenses, rel.to)
			}
			if rel.typ == graph.Concerns && rel.to == key && m.kinds[rel.from] == graph.Dispute {
				ans.concernDisps[rel.from] = true
			}
		}
		slices.SortFunc(a.licenses, func(x, y string) int {
			rx, ry := naiveRank[naiveClass(m.attrs[x][graph.AttrUse])], naiveRank[naiveClass(m.attrs[y][graph.AttrUse])]
			if rx != ry {
				return ry - rx
			}
			return strings.Compare(x, y)
		})
		a.class = "UNLICENSED"
		for _, l := range a.licenses {
			c := naiveClass(m.attrs[l][graph.AttrUse])
			if a.class == "UNLICENSED" || naiveRank[c] > naiveRank[a.class] {
				a.class = c
			}
			for _, flag := range []struct {
				attr string
				to   *bool
			}{{graph.AttrAttribution, &ans.attribution}, {graph.AttrShareAlike, &ans.shareAlike}} {
				if v := m.attrs[l][flag.attr]; v == "true" || v == "unknown" {
					*flag.to = true
				}
			}
		}
		ans.assets[key] = a
	}
	add(start, 0, 0)
	for v, h := range hits {
		if k := m.kinds[v]; k == graph.Dataset || k == graph.Model || k == graph.Product {
			add(v, h.depth, h.status)
		}
	}
	restricted, unknown := false, false
	for _, a := range ans.assets {
		restricted = restricted || naiveForbids(a.class, use)
		unknown = unknown || a.class == "UNSPECIFIED" || a.class == "UNLICENSED"
	}
	ans.verdict = graph.VerdictAllowed
	switch {
	case restricted:
		ans.verdict = graph.VerdictRestricted
	case unknown:
		ans.verdict = graph.VerdictUnknown
	}
	for k, a := range ans.assets {
		switch ans.verdict {
		case graph.VerdictRestricted:
			a.blocks = naiveForbids(a.class, use)
		case graph.VerdictUnknown:
			a.blocks = a.class == "UNSPECIFIED" || a.class == "UNLICENSED"
		}
		ans.assets[k] = a
	}
	return ans
}

// checkAnswer compares the store's answer with the model's; paths are checked
// for being real shortest paths of the right status, and the disputes are
// those that CONCERNS an asset plus those of the counted statements on the
// paths, according to the model's own statements.
// uncounted counts the statements on paths whose dispute does not count
// (retracted, or dated after asOf): the test must meet some.
var uncounted int

func (m *cModel) checkAnswer(got *graph.Compliance, want naiveAnswer, start string, use graph.Use, minStatus graph.ClaimStatus, asOf graph.Date) error {
	if got.Verdict != want.verdict {
		return fmt.Errorf("verdict %s, want %s", got.Verdict, want.verdict)
	}
	if got.Use != use {
		return fmt.Errorf("use %s, want %s", got.Use, use)
	}
	if got.Attribution != want.attribution || got.ShareAlike != want.shareAlike {
		return fmt.Errorf("attribution %v shareAlike %v, want %v %v", got.Attribution, got.ShareAlike, want.attribution, want.shareAlike)
	}
	if len(got.Assets) != len(want.assets) {
		var keys []string
		for _, a := range got.Assets {
			keys = append(keys, a.Asset.Key)
		}
		var wk []string
		for k := range want.assets {
			wk = append(wk, k)
		}
		slices.Sort(keys)
		slices.Sort(wk)
		return fmt.Errorf("assets %v, want %v", keys, wk)
	}
	if len(got.Assets) == 0 || got.Assets[0].Asset.Key != start || len(got.Assets[0].Path) != 0 {
		return fmt.Errorf("the first asset is not %s itself with an empty path", start)
	}
	disputes := map[string]bool{}
	for k := range want.concernDisps {
		disputes[k] = true
	}
	prevDepth := 0
	for _, a := range got.Assets {
		w, ok := want.assets[a.Asset.Key]
		if !ok {
			return fmt.Errorf("asset %s is not upstream", a.Asset.Key)
		}
		if a.Class.String() != w.class || a.Blocks != w.blocks {
			return fmt.Errorf("asset %s: class %s blocks %v, want %s %v", a.Asset.Key, a.Class, a.Blocks, w.class, w.blocks)
		}
		var lk []string
		for _, l := range a.Licenses {
			lk = append(lk, l.Key)
		}
		if !slices.Equal(lk, w.licenses) {
			return fmt.Errorf("asset %s: licences %v, want %v", a.Asset.Key, lk, w.licenses)
		}
		if len(a.Path) != w.depth || len(a.Path) < prevDepth {
			return fmt.Errorf("asset %s: path of %d relations (after one of %d), want depth %d", a.Asset.Key, len(a.Path), prevDepth, w.depth)
		}
		prevDepth = len(a.Path)
		// The path runs from start to the asset over walkable relations,
		// data flow forwards, a last holding edge backwards, and its weakest
		// status is the best one.
		at, weakest := start, graph.Ruled
		for i, pr := range a.Path {
			rel := m.byKey[cRelKey(pr.From.Key, pr.Type, pr.To.Key)]
			if rel == nil {
				return fmt.Errorf("asset %s: path relation %s %s %s is not in the model", a.Asset.Key, pr.From.Key, pr.Type, pr.To.Key)
			}
			st, ok := rel.walkable(minStatus, asOf)
			if !ok {
				return fmt.Errorf("asset %s: path relation %s %s %s may not be walked", a.Asset.Key, rel.from, rel.typ, rel.to)
			}
			weakest = min(weakest, st)
			switch {
			case slices.Contains(cDataFlow, rel.typ) && rel.from == at:
				at = rel.to
			case slices.Contains(cHolding, rel.typ) && rel.to == at && i == len(a.Path)-1:
				at = rel.from
			default:
				return fmt.Errorf("asset %s: path relation %d (%s %s %s) does not continue from %s", a.Asset.Key, i, rel.from, rel.typ, rel.to, at)
			}
			for _, s := range rel.stmts {
				if s.dispute != "" && s.status != graph.Retracted && (asOf.IsZero() || s.date.IsZero() || s.date.Start() <= asOf.End()) {
					disputes[s.dispute] = true
				} else if s.dispute != "" {
					uncounted++
				}
			}
		}
		if at != a.Asset.Key {
			return fmt.Errorf("asset %s: path ends at %s", a.Asset.Key, at)
		}
		if len(a.Path) > 0 && weakest != w.status {
			return fmt.Errorf("asset %s: path status %s, want %s", a.Asset.Key, weakest, w.status)
		}
	}
	var gd, wd []string
	for _, d := range got.Disputes {
		gd = append(gd, d.Key)
	}
	for d := range disputes {
		wd = append(wd, d)
	}
	slices.Sort(wd)
	if !slices.Equal(gd, wd) {
		return fmt.Errorf("disputes %v, want %v", gd, wd)
	}
	return nil
}

func TestComplianceMatchesModel(t *testing.T) {
	ctx := context.Background()
	graphs := 10
	if testing.Short() {
		graphs = 3
	}
	asOfs := []graph.Date{{}, graph.MustParseDate("2021"), graph.MustParseDate("2022-12-31")}
	checked := map[graph.Verdict]int{}
	for g := range graphs {
		r := rand.New(rand.NewPCG(uint64(g), 12))
		batch, m := genCompliance(r, 24+r.IntN(16))
		s, err := graph.OpenInMemory()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, batch); err != nil {
			t.Fatalf("graph %d: %v", g, err)
		}
		for _, key := range m.keys {
			for _, asOf := range asOfs {
				minStatus := []graph.ClaimStatus{0, graph.Alleged, graph.Asserted, graph.Denied}[r.IntN(4)]
				for _, use := range graph.AllUses {
					opts := graph.ComplianceOptions{Use: use, AsOf: asOf, MinStatus: minStatus}
					got, err := s.Compliance(ctx, key, opts)
					if err != nil {
						t.Fatalf("graph %d: compliance of %s: %v", g, key, err)
					}
					ms := minStatus
					if ms == 0 {
						ms = graph.Disputed
					}
					want := m.naive(key, use, ms, asOf)
					if err := m.checkAnswer(got, want, key, use, ms, asOf); err != nil {
						t.Fatalf("graph %d: compliance of %s for %s (asOf %q, minStatus %s): %v", g, key, use, asOf, ms, err)
					}
					checked[got.Verdict]++
				}
			}
		}
		s.Close()
	}
	// The generator must exercise every verdict, or the test proves little.
	for _, v := range []graph.Verdict{graph.VerdictAllowed, graph.VerdictRestricted, graph.VerdictUnknown} {
		if checked[v] == 0 {
			t.Errorf("no answer was %s", v)
		}
	}
	if uncounted == 0 {
		t.Error("no path held a disputed statement that does not count")
	}
	t.Logf("answers checked by verdict: %v; %d disputed statements on paths did not count", checked, uncounted)
}

// TestComplianceStory checks the rule on a small hand-made graph: a model
// fine-tuned from a base model trained on a CC BY-NC dataset, under a
// lawsuit.
func TestComplianceStory(t *testing.T) {
	ctx := context.Background()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lic := func(key, use, attr, sa string) graph.EntityInput {
		return graph.EntityInput{Key: key, Kind: graph.License, Name: key, Attributes: []graph.Attribute{
			{Key: graph.AttrAttribution, Value: attr}, {Key: graph.AttrShareAlike, Value: sa}, {Key: graph.AttrUse, Value: use}}}
	}
	_, err = s.Import(ctx, &graph.Batch{
		Entities: []graph.EntityInput{
			{Key: "chat-model", Kind: graph.Model, Name: "Chat model"},
			{Key: "base-model", Kind: graph.Model, Name: "Base model"},
			{Key: "nc-data", Kind: graph.Dataset, Name: "NC data"},
			{Key: "open-data", Kind: graph.Dataset, Name: "Open data"},
			{Key: "mystery-data", Kind: graph.Dataset, Name: "Mystery data"},
			{Key: "lab", Kind: graph.Organization, Name: "Lab"},
			lic("cc-by-nc", "NON_COMMERCIAL", "true", "false"),
			lic("apache", "COMMERCIAL", "true", "false"),
			lic("mit", "COMMERCIAL", "false", "false"),
			{Key: "suit", Kind: graph.Dispute, Name: "Authors v. Lab", Attributes: []graph.Attribute{{Key: "status", Value: "FILED"}}},
		},
		Statements: []graph.StatementInput{
			{Type: graph.FineTunedFrom, From: "chat-model", To: "base-model", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "base-model", To: "open-data", Status: graph.Asserted},
			{Type: graph.TrainedOn, From: "base-model", To: "nc-data", Status: graph.Alleged, Date: graph.MustParseDate("2023-06"), Dispute: "suit"},
			{Type: graph.TrainedOn, From: "base-model", To: "mystery-data", Status: graph.Denied},
			{Type: graph.Developed, From: "lab", To: "chat-model", Status: graph.Asserted},
			{Type: graph.LicensedUnder, From: "chat-model", To: "apache", Status: graph.Asserted},
			{Type: graph.LicensedUnder, From: "base-model", To: "mit", Status: graph.Asserted},
			{Type: graph.LicensedUnder, From: "open-data", To: "apache", Status: graph.Asserted},
			{Type: graph.LicensedUnder, From: "nc-data", To: "cc-by-nc", Status: graph.Asserted},
			{Type: graph.Concerns, From: "suit", To: "nc-data", Status: graph.Asserted},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(c *graph.Compliance) (assets, blocking, disputes []string) {
		for _, a := range c.Assets {
			assets = append(assets, a.Asset.Key+":"+a.Class.String())
			if a.Blocks {
				blocking = append(blocking, a.Asset.Key)
			}
		}
		for _, d := range c.Disputes {
			disputes = append(disputes, d.Key)
		}
		return
	}
	c, err := s.Compliance(ctx, "Chat model", graph.ComplianceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assets, blocking, disputes := keys(c)
	if c.Verdict != graph.VerdictRestricted || c.Use != graph.UseCommercial ||
		!slices.Equal(assets, []string{"chat-model:COMMERCIAL", "base-model:COMMERCIAL", "open-data:COMMERCIAL", "nc-data:NON_COMMERCIAL"}) ||
		!slices.Equal(blocking, []string{"nc-data"}) || !slices.Equal(disputes, []string{"suit"}) || !c.Attribution || c.ShareAlike {
		t.Errorf("commercial: %s %s assets %v blocking %v disputes %v attribution %v shareAlike %v",
			c.Verdict, c.Use, assets, blocking, disputes, c.Attribution, c.ShareAlike)
	}
	if p := c.Assets[3].Path; len(p) != 2 || p[0].Type != graph.FineTunedFrom || p[1].To.Key != "nc-data" {
		t.Errorf("path to nc-data: %v", p)
	}
	for _, tc := range []struct {
		opts    graph.ComplianceOptions
		verdict graph.Verdict
	}{
		{graph.ComplianceOptions{Use: graph.UseAcademic}, graph.VerdictAllowed},
		{graph.ComplianceOptions{Use: graph.UseNonCommercial}, graph.VerdictAllowed},
		// Before the allegation the NC dataset is not upstream.
		{graph.ComplianceOptions{AsOf: graph.MustParseDate("2023-05")}, graph.VerdictAllowed},
		{graph.ComplianceOptions{MinStatus: graph.Asserted}, graph.VerdictAllowed},
		// Counting the denied edge brings in a dataset with no licence.
		{graph.ComplianceOptions{Use: graph.UseAcademic, MinStatus: graph.Denied}, graph.VerdictUnknown},
	} {
		c, err := s.Compliance(ctx, "chat-model", tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if c.Verdict != tc.verdict {
			a, b, d := keys(c)
			t.Errorf("%+v: verdict %s, want %s (assets %v blocking %v disputes %v)", tc.opts, c.Verdict, tc.verdict, a, b, d)
		}
	}
	c, err = s.Compliance(ctx, "chat-model", graph.ComplianceOptions{AsOf: graph.MustParseDate("2023-05")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, d := keys(c); len(d) != 0 {
		t.Errorf("as of 2023-05 the disputes are %v, want none", d)
	}
}

func TestComplianceErrors(t *testing.T) {
	ctx := context.Background()
	s, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "m", Kind: graph.Model, Name: "M"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref  string
		opts graph.ComplianceOptions
		want error
	}{
		{"nobody", graph.ComplianceOptions{}, graph.ErrNotFound},
		{"m", graph.ComplianceOptions{Use: 9}, graph.ErrInvalid},
		{"m", graph.ComplianceOptions{MinStatus: 42}, graph.ErrInvalid},
	} {
		if _, err := s.Compliance(ctx, tc.ref, tc.opts); !errors.Is(err, tc.want) {
			t.Errorf("Compliance(%q, %+v) = %v, want %v", tc.ref, tc.opts, err, tc.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Compliance(cctx, "m", graph.ComplianceOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	c, err := s.Compliance(ctx, "m", graph.ComplianceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Verdict != graph.VerdictUnknown || len(c.Assets) != 1 || c.Assets[0].Class != graph.ClassUnlicensed || !c.Assets[0].Blocks {
		t.Errorf("a model with nothing: %+v", c)
	}
}

func TestComplianceEnums(t *testing.T) {
	for _, u := range graph.AllUses {
		if p, err := graph.ParseUse(strings.ToLower(u.String())); err != nil || p != u {
			t.Errorf("ParseUse(%s) = %v, %v", u, p, err)
		}
	}
	for _, v := range []graph.Verdict{graph.VerdictAllowed, graph.VerdictRestricted, graph.VerdictUnknown} {
		if p, err := graph.ParseVerdict(v.String()); err != nil || p != v {
			t.Errorf("ParseVerdict(%s) = %v, %v", v, p, err)
		}
	}
	for c := graph.ClassCommercial; c <= graph.ClassUnlicensed; c++ {
		if p, err := graph.ParseLicenseClass(c.String()); err != nil || p != c {
			t.Errorf("ParseLicenseClass(%s) = %v, %v", c, p, err)
		}
	}
	for _, bad := range []func() error{
		func() error { _, err := graph.ParseUse("PERSONAL"); return err },
		func() error { _, err := graph.ParseVerdict(""); return err },
		func() error { _, err := graph.ParseLicenseClass("NC"); return err },
	} {
		if err := bad(); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("bad enum: %v", err)
		}
	}
	if graph.Use(0).String() != "Use(0)" || graph.LicenseClass(9).Valid() {
		t.Error("invalid values")
	}
	if !graph.ClassAcademicOnly.Forbids(graph.UseNonCommercial) || graph.ClassAcademicOnly.Forbids(graph.UseAcademic) ||
		!graph.ClassNonCommercial.Forbids(graph.UseCommercial) || graph.ClassNonCommercial.Forbids(graph.UseAcademic) ||
		graph.ClassUnspecified.Forbids(graph.UseCommercial) {
		t.Error("Forbids disagrees with SPEC §10")
	}
}

// BenchmarkCompliance and BenchmarkComplianceLineageUpstream run compliance
// and the UPSTREAM lineage it is built on over the same seeds of the
// benchmark graph; the target is compliance at ≥ 0.5× the lineage's
// ops/s.
func BenchmarkCompliance(b *testing.B) {
	benchCompliance(b, func(ctx context.Context, s *graph.Store, seed string) (int, error) {
		c, err := s.Compliance(ctx, seed, graph.ComplianceOptions{})
		if err != nil {
			return 0, err
		}
		return len(c.Assets), nil
	})
}

func BenchmarkComplianceLineageUpstream(b *testing.B) {
	benchCompliance(b, func(ctx context.Context, s *graph.Store, seed string) (int, error) {
		h, err := s.Lineage(ctx, seed, graph.LineageOptions{Direction: graph.Upstream})
		return len(h), err
	})
}

func benchCompliance(b *testing.B, op func(context.Context, *graph.Store, string) (int, error)) {
	g := synth.Generate(benchCfg)
	s, err := graph.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Import(ctx, g.Batch); err != nil {
		b.Fatal(err)
	}
	seeds := g.Seeds(100, 7)
	items, i := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		n, err := op(ctx, s, seeds[i%len(seeds)])
		if err != nil {
			b.Fatal(err)
		}
		items += n
		i++
	}
	b.ReportMetric(float64(items)/float64(b.N), "items/op")
}
