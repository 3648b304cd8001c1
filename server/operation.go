package server

// operationType returns the type ("query", "mutation" or "subscription") of
// the operation that executing doc with operationName would run, or "" when
// the document does not say so unambiguously; graphql-go then rejects the
// request itself.
//
// It exists only so that GET requests can refuse mutations with a clear
// message. It is not a security boundary: GET requests never get write access
// (see WriteAllowed), so a document this lexer misreads still cannot write.
func operationType(doc, operationName string) string {
	op, _ := findOperation(doc, operationName)
	return op.typ
}

// operation is an operation definition of a document: its type and its name
// ("" when anonymous).
type operation struct{ typ, name string }

// findOperation returns the operation that executing doc with operationName
// would run, and false when the document does not say so unambiguously.
func findOperation(doc, operationName string) (operation, bool) {
	var ops []operation

	const (
		expectDefinition = iota // at top level, between definitions
		afterKeyword            // after "query", "mutation" or "subscription"
		inDefinition            // anywhere else
	)
	state := expectDefinition
	depth := 0 // nesting of {}, () and []
	lx := lexer{src: doc}
	for {
		tok, ok := lx.next()
		if !ok {
			break
		}
		switch tok {
		case "{", "(", "[":
			if depth == 0 && state == expectDefinition && tok == "{" {
				ops = append(ops, operation{typ: "query"}) // query shorthand
			}
			depth++
			state = inDefinition
			continue
		case "}", ")", "]":
			depth--
			if depth < 0 {
				return operation{}, false
			}
			if depth == 0 && tok == "}" {
				state = expectDefinition
			}
			continue
		}
		if depth > 0 {
			continue
		}
		switch state {
		case expectDefinition:
			switch tok {
			case "query", "mutation", "subscription":
				ops = append(ops, operation{typ: tok})
				state = afterKeyword
			case "fragment":
				state = inDefinition
			default:
				return operation{}, false // not an executable document
			}
		case afterKeyword:
			if isName(tok) {
				ops[len(ops)-1].name = tok
			}
			state = inDefinition
		}
	}
	if depth != 0 {
		return operation{}, false
	}
	if operationName == "" {
		if len(ops) == 1 {
			return ops[0], true
		}
		return operation{}, false
	}
	for _, op := range ops {
		if op.name == operationName {
			return op, true
		}
	}
	return operation{}, false
}

// lexer splits a GraphQL document into names, single punctuation characters
// and other characters, skipping ignored tokens (white space, commas, comments)
// and string values, which is all operationType needs.
type lexer struct {
	src string
	pos int
}

// next returns the next token, and false at the end of the document.
func (l *lexer) next() (string, bool) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' && l.src[l.pos] != '\r' {
				l.pos++
			}
		case c == '"':
			l.skipString()
		case isNameStart(c):
			start := l.pos
			for l.pos < len(l.src) && (isNameStart(l.src[l.pos]) || isDigit(l.src[l.pos])) {
				l.pos++
			}
			return l.src[start:l.pos], true
		default:
			// Punctuation, digits and anything else (a byte order mark,
			// invalid input) are one-byte tokens.
			l.pos++
			return l.src[l.pos-1 : l.pos], true
		}
	}
	return "", false
}

// skipString moves past a string or block string starting at l.pos.
func (l *lexer) skipString() {
	if len(l.src)-l.pos >= 3 && l.src[l.pos:l.pos+3] == `"""` {
		l.pos += 3
		for l.pos < len(l.src) {
			switch {
			case len(l.src)-l.pos >= 4 && l.src[l.pos:l.pos+4] == `\"""`:
				l.pos += 4
			case len(l.src)-l.pos >= 3 && l.src[l.pos:l.pos+3] == `"""`:
				l.pos += 3
				return
			default:
				l.pos++
			}
		}
		return
	}
	l.pos++
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case '\\':
			l.pos += 2
		case '"':
			l.pos++
			return
		case '\n', '\r':
			return // unterminated; the parser will say so
		default:
			l.pos++
		}
	}
}

func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isName(tok string) bool  { return tok != "" && isNameStart(tok[0]) }

// docCounts are what a document asks for, counted from its text before it
// is parsed: the fields (and fragment spreads) of its selection sets, and
// the aliases among them.
type docCounts struct{ fields, aliases int }

// countSelections counts the fields and aliases of a GraphQL document with
// the lexer, so that a document too large to validate cheaply is refused
// before graphql-go parses it. Names inside arguments, variable definitions
// and directives, type conditions and fragment names are not fields; a
// fragment spread counts as one field (graphql.MaxSelections bounds what
// spreads expand to). A malformed document is counted as far as it goes; the
// parser then rejects it.
func countSelections(doc string) docCounts {
	var c docCounts
	lx := lexer{src: doc}
	braces, parens := 0, 0
	skipName := false // the next name is a directive, type condition or fragment name
	dots := 0         // consecutive "." tokens: three make a spread
	var prev string   // the previous name in a selection set, until we know if it is an alias
	for {
		tok, ok := lx.next()
		if !ok {
			break
		}
		if tok != "." {
			dots = 0
		}
		switch tok {
		case "(":
			parens++
			continue
		case ")":
			parens--
			continue
		}
		if parens > 0 {
			continue
		}
		switch {
		case tok == "{":
			braces++
			skipName = false // "... {": an inline fragment without a type
		case tok == "}":
			braces--
		case braces == 0:
			// Operation and fragment headers.
		case tok == ".":
			if dots++; dots == 3 {
				skipName = true
				c.fields++ // a spread or an inline fragment
			}
		case tok == "@":
			skipName = true
		case tok == ":":
			if prev != "" {
				c.aliases++
				skipName = true // the field name after the alias
			}
		case isName(tok):
			if skipName {
				skipName = tok == "on" // "... on Type": the type follows
				prev = ""
				continue
			}
			c.fields++
			prev = tok
			continue
		}
		prev = ""
	}
	return c
}
