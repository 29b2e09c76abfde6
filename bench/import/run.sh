#!/usr/bin/env bash
# The import benchmark (issue 3), with its baselines side by side in the same run: imports the
# corpus of gen_corpus.py with `narralytica import` into SQLite and (when a URL is given) into
# PostgreSQL, and loads the same rows (segments.csv) with `sqlite3 .import` and `psql \copy` into a
# bare table (same columns, no keys, no constraints). Reports segments/s and peak memory from
# /usr/bin/time -v. Durability stays on everywhere: SQLite WAL with synchronous=FULL (the
# product's setting, also set for the bare load), PostgreSQL with fsync and synchronous_commit.
#
# Usage: bench/import/run.sh BUILD/src/cli/narralytica CORPUS_DIR WORK_DIR [POSTGRES_ADMIN_URL]
set -euo pipefail
bin=$(realpath "${1:?narralytica binary}")
corpus=$(realpath "${2:?corpus dir from gen_corpus.py}")
work=${3:?work dir}
pg=${4:-}
mkdir -p "$work"
work=$(realpath "$work")
segments=$(wc -l <"$corpus/segments.csv")
files=$(find "$corpus/files" -type f | wc -l)
cd "$corpus/files"
list=(*)  # relative names keep the command line short

measure() {  # measure LOG COMMAND... ; prints "seconds peak_kib"
  local log=$1
  shift
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.time" || { tail -5 "$log.out" "$log.time" >&2; return 1; }
  local wall peak
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.time" |
         awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log.time")
  echo "$wall $peak"
}

report() {  # report NAME SECONDS PEAK_KIB
  awk -v n="$1" -v s="$2" -v k="$3" -v segs="$segments" \
    'BEGIN { printf "%-28s %10.1f s %12.0f segments/s %10.1f MiB peak\n", n, s, segs / s, k / 1024 }'
}

echo "corpus: $files files, $segments segments ($(du -sh "$corpus/files" | cut -f1))"

# SQLite -----------------------------------------------------------------------------------------
rm -rf "$work/sqlite" && mkdir -p "$work/sqlite"
"$bin" --db "$work/sqlite/n.db" migrate >/dev/null
"$bin" --db "$work/sqlite/n.db" admin tenant create bench >/dev/null
read -r s_imp k_imp < <(measure "$work/sqlite/import" "$bin" --db "$work/sqlite/n.db" import --tenant bench \
  --language en --speaker-prefix --data-dir "$work/sqlite/data" "${list[@]}")
tail -1 "$work/sqlite/import.out"
sqlite3 "$work/sqlite/bare.db" "PRAGMA journal_mode=WAL;" >/dev/null
cat >"$work/sqlite/bare.sql" <<SQL
PRAGMA synchronous=FULL;
CREATE TABLE bare_segments (transcript INTEGER, ordinal INTEGER, start_ms INTEGER, end_ms INTEGER,
                            speaker TEXT, text TEXT, confidence REAL, words TEXT);
.mode csv
.import $corpus/segments.csv bare_segments
SQL
read -r s_bare k_bare < <(measure "$work/sqlite/bare" sqlite3 "$work/sqlite/bare.db" ".read $work/sqlite/bare.sql")
report "sqlite: narralytica import" "$s_imp" "$k_imp"
report "sqlite: sqlite3 .import" "$s_bare" "$k_bare"
awk -v a="$s_imp" -v b="$s_bare" 'BEGIN { printf "sqlite: import / bare = %.2fx\n", a / b }'

# PostgreSQL -------------------------------------------------------------------------------------
if [ -n "$pg" ]; then
  name="nl_bench_import"
  psql -q "$pg" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
  url="${pg%/*}/$name"
  "$bin" --db "$url" migrate >/dev/null
  "$bin" --db "$url" admin tenant create bench >/dev/null
  read -r p_imp pk_imp < <(measure "$work/pg_import" "$bin" --db "$url" import --tenant bench --language en \
    --speaker-prefix --data-dir "$work/pgdata" "${list[@]}")
  tail -1 "$work/pg_import.out"
  psql -q "$url" -c "CREATE TABLE bare_segments (transcript bigint, ordinal bigint, start_ms bigint, end_ms bigint,
                       speaker text, text text, confidence double precision, words json)" >/dev/null
  read -r p_bare pk_bare < <(measure "$work/pg_bare" psql -q "$url" -c "\\copy bare_segments FROM '$corpus/segments.csv' WITH (FORMAT csv)")
  report "postgres: narralytica import" "$p_imp" "$pk_imp"
  report "postgres: psql \\copy" "$p_bare" "$pk_bare"
  awk -v a="$p_imp" -v b="$p_bare" 'BEGIN { printf "postgres: import / bare = %.2fx\n", a / b }'
  psql -q "$pg" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi
