#!/usr/bin/env python3
"""Regenerates fuzz/corpus/webeid_token/: authentication tokens for the validator, good and
hostile, signed with the test PKI's keys (openssl pkeyutl) for the origin and nonce of
knik_webeid::fuzzing (TOKEN_ORIGIN, TOKEN_NONCE). Rerun after test-vectors/pki/generate.sh."""
import base64, hashlib, json, os, shutil, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.normpath(os.path.join(here, "../../../.."))
pki = os.path.join(repo, "test-vectors/pki")
out = os.path.join(repo, "fuzz/corpus/webeid_token")
O = "https://login.example.am"
N = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y="
APP = "https://knik.example/releases/0.1.0"
tmp = tempfile.mkdtemp()


def b64(data):
    return base64.b64encode(data).decode()


def der(path):
    return open(os.path.join(pki, path), "rb").read()


def raw_ecdsa(signature, size):
    """DER ECDSA-Sig-Value -> r||s as a card returns it."""
    assert signature[0] == 0x30
    i = 3 if signature[1] == 0x81 else 2
    out = b""
    for _ in range(2):
        assert signature[i] == 2
        length = signature[i + 1]
        out += signature[i + 2:i + 2 + length].lstrip(b"\0").rjust(size, b"\0")
        i += 2 + length
    return out


def sign(key, alg, origin=O, nonce=N):
    h = {"256": hashlib.sha256, "384": hashlib.sha384}[alg[2:]]
    digest = h(h(origin.encode()).digest() + h(nonce.encode()).digest()).digest()
    path = os.path.join(tmp, "digest.bin")
    open(path, "wb").write(digest)
    args = ["openssl", "pkeyutl", "-sign", "-inkey", os.path.join(pki, key), "-in", path]
    if alg == "RS256":
        args += ["-pkeyopt", "digest:sha256"]
    signature = subprocess.run(args, capture_output=True, check=True).stdout
    if alg.startswith("ES"):
        return raw_ecdsa(signature, {"ES256": 32, "ES384": 48}[alg])
    return signature


def token(holder, alg, which="auth", **kw):
    return {
        "unverifiedCertificate": b64(der("holders/%s/%s.der" % (holder, which))),
        "algorithm": alg,
        "signature": b64(sign("holders/%s/%s.key" % (holder, which), alg, **kw)),
        "format": "web-eid:1.0",
        "appVersion": APP,
    }


ES384 = [{"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"}]


def v11(t, signing_holder="citizen", intermediates=None, signing_intermediates=None):
    t = dict(t)
    t["format"] = "web-eid:1.1"
    entry = {"certificate": b64(der("holders/%s/sign.der" % signing_holder)),
             "supportedSignatureAlgorithms": ES384}
    if signing_intermediates is not None:
        entry["intermediateCertificates"] = signing_intermediates
    t["unverifiedSigningCertificates"] = [entry]
    if intermediates is not None:
        t["unverifiedIntermediateCertificates"] = intermediates
    return t


def dumps(value):
    return json.dumps(value, ensure_ascii=False).encode()


files = {}
citizen = token("citizen", "ES384")
ca = b64(der("citizen-ca.der"))
# Good tokens.
files["ok-citizen-es384"] = dumps(citizen)
files["ok-resident-es384"] = dumps(token("resident", "ES384"))
files["ok-mobile-es256"] = dumps(token("mobile", "ES256"))
files["ok-legacy-rs256"] = dumps(token("legacy", "RS256"))
files["ok-revoked-holder-ocsp-off"] = dumps(token("revoked", "ES384"))
files["ok-1.1"] = dumps(v11(citizen))
files["ok-1.1-intermediates"] = dumps(v11(citizen, intermediates=[ca], signing_intermediates=[ca]))
files["ok-pretty-printed"] = json.dumps(citizen, indent=4).encode()
# Certificates that must not pass.
files["expired-holder"] = dumps(token("expired", "ES384"))
files["signing-cert-as-auth"] = dumps(token("citizen", "ES384", which="sign"))
files["untrusted-ee-holder"] = dumps(token("ee", "ES384"))
t = dict(citizen); t["unverifiedCertificate"] = b64(der("citizen-ca-ocsp.der"))
files["ocsp-cert-as-auth"] = dumps(t)
t = dict(citizen); t["unverifiedCertificate"] = b64(b"\x30\x80" + b"\0" * 120)
files["cert-indefinite-length"] = dumps(t)
t = dict(citizen); t["unverifiedCertificate"] = b64(der("holders/citizen/auth.der") + b"\0")
files["cert-trailing-byte"] = dumps(t)
# Signatures.
files["signature-other-origin"] = dumps(token("citizen", "ES384", origin="https://evil.example.am"))
files["signature-other-nonce"] = dumps(token("citizen", "ES384", nonce="A" * 44))
t = dict(citizen); sig = bytearray(base64.b64decode(t["signature"])); sig[10] ^= 1
t["signature"] = b64(bytes(sig)); files["signature-flipped"] = dumps(t)
t = dict(citizen); t["signature"] = b64(base64.b64decode(t["signature"])[:95])
files["signature-truncated"] = dumps(t)
t = dict(citizen); t["signature"] = b64(b"\0" * 96); files["signature-zero"] = dumps(t)
t = dict(citizen); t["signature"] = b64(b"\xff" * 96); files["signature-ff"] = dumps(t)
t = dict(citizen); t["algorithm"] = "ES256"; files["alg-key-mismatch"] = dumps(t)
t = dict(citizen); t["algorithm"] = "none"; files["alg-none"] = dumps(t)
t = dict(citizen); t["algorithm"] = "es384"; files["alg-lowercase"] = dumps(t)
t = dict(citizen); t["algorithm"] = "PS256"; files["alg-rsa-on-ec"] = dumps(t)
# Formats and fields.
for name, fmt in [("format-1", "web-eid:1"), ("format-1.2", "web-eid:1.2"), ("format-2.0", "web-eid:2.0"),
                  ("format-upper", "WEB-EID:1.0"), ("format-space", "web-eid:1.0 ")]:
    t = dict(citizen); t["format"] = fmt; files[name] = dumps(t)
t = dict(citizen); t["format"] = 1.0; files["format-number"] = dumps(t)
t = dict(citizen); del t["format"]; files["format-missing"] = dumps(t)
t = dict(citizen); t["nonce"] = N; files["unknown-field-nonce"] = dumps(t)
t = dict(citizen); t["origin"] = O; files["unknown-field-origin"] = dumps(t)
t = v11(citizen); t["unverifiedSigningCertificates"][0]["trusted"] = True
files["unknown-nested-field"] = dumps(t)
t = dict(citizen); t["unverifiedIntermediateCertificates"] = [ca]; files["1.0-with-1.1-field"] = dumps(t)
t = v11(citizen); del t["unverifiedSigningCertificates"]; files["1.1-without-signing"] = dumps(t)
t = v11(citizen); t["unverifiedSigningCertificates"] = []; files["1.1-empty-signing"] = dumps(t)
t = v11(citizen); t["unverifiedSigningCertificates"][0]["supportedSignatureAlgorithms"] = []
files["1.1-no-algorithms"] = dumps(t)
t = v11(citizen); t["unverifiedSigningCertificates"][0]["supportedSignatureAlgorithms"] = [
    {"cryptoAlgorithm": "ECC", "hashFunction": "MD5", "paddingScheme": "NONE"}]
files["1.1-md5"] = dumps(t)
files["1.1-other-person"] = dumps(v11(citizen, signing_holder="revoked"))
files["1.1-other-ca"] = dumps(v11(citizen, signing_holder="mobile"))
t = v11(citizen, intermediates=[""]); files["1.1-empty-intermediate"] = dumps(t)
t = v11(citizen); t["unverifiedSigningCertificates"][0]["certificate"] = b64(b"junk")
files["1.1-signing-junk"] = dumps(t)
# JSON shape.
text = dumps(citizen).decode()
files["duplicate-format"] = text.replace('"format": "web-eid:1.0"', '"format": "web-eid:1.0", "format": "web-eid:1.1"').encode()
files["duplicate-signature"] = text.replace('"algorithm"', '"signature": "AAAA", "algorithm"').encode()
t = dict(citizen); t["signature"] = None; files["null-signature"] = dumps(t)
t = dict(citizen); t["signature"] = ""; files["empty-signature"] = dumps(t)
t = dict(citizen); t["signature"] = 12345; files["number-signature"] = dumps(t)
t = dict(citizen); t["unverifiedCertificate"] = [t["unverifiedCertificate"]]; files["array-certificate"] = dumps(t)
t = dict(citizen); t["signature"] = t["signature"].replace("+", "-").replace("/", "_").rstrip("=")
files["base64-url-unpadded"] = dumps(t)
t = dict(citizen); c = t["unverifiedCertificate"]; t["unverifiedCertificate"] = c[:64] + "\n" + c[64:]
files["base64-newline"] = dumps(t)
t = dict(citizen); t["appVersion"] = "\ud800"; files["lone-surrogate"] = json.dumps(t).encode()
# Found by the fuzzer: the token parser skips an unknown field unread, the strict pass does not.
t = dict(citizen); t["appVe-sion"] = "\ud800"; files["unknown-field-lone-surrogate"] = json.dumps(t).encode()
t = dict(citizen); t["appVersion"] = "https://" + "a" * 5000; files["long-app-version"] = dumps(t)
files["app-version-number"] = text.replace('"appVersion": "%s"' % APP, '"appVersion": 1e999').encode()
files["bom"] = b"\xef\xbb\xbf" + dumps(citizen)
files["trailing-garbage"] = dumps(citizen) + b" x"
files["trailing-object"] = dumps(citizen) + b"{}"
files["not-utf8"] = dumps(citizen).replace(b"knik.example", b"knik\xff\xfeexample")
files["nul-byte"] = dumps(citizen).replace(b"knik.example", b"knik\x00example")
files["array"] = ("[" + text + "]").encode()
files["string"] = json.dumps(text).encode()
files["deep-nesting"] = b"[" * 5000 + b"]" * 5000
files["deep-nesting-field"] = ('{"x":' * 200 + "1" + "}" * 200).encode()
files["size-99"] = b'{"a":"' + b"b" * 91 + b'"}'
files["size-100"] = b'{"a":"' + b"b" * 92 + b'"}'
base = dumps(citizen)
files["size-65536"] = base + b" " * (65536 - len(base))
files["size-65537"] = base + b" " * (65537 - len(base))
t = dict(citizen); t["pad"] = "a" * 70000; files["huge"] = dumps(t)

shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
for name, data in files.items():
    open(os.path.join(out, name), "wb").write(data)
print("%d seeds in %s" % (len(files), out))
