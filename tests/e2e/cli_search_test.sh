#!/usr/bin/env bash
# Proves search as a user meets it, on SQLite (and PostgreSQL when NARRALYTICA_TEST_PG_URL is set):
# with `narralytica worker` running, a file imported with the CLI becomes searchable without a
# second command; with `serve --workers 1`, a transcript uploaded through the API does too; search
# prints a table or the API's JSON; a malformed query gets one line naming the character; reindex
# rebuilds and --verify agrees with canonical data, then finds an index damaged on purpose (exit 8);
# `pipelines list` shows the search pipeline.
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

# wait_for NAME SECONDS COMMAND... : runs COMMAND every 0.1 s until it succeeds.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAIL $name: not within ${seconds}s"
      failures=$((failures + 1))
      return 0
    fi
    sleep 0.1
  done
  pass=$((pass + 1))
}

flow() {  # flow DB_URL DATA_DIR
  local db=$1 data=$2
  check "migrate" 0 "$bin" --db "$db" migrate
  check "tenant" 0 "$bin" --db "$db" admin tenant create acme
  printf 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ada>The flood defences held through the night.\n\n00:00:05.000 --> 00:00:09.000\n<v Bob>Caf\xc3\xa9 owners on the river asked for sandbags.\n' >"$dir/hearing.vtt"

  "$bin" --db "$db" worker --concurrency 1 --data-dir "$data" 2>"$dir/worker.log" &
  local worker=$!
  pids+=("$worker")
  check "import" 0 "$bin" --db "$db" import --tenant acme --language en --data-dir "$data" "$dir/hearing.vtt"
  wait_for "imported file searchable" 10 \
    bash -c "'$bin' --db '$db' search --tenant acme --data-dir '$data' --json sandbags | grep -q '\"ordinal\":1'"
  check "search table" 0 "$bin" --db "$db" search --tenant acme --data-dir "$data" 'cafe speaker:bob'
  contains "table row" "0:05"
  contains "table text" "owners on the river"
  check "search json" 0 "$bin" --db "$db" search --tenant acme --data-dir "$data" --json '"flood defences"'
  contains "json snippet" '<mark>flood</mark> <mark>defences</mark>'
  contains "json total" '"total":{"value":1,"exact":true}'
  check "malformed query" 2 "$bin" --db "$db" search --tenant acme --data-dir "$data" 'flood (defences'
  contains "query position" "q: at character 16: expected \")\""
  check "pipelines list" 0 "$bin" --db "$db" pipelines list
  contains "search pipeline listed" "search.index"
  kill -TERM "$worker"
  if wait "$worker"; then pass=$((pass + 1)); else echo "FAIL worker stops: exit $?"; failures=$((failures + 1)); fi

  check "reindex" 0 "$bin" --db "$db" reindex --data-dir "$data"
  contains "reindex report" "^acme .* 2 segments"
  check "verify" 0 "$bin" --db "$db" reindex --verify --data-dir "$data"
  contains "verify clean" "index matches canonical data"
  # Lose the index: verify says so (exit 8), reindex builds it again.
  rm -rf "$data/search"
  check "verify finds drift" 8 "$bin" --db "$db" reindex --verify --data-dir "$data"
  contains "drift named" "no index yet, 1 transcripts to index"
  check "reindex repairs" 0 "$bin" --db "$db" reindex --tenant acme --data-dir "$data"
  check "verify again" 0 "$bin" --db "$db" reindex --verify --data-dir "$data"
}

flow "$dir/n.db" "$dir/data"

# The server with one worker: an upload through the API becomes searchable by itself.
db="$dir/serve.db"
"$bin" --db "$db" migrate >/dev/null
"$bin" --db "$db" admin tenant create news >/dev/null
NL_PASSWORD='correct horse battery' "$bin" --db "$db" admin user create ed@example.org --password-env NL_PASSWORD >/dev/null
"$bin" --db "$db" admin member add --tenant news --user ed@example.org --role editor >/dev/null
token=$("$bin" --db "$db" admin token create --tenant news --user ed@example.org | awk '/^secret/ {print $2}')
"$bin" --db "$db" serve --listen 127.0.0.1:0 --workers 1 --quiet 2>"$dir/serve.log" &
pids+=($!)
wait_for "server up" 20 grep -q "serving http" "$dir/serve.log"
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/serve.log")
api() { curl -s -H "Authorization: Bearer $token" "$@"; }
video=$(api -H 'Content-Type: application/json' -d '{"title":"Evening news"}' "http://127.0.0.1:$port/v1/videos" |
        sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')
check "upload" 0 bash -c "curl -sf -H 'Authorization: Bearer $token' -H 'Content-Type: text/vtt' --data-binary @'$dir/hearing.vtt' 'http://127.0.0.1:$port/v1/videos/$video/transcripts?language=en'"
wait_for "uploaded transcript searchable through the API" 5 \
  bash -c "curl -s -H 'Authorization: Bearer $token' 'http://127.0.0.1:$port/v1/search?q=sandbags' | grep -q '\"ordinal\":1'"
check "bad query is 400" 0 bash -c "curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $token' 'http://127.0.0.1:$port/v1/search?q=%22open' | grep -q 400"

if [ -n "${NARRALYTICA_TEST_PG_URL:-}" ]; then
  name="nl_e2e_search_$$"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
  "$bin" --db "${NARRALYTICA_TEST_PG_URL%/*}/$name" migrate >/dev/null
  flow "${NARRALYTICA_TEST_PG_URL%/*}/$name" "$dir/pgdata"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
