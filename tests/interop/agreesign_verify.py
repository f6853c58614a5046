#!/usr/bin/python3
"""Independent verifier for agreesign v1, written from spec/agreesign-v1.md alone.

usage: agreesign_verify.py (-t TRUSTFILE | -p KEY.pub) [-e ENVELOPE]
           [--require-role R,...] [--require-signer KEYID]... [--attach-dir DIR]
           [--require-attachments] AGREEMENT

Prints one JSON object (the shape of spec §10.4) and exits 0 (verified),
1 (not verified) or 2 (usage error, refused or unreadable input).
Needs Python 3 (unicodedata 14.0.0 or later), PyNaCl (libsodium 1.0.18),
python3-cryptography (the X.509 certificates of a v2 trust file, §9.4) and
python3-asn1crypto (RFC 3161 timestamp tokens and renewal chains of a v2 or
v3 envelope, §6.5).

Unicode: text/v1 pins Unicode 15.0.0 (§2.3). The accepted code points are read
from spec/unicode-15.0.0-assigned.txt, in the exact format of the
spec's check value, and refused unless its SHA-256 equals that value. NFC uses
unicodedata when it is 15.0.0 or later. On Unicode 14.0.0 (Python 3.11) it is
patched with the only NFC-relevant data 15.0.0 added: the canonical combining
classes of ten new marks (15.0.0 added no canonical decomposition). That patch
comes from the Unicode Character Database 15.0.0, not from the spec. Text
fields (§4.1) hold only code points assigned in 15.0.0, so their NFC check is
the same under every later Unicode version.
"""
import argparse, base64, datetime, errno, hashlib, json, os, re, stat, struct, sys, unicodedata
import nacl.bindings, nacl.exceptions, nacl.signing
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from asn1crypto import cms as a1cms, tsp as a1tsp

MAX_AGREEMENT, MAX_ENVELOPE, MAX_PUB, MAX_TRUST = 1 << 24, 1 << 20, 16384, 1 << 24
MAX_INT = 2 ** 53 - 1
MAX_TOKEN = 16384
ROLES = ("author", "co-author", "publisher")
PREFIX = b"agreesign/v1 statement\x00"
UNICODE_SET_SHA256 = "30e219ad67b83dbf64f3c9d555795247ee1e530024a3389b572d982624ea25b2"
# Canonical combining classes of the marks new in Unicode 15.0.0 (UCD 15.0.0).
NEW_IN_15_CCC = {0x10EFD: 220, 0x10EFE: 220, 0x10EFF: 220, 0x11F41: 9, 0x11F42: 9,
                 0x1E08F: 230, 0x1E4EC: 232, 0x1E4ED: 232, 0x1E4EE: 220, 0x1E4EF: 230}


class Refused(Exception):
    """Input refused: exit status 2."""


# ---------------------------------------------------------------- text/v1 (§2)

def _load_assigned():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "unicode-15.0.0-assigned.txt")
    with open(path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != UNICODE_SET_SHA256:
        raise SystemExit("agreesign_verify: %s does not match the check value of §2.3" % path)
    ranges = [[int(x, 16) for x in line.split("..")] for line in data.decode().splitlines()]
    return "".join("\\U%08X-\\U%08X" % (a, b) for a, b in ranges)


CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
ASSIGNED = _load_assigned()
REFUSED_CHAR = re.compile("[%s\ufeff]|[^%s]" % (CONTROLS, ASSIGNED))
UNASSIGNED = re.compile("[^%s]" % ASSIGNED)
PY_UNICODE = tuple(int(x) for x in unicodedata.unidata_version.split("."))
if PY_UNICODE < (14, 0, 0):
    raise SystemExit("agreesign_verify: needs unicodedata 14.0.0 or later, not %s" % unicodedata.unidata_version)
NEW_MARK = re.compile("[%s]" % "".join(chr(c) for c in NEW_IN_15_CCC))
_COMPOSE = {}


def _ccc(ch):
    return NEW_IN_15_CCC.get(ord(ch)) or unicodedata.combining(ch)


def _compose_pair(a, b):
    a, b = ord(a), ord(b)
    if 0x1100 <= a < 0x1113 and 0x1161 <= b < 0x1176:                      # Hangul L+V
        return chr(0xAC00 + ((a - 0x1100) * 21 + b - 0x1161) * 28)
    if 0xAC00 <= a < 0xD7A4 and (a - 0xAC00) % 28 == 0 and 0x11A7 < b < 0x11C3:  # LV+T
        return chr(a + b - 0x11A7)
    if not _COMPOSE:   # primary composites: 2-code-point canonical decompositions that NFC keeps
        for cp in range(0x110000):
            d = unicodedata.decomposition(chr(cp)).split()
            if len(d) == 2 and not d[0].startswith("<") and unicodedata.normalize("NFC", chr(cp)) == chr(cp):
                _COMPOSE[int(d[0], 16), int(d[1], 16)] = chr(cp)
    return _COMPOSE.get((a, b))


def nfc15(s):
    """NFC as defined by Unicode 15.0.0 (exact for code points assigned in 15.0.0)."""
    if PY_UNICODE >= (15, 0, 0) or not NEW_MARK.search(s):
        return unicodedata.normalize("NFC", s)       # nothing unicodedata 14.0.0 gets wrong
    return nfc_patched(s)


def nfc_patched(s):
    """UAX #15 NFC from unicodedata 14.0.0 data plus the classes of NEW_IN_15_CCC."""
    chars = list(unicodedata.normalize("NFD", s))   # new marks have no decomposition
    i = 0
    while i < len(chars):                            # canonical ordering with 15.0.0 classes
        if _ccc(chars[i]) == 0:
            i += 1
            continue
        j = i
        while j < len(chars) and _ccc(chars[j]) != 0:
            j += 1
        chars[i:j] = sorted(chars[i:j], key=_ccc)
        i = j
    out, starter = [], -1                            # canonical composition (UAX #15)
    for ch in chars:
        cc = _ccc(ch)
        if starter >= 0 and (len(out) - 1 == starter or _ccc(out[-1]) < cc):
            comp = _compose_pair(out[starter], ch)
            if comp is not None:
                out[starter] = comp
                continue
        if cc == 0:
            starter = len(out)
        out.append(ch)
    return "".join(out)


def canonicalize(data):
    """text/v1 (§2.1): bytes -> canonical bytes, or Refused."""
    if len(data) > MAX_AGREEMENT:
        raise Refused("agreement file is larger than 16,777,216 bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, bad_utf8 = data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        text, bad_utf8 = data[:e.start].decode("utf-8"), e.start
    m = REFUSED_CHAR.search(text)
    if m or bad_utf8 is not None:
        pos = m.start() if m else len(text)
        before = text[:pos]
        where = "line %d, column %d" % (len(re.findall("\r\n|\r|\n", before)) + 1,
                                         pos - max(before.rfind("\n"), before.rfind("\r")))
        if not m:
            why = "invalid UTF-8"
        elif re.match("[%s]" % CONTROLS, m.group()):
            why = "control character U+%04X is not allowed" % ord(m.group())
        elif m.group() == "\ufeff":
            why = "U+FEFF (byte order mark) is not allowed after the start"
        else:
            why = "code point U+%04X is not assigned in Unicode 15.0.0" % ord(m.group())
        raise Refused("%s: %s" % (where, why))
    text = nfc15(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.split("\n"):
        line = line.rstrip(" \t")
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise Refused("agreement text is empty")
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- values (§1.3, §4)

def check(cond, what):
    if not cond:
        raise Refused(what)


def text_field(v, what):
    check(type(v) is str, "%s: not a string" % what)
    try:
        n = len(v.encode("utf-8"))
    except UnicodeEncodeError:
        raise Refused("%s: not valid UTF-8" % what)
    check(1 <= n <= 1024, "%s: must be 1 to 1,024 bytes" % what)
    check(not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029]", v), "%s: control character" % what)
    check("\ufeff" not in v, "%s: U+FEFF (byte order mark)" % what)
    check(v[0] != " " and v[-1] != " ", "%s: begins or ends with a space" % what)
    check(not UNASSIGNED.search(v), "%s: code point not assigned in Unicode 15.0.0" % what)
    check(nfc15(v) == v, "%s: not in NFC" % what)
    return v


def time_value(v, what):
    check(type(v) is str and re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", v),
          "%s: not a YYYY-MM-DDTHH:MM:SSZ time" % what)
    y, mo, d, h, mi, s = (int(x) for x in re.findall("[0-9]+", v))
    try:
        datetime.date(y, mo, d)
    except ValueError:
        raise Refused("%s: not a real date" % what)
    check(y >= 1970 and h <= 23 and mi <= 59 and s <= 59, "%s: time out of range" % what)
    return v


def email_value(v, what):
    text_field(v, what)
    b = v.encode("utf-8")
    check(len(b) <= 254 and b.count(b"@") == 1 and not b.startswith(b"@") and not b.endswith(b"@")
          and not any(c <= 0x20 or c == 0x7F for c in b), "%s: not an e-mail address" % what)
    return v


def orcid_value(v, what):
    text_field(v, what)
    check(re.fullmatch("[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]", v), "%s: not an ORCID iD" % what)
    total = 0
    for d in v[:18].replace("-", ""):
        total = (total + int(d)) * 2
    r = (12 - total % 11) % 11
    check(v[18] == ("X" if r == 10 else str(r)), "%s: wrong ORCID check character" % what)
    return v


def hex_value(v, ndigits, what):
    check(type(v) is str and re.fullmatch("[0-9a-f]{%d}" % ndigits, v),
          "%s: not %d lowercase hex digits" % (what, ndigits))
    return v


def b64_value(v, nbytes, what):
    ok = type(v) is str and re.fullmatch("[A-Za-z0-9+/]*={0,2}", v)
    raw = base64.b64decode(v) if ok and len(v) % 4 == 0 else b""
    check(ok and len(raw) == nbytes and base64.b64encode(raw).decode() == v,
          "%s: not the base64 of %d bytes" % (what, nbytes))
    return raw


def int_value(v, lo, what):
    check(type(v) is int and lo <= v <= MAX_INT, "%s: not an integer from %d to 2^53-1" % (what, lo))
    return v


def members(v, required, optional, what):
    check(type(v) is dict, "%s: not an object" % what)
    for k in v:
        check(k in required or k in optional, "%s: unknown member \"%s\"" % (what, k))
    for k in required:
        check(k in v, "%s: missing member \"%s\"" % (what, k))
    return v


def key_id(pk):
    return hashlib.sha512(pk).hexdigest()[:32]


# ---------------------------------------------------------------- Ed25519 (§5.3)

L = 2 ** 252 + 27742317777372353535851937790883648493
P = 2 ** 255 - 19
SMALL_ORDER = [bytes.fromhex(h) for h in (
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]


def small_order(b):
    return any(b[:31] == e[:31] and (b[31] & 0x7F) == e[31] for e in SMALL_ORDER)


def public_key_ok(a):
    """Rules 3-6 of §5.3."""
    return (len(a) == 32 and int.from_bytes(a, "little") % 2 ** 255 < P and not small_order(a)
            and nacl.bindings.crypto_core_ed25519_is_valid_point(a))


def ed25519_verify(sig, msg, a):
    """Rules 1-7 of §5.3: 1, 2 and 3-6 explicitly, 7 (and all again) by libsodium."""
    if int.from_bytes(sig[32:], "little") >= L or small_order(sig[:32]) or not public_key_ok(a):
        return False
    try:
        nacl.signing.VerifyKey(a).verify(msg, sig)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


# ---------------------------------------------------------------- envelope (§6)

def _no_dups(pairs):
    obj = {}
    for k, v in pairs:
        check(k not in obj, "duplicate member \"%s\"" % k)
        obj[k] = v
    return obj


class _Fraction(str):
    """A JSON number with a fraction or exponent: never an integer."""


class _Signed(str):
    """An integer written with a minus sign (-0 included): never a v1 integer (§4.2)."""


def _integer(token):
    return _Signed(token) if token.startswith("-") else int(token)


def _bad_constant(name):
    raise Refused("not JSON: %s" % name)


def _strings_ok(v):
    if type(v) is str:
        check(not re.search("[\x00\ud800-\udfff]", v), "\\u0000 or a lone surrogate in a string")
    elif type(v) is dict:
        for k, x in v.items():
            _strings_ok(k)
            _strings_ok(x)
    elif type(v) is list:
        for x in v:
            _strings_ok(x)


def parse_envelope(data):
    check(len(data) <= MAX_ENVELOPE, "envelope is larger than 1,048,576 bytes")
    check(b"\x00" not in data, "envelope contains a NUL byte")
    check(not data.startswith(b"\xef\xbb\xbf"), "envelope starts with a BOM")
    try:
        env = json.loads(data.decode("utf-8"), object_pairs_hook=_no_dups, parse_int=_integer,
                         parse_float=_Fraction, parse_constant=_bad_constant)
        _strings_ok(env)
    except (ValueError, RecursionError) as e:       # UnicodeDecodeError, JSONDecodeError
        raise Refused("envelope is not JSON: %s" % e)
    members(env, ("format", "statement", "signatures"), (), "envelope")
    formats = ("agreesign-envelope/v1", "agreesign-envelope/v2", "agreesign-envelope/v3")
    check(env["format"] in formats, "format: not agreesign-envelope/v1, v2 or v3")
    version = formats.index(env["format"]) + 1
    v2 = version >= 2       # timestamps allowed
    st = members(env["statement"], ("canonicalization", "text_sha512", "text_length", "metadata"),
                 ("attachments", "kind"), "statement")
    check(st.get("kind", "template") == "template", "statement.kind: not template")
    check(st["canonicalization"] == "text/v1", "canonicalization: not text/v1")
    hex_value(st["text_sha512"], 128, "text_sha512")
    int_value(st["text_length"], 1, "text_length")
    meta = members(st["metadata"], (), ("title", "corresponding_author", "proceedings", "publisher",
                                        "license", "agreement_date"), "metadata")
    for k, v in meta.items():
        text_field(v, "metadata." + k)
    if "attachments" in st:
        atts = st["attachments"]
        check(type(atts) is list and 1 <= len(atts) <= 64, "attachments: not 1 to 64 entries")
        for a in atts:
            members(a, ("name", "length", "sha512"), (), "attachment")
            text_field(a["name"], "attachment name")
            check("/" not in a["name"] and a["name"] not in (".", ".."), "attachment name: not a file name")
            int_value(a["length"], 0, "attachment length")
            hex_value(a["sha512"], 128, "attachment sha512")
        check(len({a["name"] for a in atts}) == len(atts), "attachments: two with the same name")
    sigs = env["signatures"]
    check(type(sigs) is list and 1 <= len(sigs) <= 64, "signatures: not 1 to 64 entries")
    for n, e in enumerate(sigs, 1):
        what = "signature %d" % n
        members(e, ("signer", "key_id", "public_key", "signature"),
                ("countersigns", "timestamps") if v2 else ("countersigns",), what)
        if "timestamps" in e:
            e["_chain"] = parse_chain(e["timestamps"], version, what)
        s = members(e["signer"], ("name", "role", "time"), ("email", "orcid"), what + " signer")
        text_field(s["name"], what + " name")
        if "email" in s:
            email_value(s["email"], what + " email")
        if "orcid" in s:
            orcid_value(s["orcid"], what + " orcid")
        check(s["role"] in ROLES, what + ": unknown role")
        time_value(s["time"], what + " time")
        if "countersigns" in e:
            cs = e["countersigns"]
            check(type(cs) is list and 1 <= len(cs) <= 63, what + " countersigns: not 1 to 63 entries")
            for c in cs:
                members(c, ("key_id", "signature_sha512"), (), what + " countersigns entry")
                hex_value(c["key_id"], 32, what + " countersigns key_id")
                hex_value(c["signature_sha512"], 128, what + " countersigns signature_sha512")
        e["_pk"] = b64_value(e["public_key"], 32, what + " public_key")
        check(public_key_ok(e["_pk"]), what + " public_key: not a valid Ed25519 public key")
        hex_value(e["key_id"], 32, what + " key_id")
        check(e["key_id"] == key_id(e["_pk"]), what + " key_id: not the key id of public_key")
        if "countersigns" in e:      # §4.4: a publisher's, each key once, never itself
            ids = [c["key_id"] for c in e["countersigns"]]
            check(len(set(ids)) == len(ids), what + " countersigns: a key_id twice")
            check(e["key_id"] not in ids, what + " countersigns: its own key_id")
            check(s["role"] == "publisher", what + ": a countersignature's role is not publisher")
        e["_sig"] = b64_value(e["signature"], 64, what + " signature")
    check(len({e["key_id"] for e in sigs}) == len(sigs), "signatures: two with the same key_id")
    check(not v2 or any("timestamps" in e for e in sigs), "format v2 or v3 but no timestamp token")
    check(version != 3 or any(len(e.get("_chain", ())) > 1 for e in sigs), "format v3 but no renewal chain")
    return env


def _token_der(der):
    """§6.5: DER, but for the order of the certificates (a SET OF, which
    DER sorts and CMS writers leave in the order given): the bytes with
    that set sorted must be what encoding their parsed value gives."""
    certs = a1cms.ContentInfo.load(der)["content"]["certificates"]
    if certs.native is not None:
        orig = b"".join(c.dump() for c in certs)
        at = der.find(orig)
        der = der[:at] + b"".join(sorted(c.dump() for c in certs)) + der[at + len(orig):]
    return a1cms.ContentInfo.load(der).dump(force=True) == der


def parse_chain(v, version, what):
    """§6.5: one token in v2; 1 to 16 in v3 (the first over the signature,
    each renewal over the DER of the one before)."""
    check(type(v) is list and len(v) >= 1 and (len(v) == 1 or version == 3),
          what + " timestamps: not an array of one token (a chain is v3)")
    check(len(v) <= 16, what + " timestamps: more than 16 tokens")
    return [parse_token(t, what) for t in v]


def parse_token(t, what):
    """§6.5: one base64 DER TimeStampToken, a ContentInfo holding
    id-signedData whose content is an id-ct-TSTInfo."""
    ok = type(t) is str and 0 < len(t) <= (MAX_TOKEN + 2) // 3 * 4 and \
        re.fullmatch("[A-Za-z0-9+/]+={0,2}", t) and len(t) % 4 == 0
    der = base64.b64decode(t) if ok else b""
    check(ok and base64.b64encode(der).decode() == t and len(der) <= MAX_TOKEN,
          what + " timestamps: not base64 of 1 to 16384 bytes")
    try:
        ci = a1cms.ContentInfo.load(der, strict=True)   # strict: nothing after it
        check(ci["content_type"].native == "signed_data", what + " token: not signedData")
        enc = ci["content"]["encap_content_info"]
        check(enc["content_type"].native == "tst_info", what + " token: not a TSTInfo")
        info = a1tsp.TSTInfo.load(enc["content"].contents, strict=True)
        info.native      # parses every field
        check(_token_der(der), what + " token: not DER")
    except (ValueError, TypeError, KeyError) as e:
        raise Refused("%s token: not an RFC 3161 time-stamp token (%s)" % (what, e))
    return der


def jcs(v):
    """RFC 8785 for the v1 value types (§5.2)."""
    if type(v) is dict:
        return b"{" + b",".join(jcs(k) + b":" + jcs(v[k])
                                for k in sorted(v, key=lambda k: k.encode("utf-16-be"))) + b"}"
    if type(v) is list:
        return b"[" + b",".join(jcs(x) for x in v) + b"]"
    if type(v) is int:
        return str(v).encode()
    esc = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    return ('"' + "".join(esc.get(c) or (c if c >= " " else "\\u%04x" % ord(c)) for c in v)
            + '"').encode("utf-8")


def message(statement, entry):
    s = {"statement": statement, "signer": entry["signer"]}
    if "countersigns" in entry:
        s["countersigns"] = entry["countersigns"]
    return PREFIX + jcs(s)


# ---------------------------------------------------------------- trust (§9) and .pub (§8)

def _tokens(line, n, big=None):
    """The tokens of line; token number `big` may hold 16,384 bytes."""
    toks, i = [], 0
    while True:
        while i < len(line) and line[i] in b" \t":
            i += 1
        if i == len(line):
            return toks
        tok = bytearray()
        quoted = line[i] == 0x22
        if quoted:
            i += 1
        else:
            while i < len(line) and line[i] not in b" \t\"":
                tok.append(line[i])
                i += 1
            if i < len(line) and line[i] == 0x22:
                check(tok.endswith(b"="), "line %d: misplaced '\"'" % n)
                quoted, i = True, i + 1
        if quoted:
            while True:
                check(i < len(line), "line %d: no closing '\"'" % n)
                c = line[i]
                i += 1
                if c == 0x22:
                    break
                if c == 0x5C:
                    check(i < len(line) and line[i] in b"\"\\", "line %d: bad '\\' sequence" % n)
                    c = line[i]
                    i += 1
                tok.append(c)
            check(i == len(line) or line[i] in b" \t", "line %d: text after a closing '\"'" % n)
        check(len(tok) <= (16384 if len(toks) == big else 1024), "line %d: token too long" % n)
        toks.append(bytes(tok))


def _utf8(b, what):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("%s: not valid UTF-8" % what)


def _options(toks, ent, allowed, n):
    seen = set()
    for t in toks:
        name, eq, val = _utf8(t, "line %d" % n).partition("=")
        check(eq and name in allowed, "line %d: unknown option '%s'" % (n, name))
        check(name not in seen, "line %d: option %s given twice" % (n, name))
        seen.add(name)
        if name == "roles":
            items = val.split(",")
            check(all(r in ROLES for r in items), "line %d: bad roles" % n)
            check(len(set(items)) == len(items), "line %d: a role listed twice" % n)
            ent["roles"] = set(items)
        elif name == "reason":
            ent[name] = text_field(val, "line %d reason" % n)
        elif name == "email":
            ent[name] = email_value(val, "line %d email" % n)
        elif name == "orcid":
            ent[name] = orcid_value(val, "line %d orcid" % n)
        else:
            ent[name] = time_value(val, "line %d %s" % (n, name))
    check("reason" not in ent or "revoked" in ent, "line %d: reason= without revoked=" % n)
    check(not ("valid-after" in ent and "valid-before" in ent)
          or ent["valid-after"] < ent["valid-before"], "line %d: empty validity window" % n)
    return ent


KEY_OPTIONS = {1: ("roles", "valid-after", "valid-before", "revoked", "reason"),
               2: ("roles", "email", "orcid", "valid-after", "valid-before", "revoked", "reason")}
TSA_OPTIONS = ("valid-after", "valid-before", "revoked", "reason")


def _certificate(tok, n):
    """§9.4: base64 (one spelling) of exactly one DER X.509 certificate."""
    v = _utf8(tok, "line %d certificate" % n)
    ok = re.fullmatch("[A-Za-z0-9+/]+={0,2}", v) and len(v) % 4 == 0
    der = base64.b64decode(v) if ok else b""
    check(ok and base64.b64encode(der).decode() == v, "line %d: certificate is not base64" % n)
    try:       # refuses BER, and any byte after the certificate
        x509.load_der_x509_certificate(der)
    except ValueError as e:
        raise Refused("line %d: not one DER X.509 certificate (%s)" % (n, e))
    return der


def _tsa(toks, n, tsas):
    check(len(toks) >= 2, "line %d: a tsa record needs a name and a certificate" % n)
    name = text_field(_utf8(toks[0], "line %d" % n), "line %d tsa name" % n)
    der = _certificate(toks[1], n)
    check(name not in (a["name"] for a in tsas), "line %d: tsa name listed twice" % n)
    check(der not in (a["cert"] for a in tsas), "line %d: tsa certificate listed twice" % n)
    tsas.append(_options(toks[2:], {"name": name, "cert": der}, TSA_OPTIONS, n))


class Store(dict):
    """Trusted keys by their 32 bytes; .version (0 for a .pub) and .tsas,
    the tsa records of a v2 file (§9.4)."""
    version, tsas = 0, []

    def get(self, pk, default=None):
        """§9.1, trust-db.md §4: a key is checked (§5.3 rules 3-6) when a
        signature uses it; one that fails makes the verification an error."""
        ent = dict.get(self, pk, default)
        if ent is not None:
            check(public_key_ok(pk), "%s: not a valid Ed25519 public key" % ent.get("_at", "key"))
        return ent


def parse_trust(data, records=False):
    """The key records by public key (and, with records, the tsa records too)."""
    check(len(data) <= MAX_TRUST, "trust file is larger than 16 MiB")
    check(b"\x00" not in data, "trust file contains a NUL byte")
    check(data.endswith(b"\n"), "trust file does not end with LF")
    lines = data[:-1].split(b"\n")
    version = {b"agreesign trust v1": 1, b"agreesign trust v2": 2}.get(lines[0])
    check(version, "line 1: not 'agreesign trust v1' or 'agreesign trust v2'")
    store, tsas = Store(), []
    store.version, store.tsas = version, tsas
    for n, line in enumerate(lines[1:], 2):
        check(b"\r" not in line, "line %d: CR" % n)
        body = line.lstrip(b" \t")
        if not body or body.startswith(b"#"):
            continue
        if version == 2:       # §9.4: a bare record keyword first
            kw = re.match(rb"[^ \t]*", body).group()
            check(kw in (b"key", b"tsa"), "line %d: unknown record type" % n)
            body = body[len(kw):]
            if kw == b"tsa":
                _tsa(_tokens(body, n, big=1), n, tsas)
                continue
        toks = _tokens(body, n)
        check(len(toks) >= 2, "line %d: an entry needs an identity and a public key" % n)
        ent = {"identity": text_field(_utf8(toks[0], "line %d" % n), "line %d identity" % n),
               "roles": {"author", "co-author"}}
        pk = b64_value(_utf8(toks[1], "line %d" % n), 32, "line %d public key" % n)
        check(pk not in store, "line %d: public key listed twice" % n)
        ent["_at"] = "line %d" % n      # its §5.3 checks: when it is used (Store.get)
        store[pk] = _options(toks[2:], ent, KEY_OPTIONS[version], n)
    return (store, tsas) if records else store


# ---------------------------------------------------------------- trust store database (spec/trust-db.md)

SQLITE_MAGIC = b"SQLite format 3\x00"
DB_APPLICATION_ID = 0x41475354
DB_SCHEMA = """\
CREATE TABLE key(id INTEGER PRIMARY KEY, pk BLOB NOT NULL UNIQUE CHECK(typeof(pk) = 'blob' AND length(pk) = 32), key_id TEXT NOT NULL UNIQUE, identity TEXT NOT NULL, folded TEXT NOT NULL, roles INTEGER NOT NULL CHECK(roles BETWEEN 1 AND 7), email TEXT, orcid TEXT, valid_after INTEGER, valid_before INTEGER, revoked INTEGER, reason TEXT);
CREATE INDEX key_folded ON key(folded);
CREATE TABLE tsa(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, cert BLOB NOT NULL UNIQUE, valid_after INTEGER, valid_before INTEGER, revoked INTEGER, reason TEXT);
CREATE TABLE history(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, op TEXT NOT NULL, record TEXT NOT NULL, old TEXT, new TEXT, reason TEXT, chain BLOB NOT NULL);
CREATE INDEX history_record ON history(record);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
"""
DB_ROLE_BITS = ((1, "author"), (2, "co-author"), (4, "publisher"))


def _master(con):
    return sorted(con.execute("SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_master"))


def open_trust_db(path):
    """§4: the header, application_id, user_version 1, exactly the schema of §2."""
    import sqlite3
    with open(path, "rb") as f:
        check(f.read(16) == SQLITE_MAGIC, "not a SQLite database")
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    check(con.execute("PRAGMA application_id").fetchone()[0] == DB_APPLICATION_ID,
          "not an agreesign trust store")
    check(con.execute("PRAGMA user_version").fetchone()[0] == 1, "unknown schema version")
    mem = sqlite3.connect(":memory:")
    mem.executescript(DB_SCHEMA)
    check(_master(con) == _master(mem), "not the schema of an agreesign trust store")
    return con


def _db_time(v, what):
    check(v is None or type(v) is int, "%s: not an integer" % what)
    if v is None:
        return None
    try:
        return datetime.datetime.fromtimestamp(v, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        raise Refused("%s: time out of range" % what)


def _db_opts(ent, row, what):
    """valid_after, valid_before, revoked, reason columns into §9 options."""
    for name, v in zip(("valid-after", "valid-before", "revoked"), row[:3]):
        t = _db_time(v, "%s %s" % (what, name))
        if t is not None:
            ent[name] = t
    if row[3] is not None:
        check("revoked" in ent, "%s: reason without revoked" % what)
        ent["reason"] = text_field(row[3], what + " reason")
    check(not ("valid-after" in ent and "valid-before" in ent) or ent["valid-after"] < ent["valid-before"],
          "%s: empty validity window" % what)
    return ent


def trust_db_records(con):
    """The store's key and tsa records, in id order, checked as §3 says."""
    keys, tsas = [], []
    for pk, kid, ident, roles, email, orcid, *rest in con.execute(
            "SELECT pk, key_id, identity, roles, email, orcid, valid_after, valid_before, revoked, reason "
            "FROM key ORDER BY id"):
        check(type(pk) is bytes and len(pk) == 32, "a key record's public key is not 32 bytes")
        what = "key %s" % key_id(pk)
        check(kid == key_id(pk), what + ": key_id is not the key's id")
        check(type(roles) is int and 1 <= roles <= 7, what + ": bad roles")
        ent = {"identity": text_field(ident, what + " identity"),
               "roles": {name for bit, name in DB_ROLE_BITS if roles & bit}}
        if email is not None:
            ent["email"] = email_value(email, what + " email")
        if orcid is not None:
            ent["orcid"] = orcid_value(orcid, what + " orcid")
        keys.append((pk, _db_opts(ent, rest, what)))
    for name, cert, *rest in con.execute(
            "SELECT name, cert, valid_after, valid_before, revoked, reason FROM tsa ORDER BY id"):
        what = "tsa %s" % name
        try:
            x509.load_der_x509_certificate(cert)
        except (ValueError, TypeError) as e:
            raise Refused("%s: not one DER X.509 certificate (%s)" % (what, e))
        tsas.append(_db_opts({"name": text_field(name, what), "cert": cert}, rest, what))
    return keys, tsas


def parse_trust_db(path):
    """A store as parse_trust gives a text file's; each key checked (§5.3) when used (Store.get)."""
    keys, tsas = trust_db_records(open_trust_db(path))
    store = Store()
    store.version, store.tsas = 2, tsas
    for pk, ent in keys:
        ent["_at"] = "key %s" % key_id(pk)
        store[pk] = ent
    return store


def trust_db_history_ok(con):
    """§5: seq counts from 1 and each chain is SHA-256(previous chain, the fields)."""
    prev, n = bytes(32), 0
    for seq, at, *fields, chain in con.execute(
            "SELECT seq, at, op, record, old, new, reason, chain FROM history ORDER BY seq"):
        n += 1
        h = hashlib.sha256(prev)
        for v in [str(seq), str(at)] + fields:
            h.update(b"\x00\n" if v is None else b"\x01" + v.encode("utf-8") + b"\n")
        if seq != n or chain != h.digest():
            return False
        prev = chain
    return True


def _canon_value(v):
    """§9.6: bare unless it holds SPACE, TAB, '"', '\\', '#' or '=' (or is empty)."""
    if v and not re.search(r'[ \t"\\#=]', v):
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def canonical_line(kind, ent, token):
    """§9.6: the canonical line of a key (token: its base64) or tsa record."""
    out = [kind, _canon_value(ent["identity"] if kind == "key" else ent["name"]), token]
    if kind == "key":
        out.append("roles=" + ",".join(r for r in ROLES if r in ent["roles"]))
        out += ["%s=%s" % (n, _canon_value(ent[n])) for n in ("email", "orcid") if n in ent]
    out += ["%s=%s" % (n, ent[n]) for n in ("valid-after", "valid-before", "revoked") if n in ent]
    if "reason" in ent:
        out.append("reason=" + _canon_value(ent["reason"]))
    return " ".join(out) + "\n"


def export_trust_db(path):
    """§3: the v2 text of a store."""
    keys, tsas = trust_db_records(open_trust_db(path))
    lines = ["agreesign trust v2\n"]
    lines += [canonical_line("key", ent, base64.b64encode(pk).decode()) for pk, ent in keys]
    lines += [canonical_line("tsa", a, base64.b64encode(a["cert"]).decode()) for a in tsas]
    return "".join(lines).encode("utf-8")


def parse_ssh_pub(data):
    """§8.4: an OpenSSH public key file, one ssh-ed25519 line."""
    check(len(data) <= MAX_PUB and b"\x00" not in data and b"\r" not in data, "bad OpenSSH key file")
    check(not data.startswith(b"-----BEGIN"), "a private key file")
    lines = [ln for ln in data.split(b"\n") if ln.strip(b" \t") and not ln.lstrip(b" \t").startswith(b"#")]
    check(len(lines) == 1, "an OpenSSH key file holds exactly one key")
    fields = _ssh_fields(lines[0].decode("latin-1"))
    is_type = lambda f: f.startswith(("ssh-", "ecdsa-", "sk-")) or f.endswith("-cert-v01@openssh.com")
    if not is_type(fields[0]) and len(fields) > 1 and is_type(fields[1]):
        opts = _ssh_options(fields[0])
        check("cert-authority" not in [o.lower() for o in opts], "a cert-authority key")
        fields = fields[1:]
    check(fields[0] == "ssh-ed25519" and len(fields) >= 2, "not an ssh-ed25519 key")
    blob = fields[1].encode("ascii", "replace")
    check(re.fullmatch(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", blob) is not None
          and blob, "key data is not base64")
    raw = base64.b64decode(blob, validate=True)
    check(base64.b64encode(raw) == blob, "key data is not canonical base64")
    want = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32)
    check(len(raw) == len(want) + 32 and raw.startswith(want), "key blob is not ssh-ed25519 and 32 bytes")
    pk = raw[len(want):]
    check(public_key_ok(pk), "OpenSSH key: not a valid Ed25519 public key")
    return {pk: {"identity": None, "roles": set(ROLES)}}


def _ssh_fields(line):
    """Fields separated by SPACE/TAB runs; double quotes keep blanks (§8.4)."""
    fields, cur, quoted, i = [], "", False, 0
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif quoted and c == "\\" and i + 1 < len(line):
            cur += c
            i += 1
            c = line[i]
        elif not quoted and c in " \t":
            if cur:
                fields.append(cur)
            cur = ""
            i += 1
            continue
        cur += c
        i += 1
    if cur:
        fields.append(cur)
    return fields


def _ssh_options(text):
    """The comma-separated options of an authorized_keys line (quotes kept)."""
    out, cur, quoted = [], "", False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += c
    return out + [cur]


def parse_any_pub(data):
    """§8.4: the kind of key file is told by content."""
    return parse_pub(data) if data.startswith(b"agreesign ") else parse_ssh_pub(data)


def parse_pub(data):
    check(len(data) <= MAX_PUB and b"\x00" not in data and b"\r" not in data, "bad .pub file")
    check(data.endswith(b"\n"), ".pub: last line not ended by LF")
    lines = _utf8(data, ".pub")[:-1].split("\n")
    check(lines[0] == "agreesign public key v1", ".pub: not 'agreesign public key v1'")
    fields = []
    for line in lines[1:]:
        m = re.fullmatch("([a-z-]{1,32}): ([^ ].*)", line)
        check(m and not line.endswith((" ", "\t")), ".pub: bad line")
        fields.append(m.groups())
    names = [f[0] for f in fields]
    check(names[:3] == ["key-id", "public-key", "name"]
          and names[3:] in ([], ["email"], ["orcid"], ["email", "orcid"]),
          ".pub: unknown, repeated, misplaced or missing field")
    f = dict(fields)
    pk = b64_value(f["public-key"], 32, ".pub public-key")
    check(public_key_ok(pk), ".pub: not a valid Ed25519 public key")
    check(hex_value(f["key-id"], 32, ".pub key-id") == key_id(pk), ".pub: key-id does not match")
    text_field(f["name"], ".pub name")
    ent = {"identity": f["name"], "roles": set(ROLES)}
    if "email" in f:
        ent["email"] = email_value(f["email"], ".pub email")
    if "orcid" in f:
        ent["orcid"] = orcid_value(f["orcid"], ".pub orcid")
    return {pk: ent}


# ---------------------------------------------------------------- verification (§10)

def read_limited(path, limit, what):
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise Refused("%s: %s" % (path, e.strerror))
    check(len(data) <= limit, "%s: %s is larger than %d bytes" % (path, what, limit))
    return data


def attachment_status(folder, att):
    """§10.3: the name itself (lstat, no link followed); its size before any
    byte is read; then exactly `length` bytes, and the file must end there."""
    path = os.path.join(folder, att["name"])
    try:
        st = os.lstat(path)
    except OSError as e:
        return "missing" if e.errno in (errno.ENOENT, errno.ENAMETOOLONG) else "changed"
    if not stat.S_ISREG(st.st_mode) or st.st_size != att["length"]:
        return "changed"
    h, left = hashlib.sha512(), att["length"]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            now = os.fstat(f.fileno())
            if (now.st_dev, now.st_ino, now.st_size) != (st.st_dev, st.st_ino, st.st_size):
                return "changed"
            while left:
                block = f.read(min(left, 1 << 20))
                if not block:
                    return "changed"
                h.update(block)
                left -= len(block)
            if f.read(1):
                return "changed"
    except OSError:
        return "changed"
    return "verified" if h.hexdigest() == att["sha512"] else "changed"


# ---------------------------------------------------------------- §10.2 timestamps

_DER = Encoding.DER
TS_DIGESTS = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
PROVEN_TOLERANCE = 300


class TokenFails(Exception):
    """The token proves nothing, for this reason."""


def _time(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cert_valid_at(c, t):
    """t: a naive UTC datetime, as cryptography's not_valid_* give."""
    return c.not_valid_before <= t <= c.not_valid_after


def _issued_by(c, issuer):
    """1 when issuer's key signed c (cryptography 38 has no
    verify_directly_issued_by)."""
    try:
        _verify_sig(issuer, c.signature, c.tbs_certificate_bytes, type(c.signature_hash_algorithm))
        return True
    except (TokenFails, TypeError):
        return False


def _signer_usage_ok(c):
    """The signer's extended key usage: timeStamping alone, critical; a key
    usage, when present, only digitalSignature and/or nonRepudiation."""
    try:
        eku = c.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False
    if not eku.critical or list(eku.value) != [x509.ExtendedKeyUsageOID.TIME_STAMPING]:
        return False
    try:
        ku = c.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    others = (ku.key_cert_sign, ku.crl_sign, ku.key_encipherment, ku.data_encipherment, ku.key_agreement)
    return (ku.digital_signature or ku.content_commitment) and not any(others)


def _is_ca(c):
    try:
        return c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _chain_ok(signer, certs, anchor, t):
    """A path from signer to the pinned certificate anchor, through the
    token's certificates only, each valid at t, each issuer a CA."""
    cur, seen = signer, 0
    while cur.public_bytes(_DER) != anchor.public_bytes(_DER):
        nxt = None
        for cand in [anchor] + certs:
            if cand.subject != cur.issuer or not _is_ca(cand) or not _issued_by(cur, cand):
                continue
            nxt = cand
            break
        if nxt is None:
            raise TokenFails("no chain to the pinned certificate")
        if not _cert_valid_at(cur, t):
            raise TokenFails("a certificate is not valid at the token's time")
        cur, seen = nxt, seen + 1
        if seen > 16:
            raise TokenFails("chain too long")
    if not _cert_valid_at(anchor, t):
        raise TokenFails("the pinned certificate is not valid at the token's time")


def _verify_sig(cert, sig, data, h):
    pub = cert.public_key()
    try:
        if isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(sig, data, ec.ECDSA(h()))
        elif isinstance(pub, rsa.RSAPublicKey):
            pub.verify(sig, data, padding.PKCS1v15(), h())
        else:
            raise TokenFails("a signature algorithm other than ECDSA or RSA")
    except InvalidSignature:
        raise TokenFails("the token's signature does not verify")


def _ess_names(si, cert_der):
    """The signingCertificate (v1: SHA-1) or signingCertificateV2 signed
    attribute names the signer's certificate first."""
    for a in si["signed_attrs"]:
        kind = a["type"].native
        if kind in ("signing_certificate", "signing_certificate_v2"):
            first = a["values"][0]["certs"][0]
            alg = "sha1" if kind == "signing_certificate" else first["hash_algorithm"]["algorithm"].native
            return first["cert_hash"].native == hashlib.new(alg, cert_der).digest()
    return False


def token_under(der, sig_bytes, anchor_der, also_at=None, covers="this signature"):
    """§10.2: the genTime (a datetime) the token proves under the pinned
    certificate anchor_der, or TokenFails. sig_bytes: what it covers (the
    signature, or for a renewal the DER of the token before it); also_at:
    a second time at which the chain must be valid (a chain's link)."""
    sd = a1cms.ContentInfo.load(der)["content"]
    enc = sd["encap_content_info"]
    info = enc["content"].parsed
    imp = info["message_imprint"]
    if imp["hash_algorithm"]["algorithm"].native != "sha512" or \
            imp["hashed_message"].native != hashlib.sha512(sig_bytes).digest():
        raise TokenFails("the token's imprint is not SHA-512 of " + covers)
    if info["version"].native != "v1":
        raise TokenFails("TSTInfo version is not 1")
    t = info["gen_time"].native.replace(microsecond=0, tzinfo=None)    # naive UTC
    sis = sd["signer_infos"]
    if len(sis) != 1 or sis[0]["digest_algorithm"]["algorithm"].native not in TS_DIGESTS:
        raise TokenFails("not signed with one SHA-256, SHA-384 or SHA-512 digest")
    si, h = sis[0], TS_DIGESTS[sis[0]["digest_algorithm"]["algorithm"].native]
    certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in (sd["certificates"] or [])]
    anchor = x509.load_der_x509_certificate(anchor_der)
    sid = si["sid"]
    signer = None
    for c in certs + [anchor]:
        a1 = a1cms.Certificate.load(c.public_bytes(_DER))
        if sid.name == "issuer_and_serial_number":
            match = a1.issuer == sid.chosen["issuer"] and a1.serial_number == sid.chosen["serial_number"].native
        else:
            match = a1.key_identifier == sid.chosen.native
        if match:
            signer = c
            break
    if signer is None:
        raise TokenFails("the token names no certificate it holds as its signer")
    attrs = {a["type"].native: a["values"][0] for a in (si["signed_attrs"] or [])}
    econtent = enc["content"].contents
    if "message_digest" not in attrs or attrs["message_digest"].native != hashlib.new(h.name, econtent).digest():
        raise TokenFails("the token's message digest does not match its TSTInfo")
    if not _ess_names(si, signer.public_bytes(_DER)):
        raise TokenFails("the token's signing certificate attribute does not name its signer")
    data = si["signed_attrs"].dump()
    _verify_sig(signer, si["signature"].native, b"\x31" + data[1:], h)
    if not _signer_usage_ok(signer):
        raise TokenFails("the signer's certificate is not for time stamping alone (critical)")
    _chain_ok(signer, certs, anchor, t)
    if also_at is not None:
        _chain_ok(signer, certs, anchor, also_at)
    return t


def _record_refuses(a, t, sealed=None):
    """§10.2 check 5 (t: the token's time as text); sealed: the time (a
    datetime) by which a renewal proves the token existed, or None."""
    if "revoked" in a and not (sealed is not None and _time(sealed) < a["revoked"]):
        return "the TSA is revoked"
    if "valid-after" in a and t < a["valid-after"]:
        return "the token's time is before the TSA's valid-after"
    if "valid-before" in a and t >= a["valid-before"]:
        return "the token's time is not before the TSA's valid-before"
    return None


def _link(der, covered, store, also_at=None, sealed=None, covers="this signature"):
    """One token against the records in order: (genTime datetime, record)
    or TokenFails (the first failure, unless a record anchored it)."""
    detail, anchored = None, False
    for a in store.tsas:
        try:
            g = token_under(der, covered, a["cert"], also_at, covers)
        except TokenFails as err:
            detail = detail or str(err)
            continue
        why = _record_refuses(a, _time(g), sealed)
        if why is None:
            return g, a
        detail = detail if anchored else why
        anchored = True
    raise TokenFails(detail)


def _chain(e, store, now):
    """§10.2 renewal chains: from the last token back, each valid at its
    genTime and at the next one's (the last at now), never older than
    the next; the first token's (genTime, record)."""
    chain, nxt, n = e["_chain"], now, len(e["_chain"]) - 1
    for k in range(n, -1, -1):
        covered = e["_sig"] if k == 0 else chain[k - 1]
        try:
            g, a = _link(chain[k], covered, store, nxt, None if k == n else nxt,
                         "this signature" if k == 0 else "the token before it")
        except TokenFails as err:
            raise TokenFails("token %d of %d: %s" % (k + 1, n + 1, err))
        if k < n and g > nxt:
            raise TokenFails("token %d of %d: its time is after that of the token that renews it" % (k + 1, n + 1))
        nxt = g
    return g, a


def token_verdict(e, store):
    """(status, proven time string or None, tsa name or None, detail)."""
    if "_chain" not in e:
        return None
    if not store.tsas:
        return ("not-checked", None, None, "no time-stamping authority is pinned")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    try:
        if len(e["_chain"]) == 1:       # v2's rule: judged at its own time
            g, a = _link(e["_chain"][0], e["_sig"], store)
        else:
            g, a = _chain(e, store, now)
    except TokenFails as err:
        return ("invalid", None, None, str(err))
    return ("valid", _time(g), a["name"], None)


def _plus(t, secs):
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=secs)
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def judge(canon, env, store, given=False):
    """§10.2; given: -p KEY.pub, where another key's entry is judged by
    checks 1, 3 and 9 only, and is `not-checked` when they hold."""
    st, entries = env["statement"], env["signatures"]
    store = store if isinstance(store, Store) else Store(store)
    matches = len(canon) == st["text_length"] and hashlib.sha512(canon).hexdigest() == st["text_sha512"]
    plain = [i for i, e in enumerate(entries) if "countersigns" not in e]
    out = []
    for c, e in enumerate(entries):
        t, s = store.get(e["_pk"]), e["signer"]
        tok = token_verdict(e, store)
        proven = tok[1] if tok else None
        when = proven or s["time"]        # §10.2: the window on the proven time
        spared = t is not None and "revoked" in t and store.version == 2 and proven and proven < t["revoked"]
        if not matches:
            reason = "agreement-changed"
        elif t is None and not given:
            reason = "untrusted-key"
        elif not ed25519_verify(e["_sig"], message(st, e), e["_pk"]):
            reason = "bad-signature"
        elif t is not None and "revoked" in t and not spared:  # §9.5
            reason = "revoked"
        elif t is not None and s["role"] not in t["roles"]:
            reason = "wrong-role"
        elif t is not None and "valid-after" in t and when < t["valid-after"]:
            reason = "not-yet-valid"
        elif t is not None and "valid-before" in t and when >= t["valid-before"]:
            reason = "expired"
        elif t is not None and t["identity"] is not None and s["name"] != t["identity"]:
            reason = "name-mismatch"
        elif t is not None and any(k in t and k in s and s[k] != t[k] for k in ("email", "orcid")):
            reason = "identity-mismatch"      # v2 only: v1 entries have neither
        elif "countersigns" in e and not (
                all(p < c for p in plain) and len(plain) == len(e["countersigns"])
                and all(cs["key_id"] == entries[p]["key_id"]
                        and cs["signature_sha512"] == hashlib.sha512(entries[p]["_sig"]).hexdigest()
                        for cs, p in zip(e["countersigns"], plain))):
            reason = "countersignature-mismatch"
        elif proven and s["time"] > _plus(proven, PROVEN_TOLERANCE):
            reason = "claimed-time-after-proven"
        elif t is None:
            reason = "key-not-given"
        else:
            reason = "ok"
        out.append({"index": c + 1, "key_id": e["key_id"],
                    "trusted_identity": t["identity"] if t else None,
                    "claimed_name": s["name"], "claimed_email": s.get("email"),
                    "claimed_orcid": s.get("orcid"), "role": s["role"], "claimed_time": s["time"],
                    "countersignature": "countersigns" in e,
                    "result": {"ok": "valid", "key-not-given": "not-checked"}.get(reason, "invalid"),
                    "reason": reason,
                    "detail": None if reason == "ok" and not spared else reason.replace("-", " "),
                    "proven_time": proven,
                    "timestamp": tok and {"result": tok[0], "tsa": tok[2], "detail": tok[3]}})
    return matches, out


def policy(sigs, atts, roles, signers, need_atts=False, given=False, need_proven=False):
    """§10.3; given (-p): `not-checked` entries pass step 1 and count for
    nothing; step 2 needs a valid entry (the given key's) instead of an
    author's."""
    for s in sigs:
        if s["result"] == "invalid":
            return "signature %d is not valid (%s)" % (s["index"], s["reason"])
    sigs = [s for s in sigs if s["result"] == "valid"]
    if given and not sigs:
        return "no signature by the given key"
    if not given and not any(s["role"] == "author" for s in sigs):
        return "no valid signature by a trusted author"
    for r in roles:
        if not any(s["role"] == r for s in sigs):
            return "no valid signature in the required role %s" % r
    for k in signers:
        if not any(s["key_id"] == k for s in sigs):
            return "no valid signature by required key %s" % k
    for s in sigs if need_proven else ():   # §10.3 step 4a
        if s["proven_time"] is None:
            return "signature %d has no proven time" % s["index"]
    for a in atts:      # §10.3 step 5: the first that fails, in order
        if a["status"] == "changed":
            return 'attachment "%s" has changed' % a["name"]
        if a["status"] == "missing" and need_atts:
            return 'attachment "%s" is missing' % a["name"]
    return None


# §10.4: in JSON output, DEL, the C1 controls, the bidirectional controls,
# U+2028 and U+2029 are written as \uXXXX, like the C0 controls; hex digits
# uppercase. (json.dumps writes C0 escapes in lowercase and the others raw.)
_OUT_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_OUT_TOKEN = re.compile(r'\\u([0-9a-f]{4})|\\.|' + _OUT_RAW.pattern)


def _out_token(m):
    if m.group(1) is not None:
        return "\\u" + m.group(1).upper()
    if m.group(0).startswith("\\"):
        return m.group(0)
    return "\\u%04X" % ord(m.group(0))


def json_line(v):
    """One line of JSON output (§10.4): members sorted, compact, UTF-8."""
    text = json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _OUT_TOKEN.sub(_out_token, text)


def main(argv):
    ap = argparse.ArgumentParser(prog="agreesign_verify.py")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("-t", "--trust")
    src.add_argument("-p", "--public-key")
    ap.add_argument("-e", "--envelope")
    ap.add_argument("--require-role", action="append", default=[])  # §10.3: repeated lists add up
    ap.add_argument("--require-signer", action="append", default=[])
    ap.add_argument("--attach-dir")
    ap.add_argument("--require-attachments", action="store_true")
    ap.add_argument("--require-proven-time", action="store_true")
    ap.add_argument("-j", "--json", action="store_true", help="accepted; output is always JSON")
    ap.add_argument("agreement")
    a = ap.parse_args(argv)
    roles = [r for lst in a.require_role for r in lst.split(",")]
    if not all(r in ROLES for r in roles) or not all(re.fullmatch("[0-9a-f]{32}", k) for k in a.require_signer):
        ap.error("--require-role takes author, co-author, publisher; --require-signer a key id")
    if a.attach_dir is not None and not os.path.isdir(a.attach_dir):
        ap.error("--attach-dir %s: not a folder (§10.3)" % a.attach_dir)
    env_path = a.envelope or a.agreement + ".sig.json"
    result = {"agreement": a.agreement, "envelope": env_path}
    try:
        if a.trust:
            with open(a.trust, "rb") as f:
                is_db = f.read(16) == SQLITE_MAGIC
            store = parse_trust_db(a.trust) if is_db else \
                parse_trust(read_limited(a.trust, MAX_TRUST, "trust file"))
        else:
            store = parse_any_pub(read_limited(a.public_key, MAX_PUB, ".pub file"))
        canon = canonicalize(read_limited(a.agreement, MAX_AGREEMENT, "agreement"))
        env = parse_envelope(read_limited(env_path, MAX_ENVELOPE, "envelope"))
    except Refused as e:
        result.update(reason=str(e), result="error", verified=False)
        print(json_line(result))
        return 2
    st = env["statement"]
    given = a.public_key is not None
    matches, sigs = judge(canon, env, store, given)
    folder = a.attach_dir or os.path.dirname(a.agreement) or "."
    atts = [dict(x, status=attachment_status(folder, x)) for x in st.get("attachments", [])]
    # §10.3 step 0: an agreement verifier refuses a template's envelope.
    reason = ("the envelope signs a template, not an agreement" if "kind" in st
              else policy(sigs, atts, roles, a.require_signer, a.require_attachments, given,
                          a.require_proven_time))
    result.update(verified=reason is None, result="verified" if reason is None else "not-verified",
                  reason=reason, metadata=st["metadata"], attachments=atts, signatures=sigs,
                  text={"canonicalization": "text/v1", "sha512": st["text_sha512"],
                        "length": st["text_length"], "matches": matches})
    print(json_line(result))
    return 0 if reason is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
