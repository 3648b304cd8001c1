#!/usr/bin/env bash
# Runs every Go fuzz target of the project for a while each.
#   scripts/fuzz.sh            10 s each (what CI runs)
#   FUZZTIME=10m scripts/fuzz.sh   the long local run
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
targets=$(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
for file in $targets; do
  pkg=./$(dirname "${file#./}")
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "fuzz: $pkg $fn ($fuzztime)"
    # The last lines when it passes; everything when it fails (the failing
    # input, or what stopped the fuzzer).
    if out=$(go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" 2>&1); then
      printf '%s\n' "$out" | tail -n 3
      continue
    fi
    printf '%s\n' "$out"
    # Go's fuzzer now and then reports a worker as hung or terminated
    # (golang/go#56238, #52569) on an input that passes when run again. A
    # failure counts when its input fails as a plain test; one the fuzzer
    # could not pin on an input, or whose input passes, is reported and
    # its input dropped.
    if grep -q 'hung or terminated unexpectedly' <<< "$out"; then
      input=$(sed -n 's|^ *go test -run=\(Fuzz[A-Za-z0-9_]*/[0-9a-f]*\)$|\1|p' <<< "$out")
      input=${input%%$'\n'*}
      if [ -z "$input" ] || go test "$pkg" -timeout 2m -run "^${input%%/*}\$/^${input#*/}\$" > /dev/null 2>&1; then
        echo "fuzz: $pkg $fn: the fuzzer stopped a worker, but no input fails when run again (golang/go#56238); not counted"
        [ -n "$input" ] && rm -f "$pkg/testdata/fuzz/$input"
        continue
      fi
    fi
    # Go before 1.27 can also fail a target with a bare "context deadline
    # exceeded" when -fuzztime runs out (golang/go#75804: the coordinator
    # reads the deadline before its workers' context is cancelled). A real
    # finding always writes its input first; without one, the target's seeds
    # and stored corpus are run as a plain test, and only their failure counts.
    if grep -q 'context deadline exceeded' <<< "$out" && ! grep -q 'Failing input written to' <<< "$out"; then
      if go test "$pkg" -count=1 -timeout 5m -run "^${fn}\$" > /dev/null 2>&1; then
        echo "fuzz: $pkg $fn: the fuzz time ran out in Go's coordinator with no failing input, and the corpus passes as a test (golang/go#75804); not counted"
        continue
      fi
      echo "fuzz: $pkg $fn: its corpus fails as a plain test:"
      go test "$pkg" -count=1 -timeout 5m -run "^${fn}\$" 2>&1 | tail -n 40
    fi
    exit 1
  done
done
