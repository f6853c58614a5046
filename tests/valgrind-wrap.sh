#!/bin/sh
# Runs agreesign (or AGS_VG_PROG) from the valgrind build under valgrind
# memcheck, with one log per process: `make valgrind` gives this script to
# the CLI suites in place of the binary, and runs the unit tests with it.
# Valgrind writes to its log only, so the exit status and the output the
# suites check are the program's, unless valgrind finds an invalid access,
# a use of uninitialised memory or a definite, indirect or possible leak:
# the exit status is 99 then. The Makefile scans the logs afterwards.
# AGS_VG_BUILD: the build folder (default build-valgrind beside tests/);
# AGS_VG_LOGS: the log folder (default its vglogs; writable by the user
# e2e_hostile.sh switches to).
here=$(cd "$(dirname "$0")" && pwd)
build=${AGS_VG_BUILD:-$here/../build-valgrind}
logs=${AGS_VG_LOGS:-$build/vglogs}
# PIDs wrap around during a long run: the time keeps log names unique.
exec valgrind --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
	--vgdb=no --log-file="$logs/vg.$$.$(date +%s%N).log" \
	"${AGS_VG_PROG:-$build/agreesign}" "$@"
