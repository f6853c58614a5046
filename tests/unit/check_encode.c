/* encode.c: hex and base64 with one spelling per value. The base64
 * decoder is our own; libsodium's decoder plus a re-encoding check (what
 * agreesign used before) is the reference it must agree with on every
 * input: same verdict, same bytes. */
#include <check.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define B64_ALPHABET                                                           \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* The reference: libsodium decodes, and re-encoding must give the text. */
static int ref_decode(uint8_t *out, size_t want, const char *s, size_t slen)
{
	size_t enc =
	        sodium_base64_ENCODED_LEN(want, sodium_base64_VARIANT_ORIGINAL);
	char check[128];
	size_t got = 0;
	const char *end = NULL;

	if (enc > sizeof(check) || slen != enc - 1)
		return -1;
	if (sodium_base642bin(out, want, s, slen, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != want || end != s + slen)
		return -1;
	sodium_bin2base64(check, sizeof(check), out, want,
	                  sodium_base64_VARIANT_ORIGINAL);
	return memcmp(check, s, slen) == 0 ? 0 : -1;
}

/* Both decoders on s (slen bytes) for want bytes: same verdict and, when
 * accepted, same bytes. */
static void agree(size_t want, const char *s, size_t slen)
{
	uint8_t a[128], b[128];
	int ra, rb;

	memset(a, 0xAA, sizeof(a));
	memset(b, 0x55, sizeof(b));
	ra = ags_b64_decode_exact(a, want, s, slen);
	rb = ref_decode(b, want, s, slen);
	ck_assert_msg(ra == rb, "want %zu, \"%.*s\": ours %d, reference %d",
	              want, (int)slen, s, ra, rb);
	if (ra == 0)
		ck_assert_mem_eq(a, b, want);
}

/* Every length our formats could use and some beyond: random values
 * round-trip, and every one-byte change of their text, every truncation
 * and every extension gets the reference's verdict. The change is to any
 * of the 256 byte values up to 12 bytes (every padding shape), beyond
 * that to the alphabet, '=' and bytes next to or far from it (the test
 * also runs under valgrind). */
START_TEST(test_b64_matches_reference)
{
	static const char others[] = "=-_ .:\t\n\x00\x7f\x80\xff";
	uint8_t v[128];
	char text[256], subst[256];
	size_t want, len, pos, k, nsubst;

	for (want = 0; want <= 96; want++) {
		randombytes_buf(v, want);
		sodium_bin2base64(text, sizeof(text), v, want,
		                  sodium_base64_VARIANT_ORIGINAL);
		len = strlen(text);
		nsubst = 0;
		for (k = 0; k < 256; k++)
			if (want <= 12 || strchr(B64_ALPHABET, (int)k) ||
			    memchr(others, (int)k, sizeof(others) - 1))
				subst[nsubst++] = (char)k;
		agree(want, text, len);
		for (pos = 0; pos < len; pos++) {
			char keep = text[pos];
			for (k = 0; k < nsubst; k++) {
				text[pos] = subst[k];
				agree(want, text, len);
			}
			text[pos] = keep;
		}
		for (pos = 0; pos < len; pos++)
			agree(want, text, pos);
		text[len] = 'A';
		agree(want, text, len + 1);
		text[len] = '=';
		agree(want, text, len + 1);
	}
}
END_TEST

/* Known values, and the spellings a lax decoder would also take. */
START_TEST(test_b64_known)
{
	uint8_t out[4];

	ck_assert_int_eq(ags_b64_decode_exact(out, 3, "TWFu", 4), 0);
	ck_assert_mem_eq(out, "Man", 3);
	ck_assert_int_eq(ags_b64_decode_exact(out, 2, "TWE=", 4), 0);
	ck_assert_mem_eq(out, "Ma", 2);
	ck_assert_int_eq(ags_b64_decode_exact(out, 1, "TQ==", 4), 0);
	ck_assert_mem_eq(out, "M", 1);
	/* Non-zero unused bits: the same byte, another spelling. */
	ck_assert_int_eq(ags_b64_decode_exact(out, 1, "TR==", 4), -1);
	ck_assert_int_eq(ags_b64_decode_exact(out, 2, "TWF=", 4), -1);
	/* Missing padding, URL-safe alphabet, white space. */
	ck_assert_int_eq(ags_b64_decode_exact(out, 1, "TQ", 2), -1);
	ck_assert_int_eq(ags_b64_decode_exact(out, 3, "-_-_", 4), -1);
	ck_assert_int_eq(ags_b64_decode_exact(out, 3, "TW u", 4), -1);
	/* Padding where a digit belongs. */
	ck_assert_int_eq(ags_b64_decode_exact(out, 3, "TW=u", 4), -1);
	ck_assert_int_eq(ags_b64_decode_exact(out, 0, "", 0), 0);
}
END_TEST

START_TEST(test_hex)
{
	uint8_t out[2];
	char s[5];

	ck_assert_int_eq(ags_hex_decode_exact(out, 2, "00ff", 4), 0);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0xff);
	ags_hex_encode(s, out, 2);
	ck_assert_str_eq(s, "00ff");
	ck_assert_int_eq(ags_hex_decode_exact(out, 2, "00FF", 4), -1);
	ck_assert_int_eq(ags_hex_decode_exact(out, 2, "00f", 3), -1);
	ck_assert_int_eq(ags_hex_decode_exact(out, 2, "00fg", 4), -1);
}
END_TEST

Suite *encode_suite(void);

Suite *encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("encode");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_b64_matches_reference);
	tcase_add_test(tc, test_b64_known);
	tcase_add_test(tc, test_hex);
	suite_add_tcase(s, tc);
	return s;
}
