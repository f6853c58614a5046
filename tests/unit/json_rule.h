/* The escaping rule of JSON output (spec §10.4), written from the spec for
 * the tests that compare src/json_write.c with jansson's json_dumps:
 * jansson's text with the rule applied is what the writer must give. The
 * rule's code points can stand only inside strings and keys of a JSON
 * text, so the rule applies to the whole text. Header-only: the unit
 * tests and the fuzz harness (tests/fuzz/fuzz_json_write.c) include it. */
#ifndef AGS_TEST_JSON_RULE_H
#define AGS_TEST_JSON_RULE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The code points the spec lists: DEL, C1 controls, the bidirectional
 * controls, LINE and PARAGRAPH SEPARATOR. (jansson escapes C0 itself.) */
static inline int rule_escapes(uint32_t cp)
{
	return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The length of the UTF-8 sequence at p (at most n bytes) and its code
 * point; 1 and the byte itself for anything else. */
static inline size_t rule_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
	size_t i;

	*cp = p[0];
	if (len == 1 || len > n)
		return 1;
	*cp = p[0] & (0x7Fu >> len);
	for (i = 1; i < len; i++)
		*cp = *cp << 6 | (p[i] & 0x3Fu);
	return len;
}

/* text (NUL-terminated, or NULL) with every code point of the rule
 * written as \uXXXX, uppercase hex: malloc'd, or NULL when text is. */
static inline char *rule_apply(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n, i = 0, k, o = 0;
	uint32_t cp;
	char *out;

	if (!text)
		return NULL;
	n = strlen(text);
	if (!(out = malloc(6 * n + 1))) /* DEL: 1 byte in, 6 out */
		abort();
	while (i < n) {
		k = rule_next(p + i, n - i, &cp);
		if (rule_escapes(cp)) {
			snprintf(out + o, 7, "\\u%04X", (unsigned)cp);
			o += 6;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = '\0';
	return out;
}

#endif
