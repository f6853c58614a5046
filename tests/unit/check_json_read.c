/* The strict JSON reader (src/json_read.c) against jansson's json_loadb
 * with JSON_REJECT_DUPLICATES, input by input: the same inputs accepted,
 * equal trees with members in the same order, jansson's words and
 * position on a refusal, every input with a NUL byte refused. Inputs:
 * JSONTestSuite's test_parsing files, the spec's envelopes, the fuzz
 * seeds, hand-written cases (each also with the verdict it must get),
 * every byte at every offset of a string, \u escapes and their pairs,
 * nesting at the depth limit, integers at the int64 limits, and envelopes
 * mutated at random from fixed seeds. */
#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "internal.h"
#include "test_util.h"

#define ENVELOPES "../spec/vectors/envelopes"
#define SEEDS     "fuzz/corpus"

/* ---------------------------------------------------------------------
 * Comparing with jansson
 */

/* Equal trees, and the same member order (json_equal ignores order). */
static void same_tree(json_t *ours, json_t *theirs, const char *label)
{
	char *a, *b;

	ck_assert_msg(json_equal(ours, theirs), "%s: trees differ", label);
	a = json_dumps(ours, JSON_COMPACT | JSON_ENCODE_ANY);
	b = json_dumps(theirs, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_msg(a && b && strcmp(a, b) == 0, "%s: %s != %s", label,
	              a ? a : "(null)", b ? b : "(null)");
	free(a);
	free(b);
	/* A new reference the caller owns alone. */
	ck_assert_uint_eq(ours->refcount, 1);
}

/* What a refusal must say: jansson's words and position, or for a NUL
 * byte our own. */
static void check_refusal(const struct ags_error *err, int nul,
                          const json_error_t *je, const char *label)
{
	char want[512];

	ck_assert_int_eq(err->code, AGS_ERR_JSON);
	ck_assert_str_eq(err->source, "src");
	if (nul) {
		ck_assert_str_eq(err->text, "malformed JSON: NUL byte");
		ck_assert_int_ge(err->line, 1);
		return;
	}
	snprintf(want, sizeof(want), "malformed JSON: %s", je->text);
	ck_assert_msg(strcmp(err->text, want) == 0, "%s: \"%s\", not \"%s\"",
	              label, err->text, want);
	ck_assert_int_eq(err->line, je->line);
	ck_assert_int_eq(err->column, je->column);
}

/* Parses buf (len bytes) with both; fails the test on any difference.
 * Returns 1 when ours accepted. label names the input in messages. */
static int agree(const char *buf, size_t len, const char *label)
{
	struct ags_error err;
	json_error_t je;
	json_t *ours = json_null(), *theirs;
	int nul = len > 0 && memchr(buf, '\0', len) != NULL;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_json_parse(&ours, buf, len, "src", &err);
	theirs = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (rc == AGS_OK) {
		ck_assert_msg(!nul, "%s: accepted with a NUL byte", label);
		ck_assert_msg(theirs != NULL, "%s: accepted; jansson: %s",
		              label, je.text);
		same_tree(ours, theirs, label);
		json_decref(ours);
	} else {
		ck_assert_msg(ours == NULL, "%s: refused, *out set", label);
		ck_assert_msg(nul || theirs == NULL,
		              "%s: refused (%s); jansson accepts", label,
		              err.text);
		check_refusal(&err, nul, &je, label);
	}
	json_decref(theirs);
	return rc == AGS_OK;
}

static int agree_str(const char *s)
{
	return agree(s, strlen(s), s);
}

/* ---------------------------------------------------------------------
 * Files: JSONTestSuite, the spec's envelopes, the fuzz seeds
 */

struct tally {
	size_t files, accepted;
};

/* Compares both parsers on every file of dir (whole), and on each line
 * of it too when lines is set (manifests). */
static void agree_dir(const char *dir, int lines, struct tally *t)
{
	char path[1024];
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t len;
	char *buf, *p, *nl;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = tu_read_file(path, &len);
		ck_assert_msg(buf != NULL, "cannot read %s", path);
		t->files++;
		t->accepted += (size_t)agree(buf, len, path);
		for (p = buf; lines && p < buf + len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(buf + len - p));
			nl = nl ? nl : buf + len;
			t->accepted += (size_t)agree(p, (size_t)(nl - p), path);
		}
		free(buf);
	}
	closedir(d);
}

START_TEST(test_jsontestsuite)
{
	char dir[1024];
	struct tally t = {0, 0};

	snprintf(dir, sizeof(dir), TU_EXTERNAL "/jsontestsuite/test_parsing");
	agree_dir(dir, 0, &t);
	/* 283 files: 188 n_ refused, 95 y_ of which jansson refuses 12
	 * (tests/unit/check_vectors.c says which and why). */
	ck_assert_uint_ge(t.files, 280);
	ck_assert_uint_ge(t.accepted, 80);
	ck_assert_uint_le(t.accepted, 95);
}
END_TEST

START_TEST(test_spec_envelopes)
{
	struct tally t = {0, 0};

	agree_dir(ENVELOPES, 0, &t);
	/* All but truncated.sig.json are well-formed JSON. */
	ck_assert_uint_ge(t.files, 11);
	ck_assert_uint_eq(t.accepted, t.files - 1);
}
END_TEST

START_TEST(test_fuzz_seeds)
{
	struct tally t = {0, 0};

	agree_dir(SEEDS "/fuzz_envelope", 0, &t);
	agree_dir(SEEDS "/fuzz_jcs", 0, &t);
	agree_dir(SEEDS "/fuzz_manifest", 1, &t);
	ck_assert_uint_ge(t.files, 30);
	ck_assert_uint_ge(t.accepted, 25);
}
END_TEST

/* ---------------------------------------------------------------------
 * Hand-written cases, each with the verdict it must get
 */

#define Y(s)                                                                   \
	{                                                                      \
		s, sizeof(s) - 1, 1                                            \
	}
#define N(s)                                                                   \
	{                                                                      \
		s, sizeof(s) - 1, 0                                            \
	}

static const struct {
	const char *in;
	size_t len;
	int ok;
} cases[] = {
        /* duplicate keys, byte-exact, also through escapes */
        N("{\"a\":1,\"a\":2}"),
        N("{\"a\":1,\"\\u0061\":1}"),
        N("{\"ab\":1,\"a\\u0062\":1}"),
        N("{\"\":1,\"\":2}"),
        N("{\"\xc3\xa9\":1,\"\\u00e9\":2}"),
        N("{\"a\":1,\"b\":2,\"a\":3}"),
        N("{\"\\ud834\\udd1e\":1,\"\xf0\x9d\x84\x9e\":2}"),
        N("[{\"k\":{\"x\":1,\"x\":1}}]"),
        Y("{\"a\":1,\"A\":1}"),
        Y("{\"a\":{\"a\":{\"a\":1}}}"),
        Y("{\"e\xcc\x81\":1,\"\\u00e9\":2}"),
        Y("{\"a\":1,\"a \":2,\" a\":3}"),
        Y("[{\"a\":1},{\"a\":1}]"),
        /* \u escapes and surrogates */
        Y("[\"\\ud834\\udd1e\"]"),
        Y("[\"\\uD834\\uDD1E\"]"),
        Y("[\"\\udbff\\udfff\"]"),
        Y("[\"\\ud800\\udc00\"]"),
        N("[\"\\ud800\"]"),
        N("[\"\\udbff\"]"),
        N("[\"\\udc00\"]"),
        N("[\"\\udfff\"]"),
        N("[\"\\ud800\\ud800\"]"),
        N("[\"\\ud800x\"]"),
        N("[\"\\ud800\\u0041\"]"),
        N("[\"\\ud800\\n\"]"),
        N("[\"\\ud800\\\"]"),
        N("[\"\\ud800\\udc00\\udc00\"]"),
        N("[\"\\udc00\\ud800\"]"),
        N("[\"\\ud800\\u\"]"),
        N("[\"\\ud800\\udc0\"]"),
        N("{\"\\ud800\":1}"),
        Y("[\"\\u0041\\u00e9\\u20ac\\uffff\\ufeff\"]"),
        Y("[\"\\u0001\"]"),
        N("[\"\\u0000\"]"),
        N("{\"\\u0000\":1}"),
        N("{\"a\\u0000\":1}"),
        N("[\"\\u00\"]"),
        N("[\"\\u00G0\"]"),
        N("[\"\\U0041\"]"),
        N("[\"\\u004\"]"),
        N("[\"\\u"),
        N("[\"\\"),
        /* other escapes */
        Y("[\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"]"),
        N("[\"\\a\"]"),
        N("[\"\\x41\"]"),
        N("[\"\\'\"]"),
        N("[\"\\ \"]"),
        Y("{\"\\u0041\":\"\\u0042\",\"\\u0043\":[\"\\u0044\",{\"\\n\":1}]}"),
        /* raw bytes in strings: controls, DEL, UTF-8 */
        N("[\"a\tb\"]"),
        N("[\"a\nb\"]"),
        N("[\"\x1f\"]"),
        N("[\"\x01\"]"),
        Y("[\"\x7f\"]"),
        Y("[\"\xc2\x80\xdf\xbf\"]"),
        Y("[\"\xe0\xa0\x80\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"]"),
        Y("[\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]"),
        N("[\"\xc0\x80\"]"),
        N("[\"\xc1\xbf\"]"),
        N("[\"\xe0\x80\x80\"]"),
        N("[\"\xe0\x9f\xbf\"]"),
        N("[\"\xf0\x80\x80\x80\"]"),
        N("[\"\xf0\x8f\xbf\xbf\"]"),
        N("[\"\xf4\x90\x80\x80\"]"),
        N("[\"\xf5\x80\x80\x80\"]"),
        N("[\"\xed\xa0\x80\"]"),
        N("[\"\xed\xbf\xbf\"]"),
        N("[\"\xff\"]"),
        N("[\"\xfe\"]"),
        N("[\"\x80\"]"),
        N("[\"\xbf\"]"),
        N("[\"\xe2\x82\"]"),
        N("[\"\xe2\x82"),
        N("[\"\xf0\x9f\x98\"]"),
        N("[\"\xc3\"]"),
        N("[\"\xc3"),
        N("[\"\xc3\xc3\"]"),
        N("{\"\xc3\x28\":1}"),
        /* UTF-8 outside strings, BOM, other white space */
        N("[1,\xc3\xa9]"),
        N("\xef\xbb\xbf[1]"),
        N("[1]\xef\xbb\xbf"),
        N("[\xc2\xa0"
          "1]"),
        N("[\f1]"),
        N("[\v1]"),
        N("[1]\x0b"),
        Y(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 "
          "\t\r\n} \t\r\n] \t\r\n"),
        Y("\r\n{}\r\n"),
        Y("[\r]"),
        /* numbers */
        Y("[0]"),
        Y("[-0]"),
        Y("[-0.0]"),
        Y("[0e0]"),
        Y("[1E5]"),
        Y("[1e+5]"),
        Y("[1e-5]"),
        Y("[1.5]"),
        Y("[-1.5e-3]"),
        Y("[1e-400]"),
        Y("[-1e-400]"),
        Y("[0.1e-999]"),
        Y("[1.7976931348623157e308]"),
        Y("[99999999999999999999.0]"),
        Y("[123456789012345678901234567890e-10]"),
        N("[1e400]"),
        N("[-1e400]"),
        N("[1.8e308]"),
        N("[00]"),
        N("[01]"),
        N("[-01]"),
        N("[-00]"),
        N("[-]"),
        N("[- 1]"),
        N("[1.]"),
        N("[.1]"),
        N("[1e]"),
        N("[1e+]"),
        N("[1e-]"),
        N("[1.e5]"),
        N("[+1]"),
        N("[0x10]"),
        N("[1 2]"),
        N("[1-2]"),
        N("[1.5.5]"),
        N("[1e5e5]"),
        N("[Infinity]"),
        N("[NaN]"),
        N("[-Infinity]"),
        N("[1,2"),
        N("[-"),
        N("[1e"),
        N("[100000000000000000000000]"),
        /* literals */
        Y("[true,false,null]"),
        Y("{\"t\":true,\"f\":false,\"n\":null}"),
        N("[True]"),
        N("[tru]"),
        N("[truex]"),
        N("[nul]"),
        N("[true1]"),
        N("[truefalse]"),
        N("[nulll]"),
        N("[fals]"),
        N("[t"),
        N("[n"),
        /* structure */
        N("[1,]"),
        N("{\"a\":1,}"),
        N("{\"a\"}"),
        N("{\"a\":}"),
        N("{1:1}"),
        N("{\"a\" 1}"),
        N("[,1]"),
        N("[1,,2]"),
        N("["),
        N("{"),
        N("[1"),
        N("{\"a\":1"),
        N("[\"abc"),
        N("{\"a\""),
        N("{\"a\":"),
        N("[}"),
        N("{]"),
        N("{,}"),
        N("[:]"),
        N("{\"a\"::1}"),
        N("{\"a\":1 \"b\":2}"),
        N("{'a':1}"),
        N("[1]]"),
        N("[[1]"),
        Y("[[[]]]"),
        Y("{\"a\":{}}"),
        Y("[{}]"),
        Y("[[],{},[{}]]"),
        /* top level */
        N(""),
        N(" "),
        N("\n"),
        N("1"),
        N("\"a\""),
        N("true"),
        N("null"),
        N("-1"),
        N("[1]x"),
        N("[1] [2]"),
        N("{}}"),
        N("[]]"),
        N("[1],"),
        N("{} {}"),
        N("[]\"\""),
        Y("[]"),
        Y("{}"),
        Y(" [] "),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_case)
{
	char label[64];
	int ok;

	snprintf(label, sizeof(label), "case %d", _i);
	ok = agree(cases[_i].in, cases[_i].len, label);
	ck_assert_msg(ok == cases[_i].ok, "%s: %s, must be %s", label,
	              ok ? "accepted" : "refused",
	              cases[_i].ok ? "accepted" : "refused");
}
END_TEST

/* -0 is jansson's integer 0, not a real. */
START_TEST(test_minus_zero)
{
	json_t *v;

	ck_assert_int_eq(ags_json_parse(&v, "[-0]", 4, "", NULL), AGS_OK);
	ck_assert(json_is_integer(json_array_get(v, 0)));
	ck_assert_int_eq(json_integer_value(json_array_get(v, 0)), 0);
	json_decref(v);
}
END_TEST

/* ags_json_parse_noted: the same tree, and where the first integer
 * written -0 stands (formats whose integers have no sign refuse it). */
static const struct {
	const char *in;
	long line, column;
} minus_zero_notes[] = {
        {"[-0]", 1, 2},
        {"[0]", 0, 0},
        {"[-0.0]", 0, 0},
        {"[-0e0]", 0, 0},
        {"[-1, 10, -10]", 0, 0},
        {"[\"-0\"]", 0, 0},
        {"{\"a\": 0,\n \"b\": [1, -0], \"c\": -0}", 2, 11},
        {"{\"\xc3\xa9\": -0}", 1, 7},
};

START_TEST(test_minus_zero_noted)
{
	const char *in = minus_zero_notes[_i].in;
	struct ags_json_notes notes = {-1, -1};
	json_t *v, *plain;

	ck_assert_int_eq(
	        ags_json_parse_noted(&v, &notes, in, strlen(in), "", NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_json_parse(&plain, in, strlen(in), "", NULL),
	                 AGS_OK);
	same_tree(v, plain, in);
	ck_assert_msg(notes.minus_zero_line == minus_zero_notes[_i].line &&
	                      notes.minus_zero_column ==
	                              minus_zero_notes[_i].column,
	              "%s: noted at %ld:%ld", in, notes.minus_zero_line,
	              notes.minus_zero_column);
	json_decref(v);
	json_decref(plain);
}
END_TEST

/* ---------------------------------------------------------------------
 * Integers at the int64 limits, spelled with and without a fraction
 */

static void agree_number(const char *num, int want_ok)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "[%s]", num);
	ck_assert_msg(agree_str(buf) == want_ok, "%s: must be %s", buf,
	              want_ok ? "accepted" : "refused");
}

START_TEST(test_integer_limits)
{
	char num[64];
	int k;

	for (k = -3; k <= 3; k++) {
		/* INT64_MAX + k, INT64_MIN - k */
		snprintf(num, sizeof(num), "%" PRIu64,
		         (uint64_t)INT64_MAX + (uint64_t)(int64_t)k);
		agree_number(num, k <= 0);
		snprintf(num, sizeof(num), "-%" PRIu64,
		         (uint64_t)INT64_MAX + 1 + (uint64_t)(int64_t)k);
		agree_number(num, k <= 0);
		/* the same as reals */
		snprintf(num, sizeof(num), "%" PRIu64 ".0",
		         (uint64_t)INT64_MAX + (uint64_t)(int64_t)k);
		agree_number(num, 1);
	}
	agree_number("18446744073709551615", 0);
	agree_number("18446744073709551616", 0);
	agree_number("-18446744073709551616", 0);
	agree_number("92233720368547758070", 0);
	agree_number("922337203685477580", 1);
	agree_number("-922337203685477580", 1);
}
END_TEST

/* ---------------------------------------------------------------------
 * Every byte at every offset of a string: the word-at-a-time scan must
 * stop exactly where the byte-at-a-time one would
 */

START_TEST(test_string_every_byte)
{
	char buf[64], label[64];
	int b, at;

	for (b = 1; b < 256; b++)
		for (at = 0; at < 24; at++) {
			memset(buf, 0, sizeof(buf));
			memcpy(buf, "[\"", 2);
			memset(buf + 2, 'a', 24);
			buf[2 + at] = (char)b;
			memcpy(buf + 26, "\"]", 2);
			snprintf(label, sizeof(label), "byte 0x%02x at %d", b,
			         at);
			agree(buf, 28, label);
			/* Unterminated, the byte near the end of input. */
			agree(buf, (size_t)(3 + at), label);
		}
}
END_TEST

/* Two- to four-byte sequences after a lead byte: every second byte. */
START_TEST(test_string_utf8_pairs)
{
	static const unsigned char thirds[] = {0x80, 0x9f, 0xa0, 0xbf, 'a'};
	char buf[16], label[64];
	int lead, second;
	size_t t;

	for (lead = 0xc0; lead < 0x100; lead++)
		for (second = 1; second < 256; second++)
			for (t = 0; t < sizeof(thirds); t++) {
				snprintf(buf, sizeof(buf), "[\"%c%c%c\x80\"]",
				         lead, second, thirds[t]);
				snprintf(label, sizeof(label),
				         "%02x %02x %02x 80", lead, second,
				         thirds[t]);
				agree(buf, 8, label);
			}
}
END_TEST

/* Every byte after a backslash, and pairs of \u escapes. */
START_TEST(test_escapes)
{
	static const char *const units[] = {
	        "0000", "0001", "001f", "0020", "007F", "0080", "07ff",
	        "0800", "d7ff", "D800", "dBfF", "dc00", "DFFF", "e000",
	        "fffe", "FFFF", "d834", "DD1E", "feff", "0041"};
	const size_t nu = sizeof(units) / sizeof(units[0]);
	char buf[64];
	size_t i, j;
	int b;

	for (b = 1; b < 256; b++) {
		snprintf(buf, sizeof(buf), "[\"\\%cab\"]", b);
		agree(buf, 8, buf);
	}
	for (i = 0; i < nu; i++) {
		snprintf(buf, sizeof(buf), "[\"\\u%s\"]", units[i]);
		agree_str(buf);
		snprintf(buf, sizeof(buf), "{\"\\u%s\":\"\\u%s\"}", units[i],
		         units[i]);
		agree_str(buf);
		for (j = 0; j < nu; j++) {
			snprintf(buf, sizeof(buf), "[\"\\u%s\\u%sz\"]",
			         units[i], units[j]);
			agree_str(buf);
			snprintf(buf, sizeof(buf), "[\"\\u%sx\\u%s\"]",
			         units[i], units[j]);
			agree_str(buf);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------
 * Nesting: jansson counts every value from 1 at top level, scalars too,
 * and refuses one deeper than JSON_PARSER_MAX_DEPTH (2048)
 */

/* n nested arrays or objects ({"a": ...}), the innermost empty or holding
 * the value 1. */
static char *nested(size_t n, int objects, int scalar, size_t *len)
{
	const char *open = objects ? "{\"a\":" : "[",
	           *close = objects ? "}" : "]";
	size_t lo = strlen(open), k;
	char *buf = malloc(n * (lo + 1) + 2), *p = buf;

	ck_assert_ptr_nonnull(buf);
	for (k = 0; k < n; k++, p += lo)
		memcpy(p, open, lo);
	if (objects && !scalar) /* the innermost is {} */
		p -= 4;
	if (scalar)
		*p++ = '1';
	for (k = 0; k < n; k++)
		*p++ = *close;
	*len = (size_t)(p - buf);
	return buf;
}

START_TEST(test_depth_limit)
{
	static const size_t depths[] = {2046, 2047, 2048, 2049, 2050};
	size_t d, len, values;
	int objects, scalar;
	char label[64];
	char *buf;

	for (d = 0; d < 5; d++)
		for (objects = 0; objects < 2; objects++)
			for (scalar = 0; scalar < 2; scalar++) {
				buf = nested(depths[d], objects, scalar, &len);
				snprintf(label, sizeof(label), "%zu %s%s",
				         depths[d],
				         objects ? "objects" : "arrays",
				         scalar ? " around 1" : "");
				/* how deep the deepest value is */
				values = depths[d] + (size_t)scalar;
				ck_assert_msg(agree(buf, len, label) ==
				                      (values <= 2048),
				              "%s", label);
				free(buf);
			}
}
END_TEST

/* A million opening brackets: refused at the limit, without recursing
 * a million times. */
START_TEST(test_very_deep)
{
	size_t n = 1000000;
	char *buf = malloc(2 * n);

	ck_assert_ptr_nonnull(buf);
	memset(buf, '[', n);
	memset(buf + n, ']', n);
	ck_assert_int_eq(agree(buf, 2 * n, "1e6 arrays"), 0);
	ck_assert_int_eq(agree(buf, n, "1e6 open arrays"), 0);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------------
 * NUL bytes: always refused, at their own line and column
 */

START_TEST(test_nul)
{
	static const char doc[] = "{\n  \"a\": [1, \"x\xc3\xa9y\"]\n}";
	char buf[sizeof(doc)];
	struct ags_error err;
	json_t *v;
	size_t at;

	for (at = 0; at < sizeof(doc) - 1; at++) {
		memcpy(buf, doc, sizeof(doc));
		buf[at] = '\0';
		agree(buf, sizeof(doc) - 1, "NUL");
	}
	/* "x", the 2-byte é, "y": y is column 15 of line 2. */
	memcpy(buf, doc, sizeof(doc));
	buf[strchr(doc, 'y') - doc] = '\0';
	ags_error_clear(&err);
	ck_assert_int_eq(ags_json_parse(&v, buf, sizeof(doc) - 1, "f", &err),
	                 AGS_ERR_JSON);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 15);
	ck_assert_str_eq(err.source, "f");
}
END_TEST

/* ---------------------------------------------------------------------
 * The callers keep their messages: the envelope's and the manifest's
 */

START_TEST(test_caller_messages)
{
	static const char bad[] = "{\n  \"format\": 1,\n  \"format\": 2\n}";
	struct ags_batch_item it;
	struct ags_envelope env;
	struct ags_error err;
	json_error_t je;
	char want[512];

	ck_assert_ptr_null(
	        json_loadb(bad, sizeof(bad) - 1, JSON_REJECT_DUPLICATES, &je));
	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_envelope_parse(&env, bad, sizeof(bad) - 1, "e", &err),
	        AGS_ERR_JSON);
	ags_envelope_release(&env);
	snprintf(want, sizeof(want), "malformed JSON: %s", je.text);
	ck_assert_str_eq(err.text, want);
	ck_assert_int_eq(err.line, je.line);
	ck_assert_int_eq(err.column, je.column);
	ck_assert_ptr_nonnull(strstr(err.text, "duplicate object key"));

	memset(&it, 0, sizeof(it));
	ck_assert_int_eq(
	        ags_manifest_parse_line(&it, bad, sizeof(bad) - 1, "."),
	        AGS_OK);
	snprintf(want, sizeof(want), "malformed manifest line: %s", je.text);
	ck_assert_ptr_nonnull(it.error);
	ck_assert_str_eq(it.error, want);
	ck_assert_ptr_null(it.agreement);
	ags_batch_item_release(&it);
}
END_TEST

/* ---------------------------------------------------------------------
 * Random mutations of real envelopes and manifest lines
 */

#define MUT_ROUNDS   5000
#define MUT_SEEDS    8
#define MUT_BASESEED 0x6a736f6e72656164u /* "jsonread" */

/* xorshift64*: a deterministic generator, its state in the caller. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1du;
}

static size_t rnd_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rnd(s) % n) : 0;
}

/* Bytes a mutation inserts: JSON's own and UTF-8's awkward ones. */
static unsigned char rnd_byte(uint64_t *s)
{
	static const char pick[] = "{}[]:,\"\\u0123456789abcdefABCDEF.eE+-"
	                           "tfnrl \t\r\n\x7f\x80\xbf\xc2\xc3\xdf\xe0"
	                           "\xed\xef\xf0\xf4\xf5\xff\x01\x1f";

	if (rnd(s) % 4 == 0)
		return (unsigned char)rnd(s);
	return (unsigned char)pick[rnd_below(s, sizeof(pick) - 1)];
}

struct corpus {
	char *doc[32];
	size_t len[32];
	size_t n;
};

static void corpus_add(struct corpus *c, const char *path)
{
	ck_assert_uint_lt(c->n, 32);
	c->doc[c->n] = tu_read_file(path, &c->len[c->n]);
	ck_assert_msg(c->doc[c->n] != NULL, "cannot read %s", path);
	c->n++;
}

static void corpus_load(struct corpus *c)
{
	static const char *const names[] = {
	        ENVELOPES "/signed.sig.json",
	        ENVELOPES "/cosigned.sig.json",
	        ENVELOPES "/countersigned.sig.json",
	        SEEDS "/fuzz_envelope/attachments.sig.json",
	        SEEDS "/fuzz_envelope/template.sig.json",
	        SEEDS "/fuzz_manifest/full.jsonl",
	        SEEDS "/fuzz_jcs/keys.json",
	        SEEDS "/fuzz_jcs/numbers.json"};
	size_t k;

	c->n = 0;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		corpus_add(c, names[k]);
}

/* Splices a run of up to 64 bytes of a corpus document into buf at at. */
static void splice(uint64_t *s, char *buf, size_t *len, size_t cap, size_t at,
                   const struct corpus *c)
{
	size_t k = rnd_below(s, c->n), from = rnd_below(s, c->len[k]);
	size_t n = 1 + rnd_below(s, 64);

	n = from + n > c->len[k] ? c->len[k] - from : n;
	n = *len + n > cap ? cap - *len : n;
	memmove(buf + at + n, buf + at, *len - at);
	memcpy(buf + at, c->doc[k] + from, n);
	*len += n;
}

/* One mutation of buf (*len bytes, room for cap). */
static void mutate(uint64_t *s, char *buf, size_t *len, size_t cap,
                   const struct corpus *c)
{
	size_t at = rnd_below(s, *len + 1), n;

	switch (rnd(s) % 5) {
	case 0: /* replace one byte */
		if (at < *len)
			buf[at] = (char)rnd_byte(s);
		break;
	case 1: /* insert one byte */
		if (*len < cap) {
			memmove(buf + at + 1, buf + at, *len - at);
			buf[at] = (char)rnd_byte(s);
			++*len;
		}
		break;
	case 2: /* delete a run */
		n = 1 + rnd_below(s, 8);
		n = at + n > *len ? *len - at : n;
		memmove(buf + at, buf + at + n, *len - at - n);
		*len -= n;
		break;
	default: /* splice in a run of this or another document */
		splice(s, buf, len, cap, at, c);
		break;
	}
}

START_TEST(test_random_mutations)
{
	uint64_t seed = MUT_BASESEED + (uint64_t)_i, s = seed;
	size_t round, k, len, cap = 8192, accepted = 0;
	struct corpus c;
	char *buf = malloc(cap), label[96];

	ck_assert_ptr_nonnull(buf);
	corpus_load(&c);
	for (round = 0; round < MUT_ROUNDS; round++) {
		k = rnd_below(&s, c.n);
		len = c.len[k];
		ck_assert_uint_le(len, cap);
		memcpy(buf, c.doc[k], len);
		for (k = 1 + rnd_below(&s, 4); k > 0; k--)
			mutate(&s, buf, &len, cap, &c);
		snprintf(label, sizeof(label),
		         "seed 0x%016" PRIx64 " round %zu", seed, round);
		accepted += (size_t)agree(buf, len, label);
	}
	/* Some mutations keep the JSON well-formed (white space, digits,
	 * letters inside strings), most do not. */
	ck_assert_uint_gt(accepted, MUT_ROUNDS / 50);
	ck_assert_uint_lt(accepted, MUT_ROUNDS - MUT_ROUNDS / 10);
	for (k = 0; k < c.n; k++)
		free(c.doc[k]);
	free(buf);
}
END_TEST

Suite *json_read_suite(void);

Suite *json_read_suite(void)
{
	Suite *s = suite_create("json_read");
	TCase *files = tcase_create("files");
	TCase *cases_tc = tcase_create("cases");
	TCase *random = tcase_create("random");

	tcase_add_test(files, test_jsontestsuite);
	tcase_add_test(files, test_spec_envelopes);
	tcase_add_test(files, test_fuzz_seeds);
	suite_add_tcase(s, files);
	tcase_add_loop_test(cases_tc, test_case, 0, (int)NCASES);
	tcase_add_test(cases_tc, test_minus_zero);
	tcase_add_loop_test(
	        cases_tc, test_minus_zero_noted, 0,
	        (int)(sizeof(minus_zero_notes) / sizeof(minus_zero_notes[0])));
	tcase_add_test(cases_tc, test_integer_limits);
	tcase_add_test(cases_tc, test_string_every_byte);
	tcase_add_test(cases_tc, test_string_utf8_pairs);
	tcase_add_test(cases_tc, test_escapes);
	tcase_add_test(cases_tc, test_depth_limit);
	tcase_add_test(cases_tc, test_very_deep);
	tcase_add_test(cases_tc, test_nul);
	tcase_add_test(cases_tc, test_caller_messages);
	tcase_set_timeout(cases_tc, 60);
	suite_add_tcase(s, cases_tc);
	tcase_add_loop_test(random, test_random_mutations, 0, MUT_SEEDS);
	tcase_set_timeout(random, 120);
	suite_add_tcase(s, random);
	return s;
}
