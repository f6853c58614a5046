/* Signed templates: an agreement is checked against a template only when
 * the template's text is the one a trusted publisher signed
 * (spec/templates.md, "Signed templates"). Their JSON is written by
 * report/report.c, their memory freed with the report that owns
 * them (op/verify.c). */
#include "template_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_SUFFIX ".sig.json"

/* The template file: text when given, else envelope path e less
 * ".sig.json". *out is malloc'd. */
static enum ags_err text_path(char **out, const char *text, const char *e,
                              struct ags_error *err)
{
	size_t n = strlen(e), k = strlen(SIG_SUFFIX);

	if (!text && (n <= k || strcmp(e + n - k, SIG_SUFFIX) != 0))
		return ags_error_set(err, AGS_ERR_INVALID, e, 0, 0,
		                     "the template's envelope is not named "
		                     "TEMPLATE" SIG_SUFFIX
		                     ": name the template text");
	*out = text ? ags_strndup(text, strlen(text)) : ags_strndup(e, n - k);
	if (!*out)
		return ags_error_set(err, AGS_ERR_NOMEM, e, 0, 0,
		                     "out of memory");
	return AGS_OK;
}

/* Reads and canonicalizes the template file. */
static enum ags_err load_text(char **canon, size_t *len, const char *path,
                              struct ags_error *err)
{
	char *raw = NULL;
	size_t rlen = 0;
	enum ags_err rc;

	rc = ags_file_read(&raw, &rlen, path, AGS_TEXT_MAX, err);
	if (rc == AGS_OK)
		rc = ags_canon_text(canon, len, (const uint8_t *)raw, rlen,
		                    path, err);
	free(raw);
	return rc;
}

/* The verdict, and why not. */
static void judge(struct ags_template_check *tc)
{
	const struct ags_report *r = &tc->report;
	size_t i;

	for (i = 0; i < r->nsigs; i++)
		if (!r->sigs[i].valid)
			break;
	if (!r->text_matches)
		ags_bounded(tc->detail, sizeof(tc->detail),
		            "the template file is not the template that was "
		            "signed");
	else if (i < r->nsigs)
		ags_bounded(tc->detail, sizeof(tc->detail),
		            "the template's signature %zu is not valid: %s",
		            i + 1, r->sigs[i].detail);
	else if (!r->verified)
		ags_bounded(tc->detail, sizeof(tc->detail),
		            "the template's envelope does not verify: %s",
		            r->policy_detail);
	else if (!tc->match.matches && tc->match.ndiffs)
		ags_bounded(tc->detail, sizeof(tc->detail),
		            "the agreement differs from the template in %zu "
		            "paragraph%s",
		            tc->match.ndiffs, tc->match.ndiffs == 1 ? "" : "s");
	else if (!tc->match.matches)
		ags_bounded(tc->detail, sizeof(tc->detail),
		            "the agreement does not match the template: %s",
		            tc->match.problem);
	else
		tc->verified = 1;
}

static enum ags_err check(struct ags_template_check *tc, const char *canon,
                          size_t canon_len, const struct ags_trust *trust,
                          struct ags_error *err)
{
	struct ags_policy policy = {0};
	struct ags_template *t = NULL;
	char *tcanon = NULL;
	size_t tlen = 0;
	enum ags_err rc;

	policy.require_roles = AGS_ROLE_PUBLISHER;
	policy.no_default_author = 1;
	policy.expect_template = 1;
	rc = ags_envelope_load(&tc->env, tc->envelope_path, err);
	if (rc == AGS_OK)
		rc = load_text(&tcanon, &tlen, tc->text_path, err);
	if (rc == AGS_OK)
		rc = ags_template_parse(&t, tcanon, tlen, tc->text_path, err);
	if (rc == AGS_OK) {
		crypto_hash_sha512(tc->sha512, (const unsigned char *)tcanon,
		                   tlen);
		tc->length = tlen;
		rc = ags_verify(&tc->report, &tc->env, tcanon, tlen, trust,
		                &policy, err);
	}
	if (rc == AGS_OK)
		rc = ags_template_match(&tc->match, t, canon, canon_len, err);
	if (rc == AGS_OK)
		judge(tc);
	ags_template_free(t);
	free(tcanon);
	return rc;
}

enum ags_err ags_template_verify(struct ags_template_check **out,
                                 const char *envelope_path, const char *tpath,
                                 const char *canon, size_t canon_len,
                                 const struct ags_trust *trust,
                                 struct ags_error *err)
{
	struct ags_template_check *tc;
	enum ags_err rc;

	*out = NULL;
	if (!envelope_path || !trust || (!canon && canon_len))
		return ags_error_set(err, AGS_ERR_INVALID, "template", 0, 0,
		                     "no template envelope, trust store or "
		                     "agreement text");
	if (!(tc = calloc(1, sizeof(*tc))))
		return ags_error_set(err, AGS_ERR_NOMEM, envelope_path, 0, 0,
		                     "out of memory");
	ags_envelope_init(&tc->env);
	tc->envelope_path = ags_strndup(envelope_path, strlen(envelope_path));
	rc = text_path(&tc->text_path, tpath, envelope_path, err);
	if (rc == AGS_OK && !tc->envelope_path)
		rc = ags_error_set(err, AGS_ERR_NOMEM, envelope_path, 0, 0,
		                   "out of memory");
	if (rc == AGS_OK)
		rc = check(tc, canon, canon_len, trust, err);
	if (rc != AGS_OK) {
		ags_template_check_free(tc);
		return rc;
	}
	*out = tc;
	return AGS_OK;
}

void ags_report_set_template(struct ags_report *r,
                             struct ags_template_check *tc)
{
	if (r->tmpl != tc)
		ags_template_check_free(r->tmpl);
	r->tmpl = tc;
	if (tc && !tc->verified && r->verified) {
		r->verified = 0;
		ags_bounded(r->policy_detail, sizeof(r->policy_detail),
		            "template: %s", tc->detail);
	}
}
