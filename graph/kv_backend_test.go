package graph

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/whosedata/whosedata/graph/kv"
	"github.com/whosedata/whosedata/graph/kvtest"
	"github.com/whosedata/whosedata/internal/pgtest"
)

// The graph test suite runs on any backend: WHOSEDATA_TEST_STORE=postgres
// makes every in-memory store of this package's tests a fresh table in a
// private PostgreSQL cluster (started once for the package), dropped when the
// store closes. Unset (or "badger"), stores are Badger in memory.
const testStoreEnv = "WHOSEDATA_TEST_STORE"

var pgShared struct {
	once    sync.Once
	cluster *pgtest.Cluster
	pool    *pgxpool.Pool
	url     string
	err     error
	skip    string
	tables  atomic.Int64
}

// testPostgres returns the package's cluster and a pool on it, starting
// them on first use; it skips t when PostgreSQL is absent (fails under CI).
func testPostgres(t testing.TB) (*pgtest.Cluster, *pgxpool.Pool) {
	t.Helper()
	startTestPostgres()
	if pgShared.err != nil {
		t.Fatal(pgShared.err)
	}
	if pgShared.skip != "" {
		t.Skip(pgShared.skip)
	}
	return pgShared.cluster, pgShared.pool
}

func startTestPostgres() {
	pgShared.once.Do(func() {
		if pgShared.skip, pgShared.err = pgtest.Available(); pgShared.err != nil || pgShared.skip != "" {
			return
		}
		ctx := context.Background()
		if pgShared.cluster, pgShared.err = pgtest.Start(ctx); pgShared.err != nil {
			return
		}
		pgShared.url = pgShared.cluster.URL("postgres")
		cfg, err := pgxpool.ParseConfig(pgShared.url)
		if err != nil {
			pgShared.err = err
			return
		}
		cfg.MaxConns = 64
		pgShared.pool, pgShared.err = pgxpool.NewWithConfig(ctx, cfg)
	})
}

// newTestPgEngine makes an engine on a fresh table of the shared cluster,
// dropped at Close.
func newTestPgEngine(ctx context.Context, pool *pgxpool.Pool) (*pgEngine, error) {
	name := fmt.Sprintf("t%d", pgShared.tables.Add(1))
	return newPostgresEngine(ctx, pool, "test", pgOptions{table: name, maxTxnBytes: 64 << 20, drop: true})
}

func TestMain(m *testing.M) {
	switch os.Getenv(testStoreEnv) {
	case "", "badger", "memory":
	case "postgres":
		startTestPostgres()
		if pgShared.err != nil || pgShared.skip != "" {
			fmt.Fprintln(os.Stderr, "graph tests on PostgreSQL:", pgShared.err, pgShared.skip)
			os.Exit(1)
		}
		testEngine = func() (kv.Engine, error) { return newTestPgEngine(context.Background(), pgShared.pool) }
	default:
		fmt.Fprintf(os.Stderr, "%s=%q: want badger or postgres\n", testStoreEnv, os.Getenv(testStoreEnv))
		os.Exit(2)
	}
	code := m.Run()
	if pgShared.pool != nil {
		pgShared.pool.Close()
	}
	pgShared.cluster.Stop()
	os.Exit(code)
}

// TestPostgresConformance runs the engine conformance suite on PostgreSQL.
func TestPostgresConformance(t *testing.T) {
	_, pool := testPostgres(t)
	kvtest.Run(t, kvtest.Harness{
		Open: func(t *testing.T) kv.Engine {
			e, err := newTestPgEngine(context.Background(), pool)
			if err != nil {
				t.Fatal(err)
			}
			return e
		},
		Reopen: func(t *testing.T, e kv.Engine) kv.Engine {
			pe := e.(*pgEngine)
			pe.drop = false
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			e2, err := newPostgresEngine(context.Background(), pool, "test", pgOptions{table: pe.name, maxTxnBytes: pe.limits.MaxTxnBytes, drop: true})
			if err != nil {
				t.Fatal(err)
			}
			return e2
		},
	})
}
