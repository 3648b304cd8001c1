package graph

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// cacheFileStore opens dir, failing t on error; the store is closed when t
// ends unless the test closed it.
func cacheFileStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// cacheAnswers is what the tests compare between a store opened from its
// cache file and one that read its records: lineage both ways from a few
// entities, and the counts.
func cacheAnswers(t *testing.T, s *Store) []any {
	t.Helper()
	ctx := context.Background()
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := []any{c}
	for _, ref := range []string{"e-0", "e-3", "e-10", "Alias 5"} {
		for _, dir := range []LineageDirection{Downstream, Upstream} {
			h, err := s.Lineage(ctx, ref, LineageOptions{Direction: dir, Paths: true})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, h)
		}
	}
	p, err := s.Paths(ctx, "e-1", "e-2", PathOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An entity found by a dated alias, with its names over time.
	e, err := s.Entity(ctx, "Old Two")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, p, e, e.Names())
}

// datedName gives e-2 of importBatch a former name with dates and evidence.
var datedName = EntityInput{Key: "e-2", Kind: Model, Name: "Entity 2", Description: "word2 scraping item 2",
	Names: []AliasInput{{Name: "Old Two", ValidFrom: MustParseDate("2019"), ValidTo: MustParseDate("2021-06"),
		Evidence: []EvidenceInput{{URL: "https://example.org/rename", Quote: "renamed"}}}}}

// reopenAndCompare opens dir and checks that open used its cache file or
// not, as fromFile says; that the file is gone either way; that Verify
// passes; and that the answers are want.
func reopenAndCompare(t *testing.T, dir string, fromFile bool, want []any) *Store {
	t.Helper()
	s := cacheFileStore(t, dir)
	if s.fromCacheFile != fromFile {
		t.Fatalf("Open read the cache file: %v, want %v", s.fromCacheFile, fromFile)
	}
	if _, err := os.Stat(filepath.Join(dir, cacheFileName)); !os.IsNotExist(err) {
		t.Fatalf("the cache file is still there after Open: %v", err)
	}
	verifyClean(t, s)
	if got := cacheAnswers(t, s); !reflect.DeepEqual(got, want) {
		t.Fatal("answers differ after reopening")
	}
	return s
}

func TestCacheFileReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, cacheFileName)
	s := cacheFileStore(t, dir)
	// Cached entities must keep their names over time too.
	b := importBatch(3, 60, 300)
	b.Entities = append(b.Entities, datedName)
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeEntities(ctx, "e-1", "e-4"); err != nil {
		t.Fatal(err)
	}
	want := cacheAnswers(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("Close wrote no cache file: %v", err)
	}

	s = reopenAndCompare(t, dir, true, want)
	// Writes after an open from the file, then a second round trip.
	if _, err := s.AddStatement(ctx, StatementInput{Type: TrainedOn, From: "e-7", To: "e-8", Status: Confirmed}); err != nil {
		t.Fatal(err)
	}
	want = cacheAnswers(t, s)
	s.Close()
	reopenAndCompare(t, dir, true, want)
}

// A cache file that does not describe the store (older than its last
// commit, damaged, cut short) is not used: the store is read instead.
func TestCacheFileNotUsedWhenStaleOrDamaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, cacheFileName)
	s := cacheFileStore(t, dir)
	b := importBatch(5, 40, 200)
	b.Entities = append(b.Entities, datedName)
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	s.Close()
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s = cacheFileStore(t, dir)
	if _, err := s.AddStatement(ctx, StatementInput{Type: TrainedOn, From: "e-1", To: "e-2", Status: Asserted}); err != nil {
		t.Fatal(err)
	}
	want := cacheAnswers(t, s)
	s.Close()
	cur, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), cur...)
	flipped[len(flipped)/2] ^= 0x40
	for name, b := range map[string][]byte{
		"older than the store": old,
		"a byte changed":       flipped,
		"cut short":            cur[:len(cur)/3],
		"empty":                nil,
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			reopenAndCompare(t, dir, false, want).Close()
		})
	}
}
