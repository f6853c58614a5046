/* Stepping through the rows of a statement on a SQLite trust store, with
 * the error handling every reader of rows needs (lookups, export). */
#include "trust_db.h"

enum ags_err ags_trust_db_rows(struct ags_trust_db *s, sqlite3_stmt *st, int ok,
                               ags_trust_db_row_fn fn, void *ctx, long *rows,
                               const char *what, struct ags_error *err)
{
	enum ags_err rc = ok ? AGS_OK : ags_trust_db_fail(s, err, what);
	int step = SQLITE_DONE;
	long n = 0;

	while (rc == AGS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		rc = fn(s, st, ctx, err);
	}
	/* Before the finalize, which would clear the connection's error. */
	if (rc == AGS_OK && step != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, what);
	sqlite3_finalize(st);
	if (rows)
		*rows = n;
	return rc;
}
