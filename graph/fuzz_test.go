package graph_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/whosedata/whosedata/graph"
)

// FuzzParseDate: ParseDate never panics; a date it accepts prints as it was
// given, parses back equal, and its period starts no later than it ends.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"", "2023", "2023-04", "2023-04-19", "2024-02-29", "2023-02-29", "0001", "9999-12-31",
		"0000", "2023-13", "2023-4-19", "2023/04/19", "+123", "-001", "２０２３", "2023-04-1x", "1e10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := graph.ParseDate(s)
		if err != nil {
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("ParseDate(%q): error %v does not wrap ErrInvalid", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) failed but returned %v", s, d)
			}
			return
		}
		if s == "" {
			if !d.IsZero() {
				t.Fatalf(`ParseDate("") = %v, want the zero Date`, d)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("ParseDate(%q) returned the zero Date without error", s)
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
		back, err := graph.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v; its String %q parses to %v, %v", s, d, d.String(), back, err)
		}
		if d.Start() > d.End() {
			t.Fatalf("%s: Start %d > End %d", s, d.Start(), d.End())
		}
		if d.Compare(back) != 0 {
			t.Fatalf("%s does not compare equal to itself", s)
		}
		var u graph.Date
		if err := u.UnmarshalText([]byte(s)); err != nil || u != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v", s, u, err)
		}
	})
}

// FuzzNormalize: Normalize is idempotent and keeps no separator; Slug always
// gives a valid key; a valid key normalises to a non-empty name.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"LLaMA 2", "llama-2", "Llama_2", "X Corp", "", "---", "Ǆungla", "İstanbul", "ß", "Σίσυφος",
		"\xff\xfe", "ǅ", "ＡＢＣ", "a\u0300", "K", "Ⅻ", "١٢٣", strings.Repeat("ab ", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := graph.Normalize(s)
		if again := graph.Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that is %q", s, n, again)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if strings.ContainsAny(n, " -_.") {
			t.Fatalf("Normalize(%q) = %q keeps a separator", s, n)
		}
		slug := graph.Slug(s)
		if !graph.ValidKey(slug) {
			t.Fatalf("Slug(%q) = %q is not a valid key", s, slug)
		}
		if graph.Slug(slug) != slug {
			t.Fatalf("Slug(%q) = %q, but Slug of that is %q", s, slug, graph.Slug(slug))
		}
		if graph.ValidKey(s) {
			if graph.Normalize(s) == "" {
				t.Fatalf("valid key %q normalises to nothing, so it cannot be looked up by name", s)
			}
			if graph.Slug(s) == "" {
				t.Fatalf("valid key %q has an empty slug", s)
			}
		}
	})
}

// FuzzResolve upserts entities with arbitrary keys, names and aliases into one
// store and looks them up: nothing panics, every error is one of the
// package's sentinels, and an entity is always found by its exact key and by
// its id.
func FuzzResolve(f *testing.F) {
	for _, s := range [][3]string{
		{"twitter", "Twitter", "X Corp"},
		{"", "LLaMA 2", "llama-2"},
		{"x-corp", "X Corp", "Twitter"},
		{"", "Microsoft", "MSFT"},
		{"6f1d2b1e-5c0a-4b52-9d57-77686f736564", "UUID-shaped key", ""},
		{"", "---", "!!!"},
		{"a", "b", "a"},
		{"", "ǅ ǆ", "Ǆ"},
	} {
		f.Add(s[0], s[1], s[2], uint8(0))
	}
	st, err := graph.OpenInMemory()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	clean := func(t *testing.T, what string, err error) {
		t.Helper()
		for _, s := range []error{graph.ErrNotFound, graph.ErrInvalid, graph.ErrAmbiguous, graph.ErrConflict, graph.ErrLimit} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("%s: error %v wraps no sentinel", what, err)
	}
	f.Fuzz(func(t *testing.T, key, name, alias string, kind uint8) {
		in := graph.EntityInput{Key: key, Name: name, Kind: graph.AllKinds[int(kind)%len(graph.AllKinds)]}
		if alias != "" {
			in.Aliases = []string{alias}
		}
		e, err := st.UpsertEntity(ctx, in)
		if err != nil {
			clean(t, "UpsertEntity", err)
		} else {
			if key != "" && e.Key != key {
				t.Fatalf("UpsertEntity with key %q returned %q", key, e.Key)
			}
			byKey, err := st.Entity(ctx, e.Key)
			if err != nil || byKey.ID != e.ID {
				t.Fatalf("Entity(key %q) = %v, %v; want %s", e.Key, byKey, err, e.ID)
			}
			byID, err := st.Entity(ctx, e.ID.String())
			if err != nil || byID.ID != e.ID {
				t.Fatalf("Entity(id %s of %q) = %v, %v", e.ID, e.Key, byID, err)
			}
			// By name or alias: this entity, or an ambiguity naming it.
			for _, ref := range []string{e.Name, alias} {
				if graph.Normalize(ref) == "" {
					continue
				}
				got, err := st.Entity(ctx, ref)
				switch {
				case errors.Is(err, graph.ErrAmbiguous):
					if !strings.Contains(err.Error(), e.Key) {
						t.Fatalf("Entity(%q): ambiguity %v does not list %q", ref, err, e.Key)
					}
				case err != nil:
					t.Fatalf("Entity(%q), a name of %q: %v", ref, e.Key, err)
				case got.ID != e.ID && !graph.ValidKey(ref):
					t.Fatalf("Entity(%q) = %q, want %q", ref, got.Key, e.Key)
				}
			}
		}
		// Arbitrary look-ups never panic and fail cleanly.
		for _, ref := range []string{key, name, alias} {
			if _, err := st.Entity(ctx, ref); err != nil {
				clean(t, "Entity("+ref+")", err)
			}
		}
		if _, err := st.Search(ctx, name, nil, 5); err != nil {
			clean(t, "Search", err)
		}
	})
}
