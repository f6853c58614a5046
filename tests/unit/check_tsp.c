/* tsp.c: RFC 3161 requests, replies and tokens (spec §6.5), against a
 * time-stamping authority made in memory with libcrypto (tsa_util.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tsa_util.h"

#define T2026 1767225600 /* 2026-01-01T00:00:00Z */

static struct tu_tsa *tsa;

static void setup(void)
{
	tsa = tu_tsa_new(TU_TSA_GOOD, T2026 - 86400, T2026 + 365 * 86400);
	ck_assert_ptr_nonnull(tsa);
}

static void teardown(void)
{
	tu_tsa_free(tsa);
}

static void digest_of(uint8_t d[AGS_DIGEST_BYTES], int seed)
{
	memset(d, seed, AGS_DIGEST_BYTES);
}

START_TEST(test_request_round_trip)
{
	uint8_t d[AGS_DIGEST_BYTES], back[AGS_DIGEST_BYTES];
	uint8_t *q1, *q2;
	size_t n1, n2;

	digest_of(d, 7);
	ck_assert_int_eq(ags_tsq_make(&q1, &n1, d), 0);
	ck_assert_int_eq(ags_tsq_make(&q2, &n2, d), 0);
	ck_assert_ptr_null(ags_tsq_imprint(back, q1, n1));
	ck_assert_mem_eq(back, d, sizeof(d));
	/* same imprint, another nonce */
	ck_assert(n1 != n2 || memcmp(q1, q2, n1) != 0);
	ck_assert_str_eq(ags_tsq_imprint(back, q1, n1 - 1),
	                 "not an RFC 3161 time-stamp request");
	ck_assert_ptr_nonnull(ags_tsq_imprint(back, (const uint8_t *)"", 0));
	free(q1);
	free(q2);
}
END_TEST

START_TEST(test_reply_token)
{
	uint8_t d[AGS_DIGEST_BYTES], back[AGS_DIGEST_BYTES];
	uint8_t *q, *q2, *r, *tok, *want;
	size_t nq, nq2, nr, ntok, nwant;

	digest_of(d, 1);
	ck_assert_int_eq(ags_tsq_make(&q, &nq, d), 0);
	ck_assert_int_eq(ags_tsq_make(&q2, &nq2, d), 0);
	r = tu_tsa_reply(tsa, q, nq, T2026, 0, &nr);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(ags_tsr_token(&tok, &ntok, r, nr, q, nq));
	want = tu_tsa_token(r, nr, &nwant);
	ck_assert_uint_eq(ntok, nwant);
	ck_assert_mem_eq(tok, want, ntok);
	ck_assert_ptr_null(ags_tst_check(tok, ntok));
	ck_assert_ptr_null(ags_tst_imprint(back, tok, ntok));
	ck_assert_mem_eq(back, d, sizeof(d));
	/* another request for the same digest: another nonce */
	free(want);
	ck_assert_str_eq(ags_tsr_token(&want, &nwant, r, nr, q2, nq2),
	                 "the token's nonce is not the request's");
	ck_assert_ptr_null(want);
	ck_assert_str_eq(ags_tsr_token(&want, &nwant, r, nr - 1, q, nq),
	                 "not an RFC 3161 time-stamp reply");
	ck_assert_str_eq(ags_tsr_token(&want, &nwant, q, nq, q, nq),
	                 "not an RFC 3161 time-stamp reply");
	ck_assert_str_eq(ags_tsr_token(&want, &nwant, r, nr, r, nr),
	                 "not an RFC 3161 time-stamp request");
	/* the token, cut or lengthened */
	ck_assert_ptr_nonnull(ags_tst_check(tok, ntok - 1));
	ck_assert_ptr_nonnull(ags_tst_check(tok, 0));
	ck_assert_ptr_nonnull(ags_tst_check(tok, AGS_TOKEN_MAX + 1));
	free(q);
	free(q2);
	free(r);
	free(tok);
}
END_TEST

START_TEST(test_reply_rejected)
{
	uint8_t d[AGS_DIGEST_BYTES];
	uint8_t *q, *r, *tok;
	size_t nq, nr, ntok;

	digest_of(d, 2);
	ck_assert_int_eq(ags_tsq_make(&q, &nq, d), 0);
	/* the authority takes SHA-256 only: the SHA-512 request is refused */
	r = tu_tsa_reply(tsa, q, nq, T2026, 1, &nr);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(ags_tsr_token(&tok, &ntok, r, nr, q, nq),
	                 "the time-stamping authority rejected the request");
	ck_assert_ptr_null(tok);
	free(q);
	free(r);
}
END_TEST

Suite *tsp_suite(void);

Suite *tsp_suite(void)
{
	Suite *s = suite_create("tsp");
	TCase *tc = tcase_create("tsp");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_request_round_trip);
	tcase_add_test(tc, test_reply_token);
	tcase_add_test(tc, test_reply_rejected);
	suite_add_tcase(s, tc);
	return s;
}
