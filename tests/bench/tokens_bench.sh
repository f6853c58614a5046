#!/usr/bin/env bash
# make bench BENCH=tokens (and the last part of make bench): the cost of
# verifying an RFC 3161 timestamp token (issue 17's target: under 0.3 ms
# per token on top of the signature), measured side by side in one run
# (tests/bench/tokens.sh), and what one token's verification is made of,
# in memory (tests/bench/token_floor.c): parsing a certificate, parsing
# the token, one ECDSA P-256 verification, the verification of a parsed
# token. Writes the section "Timestamp tokens" of tests/bench/RESULTS.md
# (replacing the one there). Speed is reported, never asserted.
#
# Settings (environment):
#   BENCH_TOKENS=500        envelopes, each verified without and with a token
#   BENCH_RUNS_TOKENS=10    hyperfine runs per batch command
#   BENCH_RESULTS=tests/bench/RESULTS.md   where the section goes
#   BENCH_KEEP=1            keep the data folder (printed)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
cd "$ROOT"
PY=/usr/bin/python3
M=${BENCH_TOKENS:-500}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BUILD=build-bench

say() { printf '\n== %s\n' "$*" >&2; }
for t in hyperfine openssl; do
	command -v $t >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done

say "building agreesign with -O2 into $BUILD/ (and tests/bench/token_floor.c)"
make --no-print-directory BUILD=$BUILD OPT="-O2 -g" $BUILD/agreesign $BUILD/libagreesign.a
A=$ROOT/$BUILD/agreesign
FLOOR=$ROOT/$BUILD/token_floor
PKGS=$(make --no-print-directory -s print-pkgs)
# shellcheck disable=SC2046,SC2086
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
	-Iinclude $(pkg-config --cflags $PKGS) \
	tests/bench/token_floor.c $BUILD/libagreesign.a \
	$(pkg-config --libs $PKGS) -pthread -o "$FLOOR"

T=$(mktemp -d "${TMPDIR:-/tmp}/agreesign-tokens-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then
	echo "bench: data kept in $T" >&2
else
	trap 'rm -rf "$T"' EXIT
fi
echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)" >"$T/env.txt"
say "timestamp tokens: $M envelopes without and with one"
BENCH_KEEP=1 bash "$HERE/tokens.sh" "$A" "$T" "$M"
say "one token's parts, in memory (token_floor)"
openssl ts -reply -in "$T/tokens/r1.tsr" -token_out -out "$T/token.der" 2>/dev/null
openssl x509 -in "$T/tsa/ca.pem" -outform DER -out "$T/ca.der"
"$FLOOR" "$T/token.der" "$T/ca.der" >"$T/floor.txt"
cat "$T/floor.txt" >&2
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$T/env.txt"
$PY "$HERE/tokens_report.py" "$T" "$RESULTS" "$A"
