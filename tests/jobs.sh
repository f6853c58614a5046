#!/usr/bin/env bash
# tests/jobs.sh COMMAND...: runs each COMMAND (one argument, a bash command
# line) with at most JOBS (default: nproc) running at a time, in the order
# given. A command's output (stdout and stderr) goes to a file of its own
# and is printed in one piece when the command ends, under "== COMMAND" and
# followed by its exit status and time, so that the outputs of commands
# running together do not interleave. At the end, a summary; exit status 1
# when a command failed, 0 when all passed. The Makefile runs the e2e
# suites with it (make cli-test, make valgrind); give the slowest commands
# first, so that a long one does not start last and run alone.
# Each command runs in a process group of its own (job control, set -m),
# so that on SIGINT, SIGTERM or SIGHUP the whole group is ended, not only
# its shell; with SIGINT and SIGQUIT at their defaults, not ignored as in a
# plain background job of a script, nor as this script may have got them
# (a program inherits an ignored signal as ignored, and the passphrase
# prompt then rightly keeps ignoring Ctrl-C, which tests/e2e/e2e_tty.sh
# sends); and with /dev/null as standard input: they run unattended.
set -uo pipefail
if [ $# = 0 ]; then
	echo "usage: JOBS=N $0 COMMAND..." >&2
	exit 2
fi
jobs=${JOBS:-$(nproc)}
case $jobs in
'' | *[!0-9]* | 0)
	echo "$0: JOBS must be a positive number, not '$jobs'" >&2
	exit 2
	;;
esac
dflt=(env --default-signal=INT,QUIT) # GNU coreutils 8.31 or later
"${dflt[@]}" true 2>/dev/null || dflt=()
dir=$(mktemp -d) || exit 2
set -m
declare -A cmd_of out_of start_of
running=0
failed=()
t0=$(date +%s)

stop() {
	local pid
	for pid in "${!cmd_of[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
	wait
	rm -rf "$dir"
	echo "jobs: interrupted; ${#cmd_of[@]} command(s) stopped" >&2
	exit 130
}
trap stop INT TERM HUP
trap 'rm -rf "$dir"' EXIT

# reap: waits for one command to end and prints its output.
reap() {
	local pid status secs
	wait -n -p pid
	status=$?
	[ -n "${pid:-}" ] || return 0
	secs=$(($(date +%s) - start_of[$pid]))
	echo "== ${cmd_of[$pid]}"
	cat "${out_of[$pid]}"
	echo "== ${cmd_of[$pid]}: exit $status, $secs s"
	[ "$status" = 0 ] || failed+=("${cmd_of[$pid]} (exit $status)")
	rm -f "${out_of[$pid]}"
	unset "cmd_of[$pid]" "out_of[$pid]" "start_of[$pid]"
	running=$((running - 1))
}

n=0
for c in "$@"; do
	while [ "$running" -ge "$jobs" ]; do reap; done
	n=$((n + 1))
	${dflt[@]+"${dflt[@]}"} bash -c "$c" </dev/null >"$dir/$n.out" 2>&1 &
	cmd_of[$!]=$c
	out_of[$!]=$dir/$n.out
	start_of[$!]=$(date +%s)
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do reap; done

echo "jobs: $n commands, ${#failed[@]} failed, $(($(date +%s) - t0)) s with JOBS=$jobs"
for f in ${failed[@]+"${failed[@]}"}; do echo "jobs: FAILED: $f"; done
[ ${#failed[@]} = 0 ]
