/* The text json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) gives, written
 * without jansson's dumper, with one more rule (spec §10.4): every JSON
 * line the tool prints comes from here. A batch result is about 1 KB, and
 * jansson spends some 100,000 instructions on it (a callback per token, a
 * UTF-8 decode per code point, a qsort and a hash lookup per key); this,
 * about 17,000 (plain ASCII 8 bytes at a time, small objects sorted on the
 * stack). tests/check_json_write.c compares the two writers byte for byte,
 * once jansson's text has the rule applied.
 *
 * The rule: a code point that output never writes as itself
 * (ags_output_hazard: DEL, the C1 controls, the bidirectional controls,
 * U+2028 and U+2029) is written as \uXXXX with uppercase hex, as jansson
 * writes the C0 controls, so that a terminal that shows a line, or a
 * reader that splits at U+2028, sees only ASCII there. The string a
 * parser reads back is the same.
 *
 * What jansson 2.14 writes, and so what this writes:
 * - members in the order of memcmp() of their keys, a key before the
 *   keys it is a prefix of ("a" < "a\u0000b" < "ab");
 * - in strings and keys '"' and '\\' escaped, \b \f \n \r \t by name,
 *   the other bytes below 0x20 (NUL of json_stringn too) as \u00XX with
 *   uppercase hex; '/' and all other UTF-8 as they are (but the rule);
 * - a string that is not UTF-8 (json_stringn_nocheck) fails the text. In
 *   a key (json_object_set_nocheck) jansson ignores the failure and keeps
 *   what it had written of the key: the opening quote and the key up to
 *   its last escape before the bad byte, with no closing quote; so does
 *   this;
 * - a container inside itself (a cycle) fails the text, the same
 *   container twice side by side does not;
 * - a top level that is not an object or array fails the text;
 * - reals are written by jansson itself (our results have none).
 * Not matched: keys of 2 GiB or more, whose length jansson cuts to int
 * when it sorts. Like jansson's, the recursion has no depth limit: values
 * built in code could be deep enough to exhaust the stack in both. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A batch result is about 1 KB: one allocation holds most. */
#define FIRST_CAP 2048
/* Objects with up to this many members are sorted on the stack. */
#define SMALL_OBJECT 16
/* Strings are escaped this many bytes at a time, so that the room
 * reserved for the worst case (6 bytes out per byte in) stays small. */
#define STRING_CHUNK 4096

/* Not the project's ags_buf: strings reserve their worst case once per
 * chunk and then store bytes directly, with no check per byte. */
struct out {
	char *s;
	size_t len, cap;
};

/* The containers being written, innermost first: meeting one of them
 * again inside itself is a cycle. */
struct path {
	const json_t *j;
	const struct path *up;
};

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

enum str_rc { STR_OK, STR_NOMEM, STR_BAD_UTF8 };

/* The class of each byte in a string: 0 written as it is, 1 escaped as
 * jansson escapes it, 2 the start of a multi-byte UTF-8 sequence, or not
 * UTF-8 at all, 3 DEL, 4 the first byte of a sequence that may be one of
 * the other code points of the rule (0xC2: U+0080..U+00BF, 0xD8: U+061C,
 * 0xE2: U+2000..U+2FFF). Classes 3 and 4 are escaped by the rule only. */
/* clang-format off */
static const unsigned char byte_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, /* 0x70: DEL */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x80-0xFF */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xC2 */
	2, 2, 2, 2, 2, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, /* 0xD8 */
	2, 2, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xE2 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};
/* clang-format on */

static int grow(struct out *o, size_t more)
{
	size_t cap = o->cap;
	char *p;

	if (more > SIZE_MAX / 4 - o->len)
		return -1;
	while (cap - o->len < more)
		cap *= 2;
	p = realloc(o->s, cap);
	if (!p)
		return -1;
	o->s = p;
	o->cap = cap;
	return 0;
}

/* Room for more bytes: 0, or -1 when out of memory. */
static inline int room(struct out *o, size_t more)
{
	return more <= o->cap - o->len ? 0 : grow(o, more);
}

static int put(struct out *o, const char *s, size_t n)
{
	if (room(o, n) != 0)
		return -1;
	memcpy(o->s + o->len, s, n);
	o->len += n;
	return 0;
}

/* put() of one byte, without a call to memcpy. */
static inline int put_char(struct out *o, char c)
{
	if (room(o, 1) != 0)
		return -1;
	o->s[o->len++] = c;
	return 0;
}

#define ONES  0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* 1 when none of the 8 bytes at p is escaped or above 0x7E. Each term
 * sets the high bit of (at least the lowest) byte of its kind: (w - 0x20
 * in each byte) & ~w for bytes below 0x20, the same with 1 on w xor '"'
 * (or '\\') for bytes equal to them, w itself for bytes above 0x7F, and
 * w + 1 in each byte for DEL. A borrow or carry starts only at a byte so
 * flagged: no flag, no such byte. */
static inline int plain8(const unsigned char *p)
{
	uint64_t w, q, b;

	memcpy(&w, p, 8);
	q = w ^ (ONES * '"');
	b = w ^ (ONES * '\\');
	return ((((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
	         ((b - ONES) & ~b) | w | (w + ONES)) &
	        HIGHS) == 0;
}

/* Writes \uXXXX (uppercase hex, as jansson writes \u001F) at d for code
 * point cp < 0x10000; returns the end. */
static char *put_u(char *d, uint32_t cp)
{
	static const char hex[] = "0123456789ABCDEF";

	d[0] = '\\';
	d[1] = 'u';
	d[2] = hex[cp >> 12 & 15];
	d[3] = hex[cp >> 8 & 15];
	d[4] = hex[cp >> 4 & 15];
	d[5] = hex[cp & 15];
	return d + 6;
}

/* Writes the escape of c (class 1) at d; returns the end. */
static char *put_escape(char *d, unsigned char c)
{
	static const char named[32] = {['\b'] = 'b',
	                               ['\f'] = 'f',
	                               ['\n'] = 'n',
	                               ['\r'] = 'r',
	                               ['\t'] = 't'};
	static const char hex[] = "0123456789ABCDEF";

	*d++ = '\\';
	if (c >= 0x20 || named[c]) {
		*d++ = c >= 0x20 ? (char)c : named[c];
		return d;
	}
	memcpy(d, "u00", 3);
	d[3] = hex[c >> 4];
	d[4] = hex[c & 15];
	return d + 5;
}

/* Escapes the bytes from p up to stop into o, which has room for 6 bytes
 * out per byte in (a sequence begun before stop may end past it, but not
 * past end). Returns where it stopped, or NULL at bytes that are not
 * UTF-8. *kept: o's length after the last escape jansson would write
 * (not those of the rule: jansson's text of a bad key ends there). */
static const unsigned char *escape_run(struct out *o, const unsigned char *p,
                                       const unsigned char *stop,
                                       const unsigned char *end, size_t *kept)
{
	char *d = o->s + o->len;
	const unsigned char *q;
	size_t n, i;
	uint32_t cp;

	while (p < stop) {
		/* most of a result is plain ASCII: 8 bytes at a time */
		if (stop - p >= 8 && plain8(p)) {
			memcpy(d, p, 8);
			d += 8;
			p += 8;
			continue;
		}
		/* else these 8 one by one: text without plain runs tests
		 * each byte once, not at every offset */
		for (q = stop - p > 8 ? p + 8 : stop; p < q;) {
			if (byte_class[*p] == 0) {
				*d++ = (char)*p++;
			} else if (byte_class[*p] == 1) {
				d = put_escape(d, *p++);
				*kept = (size_t)(d - o->s);
			} else if (byte_class[*p] == 3) {
				d = put_u(d, *p++);
			} else if ((n = ags_utf8_next(p, (size_t)(end - p),
			                              &cp)) != 0) {
				if (byte_class[*p] == 4 &&
				    ags_output_hazard(cp)) {
					d = put_u(d, cp);
					p += n;
					continue;
				}
				for (i = 0; i < n; i++)
					*d++ = (char)*p++;
			} else {
				o->len = (size_t)(d - o->s);
				return NULL;
			}
		}
	}
	o->len = (size_t)(d - o->s);
	return p;
}

static inline size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Appends s (n bytes) as a JSON string. On bytes that are not UTF-8, o
 * ends where jansson's text does: jansson writes a run of plain bytes
 * only when an escape or the closing quote ends it, so the run the bad
 * bytes are in is lost, and the closing quote. */
static enum str_rc put_string(struct out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t kept, chunk;

	/* Room for each chunk: 6 bytes out per byte in, 3 for the end of a
	 * sequence begun in it, and the closing quote; first the opening
	 * one too, so that the test in the loop is then mostly met. */
	if (room(o, 6 * min_size(n, STRING_CHUNK) + 5) != 0)
		return STR_NOMEM;
	o->s[o->len++] = '"';
	kept = o->len;
	while (p < end) {
		chunk = min_size((size_t)(end - p), STRING_CHUNK);
		if (room(o, 6 * chunk + 4) != 0)
			return STR_NOMEM;
		p = escape_run(o, p, p + chunk, end, &kept);
		if (!p) {
			o->len = kept;
			return STR_BAD_UTF8;
		}
	}
	o->s[o->len++] = '"';
	return STR_OK;
}

/* "%lld" of v, as jansson writes integers. */
static int put_integer(struct out *o, json_int_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = (unsigned long long)v;

	if (v < 0)
		u = 0 - u; /* well defined for LLONG_MIN too */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* Reals are rare here and jansson's "%.17g" and its trimming are subtle:
 * jansson writes them. */
static int put_real(struct out *o, const json_t *j)
{
	char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	int rc = text ? put(o, text, strlen(text)) : -1;

	free(text);
	return rc;
}

static int put_value(struct out *o, const json_t *j, const struct path *up);

static int on_path(const json_t *j, const struct path *up)
{
	for (; up; up = up->up)
		if (up->j == j)
			return 1;
	return 0;
}

static int put_array(struct out *o, const json_t *a, const struct path *up)
{
	const struct path here = {a, up};
	size_t i, n = json_array_size(a);

	if (on_path(a, up) || put_char(o, '[') != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && put_char(o, ',') != 0)
			return -1;
		if (put_value(o, json_array_get(a, i), &here) != 0)
			return -1;
	}
	return put_char(o, ']');
}

/* jansson's order: memcmp of the common length, then the shorter first. */
static inline int key_cmp(const struct member *a, const struct member *b)
{
	size_t n = min_size(a->len, b->len);
	int c;

	/* keys mostly differ in their first byte: no call for those */
	if (n > 0 && a->key[0] != b->key[0])
		return (unsigned char)a->key[0] - (unsigned char)b->key[0];
	if ((c = memcmp(a->key, b->key, n)) != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int member_cmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

/* Keys are distinct, so any correct sort gives jansson's order. Small
 * objects (all of a result's) take an insertion sort: no calls through a
 * pointer, few comparisons. */
static void sort_members(struct member *m, size_t n)
{
	size_t i, k;
	struct member t;

	if (n > SMALL_OBJECT) {
		qsort(m, n, sizeof(*m), member_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		t = m[i];
		for (k = i; k > 0 && key_cmp(&m[k - 1], &t) > 0; k--)
			m[k] = m[k - 1];
		m[k] = t;
	}
}

/* Fills m (room for n) with obj's members; returns how many. */
static size_t collect_members(const json_t *obj, struct member *m, size_t n)
{
	void *it = json_object_iter((json_t *)obj);
	size_t i;

	for (i = 0; it && i < n; i++) {
		m[i].key = json_object_iter_key(it);
		m[i].len = json_object_iter_key_len(it);
		m[i].value = json_object_iter_value(it);
		it = json_object_iter_next((json_t *)obj, it);
	}
	return i;
}

static int put_members(struct out *o, const struct member *m, size_t n,
                       const struct path *here)
{
	size_t i;

	if (put_char(o, '{') != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && put_char(o, ',') != 0)
			return -1;
		/* a key that is not UTF-8 does not stop jansson: see above */
		if (put_string(o, m[i].key, m[i].len) == STR_NOMEM)
			return -1;
		if (put_char(o, ':') != 0 ||
		    put_value(o, m[i].value, here) != 0)
			return -1;
	}
	return put_char(o, '}');
}

static int put_object(struct out *o, const json_t *obj, const struct path *up)
{
	const struct path here = {obj, up};
	struct member small[SMALL_OBJECT], *m = small;
	size_t n = json_object_size(obj);
	int rc;

	if (on_path(obj, up))
		return -1;
	if (n > SMALL_OBJECT) {
		if (n > SIZE_MAX / sizeof(*m) || !(m = malloc(n * sizeof(*m))))
			return -1;
	}
	n = collect_members(obj, m, n);
	sort_members(m, n);
	rc = put_members(o, m, n, &here);
	if (m != small)
		free(m);
	return rc;
}

static int put_value(struct out *o, const json_t *j, const struct path *up)
{
	if (!j)
		return -1;
	switch (json_typeof(j)) {
	case JSON_OBJECT: return put_object(o, j, up);
	case JSON_ARRAY: return put_array(o, j, up);
	case JSON_STRING:
		return put_string(o, json_string_value(j),
		                  json_string_length(j)) == STR_OK
		               ? 0
		               : -1;
	case JSON_INTEGER: return put_integer(o, json_integer_value(j));
	case JSON_REAL: return put_real(o, j);
	case JSON_TRUE: return put(o, "true", 4);
	case JSON_FALSE: return put(o, "false", 5);
	case JSON_NULL: return put(o, "null", 4);
	}
	return -1;
}

char *ags_json_dumps_sorted(const json_t *j, size_t *len)
{
	struct out o = {NULL, 0, FIRST_CAP};

	/* json_dumps without JSON_ENCODE_ANY writes containers only */
	if (!json_is_object(j) && !json_is_array(j))
		return NULL;
	if (!(o.s = malloc(o.cap)))
		return NULL;
	if (put_value(&o, j, NULL) != 0 || room(&o, 1) != 0) {
		free(o.s);
		return NULL;
	}
	o.s[o.len] = '\0';
	if (len)
		*len = o.len;
	return o.s;
}
