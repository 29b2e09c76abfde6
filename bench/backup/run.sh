#!/usr/bin/env bash
# Backup throughput (issue 17), beside its baseline in the same run, on one SQLite database:
#   product:   `narralytica backup` (SQLite's backup API from one read snapshot, then fsync,
#              PRAGMA integrity_check of the copy, rename and directory fsync);
#   baseline:  a bare `sqlite3 DB ".backup FILE"` of the same file (the backup API alone: no
#              sync, no check);
#   also:      `sqlite3 DB "VACUUM INTO 'FILE'"`, the alternative decision 0018 weighed, and the
#              product's backup again while `narralytica import` writes to the database.
# The database is built once from the import benchmark's corpus (bench/import/gen_corpus.py) and
# reused. Each figure is the median of RUNS (default 3); the file is hot in the page cache for all.
#
# Usage: bench/backup/run.sh NARRALYTICA CORPUS_DIR WORK_DIR [RUNS]
set -euo pipefail
bin=$(realpath "${1:?narralytica binary}")
corpus=$(realpath "${2:?corpus dir from bench/import/gen_corpus.py}")
work=${3:?work dir}
runs=${4:-3}
mkdir -p "$work"
work=$(realpath "$work")
db="$work/n.db"

if [ ! -f "$db" ]; then
  "$bin" --db "$db" migrate >/dev/null
  "$bin" --db "$db" admin tenant create bench >/dev/null
  (cd "$corpus/files" && "$bin" --db "$db" import --tenant bench --language en --speaker-prefix \
     --data-dir "$work/data" ./* | tail -1)
fi
"$bin" --db "$db" admin tenant create load >/dev/null 2>&1 || true
bytes=$(stat -c %s "$db")
segments=$(sqlite3 "$db" "SELECT count(*) FROM segments")

seconds() {  # seconds COMMAND... : wall time of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
report() {  # report NAME SECONDS
  awk -v n="$1" -v s="$2" -v b="$bytes" 'BEGIN { printf "%-40s %8.3f s %9.1f MB/s\n", n, s, b / 1e6 / s }'
}

product=() bare=() vacuum=()
for ((i = 0; i < runs; i++)); do
  rm -f "$work/product.bak" "$work/bare.bak" "$work/vacuum.bak"
  product+=("$(seconds "$bin" --db "$db" backup "$work/product.bak")")
  bare+=("$(seconds sqlite3 "$db" ".backup '$work/bare.bak'")")
  vacuum+=("$(seconds sqlite3 "$db" "VACUUM INTO '$work/vacuum.bak'")")
done
p=$(printf '%s\n' "${product[@]}" | median)
b=$(printf '%s\n' "${bare[@]}" | median)
v=$(printf '%s\n' "${vacuum[@]}" | median)

# Under write load: an import into another tenant runs from before the backup until after it.
rm -f "$work/loaded.bak"
(cd "$corpus/files" && ls | head -200 | xargs "$bin" --db "$db" import --tenant load --language en \
   --speaker-prefix --data-dir "$work/data" >"$work/load.out" 2>&1) &
loader=$!
sleep 2
loaded=$(seconds "$bin" --db "$db" backup "$work/loaded.bak")
still_running=no
kill -0 "$loader" 2>/dev/null && still_running=yes
wait "$loader" || true
"$bin" --db "$db" restore --help >/dev/null
check=$(sqlite3 "$work/loaded.bak" "PRAGMA integrity_check")

echo "database: $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }'), $segments segments; median of $runs runs"
echo "backup sizes: product $(stat -c %s "$work/product.bak") B, sqlite3 .backup $(stat -c %s "$work/bare.bak") B, VACUUM INTO $(stat -c %s "$work/vacuum.bak") B"
report "narralytica backup" "$p"
report "sqlite3 .backup (baseline)" "$b"
report "sqlite3 VACUUM INTO" "$v"
awk -v p="$p" -v b="$b" 'BEGIN { printf "narralytica backup / sqlite3 .backup = %.2fx\n", p / b }'
report "narralytica backup under import load" "$loaded"
echo "import still writing when the backup finished: $still_running; the copy's integrity_check: $check"
