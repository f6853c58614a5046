#!/usr/bin/env bash
# The test runner's own test (make jobs-test): tests/jobs.sh runs every
# command, at most JOBS at a time, prints each output whole under its
# name with its exit status, fails when one fails, and gives the commands
# SIGINT and SIGQUIT as they were (not ignored, as a plain background job
# of a script would have them: tests/e2e/e2e_tty.sh needs them).
set -uo pipefail
J=$(cd "$(dirname "$0")" && pwd)/jobs.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
pass=0
fail=0
check() {
	local what=$1
	shift
	if "$@"; then pass=$((pass + 1)); else
		fail=$((fail + 1))
		echo "FAIL: $what" >&2
	fi
}

# Three commands, two at a time: each output whole, in the order they end.
# a ends only once c's output is printed (it waits for c's last line in
# the runner's output, at most 20 s), so the order holds on a loaded
# machine too; c starts only when b has ended.
A='echo a1; for i in $(seq 400); do grep -qx c2 out && break; sleep 0.05; done; echo a2'
JOBS=2 bash "$J" "$A" 'echo b1; exit 3' 'echo c1; echo c2 >&2' >out 2>&1
check "exit 1 when a command failed" [ $? = 1 ]
grep -v '^jobs: ' out | sed 's/, [0-9]* s$//' >got
cat >want <<EOF
== echo b1; exit 3
b1
== echo b1; exit 3: exit 3
== echo c1; echo c2 >&2
c1
c2
== echo c1; echo c2 >&2: exit 0
== $A
a1
a2
== $A: exit 0
EOF
check "grouped output: $(cat out)" cmp -s got want
check "the summary names the failure" grep -qx 'jobs: FAILED: echo b1; exit 3 (exit 3)' out
check "the summary counts" grep -q '^jobs: 3 commands, 1 failed, ' out

# At most JOBS at a time: each command notes the others running with it.
cmds=()
for i in 1 2 3 4 5; do
	cmds+=("touch run.$i; sleep 0.4; ls run.* | wc -l >>peak; rm run.$i")
done
JOBS=2 bash "$J" "${cmds[@]}" >out 2>&1
check "all passed: $(cat out)" [ $? = 0 ]
check "5 commands ran" [ "$(wc -l <peak)" = 5 ]
check "never more than 2 at a time: $(tr '\n' ' ' <peak)" [ "$(sort -n peak | tail -1)" -le 2 ]
check "2 at a time: $(tr '\n' ' ' <peak)" grep -qx 2 peak

# SIGINT and SIGQUIT not ignored, stdin /dev/null; the runner itself run
# as a background job of this script, whose SIGINT is then ignored, does
# not pass that on.
sigs='grep -E "^SigIgn" /proc/self/status; readlink /proc/self/fd/0'
(bash "$J" "$sigs" >out 2>&1 &
	wait)
mask=$(sed -n 's/^SigIgn:[[:space:]]*//p' out)
check "a mask in: $(cat out)" [ -n "$mask" ]
check "SIGINT (2) and SIGQUIT (3) not ignored: $mask" [ $((0x${mask:-6} & 6)) = 0 ]
check "stdin is /dev/null: $(cat out)" grep -qx /dev/null out

# Usage errors.
JOBS=x bash "$J" true >out 2>&1
check "JOBS=x refused" [ $? = 2 ]
bash "$J" >out 2>&1
check "no command refused" [ $? = 2 ]

echo "jobs: $pass passed, $fail failed"
[ "$fail" = 0 ]
