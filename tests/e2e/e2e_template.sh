#!/usr/bin/env bash
# End-to-end tests of templates (spec/templates.md): `template check` and
# `template show`, a publisher signing a template, and `verify --template`
# with trusted, untrusted and altered templates.
# Usage: tests/e2e/e2e_template.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
PMLR=$ROOT/spec/templates/pmlr-open-access.tmpl

# --- syntax and show
expect 0 "$A" template show "$PMLR"
has out "fields: title corresponding_author agreement_date"
expect 0 "$A" template show --json "$PMLR"
json 'd["fields"] == ["title", "corresponding_author", "agreement_date"] and len(d["sha512"]) == 128'
printf '{{agreesign-template/v2}}\nDear {{Name}},\n' >bad.tmpl
expect 2 "$A" template show bad.tmpl
has err "bad.tmpl: line 2, column 6"
# a form that does not parse is not signed as a template: no agreement
# could ever match it (the error before any passphrase, nothing written)
expect 2 "$A" sign --as-template --role publisher -k "$K/demo-publisher.key" bad.tmpl
has err "bad.tmpl: line 2, column 6"
check "an envelope was written for a broken template" test ! -e bad.tmpl.sig.json
# a template of the first format (no version line, fields without shapes)
# is refused, with the reason (spec/templates.md, "Version")
sed '1,2d; s/{{agreement_date:date}}/{{agreement_date}}/' "$PMLR" >old.tmpl
expect 2 "$A" template show old.tmpl
has err "old.tmpl: line 1, column 1: the first line is not {{agreesign-template/v2}}"
printf '{{agreesign-template/v3}}\nDear {{name}},\n' >v3.tmpl
expect 2 "$A" template show v3.tmpl
has err "unknown template version"
expect 2 "$A" template check "$PMLR"
expect 2 "$A" template frobnicate
expect 0 "$A" template --help
has out "usage: agreesign template check"
expect 2 "$A" verify -t "$K/demo.trust" --batch x --template y.sig.json
has err "not with --batch"

# --- the shared real agreements against the project's PMLR template
if [ -d "$SHARED/agreements" ]; then
	R1=$SHARED/agreements/000_772113baa6c4798f.txt
	R2=$SHARED/agreements/004_42ae1ebd3b67d732.txt
	expect 0 "$A" template check "$PMLR" "$R1"
	has out "result: matches"
	has out "field corresponding_author: Zhuohan Li"
	has out "field agreement_date: 06/09/2021"
	expect 0 "$A" template check --json "$PMLR" "$R2"
	json 'd["matches"] and d["fields"] == {"title": "Occult: Optimizing Collaborative Communication Across Experts for Accelerated Parallel MoE Training and Inference", "corresponding_author": "Tianlong Chen", "agreement_date": "2025/05/24"}'

	# a changed word in a clause, a removed clause, an added clause
	sed 's/the laws of the Commonwealth of Massachusetts/the laws of the State of Delaware/' "$R2" >word.txt
	expect 1 "$A" template check "$PMLR" word.txt
	has out "changed: template paragraph 19 (line 33), agreement paragraph 17 (line 27)"
	has out "removed: Commonwealth"
	has out "added: State"
	has out "[-Massachusetts.-] {+Delaware.+}"
	grep -v '^4\. You retain ownership' "$R1" >removed.txt
	expect 1 "$A" template check --json "$PMLR" removed.txt
	json '[(x["kind"], x["template_paragraph"], x["agreement_paragraph"]) for x in d["differences"]] == [("removed", 11, None)] and d["differences"][0]["first_words"].startswith("4. You retain ownership")'
	sed 's/^I HAVE READ/8. The publisher may sell the article.\n\nI HAVE READ/' "$R1" >added.txt
	expect 1 "$A" template check "$PMLR" added.txt
	has out "added: agreement paragraph 20 (line 33): \"8. The publisher may sell the article.\""
	one=$(grep -c '^changed:\|^removed:\|^added:' out)
	[ "$one" = 1 ] && ok || bad "added clause: $one differences"

	# a clause on the lines right after a field's value, without a blank
	# line, is no part of the field (issue 13, item 8)
	sed 's|^  - Date: 06/09/2021$|&\n    The publisher may sell the article.|' "$R1" >after-date.txt
	expect 1 "$A" template check "$PMLR" after-date.txt
	has out "added: The publisher may sell the article."
	lacks out "field agreement_date"
	sed 's|^2025/05/24$|& and the publisher may sell the article|' "$R2" >same-line.txt
	expect 1 "$A" template check "$PMLR" same-line.txt
	has out "added: and the publisher may sell the article"
	sed 's|^Zhuohan Li$|&\nThe publisher may sell the article.|' "$R1" >after-name.txt
	expect 1 "$A" template check --json "$PMLR" after-name.txt
	json '[(x["kind"], x["template_paragraph"], x["added"]) for x in d["differences"]] == [("changed", 5, ["The publisher may sell the article."])]'

	# a publisher signs the template; extraction finds no fields in it
	cp "$PMLR" pmlr.tmpl
	expect 0 "$A" extract pmlr.tmpl
	lacks out "{{"
	has out '"publisher": "PMLR"'
	# issue 15, item 1: a template signed as an agreement is refused,
	# saying what to do; sign --template (verify's option) is refused
	# with the new name; nothing is written
	expect 2 "$A" sign --role publisher -k "$K/demo-publisher.key" pmlr.tmpl
	has err "agreesign: pmlr.tmpl: the text holds the template field '{{agreesign-template/v2}}' (line 1, column 1 of its canonical text): fill in the fields to sign the agreement, or sign the form as a template with 'agreesign sign --as-template'"
	lacks err "agreesign: signing"
	[ ! -e pmlr.tmpl.sig.json ] && ok || bad "a template was signed as an agreement"
	expect 2 "$A" sign --template --role publisher -k "$K/demo-publisher.key" pmlr.tmpl
	has err "sign takes --as-template to sign a template (--template ENVELOPE is verify's option)"
	[ ! -e pmlr.tmpl.sig.json ] && ok || bad "sign --template wrote an envelope"
	# a field anywhere, not only the version line; its place is named
	cp "$R1" half.txt
	sed -i 's/^Zhuohan Li$/Zhuohan {{corresponding_author}}/' half.txt
	line=$("$A" canon half.txt | grep -n 'Zhuohan {{' | cut -d: -f1)
	expect 2 "$A" sign -k "$K/demo-author.key" half.txt
	has err "half.txt: the text holds the template field '{{corresponding_author}}' (line $line, column 9 of its canonical text)"
	[ ! -e half.txt.sig.json ] && ok || bad "a text with a field was signed"
	# {{ and }} in different words are no directive: signed as usual
	cp "$R1" braces.txt
	printf 'Set notation: {{ a, b }} and x}} or {{y\n' >>braces.txt
	expect 0 "$A" sign -k "$K/demo-author.key" braces.txt
	expect 0 "$A" sign --as-template --role publisher -k "$K/demo-publisher.key" --time 2026-01-05T09:00:00Z pmlr.tmpl
	has err "title:        (none)"
	cp "$R1" real.txt
	expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-01-06T09:00:00Z real.txt

	# the README's commands, as written there (issue 15, item 1)
	mkdir readme && cp "$PMLR" readme/pmlr-open-access.tmpl && cp "$K/demo-publisher.key" readme/press.key && chmod 600 readme/press.key
	cp "$R1" readme/agreement.txt && cp "$K/demo.trust" readme/authors.trust
	(cd readme && "$A" sign -k "$K/demo-author.key" agreement.txt 2>/dev/null)
	grep -o 'agreesign sign --as-template --role publisher -k press.key pmlr-open-access.tmpl' "$ROOT/README.md" >readme/cmd && ok || bad "README lacks the template signing command"
	(cd readme && read -r -a argv <cmd && "$A" "${argv[@]:1}" 2>err) && ok || bad "README's template signing: $(cat readme/err)"
	(cd readme && "$A" verify -t authors.trust --template pmlr-open-access.tmpl.sig.json --report agreement.html agreement.txt >out 2>&1) && ok || bad "README's verify --template: $(cat readme/out)"
	expect 0 "$A" verify -t "$K/demo.trust" --template pmlr.tmpl.sig.json real.txt
	has out "template signature 1: valid: Example Open Press (publisher)"
	has out "field title: TeraPipe: Token-Level Pipeline Parallelism"
	has out "template: verified"
	expect 0 "$A" verify --json -t "$K/demo.trust" --template pmlr.tmpl.sig.json real.txt
	sha=$("$A" template show --json pmlr.tmpl | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sha512"])')
	json "d['verified'] and d['template']['verified'] and d['template']['sha512'] == '$sha' and d['template']['match']['fields']['corresponding_author'] == 'Zhuohan Li' and d['template']['signed']['signatures'][0]['role'] == 'publisher'"
	# --template-text names the text when the envelope lies elsewhere
	mkdir other && cp pmlr.tmpl.sig.json other/
	expect 0 "$A" verify -q -t "$K/demo.trust" --template other/pmlr.tmpl.sig.json --template-text pmlr.tmpl real.txt
	expect 2 "$A" verify -t "$K/demo.trust" --template other/pmlr.tmpl.sig.json real.txt
	expect 2 "$A" verify -t "$K/demo.trust" --template-text pmlr.tmpl real.txt
	has err "needs --template"

	# an agreement that is not the template: exit 1, the paragraph named
	cp word.txt word2.txt
	expect 0 "$A" sign -k "$K/demo-author.key" word2.txt
	expect 1 "$A" verify -t "$K/demo.trust" --template pmlr.tmpl.sig.json word2.txt
	has out "NOT VERIFIED: template: the agreement differs from the template in 1 paragraph"
	has out "changed: template paragraph 19"

	# a template signed by an untrusted key fails, with the reason
	"$A" keygen -o rogue --name "Rogue Press" --no-passphrase >/dev/null 2>&1
	cp pmlr.tmpl rogue.tmpl
	expect 0 "$A" sign --as-template --role publisher -k rogue.key rogue.tmpl
	expect 1 "$A" verify -t "$K/demo.trust" --template rogue.tmpl.sig.json real.txt
	has out "NOT VERIFIED: template: the template's signature 1 is not valid: key"
	has out "is not trusted"
	lacks out "field title"
	expect 1 "$A" verify --json -t "$K/demo.trust" --template rogue.tmpl.sig.json real.txt
	json 'not d["verified"] and not d["template"]["verified"] and d["template"]["signed"]["signatures"][0]["reason"] == "untrusted-key"'

	# a template signed by an author, not a publisher, fails
	cp pmlr.tmpl authored.tmpl
	expect 0 "$A" sign --as-template -k "$K/demo-author.key" authored.tmpl
	expect 1 "$A" verify -t "$K/demo.trust" --template authored.tmpl.sig.json real.txt
	has out "no valid signature by a trusted publisher"

	# a template's signature is no agreement signature, and the other way
	# round, even over the same text (spec: statement "kind")
	cp pmlr.tmpl astext.txt
	cp pmlr.tmpl.sig.json astext.txt.sig.json
	expect 0 "$A" sign --append -k "$K/demo-author.key" astext.txt
	expect 1 "$A" verify -t "$K/demo.trust" --require-role author,publisher astext.txt
	has out "signs a template, not an agreement"
	# sign no longer signs a template as an agreement (issue 15), so the
	# envelope another tool could make is made here: the template's own,
	# without "kind", signed again with the demo publisher's seed
	cp pmlr.tmpl asagreement.tmpl
	"$PY" - "$ROOT/tests/interop" "$K/demo-publisher.key" pmlr.tmpl.sig.json asagreement.tmpl.sig.json <<'PYEOF'
import base64, json, re, sys
sys.path.insert(0, sys.argv[1])
import agreesign_verify as V
import nacl.signing
seed = base64.b64decode(re.search(r"(?m)^secret-key: (\S+)$", open(sys.argv[2]).read()).group(1))
env = json.load(open(sys.argv[3], encoding="utf-8"))
del env["statement"]["kind"]
sig = env["signatures"][0]
sig["signature"] = base64.b64encode(nacl.signing.SigningKey(seed).sign(V.message(env["statement"], sig)).signature).decode()
json.dump(env, open(sys.argv[4], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PYEOF
	# (its signature is valid: only the missing author fails the policy)
	expect 1 "$A" verify --json -t "$K/demo.trust" asagreement.tmpl
	json 'd["signatures"][0]["result"] == "valid" and d["signatures"][0]["role"] == "publisher"'
	expect 1 "$A" verify -t "$K/demo.trust" --template asagreement.tmpl.sig.json real.txt
	has out "not a template"

	# a template of the first format, signed then, is refused clearly.
	# sign no longer signs one (it must parse), so its envelope is made
	# here as it was then: the PMLR template's, over old.tmpl's canonical
	# text, signed again with the demo publisher's seed
	"$A" canon old.tmpl >old.canon
	"$PY" - "$ROOT/tests/interop" "$K/demo-publisher.key" pmlr.tmpl.sig.json old.tmpl.sig.json old.canon <<'PYEOF'
import base64, hashlib, json, re, sys
sys.path.insert(0, sys.argv[1])
import agreesign_verify as V
import nacl.signing
seed = base64.b64decode(re.search(r"(?m)^secret-key: (\S+)$", open(sys.argv[2]).read()).group(1))
env = json.load(open(sys.argv[3], encoding="utf-8"))
text = open(sys.argv[5], "rb").read()
env["statement"]["text_sha512"] = hashlib.sha512(text).hexdigest()
env["statement"]["text_length"] = len(text)
sig = env["signatures"][0]
sig["signature"] = base64.b64encode(nacl.signing.SigningKey(seed).sign(V.message(env["statement"], sig)).signature).decode()
json.dump(env, open(sys.argv[4], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PYEOF
	expect 1 "$A" verify -t "$K/demo.trust" old.tmpl
	has out "signature 1: valid: Example Open Press (publisher)"
	expect 2 "$A" verify -t "$K/demo.trust" --template old.tmpl.sig.json real.txt
	has err "old.tmpl: line 1, column 1: the first line is not {{agreesign-template/v2}}"

	# a template text changed after signing fails
	sed 's/within one year/within two years/' pmlr.tmpl >changed.tmpl
	cp pmlr.tmpl.sig.json changed.tmpl.sig.json
	expect 1 "$A" verify -t "$K/demo.trust" --template changed.tmpl.sig.json real.txt
	has out "the template file is not the template that was signed"
else
	echo "e2e_template: $SHARED/agreements not found: real-agreement tests skipped"
fi

# --- the project's sample agreement against a template written here
{
	printf '{{agreesign-template/v2}}\n{{?#}} Publication Agreement\n\n'
	printf 'This publication agreement (“this agreement”) concerns a written work currently entitled\n\n'
	printf '{{title:lines=2}}\n\n(“the article”) to be published in {{proceedings}} (“the proceedings”). '
	printf 'The parties to this Agreement are:\n\n{{corresponding_author}}\n\n'
	sed -n '/^(name of corresponding/,$p' "$S" |
		sed 's/and Example Open Press/and {{publisher}}/; s/Date: 2026-11-20/Date: {{agreement_date:date}}/'
} >sample.tmpl
expect 0 "$A" template check --json sample.tmpl "$S"
json 'd["fields"] == {"title": "Deterministic Signatures for Scholarly Agreements: A Field Study in Canonical Plain Text", "proceedings": "Proceedings of the Workshop on Verifiable Publishing", "corresponding_author": "Inès Marović-Saldaña", "publisher": "Example Open Press", "agreement_date": "2026-11-20"}'
# the same field twice must take one value
sed 's/^This sample is a fictional document/{{publisher}} wrote this sample, a fictional document/' sample.tmpl >twice.tmpl
sed 's/^This sample is a fictional document/Other Press wrote this sample, a fictional document/' "$S" >twice.txt
expect 1 "$A" template check twice.tmpl twice.txt
has out "problem: field 'publisher' is used twice with two values"

finish template
