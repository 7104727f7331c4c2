#!/usr/bin/env bash
# knik's main job on the embedded default, on a fresh Debian 12 machine:
# installs what is missing, builds knik, starts pcscd with the virtual readers, puts the virtual
# citizen ID card in "Virtual PCD 00 00" and the virtual residence card in "Virtual PCD 00 01",
# shows the readers, the cards and the holders' identities with `knik card list/info`, then signs
# a document with the citizen's card through pcscd at B-LT (time-stamp and OCSP from the loopback
# services) and verifies the container.
# Everything it started is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh
echo "==> building knik and the virtual card"
cargo build --locked -q -p knik-cli -p knik-card-sim
KNIK="$ROOT/target/debug/knik"
SIM="$ROOT/target/debug/knik-card-sim"

# The same state directory as a plain `scripts/services.sh up`: services a developer already
# runs are reused and left running.
STATE="$ROOT/.run/services"
ours=1
ss -ltn | grep -q ':8881 ' && ours=0
scripts/services.sh up "$STATE" >/dev/null
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ "$ours" = 1 ] && scripts/services.sh down "$STATE" >/dev/null
  true
}
trap cleanup EXIT

"$SIM" --card test-vectors/cards/citizen.toml --port 35963 2>"$STATE/citizen-card.log" &
pids+=($!)
"$SIM" --card test-vectors/cards/resident.toml --port 35964 2>"$STATE/resident-card.log" &
pids+=($!)
for _ in $(seq 100); do
  [ "$("$KNIK" card list --json 2>/dev/null | grep -c '"card_present": *true')" -ge 2 ] && break
  sleep 0.1
done

echo; echo "\$ knik card list"
"$KNIK" card list
echo; echo "\$ knik card info --reader 'Virtual PCD 00 00'"
"$KNIK" card info --reader "Virtual PCD 00 00"
echo; echo "\$ knik card info --reader 'Virtual PCD 00 01'"
"$KNIK" card info --reader "Virtual PCD 00 01"

# Signing: the virtual card's PIN2 comes from the environment here (a person gets a PIN
# prompt); the time-stamp authority and the OCSP responder are the loopback test services.
DEMO="$STATE/demo"
mkdir -p "$DEMO"
printf 'Համաձայնագիր / Agreement\nSigned with knik on the virtual citizen ID card.\n' >"$DEMO/agreement.txt"
cat >"$DEMO/config.toml" <<EOF
[pki]
trust = ["$ROOT/test-vectors/pki/root.pem"]
chain = ["$ROOT/test-vectors/pki/citizen-ca.pem", "$ROOT/test-vectors/pki/resident-ca.pem",
  "$ROOT/test-vectors/pki/mobile-id-ca.pem"]

[signing]
level = "LT"
tsa_url = "http://127.0.0.1:8889/"
# no ocsp_url: each certificate names its own responder (citizen CA :8881, mobile-ID CA :8883)

[mobile_id]
url = "https://127.0.0.1:8890/mid-api"
relying_party_name = "knik demo"
relying_party_uuid = "00000000-0000-4000-8000-00000000a11e"
pins_file = "$ROOT/test-vectors/mobile-id/sim-tls.pin"
EOF
echo; echo "\$ knik sign --reader 'Virtual PCD 00 00' agreement.txt -o agreement.asice    (B-LT)"
KNIK_PIN2=12345 "$KNIK" --config "$DEMO/config.toml" --pin-source env --reader "Virtual PCD 00 00" \
  sign "$DEMO/agreement.txt" -o "$DEMO/agreement.asice" --force
echo; echo "\$ knik verify agreement.asice"
"$KNIK" --config "$DEMO/config.toml" verify "$DEMO/agreement.asice"

# Mobile ID: the simulator (https://127.0.0.1:8890, pinned TLS) plays the phone of the same
# citizen; the verification code is shown before the phone is asked.
echo; echo "\$ knik sign --mobile-id --phone +37400000001 --id 2810770123 agreement.txt -o agreement-mid.asice"
"$KNIK" --config "$DEMO/config.toml" sign --mobile-id --phone +37400000001 --id 2810770123 \
  "$DEMO/agreement.txt" -o "$DEMO/agreement-mid.asice" --force --quiet
echo; echo "\$ knik verify agreement-mid.asice"
"$KNIK" --config "$DEMO/config.toml" verify "$DEMO/agreement-mid.asice"
