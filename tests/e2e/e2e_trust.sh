#!/usr/bin/env bash
# agreesign trust add|list|remove|revoke|set: edits keep comments and
# order, refuse bad input without touching the file, and concurrent edits
# are not lost; a v1 file is upgraded to v2 on its first edit.
# Usage: tests/e2e/e2e_trust.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# A hand-written v1 file with comments: edits keep every byte of it but
# the header, which the first edit upgrades to v2 (and says so, once).
cat >pub.trust <<EOT
agreesign trust v1
# Authors of volume 7.

# (more to come)
EOT
cp pub.trust before
expect 0 "$A" trust add -t pub.trust "$K/demo-author.pub"
has err "pub.trust: upgraded to agreesign trust v2"
expect 0 "$A" trust add -t pub.trust --role publisher --valid-before 2030-01-01 "$K/demo-publisher.pub"
lacks err "upgraded"
sed '1s/ v1$/ v2/' before >before.v2
head -c "$(wc -c <before.v2)" pub.trust | cmp -s - before.v2 && ok || bad "comments not kept"
has pub.trust 'roles=publisher email=rights@press.example valid-before=2030-01-01T00:00:00Z'
cp pub.trust before
expect 2 "$A" trust add -t pub.trust "$K/demo-author.pub"
has err "already listed"
cmp -s pub.trust before && ok || bad "refused add changed the file"
expect 2 "$A" trust add -t pub.trust --valid-after tomorrow "$K/demo-coauthor.pub"
expect 2 "$A" trust add -t pub.trust --role editor "$K/demo-coauthor.pub"
expect 2 "$A" trust add -t pub.trust "$K/demo-author.key"
expect 2 "$A" trust add -t pub.trust nonexistent.pub
cmp -s pub.trust before && ok || bad "refused adds changed the file"

# list, as text and JSON
expect 0 "$A" trust list -t pub.trust
has out "Inès Marović-Saldaña"
has out "roles=author,co-author"
expect 0 "$A" trust list -t pub.trust --json
[ "$(wc -l <out)" = 2 ] && ok || bad "list --json lines"

# revoke: the signature by that key then fails, naming the reason.
cp "$S" agr.txt
"$A" sign -k "$K/demo-author.key" agr.txt 2>/dev/null
expect 0 "$A" verify -t pub.trust agr.txt
kid=$(sed -n 's/^key-id: //p' "$K/demo-author.pub")
expect 2 "$A" trust revoke -t pub.trust "$kid"
expect 0 "$A" trust revoke -t pub.trust --reason "secret key stolen" "$kid"
expect 2 "$A" trust revoke -t pub.trust --reason "again" "$kid"
has err "already revoked"
expect 2 "$A" trust revoke -t pub.trust --reason "x" 00000000000000000000000000000000
# KEY may be the .pub, as for remove and set; the message names the key.
cp pub.trust pub2.trust
"$A" trust add -t pub2.trust --role co-author "$K/demo-coauthor.pub" 2>/dev/null
expect 0 "$A" trust revoke -t pub2.trust --reason "laptop stolen" "$K/demo-coauthor.pub"
has err "revoked key $(sed -n 's/^key-id: //p' "$K/demo-coauthor.pub") ("
grep -q 'revoked=.*reason="laptop stolen"' pub2.trust && ok || bad "revoke by .pub: $(cat pub2.trust)"
expect 2 "$A" trust revoke -t pub2.trust --reason "x" missing.pub
has err "missing.pub"
expect 1 "$A" verify -t pub.trust agr.txt
has out "revoked"
has out "secret key stolen"
head -c "$(wc -c <before | tr -d ' ')" pub.trust >/dev/null
grep -c '^#' pub.trust | grep -qx 2 && ok || bad "comments lost by revoke"

# A broken trust file is refused, not edited.
printf 'agreesign trust v1\n"X" notbase64\n' >broken.trust
cp broken.trust b0
expect 2 "$A" trust add -t broken.trust "$K/demo-author.pub"
has err "broken.trust: line 2"
cmp -s broken.trust b0 && ok || bad "broken file changed"

# 20 concurrent adds of different keys all land.
for i in $(seq 1 20); do
	"$A" keygen -o k$i --name "Author $i" --no-passphrase 2>/dev/null
done
for i in $(seq 1 20); do
	"$A" trust add -t many.trust k$i.pub 2>/dev/null &
done
wait
n=$("$A" trust list -t many.trust | wc -l)
[ "$n" = 20 ] && ok || bad "concurrent adds: $n of 20 entries"

# --- linked trust files: an edit changes the file that verify reads.
# Through a symbolic link, add and revoke change its target (the link
# stays) and lock the target's lock file, so edits through the link and
# through the target exclude each other. A file with a second hard link
# is refused, unchanged: a replacement would split its two names.
kid=$(sed -n 's/^key-id: //p' "$K/demo-author.pub")
mkdir real
printf 'agreesign trust v1\n' >real/pub.trust
ln -s real/pub.trust link.trust
expect 0 "$A" trust add -t link.trust "$K/demo-author.pub"
[ -L link.trust ] && ok || bad "add replaced the symbolic link"
has real/pub.trust "U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY="
expect 0 "$A" verify -t real/pub.trust agr.txt
expect 0 "$A" trust revoke -t link.trust --reason "secret key stolen" "$kid"
[ -L link.trust ] && ok || bad "revoke replaced the symbolic link"
expect 1 "$A" verify -t real/pub.trust agr.txt
has out "revoked"
[ -e real/pub.trust.lock ] && [ ! -e link.trust.lock ] && ok ||
	bad "the lock is not the target's: $(ls -a . real | tr '\n' ' ')"
ls -a real | grep -q '\.tmp$' && bad "temporary file left in real/" || ok

ln -s real/missing.trust dangling.trust
expect 2 "$A" trust add -t dangling.trust "$K/demo-author.pub"
has err "dangling.trust: "
has err "symbolic link"
[ ! -e real/missing.trust ] && [ -L dangling.trust ] && ok || bad "dangling link followed or replaced"

printf 'agreesign trust v1\n' >hard.trust
expect 0 "$A" trust add -t hard.trust "$K/demo-author.pub"
ln hard.trust other-name.trust
cp hard.trust hard.before
for t in hard.trust other-name.trust; do
	expect 2 "$A" trust revoke -t "$t" --reason "secret key stolen" "$kid"
	has err "$t: "
	has err "hard link"
	expect 2 "$A" trust add -t "$t" "$K/demo-coauthor.pub"
	has err "hard link"
done
cmp -s hard.trust hard.before && cmp -s other-name.trust hard.before && ok ||
	bad "a hard-linked trust file was changed"
[ "$(stat -c %h hard.trust)" = 2 ] && ok || bad "the hard links were split"
ln -s hard.trust soft-to-hard.trust
expect 2 "$A" trust revoke -t soft-to-hard.trust --reason "secret key stolen" "$kid"
has err "hard link"

# 20 concurrent adds, half through the link and half through the target,
# all land in the target.
printf 'agreesign trust v1\n' >real/mixed.trust
ln -s real/mixed.trust mixed.trust
for i in $(seq 1 20); do
	if [ $((i % 2)) = 0 ]; then t=mixed.trust; else t=real/mixed.trust; fi
	"$A" trust add -t "$t" k$i.pub 2>/dev/null &
done
wait
n=$("$A" trust list -t real/mixed.trust | wc -l)
[ "$n" = 20 ] && ok || bad "adds through a link and its target: $n of 20 entries"
[ -L mixed.trust ] && ok || bad "concurrent adds replaced the symbolic link"

# --- add keeps the .pub's e-mail and ORCID (--email/--orcid override
# them, 'none' drops one); verify then refuses a signer who gives others.
rm -f v2.trust
expect 0 "$A" trust add -t v2.trust "$K/demo-author.pub"
lacks err "upgraded"
head -1 v2.trust | grep -qx 'agreesign trust v2' && ok || bad "a new file is not v2"
has v2.trust 'key "Inès Marović-Saldaña" U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY= roles=author,co-author email=ines@example.org orcid=0000-0002-1825-0097'
expect 0 "$A" trust add -t v2.trust --role publisher --email press@example.org --orcid none "$K/demo-publisher.pub"
has v2.trust 'key "Example Open Press" IhZdek/hZ9QRTCJsZ0mO5Fu0tIwuzL/a2L0uZm0SyPQ= roles=publisher email=press@example.org'
lacks v2.trust 'rights@press.example'
expect 2 "$A" trust add -t v2.trust --email not-an-address "$K/demo-coauthor.pub"
expect 0 "$A" trust list -t v2.trust --json
tail -1 "$T/out" >"$T/out.1" && mv "$T/out.1" "$T/out" # JSON Lines: the press
json 'd["email"] == "press@example.org" and d["orcid"] is None'
cp "$S" v2.txt
"$A" sign -k "$K/demo-author.key" v2.txt 2>/dev/null
expect 0 "$A" verify -t v2.trust v2.txt
kid=$(sed -n 's/^key-id: //p' "$K/demo-author.pub")
expect 0 "$A" trust set -t v2.trust --email ines@example.net "$kid"
expect 1 "$A" verify --json -t v2.trust v2.txt
json 'd["signatures"][0]["reason"] == "identity-mismatch"'
expect 0 "$A" trust set -t v2.trust --email none "$K/demo-author.pub"
expect 0 "$A" verify -t v2.trust v2.txt

# --- warnings: a second key with the same identity, or a look-alike one
# (the same after NFC and case folding), is added with a warning naming
# the other key and its line.
"$A" keygen -o same --name "Inès Marović-Saldaña" --no-passphrase 2>/dev/null
"$A" keygen -o alike --name "INE$(printf '\xcc\x80')S MAROVIC$(printf '\xcc\x81')-SALDAÑA" --no-passphrase 2>/dev/null
"$A" keygen -o differs --name "Ines Marovic-Saldana" --no-passphrase 2>/dev/null
expect 0 "$A" trust add -t v2.trust same.pub
has err "warning: line 2: key $kid is trusted as \"Inès Marović-Saldaña\" too"
expect 0 "$A" trust add -t v2.trust alike.pub
has err "warning: line 2: key $kid is trusted as \"Inès Marović-Saldaña\", which looks alike"
has err "line 4: key $(sed -n 's/^key-id: //p' same.pub)"
expect 0 "$A" trust add -t v2.trust differs.pub
lacks err "warning"
expect 0 "$A" trust set -t v2.trust --name "inès marović-saldaña" differs.pub
has err "which looks alike"

# --- remove: the line goes, the key is untrusted (not revoked), and the
# command says that removal is not revocation.
cp v2.trust before
expect 0 "$A" trust remove -t v2.trust same.pub
has err "removal is not revocation"
[ "$(wc -l <v2.trust)" = $(($(wc -l <before) - 1)) ] && ok || bad "remove: not one line less"
lacks v2.trust "$(sed -n 's/^public-key: //p' same.pub)"
expect 2 "$A" trust remove -t v2.trust same.pub
has err "no key"
expect 2 "$A" trust remove -t v2.trust 0123456789abcdef0123456789abcdef
expect 2 "$A" trust remove -t missing.trust same.pub
expect 2 "$A" trust remove -t v2.trust --role author alike.pub
expect 0 "$A" trust remove -t v2.trust "$kid"
expect 1 "$A" verify --json -t v2.trust v2.txt
json 'd["signatures"][0]["reason"] == "untrusted-key"'

# --- set: roles and window in canonical form; refused when nothing
# changes, for an empty window, and for a revoked key (file unchanged).
expect 0 "$A" trust add -t v2.trust "$K/demo-author.pub"
expect 0 "$A" trust set -t v2.trust --role author --valid-after 2020-01-01 --valid-before 2030-01-01 "$kid"
has v2.trust 'key "Inès Marović-Saldaña" U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY= roles=author email=ines@example.org orcid=0000-0002-1825-0097 valid-after=2020-01-01T00:00:00Z valid-before=2030-01-01T00:00:00Z'
expect 0 "$A" trust set -t v2.trust --valid-after none "$kid"
lacks v2.trust 'valid-after=2020'
cp v2.trust before
expect 2 "$A" trust set -t v2.trust --role author "$kid"
has err "nothing to change"
expect 2 "$A" trust set -t v2.trust --valid-after 2031-01-01 "$kid"
has err "valid-after must be before valid-before"
expect 2 "$A" trust set -t v2.trust "$kid"
expect 2 "$A" trust set -t v2.trust --role editor "$kid"
expect 0 "$A" trust revoke -t v2.trust --reason "lost" "$kid"
cp v2.trust before
expect 2 "$A" trust set -t v2.trust --role publisher "$kid"
has err "revocation is final"
same v2.trust before

# --- remove and set upgrade a v1 file too; revoke as well.
for verb in remove set revoke; do
	cp "$K/demo.trust" up-$verb.trust
	case $verb in
	remove) expect 0 "$A" trust remove -t up-$verb.trust "$K/demo-coauthor.pub" ;;
	set) expect 0 "$A" trust set -t up-$verb.trust --role author "$K/demo-coauthor.pub" ;;
	revoke) expect 0 "$A" trust revoke -t up-$verb.trust --reason x 75170e1a030ddac764904c6820754f0c ;;
	esac
	has err "up-$verb.trust: upgraded to agreesign trust v2"
	has up-$verb.trust 'key "Inès Marović-Saldaña"  U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY=  roles=author,co-author'
	grep -c '^#' up-$verb.trust | grep -qx 2 && ok || bad "$verb: comments lost"
done
has up-set.trust 'key "Tomás Okonkwo" +gdiSEiMKxQeww/JMUb4gUJNb626G4md16Q8saD+irE= roles=author'

# --- the lock file: it stays, empty, after every edit (documented), and
# an edit while another holds the lock waits for it.
[ -f v2.trust.lock ] && [ ! -s v2.trust.lock ] && ok || bad "the lock file is not there, empty"
if command -v flock >/dev/null; then
	flock v2.trust.lock sleep 1 &
	sleep 0.3
	start=$(date +%s%N)
	expect 0 "$A" trust remove -t v2.trust alike.pub
	[ $((($(date +%s%N) - start) / 1000000)) -ge 400 ] && ok || bad "remove did not wait for the lock"
	wait
fi
# An edit keeps the trust file's permission bits, whatever the umask.
chmod 640 v2.trust
mask=$(umask) && umask 077
expect 0 "$A" trust add -t v2.trust alike.pub
umask "$mask"
[ "$(stat -c %a v2.trust)" = 640 ] && ok || bad "trust add changed the mode to $(stat -c %a v2.trust)"
"$A" trust --help >out 2>&1
has out "TRUSTFILE.lock"

# --- spec §9.1: a key that fails the Ed25519 checks (here the neutral
# element, of small order) is refused when it is used, not when the file
# is read: a verification that does not use it is not held up; trust list
# and an edit, which show or write every key, refuse the file naming its
# line, and the edit leaves it as it was.
cp "$S" lazy.txt
"$A" sign -k "$K/demo-author.key" lazy.txt 2>/dev/null
{ cat "$K/demo.trust"; echo 'Eve AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; } >lazy.trust
expect 0 "$A" verify -t lazy.trust lazy.txt
expect 2 "$A" trust list -t lazy.trust
has err "lazy.trust: line 7: key "
has err "not a valid Ed25519 public key"
cp lazy.trust lazy.before
expect 2 "$A" trust remove -t lazy.trust "$K/demo-coauthor.pub"
has err "not a valid Ed25519 public key"
cmp -s lazy.trust lazy.before && ok || bad "an edit of a file with a bad key changed it"

finish trust
