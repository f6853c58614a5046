/* RFC 8785 canonical JSON (src/jcs.c): hand-written cases, refusals, the
 * cyberphone JCS vectors and the 10,000 ES6 number vectors. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "test_util.h"

/* Serializes v, requiring success; the caller frees the result. */
static char *jcs_ok(const json_t *v)
{
	struct ags_error err;
	char *out = NULL;
	size_t len = 0;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_jcs_serialize(&out, &len, v, &err);
	ck_assert_msg(rc == AGS_OK, "jcs failed: %s", err.text);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

/* Serializes v, requiring refusal with code; returns err.text in text. */
static void jcs_refused(const json_t *v, enum ags_err code, char text[512])
{
	struct ags_error err;
	char *out = (char *)"unchanged";
	size_t len = 99;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_jcs_serialize(&out, &len, v, &err);
	ck_assert_int_eq(rc, code);
	ck_assert_int_eq(err.code, code);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	if (text)
		memcpy(text, err.text, sizeof(err.text));
}

static void expect_value(json_t *v, const char *want)
{
	char *got;

	ck_assert_ptr_nonnull(v);
	got = jcs_ok(v);
	ck_assert_str_eq(got, want);
	free(got);
	json_decref(v);
}

static json_t *parse(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len,
	                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);

	ck_assert_msg(v != NULL, "parse: %s", jerr.text);
	return v;
}

/* ---------------------------------------------------------------------
 * Hand-written cases: JSON text in, canonical bytes out
 */

static const struct {
	const char *in;
	const char *want;
} hand_cases[] = {
        {"{}", "{}"},
        {"[]", "[]"},
        {" { \"b\" : [ 1 , 2 ] , \"a\" : { } } ", "{\"a\":{},\"b\":[1,2]}"},
        {"[[[]],{\"x\":{\"y\":[{}]}}]", "[[[]],{\"x\":{\"y\":[{}]}}]"},
        {"{\"b\":{\"d\":1,\"c\":2},\"a\":[{\"z\":0,\"y\":null}]}",
         "{\"a\":[{\"y\":null,\"z\":0}],\"b\":{\"c\":2,\"d\":1}}"},
        {"[true,false,null]", "[true,false,null]"},
        {"true", "true"},
        {"null", "null"},
        {"\"a/b\"", "\"a/b\""},
        {"\"\\/\"", "\"/\""},
        {"\"\\u007f\"", "\"\x7f\""},
        {"\"\\u0080\\u00e9\\u20ac\\ud83d\\ude00\"",
         "\"\xc2\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""},
        {"\"\\\"\\\\\"", "\"\\\"\\\\\""},
        {"\"\\u2028\\u2029\"", "\"\xe2\x80\xa8\xe2\x80\xa9\""},
        {"[0,-0,1,-1,10,100]", "[0,0,1,-1,10,100]"},
        {"[0.0,-0.0,1.0,1.5,-2.25e0]", "[0,0,1,1.5,-2.25]"},
        {"[1e21,1e20,123456789012345678901234.0]",
         "[1e+21,100000000000000000000,1.2345678901234569e+23]"},
        {"[1e-6,1e-7,0.000001234,1.5e-7]",
         "[0.000001,1e-7,0.000001234,1.5e-7]"},
        {"[0.1,0.2,0.30000000000000004,1e300,-1.5e-300]",
         "[0.1,0.2,0.30000000000000004,1e+300,-1.5e-300]"},
        {"[4.9e-324,1.7976931348623157e308]",
         "[5e-324,1.7976931348623157e+308]"},
        {"[9007199254740991,-9007199254740991]",
         "[9007199254740991,-9007199254740991]"},
        {"[9007199254740992.0,1e23,2e-3]", "[9007199254740992,1e+23,0.002]"},
        {"{\"\":0,\"a\":1,\"A\":2,\"aa\":3,\"b\":4}",
         "{\"\":0,\"A\":2,\"a\":1,\"aa\":3,\"b\":4}"},
};

START_TEST(test_hand_case)
{
	const char *in = hand_cases[_i].in;

	expect_value(parse(in, strlen(in)), hand_cases[_i].want);
}
END_TEST

/* Object keys sort by UTF-16 code units: U+1F600 (D83D DE00) comes before
 * U+E000 and U+FB33, although its UTF-8 bytes (F0 ..) sort after theirs. */
START_TEST(test_key_order_utf16)
{
	static const char *keys[] = {
	        "\xef\xac\xb3",     /* U+FB33 */
	        "\xf0\x9f\x98\x80", /* U+1F600 */
	        "\xee\x80\x80",     /* U+E000 */
	        "\xe2\x82\xac",     /* U+20AC */
	        "\xef\xbf\xbf",     /* U+FFFF */
	        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
	        "\xf0\x90\x80\x80", /* U+10000 */
	        "\xd7\xbf",         /* U+05FF */
	        "z",
	};
	const char *want = "{\"z\":9,\"\xd7\xbf\":8,\"\xe2\x82\xac\":4,"
	                   "\"\xf0\x90\x80\x80\":7,\"\xf0\x9f\x98\x80\":2,"
	                   "\"\xf4\x8f\xbf\xbf\":6,\"\xee\x80\x80\":3,"
	                   "\"\xef\xac\xb3\":1,\"\xef\xbf\xbf\":5}";
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_int_eq(
		        json_object_set_new(o, keys[i],
		                            json_integer((json_int_t)i + 1)),
		        0);
	expect_value(o, want);
}
END_TEST

/* A key that is a prefix of another sorts first; equal prefixes compare by
 * the next unit, across surrogate pairs too. */
START_TEST(test_key_order_prefix)
{
	json_t *o = json_object();

	json_object_set_new(o, "ab", json_integer(1));
	json_object_set_new(o, "a", json_integer(2));
	json_object_set_new(o, "\xf0\x9f\x98\x81", json_integer(3));
	json_object_set_new(o, "\xf0\x9f\x98\x80x", json_integer(4));
	json_object_set_new(o, "\xf0\x9f\x98\x80", json_integer(5));
	expect_value(o, "{\"a\":2,\"ab\":1,\"\xf0\x9f\x98\x80\":5,"
	                "\"\xf0\x9f\x98\x80x\":4,\"\xf0\x9f\x98\x81\":3}");
}
END_TEST

/* Every control character U+0001..U+001F, as string and as key. */
START_TEST(test_control_escapes)
{
	static const char *named[32] = {
	        [0x08] = "\\b", [0x09] = "\\t", [0x0a] = "\\n",
	        [0x0c] = "\\f", [0x0d] = "\\r",
	};
	char c = (char)(_i + 1), esc[8], want[32];
	json_t *o = json_object();

	if (named[_i + 1])
		snprintf(esc, sizeof(esc), "%s", named[_i + 1]);
	else
		snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)(_i + 1));
	ck_assert_int_eq(json_object_setn_new(o, &c, 1, json_stringn(&c, 1)),
	                 0);
	snprintf(want, sizeof(want), "{\"%s\":\"%s\"}", esc, esc);
	expect_value(o, want);
}
END_TEST

START_TEST(test_mixed_escapes)
{
	const char s[] = "a\"b\\c\x01\x1f\x7f/\xc3\xa9";

	expect_value(json_stringn(s, sizeof(s) - 1),
	             "\"a\\\"b\\\\c\\u0001\\u001f\x7f/\xc3\xa9\"");
}
END_TEST

/* A long string crosses many buffer growths. */
START_TEST(test_long_string)
{
	size_t n = 100000, newlines = (n - 1) / 7 + 1, i;
	char *s = malloc(n), *got;
	json_t *v;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		s[i] = i % 7 ? 'x' : '\n';
	v = json_stringn(s, n);
	got = jcs_ok(v);
	ck_assert_uint_eq(strlen(got), n + newlines + 2);
	ck_assert_int_eq(got[0], '"');
	ck_assert_int_eq(memcmp(got + 1, "\\nxxxxxx\\nx", 11), 0);
	free(got);
	free(s);
	json_decref(v);
}
END_TEST

/* ---------------------------------------------------------------------
 * Numbers
 */

static const struct {
	json_int_t v;
	const char *want; /* NULL: refused */
} int_cases[] = {
        {0, "0"},
        {-1, "-1"},
        {9007199254740991LL, "9007199254740991"},
        {-9007199254740991LL, "-9007199254740991"},
        {9007199254740992LL, NULL},
        {-9007199254740992LL, NULL},
        {9007199254740993LL, NULL},
        {INT64_MAX, NULL},
        {INT64_MIN, NULL},
};

START_TEST(test_integer_range)
{
	json_t *v = json_integer(int_cases[_i].v);
	char text[512], num[32];

	if (int_cases[_i].want) {
		expect_value(v, int_cases[_i].want);
		return;
	}
	jcs_refused(v, AGS_ERR_FORMAT, text);
	snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, int_cases[_i].v);
	ck_assert_msg(strstr(text, num) && strstr(text, "I-JSON"), "text: %s",
	              text);
	json_decref(v);
}
END_TEST

/* An out-of-range integer deep inside refuses the whole value. */
START_TEST(test_integer_nested_refused)
{
	const char *in = "{\"a\":[1,{\"b\":9007199254740992}]}";
	json_t *v = parse(in, strlen(in));

	jcs_refused(v, AGS_ERR_FORMAT, NULL);
	json_decref(v);
}
END_TEST

static json_t *real_from_bits(uint64_t bits)
{
	double d;

	memcpy(&d, &bits, sizeof(d));
	return json_real(d);
}

/* Boundaries of the ES formatting ranges and the extremes of doubles. */
static const struct {
	uint64_t bits;
	const char *want;
} real_cases[] = {
        {0x0000000000000000ULL, "0"},
        {0x8000000000000000ULL, "0"}, /* -0 */
        {0x0000000000000001ULL, "5e-324"},
        {0x000fffffffffffffULL, "2.225073858507201e-308"},
        {0x0010000000000000ULL, "2.2250738585072014e-308"},
        {0x7fefffffffffffffULL, "1.7976931348623157e+308"},
        {0xffefffffffffffffULL, "-1.7976931348623157e+308"},
        {0x444b1ae4d6e2ef50ULL, "1e+21"},
        {0x444b1ae4d6e2ef4fULL, "999999999999999900000"},
        {0x3e7ad7f29abcaf48ULL, "1e-7"},
        {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
        {0x4340000000000000ULL, "9007199254740992"},
        {0x3ff0000000000001ULL, "1.0000000000000002"},
        {0x3fb999999999999aULL, "0.1"},
        {0xbfd5555555555555ULL, "-0.3333333333333333"},
        {0x4415af1d78b58c40ULL, "100000000000000000000"},
        {0x44b52d02c7e14af6ULL, "1e+23"},
        {0x7e37e43c8800759cULL, "1e+300"},
        {0x0006a14a5ea6bd72ULL, "9.220206877183756e-309"},
        /* Powers of two where the correctly rounded 16-digit candidate falls
         * outside the narrow lower half of the rounding interval and the
         * 16-digit neighbour above is the shortest round-trip form. */
        {0x4580000000000000ULL, "6.189700196426902e+26"},
        {0x5120000000000000ULL, "6.070840288205404e+82"},
        {0x0060000000000000ULL, "7.120236347223045e-307"},
        {0x0e80000000000000ULL, "7.678447687145631e-239"},
};

START_TEST(test_real_case)
{
	expect_value(real_from_bits(real_cases[_i].bits), real_cases[_i].want);
}
END_TEST

/* A locale whose radix character is ',' must not change the output. Skips
 * when no such locale is installed. */
START_TEST(test_real_locale_independent)
{
	static const char *names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE",
	                              "fr_FR", "ru_RU.UTF-8"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return;
	expect_value(json_real(-1.5e-7), "-1.5e-7");
	expect_value(json_real(333333333.33333329), "333333333.3333333");
	expect_value(json_real(6.189700196426902e+26), "6.189700196426902e+26");
	setlocale(LC_NUMERIC, "C");
}
END_TEST

/* jansson refuses to hold NaN or infinities (json_real returns NULL and
 * json_real_set fails), so no json_t can carry one to the serializer; this
 * pins that assumption. ags_jcs_serialize refuses them anyway. */
START_TEST(test_nonfinite_unrepresentable)
{
	json_t *r = json_real(1.0), *loaded;
	json_error_t jerr;

	ck_assert_ptr_null(json_real(NAN));
	ck_assert_ptr_null(json_real(INFINITY));
	ck_assert_ptr_null(json_real(-INFINITY));
	ck_assert_int_eq(json_real_set(r, NAN), -1);
	ck_assert_int_eq(json_real_set(r, INFINITY), -1);
	expect_value(r, "1");
	loaded = json_loads("[1e400]", 0, &jerr);
	ck_assert_ptr_null(loaded);
	loaded = json_loads("[NaN]", 0, &jerr);
	ck_assert_ptr_null(loaded);
}
END_TEST

/* ---------------------------------------------------------------------
 * Refused strings and keys, bad arguments
 */

static const struct {
	const char *bytes;
	size_t len;
	const char *why;
} bad_strings[] = {
        {"a\0b", 3, "U+0000"},
        {"\0", 1, "U+0000"},
        {"\xff", 1, "invalid UTF-8"},
        {"ab\x80", 3, "invalid UTF-8"},               /* stray continuation */
        {"\xc0\xaf", 2, "invalid UTF-8"},             /* overlong '/' */
        {"\xe0\x80\xaf", 3, "invalid UTF-8"},         /* overlong '/' */
        {"\xed\xa0\x80", 3, "invalid UTF-8"},         /* surrogate D800 */
        {"\xed\xbf\xbf", 3, "invalid UTF-8"},         /* surrogate DFFF */
        {"\xe2\x82", 2, "invalid UTF-8"},             /* truncated */
        {"\xf0\x9f\x98", 3, "invalid UTF-8"},         /* truncated */
        {"\xf4\x90\x80\x80", 4, "invalid UTF-8"},     /* above U+10FFFF */
        {"\xf8\x88\x80\x80\x80", 5, "invalid UTF-8"}, /* 5-byte form */
        {"\xc3\x28", 2, "invalid UTF-8"},             /* bad continuation */
};

START_TEST(test_bad_string_value)
{
	json_t *v = json_stringn_nocheck(bad_strings[_i].bytes,
	                                 bad_strings[_i].len);
	json_t *a = json_pack("[i,{s:o}]", 1, "k", v);
	char text[512];

	ck_assert_ptr_nonnull(a);
	jcs_refused(a, AGS_ERR_FORMAT, text);
	ck_assert_msg(strstr(text, bad_strings[_i].why) &&
	                      strstr(text, "string"),
	              "text: %s", text);
	json_decref(a);
}
END_TEST

START_TEST(test_bad_key)
{
	json_t *o = json_object();
	char text[512];

	ck_assert_int_eq(json_object_setn_new_nocheck(o, bad_strings[_i].bytes,
	                                              bad_strings[_i].len,
	                                              json_true()),
	                 0);
	json_object_set_new(o, "ok", json_false());
	jcs_refused(o, AGS_ERR_FORMAT, text);
	ck_assert_msg(strstr(text, bad_strings[_i].why) &&
	                      strstr(text, "object key"),
	              "text: %s", text);
	json_decref(o);
}
END_TEST

/* U+0000 reaches a jansson string through JSON_ALLOW_NUL. */
START_TEST(test_parsed_nul_refused)
{
	json_error_t jerr;
	json_t *v = json_loads("{\"a\":\"x\\u0000y\"}", JSON_ALLOW_NUL, &jerr);

	ck_assert_ptr_nonnull(v);
	jcs_refused(v, AGS_ERR_FORMAT, NULL);
	json_decref(v);
}
END_TEST

START_TEST(test_null_arguments)
{
	json_t *v = json_true();
	char *out = NULL;
	size_t len = 0;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_jcs_serialize(&out, &len, NULL, &err),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(err.code, AGS_ERR_INVALID);
	ck_assert_int_eq(ags_jcs_serialize(NULL, &len, v, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_jcs_serialize(&out, NULL, v, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(out);
	/* err is optional */
	ck_assert_int_eq(ags_jcs_serialize(&out, &len, v, NULL), AGS_OK);
	ck_assert_str_eq(out, "true");
	free(out);
}
END_TEST

/* The first error wins: a second refusal leaves the record alone. */
START_TEST(test_first_error_wins)
{
	json_t *a = json_integer(9007199254740992LL);
	json_t *b = json_stringn("\0", 1);
	struct ags_error err;
	char *out = NULL;
	size_t len;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_jcs_serialize(&out, &len, a, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(ags_jcs_serialize(&out, &len, b, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "9007199254740992"));
	json_decref(a);
	json_decref(b);
}
END_TEST

static json_t *nest_arrays(int depth)
{
	json_t *v = json_array();
	int i;

	for (i = 1; i < depth; i++) {
		json_t *outer = json_array();
		json_array_append_new(outer, v);
		v = outer;
	}
	return v;
}

/* As deep as jansson's parser goes (2048) works; deeper values built in
 * code, and cycles, are refused rather than overflowing the stack. */
START_TEST(test_depth_limit)
{
	json_t *ok = nest_arrays(2048), *deep = nest_arrays(2049);
	json_t *a = json_array(), *b = json_array();
	char *out = jcs_ok(ok), text[512];

	ck_assert_uint_eq(strlen(out), 2 * 2048);
	free(out);
	jcs_refused(deep, AGS_ERR_FORMAT, text);
	ck_assert_ptr_nonnull(strstr(text, "deeper"));
	json_array_append(a, b);
	json_array_append(b, a);
	jcs_refused(a, AGS_ERR_FORMAT, NULL);
	json_array_clear(b); /* break the cycle so both can be freed */
	json_decref(a);
	json_decref(b);
	json_decref(ok);
	json_decref(deep);
}
END_TEST

/* The parser's own limit matches: 2048 nested arrays parse, 2049 do not. */
START_TEST(test_depth_matches_parser)
{
	char *text = malloc(2 * 2049 + 1), *out;
	json_error_t jerr;
	json_t *v;

	ck_assert_ptr_nonnull(text);
	memset(text, '[', 2048);
	memset(text + 2048, ']', 2048);
	v = json_loadb(text, 4096, 0, &jerr);
	ck_assert_msg(v != NULL, "%s", jerr.text);
	out = jcs_ok(v);
	ck_assert_int_eq(memcmp(out, text, 4096), 0);
	free(out);
	json_decref(v);
	memset(text, '[', 2049);
	memset(text + 2049, ']', 2049);
	ck_assert_ptr_null(json_loadb(text, 4098, 0, &jerr));
	free(text);
}
END_TEST

/* ---------------------------------------------------------------------
 * Shared vectors: cyberphone/json-canonicalization testdata
 */

static const char *vector_names[] = {
        "arrays", "french", "structures", "unicode", "values", "weird",
};

static char *vector_file(const char *dir, const char *name, const char *ext,
                         size_t *len)
{
	char path[1024];
	char *data;

	snprintf(path, sizeof(path), TU_EXTERNAL "/jcs/%s/%s.%s", dir, name,
	         ext);
	data = tu_read_file(path, len);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	return data;
}

START_TEST(test_vector)
{
	size_t in_len, want_len;
	char *in, *want, *got, *again;
	json_t *v, *back;

	in = vector_file("input", vector_names[_i], "json", &in_len);
	want = vector_file("output", vector_names[_i], "json", &want_len);
	v = parse(in, in_len);
	got = jcs_ok(v);
	ck_assert_uint_eq(strlen(got), want_len);
	ck_assert_msg(memcmp(got, want, want_len) == 0, "%s: got %s",
	              vector_names[_i], got);
	back = parse(got, strlen(got)); /* stable: JCS(parse(JCS(x))) */
	again = jcs_ok(back);
	ck_assert_str_eq(again, got);
	free(again);
	free(got);
	free(want);
	free(in);
	json_decref(back);
	json_decref(v);
}
END_TEST

/* Checks one "hex-bits,expected" line; returns 0 or the failure text. */
static const char *check_es6_line(char *line, char why[256])
{
	char *comma = strchr(line, ','), *end, *got;
	uint64_t bits;
	json_t *v;
	double d;

	if (!comma)
		return "no comma";
	*comma = '\0';
	bits = strtoull(line, &end, 16);
	if (end != comma || end == line)
		return "bad hex";
	memcpy(&d, &bits, sizeof(d));
	if (!isfinite(d))
		return NULL; /* the file has no NaN/Inf lines; JCS refuses them
		              */
	v = json_real(d);
	got = jcs_ok(v);
	json_decref(v);
	if (strcmp(got, comma + 1) != 0) {
		snprintf(why, 256, "%s: got %s want %s", line, got, comma + 1);
		free(got);
		return why;
	}
	free(got);
	return NULL;
}

START_TEST(test_es6_numbers)
{
	char path[1024], why[256], *data, *line, *next;
	const char *fail;
	size_t len, lines = 0;

	snprintf(path, sizeof(path),
	         TU_EXTERNAL "/jcs/es6numbers/es6testfile10k.txt");
	data = tu_read_file(path, &len);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	for (line = data; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (next > line && next[-1] == '\n')
			next[-1] = '\0';
		fail = check_es6_line(line, why);
		ck_assert_msg(fail == NULL, "line %zu: %s", lines + 1, fail);
		lines++;
	}
	free(data);
	ck_assert_uint_eq(lines, 10000);
}
END_TEST

Suite *jcs_suite(void);

Suite *jcs_suite(void)
{
	Suite *s = suite_create("jcs");
	TCase *tc = tcase_create("serialize");
	TCase *refuse = tcase_create("refuse");
	TCase *vec = tcase_create("vectors");
	int n;

	n = (int)(sizeof(hand_cases) / sizeof(hand_cases[0]));
	tcase_add_loop_test(tc, test_hand_case, 0, n);
	tcase_add_test(tc, test_key_order_utf16);
	tcase_add_test(tc, test_key_order_prefix);
	tcase_add_loop_test(tc, test_control_escapes, 0, 31);
	tcase_add_test(tc, test_mixed_escapes);
	tcase_add_test(tc, test_long_string);
	n = (int)(sizeof(int_cases) / sizeof(int_cases[0]));
	tcase_add_loop_test(tc, test_integer_range, 0, n);
	n = (int)(sizeof(real_cases) / sizeof(real_cases[0]));
	tcase_add_loop_test(tc, test_real_case, 0, n);
	tcase_add_test(tc, test_real_locale_independent);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_depth_matches_parser);
	suite_add_tcase(s, tc);

	tcase_add_test(refuse, test_integer_nested_refused);
	tcase_add_test(refuse, test_nonfinite_unrepresentable);
	n = (int)(sizeof(bad_strings) / sizeof(bad_strings[0]));
	tcase_add_loop_test(refuse, test_bad_string_value, 0, n);
	tcase_add_loop_test(refuse, test_bad_key, 0, n);
	tcase_add_test(refuse, test_parsed_nul_refused);
	tcase_add_test(refuse, test_null_arguments);
	tcase_add_test(refuse, test_first_error_wins);
	suite_add_tcase(s, refuse);

	n = (int)(sizeof(vector_names) / sizeof(vector_names[0]));
	tcase_add_loop_test(vec, test_vector, 0, n);
	tcase_add_test(vec, test_es6_numbers);
	tcase_set_timeout(vec, 60);
	suite_add_tcase(s, vec);
	return s;
}
