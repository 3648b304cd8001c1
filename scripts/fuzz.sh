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
    # input, or what stopped the fuzzer), then the failure.
    if ! out=$(go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" 2>&1); then
      printf '%s\n' "$out"
      exit 1
    fi
    printf '%s\n' "$out" | tail -n 3
  done
done
