/* The HTML report (src/report_html.c): the verdict first, only verified
 * content, every input string escaped, nothing loaded from elsewhere. The
 * page as a browser renders it is tested by tests/e2e/e2e_report.sh. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"

#define T0 1795000000 /* 2026-11-18T10:13:20Z */

static const char evil[] = "<script>alert('x')</script> & \"q\"";
static const char evil_esc[] = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
                               "&gt; &amp; &quot;q&quot;";
static const char text[] = "The author grants the licence <b>now</b>.\n\n"
                           "Signed in good faith & in full.\n";

static struct ags_seckey *author;
static struct ags_trust trust;

static void setup(void)
{
	char b64[64], buf[512];

	ck_assert_int_eq(ags_seckey_generate(&author, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&author->pub, "Ada O'Hara",
	                                         NULL, NULL, NULL),
	                 AGS_OK);
	sodium_bin2base64(b64, sizeof(b64), author->pub.pk, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
	snprintf(buf, sizeof(buf),
	         "agreesign trust v1\n\"Ada O'Hara\" %s roles=author\n", b64);
	ags_trust_init(&trust);
	ck_assert_int_eq(ags_trust_parse(&trust, buf, strlen(buf), "t", NULL),
	                 AGS_OK);
}

static void teardown(void)
{
	ags_seckey_free(author);
	ags_trust_release(&trust);
}

static void signed_envelope(struct ags_envelope *env, const char *title)
{
	struct ags_signer s = {author->pub.name, NULL, NULL, AGS_ROLE_AUTHOR,
	                       T0};

	ags_envelope_init(env);
	ags_agreement_bind(&env->agreement, text, strlen(text));
	env->agreement.md.title = strdup(title);
	ck_assert_int_eq(ags_sign_append(env, author, &s, 0, NULL), AGS_OK);
}

/* What the page says of the run: the files, the keys and when. */
static const struct ags_report_context ctx = {
        .agreement = "a<b>.txt",
        .envelope = "a<b>.txt.sig.json",
        .keys = "/srv/trust/o'hara.trust",
        .keys_digested = 1,
        .keys_sha256 = {0xab, 0xcd, [31] = 0xef},
        .checked_at = T0 + 3600,
};
#define CTX_SHA256                                                             \
	"abcd"                                                                 \
	"0000000000000000000000000000000000000000000000000000000000ef"

/* The page for env over canon with policy p. */
static char *page(struct ags_report *r, const struct ags_envelope *env,
                  const char *canon, const struct ags_policy *p)
{
	char *html;

	ck_assert_int_eq(
	        ags_verify(r, env, canon, strlen(canon), &trust, p, NULL),
	        AGS_OK);
	html = ags_report_html(r, env, canon, strlen(canon), &ctx);
	ck_assert_ptr_nonnull(html);
	return html;
}

static void self_contained(const char *html)
{
	static const char *const never[] = {
	        "<script", "src=", "href=",   "url(",   "@import",
	        "<link",   "<img", "<iframe", "<object"};
	size_t i;

	ck_assert_msg(strncmp(html, "<!DOCTYPE html>", 15) == 0, "%.40s", html);
	ck_assert_ptr_nonnull(strstr(html, "Content-Security-Policy"));
	ck_assert_ptr_nonnull(strstr(html, "default-src 'none'"));
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(!strstr(html, never[i]), "page holds %s",
		              never[i]);
}

START_TEST(verified_page)
{
	struct ags_envelope env;
	struct ags_report r;
	char when[21], *html;

	signed_envelope(&env, "On Engines");
	html = page(&r, &env, text, NULL);
	ck_assert_int_eq(r.verified, 1);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "<section class=\"verdict ok\" "
	                                   "id=\"verdict\"><h1>Verified</h1>"));
	ck_assert_ptr_null(strstr(html, "NOT VERIFIED"));
	ck_assert_ptr_nonnull(strstr(html, "<td>On Engines</td>"));
	ck_assert_ptr_nonnull(strstr(html, "Ada O&#39;Hara"));
	ck_assert_ptr_nonnull(strstr(html, author->pub.key_id));
	ck_assert_int_eq(ags_time_format(when, T0), 0);
	ck_assert_ptr_nonnull(strstr(html, when));
	ck_assert_ptr_nonnull(strstr(html, ">author<"));
	/* the signed text, escaped, and the file name */
	ck_assert_ptr_nonnull(strstr(html, "licence &lt;b&gt;now&lt;/b&gt;."));
	ck_assert_ptr_nonnull(strstr(html, "good faith &amp; in full."));
	ck_assert_ptr_nonnull(strstr(html, "a&lt;b&gt;.txt"));
	/* the verdict comes first */
	ck_assert(strstr(html, "id=\"verdict\"") < strstr(html, "<h2>"));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(untrusted_strings_are_escaped)
{
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	signed_envelope(&env, evil);
	html = page(&r, &env, text, NULL);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, evil_esc));
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "alert('x')"));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

/* A text that is not the signed one: red, the reason, and neither the
 * title nor the text, which are now unverified claims. */
/* issue 15, item 8: the page of a changed agreement shows what the
 * envelope claims (title, signer, role, time, the signed digest against
 * the file's), inside the box of claims, each value marked as claimed;
 * the title never as a verified one. */
static void claims_marked(const char *html, const struct ags_envelope *env,
                          const char *file)
{
	static const char mark[] =
	        " <span class=\"claimed\">(claimed, not verified)</span>";
	const char *box = strstr(html, "id=\"claimed\"");
	char want[512], hex[129], when[21];
	uint8_t d[64];

	ck_assert_ptr_nonnull(box);
	ck_assert_ptr_nonnull(strstr(box, "What the signature file claims "
	                                  "(not verified)"));
	snprintf(want, sizeof(want), "<th>Title</th><td>On Engines%s</td>",
	         mark);
	ck_assert_ptr_nonnull(strstr(box, want));
	ck_assert_ptr_null(strstr(html, "<td>On Engines</td>"));
	ck_assert_ptr_null(strstr(html, "<title>NOT VERIFIED:"));
	/* the digest signed, claimed, against the file's */
	sodium_bin2hex(hex, sizeof(hex), env->agreement.text_sha512, 64);
	snprintf(want, sizeof(want),
	         "id=\"signed-digest\">%s</span>, %zu bytes%s", hex,
	         strlen(text), mark);
	ck_assert_ptr_nonnull(strstr(box, want));
	crypto_hash_sha512(d, (const unsigned char *)file, strlen(file));
	sodium_bin2hex(hex, sizeof(hex), d, 64);
	snprintf(want, sizeof(want), "id=\"file-digest\">%s</span>, %zu bytes",
	         hex, strlen(file));
	ck_assert_ptr_nonnull(strstr(box, want));
	ck_assert_ptr_nonnull(strstr(box, "DIFFERENT: this file's text is "
	                                  "not the text that was signed"));
	/* the signer's claims: name, role, time, each marked */
	snprintf(want, sizeof(want), "The signature names: Ada O&#39;Hara%s",
	         mark);
	ck_assert_ptr_nonnull(strstr(html, want));
	snprintf(want, sizeof(want), "<td>author%s</td>", mark);
	ck_assert_ptr_nonnull(strstr(html, want));
	ck_assert_int_eq(ags_time_format(when, T0), 0);
	snprintf(want, sizeof(want), "<td>%s%s</td>", when, mark);
	ck_assert_ptr_nonnull(strstr(html, want));
}

START_TEST(failed_page_says_so_first)
{
	static const char changed[] = "The author grants no licence.\n";
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	signed_envelope(&env, "On Engines");
	html = page(&r, &env, changed, NULL);
	ck_assert_int_eq(r.verified, 0);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "<section class=\"verdict bad\" "
	                                   "id=\"verdict\"><h1>NOT "
	                                   "VERIFIED</h1>"));
	ck_assert_ptr_nonnull(strstr(html, r.policy_detail));
	ck_assert(strstr(html, "NOT VERIFIED</h1>") < strstr(html, "<h2>"));
	/* the text of the file is never shown */
	ck_assert_ptr_null(strstr(html, "no licence"));
	ck_assert_ptr_nonnull(strstr(html, "agreement-changed"));
	ck_assert_ptr_nonnull(strstr(html, "<title>NOT VERIFIED \xE2\x80\x94"));
	ck_assert_ptr_null(strstr(html, "id=\"signed-text\""));
	claims_marked(html, &env, changed);
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

/* Authentic signatures, but a policy that fails: red, with the content. */
START_TEST(policy_failure_shows_content)
{
	struct ags_policy p = {0};
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	p.require_roles = AGS_ROLE_PUBLISHER;
	signed_envelope(&env, "On Engines");
	html = page(&r, &env, text, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_ptr_nonnull(strstr(html, "<h1>NOT VERIFIED</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "publisher"));
	ck_assert_ptr_nonnull(strstr(html, "<td>On Engines</td>"));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

static struct ags_template_check *fake_check(int matches)
{
	struct ags_template_check *tc = calloc(1, sizeof(*tc));
	struct ags_template_diff *d;

	ags_envelope_init(&tc->env);
	tc->text_path = strdup("form<1>.tmpl");
	tc->envelope_path = strdup("form<1>.tmpl.sig.json");
	tc->report.verified = 1;
	tc->report.text_matches = 1;
	tc->verified = matches;
	tc->match.matches = matches;
	if (matches) {
		tc->match.fields = calloc(1, sizeof(*tc->match.fields));
		tc->match.nfields = 1;
		tc->match.fields[0].name = strdup("title");
		tc->match.fields[0].value = strdup(evil);
		return tc;
	}
	snprintf(tc->detail, sizeof(tc->detail), "differs in 1 paragraph");
	d = tc->match.diffs = calloc(1, sizeof(*d));
	tc->match.ndiffs = 1;
	d->kind = AGS_TEMPLATE_CHANGED;
	d->template_paragraph = d->agreement_paragraph = 2;
	d->template_line = d->agreement_line = 3;
	d->first_words = strdup("The author");
	d->segs = calloc(3, sizeof(*d->segs));
	d->nsegs = 3;
	d->segs[0] = (struct ags_template_seg){AGS_TEMPLATE_SAME,
	                                       strdup("The author")};
	d->segs[1] = (struct ags_template_seg){AGS_TEMPLATE_DELETED,
	                                       strdup("grants")};
	d->segs[2] = (struct ags_template_seg){AGS_TEMPLATE_INSERTED,
	                                       strdup("<i>sells</i>")};
	return tc;
}

/* issue 15, item 8: a changed agreement with a signed template: the
 * differences from the publisher's form are shown, said to be of the
 * file as it is, with the legend. */
START_TEST(changed_agreement_against_template)
{
	static const char changed[] = "The author sells the licence.\n";
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	signed_envelope(&env, "On Engines");
	ck_assert_int_eq(ags_verify(&r, &env, changed, strlen(changed), &trust,
	                            NULL, NULL),
	                 AGS_OK);
	ags_report_set_template(&r, fake_check(0));
	html = ags_report_html(&r, &env, changed, strlen(changed), &ctx);
	ck_assert_ptr_nonnull(html);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "<h1>NOT VERIFIED</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"claimed\""));
	ck_assert_ptr_nonnull(strstr(html, "id=\"template-unsigned\""));
	ck_assert_ptr_nonnull(strstr(html, "id=\"legend\""));
	ck_assert_ptr_nonnull(strstr(html,
	                             "<del>grants</del> "
	                             "<ins>&lt;i&gt;sells&lt;/i&gt;</ins>"));
	ck_assert_ptr_null(strstr(html, "id=\"signed-text\""));
	free(html);
	/* a template whose own envelope did not verify: no comparison */
	ags_report_release(&r);
	ck_assert_int_eq(ags_verify(&r, &env, changed, strlen(changed), &trust,
	                            NULL, NULL),
	                 AGS_OK);
	{
		struct ags_template_check *tc = fake_check(0);

		tc->report.verified = 0;
		ags_report_set_template(&r, tc);
	}
	html = ags_report_html(&r, &env, changed, strlen(changed), &ctx);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "<del>grants"));
	ck_assert_ptr_null(strstr(html, "id=\"legend\""));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

/* issue 15, item 9: what was checked, against which keys (path and
 * SHA-256), when, and what a verdict proves, in plain words. */
START_TEST(what_was_checked)
{
	struct ags_report_context pub = ctx;
	struct ags_envelope env;
	struct ags_report r;
	char want[256], when[21], *html;
	static const char *const jargon[] = {"text/v1",     "policy",
	                                     "Key id",      "key id",
	                                     "trust store", "canonical"};
	size_t i;

	signed_envelope(&env, "On Engines");
	html = page(&r, &env, text, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<h2>What was checked</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "the keys listed in the trust file "
	                                   "<span class=\"mono\" "
	                                   "id=\"keys-path\">/srv/trust/"
	                                   "o&#39;hara.trust</span>"));
	ck_assert_ptr_nonnull(strstr(html, "SHA-256 digest of that file"));
	ck_assert_ptr_nonnull(
	        strstr(html, "id=\"keys-sha256\">" CTX_SHA256 "</span>"));
	ck_assert_int_eq(ags_time_format(when, T0 + 3600), 0);
	snprintf(want, sizeof(want), "id=\"checked-at\">%s (UTC)</td>", when);
	ck_assert_ptr_nonnull(strstr(html, want));
	ck_assert_ptr_nonnull(strstr(html, "a&lt;b&gt;.txt.sig.json"));
	ck_assert_ptr_nonnull(strstr(html, "agreesign " AGS_VERSION));
	ck_assert_ptr_nonnull(strstr(html, "It does not prove who holds that "
	                                   "key."));
	ck_assert_ptr_nonnull(strstr(html, "Signing times are claims"));
	ck_assert_ptr_nonnull(strstr(html, "<th>Key fingerprint</th>"));
	for (i = 0; i < sizeof(jargon) / sizeof(jargon[0]); i++)
		ck_assert_msg(!strstr(html, jargon[i]), "the page says %s",
		              jargon[i]);
	free(html);
	ags_report_release(&r);
	/* -p: one public key file */
	pub.keys_pub = 1;
	pub.keys_digested = 0;
	ck_assert_int_eq(
	        ags_verify(&r, &env, text, strlen(text), &trust, NULL, NULL),
	        AGS_OK);
	html = ags_report_html(&r, &env, text, strlen(text), &pub);
	ck_assert_ptr_nonnull(strstr(html, "only the public key in the file "));
	ck_assert_ptr_null(strstr(html, "keys-sha256"));
	free(html);
	/* no context: no such section */
	html = ags_report_html(&r, &env, text, strlen(text), NULL);
	ck_assert_ptr_null(strstr(html, "id=\"check\""));
	ck_assert_ptr_null(strstr(html, "checked-at"));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

/* issue 15, item 9: a signer's e-mail and ORCID, from the trust store,
 * when it has them (ags_trust_release frees them on the branch that
 * reads them: here they are freed by hand). */
START_TEST(signer_email_and_orcid)
{
	struct ags_trust_entry *e = &trust.entries[0];
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	e->email = strdup("ada@example.org");
	e->orcid = strdup("0000-0002-1825-0097");
	signed_envelope(&env, "On Engines");
	html = page(&r, &env, text, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"signer\">Ada "
	                                   "O&#39;Hara<br>E-mail: "
	                                   "ada@example.org<br>ORCID: "
	                                   "0000-0002-1825-0097</td>"));
	free(html);
	ags_report_release(&r);
	free(e->email);
	e->email = strdup(evil);
	free(e->orcid);
	e->orcid = NULL;
	html = page(&r, &env, text, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<br>E-mail: "));
	ck_assert_ptr_nonnull(strstr(html, evil_esc));
	ck_assert_ptr_null(strstr(html, "ORCID: "));
	free(html);
	ags_report_release(&r);
	free(e->email);
	e->email = NULL;
	ags_envelope_release(&env);
}
END_TEST

START_TEST(template_section)
{
	struct ags_envelope env;
	struct ags_report r;
	char *html;

	signed_envelope(&env, "On Engines");
	ck_assert_int_eq(
	        ags_verify(&r, &env, text, strlen(text), &trust, NULL, NULL),
	        AGS_OK);
	ags_report_set_template(&r, fake_check(1));
	ck_assert_int_eq(r.verified, 1);
	html = ags_report_html(&r, &env, text, strlen(text), NULL);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "Template verified."));
	ck_assert_ptr_nonnull(strstr(html, "form&lt;1&gt;.tmpl"));
	ck_assert_ptr_nonnull(strstr(html, "<th>title</th><td>"));
	ck_assert_ptr_nonnull(strstr(html, evil_esc));
	free(html);
	ags_report_set_template(&r, fake_check(0));
	ck_assert_int_eq(r.verified, 0);
	html = ags_report_html(&r, &env, text, strlen(text), NULL);
	ck_assert_ptr_nonnull(strstr(html, "<h1>NOT VERIFIED</h1><p "
	                                   "id=\"reason\">Reason: template: "
	                                   "differs in 1 paragraph"));
	ck_assert_ptr_nonnull(strstr(html,
	                             "<del>grants</del> "
	                             "<ins>&lt;i&gt;sells&lt;/i&gt;</ins>"));
	ck_assert_ptr_nonnull(
	        strstr(html, "publisher's form: paragraph 2 (line 3)"));
	/* issue 15, item 9: a legend says which side is the publisher's */
	ck_assert_ptr_nonnull(strstr(html, "id=\"legend\""));
	ck_assert_ptr_nonnull(strstr(html, "The <b>publisher's form</b> is the "
	                                   "template above, signed by the "
	                                   "publisher"));
	ck_assert_ptr_nonnull(strstr(html, "<del>Struck through, in red</del>: "
	                                   "words of the publisher's form"));
	ck_assert(strstr(html, "id=\"legend\"") < strstr(html, "<del>grants"));
	ck_assert_ptr_null(strstr(html, "id=\"template-unsigned\""));
	free(html);
	ags_report_release(&r);
	ags_envelope_release(&env);
}
END_TEST

/* A run that could not be completed: red, the error escaped, and nothing
 * that would pass for a verified page. */
START_TEST(error_page)
{
	char *html = ags_report_html_error(evil, &ctx);

	ck_assert_ptr_nonnull(html);
	self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "<section class=\"verdict bad\" "
	                                   "id=\"verdict\"><h1>NOT "
	                                   "VERIFIED</h1><p id=\"reason\">"
	                                   "Reason: the verification could not "
	                                   "be completed: "));
	ck_assert_ptr_nonnull(strstr(html, evil_esc));
	ck_assert_ptr_nonnull(strstr(html, "a&lt;b&gt;.txt"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"checked-at\""));
	ck_assert_ptr_nonnull(strstr(html, "<title>NOT VERIFIED \xE2\x80\x94"));
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "Verified<"));
	ck_assert_ptr_null(strstr(html, "verdict ok"));
	free(html);
	html = ags_report_html_error(NULL, NULL);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(strstr(html, "<h1>NOT VERIFIED</h1>"));
	free(html);
}
END_TEST

/* No control, C1 control or bidi control reaches the page as itself
 * (issue 13, item 7): each is shown as \u{NNNN} (or \xNN), in the title,
 * the signed text (whose line breaks and tabs stay), an attachment's
 * name, the file name, a template's path and field, a trusted identity
 * and the reasons. */
static const char hazard[] = "x\xc2\x9b"
                             "2J\xe2\x80\xae"
                             "fdp\x1b.exe";
static const char hazard_shown[] = "x\\u{009b}2J\\u{202e}fdp\\x1b.exe";

static void no_raw_hazard(const char *html)
{
	ck_assert_ptr_null(strstr(html, "\xc2\x9b"));
	ck_assert_ptr_null(strstr(html, "\xe2\x80\xae"));
	ck_assert_ptr_null(strchr(html, 0x1b));
	ck_assert_ptr_nonnull(strstr(html, hazard_shown));
}

START_TEST(controls_are_shown_escaped)
{
	static const char body[] = "Clause x\xc2\x9b"
	                           "2J\xe2\x80\xae"
	                           "fdp\x1b.exe one.\n\tIndented.\n";
	struct ags_signer s = {author->pub.name, NULL, NULL, AGS_ROLE_AUTHOR,
	                       T0};
	struct ags_template_check *tc = fake_check(1);
	struct ags_envelope env;
	struct ags_trust other;
	struct ags_report r;
	char b64[64], buf[512], *html;

	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, body, strlen(body));
	env.agreement.md.title = strdup("On Engines");
	env.agreement.attachments = calloc(1, sizeof(struct ags_attachment));
	env.agreement.attachments[0].name = strdup("paper.pdf");
	env.agreement.nattachments = 1;
	ck_assert_int_eq(ags_sign_append(&env, author, &s, 0, NULL), AGS_OK);
	ck_assert_int_eq(
	        ags_verify(&r, &env, body, strlen(body), &trust, NULL, NULL),
	        AGS_OK);
	/* tests/ holds no paper.pdf: missing, the verdict stands */
	ck_assert_int_eq(ags_verify_attachments(&r, &env, ".", NULL), AGS_OK);
	/* text fields cannot hold C0 or C1 controls (a signer refuses them),
	 * but the page must not rely on it: given as the renderer gets them */
	free(env.agreement.md.title);
	env.agreement.md.title = strdup(hazard);
	free(env.agreement.attachments[0].name);
	env.agreement.attachments[0].name = strdup(hazard);
	free(tc->text_path);
	tc->text_path = strdup(hazard);
	free(tc->match.fields[0].value);
	tc->match.fields[0].value = strdup(hazard);
	ags_report_set_template(&r, tc);
	ck_assert_int_eq(r.verified, 1);
	{
		struct ags_report_context c = ctx;

		c.agreement = hazard;
		c.keys = hazard;
		html = ags_report_html(&r, &env, body, strlen(body), &c);
	}
	ck_assert_ptr_nonnull(html);
	no_raw_hazard(html);
	ck_assert_ptr_nonnull(strstr(html, "<td>x\\u{009b}")); /* title */
	ck_assert_ptr_nonnull(strstr(html, "Attached file x\\u{009b}"));
	ck_assert_ptr_nonnull(strstr(html, "exe one.\n\tIndented."));
	ck_assert_ptr_nonnull(strstr(html, "<th>Agreement file</th><td "
	                                   "class=\"mono\">x\\u{009b}"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"keys-path\">x\\u{009b}"));
	free(html);
	ags_report_release(&r);
	/* the same key under an identity with controls: name mismatch */
	free(env.agreement.md.title);
	env.agreement.md.title = strdup("On Engines");
	free(env.agreement.attachments[0].name);
	env.agreement.attachments[0].name = strdup("paper.pdf");
	sodium_bin2base64(b64, sizeof(b64), author->pub.pk, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
	snprintf(buf, sizeof(buf),
	         "agreesign trust v1\n\"x\xc2\xa0\xe2\x80\xae"
	         "y\" %s\n",
	         b64);
	ck_assert_int_eq(ags_trust_parse(&other, buf, strlen(buf), "t", NULL),
	                 AGS_OK);
	ck_assert_int_eq(
	        ags_verify(&r, &env, body, strlen(body), &other, NULL, NULL),
	        AGS_OK);
	ck_assert_int_eq(r.verified, 0);
	html = ags_report_html(&r, &env, body, strlen(body), NULL);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(
	        strstr(html, "<td class=\"signer\">x\xc2\xa0\\u{202e}y<br>"));
	ck_assert_ptr_nonnull(strstr(html, "identity is &quot;x\xc2\xa0"
	                                   "\\u{202e}y&quot;"));
	free(html);
	ags_report_release(&r);
	ags_trust_release(&other);
	ags_envelope_release(&env);
}
END_TEST

Suite *report_html_suite(void)
{
	Suite *s = suite_create("report_html");
	TCase *tc = tcase_create("report_html");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, verified_page);
	tcase_add_test(tc, untrusted_strings_are_escaped);
	tcase_add_test(tc, failed_page_says_so_first);
	tcase_add_test(tc, policy_failure_shows_content);
	tcase_add_test(tc, template_section);
	tcase_add_test(tc, changed_agreement_against_template);
	tcase_add_test(tc, what_was_checked);
	tcase_add_test(tc, signer_email_and_orcid);
	tcase_add_test(tc, error_page);
	tcase_add_test(tc, controls_are_shown_escaped);
	suite_add_tcase(s, tc);
	return s;
}
