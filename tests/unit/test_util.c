#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tu_shared_dir(void)
{
	const char *d = getenv("AGS_SHARED");
	struct stat st;

	if (!d || !*d)
		d = "../../shared";
	return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *tu_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex), i;
	uint8_t *out;

	if (n % 2)
		return NULL;
	out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi * 16 + lo);
	}
	*len = n / 2;
	return out;
}

#define VEC "../spec/vectors/"

const char *const tu_vec_agreements[] = {
        VEC "agreements/sample-agreement.txt",
        VEC "agreements/sample-agreement-changed.txt",
        VEC "agreements/sample-agreement-reencoded.txt",
        VEC "agreements/no-such-file.txt", NULL};
const char *const tu_vec_envelopes[] = {"cosigned",
                                        "countersigned-removed",
                                        "countersigned-reordered",
                                        "countersigned",
                                        "signed",
                                        "tampered-length",
                                        "tampered-role",
                                        "tampered-time",
                                        "tampered-title",
                                        "truncated",
                                        "unsupported-version",
                                        "no-such-envelope",
                                        NULL};
const char *const tu_vec_trusts[TU_VEC_NTRUSTS + 1] = {
        "demo",       "expired", "not-yet-valid", "other-name", "revoked",
        "wrong-role", NULL};
