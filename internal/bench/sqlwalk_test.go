package bench

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// endless is a query that never finishes by itself.
const endless = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, x, x FROM c WHERE x < 0`

// TestBoundStopsAStatement drives each SQL peer's bound, which is what keeps
// one CTE seed from outlasting the time budget: an endless query under it
// fails with an error timedOut recognises, and the connection still answers
// afterwards.
func TestBoundStopsAStatement(t *testing.T) {
	ctx := context.Background()
	var dbs []struct {
		name string
		db   sqlDB
	}
	lite, err := openSQLite(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.close()
	dbs = append(dbs, struct {
		name string
		db   sqlDB
	}{"sqlite", lite})
	if _, err := findPostgres(); err == nil {
		pg, err := startPostgres(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer pg.stop()
		conn, err := pg.connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		dbs = append(dbs, struct {
			name string
			db   sqlDB
		}{"postgres", pgDB{conn}})
	}
	for _, d := range dbs {
		bctx, cancel, err := d.db.bound(ctx, 200*time.Millisecond)
		if err != nil {
			t.Fatalf("%s: bound: %v", d.name, err)
		}
		err = d.db.rows(bctx, endless, nil, func(_, _, _ int64) {})
		cancel()
		if err == nil || !d.db.timedOut(err) {
			t.Errorf("%s: the endless query under bound: %v, want an error timedOut recognises", d.name, err)
		}
		if _, c, err := d.db.bound(ctx, 0); err != nil {
			t.Fatalf("%s: unbound: %v", d.name, err)
		} else {
			c()
		}
		var got []int64
		if err := d.db.rows(ctx, `SELECT 1, 2, 3`, nil, func(a, b, c int64) { got = append(got, a, b, c) }); err != nil || len(got) != 3 || got[2] != 3 {
			t.Errorf("%s: after the bound, SELECT 1, 2, 3 gives %v, %v", d.name, got, err)
		}
		if d.db.timedOut(context.Canceled) {
			t.Errorf("%s: timedOut(context.Canceled) is true", d.name)
		}
	}
}
