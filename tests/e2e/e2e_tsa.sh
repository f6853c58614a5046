#!/usr/bin/env bash
# RFC 3161 timestamps (spec §6.5, §10.2): requests, replies, tokens in the
# envelope, and what verify makes of them. A test CA and test TSAs are made
# with the openssl command at run time (tests/e2e/tsa_lib.sh); no network.
# Usage: tests/e2e/e2e_tsa.sh path/to/agreesign
. "$(dirname "$0")/e2e_lib.sh"
. "$ROOT/tests/e2e/tsa_lib.sh"

tsa_ca
tsa_cert good tsa

cp "$S" agr.txt
"$A" sign -k "$K/demo-author.key" agr.txt 2>/dev/null
cp agr.txt.sig.json plain.sig.json

# sigsha N ENV: hex SHA-512 of signature N's 64 bytes
sigsha() {
	"$PY" -c 'import base64, hashlib, json, sys
e = json.load(open(sys.argv[2]))
print(hashlib.sha512(base64.b64decode(e["signatures"][int(sys.argv[1]) - 1]["signature"])).hexdigest())' "$1" "$2"
}
# imprint FILE.tsq: the hex message imprint openssl reads in a request
imprint() {
	openssl ts -query -in "$1" -text 2>/dev/null |
		sed -n '/Message data:/,/Policy OID/p' | grep -E '^ +[0-9a-f]{4} - ' |
		cut -c 12-58 | tr -d ' \n-'
}
# jedit ENV PYTHON: rewrites the envelope's JSON; e is the parsed object
jedit() {
	"$PY" -c 'import json, sys
e = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(e, open(sys.argv[1], "w"), indent=2)' "$1" "$2"
}

# --- the request ----------------------------------------------------------
expect 0 "$A" timestamp --request q.tsq agr.txt.sig.json
has "$T/err" "wrote q.tsq (time-stamp request for signature 1)"
check "the request's imprint is SHA-512 of the signature bytes" \
	test "$(imprint q.tsq)" = "$(sigsha 1 agr.txt.sig.json)"
openssl ts -query -in q.tsq -text >"$T/q.txt" 2>/dev/null
has "$T/q.txt" "Hash Algorithm: sha512"
has "$T/q.txt" "Certificate required: yes"
has "$T/q.txt" "Nonce: 0x"
expect 0 "$A" timestamp --request q2.tsq agr.txt.sig.json
check "two requests have two nonces" \
	test "$(grep Nonce "$T/q.txt")" != "$(openssl ts -query -in q2.tsq -text 2>/dev/null | grep Nonce)"
expect 2 "$A" timestamp --request q.tsq agr.txt.sig.json
has "$T/err" "q.tsq"
expect 2 "$A" timestamp --signature 2 --request q3.tsq agr.txt.sig.json
has "$T/err" "there is no signature 2"
expect 2 "$A" timestamp --signature 0 --request q3.tsq agr.txt.sig.json
expect 2 "$A" timestamp agr.txt.sig.json
has "$T/err" "--request FILE.tsq is required"

# --- the reply ------------------------------------------------------------
tsa_reply good q.tsq r.tsr
tsa_reply good q2.tsq r2.tsr
tsa_reply good q.tsq rejected.tsr sha256
# A reply to another request: the nonce differs
expect 2 "$A" timestamp --request q2.tsq --reply r.tsr agr.txt.sig.json
has "$T/err" "nonce is not the request's"
same agr.txt.sig.json plain.sig.json
expect 2 "$A" timestamp --request q.tsq --reply rejected.tsr agr.txt.sig.json
has "$T/err" "rejected the request"
same agr.txt.sig.json plain.sig.json
expect 2 "$A" timestamp --request q.tsq --reply q.tsq agr.txt.sig.json
has "$T/err" "not an RFC 3161 time-stamp reply"
expect 2 "$A" timestamp --request r.tsr --reply r.tsr agr.txt.sig.json
has "$T/err" "not an RFC 3161 time-stamp request"
cp r.tsr trailing.tsr && printf 'x' >>trailing.tsr
expect 2 "$A" timestamp --request q.tsq --reply trailing.tsr agr.txt.sig.json
has "$T/err" "bytes after the time-stamp reply"
same agr.txt.sig.json plain.sig.json

expect 0 "$A" timestamp --request q.tsq --reply r.tsr agr.txt.sig.json
has "$T/err" "added the timestamp token to signature 1"
check "the edit's lock stays beside the envelope" test -f agr.txt.sig.json.lock
cp agr.txt.sig.json one.sig.json
json_env() { cp "$1" "$T/out"; }
json_env agr.txt.sig.json
json 'd["format"] == "agreesign-envelope/v2"'
json 'len(d["signatures"][0]["timestamps"]) == 1'
check "the token in the envelope is the reply's token" test \
	"$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["signatures"][0]["timestamps"][0])' agr.txt.sig.json)" = \
	"$(openssl ts -reply -in r.tsr -token_out 2>/dev/null | base64 -w0)"
# The token changes no signature: the rest is the v1 envelope as it was
check "nothing but format and timestamps changed" "$PY" -c 'import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
del a["signatures"][0]["timestamps"]; a["format"] = b["format"]
sys.exit(a != b)' agr.txt.sig.json plain.sig.json
expect 0 "$A" verify -t "$K/demo.trust" agr.txt
expect 2 "$A" timestamp --request q2.tsq --reply r2.tsr agr.txt.sig.json
has "$T/err" "signature 1 already has a timestamp token"
expect 2 "$A" timestamp --request q3.tsq agr.txt.sig.json
has "$T/err" "every signature has a timestamp token"

# A co-author appends; a publisher countersigns: the token stays
"$A" sign --append -k "$K/demo-coauthor.key" --role co-author agr.txt 2>/dev/null
expect 2 "$A" timestamp --request q4.tsq --signature 1 agr.txt.sig.json
has "$T/err" "signature 1 already has a timestamp token"
expect 0 "$A" timestamp --request q4.tsq agr.txt.sig.json
has "$T/err" "request for signature 2"
tsa_reply good q4.tsq r4.tsr
expect 2 "$A" timestamp --signature 1 --request q4.tsq --reply r4.tsr agr.txt.sig.json
has "$T/err" "the token covers signature 2, not signature 1"
expect 0 "$A" timestamp --signature 2 --request q4.tsq --reply r4.tsr agr.txt.sig.json
"$A" countersign -k "$K/demo-publisher.key" -t "$K/demo.trust" agr.txt 2>/dev/null
json_env agr.txt.sig.json
json 'len(d["signatures"]) == 3 and "timestamps" in d["signatures"][0] and "timestamps" in d["signatures"][1] and "timestamps" not in d["signatures"][2]'
expect 0 "$A" verify -t "$K/demo.trust" --require-role publisher agr.txt
expect 0 "$A" timestamp --request q5.tsq agr.txt.sig.json
has "$T/err" "request for signature 3"
# The envelope moved on: a reply for a signature that is not there
expect 2 "$A" timestamp --request q.tsq --reply r.tsr plain2.sig.json
cp plain.sig.json plain2.sig.json
"$A" sign --force -k "$K/demo-coauthor.key" --role co-author -o other.sig.json agr.txt 2>/dev/null
expect 2 "$A" timestamp --request q.tsq --reply r.tsr other.sig.json
has "$T/err" "the token covers no signature of the envelope"

# --- strict parsing (spec §6.5) -------------------------------------------
refused() { # WHAT PYTHON: the edited copy of one.sig.json is refused
	cp one.sig.json bad.sig.json
	jedit bad.sig.json "$2"
	expect 2 "$A" verify -t "$K/demo.trust" -e bad.sig.json agr.txt
	has "$T/err" "$1"
}
TOK='e["signatures"][0]["timestamps"]'
refused 'unknown member "timestamps"' 'e["format"] = "agreesign-envelope/v1"'
refused 'no signature has a timestamp token' "del $TOK"
refused 'array of one token' "$TOK = []"
refused 'array of one token' "$TOK = $TOK * 2"
refused 'array of one token' "$TOK = $TOK[0]"
refused 'in base64' "$TOK = [$TOK[0] + '=']"
refused 'in base64' "$TOK = ['']"
refused 'in base64' "$TOK = [None]"
refused 'in base64' "$TOK = ['A' * 21852]"
refused 'a time-stamp token is 1 to 16384 bytes' "$TOK = ['A' * 21848]"
refused 'not a CMS ContentInfo' "$TOK = ['AAAA']"
refused 'bytes after the time-stamp token' "import base64; $TOK = [base64.b64encode(base64.b64decode($TOK[0]) + b'\\0').decode()]"
# a signedData that is not a TSTInfo: a certificate bag (openssl crl2pkcs7)
openssl crl2pkcs7 -nocrl -certfile "$TSA/good.pem" -outform DER -out p7.der
refused 'not an RFC 3161 time-stamp token' "import base64; $TOK = [base64.b64encode(open('p7.der','rb').read()).decode()]"
refused '"agreesign-envelope/v2" or "agreesign-envelope/v3"' 'e["format"] = "agreesign-envelope/v4"'
refused 'no timestamp is renewed (write "agreesign-envelope/v2")' 'e["format"] = "agreesign-envelope/v3"'
refused 'a renewal chain is "agreesign-envelope/v3"' "$TOK = $TOK * 2"

# --- verification (spec §10.2) ---------------------------------------------
# trust FILE AUTHOR-OPTIONS TSA-LINE...: the demo keys as a v2 trust file,
# the author's record with the options given, and the tsa records
trust() {
	local f=$1 opts=$2
	shift 2
	{
		echo "agreesign trust v2"
		echo "key \"Inès Marović-Saldaña\" U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY= roles=author,co-author${opts:+ $opts}"
		echo "key \"Tomás Okonkwo\" +gdiSEiMKxQeww/JMUb4gUJNb626G4md16Q8saD+irE= roles=co-author"
		echo "key \"Example Open Press\" IhZdek/hZ9QRTCJsZ0mO5Fu0tIwuzL/a2L0uZm0SyPQ= roles=publisher"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
tomorrow=$(date -u -d tomorrow +%Y-%m-%dT%H:%M:%SZ)
trust ca.trust "" "$(tsa_record "Test TSA" ca)"
trust leaf.trust "" "$(tsa_record "Test TSA leaf" good)"
tsa_cert other tsa
trust other.trust "" "$(tsa_record "Other TSA" other)"
trust none.trust ""

# token_time ENV N: the genTime openssl reads in signature N's token
token_time() {
	"$PY" -c 'import base64, json, sys
print(json.load(open(sys.argv[1]))["signatures"][int(sys.argv[2]) - 1]["timestamps"][0])' "$1" "$2" |
		base64 -d >"$T/tok.der"
	date -u -d "$(openssl ts -reply -token_in -in "$T/tok.der" -text 2>/dev/null |
		sed -n 's/^Time stamp: //p')" +%Y-%m-%dT%H:%M:%SZ
}
T1=$(token_time one.sig.json 1)

expect 0 "$A" verify -t ca.trust -e one.sig.json agr.txt
has "$T/out" "proven time $T1 (timestamp by Test TSA)"
expect 0 "$A" verify --json -t ca.trust -e one.sig.json agr.txt
json "d['signatures'][0]['proven_time'] == '$T1' and d['signatures'][0]['timestamp'] == {'result': 'valid', 'tsa': 'Test TSA', 'detail': None}"
expect 0 "$A" verify -t ca.trust --require-proven-time -e one.sig.json agr.txt
expect 0 "$A" verify -t leaf.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "(timestamp by Test TSA leaf)"
# no TSA pinned, or another one: the token proves nothing, the signature stays valid
expect 0 "$A" verify --json -t none.trust -e one.sig.json agr.txt
json "d['signatures'][0]['proven_time'] is None and d['signatures'][0]['timestamp']['result'] == 'not-checked'"
expect 0 "$A" verify --json -t other.trust -e one.sig.json agr.txt
json "d['verified'] and d['signatures'][0]['timestamp']['result'] == 'invalid' and d['signatures'][0]['result'] == 'valid'"
expect 1 "$A" verify -t other.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "NOT VERIFIED: signature 1 has no proven time: the token does not verify"
expect 1 "$A" verify -t none.trust --require-proven-time -e one.sig.json agr.txt
expect 1 "$A" verify -t "$K/demo.trust" --require-proven-time -e plain.sig.json agr.txt
has "$T/out" "signature 1 has no proven time"
expect 1 "$A" verify -p "$K/demo-author.pub" --require-proven-time -e one.sig.json agr.txt
# batch lines carry it too
printf '{"agreement": "agr.txt", "envelope": "one.sig.json"}\n' >m.jsonl
expect 0 "$A" verify --batch m.jsonl -t ca.trust --require-proven-time --no-progress
json "d['signatures'][0]['proven_time'] == '$T1' and d['signatures'][0]['timestamp']['tsa'] == 'Test TSA'"

# A token over another signature; a token whose bytes changed
cp agr.txt.sig.json three.sig.json # tokens on 1 and 2, a countersignature
jedit three.sig.json 'e["signatures"][1]["timestamps"] = e["signatures"][0]["timestamps"]'
expect 0 "$A" verify --json -t ca.trust --require-role publisher -e three.sig.json agr.txt
json "d['signatures'][1]['timestamp']['result'] == 'invalid' and 'imprint' in d['signatures'][1]['timestamp']['detail'] and d['signatures'][1]['result'] == 'valid' and d['signatures'][0]['proven_time']"
expect 1 "$A" verify -t ca.trust --require-proven-time -e three.sig.json agr.txt
has "$T/out" "signature 2 has no proven time: the token's imprint is not SHA-512 of this signature"
cp one.sig.json flipped.sig.json
jedit flipped.sig.json 'import base64
d = bytearray(base64.b64decode(e["signatures"][0]["timestamps"][0])); d[-3] ^= 1
e["signatures"][0]["timestamps"] = [base64.b64encode(bytes(d)).decode()]'
expect 0 "$A" verify --json -t ca.trust -e flipped.sig.json agr.txt
json "d['signatures'][0]['timestamp']['result'] == 'invalid' and d['signatures'][0]['proven_time'] is None"
expect 1 "$A" verify -t ca.trust --require-proven-time -e flipped.sig.json agr.txt

# TSA certificates that must not be trusted: no timeStamping usage, the
# usage not critical (openssl ts refuses to sign with either: the token is
# the good one's TSTInfo signed again with openssl cms), an expired one
openssl cms -verify -noverify -inform DER -in "$T/tok.der" -out tst.der 2>/dev/null
tsa_cert noeku noeku
tsa_cert softeku softeku
tsa_cert old tsa 20200101000000Z 20210101000000Z
for c in noeku softeku; do
	openssl cms -sign -binary -nodetach -in tst.der -signer "$TSA/$c.pem" -inkey "$TSA/$c.key" \
		-certfile "$TSA/ca.pem" -econtent_type id-smime-ct-TSTInfo -md sha256 -nosmimecap \
		-outform DER -out $c.der 2>/dev/null
	cp one.sig.json $c.sig.json
	jedit $c.sig.json "import base64; e['signatures'][0]['timestamps'] = [base64.b64encode(open('$c.der','rb').read()).decode()]"
	expect 0 "$A" verify --json -t ca.trust -e $c.sig.json agr.txt
	json "d['signatures'][0]['timestamp']['result'] == 'invalid' and 'purpose' in d['signatures'][0]['timestamp']['detail']"
done
cp plain.sig.json old.sig.json
"$A" timestamp --request old.tsq old.sig.json 2>/dev/null
tsa_reply old old.tsq old.tsr
expect 0 "$A" timestamp --request old.tsq --reply old.tsr old.sig.json
expect 0 "$A" verify --json -t ca.trust -e old.sig.json agr.txt
json "d['signatures'][0]['timestamp']['result'] == 'invalid' and 'expired' in d['signatures'][0]['timestamp']['detail']"

# The TSA record's window and revocation
trust win.trust "" "$(tsa_record "Test TSA" ca valid-before=2020-01-01T00:00:00Z)"
expect 1 "$A" verify -t win.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "the token's time is not before the valid-before 2020-01-01T00:00:00Z of the TSA \"Test TSA\""
trust win.trust "" "$(tsa_record "Test TSA" ca valid-after=2099-01-01T00:00:00Z)"
expect 1 "$A" verify -t win.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "is before the valid-after 2099-01-01T00:00:00Z"
trust rev.trust "" "$(tsa_record "Test TSA" ca revoked=2099-01-01T00:00:00Z reason=\"key leaked\")"
expect 1 "$A" verify -t rev.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "the TSA \"Test TSA\" is revoked: key leaked"
# a second record that accepts it is enough
trust two.trust "" "$(tsa_record "Other TSA" other)" "$(tsa_record "Test TSA" ca)"
expect 0 "$A" verify -t two.trust --require-proven-time -e one.sig.json agr.txt

# A key revoked after the proven time: still valid; before it: refused
trust late.trust "revoked=$tomorrow reason=\"laptop stolen\"" "$(tsa_record "Test TSA" ca)"
expect 0 "$A" verify -t late.trust -e one.sig.json agr.txt
has "$T/out" "valid, key revoked on $tomorrow after this signature was timestamped"
expect 0 "$A" verify --json -t late.trust -e one.sig.json agr.txt
json "d['signatures'][0]['result'] == 'valid' and d['signatures'][0]['detail'] == 'key revoked on $tomorrow after this signature was timestamped'"
expect 0 "$A" verify -t late.trust -e one.sig.json --report late.html agr.txt
has late.html "valid</span>, <span class=\"note\">key revoked on $tomorrow after this signature was timestamped"
has late.html "<b>proven:</b> existed at $T1, by the timestamp of Test TSA"
expect 0 "$A" verify -t other.trust -e one.sig.json --report other.html agr.txt
has other.html "Its timestamp proves nothing: the token does not verify"
expect 1 "$A" verify -t late.trust -e plain.sig.json agr.txt
has "$T/out" "reason: revoked"
trust early.trust "revoked=2020-01-01T00:00:00Z reason=\"laptop stolen\"" "$(tsa_record "Test TSA" ca)"
expect 1 "$A" verify -t early.trust -e one.sig.json agr.txt
has "$T/out" "reason: revoked: key c4aa99203f4c423c851c2b0b6c8abffd is revoked since 2020-01-01T00:00:00Z: laptop stolen"
# the revoked-after rule is v2's: a token pinned nowhere spares nothing
trust late-nopin.trust "revoked=$tomorrow"
expect 1 "$A" verify -t late-nopin.trust -e one.sig.json agr.txt

# The window is judged on the proven time; a claim after it is false
trust expired.trust "valid-before=2025-01-01T00:00:00Z" "$(tsa_record "Test TSA" ca)"
"$A" sign --force -k "$K/demo-author.key" --time 2024-06-01 -o past.sig.json agr.txt 2>/dev/null
expect 0 "$A" verify -t "$K/demo.trust" -e past.sig.json agr.txt
cp past.sig.json past-plain.sig.json
"$A" timestamp --request past.tsq past.sig.json 2>/dev/null
tsa_reply good past.tsq past.tsr
"$A" timestamp --request past.tsq --reply past.tsr past.sig.json 2>/dev/null
expect 0 "$A" verify -t expired.trust -e past-plain.sig.json agr.txt
expect 1 "$A" verify -t expired.trust -e past.sig.json agr.txt
has "$T/out" "reason: expired: proven signing time is not before the key's valid-before 2025-01-01T00:00:00Z"
"$A" sign --force -k "$K/demo-author.key" --time 2099-01-01 -o future.sig.json agr.txt 2>/dev/null
"$A" timestamp --request future.tsq future.sig.json 2>/dev/null
tsa_reply good future.tsq future.tsr
"$A" timestamp --request future.tsq --reply future.tsr future.sig.json 2>/dev/null
expect 1 "$A" verify --json -t ca.trust -e future.sig.json agr.txt
json "d['signatures'][0]['reason'] == 'claimed-time-after-proven'"
expect 0 "$A" verify -t "$K/demo.trust" -e future.sig.json agr.txt
# within the tolerance of 5 minutes: fine
soon=$(date -u -d '+4 minutes' +%Y-%m-%dT%H:%M:%SZ)
"$A" sign --force -k "$K/demo-author.key" --time "$soon" -o soon.sig.json agr.txt 2>/dev/null
"$A" timestamp --request soon.tsq soon.sig.json 2>/dev/null
tsa_reply good soon.tsq soon.tsr
"$A" timestamp --request soon.tsq --reply soon.tsr soon.sig.json 2>/dev/null
expect 0 "$A" verify -t ca.trust --require-proven-time -e soon.sig.json agr.txt

# --- renewal chains (spec §6.5, §10.2): timestamp --renew -----------------
# A chain of three whose first TSA's certificate was valid from three days
# ago to one day ago: it stamped two days ago (TSA_AT, tsa_lib.sh), the
# second token sealed the first 36 hours ago while it was valid, and the
# third is made now, after the first expired. (No waiting for a
# certificate to expire: on a loaded machine, or under valgrind, the steps
# outlasted any window of a few seconds.) The signature claims a time
# before the first token.
past() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
tsa_cert brief tsa "$(past '-3 days')" "$(past '-1 days')"
tsa_cert second tsa "$(past '-3 days')" "$(past '+10 years')"
tsa_cert third tsa "$(past '-3 days')" "$(past '+10 years')"
"$A" sign --force -k "$K/demo-author.key" --time "$(date -u -d '-3 days' +%Y-%m-%dT%H:%M:%SZ)" \
	-o old.sig.json agr.txt 2>/dev/null
cp old.sig.json chain.sig.json
expect 2 "$A" timestamp --renew --request c0.tsq chain.sig.json
has "$T/err" "no signature has a timestamp token to renew"
"$A" timestamp --request c0.tsq chain.sig.json 2>/dev/null
TSA_AT=-2d tsa_reply brief c0.tsq c0.tsr
expect 0 "$A" timestamp --request c0.tsq --reply c0.tsr chain.sig.json
expect 0 "$A" timestamp --renew --request c1.tsq chain.sig.json
has "$T/err" "wrote c1.tsq (time-stamp request for renewing the timestamp of signature 1)"
# The SHA-512 (hex) of token N of the first signature. (No xxd: a fresh
# Debian has none; Python's hashlib is not the tool under test.)
tok_sha512() { "$PY" -c 'import base64, hashlib, json, sys
tok = json.load(open(sys.argv[1]))["signatures"][0]["timestamps"][int(sys.argv[2])]
print(hashlib.sha512(base64.b64decode(tok)).hexdigest())' "$@"; }
check "the renewal's imprint is SHA-512 of the DER of the token before it" \
	test "$(imprint c1.tsq)" = "$(tok_sha512 chain.sig.json 0)"
TSA_AT=-36h tsa_reply second c1.tsq c1.tsr
expect 2 "$A" timestamp --request c1.tsq --reply c1.tsr chain.sig.json
has "$T/err" "the token covers no signature of the envelope"
expect 0 "$A" timestamp --renew --request c1.tsq --reply c1.tsr chain.sig.json
has "$T/err" "renewed the timestamp of signature 1"
json_env chain.sig.json
json 'd["format"] == "agreesign-envelope/v3" and len(d["signatures"][0]["timestamps"]) == 2'
expect 2 "$A" timestamp --renew --request c1.tsq --reply c1.tsr chain.sig.json
has "$T/err" "the token renews a token that has been renewed since"
cp chain.sig.json chain2.sig.json
expect 0 "$A" verify --json -t ca.trust --require-proven-time -e chain.sig.json agr.txt
json "d['signatures'][0]['proven_time'] == '$(token_time chain.sig.json 1)' and d['signatures'][0]['timestamp']['tsa'] == 'Test TSA'"
# the third token, now that the first TSA's certificate has expired
expect 0 "$A" timestamp --renew --request c2.tsq chain.sig.json
tsa_reply third c2.tsq c2.tsr
expect 0 "$A" timestamp --renew --request c2.tsq --reply c2.tsr chain.sig.json
json_env chain.sig.json
json 'len(d["signatures"][0]["timestamps"]) == 3'
P0=$(token_time chain.sig.json 1)
expect 0 "$A" verify -t ca.trust --require-proven-time -e chain.sig.json agr.txt
has "$T/out" "proven time $P0 (timestamp by Test TSA)"
expect 0 "$A" verify --json -t ca.trust -e chain.sig.json agr.txt
json "d['signatures'][0]['proven_time'] == '$P0' and d['signatures'][0]['timestamp'] == {'result': 'valid', 'tsa': 'Test TSA', 'detail': None}"
# the same pins through a store
"$A" trust import -t chain.db ca.trust 2>/dev/null
expect 0 "$A" verify -t chain.db --require-proven-time -e chain.sig.json agr.txt
# renewed too late: a token over the first after its certificate expired
cp old.sig.json late.sig.json
"$PY" -c 'import json, sys
e = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
e["signatures"][0]["timestamps"] = c["signatures"][0]["timestamps"][:1]; e["format"] = "agreesign-envelope/v2"
json.dump(e, open(sys.argv[1], "w"), indent=2)' late.sig.json chain.sig.json
expect 0 "$A" timestamp --renew --request l1.tsq late.sig.json
tsa_reply second l1.tsq l1.tsr
expect 0 "$A" timestamp --renew --request l1.tsq --reply l1.tsr late.sig.json
expect 1 "$A" verify -t ca.trust --require-proven-time -e late.sig.json agr.txt
has "$T/out" "token 1 of 2: the token does not verify at"
has "$T/out" "certificate has expired"
# broken chains prove nothing, and never make the signature invalid
broken() { # NAME PYTHON DETAIL: chain.sig.json edited; the chain proves nothing
	cp chain.sig.json "$1.sig.json"
	jedit "$1.sig.json" "$2"
	expect 0 "$A" verify --json -t ca.trust -e "$1.sig.json" agr.txt
	json "d['signatures'][0]['result'] == 'valid' and d['signatures'][0]['proven_time'] is None and d['signatures'][0]['timestamp']['result'] == 'invalid'"
	has "$T/out" "$3"
	expect 1 "$A" verify -t ca.trust --require-proven-time -e "$1.sig.json" agr.txt
}
C='e["signatures"][0]["timestamps"]'
# a link over the wrong bytes: the second token moved after the third
broken swapped "$C = [$C[0], $C[2], $C[1]]" "token 3 of 3: the token's imprint is not SHA-512 of the token before it"
# a first token of another signature's chain
broken other "$C = [$C[1], $C[1], $C[2]]" "token 2 of 3: the token's imprint is not SHA-512 of the token before it"
# a middle link from a TSA that is not pinned
tsa_cert stranger tsa
cp chain.sig.json stranger.sig.json
jedit stranger.sig.json "$C = $C[:1]; e['format'] = 'agreesign-envelope/v2'"
"$A" timestamp --renew --request s1.tsq stranger.sig.json 2>/dev/null
tsa_reply stranger s1.tsq s1.tsr
"$A" timestamp --renew --request s1.tsq --reply s1.tsr stranger.sig.json 2>/dev/null
"$A" timestamp --renew --request s2.tsq stranger.sig.json 2>/dev/null
tsa_reply third s2.tsq s2.tsr
"$A" timestamp --renew --request s2.tsq --reply s2.tsr stranger.sig.json 2>/dev/null
trust pinned.trust "" "$(tsa_record "Brief" brief)" "$(tsa_record "Third" third)"
expect 0 "$A" verify --json -t pinned.trust -e stranger.sig.json agr.txt
json "d['signatures'][0]['timestamp']['result'] == 'invalid' and d['signatures'][0]['proven_time'] is None"
has "$T/out" "token 2 of 3: "
# with the TSAs pinned one by one, the good chain proves its time
trust pinned.trust "" "$(tsa_record "Brief" brief)" "$(tsa_record "Second" second)" "$(tsa_record "Third" third)"
expect 0 "$A" verify -t pinned.trust --require-proven-time -e chain.sig.json agr.txt
has "$T/out" "(timestamp by Brief)"
# a revoked TSA: its token counts when the renewal sealed it before the revocation
trust rev.trust "" "$(tsa_record "Brief" brief "revoked=2099-01-01T00:00:00Z reason=leaked")" \
	"$(tsa_record "Second" second)" "$(tsa_record "Third" third)"
expect 0 "$A" verify -t rev.trust --require-proven-time -e chain.sig.json agr.txt
trust rev.trust "" "$(tsa_record "Brief" brief "revoked=2020-01-01T00:00:00Z reason=leaked")" \
	"$(tsa_record "Second" second)" "$(tsa_record "Third" third)"
expect 1 "$A" verify -t rev.trust --require-proven-time -e chain.sig.json agr.txt
has "$T/out" "token 1 of 3: the TSA \"Brief\" is revoked: leaked"
# the last token's TSA revoked: nothing is sealed after it
trust rev.trust "" "$(tsa_record "Brief" brief)" "$(tsa_record "Second" second)" \
	"$(tsa_record "Third" third "revoked=2099-01-01T00:00:00Z")"
expect 1 "$A" verify -t rev.trust --require-proven-time -e chain.sig.json agr.txt
has "$T/out" "token 3 of 3: the TSA \"Third\" is revoked"
# removing the renewals gives back the v2 envelope
cp chain.sig.json back.sig.json
jedit back.sig.json "$C = $C[:1]; e['format'] = 'agreesign-envelope/v2'"
expect 0 "$A" verify -t ca.trust -e back.sig.json agr.txt
expect 2 "$A" timestamp --renew --signature 2 --request x.tsq chain.sig.json
has "$T/err" "there is no signature 2"

# --- trust add-tsa, revoke-tsa, remove-tsa (spec §9.3, §9.4) ----------------
# A v1 file is upgraded; the CA's PEM (with openssl's text before it) is
# pinned; verify then proves the time through it
cp "$K/demo.trust" pin.trust
expect 0 "$A" trust add-tsa -t pin.trust --name "Test TSA" "$TSA/ca.pem"
has "$T/err" "pin.trust: upgraded to agreesign trust v2"
has "$T/err" "pin.trust: pinned tsa \"Test TSA\""
check "add-tsa writes the canonical tsa line" grep -qxF "$(tsa_record "Test TSA" ca)" pin.trust
expect 0 "$A" verify -t pin.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "proven time $T1 (timestamp by Test TSA)"
expect 1 "$A" verify -t pin.trust --require-proven-time -e plain.sig.json agr.txt
cp pin.trust pin-before.trust
# refused, the file unchanged: a name or a certificate already pinned, not a certificate
openssl x509 -in "$TSA/ca.pem" -text >ca-text.pem
expect 2 "$A" trust add-tsa -t pin.trust --name "Test TSA" "$TSA/good.pem"
has "$T/err" "the TSA's name is already listed (tsa \"Test TSA\")"
expect 2 "$A" trust add-tsa -t pin.trust --name "Again" ca-text.pem
has "$T/err" "the TSA's certificate is already listed (tsa \"Test TSA\")"
openssl x509 -in "$TSA/ca.pem" -outform DER -out ca.der
expect 2 "$A" trust add-tsa -t pin.trust --name "Again" ca.der
has "$T/err" "the TSA's certificate is already listed"
expect 2 "$A" trust add-tsa -t pin.trust --name "Key" "$TSA/ca.key"
has "$T/err" "not an X.509 certificate"
expect 2 "$A" trust add-tsa -t pin.trust --name "Text" "$K/demo.trust"
has "$T/err" "not an X.509 certificate"
cat "$TSA/good.pem" "$TSA/ca.pem" >both.pem
expect 2 "$A" trust add-tsa -t pin.trust --name "Two" both.pem
has "$T/err" "more than one certificate"
expect 2 "$A" trust add-tsa -t pin.trust --name " padded" "$TSA/good.pem"
has "$T/err" "the TSA's name is not a valid text field"
expect 2 "$A" trust add-tsa -t pin.trust --name "Win" --valid-after 2030-01-01 \
	--valid-before 2029-01-01 "$TSA/good.pem"
has "$T/err" "valid-after must be before valid-before"
expect 2 "$A" trust add-tsa -t pin.trust "$TSA/good.pem"
has "$T/err" "trust add-tsa needs --name NAME"
expect 2 "$A" trust add-tsa -t pin.trust --name X --role author "$TSA/good.pem"
same pin.trust pin-before.trust
# a new file is made; the leaf in DER, with a window the token is outside
openssl x509 -in "$TSA/good.pem" -outform DER -out good.der
expect 0 "$A" trust add-tsa -t new.trust --name "Leaf" --valid-before 2020-01-01 good.der
check "add-tsa makes a new v2 file" test "$(head -1 new.trust)" = "agreesign trust v2"
has new.trust "valid-before=2020-01-01T00:00:00Z"
# the window is the record's: a token dated after valid-before proves nothing
expect 0 "$A" trust add-tsa -t pin.trust --name "Leaf" --valid-before 2020-01-01 good.der
expect 0 "$A" verify --json -t pin.trust -e one.sig.json agr.txt
json "d['signatures'][0]['timestamp']['tsa'] == 'Test TSA'"
# revoke-tsa: the TSA's tokens prove nothing; the record stays
expect 0 "$A" trust revoke-tsa -t pin.trust --name "Test TSA" --reason "key leaked" --time 2026-01-02
has "$T/err" "pin.trust: revoked tsa \"Test TSA\""
has pin.trust 'revoked=2026-01-02T00:00:00Z reason="key leaked"'
expect 1 "$A" verify -t pin.trust --require-proven-time -e one.sig.json agr.txt
has "$T/out" "the TSA \"Test TSA\" is revoked: key leaked"
expect 2 "$A" trust revoke-tsa -t pin.trust --name "Test TSA" --reason again
has "$T/err" "tsa \"Test TSA\" is already revoked"
# trust list shows the tsa records after the keys: name, certificate
# fingerprint, subject and end, window, revocation
CA_FP=$(openssl x509 -in "$TSA/ca.pem" -outform DER | sha256sum | cut -d' ' -f1)
expect 0 "$A" trust list -t pin.trust
check "trust list: the keys, then one line per tsa record" \
	test "$(grep -c '^tsa  ' "$T/out")" = 2 -a "$(tail -n 2 "$T/out" | grep -c '^tsa  ')" = 2
has "$T/out" "tsa  Test TSA  cert-sha256=$CA_FP  subject=CN=agreesign test CA (never trust)  cert-not-after=20"
has "$T/out" "  REVOKED 2026-01-02T00:00:00Z: key leaked"
has "$T/out" "tsa  Leaf  cert-sha256="
has "$T/out" "  valid-before=2020-01-01T00:00:00Z"
has "$T/out" "  roles=publisher"
expect 0 "$A" trust list -t pin.trust --json
grep '"tsa":"Test TSA"' "$T/out" >"$T/one" && mv "$T/one" "$T/out"
json "d['certificate_sha256'] == '$CA_FP' and d['certificate_subject'] == 'CN=agreesign test CA (never trust)' and d['revoked'] == '2026-01-02T00:00:00Z' and d['reason'] == 'key leaked' and d['valid_after'] is None and isinstance(d['line'], int)"
expect 2 "$A" trust revoke-tsa -t pin.trust --name "Test TSA"
has "$T/err" "trust revoke-tsa needs --name NAME and --reason TEXT"
expect 2 "$A" trust revoke-tsa -t pin.trust --name "Nobody" --reason x
has "$T/err" "no tsa \"Nobody\" in the trust file"
# remove-tsa deletes the line; the key records stay
expect 0 "$A" trust remove-tsa -t pin.trust --name "Test TSA"
has "$T/err" "removed tsa \"Test TSA\""
lacks pin.trust 'tsa "Test TSA"'
has pin.trust 'tsa Leaf'
expect 0 "$A" verify -t pin.trust -e one.sig.json agr.txt
expect 2 "$A" trust remove-tsa -t pin.trust --name "Test TSA"
expect 2 "$A" trust remove-tsa -t missing.trust --name "Test TSA"
has "$T/err" "no such trust file"

# The same on a SQLite store: one transaction, its history row "tsa NAME"
expect 0 "$A" trust import -t pin.db "$K/demo.trust"
expect 0 "$A" trust add-tsa -t pin.db --name "Test TSA" --valid-after 2026-01-01 ca-text.pem
has "$T/err" "pin.db: pinned tsa \"Test TSA\""
expect 0 "$A" verify -t pin.db --require-proven-time -e one.sig.json agr.txt
has "$T/out" "proven time $T1 (timestamp by Test TSA)"
expect 2 "$A" trust add-tsa -t pin.db --name "Test TSA" good.der
has "$T/err" "the TSA's name is already listed (tsa \"Test TSA\")"
expect 2 "$A" trust add-tsa -t pin.db --name "Again" ca.der
has "$T/err" "the TSA's certificate is already listed (tsa \"Test TSA\")"
expect 2 "$A" trust add-tsa -t pin.db --name "Key" "$TSA/ca.key"
has "$T/err" "not an X.509 certificate"
expect 0 "$A" trust export -t pin.db
check "the store's tsa record exports as add-tsa wrote it" \
	grep -qxF "$(tsa_record "Test TSA" ca valid-after=2026-01-01T00:00:00Z)" "$T/out"
expect 0 "$A" trust history -t pin.db --json --name "Test TSA"
json "d['op'] == 'add' and d['record'] == 'tsa Test TSA' and d['old'] is None and d['new'].startswith('tsa \"Test TSA\" ')"
expect 0 "$A" trust revoke-tsa -t pin.db --name "Test TSA" --reason "key leaked"
expect 1 "$A" verify -t pin.db --require-proven-time -e one.sig.json agr.txt
has "$T/out" "the TSA \"Test TSA\" is revoked: key leaked"
expect 2 "$A" trust revoke-tsa -t pin.db --name "Test TSA" --reason again
has "$T/err" "is already revoked"
expect 0 "$A" trust list -t pin.db
has "$T/out" "tsa  Test TSA  cert-sha256=$CA_FP  subject=CN=agreesign test CA (never trust)"
has "$T/out" "  valid-after=2026-01-01T00:00:00Z"
has "$T/out" ": key leaked"
check "trust list of a store: the tsa record last" test "$(tail -n 1 "$T/out" | cut -c1-5)" = "tsa  "
expect 0 "$A" trust list -t pin.db --json
tail -n 1 "$T/out" >"$T/last" && mv "$T/last" "$T/out"
json "d['tsa'] == 'Test TSA' and d['line'] is None and d['certificate_sha256'] == '$CA_FP' and d['valid_after'] == '2026-01-01T00:00:00Z' and d['reason'] == 'key leaked'"
expect 0 "$A" trust history -t pin.db --name "Test TSA"
has "$T/out" "revoke  tsa Test TSA  reason: key leaked"
expect 0 "$A" trust remove-tsa -t pin.db --name "Test TSA"
expect 2 "$A" trust remove-tsa -t pin.db --name "Test TSA"
has "$T/err" "no tsa \"Test TSA\" in the trust store"
expect 0 "$A" trust history -t pin.db --json --name "Test TSA"
check "the history of tsa Test TSA has its three rows" test "$(wc -l <"$T/out")" = 3
tail -n 1 "$T/out" >"$T/last" && mv "$T/last" "$T/out"
json "d['op'] == 'remove' and d['new'] is None"
expect 0 "$A" trust export -t pin.db
lacks "$T/out" "tsa "

# --- --tsa URL: a test TSA over HTTP on 127.0.0.1 (tests/e2e/tsa_server.py)
"$PY" "$ROOT/tests/e2e/tsa_server.py" "$TSA/good.cnf" port &
server=$!
at_exit "kill $server 2>/dev/null"
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat port)
check "the test TSA server listens" test -s port

cp plain.sig.json net.sig.json
expect 0 "$A" timestamp --tsa "$URL/tsr" net.sig.json
has "$T/err" "added 1 timestamp token"
expect 0 "$A" verify -t ca.trust --require-proven-time -e net.sig.json agr.txt
expect 2 "$A" timestamp --tsa "$URL/tsr" net.sig.json
has "$T/err" "every signature has a timestamp token"
expect 2 "$A" timestamp --tsa "$URL/tsr" --request x.tsq net.sig.json
has "$T/err" "no --request or --reply with it"
# --renew --tsa: each chain in one edit
expect 0 "$A" timestamp --renew --tsa "$URL/tsr" net.sig.json
has "$T/err" "renewed 1 timestamp token"
json_env net.sig.json
json 'd["format"] == "agreesign-envelope/v3" and len(d["signatures"][0]["timestamps"]) == 2'
expect 0 "$A" verify -t ca.trust --require-proven-time -e net.sig.json agr.txt
expect 2 "$A" timestamp --renew --tsa "$URL/tsr" plain.sig.json
has "$T/err" "no signature has a timestamp token to renew"
expect 2 "$A" timestamp --renew --tsa "$URL/reject" net.sig.json
has "$T/err" "rejected the request"
# two signatures without a token: both, in one edit
"$A" sign --force -k "$K/demo-author.key" -o two.sig.json agr.txt 2>/dev/null
"$A" sign --append -k "$K/demo-coauthor.key" --role co-author -o two.sig.json agr.txt 2>/dev/null
cp two.sig.json two-plain.sig.json
expect 0 "$A" timestamp --tsa "$URL/tsr" two.sig.json
has "$T/err" "added 2 timestamp tokens"
expect 0 "$A" verify -t ca.trust --require-proven-time -e two.sig.json agr.txt
cp two-plain.sig.json two.sig.json
expect 0 "$A" timestamp --signature 2 --tsa "$URL/tsr" two.sig.json
json_env two.sig.json
json '"timestamps" not in d["signatures"][0] and "timestamps" in d["signatures"][1]'
expect 2 "$A" timestamp --signature 3 --tsa "$URL/tsr" two.sig.json
has "$T/err" "there is no signature 3"
# what goes wrong: nothing is written
cp two-plain.sig.json bad-net.sig.json
for path in reject nonce big 404 redirect; do
	expect 2 "$A" timestamp --tsa "$URL/$path" bad-net.sig.json
	same bad-net.sig.json two-plain.sig.json
done
expect 2 "$A" timestamp --tsa "$URL/reject" bad-net.sig.json
has "$T/err" "rejected the request"
expect 2 "$A" timestamp --tsa "$URL/nonce" bad-net.sig.json
has "$T/err" "the token's nonce is not the request's"
expect 2 "$A" timestamp --tsa "$URL/big" bad-net.sig.json
has "$T/err" "the reply is larger than 65536 bytes"
expect 2 "$A" timestamp --tsa "$URL/404" bad-net.sig.json
has "$T/err" "answered HTTP 404"
expect 2 "$A" timestamp --tsa "$URL/redirect" bad-net.sig.json
has "$T/err" "answered HTTP 307"
expect 2 "$A" timestamp --tsa "ftp://127.0.0.1:$(cat port)/tsr" bad-net.sig.json
has "$T/err" "cannot get a timestamp"
expect 2 "$A" timestamp --tsa "http://127.0.0.1:1/tsr" bad-net.sig.json
has "$T/err" "cannot get a timestamp"
same bad-net.sig.json two-plain.sig.json

# sign --tsa and countersign --tsa: the signature is written with its token
expect 0 "$A" sign -k "$K/demo-author.key" --tsa "$URL/tsr" -o signed-net.sig.json agr.txt
expect 0 "$A" verify -t ca.trust --require-proven-time -e signed-net.sig.json agr.txt
expect 0 "$A" sign --append -k "$K/demo-coauthor.key" --role co-author --tsa "$URL/tsr" \
	-o signed-net.sig.json agr.txt
expect 0 "$A" countersign -k "$K/demo-publisher.key" -t ca.trust -e signed-net.sig.json \
	--tsa "$URL/tsr" agr.txt
expect 0 "$A" verify -t ca.trust --require-proven-time --require-role publisher \
	-e signed-net.sig.json agr.txt
json_env signed-net.sig.json
json 'all("timestamps" in s for s in d["signatures"])'
expect 2 "$A" sign -k "$K/demo-author.key" --tsa "$URL/reject" -o never.sig.json agr.txt
check "a failed sign --tsa writes no envelope" test ! -e never.sig.json
cp two-plain.sig.json cs.sig.json
expect 2 "$A" countersign -k "$K/demo-publisher.key" -t ca.trust -e cs.sig.json \
	--tsa "$URL/404" agr.txt
same cs.sig.json two-plain.sig.json

finish e2e_tsa
