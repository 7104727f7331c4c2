#!/usr/bin/env python3
"""RFC 3161 time-stamp server over HTTP for tests (stdlib only).

POST a TimeStampReq with Content-Type application/timestamp-query (RFC 3161 section 3.4);
the reply is the TimeStampResp made by `openssl ts -reply`, with Content-Type
application/timestamp-reply. Any other Content-Type gets 415, any other method 405.

usage: tsa_server.py [--host 127.0.0.1] PORT OPENSSL_TS_CONFIG [SECTION]

The configuration is test-vectors/pki/tsa.cnf: its paths are relative to $KNIK_PKI_DIR, which
this server sets to the configuration's directory unless it is set already. $KNIK_TSA_SERIAL
(passed through) moves the serial file that every reply rewrites.
"""

import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_QUERY = 64 * 1024  # a TimeStampReq is a few hundred bytes; refuse anything absurd

# `openssl ts -reply` reads and rewrites the serial file: one reply at a time.
OPENSSL_LOCK = threading.Lock()


def log(msg):
    sys.stderr.write("tsa_server: " + msg + "\n")
    sys.stderr.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "knik-test-tsa/1"
    config = None  # set in main()
    section = None
    env = None

    def _send(self, code, body, ctype="text/plain; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._send(405, b"POST an application/timestamp-query\n")

    def do_POST(self):
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != QUERY_TYPE:
            return self._send(415, b"expected Content-Type: application/timestamp-query\n")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._send(411, b"Content-Length required\n")
        if length < 0 or length > MAX_QUERY:
            return self._send(413, b"query too large\n")
        query = self.rfile.read(length)
        reply = self._reply(query)
        if reply is None:
            return self._send(500, b"openssl ts -reply failed\n")
        self._send(200, reply, REPLY_TYPE)

    def _reply(self, query):
        with tempfile.TemporaryDirectory(prefix="knik-tsa-") as d:
            q = os.path.join(d, "query.tsq")
            r = os.path.join(d, "reply.tsr")
            with open(q, "wb") as f:
                f.write(query)
            cmd = ["openssl", "ts", "-reply", "-config", self.config, "-queryfile", q, "-out", r]
            if self.section:
                cmd += ["-section", self.section]
            with OPENSSL_LOCK:
                p = subprocess.run(cmd, capture_output=True, env=self.env)
            # openssl exits 0 and writes a Rejection reply for malformed queries; a non-zero
            # exit or no file means the TSA itself is broken (keys, config, serial file).
            if p.returncode != 0 or not os.path.exists(r):
                log("openssl ts -reply failed (rc %d): %s"
                    % (p.returncode, p.stderr.decode(errors="replace").strip()))
                return None
            with open(r, "rb") as f:
                return f.read()

    def log_message(self, fmt, *args):
        log("%s %s" % (self.address_string(), fmt % args))


def main():
    ap = argparse.ArgumentParser(description="RFC 3161 TSA over HTTP around `openssl ts -reply`")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("port", type=int)
    ap.add_argument("config")
    ap.add_argument("section", nargs="?")
    args = ap.parse_args()

    config = os.path.abspath(args.config)
    if not os.path.isfile(config):
        ap.error("no such configuration: " + config)
    env = dict(os.environ)
    env.setdefault("KNIK_PKI_DIR", os.path.dirname(config))
    Handler.config, Handler.section, Handler.env = config, args.section, env

    httpd = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    log("listening on http://%s:%d/ (config %s)" % (args.host, args.port, config))
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
