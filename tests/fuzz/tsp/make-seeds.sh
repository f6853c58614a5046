#!/usr/bin/env bash
# Makes the fixture and seeds of fuzz_tsp (tests/fuzz/fuzz_tsp.c), once;
# they are committed, the keys are not: a test CA and TSA are made with
# the openssl command in a temporary folder (tests/e2e/tsa_lib.sh) and
# deleted. Fixture: tests/fuzz/tsp/request.tsq, the request over
# signature 1 of spec/vectors/envelopes/signed.sig.json. Seeds
# (tests/fuzz/corpus/fuzz_tsp/): replies to that request (granted,
# rejected) and its token alone, which carries the TSA's and the test
# CA's certificates ("never trust"); the harness pins the CA's.
# Usage: tests/fuzz/tsp/make-seeds.sh path/to/agreesign
set -euo pipefail
A=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/e2e/tsa_lib.sh"
tsa_ca
tsa_cert good tsa
OUT=$ROOT/tests/fuzz/tsp
SEEDS=$ROOT/tests/fuzz/corpus/fuzz_tsp
mkdir -p "$SEEDS"
cp "$ROOT/spec/vectors/envelopes/signed.sig.json" "$T/e.sig.json"
rm -f "$OUT/request.tsq"
"$A" timestamp --signature 1 --request "$OUT/request.tsq" "$T/e.sig.json"
tsa_reply good "$OUT/request.tsq" "$SEEDS/granted.tsr"
tsa_reply good "$OUT/request.tsq" "$SEEDS/rejected.tsr" sha256
openssl ts -reply -in "$SEEDS/granted.tsr" -token_out -out "$SEEDS/token.der" 2>/dev/null
