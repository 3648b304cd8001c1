package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/whosedata/whosedata/graph/kv"
)

// Upgrading a store in place: Open refuses a store of an older layout with
// the command to run, and Migrate rewrites it into the current one.
//
// whosedata-kv/2 → /3 deletes the retired kind and incoming indexes (keys.go)
// and writes the counts key. The steps, each safe to repeat:
//
//  1. settle a write a crash interrupted (the journal and first-load marker
//     have the same form in both layouts), as Open would;
//  2. set the schema key to schemaMigrating, so that neither layout's
//     whosedata opens the store while it is neither;
//  3. delete the retired families, a bounded batch per transaction;
//  4. count the entity and relation records;
//  5. in one transaction: write the counts, bump the commit counter, and set
//     the schema key to the current layout.
//
// A crash (or a cancelled context) anywhere before step 5 leaves the store
// marked as migrating: Open refuses it, naming the command, and running
// Migrate again redoes the steps on what is left. Step 5 is atomic, so the
// store is either still migrating or fully current.

// MigrateOptions configure Migrate. A nil *MigrateOptions means the
// defaults.
type MigrateOptions struct {
	// Logger receives Badger's warnings and errors; nil means slog.Default().
	Logger *slog.Logger
	// Progress, if not nil, is called after every step and every batch of
	// deleted keys.
	Progress func(MigrateProgress)
	// Batch bounds the keys deleted by one transaction; 0 means 10,000.
	Batch int
}

// MigrateProgress is how far Migrate has come.
type MigrateProgress struct {
	// Step names what Migrate is doing, in words ("delete the kind index
	// (whosedata-kv/2)", "count records", …).
	Step string
	// Deleted counts the keys of retired families deleted so far.
	Deleted int64
}

// MigrateResult is what Migrate did.
type MigrateResult struct {
	// Store names the store, as messages do.
	Store string
	// From is the layout the store had ("whosedata-kv/2"), To the one it
	// has now; they are equal when there was nothing to do.
	From, To string
	// Deleted counts the keys of retired index families deleted.
	Deleted int64
	// Entities, Relations and Statements are the counts written.
	Entities, Relations, Statements int64
}

const defaultMigrateBatch = 10000

// Migrate upgrades the store named by store (a directory, or a postgres://
// URL, as OpenURL reads them) to the current key layout in place. No other
// process may use the store meanwhile: a directory store is locked by
// Badger, but the processes sharing a PostgreSQL store must be stopped
// first. It returns the result also when the store was current already
// (From == To). It returns an error wrapping ErrInvalid for a store it
// cannot name or for memory:, ErrNotFound when there is no store there,
// ErrSchemaVersion for a layout it cannot upgrade, ErrLocked as Open, a
// context error when ctx ends (the store stays marked as migrating, and
// running Migrate again finishes it), or the storage's error.
func Migrate(ctx context.Context, store string, opts *MigrateOptions) (*MigrateResult, error) {
	var o MigrateOptions
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var e kv.Engine
	switch {
	case store == "memory:":
		return nil, fmt.Errorf("%w: an in-memory store is new when opened and never needs migrating", ErrInvalid)
	case strings.HasPrefix(store, "postgres://"), strings.HasPrefix(store, "postgresql://"):
		pg, err := openPostgres(ctx, store)
		if err != nil {
			return nil, err
		}
		e = pg
	case strings.HasPrefix(store, "file:") || IsDirURL(store):
		dir := strings.TrimPrefix(strings.TrimPrefix(store, "file:"), "//")
		if empty, err := dirIsEmpty(dir); err != nil || empty {
			if err != nil {
				return nil, fmt.Errorf("migrate %s: %w", dir, err)
			}
			return nil, fmt.Errorf("%w: no store in %s to migrate", ErrNotFound, dir)
		}
		b, err := openBadger(dir, false, true, o.Logger)
		if err != nil {
			return nil, err
		}
		e = b
	default:
		return nil, fmt.Errorf("%w: store %q: want a directory or postgres://user@host:port/database", ErrInvalid, clip(store))
	}
	res, err := migrateEngine(ctx, e, &o)
	if cerr := e.Close(); cerr != nil && err == nil {
		err = storeErr("close", cerr)
	}
	return res, err
}

// dirIsEmpty reports whether dir is missing or holds nothing, so that
// Migrate never creates a store where there was none.
func dirIsEmpty(dir string) (bool, error) {
	names, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	return len(names) == 0, err
}

// migrateEngine runs the steps of the package comment above on e, which the
// caller closes.
func migrateEngine(ctx context.Context, e kv.Engine, o *MigrateOptions) (*MigrateResult, error) {
	if o == nil {
		o = &MigrateOptions{}
	}
	name := "the in-memory store"
	if d, ok := e.(kv.Describer); ok {
		name = d.Describe()
	}
	res := &MigrateResult{Store: name, To: schemaVersion}
	batch := o.Batch
	if batch <= 0 {
		batch = defaultMigrateBatch
	}
	progress := func(step string) {
		if o.Progress != nil {
			o.Progress(MigrateProgress{Step: step, Deleted: res.Deleted})
		}
	}
	j := newJournaled(e, ctx)
	version, empty, err := readLayout(ctx, j)
	if err != nil {
		return nil, storeErr("read the schema version", err)
	}
	res.From = version
	switch version {
	case schemaVersion:
		return res, nil
	case schemaV2, schemaMigrating:
	case "":
		if empty {
			return nil, fmt.Errorf("%w: %s holds no whosedata store to migrate", ErrNotFound, name)
		}
		return nil, fmt.Errorf("%w: %s holds data but no whosedata schema version; it is not a whosedata store", ErrSchemaVersion, name)
	default:
		return nil, fmt.Errorf("%w: %s has key layout %q, which this whosedata cannot upgrade (it upgrades %s to %s); use the whosedata that wrote it", ErrSchemaVersion, name, clip(version), schemaV2, schemaVersion)
	}
	if version == schemaV2 {
		progress("finish any write a crash interrupted")
		if _, err := j.replayJournal(ctx); err != nil {
			return nil, storeErr("replay interrupted write", err)
		}
		if err := j.setOne(ctx, metaKey(metaSchema), []byte(schemaMigrating)); err != nil {
			return nil, storeErr("mark the store as migrating", err)
		}
		if err := j.sync(ctx); err != nil {
			return nil, storeErr("sync", err)
		}
	}
	for _, f := range retiredFamilies {
		step := "delete the " + f.name
		progress(step)
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n, err := deleteBatch(ctx, j, family(f.prefix), batch)
			if err != nil {
				return nil, storeErr(step, err)
			}
			if n == 0 {
				break
			}
			res.Deleted += int64(n)
			progress(step)
		}
	}
	progress("count records")
	cnt, err := countRecords(ctx, j)
	if err != nil {
		return nil, err
	}
	res.Entities, res.Relations, res.Statements = cnt.Live, cnt.Relations, cnt.Statements
	progress("write the counts and the schema version " + schemaVersion)
	if err := e.Update(ctx, func(tx kv.Txn) error {
		head, err := readHead(readerOf(ctx, tx, false))
		if err != nil {
			return err
		}
		if err := tx.Set(countsKey(), encodeCounts(cnt)); err != nil {
			return err
		}
		// Any process that still has the store open sees a commit it did
		// not make, and reads the store again before its next write.
		if err := tx.Set(metaKey(metaHead), binary.BigEndian.AppendUint64(nil, head+1)); err != nil {
			return err
		}
		return tx.Set(metaKey(metaSchema), []byte(schemaVersion))
	}); err != nil {
		return nil, storeErr("write the schema version", err)
	}
	if err := j.sync(ctx); err != nil {
		return nil, storeErr("sync", err)
	}
	return res, nil
}

// readLayout returns the schema version of the store on j ("" when it has
// none) and whether it holds no key at all.
func readLayout(ctx context.Context, j *journaled) (version string, empty bool, err error) {
	empty = true
	err = j.view(ctx, func(r kvReader) error {
		v, ok, err := r.get(metaKey(metaSchema))
		if err != nil || ok {
			version, empty = string(v), false
			return err
		}
		return r.scan(nil, nil, true, func(_, _ []byte) (bool, error) {
			empty = false
			return false, nil
		})
	})
	return version, empty, err
}

// deleteBatch deletes up to n keys with prefix in one transaction and
// returns how many it deleted.
func deleteBatch(ctx context.Context, j *journaled, prefix []byte, n int) (int, error) {
	var keys [][]byte
	if err := j.view(ctx, func(r kvReader) error {
		return r.scan(prefix, nil, true, func(k, _ []byte) (bool, error) {
			keys = append(keys, bytes.Clone(k))
			return len(keys) < n, nil
		})
	}); err != nil || len(keys) == 0 {
		return 0, err
	}
	ops := make([]kvOp, len(keys))
	for i, k := range keys {
		ops[i] = kvOp{Key: k, Del: true}
	}
	// Deleting is idempotent, so chunks written apart are as good as one.
	if err := j.writeChunked(ctx, ops); err != nil {
		return 0, err
	}
	return len(keys), nil
}

// countRecords counts what the counts key holds, from the records, in one
// snapshot.
func countRecords(ctx context.Context, j *journaled) (counts, error) {
	cnt := counts{NextEnt: 1}
	err := j.view(ctx, func(r kvReader) error {
		if err := r.scan(family(pEntity), nil, false, func(k, v []byte) (bool, error) {
			n, ok := parseEntityKey(k)
			if !ok {
				return false, fmt.Errorf("%w: entity key %x is malformed", ErrInvalid, k)
			}
			rec, err := decodeEnt(v)
			if err != nil {
				return false, fmt.Errorf("entity %d: %w", n, err)
			}
			cnt.NextEnt = max(cnt.NextEnt, n+1)
			cnt.Live += alive(rec)
			cnt.Merged += mergedRec(rec)
			return true, ctx.Err()
		}); err != nil {
			return err
		}
		return r.scan(family(pRelation), nil, false, func(k, v []byte) (bool, error) {
			t, ok := parseRelationKey(k)
			if !ok {
				return false, fmt.Errorf("%w: relation key %x is malformed", ErrInvalid, k)
			}
			rec, err := decodeRel(v)
			if err != nil {
				return false, fmt.Errorf("relation %s: %w", t, err)
			}
			cnt.Relations++
			cnt.Statements += int64(len(rec.Statements))
			return true, ctx.Err()
		})
	})
	if err != nil {
		return counts{}, fmt.Errorf("count records: %w", err)
	}
	return cnt, nil
}

// layoutError is the error of opening a store whose key layout is version,
// not this whosedata's: what to run when it can be upgraded.
func (s *Store) layoutError(version string) error {
	arg := s.dir
	if arg == "" {
		arg = "URL (the store's --store)"
	}
	switch version {
	case schemaV2:
		return fmt.Errorf("%w: %s holds a store of key layout %s, and this whosedata reads %s; stop every process using it, then upgrade it in place with: whosedata migrate --store %s",
			ErrSchemaVersion, s.where(), schemaV2, schemaVersion, arg)
	case schemaMigrating:
		return fmt.Errorf("%w: the upgrade of %s to key layout %s began but did not finish; finish it with: whosedata migrate --store %s",
			ErrSchemaVersion, s.where(), schemaVersion, arg)
	}
	return fmt.Errorf("%w: %s was written with key layout %q, which this whosedata (key layout %s) does not know; open it with the newer whosedata that wrote it, or export it with that one and load the export into a new store",
		ErrSchemaVersion, s.where(), clip(version), schemaVersion)
}

// readLayoutCounts reads the counters, after checking that the store
// (perhaps just restored or copied into) has this layout.
func (s *Store) readLayoutCounts(r kvReader) (counts, error) {
	if v, ok, err := r.get(metaKey(metaSchema)); err != nil {
		return counts{}, err
	} else if ok && string(v) != schemaVersion {
		return counts{}, s.layoutError(string(v))
	}
	return readCounts(r)
}
