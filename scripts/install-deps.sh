#!/usr/bin/env bash
# Installs the Debian 12 packages Narralytica needs. `build` (default): to build and run.
# `test`: also what the test suite needs (PostgreSQL 15 server and its pg_dump/pg_restore, the sqlite3
# shell for the database dump tests, clang for the fuzzers).
# Skips apt entirely when everything is present, so repeated runs cost nothing.
set -euo pipefail

build_packages=(build-essential cmake ninja-build ccache pkg-config python3
  libsqlite3-dev libpq-dev libboost-dev nlohmann-json3-dev libcli11-dev
  libsodium-dev libssl-dev libxapian-dev libicu-dev libhnswlib-dev)
# Node.js and npm build the web UI (web/, bundled by CMake); one already on the PATH is used as it is.
command -v node >/dev/null || build_packages+=(nodejs)
command -v npm >/dev/null || build_packages+=(npm)
test_packages=(libgtest-dev libgmock-dev libvalijson-dev libbenchmark-dev postgresql-15 postgresql-client-15 sqlite3
  clang libclang-rt-14-dev wrk chromium nodejs)

wanted=("${build_packages[@]}")
if [ "${1:-build}" = test ]; then wanted+=("${test_packages[@]}"); fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
