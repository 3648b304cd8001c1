package graphtest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/graph/graphtest"
)

func TestOpenIsEmptyAndClosedAfterTheTest(t *testing.T) {
	var s *graph.Store
	t.Run("use", func(t *testing.T) {
		s = graphtest.Open(t)
		st, err := s.Stats(context.Background())
		if err != nil || st.Entities != 0 {
			t.Fatalf("new store: %+v, %v; want empty", st, err)
		}
	})
	if _, err := s.Stats(context.Background()); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("store after its test ended: %v; want ErrClosed", err)
	}
}

func TestLoadFile(t *testing.T) {
	s := graphtest.Open(t)
	sum := graphtest.LoadFile(t, s, "../../fixtures/testdata/story.yaml")
	if sum.Files != 1 || sum.EntitiesCreated == 0 {
		t.Errorf("LoadFile: %v", sum)
	}
	if _, err := s.Entity(context.Background(), "Acme"); err != nil {
		t.Error(err)
	}
}

func TestLoadBundled(t *testing.T) {
	s := graphtest.Bundled(t)
	if _, err := s.Entity(context.Background(), "twitter"); err != nil {
		t.Errorf("bundled store lacks twitter: %v", err)
	}
}
