#!/usr/bin/python3
"""Turns the measurements of tests/bench/run.sh into one table, prints it
and writes tests/bench/RESULTS.md (the table, the machine, the checks,
the profile and how everything was measured).

  report.py DATADIR RESULTS.md AGREESIGN NKEYS
"""
import base64
import json
import os
import platform
import re
import subprocess
import sys
import time

D, OUT, AGREESIGN, NKEYS = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def path(name):
    return os.path.join(D, name)


def kv(name):
    out = {}
    if os.path.exists(path(name)):
        for line in open(path(name), encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def hyperfine(name):
    """{command name: (mean s, stddev s, runs)} of a hyperfine export."""
    res = {}
    for r in json.load(open(path(name)))["results"]:
        res[r["command"]] = (r["mean"], r.get("stddev") or 0.0, len(r["times"]))
    return res


def rss_kib(name):
    return int(open(path(name)).read().split()[-1])


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model():
    for line in open("/proc/cpuinfo", encoding="utf-8", errors="replace"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def pkgver(p):
    return sh("dpkg-query -W -f='${Version}' %s 2>/dev/null" % p) or "?"


env = kv("env.txt")
raw = kv("raw.txt")
single = int(env["single_bytes"])
n = int(raw["signatures"])

rows = []  # (section, tool, result, ratio, target)
verdicts = []


def target(ok, text):
    verdicts.append((text, ok))
    return "%s: **%s**" % (text, "met" if ok else "MISSED")


def ms(t):
    return "%.2f ms ± %.2f" % (t[0] * 1e3, t[1] * 1e3)


# Single verify and sign.
for kind, fname, ours in (("verify", "h-verify.json", "agreesign verify -p KEY.pub"),
                          ("sign", "h-sign.json", "agreesign sign")):
    h = hyperfine(fname)
    ref = [k for k in h if k.startswith("minisign")][0]
    sec = "single %s, one process, %d-byte agreement, mean of %d runs" % (
        kind, single, h[ref][2])
    order = [ref] + [k for k in h if k.startswith("signify")] + \
        [k for k in h if k.startswith("agreesign")]
    for k in order:
        ratio = h[k][0] / h[ref][0]
        tgt = ""
        if k == ours:
            tgt = target(ratio <= 1.0, "at most 1.00x minisign")
        rows.append((sec, k, ms(h[k]),
                     "1.00 (reference)" if k == ref else "%.2fx minisign" % ratio,
                     tgt))

# Batch.
hb = hyperfine("h-batch.json")
hl = hyperfine("h-loops.json")
rate_raw = float(raw["rate"])
sec = "batch verification of %d entries (entries/s, whole command)" % n
rows.append((sec, "raw libsodium loop (crypto_sign_verify_detached only, 1 core)",
             "%.0f /s" % rate_raw, "1.00 (reference)", ""))
rates = {}
for k, v in list(hb.items()) + list(hl.items()):
    rates[k] = n / v[0]
j1 = rates.get("agreesign --jobs 1")
for k in [k for k in hb if k.startswith("agreesign")] + \
        [k for k in hb if not k.startswith("agreesign")] + list(hl):
    r = rates[k]
    ratio = "%.2fx raw" % (r / rate_raw)
    tgt = ""
    if k == "agreesign --jobs 1":
        tgt = target(r / rate_raw >= 0.5, "at least 0.50x raw")
    elif k == "agreesign --jobs 2":
        ratio += ", %.2fx --jobs 1" % (r / j1)
        tgt = target(r / j1 >= 1.8, "at least 1.80x --jobs 1")
    elif k.startswith("agreesign"):
        ratio += ", %.2fx --jobs 1" % (r / j1)
    runs = (hb.get(k) or hl.get(k))[2]
    rows.append((sec, k + ("" if runs > 1 else " (1 run)"), "%.0f /s" % r, ratio, tgt))

# Attachment.
ha = hyperfine("h-attach.json")
big = int(env["big_bytes"])
sec = "attachment of %d MiB (warm page cache), mean of %d runs" % (
    big >> 20, ha["sha512sum"][2])
tp = {k: big / v[0] / 1e6 for k, v in ha.items()}
rows.append((sec, "sha512sum", "%.0f MB/s" % tp["sha512sum"], "1.00 (reference)", ""))
k = "agreesign verify (attachment)"
rows.append((sec, k, "%.0f MB/s" % tp[k], "%.2fx sha512sum" % (tp[k] / tp["sha512sum"]),
             target(tp[k] / tp["sha512sum"] >= 0.9, "at least 0.90x sha512sum")))
r_a, r_s = rss_kib("rss-attach-agreesign.txt"), rss_kib("rss-attach-sha512sum.txt")
rows.append((sec, "sha512sum, peak RSS", "%.1f MiB" % (r_s / 1024), "", ""))
rows.append((sec, "agreesign verify, peak RSS", "%.1f MiB" % (r_a / 1024),
             "%.2fx sha512sum" % (r_a / r_s), target(r_a < 16 * 1024, "under 16 MiB")))

# Passphrase signing: the KDF each tool's default key file holds.
kdf = {}
try:
    f = dict(l.rstrip("\n").split(": ", 1) for l in list(open(path("pp.key")))[1:])
    kdf["agreesign"] = "Argon2id, t=%s, m=%d MiB, p=1" % (
        f["kdf-opslimit"], int(f["kdf-memlimit"]) >> 20)
except (OSError, KeyError, ValueError):
    kdf["agreesign"] = "?"
try:
    b = base64.b64decode(open(path("pp-minisign.key")).read().splitlines()[1])
    ops = int.from_bytes(b[38:46], "little")
    mem = int.from_bytes(b[46:54], "little")
    kdf["minisign"] = "%s, opslimit=%d, m=%d MiB" % (
        "scrypt" if b[2:4] == b"Sc" else b[2:4].decode(), ops, mem >> 20)
except (OSError, IndexError, ValueError):
    kdf["minisign"] = "?"
try:
    b = base64.b64decode(open(path("pp-signify.sec")).read().splitlines()[1])
    kdf["signify"] = "bcrypt_pbkdf, %d rounds" % int.from_bytes(b[4:8], "big")
except (OSError, IndexError, ValueError):
    kdf["signify"] = "?"
hp = hyperfine("h-pass.json")
sec = "signing with a passphrase-protected key (default KDF cost), mean of %d runs" % (
    list(hp.values())[0][2])
ref = "minisign -S (password)"
for k, tool in ((ref, "minisign"), ("signify -S (passphrase)", "signify"),
                ("agreesign sign (passphrase)", "agreesign")):
    rss = rss_kib("rss-pass-%s.txt" % tool)
    rows.append((sec, "%s [%s]" % (k, kdf[tool]),
                 "%.2f s ± %.2f, peak RSS %.0f MiB" % (hp[k][0], hp[k][1], rss / 1024),
                 "1.00 (reference)" if k == ref else "%.2fx minisign time, %.2fx RSS" % (
                     hp[k][0] / hp[ref][0], rss / rss_kib("rss-pass-minisign.txt")),
                 ""))

# The table.
table = ["| Measurement | Tool | Result | Ratio | Target |",
         "| --- | --- | --- | --- | --- |"]
last = None
for sec, tool, res, ratio, tgt in rows:
    table.append("| %s | %s | %s | %s | %s |" % (sec if sec != last else "", tool, res,
                                                 ratio, tgt))
    last = sec
table = "\n".join(table)

machine = [
    ("CPU", cpu_model()),
    ("cores (nproc)", str(len(os.sched_getaffinity(0)))),
    ("kernel", " ".join(platform.uname()[i] for i in (0, 2))),
    ("memory", "%.1f GiB" % (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
    ("OS", sh(". /etc/os-release && echo \"$PRETTY_NAME\"")),
    ("libsodium", sh("pkg-config --modversion libsodium")),
    ("jansson / utf8proc", "%s / %s" % (sh("pkg-config --modversion jansson"),
                                        sh("pkg-config --modversion libutf8proc"))),
    ("agreesign", sh("%s --version | head -1" % AGREESIGN) + ", built with -O2"),
    ("minisign / signify-openbsd", "%s / %s" % (pkgver("minisign"), pkgver("signify-openbsd"))),
    ("python3 / PyNaCl", "%s / %s" % (platform.python_version(), pkgver("python3-nacl"))),
    ("hyperfine", sh("hyperfine --version")),
    ("priority", "nice %s%s" % (env.get("nice", "?"), (
        " (BENCH_NICE, %s: the machine was shared)" % env.get("autogroup", "no autogroup"))
        if env.get("nice", "0") != "0" else "")),
    ("load average (1, 5, 15 min)", "%s at the start, %s at the end" % (
        env.get("load_start", "?"), env.get("load_end", "?"))),
    ("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
]
machine_md = "\n".join(["| | |", "| --- | --- |"] +
                       ["| %s | %s |" % m for m in machine])

checks = open(path("checks.txt"), encoding="utf-8").read().strip().splitlines()


def profile():
    """Shares of the samples of verify --batch --jobs 1, from perf."""
    p = path("perf-children.txt")
    if not os.path.exists(p):
        return "(perf was not available: no profile.)"

    def table(name, pattern):
        out = {}
        for line in open(path(name), encoding="utf-8", errors="replace"):
            m = re.match(pattern, line)
            if m:
                out[m.group(2)] = out.get(m.group(2), 0.0) + float(m.group(1))
        return out

    incl = table("perf-children.txt", r"\s+([\d.]+)%\s+[\d.]+%\s+\[.\]\s+(\S+)")
    self_ = table("perf-self.txt", r"\s+([\d.]+)%\s+\[.\]\s+(\S+)")
    dso = table("perf-dso.txt", r"\s+([\d.]+)%\s+(\S+)")

    def get(*names):
        return max((incl.get(n, 0.0) for n in names), default=0.0)

    malloc = sum(self_.get(n, 0.0) for n in (
        "_int_malloc", "_int_free", "malloc", "cfree@GLIBC_2.2.5", "free",
        "malloc_consolidate", "unlink_chunk.constprop.0", "_int_realloc",
        "realloc", "calloc"))
    rows = [
        ("worker thread, all (ags_verify_item_line)", get("ags_verify_item_line", "ags_verify_item")),
        ("&nbsp;&nbsp;read the agreement and envelope files (ags_file_read)", get("ags_file_read")),
        ("&nbsp;&nbsp;canonical text (ags_canon_text)", get("ags_canon_text")),
        ("&nbsp;&nbsp;parse the envelope (ags_envelope_load_known)", get("ags_envelope_load_known", "ags_envelope_load")),
        ("&nbsp;&nbsp;&nbsp;&nbsp;of which reading its JSON (ags_json_parse)", get("ags_json_parse")),
        ("&nbsp;&nbsp;verify (ags_verify: digest, signed message, Ed25519)", get("ags_verify")),
        ("&nbsp;&nbsp;&nbsp;&nbsp;of which writing the signed message (ags_signed_message)", get("ags_signed_message")),
        ("&nbsp;&nbsp;result line (ags_report_line)", get("ags_report_line")),
        ("main thread: batch loop (drive)", get("drive", "ags_batch_run_lines")),
        ("&nbsp;&nbsp;print each result (emit)", get("emit")),
        ("main thread: load the trust file (ags_trust_load)", get("ags_trust_load")),
        ("freeing JSON values, all callers (json_delete)", get("json_delete")),
        ("public-key subgroup checks, all callers", get("crypto_core_ed25519_is_valid_point")),
        ("SHA-512, all callers (crypto_hash_sha512)", get("crypto_hash_sha512")),
        ("malloc and free (self time)", malloc),
        ("system calls (kernel)", get("entry_SYSCALL_64_after_hwframe")),
    ]
    lines = ["| where (inclusive) | share of samples |", "| --- | --- |"]
    lines += ["| %s | %.1f%% |" % (label, v) for label, v in rows if v > 0]
    by = ", ".join("%s %.1f%%" % (k, v) for k, v in sorted(dso.items(), key=lambda kv: -kv[1])
                   if v >= 0.5)
    return "\n".join(lines) + ("\n\nBy library (self time): " + by + ". libsodium's own "
                               "functions are stripped, so Ed25519 verification is not "
                               "named: it is most of libsodium's share, inside ags_verify.")


profile_md = profile()
met = sum(1 for _, ok in verdicts if ok)

md = """# agreesign benchmark results

`make bench` (tests/bench/run.sh) wrote this file; run it again to
replace it. It compares agreesign with the tools an author, a publisher
or an archive would otherwise use, on data it generates for the run, and
prints the table below. Speed is reported, never asserted: only the
correctness checks can make the run fail.

## Machine

{machine}

## Results

{table}

Targets met: {met} of {ntargets}.

## Correctness checks (the run fails when one fails)

{checks}

## Where the time of `verify --batch --jobs 1` goes (perf, DWARF call graphs)

{profile}

## What was measured, and how

**Data.** A fresh temporary folder per run (deleted afterwards). The
agreements are `spec/vectors/agreements/sample-agreement.txt` used as a
template: six more clauses in the same style bring it to 3-4 KB, and
each copy gets its own title, corresponding author, proceedings and date
(names with non-ASCII letters; all text already in text/v1 canonical
form). {nkeys} authors each have an agreesign key (`keygen --no-passphrase`),
a minisign key and a signify key; every agreement is signed by its
author's key with all three tools (`xargs -P nproc`). The trust file lists
the {nkeys} agreesign keys. A known 1% of the entries, chosen at random
with a fixed seed, is then altered in five ways in equal numbers: the
agreement text changed after signing (one word), an envelope field
changed (title, claimed time or date), one signature bit flipped, signed
by a key that is not in the trust file, and the envelope naming another
trusted author's key. The manifest is JSON Lines with an `id` per entry.

**Single sign and verify** (hyperfine, warm-up 20, one process per run,
output discarded): the same agreement for every tool. agreesign verifies
with `-p KEY.pub` (and, for comparison, with `-t` and the trust file of
all keys), minisign with `-V -p`, signify with `-V -p -x`. Signing uses
unencrypted keys for all three (agreesign `--no-passphrase`, minisign
`-W`, signify `-n`). Each tool writes a new signature file every run
(hyperfine's `--prepare` removes the last one), as an author signing
does: agreesign writes it atomically and, being new, does not fsync it
(README, "Files and crashes"); minisign and signify never fsync. The
`--force` row replaces an existing envelope, which agreesign fsyncs
before the rename.

**Batch verification** (hyperfine, warm-up 1, warm page cache): the
rate is entries divided by the whole command's wall time (process start,
trust file, output included). `agreesign verify --batch manifest.jsonl -t
TRUST --jobs N` writes its JSON Lines to a file; the minisign and signify
loops are `while read` shell loops starting one verifier per file with the
author's key file (`tests/bench/loop.sh`); the PyNaCl script
(`tests/bench/pynacl_verify.py`) does the same work as agreesign in one
process: read the agreement, hash its bytes (it assumes canonical text),
parse the envelope, compare digest and length, look the key up in the
trust file (name and role), rebuild the signed message (prefix, NUL, JCS
via `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`), check the key's subgroup once per key, verify. It
does less than agreesign: no canonicalization (its input is already
canonical), no strict check of every envelope field, no JSON result per
entry, and it hashes with OpenSSL's SHA-512 (hashlib). The
raw libsodium loop (`tests/bench/raw_verify.c`) builds every signed
message with the library first, untimed, then times only
`crypto_sign_verify_detached` over all of them in memory on one core,
best of several passes: the physical limit. Every verifier's output is
checked against the list of altered entries (above).

**Attachment**: a file of random bytes is bound with `sign --attach`;
`agreesign verify -p KEY.pub AGREEMENT` then re-hashes it (found beside
the agreement), against `sha512sum FILE`; throughput is the file size
over the mean wall time (hyperfine, warm-up 1, so from the page cache);
peak RSS is GNU time's `%M`.

**Passphrase-protected signing**: each tool with the key-derivation cost
its key generation uses by default (read from the key files above).
agreesign reads the passphrase with `--passphrase-file`; minisign and
signify have no such option and read it from the terminal or, when there
is none, from standard input, so they run under `setsid` with the
password on standard input (hyperfine's shell start-up is subtracted).
agreesign's default Argon2id cost (3 passes over 256 MiB, libsodium's
MODERATE) is specified with its reasons in spec/agreesign-v1.md section
8.3 ("Default cost"): an author signs a few times a year, so about a
second per signature is cheap for them, while it makes every guess of an
attacker who stole the `.key` file as expensive. minisign's scrypt uses
1 GiB and signify's bcrypt_pbkdf little memory, hence the RSS column.

**Caveat**: the machine may be shared (see the load average above); the
numbers of one run are one sample. Ratios between tools measured in the
same run are more stable than the absolute values.
""".format(machine=machine_md, table=table, met=met, ntargets=len(verdicts),
           checks="\n".join("- " + c for c in checks), profile=profile_md,
           nkeys=NKEYS)

print()
print(table)
print()
print("Targets met: %d of %d." % (met, len(verdicts)))
with open(OUT, "w", encoding="utf-8") as f:
    f.write(md)
print("bench: wrote %s" % OUT)
