/* Edits of a trust file as text: a new entry is one more line, a
 * revocation adds options to the key's line. Everything else (comments,
 * blank lines, order, spacing) stays byte for byte. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable text buffer. */
struct text {
	char *p;
	size_t len, cap;
	int failed;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->failed = 1;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* "value" with \" and \\ escaped, as the trust file reads it. */
static void put_quoted(struct text *t, const char *s)
{
	put(t, "\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			put(t, "\\", 1);
		put(t, s, 1);
	}
	put(t, "\"", 1);
}

static void put_time(struct text *t, const char *name, int64_t when)
{
	char buf[21];

	if (ags_time_format(buf, when) != 0)
		return;
	put(t, " ", 1);
	puts_(t, name);
	put(t, "=", 1);
	puts_(t, buf);
}

static void put_roles(struct text *t, unsigned roles)
{
	const char *sep = " roles=";
	unsigned bit;

	for (bit = AGS_ROLE_AUTHOR; bit <= AGS_ROLE_PUBLISHER; bit <<= 1)
		if (roles & bit) {
			puts_(t, sep);
			puts_(t, ags_role_name((enum ags_role)bit));
			sep = ",";
		}
}

/* Parses the result so that an edit can never leave a broken file. */
static enum ags_err finish(char **out, size_t *out_len, struct text *t,
                           const char *source, struct ags_error *err)
{
	struct ags_trust check;
	enum ags_err rc;

	if (t->failed) {
		free(t->p);
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	}
	rc = ags_trust_parse(&check, t->p, t->len, source, err);
	ags_trust_release(&check);
	if (rc != AGS_OK) {
		free(t->p);
		return rc;
	}
	*out = t->p;
	*out_len = t->len;
	return AGS_OK;
}

enum ags_err ags_trust_add(char **out, size_t *out_len, const char *buf,
                           size_t len, const struct ags_pubkey *pub,
                           unsigned roles, int64_t valid_after,
                           int64_t valid_before, const char *source,
                           struct ags_error *err)
{
	struct ags_trust t;
	struct text txt = {0};
	char *b64 = ags_b64_encode(pub->pk, AGS_PUBLICKEY_BYTES);
	const struct ags_trust_entry *dup;
	enum ags_err rc = AGS_OK;

	*out = NULL;
	ags_trust_init(&t);
	if (len > 0)
		rc = ags_trust_parse(&t, buf, len, source, err);
	if (rc == AGS_OK && (dup = ags_trust_find(&t, pub->pk)) != NULL)
		rc = ags_error_set(err, AGS_ERR_EXISTS, source, dup->line, 0,
		                   "key %s is already listed", pub->key_id);
	ags_trust_release(&t);
	if (rc == AGS_OK &&
	    (!b64 || roles == 0 || (roles & ~(unsigned)AGS_ROLE_ALL)))
		rc = ags_error_set(err, b64 ? AGS_ERR_INVALID : AGS_ERR_NOMEM,
		                   source, 0, 0, "no valid role given");
	if (rc != AGS_OK) {
		free(b64);
		return rc;
	}
	if (len == 0)
		puts_(&txt, AGS_FORMAT_TRUST "\n");
	else
		put(&txt, buf, len);
	put_quoted(&txt, pub->name);
	put(&txt, " ", 1);
	puts_(&txt, b64);
	put_roles(&txt, roles);
	if (valid_after != INT64_MIN)
		put_time(&txt, "valid-after", valid_after);
	if (valid_before != INT64_MAX)
		put_time(&txt, "valid-before", valid_before);
	put(&txt, "\n", 1);
	free(b64);
	return finish(out, out_len, &txt, source, err);
}

/* The bytes of line number `line` (1-based) of buf: start and length. */
static const char *line_at(const char *buf, size_t len, long line, size_t *n)
{
	const char *p = buf, *end = buf + len, *nl;

	while (--line > 0 && (nl = memchr(p, '\n', (size_t)(end - p))))
		p = nl + 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	*n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

static const struct ags_trust_entry *by_key_id(const struct ags_trust *t,
                                               const char *key_id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->entries[i].key_id, key_id) == 0)
			return &t->entries[i];
	return NULL;
}

enum ags_err ags_trust_revoke(char **out, size_t *out_len, const char *buf,
                              size_t len, const char *key_id, int64_t when,
                              const char *reason, const char *source,
                              struct ags_error *err)
{
	struct ags_trust t;
	const struct ags_trust_entry *e;
	struct text txt = {0};
	const char *line;
	size_t n;
	enum ags_err rc;

	*out = NULL;
	if (ags_field_check(reason, strlen(reason)))
		return ags_error_set(err, AGS_ERR_INVALID, "--reason", 0, 0,
		                     "%s",
		                     ags_field_check(reason, strlen(reason)));
	rc = ags_trust_parse(&t, buf, len, source, err);
	if (rc != AGS_OK)
		return rc;
	e = by_key_id(&t, key_id);
	if (!e || e->revoked) {
		rc = ags_error_set(err, AGS_ERR_INVALID, source,
		                   e ? e->line : 0, 0,
		                   e ? "key %s is already revoked"
		                     : "no key %s in the trust file",
		                   key_id);
		ags_trust_release(&t);
		return rc;
	}
	line = line_at(buf, len, e->line, &n);
	ags_trust_release(&t);
	put(&txt, buf, (size_t)(line - buf) + n);
	put_time(&txt, "revoked", when);
	puts_(&txt, " reason=");
	put_quoted(&txt, reason);
	put(&txt, line + n, len - (size_t)(line - buf) - n);
	return finish(out, out_len, &txt, source, err);
}
