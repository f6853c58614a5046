/* Metadata extraction: reads title, author, venue, publisher, license and
 * date out of an agreement's canonical text. Each field is the text
 * between two anchor phrases of the agreement form; a field whose anchors
 * are missing, or whose value is empty, too long or ambiguous, stays NULL,
 * because a wrong value in a signed statement is worse than none.
 * The rules are written down in spec/extraction.md. */
#include "internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define NFIELDS 6

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

/* End of the match of pattern p at t[i], or 0 when p does not match
 * there (a match is never empty: every pattern starts with a literal). */
static size_t match_at(const char *t, size_t n, size_t i, const char *p)
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

struct hit {
	size_t start, end;
};

/* The first match of p starting in t[from..to). */
static bool find_first(struct hit *h, const char *t, size_t n, size_t from,
                       size_t to, const char *p)
{
	size_t i, e;

	for (i = from; i < to; i++) {
		if (lower(t[i]) == lower(p[0]) &&
		    (e = match_at(t, n, i, p)) != 0) {
			h->start = i;
			h->end = e;
			return true;
		}
	}
	return false;
}

/* The last match of p starting in t[from..to) that ends by `to`. */
static bool find_last(struct hit *h, const char *t, size_t from, size_t to,
                      const char *p)
{
	struct hit cur;
	bool found = false;

	while (find_first(&cur, t, to, from, to, p)) {
		*h = cur;
		found = true;
		from = cur.start + 1;
	}
	return found;
}

/* ---------------------------------------------------------------------
 * Lines and paragraphs.
 */

static size_t line_end(const char *t, size_t n, size_t i)
{
	const char *nl = memchr(t + i, '\n', n - i);

	return nl ? (size_t)(nl - t) : n;
}

static bool is_blank(const char *s, size_t n)
{
	return skip_space(s, n, 0) == n;
}

/* A Markdown thematic break: three or more '-', '*' or '_' and spaces. */
static bool is_rule(const char *s, size_t n)
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

/* Start of the paragraph holding t[pos]: just after the nearest blank
 * line before it, or the start of the text. */
static size_t para_start(const char *t, size_t pos)
{
	size_t ls = line_start(t, pos), prev;

	while (ls > 0) {
		prev = line_start(t, ls - 1);
		if (is_blank(t + prev, ls - 1 - prev))
			break;
		ls = prev;
	}
	return ls;
}

/* True when a blank line lies wholly inside t[from..to): the span
 * crosses a paragraph break. */
static bool has_blank_line(const char *t, size_t from, size_t to)
{
	size_t i, e;

	for (i = from; i < to; i = e + 1) {
		e = line_end(t, to, i);
		if (i > from && e < to && is_blank(t + i, e - i))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Cleaning a value: Markdown and HTML decoration is layout, not content,
 * so it is removed before the value is checked. Each pass edits s in
 * place and returns the new length.
 */

static bool starts_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit), i;

	if (k > n)
		return false;
	for (i = 0; i < k; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
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
	if (i >= n || !is_alnum(s[i]) || (s[i] >= '0' && s[i] <= '9'))
		return 0;
	while (i < n && is_alnum(s[i]))
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
	struct hit h;

	if (!starts_ci(s, n, "<sup") || tag_len(s, n) == 0)
		return 0;
	if (!find_first(&h, s, n, 0, n < SUP_MAX ? n : SUP_MAX, "</sup>"))
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
		e = line_end(t, to, i);
		if (!is_blank(t + i, e - i) && !is_rule(t + i, e - i)) {
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

/* Sets *out to the NFC form of s (n bytes) when it is an acceptable field
 * value, else to NULL. Only running out of memory is an error. */
static enum ags_err accept_value(char **out, const char *s, size_t n)
{
	struct hit h;
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t r;

	*out = NULL;
	/* A template's field, {{name}}, is a blank to fill, not a value
	 * (spec/templates.md): a template's statement names no title. */
	if (n == 0 || (find_first(&h, s, n, 0, n, "{{") &&
	               find_first(&h, s, n, 0, n, "}}")))
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

/* The value held by t[from..to): its lines joined, decoration removed,
 * white space collapsed; a trailing comma removed when `comma` (it
 * belongs to the sentence, not to the name). */
static enum ags_err span_value(char **out, const char *t, size_t from,
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
	rc = accept_value(out, buf, n);
	free(buf);
	return rc;
}

/* ---------------------------------------------------------------------
 * The fields. Each sets *out to a malloc'd value or NULL.
 */

#define ARTICLE_MARK     "(~\"the article\"~)"
#define PROCEEDINGS_MARK "(~\"the proceedings\"~)"
#define PUBLISHER_MARK   "(~\"the publisher\"~)"

/* Between "currently entitled" (and an optional colon) and the article
 * mark that follows it. */
static enum ags_err find_title(char **out, const char *t, size_t n)
{
	struct hit a, b;
	size_t from;

	*out = NULL;
	if (!find_first(&a, t, n, 0, n, "currently entitled"))
		return AGS_OK;
	from = a.end < n && t[a.end] == ':' ? a.end + 1 : a.end;
	if (!find_first(&b, t, n, from, n, ARTICLE_MARK))
		return AGS_OK;
	return span_value(out, t, from, b.start, false);
}

/* Between "The parties to this Agreement are:" and the "(name of
 * corresponding author" caption under the blank the name is written on. */
static enum ags_err find_author(char **out, const char *t, size_t n)
{
	struct hit a, b;

	*out = NULL;
	if (!find_first(&a, t, n, 0, n, "the parties to this agreement are~:"))
		return AGS_OK;
	if (!find_first(&b, t, n, a.end, n, "(~name of corresponding author"))
		return AGS_OK;
	return span_value(out, t, a.end, b.start, false);
}

/* True when t[i] does not continue a word, so that a match at i starts
 * a word of its own. */
static bool word_start(const char *t, size_t i)
{
	return i == 0 || !is_alnum(t[i - 1]);
}

/* X in "published in X (“the proceedings”)", within one paragraph. */
static enum ags_err find_proceedings(char **out, const char *t, size_t n)
{
	struct hit m, a;
	size_t ps;

	*out = NULL;
	if (!find_first(&m, t, n, 0, n, PROCEEDINGS_MARK))
		return AGS_OK;
	ps = para_start(t, m.start);
	if (!find_last(&a, t, ps, m.start, "published in ") ||
	    !word_start(t, a.start) || has_blank_line(t, a.end, m.start))
		return AGS_OK;
	return span_value(out, t, a.end, m.start, true);
}

/* X in "and X, (“the publisher”)": the text after the first word "and"
 * that follows the last ')' before the mark (or the paragraph start).
 * Starting after the ')' keeps a preceding parenthetical such as
 * (… “you”) out; taking the first "and" keeps "Smith and Sons" whole. */
static enum ags_err find_publisher(char **out, const char *t, size_t n)
{
	struct hit m, a;
	size_t from, i;

	*out = NULL;
	if (!find_first(&m, t, n, 0, n, PUBLISHER_MARK))
		return AGS_OK;
	from = para_start(t, m.start);
	for (i = from; i < m.start; i++)
		if (t[i] == ')')
			from = i + 1;
	for (i = from; find_first(&a, t, m.start, i, m.start, "and ");
	     i = a.start + 1)
		if (word_start(t, a.start))
			return span_value(out, t, a.end, m.start, true);
	return AGS_OK;
}

/* ---------------------------------------------------------------------
 * License: from Creative Commons URLs. Only the six CC licenses and the
 * CC0 dedication are recognised; an unknown kind is not a license we can
 * name, and two different licenses leave the field absent.
 */

/* "CC-BY-NC-SA-" and an 8-byte version fit. */
#define CC_ID_MAX 32

static const char *const cc_kinds[] = {"by",    "by-sa",    "by-nd",
                                       "by-nc", "by-nc-sa", "by-nc-nd"};

/* Length of a version "D.D" (digits, one dot, digits; at most 8 bytes)
 * at t[i] that the URL does not continue with a letter, digit or a
 * further ".D", or 0. */
static size_t version_len(const char *t, size_t n, size_t i)
{
	size_t k = i, dot;

	while (k < n && t[k] >= '0' && t[k] <= '9')
		k++;
	if (k == i || k >= n || t[k] != '.')
		return 0;
	dot = ++k;
	while (k < n && t[k] >= '0' && t[k] <= '9')
		k++;
	if (k == dot || k - i > 8 || (k < n && is_alnum(t[k])))
		return 0;
	if (k + 1 < n && t[k] == '.' && t[k + 1] >= '0' && t[k + 1] <= '9')
		return 0;
	return k - i;
}

/* Appends s (n bytes) to the NUL-terminated id; the callers' lengths
 * keep it within CC_ID_MAX. */
static void id_append(char *id, const char *s, size_t n)
{
	size_t o = strlen(id), j;

	for (j = 0; j < n; j++)
		id[o + j] = s[j] >= 'a' && s[j] <= 'z'
		                    ? (char)(s[j] - 'a' + 'A')
		                    : s[j];
	id[o + n] = '\0';
}

/* Appends the kind ("BY-SA-") when t[i..] starts with a known kind and a
 * '/'; returns the bytes read, or 0. */
static size_t cc_kind(char *id, const char *t, size_t n, size_t i)
{
	size_t k, len;

	for (k = 0; k < sizeof(cc_kinds) / sizeof(cc_kinds[0]); k++) {
		len = strlen(cc_kinds[k]);
		if (starts_ci(t + i, n - i, cc_kinds[k]) && i + len < n &&
		    t[i + len] == '/') {
			id_append(id, cc_kinds[k], len);
			id_append(id, "-", 1);
			return len + 1;
		}
	}
	return 0;
}

/* The license id named by the URL path at t[i] (just after
 * "creativecommons.org/"), into id; false when it names none. */
static bool cc_license_at(char id[CC_ID_MAX], const char *t, size_t n, size_t i)
{
	size_t k, v;

	id[0] = '\0';
	if ((k = match_at(t, n, i, "licenses/")) != 0) {
		id_append(id, "CC-", 3);
		if ((v = cc_kind(id, t, n, k)) == 0)
			return false;
		k += v;
	} else if ((k = match_at(t, n, i, "publicdomain/zero/")) != 0) {
		id_append(id, "CC0-", 4);
	} else {
		return false;
	}
	if ((v = version_len(t, n, k)) == 0)
		return false;
	id_append(id, t + k, v);
	return true;
}

static enum ags_err find_license(char **out, const char *t, size_t n)
{
	char id[CC_ID_MAX], first[CC_ID_MAX] = "";
	struct hit h;
	size_t i = 0;

	*out = NULL;
	while (find_first(&h, t, n, i, n, "creativecommons.org/")) {
		i = h.end;
		if (!cc_license_at(id, t, n, h.end))
			continue;
		if (first[0] && strcmp(first, id) != 0)
			return AGS_OK;
		memcpy(first, id, sizeof(id));
	}
	return accept_value(out, first, strlen(first));
}

/* ---------------------------------------------------------------------
 * Date: a form label "Date:" at the start of a line (after list marks
 * and emphasis), with the value after it or on the next non-empty line.
 */

/* When the cleaned line s (n bytes) is a form label, "Word words: rest"
 * (letters, non-ASCII letters and spaces, no digits, then a colon),
 * returns the offset just after the colon and sets *label_at and
 * *label_len; else 0. List marks ("- ", "* ", "+ ") are skipped. */
static size_t form_label(const char *s, size_t n, size_t *label_at,
                         size_t *label_len)
{
	size_t i = 0, k;

	while (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
	       s[i + 1] == ' ')
		i += 2;
	for (k = i; k < n && (is_alnum(s[k]) || s[k] == ' ' || s[k] & 0x80);
	     k++)
		if (s[k] >= '0' && s[k] <= '9')
			return 0;
	if (k == i || k >= n || s[k] != ':' || s[i] == ' ')
		return 0;
	*label_at = i;
	*label_len = k - i;
	return k + 1;
}

/* A cleaned, malloc'd copy of line t[i..e) of *len bytes, or NULL. */
static char *clean_line(size_t *len, const char *t, size_t i, size_t e)
{
	char *s = ags_strndup(t + i, e - i);

	if (s)
		*len = collapse_space(s, strip_markup(s, e - i));
	return s;
}

/* When line t[i..e) is the label "Date:", sets *found and sets *out to
 * the value written after the colon on that line (NULL when none). */
static enum ags_err date_on_line(char **out, bool *found, const char *t,
                                 size_t i, size_t e)
{
	size_t len, after, at, ll;
	enum ags_err rc = AGS_OK;
	struct hit h;
	char *s;

	/* Cleaning allocates: look only at lines that can hold the label. */
	*found = false;
	if (!find_first(&h, t, e, i, e, "date"))
		return AGS_OK;
	if (!(s = clean_line(&len, t, i, e)))
		return AGS_ERR_NOMEM;
	after = form_label(s, len, &at, &ll);
	*found = after && ll == 4 && starts_ci(s + at, 4, "date");
	if (*found)
		rc = span_value(out, s, after, len, false);
	free(s);
	return rc;
}

/* The value of the first non-empty line from t[i]: none when that line is
 * a rule or another form label, since then the date was left blank. */
static enum ags_err date_next_line(char **out, const char *t, size_t n,
                                   size_t i)
{
	size_t e, len, at, ll;
	char *s;
	enum ags_err rc;

	for (; i < n; i = e + 1) {
		e = line_end(t, n, i);
		if (!is_blank(t + i, e - i))
			break;
	}
	if (i >= n || is_rule(t + i, e - i))
		return AGS_OK;
	if (!(s = clean_line(&len, t, i, e)))
		return AGS_ERR_NOMEM;
	rc = AGS_OK;
	if (form_label(s, len, &at, &ll) == 0)
		rc = span_value(out, s, 0, len, false);
	free(s);
	return rc;
}

static enum ags_err find_date(char **out, const char *t, size_t n)
{
	enum ags_err rc = AGS_OK;
	bool found = false;
	size_t i, e = 0;

	*out = NULL;
	for (i = 0; i < n && !found && rc == AGS_OK; i = e + 1) {
		e = line_end(t, n, i);
		rc = date_on_line(out, &found, t, i, e);
	}
	if (rc == AGS_OK && found && !*out && e < n)
		rc = date_next_line(out, t, n, e + 1);
	return rc;
}

/* ---------------------------------------------------------------------
 * Public functions.
 */

typedef enum ags_err (*finder)(char **out, const char *t, size_t n);

/* In the order of struct ags_metadata's fields. */
static const struct {
	const char *key;
	finder find;
} fields[NFIELDS] = {
        {"title", find_title},
        {"corresponding_author", find_author},
        {"proceedings", find_proceedings},
        {"publisher", find_publisher},
        {"license", find_license},
        {"agreement_date", find_date},
};

static void slots(char **s[NFIELDS], struct ags_metadata *md)
{
	s[0] = &md->title;
	s[1] = &md->corresponding_author;
	s[2] = &md->proceedings;
	s[3] = &md->publisher;
	s[4] = &md->license;
	s[5] = &md->agreement_date;
}

void ags_metadata_init(struct ags_metadata *md)
{
	memset(md, 0, sizeof(*md));
}

void ags_metadata_release(struct ags_metadata *md)
{
	char **s[NFIELDS];
	size_t i;

	if (!md)
		return;
	slots(s, md);
	for (i = 0; i < NFIELDS; i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

enum ags_err ags_extract(struct ags_metadata *md, const char *canon,
                         size_t canon_len, struct ags_error *err)
{
	char **s[NFIELDS];
	enum ags_err rc;
	size_t i;

	if (!md || (!canon && canon_len > 0))
		return ags_error_set(err, AGS_ERR_INVALID, "metadata", 0, 0,
		                     "no metadata record or no text");
	if (canon_len > AGS_TEXT_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, "metadata", 0, 0,
		                     "text is longer than %u bytes",
		                     AGS_TEXT_MAX);
	ags_metadata_release(md);
	slots(s, md);
	for (i = 0; i < NFIELDS; i++) {
		rc = fields[i].find(s[i], canon ? canon : "", canon_len);
		if (rc != AGS_OK) {
			ags_metadata_release(md);
			return ags_error_set(err, rc, fields[i].key, 0, 0,
			                     "out of memory while extracting");
		}
	}
	return AGS_OK;
}

json_t *ags_metadata_to_json(const struct ags_metadata *md)
{
	struct ags_metadata view;
	char **s[NFIELDS];
	json_t *obj;
	size_t i;

	if (!md || !(obj = json_object()))
		return NULL;
	view = *md; /* a shallow copy, only read: slots() takes no const */
	slots(s, &view);
	for (i = 0; i < NFIELDS; i++) {
		if (*s[i] && json_object_set_new(obj, fields[i].key,
		                                 json_string(*s[i])) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}
