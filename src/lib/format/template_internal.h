/* Shared by src/template*.c and src/report_html.c; not part of the API.
 * The rules these structures implement are in spec/templates.md. */
#ifndef AGS_TEMPLATE_INTERNAL_H
#define AGS_TEMPLATE_INTERNAL_H

#include "internal.h"

/* Limits of the template syntax: each keeps matching a word linear. */
#define AGS_TPL_DIRECTIVES_PER_WORD 4u
#define AGS_TPL_ALTERNATIVES        8u
#define AGS_TPL_ALTERNATIVE_MAX     64u /* bytes of one alternative */
#define AGS_TPL_NAME_MAX            64u /* bytes of a field name */
#define AGS_TPL_FIELDS_MAX          64u /* fields (occurrences) in a template */

/* The first line of a template of this format (spec/templates.md,
 * "Version"); a template without it is refused. */
#define AGS_TPL_VERSION_LINE "{{agreesign-template/v2}}"

/* The bounds of a field's shape (spec/templates.md, "Fields"). */
#define AGS_TPL_LINE_BYTES 300u /* a field of one line (the default) */
#define AGS_TPL_LINES_MAX  9u   /* lines=N: N at most */
#define AGS_TPL_DATE_BYTES 64u  /* a date field */
/* ags_tpl_value removes at most this many bytes from the joined words:
 * four pairs of marks (2 + 2 + 1 + 1 on each side) and a space each side
 * of a word that was only marks. */
#define AGS_TPL_VALUE_SHRINK 14u

/* A word of a canonical text: bytes [off, off + len) of the text, in
 * paragraph para (0-based), on line `line` (1-based). */
struct ags_tpl_word {
	size_t off, len, para;
	long line;
};

/* The words of a canonical text and its paragraphs: blocks separated by
 * blank lines, also split before each line that starts a list item. */
struct ags_tpl_words {
	const char *text; /* borrowed */
	struct ags_tpl_word *w;
	size_t n;
	size_t *para_first; /* index of each paragraph's first word */
	size_t npara;
};

/* Splits text (canonical, len bytes) into words. Returns 0, or -1 when
 * out of memory. Release with ags_tpl_words_release. */
int ags_tpl_words_split(struct ags_tpl_words *ws, const char *text, size_t len);
/* The same for text[from .. len), whose first line is line line0 + 1 of
 * text (word offsets stay offsets in text). */
int ags_tpl_words_split_from(struct ags_tpl_words *ws, const char *text,
                             size_t len, size_t from, long line0);
void ags_tpl_words_release(struct ags_tpl_words *ws);

/* The first words of paragraph p of ws, "…" appended when there are
 * more: malloc'd, or NULL when out of memory. */
char *ags_tpl_first_words(const struct ags_tpl_words *ws, size_t p);

/* Grows the array *pp (of size-byte items, room for *cap) to hold need
 * items. Returns 0, or -1 when out of memory (*pp is then unchanged). The
 * word splitter and the template parser grow their arrays with it. */
int ags_tpl_grow(void *pp, size_t *cap, size_t need, size_t size);

/* A piece of a template word: literal bytes (nalts == 0) or a choice
 * between alts[alt0 .. alt0 + nalts) (an alternative may be empty). */
struct ags_tpl_piece {
	const char *s;
	size_t len;
	size_t alt0, nalts;
};

struct ags_tpl_alt {
	const char *s;
	size_t len;
};

/* One token of a template: a word pattern, or a field. */
struct ags_tpl_token {
	int field;    /* index into names[], or -1 for a word pattern */
	int optional; /* a word pattern that may match no word at all */
	int literal;  /* a word pattern of one literal piece */
	size_t piece0, npieces;
	size_t word; /* its word in the template's words */
};

/* What a field may take: the words of one paragraph on at most `lines`
 * lines, at most `max` bytes once joined by single spaces, and, for a
 * date, a value that is a date. */
struct ags_tpl_shape {
	unsigned lines;
	size_t max;
	int date;
};

/* A field (a distinct name): its shape, and the tokens of its first and
 * last use. */
struct ags_tpl_field {
	struct ags_tpl_shape shape;
	size_t first, last, uses;
};

struct ags_template {
	char *text; /* the canonical template text, NUL-terminated */
	size_t len;
	uint8_t sha512[AGS_DIGEST_BYTES];
	struct ags_tpl_words words;
	struct ags_tpl_token *tok;
	size_t ntok;
	struct ags_tpl_piece *pieces;
	size_t npieces;
	struct ags_tpl_alt *alts;
	size_t nalts;
	char **names; /* distinct field names, in order of first use */
	struct ags_tpl_field *fields; /* one per name */
	size_t nnames;
};

/* Reads the shape written after "name:" in s[0..n) (n == 0: none, the
 * default). Returns 0, or -1 when it is no shape. */
int ags_tpl_shape_parse(struct ags_tpl_shape *sh, const char *s, size_t n);

/* 1 when a field of shape sh that starts at word s of aw may reach word
 * e: the same paragraph, within sh->lines lines. Bytes are not counted
 * here. */
int ags_tpl_shape_spans(const struct ags_tpl_shape *sh,
                        const struct ags_tpl_words *aw, size_t s, size_t e);

/* The value of a field that took words s .. e - 1 of aw (rule 7: joined
 * by one space, emphasis around the whole removed), written to buf,
 * which holds their joined bytes and a NUL. Returns its length. */
size_t ags_tpl_value(char *buf, const struct ags_tpl_words *aw, size_t s,
                     size_t e);

/* 1 when s[0..n) is a date as spec/templates.md defines it. */
int ags_tpl_is_date(const char *s, size_t n);

/* 1 when word pattern tok matches all of s[0..n), else 0. */
int ags_tpl_word_matches(const struct ags_template *t,
                         const struct ags_tpl_token *tok, const char *s,
                         size_t n);

/* The states a match found failing (src/template_memo.c), as keys made
 * by the matcher. Past AGS_TPL_MEMO_MAX of them nothing more is
 * remembered: the step budget still ends the search. */
#define AGS_TPL_MEMO_MAX (1u << 20)
struct ags_tpl_memo {
	uint64_t *slot;
	size_t cap, n;
};
int ags_tpl_memo_has(const struct ags_tpl_memo *m, uint64_t key);
/* Remembers key. Returns 0, or -1 when out of memory. */
int ags_tpl_memo_add(struct ags_tpl_memo *m, uint64_t key);
void ags_tpl_memo_release(struct ags_tpl_memo *m);

/* Contexts: the word numbers that bound the values of the repeated
 * fields a state depends on, each vector numbered once (0, 1, ...). Past
 * AGS_TPL_CTX_MAX vectors the number is AGS_TPL_CTX_NONE: such states are
 * not remembered. */
#define AGS_TPL_CTX_MAX  32767u
#define AGS_TPL_CTX_NONE ((uint32_t)-1)
struct ags_tpl_ctxs {
	uint32_t *pool; /* every vector, end to end */
	size_t npool, poolcap;
	size_t *off, *len; /* of vector id in pool */
	size_t n, idcap;
	uint32_t *slot; /* hash set: id + 1, 0 empty */
	size_t cap;
};
/* Sets *id to the number of vector v[0..n). Returns 0, or -1 when out of
 * memory. */
int ags_tpl_ctx_intern(struct ags_tpl_ctxs *c, const uint32_t *v, size_t n,
                       uint32_t *id);
void ags_tpl_ctxs_release(struct ags_tpl_ctxs *c);

/* Fills m->diffs (or m->problem) with the word-level differences between
 * template t and the agreement's words aw (src/template_diff.c). far_tok
 * and far_word are how far the matcher got, for texts too long to
 * compare word by word. Returns AGS_OK or AGS_ERR_NOMEM. */
enum ags_err ags_tpl_diff(struct ags_template_match *m,
                          const struct ags_template *t,
                          const struct ags_tpl_words *aw, size_t far_tok,
                          size_t far_word);

#endif
