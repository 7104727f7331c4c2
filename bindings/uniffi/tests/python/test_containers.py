"""Signing and verifying ASiC-E containers through the Python bindings, as an app does.

The card is knik-card-sim behind a Python channel; the time-stamp authority and the OCSP
responder are the loopback services (scripts/services.sh). What the bindings sign is checked by
other verifiers too: the knik CLI (same core, other front end) and xmlsec1 (independent), and a
tampered copy must fail with the same finding codes in the bindings and in the CLI.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest
import zipfile

import knik

from support import (
    PKI,
    ROOT,
    TSA_URL,
    CardTestCase,
    ScriptedPins,
    cli,
    need_services,
    read,
    signing_options,
    trust,
)


def xmlsec1_verifies(container):
    """scripts/oracles/verify-xmlsec1.sh: exit 0 when every signature verifies in xmlsec1."""
    script = ROOT / "scripts/oracles/verify-xmlsec1.sh"
    p = subprocess.run(
        [str(script), str(container), str(PKI / "chain-citizen-ca.pem")],
        capture_output=True,
        text=True,
        check=False,
    )
    return p.returncode, p.stdout + p.stderr


def cli_report(container):
    code, out = cli("verify", "--json", "--trust", PKI / "root.pem", container)
    return code, json.loads(out)


def rewrite_entry(src, dst, name, change):
    """Copies the ZIP `src` to `dst` with entry `name` passed through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                data = change(data)
            zout.writestr(info, data)


class SignWithCard(CardTestCase):
    """Tests that reach the time-stamp authority and the OCSP responder say so first."""

    def setUp(self):
        super().setUp()
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="knik-py-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        self.doc = self.tmp / "leping.txt"
        self.doc.write_text("Պայմանագիր / agreement\n", encoding="utf-8")

    def test_b_lt_container_is_valid_here_in_the_cli_and_in_xmlsec1(self):
        need_services(self, 8881, 8889)
        out = self.tmp / "signed.asice"
        pins = ScriptedPins("12345")
        signed = knik.sign_with_card(self.card, [str(self.doc)], str(out), signing_options(), pins)
        self.assertEqual(signed.level, knik.SignatureLevel.LT)
        self.assertEqual(signed.signature_file, "META-INF/signatures0.xml")
        self.assertEqual([r.purpose for r in pins.requests], [knik.PinPurpose.SIGN])
        self.assertEqual(pins.requests[0].kind, knik.PinKind.PIN2)

        report = knik.verify_container(str(out), trust())
        self.assertEqual(report.verdict, knik.Verdict.VALID, report.json)
        sig = report.signatures[0]
        self.assertEqual(sig.level, "B-LT")
        self.assertEqual(sig.signer.personal_number, "2810770123")
        self.assertEqual(sig.signer.document_kind, "citizen-id-card")
        self.assertEqual(sig.revocation.status, "good")
        self.assertEqual(sig.signed_files, ["leping.txt"])
        self.assertIsNotNone(sig.proven_signing_time)

        code, cli_json = cli_report(out)
        self.assertEqual(code, 0, cli_json)
        self.assertEqual(cli_json["verdict"], "valid")
        self.assertEqual(cli_json["signatures"][0]["level"], "B-LT")
        rc, why = xmlsec1_verifies(out)
        self.assertEqual(rc, 0, why)

    def test_wrong_pin2_leaves_no_file_and_says_how_many_tries_are_left(self):
        out = self.tmp / "never.asice"
        with self.assertRaises(knik.KnikError.WrongPin) as caught:
            knik.sign_with_card(
                self.card, [str(self.doc)], str(out), signing_options(), ScriptedPins("54321")
            )
        self.assertEqual(caught.exception.code, "CARD_WRONG_PIN")
        self.assertEqual(caught.exception.retries_left, 2)
        self.assertFalse(out.exists())
        self.assertEqual(os.listdir(self.tmp), ["leping.txt"], "no temporary file left behind")

    def test_cancel_at_pin2_is_cancelled_and_writes_nothing(self):
        out = self.tmp / "never.asice"
        with self.assertRaises(knik.KnikError.Cancelled):
            knik.sign_with_card(
                self.card, [str(self.doc)], str(out), signing_options(), ScriptedPins(None)
            )
        self.assertFalse(out.exists())

    def test_missing_time_stamp_authority_is_refused_before_the_pin(self):
        options = signing_options()
        options.tsa_url = None
        pins = ScriptedPins()
        with self.assertRaises(knik.KnikError.InvalidInput) as caught:
            knik.sign_with_card(self.card, [str(self.doc)], str(self.tmp / "x.asice"), options, pins)
        self.assertEqual(caught.exception.code, "SERVICE_NOT_CONFIGURED")
        self.assertEqual(pins.requests, [])

    def test_two_phase_with_the_card_as_remote_signer_then_co_sign_then_extend(self):
        need_services(self, 8881, 8889)
        cert = self.card.certificate(knik.KeyRole.SIGNING)
        files = [knik.DataFileInput(name="a.txt", media_type="text/plain", content=b"alpha\n")]
        prepared = knik.prepare_signature(files, cert, signing_options())
        self.assertEqual(prepared.hash, knik.HashAlgorithm.SHA384)
        state = json.loads(prepared.state)  # plain JSON an app can store
        self.assertIn("signature", state)
        value = self.card.sign_digest(prepared.hash, prepared.digest, ScriptedPins("12345"))
        out = self.tmp / "two-phase.asice"
        signed = knik.finish_signature(prepared.state, value, str(out), TSA_URL, None)
        self.assertEqual(signed.level, knik.SignatureLevel.LT)
        report = knik.verify_container(str(out), trust())
        self.assertEqual(report.verdict, knik.Verdict.VALID, report.json)

        # A value made over something else is refused and nothing is written.
        bad = self.card.sign_digest(prepared.hash, bytes(48), ScriptedPins("12345"))
        with self.assertRaises(knik.KnikError) as caught:
            knik.finish_signature(prepared.state, bad, str(self.tmp / "bad.asice"), TSA_URL, None)
        self.assertEqual(caught.exception.code, "SIGNATURE_VALUE_MISMATCH")
        self.assertFalse((self.tmp / "bad.asice").exists())

        before = read(out)
        knik.add_signature_with_card(self.card, str(out), signing_options(), ScriptedPins("12345"))
        contents = knik.open_container(str(out))
        self.assertEqual(
            contents.signature_files, ["META-INF/signatures0.xml", "META-INF/signatures1.xml"]
        )
        with zipfile.ZipFile(out) as z, zipfile.ZipFile(self._bytes(before)) as z0:
            self.assertEqual(
                z.read("META-INF/signatures0.xml"), z0.read("META-INF/signatures0.xml")
            )

        lta = signing_options(level=knik.SignatureLevel.LTA)
        self.assertEqual(knik.extend_container(str(out), lta), 2)
        report = knik.verify_container(str(out), trust())
        self.assertEqual(report.verdict, knik.Verdict.VALID, report.json)
        self.assertEqual([s.level for s in report.signatures], ["B-LTA", "B-LTA"])

    def _bytes(self, data):
        path = self.tmp / "copy.zip"
        path.write_bytes(data)
        return path

    def test_tampered_copies_fail_with_the_same_codes_as_the_cli(self):
        need_services(self, 8881, 8889)
        out = self.tmp / "signed.asice"
        knik.sign_with_card(
            self.card, [str(self.doc)], str(out), signing_options(), ScriptedPins("12345")
        )
        cases = {
            "data file changed": ("leping.txt", lambda d: d.replace(b"agreement", b"AGREEMENT")),
            "signing time changed": (
                "META-INF/signatures0.xml",
                lambda d: d.replace(b"<xades:SigningTime>20", b"<xades:SigningTime>19", 1),
            ),
        }
        expected = {
            "data file changed": "DATA_DIGEST_MISMATCH",
            "signing time changed": "SIGNED_PROPERTIES_DIGEST_MISMATCH",
        }
        for case, (entry, change) in cases.items():
            with self.subTest(case):
                bad = self.tmp / f"{case.replace(' ', '-')}.asice"
                rewrite_entry(out, bad, entry, change)
                self.assertNotEqual(read(bad), read(out))
                report = knik.verify_container(str(bad), trust())
                self.assertEqual(report.verdict, knik.Verdict.INVALID)
                self.assertIn(expected[case], report.codes)
                code, cli_json = cli_report(bad)
                self.assertEqual(code, 9, "the CLI says invalid too")
                cli_codes = [f["code"] for f in cli_json["container"]["findings"]] + [
                    f["code"] for s in cli_json["signatures"] for f in s["findings"]
                ]
                self.assertEqual(sorted(report.codes), sorted(cli_codes))
                self.assertNotEqual(xmlsec1_verifies(bad)[0], 0, "xmlsec1 refuses it too")

    def test_open_read_and_extract(self):
        need_services(self, 8881, 8889)
        out = self.tmp / "signed.asice"
        knik.sign_with_card(
            self.card, [str(self.doc)], str(out), signing_options(), ScriptedPins("12345")
        )
        contents = knik.open_container(str(out))
        self.assertEqual(contents.structure, "sound")
        self.assertEqual([(f.name, f.media_type) for f in contents.data_files], [("leping.txt", "text/plain")])
        self.assertEqual(
            knik.read_data_file(str(out), "leping.txt", 1 << 20), self.doc.read_bytes()
        )
        size = self.doc.stat().st_size
        self.assertEqual(len(knik.read_data_file(str(out), "leping.txt", size)), size)
        self.assertEqual(len(knik.read_data_file(str(out), "leping.txt", 2**64 - 1)), size)
        with self.assertRaises(knik.KnikError.InvalidInput):
            knik.read_data_file(str(out), "leping.txt", size - 1)
        with self.assertRaises(knik.KnikError.InvalidInput):
            knik.read_data_file(str(out), "no-such-file.txt", size)
        dest = self.tmp / "out"
        dest.mkdir()
        written = knik.extract_container(str(out), str(dest), False)
        self.assertEqual(written, [str(dest / "leping.txt")])
        self.assertEqual((dest / "leping.txt").read_bytes(), self.doc.read_bytes())
        with self.assertRaises(knik.KnikError.Document) as caught:
            knik.extract_container(str(out), str(dest), False)
        self.assertEqual(caught.exception.code, "ASIC_EXTRACT_TARGET_EXISTS")
        self.assertEqual(knik.extract_container(str(out), str(dest), True), written)


class VerifyWithoutCard(unittest.TestCase):
    def test_garbage_is_a_verdict_with_the_rust_code_not_a_crash(self):
        report = knik.verify_container_bytes(b"this is not a zip file", trust())
        self.assertEqual(report.verdict, knik.Verdict.INVALID)
        self.assertIn("ZIP_NOT_ZIP", report.codes)
        with tempfile.NamedTemporaryFile(suffix=".asice") as f:
            f.write(b"this is not a zip file")
            f.flush()
            code, cli_json = cli_report(f.name)
        self.assertEqual(code, 9)
        self.assertIn("ZIP_NOT_ZIP", [x["code"] for x in cli_json["container"]["findings"]])

    def test_unusable_settings_are_typed_errors(self):
        with self.assertRaises(knik.KnikError.InvalidInput) as caught:
            knik.verify_container_bytes(
                b"PK", knik.TrustSettings(anchors=[b"not a certificate"], intermediates=[], validation_time=None)
            )
        self.assertEqual(caught.exception.code, "DER_MALFORMED", "knik-pki's code for it")
        with self.assertRaises(knik.KnikError.InvalidInput) as caught:
            knik.verify_container_bytes(b"PK", trust(at="yesterday"))
        self.assertEqual(caught.exception.code, "INVALID_REQUEST")
        with self.assertRaises(knik.KnikError.Io) as caught:
            knik.verify_container("/nonexistent/x.asice", trust())
        self.assertEqual(caught.exception.code, "IO")


if __name__ == "__main__":
    unittest.main()
