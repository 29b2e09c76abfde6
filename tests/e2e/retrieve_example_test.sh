#!/usr/bin/env bash
# Proves docs/retrieval.md's Python client works as printed: a fresh SQLite database with the demo
# data, `narralytica serve --workers 1` on a free loopback port, and once the demo is searchable,
# the exact code between the doc's retrieve-example markers runs against it and prints cited
# passages of the council hearing. Also checks `narralytica retrieve` on the same data.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica docs/retrieval.md}
doc=${2:?usage: $0 path/to/narralytica docs/retrieval.md}
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

db="$dir/demo.db"
token=$("$bin" --db "$db" demo | awk '/^token/ {print $2}')
[ -n "$token" ] || { echo "FAIL demo printed no token"; exit 1; }
"$bin" --db "$db" serve --listen 127.0.0.1:0 --workers 1 --quiet 2>"$dir/serve.log" &
pids+=($!)
for _ in $(seq 200); do grep -q "serving http" "$dir/serve.log" && break; sleep 0.1; done
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/serve.log")
[ -n "$port" ] || { echo "FAIL server did not start"; cat "$dir/serve.log"; exit 1; }
url="http://127.0.0.1:$port"
# The server's worker indexes the demo from the event feed; wait until the hearing is found.
searchable() {
  curl -s -H "Authorization: Bearer $token" "$url/v1/search?q=flood%20defences" | grep -q '"video_title":"city-council-hearing"'
}
for _ in $(seq 300); do searchable && break; sleep 0.1; done
check "demo searchable" 0 searchable

# The example, byte for byte as the doc prints it.
sed -n '/<!-- retrieve-example:begin -->/,/<!-- retrieve-example:end -->/p' "$doc" | sed '1,2d;$d' | sed '$d' >"$dir/client.py"
check "example extracted" 0 grep -q 'urllib.request' "$dir/client.py"
check "python example" 0 env NARRALYTICA_URL="$url" NARRALYTICA_TOKEN="$token" python3 "$dir/client.py" flood defences
contains "context heading" "^Context:"
contains "a cited passage" '^\[1\] .* in "city-council-hearing" ([0-9.]*-[0-9.]* s): .*[Ff]lood defences'
contains "the speaker" "Councillor Okafor\|Chair Rivera\|Councillor Brandt"
contains "a deep link" "^\[1\] $url/videos/[0-9a-f-]*?transcript=[0-9a-f-]*#t=[0-9.]* *passage [0-9a-f]\{32\}, transcript [0-9a-f-]* revision 1"
contains "budget line" "passages, [0-9]* words, about [0-9]* tokens"
first=$(grep -m1 '^\[1\] http' <<<"$out")
check "python example again" 0 env NARRALYTICA_URL="$url" NARRALYTICA_TOKEN="$token" python3 "$dir/client.py" flood defences
contains "the same first passage" "$(sed 's/[][\.*^$]/\\&/g' <<<"$first")"
check "python example, malformed query" 1 env NARRALYTICA_URL="$url" NARRALYTICA_TOKEN="$token" python3 "$dir/client.py" 'flood (defences'
contains "400 names the query" "^400 query: at character 16"

check "cli retrieve" 0 "$bin" --db "$db" retrieve --tenant demo --budget-words 40 flood defences
contains "cli passage" "city-council-hearing"
contains "cli budget" "words, about"
check "cli retrieve json" 0 "$bin" --db "$db" retrieve --tenant demo --json -k 2 flood defences
contains "cli json passages" '"passage_id":"[0-9a-f]\{32\}"'

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
