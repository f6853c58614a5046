/* Edits of a trust file as text: a new entry is one more line, a
 * revocation adds options to the key's line, a removal deletes the line,
 * a change rewrites it in canonical form. Everything else (comments,
 * blank lines, order, spacing) stays byte for byte. A v1 file is first
 * upgraded to v2 (spec §9.3): its header replaced and `key ` put in front
 * of each entry line. */
#include "trust_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of line number `line` (1-based) of buf: start and length. */
const char *ags_trust_edit_line_at(const char *buf, size_t len, long line,
                                   size_t *n)
{
	const char *p = buf, *end = buf + len, *nl;

	while (--line > 0 && (nl = memchr(p, '\n', (size_t)(end - p))))
		p = nl + 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	*n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

/* The file to edit, parsed (t) and as v2 text (b): a copy of buf, or its
 * upgrade when it is v1, or a bare header when it is new (len 0). Line
 * numbers are the same in both. */
enum ags_err ags_trust_edit_open(struct ags_trust *t, struct ags_buf *b,
                                 const char *buf, size_t len,
                                 const char *source, struct ags_error *err)
{
	const char *p = buf, *end = buf + len, *nl;
	enum ags_err rc = AGS_OK;
	long line;
	size_t i = 0;

	ags_trust_init(t);
	memset(b, 0, sizeof(*b));
	if (len > 0 && (rc = ags_trust_parse(t, buf, len, source, err)) != 0)
		return rc;
	if (t->version == 2) {
		ags_buf_put(b, buf, len);
		return AGS_OK;
	}
	ags_buf_reserve(b, len + 4 * t->n + 2);
	ags_buf_puts(b, AGS_FORMAT_TRUST "\n");
	if (len > 0)
		p = (const char *)memchr(buf, '\n', len) + 1;
	for (line = 2; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (i < t->n && t->entries[i].line == line) {
			ags_buf_puts(b, "key ");
			i++;
		}
		ags_buf_put(b, p, (size_t)(nl - p) + 1);
	}
	return AGS_OK;
}

/* Parses the result, every key's Ed25519 checks included, so that an edit
 * can never leave a broken file nor write a key a lookup would refuse. */
enum ags_err ags_trust_edit_finish(char **out, size_t *out_len,
                                   struct ags_buf *b, const char *source,
                                   struct ags_error *err)
{
	struct ags_trust check;
	size_t len = 0;
	char *text = ags_buf_take(b, &len);
	enum ags_err rc;

	if (!text)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	rc = ags_trust_parse(&check, text, len, source, err);
	if (rc == AGS_OK)
		rc = ags_trust_check_keys(&check, err);
	ags_trust_release(&check);
	if (rc != AGS_OK) {
		free(text);
		return rc;
	}
	*out = text;
	*out_len = len;
	return AGS_OK;
}

/* Appends the canonical line of e to b. */
static void put_key_line(struct ags_buf *b, const struct ags_trust_entry *e)
{
	char *line = ags_trust_key_line(e);

	if (!line)
		b->failed = 1;
	else
		ags_buf_puts(b, line);
	free(line);
}

enum ags_err ags_trust_add(char **out, size_t *out_len, const char *buf,
                           size_t len, const struct ags_pubkey *pub,
                           unsigned roles, int64_t valid_after,
                           int64_t valid_before, const char *source,
                           struct ags_error *err)
{
	struct ags_trust t;
	struct ags_buf b;
	struct ags_trust_entry e;
	const struct ags_trust_entry *dup;
	enum ags_err rc;

	*out = NULL;
	rc = ags_trust_edit_open(&t, &b, buf, len, source, err);
	if (rc == AGS_OK && (dup = ags_trust_find(&t, pub->pk)) != NULL)
		rc = ags_error_set(err, AGS_ERR_EXISTS, source, dup->line, 0,
		                   "key %s is already listed", pub->key_id);
	ags_trust_release(&t);
	if (rc == AGS_OK && (roles == 0 || (roles & ~(unsigned)AGS_ROLE_ALL)))
		rc = ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                   "no valid role given");
	if (rc != AGS_OK) {
		ags_buf_release(&b);
		return rc;
	}
	memset(&e, 0, sizeof(e));
	memcpy(e.pk, pub->pk, AGS_PUBLICKEY_BYTES);
	e.identity = pub->name;
	e.email = pub->email;
	e.orcid = pub->orcid;
	e.roles = roles;
	e.valid_after = valid_after;
	e.valid_before = valid_before;
	put_key_line(&b, &e);
	return ags_trust_edit_finish(out, out_len, &b, source, err);
}

enum ags_err ags_trust_add_entries(char **out, size_t *out_len, const char *buf,
                                   size_t len, const struct ags_trust_entry *e,
                                   size_t n, const char *source,
                                   struct ags_error *err)
{
	struct ags_trust t;
	struct ags_buf b;
	const struct ags_trust_entry *dup;
	enum ags_err rc;
	size_t i, j;

	*out = NULL;
	rc = ags_trust_edit_open(&t, &b, buf, len, source, err);
	for (i = 0; rc == AGS_OK && i < n; i++) {
		if ((dup = ags_trust_find(&t, e[i].pk)) != NULL)
			rc = ags_error_set(
			        err, AGS_ERR_EXISTS, source, dup->line, 0,
			        "key %s is already listed", dup->key_id);
		for (j = 0; rc == AGS_OK && j < i; j++)
			if (memcmp(e[j].pk, e[i].pk, AGS_PUBLICKEY_BYTES) == 0)
				rc = ags_error_set(err, AGS_ERR_EXISTS, source,
				                   0, 0, "a key given twice");
		if (rc == AGS_OK &&
		    (e[i].roles == 0 || (e[i].roles & ~(unsigned)AGS_ROLE_ALL)))
			rc = ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
			                   "no valid role given");
		if (rc == AGS_OK)
			put_key_line(&b, &e[i]);
	}
	ags_trust_release(&t);
	if (rc != AGS_OK) {
		ags_buf_release(&b);
		return rc;
	}
	return ags_trust_edit_finish(out, out_len, &b, source, err);
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

/* Opens the file for an edit of the record of key_id (refused when there
 * is none): *e points into t. */
static enum ags_err open_record(struct ags_trust *t, struct ags_buf *b,
                                const struct ags_trust_entry **e,
                                const char *buf, size_t len, const char *key_id,
                                const char *source, struct ags_error *err)
{
	enum ags_err rc = ags_trust_edit_open(t, b, buf, len, source, err);

	if (rc == AGS_OK && !(*e = by_key_id(t, key_id)))
		rc = ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                   "no key %s in the trust file", key_id);
	if (rc != AGS_OK) {
		ags_trust_release(t);
		ags_buf_release(b);
	}
	return rc;
}

/* Replaces line `line` of b (without its LF) by the n bytes at with. */
void ags_trust_edit_replace_line(struct ags_buf *b, long line, const char *with,
                                 size_t n)
{
	struct ags_buf nb = {0};
	size_t old_n;
	const char *old = ags_trust_edit_line_at(b->s, b->len, line, &old_n);
	size_t before = (size_t)(old - b->s);

	ags_buf_put(&nb, b->s, before);
	ags_buf_put(&nb, with, n);
	ags_buf_put(&nb, old + old_n, b->len - before - old_n);
	if (b->failed)
		nb.failed = 1;
	ags_buf_release(b);
	*b = nb;
}

enum ags_err ags_trust_revocation_init(struct ags_trust_revocation *r,
                                       int64_t when, const char *reason,
                                       struct ags_error *err)
{
	const char *why = ags_field_check(reason, strlen(reason));

	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, "--reason", 0, 0,
		                     "%s", why);
	if (ags_time_format(r->stamp, when) != 0)
		return ags_error_set(err, AGS_ERR_INVALID, "--time", 0, 0,
		                     "time out of range");
	r->reason = reason;
	return AGS_OK;
}

void ags_trust_revoked_line(struct ags_buf *to, const char *old, size_t n,
                            const void *ctx)
{
	const struct ags_trust_revocation *r = ctx;

	ags_buf_put(to, old, n);
	ags_buf_puts(to, " revoked=");
	ags_buf_puts(to, r->stamp);
	ags_buf_puts(to, " reason=");
	ags_trust_put_quoted(to, r->reason);
}

enum ags_err ags_trust_edit_line(char **out, size_t *out_len,
                                 struct ags_trust *t, struct ags_buf *b,
                                 long line, const char *refused,
                                 ags_trust_line_maker make, const void *ctx,
                                 const char *source, struct ags_error *err)
{
	struct ags_buf made = {0};
	const char *old;
	size_t n;

	ags_trust_release(t);
	if (refused) {
		ags_buf_release(b);
		return ags_error_set(err, AGS_ERR_INVALID, source, line, 0,
		                     "%s", refused);
	}
	old = ags_trust_edit_line_at(b->s, b->len, line, &n);
	make(&made, old, n, ctx);
	if (made.failed)
		b->failed = 1;
	else
		ags_trust_edit_replace_line(b, line, made.s, made.len);
	ags_buf_release(&made);
	return ags_trust_edit_finish(out, out_len, b, source, err);
}

enum ags_err ags_trust_revoke(char **out, size_t *out_len, const char *buf,
                              size_t len, const char *key_id, int64_t when,
                              const char *reason, const char *source,
                              struct ags_error *err)
{
	struct ags_trust_revocation r;
	const struct ags_trust_entry *e;
	struct ags_trust t;
	struct ags_buf b;
	char refused[AGS_KEYID_HEX + 32] = "";
	enum ags_err rc;

	*out = NULL;
	rc = ags_trust_revocation_init(&r, when, reason, err);
	if (rc == AGS_OK)
		rc = open_record(&t, &b, &e, buf, len, key_id, source, err);
	if (rc != AGS_OK)
		return rc;
	if (e->revoked)
		snprintf(refused, sizeof(refused), "key %s is already revoked",
		         key_id);
	return ags_trust_edit_line(out, out_len, &t, &b, e->line,
	                           refused[0] ? refused : NULL,
	                           ags_trust_revoked_line, &r, source, err);
}

enum ags_err ags_trust_remove(char **out, size_t *out_len, const char *buf,
                              size_t len, const char *key_id,
                              const char *source, struct ags_error *err)
{
	struct ags_trust t;
	struct ags_buf b, nb = {0};
	const struct ags_trust_entry *e;
	const char *old;
	size_t n;
	enum ags_err rc;

	*out = NULL;
	rc = open_record(&t, &b, &e, buf, len, key_id, source, err);
	if (rc != AGS_OK)
		return rc;
	/* the line and its LF */
	old = ags_trust_edit_line_at(b.s, b.len, e->line, &n);
	ags_buf_put(&nb, b.s, (size_t)(old - b.s));
	ags_buf_put(&nb, old + n + 1, b.len - (size_t)(old - b.s) - n - 1);
	if (b.failed)
		nb.failed = 1;
	ags_buf_release(&b);
	ags_trust_release(&t);
	return ags_trust_edit_finish(out, out_len, &nb, source, err);
}

/* Checks the new values of a change; NULL or why not. */
const char *ags_trust_change_invalid(const struct ags_trust_change *ch)
{
	if (ch->name && ags_field_check(ch->name, strlen(ch->name)))
		return "name is not a valid text field";
	if (ch->email && *ch->email &&
	    (ags_field_check(ch->email, strlen(ch->email)) ||
	     ags_email_check(ch->email)))
		return "not a valid e-mail address";
	if (ch->orcid && *ch->orcid &&
	    (ags_field_check(ch->orcid, strlen(ch->orcid)) ||
	     ags_orcid_check(ch->orcid)))
		return "not a valid ORCID iD";
	if (ch->roles & ~(unsigned)AGS_ROLE_ALL)
		return "no valid role given";
	return NULL;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* e with the change applied (its strings borrowed from e and ch); 1 when
 * that differs from e. */
int ags_trust_change_apply(struct ags_trust_entry *to,
                           const struct ags_trust_entry *e,
                           const struct ags_trust_change *ch)
{
	*to = *e;
	if (ch->name)
		to->identity = (char *)ch->name;
	if (ch->email)
		to->email = *ch->email ? (char *)ch->email : NULL;
	if (ch->orcid)
		to->orcid = *ch->orcid ? (char *)ch->orcid : NULL;
	if (ch->roles)
		to->roles = ch->roles;
	if (ch->change_after)
		to->valid_after = ch->valid_after;
	if (ch->change_before)
		to->valid_before = ch->valid_before;
	return !same_text(to->identity, e->identity) ||
	       !same_text(to->email, e->email) ||
	       !same_text(to->orcid, e->orcid) || to->roles != e->roles ||
	       to->valid_after != e->valid_after ||
	       to->valid_before != e->valid_before;
}

enum ags_err ags_trust_set(char **out, size_t *out_len, const char *buf,
                           size_t len, const char *key_id,
                           const struct ags_trust_change *ch,
                           const char *source, struct ags_error *err)
{
	struct ags_trust t;
	struct ags_buf b;
	const struct ags_trust_entry *e;
	struct ags_trust_entry to;
	const char *why = ags_trust_change_invalid(ch);
	char *line = NULL;
	enum ags_err rc;

	*out = NULL;
	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0, "%s",
		                     why);
	rc = open_record(&t, &b, &e, buf, len, key_id, source, err);
	if (rc != AGS_OK)
		return rc;
	if (e->revoked)
		why = "the key is revoked, and a revocation is final (remove "
		      "the key and add it again to trust it anew)";
	else if (!ags_trust_change_apply(&to, e, ch))
		why = "nothing to change";
	else if (to.valid_after >= to.valid_before)
		why = "valid-after must be before valid-before";
	else if (!(line = ags_trust_key_line(&to)))
		b.failed = 1;
	if (why)
		rc = ags_error_set(err, AGS_ERR_INVALID, source, e->line, 0,
		                   "key %s: %s", key_id, why);
	else if (line)
		ags_trust_edit_replace_line(&b, e->line, line,
		                            strlen(line) - 1);
	free(line);
	ags_trust_release(&t);
	if (rc != AGS_OK) {
		ags_buf_release(&b);
		return rc;
	}
	return ags_trust_edit_finish(out, out_len, &b, source, err);
}
