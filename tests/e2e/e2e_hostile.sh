#!/usr/bin/env bash
# Hostile inputs (issue 6): for each input kind (agreement, envelope, .pub,
# .key, trust file, passphrase file, batch manifest) an empty file, cuts at
# every field boundary, oversized files, invalid UTF-8, NUL bytes, deep
# JSON, duplicate keys, numbers out of range, a symlink to /dev/zero, a
# FIFO, a directory, a missing and an unreadable file; outputs that cannot
# be written; and processes killed with SIGKILL while they replace a file.
# Each refusal must be one line "agreesign: FILE: problem" on stderr with
# exit 2 (1 for a verification failure), no crash (exit < 128, no hang),
# and no file changed, created or left behind.
# Usage: tests/e2e/e2e_hostile.sh path/to/agreesign
# AGS_KILL_LOOPS sets the number of SIGKILL runs: 300 by default, 40 under
# valgrind and the sanitizers (AGS_SANITIZED), where each run pays their
# start-up and 300 took a quarter of an hour; what a kill must not break
# (the rename) is tested by the 300 of the plain build.
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
W=$T/w # everything the commands may see; out, err and notes live in $T
MNT=
KD= # the SIGKILL tests' folder: on tmpfs when there is one (no fsync cost)
# Before $T is removed: the tmpfs mounted in it goes, the files locked
# for the permission tests become removable, and the SIGKILL folder
# (outside $T when on /dev/shm) goes too.
undo_mounts_and_locks() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	chmod -R u+rwX "$T" 2>/dev/null
	[ -n "$KD" ] && rm -rf "$KD"
}
at_exit undo_mounts_and_locks
mkdir "$W"
chmod 755 "$T" "$W" # readable by "nobody" for the permission tests
cd "$W" || exit 2
notes=()

note() { notes+=("$*"); }
# AGS_TIMING=1 prints the seconds each section took.
last=$SECONDS
section() {
	[ -n "${AGS_TIMING:-}" ] && echo "time: $((SECONDS - last)) s before: $1" >&2
	last=$SECONDS
}

# The state of every name under $W: type, size, inode, mode, link target,
# and the change and modification times (nanoseconds: any write shows).
# Folders by name and mode only (a temporary file coming and going
# changes their times); lock files of trust edits are expected.
# (Unsorted: a folder whose names are the same lists them the same way.)
snap() {
	find "$W" -not -name '*.lock' \( -type d -printf '%p d %m\n' -o \
		-printf '%p %y %s %i %m %T@ %C@ %l\n' \) 2>/dev/null
}

# run CMD...: runs CMD; $rc, $T/out, $T/err. Where a hang is the risk (a
# FIFO), with a time limit: exit 137 then.
run() {
	case "$*" in
	*fifo*) timeout -s KILL 20 "$@" >"$T/out" 2>"$T/err" </dev/null ;;
	*) "$@" >"$T/out" 2>"$T/err" </dev/null ;;
	esac
	rc=$?
}

# refuse WANT SUBJECT CMD...: CMD exits WANT with one line on stderr that
# starts "agreesign: " and names SUBJECT, and changes nothing under $W.
refuse() {
	local want=$1 subject=$2 before after
	shift 2
	before=$(snap)
	run "$@"
	after=$(snap)
	# What sign shows before it signs is not part of the error.
	grep -av -e '^agreesign: signing$' -e '^  ' "$T/err" >"$T/err1"
	if [ "$rc" != "$want" ]; then
		bad "exit $rc (wanted $want): ${*##*/} :: $(head -c 300 "$T/err")"
	elif [ "$(wc -l <"$T/err1")" != 1 ] || ! grep -q '^agreesign: ' "$T/err1"; then
		bad "not one 'agreesign: ' line: ${*##*/} :: $(head -c 300 "$T/err")"
	elif ! grep -qF -- "$subject" "$T/err1"; then
		bad "message does not name $subject: ${*##*/} :: $(head -c 300 "$T/err")"
	elif [ "$before" != "$after" ]; then
		bad "files changed: $* :: $(diff <(echo "$before") <(echo "$after") | head -5)"
	else
		ok
	fi
}

# allow WANT CMD...: CMD exits WANT (no crash) and changes nothing.
allow() {
	local want=$1 before after
	shift
	before=$(snap)
	run "$@"
	after=$(snap)
	if [ "$rc" != "$want" ]; then
		bad "exit $rc (wanted $want): $* :: $(head -c 300 "$T/err")"
	elif [ "$before" != "$after" ]; then
		bad "files changed: $* :: $(diff <(echo "$before") <(echo "$after") | head -5)"
	else
		ok
	fi
}

# --- fixtures: copies, so that nothing outside $W can change
cp "$S" agr.txt
cp "$V/envelopes/signed.sig.json" good.sig.json
cp "$V/envelopes/countersigned.sig.json" cs.sig.json
cp "$K"/demo-*.key "$K"/demo-*.pub "$K"/demo.trust .
chmod 600 ./*.key
printf 'fuzz passphrase\n' >pass.txt
"$A" keygen -o sealed --name "Sealed Signer" --kdf-cost min \
	--passphrase-file pass.txt >/dev/null 2>&1 || bad "keygen sealed"
"$A" sign -k sealed.key --passphrase-file pass.txt --time 2026-01-01T00:00:00Z \
	-o sealed.sig.json agr.txt >/dev/null 2>&1 || bad "sign sealed"
printf '{"agreement":"agr.txt","envelope":"good.sig.json","id":"one"}\n' >ok.jsonl
mkdir h # hostile inputs go here, one per test
# keygen checks its output folder before it reads a passphrase: one that
# the other user below may write in too, so that the passphrase file is
# what fails.
mkdir -m 1777 open

TRUST=demo.trust
# The commands that read each kind of input; FILE is where it goes.
kind_cmds() {
	case $1 in
	agreement) echo "canon FILE|verify -t $TRUST -e good.sig.json FILE|sign -k demo-author.key -o new.sig.json FILE" ;;
	envelope) echo "inspect FILE|verify -t $TRUST -e FILE agr.txt|countersign -k demo-publisher.key -t $TRUST -e FILE agr.txt" ;;
	pub) echo "verify -p FILE -e good.sig.json agr.txt" ;;
	key) echo "sign -k FILE -o new.sig.json agr.txt" ;;
	trust) echo "verify -t FILE -e good.sig.json agr.txt|countersign -k demo-publisher.key -t FILE -e good.sig.json agr.txt" ;;
	pass) echo "sign -k sealed.key --passphrase-file FILE -o new.sig.json agr.txt|keygen -o open/newkey --name N --kdf-cost min --passphrase-file FILE" ;;
	esac
}

# refuse_kind KIND FILE WANT SUBJECT: every command of KIND refuses FILE.
refuse_kind() {
	local kind=$1 file=$2 want=$3 subject=$4 c
	local IFS='|'
	for c in $(kind_cmds "$kind"); do
		IFS=' ' read -r -a argv <<<"${c//FILE/$file}"
		refuse "$want" "$subject" "$A" "${argv[@]}"
	done
}

KINDS="agreement envelope pub key trust pass"
good_of() {
	case $1 in
	agreement) echo agr.txt ;; envelope) echo cs.sig.json ;;
	pub) echo demo-author.pub ;; key) echo demo-author.key ;;
	trust) echo demo.trust ;; pass) echo pass.txt ;;
	esac
}

section "the fixtures work"
# --- the fixtures work, so every refusal below is about the hostile file
allow 0 "$A" verify -t "$TRUST" -e good.sig.json agr.txt
allow 0 "$A" verify -t "$TRUST" --require-role author,publisher -e cs.sig.json agr.txt
allow 0 "$A" verify -p demo-author.pub -e good.sig.json agr.txt
allow 0 "$A" verify -p sealed.pub -e sealed.sig.json agr.txt

section "every kind"
# --- every kind: empty, NUL, a directory, a FIFO, /dev/zero, missing
for kind in $KINDS; do
	f=h/empty.$kind
	: >"$f"
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/nul.$kind
	{ head -c 4 "$(good_of "$kind")"; printf '\0'; tail -c +5 "$(good_of "$kind")"; } >"$f"
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/dir.$kind
	mkdir "$f"
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/fifo.$kind
	mkfifo "$f"
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/zero.$kind
	ln -s /dev/zero "$f"
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/missing.$kind
	refuse_kind "$kind" "$f" 2 "$f"
	f=h/dangling.$kind
	ln -s "$W/h/nowhere" "$f"
	refuse_kind "$kind" "$f" 2 "$f"
	rm -rf h/*
done

section "oversized"
# --- oversized: sparse 1 GiB files (refused by size, never read), and a
# 10 MB line
for kind in $KINDS; do
	f=h/giant.$kind
	truncate -s 1G "$f"
	refuse_kind "$kind" "$f" 2 "$f"
	rm -f "$f"
done
head -c 10000000 /dev/zero | tr '\0' 'a' >h/line10m
for kind in envelope pub key trust pass; do
	cp h/line10m "h/long.$kind"
	refuse_kind "$kind" "h/long.$kind" 2 "h/long.$kind"
	rm -f "h/long.$kind"
done
# A 10 MB line is a legal agreement (the limit is 16 MiB): it is read,
# does not match the signature, and nothing crashes.
allow 1 "$A" verify -t "$TRUST" -e good.sig.json h/line10m
# 4 MB of two alternating combining marks: canonical ordering in linear
# time (it once took hours).
python3 -c 'import sys; sys.stdout.write("a" + "\u0301\u0323" * 1000000 + "\n")' >h/marks.txt
allow 1 timeout -s KILL 60 "$A" verify -t "$TRUST" -e good.sig.json h/marks.txt
{ cat h/line10m h/line10m; } >h/agr20m
refuse_kind agreement h/agr20m 2 h/agr20m
rm -f h/*

section "invalid UTF-8 (bytes C3 28"
# --- invalid UTF-8 (bytes C3 28: a lead byte without its continuation)
sed '3s/$/ \xc3\x28/' agr.txt >h/bad.agreement
refuse_kind agreement h/bad.agreement 2 "h/bad.agreement: line 3, column"
sed 's/Marovi/Marov\xff/' cs.sig.json >h/bad.envelope
refuse_kind envelope h/bad.envelope 2 h/bad.envelope
for kind in pub key; do
	sed 's/^name: Inès/name: In\xe8s/' "$(good_of $kind)" >"h/bad.$kind"
	refuse_kind "$kind" "h/bad.$kind" 2 "h/bad.$kind: line 4"
done
sed 's/^"Inès/"In\xe8s/' demo.trust >h/bad.trust
refuse_kind trust h/bad.trust 2 "h/bad.trust: line 4"
# A passphrase is bytes: invalid UTF-8 is only a wrong passphrase.
printf 'fuzz \xff passphrase\n' >h/bad.pass
refuse 2 "wrong passphrase" "$A" sign -k sealed.key --passphrase-file h/bad.pass -o new.sig.json agr.txt
rm -f h/*

section "cut short at every field boundary"
# --- cut short at every field boundary
# Envelope (one field a line): after every line, and in the middle of
# every fourth line.
for off in $(awk '{ if (NR % 4 == 0) print n + int(length($0) / 2); n += length($0) + 1; print n }' cs.sig.json); do
	[ "$off" -ge "$(wc -c <cs.sig.json)" ] && continue
	head -c "$off" cs.sig.json >h/cut.envelope
	refuse 2 "h/cut.envelope" "$A" inspect h/cut.envelope
done
refuse_kind envelope h/cut.envelope 2 h/cut.envelope
# Key files: after each line, before each final LF, after each "name: ".
cut_lines() { # FILE: prints "bytes" offsets of every field boundary
	awk '{ n += length($0) + 1; print n; print n - 1; i = index($0, ": "); if (i) print n - length($0) - 1 + i + 1 }' "$1"
}
for kind in pub key; do
	good=$(good_of $kind)
	size=$(wc -c <"$good")
	for off in 0 $(cut_lines "$good"); do
		[ "$off" -ge "$size" ] && continue
		head -c "$off" "$good" >"h/cut.$kind"
		if [ $kind = pub ] && [ "$off" -ge "$(grep -b '^name: ' "$good" | cut -d: -f1)" ] &&
			[ "$(tail -c 1 "h/cut.$kind" | od -An -c | tr -d ' ')" = '\n' ] &&
			grep -q '^name: ' "h/cut.$kind"; then
			# A .pub cut after its name or e-mail line is a valid
			# .pub with less identity (spec/agreesign-v1.md, section 8).
			allow 0 "$A" verify -p "h/cut.$kind" -e good.sig.json agr.txt
		else
			refuse_kind "$kind" "h/cut.$kind" 2 "h/cut.$kind"
		fi
	done
done
# Trust file: a cut at a line end is a shorter trust file (it has no
# entry count); the signatures of the keys cut off must then not verify
# (exit 1). A cut inside a line is refused.
size=$(wc -c <demo.trust)
author_end=$(grep -b '^"Inès' demo.trust | cut -d: -f1)
for off in $(cut_lines demo.trust); do
	[ "$off" -ge "$size" ] && continue
	head -c "$off" demo.trust >h/cut.trust
	if [ "$(tail -c 1 h/cut.trust | od -An -c | tr -d ' ')" != '\n' ]; then
		refuse_kind trust h/cut.trust 2 h/cut.trust
	elif [ "$off" -gt "$author_end" ] && grep -q '^"Inès' h/cut.trust; then
		allow 0 "$A" verify -t h/cut.trust -e good.sig.json agr.txt
	elif [ "$off" -ge 19 ]; then
		allow 1 "$A" verify -t h/cut.trust -e good.sig.json agr.txt
	else
		refuse_kind trust h/cut.trust 2 h/cut.trust
	fi
done
# Agreement: after every line the text differs from the signed one (1);
# a cut inside a UTF-8 sequence is refused with its line and column (2).
n=$(wc -l <agr.txt)
for ((i = 1; i < n; i++)); do
	head -n "$i" agr.txt >h/cut.txt
	allow 1 "$A" verify -t "$TRUST" -e good.sig.json h/cut.txt
done
off=$(LC_ALL=C grep -b -o -a -P '[\xc2-\xf4]' agr.txt | head -1 | cut -d: -f1)
head -c "$((off + 1))" agr.txt >h/cut.txt
refuse_kind agreement h/cut.txt 2 "h/cut.txt: line"
# Passphrase: every prefix of the right one is a wrong one.
: >h/cut.pass
refuse 2 "h/cut.pass" "$A" sign -k sealed.key --passphrase-file h/cut.pass -o new.sig.json agr.txt
for ((i = 1; i < 15; i++)); do
	head -c "$i" pass.txt >h/cut.pass
	refuse 2 "sealed.key: wrong passphrase" "$A" sign -k sealed.key --passphrase-file h/cut.pass -o new.sig.json agr.txt
done
rm -f h/*

section "deep nesting"
# --- deep nesting: 100,000 levels of JSON
python3 -c 'print("[" * 100000 + "]" * 100000)' >h/deep.envelope
refuse_kind envelope h/deep.envelope 2 h/deep.envelope
python3 -c 'print("{\"format\":" + "{\"a\":" * 100000 + "1" + "}" * 100001)' >h/deep2.envelope
refuse_kind envelope h/deep2.envelope 2 h/deep2.envelope

section "duplicate keys and fields"
# --- duplicate keys and fields
sed '0,/"format"/s/"format": "agreesign-envelope\/v1",/"format": "agreesign-envelope\/v1", "format": "agreesign-envelope\/v1",/' cs.sig.json >h/dup.envelope
refuse_kind envelope h/dup.envelope 2 h/dup.envelope
sed '0,/"name": /s/"name": \("[^"]*"\),/"name": \1, "name": \1,/' cs.sig.json >h/dup2.envelope
refuse_kind envelope h/dup2.envelope 2 h/dup2.envelope
for kind in pub key; do
	sed '/^name: /p' "$(good_of $kind)" >"h/dup.$kind"
	refuse_kind "$kind" "h/dup.$kind" 2 "h/dup.$kind: line 5"
done
# A key that tries to forge a line or steer the terminal is escaped.
printf '{"format":"agreesign-envelope/v1","x\\nagreesign: verified\\u001b[2J":1}\n' >h/inj.envelope
refuse_kind envelope h/inj.envelope 2 'x\x0aagreesign: verified\x1b[2J'
sed '/^"Tom/p' demo.trust >h/dup.trust
refuse_kind trust h/dup.trust 2 "h/dup.trust: line 6"
sed 's/roles=co-author$/roles=co-author roles=author/' demo.trust >h/dup2.trust
refuse_kind trust h/dup2.trust 2 "h/dup2.trust: line 5"

section "numbers out of range"
# --- numbers out of range
for v in 9007199254740992 0 -1 1e400 2202.0 '"2202"' 99999999999999999999999; do
	sed "s/\"text_length\": [0-9]*/\"text_length\": $v/" good.sig.json >h/num.envelope
	refuse 2 h/num.envelope "$A" verify -t "$TRUST" -e h/num.envelope agr.txt
done
for t in 2026-02-29T10:00:00Z 1969-12-31T23:59:59Z 10000-01-01T00:00:00Z 2026-11-20T24:00:00Z; do
	sed "s/\"time\": \"[^\"]*\"/\"time\": \"$t\"/" good.sig.json >h/time.envelope
	refuse 2 h/time.envelope "$A" verify -t "$TRUST" -e h/time.envelope agr.txt
done
for kv in 'opslimit: 0' 'opslimit: 17' 'opslimit: 99999999999999999999999' 'opslimit: 01' \
	'memlimit: 8191' 'memlimit: 1073741825' 'memlimit: 18446744073709551616'; do
	sed "s/^kdf-${kv%%:*}: .*/kdf-$kv/" sealed.key >h/num.key
	refuse 2 "h/num.key: line" "$A" sign -k h/num.key --passphrase-file pass.txt -o new.sig.json agr.txt
done
for o in valid-after=2023-02-29T00:00:00Z valid-before=1969-01-01T00:00:00Z valid-after=10000-01-01T00:00:00Z revoked=2026-13-01T00:00:00Z; do
	sed "s/roles=co-author\$/roles=co-author $o/" demo.trust >h/num.trust
	refuse_kind trust h/num.trust 2 "h/num.trust: line 5"
done
rm -f h/*

section "a secret key"
# --- key files: created 0600 whatever the umask, a loose .key is used
# with a warning, a tampered sealed key is reported as such, a key whose
# public half is not its secret half's is refused
run bash -c 'umask 0 && exec "$0" keygen -o h/um --name "Umask Zero" --no-passphrase' "$A"
[ "$rc" = 0 ] && [ "$(stat -c %a h/um.key)" = 600 ] && [ "$(stat -c %a h/um.pub)" = 644 ] && ok ||
	bad "keygen under umask 0: exit $rc, h/um.key $(stat -c %a h/um.key), h/um.pub $(stat -c %a h/um.pub)"
run bash -c 'umask 077 && exec "$0" keygen -o h/um --force --name "Umask 077" --no-passphrase' "$A"
[ "$rc" = 0 ] && [ "$(stat -c %a h/um.key)" = 600 ] && ok || bad "keygen under umask 077: $(stat -c %a h/um.key)"
chmod 640 h/um.key
run "$A" sign -k h/um.key -o h/loose.sig.json agr.txt
[ "$rc" = 0 ] && grep -q '^agreesign: h/um.key: warning: secret key file is readable by others' "$T/err" && ok ||
	bad "no warning for a group-readable key: exit $rc: $(cat "$T/err")"
rm -f h/*
# --- a secret key: tampered, mismatched halves
sed 's/^name: Sealed Signer/name: Sealed Signet/' sealed.key >h/tampered.key
refuse 2 "wrong passphrase, or the key file was altered" "$A" sign -k h/tampered.key --passphrase-file pass.txt -o new.sig.json agr.txt
awk -F': ' 'NR==FNR { if ($1 == "key-id" || $1 == "public-key") v[$1] = $0; next }
	($1 in v) { print v[$1]; next } { print }' demo-coauthor.key demo-author.key >h/halves.key
refuse 2 "public key does not match the secret key" "$A" sign -k h/halves.key -o new.sig.json agr.txt
rm -f h/*

section "batch manifest"
# --- batch manifest: the file (exit 2), then its lines (each an error
# result on stdout, exit 1, the other lines still verified)
m() { printf '%s\n' "$@" >h/m.jsonl; }
for f in h/dir.jsonl h/missing.jsonl; do
	[ "$f" = h/dir.jsonl ] && continue # a folder is walked: a feature
	refuse 2 "$f" "$A" verify -t "$TRUST" --batch "$f"
done
ln -s /dev/zero h/zero.jsonl
refuse 2 h/zero.jsonl "$A" verify -t "$TRUST" --batch h/zero.jsonl
mkfifo h/fifo.jsonl # no writer: an empty stream, not a hang
allow 0 "$A" verify -t "$TRUST" --no-progress --batch h/fifo.jsonl
batch_line() { # LINE: one bad line then a good one
	printf '%s\n' "$1" >m.jsonl
	cat ok.jsonl >>m.jsonl
	allow 1 "$A" verify -t "$TRUST" --no-progress --batch m.jsonl
	if [ "$(grep -c '"result":"error"' "$T/out")" = 1 ] && grep -q '"verified":true' "$T/out"; then ok; else bad "batch line $(head -c 80 <<<"$1"): $(head -c 300 "$T/out")"; fi
}
batch_line '{"agreement":"agr.txt","agreement":"x"}'
batch_line "$(printf '{"agreement":"a\xffb"}')"
batch_line "$(python3 -c 'print("[" * 100000 + "]" * 100000)')" # too long
batch_line "$(python3 -c 'print("[" * 30000 + "]" * 30000)')"   # too deep
batch_line '{"agreement":"agr.txt","id":1e400}'
batch_line '{"agreement":"agr.txt"'
batch_line "$(head -c 10000000 /dev/zero | tr '\0' 'a')"
printf '{"agreement":"agr.txt"\0}\n' >m.jsonl
cat ok.jsonl >>m.jsonl
allow 1 "$A" verify -t "$TRUST" --no-progress --batch m.jsonl
grep -q 'NUL byte' "$T/out" && ok || bad "batch NUL line: $(head -c 300 "$T/out")"
rm -f m.jsonl
truncate -s 20M h/giant.jsonl # one 20 MB line of NUL bytes: bounded memory
allow 1 "$A" verify -t "$TRUST" --no-progress --batch h/giant.jsonl
rm -f h/*

section "unreadable files and folders"
# --- unreadable files and folders: root reads anything, so run as nobody
as_other=()
if [ "$(id -u)" != 0 ]; then
	as_other=()
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 644 ./*.key # nobody must read the good ones (it warns)
else
	note "unreadable files: skipped (root without setpriv)"
	as_other=(skip)
fi
refuse_kind_as() { # KIND FILE, run as the other user
	local c IFS='|'
	for c in $(kind_cmds "$1"); do
		IFS=' ' read -r -a argv <<<"${c//FILE/$2}"
		refuse 2 "$2" "${as_other[@]}" "$A" "${argv[@]}"
	done
}
if [ "${as_other[0]:-}" != skip ]; then
	for kind in $KINDS; do
		cp "$(good_of "$kind")" "h/locked.$kind"
		chmod 000 "h/locked.$kind"
		refuse_kind_as "$kind" "h/locked.$kind"
		mkdir -m 000 "h/lockdir.$kind"
		refuse_kind_as "$kind" "h/lockdir.$kind/x"
	done
	chmod -R u+rwX h
	chmod 600 ./*.key
	rm -rf h/*
fi

section "outputs that cannot be written"
# --- outputs that cannot be written
for c in "canon agr.txt" "extract agr.txt" "inspect cs.sig.json" \
	"verify -t $TRUST -e good.sig.json agr.txt" "verify --json -t $TRUST -e good.sig.json agr.txt"; do
	read -r -a argv <<<"$c"
	before=$(snap)
	"$A" "${argv[@]}" >/dev/full 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q 'standard output' "$T/err" &&
		[ "$before" = "$(snap)" ] && ok || bad "$c >/dev/full: exit $rc: $(cat "$T/err")"
done
# A device as the envelope: never replaced, even with --force.
if mknod h/full c 1 7 2>/dev/null; then
	refuse 2 "h/full: is not a regular file" "$A" sign --force -k demo-author.key -o h/full agr.txt
else
	note "device node output: skipped (mknod not permitted)"
fi
mkfifo h/fifo.out
refuse 2 "h/fifo.out: is not a regular file" "$A" sign --force -k demo-author.key -o h/fifo.out agr.txt
rm -f h/*
# A full disk, simulated with a file size limit of 1 KiB (SIGXFSZ
# ignored, so write() fails with EFBIG), works everywhere.
cp good.sig.json h/env.sig.json
xfsz=(bash -c 'trap "" XFSZ; ulimit -f 1; exec "$0" "$@"')
long=$(head -c 1000 /dev/zero | tr '\0' 'n')
refuse 2 "h/env.sig.json: cannot write" "${xfsz[@]}" "$A" sign --force -k demo-author.key --time 2026-02-02T00:00:00Z -o h/env.sig.json agr.txt
refuse 2 "h/kp.key: cannot write" "${xfsz[@]}" "$A" keygen -o h/kp --name "$long" --no-passphrase
rm -f h/*
# A small full tmpfs and a read-only one, when mounting is allowed.
mkdir fs
if mount -t tmpfs -o size=64k,mode=755 tmpfs fs 2>/dev/null; then
	MNT=$W/fs
	cp good.sig.json fs/env.sig.json
	cp demo.trust fs/t.trust
	head -c 100000 /dev/zero >fs/filler 2>/dev/null
	refuse 2 "fs/env.sig.json" "$A" sign --force -k demo-author.key --time 2026-02-02T00:00:00Z -o fs/env.sig.json agr.txt
	refuse 2 "fs/new.sig.json" "$A" sign -k demo-author.key -o fs/new.sig.json agr.txt
	refuse 2 "fs/kp" "$A" keygen -o fs/kp --name "Full Disk" --no-passphrase
	if "$A" trust --help >/dev/null 2>&1; then
		refuse 2 "fs/t.trust" "$A" trust add -t fs/t.trust sealed.pub
	fi
	rm -f fs/filler
	if mount -o remount,ro "$MNT" 2>/dev/null; then
		refuse 2 "fs/env.sig.json" "$A" sign --force -k demo-author.key --time 2026-02-02T00:00:00Z -o fs/env.sig.json agr.txt
		refuse 2 "fs/kp" "$A" keygen -o fs/kp --name "Read Only" --no-passphrase
	else
		note "read-only tmpfs: skipped (remount refused)"
	fi
	umount "$MNT" && MNT=
else
	note "full and read-only tmpfs: skipped (mount not permitted; the file size limit test stands in)"
fi
rmdir fs 2>/dev/null

section "SIGKILL at random moments while a file is replaced"
# --- SIGKILL at random moments while a file is replaced: afterwards the
# target is the old file or the complete new one, never a mix
LOOPS=300
[ -n "${AGS_SANITIZED:-}" ] && LOOPS=40
LOOPS=${AGS_KILL_LOOPS:-$LOOPS}
tmp_left() { find "$KD" -name '.*.tmp' | wc -l; }
# measure CMD...: sets delay_ms to the time CMD takes.
delay_ms=20
measure() {
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	e=$(date +%s%N)
	delay_ms=$(((e - s) / 1000000 + 1))
}
killed=0
# (never 0: "timeout 0" means no time limit)
rand_delay() { printf '0.%03d' $((RANDOM % (delay_ms > 998 ? 998 : delay_ms) + 1)); }
# kill_run CMD...: CMD with SIGKILL after a random delay; prints its exit
# status (137 when killed). The inner shell keeps bash's "Killed" quiet.
kill_run() { ( timeout -s KILL "$(rand_delay)" "$@" >/dev/null 2>&1; echo $? ) 2>/dev/null; }
if ! KD=$(mktemp -d /dev/shm/ags-kill.XXXXXX 2>/dev/null); then
	KD=$W/k
	mkdir "$KD"
fi
# sign --force replacing an envelope: alternate between two known results
"$A" sign -k demo-author.key --time 2026-01-01T00:00:00Z -o "$KD/e1" agr.txt >/dev/null 2>&1
"$A" sign -k demo-author.key --time 2026-06-01T00:00:00Z -o "$KD/e2" agr.txt >/dev/null 2>&1
cp "$KD/e1" "$KD/env.sig.json"
measure "$A" sign --force -k demo-author.key --time 2026-06-01T00:00:00Z -o "$KD/x.sig.json" agr.txt
rm -f "$KD/x.sig.json"
for ((i = 0; i < LOOPS / 2; i++)); do
	if cmp -s "$KD/env.sig.json" "$KD/e1"; then when=2026-06-01T00:00:00Z; else when=2026-01-01T00:00:00Z; fi
	r=$(kill_run "$A" sign --force -k demo-author.key --time "$when" -o "$KD/env.sig.json" agr.txt)
	[ "$r" = 137 ] && killed=$((killed + 1))
	if cmp -s "$KD/env.sig.json" "$KD/e1" || cmp -s "$KD/env.sig.json" "$KD/e2"; then ok; else
		bad "sign killed: envelope is neither the old nor the new one"
		cp "$KD/e1" "$KD/env.sig.json"
	fi
done
allow 0 "$A" verify -t "$TRUST" -e "$KD/env.sig.json" agr.txt
# keygen --force replacing a key pair: each file old or complete
"$A" keygen -o "$KD/kp" --name "Kill Test" --no-passphrase >/dev/null 2>&1
measure "$A" keygen -o "$KD/kp2" --name "Kill Test" --no-passphrase
halves=0
key_id() { local l; { read -r l && read -r l; } <"$1" && echo "$l"; }
cp -p "$KD/kp.key" "$KD/old.key"
cp -p "$KD/kp.pub" "$KD/old.pub"
for ((i = 0; i < LOOPS / 4; i++)); do
	r=$(kill_run "$A" keygen --force -o "$KD/kp" --name "Kill Test" --no-passphrase)
	[ "$r" = 137 ] && killed=$((killed + 1))
	if ! cmp -s "$KD/kp.key" "$KD/old.key"; then
		"$A" sign --force -k "$KD/kp.key" -o "$KD/chk.sig.json" agr.txt >/dev/null 2>&1 && ok ||
			bad "keygen killed: $KD/kp.key is neither old nor a complete new key"
		cp -p "$KD/kp.key" "$KD/old.key"
	fi
	if ! cmp -s "$KD/kp.pub" "$KD/old.pub"; then
		"$A" verify -p "$KD/kp.pub" -e good.sig.json agr.txt >/dev/null 2>&1
		[ $? = 1 ] && ok || bad "keygen killed: $KD/kp.pub is neither old nor a complete new key"
		cp -p "$KD/kp.pub" "$KD/old.pub"
	fi
	if [ "$(key_id "$KD/kp.key")" != "$(key_id "$KD/kp.pub")" ]; then
		halves=$((halves + 1))
		"$A" keygen --force -o "$KD/kp" --name "Kill Test" --no-passphrase >/dev/null 2>&1
		cp -p "$KD/kp.key" "$KD/old.key"
		cp -p "$KD/kp.pub" "$KD/old.pub"
	fi
done
[ "$halves" -gt 0 ] && note "keygen killed between its two renames $halves time(s): a new .key beside the old .pub (each file whole; see tests/fuzz/README.md)"
# trust edits, when the command exists
if "$A" trust --help >/dev/null 2>&1; then
	cp demo.trust "$KD/t0.trust"
	cp demo.trust "$KD/t1.trust"
	"$A" trust add -t "$KD/t1.trust" sealed.pub >/dev/null 2>&1 || bad "trust add"
	measure "$A" trust add -t "$KD/tx.trust" sealed.pub
	for ((i = 0; i < LOOPS / 4; i++)); do
		cp "$KD/t0.trust" "$KD/t.trust"
		r=$(kill_run "$A" trust add -t "$KD/t.trust" sealed.pub)
		[ "$r" = 137 ] && killed=$((killed + 1))
		if cmp -s "$KD/t.trust" "$KD/t0.trust" || cmp -s "$KD/t.trust" "$KD/t1.trust"; then ok; else
			bad "trust add killed: the trust file is neither old nor new"
		fi
	done
else
	note "trust edits under SIGKILL: skipped ('agreesign trust' is not built)"
fi
left=$(tmp_left)
if find "$KD" -name '.*.tmp' | grep -vqE '/\.[^/]+\.[0-9a-f]{8}\.tmp$'; then
	bad "a temporary file is not named .NAME.XXXXXXXX.tmp: $(find "$KD" -name '.*.tmp' | head -3)"
fi
note "SIGKILL: $killed of the runs were killed; $left temporary file(s) (.NAME.XXXXXXXX.tmp) left by killed runs, as expected"

section end
for n in "${notes[@]}"; do echo "note: $n"; done
finish hostile
