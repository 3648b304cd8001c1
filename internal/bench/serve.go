package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// lineageHTTPQuery is what the serve workload asks the server for each seed.
// The server refuses answers of more than 50,000 objects, so each query asks
// for the most hits it allows (schema.MaxLineageHits); the walk itself is
// still complete.
const lineageHTTPQuery = `query($e: String!, $d: LineageDirection!) { lineage(entity: $e, direction: $d, first: 1000) { entity { key } depth status } }`

// serveProc is a running `whosedata serve` child process.
type serveProc struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	exited chan error
}

// childWait bounds how long the benchmark waits for a child server to open
// its store and for one of its answers: a 10M-statement store takes minutes
// to open, and a hub's lineage tens of seconds, on a busy machine. The
// server's own request limit is lifted to it too (--timeout), since serve
// measures memory, not the limit.
const childWait = 15 * time.Minute

// startServe starts `binary serve --data dataDir --empty --addr
// 127.0.0.1:0 --timeout childWait` and waits until it says where it
// listens. It returns an error if the child exits first, says nothing
// within childWait, or ctx ends; the child is then stopped. The caller must
// call stop.
func startServe(ctx context.Context, binary, dataDir string) (*serveProc, error) {
	cmd := exec.Command(binary, "serve", "--data", dataDir, "--empty", "--addr", "127.0.0.1:0", "--timeout", childWait.String())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", binary, err)
	}
	p := &serveProc{cmd: cmd, exited: make(chan error, 1)}
	addr := make(chan string, 1)
	var mu sync.Mutex
	var tail strings.Builder // the child's first words, for errors
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, "listening on "); ok {
				select {
				case addr <- strings.TrimSpace(rest):
				default:
				}
			}
			mu.Lock()
			if tail.Len() < 4096 {
				tail.WriteString(line + "\n")
			}
			mu.Unlock()
		}
		p.exited <- cmd.Wait()
	}()
	said := func() string { mu.Lock(); defer mu.Unlock(); return tail.String() }
	select {
	case p.base = <-addr:
		return p, nil
	case err := <-p.exited:
		p.exited <- err
		return nil, fmt.Errorf("%s serve exited before listening: %v\n%s", binary, err, said())
	case <-time.After(childWait):
		p.stop()
		return nil, fmt.Errorf("%s serve did not say where it listens within %s", binary, childWait)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop sends SIGINT, kills the child after 15 s, and waits for it.
func (p *serveProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-p.exited:
		p.exited <- err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		p.exited <- <-p.exited
	}
}

// MeasureServeRSS starts `binary serve` on the store in dataDir (see
// startServe), runs the lineage of every seed (DOWNSTREAM and UPSTREAM)
// over HTTP against it, and returns the server's peak resident set size
// (VmHWM from /proc/PID/status) in MiB. The child is stopped before
// MeasureServeRSS returns. It returns an error if the server does not
// start, a query fails, or /proc cannot be read (it needs Linux).
func MeasureServeRSS(ctx context.Context, binary, dataDir string, seeds []string) (float64, error) {
	p, err := startServe(ctx, binary, dataDir)
	if err != nil {
		return 0, err
	}
	defer p.stop()
	client := &http.Client{Timeout: childWait}
	for _, dir := range []string{"DOWNSTREAM", "UPSTREAM"} {
		for _, seed := range seeds {
			if err := lineageRequest(ctx, client, p.base+"/graphql", seed, dir); err != nil {
				return 0, err
			}
		}
	}
	return peakRSSMiB(p.cmd.Process.Pid)
}

// measureOpen is the open workload: reps times, the time from starting
// `binary serve` on the existing store in dataDir to its first answer (the
// DOWNSTREAM lineage of seed over HTTP). The server is stopped after each.
func measureOpen(ctx context.Context, binary, dataDir, seed string, reps int) (sample, error) {
	var smp sample
	client := &http.Client{Timeout: childWait}
	for range reps {
		t := time.Now()
		p, err := startServe(ctx, binary, dataDir)
		if err != nil {
			return smp, err
		}
		err = lineageRequest(ctx, client, p.base+"/graphql", seed, "DOWNSTREAM")
		el := time.Since(t)
		p.stop()
		if err != nil {
			return smp, err
		}
		smp.add(el, 1)
	}
	return smp, nil
}

// measureLoadFile runs `binary load --data dataDir file` and returns its
// duration and the child's peak RSS in MiB, or an error with the child's
// output if it fails. The peak is the child's VmHWM, read every 20 ms while
// it runs: its resource usage (ru_maxrss) will not do, since Linux starts a
// child's count from the memory of the process that started it (the
// benchmark, holding a whole graph) when the child calls exec. Past capMiB
// (0: no cap) the child is killed and the error is an *rssCapError, so that
// a load too large for the machine stops before the kernel has to choose
// what to kill.
func measureLoadFile(ctx context.Context, binary, dataDir, file string, capMiB float64) (time.Duration, float64, error) {
	cmd := exec.CommandContext(ctx, binary, "load", "--data", dataDir, file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("%s load %s: %w", binary, file, err)
	}
	var capped *rssCapError
	var peak float64 // the largest VmHWM read
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				rss, err := peakRSSMiB(cmd.Process.Pid)
				if err != nil {
					continue // it is exiting
				}
				peak = max(peak, rss)
				if capMiB > 0 && rss > capMiB {
					capped = &rssCapError{capMiB: capMiB, after: time.Since(t)}
					cmd.Process.Kill()
					return
				}
			}
		}
	}()
	err := cmd.Wait()
	el := time.Since(t)
	close(done)
	<-watched
	if capped != nil {
		return el, capMiB, capped
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%s load %s: %w\n%s", binary, file, err, tail(out.String(), 2048))
	}
	if peak == 0 {
		return 0, 0, fmt.Errorf("%s load %s ended before its memory could be read (%s)", binary, file, el.Round(time.Millisecond))
	}
	return el, peak, nil
}

// rssCapError is measureLoadFile's error when it stopped the child at the
// RSS cap.
type rssCapError struct {
	capMiB float64
	after  time.Duration
}

func (e *rssCapError) Error() string {
	return fmt.Sprintf("whosedata load stopped after %s: its RSS passed the cap of %.0f MiB", e.after.Round(time.Second), e.capMiB)
}

// queryStats asks `binary query --data dataDir` for the store's counts.
func queryStats(ctx context.Context, binary, dataDir string) (entities, relations, statements int, err error) {
	cmd := exec.CommandContext(ctx, binary, "query", "--data", dataDir, "{ stats { entities relations statements } }")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s query --data %s: %w\n%s", binary, dataDir, err, tail(stderr.String(), 2048))
	}
	var out struct {
		Data struct {
			Stats struct{ Entities, Relations, Statements int }
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return 0, 0, 0, fmt.Errorf("%s query: %w in %q", binary, err, tail(string(b), 512))
	}
	s := out.Data.Stats
	return s.Entities, s.Relations, s.Statements, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func lineageRequest(ctx context.Context, c *http.Client, url, seed, dir string) error {
	var out struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	status, err := postGraphQL(ctx, c, url, lineageHTTPQuery, map[string]string{"e": seed, "d": dir}, &out)
	if err != nil || status != http.StatusOK || len(out.Errors) > 0 {
		return fmt.Errorf("serve: lineage %s of %s: HTTP %d, %v %v", dir, seed, status, err, out.Errors)
	}
	return nil
}

// peakRSSMiB reads VmHWM of process pid.
func peakRSSMiB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak RSS: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseFloat(f[0], 64)
				if err == nil {
					return kb / 1024, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("read peak RSS: no VmHWM in /proc/%d/status", pid)
}
