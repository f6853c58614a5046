#!/usr/bin/env bash
# A SQLite trust store (spec/trust-db.md): trust import/export, and every
# command that takes -t reads a store by its content, whatever its name.
# Usage: tests/e2e/e2e_trustdb.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
export SOURCE_DATE_EPOCH=1796000000

cp "$S" agr.txt
cp "$V/envelopes/countersigned.sig.json" agr.txt.sig.json

# import creates the store; export gives the records' canonical lines
expect 0 "$A" trust import -t pub.db "$K/demo.trust"
has err "imported 3 records (0 already there)"
expect 0 "$A" trust export -t pub.db
cp out exported.trust
has exported.trust 'key "Inès Marović-Saldaña" U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY= roles=author,co-author'
[ "$(head -1 exported.trust)" = "agreesign trust v2" ] && ok || bad "export header"
[ "$(wc -l <exported.trust)" = 4 ] && ok || bad "export: 3 records"
# import of the export (from standard input) gives the same store
expect 0 "$A" trust import -t again.db - <exported.trust
expect 0 "$A" trust export -t again.db
same out exported.trust
# the same records again: skipped
expect 0 "$A" trust import -t pub.db exported.trust
has err "imported 0 records (3 already there)"
# a v2 file with a tsa record
expect 0 "$A" trust import -t v2.db "$V/trust/demo-v2.trust"
expect 0 "$A" trust export -t v2.db
has out "tsa "

# a conflicting record: an error naming its line, the store unchanged
cp pub.db before.db
{
	echo "agreesign trust v2"
	echo 'key New WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY='
	echo 'key Other U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY= roles=publisher'
} >conflict.trust
expect 2 "$A" trust import -t pub.db conflict.trust
has err "conflict.trust: line 3"
has err "already in the store with another entry"
expect 0 "$A" trust export -t pub.db
same out exported.trust
# a broken file imports nothing
printf 'agreesign trust v2\nkey A AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n' >small-order.trust
expect 2 "$A" trust import -t pub.db small-order.trust
has err "line 2"
expect 2 "$A" trust import -t pub.db /nonexistent.trust
expect 2 "$A" trust import -t pub.db
# import writes a store, never a text trust file; export reads only a store
cp "$K/demo.trust" text.trust
expect 2 "$A" trust import -t text.trust exported.trust
has err "not a SQLite trust store"
same text.trust "$K/demo.trust"
expect 2 "$A" trust export -t text.trust
expect 2 "$A" trust export -t missing.db
check "a failed export creates no file" test ! -e missing.db

# verify, batch, countersign and the report read the store by its content
cp pub.db store.trust # the name does not matter
for t in pub.db store.trust; do
	expect 0 "$A" verify -q -t "$t" agr.txt
done
expect 0 "$A" verify --json -t pub.db agr.txt
json 'd["verified"] and d["signatures"][0]["trusted_identity"] == "Inès Marović-Saldaña"'
expect 1 "$A" verify -q -t pub.db --require-role publisher -e "$V/envelopes/signed.sig.json" agr.txt
printf 'agreesign trust v2\n' >empty.trust
expect 0 "$A" trust import -t empty.db empty.trust
expect 1 "$A" verify -q -t empty.db agr.txt
echo '{"agreement": "agr.txt", "id": "a"}' >m.jsonl
expect 0 "$A" verify --batch m.jsonl -t pub.db --no-progress
has out '"verified":true'
expect 0 "$A" verify -t pub.db --report page.html agr.txt
has page.html "Trusted keys"
cp "$V/envelopes/cosigned.sig.json" co.sig.json
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t pub.db --passphrase-file /dev/null -e co.sig.json agr.txt
expect 0 "$A" verify -q -t pub.db -e co.sig.json --require-role publisher agr.txt

# a revoked key in the store: refused as revoked
expect 0 "$A" trust import -t rev.db "$V/trust/revoked-v2.trust"
expect 1 "$A" verify --json -t rev.db -e "$V/envelopes/signed.sig.json" agr.txt
has out '"revoked"'

# edits on a store: each with its history row
cp pub.db ed.db
expect 0 "$A" trust revoke -t ed.db --reason "laptop stolen" "$K/demo-coauthor.pub"
has err "revoked key 75170e1a030ddac764904c6820754f0c (Tomás Okonkwo)"
expect 1 "$A" verify --json -t ed.db -e "$V/envelopes/cosigned.sig.json" agr.txt
has out '"revoked"'
expect 2 "$A" trust revoke -t ed.db --reason again "$K/demo-coauthor.pub"
has err "already revoked"
expect 2 "$A" trust set -t ed.db --role author "$K/demo-coauthor.pub"
has err "revocation is final"
expect 0 "$A" trust set -t ed.db --name "INÈS MAROVIĆ-SALDAÑA" --role publisher "$K/demo-publisher.pub"
has err "looks alike"
expect 0 "$A" trust remove -t ed.db "$K/demo-publisher.pub"
has err "removal is not revocation"
expect 2 "$A" trust remove -t ed.db "$K/demo-publisher.pub"
has err "no key 75c37b89b085248770a8b2af8db785a8"
expect 0 "$A" trust add -t ed.db --role publisher --valid-before 2031-01-01 "$K/demo-publisher.pub"
expect 2 "$A" trust add -t ed.db "$K/demo-publisher.pub"
has err "already listed"
expect 0 "$A" trust list -t ed.db
has out "REVOKED"
[ "$(wc -l <out)" = 3 ] && ok || bad "list: 3 keys"
expect 0 "$A" trust list --json -t ed.db
head -1 out >out1 && mv out1 out
json 'd["line"] is None and d["key_id"] == "c4aa99203f4c423c851c2b0b6c8abffd"'
expect 0 "$A" trust history -t ed.db
has err "history of 7 changes, chain intact"
has out "revoke  75170e1a030ddac764904c6820754f0c  reason: laptop stolen"
expect 0 "$A" trust history --json -t ed.db "$K/demo-publisher.pub"
[ "$(wc -l <out)" = 4 ] && ok || bad "history of one key: import, set, remove, add"
expect 0 "$A" trust export -t ed.db
has out 'key "Example Open Press" IhZdek/hZ9QRTCJsZ0mO5Fu0tIwuzL/a2L0uZm0SyPQ= roles=publisher email=rights@press.example valid-before=2031-01-01T00:00:00Z'
# a text file has no history
expect 2 "$A" trust history -t text.trust
# between commands a store is one file (spec/trust-db.md §6): no WAL is
# left, and a copy of the database alone holds the last edit
check "an edit leaves no WAL" test ! -s ed.db-wal
cp ed.db alone.db
expect 0 "$A" trust export -t alone.db
has out 'key "Example Open Press" IhZdek/hZ9QRTCJsZ0mO5Fu0tIwuzL/a2L0uZm0SyPQ= roles=publisher email=rights@press.example valid-before=2031-01-01T00:00:00Z'
# a history row changed by hand (the trigger dropped and made again)
cp ed.db forged.db
"$PY" - <<'EOF'
import sqlite3
c = sqlite3.connect("forged.db")
sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'history_no_update'").fetchone()[0]
c.executescript("DROP TRIGGER history_no_update; UPDATE history SET reason = 'found it' WHERE op = 'revoke';" + sql + ";")
c.close()
EOF
expect 2 "$A" trust history -t forged.db
has err "history row 4: its chain does not match"

# trust import-ssh into a store: one transaction, the rules of an import
# (spec/trust-db.md §3); the records those of import-ssh into a text file
ssh_line() { # PRINCIPAL OPTIONS PUBFILE: an allowed_signers line
	"$PY" - "$1" "$2" "$(sed -n 's/^public-key: //p' "$3")" <<'EOF'
import base64, struct, sys
pk = base64.b64decode(sys.argv[3])
blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + pk
opts = sys.argv[2] + " " if sys.argv[2] else ""
print("%s %sssh-ed25519 %s" % (sys.argv[1], opts, base64.b64encode(blob).decode()))
EOF
}
kid() { sed -n 's/^key-id: //p' "$1"; }
for k in ssh1 ssh2 ssh3; do
	"$A" keygen -o $k --name "$k" --no-passphrase >/dev/null 2>&1 || bad "keygen $k"
done
{
	echo "# two new authors"
	ssh_line one@example.org 'valid-after="20260101Z"' ssh1.pub
	echo "*@example.org cert-authority $(ssh_line x '' ssh2.pub | cut -d' ' -f2,3)"
	ssh_line two@example.org '' ssh2.pub
} >as.new
cp pub.db ssh.db
expect 0 "$A" trust import-ssh -t ssh.db --role author as.new
has err "as.new: warning: line 3: skipped: a cert-authority line"
has err "ssh.db: added key $(kid ssh1.pub) (one@example.org)"
has err "ssh.db: added key $(kid ssh2.pub) (two@example.org)"
rm -f ssh.trust
expect 0 "$A" trust import-ssh -t ssh.trust --role author as.new
expect 0 "$A" trust export -t ssh.db
tail -2 out >db.tail
grep '^key ' ssh.trust >text.tail
same db.tail text.tail
has db.tail "key one@example.org $(sed -n 's/^public-key: //p' ssh1.pub) roles=author email=one@example.org valid-after=2026-01-01T00:00:00Z"
expect 0 "$A" trust history -t ssh.db
has err "history of 5 changes, chain intact"
# again: each key skipped, nothing written
expect 0 "$A" trust import-ssh -t ssh.db --role author as.new
has err "key $(kid ssh2.pub) (allowed_signers line 4) is already in the store: skipped"
expect 0 "$A" trust history -t ssh.db
has err "history of 5 changes, chain intact"
# a key the store holds otherwise (other roles): an error naming the
# allowed_signers line, and nothing added, not even the new key before it
{
	ssh_line three@example.org '' ssh3.pub
	ssh_line one@example.org 'valid-after="20260101Z"' ssh1.pub
} >as.conflict
expect 0 "$A" trust export -t ssh.db
cp out before.export
expect 2 "$A" trust import-ssh -t ssh.db as.conflict
has err "as.conflict: line 2: key $(kid ssh1.pub) is already in the store with another entry"
expect 0 "$A" trust export -t ssh.db
same out before.export

# concurrency (spec/trust-db.md §6): 20 adds and 20 verifications at once
# against one store; all succeed, nothing is lost, the history is whole
cp pub.db conc.db
for i in $(seq 1 20); do
	"$A" keygen -o "k$i" --name "Author $i" --no-passphrase >/dev/null 2>&1 || bad "keygen $i"
done
pids=()
for i in $(seq 1 20); do
	"$A" trust add -t conc.db "k$i.pub" >"add$i.out" 2>&1 &
	pids+=($!)
	"$A" verify -q -t conc.db agr.txt >"ver$i.out" 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
[ "$failed" = 0 ] && ok || bad "$failed of 40 concurrent commands failed: $(cat add*.out ver*.out | grep -v 'added key' | head -3)"
expect 0 "$A" trust list -t conc.db
[ "$(wc -l <out)" = 23 ] && ok || bad "concurrent adds lost a key: $(wc -l <out) of 23"
expect 0 "$A" trust history -t conc.db
has err "history of 23 changes, chain intact"

# SIGKILL during an import: the store is as before or as after, never half
"$PY" - <<'EOF'
import base64, nacl.signing
with open("big.trust", "w") as f:
    f.write("agreesign trust v2\n")
    for i in range(3000):
        pk = bytes(nacl.signing.SigningKey.generate().verify_key)
        f.write('key "Big %d" %s\n' % (i, base64.b64encode(pk).decode()))
EOF
before=0 after=0 half=0
for i in $(seq 1 24); do
	cp pub.db kill.db
	rm -f kill.db-wal kill.db-shm
	"$A" trust import -t kill.db big.trust 2>/dev/null &
	p=$!
	sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	n=$("$A" trust export -t kill.db 2>/dev/null | wc -l)
	h=$("$A" trust history -t kill.db 2>&1 >/dev/null | sed -n 's/.*history of \([0-9]*\) changes, chain intact.*/\1/p')
	case "$n/$h" in
	4/3) before=$((before + 1)) ;;
	3004/3003) after=$((after + 1)) ;;
	*) half=$((half + 1)) ;;
	esac
done
[ "$half" = 0 ] && ok || bad "SIGKILL left $half stores half-imported (or unreadable)"
echo "trustdb: SIGKILL during import: $before before, $after after, $half half" >&2

# SIGKILL during trust add (a few milliseconds each): the store is as
# before or as after, its history chain whole, and SQLite's own full check
# (PRAGMA integrity_check) finds nothing
before=0 after=0 half=0
for i in $(seq 1 30); do
	cp pub.db killadd.db
	rm -f killadd.db-wal killadd.db-shm
	"$A" trust add -t killadd.db k1.pub 2>/dev/null &
	p=$!
	sleep "0.00$((RANDOM % 10))"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	n=$("$A" trust export -t killadd.db 2>/dev/null | wc -l)
	h=$("$A" trust history -t killadd.db 2>&1 >/dev/null | sed -n 's/.*history of \([0-9]*\) changes, chain intact.*/\1/p')
	ic=$("$PY" -c 'import sqlite3; print(sqlite3.connect("killadd.db").execute("PRAGMA integrity_check").fetchone()[0])' 2>&1)
	case "$n/$h/$ic" in
	4/3/ok) before=$((before + 1)) ;;
	5/4/ok) after=$((after + 1)) ;;
	*) half=$((half + 1)) && echo "trustdb: after a SIGKILL: $n lines, history '$h', integrity '$ic'" >&2 ;;
	esac
done
[ "$half" = 0 ] && ok || bad "SIGKILL during trust add left $half stores half-changed (or unreadable)"
echo "trustdb: SIGKILL during trust add: $before before, $after after, $half half" >&2

# a store its writer may not write (spec/trust-db.md §4): a clear error,
# exit 2, and nothing changed; reading it still works. Root writes any
# file, so the commands run as nobody (setpriv), as in e2e_hostile.sh.
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 755 "$T"
	cp k1.pub ro.pub && chmod 644 ro.pub agr.txt agr.txt.sig.json
	# the file read-only, in a folder nobody may write (a WAL reader
	# needs none of its own files there); and the file read-only in a
	# folder nobody may write to, the store writable but its folder not
	mkdir ro-file ro-dir && chmod 777 ro-file && chmod 755 ro-dir
	cp pub.db ro-file/s.db && chmod 644 ro-file/s.db
	cp pub.db ro-dir/s.db && chmod 666 ro-dir/s.db
	for d in ro-file ro-dir; do
		sum=$(cat $d/s.db | sha256sum)
		ls $d >$d.ls
		expect 2 "${as_nobody[@]}" "$A" trust add -t $d/s.db ro.pub
		has err "$d/s.db"
		has err "read-only"
		expect 2 "${as_nobody[@]}" "$A" trust revoke -t $d/s.db --reason x "$K/demo-author.pub"
		expect 2 "${as_nobody[@]}" "$A" trust import -t $d/s.db "$K/demo.trust"
		[ "$(cat $d/s.db | sha256sum)" = "$sum" ] && ok || bad "$d: a refused edit changed the store"
		ls $d | cmp -s - $d.ls && ok || bad "$d: a refused edit left files: $(ls $d)"
	done
	expect 0 "${as_nobody[@]}" "$A" trust export -t ro-file/s.db
	same out exported.trust
else
	skipped="read-only store skipped (no setpriv, or it cannot switch to nobody)"
fi

# a database that is not a store of ours: exit 2, named
"$PY" - <<'EOF'
import shutil, sqlite3
for name, sql in (("extra", "CREATE TABLE extra(x)"), ("version", "PRAGMA user_version = 9"),
                  ("other", "PRAGMA application_id = 1")):
    shutil.copy("pub.db", name + ".db")
    c = sqlite3.connect(name + ".db"); c.execute(sql); c.commit(); c.close()
c = sqlite3.connect("foreign.db"); c.execute("CREATE TABLE t(x)"); c.commit(); c.close()
EOF
expect 2 "$A" verify -q -t extra.db agr.txt
has err 'extra.db: not the schema of an agreesign trust store: unexpected or changed table "extra"'
expect 2 "$A" verify -q -t version.db agr.txt
has err "schema version 9 is not known"
expect 2 "$A" verify -q -t other.db agr.txt
has err "not an agreesign trust store"
expect 2 "$A" verify -q -t foreign.db agr.txt
has err "not an agreesign trust store"
head -c 100 pub.db >cut.db
expect 2 "$A" verify -q -t cut.db agr.txt

finish trustdb "${skipped:-}"
