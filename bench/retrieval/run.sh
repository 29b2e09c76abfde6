#!/usr/bin/env bash
# Issue 18's retrieval benchmark: POST /v1/retrieve of 10 passages beside GET /v1/search of the
# same queries (10 hits) as the baseline, through `narralytica serve`, on the search benchmark's
# corpus (bench/search/gen_search_corpus.py: tenants of Zipf size, 2-6 speakers taking turns).
#
#   bench/retrieval/run.sh BUILD_DIR WORK_DIR [--segments N] [--queries N] [--seed N] [--reindex]
#
#   BUILD_DIR   a Release build with the target narralytica (cmake --preset release; cmake --build
#               build/release --target narralytica)
#   WORK_DIR    the corpus (reused when its parameters are the same), the database and the indexes
#   --segments  corpus size (default 1,000,000 over 10 tenants); --queries how many of the
#               corpus's 1,000 mixed + 100 filtered queries are measured (default all); --reindex
#               rebuilds the indexes of a product database kept from an earlier run (after an
#               upgrade that changed what is indexed)
#
# Steps: the corpus; `narralytica import` into SQLite and `narralytica reindex --threads 2`;
# `narralytica serve --threads 2`; retrieve_bench.py: a warm-up pass, then each query as
# GET /v1/search and POST /v1/retrieve in turn on one keep-alive connection; figures to stdout.
set -euo pipefail
usage() { sed -n '5p' "$0" >&2; exit 2; }
SEGMENTS=1000000 QUERIES=1100 SEED=20261124 REINDEX=
POSITIONAL=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --segments) SEGMENTS=${2:?}; shift 2 ;;
    --queries) QUERIES=${2:?}; shift 2 ;;
    --seed) SEED=${2:?}; shift 2 ;;
    --reindex) REINDEX=1; shift ;;
    --*) usage ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
[[ ${#POSITIONAL[@]} -eq 2 ]] || usage
BUILD=$(realpath "${POSITIONAL[0]}")
mkdir -p "${POSITIONAL[1]}"
WORK=$(realpath "${POSITIONAL[1]}")
HERE=$(dirname "$(realpath "$0")")
SEARCH=$HERE/../search
BIN=$BUILD/src/cli/narralytica
[[ -x $BIN ]] || { echo "missing $BIN: build narralytica" >&2; exit 2; }
CORPUS=$WORK/corpus PRODUCT=$WORK/product
DB=$PRODUCT/narralytica.db DATA=$PRODUCT/data
SERVER_PID=
cleanup() { if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)" >&2; }
cli() { "$BIN" --db "$DB" "$@"; }

step "corpus: $SEGMENTS segments, seed $SEED"
# The same parameters and generator as bench/search, so a corpus made by either is reused.
PARAMS="$SEGMENTS 10 1000 100 $SEED $(sha256sum "$SEARCH/gen_search_corpus.py" | cut -c1-16)"
if [[ $(cat "$CORPUS/params" 2>/dev/null) != "$PARAMS" ]]; then
  rm -rf "$CORPUS"
  python3 "$SEARCH/gen_search_corpus.py" "$CORPUS" --segments "$SEGMENTS" --tenants 10 --queries 1000 \
    --filtered 100 --seed "$SEED" >&2
  echo "$PARAMS" >"$CORPUS/params"
fi
mapfile -t SLUGS < <(cut -f1 "$CORPUS/tenants.tsv")

if [[ $(cat "$PRODUCT/params" 2>/dev/null) != "$PARAMS" ]]; then
  step "product: import and reindex"
  rm -rf "$PRODUCT" && mkdir -p "$PRODUCT"
  cli migrate >/dev/null
  for slug in "${SLUGS[@]}"; do cli admin tenant create "$slug" >/dev/null; done
  for slug in "${SLUGS[@]}"; do
    (cd "$CORPUS/files/$slug" && "$BIN" --db "$DB" import --tenant "$slug" --data-dir "$DATA" *.json | tail -1) >&2
  done
  cli reindex --threads 2 --data-dir "$DATA" >&2
  cli admin user create retrieve-bench@example.org --name "Retrieval bench" >/dev/null
  : >"$PRODUCT/tokens.tsv"
  for slug in "${SLUGS[@]}"; do
    cli admin member add --tenant "$slug" --user retrieve-bench@example.org --role viewer >/dev/null
    secret=$(cli admin token create --tenant "$slug" --user retrieve-bench@example.org --name bench 2>/dev/null |
             sed -n 's/^secret //p')
    printf '%s\t%s\n' "$slug" "$secret" >>"$PRODUCT/tokens.tsv"
  done
  echo "$PARAMS" >"$PRODUCT/params"
else
  cli migrate >/dev/null
  if [[ -n $REINDEX ]]; then step "reindex"; cli reindex --threads 2 --data-dir "$DATA" >&2; fi
fi

# The client sends as fast as the server answers, far above the default 100 requests/s per token
# (docs/limits.md): each tenant's limits are raised as a deployment serving an AI pipeline would,
# with the tenant config, so the figures measure the work and not the throttle's 429s.
for slug in "${SLUGS[@]}"; do
  cli config set --tenant "$slug" rate_limits \
    '{"token":{"per_second":100000,"burst":100000},"tenant":{"per_second":100000,"burst":100000}}' >/dev/null
done

step "serve --threads 2, $QUERIES queries"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" --db "$DB" serve --listen "127.0.0.1:$PORT" --threads 2 --quiet --data-dir "$DATA" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
echo "segments=$(wc -l <"$CORPUS/segments.tsv")"
python3 "$HERE/retrieve_bench.py" "http://127.0.0.1:$PORT" "$CORPUS/queries.tsv" "$PRODUCT/tokens.tsv" --queries-max "$QUERIES"
