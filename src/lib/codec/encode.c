/* Hex and base64 with exactly one accepted spelling per value, so that two
 * different strings can never stand for the same key or signature. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void ags_hex_encode(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ags_hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t slen)
{
	size_t i;

	if (slen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

char *ags_b64_encode(const uint8_t *in, size_t n)
{
	size_t cap =
	        sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(cap);

	if (out)
		sodium_bin2base64(out, cap, in, n,
		                  sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* The value of each base64 digit (standard alphabet) plus 1; 0 for every
 * other byte. */
static const unsigned char b64_values[256] = {
        ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,
        ['G'] = 7,  ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12,
        ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
        ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
        ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
        ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
        ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
        ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
        ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
        ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
        ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64};

/* The value of base64 digit c, or -1. */
static int b64_digit(unsigned char c)
{
	return (int)b64_values[c] - 1;
}

/* Decodes the 4 characters at s into n (1..3) bytes of out. A group of
 * fewer than 3 bytes ends in '=' padding, and its unused low bits must be
 * zero: the one spelling of those bytes. */
static int b64_group(uint8_t *out, size_t n, const char *s)
{
	int d[4], i, ndigits = (int)n + 1;
	uint32_t v = 0;

	for (i = 0; i < 4; i++) {
		d[i] = i < ndigits ? b64_digit((unsigned char)s[i]) : 0;
		if (d[i] < 0 || (i >= ndigits && s[i] != '='))
			return -1;
		v = v << 6 | (uint32_t)d[i];
	}
	if ((n == 1 && (v & 0xFFFF)) || (n == 2 && (v & 0xFF)))
		return -1;
	out[0] = (uint8_t)(v >> 16);
	if (n > 1)
		out[1] = (uint8_t)(v >> 8);
	if (n > 2)
		out[2] = (uint8_t)v;
	return 0;
}

/* Table-free and not constant-time: every value decoded here is public
 * (keys, signatures, salts, nonces, sealed ciphertext). A clear seed is
 * decoded by libsodium in keyfile_parse.c. sodium_base642bin cost more
 * than the rest of reading an envelope's signature entry. */
int ags_b64_decode_exact(uint8_t *out, size_t want, const char *s, size_t slen)
{
	size_t i;

	/* Only small values (at most 93 bytes, 124 characters) are base64
	 * in our formats. */
	if (want > 93 || slen != 4 * ((want + 2) / 3))
		return -1;
	for (i = 0; i < want; i += 3) {
		size_t n = want - i < 3 ? want - i : 3;
		if (b64_group(out + i, n, s + i / 3 * 4) != 0) {
			sodium_memzero(out, want);
			return -1;
		}
	}
	return 0;
}

int ags_b64_decode_alloc(uint8_t **out, size_t *n, const char *s, size_t slen)
{
	size_t want, i;
	uint8_t *buf;

	*out = NULL;
	*n = 0;
	if (slen == 0 || slen % 4 != 0)
		return -1;
	want = slen / 4 * 3 - (s[slen - 1] == '=') - (s[slen - 2] == '=');
	if (!(buf = malloc(want)))
		return -1;
	for (i = 0; i < want; i += 3)
		if (b64_group(buf + i, want - i < 3 ? want - i : 3,
		              s + i / 3 * 4) != 0) {
			free(buf);
			return -1;
		}
	*out = buf;
	*n = want;
	return 0;
}
