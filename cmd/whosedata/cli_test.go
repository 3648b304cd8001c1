package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whosedata/whosedata/graph"
	"github.com/whosedata/whosedata/schema"
)

// testEnv returns an env with the given environment variables and home
// directory, and buffers for its output.
func testEnv(vars map[string]string, home string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &env{
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
		home: func() (string, error) {
			if home == "" {
				return "", errors.New("no home")
			}
			return home, nil
		},
	}, &stdout, &stderr
}

func TestDataDir(t *testing.T) {
	tests := []struct {
		name      string
		flagValue string
		flagSet   bool
		vars      map[string]string
		home      string
		want      string
		wantErr   string
	}{
		{name: "flag wins over env", flagValue: "/f", flagSet: true, vars: map[string]string{envData: "/e"}, home: "/h", want: "/f"},
		{name: "relative flag kept", flagValue: "rel/dir", flagSet: true, home: "/h", want: "rel/dir"},
		{name: "empty flag", flagValue: "", flagSet: true, home: "/h", wantErr: "--data needs a directory"},
		{name: "env wins over XDG", vars: map[string]string{envData: "/e", "XDG_DATA_HOME": "/x"}, home: "/h", want: "/e"},
		{name: "XDG_DATA_HOME", vars: map[string]string{"XDG_DATA_HOME": "/x"}, home: "/h", want: "/x/whosedata"},
		{name: "relative XDG_DATA_HOME ignored", vars: map[string]string{"XDG_DATA_HOME": "x"}, home: "/h", want: "/h/.local/share/whosedata"},
		{name: "home default", home: "/h", want: "/h/.local/share/whosedata"},
		{name: "no home", wantErr: "no default store directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, _ := testEnv(tt.vars, tt.home)
			got, err := dataDir(tt.flagValue, tt.flagSet, e.getenv, e.home)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("dataDir() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != filepath.FromSlash(tt.want) {
				t.Fatalf("dataDir() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestDataFromCommandLine checks that run resolves --data and WHOSEDATA_DATA
// the same way: the missing store it reports is the one they name.
func TestDataFromCommandLine(t *testing.T) {
	dir := t.TempDir()
	flagDir, envDir := filepath.Join(dir, "flag"), filepath.Join(dir, "env")
	tests := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"stats", "--data", flagDir}, map[string]string{envData: envDir}, flagDir},
		{[]string{"stats", "--data=" + flagDir}, nil, flagDir},
		{[]string{"stats"}, map[string]string{envData: envDir}, envDir},
		{[]string{"stats"}, map[string]string{"XDG_DATA_HOME": dir}, filepath.Join(dir, "whosedata")},
		{[]string{"stats"}, nil, filepath.Join(dir, "home", ".local", "share", "whosedata")},
	}
	for _, tt := range tests {
		e, _, stderr := testEnv(tt.vars, filepath.Join(dir, "home"))
		if code := run(context.Background(), tt.args, e); code != exitFailure {
			t.Errorf("%v: exit %d, want %d", tt.args, code, exitFailure)
		}
		if want := "whosedata: no store in " + tt.want + ";"; !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("%v: stderr %q, want it to start with %q", tt.args, stderr, want)
		}
	}
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		stdout     []string // substrings
		stderr     []string
		oneLineErr bool // stderr is exactly one line
	}{
		{args: nil, code: exitUsage, stderr: []string{"Verbs:", "serve", "load"}},
		{args: []string{"frobnicate"}, code: exitUsage, stderr: []string{`unknown verb "frobnicate"`, "Verbs:"}},
		{args: []string{"help"}, code: exitOK, stdout: []string{
			"Verbs:", "whosedata serve [flags]", "--addr host:port", "--token token", "--cors-origin", "--empty",
			"--max-body", "--timeout", "--max-depth", "whosedata load [flags] PATH...", "--format",
			"whosedata query [flags] 'GRAPHQL' | -", "--vars", "--operation", "whosedata export", "--out",
			"whosedata verify", "whosedata stats", "whosedata backup [flags] FILE", "whosedata restore [flags] FILE",
			"--data", "--in-memory", "XDG_DATA_HOME", "~/.local/share/whosedata", envData, envToken,
		}},
		{args: []string{"-h"}, code: exitOK, stdout: []string{"Verbs:"}},
		{args: []string{"--help"}, code: exitOK, stdout: []string{"Verbs:"}},
		{args: []string{"help", "serve"}, code: exitOK, stdout: []string{"usage: whosedata serve", "--addr", "--data"}},
		{args: []string{"help", "nope"}, code: exitUsage, stderr: []string{`unknown verb "nope"`}},
		{args: []string{"serve", "-h"}, code: exitOK, stdout: []string{"usage: whosedata serve", "--token"}},
		{args: []string{"serve", "--bogus"}, code: exitUsage, stderr: []string{"whosedata serve: flag provided but not defined: -bogus", "usage: whosedata serve"}},
		{args: []string{"serve", "--in-memory", "--max-depth", "0"}, code: exitUsage, stderr: []string{"--max-depth must be positive"}},
		{args: []string{"serve", "--in-memory", "--max-body", "lots"}, code: exitUsage, stderr: []string{"invalid value"}},
		{args: []string{"serve", "--in-memory", "extra"}, code: exitUsage, stderr: []string{`unexpected argument "extra"`}},
		{args: []string{"load", "--in-memory"}, code: exitUsage, stderr: []string{"name at least one file"}},
		{args: []string{"load", "--in-memory", "--format", "xml", "x.xml"}, code: exitUsage, stderr: []string{`unknown --format "xml"`}},
		{args: []string{"load", "--in-memory", "/does/not/exist.yaml"}, code: exitFailure, oneLineErr: true, stderr: []string{"whosedata: load /does/not/exist.yaml: no such file or directory"}},
		{args: []string{"query", "--in-memory"}, code: exitUsage, stderr: []string{"give one GraphQL document"}},
		{args: []string{"query", "--in-memory", "{ a }", "{ b }"}, code: exitUsage, stderr: []string{"give one GraphQL document"}},
		{args: []string{"query", "--in-memory", "--vars", "[1]", "{ __typename }"}, code: exitUsage, stderr: []string{"--vars is not a JSON object"}},
		{args: []string{"query", "--in-memory", "{ __typename }"}, code: exitOK, stdout: []string{`"__typename": "Query"`}},
		{args: []string{"query", "--in-memory", "{ noSuchField }"}, code: exitFailure, stdout: []string{`"errors"`, "noSuchField"}, stderr: []string{"whosedata: the response has 1 error(s)"}},
		{args: []string{"export", "--in-memory", "--format", "csv"}, code: exitUsage, stderr: []string{`unknown --format "csv"`}},
		{args: []string{"stats", "--in-memory"}, code: exitOK, stdout: []string{`"entities": 0`}},
		{args: []string{"verify", "--in-memory"}, code: exitOK, stdout: []string{"checked 0 entities", "ok"}},
		{args: []string{"backup", "--in-memory"}, code: exitUsage, stderr: []string{"name one backup file"}},
		{args: []string{"restore", "--in-memory", "a", "b"}, code: exitUsage, stderr: []string{"name one backup file"}},
		{args: []string{"version"}, code: exitOK, stdout: []string{"whosedata "}},
		{args: []string{"verify", "--in-memory", "--log-level", "loud"}, code: exitUsage, stderr: []string{"invalid value"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e, stdout, stderr := testEnv(nil, t.TempDir())
			code := run(context.Background(), tt.args, e)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.oneLineErr && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		format  string
		pos     []string
		wantErr bool
	}{
		{args: []string{"a.yaml", "--format", "yaml", "b.yaml"}, format: "yaml", pos: []string{"a.yaml", "b.yaml"}},
		{args: []string{"--format=json", "a"}, format: "json", pos: []string{"a"}},
		{args: []string{"-"}, pos: []string{"-"}},
		{args: []string{"a", "--", "--format", "-x"}, pos: []string{"a", "--format", "-x"}},
		{args: []string{"--nope"}, wantErr: true},
		{args: nil, pos: nil},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(new(bytes.Buffer))
		format := fs.String("format", "", "")
		pos, err := parseArgs(fs, tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseArgs(%q) error = %v", tt.args, err)
			continue
		}
		if err != nil {
			if _, ok := errors.AsType[*usageError](err); !ok {
				t.Errorf("parseArgs(%q) error %T, want *usageError", tt.args, err)
			}
			continue
		}
		if *format != tt.format || !slices.Equal(pos, tt.pos) {
			t.Errorf("parseArgs(%q) = %q with --format %q; want %q with %q", tt.args, pos, *format, tt.pos, tt.format)
		}
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "2MiB": 2 << 20, "2mb": 2 << 20, "512 KiB": 512 << 10, "1G": 1 << 30, "10B": 10} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "MiB", "1.5MiB", "99999999999GiB"} {
		var b byteSize
		if err := b.Set(in); err == nil {
			t.Errorf("Set(%q) = %d, want an error", in, b)
		}
	}
	for in, want := range map[int64]string{1 << 20: "1MiB", 1536: "1536", 3 << 30: "3GiB", 2048: "2KiB"} {
		b := byteSize(in)
		if got := b.String(); got != want {
			t.Errorf("byteSize(%d).String() = %q, want %q", in, got, want)
		}
	}
}

// TestPlaygroundQuery checks that the query the playground opens with is
// valid against the schema and finds Microsoft downstream of Twitter in the
// bundled data.
func TestPlaygroundQuery(t *testing.T) {
	st, err := graph.Open(t.TempDir(), &graph.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sch, err := schema.New(st, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := sch.Validate(playgroundQuery); len(errs) > 0 {
		t.Fatalf("the playground query does not validate: %v", errs)
	}
	if err := fillEmpty(t.Context(), st, discardLogger()); err != nil {
		t.Fatal(err)
	}
	resp := sch.Exec(t.Context(), playgroundQuery, "", nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %v", resp.Errors)
	}
	var data struct {
		Lineage []struct {
			Entity struct{ Key string }
			Status string
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	for _, h := range data.Lineage {
		if h.Entity.Key == "microsoft" {
			return
		}
	}
	t.Fatalf("microsoft is not downstream of twitter in the bundled data: %s", resp.Data)
}

// TestLoadAndQuery drives load, query, export and stats in process on a
// directory store.
func TestLoadAndQuery(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	e, stdout, stderr := testEnv(map[string]string{envData: data}, dir)
	ctx := context.Background()
	e.stderrTTY = true // progress is shown on a terminal only
	if code := run(ctx, []string{"load", filepath.Join("testdata", "seed.yaml")}, e); code != exitOK {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout.String(), "loaded 1 file: 5 entities created") || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("load printed %q, want one summary line", stdout)
	}
	if want := "loading " + filepath.Join("testdata", "seed.yaml") + " (1/1)"; !strings.Contains(stderr.String(), want) ||
		!strings.HasSuffix(stderr.String(), "\r\x1b[K") {
		t.Errorf("progress on stderr %q, want %q then the line cleared", stderr, want)
	}
	stdout.Reset()
	stderr.Reset()
	e.stdin = strings.NewReader(`query($e: String!) { entity(ref: $e) { key } }`)
	if code := run(ctx, []string{"query", "--vars", `{"e": "X Corp"}`, "-"}, e); code != exitOK {
		t.Fatalf("query: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), `"key": "twitter"`) {
		t.Errorf("query printed %s", stdout)
	}
	stdout.Reset()
	out := filepath.Join(dir, "export.json")
	if code := run(ctx, []string{"export", "--out", out}, e); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("twitter-posts")) {
		t.Errorf("export wrote %q, %v", b, err)
	}
	if stdout.Len() != 0 {
		t.Errorf("export --out wrote to stdout: %q", stdout)
	}
}

// discardLogger is a logger that logs nothing.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                   "plain",
		" a\nb\r\nc \n":           "a; b; c",
		strings.Repeat("é", 600):  strings.Repeat("é", 500) + " …(cut)",
		strings.Repeat("x", 1000): strings.Repeat("x", 1000),
		strings.Repeat("x", 1001): strings.Repeat("x", 1000) + " …(cut)",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%.20q…) = %.20q… (%d bytes), want %d bytes", in, got, len(got), len(want))
		}
	}
}
