/* What the JSON reader's two halves share: the reader's state, and the
 * scanners of json_scan.c (strings, numbers, literals: the tokens, read in
 * place) that the tree builder of json_read.c calls. Not part of the API;
 * only these two files include it. */
#ifndef AGS_JSON_SCAN_H
#define AGS_JSON_SCAN_H

#include "internal.h"

#include <stdint.h>

/* The reader: the bytes left, and the first problem met. */
struct ags_json_rd {
	const unsigned char *p;   /* the next byte to read */
	const unsigned char *end; /* one past the last byte */
	size_t depth;             /* of the value being read */
	char *scratch;            /* decoded strings that hold escapes */
	size_t scratch_cap;
	const unsigned char *at; /* where the first problem is */
	const char *why;         /* the first problem, or NULL */
	int nomem;
	const unsigned char *minus_zero; /* the first integer "-0", or NULL */
};

/* Records the first problem (at, why) unless one is recorded already;
 * returns -1 for the callers' convenience. */
int ags_json_bad(struct ags_json_rd *r, const unsigned char *at,
                 const char *why);
/* Records running out of memory at r->p; returns -1. */
int ags_json_nomem(struct ags_json_rd *r);

/* JSON's white space: space, tab, LF, CR; one test per byte. Inline:
 * the tree builder skips white space around every token. */
static inline int ags_json_is_ws(unsigned char c)
{
	const uint64_t ws =
	        1ull << ' ' | 1ull << '\t' | 1ull << '\n' | 1ull << '\r';

	return c <= ' ' && (ws >> c & 1) != 0;
}

static inline void ags_json_skip_ws(struct ags_json_rd *r)
{
	const unsigned char *p = r->p;

	while (p < r->end && ags_json_is_ws(*p))
		p++;
	r->p = p;
}

/* Reads the string at r->p (its opening quote) and moves r->p past its
 * closing quote. *s points into the input when the string holds no
 * escape, else into r->scratch, valid until the next string is read; *n
 * is its length. Well-formed UTF-8 without U+0000 either way. 0, or -1
 * with the problem recorded. */
int ags_json_scan_string(struct ags_json_rd *r, const char **s, size_t *n);
/* Reads the number at r->p (a minus or a digit): a new json_integer or
 * json_real, or NULL with the problem recorded. What follows it is left
 * to the caller, who refuses anything but a separator. */
json_t *ags_json_scan_number(struct ags_json_rd *r);
/* Reads true, false or null at r->p: the value, or NULL with the problem
 * recorded. A letter after it is left to the caller, as for a number. */
json_t *ags_json_scan_literal(struct ags_json_rd *r);

#endif
