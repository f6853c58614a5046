#!/usr/bin/python3
"""A test time-stamping authority over HTTP, for tests/e2e/e2e_tsa.sh: on
127.0.0.1, on a free port it writes to PORTFILE, it answers each POST
with `openssl ts -reply` and the config CONFIG (tests/e2e/tsa_lib.sh makes
it). Paths: /tsr (the reply), /reject (a config that takes SHA-256 only:
status rejection), /big (more bytes than agreesign accepts), /nonce (the
reply to another request for the same imprint: a wrong nonce), /404; /redirect (a redirect to
/tsr, which agreesign must not follow). Test use only.

usage: tsa_server.py CONFIG PORTFILE
"""
import http.server
import os
import re
import subprocess
import sys
import tempfile

CONFIG, PORTFILE = sys.argv[1], sys.argv[2]


def reply(query, config):
    with tempfile.TemporaryDirectory() as d:
        q, r = os.path.join(d, "q.tsq"), os.path.join(d, "r.tsr")
        with open(q, "wb") as f:
            f.write(query)
        subprocess.run(["openssl", "ts", "-reply", "-config", config, "-queryfile", q, "-out", r],
                       check=True, capture_output=True)
        with open(r, "rb") as f:
            return f.read()


def same_imprint_query(query):
    """A request for the same SHA-512 imprint, with a nonce of its own."""
    with tempfile.TemporaryDirectory() as d:
        q = os.path.join(d, "q.tsq")
        with open(q, "wb") as f:
            f.write(query)
        text = subprocess.run(["openssl", "ts", "-query", "-in", q, "-text"],
                              check=True, capture_output=True, text=True).stdout
        hexes = re.findall(r"^\s+[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){15}[0-9a-f]{2})", text, re.M)
        digest = "".join(h.replace(" ", "").replace("-", "") for h in hexes)
        return subprocess.run(["openssl", "ts", "-query", "-digest", digest, "-sha512", "-cert"],
                              check=True, capture_output=True).stdout


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/timestamp-reply", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ok_type = self.headers.get("Content-Type") == "application/timestamp-query"
        if not ok_type:
            self.send(415, b"not a timestamp query", "text/plain")
        elif self.path == "/tsr":
            self.send(200, reply(query, CONFIG))
        elif self.path == "/reject":
            only = CONFIG + ".sha256"
            with open(CONFIG) as f, open(only, "w") as g:
                g.write(f.read().replace("digests = sha256, sha384, sha512", "digests = sha256"))
            self.send(200, reply(query, only))
        elif self.path == "/nonce":
            self.send(200, reply(same_imprint_query(query), CONFIG))
        elif self.path == "/big":
            self.send(200, b"\x30" * (1 << 20))
        elif self.path == "/redirect":
            self.send(307, b"", "text/plain", [("Location", "/tsr")])
        else:
            self.send(404, b"no such authority", "text/plain")


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
