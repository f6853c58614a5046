/* The tsa records of a SQLite trust store (spec/trust-db.md §2): each row
 * read and checked as the text reader checks a tsa line, and all of them
 * loaded when a store is opened for verification (a publisher pins a few
 * TSAs, not thousands: they are held in memory like a text file's). */
#include "trust_db.h"

#include <stdlib.h>
#include <string.h>

void ags_trust_db_tsa_free(struct ags_trust_tsa *a)
{
	free(a->name);
	free(a->cert);
	free(a->revoked_reason);
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
	else if ((why = ags_x509_check(a->cert, a->cert_len)) != NULL)
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
