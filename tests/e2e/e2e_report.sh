#!/usr/bin/env bash
# The HTML report of `agreesign verify --report`. First where the page may
# be written (never over an input of the run, however it is named; over
# another existing file only with --force; an error page on exit 2); these
# cases need no browser and always run. Then in a real browser: headless
# Chromium renders a verified and a failed page; the verdict must be in the
# rendered DOM, in words, and on screen, in colour (a pixel of the verdict
# box in the screenshot); so must what was checked (trust file or .pub,
# its SHA-256, the check time), the claims of a changed agreement, the
# differences from the template and their legend (issue 15, items 8, 9). Chromium is Debian's package `chromium`: when it
# is missing the test installs it (as root, or with sudo, through
# .ci/install-deps); where that cannot be done it skips with a message,
# except in CI (CI=true) or with AGS_REQUIRE_BROWSER=1, where it fails.
# AGS_NO_BROWSER=1 skips it on purpose. Screenshots are left in
# $AGS_REPORT_SHOTS when that names a folder.
# Usage: tests/e2e/e2e_report.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

browser() { command -v chromium || command -v chromium-browser; }

skip() {
	if [ -n "${AGS_REQUIRE_BROWSER:-}" ] || [ "${CI:-}" = true ]; then
		bad "e2e_report: $1; CI needs the browser test"
		finish report
		exit 1
	fi
	echo "e2e_report: SKIPPED: $1; the HTML report was not checked in a browser"
	finish report "1 skipped"
	exit
}

# --- where the page may be written (no browser needed)
mkdir files && cd files || exit 1
cp "$S" agr.txt
printf 'the paper\n' >paper.pdf
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z --attach paper.pdf agr.txt
{
	echo '{{agreesign-template/v2}}'
	sed '/^Deterministic Signatures/,/^A Field Study/c\{{title:lines=2}}' "$S"
} >form.tmpl
expect 0 "$A" sign --as-template --role publisher -k "$K/demo-publisher.key" --time 2026-11-19T09:00:00Z form.tmpl
cp "$K/demo.trust" demo.trust
cp "$K/demo-author.pub" author.pub
mkdir orig && cp agr.txt agr.txt.sig.json paper.pdf form.tmpl form.tmpl.sig.json demo.trust author.pub orig/
ln -s agr.txt link-agr.txt
ln agr.txt hard-agr.txt
ln -s agr.txt.sig.json link-env.json
ln agr.txt.sig.json hard-env.json
ln -s "$PWD/paper.pdf" link-paper.pdf
ln demo.trust hard.trust
mkdir sub && ln -s .. sub/up
TV=(verify -q -t demo.trust --template form.tmpl.sig.json)
PV=(verify -q -p author.pub)
# refused REPORT ARGS... (the agreement last): exit 2, says why and that
# no report was written, every input as it was.
refused() {
	local r=$1 f
	shift
	expect 2 "$A" "$@" --report "$r" --force
	has "$T/err" "a report never replaces an input"
	has "$T/err" "$r: no report was written"
	for f in agr.txt agr.txt.sig.json paper.pdf form.tmpl form.tmpl.sig.json demo.trust author.pub; do
		same "$f" "orig/$f"
	done
}
for r in agr.txt ./agr.txt "$PWD/agr.txt" link-agr.txt hard-agr.txt sub/up/agr.txt; do
	refused "$r" "${TV[@]}" agr.txt
	has "$T/err" "is the agreement this verification reads"
done
for r in agr.txt.sig.json link-env.json hard-env.json; do
	refused "$r" "${TV[@]}" agr.txt
	has "$T/err" "is the envelope this verification reads"
done
refused demo.trust "${TV[@]}" agr.txt
refused hard.trust "${TV[@]}" agr.txt
has "$T/err" "is the trust file"
refused author.pub "${PV[@]}" agr.txt
has "$T/err" "is the public key"
refused form.tmpl.sig.json "${TV[@]}" agr.txt
has "$T/err" "is the template's envelope"
refused form.tmpl "${TV[@]}" agr.txt
has "$T/err" "is the template text"
refused ./form.tmpl "${TV[@]}" --template-text form.tmpl agr.txt
for r in paper.pdf link-paper.pdf; do
	refused "$r" "${TV[@]}" agr.txt
	has "$T/err" 'is the attachment "paper.pdf"'
done
mkdir att && cp paper.pdf att/
refused att/paper.pdf "${TV[@]}" --attach-dir att agr.txt
# An input that does not exist is still an input: no page appears in its
# place (a later run would read the page as that input).
refused missing.sig.json "${TV[@]}" -e missing.sig.json agr.txt
[ ! -e missing.sig.json ] && ok || bad "a page was written where the envelope is read"
refused ./none.txt "${PV[@]}" -e agr.txt.sig.json none.txt
[ ! -e none.txt ] && ok || bad "a page was written where the agreement is read"
# --json: the refusal is an error object
expect 2 "$A" verify --json -t demo.trust --report agr.txt agr.txt
json 'd["result"]=="error" and "never replaces an input" in d["reason"]'

# An unrelated existing file: only with --force.
echo "my notes" >notes.html
cp notes.html orig/notes.html
expect 2 "$A" "${TV[@]}" --report notes.html agr.txt
has "$T/err" "notes.html: file exists (use --force to replace it)"
has "$T/err" "notes.html: no report was written"
same notes.html orig/notes.html
expect 0 "$A" "${TV[@]}" --report notes.html --force agr.txt
has notes.html "<h1>Verified</h1>"
# a symbolic link to an unrelated file: --force replaces the link itself
echo "other" >other.txt
ln -s other.txt link.html
expect 2 "$A" "${TV[@]}" --report link.html agr.txt
expect 0 "$A" "${TV[@]}" --report link.html -f agr.txt
[ ! -L link.html ] && [ "$(cat other.txt)" = other ] && ok || bad "--force followed the link"
# a new file needs no --force; --force alone is a usage error
expect 0 "$A" "${TV[@]}" --report new.html agr.txt
has new.html "<h1>Verified</h1>"
expect 2 "$A" "${TV[@]}" --force agr.txt
has "$T/err" "--force needs --report"

# A stale green page, then failing runs.
expect 0 "$A" "${TV[@]}" --report status.html agr.txt
has status.html "<h1>Verified</h1>"
cp status.html green.html
# verdict 1: the page of the failed verification replaces it
sed 's/twelve months/twenty-four months/' agr.txt >changed.txt
expect 1 "$A" "${TV[@]}" --report status.html -f -e agr.txt.sig.json changed.txt
has status.html "<h1>NOT VERIFIED</h1>"
cp green.html status.html
# exit 2, input unreadable: an error page replaces it
printf '{"not": "an envelope"}' >broken.sig.json
expect 2 "$A" "${TV[@]}" --report status.html -f -e broken.sig.json agr.txt
has status.html "<h1>NOT VERIFIED</h1><p id=\"reason\">Reason: the verification could not be completed: broken.sig.json"
if grep -q "Verified<" status.html; then bad "the error page says Verified"; else ok; fi
cp green.html status.html
expect 2 "$A" verify -q -t nothing.trust --report status.html -f agr.txt
has status.html "could not be completed: nothing.trust"
# exit 2 with the template unreadable after the signatures were checked
cp green.html status.html
expect 2 "$A" verify -q -t demo.trust --template nothing.sig.json --report status.html -f agr.txt
has status.html "<h1>NOT VERIFIED</h1>"
# exit 2 without --force: the old page stays, and the command says so
cp green.html status.html
expect 2 "$A" "${TV[@]}" --report status.html -e broken.sig.json agr.txt
has "$T/err" "status.html: no report was written"
same status.html green.html
# a page without --force in a new place, for a run that fails
expect 2 "$A" "${TV[@]}" --report fresh.html -e broken.sig.json agr.txt
has fresh.html "could not be completed"
# --require-attachments: the page of a missing attachment says why
mv paper.pdf away.pdf
expect 0 "$A" verify -q -t demo.trust --report att.html agr.txt
has att.html "<h1>Verified</h1>"
expect 1 "$A" verify -q -t demo.trust --require-attachments --report att.html -f agr.txt
has att.html "<h1>NOT VERIFIED</h1>"
has att.html "attachment &quot;paper.pdf&quot; is missing"
mv away.pdf paper.pdf
cd "$T" || exit 1

[ -n "${AGS_NO_BROWSER:-}" ] && skip "AGS_NO_BROWSER is set"
B=$(browser)
if [ -z "$B" ]; then
	if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then
		echo "e2e_report: installing Debian's chromium for this test (AGS_NO_BROWSER=1 skips it)"
		AGS_EXTRA_DEPS=chromium sh "$ROOT/.ci/install-deps" >"$T/install.log" 2>&1 ||
			skip "chromium could not be installed: $(tail -n 1 "$T/install.log")"
		B=$(browser)
	fi
	[ -n "$B" ] || skip "no chromium (install Debian's package chromium)"
fi

# render MODE FILE.html OUT: --dump-dom into OUT, or a screenshot OUT.
render() {
	local profile
	profile=$(mktemp -d -p "$T")
	local flags=(--headless --no-sandbox --disable-gpu --no-first-run
		--disable-background-networking --disable-component-update
		--disable-sync --user-data-dir="$profile" --window-size=1200,1400)
	if [ "$1" = dom ]; then
		timeout 120 "$B" "${flags[@]}" --dump-dom "file://$T/$2" >"$T/$3" 2>>"$T/chromium.log"
	else
		timeout 120 "$B" "${flags[@]}" --screenshot="$T/$3" "file://$T/$2" >>"$T/chromium.log" 2>&1
	fi
}

# dom FILE WANT_H1 [TEXT...]: the rendered page's verdict heading (the h1
# of #verdict) is WANT_H1, and the page's text holds each TEXT.
dom() {
	local f=$1 h1=$2
	shift 2
	if /usr/bin/python3 - "$T/$f" "$h1" "$@" <<'EOF'; then ok; else bad "$f: verdict or text missing in the rendered DOM"; fi
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.h1, self.text, self.scripts = [], None, [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a.get("id")))
        self.scripts += tag == "script"
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass
    def handle_data(self, data):
        self.text.append(data)
        ids = [i for _, i in self.stack]
        if "verdict" in ids and self.stack[-1][0] == "h1":
            self.h1 = (self.h1 or "") + data

path, want, texts = sys.argv[1], sys.argv[2], sys.argv[3:]
p = P()
p.feed(open(path, encoding="utf-8").read())
page = " ".join(" ".join(p.text).split())
problems = []
if p.h1 != want:
    problems.append("verdict heading %r, wanted %r" % (p.h1, want))
if p.scripts:
    problems.append("the page holds a script")
for t in texts:
    if t not in page:
        problems.append("no %r in the page" % t)
for x in problems:
    print("  " + path + ": " + x, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

# colour FILE.png R G B: the pixel at (300, 40), inside the verdict box,
# has this colour (within a small tolerance).
colour() {
	if /usr/bin/python3 - "$T/$1" "$2" "$3" "$4" <<'EOF'; then ok; else bad "$1: the verdict box has not the verdict's colour"; fi
import struct, sys, zlib

def pixel(path, x, y):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "PNG kind"
    bpp = 4 if ctype == 6 else 3
    raw, stride, prev = zlib.decompress(idat), w * bpp, bytearray(w * bpp)
    for row in range(y + 1):
        f = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
    return tuple(prev[x * bpp:x * bpp + 3])

got = pixel(sys.argv[1], 300, 40)
want = tuple(int(v) for v in sys.argv[2:5])
if max(abs(g - w) for g, w in zip(got, want)) > 12:
    print("  %s: pixel %s, wanted %s" % (sys.argv[1], got, want), file=sys.stderr)
    sys.exit(1)
EOF
}

# --- a verified page, with a template
cp "$S" agr.txt
{
	echo '{{agreesign-template/v2}}'
	sed '/^Deterministic Signatures/,/^A Field Study/c\{{title:lines=2}}' "$S"
} >form.tmpl
expect 0 "$A" sign --as-template --role publisher -k "$K/demo-publisher.key" --time 2026-11-19T09:00:00Z form.tmpl
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z agr.txt
expect 0 "$A" verify -q -t "$K/demo.trust" --template form.tmpl.sig.json --report ok.html agr.txt
render dom ok.html ok.dom
dom ok.dom "Verified" "Deterministic Signatures for Scholarly Agreements" \
	"Inès Marović-Saldaña" "Example Open Press" "Template verified." \
	"The agreement is the template with its fields filled in." \
	"2026-11-20T10:00:00Z" "(“the article”) to be published in"
render png ok.html ok.png
colour ok.png 26 127 55

# What was checked (issue 15, item 9): the trust file's full path and
# SHA-256 (as sha256sum prints it), the time of the check in UTC, between
# the times taken before and after the run, and what a verdict proves.
TRUST_SUM=$(sha256sum "$K/demo.trust" | cut -d' ' -f1)
TRUST_PATH=$(realpath "$K/demo.trust")
dom ok.dom "Verified" "What was checked" \
	"Trusted keys the keys listed in the trust file $TRUST_PATH" \
	"SHA-256 digest of that file $TRUST_SUM" "Checked at" \
	"It does not prove who holds that key." "Signing times are claims"
# checked_at PAGE BEFORE AFTER: the page's check time (UTC) is within
# [BEFORE, AFTER] (seconds since the epoch).
checked_at() {
	local when t
	when=$(grep -o 'id="checked-at">[0-9T:Z-]* (UTC)' "$1" | sed 's/.*">//; s/ (UTC)//')
	t=$(date -u -d "$when" +%s 2>/dev/null)
	if [ -n "$t" ] && [ "$t" -ge "$2" ] && [ "$t" -le "$3" ]; then ok; else bad "$1: check time '$when' not within the run"; fi
}
for jargon in "text/v1" "policy" "Key id" "trust store"; do
	if grep -qF "$jargon" "$T/ok.dom"; then bad "ok.html says '$jargon'"; else ok; fi
done

# --- a failed page: the agreement changed after it was signed. The page
# shows what the envelope claims, each value marked as claimed, and the
# signed digest against the file's, never the file's text (item 8).
sed 's/twelve months/twenty-four months/' agr.txt >changed.txt
cp agr.txt.sig.json changed.txt.sig.json
before=$(date -u +%s)
expect 1 "$A" verify -q -t "$K/demo.trust" --report bad.html changed.txt
after=$(date -u +%s)
checked_at bad.html "$before" "$after"
SIGNED_SUM=$("$A" canon agr.txt | sha512sum | cut -d' ' -f1)
FILE_SUM=$("$A" canon changed.txt | sha512sum | cut -d' ' -f1)
render dom bad.html bad.dom
dom bad.dom "NOT VERIFIED" "Reason: signature 1 is not valid" "agreement-changed" \
	"What the signature file claims (not verified)" \
	"Title Deterministic Signatures for Scholarly Agreements: A Field Study in Canonical Plain Text (claimed, not verified)" \
	"Digest of the signed text (SHA-512) $SIGNED_SUM" \
	"Digest of this file's text (SHA-512) $FILE_SUM" \
	"DIFFERENT: this file's text is not the text that was signed" \
	"The signature names: Inès Marović-Saldaña E-mail: ines@example.org ORCID: 0000-0002-1825-0097 (claimed, not verified)" \
	"author (claimed, not verified)" "2026-11-20T10:00:00Z (claimed, not verified)" \
	"SHA-256 digest of that file $TRUST_SUM"
if grep -q "twenty-four" "$T/bad.dom"; then
	bad "the failed page shows the changed text"
else
	ok
fi
if grep -q "<title>NOT VERIFIED —" "$T/bad.dom" && ! grep -q "<title>[^<]*Deterministic" "$T/bad.dom"; then
	ok
else
	bad "the failed page's title names the claimed title"
fi
render png bad.html bad.png
colour bad.png 180 35 24

# --- a failed page: signed, but not the signed template
cp changed.txt other.txt
expect 0 "$A" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z other.txt
expect 1 "$A" verify -q -t "$K/demo.trust" --template form.tmpl.sig.json --report tmpl.html other.txt
render dom tmpl.html tmpl.dom
dom tmpl.dom "NOT VERIFIED" "Reason: template: the agreement differs from the template in 1 paragraph" \
	"twelve" "twenty-four" "How to read the comparison." \
	"The publisher's form is the template above, signed by the publisher" \
	"Struck through, in red : words of the publisher's form that the agreement does not have." \
	"publisher's form: paragraph 13 (line 20)"
# the struck-through word is the form's, the green one the agreement's
grep -q '<del>twelve</del> <ins>twenty-four</ins>' tmpl.html && ok || bad "tmpl.html: the sides of the difference"
if grep -q 'id="template-unsigned"' tmpl.html; then bad "tmpl.html: a signed agreement said unsigned"; else ok; fi

# --- a changed agreement with the signed template: the differences from
# the publisher's form are shown too, said to be of the file as it is now
# (item 8), with the claims and the legend
expect 1 "$A" verify -q -t "$K/demo.trust" --template form.tmpl.sig.json --report badt.html changed.txt
render dom badt.html badt.dom
dom badt.dom "NOT VERIFIED" "What the signature file claims (not verified)" \
	"Template NOT VERIFIED: the agreement differs from the template in 1 paragraph" \
	"compares the agreement file as it is now, not what was signed, with the publisher's verified form" \
	"How to read the comparison." "twelve" "twenty-four"
grep -q '<del>twelve</del> <ins>twenty-four</ins>' badt.html && ok || bad "badt.html: no difference shown"

# --- -p: the page names the public key file and its SHA-256
before=$(date -u +%s)
expect 0 "$A" verify -q -p "$K/demo-author.pub" --report pub.html agr.txt
after=$(date -u +%s)
checked_at pub.html "$before" "$after"
render dom pub.html pub.dom
dom pub.dom "Verified" "Trusted key only the public key in the file $(realpath "$K/demo-author.pub")" \
	"SHA-256 digest of that file $(sha256sum "$K/demo-author.pub" | cut -d' ' -f1)"

# --- the report is written atomically, replacing the old one (--force)
expect 0 "$A" verify -q -t "$K/demo.trust" --report bad.html --force agr.txt
grep -q '<h1>Verified</h1>' bad.html && ok || bad "--report did not replace the old page"

if [ -n "${AGS_REPORT_SHOTS:-}" ] && [ -d "$AGS_REPORT_SHOTS" ]; then
	cp ok.png bad.png ok.html bad.html "$AGS_REPORT_SHOTS"/
fi
finish report
