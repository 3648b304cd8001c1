package graph

import (
	"context"
	"fmt"
	"testing"
)

// uniqueKeys is a kvEngine that fails the test when one commit writes the
// same key twice: ops are applied in no particular order, which is only
// sound if every key appears once.
type uniqueKeys struct {
	kvEngine
	t *testing.T
}

func (u uniqueKeys) check(ops []kvOp) {
	seen := map[string]bool{}
	for _, op := range ops {
		if seen[string(op.Key)] {
			u.t.Errorf("one commit writes key %x twice", op.Key)
		}
		seen[string(op.Key)] = true
	}
}

func (u uniqueKeys) commit(ctx context.Context, first bool, build func(r kvReader) ([]kvOp, error)) error {
	return u.kvEngine.commit(ctx, first, func(r kvReader) ([]kvOp, error) {
		ops, err := build(r)
		u.check(ops)
		return ops, err
	})
}

func TestCommitsWriteEachKeyOnce(t *testing.T) {
	ctx := context.Background()
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.kv = uniqueKeys{s.kv, t}
	b := &Batch{}
	for i := 0; i < 6; i++ {
		b.Entities = append(b.Entities, EntityInput{Key: fmt.Sprintf("e%d", i), Kind: Model, Name: fmt.Sprintf("E %d", i), Aliases: []string{"shared"}})
		b.Entities = append(b.Entities, EntityInput{Key: fmt.Sprintf("e%d", i), Kind: Model, Name: fmt.Sprintf("E %d renamed", i)})
	}
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			b.Statements = append(b.Statements, StatementInput{Type: TrainedOn, From: fmt.Sprintf("e%d", i), To: fmt.Sprintf("e%d", j), Status: Alleged})
			b.Statements = append(b.Statements, StatementInput{Type: TrainedOn, From: fmt.Sprintf("e%d", i), To: fmt.Sprintf("e%d", j), Status: Denied,
				ValidFrom: MustParseDate("2020"), Attributes: []Attribute{{Key: "k", Value: fmt.Sprint(j)}}})
		}
	}
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"e0", "e1"}, {"e2", "e0"}, {"e3", "e4"}} {
		if _, err := s.MergeEntities(ctx, pair[0], pair[1]); err != nil {
			t.Fatal(err)
		}
	}
	rel, err := s.AddStatement(ctx, StatementInput{Type: TrainedOn, From: "e2", To: "e2", Status: Ruled})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractStatement(ctx, rel.Statements[0].ID, "test"); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
}
