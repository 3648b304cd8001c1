package graph

import (
	"crypto/sha1"
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
func EntityID(key string) uuid.UUID {
	var buf [96]byte
	b := append(idBuf(buf[:]), "entity:"...)
	return nameID(append(b, key...))
}

// idBuf starts the bytes an id is named by: the namespace, which nameID
// expects first, in buf's memory.
func idBuf(buf []byte) []byte { return append(buf[:0], Namespace[:]...) }

// nameID returns the id named by b, which starts with the namespace (see
// idBuf): uuid.NewSHA1(Namespace, b[16:]), the UUID v5 of RFC 9562, computed
// without the hasher, sum and copy of the name that NewSHA1 allocates for
// each id. An import names two ids per statement.
func nameID(b []byte) uuid.UUID {
	sum := sha1.Sum(b)
	var u uuid.UUID
	copy(u[:], sum[:])
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // the variant of RFC 9562
	return u
}

func relationID(from uuid.UUID, t RelationType, to uuid.UUID) uuid.UUID {
	var buf [96]byte
	b := append(idBuf(buf[:]), "relation:"...)
	b = append(b, from[:]...)
	b = append(b, t.String()...)
	b = append(b, to[:]...)
	return nameID(b)
}

// Normalize folds a name for look-up: lower case, letters and digits only, so
// "LLaMA 2", "llama-2" and "Llama_2" are the same name. It returns "" for a
// name with no letter or digit.
func Normalize(s string) string {
	if folded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// folded reports whether s is already as Normalize leaves it, and made of
// ASCII only, as keys are.
func folded(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
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

// textOK reports whether checkText would accept s.
func textOK(s string, max int) bool { return len(s) <= max && utf8.ValidString(s) }

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
