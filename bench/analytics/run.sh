#!/usr/bin/env bash
# Conversation analytics benchmark (issue 18): generates the import benchmark's corpus and runs
# analytics_bench on it, SQLite always and PostgreSQL when a URL is given.
# Usage: bench/analytics/run.sh BUILD_DIR WORK_DIR [POSTGRES_URL] [gen_corpus.py options...]
#   BUILD_DIR: a Release build with -DNARRALYTICA_BUILD_BENCH=ON (bench/analytics/analytics_bench)
set -euo pipefail
build=$(realpath "${1:?build dir}")
work=${2:?work dir}
url=${3:-}
shift $(( $# >= 3 ? 3 : $# ))
here=$(dirname "$(realpath "$0")")
mkdir -p "$work"
[[ -d "$work/corpus/files" ]] || python3 "$here/../import/gen_corpus.py" "$work/corpus" "$@"
rm -f "$work/analytics.db" "$work/analytics.db-wal" "$work/analytics.db-shm"
echo "== SQLite"
"$build/bench/analytics/analytics_bench" --db "$work/analytics.db" --corpus "$work/corpus"
if [[ -n "$url" ]]; then
  echo "== PostgreSQL"
  db="nl_bench_analytics"
  psql -q "$url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "$build/bench/analytics/analytics_bench" --db "${url%/*}/$db" --corpus "$work/corpus"
  psql -q "$url" -c "DROP DATABASE IF EXISTS $db"
fi
