#!/usr/bin/env bash
# Builds knik's uniffi library and generates the Kotlin, Swift and Python sources from it:
#
#   bindings/uniffi/build.sh [--release] [OUT]        OUT default: target/uniffi
#
#   OUT/lib/libknik_uniffi.so     the library (per host; cross-build it for Android / iOS)
#   OUT/kotlin/am/knik/knik.kt    Kotlin (JNA), package am.knik
#   OUT/swift/Knik.swift          Swift, with KnikFFI.h and KnikFFI.modulemap
#   OUT/python/knik.py            Python (ctypes), with the library copied beside it
#
# The generator is uniffi's own, built from the same uniffi version as the library
# (src/bin/uniffi-bindgen.rs), and reads the interface from the library itself (no UDL).
# ktlint / swift-format are used when installed, skipped with a warning otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$(realpath "$0")")/../.." && pwd)
cd "$ROOT"

PROFILE=debug
CARGO_PROFILE=()
if [ "${1:-}" = "--release" ]; then
  PROFILE=release
  CARGO_PROFILE=(--release)
  shift
fi
OUT=$(realpath -m "${1:-$ROOT/target/uniffi}")
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

# KNIK_WORKSPACE_BUILT=1: scripts/test.sh has built the workspace (debug, all features) already;
# building one package would resolve other features and compile much of it again.
if [ "${KNIK_WORKSPACE_BUILT:-}" != 1 ] || [ "$PROFILE" != debug ]; then
  cargo build --locked -q -p knik-uniffi "${CARGO_PROFILE[@]}"
fi
LIB="$TARGET_DIR/$PROFILE/libknik_uniffi.so"

# Only the folders this script owns are replaced: OUT may be a folder of the app's.
rm -rf "$OUT/lib" "$OUT/kotlin" "$OUT/swift" "$OUT/python"
mkdir -p "$OUT/lib" "$OUT/kotlin" "$OUT/swift" "$OUT/python"
cp "$LIB" "$OUT/lib/"
bindgen() { # language dir
  "$TARGET_DIR/$PROFILE/uniffi-bindgen" generate --library "$LIB" --language "$1" \
    --out-dir "$2" 2>&1 | grep -v -e "^Warning: Unable to auto-format" -e "^writing" -e "^Code generation complete" || true
}
bindgen kotlin "$OUT/kotlin"
bindgen swift "$OUT/swift"
bindgen python "$OUT/python"
cp "$LIB" "$OUT/python/"

for f in kotlin/am/knik/knik.kt swift/Knik.swift swift/KnikFFI.h swift/KnikFFI.modulemap python/knik.py; do
  [ -s "$OUT/$f" ] || { echo "build.sh: $OUT/$f was not generated" >&2; exit 1; }
done
echo "uniffi bindings in $OUT: $(cd "$OUT" && find kotlin swift python -type f | sort | tr '\n' ' ')"
