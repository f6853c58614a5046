/* RFC 8785 JSON Canonicalization Scheme (JCS) over jansson values.
 *
 * jansson's own JSON_SORT_KEYS|JSON_COMPACT output is not JCS: it sorts keys
 * by UTF-8 bytes, escapes differently and prints reals with "%.17g". Here
 * keys are ordered by UTF-16 code units, strings use the minimal escapes of
 * RFC 8785 §3.2.2.2 and reals the ECMAScript Number.prototype.toString form
 * of §3.2.2.3. Values JCS cannot represent faithfully are refused, never
 * altered. */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JCS_INT_LIMIT AGS_JCS_INT_MAX

/* jansson's parser stops at 2048 nested arrays and objects; values built in
 * code have no such limit and may even hold a cycle, which would recurse
 * forever. The same cap keeps the recursion bounded. */
#define JCS_MAX_DEPTH 2048

/* A NUL-terminated growable output buffer. */
struct jcs_buf {
	char *p;
	size_t len;
	size_t cap;
};

struct jcs {
	struct jcs_buf out;
	struct ags_error *err;
};

/* An object member, collected so that members can be sorted. */
struct jcs_member {
	const char *key;
	size_t key_len;
	const json_t *value;
};

static enum ags_err nomem(struct jcs *j)
{
	return ags_error_set(j->err, AGS_ERR_NOMEM, "", 0, 0,
	                     "out of memory while canonicalizing JSON");
}

/* Room for n more bytes and the terminating NUL. */
static enum ags_err buf_reserve(struct jcs *j, size_t n)
{
	struct jcs_buf *b = &j->out;
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (n > SIZE_MAX / 2 - b->len)
		return nomem(j);
	if (b->len + n + 1 <= b->cap)
		return AGS_OK;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return nomem(j);
	b->p = p;
	b->cap = cap;
	return AGS_OK;
}

static enum ags_err put(struct jcs *j, const char *s, size_t n)
{
	enum ags_err rc = buf_reserve(j, n);

	if (rc != AGS_OK)
		return rc;
	memcpy(j->out.p + j->out.len, s, n);
	j->out.len += n;
	j->out.p[j->out.len] = '\0';
	return AGS_OK;
}

static enum ags_err put_str(struct jcs *j, const char *s)
{
	return put(j, s, strlen(s));
}

/* Strings and keys must be valid UTF-8 without U+0000: jansson can hold
 * either (JSON_ALLOW_NUL, the _nocheck and _setn functions), JCS cannot
 * carry them faithfully. what is "string" or "object key". */
static enum ags_err check_text(struct jcs *j, const char *s, size_t len,
                               const char *what)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		/* Printable ASCII, most of any statement, needs no decoding. */
		if (u[i] >= 0x20 && u[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = ags_utf8_next(u + i, len - i, &cp)) == 0)
			return ags_error_set(
			        j->err, AGS_ERR_FORMAT, "", 0, 0,
			        "%s holds invalid UTF-8 at byte %zu", what, i);
		if (cp == 0)
			return ags_error_set(j->err, AGS_ERR_FORMAT, "", 0, 0,
			                     "%s holds U+0000 at byte %zu",
			                     what, i);
		i += k;
	}
	return AGS_OK;
}

/* The escape for byte c, or NULL when c is written as it is. */
const char *ags_jcs_escape(unsigned char c, char tmp[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\f': return "\\f";
	case '\r': return "\\r";
	default: break;
	}
	if (c >= 0x20)
		return NULL;
	snprintf(tmp, 8, "\\u%04x", c);
	return tmp;
}

/* Writes an already validated string; unescaped runs go out in one copy. */
static enum ags_err put_string(struct jcs *j, const char *s, size_t len)
{
	enum ags_err rc = put(j, "\"", 1);
	size_t i, run = 0;
	const char *esc;
	char tmp[8];

	for (i = 0; i < len && rc == AGS_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue; /* the common case: no escape */
		esc = ags_jcs_escape(c, tmp);
		if (!esc)
			continue;
		rc = put(j, s + run, i - run);
		if (rc == AGS_OK)
			rc = put_str(j, esc);
		run = i + 1;
	}
	if (rc == AGS_OK)
		rc = put(j, s + run, len - run);
	return rc == AGS_OK ? put(j, "\"", 1) : rc;
}

static enum ags_err put_checked_string(struct jcs *j, const char *s, size_t len,
                                       const char *what)
{
	enum ags_err rc = check_text(j, s, len, what);

	return rc == AGS_OK ? put_string(j, s, len) : rc;
}

static enum ags_err put_integer(struct jcs *j, json_int_t v)
{
	char num[32];

	if (v > JCS_INT_LIMIT || v < -JCS_INT_LIMIT)
		return ags_error_set(j->err, AGS_ERR_FORMAT, "", 0, 0,
		                     "integer %" JSON_INTEGER_FORMAT
		                     " is outside the I-JSON range",
		                     v);
	snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, v);
	return put_str(j, num);
}

/* ---------------------------------------------------------------------
 * Reals: ECMAScript Number.prototype.toString (ECMA-262 Number::toString)
 */

/* A positive double as the decimal digits m (k of them, m < 10^17) times
 * 10^(e - k + 1): e is the decimal exponent of the first digit. */
struct decimal {
	uint64_t m;
	int k;
	int e;
};

static uint64_t pow10u(int n)
{
	uint64_t p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* Reads snprintf's "%.*e" form "d.ddde+XX" into dec; k is already set.
 * The radix character depends on LC_NUMERIC, so any non-digit before the
 * 'e' is skipped, never assumed to be '.'. */
static void parse_e_form(const char *s, struct decimal *dec)
{
	int sign = 1, e = 0;

	dec->m = 0;
	for (; *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			dec->m = dec->m * 10 + (uint64_t)(*s - '0');
	s++;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s; s++)
		e = e * 10 + (*s - '0');
	dec->e = sign * e;
}

/* The double nearest to dec. Written without a radix character, the
 * string reads back the same in every locale. */
static double decimal_value(const struct decimal *dec)
{
	char s[40];

	snprintf(s, sizeof(s), "%" PRIu64 "e%d", dec->m, dec->e - dec->k + 1);
	return strtod(s, NULL);
}

/* Moves dec to its neighbour k-digit decimal on the other side of v. The
 * correctly rounded candidate can fail to round-trip while the farther
 * neighbour succeeds: at a power of two the rounding interval of v is
 * narrower below than above. */
static void other_neighbour(struct decimal *dec, int above)
{
	uint64_t lo = pow10u(dec->k - 1);

	if (above && ++dec->m == lo * 10) {
		dec->m = lo;
		dec->e++;
	} else if (!above && dec->m-- == lo) {
		dec->m = lo * 10 - 1;
		dec->e--;
	}
}

/* Finds the fewest digits that read back as v (v finite and > 0), and
 * among those the closest to v: snprintf rounds correctly, so the first
 * candidate of each length is the closest one. 17 digits always suffice. */
static void shortest_decimal(double v, struct decimal *dec)
{
	char s[40];
	double back;

	for (dec->k = 1; dec->k < 17; dec->k++) {
		snprintf(s, sizeof(s), "%.*e", dec->k - 1, v);
		parse_e_form(s, dec);
		back = decimal_value(dec);
		if (back == v)
			return;
		other_neighbour(dec, back < v);
		if (decimal_value(dec) == v)
			return;
	}
	snprintf(s, sizeof(s), "%.16e", v);
	parse_e_form(s, dec);
}

/* Appends c to out n times, at out[*len]. */
static void pad(char *out, size_t *len, char c, int n)
{
	while (n-- > 0)
		out[(*len)++] = c;
}

static void append(char *out, size_t *len, const char *s, size_t n)
{
	memcpy(out + *len, s, n);
	*len += n;
}

/* ECMA-262 Number::toString steps 6-10 for a positive value: the digits
 * padded with zeros, split by a decimal point, after "0." and zeros, or in
 * exponent form. out must hold 32 bytes. */
static void format_decimal(char out[32], const struct decimal *d)
{
	char dig[24], ex[16];
	int k = d->k, n = d->e + 1;
	size_t len = 0;

	snprintf(dig, sizeof(dig), "%0*" PRIu64, k, d->m);
	if (k <= n && n <= 21) {
		append(out, &len, dig, (size_t)k);
		pad(out, &len, '0', n - k);
	} else if (0 < n && n <= 21) {
		append(out, &len, dig, (size_t)n);
		out[len++] = '.';
		append(out, &len, dig + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		append(out, &len, "0.", 2);
		pad(out, &len, '0', -n);
		append(out, &len, dig, (size_t)k);
	} else {
		out[len++] = dig[0];
		if (k > 1)
			out[len++] = '.';
		append(out, &len, dig + 1, (size_t)(k - 1));
		snprintf(ex, sizeof(ex), "e%c%d", n > 0 ? '+' : '-',
		         abs(n - 1));
		append(out, &len, ex, strlen(ex));
	}
	out[len] = '\0';
}

static enum ags_err put_real(struct jcs *j, double v)
{
	struct decimal dec;
	char num[32];

	if (!isfinite(v))
		return ags_error_set(j->err, AGS_ERR_FORMAT, "", 0, 0,
		                     "real %g is not a finite number", v);
	if (v == 0) /* -0 too: ECMAScript prints both as "0" */
		return put_str(j, "0");
	shortest_decimal(fabs(v), &dec);
	while (dec.k > 1 && dec.m % 10 == 0) {
		dec.m /= 10;
		dec.k--;
	}
	if (v < 0 && put(j, "-", 1) != AGS_OK)
		return AGS_ERR_NOMEM;
	format_decimal(num, &dec);
	return put_str(j, num);
}

/* ---------------------------------------------------------------------
 * Containers
 */

static enum ags_err put_value(struct jcs *j, const json_t *v, int depth);

/* Next UTF-16 code unit of a valid UTF-8 key, or -1 at its end. *pending
 * holds the low surrogate still owed after a high one. */
static long utf16_next(const char *s, size_t len, size_t *i, uint32_t *pending)
{
	uint32_t cp;
	size_t k;

	if (*pending) {
		cp = *pending;
		*pending = 0;
		return (long)cp;
	}
	if (*i >= len ||
	    !(k = ags_utf8_next((const unsigned char *)s + *i, len - *i, &cp)))
		return -1;
	*i += k;
	if (cp < 0x10000)
		return (long)cp;
	cp -= 0x10000;
	*pending = 0xdc00 + (cp & 0x3ff);
	return (long)(0xd800 + (cp >> 10));
}

/* RFC 8785 §3.2.3: keys compare as arrays of UTF-16 code units. UTF-8
 * byte order differs: U+E000..U+FFFF sort after U+10000.. in UTF-16. */
static int member_cmp(const void *pa, const void *pb)
{
	const struct jcs_member *a = pa, *b = pb;
	size_t ia = 0, ib = 0;
	uint32_t pa16 = 0, pb16 = 0;
	long ua, ub;

	do {
		ua = utf16_next(a->key, a->key_len, &ia, &pa16);
		ub = utf16_next(b->key, b->key_len, &ib, &pb16);
	} while (ua == ub && ua >= 0);
	return ua < ub ? -1 : ua > ub;
}

/* Collects the members of object o into a malloc'd array of *count,
 * keys checked. */
static enum ags_err collect_members(struct jcs *j, const json_t *o,
                                    struct jcs_member **out, size_t *count)
{
	size_t n = json_object_size(o), i = 0;
	struct jcs_member *m = malloc((n ? n : 1) * sizeof(*m));
	enum ags_err rc = AGS_OK;
	void *it;

	if (!m)
		return nomem(j);
	for (it = json_object_iter((json_t *)o); it && i < n && rc == AGS_OK;
	     it = json_object_iter_next((json_t *)o, it), i++) {
		m[i].key = json_object_iter_key(it);
		m[i].key_len = json_object_iter_key_len(it);
		m[i].value = json_object_iter_value(it);
		rc = check_text(j, m[i].key, m[i].key_len, "object key");
	}
	if (rc != AGS_OK) {
		free(m);
		return rc;
	}
	*out = m;
	*count = i;
	return AGS_OK;
}

static enum ags_err put_object(struct jcs *j, const json_t *o, int depth)
{
	size_t n = 0, i;
	struct jcs_member *m = NULL;
	enum ags_err rc = collect_members(j, o, &m, &n);

	if (rc != AGS_OK)
		return rc;
	qsort(m, n, sizeof(*m), member_cmp);
	rc = put(j, "{", 1);
	for (i = 0; i < n && rc == AGS_OK; i++) {
		if (i > 0)
			rc = put(j, ",", 1);
		if (rc == AGS_OK)
			rc = put_string(j, m[i].key, m[i].key_len);
		if (rc == AGS_OK)
			rc = put(j, ":", 1);
		if (rc == AGS_OK)
			rc = put_value(j, m[i].value, depth + 1);
	}
	free(m);
	return rc == AGS_OK ? put(j, "}", 1) : rc;
}

static enum ags_err put_array(struct jcs *j, const json_t *a, int depth)
{
	size_t n = json_array_size(a), i;
	enum ags_err rc = put(j, "[", 1);

	for (i = 0; i < n && rc == AGS_OK; i++) {
		if (i > 0)
			rc = put(j, ",", 1);
		if (rc == AGS_OK)
			rc = put_value(j, json_array_get(a, i), depth + 1);
	}
	return rc == AGS_OK ? put(j, "]", 1) : rc;
}

/* depth counts the arrays and objects around v. */
static enum ags_err put_value(struct jcs *j, const json_t *v, int depth)
{
	if ((json_is_object(v) || json_is_array(v)) && depth >= JCS_MAX_DEPTH)
		return ags_error_set(j->err, AGS_ERR_FORMAT, "", 0, 0,
		                     "JSON nested deeper than %d levels",
		                     JCS_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT: return put_object(j, v, depth);
	case JSON_ARRAY: return put_array(j, v, depth);
	case JSON_STRING:
		return put_checked_string(j, json_string_value(v),
		                          json_string_length(v), "string");
	case JSON_INTEGER: return put_integer(j, json_integer_value(v));
	case JSON_REAL: return put_real(j, json_real_value(v));
	case JSON_TRUE: return put_str(j, "true");
	case JSON_FALSE: return put_str(j, "false");
	case JSON_NULL: return put_str(j, "null");
	}
	return ags_error_set(j->err, AGS_ERR_INVALID, "", 0, 0,
	                     "unknown JSON value type");
}

enum ags_err ags_jcs_serialize(char **out, size_t *out_len, const json_t *v,
                               struct ags_error *err)
{
	struct jcs j = {{NULL, 0, 0}, err};
	enum ags_err rc;

	if (!out || !out_len || !v)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "ags_jcs_serialize: NULL argument");
	*out = NULL;
	*out_len = 0;
	rc = put_value(&j, v, 0);
	if (rc != AGS_OK) {
		free(j.out.p);
		return rc;
	}
	*out = j.out.p;
	*out_len = j.out.len;
	return AGS_OK;
}
