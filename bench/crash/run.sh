#!/usr/bin/env bash
# The server SIGKILL harness at full length (issue 17): 200 seeded kill points of
# `narralytica serve --workers 1` under the mixed HTTP workload of
# tests/integration/crash/server_crash_test.cpp, with every check after every restart, on a
# release build, on both backends. Prints per backend: kill points (and how many cut writes off in
# flight), writes acknowledged, writes verified after the last restart, the restarts' mean and p99
# time to ready beside the first, clean start's (the baseline: the same server on the same kind of
# database, never killed), and every violation (the test fails on one).
#
#   bench/crash/run.sh [KILLS] [SEED]        (from the repository root; KILLS default 200)
#
# PostgreSQL runs when NARRALYTICA_TEST_PG_URL is set (eval "$(scripts/pg-test-cluster.sh start)").
set -euo pipefail
kills=${1:-200}
seed=${2:-20261206}
cmake --preset release -DNARRALYTICA_BUILD_TESTS=ON >/dev/null
cmake --build build/release --target server_crash_test narralytica -j2 >/dev/null
backends=(sqlite)
[[ -n ${NARRALYTICA_TEST_PG_URL:-} ]] && backends+=(postgres)
echo "commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
status=0
for backend in "${backends[@]}"; do
  NARRALYTICA_CRASH_KILLS=$kills NARRALYTICA_CRASH_SEED=$seed \
    build/release/tests/integration/crash/server_crash_test --gtest_filter="*/${backend}" \
    | grep -E 'server crash harness|Failure|after kill|refused|^  ' || status=1
  echo "load average after $backend: $(cut -d' ' -f1-3 /proc/loadavg)"
done
exit $status
