#!/usr/bin/env bash
# End-to-end tests of the agreesign command line: exit codes, messages,
# files left as they were, and the committed spec vectors.
# Usage: tests/e2e/cli.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# one_line FILE: FILE is a single line (a message, a JSON result).
one_line() { if [ "$(wc -l <"$1")" = 1 ]; then ok; else bad "$1 is not one line: $(cat "$1")"; fi; }

cp "$S" agr.txt

# --- the committed vectors are what the code makes, byte for byte
bash "$ROOT/tests/vectors/make-vectors.sh" "$A" "$T/vec"
if diff -r -x README.md "$V" "$T/vec" >"$T/diff"; then ok; else bad "spec/vectors differ from regenerated: $(head -20 "$T/diff")"; fi

# --- every vector case gives its exit status and reasons
while IFS=$'\t' read -r name agreement envelope trust opts status reasons; do
	case $name in '#'* | '') continue ;; esac
	args=(verify --json -t "$V/trust/$trust" -e "$V/envelopes/$envelope")
	[ "$opts" != - ] && args+=("$opts")
	expect "$status" "$A" "${args[@]}" "$V/agreements/$agreement"
	if [ "$reasons" != - ]; then
		got=$(/usr/bin/python3 -c 'import json,sys; print(",".join(s["reason"] for s in json.load(sys.stdin)["signatures"]))' <"$T/out")
		[ "$got" = "$reasons" ] && ok || bad "case $name: reasons $got, wanted $reasons"
	else
		one_line "$T/err"
	fi
done <"$V/cases.tsv"

# --- keygen
expect 0 "$A" keygen -o me --name "Test Person" --no-passphrase
[ "$(stat -c %a me.key)" = 600 ] && ok || bad "me.key mode $(stat -c %a me.key)"
cp me.key me.key.orig
expect 2 "$A" keygen -o me --name "Other" --no-passphrase
has "$T/err" "exists"
same me.key me.key.orig
expect 0 "$A" keygen -o me --name "Other" --no-passphrase --force
cmp -s me.key me.key.orig && bad "--force did not replace me.key" || ok
expect 2 "$A" keygen -o x --no-passphrase
has "$T/err" "--name"
[ ! -e x.key ] && ok || bad "x.key written without --name"
expect 2 "$A" keygen -o x --name "X" --orcid 0000-0002-1825-0098 --no-passphrase
has "$T/err" "check digit"
expect 2 "$A" keygen -o x --name "X" </dev/null
has "$T/err" "passphrase"
[ ! -e x.key ] && [ ! -e x.pub ] && ok || bad "x.key written without a passphrase"
ln -s "$T/elsewhere" link.key
expect 2 "$A" keygen -o link --name "L" --no-passphrase
[ ! -e "$T/elsewhere" ] && ok || bad "keygen followed a symlink"

# --- sealed keys: passphrase from a file, wrong passphrase
printf 'correct horse\n' >pass
printf 'wrong horse\n' >wrong
expect 0 "$A" keygen -o sealed --name "Sealed Signer" --passphrase-file pass --kdf-cost min
has sealed.key "kdf: argon2id13"
expect 0 "$A" sign -k sealed.key --passphrase-file pass -o sealed.sig.json agr.txt
expect 2 "$A" sign -k sealed.key --passphrase-file wrong -o wrong.sig.json agr.txt
has "$T/err" "wrong passphrase"
# The summary comes first (before the passphrase is asked for), then the
# error, one line.
[ "$(head -1 "$T/err")" = "agreesign: signing" ] && ok || bad "wrong passphrase: no summary first: $(cat "$T/err")"
grep -v -e '^agreesign: signing$' -e '^  ' "$T/err" >"$T/err1"
one_line "$T/err1"
[ ! -e wrong.sig.json ] && ok || bad "envelope written with a wrong passphrase"
expect 0 "$A" verify -p sealed.pub -e sealed.sig.json agr.txt

# --- sign and verify
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z agr.txt
has "$T/err" "Deterministic Signatures"
has "$T/err" "sha512"
[ -f agr.txt.sig.json ] && ok || bad "no agr.txt.sig.json"
cp agr.txt.sig.json env.orig
expect 2 "$A" sign -k "$K/demo-author.key" agr.txt
has "$T/err" "envelope exists"
same agr.txt.sig.json env.orig
expect 0 "$A" verify -p "$K/demo-author.pub" agr.txt
has "$T/out" "verified"
expect 0 "$A" verify -t "$K/demo.trust" -q agr.txt
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] && ok || bad "-q printed something"
expect 1 "$A" verify -p "$K/demo-publisher.pub" agr.txt
has "$T/out" "signature 1: not checked (key not given): Inès"
has "$T/out" "NOT VERIFIED: no signature by the given key"
lacks "$T/out" "INVALID"

# verify -p on a co-signed envelope (spec 10.2, 10.3): the other keys'
# intact signatures are "not checked (key not given)", never INVALID; the
# verdict is the given key's, in text, --json, --batch and the report
CS=(-e "$V/envelopes/countersigned.sig.json" "$V/agreements/sample-agreement.txt")
for who in author coauthor publisher; do
	expect 0 "$A" verify -p "$K/demo-$who.pub" "${CS[@]}"
	lacks "$T/out" "INVALID"
	lacks "$T/out" "untrusted"
	has "$T/out" "verified: by the given key; 2 other signatures not checked"
done
has "$T/out" "signature 1: not checked (key not given): Inès Marović-Saldaña (author), key c4aa"
has "$T/out" "signature 3: valid: Example Open Press (publisher, countersignature)"
expect 0 "$A" verify --json -p "$K/demo-coauthor.pub" "${CS[@]}"
json '[(s["result"], s["reason"]) for s in d["signatures"]] == [("not-checked", "key-not-given"), ("valid", "ok"), ("not-checked", "key-not-given")] and "not the key given" in d["signatures"][0]["detail"] and d["signatures"][0]["trusted_identity"] is None and d["verified"]'
printf '{"agreement": "%s", "envelope": "%s"}\n' "${CS[2]}" "${CS[1]}" >p.jsonl
expect 0 "$A" verify -p "$K/demo-coauthor.pub" --batch p.jsonl
json '[s["result"] for s in d["signatures"]] == ["not-checked", "valid", "not-checked"] and d["result"] == "verified"'
expect 0 "$A" verify -q -p "$K/demo-coauthor.pub" --report p.html "${CS[@]}"
has p.html "<td>not checked (key not given)</td>"
lacks p.html "INVALID"
# what -p does not vouch for: the roles and keys of the others
expect 1 "$A" verify -p "$K/demo-coauthor.pub" --require-role author "${CS[@]}"
has "$T/out" "NOT VERIFIED: no valid signature by a trusted author"
expect 1 "$A" verify -p "$K/demo-coauthor.pub" --require-signer "$(sed -n 's/^key-id: //p' "$K/demo-author.pub")" "${CS[@]}"
has "$T/out" "is not checked: it is not the key given"
# another key's broken signature is INVALID (bad-signature) and fails
/usr/bin/python3 -c 'import base64, json, sys
e = json.load(open(sys.argv[1]))
s = bytearray(base64.b64decode(e["signatures"][0]["signature"])); s[5] ^= 1
e["signatures"][0]["signature"] = base64.b64encode(bytes(s)).decode()
json.dump(e, open("broken-other.sig.json", "w"), indent=2)' "${CS[1]}"
expect 1 "$A" verify -p "$K/demo-coauthor.pub" -e broken-other.sig.json "${CS[2]}"
has "$T/out" "signature 1: INVALID: Inès Marović-Saldaña (author), key c4aa99203f4c423c851c2b0b6c8abffd"
has "$T/out" ", not the key given"
has "$T/out" "reason: bad-signature"
has "$T/out" "signature 2: valid: Tomás"
has "$T/out" "NOT VERIFIED: signature 1 is not valid"
# with a trust file nothing changes: a key it lacks is INVALID, untrusted
printf 'agreesign trust v1\n' >empty.trust
grep -v '^#' "$K/demo.trust" | grep -F "$(sed -n 's/^public-key: //p' "$K/demo-coauthor.pub")" >>empty.trust
expect 1 "$A" verify -t empty.trust "${CS[@]}"
has "$T/out" "signature 1: INVALID"
has "$T/out" "reason: untrusted-key"
expect 0 "$A" verify --json -t "$K/demo.trust" agr.txt
json 'd["verified"] is True and d["signatures"][0]["trusted_identity"]=="Inès Marović-Saldaña" and d["text"]["matches"]'
one_line "$T/out"

# A one-word change is caught; the envelope stays as it was.
sed '0,/license/s/license/licence/' agr.txt >changed.txt
cp agr.txt.sig.json changed.txt.sig.json
expect 1 "$A" verify -t "$K/demo.trust" changed.txt
has "$T/out" "agreement-changed"
# Harmless re-encoding is not a change.
{ printf '\xef\xbb\xbf'; sed 's/$/ \r/' agr.txt; } >crlf.txt
cp agr.txt.sig.json crlf.txt.sig.json
expect 0 "$A" verify -t "$K/demo.trust" crlf.txt

# --- co-signing and countersigning
expect 2 "$A" sign -k "$K/demo-coauthor.key" --role co-author agr.txt
expect 0 "$A" sign --append -k "$K/demo-coauthor.key" --role co-author agr.txt
expect 2 "$A" sign --append -k "$K/demo-coauthor.key" --role co-author agr.txt
has "$T/err" "already signed"
expect 2 "$A" sign --append -k "$K/demo-publisher.key" --role co-author changed.txt
has "$T/err" "different agreement"
expect 2 "$A" sign --append --title "Other" -k "$K/demo-publisher.key" agr.txt
# What a verifier refuses is never signed (spec §4.1): a U+FEFF, an
# e-mail address that is no text field.
expect 2 "$A" sign -k "$K/demo-author.key" -o bom.sig.json --title "$(printf '\xef\xbb\xbfTitle')" agr.txt
has "$T/err" "U+FEFF"
expect 2 "$A" sign -k "$K/demo-author.key" -o ls.sig.json --email "$(printf 'a\xe2\x80\xa8@example.org')" agr.txt
has "$T/err" "line separator"
expect 1 "$A" verify -t "$K/demo.trust" --require-role author,publisher agr.txt
has "$T/out" "publisher"
# spec §10.3: a repeated --require-role adds its roles (the last one does
# not replace the others); a role named twice counts once
expect 1 "$A" verify -t "$K/demo.trust" --require-role publisher --require-role author agr.txt
has "$T/out" "no valid signature by a trusted publisher"
expect 0 "$A" verify -t "$K/demo.trust" --require-role author --require-role co-author,author agr.txt
cp agr.txt.sig.json before-cs
expect 1 "$A" countersign -k "$K/demo-publisher.key" -t "$V/trust/revoked.trust" agr.txt
has "$T/err" "revoked"
same agr.txt.sig.json before-cs
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" agr.txt
expect 0 "$A" verify -t "$K/demo.trust" --require-role author,publisher agr.txt
expect 2 "$A" sign --append -k me.key agr.txt
has "$T/err" "countersigned"
kid=$(sed -n 's/^key-id: //p' "$K/demo-coauthor.pub")
expect 0 "$A" verify -t "$K/demo.trust" --require-signer "$kid" agr.txt
expect 1 "$A" verify -t "$K/demo.trust" --require-signer 00000000000000000000000000000000 agr.txt

# spec §10.3: required roles are the lowercase words of §4.3, separated by
# single commas; key ids are whole and lowercase. Anything else: usage.
expect 2 "$A" verify -t "$K/demo.trust" --require-role author, agr.txt
expect 2 "$A" verify -t "$K/demo.trust" --require-role "" agr.txt
for r in Author AUTHOR editor ,author author,,publisher "author, publisher" "author " co_author; do
	expect 2 "$A" verify -t "$K/demo.trust" --require-role "$r" agr.txt
	has "$T/err" "bad role list"
	[ -s "$T/out" ] && bad "--require-role '$r' printed a verdict" || ok
done
expect 2 "$A" verify -t "$K/demo.trust" --require-role author --require-role Publisher agr.txt
expect 2 "$A" verify -t "$K/demo.trust" --require-signer 0123ABCD0123ABCD0123ABCD0123ABCD agr.txt
upper=$(printf '%s' "$kid" | tr a-f A-F)
for k in "$upper" "${kid:0:16}" "${kid:0:31}" "${kid}0" "" " $kid" "${kid:0:31}g"; do
	expect 2 "$A" verify -t "$K/demo.trust" --require-signer "$k" agr.txt
	has "$T/err" "32 lowercase hex digits"
done
# repeated: every key named is required; a key named twice counts once
expect 1 "$A" verify -t "$K/demo.trust" --require-signer "$kid" --require-signer 00000000000000000000000000000000 agr.txt
expect 0 "$A" verify -t "$K/demo.trust" --require-signer "$kid" --require-signer "$kid" agr.txt
many=()
for i in $(seq 17); do many+=(--require-signer "$kid"); done
expect 2 "$A" verify -t "$K/demo.trust" "${many[@]}" agr.txt
has "$T/err" "too many --require-signer"
expect 0 "$A" verify -t "$K/demo.trust" "${many[@]:2}" agr.txt

# -q prints nothing, --json one object: together a usage error, exit 2,
# nothing on stdout, for one agreement and for a batch (spec 10.4)
echo '{"agreement": "agr.txt"}' >quiet.jsonl
for args in "--json -q agr.txt" "-q -j agr.txt" "-jq agr.txt" "--json -q --batch quiet.jsonl"; do
	# shellcheck disable=SC2086
	expect 2 "$A" verify -t "$K/demo.trust" $args
	has "$T/err" "-q and --json exclude each other"
	[ -s "$T/out" ] && bad "verify $args printed: $(cat "$T/out")" || ok
done
expect 0 "$A" verify -q -t "$K/demo.trust" agr.txt
[ -s "$T/out" ] && bad "verify -q printed: $(cat "$T/out")" || ok

# --- attachments: a symbolic link is not followed
mkdir att && cp agr.txt att/a.txt && printf 'paper' >att/paper.pdf
expect 0 "$A" sign -k "$K/demo-author.key" --attach att/paper.pdf att/a.txt
expect 0 "$A" verify -t "$K/demo.trust" att/a.txt
has "$T/out" "attachment paper.pdf: verified"
mv att/paper.pdf elsewhere.pdf && ln -s "$T/elsewhere.pdf" att/paper.pdf
expect 1 "$A" verify -t "$K/demo.trust" att/a.txt
has "$T/out" "attachment paper.pdf: changed"
rm att/paper.pdf
expect 0 "$A" verify -t "$K/demo.trust" att/a.txt
has "$T/out" "attachment paper.pdf: missing"

# Adding a signature checks the attached files first and shows every field.
cp "$K/demo-coauthor.key" co.key
printf 'paper' >att/paper.pdf
"$A" sign -k "$K/demo-author.key" --force --attach att/paper.pdf att/a.txt 2>/dev/null
printf 'other' >att/paper.pdf
cp att/a.txt.sig.json att-before
expect 2 "$A" sign --append --role co-author -k co.key att/a.txt
has "$T/err" "paper.pdf: attached file has changed"
same att/a.txt.sig.json att-before
printf 'paper' >att/paper.pdf
expect 0 "$A" sign --append --role co-author -k co.key att/a.txt
has "$T/err" "license:"
has "$T/err" "attachment:   paper.pdf"

# Countersigning needs an author's signature, not only a co-author's.
cp agr.txt coonly.txt
expect 0 "$A" sign --role co-author -k co.key coonly.txt
expect 1 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" coonly.txt
has "$T/err" "no valid signature by a trusted author"
expect 1 "$A" verify -t "$K/demo.trust" coonly.txt
has "$T/out" "title (claimed, unverified):"

# Terminal-steering characters in messages are shown escaped.
/usr/bin/python3 -c 'import sys; t = open("agr.txt.sig.json").read(); sys.stdout.write(t.replace(chr(34) + "format" + chr(34), chr(34) + chr(92) + "u009b31m" + chr(92) + "u202eformat" + chr(34), 1))' >esc.sig.json
expect 2 "$A" verify -t "$K/demo.trust" -e esc.sig.json agr.txt
has "$T/err" '\u{009b}31m\u{202e}format'
if grep -q "$(printf '\xc2\x9b')" "$T/err"; then bad "C1 control reached the terminal"; else ok; fi

# A file name that is not UTF-8 still appears in JSON output, escaped.
nu=$(printf 'bad\xffname.txt')
cp agr.txt "$nu"
"$A" sign -k "$K/demo-author.key" "$nu" 2>/dev/null
expect 0 "$A" verify --json -t "$K/demo.trust" "$nu"
has "$T/out" '"agreement":"bad\\xffname.txt"'

# --- decomposed input is stored in NFC
expect 0 "$A" keygen -o nfd --name "$(printf 'Ine\xcc\x80s')" --no-passphrase
has nfd.pub "name: Inès"

# --- inspect never claims anything is verified
expect 0 "$A" inspect agr.txt.sig.json
has "$T/out" "NOT VERIFIED"
has "$T/out" "Tomás Okonkwo"
# counts in words: "2 signatures", "1 signature"
expect 0 "$A" inspect "$V/envelopes/countersigned.sig.json"
has "$T/out" "countersigns:          2 signatures"
cp "$S" one.txt
"$A" sign -k "$K/demo-author.key" one.txt 2>/dev/null
"$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" one.txt 2>/dev/null
expect 0 "$A" inspect one.txt.sig.json
has "$T/out" "countersigns:          1 signature"
lacks "$T/out" "1 signatures"
lacks "$T/out" "signature(s)"

# --- bad input: clear one-line errors, exit 2, nothing changed
printf 'Line one\nbad \xc3\x28 byte\n' >badutf8.txt
expect 2 "$A" sign -k "$K/demo-author.key" badutf8.txt
has "$T/err" "badutf8.txt: line 2, column 5"
one_line "$T/err"
[ ! -e badutf8.txt.sig.json ] && ok || bad "envelope written for invalid UTF-8"
expect 2 "$A" canon badutf8.txt
expect 2 "$A" verify -t "$K/demo.trust" nonexistent.txt
has "$T/err" "nonexistent.txt"
head -c 200 agr.txt.sig.json >trunc.sig.json
expect 2 "$A" verify -t "$K/demo.trust" -e trunc.sig.json agr.txt
has "$T/err" "trunc.sig.json"
one_line "$T/err"
expect 2 "$A" verify --json -t "$K/demo.trust" -e trunc.sig.json agr.txt
has "$T/out" '"result":"error"'
head -c 2000000 /dev/zero | tr '\0' ' ' >big.sig.json
expect 2 "$A" verify -t "$K/demo.trust" -e big.sig.json agr.txt
has "$T/err" "larger than"
mkfifo fifo.sig.json
expect 2 timeout 5 "$A" verify -t "$K/demo.trust" -e fifo.sig.json agr.txt
has "$T/err" "not a regular file"
expect 2 "$A" verify agr.txt
expect 2 "$A" verify -p a -t b agr.txt
expect 2 env -u AGREESIGN_KEY HOME="$T/nohome" "$A" sign agr.txt # no key
expect 2 "$A" frobnicate
expect 2 "$A" verify -t "$K/demo-author.pub" agr.txt
has "$T/err" "agreesign trust v1"

# --- help is the same both ways, and true to the table
for c in keygen sign countersign verify canon extract inspect; do
	"$A" help "$c" >h1
	"$A" "$c" --help >h2
	cmp -s h1 h2 && has h1 "usage: agreesign $c" || bad "help $c differs"
done
expect 0 "$A" --version
has "$T/out" "agreesign-envelope/v1"

# --- sign shows every field it signs before it writes
cp "$S" shown.txt
cp "$K/demo-author.key" shown.key
chmod 600 shown.key # else a warning comes first
expect 0 "$A" sign -k shown.key shown.txt
[ "$(head -1 "$T/err")" = "agreesign: signing" ] && ok || bad "sign: first line $(head -1 "$T/err")"
for f in title author proceedings publisher license date text signer; do
	grep -q "^  $f: " "$T/err" && ok || bad "sign: no $f line: $(cat "$T/err")"
done
has "$T/err" "Deterministic Signatures for Scholarly Agreements"
has "$T/err" "as author, key "
[ "$(wc -l <"$T/err")" = 10 ] && ok || bad "sign: $(wc -l <"$T/err") lines on stderr, wanted 10"
[ "$(tail -1 "$T/err")" = "agreesign: wrote shown.txt.sig.json" ] && ok || bad "sign: last line $(tail -1 "$T/err")"

# --- an agreement must be plain UTF-8 text (issue 15, item 14): a PDF is
# named as one and pointed to --attach; Latin-1 gets the iconv command
printf '%%PDF-1.7\n%%\342\343\317\323\n1 0 obj\n' >paper.pdf
expect 2 "$A" sign -k "$K/demo-author.key" paper.pdf
has "$T/err" "agreesign: paper.pdf: a PDF document, not text: an agreement must be plain UTF-8 text; a paper or another file is bound to its agreement with 'agreesign sign --attach paper.pdf AGREEMENT'"
one_line "$T/err"
[ ! -e paper.pdf.sig.json ] && ok || bad "a PDF was signed"
printf '# Agreement\n\nTitle: Caf\303\251 cr\303\250me\n' >utf8.txt
iconv -f utf-8 -t latin1 utf8.txt >latin.txt
expect 2 "$A" sign -k "$K/demo-author.key" latin.txt
has "$T/err" "agreesign: latin.txt: line 3, column 11: invalid UTF-8: truncated sequence; the text is not UTF-8 but looks like Latin-1 (ISO 8859-1); convert it with iconv -f latin1 -t utf-8 latin.txt > latin.utf8.txt"
one_line "$T/err"
# the command it gives works: the result is the UTF-8 text
iconv -f latin1 -t utf-8 latin.txt >latin.utf8.txt
expect 0 "$A" canon latin.utf8.txt
"$A" canon utf8.txt | cmp -s - "$T/out" && ok || bad "the converted text differs from the original"
printf 'He said \223yes\224.\n' >"odd name.txt"
expect 2 "$A" verify -t "$K/demo.trust" "odd name.txt"
has "$T/err" "looks like Windows-1252; convert it with iconv -f windows-1252 -t utf-8 'odd name.txt' > 'odd name.utf8.txt'"
printf '\377\376h\000i\000\n\000' >wide.txt
expect 2 "$A" canon wide.txt
has "$T/err" "agreesign: wide.txt: UTF-16 text: an agreement must be UTF-8 text; convert it with iconv -f utf-16 -t utf-8 wide.txt > wide.utf8.txt"

# --- one spelling per meaning (issue 15, item 7): a date for every
# --time, -e/--envelope for the envelope, role lists for trust add
cp "$S" opt.txt
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-12-01 -e opt-e.sig.json opt.txt
json_env() { "$PY" -c 'import json,sys; e=json.load(open(sys.argv[1])); print(" ".join(s["signer"]["time"] for s in e["signatures"]))' "$1"; }
[ "$(json_env opt-e.sig.json)" = "2026-12-01T00:00:00Z" ] && ok || bad "sign --time DATE: $(json_env opt-e.sig.json)"
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-12-01T00:00:00Z --envelope opt-long.sig.json opt.txt
same opt-e.sig.json opt-long.sig.json
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-12-01 -o opt-o.sig.json opt.txt
same opt-e.sig.json opt-o.sig.json
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" --time 2026-12-02 -e opt-e.sig.json opt.txt
[ "$(json_env opt-e.sig.json)" = "2026-12-01T00:00:00Z 2026-12-02T00:00:00Z" ] && ok || bad "countersign --time DATE: $(json_env opt-e.sig.json)"
for bad_time in 2026-13-01 2026-12-1 "2026-12-01 10:00" 2026-12-01T10:00:00+01:00; do
	expect 2 "$A" sign -k "$K/demo-author.key" --time "$bad_time" -e opt-bad.sig.json opt.txt
	has "$T/err" "is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM:SSZ (UTC)"
done
[ ! -e opt-bad.sig.json ] && ok || bad "a bad --time wrote an envelope"
printf 'agreesign trust v1\n' >roles.trust
expect 0 "$A" trust add -t roles.trust --role author,publisher "$K/demo-author.pub"
expect 0 "$A" trust add -t roles.trust --role co-author --role publisher,author "$K/demo-coauthor.pub"
expect 0 "$A" trust list -t roles.trust --json
"$PY" -c 'import json,sys; print(";".join(",".join(json.loads(l)["roles"]) for l in open(sys.argv[1])))' "$T/out" >roles.got
[ "$(cat roles.got)" = "author,publisher;author,co-author,publisher" ] && ok || bad "trust add --role lists: $(cat roles.got)"
cp roles.trust roles.before
for bad_roles in author, ,author editor author,,co-author "author, co-author"; do
	expect 2 "$A" trust add -t roles.trust --role "$bad_roles" "$K/demo-publisher.pub"
	has "$T/err" "bad role list"
done
same roles.trust roles.before

# --- what can be refused without the secret key is refused before the
# passphrase is read: the passphrase file named here is a FIFO nobody
# writes to, so the message would say the passphrase is empty had it
# been read first; nothing is written.
mkfifo pass.fifo
cp "$S" pre.txt
expect 0 "$A" sign -k "$K/demo-author.key" pre.txt
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" pre.txt
cp pre.txt.sig.json pre.before
expect 2 "$A" sign --append --role co-author -k sealed.key --passphrase-file pass.fifo pre.txt
has "$T/err" "pre.txt.sig.json: envelope is countersigned: a new signature would break the countersignature"
lacks "$T/err" "pass.fifo"
lacks "$T/err" "agreesign: signing"
expect 2 "$A" sign -k sealed.key --passphrase-file pass.fifo pre.txt
has "$T/err" "pre.txt.sig.json: envelope exists: use --append to add a signature or --force to replace it"
lacks "$T/err" "pass.fifo"
expect 2 "$A" sign -k sealed.key --passphrase-file pass.fifo -o no/such/folder.sig.json pre.txt
has "$T/err" "no/such/folder.sig.json: no such folder: no/such"
lacks "$T/err" "pass.fifo"
[ ! -e no ] && ok || bad "sign made a folder"
sed '3s/^public-key: ./public-key: A/' sealed.key >broken.key
cmp -s broken.key sealed.key && sed -i '3s/^public-key: A/public-key: B/' broken.key
chmod 600 broken.key
expect 2 "$A" sign -k broken.key --passphrase-file pass.fifo -o broken.sig.json pre.txt
has "$T/err" "broken.key: line 2: key-id does not match public-key"
lacks "$T/err" "pass.fifo"
"$A" keygen -o sealedpub --name "Sealed Publisher" --passphrase-file pass --kdf-cost min 2>/dev/null
cp "$K/demo.trust" pre.trust
"$A" trust add -t pre.trust --role publisher sealedpub.pub 2>/dev/null
cp pre.txt cs2.txt
expect 0 "$A" sign -k "$K/demo-author.key" cs2.txt
expect 0 "$A" countersign -k sealedpub.key --passphrase-file pass -t pre.trust cs2.txt
cp cs2.txt.sig.json cs2.before
expect 2 "$A" countersign -k sealedpub.key --passphrase-file pass.fifo -t pre.trust cs2.txt
has "$T/err" "has already signed this envelope"
lacks "$T/err" "pass.fifo"
# the trust check of countersign comes first too
printf 'agreesign trust v1\n' >lone.trust
"$A" trust add -t lone.trust --role publisher sealedpub.pub 2>/dev/null
cp pre.txt cs3.txt
expect 0 "$A" sign -k "$K/demo-author.key" cs3.txt
cp cs3.txt.sig.json cs3.before
expect 1 "$A" countersign -k sealedpub.key --passphrase-file pass.fifo -t lone.trust cs3.txt
has "$T/err" "signature 1 does not verify (untrusted-key)"
lacks "$T/err" "pass.fifo"
same pre.txt.sig.json pre.before
same cs2.txt.sig.json cs2.before
same cs3.txt.sig.json cs3.before
[ ! -e broken.sig.json ] && ok || bad "a refused sign wrote an envelope"

# --- concurrent signers: sign --append and countersign lock the envelope
# (its real file) and read it again once locked, so no signature is lost.
# 20 keys sealed with a passphrase, fed through a file or a pipe.
mkdir par
cp agr.txt par/p.txt
cp "$K/demo.trust" par.trust
for i in $(seq 1 20); do
	"$A" keygen -o par/s$i --name "Signer $i" --kdf-cost min --passphrase-file pass 2>/dev/null
	"$A" trust add -t par.trust --role co-author par/s$i.pub 2>/dev/null
done
expect 0 "$A" sign -k "$K/demo-author.key" par/p.txt
for i in $(seq 1 20); do
	if [ $((i % 2)) = 0 ]; then
		"$A" sign --append --role co-author -k par/s$i.key --passphrase-file pass par/p.txt 2>par/err$i &
	else
		printf 'correct horse\n' | "$A" sign --append --role co-author -k par/s$i.key --passphrase-file /dev/stdin par/p.txt 2>par/err$i &
	fi
	echo $! >par/pid$i
done
for i in $(seq 1 20); do
	wait "$(cat par/pid$i)" && ok || bad "signer $i: $(cat par/err$i)"
done
/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signatures"]))' par/p.txt.sig.json >par/n
[ "$(cat par/n)" = 21 ] && ok || bad "20 parallel appends: $(cat par/n) of 21 signatures"
for i in $(seq 1 20); do
	has par/p.txt.sig.json "$(sed -n 's/^key-id: //p' par/s$i.pub)"
done
expect 0 "$A" verify -t par.trust par/p.txt

# A countersignature among appends: each command that says it wrote its
# signature has it in the envelope; appends after the countersignature
# are refused; the countersignature covers what it found.
cp agr.txt par/c.txt
expect 0 "$A" sign -k "$K/demo-author.key" par/c.txt
for i in $(seq 1 6); do
	"$A" sign --append --role co-author -k par/s$i.key --passphrase-file pass par/c.txt 2>par/cerr$i &
	echo $! >par/pid$i
done
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t par.trust par/c.txt
wrote=2
for i in $(seq 1 6); do
	if wait "$(cat par/pid$i)"; then
		wrote=$((wrote + 1))
		has par/c.txt.sig.json "$(sed -n 's/^key-id: //p' par/s$i.pub)"
	else
		has par/cerr$i "countersigned"
	fi
done
/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signatures"]))' par/c.txt.sig.json >par/n
[ "$(cat par/n)" = "$wrote" ] && ok || bad "appends and a countersignature: $(cat par/n) signatures, $wrote written"
expect 0 "$A" verify -t par.trust --require-role author,publisher par/c.txt

# Through a symbolic link, an append changes the envelope it leads to; a
# hard-linked envelope is refused, unchanged.
cp agr.txt par/l.txt
expect 0 "$A" sign -k "$K/demo-author.key" par/l.txt
ln -s par/l.txt.sig.json l.sig.json
expect 0 "$A" sign --append --role co-author -k "$K/demo-coauthor.key" -o l.sig.json par/l.txt
[ -L l.sig.json ] && ok || bad "append replaced the symbolic link"
has par/l.txt.sig.json "$(sed -n 's/^key-id: //p' "$K/demo-coauthor.pub")"
[ -e par/l.txt.sig.json.lock ] && [ ! -e l.sig.json.lock ] && ok || bad "the envelope's lock is not the target's"
# An append keeps the envelope's permission bits (spec §6.3); sign --force
# starts a new file (0644 less the umask), but waits for the lock of an
# edit under way.
chmod 640 par/l.txt.sig.json
expect 0 "$A" sign --append --role co-author -k par/s1.key --passphrase-file pass -o l.sig.json par/l.txt
[ "$(stat -c %a par/l.txt.sig.json)" = 640 ] && ok || bad "append changed the mode to $(stat -c %a par/l.txt.sig.json)"
if command -v flock >/dev/null; then
	flock par/l.txt.sig.json.lock sleep 1 &
	sleep 0.3
	start=$(date +%s%N)
	mask=$(umask) && umask 022
	expect 0 "$A" sign --force -k "$K/demo-author.key" -o par/l.txt.sig.json par/l.txt
	umask "$mask"
	[ $((($(date +%s%N) - start) / 1000000)) -ge 400 ] && ok || bad "sign --force did not wait for the lock"
	wait
	[ "$(stat -c %a par/l.txt.sig.json)" = 644 ] && ok || bad "sign --force kept the mode $(stat -c %a par/l.txt.sig.json)"
	expect 0 "$A" sign --append --role co-author -k "$K/demo-coauthor.key" -o par/l.txt.sig.json par/l.txt
fi
ln par/l.txt.sig.json h.sig.json
cp h.sig.json h.before
expect 2 "$A" sign --append --role co-author -k par/s1.key --passphrase-file pass -o h.sig.json par/l.txt
has "$T/err" "h.sig.json: has 2 hard links"
expect 2 "$A" countersign -k "$K/demo-publisher.key" -t par.trust -e h.sig.json par/l.txt
has "$T/err" "hard links"
same h.sig.json h.before

# --- crash safety: what is fsync'd (fileio.c). A replaced file's new
# content is synced before the rename; a secret key and a trust store
# are synced, folder too; a new envelope is not (it can be made again).
# syncs TRACE: the number of fsync calls in an strace log.
syncs() { grep -c '^[0-9]* *fsync(' "$1"; }
if command -v strace >/dev/null; then
	cp "$S" crash.txt
	strace -f -qq -e trace=fsync -o tr1 "$A" sign -k "$K/demo-author.key" crash.txt 2>/dev/null
	[ "$(syncs tr1)" = 0 ] && ok || bad "a new envelope: $(syncs tr1) fsyncs, wanted 0"
	strace -f -qq -e trace=fsync -o tr2 "$A" sign -k "$K/demo-author.key" --force crash.txt 2>/dev/null
	[ "$(syncs tr2)" = 1 ] && ok || bad "a replaced envelope: $(syncs tr2) fsyncs, wanted 1"
	strace -f -qq -e trace=fsync -o tr3 "$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" crash.txt 2>/dev/null
	[ "$(syncs tr3)" = 1 ] && ok || bad "countersign: $(syncs tr3) fsyncs, wanted 1"
	expect 0 "$A" verify -t "$K/demo.trust" crash.txt
	strace -f -qq -e trace=fsync -o tr4 "$A" keygen -o crashkey --name "Crash Test" --no-passphrase 2>/dev/null
	[ "$(syncs tr4)" = 4 ] && ok || bad "keygen: $(syncs tr4) fsyncs, wanted 4 (two files, each with its folder)"
	cp "$K/demo.trust" crash.trust
	strace -f -qq -e trace=fsync -o tr5 "$A" trust add -t crash.trust --role author crashkey.pub 2>/dev/null
	[ "$(syncs tr5)" = 2 ] && ok || bad "trust add: $(syncs tr5) fsyncs, wanted 2 (the file and its folder)"
else
	bad "strace is not installed (.ci/install-deps installs it)"
fi

# --- the real agreements, when the shared folder is there
if [ -d "$SHARED/agreements" ]; then
	for f in "$SHARED"/agreements/*.txt; do
		expect 0 "$A" canon "$f"
		expect 0 "$A" extract "$f"
		has "$T/out" '"license": "CC-BY-4.0"'
		cp "$f" real.txt
		rm -f real.txt.sig.json
		expect 0 "$A" sign -k "$K/demo-author.key" --name "Someone Else" real.txt
		expect 1 "$A" verify -t "$K/demo.trust" real.txt
		has "$T/out" "name-mismatch"
		expect 0 "$A" sign -k "$K/demo-author.key" --force real.txt
		expect 0 "$A" verify -p "$K/demo-author.pub" real.txt
		sed -i '0,/article/s/article/articles/' real.txt
		expect 1 "$A" verify -p "$K/demo-author.pub" real.txt
	done
	"$A" extract "$SHARED/agreements/000_772113baa6c4798f.txt" >x.json
	has x.json '"corresponding_author": "Zhuohan Li"'
	has x.json '"agreement_date": "06/09/2021"'
fi

finish cli
