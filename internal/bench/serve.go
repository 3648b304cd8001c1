package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lineageHTTPQuery is what the serve workload asks the server for each seed.
// The server refuses answers of more than 50,000 objects, so each query asks
// for the most hits it allows (schema.MaxLineageHits); the walk itself is
// still complete.
const lineageHTTPQuery = `query($e: String!, $d: LineageDirection!) { lineage(entity: $e, direction: $d, first: 1000) { entity { key } depth status } }`

// MeasureServeRSS starts `binary serve --data dataDir --empty --addr
// 127.0.0.1:0` as a child process, runs the lineage of every seed (DOWNSTREAM
// and UPSTREAM) over HTTP against it, and returns the server's peak resident
// set size (VmHWM from /proc/PID/status) in MiB. The child is stopped with
// SIGINT (then killed after 15 s) before MeasureServeRSS returns. It returns
// an error if the server does not start, a query fails, or /proc cannot be
// read (it needs Linux).
func MeasureServeRSS(ctx context.Context, binary, dataDir string, seeds []string) (float64, error) {
	cmd := exec.Command(binary, "serve", "--data", dataDir, "--empty", "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s serve: %w", binary, err)
	}
	exited := make(chan error, 1)
	addr := make(chan string, 1)
	var tail strings.Builder // the child's last words, for errors
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
			if tail.Len() < 4096 {
				tail.WriteString(line + "\n")
			}
		}
		exited <- cmd.Wait()
	}()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	var base string
	select {
	case base = <-addr:
	case err := <-exited:
		return 0, fmt.Errorf("%s serve exited before listening: %v\n%s", binary, err, tail.String())
	case <-time.After(2 * time.Minute):
		stop()
		return 0, fmt.Errorf("%s serve did not say where it listens within 2 minutes", binary)
	case <-ctx.Done():
		stop()
		return 0, ctx.Err()
	}
	defer stop()
	client := &http.Client{Timeout: 2 * time.Minute}
	for _, dir := range []string{"DOWNSTREAM", "UPSTREAM"} {
		for _, seed := range seeds {
			if err := lineageRequest(ctx, client, base+"/graphql", seed, dir); err != nil {
				return 0, err
			}
		}
	}
	return peakRSSMiB(cmd.Process.Pid)
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
