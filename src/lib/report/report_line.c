/* A batch result as one JSON line, written straight from the report: the
 * bytes ags_json_dumps_sorted gives for the tree of ags_verify_item
 * (ags_report_json plus the entry's line, paths and id), without building,
 * sorting and freeing that tree, which cost three times what writing the
 * bytes does, once per entry.
 *
 * Members go out in memcmp order of their keys, the order of the tree's
 * dump. A string made only of printable ASCII other than '"' and '\\' and
 * of valid UTF-8 without a code point of ags_output_hazard is written as
 * it is, which is what the dump does; any other string (rare: a bidi
 * control in a name, a control character in a path) is escaped by
 * ags_json_dumps_sorted itself, so there is one set of escaping rules.
 * What the tree would write differently (a string that is not UTF-8,
 * which ags_json_text rewrites, or a template check) is left to the tree:
 * AGS_ERR_FORMAT. tests/check_report_line.c compares both for every shape
 * of result. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct line {
	struct ags_buf b;
	int tree; /* 1: only the tree can write this result */
};

static void put(struct line *l, const char *s, size_t n)
{
	ags_buf_put(&l->b, s, n);
}

static void lit(struct line *l, const char *s)
{
	ags_buf_puts(&l->b, s);
}

/* "key": after a comma unless first. Our keys need no escape. */
static void key(struct line *l, const char *k, int *first)
{
	if (!*first)
		put(l, ",", 1);
	*first = 0;
	put(l, "\"", 1);
	lit(l, k);
	put(l, "\":", 2);
}

/* The length of s when the dump writes it as it is (no byte below 0x20,
 * no '"', '\\' or DEL, only valid UTF-8, no code point the dump escapes);
 * else (size_t)-1. */
static size_t plain(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = 0, k; /* n: the length, once needed */
	uint32_t cp;

	for (;;) {
		while (u[i] >= 0x20 && u[i] < 0x7F && u[i] != '"' &&
		       u[i] != '\\')
			i++;
		if (u[i] == 0)
			return i;
		if (u[i] < 0x80)
			return (size_t)-1;
		if (n == 0)
			n = i + strlen(s + i);
		if ((k = ags_utf8_next(u + i, n - i, &cp)) == 0 ||
		    ags_output_hazard(cp))
			return (size_t)-1;
		i += k;
	}
}

/* A string, escaped as ags_json_dumps_sorted escapes it: by it, as the
 * one element of an array, brackets dropped. */
static void escaped(struct line *l, const char *s)
{
	json_t *arr = json_array(), *str = json_string(s);
	char *text;
	size_t n = 0;

	if (!str) { /* not UTF-8: the tree writes its own text for it */
		l->tree = 1;
		json_decref(arr);
		return;
	}
	text = arr && json_array_append_new(arr, str) == 0
	               ? ags_json_dumps_sorted(arr, &n)
	               : (json_decref(str), NULL);
	json_decref(arr);
	if (!text || n < 2)
		l->b.failed = 1;
	else
		put(l, text + 1, n - 2);
	free(text);
}

static void str(struct line *l, const char *s)
{
	size_t n;

	if (!s) {
		put(l, "null", 4);
		return;
	}
	if ((n = plain(s)) == (size_t)-1) {
		escaped(l, s);
		return;
	}
	put(l, "\"", 1);
	put(l, s, n);
	put(l, "\"", 1);
}

static void m_str(struct line *l, const char *k, const char *s, int *first)
{
	key(l, k, first);
	str(l, s);
}

/* jansson's integers are long long: what the tree holds is the cast. */
static void m_int(struct line *l, const char *k, long long v, int *first)
{
	char num[24], *p = num + sizeof(num);
	unsigned long long u =
	        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--p = '-';
	key(l, k, first);
	put(l, p, (size_t)(num + sizeof(num) - p));
}

static void m_bool(struct line *l, const char *k, int v, int *first)
{
	key(l, k, first);
	lit(l, v ? "true" : "false");
}

static void m_hex(struct line *l, const char *k, const uint8_t *b, int *first)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];

	ags_hex_encode(hex, b, AGS_DIGEST_BYTES);
	m_str(l, k, hex, first);
}

static void attachments(struct line *l, const struct ags_report *r,
                        const struct ags_agreement *a)
{
	size_t i;

	lit(l, "[");
	for (i = 0; i < a->nattachments; i++) {
		enum ags_attach_status st = i < r->nattachments
		                                    ? r->attachments[i]
		                                    : AGS_ATTACH_UNCHECKED;
		int first = 1;
		lit(l, i ? ",{" : "{");
		m_int(l, "length", (long long)a->attachments[i].length, &first);
		m_str(l, "name", a->attachments[i].name, &first);
		m_hex(l, "sha512", a->attachments[i].sha512, &first);
		m_str(l, "status", ags_attach_status_name(st), &first);
		lit(l, "}");
	}
	lit(l, "]");
}

/* The metadata object leaves out absent fields (ags_metadata_to_json). */
static void metadata(struct line *l, const struct ags_metadata *md)
{
	const char *keys[AGS_NMETADATA], *vals[AGS_NMETADATA];
	size_t i;
	int first = 1;

	ags_metadata_sorted(md, keys, vals);
	lit(l, "{");
	for (i = 0; i < AGS_NMETADATA; i++)
		if (vals[i])
			m_str(l, keys[i], vals[i], &first);
	lit(l, "}");
}

/* "timestamp": null without a token, else its result, TSA and why. */
static void token(struct line *l, const struct ags_sig_report *sr, int *first)
{
	int inner = 1;

	if (sr->token == AGS_TOKEN_NONE) {
		m_str(l, "timestamp", NULL, first);
		return;
	}
	key(l, "timestamp", first);
	lit(l, "{");
	m_str(l, "detail", sr->token_detail[0] ? sr->token_detail : NULL,
	      &inner);
	m_str(l, "result", ags_token_status_name(sr->token), &inner);
	m_str(l, "tsa", sr->tsa ? sr->tsa->name : NULL, &inner);
	lit(l, "}");
}

static void signature(struct line *l, const struct ags_sig_report *sr,
                      const struct ags_signature *sig, size_t idx)
{
	const struct ags_signer *s = &sig->signer;
	char when[21], proven[21];
	int first = 1;

	ags_time_format(when, s->time);
	lit(l, "{");
	m_str(l, "claimed_email", s->email, &first);
	m_str(l, "claimed_name", s->name, &first);
	m_str(l, "claimed_orcid", s->orcid, &first);
	m_str(l, "claimed_time", when, &first);
	m_bool(l, "countersignature", sig->is_countersignature, &first);
	m_str(l, "detail", sr->valid && !sr->revoked_later ? NULL : sr->detail,
	      &first);
	m_int(l, "index", (long long)idx + 1, &first);
	m_str(l, "key_id", sig->key_id, &first);
	if (sr->token == AGS_TOKEN_VALID)
		ags_time_format(proven, sr->proven_time);
	m_str(l, "proven_time", sr->token == AGS_TOKEN_VALID ? proven : NULL,
	      &first);
	m_str(l, "reason", ags_reason_name(sr->reason), &first);
	m_str(l, "result", ags_sig_result_name(sr), &first);
	m_str(l, "role", ags_role_name(s->role), &first);
	token(l, sr, &first);
	m_str(l, "trusted_identity", sr->trusted ? sr->trusted->identity : NULL,
	      &first);
	lit(l, "}");
}

static void text(struct line *l, const struct ags_report *r,
                 const struct ags_agreement *a)
{
	int first = 1;

	lit(l, "{");
	m_str(l, "canonicalization", AGS_FORMAT_CANON, &first);
	m_int(l, "length", (long long)a->text_length, &first);
	m_bool(l, "matches", r->text_matches, &first);
	m_hex(l, "sha512", a->text_sha512, &first);
	lit(l, "}");
}

static void result(struct line *l, const struct ags_report *r,
                   const struct ags_envelope *env,
                   const struct ags_batch_item *it)
{
	size_t i;
	int first = 1;

	lit(l, "{");
	m_str(l, "agreement", it->agreement, &first);
	key(l, "attachments", &first);
	attachments(l, r, &env->agreement);
	m_str(l, "envelope", it->envelope, &first);
	if (it->id)
		m_str(l, "id", it->id, &first);
	if (it->line) /* 0: an entry of a folder, which has no lines */
		m_int(l, "line", (long long)it->line, &first);
	key(l, "metadata", &first);
	metadata(l, &env->agreement.md);
	m_str(l, "reason", r->verified ? NULL : r->policy_detail, &first);
	m_str(l, "result", r->verified ? "verified" : "not-verified", &first);
	key(l, "signatures", &first);
	lit(l, "[");
	for (i = 0; i < r->nsigs; i++) {
		if (i)
			lit(l, ",");
		signature(l, &r->sigs[i], &env->sigs[i], i);
	}
	lit(l, "]");
	key(l, "text", &first);
	text(l, r, &env->agreement);
	m_bool(l, "verified", r->verified, &first);
	lit(l, "}");
}

enum ags_err ags_report_line(char **out, size_t *len,
                             const struct ags_report *r,
                             const struct ags_envelope *env,
                             const struct ags_batch_item *it)
{
	struct line l = {{NULL, 0, 0, 0}, 0};

	*out = NULL;
	if (r->tmpl || !it->agreement || !it->envelope)
		return AGS_ERR_FORMAT;
	/* A result is about 1 KB: one allocation holds most. */
	ags_buf_reserve(&l.b, 2048);
	result(&l, r, env, it);
	if (l.tree) {
		ags_buf_release(&l.b);
		return AGS_ERR_FORMAT;
	}
	*out = ags_buf_take(&l.b, len);
	return *out ? AGS_OK : AGS_ERR_NOMEM;
}
