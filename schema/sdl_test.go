package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// specFields are the names SPEC §3 fixes: each type's fields with their
// arguments as "name: Type". Extra fields are allowed; these must be exact.
var specFields = map[string]map[string]string{
	"Query": {
		"entity":       "(ref: String!): Entity",
		"entities":     "(kind: EntityKind, first: Int, after: String): EntityConnection!",
		"search":       "(text: String!, kinds: [EntityKind!], first: Int): [Entity!]!",
		"relations":    "(type: RelationType, status: [ClaimStatus!], first: Int, after: String): RelationConnection!",
		"lineage":      "(entity: String!, direction: LineageDirection!, maxDepth: Int, minStatus: ClaimStatus, asOf: Date, kinds: [EntityKind!], first: Int, recordedAsOf: DateTime): [LineageHit!]!",
		"paths":        "(from: String!, to: String!, maxDepth: Int, types: [RelationType!], first: Int, recordedAsOf: DateTime): [Path!]!",
		"neighborhood": "(entity: String!, depth: Int, limit: Int, recordedAsOf: DateTime): Subgraph!",
		"disputes":     "(party: String, status: DisputeStatus, asOf: Date, recordedAsOf: DateTime, first: Int, after: String): EntityConnection!",
		"stats":        "(recordedAsOf: DateTime): Stats!",
		"node":         "(id: ID!): Node",
		"changes":      "(since: DateTime, entity: String, first: Int, after: String, last: Int): ChangeConnection!",
	},
	"Mutation": {
		"upsertEntity":     "(input: EntityInput!): Entity!",
		"addStatement":     "(input: StatementInput!): Relation!",
		"retractStatement": "(id: ID!, reason: String!): Relation!",
		"addAlias":         "(entity: String!, alias: String!): Entity!",
		"mergeEntities":    "(keep: String!, duplicate: String!): Entity!",
		// SPEC §8.
		"addDisputeEvent":     "(dispute: String!, input: DisputeEventInput!): Entity!",
		"retractDisputeEvent": "(id: ID!, reason: String!): Entity!",
	},
	"Entity": {
		"id": "(): ID!", "key": "(): String!", "kind": "(): EntityKind!", "name": "(): String!", "aliases": "(): [String!]!",
		"description": "(): String", "attributes": "(): [Attribute!]!",
		"relations": "(direction: Direction, types: [RelationType!], first: Int, after: String, recordedAsOf: DateTime): RelationConnection!",
		// SPEC §8.
		"events": "(): [DisputeEvent!]!", "disputeStatus": "(asOf: Date): DisputeStatus", "names": "(): [Name!]!",
	},
	"Name": {"name": "(): String!", "validFrom": "(): Date", "validTo": "(): Date", "primary": "(): Boolean!"},
	"Change": {
		"at": "(): DateTime!", "kind": "(): ChangeKind!", "entity": "(): Entity", "relation": "(): Relation",
		"statement": "(): Statement", "event": "(): DisputeEvent", "reason": "(): String", "before": "(): [Attribute!]",
	},
	"DisputeEvent": {
		"id": "(): ID!", "date": "(): Date!", "status": "(): DisputeStatus!", "summary": "(): String!", "forum": "(): String",
		"evidence": "(): [Evidence!]!", "recordedAt": "(): DateTime!",
	},
	"Relation": {
		"id": "(): ID!", "type": "(): RelationType!", "from": "(): Entity!", "to": "(): Entity!", "status": "(): ClaimStatus!",
		"validFrom": "(): Date", "validTo": "(): Date", "attributes": "(): [Attribute!]!", "statements": "(): [Statement!]!",
	},
	"Statement": {
		"id": "(): ID!", "status": "(): ClaimStatus!", "claimedBy": "(): Entity", "date": "(): Date", "evidence": "(): [Evidence!]!",
		"dispute": "(): Entity", "note": "(): String", "recordedAt": "(): DateTime!",
	},
	"LineageHit": {"entity": "(): Entity!", "depth": "(): Int!", "status": "(): ClaimStatus!", "path": "(): [Relation!]!"},
	"Path":       {"relations": "(): [Relation!]!", "status": "(): ClaimStatus!"},
	"Subgraph":   {"nodes": "(): [Entity!]!", "relations": "(): [Relation!]!"},
	"Attribute":  {"key": "(): String!", "value": "(): String!"},
}

type typeRef struct {
	Kind   string
	Name   *string
	OfType *typeRef
}

func (t *typeRef) String() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.String() + "!"
	case "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return *t.Name
}

func TestSDLMatchesSpec(t *testing.T) {
	h := newHarness(t, schema.Options{})
	resp := h.schema.Exec(context.Background(), `{ __schema { types { name kind
		fields { name args { name type { ...T } } type { ...T } }
		enumValues { name } interfaces { name } } } }
		fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`, "", nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	var r struct {
		Schema struct {
			Types []struct {
				Name, Kind string
				Fields     []struct {
					Name string
					Args []struct {
						Name string
						Type *typeRef
					}
					Type *typeRef
				}
				EnumValues []struct{ Name string }
				Interfaces []struct{ Name string }
			}
		} `json:"__schema"`
	}
	if err := json.Unmarshal(resp.Data, &r); err != nil {
		t.Fatal(err)
	}
	enums := map[string][]string{}
	interfaces := map[string][]string{}
	seen := 0
	for _, ty := range r.Schema.Types {
		for _, v := range ty.EnumValues {
			enums[ty.Name] = append(enums[ty.Name], v.Name)
		}
		for _, i := range ty.Interfaces {
			interfaces[ty.Name] = append(interfaces[ty.Name], i.Name)
		}
		want, ok := specFields[ty.Name]
		if !ok {
			continue
		}
		seen++
		got := map[string]string{}
		for _, f := range ty.Fields {
			var args []string
			for _, a := range f.Args {
				args = append(args, a.Name+": "+a.Type.String())
			}
			got[f.Name] = fmt.Sprintf("(%s): %s", strings.Join(args, ", "), f.Type)
		}
		for name, sig := range want {
			if got[name] != sig {
				t.Errorf("%s.%s = %q, want %q", ty.Name, name, got[name], sig)
			}
		}
	}
	if seen != len(specFields) {
		t.Errorf("introspection showed %d of the %d types of SPEC §3 and §8", seen, len(specFields))
	}
	names := func(xs []string) []string { return slices.Sorted(slices.Values(xs)) }
	wantEnums := map[string][]string{
		"LineageDirection": {"UPSTREAM", "DOWNSTREAM"},
		"Direction":        {"OUT", "IN", "BOTH"},
		"ClaimStatus":      {"RULED", "CONFIRMED", "ASSERTED", "ALLEGED", "DISPUTED", "DENIED", "RETRACTED"},
		"DisputeStatus":    {"THREATENED", "FILED", "ONGOING", "SETTLED", "DISMISSED", "RULED", "WITHDRAWN"},
		"ChangeKind": {"ENTITY_CREATED", "ENTITY_UPDATED", "ALIAS_ADDED", "STATEMENT_ADDED", "STATEMENT_RETRACTED",
			"EVENT_ADDED", "EVENT_RETRACTED", "MERGED"},
	}
	for _, k := range graph.AllKinds {
		wantEnums["EntityKind"] = append(wantEnums["EntityKind"], k.String())
	}
	for _, rt := range graph.AllRelationTypes {
		wantEnums["RelationType"] = append(wantEnums["RelationType"], rt.String())
	}
	for name, want := range wantEnums {
		if got := enums[name]; !slices.Equal(names(got), names(want)) {
			t.Errorf("enum %s = %v, want %v", name, got, want)
		}
	}
	for _, ty := range []string{"Entity", "Relation", "Statement"} {
		if !slices.Contains(interfaces[ty], "Node") {
			t.Errorf("%s does not implement Node", ty)
		}
	}
	for _, s := range []string{"500", "1000", "scalar Date", "interface Node"} {
		if !strings.Contains(schema.SDL, s) {
			t.Errorf("SDL does not mention %q", s)
		}
	}
	if schema.MaxPageSize != graph.MaxPageSize {
		t.Error("MaxPageSize differs from graph's")
	}
}

func TestNewNeedsAStore(t *testing.T) {
	if _, err := schema.New(nil, schema.Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}

// TestConcurrentRequests runs reads and writes at once (for -race).
func TestConcurrentRequests(t *testing.T) {
	h := newHarness(t, schema.Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			q := `{ lineage(entity: "twitter", direction: DOWNSTREAM) { entity { key } path { statements { claimedBy { key } } } } stats { statements } }`
			if i%2 == 0 {
				q = fmt.Sprintf(`mutation { addAlias(entity: "openai", alias: "OpenAI %d") { key } }`, i)
			}
			if resp := h.schema.Exec(context.Background(), q, "", nil); len(resp.Errors) > 0 {
				t.Error(resp.Errors)
			}
		})
	}
	wg.Wait()
}
