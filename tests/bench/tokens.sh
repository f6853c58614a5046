#!/usr/bin/env bash
# The cost of verifying an RFC 3161 timestamp token (issue 17's target:
# under 0.3 ms per token on top of the signature), measured side by side:
# verify --batch --jobs 1 of M envelopes without a token, then of the same
# envelopes each with one token that proves its time (--require-proven-
# time, so that a token that failed would fail the run). The difference
# divided by M is the cost of one token. A test CA and TSA are made with
# the openssl command in the data folder (tests/e2e/tsa_lib.sh); nothing
# is kept.
# Usage: tests/bench/tokens.sh AGREESIGN DIR [M]  (writes DIR/h-tokens.json
# and DIR/tokens.txt for tests/bench/tokens_report.py; tokens_bench.sh
# runs it)
set -euo pipefail
A=$(realpath "$1")
T=$(realpath "$2")
M=${3:-${BENCH_TOKENS:-500}}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$T/tokens
rm -rf "$W"
mkdir -p "$W/plain" "$W/stamped"
# shellcheck source=../e2e/tsa_lib.sh
. "$ROOT/tests/e2e/tsa_lib.sh"
cd "$W"
tsa_ca
tsa_cert good tsa
cp "$ROOT/keys/demo.trust" pins.trust
"$A" trust add-tsa -t pins.trust --name "Bench TSA" "$TSA/ca.pem" 2>/dev/null
cp "$ROOT/keys/demo-author.key" author.key
for i in $(seq 1 "$M"); do
	# Each agreement differs (a last line of its own), so each signature does.
	{ cat "$ROOT/spec/vectors/agreements/sample-agreement.txt"; echo "Bench copy $i."; } >"plain/a$i.txt"
	"$A" sign -k author.key --time 2026-11-20T10:00:00Z "plain/a$i.txt" 2>/dev/null
	cp "plain/a$i.txt" "plain/a$i.txt.sig.json" stamped/
	"$A" timestamp --request "q$i.tsq" "stamped/a$i.txt.sig.json" 2>/dev/null
	tsa_reply good "q$i.tsq" "r$i.tsr"
	"$A" timestamp --request "q$i.tsq" --reply "r$i.tsr" "stamped/a$i.txt.sig.json" 2>/dev/null
	printf '{"agreement": "a%d.txt", "envelope": "a%d.txt.sig.json", "id": "%d"}\n' "$i" "$i" "$i" >>manifest.jsonl
done
cp manifest.jsonl plain/
cp manifest.jsonl stamped/
# Both must verify every entry; the stamped ones with a proven time.
"$A" verify --batch plain/manifest.jsonl -t pins.trust --jobs 1 >plain.out
"$A" verify --batch stamped/manifest.jsonl -t pins.trust --jobs 1 --require-proven-time >stamped.out
[ "$(grep -c '"verified":true}$' plain.out)" = "$M" ] || { echo "tokens.sh: not every plain envelope verified" >&2; exit 1; }
[ "$(grep -c '"proven_time":"[0-9]' stamped.out)" = "$M" ] || { echo "tokens.sh: not every token proved a time" >&2; exit 1; }
hyperfine --style basic -N --warmup 1 --runs "${BENCH_RUNS_TOKENS:-10}" --export-json "$T/h-tokens.json" \
	-n "verify --batch, no token" "$A verify --batch plain/manifest.jsonl -t pins.trust --jobs 1 -q" \
	-n "verify --batch, one token each" "$A verify --batch stamped/manifest.jsonl -t pins.trust --jobs 1 -q --require-proven-time"
echo "tokens=$M" >"$T/tokens.txt"
cd "$T"
[ -n "${BENCH_KEEP:-}" ] || rm -rf "$W"
