# shellcheck shell=bash
# What every shell suite in tests/e2e/ shares. A suite sources it first:
#   . "$(dirname "$0")/e2e_lib.sh"
# and is called with the binary's path: tests/e2e/NAME.sh path/to/agreesign
# (`make valgrind` passes tests/valgrind-wrap.sh there and sets
# AGS_SANITIZED=1, which a suite reads to skip what valgrind distorts).
# After sourcing:
#   A        the binary, an absolute path (resolved before the cd below)
#   ROOT     the repository: the nearest folder above this file that holds
#            spec/ and the Makefile, so that the suites run from anywhere
#   K V S    the demo keys, the spec vectors, the sample agreement
#   SHARED   the real agreements beside the repository (AGS_SHARED)
#   PY       /usr/bin/python3, which the JSON checks run
#   T        a temporary folder, removed on exit; the current folder
#   pass fail the counters that finish reports
# A suite that must undo something before $T goes (a mount, a folder
# outside $T) registers a command with at_exit.
# shellcheck disable=SC2034 # A, K, S, SHARED: for the suites
set -uo pipefail

# The Makefile's wildcard e2e_*.sh takes this file for a suite too: run
# on its own, it has nothing to check.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "e2e_lib.sh: the suites' shared helpers, not a suite: nothing to run"
	exit 0
fi
if [ $# -lt 1 ]; then
	echo "usage: $0 path/to/agreesign" >&2
	exit 2
fi
A=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" &&
	until [ -d spec ] && [ -f Makefile ] || [ "$PWD" = / ]; do cd ..; done && pwd)
K=$ROOT/keys
V=$ROOT/spec/vectors
S=$V/agreements/sample-agreement.txt
SHARED=${AGS_SHARED:-$ROOT/../shared}
PY=/usr/bin/python3

# Without a folder of its own a suite would write where it was started
# (cd "" succeeds in bash): stop instead.
if ! T=$(mktemp -d) || [ ! -d "$T" ]; then
	echo "$0: cannot make a temporary folder (mktemp -d)" >&2
	exit 2
fi
_e2e_at_exit=()
# at_exit CMD: runs CMD (a command line, evaluated) on exit, before $T is
# removed; commands run in the order they were registered.
at_exit() { _e2e_at_exit+=("$*"); }
_e2e_exit() {
	local c
	for c in ${_e2e_at_exit[@]+"${_e2e_at_exit[@]}"}; do eval "$c"; done
	rm -rf "$T"
}
trap _e2e_exit EXIT
cd "$T" || exit 2

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
# finish NAME [NOTE]: the closing line CI reads, "NAME: N passed, N failed"
# (", NOTE" after it when given); non-zero when a check failed.
finish() {
	echo "$1: $pass passed, $fail failed${2:+, $2}"
	[ "$fail" = 0 ]
}

# expect STATUS CMD...: CMD exits with STATUS; its output is left in
# $T/out and $T/err for the checks that follow.
expect() {
	local want=$1 got
	shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "exit $got, wanted $want: $* :: $(head -c 300 "$T/err")"; fi
}
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
# has FILE TEXT: FILE contains TEXT; lacks FILE TEXT: it does not.
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2': $(head -c 400 "$1")"; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$1 holds '$2'"; else ok; fi; }
# same FILE OTHER: the two files are byte for byte the same (OTHER is
# often a copy taken to show that FILE was left as it was).
same() { if cmp -s "$1" "$2"; then ok; else bad "$1 and $2 differ (or one is missing)"; fi; }
# json EXPR: $T/out holds one JSON value, d, for which the Python
# expression EXPR is true.
json() {
	if "$PY" -c 'import json, sys
d = json.load(open(sys.argv[2], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[1], {"d": d}) else 1)' "$1" "$T/out"; then ok; else
		bad "json: $1 :: $(head -c 400 "$T/out")"
	fi
}
