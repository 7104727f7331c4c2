#!/usr/bin/env bash
# Create a SoftHSM2 token holding the `legacy` test holder's keys and certificates (the PKCS#11
# path of the am-legacy profile).
#
#   eval "$(scripts/softhsm-token.sh DIR)"
#
# DIR gets softhsm2.conf and tokens/ (both wiped first). stdout is one line,
# `export SOFTHSM2_CONF=DIR/softhsm2.conf`; progress goes to stderr. Every process that uses the
# token needs that variable, the process under test included.
#
# Token "knik-legacy", SO PIN 12345678, user PIN 1234. Objects (private key, public key, cert):
#   id 01, label "Authentication"  <- test-vectors/pki/holders/legacy/auth.*
#   id 02, label "Signature"       <- test-vectors/pki/holders/legacy/sign.*
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
SCRIPTS=$(dirname "$(realpath "$0")")
PKI=$(realpath -m "${KNIK_PKI_DIR:-$(dirname "$SCRIPTS")/test-vectors/pki}")
DIR=$(realpath -m "$1")
MODULE=${KNIK_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
LABEL=knik-legacy
SO_PIN=12345678
USER_PIN=1234

for f in auth.key auth.der sign.key sign.der; do
  [ -f "$PKI/holders/legacy/$f" ] || { echo "missing $PKI/holders/legacy/$f" >&2; exit 1; }
done

rm -rf "$DIR/tokens" "$DIR/softhsm2.conf"
mkdir -p "$DIR/tokens"
cat > "$DIR/softhsm2.conf" <<EOF
directories.tokendir = $DIR/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
EOF
export SOFTHSM2_CONF=$DIR/softhsm2.conf

softhsm2-util --init-token --free --label "$LABEL" --so-pin "$SO_PIN" --pin "$USER_PIN" >&2

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
p11() { pkcs11-tool --module "$MODULE" --token-label "$LABEL" --login --pin "$USER_PIN" "$@"; }

import() { # id label file-base
  local id=$1 label=$2 base=$PKI/holders/legacy/$3
  openssl pkey -in "$base.key" -pubout -outform DER -out "$TMP/$3.pub.der"
  p11 --write-object "$base.key" --type privkey --id "$id" --label "$label" --usage-sign >&2
  p11 --write-object "$TMP/$3.pub.der" --type pubkey --id "$id" --label "$label" --usage-sign >&2
  p11 --write-object "$base.der" --type cert --id "$id" --label "$label" >&2
}
import 01 Authentication auth
import 02 Signature sign

echo "token $LABEL ready in $DIR (user PIN $USER_PIN, SO PIN $SO_PIN)" >&2
echo "export SOFTHSM2_CONF=$SOFTHSM2_CONF"
