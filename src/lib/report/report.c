/* The verification report as JSON: the one shape scripts read, from
 * `verify --json` and from batch runs alike. Built only from what was
 * verified or is labelled as the signer's claim. The JSON of a template
 * match and check lives here too: a report holds a template check, which
 * holds the report of the template's own envelope, so the two writers call
 * each other and belong in one file. */
#include "template_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

json_t *ags_json_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	json_t *j = json_string(s);
	char *out, *o;
	size_t len, i = 0, n;
	uint32_t cp;

	if (j || !s)
		return j;
	len = strlen(s);
	out = o = malloc(4 * len + 1);
	if (!out)
		return NULL;
	while (i < len) {
		if ((n = ags_utf8_next(u + i, len - i, &cp)) == 0) {
			snprintf(o, 5, "\\x%02x", u[i++]);
			o += 4;
		} else {
			memcpy(o, u + i, n);
			o += n;
			i += n;
		}
	}
	*o = '\0';
	j = json_string(out);
	free(out);
	return j;
}

/* Text from an input, or null. Through ags_json_text, so that a string
 * that is not UTF-8 is shown, not turned into a failure that would pass
 * for "out of memory". */
static json_t *opt_string(const char *s)
{
	return s ? ags_json_text(s) : json_null();
}

static json_t *text_json(const struct ags_report *r,
                         const struct ags_agreement *a)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *o = json_object();

	ags_hex_encode(hex, a->text_sha512, AGS_DIGEST_BYTES);
	if (!o || set(o, "canonicalization", json_string(AGS_FORMAT_CANON)) ||
	    set(o, "sha512", json_string(hex)) ||
	    set(o, "length", json_integer((json_int_t)a->text_length)) ||
	    set(o, "matches", json_boolean(r->text_matches))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The proven time as a §1.3 time into buf (21 bytes), or NULL. */
static const char *proven(char *buf, const struct ags_sig_report *sr)
{
	if (sr->token != AGS_TOKEN_VALID)
		return NULL;
	ags_time_format(buf, sr->proven_time);
	return buf;
}

/* null without a token; else its result, the TSA and why it failed. */
static json_t *token_json(const struct ags_sig_report *sr)
{
	json_t *o;

	if (sr->token == AGS_TOKEN_NONE)
		return json_null();
	o = json_object();
	if (!o ||
	    set(o, "result", json_string(ags_token_status_name(sr->token))) ||
	    set(o, "tsa", opt_string(sr->tsa ? sr->tsa->name : NULL)) ||
	    set(o, "detail",
	        opt_string(sr->token_detail[0] ? sr->token_detail : NULL))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sig_json(const struct ags_sig_report *sr,
                        const struct ags_signature *sig, size_t idx)
{
	const struct ags_signer *s = &sig->signer;
	json_t *o = json_object();
	char when[21];

	ags_time_format(when, s->time);
	if (!o || set(o, "index", json_integer((json_int_t)idx + 1)) ||
	    set(o, "key_id", json_string(sig->key_id)) ||
	    set(o, "trusted_identity",
	        opt_string(sr->trusted ? sr->trusted->identity : NULL)) ||
	    set(o, "claimed_name", ags_json_text(s->name)) ||
	    set(o, "claimed_email", opt_string(s->email)) ||
	    set(o, "claimed_orcid", opt_string(s->orcid)) ||
	    set(o, "role", json_string(ags_role_name(s->role))) ||
	    set(o, "claimed_time", json_string(when)) ||
	    set(o, "countersignature",
	        json_boolean(sig->is_countersignature)) ||
	    set(o, "result", json_string(ags_sig_result_name(sr))) ||
	    set(o, "reason", json_string(ags_reason_name(sr->reason))) ||
	    set(o, "detail",
	        opt_string(sr->valid && !sr->revoked_later ? NULL
	                                                   : sr->detail)) ||
	    set(o, "proven_time", opt_string(proven(when, sr))) ||
	    set(o, "timestamp", token_json(sr))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *attachments_json(const struct ags_report *r,
                                const struct ags_agreement *a)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *arr = json_array(), *o;
	size_t i;

	for (i = 0; arr && i < a->nattachments; i++) {
		enum ags_attach_status st = i < r->nattachments
		                                    ? r->attachments[i]
		                                    : AGS_ATTACH_UNCHECKED;
		ags_hex_encode(hex, a->attachments[i].sha512, AGS_DIGEST_BYTES);
		o = json_object();
		if (!o ||
		    set(o, "name", ags_json_text(a->attachments[i].name)) ||
		    set(o, "length",
		        json_integer((json_int_t)a->attachments[i].length)) ||
		    set(o, "sha512", json_string(hex)) ||
		    set(o, "status", json_string(ags_attach_status_name(st))) ||
		    json_array_append_new(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ags_report_json(const struct ags_report *r,
                        const struct ags_envelope *env)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	if (!o || !arr || set(o, "verified", json_boolean(r->verified)) ||
	    set(o, "result",
	        json_string(r->verified ? "verified" : "not-verified")) ||
	    set(o, "reason",
	        opt_string(r->verified ? NULL : r->policy_detail)) ||
	    set(o, "text", text_json(r, &env->agreement)) ||
	    set(o, "metadata", ags_metadata_to_json(&env->agreement.md)) ||
	    set(o, "attachments", attachments_json(r, &env->agreement)) ||
	    (r->tmpl && set(o, "template", ags_template_check_json(r->tmpl))))
		goto fail;
	for (i = 0; i < r->nsigs; i++)
		if (json_array_append_new(
		            arr, sig_json(&r->sigs[i], &env->sigs[i], i)))
			goto fail;
	if (set(o, "signatures", arr) == 0)
		return o;
	arr = NULL;
fail:
	json_decref(arr);
	json_decref(o);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Template matches and checks (spec/templates.md, "Output").
 */

/* A paragraph number or line, null when 0. */
static json_t *count(size_t n)
{
	return n ? json_integer((json_int_t)n) : json_null();
}

/* The texts of the segments of kind op, as an array. */
static json_t *runs(const struct ags_template_diff *d,
                    enum ags_template_seg_op op)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < d->nsegs; i++)
		if (d->segs[i].op == op &&
		    json_array_append_new(a, json_string(d->segs[i].text))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *segs_json(const struct ags_template_diff *d)
{
	json_t *a = json_array(), *s;
	size_t i;

	for (i = 0; a && i < d->nsegs; i++) {
		s = json_object();
		if (!s ||
		    set(s, "op",
		        json_string(ags_template_seg_op_name(d->segs[i].op))) ||
		    set(s, "text", json_string(d->segs[i].text)) ||
		    json_array_append_new(a, s)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *diff_json(const struct ags_template_diff *d)
{
	json_t *o = json_object();

	if (!o ||
	    set(o, "kind", json_string(ags_template_diff_kind_name(d->kind))) ||
	    set(o, "template_paragraph", count(d->template_paragraph)) ||
	    set(o, "template_line", count((size_t)d->template_line)) ||
	    set(o, "agreement_paragraph", count(d->agreement_paragraph)) ||
	    set(o, "agreement_line", count((size_t)d->agreement_line)) ||
	    set(o, "first_words", json_string(d->first_words)) ||
	    set(o, "removed", runs(d, AGS_TEMPLATE_DELETED)) ||
	    set(o, "added", runs(d, AGS_TEMPLATE_INSERTED)) ||
	    set(o, "words", segs_json(d))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ags_template_match_json(const struct ags_template_match *m)
{
	json_t *o = json_object(), *f = json_object(), *d = json_array();
	size_t i;

	if (!o || !f || !d)
		goto fail;
	for (i = 0; i < m->nfields; i++)
		if (set(f, m->fields[i].name, json_string(m->fields[i].value)))
			goto fail;
	for (i = 0; i < m->ndiffs; i++)
		if (json_array_append_new(d, diff_json(&m->diffs[i])))
			goto fail;
	if (set(o, "matches", json_boolean(m->matches)) ||
	    set(o, "problem",
	        m->problem[0] ? ags_json_text(m->problem) : json_null()))
		goto fail;
	if (set(o, "fields", f)) {
		f = NULL;
		goto fail;
	}
	f = NULL;
	if (set(o, "differences", d) == 0)
		return o;
	d = NULL;
fail:
	json_decref(f);
	json_decref(d);
	json_decref(o);
	return NULL;
}

json_t *ags_template_check_json(const struct ags_template_check *tc)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *o = json_object();

	ags_hex_encode(hex, tc->sha512, AGS_DIGEST_BYTES);
	if (!o || set(o, "verified", json_boolean(tc->verified)) ||
	    set(o, "reason",
	        tc->verified ? json_null() : ags_json_text(tc->detail)) ||
	    set(o, "file", ags_json_text(tc->text_path)) ||
	    set(o, "envelope", ags_json_text(tc->envelope_path)) ||
	    set(o, "canonicalization", json_string(AGS_FORMAT_CANON)) ||
	    set(o, "sha512", json_string(hex)) ||
	    set(o, "length", json_integer((json_int_t)tc->length)) ||
	    set(o, "signed", ags_report_json(&tc->report, &tc->env)) ||
	    set(o, "match", ags_template_match_json(&tc->match))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
