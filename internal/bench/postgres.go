package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/whosedata/whosedata/internal/pgtest"
)

// ErrNoPostgres is returned when no PostgreSQL server binaries are
// installed.
var ErrNoPostgres = pgtest.ErrNoPostgres

// findPostgres returns the bin directory of the newest PostgreSQL installed
// the Debian way, or ErrNoPostgres.
func findPostgres() (string, error) { return pgtest.Find() }

// benchSettings are what a benchmark of a non-durable embedded store would
// set: no fsync (Badger here does not sync per commit either), memory for
// sorts and index builds. Everything else is PostgreSQL's default.
var benchSettings = []string{"fsync=off", "synchronous_commit=off", "full_page_writes=off",
	"shared_buffers=1GB", "work_mem=256MB", "maintenance_work_mem=1GB", "max_wal_size=8GB"}

// pgCluster is the private cluster the PostgreSQL rows run on (started by
// internal/pgtest, as the tests' clusters are).
type pgCluster struct {
	c   *pgtest.Cluster
	log *slog.Logger
}

// startPostgres creates and starts a private cluster on loopback. The caller
// must call stop; a failed start cleans up itself.
func startPostgres(ctx context.Context, log *slog.Logger) (*pgCluster, error) {
	c, err := pgtest.StartWith(ctx, benchSettings)
	if err != nil {
		return nil, err
	}
	log.Info("postgres started", "port", c.Port, "dir", c.SocketDir())
	return &pgCluster{c: c, log: log}, nil
}

// stop shuts the server down and removes its directory, on its own
// deadline, so it also works once the benchmark's context is cancelled.
func (p *pgCluster) stop() {
	if p != nil {
		p.c.Stop()
	}
}

// connect opens a connection over the unix socket.
func (p *pgCluster) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", p.c.SocketDir(), p.c.Port))
}

// The relational schema a competent engineer would write for these queries:
// integer ids, the relation's effective status precomputed for the default
// case, statements kept for asOf, and an index for each direction of walk.
const pgSchema = `
DROP TABLE IF EXISTS statements, relations, entities;
CREATE TABLE entities (id int NOT NULL, key text NOT NULL, kind smallint NOT NULL);
CREATE TABLE relations (id int NOT NULL, from_id int NOT NULL, type smallint NOT NULL, to_id int NOT NULL,
	status smallint NOT NULL, valid_from int NOT NULL, valid_to int NOT NULL);
CREATE TABLE statements (relation_id int NOT NULL, status smallint NOT NULL, day int NOT NULL);`

// Indexes are built after COPY, as a bulk load should.
var pgIndexes = []string{
	`ALTER TABLE entities ADD PRIMARY KEY (id)`,
	`CREATE UNIQUE INDEX entities_key ON entities (key)`,
	`ALTER TABLE relations ADD PRIMARY KEY (id)`,
	// Walking data-flow edges backwards (DOWNSTREAM) and finding holders.
	`CREATE INDEX relations_to ON relations (to_id, type) INCLUDE (from_id, status, valid_from, valid_to)`,
	// Walking data-flow edges forwards (UPSTREAM) and a seed's holdings.
	`CREATE INDEX relations_from ON relations (from_id, type) INCLUDE (to_id, status, valid_from, valid_to)`,
	// asOf: a relation's statements up to a day.
	`CREATE INDEX statements_rel ON statements (relation_id, day) INCLUDE (status)`,
	`ANALYZE entities, relations, statements`,
}

// pgLoad creates the schema and bulk-loads d with COPY, then builds the
// indexes; the returned duration covers COPY and index build.
func pgLoad(ctx context.Context, conn *pgx.Conn, d *dataset) (time.Duration, error) {
	if _, err := conn.Exec(ctx, pgSchema); err != nil {
		return 0, fmt.Errorf("postgres schema: %w", err)
	}
	start := time.Now()
	// The rows are made as COPY reads them, one at a time into one slice,
	// so that no table is held as Go values.
	var rel int32 // the relation of the statement being copied
	for _, t := range []struct {
		name string
		cols []string
		rows *copyRows
	}{
		{"entities", []string{"id", "key", "kind"}, &copyRows{n: len(d.keys), row: func(i int, a []any) {
			a[0], a[1], a[2] = int32(i), d.keys[i], int16(d.kinds[i])
		}}},
		{"relations", []string{"id", "from_id", "type", "to_id", "status", "valid_from", "valid_to"}, &copyRows{n: len(d.rels), row: func(i int, a []any) {
			r := &d.rels[i]
			a[0], a[1], a[2], a[3], a[4], a[5], a[6] = int32(i), r.from, int16(r.typ), r.to, int16(r.status), r.vFrom, r.vTo
		}}},
		{"statements", []string{"relation_id", "status", "day"}, &copyRows{n: len(d.st), row: func(i int, a []any) {
			for int32(i) >= d.stOff[rel+1] {
				rel++
			}
			a[0], a[1], a[2] = rel, int16(d.st[i].status), d.st[i].day
		}}},
	} {
		t.rows.values = make([]any, len(t.cols))
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, t.rows); err != nil {
			return 0, fmt.Errorf("postgres COPY %s: %w", t.name, err)
		}
	}
	for _, q := range pgIndexes {
		if _, err := conn.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("postgres %q: %w", q, err)
		}
	}
	el := time.Since(start)
	// The level-by-level walk's visited set, on this connection.
	for _, q := range []string{visitedTable, `CREATE INDEX ON visited (depth)`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("postgres %q: %w", q, err)
		}
	}
	return el, nil
}

// copyRows is a pgx.CopyFromSource that makes row i of n when COPY asks
// for it, into one reused slice.
type copyRows struct {
	n, i   int
	row    func(i int, values []any)
	values []any
}

func (c *copyRows) Next() bool {
	if c.i >= c.n {
		return false
	}
	c.row(c.i, c.values)
	c.i++
	return true
}

func (c *copyRows) Values() ([]any, error) { return c.values, nil }
func (c *copyRows) Err() error             { return nil }

// pgDB is a PostgreSQL connection as the SQL walks use it.
type pgDB struct{ conn *pgx.Conn }

func (p pgDB) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := p.conn.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

// bound sets statement_timeout on the session: PostgreSQL cancels a
// statement past it and the connection stays open (a cancelled context
// would make pgx close it).
func (p pgDB) bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, error) {
	_, err := p.conn.Exec(ctx, fmt.Sprintf("SET statement_timeout = %d", d.Milliseconds()))
	return ctx, func() {}, err
}

// timedOut reports a statement cancelled by statement_timeout.
func (p pgDB) timedOut(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014" // query_canceled
}

func (p pgDB) rows(ctx context.Context, sql string, args []any, fn func(id, depth, status int64)) error {
	rows, err := p.conn.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, depth, status int64
		if err := rows.Scan(&id, &depth, &status); err != nil {
			return err
		}
		fn(id, depth, status)
	}
	return rows.Err()
}
