#!/usr/bin/env bash
# What an archive does today without agreesign: one process per file.
#   loop.sh minisign|signify DIR OUT
# Verifies every agreement of DIR/loops.tsv (path, key number) with its
# detached minisign (.minisig) or signify (.sig) signature and the key's
# public key file, and writes the paths that did not verify to OUT.
set -uo pipefail
tool=$1 D=$2 out=$3
cd "$D" || exit 2
case $tool in
minisign)
	while IFS=$'\t' read -r f k; do
		minisign -Vq -m "$f" -p "keys/m$k.pub" 2>/dev/null || printf '%s\n' "$f"
	done <loops.tsv >"$out"
	;;
signify)
	while IFS=$'\t' read -r f k; do
		signify-openbsd -Vq -p "keys/s$k.pub" -x "$f.sig" -m "$f" 2>/dev/null || printf '%s\n' "$f"
	done <loops.tsv >"$out"
	;;
*)
	echo "loop.sh: unknown tool $tool" >&2
	exit 2
	;;
esac
