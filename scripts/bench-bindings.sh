#!/usr/bin/env bash
# Verification through the bindings, measured against the native core on the same container in
# one run (results in bench/bindings/results.md):
#
#   scripts/bench-bindings.sh [--repeat N]        (default 20)
#
# - `verifyContainer` of @knik/wasm in Node (bindings/wasm/pkg; bindings/wasm/build.sh first),
# - `verify_container` (a path) and `verify_container_bytes` of the uniffi library through the
#   generated Python (native code, release build),
# - `knik verify --json` (release CLI; a new process each run, so startup included),
# on one B-LT container of 10 files x 1 MiB signed by the CLI against the loopback TSA and OCSP
# responder (scripts/services.sh up). In-process timings exclude loading: each tool verifies
# once to warm up, then N times; the median, minimum and maximum are reported.
set -euo pipefail
ROOT=$(cd "$(dirname "$(realpath "$0")")/.." && pwd)
cd "$ROOT"
REPEAT=20
[ "${1:-}" = "--repeat" ] && REPEAT=$2
PKI=$ROOT/test-vectors/pki
OUT=$ROOT/bench/bindings/results.md
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for port in 8881 8889; do
  ss -ltnH "sport = :$port" | grep -q . || { echo "bench-bindings: nothing on :$port (scripts/services.sh up DIR)" >&2; exit 2; }
done
cargo build --locked -q --release -p knik-cli
bindings/uniffi/build.sh --release "$WORK/uniffi" >/dev/null
bindings/wasm/build.sh >/dev/null

mkdir -p "$WORK/files"
for i in $(seq -w 1 10); do head -c $((1024 * 1024)) /dev/urandom >"$WORK/files/file$i.bin"; done
CONTAINER=$WORK/lt.asice
target/release/knik sign "$WORK"/files/file*.bin -o "$CONTAINER" --level LT \
  --key "$PKI/holders/citizen/sign.key" --cert "$PKI/holders/citizen/sign.pem" \
  --chain "$PKI/citizen-ca.pem" --tsa http://127.0.0.1:8889/ --ocsp http://127.0.0.1:8881/ >/dev/null

# Each timer prints "verdict median min max" in milliseconds.
node --input-type=module - "$CONTAINER" "$REPEAT" >"$WORK/wasm" <<'JS'
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// The package's Node entry (what `import '@knik/wasm'` loads).
const { verifyContainer } = await import(pathToFileURL('bindings/wasm/js/node.js').href);
const [file, repeat] = process.argv.slice(2);
const bytes = readFileSync(file);
const options = { trustAnchors: [readFileSync('test-vectors/pki/root.pem', 'utf8')] };
const verdict = verifyContainer(bytes, options).verdict;
const times = [];
for (let i = 0; i < Number(repeat); i++) {
  const t = process.hrtime.bigint();
  verifyContainer(bytes, options);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
console.log(verdict, times[Math.floor((times.length - 1) / 2)].toFixed(1), times[0].toFixed(1), times.at(-1).toFixed(1));
JS
PYTHONPATH="$WORK/uniffi/python" python3 - "$CONTAINER" "$REPEAT" >"$WORK/native" <<'PY'
import pathlib, sys, time
import knik
file, repeat = sys.argv[1], int(sys.argv[2])
data = pathlib.Path(file).read_bytes()
trust = knik.TrustSettings(anchors=[pathlib.Path("test-vectors/pki/root.pem").read_bytes()], intermediates=[], validation_time=None)
for call in (lambda: knik.verify_container(file, trust), lambda: knik.verify_container_bytes(data, trust)):
    verdict = call().verdict.name.lower()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(verdict, f"{times[(len(times) - 1) // 2]:.1f}", f"{times[0]:.1f}", f"{times[-1]:.1f}")
PY
cli_times=()
for _ in $(seq 1 "$REPEAT"); do
  s=$(date +%s%N)
  target/release/knik verify --json --trust "$PKI/root.pem" "$CONTAINER" >"$WORK/cli.json"
  cli_times+=("$(( ($(date +%s%N) - s) / 100000 ))")
done
cli_verdict=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$WORK/cli.json")
cli_line=$(printf '%s\n' "${cli_times[@]}" | sort -n | awk -v v="$cli_verdict" '{ a[NR] = $1 / 10 } END { printf "%s %.1f %.1f %.1f\n", v, a[int((NR + 1) / 2)], a[1], a[NR] }')

{
  echo "# Verification through the bindings"
  echo
  echo "\`scripts/bench-bindings.sh\`, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "One B-LT container, 10 files x 1 MiB of random bytes, signed by the CLI; $REPEAT runs each after one warm-up."
  echo
  echo "| verifier | verdict | median (ms) | min (ms) | max (ms) |"
  echo "|---|---|---:|---:|---:|"
  read -r v m lo hi <"$WORK/wasm";   echo "| @knik/wasm \`verifyContainer\` (Node $(node --version), in process) | $v | $m | $lo | $hi |"
  { read -r v m lo hi; echo "| uniffi \`verify_container\` (native, a path, through Python, in process) | $v | $m | $lo | $hi |"
    read -r v m lo hi; echo "| uniffi \`verify_container_bytes\` (native, the bytes handed over from Python) | $v | $m | $lo | $hi |"; } <"$WORK/native"
  read -r v m lo hi <<<"$cli_line";  echo "| \`knik verify --json\` (release, a new process each run) | $v | $m | $lo | $hi |"
} >"$OUT"
cat "$OUT"
