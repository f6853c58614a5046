#!/usr/bin/env bash
# verify --batch: a few hundred entries mixing every kind of failure give
# one result each, in input order, the same for every --jobs, equal to
# what a single verify says; a manifest sharded with GNU parallel gives
# the same results as one batch.
# Usage: tests/e2e/e2e_batch.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# N entries (300; 60 under valgrind and the sanitizers, where each of the
# N signs and N single verifies below pays their start-up, and 60 still
# hold every kind ten times): kind = i % 6.
N=300
[ -n "${AGS_SANITIZED:-}" ] && N=60
mkdir -p a
: >manifest.jsonl
: >expected
for i in $(seq 1 "$N"); do
	f=a/agreement-$i.txt
	if [ $((i % 50)) = 7 ]; then
		echo '{"agreement": 5}' >>manifest.jsonl
		echo "x error" >>expected
	fi
	sed "s/Deterministic Signatures/Deterministic Signatures $i/" "$S" >"$f"
	k=$((i % 6))
	case $k in
	0 | 1) key=demo-author ;;
	2) key=demo-author ;;
	3) key=demo-publisher ;;
	*) key=demo-author ;;
	esac
	SOURCE_DATE_EPOCH=$((1795000000 + i)) "$A" sign -k "$K/$key.key" "$f" 2>/dev/null
	case $k in
	0 | 1) echo "$i verified" >>expected ;;
	2) sed -i 's/twelve months/eleven months/' "$f"; echo "$i not-verified" >>expected ;;
	3) echo "$i not-verified" >>expected ;; # publisher key signs as author: wrong role
	4) rm "$f"; echo "$i error" >>expected ;;
	5) head -c 100 "$f.sig.json" >"$f.sig.json.tmp" && mv "$f.sig.json.tmp" "$f.sig.json"; echo "$i error" >>expected ;;
	esac
	printf '{"agreement": "%s", "id": "entry %d"}\n' "$f" "$i" >>manifest.jsonl
done
echo 'not json at all' >>manifest.jsonl
echo "x error" >>expected
printf '\n\n' >>manifest.jsonl # blank lines are not entries

"$A" verify --batch manifest.jsonl -t "$K/demo.trust" --jobs 1 >out1 2>err1
rc=$?
[ "$rc" = 1 ] && ok || bad "batch exit $rc, wanted 1"
"$A" verify --batch manifest.jsonl -t "$K/demo.trust" --jobs 4 >out4 2>err4
cmp -s out1 out4 && ok || bad "--jobs 1 and --jobs 4 differ"
"$A" verify --batch - -t "$K/demo.trust" --jobs 2 <manifest.jsonl >outstdin 2>/dev/null
cmp -s out1 outstdin && ok || bad "stdin manifest differs"
count() { grep -c " $1\$" expected; }
summary="agreesign: batch: $(wc -l <expected) entries: $(count verified) verified, $(count not-verified) not verified, $(count error) errors"
[ "$N" = 60 ] || [ "$summary" = 'agreesign: batch: 307 entries: 100 verified, 100 not verified, 107 errors' ] ||
	bad "the expected counts are wrong: $summary"
grep -qF "$summary" err1 && ok || bad "summary: $(cat err1), wanted $summary"

# Each line: in order, the expected result, and (for entries that could be
# checked) exactly what a single verify --json says, plus line and id.
$PY - "$A" "$K/demo.trust" <<'PY' && ok || bad "batch lines do not match"
import json, subprocess, sys
agreesign, trust = sys.argv[1], sys.argv[2]
out = [json.loads(l) for l in open("out1", encoding="utf-8")]
exp = [l.split() for l in open("expected")]
assert len(out) == len(exp), (len(out), len(exp))
lines = [l for l in open("manifest.jsonl")]
for o, (tag, want) in zip(out, exp):
    assert o["result"] == want, (o, want)
    src = lines[o["line"] - 1]
    if tag == "x":
        assert o["agreement"] is None and o["reason"], o
        continue
    assert o["id"] == "entry " + tag, o
    assert o["agreement"] == "a/agreement-%s.txt" % tag, o
    single = subprocess.run([agreesign, "verify", "--json", "-t", trust, o["agreement"]],
                            capture_output=True, text=True)
    s = json.loads(single.stdout)
    s.update(line=o["line"], id=o["id"])
    assert s == o, (s, o)
    assert single.returncode == {"verified": 0, "not-verified": 1, "error": 2}[want]
print("checked", len(out))
PY

# A folder is walked for *.sig.json, in sorted order.
"$A" verify --batch a -t "$K/demo.trust" --jobs 3 >outdir 2>/dev/null
[ "$(wc -l <outdir)" = "$N" ] && ok || bad "folder batch gave $(wc -l <outdir) lines"
$PY -c '
import json,sys
rows=[json.loads(l) for l in open("outdir")]
env=[r["envelope"] for r in rows]
assert env==sorted(env), "not sorted"
assert all("line" not in r for r in rows), "a folder has no lines"
' && ok || bad "folder batch order"
# The folder as "a/" or "a//": the paths are a/x, never a//x (spec 10.4).
"$A" verify --batch a// -t "$K/demo.trust" --jobs 2 >outslash 2>/dev/null
cmp -s outdir outslash && ok || bad "folder a// gives other lines: $(head -c 300 outslash)"
lacks outslash '//'
# A folder given by its absolute path: one slash between the parts.
mkdir -p one && cp a/agreement-1.txt a/agreement-1.txt.sig.json one/
"$A" verify --batch "$T/one/" -t "$K/demo.trust" >out 2>err
json 'd["agreement"] == "'"$T"'/one/agreement-1.txt" and d["envelope"].endswith("one/agreement-1.txt.sig.json") and "line" not in d'
# Summaries count in words: 1 entry, 1 error; 0 and 2 take the plural.
has err 'agreesign: batch: 1 entry: 1 verified, 0 not verified, 0 errors;'
printf '{"agreement": "a/agreement-1.txt"}\n{"agreement": "nothing.txt"}\n' >two.jsonl
"$A" verify --batch two.jsonl -t "$K/demo.trust" >/dev/null 2>err
has err 'agreesign: batch: 2 entries: 1 verified, 0 not verified, 1 error;'

# All good: exit 0. Run-level trouble: exit 2.
grep '"entry 1"' manifest.jsonl >good.jsonl
"$A" verify --batch good.jsonl -t "$K/demo.trust" -q
[ $? = 0 ] && ok || bad "all-good batch not 0"
"$A" verify --batch nonexistent.jsonl -t "$K/demo.trust" 2>err
[ $? = 2 ] && grep -q 'nonexistent.jsonl' err && ok || bad "missing manifest"
"$A" verify --batch manifest.jsonl -t nonexistent.trust 2>err
[ $? = 2 ] && ok || bad "missing trust file"
"$A" verify --batch manifest.jsonl -t "$K/demo.trust" --jobs 0 2>err
[ $? = 2 ] && ok || bad "--jobs 0"
"$A" verify --batch manifest.jsonl -t "$K/demo.trust" extra.txt 2>err
[ $? = 2 ] && ok || bad "--batch with AGREEMENT"

# Sharding with GNU parallel (as on several machines, here on one) gives
# the same results as one batch, matched by id.
if command -v parallel >/dev/null; then
	grep '"agreement": "a/' manifest.jsonl >shardable.jsonl
	parallel --will-cite --pipe -N $((N / 7)) -j 4 "$A" verify --batch - -t "$K/demo.trust" --no-progress -q --jobs 1 2>/dev/null \
		<shardable.jsonl >/dev/null
	parallel --will-cite --pipe -N $((N / 7)) -j 4 "$A" verify --batch - -t "$K/demo.trust" --no-progress --jobs 1 \
		<shardable.jsonl >sharded 2>/dev/null
	"$A" verify --batch shardable.jsonl -t "$K/demo.trust" >whole 2>/dev/null
	$PY -c '
import json, sys
def load(p):
    d={}
    for l in open(p):
        o=json.loads(l); o.pop("line"); d[o["id"]]=o
    return d
a,b=load("sharded"),load("whole")
assert len(a)==int(sys.argv[1]) and a==b, (len(a),len(b))
' "$N" && ok || bad "sharded results differ"
else
	bad "GNU parallel is not installed (it should come from .ci/install-deps)"
fi

# Timestamp tokens: the workers share the trust load's pinned certificate
# and its cache of the tokens' certificates (src/lib/codec/tsp_certs.c);
# make tsan runs this suite. Every entry proves its time, for any --jobs.
. "$ROOT/tests/e2e/tsa_lib.sh"
tsa_ca
tsa_cert good tsa
mkdir -p ts
cp "$K/demo.trust" ts/pins.trust
"$A" trust add-tsa -t ts/pins.trust --name "Batch TSA" "$TSA/ca.pem" 2>/dev/null
: >ts/manifest.jsonl
for i in $(seq 1 8); do
	sed "s/Deterministic Signatures/Stamped $i/" "$S" >ts/t$i.txt
	"$A" sign -k "$K/demo-author.key" ts/t$i.txt 2>/dev/null
	"$A" timestamp --request ts/q$i.tsq ts/t$i.txt.sig.json 2>/dev/null
	tsa_reply good ts/q$i.tsq ts/r$i.tsr
	"$A" timestamp --request ts/q$i.tsq --reply ts/r$i.tsr ts/t$i.txt.sig.json 2>/dev/null
	echo "{\"agreement\": \"t$i.txt\", \"id\": \"$i\"}" >>ts/manifest.jsonl
done
for j in 1 2 4; do
	expect 0 "$A" verify --batch ts/manifest.jsonl -t ts/pins.trust --jobs $j --require-proven-time
	check "--jobs $j: all 8 stamped entries prove their time" \
		test "$(grep -c '"proven_time":"20' "$T/out")" = 8
	cp "$T/out" ts/out-$j
done
same ts/out-2 ts/out-1
same ts/out-4 ts/out-1

finish batch
