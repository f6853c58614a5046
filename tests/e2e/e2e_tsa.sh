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
refused 'agreesign-envelope/v1" or "agreesign-envelope/v2"' 'e["format"] = "agreesign-envelope/v3"'

finish e2e_tsa
