/* The history of a SQLite trust store (spec/trust-db.md §5): one row per
 * change, written in the change's own transaction, each row chained to
 * the one before it by SHA-256 so that a row changed or deleted by hand
 * shows (unless the chain after it was recomputed too). */
#include "trust_db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ags_err ags_trust_db_begin(struct ags_trust_db *s, struct ags_error *err)
{
	s->tail_known = 0;
	return ags_trust_db_exec(s, "BEGIN IMMEDIATE", err);
}

enum ags_err ags_trust_db_commit(struct ags_trust_db *s, struct ags_error *err)
{
	enum ags_err rc = ags_trust_db_exec(s, "COMMIT", err);

	if (rc != AGS_OK)
		ags_trust_db_rollback(s);
	return rc;
}

void ags_trust_db_rollback(struct ags_trust_db *s)
{
	s->tail_known = 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static void put_field(crypto_hash_sha256_state *h, const char *v)
{
	static const unsigned char null = 0, some = 1, lf = '\n';

	if (!v) {
		crypto_hash_sha256_update(h, &null, 1);
	} else {
		crypto_hash_sha256_update(h, &some, 1);
		crypto_hash_sha256_update(h, (const unsigned char *)v,
		                          strlen(v));
	}
	crypto_hash_sha256_update(h, &lf, 1);
}

void ags_trust_db_chain(uint8_t out[32], const uint8_t prev[32], long long seq,
                        int64_t at, const char *const f[5])
{
	crypto_hash_sha256_state h;
	char num[2][24];
	int i;

	snprintf(num[0], sizeof(num[0]), "%lld", seq);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)at);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, 32);
	put_field(&h, num[0]);
	put_field(&h, num[1]);
	for (i = 0; i < 5; i++)
		put_field(&h, f[i]);
	crypto_hash_sha256_final(&h, out);
}

/* The last row's seq and chain (0 and 32 zero bytes when none). */
static enum ags_err load_tail(struct ags_trust_db *s, struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	s->tail_seq = 0;
	memset(s->tail_chain, 0, sizeof(s->tail_chain));
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, chain FROM history "
	                       "ORDER BY seq DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot read the history");
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		s->tail_seq = sqlite3_column_int64(st, 0);
		memcpy(s->tail_chain, sqlite3_column_blob(st, 1), 32);
	} else if (step != SQLITE_DONE) {
		sqlite3_finalize(st);
		return step == SQLITE_ROW
		               ? ags_error_set(err, AGS_ERR_FORMAT, s->path, 0,
		                               0, "%s",
		                               "the last history row's chain "
		                               "is not 32 bytes")
		               : ags_trust_db_fail(s, err,
		                                   "cannot read the history");
	}
	sqlite3_finalize(st);
	s->tail_known = 1;
	return AGS_OK;
}

static int bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
	         : sqlite3_bind_null(st, i);
}

enum ags_err ags_trust_db_log(struct ags_trust_db *s, int64_t at,
                              const char *op, const char *record,
                              const char *old_line, const char *new_line,
                              const char *reason, struct ags_error *err)
{
	const char *f[5] = {op, record, old_line, new_line, reason};
	uint8_t chain[32];
	enum ags_err rc;
	int bad;

	if (!s->tail_known && (rc = load_tail(s, err)) != AGS_OK)
		return rc;
	if (!s->log &&
	    sqlite3_prepare_v3(s->db,
	                       "INSERT INTO history(seq, at, op, record, old, "
	                       "new, reason, chain) "
	                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                       -1, SQLITE_PREPARE_PERSISTENT, &s->log,
	                       NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot write the history");
	ags_trust_db_chain(chain, s->tail_chain, s->tail_seq + 1, at, f);
	sqlite3_reset(s->log);
	bad = sqlite3_bind_int64(s->log, 1, s->tail_seq + 1) |
	      sqlite3_bind_int64(s->log, 2, at) | bind_opt(s->log, 3, op) |
	      bind_opt(s->log, 4, record) | bind_opt(s->log, 5, old_line) |
	      bind_opt(s->log, 6, new_line) | bind_opt(s->log, 7, reason) |
	      sqlite3_bind_blob(s->log, 8, chain, 32, SQLITE_STATIC);
	if (bad != SQLITE_OK || sqlite3_step(s->log) != SQLITE_DONE) {
		sqlite3_reset(s->log);
		return ags_trust_db_fail(s, err, "cannot write the history");
	}
	sqlite3_reset(s->log);
	s->tail_seq++;
	memcpy(s->tail_chain, chain, 32);
	return AGS_OK;
}

/* --- reading it back --- */

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Row number want, read: its chain recomputed and compared. */
static enum ags_err check_row(struct ags_trust_db *s, sqlite3_stmt *st,
                              long long want, uint8_t chain[32],
                              struct ags_trust_db_event *ev,
                              struct ags_error *err)
{
	const char *f[5];
	uint8_t got[32];
	int i;

	ev->seq = sqlite3_column_int64(st, 0);
	ev->at = sqlite3_column_int64(st, 1);
	for (i = 0; i < 5; i++)
		f[i] = col(st, 2 + i);
	ev->op = f[0];
	ev->record = f[1];
	ev->old_line = f[2];
	ev->new_line = f[3];
	ev->reason = f[4];
	if (ev->seq != want || !ev->op || !ev->record ||
	    sqlite3_column_type(st, 1) != SQLITE_INTEGER)
		return ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0,
		                     "history row %lld: expected row %lld with "
		                     "every field (a row deleted, inserted or "
		                     "edited by hand?)",
		                     ev->seq, want);
	ags_trust_db_chain(got, chain, ev->seq, ev->at, f);
	if (sqlite3_column_bytes(st, 7) != 32 ||
	    memcmp(sqlite3_column_blob(st, 7), got, 32) != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, s->path, 0, 0,
		        "history row %lld: its chain does not match "
		        "(this row or one before it was changed by "
		        "hand?)",
		        ev->seq);
	memcpy(chain, got, 32);
	return AGS_OK;
}

enum ags_err ags_trust_db_history(struct ags_trust_db *s, const char *record,
                                  ags_trust_db_event_fn fn, void *ctx,
                                  uint8_t head[32], long long *rows,
                                  struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	struct ags_trust_db_event ev;
	enum ags_err rc = AGS_OK;
	long long n = 0;
	int step = SQLITE_DONE;

	memset(head, 0, 32);
	*rows = 0;
	/* The whole chain is checked, also when one record's rows are
	 * shown: a row of another record may be the one changed. */
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, at, op, record, old, new, reason, "
	                       "chain FROM history ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot read the history");
	while (rc == AGS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		rc = check_row(s, st, ++n, head, &ev, err);
		if (rc == AGS_OK &&
		    (!record || strcmp(record, ev.record) == 0) &&
		    fn(&ev, ctx) != 0)
			rc = ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
			                   "stopped: the output failed");
	}
	if (rc == AGS_OK && step != SQLITE_DONE)
		rc = ags_trust_db_fail(s, err, "cannot read the history");
	sqlite3_finalize(st);
	*rows = n;
	return rc;
}
