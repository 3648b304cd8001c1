package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadOnAFullDisk loads a large file into a store on a small
// filesystem (a size-limited tmpfs) that fills up part-way through the
// write: the load must fail with a clear error and acknowledge nothing of
// the file, and once the disk has room again (and once more after a kill -9
// during a load on the full disk) the store must open clean, hold what it
// held before, and hold all or nothing of the file.
func TestLoadOnAFullDisk(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk).CombinedOutput(); err != nil {
		// Mounting needs root and a kernel that allows it; the rest of the
		// crash harness (TestCrashDuringLoad) runs anyway.
		t.Skipf("cannot mount a size-limited tmpfs here (%v: %s); the full-disk case is not exercised", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", disk).Run() })
	resize := func(size string) {
		t.Helper()
		if out, err := exec.Command("mount", "-o", "remount,size="+size, disk).CombinedOutput(); err != nil {
			t.Fatalf("remount %s: %v %s", size, err, out)
		}
	}
	file := filepath.Join(dir, "big.jsonl")
	writeBigFixture(t, file)
	data := filepath.Join(disk, "store")
	mustRun(t, "load", "--data", data, seedFixture)
	before := storeCounts(t, data)

	check := func(when string) {
		t.Helper()
		mustRun(t, "verify", "--data", data)
		got := storeCounts(t, data)
		full := crashCounts{before.Entities + crashLoadEntities, before.Relations + crashLoadStatements, before.Statements + crashLoadStatements}
		if got != before && got != full {
			t.Fatalf("%s: the store holds %+v, neither what it held before (%+v) nor all of the file (%+v)", when, got, before, full)
		}
		if r := mustRun(t, "query", "--data", data, `{ entity(ref: "X Corp") { key } }`); !strings.Contains(r.stdout, "twitter") {
			t.Fatalf("%s: the seed facts are gone: %s", when, r.stdout)
		}
	}

	// The disk fills during the load.
	r := whosedata(t, "", "load", "--data", data, file)
	if r.code == 0 {
		t.Fatalf("a load that filled the disk succeeded: %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "space") && !strings.Contains(r.stderr, "read-only") {
		t.Errorf("the failed load does not say why: %q", r.stderr)
	}
	resize("256m")
	check("after the failed load")

	// kill -9 while a load fills the disk again.
	resize("24m")
	cmd, _, done := startLoad(t, data, file)
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	<-done
	resize("256m")
	check("after kill -9 on the full disk")

	// With room, the file loads whole.
	mustRun(t, "load", "--data", data, file)
	check("after loading with room")
}
