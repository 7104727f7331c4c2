#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 30 s each) with cargo-fuzz on nightly.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs: `cargo install cargo-fuzz --locked` and a nightly toolchain (`rustup toolchain list`).
# The hostile corpora in fuzz/corpus/<target>/ are also replayed by the crates' ordinary unit
# tests (stable toolchain), so CI covers them without a fuzzer.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
fail=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Work on a scratch copy so that new inputs the fuzzer finds do not land in git by accident.
  work=$(mktemp -d); cp -r "corpus/$t/." "$work/" 2>/dev/null || true
  echo "==> $t (${secs}s)"
  if ! cargo +nightly fuzz run "$t" "$work" -- -max_total_time="$secs" -rss_limit_mb=2048 \
      -max_len=1048576 2>&1 | tail -n 3; then
    echo "FAIL $t (artifacts in fuzz/artifacts/$t)"; fail=1
  fi
  rm -rf "$work"
done
exit $fail
