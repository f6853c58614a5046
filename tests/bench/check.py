#!/usr/bin/python3
"""The benchmark's correctness check: every verifier must flag exactly the
entries gen.py altered, and nothing else.

  check.py DIR N

Reads DIR/altered.tsv and the outputs of the timed runs:
  out-j*.jsonl   agreesign verify --batch (one JSON result per entry, in
                 order; all --jobs values must give identical output)
  py.tsv         pynacl_verify.py (id, result)
  minisign.fail, signify.fail   paths the loops could not verify
  raw.txt        raw_verify (valid signatures)
Writes DIR/checks.txt (one line per check) and exits 1 when any fails.
"""
import glob
import json
import os
import sys


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    altered = {}
    paths = {}
    for line in open(os.path.join(d, "altered.tsv"), encoding="utf-8"):
        ident, kind, rel, _ = line.rstrip("\n").split("\t")
        altered[ident] = kind
        paths[ident] = rel
    want = set(altered)
    text_changed = {paths[i] for i, k in altered.items() if k == "text"}
    # Entries whose signature no longer matches its (rebuilt) message.
    bad_sig = {i for i, k in altered.items()
               if k in ("envelope-field", "signature-byte", "swapped-key")}
    lines, ok = [], True

    def report(good, what):
        nonlocal ok
        ok = ok and good
        lines.append("%s: %s" % ("ok" if good else "FAILED", what))

    outs = sorted(glob.glob(os.path.join(d, "out-j*.jsonl")))
    first = None
    for path in outs:
        name = os.path.basename(path)
        rows = [json.loads(l) for l in open(path, encoding="utf-8")]
        flagged = {r["id"] for r in rows if not r["verified"]}
        in_order = [r["line"] for r in rows] == list(range(1, n + 1))
        reasons = sorted({r.get("result") for r in rows if not r["verified"]})
        report(len(rows) == n and in_order,
               "%s: %d results, in manifest order" % (name, len(rows)))
        report(flagged == want,
               "%s: flags exactly the %d altered entries (%d flagged, "
               "%d missed, %d wrongly flagged; results %s)" % (
                   name, len(want), len(flagged), len(want - flagged),
                   len(flagged - want), ",".join(reasons)))
        data = open(path, "rb").read()
        if first is None:
            first = (name, data)
        else:
            report(data == first[1], "%s is identical to %s" % (name, first[0]))

    py = dict(l.rstrip("\n").split("\t") for l in open(os.path.join(d, "py.tsv"),
                                                       encoding="utf-8"))
    pyflag = {i for i, r in py.items() if r != "verified"}
    report(len(py) == n and pyflag == want,
           "PyNaCl script: %d results, flags exactly the %d altered entries "
           "(%d flagged)" % (len(py), len(want), len(pyflag)))

    for tool in ("minisign", "signify"):
        p = os.path.join(d, tool + ".fail")
        fails = {l.rstrip("\n") for l in open(p, encoding="utf-8")}
        report(fails == text_changed,
               "%s loop: flags exactly the %d agreements whose text changed "
               "(%d flagged)" % (tool, len(text_changed), len(fails)))

    raw = dict(l.strip().split("=", 1) for l in open(os.path.join(d, "raw.txt")))
    report(int(raw["signatures"]) == n and int(raw["valid"]) == n - len(bad_sig),
           "raw libsodium loop: %s of %s signatures valid (%d altered "
           "signatures or signed fields)" % (raw["valid"], raw["signatures"],
                                             len(bad_sig)))

    with open(os.path.join(d, "checks.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not ok:
        print("bench: CHECK FAILED: the results above are not the expected "
              "ones", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
