package bench

import (
	"context"
	"fmt"
	"math"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/internal/synth"
)

// dataset is the stored graph flattened to compact rows: the one input from
// which the peers (postgres, sqlite, limit) build their own representations,
// so that every system answers over exactly the relations whosedata holds.
// Entities are numbered densely by their index in synth.Source.Keys. It is
// built from one pass over the generator and holds about 32 bytes per
// relation, so a graph of ten million statements is never held as inputs.
type dataset struct {
	keys  []string
	index map[string]int32
	kinds []graph.EntityKind
	rels  []relRow
	// st holds the statements of relation i at st[stOff[i]:stOff[i+1]], in
	// the order they were generated.
	st    []stmtRow
	stOff []int32
	stmts int // statements, as generated
}

// relRow is one relation: endpoints, type, stored effective status and
// validity window in epoch days (open ends are math.MinInt32 /
// math.MaxInt32).
type relRow struct {
	from, to   int32
	vFrom, vTo int32
	typ        graph.RelationType
	status     graph.ClaimStatus
}

type stmtRow struct {
	status graph.ClaimStatus
	day    int32 // graph.Date.Start(); math.MinInt32 when undated
}

// newDataset flattens the generated graph the way the store does (SPEC §1):
// statements on the same (from, type, to) form one relation, whose validity
// is the last validFrom and validTo given and whose status is the effective
// status of its statements. Every system's answer is checked against
// whosedata's, so a difference between this and the store shows up as a
// mismatch, not as a silently different benchmark. It returns ctx's error
// if ctx ends first.
func newDataset(ctx context.Context, src *synth.Source) (*dataset, error) {
	d := &dataset{keys: src.Keys, index: make(map[string]int32, len(src.Keys)), kinds: src.Kinds}
	for i, k := range src.Keys {
		d.index[k] = int32(i)
	}
	type triple struct {
		from, to int32
		typ      graph.RelationType
	}
	at := map[triple]int32{}
	relOf := make([]int32, 0, src.Statements())
	rows := make([]stmtRow, 0, src.Statements())
	err := src.EachStatement(func(n int, in synth.Statement) error {
		if n%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if in.From < 0 || in.From >= len(d.keys) || in.To < 0 || in.To >= len(d.keys) {
			return fmt.Errorf("bench: statement %d joins entities the generator did not make (%d, %d)", n, in.From, in.To)
		}
		t := triple{int32(in.From), int32(in.To), in.Type}
		k, ok := at[t]
		if !ok {
			k = int32(len(d.rels))
			at[t] = k
			d.rels = append(d.rels, relRow{from: t.from, to: t.to, typ: in.Type, vFrom: minDay, vTo: maxDay})
		}
		r := &d.rels[k]
		if !in.ValidFrom.IsZero() {
			r.vFrom = in.ValidFrom.Start()
		}
		if !in.ValidTo.IsZero() {
			r.vTo = in.ValidTo.End()
		}
		relOf = append(relOf, k)
		rows = append(rows, stmtRow{status: in.Status, day: in.Date.Start()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	clear(at)
	at = nil
	d.stmts = len(rows)
	// The statements grouped by relation (a counting sort keeps their order).
	d.stOff = make([]int32, len(d.rels)+1)
	for _, k := range relOf {
		d.stOff[k+1]++
	}
	for i := range d.rels {
		d.stOff[i+1] += d.stOff[i]
	}
	d.st = make([]stmtRow, len(rows))
	fill := append([]int32(nil), d.stOff[:len(d.rels)]...)
	for i, k := range relOf {
		d.st[fill[k]] = rows[i]
		fill[k]++
	}
	for i := range d.rels {
		d.rels[i].status = d.statusAsOf(int32(i), maxDay)
	}
	return d, nil
}

// statements returns relation i's statements.
func (d *dataset) statements(i int32) []stmtRow { return d.st[d.stOff[i]:d.stOff[i+1]] }

const (
	minDay int32 = math.MinInt32
	maxDay int32 = math.MaxInt32
)

// statusAsOf is relation i's effective status counting only statements that
// start on or before asOfEnd, by the SPEC §1 rule (graph.EffectiveStatus
// ignores retracted statements).
func (d *dataset) statusAsOf(i int32, asOfEnd int32) graph.ClaimStatus {
	var buf [16]graph.ClaimStatus
	list := buf[:0]
	for _, s := range d.statements(i) {
		if s.day <= asOfEnd {
			list = append(list, s.status)
		}
	}
	return graph.EffectiveStatus(list...)
}
