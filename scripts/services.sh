#!/usr/bin/env bash
# Start / stop the loopback services the tests talk to.
#
#   scripts/services.sh up|down|status [STATE_DIR]      (STATE_DIR default: <repo>/.run/services)
#
#   pcscd         vpcd readers "Virtual PCD 00 00" (tcp 35963) and "Virtual PCD 00 01" (tcp 35964);
#                 started only if no pcscd runs yet, and then only stopped by `down` if we started it
#   OCSP          http://127.0.0.1:8881/ citizen-ca, :8882 resident-ca, :8883 mobile-id-ca
#                 (openssl ocsp over test-vectors/pki/db/<ca>/index.txt, signed by <ca>-ocsp, SHA-384)
#                 :8884 citizen-ca again, signed by the RSA-2048 citizen-ca-ocsp-rsa with SHA-256
#                 (pyasice, a test oracle, checks only RSA-signed OCSP responses)
#   TSA           http://127.0.0.1:8889/ RFC 3161 (scripts/tsa_server.py around openssl ts -reply)
#   Mobile ID     https://127.0.0.1:8890/mid-api MID-REST simulator (knik-mobile-id-sim, TLS with
#                 test-vectors/mobile-id/sim-tls.*; target/debug/knik-mobile-id-sim, brought up to
#                 date by `cargo build -q -p knik-mobile-id-sim` first)
#
# Every process we start is recorded as STATE_DIR/<name>.pid and stopped by that PID (SIGTERM).
# Logs: STATE_DIR/<name>.log. KNIK_PKI_DIR overrides the PKI directory (default test-vectors/pki).
set -euo pipefail

SCRIPTS=$(dirname "$(realpath "$0")")
ROOT=$(dirname "$SCRIPTS")
CMD=${1:-}
STATE=$(realpath -m "${2:-$ROOT/.run/services}")
PKI=$(realpath -m "${KNIK_PKI_DIR:-$ROOT/test-vectors/pki}")

# OCSP responders by name; CA, signer and digest default to <name>, <name>-ocsp and sha384.
OCSP_CAS=(citizen-ca resident-ca mobile-id-ca citizen-ca-rsa)
declare -A OCSP_PORT=([citizen-ca]=8881 [resident-ca]=8882 [mobile-id-ca]=8883 [citizen-ca-rsa]=8884)
declare -A OCSP_CA=([citizen-ca-rsa]=citizen-ca)
declare -A OCSP_SIGNER=([citizen-ca-rsa]=citizen-ca-ocsp-rsa)
declare -A OCSP_MD=([citizen-ca-rsa]=sha256)
TSA_PORT=8889
MID_SIM_PORT=8890
MID_SIM_TLS=$ROOT/test-vectors/mobile-id
VPCD_PORTS=(35963 35964)

usage() { echo "usage: $0 up|down|status [STATE_DIR]" >&2; exit 2; }

listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

# Wait until a TCP port listens, by asking the kernel (ss), never by connecting: a connection to a
# vpcd port would be taken for a card.
wait_port() { # port pid name
  for _ in $(seq 200); do
    listening "$1" && return 0
    alive "$2" || { echo "$3 exited while starting; see $STATE/$3.log:" >&2; tail -5 "$STATE/$3.log" >&2; return 1; }
    sleep 0.05
  done
  echo "$3: port $1 not listening after 10 s; see $STATE/$3.log" >&2
  return 1
}

# A PID counts as alive if it exists and is not a zombie (nobody may reap our orphans here).
alive() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ "$state" != Z ] && [ "$state" != X ]
}

# PID recorded for NAME if that process still runs the expected program, else empty.
our_pid() { # name program
  local f=$STATE/$1.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"; then echo "$pid"; fi
}

# Live (non-zombie) pcscd processes, comma-separated; fails if there is none.
live_pcscd() {
  local pid out=()
  for pid in $(pgrep -x pcscd || true); do alive "$pid" && out+=("$pid"); done
  [ ${#out[@]} -gt 0 ] || return 1
  local IFS=,
  echo "${out[*]}"
}

listener_cmdline() { # port -> command line of the process listening on it, if we can see it
  local pid
  pid=$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
  [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null && echo " (pid $pid)"
}

# A port taken by the same kind of service (another state directory's, a developer's): use it
# and leave it alone, as for pcscd.
same_service_on() { # port pattern
  local cmd
  cmd=$(listener_cmdline "$1") || return 1
  case $cmd in *"$2"*) echo "$cmd"; return 0 ;; esac
  return 1
}

program_of() { # name -> pattern of its command line
  case $1 in
    pcscd) echo pcscd ;;
    ocsp-*) echo "openssl ocsp" ;;
    tsa) echo tsa_server.py ;;
    mobile-id-sim) echo knik-mobile-id-sim ;;
  esac
}

ocsp_signer() { echo "${OCSP_SIGNER[$1]:-$1-ocsp}"; } # responder -> signer file base

start_ocsp() { # responder
  local port=${OCSP_PORT[$1]} name=ocsp-$1 pid
  local ca=${OCSP_CA[$1]:-$1} signer md=${OCSP_MD[$1]:-sha384}
  signer=$(ocsp_signer "$1")
  pid=$(our_pid "$name" "openssl ocsp")
  if [ -n "$pid" ]; then
    printf '%-18s already running (pid %s) http://127.0.0.1:%s/\n' "$name" "$pid" "$port"; return 0
  fi
  if listening "$port"; then
    if other=$(same_service_on "$port" "openssl ocsp"); then
      printf '%-18s already running, not ours: %s\n' "$name" "$other"; return 0
    fi
    echo "$name: port $port is taken by another process" >&2; return 1
  fi
  # -port takes a number only and binds every address; -ndays 1 gives nextUpdate = now + 1 day;
  # -rmd sha384 pairs the P-384 responder keys with SHA-384 like the rest of the PKI (sha256 for
  # the RSA one: pyasice knows sha1/sha256-RSA only).
  (cd "$PKI" && exec openssl ocsp -index "db/$ca/index.txt" -port "$port" \
      -rsigner "$signer.pem" -rkey "$signer.key" -CA "$ca.pem" -rmd "$md" -ndays 1) \
    </dev/null >"$STATE/$name.log" 2>&1 &
  pid=$!
  echo "$pid" > "$STATE/$name.pid"
  wait_port "$port" "$pid" "$name" || return 1
  printf '%-18s pid %-7s http://127.0.0.1:%s/  (%s, %s)\n' "$name" "$pid" "$port" "$ca" "$signer"
}

start_tsa() {
  local pid
  pid=$(our_pid tsa tsa_server.py)
  if [ -n "$pid" ]; then
    printf '%-18s already running (pid %s) http://127.0.0.1:%s/\n' tsa "$pid" "$TSA_PORT"; return 0
  fi
  if listening "$TSA_PORT"; then
    if other=$(same_service_on "$TSA_PORT" tsa_server.py); then
      printf '%-18s already running, not ours: %s\n' tsa "$other"; return 0
    fi
    echo "tsa: port $TSA_PORT is taken by another process" >&2; return 1
  fi
  # The serial file changes with every reply: keep it in the state dir, not in the source tree.
  [ -f "$STATE/tsa.serial" ] || cp "$PKI/db/tsa/serial" "$STATE/tsa.serial"
  KNIK_PKI_DIR=$PKI KNIK_TSA_SERIAL=$STATE/tsa.serial \
    python3 "$SCRIPTS/tsa_server.py" "$TSA_PORT" "$PKI/tsa.cnf" </dev/null >"$STATE/tsa.log" 2>&1 &
  pid=$!
  echo "$pid" > "$STATE/tsa.pid"
  wait_port "$TSA_PORT" "$pid" tsa || return 1
  printf '%-18s pid %-7s http://127.0.0.1:%s/  (RFC 3161, Test AM TSA)\n' tsa "$pid" "$TSA_PORT"
}

start_mid_sim() {
  local pid bin=${CARGO_TARGET_DIR:-$ROOT/target}/debug/knik-mobile-id-sim
  pid=$(our_pid mobile-id-sim knik-mobile-id-sim)
  if [ -n "$pid" ]; then
    printf '%-18s already running (pid %s) https://127.0.0.1:%s/mid-api\n' mobile-id-sim "$pid" "$MID_SIM_PORT"
    return 0
  fi
  if listening "$MID_SIM_PORT"; then
    if other=$(same_service_on "$MID_SIM_PORT" knik-mobile-id-sim); then
      printf '%-18s already running, not ours: %s\n' mobile-id-sim "$other"; return 0
    fi
    echo "mobile-id-sim: port $MID_SIM_PORT is taken by another process" >&2; return 1
  fi
  # Always through cargo: a no-op when the binary is current, never a stale simulator.
  (cd "$ROOT" && cargo build -q -p knik-mobile-id-sim) || { echo "mobile-id-sim: build failed" >&2; return 1; }
  "$bin" --listen "127.0.0.1:$MID_SIM_PORT" --tls-cert "$MID_SIM_TLS/sim-tls.pem" \
    --tls-key "$MID_SIM_TLS/sim-tls.key" --pki "$PKI" </dev/null >"$STATE/mobile-id-sim.log" 2>&1 &
  pid=$!
  echo "$pid" > "$STATE/mobile-id-sim.pid"
  wait_port "$MID_SIM_PORT" "$pid" mobile-id-sim || return 1
  printf '%-18s pid %-7s https://127.0.0.1:%s/mid-api  (MID-REST, pin %s)\n' mobile-id-sim "$pid" \
    "$MID_SIM_PORT" "$(cat "$MID_SIM_TLS/sim-tls.pin")"
}

start_pcscd() {
  local pid
  pid=$(our_pid pcscd pcscd)
  if [ -n "$pid" ]; then
    printf '%-18s already running (pid %s, started by us)\n' pcscd "$pid"; return 0
  fi
  rm -f "$STATE/pcscd.pid"
  if pid=$(live_pcscd); then
    # Someone else's daemon: use it, never stop it.
    # It may have been started a moment ago: give its vpcd readers time to listen.
    for _ in $(seq 200); do listening "${VPCD_PORTS[0]}" && break; sleep 0.05; done
    listening "${VPCD_PORTS[0]}" \
      || echo "warning: pcscd $pid has no vpcd reader on tcp ${VPCD_PORTS[0]}" >&2
    printf '%-18s already running (pid %s, not ours: left alone by down)\n' pcscd "$pid"
    return 0
  fi
  # No pcscd process exists, so socket/pid files left by a killed one are stale; they would make
  # the new daemon refuse to start.
  rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
  # -a (log every APDU) only on request: VERIFY commands carry PINs, which never go to a log.
  local apdu_log=()
  [ "${KNIK_PCSCD_APDU_LOG:-0}" = 1 ] && apdu_log=(-a)
  pcscd -f "${apdu_log[@]}" </dev/null >"$STATE/pcscd.log" 2>&1 &
  pid=$!
  echo "$pid" > "$STATE/pcscd.pid"
  for p in "${VPCD_PORTS[@]}"; do wait_port "$p" "$pid" pcscd || return 1; done
  printf '%-18s pid %-7s readers "Virtual PCD 00 00" (tcp %s), "Virtual PCD 00 01" (tcp %s)\n' \
    pcscd "$pid" "${VPCD_PORTS[0]}" "${VPCD_PORTS[1]}"
}

stop() { # name
  local name=$1 pid
  pid=$(our_pid "$name" "$(program_of "$name")")
  rm -f "$STATE/$name.pid"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
  if alive "$pid"; then
    echo "$name (pid $pid) still running 5 s after SIGTERM" >&2
    return 1
  fi
  printf '%-18s stopped (pid %s)\n' "$name" "$pid"
}

up() {
  start_pcscd || return 1
  for ca in "${OCSP_CAS[@]}"; do start_ocsp "$ca" || return 1; done
  start_tsa || return 1
  start_mid_sim
}

down() {
  local rc=0 name
  for name in mobile-id-sim tsa "${OCSP_CAS[@]/#/ocsp-}" pcscd; do stop "$name" || rc=1; done
  return $rc
}

status() {
  local name pid any=0
  for name in pcscd "${OCSP_CAS[@]/#/ocsp-}" tsa mobile-id-sim; do
    pid=$(our_pid "$name" "$(program_of "$name")")
    if [ -n "$pid" ]; then printf '%-18s running (pid %s)\n' "$name" "$pid"; any=1
    else printf '%-18s not started by us\n' "$name"; fi
  done
  if pid=$(live_pcscd) && [ -z "$(our_pid pcscd pcscd)" ]; then
    printf '%-18s a pcscd not started by us runs (pid %s)\n' pcscd "$pid"
  fi
  echo "listening: $(ss -ltnH | awk '{print $4}' | grep -Eo ':(8881|8882|8883|8884|8889|8890|35963|35964)$' \
    | sort -u | tr '\n' ' ')"
  [ $any = 1 ]
}

case $CMD in
  up)
    for f in root.pem tsa.cnf db/tsa/serial holders/mobile/sign.key holders/mobile/auth.key \
      $(for r in "${OCSP_CAS[@]}"; do echo "$(ocsp_signer "$r").pem"; done); do
      [ -e "$PKI/$f" ] || { echo "missing $PKI/$f: run test-vectors/pki/generate.sh" >&2; exit 1; }
    done
    for f in sim-tls.pem sim-tls.key sim-tls.pin; do
      [ -e "$MID_SIM_TLS/$f" ] || { echo "missing $MID_SIM_TLS/$f: run test-vectors/mobile-id/generate.sh" >&2; exit 1; }
    done
    mkdir -p "$STATE"
    if ! up; then
      echo "services.sh up failed; stopping what it started" >&2
      down >&2 || true
      exit 1
    fi
    ;;
  down) [ -d "$STATE" ] || exit 0; down ;;
  status) status ;;
  *) usage ;;
esac
