#!/usr/bin/env bash
# build.sh builds the explorer (the pages served at /, /e/... and /paths) into
# dist/ (app.js, app.css, index.html) for the Go server to embed. Like the
# playground's build.sh it runs `npm ci` only when node_modules is missing or
# package-lock.json changed, and rebuilds only when an input is newer than the
# bundle. Network access is needed only for the first `npm ci`.
#   build.sh          build dist/
#   build.sh test     also run the view-logic unit tests (node --test)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "explorer: $tool not found; install Node.js 20 or newer to build the explorer" >&2
    exit 1
  fi
done

stamp=node_modules/.whosedata-package-lock.json
if [[ ! -d node_modules ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

if [[ "${1:-}" == test ]]; then
  node --test test/*.test.js
fi

fresh=true
for f in dist/app.js dist/app.css dist/index.html; do
  [[ -f "$f" ]] || fresh=false
done
if $fresh && [[ -z "$(find src build.mjs package.json package-lock.json -newer dist/app.js -print -quit)" ]]; then
  echo "explorer: dist/ is up to date"
  exit 0
fi

npm run build
