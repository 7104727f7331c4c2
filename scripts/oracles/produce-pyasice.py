#!/usr/bin/env python3
"""Produce an ASiC-E container with pyasice 1.2.0: XAdES LT-TS (SignatureTimeStamp + OCSP).

usage: produce-pyasice.py OUT.asice --cert PEM --key PEM --ocsp URL --tsa URL
                          [--issuer PEM] [--file PATH]...

--cert: the signer's certificate (first one in the file); --issuer: its issuing CA (default: the
second certificate in --cert's file). --key: PEM private key, EC (the SignatureValue is written
as raw r||s, each half the curve size) or RSA (PKCS#1 v1.5). pyasice picks SHA-256 for everything
(ecdsa-sha256 / rsa-sha256, exclusive C14N, the Estonian BDOC policy). The OCSP response is
fetched after the time-stamp (pyasice's LT-TS order); pyasice only accepts an RSA-signed one
(scripts/services.sh: citizen-ca on http://127.0.0.1:8884/). Without --file, two built-in data
files are signed: "hello world.txt" and "Երևան.txt" (a space and non-ASCII letters).
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import oracle_env  # noqa: E402

oracle_env.use_venv("venv-pyasice")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils  # noqa: E402
from pyasice import Container, finalize_signature  # noqa: E402

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
DEFAULT_FILES = [
    ("hello world.txt", b"Hello from pyasice!\n", "text/plain"),
    ("Երևան.txt", "Բարև, Երևան։ Signed by pyasice.\n".encode(), "text/plain"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--ocsp", required=True)
    ap.add_argument("--tsa", required=True)
    ap.add_argument("--issuer")
    ap.add_argument("--file", action="append", default=[])
    a = ap.parse_args()

    certs = x509.load_pem_x509_certificates(open(a.cert, "rb").read())
    if a.issuer:
        issuer = x509.load_pem_x509_certificates(open(a.issuer, "rb").read())[0]
    elif len(certs) > 1:
        issuer = certs[1]
    else:
        sys.exit("produce-pyasice: --issuer is needed when --cert holds one certificate")
    cert = certs[0]
    key = serialization.load_pem_private_key(open(a.key, "rb").read(), None)
    der = serialization.Encoding.DER

    container = Container()
    files = [(os.path.basename(p), open(p, "rb").read(), "application/octet-stream") for p in a.file]
    for name, data, media_type in files or DEFAULT_FILES:
        container.add_file(name, data, media_type)

    xs = container.prepare_signature(cert.public_bytes(der))
    algorithm = xs.get_signature_algorithm()  # "ecdsa-sha256" / "rsa-sha256"
    digest = HASHES[algorithm.split("-")[-1]]()
    to_sign = xs.signed_data()  # canonical SignedInfo
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(key.sign(to_sign, ec.ECDSA(digest)))
        size = (key.curve.key_size + 7) // 8
        value = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    elif isinstance(key, rsa.RSAPrivateKey):
        value = key.sign(to_sign, padding.PKCS1v15(), digest)
    else:
        sys.exit(f"produce-pyasice: unsupported key type {type(key).__name__}")
    xs.set_signature_value(value)
    try:
        finalize_signature(xs, issuer.public_bytes(der), lt_ts=True, ocsp_url=a.ocsp, tsa_url=a.tsa)
    except ValueError as e:
        # pyasice checks the OCSP response it fetched and knows only sha1/sha256-RSA responders.
        sys.exit(f"produce-pyasice: {e} (the OCSP responder at {a.ocsp} must sign with RSA; "
                 "citizen-ca has one on http://127.0.0.1:8884/)")
    container.add_signature(xs)
    container.save(a.out)
    print(f"produce-pyasice: wrote {a.out} ({algorithm}, LT-TS, {len(files or DEFAULT_FILES)} data files)")


if __name__ == "__main__":
    main()
