#!/usr/bin/env bash
# Keys without a terminal (issue 15): where keygen puts a key pair and
# sign and countersign find it, changing a key's passphrase from files,
# the messages for an empty passphrase, and a clean `make demo`.
# Usage: tests/e2e/e2e_keys.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# An empty passphrase says how to make a key without one (item 14).
: >empty.pass
expect 2 "$A" keygen -o e1 --name "E" --kdf-cost min --passphrase-file empty.pass
has err "--no-passphrase"
[ ! -e e1.key ] && ok || bad "key written with an empty passphrase"

finish keys
