#!/usr/bin/env bash
# One chunk of the benchmark's data generation, run in parallel by
# tests/bench/run.sh through xargs -P:
#   worker.sh keygen AGREESIGN DIR FIRST COUNT   lines of DIR/keys.tsv
#   worker.sh sign   AGREESIGN DIR FIRST COUNT   lines of DIR/sign.tsv
# FIRST is 0-based. Keys k### get an agreesign, a minisign and a signify
# key pair, all unencrypted; r### (untrusted) only an agreesign one. Each
# agreement is signed by all three tools.
set -euo pipefail
mode=$1 A=$2 D=$3 first=$4 count=$5
cd "$D"
lines() { sed -n "$((first + 1)),$((first + count))p" "$1"; }

case $mode in
keygen)
	lines keys.tsv | while IFS=$'\t' read -r base name; do
		"$A" keygen --no-passphrase -o "keys/$base" --name "$name" 2>/dev/null
		case $base in
		k*)
			n=${base#k}
			minisign -G -W -f -p "keys/m$n.pub" -s "keys/m$n.key" >/dev/null
			signify-openbsd -G -n -p "keys/s$n.pub" -s "keys/s$n.sec"
			;;
		esac
	done
	;;
sign)
	lines sign.tsv | while IFS=$'\t' read -r _ f key n when; do
		"$A" sign -k "keys/$key.key" --time "$when" "$f" 2>/dev/null
		minisign -S -s "keys/m$n.key" -m "$f" -x "$f.minisig" >/dev/null
		signify-openbsd -S -s "keys/s$n.sec" -m "$f" -x "$f.sig"
	done
	;;
*)
	echo "worker.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
