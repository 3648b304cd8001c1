package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/google/uuid"
	"github.com/whosedata/whosedata/graph"
)

// The property test applies random operations to the store and to a naive
// model written here, and after every batch compares lineage, paths and
// look-ups, and runs Verify.

type mStmt struct {
	id      uuid.UUID
	status  graph.ClaimStatus // current (RETRACTED once retracted)
	date    graph.Date
	content string
}

type mRel struct {
	from, to string
	typ      graph.RelationType
	vFrom    graph.Date
	vTo      graph.Date
	stmts    []*mStmt
}

type model struct {
	kind   map[string]graph.EntityKind // live entities by key
	canon  map[string]string           // every key ever seen -> live key
	rels   map[string]*mRel            // "from|type|to"
	byStmt map[uuid.UUID]*mStmt
}

func newModel() *model {
	return &model{kind: map[string]graph.EntityKind{}, canon: map[string]string{}, rels: map[string]*mRel{}, byStmt: map[uuid.UUID]*mStmt{}}
}

func relKey(from string, t graph.RelationType, to string) string {
	return from + "|" + t.String() + "|" + to
}

// effective is SPEC §1's rule, written out independently of the store.
func mEffective(stmts []*mStmt, asOf graph.Date) graph.ClaimStatus {
	has := map[graph.ClaimStatus]bool{}
	for _, s := range stmts {
		if s.status == graph.Retracted {
			continue
		}
		if !asOf.IsZero() && !s.date.IsZero() && s.date.Start() > asOf.End() {
			continue
		}
		has[s.status] = true
	}
	for _, s := range []graph.ClaimStatus{graph.Ruled, graph.Confirmed, graph.Asserted} {
		if has[s] {
			return s
		}
	}
	switch {
	case has[graph.Alleged] && has[graph.Denied]:
		return graph.Disputed
	case has[graph.Alleged]:
		return graph.Alleged
	case has[graph.Denied]:
		return graph.Denied
	}
	return graph.Retracted
}

func (m *model) status(r *mRel, asOf graph.Date) (graph.ClaimStatus, bool) {
	if !asOf.IsZero() {
		if !r.vFrom.IsZero() && r.vFrom.Start() > asOf.End() {
			return 0, false
		}
		if !r.vTo.IsZero() && r.vTo.End() < asOf.Start() {
			return 0, false
		}
	}
	return mEffective(r.stmts, asOf), true
}

type mHit struct {
	depth  int
	status graph.ClaimStatus
}

// lineage enumerates every simple walk the SPEC allows and keeps, per hit,
// the shortest, then strongest.
func (m *model) lineage(x string, down bool, minStatus graph.ClaimStatus, asOf graph.Date, maxDepth int) map[string]mHit {
	ok := func(r *mRel) (graph.ClaimStatus, bool) {
		s, valid := m.status(r, asOf)
		return s, valid && s >= minStatus
	}
	assets := map[string]bool{}
	if down {
		for _, r := range m.rels {
			if _, e := ok(r); e && r.from == x && r.typ.IsHolding() {
				assets[r.to] = true
			}
		}
	}
	isHit := func(n string) bool { return n != x && !assets[n] }
	best := map[string]mHit{}
	offer := func(n string, d int, s graph.ClaimStatus) {
		if !isHit(n) {
			return
		}
		if b, seen := best[n]; !seen || d < b.depth || (d == b.depth && s > b.status) {
			best[n] = mHit{d, s}
		}
	}
	var walk func(u string, d int, s graph.ClaimStatus, onPath map[string]bool)
	walk = func(u string, d int, s graph.ClaimStatus, onPath map[string]bool) {
		if d >= maxDepth {
			return
		}
		for _, r := range m.rels {
			st, e := ok(r)
			if !e {
				continue
			}
			var v string
			switch {
			case down && d == 0 && u == x && r.typ.IsHolding() && r.from == x:
				v = r.to
			case down && r.typ.IsDataFlow() && r.to == u:
				v = r.from
			case !down && r.typ.IsDataFlow() && r.from == u:
				v = r.to
			default:
				continue
			}
			if onPath[v] {
				continue
			}
			ns := min(s, st)
			offer(v, d+1, ns)
			onPath[v] = true
			walk(v, d+1, ns, onPath)
			delete(onPath, v)
		}
		// holders of a hit reached by data flow, one step further
		if u != x && isHit(u) && d < maxDepth {
			for _, r := range m.rels {
				if st, e := ok(r); e && r.typ.IsHolding() && r.to == u && !onPath[r.from] {
					offer(r.from, d+1, min(s, st))
				}
			}
		}
	}
	walk(x, 0, graph.Ruled, map[string]bool{x: true})
	return best
}

// pathLengths lists the lengths of every simple undirected path from a to b
// of at most maxDepth non-retracted relations, sorted.
func (m *model) pathLengths(a, b string, maxDepth int) []int {
	var out []int
	var walk func(u string, d int, on map[string]bool)
	walk = func(u string, d int, on map[string]bool) {
		if u == b {
			out = append(out, d)
			return
		}
		if d == maxDepth {
			return
		}
		for _, r := range m.rels {
			if s, _ := m.status(r, graph.Date{}); s < graph.Denied {
				continue
			}
			var v string
			switch u {
			case r.from:
				v = r.to
			case r.to:
				v = r.from
			default:
				continue
			}
			if on[v] {
				continue
			}
			on[v] = true
			walk(v, d+1, on)
			delete(on, v)
		}
	}
	walk(a, 0, map[string]bool{a: true})
	sort.Ints(out)
	return out
}

func (m *model) merge(keep, dup string) {
	for k, r := range m.rels {
		if r.from != dup && r.to != dup {
			continue
		}
		delete(m.rels, k)
		nf, nt := r.from, r.to
		if nf == dup {
			nf = keep
		}
		if nt == dup {
			nt = keep
		}
		nk := relKey(nf, r.typ, nt)
		target, ok := m.rels[nk]
		if !ok {
			target = &mRel{from: nf, to: nt, typ: r.typ}
			m.rels[nk] = target
		}
		if target.vFrom.IsZero() {
			target.vFrom = r.vFrom
		}
		if target.vTo.IsZero() {
			target.vTo = r.vTo
		}
		for _, s := range r.stmts {
			if !slices.Contains(target.stmts, s) {
				target.stmts = append(target.stmts, s)
			}
		}
	}
	delete(m.kind, dup)
	for k, v := range m.canon {
		if v == dup {
			m.canon[k] = keep
		}
	}
}

var propTypes = []graph.RelationType{graph.TrainedOn, graph.FineTunedFrom, graph.DerivedFrom, graph.GeneratedBy,
	graph.BuiltOn, graph.Owns, graph.Created, graph.Developed, graph.LicensedTo, graph.RelatedTo}

var propStatuses = []graph.ClaimStatus{graph.Asserted, graph.Alleged, graph.Alleged, graph.Denied, graph.Confirmed, graph.Ruled, graph.Retracted}

var propDates = []string{"", "", "2021", "2022-06", "2023-04-19", "2024-01", "2025"}

func randDate(r *rand.Rand) graph.Date { return graph.MustParseDate(propDates[r.IntN(len(propDates))]) }

func TestPropertyAgainstModel(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runProperty(t, uint64(seed)) })
	}
}

func runProperty(t *testing.T, seed uint64) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 99))
	s := openTest(t)
	totalHits := 0
	m := newModel()
	const nKeys = 14
	keyOf := func(i int) string { return fmt.Sprintf("e%d", i) }
	kindOf := func(i int) graph.EntityKind { return graph.AllKinds[i%len(graph.AllKinds)] }
	liveKeys := func() []string {
		var ks []string
		for k := range m.kind {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	for batch := 0; batch < 12; batch++ {
		for op := 0; op < 25; op++ {
			switch p := r.IntN(100); {
			case p < 20 || len(m.kind) < 3: // upsert
				i := r.IntN(nKeys)
				key := keyOf(i)
				if _, merged := m.canon[key]; merged && m.canon[key] != key {
					continue // a merged key now names its keeper: skip
				}
				kind := kindOf(i)
				wrongKind := r.IntN(10) == 0
				if wrongKind {
					kind = kindOf(i + 1)
				}
				_, err := s.UpsertEntity(ctx, graph.EntityInput{Key: key, Kind: kind, Name: "Entity " + key,
					Aliases: []string{fmt.Sprintf("nick %d", r.IntN(4))}})
				had, exists := m.kind[key]
				switch {
				case exists && had != kind:
					if !errors.Is(err, graph.ErrConflict) {
						t.Fatalf("upsert %s with a new kind: %v, want ErrConflict", key, err)
					}
				case err != nil:
					t.Fatalf("upsert %s: %v", key, err)
				default:
					if !exists {
						m.kind[key] = kind
						m.canon[key] = key
					}
				}
			case p < 70: // statement
				ks := liveKeys()
				from, to := ks[r.IntN(len(ks))], ks[r.IntN(len(ks))]
				typ := propTypes[r.IntN(len(propTypes))]
				in := graph.StatementInput{Type: typ, From: from, To: to, Status: propStatuses[r.IntN(len(propStatuses))],
					Date: randDate(r), Note: fmt.Sprint("n", r.IntN(3))}
				if r.IntN(4) == 0 {
					in.ValidFrom = graph.MustParseDate("2022")
				}
				if r.IntN(5) == 0 {
					in.ValidTo = graph.MustParseDate("2024-06")
				}
				rel, err := addOrImport(s, in)
				if err != nil {
					t.Fatalf("add statement %+v: %v", in, err)
				}
				k := relKey(from, typ, to)
				mr := m.rels[k]
				if mr == nil {
					mr = &mRel{from: from, to: to, typ: typ}
					m.rels[k] = mr
				}
				if !in.ValidFrom.IsZero() {
					mr.vFrom = in.ValidFrom
				}
				if !in.ValidTo.IsZero() {
					mr.vTo = in.ValidTo
				}
				for _, st := range rel.Statements {
					if m.byStmt[st.ID] == nil {
						ms := &mStmt{id: st.ID, status: in.Status, date: in.Date}
						m.byStmt[st.ID] = ms
						mr.stmts = append(mr.stmts, ms)
					}
				}
				if rel.Status != mEffective(mr.stmts, graph.Date{}) {
					t.Fatalf("relation %s status %s, model %s", k, rel.Status, mEffective(mr.stmts, graph.Date{}))
				}
			case p < 82: // retract
				if len(m.byStmt) == 0 {
					continue
				}
				ids := make([]uuid.UUID, 0, len(m.byStmt))
				for id := range m.byStmt {
					ids = append(ids, id)
				}
				slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
				ms := m.byStmt[ids[r.IntN(len(ids))]]
				_, err := s.RetractStatement(ctx, ms.id, "test retraction")
				if ms.status == graph.Retracted {
					if !errors.Is(err, graph.ErrConflict) {
						t.Fatalf("retract twice: %v", err)
					}
				} else if err != nil {
					t.Fatalf("retract: %v", err)
				}
				ms.status = graph.Retracted
			case p < 90: // merge
				ks := liveKeys()
				keep, dup := ks[r.IntN(len(ks))], ks[r.IntN(len(ks))]
				_, err := s.MergeEntities(ctx, keep, dup)
				if keep == dup {
					if !errors.Is(err, graph.ErrInvalid) {
						t.Fatalf("self-merge: %v", err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("merge %s <- %s: %v", keep, dup, err)
				}
				m.merge(keep, dup)
			default: // alias
				ks := liveKeys()
				if _, err := s.AddAlias(ctx, ks[r.IntN(len(ks))], fmt.Sprintf("nick %d", r.IntN(4))); err != nil {
					t.Fatalf("alias: %v", err)
				}
			}
		}
		mustVerify(t, s)
		totalHits += compareModel(t, s, m, r)
	}
	if totalHits == 0 {
		t.Fatal("no lineage query found any hit: the comparison tested nothing")
	}
}

func compareModel(t *testing.T, s *graph.Store, m *model, r *rand.Rand) (hitsSeen int) {
	t.Helper()
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != len(m.kind) || st.Relations != len(m.rels) || st.Statements != len(m.byStmt) {
		t.Fatalf("stats %d/%d/%d, model %d/%d/%d", st.Entities, st.Relations, st.Statements, len(m.kind), len(m.rels), len(m.byStmt))
	}
	for old, live := range m.canon {
		e, err := s.Entity(ctx, old)
		if err != nil || e.Key != live {
			t.Fatalf("entity(%s) = %v, %v; want %s", old, e, err, live)
		}
	}
	keys := make([]string, 0, len(m.kind))
	for k := range m.kind {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for q := 0; q < 20; q++ {
		x := keys[r.IntN(len(keys))]
		down := r.IntN(2) == 0
		opts := graph.LineageOptions{Direction: graph.Upstream, Paths: true}
		if down {
			opts.Direction = graph.Downstream
		}
		minStatus := graph.Disputed
		if r.IntN(3) == 0 {
			opts.MinStatus = []graph.ClaimStatus{graph.Retracted, graph.Denied, graph.Alleged, graph.Asserted}[r.IntN(4)]
			minStatus = opts.MinStatus
		}
		if r.IntN(3) == 0 {
			opts.AsOf = randDate(r)
		}
		maxDepth := len(keys) + 2
		if r.IntN(2) == 0 {
			opts.MaxDepth = 1 + r.IntN(4)
			maxDepth = opts.MaxDepth
		}
		want := m.lineage(x, down, minStatus, opts.AsOf, maxDepth)
		hits, err := s.Lineage(ctx, x, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]mHit{}
		hitsSeen += len(hits)
		for i, h := range hits {
			got[h.Entity.Key] = mHit{h.Depth, h.Status}
			checkPath(t, x, h, opts)
			if i > 0 && (hits[i-1].Depth > h.Depth || (hits[i-1].Depth == h.Depth && hits[i-1].Status < h.Status)) {
				t.Fatalf("hits out of order at %d", i)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("lineage %s of %s %+v:\n got  %v\n want %v", opts.Direction, x, opts, got, want)
		}
		a, b := keys[r.IntN(len(keys))], keys[r.IntN(len(keys))]
		if a == b {
			continue
		}
		depth := 1 + r.IntN(4)
		paths, err := s.Paths(ctx, a, b, graph.PathOptions{MaxDepth: depth, First: 4})
		if err != nil {
			t.Fatal(err)
		}
		wantLens := m.pathLengths(a, b, depth)
		if len(wantLens) > 4 {
			wantLens = wantLens[:4]
		}
		var gotLens []int
		seen := map[string]bool{}
		for _, p := range paths {
			gotLens = append(gotLens, len(p.Relations))
			sig := ""
			for _, rel := range p.Relations {
				sig += rel.ID.String()
			}
			if seen[sig] {
				t.Fatalf("paths %s-%s: duplicate path", a, b)
			}
			seen[sig] = true
			checkUndirected(t, a, b, p)
		}
		if fmt.Sprint(gotLens) != fmt.Sprint(wantLens) {
			t.Fatalf("paths %s-%s depth %d: lengths %v, want %v", a, b, depth, gotLens, wantLens)
		}
	}
	return hitsSeen
}

// checkPath checks a lineage path joins x to the hit with as many relations as
// its depth, and the hit's status is the weakest along it.
func checkPath(t *testing.T, x string, h graph.LineageHit, opts graph.LineageOptions) {
	t.Helper()
	if len(h.Path) != h.Depth {
		t.Fatalf("hit %s depth %d but path of %d", h.Entity.Key, h.Depth, len(h.Path))
	}
	at := x
	weakest := graph.Ruled
	for _, rel := range h.Path {
		switch at {
		case rel.From.Key:
			at = rel.To.Key
		case rel.To.Key:
			at = rel.From.Key
		default:
			t.Fatalf("hit %s: path breaks at %s", h.Entity.Key, at)
		}
		if opts.AsOf.IsZero() {
			weakest = min(weakest, rel.Status)
		}
	}
	if at != h.Entity.Key {
		t.Fatalf("path ends at %s, not %s", at, h.Entity.Key)
	}
	if opts.AsOf.IsZero() && weakest != h.Status {
		t.Fatalf("hit %s status %s but weakest on path %s", h.Entity.Key, h.Status, weakest)
	}
}

func checkUndirected(t *testing.T, a, b string, p graph.Path) {
	t.Helper()
	at := a
	on := map[string]bool{a: true}
	for _, rel := range p.Relations {
		switch at {
		case rel.From.Key:
			at = rel.To.Key
		case rel.To.Key:
			at = rel.From.Key
		default:
			t.Fatalf("path %s-%s breaks at %s", a, b, at)
		}
		if on[at] {
			t.Fatalf("path %s-%s is not simple", a, b)
		}
		on[at] = true
	}
	if at != b {
		t.Fatalf("path ends at %s, not %s", at, b)
	}
}

// addOrImport adds a statement; one recorded as RETRACTED (which
// AddStatement refuses) goes in through Import, as a file would bring it.
func addOrImport(s *graph.Store, in graph.StatementInput) (*graph.Relation, error) {
	if in.Status != graph.Retracted {
		return s.AddStatement(ctx, in)
	}
	if _, err := s.Import(ctx, &graph.Batch{Statements: []graph.StatementInput{in}}); err != nil {
		return nil, err
	}
	to, err := s.Entity(ctx, in.To)
	if err != nil {
		return nil, err
	}
	page, err := s.EntityRelations(ctx, in.From, graph.Out, []graph.RelationType{in.Type}, graph.Page{First: graph.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Relations {
		if r.To.ID == to.ID {
			return r, nil
		}
	}
	return nil, fmt.Errorf("imported statement's relation not found")
}
