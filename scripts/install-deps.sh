#!/usr/bin/env bash
# Installs what knik's build, demo and tests need on a Debian 12 machine, and nothing when it is
# all there already. Idempotent; safe to run before every test run.
#   apt: pcscd + vsmartcard-vpcd (the virtual reader), libpcsclite-dev (the pcsc crate links it),
#        opensc + pcsc-tools (independent PC/SC clients), softhsm2 (PKCS#11 token),
#        openssl (test PKI, OCSP responder, time-stamp server), xmlsec1 + libxml2-utils (oracles),
#        redis-server (the e-service nonce store's tests start their own on loopback)
#        binaryen (wasm-opt for the WebAssembly package), openjdk-17-jre-headless + libjna-java
#        (the Kotlin bindings run on the JVM through JNA in the binding tests)
#   rustup: the wasm32-unknown-unknown target (the pure crates must build for it)
# The binding tests' compilers (wasm-bindgen-cli, kotlinc) come from scripts/install-binding-tools.sh,
# which scripts/test.sh runs; the demo does not need them.
set -euo pipefail

APT_PACKAGES=(pcscd vsmartcard-vpcd libpcsclite-dev pkgconf opensc pcsc-tools softhsm2 openssl
  xmlsec1 libxml2-utils curl iproute2 python3 redis-server time chromium
  binaryen openjdk-17-jre-headless libjna-java)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    echo "install-deps: rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
fi

"$(dirname "$(realpath "$0")")/install-oracles.sh" # pyasice, signxml, xadesjs (test oracles)
echo "install-deps: everything is installed"
