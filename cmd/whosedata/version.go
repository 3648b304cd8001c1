package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func versionCommand() *command {
	c := newCommand("version", "", "print the version of this build")
	c.run = func(_ context.Context, e *env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "whosedata %s\n", version())
		return nil
	}
	return c
}

// version describes this build from the module and VCS information that
// the Go toolchain embeds.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (%.12s%s)", rev, dirty)
	}
	return v + " " + bi.GoVersion
}
