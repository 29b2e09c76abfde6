#!/usr/bin/env bash
# Bare PostgreSQL baseline for the job queue: pgbench running claim_complete.sql (SKIP LOCKED) with
# 1, 2 and 4 clients at batch 1 and 50 on a jobs table filled with no-op jobs. Prints jobs/s.
# Usage: bench/jobs/run_pgbench.sh POSTGRES_URL [JOBS]   (the database must be migrated; the jobs
# table is emptied). Durability settings are the server's defaults (synchronous_commit=on).
set -euo pipefail
url="$1"
jobs="${2:-20000}"
here="$(cd "$(dirname "$0")" && pwd)"
fill() {
  psql "$url" -q -c "DELETE FROM jobs" -c "INSERT INTO jobs (public_id, kind, payload, run_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'bench.noop', '{}', 0, 0, 0 FROM generate_series(1, $1)" -c "VACUUM ANALYZE jobs" >/dev/null
}
for batch in 1 50; do
  for clients in 1 2 4; do
    n=$jobs
    if [ "$batch" = 1 ]; then n=$((jobs / 10)); fi
    per_client=$((n / batch / clients))
    fill "$n"
    tps=$(pgbench -n -f "$here/claim_complete.sql" -D batch="$batch" -c "$clients" -j "$clients" -t "$per_client" "$url" 2>/dev/null \
          | awk '/^tps/ {print $3; exit}')
    awk -v tps="$tps" -v b="$batch" -v c="$clients" 'BEGIN { printf "pgbench claim+complete, %d client(s), batch %d: %.0f jobs/s\n", c, b, tps * b }'
  done
done
psql "$url" -q -c "DELETE FROM jobs" >/dev/null
