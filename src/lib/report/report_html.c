/* The verification report as one self-contained web page (spec/templates.md,
 * "The HTML report"), written for an editor, a lawyer or a librarian: the
 * verdict first, in words and colour; what was checked, against which keys
 * and when; what a verdict proves and does not; then what verified, or,
 * when the signatures did not, what the envelope claims, marked as claimed.
 * Inline CSS, no script, and a Content-Security-Policy that forbids
 * loading anything, so that the page shows the same thing offline,
 * forwarded or archived. Every string that comes from an input (envelope,
 * trust file, agreement, template, file names) goes through ags_html_esc.
 * The signatures and the template are in report_html_sigs.c. */
#include "report_html.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
        "body{margin:0;background:#fff;color:#1f2328;line-height:1.45;"
        "font-family:system-ui,\"DejaVu Sans\",\"Liberation Sans\","
        "Arial,sans-serif}"
        "main{max-width:62rem;margin:0 auto;padding:1.5rem}"
        ".verdict{padding:1.2rem 1.5rem;border-radius:8px;color:#fff}"
        ".verdict.ok{background:#1a7f37}.verdict.bad{background:#b42318}"
        ".verdict h1{margin:0;font-size:2rem}.verdict p{margin:.4rem 0 0}"
        "h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;"
        "padding-bottom:.3rem;margin-top:2rem}"
        "table{border-collapse:collapse;width:100%}"
        "th,td{text-align:left;vertical-align:top;padding:.35rem .6rem;"
        "border-bottom:1px solid #eaeef2}"
        "th{background:#f6f8fa;font-weight:600;width:14rem}"
        "thead th{width:auto}"
        ".mono,pre{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\","
        "monospace;font-size:.85rem}"
        ".mono{word-break:break-all}"
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;"
        "border:1px solid #d0d7de;border-radius:6px;padding:1rem}"
        ".good{color:#1a7f37;font-weight:600}.fail{color:#b42318;"
        "font-weight:600}"
        ".note{color:#59636e}"
        ".claimed{color:#9a6700;font-style:italic}"
        ".claims{background:#fff8c5;border:1px solid #d4a72c;"
        "border-radius:6px;padding:.2rem 1rem 1rem}"
        ".diff{background:#f6f8fa;border-left:4px solid #b42318;"
        "padding:.5rem .8rem;margin:.5rem 0}"
        ".legend{border:1px solid #d0d7de;border-radius:6px;"
        "padding:.2rem 1rem;margin:.5rem 0}"
        "del{background:#ffebe9;color:#82071e}"
        "ins{background:#dafbe1;color:#116329;text-decoration:none}"
        ".field{background:#ddf4ff}"
        "footer{margin-top:2rem;color:#59636e;font-size:.85rem}";

/* A row whose value the envelope claims, unverified. */
static void claimed_row(struct ags_buf *b, const char *label, const char *v)
{
	if (!v)
		return;
	ags_buf_puts(b, "<tr><th>");
	ags_html_esc(b, label);
	ags_buf_puts(b, "</th><td>");
	ags_html_esc(b, v);
	ags_buf_puts(b, AGS_HTML_CLAIMED "</td></tr>\n");
}

/* Every signature valid over the signed text (given one key, the others
 * intact and at least one valid): the envelope's content may be shown as
 * verified (a requirement can still fail, e.g. a role or the template). */
static int authentic(const struct ags_report *r)
{
	size_t i, nvalid = 0;

	if (!r->text_matches)
		return 0;
	for (i = 0; i < r->nsigs; i++) {
		if (!r->sigs[i].valid && !r->sigs[i].not_checked)
			return 0;
		nvalid += (size_t)r->sigs[i].valid;
	}
	return nvalid > 0;
}

/* title: the envelope's title, shown only when it verified. */
static void head(struct ags_buf *b, int verified, const char *title)
{
	ags_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	                "<meta charset=\"utf-8\">\n"
	                "<meta http-equiv=\"Content-Security-Policy\" "
	                "content=\"default-src 'none'; style-src "
	                "'unsafe-inline'\">\n"
	                "<meta name=\"referrer\" content=\"no-referrer\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width, "
	                "initial-scale=1\">\n<title>");
	ags_buf_puts(b, verified ? "Verified" : "NOT VERIFIED");
	if (title) {
		ags_buf_puts(b, ": ");
		ags_html_esc(b, title);
	}
	ags_buf_printf(b,
	               " \xE2\x80\x94 agreesign</title>\n<style>%s</style>\n"
	               "</head>\n<body>\n<main>\n",
	               style);
}

static void verdict(struct ags_buf *b, const struct ags_report *r)
{
	size_t i;

	for (i = 0; r->verified && i < r->nsigs; i++)
		if (r->sigs[i].not_checked) { /* verify -p */
			ags_buf_puts(b,
			             "<section class=\"verdict ok\" "
			             "id=\"verdict\"><h1>Verified</h1><p>The "
			             "signature of the one key given is valid, "
			             "over exactly this text; the others are "
			             "intact but not checked (key not given); "
			             "the policy holds.</p></section>\n");
			return;
		}
	if (r->verified) {
		ags_buf_puts(b,
		             "<section class=\"verdict ok\" id=\"verdict\">"
		             "<h1>Verified</h1><p>Every signature is valid: "
		             "each was made with a key that the trust file "
		             "below lists for the signer's role, over exactly "
		             "the text of this agreement, and every other "
		             "requirement of this check was met. What this "
		             "does and does not prove is said below.</p>"
		             "</section>\n");
		return;
	}
	ags_buf_puts(b, "<section class=\"verdict bad\" id=\"verdict\">"
	                "<h1>NOT VERIFIED</h1><p id=\"reason\">Reason: ");
	ags_html_esc(b, r->policy_detail[0] ? r->policy_detail : "unknown");
	for (i = 0;
	     i < r->nsigs && (r->sigs[i].valid || r->sigs[i].not_checked); i++)
		;
	if (i < r->nsigs) { /* the first broken signature says why */
		ags_buf_puts(b, ": ");
		ags_html_esc(b, r->sigs[i].detail);
	}
	ags_buf_puts(b, "</p></section>\n");
}

/* What was read, which keys were trusted, and when. */
static void checked(struct ags_buf *b, const struct ags_report_context *c)
{
	char hex[2 * 32 + 1], when[21];

	if (!c)
		return;
	ags_buf_puts(b, "<h2>What was checked</h2>\n<table id=\"check\">\n");
	ags_html_row(b, "Agreement file", c->agreement, "mono");
	ags_html_row(b, "Signature file (envelope)", c->envelope, "mono");
	if (c->keys) {
		ags_buf_puts(b, c->keys_pub
		                        ? "<tr><th>Trusted key</th><td>"
		                          "only the public key in the file "
		                        : "<tr><th>Trusted keys</th><td>"
		                          "the keys listed in the trust file ");
		ags_buf_puts(b, "<span class=\"mono\" id=\"keys-path\">");
		ags_html_esc(b, c->keys);
		ags_buf_puts(b, "</span></td></tr>\n");
	}
	if (c->keys && c->keys_digested) {
		ags_hex_encode(hex, c->keys_sha256, 32);
		ags_buf_printf(
		        b,
		        "<tr><th>SHA-256 digest of that file</th><td>"
		        "<span class=\"mono\" id=\"keys-sha256\">%s</span>"
		        "<br><span class=\"note\">the fingerprint of the "
		        "file's exact bytes (<span class=\"mono\">"
		        "sha256sum</span> prints the same): a file with "
		        "another digest is not the one used here</span>"
		        "</td></tr>\n",
		        hex);
	}
	if (c->checked_at && ags_time_format(when, c->checked_at) == 0)
		ags_buf_printf(b,
		               "<tr><th>Checked at</th><td id=\"checked-at\">"
		               "%s (UTC)</td></tr>\n",
		               when);
	ags_buf_puts(b, "<tr><th>Checked by</th><td>agreesign " AGS_VERSION
	                "</td></tr>\n</table>\n");
}

/* What a verdict proves, in plain words. */
static void meaning(struct ags_buf *b)
{
	ags_buf_puts(
	        b,
	        "<h2>What \xE2\x80\x9CVerified\xE2\x80\x9D proves, and what it "
	        "does not</h2>\n<ul id=\"meaning\">\n"
	        "<li>A valid signature proves that whoever holds the secret "
	        "key of the signer signed exactly this agreement text and the "
	        "details recorded with it: the title and other details below, "
	        "the signer's name and role, the claimed signing time and the "
	        "digests of attached files. Any later change to any of them "
	        "makes the signature fail.</li>\n"
	        "<li>It does not prove who holds that key. The signer's name "
	        "shown is the one the trust file gives the key; it is only as "
	        "reliable as the trust file and the way its keys were "
	        "collected.</li>\n"
	        "<li>Signing times are claims: each is the time the signer's "
	        "computer gave when signing, and nothing here confirms it, "
	        "unless a <b>proven</b> time is shown: then a time-stamping "
	        "authority that the trust file names signed that the "
	        "signature existed at that time.</li>\n"
	        "<li>A key fingerprint is a short code computed from a key; it "
	        "names that key, and can be compared with the fingerprint a "
	        "signer gives for their own key.</li>\n"
	        "<li>The text is compared in a standard form: line endings "
	        "and the encoding of accented letters made uniform, spaces at "
	        "the ends of lines and runs of blank lines reduced. A copy "
	        "saved by another editor still verifies; a change of any "
	        "word, sign, indentation or line break does not.</li>\n"
	        "</ul>\n");
}

/* An attachment's status in words, and its stable word. */
static void attach_status(struct ags_buf *b, enum ags_attach_status st)
{
	static const char *const words[] = {
	        [AGS_ATTACH_UNCHECKED] = "not checked",
	        [AGS_ATTACH_VERIFIED] = "present, the same as the signed file",
	        [AGS_ATTACH_CHANGED] = "CHANGED since it was signed",
	        [AGS_ATTACH_MISSING] = "not found, so not checked"};

	if ((size_t)st < sizeof(words) / sizeof(words[0]) && words[st]) {
		ags_buf_puts(b, words[st]);
		ags_buf_puts(b, " (");
	}
	ags_html_esc(b, ags_attach_status_name(st));
	if ((size_t)st < sizeof(words) / sizeof(words[0]) && words[st])
		ags_buf_puts(b, ")");
}

static void attachments(struct ags_buf *b, const struct ags_report *r,
                        const struct ags_agreement *a, int claimed)
{
	size_t i;

	for (i = 0; i < a->nattachments; i++) {
		ags_buf_puts(b, "<tr><th>Attached file ");
		ags_html_esc(b, a->attachments[i].name);
		ags_buf_puts(b, "</th><td>");
		attach_status(b, i < r->nattachments ? r->attachments[i]
		                                     : AGS_ATTACH_UNCHECKED);
		if (claimed)
			ags_buf_puts(b, AGS_HTML_CLAIMED);
		ags_buf_puts(b, "</td></tr>\n");
	}
}

static void agreement(struct ags_buf *b, const struct ags_report *r,
                      const struct ags_envelope *env)
{
	const struct ags_agreement *a = &env->agreement;
	char hex[2 * AGS_DIGEST_BYTES + 1], len[64];

	ags_hex_encode(hex, a->text_sha512, AGS_DIGEST_BYTES);
	snprintf(len, sizeof(len), "%llu bytes (in the standard form)",
	         (unsigned long long)a->text_length);
	ags_buf_puts(b, "<h2>Agreement</h2>\n<table id=\"agreement\">\n");
	ags_html_row(b, "Title", a->md.title, NULL);
	ags_html_row(b, "Corresponding author", a->md.corresponding_author,
	             NULL);
	ags_html_row(b, "Proceedings", a->md.proceedings, NULL);
	ags_html_row(b, "Publisher", a->md.publisher, NULL);
	ags_html_row(b, "License", a->md.license, NULL);
	ags_html_row(b, "Agreement date", a->md.agreement_date, NULL);
	ags_html_row(b, "Text length", len, NULL);
	ags_html_row(b, "Text digest (SHA-512)", hex, "mono");
	attachments(b, r, a, 0);
	ags_buf_puts(b, "</table>\n");
}

/* The signatures did not verify: what the envelope says, each value marked
 * as a claim, and the digest it signed against this file's. */
static void claims(struct ags_buf *b, const struct ags_report *r,
                   const struct ags_envelope *env, const char *canon,
                   size_t len)
{
	const struct ags_agreement *a = &env->agreement;
	char hex[2 * AGS_DIGEST_BYTES + 1], n[64];
	uint8_t digest[AGS_DIGEST_BYTES];

	ags_buf_puts(b, "<section class=\"claims\" id=\"claimed\">\n<h2>What "
	                "the signature file claims (not verified)</h2>\n<p>The "
	                "signatures did not verify, so nothing in this box is "
	                "confirmed: these are the values written in the "
	                "signature file, shown so that you can tell which "
	                "agreement it is about and what changed.</p>\n"
	                "<table>\n");
	claimed_row(b, "Title", a->md.title);
	claimed_row(b, "Corresponding author", a->md.corresponding_author);
	claimed_row(b, "Proceedings", a->md.proceedings);
	claimed_row(b, "Publisher", a->md.publisher);
	claimed_row(b, "License", a->md.license);
	claimed_row(b, "Agreement date", a->md.agreement_date);
	ags_hex_encode(hex, a->text_sha512, AGS_DIGEST_BYTES);
	snprintf(n, sizeof(n), "%llu bytes",
	         (unsigned long long)a->text_length);
	ags_buf_printf(b,
	               "<tr><th>Digest of the signed text (SHA-512)</th><td>"
	               "<span class=\"mono\" id=\"signed-digest\">%s</span>, "
	               "%s" AGS_HTML_CLAIMED "</td></tr>\n",
	               hex, n);
	if (canon) {
		crypto_hash_sha512(digest, (const unsigned char *)canon, len);
		ags_hex_encode(hex, digest, AGS_DIGEST_BYTES);
		snprintf(n, sizeof(n), "%llu bytes", (unsigned long long)len);
		ags_buf_printf(b,
		               "<tr><th>Digest of this file's text "
		               "(SHA-512)</th><td><span class=\"mono\" "
		               "id=\"file-digest\">%s</span>, %s</td></tr>\n",
		               hex, n);
	}
	ags_buf_printf(b,
	               "<tr><th>The two texts</th><td id=\"text-compared\" "
	               "class=\"%s\">%s</td></tr>\n",
	               r->text_matches ? "good" : "fail",
	               r->text_matches ? "the same: this file holds the text "
	                                 "that was signed"
	                               : "DIFFERENT: this file's text is not "
	                                 "the text that was signed");
	attachments(b, r, a, 1);
	ags_buf_puts(b, "</table>\n<p>Who signed, in what role and when, as "
	                "the signatures claim, is in the table of signatures "
	                "below.</p>\n</section>\n");
}

/* The signed text keeps its line breaks and tabs; every other character
 * is written as in any other string of the page. */
static void esc_lines(struct ags_buf *b, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\t') {
			ags_buf_put_html(b, s + from, i - from);
			ags_buf_put(b, s + i, 1);
			from = i + 1;
		}
	ags_buf_put_html(b, s + from, n - from);
}

static void text_html(struct ags_buf *b, const char *canon, size_t len)
{
	ags_buf_puts(b, "<h2>The signed text</h2>\n<p>Exactly the text that "
	                "was signed, in the standard form that was "
	                "compared.</p>\n<pre id=\"signed-text\">");
	esc_lines(b, canon, len);
	ags_buf_puts(b, "</pre>\n");
}

static void footer(struct ags_buf *b)
{
	ags_buf_puts(b, "<footer>Made by agreesign " AGS_VERSION ". Signers' "
	                "names are those the trust file gives their keys; "
	                "signing times are the signers' claims.</footer>\n"
	                "</main>\n</body>\n</html>\n");
}

char *ags_report_html(const struct ags_report *r,
                      const struct ags_envelope *env, const char *canon,
                      size_t canon_len, const struct ags_report_context *ctx)
{
	struct ags_buf b = {0};
	int shown = authentic(r);

	head(&b, r->verified, shown ? env->agreement.md.title : NULL);
	verdict(&b, r);
	checked(&b, ctx);
	meaning(&b);
	if (shown)
		agreement(&b, r, env);
	else
		claims(&b, r, env, canon, canon_len);
	ags_buf_puts(&b, "<h2>Signatures</h2>\n");
	ags_html_sigs(&b, r, env);
	if (r->tmpl)
		ags_html_template(&b, r->tmpl, shown);
	if (shown && canon)
		text_html(&b, canon, canon_len);
	else
		ags_buf_puts(&b, "<p>The signed text is not shown: the "
		                 "signatures did not verify.</p>\n");
	footer(&b);
	return ags_buf_take(&b, NULL);
}

/* A run that could not be completed (exit status 2) gets a page too: it
 * takes the place of an earlier page, which must not go on saying
 * "Verified" (spec/templates.md). */
char *ags_report_html_error(const char *why,
                            const struct ags_report_context *ctx)
{
	struct ags_buf b = {0};

	head(&b, 0, NULL);
	ags_buf_puts(&b, "<section class=\"verdict bad\" id=\"verdict\">"
	                 "<h1>NOT VERIFIED</h1><p id=\"reason\">Reason: the "
	                 "verification could not be completed: ");
	ags_html_esc(&b, why);
	ags_buf_puts(&b, "</p></section>\n<p id=\"error\">An input could not "
	                 "be read or was refused, so no signature was "
	                 "judged.</p>\n");
	checked(&b, ctx);
	footer(&b);
	return ags_buf_take(&b, NULL);
}
