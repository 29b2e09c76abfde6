#!/usr/bin/env bash
# Runs the web UI's end-to-end test (ui_test.mjs). scripts/test.sh installs its npm packages
# (npm ci); run by hand, a missing node_modules is installed here. Never downloads a browser: it
# drives Debian's chromium (scripts/install-deps.sh test).
set -euo pipefail
bin=${1:?usage: $0 path/to/narralytica ARTIFACT_DIR}
artifacts=${2:?usage: $0 path/to/narralytica ARTIFACT_DIR}
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  echo "FAIL: /usr/bin/chromium is missing (scripts/install-deps.sh test installs it)" >&2
  exit 1
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
exec node ui_test.mjs "$bin" "$artifacts"
