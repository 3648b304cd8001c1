package graph

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph/kv"
)

// v2Fixture is a whosedata-kv/2 store made by the code of that layout
// (testdata/v2/README.md): Badger's backup stream, gzipped.
const v2Fixture = "testdata/v2/store.backup.gz"

// The v2 fixture's size, from testdata/v2/stats.json: live entities (each
// had a kind entry) and relations (each had an incoming entry).
const v2Entities, v2Relations, v2Statements = 28, 33, 35

// restoreV2 loads the v2 fixture into engine e, byte for byte, without a
// store on top (which would stamp its own layout first).
func restoreV2(t testing.TB, e kv.Engine) {
	t.Helper()
	f, err := os.Open(v2Fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := e.(kv.Backuper); ok {
		if err := b.Restore(context.Background(), zr); err != nil {
			t.Fatalf("restore the v2 fixture: %v", err)
		}
		return
	}
	// An engine without backups (PostgreSQL): restore into Badger in
	// memory and copy every key across.
	src, err := openBadger("", true, false, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Restore(context.Background(), zr); err != nil {
		t.Fatalf("restore the v2 fixture: %v", err)
	}
	var ops []kv.Op
	if err := src.View(context.Background(), func(r kv.Reader) error {
		return r.Scan(context.Background(), kv.Range{}, func(k, v []byte) (bool, error) {
			ops = append(ops, kv.Op{Key: bytes.Clone(k), Value: bytes.Clone(v)})
			return true, nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Update(context.Background(), func(tx kv.Txn) error {
		for _, op := range ops {
			if err := tx.Set(op.Key, op.Value); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// RestoreV2Dir restores the v2 fixture into a new Badger store in dir, for
// the tests of package graph_test (migrate_test.go).
func RestoreV2Dir(t testing.TB, dir string) {
	t.Helper()
	e, err := openBadger(dir, false, true, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	restoreV2(t, e)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

// testEngineV2 returns an engine of the suite's backend holding the v2
// fixture; the test closes it.
func testEngineV2(t testing.TB) kv.Engine {
	t.Helper()
	var e kv.Engine
	var err error
	if testEngine != nil {
		e, err = testEngine()
	} else {
		e, err = openBadger("", true, false, quietLog())
	}
	if err != nil {
		t.Fatal(err)
	}
	restoreV2(t, e)
	return e
}

// openError is the error Open gives for the store on e, which must be one
// Open refuses, without closing e.
func openError(t testing.TB, e kv.Engine) error {
	t.Helper()
	s := &Store{kv: newJournaled(e, context.Background()), name: "the test store", log: quietLog(), now: time.Now, base: context.Background()}
	err := s.init(context.Background())
	if err == nil {
		t.Fatal("open of the store succeeded")
	}
	return err
}

// census counts the keys of every prefix.
func census(t testing.TB, e kv.Engine) map[byte]int {
	t.Helper()
	out := map[byte]int{}
	if err := e.View(context.Background(), func(r kv.Reader) error {
		return r.Scan(context.Background(), kv.Range{KeysOnly: true}, func(k, _ []byte) (bool, error) {
			out[k[0]]++
			return true, nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrateEngineV2 upgrades the v2 fixture on the suite's backend:
// open refuses it first, with the command, and afterwards the store is
// consistent, answers with the fixture's counts and no retired key is left.
func TestMigrateEngineV2(t *testing.T) {
	ctx := context.Background()
	e := testEngineV2(t)
	defer func() {
		if e != nil {
			e.Close()
		}
	}()
	before := census(t, e)
	if before[pKindV2] != v2Entities || before[pIncomingV2] != v2Relations {
		t.Fatalf("the v2 fixture holds %d kind and %d incoming keys, want %d and %d", before[pKindV2], before[pIncomingV2], v2Entities, v2Relations)
	}
	err := openError(t, e)
	if !errors.Is(err, ErrSchemaVersion) || !strings.Contains(err.Error(), "key layout whosedata-kv/2") || !strings.Contains(err.Error(), "whosedata migrate --store ") {
		t.Fatalf("open of a v2 store: %v; want ErrSchemaVersion naming the layout and whosedata migrate", err)
	}
	var steps []string
	res, err := migrateEngine(ctx, e, &MigrateOptions{Batch: 7, Progress: func(p MigrateProgress) { steps = append(steps, fmt.Sprintf("%s %d", p.Step, p.Deleted)) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.From != schemaV2 || res.To != schemaVersion || res.Deleted != v2Entities+v2Relations ||
		res.Entities != v2Entities || res.Relations != v2Relations || res.Statements != v2Statements {
		t.Fatalf("migrate result %+v", res)
	}
	// Batches of 7: 28 kind keys in 4, 33 incoming keys in 5.
	if want := "delete the incoming index (whosedata-kv/2) 61"; !strings.Contains(strings.Join(steps, "\n"), want) || len(steps) < 4+5+4 {
		t.Errorf("progress:\n%s\nwant batches of 7 ending at %q", strings.Join(steps, "\n"), want)
	}
	after := census(t, e)
	t.Logf("keys by prefix, v2 → v3: %s", censusDiff(before, after))
	for p, n := range before {
		want := n
		switch p {
		case pKindV2, pIncomingV2:
			want = 0
		}
		if after[p] != want && p != pMeta {
			t.Errorf("prefix 0x%02x: %d keys after migrating, want %d", p, after[p], want)
		}
	}
	if after[pCounts] != 1 {
		t.Errorf("%d counts keys after migrating, want 1", after[pCounts])
	}
	// Again: nothing to do.
	if res, err := migrateEngine(ctx, e, nil); err != nil || res.From != schemaVersion || res.Deleted != 0 {
		t.Fatalf("second migrate: %+v, %v", res, err)
	}
	s, err := openEngine(ctx, e, "", &Options{Logger: quietLog(), Now: time.Now})
	e = nil // the store closes it
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkMigrated(t, s)
}

// checkMigrated checks a migrated fixture store: Verify is clean, the
// counts are the fixture's, and a write keeps them right.
func checkMigrated(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Entities != v2Entities || rep.Relations != v2Relations || rep.Statements != v2Statements {
		t.Fatalf("verify after migrating: %+v", rep)
	}
	c, err := s.Counts(ctx)
	if err != nil || c.Entities != v2Entities || c.Relations != v2Relations || c.Statements != v2Statements {
		t.Fatalf("counts after migrating: %+v, %v", c, err)
	}
	if _, err := s.Import(ctx, &Batch{Entities: []EntityInput{{Key: "after-migrate", Kind: Dataset, Name: "After the migration"}},
		Statements: []StatementInput{{Type: TrainedOn, From: "acme-lm", To: "after-migrate", Status: Alleged}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeEntities(ctx, "twitter-posts", "after-migrate"); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after writing to the migrated store: %+v, %v", rep, err)
	}
}

func censusDiff(before, after map[byte]int) string {
	var b strings.Builder
	for p := 0; p < 256; p++ {
		if x, y := before[byte(p)], after[byte(p)]; x != 0 || y != 0 {
			fmt.Fprintf(&b, " %02x:%d→%d", p, x, y)
		}
	}
	return b.String()
}

// TestMigrateInterrupted stops a migration after its first batch: open then
// refuses the half-migrated store, naming the command again, and a second
// run finishes it.
func TestMigrateInterrupted(t *testing.T) {
	e := testEngineV2(t)
	defer func() {
		if e != nil {
			e.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := migrateEngine(ctx, e, &MigrateOptions{Batch: 5, Progress: func(p MigrateProgress) {
		if p.Deleted > 0 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled migrate: %v", err)
	}
	if n := census(t, e); n[pKindV2] != v2Entities-5 || n[pCounts] != 0 {
		t.Fatalf("after the first batch: %d kind keys, %d counts keys; want %d and 0", n[pKindV2], n[pCounts], v2Entities-5)
	}
	err = openError(t, e)
	if !errors.Is(err, ErrSchemaVersion) || !strings.Contains(err.Error(), "did not finish") || !strings.Contains(err.Error(), "whosedata migrate --store ") {
		t.Fatalf("open of a half-migrated store: %v", err)
	}
	res, err := migrateEngine(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != schemaMigrating || res.Deleted != v2Entities-5+v2Relations {
		t.Fatalf("second run: %+v", res)
	}
	st, err := openEngine(context.Background(), e, "", &Options{Logger: quietLog(), Now: time.Now})
	e = nil // the store closes it
	if err != nil {
		t.Fatalf("open after finishing: %v", err)
	}
	defer st.Close()
	if rep, err := st.Verify(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("verify after finishing: %+v, %v", rep, err)
	}
}

// TestMigrateRefuses: stores Migrate cannot or need not upgrade.
func TestMigrateRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Migrate(ctx, filepath.Join(dir, "none"), nil); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no store in") {
		t.Errorf("missing directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("migrate created a directory where there was none: %v", err)
	}
	if _, err := Migrate(ctx, "memory:", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("memory: %v", err)
	}
	if _, err := Migrate(ctx, "ftp://x", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("ftp: %v", err)
	}
	// A current store: nothing to do.
	cur := filepath.Join(dir, "current")
	s, err := Open(cur, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if res, err := Migrate(ctx, cur, nil); err != nil || res.From != schemaVersion || res.To != schemaVersion {
		t.Errorf("current store: %+v, %v", res, err)
	}
	// A newer layout: refused by both.
	e, err := openBadger(cur, false, true, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Update(ctx, func(tx kv.Txn) error { return tx.Set(metaKey(metaSchema), []byte("whosedata-kv/9")) }); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if _, err := Migrate(ctx, cur, nil); !errors.Is(err, ErrSchemaVersion) || !strings.Contains(err.Error(), `"whosedata-kv/9"`) {
		t.Errorf("newer store, migrate: %v", err)
	}
	if _, err := Open(cur, &Options{Logger: quietLog()}); !errors.Is(err, ErrSchemaVersion) ||
		!strings.Contains(err.Error(), `written with key layout "whosedata-kv/9"`) || !strings.Contains(err.Error(), "newer whosedata") {
		t.Errorf("newer store, open: %v", err)
	}
}

// TestMigratePostgresURL upgrades a v2 store in a PostgreSQL table through
// the public door, by its URL.
func TestMigratePostgresURL(t *testing.T) {
	cluster, pool := testPostgres(t)
	ctx := context.Background()
	e, err := newPostgresEngine(ctx, pool, "test", pgOptions{table: "migrate_v2", maxTxnBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	restoreV2(t, e)
	e.Close()
	url := cluster.URL("postgres") + "&table=migrate_v2"
	if _, err := OpenURL(ctx, url, &Options{Logger: quietLog()}); !errors.Is(err, ErrSchemaVersion) || !strings.Contains(err.Error(), "whosedata migrate --store URL") {
		t.Fatalf("open of a v2 table: %v", err)
	}
	res, err := Migrate(ctx, url, &MigrateOptions{Logger: quietLog()})
	if err != nil || res.From != schemaV2 || res.Deleted != v2Entities+v2Relations || !strings.Contains(res.Store, "migrate_v2") {
		t.Fatalf("migrate %s: %+v, %v", url, res, err)
	}
	s, err := OpenURL(ctx, url, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.Close()
		pool.Exec(ctx, "DROP TABLE migrate_v2")
	}()
	checkMigrated(t, s)
}

// TestVerifyCountsAndRetired: Verify reports wrong counters and keys of a
// retired family.
func TestVerifyCountsAndRetired(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Import(ctx, &Batch{Entities: []EntityInput{{Key: "a", Kind: Dataset, Name: "A"}, {Key: "b", Kind: Model, Name: "B"}},
		Statements: []StatementInput{{Type: TrainedOn, From: "b", To: "a", Status: Alleged}}}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	bad := encodeCounts(counts{NextEnt: 2, Live: 3, Relations: 1, Statements: 1})
	if err := s.kv.apply(ctx, []kvOp{{Key: countsKey(), Value: bad}, {Key: []byte{pKindV2, byte(Dataset), 0, 0, 0, 1}}}); err != nil {
		t.Fatal(err)
	}
	// Publish a version that sees the raw writes.
	s.wmu.Lock()
	err = s.rebuild(ctx)
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"counts give 2 as the next entity number, but entity 2 exists", "counts say 3 live entities, the records have 2",
		"1 key(s) of the retired kind index (whosedata-kv/2) are left"} {
		if !strings.Contains(got, want) {
			t.Errorf("verify problems:\n%s\nwant %q", got, want)
		}
	}
}

// TestRestoreV2Backup restores a backup of a v2 store into a new store:
// the restore says to migrate, and migrating makes it a consistent store.
func TestRestoreV2Backup(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "restored")
	s, err := Open(dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(v2Fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Restore(ctx, zr)
	if cerr := s.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, ErrSchemaVersion) || !strings.Contains(err.Error(), "whosedata migrate --store "+dir) {
		t.Fatalf("restore of a v2 backup: %v; want the command that upgrades it", err)
	}
	if _, err := Migrate(ctx, dir, &MigrateOptions{Logger: quietLog()}); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, &Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkMigrated(t, s)
}

// TestVerifyEventsAndText: Verify reports an event without its id entry, a
// description word without its text entry, and a text entry naming a
// statement that does not exist.
func TestVerifyEventsAndText(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Import(ctx, &Batch{Entities: []EntityInput{
		{Key: "case", Kind: Dispute, Name: "A case", Description: "Scraping lawsuit",
			Events: []DisputeEventInput{{Date: MustParseDate("2024-01-02"), Status: Filed, Summary: "Complaint filed"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	var eventID []byte
	if err := s.kv.view(ctx, func(r kvReader) error {
		return r.scan(family(pEventID), nil, true, func(k, _ []byte) (bool, error) {
			eventID = bytes.Clone(k)
			return false, nil
		})
	}); err != nil || eventID == nil {
		t.Fatalf("no event id entry: %v", err)
	}
	const caseN = 1 // the first entity of an empty store
	ghost := textKey("ghost", caseN, srcStatement, EntityID("no-such-statement"))
	if err := s.kv.apply(ctx, []kvOp{{Key: eventID, Del: true}, {Key: textKey("scraping", caseN, srcDescription, [16]byte{}), Del: true}, {Key: ghost}}); err != nil {
		t.Fatal(err)
	}
	s.wmu.Lock()
	err = s.rebuild(ctx)
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"of entity 1 has no id entry", "entity 1's description has a word with no text index entry",
		"names statement " + EntityID("no-such-statement").String() + ", which does not exist"} {
		if !strings.Contains(got, want) {
			t.Errorf("verify problems:\n%s\nwant %q", got, want)
		}
	}
}
