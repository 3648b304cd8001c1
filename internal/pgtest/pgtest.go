// Package pgtest starts a private PostgreSQL cluster for tests: initdb into
// a temporary directory, a server on 127.0.0.1 on a free port (and a unix
// socket in that directory), stopped and removed at the end. As root the
// cluster runs as Debian's postgres OS user through runuser, since
// PostgreSQL refuses to run as root.
//
// Without PostgreSQL's binaries a test is skipped with a message saying how
// to install them; under CI (CI=true) their absence fails it instead.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// ErrNoPostgres is returned by Start when no PostgreSQL server binaries are
// installed.
var ErrNoPostgres = errors.New("PostgreSQL is not installed (on Debian or Ubuntu: apt-get install postgresql)")

// Cluster is a running private cluster.
type Cluster struct {
	bin      string
	dir      string
	Port     int
	asUser   string
	dbs      atomic.Int64
	settings []string
}

// TestSettings are the server settings Start uses: no fsync (the tests kill
// whosedata, not the machine) and room for many connections (every store
// pins a few).
var TestSettings = []string{"fsync=off", "full_page_writes=off", "max_connections=400", "shared_buffers=64MB"}

// Find returns the bin directory of the newest PostgreSQL installed the
// Debian way (/usr/lib/postgresql/<version>/bin), or ErrNoPostgres.
func Find() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestV := "", -1.0
	for _, d := range dirs {
		ok := true
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(d, b)); err != nil {
				ok = false
			}
		}
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		if ok && err == nil && v > bestV {
			best, bestV = d, v
		}
	}
	if best == "" {
		return "", ErrNoPostgres
	}
	return best, nil
}

// Start creates and starts a cluster with TestSettings. The caller must call
// Stop, also when Start fails part-way (Stop of a nil cluster does nothing).
func Start(ctx context.Context) (*Cluster, error) { return StartWith(ctx, TestSettings) }

// StartWith is Start with the server settings given (name=value, passed to
// the server as -c name=value).
func StartWith(ctx context.Context, settings []string) (c *Cluster, err error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "whosedata-pgtest-")
	if err != nil {
		return nil, err
	}
	c = &Cluster{bin: bin, dir: dir, settings: settings}
	defer func() {
		if err != nil {
			c.Stop()
			c = nil
		}
	}()
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return c, fmt.Errorf("running as root, PostgreSQL needs the postgres OS user (created by apt-get install postgresql): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return c, err
		}
		c.asUser = "postgres"
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return c, err
	}
	if out, err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return c, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.Port, err = freePort(); err != nil {
		return c, err
	}
	return c, c.StartServer(ctx)
}

// StartServer starts the cluster's server (again, after StopServer).
func (c *Cluster) StartServer(ctx context.Context) error {
	opts := []string{"-h 127.0.0.1", "-p " + strconv.Itoa(c.Port), "-k " + c.dir}
	for _, kv := range c.settings {
		opts = append(opts, "-c "+kv)
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "postgres.log"), "-o", strings.Join(opts, " "), "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	return nil
}

// StopServer stops the server (fast mode: connections are cut), keeping the
// data for StartServer.
func (c *Cluster) StopServer(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	name := filepath.Join(c.bin, prog)
	if c.asUser != "" {
		args = append([]string{"-u", c.asUser, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// SocketDir is the directory of the server's unix socket (a host for
// connections that skip TCP).
func (c *Cluster) SocketDir() string { return c.dir }

// URL is the postgres:// URL of database db (postgres: the default one).
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// NewDatabase creates an empty database and returns its name (URL gives
// its URL).
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d", c.dbs.Add(1))
	if _, err := c.Exec(ctx, "postgres", "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

// Exec runs sql (psql syntax) in database db and returns its output.
func (c *Cluster) Exec(ctx context.Context, db, sql string) (string, error) {
	out, err := c.run(ctx, "psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres", "-d", db, "-c", sql)
	if err != nil {
		return string(out), fmt.Errorf("psql: %w\n%s", err, out)
	}
	return string(out), nil
}

// Stop stops the server and removes its directory, on its own deadline.
func (c *Cluster) Stop() {
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := os.Stat(filepath.Join(c.data(), "postmaster.pid")); err == nil {
		c.StopServer(ctx)
	}
	os.RemoveAll(c.dir)
}

// Available reports whether tests may use PostgreSQL: nil when it is
// installed; otherwise the reason to skip, or under CI an error.
func Available() (skip string, err error) {
	if _, ferr := Find(); ferr != nil {
		if os.Getenv("CI") == "true" {
			return "", fmt.Errorf("pgtest: %w; CI must install it (.ci/run)", ferr)
		}
		return "pgtest: " + ferr.Error() + "; skipping the PostgreSQL tests", nil
	}
	return "", nil
}

// Run starts a cluster for test t and stops it when t ends; it skips t when
// PostgreSQL is absent (fails under CI).
func Run(t testing.TB) *Cluster {
	t.Helper()
	skip, err := Available()
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	c, err := Start(context.Background())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
