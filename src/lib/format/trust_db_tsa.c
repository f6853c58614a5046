/* The tsa records of a SQLite trust store (spec/trust-db.md §2): each row
 * read and checked as the text reader checks a tsa line, and all of them
 * loaded when a store is opened for verification (a publisher pins a few
 * TSAs, not thousands: they are held in memory like a text file's); and
 * their edits (add, revoke, remove), each one transaction with its history
 * row, record "tsa NAME" (spec/trust-db.md §5). */
#include "trust_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ags_trust_db_tsa_free(struct ags_trust_tsa *a)
{
	free(a->name);
	free(a->cert);
	free(a->revoked_reason);
	ags_x509_free(a->parsed);
	memset(a, 0, sizeof(*a));
}

enum ags_err ags_trust_db_row_tsa(struct ags_trust_db *s, sqlite3_stmt *st,
                                  struct ags_trust_tsa *a,
                                  struct ags_error *err)
{
	const unsigned char *name = sqlite3_column_text(st, 0);
	const void *cert = sqlite3_column_blob(st, 1);
	int n = sqlite3_column_bytes(st, 1), bad;
	const char *why = NULL;

	memset(a, 0, sizeof(*a));
	a->name = name ? strdup((const char *)name) : NULL;
	if (sqlite3_column_type(st, 1) == SQLITE_BLOB && n > 0 &&
	    (size_t)n <= AGS_TRUST_CERT_MAX && (a->cert = malloc((size_t)n))) {
		memcpy(a->cert, cert, (size_t)n);
		a->cert_len = (size_t)n;
	}
	bad = ags_trust_db_column_time(st, 2, &a->valid_after, INT64_MIN) |
	      ags_trust_db_column_time(st, 3, &a->valid_before, INT64_MAX) |
	      ags_trust_db_column_time(st, 4, &a->revoked_time, 0);
	a->revoked = sqlite3_column_type(st, 4) != SQLITE_NULL;
	if (sqlite3_column_text(st, 5))
		a->revoked_reason =
		        strdup((const char *)sqlite3_column_text(st, 5));
	if (!a->name || ags_field_check(a->name, strlen(a->name)))
		why = "name is not a valid text field";
	else if (!a->cert)
		why = "certificate is missing or too large";
	else if ((why = ags_x509_read(&a->parsed, a->cert, a->cert_len)))
		;
	else if (bad)
		why = "a time is not a time";
	else if (a->valid_after >= a->valid_before)
		why = "valid-after is not before valid-before";
	else if (a->revoked_reason &&
	         (!a->revoked || ags_field_check(a->revoked_reason,
	                                         strlen(a->revoked_reason))))
		why = "reason is not valid, or given without revoked";
	if (why) {
		enum ags_err rc = ags_error_set(err, AGS_ERR_FORMAT, s->path, 0,
		                                0, "tsa \"%s\": %s",
		                                a->name ? a->name : "?", why);
		ags_trust_db_tsa_free(a);
		return rc;
	}
	return AGS_OK;
}

enum ags_err ags_trust_db_load_tsa(struct ags_trust_db *s, struct ags_trust *t,
                                   struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ags_err rc = AGS_OK;
	int step = SQLITE_DONE;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT " AGS_TRUST_DB_TSA_COLS
	                       " FROM tsa ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot read the tsa records");
	while (rc == AGS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ags_trust_tsa a, *grown;

		rc = ags_trust_db_row_tsa(s, st, &a, err);
		if (rc != AGS_OK)
			break;
		grown = realloc(t->tsa, (t->ntsa + 1) * sizeof(*grown));
		if (!grown) {
			ags_trust_db_tsa_free(&a);
			rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0,
			                   "%s", "out of memory");
			break;
		}
		t->tsa = grown;
		t->tsa[t->ntsa++] = a;
	}
	if (rc == AGS_OK && step != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot read the tsa records");
	sqlite3_finalize(st);
	return rc;
}

int ags_trust_db_bind_tsa(sqlite3_stmt *st, const struct ags_trust_tsa *a)
{
	return sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC) |
	       sqlite3_bind_blob(st, 2, a->cert, (int)a->cert_len,
	                         SQLITE_STATIC) |
	       (a->valid_after == INT64_MIN
	                ? sqlite3_bind_null(st, 3)
	                : sqlite3_bind_int64(st, 3, a->valid_after)) |
	       (a->valid_before == INT64_MAX
	                ? sqlite3_bind_null(st, 4)
	                : sqlite3_bind_int64(st, 4, a->valid_before)) |
	       (a->revoked ? sqlite3_bind_int64(st, 5, a->revoked_time)
	                   : sqlite3_bind_null(st, 5)) |
	       (a->revoked && a->revoked_reason
	                ? sqlite3_bind_text(st, 6, a->revoked_reason, -1,
	                                    SQLITE_STATIC)
	                : sqlite3_bind_null(st, 6));
}

static enum ags_err read_tsa(struct ags_trust_db *s, sqlite3_stmt *st, void *a,
                             struct ags_error *err)
{
	return ags_trust_db_row_tsa(s, st, a, err);
}

/* The record with a's name or certificate (*found 0 when none) into old,
 * read in the open transaction. */
static enum ags_err find_tsa(struct ags_trust_db *s, const char *name,
                             const uint8_t *cert, size_t cert_len,
                             struct ags_trust_tsa *old, int *found,
                             struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ags_err rc;
	long rows;
	int ok = sqlite3_prepare_v2(s->db,
	                            "SELECT " AGS_TRUST_DB_TSA_COLS
	                            " FROM tsa WHERE name = ?1 OR cert = ?2 "
	                            "ORDER BY id LIMIT 1",
	                            -1, &st, NULL) == SQLITE_OK &&
	         sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) ==
	                 SQLITE_OK &&
	         sqlite3_bind_blob(st, 2, cert ? (const void *)cert : "",
	                           (int)cert_len, SQLITE_STATIC) == SQLITE_OK;

	memset(old, 0, sizeof(*old));
	rc = ags_trust_db_rows(s, st, ok, read_tsa, old, &rows,
	                       "cannot read the tsa records", err);
	*found = rc == AGS_OK && rows > 0;
	return rc;
}

/* Runs sql (parameters: ags_trust_db_bind_tsa's) with a bound. */
static enum ags_err write_tsa(struct ags_trust_db *s, const char *sql,
                              const struct ags_trust_tsa *a,
                              struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ags_err rc = AGS_OK;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    ags_trust_db_bind_tsa(st, a) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot write");
	sqlite3_finalize(st);
	return rc;
}

/* The canonical line without its LF, malloc'd or NULL. */
static char *tsa_text(const struct ags_trust_tsa *a)
{
	char *line = a ? ags_trust_tsa_line(a) : NULL;

	if (line && *line)
		line[strlen(line) - 1] = '\0';
	return line;
}

/* Logs the change of the record named name from old to new (either
 * NULL) and commits; rolls back when that fails. */
static enum ags_err log_commit(struct ags_trust_db *s, int64_t now,
                               const char *op, const char *name,
                               const struct ags_trust_tsa *old,
                               const struct ags_trust_tsa *new,
                               const char *reason, struct ags_error *err)
{
	char record[AGS_FIELD_MAX + 8];
	char *o = tsa_text(old), *n = tsa_text(new);
	enum ags_err rc;

	snprintf(record, sizeof(record), "tsa %s", name);
	if ((old && !o) || (new && !n))
		rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                   "out of memory");
	else
		rc = ags_trust_db_log(s, now, op, record, o, n, reason, err);
	free(o);
	free(n);
	if (rc == AGS_OK)
		return ags_trust_db_commit(s, err);
	ags_trust_db_rollback(s);
	return rc;
}

enum ags_err ags_trust_db_add_tsa(struct ags_trust_db *s,
                                  const struct ags_trust_tsa *a, int64_t now,
                                  struct ags_error *err)
{
	const char *why = ags_trust_tsa_invalid(a);
	struct ags_trust_tsa old;
	enum ags_err rc;
	int found = 0;

	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                     "tsa \"%s\": %s", a->name ? a->name : "",
		                     why);
	if ((rc = ags_trust_db_begin(s, err)) != AGS_OK)
		return rc;
	rc = find_tsa(s, a->name, a->cert, a->cert_len, &old, &found, err);
	if (rc == AGS_OK && found)
		rc = ags_error_set(
		        err, AGS_ERR_EXISTS, s->path, 0, 0,
		        "the TSA's %s is already listed (tsa \"%s\")",
		        strcmp(old.name, a->name) == 0 ? "name" : "certificate",
		        old.name);
	ags_trust_db_tsa_free(&old);
	if (rc == AGS_OK)
		rc = write_tsa(s,
		               "INSERT INTO tsa(name, cert, valid_after, "
		               "valid_before, revoked, reason) "
		               "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
		               a, err);
	if (rc != AGS_OK) {
		ags_trust_db_rollback(s);
		return rc;
	}
	return log_commit(s, now, "add", a->name, NULL, a, NULL, err);
}

/* Opens the transaction of an edit of the record named name into a
 * (refused when there is none). */
static enum ags_err open_tsa(struct ags_trust_db *s, const char *name,
                             struct ags_trust_tsa *a, struct ags_error *err)
{
	enum ags_err rc = ags_trust_db_begin(s, err);
	int found = 0;

	memset(a, 0, sizeof(*a));
	if (rc != AGS_OK)
		return rc;
	rc = find_tsa(s, name, NULL, 0, a, &found, err);
	if (rc == AGS_OK && !found)
		rc = ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                   "no tsa \"%s\" in the trust store", name);
	if (rc != AGS_OK) {
		ags_trust_db_tsa_free(a);
		ags_trust_db_rollback(s);
	}
	return rc;
}

enum ags_err ags_trust_db_revoke_tsa(struct ags_trust_db *s, const char *name,
                                     int64_t when, const char *reason,
                                     int64_t now, struct ags_error *err)
{
	struct ags_trust_tsa a, to;
	char stamp[21];
	enum ags_err rc;

	if (ags_field_check(reason, strlen(reason)))
		return ags_error_set(err, AGS_ERR_INVALID, "--reason", 0, 0,
		                     "%s",
		                     ags_field_check(reason, strlen(reason)));
	if (ags_time_format(stamp, when) != 0)
		return ags_error_set(err, AGS_ERR_INVALID, "--time", 0, 0,
		                     "time out of range");
	if ((rc = open_tsa(s, name, &a, err)) != AGS_OK)
		return rc;
	to = a;
	to.revoked = 1;
	to.revoked_time = when;
	to.revoked_reason = (char *)reason;
	if (a.revoked)
		rc = ags_error_set(err, AGS_ERR_INVALID, s->path, 0, 0,
		                   "tsa \"%s\" is already revoked", name);
	else
		rc = write_tsa(s,
		               "UPDATE tsa SET valid_after = ?3, "
		               "valid_before = ?4, revoked = ?5, reason = ?6 "
		               "WHERE name = ?1 AND cert = ?2",
		               &to, err);
	if (rc == AGS_OK)
		rc = log_commit(s, now, "revoke", name, &a, &to, reason, err);
	else
		ags_trust_db_rollback(s);
	ags_trust_db_tsa_free(&a);
	return rc;
}

enum ags_err ags_trust_db_remove_tsa(struct ags_trust_db *s, const char *name,
                                     int64_t now, struct ags_error *err)
{
	struct ags_trust_tsa a;
	sqlite3_stmt *st = NULL;
	enum ags_err rc;

	if ((rc = open_tsa(s, name, &a, err)) != AGS_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM tsa WHERE name = ?1", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot write");
	sqlite3_finalize(st);
	if (rc == AGS_OK)
		rc = log_commit(s, now, "remove", name, &a, NULL, NULL, err);
	else
		ags_trust_db_rollback(s);
	ags_trust_db_tsa_free(&a);
	return rc;
}
