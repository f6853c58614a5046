#!/usr/bin/env bash
# End-to-end tests of what verify writes when untrusted text is long or
# carries controls (issue 13, items 6 and 7; spec/agreesign-v1.md §10.4,
# §10.5): a long non-ASCII value in every field that reaches a reason is
# cut at a character, never inside one (the JSON result is still written,
# exit 1, a batch line keeps its id); and C1 and bidi controls in every
# field that can carry untrusted text are escaped in text, --json, --batch
# and the HTML report.
# Usage: tests/e2e/e2e_output.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# json_line EXPR: the library's json, and $T/out is exactly one line (a
# JSON line: one result, one batch entry).
json_line() {
	if [ "$(wc -l <"$T/out")" = 1 ]; then json "$1"; else
		bad "json_line: $T/out is not one line: $(head -c 400 "$T/out")"
	fi
}
# clean FILE: valid UTF-8, and no C0 control but LF (and TAB in HTML), no
# DEL, C1 or bidi control, no U+2028/U+2029 as itself.
cat >clean.py <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]", text)
if m:
    sys.exit("holds U+%04X at %d: %r" % (ord(m.group()), m.start(), text[max(0, m.start() - 40):m.start() + 20]))
PY
clean() { if msg=$(/usr/bin/python3 clean.py "$1" 2>&1); then ok; else bad "$1 ($2): $msg"; fi; }
P() { sed -n 's/^public-key: //p' "$1"; }
# long C N: N bytes or a little fewer of character C after one 'x'.
long() { /usr/bin/python3 -c "import sys; c=sys.argv[1]; n=int(sys.argv[2]); print('x' + c * ((n - 1) // len(c.encode())))" "$1" "$2"; }

cp "$S" agr.txt
AUTH=$(P "$K/demo-author.pub")
export SOURCE_DATE_EPOCH=1795000000
"$A" sign -k "$K/demo-author.key" agr.txt 2>/dev/null

# --- item 6: long non-ASCII values reach a reason ---------------------

for c in é € 𝄞; do
	# a revoked key's reason (1,000 bytes)
	printf 'agreesign trust v1\n"Inès Marović-Saldaña" %s roles=author revoked=2026-01-01T00:00:00Z reason="%s"\n' \
		"$AUTH" "$(long "$c" 1000)" >rev.trust
	expect 1 "$A" verify --json -t rev.trust agr.txt
	json_line 'd["result"] == "not-verified" and d["signatures"][0]["reason"] == "revoked" and d["signatures"][0]["detail"].endswith("…")'
	expect 1 "$A" verify -t rev.trust agr.txt
	clean out "revocation reason $c, text"
	has out "…"
	printf '{"agreement": "agr.txt", "id": "entry %s"}\n' "$c" >m.jsonl
	expect 1 "$A" verify --batch m.jsonl --no-progress -t rev.trust
	json_line "d['id'] == 'entry $c' and d['agreement'] == 'agr.txt'"
	json_line 'd["envelope"].endswith("agr.txt.sig.json") and d["result"] == "not-verified"'

	# a long trusted identity and a long claimed name: name mismatch
	name=$(long "$c" 1000)
	"$A" keygen -o long --name "$name" --no-passphrase --force 2>/dev/null
	"$A" sign --force -k long.key -o long.sig.json agr.txt 2>/dev/null
	printf 'agreesign trust v1\n"%s" %s roles=author\n' "$(long "$c" 900)y" "$(P long.pub)" >long.trust
	expect 1 "$A" verify --json -t long.trust -e long.sig.json agr.txt
	json_line 'd["signatures"][0]["reason"] == "name-mismatch" and "…" in d["signatures"][0]["detail"] and d["signatures"][0]["claimed_name"].startswith("x")'
	expect 1 "$A" verify -t long.trust -e long.sig.json agr.txt
	clean out "long names $c, text"

	# a changed attachment with a 250-byte name
	att=$(long "$c" 250).pdf
	printf 'first' >"$att"
	"$A" sign --force -k "$K/demo-author.key" --attach "$att" -o att.sig.json agr.txt 2>/dev/null
	printf 'second' >"$att"
	expect 1 "$A" verify -t "$K/demo.trust" -e att.sig.json agr.txt
	clean out "attachment name $c, text"
	has out '…" has changed'
	expect 1 "$A" verify --json -t "$K/demo.trust" -e att.sig.json agr.txt
	json_line 'd["reason"].endswith("…\" has changed") and d["attachments"][0]["status"] == "changed"'
	rm -f "$att"

	# a template field given two long values
	printf '{{agreesign-template/v2}}\nAgreement with {{name}} here.\n\nSigned: {{name}}\n' >t.tmpl
	"$A" sign --force --as-template --role publisher -k "$K/demo-publisher.key" t.tmpl 2>/dev/null
	printf 'Agreement with %s here.\n\nSigned: %s\n' "$(long "$c" 290)" "$(long "$c" 250)y" >f.txt
	"$A" sign --force -k "$K/demo-author.key" f.txt 2>/dev/null
	expect 1 "$A" template check --json t.tmpl f.txt
	json_line 'not d["matches"] and "…\" and \"" in d["problem"]'
	expect 1 "$A" template check t.tmpl f.txt
	clean out "template field values $c, text"
	expect 1 "$A" verify --json -t "$K/demo.trust" --template t.tmpl.sig.json f.txt
	json_line 'd["reason"].startswith("template: ") and d["template"]["match"]["problem"].endswith("\"")'
	rm -f f.html
	expect 1 "$A" verify -t "$K/demo.trust" --template t.tmpl.sig.json --report f.html f.txt
	clean out "template field values $c, verify --template"
	clean f.html "template field values $c, HTML"
done

# An error that quotes a long non-ASCII path: the --json error object is
# written, its reason cut at a character.
dir=$(long é 250)
mkdir -p "$dir/$dir/$dir"
expect 2 "$A" verify --json -t "$K/demo.trust" "$dir/$dir/$dir/missing.txt"
json_line 'd["result"] == "error" and "…" in d["reason"]'
clean err "long path, message"

# --- item 7: C1 and bidi controls in every untrusted field -------------

CSI=$(printf '\xc2\x9b')  # U+009B, starts a control sequence
RLO=$(printf '\xe2\x80\xae') # U+202E, reverses what follows
LSEP=$(printf '\xe2\x80\xa8') # U+2028
dir="d${CSI}2J${RLO}fdp"
mkdir "$dir"
cp agr.txt "$dir/agr${LSEP}.txt"
AG="$dir/agr${LSEP}.txt"
att="paper${RLO}fdp.exe"
printf 'x' >"$dir/$att"
"$A" keygen -o evil --name "Eve ${RLO}live" --email "eve${RLO}@example.org" --no-passphrase --force 2>/dev/null
"$A" sign -k evil.key --attach "$dir/$att" --title "On ${RLO}Engines" "$AG" 2>/dev/null
printf 'y' >"$dir/$att"       # changed: the reason quotes the name
printf 'agreesign trust v1\n"Eve %slive" %s roles=author revoked=2026-01-01T00:00:00Z reason="lost %skey"\n' \
	"$RLO" "$(P evil.pub)" "$RLO" >evil.trust

expect 1 "$A" verify -t evil.trust "$AG"
clean out "controls, text"
has out "NOT VERIFIED: signature 1 is not valid"
has out "title (claimed, unverified): On \\u{202e}Engines"
has out "Eve \\u{202e}live"
has out "lost \\u{202e}key"
has out "attachment paper\\u{202e}fdp.exe: changed"
has out "d\\u{009b}2J\\u{202e}fdp/agr\\u{2028}.txt"
# the NOT VERIFIED line itself: an attachment changed under a valid key
printf 'agreesign trust v1\n"Eve %slive" %s roles=author\n' "$RLO" "$(P evil.pub)" >evil-ok.trust
expect 1 "$A" verify -t evil-ok.trust "$AG"
clean out "NOT VERIFIED line"
has out 'NOT VERIFIED: attachment "paper\u{202e}fdp.exe" has changed'

expect 1 "$A" verify --json -t evil.trust "$AG"
clean out "controls, --json"
has out '"d\u009B2J\u202Efdp/agr\u2028.txt"'
json_line 'd["agreement"] == "'"$AG"'" and d["metadata"]["title"] == "On \u202eEngines" and d["signatures"][0]["trusted_identity"] == "Eve \u202elive" and d["signatures"][0]["claimed_email"] == "eve\u202e@example.org" and "lost \u202ekey" in d["signatures"][0]["detail"] and d["attachments"][0]["name"] == "paper\u202efdp.exe"'

printf '{"agreement": "%s", "id": "entry %s"}\n' "$AG" "$RLO" >evil.jsonl
expect 1 "$A" verify --batch evil.jsonl --no-progress -t evil.trust
clean out "controls, --batch manifest"
json_line 'd["id"] == "entry \u202e" and d["agreement"] == "'"$AG"'"'
expect 1 "$A" verify --batch "$dir" --no-progress -t evil-ok.trust
clean out "controls, --batch folder"
json_line 'd["reason"] == "attachment \"paper\u202efdp.exe\" has changed"'

expect 1 "$A" verify -t evil.trust --report "r${RLO}.html" "$AG"
clean "r${RLO}.html" "controls, HTML report"
has "r${RLO}.html" "Eve \\u{202e}live"
has "r${RLO}.html" "<th>Agreement file</th><td class=\"mono\">$(pwd -P)/d\\u{009b}2J\\u{202e}fdp/agr\\u{2028}.txt</td>"

# template field values (from the agreement text, which may hold bidi
# controls), in text, --json and the report
printf '{{agreesign-template/v2}}\nAgreement with {{name}} here.\n' >b.tmpl
"$A" sign --as-template --role publisher -k "$K/demo-publisher.key" b.tmpl 2>/dev/null
printf 'Agreement with Ada %sLovelace here.\n' "$RLO" >b.txt
"$A" sign -k "$K/demo-author.key" b.txt 2>/dev/null
expect 0 "$A" template check b.tmpl b.txt
clean out "template field, text"
has out "field name: Ada \\u{202e}Lovelace"
expect 0 "$A" template check --json b.tmpl b.txt
clean out "template field, --json"
json_line 'd["fields"]["name"] == "Ada \u202eLovelace"'
expect 0 "$A" verify -t "$K/demo.trust" --template b.tmpl.sig.json --report b.html b.txt
clean out "template field, verify --template"
clean b.html "template field, HTML"
has b.html "Ada \\u{202e}Lovelace"
expect 0 "$A" verify --json -t "$K/demo.trust" --template b.tmpl.sig.json b.txt
clean out "template field, verify --json"

# messages on stderr quote paths and arguments in their display form
expect 2 "$A" verify -t evil.trust "$dir/missing${CSI}.txt"
clean err "message"
has err "missing\\u{009b}.txt"
expect 2 "$A" verify -t evil.trust --require-role "author${RLO}" "$AG"
clean err "usage message"
has err "author\\u{202e}"

finish output
