/* The trust file: which public key belongs to whom, for which roles, for
 * which claimed signing times, and which keys are revoked. One key per
 * line, in the spirit of OpenSSH's allowed_signers. Version 1 lines are
 * IDENTITY KEY [OPTION...]; version 2 lines start with a record keyword,
 * `key` (read here) or `tsa` (trust_tsa.c). */
#include "trust_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX AGS_TRUST_TOKEN_MAX

typedef struct ags_trust_cursor cursor;

void ags_trust_init(struct ags_trust *t)
{
	memset(t, 0, sizeof(*t));
}

static void entry_release(struct ags_trust_entry *e)
{
	free(e->identity);
	free(e->email);
	free(e->orcid);
	free(e->revoked_reason);
}

void ags_trust_release(struct ags_trust *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		entry_release(&t->entries[i]);
	free(t->entries);
	ags_trust_tsa_release(t);
	ags_trust_init(t);
}

enum ags_err ags_trust_fail(cursor *c, const char *fmt, ...)
{
	char text[sizeof(c->err->text)];
	va_list ap;

	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(c->err, AGS_ERR_FORMAT, c->source, c->line, 0,
	                     "%s", text);
}
#define fail ags_trust_fail

/* Reads one token: bare (no blank, no quote), "quoted" with \" and \\
 * escapes, or name="quoted". Returns its length in out, or -1 (error
 * set). */
long ags_trust_token(cursor *c, char *out, size_t cap)
{
	size_t n = 0;
	int quoted = c->p < c->end && *c->p == '"';

	if (quoted)
		c->p++;
	while (c->p < c->end) {
		char ch = *c->p;
		if (!quoted && (ch == ' ' || ch == '\t'))
			break;
		/* name="quoted value": the quote may open right after '='. */
		if (!quoted && ch == '"' && n > 0 && out[n - 1] == '=') {
			quoted = 1;
			c->p++;
			continue;
		}
		if (!quoted && ch == '"')
			return fail(c, "unexpected '\"' in %s", "a bare word"),
			       -1;
		if (quoted && ch == '"')
			break;
		if (quoted && ch == '\\') {
			if (++c->p == c->end || (*c->p != '"' && *c->p != '\\'))
				return fail(c, "%s",
				            "bad escape in quoted text"),
				       -1;
			ch = *c->p;
		}
		if (n + 1 >= cap)
			return fail(c, "%s", "word too long"), -1;
		out[n++] = ch;
		c->p++;
	}
	if (quoted && (c->p == c->end || *c->p != '"'))
		return fail(c, "%s", "unterminated quoted text"), -1;
	if (quoted)
		c->p++;
	if (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		return fail(c, "%s", "missing blank after quoted text"), -1;
	out[n] = '\0';
	return (long)n;
}
#define token ags_trust_token

void ags_trust_skip_blanks(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}
#define skip_blanks ags_trust_skip_blanks

static enum ags_err parse_roles(cursor *c, unsigned *roles, const char *v)
{
	char buf[64];
	const char *p = v;
	enum ags_role r;

	*roles = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(buf))
			return fail(c, "bad roles list \"%s\"", v);
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (ags_role_parse(&r, buf) != 0)
			return fail(c, "unknown role \"%s\"", buf);
		if (*roles & (unsigned)r)
			return fail(c, "role \"%s\" listed twice", buf);
		*roles |= (unsigned)r;
		p += n;
		if (*p == ',' && *++p == '\0')
			return fail(c, "bad roles list \"%s\"", v);
	}
	return *roles ? AGS_OK : fail(c, "%s", "roles= names no role");
}

static enum ags_err parse_time_opt(cursor *c, int64_t *out, const char *name,
                                   const char *v)
{
	if (ags_time_parse(out, v) != 0)
		return fail(c, "%s must be YYYY-MM-DDTHH:MM:SSZ", name);
	return AGS_OK;
}

/* A text field (reason=, email=, orcid=) and its own rule (NULL: none). */
static enum ags_err parse_text_opt(cursor *c, char **out, const char *name,
                                   const char *v,
                                   const char *(*rule)(const char *))
{
	const char *why = ags_field_check(v, strlen(v));

	if (!why && rule)
		why = rule(v);
	if (why)
		return fail(c, "%s: %s", name, why);
	*out = strdup(v);
	return *out ? AGS_OK : fail(c, "%s", "out of memory");
}

/* One name=value option. seen is a bit set of options already given. */
static enum ags_err parse_option(cursor *c, const struct ags_trust_opts *o,
                                 char *opt, unsigned *seen)
{
	static const char *const names[] = {
	        "roles",        "email",   "orcid",  "valid-after",
	        "valid-before", "revoked", "reason", NULL};
	const void *const where[] = {
	        o->roles,        o->email,        o->orcid, o->valid_after,
	        o->valid_before, o->revoked_time, o->reason};
	char *eq = strchr(opt, '=');
	unsigned i;

	if (!eq)
		return fail(c, "option \"%s\" has no value", opt);
	*eq = '\0';
	for (i = 0; names[i] && strcmp(names[i], opt) != 0; i++)
		;
	if (!names[i] || !where[i])
		return fail(c, "unknown option \"%s\"", opt);
	if (*seen & (1u << i))
		return fail(c, "option \"%s\" given twice", opt);
	*seen |= 1u << i;
	switch (i) {
	case 0: return parse_roles(c, o->roles, eq + 1);
	case 1:
		return parse_text_opt(c, o->email, opt, eq + 1,
		                      ags_email_check);
	case 2:
		return parse_text_opt(c, o->orcid, opt, eq + 1,
		                      ags_orcid_check);
	case 3: return parse_time_opt(c, o->valid_after, opt, eq + 1);
	case 4: return parse_time_opt(c, o->valid_before, opt, eq + 1);
	case 5:
		*o->revoked = 1;
		return parse_time_opt(c, o->revoked_time, opt, eq + 1);
	default: return parse_text_opt(c, o->reason, opt, eq + 1, NULL);
	}
}

enum ags_err ags_trust_options(cursor *c, const struct ags_trust_opts *o)
{
	char buf[TOKEN_MAX];
	unsigned seen = 0;
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && (skip_blanks(c), c->p < c->end)) {
		if (token(c, buf, sizeof(buf)) < 0)
			return AGS_ERR_FORMAT;
		rc = parse_option(c, o, buf, &seen);
	}
	if (rc == AGS_OK && *o->reason && !*o->revoked)
		return fail(c, "%s", "reason= is only allowed with revoked=");
	if (rc == AGS_OK && *o->valid_after >= *o->valid_before)
		return fail(c, "%s", "valid-after must be before valid-before");
	return rc;
}

static enum ags_err parse_key(cursor *c, struct ags_trust_entry *e, char *buf)
{
	if (token(c, buf, TOKEN_MAX) < 0)
		return c->err ? c->err->code : AGS_ERR_FORMAT;
	if (ags_b64_decode_exact(e->pk, AGS_PUBLICKEY_BYTES, buf, strlen(buf)))
		return fail(c, "%s", "public key must be 32 bytes in base64");
	if (!ags_public_key_valid(e->pk))
		return fail(c, "%s", "not a valid Ed25519 public key");
	ags_key_id(e->key_id, e->pk);
	return AGS_OK;
}

/* IDENTITY KEY [OPTION...]: a v1 entry, or a v2 key record after its
 * keyword (version 2 also takes email= and orcid=). */
static enum ags_err parse_entry(cursor *c, struct ags_trust_entry *e,
                                int version)
{
	struct ags_trust_opts o = {&e->roles,
	                           version >= 2 ? &e->email : NULL,
	                           version >= 2 ? &e->orcid : NULL,
	                           &e->valid_after,
	                           &e->valid_before,
	                           &e->revoked,
	                           &e->revoked_time,
	                           &e->revoked_reason};
	char buf[TOKEN_MAX];
	enum ags_err rc;

	e->roles = AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR;
	e->valid_after = INT64_MIN;
	e->valid_before = INT64_MAX;
	e->line = c->line;
	if (token(c, buf, sizeof(buf)) < 0)
		return AGS_ERR_FORMAT;
	if (ags_field_check(buf, strlen(buf)))
		return fail(c, "identity: %s",
		            ags_field_check(buf, strlen(buf)));
	e->identity = strdup(buf);
	if (!e->identity)
		return fail(c, "%s", "out of memory");
	skip_blanks(c);
	rc = parse_key(c, e, buf);
	return rc == AGS_OK ? ags_trust_options(c, &o) : rc;
}

static enum ags_err add_entry(struct ags_trust *t, cursor *c)
{
	struct ags_trust_entry *grown, *e;
	enum ags_err rc;

	grown = realloc(t->entries, (t->n + 1) * sizeof(*grown));
	if (!grown)
		return fail(c, "%s", "out of memory");
	t->entries = grown;
	e = &grown[t->n];
	memset(e, 0, sizeof(*e));
	rc = parse_entry(c, e, t->version);
	if (rc != AGS_OK) {
		entry_release(e);
		return rc;
	}
	t->n++;
	return AGS_OK;
}

/* A v2 record: its first token, bare and exact, says which. */
static enum ags_err add_record(struct ags_trust *t, cursor *c)
{
	size_t n = 0;
	int is_key;

	while (c->p + n < c->end && c->p[n] != ' ' && c->p[n] != '\t')
		n++;
	is_key = n == 3 && memcmp(c->p, "key", 3) == 0;
	if (!is_key && (n != 3 || memcmp(c->p, "tsa", 3) != 0))
		return fail(c, "%s", "unknown record type (not key or tsa)");
	c->p += n;
	skip_blanks(c);
	return is_key ? add_entry(t, c) : ags_trust_tsa_add(t, c);
}

int ags_trust_text_version(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : 0;

	if (n == strlen(AGS_FORMAT_TRUST_V1) &&
	    memcmp(buf, AGS_FORMAT_TRUST_V1, n) == 0)
		return 1;
	if (n == strlen(AGS_FORMAT_TRUST) &&
	    memcmp(buf, AGS_FORMAT_TRUST, n) == 0)
		return 2;
	return 0;
}

static enum ags_err parse_lines(struct ags_trust *t, const char *buf,
                                size_t len, cursor *c)
{
	const char *p = buf, *end = buf + len;
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			c->line++;
			return fail(c, "%s",
			            "last line does not end in a newline");
		}
		c->line++;
		c->p = p;
		c->end = nl;
		if (c->line == 1) {
			t->version =
			        ags_trust_text_version(p, (size_t)(end - p));
			if (t->version == 0)
				return fail(
				        c,
				        "first line must be \"%s\" or \"%s\"",
				        AGS_FORMAT_TRUST, AGS_FORMAT_TRUST_V1);
		} else if (memchr(p, '\r', (size_t)(nl - p))) {
			return fail(c, "%s", "carriage return in line");
		} else {
			skip_blanks(c);
			if (c->p < nl && *c->p != '#')
				rc = t->version == 1 ? add_entry(t, c)
				                     : add_record(t, c);
		}
		p = nl + 1;
	}
	return rc;
}

/* Entries by key, then by line. */
static int by_key(const void *a, const void *b)
{
	const struct ags_trust_entry *x =
	        *(const struct ags_trust_entry *const *)a;
	const struct ags_trust_entry *y =
	        *(const struct ags_trust_entry *const *)b;
	int c = memcmp(x->pk, y->pk, AGS_PUBLICKEY_BYTES);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Refuses a key listed twice, naming the first line (in file order) whose
 * key an earlier line lists. Sorting makes it O(n log n): one lookup per
 * line was O(n^2), and 200,000 keys took minutes (found by the hostile-
 * input tests; see tests/fuzz/README.md). */
static enum ags_err check_duplicates(const struct ags_trust *t, cursor *c)
{
	const struct ags_trust_entry **v, *dup = NULL, *first = NULL;
	size_t i;

	if (t->n < 2)
		return AGS_OK;
	if (!(v = malloc(t->n * sizeof(*v))))
		return fail(c, "%s", "out of memory");
	for (i = 0; i < t->n; i++)
		v[i] = &t->entries[i];
	qsort(v, t->n, sizeof(*v), by_key);
	for (i = 1; i < t->n; i++) {
		/* v[i] is the second of its key when v[i - 2] differs */
		if (memcmp(v[i]->pk, v[i - 1]->pk, AGS_PUBLICKEY_BYTES) != 0 ||
		    (i >= 2 && memcmp(v[i - 1]->pk, v[i - 2]->pk,
		                      AGS_PUBLICKEY_BYTES) == 0))
			continue;
		if (!dup || v[i]->line < dup->line) {
			dup = v[i];
			first = v[i - 1];
		}
	}
	free(v);
	if (!dup)
		return AGS_OK;
	c->line = dup->line;
	return fail(c, "key is already listed on line %ld", first->line);
}

enum ags_err ags_trust_parse(struct ags_trust *t, const char *buf, size_t len,
                             const char *source, struct ags_error *err)
{
	cursor c = {buf, buf + len, source, 0, err};
	enum ags_err rc;

	ags_trust_init(t);
	if (len > AGS_TRUST_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, source, 0, 0,
		                     "trust file is larger than %u bytes",
		                     AGS_TRUST_MAX);
	if (memchr(buf, '\0', len))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "trust file holds a NUL byte");
	rc = parse_lines(t, buf, len, &c);
	if (rc == AGS_OK && c.line == 0)
		rc = fail(&c, "first line must be \"%s\" or \"%s\"",
		          AGS_FORMAT_TRUST, AGS_FORMAT_TRUST_V1);
	if (rc == AGS_OK)
		rc = check_duplicates(t, &c);
	if (rc == AGS_OK)
		rc = ags_trust_tsa_unique(t, &c);
	if (rc != AGS_OK)
		ags_trust_release(t);
	return rc;
}
enum ags_err ags_trust_load(struct ags_trust *t, const char *path,
                            struct ags_error *err)
{
	char *buf;
	size_t len;
	enum ags_err rc;

	ags_trust_init(t);
	rc = ags_file_read(&buf, &len, path, AGS_TRUST_MAX, err);
	if (rc != AGS_OK)
		return rc;
	rc = ags_trust_parse(t, buf, len, path, err);
	free(buf);
	return rc;
}

/* checked: pub->pk is known to pass ags_public_key_valid. */
static enum ags_err from_pubkey(struct ags_trust *t,
                                const struct ags_pubkey *pub, int checked,
                                struct ags_error *err)
{
	struct ags_trust_entry *e;

	ags_trust_init(t);
	/* Verification relies on every trusted key being valid. */
	if (!checked && !ags_public_key_valid(pub->pk))
		return ags_error_set(err, AGS_ERR_KEY, "", 0, 0,
		                     "not a valid Ed25519 public key");
	e = calloc(1, sizeof(*e));
	if (!e || !(e->identity = strdup(pub->name))) {
		free(e);
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	}
	memcpy(e->pk, pub->pk, AGS_PUBLICKEY_BYTES);
	memcpy(e->key_id, pub->key_id, sizeof(e->key_id));
	e->roles = AGS_ROLE_ALL;
	e->valid_after = INT64_MIN;
	e->valid_before = INT64_MAX;
	t->entries = e;
	t->n = 1;
	return AGS_OK;
}

enum ags_err ags_trust_from_pubkey(struct ags_trust *t,
                                   const struct ags_pubkey *pub,
                                   struct ags_error *err)
{
	return from_pubkey(t, pub, 0, err);
}

enum ags_err ags_trust_load_pubkey(struct ags_trust *t, const char *path,
                                   struct ags_error *err)
{
	struct ags_pubkey pub;
	enum ags_err rc;

	ags_trust_init(t);
	ags_pubkey_init(&pub);
	/* The reader of a .pub file refuses a key that fails rules 3-6. */
	rc = ags_pubkey_load(&pub, path, err);
	if (rc == AGS_OK)
		rc = from_pubkey(t, &pub, 1, err);
	ags_pubkey_release(&pub);
	return rc;
}

const struct ags_trust_entry *ags_trust_find(const struct ags_trust *t,
                                             const uint8_t *pk)
{
	size_t i;

	/* Public keys are not secret: memcmp is fine. */
	for (i = 0; i < t->n; i++)
		if (memcmp(t->entries[i].pk, pk, AGS_PUBLICKEY_BYTES) == 0)
			return &t->entries[i];
	return NULL;
}
