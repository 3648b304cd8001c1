package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNoPostgres is returned by startPostgres when no PostgreSQL server
// binaries are installed; Run then benchmarks the other systems and says how to
// add PostgreSQL.
var ErrNoPostgres = errors.New("PostgreSQL is not installed (on Debian or Ubuntu: apt-get install postgresql)")

// pgCluster is a private PostgreSQL cluster in a temporary directory,
// listening on 127.0.0.1 on a free port and on a unix socket in that
// directory. It is created by initdb and removed by stop.
type pgCluster struct {
	bin    string // directory of initdb, pg_ctl, postgres
	dir    string // temporary directory: data/, the socket, the log
	port   int
	asUser string // OS user to run the server as ("" = the current user)
	log    *slog.Logger
}

// findPostgres returns the bin directory of the newest PostgreSQL installed
// the Debian way (/usr/lib/postgresql/<version>/bin), or ErrNoPostgres.
func findPostgres() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var best string
	bestV := -1.0
	for _, d := range dirs {
		ok := true
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(d, b)); err != nil {
				ok = false
			}
		}
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		if ok && err == nil && v > bestV {
			best, bestV = d, v
		}
	}
	if best == "" {
		return "", ErrNoPostgres
	}
	return best, nil
}

// startPostgres creates and starts a private cluster. PostgreSQL refuses to
// run as root, so as root the cluster belongs to the "postgres" OS user that
// Debian's package creates, and its commands run through runuser. The caller
// must call stop, also on error paths; a failed start cleans up itself.
func startPostgres(ctx context.Context, log *slog.Logger) (c *pgCluster, err error) {
	bin, err := findPostgres()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "whosedata-bench-pg-")
	if err != nil {
		return nil, err
	}
	c = &pgCluster{bin: bin, dir: dir, log: log}
	defer func() {
		if err != nil {
			c.stop()
			c = nil
		}
	}()
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return c, fmt.Errorf("running as root, PostgreSQL needs the postgres OS user (created by apt-get install postgresql): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return c, err
		}
		c.asUser = "postgres"
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return c, err
	}
	if out, err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return c, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	c.port, err = freePort()
	if err != nil {
		return c, err
	}
	// Settings a benchmark of a non-durable embedded store would use: no
	// fsync (Badger here does not sync per commit either), memory for sorts
	// and index builds. Everything else is PostgreSQL's default.
	opts := strings.Join([]string{
		"-h 127.0.0.1", "-p " + strconv.Itoa(c.port), "-k " + c.dir,
		"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
		"-c shared_buffers=1GB", "-c work_mem=256MB", "-c maintenance_work_mem=1GB", "-c max_wal_size=8GB",
	}, " ")
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "postgres.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return c, fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	log.Info("postgres started", "bin", bin, "port", c.port, "dir", dir)
	return c, nil
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// run runs one of the cluster's programs as the cluster's OS user.
func (c *pgCluster) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	name := filepath.Join(c.bin, prog)
	if c.asUser != "" {
		args = append([]string{"-u", c.asUser, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// stop shuts the server down (fast mode) and removes the directory. It runs
// on its own deadline, so it also works once the benchmark's context is
// cancelled.
func (c *pgCluster) stop() {
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := os.Stat(filepath.Join(c.data(), "postmaster.pid")); err == nil {
		if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
			c.log.Warn("postgres did not stop", "err", err, "output", string(out))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		c.log.Warn("cannot remove the postgres directory", "dir", c.dir, "err", err)
	}
}

// connect opens a connection over the unix socket.
func (c *pgCluster) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", c.dir, c.port))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
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
	ents := make([][]any, len(d.keys))
	for i, k := range d.keys {
		ents[i] = []any{int32(i), k, int16(d.kinds[i])}
	}
	rels := make([][]any, len(d.rels))
	stmts := make([][]any, 0, d.stmts)
	for i := range d.rels {
		r := &d.rels[i]
		rels[i] = []any{int32(i), r.from, int16(r.typ), r.to, int16(r.status), r.vFrom, r.vTo}
		for _, s := range r.st {
			stmts = append(stmts, []any{int32(i), int16(s.status), s.day})
		}
	}
	start := time.Now()
	for _, t := range []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"entities", []string{"id", "key", "kind"}, ents},
		{"relations", []string{"id", "from_id", "type", "to_id", "status", "valid_from", "valid_to"}, rels},
		{"statements", []string{"relation_id", "status", "day"}, stmts},
	} {
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
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
