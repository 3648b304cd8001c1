package interchange_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/interchange"
)

// The header rules of `neo4j-admin database import` (Neo4j Operations
// Manual, "Import: CSV header format"): a column is name:type, name, or one of
// the special :ID (optionally named and grouped: id:ID(Group)), :LABEL,
// :START_ID, :END_ID, :TYPE, :IGNORE; a data type is one of the list below,
// with [] for an array. A node file has exactly one :ID and no relationship
// columns; a relationship file has one :START_ID, :END_ID and :TYPE each and
// no :ID or :LABEL; property names are unique within a file.
var (
	neo4jColumn = regexp.MustCompile(`^([^:]*)(?::([A-Za-z_]+)(\([^()]*\))?(\[\])?)?$`)
	neo4jTypes  = map[string]bool{"int": true, "long": true, "float": true, "double": true, "boolean": true,
		"byte": true, "short": true, "char": true, "string": true, "point": true, "date": true, "localtime": true,
		"time": true, "localdatetime": true, "datetime": true, "duration": true}
	neo4jSpecial = map[string]bool{"ID": true, "LABEL": true, "START_ID": true, "END_ID": true, "TYPE": true, "IGNORE": true}
	neo4jDate    = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
	neo4jRelType = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)

type neo4jCol struct{ name, typ string }

// checkNeo4jHeader checks one file's header against the rules and returns
// its columns.
func checkNeo4jHeader(t *testing.T, file string, header []string, relationships bool) []neo4jCol {
	t.Helper()
	cols := make([]neo4jCol, len(header))
	count := map[string]int{}
	names := map[string]bool{}
	for i, h := range header {
		m := neo4jColumn.FindStringSubmatch(h)
		if m == nil {
			t.Errorf("%s: column %d %q is not name:type", file, i, h)
			continue
		}
		name, typ, group, array := m[1], m[2], m[3], m[4]
		switch {
		case typ == "":
			typ = "string"
			if name == "" {
				t.Errorf("%s: column %d has neither name nor type", file, i)
			}
		case neo4jSpecial[typ]:
			count[typ]++
			if array != "" || (group != "" && typ != "ID" && typ != "START_ID" && typ != "END_ID") {
				t.Errorf("%s: column %q: %s takes no array and no group", file, h, typ)
			}
			if name != "" && typ != "ID" {
				t.Errorf("%s: column %q: only :ID may be named", file, h)
			}
		case neo4jTypes[typ]:
			if name == "" {
				t.Errorf("%s: column %q: a property needs a name", file, h)
			}
			if group != "" {
				t.Errorf("%s: column %q: a property takes no group", file, h)
			}
		default:
			t.Errorf("%s: column %q: unknown type %q", file, h, typ)
		}
		if name != "" {
			if names[name] {
				t.Errorf("%s: property %q twice", file, name)
			}
			names[name] = true
		}
		cols[i] = neo4jCol{name, typ + array}
	}
	if relationships {
		for _, s := range []string{"START_ID", "END_ID", "TYPE"} {
			if count[s] != 1 {
				t.Errorf("%s: %d :%s columns, want 1", file, count[s], s)
			}
		}
		if count["ID"]+count["LABEL"] > 0 {
			t.Errorf("%s: a relationship file has no :ID or :LABEL", file)
		}
	} else {
		if count["ID"] != 1 {
			t.Errorf("%s: %d :ID columns, want 1", file, count["ID"])
		}
		if count["START_ID"]+count["END_ID"]+count["TYPE"] > 0 {
			t.Errorf("%s: a node file has no relationship columns", file)
		}
	}
	return cols
}

// checkNeo4jValue checks one field against its column's type.
func checkNeo4jValue(typ, v string) bool {
	if v == "" {
		return true // no property
	}
	if base, ok := strings.CutSuffix(typ, "[]"); ok {
		for _, x := range strings.Split(v, ";") {
			if x != "" && !checkNeo4jValue(base, x) {
				return false
			}
		}
		return true
	}
	switch typ {
	case "int", "long":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "date":
		return neo4jDate.MatchString(v)
	case "datetime":
		_, err := time.Parse(time.RFC3339Nano, v)
		return err == nil
	case "TYPE":
		return neo4jRelType.MatchString(v)
	case "LABEL":
		for _, l := range strings.Split(v, ";") {
			if l == "" {
				return false
			}
		}
	}
	return true
}

func testNeo4jCSV(t *testing.T, s *graph.Store, w world) {
	var nodes, rels bytes.Buffer
	err := s.View(context.Background(), func(sn *graph.Snapshot) error {
		return interchange.WriteNeo4jCSV(context.Background(), sn, &nodes, &rels)
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range []struct {
		name string
		data []byte
		rels bool
		want int
	}{{interchange.Neo4jNodesFile, nodes.Bytes(), false, len(w.entities)}, {interchange.Neo4jRelationshipsFile, rels.Bytes(), true, len(w.relations)}} {
		rows, err := csv.NewReader(bytes.NewReader(f.data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		cols := checkNeo4jHeader(t, f.name, rows[0], f.rels)
		if len(rows)-1 != f.want {
			t.Errorf("%s: %d rows, want %d", f.name, len(rows)-1, f.want)
		}
		bad := 0
		for i, row := range rows[1:] {
			for j, c := range cols {
				v := row[j]
				ok := checkNeo4jValue(c.typ, v)
				switch c.typ {
				case "ID":
					ok = ok && v != "" && !ids[v]
					ids[v] = true
				case "START_ID", "END_ID":
					ok = ok && ids[v]
				}
				if !ok && bad < 10 {
					t.Errorf("%s row %d: column %s: bad value %q", f.name, i+2, rows[0][j], v)
				}
				if !ok {
					bad++
				}
			}
		}
	}
	t.Logf("neo4j-csv: %d + %d bytes", nodes.Len(), rels.Len())
}
