#!/usr/bin/env bash
# make bench: agreesign side by side with minisign, signify, a PyNaCl
# script and a raw libsodium loop, on data generated for the run in a
# temporary folder. Prints one table and writes it, with the machine and
# what was measured, to tests/bench/RESULTS.md. It checks that every
# verifier flags exactly the entries it altered and fails loudly if not.
# Speed itself is reported, never asserted.
#
# Settings (environment):
#   BENCH_N=10000        agreement/envelope pairs in the archive
#   BENCH_KEYS=300       trusted signing keys (plus 10 untrusted ones)
#   BENCH_BIG_MIB=1024   size of the attachment
#   BENCH_RUNS_SINGLE=200  hyperfine runs per single sign/verify command
#   BENCH_RUNS_BATCH=3   runs per batch command (loops: BENCH_RUNS_LOOP=1)
#   BENCH_RESULTS=tests/bench/RESULTS.md   where the report goes
#   BENCH_KEEP=1         keep the data folder (printed) after the run
#   BENCH_PROFILE=0      skip the perf profile of verify --batch --jobs 1
#   BENCH_NICE=-10       run at this nice value (negative: root only), for
#                        a machine that other work shares; it is reported
set -euo pipefail
# BENCH_NICE: run in a session of our own, whose scheduling group (Linux
# autogroup: nice acts only within a session's group) gets that priority.
if [ -n "${BENCH_NICE:-}" ] && [ -z "${BENCH_SESSION:-}" ] && command -v setsid >/dev/null; then
	BENCH_SESSION=1 setsid bash "$0" "$@" &
	pid=$!
	trap 'kill -TERM -- -$pid 2>/dev/null' INT TERM HUP
	wait $pid
	exit $?
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
cd "$ROOT"
PY=/usr/bin/python3
N=${BENCH_N:-10000}
NKEYS=${BENCH_KEYS:-300}
NROGUE=10
BIG_MIB=${BENCH_BIG_MIB:-1024}
SINGLE_RUNS=${BENCH_RUNS_SINGLE:-200}
BATCH_RUNS=${BENCH_RUNS_BATCH:-3}
LOOP_RUNS=${BENCH_RUNS_LOOP:-1}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BUILD=build-bench
NPROC=$(nproc)

say() { printf '\n== %s\n' "$*" >&2; }
die() {
	printf '\nbench: FAILED: %s\n' "$*" >&2
	exit 1
}
now() { date +%s.%N; }

say "installing what the benchmark compares against, when missing"
AGS_EXTRA_DEPS="minisign signify-openbsd hyperfine time" sh .ci/install-deps
for t in minisign signify-openbsd hyperfine /usr/bin/time; do
	command -v $t >/dev/null || die "$t is not installed"
done
$PY -c 'import nacl' || die "python3-nacl is not installed"

say "building agreesign with -O2 into $BUILD/ (and tests/bench/raw_verify.c)"
make --no-print-directory BUILD=$BUILD OPT="-O2 -g" $BUILD/agreesign $BUILD/libagreesign.a
A=$ROOT/$BUILD/agreesign
RAW=$ROOT/$BUILD/raw_verify
# The libraries the static library needs are the Makefile's PKGS (a list
# written here went stale once: libcrypto came and the link failed).
PKGS=$(make --no-print-directory -s print-pkgs)
# shellcheck disable=SC2046,SC2086
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
	-Iinclude $(pkg-config --cflags $PKGS) \
	tests/bench/raw_verify.c $BUILD/libagreesign.a \
	$(pkg-config --libs $PKGS) -pthread -o "$RAW"

T=$(mktemp -d "${TMPDIR:-/tmp}/agreesign-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then
	echo "bench: data kept in $T" >&2
else
	trap 'rm -rf "$T"' EXIT
fi
need_kib=$((BIG_MIB * 1024 + N * 16 + 65536))
avail_kib=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
[ "$avail_kib" -gt "$need_kib" ] || die "$T: need $((need_kib / 1024)) MiB free, have $((avail_kib / 1024))"
echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)" >"$T/env.txt"
if [ -n "${BENCH_NICE:-}" ]; then
	renice -n "$BENCH_NICE" -p $$ >/dev/null || die "cannot renice to $BENCH_NICE"
	if [ -n "${BENCH_SESSION:-}" ] && [ -w /proc/self/autogroup ]; then
		echo "$BENCH_NICE" >/proc/self/autogroup || die "cannot set the autogroup's nice"
		echo "autogroup=$(cat /proc/self/autogroup)" >>"$T/env.txt"
	fi
fi
echo "nice=$(nice)" >>"$T/env.txt"

# --- Data -----------------------------------------------------------------
say "generating $N agreements, $NKEYS keys (+$NROGUE untrusted), 1% altered, in $T"
t0=$(now)
$PY tests/bench/gen.py plan spec/vectors/agreements/sample-agreement.txt "$T" \
	"$N" "$NKEYS" "$NROGUE" 20261120
mkdir "$T/keys"
seq 0 10 $((NKEYS + NROGUE - 1)) |
	xargs -P "$NPROC" -I{} bash tests/bench/worker.sh keygen "$A" "$T" {} 10
$PY tests/bench/gen.py trust "$T"
"$A" trust list -t "$T/authors.trust" >/dev/null || die "the trust file does not load"
seq 0 50 $((N - 1)) |
	xargs -P "$NPROC" -I{} bash tests/bench/worker.sh sign "$A" "$T" {} 50
$PY tests/bench/gen.py alter "$T"
echo "gen_seconds=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')" >>"$T/env.txt"

cd "$T"
# The single agreement: the first one that was not altered, with its key.
IFS=$'\t' read -r _ S KEY K _ < <(awk -F'\t' 'NR == FNR { bad[$1] = 1; next } !($1 in bad)' altered.tsv sign.tsv | head -1)
mkdir single big
cp "$S" single/agreement.txt
cp "$S.sig.json" single/agreement.txt.sig.json
cp "$S.minisig" single/agreement.txt.minisig
cp "$S.sig" single/agreement.txt.sig
echo "single_bytes=$(wc -c <single/agreement.txt)" >>env.txt
"$A" verify -q -p "keys/$KEY.pub" single/agreement.txt || die "the single agreement does not verify"
WHEN=2026-11-20T10:00:00Z

HF=(hyperfine --style basic)

# --- Single sign and verify, one process each -------------------------------
say "single verify and sign, $SINGLE_RUNS runs each"
"${HF[@]}" -N --warmup 20 --runs "$SINGLE_RUNS" --export-json h-verify.json \
	-n "agreesign verify -p KEY.pub" "$A verify -p keys/$KEY.pub single/agreement.txt" \
	-n "agreesign verify -t (trust file of $NKEYS keys)" "$A verify -t authors.trust single/agreement.txt" \
	-n "minisign -V" "minisign -Vm single/agreement.txt -p keys/m$K.pub" \
	-n "signify -V" "signify-openbsd -V -p keys/s$K.pub -x single/agreement.txt.sig -m single/agreement.txt"
# Each tool writes a new signature file, as an author signing does (the
# --prepare before each run removes the last one). agreesign's second row
# replaces an existing envelope, which costs an fsync (README, "Files and
# crashes"); the others never fsync.
"${HF[@]}" -N --warmup 20 --runs "$SINGLE_RUNS" --export-json h-sign.json \
	--prepare "rm -f single/out.sig.json" \
	-n "agreesign sign" "$A sign -k keys/$KEY.key --time $WHEN -o single/out.sig.json single/agreement.txt" \
	--prepare "true" \
	-n "agreesign sign --force (replaces the envelope: one fsync)" "$A sign -k keys/$KEY.key --force --time $WHEN -o single/out.sig.json single/agreement.txt" \
	--prepare "rm -f single/out.minisig" \
	-n "minisign -S" "minisign -S -s keys/m$K.key -m single/agreement.txt -x single/out.minisig" \
	--prepare "rm -f single/out.sig" \
	-n "signify -S" "signify-openbsd -S -s keys/s$K.sec -m single/agreement.txt -x single/out.sig"
"$A" verify -q -p "keys/$KEY.pub" -e single/out.sig.json single/agreement.txt || die "agreesign sign: the envelope does not verify"

# --- Batch verification of the archive --------------------------------------
say "batch verification of $N entries"
jobs_cmds=(-n "agreesign --jobs 1" "$A verify --batch manifest.jsonl -t authors.trust --jobs 1 >out-j1.jsonl 2>err-j1.txt"
	-n "agreesign --jobs 2" "$A verify --batch manifest.jsonl -t authors.trust --jobs 2 >out-j2.jsonl 2>err-j2.txt")
if [ "$NPROC" -gt 2 ]; then
	jobs_cmds+=(-n "agreesign --jobs $NPROC" "$A verify --batch manifest.jsonl -t authors.trust --jobs $NPROC >out-j$NPROC.jsonl 2>err-j$NPROC.txt")
fi
# The raw loop runs before and after agreesign's runs; the faster counts.
"$RAW" manifest.jsonl 2 >raw1.txt
"${HF[@]}" -i --warmup 1 --runs "$BATCH_RUNS" --export-json h-batch.json "${jobs_cmds[@]}" \
	-n "PyNaCl script" "$PY $HERE/pynacl_verify.py authors.trust manifest.jsonl >py.tsv"
"${HF[@]}" -N --runs "$LOOP_RUNS" --export-json h-loops.json \
	-n "minisign loop" "bash $HERE/loop.sh minisign $T minisign.fail" \
	-n "signify loop" "bash $HERE/loop.sh signify $T signify.fail"
"$RAW" manifest.jsonl 2 >raw2.txt
rate() { sed -n 's/^rate=//p' "$1"; }
if [ "$(rate raw1.txt)" -ge "$(rate raw2.txt)" ]; then cp raw1.txt raw.txt; else cp raw2.txt raw.txt; fi
echo "raw libsodium loop: $(rate raw1.txt) and $(rate raw2.txt) verifications/s (before and after)"

say "checking that every verifier flags exactly the altered 1%"
$PY "$HERE/check.py" "$T" "$N" || die "a verifier did not flag exactly the altered entries (see above)"

# --- The 1 GiB attachment ---------------------------------------------------
say "attachment of $BIG_MIB MiB"
cp single/agreement.txt big/agreement.txt
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >big/paper.bin
"$A" sign -k "keys/$KEY.key" --time $WHEN --attach big/paper.bin big/agreement.txt 2>/dev/null
"$A" verify -p "keys/$KEY.pub" big/agreement.txt >big/verify.txt || die "the attachment does not verify"
grep -q '^attachment paper.bin: verified' big/verify.txt || die "attachment not reported verified"
"${HF[@]}" -N --warmup 1 --runs 5 --export-json h-attach.json \
	-n "agreesign verify (attachment)" "$A verify -p keys/$KEY.pub big/agreement.txt" \
	-n "sha512sum" "sha512sum big/paper.bin"
/usr/bin/time -f %M -o rss-attach-agreesign.txt "$A" verify -q -p "keys/$KEY.pub" big/agreement.txt
/usr/bin/time -f %M -o rss-attach-sha512sum.txt sha512sum big/paper.bin >/dev/null
echo "big_bytes=$(stat -c %s big/paper.bin)" >>env.txt
rm -f big/paper.bin

# --- Signing with a passphrase-protected key -------------------------------
say "signing with a passphrase-protected key (each tool's default KDF cost)"
old_umask=$(umask)
umask 077
printf 'correct horse battery staple\n' >pass.txt
printf 'correct horse battery staple\ncorrect horse battery staple\n' >pass2.txt
umask "$old_umask"
"$A" keygen -o pp --name "Bench Passphrase" --passphrase-file pass.txt 2>/dev/null
setsid -w minisign -G -p pp-minisign.pub -s pp-minisign.key <pass2.txt >/dev/null 2>&1
setsid -w signify-openbsd -G -p pp-signify.pub -s pp-signify.sec <pass2.txt >/dev/null 2>&1
"${HF[@]}" --warmup 1 --runs 5 --export-json h-pass.json \
	-n "agreesign sign (passphrase)" "$A sign -k pp.key --passphrase-file pass.txt --force --time $WHEN -o single/pp.sig.json single/agreement.txt" \
	-n "minisign -S (password)" "setsid -w minisign -S -s pp-minisign.key -m single/agreement.txt -x single/pp.minisig <pass.txt" \
	-n "signify -S (passphrase)" "setsid -w signify-openbsd -S -s pp-signify.sec -m single/agreement.txt -x single/pp.sig <pass.txt"
"$A" verify -q -p pp.pub -e single/pp.sig.json single/agreement.txt || die "agreesign passphrase signature"
minisign -Vq -m single/agreement.txt -x single/pp.minisig -p pp-minisign.pub || die "minisign passphrase signature"
signify-openbsd -Vq -p pp-signify.pub -x single/pp.sig -m single/agreement.txt || die "signify passphrase signature"
/usr/bin/time -f %M -o rss-pass-agreesign.txt "$A" sign -k pp.key --passphrase-file pass.txt --force --time $WHEN -o single/pp.sig.json single/agreement.txt 2>/dev/null
/usr/bin/time -f %M -o rss-pass-minisign.txt setsid -w minisign -S -s pp-minisign.key -m single/agreement.txt -x single/pp.minisig <pass.txt >/dev/null 2>&1
/usr/bin/time -f %M -o rss-pass-signify.txt setsid -w signify-openbsd -S -s pp-signify.sec -m single/agreement.txt -x single/pp.sig <pass.txt >/dev/null 2>&1

# --- Where the time of verify --batch --jobs 1 goes -------------------------
if [ "${BENCH_PROFILE:-1}" != 0 ] && command -v perf >/dev/null &&
	perf record -q -o perf-probe.data true >/dev/null 2>&1; then
	say "profiling verify --batch --jobs 1 with perf"
	head -n 3000 manifest.jsonl >profile.jsonl
	perf record -q -F 2000 --call-graph dwarf,16384 -o perf.data \
		"$A" verify --batch profile.jsonl -t authors.trust --jobs 1 >/dev/null 2>&1 || true
	perf report -i perf.data --children --sort symbol --stdio -g none 2>/dev/null >perf-children.txt || true
	perf report -i perf.data --no-children --sort dso --stdio -g none 2>/dev/null >perf-dso.txt || true
	perf report -i perf.data --no-children --sort symbol --stdio -g none 2>/dev/null >perf-self.txt || true
	rm -f perf.data perf-probe.data
fi
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>env.txt

# --- The table ----------------------------------------------------------------
cd "$ROOT"
$PY "$HERE/report.py" "$T" "$RESULTS" "$A" "$NKEYS"
