package graph

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// urlScheme matches the scheme of a store URL (postgres://…, memory:).
var urlScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// IsDirURL reports whether OpenURL reads store as a directory (a Badger
// store) rather than as memory: or a database URL.
func IsDirURL(store string) bool {
	return store != "" && !urlScheme.MatchString(store)
}

// OpenURL opens the store named by store (SPEC §12):
//
//   - a directory path: Badger on disk, as Open(store, opts);
//   - "memory:": Badger in memory, gone when the store closes;
//   - "postgres://…" or "postgresql://…": one table (default whosedata_kv;
//     ?table=NAME to choose) in a PostgreSQL 14+ database or a
//     PostgreSQL-compatible one, created if needed, which several processes
//     may share. Connection settings are libpq's and pgxpool's
//     (pool_max_conns, sslmode, …); max_txn_bytes bounds one transaction.
//
// ctx bounds the opening only. It returns an error wrapping ErrInvalid for
// a store it cannot read as any of these, ErrUnavailable (one line naming
// host, port and database) when the database cannot be reached,
// ErrSchemaVersion when the store has another layout, and ErrLocked as Open.
func OpenURL(ctx context.Context, store string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case store == "memory:":
		o.InMemory = true
		return Open("", &o)
	case IsDirURL(store):
		return Open(store, &o)
	case strings.HasPrefix(store, "postgres://"), strings.HasPrefix(store, "postgresql://"):
		o.InMemory = false
		defaults(&o)
		e, err := openPostgres(ctx, store)
		if err != nil {
			return nil, err
		}
		return openEngine(ctx, e, "", &o)
	case strings.HasPrefix(store, "file:"):
		return Open(strings.TrimPrefix(strings.TrimPrefix(store, "file:"), "//"), &o)
	}
	return nil, fmt.Errorf("%w: store %q: want a directory, memory: or postgres://user@host:port/database", ErrInvalid, clip(store))
}
