package graph_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// clock is a settable store clock, so tests can ask what the record said at
// an instant.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) set(s string) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.t = t
	return t
}

func openClocked(t *testing.T) (*graph.Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, err := graph.Open("", &graph.Options{InMemory: true, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func TestDisputeTimeline(t *testing.T) {
	s, c := openClocked(t)
	c.set("2026-11-30T12:00:00Z") // "today", for the status as of now
	batch := &graph.Batch{Entities: []graph.EntityInput{
		{Key: "nyt", Kind: graph.Organization, Name: "The New York Times"},
		{Key: "nyt-v-openai", Kind: graph.Dispute, Name: "NYT v. OpenAI", Attributes: []graph.Attribute{{Key: "status", Value: "THREATENED"}, {Key: "forum", Value: "letters"}},
			Events: []graph.DisputeEventInput{
				{Date: graph.MustParseDate("2023-12-27"), Status: graph.Filed, Summary: "Complaint filed.", Forum: "S.D.N.Y.",
					Evidence: []graph.EvidenceInput{{URL: "https://example.org/complaint"}}},
				{Date: graph.MustParseDate("2025-04-03"), Status: graph.Ongoing, Summary: "Consolidated into MDL 3143.", Forum: "S.D.N.Y. (MDL 3143)"},
				{Date: graph.MustParseDate("2025-03-26"), Status: graph.Ongoing, Summary: "Motion to dismiss decided in part."},
			}},
	}}
	res, err := s.Import(ctx, batch)
	if err != nil || res.EventsAdded != 3 {
		t.Fatalf("import = %+v, %v", res, err)
	}
	// Loading twice changes nothing.
	if res, err := s.Import(ctx, batch); err != nil || res.EventsAdded != 0 {
		t.Fatalf("second import = %+v, %v", res, err)
	}
	evs, err := s.Events(ctx, "NYT v. OpenAI")
	if err != nil || len(evs) != 3 || evs[0].Status != graph.Filed || evs[1].Summary != "Motion to dismiss decided in part." {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	for _, c := range []struct {
		asOf   string
		status graph.DisputeStatus
		forum  string
	}{
		{"2023-06-01", graph.Threatened, "letters"},
		{"2023-12-27", graph.Filed, "S.D.N.Y."},
		{"2025-03", graph.Ongoing, "S.D.N.Y."},
		{"2025-12-31", graph.Ongoing, "S.D.N.Y. (MDL 3143)"},
	} {
		st, err := s.DisputeState(ctx, "nyt-v-openai", graph.MustParseDate(c.asOf))
		if err != nil || st.Status != c.status || st.Forum != c.forum {
			t.Errorf("as of %s: %+v, %v; want %s in %s", c.asOf, st, err, c.status, c.forum)
		}
	}
	// A retracted event stops counting, and stays in the timeline.
	if _, err := s.RetractDisputeEvent(ctx, evs[2].ID, "misdated"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractDisputeEvent(ctx, evs[2].ID, "again"); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("retracting twice: %v", err)
	}
	st, err := s.DisputeState(ctx, "nyt-v-openai", graph.Date{})
	if err != nil || st.Status != graph.Ongoing || st.From.ID != evs[1].ID {
		t.Fatalf("after retraction: %+v, %v", st, err)
	}
	page, err := s.DisputesAt(ctx, graph.DisputeQuery{Status: graph.Filed, AsOf: graph.MustParseDate("2024-01-01")}, graph.Page{})
	if err != nil || page.Total != 1 {
		t.Fatalf("disputes FILED as of 2024: %+v, %v", page, err)
	}
	page, err = s.DisputesAt(ctx, graph.DisputeQuery{Status: graph.Filed}, graph.Page{})
	if err != nil || page.Total != 0 {
		t.Fatalf("disputes FILED today: %+v, %v", page, err)
	}
	// Events belong to disputes only, and need a date, status and summary.
	if _, err := s.AddDisputeEvent(ctx, "nyt", graph.DisputeEventInput{Date: graph.MustParseDate("2024"), Status: graph.Filed, Summary: "x"}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("event on an organisation: %v", err)
	}
	if _, err := s.AddDisputeEvent(ctx, "nyt-v-openai", graph.DisputeEventInput{Status: graph.Filed, Summary: "x"}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("event without a date: %v", err)
	}
}

func TestNamesOverTime(t *testing.T) {
	s, _ := openClocked(t)
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "twitter", Kind: graph.Organization, Name: "Twitter", Aliases: []string{"X"}}); err != nil {
		t.Fatal(err)
	}
	e, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "twitter", Kind: graph.Organization,
		Names: []graph.AliasInput{{Name: "X", ValidFrom: graph.MustParseDate("2023-07-24"), Evidence: []graph.EvidenceInput{{URL: "https://example.org/rename"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	names := e.Names()
	if len(e.Aliases) != 1 || len(names) != 2 || !names[0].Primary || names[1].Name != "X" || names[1].ValidFrom.String() != "2023-07-24" || len(names[1].Evidence) != 1 {
		t.Fatalf("names = %+v (aliases %v)", names, e.Aliases)
	}
	// Look-up resolves the alias at any time.
	if got, err := s.Entity(ctx, "x"); err != nil || got.Key != "twitter" {
		t.Fatalf("look-up by alias: %+v, %v", got, err)
	}
}

func TestRecordedAsOf(t *testing.T) {
	s, c := openClocked(t)
	c.set("2024-01-01T00:00:00Z")
	seedTwo(t, s)
	in := graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged, ClaimedBy: "elon-musk", Date: graph.MustParseDate("2023-04-19")}
	t1 := c.set("2024-02-01T00:00:00Z")
	rel, err := s.AddStatement(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	t2 := c.set("2024-03-01T00:00:00Z")
	if _, err := s.RetractStatement(ctx, rel.Statements[0].ID, "mistaken"); err != nil {
		t.Fatal(err)
	}
	c.set("2024-04-01T00:00:00Z")
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "openai", Kind: graph.Organization, Name: "OpenAI"}); err != nil {
		t.Fatal(err)
	}
	hits := func(at time.Time) int {
		t.Helper()
		h, err := s.Lineage(ctx, "twitter", graph.LineageOptions{Direction: graph.Downstream, RecordedAsOf: at})
		if err != nil {
			t.Fatal(err)
		}
		return len(h)
	}
	if n := hits(t1.Add(-time.Second)); n != 0 {
		t.Errorf("before the statement was recorded: %d hits", n)
	}
	if n := hits(t1); n != 1 {
		t.Errorf("after it was recorded, before its retraction: %d hits", n)
	}
	if n := hits(t2); n != 0 {
		t.Errorf("after the retraction was recorded: %d hits", n)
	}
	if n := hits(time.Time{}); n != 0 {
		t.Errorf("now: %d hits", n)
	}
	err = s.View(ctx, func(sn *graph.Snapshot) error {
		then := sn.AsRecorded(t1.Add(time.Hour))
		st, err := then.Stats(ctx)
		if err != nil {
			return err
		}
		if st.Entities != 4 || st.Statements != 2 || st.StatementsByStatus[graph.Alleged] != 1 {
			t.Errorf("stats as recorded = %+v", st)
		}
		page, err := then.EntityRelations(ctx, "microsoft", graph.Both, nil, graph.Page{})
		if err != nil {
			return err
		}
		if len(page.Relations) != 1 || page.Relations[0].Status != graph.Alleged || page.Relations[0].Statements[0].Retraction != nil {
			t.Errorf("relations as recorded = %+v", page.Relations)
		}
		old := sn.AsRecorded(t1.Add(-time.Hour))
		page, err = old.EntityRelations(ctx, "microsoft", graph.Both, nil, graph.Page{})
		if err != nil {
			return err
		}
		if len(page.Relations) != 0 {
			t.Errorf("relations before anything was said: %+v", page.Relations)
		}
		ents, err := old.Entities(ctx, 0, graph.Page{})
		if err != nil {
			return err
		}
		if ents.Total != 4 {
			t.Errorf("entities as recorded in January: %d", ents.Total)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChangeLog(t *testing.T) {
	s, c := openClocked(t)
	seedTwo(t, s)
	c.set("2024-02-01T00:00:00Z")
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "microsoft", Kind: graph.Organization, Name: "Microsoft Corporation",
		Attributes: []graph.Attribute{{Key: "country", Value: "US"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntity(ctx, graph.EntityInput{Key: "microsoft", Kind: graph.Organization,
		Attributes: []graph.Attribute{{Key: "country", Value: "USA"}}}); err != nil {
		t.Fatal(err)
	}
	rel, err := s.AddStatement(ctx, graph.StatementInput{Type: graph.TrainedOn, From: "microsoft", To: "twitter-posts", Status: graph.Alleged, ClaimedBy: "elon-musk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractStatement(ctx, rel.Statements[0].ID, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAlias(ctx, "microsoft", "MSFT"); err != nil {
		t.Fatal(err)
	}
	all, err := s.Changes(ctx, graph.ChangeQuery{Page: graph.Page{First: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ch := range all.Changes {
		kinds = append(kinds, ch.Kind.String())
	}
	want := "ENTITY_CREATED ENTITY_CREATED ENTITY_CREATED ENTITY_CREATED STATEMENT_ADDED ENTITY_UPDATED ENTITY_UPDATED STATEMENT_ADDED STATEMENT_RETRACTED ALIAS_ADDED"
	if got := join(kinds); got != want {
		t.Fatalf("changes = %s\nwant      %s", got, want)
	}
	upd := all.Changes[6]
	if upd.Entity.Key != "microsoft" || len(upd.Before) != 1 || upd.Before[0] != (graph.Attribute{Key: "country", Value: "US"}) {
		t.Fatalf("second update keeps what it replaced: %+v", upd.Before)
	}
	if all.Changes[5].Before[0] != (graph.Attribute{Key: "entity.name", Value: "Microsoft"}) {
		t.Fatalf("first update keeps the old name: %+v", all.Changes[5].Before)
	}
	// Changes touching Elon Musk: his creation, the statement he claims, its retraction.
	musk, err := s.Changes(ctx, graph.ChangeQuery{Entity: "Elon Musk"})
	if err != nil || len(musk.Changes) != 3 || musk.Changes[1].Statement == nil || musk.Changes[1].Relation.To.Key != "twitter-posts" {
		t.Fatalf("changes of Musk = %+v, %v", musk, err)
	}
	since, err := s.Changes(ctx, graph.ChangeQuery{Since: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(since.Changes) != 5 {
		t.Fatalf("changes since February: %d, %v", len(since.Changes), err)
	}
	// Paging: two at a time, in order, each page after the last.
	var seen []uint64
	p := graph.Page{First: 2}
	for {
		page, err := s.Changes(ctx, graph.ChangeQuery{Page: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Changes {
			seen = append(seen, ch.Seq)
		}
		if !page.HasNext {
			break
		}
		p.After = page.Cursors[len(page.Cursors)-1]
	}
	if len(seen) != len(all.Changes) {
		t.Fatalf("paged %d changes, want %d", len(seen), len(all.Changes))
	}
	recent, err := s.Changes(ctx, graph.ChangeQuery{Since: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), Latest: 100})
	if err != nil || len(recent.Changes) != 5 || recent.Changes[0].Kind != graph.AliasAdded || recent.Changes[4].Kind != graph.EntityUpdated {
		t.Fatalf("the latest since February, read from the end: %+v, %v", recent, err)
	}
	counted, err := s.Changes(ctx, graph.ChangeQuery{Page: graph.Page{First: 2}, Count: true})
	if err != nil || counted.Total != len(all.Changes) || len(counted.Changes) != 2 {
		t.Fatalf("a counted page: %d of %d, %v", len(counted.Changes), counted.Total, err)
	}
	latest, err := s.Changes(ctx, graph.ChangeQuery{Latest: 2})
	if err != nil || len(latest.Changes) != 2 || latest.Changes[0].Kind != graph.AliasAdded {
		t.Fatalf("latest = %+v, %v", latest, err)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
