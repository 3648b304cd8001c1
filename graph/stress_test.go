package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/whosedata/whosedata/graph"
)

// stressState is what the workers of TestConcurrentStress share: the keys
// they may name, the statements they may retract, and counts of what
// succeeded, from which the final state of the store follows.
type stressState struct {
	mu    sync.Mutex
	keys  []string    // every key ever created (merged ones still resolve)
	stmts []uuid.UUID // statements added

	created, merges, added, retracted, reads atomic.Int64
	doubleMerges, doubleMergeWins            atomic.Int64
}

func (s *stressState) pick(r *rand.Rand) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[r.IntN(len(s.keys))]
}

func (s *stressState) addKey(k string) {
	s.mu.Lock()
	s.keys = append(s.keys, k)
	s.mu.Unlock()
}

func (s *stressState) addStmt(id uuid.UUID) {
	s.mu.Lock()
	s.stmts = append(s.stmts, id)
	s.mu.Unlock()
}

func (s *stressState) pickStmt(r *rand.Rand) (uuid.UUID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.stmts) == 0 {
		return uuid.Nil, false
	}
	return s.stmts[r.IntN(len(s.stmts))], true
}

// cleanErr reports whether err is nil or one of the errors a caller is
// told to expect; anything else (a corrupt record, a raw Badger error) is a
// bug.
func cleanErr(err error, allowed ...error) bool {
	if err == nil {
		return true
	}
	for _, a := range allowed {
		if errors.Is(err, a) {
			return true
		}
	}
	return false
}

// TestConcurrentStress runs writers and readers against one store at once:
// statements added and retracted, entities created, aliased and merged (some
// pairs merged by two goroutines at the same moment), and lineage, paths,
// search and look-ups in between. Afterwards Verify must find nothing wrong
// and the counts must follow from what succeeded. Run it with -race.
func TestConcurrentStress(t *testing.T) {
	workers, ops := 8, 80
	if testing.Short() {
		ops = 20
	}
	st, err := graph.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()

	state := &stressState{}
	const seeds = 12
	for i := range seeds {
		key := fmt.Sprintf("seed-%d", i)
		if _, err := st.UpsertEntity(ctx, graph.EntityInput{Key: key, Kind: graph.Organization, Name: fmt.Sprintf("Seed %d", i)}); err != nil {
			t.Fatal(err)
		}
		state.addKey(key)
	}
	types := []graph.RelationType{graph.TrainedOn, graph.Owns, graph.DerivedFrom, graph.LicensedTo, graph.SourcedFrom}
	statuses := []graph.ClaimStatus{graph.Asserted, graph.Alleged, graph.Denied, graph.Confirmed, graph.Ruled}

	start := time.Now()
	errc := make(chan error, workers*ops)
	fail := func(format string, args ...any) { errc <- fmt.Errorf(format, args...) }
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 0x5eed))
			for i := range ops {
				switch op := r.IntN(100); {
				case op < 15: // a new entity
					key := fmt.Sprintf("w%d-e%d", w, i)
					_, err := st.UpsertEntity(ctx, graph.EntityInput{Key: key, Kind: graph.Organization,
						Name: fmt.Sprintf("Worker %d entity %d", w, i), Aliases: []string{fmt.Sprintf("W%d E%d", w, i)}})
					if err != nil {
						fail("UpsertEntity %s: %v", key, err)
						continue
					}
					state.created.Add(1)
					state.addKey(key)
				case op < 45: // a statement, each unique by its note
					note := fmt.Sprintf("w%d-op%d", w, i)
					rel, err := st.AddStatement(ctx, graph.StatementInput{
						Type: types[r.IntN(len(types))], From: state.pick(r), To: state.pick(r),
						Status: statuses[r.IntN(len(statuses))], Note: note,
						Date: graph.Date{Year: int16(2015 + r.IntN(10))},
					})
					if err != nil {
						if !cleanErr(err, graph.ErrInvalid) {
							fail("AddStatement: %v", err)
						}
						continue
					}
					found := false
					for _, s := range rel.Statements {
						if s.Note == note {
							state.addStmt(s.ID)
							found = true
						}
					}
					if !found {
						fail("AddStatement: the relation returned lacks statement %s", note)
					}
					state.added.Add(1)
				case op < 55: // retract; another worker may have been first
					id, ok := state.pickStmt(r)
					if !ok {
						continue
					}
					_, err := st.RetractStatement(ctx, id, "stress")
					switch {
					case err == nil:
						state.retracted.Add(1)
					case !cleanErr(err, graph.ErrConflict):
						fail("RetractStatement %s: %v", id, err)
					}
				case op < 62: // merge
					keep, dup := state.pick(r), state.pick(r)
					_, err := st.MergeEntities(ctx, keep, dup)
					switch {
					case err == nil:
						state.merges.Add(1)
					case !cleanErr(err, graph.ErrInvalid):
						fail("MergeEntities(%s, %s): %v", keep, dup, err)
					}
				case op < 67: // the same pair merged twice at once, one way or both
					a, b := state.pick(r), state.pick(r)
					pairs := [2][2]string{{a, b}, {a, b}}
					if r.IntN(2) == 0 {
						pairs[1] = [2]string{b, a}
					}
					var wins atomic.Int64
					var both sync.WaitGroup
					for _, p := range pairs {
						both.Go(func() {
							_, err := st.MergeEntities(ctx, p[0], p[1])
							switch {
							case err == nil:
								wins.Add(1)
							case !cleanErr(err, graph.ErrInvalid, graph.ErrNotFound):
								fail("concurrent MergeEntities(%s, %s): %v", p[0], p[1], err)
							}
						})
					}
					both.Wait()
					if wins.Load() > 1 {
						fail("both concurrent merges of %s and %s succeeded", a, b)
					}
					state.merges.Add(wins.Load())
					state.doubleMerges.Add(1)
					state.doubleMergeWins.Add(wins.Load())
				case op < 72: // alias
					ref := state.pick(r)
					if _, err := st.AddAlias(ctx, ref, fmt.Sprintf("Alias %d %d", w, i)); !cleanErr(err, graph.ErrLimit) {
						fail("AddAlias %s: %v", ref, err)
					}
				default: // reads
					state.reads.Add(1)
					a, b := state.pick(r), state.pick(r)
					dir := graph.Downstream
					if r.IntN(2) == 0 {
						dir = graph.Upstream
					}
					if _, err := st.Lineage(ctx, a, graph.LineageOptions{Direction: dir, Paths: true}); err != nil {
						fail("Lineage %s: %v", a, err)
					}
					if _, err := st.Paths(ctx, a, b, graph.PathOptions{}); !cleanErr(err, graph.ErrInvalid) {
						fail("Paths %s %s: %v", a, b, err)
					}
					if _, err := st.Search(ctx, "worker", nil, 10); err != nil {
						fail("Search: %v", err)
					}
					e, err := st.Entity(ctx, a)
					if err != nil {
						fail("Entity %s: %v", a, err)
						continue
					}
					if _, err := st.EntityRelations(ctx, e.ID.String(), graph.Both, nil, graph.Page{}); err != nil {
						fail("EntityRelations %s: %v", e.Key, err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	elapsed := time.Since(start)

	rep, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("Verify after the stress: %d problems, first: %v", len(rep.Problems), rep.Problems[:min(5, len(rep.Problems))])
	}

	// What the store holds follows from what succeeded.
	wantEntities := seeds + int(state.created.Load()-state.merges.Load())
	wantStatements := int(state.added.Load())
	wantRetracted := int(state.retracted.Load())
	notes := map[string]bool{}
	var entities, relations, statements, retracted int
	if err := st.ForEachEntity(ctx, func(*graph.Entity) error { entities++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ForEachRelation(ctx, func(r *graph.Relation) error {
		relations++
		for _, s := range r.Statements {
			notes[s.Note] = true
			statements++
			if s.Status == graph.Retracted {
				retracted++
			}
		}
		if want := graph.EffectiveStatus(stmtStatuses(r)...); r.Status != want {
			t.Errorf("relation %s: status %s, its statements give %s", r.ID, r.Status, want)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what            string
		got, walk, want int
	}{
		{"entities", stats.Entities, entities, wantEntities},
		{"statements", stats.Statements, statements, wantStatements},
		{"retracted statements", stats.StatementsByStatus[graph.Retracted], retracted, wantRetracted},
		{"relations", stats.Relations, relations, relations},
	} {
		if c.got != c.want || c.walk != c.want {
			t.Errorf("%s: Stats %d, records %d, want %d", c.what, c.got, c.walk, c.want)
		}
	}
	// Every statement added is still there, under whatever its ends became.
	state.mu.Lock()
	for _, id := range state.stmts {
		if _, err := st.Statement(ctx, id); err != nil {
			t.Errorf("statement %s: %v", id, err)
		}
	}
	state.mu.Unlock()
	t.Logf("%d workers x %d ops in %v: %d entities created, %d merges (%d double merges, %d won), %d statements, %d retracted, %d read rounds; now %d entities, %d relations",
		workers, ops, elapsed.Round(time.Millisecond), state.created.Load(), state.merges.Load(), state.doubleMerges.Load(),
		state.doubleMergeWins.Load(), state.added.Load(), state.retracted.Load(), state.reads.Load(), entities, relations)
}

func stmtStatuses(r *graph.Relation) []graph.ClaimStatus {
	out := make([]graph.ClaimStatus, len(r.Statements))
	for i, s := range r.Statements {
		out[i] = s.Status
	}
	return out
}
