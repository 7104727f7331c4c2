#!/usr/bin/env bash
# The browser tests: the page library's protocol unit tests (node), then the end-to-end tests in
# headless Chromium (page → extension → native host → pcscd → virtual card → demo e-service).
#
#   web-extension/e2e/run.sh
#
# Installs the npm packages (npm ci, from the cache when it can), builds the three binaries,
# runs both suites with node's test runner. Needs /usr/bin/chromium (scripts/install-deps.sh
# installs it) and pcscd with the vpcd readers (scripts/services.sh up); the OCSP responders
# are used when they run. Without Chromium it prints SKIPPED and exits 0, unless
# KNIK_REQUIRE_SERVICES=1 (CI), which turns every missing piece into a failure.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")"
E2E=$(pwd)
ROOT=$(realpath ../..)

echo "==> page library: message protocol (node --test)"
node --test "$ROOT/web-extension/page-library/test/"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "${KNIK_REQUIRE_SERVICES:-}" = 1 ]; then
    echo "run.sh: $CHROMIUM is missing (apt-get install chromium) and KNIK_REQUIRE_SERVICES=1" >&2
    exit 1
  fi
  echo "SKIPPED: browser end-to-end tests: $CHROMIUM is missing (apt-get install chromium)" >&2
  exit 0
fi

echo "==> npm ci (playwright-core)"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error

echo "==> cargo build (native host, virtual card, demo service, CLI)"
# KNIK_WORKSPACE_BUILT=1: scripts/test.sh built the whole workspace already (same features).
[ "${KNIK_WORKSPACE_BUILT:-}" = 1 ] ||
  (cd "$ROOT" && cargo build --locked -q -p knik-native-host -p knik-card-sim -p knik-demo-service -p knik-cli)

echo "==> browser end to end (node --test)"
mkdir -p "$ROOT/target/e2e"
# The tests take /tmp/knik-pcsc.lock themselves (the Rust card tests share the readers).
node --test --test-concurrency=1 "$E2E/login.test.mjs" "$E2E/sign.test.mjs"
echo "screenshots: $ROOT/target/e2e/"
