package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/schema"
)

func queryCommand() *command {
	c := newCommand("query", "'GRAPHQL' | -", "run one GraphQL document against the store without a server and print the JSON response")
	o := &queryOptions{}
	c.fs.StringVar(&o.vars, "vars", "", "variables as a JSON `object`")
	c.fs.StringVar(&o.operation, "operation", "", "`name` of the operation to run when the document has several")
	c.fs.IntVar(&o.maxDepth, "max-depth", defaultMaxDepth, "deepest query nesting accepted")
	c.run = func(ctx context.Context, e *env, args []string) error { return runQuery(ctx, e, c.g, o, args) }
	return c
}

type queryOptions struct {
	vars      string
	operation string
	maxDepth  int
}

func runQuery(ctx context.Context, e *env, g *globalFlags, o *queryOptions, args []string) (err error) {
	if len(args) != 1 {
		return usagef("give one GraphQL document, or - to read it from stdin")
	}
	if o.maxDepth <= 0 {
		return usagef("--max-depth must be positive")
	}
	doc := args[0]
	if doc == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return fmt.Errorf("read the query from stdin: %w", err)
		}
		doc = string(b)
	}
	var variables map[string]any
	if o.vars != "" {
		if err := json.Unmarshal([]byte(o.vars), &variables); err != nil {
			return usagef("--vars is not a JSON object: %v", err)
		}
	}

	log := g.logger(e, levelQuiet)
	st, err := openStore(e, g, existingStore, log)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	// No CanWrite: whoever can run the command can open the store anyway.
	pubs, err := fixtures.LoadPublishers()
	if err != nil {
		return err
	}
	sch, err := schema.New(st, schema.Options{Logger: log, MaxDepth: o.maxDepth, Publisher: publisherOf(pubs)})
	if err != nil {
		return fmt.Errorf("build the GraphQL schema: %w", err)
	}
	resp := sch.Exec(ctx, doc, o.operation, variables)
	out, err := json.MarshalIndent(resp, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the response: %w", err)
	}
	if _, err := fmt.Fprintf(e.stdout, "%s\n", out); err != nil {
		return err
	}
	if n := len(resp.Errors); n > 0 {
		return fmt.Errorf("the response has %d error(s), the first: %s", n, resp.Errors[0].Message)
	}
	return nil
}
