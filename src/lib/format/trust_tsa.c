/* The `tsa` records of a v2 trust file (spec §9.4): a time-stamping
 * authority pinned by its certificate, with a window and a revocation.
 * They are read, checked and kept; a new one is checked before an edit
 * adds it (to a file or a store). */
#include "trust_internal.h"

#include <stdlib.h>
#include <string.h>

void ags_trust_tsa_release(struct ags_trust *t)
{
	size_t i;

	for (i = 0; i < t->ntsa; i++) {
		free(t->tsa[i].name);
		free(t->tsa[i].cert);
		free(t->tsa[i].revoked_reason);
		ags_x509_free(t->tsa[i].parsed);
	}
	free(t->tsa);
	t->tsa = NULL;
	t->ntsa = 0;
}

/* The CERTIFICATE token: base64 of one DER X.509 certificate. */
static enum ags_err parse_cert(struct ags_trust_cursor *c,
                               struct ags_trust_tsa *a)
{
	char *buf = malloc(AGS_TRUST_CERT_MAX + 1);
	const char *why;
	long n;

	if (!buf)
		return ags_trust_fail(c, "%s", "out of memory");
	n = ags_trust_token(c, buf, AGS_TRUST_CERT_MAX + 1);
	if (n >= 0 &&
	    ags_b64_decode_alloc(&a->cert, &a->cert_len, buf, (size_t)n) != 0)
		n = -1, ags_trust_fail(c, "%s", "certificate is not base64");
	free(buf);
	if (n < 0)
		return AGS_ERR_FORMAT;
	why = ags_x509_read(&a->parsed, a->cert, a->cert_len);
	return why ? ags_trust_fail(c, "certificate: %s", why) : AGS_OK;
}

static enum ags_err parse_tsa(struct ags_trust_cursor *c,
                              struct ags_trust_tsa *a)
{
	struct ags_trust_opts o = {NULL,
	                           NULL,
	                           NULL,
	                           &a->valid_after,
	                           &a->valid_before,
	                           &a->revoked,
	                           &a->revoked_time,
	                           &a->revoked_reason};
	char name[AGS_TRUST_TOKEN_MAX];
	const char *why;
	enum ags_err rc;

	a->valid_after = INT64_MIN;
	a->valid_before = INT64_MAX;
	a->line = c->line;
	if (ags_trust_token(c, name, sizeof(name)) < 0)
		return AGS_ERR_FORMAT;
	if ((why = ags_field_check(name, strlen(name))) != NULL)
		return ags_trust_fail(c, "tsa name: %s", why);
	if (!(a->name = strdup(name)))
		return ags_trust_fail(c, "%s", "out of memory");
	ags_trust_skip_blanks(c);
	rc = parse_cert(c, a);
	return rc == AGS_OK ? ags_trust_options(c, &o) : rc;
}

enum ags_err ags_trust_tsa_add(struct ags_trust *t, struct ags_trust_cursor *c)
{
	struct ags_trust_tsa *grown, *a;
	enum ags_err rc;

	grown = realloc(t->tsa, (t->ntsa + 1) * sizeof(*grown));
	if (!grown)
		return ags_trust_fail(c, "%s", "out of memory");
	t->tsa = grown;
	a = &grown[t->ntsa];
	memset(a, 0, sizeof(*a));
	rc = parse_tsa(c, a);
	if (rc != AGS_OK) {
		free(a->name);
		free(a->cert);
		free(a->revoked_reason);
		ags_x509_free(a->parsed);
		return rc;
	}
	t->ntsa++;
	return AGS_OK;
}

static int by_line(const struct ags_trust_tsa *x, const struct ags_trust_tsa *y)
{
	return (x->line > y->line) - (x->line < y->line);
}

static int by_name(const void *a, const void *b)
{
	const struct ags_trust_tsa *x = *(const struct ags_trust_tsa *const *)a;
	const struct ags_trust_tsa *y = *(const struct ags_trust_tsa *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : by_line(x, y);
}

static int cert_cmp(const struct ags_trust_tsa *x,
                    const struct ags_trust_tsa *y)
{
	if (x->cert_len != y->cert_len)
		return x->cert_len < y->cert_len ? -1 : 1;
	return memcmp(x->cert, y->cert, x->cert_len);
}

static int by_cert(const void *a, const void *b)
{
	const struct ags_trust_tsa *x = *(const struct ags_trust_tsa *const *)a;
	const struct ags_trust_tsa *y = *(const struct ags_trust_tsa *const *)b;
	int c = cert_cmp(x, y);

	return c ? c : by_line(x, y);
}

/* In v sorted by cmp (then by line), the record that repeats an earlier
 * one and comes first in the file; *first is the one it repeats. */
static const struct ags_trust_tsa *
first_repeat(const struct ags_trust_tsa **v, size_t n,
             int (*cmp)(const void *, const void *),
             const struct ags_trust_tsa **first)
{
	const struct ags_trust_tsa *dup = NULL;
	size_t i, start = 0;

	qsort(v, n, sizeof(*v), cmp);
	for (i = 1; i < n; i++) {
		/* equal but for the line: same group */
		const struct ags_trust_tsa *a = v[i - 1], *b = v[i];
		int same = cmp == by_name ? strcmp(a->name, b->name) == 0
		                          : cert_cmp(a, b) == 0;
		if (!same) {
			start = i;
			continue;
		}
		if (i == start + 1 && (!dup || b->line < dup->line)) {
			dup = b;
			*first = a;
		}
	}
	return dup;
}

/* Refuses two tsa records with one name or one certificate, naming the
 * first repeat in file order. Sorted (O(n log n)) like the keys: a file
 * of 16 MiB holds some 40,000 records. */
enum ags_err ags_trust_tsa_unique(const struct ags_trust *t,
                                  struct ags_trust_cursor *c)
{
	const struct ags_trust_tsa **v, *dup, *dup2, *first = NULL,
	                                             *first2 = NULL;
	size_t i;

	if (t->ntsa < 2)
		return AGS_OK;
	if (!(v = malloc(t->ntsa * sizeof(*v))))
		return ags_trust_fail(c, "%s", "out of memory");
	for (i = 0; i < t->ntsa; i++)
		v[i] = &t->tsa[i];
	dup = first_repeat(v, t->ntsa, by_name, &first);
	dup2 = first_repeat(v, t->ntsa, by_cert, &first2);
	free(v);
	if (!dup && !dup2)
		return AGS_OK;
	if (!dup || (dup2 && dup2->line < dup->line)) {
		c->line = dup2->line;
		return ags_trust_fail(c,
		                      "tsa certificate is already listed "
		                      "on line %ld",
		                      first2->line);
	}
	c->line = dup->line;
	return ags_trust_fail(c, "tsa name is already listed on line %ld",
	                      first->line);
}

const char *ags_trust_tsa_invalid(const struct ags_trust_tsa *a)
{
	const char *why;

	if (!a->name || ags_field_check(a->name, strlen(a->name)))
		return "the TSA's name is not a valid text field";
	if ((why = ags_x509_check(a->cert, a->cert_len)) != NULL)
		return why;
	if (a->cert_len > AGS_TRUST_CERT_MAX / 4 * 3)
		return "the certificate is larger than a tsa record holds "
		       "(12288 bytes)";
	if (a->valid_after >= a->valid_before)
		return "valid-after must be before valid-before";
	if (a->revoked)
		return "a new tsa record is not revoked";
	return NULL;
}
