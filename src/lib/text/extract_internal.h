/* What extract_scan.c (anchors, lines, cleaning) offers extract.c (the
 * fields); not part of the API. The rules are in spec/extraction.md. */
#ifndef AGS_EXTRACT_INTERNAL_H
#define AGS_EXTRACT_INTERNAL_H

#include "internal.h"

#include <stdbool.h>

static inline bool ags_ex_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* True when s (n bytes) starts with lit, which is lower case, ignoring
 * ASCII case. */
bool ags_ex_starts_ci(const char *s, size_t n, const char *lit);

/* ---- anchors (spec/extraction.md, "Anchor matching") ---------------- */

/* End of the match of pattern p at t[i], or 0 when p does not match
 * there (a match is never empty: every pattern starts with a literal).
 * In a pattern ' ' matches one or more white-space bytes, '~' zero or
 * more, '"' a straight or curly double quote, and every other byte
 * itself ignoring ASCII case. */
size_t ags_ex_match_at(const char *t, size_t n, size_t i, const char *p);

/* Where a pattern matched: t[start..end). */
struct ags_ex_hit {
	size_t start, end;
};

/* The first match of p starting in t[from..to). */
bool ags_ex_find_first(struct ags_ex_hit *h, const char *t, size_t n,
                       size_t from, size_t to, const char *p);
/* The last match of p starting in t[from..to) that ends by `to`. */
bool ags_ex_find_last(struct ags_ex_hit *h, const char *t, size_t from,
                      size_t to, const char *p);

/* ---- lines and paragraphs ------------------------------------------- */

/* The end of the line holding t[i]: the offset of its LF, or n. */
size_t ags_ex_line_end(const char *t, size_t n, size_t i);
/* True when s (n bytes) is only white space. */
bool ags_ex_is_blank(const char *s, size_t n);
/* A Markdown thematic break: three or more '-', '*' or '_' and spaces. */
bool ags_ex_is_rule(const char *s, size_t n);
/* Start of the paragraph holding t[pos]: just after the nearest blank
 * line before it, or the start of the text. */
size_t ags_ex_para_start(const char *t, size_t pos);
/* True when a blank line lies wholly inside t[from..to): the span
 * crosses a paragraph break. */
bool ags_ex_has_blank_line(const char *t, size_t from, size_t to);

/* ---- values (spec/extraction.md, "Cleaning") ------------------------ */

/* Sets *out to the NFC form of s (n bytes) when it is an acceptable field
 * value, else to NULL. Only running out of memory is an error. */
enum ags_err ags_ex_accept_value(char **out, const char *s, size_t n);
/* The value held by t[from..to): its lines joined, decoration removed,
 * white space collapsed; a trailing comma removed when `comma` (it
 * belongs to the sentence, not to the name). Then as
 * ags_ex_accept_value. */
enum ags_err ags_ex_span_value(char **out, const char *t, size_t from,
                               size_t to, bool comma);
/* A cleaned (markup removed, white space collapsed), malloc'd copy of line
 * t[i..e) of *len bytes, or NULL. */
char *ags_ex_clean_line(size_t *len, const char *t, size_t i, size_t e);

#endif
