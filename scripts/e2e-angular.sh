#!/usr/bin/env bash
# The Angular example end to end in a real browser, from a fresh clone: installs what is missing
# (Debian's chromium, the root's and the example's packages), builds the package, then the
# example (ng build, production), and runs test/e2e/angular.e2e.ts. Arguments pick scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."

export NG_CLI_ANALYTICS=false

if ! command -v chromium >/dev/null 2>&1; then
  echo "e2e-angular: installing Debian's chromium"
  # Needs root (CI and the dev machines run as root); no browser download happens elsewhere.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

# The example installs smooth-operator-rx from ../.. as a packed copy of the build: build first.
npm run -s build

# Angular 22's CLI needs Node >= 22.22.3: the example brings its own (the `node` dev dependency),
# which npm puts first on PATH for its scripts; the rest of the repo stays on the machine's Node.
(cd examples/angular && npm ci --no-audit --no-fund --loglevel=error && npm run -s build)

npx tsx test/e2e/angular.e2e.ts "$@"
