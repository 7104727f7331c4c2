"""Mobile ID through the Python bindings against the MID-REST simulator (knik-mobile-id-sim).

The test starts its own simulator process (TLS with test-vectors/mobile-id/sim-tls.*, pinned
by its SPKI hash) and reads the simulated phone's screen from its log, so it can check that
the code the app was told to show is the one the phone shows. Login gives the identity;
each phone outcome is its own typed error with the Rust code; an impostor server is refused
before any request; signing with mobile ID gives a container valid at B-LT.
"""

import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import knik

from support import PKI, ROOT, TARGET, Listener, listening, need_services, read, signing_options, trust

MID = ROOT / "test-vectors" / "mobile-id"
SIM = TARGET / "debug" / "knik-mobile-id-sim"
PERSON = "2810770123"
RELYING_PARTY = ("00000000-0000-4000-8000-00000000a11e", "knik demo")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Simulator:
    """A knik-mobile-id-sim process with its phone prompts collected from its log."""

    def __init__(self, tls="sim-tls"):
        self.port = free_port()
        self.lines = []
        self.process = subprocess.Popen(
            [
                str(SIM),
                "--listen", f"127.0.0.1:{self.port}",
                "--tls-cert", str(MID / f"{tls}.pem"),
                "--tls-key", str(MID / f"{tls}.key"),
                "--pki", str(PKI),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 20
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the simulator did not start: {self.lines}")
            time.sleep(0.05)
        self.url = f"https://127.0.0.1:{self.port}/mid-api"

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def prompts(self, phone):
        """The codes the phone showed, oldest first."""
        codes = []
        for line in self.lines:
            m = re.search(r"phone (\+\d+) shows .* \| code (\d{4}) \|", line)
            if m and m.group(1) == phone:
                codes.append(m.group(2))
        return codes

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        self.process.stderr.close()


def config(url, pin_file="sim-tls.pin"):
    return knik.MobileIdConfig(
        url=url,
        relying_party_uuid=RELYING_PARTY[0],
        relying_party_name=RELYING_PARTY[1],
        server_key_pins=[(MID / pin_file).read_text().split()[0]],
        language="ENG",
    )


class MobileId(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Simulator()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def authenticate(self, phone, listener=None):
        service = knik.MobileIdService(config(self.sim.url))
        return service.authenticate(
            phone, PERSON, [read(PKI / "root.pem")], [read(PKI / "mobile-id-ca.pem")],
            listener or Listener(),
        )

    def test_login_names_the_person_and_the_code_shown_is_the_phones(self):
        listener = Listener()
        identity = self.authenticate("+37400000001", listener)
        self.assertEqual(identity.personal_number, PERSON)
        self.assertEqual((identity.surname, identity.given_name), ("PETROSYAN", "ANI"))
        self.assertEqual(identity.document_kind, "mobile-id")
        self.assertRegex(listener.code, r"^\d{4}$")
        self.assertEqual(listener.events, ["code", "waiting", "finished"])
        self.assertEqual(self.sim.prompts("+37400000001")[-1], listener.code)

    def test_each_phone_outcome_is_its_own_typed_error(self):
        outcomes = {
            "+37400000002": (knik.KnikError.MobileId, "MID_NOT_MID_CLIENT"),
            "+37400000003": (knik.KnikError.Cancelled, "MID_USER_CANCELLED"),
            "+37400000004": (knik.KnikError.MobileId, "MID_TIMEOUT"),
            "+37400000005": (knik.KnikError.MobileId, "MID_PHONE_ABSENT"),
            "+37400000006": (knik.KnikError.MobileId, "MID_DELIVERY_ERROR"),
            "+37400000007": (knik.KnikError.MobileId, "MID_SIM_ERROR"),
        }
        for phone, (kind, code) in outcomes.items():
            with self.subTest(phone):
                with self.assertRaises(kind) as caught:
                    self.authenticate(phone)
                self.assertEqual(caught.exception.code, code)
                self.assertTrue(caught.exception.detail, "a sentence for the person")

    def test_an_impostor_server_is_refused_before_any_request(self):
        impostor = Simulator(tls="impostor-tls")
        self.addCleanup(impostor.stop)
        service = knik.MobileIdService(config(impostor.url))
        with self.assertRaises(knik.KnikError.MobileId) as caught:
            service.authenticate("+37400000001", PERSON, [read(PKI / "root.pem")], [], Listener())
        self.assertEqual(caught.exception.code, "MID_TLS_NOT_PINNED")
        self.assertEqual(impostor.prompts("+37400000001"), [], "no session reached the impostor")

    def test_bad_settings_are_refused_without_a_request(self):
        with self.assertRaises(knik.KnikError.MobileId) as caught:
            knik.MobileIdService(
                knik.MobileIdConfig(
                    url=self.sim.url, relying_party_uuid="not-a-uuid", relying_party_name="x",
                    server_key_pins=[], language=None,
                )
            )
        self.assertTrue(caught.exception.code.startswith("MID_"), caught.exception.code)
        with self.assertRaises(knik.KnikError.InvalidInput):
            cfg = config(self.sim.url)
            cfg.language = "Klingon"
            knik.MobileIdService(cfg)
        service = knik.MobileIdService(config(self.sim.url))
        with self.assertRaises(knik.KnikError.MobileId) as caught:
            service.authenticate("12", PERSON, [read(PKI / "root.pem")], [], Listener())
        self.assertEqual(caught.exception.code, "MID_INVALID_PHONE_NUMBER")

    def test_signing_with_mobile_id_gives_a_valid_b_lt_container(self):
        need_services(self, 8883, 8889)
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="knik-py-mid-"))
        self.addCleanup(shutil.rmtree, tmp)
        doc = tmp / "order.txt"
        doc.write_text("mobile ID order\n")
        out = tmp / "order.asice"
        listener = Listener()
        service = knik.MobileIdService(config(self.sim.url))
        signed = service.sign(
            "+37400000001", PERSON, [str(doc)], str(out),
            signing_options(chain=("chain-mobile-id-ca.pem",)), listener,
        )
        self.assertEqual(signed.level, knik.SignatureLevel.LT)
        self.assertEqual(self.sim.prompts("+37400000001")[-1], listener.code)
        report = knik.verify_container(str(out), trust())
        self.assertEqual(report.verdict, knik.Verdict.VALID, report.json)
        self.assertEqual(report.signatures[0].signer.document_kind, "mobile-id")
        self.assertEqual(report.signatures[0].level, "B-LT")


if __name__ == "__main__":
    unittest.main()
