// Package synth generates synthetic whosedata graphs for benchmarks: a fixed
// seed gives the same graph every time. The mix is shaped like real data:
// every entity kind, data-flow, holding and other relation types, a power-law
// in-degree with hubs (some datasets used by thousands), every status, dates
// and validity windows, a few cycles, and licences with SPEC §10 terms.
package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/whosedata/whosedata/graph"
)

// Config sizes a synthetic graph.
type Config struct {
	Entities   int
	Statements int
	Seed       uint64
}

// Graph is a generated batch plus the keys of its hubs, for choosing seeds.
type Graph struct {
	Batch *graph.Batch
	Hubs  []string // most used datasets and models, busiest first
	Keys  []string // every entity key, by index
}

var dataFlow = []graph.RelationType{graph.TrainedOn, graph.TrainedOn, graph.TrainedOn, graph.FineTunedFrom, graph.DistilledFrom,
	graph.DerivedFrom, graph.DerivedFrom, graph.GeneratedBy, graph.SourcedFrom, graph.SourcedFrom, graph.BuiltOn}

var others = []graph.RelationType{graph.LicensedTo, graph.AccessRevoked, graph.InvestedIn, graph.Acquired, graph.LicensedUnder,
	graph.Founded, graph.Leads, graph.BoardMemberOf, graph.EmployedBy, graph.PartyTo, graph.Concerns, graph.Published, graph.RelatedTo}

// statuses weights: mostly asserted, a fair share of allegations and denials.
var statuses = []graph.ClaimStatus{graph.Asserted, graph.Asserted, graph.Asserted, graph.Asserted, graph.Alleged, graph.Alleged,
	graph.Confirmed, graph.Denied, graph.Ruled, graph.Retracted}

// Generate builds the graph. Kinds are assigned by index: 30% datasets, 25%
// models, 15% organisations, 10% products, 8% people, 5% documents, 4%
// disputes, 3% licences. About 70% of statements are data flow, 15% holding
// and 15% other relations; targets of data flow are drawn from a Zipf
// distribution, so a few datasets and models are hubs.
func Generate(c Config) *Graph {
	if c.Entities < 16 {
		c.Entities = 16
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x77686f7365))
	// Licence terms draw from their own stream, so that they leave every
	// other choice (and so every lineage, paths and entity answer) as it was
	// before licences had terms.
	rl := rand.New(rand.NewPCG(c.Seed, 0x6c6963656e6365))
	g := &Graph{Batch: &graph.Batch{}}
	var byKind = map[graph.EntityKind][]int{}
	cuts := []struct {
		upto float64
		kind graph.EntityKind
	}{{0.30, graph.Dataset}, {0.55, graph.Model}, {0.70, graph.Organization}, {0.80, graph.Product}, {0.88, graph.Person},
		{0.93, graph.Document}, {0.97, graph.Dispute}, {1.01, graph.License}}
	for i := 0; i < c.Entities; i++ {
		frac := float64(i) / float64(c.Entities)
		kind := graph.License
		for _, cut := range cuts {
			if frac < cut.upto {
				kind = cut.kind
				break
			}
		}
		key := fmt.Sprintf("%s-%d", kindPrefix(kind), i)
		g.Keys = append(g.Keys, key)
		byKind[kind] = append(byKind[kind], i)
		in := graph.EntityInput{Key: key, Kind: kind, Name: fmt.Sprintf("%s %d", kindPrefix(kind), i)}
		if kind == graph.Dispute {
			in.Attributes = []graph.Attribute{{Key: "status", Value: "FILED"}}
		}
		if kind == graph.License {
			in.Attributes = licenseTerms(rl)
		}
		g.Batch.Entities = append(g.Batch.Entities, in)
	}
	sources := append(append([]int{}, byKind[graph.Dataset]...), byKind[graph.Model]...)
	zipf := rand.NewZipf(r, 1.15, 4, uint64(len(sources)-1))
	consumers := append(append(append([]int{}, byKind[graph.Model]...), byKind[graph.Dataset]...), byKind[graph.Product]...)
	holders := append(append([]int{}, byKind[graph.Organization]...), byKind[graph.Person]...)
	pick := func(list []int) int { return list[r.IntN(len(list))] }
	counts := map[int]int{}
	dates := []string{"", "", "2019", "2020-05", "2021-11-03", "2022", "2022-12", "2023-04-19", "2024-02", "2025"}
	for n := 0; n < c.Statements; n++ {
		var in graph.StatementInput
		switch p := r.Float64(); {
		case p < 0.70:
			to := sources[zipf.Uint64()]
			from := pick(consumers)
			if r.IntN(200) == 0 { // a few cycles: a hub feeding back into its consumer
				from, to = to, from
			}
			counts[to]++
			in = graph.StatementInput{Type: dataFlow[r.IntN(len(dataFlow))], From: g.Keys[from], To: g.Keys[to]}
		case p < 0.85:
			in = graph.StatementInput{Type: []graph.RelationType{graph.Owns, graph.Created, graph.Developed}[r.IntN(3)],
				From: g.Keys[pick(holders)], To: g.Keys[pick(sources)]}
		default:
			in = graph.StatementInput{Type: others[r.IntN(len(others))], From: g.Keys[r.IntN(c.Entities)], To: g.Keys[r.IntN(c.Entities)]}
		}
		in.Status = statuses[r.IntN(len(statuses))]
		in.Date = graph.MustParseDate(dates[r.IntN(len(dates))])
		if r.IntN(8) == 0 {
			in.ValidFrom = graph.MustParseDate("2021")
		}
		if r.IntN(12) == 0 {
			in.ValidTo = graph.MustParseDate("2024-06")
		}
		if r.IntN(3) == 0 {
			in.ClaimedBy = g.Keys[pick(holders)]
		}
		in.Evidence = []graph.EvidenceInput{{URL: fmt.Sprintf("https://example.org/source/%d", n%997)}}
		g.Batch.Statements = append(g.Batch.Statements, in)
	}
	// Hubs: the most used sources.
	type kc struct{ i, n int }
	var top []kc
	for i, n := range counts {
		top = append(top, kc{i, n})
	}
	for i := 0; i < len(top); i++ { // partial selection sort for the first few
		if i >= 32 {
			break
		}
		for j := i + 1; j < len(top); j++ {
			if top[j].n > top[i].n || (top[j].n == top[i].n && top[j].i < top[i].i) {
				top[i], top[j] = top[j], top[i]
			}
		}
		g.Hubs = append(g.Hubs, g.Keys[top[i].i])
	}
	return g
}

// licenseUses weights the classes of generated licences: mostly permissive,
// a fair share of non-commercial ones, some academic-only and unspecified.
var licenseUses = []graph.LicenseClass{graph.ClassCommercial, graph.ClassCommercial, graph.ClassCommercial, graph.ClassCommercial,
	graph.ClassNonCommercial, graph.ClassNonCommercial, graph.ClassAcademicOnly, graph.ClassUnspecified}

// licenseTerms are the SPEC §10 attributes of one generated LICENSE entity.
func licenseTerms(r *rand.Rand) []graph.Attribute {
	flag := func() string { return []string{"true", "true", "false", "unknown"}[r.IntN(4)] }
	return []graph.Attribute{
		{Key: graph.AttrAttribution, Value: flag()},
		{Key: graph.AttrShareAlike, Value: flag()},
		{Key: graph.AttrUse, Value: licenseUses[r.IntN(len(licenseUses))].String()},
	}
}

func kindPrefix(k graph.EntityKind) string {
	switch k {
	case graph.Organization:
		return "org"
	case graph.Person:
		return "person"
	case graph.Dataset:
		return "dataset"
	case graph.Model:
		return "model"
	case graph.Product:
		return "product"
	case graph.Dispute:
		return "dispute"
	case graph.Document:
		return "doc"
	}
	return "license"
}

// Seeds returns n lineage seeds: the hubs first, then entities drawn at random
// (fixed by seed).
func (g *Graph) Seeds(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	var out []string
	for _, h := range g.Hubs {
		if len(out) >= n/5 {
			break
		}
		out = append(out, h)
	}
	for len(out) < n {
		out = append(out, g.Keys[r.IntN(len(g.Keys))])
	}
	return out
}
