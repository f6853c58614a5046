#!/usr/bin/env bash
# The README's commands, as a new user runs them: every command of the
# README's shell blocks from "Worked example" to "Exit codes", in order, on
# a fresh account (HOME is an empty folder) at a real terminal (a
# pseudo-terminal that types each passphrase when asked). A command passes
# when it exits 0, or with N when its comment says "exit N".
# Usage: tests/e2e/e2e_readme.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

if ! "$PY" -c 'import os; os.openpty()' 2>/dev/null; then
	echo "readme: no pseudo-terminal can be opened here: skipped"
	finish readme
	exit
fi
# The template workflow needs an agreement of the PMLR form: the shipped
# template filled in (its first line dropped, fields given values,
# optional decorations left out, the first spelling of each choice).
sed -e '1d' -e 's/{{title}}/Resilient Signatures for Long-Lived Archives/' \
	-e 's/{{corresponding_author}}/Inès Marović-Saldaña/' \
	-e 's/{{agreement_date:date}}/4 December 2026/' \
	-e 's/{{?[^}]*}}//g' -e 's/{{\([^|}]*\)|[^}]*}}/\1/g' \
	"$ROOT/spec/templates/pmlr-open-access.tmpl" >agreement.txt
check "the filled-in template still holds a field: $(grep -m1 '{{' agreement.txt)" \
	sh -c "! grep -q '{{' agreement.txt"

# The commands, one per line (a backslash joins lines), with the status
# each must end with. The GNU parallel line needs remote hosts:
# tests/e2e/e2e_shard.sh runs it against an sshd of its own.
"$PY" - "$ROOT/README.md" >commands.tsv <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
part = text[text.index("\n## Worked example\n"):text.index("\n## Exit codes\n")]
for block in re.findall(r"\n```sh\n(.*?)\n```", part, re.S):
    for line in block.replace("\\\n", " ").split("\n"):
        cmd = line.strip()
        if not cmd or cmd.startswith("#") or "--sshlogin" in cmd:
            continue
        want = re.search(r"#.*\bexit (\d)\b", cmd)
        print(f"{want.group(1) if want else 0}\t{cmd}")
PY
[ "$(wc -l <commands.tsv)" -ge 20 ] && ok || bad "too few README commands: $(cat commands.tsv)"

# What the other people of the story hand over, made before the command
# that needs it: the co-author's and the publisher's keys, the author's
# .pub sent to the publisher, an archive's manifest and folder, the
# template the publisher keeps. Keys are made at the terminal too.
cat >handover.sh <<'SH'
handover() {
	case "$1" in
	*"-k tomas.key"*)
		agreesign keygen -o tomas --name "Tomás Ruiz" --kdf-cost min ;;
	*"trust add -t authors.trust ines.pub"*)
		cp ~/.agreesign/ines.pub . &&
			agreesign keygen -o press --name "Example Open Press" --kdf-cost min ;;
	*"verify --batch manifest.jsonl"*)
		mkdir -p vol7 archive/vol1 &&
			cp agreement.txt agreement.txt.sig.json vol7/ &&
			mv vol7/agreement.txt vol7/paper12.txt &&
			mv vol7/agreement.txt.sig.json vol7/paper12.txt.sig.json &&
			cp vol7/paper12.* archive/vol1/ &&
			echo '{"agreement": "vol7/paper12.txt", "id": "vol7-12"}' >manifest.jsonl ;;
	*"pmlr-open-access.tmpl agreement.txt"*)
		cp "$ROOT/spec/templates/pmlr-open-access.tmpl" . ;;
	esac
}
SH
# The session: each command as typed, its status into status.txt (not on
# the terminal, where the commands write).
{
	echo "cd '$T/work' || exit 99"
	echo "ROOT='$ROOT'"
	echo ". '$T/handover.sh'"
	# The status of the command before is put back after a handover, for
	# the README's "echo \$?".
	echo 'rc=0; last() { return $rc; }'
	n=0
	while IFS=$'\t' read -r want cmd; do
		n=$((n + 1))
		printf 'handover %q >>handover.log 2>&1 || echo "handover %d failed" >>%q\n' \
			"$cmd" "$n" "$T/status.txt"
		printf 'last\n%s\n' "$cmd"
		printf 'rc=$?; echo "%d %s $rc" >>%q\n' "$n" "$want" "$T/status.txt"
	done <commands.tsv
} >session.sh

mkdir -p home bin work
# agreesign on PATH runs the binary under test (a script, not a link: the
# valgrind wrapper finds its build folder from its own path)
printf '#!/bin/sh\nexec %q "$@"\n' "$A" >bin/agreesign
chmod +x bin/agreesign
mv agreement.txt work/agreement.txt

# The terminal (tests/e2e/pty_run.py): the passphrase is typed after
# each prompt that asks for one.
env -u AGREESIGN_KEY HOME="$T/home" PATH="$T/bin:$PATH" \
	"$PY" "$ROOT/tests/e2e/pty_run.py" --prompt assphrase --repeat --timeout 600 \
	'correct horse battery' /bin/bash --norc --noprofile session.sh >terminal.txt 2>&1
check "the session ended badly: $(tail -c 600 terminal.txt)" test $? = 0

# Every command, with the status its line wants.
n=0
while IFS=$'\t' read -r want cmd; do
	n=$((n + 1))
	got=$(sed -n "s/^$n $want //p" status.txt)
	if [ "$got" = "$want" ]; then ok; else
		bad "README command $n exited ${got:-(not run)}, wanted $want: $cmd"
	fi
done <commands.tsv
lacks status.txt "handover"
# What the commands were to do, seen from outside.
check "~/.agreesign is not a private folder" test "$(stat -c %a home/.agreesign)" = 700
check "the author's key is not sealed" grep -q "kdf: argon2id13" home/.agreesign/ines.key
check "no envelope beside the agreement" test -s work/agreement.txt.sig.json
check "the template's envelope is missing" test -s work/pmlr-open-access.tmpl.sig.json
check "the archive's result is not one verified line" \
	"$PY" -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(not (len(r)==1 and r[0]["verified"] and r[0]["id"]=="vol7-12"))' work/results.jsonl
check "the report does not say verified" grep -q "<h1>Verified</h1>" work/agreement.html
has terminal.txt "revoked"
lacks terminal.txt "correct horse"
lacks terminal.txt "warning"
# A failure shows the terminal's last lines and the statuses.
if [ "$fail" != 0 ]; then
	echo "readme: the terminal ended with:" >&2
	tail -n 40 terminal.txt >&2
	echo "readme: statuses: $(tr '\n' ' ' <status.txt)" >&2
fi
finish readme
