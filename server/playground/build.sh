#!/usr/bin/env bash
# build.sh builds the GraphiQL playground into dist/ (app.js, app.css,
# index.html) for the Go server to embed. It installs the pinned npm packages
# with `npm ci` only when node_modules is missing or package-lock.json changed,
# and rebuilds only when an input is newer than the bundle, so running it again
# is quick. Network access is needed only for the first `npm ci`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "playground: $tool not found; install Node.js 20 or newer to build the playground" >&2
    exit 1
  fi
done

# A copy of the lock file inside node_modules records what was installed.
stamp=node_modules/.whosedata-package-lock.json
if [[ ! -d node_modules ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

outputs=(dist/app.js dist/app.css dist/index.html)
up_to_date=true
for f in "${outputs[@]}"; do
  [[ -f "$f" ]] || up_to_date=false
done
if $up_to_date && [[ -z "$(find src build.mjs package.json package-lock.json -newer dist/app.js -print -quit)" ]]; then
  echo "playground: dist/ is up to date"
  exit 0
fi

npm run build
