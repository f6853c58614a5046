/* Helpers shared by the libFuzzer harnesses. */
#include "fuzz_util.h"

#include <string.h>
#include <utf8proc.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

char *fuzz_read_fixture(const char *relpath, size_t *len)
{
	const char *dir = getenv("AGS_FUZZ_SRCDIR");
	char path[4096];
	char *buf;
	struct ags_error err;

	ags_error_clear(&err);
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : FUZZ_SRCDIR,
	         relpath);
	if (ags_file_read(&buf, len, path, AGS_TEXT_MAX, &err) != AGS_OK) {
		fprintf(stderr, "fuzz: cannot read fixture %s: %s\n", path,
		        err.text);
		abort();
	}
	return buf;
}

void fuzz_check_error(enum ags_err rc, const struct ags_error *err,
                      const char *buf, size_t len)
{
	long lines = 1;
	size_t i;

	/* A lone CR ends a line too where text/v1 reads lines. */
	for (i = 0; i < len; i++)
		lines += buf[i] == '\n' ||
		         (buf[i] == '\r' &&
		          (i + 1 == len || buf[i + 1] != '\n'));
	FUZZ_CHECK(rc != AGS_OK && err->code == rc,
	           "error code %d, recorded %d", (int)rc, (int)err->code);
	FUZZ_CHECK(err->text[0] != '\0', "error %d without a text", (int)rc);
	FUZZ_CHECK(err->line >= 0 && err->line <= lines + 1,
	           "error names line %ld of a %ld-line input", err->line,
	           lines);
	FUZZ_CHECK(err->column >= 0, "negative column %ld", err->column);
}

int fuzz_is_nfc(const char *s, size_t n)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t r;
	int same;

	r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nfc,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (r < 0)
		return 0;
	same = (size_t)r == n && memcmp(nfc, s, n) == 0;
	free(nfc);
	return same;
}
