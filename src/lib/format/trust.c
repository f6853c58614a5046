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
	ags_trust_index_free(t->index);
	ags_tsp_certs_free(t->tsp_certs);
	ags_trust_db_close(t->db);
	ags_trust_init(t);
}

#define fail        ags_trust_fail
#define token       ags_trust_token
#define skip_blanks ags_trust_skip_blanks

static enum ags_err parse_key(cursor *c, struct ags_trust_entry *e, char *buf)
{
	if (token(c, buf, TOKEN_MAX) < 0)
		return c->err ? c->err->code : AGS_ERR_FORMAT;
	if (ags_b64_decode_exact(e->pk, AGS_PUBLICKEY_BYTES, buf, strlen(buf)))
		return fail(c, "%s", "public key must be 32 bytes in base64");
	/* The Ed25519 checks wait for the key's first lookup (trust_index.c):
	 * a file lists many keys, and a verification uses one or two. So may
	 * the key id (a SHA-512: a tenth of loading 100,000 keys). */
	if (!c->lazy_ids)
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

/* The room allocated for n entries: 8, doubled as needed, so that a file
 * of n keys costs log n reallocations, not n. */
static size_t room_for(size_t n)
{
	size_t room = 8;

	while (room < n)
		room *= 2;
	return room;
}

static enum ags_err add_entry(struct ags_trust *t, cursor *c)
{
	struct ags_trust_entry *grown, *e;
	enum ags_err rc;

	if (t->n == 0 || t->n == room_for(t->n)) {
		grown = realloc(t->entries,
		                room_for(t->n + 1) * sizeof(*grown));
		if (!grown)
			return fail(c, "%s", "out of memory");
		t->entries = grown;
	}
	e = &t->entries[t->n];
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

enum ags_err ags_trust_read_line(struct ags_trust *t, cursor *c)
{
	const char *p = c->p, *nl = c->end;

	if (c->line == 1) {
		t->version = ags_trust_text_version(p, (size_t)(nl - p) + 1);
		if (t->version == 0)
			return fail(c, "first line must be \"%s\" or \"%s\"",
			            AGS_FORMAT_TRUST, AGS_FORMAT_TRUST_V1);
		return AGS_OK;
	}
	if (memchr(p, '\r', (size_t)(nl - p)))
		return fail(c, "%s", "carriage return in line");
	skip_blanks(c);
	if (c->p < nl && *c->p != '#')
		return t->version == 1 ? add_entry(t, c) : add_record(t, c);
	return AGS_OK;
}

static enum ags_err parse_lines(struct ags_trust *t, const char *buf,
                                size_t len, cursor *c)
{
	const char *p = buf, *end = buf + len;
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		c->line++;
		if (!nl)
			return fail(c, "%s",
			            "last line does not end in a newline");
		c->p = p;
		c->end = nl;
		rc = ags_trust_read_line(t, c);
		p = nl + 1;
	}
	return rc;
}

static enum ags_err parse_text(struct ags_trust *t, const char *buf, size_t len,
                               const char *source, int lazy_ids,
                               struct ags_error *err)
{
	cursor c = {buf, buf + len, source, 0, err, lazy_ids};
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
		rc = ags_trust_index_build(t, &c);
	if (rc == AGS_OK)
		rc = ags_trust_tsa_unique(t, &c);
	if (rc != AGS_OK)
		ags_trust_release(t);
	return rc;
}

/* A trust load that pins TSAs gets the cache of the certificates their
 * tokens carry (tsp_certs.c), for the verifications that follow; without
 * it (out of memory, or a libcrypto without the "null" provider) each
 * verification decodes them itself: slower, the same results. */
static void tsp_certs(struct ags_trust *t)
{
	if (t->ntsa > 0)
		t->tsp_certs = ags_tsp_certs_new();
}

enum ags_err ags_trust_parse(struct ags_trust *t, const char *buf, size_t len,
                             const char *source, struct ags_error *err)
{
	return parse_text(t, buf, len, source, 0, err);
}

enum ags_err ags_trust_parse_lookup(struct ags_trust *t, const char *buf,
                                    size_t len, const char *source,
                                    struct ags_error *err)
{
	return parse_text(t, buf, len, source, 1, err);
}

static enum ags_err load(struct ags_trust *t, const char *path, int lazy_ids,
                         struct ags_error *err)
{
	char *buf;
	size_t len;
	enum ags_err rc;

	ags_trust_init(t);
	/* A store is told by its content, not its name. */
	if (ags_trust_is_db(path)) {
		t->version = 2;
		rc = ags_trust_db_open(&t->db, path, AGS_TRUST_DB_READ, err);
		if (rc == AGS_OK)
			rc = ags_trust_db_load_tsa(t->db, t, err);
		if (rc != AGS_OK)
			ags_trust_release(t);
		if (rc == AGS_OK)
			tsp_certs(t);
		return rc;
	}
	rc = ags_file_read(&buf, &len, path, AGS_TRUST_MAX, err);
	if (rc != AGS_OK)
		return rc;
	rc = parse_text(t, buf, len, path, lazy_ids, err);
	free(buf);
	if (rc == AGS_OK)
		tsp_certs(t);
	return rc;
}

enum ags_err ags_trust_load(struct ags_trust *t, const char *path,
                            struct ags_error *err)
{
	return load(t, path, 0, err);
}

enum ags_err ags_trust_load_lookup(struct ags_trust *t, const char *path,
                                   struct ags_error *err)
{
	return load(t, path, 1, err);
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
	/* An OpenSSH key has no name: the entry then has no identity. The
	 * .pub's e-mail and ORCID are the trusted ones, as `trust add` of
	 * the same file would record them (spec §9.2). */
	if (!e || (pub->name && !(e->identity = strdup(pub->name))) ||
	    (pub->email && !(e->email = strdup(pub->email))) ||
	    (pub->orcid && !(e->orcid = strdup(pub->orcid)))) {
		if (e) {
			free(e->identity);
			free(e->email);
		}
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
	/* The readers of key files refuse a key that fails rules 3-6. */
	rc = ags_pubkey_load_any(&pub, NULL, path, err);
	if (rc == AGS_OK)
		rc = from_pubkey(t, &pub, 1, err);
	ags_pubkey_release(&pub);
	return rc;
}

enum ags_err ags_trust_lookup(const struct ags_trust *t, const uint8_t *pk,
                              const struct ags_trust_entry **out,
                              struct ags_error *err)
{
	size_t i;

	if (t->db)
		return ags_trust_db_lookup(t->db, pk, out, err);
	if (t->index)
		return ags_trust_index_lookup(t, pk, out, err);
	/* A store of one .pub, checked when it was made. */
	*out = NULL;
	for (i = 0; i < t->n; i++)
		if (memcmp(t->entries[i].pk, pk, AGS_PUBLICKEY_BYTES) == 0) {
			*out = &t->entries[i];
			break;
		}
	return AGS_OK;
}

const struct ags_trust_entry *ags_trust_find(const struct ags_trust *t,
                                             const uint8_t *pk)
{
	const struct ags_trust_entry *e = NULL;
	size_t i;

	if (t->db)
		return ags_trust_lookup(t, pk, &e, NULL) == AGS_OK ? e : NULL;
	if (t->index)
		return ags_trust_index_find(t, pk);

	/* Public keys are not secret: memcmp is fine. */
	for (i = 0; i < t->n; i++)
		if (memcmp(t->entries[i].pk, pk, AGS_PUBLICKEY_BYTES) == 0)
			return &t->entries[i];
	return NULL;
}
