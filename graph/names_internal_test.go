package graph

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/google/uuid"
)

// TestNameIDIsUUIDv5 checks nameID against uuid.NewSHA1, which computed every
// id before it: an id that changed would split what a store already holds.
func TestNameIDIsUUIDv5(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		if got, want := nameID(append(idBuf(nil), data...)), uuid.NewSHA1(Namespace, data); got != want {
			t.Fatalf("nameID of %d bytes = %v, uuid.NewSHA1 = %v", n, got, want)
		}
	}
	// The ids of the public functions, as uuid.NewSHA1 of their names.
	from, to := EntityID("acme"), EntityID("chirp")
	if want := uuid.NewSHA1(Namespace, []byte("entity:acme")); from != want {
		t.Errorf("EntityID(acme) = %v, want %v", from, want)
	}
	rel := append(append(append([]byte("relation:"), from[:]...), "OWNS"...), to[:]...)
	if got, want := relationID(from, Owns, to), uuid.NewSHA1(Namespace, rel); got != want {
		t.Errorf("relationID = %v, want %v", got, want)
	}
}

// TestNormalizeFastPath checks that a name already folded is returned as it
// is, and that every other name is folded rune by rune.
func TestNormalizeFastPath(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	for _, s := range []string{"", "acme", "llama2", "LLaMA 2", "llama-2", "Llama_2", "ÉCOLE", "école", "x\xff", "a b", "日本語", "model-0"} {
		if got, want := Normalize(s), slow(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}
