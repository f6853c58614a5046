/* src/display.c: the code points output never writes as themselves, the
 * display form of a character, and fixed buffers that never hold half a
 * character (issue 13, items 6 and 7). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ELLIPSIS "\xE2\x80\xA6"

/* 1 when s is valid UTF-8 (jansson's own check). */
static int is_utf8(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

/* n copies of c after a prefix of `odd` ASCII bytes: every cut position
 * meets every byte of a character. */
static char *repeat(const char *c, size_t n, size_t odd)
{
	size_t k = strlen(c), i;
	char *s = malloc(odd + n * k + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'a', odd);
	for (i = 0; i < n; i++)
		memcpy(s + odd + i * k, c, k);
	s[odd + n * k] = '\0';
	return s;
}

static const char *const wide[] = {"\xC3\xA9", "\xE2\x82\xAC",
                                   "\xF0\x9D\x84\x9E", "\xE2\x80\xAE"};

/* Checks out: a cut copy of s in cap bytes (or s itself when it fits). */
static void assert_cut(const char *out, const char *s, size_t cap)
{
	size_t n = strlen(out), keep;

	ck_assert_uint_lt(n, cap);
	ck_assert_msg(is_utf8(out), "cap %zu: not UTF-8", cap);
	if (strlen(s) < cap) {
		ck_assert_str_eq(out, s);
		return;
	}
	if (cap < 4) {
		ck_assert_str_eq(out, "");
		return;
	}
	/* a prefix of s, then the ellipsis, and no more than 3 bytes short */
	ck_assert_msg(n >= 3 && strcmp(out + n - 3, ELLIPSIS) == 0,
	              "cap %zu: %s", cap, out);
	keep = n - 3;
	ck_assert_mem_eq(out, s, keep);
	ck_assert_uint_ge(keep + 3 + 3, cap - 1);
}

/* Every width of character, every capacity, every offset. */
START_TEST(test_text_copy_cuts_at_characters)
{
	char out[64], *s;
	size_t cap, odd;

	for (odd = 0; odd < 4; odd++) {
		s = repeat(wide[_i], 30, odd);
		for (cap = 0; cap <= sizeof(out); cap++) {
			memset(out, 'x', sizeof(out));
			ck_assert_ptr_eq(ags_text_copy(out, cap, s), out);
			if (cap == 0)
				ck_assert_int_eq(out[0], 'x'); /* untouched */
			else
				assert_cut(out, s, cap);
		}
		free(s);
	}
}
END_TEST

START_TEST(test_bounded_cuts_at_characters)
{
	char out[64], *s, *whole;
	size_t cap, odd, n;

	for (odd = 0; odd < 4; odd++) {
		s = repeat(wide[_i], 30, odd);
		n = strlen(s) + 16;
		whole = malloc(n);
		ck_assert_ptr_nonnull(whole);
		snprintf(whole, n, "key: %s!", s);
		for (cap = 1; cap <= sizeof(out); cap++) {
			ags_bounded(out, cap, "key: %s!", s);
			assert_cut(out, whole, cap);
		}
		ags_bounded(out, sizeof(out), "%s", "short");
		ck_assert_str_eq(out, "short");
		free(whole);
		free(s);
	}
}
END_TEST

/* Text that is not UTF-8 is not made worse: no byte is invented, and the
 * step back stops after 3 continuation bytes. */
START_TEST(test_text_copy_of_bad_bytes)
{
	char out[8];

	ags_text_copy(out, sizeof(out), "\x80\x80\x80\x80\x80\x80\x80\x80\x80");
	ck_assert_uint_eq(strlen(out), 4);
	ck_assert_mem_eq(out, "\x80", 1);
	ck_assert_str_eq(out + 1, ELLIPSIS);
}
END_TEST

/* The spec's list (§10.5), one code point at a time. */
static int listed(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

START_TEST(test_hazard_set_is_the_spec_list)
{
	uint32_t cp, bad = 0, n = 0;

	/* one assertion: Check records the place of each one it passes */
	for (cp = 0; cp <= 0x10FFFF; cp++)
		if (ags_output_hazard(cp) != listed(cp))
			bad = cp, n++;
	ck_assert_msg(n == 0, "%u differ, last U+%04X", (unsigned)n,
	              (unsigned)bad);
}
END_TEST

/* The display form of each kind of character. */
START_TEST(test_display_char)
{
	static const struct {
		const char *in;
		size_t n, used;
		const char *out;
	} cases[] = {
	        {"a", 1, 1, "a"},
	        {"~", 1, 1, "~"},
	        {"\\", 1, 1, "\\"},
	        {"\x1b[2J", 4, 1, "\\x1b"},
	        {"\n", 1, 1, "\\x0a"},
	        {"\x7f", 1, 1, "\\x7f"},
	        {"\xff", 1, 1, "\\xff"},
	        {"\xc3", 1, 1, "\\xc3"},                /* cut short */
	        {"\xe2\x80", 2, 1, "\\xe2"},            /* cut short */
	        {"\xc0\xaf", 2, 1, "\\xc0"},            /* overlong */
	        {"\xed\xa0\x80", 3, 1, "\\xed"},        /* surrogate */
	        {"\xc2\x9b", 2, 2, "\\u{009b}"},        /* CSI */
	        {"\xc2\x85", 2, 2, "\\u{0085}"},        /* NEL */
	        {"\xc2\xa0", 2, 2, "\xc2\xa0"},         /* NBSP */
	        {"\xc3\xa9", 2, 2, "\xc3\xa9"},         /* é */
	        {"\xd8\x9c", 2, 2, "\\u{061c}"},        /* ALM */
	        {"\xe2\x80\x8d", 3, 3, "\xe2\x80\x8d"}, /* ZWJ */
	        {"\xe2\x80\x8f", 3, 3, "\\u{200f}"},    /* RLM */
	        {"\xe2\x80\xa8", 3, 3, "\\u{2028}"},    /* LINE SEPARATOR */
	        {"\xe2\x80\xae", 3, 3, "\\u{202e}"},    /* RLO */
	        {"\xe2\x81\xa7", 3, 3, "\\u{2067}"},    /* RLI */
	        {"\xe2\x81\xaa", 3, 3, "\xe2\x81\xaa"},
	        {"\xf0\x9d\x84\x9e", 4, 4, "\xf0\x9d\x84\x9e"},
	};
	char out[AGS_DISPLAY_MAX];
	size_t i, k, used;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		used = 99;
		k = ags_display_char(out, cases[i].in, cases[i].n, &used);
		ck_assert_msg(k == strlen(cases[i].out) &&
		                      memcmp(out, cases[i].out, k) == 0,
		              "case %zu: %.*s", i, (int)k, out);
		ck_assert_uint_eq(used, cases[i].used);
	}
}
END_TEST

/* An error's source and text: long non-ASCII paths and values stay
 * UTF-8. */
START_TEST(test_error_text_stays_utf8)
{
	struct ags_error err;
	char *s = repeat(wide[_i], 400, 1);

	ags_error_clear(&err);
	ags_error_set(&err, AGS_ERR_IO, s, 0, 0, "cannot read \"%s\"", s);
	ck_assert(is_utf8(err.source));
	ck_assert(is_utf8(err.text));
	ck_assert_ptr_nonnull(strstr(err.source, ELLIPSIS));
	ck_assert_ptr_nonnull(strstr(err.text, ELLIPSIS));
	free(s);
}
END_TEST

Suite *display_suite(void);

Suite *display_suite(void)
{
	Suite *s = suite_create("display");
	TCase *tc = tcase_create("display");
	int nwide = (int)(sizeof(wide) / sizeof(wide[0]));

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_text_copy_cuts_at_characters, 0, nwide);
	tcase_add_loop_test(tc, test_bounded_cuts_at_characters, 0, nwide);
	tcase_add_test(tc, test_text_copy_of_bad_bytes);
	tcase_add_test(tc, test_hazard_set_is_the_spec_list);
	tcase_add_test(tc, test_display_char);
	tcase_add_loop_test(tc, test_error_text_stays_utf8, 0, nwide);
	suite_add_tcase(s, tc);
	return s;
}
