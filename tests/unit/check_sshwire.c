/* sshwire.c: the bounded reader and the writer of the SSH wire encoding
 * (RFC 4251 §5). Every read past the end or above a maximum fails and
 * leaves the cursor where it was. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

START_TEST(test_read_fields)
{
	static const uint8_t in[] = {0x07, 0x00, 0x00, 0x01, 0x02, 0x00,
	                             0x00, 0x00, 0x03, 'a',  'b',  'c',
	                             0x00, 0x00, 0x00, 0x00};
	struct ags_ssh_reader r;
	const uint8_t *s;
	size_t len;
	uint32_t v;
	uint8_t b;

	ags_ssh_reader_init(&r, in, sizeof(in));
	ck_assert_int_eq(ags_ssh_get_u8(&r, &b), 0);
	ck_assert_uint_eq(b, 7);
	ck_assert_int_eq(ags_ssh_get_u32(&r, &v), 0);
	ck_assert_uint_eq(v, 0x102u);
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 16), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert(ags_ssh_string_is(s, len, "abc"));
	ck_assert(!ags_ssh_string_is(s, len, "ab"));
	ck_assert(!ags_ssh_string_is(s, len, "abcd"));
	/* The empty string. */
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 0), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(r.left, 0);
	ck_assert_int_eq(ags_ssh_get_u8(&r, &b), AGS_SSH_SHORT);
}
END_TEST

/* A u32 split at every point: each short read fails and leaves the
 * cursor. */
START_TEST(test_short_reads)
{
	static const uint8_t in[] = {0xFF, 0xEE, 0xDD, 0xCC};
	struct ags_ssh_reader r;
	const uint8_t *s;
	uint32_t v = 42;
	size_t n;

	for (n = 0; n < 4; n++) {
		ags_ssh_reader_init(&r, in, n);
		ck_assert_int_eq(ags_ssh_get_u32(&r, &v), AGS_SSH_SHORT);
		ck_assert_uint_eq(r.left, n);
		ck_assert_ptr_eq(r.p, in);
		ck_assert_uint_eq(v, 42);
	}
	ags_ssh_reader_init(&r, in, 4);
	ck_assert_int_eq(ags_ssh_get_u32(&r, &v), 0);
	ck_assert_uint_eq(v, 0xFFEEDDCCu);
	ags_ssh_reader_init(&r, in, 3);
	ck_assert_int_eq(ags_ssh_get_bytes(&r, &s, 4), AGS_SSH_SHORT);
	ck_assert_int_eq(ags_ssh_get_bytes(&r, &s, 3), 0);
	ck_assert_ptr_eq(s, in);
	ck_assert_uint_eq(r.left, 0);
}
END_TEST

/* A string's length checked against the maximum first, then against
 * what is left, including lengths near 2^32 that must not wrap. */
START_TEST(test_string_bounds)
{
	static const uint8_t four[] = {0, 0, 0, 4, 'a', 'b', 'c'};
	static const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0xFF, 'a'};
	struct ags_ssh_reader r;
	const uint8_t *s = NULL;
	size_t len = 99;

	ags_ssh_reader_init(&r, four, sizeof(four));
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 3), AGS_SSH_LONG);
	ck_assert_uint_eq(r.left, sizeof(four));
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 4), AGS_SSH_SHORT);
	ck_assert_uint_eq(r.left, sizeof(four));
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(len, 99);
	ags_ssh_reader_init(&r, huge, sizeof(huge));
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, SIZE_MAX),
	                 AGS_SSH_SHORT);
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 1 << 20),
	                 AGS_SSH_LONG);
	ck_assert_ptr_eq(r.p, huge);
	ck_assert_str_eq(ags_ssh_strerror(AGS_SSH_SHORT),
	                 "the data ends inside a field");
}
END_TEST

/* What the writer appends, the reader reads back. */
START_TEST(test_write_round_trip)
{
	struct ags_buf b = {0};
	struct ags_ssh_reader r;
	const uint8_t *s;
	size_t len;
	uint32_t v;
	uint8_t c;
	char *out;

	ags_ssh_put_u8(&b, 13);
	ags_ssh_put_u32(&b, 0x80000001u);
	ags_ssh_put_string(&b, "ssh-ed25519", 11);
	ags_ssh_put_string(&b, NULL, 0);
	out = ags_buf_take(&b, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, 1 + 4 + 15 + 4);
	ck_assert_mem_eq(out, "\x0d\x80\x00\x00\x01\x00\x00\x00\x0bssh-", 13);
	ags_ssh_reader_init(&r, out, len);
	ck_assert_int_eq(ags_ssh_get_u8(&r, &c), 0);
	ck_assert_uint_eq(c, 13);
	ck_assert_int_eq(ags_ssh_get_u32(&r, &v), 0);
	ck_assert_uint_eq(v, 0x80000001u);
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 64), 0);
	ck_assert(ags_ssh_string_is(s, len, "ssh-ed25519"));
	ck_assert_int_eq(ags_ssh_get_string(&r, &s, &len, 64), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(r.left, 0);
	free(out);
}
END_TEST

/* A string too long for its uint32 length marks the buffer failed and
 * reads nothing of it. */
START_TEST(test_write_too_long)
{
	struct ags_buf b = {0};

	if (SIZE_MAX <= UINT32_MAX)
		return;
	ags_ssh_put_string(&b, "x", (size_t)UINT32_MAX + 1);
	ck_assert_ptr_null(ags_buf_take(&b, NULL));
	ags_buf_release(&b);
}
END_TEST

Suite *sshwire_suite(void);

Suite *sshwire_suite(void)
{
	Suite *s = suite_create("sshwire");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_read_fields);
	tcase_add_test(tc, test_short_reads);
	tcase_add_test(tc, test_string_bounds);
	tcase_add_test(tc, test_write_round_trip);
	tcase_add_test(tc, test_write_too_long);
	suite_add_tcase(s, tc);
	return s;
}
