/* A trust store in a SQLite database (spec/trust-db.md): opened only when
 * it is one of ours, of a schema version we know, with exactly our
 * tables; keys looked up one at a time through the primary key's index,
 * so that a store of a million keys costs a verification what a store of
 * ten does. A key's group is checked when it is first looked up. */
#include "trust_db.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define APPLICATION_ID 0x41475354 /* "AGST" */
#define SCHEMA_VERSION 1

/* The schema, as spec/trust-db.md §2 gives it. A store's sqlite_master
 * must hold exactly what these statements make in an empty database. */
static const char schema[] =
        "CREATE TABLE key(id INTEGER PRIMARY KEY, "
        "pk BLOB NOT NULL UNIQUE CHECK(typeof(pk) = 'blob' AND "
        "length(pk) = 32), key_id TEXT NOT NULL UNIQUE, "
        "identity TEXT NOT NULL, folded TEXT NOT NULL, "
        "roles INTEGER NOT NULL CHECK(roles BETWEEN 1 AND 7), "
        "email TEXT, orcid TEXT, valid_after INTEGER, valid_before INTEGER, "
        "revoked INTEGER, reason TEXT);\n"
        "CREATE INDEX key_folded ON key(folded);\n"
        "CREATE TABLE tsa(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "cert BLOB NOT NULL UNIQUE, valid_after INTEGER, "
        "valid_before INTEGER, revoked INTEGER, reason TEXT);\n"
        "CREATE TABLE history(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
        "op TEXT NOT NULL, record TEXT NOT NULL, old TEXT, new TEXT, "
        "reason TEXT, chain BLOB NOT NULL);\n"
        "CREATE INDEX history_record ON history(record);\n"
        "CREATE TRIGGER history_no_update BEFORE UPDATE ON history "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;\n"
        "CREATE TRIGGER history_no_delete BEFORE DELETE ON history "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;\n";

enum ags_err ags_trust_db_fail(struct ags_trust_db *s, struct ags_error *err,
                               const char *what)
{
	int code = sqlite3_errcode(s->db);
	enum ags_err rc = code == SQLITE_NOMEM ? AGS_ERR_NOMEM : AGS_ERR_IO;

	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		rc = AGS_ERR_FORMAT;
	return ags_error_set(err, rc, s->path, 0, 0, "%s: %s", what,
	                     sqlite3_errmsg(s->db));
}

enum ags_err ags_trust_db_exec(struct ags_trust_db *s, const char *sql,
                               struct ags_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "trust store");
	return AGS_OK;
}

int ags_trust_is_db(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	struct stat st;
	ssize_t n = 0;
	/* O_NONBLOCK: a FIFO given as a trust file must not hang the
	 * look (the text reader refuses it). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, head, sizeof(head));
	close(fd);
	return n == (ssize_t)sizeof(head) &&
	       memcmp(head, magic, sizeof(head)) == 0;
}

/* One integer from a PRAGMA or SELECT; -1 with err set on failure. */
static long long query_int(struct ags_trust_db *s, const char *sql,
                           struct ags_error *err)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		ags_trust_db_fail(s, err, "cannot read the store");
	else
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* sqlite_master of db as one text (type, name, table, sql; by name). */
static char *master_text(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	struct ags_buf b = {0};

	if (sqlite3_prepare_v2(db,
	                       "SELECT type, name, tbl_name, ifnull(sql, '') "
	                       "FROM sqlite_master ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i;
		for (i = 0; i < 4; i++) {
			const char *v =
			        (const char *)sqlite3_column_text(st, i);
			ags_buf_puts(&b, v ? v : "");
			ags_buf_put(&b, i < 3 ? "\t" : "\n", 1);
		}
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		b.failed = 1;
	ags_buf_put(&b, "", 1);
	return ags_buf_take(&b, NULL);
}

/* Whether the whole line at l (up to its LF) is a line of text. */
static int has_line(const char *text, const char *l)
{
	size_t n = strcspn(l, "\n") + 1;
	const char *p;

	for (p = text; *p; p += strcspn(p, "\n") + 1)
		if (strncmp(p, l, n) == 0)
			return 1;
	return 0;
}

/* Names the first object (its type and name) that one schema has and the
 * other has not, or has otherwise. */
static enum ags_err schema_differs(struct ags_trust_db *s, const char *want,
                                   const char *have, struct ags_error *err)
{
	const char *l, *what = "unexpected or changed";

	for (l = have; *l && has_line(want, l); l += strcspn(l, "\n") + 1)
		;
	if (!*l) {
		what = "missing";
		for (l = want; *l && has_line(have, l);
		     l += strcspn(l, "\n") + 1)
			;
	}
	return ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0,
	                     "not the schema of an agreesign trust store: "
	                     "%s %.*s \"%.*s\"",
	                     what, (int)strcspn(l, "\t"), l,
	                     (int)strcspn(l + strcspn(l, "\t") + 1, "\t"),
	                     l + strcspn(l, "\t") + 1);
}

/* The checks of spec/trust-db.md §4: ours, a version we know, exactly our
 * schema. Reads a few pages, whatever the store's size. */
static enum ags_err check_store(struct ags_trust_db *s, struct ags_error *err)
{
	sqlite3 *mem = NULL;
	char *want = NULL, *have = NULL;
	long long app, version;
	enum ags_err rc = AGS_OK;

	if ((app = query_int(s, "PRAGMA application_id", err)) < 0)
		return err ? err->code : AGS_ERR_FORMAT;
	if (app != APPLICATION_ID)
		return ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0, "%s",
		                     "a SQLite database, but not an agreesign "
		                     "trust store");
	if ((version = query_int(s, "PRAGMA user_version", err)) < 0)
		return err ? err->code : AGS_ERR_FORMAT;
	if (version != SCHEMA_VERSION)
		return ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0,
		                     "trust store schema version %lld is not "
		                     "known (this reader knows %d)",
		                     version, SCHEMA_VERSION);
	if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE, NULL) !=
	            SQLITE_OK ||
	    sqlite3_exec(mem, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    !(want = master_text(mem)))
		rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                   "out of memory");
	else if (!(have = master_text(s->db)))
		rc = ags_trust_db_fail(s, err, "cannot read the schema");
	else if (strcmp(want, have) != 0)
		rc = schema_differs(s, want, have, err);
	free(want);
	free(have);
	sqlite3_close(mem);
	return rc;
}

/* A new, empty database file: make it a store. */
static enum ags_err create_store(struct ags_trust_db *s, struct ags_error *err)
{
	char sql[128];
	enum ags_err rc;
	long long n = query_int(s, "SELECT count(*) FROM sqlite_master", err);

	if (n < 0)
		return err ? err->code : AGS_ERR_IO;
	if (n > 0 || query_int(s, "PRAGMA user_version", err) != 0 ||
	    query_int(s, "PRAGMA application_id", err) != 0)
		return AGS_OK; /* not empty: check_store judges it */
	/* WAL: readers never wait for a writer (spec/trust-db.md §6). */
	snprintf(sql, sizeof(sql),
	         "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; "
	         "PRAGMA application_id = %d; PRAGMA user_version = %d;",
	         APPLICATION_ID, SCHEMA_VERSION);
	rc = ags_trust_db_exec(s, sql, err);
	if (rc == AGS_OK && (rc = ags_trust_db_exec(s, schema, err)) == AGS_OK)
		rc = ags_trust_db_exec(s, "COMMIT", err);
	if (rc != AGS_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Whether the folder of path may be written: SQLite keeps a store's
 * journal (the -wal and -shm files) beside it, so a writer needs it. */
static int folder_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ok;

	if (!slash)
		return access(".", W_OK) == 0;
	if (slash == path)
		return access("/", W_OK) == 0;
	if (!(dir = strndup(path, (size_t)(slash - path))))
		return 1; /* SQLite will tell */
	ok = access(dir, W_OK) == 0;
	free(dir);
	return ok;
}

static enum ags_err connect(struct ags_trust_db *s, int mode,
                            struct ags_error *err)
{
	int flags = mode == AGS_TRUST_DB_READ ? SQLITE_OPEN_READONLY
	                                      : SQLITE_OPEN_READWRITE;

	if (mode == AGS_TRUST_DB_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	/* Each connection is used under our lock or by one thread. */
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK)
		return s->db ? ags_trust_db_fail(s, err, "cannot open")
		             : ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0,
		                             "%s", "out of memory");
	/* A hostile store must not run code or corrupt itself through its
	 * schema (spec/trust-db.md §4). */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* A minute: twenty writers queued behind one another on a slow or
	 * loaded machine (or under valgrind) must all get their turn. */
	sqlite3_busy_timeout(s->db, 60000);
	if (mode != AGS_TRUST_DB_READ && sqlite3_db_readonly(s->db, "main"))
		return ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
		                     "the trust store is read-only");
	if (mode != AGS_TRUST_DB_READ && !folder_writable(s->path))
		return ags_error_set(err, AGS_ERR_IO, s->path, 0, 0, "%s",
		                     "the trust store's folder is read-only (a "
		                     "writer keeps its journal there)");
	return AGS_OK;
}

enum ags_err ags_trust_db_open(struct ags_trust_db **out, const char *path,
                               int mode, struct ags_error *err)
{
	struct ags_trust_db *s = calloc(1, sizeof(*s));
	struct stat st;
	enum ags_err rc = AGS_OK;

	*out = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0, "%s",
		                     "out of memory");
	}
	pthread_mutex_init(&s->lock, NULL);
	/* CREATE makes a missing or empty file a store, and nothing else. */
	if (!ags_trust_is_db(path) &&
	    (mode != AGS_TRUST_DB_CREATE ||
	     (stat(path, &st) == 0 && st.st_size > 0)))
		rc = ags_error_set(err, AGS_ERR_FORMAT, path, 0, 0, "%s",
		                   "not a SQLite trust store");
	if (rc == AGS_OK)
		rc = connect(s, mode, err);
	if (rc == AGS_OK && mode == AGS_TRUST_DB_CREATE)
		rc = create_store(s, err);
	if (rc == AGS_OK)
		rc = check_store(s, err);
	if (rc == AGS_OK && sqlite3_prepare_v3(s->db,
	                                       "SELECT " AGS_TRUST_DB_KEY_COLS
	                                       " FROM key WHERE pk = ?1",
	                                       -1, SQLITE_PREPARE_PERSISTENT,
	                                       &s->find, NULL) != SQLITE_OK)
		rc = ags_trust_db_fail(s, err, "cannot read the store");
	if (rc != AGS_OK) {
		ags_trust_db_close(s);
		return rc;
	}
	*out = s;
	return AGS_OK;
}

void ags_trust_db_entry_free(struct ags_trust_entry *e)
{
	if (!e)
		return;
	free(e->identity);
	free(e->email);
	free(e->orcid);
	free(e->revoked_reason);
}

void ags_trust_db_close(struct ags_trust_db *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nslots; i++) {
		ags_trust_db_entry_free(s->slots[i]);
		free(s->slots[i]);
	}
	free(s->slots);
	sqlite3_finalize(s->find);
	sqlite3_finalize(s->log);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}

/* --- rows and entries --- */

static char *column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v ? strdup((const char *)v) : NULL;
}

int ags_trust_db_column_time(sqlite3_stmt *st, int col, int64_t *out,
                             int64_t unset)
{
	char buf[21];

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		*out = unset;
		return 0;
	}
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return -1;
	*out = sqlite3_column_int64(st, col);
	return ags_time_format(buf, *out);
}

/* Why the text fields of e are not what a trust file allows, or NULL. */
static const char *entry_invalid(const struct ags_trust_entry *e)
{
	if (!e->identity || ags_field_check(e->identity, strlen(e->identity)))
		return "identity is not a valid text field";
	if (e->email && (ags_field_check(e->email, strlen(e->email)) ||
	                 ags_email_check(e->email)))
		return "email is not a valid e-mail address";
	if (e->orcid && (ags_field_check(e->orcid, strlen(e->orcid)) ||
	                 ags_orcid_check(e->orcid)))
		return "orcid is not a valid ORCID iD";
	if (e->revoked_reason &&
	    (!e->revoked ||
	     ags_field_check(e->revoked_reason, strlen(e->revoked_reason))))
		return "reason is not valid, or given without revoked";
	if (e->roles < 1 || e->roles > AGS_ROLE_ALL)
		return "roles is not a set of roles";
	if (e->valid_after >= e->valid_before)
		return "valid-after is not before valid-before";
	return NULL;
}

enum ags_err ags_trust_db_row_entry(struct ags_trust_db *s, sqlite3_stmt *st,
                                    int col, struct ags_trust_entry *e,
                                    struct ags_error *err)
{
	const void *pk = sqlite3_column_blob(st, col);
	const char *why = NULL;
	int bad_time;

	if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, col) != AGS_PUBLICKEY_BYTES)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, s->path, 0, 0, "%s",
		        "a key record's public key is not 32 bytes");
	memcpy(e->pk, pk, AGS_PUBLICKEY_BYTES);
	ags_key_id(e->key_id, e->pk);
	e->identity = column_text(st, col + 1);
	e->roles = sqlite3_column_type(st, col + 2) == SQLITE_INTEGER
	                   ? (unsigned)sqlite3_column_int(st, col + 2)
	                   : 0;
	e->email = column_text(st, col + 3);
	e->orcid = column_text(st, col + 4);
	bad_time = ags_trust_db_column_time(st, col + 5, &e->valid_after,
	                                    INT64_MIN) |
	           ags_trust_db_column_time(st, col + 6, &e->valid_before,
	                                    INT64_MAX);
	e->revoked = sqlite3_column_type(st, col + 7) != SQLITE_NULL;
	bad_time |= ags_trust_db_column_time(st, col + 7, &e->revoked_time, 0);
	e->revoked_reason = column_text(st, col + 8);
	if (sqlite3_column_type(st, col + 9) != SQLITE_TEXT ||
	    strcmp((const char *)sqlite3_column_text(st, col + 9), e->key_id))
		why = "key_id is not the key's id";
	else if (bad_time)
		why = "a time is not a time";
	else
		why = entry_invalid(e);
	if (why) {
		enum ags_err rc =
		        ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0,
		                      "key %s: %s", e->key_id, why);
		ags_trust_db_entry_free(e);
		memset(e, 0, sizeof(*e));
		return rc;
	}
	return AGS_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
	         : sqlite3_bind_null(st, i);
}

static int bind_time(sqlite3_stmt *st, int i, int64_t v, int64_t unset)
{
	return v == unset ? sqlite3_bind_null(st, i)
	                  : sqlite3_bind_int64(st, i, v);
}

enum ags_err ags_trust_db_bind_entry(struct ags_trust_db *s, sqlite3_stmt *st,
                                     const struct ags_trust_entry *e,
                                     struct ags_error *err)
{
	char *folded = ags_text_fold(e->identity);
	int rc;

	if (!folded)
		return ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                     "out of memory");
	rc = sqlite3_bind_blob(st, 1, e->pk, AGS_PUBLICKEY_BYTES,
	                       SQLITE_TRANSIENT) |
	     bind_text(st, 2, e->identity) | bind_text(st, 3, folded) |
	     sqlite3_bind_int(st, 4, (int)e->roles) |
	     bind_text(st, 5, e->email) | bind_text(st, 6, e->orcid) |
	     bind_time(st, 7, e->valid_after, INT64_MIN) |
	     bind_time(st, 8, e->valid_before, INT64_MAX) |
	     (e->revoked ? sqlite3_bind_int64(st, 9, e->revoked_time)
	                 : sqlite3_bind_null(st, 9)) |
	     bind_text(st, 10, e->revoked ? e->revoked_reason : NULL) |
	     sqlite3_bind_text(st, 11, e->key_id, -1, SQLITE_TRANSIENT);
	free(folded);
	return rc == SQLITE_OK ? AGS_OK
	                       : ags_trust_db_fail(s, err, "cannot write");
}

/* --- lookups --- */

static size_t slot_of(const struct ags_trust_db *s, const uint8_t *pk)
{
	uint64_t h;

	/* Keys of the store are public and spread evenly. */
	memcpy(&h, pk, sizeof(h));
	return (size_t)(h % s->nslots);
}

static struct ags_trust_entry *cached(const struct ags_trust_db *s,
                                      const uint8_t *pk)
{
	size_t i;

	if (s->nslots == 0)
		return NULL;
	for (i = slot_of(s, pk); s->slots[i]; i = (i + 1) % s->nslots)
		if (memcmp(s->slots[i]->pk, pk, AGS_PUBLICKEY_BYTES) == 0)
			return s->slots[i];
	return NULL;
}

static int remember(struct ags_trust_db *s, struct ags_trust_entry *e)
{
	size_t i;

	if (2 * (s->nused + 1) > s->nslots) {
		struct ags_trust_entry **old = s->slots;
		size_t n = s->nslots, j;
		s->nslots = n ? 2 * n : 64;
		if (!(s->slots = calloc(s->nslots, sizeof(*s->slots)))) {
			s->slots = old;
			s->nslots = n;
			return -1;
		}
		for (j = 0; j < n; j++)
			if (old[j]) {
				for (i = slot_of(s, old[j]->pk); s->slots[i];
				     i = (i + 1) % s->nslots)
					;
				s->slots[i] = old[j];
			}
		free(old);
	}
	for (i = slot_of(s, e->pk); s->slots[i]; i = (i + 1) % s->nslots)
		;
	s->slots[i] = e;
	s->nused++;
	return 0;
}

/* The record of pk from the store, checked, or NULL when there is none. */
static enum ags_err fetch(struct ags_trust_db *s, const uint8_t *pk,
                          struct ags_trust_entry **out, struct ags_error *err)
{
	struct ags_trust_entry *e;
	enum ags_err rc = AGS_OK;
	int step;

	*out = NULL;
	sqlite3_reset(s->find);
	if (sqlite3_bind_blob(s->find, 1, pk, AGS_PUBLICKEY_BYTES,
	                      SQLITE_STATIC) != SQLITE_OK)
		return ags_trust_db_fail(s, err, "cannot read the store");
	step = sqlite3_step(s->find);
	if (step == SQLITE_DONE)
		return AGS_OK;
	if (step != SQLITE_ROW)
		return ags_trust_db_fail(s, err, "cannot read the store");
	if (!(e = calloc(1, sizeof(*e))))
		return ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                     "out of memory");
	rc = ags_trust_db_row_entry(s, s->find, 0, e, err);
	/* The key entered the store checked; a store edited by hand may
	 * hold a key that is not, and verification relies on it. */
	if (rc == AGS_OK && !ags_public_key_valid(e->pk))
		rc = ags_error_set(err, AGS_ERR_FORMAT, s->path, 0, 0,
		                   "key %s: not a valid Ed25519 public key",
		                   e->key_id);
	if (rc == AGS_OK && remember(s, e) != 0)
		rc = ags_error_set(err, AGS_ERR_NOMEM, s->path, 0, 0, "%s",
		                   "out of memory");
	sqlite3_reset(s->find);
	if (rc != AGS_OK) {
		ags_trust_db_entry_free(e);
		free(e);
		return rc;
	}
	*out = e;
	return AGS_OK;
}

enum ags_err ags_trust_db_lookup(struct ags_trust_db *s, const uint8_t *pk,
                                 const struct ags_trust_entry **out,
                                 struct ags_error *err)
{
	struct ags_trust_entry *e;
	enum ags_err rc = AGS_OK;

	pthread_mutex_lock(&s->lock);
	if (!(e = cached(s, pk)))
		rc = fetch(s, pk, &e, err);
	pthread_mutex_unlock(&s->lock);
	*out = e;
	return rc;
}
