/* The JSON reader's scanners: the tokens of json_read.c's documents.
 * Strings are checked in place, eight bytes at a time where they hold
 * only plain ASCII (most of an envelope is hex, base64 and ASCII text),
 * and copied only when they hold an escape; integers are converted here,
 * reals by jansson (rare, and its rounding is the one to match). What the
 * tokens must be is json_read.c's opening comment. */
#include "json_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Records the first problem; returns -1 for the callers' convenience. */
int ags_json_bad(struct ags_json_rd *r, const unsigned char *at,
                 const char *why)
{
	if (!r->why) {
		r->why = why;
		r->at = at;
	}
	return -1;
}

int ags_json_nomem(struct ags_json_rd *r)
{
	r->nomem = 1;
	return ags_json_bad(r, r->p, "out of memory");
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
        __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight bytes loaded into a word are tested at once, and the first one
 * that matters is found as the lowest marked byte of the word. */
#define WORDWISE 1

/* The index of the first byte in memory among the eight loaded into a
 * word that has a bit of m set (m != 0): little-endian, the lowest. */
static size_t first_marked(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) / 8;
}
#else
#define WORDWISE 0
#endif

#define ONES 0x0101010101010101u

/* 1 for the bytes a string may hold as they are: printable ASCII but the
 * quote and the backslash. Everything else takes the slow path. */
static int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* The high bit of each byte of x that is not plain(): below 0x20, above
 * 0x7f, a quote or a backslash; 0 when there is none. "Byte below n" is
 * the classic (x - n * ones) & ~x & highs, and a byte equal to c is a
 * zero byte of x ^ (c * ones). A borrow can flag a plain byte, but only
 * one above a byte that was rightly flagged: whether any byte is flagged
 * is exact, and so is the lowest flagged byte. */
static uint64_t special8(uint64_t x)
{
	const uint64_t highs = ONES << 7;
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
	        ((b - ONES) & ~b) | x) &
	       highs;
}

/* Skips the plain bytes from p on, eight at a time where it can: most of
 * an envelope is hex, base64 and ASCII text. */
static const unsigned char *skip_plain(const unsigned char *p,
                                       const unsigned char *end)
{
	uint64_t x, m;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		if ((m = special8(x)) != 0) {
#if WORDWISE
			return p + first_marked(m);
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && plain(*p))
		p++;
	return p;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of the four hex digits after "\u" at p, or -1. */
static long hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;
	int d, k;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (k = 2; k < 6; k++) {
		if ((d = hex_digit(p[k])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Reads the \u escape at r->p (one, or a surrogate pair) into *cp. */
static int read_u_escape(struct ags_json_rd *r, uint32_t *cp)
{
	long hi = hex4(r->p, r->end), lo;

	if (hi < 0)
		return ags_json_bad(r, r->p, "invalid \\u escape");
	if (hi == 0)
		return ags_json_bad(r, r->p, "\\u0000 is not allowed");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return ags_json_bad(r, r->p, "lone low surrogate");
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = (uint32_t)hi;
		r->p += 6;
		return 0;
	}
	lo = hex4(r->p + 6, r->end);
	if (lo < 0xdc00 || lo > 0xdfff)
		return ags_json_bad(r, r->p,
		                    "high surrogate without a low one");
	*cp = 0x10000u + (((uint32_t)hi - 0xd800u) << 10) +
	      ((uint32_t)lo - 0xdc00u);
	r->p += 12;
	return 0;
}

/* Appends code point cp (not a surrogate, not 0) as UTF-8 at *o. */
static void put_utf8(char **o, uint32_t cp)
{
	unsigned char *u = (unsigned char *)*o;

	if (cp < 0x80) {
		*u++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*u++ = (unsigned char)(0xc0 | (cp >> 6));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*u++ = (unsigned char)(0xe0 | (cp >> 12));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*u++ = (unsigned char)(0xf0 | (cp >> 18));
		*u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)u;
}

/* Decodes the escape at r->p (a backslash) to *o. */
static int read_escape(struct ags_json_rd *r, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	/* Set whenever read_u_escape returns 0, which GCC cannot see under
	 * -fPIC: ags_json_bad, which returns its -1, might be interposed. */
	uint32_t cp = 0;

	if (r->end - r->p < 2)
		return ags_json_bad(r, r->p,
		                    "premature end of input in a string");
	if (r->p[1] == 'u') {
		if (read_u_escape(r, &cp) < 0)
			return -1;
		put_utf8(o, cp);
		return 0;
	}
	hit = r->p[1] ? strchr(from, r->p[1]) : NULL;
	if (!hit)
		return ags_json_bad(r, r->p, "invalid escape");
	*(*o)++ = to[hit - from];
	r->p += 2;
	return 0;
}

/* The rest of a string that holds an escape, decoded into r->scratch:
 * start is its first byte, r->p the first backslash. The decoded text is
 * never longer than its source, so the rest of the input bounds it. */
static int read_escaped(struct ags_json_rd *r, const unsigned char *start,
                        const char **s, size_t *n)
{
	size_t need = (size_t)(r->end - start);
	uint32_t cp;
	char *o;

	if (need > r->scratch_cap) {
		free(r->scratch);
		if (!(r->scratch = malloc(need)))
			return ags_json_nomem(r);
		r->scratch_cap = need;
	}
	memcpy(r->scratch, start, (size_t)(r->p - start));
	o = r->scratch + (r->p - start);
	for (;;) {
		size_t k = 1;

		if (r->p == r->end)
			return ags_json_bad(
			        r, r->p, "premature end of input in a string");
		if (*r->p == '"')
			break;
		if (*r->p == '\\') {
			if (read_escape(r, &o) < 0)
				return -1;
			continue;
		}
		if (*r->p < 0x20)
			return ags_json_bad(r, r->p,
			                    "control character in a string");
		if (*r->p >= 0x80 &&
		    !(k = ags_utf8_next(r->p, (size_t)(r->end - r->p), &cp)))
			return ags_json_bad(r, r->p, "invalid UTF-8");
		memcpy(o, r->p, k);
		o += k;
		r->p += k;
	}
	r->p++;
	*s = r->scratch;
	*n = (size_t)(o - r->scratch);
	return 0;
}

/* Reads the string at r->p (its opening quote). *s points into the input
 * when the string holds no escape, else into r->scratch, valid until the
 * next string is read. */
int ags_json_scan_string(struct ags_json_rd *r, const char **s, size_t *n)
{
	const unsigned char *start = r->p + 1, *p = start, *end = r->end;
	uint32_t cp;
	size_t k;

	for (;;) {
		p = skip_plain(p, end);
		if (p == end || *p == '"')
			break;
		if (*p == '\\') {
			r->p = p;
			return read_escaped(r, start, s, n);
		}
		if (*p < 0x20)
			return ags_json_bad(r, p,
			                    "control character in a string");
		if (!(k = ags_utf8_next(p, (size_t)(end - p), &cp)))
			return ags_json_bad(r, p, "invalid UTF-8");
		p += k;
	}
	if (p == end)
		return ags_json_bad(r, p, "premature end of input in a string");
	*s = (const char *)start;
	*n = (size_t)(p - start);
	r->p = p + 1;
	return 0;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static const unsigned char *skip_digits(const unsigned char *p,
                                        const unsigned char *end)
{
	while (is_digit(p, end))
		p++;
	return p;
}

/* The integer of the digits [p, end) with an optional minus, as strtoll
 * reads it, or -1 when strtoll would say ERANGE. */
static int to_integer(json_int_t *v, const unsigned char *p,
                      const unsigned char *end)
{
	int neg = *p == '-';
	uint64_t m = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	for (p += neg; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (m > (limit - d) / 10)
			return -1;
		m = m * 10 + d;
	}
	if (!neg)
		*v = (json_int_t)m;
	else
		*v = m ? -(json_int_t)(m - 1) - 1 : 0;
	return 0;
}

/* A real: rare in the formats read here, so jansson converts it, which
 * matches its rounding and its overflow check exactly. */
static json_t *to_real(struct ags_json_rd *r, const unsigned char *p, size_t n)
{
	json_error_t je;
	json_t *v = json_loadb((const char *)p, n, JSON_DECODE_ANY, &je);

	if (!v)
		ags_json_bad(r, p, "real number overflow");
	return v;
}

/* Reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at r->p; what
 * follows is left to the caller, who refuses anything but a separator. */
json_t *ags_json_scan_number(struct ags_json_rd *r)
{
	const unsigned char *p = r->p, *q = p + (*p == '-');
	int real = 0;
	json_int_t i;
	json_t *v;

	if (!is_digit(q, r->end)) {
		ags_json_bad(r, p, "invalid number");
		return NULL;
	}
	q = *q == '0' ? q + 1 : skip_digits(q, r->end);
	if (q < r->end && *q == '.') {
		if (!is_digit(++q, r->end)) {
			ags_json_bad(r, p, "invalid number");
			return NULL;
		}
		q = skip_digits(q, r->end);
		real = 1;
	}
	if (q < r->end && (*q == 'e' || *q == 'E')) {
		q += q + 1 < r->end && (q[1] == '+' || q[1] == '-') ? 2 : 1;
		if (!is_digit(q, r->end)) {
			ags_json_bad(r, p, "invalid number");
			return NULL;
		}
		q = skip_digits(q, r->end);
		real = 1;
	}
	r->p = q;
	if (real)
		return to_real(r, p, (size_t)(q - p));
	if (to_integer(&i, p, q) < 0) {
		ags_json_bad(r, p, "integer out of range");
		return NULL;
	}
	/* jansson makes it 0, and so do we; the caller may refuse it. */
	if (*p == '-' && i == 0 && !r->minus_zero)
		r->minus_zero = p;
	if (!(v = json_integer(i)))
		ags_json_nomem(r);
	return v;
}

/* true, false or null at r->p; a letter after it is left to the caller,
 * who refuses it as it refuses any byte but a separator. */
json_t *ags_json_scan_literal(struct ags_json_rd *r)
{
	static const struct {
		const char *word;
		size_t n;
	} words[] = {{"true", 4}, {"false", 5}, {"null", 4}};
	size_t k;

	for (k = 0; k < 3; k++)
		if ((size_t)(r->end - r->p) >= words[k].n &&
		    memcmp(r->p, words[k].word, words[k].n) == 0) {
			r->p += words[k].n;
			return k == 0   ? json_true()
			       : k == 1 ? json_false()
			                : json_null();
		}
	ags_json_bad(r, r->p, "invalid token");
	return NULL;
}
