#!/usr/bin/env bash
# What happens on a terminal: passphrases are read from it without echo,
# and verify --batch draws a progress bar there (and only there).
# Usage: tests/e2e/e2e_tty.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# A machine without pseudo-terminals (a chroot with no /dev/pts) cannot run
# these tests at all: say so, and skip rather than fail.
if ! /usr/bin/python3 -c 'import os; os.openpty()' 2>/dev/null; then
	echo "tty: no pseudo-terminal can be opened here: skipped"
	finish tty
	exit
fi

# term_driver.py ANSWERS CMD...: runs CMD on a new pseudo-terminal (its controlling
# terminal), types each answer after each "Passphrase" prompt, prints what
# the terminal showed and exits with CMD's status.
cat >term_driver.py <<'PY'
import os, pty, sys, time
answers = sys.argv[1].split("|") if sys.argv[1] else []
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
seen = b""
deadline = time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while answers and seen.count(b"Passphrase") > seen.count(b"\x00typed"):
        os.write(fd, answers.pop(0).encode() + b"\n")
        seen += b"\x00typed"
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen.replace(b"\x00typed", b""))
sys.exit(os.waitstatus_to_exitcode(status))
PY
run() { /usr/bin/python3 term_driver.py "$@"; }

run 'tiger lily|tiger lily' "$A" keygen -o tk --name "Terminal Signer" --kdf-cost min >out 2>&1
[ $? = 0 ] && ok || bad "keygen on a terminal: $(cat out)"
grep -q "Passphrase again" out && ok || bad "keygen did not ask twice"
grep -q "tiger" out && bad "the passphrase was echoed" || ok
grep -q "kdf: argon2id13" tk.key && ok || bad "key not sealed"

run 'tiger lily|tiger lilz' "$A" keygen -o tk2 --name "T" --kdf-cost min >out 2>&1
[ $? = 2 ] && grep -q "passphrases differ" out && ok || bad "differing passphrases: $(cat out)"
[ ! -e tk2.key ] && ok || bad "key written after differing passphrases"

cp "$S" agr.txt
run 'tiger lily' "$A" sign -k tk.key agr.txt >out 2>&1
[ $? = 0 ] && ok || bad "sign on a terminal: $(cat out)"
grep -q "tiger" out && bad "the passphrase was echoed by sign" || ok
run 'wrong' "$A" sign -k tk.key -o w.sig.json agr.txt >out 2>&1
[ $? = 2 ] && grep -q "wrong passphrase" out && ok || bad "wrong passphrase: $(cat out)"

# The progress bar: on a terminal by default, never with --no-progress or -q.
for i in 1 2 3; do
	cp agr.txt a$i.txt
	"$A" sign -k "$K/demo-author.key" a$i.txt 2>/dev/null
done
run '' "$A" verify --batch "$T" -t "$K/demo.trust" >out 2>&1
grep -q "4/4" out && grep -q "ETA" out && ok || bad "no progress bar: $(cat out)"
run '' "$A" verify --batch "$T" -t "$K/demo.trust" --no-progress >out 2>&1
grep -q "ETA" out && bad "progress bar despite --no-progress" || ok
"$A" verify --batch "$T" -t "$K/demo.trust" >out 2>err
grep -q "ETA" err && bad "progress bar on a non-terminal" || ok

finish tty
