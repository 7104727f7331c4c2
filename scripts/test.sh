#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   install what is missing → formatting → clippy → wasm32 build of the pure crates →
#   start the local services (pcscd with the vpcd virtual readers, OCSP responders, TSA) →
#   cargo test of the whole workspace, all features → the browser end-to-end tests in headless
#   Chromium → stop the services.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features, -D warnings)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "wasm32-unknown-unknown build of the pure crates"
cargo build --locked --target wasm32-unknown-unknown \
  -p knik-pki -p knik-xades -p knik-asic -p knik-card -p knik-webeid -p knik-mobile-id
# the facade's verifier, without the HTTP clients
cargo build --locked --target wasm32-unknown-unknown -p knik --no-default-features

step "local services"
STATE="$ROOT/.run/test-services"
scripts/services.sh up "$STATE"
trap 'scripts/services.sh down "$STATE"' EXIT

step "cargo test (workspace, all features)"
# The tests that talk to pcscd serialise themselves on /tmp/knik-pcsc.lock.
KNIK_REQUIRE_SERVICES=1 cargo test --workspace --all-features --locked --no-fail-fast

step "browser end to end (page library, extension, native host, virtual card)"
KNIK_REQUIRE_SERVICES=1 web-extension/e2e/run.sh

step "done"
