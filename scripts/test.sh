#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs the test dependencies, starts a private
# PostgreSQL 15 cluster on a free port, builds with warnings as errors and sanitizers, and runs
# every CTest test against both backends (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
# The web UI's end-to-end test drives Debian's chromium with playwright-core and axe-core from npm.
(cd tests/e2e/ui && npm ci --no-audit --no-fund --loglevel=error)
# The API contract tests lint the OpenAPI document (redocly) and type-check a generated client.
(cd tests/contract && npm ci --no-audit --no-fund --loglevel=error)

eval "$(scripts/pg-test-cluster.sh start)"
trap 'scripts/pg-test-cluster.sh stop "$PG_TEST_DIR"' EXIT
export NARRALYTICA_TEST_REQUIRE_PG=1  # a missing PostgreSQL fails the run instead of skipping
# ccache keys on paths relative to the checkout, so a fresh clone in another folder (as CI makes)
# reuses what an earlier build of the same sources compiled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci -j2 --timeout 600

# Every transcript reader under libFuzzer for a bounded time from its seed corpus: no crash,
# leak or sanitizer report (issue 3). The corpus persists in build/fuzz between runs.
tests/fuzz/run.sh "${NARRALYTICA_FUZZ_SECONDS:-15}"
