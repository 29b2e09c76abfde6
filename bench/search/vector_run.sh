#!/usr/bin/env bash
# Semantic and hybrid search benchmark (issue 14's vector targets), one command: builds
# vector_bench (Release) if needed, then runs it on SQLite: 200,000 x 384-dimension embeddings
# in one tenant, loaded and indexed through the product, 1,000 queries timed through
# app::SearchService beside an exact scan and bare hnswlib. bench/search/README.md says what each
# figure means.
#
#   bench/search/vector_run.sh WORK_DIR [PG_ADMIN_URL] [vector_bench options...]
#
#   WORK_DIR      the database, its index and the report (emptied first unless --reuse or
#                 --reuse-index is given; about 3 GB for the default size)
#   PG_ADMIN_URL  optional, a PostgreSQL superuser URL (postgresql://…): the same load and rebuild
#                 are then also run on PostgreSQL (database nl_bench_vector, created and dropped),
#                 for the build figures only. A private cluster: eval "$(scripts/pg-test-cluster.sh
#                 start)"; then pass "$NARRALYTICA_TEST_PG_URL"
#   options       passed to vector_bench: --segments N (200,000), --per-video N (500),
#                 --clusters N (1,000), --queries N (1,000), --seed N, --reuse, --reuse-index
#
# BUILD_DIR (default build/release) is configured with the release preset and
# -DNARRALYTICA_BUILD_BENCH=ON when it has no build yet. The load average (uptime) is printed
# before and after the timed run: the figures mean something only on a quiet machine.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"

[[ $# -ge 1 ]] || { sed -n '8p' "$0" >&2; exit 2; }
WORK=$1; shift
PG_ADMIN=
if [[ ${1:-} == postgres://* || ${1:-} == postgresql://* ]]; then PG_ADMIN=$1; shift; fi
HERE=$(dirname "$(realpath "$0")")
ROOT=$(realpath "$HERE/../..")
BUILD=${BUILD_DIR:-$ROOT/build/release}
PG_DB=nl_bench_vector

if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S "$ROOT" -B "$BUILD" --preset release -DNARRALYTICA_BUILD_BENCH=ON -DNARRALYTICA_BUILD_TESTS=OFF >&2
fi
cmake --build "$BUILD" --target vector_bench >&2
BENCH=$BUILD/bench/search/vector_bench

reuse=0
for arg in "$@"; do [[ $arg == --reuse || $arg == --reuse-index ]] && reuse=1; done
if [[ $reuse == 0 ]]; then rm -rf "$WORK"; fi
mkdir -p "$WORK"
WORK=$(realpath "$WORK")

{
  echo "vector_bench $* on $(nproc) cores, commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%FT%TZ)"
  echo "before: $(uptime)"
  "$BENCH" --db "$WORK/narralytica.db" --work "$WORK" "$@"
  echo "after: $(uptime)"
} | tee "$WORK/report.txt"

if [[ -n $PG_ADMIN ]]; then
  cleanup() { psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; }
  trap cleanup EXIT
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB" >/dev/null
  rm -rf "$WORK/postgres"
  {
    echo
    echo "PostgreSQL (load and rebuild only): before: $(uptime)"
    "$BENCH" --db "${PG_ADMIN%/*}/$PG_DB" --work "$WORK/postgres" --build-only \
      $(printf '%s\n' "$@" | grep -v -x -e --reuse -e --reuse-index | tr '\n' ' ')
    echo "after: $(uptime)"
  } | tee -a "$WORK/report.txt"
fi
