/* The library's one UTF-8 decoder (RFC 3629; Unicode Table 3-7, the
 * well-formed byte sequences). Every module that reads untrusted bytes as
 * text decides "is this UTF-8" here, so that field checks, the JSON reader
 * and writers, text/v1 and the display form can never disagree about a
 * byte sequence. */
#include "internal.h"

/* The range of the byte after lead byte b (0xC2..0xF4). Checking it
 * alone refuses overlong forms (E0, F0), surrogates (ED) and code points
 * above U+10FFFF (F4): the remaining bytes then only need to be
 * continuation bytes. */
static void second_range(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
	*hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
}

size_t ags_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b, lo, hi;
	uint32_t c;
	size_t len, k;

	if (n == 0)
		return 0;
	b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xC2 || b > 0xF4)
		return 0;
	len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	second_range(b, &lo, &hi);
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	c = b & (0x7Fu >> len);
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3Fu);
	}
	*cp = c;
	return len;
}

/* The order of the tests is part of the messages of text/v1: the lead
 * byte first, then the second byte (which alone shows an overlong form,
 * a surrogate or a code point too big, even when the rest is cut), then
 * the rest. */
enum ags_utf8_bad ags_utf8_why(const unsigned char *s, size_t n)
{
	unsigned char b, lo, hi;
	size_t len, k;

	if (n == 0)
		return AGS_UTF8_TRUNCATED;
	b = s[0];
	if (b < 0x80)
		return AGS_UTF8_OK;
	if (b < 0xC0)
		return AGS_UTF8_STRAY;
	if (b < 0xC2)
		return AGS_UTF8_OVERLONG; /* C0, C1 only encode U+0000..U+007F
		                           */
	if (b >= 0xF8)
		return AGS_UTF8_BYTE;
	if (b >= 0xF5)
		return AGS_UTF8_TOO_BIG;
	if (n < 2 || (s[1] & 0xC0) != 0x80)
		return AGS_UTF8_TRUNCATED;
	second_range(b, &lo, &hi);
	if (s[1] < lo)
		return AGS_UTF8_OVERLONG;
	if (s[1] > hi)
		return b == 0xED ? AGS_UTF8_SURROGATE : AGS_UTF8_TOO_BIG;
	len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	for (k = 2; k < len; k++)
		if (k >= n || (s[k] & 0xC0) != 0x80)
			return AGS_UTF8_TRUNCATED;
	return AGS_UTF8_OK;
}
