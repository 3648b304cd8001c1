package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
)

// Batch is many entities and statements written at once, all or nothing.
// Entities are applied first, so statements may name entities of the same
// batch.
type Batch struct {
	Entities   []EntityInput
	Statements []StatementInput
}

// ImportResult counts what an Import changed. Importing the same batch twice
// gives all zeros but Unchanged the second time.
type ImportResult struct {
	EntitiesCreated  int
	EntitiesUpdated  int
	RelationsCreated int
	RelationsUpdated int // existing relations whose validity or attributes changed
	StatementsAdded  int
	EventsAdded      int // dispute events
	Unchanged        int // entities and statements already stored as given
}

// ItemError is an Import error tied to one item of the batch, so an importer
// can point at the line of the file it came from.
type ItemError struct {
	Section string // "entities" or "statements"
	Index   int
	Err     error
}

func (e *ItemError) Error() string { return fmt.Sprintf("%s[%d]: %v", e.Section, e.Index, e.Err) }

func (e *ItemError) Unwrap() error { return e.Err }

// Import writes a batch in one atomic commit: it validates and resolves every
// item first and writes nothing if any fails, returning an *ItemError that
// wraps the cause (ErrInvalid, ErrNotFound, ErrAmbiguous, ErrConflict,
// ErrLimit). Large batches are written through the journal (kv.go), so a crash
// mid-write is completed on the next open. Import is idempotent.
func (s *Store) Import(ctx context.Context, b *Batch) (ImportResult, error) {
	var res ImportResult
	err := s.update(ctx, func(t *wtx) error {
		res = ImportResult{}
		for i, in := range b.Entities {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			n, changed, err := t.upsertEntity("", in)
			if err != nil {
				return &ItemError{Section: "entities", Index: i, Err: err}
			}
			switch {
			case !changed:
				res.Unchanged++
			case t.ents[n].orig == nil:
				res.EntitiesCreated++
			default:
				res.EntitiesUpdated++
			}
		}
		// Events after every entity, since their evidence may name a
		// document defined later in the batch.
		for i, in := range b.Entities {
			if len(in.Events) == 0 {
				continue
			}
			n, _, err := t.resolve("key", cmp.Or(in.Key, in.Name))
			if err != nil {
				return &ItemError{Section: "entities", Index: i, Err: err}
			}
			for j, ev := range in.Events {
				added, err := t.addEvent(fmt.Sprintf("events[%d].", j), n, ev)
				if err != nil {
					return &ItemError{Section: "entities", Index: i, Err: err}
				}
				if added {
					res.EventsAdded++
				}
			}
		}
		for i, in := range b.Statements {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			_, added, err := t.addStatement("", in)
			if errors.Is(err, errRetractedAgain) {
				// The file says what the store has since retracted:
				// reloading it changes nothing.
				err = nil
			}
			if err != nil {
				return &ItemError{Section: "statements", Index: i, Err: err}
			}
			if added {
				res.StatementsAdded++
			} else {
				res.Unchanged++
			}
		}
		for tr, sl := range t.rels {
			switch {
			case sl.orig == nil && sl.cur != nil:
				res.RelationsCreated++
			case sl.orig != nil && t.relUpdated[tr]:
				res.RelationsUpdated++
			}
		}
		return nil
	})
	return res, err
}
