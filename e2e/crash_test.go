package e2e

// Crash safety (SPEC §5, §6): a write the server acknowledged survives a
// SIGKILL of the server, and a load killed midway leaves either nothing of
// its file or all of it, with indexes and records that agree.
//
// WHOSEDATA_CRASH_CYCLES sets how many kill-and-restart cycles
// TestCrashDuringWrites runs (default 3, 1 with -short);
// WHOSEDATA_CRASH_SEED fixes its random choices (client counts, kill delays,
// which writes the clients send) so that a failing run can be repeated.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// crashCycles is the number of kill-and-restart cycles to run.
func crashCycles(t *testing.T) int {
	if s := os.Getenv("WHOSEDATA_CRASH_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("WHOSEDATA_CRASH_CYCLES=%q, want a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 1
	}
	return 3
}

// crashSeed is the seed of the random choices, from WHOSEDATA_CRASH_SEED or
// the clock.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("WHOSEDATA_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WHOSEDATA_CRASH_SEED=%q, want a number", s)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// tryGraphQL is graphql for a request that may fail because the server was
// killed: it returns the transport or decoding error instead of failing the
// test.
func tryGraphQL(ctx context.Context, url, query string, vars map[string]any) (*gqlResponse, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := &gqlResponse{status: resp.StatusCode}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("HTTP %d, body is not JSON: %w: %.300s", resp.StatusCode, err, b)
	}
	return out, nil
}

const (
	crashStatementMutation = `mutation($in: StatementInput!) { addStatement(input: $in) { id statements { id note } } }`
	crashEntityMutation    = `mutation($in: EntityInput!) { upsertEntity(input: $in) { key name } }`
)

// crashSeedKeys are the entities the clients' statements join.
var crashSeedKeys = []string{"crash-a", "crash-b", "crash-c", "crash-d", "crash-e", "crash-f", "crash-g", "crash-h"}

// crashTypes are the relation types the clients' statements use.
var crashTypes = []string{"TRAINED_ON", "DERIVED_FROM", "LICENSED_TO", "RELATED_TO"}

// acked is what the server acknowledged, across every cycle.
type acked struct {
	mu         sync.Mutex
	statements map[string]string // statement id -> note
	entities   map[string]string // entity key -> name
	inFlight   map[string]string // entity key -> name, sent but unanswered at this cycle's kill
}

// crashCycleStats counts one cycle's requests.
type crashCycleStats struct {
	statements, entities atomic.Int64 // acknowledged
	inFlight             atomic.Int64 // sent, no complete answer: cut off by the kill
	late                 atomic.Int64 // acknowledged after the kill began
	stopped              atomic.Int64 // clients that saw the kill between two requests
	failed               atomic.Int64 // answered with an error: a bug
}

func TestCrashDuringWrites(t *testing.T) {
	cycles := crashCycles(t)
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	data := filepath.Join(t.TempDir(), "data")
	env := cleanEnv(t)
	serveArgs := []string{"--data", data, "--empty", "--addr", "127.0.0.1:0"}
	t.Logf("seed %d (WHOSEDATA_CRASH_SEED=%d repeats the choices), %d cycles, store %s", seed, seed, cycles, data)

	// Seed the entities that statements join, then stop cleanly.
	srv := startServer(t, env, serveArgs...)
	for i, key := range crashSeedKeys {
		kind := []string{"ORGANIZATION", "DATASET", "MODEL"}[i%3]
		resp := graphql(t, srv.url, "", crashEntityMutation, map[string]any{"in": map[string]any{"key": key, "kind": kind, "name": "Crash seed " + key}})
		if resp.status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("seeding %s: HTTP %d, errors %v", key, resp.status, resp.Errors)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM:\n%s", code, srv.log())
	}

	all := &acked{statements: map[string]string{}, entities: map[string]string{}, inFlight: map[string]string{}}
	var totalInFlight, totalFailed, totalLate, totalInFlightStored int64
	for c := 1; c <= cycles; c++ {
		clients := 4 + rng.IntN(5)
		killAfter := time.Duration(100+rng.IntN(501)) * time.Millisecond
		var st crashCycleStats

		srv := startServer(t, env, serveArgs...)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		var killed atomic.Bool
		var wg sync.WaitGroup
		for k := range clients {
			crng := rand.New(rand.NewPCG(seed, uint64(c)<<16|uint64(k)))
			wg.Go(func() { crashClient(ctx, t, srv.url, c, k, crng, &killed, all, &st) })
		}
		time.Sleep(killAfter)
		killed.Store(true)
		if err := srv.cmd.Process.Kill(); err != nil {
			t.Fatalf("cycle %d: kill the server: %v", c, err)
		}
		select {
		case <-srv.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("cycle %d: the killed server did not exit in 30s", c)
		}
		waitGroup(t, &wg, time.Minute, fmt.Sprintf("cycle %d: clients", c))
		cancel()
		if st.failed.Load() > 0 {
			t.Fatalf("cycle %d: %d write(s) answered with an error before the kill (seed %d); server log:\n%s", c, st.failed.Load(), seed, srv.log())
		}
		totalInFlight += st.inFlight.Load()
		totalLate += st.late.Load()
		totalFailed += st.failed.Load()

		// Restart on the same directory: the kernel released the killed
		// process's lock, and every acknowledged write must be there.
		again := startServer(t, env, serveArgs...)
		missing := checkAcked(t, again.url, all)
		inFlightFound := countPresent(t, again.url, all)
		totalInFlightStored += int64(inFlightFound)
		clear(all.inFlight)
		if code := again.stop(t); code != 0 {
			t.Fatalf("cycle %d: restarted serve exited %d after SIGTERM:\n%s", c, code, again.log())
		}
		if len(missing) > 0 {
			t.Fatalf("cycle %d: %d acknowledged write(s) lost after SIGKILL (seed %d, %d clients, kill %s), first: %s\nkilled server's log:\n%s\nrestarted server's log:\n%s",
				c, len(missing), seed, clients, killAfter, strings.Join(missing[:min(len(missing), 10)], "; "), srv.log(), again.log())
		}
		if r := whosedata(t, "", "verify", "--data", data); r.code != 0 {
			t.Fatalf("cycle %d: verify after SIGKILL: exit %d (seed %d, %d clients, kill %s)\nstdout:\n%s\nstderr:\n%s\nkilled server's log:\n%s",
				c, r.code, seed, clients, killAfter, r.stdout, r.stderr, srv.log())
		}
		all.mu.Lock()
		ns, ne := len(all.statements), len(all.entities)
		all.mu.Unlock()
		t.Logf("cycle %d: %d clients killed after %v; acknowledged %d statements and %d entities (%d of them answered after the kill began; in all %d and %d, every one present); %d writes in flight at the kill (%d of those that were entities got stored), %d clients between requests; verify ok",
			c, clients, killAfter, st.statements.Load(), st.entities.Load(), st.late.Load(), ns, ne, st.inFlight.Load(), inFlightFound, st.stopped.Load())
	}
	all.mu.Lock()
	defer all.mu.Unlock()
	t.Logf("TOTAL: %d cycles, %d acknowledged writes (%d statements, %d entities; %d answered after a kill began), all present after every restart; %d writes in flight at the kills (%d in-flight entities got stored); %d failed; verify clean after every cycle; seed %d",
		cycles, len(all.statements)+len(all.entities), len(all.statements), len(all.entities), totalLate, totalInFlight, totalInFlightStored, totalFailed, seed)
	if len(all.statements)+len(all.entities) == 0 {
		t.Fatal("no write was acknowledged in any cycle: the harness tested nothing")
	}
}

// crashClient sends writes until the server is killed: mostly statements,
// some new entities. It records every acknowledged one in all.
func crashClient(ctx context.Context, t *testing.T, url string, cycle, client int, rng *rand.Rand, killed *atomic.Bool, all *acked, st *crashCycleStats) {
	for op := 0; op < 100_000 && ctx.Err() == nil; op++ {
		if killed.Load() {
			st.stopped.Add(1)
			return
		}
		tag := fmt.Sprintf("cycle-%d-client-%d-op-%d", cycle, client, op)
		var query string
		var in map[string]any
		entity := rng.IntN(5) == 0
		if entity {
			query = crashEntityMutation
			in = map[string]any{"key": "crash-" + tag, "kind": "ORGANIZATION", "name": "Crash " + tag}
		} else {
			from := rng.IntN(len(crashSeedKeys))
			to := (from + 1 + rng.IntN(len(crashSeedKeys)-1)) % len(crashSeedKeys)
			query = crashStatementMutation
			in = map[string]any{
				"type":   crashTypes[rng.IntN(len(crashTypes))],
				"from":   crashSeedKeys[from],
				"to":     crashSeedKeys[to],
				"status": "ALLEGED",
				"note":   tag,
			}
		}
		resp, err := tryGraphQL(ctx, url, query, map[string]any{"in": in})
		if err != nil {
			if killed.Load() {
				st.inFlight.Add(1)
				if entity {
					all.mu.Lock()
					all.inFlight[in["key"].(string)] = in["name"].(string)
					all.mu.Unlock()
				}
				return
			}
			t.Errorf("%s: request failed before the kill: %v", tag, err)
			st.failed.Add(1)
			return
		}
		if resp.status != http.StatusOK || len(resp.Errors) > 0 {
			t.Errorf("%s: HTTP %d, errors %v", tag, resp.status, resp.Errors)
			st.failed.Add(1)
			return
		}
		if killed.Load() {
			st.late.Add(1)
		}
		if entity {
			var d struct{ UpsertEntity struct{ Key, Name string } }
			if err := json.Unmarshal(resp.Data, &d); err != nil || d.UpsertEntity.Key != in["key"] {
				t.Errorf("%s: upsertEntity answered %s (%v)", tag, resp.Data, err)
				st.failed.Add(1)
				return
			}
			all.mu.Lock()
			all.entities[d.UpsertEntity.Key] = d.UpsertEntity.Name
			all.mu.Unlock()
			st.entities.Add(1)
			continue
		}
		var d struct {
			AddStatement struct {
				Statements []struct{ ID, Note string }
			}
		}
		if err := json.Unmarshal(resp.Data, &d); err != nil {
			t.Errorf("%s: addStatement answered %.300s (%v)", tag, resp.Data, err)
			st.failed.Add(1)
			return
		}
		i := slices.IndexFunc(d.AddStatement.Statements, func(s struct{ ID, Note string }) bool { return s.Note == tag })
		if i < 0 {
			t.Errorf("%s: the relation addStatement returned lacks the new statement", tag)
			st.failed.Add(1)
			return
		}
		all.mu.Lock()
		all.statements[d.AddStatement.Statements[i].ID] = tag
		all.mu.Unlock()
		st.statements.Add(1)
	}
}

// crashBatch is how many look-ups one verification request carries.
const crashBatch = 100

// checkAcked asks the server for every acknowledged statement (by id) and
// entity (by key) and returns a description of each one missing or changed.
func checkAcked(t *testing.T, url string, all *acked) []string {
	t.Helper()
	all.mu.Lock()
	ids := make([]string, 0, len(all.statements))
	for id := range all.statements {
		ids = append(ids, id)
	}
	keys := make([]string, 0, len(all.entities))
	for k := range all.entities {
		keys = append(keys, k)
	}
	all.mu.Unlock()
	slices.Sort(ids)
	slices.Sort(keys)

	var missing []string
	for part := range slices.Chunk(ids, crashBatch) {
		var q strings.Builder
		q.WriteString("{")
		for i, id := range part {
			fmt.Fprintf(&q, " s%d: node(id: %s) { id ... on Statement { note } }", i, strconv.Quote(id))
		}
		q.WriteString(" }")
		got := lookups(t, url, q.String())
		for i, id := range part {
			var s *struct{ ID, Note string }
			if raw := got["s"+strconv.Itoa(i)]; raw != nil {
				if err := json.Unmarshal(raw, &s); err != nil {
					t.Fatal(err)
				}
			}
			all.mu.Lock()
			want := all.statements[id]
			all.mu.Unlock()
			if s == nil || s.ID != id || s.Note != want {
				missing = append(missing, fmt.Sprintf("statement %s (note %q): got %s", id, want, got["s"+strconv.Itoa(i)]))
			}
		}
	}
	for part := range slices.Chunk(keys, crashBatch) {
		got := entityLookups(t, url, part)
		for i, key := range part {
			e := got[i]
			all.mu.Lock()
			want := all.entities[key]
			all.mu.Unlock()
			if e == nil || e.Key != key || e.Name != want {
				missing = append(missing, fmt.Sprintf("entity %s (name %q): got %+v", key, want, e))
			}
		}
	}
	return missing
}

// countPresent reports how many of the entities in flight at a kill were
// stored: either outcome is correct, the count shows what the kills hit.
func countPresent(t *testing.T, url string, all *acked) int {
	t.Helper()
	all.mu.Lock()
	keys := make([]string, 0, len(all.inFlight))
	for k := range all.inFlight {
		keys = append(keys, k)
	}
	all.mu.Unlock()
	n := 0
	for part := range slices.Chunk(keys, crashBatch) {
		for _, e := range entityLookups(t, url, part) {
			if e != nil {
				n++
			}
		}
	}
	return n
}

type crashEntity struct{ Key, Name string }

// entityLookups looks up keys in one request; a nil entry is an entity not
// found.
func entityLookups(t *testing.T, url string, keys []string) []*crashEntity {
	t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for i, k := range keys {
		fmt.Fprintf(&q, " e%d: entity(ref: %s) { key name }", i, strconv.Quote(k))
	}
	q.WriteString(" }")
	got := lookups(t, url, q.String())
	out := make([]*crashEntity, len(keys))
	for i := range keys {
		if raw := got["e"+strconv.Itoa(i)]; raw != nil {
			if err := json.Unmarshal(raw, &out[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// lookups runs a query of aliased look-ups and returns its data by alias.
func lookups(t *testing.T, url, query string) map[string]json.RawMessage {
	t.Helper()
	resp := graphql(t, url, "", query, nil)
	if resp.status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("look-up query: HTTP %d, errors %v", resp.status, resp.Errors)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range got {
		if string(v) == "null" {
			delete(got, k)
		}
	}
	return got
}

// waitGroup waits for wg, failing the test after d.
func waitGroup(t *testing.T, wg *sync.WaitGroup, d time.Duration, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not finish within %v", what, d)
	}
}

// Sizes of the file TestCrashDuringLoad loads: large enough that the load
// takes over a second and goes through the journal (kv.go).
const (
	crashLoadEntities   = 40_000
	crashLoadStatements = 60_000
)

// writeBigFixture writes a whosedata/v1 JSONL file of crashLoadEntities
// entities and crashLoadStatements statements, each on its own relation.
func writeBigFixture(t *testing.T, path string) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"format": "whosedata/v1"}` + "\n")
	kinds := []string{"ORGANIZATION", "DATASET", "MODEL", "PRODUCT"}
	for i := range crashLoadEntities {
		fmt.Fprintf(&b, `{"entity": {"key": "bulk-%05d", "kind": %q, "name": "Bulk item %05d", "attributes": {"n": "%d"}}}`+"\n", i, kinds[i%len(kinds)], i, i)
	}
	types := []string{"TRAINED_ON", "DERIVED_FROM", "SOURCED_FROM"}
	for i := range crashLoadStatements {
		// from and to differ (the offset is 1..n-1), and (from, type, to)
		// differs for every i: i/n picks the type.
		from := i % crashLoadEntities
		to := (from + 1 + (i*31)%(crashLoadEntities-1)) % crashLoadEntities
		fmt.Fprintf(&b, `{"statement": {"type": %q, "from": "bulk-%05d", "to": "bulk-%05d", "status": "ALLEGED", "date": "2024-01-02", "note": "bulk statement %d"}}`+"\n",
			types[(i/crashLoadEntities)%len(types)], from, to, i)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// crashCounts are the counts of "whosedata stats".
type crashCounts struct {
	Entities   int `json:"entities"`
	Relations  int `json:"relations"`
	Statements int `json:"statements"`
}

func storeCounts(t *testing.T, data string) crashCounts {
	t.Helper()
	var c crashCounts
	if err := json.Unmarshal([]byte(mustRun(t, "stats", "--data", data).stdout), &c); err != nil {
		t.Fatalf("stats: %v", err)
	}
	return c
}

// startLoad starts "whosedata load --data data file"; the process is killed
// when the test ends, if still running. done is closed once it has exited.
func startLoad(t *testing.T, data, file string) (cmd *exec.Cmd, out *bytes.Buffer, done chan struct{}) {
	t.Helper()
	cmd = exec.Command(bin, "load", "--data", data, file)
	cmd.Env = cleanEnv(t)
	out = new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return cmd, out, done
}

func TestCrashDuringLoad(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "big.jsonl")
	writeBigFixture(t, file)

	// Each store starts with the seed facts, so "nothing of the file" is a
	// non-empty state that a half-applied load would change.
	prepare := func(name string) (string, crashCounts) {
		data := filepath.Join(tmp, name)
		mustRun(t, "load", "--data", data, seedFixture)
		return data, storeCounts(t, data)
	}

	// One uninterrupted load gives the full counts and the load's duration.
	data, before := prepare("reference")
	start := time.Now()
	r := mustRun(t, "load", "--data", data, file)
	took := time.Since(start)
	full := storeCounts(t, data)
	want := crashCounts{before.Entities + crashLoadEntities, before.Relations + crashLoadStatements, before.Statements + crashLoadStatements}
	if full != want {
		t.Fatalf("an uninterrupted load gives %+v, want %+v; it printed %q", full, want, r.stdout)
	}
	mustRun(t, "verify", "--data", data)
	t.Logf("an uninterrupted load of %d entities and %d statements took %v", crashLoadEntities, crashLoadStatements, took.Round(time.Millisecond))

	// Kills at fixed times, as a user's Ctrl-\ or the OOM killer might land,
	// and kills timed from the moment the store starts to grow: the file's
	// 100,000 items are more than one chunk of a staged import (graph's
	// kv_bulk.go), so the load writes its first chunk with an undo record,
	// then validates and writes the rest, and commits; a kill in between
	// leaves a half-written store for the next open to roll back.
	type kill struct {
		delay       time.Duration
		afterGrowth bool
	}
	plan := []kill{{200 * time.Millisecond, false}, {600 * time.Millisecond, false}, {1500 * time.Millisecond, false}}
	// The chunks are written within the first seconds of growth; one
	// offset is random (the seed is logged).
	seed := crashSeed(t)
	random := time.Duration(rand.New(rand.NewPCG(seed, 0x10ad)).IntN(1500)) * time.Millisecond
	t.Logf("seed %d (WHOSEDATA_CRASH_SEED=%d repeats the random kill offset %v)", seed, seed, random)
	offsets := []time.Duration{0, 300 * time.Millisecond, 900 * time.Millisecond, random}
	if testing.Short() {
		offsets = []time.Duration{random}
	}
	for _, d := range offsets {
		plan = append(plan, kill{d, true})
	}
	var nothing, all, finished int
	for i, k := range plan {
		delay := fmt.Sprint(k.delay)
		if k.afterGrowth {
			delay += " after the store began to grow"
		}
		data, before := prepare(fmt.Sprintf("kill-%d", i))
		base := diskUsage(t, data)
		cmd, out, done := startLoad(t, data, file)
		if k.afterGrowth {
			waitGrowth(t, data, base+1<<20, done)
		}
		select {
		case <-done:
		case <-time.After(k.delay):
		}
		_ = cmd.Process.Kill() // an error means it had exited already
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("kill %s: the load did not exit in 30s", delay)
		}
		exitedOK := cmd.ProcessState.Success()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		killed := ws.Signaled() && ws.Signal() == syscall.SIGKILL
		if !exitedOK && !killed {
			t.Fatalf("kill %s: load neither finished nor was killed: %v\n%s", delay, cmd.ProcessState, out)
		}

		// Opening the store completes or leaves out the interrupted write;
		// either way its indexes and records agree.
		v := whosedata(t, "", "verify", "--data", data)
		if v.code != 0 {
			t.Fatalf("kill %s (load killed: %v): verify exit %d\nstdout:\n%s\nstderr:\n%s\nload output:\n%s", delay, killed, v.code, v.stdout, v.stderr, out)
		}
		got := storeCounts(t, data)
		var outcome string
		switch {
		case got == before:
			outcome = "nothing of the file"
			nothing++
		case got == full && killed:
			outcome = "all of the file"
			all++
		case got == full:
			outcome = "finished before the kill"
			finished++
		default:
			t.Fatalf("kill %s (load killed: %v): stats %+v, want %+v (nothing) or %+v (all): a half-applied load\nverify:\n%s", delay, killed, got, before, full, v.stdout)
		}
		if exitedOK && got != full {
			t.Fatalf("kill %s: the load exited 0 (%q) but the store holds %+v, want %+v", delay, out, got, full)
		}

		// Loading the same file again completes it.
		again := mustRun(t, "load", "--data", data, file)
		if got := storeCounts(t, data); got != full {
			t.Fatalf("kill %s: the second load printed %q and left %+v, want %+v", delay, again.stdout, got, full)
		}
		mustRun(t, "verify", "--data", data)
		t.Logf("kill %s: load killed: %v; after it the store held %s (%+v); verify ok; the second load printed %q; verify ok",
			delay, killed, outcome, got, strings.TrimSpace(again.stdout))
	}
	t.Logf("TOTAL: %d load kills: %d left nothing of the file, %d all of it (killed during or after the write), %d finished before the kill; verify clean and a second load completed every time",
		len(plan), nothing, all, finished)
}

// diskUsage is the disk space the files under dir occupy, in bytes.
func diskUsage(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, de os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil // Badger removed it meanwhile
			}
			return err
		}
		info, err := de.Info()
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		} else {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitGrowth waits until the files under dir occupy at least size bytes, or
// done is closed; it fails the test after two minutes.
func waitGrowth(t *testing.T, dir string, size int64, done <-chan struct{}) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for diskUsage(t, dir) < size {
		select {
		case <-done:
			return
		case <-deadline:
			t.Fatalf("the store in %s did not grow to %d bytes in two minutes", dir, size)
		case <-tick.C:
		}
	}
}
