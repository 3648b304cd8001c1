//go:build race

package bench

// raceEnabled: under the race detector SQLite (pure Go, so instrumented
// line by line) runs many times slower; the race run of TestRunCheck leaves
// it to the plain run and to e2e's run of the built command.
const raceEnabled = true
