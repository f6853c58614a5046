/* Edits of the `tsa` records of a text trust file (spec §9.3, §9.4): a
 * new record is its canonical line appended, a revocation adds options to
 * the record's line, a removal deletes the line. Like the key edits they
 * keep every other byte, upgrade a v1 file first, and parse the result. */
#include "trust_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record of t named name, or NULL. */
static const struct ags_trust_tsa *by_name(const struct ags_trust *t,
                                           const char *name)
{
	size_t i;

	for (i = 0; i < t->ntsa; i++)
		if (strcmp(t->tsa[i].name, name) == 0)
			return &t->tsa[i];
	return NULL;
}

/* A record of t with a's name or certificate (the file-wide rule of
 * §9.4), or NULL; *what says which. */
static const struct ags_trust_tsa *same_tsa(const struct ags_trust *t,
                                            const struct ags_trust_tsa *a,
                                            const char **what)
{
	const struct ags_trust_tsa *o = by_name(t, a->name);
	size_t i;

	*what = "name";
	for (i = 0; !o && i < t->ntsa; i++)
		if (t->tsa[i].cert_len == a->cert_len &&
		    memcmp(t->tsa[i].cert, a->cert, a->cert_len) == 0) {
			o = &t->tsa[i];
			*what = "certificate";
		}
	return o;
}

enum ags_err ags_trust_add_tsa(char **out, size_t *out_len, const char *buf,
                               size_t len, const struct ags_trust_tsa *a,
                               const char *source, struct ags_error *err)
{
	const char *why = ags_trust_tsa_invalid(a), *what;
	const struct ags_trust_tsa *dup;
	struct ags_trust t;
	struct ags_buf b;
	char *line;
	enum ags_err rc;

	*out = NULL;
	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "tsa \"%s\": %s", a->name ? a->name : "",
		                     why);
	rc = ags_trust_edit_open(&t, &b, buf, len, source, err);
	if (rc == AGS_OK && (dup = same_tsa(&t, a, &what)) != NULL)
		rc = ags_error_set(
		        err, AGS_ERR_EXISTS, source, dup->line, 0,
		        "the TSA's %s is already listed (tsa \"%s\")", what,
		        dup->name);
	ags_trust_release(&t);
	if (rc != AGS_OK) {
		ags_buf_release(&b);
		return rc;
	}
	if (!(line = ags_trust_tsa_line(a)))
		b.failed = 1;
	else
		ags_buf_puts(&b, line);
	free(line);
	return ags_trust_edit_finish(out, out_len, &b, source, err);
}

/* Opens the file for an edit of the tsa record named name (refused when
 * there is none): *a points into t. */
static enum ags_err open_tsa(struct ags_trust *t, struct ags_buf *b,
                             const struct ags_trust_tsa **a, const char *buf,
                             size_t len, const char *name, const char *source,
                             struct ags_error *err)
{
	enum ags_err rc = ags_trust_edit_open(t, b, buf, len, source, err);

	if (rc == AGS_OK && !(*a = by_name(t, name)))
		rc = ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                   "no tsa \"%s\" in the trust file", name);
	if (rc != AGS_OK) {
		ags_trust_release(t);
		ags_buf_release(b);
	}
	return rc;
}

enum ags_err ags_trust_revoke_tsa(char **out, size_t *out_len, const char *buf,
                                  size_t len, const char *name, int64_t when,
                                  const char *reason, const char *source,
                                  struct ags_error *err)
{
	struct ags_trust_revocation r;
	const struct ags_trust_tsa *a;
	struct ags_trust t;
	struct ags_buf b;
	char refused[AGS_FIELD_MAX + 32] = "";
	enum ags_err rc;

	*out = NULL;
	rc = ags_trust_revocation_init(&r, when, reason, err);
	if (rc == AGS_OK)
		rc = open_tsa(&t, &b, &a, buf, len, name, source, err);
	if (rc != AGS_OK)
		return rc;
	if (a->revoked)
		snprintf(refused, sizeof(refused),
		         "tsa \"%s\" is already revoked", name);
	return ags_trust_edit_line(out, out_len, &t, &b, a->line,
	                           refused[0] ? refused : NULL,
	                           ags_trust_revoked_line, &r, source, err);
}

enum ags_err ags_trust_remove_tsa(char **out, size_t *out_len, const char *buf,
                                  size_t len, const char *name,
                                  const char *source, struct ags_error *err)
{
	const struct ags_trust_tsa *a;
	struct ags_buf b, nb = {0};
	struct ags_trust t;
	const char *old;
	size_t n, at;
	enum ags_err rc;

	*out = NULL;
	if ((rc = open_tsa(&t, &b, &a, buf, len, name, source, err)) != AGS_OK)
		return rc;
	/* the line and its LF */
	old = ags_trust_edit_line_at(b.s, b.len, a->line, &n);
	at = (size_t)(old - b.s);
	ags_buf_put(&nb, b.s, at);
	ags_buf_put(&nb, old + n + 1, b.len - at - n - 1);
	if (b.failed)
		nb.failed = 1;
	ags_buf_release(&b);
	ags_trust_release(&t);
	return ags_trust_edit_finish(out, out_len, &nb, source, err);
}
