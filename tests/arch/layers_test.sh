#!/usr/bin/env bash
# Tests the architecture checker (tests/arch/layers.py) on tiny libraries
# compiled here: it must pass a clean one and fail, naming the problem, on a
# planted cycle, a call upward, a call into the CLI and a file outside the
# layers. Usage: layers_test.sh (needs cc and nm).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# obj DIR/NAME 'C source': compiles one object under $T/DIR.
obj() {
	mkdir -p "$T/$(dirname "$1")"
	printf '%s\n' "$2" > "$T/$1.c"
	cc -c "$T/$1.c" -o "$T/$1.o" || { echo "cannot compile $1"; exit 2; }
	rm -f "$T/$1.c"
}

# expect RC PATTERN LIBDIR [CLIDIR]: the checker's exit status and a line.
expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$(/usr/bin/python3 "$HERE/layers.py" --layers "low high" "$@" 2>&1)
	got=$?
	if [ "$got" = "$rc" ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then ok
	else bad "expected exit $rc and /$pat/, got $got: $out"; fi
}

# A clean library: high calls low, the CLI calls both.
obj clean/lib/low/a 'int a(void) { return 1; }'
obj clean/lib/high/b 'int a(void); int b(void) { return a(); }'
obj clean/cli/main 'int b(void); int main(void) { return b(); }'
expect 0 'no cycle, no call upward' "$T/clean/lib" "$T/clean/cli"

# A cycle between two files of one layer.
obj cyc/lib/low/a 'int b(void); int a(void) { return b(); }'
obj cyc/lib/low/b 'int a(void); int b(void) { return a() + 1; }'
expect 1 '^layers: cycle among: low/a low/b$' "$T/cyc/lib"

# A cycle through three files.
obj cyc3/lib/low/a 'int b(void); int a(void) { return b(); }'
obj cyc3/lib/low/b 'int c(void); int b(void) { return c(); }'
obj cyc3/lib/low/c 'int a(void); int c(void) { return a(); }'
expect 1 'cycle among: low/a low/b low/c' "$T/cyc3/lib"

# A call upward, without a cycle.
obj up/lib/low/a 'int b(void); int a(void) { return b(); }'
obj up/lib/high/b 'int b(void) { return 2; }'
expect 1 'low/a \(low\) calls b in high/b \(high\): a call upward' "$T/up/lib"

# A library file that calls into the CLI.
obj cli/lib/low/a 'int usage(void); int a(void) { return usage(); }'
obj cli/cli/main 'int usage(void) { return 2; } int main(void) { return usage(); }'
expect 1 'low/a: refers to usage, defined in the CLI \(main\)' "$T/cli/lib" "$T/cli/cli"

# A file in no layer.
obj stray/lib/a 'int a(void) { return 1; }'
expect 1 'a: not in a layer folder' "$T/stray/lib"

# A source that includes a header of a higher layer (with --src).
mkdir -p "$T/inc/src/low" "$T/inc/src/high"
printf '#include "high.h"\nint a(void) { return 1; }\n' > "$T/inc/src/low/a.c"
printf 'int b(void);\n' > "$T/inc/src/high/high.h"
printf '#include "high.h"\n' > "$T/inc/src/high/b.c"
obj inc/lib/low/a 'int a(void) { return 1; }'
out=$(/usr/bin/python3 "$HERE/layers.py" --src "$T/inc/src" --layers "low high" "$T/inc/lib" 2>&1)
if [ $? = 1 ] && printf '%s\n' "$out" | grep -q 'low/a.c:1 includes high.h of layer high: an include upward'; then ok
else bad "include upward not found: $out"; fi
# The same include from its own layer is fine.
out=$(/usr/bin/python3 "$HERE/layers.py" --src "$T/inc/src" --layers "low high" "$T/clean/lib" 2>&1)
printf '%s\n' "$out" | grep -q 'high/b.c' && bad "own-layer include reported: $out" || ok

# No objects at all is an error, not a pass.
mkdir -p "$T/empty"
expect 1 'no object files' "$T/empty"

echo "layers: $pass passed, $fail failed"
[ "$fail" = 0 ]
