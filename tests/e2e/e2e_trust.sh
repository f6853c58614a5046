#!/usr/bin/env bash
# agreesign trust add|list|revoke: edits keep comments and order, refuse
# bad input without touching the file, and concurrent edits are not lost.
# Usage: tests/e2e/e2e_trust.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# A hand-written file with comments: edits keep every byte of it.
cat >pub.trust <<EOT
agreesign trust v1
# Authors of volume 7.

# (more to come)
EOT
cp pub.trust before
expect 0 "$A" trust add -t pub.trust "$K/demo-author.pub"
expect 0 "$A" trust add -t pub.trust --role publisher --valid-before 2030-01-01 "$K/demo-publisher.pub"
head -c "$(wc -c <before)" pub.trust | cmp -s - before && ok || bad "comments not kept"
has pub.trust 'roles=publisher valid-before=2030-01-01T00:00:00Z'
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

finish trust
