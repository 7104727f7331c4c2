"""The card protocol over a channel implemented in Python, as an app implements it over NFC.

Every test drives the real knik-card-sim through a Python CardChannel (support.VpcdCard): the
Rust core selects, reads, verifies PINs and signs over that channel; PINs come through a Python
PinEntry. Checked: the holder and certificates read; PIN status, wrong / right / cancelled /
blocked PIN with the card's codes as typed errors; a Web eID token whose signature OpenSSL
verifies; channel failures as CARD_* errors.
"""

import base64
import hashlib
import json
import subprocess
import tempfile
import unittest

import knik

from support import CARDS, PKI, BrokenChannel, CardTestCase, ScriptedPins, VpcdCard, read


class CitizenCard(CardTestCase):
    def test_recognised_from_the_atr_and_holder_read(self):
        info = self.card.info()
        self.assertEqual(info.profile, "am-eid")
        holder = self.card.holder()
        self.assertEqual(holder.surname, "PETROSYAN")
        self.assertEqual(holder.given_name, "ANI")
        self.assertEqual(holder.personal_number, "2810770123")
        self.assertEqual(holder.country, "AM")
        self.assertEqual(holder.document_kind, "citizen-id-card")
        self.assertGreater(len(self.channel.commands), 0, "the APDUs went over the Python channel")

    def test_certificates_are_the_test_pki_ones(self):
        self.assertEqual(
            self.card.certificate(knik.KeyRole.SIGNING), read(PKI / "holders/citizen/sign.der")
        )
        self.assertEqual(
            self.card.certificate(knik.KeyRole.AUTHENTICATION),
            read(PKI / "holders/citizen/auth.der"),
        )

    def test_pin_status_counts_a_wrong_pin_and_the_right_one_resets_it(self):
        self.assertEqual(self.card.pin_status(knik.PinKind.PIN1).retries_left, 3)
        with self.assertRaises(knik.KnikError.WrongPin) as caught:
            self.card.verify_pin(knik.PinKind.PIN1, ScriptedPins("9999"))
        self.assertEqual(caught.exception.code, "CARD_WRONG_PIN")
        self.assertEqual(caught.exception.retries_left, 2)
        self.assertNotIn("9999", str(caught.exception))
        pins = ScriptedPins("1234")
        self.card.verify_pin(knik.PinKind.PIN1, pins)
        self.assertEqual(self.card.pin_status(knik.PinKind.PIN1).retries_left, 3)
        request = pins.requests[0]
        self.assertEqual(request.kind, knik.PinKind.PIN1)
        self.assertEqual(request.purpose, knik.PinPurpose.VERIFY)
        self.assertEqual(request.retries_left, 2, "the dialog is told the tries left")
        self.assertEqual((request.min_length, request.max_length), (4, 12))
        self.assertIn("PETROSYAN ANI", request.holder)

    def test_cancelling_the_pin_dialog_is_a_typed_cancel(self):
        with self.assertRaises(knik.KnikError.Cancelled) as caught:
            self.card.verify_pin(knik.PinKind.PIN2, ScriptedPins(None))
        self.assertEqual(caught.exception.code, "CARD_PIN_CANCELLED")

    def test_a_pin_of_the_wrong_length_never_reaches_the_card(self):
        before = len(self.channel.commands)
        with self.assertRaises(knik.KnikError.PinRejected) as caught:
            self.card.verify_pin(knik.PinKind.PIN2, ScriptedPins("12"))
        self.assertEqual(caught.exception.code, "CARD_PIN_FORMAT")
        self.assertEqual(self.card.pin_status(knik.PinKind.PIN2).retries_left, 3, "no try used")
        verify = [c for c in self.channel.commands[before:] if c[1] == 0x20 and len(c) > 5]
        self.assertEqual(verify, [], "no VERIFY with data was sent")

    def test_change_pin_asks_current_then_new_and_the_new_one_works(self):
        pins = ScriptedPins("1234", "4321")
        self.card.change_pin(knik.PinKind.PIN1, pins)
        self.assertEqual(
            [r.purpose for r in pins.requests],
            [knik.PinPurpose.CHANGE_CURRENT, knik.PinPurpose.CHANGE_NEW],
        )
        self.card.verify_pin(knik.PinKind.PIN1, ScriptedPins("4321"))
        with self.assertRaises(knik.KnikError.WrongPin):
            self.card.verify_pin(knik.PinKind.PIN1, ScriptedPins("1234"))

    def test_change_pin2_then_sign_with_the_new_one(self):
        pins = ScriptedPins("12345", "54321")
        self.card.change_pin(knik.PinKind.PIN2, pins)
        current, new = pins.requests
        self.assertEqual(current.retries_left, 3)
        self.assertIsNone(new.retries_left, "a new PIN has no tries of its own")
        self.assertEqual((new.min_length, new.max_length), (5, 12))
        with self.assertRaises(knik.KnikError.WrongPin):
            self.card.sign_digest(knik.HashAlgorithm.SHA384, bytes(48), ScriptedPins("12345"))
        value = self.card.sign_digest(knik.HashAlgorithm.SHA384, bytes(48), ScriptedPins("54321"))
        self.assertEqual(len(value), 96)

    def test_a_failing_pin_dialog_is_a_typed_error_not_a_crash(self):
        class Broken(knik.PinEntry):
            def pin(self, request):
                raise RuntimeError("activity destroyed")

        with self.assertRaises(knik.KnikError.Card) as caught:
            self.card.verify_pin(knik.PinKind.PIN1, Broken())
        self.assertEqual(caught.exception.code, "CARD_PIN_SOURCE_UNAVAILABLE")

    def test_personal_data_file(self):
        fields = {f.name: f.value for f in self.card.personal_data()}
        self.assertEqual(fields["surname"], "PETROSYAN")
        self.assertEqual(fields["personal_number"], "2810770123")

    def test_sign_digest_verifies_with_the_signing_certificate(self):
        digest = hashlib.sha384(b"two-phase").digest()
        value = self.card.sign_digest(knik.HashAlgorithm.SHA384, digest, ScriptedPins("12345"))
        self.assertEqual(len(value), 96, "raw r||s of P-384")
        self.assertTrue(
            openssl_verifies(PKI / "holders/citizen/sign.pem", "sha384", b"two-phase", value)
        )

    def test_web_eid_token_signature_checks_out_in_openssl(self):
        origin = "https://e-service.example.am"
        nonce = base64.b64encode(bytes(range(32))).decode()
        pins = ScriptedPins("1234")
        token = json.loads(self.card.web_eid_authenticate(origin, nonce, False, pins))
        self.assertEqual(token["format"], "web-eid:1.0")
        self.assertEqual(token["algorithm"], "ES384")
        self.assertEqual(
            base64.b64decode(token["unverifiedCertificate"]),
            read(PKI / "holders/citizen/auth.der"),
        )
        self.assertEqual(pins.requests[0].purpose, knik.PinPurpose.AUTHENTICATE)
        self.assertEqual(pins.requests[0].site, "e-service.example.am")
        self.assertIn("at e-service.example.am", pins.requests[0].prompt)
        self.assertTrue(token["appVersion"].startswith("https://"), token["appVersion"])
        # Web eID signs hash(hash(origin) || hash(nonce)); openssl hashes the joined halves.
        signed = hashlib.sha384(origin.encode()).digest() + hashlib.sha384(nonce.encode()).digest()
        signature = base64.b64decode(token["signature"])
        self.assertTrue(openssl_verifies(PKI / "holders/citizen/auth.pem", "sha384", signed, signature))
        self.assertFalse(
            openssl_verifies(PKI / "holders/citizen/auth.pem", "sha384", signed[::-1], signature),
            "control: other data does not verify",
        )

    def test_web_eid_refuses_plain_http_and_short_nonces_before_the_pin(self):
        pins = ScriptedPins()
        with self.assertRaises(knik.KnikError.WebEid) as caught:
            self.card.web_eid_authenticate("http://e-service.example.am", "A" * 44, False, pins)
        self.assertEqual(caught.exception.code, "WEBEID_ORIGIN_INVALID")
        with self.assertRaises(knik.KnikError.WebEid) as caught:
            self.card.web_eid_authenticate("https://e-service.example.am", "short", False, pins)
        self.assertEqual(caught.exception.code, "WEBEID_NONCE_INVALID")
        self.assertEqual(pins.requests, [], "no PIN was asked for")


class ResidenceCard(CardTestCase):
    card_file = "resident.toml"

    def test_the_resident_is_named_with_the_residence_card(self):
        holder = self.card.holder()
        self.assertEqual(holder.personal_number, "5210880456")
        self.assertEqual(holder.document_kind, "residence-card")


class BlockedCard(CardTestCase):
    card_file = "blocked.toml"

    def test_a_blocked_pin2_is_refused_before_anyone_types_it(self):
        pins = ScriptedPins()
        with self.assertRaises(knik.KnikError.PinBlocked) as caught:
            self.card.sign_digest(knik.HashAlgorithm.SHA384, bytes(48), pins)
        self.assertEqual(caught.exception.code, "CARD_PIN_BLOCKED")
        self.assertEqual(pins.requests, [])

    def test_the_puk_unblocks_pin2_and_the_new_pin_signs(self):
        pins = ScriptedPins("12345678", "24680")
        self.card.unblock_pin(knik.PinKind.PIN2, pins)
        puk, new = pins.requests
        self.assertEqual((puk.purpose, puk.secret, puk.retries_left), (knik.PinPurpose.UNBLOCK, knik.PinKind.PUK, 3))
        self.assertEqual((new.purpose, new.secret, new.retries_left), (knik.PinPurpose.UNBLOCK_NEW, knik.PinKind.PIN2, None))
        status = self.card.pin_status(knik.PinKind.PIN2)
        self.assertEqual((status.blocked, status.retries_left), (False, 3))
        self.assertEqual(self.card.pin_status(knik.PinKind.PUK).retries_left, 3)
        value = self.card.sign_digest(knik.HashAlgorithm.SHA384, bytes(48), ScriptedPins("24680"))
        self.assertEqual(len(value), 96)

    def test_a_wrong_puk_costs_a_puk_try_and_leaves_pin2_blocked(self):
        with self.assertRaises(knik.KnikError.WrongPin) as caught:
            self.card.unblock_pin(knik.PinKind.PIN2, ScriptedPins("87654321", "24680"))
        self.assertEqual(caught.exception.retries_left, 2)
        self.assertTrue(self.card.pin_status(knik.PinKind.PIN2).blocked)


class ChannelFailures(unittest.TestCase):
    def test_tag_lost_mid_operation_is_card_removed(self):
        channel = VpcdCard(CARDS / "citizen.toml", fail_after=3)
        self.addCleanup(channel.close)
        card = knik.CardSession.open(channel, None)
        with self.assertRaises(knik.KnikError.Card) as caught:
            card.sign_digest(knik.HashAlgorithm.SHA384, bytes(48), ScriptedPins("12345"))
        self.assertEqual(caught.exception.code, "CARD_REMOVED")
        self.assertEqual(len(channel.commands), 3, "the operation stopped at the lost tag")

    def test_a_channel_timeout_is_card_timeout(self):
        channel = VpcdCard(CARDS / "citizen.toml")
        self.addCleanup(channel.close)
        card = knik.CardSession.open(channel)

        def slow(command):
            raise knik.ChannelError.Timeout()

        channel.transmit = slow
        with self.assertRaises(knik.KnikError.Card) as caught:
            card.pin_status(knik.PinKind.PIN1)
        self.assertEqual(caught.exception.code, "CARD_TIMEOUT")

    def test_an_unexpected_exception_in_the_channel_is_a_transport_error(self):
        channel = VpcdCard(CARDS / "citizen.toml")
        atr = channel.atr()
        channel.close()
        card = knik.CardSession.open(BrokenChannel(atr), None)
        with self.assertRaises(knik.KnikError.Card) as caught:
            card.holder()
        self.assertEqual(caught.exception.code, "CARD_TRANSPORT")

    def test_an_unknown_card_is_unsupported_and_a_named_profile_is_used(self):
        with self.assertRaises(knik.KnikError.Card) as caught:
            knik.CardSession.open(BrokenChannel(bytes.fromhex("3B0200")), None)
        self.assertEqual(caught.exception.code, "CARD_UNSUPPORTED")
        with self.assertRaises(knik.KnikError.InvalidInput):
            knik.CardSession.open(BrokenChannel(b""), "no-such-profile")
        # NFC gives no ATR: naming the profile opens the card all the same.
        channel = VpcdCard(CARDS / "citizen.toml")
        self.addCleanup(channel.close)
        channel._atr = b""
        card = knik.CardSession.open(channel, "am-eid")
        self.assertEqual(card.holder().personal_number, "2810770123")


def openssl_verifies(cert_pem, digest, data, raw_signature):
    """Verifies a raw r||s ECDSA signature with the openssl CLI (an independent implementation)."""
    half = len(raw_signature) // 2
    der = der_sequence(
        der_integer(raw_signature[:half]) + der_integer(raw_signature[half:])
    )
    with tempfile.TemporaryDirectory() as tmp:
        pub = f"{tmp}/pub.pem"
        subprocess.run(
            ["openssl", "x509", "-in", str(cert_pem), "-pubkey", "-noout", "-out", pub], check=True
        )
        with open(f"{tmp}/sig", "wb") as f:
            f.write(der)
        with open(f"{tmp}/data", "wb") as f:
            f.write(data)
        p = subprocess.run(
            ["openssl", "dgst", f"-{digest}", "-verify", pub, "-signature", f"{tmp}/sig", f"{tmp}/data"],
            capture_output=True,
            check=False,
        )
        return p.returncode == 0


def der_length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_integer(value):
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value
    return b"\x02" + der_length(len(value)) + value


def der_sequence(body):
    return b"\x30" + der_length(len(body)) + body


if __name__ == "__main__":
    unittest.main()
