package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/whosedata/whosedata/graph/kv"
)

// importBatch is a small graph with every kind of item an import writes:
// entities with aliases, descriptions and attributes, documents cited as
// evidence, a dispute with events, and statements (some naming entities by
// alias, some retracted, some setting validity and attributes).
func importBatch(seed uint64, entities, statements int) *Batch {
	r := rand.New(rand.NewPCG(seed, 7))
	b := &Batch{}
	kinds := []EntityKind{Organization, Dataset, Model, Person, Product}
	for i := range entities {
		in := EntityInput{Key: fmt.Sprintf("e-%d", i), Kind: kinds[i%len(kinds)], Name: fmt.Sprintf("Entity %d", i),
			Description: fmt.Sprintf("word%d scraping item %d", i%13, i)}
		if i%5 == 0 {
			in.Aliases = []string{fmt.Sprintf("Alias %d", i)}
		}
		if i%7 == 0 {
			in.Attributes = []Attribute{{Key: "url", Value: fmt.Sprintf("https://example.org/%d", i)}}
		}
		b.Entities = append(b.Entities, in)
	}
	b.Entities = append(b.Entities,
		EntityInput{Key: "doc-a", Kind: Document, Name: "Doc A"},
		EntityInput{Key: "case-a", Kind: Dispute, Name: "Case A", Events: []DisputeEventInput{
			{Date: MustParseDate("2023-04"), Status: Threatened, Summary: "threatened over scraping",
				Evidence: []EvidenceInput{{Document: "doc-a"}}},
			{Date: MustParseDate("2024-01-02"), Status: Filed, Summary: "filed"}}})
	types := []RelationType{TrainedOn, Owns, DerivedFrom, LicensedTo, BuiltOn}
	statuses := []ClaimStatus{Asserted, Alleged, Denied, Confirmed}
	for i := range statements {
		from, to := r.IntN(entities), r.IntN(entities)
		in := StatementInput{Type: types[r.IntN(len(types))], From: fmt.Sprintf("e-%d", from), To: fmt.Sprintf("e-%d", to),
			Status: statuses[r.IntN(len(statuses))], Date: MustParseDate(fmt.Sprintf("20%02d", 10+r.IntN(14)))}
		if to%5 == 0 {
			in.To = fmt.Sprintf("Alias %d", to)
		}
		switch i % 9 {
		case 1:
			in.Evidence = []EvidenceInput{{Document: "doc-a", Quote: fmt.Sprintf("quote %d about scraping", i)}}
		case 2:
			in.ClaimedBy, in.Dispute = fmt.Sprintf("e-%d", r.IntN(entities)), "case-a"
		case 3:
			in.ValidFrom = MustParseDate("2020")
			in.Attributes = []Attribute{{Key: "method", Value: "finetune"}}
		case 4:
			in.RetractedReason = "withdrawn"
		}
		b.Statements = append(b.Statements, in)
	}
	return b
}

// dumpStore returns every key and value of the store but the change log's
// per-entity index, whose keys name the commit a change was part of (one
// per chunk), and the commit counter, which every commit bumps.
func dumpStore(t *testing.T, s *Store) []byte {
	t.Helper()
	var out bytes.Buffer
	err := s.kv.view(context.Background(), func(r kvReader) error {
		return r.scan(nil, nil, false, func(k, v []byte) (bool, error) {
			if len(k) > 0 && k[0] == pChangeOf || bytes.Equal(k, metaKey(metaHead)) {
				return true, nil
			}
			fmt.Fprintf(&out, "%x=%x\n", k, v)
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func fixedClock() func() time.Time {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { return at }
}

func openChunked(t *testing.T, dir string, chunk int) *Store {
	t.Helper()
	o := &Options{Now: fixedClock(), ImportChunk: chunk}
	if dir == "" {
		o.InMemory = true
	}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func verifyClean(t *testing.T, s *Store) {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
}

// TestStagedImportMatchesOneCommit imports the same batch in chunks of 7
// items and in one commit: the stores hold the same records and indexes
// and report the same counts, and importing it again in chunks changes
// nothing.
func TestStagedImportMatchesOneCommit(t *testing.T) {
	ctx := context.Background()
	b := importBatch(1, 60, 400)
	for _, onDisk := range []bool{false, true} {
		t.Run(fmt.Sprintf("onDisk=%v", onDisk), func(t *testing.T) {
			dir := func() string {
				if onDisk {
					return t.TempDir()
				}
				return ""
			}
			one, staged := openChunked(t, dir(), 0), openChunked(t, dir(), 7)
			want, err := one.Import(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := staged.Import(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			// A relation created in one chunk and given validity in a later
			// one counts as updated too; the rest agree exactly.
			got.RelationsUpdated, want.RelationsUpdated = 0, 0
			if got != want {
				t.Errorf("staged import counts %+v; one commit %+v", got, want)
			}
			if want.StatementsAdded == 0 || want.EventsAdded != 2 {
				t.Fatalf("the batch added too little to test: %+v", want)
			}
			if a, b := dumpStore(t, one), dumpStore(t, staged); !bytes.Equal(a, b) {
				t.Errorf("stores differ after a staged import (%d and %d bytes of dump)", len(a), len(b))
			}
			verifyClean(t, staged)
			before := dumpStore(t, staged)
			again, err := staged.Import(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if again.EntitiesCreated+again.EntitiesUpdated+again.StatementsAdded+again.EventsAdded+again.RelationsCreated+again.RelationsUpdated != 0 ||
				again.Unchanged != len(b.Entities)+len(b.Statements) {
				t.Errorf("importing again: %+v; want everything unchanged", again)
			}
			if !bytes.Equal(before, dumpStore(t, staged)) {
				t.Error("importing the same batch again changed the store")
			}
			// The cache agrees with the records: lineage reads it.
			for _, s := range []*Store{one, staged} {
				st, err := s.Stats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if st.Statements != want.StatementsAdded {
					t.Errorf("stats count %d statements; %d were added", st.Statements, want.StatementsAdded)
				}
			}
		})
	}
}

// TestStagedImportErrorUndoesEverything fails a staged import at its last
// statement, into a store that held data and into an empty one: the store
// is as it was, readers saw the old store throughout, and the next import
// works.
func TestStagedImportErrorUndoesEverything(t *testing.T) {
	ctx := context.Background()
	base := importBatch(2, 20, 30)
	for _, c := range []struct {
		name   string
		prefil bool
	}{{"holding data", true}, {"empty", false}} {
		t.Run(c.name, func(t *testing.T) {
			s := openChunked(t, t.TempDir(), 5)
			if c.prefil {
				if _, err := s.Import(ctx, base); err != nil {
					t.Fatal(err)
				}
			}
			before := dumpStore(t, s)
			b := importBatch(3, 40, 120)
			for i := range b.Entities {
				b.Entities[i].Key = "new-" + b.Entities[i].Key
				b.Entities[i].Name = "New " + b.Entities[i].Name
				b.Entities[i].Aliases = nil
				for j := range b.Entities[i].Events {
					b.Entities[i].Events[j].Evidence = nil
				}
			}
			for i := range b.Statements {
				b.Statements[i].From = "new-" + b.Statements[i].From
				b.Statements[i].To = "new-e-1"
				if b.Statements[i].ClaimedBy != "" {
					b.Statements[i].ClaimedBy = "new-" + b.Statements[i].ClaimedBy
				}
				if b.Statements[i].Dispute != "" {
					b.Statements[i].Dispute = "new-case-a"
				}
				for j := range b.Statements[i].Evidence {
					b.Statements[i].Evidence[j].Document = "new-doc-a"
				}
			}
			last := len(b.Statements) - 1
			b.Statements[last].To = "nobody-at-all"
			_, err := s.Import(ctx, b)
			var ie *ItemError
			if !errors.As(err, &ie) || ie.Section != "statements" || ie.Index != last || !errors.Is(err, ErrNotFound) {
				t.Fatalf("import: %v; want an ItemError for statements[%d] wrapping ErrNotFound", err, last)
			}
			if after := dumpStore(t, s); !bytes.Equal(before, after) {
				t.Errorf("a failed staged import left %d bytes of dump; it had %d", len(after), len(before))
			}
			if _, err := s.Entity(ctx, "new-e-1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("an entity of the failed import is readable: %v", err)
			}
			verifyClean(t, s)
			b.Statements[last].To = "new-e-2"
			res, err := s.Import(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if res.EntitiesCreated != len(b.Entities) {
				t.Errorf("the corrected import created %d entities, want %d", res.EntitiesCreated, len(b.Entities))
			}
			verifyClean(t, s)
		})
	}
}

// TestStagedImportReadersSeeTheOldStore reads the store from inside a
// staged import, after chunks were written: readers see the store as it was
// before the import, and everything at once after it.
func TestStagedImportReadersSeeTheOldStore(t *testing.T) {
	ctx := context.Background()
	s := openChunked(t, t.TempDir(), 4)
	if _, err := s.Import(ctx, importBatch(4, 10, 10)); err != nil {
		t.Fatal(err)
	}
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = before
	b := importBatch(5, 30, 60)
	for i := range b.Entities {
		b.Entities[i].Key, b.Entities[i].Aliases = "x-"+b.Entities[i].Key, nil
		b.Entities[i].Name = "X " + b.Entities[i].Name
	}
	for i := range b.Statements {
		b.Statements[i].From, b.Statements[i].To = "x-"+b.Statements[i].From, "x-e-1"
		b.Statements[i].ClaimedBy, b.Statements[i].Dispute, b.Statements[i].Evidence = "", "", nil
	}
	n, checked := 0, 0
	res, err := s.ImportStream(ctx, Stream{
		Entities: yieldAll(b.Entities),
		Statements: func(yield func(StatementInput) error) error {
			for _, in := range b.Statements {
				n++
				if n%10 == 0 {
					mid, err := s.Stats(ctx)
					if err != nil {
						return err
					}
					if mid.Entities != before.Entities || mid.Statements != before.Statements || mid.Relations != before.Relations {
						t.Errorf("after %d statements of a staged import a reader sees %+v; before it %+v", n, mid, before)
					}
					if _, err := s.Entity(ctx, "x-e-1"); !errors.Is(err, ErrNotFound) {
						t.Errorf("a reader sees an entity of an unfinished import: %v", err)
					}
					checked++
				}
				if err := yield(in); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if err != nil || checked == 0 {
		t.Fatalf("import: %v (checked %d times)", err, checked)
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Entities != before.Entities+res.EntitiesCreated {
		t.Errorf("after the import: %d entities; want %d", after.Entities, before.Entities+res.EntitiesCreated)
	}
	if _, err := s.Entity(ctx, "x-e-1"); err != nil {
		t.Errorf("after the import: %v", err)
	}
}

// TestStagedImportCancelled cancels a staged import part-way: it returns
// the context's error and leaves the store as it was.
func TestStagedImportCancelled(t *testing.T) {
	s := openChunked(t, t.TempDir(), 3)
	if _, err := s.Import(context.Background(), importBatch(6, 10, 10)); err != nil {
		t.Fatal(err)
	}
	before := dumpStore(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := importBatch(7, 20, 3000)
	n := 0
	_, err := s.ImportStream(ctx, Stream{
		Entities: yieldAll(b.Entities),
		Statements: func(yield func(StatementInput) error) error {
			for _, in := range b.Statements {
				if n++; n == 1500 {
					cancel()
				}
				if err := yield(in); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import: %v; want context.Canceled", err)
	}
	if n >= len(b.Statements) {
		t.Errorf("the import read all %d statements after it was cancelled", n)
	}
	if !bytes.Equal(before, dumpStore(t, s)) {
		t.Error("a cancelled import changed the store")
	}
}

// crashMidImport writes two chunks of a staged import of b into the store
// in dir, then closes the engine as a crash would leave it (without
// committing); with committed, it crashes after the commit mark instead.
func crashMidImport(t *testing.T, dir string, b *Batch, committed bool) {
	t.Helper()
	s, err := Open(dir, &Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	st, ok := s.kv.(stager)
	if !ok || !st.stageable() {
		t.Skip("the engine has no staged writes")
	}
	ctx := context.Background()
	s.wmu.Lock()
	stage, err := st.beginStaged(ctx, s.nextEnt == 1)
	if err != nil {
		t.Fatal(err)
	}
	half := len(b.Statements) / 2
	g := s.current()
	for _, part := range [][]StatementInput{b.Statements[:half], b.Statements[half:]} {
		err := s.kv.view(context.Background(), func(r kvReader) error {
			tx := newWtx(s, r, g)
			for _, in := range b.Entities {
				if _, _, err := tx.upsertEntity("", in); err != nil {
					return err
				}
			}
			for _, in := range part {
				if _, _, err := tx.addStatement("", in); err != nil && !errors.Is(err, errRetractedAgain) {
					return err
				}
			}
			if err := stage.apply(ctx, tx.ops()); err != nil {
				return err
			}
			s.nextSeq = max(s.nextSeq, tx.nextSeq)
			s.counts = tx.counts
			// The store's counters and cache follow the chunks, as the
			// importer's do.
			g = g.next()
			tx.applyMem(g)
			g.seal()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	j := s.kv.(*journaled)
	if committed {
		if err := j.setOne(ctx, undoCommitKey(), nil); err != nil {
			t.Fatal(err)
		}
	}
	s.wmu.Unlock()
	// A crash: the engine's files stay as they are, the store is dropped.
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
}

// TestStagedImportCrash leaves a staged import half written, as a crash
// would, and reopens the store: an uncommitted import is undone (into a
// store that held data, by its undo record; into an empty one, by emptying
// it), a committed one is kept and its undo record forgotten.
func TestStagedImportCrash(t *testing.T) {
	ctx := context.Background()
	base, add := importBatch(8, 15, 20), importBatch(9, 15, 80)
	for i := range add.Entities {
		add.Entities[i].Key, add.Entities[i].Aliases = "y-"+add.Entities[i].Key, nil
		add.Entities[i].Name = "Y " + add.Entities[i].Name
	}
	for i := range add.Statements {
		add.Statements[i].From, add.Statements[i].To = "y-"+add.Statements[i].From, "e-1"
		add.Statements[i].ClaimedBy, add.Statements[i].Dispute, add.Statements[i].Evidence = "", "", nil
	}
	for _, c := range []struct {
		name              string
		prefil, committed bool
	}{{"holding data", true, false}, {"empty", false, false}, {"committed", true, true}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var before []byte
			{
				s := openChunked(t, dir, 0)
				if c.prefil {
					if _, err := s.Import(ctx, base); err != nil {
						t.Fatal(err)
					}
				}
				before = dumpStore(t, s)
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
			b := add
			if !c.prefil {
				b = &Batch{Entities: append(append([]EntityInput{}, base.Entities...), add.Entities...), Statements: add.Statements}
			}
			crashMidImport(t, dir, b, c.committed)
			s := openChunked(t, dir, 0)
			after := dumpStore(t, s)
			if bytes.Contains(after, []byte(fmt.Sprintf("%x", undoPrefix()))) {
				t.Error("the undo record survived the reopen")
			}
			if bytes.Contains(after, []byte(fmt.Sprintf("%x=", metaKey(metaFirstLoad)))) {
				t.Error("the first-load marker survived the reopen")
			}
			_, err := s.Entity(ctx, "y-e-1")
			if c.committed {
				if err != nil {
					t.Errorf("a committed import is gone after the crash: %v", err)
				}
			} else {
				if !c.prefil {
					// Emptying the store keeps its meta keys, the change
					// counter (which only moves forward) among them.
					before, after = dropLines(before, "00"+fmt.Sprintf("%x", "changes")), dropLines(after, "00"+fmt.Sprintf("%x", "changes"))
				}
				if !bytes.Equal(before, after) {
					t.Errorf("reopening after a crash mid-import left %d bytes of dump; it had %d", len(after), len(before))
				}
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("an entity of the interrupted import is readable: %v", err)
				}
			}
			verifyClean(t, s)
		})
	}
}

// dropLines removes the lines of a dump that start with prefix.
func dropLines(dump []byte, prefix string) []byte {
	var out []byte
	for _, l := range bytes.SplitAfter(dump, []byte("\n")) {
		if !bytes.HasPrefix(l, []byte(prefix+"=")) {
			out = append(out, l...)
		}
	}
	return out
}

// TestItemErrorField checks that an import's item errors name the field at
// fault, so importers need not read the message.
func TestItemErrorField(t *testing.T) {
	ctx := context.Background()
	s := openChunked(t, "", 0)
	base := []EntityInput{{Key: "acme", Kind: Organization, Name: "Acme"}, {Key: "posts", Kind: Dataset, Name: "Posts"}}
	long := string(bytes.Repeat([]byte("x"), MaxTextLen+1))
	for _, c := range []struct {
		name  string
		b     Batch
		field string
	}{
		{"missing end", Batch{Statements: []StatementInput{{Type: Owns, From: "acme", To: "nobody", Status: Asserted}}}, "to"},
		{"missing document", Batch{Statements: []StatementInput{{Type: Owns, From: "acme", To: "posts", Status: Asserted,
			Evidence: []EvidenceInput{{URL: "https://example.org"}, {Document: "no-doc"}}}}}, "evidence[1].document"},
		{"event without summary", Batch{Entities: []EntityInput{{Key: "case", Kind: Dispute, Name: "Case",
			Events: []DisputeEventInput{{Date: MustParseDate("2024"), Status: Filed, Summary: "filed"}, {Date: MustParseDate("2024"), Status: Filed}}}}}, "events[1].summary"},
		{"long attribute", Batch{Entities: []EntityInput{{Key: "big", Kind: Person, Name: "Big", Attributes: []Attribute{{Key: "url", Value: long}}}}}, "attributes.url"},
		{"kind conflict", Batch{Entities: []EntityInput{{Key: "acme", Kind: Person, Name: "Acme"}}}, "kind"},
		{"no kind", Batch{Entities: []EntityInput{{Key: "nokind", Name: "No kind"}}}, "kind"},
		{"no type", Batch{Statements: []StatementInput{{From: "acme", To: "posts", Status: Asserted}}}, "type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.b
			b.Entities = append(append([]EntityInput{}, base...), b.Entities...)
			_, err := s.Import(ctx, &b)
			var ie *ItemError
			if !errors.As(err, &ie) {
				t.Fatalf("import: %v; want an *ItemError", err)
			}
			if ie.Field != c.field {
				t.Errorf("Field %q; want %q (error %v)", ie.Field, c.field, err)
			}
		})
	}
}

// TestImportGivenIDTakenOnAnotherRelation: a statement whose input gives
// the id another statement of the same import derives on a different
// relation is refused, whichever comes first and whichever chunk each
// lands in (a fresh import skips the look-up only while every id was
// derived), and the import leaves the store empty.
func TestImportGivenIDTakenOnAnotherRelation(t *testing.T) {
	ctx := context.Background()
	derived := StatementInput{Type: TrainedOn, From: "a", To: "c", Status: Asserted}
	id := statementID(relationID(EntityID("a"), TrainedOn, EntityID("c")), derived, uuid.Nil, uuid.Nil, nil)
	given := StatementInput{ID: id, Type: TrainedOn, From: "a", To: "b", Status: Alleged}
	ents := []EntityInput{{Key: "a", Kind: Model, Name: "A"}, {Key: "b", Kind: Dataset, Name: "B"}, {Key: "c", Kind: Dataset, Name: "C"}}
	for _, order := range [][]StatementInput{{given, derived}, {derived, given}} {
		for _, chunk := range []int{0, 2, 4} {
			t.Run(fmt.Sprintf("given-first=%v/chunk=%d", order[0].ID != uuid.Nil, chunk), func(t *testing.T) {
				s := openChunked(t, t.TempDir(), chunk)
				_, err := s.Import(ctx, &Batch{Entities: ents, Statements: order})
				if !errors.Is(err, ErrConflict) {
					t.Fatalf("import: got %v, want ErrConflict", err)
				}
				var ie *ItemError
				if !errors.As(err, &ie) || ie.Section != "statements" || ie.Index != 1 {
					t.Fatalf("import: got %v, want the error at statements[1]", err)
				}
				st, err := s.Stats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if st.Statements != 0 || st.Entities != 0 {
					t.Fatalf("after the failed import the store holds %d entities and %d statements", st.Entities, st.Statements)
				}
				verifyClean(t, s)
			})
		}
	}
}

// halfFailingEngine is Badger in memory whose failAt-th WriteBatch writes
// half of its ops and then fails, as a full disk or an I/O error would.
type halfFailingEngine struct {
	*badgerEngine
	calls, failAt int
}

var errInjected = errors.New("injected write failure")

func (e *halfFailingEngine) WriteBatch(ctx context.Context, ops []kv.Op) error {
	if e.calls++; e.calls != e.failAt {
		return e.badgerEngine.WriteBatch(ctx, ops)
	}
	if err := e.badgerEngine.WriteBatch(ctx, ops[:len(ops)/2]); err != nil {
		return err
	}
	return errInjected
}

// TestStagedImportWriteFailure fails one chunk's write half way, early
// (among the entities) and late (among statements, which are written in
// the background while the next chunk is built): the import returns the
// write's error, the store is as before it, and the next import works.
func TestStagedImportWriteFailure(t *testing.T) {
	ctx := context.Background()
	for _, holding := range []bool{false, true} {
		for _, failAt := range []int{2, 12, 30} {
			t.Run(fmt.Sprintf("holding=%v/write=%d", holding, failAt), func(t *testing.T) {
				be, err := openBadger("", true, false, quietLog())
				if err != nil {
					t.Fatal(err)
				}
				e := &halfFailingEngine{badgerEngine: be}
				s, err := openEngine(ctx, e, "", &Options{Now: fixedClock(), ImportChunk: 5, Logger: quietLog()})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if holding {
					if _, err := s.Import(ctx, importBatch(8, 10, 20)); err != nil {
						t.Fatal(err)
					}
				}
				before := dumpStore(t, s)
				e.calls, e.failAt = 0, failAt
				b := importBatch(9, 20, 200)
				if _, err := s.Import(ctx, b); !errors.Is(err, errInjected) {
					t.Fatalf("import: %v; want the injected failure", err)
				}
				if e.calls < failAt {
					t.Fatalf("the import made %d writes; the test meant to fail the %dth", e.calls, failAt)
				}
				if !bytes.Equal(before, dumpStore(t, s)) {
					t.Error("a failed import changed the store")
				}
				verifyClean(t, s)
				e.failAt = -1
				if _, err := s.Import(ctx, b); err != nil {
					t.Fatalf("the import after the failed one: %v", err)
				}
				verifyClean(t, s)
			})
		}
	}
}
