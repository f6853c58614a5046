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
