#!/usr/bin/env bash
# HTTP API benchmark: drives `narralytica serve` with wrk on loopback, side by side with the same
# server's /healthz (the HTTP stack's ceiling), at 64 connections.
#
#   bench/api/run.sh BUILD_DIR sqlite|postgres [DURATION_S] [THREADS]
#
# PostgreSQL needs NARRALYTICA_TEST_PG_URL (a superuser URL; see scripts/pg-test-cluster.sh); a
# fresh database is created and dropped. Prints one line per endpoint: req/s, p50, p99, and the
# ratio of the rate to /healthz's.
set -euo pipefail
BUILD=${1:?build dir}
BACKEND=${2:?sqlite or postgres}
DURATION=${3:-10}
THREADS=${4:-2}
CONNECTIONS=64
BIN=$BUILD/src/cli/narralytica
SEED=$BUILD/bench/api/api_bench_seed
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [[ $BACKEND == postgres && -n ${PG_DB:-} ]]; then psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ $BACKEND == postgres ]]; then
  : "${NARRALYTICA_TEST_PG_URL:?set it: eval \"\$(scripts/pg-test-cluster.sh start)\"}"
  PG_DB=api_bench_$$
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
  DB=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/$PG_DB').geturl())" "$NARRALYTICA_TEST_PG_URL")
else
  DB=$WORK/bench.db
fi

eval "$("$SEED" "$DB" 1000)"
start_server() {  # extra serve flags
  "$BIN" --db "$DB" serve --listen 127.0.0.1:$PORT --threads "$THREADS" --quiet "$@" 2>>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
}
stop_server() {
  kill -TERM "$SERVER_PID" && wait "$SERVER_PID" || true
  SERVER_PID=
}
start_server

cat >"$WORK/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.body = '{"description":"updated by the benchmark"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

BASE=http://127.0.0.1:$PORT
declare -A RATE
run() {  # name, then wrk arguments
  local name=$1; shift
  local out
  out=$(wrk -t2 -c$CONNECTIONS -d"${DURATION}s" --latency "$@")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  RATE[$name]=$rps
  local ratio
  ratio=$(python3 -c "print(f'{float(\"$rps\")/float(\"${RATE[healthz]:-$rps}\")*100:.0f}%')")
  printf '%-28s %10s req/s  p50 %8s  p99 %8s  %5s of /healthz%s\n' "$name" "$rps" "$p50" "$p99" "$ratio" \
    "${non2xx:+  (non-2xx: $non2xx)}"
}

echo "backend=$BACKEND threads=$THREADS connections=$CONNECTIONS duration=${DURATION}s cores=$(nproc)"
AUTH="Authorization: Bearer $TOKEN"
run healthz "$BASE/healthz"
run "GET video" -H "$AUTH" "$BASE/v1/videos/$VIDEO"
run "GET 100 segments" -H "$AUTH" "$BASE/v1/transcripts/$TRANSCRIPT/segments?limit=100"
run "PATCH video (small JSON)" -s "$WORK/patch.lua" "$BASE/v1/videos/$VIDEO"
run healthz-again "$BASE/healthz"
if [[ $BACKEND == sqlite ]]; then
  # The same PATCH with one fsync per commit (the default before group commit), side by side.
  stop_server
  start_server --no-group-commit
  run "PATCH, --no-group-commit" -s "$WORK/patch.lua" "$BASE/v1/videos/$VIDEO"
fi
