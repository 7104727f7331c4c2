#!/usr/bin/env bash
# Installs the tools the binding tests need beyond scripts/install-deps.sh (scripts/test.sh runs
# both), and nothing when they are there already:
#   cargo: wasm-bindgen-cli, exactly the version of the wasm-bindgen crate in Cargo.lock
#          (bindings/wasm/build.sh); several minutes the first time
#   npm:   kotlin-compiler (JetBrains' kotlinc, repackaged on the npm registry), unpacked into
#          ~/.cache/knik-tools/kotlin-compiler (KNIK_TOOLS_DIR overrides); Debian 12's kotlin 1.3
#          cannot compile the Kotlin uniffi generates
set -euo pipefail

# The wasm-bindgen CLI must be the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=0.2.130
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "install-binding-tools: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (several minutes)"
  cargo install -q wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# kotlinc for the Kotlin binding tests, from the npm registry (the JetBrains release, repackaged).
KOTLIN_VERSION=2.4.20
TOOLS=${KNIK_TOOLS_DIR:-$HOME/.cache/knik-tools}
if [ "$(cat "$TOOLS/kotlin-compiler/.knik-version" 2>/dev/null)" != "$KOTLIN_VERSION" ]; then
  echo "install-binding-tools: kotlin-compiler $KOTLIN_VERSION (npm) into $TOOLS/kotlin-compiler"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q "kotlin-compiler@$KOTLIN_VERSION" >/dev/null && tar xzf kotlin-compiler-*.tgz)
  chmod +x "$tmp"/package/bin/*
  rm -rf "$TOOLS/kotlin-compiler" && mkdir -p "$TOOLS"
  mv "$tmp/package" "$TOOLS/kotlin-compiler"
  echo "$KOTLIN_VERSION" > "$TOOLS/kotlin-compiler/.knik-version"
  rm -rf "$tmp"
fi

echo "install-binding-tools: wasm-bindgen $WASM_BINDGEN_VERSION, kotlinc $KOTLIN_VERSION ($TOOLS/kotlin-compiler)"
