#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and UBSan into build/fuzz, then runs
# each target (the transcript readers, the search query, and what the API reads: bodies, the HTTP
# request, layer documents, the segment filter, cursors) for SECONDS (default 60) from a copy of
# its seed corpus.
# Exit status is non-zero if any target finds a crash, leak, timeout or sanitizer report; the
# input is left in build/fuzz/artifacts and the log in build/fuzz/logs.
# Usage: tests/fuzz/run.sh [SECONDS]      FUZZ_JOBS=N to change build parallelism (default 2).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/fuzz"
readers=(webvtt srt whisper whisperx assemblyai deepgram narralytica_json read_document search_query
  cursor layer_document segment_filter api_body http_request)

command -v clang++ >/dev/null || { echo "clang++ not found: apt-get install -y clang libclang-rt-14-dev" >&2; exit 2; }

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" \
  -DNARRALYTICA_SANITIZE=ON -DNARRALYTICA_FUZZ=ON -DNARRALYTICA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_all -j "${FUZZ_JOBS:-2}"

mkdir -p "$build/logs" "$build/artifacts"
status=0
for reader in "${readers[@]}"; do
  corpus="$build/corpus/$reader"
  mkdir -p "$corpus"
  cp -n "$root/tests/fuzz/corpus/$reader/"* "$corpus/" 2>/dev/null || true
  dict=()
  case "$reader" in
    webvtt) dict=(-dict="$root/tests/fuzz/webvtt.dict") ;;
    srt) dict=(-dict="$root/tests/fuzz/srt.dict") ;;
    read_document) ;;
    search_query) dict=(-dict="$root/tests/fuzz/search_query.dict") ;;
    cursor) ;;
    layer_document) dict=(-dict="$root/tests/fuzz/layer.dict") ;;
    segment_filter) dict=(-dict="$root/tests/fuzz/segment_filter.dict") ;;
    http_request) dict=(-dict="$root/tests/fuzz/http.dict") ;;
    *) dict=(-dict="$root/tests/fuzz/json.dict") ;;
  esac
  log="$build/logs/$reader.log"
  if "$build/tests/fuzz/fuzz_$reader" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
      -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$reader-" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz_$reader: clean, $runs runs in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    status=1
    echo "fuzz_$reader: FAILED (log: $log)"
    tail -n 40 "$log"
  fi
done
exit "$status"
