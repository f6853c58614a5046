/* Words and paragraphs (spec/templates.md): a template and an agreement
 * are cut into words and paragraphs alike, so that white space, line
 * breaks and indentation never matter to matching. Tested through
 * template matching by check_template.c. */
#include "template_internal.h"

#include <stdlib.h>
#include <string.h>

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int ags_tpl_grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (n > ((size_t)-1) / size)
		return -1;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* True when line s (n bytes) starts a list item after its indentation:
 * "-", "*" or "+", or 1 to 9 digits and "." or ")", then white space or
 * the end of the line. */
static int starts_list_item(const char *s, size_t n)
{
	size_t i = 0, d;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '*' || s[i] == '+'))
		return i + 1 == n || is_ws(s[i + 1]);
	for (d = i; d < n && d - i < 10 && s[d] >= '0' && s[d] <= '9'; d++)
		;
	if (d == i || d - i > 9 || d >= n || (s[d] != '.' && s[d] != ')'))
		return 0;
	return d + 1 == n || is_ws(s[d + 1]);
}

static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_ws(s[i]))
			return 0;
	return 1;
}

struct splitter {
	struct ags_tpl_words *ws;
	size_t wcap, pcap;
};

static int add_para(struct splitter *sp)
{
	struct ags_tpl_words *ws = sp->ws;

	if (ags_tpl_grow(&ws->para_first, &sp->pcap, ws->npara + 1,
	                 sizeof(*ws->para_first)) != 0)
		return -1;
	ws->para_first[ws->npara++] = ws->n;
	return 0;
}

static int add_words(struct splitter *sp, size_t i, size_t e, long line)
{
	struct ags_tpl_words *ws = sp->ws;
	size_t k;

	while (i < e) {
		while (i < e && is_ws(ws->text[i]))
			i++;
		if (i == e)
			break;
		for (k = i; k < e && !is_ws(ws->text[k]); k++)
			;
		if (ags_tpl_grow(&ws->w, &sp->wcap, ws->n + 1,
		                 sizeof(*ws->w)) != 0)
			return -1;
		ws->w[ws->n++] = (struct ags_tpl_word){.off = i,
		                                       .len = k - i,
		                                       .para = ws->npara - 1,
		                                       .line = line};
		i = k;
	}
	return 0;
}

int ags_tpl_words_split(struct ags_tpl_words *ws, const char *text, size_t len)
{
	return ags_tpl_words_split_from(ws, text, len, 0, 0);
}

int ags_tpl_words_split_from(struct ags_tpl_words *ws, const char *text,
                             size_t len, size_t from, long line0)
{
	struct splitter sp = {.ws = ws};
	size_t i = from, e;
	long line = line0;
	int new_para = 1;

	memset(ws, 0, sizeof(*ws));
	ws->text = text;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);

		e = nl ? (size_t)(nl - text) : len;
		line++;
		if (is_blank(text + i, e - i)) {
			new_para = 1;
		} else {
			if ((new_para || starts_list_item(text + i, e - i)) &&
			    add_para(&sp) != 0)
				goto fail;
			new_para = 0;
			if (add_words(&sp, i, e, line) != 0)
				goto fail;
		}
		i = e + 1;
	}
	return 0;
fail:
	ags_tpl_words_release(ws);
	return -1;
}

void ags_tpl_words_release(struct ags_tpl_words *ws)
{
	free(ws->w);
	free(ws->para_first);
	memset(ws, 0, sizeof(*ws));
}

#define FIRST_WORDS 8
#define FIRST_BYTES 120

char *ags_tpl_first_words(const struct ags_tpl_words *ws, size_t p)
{
	struct ags_buf b = {0};
	size_t i = ws->para_first[p], k, cut;

	for (k = 0; i + k < ws->n && ws->w[i + k].para == p; k++) {
		const struct ags_tpl_word *w = &ws->w[i + k];

		if (k == FIRST_WORDS || (k && b.len + w->len > FIRST_BYTES)) {
			ags_buf_puts(&b, "\xE2\x80\xA6"); /* … */
			break;
		}
		if (k)
			ags_buf_put(&b, " ", 1);
		/* a first word longer than the limit is cut at a character */
		for (cut = w->len < FIRST_BYTES ? w->len : FIRST_BYTES;
		     cut < w->len && cut > 0 &&
		     ((unsigned char)ws->text[w->off + cut] & 0xC0) == 0x80;
		     cut--)
			;
		ags_buf_put(&b, ws->text + w->off, cut);
		if (cut < w->len) {
			ags_buf_puts(&b, "\xE2\x80\xA6");
			break;
		}
	}
	return ags_buf_take(&b, NULL);
}
