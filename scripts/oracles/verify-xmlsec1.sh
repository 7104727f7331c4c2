#!/usr/bin/env bash
# Verifies every XML signature of an ASiC-E container with the xmlsec1 CLI (libxmlsec1, OpenSSL).
#
#   scripts/oracles/verify-xmlsec1.sh CONTAINER CA_PEM
#
# CA_PEM: the trusted certificates, one or more in one PEM file (e.g.
# test-vectors/pki/chain-citizen-ca.pem); the KeyInfo certificate must chain to them (now).
# The container is unpacked into a temporary directory and xmlsec1 runs from there, so detached
# references ("hello%20world.txt") resolve to the data files. Checked: SignatureValue, every
# reference digest (data files and SignedProperties), the certificate chain. Not checked:
# time-stamps, OCSP, the XAdES qualifying properties' meaning.
# xmlsec1 verifies one signature per run (the first, or --node-xpath's): every ds:Signature of
# every META-INF/*signatures*.xml gets its own run, and xmlsec1's own exit code decides.
# Prints one line per signature; exit 0 only if there is at least one signature and all verify.
set -euo pipefail

[ $# = 2 ] || { echo "usage: $0 CONTAINER CA_PEM" >&2; exit 2; }
[ -f "$1" ] || { echo "xmlsec1: $1: no such file" >&2; exit 2; }
[ -f "$2" ] || { echo "xmlsec1: $2: no such file" >&2; exit 2; }
CONTAINER=$(realpath "$1")
CA_PEM=$(realpath "$2")
command -v xmlsec1 >/dev/null || { echo "xmlsec1 missing: apt install xmlsec1" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint missing: apt install libxml2-utils" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/c" "$TMP/ca"

# Unpack with Python's zipfile: UTF-8 names stay intact, and it refuses to write outside the
# target ("..", absolute names).
if ! err=$(python3 - "$CONTAINER" "$TMP/c" 2>&1 <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2])
PY
); then
  echo "xmlsec1 $1: FAIL not a readable ZIP container: ${err##*$'\n'}"
  exit 1
fi

# One certificate per file: xmlsec1 reads only the first certificate of a --trusted-pem file.
awk -v dir="$TMP/ca" '/-----BEGIN CERTIFICATE-----/ { n++ } n { print > (dir "/" n ".pem") }' "$CA_PEM"
trusted=()
for f in "$TMP"/ca/*.pem; do [ -e "$f" ] && trusted+=(--trusted-pem "$f"); done
[ ${#trusted[@]} -gt 0 ] || { echo "$CA_PEM: no certificate" >&2; exit 2; }

SIG='*[local-name()="Signature" and namespace-uri()="http://www.w3.org/2000/09/xmldsig#"]'
total=0
failures=0
cd "$TMP/c"
shopt -s nullglob
for file in META-INF/*signatures*.xml; do
  count=$(xmllint --nonet --xpath "count(//$SIG)" "$file" 2>/dev/null || echo 0)
  for ((i = 1; i <= count; i++)); do
    total=$((total + 1))
    id=$(xmllint --nonet --xpath "string((//$SIG)[$i]/@Id)" "$file" 2>/dev/null || true)
    rc=0
    out=$(xmlsec1 --verify "${trusted[@]}" \
      --id-attr:Id http://uri.etsi.org/01903/v1.3.2#:SignedProperties \
      --id-attr:Id http://www.w3.org/2000/09/xmldsig#:Signature \
      --node-xpath "(//$SIG)[$i]" "$file" 2>&1) || rc=$?
    refs=$(printf '%s\n' "$out" | sed -n 's/^SignedInfo References (ok\/all): //p' | head -n1)
    if [ $rc = 0 ]; then
      echo "xmlsec1 $file#$((i - 1)) $id: OK (references ok/all: ${refs:-?})"
    else
      failures=$((failures + 1))
      why=$(printf '%s\n' "$out" | grep -E '^(FAIL|Error|func=)' | grep -v '^OK' | tail -n 3 | tr '\n' ' ')
      echo "xmlsec1 $file#$((i - 1)) $id: FAIL exit $rc (references ok/all: ${refs:-?}) ${why}"
    fi
  done
done
if [ $total = 0 ]; then
  echo "xmlsec1 $1: FAIL no signature"
  exit 1
fi
[ $failures = 0 ]
