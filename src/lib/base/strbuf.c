/* A growing string for the text the library builds (template differences,
 * the HTML report). Appending never fails loudly: a failure marks the
 * buffer, and the caller sees it once, when it takes the string. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct ags_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (more < b->cap - b->len)
		return 0;
	if (more > ((size_t)-1) / 4 - b->len) {
		b->failed = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= more)
		cap *= 2;
	p = realloc(b->s, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->s = p;
	b->cap = cap;
	return 0;
}

void ags_buf_reserve(struct ags_buf *b, size_t more)
{
	(void)reserve(b, more);
}

void ags_buf_put_grow(struct ags_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ags_buf_printf(struct ags_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The display form of the character at s, when it is not the character
 * itself: its length, else 0. */
static size_t display_escape(char out[AGS_DISPLAY_MAX], const char *s, size_t n,
                             size_t *used)
{
	size_t k = ags_display_char(out, s, n, used);

	return k == *used && memcmp(out, s, k) == 0 ? 0 : k;
}

void ags_buf_put_html(struct ags_buf *b, const char *s, size_t n)
{
	char tmp[AGS_DISPLAY_MAX];
	size_t i = 0, from = 0, used, k;
	const char *ref;

	while (i < n) {
		switch (s[i]) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default:
			/* the display rule of every line people read */
			if ((unsigned char)s[i] >= 0x20 &&
			    (unsigned char)s[i] < 0x7F) {
				i++;
				continue;
			}
			k = display_escape(tmp, s + i, n - i, &used);
			if (k) {
				ags_buf_put(b, s + from, i - from);
				ags_buf_put(b, tmp, k);
				from = i + used;
			}
			i += used;
			continue;
		}
		ags_buf_put(b, s + from, i - from);
		ags_buf_puts(b, ref);
		from = ++i;
	}
	ags_buf_put(b, s + from, n - from);
}

char *ags_buf_take(struct ags_buf *b, size_t *len)
{
	char *s;

	if (!b->failed && !b->s)
		ags_buf_put(b, "", 0);
	if (b->failed) {
		ags_buf_release(b);
		return NULL;
	}
	s = b->s;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return s;
}

void ags_buf_release(struct ags_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
