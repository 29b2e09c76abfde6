#!/usr/bin/env bash
# The search benchmark (issue 14): the product and its baselines side by side, in one run, on the
# same rows and the same queries. bench/search/README.md says what each figure means.
#
#   bench/search/run.sh BUILD_DIR WORK_DIR [PG_ADMIN_URL] [--segments N] [--tenants N] [--queries N]
#                       [--filtered N] [--seed N] [--duration S] [--probes N]
#
#   BUILD_DIR     a build with the targets narralytica and search_bench (Release), e.g.
#                 cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNARRALYTICA_BUILD_TESTS=OFF
#                 cmake --build build/bench --target narralytica search_bench
#   WORK_DIR      where the corpus, the databases and the indexes go (the corpus is reused when its
#                 parameters are the same; everything else is rebuilt)
#   PG_ADMIN_URL  a PostgreSQL superuser URL for the tsvector + GIN baseline (a database
#                 nl_bench_search is created and dropped); without it the baseline is skipped. A
#                 private cluster: eval "$(scripts/pg-test-cluster.sh start)"; then pass
#                 "$NARRALYTICA_TEST_PG_URL"
#   --segments    corpus size (default 1,000,000 over --tenants 10); --queries mixed queries (1,000)
#                 plus --filtered filtered ones (100); --seed the generator's seed
#   --duration    seconds of wrk load for the HTTP figure (default 30, after a 5 s warm-up)
#   --probes      uploads for commit-to-searchable (default 50)
#
# Steps: generate the corpus (gen_search_corpus.py); import it with `narralytica import` into a
# SQLite database (WAL, synchronous=FULL: the product's own settings); full rebuild with
# `narralytica reindex --threads 2`; in-process queries (search_bench product); FTS5 build and
# queries (search_bench fts5); bare Xapian build and queries (search_bench xapian); PostgreSQL load, build and queries (search_bench postgres); HTTP
# queries with wrk at 16 connections against `narralytica serve --threads 2`, and its memory;
# commit-to-searchable against `narralytica serve --workers 1` (commit_probe.py); then the report
# (report.py). Any failing step stops the run with a non-zero status.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"

usage() { sed -n '4,5p' "$0" >&2; exit 2; }
SEGMENTS=1000000 TENANTS=10 QUERIES=1000 FILTERED=100 SEED=20261124 DURATION=30 PROBES=50
POSITIONAL=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --segments) SEGMENTS=${2:?}; shift 2 ;;
    --tenants) TENANTS=${2:?}; shift 2 ;;
    --queries) QUERIES=${2:?}; shift 2 ;;
    --filtered) FILTERED=${2:?}; shift 2 ;;
    --seed) SEED=${2:?}; shift 2 ;;
    --duration) DURATION=${2:?}; shift 2 ;;
    --probes) PROBES=${2:?}; shift 2 ;;
    --*) usage ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
[[ ${#POSITIONAL[@]} -ge 2 && ${#POSITIONAL[@]} -le 3 ]] || usage
BUILD=$(realpath "${POSITIONAL[0]}")
mkdir -p "${POSITIONAL[1]}"
WORK=$(realpath "${POSITIONAL[1]}")
PG_ADMIN=${POSITIONAL[2]:-}
HERE=$(dirname "$(realpath "$0")")
BIN=$BUILD/src/cli/narralytica
BENCH=$BUILD/bench/search/search_bench
for f in "$BIN" "$BENCH"; do [[ -x $f ]] || { echo "missing $f: build narralytica and search_bench" >&2; exit 2; }; done
for tool in wrk curl python3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }; done

CORPUS=$WORK/corpus
PRODUCT=$WORK/product
DB=$PRODUCT/narralytica.db
DATA=$PRODUCT/data
FIGURES=$WORK/figures.txt
LATENCIES=$WORK/latencies.tsv
SERVER_PID=
PG_DB=nl_bench_search
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n $PG_ADMIN ]]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)" >&2; }
figure() { echo "$1=$2" >>"$FIGURES"; }
cli() { "$BIN" --db "$DB" "$@"; }

# timed LOG COMMAND...: runs it under /usr/bin/time -v; records LOG_s (wall) and LOG_peak_kib.
timed() {
  local log=$1; shift
  /usr/bin/time -v "$@" >"$WORK/$log.out" 2>"$WORK/$log.time" || { tail -20 "$WORK/$log.out" "$WORK/$log.time" >&2; return 1; }
  figure "${log}_s" "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$log.time" |
                       awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')"
  figure "${log}_peak_kib" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$log.time")"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_server() {  # extra serve flags
  PORT=$(free_port)
  "$BIN" --db "$DB" serve --listen "127.0.0.1:$PORT" --threads 2 --quiet --data-dir "$DATA" "$@" \
    >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start; $WORK/server.log:" >&2; tail -20 "$WORK/server.log" >&2; return 1
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=; }

: >"$FIGURES"
: >"$LATENCIES"
figure cores "$(nproc)"

step "corpus: $SEGMENTS segments, $TENANTS tenants, $QUERIES + $FILTERED queries, seed $SEED"
PARAMS="$SEGMENTS $TENANTS $QUERIES $FILTERED $SEED $(sha256sum "$HERE/gen_search_corpus.py" | cut -c1-16)"
if [[ $(cat "$CORPUS/params" 2>/dev/null) != "$PARAMS" ]]; then
  rm -rf "$CORPUS"
  python3 "$HERE/gen_search_corpus.py" "$CORPUS" --segments "$SEGMENTS" --tenants "$TENANTS" --queries "$QUERIES" \
    --filtered "$FILTERED" --seed "$SEED" >&2
  echo "$PARAMS" >"$CORPUS/params"
else
  echo "reusing $CORPUS" >&2
fi
figure segments "$(wc -l <"$CORPUS/segments.tsv")"
figure text_bytes "$(LC_ALL=C awk -F'\t' '{ n += length($7) } END { print n }' "$CORPUS/segments.tsv")"
mapfile -t SLUGS < <(cut -f1 "$CORPUS/tenants.tsv")

step "product: import into SQLite"
rm -rf "$PRODUCT" && mkdir -p "$PRODUCT"
cli migrate >/dev/null
for slug in "${SLUGS[@]}"; do cli admin tenant create "$slug" >/dev/null; done
started=$EPOCHREALTIME
for slug in "${SLUGS[@]}"; do
  (cd "$CORPUS/files/$slug" && "$BIN" --db "$DB" import --tenant "$slug" --data-dir "$DATA" *.json | tail -1) >&2
done
figure import_s "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"

step "product: full rebuild, narralytica reindex --threads 2"
timed reindex "$BIN" --db "$DB" reindex --threads 2 --data-dir "$DATA"
cat "$WORK/reindex.out" >&2
indexed=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "segments") n += $i } END { print n + 0 }' "$WORK/reindex.out")
[[ $indexed == "$(wc -l <"$CORPUS/segments.tsv")" ]] || { echo "reindex indexed $indexed segments, expected $(wc -l <"$CORPUS/segments.tsv")" >&2; exit 1; }
figure product_size_bytes "$(du -sb "$DATA/search" | cut -f1)"

step "product: in-process queries (app::SearchService::search)"
"$BENCH" product --db "$DB" --data-dir "$DATA" --queries "$CORPUS/queries.tsv" --out "$LATENCIES" >>"$FIGURES"

step "baseline: SQLite FTS5, one table per tenant"
"$BENCH" fts5 --db "$WORK/fts5.db" --segments "$CORPUS/segments.tsv" --queries "$CORPUS/queries.tsv" \
  --out "$LATENCIES" >>"$FIGURES"
rm -f "$WORK/fts5.db" "$WORK/fts5.db-wal" "$WORK/fts5.db-shm"

step "baseline: bare Xapian, one database per tenant, 2 threads (the engine under the product)"
# --batch 2000: the product's rebuild policy (search::kBulkCommitDocuments), so the build rates compare.
"$BENCH" xapian --dir "$WORK/xapian" --threads 2 --batch 2000 --segments "$CORPUS/segments.tsv" \
  --queries "$CORPUS/queries.tsv" --out "$LATENCIES" >>"$FIGURES"
rm -rf "$WORK/xapian"

if [[ -n $PG_ADMIN ]]; then
  step "baseline: PostgreSQL tsvector + GIN, one table, tenant btree"
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB" >/dev/null
  figure pg_version "$(psql -tA "$PG_ADMIN" -c 'SHOW server_version_num')"
  "$BENCH" postgres --url "${PG_ADMIN%/*}/$PG_DB" --segments "$CORPUS/segments.tsv" --queries "$CORPUS/queries.tsv" \
    --out "$LATENCIES" >>"$FIGURES"
  psql -q "$PG_ADMIN" -c "DROP DATABASE $PG_DB WITH (FORCE)" >/dev/null
fi

step "product: GET /v1/search with wrk, 16 connections, ${DURATION}s"
cli admin user create search-bench@example.org --name "Search bench" >/dev/null
: >"$WORK/tokens.tsv"
for slug in "${SLUGS[@]}"; do
  cli admin member add --tenant "$slug" --user search-bench@example.org --role editor >/dev/null
  # The rate limiter stays on; its limits are raised as an operator would for a known load (the
  # defaults, 100 requests/s per token, would answer most of wrk's requests 429).
  cli config set --tenant "$slug" rate_limits \
    '{"token":{"per_second":100000,"burst":100000},"tenant":{"per_second":100000,"burst":100000}}' >/dev/null
  secret=$(cli admin token create --tenant "$slug" --user search-bench@example.org --name bench 2>/dev/null |
           sed -n 's/^secret //p')
  [[ -n $secret ]] || { echo "no token for $slug" >&2; exit 1; }
  printf '%s\t%s\n' "$slug" "$secret" >>"$WORK/tokens.tsv"
done
python3 - "$CORPUS/queries.tsv" "$WORK/tokens.tsv" >"$WORK/requests.tsv" <<'PY'
import sys, urllib.parse
tokens = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2]))
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    print(f"{tokens[f[2]]}\t/v1/search?limit=20&q={urllib.parse.quote(f[3], safe='')}")
PY
start_server
load() {  # load SECONDS OUT: wrk at 16 connections; fails on any failed request or a dead server
  wrk -t2 -c16 -d"$1s" -s "$HERE/search.lua" "http://127.0.0.1:$PORT" -- "$WORK/requests.tsv" >"$WORK/$2"
  if ! grep -q '^http_errors=0$' "$WORK/$2" || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "failed requests under load ($WORK/$2, $WORK/server.log):" >&2
    cat "$WORK/$2" >&2; tail -5 "$WORK/server.log" >&2; exit 1
  fi
}
load 5 wrk-warmup.out
load "$DURATION" wrk.out
grep -E '^http_[a-z0-9_]+=' "$WORK/wrk.out" >>"$FIGURES"
figure server_rss_kib "$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")"
figure server_hwm_kib "$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")"
stop_server

step "product: commit to searchable, serve --workers 1, $PROBES uploads"
start_server --workers 1
python3 "$HERE/commit_probe.py" "http://127.0.0.1:$PORT" "$(cut -f2 "$WORK/tokens.tsv" | head -1)" "$PROBES" >>"$FIGURES"
stop_server

step "report"
python3 "$HERE/report.py" "$FIGURES" "$LATENCIES" | tee "$WORK/report.txt"
