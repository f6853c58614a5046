/* fuzz_canon: text/v1 canonicalization (src/lib/text/canon.c).
 * Properties: whatever is accepted comes out valid text/v1 (one LF at the
 * end, no CR, no trailing blanks, no leading, doubled or final blank line,
 * NFC) and canonicalizes to itself; and it equals a plain reference (BOM,
 * line ends, whole-text NFC with utf8proc, tidy), which checks the
 * chunked NFC of canon.c against utf8proc on the whole text. */
#include "fuzz_util.h"

#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_shape(const char *c, size_t n)
{
	size_t i, line = 0;

	FUZZ_CHECK(n > 0 && c[n] == '\0', "empty or unterminated output");
	FUZZ_CHECK(c[n - 1] == '\n', "output does not end with LF");
	FUZZ_CHECK(c[0] != '\n', "output starts with a blank line");
	FUZZ_CHECK(n < 2 || c[n - 2] != '\n', "output ends with a blank line");
	FUZZ_CHECK(
	        n < 3 || !(c[0] == '\xEF' && c[1] == '\xBB' && c[2] == '\xBF'),
	        "output starts with a BOM");
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(c[i] != '\r' && c[i] != '\0', "CR or NUL at %zu", i);
		if (c[i] != '\n')
			continue;
		FUZZ_CHECK(i == 0 || (c[i - 1] != ' ' && c[i - 1] != '\t'),
		           "trailing blank on line %zu", line + 1);
		FUZZ_CHECK(i < 2 || c[i - 1] != '\n' || c[i - 2] != '\n',
		           "two blank lines in a row at %zu", i);
		line++;
	}
	FUZZ_CHECK(fuzz_is_nfc(c, n), "output is not NFC");
}

/* The reference: the steps of spec/agreesign-v1.md section 2 done the slow way.
 */
static char *reference(size_t *out_len, const uint8_t *in, size_t n)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t r;
	char *lf = malloc(n + 1), *out;
	size_t i, o = 0, w = 0, start, e;
	int pending = 0;

	if (!lf)
		abort();
	if (n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
		in += 3, n -= 3;
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		lf[o++] = in[i] == '\r' ? '\n' : (char)in[i];
	}
	r = utf8proc_map((const utf8proc_uint8_t *)lf, (utf8proc_ssize_t)o,
	                 &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	free(lf);
	FUZZ_CHECK(r >= 0, "utf8proc refuses accepted text: %s",
	           utf8proc_errmsg(r));
	out = malloc((size_t)r + 2);
	if (!out)
		abort();
	for (start = 0; start < (size_t)r; start = e + 1) {
		for (e = start; e < (size_t)r && nfc[e] != '\n'; e++)
			;
		i = e;
		while (i > start && (nfc[i - 1] == ' ' || nfc[i - 1] == '\t'))
			i--;
		if (i == start) {
			pending = w > 0;
			continue;
		}
		if (pending)
			out[w++] = '\n';
		pending = 0;
		memcpy(out + w, nfc + start, i - start);
		w += i - start;
		out[w++] = '\n';
	}
	free(nfc);
	*out_len = w;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size), *c1 = NULL, *c2 = NULL, *ref;
	size_t n1 = 0, n2 = 0, nref = 0;
	struct ags_error err;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_canon_text(&c1, &n1, (const uint8_t *)in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		FUZZ_CHECK(c1 == NULL, "output left on failure");
		fuzz_check_error(rc, &err, in, size);
		free(in);
		return 0;
	}
	check_shape(c1, n1);
	rc = ags_canon_text(&c2, &n2, (const uint8_t *)c1, n1, "fuzz", &err);
	FUZZ_CHECK(rc == AGS_OK, "canonical text refused: %s", err.text);
	FUZZ_CHECK(n2 == n1 && memcmp(c1, c2, n1) == 0,
	           "canon(canon(x)) != canon(x) (%zu vs %zu bytes)", n2, n1);
	ref = reference(&nref, data, size);
	FUZZ_CHECK(nref == n1 && memcmp(ref, c1, n1) == 0,
	           "canon(x) differs from the reference (%zu vs %zu bytes)", n1,
	           nref);
	free(ref);
	free(c2);
	free(c1);
	free(in);
	return 0;
}
