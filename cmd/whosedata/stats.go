package main

import (
	"context"
	"encoding/json"
	"fmt"
)

// statsJSON is graph.Stats with enum names, not numbers, as map keys.
type statsJSON struct {
	Entities           int            `json:"entities"`
	Relations          int            `json:"relations"`
	Statements         int            `json:"statements"`
	EntitiesByKind     map[string]int `json:"entitiesByKind"`
	RelationsByType    map[string]int `json:"relationsByType"`
	RelationsByStatus  map[string]int `json:"relationsByStatus"`
	StatementsByStatus map[string]int `json:"statementsByStatus"`
}

func statsCommand() *command {
	c := newCommand("stats", "", "print counts of entities, relations and statements as JSON")
	c.run = func(ctx context.Context, e *env, args []string) (err error) {
		if err := noArgs(args); err != nil {
			return err
		}
		st, err := openStore(e, c.g, existingStore, c.g.logger(e, levelQuiet))
		if err != nil {
			return err
		}
		defer closeStore(st, &err)
		s, err := st.Stats(ctx)
		if err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		out, err := json.MarshalIndent(statsJSON{
			Entities:           s.Entities,
			Relations:          s.Relations,
			Statements:         s.Statements,
			EntitiesByKind:     byName(s.EntitiesByKind),
			RelationsByType:    byName(s.RelationsByType),
			RelationsByStatus:  byName(s.RelationsByStatus),
			StatementsByStatus: byName(s.StatementsByStatus),
		}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", out)
		return err
	}
	return c
}

// byName re-keys a count map by the names of its enum keys.
func byName[K interface {
	comparable
	fmt.Stringer
}](m map[K]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		out[k.String()] += n
	}
	return out
}
