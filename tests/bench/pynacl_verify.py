#!/usr/bin/python3
"""What a user would write instead of agreesign: verify a manifest's
agreements in one Python process with PyNaCl (libsodium).

  pynacl_verify.py TRUSTFILE MANIFEST  > results.tsv   (id, result)

The same work per entry as `agreesign verify --batch`, simplified where
the benchmark's data allows: read the agreement and hash its bytes
(the benchmark's agreements are already in text/v1 canonical form, so no
canonicalization is done), parse the envelope JSON, compare digest and
length, look each signature's key up in the trust file (name and role
must match), rebuild the signed message of spec/agreesign-v1.md section 5
(prefix, NUL, JCS of {"signer", "statement"[, "countersigns"]}; for these
objects of strings and small integers json.dumps with sorted keys is JCS),
check that the key is in the prime-order group (rule 5b) and verify.
An entry verifies when every signature does and one is by an author.
"""
import base64
import hashlib
import json
import os
import sys

from nacl.bindings import crypto_core_ed25519_is_valid_point
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

PREFIX = b"agreesign/v1 statement\x00"


def tokens(line):
    """The tokens of a trust file line: bare, or quoted with \\" and \\\\."""
    out, i, n = [], 0, len(line)
    while i < n:
        if line[i] in " \t":
            i += 1
            continue
        if line[i] == '"':
            i += 1
            tok = []
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                tok.append(line[i])
                i += 1
            i += 1
            out.append("".join(tok))
        else:
            j = i
            while j < n and line[j] not in " \t":
                j += 1
            out.append(line[i:j])
            i = j
    return out


def load_trust(path):
    trust = {}
    with open(path, encoding="utf-8") as f:
        if f.readline() != "agreesign trust v1\n":
            sys.exit("pynacl_verify.py: %s: not a trust file" % path)
        for line in f:
            s = line.strip(" \t\n")
            if not s or s.startswith("#"):
                continue
            t = tokens(s)
            opts = dict(o.split("=", 1) for o in t[2:])
            roles = opts.get("roles", "author,co-author").split(",")
            trust[base64.b64decode(t[1])] = (t[0], set(roles))
    return trust


def verify_entry(agreement, envelope, trust, keys):
    with open(agreement, "rb") as f:
        text = f.read()
    with open(envelope, "rb") as f:
        env = json.loads(f.read().decode("utf-8"))
    st = env["statement"]
    if (env["format"] != "agreesign-envelope/v1"
            or st["text_length"] != len(text)
            or st["text_sha512"] != hashlib.sha512(text).hexdigest()):
        return "not-verified"
    author = False
    for entry in env["signatures"]:
        pk = base64.b64decode(entry["public_key"])
        sig = base64.b64decode(entry["signature"])
        signer = entry["signer"]
        who = trust.get(pk)
        if who is None or who[0] != signer["name"] or signer["role"] not in who[1]:
            return "not-verified"
        s = {"signer": signer, "statement": st}
        if "countersigns" in entry:
            s["countersigns"] = entry["countersigns"]
        msg = PREFIX + json.dumps(s, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8")
        vk = keys.get(pk)
        if vk is None:
            if not crypto_core_ed25519_is_valid_point(pk):
                return "not-verified"
            vk = keys[pk] = VerifyKey(pk)
        try:
            vk.verify(msg, sig)
        except BadSignatureError:
            return "not-verified"
        author = author or signer["role"] == "author"
    return "verified" if author else "not-verified"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    trust = load_trust(sys.argv[1])
    base = os.path.dirname(sys.argv[2])
    keys = {}
    out = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            item = json.loads(line)
            agreement = os.path.join(base, item["agreement"])
            envelope = os.path.join(base, item.get("envelope", item["agreement"] + ".sig.json"))
            try:
                result = verify_entry(agreement, envelope, trust, keys)
            except (OSError, ValueError, KeyError, TypeError):
                result = "error"
            out.append("%s\t%s\n" % (item.get("id", agreement), result))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
