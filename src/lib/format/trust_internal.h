/* What the trust file reader's three files share (trust_lex.c reads words
 * and options, trust.c the file and its key records, trust_tsa.c the v2
 * tsa records); not part of the API. */
#ifndef AGS_TRUST_INTERNAL_H
#define AGS_TRUST_INTERNAL_H

#include "internal.h"

/* A token's value is at most AGS_FIELD_MAX bytes, NUL excluded. */
#define AGS_TRUST_TOKEN_MAX (AGS_FIELD_MAX + 1)

/* The line being read: p..end, without its LF. */
struct ags_trust_cursor {
	const char *p, *end;
	const char *source;
	long line;
	struct ags_error *err;
	/* Key ids left empty, made when a key is looked up or checked
	 * (trust_index.c): ags_trust_load_lookup. */
	int lazy_ids;
};

/* Sets a format error naming the cursor's line; returns AGS_ERR_FORMAT. */
enum ags_err ags_trust_fail(struct ags_trust_cursor *c, const char *fmt, ...)
        AGS_PRINTF(2, 3);

/* Reads the next token into out (cap bytes, NUL included): bare, quoted
 * or name="quoted" (spec §9.1). Returns its length, or -1 (error set). */
long ags_trust_token(struct ags_trust_cursor *c, char *out, size_t cap);
void ags_trust_skip_blanks(struct ags_trust_cursor *c);

/* Where the options of a record go; a NULL member is an option the
 * record does not take (refused as unknown). */
struct ags_trust_opts {
	unsigned *roles;
	char **email, **orcid;
	int64_t *valid_after, *valid_before;
	int *revoked;
	int64_t *revoked_time;
	char **reason;
};

/* Reads the options up to the end of the line, each at most once; then
 * checks that reason comes with revoked and that the window is not
 * empty. */
enum ags_err ags_trust_options(struct ags_trust_cursor *c,
                               const struct ags_trust_opts *o);

/* Reads line c->line of a text trust file (c->p..c->end, without its LF)
 * into t: the header when it is line 1 (t->version), else the record it
 * holds appended to t->entries or t->tsa (none for a blank line or a
 * comment). File-wide rules (size, NUL, duplicates) are the caller's. */
enum ags_err ags_trust_read_line(struct ags_trust *t,
                                 struct ags_trust_cursor *c);

/* Reads a v2 `tsa` record (its keyword read) into t->tsa. */
enum ags_err ags_trust_tsa_add(struct ags_trust *t, struct ags_trust_cursor *c);
/* Refuses two tsa records with one name or one certificate. */
enum ags_err ags_trust_tsa_unique(const struct ags_trust *t,
                                  struct ags_trust_cursor *c);
void ags_trust_tsa_release(struct ags_trust *t);

/* trust_edit.c, shared with trust_tsa_edit.c (the tsa edits). */

/* The file to edit, parsed (t) and as v2 text (b): a copy of buf, or its
 * upgrade when it is v1 (spec §9.3 rule 6), or a bare header when it is
 * new (len 0). Line numbers are the same in both. */
enum ags_err ags_trust_edit_open(struct ags_trust *t, struct ags_buf *b,
                                 const char *buf, size_t len,
                                 const char *source, struct ags_error *err);
/* Takes b's text into *out after parsing it: an edit never gives a file
 * that does not read. b is released either way. */
enum ags_err ags_trust_edit_finish(char **out, size_t *out_len,
                                   struct ags_buf *b, const char *source,
                                   struct ags_error *err);
/* The bytes of line number `line` (1-based) of buf: start and length. */
const char *ags_trust_edit_line_at(const char *buf, size_t len, long line,
                                   size_t *n);
/* Replaces line `line` of b (without its LF) by the n bytes at with. */
void ags_trust_edit_replace_line(struct ags_buf *b, long line, const char *with,
                                 size_t n);
/* Writes into `to` a record's new line, made from its old one (old, n
 * bytes, without the LF); ctx is the maker's. */
typedef void (*ags_trust_line_maker)(struct ags_buf *to, const char *old,
                                     size_t n, const void *ctx);
/* The end of an edit of one record's line, t and b as ags_trust_edit_open
 * made them: refused (NULL or the message, which names the record) gives
 * AGS_ERR_INVALID at that line; else the line is replaced by what make
 * writes and the edit finished. t and b are released either way. */
enum ags_err ags_trust_edit_line(char **out, size_t *out_len,
                                 struct ags_trust *t, struct ags_buf *b,
                                 long line, const char *refused,
                                 ags_trust_line_maker make, const void *ctx,
                                 const char *source, struct ags_error *err);
/* A revocation to write (spec §9.3): the time as text and the reason. */
struct ags_trust_revocation {
	char stamp[21];
	const char *reason; /* borrowed */
};
/* Fills r, refusing a reason that is not a text field (source
 * "--reason") or a time out of range ("--time"). */
enum ags_err ags_trust_revocation_init(struct ags_trust_revocation *r,
                                       int64_t when, const char *reason,
                                       struct ags_error *err);
/* An ags_trust_line_maker (ctx: a struct ags_trust_revocation): the old
 * line, then " revoked=TIME reason=REASON" (the reason quoted). */
void ags_trust_revoked_line(struct ags_buf *to, const char *old, size_t n,
                            const void *ctx);

/* trust_index.c: t's keys sorted into t->index (a key listed twice is
 * refused, naming its line); then lookups by key, each key's Ed25519
 * checks made at its first lookup. */
enum ags_err ags_trust_index_build(struct ags_trust *t,
                                   struct ags_trust_cursor *c);
void ags_trust_index_free(struct ags_trust_index *ix);
enum ags_err ags_trust_index_lookup(const struct ags_trust *t,
                                    const uint8_t *pk,
                                    const struct ags_trust_entry **out,
                                    struct ags_error *err);
/* The entry of pk, its key not checked (an edit's duplicate test). */
const struct ags_trust_entry *ags_trust_index_find(const struct ags_trust *t,
                                                   const uint8_t *pk);

#endif
