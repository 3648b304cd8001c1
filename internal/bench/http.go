package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/whosedata/whosedata/server"
)

// entityQuery is the entity_http request, the same for every system.
const entityQuery = `query($ref: String!) { entity(ref: $ref) { key } }`

// bareSDL is the "limit" schema for entity_http: the same query shape
// answered by a constant, with no store behind it.
const bareSDL = `type Query { entity(ref: String!): E } type E { key: String }`

type bareRoot struct{}

type bareEntity struct{ k string }

func (bareRoot) Entity(args struct{ Ref string }) *bareEntity { return &bareEntity{k: "constant"} }

func (e *bareEntity) Key() *string { return &e.k }

func bareSchema() (*graphql.Schema, error) { return graphql.ParseSchema(bareSDL, &bareRoot{}) }

// serveSchema serves schema with server.New on 127.0.0.1 (a free port) until
// the returned stop is called; it returns the /graphql URL.
func serveSchema(ctx context.Context, schema *graphql.Schema) (string, func(), error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(server.Config{Schema: schema, Addr: "127.0.0.1:0", Logger: quiet})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String() + "/graphql", func() { cancel(); <-done }, nil
}

// httpClients is the number of concurrent clients of entity_http.
const httpClients = 16

// runEntityHTTP sends total entity(ref:) requests for random keys from 16
// concurrent clients, each on its own kept-alive connection.
func runEntityHTTP(ctx context.Context, url string, keys []string, total int, seed uint64) (sample, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: httpClients, MaxConnsPerHost: httpClients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu     sync.Mutex
		smp    sample
		first  error
		wg     sync.WaitGroup
		issued = make(chan string, httpClients)
	)
	go func() {
		defer close(issued)
		r := rand.New(rand.NewPCG(seed, 2))
		for range total {
			select {
			case issued <- keys[r.IntN(len(keys))]:
			case <-ctx.Done():
				return
			}
		}
	}()
	start := time.Now()
	for range httpClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var err error
			for key := range issued {
				if err != nil {
					continue // drain
				}
				t := time.Now()
				err = entityRequest(ctx, client, url, key)
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			defer mu.Unlock()
			smp.lat = append(smp.lat, lat...)
			smp.items += len(lat)
			if err != nil && first == nil {
				first = err
			}
		}()
	}
	wg.Wait()
	smp.total = time.Since(start)
	if first == nil {
		first = ctx.Err()
	}
	return smp, first
}

func entityRequest(ctx context.Context, c *http.Client, url, key string) error {
	var out struct {
		Data struct {
			Entity *struct{ Key string } `json:"entity"`
		} `json:"data"`
		Errors []struct{ Message string } `json:"errors"`
	}
	status, err := postGraphQL(ctx, c, url, entityQuery, map[string]string{"ref": key}, &out)
	if err != nil {
		return fmt.Errorf("entity(ref: %q): %w", key, err)
	}
	if status != http.StatusOK || len(out.Errors) > 0 || out.Data.Entity == nil {
		return fmt.Errorf("entity(ref: %q): HTTP %d, errors %v", key, status, out.Errors)
	}
	return nil
}

// postGraphQL posts one GraphQL request as JSON and decodes the response
// into out; it returns the HTTP status, and an error when the request fails
// or the response is not JSON.
func postGraphQL(ctx context.Context, c *http.Client, url, query string, vars map[string]string, out any) (int, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("HTTP %d: %w", resp.StatusCode, err)
	}
	return resp.StatusCode, nil
}
