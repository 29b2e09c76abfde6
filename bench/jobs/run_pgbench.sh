#!/usr/bin/env bash
# The bare PostgreSQL baseline alone: pgbench running claim_complete.sql (the two-write
# claim/complete cycle, SKIP LOCKED) with 1, 2 and 4 clients at batch 1 and 50 on a jobs table
# filled with no-op jobs, as the application role. jobs_bench runs the same thing side by side with
# the library; this script is for trying the SQL by hand. Prints jobs/s (jobs that ended succeeded
# over pgbench's measured time).
# Usage: bench/jobs/run_pgbench.sh POSTGRES_URL [JOBS]   (the database must be migrated; the jobs
# table is emptied). Durability settings are the server's defaults (synchronous_commit=on).
set -euo pipefail
url="$1"
jobs="${2:-20000}"
here="$(cd "$(dirname "$0")" && pwd)"
fill() {
  psql "$url" -q -c "TRUNCATE jobs" -c "INSERT INTO jobs (public_id, kind, payload, run_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'bench.noop', '{}', 0, 0, 0 FROM generate_series(1, $1)" -c "VACUUM ANALYZE jobs" >/dev/null
}
for batch in 1 50; do
  for clients in 1 2 4; do
    n=$jobs
    if [ "$batch" = 1 ]; then n=$((jobs / 10)); fi
    per_client=$(( (n + batch * clients - 1) / (batch * clients) + 1 ))
    fill "$n"
    out=$(PGOPTIONS='-c role=narralytica_app' pgbench -n -M prepared -f "$here/claim_complete.sql" -D batch="$batch" \
          -D held='{}' -c "$clients" -j "$clients" -t "$per_client" "$url")
    tps=$(awk '/^tps/ {print $3; exit}' <<<"$out")
    tx=$(awk -F': ' '/actually processed/ {print $2; exit}' <<<"$out")
    done_jobs=$(psql "$url" -Atc "SELECT count(*) FROM jobs WHERE status = 'succeeded'")
    awk -v tps="$tps" -v tx="$tx" -v d="$done_jobs" -v b="$batch" -v c="$clients" \
      'BEGIN { printf "pgbench claim+complete, %d client(s), batch %d: %.0f jobs/s\n", c, b, d / (tx / tps) }'
  done
done
psql "$url" -q -c "TRUNCATE jobs" >/dev/null
