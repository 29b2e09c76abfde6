#!/usr/bin/env bash
# Fairness under a flood (issue 17): one tenant floods `narralytica serve` with as many requests
# as 64 connections can send (the server's capacity), while another tenant sends a steady trickle
# (2 connections, one request every 25 ms each, within its limits). The quiet tenant's p99 is
# measured alone, then under the flood with rate limits on (the default), then under the flood
# with --no-rate-limits, side by side. Then the rate limiter's own cost: the flooding route's
# throughput with limits on (but set so high that nothing is refused) against --no-rate-limits.
#
#   bench/fairness/run.sh NARRALYTICA_BINARY sqlite|postgres [DURATION_S] [THREADS]
#
# PostgreSQL needs NARRALYTICA_TEST_PG_URL (see scripts/pg-test-cluster.sh). Prints the quiet
# tenant's p99 in each phase and the ratios.
set -euo pipefail
BIN=${1:?the narralytica binary, e.g. build/release/src/cli/narralytica}
BACKEND=${2:?sqlite or postgres}
DURATION=${3:-10}
THREADS=${4:-2}
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
  PG_DB=fairness_bench_$$
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
  DB=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/$PG_DB').geturl())" "$NARRALYTICA_TEST_PG_URL")
else
  DB=$WORK/bench.db
fi

# Two tenants, each with an owner's token and (below) a video of its own.
"$BIN" --db "$DB" migrate >/dev/null
tenant_token() {  # slug
  "$BIN" --db "$DB" admin tenant create "$1" --name "$1" >/dev/null
  "$BIN" --db "$DB" admin user create "$1@example.org" --name "$1" >/dev/null
  "$BIN" --db "$DB" admin member add --tenant "$1" --user "$1@example.org" --role owner >/dev/null
  "$BIN" --db "$DB" admin token create --tenant "$1" --user "$1@example.org" --name bench 2>/dev/null |
    awk '$1=="secret"{print $2}'
}
FLOOD_TOKEN=$(tenant_token flood)
QUIET_TOKEN=$(tenant_token quiet)

start_server() {  # extra serve flags
  "$BIN" --db "$DB" serve --listen 127.0.0.1:$PORT --threads "$THREADS" --quiet "$@" 2>>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
}
stop_server() {
  kill -TERM "$SERVER_PID" && wait "$SERVER_PID" || true
  SERVER_PID=
}
BASE=http://127.0.0.1:$PORT
start_server
new_video() {  # token
  curl -sf -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d '{"title":"bench"}' \
    "$BASE/v1/videos" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
QUIET_VIDEO=$(new_video "$QUIET_TOKEN")
FLOOD_VIDEO=$(new_video "$FLOOD_TOKEN")

cat >"$WORK/trickle.lua" <<'LUA'
function delay() return 25 end
LUA

# wrk's latency in microseconds: "1.23ms" -> 1230.
to_us() { python3 -c "import re,sys; v,u=re.match(r'([\d.]+)(\w+)',sys.argv[1]).groups(); print(float(v)*{'us':1,'ms':1e3,'s':1e6,'m':6e7}[u])" "$1"; }
quiet() {  # label; prints the quiet tenant's p99 (us) into $P99
  local out
  out=$(wrk -t1 -c2 -d"${DURATION}s" --latency -s "$WORK/trickle.lua" -H "Authorization: Bearer $QUIET_TOKEN" \
    "$BASE/v1/videos/$QUIET_VIDEO")
  P99=$(to_us "$(awk '$1=="99%"{print $2}' <<<"$out")")
  local rps non2xx
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  printf '%-44s quiet tenant: %7s req/s  p50 %8s  p99 %8s%s\n' "$1" "$rps" "$(awk '$1=="50%"{print $2}' <<<"$out")" \
    "$(awk '$1=="99%"{print $2}' <<<"$out")" "${non2xx:+  (non-2xx: $non2xx)}"
}
flood() {  # runs in the background for DURATION+2 s; its summary goes to $WORK/flood.out
  wrk -t1 -c64 -d"$((DURATION + 2))s" -H "Authorization: Bearer $FLOOD_TOKEN" "$BASE/v1/videos/$FLOOD_VIDEO" \
    >"$WORK/flood.out" &
  FLOOD_PID=$!
  sleep 1
}
flood_summary() {
  wait "$FLOOD_PID" || true
  printf '%-44s flooding tenant: %s req/s answered%s\n' "" "$(awk '/Requests\/sec/{print $2}' "$WORK/flood.out")" \
    "$(awk '/Non-2xx/{print ", of them non-2xx: " $NF}' "$WORK/flood.out")"
}

echo "backend=$BACKEND threads=$THREADS duration=${DURATION}s cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
quiet "alone, rate limits on (default limits)"
QUIET_ALONE=$P99
flood
quiet "under a flood, rate limits on"
QUIET_FLOOD=$P99
flood_summary
stop_server
start_server --no-rate-limits
quiet "alone, --no-rate-limits"
QUIET_ALONE_OFF=$P99
flood
quiet "under a flood, --no-rate-limits"
QUIET_FLOOD_OFF=$P99
flood_summary
python3 - "$QUIET_ALONE" "$QUIET_FLOOD" "$QUIET_ALONE_OFF" "$QUIET_FLOOD_OFF" <<'PY'
import sys
alone, flood, alone_off, flood_off = map(float, sys.argv[1:])
print(f"quiet p99 under flood / alone: limits on {flood/alone:.2f}x (target <= 2x), limits off {flood_off/alone_off:.2f}x")
PY

# The limiter's cost on a hot read route: limits on, set far above the load so none is refused,
# against --no-rate-limits; 64 connections, one token.
hot() {  # label
  local out
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $FLOOD_TOKEN" "$BASE/v1/videos/$FLOOD_VIDEO")
  printf '%-44s %10s req/s  p50 %8s  p99 %8s%s\n' "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" \
    "$(awk '/Non-2xx/{print "  (non-2xx: " $NF ")"}' <<<"$out")"
  HOT_RPS=$(awk '/Requests\/sec/{print $2}' <<<"$out")
}
hot "GET video, --no-rate-limits"
OFF_RPS=$HOT_RPS
stop_server
start_server
curl -sf -X PUT -H "Authorization: Bearer $FLOOD_TOKEN" -H 'Content-Type: application/json' \
  -d '{"value":{"token":{"per_second":1000000,"burst":1000000},"tenant":{"per_second":1000000,"burst":1000000}}}' \
  "$BASE/v1/tenant/config/rate_limits" >/dev/null
hot "GET video, rate limits on (none refused)"
ON_RPS=$HOT_RPS
python3 -c "print(f'rate limiter cost on GET video: {(1-float(\"$ON_RPS\")/float(\"$OFF_RPS\"))*100:.1f}% of throughput')"
