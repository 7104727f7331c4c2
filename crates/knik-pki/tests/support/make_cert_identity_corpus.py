#!/usr/bin/env python3
"""Builds the hostile seed corpus fuzz/corpus/cert_identity/ from the committed test PKI.

Each file is named after the oddity it carries; tests/hostile.rs checks that the named ones fail
(or are tolerated) for the intended reason. Run from anywhere:
    python3 crates/knik-pki/tests/support/make_cert_identity_corpus.py
It rewrites the whole corpus directory (seeds are copies of the current test PKI).
"""
import os, random
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../.."))
PKI = os.path.join(ROOT, "test-vectors/pki")
OUT = os.path.join(ROOT, "fuzz/corpus/cert_identity")

def enc_len(n):
    if n < 0x80: return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b

def tlv(tag, content): return bytes([tag]) + enc_len(len(content)) + content

def parse_one(b, i=0):
    tag = b[i]; i += 1
    l = b[i]; i += 1
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[i:i+n], "big"); i += n
    return tag, b[i:i+l], i + l

def children(content):
    out = []; i = 0
    while i < len(content):
        tag, c, j = parse_one(content, i); out.append((tag, c)); i = j
    return out

def build(items): return b"".join(tlv(t, c) for t, c in items)

def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    first = arcs[0] * 40 + arcs[1]
    out = b""
    for a in [first] + arcs[2:]:
        chunk = [a & 0x7f]; a >>= 7
        while a: chunk.append(0x80 | (a & 0x7f)); a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)

base = open(f"{PKI}/holders/citizen/sign.der", "rb").read()
_, cert_c, _ = parse_one(base)
tbs_t, alg_t, sig_t = children(cert_c)
tbs = children(tbs_t[1])  # [0]ver, serial, alg, issuer, validity, subject, spki, [3]exts
IDX = dict(ver=0, serial=1, alg=2, issuer=3, validity=4, subject=5, spki=6, exts=7)

def cert(tbs_items=None, alg=None, sig=None, outer_alg=None):
    items = tbs_items if tbs_items is not None else tbs
    t = tlv(0x30, build(items))
    return tlv(0x30, t + tlv(*(outer_alg or alg or alg_t)) + tlv(*(sig or sig_t)))

def with_field(name, tag, content):
    items = list(tbs); items[IDX[name]] = (tag, content); return items

def name(rdns):  # rdns: list of list of (oid, tag, value)
    return build([(0x31, build([(0x30, oid(o) + tlv(t, v)) for o, t, v in rdn])) for rdn in rdns])

def subject(*extra):
    base_rdns = [[("2.5.4.6", 0x13, b"AM")], [("2.5.4.4", 0x0c, b"PETROSYAN")], [("2.5.4.42", 0x0c, b"ANI")]]
    return name(base_rdns + [list(e) for e in extra])

def exts(ext_list):  # (oid, critical, value)
    items = []
    for o, crit, v in ext_list:
        body = oid(o) + (tlv(0x01, crit) if crit is not None else b"") + tlv(0x04, v)
        items.append((0x30, body))
    return (0xa3, tlv(0x30, build(items)))

files = {}
# --- seeds: real certificates
for rel in ["holders/citizen/sign.der", "holders/legacy/auth.der", "holders/mobile/auth.der",
            "holders/ee/auth.der", "holders/blocked/sign.der", "tsa.der", "root.der"]:
    files["seed-" + rel.replace("/", "-").replace(".der", "")] = open(f"{PKI}/{rel}", "rb").read()
files["seed-chain-citizen-ca.pem"] = open(f"{PKI}/chain-citizen-ca.pem", "rb").read()
# --- framing
files["empty"] = b""
files["one-byte"] = b"\x30"
files["truncated-half"] = base[: len(base) // 2]
files["truncated-last-byte"] = base[:-1]
files["trailing-data"] = base + b"\x00\x00"
files["indefinite-length"] = b"\x30\x80" + base[4:] + b"\x00\x00"
files["huge-length"] = b"\x30\x84\xff\xff\xff\xff" + base[4:]
files["wrong-outer-tag-set"] = b"\x31" + base[1:]
files["wrong-outer-tag-octet"] = b"\x04" + base[1:]
files["deep-nesting"] = b"\x30\x82\x0f\xa0" + b"\x30\x82\x0f\x9c" * 1 + (b"\x30\x80" * 1000)
files["garbage"] = bytes(random.Random(7).randrange(256) for _ in range(512))
files["non-minimal-length"] = b"\x30\x82" + len(cert_c).to_bytes(2, "big") + cert_c if len(cert_c) < 0x100 else b"\x30\x83\x00" + len(cert_c).to_bytes(2, "big") + cert_c
# --- names
files["name-invalid-utf8"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x0c, b"\xc3\x28bad")])))
files["name-bmp-odd-length"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x1e, b"\x05\x31\x05")])))
files["name-bmp-lone-surrogate"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x1e, b"\xd8\x00\x00\x41")])))
files["name-nul-in-cn"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x0c, b"good\x00.evil")])))
files["name-printable-non-ascii"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x13, b"M\xdcLLER")])))
files["name-teletex-latin1"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x14, b"M\xdcLLER,JONAS,5210880456")], [("2.5.4.5", 0x13, b"PNOAM-5210880456")])))
files["name-integer-value"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x02, b"\x01\x02")])))
files["name-empty-rdn"] = cert(with_field("subject", 0x30, subject() + tlv(0x31, b"")))
files["name-atv-three-elements"] = cert(with_field("subject", 0x30, subject() + tlv(0x31, tlv(0x30, oid("2.5.4.3") + tlv(0x0c, b"a") + tlv(0x0c, b"b")))))
files["name-oid-huge-arc"] = cert(with_field("subject", 0x30, subject() + tlv(0x31, tlv(0x30, tlv(0x06, b"\xff" * 30 + b"\x7f") + tlv(0x0c, b"x")))))
files["name-oid-non-minimal"] = cert(with_field("subject", 0x30, subject() + tlv(0x31, tlv(0x30, tlv(0x06, b"\x55\x80\x04\x03") + tlv(0x0c, b"x")))))
files["name-oid-2.999"] = cert(with_field("subject", 0x30, subject([("2.999.5.5", 0x0c, b"x")], [("2.5.4.5", 0x13, b"PNOAM-2810770123")])))
files["name-multivalued-rdn"] = cert(with_field("subject", 0x30, subject([("2.5.4.3", 0x0c, b"PETROSYAN,ANI,2810770123"), ("2.5.4.5", 0x13, b"PNOAM-2810770123")])))
files["identity-empty-identifier"] = cert(with_field("subject", 0x30, subject([("2.5.4.5", 0x13, b"PNOAM-")])))
files["identity-armenian-after-prefix"] = cert(with_field("subject", 0x30, subject([("2.5.4.5", 0x0c, "PNOԱ-ԲԳ".encode())])))
files["identity-cn-only"] = cert(with_field("subject", 0x30, name([[("2.5.4.3", 0x0c, b",,,")]])))
files["identity-foreign-pno"] = cert(with_field("subject", 0x30, name([[("2.5.4.6", 0x13, b"LV")], [("2.5.4.5", 0x13, b"PNOLV-010101-12345")]])))
# --- extensions
bc = ("2.5.29.19", b"\xff", tlv(0x30, b""))
files["ext-duplicate"] = cert(tbs[:7] + [exts([bc, bc])])
files["ext-critical-non-der-true"] = cert(tbs[:7] + [exts([("2.5.29.19", b"\x01", tlv(0x30, b""))])])
files["ext-critical-false-explicit"] = cert(tbs[:7] + [exts([("2.5.29.19", b"\x00", tlv(0x30, b""))])])
files["ext-unknown-critical"] = cert(tbs[:7] + [exts([("2.999.77", b"\xff", b"\x05\x00")])])
files["ext-keyusage-unused-bits-8"] = cert(tbs[:7] + [exts([("2.5.29.15", b"\xff", tlv(0x03, b"\x08\x80"))])])
files["ext-keyusage-empty"] = cert(tbs[:7] + [exts([("2.5.29.15", b"\xff", tlv(0x03, b""))])])
files["ext-keyusage-long"] = cert(tbs[:7] + [exts([("2.5.29.15", b"\xff", tlv(0x03, b"\x00" + b"\xff" * 40))])])
files["ext-eku-not-oid"] = cert(tbs[:7] + [exts([("2.5.29.37", None, tlv(0x30, tlv(0x0c, b"clientAuth")))])])
files["ext-policies-empty-info"] = cert(tbs[:7] + [exts([("2.5.29.32", None, tlv(0x30, tlv(0x30, b"") + tlv(0x30, oid("2.999.1.1"))))])])
files["ext-policies-test-arc"] = cert(tbs[:7] + [exts([("2.5.29.32", None, tlv(0x30, tlv(0x30, oid("2.999.1.1")) + tlv(0x30, oid("2.999.1.3"))))])])
files["ext-qctype-not-sequence"] = cert(tbs[:7] + [exts([("1.3.6.1.5.5.7.1.3", None, tlv(0x30, tlv(0x30, oid("0.4.0.1862.1.6") + oid("0.4.0.1862.1.6.1"))))])])
files["ext-qctype-missing-info"] = cert(tbs[:7] + [exts([("1.3.6.1.5.5.7.1.3", None, tlv(0x30, tlv(0x30, oid("0.4.0.1862.1.6"))))])])
files["ext-aia-mixed"] = cert(tbs[:7] + [exts([("1.3.6.1.5.5.7.1.1", None, tlv(0x30,
    tlv(0x30, oid("1.3.6.1.5.5.7.48.1") + tlv(0xa4, tlv(0x30, b""))) +
    tlv(0x30, oid("1.3.6.1.5.5.7.48.1") + tlv(0x86, "http://ü/".encode())) +
    tlv(0x30, oid("1.3.6.1.5.5.7.48.2") + tlv(0x86, b"http://127.0.0.1/ca.der"))))])])
files["ext-aki-issuer-only"] = cert(tbs[:7] + [exts([("2.5.29.35", None, tlv(0x30, tlv(0xa1, b"")))])])
files["ext-value-not-octet-string"] = cert(tbs[:7] + [(0xa3, tlv(0x30, tlv(0x30, oid("2.5.29.19") + tlv(0x03, b"\x00"))))])
files["ext-empty-list"] = cert(tbs[:7] + [(0xa3, tlv(0x30, b""))])
# --- keys
def spki(alg_items, key_bits):
    # SubjectPublicKeyInfo content octets (with_field adds the SEQUENCE header).
    return tlv(0x30, alg_items) + tlv(0x03, b"\x00" + key_bits)
ec = oid("1.2.840.10045.2.1")
files["key-ec-unknown-curve"] = cert(with_field("spki", 0x30, spki(ec + oid("1.3.36.3.3.2.8.1.1.7"), b"\x04" + b"\x01" * 64)))
files["key-ec-point-not-on-curve"] = cert(with_field("spki", 0x30, spki(ec + oid("1.3.132.0.34"), b"\x04" + b"\x01" * 96)))
files["key-ec-no-params"] = cert(with_field("spki", 0x30, spki(ec, b"\x04" + b"\x01" * 96)))
files["key-ec-compressed-p256"] = cert(with_field("spki", 0x30, spki(ec + oid("1.2.840.10045.3.1.7"), b"\x02" + b"\x11" * 32)))
rsa = oid("1.2.840.113549.1.1.1") + b"\x05\x00"
def rsakey(n, e): return tlv(0x30, tlv(0x02, n) + tlv(0x02, e))
files["key-rsa-17000-bits"] = cert(with_field("spki", 0x30, spki(rsa, rsakey(b"\x00" + b"\xff" * 2125, b"\x01\x00\x01"))))
files["key-rsa-exponent-1"] = cert(with_field("spki", 0x30, spki(rsa, rsakey(b"\x00" + b"\xc3" * 256, b"\x01"))))
files["key-rsa-even-modulus"] = cert(with_field("spki", 0x30, spki(rsa, rsakey(b"\x00" + b"\xc2" * 128, b"\x01\x00\x01"))))
files["key-rsa-garbage"] = cert(with_field("spki", 0x30, spki(rsa, b"\x30\x03\x02\x01")))
files["key-ed25519"] = cert(with_field("spki", 0x30, spki(oid("1.3.101.112"), b"\x11" * 32)))
files["key-unused-bits"] = cert(with_field("spki", 0x30, tlv(0x30, ec + oid("1.3.132.0.34")) + tlv(0x03, b"\x03\x04" + b"\x01" * 96)))
# --- algorithms, versions, times, serials
ecdsa256 = tlv(0x30, oid("1.2.840.10045.4.3.2"))
files["alg-mismatch"] = cert(outer_alg=(0x30, oid("1.2.840.10045.4.3.2")))
pss_bad_mgf = tlv(0x30, oid("1.2.840.113549.1.1.10") + tlv(0x30,
    tlv(0xa0, tlv(0x30, oid("2.16.840.1.101.3.4.2.1"))) +
    tlv(0xa1, tlv(0x30, oid("1.2.840.113549.1.1.8") + tlv(0x30, oid("2.16.840.1.101.3.4.2.3")))) +
    tlv(0xa2, tlv(0x02, b"\x20"))))
pss_items = list(tbs); pss_items[2] = (0x30, pss_bad_mgf[2:])
files["alg-pss-mgf-mismatch"] = cert(pss_items, alg=(0x30, pss_bad_mgf[2:]))
pss_none = tlv(0x30, oid("1.2.840.113549.1.1.10"))
pss_items = list(tbs); pss_items[2] = (0x30, pss_none[2:])
files["alg-pss-no-params"] = cert(pss_items, alg=(0x30, pss_none[2:]))
files["alg-unknown"] = cert([tbs[0], tbs[1], (0x30, oid("1.2.3.4"))] + tbs[3:], alg=(0x30, oid("1.2.3.4")))
files["version-5"] = cert([(0xa0, tlv(0x02, b"\x04"))] + tbs[1:])
files["version-huge"] = cert([(0xa0, tlv(0x02, b"\x7f" * 9))] + tbs[1:])
files["serial-empty"] = cert(with_field("serial", 0x02, b""))
files["serial-negative"] = cert(with_field("serial", 0x02, b"\x80\x01"))
files["serial-octet-string"] = cert(with_field("serial", 0x04, b"\x01"))
files["time-invalid-utctime"] = cert(with_field("validity", 0x30, tlv(0x17, b"991332256161Z") + tlv(0x17, b"991231235959Z")))
files["time-generalized-9999"] = cert(with_field("validity", 0x30, tlv(0x18, b"99991231235959Z") + tlv(0x18, b"99991231235959Z")))
files["time-fractional"] = cert(with_field("validity", 0x30, tlv(0x18, b"20250101000000.5Z") + tlv(0x18, b"20750101000000Z")))
files["sig-empty-bitstring"] = cert(sig=(0x03, b""))
files["sig-unused-bits"] = cert(sig=(0x03, b"\x07" + sig_t[1][1:]))
# --- PEM
pem = open(f"{PKI}/holders/citizen/auth.pem", "rb").read()
files["pem-bad-base64"] = pem.replace(b"MII", b"M*I", 1)
files["pem-no-end"] = pem.split(b"-----END")[0]
files["pem-garbage-der"] = b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"
files["pem-label-mismatch"] = pem.replace(b"END CERTIFICATE", b"END X509 CRL")
files["pem-non-utf8"] = b"\xff\xfe-----BEGIN CERTIFICATE-----\n"
files["pem-begin-unterminated"] = b"-----BEGIN CERT"
files["pem-empty-label"] = b"-----BEGIN -----END -----"
files["pem-single-line"] = b"-----BEGIN CERTIFICATE-----\n" + b"".join(pem.split(b"\n")[1:-2]) + b"\n-----END CERTIFICATE-----\n"

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT): os.remove(os.path.join(OUT, f))
for k, v in files.items():
    open(os.path.join(OUT, k), "wb").write(v)
print(len(files), "files,", sum(len(v) for v in files.values()), "bytes")
