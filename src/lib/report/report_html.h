/* Shared by the two files of the HTML report (report_html.c: the page;
 * report_html_sigs.c: the signatures and the template); not part of the
 * API. The page is described in spec/templates.md, "The HTML report". */
#ifndef AGS_REPORT_HTML_H
#define AGS_REPORT_HTML_H

#include "internal.h"

#include <string.h>

/* s escaped for HTML and in its display form (spec §10.5); nothing for
 * NULL. Inline, as the next: both files use them, and a function of one
 * file called by the other both ways would make a cycle (make arch). */
static inline void ags_html_esc(struct ags_buf *b, const char *s)
{
	if (s)
		ags_buf_put_html(b, s, strlen(s));
}

/* <tr><th>label</th><td class=cls>v</td></tr>; nothing when v is NULL. */
static inline void ags_html_row(struct ags_buf *b, const char *label,
                                const char *v, const char *cls)
{
	if (!v)
		return;
	ags_buf_puts(b, "<tr><th>");
	ags_html_esc(b, label);
	ags_buf_puts(b, cls ? "</th><td class=\"" : "</th><td");
	if (cls) {
		ags_html_esc(b, cls);
		ags_buf_puts(b, "\"");
	}
	ags_buf_puts(b, ">");
	ags_html_esc(b, v);
	ags_buf_puts(b, "</td></tr>\n");
}

/* The words that mark a value read from the envelope that did not
 * verify. */
#define AGS_HTML_CLAIMED                                                       \
	" <span class=\"claimed\">(claimed, not verified)</span>"

/* One row per signature of env (r's results): the signer as the trust
 * store names it (with its e-mail and ORCID), the key fingerprint, the
 * role and claimed time, and the result in words; for a signature that
 * did not verify, what it claims, marked as claimed. */
void ags_html_sigs(struct ags_buf *b, const struct ags_report *r,
                   const struct ags_envelope *env);
/* The template section: its verdict, file, digest and signatures, and
 * the agreement against it (a legend, then the fields or differences)
 * when the template's envelope verified. shown: the agreement's own
 * signatures verified (else the comparison is said to be of the file as
 * it is, not of what was signed). */
void ags_html_template(struct ags_buf *b, const struct ags_template_check *tc,
                       int shown);

#endif
