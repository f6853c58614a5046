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
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(cap);

	if (out)
		sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

int ags_b64_decode_exact(uint8_t *out, size_t want, const char *s,
                         size_t slen)
{
	size_t enc = sodium_base64_ENCODED_LEN(want,
	                                       sodium_base64_VARIANT_ORIGINAL);
	char check[128];
	size_t got = 0;
	const char *end = NULL;

	/* enc counts the NUL. Only small values (keys, signatures, salts)
	 * are base64 in our formats. */
	if (enc > sizeof(check) || slen != enc - 1)
		return -1;
	if (sodium_base642bin(out, want, s, slen, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != want || end != s + slen)
		return -1;
	/* Refuse non-zero unused bits: re-encoding must give the same text. */
	sodium_bin2base64(check, sizeof(check), out, want,
	                  sodium_base64_VARIANT_ORIGINAL);
	if (memcmp(check, s, slen) != 0) {
		sodium_memzero(out, want);
		return -1;
	}
	return 0;
}
