#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   install what is missing → formatting → clippy → wasm32 build of the pure crates →
#   start the local services (pcscd with the vpcd virtual readers, OCSP responders, TSA) →
#   cargo test of the whole workspace, all features → the uniffi bindings through their generated
#   Python and Kotlin → the wasm package in Node → the browser end-to-end tests in headless
#   Chromium → stop the services.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh
scripts/install-binding-tools.sh

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

step "cargo build (workspace, all features: the binaries the scripts below run)"
# The same feature resolution as cargo test, so this reuses its artifacts; the scripts below
# then skip their own per-package builds, which would resolve features differently and
# compile much of the workspace again.
cargo build --workspace --all-features --locked
export KNIK_WORKSPACE_BUILT=1

step "mobile bindings: generated Python, Kotlin and Swift (uniffi)"
KNIK_REQUIRE_SERVICES=1 bindings/uniffi/test.sh

step "WebAssembly package in Node and headless Chromium (wasm-bindgen)"
KNIK_REQUIRE_SERVICES=1 bindings/wasm/test.sh

step "browser end to end (page library, extension, native host, virtual card)"
KNIK_REQUIRE_SERVICES=1 web-extension/e2e/run.sh

step "done"
