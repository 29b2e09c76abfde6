#!/usr/bin/env bash
# Proves `narralytica layers import|list|show|pin|unpin|diff|export` as a user meets them: a run
# document (JSON, then NDJSON) stored as versions 1 and 2, the same document again a no-op naming
# its version; a bad value refused with file and JSON path (NDJSON: file, line and path) and
# nothing stored; the list showing which version is current (a table, or the API's JSON with
# --json); a version's items page by page; pinning an older version and unpinning (each audited);
# the diff of two versions; export writing the document import reads; a newer transcript
# revision marking the runs stale. (PostgreSQL prints a stored value as jsonb writes it, with a space
# after ':' and ','.) When NARRALYTICA_TEST_PG_URL is set, the same flow runs on
# PostgreSQL.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck source=assertions.sh
source "$(dirname "${BASH_SOURCE[0]}")/assertions.sh"

printf 'WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>Prices went up again.\n\n00:02.500 --> 00:04.000\n<v Bob>That is bad news.\n\n00:05.000 --> 00:07.000\n<v Ann>But wages too.\n' >"$dir/talk.vtt"
cat >"$dir/v1.json" <<'JSON'
{"kind": "sentiment", "producer": {"name": "acme-sentiment", "version": "1.0", "params": {"threshold": 0.5}},
 "items": [{"segment": 0, "value": {"label": "neutral", "score": 0.6}},
           {"segment": 1, "value": {"label": "negative", "score": 0.9}},
           {"segment": 2, "value": {"label": "positive", "score": 0.7}}]}
JSON
printf '%s\n' '{"kind":"sentiment","producer":{"name":"acme-sentiment","version":"2.0"}}' \
  '{"segment":0,"value":{"label":"negative","score":0.55}}' '{"segment":1,"value":{"label":"negative","score":0.95}}' >"$dir/v2.ndjson"
sed 's/"positive"/"elated"/' "$dir/v1.json" >"$dir/bad.json"
printf '%s\n' '{"kind":"sentiment","producer":{"name":"acme-sentiment","version":"3.0"}}' \
  '{"segment":0,"value":{"label":"negative","score":0.5}}' '{"segment":1,"value":{"label":"negative","score":7}}' >"$dir/bad.ndjson"

flow() {  # flow DB_URL DATA_DIR
  local db=$1 data=$2
  check "migrate" 0 "$bin" --db "$db" migrate
  check "tenant" 0 "$bin" --db "$db" admin tenant create acme
  check "import transcript" 0 "$bin" --db "$db" import --tenant acme --language en --data-dir "$data" "$dir/talk.vtt"
  local transcript video
  transcript=$(sed -n 's/^created .* transcript \([0-9a-f-]*\)  video.*/\1/p' <<<"$out")
  video=$(sed -n 's/^created .* video \([0-9a-f-]*\)  revision.*/\1/p' <<<"$out")

  check "layers import json" 0 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/v1.json"
  contains "version 1 stored" "^stored sentiment version 1 (3 items), current"
  check "layers import again" 0 "$bin" --db "$db" layers import --transcript "$transcript" --tenant acme "$dir/v1.json"
  contains "again is a no-op" "^unchanged: already stored as sentiment version 1"
  check "layers import ndjson" 0 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/v2.ndjson"
  contains "version 2 stored" "^stored sentiment version 2 (2 items), current"

  check "bad value" 2 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/bad.json"
  contains "bad value names file and path" "$dir/bad.json: \$.items\[2\].value.label"
  check "bad ndjson line" 2 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/bad.ndjson"
  contains "bad ndjson names line and path" "$dir/bad.ndjson:3: \$.value.score"
  check "unknown transcript" 3 "$bin" --db "$db" layers import --transcript 01890000-0000-7000-8000-000000000000 "$dir/v1.json"
  check "missing file" 3 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/missing.json"

  check "list" 0 "$bin" --db "$db" layers list --transcript "$transcript"
  contains "version 1 listed" "^sentiment  *1  *3  *-  *acme-sentiment 1.0"
  contains "version 2 current" "^sentiment  *2  *2  *current  *acme-sentiment 2.0"
  lacks_version3=$(grep -c "3.0" <<<"$out" || true)
  [ "$lacks_version3" = 0 ] && pass=$((pass + 1)) || { echo "FAIL refused runs are not stored"; failures=$((failures + 1)); }

  check "list json" 0 "$bin" --db "$db" layers list --transcript "$transcript" --json
  contains "list json is the API's page" '"items":\[{"id":"[0-9a-f-]*","transcript":"'"$transcript"'".*"next_cursor":null}$'

  check "show current" 0 "$bin" --db "$db" layers show --transcript "$transcript" --kind sentiment --limit 1
  contains "show names the version" "^sentiment version 2 (current), 2 items, by acme-sentiment 2.0"
  contains "show lists an item" '^0  *0:00.000  *0:02.000  *{"label": *"negative", *"score": *0.55}'
  local cursor
  cursor=$(sed -n 's/^(more: --cursor \(.*\))$/\1/p' <<<"$out")
  check "show next page" 0 "$bin" --db "$db" layers show --transcript "$transcript" --kind sentiment --limit 1 --cursor "$cursor" --json
  contains "next page is item 1" '"items":\[{"segment":1,"start_ms":2500,"end_ms":4000,"value":{"label": *"negative", *"score": *0.95}}\],"next_cursor":'
  check "show unknown version" 3 "$bin" --db "$db" layers show --transcript "$transcript" --kind sentiment --version 9
  contains "unknown version named" "no version 9 of layer sentiment"

  check "diff" 0 "$bin" --db "$db" layers diff --transcript "$transcript" --kind sentiment --from 1 --to 2
  contains "diff counts" "^sentiment version 1 -> 2: 0 added, 1 removed, 2 changed, 0 unchanged"
  contains "diff shows a change" '^changed  *0  *0:00.000  *{"label": *"neutral", *"score": *0.6}  *{"label": *"negative", *"score": *0.55}'
  check "diff json" 0 "$bin" --db "$db" layers diff --transcript "$transcript" --kind sentiment --from 1 --to 2 --json
  contains "diff json" '^{"kind":"sentiment","from":1,"to":2,"added":0,"removed":1,"changed":2,"unchanged":0,'

  check "pin v1" 0 "$bin" --db "$db" layers pin --transcript "$transcript" --kind sentiment --version 1
  contains "pinned" "^sentiment version 1 is now pinned (was version 2)"
  check "list after pin" 0 "$bin" --db "$db" layers list --transcript "$transcript"
  contains "v1 pinned in the list" "^sentiment  *1  *3  *pinned"
  check "pin again" 0 "$bin" --db "$db" layers pin --transcript "$transcript" --kind sentiment --version 1
  contains "pin again is a no-op" "^unchanged: sentiment version 1 is already pinned"
  check "unpin" 0 "$bin" --db "$db" layers unpin --transcript "$transcript" --kind sentiment
  contains "unpinned" "^sentiment version 2 is now current (was version 1)"
  check "audit of the pins" 0 "$bin" --db "$db" audit list --tenant acme --limit 2
  contains "pins are audited" "layer.current.changed"

  check "export v1" 0 "$bin" --db "$db" layers export --transcript "$transcript" --kind sentiment --version 1 -o "$dir/out.json"
  check "export reimports as the same run" 0 "$bin" --db "$db" layers import --transcript "$transcript" "$dir/out.json"
  contains "exported run is the same run" "^unchanged: already stored as sentiment version 1"
  check "export current to stdout" 0 "$bin" --db "$db" layers export --transcript "$transcript" --kind sentiment
  contains "current is version 2" '"version":2'
  check "export unknown kind" 3 "$bin" --db "$db" layers export --transcript "$transcript" --kind topics

  # A corrected transcript (a new revision) makes the runs over the old one stale.
  sed 's/wages too/wages rose too/' "$dir/talk.vtt" >"$dir/talk2.vtt"
  check "revision" 0 "$bin" --db "$db" import --tenant acme --language en --revision --video "$video" \
    --data-dir "$data" "$dir/talk2.vtt"
  check "list stale" 0 "$bin" --db "$db" layers list --transcript "$transcript"
  contains "runs are stale" "current,stale"
  contains "stale explained" "^stale: a newer revision of this transcript exists"
}

flow "$dir/n.db" "$dir/data"

if [ -n "${NARRALYTICA_TEST_PG_URL:-}" ]; then
  name="nl_e2e_layers_$$"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
  flow "${NARRALYTICA_TEST_PG_URL%/*}/$name" "$dir/pgdata"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
