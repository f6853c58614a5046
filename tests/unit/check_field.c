/* field.c: times. ags_time_format writes its digits by hand; the C
 * library's gmtime_r and strftime are the reference, and ags_time_parse
 * must give the time back. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static void agree(int64_t t)
{
	char got[21], want[32], again[21];
	struct tm tm;
	time_t tt = (time_t)t;
	int64_t back = -1;

	ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
	ck_assert_uint_eq(
	        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm), 20);
	ck_assert_int_eq(ags_time_format(got, t), 0);
	ck_assert_msg(strcmp(got, want) == 0, "%lld: %s, wanted %s",
	              (long long)t, got, want);
	ck_assert_int_eq(ags_time_parse(&back, got), 0);
	ck_assert_int_eq(back, t);
	ck_assert_int_eq(ags_time_format(again, back), 0);
	ck_assert_str_eq(again, got);
}

START_TEST(test_time_format)
{
	static const int64_t edges[] = {
	        0,          59,         60,           3599,
	        3600,       86399,      86400,        68169599,
	        68169600,   951782399,  951782400,    951868800,
	        4107542399, 4107542400, 253402214400, 253402300799};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;
	char out[21];

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		agree(edges[i]);
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		agree((int64_t)(x % 253402300800ULL));
	}
	ck_assert_int_eq(ags_time_format(out, -1), -1);
	ck_assert_int_eq(ags_time_format(out, 253402300800), -1);
}
END_TEST

Suite *field_suite(void);

Suite *field_suite(void)
{
	Suite *s = suite_create("field");
	TCase *tc = tcase_create("field");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_time_format);
	suite_add_tcase(s, tc);
	return s;
}
