#!/usr/bin/python3
"""Interop test: the independent verifier (agreesign_verify.py, written from
spec/agreesign-v1.md alone) against the spec's vectors, its worked example,
and the reference tool as a black box.

usage: verify_test.py AGREESIGN_BINARY    (run from anywhere; prints
`interop: N passed, M failed` and exits 1 when anything failed)
"""
import base64, contextlib, copy, datetime, hashlib, io, json, os, random, re, shutil, struct, subprocess, sys
import tempfile, unicodedata
import nacl.bindings, nacl.pwhash, nacl.signing

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VEC = os.path.join(ROOT, "spec", "vectors")
KEYS = os.path.join(ROOT, "keys")
sys.path.insert(0, HERE)
import agreesign_verify as V  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) == 2 else sys.exit(__doc__)
passed = failed = 0
notes = []


def ok(cond, name, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))
    return cond


def note(text):
    notes.append(text)


def tool(*args, cwd=ROOT):
    return subprocess.run([BIN] + list(args), cwd=cwd, capture_output=True)


def mine_text(*args):
    """The verifier in-process: (exit status, its output)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            rc = V.main(list(args))
    except SystemExit as e:          # argparse usage error
        rc = e.code
    return rc, out.getvalue()


def mine(*args):
    """The verifier in-process: (exit status, parsed JSON output or None)."""
    rc, text = mine_text(*args)
    return rc, (json.loads(text) if text.strip() else None)


def tool_verify(*args):
    p = tool("verify", "--json", *args)
    try:
        js = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        js = None
    return p.returncode, js


def reasons(js):
    return ",".join(s["reason"] for s in js["signatures"]) if js and "signatures" in js else "-"


def stable(js):
    """The output without its free-text members (reason, detail)."""
    if not js:
        return js
    js = {k: v for k, v in js.items() if k != "reason"}
    if "signatures" in js:
        js["signatures"] = [{k: (dict(v, detail=None) if k == "timestamp" and v else v)
                             for k, v in s.items() if k != "detail"} for s in js["signatures"]]
    return js


def compare(name, args, expect=None, expect_reasons=None):
    """Run both verifiers; they must agree (exit status, reason words, stable JSON)."""
    rc1, js1 = mine(*args)
    rc2, js2 = tool_verify(*args)
    ok(rc1 == rc2, name + ": same exit status as agreesign", "mine %s, agreesign %s (%s / %s)"
       % (rc1, rc2, (js1 or {}).get("reason"), (js2 or {}).get("reason")))
    if expect is not None:
        ok(rc1 == expect, name + ": exit status per spec", "mine %s, expected %s (%s)"
           % (rc1, expect, (js1 or {}).get("reason")))
    if rc1 in (0, 1) and rc1 == rc2:
        ok(stable(js1) == stable(js2), name + ": same JSON result as agreesign --json",
           "\n  mine %s\n  tool %s" % (stable(js1), stable(js2)))
    if expect_reasons is not None:
        ok(reasons(js1) == expect_reasons, name + ": reasons", "%s != %s" % (reasons(js1), expect_reasons))
    return rc1, js1


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def dump(env):
    return (json.dumps(env, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def b64(b):
    return base64.b64encode(b).decode()


# ------------------------------------------------------------- (a) spec/vectors/cases.tsv

def test_cases():
    with open(os.path.join(VEC, "cases.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, agr, env, trust, opts, rc, want = line.rstrip("\n").split("\t")
            args = ["-t", os.path.join(VEC, "trust", trust), "-e", os.path.join(VEC, "envelopes", env)]
            args += [] if opts == "-" else opts.split()
            args.append(os.path.join(VEC, "agreements", agr))
            compare("case " + name, args, int(rc), want)
    # the verifier as a command, once per exit status
    for args, rc in (([], 0), (["--require-role", "publisher"], 1), (["-e", "/nonexistent"], 2)):
        p = subprocess.run([sys.executable, os.path.join(HERE, "agreesign_verify.py"), "-t",
                            os.path.join(VEC, "trust", "demo.trust")] + args
                           + ["-e", os.path.join(VEC, "envelopes", "signed.sig.json")] * (not args[:1] == ["-e"])
                           + [os.path.join(VEC, "agreements", "sample-agreement.txt")], capture_output=True)
        ok(p.returncode == rc and json.loads(p.stdout)["verified"] == (rc == 0),
           "command line exit %d" % rc, p.stderr.decode())


# ------------------------------------------------------------- (b) fresh envelopes

def tamper_tests(tmp, label, agreement, env_path, trust_args, extra=()):
    env = json.loads(read(env_path))
    data = read(agreement)
    i = data.index(b"agreement", 100)
    changed = write(os.path.join(tmp, "changed-" + os.path.basename(agreement)),
                    data[:i] + b"Agreement" + data[i + 9:])
    compare(label + " / agreement byte changed", trust_args + ["-e", env_path, *extra, changed], 1)
    e2 = copy.deepcopy(env)
    e2["statement"]["metadata"]["title"] = e2["statement"]["metadata"].get("title", "x") + "!"
    p = write(os.path.join(tmp, "t-title.sig.json"), dump(e2))
    compare(label + " / title changed", trust_args + ["-e", p, *extra, agreement], 1)
    e2 = copy.deepcopy(env)
    t = e2["signatures"][-1]["signer"]["time"]
    e2["signatures"][-1]["signer"]["time"] = t[:-3] + ("%02d" % ((int(t[-3:-1]) + 1) % 60)) + "Z"
    p = write(os.path.join(tmp, "t-time.sig.json"), dump(e2))
    compare(label + " / last signer time changed", trust_args + ["-e", p, *extra, agreement], 1)
    e2 = copy.deepcopy(env)
    sig = bytearray(base64.b64decode(e2["signatures"][-1]["signature"]))
    sig[5] ^= 0x01
    e2["signatures"][-1]["signature"] = b64(bytes(sig))
    p = write(os.path.join(tmp, "t-sig.sig.json"), dump(e2))
    compare(label + " / signature byte changed", trust_args + ["-e", p, *extra, agreement], 1)


def test_fresh(tmp):
    trust = ["-t", os.path.join(KEYS, "demo.trust")]
    agr = os.path.join(tmp, "agreement.txt")
    shutil.copy(os.path.join(VEC, "agreements", "sample-agreement.txt"), agr)
    env = agr + ".sig.json"
    key = lambda n: os.path.join(KEYS, "demo-%s.key" % n)
    steps = [
        ("sign", ["sign", "-k", key("author"), "--time", "2026-11-18T11:06:40Z", agr], "signed.sig.json"),
        ("sign --append --role co-author", ["sign", "-k", key("coauthor"), "--append", "--role", "co-author",
                                           "--time", "2026-11-18T12:06:40Z", agr], "cosigned.sig.json"),
        ("countersign", ["countersign", "-k", key("publisher"), "-t", os.path.join(KEYS, "demo.trust"),
                         "--time", "2026-11-19T12:06:40Z", agr], "countersigned.sig.json")]
    for label, cmd, vector in steps:
        p = tool(*cmd)
        if not ok(p.returncode == 0, "agreesign " + label, p.stderr.decode()):
            return
        snapshot = write(os.path.join(tmp, vector), read(env))
        # §12: Ed25519 is deterministic, so the same keys and times give the vector byte for byte
        ok(read(snapshot) == read(os.path.join(VEC, "envelopes", vector)),
           "agreesign %s reproduces spec/vectors/envelopes/%s" % (label, vector))
        compare("fresh " + label, trust + ["-e", snapshot, agr], 0)
        tamper_tests(tmp, "fresh " + label, agr, snapshot, trust)
    compare("fresh countersigned, --require-role author,publisher",
            trust + ["--require-role", "author,publisher", "-e", os.path.join(tmp, "countersigned.sig.json"), agr], 0)
    # §4.2 kind: a template's envelope, even over the same text and validly
    # signed, is not an agreement's. sign signs only a text that parses as a
    # template, so the envelope another tool could make is made here: the
    # author's, with "kind": "template", signed again with the author's seed.
    seed = lambda n: base64.b64decode(re.search(r"(?m)^secret-key: (\S+)$", read(key(n)).decode()).group(1))
    e2 = json.loads(read(os.path.join(tmp, "signed.sig.json")))
    e2["statement"]["kind"] = "template"
    entry = e2["signatures"][0]
    entry["signature"] = b64(nacl.signing.SigningKey(seed("author")).sign(
        V.message(e2["statement"], entry)).signature)
    tmpl_env = write(os.path.join(tmp, "template.sig.json"), dump(e2))
    compare("template envelope as an agreement", trust + ["-e", tmpl_env, agr], 1, "ok")
    test_member_orders(tmp, agr, key)
    signed = os.path.join(tmp, "signed.sig.json")
    compare("require-signer author", trust + ["--require-signer", "c4aa99203f4c423c851c2b0b6c8abffd",
                                              "-e", signed, agr], 0)
    compare("require-signer publisher", trust + ["--require-signer", "75c37b89b085248770a8b2af8db785a8",
                                                 "-e", signed, agr], 1, "ok")
    compare("-p author.pub", ["-p", os.path.join(KEYS, "demo-author.pub"), "-e", signed, agr], 0)
    compare("-p coauthor.pub", ["-p", os.path.join(KEYS, "demo-coauthor.pub"), "-e", signed, agr], 1,
            "key-not-given")
    # §9.2 -p: the .pub's e-mail and ORCID are the trusted ones (the entry
    # `trust add` would record): a signer claiming others is refused
    for field, value in (("email", "someone@example.net"), ("orcid", "0000-0001-5109-3700")):
        other = os.path.join(tmp, "other-%s.sig.json" % field)
        p = tool("sign", "-k", key("author"), "--%s" % field, value, "--time", "2026-11-18T11:06:40Z",
                 "-o", other, agr)
        if ok(p.returncode == 0, "sign --%s" % field, p.stderr.decode()):
            compare("-p author.pub, another %s" % field,
                    ["-p", os.path.join(KEYS, "demo-author.pub"), "-e", other, agr], 1, "identity-mismatch")
        # §10.2/§10.3 -p: another key's intact entry is not-checked, never invalid;
    # the verdict is the given key's (any role it claims)
    counter = os.path.join(tmp, "countersigned.sig.json")
    for who, want in (("author", "ok,key-not-given,key-not-given"),
                      ("coauthor", "key-not-given,ok,key-not-given"),
                      ("publisher", "key-not-given,key-not-given,ok")):
        pub = os.path.join(KEYS, "demo-%s.pub" % who)
        rc, js = compare("-p %s.pub, countersigned" % who, ["-p", pub, "-e", counter, agr], 0, want)
        ok(js and [s["result"] for s in js["signatures"]].count("not-checked") == 2,
           "-p %s.pub: two not-checked results" % who)
    pub = os.path.join(KEYS, "demo-coauthor.pub")
    compare("-p coauthor.pub, --require-role author", ["-p", pub, "--require-role", "author", "-e", counter, agr],
            1, "key-not-given,ok,key-not-given")
    compare("-p coauthor.pub, --require-signer author",
            ["-p", pub, "--require-signer", "c4aa99203f4c423c851c2b0b6c8abffd", "-e", counter, agr],
            1, "key-not-given,ok,key-not-given")
    e2 = json.loads(read(counter))
    sig = bytearray(base64.b64decode(e2["signatures"][0]["signature"]))
    sig[5] ^= 0x01
    e2["signatures"][0]["signature"] = b64(bytes(sig))
    broken = write(os.path.join(tmp, "broken-other.sig.json"), dump(e2))
    compare("-p coauthor.pub, the author's signature broken", ["-p", pub, "-e", broken, agr], 1,
            "bad-signature,ok,countersignature-mismatch")
    compare("-t, the author's signature broken", trust + ["-e", broken, agr], 1,
            "bad-signature,ok,countersignature-mismatch")

    # sign --attach: the statement binds name, length and SHA-512 of the raw bytes (§4.5)
    paper = write(os.path.join(tmp, "paper.pdf"), b"%PDF-1.4\n" + bytes(range(256)) * 3 + b"\r\n%%EOF")
    att_env = os.path.join(tmp, "attached.sig.json")
    p = tool("sign", "-k", key("author"), "--time", "2026-11-18T11:06:40Z", "--attach", paper, "-o", att_env, agr)
    if not ok(p.returncode == 0, "agreesign sign --attach", p.stderr.decode()):
        return
    att = json.loads(read(att_env))["statement"].get("attachments")
    raw = read(paper)
    ok(att == [{"name": "paper.pdf", "length": len(raw), "sha512": hashlib.sha512(raw).hexdigest()}],
       "attachment digest and length as the spec describes", str(att))
    rc, js = compare("attached, file present", trust + ["-e", att_env, agr], 0)
    ok(js and js["attachments"][0]["status"] == "verified", "attachment status verified")
    tamper_tests(tmp, "attached", agr, att_env, trust)
    other = os.path.join(tmp, "elsewhere")
    os.mkdir(other)
    shutil.copy(paper, other)
    write(paper, raw[:-1] + b"G")
    rc, js = compare("attached, file changed", trust + ["-e", att_env, agr], 1)
    ok(js and js["attachments"][0]["status"] == "changed", "attachment status changed")
    compare("attached, --attach-dir", trust + ["--attach-dir", other, "-e", att_env, agr], 0)
    os.remove(paper)
    rc, js = compare("attached, file missing", trust + ["-e", att_env, agr], 0)
    ok(js and js["attachments"][0]["status"] == "missing", "attachment status missing")
    # §10.3 step 5: required, the missing file fails, with its exact reason
    rc, js = compare("attached, file missing, --require-attachments",
                     trust + ["--require-attachments", "-e", att_env, agr], 1, "ok")
    ok(js and js["reason"] == 'attachment "paper.pdf" is missing', "reason: attachment is missing",
       str(js and js["reason"]))
    ok(tool_verify(*trust, "--require-attachments", "-e", att_env, agr)[1]["reason"]
       == 'attachment "paper.pdf" is missing', "agreesign's reason: attachment is missing")
    compare("attached, present elsewhere, --require-attachments",
            trust + ["--require-attachments", "--attach-dir", other, "-e", att_env, agr], 0)
    os.mkdir(paper)
    compare("attached, a folder of that name", trust + ["-e", att_env, agr], 1)
    os.rmdir(paper)
    attachment_shapes(tmp, trust, agr, att_env, paper, raw, os.path.join(other, "paper.pdf"))
    return agr, signed


def attachment_shapes(tmp, trust, agr, att_env, paper, raw, good_copy):
    """§10.3: nothing in the attachment's place is followed or opened unless it
    is a regular file, nor read unless its size is the signed length."""
    def sparse(p):              # as large as the file system allows
        for size in (1 << 40, 1 << 36, 1 << 32):
            try:
                with open(p, "wb") as f:
                    f.truncate(size)
                return
            except OSError:
                pass
        note("§10.3 no sparse file of 4 GiB or more here: a 1-byte-longer file stands in")
        write(p, raw + b"x")
    shapes = [("a symbolic link to a good copy", lambda p: os.symlink(good_copy, p)),
              ("a dangling symbolic link", lambda p: os.symlink("nowhere.pdf", p)),
              ("a symbolic link loop", lambda p: os.symlink(os.path.basename(p), p)),
              ("a FIFO", os.mkfifo), ("a sparse file larger than signed", sparse),
              ("one byte more than signed", lambda p: write(p, raw + b"\n"))]
    for name, make in shapes:
        make(paper)
        rc, js = compare("attached, " + name, trust + ["-e", att_env, agr], 1)
        ok(js and js["attachments"][0]["status"] == "changed", "attachment status changed: " + name)
        os.remove(paper)
    # a name longer than the file system allows names no file there: missing (the signature
    # no longer matches the edited statement, so exit 1, but the status is what is compared)
    env = json.loads(read(att_env))
    env["statement"]["attachments"][0]["name"] = "a" * 300 + ".pdf"
    long_env = write(os.path.join(tmp, "long-name.sig.json"), dump(env))
    rc, js = compare("attached, name longer than NAME_MAX", trust + ["-e", long_env, agr], 1, "bad-signature")
    ok(js and js["attachments"][0]["status"] == "missing", "attachment status missing: name longer than NAME_MAX")
    for name, folder in (("that does not exist", os.path.join(tmp, "no-such-folder")), ("that is a file", agr)):
        compare("--attach-dir " + name, trust + ["--attach-dir", folder, "-e", att_env, agr], 2)


def spec_section(spec, start, end):
    i = spec.index(start)
    return spec[i:spec.index(end, i)]


def test_member_orders(tmp, agr, key):
    """§5.2's member order of the statement is §4.2's members sorted, `kind`
    included; the tool writes every object in §6.3's order."""
    spec = read(os.path.join(ROOT, "spec", "agreesign-v1.md")).decode("utf-8")
    table = re.findall(r"^\| `(\w+)` ", spec_section(spec, "### 4.2 Statement", "The first four"), re.M)
    listed = spec_section(spec, "  - statement:", ";")
    ok(re.findall(r"`(\w+)`", listed) == sorted(table) and "kind" in table,
       "§5.2 statement order is §4.2's members sorted", "%s / %s" % (listed, table))
    groups = [re.findall(r"`(\w+)`", g) for g in re.findall(
        r"((?:`\w+`,?\s*)+)\([a-z ]+\)", spec_section(spec, "### 6.3", "It indents by two"))]
    ok(len(groups) == 7 and ["canonicalization", "text_sha512", "text_length", "metadata", "kind",
                             "attachments"] in groups, "§6.3 lists the members of the 7 objects", str(groups))
    paper = write(os.path.join(tmp, "order.pdf"), b"%PDF-1.4\n")
    out = os.path.join(tmp, "order.sig.json")
    tmpl = write(os.path.join(tmp, "order.tmpl"), b"{{agreesign-template/v2}}\n" + read(agr))
    p = tool("sign", "--as-template", "--attach", paper, "-k", key("author"), "-o", out, tmpl)
    objects = []
    if not ok(p.returncode == 0, "agreesign sign --as-template --attach", p.stderr.decode()):
        return
    json.loads(read(out), object_pairs_hook=lambda kv: objects.append([k for k, _ in kv]) or dict(kv))
    for keys in objects:
        g = next((g for g in groups if set(keys) <= set(g)), None)
        ok(g is not None and keys == [k for k in g if k in keys], "§6.3 order of %s" % keys, str(g))
    ok(["canonicalization", "text_sha512", "text_length", "metadata", "kind", "attachments"] in objects,
       "the template statement holds kind and attachments")


# ------------------------------------------------------------- (b2) output

# §10.4 and §10.5: the code points no output line holds as themselves.
HAZARD = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def test_output(tmp):
    """Paths, a title and an attachment name with C1 and bidi controls: both
    verifiers write them escaped (§10.4), a parser reads back the same
    strings, and the text output shows them as \\u{NNNN} (§10.5)."""
    trust = ["-t", os.path.join(KEYS, "demo.trust")]
    folder = os.path.join(tmp, "out\u009b2J\u202efdp")
    os.mkdir(folder)
    agr = os.path.join(folder, "agreement\u2028.txt")
    shutil.copy(os.path.join(VEC, "agreements", "sample-agreement.txt"), agr)
    att_name = "paper\u202egpj.pdf"
    title = "On \u2066Engines\u2069 \u202e"
    paper = write(os.path.join(folder, att_name), b"%PDF-1.4\n")
    p = tool("sign", "-k", os.path.join(KEYS, "demo-author.key"), "--time", "2026-11-18T11:06:40Z",
             "--attach", paper, "--title", title, agr)
    if not ok(p.returncode == 0, "output: sign with controls in title and attachment name", p.stderr.decode()):
        return
    write(paper, b"%PDF-1.5\n")        # changed: the reason quotes its name
    args = trust + [agr]
    compare("output: controls in paths and fields", args, 1)
    outputs = (("agreesign", tool("verify", "--json", *args).stdout.decode("utf-8")),
               ("mine", mine_text(*args)[1]))
    for who, text in outputs:
        line = text[:-1] if text.endswith("\n") else text
        ok(text.count("\n") == 1 and not HAZARD.search(line),
           "output: %s --json holds no control or bidi control as itself" % who, repr(text[:200]))
        ok("\\u009B" in line and "\\u202E" in line and "\\u2028" in line and "\\u2066" in line,
           "output: %s --json escapes them as \\uXXXX, uppercase" % who, repr(line[:200]))
        js = json.loads(line)
        ok(js["agreement"] == agr and js["metadata"]["title"] == title
           and js["attachments"][0]["name"] == att_name and att_name in js["reason"],
           "output: %s --json reads back the same strings" % who)
    text = tool("verify", *args).stdout.decode("utf-8")
    ok(not HAZARD.search(text.replace("\n", "")), "output: text holds no control or bidi control as itself",
       repr(text))
    ok("NOT VERIFIED: attachment \"paper\\u{202e}gpj.pdf\" has changed\n" in text,
       "output: the NOT VERIFIED line shows the bidi control as \\u{202e}", repr(text[-200:]))
    ok("\\u{009b}2J\\u{202e}fdp" in text and "agreement\\u{2028}.txt" in text,
       "output: the path is shown with \\u{NNNN}", repr(text[:200]))


# ------------------------------------------------------------- (c) canonicalization

def canon_diff(name, data, tmp, show=True):
    path = write(os.path.join(tmp, "canon-input"), data)
    p = tool("canon", path)
    try:
        mine_out, mine_err = V.canonicalize(data), None
    except V.Refused as e:
        mine_out, mine_err = None, str(e)
    if p.returncode == 0:
        ok(mine_out == p.stdout, "canon " + name + ": same bytes as agreesign canon",
           "%r / %r" % (mine_out, p.stdout) if show else "")
    else:
        ok(mine_err is not None, "canon " + name + ": refused like agreesign canon",
           p.stderr.decode(errors="replace") if show else "")
        pos = re.search(r"line \d+, column \d+", p.stderr.decode(errors="replace"))
        mpos = re.search(r"line \d+, column \d+", mine_err or "")
        ok(bool(pos) == bool(mpos) and (not pos or pos.group() == mpos.group()),
           "canon " + name + ": same error position (§2.2)", "%s / %s" % (mine_err, p.stderr.decode()))
    return mine_out


def test_canon(tmp):
    agdir = os.path.join(VEC, "agreements")
    for f in sorted(os.listdir(agdir)):
        if f.endswith(".txt"):
            canon_diff("spec/vectors/agreements/" + f, read(os.path.join(agdir, f)), tmp)
    c = V.canonicalize(read(os.path.join(agdir, "sample-agreement-reencoded.txt")))
    ok(c == read(os.path.join(agdir, "sample-agreement.canon.txt")), "sample canonical text")
    ok(("sha512 %s\nlength %d\n" % (hashlib.sha512(c).hexdigest(), len(c))).encode()
       == read(os.path.join(agdir, "sample-agreement.digest")), "sample digest file")
    shared = os.path.join(os.path.dirname(ROOT), "shared", "agreements")
    if os.path.isdir(shared):          # read-only; their text is never copied or printed
        files = sorted(f for f in os.listdir(shared) if os.path.isfile(os.path.join(shared, f)))
        for f in files:
            path = os.path.join(shared, f)
            p = tool("canon", path)
            try:
                same = V.canonicalize(read(path)) == p.stdout and p.returncode == 0
            except V.Refused:
                same = p.returncode == 2
            ok(same, "canon ../shared/agreements/" + f + ": same as agreesign canon")
    else:
        note("../shared/agreements not found: real agreements not checked")
    # §2.4 examples
    for i, (inp, out) in enumerate((
            ("ef bb bf 48 69 20 20 0d 0a 0d 0a 0d 0a 43 61 66 65 cc 81 09 0d", "48 69 0a 0a 43 61 66 c3 a9 0a"),
            ("0a 20 09 0a 41 0a", "41 0a"), ("61 0a 0d 62", "61 0a 0a 62 0a"), ("61 c2 a0 0a", "61 c2 a0 0a"),
            ("41 cc 8a e2 84 ab ef ac 81 0a", "c3 85 c3 85 ef ac 81 0a"),
            ("78 cc 81 f0 90 bb bd", "78 f0 90 bb bd cc 81 0a")), 1):      # the last one is §2.3's
        got = canon_diff("§2.4 example %d" % i, bytes.fromhex(inp), tmp)
        ok(got == bytes.fromhex(out), "§2.4 example %d output" % i, repr(got))
    for inp, where in (("61 62 0a 63 64 07", "line 2, column 3"), ("ef bb bf 65 cc 81 01", "line 1, column 3"),
                       ("78 0d 0a 79 0d 7a 0a e2 80 a8 c2 85", "line 4, column 2"),
                       ("61 62 c3", "line 1, column 3"), ("e0 80 af", "line 1, column 1"),
                       ("61 62 0d 0a c3 a9 78 ed a0 80", "line 2, column 3"),
                       ("ef bb bf ef bb bf 78", "line 1, column 1"), ("78 cd b8", "line 1, column 2"),
                       ("ef bf be", "line 1, column 1"), ("20 0a 09 0a", None)):
        canon_diff("§2.4 refusal " + inp, bytes.fromhex(inp), tmp)
        try:
            V.canonicalize(bytes.fromhex(inp))
            ok(False, "§2.4 refusal %s" % inp, "accepted")
        except V.Refused as e:
            ok(where is None and "empty" in str(e) or where is not None and str(e).startswith(where),
               "§2.4 refusal %s at %s" % (inp, where), str(e))
    # random texts built from the characters that matter, against the tool
    rng = random.Random(2026)
    alphabet = ["a", "e", "x", " ", " ", "\t", "\r", "\n", "\n", "\r\n", "\u0301", "\u0300", "\u0323", "\u0345",
                "\U00010EFD", "\U00010EFF", "\U0001E4EC", "\U0001E4EE", "\U0001E08F", "\U00011F41", "\U00011F00",
                "\u1100", "\u1161", "\u11a8", "\uac00", "\u212b", "\ufb01", "\u00a0", "\u3000", "\u2028",
                "\u0cf3", "\U0001F6DC", "\U000323AF", "\u0e4e", "\u0f73", "\u0f71\u0f72", "\u0344", "\u00e9",
                "\U0001D15E", "\u0b47\u0b3e", "\U000110a5\U000110ba", "\u0378", "\U0001FAE9", "\U0002EBF0",
                "\u0085", "\x7f", "\ufeff", "\U0010FFFF", "\ue000", "\u00ad"]
    bad_bytes = [b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xff"]
    for n in range(250):
        parts = [rng.choice(alphabet[:40] if n < 150 else alphabet) for _ in range(rng.randint(1, 14))]
        data = "".join(parts).encode("utf-8")
        if n % 5 == 0:
            data = b"\xef\xbb\xbf" + data
        if n >= 200:
            i = rng.randint(0, len(data))
            data = data[:i] + rng.choice(bad_bytes) + data[i:]
        canon_diff("random text %d %r" % (n, data), data, tmp)
    # the size limit of §2.1 step 1 (a leading BOM counts)
    line = b"x" * 1023 + b"\n"
    big = line * (1 << 14)
    for name, data in (("16 MiB", big), ("16 MiB + 1", big + b"x"), ("BOM + 16 MiB - 3", b"\xef\xbb\xbf" + big[3:]),
                       ("BOM + 16 MiB - 2", b"\xef\xbb\xbf" + big[2:])):
        canon_diff("agreement of " + name, data, tmp, show=False)
    # the Unicode data behind the verifier
    with open(os.path.join(HERE, "..", "..", "spec", "unicode-15.0.0-assigned.txt")) as f:
        ranges = [[int(x, 16) for x in line.split("..")] for line in f]
    ok(len(ranges) == 707 and sum(b - a + 1 for a, b in ranges) == 288767, "Unicode 15.0.0 set: 707 ranges")
    assigned = bytearray(0x110000)
    for a, b in ranges:
        assigned[a:b + 1] = b"\x01" * (b - a + 1)
    py = [cp for cp in range(0x110000) if unicodedata.category(chr(cp)) != "Cn"]
    if unicodedata.unidata_version == "14.0.0":
        ok(all(assigned[cp] for cp in py) and sum(assigned) - len(py) == 4489,
           "Unicode 15.0.0 set = unicodedata 14.0.0 + 4,489 code points (§2.3)")
        new_marks = [cp for cp in range(0x110000) if assigned[cp] and unicodedata.category(chr(cp)) == "Cn"
                     and cp in V.NEW_IN_15_CCC]
        ok(len(new_marks) == 10, "the patched marks are new in 15.0.0")
    for n in range(3000):   # the patched NFC algorithm equals unicodedata's where both know every character
        s = "".join(rng.choice("ae\u0301\u0300\u0323\u0345\u0344\u1100\u1161\u11a8\uac00\u212b\u0f71\u0f72\u0f73"
                               "\u0b47\u0b3e\U000110a5\U000110ba\u05b0\u05b8\u0591\u1e0b\u0307\u00c5")
                    for _ in range(rng.randint(1, 8)))
        if V.nfc_patched(s) != unicodedata.normalize("NFC", s):
            ok(False, "patched NFC equals unicodedata NFC", repr(s))
            break
    else:
        ok(True, "patched NFC equals unicodedata NFC")


# ------------------------------------------------------------- (d) worked example §5.4

def spec_block(spec, after):
    """The first fenced block after the line containing `after`."""
    i = spec.index(after)
    m = re.compile(r"```[a-z]*\n(.*?)```", re.S).search(spec, i)
    return m.group(1)


def test_worked_example(tmp):
    spec = read(os.path.join(ROOT, "spec", "agreesign-v1.md")).decode("utf-8")
    seed_a, seed_p = bytes(range(32)), bytes(range(32, 64))
    ka, kp = nacl.signing.SigningKey(seed_a), nacl.signing.SigningKey(seed_p)
    pa, pp = bytes(ka.verify_key), bytes(kp.verify_key)
    ok(pa.hex() == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
       and b64(pa) == "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
       and V.key_id(pa) == "ed4242ead4ac69486ebba1694968b592", "§1.3 test key and key id")
    ok(pp.hex() == "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7"
       and b64(pp) == "Kay64UG8yvCyLhqU000LxzYeUm0L/hLIl5S8kyKWbdc="
       and V.key_id(pp) == "b19edad2958934e1ad49ce779f50fa02", "§5.4 publisher key and key id")
    # the agreement file as §5.4 describes it: CRLF, decomposed è, two trailing spaces, two blank lines
    lines = spec_block(spec, "is these 9 lines").split("\n")[:-1]
    ok(len(lines) == 9, "§5.4 canonical text has 9 lines")
    canon = ("\n".join(lines) + "\n").encode("utf-8")
    fileb = "\r\n".join(lines).replace("Inès", "Ine\u0300s").replace("publisher”).", "publisher”).  ")
    fileb = fileb.replace("\r\n\r\nDate:", "\r\n\r\n\r\nDate:") + "\r\n"
    agr = write(os.path.join(tmp, "worked.txt"), fileb)
    ok(V.canonicalize(read(agr)) == canon, "§5.4 canonical text from the described file")
    ok(len(canon) == 309 and hashlib.sha512(canon).hexdigest() == "ccfa691cbdf18f30b2a7c321e7918017189e941a"
       "63f8533bd194eaaad8fa9cf0016b9fecbc4f4b38232f0780f930ba392f3701ea8edd43a874398a47927040c6",
       "§5.4 text_length 309 and text_sha512")
    canon_diff("§5.4 agreement", read(agr), tmp)
    statement = {"canonicalization": "text/v1", "text_sha512": hashlib.sha512(canon).hexdigest(),
                 "text_length": len(canon),
                 "metadata": {"title": "Signing Plain Text", "corresponding_author": "Inès Marović",
                              "publisher": "Example Press", "license": "CC-BY-4.0", "agreement_date": "2026-01-15"}}
    p = tool("extract", agr)
    ok(p.returncode == 0 and json.loads(p.stdout) == statement["metadata"], "§5.4 agreesign extract metadata",
       p.stdout.decode())
    signer = {"name": "Ada Lovelace", "email": "ada@example.org", "orcid": "0000-0002-1825-0097",
              "role": "author", "time": "2026-01-15T10:00:00Z"}
    entry_a = {"signer": signer}
    jcs_a = V.jcs({"statement": statement, "signer": signer})
    ok(jcs_a == spec_block(spec, "JCS(S) is these 504 bytes").replace("\n", "").encode("utf-8")
       and len(jcs_a) == 504, "§5.4 JCS(S) 504 bytes", jcs_a.decode())
    ok(jcs_a == json.dumps({"statement": statement, "signer": signer}, ensure_ascii=False,
                           separators=(",", ":"), sort_keys=True).encode(), "§5.2 json.dumps equivalence")
    ok(V.PREFIX == bytes.fromhex("61 67 72 65 65 73 69 67 6e 2f 76 31 20 73 74 61 74 65 6d 65 6e 74 00"),
       "§5.1 prefix bytes")
    m = V.message(statement, entry_a)
    ok(len(m) == 527 and hashlib.sha512(m).hexdigest() == "b131b4651f3dc6e72e4b22b079642ccf74e0e904f7b634973c78"
       "4c6c0231c2318bd4a3642a3c7e904231d1102c46a0ca7d640ce245967299822b5a48f78ee0cf", "§5.4 M (527 bytes)")
    sig_a = ka.sign(m).signature
    ok(sig_a.hex() == "9c323ae517adab59893e1de1fe1231fb346ad4257a0c7215c66b8fd9be141a0b"
       "6b4400097c8aeedeaf3c044526f22549a3ed5a9d63611f18a69b58c08855690d" and b64(sig_a) ==
       "nDI65Retq1mJPh3h/hIx+zRq1CV6DHIVxmuP2b4UGgtrRAAJfIru3q88BEUm8iVJo+1anWNhHximm1jAiFVpDQ==",
       "§5.4 author signature")
    ok(hashlib.sha512(sig_a).hexdigest() == "f320a679d5d7f79da52e0a8285060e297ab9c4386483edb253f70c1e7966dcdc"
       "6cb7f85a912a9e9a0d020de61629db5df7236e60f4a48971dac48048039643fe", "§5.4 signature digest")
    ok(V.ed25519_verify(sig_a, m, pa), "§5.4 author signature verifies")
    signer_p = {"name": "Example Press", "role": "publisher", "time": "2026-01-20T09:30:00Z"}
    entry_p = {"signer": signer_p, "countersigns": [{"key_id": V.key_id(pa),
                                                     "signature_sha512": hashlib.sha512(sig_a).hexdigest()}]}
    jcs_p = V.jcs({"statement": statement, "signer": signer_p, "countersigns": entry_p["countersigns"]})
    ok(len(jcs_p) == 665 and jcs_p.startswith(b'{"countersigns":[{"key_id":"ed4242ead4ac69486ebba1694968b592",'
                                              b'"signature_sha512":"f320') and
       b'"signer":{"name":"Example Press","role":"publisher","time":"2026-01-20T09:30:00Z"},"statement":'
       in jcs_p, "§5.4 countersignature JCS(S) 665 bytes")
    m_p = V.message(statement, entry_p)
    ok(len(m_p) == 688 and hashlib.sha512(m_p).hexdigest() == "5122c26a4087f28d623359e250474513ccacf82871da3751"
       "dd7e938ac5f7e149b2ba528f7fc9ca088f56095d7568cfbce4d85c977b8022647852a5b417958403", "§5.4 countersign M")
    sig_p = kp.sign(m_p).signature
    ok(b64(sig_p) == "pdjmk9T6QiiywiYeWo1iLkBjMYCHUQtJkV7T548nu9gm+A5lcBzyTDdrW6kRi4siKvuzz1L/BHFCRF1d8t9xCA==",
       "§5.4 countersignature")
    # the complete envelope, in the reference writer's layout (§6.3), equals the spec's text
    order = ["format", "statement", "signatures", "canonicalization", "text_sha512", "text_length", "metadata",
             "attachments", "title", "corresponding_author", "proceedings", "publisher", "license",
             "agreement_date", "signer", "countersigns", "key_id", "public_key", "signature", "name", "email",
             "orcid", "role", "time", "signature_sha512"]
    ordered = lambda v: ({k: ordered(v[k]) for k in sorted(v, key=order.index)} if isinstance(v, dict)
                         else [ordered(x) for x in v] if isinstance(v, list) else v)
    env = ordered({"format": "agreesign-envelope/v1", "statement": statement, "signatures": [
        dict(entry_a, key_id=V.key_id(pa), public_key=b64(pa), signature=b64(sig_a)),
        dict(entry_p, key_id=V.key_id(pp), public_key=b64(pp), signature=b64(sig_p))]})
    spec_env = spec_block(spec, "The complete envelope, as the reference tool writes it").encode("utf-8")
    ok(dump(env) == spec_env, "§5.4 complete envelope byte for byte")
    envp = write(os.path.join(tmp, "worked.txt.sig.json"), spec_env)
    trust = write(os.path.join(tmp, "worked.trust"), spec_block(spec, "With the trust file"))
    compare("§5.4 envelope verifies", ["-t", trust, agr], 0, "ok,ok")
    compare("§5.4 envelope --require-role publisher", ["-t", trust, "--require-role", "publisher", agr], 0)
    # the reference tool, given the test seeds as key files (§8.3 unsealed), signs the same envelope
    pub = spec_block(spec, "Example (test seed `00 01 … 1f`):")
    write(os.path.join(tmp, "ada.pub"), pub)
    compare("§8.2 example .pub with -p", ["-p", os.path.join(tmp, "ada.pub"), "-e", envp, agr], 0,
            "ok,key-not-given")
    ssh_pub = spec_block(spec, "Example (the test seed `00 01 … 1f` of §8.2")
    ok(list(V.parse_ssh_pub(ssh_pub.encode())) == [pa], "§8.4 example is the §8.2 key")
    write(os.path.join(tmp, "ada.ssh.pub"), ssh_pub)
    compare("§8.4 example OpenSSH key with -p", ["-p", os.path.join(tmp, "ada.ssh.pub"), "-e", envp, agr], 0,
            "ok,key-not-given")
    for name, lines_, seed in (("ada", pub.splitlines()[1:], seed_a),
                               ("press", ["key-id: " + V.key_id(pp), "public-key: " + b64(pp),
                                          "name: Example Press"], seed_p)):
        k = os.path.join(tmp, name + ".key")
        write(k, "agreesign secret key v1\n" + "\n".join(lines_) + "\nkdf: none\ncipher: none\nsecret-key: %s\n"
              % b64(seed))
        os.chmod(k, 0o600)
    os.remove(envp)
    p1 = tool("sign", "-k", os.path.join(tmp, "ada.key"), "--time", "2026-01-15T10:00:00Z", agr)
    p2 = tool("countersign", "-k", os.path.join(tmp, "press.key"), "-t", trust, "--time", "2026-01-20T09:30:00Z", agr)
    ok(p1.returncode == 0 and p2.returncode == 0 and read(envp) == spec_env,
       "agreesign reproduces the §5.4 envelope", (p1.stderr + p2.stderr).decode())
    # §8.3 sealed key vector
    keyv = spec_block(spec, "**Vector** (test seed")
    f = dict(line.split(": ", 1) for line in keyv.splitlines()[1:])
    kk = nacl.pwhash.argon2id.kdf(32, b"correct horse battery staple", base64.b64decode(f["kdf-salt"]),
                                  opslimit=int(f["kdf-opslimit"]), memlimit=int(f["kdf-memlimit"]))
    ok(kk.hex() == "c51792878c9672954f09486c97f18f98aa81924990c41986a89a7dd3e95b5370", "§8.3 Argon2id key")
    ad = keyv[:keyv.index("\nsecret-key:") + 1].encode()
    seed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
        base64.b64decode(f["secret-key"]), ad, base64.b64decode(f["nonce"]), kk)
    ok(seed == seed_a, "§8.3 sealed seed opens to the test seed")


# ------------------------------------------------------------- (e) strictness, against the tool

P_ = 2 ** 255 - 19
D_ = -121665 * pow(121666, P_ - 2, P_) % P_


def ed_decode(b):
    y = int.from_bytes(b, "little") % 2 ** 255 % P_
    x2 = (y * y - 1) * pow(D_ * y * y + 1, P_ - 2, P_) % P_
    x = pow(x2, (P_ + 3) // 8, P_)
    if (x * x - x2) % P_:
        x = x * pow(2, (P_ - 1) // 4, P_) % P_
    if (x * x - x2) % P_:
        return None
    return ((P_ - x) % P_ if (x & 1) != b[31] >> 7 else x, y)


def ed_add(a, b):
    t = D_ * a[0] * b[0] * a[1] * b[1] % P_
    return ((a[0] * b[1] + b[0] * a[1]) * pow(1 + t, P_ - 2, P_) % P_,
            (a[1] * b[1] + a[0] * b[0]) * pow(1 - t, P_ - 2, P_) % P_)


def ed_encode(pt):
    return (pt[1] | (pt[0] & 1) << 255).to_bytes(32, "little")


def test_strict(tmp, agr, signed):
    trust = ["-t", os.path.join(KEYS, "demo.trust")]
    base = json.loads(read(signed))
    raw = read(signed).decode("utf-8")
    n = [0]

    def env_case(name, expect, mutate=None, text=None, extra_args=()):
        if text is None:
            e = copy.deepcopy(base)
            mutate(e)
            text = dump(e)
        n[0] += 1
        path = write(os.path.join(tmp, "m%d.sig.json" % n[0]), text)
        return compare("envelope " + name, trust + list(extra_args) + ["-e", path, agr], expect)

    def setp(path, value):
        def f(e):
            *head, last = path
            for k in head:
                e = e[k]
            if value is KeyError:
                del e[last]
            else:
                e[last] = value
        return f

    S, G = ("statement",), ("signatures", 0, "signer")
    cases = [
        ("unknown top member", 2, setp(("x",), 1)), ("unknown statement member", 2, setp(S + ("x",), 1)),
        ("unknown metadata member", 2, setp(S + ("metadata", "x"), "y")),
        ("unknown signer member", 2, setp(G + ("x",), "y")), ("unknown entry member", 2, setp(("signatures", 0, "x"), 1)),
        ("missing time", 2, setp(G + ("time",), KeyError)), ("null email", 2, setp(G + ("email",), None)),
        ("missing metadata", 2, setp(S + ("metadata",), KeyError)), ("empty metadata", 1, setp(S + ("metadata",), {})),
        ("text_length as string", 2, setp(S + ("text_length",), "2202")),
        ("text_length 0", 2, setp(S + ("text_length",), 0)), ("text_length 2^53", 2, setp(S + ("text_length",), 2 ** 53)),
        ("text_length 2^53-1", 1, setp(S + ("text_length",), 2 ** 53 - 1)),
        ("text_length true", 2, setp(S + ("text_length",), True)),
        ("uppercase text_sha512", 2, setp(S + ("text_sha512",), base["statement"]["text_sha512"].upper())),
        ("format v2", 2, setp(("format",), "agreesign-envelope/v2")),
        ("canonicalization text/v2", 2, setp(S + ("canonicalization",), "text/v2")),
        ("no signatures", 2, setp(("signatures",), [])),
        ("signatures not an array", 2, setp(("signatures",), base["signatures"][0])),
        ("duplicate entry", 2, setp(("signatures",), base["signatures"] * 2)),
        ("role editor", 2, setp(G + ("role",), "editor")), ("role publisher", 1, setp(G + ("role",), "publisher")),
        ("time 2026-02-29", 2, setp(G + ("time",), "2026-02-29T00:00:00Z")),
        ("time 2024-02-29", 1, setp(G + ("time",), "2024-02-29T00:00:00Z")),
        ("time 1969", 2, setp(G + ("time",), "1969-12-31T23:59:59Z")),
        ("time 1970", 1, setp(G + ("time",), "1970-01-01T00:00:00Z")),
        ("time hour 24", 2, setp(G + ("time",), "2026-11-18T24:00:00Z")),
        ("time second 60", 2, setp(G + ("time",), "2026-12-31T23:59:60Z")),
        ("time lowercase t", 2, setp(G + ("time",), "2026-11-18t11:06:40Z")),
        ("time offset", 2, setp(G + ("time",), "2026-11-18T11:06:40+00:00")),
        ("time fraction", 2, setp(G + ("time",), "2026-11-18T11:06:40.0Z")),
        ("time arabic-indic digit", 2, setp(G + ("time",), "2026-11-18T11:06:4\u0660Z")),
        ("orcid bad check", 2, setp(G + ("orcid",), "0000-0002-1825-0098")),
        ("orcid other valid", 1, setp(G + ("orcid",), "0000-0001-5000-0007")),
        ("orcid check X", 1, setp(G + ("orcid",), "0000-0002-1694-233X")),
        ("orcid check lowercase x", 2, setp(G + ("orcid",), "0000-0002-1694-233x")),
        ("email two @", 2, setp(G + ("email",), "a@b@c")), ("email space", 2, setp(G + ("email",), "a b@c")),
        ("email nothing before @", 2, setp(G + ("email",), "@c")), ("email non-ASCII", 1, setp(G + ("email",), "ü@c")),
        ("email 255 bytes", 2, setp(G + ("email",), "a" * 250 + "@b.cd")),
        ("email 254 bytes", 1, setp(G + ("email",), "a" * 249 + "@b.cd")),
        ("name decomposed (not NFC)", 2, setp(G + ("name",), "Ine\u0300s Marovic\u0301-Saldan\u0303a")),
        ("name leading space", 2, setp(G + ("name",), " Ada")), ("name trailing space", 2, setp(G + ("name",), "Ada ")),
        ("name trailing NBSP", 1, setp(G + ("name",), "Ada\u00a0")), ("name empty", 2, setp(G + ("name",), "")),
        ("name TAB", 2, setp(G + ("name",), "A\tda")), ("name U+2028", 2, setp(G + ("name",), "A\u2028da")),
        ("name U+0085", 2, setp(G + ("name",), "A\u0085da")), ("name 1,024 bytes", 1, setp(G + ("name",), "é" * 512)),
        ("name 1,025 bytes", 2, setp(G + ("name",), "é" * 512 + "a")),
        ("name with unassigned U+0378", 2, setp(G + ("name",), "A\u0378")),
        ("name starting with U+FEFF", 2, setp(G + ("name",), "\ufeffAda")),
        ("name with U+FEFF inside", 2, setp(G + ("name",), "A\ufeffda")),
        ("title ending with U+FEFF", 2, setp(S + ("metadata", "title"), "T\ufeff")),
        ("email with U+FEFF", 2, setp(G + ("email",), "a@b\ufeff")),
        ("name with U+200B (Cf, accepted)", 1, setp(G + ("name",), "A\u200bda")),
        ("name x U+0301 U+10EFD (not NFC in Unicode 15.0.0)", 2, setp(G + ("name",), "x\u0301\U00010EFD")),
        ("name x U+10EFD U+0301 (NFC in 15.0.0)", 1, setp(G + ("name",), "x\U00010EFD\u0301")),
        ("title 1,025 bytes", 2, setp(S + ("metadata", "title"), "x" * 1025)),
        ("attachments empty", 2, setp(S + ("attachments",), [])),
        ("attachment ok", 1, setp(S + ("attachments",), [{"name": "a.pdf", "length": 0, "sha512": "0" * 128}])),
        ("attachment name a/b", 2, setp(S + ("attachments",), [{"name": "a/b", "length": 0, "sha512": "0" * 128}])),
        ("attachment name ..", 2, setp(S + ("attachments",), [{"name": "..", "length": 0, "sha512": "0" * 128}])),
        ("attachment name .", 2, setp(S + ("attachments",), [{"name": ".", "length": 0, "sha512": "0" * 128}])),
        ("attachment length -1", 2, setp(S + ("attachments",), [{"name": "a", "length": -1, "sha512": "0" * 128}])),
        ("attachment length 2^53", 2, setp(S + ("attachments",), [{"name": "a", "length": 2 ** 53, "sha512": "0" * 128}])),
        ("attachment without sha512", 2, setp(S + ("attachments",), [{"name": "a", "length": 1}])),
        ("attachments same name", 2, setp(S + ("attachments",), [{"name": "a", "length": 0, "sha512": "0" * 128}] * 2)),
        ("65 attachments", 2, setp(S + ("attachments",), [{"name": "a%d" % i, "length": 0, "sha512": "0" * 128}
                                                          for i in range(65)])),
        ("countersigns empty", 2, setp(("signatures", 0, "countersigns"), [])),
        ("countersigns in the author's entry", 2, setp(("signatures", 0, "countersigns"),
                                                        [{"key_id": "0" * 32, "signature_sha512": "0" * 128}])),
        ("countersigns 63, role publisher", 1, lambda e: (
            setp(G + ("role",), "publisher")(e), setp(("signatures", 0, "countersigns"), [
                {"key_id": "%032x" % i, "signature_sha512": "0" * 128} for i in range(63)])(e))),
        ("countersigns 64, role publisher", 2, lambda e: (
            setp(G + ("role",), "publisher")(e), setp(("signatures", 0, "countersigns"), [
                {"key_id": "%032x" % i, "signature_sha512": "0" * 128} for i in range(64)])(e))),
        ("countersigns extra member", 2, setp(("signatures", 0, "countersigns"),
                                              [{"key_id": "0" * 32, "signature_sha512": "0" * 128, "x": 1}])),
        ("countersigns uppercase hex", 2, setp(("signatures", 0, "countersigns"),
                                               [{"key_id": "A" * 32, "signature_sha512": "0" * 128}])),
        ("key_id mismatch", 2, setp(("signatures", 0, "key_id"), "0" * 32)),
        ("key_id uppercase", 2, setp(("signatures", 0, "key_id"), base["signatures"][0]["key_id"].upper())),
    ]
    for name, expect, f in cases:
        env_case(name, expect, f)
    pk = base64.b64decode(base["signatures"][0]["public_key"])
    sig = base64.b64decode(base["signatures"][0]["signature"])

    def with_key(k, s=sig):
        return lambda e: e["signatures"][0].update(public_key=b64(k), key_id=V.key_id(k), signature=b64(s))
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    pks, sgs = b64(pk), b64(sig)
    env_case("public_key base64 unused bits set", 2, setp(("signatures", 0, "public_key"),
                                                          pks[:42] + alpha[alpha.index(pks[42]) ^ 1] + "="))
    env_case("signature base64 unused bits set", 2, setp(("signatures", 0, "signature"),
                                                         sgs[:85] + alpha[alpha.index(sgs[85]) ^ 1] + "=="))
    env_case("public_key base64 without padding", 2, setp(("signatures", 0, "public_key"), pks[:-1]))
    env_case("public_key base64url", 2, setp(("signatures", 0, "public_key"),
                                             pks.replace("+", "-").replace("/", "_")) if "+" in pks or "/" in pks
             else setp(("signatures", 0, "public_key"), pks[:-2] + "\n="))
    env_case("signature 63 bytes", 2, setp(("signatures", 0, "signature"), b64(sig[:63])))
    env_case("public key 0100… (neutral element)", 2, with_key(bytes([1]) + bytes(31)))
    env_case("public key of order 8", 2, with_key(bytes.fromhex(
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")))
    torsion = ed_encode(ed_add(ed_decode(pk), ed_decode(bytes.fromhex(
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))))
    ok(not nacl.bindings.crypto_core_ed25519_is_valid_point(torsion), "torsion key is not a valid point")
    env_case("public key with a torsion component (rule 6)", 2, with_key(torsion))
    # §9.1: the same key listed in the trust file is refused when the
    # signature uses it (the trust file's line is well formed)
    e = copy.deepcopy(base)
    with_key(torsion)(e)
    listed = write(os.path.join(tmp, "torsion.trust"),
                   read(os.path.join(KEYS, "demo.trust")) + b'"Torsion" ' + b64(torsion).encode() + b"\n")
    compare("trust file lists the torsion key the envelope uses", ["-t", listed, "-e",
            write(os.path.join(tmp, "torsion.sig.json"), dump(e)), agr], 2)
    for y in range(2, 19):
        if ed_decode(y.to_bytes(32, "little")):
            env_case("public key non-canonical y=%d+p (rule 3)" % y, 2, with_key((y + P_).to_bytes(32, "little")))
            break
    env_case("public key with sign bit flipped", 1, with_key(pk[:31] + bytes([pk[31] ^ 0x80])))
    s_plus_l = sig[:32] + (int.from_bytes(sig[32:], "little") + V.L).to_bytes(32, "little")
    env_case("signature S + L (rule 1)", 1, with_key(pk, s_plus_l))
    many = [nacl.signing.SigningKey(bytes([i]) * 32) for i in range(65)]
    entry = lambda k: {"signer": base["signatures"][0]["signer"], "key_id": V.key_id(bytes(k.verify_key)),
                       "public_key": b64(bytes(k.verify_key)), "signature": b64(bytes(64))}
    env_case("64 signatures", 1, setp(("signatures",), [entry(k) for k in many[:64]]))
    env_case("65 signatures", 2, setp(("signatures",), [entry(k) for k in many]))
    # plain signatures and countersignatures in other orders (§7, §10.2, §10.3)
    cs = json.loads(read(os.path.join(os.path.dirname(signed), "countersigned.sig.json")))
    a_, c_, p_ = cs["signatures"]
    env_case("plain signature after the countersignature", 1, setp(("signatures",), [a_, p_, c_]))
    env_case("countersignature only", 1, setp(("signatures",), [p_]))
    env_case("co-author only", 1, setp(("signatures",), [c_]))
    env_case("publisher's countersignature without countersigns", 1, setp(("signatures",), [a_, c_, {
        k: v for k, v in p_.items() if k != "countersigns"}]))
    # §4.4: what one countersignature may be
    cov_a, cov_c = p_["countersigns"]
    for name, cov, role in (("empty", [], "publisher"), ("a key twice", [cov_a, cov_a], "publisher"),
                            ("a key twice, the list complete", [cov_a, cov_c, cov_a], "publisher"),
                            ("itself", [cov_a, cov_c, dict(cov_a, key_id=p_["key_id"])], "publisher"),
                            ("role author", [cov_a, cov_c], "author"), ("role co-author", [cov_a, cov_c], "co-author")):
        env_case("countersignature: " + name, 2, setp(("signatures",), [a_, c_, dict(
            p_, countersigns=cov, signer=dict(p_["signer"], role=role))]))
    # the review's envelope (issue 13, item 10), validly signed: the author's
    # only entry with "countersigns": [] (refused), and without it (verified)
    seed = lambda n: base64.b64decode(re.search(r"(?m)^secret-key: (\S+)$", read(os.path.join(
        KEYS, "demo-%s.key" % n)).decode()).group(1))
    for name, extra, expect in (("author with countersigns []", {"countersigns": []}, 2),
                                ("author, plain (control)", {}, 0),
                                ("co-author countersigning the author", {"countersigns": [cov_a]}, 2)):
        who = "coauthor" if "co-author" in name else "author"
        entry = dict(a_ if who == "author" else c_, **extra)
        entry.pop("signature")
        entry["signature"] = b64(nacl.signing.SigningKey(seed(who)).sign(V.message(base["statement"], entry)).signature)
        sigs = [entry] if who == "author" else [a_, entry]
        env_case("signed: " + name, expect, setp(("signatures",), sigs))
    # syntax, on the tool's own text
    env_case("pretty JSON as written", 0, text=raw)
    env_case("compact JSON", 0, text=json.dumps(base, separators=(",", ":"), ensure_ascii=False))
    env_case("all non-ASCII as \\u escapes, member order reversed", 0,
             text=json.dumps(dict(reversed(list(base.items()))), ensure_ascii=True))
    env_case("escaped member name", 0, text=raw.replace('"format"', '"for\\u006dat"'))
    env_case("escaped solidus and letters", 0, text=raw.replace('"author"', '"\\u0061uth\\u006fr"'))
    env_case("leading and trailing white space", 0, text=" \t\r\n" + raw + "\n\r\n \t")
    env_case("BOM", 2, text=b"\xef\xbb\xbf" + raw.encode())
    env_case("NUL byte", 2, text=raw.encode() + b"\x00")
    env_case("trailing text", 2, text=raw + "x")
    env_case("two JSON values", 2, text=raw + raw)
    env_case("duplicate member", 2, text=raw.replace("{", '{\n  "format": "agreesign-envelope/v1",', 1))
    env_case("duplicate member after unescaping", 2, text=raw.replace("{", '{\n  "form\\u0061t": "agreesign-envelope/v1",', 1))
    env_case("duplicate member inside signer", 2, text=raw.replace('"role": "author"', '"role": "author", "role": "author"'))
    env_case("\\u0000 in a string", 2, text=raw.replace('"name": "', '"name": "\\u0000', 1))
    env_case("lone surrogate escape", 2, text=raw.replace('"name": "', '"name": "\\ud800', 1))
    env_case("surrogate pair escape (U+1F600)", 1, text=raw.replace('"name": "', '"name": "\\ud83d\\ude00', 1))
    env_case("invalid UTF-8 in a string", 2, text=raw.encode().replace(b'"name": "', b'"name": "\xc3(', 1))
    env_case("raw TAB in a string", 2, text=raw.replace('"name": "', '"name": "\t', 1))
    env_case("text_length 2202.0", 2, text=raw.replace('"text_length": 2202', '"text_length": 2202.0'))
    env_case("text_length 2.202e3", 2, text=raw.replace('"text_length": 2202', '"text_length": 2.202e3'))
    env_case("text_length 2202e0", 2, text=raw.replace('"text_length": 2202', '"text_length": 2202e0'))
    env_case("text_length 02202", 2, text=raw.replace('"text_length": 2202', '"text_length": 02202'))
    env_case("text_length NaN", 2, text=raw.replace('"text_length": 2202', '"text_length": NaN'))
    env_case("text_length +2202", 2, text=raw.replace('"text_length": 2202', '"text_length": +2202'))
    env_case("single-quoted string", 2, text=raw.replace('"author"', "'author'"))
    env_case("trailing comma", 2, text=raw.replace('"author"', '"author",', 1))
    env_case("comment", 2, text="// c\n" + raw)
    env_case("top-level array", 2, text="[" + raw + "]")
    env_case("deep nesting", 2, text=raw.replace("{", '{"deep": ' + "[" * 100000 + "]" * 100000 + ",", 1))
    pad = 1048576 - len(raw.encode())
    env_case("exactly 1,048,576 bytes", 0, text=raw + " " * pad)
    env_case("1,048,577 bytes", 2, text=raw + " " * (pad + 1))
    # §4.2: integers have no sign; -0 (RFC 8259 JSON, read as 0 by most parsers) is refused
    with_att = lambda n: dump(dict(base, statement=dict(base["statement"], attachments=[
        {"name": "a", "length": 12345, "sha512": "0" * 128}]))).replace(b"12345", n)
    env_case("attachment length 0", 1, text=with_att(b"0"))
    env_case("attachment length -0", 2, text=with_att(b"-0"))
    env_case("text_length -0", 2, text=raw.replace('"text_length": 2202', '"text_length": -0'))
    env_case("-0 as a member's value outside v1", 2, text=raw.replace('"format"', '"x": -0, "format"', 1))

    # trust files
    demo = read(os.path.join(KEYS, "demo.trust")).decode("utf-8")
    author = '"Inès Marović-Saldaña" U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY='
    other = nacl.signing.SigningKey(bytes([7]) * 32).verify_key
    okey = b64(bytes(other))
    t_cases = [
        ("demo", 0, demo), ("no final LF", 2, demo[:-1]), ("CRLF", 2, demo.replace("\n", "\r\n")),
        ("BOM", 2, "\ufeff" + demo), ("header v2", 2, demo.replace("trust v1", "trust v2", 1)),
        ("header with trailing space", 2, demo.replace("trust v1\n", "trust v1 \n", 1)),
        ("header only", 1, "agreesign trust v1\n"), ("empty file", 2, ""),
        ("indented comment, blank lines with blanks", 0, demo + "   # c\n \t \n\n"),
        ("comment with invalid UTF-8", 0, demo.encode() + b"# \xff\xfe\n"),
        ("# after the key", 2, demo.replace("roles=author,co-author", "roles=author,co-author # x")),
        ("unquoted identity with spaces", 2, demo.replace('"Inès Marović-Saldaña"', "Inès Marović-Saldaña")),
        ("tabs between tokens", 0, demo.replace(author, author.replace(" U7", "\t\tU7"))),
        ("quoted key and option", 0, demo.replace("U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY=  roles=author,co-author",
                                                  '"U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY=" "roles=author,co-author"')),
        ("quoted option value", 0, demo.replace("roles=author,co-author", 'roles="author,co-author"')),
        ("identity with \\\" and \\\\", 0, demo + '"A \\"B\\" \\\\C" %s\n' % okey),
        ("bad escape \\n", 2, demo + '"A \\n" %s\n' % okey),
        ("text after closing quote", 2, demo + '"A"x %s\n' % okey),
        ("quote inside a bare token", 2, demo + 'A"B %s\n' % okey),
        ("unterminated quote", 2, demo + '"A %s\n' % okey),
        ("identity only", 2, demo + "A\n"), ("empty identity", 2, demo + '"" %s\n' % okey),
        ("identity not NFC", 2, demo + '"Ine\u0300s" %s\n' % okey),
        ("identity with trailing space", 2, demo + '"A " %s\n' % okey),
        ("identity with U+FEFF", 2, demo + '"\ufeffA" %s\n' % okey),
        ("reason with U+FEFF", 2, demo.replace("roles=author,co-author",
                                               'revoked=2026-01-01T00:00:00Z reason="a\ufeff"')),
        ("key listed twice", 2, demo + "B %s\n" % author.split()[-1]),
        # §9.1: a key failing §5.3 rules 3-6 is refused when a signature
        # uses it; listed but unused, it does not change the verdict
        ("key small order, not used", 0, demo + "B AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"),
        ("key base64 unused bits", 2, demo + "B %s\n" % (okey[:42] + alpha[alpha.index(okey[42]) ^ 1] + "=")),
        ("revoked, quoted whole reason option", 1,
         demo.replace("roles=author,co-author", 'roles=author,co-author revoked=2026-01-01T00:00:00Z "reason=key lost"')),
        ("reason without revoked", 2, demo.replace("roles=author,co-author", 'roles=author,co-author reason=x')),
        ("revoked bad time", 2, demo.replace("roles=author,co-author", 'roles=author,co-author revoked=2026-01-01')),
        ("roles trailing comma", 2, demo.replace("roles=author,co-author", "roles=author,co-author,")),
        ("roles empty", 2, demo.replace("roles=author,co-author", "roles=")),
        ("roles unknown", 2, demo.replace("roles=author,co-author", "roles=author,editor")),
        ("roles capitalised", 2, demo.replace("roles=author,co-author", "roles=Author")),
        ("option name capitalised", 2, demo.replace("roles=author,co-author", "Roles=author")),
        ("option without =", 2, demo.replace("roles=author,co-author", "roles")),
        ("unknown option", 2, demo.replace("roles=author,co-author", "roles=author note=x")),
        ("option repeated", 2, demo.replace("roles=author,co-author", "roles=author roles=author")),
        ("no roles: author and co-author", 0, demo.replace("  roles=author,co-author", "")),
        ("window containing the time", 0, demo.replace("roles=author,co-author", "roles=author "
                                                       "valid-after=2026-11-18T11:06:40Z valid-before=2026-11-18T11:06:41Z")),
        ("valid-before = time", 1, demo.replace("roles=author,co-author", "roles=author valid-before=2026-11-18T11:06:40Z")),
        ("empty window", 2, demo.replace("roles=author,co-author", "roles=author "
                                         "valid-after=2026-01-01T00:00:00Z valid-before=2026-01-01T00:00:00Z")),
        ("reversed window", 2, demo.replace("roles=author,co-author", "roles=author "
                                            "valid-after=2027-01-01T00:00:00Z valid-before=2026-01-01T00:00:00Z")),
        ("reason of 1,025 bytes", 2, demo.replace("roles=author,co-author", "revoked=2026-01-01T00:00:00Z reason=" + "r" * 1025)),
        ("reason of 1,024 bytes (token 1,031)", None, demo.replace("roles=author,co-author",
                                                                   "revoked=2026-01-01T00:00:00Z reason=" + "r" * 1024)),
        ("roles=author,author", 2, demo.replace("roles=author,co-author", "roles=author,author")),
        ("quote not after =", 2, demo.replace("roles=author,co-author", 'roles=author"x"')),
        ("escaped quotes in a value", 1, demo.replace("roles=author,co-author",
                                                      'revoked=2026-01-01T00:00:00Z reason="a \\"b\\""')),
        ("quoted option name, then =", 2, demo.replace("roles=author,co-author", '"roles"=author')),
        ("quote after a second =", 1, demo.replace("roles=author,co-author",
                                                   'revoked=2026-01-01T00:00:00Z reason=a="b c"')),
        ("empty quoted reason", 2, demo.replace("roles=author,co-author", 'revoked=2026-01-01T00:00:00Z reason=""')),
        ("# inside an option value", 1, demo.replace("roles=author,co-author", "revoked=2026-01-01T00:00:00Z reason=#1")),
        ("backslash in a bare token", 1, demo.replace("roles=author,co-author",
                                                      "revoked=2026-01-01T00:00:00Z reason=a\\b")),
        ("roles with a space after the comma", 2, demo.replace("roles=author,co-author", "roles=author, co-author")),
        ("NBSP is not a separator", 2, demo.replace("roles=author,co-author", "roles=author\u00a0")),
        ("NUL in a comment", 2, demo + "# \x00\n"), ("CR in a comment", 2, demo + "# \r\n"),
    ]
    # version 2 (§9.4, §9.5)
    demo2 = read(os.path.join(VEC, "trust", "demo-v2.trust")).decode("utf-8")
    ines = "roles=author,co-author email=ines@example.org orcid=0000-0002-1825-0097"
    cert = re.search(r'^tsa "agreesign test TSA" (\S+)', demo2, re.M).group(1)
    upgraded = re.sub(r'(?m)^(?=")', "key ", demo.replace("trust v1", "trust v2", 1))
    t_cases += [
        ("v2 demo", 0, demo2), ("v2 header, v1 entries", 2, demo.replace("trust v1", "trust v2", 1)),
        ("v1 demo upgraded (key before each entry)", 0, upgraded),
        ("v1 header, v2 records", 2, demo2.replace("trust v2", "trust v1", 1)),
        ("v2 indented record", 0, demo2.replace('\nkey "Inès', '\n \tkey "Inès')),
        ("v2 tab after the keyword", 0, demo2.replace('key "Inès', 'key\t"Inès')),
        ("v2 keyword KEY", 2, demo2.replace('key "Inès', 'KEY "Inès')),
        ("v2 keyword glued to the identity", 2, demo2.replace('key "Inès', 'key"Inès')),
        ("v2 keyword alone", 2, demo2 + "key\n"),
        ("v2 quoted e-mail", 0, demo2.replace("email=ines@example.org", 'email="ines@example.org"')),
        ("v2 e-mail of another case", 1, demo2.replace("email=ines@example.org", "email=Ines@example.org")),
        ("v2 e-mail given twice", 2, demo2.replace(ines, ines + " email=ines@example.org")),
        ("v2 e-mail without @", 2, demo2.replace("email=ines@example.org", "email=ines")),
        ("v2 ORCID with x", 2, demo2.replace("orcid=0000-0002-1825-0097", "orcid=0000-0002-1825-009x")),
        ("v2 ORCID of another", 1, demo2.replace("orcid=0000-0002-1825-0097", "orcid=0000-0001-5109-3700")),
        ("v2 e-mail on a tsa record", 2, demo2.replace("valid-after=2026-01-01T00:00:00Z", "email=a@b")),
        ("v2 tsa revoked", 0, demo2.replace("valid-after=2026-01-01T00:00:00Z",
                                            'revoked=2026-02-01T00:00:00Z reason="key lost"')),
        ("v2 tsa empty window", 2, demo2.replace("valid-after=2026-01-01T00:00:00Z",
                                                 "valid-after=2026-01-01T00:00:00Z valid-before=2026-01-01T00:00:00Z")),
        ("v2 tsa quoted certificate", 0, demo2.replace(cert, '"%s"' % cert)),
        ("v2 tsa certificate without padding", 2, demo2.replace(cert, cert.rstrip("="))),
        ("v2 tsa certificate unused bits", 2, demo2.replace(cert, cert[:-2] + alpha[alpha.index(cert[-2]) ^ 1] + "=")),
        ("v2 tsa without certificate", 2, demo2.replace(" " + cert, "")),
        ("v2 tsa name not NFC", 2, demo2.replace('"agreesign test TSA"', '"Ine\u0300s TSA"')),
        ("v2 tsa bare name", 0, demo2.replace('"agreesign test TSA"', "TSA")),
        ("v2 only a tsa record", 1, "agreesign trust v2\ntsa T %s\n" % cert),
        ("v2 certificate token of 16,388 bytes", 2, demo2.replace(cert, cert + "A" * (16388 - len(cert)))),
    ]
    for name, expect, text in t_cases:
        path = write(os.path.join(tmp, "t.trust"), text)
        rc, js = compare("trust " + name, ["-t", path, "-e", signed, agr], expect)
        if expect is None:
            note("trust file %s: mine exit %s, agreesign exit %s"
                 % (name, rc, tool_verify("-t", path, "-e", signed, agr)[0]))
    # .pub files (verify -p)
    pub = read(os.path.join(KEYS, "demo-author.pub")).decode("utf-8")
    for name, expect, text in (
            ("as shipped", 0, pub), ("no final LF", 2, pub[:-1]), ("CRLF", 2, pub.replace("\n", "\r\n")),
            ("blank line", 2, pub.replace("\nname", "\n\nname")), ("trailing space", 2, pub.replace("\n", " \n", 2)),
            ("email before name", 2, pub.replace("name: Inès Marović-Saldaña\nemail: ines@example.org",
                                                 "email: ines@example.org\nname: Inès Marović-Saldaña")),
            ("unknown field", 2, pub + "note: x\n"), ("field repeated", 2, pub + "orcid: 0000-0002-1825-0097\n"),
            ("wrong key-id", 2, pub.replace("c4aa", "c4ab")), ("secret header", 2, pub.replace("public", "secret")),
            ("two spaces after colon", 2, pub.replace("name: ", "name:  ")),
            ("U+FEFF in name", 2, pub.replace("name: ", "name: \ufeff")),
            ("without email and orcid", 0, "\n".join(pub.split("\n")[:4]) + "\n")):
        path = write(os.path.join(tmp, "k.pub"), text)
        compare(".pub " + name, ["-p", path, "-e", signed, agr], expect)
    test_ssh_pub(tmp, agr, signed, pub)
    # options
    for opt, expect in (("editor", 2), ("author,", 2), ("", 2), ("author,author", 0), ("Author", 2),
                        ("AUTHOR", 2), (",author", 2), ("author,,publisher", 2), ("author, publisher", 2)):
        if expect is not None:
            compare("--require-role=%s" % opt, trust + ["--require-role=" + opt, "-e", signed, agr], expect)
        else:   # not specified (§10.3): reported, not judged
            rc = mine(*trust, "--require-role=" + opt, "-e", signed, agr)[0]
            note("--require-role=%r: mine exit %s, agreesign exit %s"
                 % (opt, rc, tool_verify(*trust, "--require-role=" + opt, "-e", signed, agr)[0]))
    # §10.3: repeated options add up; a key id is whole and lowercase
    kid = "c4aa99203f4c423c851c2b0b6c8abffd"
    for name, args, expect in (
            ("--require-role publisher, then author", ["--require-role", "publisher", "--require-role", "author"], 1),
            ("--require-role author twice", ["--require-role", "author", "--require-role", "author"], 0),
            ("--require-signer twice", ["--require-signer", kid, "--require-signer", kid], 0),
            ("--require-signer author, then another", ["--require-signer", kid, "--require-signer", "0" * 32], 1),
            ("--require-signer upper case", ["--require-signer", kid.upper()], 2),
            ("--require-signer 16 digits", ["--require-signer", kid[:16]], 2),
            ("--require-signer 33 digits", ["--require-signer", kid + "0"], 2)):
        compare(name, trust + args + ["-e", signed, agr], expect)


# ------------------------------------------------------------- (f) timestamp tokens §6.5

def tsa_sh(tmp, script):
    """Runs tests/e2e/tsa_lib.sh's functions (the test CA and TSAs, made
    with the openssl command) in tmp; its output."""
    p = subprocess.run(["bash", "-c", '. "$0"; ' + script,
                        os.path.join(ROOT, "tests", "e2e", "tsa_lib.sh")],
                       cwd=tmp, env=dict(os.environ, T=tmp), capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("tsa_lib.sh: %s: %s" % (script, p.stderr.decode(errors="replace")))
    return p.stdout.decode()


def stamped(tmp, signed, name, tsa="good", idx=None, at=""):
    """A copy of the envelope signed, with a token of test TSA tsa over
    signature idx (default: the only one without a token), made at the
    faketime offset at (default now)."""
    path = os.path.join(tmp, name)
    shutil.copy(signed, path)
    q, r = path + ".tsq", path + ".tsr"
    sel = ["--signature", str(idx)] if idx else []
    ok(tool("timestamp", *sel, "--request", q, path).returncode == 0, name + ": request written")
    tsa_sh(tmp, "TSA_AT='%s' tsa_reply %s %s %s" % (at, tsa, q, r))
    p = tool("timestamp", *sel, "--request", q, "--reply", r, path)
    ok(p.returncode == 0, name + ": token added", p.stderr.decode(errors="replace"))
    return path


def test_timestamps(tmp, agr, signed):
    tmp = os.path.join(tmp, "ts")
    os.mkdir(tmp)
    tsa_sh(tmp, "tsa_ca; tsa_cert good tsa")
    trust = ["-t", os.path.join(KEYS, "demo.trust")]
    one = stamped(tmp, signed, "one.sig.json")
    compare("v2 envelope with a token", trust + ["-e", one, agr], 0)
    base = json.loads(read(one))
    tok = base["signatures"][0]["timestamps"][0]
    p7 = os.path.join(tmp, "p7.der")
    subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", os.path.join(tmp, "tsa", "good.pem"),
                    "-outform", "DER", "-out", p7], check=True)
    for name, mutate in (
            ("v1 with timestamps", lambda e: e.update(format="agreesign-envelope/v1")),
            ("v2 without a token", lambda e: e["signatures"][0].pop("timestamps")),
            ("no token in the array", lambda e: e["signatures"][0].update(timestamps=[])),
            ("two tokens", lambda e: e["signatures"][0].update(timestamps=[tok, tok])),
            ("a token not in an array", lambda e: e["signatures"][0].update(timestamps=tok)),
            ("a token in base64 with a line break",
             lambda e: e["signatures"][0].update(timestamps=[tok[:64] + "\n" + tok[64:]])),
            ("a byte after the token",
             lambda e: e["signatures"][0].update(timestamps=[b64(base64.b64decode(tok) + b"\0")])),
            ("a token cut short",
             lambda e: e["signatures"][0].update(timestamps=[b64(base64.b64decode(tok)[:-1])])),
            ("signedData of certificates, not a TSTInfo",
             lambda e: e["signatures"][0].update(timestamps=[b64(read(p7))])),
            ("a token of 16385 bytes", lambda e: e["signatures"][0].update(timestamps=[b64(b"0" * 16385)]))):
        e = copy.deepcopy(base)
        mutate(e)
        path = write(os.path.join(tmp, "bad.sig.json"), dump(e))
        compare("envelope v2: " + name, trust + ["-e", path, agr], 2)
    verify_tokens(tmp, agr, signed, one)


def renewed(tmp, path, tsa, at=""):
    """Renews the chain of the envelope at path with a token of test TSA
    tsa (timestamp --renew --request, then --reply), made at the faketime
    offset at (e.g. "-36h"; default now)."""
    q, r = path + ".rq", path + ".rr"
    for f in (q, r):
        if os.path.exists(f):
            os.remove(f)
    ok(tool("timestamp", "--renew", "--request", q, path).returncode == 0, path + ": renewal request")
    tsa_sh(tmp, "TSA_AT='%s' tsa_reply %s %s %s" % (at, tsa, q, r))
    p = tool("timestamp", "--renew", "--request", q, "--reply", r, path)
    ok(p.returncode == 0, path + ": renewal added", p.stderr.decode(errors="replace"))
    return path


def test_renewals(tmp, agr, signed):
    """§6.5, §10.2: renewal chains (v3), judged by both verifiers. The
    first TSA's certificate was valid from three days ago to one day ago:
    its tokens are dated two days ago (faketime, tsa_lib.sh's TSA_AT), the
    renewal that seals one in time 36 hours ago, the later ones now."""
    tmp = os.path.join(tmp, "renew")
    os.mkdir(tmp)
    d = "$(date -u -d '%s' +%%Y%%m%%d%%H%%M%%SZ)"
    tsa_sh(tmp, "tsa_ca; tsa_cert brief tsa %s %s; " % (d % "-3 days", d % "-1 days")
           + "; ".join("tsa_cert %s tsa %s %s" % (n, d % "-3 days", d % "+10 years")
                       for n in ("second", "third", "stranger")))
    rec = lambda label, cert, *o: ('tsa "%s" ' % label) + tsa_sh(tmp, "tsa_b64 " + cert) + "".join(" " + x for x in o)
    # signed claims 2026-11-18, before every token
    chain = renewed(tmp, stamped(tmp, signed, "chain.sig.json", "brief", at="-2d"), "second", at="-36h")
    late = stamped(tmp, signed, "late.sig.json", "brief", at="-2d")
    renewed(tmp, chain, "third")
    renewed(tmp, late, "second")          # after the first certificate expired
    ca = v2_trust(tmp, "ca.trust", "", rec("Test CA", "ca"))
    leaves = v2_trust(tmp, "leaves.trust", "", rec("Brief", "brief"), rec("Second", "second"),
                      rec("Third", "third"))
    store = os.path.join(tmp, "ca.db")
    ok(tool("trust", "import", "-t", store, ca).returncode == 0, "the CA's pin imported into a store")
    base = json.loads(read(chain))
    toks = base["signatures"][0]["timestamps"]
    ok(base["format"] == "agreesign-envelope/v3" and len(toks) == 3, "a chain of three is v3")
    variants = {}
    for name, new in (("swapped", [toks[0], toks[2], toks[1]]), ("first only", toks[:1]),
                      ("restarted", [toks[1], toks[1], toks[2]])):
        e = copy.deepcopy(base)
        e["signatures"][0]["timestamps"] = new
        if len(new) == 1:
            e["format"] = "agreesign-envelope/v2"
        variants[name] = write(os.path.join(tmp, name.replace(" ", "-") + ".sig.json"), dump(e))
    stranger = stamped(tmp, signed, "stranger.sig.json", "brief", at="-2d")
    renewed(tmp, renewed(tmp, stranger, "stranger"), "third")
    need = ["--require-proven-time"]
    for name, tr, env, args, want in (
            ("chain of three, CA pinned", ca, chain, need, 0),
            ("chain of three, each TSA pinned", leaves, chain, need, 0),
            ("chain of three through a store", store, chain, need, 0),
            ("renewed after the first certificate expired", ca, late, need, 1),
            ("a link over the wrong bytes", ca, variants["swapped"], need, 1),
            ("a first token over a token", ca, variants["restarted"], need, 1),
            ("the first token alone (v2)", ca, variants["first only"], need, 0),
            ("a middle link from an unpinned TSA", leaves, stranger, need, 1),
            ("a middle link from an unpinned TSA, not required", leaves, stranger, [], 0),
            ("first TSA revoked after the renewal", v2_trust(
                tmp, "r1.trust", "", rec("Brief", "brief", "revoked=2099-01-01T00:00:00Z"),
                rec("Second", "second"), rec("Third", "third")), chain, need, 0),
            ("first TSA revoked before the renewal", v2_trust(
                tmp, "r2.trust", "", rec("Brief", "brief", "revoked=2020-01-01T00:00:00Z"),
                rec("Second", "second"), rec("Third", "third")), chain, need, 1),
            ("last TSA revoked", v2_trust(
                tmp, "r3.trust", "", rec("Brief", "brief"), rec("Second", "second"),
                rec("Third", "third", "revoked=2099-01-01T00:00:00Z")), chain, need, 1)):
        compare("renewal: " + name, ["-t", tr] + args + ["-e", env, agr], want)
    for name, mutate in (
            ("v2 with a chain", lambda e: e.update(format="agreesign-envelope/v2")),
            ("v3 without a chain", lambda e: e["signatures"][0].update(timestamps=toks[:1])),
            ("a chain of 17", lambda e: e["signatures"][0].update(timestamps=toks * 5 + toks[:2])),
            ("a renewal that is not a token", lambda e: e["signatures"][0].update(timestamps=toks[:2] + ["AAAA"])),
            ("format v4", lambda e: e.update(format="agreesign-envelope/v4"))):
        e = copy.deepcopy(base)
        mutate(e)
        path = write(os.path.join(tmp, "bad.sig.json"), dump(e))
        compare("envelope v3: " + name, ["-t", ca, "-e", path, agr], 2)


def v2_trust(tmp, name, author_opts, *tsa_lines):
    """The demo keys as a v2 trust file: the author's record with the
    options given, then the tsa lines."""
    lines = ["agreesign trust v2"]
    for line in read(os.path.join(KEYS, "demo.trust")).decode().split("\n")[1:]:
        if line and not line.startswith("#"):
            opts = author_opts if line.startswith('"Inès') else ""
            lines.append("key " + line + (" " + opts if opts else ""))
    return write(os.path.join(tmp, name), "\n".join(lines + list(tsa_lines)) + "\n")


def with_token(tmp, base_path, name, der):
    e = json.loads(read(base_path))
    e["signatures"][0]["timestamps"] = [b64(der)]
    return write(os.path.join(tmp, name), dump(e))


def verify_tokens(tmp, agr, signed, one):
    """§10.2: what a token proves, judged by both verifiers."""
    rec = lambda label, cert, *o: ('tsa "%s" ' % label) + tsa_sh(tmp, "tsa_b64 " + cert) + "".join(" " + x for x in o)
    tsa_sh(tmp, "tsa_cert other tsa; tsa_cert noeku noeku; tsa_cert softeku softeku; "
                "tsa_cert old tsa 20200101000000Z 20210101000000Z")
    ca = v2_trust(tmp, "ca.trust", "", rec("Test TSA", "ca"))
    tok = base64.b64decode(json.loads(read(one))["signatures"][0]["timestamps"][0])
    plain = ["--require-proven-time"]
    for name, tr, env, args, want, reasons in (
            ("CA pinned", ca, one, plain, 0, "ok"),
            ("TSA certificate pinned", v2_trust(tmp, "leaf.trust", "", rec("Leaf", "good")), one, plain, 0, "ok"),
            ("another TSA pinned", v2_trust(tmp, "other.trust", "", rec("Other", "other")), one, [], 0, "ok"),
            ("another TSA pinned, proven time required",
             v2_trust(tmp, "other.trust", "", rec("Other", "other")), one, plain, 1, "ok"),
            ("v2 without tsa records", v2_trust(tmp, "none.trust", ""), one, plain, 1, "ok"),
            ("demo v1 trust", os.path.join(KEYS, "demo.trust"), one, plain, 1, "ok"),
            ("two records, the second accepts",
             v2_trust(tmp, "two.trust", "", rec("Other", "other"), rec("Test TSA", "ca")), one, plain, 0, "ok"),
            ("record window ends before", v2_trust(tmp, "w1.trust", "", rec("T", "ca", "valid-before=2020-01-01T00:00:00Z")),
             one, plain, 1, "ok"),
            ("record window starts after", v2_trust(tmp, "w2.trust", "", rec("T", "ca", "valid-after=2099-01-01T00:00:00Z")),
             one, plain, 1, "ok"),
            ("record revoked", v2_trust(tmp, "r.trust", "", rec("T", "ca", "revoked=2099-01-01T00:00:00Z")),
             one, plain, 1, "ok"),
            ("key revoked after the proven time", v2_trust(tmp, "late.trust", "revoked=2099-01-01T00:00:00Z",
                                                           rec("T", "ca")), one, plain, 0, "ok"),
            ("key revoked, no token", v2_trust(tmp, "late.trust", "revoked=2099-01-01T00:00:00Z", rec("T", "ca")),
             signed, [], 1, "revoked"),
            ("key revoked before the proven time", v2_trust(tmp, "early.trust", "revoked=2020-01-01T00:00:00Z",
                                                            rec("T", "ca")), one, [], 1, "revoked"),
            ("key revoked after, TSA not pinned", v2_trust(tmp, "late2.trust", "revoked=2099-01-01T00:00:00Z"),
             one, [], 1, "revoked"),
            ("window on the proven time", v2_trust(tmp, "exp.trust", "valid-before=2026-11-20T00:00:00Z",
                                                   rec("T", "ca")), one, [], 1, "expired"),
            ("window on the claimed time without a token",
             v2_trust(tmp, "exp.trust", "valid-before=2026-11-20T00:00:00Z", rec("T", "ca")), signed, [], 0, "ok")):
        compare("token: " + name, ["-t", tr] + args + ["-e", env, agr], want, reasons)
    # the same pins from a trust store database (spec/trust-db.md §3): its
    # tsa records prove times as a text file's do
    for i, (name, tr, env, args, want, reasons) in enumerate((
            ("CA pinned", ca, one, plain, 0, "ok"),
            ("key revoked after the proven time", v2_trust(tmp, "late.trust", "revoked=2099-01-01T00:00:00Z",
                                                           rec("T", "ca")), one, plain, 0, "ok"),
            ("key revoked before the proven time", v2_trust(tmp, "early.trust", "revoked=2020-01-01T00:00:00Z",
                                                            rec("T", "ca")), one, [], 1, "revoked"),
            ("no tsa records", v2_trust(tmp, "none.trust", ""), one, plain, 1, "ok"))):
        db = os.path.join(tmp, "pins-%d.db" % i)
        p = tool("trust", "import", "-t", db, tr)
        if ok(p.returncode == 0, "import " + name, p.stderr.decode(errors="replace")):
            compare("token, trust store database: " + name, ["-t", db] + args + ["-e", env, agr], want, reasons)
    # bytes changed, and a token over another signature
    flipped = bytearray(tok)
    flipped[-3] ^= 1
    compare("token: a byte changed", ["-t", ca] + plain + ["-e", with_token(tmp, one, "f.sig.json", bytes(flipped)), agr],
            1, "ok")
    compare("token: a byte changed, not required", ["-t", ca, "-e", with_token(tmp, one, "f.sig.json", bytes(flipped)), agr],
            0, "ok")
    # the TSTInfo of the good token signed again by certificates without the
    # critical timeStamping usage (openssl ts refuses them; openssl cms not)
    tsa_dir = os.path.join(tmp, "tsa")
    write(os.path.join(tmp, "tok.der"), tok)
    subprocess.run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", os.path.join(tmp, "tok.der"),
                    "-out", os.path.join(tmp, "tst.der")], check=True, capture_output=True)
    for c in ("noeku", "softeku", "good"):
        out = os.path.join(tmp, c + ".cms")
        subprocess.run(["openssl", "cms", "-sign", "-binary", "-nodetach", "-in", os.path.join(tmp, "tst.der"),
                        "-signer", os.path.join(tsa_dir, c + ".pem"), "-inkey", os.path.join(tsa_dir, c + ".key"),
                        "-certfile", os.path.join(tsa_dir, "ca.pem"), "-econtent_type", "id-smime-ct-TSTInfo",
                        "-md", "sha256", "-nosmimecap", "-outform", "DER", "-out", out], check=True, capture_output=True)
        # "good" without the signingCertificate attribute RFC 3161 requires
        compare("token: signed by %s with openssl cms" % c,
                ["-t", ca] + plain + ["-e", with_token(tmp, one, c + ".sig.json", read(out)), agr], 1, "ok")
    # an expired TSA certificate (it signs all the same)
    old = stamped(tmp, signed, "old.sig.json", "old")
    compare("token: TSA certificate expired", ["-t", ca] + plain + ["-e", old, agr], 1, "ok")
    # a claimed time after the proven time: a signature made in 2099
    fut = os.path.join(tmp, "future.txt")
    shutil.copy(agr, fut)
    p = tool("sign", "-k", os.path.join(KEYS, "demo-author.key"), "--time", "2099-01-01", fut)
    ok(p.returncode == 0, "sign --time 2099-01-01")
    future = stamped(tmp, fut + ".sig.json", "future.sig.json")
    compare("token: claimed time after the proven time", ["-t", ca, "-e", future, fut], 1, "claimed-time-after-proven")
    compare("token: claimed time after, no TSA pinned",
            ["-t", os.path.join(KEYS, "demo.trust"), "-e", future, fut], 0, "ok")

# ------------------------------------------------------------- (h) trust store databases (spec/trust-db.md)

def text_records(data):
    """The canonical lines (§9.6) of a text trust file's records, in file order: keys, then tsa."""
    store, tsas = V.parse_trust(data, records=True)
    return "".join(["agreesign trust v2\n"] + [V.canonical_line("key", e, b64(pk)) for pk, e in store.items()]
                   + [V.canonical_line("tsa", a, b64(a["cert"])) for a in tsas]).encode("utf-8")


def test_trust_db(tmp):
    import sqlite3
    dbs = {}
    for name in sorted(os.listdir(os.path.join(VEC, "trust"))):
        if name.startswith("bad-"):
            continue
        src = os.path.join(VEC, "trust", name)
        db = os.path.join(tmp, name + ".db")
        p = tool("trust", "import", "-t", db, src)
        if not ok(p.returncode == 0, "import " + name, p.stderr.decode()):
            continue
        dbs[name] = db
        exported = tool("trust", "export", "-t", db).stdout
        ok(exported == V.export_trust_db(db), "export of %s: agreesign = §3 mapping" % name)
        ok(exported == text_records(read(src)), "export of %s's import: its records' canonical lines" % name)
        again = os.path.join(tmp, name + ".again.db")
        subprocess.run([BIN, "trust", "import", "-t", again, "-"], input=exported, capture_output=True)
        ok(tool("trust", "export", "-t", again).stdout == exported, "import of %s's export: same records" % name)
    with open(os.path.join(VEC, "cases.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, agr, env, trust, opts, rc, want = line.rstrip("\n").split("\t")
            if trust not in dbs:
                continue
            args = ["-t", dbs[trust], "-e", os.path.join(VEC, "envelopes", env)]
            args += [] if opts == "-" else opts.split()
            compare("case %s, trust store database" % name, args + [os.path.join(VEC, "agreements", agr)],
                    int(rc), want)
    # §5: the history's chain, after edits of every kind
    db = dbs["demo.trust"]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1796000000")
    for args in (["revoke", "--reason", "a \"quoted\" reason", os.path.join(KEYS, "demo-coauthor.pub")],
                 ["set", "--role", "author", os.path.join(KEYS, "demo-author.pub")],
                 ["remove", os.path.join(KEYS, "demo-publisher.pub")],
                 ["add", "--role", "publisher", os.path.join(KEYS, "demo-publisher.pub")]):
        p = subprocess.run([BIN, "trust", args[0], "-t", db] + args[1:], capture_output=True, env=env)
        ok(p.returncode == 0, "trust %s on a store" % args[0], p.stderr.decode())
    ok(V.trust_db_history_ok(sqlite3.connect(db)), "§5 history chain of a store after edits")
    ok(tool("trust", "export", "-t", db).stdout == V.export_trust_db(db), "export after edits = §3 mapping")
    # §4: a reader refuses what is not exactly a store of schema version 1
    signed = ["-e", os.path.join(VEC, "envelopes", "signed.sig.json"),
              os.path.join(VEC, "agreements", "sample-agreement.txt")]
    for what, sql in (("extra table", "CREATE TABLE extra(x)"), ("wrong version", "PRAGMA user_version = 2"),
                      ("not ours", "PRAGMA application_id = 7"), ("trigger dropped", "DROP TRIGGER history_no_delete")):
        db = os.path.join(tmp, "hostile.db")
        shutil.copy(dbs["demo-v2.trust"], db)
        con = sqlite3.connect(db)
        con.execute(sql)
        con.commit()
        con.close()
        compare("trust store database, " + what, ["-t", db] + signed, 2)


def test_ssh_pub(tmp, agr, signed, pub):
    """§8.4: the signer's key as an OpenSSH public key line, and its refusals."""
    pk = base64.b64decode(re.search(r"public-key: (\S+)", pub).group(1))
    s = lambda b: struct.pack(">I", len(b)) + b
    blob = lambda t, k: base64.b64encode(s(t) + s(k)).decode()
    line = "ssh-ed25519 " + blob(b"ssh-ed25519", pk)
    order8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
    other = nacl.signing.SigningKey(bytes(range(40, 72))).verify_key.encode()
    for name, expect, text in (
            ("ssh-keygen form", 0, line + " ines@laptop\n"),
            ("no comment, no LF", 0, line),
            ("comments and blank lines", 0, "# key\n\n \t\n" + line + "\n\n"),
            ("authorized_keys options", 0, 'no-pty,from="10.0.0.1,x y" ' + line + " c\n"),
            ("another key: not checked", 1, "ssh-ed25519 " + blob(b"ssh-ed25519", other) + "\n"),
            ("cert-authority option", 2, "Cert-Authority " + line + "\n"),
            ("two keys", 2, line + "\n" + line + " again\n"),
            ("CRLF", 2, line + "\r\n"),
            ("CR in a comment line", 2, "# x\r\n" + line + "\n"),
            ("ssh-rsa", 2, "ssh-rsa " + blob(b"ssh-rsa", pk) + "\n"),
            ("FIDO", 2, "sk-ssh-ed25519@openssh.com " + blob(b"sk-ssh-ed25519@openssh.com", pk) + "\n"),
            ("certificate", 2, "ssh-ed25519-cert-v01@openssh.com " + blob(b"ssh-ed25519", pk) + "\n"),
            ("blob of another type", 2, "ssh-ed25519 " + blob(b"ssh-rsa", pk) + "\n"),
            ("31-byte key", 2, "ssh-ed25519 " + blob(b"ssh-ed25519", pk[:31]) + "\n"),
            ("byte after the key", 2, "ssh-ed25519 " + base64.b64encode(s(b"ssh-ed25519") + s(pk) + b"\0").decode()),
            ("padding added", 2, line + "=="),
            ("torsion component", 2, "ssh-ed25519 " + blob(
                b"ssh-ed25519", ed_encode(ed_add(ed_decode(pk), ed_decode(order8)))) + "\n"),
            ("private key", 2, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n")):
        path = write(os.path.join(tmp, "k.ssh.pub"), text)
        rc, js = compare("OpenSSH key " + name, ["-p", path, "-e", signed, agr], expect)
        if name == "ssh-keygen form" and js:
            ok(js["signatures"][0]["trusted_identity"] is None,
               "OpenSSH key: trusted_identity is null (§8.4, §10.4)")


def openssh_private(seed, check2=0x2A2A2A2A, cipher=b"none", nkeys=1, pad=None, comment=b"ines@laptop"):
    """§8.5: an unencrypted OpenSSH private key file of seed, written here
    from the specification (wrong in the way the arguments say)."""
    s = lambda b: struct.pack(">I", len(b)) + b
    pk = nacl.signing.SigningKey(seed).verify_key.encode()
    priv = struct.pack(">II", 0x2A2A2A2A, check2) + s(b"ssh-ed25519") + s(pk) + s(seed + pk) + s(comment)
    n = (-len(priv)) % 8 + (8 if pad == "block" else 0)    # "block": 8 bytes more than needed
    priv += bytes(range(1, n + 1)) if pad in (None, "block") else pad[:n]
    data = (b"openssh-key-v1\0" + s(cipher) + s(b"none" if cipher == b"none" else b"bcrypt") + s(b"")
            + struct.pack(">I", nkeys) + s(s(b"ssh-ed25519") + s(pk)) + s(priv))
    b = base64.b64encode(data).decode()
    return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "".join(b[i:i + 70] + "\n" for i in range(0, len(b), 70))
            + "-----END OPENSSH PRIVATE KEY-----\n")


def test_ssh_private(tmp):
    """§8.5: the author's seed as an OpenSSH private key signs the very
    envelope its agreesign .key signs (spec/vectors/envelopes/signed.sig.json);
    what §8.5 refuses is refused."""
    agr = os.path.join(tmp, "ssh-agreement.txt")
    shutil.copy(os.path.join(VEC, "agreements", "sample-agreement.txt"), agr)
    keytext = read(os.path.join(KEYS, "demo-author.key")).decode()
    seed = base64.b64decode(re.search(r"(?m)^secret-key: (\S+)$", keytext).group(1))
    who = ["--name", "Inès Marović-Saldaña", "--email", "ines@example.org", "--orcid", "0000-0002-1825-0097"]
    for name, expect, text in (
            ("as ssh-keygen writes it", 0, openssh_private(seed)),
            ("encrypted", 2, openssh_private(seed, cipher=b"aes256-ctr")),
            ("check numbers differ", 2, openssh_private(seed, check2=0x2A2A2A2B)),
            ("two keys announced", 2, openssh_private(seed, nkeys=2)),
            ("padding not 1, 2, 3", 2, openssh_private(seed, pad=bytes([1, 3, 2, 4, 5, 6, 7]))),
            ("a whole block of padding more", 2, openssh_private(seed, pad="block"))):
        path = os.path.join(tmp, "id_ed25519")
        if os.path.exists(path):
            os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, text.encode())
        os.close(fd)
        out = os.path.join(tmp, "ssh-signed.sig.json")
        if os.path.exists(out):
            os.unlink(out)
        p = tool("sign", "-k", path, *who, "--time", "2026-11-18T11:06:40Z", "-e", out, agr)
        if not ok(p.returncode == expect, "OpenSSH private key %s: exit %d" % (name, expect),
                  "exit %d: %s" % (p.returncode, p.stderr.decode())):
            continue
        if expect == 0:
            ok(read(out) == read(os.path.join(VEC, "envelopes", "signed.sig.json")),
               "OpenSSH private key: the envelope of the same seed's .key, byte for byte (§8.5)")
            compare("OpenSSH private key envelope", ["-t", os.path.join(KEYS, "demo.trust"), "-e", out, agr], 0)
        else:
            ok(not os.path.exists(out), "OpenSSH private key %s: nothing written" % name)
def import_ssh_expected(text):
    """§9.7 from the spec alone: the records an allowed_signers text gives
    (canonical lines, §9.6), or None when the import must fail."""
    is_type = lambda f: f.startswith(("ssh-", "ecdsa-", "sk-")) or f.endswith("-cert-v01@openssh.com")

    def when(v):
        m = re.fullmatch(r"([0-9]{8})(?:([0-9]{4})([0-9]{2})?)?Z", v)
        if not m:
            raise ValueError(v)
        t = datetime.datetime.strptime(m.group(1) + (m.group(2) or "0000") + (m.group(3) or "00"), "%Y%m%d%H%M%S")
        if t.year < 1970:
            raise ValueError(v)
        return t.replace(tzinfo=datetime.timezone.utc)

    def match(pat, word):           # ssh_config(5) PATTERNS: * and ?, nothing else
        rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pat)
        return re.fullmatch(rx, word, re.S) is not None

    def admits(lst, word):
        pats = lst.split(",")
        neg = [p[1:] for p in pats if p.startswith("!")]
        return (not any(match(p, word) for p in neg)
                and any(match(p, word) for p in pats if not p.startswith("!")))

    def q(v):
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"') if re.search(r'[ \t"\\#=]', v) else v

    out, seen = [], set()
    try:
        for line in text.split("\n"):
            f = V._ssh_fields(line)
            if not f or f[0].startswith("#"):
                continue
            princ = f[0][1:-1] if len(f[0]) > 1 and f[0][0] == f[0][-1] == '"' else f[0]
            assert '"' not in princ and all(princ.split(",")) and len(f) > 1
            opts, rest = {}, f[1:]
            if not is_type(rest[0]):
                for o in V._ssh_options(rest[0]):
                    k, _, v = o.partition("=")
                    k = k.lower()
                    assert k not in opts and (k == "cert-authority" and not _ or
                                              k in ("namespaces", "valid-after", "valid-before")
                                              and len(v) >= 2 and v[0] == v[-1] == '"' and '"' not in v[1:-1])
                    opts[k] = v[1:-1]
                rest = rest[1:]
            assert rest and is_type(rest[0])
            after = when(opts["valid-after"]) if "valid-after" in opts else None
            before = when(opts["valid-before"]) if "valid-before" in opts else None
            if before and before.strftime("%Y%m%d%H%M%S") == "99991231235959":
                before = None       # one second later is past any §1.3 time: unbounded
            elif before:
                before += datetime.timedelta(seconds=1)
            assert not (after and before and after >= before)
            if rest[0] != "ssh-ed25519":
                continue
            pk = list(V.parse_ssh_pub(" ".join(rest[:2]).encode()))[0]
            if ("cert-authority" in opts or re.search(r"[*?!]", princ)
                    or ("namespaces" in opts and not admits(opts["namespaces"], "agreesign")) or pk in seen):
                continue
            seen.add(pk)
            name = unicodedata.normalize("NFC", princ.split(",")[0])
            V.text_field(name, "principal")
            rec = ["key", q(name), b64(pk), "roles=author,co-author"]
            try:
                V.email_value(name, "principal")
                rec.append("email=" + q(name))
            except V.Refused:
                pass
            if after:
                rec.append("valid-after=" + after.strftime("%Y-%m-%dT%H:%M:%SZ"))
            if before:
                rec.append("valid-before=" + before.strftime("%Y-%m-%dT%H:%M:%SZ"))
            out.append(" ".join(rec))
    except (AssertionError, ValueError, KeyError, V.Refused):
        return None
    return out


def test_import_ssh(tmp):
    """§9.7: trust import-ssh gives the records the spec's mapping gives."""
    s = lambda b: struct.pack(">I", len(b)) + b
    key = lambda i: "ssh-ed25519 " + b64(s(b"ssh-ed25519") + s(
        nacl.signing.SigningKey(bytes([i]) * 32).verify_key.encode()))
    k1, k2, k3 = key(1), key(2), key(3)
    cases = [
        ("plain", "a@example.org %s c\n" % k1),
        ("two lines, comments", "# x\n\na@example.org %s\n  b %s  comment here\n" % (k1, k2)),
        ("windows", 'a@x.org valid-after="20260101Z",VALID-BEFORE="202612312359Z" %s\n' % k1),
        ("valid-before at the end of time", 'a@x.org valid-before="99991231235959Z" %s\n' % k1),
        ("seconds", 'a@x.org valid-after="20260101123456Z" %s\n' % k1),
        ("namespaces", 'a@x.org namespaces="git" %s\nb@x.org namespaces="agree*,!x" %s\n'
                       'c@x.org namespaces="*,!agreesign" %s\n' % (k1, k2, k3)),
        ("cert-authority, pattern, rsa", "*@x.org cert-authority %s\nb* %s\nc@x.org ssh-rsa AAAA\nd@x.org %s\n"
         % (k1, k2, k3)),
        ("duplicate key", "a@x.org %s\nb@x.org %s\n" % (k1, k1)),
        ("several principals, quoted", '"a@x.org,b@x.org" %s\n' % k1),
        ("identity to quote", "a=b %s\n" % k1),
        ("no Z", 'a@x.org valid-after="20260101" %s\n' % k1),
        ("unquoted value", "a@x.org valid-after=20260101Z %s\n" % k1),
        ("unknown option", "a@x.org no-pty %s\n" % k1),
        ("empty window", 'a@x.org valid-after="20260102Z",valid-before="20260101Z" %s\n' % k1),
        ("bad date", 'a@x.org valid-after="20260230Z" %s\n' % k1),
        ("broken key", "a@x.org ssh-ed25519 AAAA\n"),
        ("empty principal", "a@x.org,,b %s\n" % k1),
        ("no key", "a@x.org\n"),
    ]
    for name, text in cases:
        src, trust = write(os.path.join(tmp, "allowed_signers"), text), os.path.join(tmp, "imp.trust")
        if os.path.exists(trust):
            os.unlink(trust)
        p = tool("trust", "import-ssh", "-t", trust, src)
        want = import_ssh_expected(text)
        got = (read(trust).decode().split("\n")[1:-1] if os.path.exists(trust) else []) if p.returncode == 0 else None
        ok(got == want, "import-ssh " + name + ": records per §9.7", "want %s, tool %s (exit %d: %s)"
           % (want, got, p.returncode, p.stderr.decode()[-200:]))


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit("verify_test.py: %s is not an executable" % BIN)
    with tempfile.TemporaryDirectory(prefix="agreesign-interop-") as tmp:
        fresh = None
        for name, run in (("cases", lambda: test_cases()), ("fresh", lambda: test_fresh(tmp)),
                          ("output", lambda: test_output(tmp)),
                          ("canon", lambda: test_canon(tmp)), ("worked example", lambda: test_worked_example(tmp)),
                          ("strict", lambda: fresh and test_strict(tmp, *fresh)),
                          ("ssh private", lambda: test_ssh_private(tmp)),
                          ("timestamps", lambda: fresh and test_timestamps(tmp, *fresh)),
                          ("renewals", lambda: fresh and test_renewals(tmp, *fresh)),
                          ("trust db", lambda: test_trust_db(tmp)),
                          ("import-ssh", lambda: test_import_ssh(tmp))):
            try:
                result = run()
                fresh = result if name == "fresh" else fresh
            except Exception as e:       # a crash is a failure, never a silent pass
                ok(False, "section %s crashed" % name, "%s: %s" % (type(e).__name__, e))
    for t in notes:
        print("note: " + t)
    print("interop: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
