package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/schema"
)

func TestCostDebug(t *testing.T) {
	st := costStore(t, 200, 20)
	sch, _ := schema.New(st, schema.Options{MaxDepth: 20, Logger: discardLogger()})
	for _, q := range []string{wideQuery, strings.ReplaceAll(wideQuery, "first: 500) { edges { node { statements", "first: 2) { edges { node { statements")} {
		for _, budget := range []int{50000, 5000, 1000000000} {
			t0 := time.Now()
			resp := decode(t, sch.Exec(schema.WithCost(context.Background(), budget), q, "", nil))
			t.Log("exec", budget, time.Since(t0), len(errorCodes(resp)))
		}
	}
}
