/* Template fields (spec/templates.md, "Fields"): the shape that bounds
 * which words of the agreement a field may take, the value the field gets
 * from them (matching rule 7), and what a date is. Shared by the matcher
 * (src/template_match.c) and the alignment (src/template_diff.c), so that
 * both hold a field to the same bounds. */
#include "template_internal.h"

#include <string.h>

int ags_tpl_shape_parse(struct ags_tpl_shape *sh, const char *s, size_t n)
{
	*sh = (struct ags_tpl_shape){.lines = 1, .max = AGS_TPL_LINE_BYTES};
	if (n == 0 || (n == 4 && memcmp(s, "line", 4) == 0))
		return 0;
	if (n == 4 && memcmp(s, "date", 4) == 0) {
		sh->date = 1;
		sh->max = AGS_TPL_DATE_BYTES;
		return 0;
	}
	if (n == 7 && memcmp(s, "lines=", 6) == 0 && s[6] >= '2' &&
	    s[6] - '0' <= (int)AGS_TPL_LINES_MAX) {
		sh->lines = (unsigned)(s[6] - '0');
		sh->max = AGS_FIELD_MAX;
		return 0;
	}
	return -1;
}

int ags_tpl_shape_spans(const struct ags_tpl_shape *sh,
                        const struct ags_tpl_words *aw, size_t s, size_t e)
{
	const struct ags_tpl_word *a = &aw->w[s], *b = &aw->w[e];

	return a->para == b->para && b->line - a->line < (long)sh->lines;
}

/* Removes one pair of mark around s[*from .. *to) when more than the
 * marks is there. */
static void unwrap(const char *s, size_t *from, size_t *to, const char *mark)
{
	size_t k = strlen(mark);

	if (*to - *from > 2 * k && memcmp(s + *from, mark, k) == 0 &&
	    memcmp(s + *to - k, mark, k) == 0) {
		*from += k;
		*to -= k;
	}
}

size_t ags_tpl_value(char *buf, const struct ags_tpl_words *aw, size_t s,
                     size_t e)
{
	static const char *const marks[] = {"**", "__", "*", "_"};
	size_t i, from = 0, to = 0;

	for (i = s; i < e; i++) {
		if (i > s)
			buf[to++] = ' ';
		memcpy(buf + to, aw->text + aw->w[i].off, aw->w[i].len);
		to += aw->w[i].len;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		unwrap(buf, &from, &to, marks[i]);
	while (from < to && buf[from] == ' ')
		from++;
	while (to > from && buf[to - 1] == ' ')
		to--;
	memmove(buf, buf + from, to - from);
	buf[to - from] = '\0';
	return to - from;
}

/* ---------------------------------------------------------------------
 * Dates.
 */

/* Reads 1 to max ASCII digits at s[*i], as a number: its digit count, or
 * 0 when there is no digit or more than max. */
static size_t digits(const char *s, size_t n, size_t *i, size_t max,
                     unsigned *value)
{
	size_t k = 0;

	*value = 0;
	while (*i + k < n && s[*i + k] >= '0' && s[*i + k] <= '9') {
		if (++k > max)
			return 0;
		*value = *value * 10 + (unsigned)(s[*i + k - 1] - '0');
	}
	*i += k;
	return k;
}

static int in(unsigned v, unsigned lo, unsigned hi)
{
	return v >= lo && v <= hi;
}

/* Y-M-D, or A-B-Y with day and month in either order; '-', '/' or '.'
 * the same in both places. */
static int numeric_date(const char *s, size_t n)
{
	unsigned a, b, c;
	size_t i = 0, la, lb, lc;
	char sep;

	la = digits(s, n, &i, 4, &a);
	if (!la || i == n || !strchr("-/.", s[i]))
		return 0;
	sep = s[i++];
	lb = digits(s, n, &i, 2, &b);
	if (!lb || i == n || s[i++] != sep)
		return 0;
	lc = digits(s, n, &i, 4, &c);
	if (!lc || i != n)
		return 0;
	if (la == 4)
		return lc <= 2 && in(b, 1, 12) && in(c, 1, 31);
	return la <= 2 && (lc == 2 || lc == 4) && in(a, 1, 31) &&
	       in(b, 1, 31) && (a <= 12 || b <= 12);
}

/* A month's English name, or its first three letters (or "Sept"),
 * optionally with a full stop: s[0..n) is the whole word. */
static int month(const char *s, size_t n)
{
	static const char *const names[] = {"January", "February", "March",
	                                    "April",   "May",      "June",
	                                    "July",    "August",   "September",
	                                    "October", "November", "December"};
	size_t i, k, a = n > 0 && s[n - 1] == '.' ? n - 1 : n;

	for (i = 0; i < 12; i++) {
		k = strlen(names[i]);
		if ((n == k && memcmp(s, names[i], k) == 0) ||
		    (a == 3 && memcmp(s, names[i], 3) == 0) ||
		    (i == 8 && a == 4 && memcmp(s, "Sept", 4) == 0))
			return 1;
	}
	return 0;
}

/* A day: 1 to 31 in 1 or 2 digits, optionally st, nd, rd or th, then
 * optionally a comma when comma is set: the whole of s[0..n). */
static int day(const char *s, size_t n, int comma)
{
	static const char *const ords[] = {"st", "nd", "rd", "th"};
	size_t i = 0, k;
	unsigned d;

	if (!digits(s, n, &i, 2, &d) || !in(d, 1, 31))
		return 0;
	if (comma && i < n && s[n - 1] == ',')
		n--;
	if (i == n)
		return 1;
	for (k = 0; k < 4; k++)
		if (n - i == 2 && memcmp(s + i, ords[k], 2) == 0)
			return 1;
	return 0;
}

static int year(const char *s, size_t n)
{
	size_t i = 0;
	unsigned y;

	return digits(s, n, &i, 4, &y) == 4 && i == n;
}

/* D Month Y, Month D Y or Month D, Y: three words. */
static int named_date(const char *s, size_t n)
{
	const char *sp1 = memchr(s, ' ', n), *sp2;
	size_t l1, l2, l3;

	if (!sp1 || !(sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s))))
		return 0;
	l1 = (size_t)(sp1 - s);
	l2 = (size_t)(sp2 - sp1) - 1;
	l3 = n - (size_t)(sp2 + 1 - s);
	if (!year(sp2 + 1, l3))
		return 0;
	return (day(s, l1, 0) && month(sp1 + 1, l2)) ||
	       (month(s, l1) && day(sp1 + 1, l2, 1));
}

int ags_tpl_is_date(const char *s, size_t n)
{
	return numeric_date(s, n) || named_date(s, n);
}
