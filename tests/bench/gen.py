#!/usr/bin/python3
"""Data for `make bench` (tests/bench/run.sh), in a temporary folder.

  gen.py plan  TEMPLATE OUT N NKEYS NROGUE SEED
      Writes the agreements (the sample agreement with varied titles,
      names, proceedings and dates, lengthened to 3-4 KB by six extra
      clauses), and the lists the shell workers and the measurements read:
        keys.tsv      key base, name (k### trusted, r### rogue: not trusted)
        sign.tsv      id, agreement, agreesign key, minisign/signify key,
                      claimed signing time
        manifest.jsonl  {"agreement": ..., "id": ...} per entry
        loops.tsv     agreement, key number (for the minisign/signify loops)
        altered.tsv   id, kind, agreement: the 1% that run.sh must see fail
  gen.py trust OUT
      Writes OUT/authors.trust: every k### key, roles author and co-author.
  gen.py alter OUT
      After signing: applies the alterations of altered.tsv that are not
      made at signing time (the text, an envelope field, a signature byte,
      a swapped key; "rogue-key" entries were signed by an untrusted key).

Everything is deterministic for a given SEED.
"""
import base64
import json
import os
import random
import sys
import unicodedata

FIRST = ["Inès", "Tomás", "Ada", "Zoë", "Björn", "Chiara", "Dmitri", "Eun-ji",
         "Fatima", "Giorgos", "Hana", "Ibrahim", "Jana", "Kofi", "Lea",
         "Mateo", "Nuno", "Olga", "Pál", "Qiu", "Rania", "Søren", "Thảo",
         "Ulla", "Vikram", "Wanjiru", "Xavier", "Yusuf", "Zofia", "Ömer"]
LAST = ["Marović-Saldaña", "Okonkwo", "Lovelace", "Ångström", "Nakamura",
        "Rossi", "Petrov", "Kim", "Haddad", "Papadopoulos", "Novák",
        "Mensah", "Fischer", "García López", "Silva", "Ivanova", "Szabó",
        "Chen", "Benali", "Kristiansen", "Nguyễn", "Lindqvist", "Sharma",
        "Kamau", "Dubois", "Yılmaz", "Wiśniewska", "O'Brien", "Müller",
        "Abebe"]
ADJ = ["Deterministic", "Verifiable", "Incremental", "Robust", "Scalable",
       "Private", "Lightweight", "Portable", "Long-Term", "Reproducible",
       "Distributed", "Auditable"]
NOUN = ["Signatures", "Archives", "Provenance", "Metadata", "Identifiers",
        "Preservation", "Peer Review", "Citation Graphs", "Licensing",
        "Repositories"]
FOR = ["Scholarly Agreements", "Open Proceedings", "Digital Libraries",
       "Research Software", "Small Publishers", "Conference Archives",
       "Data Journals", "Preprint Servers"]
STUDY = ["A Field Study in", "Lessons from", "A Survey of", "Ten Years of",
         "An Experiment with", "A Case for", "Notes on"]
TOPIC = ["Canonical Plain Text", "Unicode Normalization", "Offline Verification",
         "Key Management", "Trust Files", "Deterministic Builds",
         "Detached Envelopes", "Long-Lived Formats"]
VENUE = ["Verifiable Publishing", "Digital Preservation", "Open Scholarship",
         "Research Infrastructure", "Scholarly Communication",
         "Archival Science"]
ORD = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh",
       "Eighth", "Ninth", "Tenth"]

# Six more clauses in the style of the sample: they bring the agreement
# to 3-4 KB, the size the benchmark is specified for.
EXTRA = """10. Data and software. Where the article relies on data or software that the authors created, you will say in the article where they can be found and under which terms, or why they cannot be shared.
11. Archiving. The publisher will deposit the final version of the article with at least two independent long-term archives and will keep it available to everyone without charge, even if the proceedings cease to appear.
12. Corrections. If an error is found in the article after publication, either party may propose a correction notice. The publisher will publish it beside the article, and the original text will remain available.
13. Personal data. The publisher uses the names and addresses you gave only to publish the article and to administer this agreement, and keeps them no longer than that requires.
14. Costs. No fee is charged to you or to any author for the publication of the article, for its archiving or for any correction of it.
15. Translations. You may publish translations of the article elsewhere, provided that each names the original and the proceedings in which it first appeared.
"""

KINDS = ["text", "envelope-field", "signature-byte", "rogue-key", "swapped-key"]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def replace_once(text, old, new):
    if text.count(old) != 1:
        sys.exit("gen.py: the template must hold %r exactly once" % old)
    return text.replace(old, new)


def plan(template, out, n, nkeys, nrogue, seed):
    rng = random.Random(seed)
    tmpl = open(template, encoding="utf-8").read()
    replace_once(tmpl, "twelve months", "twelve months")  # for "text"
    # Insert the extra clauses after clause 9.
    i = tmpl.index("9. Notices.")
    j = tmpl.index("\n", i) + 1
    tmpl = tmpl[:j] + EXTRA + tmpl[j:]

    names = set()
    while len(names) < nkeys + nrogue:
        names.add(nfc("%s %s" % (rng.choice(FIRST), rng.choice(LAST))))
    names = sorted(names)
    rng.shuffle(names)
    keys = ["k%03d" % k for k in range(nkeys)]
    rogues = ["r%03d" % k for k in range(nrogue)]
    key_name = dict(zip(keys + rogues, names))
    with open(os.path.join(out, "keys.tsv"), "w", encoding="utf-8") as f:
        for b in keys + rogues:
            f.write("%s\t%s\n" % (b, key_name[b]))

    altered = {}
    for pos, e in enumerate(sorted(rng.sample(range(n), max(1, n // 100)))):
        altered[e] = KINDS[pos % len(KINDS)]

    day0 = 18262  # 2020-01-01 in days since the epoch
    sizes = []
    with open(os.path.join(out, "sign.tsv"), "w", encoding="utf-8") as fs, \
            open(os.path.join(out, "manifest.jsonl"), "w", encoding="utf-8") as fm, \
            open(os.path.join(out, "loops.tsv"), "w", encoding="utf-8") as fl, \
            open(os.path.join(out, "altered.tsv"), "w", encoding="utf-8") as fa:
        for e in range(n):
            ident = "%05d" % e
            rel = "a/%03d/ag-%s.txt" % (e // 100, ident)
            k = rng.randrange(nkeys)
            author = key_name[keys[k]]
            title = "%s %s for %s:\n%s %s" % (
                rng.choice(ADJ), rng.choice(NOUN), rng.choice(FOR),
                rng.choice(STUDY), rng.choice(TOPIC))
            venue = "Proceedings of the %s Workshop on %s" % (
                rng.choice(ORD), rng.choice(VENUE))
            day = day0 + rng.randrange(2500)
            date = "%04d-%02d-%02d" % civil(day)
            text = tmpl
            text = replace_once(
                text, "Deterministic Signatures for Scholarly Agreements:\n"
                "A Field Study in Canonical Plain Text", title)
            text = replace_once(text, "Inès Marović-Saldaña", author)
            text = replace_once(
                text, "Proceedings of the Workshop on Verifiable Publishing",
                venue)
            text = replace_once(text, "Date: 2026-11-20", "Date: " + date)
            text = nfc(text)
            os.makedirs(os.path.join(out, os.path.dirname(rel)), exist_ok=True)
            data = text.encode("utf-8")
            sizes.append(len(data))
            with open(os.path.join(out, rel), "wb") as f:
                f.write(data)
            signer = keys[k]
            if altered.get(e) == "rogue-key":
                signer = rogues[e % nrogue]
            when = "%04d-%02d-%02dT%02d:%02d:00Z" % (civil(day) + (
                9 + e % 9, e % 60))
            fs.write("%s\t%s\t%s\t%03d\t%s\n" % (ident, rel, signer, k, when))
            fm.write(json.dumps({"agreement": rel, "id": ident},
                                ensure_ascii=False) + "\n")
            fl.write("%s\t%03d\n" % (rel, k))
            if e in altered:
                fa.write("%s\t%s\t%s\t%03d\n" % (ident, altered[e], rel, k))
    print("gen.py: %d agreements of %d to %d bytes (mean %d), %d keys + %d "
          "untrusted, %d altered" % (n, min(sizes), max(sizes),
                                     sum(sizes) // n, nkeys, nrogue,
                                     len(altered)))


def civil(days):
    """(year, month, day) of a day count since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d)


def write_json(path, env):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(env, indent=2, ensure_ascii=False) + "\n")


def alter(out):
    keys = {}
    counts = {}
    for line in open(os.path.join(out, "keys.tsv"), encoding="utf-8"):
        base, _ = line.rstrip("\n").split("\t")
        pub = open(os.path.join(out, "keys", base + ".pub"), encoding="utf-8")
        fields = dict(l.rstrip("\n").split(": ", 1) for l in list(pub)[1:])
        keys[base] = fields
    for n, line in enumerate(open(os.path.join(out, "altered.tsv"),
                                  encoding="utf-8")):
        ident, kind, rel, k = line.rstrip("\n").split("\t")
        path = os.path.join(out, rel)
        envp = path + ".sig.json"
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "text":
            # A changed agreement: every tool must notice (the minisign and
            # signify signatures cover the same file).
            t = open(path, encoding="utf-8").read()
            t = replace_once(t, "twelve months", "eleven months")
            open(path, "w", encoding="utf-8").write(t)
        elif kind == "envelope-field":
            env = json.load(open(envp, encoding="utf-8"))
            what = n % 3
            if what == 0:
                md = env["statement"]["metadata"]
                md["title"] = md["title"] + " (revised)"
            elif what == 1:
                s = env["signatures"][0]["signer"]
                s["time"] = s["time"][:-3] + "59Z"
            else:
                env["statement"]["metadata"]["agreement_date"] = "2019-01-01"
            write_json(envp, env)
        elif kind == "signature-byte":
            env = json.load(open(envp, encoding="utf-8"))
            sig = bytearray(base64.b64decode(env["signatures"][0]["signature"]))
            sig[n % 64] ^= 1 << (n % 8)
            env["signatures"][0]["signature"] = base64.b64encode(sig).decode()
            write_json(envp, env)
        elif kind == "swapped-key":
            # Signed by key k, but the envelope names another trusted key.
            other = keys["k%03d" % ((int(k) + 1) % sum(
                1 for b in keys if b.startswith("k")))]
            env = json.load(open(envp, encoding="utf-8"))
            s = env["signatures"][0]
            s["public_key"] = other["public-key"]
            s["key_id"] = other["key-id"]
            s["signer"]["name"] = other["name"]
            write_json(envp, env)
        elif kind == "rogue-key":
            pass  # signed by an untrusted key at signing time
        else:
            sys.exit("gen.py: unknown alteration " + kind)
    print("gen.py: altered " + ", ".join(
        "%d %s" % (counts[k], k) for k in KINDS if k in counts))


def trust(out):
    """The trust file of the k### keys (the r### keys stay untrusted),
    written directly: one `agreesign trust add` per key would also work
    but fsyncs the file each time."""
    lines = ["agreesign trust v1\n"]
    for line in open(os.path.join(out, "keys.tsv"), encoding="utf-8"):
        base, name = line.rstrip("\n").split("\t")
        if not base.startswith("k"):
            continue
        pub = open(os.path.join(out, "keys", base + ".pub"), encoding="utf-8")
        fields = dict(l.rstrip("\n").split(": ", 1) for l in list(pub)[1:])
        quoted = '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')
        lines.append("%s %s roles=author,co-author\n" % (quoted,
                                                         fields["public-key"]))
    with open(os.path.join(out, "authors.trust"), "w", encoding="utf-8") as f:
        f.write("".join(lines))


def main():
    if len(sys.argv) == 8 and sys.argv[1] == "plan":
        plan(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
             int(sys.argv[6]), int(sys.argv[7]))
    elif len(sys.argv) == 3 and sys.argv[1] == "trust":
        trust(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "alter":
        alter(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
