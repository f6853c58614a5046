/* tests/web/ed25519_check.c: ags_ed25519_verify on one vector given as
 * hex, "SIG PK MSG" (MSG may be empty), for tests/web/ed25519_test.mjs.
 * Built twice from this one file: into a wasm module with the browser
 * build's library objects (ags_web_ed25519, called from node) and into a
 * native program (main: one vector a line on standard input, one result a
 * line out), so that the two builds' answers can be compared. */
#include "agreesign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#define EMSCRIPTEN_KEEPALIVE
#endif

static int unhex(uint8_t *out, size_t cap, size_t *n, const char *s,
                 size_t len)
{
	size_t i;
	unsigned v;

	if (len % 2 || len / 2 > cap)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

int ags_web_ed25519(const char *line);

/* 0 valid, 1 invalid, 2 a malformed line or a key or signature of the
 * wrong length (also "invalid" for the vectors' purpose, told apart). */
EMSCRIPTEN_KEEPALIVE int ags_web_ed25519(const char *line)
{
	static uint8_t msg[1 << 16];
	uint8_t sig[64], pk[32];
	size_t nsig, npk, nmsg = 0;
	const char *a = line, *b = strchr(a, ' '), *c = b ? strchr(b + 1, ' ') : NULL;

	if (!b || !c || unhex(sig, sizeof(sig), &nsig, a, (size_t)(b - a)) ||
	    unhex(pk, sizeof(pk), &npk, b + 1, (size_t)(c - b - 1)) ||
	    unhex(msg, sizeof(msg), &nmsg, c + 1, strcspn(c + 1, "\n")))
		return 2;
	if (nsig != 64 || npk != 32)
		return 2;
	if (ags_init() != AGS_OK)
		return 3;
	return ags_ed25519_verify(sig, msg, nmsg, pk) == 0 ? 0 : 1;
}

#ifndef __EMSCRIPTEN__
int main(void)
{
	static char line[1 << 18];

	while (fgets(line, sizeof(line), stdin))
		printf("%d\n", ags_web_ed25519(line));
	return 0;
}
#endif
