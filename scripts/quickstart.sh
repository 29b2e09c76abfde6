#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build the release binary, create the
# embedded SQLite database with the demo tenant, owner, API token and sample transcripts, then
# serve the HTTP API and the web UI on http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release -DNARRALYTICA_BUILD_TESTS=OFF -DNARRALYTICA_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target narralytica
db="${NARRALYTICA_DB:-./narralytica.db}"
listen="${NARRALYTICA_LISTEN:-127.0.0.1:8080}"
bin=./build/release/src/cli/narralytica
echo
"$bin" --db "$db" demo | tee /tmp/narralytica-demo.$$
token=$(awk '/^token/ {print $2}' /tmp/narralytica-demo.$$)
rm -f /tmp/narralytica-demo.$$
echo
echo "API       http://$listen/v1/videos  (try: curl -H 'Authorization: Bearer $token' http://$listen/v1/videos)"
echo "Web UI    http://$listen/  (choose \"API token\" and paste the token above)"
echo
# One worker loop runs the background jobs and the search pipeline: what is imported becomes searchable.
exec "$bin" --db "$db" serve --listen "$listen" --workers 1
