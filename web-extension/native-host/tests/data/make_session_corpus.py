#!/usr/bin/env python3
"""Regenerates fuzz/corpus/native_host_session/: what a browser (or something pretending to be
one) may write to the native host's stdin in one session. The fuzz target and
tests/fuzz_corpus.rs replay it through knik_native_host::fuzzing::session.

The stand-in card operations fail when the input's last byte is odd and the developer origin
policy is on when the first byte is odd, so some seeds are padded to reach both branches."""
import base64, hashlib, json, os, struct

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.normpath(os.path.join(here, "../../../.."))
out = os.path.join(repo, "fuzz/corpus/native_host_session")
holder = os.path.join(repo, "test-vectors/pki/holders/citizen")

def fr(body):
    if isinstance(body, str):
        body = body.encode()
    return struct.pack("=I", len(body)) + body

def cmd(command, args=None, **extra):
    d = {"command": command}
    if args is not None:
        d["arguments"] = args
    d.update(extra)
    return json.dumps(d, separators=(",", ":"))

N = "pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4="
O = "https://login.example.am"
H384 = base64.b64encode(hashlib.sha384(b"SignedInfo").digest()).decode()
cert = base64.b64encode(open(os.path.join(holder, "sign.der"), "rb").read()).decode()

files = {
    "empty": b"",
    "status": fr(cmd("status", {})),
    "status-no-arguments": fr(cmd("status")),
    "quit": fr(cmd("quit", {})),
    "quit-then-status": fr(cmd("quit", {})) + fr(cmd("status", {})),
    "authenticate": fr(cmd("authenticate", {"challengeNonce": N, "origin": O})),
    "authenticate-lang": fr(cmd("authenticate", {"challengeNonce": N, "origin": O, "lang": "hy"})),
    "authenticate-localhost": fr(cmd("authenticate", {"challengeNonce": N, "origin": "http://localhost:8080"})),
    "authenticate-wss-port": fr(cmd("authenticate", {"challengeNonce": N, "origin": "wss://a.example.am:8443"})),
    "get-signing-certificate": fr(cmd("get-signing-certificate", {"origin": O})),
    "sign-sha384": fr(cmd("sign", {"hash": H384, "hashFunction": "SHA-384", "certificate": cert, "origin": O})),
    "sign-sha3": fr(cmd("sign", {"hash": H384, "hashFunction": "SHA3-384", "certificate": cert, "origin": O})),
    "sign-short-hash": fr(cmd("sign", {"hash": "AA==", "hashFunction": "SHA-384", "certificate": cert, "origin": O})),
    "unknown-command": fr(cmd("sign-everything", {})),
    "extra-argument": fr(cmd("authenticate", {"challengeNonce": N, "origin": O, "user": "x"})),
    "missing-argument": fr(cmd("authenticate", {"origin": O})),
    "origin-path": fr(cmd("authenticate", {"challengeNonce": N, "origin": O + "/"})),
    "origin-http": fr(cmd("authenticate", {"challengeNonce": N, "origin": "http://login.example.am"})),
    "nonce-short": fr(cmd("authenticate", {"challengeNonce": N[:40], "origin": O})),
    "nonce-long": fr(cmd("authenticate", {"challengeNonce": "A" * 132, "origin": O})),
    "prefix-8193": struct.pack("=I", 8193) + b" " * 64,
    "prefix-max": b"\xff\xff\xff\xff{}",
    "prefix-zero": struct.pack("=I", 0),
    "prefix-truncated": b"\x10\x00",
    "body-truncated": struct.pack("=I", 100) + cmd("quit", {}).encode(),
    "too-short": fr("{}"),
    "not-utf8": fr(b'{"command":"\xff","arguments":{}}'),
    "not-json": fr("command=status"),
    "not-object": fr("[1,2,3]"),
    "exactly-8192": struct.pack("=I", 8192) + cmd("status", {}).encode().ljust(8192, b" "),
}
# The failing branch of the stand-in operations: an odd last byte after the frame.
for name in ["authenticate", "get-signing-certificate", "sign-sha384"]:
    files[name + "-card-fails"] = files[name] + b"\x01"

os.makedirs(out, exist_ok=True)
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"wrote {len(files)} files to {out}")
