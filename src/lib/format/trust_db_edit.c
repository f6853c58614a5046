/* Edits of a SQLite trust store: add, revoke, remove and set a key record,
 * each one transaction with its history row (spec/trust-db.md §5), so a
 * change is never on disk without its row; and the reads that go with
 * them (list, look-alike names). The rules are the text edits' (spec §9.3:
 * revocation is final, an empty window or a change of nothing is refused). */
#include "trust_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_name(char *out, size_t cap, const char *name)
{
	if (out && cap)
		snprintf(out, cap, "%s", name ? name : "");
}

static enum ags_err read_entry(struct ags_trust_db *s, sqlite3_stmt *st,
                               void *e, struct ags_error *err)
{
	return ags_trust_db_row_entry(s, st, 0, e, err);
}

/* The record of key_id (*found 0 when there is none) into e. */
static enum ags_err by_id(struct ags_trust_db *s, const char *key_id,
                          struct ags_trust_entry *e, int *found,
                          struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ags_err rc;
	long rows;
	/* key_id is UNIQUE: one row at most */
	int ok = sqlite3_prepare_v2(s->db,
	                            "SELECT " AGS_TRUST_DB_KEY_COLS
	                            " FROM key WHERE key_id = ?1",
	                            -1, &st, NULL) == SQLITE_OK &&
	         sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC) ==
	                 SQLITE_OK;

	memset(e, 0, sizeof(*e));
	rc = ags_trust_db_rows(s, st, ok, read_entry, e, &rows,
	                       "cannot read the store", err);
	*found = rc == AGS_OK && rows > 0;
	return rc;
}

/* Runs sql with e bound (parameters of ags_trust_db_bind_entry). */
static enum ags_err write_entry(struct ags_trust_db *s, const char *sql,
                                const struct ags_trust_entry *e,
                                struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ags_err rc = AGS_OK;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot write");
	rc = ags_trust_db_bind_entry(s, st, e, err);
	if (rc == AGS_OK && sqlite3_step(st) != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot write");
	sqlite3_finalize(st);
	return rc;
}

/* Logs the change from old to new (either NULL) and commits. */
static enum ags_err log_commit(struct ags_trust_db *s, int64_t now,
                               const char *op, const char *key_id,
                               const struct ags_trust_entry *old,
                               const struct ags_trust_entry *new,
                               const char *reason, struct ags_error *err)
{
	char *o = old ? ags_trust_db_key_text(old) : NULL;
	char *n = new ? ags_trust_db_key_text(new) : NULL;
	enum ags_err rc;

	if ((old && !o) || (new && !n))
		rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                   "out of memory");
	else
		rc = ags_trust_db_log(s, now, op, key_id, o, n, reason, err);
	free(o);
	free(n);
	if (rc == AGS_OK)
		return ags_trust_db_commit(s, err);
	ags_trust_db_rollback(s);
	return rc;
}

static enum ags_err undo(struct ags_trust_db *s, enum ags_err rc)
{
	ags_trust_db_rollback(s);
	return rc;
}

#define INSERT_KEY                                                             \
	"INSERT INTO key(pk, identity, folded, roles, email, orcid, "          \
	"valid_after, valid_before, revoked, reason, key_id) "                 \
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
#define UPDATE_KEY                                                             \
	"UPDATE key SET identity = ?2, folded = ?3, roles = ?4, email = ?5, "  \
	"orcid = ?6, valid_after = ?7, valid_before = ?8, revoked = ?9, "      \
	"reason = ?10 WHERE pk = ?1 AND key_id = ?11"

enum ags_err ags_trust_db_add(struct ags_trust_db *s,
                              const struct ags_pubkey *pub, unsigned roles,
                              int64_t valid_after, int64_t valid_before,
                              int64_t now, struct ags_error *err)
{
	struct ags_trust_entry e, old;
	enum ags_err rc;
	int found;

	if (roles == 0 || (roles & ~(unsigned)AGS_ROLE_ALL))
		return ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0, "%s",
		                     "no valid role given");
	if (valid_after >= valid_before)
		return ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0, "%s",
		                     "valid-after must be before valid-before");
	memset(&e, 0, sizeof(e));
	memcpy(e.pk, pub->pk, AGS_PUBLICKEY_BYTES);
	memcpy(e.key_id, pub->key_id, sizeof(e.key_id));
	e.identity = pub->name;
	e.email = pub->email;
	e.orcid = pub->orcid;
	e.roles = roles;
	e.valid_after = valid_after;
	e.valid_before = valid_before;
	if ((rc = ags_trust_db_begin(s, err)) != AGS_OK)
		return rc;
	rc = by_id(s, e.key_id, &old, &found, err);
	ags_trust_db_entry_free(&old);
	if (rc == AGS_OK && found)
		rc = ags_error_set(err, AGS_ERR_EXISTS, s->path, 0, 0,
		                   "key %s is already listed", e.key_id);
	if (rc == AGS_OK)
		rc = write_entry(s, INSERT_KEY, &e, err);
	if (rc != AGS_OK)
		return undo(s, rc);
	return log_commit(s, now, "add", e.key_id, NULL, &e, NULL, err);
}

/* Opens the transaction of an edit of key_id's record (refused when there
 * is none, or when it is revoked and revoked_final is set). */
static enum ags_err open_edit(struct ags_trust_db *s, const char *key_id,
                              struct ags_trust_entry *e, int revoked_final,
                              char *name, size_t cap, struct ags_error *err)
{
	enum ags_err rc = ags_trust_db_begin(s, err);
	int found = 0;

	if (rc == AGS_OK)
		rc = by_id(s, key_id, e, &found, err);
	if (rc == AGS_OK && !found)
		rc = ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                   "no key %s in the trust store", key_id);
	if (rc == AGS_OK)
		copy_name(name, cap, e->identity);
	if (rc == AGS_OK && revoked_final && e->revoked)
		rc = ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                   "key %s is already revoked", key_id);
	if (rc != AGS_OK) {
		ags_trust_db_entry_free(e);
		undo(s, rc);
	}
	return rc;
}

enum ags_err ags_trust_db_revoke(struct ags_trust_db *s, const char *key_id,
                                 int64_t when, const char *reason, int64_t now,
                                 char *name, size_t cap, struct ags_error *err)
{
	struct ags_trust_entry e, to;
	char stamp[21];
	enum ags_err rc;

	if (ags_field_check(reason, strlen(reason)))
		return ags_error_set(err, AGS_ERR_INVALID, "--reason", 0, 0,
		                     "%s",
		                     ags_field_check(reason, strlen(reason)));
	if (ags_time_format(stamp, when) != 0)
		return ags_error_set(err, AGS_ERR_INVALID, "--time", 0, 0,
		                     "time out of range");
	rc = open_edit(s, key_id, &e, 1, name, cap, err);
	if (rc != AGS_OK)
		return rc;
	to = e;
	to.revoked = 1;
	to.revoked_time = when;
	to.revoked_reason = (char *)reason;
	rc = write_entry(s, UPDATE_KEY, &to, err);
	if (rc == AGS_OK)
		rc = log_commit(s, now, "revoke", key_id, &e, &to, reason, err);
	else
		undo(s, rc);
	ags_trust_db_entry_free(&e);
	return rc;
}

enum ags_err ags_trust_db_remove(struct ags_trust_db *s, const char *key_id,
                                 int64_t now, char *name, size_t cap,
                                 struct ags_error *err)
{
	struct ags_trust_entry e;
	sqlite3_stmt *st = NULL;
	enum ags_err rc = open_edit(s, key_id, &e, 0, name, cap, err);

	if (rc != AGS_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM key WHERE key_id = ?1", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot write");
	sqlite3_finalize(st);
	if (rc == AGS_OK)
		rc = log_commit(s, now, "remove", key_id, &e, NULL, NULL, err);
	else
		undo(s, rc);
	ags_trust_db_entry_free(&e);
	return rc;
}

enum ags_err ags_trust_db_set(struct ags_trust_db *s, const char *key_id,
                              const struct ags_trust_change *ch, int64_t now,
                              char *name, size_t cap, struct ags_error *err)
{
	struct ags_trust_entry e, to;
	const char *why = ags_trust_change_invalid(ch);
	enum ags_err rc;

	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0, "%s",
		                     why);
	rc = open_edit(s, key_id, &e, 0, name, cap, err);
	if (rc != AGS_OK)
		return rc;
	if (e.revoked)
		why = "the key is revoked, and a revocation is final (remove "
		      "the key and add it again to trust it anew)";
	else if (!ags_trust_change_apply(&to, &e, ch))
		why = "nothing to change";
	else if (to.valid_after >= to.valid_before)
		why = "valid-after must be before valid-before";
	if (why)
		rc = undo(s, ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                           "key %s: %s", key_id, why));
	else if ((rc = write_entry(s, UPDATE_KEY, &to, err)) != AGS_OK)
		undo(s, rc);
	else if ((rc = log_commit(s, now, "set", key_id, &e, &to, NULL, err)) ==
	         AGS_OK)
		copy_name(name, cap, to.identity);
	ags_trust_db_entry_free(&e);
	return rc;
}

/* Calls fn for each key row that the statement gives. */
static enum ags_err
each_row(struct ags_trust_db *s, sqlite3_stmt *st, const char *identity,
         int (*fn)(const struct ags_trust_entry *e, int same, void *ctx),
         void *ctx, struct ags_error *err)
{
	enum ags_err rc = AGS_OK;
	int step = SQLITE_DONE;

	while (rc == AGS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ags_trust_entry e = {0};
		rc = ags_trust_db_row_entry(s, st, 0, &e, err);
		if (rc == AGS_OK &&
		    fn(&e, identity && strcmp(e.identity, identity) == 0,
		       ctx) != 0)
			rc = ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
			                   "stopped: the output failed");
		ags_trust_db_entry_free(&e);
	}
	if (rc == AGS_OK && step != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot read the store");
	return rc;
}

struct list_ctx {
	int (*fn)(const struct ags_trust_entry *e, void *ctx);
	void *ctx;
};

static int list_one(const struct ags_trust_entry *e, int same, void *ctx)
{
	const struct list_ctx *l = ctx;

	(void)same;
	return l->fn(e, l->ctx);
}

enum ags_err ags_trust_db_list(struct ags_trust_db *s,
                               int (*fn)(const struct ags_trust_entry *e,
                                         void *ctx),
                               void *ctx, struct ags_error *err)
{
	struct list_ctx l = {fn, ctx};
	sqlite3_stmt *st = NULL;
	enum ags_err rc;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT " AGS_TRUST_DB_KEY_COLS
	                       " FROM key ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot read the store");
	rc = each_row(s, st, NULL, list_one, &l, err);
	sqlite3_finalize(st);
	return rc;
}

enum ags_err ags_trust_db_similar(struct ags_trust_db *s, const char *identity,
                                  const char *key_id,
                                  int (*fn)(const struct ags_trust_entry *e,
                                            int same, void *ctx),
                                  void *ctx, struct ags_error *err)
{
	char *folded = ags_text_fold(identity);
	sqlite3_stmt *st = NULL;
	enum ags_err rc;

	if (!folded)
		return ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                     "out of memory");
	/* key_folded's index: one search, whatever the store's size */
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT " AGS_TRUST_DB_KEY_COLS
	                       " FROM key WHERE folded = ?1 AND key_id != ?2 "
	                       "ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, folded, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, key_id, -1, SQLITE_STATIC) != SQLITE_OK)
		rc = ags_trust_db_fail(s, err, "cannot read the store");
	else
		rc = each_row(s, st, identity, fn, ctx, err);
	sqlite3_finalize(st);
	free(folded);
	return rc;
}
