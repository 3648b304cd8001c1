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
