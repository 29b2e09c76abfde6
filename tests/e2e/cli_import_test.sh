#!/usr/bin/env bash
# Proves `narralytica import|export` as a user meets them: many files in one command, one of them
# broken, each succeeding or failing on its own with one line, a summary, and a non-zero exit;
# running it again is a no-op naming the existing transcripts; --fail-fast stops at the broken
# file; export writes a transcript that imports back as the same content, and JSON carries the
# AssemblyAI layers when asked; bad arguments get a one-line error. When NARRALYTICA_TEST_PG_URL
# is set, the same flow runs on PostgreSQL.
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica path/to/tests/data/formats}
samples=${2:?usage: $0 path/to/narralytica path/to/tests/data/formats}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck source=assertions.sh
source "$(dirname "${BASH_SOURCE[0]}")/assertions.sh"

lacks() {  # lacks NAME NEEDLE ; searches $out
  if grep -q -- "$2" <<<"$out"; then
    echo "FAIL $1: output has '$2'"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    pass=$((pass + 1))
  fi
}

# 40 small WebVTT files, the 25th broken on its 6th line (a cue a browser skips: refused with
# --strict, skipped with a warning without it).
files=()
mkdir -p "$dir/corpus"
for i in $(seq -w 1 40); do
  f="$dir/corpus/talk_$i.vtt"
  if [ "$i" = 25 ]; then
    printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> later\nbroken\n' >"$f"
  else
    printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Ann>Talk %s starts here.\n\n00:00:03.000 --> 00:00:05.000\n<v Bob>And goes on.\n' "$i" >"$f"
  fi
  files+=("$f")
done

flow() {  # flow DB_URL DATA_DIR
  local db=$1 data=$2
  check "migrate" 0 "$bin" --db "$db" migrate
  check "tenant" 0 "$bin" --db "$db" admin tenant create acme
  check "tenant fast" 0 "$bin" --db "$db" admin tenant create fast

  check "import many, one broken" 2 "$bin" --db "$db" import --tenant acme --language en --strict --data-dir "$data" "${files[@]}"
  contains "summary" "^40 files: 39 created, 0 unchanged, 1 failed; 78 segments"
  contains "per-file created line" "^created    $dir/corpus/talk_01.vtt  transcript "
  contains "failure names file:line:column" "^failed     $dir/corpus/talk_25.vtt:6:[0-9]*: "
  contains "files after the broken one still import" "^created    $dir/corpus/talk_40.vtt"
  lacks "no progress bar when stderr is not a terminal" "files, .* failed\\]"
  [ "$(find "$data" -type f | wc -l)" -eq 39 ] && pass=$((pass + 1)) || { echo "FAIL originals: not 39 files under $data"; failures=$((failures + 1)); }

  check "import again" 2 "$bin" --db "$db" import --tenant acme --language en --strict --data-dir "$data" "${files[@]}"
  contains "again: summary" "^40 files: 0 created, 39 unchanged, 1 failed"
  contains "again names the transcript" "^unchanged  $dir/corpus/talk_03.vtt  transcript [0-9a-f-]* (video [0-9a-f-]*) already holds this content"

  check "fail fast" 2 "$bin" --db "$db" import --tenant fast --language en --strict --fail-fast --data-dir "$data" "${files[@]}"
  contains "fail fast: summary" "^25 files: 24 created, 0 unchanged, 1 failed"
  contains "fail fast: rest not tried" "15 files not tried"
  lacks "fail fast: nothing after" "talk_26"

  check "good files only" 0 "$bin" --db "$db" import --tenant fast --language en --data-dir "$data" "${files[@]:0:3}"
  contains "all unchanged exits 0" "^3 files: 0 created, 3 unchanged, 0 failed"

  # Without --strict the broken cue is skipped, as a browser skips it, and the warning says where.
  check "lenient import" 0 "$bin" --db "$db" import --tenant fast --language en --data-dir "$data" "${files[24]}"
  contains "lenient: created with the good cue" "^created    $dir/corpus/talk_25.vtt  transcript .*  1 segments"
  contains "lenient: warning names file:line:column" \
    "^warning: $dir/corpus/talk_25.vtt:6:18: cue skipped: expected a timestamp like 00:01.000 or 01:00:01.000, found \"later\""

  # Export a transcript and import it back into its video: the same content.
  check "import sample" 0 "$bin" --db "$db" import --tenant acme --language en --data-dir "$data" "$samples/assemblyai.json"
  contains "layers stored" "  4 layers"
  local transcript video
  transcript=$(sed -n 's/^created .* transcript \([0-9a-f-]*\)  video.*/\1/p' <<<"$out")
  video=$(sed -n 's/^created .* video \([0-9a-f-]*\)  revision.*/\1/p' <<<"$out")
  check "export vtt" 0 "$bin" --db "$db" export --transcript "$transcript" --format vtt -o "$dir/out.vtt"
  grep -q "^WEBVTT" "$dir/out.vtt" && pass=$((pass + 1)) || { echo "FAIL export vtt: no WEBVTT header"; failures=$((failures + 1)); }
  check "export json with layers to stdout" 0 "$bin" --db "$db" export --transcript "$transcript" --tenant acme --format json --layers
  contains "json has layers" '"kind": "sentiment"'
  "$bin" --db "$db" export --transcript "$transcript" --format json --layers >"$dir/out.json"
  check "json round trip" 0 "$bin" --db "$db" import --tenant acme --video "$video" --data-dir "$data" "$dir/out.json"
  contains "round trip is the same content" "^unchanged  $dir/out.json  transcript $transcript"
  check "export srt" 0 "$bin" --db "$db" export --transcript "$transcript" --format srt -o "$dir/out.srt"
  grep -q -- "-->" "$dir/out.srt" && pass=$((pass + 1)) || { echo "FAIL export srt: no cue timings"; failures=$((failures + 1)); }

  # Bad arguments: one line, a non-zero exit, nothing imported.
  check "unknown tenant" 3 "$bin" --db "$db" import --tenant nope --language en --data-dir "$data" "${files[0]}"
  contains "unknown tenant named" "nope"
  check "bad format" 2 "$bin" --db "$db" import --tenant acme --format docx --data-dir "$data" "${files[0]}"
  check "missing file" 3 "$bin" --db "$db" import --tenant acme --data-dir "$data" "$dir/missing.vtt"
  contains "missing file named" "^failed     $dir/missing.vtt: "
  check "video and title exclude" 108 "$bin" --db "$db" import --tenant acme --video "$video" --title x "${files[0]}"
  check "export unknown transcript" 3 "$bin" --db "$db" export --transcript 01890000-0000-7000-8000-000000000000 --format vtt
  check "export bad format" 2 "$bin" --db "$db" export --transcript "$transcript" --format docx
}

flow "$dir/n.db" "$dir/data"

if [ -n "${NARRALYTICA_TEST_PG_URL:-}" ]; then
  name="nl_e2e_import_$$"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
  flow "${NARRALYTICA_TEST_PG_URL%/*}/$name" "$dir/pgdata"
  psql -q "$NARRALYTICA_TEST_PG_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi

echo "$pass passed, $failures failed"
[ "$failures" -eq 0 ]
