#!/usr/bin/env bash
# The Node tests of @knik/wasm: builds the package (build.sh) and the knik CLI (the Rust
# reference the wasm results are compared with), then runs bindings/wasm/test/*.test.mjs with
# node:test (container, token, size, package, types; browser in headless Chromium). Tests
# needing the loopback services (scripts/services.sh up) print "SKIPPED" without them, unless
# KNIK_REQUIRE_SERVICES=1; KNIK_SKIP_SERVICES=1 skips them.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

"$HERE/build.sh"
[ "${KNIK_WORKSPACE_BUILT:-}" = 1 ] || cargo build --locked -q -p knik-cli
# The browser test drives Chromium with web-extension/e2e's playwright-core.
E2E="$ROOT/web-extension/e2e"
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ ! -d "$E2E/node_modules/playwright-core" ]; then
  (cd "$E2E" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
fi
# The types test runs tsc from the package's devDependencies (typescript, @types/node).
if [ ! -d "$HERE/node_modules/typescript" ]; then
  (cd "$HERE" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
fi
node --test "$HERE"/test/*.test.mjs
