#!/usr/bin/python3
"""A v2 trust file of many keys, for the trust store benchmarks
(tests/bench/trust.sh), written to standard output.

  gen_trust.py N [DEMO.trust]

Writes line 1, then the key records of DEMO.trust (a v1 or v2 file; its
records upgraded to v2 as in spec §9.3), then N more keys "Author 0000001"
and on, each trusted as author and co-author.

The N keys are points [s + i]B of the prime-order group, with s fixed:
each is one point addition after the last (crypto_core_ed25519_add), a
few microseconds, where deriving a key from a seed costs a scalar
multiplication. Nobody holds their secret keys; they only need to be
valid, distinct and spread like real keys (they are: the encodings of
distinct group elements look random). Deterministic: the same N gives
the same file.
"""
import base64
import hashlib
import sys

from nacl.bindings import (crypto_core_ed25519_add,
                           crypto_core_ed25519_scalar_reduce,
                           crypto_scalarmult_ed25519_base_noclamp)


def main():
    n = int(sys.argv[1])
    out = sys.stdout.buffer
    out.write(b"agreesign trust v2\n")
    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as f:
            lines = f.read().split(b"\n")
        v1 = lines[0] == b"agreesign trust v1"
        for line in lines[1:]:
            body = line.lstrip(b" \t")
            if body and not body.startswith(b"#"):
                out.write((b"key " if v1 else b"") + body + b"\n")
    s = crypto_core_ed25519_scalar_reduce(
        hashlib.sha512(b"agreesign bench trust").digest())
    base = crypto_scalarmult_ed25519_base_noclamp(bytes([1]) + bytes(31))
    point = crypto_scalarmult_ed25519_base_noclamp(s)
    b64 = base64.b64encode
    chunk = []
    for i in range(1, n + 1):
        chunk.append(b"key \"Author %07d\" %s roles=author,co-author\n"
                     % (i, b64(point)))
        point = crypto_core_ed25519_add(point, base)
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
