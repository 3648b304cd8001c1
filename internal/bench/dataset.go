package bench

import (
	"fmt"
	"math"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

// dataset is the stored graph flattened to rows: the one input from which the
// peers (postgres, limit) build their own representations, so that every
// system answers over exactly the relations whosedata holds. Entities are
// numbered densely by their index in synth.Graph.Keys.
type dataset struct {
	keys  []string
	index map[string]int32
	kinds []graph.EntityKind
	rels  []relRow
	stmts int // statements in rels, as generated
}

// relRow is one relation: endpoints, type, stored effective status, validity
// window in epoch days (open ends are math.MinInt32 / math.MaxInt32) and the
// (status, day) of every statement, for asOf.
type relRow struct {
	from, to   int32
	typ        graph.RelationType
	status     graph.ClaimStatus
	vFrom, vTo int32
	st         []stmtRow
}

type stmtRow struct {
	status graph.ClaimStatus
	day    int32 // graph.Date.Start(); math.MinInt32 when undated
}

// newDataset flattens a generated batch the way the store does (SPEC §1):
// statements on the same (from, type, to) form one relation, whose validity is
// the last validFrom and validTo given and whose status is the effective
// status of its statements. Every system's answer is checked against
// whosedata's, so a difference between this and the store shows up as a
// mismatch, not as a silently different benchmark.
func newDataset(g *synth.Graph) (*dataset, error) {
	d := &dataset{keys: g.Keys, index: make(map[string]int32, len(g.Keys)), kinds: make([]graph.EntityKind, len(g.Keys))}
	for i, k := range g.Keys {
		d.index[k] = int32(i)
	}
	for _, e := range g.Batch.Entities {
		i, ok := d.index[e.Key]
		if !ok {
			return nil, fmt.Errorf("bench: entity %q is not among the generator's keys", e.Key)
		}
		d.kinds[i] = e.Kind
	}
	type triple struct {
		from, to int32
		typ      graph.RelationType
	}
	at := map[triple]int{}
	for i, in := range g.Batch.Statements {
		from, ok1 := d.index[in.From]
		to, ok2 := d.index[in.To]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bench: statement %d joins entities the generator did not make", i)
		}
		t := triple{from, to, in.Type}
		k, ok := at[t]
		if !ok {
			k = len(d.rels)
			at[t] = k
			d.rels = append(d.rels, relRow{from: from, to: to, typ: in.Type, vFrom: minDay, vTo: maxDay})
		}
		r := &d.rels[k]
		if !in.ValidFrom.IsZero() {
			r.vFrom = in.ValidFrom.Start()
		}
		if !in.ValidTo.IsZero() {
			r.vTo = in.ValidTo.End()
		}
		r.st = append(r.st, stmtRow{status: in.Status, day: in.Date.Start()})
		d.stmts++
	}
	for i := range d.rels {
		d.rels[i].status = d.rels[i].statusAsOf(maxDay)
	}
	return d, nil
}

const (
	minDay int32 = math.MinInt32
	maxDay int32 = math.MaxInt32
)

// statusAsOf is r's effective status counting only statements that start on
// or before asOfEnd, by the SPEC §1 rule (graph.EffectiveStatus ignores
// retracted statements).
func (r *relRow) statusAsOf(asOfEnd int32) graph.ClaimStatus {
	var buf [16]graph.ClaimStatus
	list := buf[:0]
	for _, s := range r.st {
		if s.day <= asOfEnd {
			list = append(list, s.status)
		}
	}
	return graph.EffectiveStatus(list...)
}
