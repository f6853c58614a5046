/* What the SQLite trust store's files share (trust_db.c opens a store and
 * looks keys up, trust_db_import.c imports and exports text,
 * trust_db_edit.c edits records, trust_db_history.c keeps the history);
 * not part of the API. Schema: spec/trust-db.md. */
#ifndef AGS_TRUST_DB_H
#define AGS_TRUST_DB_H

#include "internal.h"

#include <pthread.h>
#include <sqlite3.h>

struct ags_trust_db {
	sqlite3 *db;
	char *path;         /* for messages */
	sqlite3_stmt *find; /* SELECT of one key record by its bytes */
	/* Lookups made so far, by key: an entry handed out stays valid
	 * until the store is closed. Guarded by lock (batch workers). */
	pthread_mutex_t lock;
	struct ags_trust_entry **slots;
	size_t nslots, nused;
	/* The last history row, read once per transaction (history.c). */
	int tail_known;
	long long tail_seq;
	uint8_t tail_chain[32];
	sqlite3_stmt *log; /* the history INSERT, prepared once */
};

/* BEGIN IMMEDIATE (the write lock now, waiting up to the busy timeout),
 * COMMIT and ROLLBACK of a change. */
enum ags_err ags_trust_db_begin(struct ags_trust_db *s, struct ags_error *err);
enum ags_err ags_trust_db_commit(struct ags_trust_db *s, struct ags_error *err);
void ags_trust_db_rollback(struct ags_trust_db *s);

/* Sets err from the connection's last error (source: the store). */
enum ags_err ags_trust_db_fail(struct ags_trust_db *s, struct ags_error *err,
                               const char *what);

/* Runs one SQL statement without results. */
enum ags_err ags_trust_db_exec(struct ags_trust_db *s, const char *sql,
                               struct ags_error *err);

/* Fills e (zeroed by the caller) from the columns of a key row starting at
 * column col (AGS_TRUST_DB_KEY_COLS) and checks every field as the text
 * format's reader would, but not the key's group (done on first use). */
enum ags_err ags_trust_db_row_entry(struct ags_trust_db *s, sqlite3_stmt *st,
                                    int col, struct ags_trust_entry *e,
                                    struct ags_error *err);
void ags_trust_db_entry_free(struct ags_trust_entry *e);

/* Reads the row st stands on (trust_db_rows.c). */
typedef enum ags_err (*ags_trust_db_row_fn)(struct ags_trust_db *s,
                                            sqlite3_stmt *st, void *ctx,
                                            struct ags_error *err);
/* Steps st to its end, calling fn on each row until fn fails. ok is 0
 * when preparing or binding st failed (the connection's error is told,
 * prefixed by what, as is a failed step). *rows (unless NULL) counts the
 * rows read. st is finalized in every case. */
enum ags_err ags_trust_db_rows(struct ags_trust_db *s, sqlite3_stmt *st, int ok,
                               ags_trust_db_row_fn fn, void *ctx, long *rows,
                               const char *what, struct ags_error *err);

/* The column list that ags_trust_db_row_entry reads, for SELECTs. */
#define AGS_TRUST_DB_KEY_COLS                                                  \
	"pk, identity, roles, email, orcid, valid_after, valid_before, "       \
	"revoked, reason, key_id"

/* Binds e's fields to the statement's parameters 1..11 (pk, identity,
 * folded identity, roles, email, orcid, valid_after, valid_before,
 * revoked, reason, key_id). */
enum ags_err ags_trust_db_bind_entry(struct ags_trust_db *s, sqlite3_stmt *st,
                                     const struct ags_trust_entry *e,
                                     struct ags_error *err);

/* The canonical line of e (spec §9.6) without its LF; malloc'd or NULL. */
char *ags_trust_db_key_text(const struct ags_trust_entry *e);

/* The chain of a history row (spec/trust-db.md §5): SHA-256 of the
 * previous row's chain, then seq, at and the fields op, record, old, new,
 * reason (NULL: none), each as 0x00 (NULL) or 0x01 and its bytes, then
 * LF. */
void ags_trust_db_chain(uint8_t out[32], const uint8_t prev[32], long long seq,
                        int64_t at, const char *const f[5]);

/* Appends a history row (spec/trust-db.md §5) in the open transaction:
 * op, the record (a key id or "tsa NAME"), its old and new canonical
 * lines (NULL: none), the reason given (NULL: none), at time `at`. */
enum ags_err ags_trust_db_log(struct ags_trust_db *s, int64_t at,
                              const char *op, const char *record,
                              const char *old_line, const char *new_line,
                              const char *reason, struct ags_error *err);

/* The column list that ags_trust_db_row_tsa reads, for SELECTs. */
#define AGS_TRUST_DB_TSA_COLS                                                  \
	"name, cert, valid_after, valid_before, revoked, reason"

/* A time column (trust_db.c): NULL gives `unset`; anything else must be
 * an integer in the range of spec §1.3 times. 0, or -1 when it is not. */
int ags_trust_db_column_time(sqlite3_stmt *st, int col, int64_t *out,
                             int64_t unset);

/* trust_db_tsa.c: fills a (its strings malloc'd: ags_trust_db_tsa_free)
 * from a row of AGS_TRUST_DB_TSA_COLS, checked as the text reader checks
 * a tsa record; an error names the record. */
enum ags_err ags_trust_db_row_tsa(struct ags_trust_db *s, sqlite3_stmt *st,
                                  struct ags_trust_tsa *a,
                                  struct ags_error *err);
void ags_trust_db_tsa_free(struct ags_trust_tsa *a);
/* Binds a's fields to parameters 1..6 (name, cert, valid_after,
 * valid_before, revoked, reason) of an INSERT into tsa; SQLITE_OK or an
 * error code. */
int ags_trust_db_bind_tsa(sqlite3_stmt *st, const struct ags_trust_tsa *a);

/* trust_db_check.c: an import's key checks on worker threads. The
 * caller's thread pushes each key with its line; the workers keep the
 * lowest line whose key fails the Ed25519 checks (spec §5.3 rules 3-6). */
#define AGS_KEY_CHUNK 256
struct ags_key_chunk {
	uint8_t pk[AGS_KEY_CHUNK][AGS_PUBLICKEY_BYTES];
	long line[AGS_KEY_CHUNK]; /* increasing */
	size_t n;
};
struct ags_key_check {
	struct ags_key_chunk cur; /* being filled by the caller */
	struct ags_key_chunk *ring;
	size_t cap, filled, taken; /* chunks in the ring, handed, taken */
	long bad;                  /* lowest failing line, or LONG_MAX */
	int stop;
	pthread_t *threads;
	unsigned started;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
};
/* Starts jobs worker threads (0: the checks run on the caller's thread,
 * as they do when no thread can be started). */
void ags_key_check_start(struct ags_key_check *k, unsigned jobs);
/* Queues pk (of line `line`, lines increasing); 1 once a key is known to
 * fail (the caller may stop reading), else 0. */
int ags_key_check_push(struct ags_key_check *k, const uint8_t *pk, long line);
/* Waits for every queued check, stops the workers; the lowest failing
 * line, or 0 when every key passed. */
long ags_key_check_finish(struct ags_key_check *k);

#endif
