/* The HTML report's signatures and template (spec/templates.md, "The HTML
 * report"): each signature with its result in words, and the agreement
 * against the publisher's form. Every string from an input goes through
 * ags_html_esc. */
#include "report_html.h"

#include <string.h>

/* A signature that is not valid, in words for people; the stable word of
 * ags_reason_name follows in parentheses, as in the terminal and JSON
 * outputs. A reason without words here is shown by its word alone. */
static const char *const reason_words[] = {
        [AGS_REASON_TEXT_CHANGED] = "the agreement's text is not the text "
                                    "that was signed",
        [AGS_REASON_UNTRUSTED_KEY] = "the key that made it is not in the "
                                     "trust file",
        [AGS_REASON_BAD_SIGNATURE] = "the signature does not match what it "
                                     "claims to sign (damaged or forged)",
        [AGS_REASON_REVOKED] = "the trust file says this key was withdrawn "
                               "(revoked)",
        [AGS_REASON_WRONG_ROLE] = "the trust file does not allow this key "
                                  "to sign in this role",
        [AGS_REASON_NOT_YET_VALID] = "the claimed signing time is before the "
                                     "trust file accepts this key",
        [AGS_REASON_EXPIRED] = "the claimed signing time is after the trust "
                               "file stops accepting this key",
        [AGS_REASON_NAME_MISMATCH] = "the name in the signature is not the "
                                     "name the trust file gives this key",
        [AGS_REASON_COUNTERSIGN] = "the countersignature does not accept "
                                   "exactly the signatures before it",
        [AGS_REASON_IDENTITY_MISMATCH] = "the e-mail or ORCID in the "
                                         "signature is not the one the "
                                         "trust file gives this key",
};

static const char *reason_text(enum ags_reason r)
{
	if ((size_t)r < sizeof(reason_words) / sizeof(reason_words[0]))
		return reason_words[r];
	return NULL;
}

/* The signer's name, e-mail and ORCID as the envelope claims them. */
static void claimed_signer(struct ags_buf *b, const struct ags_signer *s)
{
	ags_html_esc(b, s->name);
	if (s->email) {
		ags_buf_puts(b, "<br>E-mail: ");
		ags_html_esc(b, s->email);
	}
	if (s->orcid) {
		ags_buf_puts(b, "<br>ORCID: ");
		ags_html_esc(b, s->orcid);
	}
	ags_buf_puts(b, AGS_HTML_CLAIMED);
}

/* The signer as the trust store names the key, and, when the signature
 * did not verify, as the envelope claims. */
static void signer_cell(struct ags_buf *b, const struct ags_sig_report *sr,
                        const struct ags_signature *sig)
{
	const struct ags_trust_entry *e = sr->trusted;

	ags_buf_puts(b, "<td class=\"signer\">");
	if (e && !e->identity) {
		ags_buf_puts(b, "(the OpenSSH key given names nobody)<br>"
		                "The signature names: ");
		ags_html_esc(b, sig->signer.name);
	} else if (e) {
		ags_html_esc(b, e->identity);
		if (e->email) {
			ags_buf_puts(b, "<br>E-mail: ");
			ags_html_esc(b, e->email);
		}
		if (e->orcid) {
			ags_buf_puts(b, "<br>ORCID: ");
			ags_html_esc(b, e->orcid);
		}
	} else {
		ags_buf_puts(b, "(this key is not in the trust file)");
	}
	if (!sr->valid) {
		ags_buf_puts(b, "<br>The signature names: ");
		claimed_signer(b, &sig->signer);
	}
	ags_buf_puts(b, "</td>");
}

/* valid, or not valid with the reason in words, its detail and word. */
static void result_cell(struct ags_buf *b, const struct ags_sig_report *sr)
{
	const char *words = reason_text(sr->reason);

	if (sr->valid) {
		ags_buf_puts(b, "<td class=\"good\">valid</td>");
		return;
	}
	if (sr->not_checked) { /* verify -p: another key's, intact */
		ags_buf_puts(b, "<td>not checked (key not given)</td>");
		return;
	}
	ags_buf_puts(b, "<td><span class=\"fail\">INVALID</span>: ");
	if (words) {
		ags_html_esc(b, words);
		ags_buf_puts(b, ". ");
	}
	ags_buf_puts(b, "<span class=\"note\">");
	ags_html_esc(b, sr->detail);
	ags_buf_puts(b, " (");
	ags_html_esc(b, ags_reason_name(sr->reason));
	ags_buf_puts(b, ")</span></td>");
}

void ags_html_sigs(struct ags_buf *b, const struct ags_report *r,
                   const struct ags_envelope *env)
{
	char when[21];
	size_t i;

	ags_buf_puts(b, "<table class=\"sigs\">\n<thead><tr><th>#</th>"
	                "<th>Signer, as the trust file (or public key file) "
	                "names the key</th>"
	                "<th>Key fingerprint</th><th>Role</th><th>Signing "
	                "time (UTC), as the signer's computer gave it</th>"
	                "<th>Result</th></tr></thead>\n");
	for (i = 0; i < r->nsigs && i < env->nsigs; i++) {
		const struct ags_sig_report *sr = &r->sigs[i];
		const struct ags_signature *sig = &env->sigs[i];

		ags_time_format(when, sig->signer.time);
		ags_buf_printf(b, "<tr><td>%zu</td>", i + 1);
		signer_cell(b, sr, sig);
		ags_buf_printf(b, "<td class=\"mono\">%s</td><td>",
		               sig->key_id);
		ags_html_esc(b, ags_role_name(sig->signer.role));
		if (sig->is_countersignature)
			ags_buf_puts(b, " (countersignature: accepts the "
			                "signatures before it)");
		if (!sr->valid)
			ags_buf_puts(b, AGS_HTML_CLAIMED);
		ags_buf_printf(b, "</td><td>%s%s</td>", when,
		               sr->valid ? "" : AGS_HTML_CLAIMED);
		result_cell(b, sr);
		ags_buf_puts(b, "</tr>\n");
	}
	ags_buf_puts(b, "</table>\n");
}

/* Where a difference is, in the publisher's form and in the agreement. */
static void diff_place(struct ags_buf *b, const struct ags_template_diff *d)
{
	static const char *const kind[] = {
	        [AGS_TEMPLATE_CHANGED] = "Changed paragraph",
	        [AGS_TEMPLATE_REMOVED] = "Paragraph of the publisher's form "
	                                 "missing from the agreement",
	        [AGS_TEMPLATE_ADDED] = "Paragraph of the agreement that is not "
	                               "in the publisher's form"};

	ags_buf_puts(b, "<p><b>");
	if ((size_t)d->kind < sizeof(kind) / sizeof(kind[0]) && kind[d->kind])
		ags_buf_puts(b, kind[d->kind]);
	else
		ags_html_esc(b, ags_template_diff_kind_name(d->kind));
	ags_buf_puts(b, "</b>");
	if (d->template_paragraph)
		ags_buf_printf(b,
		               " \xC2\xB7 publisher's form: paragraph %zu "
		               "(line %ld)",
		               d->template_paragraph, d->template_line);
	if (d->agreement_paragraph)
		ags_buf_printf(b,
		               " \xC2\xB7 agreement: paragraph %zu (line %ld)",
		               d->agreement_paragraph, d->agreement_line);
	ags_buf_puts(b, "</p>");
}

static void diff_html(struct ags_buf *b, const struct ags_template_diff *d)
{
	static const char *const open[] = {[AGS_TEMPLATE_SAME] = "<span>",
	                                   [AGS_TEMPLATE_FIELD] =
	                                           "<span class=\"field\">",
	                                   [AGS_TEMPLATE_DELETED] = "<del>",
	                                   [AGS_TEMPLATE_INSERTED] = "<ins>"};
	static const char *const close[] = {[AGS_TEMPLATE_SAME] = "</span>",
	                                    [AGS_TEMPLATE_FIELD] = "</span>",
	                                    [AGS_TEMPLATE_DELETED] = "</del>",
	                                    [AGS_TEMPLATE_INSERTED] = "</ins>"};
	size_t i;

	ags_buf_puts(b, "<div class=\"diff\">");
	diff_place(b, d);
	ags_buf_puts(b, "<p>");
	for (i = 0; i < d->nsegs; i++) {
		const struct ags_template_seg *s = &d->segs[i];

		if (i)
			ags_buf_puts(b, " ");
		ags_buf_puts(b, open[s->op]);
		ags_html_esc(b, s->text);
		ags_buf_puts(b, close[s->op]);
	}
	ags_buf_puts(b, "</p></div>\n");
}

/* Which side is which: the publisher's form is the template. */
static void legend(struct ags_buf *b)
{
	ags_buf_puts(b, "<div class=\"legend\" id=\"legend\"><p><b>How to "
	                "read the comparison.</b> The <b>publisher's form</b> "
	                "is the template above, signed by the publisher; the "
	                "<b>agreement</b> is the file checked here.</p><ul>"
	                "<li><del>Struck through, in red</del>: words of the "
	                "publisher's form that the agreement does not "
	                "have.</li>"
	                "<li><ins>In green</ins>: words of the agreement that "
	                "the publisher's form does not have.</li>"
	                "<li><span class=\"field\">In blue</span>: a blank of "
	                "the publisher's form, filled in by the "
	                "agreement.</li>"
	                "<li>Plain: the same words in both.</li></ul></div>\n");
}

static void match_html(struct ags_buf *b, const struct ags_template_match *m)
{
	size_t i;

	if (m->matches) {
		ags_buf_puts(b, "<p class=\"good\" id=\"template-match\">The "
		                "agreement is the template with its fields "
		                "filled in.</p>\n<p>The blanks of the "
		                "publisher's form, as the agreement fills them "
		                "in:</p>\n<table class=\"fields\">\n");
		for (i = 0; i < m->nfields; i++)
			ags_html_row(b, m->fields[i].name, m->fields[i].value,
			             NULL);
		ags_buf_puts(b, "</table>\n");
		return;
	}
	ags_buf_printf(b,
	               "<p class=\"fail\" id=\"template-match\">The "
	               "agreement is not the template: %zu paragraph%s "
	               "differ%s.</p>\n",
	               m->ndiffs, m->ndiffs == 1 ? "" : "s",
	               m->ndiffs == 1 ? "s" : "");
	if (m->ndiffs)
		legend(b);
	for (i = 0; i < m->ndiffs; i++)
		diff_html(b, &m->diffs[i]);
	if (m->problem[0]) {
		ags_buf_puts(b, "<p>");
		ags_html_esc(b, m->problem);
		ags_buf_puts(b, "</p>\n");
	}
}

void ags_html_template(struct ags_buf *b, const struct ags_template_check *tc,
                       int shown)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];

	ags_hex_encode(hex, tc->sha512, AGS_DIGEST_BYTES);
	ags_buf_puts(b, "<h2>The publisher's form (template)</h2>\n");
	if (tc->verified) {
		ags_buf_puts(b, "<p class=\"good\" id=\"template\">Template "
		                "verified.</p>\n");
	} else {
		ags_buf_puts(b,
		             "<p class=\"fail\" id=\"template\">Template NOT "
		             "VERIFIED: ");
		ags_html_esc(b, tc->detail);
		ags_buf_puts(b, "</p>\n");
	}
	ags_buf_puts(b, "<table>\n");
	ags_html_row(b, "Template file", tc->text_path, "mono");
	ags_html_row(b, "Its signature file", tc->envelope_path, "mono");
	ags_html_row(b, "Template text digest (SHA-512)", hex, "mono");
	ags_buf_puts(b, "</table>\n<p>Signed by:</p>\n");
	ags_html_sigs(b, &tc->report, &tc->env);
	if (!tc->report.verified)
		return; /* no form to compare with */
	if (!shown)
		ags_buf_puts(b,
		             "<p class=\"claimed\" id=\"template-unsigned\">"
		             "The agreement's signatures did not verify: "
		             "what follows compares the agreement file as it "
		             "is now, not what was signed, with the "
		             "publisher's verified form.</p>\n");
	match_html(b, &tc->match);
}
