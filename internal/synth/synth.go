// Package synth generates synthetic whosedata graphs for benchmarks: a fixed
// seed gives the same graph every time. The mix is shaped like real data:
// every entity kind, data-flow, holding and other relation types, a power-law
// in-degree with hubs (some datasets used by thousands), every status, dates
// and validity windows, a few cycles, and licences with SPEC §10 terms.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"

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

// Source is a generated graph that is never held whole: the entities are
// made once (their keys and kinds), and the statements are generated again,
// identically, on every pass over them, so that a benchmark at ten million
// statements holds only what it derives from them. NewSource(c) and
// Generate(c) describe the same graph.
type Source struct {
	cfg   Config
	Keys  []string           // every entity key, by index
	Kinds []graph.EntityKind // every entity's kind, by index
	Hubs  []string           // most used datasets and models, busiest first
	// sources, consumers and holders are the entity indexes statements draw
	// their endpoints from (see Generate).
	sources, consumers, holders []int
	terms                       map[int][]graph.Attribute // the licences' SPEC §10 terms, by entity index
}

// The fixed choices of the statement generator, parsed once.
var (
	dates = func() []graph.Date {
		var out []graph.Date
		for _, s := range []string{"", "", "2019", "2020-05", "2021-11-03", "2022", "2022-12", "2023-04-19", "2024-02", "2025"} {
			out = append(out, graph.MustParseDate(s))
		}
		return out
	}()
	validFrom = graph.MustParseDate("2021")
	validTo   = graph.MustParseDate("2024-06")
	holdings  = []graph.RelationType{graph.Owns, graph.Created, graph.Developed}
)

// evidenceURLs is how many distinct evidence URLs the statements cite.
const evidenceURLs = 997

// NewSource makes the entities of the graph c describes and counts, in one
// pass over the statements, which datasets and models are hubs.
func NewSource(c Config) *Source {
	if c.Entities < 16 {
		c.Entities = 16
	}
	s := &Source{cfg: c, Keys: make([]string, c.Entities), Kinds: make([]graph.EntityKind, c.Entities), terms: map[int][]graph.Attribute{}}
	// Licence terms draw from their own stream, so that they leave every
	// other choice (and so every lineage, paths and entity answer) as it was
	// before licences had terms.
	rl := rand.New(rand.NewPCG(c.Seed, 0x6c6963656e6365))
	byKind := map[graph.EntityKind][]int{}
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
		s.Keys[i] = fmt.Sprintf("%s-%d", kindPrefix(kind), i)
		s.Kinds[i] = kind
		byKind[kind] = append(byKind[kind], i)
		if kind == graph.License {
			s.terms[i] = licenseTerms(rl)
		}
	}
	s.sources = append(append([]int{}, byKind[graph.Dataset]...), byKind[graph.Model]...)
	s.consumers = append(append(append([]int{}, byKind[graph.Model]...), byKind[graph.Dataset]...), byKind[graph.Product]...)
	s.holders = append(append([]int{}, byKind[graph.Organization]...), byKind[graph.Person]...)

	// Hubs: the most used sources of data flow, busiest first, ties to the
	// lower index.
	counts := make([]int32, c.Entities)
	s.each(func(_ int, st *stmt) {
		if st.flow {
			counts[st.to]++
		}
	})
	for range 32 {
		best := -1
		for i, n := range counts {
			if n > 0 && (best < 0 || n > counts[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		s.Hubs = append(s.Hubs, s.Keys[best])
		counts[best] = 0
	}
	return s
}

// stmt is one generated statement by entity index, before it is spelled as
// a graph.StatementInput.
type stmt struct {
	typ                 graph.RelationType
	from, to, claimedBy int // claimedBy -1: none
	status              graph.ClaimStatus
	date                graph.Date
	hasFrom, hasTo      bool // the validity window's ends, when given
	flow                bool // drawn as data flow (counts towards the hubs)
}

// Statements is how many statements the graph has.
func (s *Source) Statements() int { return max(s.cfg.Statements, 0) }

// each generates the statements in order. Every pass draws the same random
// numbers, so every pass sees the same statements.
func (s *Source) each(fn func(n int, st *stmt)) {
	c := s.cfg
	r := rand.New(rand.NewPCG(c.Seed, 0x77686f7365))
	zipf := rand.NewZipf(r, 1.15, 4, uint64(len(s.sources)-1))
	pick := func(list []int) int { return list[r.IntN(len(list))] }
	var st stmt
	for n := 0; n < c.Statements; n++ {
		st = stmt{claimedBy: -1}
		switch p := r.Float64(); {
		case p < 0.70:
			to := s.sources[zipf.Uint64()]
			from := pick(s.consumers)
			if r.IntN(200) == 0 { // a few cycles: a hub feeding back into its consumer
				from, to = to, from
			}
			st.flow, st.from, st.to = true, from, to
			st.typ = dataFlow[r.IntN(len(dataFlow))]
		case p < 0.85:
			st.typ = holdings[r.IntN(3)]
			st.from, st.to = pick(s.holders), pick(s.sources)
		default:
			st.typ = others[r.IntN(len(others))]
			st.from, st.to = r.IntN(c.Entities), r.IntN(c.Entities)
		}
		st.status = statuses[r.IntN(len(statuses))]
		st.date = dates[r.IntN(len(dates))]
		st.hasFrom = r.IntN(8) == 0
		st.hasTo = r.IntN(12) == 0
		if r.IntN(3) == 0 {
			st.claimedBy = pick(s.holders)
		}
		fn(n, &st)
	}
}

// Entity returns the input of entity i.
func (s *Source) Entity(i int) graph.EntityInput {
	kind := s.Kinds[i]
	in := graph.EntityInput{Key: s.Keys[i], Kind: kind, Name: fmt.Sprintf("%s %d", kindPrefix(kind), i)}
	switch kind {
	case graph.Dispute:
		in.Attributes = []graph.Attribute{{Key: "status", Value: "FILED"}}
	case graph.License:
		in.Attributes = s.terms[i]
	}
	return in
}

// Statement is one statement as the generator spells it, by entity index
// (ClaimedBy -1: none) and the parts lineage reads: a compact view for the
// benchmark's peers.
type Statement struct {
	Type                graph.RelationType
	From, To, ClaimedBy int
	Status              graph.ClaimStatus
	Date                graph.Date
	ValidFrom, ValidTo  graph.Date // zero: not given
}

// EachStatement calls fn with statement n of the graph, in order; fn must
// not keep st. It stops at fn's first error and returns it.
func (s *Source) EachStatement(fn func(n int, st Statement) error) error {
	var err error
	s.each(func(n int, g *stmt) {
		if err != nil {
			return
		}
		st := Statement{Type: g.typ, From: g.from, To: g.to, ClaimedBy: g.claimedBy, Status: g.status, Date: g.date}
		if g.hasFrom {
			st.ValidFrom = validFrom
		}
		if g.hasTo {
			st.ValidTo = validTo
		}
		err = fn(n, st)
	})
	return err
}

// Batches calls fn with the graph cut into batches of at most chunk items
// (chunk < 1: one batch of everything): the entities first, then the
// statements, so each batch only refers to entities already given (the last
// entity batch also starts the statements when there is room). A batch is
// made just before fn is called with it and dropped after, so a large graph
// is never held whole. It stops at fn's first error and returns it.
func (s *Source) Batches(chunk int, fn func(b *graph.Batch) error) error {
	if chunk < 1 {
		chunk = max(len(s.Keys)+s.cfg.Statements, 1)
	}
	// The evidence lists are shared by the statements that cite the same
	// URL: Import reads them and keeps nothing of the slice.
	evidence := make([][]graph.EvidenceInput, evidenceURLs)
	for i := range evidence {
		evidence[i] = []graph.EvidenceInput{{URL: fmt.Sprintf("https://example.org/source/%d", i)}}
	}
	b := &graph.Batch{}
	for i := range s.Keys {
		if len(b.Entities) == chunk {
			if err := fn(b); err != nil {
				return err
			}
			b = &graph.Batch{}
		}
		if b.Entities == nil {
			b.Entities = make([]graph.EntityInput, 0, min(chunk, len(s.Keys)-i))
		}
		b.Entities = append(b.Entities, s.Entity(i))
	}
	b.Statements = make([]graph.StatementInput, 0, min(chunk, s.cfg.Statements))
	var err error
	s.each(func(n int, g *stmt) {
		if err != nil {
			return
		}
		if len(b.Entities)+len(b.Statements) == chunk {
			if err = fn(b); err != nil {
				return
			}
			b = &graph.Batch{Statements: b.Statements[:0]}
		}
		b.Statements = append(b.Statements, s.statementInput(n, g, evidence))
	})
	if err == nil && (len(b.Statements) > 0 || len(b.Entities) > 0 || len(s.Keys) == 0) {
		err = fn(b)
	}
	return err
}

// Stream is the graph as one graph.Stream for Store.ImportStream: the
// entities, then the statements generated again as they are read, so that
// an import of any size holds neither whole. It gives the same items as
// Batches.
func (s *Source) Stream() graph.Stream {
	return graph.Stream{
		Entities: func(yield func(graph.EntityInput) error) error {
			for i := range s.Keys {
				if err := yield(s.Entity(i)); err != nil {
					return err
				}
			}
			return nil
		},
		Statements: func(yield func(graph.StatementInput) error) error {
			evidence := make([][]graph.EvidenceInput, evidenceURLs)
			for i := range evidence {
				evidence[i] = []graph.EvidenceInput{{URL: fmt.Sprintf("https://example.org/source/%d", i)}}
			}
			var err error
			s.each(func(n int, g *stmt) {
				if err == nil {
					err = yield(s.statementInput(n, g, evidence))
				}
			})
			return err
		},
	}
}

// statementInput is statement n as an input, citing evidence[n mod its length].
func (s *Source) statementInput(n int, g *stmt, evidence [][]graph.EvidenceInput) graph.StatementInput {
	in := graph.StatementInput{Type: g.typ, From: s.Keys[g.from], To: s.Keys[g.to], Status: g.status, Date: g.date,
		Evidence: evidence[n%evidenceURLs]}
	if g.hasFrom {
		in.ValidFrom = validFrom
	}
	if g.hasTo {
		in.ValidTo = validTo
	}
	if g.claimedBy >= 0 {
		in.ClaimedBy = s.Keys[g.claimedBy]
	}
	return in
}

// Generate builds the whole graph in memory. Kinds are assigned by index:
// 30% datasets, 25% models, 15% organisations, 10% products, 8% people, 5%
// documents, 4% disputes, 3% licences. About 70% of statements are data
// flow, 15% holding and 15% other relations; targets of data flow are drawn
// from a Zipf distribution, so a few datasets and models are hubs. For large
// graphs use NewSource, which never holds them whole.
func Generate(c Config) *Graph {
	s := NewSource(c)
	g := &Graph{Hubs: s.Hubs, Keys: s.Keys}
	s.Batches(0, func(b *graph.Batch) error {
		g.Batch = &graph.Batch{Entities: b.Entities, Statements: slices.Clone(b.Statements)}
		return nil
	})
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
// (fixed by seed). The seeds are distinct entities as long as the graph has
// n of them.
func (g *Graph) Seeds(n int, seed uint64) []string { return seeds(g.Hubs, g.Keys, n, seed) }

// Seeds is Graph.Seeds for a Source: the same seeds for the same graph.
func (s *Source) Seeds(n int, seed uint64) []string { return seeds(s.Hubs, s.Keys, n, seed) }

func seeds(hubs, keys []string, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	var out []string
	taken := map[string]bool{}
	for _, h := range hubs {
		if len(out) >= n/5 {
			break
		}
		out = append(out, h)
		taken[h] = true
	}
	for len(out) < n {
		k := keys[r.IntN(len(keys))]
		if taken[k] && len(taken) < len(keys) {
			continue
		}
		taken[k] = true
		out = append(out, k)
	}
	return out
}
