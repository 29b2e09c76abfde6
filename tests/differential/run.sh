#!/usr/bin/env bash
# CTest entry of the WebVTT differential test: installs the locked webvtt-parser into the build
# tree (npm ci, again only when the lock file changed) and runs compare.mjs with the reader's dump
# tool. Usage: run.sh WEBVTT_DUMP NPM_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dump="$1"
npm_dir="$2"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "webvtt_differential needs node and npm: run scripts/install-deps.sh test" >&2
  exit 1
fi
mkdir -p "$npm_dir"
if ! cmp -s "$here/package-lock.json" "$npm_dir/package-lock.json" || [ ! -d "$npm_dir/node_modules/webvtt-parser" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
export NODE_PATH="$npm_dir/node_modules"
cp "$here/compare.mjs" "$npm_dir/compare.mjs"  # resolves webvtt-parser from its own node_modules
exec node "$npm_dir/compare.mjs" "$dump" "$here/cases"
