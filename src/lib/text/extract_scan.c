/* Scanning an agreement's text for metadata extraction (spec/extraction.md,
 * "Anchor matching" and "Cleaning"): finding anchor phrases, the lines and
 * paragraphs a span of text covers, and the clean value a span holds. The
 * fields themselves are found in extract.c. Tested through ags_extract by
 * check_extract.c. */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---------------------------------------------------------------------
 * Anchor matching. Agreements are typed by people, so an anchor phrase
 * is a small pattern rather than a literal: in a pattern ' ' matches one
 * or more white-space bytes (line breaks included, so an anchor may wrap),
 * '~' matches zero or more, '"' matches a straight or curly double quote,
 * and every other byte matches itself ignoring ASCII case.
 */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Length of the double quote at t[i] (", U+201C or U+201D), or 0. */
static size_t quote_len(const char *t, size_t n, size_t i)
{
	if (t[i] == '"')
		return 1;
	if (i + 3 <= n && memcmp(t + i, "\xE2\x80", 2) == 0 &&
	    (t[i + 2] == '\x9C' || t[i + 2] == '\x9D'))
		return 3;
	return 0;
}

static size_t skip_space(const char *t, size_t n, size_t i)
{
	while (i < n && is_space(t[i]))
		i++;
	return i;
}

size_t ags_ex_match_at(const char *t, size_t n, size_t i, const char *p)
{
	size_t k;

	for (; *p; p++) {
		if (*p == ' ' || *p == '~') {
			k = skip_space(t, n, i);
			if (*p == ' ' && k == i)
				return 0;
			i = k;
		} else if (i >= n) {
			return 0;
		} else if (*p == '"') {
			if ((k = quote_len(t, n, i)) == 0)
				return 0;
			i += k;
		} else if (lower(t[i]) != lower(*p)) {
			return 0;
		} else {
			i++;
		}
	}
	return i;
}

bool ags_ex_find_first(struct ags_ex_hit *h, const char *t, size_t n,
                       size_t from, size_t to, const char *p)
{
	size_t i, e;

	for (i = from; i < to; i++) {
		if (lower(t[i]) == lower(p[0]) &&
		    (e = ags_ex_match_at(t, n, i, p)) != 0) {
			h->start = i;
			h->end = e;
			return true;
		}
	}
	return false;
}

bool ags_ex_find_last(struct ags_ex_hit *h, const char *t, size_t from,
                      size_t to, const char *p)
{
	struct ags_ex_hit cur;
	bool found = false;

	while (ags_ex_find_first(&cur, t, to, from, to, p)) {
		*h = cur;
		found = true;
		from = cur.start + 1;
	}
	return found;
}

/* ---------------------------------------------------------------------
 * Lines and paragraphs.
 */

size_t ags_ex_line_end(const char *t, size_t n, size_t i)
{
	const char *nl = memchr(t + i, '\n', n - i);

	return nl ? (size_t)(nl - t) : n;
}

bool ags_ex_is_blank(const char *s, size_t n)
{
	return skip_space(s, n, 0) == n;
}

bool ags_ex_is_rule(const char *s, size_t n)
{
	size_t i, marks = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '-' || s[i] == '*' || s[i] == '_')
			marks++;
		else if (!is_space(s[i]))
			return false;
	}
	return marks >= 3;
}

/* Start of the line holding t[pos]. */
static size_t line_start(const char *t, size_t pos)
{
	while (pos > 0 && t[pos - 1] != '\n')
		pos--;
	return pos;
}

size_t ags_ex_para_start(const char *t, size_t pos)
{
	size_t ls = line_start(t, pos), prev;

	while (ls > 0) {
		prev = line_start(t, ls - 1);
		if (ags_ex_is_blank(t + prev, ls - 1 - prev))
			break;
		ls = prev;
	}
	return ls;
}

bool ags_ex_has_blank_line(const char *t, size_t from, size_t to)
{
	size_t i, e;

	for (i = from; i < to; i = e + 1) {
		e = ags_ex_line_end(t, to, i);
		if (i > from && e < to && ags_ex_is_blank(t + i, e - i))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Cleaning a value: Markdown and HTML decoration is layout, not content,
 * so it is removed before the value is checked. Each pass edits s in
 * place and returns the new length.
 */

bool ags_ex_starts_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit), i;

	if (k > n)
		return false;
	for (i = 0; i < k; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

/* Length of the HTML tag at s ("<b>", "</i>", "<br/>", "<sup id=x>"), or
 * 0: a '<' then an optional '/', a letter, letters or digits, then '>',
 * '/' or a space, and a '>' before any '<' or line break. Text such as
 * "<http://x>" or "a < b" is not a tag. */
static size_t tag_len(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] != '<')
		return 0;
	if (s[i] == '/')
		i++;
	if (i >= n || !ags_ex_is_alnum(s[i]) || (s[i] >= '0' && s[i] <= '9'))
		return 0;
	while (i < n && ags_ex_is_alnum(s[i]))
		i++;
	if (i >= n || (s[i] != '>' && s[i] != '/' && s[i] != ' '))
		return 0;
	while (i < n && s[i] != '>' && s[i] != '<' && s[i] != '\n')
		i++;
	return i < n && s[i] == '>' ? i + 1 : 0;
}

/* Length of a <sup>…</sup> element at s, content included, or 0. A
 * footnote mark is not part of a title or a name. The closing tag must
 * start within SUP_MAX bytes: marks are short, and the bound keeps a text
 * full of unclosed <sup> tags linear. */
#define SUP_MAX 256

static size_t sup_len(const char *s, size_t n)
{
	struct ags_ex_hit h;

	if (!ags_ex_starts_ci(s, n, "<sup") || tag_len(s, n) == 0)
		return 0;
	if (!ags_ex_find_first(&h, s, n, 0, n < SUP_MAX ? n : SUP_MAX,
	                       "</sup>"))
		return 0;
	return h.end;
}

static size_t strip_markup(char *s, size_t n)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		if ((k = sup_len(s + i, n - i)) || (k = tag_len(s + i, n - i)))
			i += k;
		else if (i + 1 < n && (s[i] == '*' || s[i] == '_') &&
		         s[i + 1] == s[i])
			i += 2;
		else
			s[o++] = s[i++];
	}
	return o;
}

/* Turns every run of white space into one space and trims both ends. */
static size_t collapse_space(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (!is_space(s[i]))
			s[o++] = s[i];
		else if (o > 0 && s[o - 1] != ' ')
			s[o++] = ' ';
	}
	if (o > 0 && s[o - 1] == ' ')
		o--;
	return o;
}

/* Length of the superscript digit (¹²³⁰⁴…⁹) at s, or 0. */
static size_t supdigit_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0xC2 &&
	    (s[1] == 0xB9 || s[1] == 0xB2 || s[1] == 0xB3))
		return 2;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 &&
	    (s[2] == 0xB0 || (s[2] >= 0xB4 && s[2] <= 0xB9)))
		return 3;
	return 0;
}

/* Removes footnote marks written as superscript digits from both ends. */
static size_t strip_supdigits(char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t head = 0, k;

	while ((k = supdigit_len(u + head, n - head)) != 0)
		head += k;
	for (;;) {
		if (n - head >= 2 && supdigit_len(u + n - 2, 2) == 2)
			n -= 2;
		else if (n - head >= 3 && supdigit_len(u + n - 3, 3) == 3)
			n -= 3;
		else
			break;
	}
	memmove(s, s + head, n - head);
	return n - head;
}

/* A value wrapped whole in one '*' or '_' is Markdown italics: unwrap it.
 * Single marks inside a value may be content, so they stay. */
static size_t strip_italics(char *s, size_t n)
{
	if (n < 3 || (s[0] != '*' && s[0] != '_') || s[n - 1] != s[0])
		return n;
	memmove(s, s + 1, n - 2);
	return collapse_space(s, n - 2);
}

static size_t strip_trailing_comma(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ',' || s[n - 1] == ' '))
		n--;
	return n;
}

char *ags_ex_clean_line(size_t *len, const char *t, size_t i, size_t e)
{
	char *s = ags_strndup(t + i, e - i);

	if (s)
		*len = collapse_space(s, strip_markup(s, e - i));
	return s;
}

/* ---------------------------------------------------------------------
 * Turning a span of text into a field value.
 */

/* Copies the lines of t[from..to) that are neither blank nor rules,
 * joined by one space, into a malloc'd buffer of *len bytes. */
static char *join_lines(size_t *len, const char *t, size_t from, size_t to)
{
	char *buf = malloc(to - from + 1);
	size_t i = from, o = 0, e;

	if (!buf)
		return NULL;
	while (i < to) {
		e = ags_ex_line_end(t, to, i);
		if (!ags_ex_is_blank(t + i, e - i) &&
		    !ags_ex_is_rule(t + i, e - i)) {
			if (o > 0)
				buf[o++] = ' ';
			memcpy(buf + o, t + i, e - i);
			o += e - i;
		}
		i = e + 1;
	}
	*len = o;
	return buf;
}

enum ags_err ags_ex_accept_value(char **out, const char *s, size_t n)
{
	struct ags_ex_hit h;
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t r;

	*out = NULL;
	/* A template's field, {{name}}, is a blank to fill, not a value
	 * (spec/templates.md): a template's statement names no title. */
	if (n == 0 || (ags_ex_find_first(&h, s, n, 0, n, "{{") &&
	               ags_ex_find_first(&h, s, n, 0, n, "}}")))
		return AGS_OK;
	/* Most values need no normalization (see ags_nfc_trivial), and
	 * utf8proc_map costs a third of what signing does. */
	if (ags_nfc_trivial(s, n)) {
		nfc = (utf8proc_uint8_t *)ags_strndup(s, n);
		r = nfc ? (utf8proc_ssize_t)n : UTF8PROC_ERROR_NOMEM;
	} else {
		r = utf8proc_map((const utf8proc_uint8_t *)s,
		                 (utf8proc_ssize_t)n, &nfc,
		                 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	}
	if (r == UTF8PROC_ERROR_NOMEM)
		return AGS_ERR_NOMEM;
	if (r < 0)
		return AGS_OK;
	if (ags_field_check((char *)nfc, (size_t)r) != NULL) {
		free(nfc);
		return AGS_OK;
	}
	*out = (char *)nfc;
	return AGS_OK;
}

enum ags_err ags_ex_span_value(char **out, const char *t, size_t from,
                               size_t to, bool comma)
{
	enum ags_err rc;
	size_t n;
	char *buf;

	*out = NULL;
	if (to <= from)
		return AGS_OK;
	if (!(buf = join_lines(&n, t, from, to)))
		return AGS_ERR_NOMEM;
	n = collapse_space(buf, strip_markup(buf, n));
	n = strip_italics(buf, collapse_space(buf, strip_supdigits(buf, n)));
	if (comma)
		n = strip_trailing_comma(buf, n);
	rc = ags_ex_accept_value(out, buf, n);
	free(buf);
	return rc;
}
