#!/usr/bin/env bash
# Regenerates the test vectors of spec/vectors/ into OUTDIR with the demo
# keys at fixed times. Ed25519 signatures are deterministic, so the output
# is byte-for-byte reproducible: tests/e2e/cli.sh regenerates it and compares
# it with the committed copy, so a silent format change fails the build.
# Usage: tests/vectors/make-vectors.sh AGREESIGN OUTDIR
set -euo pipefail
A=$(realpath "$1")
OUT=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
K=$ROOT/keys
rm -rf "$OUT/envelopes" "$OUT/trust"
mkdir -p "$OUT/agreements" "$OUT/envelopes" "$OUT/trust"
cd "$OUT"
export SOURCE_DATE_EPOCH=1795000000   # 2026-11-18T11:06:40Z (author signs)

# Agreements: the sample, the same text re-encoded (same canonical form),
# and the sample with one word changed.
cp "$ROOT/spec/vectors/agreements/sample-agreement.txt" agreements/sample-agreement.txt 2>/dev/null || true
S=agreements/sample-agreement.txt
{ printf '\xef\xbb\xbf\r\n'; sed 's/$/  \r/' "$S"; printf '\r\n\r\n'; } > agreements/sample-agreement-reencoded.txt
sed '0,/publish/s/publish/publicise/' "$S" > agreements/sample-agreement-changed.txt
"$A" canon "$S" > agreements/sample-agreement.canon.txt
{
	printf 'sha512 %s\n' "$(sha512sum < agreements/sample-agreement.canon.txt | cut -d' ' -f1)"
	printf 'length %s\n' "$(wc -c < agreements/sample-agreement.canon.txt)"
} > agreements/sample-agreement.digest

# Trust files: the demo store, and one per failure the trust file can cause.
P() { sed -n 's/^public-key: //p' "$K/$1.pub"; }
trust() {
	printf 'agreesign trust v1\n'
	printf '"Inès Marović-Saldaña" %s %s\n' "$(P demo-author)" "$1"
	printf '"Tomás Okonkwo" %s roles=co-author\n' "$(P demo-coauthor)"
	printf '"Example Open Press" %s roles=publisher\n' "$(P demo-publisher)"
}
trust 'roles=author,co-author' > trust/demo.trust
trust 'roles=author revoked=2026-11-19T00:00:00Z reason="secret key lost"' > trust/revoked.trust
trust 'roles=author valid-before=2026-11-01T00:00:00Z' > trust/expired.trust
trust 'roles=author valid-after=2027-01-01T00:00:00Z' > trust/not-yet-valid.trust
trust 'roles=co-author' > trust/wrong-role.trust
printf 'agreesign trust v1\n"Ines Marovic" %s roles=author\n' "$(P demo-author)" > trust/other-name.trust

# Version 2 (§9.4): the demo store with e-mail, ORCID and a tsa record
# (tests/vectors/test-tsa.pem), one file per failure a v2 entry adds, and
# files every reader must refuse (exit 2).
C=$(sed '/^#/d; /^-----/d' "$ROOT/tests/vectors/test-tsa.pem" | tr -d '\n')
trust2() {
	printf 'agreesign trust v2\n# the demo keys, version 2\n'
	printf 'key "Inès Marović-Saldaña" %s %s\n' "$(P demo-author)" "$1"
	printf 'key "Tomás Okonkwo" %s roles=co-author email=tomas@example.org\n' "$(P demo-coauthor)"
	printf 'key "Example Open Press" %s roles=publisher email=rights@press.example\n' "$(P demo-publisher)"
	printf 'tsa "agreesign test TSA" %s valid-after=2026-01-01T00:00:00Z\n' "$C"
}
trust2 'roles=author,co-author email=ines@example.org orcid=0000-0002-1825-0097' > trust/demo-v2.trust
trust2 'roles=author email=ines@example.net' > trust/other-email-v2.trust
trust2 'roles=author orcid=0000-0001-5109-3700' > trust/other-orcid-v2.trust
trust2 'roles=author email=ines@example.org revoked=2026-11-19T00:00:00Z reason="secret key lost"' > trust/revoked-v2.trust
/usr/bin/python3 - trust "$C" "$(P demo-author)" <<'PY'
import base64, sys
out, cert, pk = sys.argv[1], sys.argv[2], sys.argv[3]
der = base64.b64decode(cert)
good = 'key "Inès Marović-Saldaña" %s roles=author\n' % pk
def tsa(c, rest=""):
    return 'tsa "agreesign test TSA" %s%s\n' % (c, rest)
bad = {
    "v1-line": '"Inès Marović-Saldaña" %s roles=author\n' % pk,
    "unknown-record": 'cert "Inès Marović-Saldaña" %s\n' % pk,
    "quoted-keyword": '"key" "Inès Marović-Saldaña" %s\n' % pk,
    "email-rule": good[:-1] + " email=ines.example.org\n",
    "orcid-checksum": good[:-1] + " orcid=0000-0002-1825-0098\n",
    "tsa-trailing-byte": good + tsa(base64.b64encode(der + b"\0").decode()),
    "tsa-two-certificates": good + tsa(base64.b64encode(der + der).decode()),
    "tsa-cut-short": good + tsa(base64.b64encode(der[:-1]).decode()),
    "tsa-not-a-certificate": good + tsa(base64.b64encode(b"not a certificate").decode()),
    "tsa-same-certificate": good + tsa(cert) + tsa(cert).replace("agreesign test", "another"),
    "tsa-roles": good + tsa(cert, " roles=author"),
    "tsa-reason-without-revoked": good + tsa(cert, ' reason="x"'),
}
# (one certificate only: the second record repeats name and certificate)
bad["tsa-same-name"] = good + tsa(cert) + tsa(cert, " valid-after=2027-01-01T00:00:00Z")
for name, body in bad.items():
    with open("%s/bad-v2-%s.trust" % (out, name), "w", encoding="utf-8") as f:
        f.write("agreesign trust v2\n" + body)
with open("%s/bad-v1-email.trust" % out, "w", encoding="utf-8") as f:
    f.write('agreesign trust v1\n"Inès Marović-Saldaña" %s roles=author email=ines@example.org\n' % pk)
with open("%s/bad-v3-header.trust" % out, "w", encoding="utf-8") as f:
    f.write("agreesign trust v3\nkey " + good)
PY

# Envelopes: one author; two co-signers; co-signed and countersigned.
E=envelopes
"$A" sign -k "$K/demo-author.key" -o $E/signed.sig.json "$S" 2>/dev/null
cp $E/signed.sig.json $E/cosigned.sig.json
SOURCE_DATE_EPOCH=1795003600 "$A" sign --append --role co-author \
	-k "$K/demo-coauthor.key" -o $E/cosigned.sig.json "$S" 2>/dev/null
cp $E/cosigned.sig.json $E/countersigned.sig.json
SOURCE_DATE_EPOCH=1795090000 "$A" countersign -k "$K/demo-publisher.key" \
	-t trust/demo.trust -e $E/countersigned.sig.json "$S" 2>/dev/null
rm -f $E/*.lock # the lock files of the two edits above are no vectors

# Tampered envelopes: each a small edit of a good one.
sed 's/"title": "Deterministic/"title": "Nondeterministic/' $E/signed.sig.json > $E/tampered-title.sig.json
sed 's/"time": "2026-11-18T11:06:40Z"/"time": "2026-11-18T11:06:41Z"/' $E/signed.sig.json > $E/tampered-time.sig.json
sed 's/"role": "author"/"role": "co-author"/' $E/signed.sig.json > $E/tampered-role.sig.json
sed 's/"text_length": \([0-9]*\)/"text_length": 1\1/' $E/signed.sig.json > $E/tampered-length.sig.json
# Remove the co-author's signature from the countersigned envelope.
/usr/bin/python3 - $E/countersigned.sig.json $E/countersigned-removed.sig.json <<'PY'
import json, sys
env = json.load(open(sys.argv[1], encoding="utf-8"))
del env["signatures"][1]
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(env, indent=2, ensure_ascii=False) + "\n")
PY
/usr/bin/python3 - $E/countersigned.sig.json $E/countersigned-reordered.sig.json <<'PY'
import json, sys
env = json.load(open(sys.argv[1], encoding="utf-8"))
s = env["signatures"]; s[0], s[1] = s[1], s[0]
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(env, indent=2, ensure_ascii=False) + "\n")
PY
printf '{"format": "agreesign-envelope/v2", "statement": {}, "signatures": []}\n' > $E/unsupported-version.sig.json
head -c 300 $E/signed.sig.json > $E/truncated.sig.json

# Refused although the signature is good: an empty attachment's length
# written -0 (§4.2), which JSON readers take for the 0 that was signed.
D=$(mktemp -d)
: > "$D/empty.pdf"
"$A" sign -k "$K/demo-author.key" --attach "$D/empty.pdf" -o "$D/attached.sig.json" "$S" 2>/dev/null
sed 's/"length": 0,/"length": -0,/' "$D/attached.sig.json" > $E/attachment-minus-zero.sig.json
rm -rf "$D"
# Refused as a whole: a countersignature that covers nothing or is not the
# publisher's (§4.4), a title holding U+FEFF (§4.1).
/usr/bin/python3 - $E/countersigned.sig.json $E/countersigned-empty.sig.json <<'PY'
import json, sys
env = json.load(open(sys.argv[1], encoding="utf-8"))
env["signatures"][2]["countersigns"] = []
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(env, indent=2, ensure_ascii=False) + "\n")
PY
sed 's/"role": "publisher"/"role": "author"/' $E/countersigned.sig.json > $E/countersigned-as-author.sig.json
sed $'s/"title": "Deterministic/"title": "\xef\xbb\xbfDeterministic/' $E/signed.sig.json > $E/title-with-bom.sig.json

# The expected outcome of each case: name, agreement, envelope, trust
# file, extra verify options, exit status, then each signature's reason.
cat > cases.tsv <<'TSV'
# name	agreement	envelope	trust	options	exit	reasons
signed	sample-agreement.txt	signed.sig.json	demo.trust	-	0	ok
signed-reencoded	sample-agreement-reencoded.txt	signed.sig.json	demo.trust	-	0	ok
signed-changed-text	sample-agreement-changed.txt	signed.sig.json	demo.trust	-	1	agreement-changed
cosigned	sample-agreement.txt	cosigned.sig.json	demo.trust	-	0	ok,ok
countersigned	sample-agreement.txt	countersigned.sig.json	demo.trust	--require-role=author,publisher	0	ok,ok,ok
cosigned-needs-publisher	sample-agreement.txt	cosigned.sig.json	demo.trust	--require-role=author,publisher	1	ok,ok
countersigned-removed	sample-agreement.txt	countersigned-removed.sig.json	demo.trust	-	1	ok,countersignature-mismatch
countersigned-reordered	sample-agreement.txt	countersigned-reordered.sig.json	demo.trust	-	1	ok,ok,countersignature-mismatch
tampered-title	sample-agreement.txt	tampered-title.sig.json	demo.trust	-	1	bad-signature
tampered-time	sample-agreement.txt	tampered-time.sig.json	demo.trust	-	1	bad-signature
tampered-role	sample-agreement.txt	tampered-role.sig.json	demo.trust	-	1	bad-signature
tampered-length	sample-agreement.txt	tampered-length.sig.json	demo.trust	-	1	agreement-changed
revoked	sample-agreement.txt	signed.sig.json	revoked.trust	-	1	revoked
expired	sample-agreement.txt	signed.sig.json	expired.trust	-	1	expired
not-yet-valid	sample-agreement.txt	signed.sig.json	not-yet-valid.trust	-	1	not-yet-valid
wrong-role	sample-agreement.txt	signed.sig.json	wrong-role.trust	-	1	wrong-role
other-name	sample-agreement.txt	signed.sig.json	other-name.trust	-	1	name-mismatch
untrusted	sample-agreement.txt	cosigned.sig.json	other-name.trust	-	1	name-mismatch,untrusted-key
unsupported-version	sample-agreement.txt	unsupported-version.sig.json	demo.trust	-	2	-
truncated	sample-agreement.txt	truncated.sig.json	demo.trust	-	2	-
attachment-minus-zero	sample-agreement.txt	attachment-minus-zero.sig.json	demo.trust	-	2	-
countersigned-empty	sample-agreement.txt	countersigned-empty.sig.json	demo.trust	-	2	-
countersigned-as-author	sample-agreement.txt	countersigned-as-author.sig.json	demo.trust	-	2	-
title-with-bom	sample-agreement.txt	title-with-bom.sig.json	demo.trust	-	2	-
v2-signed	sample-agreement.txt	signed.sig.json	demo-v2.trust	-	0	ok
v2-countersigned	sample-agreement.txt	countersigned.sig.json	demo-v2.trust	--require-role=author,publisher	0	ok,ok,ok
v2-other-email	sample-agreement.txt	signed.sig.json	other-email-v2.trust	-	1	identity-mismatch
v2-other-orcid	sample-agreement.txt	signed.sig.json	other-orcid-v2.trust	-	1	identity-mismatch
v2-revoked	sample-agreement.txt	signed.sig.json	revoked-v2.trust	-	1	revoked
TSV
for f in trust/bad-*.trust; do
	b=$(basename "$f" .trust)
	printf '%s\tsample-agreement.txt\tsigned.sig.json\t%s\t-\t2\t-\n' "$b" "$b.trust"
done >> cases.tsv
