#!/usr/bin/env bash
# Keys without a terminal (issue 15): where keygen puts a key pair and
# sign and countersign find it, changing a key's passphrase from files,
# the messages for an empty passphrase, and a clean `make demo`.
# Usage: tests/e2e/e2e_keys.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# An empty passphrase says how to make a key without one (item 14).
: >empty.pass
expect 2 "$A" keygen -o e1 --name "E" --kdf-cost min --passphrase-file empty.pass
has err "--no-passphrase"
[ ! -e e1.key ] && ok || bad "key written with an empty passphrase"

# --- the default key pair (item 2): ~/.agreesign/agreesign, or
# $AGREESIGN_KEY; the folder is made, mode 0700.
export HOME=$T/home
unset AGREESIGN_KEY
mkdir "$HOME"
cp "$S" agr.txt
expect 2 "$A" sign agr.txt
has err "$HOME/.agreesign/agreesign.key"
has err "agreesign keygen"
lacks err "terminal"
[ ! -e agr.txt.sig.json ] && ok || bad "signed without a key"
expect 0 "$A" keygen --name "Default Author" --no-passphrase
[ "$(stat -c %a "$HOME/.agreesign")" = 700 ] && ok || bad "key folder mode $(stat -c %a "$HOME/.agreesign")"
[ "$(stat -c %a "$HOME/.agreesign/agreesign.key")" = 600 ] && ok || bad "default .key mode"
[ -f "$HOME/.agreesign/agreesign.pub" ] && ok || bad "no default .pub"
expect 0 "$A" sign agr.txt
has err "signing with the default key $HOME/.agreesign/agreesign.key"
expect 0 "$A" verify -p "$HOME/.agreesign/agreesign.pub" agr.txt
# A second keygen with no -o stops before anything is asked.
expect 2 "$A" keygen --name "Again"
has err "file exists"
lacks err "terminal"

# AGREESIGN_KEY names the BASE (its .key file is taken too); countersign
# uses it as sign does.
export AGREESIGN_KEY=$T/press/publisher
expect 0 "$A" keygen --name "Press" --no-passphrase
[ -f "$T/press/publisher.key" ] && [ "$(stat -c %a "$T/press")" = 700 ] && ok || bad "AGREESIGN_KEY keygen"
"$A" trust add -t t.trust "$HOME/.agreesign/agreesign.pub" 2>/dev/null
"$A" trust add -t t.trust --role publisher "$T/press/publisher.pub" 2>/dev/null
AGREESIGN_KEY=$T/press/publisher.key expect 0 "$A" countersign -t t.trust agr.txt
has err "signing with the default key $T/press/publisher.key"
expect 0 "$A" verify -t t.trust --require-role author,publisher agr.txt
unset AGREESIGN_KEY

# The README's first command on a fresh account: the folder is made.
expect 0 "$A" keygen -o "$HOME/.agreesign2/ines" --name "Ines" --no-passphrase
[ "$(stat -c %a "$HOME/.agreesign2")" = 700 ] && ok || bad "-o folder mode"
# Only the last folder is made; a missing one above it is an error.
expect 2 "$A" keygen -o "$T/a/b/ines" --name "Ines" --no-passphrase
has err "cannot create the key folder"
[ ! -e "$T/a" ] && ok || bad "folders made above the key folder"

# The output is checked before the passphrase is asked for: each refusal
# below comes instead of "no terminal to ask for a passphrase".
expect 2 "$A" keygen -o "$HOME/.agreesign2/ines" --name "Ines"
has err "file exists (use --force"
lacks err "terminal"
echo x >afile
expect 2 "$A" keygen -o afile/ines --name "Ines"
has err "is not a folder"
lacks err "terminal"
mkdir -p dirs/k.key
expect 2 "$A" keygen -o dirs/k --name "K" --force
has err "is not a regular file"
lacks err "terminal"
ln -s nowhere dangling.pub
expect 2 "$A" keygen -o dangling --name "D"
has err "file exists"
[ ! -e dangling.key ] && [ ! -e nowhere ] && ok || bad "keygen wrote beside a dangling link"
if [ "$(id -u)" != 0 ]; then
	mkdir ro && chmod 500 ro
	expect 2 "$A" keygen -o ro/k --name "K"
	has err "cannot create in its folder"
	lacks err "terminal"
fi

# --- a new passphrase for a key (item 16): keygen --change-passphrase.
echo "old words" >old.pass
echo "new words" >new.pass
expect 0 "$A" keygen -o ch --name "Change Me" --email ch@example.org --kdf-cost min --passphrase-file old.pass
cp ch.key ch.key.0
cp ch.pub ch.pub.0
chmod 644 ch.key # a loose mode is made 0600 by the change
expect 2 "$A" keygen --change-passphrase ch.key --old-passphrase-file new.pass --passphrase-file new.pass --kdf-cost min
has err "wrong passphrase"
same ch.key ch.key.0
expect 0 "$A" keygen --change-passphrase ch.key --old-passphrase-file old.pass --passphrase-file new.pass --kdf-cost min
has err "sealed with the new passphrase"
[ "$(stat -c %a ch.key)" = 600 ] && ok || bad "changed key mode $(stat -c %a ch.key)"
same ch.pub ch.pub.0
# Same key id, key and identity (the first lines); fresh salt and nonce.
[ "$(head -5 ch.key)" = "$(head -5 ch.key.0)" ] && ok || bad "identity changed: $(head -5 ch.key)"
[ "$(grep kdf-salt ch.key)" != "$(grep kdf-salt ch.key.0)" ] && ok || bad "salt kept"
[ "$(grep nonce ch.key)" != "$(grep nonce ch.key.0)" ] && ok || bad "nonce kept"
expect 2 "$A" sign -k ch.key --passphrase-file old.pass -o x.sig.json agr.txt
has err "wrong passphrase"
expect 0 "$A" sign -k ch.key --passphrase-file new.pass -o ch.sig.json agr.txt
expect 0 "$A" verify -p ch.pub -e ch.sig.json agr.txt
# Remove the passphrase, then add one again (an unsealed key asks none).
expect 0 "$A" keygen --change-passphrase ch.key --old-passphrase-file new.pass --no-passphrase
has err "stored unsealed"
has ch.key "kdf: none"
expect 0 "$A" keygen --change-passphrase ch.key --passphrase-file old.pass --kdf-cost min
has ch.key "kdf: argon2id13"
expect 0 "$A" sign -k ch.key --passphrase-file old.pass -o ch.sig.json --force agr.txt
# An empty new passphrase names --no-passphrase; the key stays.
cp ch.key ch.key.1
expect 2 "$A" keygen --change-passphrase ch.key --old-passphrase-file old.pass --passphrase-file empty.pass --kdf-cost min
has err "--no-passphrase"
same ch.key ch.key.1
# A symbolic link is not followed; the key behind it is left alone.
ln -s ch.key link.key
expect 2 "$A" keygen --change-passphrase link.key --old-passphrase-file old.pass --passphrase-file new.pass --kdf-cost min
has err "symbolic link"
same ch.key ch.key.1
[ -L link.key ] && ok || bad "the link was replaced"
expect 2 "$A" keygen --change-passphrase missing.key --old-passphrase-file old.pass --passphrase-file new.pass
[ ! -e missing.key ] && ok || bad "a key file was made"
expect 2 "$A" keygen --change-passphrase ch.key --name "Other"
has err "drop -o, --name"
expect 2 "$A" keygen --name "X" --old-passphrase-file old.pass

# --- make demo runs clean (item 12): no warning about the demo keys.
bash "$ROOT/tests/demo.sh" "$A" >demo.out 2>demo.err
[ $? = 0 ] && ok || bad "demo failed: $(tail -3 demo.err)"
lacks demo.err "warning"
lacks demo.out "warning"

finish keys
