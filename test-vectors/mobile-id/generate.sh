#!/usr/bin/env bash
# TLS identities for the loopback mobile-ID simulator (knik-mobile-id-sim), and their pins.
#   sim-tls.{key,pem}       the simulator's server certificate (CN=localhost, SAN 127.0.0.1)
#   impostor-tls.{key,pem}  another server certificate for the same names: a client pinned to
#                           the simulator must refuse it
#   *.pin                   base64(SHA-256(SubjectPublicKeyInfo DER)), the form MID-REST
#                           clients pin
# Run from anywhere; rewrites the files in this directory. Valid for 50 years from the run.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")"
for name in sim-tls impostor-tls; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$name.key" -out "$name.pem" -subj "/C=AM/O=knik test PKI/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "extendedKeyUsage=serverAuth" -addext "basicConstraints=critical,CA:FALSE" -days 18250 \
    2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$name.key" -out "$name.key.tmp" && mv "$name.key.tmp" "$name.key"
  openssl x509 -in "$name.pem" -pubkey -noout | openssl pkey -pubin -outform DER \
    | openssl dgst -sha256 -binary | base64 >"$name.pin"
done
echo "pins: sim-tls $(cat sim-tls.pin), impostor-tls $(cat impostor-tls.pin)"
