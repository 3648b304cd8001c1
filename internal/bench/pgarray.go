package bench

import (
	"context"
	"fmt"

	"github.com/whosedata/whosedata/graph"
)

// arraySQL is PostgreSQL's third walk, the one an application engineer
// writes when the temporary table's writes cost more than the walk: still
// one query per depth, but read-only. The frontier goes to the server as two
// arrays (entities and their statuses, unnest'ed and joined to the edges),
// each new entity's best status comes back (GROUP BY), and the visited set
// is kept by the client. Holders are one more query over the hits.
type arraySQL struct {
	first, step, holders string
	down, asOf           bool
}

// newArraySQL builds the statements of one lineage workload.
//
//	first:   1 start, 2 minStatus [, 3/4 asOf days]   → (entity, status, seed)  DOWNSTREAM's depth 1
//	step:    1 entities, 2 their statuses, 3 minStatus [, 4/5 asOf days] → (entity, best status, 0)
//	holders: 1 hits, 2 minStatus [, 3/4 asOf days]   → (hit, holder, status)
func newArraySQL(q lineageQuery) arraySQL {
	dl := postgresDialect
	as := arraySQL{down: q.down, asOf: !q.asOf.IsZero()}
	if q.down {
		join, st, ok := dl.edgeSQL(q, 2, 3, 4)
		as.first = fmt.Sprintf(`SELECT r.to_id, %s, 1 FROM relations r%s WHERE r.from_id = $1 AND %s AND %s
UNION ALL
SELECT r.from_id, %s, 0 FROM relations r%s WHERE r.to_id = $1 AND %s AND %s`, st, join, holdSQL, ok, st, join, flowSQL, ok)
	}
	join, st, ok := dl.edgeSQL(q, 3, 4, 5)
	walked, reached := "r.to_id = f.id", "r.from_id"
	if !q.down {
		walked, reached = "r.from_id = f.id", "r.to_id"
	}
	as.step = fmt.Sprintf(`SELECT %s, max(least(f.status, %s)), 0
FROM unnest($1::int[], $2::smallint[]) AS f(id, status) JOIN relations r ON %s AND %s%s
WHERE %s GROUP BY %s`, reached, st, walked, flowSQL, join, ok, reached)
	join, st, ok = dl.edgeSQL(q, 2, 3, 4)
	as.holders = fmt.Sprintf(`SELECT r.to_id, r.from_id, %s FROM relations r%s WHERE r.to_id = ANY($1::int[]) AND %s AND %s`,
		st, join, holdSQL, ok)
	return as
}

// arrayLineage runs one lineage walk with arraySQL. Hits are sorted by
// entity number.
func arrayLineage(ctx context.Context, db pgDB, as arraySQL, start int32, q lineageQuery) ([]hit, error) {
	type seen struct {
		depth  int32
		status graph.ClaimStatus
		seed   bool
	}
	min := int16(q.min())
	var days []any
	if as.asOf {
		days = []any{q.asOf.Start(), q.asOf.End()}
	}
	visited := map[int32]*seen{start: {depth: 0, status: graph.Ruled}}
	var flow []int32 // data-flow hits and seeds, in the order reached
	var ids []int32
	var sts []int16
	depth := int32(0)
	if as.down {
		err := db.rows(ctx, as.first, append([]any{start, min}, days...), func(id, status, seed int64) {
			n := int32(id)
			if n == start {
				return
			}
			v := visited[n]
			if v == nil {
				v = &seen{depth: 1, status: graph.ClaimStatus(status)}
				visited[n] = v
				flow = append(flow, n)
			}
			v.status = max(v.status, graph.ClaimStatus(status))
			v.seed = v.seed || seed == 1
		})
		if err != nil {
			return nil, err
		}
		depth = 1
		for _, n := range flow {
			ids, sts = append(ids, n), append(sts, int16(visited[n].status))
		}
	} else {
		ids, sts = []int32{start}, []int16{int16(graph.Ruled)}
	}
	for len(ids) > 0 {
		var nextIDs []int32
		var nextSts []int16
		err := db.rows(ctx, as.step, append([]any{ids, sts, min}, days...), func(id, status, _ int64) {
			n := int32(id)
			if visited[n] != nil {
				return
			}
			visited[n] = &seen{depth: depth + 1, status: graph.ClaimStatus(status)}
			flow = append(flow, n)
			nextIDs, nextSts = append(nextIDs, n), append(nextSts, int16(status))
		})
		if err != nil {
			return nil, err
		}
		ids, sts = nextIDs, nextSts
		depth++
	}
	isHit := func(n int32) bool { v := visited[n]; return n != start && (v == nil || !v.seed) }
	best := map[int32]hit{}
	var hitIDs []int32
	for _, n := range flow {
		if isHit(n) {
			v := visited[n]
			best[n] = hit{n: n, depth: v.depth, status: v.status}
			hitIDs = append(hitIDs, n)
		}
	}
	if len(hitIDs) > 0 {
		err := db.rows(ctx, as.holders, append([]any{hitIDs, min}, days...), func(h, y, status int64) {
			if !isHit(int32(y)) {
				return
			}
			from := visited[int32(h)]
			cand := hit{n: int32(y), depth: from.depth + 1, status: min2(graph.ClaimStatus(status), from.status)}
			if old, ok := best[cand.n]; !ok || better(cand, old) {
				best[cand.n] = cand
			}
		})
		if err != nil {
			return nil, err
		}
	}
	hits := make([]hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sortHits(hits)
	return hits, nil
}

func min2(a, b graph.ClaimStatus) graph.ClaimStatus {
	if a < b {
		return a
	}
	return b
}
