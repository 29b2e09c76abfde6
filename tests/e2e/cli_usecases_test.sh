#!/usr/bin/env bash
# Proves the CLI commands over one tenant's data as a user meets them, each through the same app
# service as its API route: videos, transcripts, segments, speakers, jobs, config, members, roles,
# tokens, audit, events and people. Listings print an aligned table (a header, columns lined up) and with
# --json one JSON document of the API's shape; changes print what they changed; bad input exits
# with the documented status. Global options work after the subcommand too. When
# NARRALYTICA_TEST_PG_URL is set, the same flow runs on PostgreSQL.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck source=assertions.sh
source "$(dirname "${BASH_SOURCE[0]}")/assertions.sh"
cd "$dir"

json_get() {  # json_get PYTHON_EXPRESSION_OVER_d ; reads $out
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$out"
}

json_check() {  # json_check NAME PYTHON_CONDITION_OVER_d ; the condition must hold for $out
  if python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" <<<"$out" 2>/dev/null; then
    pass=$((pass + 1))
  else
    echo "FAIL $1: JSON does not satisfy $2"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}

aligned() {  # aligned NAME COLUMN_HEADER ; every row of $out starts the named column where the header does
  local verdict
  verdict=$(python3 -c '
import sys
lines = [l for l in sys.stdin.read().splitlines() if l and not l.startswith("(more")]
at = lines[0].index(sys.argv[1])
ok = len(lines) > 1 and all(len(l) > at and l[at - 2:at] == "  " and l[at] != " " for l in lines[1:])
print("ok" if ok else "misaligned")' "$2" <<<"$out")
  if [ "$verdict" = ok ]; then pass=$((pass + 1)); else
    echo "FAIL $1: column $2 not aligned"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}

vtt="$dir/talk.vtt"
printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Ann>Welcome to the show.\n\n00:00:03.000 --> 00:00:05.000\n<v Bob>Glad to be here.\n\n00:00:05.500 --> 00:00:07.000\n<v Ann>Let us begin.\n' >"$vtt"

flow() {  # flow DB_URL
  local db=$1
  # Global options after the subcommand, as people type them.
  check "migrate --db after" 0 "$bin" migrate --db "$db"
  check "option after a nested subcommand" 0 "$bin" admin tenant create acme --db "$db"
  check "tenant list --db after" 0 "$bin" admin tenant list --db "$db"
  contains "after: same database" "acme"
  "$bin" --db "$db" admin user create ada@example.org >/dev/null
  "$bin" --db "$db" admin user create bob@example.org >/dev/null

  # Videos.
  check "videos create" 0 "$bin" --db "$db" videos create --tenant acme --title "Städte im Wandel" --language de \
    --duration-ms 3723000 --source-url https://example.org/v.mp4 --external-id youtube:abc123 --json
  local video
  video=$(json_get 'd["id"]')
  json_check "create answers the API's video" 'd["title"] == "Städte im Wandel" and len(d["sources"]) == 2 and d["sources"][0]["is_primary"]'
  "$bin" --db "$db" videos create --tenant acme --title "Second" >/dev/null
  check "videos list" 0 "$bin" --db "$db" videos list --tenant acme
  contains "list header" "^ID  *TITLE  *LANG  *DURATION  *PUBLISHED  *STATUS"
  contains "list row" "Städte im Wandel  de    1:02:03"
  aligned "list columns line up despite umlauts" "LANG"
  check "videos list --json" 0 "$bin" --db "$db" videos list --tenant acme --json
  json_check "list json is the API's page" 'len(d["items"]) == 2 and d["next_cursor"] is None'
  check "videos list a page" 0 "$bin" --db "$db" videos list --tenant acme --limit 1 --json
  local cursor
  cursor=$(json_get 'd["next_cursor"]')
  check "videos list next page" 0 "$bin" --db "$db" videos list --tenant acme --limit 1 --cursor "$cursor" --json
  json_check "the cursor continues" 'd["items"][0]["title"] == "Second"'
  check "videos list bad cursor" 2 "$bin" --db "$db" videos list --tenant acme --cursor nonsense
  contains "bad cursor named" "cursor"
  check "videos show" 0 "$bin" --db "$db" videos show --tenant acme "$video"
  contains "show title" "^title  *Städte im Wandel"
  local version
  version=$(sed -n 's/^version  *//p' <<<"$out")
  check "videos update stale" 5 "$bin" --db "$db" videos update --tenant acme "$video" --title X --if-match 1
  check "videos update" 0 "$bin" --db "$db" videos update --tenant acme "$video" --title "Cities" --language "" \
    --if-match "$version" --json
  json_check "update applied, language cleared" 'd["title"] == "Cities" and d["language"] is None'
  check "videos update bad time" 2 "$bin" --db "$db" videos update --tenant acme "$video" --published-at yesterday
  contains "bad time named" "published-at"
  check "videos sources" 0 "$bin" --db "$db" videos sources --tenant acme "$video"
  contains "sources header" "^ID  *KIND  *URI  *EXTERNAL ID  *PRIMARY"
  contains "sources external" "youtube  -  *abc123"
  check "videos show unknown" 3 "$bin" --db "$db" videos show --tenant acme 0190a0a0-0000-7000-8000-000000000000
  check "videos show bad id" 2 "$bin" --db "$db" videos show --tenant acme not-an-id

  # Transcripts, segments, speakers.
  "$bin" --db "$db" import --tenant acme --language en --data-dir "$dir/data" "$vtt" >/dev/null
  check "transcripts list (a video's)" 0 "$bin" --db "$db" videos list --tenant acme --json
  local talk
  talk=$(json_get '[v["id"] for v in d["items"] if v["title"] == "talk"][0]')
  check "transcript list" 0 "$bin" --db "$db" transcripts list --tenant acme --video "$talk"
  contains "transcript list header" "^ID  *LANG  *REVISION  *ORIGIN  *ENGINE  *SEGMENTS  *CREATED"
  check "transcript list --json" 0 "$bin" --db "$db" transcript list --tenant acme --video "$talk" --json
  local transcript
  transcript=$(json_get 'd["items"][0]["id"]')
  json_check "transcript json" 'd["items"][0]["segment_count"] == 3 and d["items"][0]["language"] == "en"'
  check "transcript show" 0 "$bin" --db "$db" transcript show --tenant acme "$transcript"
  contains "transcript show segments" "^segments  *3"
  check "segments list" 0 "$bin" --db "$db" segments list --tenant acme "$transcript"
  contains "segments header" "^#  *START  *END  *SPEAKER  *TEXT"
  contains "segments row" "Glad to be here."
  aligned "segments columns line up" "TEXT"
  check "segments window" 0 "$bin" --db "$db" segments list --tenant acme "$transcript" --from-ms 2600 --to-ms 5200 --json
  json_check "window keeps the middle segment" '[s["text"] for s in d["items"]] == ["Glad to be here."]'
  check "segments bad window" 2 "$bin" --db "$db" segments list --tenant acme "$transcript" --from-ms 9000 --to-ms 1000
  contains "window error names from_ms" "from_ms"
  check "segments page" 0 "$bin" --db "$db" segments list --tenant acme "$transcript" --limit 2
  contains "segments more" "^(more: --cursor "
  check "speakers list" 0 "$bin" --db "$db" speakers list --tenant acme --video "$talk" --json
  local ann bob
  ann=$(json_get '[s["id"] for s in d["items"] if s["label"] == "Ann"][0]')
  bob=$(json_get '[s["id"] for s in d["items"] if s["label"] == "Bob"][0]')
  check "speakers rename" 0 "$bin" --db "$db" speakers rename --tenant acme "$ann" "Ann Example"
  contains "renamed" "^display_name  *Ann Example"
  check "speakers link by name" 0 "$bin" --db "$db" speakers link --tenant acme "$ann" "Ann Person" --json
  json_check "linked to a new person" 'd["person_name"] == "Ann Person" and d["person_id"]'
  check "speakers list table" 0 "$bin" --db "$db" speakers list --tenant acme --video "$talk"
  contains "speakers header" "^ID  *LABEL  *NAME  *PERSON"
  contains "person shown" "Ann Person ("
  check "speakers merge" 0 "$bin" --db "$db" speakers merge --tenant acme "$bob" --into "$ann"
  check "segments after merge" 0 "$bin" --db "$db" segments list --tenant acme "$transcript" --speaker "$ann" --json
  json_check "merged speaker has every segment" 'len(d["items"]) == 3'
  check "transcript delete" 0 "$bin" --db "$db" transcript delete --tenant acme "$transcript"
  check "transcript gone" 3 "$bin" --db "$db" transcript show --tenant acme "$transcript"
  check "videos delete" 0 "$bin" --db "$db" videos delete --tenant acme "$talk"
  check "video gone" 3 "$bin" --db "$db" videos sources --tenant acme "$talk"

  # Jobs: the operator's view, or one tenant's.
  check "jobs enqueue for the tenant" 0 "$bin" --db "$db" jobs enqueue --tenant acme test.kind --key k1 --json
  local job
  job=$(json_get 'd["id"]')
  json_check "enqueued job json" 'd["status"] == "queued" and d["kind"] == "test.kind"'
  check "jobs enqueue again" 0 "$bin" --db "$db" jobs enqueue --tenant acme test.kind --key k1
  contains "same key answers the job" "^exists (same idempotency key)"
  check "jobs show" 0 "$bin" --db "$db" jobs show "$job"
  contains "show table" "^status  *queued"
  check "jobs show in the tenant" 0 "$bin" --db "$db" jobs show --tenant acme "$job" --json
  json_check "show json" 'd["id"] == "'"$job"'"'
  check "jobs list across tenants" 0 "$bin" --db "$db" jobs list
  contains "depth line" "^queued [0-9]* (due"
  contains "jobs header" "^ID  *KIND  *STATUS  *ATTEMPTS  *RUN AT  *ERROR"
  check "jobs list --json" 0 "$bin" --db "$db" jobs list --tenant acme --status queued --json
  json_check "jobs page" 'any(j["id"] == "'"$job"'" for j in d["items"])'
  check "jobs list bad status" 2 "$bin" --db "$db" jobs list --status finished
  contains "status named" "status"
  check "jobs cancel" 0 "$bin" --db "$db" jobs cancel --tenant acme "$job"
  contains "cancelled" "^status  *cancelled"
  check "jobs cancel again" 4 "$bin" --db "$db" jobs cancel "$job"
  check "jobs retry" 0 "$bin" --db "$db" jobs retry "$job" --json
  json_check "retried" 'd["status"] == "queued" and d["attempts"] == 0'
  check "audit has the job actions" 0 "$bin" --db "$db" audit list --tenant acme --json
  json_check "enqueue, cancel and retry audited" \
    'sorted(a["action"] for a in d["items"] if a["resource_id"] == "'"$job"'") == ["job.cancel", "job.enqueue", "job.retry"]'

  # Config, members, roles, tokens, audit, events.
  check "config set" 0 "$bin" --db "$db" config set --tenant acme greeting '{"text": "hi"}'
  check "config get" 0 "$bin" --db "$db" config get --tenant acme greeting --json
  json_check "config value" 'd == {"key": "greeting", "value": {"text": "hi"}}'
  check "config get missing" 3 "$bin" --db "$db" config get --tenant acme nothing
  check "config bad key" 2 "$bin" --db "$db" config set --tenant acme "Bad Key" 1
  check "config bad json" 2 "$bin" --db "$db" config set --tenant acme k '{oops'
  contains "bad json names value" "value"
  check "config bad rate limits" 2 "$bin" --db "$db" config set --tenant acme rate_limits '{"nonsense": true}'
  check "members add" 0 "$bin" --db "$db" members add --tenant acme --user ada@example.org --role owner --json
  local member
  member=$(json_get 'd["id"]')
  check "members add missing user" 2 "$bin" --db "$db" members add --tenant acme --user nobody@example.org --role viewer
  contains "missing user as the API says it" "email: no user with this e-mail or id"
  check "admin member add missing user agrees" 2 "$bin" --db "$db" admin member add --tenant acme --user nobody@example.org --role viewer
  "$bin" --db "$db" members add --tenant acme --user bob@example.org --role viewer >/dev/null
  check "members list" 0 "$bin" --db "$db" members list --tenant acme
  contains "members header" "^ID  *EMAIL  *ROLE  *STATUS"
  aligned "members columns line up" "ROLE"
  check "members list --json" 0 "$bin" --db "$db" members list --tenant acme --json
  local bob_member
  bob_member=$(json_get '[m["id"] for m in d["items"] if m["email"] == "bob@example.org"][0]')
  check "members update" 0 "$bin" --db "$db" members update --tenant acme "$bob_member" --role editor
  contains "updated role" "bob@example.org is editor"
  check "members update nothing" 2 "$bin" --db "$db" members update --tenant acme "$bob_member"
  check "members remove last owner" 4 "$bin" --db "$db" members remove --tenant acme "$member"
  check "members remove" 0 "$bin" --db "$db" members remove --tenant acme "$bob_member"
  check "roles create" 0 "$bin" --db "$db" roles create --tenant acme annotator --permission read:videos --permission write:layers
  check "roles create bad permission" 2 "$bin" --db "$db" roles create --tenant acme broken --permission videos
  contains "bad permission named by position" "permissions\\[0\\]"
  check "roles list" 0 "$bin" --db "$db" roles list --tenant acme
  contains "roles header" "^ID  *NAME  *BUILTIN  *DESCRIPTION"
  contains "custom role" "annotator  *no"
  "$bin" --db "$db" admin token create --tenant acme --user ada@example.org --name laptop --expires-days 30 >/dev/null
  check "tokens list" 0 "$bin" --db "$db" tokens list --tenant acme
  contains "tokens header" "^ID  *NAME  *PREFIX  *EXPIRES  *REVOKED"
  check "tokens list --json" 0 "$bin" --db "$db" tokens list --tenant acme --json
  local token
  token=$(json_get '[t["id"] for t in d["items"] if t["name"] == "laptop"][0]')
  json_check "no secret listed" 'all("secret" not in t for t in d["items"])'
  check "tokens revoke" 0 "$bin" --db "$db" tokens revoke --tenant acme "$token"
  check "tokens list after revoke" 0 "$bin" --db "$db" tokens list --tenant acme --json
  json_check "revoked" '[t["revoked_at"] is not None for t in d["items"] if t["id"] == "'"$token"'"] == [True]'
  check "audit list" 0 "$bin" --db "$db" audit list --tenant acme --limit 5
  contains "audit header" "^TIME  *ACTOR  *ACTION  *RESOURCE  *OUTCOME"
  contains "newest first" "token.revoked"
  check "events list" 0 "$bin" --db "$db" events list --tenant acme --limit 3
  contains "events header" "^POSITION  *TIME  *TYPE  *ENTITY"
  contains "events more" "^(more: --after "
  check "events list --json" 0 "$bin" --db "$db" events list --tenant acme --json
  json_check "feed document" 'd["head"] >= d["next_after"] > 0 and any(e["type"] == "tenant.created" for e in d["items"])'
  check "unknown tenant" 3 "$bin" --db "$db" members list --tenant nope

  # People: pages by cursor, the API's JSON with --json.
  "$bin" --db "$db" people create --tenant acme --name "Ann Example" >/dev/null
  "$bin" --db "$db" people create --tenant acme --name "Bob Example" --external-id wikidata=Q42 >/dev/null
  check "people list --json" 0 "$bin" --db "$db" people list --tenant acme --json
  local second_person bob
  second_person=$(json_get 'd["items"][1]["id"]')
  bob=$(json_get '[p["id"] for p in d["items"] if p["name"] == "Bob Example"][0]')
  check "people list" 0 "$bin" --db "$db" people list --tenant acme --limit 1
  contains "people header" "^ID  *NAME  *SPEAKERS  *EXTERNAL IDS"
  contains "people more" "^(more: --cursor "
  local people_cursor
  people_cursor=$(sed -n 's/^(more: --cursor \(.*\))$/\1/p' <<<"$out")
  check "people list --cursor --json" 0 "$bin" --db "$db" people list --tenant acme --limit 1 --cursor "$people_cursor" --json
  json_check "the cursor reads on" 'len(d["items"]) == 1 and d["items"][0]["id"] == "'"$second_person"'"'
  check "people show --json" 0 "$bin" --db "$db" people show --tenant acme "$bob" --json
  json_check "person document" 'd["id"] == "'"$bob"'" and d["name"] == "Bob Example" and d["external_ids"] == {"wikidata": "Q42"}'
  check "people list bad cursor" 2 "$bin" --db "$db" people list --tenant acme --cursor nonsense
  contains "bad cursor named" "cursor"

  # Collections and tags: tables, and the API's documents with --json.
  check "videos create for a collection" 0 "$bin" --db "$db" videos create --tenant acme --title "Panel" --json
  local panel
  panel=$(json_get 'd["id"]')
  check "collections create" 0 "$bin" --db "$db" collections create --tenant acme "Talks" --description "every talk"
  check "collections add" 0 "$bin" --db "$db" collections add --tenant acme Talks "$panel"
  check "collections list --json" 0 "$bin" --db "$db" collections list --tenant acme --json
  json_check "collection page" 'd["next_cursor"] is None and [(c["name"], c["video_count"]) for c in d["items"]] == [("Talks", 1)]'
  check "collections list" 0 "$bin" --db "$db" collections list --tenant acme
  contains "collections header" "^ID  *VIDEOS  *NAME  *DESCRIPTION"
  check "collections show --json" 0 "$bin" --db "$db" collections show --tenant acme Talks --json
  json_check "collection with its videos" 'd["collection"]["description"] == "every talk" and [v["id"] for v in d["videos"]] == ["'"$panel"'"]'
  check "tags add" 0 "$bin" --db "$db" tags add --tenant acme --video "$panel" Keynote "  panel "
  check "tags list --video --json" 0 "$bin" --db "$db" tags list --tenant acme --video "$panel" --json
  json_check "a video's tags, normalised" 'sorted(d["tags"]) == ["keynote", "panel"]'
  check "tags list --json" 0 "$bin" --db "$db" tags list --tenant acme --json
  json_check "every tag with its count" 'sorted((t["tag"], t["videos"]) for t in d["items"]) == [("keynote", 1), ("panel", 1)]'
  check "admin tenant list --json" 0 "$bin" --db "$db" admin tenant list --json
  json_check "tenants page" '"acme" in [t["slug"] for t in d["items"]] and d["next_cursor"] is None'
}

flow "$dir/narralytica.db"

on_postgres flow

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
