package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/whosedata/whosedata/graph"
)

// Exit codes of every verb.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// Environment variables the command reads.
const (
	envData  = "WHOSEDATA_DATA"  // the store directory, overridden by --data
	envStore = "WHOSEDATA_STORE" // the store (a directory, memory: or postgres://…), overridden by --store
	envToken = "WHOSEDATA_TOKEN" // serve's bearer token, overridden by --token
)

// env is the outside world of one run: streams, environment and home
// directory. Tests build their own instead of touching the process's.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	home   func() (string, error)
	// stderrTTY tells whether stderr is a terminal, where load shows progress.
	stderrTTY bool
}

// osEnv returns the env of this process.
func osEnv() *env {
	tty := false
	if fi, err := os.Stderr.Stat(); err == nil {
		tty = fi.Mode()&os.ModeCharDevice != 0
	}
	return &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, home: os.UserHomeDir, stderrTTY: tty,
	}
}

// command is one verb: its flags and what it does with its positional
// arguments. Each verb's file has a constructor that returns one.
type command struct {
	name    string
	args    string // positional arguments, for the usage line
	summary string // one line, for the verb list
	fs      *flag.FlagSet
	g       *globalFlags
	run     func(ctx context.Context, e *env, args []string) error
}

// newCommand returns a command with its flag set and the global flags.
func newCommand(name, args, summary string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports flag errors itself, on one line
	return &command{name: name, args: args, summary: summary, fs: fs, g: addGlobalFlags(fs)}
}

// commands returns every verb, in the order help lists them.
func commands() []*command {
	return []*command{
		serveCommand(), loadCommand(), queryCommand(), complianceCommand(), exportCommand(),
		verifyCommand(), statsCommand(), backupCommand(), restoreCommand(), copyCommand(), migrateCommand(),
		versionCommand(), helpCommand(),
	}
}

// findCommand returns the verb called name, or nil.
func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError ends a run with code after its message, if any, was printed.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run runs the command line args (without the program name) and returns the
// process's exit code.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		writeUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	c := findCommand(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "whosedata: unknown verb %q\n\n", args[0])
		writeUsage(e.stderr)
		return exitUsage
	}
	pos, err := parseArgs(c.fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		writeCommandUsage(e.stdout, c)
		return exitOK
	}
	if err == nil {
		err = c.run(ctx, e, pos)
	}
	return report(e, c, err)
}

// report prints err as one line and returns the exit code it calls for.
func report(e *env, c *command, err error) int {
	if err == nil {
		return exitOK
	}
	if x, ok := errors.AsType[*exitError](err); ok {
		return x.code
	}
	if _, ok := errors.AsType[*usageError](err); ok {
		fmt.Fprintf(e.stderr, "whosedata %s: %s\n", c.name, oneLine(err.Error()))
		fmt.Fprintf(e.stderr, "usage: %s (see 'whosedata help %s')\n", usageLine(c), c.name)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "whosedata: %s\n", oneLine(err.Error()))
	return exitFailure
}

// maxMessage bounds an error message; some foreign errors (Badger's) carry a
// hex dump of the value at fault.
const maxMessage = 1000

// oneLine folds a multi-line message onto one line and cuts it short when it
// is very long.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
	}
	if len(s) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + " …(cut)"
	}
	return s
}

// parseArgs parses fs's flags anywhere among args, so that
// "load a.yaml --format yaml" works, and returns the positional arguments.
// Everything after "--" is positional; a lone "-" is positional (stdin).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{msg: err.Error()}
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// globalFlags are the flags every verb takes.
type globalFlags struct {
	data     string
	store    string
	inMemory bool
	logLevel slog.Level
	logSet   bool // --log-level was given
	fs       *flag.FlagSet
}

func addGlobalFlags(fs *flag.FlagSet) *globalFlags {
	g := &globalFlags{fs: fs}
	fs.StringVar(&g.data, "data", "", "store `directory` (default $"+envData+", else $XDG_DATA_HOME/whosedata, else ~/.local/share/whosedata)")
	fs.StringVar(&g.store, "store", "", "the store: a `directory` (as --data), memory:, or postgres://user@host:port/db[?table=NAME] (default $"+envStore+", else --data)")
	fs.BoolVar(&g.inMemory, "in-memory", false, "use a store in memory that is gone when the command ends (--data is ignored)")
	fs.Func("log-level", "log `level`: debug, info, warn or error (default info for serve, warn otherwise)", func(s string) error {
		g.logSet = true
		return g.logLevel.UnmarshalText([]byte(s))
	})
	return g
}

// isGlobalFlag tells help which flags to list once rather than per verb.
func isGlobalFlag(name string) bool {
	return name == "data" || name == "store" || name == "in-memory" || name == "log-level"
}

// dataSet reports whether --data was given on the command line.
func (g *globalFlags) dataSet() bool { return flagSet(g.fs, "data") }

// logger returns the logger of a run, on stderr, at --log-level or level.
func (g *globalFlags) logger(e *env, level slog.Level) *slog.Logger {
	if g.logSet {
		level = g.logLevel
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// dataDir resolves the store directory: --data, then $WHOSEDATA_DATA, then
// $XDG_DATA_HOME/whosedata, then ~/.local/share/whosedata (the XDG base
// directory default).
func dataDir(flagValue string, flagSet bool, getenv func(string) string, home func() (string, error)) (string, error) {
	if flagSet {
		if flagValue == "" {
			return "", usagef("--data needs a directory")
		}
		return flagValue, nil
	}
	if d := getenv(envData); d != "" {
		return d, nil
	}
	// The XDG spec says a relative $XDG_DATA_HOME is invalid and is ignored.
	if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "whosedata"), nil
	}
	h, err := home()
	if err != nil || h == "" {
		return "", fmt.Errorf("no default store directory (home directory unknown); use --data DIR or $%s", envData)
	}
	return filepath.Join(h, ".local", "share", "whosedata"), nil
}

// storeMode says how a verb opens its store.
type storeMode int

const (
	// existingStore is for verbs that read: a missing store is an error
	// rather than a new empty store that answers nothing.
	existingStore storeMode = iota
	// createStore is for verbs that write: the directory is created.
	createStore
	// durableStore is createStore with every write synced before it is
	// acknowledged, for the server.
	durableStore
)

// openStore opens the store the global flags name. A store held by another
// process gives graph's one-line explanation.
func openStore(e *env, g *globalFlags, mode storeMode, log *slog.Logger) (*graph.Store, error) {
	if g.inMemory {
		return graph.Open("", &graph.Options{InMemory: true, Logger: log})
	}
	store := g.store
	if !flagSet(g.fs, "store") {
		store = e.getenv(envStore)
	}
	if flagSet(g.fs, "store") && g.dataSet() {
		return nil, usagef("give --store or --data, not both")
	}
	if store != "" && !g.dataSet() {
		return openNamedStore(e, store, mode, log)
	}
	dir, err := dataDir(g.data, g.dataSet(), e.getenv, e.home)
	if err != nil {
		return nil, err
	}
	return openStoreDir(dir, mode, log)
}

// openNamedStore opens the store named by store: a directory, memory: or
// a postgres:// URL (graph.OpenURL).
func openNamedStore(e *env, store string, mode storeMode, log *slog.Logger) (*graph.Store, error) {
	if !graph.IsDirURL(store) {
		st, err := graph.OpenURL(context.Background(), store, &graph.Options{Durable: mode == durableStore, Logger: log})
		if err != nil {
			return nil, err // graph's one line names the store and what to do
		}
		return st, nil
	}
	return openStoreDir(store, mode, log)
}

// openStoreDir opens the Badger store in dir.
func openStoreDir(dir string, mode storeMode, log *slog.Logger) (*graph.Store, error) {
	switch mode {
	case existingStore:
		if empty, err := dirEmpty(dir); err != nil || empty {
			return nil, fmt.Errorf("no store in %s; create one with 'whosedata load' or 'whosedata serve', or choose another with --data", dir)
		}
	default:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create the store directory: %w", err)
		}
	}
	st, err := graph.Open(dir, &graph.Options{Durable: mode == durableStore, Logger: log})
	if err != nil {
		if errors.Is(err, graph.ErrLocked) {
			return nil, err // already says which directory and what to do
		}
		return nil, fmt.Errorf("open the store: %w", err)
	}
	return st, nil
}

// dirEmpty reports whether dir is missing or holds nothing.
func dirEmpty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return len(names) == 0, err
}

// closeStore closes st and keeps the first error of a run.
func closeStore(st *graph.Store, err *error) {
	if cerr := st.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close the store: %w", cerr)
	}
}

// noArgs refuses positional arguments for verbs that take none.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}
