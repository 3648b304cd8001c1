package graph

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/whosedata/whosedata/graph/kv"
)

// pgEngine is kv.Engine on one PostgreSQL table:
//
//	CREATE TABLE whosedata_kv (k bytea PRIMARY KEY, v bytea NOT NULL)
//
// An ordered key-value table is the portable design: the store's key schema
// (keys.go) stays the one description of the data, bytea compares bytewise
// whatever the database's collation (so key order is Badger's), every scan
// is a range of the primary key, and the same SQL runs on the
// PostgreSQL-compatible distributed databases, which split such a table into
// ranges of its key across their nodes. Tables per record type would need a
// second layout to keep in step with keys.go and a migration per change.
//
// Read-write transactions are SERIALIZABLE; a serialization failure or
// deadlock is kv.ErrConflict, which the store retries. Writes are buffered
// in the transaction and sent in a few statements before its first read
// and at commit. Snapshots are REPEATABLE READ READ ONLY transactions, each
// holding a pooled connection until released. Every commit notifies the
// channel "whosedata" with the table's name; engines of other processes
// listen to it (Changed) to follow their writes. A database that cannot be
// reached gives errors wrapping kv.ErrUnavailable and ErrUnavailable.
type pgEngine struct {
	pool   *pgxpool.Pool
	table  string // quoted identifier
	name   string // unquoted, the notification payload
	where  string // host:port/database, for messages
	limits kv.Limits
	drop   bool // drop the table at Close (test stores)
	owned  bool // the pool is the engine's own

	// exclusive is set while this process holds the writers' lock
	// exclusively (its writers are serialised by the store meanwhile).
	exclusive atomic.Bool
	locks     atomic.Int64 // times LockWriters was taken, for tests
	noLocks   bool         // the database has no advisory locks

	changed chan struct{}
	stop    context.CancelFunc
	wg      sync.WaitGroup
	closed  atomic.Bool
}

// pgPage is how many rows one round trip of a scan reads.
const pgPage = 512

// pgChunk is how many rows one write statement sends.
const pgChunk = 4096

const pgChannel = "whosedata"

var pgTableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// pgOptions are the settings of a postgres:// URL that whosedata reads
// itself (removed before pgx sees the URL).
type pgOptions struct {
	table       string
	maxTxnBytes int64
	listen      bool
	drop        bool
}

// openPostgres connects to the database named by rawURL (postgres:// or
// postgresql://, as libpq reads it; pool_max_conns and the other pgxpool
// settings apply), creates the table if needed, and starts listening for
// other processes' commits. Query parameters of its own: table (default
// whosedata_kv), max_txn_bytes (default 64 MiB). An unreachable database is
// one line naming it, wrapping ErrUnavailable.
func openPostgres(ctx context.Context, rawURL string) (*pgEngine, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: --store %s: %v", ErrInvalid, redactURL(rawURL), err)
	}
	o := pgOptions{table: "whosedata_kv", maxTxnBytes: 64 << 20, listen: true}
	q := u.Query()
	if t := q.Get("table"); t != "" {
		o.table = t
	}
	if !pgTableName.MatchString(o.table) {
		return nil, fmt.Errorf("%w: --store: table %q: want lower-case letters, digits and _, at most 63", ErrInvalid, o.table)
	}
	if s := q.Get("max_txn_bytes"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1<<20 {
			return nil, fmt.Errorf("%w: --store: max_txn_bytes %q: want a number of bytes, at least 1048576", ErrInvalid, s)
		}
		o.maxTxnBytes = n
	}
	q.Del("table")
	q.Del("max_txn_bytes")
	u.RawQuery = q.Encode()
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: --store %s: %v", ErrInvalid, redactURL(rawURL), err)
	}
	if !strings.Contains(u.RawQuery, "pool_max_conns") {
		// Each published version of the cache holds a connection for its
		// snapshot while it is read.
		cfg.MaxConns = 24
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: --store %s: %v", ErrInvalid, redactURL(rawURL), err)
	}
	where := fmt.Sprintf("%s/%s", net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))), cfg.ConnConfig.Database)
	e, err := newPostgresEngine(ctx, pool, where, o)
	if err != nil {
		pool.Close()
		return nil, err
	}
	e.owned = true
	return e, nil
}

// newPostgresEngine makes an engine on pool's database, creating the table.
func newPostgresEngine(ctx context.Context, pool *pgxpool.Pool, where string, o pgOptions) (*pgEngine, error) {
	e := &pgEngine{pool: pool, table: pgx.Identifier{o.table}.Sanitize(), name: o.table, where: where,
		limits: kv.Limits{MaxTxnBytes: o.maxTxnBytes, MaxTxnOps: 1 << 20}, drop: o.drop}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		return nil, fmt.Errorf("%w: cannot reach PostgreSQL at %s: %s", ErrUnavailable, where, shortPgErr(err))
	}
	create := "CREATE TABLE IF NOT EXISTS " + e.table + " (k bytea PRIMARY KEY, v bytea NOT NULL)"
	for attempt := 0; ; attempt++ {
		_, err := pool.Exec(pctx, create)
		if err == nil {
			break
		}
		// Two processes creating the table at once: one loses on the
		// catalog's unique index, and the table is there.
		var pe *pgconn.PgError
		if attempt < 3 && errors.As(err, &pe) && pe.Code == "23505" {
			continue
		}
		return nil, fmt.Errorf("%s: create table %s: %w", where, o.table, e.err(err))
	}
	// PostgreSQL has advisory locks; some compatible databases do not.
	// Without them a journaled write cannot exclude other processes, and
	// is refused (LockWriters).
	if err := pgx.BeginFunc(pctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(pctx, "SELECT pg_advisory_xact_lock_shared($1)", e.lockKey())
		return err
	}); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", where, e.err(err))
		}
		e.noLocks = true
	}
	if o.listen {
		e.changed = make(chan struct{}, 1)
		lctx, stop := context.WithCancel(context.Background())
		e.stop = stop
		e.wg.Add(1)
		go e.listen(lctx)
	}
	return e, nil
}

// redactURL drops the password of a database URL, for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// shortPgErr is the gist of a connection error, on one line.
func shortPgErr(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "failed to connect") {
		msg = msg[i+2:]
	}
	msg = strings.ReplaceAll(msg, "\n", " ")
	return clip(msg)
}

// err translates a pgx error: serialization failures and deadlocks are
// kv.ErrConflict, lost or refused connections kv.ErrUnavailable (and
// ErrUnavailable), context errors stay themselves.
func (e *pgEngine) err(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if pgconn.Timeout(err) && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("%w: %w: PostgreSQL at %s did not answer in time", ErrUnavailable, kv.ErrUnavailable, e.where)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001" || pe.Code == "40P01":
			return fmt.Errorf("%w: %s", kv.ErrConflict, pe.Message)
		case strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300":
			return fmt.Errorf("%w: %w: PostgreSQL at %s: %s", ErrUnavailable, kv.ErrUnavailable, e.where, pe.Message)
		}
		return &storageError{op: "postgres", err: err}
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) || errors.Is(err, pgx.ErrTxClosed) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "unexpected EOF") || strings.Contains(err.Error(), "closed pool") {
		return fmt.Errorf("%w: %w: PostgreSQL at %s: %s", ErrUnavailable, kv.ErrUnavailable, e.where, shortPgErr(err))
	}
	return &storageError{op: "postgres", err: err}
}

func (e *pgEngine) Describe() string { return "PostgreSQL " + e.where + " table " + e.name }

func (e *pgEngine) Limits() kv.Limits { return e.limits }

// pgQuerier is what a reader needs of a transaction.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgReader reads through one transaction. A pgx transaction serves one query
// at a time, and a snapshot is shared by concurrent readers, whose scan
// callbacks read too: so each query holds mu only while it runs, and a scan
// reads a page into memory before calling back.
type pgReader struct {
	e      *pgEngine
	tx     pgQuerier
	mu     *sync.Mutex
	before func(ctx context.Context) error // flushes a transaction's buffered writes
}

func (r *pgReader) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.before != nil {
		if err := r.before(ctx); err != nil {
			return nil, false, err
		}
	}
	var v []byte
	err := r.tx.QueryRow(ctx, "SELECT v FROM "+r.e.table+" WHERE k = $1", key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, r.e.err(err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

type pgRow struct{ k, v []byte }

func (r *pgReader) page(ctx context.Context, rg kv.Range, lo, hi []byte, loIncl bool, n int) ([]pgRow, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.before != nil {
		if err := r.before(ctx); err != nil {
			return nil, err
		}
	}
	cols := "k, v"
	if rg.KeysOnly {
		cols = "k"
	}
	var where []string
	var args []any
	if lo != nil {
		op := ">"
		if loIncl {
			op = ">="
		}
		args = append(args, lo)
		where = append(where, fmt.Sprintf("k %s $%d", op, len(args)))
	}
	if hi != nil {
		args = append(args, hi)
		where = append(where, fmt.Sprintf("k < $%d", len(args)))
	}
	sql := "SELECT " + cols + " FROM " + r.e.table
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if rg.Reverse {
		sql += " ORDER BY k DESC"
	} else {
		sql += " ORDER BY k"
	}
	sql += " LIMIT " + strconv.Itoa(n)
	rows, err := r.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, r.e.err(err)
	}
	defer rows.Close()
	var out []pgRow
	for rows.Next() {
		var row pgRow
		if rg.KeysOnly {
			err = rows.Scan(&row.k)
		} else {
			err = rows.Scan(&row.k, &row.v)
		}
		if err != nil {
			return nil, r.e.err(err)
		}
		out = append(out, row)
	}
	return out, r.e.err(rows.Err())
}

func (r *pgReader) Scan(ctx context.Context, rg kv.Range, fn func(k, v []byte) (bool, error)) error {
	lo, hi := rg.Bounds()
	if len(lo) == 0 {
		lo = nil
	}
	loIncl := true
	seen := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := pgPage
		if rg.Limit > 0 {
			n = min(n, rg.Limit-seen)
		}
		rows, err := r.page(ctx, rg, lo, hi, loIncl, n)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if !strings.HasPrefix(string(row.k), string(rg.Prefix)) {
				// Only a prefix of 0xFF bytes has no upper bound: past it
				// (forward) there are no more keys with the prefix.
				if !rg.Reverse {
					return nil
				}
				continue
			}
			more, err := fn(row.k, row.v)
			if err != nil || !more {
				return err
			}
		}
		seen += len(rows)
		if len(rows) < n || (rg.Limit > 0 && seen >= rg.Limit) {
			return nil
		}
		last := rows[len(rows)-1].k
		if rg.Reverse {
			hi = last
		} else {
			lo, loIncl = last, false
		}
	}
}

// pgSnapshot is a REPEATABLE READ READ ONLY transaction.
type pgSnapshot struct {
	pgReader
	ptx    pgx.Tx
	broken atomic.Bool
	once   sync.Once
}

func (s *pgSnapshot) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	v, ok, err := s.pgReader.Get(ctx, key)
	s.note(err)
	return v, ok, err
}

func (s *pgSnapshot) Scan(ctx context.Context, rg kv.Range, fn func(k, v []byte) (bool, error)) error {
	err := s.pgReader.Scan(ctx, rg, fn)
	s.note(err)
	return err
}

// note remembers that the snapshot's connection is gone: no read through it
// can succeed again, and the store's follower replaces it (Broken).
func (s *pgSnapshot) note(err error) {
	if errors.Is(err, kv.ErrUnavailable) {
		s.broken.Store(true)
	}
}

// Broken reports whether the snapshot lost its connection.
func (s *pgSnapshot) Broken() bool { return s.broken.Load() }

func (s *pgSnapshot) Release() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ptx.Rollback(ctx)
	})
}

func (e *pgEngine) begin(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	if e.closed.Load() {
		return nil, kv.ErrClosed
	}
	tx, err := e.pool.BeginTx(ctx, opts)
	return tx, e.err(err)
}

func (e *pgEngine) Snapshot(ctx context.Context) (kv.Snapshot, error) {
	tx, err := e.begin(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	// PostgreSQL takes the snapshot at the transaction's first statement,
	// not at BEGIN: take it now.
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return nil, e.err(err)
	}
	return &pgSnapshot{pgReader: pgReader{e: e, tx: tx, mu: new(sync.Mutex)}, ptx: tx}, nil
}

func (e *pgEngine) View(ctx context.Context, fn func(kv.Reader) error) error {
	sn, err := e.Snapshot(ctx)
	if err != nil {
		return err
	}
	defer sn.Release()
	return fn(sn)
}

// pgTxn is a SERIALIZABLE transaction with buffered writes.
type pgTxn struct {
	pgReader
	e       *pgEngine
	ptx     pgx.Tx
	pending map[string]kv.Op
	size    int64
	ops     int
}

func (t *pgTxn) add(op kv.Op) error {
	t.size += int64(len(op.Key) + len(op.Value) + 16)
	t.ops++
	if t.size > t.e.limits.MaxTxnBytes || t.ops > t.e.limits.MaxTxnOps {
		return fmt.Errorf("%w: more than %d bytes or %d writes in one PostgreSQL transaction (the store's max_txn_bytes)", kv.ErrTooBig, t.e.limits.MaxTxnBytes, t.e.limits.MaxTxnOps)
	}
	op.Key = slices.Clone(op.Key)
	op.Value = slices.Clone(op.Value)
	t.pending[string(op.Key)] = op
	return nil
}

func (t *pgTxn) Set(k, v []byte) error { return t.add(kv.Op{Key: k, Value: v}) }

func (t *pgTxn) Delete(k []byte) error { return t.add(kv.Op{Key: k, Del: true}) }

// flush sends the buffered writes: the upserts and the deletes, a chunk a
// statement. The caller holds mu (or is committing).
func (t *pgTxn) flush(ctx context.Context) error {
	if len(t.pending) == 0 {
		return nil
	}
	keys := make([]string, 0, len(t.pending))
	for k := range t.pending {
		keys = append(keys, k)
	}
	// Sorted, so that concurrent transactions lock rows in one order.
	slices.Sort(keys)
	var setK, setV, del [][]byte
	send := func() error {
		if len(setK) > 0 {
			if _, err := t.ptx.Exec(ctx, "INSERT INTO "+t.e.table+" (k, v) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (k) DO UPDATE SET v = excluded.v", setK, setV); err != nil {
				return t.e.err(err)
			}
		}
		if len(del) > 0 {
			if _, err := t.ptx.Exec(ctx, "DELETE FROM "+t.e.table+" WHERE k = ANY($1::bytea[])", del); err != nil {
				return t.e.err(err)
			}
		}
		setK, setV, del = setK[:0], setV[:0], del[:0]
		return nil
	}
	for _, k := range keys {
		op := t.pending[k]
		if op.Del {
			del = append(del, op.Key)
		} else {
			v := op.Value
			if v == nil {
				v = []byte{}
			}
			setK, setV = append(setK, op.Key), append(setV, v)
		}
		if len(setK)+len(del) >= pgChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := send(); err != nil {
		return err
	}
	clear(t.pending)
	return nil
}

func (e *pgEngine) Update(ctx context.Context, fn func(kv.Txn) error) error {
	tx, err := e.begin(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		tx.Rollback(rctx)
		cancel()
	}()
	// Every transaction holds the writers' lock shared; a journaled write
	// holds it exclusively (LockWriters), and the transactions it is made
	// of, in this process, go ahead.
	if !e.exclusive.Load() && !e.noLocks {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock_shared($1)", e.lockKey()); err != nil {
			return e.err(err)
		}
	}
	t := &pgTxn{e: e, ptx: tx, pending: map[string]kv.Op{}}
	t.pgReader = pgReader{e: e, tx: tx, mu: new(sync.Mutex), before: t.flush}
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	if e.changed != nil {
		if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", pgChannel, e.name); err != nil {
			return e.err(err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return e.err(tx.Commit(ctx))
}

// lockKey is the advisory lock of the table's writers.
func (e *pgEngine) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("whosedata:" + e.name))
	return int64(h.Sum64())
}

// LockWriters holds the table's writers' lock exclusively, on a connection
// of its own, until unlock: every transaction of every process waits for it
// meanwhile, except this process's own, which the store serialises. A
// process that dies holding it releases it with its session.
func (e *pgEngine) LockWriters(ctx context.Context) (func(), error) {
	if e.noLocks {
		return nil, fmt.Errorf("%w: this write is larger than one transaction (max_txn_bytes %d), and %s has no advisory locks to keep other servers out while it is journaled; raise max_txn_bytes in the store URL or split the input",
			ErrLimit, e.limits.MaxTxnBytes, e.where)
	}
	conn, err := e.pool.Acquire(ctx)
	if err != nil {
		return nil, e.err(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", e.lockKey()); err != nil {
		conn.Release()
		return nil, e.err(err)
	}
	e.exclusive.Store(true)
	e.locks.Add(1)
	return func() {
		e.exclusive.Store(false)
		uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", e.lockKey()); err != nil {
			// The session may still hold the lock: do not reuse it.
			conn.Hijack().Close(uctx)
			return
		}
		conn.Release()
	}, nil
}

// DropAllExcept deletes every key outside the prefix keep.
func (e *pgEngine) DropAllExcept(ctx context.Context, keep []byte) error {
	lo, hi := kv.Range{Prefix: keep}.Bounds()
	var err error
	if hi == nil {
		_, err = e.pool.Exec(ctx, "DELETE FROM "+e.table+" WHERE k < $1", lo)
	} else {
		_, err = e.pool.Exec(ctx, "DELETE FROM "+e.table+" WHERE k < $1 OR k >= $2", lo, hi)
	}
	return e.err(err)
}

// Changed receives a value when a commit on the table may have happened in
// another process; nil when the engine does not listen.
func (e *pgEngine) Changed() <-chan struct{} {
	if e.changed == nil {
		return nil
	}
	return e.changed
}

// listen holds one connection LISTENing on the channel, reconnecting after
// a lost connection, until ctx ends.
func (e *pgEngine) listen(ctx context.Context) {
	defer e.wg.Done()
	for ctx.Err() == nil {
		conn, err := e.pool.Acquire(ctx)
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+pgChannel); err == nil {
				// Commits made while no one listened are found by the
				// follower's timer; signal once to look now.
				e.signal()
				for {
					n, werr := conn.Conn().WaitForNotification(ctx)
					if werr != nil {
						err = werr
						break
					}
					if n.Payload == e.name {
						e.signal()
					}
				}
			}
			// The connection may be in any state: do not return it.
			conn.Hijack().Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (e *pgEngine) signal() {
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

func (e *pgEngine) Close() error {
	if e.closed.Swap(true) {
		return kv.ErrClosed
	}
	if e.stop != nil {
		e.stop()
	}
	e.wg.Wait()
	var err error
	if e.drop {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = e.pool.Exec(ctx, "DROP TABLE IF EXISTS "+e.table)
		cancel()
		err = e.err(err)
	}
	if e.owned {
		e.pool.Close()
	}
	return err
}
