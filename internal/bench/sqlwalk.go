package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/whosedata/whosedata/graph"
)

// sqlDB is what the two SQL walks need from a connection: statements that
// change rows (returning how many) and queries of (id, depth, status) rows.
// PostgreSQL (pgx) and SQLite (database/sql) each implement it.
type sqlDB interface {
	exec(ctx context.Context, sql string, args ...any) (int64, error)
	// rows runs a query whose rows are (id, depth, status) and calls fn on
	// each.
	rows(ctx context.Context, sql string, args []any, fn func(id, depth, status int64)) error
	// bound makes every statement run under the returned context give up
	// after d (0: no bound) with an error that timedOut recognises, leaving
	// the connection usable.
	bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, error)
	timedOut(err error) bool
}

// dialect is how PostgreSQL and SQLite spell the few things the walks need
// differently.
type dialect struct {
	// param is the i-th (1-based) positional parameter: $i or ?i.
	param func(i int) string
	// least is the two-argument minimum: least or min.
	least string
	// lateral: the asOf status as a LATERAL subquery (PostgreSQL); without
	// it, as a correlated scalar subquery (SQLite has no LATERAL).
	lateral bool
	// clear empties the walk's temporary table.
	clear string
	// insertIgnore starts an insert that skips rows whose id is present,
	// and insertIgnoreEnd ends it.
	insertIgnore, insertIgnoreEnd string
}

var postgresDialect = dialect{
	param:           func(i int) string { return fmt.Sprintf("$%d", i) },
	least:           "least",
	lateral:         true,
	clear:           "TRUNCATE visited",
	insertIgnore:    "INSERT INTO visited (id, depth, status, seed) ",
	insertIgnoreEnd: " ON CONFLICT (id) DO NOTHING",
}

var sqliteDialect = dialect{
	param:           func(i int) string { return fmt.Sprintf("?%d", i) },
	least:           "min",
	clear:           "DELETE FROM visited",
	insertIgnore:    "INSERT OR IGNORE INTO visited (id, depth, status, seed) ",
	insertIgnoreEnd: "",
}

// visitedTable is the walk's visited set: one row per entity reached, with
// its depth, its best weakest-link status and whether it is a seed (a
// holding of the start, walked from but not reported).
const visitedTable = `CREATE TEMP TABLE visited (id int PRIMARY KEY, depth int NOT NULL, status smallint NOT NULL, seed smallint NOT NULL)`

// Relation type ranges: holdings (OWNS, CREATED, DEVELOPED) and data flow
// (TRAINED_ON … BUILT_ON) are contiguous in graph's enum.
var (
	holdSQL = fmt.Sprintf("r.type BETWEEN %d AND %d", graph.Owns, graph.Developed)
	flowSQL = fmt.Sprintf("r.type BETWEEN %d AND %d", graph.TrainedOn, graph.BuiltOn)
)

// edgeSQL returns how a relation r is judged under q: join (a LATERAL to
// add after "relations r", or ""), st (its status) and ok (whether it may be
// walked). pMin, pStart and pEnd number the parameters holding minStatus and
// the asOf period's first and last day (unused without asOf).
func (dl dialect) edgeSQL(q lineageQuery, pMin, pStart, pEnd int) (join, st, ok string) {
	if q.asOf.IsZero() {
		return "", "r.status", "r.status >= " + dl.param(pMin)
	}
	// Effective status from the statements dated up to asOf (SPEC §1): the
	// strongest wins, except ALLEGED with DENIED is DISPUTED; none is
	// RETRACTED.
	eff := fmt.Sprintf(`SELECT CAST(CASE WHEN max(s.status) IS NULL THEN %d
		WHEN max(s.status) = %d AND min(s.status) = %d THEN %d ELSE max(s.status) END AS smallint) AS status
		FROM statements s WHERE s.relation_id = r.id AND s.day <= %s AND s.status <> %d`,
		graph.Retracted, graph.Alleged, graph.Denied, graph.Disputed, dl.param(pEnd), graph.Retracted)
	valid := fmt.Sprintf("r.valid_from <= %s AND r.valid_to >= %s", dl.param(pEnd), dl.param(pStart))
	if dl.lateral {
		return " CROSS JOIN LATERAL (" + eff + ") e", "e.status", valid + " AND e.status >= " + dl.param(pMin)
	}
	st = "(" + eff + ")"
	return "", st, valid + " AND " + st + " >= " + dl.param(pMin)
}

// cteSQL builds the recursive-CTE lineage query with the SPEC §2 semantics.
// UNION on (entity, depth, status) removes duplicate rows within a level;
// the depth bound (parameter 3) is what stops cycles from looping. flow then
// keeps each entity's shortest depth and, among equally short walks, the
// strongest weakest-link status. Holders are one join further. The last row
// (id -1) carries the deepest data-flow depth reached, so the caller can
// tell whether the bound cut the walk short.
//
// Parameters: 1 start entity, 2 minStatus, 3 depth bound, and with asOf 4/5
// the first and last day of the asOf period.
func (dl dialect) cteSQL(q lineageQuery) string {
	p := dl.param
	join, st, ok := dl.edgeSQL(q, 2, 4, 5)
	var b strings.Builder
	fmt.Fprintf(&b, "WITH RECURSIVE\nseeds(id) AS (SELECT CAST(%s AS int)", p(1))
	if q.down {
		fmt.Fprintf(&b, " UNION SELECT r.to_id FROM relations r%s WHERE r.from_id = %s AND %s AND %s", join, p(1), holdSQL, ok)
	}
	fmt.Fprintf(&b, "),\nwalk(id, depth, status) AS (\n  SELECT CAST(%s AS int), 0, CAST(%d AS smallint)\n", p(1), graph.Ruled)
	if q.down {
		fmt.Fprintf(&b, "  UNION SELECT r.to_id, 1, %s FROM relations r%s WHERE r.from_id = %s AND %s AND %s\n", st, join, p(1), holdSQL, ok)
		fmt.Fprintf(&b, "  UNION SELECT r.from_id, w.depth + 1, %s(w.status, %s) FROM walk w JOIN relations r ON r.to_id = w.id AND %s%s WHERE w.depth < %s AND %s\n",
			dl.least, st, flowSQL, join, p(3), ok)
	} else {
		fmt.Fprintf(&b, "  UNION SELECT r.to_id, w.depth + 1, %s(w.status, %s) FROM walk w JOIN relations r ON r.from_id = w.id AND %s%s WHERE w.depth < %s AND %s\n",
			dl.least, st, flowSQL, join, p(3), ok)
	}
	best := "row_number() OVER (PARTITION BY id ORDER BY depth, status DESC)"
	fmt.Fprintf(&b, `),
flow AS (SELECT id, depth, status FROM (SELECT id, depth, status, %s AS rn FROM walk) x WHERE rn = 1),
hits AS (SELECT id, depth, status FROM flow WHERE id NOT IN (SELECT id FROM seeds)),
holders AS (SELECT r.from_id AS id, h.depth + 1 AS depth, %s(h.status, %s) AS status
	FROM hits h JOIN relations r ON r.to_id = h.id AND %s%s WHERE %s AND r.from_id NOT IN (SELECT id FROM seeds))
SELECT id, depth, status FROM (SELECT id, depth, status, %s AS rn FROM (SELECT * FROM hits UNION ALL SELECT * FROM holders) y) z WHERE rn = 1
UNION ALL SELECT -1, (SELECT coalesce(max(depth), 0) FROM flow), 0`, best, dl.least, st, holdSQL, join, ok, best)
	return b.String()
}

// cteFirstBound is the depth bound the CTE starts with; when the walk
// reaches it, the query is run again with the bound doubled.
const cteFirstBound = 16

// cteLineage runs one CTE lineage query, deepening the bound until the walk
// ends inside it. Hits are sorted by entity number.
func cteLineage(ctx context.Context, db sqlDB, sql string, start int32, q lineageQuery) ([]hit, error) {
	args := []any{start, int16(q.min()), 0}
	if !q.asOf.IsZero() {
		args = append(args, q.asOf.Start(), q.asOf.End())
	}
	for bound := cteFirstBound; ; bound *= 2 {
		args[2] = bound
		var hits []hit
		var deepest int64
		err := db.rows(ctx, sql, args, func(id, depth, status int64) {
			if id < 0 {
				deepest = depth
				return
			}
			hits = append(hits, hit{n: int32(id), depth: int32(depth), status: graph.ClaimStatus(status)})
		})
		if err != nil {
			return nil, err
		}
		if deepest < int64(bound) {
			sortHits(hits)
			return hits, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// levelSQL is the level-by-level walk: what an engineer who knows the CTE's
// cost writes instead. The visited set lives in a temporary table; each
// depth is one INSERT … SELECT that joins the previous level to its edges,
// keeps each new entity's best status (GROUP BY) and skips entities already
// visited, so every relation is looked at once per walk. The walk ends when
// a level adds nobody; holders are one query at the end.
type levelSQL struct {
	clear, start, first, step, holders string
	down, asOf                         bool
}

// newLevelSQL builds the statements of one lineage workload.
//
//	start:   1 start entity
//	first:   1 start, 2 minStatus [, 3/4 asOf days]   (DOWNSTREAM's depth 1: holdings and data flow)
//	step:    1 depth walked from, 2 depth reached, 3 minStatus [, 4/5 asOf days]
//	holders: 1 minStatus [, 2/3 asOf days]
func (dl dialect) newLevelSQL(q lineageQuery) levelSQL {
	p := dl.param
	ls := levelSQL{clear: dl.clear, down: q.down, asOf: !q.asOf.IsZero()}
	ls.start = fmt.Sprintf("INSERT INTO visited (id, depth, status, seed) VALUES (%s, 0, %d, 0)", p(1), graph.Ruled)
	if q.down {
		join, st, ok := dl.edgeSQL(q, 2, 3, 4)
		ls.first = dl.insertIgnore + fmt.Sprintf(`SELECT id, 1, max(status), max(seed) FROM (
	SELECT r.to_id AS id, %s AS status, 1 AS seed FROM relations r%s WHERE r.from_id = %s AND %s AND %s
	UNION ALL
	SELECT r.from_id, %s, 0 FROM relations r%s WHERE r.to_id = %s AND %s AND %s) x
WHERE id <> %s GROUP BY id`, st, join, p(1), holdSQL, ok, st, join, p(1), flowSQL, ok, p(1)) + dl.insertIgnoreEnd
	}
	join, st, ok := dl.edgeSQL(q, 3, 4, 5)
	walked, reached := "r.to_id = v.id", "r.from_id"
	if !q.down {
		walked, reached = "r.from_id = v.id", "r.to_id"
	}
	ls.step = dl.insertIgnore + fmt.Sprintf(`SELECT %s, CAST(%s AS int), max(%s(v.status, %s)), 0
FROM visited v JOIN relations r ON %s AND %s%s
WHERE v.depth = CAST(%s AS int) AND %s GROUP BY %s`, reached, p(2), dl.least, st, walked, flowSQL, join, p(1), ok, reached) + dl.insertIgnoreEnd
	join, st, ok = dl.edgeSQL(q, 1, 2, 3)
	ls.holders = fmt.Sprintf(`SELECT id, depth, status FROM visited WHERE depth > 0 AND seed = 0
UNION ALL
SELECT r.from_id, h.depth + 1, %s(h.status, %s)
FROM visited h JOIN relations r ON r.to_id = h.id AND %s%s
WHERE h.depth > 0 AND h.seed = 0 AND %s AND r.from_id NOT IN (SELECT id FROM visited WHERE depth = 0 OR seed = 1)`,
		dl.least, st, holdSQL, join, ok)
	return ls
}

// levelLineage runs one level-by-level lineage walk from start: one
// statement per depth, then the holders. Hits are sorted by entity number;
// an entity reached both by data flow and as a holder keeps the better.
func levelLineage(ctx context.Context, db sqlDB, ls levelSQL, start int32, q lineageQuery) ([]hit, error) {
	min := int16(q.min())
	var days []any
	if ls.asOf {
		days = []any{q.asOf.Start(), q.asOf.End()}
	}
	if _, err := db.exec(ctx, ls.clear); err != nil {
		return nil, err
	}
	if _, err := db.exec(ctx, ls.start, start); err != nil {
		return nil, err
	}
	depth := 0
	if ls.down {
		n, err := db.exec(ctx, ls.first, append([]any{start, min}, days...)...)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			depth = -1 // nobody at depth 1: the walk is over
		} else {
			depth = 1
		}
	}
	for depth >= 0 {
		n, err := db.exec(ctx, ls.step, append([]any{depth, depth + 1, min}, days...)...)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		depth++
	}
	best := map[int32]hit{}
	err := db.rows(ctx, ls.holders, append([]any{min}, days...), func(id, depth, status int64) {
		h := hit{n: int32(id), depth: int32(depth), status: graph.ClaimStatus(status)}
		if old, ok := best[h.n]; !ok || better(h, old) {
			best[h.n] = h
		}
	})
	if err != nil {
		return nil, err
	}
	hits := make([]hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sortHits(hits)
	return hits, nil
}
