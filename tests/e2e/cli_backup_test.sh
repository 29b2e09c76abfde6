#!/usr/bin/env bash
# Proves backup and restore as an operator meets them (decision 0018), on SQLite and, when
# NARRALYTICA_TEST_PG_URL is set, PostgreSQL: `backup` works while `serve` has the database open;
# `restore` refuses a database in use (SQLite) or one that has tables (PostgreSQL); restored into a
# fresh database it rebuilds the search index and analytics, and the restored database answers the
# same search and verifies its audit chains. A webhook registered from the CLI is stored sealed:
# its secret is not in the database, and the server key is a 0600 file in the data directory.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica}
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
# shellcheck source=assertions.sh
source "$(dirname "${BASH_SOURCE[0]}")/assertions.sh"
cd "$dir"

search_line() {  # search_line DB DATA : the best hit for "flood" in the demo, as a table line
  "$bin" --db "$1" search --tenant demo --data-dir "$2" flood 2>/dev/null | sed -n 2p
}

# SQLite -----------------------------------------------------------------------------------------
db="$dir/live.db"
check "demo" 0 "$bin" --db "$db" demo
check "webhook create" 0 "$bin" --db "$db" webhooks create --tenant demo --url https://hooks.example.com/in
secret=$(sed -n 's/.*"secret":"\(whsec_[^"]*\)".*/\1/p' <<<"$out")
[ -n "$secret" ] && pass=$((pass + 1)) || { echo "FAIL webhook secret printed"; failures=$((failures + 1)); }
check "webhook rotate" 0 "$bin" --db "$db" webhooks rotate --tenant demo \
  "$(sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' <<<"$out")"
check "secret not in the database" 1 grep -c "${secret#whsec_}" <(sqlite3 "$db" .dump)
check "secret sealed" 0 grep -q "nlbox1\." <(sqlite3 "$db" "SELECT secret FROM webhook_endpoints")
check "key file is private" 0 test "$(stat -c %a "$dir/narralytica-data/secret.key")" = 600

"$bin" --db "$db" serve --listen 127.0.0.1:0 --quiet 2>"$dir/serve.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do grep -q "serving http" "$dir/serve.log" && break; sleep 0.1; done
check "backup while serving" 0 "$bin" --db "$db" backup "$dir/live.backup"
contains "backup report" "^backed up sqlite to .*integrity checked"
check "backup to an existing file" 2 "$bin" --db "$db" backup "$dir/live.backup"
contains "existing file named" "already exists"
check "restore refused while serving" 6 "$bin" --db "$db" restore "$dir/live.backup"
contains "in use named" "in use by another process"
kill "$server"
wait "$server" || true

check "reindex source" 0 "$bin" --db "$db" reindex --data-dir "$dir/live-data"
check "restore into a new file" 0 "$bin" --db "$dir/restored.db" restore "$dir/live.backup" --data-dir "$dir/restored-data"
contains "restore report" "^restored sqlite from"
contains "derived data rebuilt" "^rebuilt derived data: search indexes of 1 tenants"
expected=$(search_line "$db" "$dir/live-data")
check "source search finds the hearing" 0 grep -qi "flood" <<<"$expected"
check "restored search equals the source's" 0 test "$(search_line "$dir/restored.db" "$dir/restored-data")" = "$expected"
check "restored audit verifies" 0 "$bin" --db "$dir/restored.db" audit verify
contains "restore audited" "^system: [0-9]* records, intact"
check "restore of a missing file" 3 "$bin" --db "$dir/other.db" restore "$dir/none.backup"

# PostgreSQL: pg_dump -Fc / pg_restore ------------------------------------------------------------
if [ -n "${NARRALYTICA_TEST_PG_URL:-}" ]; then
  source_db="nl_e2e_backup_src_$$"
  target_db="nl_e2e_backup_dst_$$"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $source_db" -c "CREATE DATABASE $target_db" >/dev/null
  src="${NARRALYTICA_TEST_PG_URL%/*}/$source_db"
  dst="${NARRALYTICA_TEST_PG_URL%/*}/$target_db"
  check "pg demo" 0 "$bin" --db "$src" demo
  check "pg reindex source" 0 "$bin" --db "$src" reindex --data-dir "$dir/pg-src-data"
  check "pg backup" 0 "$bin" --db "$src" backup "$dir/pg.dump"
  contains "pg backup report" "pg_dump custom format"
  check "pg restore over tables refused" 4 "$bin" --db "$src" restore "$dir/pg.dump"
  contains "pg restore names the fix" "restore into a new, empty database"
  check "pg restore" 0 "$bin" --db "$dst" restore "$dir/pg.dump" --data-dir "$dir/pg-dst-data"
  contains "pg derived data rebuilt" "^rebuilt derived data: search indexes of 1 tenants"
  expected=$(search_line "$src" "$dir/pg-src-data")
  check "pg source search finds the hearing" 0 grep -qi "flood" <<<"$expected"
  check "pg restored search equals the source's" 0 test "$(search_line "$dst" "$dir/pg-dst-data")" = "$expected"
  check "pg restored audit verifies" 0 "$bin" --db "$dst" audit verify
  check "pg row-level security restored" 0 test "$(psql -tA "$dst" -c \
    "SELECT count(*) FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = 'segments'")" = 1
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $source_db WITH (FORCE)" \
    -c "DROP DATABASE $target_db WITH (FORCE)" >/dev/null
fi

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
