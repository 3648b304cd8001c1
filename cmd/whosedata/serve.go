package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/whosedata/whosedata/feeds"
	"github.com/whosedata/whosedata/fixtures"
	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
	"github.com/whosedata/whosedata/server"
)

// playgroundQuery is the question whosedata was born from (SPEC §2), shown
// when the playground opens: who trained on Twitter's data, who says so, on
// what evidence and since when.
const playgroundQuery = `{
  lineage(entity: "twitter", direction: DOWNSTREAM) {
    entity { key name kind }
    depth
    status
    path {
      type
      from { key }
      to { key }
      statements {
        status
        claimedBy { name }
        date
        evidence { url quote document { name } }
      }
    }
  }
}
`

// defaultMaxDepth is the depth limit of serve and query.
const defaultMaxDepth = schema.DefaultMaxDepth

type serveOptions struct {
	addr        string
	token       string
	origins     []string
	hosts       []string
	empty       bool
	maxBody     byteSize
	maxQuery    byteSize
	maxResponse byteSize
	maxFields   int
	maxAliases  int
	maxCost     int
	timeout     time.Duration
	maxDepth    int
	memLimit    byteSize
}

// defaultMemoryLimit is serve's soft limit on the Go runtime's memory: the
// garbage collector works harder as the heap nears it, instead of letting it
// grow to twice what is live. It suits graphs up to about a million
// statements (about 130 MiB in memory); for a larger graph serve raises it
// after open (graphMemoryLimit), unless --memory-limit or GOMEMLIMIT sets
// one, and warns at start when a set limit is mostly taken by the graph.
const defaultMemoryLimit = 224 << 20

func serveCommand() *command {
	c := newCommand("serve", "", "serve the explorer at /, the GraphQL API at /graphql, GraphiQL at /graphiql, Atom feeds at /feeds/ and /healthz over HTTP")
	o := &serveOptions{maxBody: byteSize(server.DefaultMaxBodyBytes), memLimit: defaultMemoryLimit,
		maxQuery: byteSize(server.DefaultMaxQueryBytes), maxResponse: byteSize(schema.DefaultMaxResponseBytes)}
	c.fs.StringVar(&o.addr, "addr", server.DefaultAddr, "`host:port` to listen on; port 0 picks a free port")
	c.fs.StringVar(&o.token, "token", "", "bearer `token` that mutations must carry (default $"+envToken+"); without one, only a loopback server accepts writes")
	c.fs.Func("cors-origin", "`origin` (https://example.org, or *) that browsers may call /graphql from; repeat or separate with commas", func(s string) error {
		for _, v := range strings.Split(s, ",") {
			if v = strings.TrimSpace(v); v != "" {
				o.origins = append(o.origins, v)
			}
		}
		return nil
	})
	c.fs.Func("allowed-host", "`host` name or address besides localhost, 127.x and [::1] that a loopback server without a token answers to (others get 403: DNS rebinding); repeat or separate with commas", func(s string) error {
		for _, v := range strings.Split(s, ",") {
			if v = strings.TrimSpace(v); v != "" {
				o.hosts = append(o.hosts, v)
			}
		}
		return nil
	})
	c.fs.BoolVar(&o.empty, "empty", false, "do not fill an empty store with the bundled data")
	c.fs.Var(&o.maxBody, "max-body", "largest request body `size`: bytes, or with a unit such as 512KiB or 2MiB; larger bodies get HTTP 413")
	c.fs.Var(&o.maxQuery, "max-query", "largest GraphQL document `size` (variables not counted); larger ones get HTTP 413")
	c.fs.IntVar(&o.maxFields, "max-fields", server.DefaultMaxFields, "most fields a query may write (fragment spreads count one)")
	c.fs.IntVar(&o.maxAliases, "max-aliases", server.DefaultMaxAliases, "most aliases a query may use")
	c.fs.IntVar(&o.maxCost, "max-cost", schema.DefaultMaxCost, "budget of one request in objects: list items at their bound, 100 per walk, 1 per 100 entities or relations a scan counts")
	c.fs.Var(&o.maxResponse, "max-response", "largest response `size` in JSON bytes; a larger one stops with LIMIT_EXCEEDED")
	c.fs.DurationVar(&o.timeout, "timeout", server.DefaultRequestTimeout, "time limit of one GraphQL request (its response must be written within 2s more)")
	c.fs.Var(&o.memLimit, "memory-limit", "soft limit on the server's Go memory `size`, e.g. 512MiB; the collector works harder near it (default 224MiB, or for a larger graph its heap after open plus a quarter and 64MiB; $GOMEMLIMIT wins)")
	c.fs.IntVar(&o.maxDepth, "max-depth", defaultMaxDepth, "deepest query nesting accepted")
	c.run = func(ctx context.Context, e *env, args []string) error { return runServe(ctx, e, c.g, o, args) }
	return c
}

func runServe(ctx context.Context, e *env, g *globalFlags, o *serveOptions, args []string) (err error) {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.maxDepth <= 0 {
		return usagef("--max-depth must be positive")
	}
	if o.timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	for _, l := range []struct {
		name string
		v    int64
	}{{"max-query", int64(o.maxQuery)}, {"max-fields", int64(o.maxFields)}, {"max-aliases", int64(o.maxAliases)},
		{"max-cost", int64(o.maxCost)}, {"max-response", int64(o.maxResponse)}} {
		if l.v <= 0 {
			return usagef("--%s must be positive", l.name)
		}
	}
	if !flagSet(g.fs, "token") {
		o.token = e.getenv(envToken)
	}
	log := g.logger(e, slog.LevelInfo)
	// With neither GOMEMLIMIT nor --memory-limit, the limit follows the
	// graph (see graphMemoryLimit), which is not known until it is open:
	// meanwhile the collector runs at half the heap's growth, so that the
	// records decoded on the way are not left to pile up.
	adaptive := e.getenv("GOMEMLIMIT") == "" && !flagSet(g.fs, "memory-limit")
	gcPercent := 0
	switch {
	case adaptive:
		gcPercent = debug.SetGCPercent(50)
	case e.getenv("GOMEMLIMIT") == "":
		debug.SetMemoryLimit(int64(o.memLimit))
	}

	st, err := openStore(e, g, durableStore, log)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)

	if !o.empty {
		if err := fillEmpty(ctx, st, log); err != nil {
			return err
		}
	}

	if adaptive {
		debug.SetGCPercent(gcPercent)
		limit := graphMemoryLimit(int64(o.memLimit))
		debug.SetMemoryLimit(limit)
		log.Info("memory limit", "limit_mib", limit>>20)
	} else {
		warnMemoryLimit(log)
	}

	pubs, err := fixtures.LoadPublishers()
	if err != nil {
		return err
	}
	sch, err := schema.New(st, schema.Options{
		Publisher: publisherOf(pubs),
		CanWrite:  server.WriteAllowed,
		Logger:    log,
		RequestID: server.RequestID,
		MaxDepth:  o.maxDepth,

		MaxCost:          o.maxCost,
		MaxResponseBytes: int64(o.maxResponse),
	})
	if err != nil {
		return fmt.Errorf("build the GraphQL schema: %w", err)
	}
	srv, err := server.New(server.Config{
		Addr:            o.addr,
		Schema:          sch,
		Token:           o.token,
		AllowedOrigins:  o.origins,
		AllowedHosts:    o.hosts,
		MaxBodyBytes:    int64(o.maxBody),
		MaxQueryBytes:   int(o.maxQuery),
		MaxFields:       o.maxFields,
		MaxAliases:      o.maxAliases,
		RequestTimeout:  o.timeout,
		Logger:          log,
		PlaygroundQuery: playgroundQuery,
		Mounts:          []server.Mount{{Prefix: "/feeds/", Handler: feeds.Handler(st, log)}},
		Gauges: []server.Gauge{{
			Name: "whosedata_store_size_bytes",
			Help: "Bytes the store occupies on disk (tables and value log); 0 for an in-memory store.",
			Value: func() float64 {
				tables, vlog := st.Size()
				return float64(tables + vlog)
			},
		}},
	})
	if err != nil {
		return err
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Scripts and tests read this line to learn the port when --addr asks
	// for port 0; keep its shape.
	fmt.Fprintf(e.stderr, "listening on http://%s\n", ln.Addr())
	// Reclaim value-log space in the background while serving.
	gcCtx, stopGC := context.WithCancel(ctx)
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		if err := st.RunValueLogGC(gcCtx, valueLogGCInterval); err != nil {
			log.Warn("value-log garbage collection stopped", "err", err)
		}
	}()
	err = srv.Serve(ctx, ln)
	stopGC()
	<-gcDone
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// graphMemoryLimit is serve's soft memory limit when none is given: the
// default, or for a graph that needs more, its heap after open plus a
// quarter and 64 MiB for the requests, so that the collector keeps a large
// server near its working size without running all the time.
func graphMemoryLimit(def int64) int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return max(def, int64(ms.HeapAlloc)+int64(ms.HeapAlloc)/4+64<<20)
}

// warnMemoryLimit tells the operator when the graph alone nearly fills the
// soft memory limit: the collector would then run almost constantly.
func warnMemoryLimit(log *slog.Logger) {
	limit := debug.SetMemoryLimit(-1) // -1 reads the limit without changing it
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if float64(ms.HeapAlloc) > 0.8*float64(limit) {
		log.Warn("the graph needs most of the memory limit; raise --memory-limit (or GOMEMLIMIT)",
			"heap_mib", ms.HeapAlloc>>20, "limit_mib", limit>>20)
	}
}

// valueLogGCInterval is how often serve reclaims value-log space.
const valueLogGCInterval = 5 * time.Minute

// fillEmpty loads the bundled data into st if it holds no entity.
func fillEmpty(ctx context.Context, st *graph.Store, log *slog.Logger) error {
	stats, err := st.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read the store: %w", err)
	}
	if stats.Entities > 0 {
		return nil
	}
	start := time.Now()
	sum, err := fixtures.LoadBundled(ctx, st)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("interrupted while loading the bundled data")
		}
		return fmt.Errorf("load the bundled data: %w", err)
	}
	log.Info("loaded the bundled data into the empty store", "took", time.Since(start).Round(time.Millisecond), "summary", sum.String())
	return nil
}

// flagSet reports whether the flag called name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// publisherOf gives the schema the reviewed list of sources, so evidence
// shows who published it ("court record", "news report").
func publisherOf(p *fixtures.Publishers) func(string) (schema.Publisher, bool) {
	return func(url string) (schema.Publisher, bool) {
		pub, ok := p.Lookup(url)
		return schema.Publisher{Domain: pub.Domain, Kind: pub.Kind, Name: pub.Name}, ok
	}
}
