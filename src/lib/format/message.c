/* The signed message (spec §5): AGS_SIG_PREFIX and its NUL byte, then the
 * JCS (RFC 8785) of {"countersigns"?, "signer", "statement"}.
 *
 * It is written straight from the envelope's structs rather than through a
 * jansson tree and the general serializer of jcs.c: building and sorting
 * the tree cost four times what writing the bytes does, once per
 * signature verified. Every key is ASCII, so JCS's UTF-16 key order is
 * byte order, and each object below writes its members in that order.
 * Strings get JCS's escapes and UTF-8 check (jcs.c); integers its I-JSON
 * bound. tests/check_message.c checks the bytes against ags_jcs_serialize
 * of the tree statement.c builds, for every shape a statement can have. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg {
	struct ags_buf b;
	const char *bad; /* the first field JCS cannot write, or NULL */
};

static void lit(struct msg *m, const char *s)
{
	ags_buf_puts(&m->b, s);
}

/* "key": (after a comma unless it is the object's first member). Keys are
 * ours, plain ASCII, never escaped. */
static void key(struct msg *m, const char *k, int *first)
{
	if (!*first)
		ags_buf_put(&m->b, ",", 1);
	*first = 0;
	ags_buf_put(&m->b, "\"", 1);
	ags_buf_puts(&m->b, k);
	ags_buf_put(&m->b, "\":", 2);
}

/* A JSON string; unescaped runs go out in one copy. */
static void text(struct msg *m, const char *what, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, n = strlen(s), k;
	const char *esc;
	uint32_t cp;
	char tmp[8];

	ags_buf_put(&m->b, "\"", 1);
	while (i < n) {
		if (u[i] >= 0x80) {
			if ((k = ags_utf8_next(u + i, n - i, &cp)) != 0) {
				i += k;
				continue;
			}
			if (!m->bad)
				m->bad = what;
			break;
		}
		if ((u[i] >= 0x20 && u[i] != '"' && u[i] != '\\') ||
		    !(esc = ags_jcs_escape(u[i], tmp))) {
			i++; /* the common case: no escape */
			continue;
		}
		ags_buf_put(&m->b, s + run, i - run);
		ags_buf_puts(&m->b, esc);
		run = ++i;
	}
	ags_buf_put(&m->b, s + run, n - run);
	ags_buf_put(&m->b, "\"", 1);
}

/* A string member; none when s is NULL (statement.c leaves those out). */
static void member_text(struct msg *m, const char *k, const char *s, int *first)
{
	if (!s)
		return;
	key(m, k, first);
	text(m, k, s);
}

static void member_int(struct msg *m, const char *k, uint64_t v, int *first)
{
	char num[24];

	if (v > (uint64_t)AGS_JCS_INT_MAX && !m->bad)
		m->bad = k;
	snprintf(num, sizeof(num), "%" PRIu64, v);
	key(m, k, first);
	lit(m, num);
}

static void member_hex(struct msg *m, const char *k, const uint8_t *b, size_t n,
                       int *first)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];

	ags_hex_encode(hex, b, n);
	member_text(m, k, hex, first);
}

/* Members in byte order of their keys (a NULL value is left out). */
static void metadata(struct msg *m, const struct ags_metadata *md)
{
	const char *keys[AGS_NMETADATA], *vals[AGS_NMETADATA];
	size_t i;
	int first = 1;

	ags_metadata_sorted(md, keys, vals);
	lit(m, "{");
	for (i = 0; i < AGS_NMETADATA; i++)
		member_text(m, keys[i], vals[i], &first);
	lit(m, "}");
}

static void attachments(struct msg *m, const struct ags_agreement *a)
{
	size_t i;

	lit(m, "[");
	for (i = 0; i < a->nattachments; i++) {
		const struct ags_attachment *at = &a->attachments[i];
		int first = 1;
		lit(m, i ? ",{" : "{");
		member_int(m, "length", at->length, &first);
		member_text(m, "name", at->name, &first);
		member_hex(m, "sha512", at->sha512, AGS_DIGEST_BYTES, &first);
		lit(m, "}");
	}
	lit(m, "]");
}

static void statement(struct msg *m, const struct ags_agreement *a)
{
	int first = 1;

	lit(m, "{");
	if (a->nattachments) {
		key(m, "attachments", &first);
		attachments(m, a);
	}
	member_text(m, "canonicalization", AGS_FORMAT_CANON, &first);
	member_text(m, "kind", a->is_template ? "template" : NULL, &first);
	key(m, "metadata", &first);
	metadata(m, &a->md);
	member_int(m, "text_length", a->text_length, &first);
	member_hex(m, "text_sha512", a->text_sha512, AGS_DIGEST_BYTES, &first);
	lit(m, "}");
}

static void signer(struct msg *m, const struct ags_signer *s)
{
	char when[21];
	int first = 1;

	if (ags_time_format(when, s->time) != 0 && !m->bad)
		m->bad = "time";
	lit(m, "{");
	member_text(m, "email", s->email, &first);
	member_text(m, "name", s->name, &first);
	member_text(m, "orcid", s->orcid, &first);
	member_text(m, "role", ags_role_name(s->role), &first);
	member_text(m, "time", when, &first);
	lit(m, "}");
}

static void covers(struct msg *m, const struct ags_signature *sig)
{
	size_t i;

	lit(m, "[");
	for (i = 0; i < sig->ncovers; i++) {
		int first = 1;
		lit(m, i ? ",{" : "{");
		member_text(m, "key_id", sig->covers[i].key_id, &first);
		member_hex(m, "signature_sha512",
		           sig->covers[i].signature_sha512, AGS_DIGEST_BYTES,
		           &first);
		lit(m, "}");
	}
	lit(m, "]");
}

enum ags_err ags_signed_message(uint8_t **out, size_t *out_len,
                                const struct ags_envelope *env, size_t idx,
                                struct ags_error *err)
{
	const struct ags_signature *sig = &env->sigs[idx];
	struct msg m = {{NULL, 0, 0, 0}, NULL};
	int first = 1;

	*out = NULL;
	ags_buf_reserve(&m.b, 1024); /* most statements: one allocation */
	/* The prefix's terminating NUL is part of the message. */
	ags_buf_put(&m.b, AGS_SIG_PREFIX, AGS_SIG_PREFIX_LEN);
	lit(&m, "{");
	if (sig->is_countersignature) {
		key(&m, "countersigns", &first);
		covers(&m, sig);
	}
	key(&m, "signer", &first);
	signer(&m, &sig->signer);
	key(&m, "statement", &first);
	statement(&m, &env->agreement);
	lit(&m, "}");
	if (m.bad) {
		ags_buf_release(&m.b);
		return ags_error_set(err, AGS_ERR_FORMAT, "", 0, 0,
		                     "%s cannot be signed: invalid UTF-8 or a "
		                     "value out of range",
		                     m.bad);
	}
	*out = (uint8_t *)ags_buf_take(&m.b, out_len);
	return *out ? AGS_OK
	            : ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
	                            "out of memory");
}
