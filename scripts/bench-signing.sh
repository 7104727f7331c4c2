#!/usr/bin/env bash
# Signing and verification speed and memory, side by side on the same input, in one run:
#
#   1. one random file per size (default 100, 500, 1024, 2048 MiB; the 1 GiB one is the headline):
#      `sha256sum FILE` vs `knik sign FILE --level B` vs `knik verify`, wall time and peak RSS
#      (/usr/bin/time -v, "Maximum resident set size").
#      Goals: sign and verify ≤ 1.2 × sha256sum; peak RSS < 64 MiB and flat across sizes.
#   2. a B-LT container of 10 files of 1 MiB (TSA http://127.0.0.1:8889/, the RSA-signed OCSP
#      responder http://127.0.0.1:8884/ so that pyasice can check it): `knik verify` vs
#      scripts/oracles/verify-xmlsec1.sh vs scripts/oracles/verify-pyasice.py, median of N runs.
#
# Prints a markdown report and writes it to bench/signing/results.md (overwritten each run).
# A missed goal is reported, never an error: the exit status is non-zero only if something could
# not be measured at all (build failure, a tool missing, knik refusing its own container).
#
#   scripts/bench-signing.sh [--work DIR] [--sizes "100 500 1024 2048"] [--headline MIB]
#                            [--repeat N] [--no-build | --knik BIN] [--skip-lt] [--out FILE]
#
#   --work DIR     scratch space (default $TMPDIR or /tmp); a subdirectory is created in it and
#                  deleted at the end. Needs about 2 × the largest size free: sizes that do not
#                  fit are left out, with a message.
#   --sizes LIST   file sizes in MiB for the time/memory curve
#   --headline MIB the size whose times are the headline (default 1024, or the largest that fits)
#   --repeat N     runs per verifier on the B-LT container (default 5; median reported)
#   --no-build     use target/release/knik as it is
#   --knik BIN     measure this knik binary instead (e.g. another checkout's, to compare)
#   --skip-lt      only the large-file part (no services needed)
#   --out FILE     where the report goes (default bench/signing/results.md)
#
# Input is random bytes: the worst case for DEFLATE and the usual case for already-compressed
# documents (PDF streams, JPEG, DOCX/ODF are ZIPs themselves).
# The services are started (scripts/services.sh up) only if the TSA port does not listen, and
# stopped at the end only if this script started them. Oracles are skipped with
# KNIK_SKIP_ORACLES=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$(realpath "$0")")/.." && pwd)
PKI=$ROOT/test-vectors/pki
KEY=$PKI/holders/citizen/sign.key
CERT=$PKI/holders/citizen/sign.pem
TSA_URL=http://127.0.0.1:8889/
OCSP_URL=http://127.0.0.1:8884/ # citizen-ca, RSA-signed responses (pyasice checks no others)

work_parent=${TMPDIR:-/tmp}
sizes=(100 500 1024 2048)
headline=1024
repeat=5
build=1
lt=1
out=$ROOT/bench/signing/results.md
knik_bin=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --work) work_parent=${2:?--work needs a directory}; shift 2 ;;
    --sizes) read -r -a sizes <<<"${2:?--sizes needs a list}"; shift 2 ;;
    --headline) headline=${2:?--headline needs MiB}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --no-build) build=0; shift ;;
    --knik) knik_bin=${2:?--knik needs a binary}; build=0; shift 2 ;;
    --skip-lt) lt=0; shift ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "bench-signing: unknown argument $1" >&2; usage ;;
  esac
done

for s in "${sizes[@]}" "$headline" "$repeat"; do
  [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "bench-signing: not a positive number: $s" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench-signing: /usr/bin/time missing: apt install time" >&2; exit 2; }
[ -f "$KEY" ] && [ -f "$CERT" ] || { echo "bench-signing: test PKI missing under $PKI" >&2; exit 2; }
# `--key` with `--cert` reads a PEM key as is; an encrypted key would need a PKCS#12 file and
# KNIK_KEY_PASSWORD instead.
if grep -q "ENCRYPTED" "$KEY"; then
  echo "bench-signing: $KEY is encrypted; this script expects the test PKI's plain PKCS#8 key" >&2
  exit 2
fi

log() { printf '[bench] %s\n' "$*" >&2; }

if [ "$build" = 1 ]; then
  log "cargo build --release -p knik-cli"
  (cd "$ROOT" && cargo build --release --locked -p knik-cli)
fi
KNIK=${knik_bin:-$ROOT/target/release/knik}
[ -x "$KNIK" ] || { echo "bench-signing: $KNIK missing (run without --no-build)" >&2; exit 2; }
KNIK=$(realpath "$KNIK")

mkdir -p "$work_parent"
WORK=$(mktemp -d "$(realpath "$work_parent")/knik-bench.XXXXXX")
services_state=""
cleanup() {
  if [ -n "$services_state" ]; then
    log "stopping the services this script started"
    "$ROOT/scripts/services.sh" down "$services_state" >&2 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# knik with its defaults, whatever the developer's configuration says.
export XDG_CONFIG_HOME=$WORK/config

# --- measuring ------------------------------------------------------------------------------

now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; } # ns -> seconds, 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }

# run NAME CMD...: runs CMD under /usr/bin/time -v; sets run_s (wall seconds), run_rss_kb and
# run_rc. Output goes to $WORK/NAME.out / .err.
run() {
  local name=$1; shift
  local t0 t1
  t0=$(now_ns)
  set +e
  /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  run_rc=$?
  set -e
  t1=$(now_ns)
  run_s=$(secs $((t1 - t0)))
  run_rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.time")
  run_rss_kb=${run_rss_kb:-0}
}

# median of the arguments (seconds)
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- machine ---------------------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'sha_ni\|avx2' | sort -u | paste -sd, -)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
rev=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

report=$WORK/report.md
{
  echo "# knik signing benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(nproc) CPUs, $cpu (${cpu_flags:-no sha_ni/avx2}), $mem RAM, $(uname -sr)"
  echo "- knik: $rev$dirty, release build $KNIK; $(rustc --version 2>/dev/null || echo 'rustc ?')"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the times)"
  echo "- sha256sum: $(sha256sum --version | head -n1)"
  echo "- input: random bytes; signer: software key test-vectors/pki/holders/citizen (EC P-384)"
  echo
} >"$report"

missed=()

# --- 1. large files: time and memory ------------------------------------------------------------

avail_mib=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
margin=256
fitting=()
for s in "${sizes[@]}"; do
  # the file, the container (random data does not compress: about the same size), a margin
  if [ $((2 * s + margin)) -le "$avail_mib" ]; then
    fitting+=("$s")
  else
    log "NOT ENOUGH DISK: $s MiB needs $((2 * s + margin)) MiB free in $WORK, $avail_mib MiB available: left out"
    printf '> %s MiB left out: %s MiB needed in the work directory, %s MiB free.\n\n' \
      "$s" "$((2 * s + margin))" "$avail_mib" >>"$report"
  fi
done
if [ ${#fitting[@]} -eq 0 ]; then
  echo "bench-signing: no size fits in $WORK ($avail_mib MiB free)" >&2
  exit 1
fi
if [[ " ${fitting[*]} " != *" $headline "* ]]; then
  largest=$(printf '%s\n' "${fitting[@]}" | sort -n | tail -n1)
  log "headline size $headline MiB not measured: using $largest MiB instead"
  printf '> Headline size %s MiB not measured (see above): %s MiB instead.\n\n' \
    "$headline" "$largest" >>"$report"
  headline=$largest
fi

curve=$WORK/curve.md
{
  echo "| size | sha256sum | knik sign -B | ratio | knik verify | ratio | verdict | sign RSS | verify RSS |"
  echo "|---:|---:|---:|---:|---:|---:|---|---:|---:|"
} >"$curve"
rss_sign=(); rss_verify=()
for s in $(printf '%s\n' "${fitting[@]}" | sort -n); do
  f=$WORK/data-$s.bin
  c=$WORK/data-$s.asice
  log "$s MiB: writing random input"
  head -c "$((s * 1024 * 1024))" /dev/urandom >"$f"
  cat "$f" >/dev/null # every contender starts from the page cache

  log "$s MiB: sha256sum"
  run "sha256-$s" sha256sum "$f"
  [ "$run_rc" = 0 ] || { echo "bench-signing: sha256sum failed" >&2; exit 1; }
  sha_s=$run_s

  log "$s MiB: knik sign --level B"
  run "sign-$s" "$KNIK" sign "$f" -o "$c" --level B --key "$KEY" --cert "$CERT"
  if [ "$run_rc" != 0 ]; then
    echo "bench-signing: knik sign failed (exit $run_rc):" >&2; cat "$WORK/sign-$s.err" >&2; exit 1
  fi
  sign_s=$run_s; sign_rss=$run_rss_kb

  log "$s MiB: knik verify"
  run "verify-$s" "$KNIK" verify "$c" --json --trust "$PKI/root.pem"
  verify_s=$run_s; verify_rss=$run_rss_kb
  # B-B without a time-stamp or OCSP is "indeterminate" (exit 10) at best; "invalid" (9) would
  # mean knik rejects its own signature.
  verdict=$(awk -F'"' '/^  "verdict"/ { print $4 }' "$WORK/verify-$s.out")
  if [ "$run_rc" != 0 ] && [ "$run_rc" != 10 ]; then
    echo "bench-signing: knik verify gave exit $run_rc on its own container:" >&2
    grep '"code"' "$WORK/verify-$s.out" >&2 || cat "$WORK/verify-$s.err" >&2
    exit 1
  fi
  if grep -q DATA_DIGEST_MISMATCH "$WORK/verify-$s.out"; then
    echo "bench-signing: knik verify reports a digest mismatch on its own container" >&2; exit 1
  fi

  rm -f "$f" "$c"
  rss_sign+=("$sign_rss"); rss_verify+=("$verify_rss")
  printf '| %s MiB | %s s | %s s | %s× | %s s | %s× | %s | %s MiB | %s MiB |\n' \
    "$s" "$sha_s" "$sign_s" "$(ratio "$sign_s" "$sha_s")" "$verify_s" \
    "$(ratio "$verify_s" "$sha_s")" "${verdict:-?}" "$(mib "$sign_rss")" "$(mib "$verify_rss")" >>"$curve"

  if [ "$s" = "$headline" ]; then
    h_sha=$sha_s; h_sign=$sign_s; h_verify=$verify_s
  fi
  for pair in "sign:$sign_rss" "verify:$verify_rss"; do
    if [ "${pair#*:}" -ge $((64 * 1024)) ]; then
      missed+=("peak RSS of knik ${pair%%:*} at $s MiB is $(mib "${pair#*:}") MiB (goal < 64 MiB)")
    fi
  done
done

sign_ratio=$(ratio "$h_sign" "$h_sha")
verify_ratio=$(ratio "$h_verify" "$h_sha")
above() { awk -v r="$1" 'BEGIN { exit !(r > 1.2) }'; }
above "$sign_ratio" && missed+=("knik sign takes ${sign_ratio}× sha256sum on $headline MiB (goal ≤ 1.2×)")
above "$verify_ratio" && missed+=("knik verify takes ${verify_ratio}× sha256sum on $headline MiB (goal ≤ 1.2×)")

# Flat: the largest size's peak within 25 % (or 4 MiB) of the smallest's.
flat() { # name kb...
  local name=$1; shift
  local first=$1 last=${!#}
  if [ $# -gt 1 ] && [ "$last" -gt $((first + first / 4)) ] && [ $((last - first)) -gt 4096 ]; then
    missed+=("peak RSS of knik $name grows with the input: $(mib "$first") MiB → $(mib "$last") MiB (goal: flat)")
  fi
}
flat sign "${rss_sign[@]}"
flat verify "${rss_verify[@]}"

{
  echo "## Large files ($headline MiB headline)"
  echo
  echo "| $headline MiB | seconds | × sha256sum (goal ≤ 1.2) |"
  echo "|---|---:|---:|"
  echo "| \`sha256sum FILE\` | $h_sha | 1.00 |"
  echo "| \`knik sign FILE -o X.asice --level B --key … --cert …\` | $h_sign | $sign_ratio |"
  echo "| \`knik verify X.asice --json --trust root.pem\` | $h_verify | $verify_ratio |"
  echo
  echo "### Time and peak RSS by size (goal: RSS < 64 MiB and flat)"
  echo
  cat "$curve"
  echo
  echo "Verdict \"indeterminate\" is what a B-B signature without time-stamp or OCSP gets; the"
  echo "data-file digest was checked (no DATA_DIGEST_MISMATCH)."
  echo
} >>"$report"

# --- 1b. compressible input: the price of DEFLATE ------------------------------------------
# Random bytes are stored (DEFLATE would not shrink them); text is deflated. Base64 of random
# bytes stands for text documents (it shrinks to about 76 %).
if [ -n "${headline:-}" ]; then
  f=$WORK/text-$headline.txt; c=$WORK/text-$headline.asice
  log "$headline MiB of text: writing"
  base64 -w 76 /dev/urandom | head -c "$((headline * 1024 * 1024))" >"$f" || true
  cat "$f" >/dev/null
  run "sha256-text" sha256sum "$f"; t_sha=$run_s
  run "sign-text" "$KNIK" sign "$f" -o "$c" --level B --key "$KEY" --cert "$CERT"
  [ "$run_rc" = 0 ] || { echo "bench-signing: knik sign failed on text" >&2; exit 1; }
  t_sign=$run_s; t_sign_rss=$run_rss_kb
  run "verify-text" "$KNIK" verify "$c" --json --trust "$PKI/root.pem"
  t_verify=$run_s
  t_ratio=$(awk -v a="$(stat -c %s "$c")" -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.0f", 100 * a / b }')
  rm -f "$f" "$c"
  {
    echo "### Compressible input ($headline MiB of text, deflated to ${t_ratio} %)"
    echo
    echo "| | seconds | × sha256sum |"
    echo "|---|---:|---:|"
    echo "| \`sha256sum\` | $t_sha | 1.00 |"
    echo "| \`knik sign --level B\` | $t_sign | $(ratio "$t_sign" "$t_sha") |"
    echo "| \`knik verify\` | $t_verify | $(ratio "$t_verify" "$t_sha") |"
    echo
    echo "Peak RSS of the text signing: $(mib "$t_sign_rss") MiB. The ≤ 1.2× goal is measured on"
    echo "the random input above; here DEFLATE (miniz_oxide, level 6) costs what it costs."
    echo
  } >>"$report"
fi

# --- 2. B-LT container: knik verify vs the oracles -------------------------------------------

listening() { ss -ltn | grep -q ":$1 "; }

if [ "$lt" = 1 ]; then
  if ! listening 8889 || ! listening 8884; then
    services_state=$WORK/services
    log "services not running: scripts/services.sh up $services_state"
    "$ROOT/scripts/services.sh" up "$services_state" >&2
  fi
  mkdir -p "$WORK/lt"
  for i in $(seq -w 1 10); do head -c $((1024 * 1024)) /dev/urandom >"$WORK/lt/file$i.bin"; done
  ltc=$WORK/lt.asice
  log "B-LT: signing 10 files of 1 MiB (TSA $TSA_URL, OCSP $OCSP_URL)"
  run lt-sign "$KNIK" sign "$WORK"/lt/file*.bin -o "$ltc" --level LT --key "$KEY" --cert "$CERT" \
    --chain "$PKI/citizen-ca.pem" --tsa "$TSA_URL" --ocsp "$OCSP_URL"
  if [ "$run_rc" != 0 ]; then
    echo "bench-signing: knik sign --level LT failed (exit $run_rc):" >&2
    cat "$WORK/lt-sign.err" "$WORK/lt-sign.out" >&2; exit 1
  fi
  lt_sign_s=$run_s

  lt_table=$WORK/lt.md
  {
    echo "| verifier | median of $repeat (s) | min (s) | max (s) | result |"
    echo "|---|---:|---:|---:|---|"
  } >"$lt_table"
  # bench_verifier LABEL CMD...: N timed runs; the result column is the last run's exit status.
  bench_verifier() {
    local label=$1; shift
    local times=() i t0 t1 rc
    for ((i = 0; i < repeat; i++)); do
      t0=$(now_ns)
      set +e
      "$@" >"$WORK/lt-verifier.out" 2>&1
      rc=$?
      set -e
      t1=$(now_ns)
      times+=("$(secs $((t1 - t0)))")
      [ "$rc" = 2 ] && break # not installed / usage: no point in repeating
    done
    local result
    case $rc in
      0) result="OK" ;;
      2) result="not run: $(tail -n1 "$WORK/lt-verifier.out")" ;;
      *) result="FAIL (exit $rc): $(head -n1 "$WORK/lt-verifier.out")" ;;
    esac
    if [ "$rc" = 2 ]; then
      echo "| $label | – | – | – | $result |" >>"$lt_table"
    else
      printf '| %s | %s | %s | %s | %s |\n' "$label" "$(median "${times[@]}")" \
        "$(printf '%s\n' "${times[@]}" | sort -g | head -n1)" \
        "$(printf '%s\n' "${times[@]}" | sort -g | tail -n1)" "$result" >>"$lt_table"
    fi
    [ "$rc" = 0 ] || missed+=("$label did not accept the B-LT container: $result")
  }
  log "B-LT: knik verify × $repeat"
  bench_verifier "\`knik verify --json --trust root.pem\`" \
    "$KNIK" verify "$ltc" --json --trust "$PKI/root.pem"
  if [ "${KNIK_SKIP_ORACLES:-0}" = 1 ]; then
    echo "| xmlsec1, pyasice | – | – | – | skipped (KNIK_SKIP_ORACLES=1) |" >>"$lt_table"
  else
    log "B-LT: xmlsec1 × $repeat"
    bench_verifier "\`verify-xmlsec1.sh\` (xmlsec1)" \
      "$ROOT/scripts/oracles/verify-xmlsec1.sh" "$ltc" "$PKI/chain-citizen-ca.pem"
    log "B-LT: pyasice × $repeat"
    bench_verifier "\`verify-pyasice.py\` (pyasice)" "$ROOT/scripts/oracles/verify-pyasice.py" "$ltc"
  fi
  {
    echo "## B-LT container, 10 files × 1 MiB"
    echo
    echo "Signed by knik in $lt_sign_s s (TSA and OCSP on loopback). Each verifier run is a new"
    echo "process; the oracles' wrappers unpack the container and start their interpreters."
    echo
    cat "$lt_table"
    echo
  } >>"$report"
fi

# --- goals -------------------------------------------------------------------------------------

{
  echo "## Goals"
  echo
  if [ ${#missed[@]} -eq 0 ]; then
    echo "All goals met."
  else
    for m in "${missed[@]}"; do echo "- **MISSED**: $m"; done
  fi
} >>"$report"

mkdir -p "$(dirname "$out")"
cp "$report" "$out"
echo
cat "$report"
echo
echo "(written to $out)"
for m in "${missed[@]}"; do echo "GOAL MISSED: $m" >&2; done
exit 0
