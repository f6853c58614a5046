/* A SQLite trust store to and from the text trust file (spec/trust-db.md
 * §3): import reads the text line by line (memory does not grow with the
 * file) into one transaction; export writes each row's canonical line. */
#include "trust_db.h"
#include "trust_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An import's line is at most this long (spec/trust-db.md §3). */
#define LINE_MAX_BYTES 65536

/* The canonical line of a record without its LF (malloc'd), or NULL. */
static char *chomp(char *line)
{
	size_t n = line ? strlen(line) : 0;

	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

char *ags_trust_db_key_text(const struct ags_trust_entry *e)
{
	return chomp(ags_trust_key_line(e));
}

/* --- import --- */

struct import {
	struct ags_trust_db *s;
	struct ags_trust_cursor *c;
	int64_t now;
	struct ags_trust_db_count *count;
	sqlite3_stmt *find_key, *add_key, *find_tsa, *add_tsa;
	struct ags_key_check check;
	int key_failed; /* a worker found a bad key: stop reading */
};

static void start(struct import *im, struct ags_trust_db *s,
                  struct ags_trust_cursor *c, int64_t now,
                  struct ags_trust_db_count *count)
{
	memset(im, 0, sizeof(*im));
	im->s = s;
	im->c = c;
	im->now = now;
	im->count = count;
	memset(count, 0, sizeof(*count));
}

static enum ags_err prepare(struct import *im, struct ags_error *err)
{
	/* Each statement in parentheses: clang (the fuzz build) takes a
	 * literal split over lines for a missing comma otherwise. */
	static const char *const sql[4] = {
	        ("SELECT " AGS_TRUST_DB_KEY_COLS " FROM key WHERE pk = ?1"),
	        ("INSERT INTO key(pk, identity, folded, roles, email, orcid, "
	         "valid_after, valid_before, revoked, reason, key_id) "
	         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
	        ("SELECT " AGS_TRUST_DB_TSA_COLS
	         " FROM tsa WHERE name = ?1 OR cert = ?2"),
	        ("INSERT INTO tsa(name, cert, valid_after, valid_before, "
	         "revoked, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")};
	sqlite3_stmt **st[4] = {&im->find_key, &im->add_key, &im->find_tsa,
	                        &im->add_tsa};
	int i;

	for (i = 0; i < 4; i++)
		if (sqlite3_prepare_v2(im->s->db, sql[i], -1, st[i], NULL) !=
		    SQLITE_OK)
			return ags_trust_db_fail(im->s, err, "cannot import");
	return AGS_OK;
}

static void finalize(struct import *im)
{
	sqlite3_finalize(im->find_key);
	sqlite3_finalize(im->add_key);
	sqlite3_finalize(im->find_tsa);
	sqlite3_finalize(im->add_tsa);
}

/* Ends an import: all of it committed, or none of it and no count. */
static enum ags_err finish(struct import *im, struct ags_trust_db *s,
                           enum ags_err rc, struct ags_trust_db_count *count,
                           struct ags_error *err)
{
	finalize(im);
	if (rc == AGS_OK)
		return ags_trust_db_commit(s, err);
	ags_trust_db_rollback(s);
	memset(count, 0, sizeof(*count));
	return rc;
}

/* Both lines made, equal: skip; made, different: conflict. */
static enum ags_err same_or_conflict(struct import *im, char *have, char *want,
                                     const char *what)
{
	enum ags_err rc = AGS_OK;

	if (!have || !want)
		rc = ags_trust_fail(im->c, "%s", "out of memory");
	else if (strcmp(have, want) != 0)
		rc = ags_trust_fail(im->c,
		                    "%s is already in the store with another "
		                    "entry: %s",
		                    what, have);
	else
		im->count->skipped++;
	free(have);
	free(want);
	return rc;
}

static enum ags_err import_key(struct import *im,
                               const struct ags_trust_entry *e,
                               struct ags_error *err)
{
	struct ags_trust_entry old = {0};
	char what[64], *line;
	enum ags_err rc;
	int step;

	snprintf(what, sizeof(what), "key %s", e->key_id);
	sqlite3_reset(im->find_key);
	sqlite3_bind_blob(im->find_key, 1, e->pk, AGS_PUBLICKEY_BYTES,
	                  SQLITE_STATIC);
	step = sqlite3_step(im->find_key);
	if (step == SQLITE_ROW) {
		rc = ags_trust_db_row_entry(im->s, im->find_key, 0, &old, err);
		if (rc == AGS_OK)
			rc = same_or_conflict(im, ags_trust_db_key_text(&old),
			                      ags_trust_db_key_text(e), what);
		ags_trust_db_entry_free(&old);
		return rc;
	}
	if (step != SQLITE_DONE)
		return ags_trust_db_fail(im->s, err, "cannot import");
	sqlite3_reset(im->add_key);
	rc = ags_trust_db_bind_entry(im->s, im->add_key, e, err);
	if (rc == AGS_OK && sqlite3_step(im->add_key) != SQLITE_DONE)
		rc = ags_trust_db_fail(im->s, err, "cannot import");
	if (rc != AGS_OK)
		return rc;
	if (!(line = ags_trust_db_key_text(e)))
		return ags_trust_fail(im->c, "%s", "out of memory");
	rc = ags_trust_db_log(im->s, im->now, "import", e->key_id, NULL, line,
	                      NULL, err);
	free(line);
	im->count->added += rc == AGS_OK;
	return rc;
}

static enum ags_err import_tsa(struct import *im, const struct ags_trust_tsa *a,
                               struct ags_error *err)
{
	struct ags_trust_tsa old;
	char what[AGS_FIELD_MAX + 8], *line;
	enum ags_err rc;
	int step;

	snprintf(what, sizeof(what), "tsa %s", a->name);
	sqlite3_reset(im->find_tsa);
	sqlite3_bind_text(im->find_tsa, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(im->find_tsa, 2, a->cert, (int)a->cert_len,
	                  SQLITE_STATIC);
	step = sqlite3_step(im->find_tsa);
	if (step == SQLITE_ROW) {
		rc = ags_trust_db_row_tsa(im->s, im->find_tsa, &old, err);
		if (rc == AGS_OK)
			rc = same_or_conflict(
			        im, chomp(ags_trust_tsa_line(&old)),
			        chomp(ags_trust_tsa_line(a)), what);
		ags_trust_db_tsa_free(&old);
		return rc;
	}
	if (step != SQLITE_DONE)
		return ags_trust_db_fail(im->s, err, "cannot import");
	sqlite3_reset(im->add_tsa);
	if (ags_trust_db_bind_tsa(im->add_tsa, a) != SQLITE_OK ||
	    sqlite3_step(im->add_tsa) != SQLITE_DONE)
		return ags_trust_db_fail(im->s, err, "cannot import");
	if (!(line = chomp(ags_trust_tsa_line(a))))
		return ags_trust_fail(im->c, "%s", "out of memory");
	rc = ags_trust_db_log(im->s, im->now, "import", what, NULL, line, NULL,
	                      err);
	free(line);
	im->count->added += rc == AGS_OK;
	return rc;
}

/* The records read from one line go to the store, and out of t. */
static enum ags_err store_records(struct import *im, struct ags_trust *t,
                                  struct ags_error *err)
{
	enum ags_err rc = AGS_OK;
	int version = t->version;

	/* The text reader leaves the Ed25519 checks to a lookup; a key is
	 * checked as it enters the store (spec/trust-db.md §3), on the
	 * workers, while this thread goes on (trust_db_check.c). */
	if (t->n &&
	    ags_key_check_push(&im->check, t->entries[0].pk, im->c->line)) {
		im->key_failed = 1;
		rc = AGS_ERR_FORMAT; /* the message is made at the end */
	} else if (t->n) {
		rc = import_key(im, &t->entries[0], err);
	}
	if (rc == AGS_OK && t->ntsa)
		rc = import_tsa(im, &t->tsa[0], err);
	ags_trust_release(t);
	t->version = version;
	return rc;
}

static enum ags_err read_all(struct import *im, FILE *in, struct ags_error *err)
{
	struct ags_trust t;
	struct ags_trust_cursor *c = im->c;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum ags_err rc = AGS_OK;

	ags_trust_init(&t);
	while (rc == AGS_OK && (n = getline(&line, &cap, in)) > 0) {
		c->line++;
		if (line[n - 1] != '\n')
			rc = ags_trust_fail(
			        c, "%s", "last line does not end in a newline");
		else if (n > LINE_MAX_BYTES)
			rc = ags_trust_fail(c, "line is longer than %d bytes",
			                    LINE_MAX_BYTES);
		else if (memchr(line, '\0', (size_t)n))
			rc = ags_trust_fail(c, "%s", "NUL byte in line");
		if (rc != AGS_OK)
			break;
		c->p = line;
		c->end = line + n - 1;
		rc = ags_trust_read_line(&t, c);
		if (rc == AGS_OK)
			rc = store_records(im, &t, err);
	}
	free(line);
	ags_trust_release(&t);
	if (rc == AGS_OK && ferror(in))
		rc = ags_error_set(err, AGS_ERR_IO, c->source, 0, 0, "%s",
		                   "read error");
	if (rc == AGS_OK && c->line == 0)
		rc = ags_trust_fail(c, "first line must be \"%s\" or \"%s\"",
		                    AGS_FORMAT_TRUST, AGS_FORMAT_TRUST_V1);
	return rc;
}

/* The first key that failed its checks, at line bad, is the import's
 * error when no other error came before it in the file: the one a
 * reader checking each key in turn would give. */
static enum ags_err first_error(struct import *im, enum ags_err rc, long bad,
                                struct ags_error *err)
{
	if (bad && (rc == AGS_OK || im->key_failed || bad <= im->c->line)) {
		ags_error_clear(err); /* the later error, if any */
		return ags_error_set(err, AGS_ERR_FORMAT, im->c->source, bad, 0,
		                     "%s", "not a valid Ed25519 public key");
	}
	return rc;
}

enum ags_err ags_trust_db_import(struct ags_trust_db *s, FILE *in,
                                 const char *source, int64_t now, unsigned jobs,
                                 struct ags_trust_db_count *count,
                                 struct ags_error *err)
{
	struct ags_trust_cursor c = {NULL, NULL, source, 0, err, 0};
	struct import im;
	enum ags_err rc;
	long bad;

	start(&im, s, &c, now, count);
	/* An import inserts keys in random order into three indexes (pk,
	 * key_id, history's record): with SQLite's default 2 MiB page cache,
	 * a million keys spend most of their time re-reading index pages.
	 * Those indexes are about 135 MiB for a million keys: a 160 MiB cache
	 * holds them (64 MiB did not: 12% more CPU and twice the system
	 * time, measured), and caps the import's peak RSS near 200 MiB
	 * whatever the store's size (the target is 256 MiB). */
	rc = ags_trust_db_exec(s, "PRAGMA cache_size = -163840", err);
	if (rc == AGS_OK)
		rc = ags_trust_db_begin(s, err);
	if (rc != AGS_OK)
		return rc;
	ags_key_check_start(&im.check, jobs);
	rc = prepare(&im, err);
	if (rc == AGS_OK)
		rc = read_all(&im, in, err);
	bad = ags_key_check_finish(&im.check);
	rc = first_error(&im, rc, bad, err);
	return finish(&im, s, rc, count, err);
}

/* --- import-ssh --- */

/* The entry of an allowed_signers line, as `trust import-ssh` writes it
 * into a text file (spec §9.7); its strings borrowed from sg. */
static void ssh_entry(struct ags_trust_entry *e,
                      const struct ags_ssh_signer *sg, unsigned roles)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->pk, sg->key.pk, AGS_PUBLICKEY_BYTES);
	memcpy(e->key_id, sg->key.key_id, sizeof(e->key_id));
	e->identity = sg->key.name;
	e->email = sg->key.email;
	e->orcid = sg->key.orcid;
	e->roles = roles;
	e->valid_after = sg->valid_after;
	e->valid_before = sg->valid_before;
}

enum ags_err ags_trust_db_import_ssh(struct ags_trust_db *s,
                                     const struct ags_ssh_signers *ss,
                                     unsigned roles, const char *source,
                                     int64_t now, unsigned char *added,
                                     struct ags_trust_db_count *count,
                                     struct ags_error *err)
{
	struct ags_trust_cursor c = {NULL, NULL, source, 0, err, 0};
	struct ags_trust_entry e;
	struct import im;
	enum ags_err rc;
	size_t i, before;

	start(&im, s, &c, now, count);
	if (roles == 0 || (roles & ~(unsigned)AGS_ROLE_ALL))
		return ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0, "%s",
		                     "no valid role given");
	if ((rc = ags_trust_db_begin(s, err)) != AGS_OK)
		return rc;
	rc = prepare(&im, err);
	/* The parser checked each key's group (ags_ssh_signers_parse);
	 * the rules of an import apply to each line: new, equal, or a
	 * conflict naming it (spec/trust-db.md §3). */
	for (i = 0; rc == AGS_OK && i < ss->n; i++) {
		ssh_entry(&e, &ss->v[i], roles);
		c.line = ss->v[i].line;
		before = count->added;
		rc = import_key(&im, &e, err);
		if (added)
			added[i] = count->added > before;
	}
	return finish(&im, s, rc, count, err);
}

/* --- export --- */

static enum ags_err put_line(struct ags_trust_db *s, ags_line_fn put, void *ctx,
                             char *line, struct ags_error *err)
{
	enum ags_err rc = AGS_OK;

	if (!line)
		rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                   "out of memory");
	else if (put(line, strlen(line), ctx) != 0)
		rc = ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
		                   "export stopped: the output failed");
	free(line);
	return rc;
}

/* Where an export's lines go. */
struct export
{
	ags_line_fn put;
	void *ctx;
};

static enum ags_err export_key(struct ags_trust_db *s, sqlite3_stmt *st,
                               void *ctx, struct ags_error *err)
{
	const struct export *x = ctx;
	struct ags_trust_entry e = {0};
	enum ags_err rc = ags_trust_db_row_entry(s, st, 0, &e, err);

	if (rc == AGS_OK)
		rc = put_line(s, x->put, x->ctx, ags_trust_key_line(&e), err);
	ags_trust_db_entry_free(&e);
	return rc;
}

static enum ags_err export_tsa(struct ags_trust_db *s, sqlite3_stmt *st,
                               void *ctx, struct ags_error *err)
{
	const struct export *x = ctx;
	struct ags_trust_tsa a;
	enum ags_err rc = ags_trust_db_row_tsa(s, st, &a, err);

	if (rc == AGS_OK)
		rc = put_line(s, x->put, x->ctx, ags_trust_tsa_line(&a), err);
	ags_trust_db_tsa_free(&a);
	return rc;
}

/* The line of each row that sql gives, through fn. */
static enum ags_err export_rows(struct ags_trust_db *s, const char *sql,
                                ags_trust_db_row_fn fn, struct export *x,
                                struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK;

	return ags_trust_db_rows(s, st, ok, fn, x, NULL, "cannot export", err);
}

enum ags_err ags_trust_db_export(struct ags_trust_db *s, ags_line_fn put,
                                 void *ctx, struct ags_error *err)
{
	struct export x = {put, ctx};
	enum ags_err rc;

	/* One read transaction: a consistent snapshot while writers go on. */
	rc = ags_trust_db_exec(s, "BEGIN", err);
	if (rc == AGS_OK &&
	    put(AGS_FORMAT_TRUST "\n", strlen(AGS_FORMAT_TRUST "\n"), ctx) != 0)
		rc = ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
		                   "export stopped: the output failed");
	if (rc == AGS_OK)
		rc = export_rows(s,
		                 "SELECT " AGS_TRUST_DB_KEY_COLS
		                 " FROM key ORDER BY id",
		                 export_key, &x, err);
	if (rc == AGS_OK)
		rc = export_rows(s,
		                 "SELECT " AGS_TRUST_DB_TSA_COLS
		                 " FROM tsa ORDER BY id",
		                 export_tsa, &x, err);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
