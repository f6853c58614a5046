"""pty_run.py [--prompt WORD] [--repeat] [--timeout S] ANSWERS CMD...

Runs CMD on a new pseudo-terminal (its controlling terminal) and types
the answers, separated by "|", one after each appearance of WORD (by
default "Passphrase") in what the terminal shows; with --repeat the last
answer is typed at every later appearance too. Prints what the terminal
showed (without the answers, which the terminal does not echo when asked
for a passphrase) and exits with CMD's status: 128 + N when it died of
signal N, 137 when still running after the timeout (it is killed then).
The e2e suites' terminal."""
import os, pty, select, signal, sys, time

args = sys.argv[1:]
word, repeat, timeout = b"Passphrase", False, 60.0
while args and args[0].startswith("--"):
    opt = args.pop(0)
    if opt == "--prompt":
        word = args.pop(0).encode()
    elif opt == "--repeat":
        repeat = True
    elif opt == "--timeout":
        timeout = float(args.pop(0))
    else:
        sys.exit("pty_run.py: unknown option " + opt)
answers = args[0].split("|") if args[0] else []
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[1], args[1:])
seen, typed, last = b"", 0, None
deadline = time.time() + timeout
while time.time() < deadline:
    if not select.select([fd], [], [], max(0, deadline - time.time()))[0]:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while seen.count(word) > typed and (answers or (repeat and last)):
        last = answers.pop(0) if answers else last
        os.write(fd, last.encode() + b"\n")
        typed += 1
else:
    # Still running at the deadline: end it rather than wait for ever.
    os.kill(pid, signal.SIGKILL)
    sys.stderr.write("pty_run.py: timed out after %g s\n" % timeout)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
