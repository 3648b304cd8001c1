package server

import "testing"

func TestOperationType(t *testing.T) {
	tests := []struct {
		doc, name, want string
	}{
		{`{ hello }`, "", "query"},
		{`query { hello }`, "", "query"},
		{`mutation { write }`, "", "mutation"},
		{`subscription S { tick }`, "", "subscription"},
		{"# mutation { write }\n{ hello }", "", "query"},
		{`query Q($m: String = "mutation {") { echo(s: $m) }`, "", "query"},
		{`query Q($m: String = """ mutation { \""" """) { echo(s: $m) }`, "", "query"},
		{`query Q @mutation { hello }`, "", "query"},
		{`fragment F on Query { hello } mutation M { write ...F }`, "", "mutation"},
		{`query A { hello } mutation B { write }`, "B", "mutation"},
		{`query A { hello } mutation B { write }`, "A", "query"},
		{`query A { hello } mutation B { write }`, "", ""}, // ambiguous: graphql-go refuses it
		{`query A { hello } mutation B { write }`, "C", ""},
		{`mutation { write `, "", ""},
		{`type Query { a: Int }`, "", ""},
		{``, "", ""},
	}
	for _, tt := range tests {
		if got := operationType(tt.doc, tt.name); got != tt.want {
			t.Errorf("operationType(%q, %q) = %q, want %q", tt.doc, tt.name, got, tt.want)
		}
	}
}

func FuzzOperationType(f *testing.F) {
	f.Add(`query A($x: [Int] = [1, 2]) { a(x: $x) { b } } mutation B { c }`, "B")
	f.Add(`"""unterminated`, "")
	f.Fuzz(func(t *testing.T, doc, name string) {
		switch operationType(doc, name) {
		case "", "query", "mutation", "subscription":
		default:
			t.Fatal("unexpected operation type")
		}
	})
}

func TestCountSelections(t *testing.T) {
	for _, c := range []struct {
		doc             string
		fields, aliases int
	}{
		{`{ a }`, 1, 0},
		{`{ a b { c d } }`, 4, 0},
		{`{ x: a y: a { z: b } }`, 3, 3},
		{`query Q($v: Int = 3, $w: [In!] = [{a: 1}]) @dir(x: "y") { a(first: $v, o: {k: "}{", l: [1, 2]}) @skip(if: false) { b } }`, 2, 0},
		{`{ ...F ... on T { a } ... { b } ... @include(if: true) { c } } fragment F on T { d e }`, 9, 0},
		{`{ a # b c d
		  "not a field" }`, 1, 0},
		{`{ __typename s: __schema { types { name } } }`, 4, 1},
		{`{ a(s: """ { b c } """) }`, 1, 0},
		{`{ a { b `, 2, 0},
	} {
		got := countSelections(c.doc)
		if got.fields != c.fields || got.aliases != c.aliases {
			t.Errorf("countSelections(%q) = %d fields, %d aliases; want %d, %d", c.doc, got.fields, got.aliases, c.fields, c.aliases)
		}
	}
}
