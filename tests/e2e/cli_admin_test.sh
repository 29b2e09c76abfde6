#!/usr/bin/env bash
# Proves the CLI's main job and its error handling as a user meets them: `demo` migrates and
# prints a tenant, owner and token (and can run twice); admin commands create tenants, users,
# members and tokens; bad input gets a one-line error and a non-zero exit; and, when
# NARRALYTICA_TEST_PG_URL is set, the same flow works on PostgreSQL.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck source=assertions.sh
source "$(dirname "${BASH_SOURCE[0]}")/assertions.sh"
cd "$dir"  # the demo keeps attachments in ./narralytica-data for PostgreSQL URLs

flow() {  # flow DB_URL
  local db=$1
  check "demo" 0 "$bin" --db "$db" demo
  contains "demo token" "^token     nla_"
  check "demo again" 0 "$bin" --db "$db" demo
  check "migrate status" 0 "$bin" --db "$db" migrate --status
  contains "status lists applied" "0001  canonical_schema"
  check "tenant create" 0 "$bin" --db "$db" admin tenant create acme --name "Acme Research"
  check "tenant duplicate" 4 "$bin" --db "$db" admin tenant create acme
  contains "duplicate names slug" "slug: a tenant with slug 'acme' already exists"
  check "tenant bad slug" 2 "$bin" --db "$db" admin tenant create "Not A Slug"
  check "tenant list" 0 "$bin" --db "$db" admin tenant list
  contains "list shows acme" "acme"
  check "user create" 0 "$bin" --db "$db" admin user create Ada@Example.org --name Ada
  contains "email normalized" "ada@example.org"
  check "member add" 0 "$bin" --db "$db" admin member add --tenant acme --user ada@example.org --role editor
  check "member bad role" 3 "$bin" --db "$db" admin member add --tenant acme --user ada@example.org --role wizard
  contains "role error lists roles" "roles: owner, admin, editor, viewer"
  check "token create" 0 "$bin" --db "$db" admin token create --tenant acme --user ada@example.org --name laptop
  contains "token printed once" "^secret nla_"
  check "token unknown tenant" 3 "$bin" --db "$db" admin token create --tenant nope --user ada@example.org
  # The token lifetime limit at its edge (docs/limits.md): 366 days pass, 367 and a value that
  # would overflow the expiry's microseconds are refused naming the option.
  check "token expires at the limit" 0 "$bin" --db "$db" admin token create --tenant acme --user ada@example.org --expires-days 366
  check "token expires past the limit" 105 "$bin" --db "$db" admin token create --tenant acme --user ada@example.org --expires-days 367
  contains "limit names the option" "expires-days"
  check "token expiry that would overflow" 105 "$bin" --db "$db" admin token create --tenant acme --user ada@example.org --expires-days 9999999999
  contains "overflow names the option" "expires-days"
  check "audit verify" 0 "$bin" --db "$db" audit verify
  contains "audit chain intact" "^acme: [0-9]* records, intact"
  contains "system chain checked" "^system: [0-9]* records, intact"
  check "audit verify one tenant" 0 "$bin" --db "$db" audit verify --tenant acme --json
  contains "audit verify json" '"chain":"acme","records":'
  check "audit verify unknown tenant" 3 "$bin" --db "$db" audit verify --tenant nope
}

flow "$dir/narralytica.db"
# A record changed behind the application's back (past the append-only trigger) is named.
sqlite3 "$dir/narralytica.db" "DROP TRIGGER audit_logs_no_update;
  UPDATE audit_logs SET action = 'tampered'
    WHERE id = (SELECT min(id) FROM audit_logs WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'acme'))"
check "audit verify finds tampering" 9 "$bin" --db "$dir/narralytica.db" audit verify
contains "tampered record named" "^acme: [0-9]* records, BROKEN at record .*: changed"
check "unknown scheme" 2 "$bin" --db "mysql://localhost/x" migrate
contains "scheme named" "unknown database scheme 'mysql'"
check "unreachable server" 6 "$bin" --db "postgresql://nobody@127.0.0.1:1/x" migrate
contains "server error says what to do" "check that the server runs"
[ "$(wc -l <<<"$out")" -eq 1 ] && pass=$((pass + 1)) || { echo "FAIL unreachable server: error is not one line"; failures=$((failures + 1)); }
mkdir "$dir/ro" && touch "$dir/ro/ro.db" && chmod 444 "$dir/ro/ro.db" && chmod 555 "$dir/ro"
if [ "$(id -u)" != 0 ]; then  # root ignores file permissions
  check "read-only file" 6 "$bin" --db "$dir/ro/ro.db" migrate
fi
check "missing directory" 6 "$bin" --db "$dir/no/such/dir/x.db" migrate
contains "missing dir says what to do" "directory exists"

if [ -n "${NARRALYTICA_TEST_PG_URL:-}" ]; then
  name="nl_e2e_$$"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
  flow "${NARRALYTICA_TEST_PG_URL%/*}/$name"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
