package graph

import (
	"context"
	"fmt"
	"slices"
)

// Search limits.
const (
	DefaultSearchResults = 20
	MaxSearchResults     = 200
)

// Search finds entities by name: exact matches of a name, key or alias first
// (ignoring case, spacing and punctuation), then names that start with the
// text, then names containing every word of the text. kinds (empty: all)
// filters; first of 0 means DefaultSearchResults. Errors wrap ErrInvalid or
// ErrLimit for the arguments.
func (s *Store) Search(ctx context.Context, text string, kinds []EntityKind, first int) ([]*Entity, error) {
	return viewed(ctx, s, func(sn *Snapshot) ([]*Entity, error) { return sn.Search(ctx, text, kinds, first) })
}

// Search is Store.Search on this snapshot.
func (sn *Snapshot) Search(ctx context.Context, text string, kinds []EntityKind, first int) ([]*Entity, error) {
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
	var out []*Entity
	seen := map[uint32]bool{}
	err := sn.view(ctx, func(r kvReader) error {
		x := sn.newRtx()
		add := func(n uint32) (bool, error) {
			m, rec, err := x.live(n)
			if err != nil || rec == nil || seen[m] {
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
			out = append(out, e)
			return len(out) < first, nil
		}
		scanNames := func(prefix []byte) error {
			return r.scan(prefix, nil, true, func(k, _ []byte) (bool, error) {
				_, n, ok := parseNameKey(k)
				if !ok {
					return true, nil
				}
				return add(n)
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
		// Entities having every word: candidates from the first word, checked
		// against the others.
		sets := make([]map[uint32]bool, len(ws))
		for i, w := range ws {
			sets[i] = map[uint32]bool{}
			err := r.scan(wordExact(w), nil, true, func(k, _ []byte) (bool, error) {
				if _, n, ok := parseNameKey(k); ok {
					sets[i][n] = true
				}
				return true, nil
			})
			if err != nil {
				return err
			}
		}
		var cands []uint32
		for n := range sets[0] {
			all := true
			for _, set := range sets[1:] {
				all = all && set[n]
			}
			if all {
				cands = append(cands, n)
			}
		}
		slices.Sort(cands)
		for _, n := range cands {
			if more, err := add(n); err != nil || !more {
				return err
			}
		}
		return nil
	})
	if len(out) > first {
		out = out[:first]
	}
	return out, err
}
