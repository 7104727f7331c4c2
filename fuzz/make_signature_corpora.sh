#!/usr/bin/env bash
# Regenerates the seed corpora of the signature fuzz targets:
#   fuzz/corpus/xades_verify/   signature files (META-INF/signatures0.xml), real and hostile
#   fuzz/corpus/facade_verify/  ASiC-E containers, real and hostile
#   fuzz/corpus/trust_list/     the test trusted list and hostile variants
#
#   fuzz/make_signature_corpora.sh
#
# The real signatures are made by knik (target/release/knik, built if missing) over data files
# whose content is exactly what the xades_verify target's resolver returns for every URI
# ("knik fuzz data object\n"), so they verify completely and a mutation starts from a signature
# that reaches every check. B-T, B-LT and B-LTA need the loopback TSA and OCSP responders
# (scripts/services.sh up); they are started here if the TSA does not listen, and stopped again.
# The replay tests (crates/knik-xades/tests/fuzz_signature_corpus.rs,
# crates/knik/tests/fuzz_verify_corpus.rs) expect the file names below: rename both together.
set -euo pipefail
FUZZ=$(cd "$(dirname "$(realpath "$0")")" && pwd)
ROOT=$(dirname "$FUZZ")
PKI=$ROOT/test-vectors/pki
KNIK=$ROOT/target/release/knik
[ -x "$KNIK" ] || (cd "$ROOT" && cargo build --release --locked -p knik-cli)

WORK=$(mktemp -d)
services_state=""
cleanup() {
  [ -z "$services_state" ] || "$ROOT/scripts/services.sh" down "$services_state" >&2 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export XDG_CONFIG_HOME=$WORK/config # knik's defaults, not the developer's configuration
if ! ss -ltn | grep -q ':8889 '; then
  services_state=$WORK/services
  "$ROOT/scripts/services.sh" up "$services_state" >&2
fi

# The fixed data object (must equal FIXED_DATA in fuzz/fuzz_targets/bodies/xades_verify.rs).
mkdir "$WORK/in"
printf 'knik fuzz data object\n' >"$WORK/in/data.txt"
printf 'knik fuzz data object\n' >"$WORK/in/hello world.txt" # a percent-encoded URI
mkdir "$WORK/other" # the same name, other content: a signature over other bytes
printf 'some other content\n' >"$WORK/other/data.txt"

sign() { # OUT HOLDER LEVEL [knik sign options...] -- FILES...
  local out=$1 holder=$2 level=$3; shift 3
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  "$KNIK" sign "$@" -o "$WORK/$out" --level "$level" --quiet >/dev/null \
    --key "$PKI/holders/$holder/sign.key" --cert "$PKI/holders/$holder/sign.pem" "${opts[@]}"
}
citizen_services=(--chain "$PKI/citizen-ca.pem" --tsa http://127.0.0.1:8889/
  --ocsp http://127.0.0.1:8881/)
sign b-p384.asice citizen B -- "$WORK/in/data.txt"
sign b-p256-exc.asice mobile B --c14n exc -- "$WORK/in/data.txt" "$WORK/in/hello world.txt"
sign b-rsa-v1.asice legacy B --signing-certificate-v1 -- "$WORK/in/data.txt"
sign b-rsa-pss.asice legacy B --rsa-pss --role Director --city Yerevan --country AM \
  -- "$WORK/in/data.txt"
sign t-p384.asice citizen T "${citizen_services[@]}" -- "$WORK/in/data.txt"
sign lt-p384.asice citizen LT "${citizen_services[@]}" -- "$WORK/in/data.txt"
sign lta-p384.asice citizen LTA "${citizen_services[@]}" -- "$WORK/in/data.txt"
sign b-other-data.asice citizen B -- "$WORK/other/data.txt"

python3 - "$WORK" "$FUZZ/corpus" "$ROOT" <<'PY'
import base64, os, pathlib, shutil, subprocess, sys, zipfile

work, corpus, root = map(pathlib.Path, sys.argv[1:4])

def fresh(name):
    d = corpus / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d

def signature_of(container):
    with zipfile.ZipFile(work / container) as z:
        return z.read("META-INF/signatures0.xml")

def with_doctype(xml: bytes, internal: bytes) -> bytes:
    """Puts a DOCTYPE with `internal` subset after the XML declaration."""
    decl_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:decl_end] + b"\n<!DOCTYPE asic:XAdESSignatures [" + internal + b"]>" + xml[decl_end:]

def in_signed_properties(xml: bytes, insert: bytes) -> bytes:
    """Inserts `insert` as the first child content of xades:SigningTime's parent."""
    at = xml.index(b"<xades:SigningTime>")
    return xml[:at] + insert + xml[at:]

lt = signature_of("lt-p384.asice")
laughs = b'<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))
                                            for _ in range(10)))
    for i in range(1, 10))

def duplicate_id(xml: bytes) -> bytes:
    # The wrapping attack: a second element carrying the SignedProperties' Id.
    start = xml.index(b"<xades:SignedProperties")
    end = xml.index(b"</xades:SignedProperties>") + len(b"</xades:SignedProperties>")
    copy = xml[start:end]
    at = xml.index(b"</ds:Signature>")
    return xml[:at] + b'<ds:Object>' + copy + b'</ds:Object>' + xml[at:]

def flip_signature_value(xml: bytes) -> bytes:
    start = xml.index(b"<ds:SignatureValue")
    start = xml.index(b">", start) + 1
    value = bytearray(xml)
    value[start + 5] = ord("A") if value[start + 5] != ord("A") else ord("B")
    return bytes(value)

hostile = {
    "dtd.xml": with_doctype(lt, b"<!ELEMENT asic:XAdESSignatures ANY>"),
    "internal-entity.xml": in_signed_properties(
        with_doctype(lt, b'<!ENTITY who "PETROSYAN">'), b"<xades:X>&who;</xades:X>"),
    "external-entity.xml": with_doctype(lt, b'<!ENTITY xxe SYSTEM "file:///etc/passwd">'),
    "billion-laughs.xml": with_doctype(lt, laughs),
    "undefined-entity.xml": in_signed_properties(lt, b"<xades:X>&lol9;</xades:X>"),
    "duplicate-id.xml": duplicate_id(lt),
    "deep-nesting.xml": in_signed_properties(lt, b"<a>" * 5000 + b"</a>" * 5000),
    "truncated.xml": lt[: len(lt) // 2],
    "signature-value-flipped.xml": flip_signature_value(signature_of("b-p384.asice")),
    "empty.xml": b"",
}

# --- xades_verify: signature files --------------------------------------------------------
d = fresh("xades_verify")
for c in ["b-p384", "b-p256-exc", "b-rsa-v1", "b-rsa-pss", "t-p384", "lt-p384", "lta-p384",
          "b-other-data"]:
    (d / f"sig-{c}.xml").write_bytes(signature_of(f"{c}.asice"))
for name, xml in hostile.items():
    (d / name).write_bytes(xml)

# --- facade_verify: containers ------------------------------------------------------------
def rewrite(src, dst, replace=None, drop=(), add=()):
    """Copies container `src` to `dst` entry by entry (mimetype first, stored), replacing
    entries by name, dropping some and adding others."""
    replace = replace or {}
    with zipfile.ZipFile(work / src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, zin.read(info.filename))
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, method)
        for name, data in add:
            zout.writestr(name, data, zipfile.ZIP_DEFLATED)

d = fresh("facade_verify")
for c in ["b-p384", "b-p256-exc", "b-rsa-pss", "lt-p384", "lta-p384"]:
    shutil.copy(work / f"{c}.asice", d / f"{c}.asice")
for name in ["dtd", "billion-laughs", "duplicate-id", "deep-nesting", "truncated"]:
    rewrite("lt-p384.asice", d / f"signature-{name}.asice",
            replace={"META-INF/signatures0.xml": hostile[f"{name}.xml"]})
rewrite("lt-p384.asice", d / "data-file-missing.asice", drop={"data.txt"})
rewrite("lt-p384.asice", d / "data-file-unsigned.asice", add=[("extra.txt", b"not signed\n")])
rewrite("b-p384.asice", d / "signature-of-other-data.asice",
        replace={"META-INF/signatures0.xml": signature_of("b-other-data.asice")})
subprocess.run([sys.executable, str(root / "scripts/oracles/tamper.py"),
                str(work / "lt-p384.asice"), str(d / "data-tampered.asice"), "data.txt"],
               check=True, stdout=subprocess.DEVNULL)
whole = (work / "lt-p384.asice").read_bytes()
(d / "container-truncated.asice").write_bytes(whole[: len(whole) * 2 // 3])

# --- trust_list ---------------------------------------------------------------------------
d = fresh("trust_list")
tsl_dir = root / "test-vectors/tsl"
tl = (tsl_dir / "am-tl.xml").read_bytes()
shutil.copy(tsl_dir / "am-tl.xml", d / "am-tl.xml")
shutil.copy(tsl_dir / "am-tl-impostor.xml", d / "am-tl-impostor.xml")

def tl_doctype(internal: bytes) -> bytes:
    decl_end = tl.index(b"?>") + 2
    return tl[:decl_end] + b"\n<!DOCTYPE tsl:TrustServiceStatusList [" + internal + b"]>" + tl[decl_end:]

sig_start = tl.index(b"<ds:Signature")
sig_end = tl.index(b"</ds:Signature>") + len(b"</ds:Signature>")
first_name = tl.index(b"Test Resident CA<")
(d / "tampered.xml").write_bytes(tl.replace(b"Test Resident CA<", b"Test Evil CA<", 1))
(d / "unsigned.xml").write_bytes(tl[:sig_start] + tl[sig_end:])
second = tl[sig_start:sig_end].replace(b'Id="tsl-', b'Id="second-') # no duplicate Id
(d / "two-signatures.xml").write_bytes(tl[:sig_end] + second + tl[sig_end:])
(d / "dtd.xml").write_bytes(tl_doctype(b"<!ELEMENT tsl:TrustServiceStatusList ANY>"))
(d / "billion-laughs.xml").write_bytes(tl_doctype(laughs))
(d / "deep-nesting.xml").write_bytes(tl[:first_name] + b"<a>" * 5000 + b"</a>" * 5000 + tl[first_name:])
(d / "duplicate-id.xml").write_bytes(
    tl[:sig_start] + b'<tsl:X Id="tsl-signature"/>' + tl[sig_start:])
(d / "truncated.xml").write_bytes(tl[: len(tl) // 2])
(d / "not-a-trust-list.xml").write_bytes(signature_of("b-p384.asice"))
print("corpora written:", ", ".join(
    f"{n} ({len(list((corpus / n).iterdir()))})" for n in ["xades_verify", "facade_verify", "trust_list"]))
PY
