/* A strict JSON reader that builds jansson trees, for the hot paths
 * (envelopes and batch manifest lines): json_loadb reads one character at
 * a time through a callback and copies every token into a string buffer,
 * about 145 instructions a byte; this reader walks the buffer in place.
 *
 * It accepts exactly what json_loadb(buf, len, JSON_REJECT_DUPLICATES)
 * accepts on input without a NUL byte, and builds an equal tree, members
 * in document order: an object or array at top level, nothing but white
 * space (space, tab, LF, CR) around it; strings of well-formed UTF-8 (no
 * overlong forms, surrogates or code points above U+10FFFF) without raw
 * control characters, U+0000 or unpaired \u surrogates; integers within
 * int64 (jansson uses strtoll); reals that do not overflow; duplicate keys
 * refused (byte-exact); values at most JSON_PARSER_MAX_DEPTH deep, scalars
 * counted. tests/check_json_read.c and tests/fuzz/fuzz_json.c compare the
 * two parsers input by input. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* jansson counts every value it reads, scalars too, from 1 at top level,
 * and refuses a value deeper than this. */
#define MAX_DEPTH ((size_t)JSON_PARSER_MAX_DEPTH)

struct rd {
	const unsigned char *p;   /* the next byte to read */
	const unsigned char *end; /* one past the last byte */
	size_t depth;             /* of the value being read */
	char *scratch;            /* decoded strings that hold escapes */
	size_t scratch_cap;
	const unsigned char *at; /* where the first problem is */
	const char *why;         /* the first problem, or NULL */
	int nomem;
	const unsigned char *minus_zero; /* the first integer "-0", or NULL */
};

/* Records the first problem; returns -1 for the callers' convenience. */
static int bad(struct rd *r, const unsigned char *at, const char *why)
{
	if (!r->why) {
		r->why = why;
		r->at = at;
	}
	return -1;
}

static int out_of_memory(struct rd *r)
{
	r->nomem = 1;
	return bad(r, r->p, "out of memory");
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

/* JSON's white space: space, tab, LF, CR; one test per byte. */
static int is_ws(unsigned char c)
{
	const uint64_t ws =
	        1ull << ' ' | 1ull << '\t' | 1ull << '\n' | 1ull << '\r';

	return c <= ' ' && (ws >> c & 1) != 0;
}

static void skip_ws(struct rd *r)
{
	const unsigned char *p = r->p;

	while (p < r->end && is_ws(*p))
		p++;
	r->p = p;
}

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
static int read_u_escape(struct rd *r, uint32_t *cp)
{
	long hi = hex4(r->p, r->end), lo;

	if (hi < 0)
		return bad(r, r->p, "invalid \\u escape");
	if (hi == 0)
		return bad(r, r->p, "\\u0000 is not allowed");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return bad(r, r->p, "lone low surrogate");
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = (uint32_t)hi;
		r->p += 6;
		return 0;
	}
	lo = hex4(r->p + 6, r->end);
	if (lo < 0xdc00 || lo > 0xdfff)
		return bad(r, r->p, "high surrogate without a low one");
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
static int read_escape(struct rd *r, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	uint32_t cp;

	if (r->end - r->p < 2)
		return bad(r, r->p, "premature end of input in a string");
	if (r->p[1] == 'u') {
		if (read_u_escape(r, &cp) < 0)
			return -1;
		put_utf8(o, cp);
		return 0;
	}
	hit = r->p[1] ? strchr(from, r->p[1]) : NULL;
	if (!hit)
		return bad(r, r->p, "invalid escape");
	*(*o)++ = to[hit - from];
	r->p += 2;
	return 0;
}

/* The rest of a string that holds an escape, decoded into r->scratch:
 * start is its first byte, r->p the first backslash. The decoded text is
 * never longer than its source, so the rest of the input bounds it. */
static int read_escaped(struct rd *r, const unsigned char *start,
                        const char **s, size_t *n)
{
	size_t need = (size_t)(r->end - start);
	uint32_t cp;
	char *o;

	if (need > r->scratch_cap) {
		free(r->scratch);
		if (!(r->scratch = malloc(need)))
			return out_of_memory(r);
		r->scratch_cap = need;
	}
	memcpy(r->scratch, start, (size_t)(r->p - start));
	o = r->scratch + (r->p - start);
	for (;;) {
		size_t k = 1;

		if (r->p == r->end)
			return bad(r, r->p,
			           "premature end of input in a string");
		if (*r->p == '"')
			break;
		if (*r->p == '\\') {
			if (read_escape(r, &o) < 0)
				return -1;
			continue;
		}
		if (*r->p < 0x20)
			return bad(r, r->p, "control character in a string");
		if (*r->p >= 0x80 &&
		    !(k = ags_utf8_next(r->p, (size_t)(r->end - r->p), &cp)))
			return bad(r, r->p, "invalid UTF-8");
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
static int read_string(struct rd *r, const char **s, size_t *n)
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
			return bad(r, p, "control character in a string");
		if (!(k = ags_utf8_next(p, (size_t)(end - p), &cp)))
			return bad(r, p, "invalid UTF-8");
		p += k;
	}
	if (p == end)
		return bad(r, p, "premature end of input in a string");
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
static json_t *to_real(struct rd *r, const unsigned char *p, size_t n)
{
	json_error_t je;
	json_t *v = json_loadb((const char *)p, n, JSON_DECODE_ANY, &je);

	if (!v)
		bad(r, p, "real number overflow");
	return v;
}

/* Reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at r->p; what
 * follows is left to the caller, who refuses anything but a separator. */
static json_t *read_number(struct rd *r)
{
	const unsigned char *p = r->p, *q = p + (*p == '-');
	int real = 0;
	json_int_t i;
	json_t *v;

	if (!is_digit(q, r->end)) {
		bad(r, p, "invalid number");
		return NULL;
	}
	q = *q == '0' ? q + 1 : skip_digits(q, r->end);
	if (q < r->end && *q == '.') {
		if (!is_digit(++q, r->end)) {
			bad(r, p, "invalid number");
			return NULL;
		}
		q = skip_digits(q, r->end);
		real = 1;
	}
	if (q < r->end && (*q == 'e' || *q == 'E')) {
		q += q + 1 < r->end && (q[1] == '+' || q[1] == '-') ? 2 : 1;
		if (!is_digit(q, r->end)) {
			bad(r, p, "invalid number");
			return NULL;
		}
		q = skip_digits(q, r->end);
		real = 1;
	}
	r->p = q;
	if (real)
		return to_real(r, p, (size_t)(q - p));
	if (to_integer(&i, p, q) < 0) {
		bad(r, p, "integer out of range");
		return NULL;
	}
	/* jansson makes it 0, and so do we; the caller may refuse it. */
	if (*p == '-' && i == 0 && !r->minus_zero)
		r->minus_zero = p;
	if (!(v = json_integer(i)))
		out_of_memory(r);
	return v;
}

/* true, false or null at r->p; a letter after it is left to the caller,
 * who refuses it as it refuses any byte but a separator. */
static json_t *read_literal(struct rd *r)
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
	bad(r, r->p, "invalid token");
	return NULL;
}

static json_t *read_value(struct rd *r);

/* Appends elements to a until the closing bracket; r->p is after '['. */
static int read_elements(struct rd *r, json_t *a)
{
	json_t *v;

	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (!(v = read_value(r)))
			return -1;
		if (json_array_append_new(a, v) < 0)
			return out_of_memory(r);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		return bad(r, r->p, "',' or ']' expected");
	}
}

/* Adds key (n bytes) and v to o. A duplicate key replaces the old value
 * rather than growing the object: one hash lookup instead of two (get,
 * then set), and the tree is thrown away anyway. */
static int add_member(struct rd *r, json_t *o, const char *key, size_t n,
                      json_t *v, const unsigned char *key_at)
{
	size_t size = json_object_size(o);

	if (json_object_setn_new_nocheck(o, key, n, v) < 0)
		return out_of_memory(r);
	if (json_object_size(o) == size)
		return bad(r, key_at, "duplicate object key");
	return 0;
}

/* Reads one "key": value member into o; r->p is at the key's quote. */
static int read_member(struct rd *r, json_t *o)
{
	const unsigned char *key_at = r->p;
	const char *key;
	char *copy = NULL;
	size_t n;
	json_t *v;
	int rc;

	if (read_string(r, &key, &n) < 0)
		return -1;
	/* An escaped key lives in r->scratch, which the value may reuse. */
	if (key == r->scratch && !(key = copy = ags_strndup(key, n)))
		return out_of_memory(r);
	skip_ws(r);
	if (r->p == r->end || *r->p != ':') {
		rc = bad(r, r->p, "':' expected");
	} else {
		r->p++;
		skip_ws(r);
		v = read_value(r);
		rc = v ? add_member(r, o, key, n, v, key_at) : -1;
	}
	free(copy);
	return rc;
}

/* Adds members to o until the closing brace; r->p is after '{'. */
static int read_members(struct rd *r, json_t *o)
{
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (r->p == r->end || *r->p != '"')
			return bad(r, r->p, "string expected");
		if (read_member(r, o) < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		return bad(r, r->p, "',' or '}' expected");
	}
}

/* An array or object at r->p, its elements one level deeper. */
static json_t *read_container(struct rd *r)
{
	int object = *r->p++ == '{';
	json_t *c = object ? json_object() : json_array();
	int rc;

	if (!c) {
		out_of_memory(r);
		return NULL;
	}
	rc = object ? read_members(r, c) : read_elements(r, c);
	if (rc < 0) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static json_t *read_string_value(struct rd *r)
{
	const char *s;
	size_t n;
	json_t *v;

	if (read_string(r, &s, &n) < 0)
		return NULL;
	/* Already checked: well-formed UTF-8, no U+0000. */
	if (!(v = json_stringn_nocheck(s, n)))
		out_of_memory(r);
	return v;
}

/* Reads the value at r->p, which is not white space. */
static json_t *read_value(struct rd *r)
{
	json_t *v;

	if (r->p == r->end) {
		bad(r, r->p, "premature end of input");
		return NULL;
	}
	if (++r->depth > MAX_DEPTH) {
		bad(r, r->p, "maximum nesting depth reached");
		return NULL;
	}
	if (*r->p == '{' || *r->p == '[')
		v = read_container(r);
	else if (*r->p == '"')
		v = read_string_value(r);
	else if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
		v = read_number(r);
	else
		v = read_literal(r);
	if (v)
		r->depth--;
	return v;
}

/* The top level: an object or array, white space around it, nothing else. */
static json_t *read_document(struct rd *r)
{
	json_t *v;

	skip_ws(r);
	if (r->p == r->end || (*r->p != '{' && *r->p != '[')) {
		bad(r, r->p, "'[' or '{' expected");
		return NULL;
	}
	if (!(v = read_value(r)))
		return NULL;
	skip_ws(r);
	if (r->p != r->end) {
		bad(r, r->p, "end of input expected");
		json_decref(v);
		return NULL;
	}
	return v;
}

/* The 1-based line and column (in code points, as jansson counts) of at. */
static void position(const unsigned char *buf, const unsigned char *at,
                     long *line, long *column)
{
	const unsigned char *p;

	*line = 1;
	*column = 1;
	for (p = buf; p < at; p++) {
		if (*p == '\n') {
			++*line;
			*column = 1;
		} else if ((*p & 0xc0) != 0x80) {
			++*column;
		}
	}
}

static void note(struct ags_json_notes *notes, const struct rd *r,
                 const char *buf)
{
	notes->minus_zero_line = notes->minus_zero_column = 0;
	if (r->minus_zero)
		position((const unsigned char *)buf, r->minus_zero,
		         &notes->minus_zero_line, &notes->minus_zero_column);
}

/* Refused input. The message and position are jansson's, so that what
 * users and tests see stays what json_loadb said before this reader
 * replaced it (refusals are rare; reading twice costs nothing that
 * matters). Only when jansson accepts, which the tests treat as a bug of
 * this reader, are they our own. */
static enum ags_err refused(const struct rd *r, const char *buf, size_t len,
                            const char *source, struct ags_error *err)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	long line, column;

	if (!j)
		return ags_error_set(err, AGS_ERR_JSON, source, je.line,
		                     je.column, "malformed JSON: %s", je.text);
	json_decref(j);
	position((const unsigned char *)buf, r->at ? r->at : r->p, &line,
	         &column);
	return ags_error_set(err, AGS_ERR_JSON, source, line, column,
	                     "malformed JSON: %s",
	                     r->why ? r->why : "invalid JSON");
}

enum ags_err ags_json_parse(json_t **out, const char *buf, size_t len,
                            const char *source, struct ags_error *err)
{
	return ags_json_parse_noted(out, NULL, buf, len, source, err);
}

enum ags_err ags_json_parse_noted(json_t **out, struct ags_json_notes *notes,
                                  const char *buf, size_t len,
                                  const char *source, struct ags_error *err)
{
	struct rd r = {0};
	const char *nul = len ? memchr(buf, '\0', len) : NULL;
	long line, column;
	json_t *v;

	*out = NULL;
	/* jansson skips some NUL bytes (after a number or a literal); we
	 * never accept one. */
	if (nul) {
		position((const unsigned char *)buf, (const unsigned char *)nul,
		         &line, &column);
		return ags_error_set(err, AGS_ERR_JSON, source, line, column,
		                     "malformed JSON: NUL byte");
	}
	r.p = (const unsigned char *)buf;
	r.end = r.p + len;
	v = read_document(&r);
	free(r.scratch);
	if (v) {
		*out = v;
		if (notes)
			note(notes, &r, buf);
		return AGS_OK;
	}
	if (r.nomem)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory while reading JSON");
	return refused(&r, buf, len, source, err);
}
