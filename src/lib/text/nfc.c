/* Step 5 of text/v1, NFC, applied only where the text can change
 * (spec/agreesign-v1.md, section 2).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Step 5, NFC. Running utf8proc over a whole agreement costs about 30 ns
 * a byte, twenty times the rest of text/v1, so only the parts that can
 * change go through it. The boundary before an ASCII character is an NFC
 * boundary: ASCII characters are starters (combining class 0), have no
 * decomposition, and are never the second part of a composition, so
 * nothing composes with or reorders across them (the tests check this
 * premise against utf8proc). Each run of non-ASCII characters, with the
 * ASCII character before it (it may take an accent), is normalized alone
 * with the options utf8proc_map would use, unless it holds only code
 * points below U+0300 (ags_nfc_trivial: already NFC); the rest is copied.
 * The result equals utf8proc_map over the whole text (also tested). */
#define NFC_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

struct nfc {
	const char *in;
	size_t len;
	char *out; /* NFC text, room for 2 more bytes */
	size_t o, cap;
	utf8proc_int32_t *cps; /* one chunk's code points, reused */
	size_t ncps;           /* capacity of cps, minus a spare slot */
};

/* A capacity of at least need, doubling from cap (64 at first). */
static size_t new_cap(size_t cap, size_t need)
{
	size_t n = cap ? cap : 64;

	while (n < need)
		n *= 2;
	return n;
}

static int nfc_put(struct nfc *z, const void *bytes, size_t n)
{
	if (z->o + n + 2 > z->cap) {
		size_t cap = new_cap(z->cap, z->o + n + 2);
		char *p = realloc(z->out, cap);

		if (!p)
			return -1;
		z->out = p;
		z->cap = cap;
	}
	memcpy(z->out + z->o, bytes, n);
	z->o += n;
	return 0;
}

/* Room for need code points in z->cps, and the spare slot. */
static int cps_reserve(struct nfc *z, size_t need)
{
	utf8proc_int32_t *p;
	size_t cap;

	if (need <= z->ncps)
		return 0;
	/* reencode needs a spare byte after 4 bytes per code point */
	cap = new_cap(z->ncps, need + 1);
	p = realloc(z->cps, cap * sizeof(*p));
	if (!p)
		return -1;
	z->cps = p;
	z->ncps = cap - 1;
	return 0;
}

static unsigned ccc(utf8proc_int32_t cp)
{
	return (unsigned)utf8proc_get_property(cp)->combining_class;
}

/* Sorts a long run of combining marks by class, stably, by counting. */
static int count_sort_marks(utf8proc_int32_t *r, size_t n)
{
	size_t count[256] = {0}, i, k, at = 0, c;
	utf8proc_int32_t *tmp = malloc(n * sizeof(*tmp));

	if (!tmp)
		return -1;
	for (i = 0; i < n; i++)
		count[ccc(r[i])]++;
	for (k = 0; k < 256; k++)
		c = count[k], count[k] = at, at += c;
	for (i = 0; i < n; i++)
		tmp[count[ccc(r[i])]++] = r[i];
	memcpy(r, tmp, n * sizeof(*tmp));
	free(tmp);
	return 0;
}

/* Sorts a run of combining marks by class, stably: by insertion when it
 * is short (the usual one or two accents), else by counting. */
static int sort_marks(utf8proc_int32_t *r, size_t n)
{
	utf8proc_int32_t v;
	size_t i, k;

	if (n > 8)
		return count_sort_marks(r, n);
	for (i = 1; i < n; i++) {
		v = r[i];
		for (k = i; k > 0 && ccc(r[k - 1]) > ccc(v); k--)
			r[k] = r[k - 1];
		r[k] = v;
	}
	return 0;
}

/* Decomposes in[from..to) into z->cps and puts it in canonical order
 * (UAX #15: each run of combining marks sorted by class), as
 * utf8proc_decompose would, but in linear time: utf8proc sorts a run by
 * exchanges, quadratic in its length, and 400 KB of two alternating
 * marks took minutes (found by the hostile-input tests; see
 * tests/fuzz/README.md). Returns the number of code points or a utf8proc
 * error. */
static utf8proc_ssize_t nfc_decompose(struct nfc *z, size_t from, size_t to)
{
	const unsigned char *s = (const unsigned char *)z->in;
	uint32_t cp;
	utf8proc_ssize_t k;
	size_t i = from, n = 0, run, len;

	/* A code point decomposes into at most 1.5 per byte (U+01D5). */
	if (cps_reserve(z, 2 * (to - from) + 4) != 0)
		return UTF8PROC_ERROR_NOMEM;
	while (i < to) {
		len = ags_utf8_next(s + i, to - i, &cp);
		if (len == 0)
			return UTF8PROC_ERROR_INVALIDUTF8; /* not after scan */
		i += len;
		k = utf8proc_decompose_char((utf8proc_int32_t)cp, z->cps + n,
		                            (utf8proc_ssize_t)(z->ncps - n),
		                            NFC_OPTIONS, NULL);
		if (k < 0 || (size_t)k > z->ncps - n)
			return k < 0 ? k : UTF8PROC_ERROR_OVERFLOW;
		n += (size_t)k;
	}
	for (i = 0; i < n; i += run ? run : 1) {
		for (run = 0; i + run < n && ccc(z->cps[i + run]) != 0; run++)
			;
		if (run > 1 && sort_marks(z->cps + i, run) != 0)
			return UTF8PROC_ERROR_NOMEM;
	}
	return (utf8proc_ssize_t)n;
}

/* Appends NFC(in[from..to)) to z->out. */
static utf8proc_ssize_t nfc_chunk(struct nfc *z, size_t from, size_t to)
{
	utf8proc_ssize_t n = nfc_decompose(z, from, to);

	if (n >= 0)
		n = utf8proc_reencode(z->cps, n, NFC_OPTIONS);
	if (n >= 0 && nfc_put(z, z->cps, (size_t)n) < 0)
		n = UTF8PROC_ERROR_NOMEM;
	return n;
}

static size_t skip_ascii(const char *s, size_t i, size_t len, int ascii)
{
	while (i < len && ((unsigned char)s[i] < 0x80) == ascii)
		i++;
	return i;
}

static utf8proc_ssize_t nfc_run(struct nfc *z)
{
	size_t i = 0, j, from;
	utf8proc_ssize_t rc;

	while (i < z->len) {
		j = skip_ascii(z->in, i, z->len, 1);
		if (j == z->len)
			return nfc_put(z, z->in + i, j - i) < 0
			               ? UTF8PROC_ERROR_NOMEM
			               : 0;
		from = j > i ? j - 1 : j; /* the ASCII char before the run */
		if (nfc_put(z, z->in + i, from - i) < 0)
			return UTF8PROC_ERROR_NOMEM;
		i = skip_ascii(z->in, j, z->len, 0);
		if (ags_nfc_trivial(z->in + j, i - j))
			rc = nfc_put(z, z->in + from, i - from) < 0
			             ? UTF8PROC_ERROR_NOMEM
			             : 0;
		else
			rc = nfc_chunk(z, from, i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static enum ags_err nfc_fail(utf8proc_ssize_t rc, const char *source,
                             struct ags_error *err)
{
	if (rc == UTF8PROC_ERROR_NOMEM)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory normalizing to NFC");
	/* Cannot happen on scanned input; refuse, never sign garbage. */
	return ags_error_set(err, AGS_ERR_TEXT, source, 0, 0,
	                     "NFC normalization failed: %s",
	                     utf8proc_errmsg(rc));
}

enum ags_err ags_canon_nfc(char **buf, size_t *len, const char *source,
                           struct ags_error *err)
{
	struct nfc z = {.in = *buf, .len = *len};
	utf8proc_ssize_t rc = UTF8PROC_ERROR_NOMEM;

	/* NFC rarely grows text; nfc_put grows the buffer when it does */
	z.cap = *len + *len / 8 + 2;
	z.out = malloc(z.cap);
	if (z.out)
		rc = nfc_run(&z);
	free(z.cps);
	if (rc < 0) {
		free(z.out);
		return nfc_fail(rc, source, err);
	}
	free(*buf);
	*buf = z.out;
	*len = z.o;
	return AGS_OK;
}
