#!/usr/bin/env bash
# Bound paper files: each way a file can differ is reported, and a large
# file is hashed in constant memory (peak RSS measured, well below 16 MiB).
set -uo pipefail
A=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=$ROOT/keys
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
status_of() { # status_of NAME: the attachment's status in verify --json
	"$A" verify --json -t "$K/demo.trust" agr.txt 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print([a["status"] for a in d["attachments"] if a["name"]==sys.argv[1]][0], d["verified"])' "$1"
}

cp "$ROOT/spec/vectors/agreements/sample-agreement.txt" agr.txt
head -c 100000 /dev/urandom >paper.pdf
printf 'supplementary data\n' >supp.csv
"$A" sign -k "$K/demo-author.key" --attach paper.pdf --attach supp.csv agr.txt 2>/dev/null
[ "$(status_of paper.pdf)" = "verified True" ] && ok || bad "fresh: $(status_of paper.pdf)"
cp paper.pdf keep.pdf

# one byte changed, truncated, replaced by another file, missing
/usr/bin/python3 -c 'import sys; b=bytearray(open("paper.pdf","rb").read()); b[5000]^=1; open("paper.pdf","wb").write(b)'
[ "$(status_of paper.pdf)" = "changed False" ] && ok || bad "one byte: $(status_of paper.pdf)"
head -c 99999 keep.pdf >paper.pdf
[ "$(status_of paper.pdf)" = "changed False" ] && ok || bad "truncated: $(status_of paper.pdf)"
cp supp.csv paper.pdf
[ "$(status_of paper.pdf)" = "changed False" ] && ok || bad "replaced: $(status_of paper.pdf)"
rm paper.pdf
[ "$(status_of paper.pdf)" = "missing True" ] && ok || bad "missing: $(status_of paper.pdf)"
mkdir elsewhere && cp keep.pdf elsewhere/paper.pdf
"$A" verify -t "$K/demo.trust" --attach-dir elsewhere agr.txt >out 2>&1
grep -q "attachment paper.pdf: verified" out && ok || bad "--attach-dir: $(cat out)"

# A second file of the same name, a directory, a FIFO cannot be attached.
"$A" sign -k "$K/demo-author.key" --force --attach supp.csv --attach elsewhere/../supp.csv agr.txt 2>err
[ $? = 2 ] && grep -q "already attached" err && ok || bad "same name twice: $(cat err)"
mkfifo pipe
timeout 10 "$A" sign -k "$K/demo-author.key" --force --attach pipe agr.txt 2>err
[ $? = 2 ] && grep -q "not a regular file" err && ok || bad "FIFO: $(cat err)"

# A large file: signing and verifying hash it in fixed-size chunks.
MB=${AGS_ATTACH_TEST_MB:-300}
head -c $((MB * 1024 * 1024)) /dev/zero | tr '\0' 'x' >big.bin
/usr/bin/python3 - "$A" "$K" "$MB" <<'PY' && ok || bad "large attachment"
import resource, subprocess, sys
a, k, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
def run(*args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run([a, *args], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p, peak  # KiB: the largest child so far
p, peak = run("sign", "-k", k + "/demo-author.key", "--force", "-o", "big.sig.json",
              "--attach", "big.bin", "agr.txt")
assert p.returncode == 0, p.stderr
p, peak2 = run("verify", "-t", k + "/demo.trust", "-e", "big.sig.json", "agr.txt")
assert p.returncode == 0 and "attachment big.bin: verified" in p.stdout, p.stdout
peak = max(peak, peak2)
print("large attachment: %d MiB, peak RSS %.1f MiB" % (mb, peak / 1024))
import os
if os.environ.get("AGS_SANITIZED"):
    print("large attachment: sanitizer build or valgrind run, RSS bound not checked")
else:
    assert peak < 16 * 1024, "peak RSS %d KiB" % peak
PY

echo "attach: $pass passed, $fail failed"
[ "$fail" = 0 ]
