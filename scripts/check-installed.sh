#!/usr/bin/env bash
# The package as a user gets it: built in place (`npx smooth-rx` right after `npm run build`), then
# packed and installed into an empty project, where the bin runs and every entry imports.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run -s build
[ -x dist/src/cli/main.js ] || { echo "dist/src/cli/main.js is not executable after the build"; exit 1; }
npx --no-install smooth-rx --help >/dev/null

angular=$(node -p "require('./package.json').devDependencies['@angular/core']")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
echo '{ "name": "consumer", "private": true, "type": "module" }' >package.json
# The peers a user installs: rxjs, and Angular for the `./angular` entry (an optional peer).
npm install --silent --no-audit --no-fund "./$tarball" rxjs@7 "@angular/core@$angular" >/dev/null
npx --no-install smooth-rx --help >/dev/null
entries=$(node -e "const e=require('./node_modules/smooth-operator-rx/package.json').exports;console.log(Object.keys(e).filter(k=>k!=='./package.json').map(k=>'smooth-operator-rx'+k.slice(1)).join(' '))")
for entry in $entries; do
  node --input-type=module -e "const m = await import('$entry'); if (Object.keys(m).length === 0) { console.error('$entry exports nothing'); process.exit(1); }"
done
# Declaration maps lead go-to-definition to shipped sources.
map=node_modules/smooth-operator-rx/dist/src/index.d.ts.map
[ -f "$map" ] || { echo "no declaration map $map"; exit 1; }
src=$(node -e "const m=JSON.parse(require('fs').readFileSync('./$map','utf8'));console.log(require('path').resolve('$(dirname "$map")', m.sources[0]))")
[ -f "$src" ] || { echo "the declaration map points at $src, which is not in the package"; exit 1; }
echo "installed package: bin runs, entries import: $entries"
