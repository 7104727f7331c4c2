#!/usr/bin/env bash
# Proves the oracle scripts on containers the oracles themselves produce:
#
#   scripts/oracles/selftest.sh [WORK_DIR]          (default: a temporary directory, removed)
#
# 1. scripts/install-oracles.sh (no-op when installed) and scripts/services.sh up
#    .run/svc-oracles (reuses running services; OCSP 8884 = citizen-ca signed by RSA, TSA 8889).
# 2. produce-pyasice.py (LT-TS, citizen signing key, OCSP 8884, TSA 8889) and produce-xadesjs.mjs
#    (B-B, exclusive and inclusive C14N 1.0), all signed by holders/citizen/sign.
# 3. Every container must verify in all four verifiers; a copy with one data-file byte changed
#    (tamper.py) must be rejected by all four.
# 4. One container with three signatures (two in one signatures file): each verifier reports 3 OK,
#    and rejects all three after a data-file change; a wrong trust anchor fails xmlsec1/signxml.
# Prints one line per check with its time; exit 0 only if every check passed.
set -euo pipefail

ORACLES=$(dirname "$(realpath "$0")")
ROOT=$(dirname "$(dirname "$ORACLES")")
PKI=$ROOT/test-vectors/pki
CERT=$PKI/holders/citizen/sign.pem
KEY=$PKI/holders/citizen/sign.key
CHAIN=$PKI/chain-citizen-ca.pem
if [ -n "${1:-}" ]; then WORK=$(realpath -m "$1"); mkdir -p "$WORK"
else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi

pass=0
fail=0
now() { date +%s.%N; }
# check NAME EXPECT(ok|reject) CMD... : runs CMD, shows its output indented, times it
check() {
  local name=$1 expect=$2 t0 rc=0 out secs
  shift 2
  t0=$(now)
  out=$("$@" 2>&1) || rc=$?
  secs=$(echo "$(now) - $t0" | bc)
  if { [ "$expect" = ok ] && [ $rc = 0 ]; } || { [ "$expect" = reject ] && [ $rc = 1 ]; }; then
    pass=$((pass + 1)); printf 'PASS %-40s %6.2f s\n' "$name" "$secs"
  else
    fail=$((fail + 1)); printf 'FAIL %-40s %6.2f s (exit %s, expected %s)\n' "$name" "$secs" "$rc" "$expect"
  fi
  printf '%s\n' "$out" | sed 's/^/     | /'
}

t_all=$(now)
check install-oracles ok "$ROOT/scripts/install-oracles.sh"
check services-up ok "$ROOT/scripts/services.sh" up "$ROOT/.run/svc-oracles"

check produce-pyasice ok "$ORACLES/produce-pyasice.py" "$WORK/pyasice.asice" --cert "$CERT" \
  --key "$KEY" --issuer "$PKI/citizen-ca.pem" --ocsp http://127.0.0.1:8884/ --tsa http://127.0.0.1:8889/
check produce-xadesjs-exc ok node "$ORACLES/produce-xadesjs.mjs" "$WORK/xadesjs-exc.asice" \
  --cert "$CERT" --key "$KEY" --c14n exc
check produce-xadesjs-inc ok node "$ORACLES/produce-xadesjs.mjs" "$WORK/xadesjs-inc.asice" \
  --cert "$CERT" --key "$KEY" --c14n inc

verify_all() { # container expect
  local c=$1 e=$2 n
  n=$(basename "$c" .asice)
  check "xmlsec1 $e $n" "$e" "$ORACLES/verify-xmlsec1.sh" "$c" "$CHAIN"
  check "signxml $e $n" "$e" "$ORACLES/verify-signxml.py" "$c" "$CHAIN"
  check "pyasice $e $n" "$e" "$ORACLES/verify-pyasice.py" "$c"
  check "xadesjs $e $n" "$e" node "$ORACLES/verify-xadesjs.mjs" "$c"
}
for c in pyasice xadesjs-exc xadesjs-inc; do
  [ -f "$WORK/$c.asice" ] || continue
  verify_all "$WORK/$c.asice" ok
  python3 "$ORACLES/tamper.py" "$WORK/$c.asice" "$WORK/$c-tampered.asice" >/dev/null
  verify_all "$WORK/$c-tampered.asice" reject
done
# Several signatures: the same two files signed by pyasice and by xadesjs (exclusive and
# inclusive C14N), put into one container as signatures0.xml = [xadesjs-exc, pyasice] (two
# ds:Signature in one file) and signatures1.xml = [xadesjs-inc]. Every verifier must report 3 OK.
printf 'first file\n' > "$WORK/one two.txt"
printf 'teine fail, õ\n' > "$WORK/Աբ ö.bin"
check produce-multi ok bash -c '
  set -e
  "$0/produce-pyasice.py" "$1/m-py.asice" --cert "$2" --key "$3" --issuer "$4/citizen-ca.pem" \
    --ocsp http://127.0.0.1:8884/ --tsa http://127.0.0.1:8889/ --file "$1/one two.txt" --file "$1/Աբ ö.bin"
  for c in exc inc; do
    node "$0/produce-xadesjs.mjs" "$1/m-$c.asice" --cert "$2" --key "$3" --c14n $c \
      --file "$1/one two.txt" --file "$1/Աբ ö.bin"
  done
  "${KNIK_ORACLES_DIR:-$HOME/.cache/knik-oracles}/venv-signxml/bin/python" - "$1" <<"PY"
import sys, zipfile
from lxml import etree
w = sys.argv[1]
zs = {n: zipfile.ZipFile(f"{w}/m-{n}.asice") for n in ("py", "exc", "inc")}
root = etree.fromstring(zs["exc"].read("META-INF/signatures0.xml"))
py = etree.fromstring(zs["py"].read("META-INF/signatures1.xml"))
root.append(py.find("{http://www.w3.org/2000/09/xmldsig#}Signature"))
with zipfile.ZipFile(f"{w}/multi.asice", "w", zipfile.ZIP_DEFLATED) as out:
    src = zs["exc"]
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename == "META-INF/signatures0.xml":
            data = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + etree.tostring(root)
        out.writestr(info, data)
    out.writestr("META-INF/signatures1.xml", zs["inc"].read("META-INF/signatures0.xml"))
print("wrote", f"{w}/multi.asice: signatures0.xml = xadesjs-exc + pyasice, signatures1.xml = xadesjs-inc")
PY' "$ORACLES" "$WORK" "$CERT" "$KEY" "$PKI"
three_ok() { local out; out=$("$@") || return 1; printf '%s\n' "$out"; [ "$(grep -c ': OK' <<<"$out")" = 3 ]; }
if [ -f "$WORK/multi.asice" ]; then
  check "xmlsec1 3 signatures" ok three_ok "$ORACLES/verify-xmlsec1.sh" "$WORK/multi.asice" "$CHAIN"
  check "signxml 3 signatures" ok three_ok "$ORACLES/verify-signxml.py" "$WORK/multi.asice" "$CHAIN"
  check "pyasice 3 signatures" ok three_ok "$ORACLES/verify-pyasice.py" "$WORK/multi.asice"
  check "xadesjs 3 signatures" ok three_ok node "$ORACLES/verify-xadesjs.mjs" "$WORK/multi.asice"
  python3 "$ORACLES/tamper.py" "$WORK/multi.asice" "$WORK/multi-tampered.asice" "Աբ ö.bin" >/dev/null
  verify_all "$WORK/multi-tampered.asice" reject
fi

# A wrong trust anchor must fail the chain-checking verifiers.
check "xmlsec1 reject wrong CA" reject "$ORACLES/verify-xmlsec1.sh" "$WORK/pyasice.asice" \
  "$PKI/chain-resident-ca.pem"
check "signxml reject wrong CA" reject "$ORACLES/verify-signxml.py" "$WORK/pyasice.asice" \
  "$PKI/chain-resident-ca.pem"

printf '%s passed, %s failed in %.1f s\n' "$pass" "$fail" "$(echo "$(now) - $t_all" | bc)"
[ $fail = 0 ]
