#!/usr/bin/env python3
"""Verify every XAdES signature of an ASiC-E container with signxml 5.2.0 (XAdESVerifier).

usage: verify-signxml.py CONTAINER CA_PEM

CA_PEM holds the trusted certificates (e.g. test-vectors/pki/chain-citizen-ca.pem); the signing
certificate from ds:KeyInfo must chain to them (now). Checked: SignatureValue, every ds:Reference
digest - the data files are read from the container, so a changed data file fails - the
SignedProperties digest and SigningCertificate(V2). Not checked: time-stamps, OCSP/revocation.
The chain check uses ee_policy permit_all: qualified signing certificates carry keyUsage
nonRepudiation only, which cryptography's default end-entity policy rejects.
Prints one line per signature; exit 0 only if there is at least one signature and all verify.
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import oracle_env  # noqa: E402

oracle_env.use_venv("venv-signxml")

from cryptography.x509.verification import ExtensionPolicy  # noqa: E402
from lxml import etree  # noqa: E402
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier  # noqa: E402

DS = "http://www.w3.org/2000/09/xmldsig#"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: verify-signxml.py CONTAINER CA_PEM")
    path, ca_pem = sys.argv[1], sys.argv[2]
    zf = oracle_env.open_container(path, "signxml")
    total = failures = 0
    for name in oracle_env.signature_files(zf):
        root = etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False))
        for i, sig, doc in oracle_env.each_signature(root):
            total += 1
            refs = sig.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
            data_refs = [r.get("URI") for r in refs if not (r.get("URI") or "").startswith("#")]
            cfg = XAdESSignatureConfiguration(expect_references=len(refs), location="./")
            try:
                results = XAdESVerifier().verify(
                    etree.tostring(doc),
                    expect_config=cfg,
                    ca_pem_file=ca_pem,
                    ee_policy=ExtensionPolicy.permit_all(),
                    uri_resolver=lambda uri: oracle_env.read_reference(zf, uri),
                )
                kinds = ",".join(type(r).__name__ for r in results)
                print(f"signxml {name}#{i} {sig.get('Id', '')}: OK ({len(refs)} references, "
                      f"{len(data_refs)} data files: {kinds})")
            except Exception as e:  # signxml raises several exception types; all mean "invalid"
                failures += 1
                print(f"signxml {name}#{i} {sig.get('Id', '')}: FAIL {type(e).__name__}: {e}")
    if total == 0:
        print(f"signxml {path}: FAIL no signature")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
