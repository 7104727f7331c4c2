#!/usr/bin/env python3
"""Verify every signature of an ASiC-E container with pyasice 1.2.0, plus the data-file digests.

usage: verify-pyasice.py CONTAINER

Per signature: pyasice's verify() (SignatureValue over SignedInfo with the KeyInfo certificate),
verify_ts_response() when a SignatureTimeStamp is present (TST signature and imprint over the
canonical ds:SignatureValue), verify_ocsp_response() when an OCSP response is present and signed
with sha1/sha256-RSA (pyasice knows no other OCSP algorithm: the line says the check was skipped).
pyasice itself does NOT check the data-file digests, so this script does: every ds:Reference
whose URI is not a fragment is read from the container and hashed with hashlib.
pyasice checks the SignedProperties digest only with SHA-256 (whatever DigestMethod says); for
other digests this script checks it with the declared algorithm instead.
Not checked by anything here: any certificate chain, the OCSP status, SigningCertificate.
Prints one line per signature; exit 0 only if there is at least one signature and all verify.
"""

import base64
import hashlib
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import oracle_env  # noqa: E402

oracle_env.use_venv("venv-pyasice")

from asn1crypto import ocsp  # noqa: E402
from lxml import etree  # noqa: E402
from pyasice import XmlSignature  # noqa: E402

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-256": "sha3_256",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-384": "sha3_384",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-512": "sha3_512",
}
OCSP_ALGS = ("sha256_rsa", "sha1_rsa")


def check_data_files(zf, sig):
    """Digest check of the detached references; returns (count, list of problems)."""
    problems = []
    refs = [
        r for r in sig.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
        if not (r.get("URI") or "").startswith("#")
    ]
    for ref in refs:
        uri = ref.get("URI") or ""
        if ref.find(f"{{{DS}}}Transforms") is not None:
            problems.append(f"{uri}: has transforms (not supported by this check)")
            continue
        alg = ref.find(f"{{{DS}}}DigestMethod").get("Algorithm")
        if alg not in DIGESTS:
            problems.append(f"{uri}: unknown digest {alg}")
            continue
        try:
            data = oracle_env.read_reference(zf, uri)
        except KeyError as e:
            problems.append(str(e))
            continue
        expected = base64.b64decode(ref.findtext(f"{{{DS}}}DigestValue") or "")
        if hashlib.new(DIGESTS[alg], data).digest() != expected:
            problems.append(f"{uri}: digest mismatch")
    return len(refs), problems


def ocsp_algorithm(sig):
    """Signature algorithm of the embedded OCSP response ('sha256_rsa', ...) or None."""
    value = sig.find(f".//{{{XADES}}}EncapsulatedOCSPValue")
    if value is None or not (value.text or "").strip():
        return None
    resp = ocsp.OCSPResponse.load(base64.b64decode(value.text))
    return resp["response_bytes"]["response"].parsed["signature_algorithm"]["algorithm"].native


def verify_one(zf, sig, doc):
    """Run every check on one ds:Signature; returns (ok, description)."""
    done, problems = [], []
    xs = XmlSignature(etree.tostring(doc))
    # pyasice refuses to verify ("not prepared") unless the SignedProperties digest matches, and
    # computes that digest with SHA-256 whatever DigestMethod says. For other digests, check it
    # here with the declared algorithm and let pyasice go on.
    sp_ref = xs._get_signed_info_ref_node()
    sp_alg = sp_ref.find(f"{{{DS}}}DigestMethod").get("Algorithm") if sp_ref is not None else None
    if sp_ref is not None and DIGESTS.get(sp_alg) not in (None, "sha256"):
        method = xs._get_signed_properties_c14n_algo(sp_ref)
        c14n = xs.canonicalize(xs._get_signed_properties_node(), method)
        expected = base64.b64decode(sp_ref.findtext(f"{{{DS}}}DigestValue") or "")
        if hashlib.new(DIGESTS[sp_alg], c14n).digest() == expected:
            xs._prepared = True
            done.append(f"SignedProperties {DIGESTS[sp_alg]} digest (our check: pyasice knows SHA-256 only)")
        else:
            problems.append(f"SignedProperties {DIGESTS[sp_alg]} digest mismatch (our check)")
    elif sp_ref is not None:
        done.append("SignedProperties digest")
    try:
        xs.verify()
        done.append(f"SignatureValue {xs.get_signature_algorithm()}")
    except Exception as e:  # pyasice raises several types; all mean "invalid"
        problems.append(f"verify(): {type(e).__name__}: {e}")
    if xs.get_timestamp_response() is not None:
        try:
            xs.verify_ts_response()
            done.append("time-stamp")
        except Exception as e:
            problems.append(f"verify_ts_response(): {type(e).__name__}: {e}")
    else:
        done.append("no time-stamp")
    alg = ocsp_algorithm(sig)
    if alg is None:
        done.append("no OCSP")
    elif alg not in OCSP_ALGS:
        done.append(f"OCSP check SKIPPED (responder signs with {alg}; pyasice knows only sha1/sha256-RSA)")
    else:
        try:
            xs.verify_ocsp_response()
            done.append(f"OCSP signature ({alg})")
        except Exception as e:
            problems.append(f"verify_ocsp_response(): {type(e).__name__}: {e}")
    count, digest_problems = check_data_files(zf, sig)
    problems += [f"data-file digest (our check): {p}" for p in digest_problems]
    if not digest_problems:
        done.append(f"{count} data-file digests (our hashlib check, not pyasice's)")
    if problems:
        return False, "; ".join(problems)
    return True, ", ".join(done)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: verify-pyasice.py CONTAINER")
    path = sys.argv[1]
    zf = oracle_env.open_container(path, "pyasice")
    total = failures = 0
    for name in oracle_env.signature_files(zf):
        root = etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False))
        for i, sig, doc in oracle_env.each_signature(root):
            total += 1
            try:
                ok, what = verify_one(zf, sig, doc)
            except Exception as e:  # e.g. a C14N variant pyasice does not know
                ok, what = False, f"{type(e).__name__}: {e}"
            failures += not ok
            print(f"pyasice {name}#{i} {sig.get('Id', '')}: {'OK' if ok else 'FAIL'} {what}")
    if total == 0:
        print(f"pyasice {path}: FAIL no signature")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
