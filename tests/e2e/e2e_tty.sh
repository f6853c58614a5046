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

# run ANSWERS CMD...: CMD at a terminal, each answer typed after a
# "Passphrase" prompt (tests/e2e/pty_run.py).
run() { "$PY" "$ROOT/tests/e2e/pty_run.py" "$@"; }

run 'tiger lily|tiger lily' "$A" keygen -o tk --name "Terminal Signer" --kdf-cost min >out 2>&1
[ $? = 0 ] && ok || bad "keygen on a terminal: $(cat out)"
grep -q "Passphrase again" out && ok || bad "keygen did not ask twice"
grep -q "tiger" out && bad "the passphrase was echoed" || ok
grep -q "kdf: argon2id13" tk.key && ok || bad "key not sealed"

run 'tiger lily|tiger lilz' "$A" keygen -o tk2 --name "T" --kdf-cost min >out 2>&1
[ $? = 2 ] && grep -q "passphrases differ" out && ok || bad "differing passphrases: $(cat out)"
[ ! -e tk2.key ] && ok || bad "key written after differing passphrases"

# An existing pair is refused before the passphrase is asked (item 2).
run 'tiger lily|tiger lily' "$A" keygen -o tk --name "T" --kdf-cost min >out 2>&1
[ $? = 2 ] && ok || bad "keygen over an existing pair: $(cat out)"
has out "file exists"
lacks out "Passphrase"

# An empty passphrase says how to make a key without one (item 14).
run '|' "$A" keygen -o tk3 --name "T" --kdf-cost min >out 2>&1
[ $? = 2 ] && ok || bad "empty passphrase accepted: $(cat out)"
has out "--no-passphrase"
[ ! -e tk3.key ] && ok || bad "key written with an empty passphrase"

cp "$S" agr.txt
run 'tiger lily' "$A" sign -k tk.key agr.txt >out 2>&1
[ $? = 0 ] && ok || bad "sign on a terminal: $(cat out)"
grep -q "tiger" out && bad "the passphrase was echoed by sign" || ok
run 'wrong' "$A" sign -k tk.key -o w.sig.json agr.txt >out 2>&1
[ $? = 2 ] && grep -q "wrong passphrase" out && ok || bad "wrong passphrase: $(cat out)"

# A new passphrase on the terminal (item 16): the current one is asked
# first ("Current passphrase"), then the new one twice ("New passphrase",
# "New passphrase again"); run2 answers every prompt that says so.
run2() { "$PY" "$ROOT/tests/e2e/pty_run.py" --prompt assphrase "$@"; }
cp tk.key tk.key.0
run2 'wrong' "$A" keygen --change-passphrase tk.key --kdf-cost min >out 2>&1
[ $? = 2 ] && ok || bad "change with a wrong passphrase: $(cat out)"
has out "Current passphrase"
lacks out "New passphrase"
same tk.key tk.key.0
run2 'tiger lily|red rose|red rose' "$A" keygen --change-passphrase tk.key --kdf-cost min >out 2>&1
[ $? = 0 ] && ok || bad "change on a terminal: $(cat out)"
has out "New passphrase again"
lacks out "tiger"
lacks out "red rose"
run 'red rose' "$A" sign -k tk.key -o new.sig.json agr.txt >out 2>&1
[ $? = 0 ] && ok || bad "sign with the new passphrase: $(cat out)"
run2 'red rose|blue|green' "$A" keygen --change-passphrase tk.key --kdf-cost min >out 2>&1
[ $? = 2 ] && has out "passphrases differ" || bad "differing new passphrases: $(cat out)"
run 'red rose' "$A" sign -k tk.key -o new2.sig.json agr.txt >out 2>&1
[ $? = 0 ] && ok || bad "key changed by a failed change: $(cat out)"
rm -f new.sig.json new2.sig.json # the batch below counts envelopes
cp tk.key.0 tk.key # the tests below type the first passphrase

# Ending a passphrase prompt (issue 15, item 15): Ctrl-C, SIGTERM or
# SIGHUP puts the terminal back as it was (echo on) and the command dies
# of the signal, which a shell reports as 128 + its number; nothing is
# written and no error follows. dash, unlike bash, does not restore the
# terminal's modes itself when a job ends, so the interactive cases run
# from dash: the shell a user typed the command into.
cat >sig_driver.py <<'PY'
# sig_driver.py HOW CMD...: runs CMD on a new pseudo-terminal, types
# "tig" at its first "Passphrase" prompt and then ends the prompt with
# HOW: "ctrl-c" types Ctrl-C; INT, TERM or HUP sends that signal to the
# terminal's foreground process group. With SHELL=path in the
# environment, CMD runs from an interactive SHELL instead (as a user
# would type it), and its status is printed as "status=N". Prints what
# the terminal showed, then "terminal echo: on" or "off"; exits with
# CMD's status (128 + N when it died of signal N).
import fcntl, os, select, signal, sys, termios, time
how, argv = sys.argv[1], sys.argv[2:]
shell = os.environ.get("SHELL_UNDER_TEST")
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    # A user's terminal session: no signal ignored. An ignored signal is
    # inherited as ignored, and the background job of a non-interactive
    # shell (make check from a script, a job runner) ignores SIGINT and
    # SIGQUIT; the command under test, like dash, rightly keeps ignoring
    # it, and the Ctrl-C cases would wait for the deadline.
    for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP,
              signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_DFL)
    if shell:
        os.execve(shell, [shell, "-i"], dict(os.environ, PS1="$ ", ENV=""))
    os.execv(argv[0], argv)
seen, sent = b"", False
def pump(wait, idle=True):
    global seen
    r, _, _ = select.select([master], [], [], wait)
    if not r:
        return idle
    try:
        chunk = os.read(master, 4096)
    except OSError:
        return False
    seen += chunk
    return bool(chunk)
if shell:
    line = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
    os.write(master, line.encode() + b"\n")
asked = False
note = b""
deadline = time.time() + 60
status, done = None, 0
while time.time() < deadline:
    if not pump(0.1):
        break
    if not sent and b"Passphrase" in seen:
        time.sleep(0.3)
        if how == "ctrl-c":
            os.write(master, b"tig\x03")
        else:
            os.write(master, b"tig")
            time.sleep(0.1)
            # From a shell, the command's own group must hold the
            # terminal (a signal to the shell's group would miss it).
            for _ in range(100):
                if os.tcgetpgrp(master) != pid:
                    break
                time.sleep(0.05)
            target = os.tcgetpgrp(master)
            # What a failure report needs to tell a lost signal from
            # one sent to the wrong group.
            note += b"driver: SIG%s to group %d (shell %d)\n" % (
                how.encode(), target, pid)
            os.killpg(target, getattr(signal, "SIG" + how))
        sent = True
    after = seen.split(b"Passphrase")[-1] if sent else b""
    if shell and not asked and b"$ " in after:
        os.write(master, b'echo "status=$?"\n')
        asked = True
    if shell and asked and b"status=1" in after.replace(b"status=$", b""):
        os.write(master, b"exit\n")
        shell = None
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    note += b"driver: timed out\n"
    os.kill(pid, signal.SIGKILL)
    done, status = os.waitpid(pid, 0)
if not done:
    # The terminal closed before the process ended (the shell died).
    _, status = os.waitpid(pid, 0)
    note += b"driver: terminal closed first; status %d\n" % status
while pump(0.2, False) and len(seen) < 1 << 20:
    pass
try:
    echo = b"on" if termios.tcgetattr(slave)[3] & termios.ECHO else b"off"
except OSError as e:  # a terminal hung up
    echo = b"unknown (%s)" % str(e).encode()
sys.stdout.buffer.write(note + seen + b"\nterminal echo: " + echo + b"\n")
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
PY
sig() { /usr/bin/python3 sig_driver.py "$@"; }

sig ctrl-c "$A" keygen -o int1 --name "T" --kdf-cost min >out 2>&1
[ $? = 130 ] && ok || bad "keygen after Ctrl-C: exit status: $(cat out)"
has out "terminal echo: on"
lacks out "agreesign:"
[ ! -e int1.key ] && [ ! -e int1.pub ] && ok || bad "key written after Ctrl-C"
sig TERM "$A" sign -k tk.key -o int.sig.json agr.txt >out 2>&1
[ $? = 143 ] && ok || bad "sign after SIGTERM: exit status: $(cat out)"
has out "terminal echo: on"
# sign shows its summary ("agreesign: signing ...") before the prompt;
# nothing may follow the prompt.
sed -n '/Passphrase for/,$p' out >after
has after "Passphrase for"
lacks after "agreesign: "
[ ! -e int.sig.json ] && ok || bad "envelope written after SIGTERM"
if [ -x /bin/dash ]; then
	for s in ctrl-c:130 INT:130 TERM:143 HUP:129; do
		SHELL_UNDER_TEST=/bin/dash sig "${s%:*}" "$A" keygen -o int2 --name "T" --kdf-cost min >out 2>&1
		has out "status=${s#*:}"
		has out "terminal echo: on"
		SHELL_UNDER_TEST=/bin/dash sig "${s%:*}" "$A" sign -k tk.key -o int.sig.json agr.txt >out 2>&1
		has out "status=${s#*:}"
		has out "terminal echo: on"
	done
	[ ! -e int2.key ] && [ ! -e int.sig.json ] && ok || bad "written after a signal under dash"
else
	echo "tty: no /bin/dash: the prompt's signals were tested without it"
fi

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

# --- sign and countersign show everything they sign first, then ask for
# the passphrase naming the key; what they can refuse without the secret
# they refuse before any prompt (issue 15, items 3 and 4).
TKID=$(sed -n 's/^key-id: //p' tk.pub)
# before FILE FIRST SECOND: FIRST appears on an earlier line of FILE than
# SECOND (both present).
before() {
	local a b
	a=$(grep -nF -- "$2" "$1" | head -1 | cut -d: -f1)
	b=$(grep -nF -- "$3" "$1" | head -1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then ok; else
		bad "'$2' not before '$3': $(cat "$1")"
	fi
}
# no_prompt STATUS TEXT ANSWER CMD...: CMD exits STATUS on the terminal,
# says TEXT, and never asks for a passphrase.
no_prompt() {
	local want=$1 text=$2 got
	shift 2
	run "$@" >out 2>&1
	got=$?
	[ "$got" = "$want" ] && ok || bad "exit $got, wanted $want: ${*:2} :: $(cat out)"
	grep -q "Passphrase" out && bad "asked for a passphrase before refusing: ${*:2} :: $(cat out)" || ok
	grep -qF -- "$text" out && ok || bad "no '$text': ${*:2} :: $(cat out)"
}
cp "$S" sum.txt
run 'tiger lily' "$A" sign -k tk.key --time 2026-12-01T10:00:00Z sum.txt >out 2>&1
[ $? = 0 ] && ok || bad "sign: $(cat out)"
grep -qF "Passphrase for tk.key (key $TKID): " out && ok || bad "the prompt does not name the key: $(cat out)"
before out "agreesign: signing" "Passphrase for"
before out "  text: " "Passphrase for"
before out "  signer:       Terminal Signer as author, key $TKID, at 2026-12-01T10:00:00Z" "Passphrase for"
grep -q "wrote sum.txt.sig.json" out && ok || bad "sign wrote nothing: $(cat out)"

# countersign: each accepted signature (signer, role, key id, claimed
# time) before the prompt.
cp "$K/demo.trust" tty.trust
"$A" trust add -t tty.trust --role publisher tk.pub 2>/dev/null
cp "$S" cs.txt
"$A" sign -k "$K/demo-author.key" --time 2026-12-01T09:00:00Z cs.txt 2>/dev/null
AID=$(sed -n 's/^key-id: //p' "$K/demo-author.pub")
run 'tiger lily' "$A" countersign -k tk.key -t tty.trust cs.txt >out 2>&1
[ $? = 0 ] && ok || bad "countersign: $(cat out)"
before out "  accepting:    1 signature, verified against tty.trust" "Passphrase for tk.key (key $TKID): "
before out "  signature 1:  Inès Marović-Saldaña <ines@example.org> (ORCID 0000-0002-1825-0097) as author, key $AID, claimed 2026-12-01T09:00:00Z" "Passphrase for"
before out "  signer:       Terminal Signer as publisher, key $TKID, at " "Passphrase for"
cp cs.txt.sig.json cs.before
# Refused before any prompt, the envelope left as it was:
no_prompt 2 "key $TKID has already signed this envelope" 'tiger lily' "$A" countersign -k tk.key -t tty.trust cs.txt
printf 'tiger lily\n' >tp
"$A" keygen -o tc --name "Second Signer" --kdf-cost min --passphrase-file tp 2>/dev/null
no_prompt 2 "envelope is countersigned" 'tiger lily' "$A" sign --append --role co-author -k tc.key cs.txt
no_prompt 2 "envelope exists: use --append" 'tiger lily' "$A" sign -k tk.key cs.txt
cmp -s cs.txt.sig.json cs.before && ok || bad "a refused command changed the envelope"
no_prompt 2 "no such folder" 'tiger lily' "$A" sign -k tk.key -o nofolder/x.sig.json cs.txt
[ ! -e nofolder ] && ok || bad "sign made a folder"
sed 's/^key-id: ./key-id: 0/' tk.key >bad.key
chmod 600 bad.key
grep -q "^key-id: 0" bad.key && ! cmp -s bad.key tk.key || sed -i 's/^key-id: 0/key-id: 1/' bad.key
no_prompt 2 "bad.key: line 2: key-id does not match public-key" 'tiger lily' "$A" sign -k bad.key -o b.sig.json cs.txt
no_prompt 2 "--time" 'tiger lily' "$A" sign -k tk.key --time yesterday -o t.sig.json cs.txt
# The trust check of countersign: an author signature it cannot verify.
cp "$S" un.txt
"$A" sign -k "$K/demo-author.key" un.txt 2>/dev/null
printf 'agreesign trust v1\n' >empty.trust
"$A" trust add -t empty.trust --role publisher tk.pub 2>/dev/null
no_prompt 1 "signature 1 does not verify" 'tiger lily' "$A" countersign -k tk.key -t empty.trust un.txt
[ ! -e b.sig.json ] && [ ! -e t.sig.json ] && ok || bad "a refused sign wrote an envelope"

finish tty
