// Command whosedata is the command line of the whosedata knowledge graph: it
// serves the GraphQL API, loads and exports fixture files, runs one-off
// queries and checks, backs up and restores a store.
//
// main only finds the verb and hands off to it; each verb lives in a file of
// its own (serve.go, load.go, …) and shares the flag and store helpers of
// cli.go. Run "whosedata help" for the usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Every verb stops cleanly on SIGINT or SIGTERM: serve shuts down
	// gracefully, the others abandon their work and close the store.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
