#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build the release binary, create the
# embedded SQLite database and load the demo (tenant, owner, API token).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release -DNARRALYTICA_BUILD_TESTS=OFF -DNARRALYTICA_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target narralytica
echo
./build/release/src/cli/narralytica --db "${NARRALYTICA_DB:-./narralytica.db}" demo
