package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Full-text search: the words of descriptions, statement quotes and notes,
// and dispute event summaries are indexed (pText in keys.go) under the
// entities they tell about, so that "books", "scraping" or "lawsuit
// Perplexity" finds entities whose names say nothing of it.

// maxTextWords bounds the distinct words indexed from one text.
const maxTextWords = 256

// stopWords are too common to find anything by.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be by for from has have in into is it its of on or that the their
		this to was were will with which who not but also than then there they he she we our his her`) {
		m[w] = true
	}
	return m
}()

// textWords returns the distinct indexable words of s.
func textWords(s string) []string {
	if s == "" {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, w := range words(s) {
		if len(w) < 2 || stopWords[w] || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxTextWords {
			break
		}
	}
	return out
}

// statementText is the searchable text of a statement: its quotes and note.
func statementText(st *stmtRec) string {
	var b strings.Builder
	for _, e := range st.Evidence {
		b.WriteString(e.Quote)
		b.WriteByte('\n')
	}
	b.WriteString(st.Note)
	return b.String()
}

// textOps adds the full-text entries of the transaction's changes to ops:
// descriptions that changed, statements and events that are new (their text
// never changes).
func (t *wtx) textOps(ops []kvOp) []kvOp {
	set := func(k []byte) { ops = append(ops, kvOp{Key: k}) }
	for _, n := range t.order {
		sl := t.ents[n]
		if !sl.dirty {
			continue
		}
		var oldD, newD string
		if sl.orig != nil && sl.orig.MergedInto == 0 {
			oldD = sl.orig.Description
		}
		if sl.cur != nil && sl.cur.MergedInto == 0 {
			newD = sl.cur.Description
		}
		if oldD == newD {
			continue
		}
		now := textWords(newD)
		for _, w := range textWords(oldD) {
			if !slices.Contains(now, w) {
				ops = append(ops, kvOp{Key: textKey(w, n, srcDescription, uuid.Nil), Del: true})
			}
		}
		was := textWords(oldD)
		for _, w := range now {
			if !slices.Contains(was, w) {
				set(textKey(w, n, srcDescription, uuid.Nil))
			}
		}
	}
	for id, sl := range t.stmts {
		if !sl.dirty || sl.orig != nil || sl.cur == nil {
			continue
		}
		ends := []uint32{sl.cur.Rel.From}
		if sl.cur.Rel.To != sl.cur.Rel.From {
			ends = append(ends, sl.cur.Rel.To)
		}
		for _, w := range textWords(statementText(sl.cur)) {
			for _, n := range ends {
				set(textKey(w, n, srcStatement, id))
			}
		}
	}
	for id, sl := range t.events {
		if !sl.dirty || sl.orig != nil || sl.cur == nil {
			continue
		}
		for _, w := range textWords(sl.cur.Summary) {
			set(textKey(w, sl.n, srcEvent, id))
		}
	}
	return ops
}

// SearchHit is one entity found by SearchHits: what matched (name, alias,
// key, description, quote or event) and a snippet of the matching text.
type SearchHit struct {
	Entity  *Entity
	Matched string
	Snippet string
}

// Search finds entities by name, then by what is written about them
// (SearchHits); it returns the entities.
func (s *Store) Search(ctx context.Context, text string, kinds []EntityKind, first int) ([]*Entity, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]*Entity, error) { return sn.Search(ctx, text, kinds, first) })
}

// Search is Store.Search on this snapshot.
func (sn *Snapshot) Search(ctx context.Context, text string, kinds []EntityKind, first int) ([]*Entity, error) {
	hits, err := sn.SearchHits(ctx, text, kinds, first)
	out := make([]*Entity, len(hits))
	for i, h := range hits {
		out[i] = h.Entity
	}
	return out, err
}

// SearchHits finds entities for text, ranked: exact matches of a name, key
// or alias first (ignoring case, spacing and punctuation), then names that
// start with the text, then names containing every word of it, then
// entities whose description, statement quotes and notes, or dispute event
// summaries hold every word of it (more matching texts first). kinds (empty:
// all) filters; first of 0 means DefaultSearchResults. Errors wrap
// ErrInvalid or ErrLimit for the arguments.
func (s *Store) SearchHits(ctx context.Context, text string, kinds []EntityKind, first int) ([]SearchHit, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]SearchHit, error) { return sn.SearchHits(ctx, text, kinds, first) })
}

// SearchHits is Store.SearchHits on this snapshot.
func (sn *Snapshot) SearchHits(ctx context.Context, text string, kinds []EntityKind, first int) ([]SearchHit, error) {
	switch {
	case first < 0:
		return nil, fmt.Errorf("%w: first must not be negative", ErrInvalid)
	case first == 0:
		first = DefaultSearchResults
	case first > MaxSearchResults:
		return nil, fmt.Errorf("%w: first is %d; search returns at most %d", ErrLimit, first, MaxSearchResults)
	}
	if err := checkText("text", text, MaxNameLen); err != nil {
		return nil, err
	}
	norm := Normalize(text)
	if norm == "" {
		return nil, fmt.Errorf("%w: text %q has no letter or digit to search for", ErrInvalid, clip(text))
	}
	var out []SearchHit
	seen := map[uint32]bool{}
	err := sn.consistent(ctx, func(x *rtx, _ *memGraph) error {
		r := x.r
		// add appends live entity n's hit unless it is known; it reports
		// whether more are wanted.
		add := func(n uint32, matched func(*entRec) (string, string, error)) (bool, error) {
			m, rec, err := x.live(n)
			if err != nil || rec == nil || seen[m] || !x.recorded(m) {
				return len(out) < first, err
			}
			seen[m] = true
			if len(kinds) > 0 && !slices.Contains(kinds, rec.Kind) {
				return true, nil
			}
			e, err := x.entity(m)
			if err != nil {
				return false, err
			}
			what, snippet, err := matched(rec)
			if err != nil {
				return false, err
			}
			out = append(out, SearchHit{Entity: e, Matched: what, Snippet: snippet})
			return len(out) < first, nil
		}
		byName := func(rec *entRec) (string, string, error) { return nameMatch(rec, text), "", nil }
		scanNames := func(prefix []byte) error {
			return r.scan(prefix, nil, true, func(k, _ []byte) (bool, error) {
				_, n, ok := parseNameKey(k)
				if !ok {
					return true, nil
				}
				return add(n, byName)
			})
		}
		if err := scanNames(nameExact(norm)); err != nil || len(out) >= first {
			return err
		}
		if err := scanNames(namePrefix(norm)); err != nil || len(out) >= first {
			return err
		}
		ws := words(text)
		if len(ws) == 0 {
			return nil
		}
		// Names having every word: candidates checked against each word.
		sets := make([]map[uint32]bool, len(ws))
		for i, w := range ws {
			sets[i] = map[uint32]bool{}
			if err := r.scan(wordExact(w), nil, true, func(k, _ []byte) (bool, error) {
				if _, n, ok := parseNameKey(k); ok {
					sets[i][n] = true
				}
				return true, nil
			}); err != nil {
				return err
			}
		}
		for _, n := range every(sets) {
			if more, err := add(n, byName); err != nil || !more {
				return err
			}
		}
		return sn.fullText(ctx, x, ws, add)
	}, nil)
	if len(out) > first {
		out = out[:first]
	}
	return out, err
}

// every is the sorted entity numbers present in every set.
func every(sets []map[uint32]bool) []uint32 {
	var out []uint32
	for n := range sets[0] {
		all := true
		for _, set := range sets[1:] {
			all = all && set[n]
		}
		if all {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// textRef is one text that holds a word: which entity, which text.
type textRef struct {
	src byte
	id  uuid.UUID
}

// fullText adds the entities whose texts hold every word of ws (stop words
// left out), those with more matching texts first.
func (sn *Snapshot) fullText(ctx context.Context, x *rtx, ws []string, add func(uint32, func(*entRec) (string, string, error)) (bool, error)) error {
	var want []string
	for _, w := range ws {
		if len(w) >= 2 && !stopWords[w] {
			want = append(want, w)
		}
	}
	if len(want) == 0 {
		return nil
	}
	sets := make([]map[uint32]bool, len(want))
	texts := map[uint32]map[textRef]int{} // entity -> text -> words of want it holds
	for i, w := range want {
		sets[i] = map[uint32]bool{}
		if err := x.r.scan(textExact(w), nil, true, func(k, _ []byte) (bool, error) {
			n, src, id, ok := parseTextKey(k)
			if !ok {
				return true, nil
			}
			sets[i][n] = true
			if texts[n] == nil {
				texts[n] = map[textRef]int{}
			}
			texts[n][textRef{src, id}]++
			return true, ctx.Err()
		}); err != nil {
			return err
		}
	}
	cands := every(sets)
	// More texts holding every word first, then more texts holding some.
	score := func(n uint32) (full, some int) {
		for _, c := range texts[n] {
			if c == len(want) {
				full++
			}
			some++
		}
		return
	}
	slices.SortStableFunc(cands, func(a, b uint32) int {
		fa, sa := score(a)
		fb, sb := score(b)
		return cmp.Or(cmp.Compare(fb, fa), cmp.Compare(sb, sa))
	})
	for _, n := range cands {
		best := bestText(texts[n], len(want))
		more, err := add(n, func(rec *entRec) (string, string, error) { return x.snippet(rec, best, want) })
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// bestText picks the text to show: one holding every word if there is one,
// descriptions before quotes before events.
func bestText(texts map[textRef]int, words int) textRef {
	var best textRef
	bestN := -1
	for ref, c := range texts {
		if c > bestN || (c == bestN && (ref.src < best.src || (ref.src == best.src && string(ref.id[:]) < string(best.id[:])))) {
			best, bestN = ref, c
		}
	}
	return best
}

// snippet reads the text ref names and cuts a window around the first word.
func (x *rtx) snippet(rec *entRec, ref textRef, ws []string) (string, string, error) {
	switch ref.src {
	case srcDescription:
		return "description", window(rec.Description, ws), nil
	case srcStatement:
		v, ok, err := x.r.get(statementKey(ref.id))
		if err != nil || !ok {
			return "quote", "", err
		}
		st, err := decodeStmt(v)
		if err != nil {
			return "", "", fmt.Errorf("statement %s: %w", ref.id, err)
		}
		return "quote", window(statementText(st), ws), nil
	case srcEvent:
		ev, err := x.eventByID(ref.id)
		if err != nil || ev == nil {
			return "event", "", err
		}
		return "event", window(ev.Summary, ws), nil
	}
	return "text", "", nil
}

// snippetLen is about how many characters of text a snippet shows.
const snippetLen = 160

// window is the part of text around the first of ws it holds, with "…"
// where it was cut.
func window(text string, ws []string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= snippetLen {
		return text
	}
	at := -1
	for _, w := range ws {
		if i := indexWord(text, w); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	start := max(0, at-snippetLen/3)
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	// Begin at a word.
	if start > 0 {
		if sp := strings.IndexByte(text[start:], ' '); sp >= 0 && sp < 20 {
			start += sp + 1
		}
	}
	end := min(len(text), start+snippetLen)
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	if end < len(text) {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > snippetLen/2 {
			end = start + sp
		}
	}
	out := text[start:end]
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}

// indexWord finds the first word of text that normalises to w, or -1.
func indexWord(text, w string) int {
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			j += size
		}
		if Normalize(text[i:j]) == w {
			return i
		}
		i = j
	}
	return -1
}

// nameMatch says which of rec's names matched text: "key", "name" or
// "alias".
func nameMatch(rec *entRec, text string) string {
	norm := Normalize(text)
	switch {
	case Normalize(rec.Key) == norm:
		return "key"
	case strings.HasPrefix(Normalize(rec.Name), norm) || hasWords(rec.Name, text):
		return "name"
	}
	return "alias"
}

func hasWords(name, text string) bool {
	have := words(name)
	for _, w := range words(text) {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
