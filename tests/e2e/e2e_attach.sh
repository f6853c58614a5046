#!/usr/bin/env bash
# Bound paper files: each way a file can differ is reported, and a large
# file is hashed in constant memory (peak RSS measured, well below 16 MiB).
# Usage: tests/e2e/e2e_attach.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

status_of() { # status_of NAME: the attachment's status in verify --json
	"$A" verify --json -t "$K/demo.trust" agr.txt 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print([a["status"] for a in d["attachments"] if a["name"]==sys.argv[1]][0], d["verified"])' "$1"
}

cp "$S" agr.txt
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
# --require-attachments (spec 10.3): the missing file fails the verdict,
# with the reason in text, JSON and a batch line; one present is not enough
expect 1 "$A" verify -t "$K/demo.trust" --require-attachments agr.txt
has "$T/out" "attachment paper.pdf: missing"
has "$T/out" 'NOT VERIFIED: attachment "paper.pdf" is missing'
expect 1 "$A" verify --json -t "$K/demo.trust" --require-attachments agr.txt
json 'd["verified"] is False and d["result"] == "not-verified" and d["reason"] == "attachment \"paper.pdf\" is missing" and [a["status"] for a in d["attachments"]] == ["missing", "verified"] and all(s["result"] == "valid" for s in d["signatures"])'
printf '{"agreement": "agr.txt", "id": "one"}\n' >req.jsonl
expect 1 "$A" verify -t "$K/demo.trust" --require-attachments --batch req.jsonl
json 'd["id"] == "one" and d["result"] == "not-verified" and d["reason"] == "attachment \"paper.pdf\" is missing"'
expect 0 "$A" verify -t "$K/demo.trust" --batch req.jsonl
json 'd["result"] == "verified" and d["attachments"][0]["status"] == "missing"'
# every file present: verified; a changed one still says "changed"
cp keep.pdf paper.pdf
expect 0 "$A" verify -t "$K/demo.trust" --require-attachments agr.txt
echo changed >supp.csv
expect 1 "$A" verify --json -t "$K/demo.trust" --require-attachments agr.txt
json 'd["reason"] == "attachment \"supp.csv\" has changed"'
printf 'supplementary data\n' >supp.csv
# the first attachment that fails, in the statement's order, says why
rm paper.pdf && echo changed >supp.csv
expect 1 "$A" verify --json -t "$K/demo.trust" --require-attachments agr.txt
json 'd["reason"] == "attachment \"paper.pdf\" is missing"'
printf 'supplementary data\n' >supp.csv
# an envelope without attachments has none to miss
"$A" sign -k "$K/demo-author.key" -o none.sig.json agr.txt 2>/dev/null
expect 0 "$A" verify -t "$K/demo.trust" --require-attachments -e none.sig.json agr.txt
mkdir elsewhere && cp keep.pdf elsewhere/paper.pdf
"$A" verify -t "$K/demo.trust" --attach-dir elsewhere agr.txt >out 2>&1
grep -q "attachment paper.pdf: verified" out && ok || bad "--attach-dir: $(cat out)"

# Each shape the file system can put in the attachment's place (spec
# 10.3): nothing is followed, opened unless regular, or read unless its
# size is the signed length. Seen alike in text, --json, a batch line and
# the HTML report. timeout: the old code hashed a sparse terabyte for hours.
shape_statuses() { # the status in each output; verify exits 1 in each
	local t j b h
	rm -f r.html # each shape gets a page of its own, never a stale one
	t=$(timeout 60 "$A" verify -t "$K/demo.trust" --report r.html agr.txt)
	[ $? = 1 ] || echo "text-exit"
	j=$(timeout 60 "$A" verify --json -t "$K/demo.trust" agr.txt | /usr/bin/python3 -c \
		'import json,sys; d=json.load(sys.stdin); print(d["attachments"][0]["status"], d["verified"])')
	b=$(echo '{"agreement": "agr.txt"}' | timeout 60 "$A" verify -t "$K/demo.trust" --batch - 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["attachments"][0]["status"], d["result"])')
	h=$(grep -o '<tr><th>Attached file paper.pdf</th><td>[^<]*</td>' r.html)
	echo "$(grep '^attachment paper.pdf:' <<<"$t") | $j | $b | $h"
}
CHANGED='attachment paper.pdf: changed | changed False | changed not-verified | <tr><th>Attached file paper.pdf</th><td>CHANGED since it was signed (changed)</td>'
cp keep.pdf paper.pdf
"$A" sign -k "$K/demo-author.key" --force --attach paper.pdf agr.txt 2>/dev/null
rm paper.pdf
ln -s nowhere.pdf paper.pdf
[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "dangling link: $(shape_statuses)"
rm paper.pdf && ln -s paper.pdf paper.pdf
[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "link loop: $(shape_statuses)"
rm paper.pdf && ln -s elsewhere/paper.pdf paper.pdf
[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "link to a good copy: $(shape_statuses)"
rm paper.pdf && mkfifo paper.pdf
[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "FIFO: $(shape_statuses)"
rm paper.pdf && mkdir paper.pdf
[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "folder: $(shape_statuses)"
rmdir paper.pdf
sparse=""
for size in 1T 64G 4G; do
	rm -f paper.pdf
	truncate -s "$size" paper.pdf 2>/dev/null && sparse=$size && break
done
if [ -n "$sparse" ]; then
	[ "$(shape_statuses)" = "$CHANGED" ] && ok || bad "sparse $sparse: $(shape_statuses)"
	# Adding a signature checks the attachments first: refused at once.
	timeout 60 "$A" sign -k "$K/demo-coauthor.key" --append --role co-author agr.txt 2>err
	[ $? = 2 ] && grep -q "paper.pdf: attached file has changed" err && ok || bad "sign --append, sparse: $(cat err)"
	timeout 60 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" agr.txt 2>err
	[ $? = 2 ] && grep -q "paper.pdf: attached file has changed" err && ok || bad "countersign, sparse: $(cat err)"
else
	echo "e2e_attach: note: no sparse file of 4 GiB or more can be made here: sparse case skipped"
fi
rm -f paper.pdf
cp keep.pdf paper.pdf
[ "$(status_of paper.pdf)" = "verified True" ] && ok || bad "good copy again: $(status_of paper.pdf)"

# An --attach-dir that does not exist or is a file: a usage error, exit 2,
# one line, nothing on stdout; for one agreement and for a batch.
echo '{"agreement": "agr.txt"}' >m.jsonl
for d in no-such-dir agr.txt; do
	for args in "agr.txt" "--json agr.txt" "--batch m.jsonl"; do
		# shellcheck disable=SC2086
		"$A" verify -t "$K/demo.trust" --attach-dir "$d" $args >out 2>err
		rc=$?
		[ $rc = 2 ] && [ ! -s out ] && [ "$(wc -l <err)" = 1 ] &&
			grep -qE "^agreesign: $d: --attach-dir( is not a folder|: No such file or directory)$" err &&
			ok || bad "--attach-dir $d $args: exit $rc, $(cat out err)"
	done
done

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

finish attach
