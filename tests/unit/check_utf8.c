/* src/lib/base/utf8.c: the one UTF-8 decoder. Exhaustive where it can be
 * (every sequence of up to three bytes, every code point, every pair of
 * first bytes of a four-byte sequence with boundary continuation bytes),
 * against an oracle that knows nothing of byte ranges: bytes are UTF-8
 * when they are the shortest encoding of a Unicode scalar value. Then
 * random bytes against utf8proc_iterate, with the seed printed
 * (AGS_UTF8_SEED=<seed> repeats a run). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "internal.h"

/* Writes the shortest UTF-8 form of cp (< 0x200000) at out; its length. */
static size_t encode(uint32_t cp, unsigned char out[4])
{
	size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char mark[5] = {0, 0, 0xC0, 0xE0, 0xF0};
	size_t k;

	for (k = len - 1; k > 0; k--) {
		out[k] = (unsigned char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	out[0] = (unsigned char)(mark[len] | cp);
	return len;
}

static int scalar(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

/* The oracle: the length of the scalar value s starts with (n bytes to
 * read), and the value; 0 when there is none. Each length k is tried by
 * taking the low bits of its bytes, whatever their marks, and encoding
 * the result again: only the bytes of a shortest form come back. */
static size_t oracle(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const unsigned char payload[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
	unsigned char again[4];
	size_t k, j;
	uint32_t c;

	for (k = 1; k <= 4 && k <= n; k++) {
		c = s[0] & payload[k];
		for (j = 1; j < k; j++)
			c = c << 6 | (s[j] & 0x3Fu);
		if (scalar(c) && encode(c, again) == k &&
		    memcmp(again, s, k) == 0) {
			*cp = c;
			return k;
		}
	}
	return 0;
}

/* The decoder, its explanation and the oracle agree on s (n bytes). */
static void agree(const unsigned char *s, size_t n)
{
	uint32_t cp = 0xFFFFFFFF, want = 0;
	size_t len = ags_utf8_next(s, n, &cp), exp = oracle(s, n, &want);

	if (len != exp || (len && cp != want))
		ck_abort_msg("%02x %02x %02x %02x (n %zu): %zu U+%04" PRIX32
		             ", expected %zu U+%04" PRIX32,
		             n > 0 ? s[0] : 0, n > 1 ? s[1] : 0,
		             n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, len, cp,
		             exp, want);
	if ((ags_utf8_why(s, n) == AGS_UTF8_OK) != (len != 0))
		ck_abort_msg("%02x %02x %02x %02x (n %zu): ags_utf8_why "
		             "disagrees",
		             n > 0 ? s[0] : 0, n > 1 ? s[1] : 0,
		             n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n);
}

START_TEST(test_empty)
{
	uint32_t cp = 7;

	ck_assert_uint_eq(ags_utf8_next((const unsigned char *)"A", 0, &cp), 0);
	ck_assert_uint_eq(cp, 7);
	ck_assert_int_eq(ags_utf8_why((const unsigned char *)"A", 0),
	                 AGS_UTF8_TRUNCATED);
}
END_TEST

/* Every sequence of one, two and three bytes, each cut to every length:
 * 2^24 + 2^16 + 2^8 inputs. */
START_TEST(test_every_short_sequence)
{
	unsigned char s[3];
	uint32_t x;

	for (x = 0; x < 1u << 24; x++) {
		s[0] = (unsigned char)(x >> 16);
		s[1] = (unsigned char)(x >> 8);
		s[2] = (unsigned char)x;
		agree(s, 3);
		if ((x & 0xFF) == 0)
			agree(s, 2);
		if ((x & 0xFFFF) == 0)
			agree(s, 1);
	}
}
END_TEST

/* Every first and second byte, with the third and fourth at and around
 * the edges of the continuation range. */
START_TEST(test_four_byte_edges)
{
	static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x81,
	                                     0x8F, 0x90, 0x9F, 0xA0,
	                                     0xBF, 0xC0, 0xF4, 0xFF};
	const size_t ne = sizeof(edge);
	unsigned char s[4];
	size_t a, b;
	uint32_t x;

	for (x = 0; x < 1u << 16; x++) {
		s[0] = (unsigned char)(x >> 8);
		s[1] = (unsigned char)x;
		for (a = 0; a < ne; a++) {
			for (b = 0; b < ne; b++) {
				s[2] = edge[a];
				s[3] = edge[b];
				agree(s, 4);
			}
		}
	}
}
END_TEST

/* Every code point: a scalar value decodes to itself, with any bytes
 * after it, and not when cut short; a surrogate never decodes. (No
 * ck_assert in the loop: Check records each one, a million times.) */
START_TEST(test_every_code_point)
{
	unsigned char s[5];
	uint32_t cp, got, junk;
	size_t len, k;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		len = encode(cp, s);
		s[len] = 0x80;
		for (k = 0; k < len; k++)
			if (ags_utf8_next(s, k, &junk) != 0)
				ck_abort_msg("U+%04" PRIX32 " cut to %zu bytes",
				             cp, k);
		if (!scalar(cp)) {
			if (ags_utf8_next(s, len, &junk) != 0 ||
			    ags_utf8_why(s, len) != AGS_UTF8_SURROGATE)
				ck_abort_msg("surrogate U+%04" PRIX32, cp);
			continue;
		}
		got = junk = 0xFFFFFFFF;
		if (ags_utf8_next(s, len, &got) != len || got != cp ||
		    ags_utf8_next(s, len + 1, &junk) != len || junk != cp ||
		    ags_utf8_why(s, len) != AGS_UTF8_OK)
			ck_abort_msg("U+%04" PRIX32 " decodes as U+%04" PRIX32,
			             cp, got);
	}
}
END_TEST

struct edge_case {
	const char *bytes;
	size_t len; /* 0: refused */
	uint32_t cp;
	enum ags_utf8_bad why;
};

/* The boundaries of each length, of the surrogates and of Unicode, and
 * each kind of refusal text/v1 names. */
static const struct edge_case edges[] = {
        {"\x7F", 1, 0x7F, AGS_UTF8_OK},
        {"\xC2\x80", 2, 0x80, AGS_UTF8_OK},
        {"\xDF\xBF", 2, 0x7FF, AGS_UTF8_OK},
        {"\xE0\xA0\x80", 3, 0x800, AGS_UTF8_OK},
        {"\xED\x9F\xBF", 3, 0xD7FF, AGS_UTF8_OK},
        {"\xED\xA0\x80", 0, 0, AGS_UTF8_SURROGATE},
        {"\xED\xBF\xBF", 0, 0, AGS_UTF8_SURROGATE},
        {"\xEE\x80\x80", 3, 0xE000, AGS_UTF8_OK},
        {"\xEF\xBF\xBF", 3, 0xFFFF, AGS_UTF8_OK},
        {"\xF0\x90\x80\x80", 4, 0x10000, AGS_UTF8_OK},
        {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, AGS_UTF8_OK},
        {"\xF4\x90\x80\x80", 0, 0, AGS_UTF8_TOO_BIG},
        {"\xF5\x80\x80\x80", 0, 0, AGS_UTF8_TOO_BIG},
        {"\xF7\xBF\xBF\xBF", 0, 0, AGS_UTF8_TOO_BIG},
        /* overlong forms of U+0000, U+007F, U+07FF, U+FFFF */
        {"\xC0\x80", 0, 0, AGS_UTF8_OVERLONG},
        {"\xC1\xBF", 0, 0, AGS_UTF8_OVERLONG},
        {"\xE0\x80\x80", 0, 0, AGS_UTF8_OVERLONG},
        {"\xE0\x9F\xBF", 0, 0, AGS_UTF8_OVERLONG},
        {"\xF0\x80\x80\x80", 0, 0, AGS_UTF8_OVERLONG},
        {"\xF0\x8F\xBF\xBF", 0, 0, AGS_UTF8_OVERLONG},
        /* named from the second byte even when the rest is cut */
        {"\xE0\x80", 0, 0, AGS_UTF8_OVERLONG},
        {"\xED\xA0", 0, 0, AGS_UTF8_SURROGATE},
        {"\xF4\x90", 0, 0, AGS_UTF8_TOO_BIG},
        /* cut short, or a byte that does not continue */
        {"\xC2", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xE2\x82", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xF0\x9D\x84", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xC3\x28", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xE2\x28\xA1", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xE2\x82\x28", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xF0\x9D\x84\xC0", 0, 0, AGS_UTF8_TRUNCATED},
        {"\xF0\x9D\xC0\x9E", 0, 0, AGS_UTF8_TRUNCATED},
        {"\x80", 0, 0, AGS_UTF8_STRAY},
        {"\xBF\x80", 0, 0, AGS_UTF8_STRAY},
        {"\xF8\x88\x80\x80\x80", 0, 0, AGS_UTF8_BYTE},
        {"\xFE", 0, 0, AGS_UTF8_BYTE},
        {"\xFF", 0, 0, AGS_UTF8_BYTE},
};

START_TEST(test_edges)
{
	const struct edge_case *c = &edges[_i];
	const unsigned char *s = (const unsigned char *)c->bytes;
	size_t n = strlen(c->bytes);
	uint32_t cp = 0xFFFFFFFF;

	ck_assert_uint_eq(ags_utf8_next(s, n, &cp), c->len);
	if (c->len)
		ck_assert_uint_eq(cp, c->cp);
	ck_assert_int_eq(ags_utf8_why(s, n), c->why);
}
END_TEST

/* A byte, mostly from the ranges that make and break sequences: leads,
 * their edge second bytes and continuation bytes. */
static unsigned char random_byte(uint64_t *state)
{
	static const unsigned char lead[] = {0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
	                                     0xED, 0xEF, 0xF0, 0xF4, 0xF5};
	uint64_t x;

	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	x = *state;
	switch (x & 7) {
	case 0: return (unsigned char)(x >> 8 & 0x7F);
	case 1: return lead[(x >> 8) % sizeof(lead)];
	case 2: return (unsigned char)(x >> 8);
	default: return (unsigned char)(0x80 | (x >> 8 & 0x3F));
	}
}

static uint64_t random_seed(void)
{
	const char *env = getenv("AGS_UTF8_SEED");
	uint64_t seed;

	if (env && *env)
		return strtoull(env, NULL, 0);
	seed = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15u ^ (uint64_t)getpid();
	return seed ? seed : 1;
}

/* Random text, decoded at every offset by both decoders. */
START_TEST(test_against_utf8proc)
{
	enum { LEN = 1 << 16, ROUNDS = 64 };
	static unsigned char buf[LEN];
	uint64_t seed = random_seed(), state = seed;
	utf8proc_int32_t theirs;
	utf8proc_ssize_t k;
	uint32_t ours;
	size_t i, len, round;

	fprintf(stderr, "utf8: random bytes from seed 0x%016" PRIx64 "\n",
	        seed);
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < LEN; i++)
			buf[i] = random_byte(&state);
		for (i = 0; i < LEN; i++) {
			len = ags_utf8_next(buf + i, LEN - i, &ours);
			k = utf8proc_iterate(
			        buf + i, (utf8proc_ssize_t)(LEN - i), &theirs);
			if ((k < 0 ? 0 : (size_t)k) != len ||
			    (len && (utf8proc_int32_t)ours != theirs))
				ck_abort_msg("seed 0x%016" PRIx64 " round %zu "
				             "offset %zu: %zu, utf8proc %ld",
				             seed, round, i, len, (long)k);
		}
	}
}
END_TEST

Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_every_short_sequence);
	tcase_add_test(tc, test_four_byte_edges);
	tcase_add_test(tc, test_every_code_point);
	tcase_add_loop_test(tc, test_edges, 0,
	                    (int)(sizeof(edges) / sizeof(edges[0])));
	tcase_add_test(tc, test_against_utf8proc);
	suite_add_tcase(s, tc);
	return s;
}
