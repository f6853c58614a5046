/* src/json_write.c: ags_json_dumps_sorted gives exactly the bytes of
 * json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) with the escaping rule of
 * spec §10.4 applied (json_rule.h), NULL included, for every kind of byte
 * and code point, key order, nesting, number, for random trees and for
 * the results verification makes of the spec vectors. A few cases also
 * spell out the expected text, so that a change in jansson or in the rule
 * shows here and not only as a difference. (The tests run in tests/.) */
#include <check.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_rule.h"
#include "test_util.h"

#define FLAGS (JSON_COMPACT | JSON_SORT_KEYS)
#define VEC   "../spec/vectors/"

/* Both writers on j: the same text (and length), or both NULL. */
static void assert_same(const json_t *j, const char *what)
{
	char *jansson = json_dumps(j, FLAGS);
	char *want = rule_apply(jansson);
	size_t len = (size_t)-1;
	char *got = ags_json_dumps_sorted(j, &len);

	if (!want) {
		ck_assert_msg(got == NULL,
		              "%s: jansson gives NULL, we give %.200s", what,
		              got);
	} else {
		ck_assert_msg(got != NULL, "%s: we give NULL, jansson %.200s",
		              what, want);
		ck_assert_msg(len == strlen(want) &&
		                      memcmp(got, want, len + 1) == 0,
		              "%s: differ (%zu, %zu bytes):\n  jansson %.300s\n"
		              "  ours    %.300s",
		              what, strlen(want), len, want, got);
	}
	free(jansson);
	free(want);
	free(got);
}

/* Also the text itself, from both. */
static void assert_text(const json_t *j, const char *text, const char *what)
{
	char *got = ags_json_dumps_sorted(j, NULL);

	ck_assert_msg(got && strcmp(got, text) == 0, "%s: %s, not %s", what,
	              got ? got : "NULL", text);
	free(got);
	assert_same(j, what);
}

/* [s] and {s: s}: s (n bytes) as a value and as a key. */
static void assert_same_string(const char *s, size_t n, const char *what)
{
	json_t *a = json_array(), *o = json_object();

	ck_assert_int_eq(json_array_append_new(a, json_stringn(s, n)), 0);
	ck_assert_int_eq(json_object_setn_new(o, s, n, json_stringn(s, n)), 0);
	assert_same(a, what);
	assert_same(o, what);
	json_decref(a);
	json_decref(o);
}

/* Byte _i (0x00-0x7F) alone, and inside, before and after other text. */
START_TEST(test_each_ascii_byte)
{
	char c = (char)_i, buf[16], what[32];

	snprintf(what, sizeof(what), "byte 0x%02X", (unsigned)_i);
	assert_same_string(&c, 1, what);
	memcpy(buf, "ab", 2);
	buf[2] = c;
	memcpy(buf + 3, "cd", 2);
	buf[5] = c;
	buf[6] = c;
	assert_same_string(buf, 7, what);     /* ab?cd?? */
	assert_same_string(buf + 2, 5, what); /* ?cd?? */
	assert_same_string(buf, 3, what);     /* ab? */
}
END_TEST

/* Byte _i (any of 256, so _nocheck) at each offset of 32 plain bytes, and
 * two of it in a row: the writer tests 8 bytes at a time where it can. */
START_TEST(test_each_byte_at_each_offset)
{
	char buf[32], what[48];
	json_t *a, *o;
	size_t off;

	for (off = 0; off < 31; off++) {
		memcpy(buf, "plain text, 32 bytes of it: ok!!", 32);
		buf[off] = (char)_i;
		if (off % 2)
			buf[off + 1] = (char)_i;
		snprintf(what, sizeof(what), "byte 0x%02X at %zu", (unsigned)_i,
		         off);
		a = json_array();
		o = json_object();
		json_array_append_new(a, json_stringn_nocheck(buf, 32));
		json_object_setn_new_nocheck(o, buf, 32, json_null());
		assert_same(a, what);
		assert_same(o, what);
		json_decref(a);
		json_decref(o);
	}
}
END_TEST

/* The escapes, spelled out (jansson's hex is uppercase, and so is the
 * rule's; '/' is not escaped). */
START_TEST(test_escapes_spelled_out)
{
	json_t *a = json_pack("[s#]", "\"\\/\b\f\n\r\t\x01\x1f\x7f\x00z", 13);

	ck_assert_ptr_nonnull(a);
	assert_text(
	        a,
	        "[\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\\u007F\\u0000z\"]",
	        "escapes");
	json_decref(a);
}
END_TEST

/* The rule's code points, each spelled out, and their neighbours, which
 * stand for themselves: in a value and in a key. */
START_TEST(test_rule_spelled_out)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	        {"\xc2\x80", "\\u0080"},
	        {"\xc2\x9b", "\\u009B"},
	        {"\xc2\x9f", "\\u009F"},
	        {"\xc2\xa0", "\xc2\xa0"},
	        {"\xd8\x9b", "\xd8\x9b"},
	        {"\xd8\x9c", "\\u061C"},
	        {"\xd8\x9d", "\xd8\x9d"},
	        {"\xe2\x80\x8d", "\xe2\x80\x8d"},
	        {"\xe2\x80\x8e", "\\u200E"},
	        {"\xe2\x80\x8f", "\\u200F"},
	        {"\xe2\x80\xa7", "\xe2\x80\xa7"},
	        {"\xe2\x80\xa8", "\\u2028"},
	        {"\xe2\x80\xa9", "\\u2029"},
	        {"\xe2\x80\xaa", "\\u202A"},
	        {"\xe2\x80\xae", "\\u202E"},
	        {"\xe2\x80\xaf", "\xe2\x80\xaf"},
	        {"\xe2\x81\xa5", "\xe2\x81\xa5"},
	        {"\xe2\x81\xa6", "\\u2066"},
	        {"\xe2\x81\xa9", "\\u2069"},
	        {"\xe2\x81\xaa", "\xe2\x81\xaa"},
	        {"\x7e", "~"},
	        {"\x7f", "\\u007F"},
	};
	char in[32], want[64], key[64];
	json_t *a, *o, *back;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(in, sizeof(in), "a%sb", cases[i].in);
		snprintf(want, sizeof(want), "[\"a%sb\"]", cases[i].out);
		snprintf(key, sizeof(key), "{\"a%sb\":1}", cases[i].out);
		a = json_pack("[s]", in);
		o = json_pack("{s:i}", in, 1);
		assert_text(a, want, in);
		assert_text(o, key, in);
		/* a parser reads back the same string */
		back = json_loads(want, 0, NULL);
		ck_assert_ptr_nonnull(back);
		ck_assert_str_eq(json_string_value(json_array_get(back, 0)),
		                 in);
		json_decref(back);
		json_decref(a);
		json_decref(o);
	}
}
END_TEST

/* Appends code point cp as UTF-8 at p; returns the end. */
static char *put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xC0 | cp >> 6);
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*p++ = (char)(0xE0 | cp >> 12);
		*p++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*p++ = (char)(0xF0 | cp >> 18);
		*p++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*p++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	}
	return p;
}

/* Every code point but the surrogates, 4096 to a string (loop _i is the
 * block), with a control character between each two, so that runs of
 * every length meet escapes. */
START_TEST(test_every_code_point)
{
	static char buf[4096 * 5];
	char *p = buf, what[48];
	uint32_t cp;

	for (cp = (uint32_t)_i * 4096; cp < (uint32_t)(_i + 1) * 4096; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		p = put_utf8(p, cp);
		if (cp % 7 == 0)
			*p++ = (char)(cp % 32);
	}
	snprintf(what, sizeof(what), "code points from U+%04X",
	         (unsigned)_i * 4096);
	assert_same_string(buf, (size_t)(p - buf), what);
}
END_TEST

/* Each code point class at its edges, one to a string. */
START_TEST(test_utf8_edges)
{
	static const uint32_t cps[] = {
	        0x7F,   0x80,   0x7FF,  0x800,   0xD7FF,  0xE000,  0xFEFF,
	        0xFFFD, 0xFFFF, 0x2028, 0x10000, 0x1D11E, 0xFFFFF, 0x10FFFF};
	char buf[8], what[32];
	size_t i;

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		snprintf(what, sizeof(what), "U+%04X", (unsigned)cps[i]);
		assert_same_string(buf, (size_t)(put_utf8(buf, cps[i]) - buf),
		                   what);
	}
}
END_TEST

/* Bytes that are not UTF-8, only possible through the _nocheck calls. */
static const struct {
	const char *s;
	size_t n;
} bad_utf8[] = {
        {"\x80", 1},
        {"a\xbf", 2},
        {"\xc0\x80", 2},
        {"\xc1\xbf", 2},
        {"\xc2", 1},
        {"\xc2z", 2},
        {"\xe0\x80\x80", 3},
        {"\xe0\x9f\xbf", 3},
        {"\xed\xa0\x80", 3},
        {"\xed\xbf\xbf", 3},
        {"\xe2\x82", 2},
        {"\xe2\x82z", 3},
        {"\xf0\x8f\xbf\xbf", 4},
        {"\xf4\x90\x80\x80", 4},
        {"\xf5\x80\x80\x80", 4},
        {"\xff", 1},
        {"\xfe", 1},
        {"\xf0\x9f\x98", 3},
        {"ok\nthen\xff", 8},
        {"a\tb\"c\x80x\ny", 9},
        {"\xc3\xa9\x01\xc3", 4},
};

/* As a value: both NULL. As a key: jansson writes part of the key and
 * goes on; both writers must give the same bytes. */
START_TEST(test_bad_utf8)
{
	json_t *a = json_array(), *o = json_object(), *nested;
	char what[32];

	snprintf(what, sizeof(what), "bad UTF-8 #%d", _i);
	json_array_append_new(
	        a, json_stringn_nocheck(bad_utf8[_i].s, bad_utf8[_i].n));
	assert_same(a, what);
	ck_assert_int_eq(json_object_setn_new_nocheck(o, bad_utf8[_i].s,
	                                              bad_utf8[_i].n,
	                                              json_integer(1)),
	                 0);
	json_object_set_new(o, "z", json_string("after"));
	json_object_set_new(o, "", json_true());
	assert_same(o, what);
	nested = json_pack("{s:[O]}", "k", o);
	assert_same(nested, what);
	json_decref(nested);
	json_decref(a);
	json_decref(o);
}
END_TEST

/* What jansson writes for a bad key, spelled out: the opening quote and
 * the key up to its last escape; the rest and the closing quote are lost. */
START_TEST(test_bad_key_spelled_out)
{
	json_t *o = json_object();

	json_object_setn_new_nocheck(o, "a\tb\"c\x80x\ny", 9, json_null());
	assert_text(o, "{\"a\\tb\\\":null}", "bad key");
	json_decref(o);
}
END_TEST

/* Builds an object of keys[0..n-1] (lengths lens, or strlen) with value
 * i for keys[i], inserted in the order perm gives. */
static json_t *object_of(const char *const *keys, const size_t *lens,
                         const size_t *perm, size_t n)
{
	json_t *o = json_object();
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = perm[i];
		ck_assert_int_eq(
		        json_object_setn_new(o, keys[k],
		                             lens ? lens[k] : strlen(keys[k]),
		                             json_integer((json_int_t)k)),
		        0);
	}
	return o;
}

/* Prefixes, NUL inside keys, bytes above 0x7F: every insertion order of
 * the rotations and reversals of the list gives the same sorted text. */
START_TEST(test_key_order)
{
	static const char *const keys[] = {"ab",
	                                   "a",
	                                   "",
	                                   "a\0b",
	                                   "b",
	                                   "A",
	                                   "\xc3\xa9",
	                                   "\x7f",
	                                   "aa",
	                                   "a\0",
	                                   "\xf0\x9f\x98\x80"};
	static const size_t lens[] = {2, 1, 0, 3, 1, 1, 2, 1, 2, 2, 4};
	const size_t n = sizeof(keys) / sizeof(keys[0]);
	size_t perm[sizeof(keys) / sizeof(keys[0])], i, r;
	json_t *o;

	for (r = 0; r < 2 * n; r++) {
		for (i = 0; i < n; i++)
			perm[i] = r < n ? (i + r) % n : (n - 1 - i + r) % n;
		o = object_of(keys, lens, perm, n);
		assert_text(
		        o,
		        "{\"\":2,\"A\":5,\"a\":1,\"a\\u0000\":9,"
		        "\"a\\u0000b\":3,\"aa\":8,\"ab\":0,\"b\":4,"
		        "\"\\u007F\":7,\"\xc3\xa9\":6,\"\xf0\x9f\x98\x80\":10}",
		        "key order");
		json_decref(o);
	}
}
END_TEST

/* Objects larger than the on-stack sort (_i members), keys sharing long
 * prefixes, inserted in a scrambled order. */
START_TEST(test_large_objects)
{
	static const int sizes[] = {15, 16, 17, 33, 100, 1000, 5000};
	const size_t n = (size_t)sizes[_i];
	json_t *o = json_object();
	char key[64], what[32];
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = (i * 7919) % n;
		/* distinct: k ends each; "p/5" is a prefix of others */
		snprintf(key, sizeof(key), "p/%zu%s:%zu", k % 97,
		         k % 3 ? "" : "/x", k);
		ck_assert_int_eq(json_object_set_new(
		                         o, key, json_integer((json_int_t)k)),
		                 0);
	}
	ck_assert_uint_eq(json_object_size(o), n);
	snprintf(what, sizeof(what), "%zu members", n);
	assert_same(o, what);
	json_decref(o);
}
END_TEST

START_TEST(test_containers)
{
	static const char *const texts[] = {
	        "{}",
	        "[]",
	        "[[]]",
	        "[{}]",
	        "{\"a\":{}}",
	        "{\"a\":[]}",
	        "[[],{},[[{}]]]",
	        "{\"b\":[1,{\"d\":null,\"c\":[]}],\"a\":{}}",
	        "[true,false,null,\"\",0]"};
	size_t i;
	json_t *j;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		j = json_loads(texts[i], 0, NULL);
		ck_assert_ptr_nonnull(j);
		assert_same(j, texts[i]);
		json_decref(j);
	}
}
END_TEST

/* 3000 levels of arrays and objects in turn. */
START_TEST(test_deep_nesting)
{
	json_t *j = json_array(), *outer;
	int i;

	for (i = 0; i < 3000; i++) {
		outer = i % 2 ? json_array() : json_object();
		if (i % 2)
			json_array_append_new(outer, j);
		else
			json_object_set_new(outer, i % 4 ? "k" : "", j);
		j = outer;
	}
	assert_same(j, "3000 levels");
	json_decref(j);
}
END_TEST

START_TEST(test_integers)
{
	json_t *a = json_pack(
	        "[IIIIIIIIII]", (json_int_t)INT64_MIN, (json_int_t)INT64_MAX,
	        (json_int_t)0, (json_int_t)-1, (json_int_t)1, (json_int_t)9,
	        (json_int_t)10, (json_int_t)-10, (json_int_t)(INT64_MIN + 1),
	        (json_int_t)1000000000000000000LL);

	ck_assert_ptr_nonnull(a);
	assert_text(a,
	            "[-9223372036854775808,9223372036854775807,0,-1,1,9,10,"
	            "-10,-9223372036854775807,1000000000000000000]",
	            "integers");
	json_decref(a);
}
END_TEST

START_TEST(test_reals)
{
	static const double reals[] = {
	        1.5, 1e300, -0.0,    0.1,  1e-300,        5e-324,   DBL_MAX,
	        1.0, 100.0, -1.5e17, 1e16, 123456789.125, 2.0 / 3.0};
	json_t *a = json_array(), *o = json_object();
	char key[8];
	size_t i;

	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		json_array_append_new(a, json_real(reals[i]));
		snprintf(key, sizeof(key), "r%zu", i);
		json_object_set_new(o, key, json_real(reals[i]));
	}
	assert_same(a, "reals");
	assert_same(o, "reals");
	json_decref(a);
	a = json_pack("[f,f]", 1.5, -0.0);
	assert_text(a, "[1.5,-0.0]", "1.5 and -0.0");
	json_decref(a);
	json_decref(o);
}
END_TEST

/* A top level that is not a container: NULL from both (json_dumps needs
 * JSON_ENCODE_ANY for those). */
START_TEST(test_scalar_top_level)
{
	json_t *values[] = {json_string("s"), json_integer(1), json_real(1.5),
	                    json_true(),      json_false(),    json_null()};
	size_t i, len = 7;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ck_assert_ptr_null(ags_json_dumps_sorted(values[i], &len));
		assert_same(values[i], "scalar");
		json_decref(values[i]);
	}
	ck_assert_ptr_null(ags_json_dumps_sorted(NULL, &len));
	ck_assert_uint_eq(len, 7); /* left alone */
}
END_TEST

/* A container inside itself: NULL from both. The same container twice
 * side by side is no cycle. */
START_TEST(test_cycles)
{
	json_t *a = json_array(), *b = json_array(), *o = json_object();
	json_t *shared = json_pack("{s:i}", "x", 1), *dag;

	json_array_append(b, a);
	json_array_append(a, b);
	assert_same(a, "array cycle");
	ck_assert_ptr_null(ags_json_dumps_sorted(a, NULL));
	json_array_clear(a);
	json_object_set_new(o, "in", json_pack("[{}]"));
	json_object_set(json_array_get(json_object_get(o, "in"), 0), "o", o);
	assert_same(o, "object cycle");
	ck_assert_ptr_null(ags_json_dumps_sorted(o, NULL));
	json_object_clear(o);
	/* objects alone: {"a": {"b": <the first>}} */
	json_object_set_new(o, "a", json_object());
	json_object_set(json_object_get(o, "a"), "b", o);
	assert_same(o, "object-only cycle");
	ck_assert_ptr_null(ags_json_dumps_sorted(o, NULL));
	json_object_clear(o);
	dag = json_pack("[O,O,{sO}]", shared, shared, "s", shared);
	assert_text(dag, "[{\"x\":1},{\"x\":1},{\"s\":{\"x\":1}}]", "shared");
	json_decref(dag);
	json_decref(shared);
	json_decref(a);
	json_decref(b);
	json_decref(o);
}
END_TEST

/* A long string crosses the writer's chunks: escapes and multi-byte
 * sequences at every offset around them. */
START_TEST(test_long_strings)
{
	static const char *const pieces[] = {
	        "x",   "\n", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
	        "\x01"};
	size_t cap = 40000, n = 0, i = 0, k;
	char *buf = malloc(cap + 8);

	ck_assert_ptr_nonnull(buf);
	while (n < cap) {
		k = strlen(pieces[(i * i + i / 3) % 6]);
		memcpy(buf + n, pieces[(i * i + i / 3) % 6], k);
		n += k;
		i++;
	}
	assert_same_string(buf, n, "40 KB mixed");
	memset(buf, 'a', cap);
	assert_same_string(buf, cap, "40 KB plain");
	memset(buf, '\x1f', cap);
	assert_same_string(buf, cap, "40 KB escapes");
	free(buf);
}
END_TEST

/* ---- random trees ---- */

#define SEED   0x6a736f6e77726974ULL /* "jsonwrit" */
#define NTREES 4000

/* splitmix64: a reproducible generator, its state in the test. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static size_t below(uint64_t *s, size_t n)
{
	return (size_t)(next_rand(s) % n);
}

/* A random string: characters that escape, plain ASCII, multi-byte
 * UTF-8, NUL; short ones are common, so keys collide and share
 * prefixes. */
static size_t random_text(uint64_t *s, char *out, size_t max)
{
	static const char *const alphabet[] = {"a",
	                                       "b",
	                                       "A",
	                                       "z",
	                                       "0",
	                                       " ",
	                                       "/",
	                                       "\"",
	                                       "\\",
	                                       "\n",
	                                       "\t",
	                                       "\b",
	                                       "\f",
	                                       "\r",
	                                       "\x01",
	                                       "\x1f",
	                                       "\x7f",
	                                       "\x00",
	                                       "~",
	                                       "\xc3\xa9",
	                                       "\xc2\x80",
	                                       "\xdf\xbf",
	                                       "\xe0\xa0\x80",
	                                       "\xe2\x80\xa8",
	                                       "\xef\xbf\xbf",
	                                       "\xf0\x90\x80\x80",
	                                       "\xf4\x8f\xbf\xbf",
	                                       "ab",
	                                       "abc"};
	const size_t na = sizeof(alphabet) / sizeof(alphabet[0]);
	size_t len = below(s, 4) ? below(s, 4) : below(s, max / 4), n = 0;
	size_t i, k, pick;

	for (i = 0; i < len; i++) {
		pick = below(s, na);
		k = strlen(alphabet[pick]);
		k += k == 0; /* "\x00": a NUL */
		if (n + k > max)
			break;
		memcpy(out + n, alphabet[pick], k);
		n += k;
	}
	return n;
}

static json_t *random_tree(uint64_t *s, int depth);

static json_t *random_container(uint64_t *s, int depth, int object)
{
	json_t *c = object ? json_object() : json_array();
	size_t i, n = below(s, 8) ? below(s, 6) : below(s, 40);
	char key[64];

	for (i = 0; i < n; i++) {
		json_t *v = random_tree(s, depth + 1);
		if (object)
			json_object_setn_new(
			        c, key, random_text(s, key, sizeof(key)), v);
		else
			json_array_append_new(c, v);
	}
	return c;
}

static json_t *random_tree(uint64_t *s, int depth)
{
	char text[256];
	size_t kind = depth >= 6 ? 2 + below(s, 7) : below(s, 9);

	switch (kind) {
	case 0: return random_container(s, depth, 1);
	case 1: return random_container(s, depth, 0);
	case 2: return json_stringn(text, random_text(s, text, sizeof(text)));
	case 3: return json_integer((json_int_t)next_rand(s));
	case 4: return json_integer((json_int_t)below(s, 2000) - 1000);
	case 5: return json_real((double)(int64_t)next_rand(s) / 1e9);
	case 6: return json_true();
	case 7: return json_false();
	default: return json_null();
	}
}

START_TEST(test_random_trees)
{
	uint64_t s = SEED;
	char what[96];
	json_t *j;
	int i;

	for (i = 0; i < NTREES; i++) {
		j = random_container(&s, 0, (int)below(&s, 2));
		snprintf(what, sizeof(what), "random tree %d of seed 0x%016llx",
		         i, (unsigned long long)SEED);
		assert_same(j, what);
		json_decref(j);
	}
}
END_TEST

/* ---- the results verification makes ---- */

/* One result per agreement and envelope, under trust file _i, with and
 * without a policy requiring every role; each compared. */
START_TEST(test_verification_results)
{
	struct ags_policy all_roles = {.require_roles = AGS_ROLE_ALL};
	struct ags_trust trust;
	struct ags_error err = {0};
	struct ags_batch_item it = {0};
	char path[256], what[512];
	size_t a, e, p, n = 0;
	json_t *r;
	int verdict, seen[3] = {0, 0, 0};

	snprintf(path, sizeof(path), VEC "trust/%s.trust", tu_vec_trusts[_i]);
	ck_assert_int_eq(ags_trust_load(&trust, path, &err), AGS_OK);
	for (a = 0; tu_vec_agreements[a]; a++)
		for (e = 0; tu_vec_envelopes[e]; e++)
			for (p = 0; p < 2; p++) {
				snprintf(path, sizeof(path),
				         VEC "envelopes/%s.sig.json",
				         tu_vec_envelopes[e]);
				it.line = ++n;
				it.agreement = (char *)tu_vec_agreements[a];
				it.envelope = path;
				it.id = p ? "id \"quoted\"\n" : NULL;
				r = ags_verify_item(&verdict, &it, &trust,
				                    p ? &all_roles : NULL,
				                    NULL);
				ck_assert_ptr_nonnull(r);
				seen[verdict]++;
				snprintf(what, sizeof(what), "%s, %s, %s%s",
				         tu_vec_agreements[a],
				         tu_vec_envelopes[e], tu_vec_trusts[_i],
				         p ? ", all roles" : "");
				assert_same(r, what);
				json_decref(r);
			}
	ags_trust_release(&trust);
	/* the results were of every kind */
	ck_assert_int_gt(seen[1], 0);
	ck_assert_int_gt(seen[2], 0);
	if (_i == 0)
		ck_assert_int_gt(seen[0], 0);
}
END_TEST

/* A bad manifest line's result. */
START_TEST(test_error_result)
{
	struct ags_batch_item it = {0};
	json_t *r;
	int verdict;

	it.line = 7;
	it.error = "manifest line must be a JSON object: \x01\"\\";
	r = ags_verify_item(&verdict, &it, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(verdict, 2);
	assert_same(r, "bad manifest line");
	json_decref(r);
}
END_TEST

Suite *json_write_suite(void)
{
	Suite *s = suite_create("json_write");
	TCase *text = tcase_create("text");
	TCase *tree = tcase_create("trees");
	TCase *real = tcase_create("results");
	int n;

	tcase_add_loop_test(text, test_each_ascii_byte, 0, 128);
	tcase_add_loop_test(text, test_each_byte_at_each_offset, 0, 256);
	tcase_add_test(text, test_escapes_spelled_out);
	tcase_add_test(text, test_rule_spelled_out);
	tcase_add_loop_test(text, test_every_code_point, 0, 0x110000 / 4096);
	tcase_add_test(text, test_utf8_edges);
	n = (int)(sizeof(bad_utf8) / sizeof(bad_utf8[0]));
	tcase_add_loop_test(text, test_bad_utf8, 0, n);
	tcase_add_test(text, test_bad_key_spelled_out);
	tcase_add_test(text, test_long_strings);
	/* a test forks per loop value: under ASan on a loaded machine the
	 * default 4 s ran out for a handful of them */
	tcase_set_timeout(text, 60);
	suite_add_tcase(s, text);

	tcase_add_test(tree, test_key_order);
	tcase_add_loop_test(tree, test_large_objects, 0, 7);
	tcase_add_test(tree, test_containers);
	tcase_add_test(tree, test_deep_nesting);
	tcase_add_test(tree, test_integers);
	tcase_add_test(tree, test_reals);
	tcase_add_test(tree, test_scalar_top_level);
	tcase_add_test(tree, test_cycles);
	tcase_add_test(tree, test_random_trees);
	tcase_set_timeout(tree, 60);
	suite_add_tcase(s, tree);

	n = TU_VEC_NTRUSTS;
	tcase_add_loop_test(real, test_verification_results, 0, n);
	tcase_add_test(real, test_error_result);
	tcase_set_timeout(real, 60);
	suite_add_tcase(s, real);
	return s;
}
