package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Namespace is the fixed UUID namespace of whosedata ids: an entity's id is
// the UUID v5 of its key in this namespace, so the same key has the same id in
// every store.
var Namespace = uuid.MustParse("6f1d2b1e-5c0a-4b52-9d57-77686f736564")

// EntityID returns the id of the entity with the given key.
func EntityID(key string) uuid.UUID { return uuid.NewSHA1(Namespace, []byte("entity:"+key)) }

func relationID(from uuid.UUID, t RelationType, to uuid.UUID) uuid.UUID {
	b := make([]byte, 0, 48)
	b = append(b, "relation:"...)
	b = append(b, from[:]...)
	b = append(b, t.String()...)
	b = append(b, to[:]...)
	return uuid.NewSHA1(Namespace, b)
}

// Normalize folds a name for look-up: lower case, letters and digits only, so
// "LLaMA 2", "llama-2" and "Llama_2" are the same name. It returns "" for a
// name with no letter or digit.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// words splits a name into normalised words for word search.
func words(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		w = Normalize(w)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// ValidKey reports whether key is a valid entity key: a lower-case slug
// [a-z0-9][a-z0-9._:/-]* of at most MaxKeyLen bytes that is not shaped like a
// UUID (a reference of that shape is always an id).
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLen {
		return false
	}
	if len(key) == 36 {
		if _, err := uuid.Parse(key); err == nil {
			return false
		}
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func checkKey(key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("%w: key %q is not a lower-case slug [a-z0-9][a-z0-9._:/-]* of at most %d bytes (and not a UUID)", ErrInvalid, clip(key), MaxKeyLen)
	}
	return nil
}

// clip shortens user input quoted in an error message, so that a 10 MB
// argument does not make a 10 MB message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Slug makes a key from a name: lower-case ASCII letters and digits with runs
// of anything else turned into one '-'. A name with no ASCII letter or digit
// gets "e-" and a short hash of the name; a slug shaped like a UUID gets "e-"
// in front.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 96 {
			break
		}
	}
	if b.Len() == 0 {
		sum := sha256.Sum256([]byte(name))
		return "e-" + hex.EncodeToString(sum[:6])
	}
	if !ValidKey(b.String()) { // shaped like a UUID, which keys may not be
		return "e-" + b.String()
	}
	return b.String()
}

// checkText rejects invalid UTF-8 and values over max bytes; field names the
// value in the error.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return fieldErr(field, ErrInvalid, " is not valid UTF-8")
	}
	if len(s) > max {
		return fieldErr(field, ErrLimit, " is %d bytes, over the limit of %d", len(s), max)
	}
	return nil
}
