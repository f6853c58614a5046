#!/usr/bin/python3
"""The trust store section of tests/bench/RESULTS.md, from what
tests/bench/trust.sh measured in its data folder.

  trust_report.py DATA RESULTS AGREESIGN MAX NBATCH RUNS NADD

Replaces the section "## Trust stores" of RESULTS (up to the next "## "
heading) or appends it, and prints it. Speed is reported against the
targets of issue 16, never asserted.
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_md import write_section  # noqa: E402

MARK = "## Trust stores"


def hyperfine(path):
    with open(path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def ms(r):
    return "%.2f ms ± %.2f (median %.2f)" % (r["mean"] * 1e3, r["stddev"] * 1e3, r["median"] * 1e3)


def verdict(ok):
    return "**met**" if ok else "**not met**"


def main():
    data, results, exe, top, nbatch, runs, nadd = sys.argv[1:8]
    top, nbatch = int(top), int(nbatch)
    m = {}
    with open(os.path.join(data, "measure.tsv")) as f:
        for line in f:
            k, v = line.rstrip("\n").split("\t")
            m[k] = float(v)
    v = hyperfine(os.path.join(data, "verify.json"))
    b = hyperfine(os.path.join(data, "batch.json"))
    adds = {}
    for n in (10, top):
        with open(os.path.join(data, "add.%d" % n)) as f:
            adds[n] = [int(x) / 1000 for x in f.read().split()]
    big = "{:,}".format(top)
    t10, db, db10, t100k = v["t10"], v["db"], v["db10"], v["t100k"]
    r_db = db["median"] / t10["median"]
    rate = {k: nbatch / b[k]["median"] for k in ("t10", "db")}
    r_batch = rate["db"] / rate["t10"]
    add_med, add_max = statistics.median(adds[top]), max(adds[top])
    imp_s, imp_mib = m["import_s_%d" % top], m["import_kib_%d" % top] / 1024
    list_small, list_big = m["list_kib_10000"] / 1024, m["list_kib_%d" % top] / 1024
    rows = [
        ("`verify -t STORE.db`, %s keys, one envelope (%s runs, median)" % (big, runs),
         ms(db), "%.2fx the 10-key text file" % r_db, "at most 1.5x: %s" % verdict(r_db <= 1.5)),
        ("`verify -t` with a 10-key text file (reference)", ms(t10), "1.00", ""),
        ("`verify -t STORE.db`, 10 keys", ms(db10), "%.2fx" % (db10["median"] / t10["median"]), ""),
        ("`verify -t` with a 100,000-key text file", ms(t100k),
         "%.2fx" % (t100k["median"] / t10["median"]),
         "at most 0.2 s: %s" % verdict(t100k["median"] <= 0.2)),
        ("`trust add` into the %s-key store (%s commands, whole process)" % (big, nadd),
         "median %.1f ms, max %.1f ms" % (add_med, add_max),
         "%.2fx the 10-key store (median %.1f ms)" % (add_med / statistics.median(adds[10]),
                                                    statistics.median(adds[10])),
         "under 20 ms: %s" % verdict(add_max < 20)),
        ("`trust import` of %s keys into a new store" % big,
         "%.1f s, peak RSS %.0f MiB" % (imp_s, imp_mib), "",
         "under 60 s and 256 MiB: %s" % verdict(imp_s < 60 and imp_mib < 256)),
        ("`trust list` peak RSS, 10,000 keys vs %s" % big,
         "%.1f MiB vs %.1f MiB (%.1f s vs %.1f s)" % (list_small, list_big, m["list_s_10000"],
                                                     m["list_s_%d" % top]),
         "%.2fx" % (list_big / list_small), "flat: %s" % verdict(list_big <= 1.25 * list_small)),
        ("`verify --batch`, %d envelopes by 10 signers, 3 runs (median)" % nbatch,
         "%.0f /s with the %s-key store, %.0f /s with the 10-key text file" % (rate["db"], big, rate["t10"]),
         "%.3fx" % r_batch, "within 10%%: %s" % verdict(abs(1 - r_batch) <= 0.10)),
    ]
    ver = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip().split("\n")[0]
    sql = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split(" ")[:1]
    load = open("/proc/loadavg").read().split()[:3]
    out = [MARK, "",
           "`make bench BENCH=trust` (tests/bench/trust.sh) wrote this section on %s UTC: %s, "
           "%s, %d cores, load average %s at the end%s. Stores and trust files were generated "
           "for the run (tests/bench/gen_trust.py: keys [s + i]B, one point addition each; "
           "the %s-key text file in %.1f s) and deleted after it. Ratios are medians measured "
           "side by side in this run (hyperfine); nothing here is asserted."
           % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), ver, platform.platform(terse=True),
              os.cpu_count(), " ".join(load), (", sqlite3 " + sql[0]) if sql and sql[0] else "",
              big, m.get("gen_s_%d" % top, 0) / 1000),
           "",
           "| Measurement | Result | Ratio | Target (issue 16) |",
           "| --- | --- | --- | --- |"]
    out += ["| %s | %s | %s | %s |" % r for r in rows]
    out += ["", "Imports: " + ", ".join(
        "%s keys %.1f s / %.0f MiB" % ("{:,}".format(n), m["import_s_%d" % n], m["import_kib_%d" % n] / 1024)
        for n in sorted(int(k.split("_")[-1]) for k in m if k.startswith("import_s_"))) +
        "; the %s-key store is %.0f MiB on disk." % (big, m["db_bytes_%d" % top] / 2 ** 20), ""]
    write_section(results, MARK, "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
