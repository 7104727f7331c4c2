#!/usr/bin/env bash
# Adds an RSA-2048 delegated OCSP responder for citizen-ca to the test PKI:
#
#   test-vectors/pki/add-rsa-ocsp.sh [--force]
#
# Writes citizen-ca-ocsp-rsa.{key,pem,der} (EKU OCSPSigning, id-pkix-ocsp-nocheck; the ocsp_ext
# section of db/openssl.cnf, like the P-384 citizen-ca-ocsp) and records the certificate in
# db/citizen-ca/index.txt + serial, as openssl ca does for everything citizen-ca issues.
# Why: pyasice (a test oracle, scripts/oracles/) checks an OCSP response only when the responder
# signed it with sha1/sha256-RSA. scripts/services.sh serves it on http://127.0.0.1:8884/.
# generate.sh calls this at its end. Run alone, it keeps existing files (the key is committed)
# unless --force is given. No other key or certificate is touched. TEST-ONLY key material.
set -euo pipefail

cd "$(dirname "$(realpath "$0")")"
export LC_ALL=C.UTF-8
OUT=citizen-ca-ocsp-rsa
START=20250101000000Z # the same validity as the other responders (generate.sh LEAF_START/END)
END=20750101000000Z

if [ "${1:-}" != --force ] && [ -e "$OUT.pem" ] && [ -e "$OUT.key" ]; then
  echo "$OUT.pem exists (use --force to issue a new one)"
  exit 0
fi
for f in db/openssl.cnf citizen-ca.pem citizen-ca.key db/citizen-ca/index.txt; do
  [ -e "$f" ] || { echo "missing test-vectors/pki/$f: run generate.sh" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KNIK_NEWCERTS_DIR=$TMP

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT.key" 2>/dev/null
openssl req -config db/openssl.cnf -utf8 -new -key "$OUT.key" \
  -subj "/C=AM/O=knik test PKI/CN=Test Citizen CA OCSP Responder RSA" -out "$TMP/req.csr"
openssl ca -config db/openssl.cnf -name citizen-ca -utf8 -batch -notext -extensions ocsp_ext \
  -startdate "$START" -enddate "$END" -in "$TMP/req.csr" -out "$OUT.pem" 2>"$TMP/ca.log" \
  || { cat "$TMP/ca.log" >&2; exit 1; }
openssl x509 -in "$OUT.pem" -outform DER -out "$OUT.der"
rm -f db/citizen-ca/*.old

openssl verify -CAfile root.pem -untrusted citizen-ca.pem -purpose ocsphelper "$OUT.pem" >/dev/null
echo "wrote $(pwd)/$OUT.{key,pem,der} (serial $(openssl x509 -in "$OUT.pem" -noout -serial | cut -d= -f2))"
