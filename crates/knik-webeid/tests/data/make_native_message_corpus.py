#!/usr/bin/env python3
"""Regenerates fuzz/corpus/native_message/ (hostile native-messaging frames and tokens)."""
import struct, json, base64, hashlib, subprocess, os, sys, tempfile
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.normpath(os.path.join(here, "../../../.."))
root = os.path.join(repo, "test-vectors/pki/holders/citizen")
out = os.path.join(repo, "fuzz/corpus/native_message")
def fr(body):
    if isinstance(body, str): body = body.encode()
    return struct.pack("=I", len(body)) + body
def cmd(command, args=None, **extra):
    d = {"command": command}
    if args is not None: d["arguments"] = args
    d.update(extra)
    return json.dumps(d, separators=(",", ":"))
N = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y="
O = "https://login.example.am"
H256 = base64.b64encode(hashlib.sha256(b"").digest()).decode()
cert = base64.b64encode(open(root + "/auth.der", "rb").read()).decode()
scert = base64.b64encode(open(root + "/sign.der", "rb").read()).decode()
files = {}
files["empty"] = b""
files["prefix-truncated"] = b"\x10\x00"
files["prefix-max"] = b"\xff\xff\xff\xff" + b"{}"
files["prefix-8193"] = struct.pack("=I", 8193) + b"{" + b" " * 8191 + b"}"
files["prefix-big-endian"] = struct.pack(">I", 33) + cmd("quit", {}).encode()
files["prefix-zero"] = struct.pack("=I", 0)
files["too-short-4"] = fr("null")
files["body-truncated"] = struct.pack("=I", 200) + cmd("quit", {}).encode()
files["not-utf8"] = fr(b'{"command":"\xff\xfe","arguments":{}}')
files["overlong-utf8"] = fr(b'{"command":"\xc0\xafquit","arguments":{}}')
files["invalid-json"] = fr('{"command":"quit",')
files["trailing-json"] = fr('{"command":"quit","arguments":{}} {}')
files["deep-nesting"] = fr("[" * 4000 + "]" * 4000)
files["deep-nesting-args"] = fr('{"command":"quit","arguments":' + '{"a":' * 1000 + "1" + "}" * 1001)
files["not-object"] = fr("[1,2,3]")
files["command-number"] = fr('{"command":42,"arguments":{}}')
files["arguments-array"] = fr('{"command":"quit","arguments":[]}')
files["duplicate-keys"] = fr('{"command":"quit","command":"sign","arguments":{}}')
files["ok-authenticate"] = fr(cmd("authenticate", {"challengeNonce": N, "origin": O, "lang": "hy"}))
files["ok-get-signing-certificate"] = fr(cmd("get-signing-certificate", {"origin": O}))
files["ok-sign"] = fr(cmd("sign", {"hash": H256, "hashFunction": "SHA-256", "certificate": scert, "origin": O}))
files["ok-status"] = fr(cmd("status"))
files["ok-quit"] = fr(cmd("quit", {}))
files["two-frames"] = fr(cmd("status")) + fr(cmd("quit", {}))
files["unknown-command"] = fr(cmd("sign-raw", {"hash": H256}))
files["extra-argument"] = fr(cmd("authenticate", {"challengeNonce": N, "origin": O, "user": "x"}))
files["extra-envelope"] = fr(cmd("quit", {}, origin=O))
files["missing-argument"] = fr(cmd("authenticate", {"origin": O}))
files["missing-arguments"] = fr(cmd("sign"))
files["sign-hash-length"] = fr(cmd("sign", {"hash": H256, "hashFunction": "SHA-384", "certificate": scert, "origin": O}))
files["sign-sha3"] = fr(cmd("sign", {"hash": base64.b64encode(b"\0" * 64).decode(), "hashFunction": "SHA3-512", "certificate": "MIIB", "origin": O}))
files["sign-bad-base64"] = fr(cmd("sign", {"hash": "!!!!", "hashFunction": "SHA-256", "certificate": "MIIB", "origin": O}))
files["sign-noncanonical-base64"] = fr(cmd("sign", {"hash": H256[:-2] + "V=", "hashFunction": "SHA-256", "certificate": "MIB=", "origin": O}))
files["lang-long"] = fr(cmd("get-signing-certificate", {"origin": O, "lang": "hye"}))
files["lang-unicode"] = fr(cmd("get-signing-certificate", {"origin": O, "lang": "հյ"}))
for i, o in enumerate(["", "https://a.am/", "https://a.am?x", "https://a.am#f", "https://u@a.am", "http://localhost:3000",
        "http://127.0.0.1", "http://a.am", "https://пример.am", "https://xn--pike-loa.ee:8443", "https://[::1]:8443",
        "https://[::1", "https://a.am:0", "https://a.am:99999", "https://A.AM", "https://" + "a" * 300, "wss://a.am",
        "https://a.am\u0000", "https://..", "https://a.am:", "javascript://a.am"]):
    files["origin-%02d" % i] = fr(cmd("authenticate", {"challengeNonce": N, "origin": o}))
for name, n in [("nonce-43", "A" * 43), ("nonce-44", "A" * 44), ("nonce-128", "A" * 128), ("nonce-129", "A" * 129),
                ("nonce-urlsafe", "A" * 42 + "-_"), ("nonce-padding", "A" * 43 + "="), ("nonce-mid-padding", "A" * 20 + "=" + "A" * 23)]:
    files[name] = fr(cmd("authenticate", {"challengeNonce": n, "origin": O}))
files["handshake"] = b'{"version":"0.1.0"}'
files["raw-origin"] = b"https://xn--e1afmkfd.xn--p1ai:443"
files["raw-nonce"] = N.encode()
# Tokens (raw JSON, not framed): a valid ES384 token over (O, N) signed by openssl.
digest = hashlib.sha384(hashlib.sha384(O.encode()).digest() + hashlib.sha384(N.encode()).digest()).digest()
digest_file = os.path.join(tempfile.mkdtemp(), "digest.bin")
open(digest_file, "wb").write(digest)
der = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", root + "/auth.key", "-in", digest_file], capture_output=True, check=True).stdout
def der_int(b, i):
    assert b[i] == 2; l = b[i + 1]; v = b[i + 2:i + 2 + l]; return v, i + 2 + l
assert der[0] == 0x30
i = 3 if der[1] == 0x81 else 2
r, i = der_int(der, i); s, _ = der_int(der, i)
raw = r.lstrip(b"\0").rjust(48, b"\0") + s.lstrip(b"\0").rjust(48, b"\0")
tok = {"unverifiedCertificate": cert, "algorithm": "ES384", "signature": base64.b64encode(raw).decode(),
       "format": "web-eid:1.0", "appVersion": "https://knik.example/releases/0.1.0"}
files["token-1.0"] = json.dumps(tok).encode()
t = dict(tok); t["signature"] = base64.b64encode(der).decode(); files["token-der-signature"] = json.dumps(t).encode()
t = dict(tok); t["algorithm"] = "ES256"; files["token-alg-mismatch"] = json.dumps(t).encode()
t = dict(tok); t["algorithm"] = "none"; files["token-alg-none"] = json.dumps(t).encode()
t = dict(tok); t["unverifiedIntermediateCertificates"] = [cert]; files["token-1.0-with-1.1-field"] = json.dumps(t).encode()
t = dict(tok); t["format"] = "web-eid:1.1"; t["unverifiedSigningCertificates"] = [{"certificate": scert, "supportedSignatureAlgorithms": [{"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"}]}]
files["token-1.1"] = json.dumps(t).encode()
t2 = dict(t); t2["unverifiedSigningCertificates"] = [{"certificate": scert, "supportedSignatureAlgorithms": [{"cryptoAlgorithm": "DSA", "hashFunction": "MD5", "paddingScheme": "X"}]}]
files["token-1.1-bad-algorithm"] = json.dumps(t2).encode()
t2 = dict(t); t2["unverifiedIntermediateCertificates"] = [""]; files["token-1.1-empty-intermediate"] = json.dumps(t2).encode()
t = dict(tok); t["unverifiedCertificate"] = base64.b64encode(b"\x30\x80" + b"\x00" * 100).decode(); files["token-bad-cert"] = json.dumps(t).encode()
t = dict(tok); t["pad"] = "a" * 70000; files["token-huge"] = json.dumps(t).encode()
files["token-framed"] = fr(json.dumps(tok))
for k, v in files.items():
    open(os.path.join(out, k), "wb").write(v)
print(len(files))
