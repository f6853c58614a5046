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
void ags_tpl_words_release(struct ags_tpl_words *ws);

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
	size_t nnames;
};

/* 1 when word pattern tok matches all of s[0..n), else 0. */
int ags_tpl_word_matches(const struct ags_template *t,
                         const struct ags_tpl_token *tok, const char *s,
                         size_t n);

/* Fills m->diffs (or m->problem) with the word-level differences between
 * template t and the agreement's words aw (src/template_diff.c). far_tok
 * and far_word are how far the matcher got, for texts too long to
 * compare word by word. Returns AGS_OK or AGS_ERR_NOMEM. */
enum ags_err ags_tpl_diff(struct ags_template_match *m,
                          const struct ags_template *t,
                          const struct ags_tpl_words *aw, size_t far_tok,
                          size_t far_word);

/* The first words of paragraph p of ws, "…" appended when there are
 * more: malloc'd, or NULL when out of memory. */
char *ags_tpl_first_words(const struct ags_tpl_words *ws, size_t p);

#endif
