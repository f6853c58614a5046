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

/* The value of base64 digit c (standard alphabet), or -1. */
static int b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
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
 * decoded by libsodium in keyfile.c. sodium_base642bin cost more than
 * the rest of reading an envelope's signature entry. */
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
