#!/usr/bin/env bash
# The contract tests outside C++: `run.sh lint BIN` lints the document a live server serves with
# redocly's recommended rules (an error or a warning fails); `run.sh client BIN` generates
# TypeScript types from it, type-checks client.ts (openapi-fetch) with tsc and runs the emitted
# script against the same server.
# BIN is the narralytica binary. The server gets a fresh SQLite database (the demo tenant and its
# token) and a free loopback port, and is stopped on exit. Needs `npm ci` in this folder.
set -euo pipefail
mode="$1"
bin="$(realpath "$2")"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

token=$("$bin" --db "$work/db.sqlite" demo | awk '/^token/ {print $2}')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --db "$work/db.sqlite" serve --listen "127.0.0.1:$port" --workers 1 >"$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
curl -fsS "$base/v1/openapi.json" -o "$work/openapi.json"

case "$mode" in
  lint)
    # redocly exits 0 on warnings: a recommended rule's warning fails the test as well.
    "$here/node_modules/.bin/redocly" lint --extends=recommended "$work/openapi.json" 2>&1 | tee "$work/lint.log"
    if grep -Eq 'You have [0-9]+ warnings?' "$work/lint.log"; then
      echo "redocly: warnings under the recommended rules" >&2
      exit 1
    fi
    ;;
  client)
    mkdir -p "$work/ts"
    "$here/node_modules/.bin/openapi-typescript" "$work/openapi.json" -o "$work/ts/api.d.ts" --silent
    cp "$here/client.ts" "$work/ts/client.ts"
    ln -s "$here/node_modules" "$work/node_modules"
    cat >"$work/ts/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "noEmitOnError": true, "outDir": "../out", "types": [] },
  "files": ["client.ts"] }
JSON
    echo '{"type":"module"}' >"$work/package.json"
    "$here/node_modules/.bin/tsc" -p "$work/ts/tsconfig.json"
    NARRALYTICA_URL="$base" NARRALYTICA_TOKEN="$token" node "$work/out/client.js"
    ;;
  *) echo "usage: run.sh lint|client NARRALYTICA_BINARY" >&2; exit 2 ;;
esac
