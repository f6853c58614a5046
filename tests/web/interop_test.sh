#!/bin/sh
# tests/web/interop_test.sh AGREESIGN MODULE: tests/interop/verify_test.py
# with the browser verifier standing in beside the binary: every
# `verify --json` it runs goes through the node module too and must give
# the native exit status and output byte for byte (interop_shim.mjs).
# Lists the runs skipped, with the reason; fails when one differs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AGS_WEB_NATIVE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
AGS_WEB_MODULE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
AGS_WEB_LOG=$tmp/log
export AGS_WEB_NATIVE AGS_WEB_MODULE AGS_WEB_LOG
# Only `verify --json` goes through node: the other commands, many of
# them, go straight to the binary.
cat >"$tmp/agreesign" <<SHIM
#!/bin/sh
if [ "\$1" = verify ]; then
	for a; do
		[ "\$a" = --json ] && exec node "$here/interop_shim.mjs" "\$@"
	done
fi
exec "$AGS_WEB_NATIVE" "\$@"
SHIM
chmod +x "$tmp/agreesign"
: >"$AGS_WEB_LOG"
/usr/bin/python3 "$here/../interop/verify_test.py" "$tmp/agreesign" >"$tmp/out" 2>&1 || {
	cat "$tmp/out"
	echo "web-interop: the interop suite failed through the shim"
	exit 1
}
tail -n 1 "$tmp/out"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
const n = (s) => lines.filter((l) => l.status === s).length;
const reasons = {};
for (const l of lines.filter((l) => l.status === "skipped")) reasons[l.reason] = (reasons[l.reason] || 0) + 1;
for (const [r, k] of Object.entries(reasons)) console.log("skipped " + k + " run(s): " + r);
for (const l of lines.filter((l) => l.status === "differs")) console.log("FAIL differs: " + JSON.stringify(l));
console.log("web-interop: " + n("same") + " passed, " + n("differs") + " failed, " + n("skipped") + " skipped");
process.exit(n("differs") || !n("same") ? 1 : 0);
' "$AGS_WEB_LOG"
