#!/usr/bin/env bash
# Builds the npm package @knik/wasm into bindings/wasm/pkg/ and reports its size.
#
#   cargo (wasm-release profile: opt-level z, full LTO, one codegen unit, panic=abort)
#   → wasm-opt -Oz → wasm-bindgen --target web (one .wasm for Node and browsers; js/node.js
#     and js/browser.js load it) → bindings/wasm/SIZE.md.
#
# Needs wasm-bindgen 0.2.130 exactly (the version of the wasm-bindgen crate in Cargo.lock:
# `cargo install wasm-bindgen-cli --version =0.2.130`) and binaryen's wasm-opt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

WANT=0.2.130
if ! command -v wasm-bindgen >/dev/null; then
  echo "build.sh: wasm-bindgen not found: cargo install wasm-bindgen-cli --version =$WANT" >&2
  exit 2
fi
HAVE=$(wasm-bindgen --version | awk '{print $2}')
if [ "$HAVE" != "$WANT" ]; then
  echo "build.sh: wasm-bindgen $HAVE found, $WANT needed (it must match the crate)" >&2
  exit 2
fi
command -v wasm-opt >/dev/null || { echo "build.sh: wasm-opt (binaryen) not found" >&2; exit 2; }

# The profile keeps strip = false: wasm-bindgen reads the target_features section that
# stripping would remove (wasm-opt and wasm-bindgen drop names and debug data below).
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p knik-wasm

CARGO_TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RAW="$CARGO_TARGET/wasm32-unknown-unknown/wasm-release/knik_wasm.wasm"
OUT="$HERE/pkg"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# wasm-opt runs BEFORE wasm-bindgen: binaryen 108 (Debian 12) rewrites the export of
# wasm-bindgen's externref table to the function table, which breaks instantiation
# ("WebAssembly.Table.set(): Argument 1 is invalid for table"). On rustc's output it is safe;
# wasm-bindgen keeps what it needs and drops the rest. The --enable flags are the features
# rustc enables by default for wasm32-unknown-unknown (binaryen 108 needs them spelled out).
wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
  "$RAW" -o "$WORK/knik_wasm.wasm"

rm -rf "$OUT"
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$OUT" "$WORK/knik_wasm.wasm"
# The same without wasm-opt, only to measure what it saves.
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$WORK/unoptimized" "$RAW"
BG="$OUT/knik_wasm_bg.wasm"
UNOPT="$WORK/unoptimized/knik_wasm_bg.wasm"

size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
BEFORE=$(size "$UNOPT"); BEFORE_GZ=$(gz "$UNOPT")
AFTER=$(size "$BG"); AFTER_GZ=$(gz "$BG")
GLUE=$(size "$OUT/knik_wasm.js"); GLUE_GZ=$(gz "$OUT/knik_wasm.js")
rm -f "$OUT/.gitignore" "$OUT/package.json"

cat > "$HERE/SIZE.md" <<REPORT
# Size of @knik/wasm

Measured by \`bindings/wasm/build.sh\` ($(rustc --version | awk '{print $1, $2}'), wasm-bindgen $HAVE,
$(wasm-opt --version)). Goal: under 1.5 MB (1 572 864 bytes) of wasm.

| file | bytes | gzip -9 |
|---|---:|---:|
| \`knik_wasm_bg.wasm\` after \`wasm-opt -Oz\` (shipped) | $AFTER | $AFTER_GZ |
| \`knik_wasm_bg.wasm\` from wasm-bindgen, without wasm-opt | $BEFORE | $BEFORE_GZ |
| \`knik_wasm.js\` (wasm-bindgen glue) | $GLUE | $GLUE_GZ |
REPORT
cat "$HERE/SIZE.md"
