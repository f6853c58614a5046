/* The verification report as one self-contained web page (spec/templates.md,
 * "The HTML report"): the verdict first, in words and colour; then only
 * what verified. Inline CSS, no script, and a Content-Security-Policy that
 * forbids loading anything, so that the page shows the same thing offline,
 * forwarded or archived. Every string that comes from an input (envelope,
 * trust file, agreement, template, file names) goes through
 * ags_buf_put_html. */
#include "template_internal.h"

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
        ".diff{background:#f6f8fa;border-left:4px solid #b42318;"
        "padding:.5rem .8rem;margin:.5rem 0}"
        "del{background:#ffebe9;color:#82071e}"
        "ins{background:#dafbe1;color:#116329;text-decoration:none}"
        ".field{background:#ddf4ff}"
        "footer{margin-top:2rem;color:#59636e;font-size:.85rem}";

static void esc(struct ags_buf *b, const char *s)
{
	if (s)
		ags_buf_put_html(b, s, strlen(s));
}

/* <tr><th>label</th><td class=...>value</td></tr>, skipped when v is NULL. */
static void row(struct ags_buf *b, const char *label, const char *v,
                const char *cls)
{
	if (!v)
		return;
	ags_buf_puts(b, "<tr><th>");
	esc(b, label);
	ags_buf_puts(b, cls ? "</th><td class=\"" : "</th><td");
	if (cls) {
		esc(b, cls);
		ags_buf_puts(b, "\"");
	}
	ags_buf_puts(b, ">");
	esc(b, v);
	ags_buf_puts(b, "</td></tr>\n");
}

/* Every signature valid over the signed text (given one key, the others
 * intact and at least one valid): the envelope's content may be shown (a
 * policy can still fail, e.g. a role or the template). */
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

/* title: the envelope's claimed title, shown only when it verified. */
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
		esc(b, title);
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
		             "<h1>Verified</h1><p>Every signature is valid, "
		             "made with a key of the verifier's trust store in "
		             "the role it claims, over exactly this text; the "
		             "policy holds.</p></section>\n");
		return;
	}
	ags_buf_puts(b, "<section class=\"verdict bad\" id=\"verdict\">"
	                "<h1>NOT VERIFIED</h1><p id=\"reason\">Reason: ");
	esc(b, r->policy_detail[0] ? r->policy_detail : "unknown");
	for (i = 0;
	     i < r->nsigs && (r->sigs[i].valid || r->sigs[i].not_checked); i++)
		;
	if (i < r->nsigs) { /* the first broken signature says why */
		ags_buf_puts(b, ": ");
		esc(b, r->sigs[i].detail);
	}
	ags_buf_puts(b, "</p></section>\n");
}

static void agreement(struct ags_buf *b, const struct ags_report *r,
                      const struct ags_envelope *env)
{
	const struct ags_agreement *a = &env->agreement;
	char hex[2 * AGS_DIGEST_BYTES + 1], len[32];
	size_t i;

	ags_hex_encode(hex, a->text_sha512, AGS_DIGEST_BYTES);
	snprintf(len, sizeof(len), "%llu bytes",
	         (unsigned long long)a->text_length);
	ags_buf_puts(b, "<h2>Agreement</h2>\n<table id=\"agreement\">\n");
	row(b, "Title", a->md.title, NULL);
	row(b, "Corresponding author", a->md.corresponding_author, NULL);
	row(b, "Proceedings", a->md.proceedings, NULL);
	row(b, "Publisher", a->md.publisher, NULL);
	row(b, "License", a->md.license, NULL);
	row(b, "Agreement date", a->md.agreement_date, NULL);
	row(b, "Canonical text", AGS_FORMAT_CANON, NULL);
	row(b, "Length", len, NULL);
	row(b, "SHA-512", hex, "mono");
	for (i = 0; i < a->nattachments && i < r->nattachments; i++) {
		ags_buf_puts(b, "<tr><th>Attachment ");
		esc(b, a->attachments[i].name);
		ags_buf_puts(b, "</th><td>");
		esc(b, ags_attach_status_name(r->attachments[i]));
		ags_buf_puts(b, "</td></tr>\n");
	}
	ags_buf_puts(b, "</table>\n");
}

/* One row per signature: the trusted identity (from the trust store), the
 * key id, and, for a valid signature only, the role and claimed time it
 * signed. */
static void sig_rows(struct ags_buf *b, const struct ags_report *r,
                     const struct ags_envelope *env)
{
	char when[21];
	size_t i;

	ags_buf_puts(b, "<table>\n<thead><tr><th>#</th><th>Signer (trusted "
	                "identity)</th><th>Key id</th><th>Role</th><th>Claimed "
	                "signing time</th><th>Result</th></tr></thead>\n");
	for (i = 0; i < r->nsigs; i++) {
		const struct ags_sig_report *sr = &r->sigs[i];
		const struct ags_signature *sig = &env->sigs[i];

		ags_time_format(when, sig->signer.time);
		ags_buf_printf(b, "<tr><td>%zu</td><td>", i + 1);
		esc(b, sr->trusted ? sr->trusted->identity
		                   : "(key not in the trust store)");
		ags_buf_printf(b, "</td><td class=\"mono\">%s</td><td>",
		               sig->key_id);
		if (sr->valid) {
			esc(b, ags_role_name(sig->signer.role));
			if (sig->is_countersignature)
				ags_buf_puts(b, " (countersignature)");
			ags_buf_printf(b,
			               "</td><td>%s</td><td class=\"good\">"
			               "valid</td></tr>\n",
			               when);
			continue;
		}
		if (sr->not_checked) { /* verify -p: another key's, intact */
			ags_buf_puts(b, "\xE2\x80\x94</td><td>\xE2\x80\x94</td>"
			                "<td>not checked (key not given)</td>"
			                "</tr>\n");
			continue;
		}
		ags_buf_puts(b, "\xE2\x80\x94</td><td>\xE2\x80\x94</td>"
		                "<td class=\"fail\">INVALID: ");
		esc(b, ags_reason_name(sr->reason));
		ags_buf_puts(b, ": ");
		esc(b, sr->detail);
		ags_buf_puts(b, "</td></tr>\n");
	}
	ags_buf_puts(b, "</table>\n");
}

static void diff_html(struct ags_buf *b, const struct ags_template_diff *d)
{
	size_t i;

	ags_buf_puts(b, "<div class=\"diff\"><p><b>");
	esc(b, ags_template_diff_kind_name(d->kind));
	ags_buf_puts(b, "</b>");
	if (d->template_paragraph)
		ags_buf_printf(b, " \xC2\xB7 template paragraph %zu (line %ld)",
		               d->template_paragraph, d->template_line);
	if (d->agreement_paragraph)
		ags_buf_printf(b,
		               " \xC2\xB7 agreement paragraph %zu (line %ld)",
		               d->agreement_paragraph, d->agreement_line);
	ags_buf_puts(b, "</p><p>");
	for (i = 0; i < d->nsegs; i++) {
		const struct ags_template_seg *s = &d->segs[i];
		static const char *const open[] = {
		        [AGS_TEMPLATE_SAME] = "<span>",
		        [AGS_TEMPLATE_FIELD] = "<span class=\"field\">",
		        [AGS_TEMPLATE_DELETED] = "<del>",
		        [AGS_TEMPLATE_INSERTED] = "<ins>"};
		static const char *const close[] = {
		        [AGS_TEMPLATE_SAME] = "</span>",
		        [AGS_TEMPLATE_FIELD] = "</span>",
		        [AGS_TEMPLATE_DELETED] = "</del>",
		        [AGS_TEMPLATE_INSERTED] = "</ins>"};

		if (i)
			ags_buf_puts(b, " ");
		ags_buf_puts(b, open[s->op]);
		esc(b, s->text);
		ags_buf_puts(b, close[s->op]);
	}
	ags_buf_puts(b, "</p></div>\n");
}

static void match_html(struct ags_buf *b, const struct ags_template_match *m)
{
	size_t i;

	if (m->matches) {
		ags_buf_puts(b,
		             "<p class=\"good\" id=\"template-match\">The "
		             "agreement is the template with its fields filled "
		             "in.</p>\n<table>\n");
		for (i = 0; i < m->nfields; i++)
			row(b, m->fields[i].name, m->fields[i].value, NULL);
		ags_buf_puts(b, "</table>\n");
		return;
	}
	ags_buf_printf(b,
	               "<p class=\"fail\" id=\"template-match\">The "
	               "agreement is not the template: %zu paragraph%s "
	               "differ%s.</p>\n",
	               m->ndiffs, m->ndiffs == 1 ? "" : "s",
	               m->ndiffs == 1 ? "s" : "");
	for (i = 0; i < m->ndiffs; i++)
		diff_html(b, &m->diffs[i]);
	if (m->problem[0]) {
		ags_buf_puts(b, "<p>");
		esc(b, m->problem);
		ags_buf_puts(b, "</p>\n");
	}
}

static void template_html(struct ags_buf *b,
                          const struct ags_template_check *tc, int shown)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];

	ags_hex_encode(hex, tc->sha512, AGS_DIGEST_BYTES);
	ags_buf_puts(b, "<h2>Template</h2>\n");
	ags_buf_puts(b, tc->verified ? "<p class=\"good\" id=\"template\">"
	                               "Template verified.</p>\n"
	                             : "<p class=\"fail\" id=\"template\">"
	                               "Template NOT VERIFIED: ");
	if (!tc->verified) {
		esc(b, tc->detail);
		ags_buf_puts(b, "</p>\n");
	}
	ags_buf_puts(b, "<table>\n");
	row(b, "Template file", tc->text_path, "mono");
	row(b, "Template SHA-512", hex, "mono");
	ags_buf_puts(b, "</table>\n<p>Signed by:</p>\n");
	sig_rows(b, &tc->report, &tc->env);
	if (shown && tc->report.verified)
		match_html(b, &tc->match);
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
	ags_buf_puts(b, "<h2>The signed text</h2>\n<p>Exactly the canonical "
	                "text (" AGS_FORMAT_CANON ") whose digest was "
	                "signed.</p>\n<pre id=\"signed-text\">");
	esc_lines(b, canon, len);
	ags_buf_puts(b, "</pre>\n");
}

static void footer(struct ags_buf *b, const char *name, const char *more)
{
	ags_buf_puts(b, "<footer>Made by agreesign " AGS_VERSION);
	if (name) {
		ags_buf_puts(b, " from the file ");
		esc(b, name);
	}
	ags_buf_puts(b, ".");
	ags_buf_puts(b, more);
	ags_buf_puts(b, "</footer>\n</main>\n</body>\n</html>\n");
}

char *ags_report_html(const struct ags_report *r,
                      const struct ags_envelope *env, const char *canon,
                      size_t canon_len, const char *name)
{
	struct ags_buf b = {0};
	int shown = authentic(r);

	head(&b, r->verified, shown ? env->agreement.md.title : NULL);
	verdict(&b, r);
	if (shown)
		agreement(&b, r, env);
	ags_buf_puts(&b, "<h2>Signatures</h2>\n");
	sig_rows(&b, r, env);
	if (r->tmpl)
		template_html(&b, r->tmpl, shown);
	if (shown && canon)
		text_html(&b, canon, canon_len);
	else
		ags_buf_puts(&b, "<p>The agreement's title, text and template "
		                 "match are not shown: its signatures did not "
		                 "verify.</p>\n");
	footer(&b, name,
	       " Identities are those of the verifier's trust store; signing "
	       "times are the signers' claims.");
	return ags_buf_take(&b, NULL);
}

/* A run that could not be completed (exit status 2) gets a page too: it
 * takes the place of an earlier page, which must not go on saying
 * "Verified" (spec/templates.md). */
char *ags_report_html_error(const char *why, const char *name)
{
	struct ags_buf b = {0};

	head(&b, 0, NULL);
	ags_buf_puts(&b, "<section class=\"verdict bad\" id=\"verdict\">"
	                 "<h1>NOT VERIFIED</h1><p id=\"reason\">Reason: the "
	                 "verification could not be completed: ");
	esc(&b, why);
	ags_buf_puts(&b, "</p></section>\n<p id=\"error\">An input could not "
	                 "be read or was refused, so no signature was "
	                 "judged.</p>\n");
	footer(&b, name, "");
	return ags_buf_take(&b, NULL);
}
