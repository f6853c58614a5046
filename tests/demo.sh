#!/usr/bin/env bash
# `make demo`: the main job on the shipped sample, start to finish.
# An author signs the sample agreement with the demo key, the publisher
# verifies it against its trust store and countersigns, and a one-word
# change to the agreement is caught.
# The demo keys are copied to a private keys/ folder first (folder 0700,
# secret keys 0600): git keeps no modes but 0644 and 0755, and agreesign
# rightly warns about a secret key that others can read.
set -euo pipefail
A=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=$ROOT/keys
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cp "$ROOT/spec/vectors/agreements/sample-agreement.txt" "$D/agreement.txt"
mkdir -m 700 "$D/keys"
cp "$K"/demo-*.key "$K"/demo-*.pub "$K/demo.trust" "$D/keys/"
chmod 600 "$D"/keys/*.key
cd "$D"
K=keys # the commands run as shown
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$*"; "$@"; }

step "agreesign extract agreement.txt"
"$A" extract agreement.txt
step "agreesign sign -k keys/demo-author.key agreement.txt"
"$A" sign -k "$K/demo-author.key" agreement.txt
step "agreesign verify -t keys/demo.trust agreement.txt"
"$A" verify -t "$K/demo.trust" agreement.txt
step "agreesign countersign -k keys/demo-publisher.key -t keys/demo.trust agreement.txt"
"$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" agreement.txt
step "agreesign verify -t keys/demo.trust --require-role author,publisher agreement.txt"
"$A" verify -t "$K/demo.trust" --require-role author,publisher agreement.txt

step "sed -i 's/twelve months/eighteen months/' agreement.txt   # change one word"
grep -q 'twelve months' agreement.txt || { echo "demo: sample lacks the word to change" >&2; exit 2; }
sed -i 's/twelve months/eighteen months/' agreement.txt
step "agreesign verify -t keys/demo.trust agreement.txt"
set +e
"$A" verify -t "$K/demo.trust" agreement.txt
rc=$?
set -e
if [ "$rc" = 1 ]; then
	printf '\ndemo: the one-word change was caught (exit status 1). All good.\n'
else
	printf '\ndemo: FAILED: verify exited %s after a one-word change\n' "$rc" >&2
	exit 1
fi
