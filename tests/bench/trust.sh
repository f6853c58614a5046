#!/usr/bin/env bash
# make bench BENCH=trust (and the second half of make bench): the trust
# store benchmarks of issue 16, on stores of 10, 10,000, 100,000 and
# 1,000,000 keys generated for the run in a temporary folder (never
# committed). Each ratio is measured side by side in this run; speed is
# reported against its target, never asserted. Writes the section
# "Trust stores" of tests/bench/RESULTS.md (replacing the one there).
#
# Settings (environment):
#   BENCH_TRUST_MAX=1000000   keys of the largest store (100000 for a
#                             quick run; the table says what was used)
#   BENCH_TRUST_BATCH=2000    envelopes in the verify --batch manifest
#   BENCH_TRUST_RUNS=30       hyperfine runs per single verify
#   BENCH_TRUST_ADDS=20       trust add commands timed per store
#   BENCH_RESULTS=tests/bench/RESULTS.md   where the section goes
#   BENCH_KEEP=1              keep the data folder (printed)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
cd "$ROOT"
PY=/usr/bin/python3
MAX=${BENCH_TRUST_MAX:-1000000}
NBATCH=${BENCH_TRUST_BATCH:-2000}
RUNS=${BENCH_TRUST_RUNS:-30}
NADD=${BENCH_TRUST_ADDS:-20}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BUILD=build-bench

say() { printf '\n== %s\n' "$*" >&2; }
die() {
	printf '\nbench: FAILED: %s\n' "$*" >&2
	exit 1
}
now_ns() { date +%s%N; }

for t in hyperfine /usr/bin/time; do
	command -v $t >/dev/null || die "$t is not installed (make bench installs it)"
done
$PY -c 'import nacl' || die "python3-nacl is not installed"

say "building agreesign with -O2 into $BUILD/"
make --no-print-directory BUILD=$BUILD OPT="-O2 -g" $BUILD/agreesign
A=$ROOT/$BUILD/agreesign

T=$(mktemp -d "${TMPDIR:-/tmp}/agreesign-trust-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then
	echo "bench: data kept in $T" >&2
else
	trap 'rm -rf "$T"' EXIT
fi
# a 1,000,000-key store is about 400 MiB with its text file and WAL
avail_kib=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
[ "$avail_kib" -gt $((MAX / 1000 * 1024)) ] || die "$T: not enough free space"
M=$T/measure.tsv # name, value (the report reads it)
: >"$M"
put() { printf '%s\t%s\n' "$1" "$2" >>"$M"; }

say "10 signing keys (unsealed) and 20 keys to add"
mkdir -p "$T/k" "$T/add"
for i in $(seq -w 1 10); do
	"$A" keygen -o "$T/k/s$i" --name "Signer $i" --no-passphrase 2>/dev/null
	"$A" trust add -t "$T/t10.trust" "$T/k/s$i.pub" 2>/dev/null
done
for i in $(seq -w 1 "$NADD"); do
	"$A" keygen -o "$T/add/n$i" --name "Newcomer $i" --no-passphrase 2>/dev/null
done

say "trust files of 10,000, 100,000 and $MAX keys (gen_trust.py)"
sizes="10000 100000"
[ "$MAX" -gt 100000 ] && sizes="$sizes $MAX"
for n in $sizes; do
	s=$(now_ns)
	$PY "$HERE/gen_trust.py" $((n - 10)) "$T/t10.trust" >"$T/t$n.trust"
	put "gen_s_$n" "$(((($(now_ns) - s) / 1000000)))"
	[ "$(grep -c '^key ' "$T/t$n.trust")" = "$n" ] || die "t$n.trust: not $n keys"
done

say "stores: trust import of each (timed, peak RSS by /usr/bin/time)"
for n in 10 $sizes; do
	/usr/bin/time -f '%e %M' -o "$T/import.$n" "$A" trust import -t "$T/db$n.db" "$T/t$n.trust" 2>"$T/import.err" ||
		die "import of $n keys: $(cat "$T/import.err")"
	read -r secs kib <"$T/import.$n"
	put "import_s_$n" "$secs"
	put "import_kib_$n" "$kib"
done
put "db_bytes_$MAX" "$(stat -c %s "$T/db$MAX.db")"

say "the agreements of the batch: $NBATCH, signed round-robin by the 10 keys"
mkdir -p "$T/b"
: >"$T/b/manifest.jsonl"
for i in $(seq 1 "$NBATCH"); do
	k=$(printf '%02d' $(((i - 1) % 10 + 1)))
	{ cat spec/vectors/agreements/sample-agreement.txt; printf '\nSubmission %d.\n' "$i"; } >"$T/b/a$i.txt"
	printf '{"agreement": "a%d.txt", "envelope": "a%d.txt.sig.json", "id": "%d"}\n' "$i" "$i" "$i" >>"$T/b/manifest.jsonl"
done
# one sign process per key, each signing its share
for k in $(seq -w 1 10); do
	for i in $(seq $((10#$k)) 10 "$NBATCH"); do echo "$T/b/a$i.txt"; done |
		xargs -n1 "$A" sign -k "$T/k/s$k.key" 2>/dev/null || die "sign with s$k"
done
AGR=$T/b/a1.txt
"$A" verify -q -t "$T/t10.trust" "$AGR" || die "the envelope does not verify with t10.trust"
"$A" verify -q -t "$T/db$MAX.db" "$AGR" || die "the envelope does not verify with the $MAX-key store"
"$A" verify -q -t "$T/t100000.trust" "$AGR" || die "the envelope does not verify with t100000.trust"

HF=(hyperfine --style basic -N)
say "verify -t: 10-key text file, $MAX-key store, 100,000-key text file"
"${HF[@]}" --warmup 3 --runs "$RUNS" --export-json "$T/verify.json" \
	-n t10 "$A verify -q -t $T/t10.trust $AGR" \
	-n db "$A verify -q -t $T/db$MAX.db $AGR" \
	-n db10 "$A verify -q -t $T/db10.db $AGR" \
	-n t100k "$A verify -q -t $T/t100000.trust $AGR" >&2

say "trust add: $NADD keys into the 10-key and the $MAX-key store, one command each"
for n in 10 "$MAX"; do
	: >"$T/add.$n"
	for p in "$T"/add/n*.pub; do
		s=$(now_ns)
		"$A" trust add -t "$T/db$n.db" "$p" 2>/dev/null || die "trust add into db$n"
		echo $((($(now_ns) - s) / 1000)) >>"$T/add.$n"
	done
done

say "trust list: peak RSS with 10,000 keys and with $MAX"
for n in 10000 "$MAX"; do
	/usr/bin/time -f '%e %M' -o "$T/list.$n" "$A" trust list -t "$T/db$n.db" >"$T/list.out"
	[ "$(wc -l <"$T/list.out")" -ge "$n" ] || die "trust list of db$n: $(wc -l <"$T/list.out") lines"
	read -r secs kib <"$T/list.$n"
	put "list_s_$n" "$secs"
	put "list_kib_$n" "$kib"
done

say "verify --batch of $NBATCH entries: 10-key text file, $MAX-key store"
"${HF[@]}" --warmup 1 --runs 3 --export-json "$T/batch.json" \
	-n t10 "$A verify -q --no-progress -t $T/t10.trust --batch $T/b/manifest.jsonl" \
	-n db "$A verify -q --no-progress -t $T/db$MAX.db --batch $T/b/manifest.jsonl" >&2

$PY "$HERE/trust_report.py" "$T" "$RESULTS" "$A" "$MAX" "$NBATCH" "$RUNS" "$NADD"
