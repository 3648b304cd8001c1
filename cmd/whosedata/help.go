package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

func helpCommand() *command {
	c := newCommand("help", "[VERB]", "show this help, or the help of one verb")
	c.run = func(_ context.Context, e *env, args []string) error {
		switch len(args) {
		case 0:
			writeUsage(e.stdout)
			return nil
		case 1:
			v := findCommand(args[0])
			if v == nil {
				return usagef("unknown verb %q", args[0])
			}
			writeCommandUsage(e.stdout, v)
			return nil
		}
		return usagef("help takes at most one verb")
	}
	return c
}

// usageLine is "whosedata VERB [flags] ARGS".
func usageLine(c *command) string {
	s := "whosedata " + c.name + " [flags]"
	if c.args != "" {
		s += " " + c.args
	}
	return s
}

// writeUsage writes the overview: every verb with its flags, then the global
// flags and the environment.
func writeUsage(w io.Writer) {
	cs := commands()
	fmt.Fprint(w, `whosedata is a knowledge graph of AI training-data disputes: who trained on
whose data, who says so, on what evidence, and since when.

Usage: whosedata VERB [flags] [arguments]

Verbs:
`)
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	for _, c := range cs {
		fmt.Fprintf(w, "\n%s\n", usageLine(c))
		writeFlags(w, c.fs, false)
	}
	writeGlobals(w, cs[0].fs)
	fmt.Fprint(w, `
Exit status: 0 on success, 1 on failure, 2 for a mistake in the command line.
compliance: 0 ALLOWED, 3 RESTRICTED, 4 UNKNOWN (1 and 2 as above).
`)
}

// writeCommandUsage writes the help of one verb.
func writeCommandUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", usageLine(c), upperFirst(c.summary))
	if hasFlags(c.fs) {
		fmt.Fprint(w, "\nFlags:\n")
		writeFlags(w, c.fs, false)
	}
	writeGlobals(w, c.fs)
}

func writeGlobals(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, "\nGlobal flags (every verb):\n")
	writeFlags(w, fs, true)
	fmt.Fprintf(w, `
Environment:
  %s   store directory when --data is not given
  %s  bearer token for serve when --token is not given (safer than
                   --token, which other users can see in the process list)
`, envData, envToken)
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		if !isGlobalFlag(f.Name) {
			n++
		}
	})
	return n > 0
}

// writeFlags lists fs's global or own flags as "--name TYPE  usage".
func writeFlags(w io.Writer, fs *flag.FlagSet, globals bool) {
	fs.VisitAll(func(f *flag.Flag) {
		if isGlobalFlag(f.Name) != globals {
			return
		}
		typ, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if typ != "" {
			name += " " + typ
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "    %-22s %s\n", name, usage)
	})
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
