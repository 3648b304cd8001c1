package graph_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/whosedata/whosedata/graph"
)

// recordedOp is one write of TestRecordedAsOfAgainstReplay, applied at a
// given store time.
type recordedOp struct {
	at    time.Time
	apply func(s *graph.Store, ids map[string]uuid.UUID) error
}

// TestRecordedAsOfAgainstReplay checks SPEC §8's "as recorded" against its
// definition: asked with recordedAsOf T, a store must answer as a store built
// from only the writes recorded by T (same writes, same clock) answers now.
// Random entities, statements of every status, dates, retractions, dispute
// events and their retractions, and dated aliases; lineage both ways (with
// and without asOf), relations, stats and dispute states are compared for
// every entity at several past instants.
func TestRecordedAsOfAgainstReplay(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runRecordedReplay(t, seed) })
	}
}

func runRecordedReplay(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ops []recordedOp
	keys := []string{}
	kinds := []graph.EntityKind{graph.Organization, graph.Dataset, graph.Model, graph.Product, graph.Person, graph.Dispute}
	statuses := []graph.ClaimStatus{graph.Asserted, graph.Alleged, graph.Denied, graph.Confirmed, graph.Ruled}
	types := []graph.RelationType{graph.TrainedOn, graph.Owns, graph.DerivedFrom, graph.Developed, graph.BuiltOn, graph.PartyTo}
	var stmtKeys, eventKeys []string // names of statements and events, resolved through ids at replay
	at := start
	for i := range 60 {
		at = at.Add(time.Duration(1+r.IntN(3)) * time.Second)
		p := r.IntN(100)
		switch {
		case p < 25 || len(keys) < 3:
			k := fmt.Sprintf("e%d", len(keys))
			kind := kinds[r.IntN(len(kinds))]
			keys = append(keys, k)
			ops = append(ops, recordedOp{at, func(s *graph.Store, _ map[string]uuid.UUID) error {
				_, err := s.UpsertEntity(ctx, graph.EntityInput{Key: k, Kind: kind, Name: "Entity " + k,
					Names: []graph.AliasInput{{Name: "Alias " + k, ValidFrom: graph.MustParseDate("2020")}}})
				return err
			}})
		case p < 70:
			from, to := keys[r.IntN(len(keys))], keys[r.IntN(len(keys))]
			in := graph.StatementInput{Type: types[r.IntN(len(types))], From: from, To: to, Status: statuses[r.IntN(len(statuses))],
				Note: fmt.Sprint("s", i)}
			if r.IntN(2) == 0 {
				in.Date = graph.MustParseDate(fmt.Sprintf("202%d", r.IntN(5)))
			}
			name := fmt.Sprint("st", i)
			stmtKeys = append(stmtKeys, name)
			ops = append(ops, recordedOp{at, func(s *graph.Store, ids map[string]uuid.UUID) error {
				rel, err := s.AddStatement(ctx, in)
				if err != nil {
					return err
				}
				for _, st := range rel.Statements {
					if st.Note == in.Note {
						ids[name] = st.ID
					}
				}
				return nil
			}})
		case p < 82 && len(stmtKeys) > 0:
			name := stmtKeys[r.IntN(len(stmtKeys))]
			ops = append(ops, recordedOp{at, func(s *graph.Store, ids map[string]uuid.UUID) error {
				_, err := s.RetractStatement(ctx, ids[name], "withdrawn")
				if err != nil && strings.Contains(err.Error(), "already retracted") {
					return nil
				}
				return err
			}})
		case p < 94:
			k := keys[r.IntN(len(keys))]
			ev := graph.DisputeEventInput{Date: graph.MustParseDate(fmt.Sprintf("202%d-0%d", r.IntN(5), 1+r.IntN(9))),
				Status: graph.DisputeStatus(1 + r.IntN(7)), Summary: fmt.Sprint("step ", i)}
			name := fmt.Sprint("ev", i)
			eventKeys = append(eventKeys, name)
			ops = append(ops, recordedOp{at, func(s *graph.Store, ids map[string]uuid.UUID) error {
				d, err := s.Entity(ctx, k)
				if err != nil {
					return err
				}
				if d.Kind != graph.Dispute {
					return nil
				}
				if _, err := s.AddDisputeEvent(ctx, k, ev); err != nil {
					return err
				}
				ids[name] = graph.EventID(d.ID, ev.Date, ev.Status, ev.Summary)
				return nil
			}})
		case len(eventKeys) > 0:
			name := eventKeys[r.IntN(len(eventKeys))]
			ops = append(ops, recordedOp{at, func(s *graph.Store, ids map[string]uuid.UUID) error {
				id, ok := ids[name]
				if !ok {
					return nil // its dispute was not a dispute
				}
				_, err := s.RetractDisputeEvent(ctx, id, "misreported")
				if err != nil && strings.Contains(err.Error(), "already retracted") {
					return nil
				}
				return err
			}})
		}
	}
	build := func(until time.Time) *graph.Store {
		var now time.Time
		s, err := graph.Open("", &graph.Options{InMemory: true, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		ids := map[string]uuid.UUID{}
		for _, op := range ops {
			if op.at.After(until) {
				break
			}
			now = op.at
			if err := op.apply(s, ids); err != nil {
				t.Fatalf("op at %s: %v", op.at, err)
			}
		}
		return s
	}
	full := build(at)
	for range 4 {
		cut := start.Add(time.Duration(r.IntN(int(at.Sub(start)/time.Second)+1)) * time.Second)
		past := build(cut)
		compareRecorded(t, full, past, cut, keys)
	}
}

// compareRecorded compares full, asked as recorded at cut, with past asked
// now.
func compareRecorded(t *testing.T, full, past *graph.Store, cut time.Time, keys []string) {
	t.Helper()
	err := full.View(ctx, func(sn *graph.Snapshot) error {
		then := sn.AsRecorded(cut)
		a, err := then.Stats(ctx)
		if err != nil {
			return err
		}
		b, err := past.Stats(ctx)
		if err != nil {
			return err
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("at %s: stats %+v, replay %+v", cut, a, b)
		}
		for _, k := range keys {
			if _, err := past.Entity(ctx, k); err != nil {
				continue // not yet recorded then
			}
			for _, dir := range []graph.LineageDirection{graph.Downstream, graph.Upstream} {
				for _, asOf := range []graph.Date{{}, graph.MustParseDate("2022")} {
					opts := graph.LineageOptions{Direction: dir, AsOf: asOf, MinStatus: graph.Denied}
					ha, err := then.Lineage(ctx, k, opts)
					if err != nil {
						return err
					}
					hb, err := past.Lineage(ctx, k, opts)
					if err != nil {
						return err
					}
					if sa, sb := hitSet(ha), hitSet(hb); sa != sb {
						t.Errorf("at %s, %s of %s (asOf %s):\n as recorded %s\n replayed    %s", cut, dir, k, asOf, sa, sb)
					}
				}
			}
			ra, err := then.EntityRelations(ctx, k, graph.Both, nil, graph.Page{First: graph.MaxPageSize})
			if err != nil {
				return err
			}
			rb, err := past.EntityRelations(ctx, k, graph.Both, nil, graph.Page{First: graph.MaxPageSize})
			if err != nil {
				return err
			}
			if sa, sb := relSet(ra.Relations), relSet(rb.Relations); sa != sb {
				t.Errorf("at %s, relations of %s:\n as recorded %s\n replayed    %s", cut, k, sa, sb)
			}
			e, _ := past.Entity(ctx, k)
			if e.Kind == graph.Dispute {
				sa, err := then.DisputeState(ctx, k, graph.MustParseDate("2023-06"))
				if err != nil {
					return err
				}
				sb, err := past.DisputeState(ctx, k, graph.MustParseDate("2023-06"))
				if err != nil {
					return err
				}
				if sa.Status != sb.Status {
					t.Errorf("at %s, status of dispute %s: %s as recorded, %s replayed", cut, k, sa.Status, sb.Status)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hitSet(hits []graph.LineageHit) string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s/%d/%s", h.Entity.Key, h.Depth, h.Status))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func relSet(rels []*graph.Relation) string {
	var out []string
	for _, r := range rels {
		var st []string
		for _, s := range r.Statements {
			st = append(st, s.Status.String())
		}
		slices.Sort(st)
		out = append(out, fmt.Sprintf("%s-%s-%s:%s[%s]", r.From.Key, r.Type, r.To.Key, r.Status, strings.Join(st, ",")))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}
