/* The canonical line of a v2 trust record (spec §9.6): what an edit
 * writes for a record it adds or changes, one spelling per record. And
 * the look-alike identities that `trust add` warns about. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A value is quoted when it would not read back as one bare token of
 * the same value, or could be mistaken for a comment or an option. */
static int needs_quotes(const char *s)
{
	return *s == '\0' || strpbrk(s, " \t\"\\#=") != NULL;
}

/* "value" with \" and \\ escaped, as a trust file reads it (§9.1). */
void ags_trust_put_quoted(struct ags_buf *b, const char *s)
{
	ags_buf_put(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ags_buf_put(b, "\\", 1);
		ags_buf_put(b, s, 1);
	}
	ags_buf_put(b, "\"", 1);
}

static void put_value(struct ags_buf *b, const char *s)
{
	if (!needs_quotes(s)) {
		ags_buf_puts(b, s);
		return;
	}
	ags_trust_put_quoted(b, s);
}

static void put_option(struct ags_buf *b, const char *name, const char *v)
{
	ags_buf_put(b, " ", 1);
	ags_buf_puts(b, name);
	ags_buf_put(b, "=", 1);
	put_value(b, v);
}

static void put_time(struct ags_buf *b, const char *name, int64_t when)
{
	char buf[21];

	if (ags_time_format(buf, when) != 0)
		b->failed = 1;
	else
		put_option(b, name, buf);
}

static void put_roles(struct ags_buf *b, unsigned roles)
{
	const char *sep = " roles=";
	unsigned bit;

	for (bit = AGS_ROLE_AUTHOR; bit <= AGS_ROLE_PUBLISHER; bit <<= 1)
		if (roles & bit) {
			ags_buf_puts(b, sep);
			ags_buf_puts(b, ags_role_name((enum ags_role)bit));
			sep = ",";
		}
}

/* valid-after, valid-before, revoked, reason: the tail of both records. */
static void put_tail(struct ags_buf *b, int64_t after, int64_t before,
                     int revoked, int64_t when, const char *reason)
{
	if (after != INT64_MIN)
		put_time(b, "valid-after", after);
	if (before != INT64_MAX)
		put_time(b, "valid-before", before);
	if (revoked)
		put_time(b, "revoked", when);
	if (revoked && reason)
		put_option(b, "reason", reason);
	ags_buf_put(b, "\n", 1);
}

char *ags_trust_key_line(const struct ags_trust_entry *e)
{
	struct ags_buf b = {0};
	char *pk = ags_b64_encode(e->pk, AGS_PUBLICKEY_BYTES);

	ags_buf_puts(&b, "key ");
	put_value(&b, e->identity);
	ags_buf_put(&b, " ", 1);
	if (!pk)
		b.failed = 1;
	else
		ags_buf_puts(&b, pk);
	free(pk);
	put_roles(&b, e->roles);
	if (e->email)
		put_option(&b, "email", e->email);
	if (e->orcid)
		put_option(&b, "orcid", e->orcid);
	put_tail(&b, e->valid_after, e->valid_before, e->revoked,
	         e->revoked_time, e->revoked_reason);
	return ags_buf_take(&b, NULL);
}

char *ags_trust_tsa_line(const struct ags_trust_tsa *a)
{
	struct ags_buf b = {0};
	char *cert = ags_b64_encode(a->cert, a->cert_len);

	ags_buf_puts(&b, "tsa ");
	put_value(&b, a->name);
	ags_buf_put(&b, " ", 1);
	if (!cert)
		b.failed = 1;
	else
		ags_buf_puts(&b, cert);
	free(cert);
	put_tail(&b, a->valid_after, a->valid_before, a->revoked,
	         a->revoked_time, a->revoked_reason);
	return ags_buf_take(&b, NULL);
}

const struct ags_trust_entry *
ags_trust_next_similar(const struct ags_trust *t, size_t *i,
                       const char *identity, const uint8_t *pk, int *same)
{
	const struct ags_trust_entry *found = NULL;
	char *folded = ags_text_fold(identity), *other;

	for (; !found && *i < t->n; (*i)++) {
		const struct ags_trust_entry *e = &t->entries[*i];
		if (memcmp(e->pk, pk, AGS_PUBLICKEY_BYTES) == 0)
			continue;
		*same = strcmp(e->identity, identity) == 0;
		if (*same)
			found = e;
		else if (folded && (other = ags_text_fold(e->identity))) {
			if (strcmp(other, folded) == 0)
				found = e;
			free(other);
		}
	}
	free(folded);
	return found;
}

/* An identity folded once, and its entry. */
struct folded {
	char *fold;
	size_t i;
};

static int by_fold(const void *a, const void *b)
{
	const struct folded *x = a, *y = b;
	int c = strcmp(x->fold, y->fold);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Reports, for entry k of one fold group g[0..n-1] with k >= from, every
 * other member with another key. */
static void report_group(const struct ags_trust *t, const struct folded *g,
                         size_t n, size_t from, ags_similar_fn fn, void *ctx)
{
	size_t a, b;

	for (a = 0; a < n; a++) {
		const struct ags_trust_entry *e = &t->entries[g[a].i];
		if (g[a].i < from)
			continue;
		for (b = 0; b < n; b++) {
			const struct ags_trust_entry *o = &t->entries[g[b].i];
			if (a != b && o->identity && e->identity &&
			    memcmp(o->pk, e->pk, AGS_PUBLICKEY_BYTES) != 0)
				fn(ctx, e, o,
				   strcmp(o->identity, e->identity) == 0);
		}
	}
}

enum ags_err ags_trust_each_similar(const struct ags_trust *t, size_t from,
                                    ags_similar_fn fn, void *ctx)
{
	struct folded *f = calloc(t->n ? t->n : 1, sizeof(*f));
	enum ags_err rc = AGS_OK;
	size_t i, j, n = 0;

	if (!f)
		return AGS_ERR_NOMEM;
	/* Each identity folded once and sorted: n log n, where calling
	 * ags_trust_next_similar for each new entry folds n times each. */
	for (i = 0; i < t->n && rc == AGS_OK; i++) {
		if (!t->entries[i].identity)
			continue;
		f[n].i = i;
		if (!(f[n++].fold = ags_text_fold(t->entries[i].identity)))
			rc = AGS_ERR_NOMEM;
	}
	if (rc == AGS_OK) {
		qsort(f, n, sizeof(*f), by_fold);
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && !strcmp(f[i].fold, f[j].fold);
			     j++)
				;
			if (j - i > 1)
				report_group(t, f + i, j - i, from, fn, ctx);
		}
	}
	for (i = 0; i < n; i++)
		free(f[i].fold);
	free(f);
	return rc;
}
