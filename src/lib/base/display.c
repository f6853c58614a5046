/* Untrusted text on its way out (spec §10.5): the code points no output
 * writes as themselves, the display form of a character for the lines
 * people read, and formatting into a fixed buffer that never cuts a
 * character in two. A cut character is not UTF-8: it broke every JSON
 * string that quoted it (issue 13, item 6). */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The UTF-8 of U+2026 HORIZONTAL ELLIPSIS, and its NUL. */
#define ELLIPSIS      "\xE2\x80\xA6"
#define ELLIPSIS_SIZE 4u

static int continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* buf (cap bytes) holds the first cap - 1 bytes of a longer text: ends it
 * with an ellipsis at the last character boundary that leaves room. */
static void cut_end(char *buf, size_t cap)
{
	size_t k, i;

	if (cap < ELLIPSIS_SIZE) {
		buf[0] = '\0';
		return;
	}
	/* buf[k] is the first byte dropped: step back to the first byte of
	 * its character (at most 3 steps, whatever the bytes are). */
	k = cap - ELLIPSIS_SIZE;
	for (i = 0; i < 3 && k > 0 && continuation(buf[k]); i++)
		k--;
	memcpy(buf + k, ELLIPSIS, ELLIPSIS_SIZE);
}

void ags_vbounded(char *buf, size_t cap, const char *fmt, va_list ap)
{
	int n;

	if (cap == 0)
		return;
	n = vsnprintf(buf, cap, fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= cap)
		cut_end(buf, cap);
}

void ags_bounded(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ags_vbounded(buf, cap, fmt, ap);
	va_end(ap);
}

char *ags_text_copy(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (cap == 0)
		return out;
	if (n < cap) {
		memcpy(out, s, n + 1);
		return out;
	}
	memcpy(out, s, cap - 1);
	out[cap - 1] = '\0';
	cut_end(out, cap);
	return out;
}

size_t ags_display_char(char out[AGS_DISPLAY_MAX], const char *s, size_t n,
                        size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	if (u[0] < 0x80 || (i = ags_utf8_next(u, n, &cp)) == 0) {
		*used = 1;
		if (u[0] >= 0x20 && u[0] != 0x7F && u[0] < 0x80) {
			out[0] = s[0];
			return 1;
		}
		/* a C0 control, DEL, or a byte that is not UTF-8 */
		memcpy(out, "\\x", 2);
		out[2] = hex[u[0] >> 4];
		out[3] = hex[u[0] & 15];
		return 4;
	}
	*used = i;
	if (!ags_output_hazard(cp)) {
		memcpy(out, s, i);
		return i;
	}
	/* every hazard but the C0 controls and DEL is U+0080..U+FFFF */
	memcpy(out, "\\u{", 3);
	out[3] = hex[cp >> 12 & 15];
	out[4] = hex[cp >> 8 & 15];
	out[5] = hex[cp >> 4 & 15];
	out[6] = hex[cp & 15];
	out[7] = '}';
	return 8;
}
