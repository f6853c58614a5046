/* The SQLite trust store (spec/trust-db.md): import and export are each
 * other's inverse, an import is all or nothing, lookups check the row and
 * the key, and a database that is not exactly a store of ours is refused
 * on open. */
#include <check.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agreesign.h"
#include "internal.h"
#include "trust_db.h"

/* keys/demo-author.pub, keys/demo-coauthor.pub */
#define PK1 "U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY="
#define PK2 "+gdiSEiMKxQeww/JMUb4gUJNb626G4md16Q8saD+irE="
/* PK1 plus a point of order 8: on the curve, not in the prime-order
 * group (a torsion component). */
#define TORSION "McblERR7bYaXoVRWdbWWiak5uNGXP9tHVZ4o6rQwdYs="

static const char text[] =
        "agreesign trust v1\n"
        "# a comment, not kept\n"
        "\"Inès Marović-Saldaña\" " PK1 " roles=author,co-author\n"
        "Tomás " PK2 " valid-before=2030-01-01T00:00:00Z "
        "revoked=2026-01-01T00:00:00Z reason=\"laptop stolen\"\n";
static const char exported[] =
        "agreesign trust v2\n"
        "key \"Inès Marović-Saldaña\" " PK1 " roles=author,co-author\n"
        "key Tomás " PK2 " roles=author,co-author "
        "valid-before=2030-01-01T00:00:00Z revoked=2026-01-01T00:00:00Z "
        "reason=\"laptop stolen\"\n";

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_trust_db.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.db", dir);
}

static void teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static enum ags_err import_jobs(const char *t, unsigned jobs,
                                struct ags_trust_db_count *n,
                                struct ags_error *err)
{
	struct ags_trust_db *db = NULL;
	FILE *in = fmemopen((void *)t, strlen(t), "r");
	enum ags_err rc;

	ck_assert_ptr_nonnull(in);
	rc = ags_trust_db_open(&db, path, AGS_TRUST_DB_CREATE, err);
	if (rc == AGS_OK)
		rc = ags_trust_db_import(db, in, "in.trust", 1000, jobs, n,
		                         err);
	ags_trust_db_close(db);
	fclose(in);
	return rc;
}

static enum ags_err import_text(const char *t, struct ags_trust_db_count *n,
                                struct ags_error *err)
{
	return import_jobs(t, 2, n, err);
}

static int put_buf(const char *line, size_t len, void *ctx)
{
	ags_buf_put(ctx, line, len);
	return 0;
}

/* The export of the store at path (malloc'd), or NULL with err set. */
static char *export_text(struct ags_error *err)
{
	struct ags_trust_db *db = NULL;
	struct ags_buf b = {0};
	enum ags_err rc = ags_trust_db_open(&db, path, AGS_TRUST_DB_READ, err);

	if (rc == AGS_OK)
		rc = ags_trust_db_export(db, put_buf, &b, err);
	ags_trust_db_close(db);
	if (rc != AGS_OK) {
		ags_buf_release(&b);
		return NULL;
	}
	ags_buf_put(&b, "", 1);
	return ags_buf_take(&b, NULL);
}

static void sql(const char *s)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, s, NULL, NULL, NULL) == SQLITE_OK,
	              "%s: %s", s, sqlite3_errmsg(db));
	sqlite3_close(db);
}

START_TEST(import_export_round_trip)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	char *out, *again;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	ck_assert_uint_eq(n.added, 2);
	out = export_text(&err);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, exported);
	/* the export imported into a new store exports the same */
	unlink(path);
	ck_assert_int_eq(import_text(out, &n, &err), AGS_OK);
	again = export_text(&err);
	ck_assert_str_eq(again, out);
	/* and into the same store: every record skipped */
	ck_assert_int_eq(import_text(out, &n, &err), AGS_OK);
	ck_assert_uint_eq(n.added, 0);
	ck_assert_uint_eq(n.skipped, 2);
	free(out);
	free(again);
}
END_TEST

/* A text of 1 + nkeys lines: distinct valid keys "K<line>", except
 * line `bad1` and `bad2` (TORSION, two names) and line `junk` (not a
 * record); 0 for none. */
static char *many_keys(int nkeys, int bad1, int bad2, int junk)
{
	struct ags_buf b = {0};
	unsigned char seed[32] = {0}, pk[32], sk[64];
	char b64[64];
	int line;

	ags_buf_puts(&b, "agreesign trust v2\n");
	for (line = 2; line <= nkeys + 1; line++) {
		char rec[128];
		memcpy(seed, &line, sizeof(line));
		crypto_sign_seed_keypair(pk, sk, seed);
		sodium_bin2base64(b64, sizeof(b64), pk, sizeof(pk),
		                  sodium_base64_VARIANT_ORIGINAL);
		if (line == junk)
			snprintf(rec, sizeof(rec), "kee K%d %s\n", line, b64);
		else
			snprintf(rec, sizeof(rec), "key K%d %s\n", line,
			         line == bad1 || line == bad2 ? TORSION : b64);
		ags_buf_puts(&b, rec);
	}
	ags_buf_put(&b, "", 1);
	return ags_buf_take(&b, NULL);
}

/* The key checks run on worker threads; whatever their number, an
 * import fails at the first bad line in file order (a bad key, or any
 * other error before it), and adds nothing. */
START_TEST(import_first_bad_line_any_jobs)
{
	static const unsigned jobs[] = {0, 1, 2, 3, 8};
	static const struct {
		int bad1, bad2, junk;
		long line;
		const char *text;
	} c[] = {
	        {400, 650, 0, 400, "not a valid Ed25519"},
	        /* the second TORSION conflicts with the first (inserted
	         * before its check), yet the bad key is the error */
	        {258, 259, 0, 258, "not a valid Ed25519"},
	        {400, 0, 500, 400, "not a valid Ed25519"},
	        {400, 0, 300, 300, "unknown record"},
	        {0, 0, 0, 0, NULL},
	};
	struct ags_trust_db_count n;
	size_t i, j;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *t = many_keys(700, c[i].bad1, c[i].bad2, c[i].junk);
		for (j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
			struct ags_error err = {0};
			enum ags_err rc = import_jobs(t, jobs[j], &n, &err);
			unlink(path);
			if (!c[i].text) {
				ck_assert_int_eq(rc, AGS_OK);
				ck_assert_uint_eq(n.added, 700);
				continue;
			}
			ck_assert_msg(rc == AGS_ERR_FORMAT &&
			                      err.line == c[i].line &&
			                      strstr(err.text, c[i].text),
			              "case %zu, %u jobs: line %ld: %s", i,
			              jobs[j], err.line, err.text);
			ck_assert_uint_eq(n.added, 0);
		}
		free(t);
	}
}
END_TEST

START_TEST(conflict_names_line_and_changes_nothing)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	char *out;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	/* a new key first, then PK1 with other roles on line 3 */
	ck_assert_int_eq(import_text("agreesign trust v2\n"
	                             "key New " TORSION "\n",
	                             &n, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "not a valid Ed25519"));
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	        import_text(
	                "agreesign trust v2\n"
	                "key \"Inès Marović-Saldaña\" " PK1
	                " roles=author,co-author\n"
	                "key B WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY=\n"
	                "key \"Inès Marović-Saldaña\" " PK1
	                " roles=publisher\n",
	                &n, &err),
	        AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 4);
	ck_assert_str_eq(err.source, "in.trust");
	ck_assert_ptr_nonnull(strstr(err.text, "already in the store"));
	out = export_text(&err);
	ck_assert_str_eq(out, exported); /* key B was not added */
	free(out);
}
END_TEST

START_TEST(lookup_and_load)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	struct ags_trust t;
	const struct ags_trust_entry *e;
	uint8_t pk[32];

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	ck_assert_int_eq(ags_trust_is_db(path), 1);
	ck_assert_int_eq(ags_trust_load(&t, path, &err), AGS_OK);
	ck_assert_ptr_nonnull(t.db);
	ck_assert_int_eq(ags_b64_decode_exact(pk, 32, PK2, strlen(PK2)), 0);
	ck_assert_int_eq(ags_trust_lookup(&t, pk, &e, &err), AGS_OK);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->identity, "Tomás");
	ck_assert_int_eq(e->revoked, 1);
	ck_assert_str_eq(e->revoked_reason, "laptop stolen");
	ck_assert(e->valid_after == INT64_MIN);
	/* the second lookup gives the same entry */
	ck_assert_ptr_eq(ags_trust_find(&t, pk), e);
	pk[0] ^= 1;
	ck_assert_int_eq(ags_trust_lookup(&t, pk, &e, &err), AGS_OK);
	ck_assert_ptr_null(e);
	ags_trust_release(&t);
}
END_TEST

/* A key put in by hand that is not a valid Ed25519 key: its lookup is an
 * error, not "untrusted" and not "trusted". */
START_TEST(hand_made_torsion_key)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	struct ags_trust t;
	const struct ags_trust_entry *e = NULL;
	uint8_t pk[32];
	char q[512];
	char hex[65], kid[AGS_KEYID_HEX + 1];

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	ck_assert_int_eq(ags_b64_decode_exact(pk, 32, TORSION, strlen(TORSION)),
	                 0);
	ags_hex_encode(hex, pk, 32);
	ags_key_id(kid, pk);
	snprintf(q, sizeof(q),
	         "INSERT INTO key(pk, key_id, identity, folded, roles) "
	         "VALUES(x'%s', '%s', 'T', 't', 3)",
	         hex, kid);
	sql(q);
	ck_assert_int_eq(ags_trust_load(&t, path, &err), AGS_OK);
	ck_assert_int_eq(ags_trust_lookup(&t, pk, &e, &err), AGS_ERR_FORMAT);
	ck_assert_ptr_null(e);
	ck_assert_ptr_nonnull(strstr(err.text, "not a valid Ed25519"));
	ags_trust_release(&t);
}
END_TEST

static const struct {
	const char *sql, *why;
} hostile[] = {
        {"CREATE TABLE extra(x)", "unexpected or changed table \"extra\""},
        {"PRAGMA user_version = 2", "schema version 2 is not known"},
        {"PRAGMA application_id = 1", "not an agreesign trust store"},
        {"DROP TRIGGER history_no_update",
         "missing trigger \"history_no_update\""},
        {"DROP INDEX key_folded", "missing index \"key_folded\""},
        /* a column dropped: the table made again without email */
        {"PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = "
         "replace(sql, 'email TEXT, ', '') WHERE name = 'key'",
         "unexpected or changed table \"key\""},
};

START_TEST(hostile_schema)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	struct ags_trust_db *db = NULL;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	sql(hostile[_i].sql);
	ck_assert_int_ne(ags_trust_db_open(&db, path, AGS_TRUST_DB_READ, &err),
	                 AGS_OK);
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(err.text, hostile[_i].why) != NULL, "%s",
	              err.text);
	ck_assert_str_eq(err.source, path);
}
END_TEST

START_TEST(hostile_rows)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	/* a key of 31 bytes, past the CHECK */
	sql("PRAGMA ignore_check_constraints = ON; INSERT INTO key(pk, "
	    "key_id, identity, folded, roles) VALUES(zeroblob(31), 'x', 'S', "
	    "'s', 3)");
	ck_assert_ptr_null(export_text(&err));
	ck_assert_ptr_nonnull(strstr(err.text, "not 32 bytes"));
}
END_TEST

START_TEST(not_a_store)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	FILE *f = fopen(path, "w");

	fputs("agreesign trust v2\n", f);
	fclose(f);
	ck_assert_int_eq(ags_trust_is_db(path), 0);
	/* CREATE does not make a text file a store */
	ck_assert_int_eq(
	        ags_trust_db_open(&db, path, AGS_TRUST_DB_CREATE, &err),
	        AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "not a SQLite trust store"));
	unlink(path);
	/* another SQLite database */
	sql("CREATE TABLE t(x)");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	        ags_trust_db_open(&db, path, AGS_TRUST_DB_CREATE, &err),
	        AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "not an agreesign trust store"));
}
END_TEST

START_TEST(history_rows_are_chained)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t prev[32] = {0}, want[32];
	int rows = 0;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT seq, at, op, record, old, "
	                                    "new, reason, chain FROM history "
	                                    "ORDER BY seq",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *f[5];
		int i;
		for (i = 0; i < 5; i++)
			f[i] = (const char *)sqlite3_column_text(st, 2 + i);
		rows++;
		ck_assert_int_eq(sqlite3_column_int(st, 0), rows);
		ck_assert_int_eq(sqlite3_column_int(st, 1), 1000);
		ck_assert_str_eq(f[0], "import");
		ck_assert_ptr_null(f[2]);
		ck_assert_int_eq(f[3][strlen(f[3]) - 1] != '\n', 1);
		ags_trust_db_chain(want, prev, rows, 1000, f);
		ck_assert_int_eq(sqlite3_column_bytes(st, 7), 32);
		ck_assert_mem_eq(sqlite3_column_blob(st, 7), want, 32);
		memcpy(prev, want, 32);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(rows, 2);
	/* append-only */
	ck_assert_int_ne(
	        sqlite3_exec(db, "DELETE FROM history", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
}
END_TEST

static int count_event(const struct ags_trust_db_event *ev, void *ctx)
{
	(void)ev;
	(*(int *)ctx)++;
	return 0;
}

/* Edits write their history row in their transaction; the chain shows a
 * row changed by hand (past the triggers). */
START_TEST(edits_and_history)
{
	struct ags_error err = {0};
	struct ags_trust_db_count n;
	struct ags_trust_db *db = NULL;
	struct ags_trust_change ch = {0};
	struct ags_pubkey pub;
	char name[64];
	uint8_t head[32];
	long long rows;
	int shown = 0;

	ck_assert_int_eq(import_text(text, &n, &err), AGS_OK);
	ck_assert_int_eq(ags_trust_db_open(&db, path, AGS_TRUST_DB_WRITE, &err),
	                 AGS_OK);
	ags_pubkey_init(&pub);
	ck_assert_int_eq(
	        ags_pubkey_load(&pub, "../keys/demo-publisher.pub", &err),
	        AGS_OK);
	ck_assert_int_eq(ags_trust_db_add(db, &pub, AGS_ROLE_PUBLISHER,
	                                  INT64_MIN, INT64_MAX, 2000, &err),
	                 AGS_OK);
	ck_assert_int_eq(ags_trust_db_add(db, &pub, AGS_ROLE_PUBLISHER,
	                                  INT64_MIN, INT64_MAX, 2000, &err),
	                 AGS_ERR_EXISTS);
	memset(&err, 0, sizeof(err));
	/* revoked: final, for revoke and set */
	ck_assert_int_eq(
	        ags_trust_db_revoke(db, "75170e1a030ddac764904c6820754f0c", 5,
	                            "x", 2001, name, sizeof(name), &err),
	        AGS_ERR_INVALID);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_db_revoke(db, pub.key_id, 5, "lost", 2001,
	                                     name, sizeof(name), &err),
	                 AGS_OK);
	ck_assert_str_eq(name, "Example Open Press");
	ch.roles = AGS_ROLE_AUTHOR;
	ck_assert_int_eq(
	        ags_trust_db_set(db, pub.key_id, &ch, 2002, NULL, 0, &err),
	        AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "revocation is final"));
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_db_set(db,
	                                  "c4aa99203f4c423c851c2b0b6c8abffd",
	                                  &ch, 2002, NULL, 0, &err),
	                 AGS_OK);
	ck_assert_int_eq(ags_trust_db_set(db,
	                                  "c4aa99203f4c423c851c2b0b6c8abffd",
	                                  &ch, 2002, NULL, 0, &err),
	                 AGS_ERR_INVALID); /* nothing to change */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	        ags_trust_db_remove(db, pub.key_id, 2003, NULL, 0, &err),
	        AGS_OK);
	ck_assert_int_eq(
	        ags_trust_db_remove(db, pub.key_id, 2003, NULL, 0, &err),
	        AGS_ERR_INVALID);
	memset(&err, 0, sizeof(err));
	/* 2 imports, add, revoke, set, remove; 3 of the publisher's key */
	ck_assert_int_eq(ags_trust_db_history(db, pub.key_id, count_event,
	                                      &shown, head, &rows, &err),
	                 AGS_OK);
	ck_assert_int_eq(rows, 6);
	ck_assert_int_eq(shown, 3);
	ags_trust_db_close(db);
	ags_pubkey_release(&pub);
	/* a row changed by hand, the triggers dropped first */
	sql("DROP TRIGGER history_no_update; UPDATE history SET reason = "
	    "'found' WHERE seq = 4");
	sql("CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN "
	    "SELECT RAISE(ABORT, 'history is append-only'); END");
	ck_assert_int_eq(ags_trust_db_open(&db, path, AGS_TRUST_DB_READ, &err),
	                 AGS_OK);
	ck_assert_int_eq(ags_trust_db_history(db, NULL, count_event, &shown,
	                                      head, &rows, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "history row 4"));
	ags_trust_db_close(db);
	/* a row deleted */
	sql("DROP TRIGGER history_no_delete; DELETE FROM history WHERE seq = "
	    "2");
	sql("CREATE TRIGGER history_no_delete BEFORE DELETE ON history BEGIN "
	    "SELECT RAISE(ABORT, 'history is append-only'); END");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_db_open(&db, path, AGS_TRUST_DB_READ, &err),
	                 AGS_OK);
	ck_assert_int_eq(ags_trust_db_history(db, NULL, count_event, &shown,
	                                      head, &rows, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(
	        strstr(err.text, "history row 3: expected row 2"));
	ags_trust_db_close(db);
}
END_TEST

Suite *trust_db_suite(void)
{
	Suite *s = suite_create("trust_db");
	TCase *tc = tcase_create("trust_db");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, import_export_round_trip);
	tcase_add_test(tc, conflict_names_line_and_changes_nothing);
	tcase_add_test(tc, import_first_bad_line_any_jobs);
	tcase_add_test(tc, lookup_and_load);
	tcase_add_test(tc, hand_made_torsion_key);
	tcase_add_loop_test(tc, hostile_schema, 0,
	                    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, hostile_rows);
	tcase_add_test(tc, not_a_store);
	tcase_add_test(tc, history_rows_are_chained);
	tcase_add_test(tc, edits_and_history);
	suite_add_tcase(s, tc);
	return s;
}
