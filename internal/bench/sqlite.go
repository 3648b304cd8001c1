package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// sqliteDB is the SQLite peer: one connection (the walk's temporary table
// belongs to it) to a database file, with statements prepared once.
type sqliteDB struct {
	db    *sql.DB
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// openSQLite creates a database file in dir, tuned the way PostgreSQL is
// here for a non-durable bulk benchmark: no journal, no syncs, a 1 GiB page
// cache, temporary tables in memory.
func openSQLite(ctx context.Context, dir string) (*sqliteDB, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "bench.sqlite"))
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &sqliteDB{db: db, conn: conn, stmts: map[string]*sql.Stmt{}}
	for _, q := range []string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -1048576",
		"PRAGMA temp_store = MEMORY", "PRAGMA locking_mode = EXCLUSIVE"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			s.close()
			return nil, fmt.Errorf("sqlite %s: %w", q, err)
		}
	}
	return s, nil
}

// close closes the database; closing it again does nothing.
func (s *sqliteDB) close() {
	if s.db == nil {
		return
	}
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.conn.Close()
	s.db.Close()
	s.db, s.conn = nil, nil
}

func (s *sqliteDB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

func (s *sqliteDB) exec(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := s.prepared(ctx, q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// bound gives statements a context that ends after d; the driver then
// interrupts the statement and the connection stays usable.
func (s *sqliteDB) bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, error) {
	if d <= 0 {
		return ctx, func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, nil
}

// timedOut reports a statement interrupted by bound's deadline.
func (s *sqliteDB) timedOut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "interrupted")
}

func (s *sqliteDB) rows(ctx context.Context, q string, args []any, fn func(id, depth, status int64)) error {
	st, err := s.prepared(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
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

// sqliteSchema is pgSchema in SQLite: the same tables, with the ids as
// INTEGER PRIMARY KEY (the rowid, which SQLite cannot add after a load).
const sqliteSchema = `
CREATE TABLE entities (id INTEGER PRIMARY KEY, key text NOT NULL, kind smallint NOT NULL);
CREATE TABLE relations (id INTEGER PRIMARY KEY, from_id int NOT NULL, type smallint NOT NULL, to_id int NOT NULL,
	status smallint NOT NULL, valid_from int NOT NULL, valid_to int NOT NULL);
CREATE TABLE statements (relation_id int NOT NULL, status smallint NOT NULL, day int NOT NULL);`

// sqliteIndexes are pgIndexes in SQLite, built after the insert: SQLite has
// no INCLUDE, so the covered columns are trailing key columns.
var sqliteIndexes = []string{
	`CREATE UNIQUE INDEX entities_key ON entities (key)`,
	`CREATE INDEX relations_to ON relations (to_id, type, from_id, status, valid_from, valid_to)`,
	`CREATE INDEX relations_from ON relations (from_id, type, to_id, status, valid_from, valid_to)`,
	`CREATE INDEX statements_rel ON statements (relation_id, day, status)`,
	`ANALYZE`,
}

// sqliteBatch is the rows per INSERT statement of the load.
const sqliteBatch = 256

// sqliteLoad creates the schema and loads d in one transaction, with
// multi-row INSERTs prepared once per table, then builds the indexes; the
// returned duration covers all of it.
func sqliteLoad(ctx context.Context, s *sqliteDB, d *dataset) (time.Duration, error) {
	if _, err := s.conn.ExecContext(ctx, sqliteSchema); err != nil {
		return 0, fmt.Errorf("sqlite schema: %w", err)
	}
	start := time.Now()
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	insert := func(table string, cols int, n int, row func(i int, args []any)) error {
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		args := make([]any, 0, sqliteBatch*cols)
		for at := 0; at < n; at += sqliteBatch {
			m := min(sqliteBatch, n-at)
			st := stmts[m]
			if st == nil {
				one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
				q := "INSERT INTO " + table + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", m), ",")
				if st, err = tx.PrepareContext(ctx, q); err != nil {
					return fmt.Errorf("sqlite insert into %s: %w", table, err)
				}
				stmts[m] = st
			}
			args = args[:m*cols]
			for i := range m {
				row(at+i, args[i*cols:(i+1)*cols])
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("sqlite insert into %s: %w", table, err)
			}
		}
		return nil
	}
	if err := insert("entities", 3, len(d.keys), func(i int, a []any) {
		a[0], a[1], a[2] = int64(i), d.keys[i], int64(d.kinds[i])
	}); err != nil {
		return 0, err
	}
	if err := insert("relations", 7, len(d.rels), func(i int, a []any) {
		r := &d.rels[i]
		a[0], a[1], a[2], a[3], a[4], a[5], a[6] = int64(i), int64(r.from), int64(r.typ), int64(r.to), int64(r.status), int64(r.vFrom), int64(r.vTo)
	}); err != nil {
		return 0, err
	}
	rel := int32(0) // the relation of the statement being inserted
	if err := insert("statements", 3, len(d.st), func(i int, a []any) {
		for int32(i) >= d.stOff[rel+1] {
			rel++
		}
		a[0], a[1], a[2] = int64(rel), int64(d.st[i].status), int64(d.st[i].day)
	}); err != nil {
		return 0, err
	}
	for _, q := range sqliteIndexes {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("sqlite %q: %w", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite commit: %w", err)
	}
	el := time.Since(start)
	if _, err := s.conn.ExecContext(ctx, visitedTable); err != nil {
		return 0, fmt.Errorf("sqlite %q: %w", visitedTable, err)
	}
	if _, err := s.conn.ExecContext(ctx, `CREATE INDEX visited_depth ON visited (depth)`); err != nil {
		return 0, fmt.Errorf("sqlite visited index: %w", err)
	}
	return el, nil
}
