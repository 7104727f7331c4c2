"""Shared pieces of the Python binding tests: what a phone app provides, in Python.

- VpcdCard: a CardChannel backed by the real knik-card-sim binary. The test plays the reader:
  it listens on a loopback port, the simulator connects to it as a vsmartcard card, and every
  APDU goes over that socket with vpcd's framing (2-byte big-endian length, then the bytes;
  a 1-byte message is a control code). This is the role Android's IsoDep or iOS's
  NFCISO7816Tag plays in an app: bytes in, bytes out, the card protocol runs in Rust.
- ScriptedPins: a PinEntry that answers from a list and records what it was asked.
- Listener: a MobileIdListener that records the code and the order of events.
"""

import os
import pathlib
import socket
import struct
import subprocess
import unittest

import knik

ROOT = pathlib.Path(__file__).resolve().parents[4]
PKI = ROOT / "test-vectors" / "pki"
CARDS = ROOT / "test-vectors" / "cards"
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
CARD_SIM = TARGET / "debug" / "knik-card-sim"
KNIK_CLI = TARGET / "debug" / "knik"

TSA_URL = "http://127.0.0.1:8889/"
CITIZEN_OCSP_URL = "http://127.0.0.1:8881/"
MID_URL = "https://127.0.0.1:8890/mid-api"


def read(path):
    return pathlib.Path(path).read_bytes()


def services_required():
    return os.environ.get("KNIK_REQUIRE_SERVICES") == "1"


def listening(port):
    """True when something listens on 127.0.0.1:port, asked of the kernel (ss), not by connecting:
    the OpenSSL OCSP responders end on a connection that carries no request."""
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=False).stdout
    return any(line.split()[3].endswith(f":{port}") for line in out.splitlines() if line.split())


def need_services(test, *ports):
    """Skips (or fails in CI) when a loopback service is not running."""
    if os.environ.get("KNIK_SKIP_SERVICES") == "1":
        test.skipTest("KNIK_SKIP_SERVICES=1")
    missing = [p for p in ports if not listening(p)]
    if missing:
        why = f"loopback services not running on {missing} (scripts/services.sh up DIR)"
        if services_required():
            test.fail(why + " and KNIK_REQUIRE_SERVICES=1")
        test.skipTest(why)


class VpcdCard(knik.CardChannel):
    """One virtual card, reached the way an app reaches an NFC card: a byte channel."""

    def __init__(self, card_toml, fail_after=None):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(20)
        port = self.server.getsockname()[1]
        self.process = subprocess.Popen(
            [str(CARD_SIM), "--card", str(card_toml), "--port", str(port), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            self.sock, _ = self.server.accept()
        except socket.timeout:
            self.process.kill()
            raise RuntimeError(f"{CARD_SIM} did not connect: {self.process.stderr.read()!r}")
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(20)
        self.commands = []
        self.fail_after = fail_after
        self._send(b"\x01")  # power on
        self._atr = self._exchange(b"\x04")

    def _send(self, payload):
        self.sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the card went away")
            buf += chunk
        return buf

    def _exchange(self, payload):
        self._send(payload)
        (length,) = struct.unpack(">H", self._recv_exact(2))
        return self._recv_exact(length)

    # CardChannel
    def transmit(self, command):
        if self.fail_after is not None and len(self.commands) >= self.fail_after:
            raise knik.ChannelError.TagLost()
        self.commands.append(bytes(command))
        return self._exchange(bytes(command))

    def atr(self):
        return self._atr

    def extended_length(self):
        return False

    def close(self):
        for closer in (self.sock.close, self.server.close):
            try:
                closer()
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


class BrokenChannel(knik.CardChannel):
    """A channel whose platform code raises something the binding does not know."""

    def __init__(self, atr):
        self._atr = atr

    def transmit(self, command):
        raise ValueError("NFC stack exploded")

    def atr(self):
        return self._atr

    def extended_length(self):
        return False


class ScriptedPins(knik.PinEntry):
    """Answers PIN requests from a list (None = the person cancels); records the requests."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def pin(self, request):
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected PIN request: {request.prompt}")
        return self.answers.pop(0)


class Listener(knik.MobileIdListener):
    def __init__(self):
        self.events = []
        self.code = None

    def verification_code(self, code):
        self.code = code
        self.events.append("code")

    def waiting(self):
        self.events.append("waiting")

    def finished(self):
        self.events.append("finished")


def cli(*args):
    """Runs the knik CLI (another consumer of the same core), returns (exit code, stdout)."""
    p = subprocess.run([str(KNIK_CLI), *map(str, args)], capture_output=True, text=True, check=False)
    return p.returncode, p.stdout


def signing_options(level=knik.SignatureLevel.LT, chain=("chain-citizen-ca.pem",)):
    return knik.SigningOptions(
        level=level,
        tsa_url=TSA_URL,
        ocsp_url=None,
        chain=[read(PKI / c) for c in chain],
    )


def trust(at=None):
    return knik.TrustSettings(
        anchors=[read(PKI / "root.pem")], intermediates=[], validation_time=at
    )


class CardTestCase(unittest.TestCase):
    """Opens a fresh virtual card per test and closes it afterwards."""

    card_file = "citizen.toml"

    def setUp(self):
        self.channel = VpcdCard(CARDS / self.card_file)
        self.addCleanup(self.channel.close)
        self.card = knik.CardSession.open(self.channel, None)
