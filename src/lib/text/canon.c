/* The canonical agreement text, text/v1 (spec/agreesign-v1.md, section 2).
 *
 * What gets signed is the canonical form, so two files that a reader sees
 * as the same agreement (other line ends, a BOM, NFD accents, trailing
 * blanks, extra blank lines) sign alike, while every visible change to
 * words, punctuation or line breaks changes the result. Anything that
 * could hide text (invalid UTF-8, control characters, code points that
 * Unicode 15.0.0 does not assign) is refused instead of repaired.
 *
 * Three steps, each linear: scan (validate, report line and column in the
 * original input, turn CRLF and CR into LF), NFC (skipped for ASCII text,
 * which NFC never changes, and applied only around non-ASCII runs
 * otherwise), and tidy (line ends, blank lines, final LF) in place.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The validating pass: reads in[], writes LF-only text to out[]. */
struct scan {
	const uint8_t *in;
	size_t n, i; /* input length, read position */
	char *out;
	size_t o;   /* write position */
	long line;  /* 1-based line of in[i] in the original input */
	long col;   /* code points before in[i] on its line */
	int stable; /* every code point so far is below U+0300: the text
	               is NFC already (ags_nfc_trivial) */
	const char *source;
	struct ags_error *err;
};

/* text/v1's words for why a byte sequence is not UTF-8; AGS_UTF8_BYTE is
 * reported with the byte itself (bad_utf8). */
static const char *const utf8_why[] = {
        [AGS_UTF8_OK] = "",
        [AGS_UTF8_STRAY] = "unexpected continuation byte",
        [AGS_UTF8_OVERLONG] = "overlong encoding",
        [AGS_UTF8_SURROGATE] = "surrogate code point",
        [AGS_UTF8_TOO_BIG] = "code point above U+10FFFF",
        [AGS_UTF8_TRUNCATED] = "truncated sequence",
        [AGS_UTF8_BYTE] = "byte that never occurs in UTF-8",
};

/* ---- what refused bytes seem to be (only on the way to an error) ---- */

/* Formats that are not text, by their first bytes. */
static const struct {
	const char *magic;
	size_t len;
	const char *name;
} formats[] = {
        {"%PDF-", 5, "a PDF document"},
        {"PK\x03\x04", 4, "a ZIP archive (a .docx, .odt or .zip file)"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8,
         "a Microsoft Office document (.doc)"},
        {"\x89PNG", 4, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"},
        {"GIF8", 4, "a GIF image"},
        {"\x1F\x8B", 2, "a gzip file"},
};

#define SNIFF_HEAD 8192u /* bytes looked at for controls and NULs */

/* Control bytes that no text file holds (NUL, and the C0 controls but
 * tab, line feed, vertical tab, form feed, carriage return and escape). */
static int binary_byte(uint8_t b)
{
	return b < 0x20 && b != '\t' && b != '\n' && b != '\v' && b != '\f' &&
	       b != '\r' && b != 0x1B;
}

static enum ags_text_kind sniff_binary(const uint8_t *in, size_t n,
                                       const char **what)
{
	size_t i, head = n < SNIFF_HEAD ? n : SNIFF_HEAD, ctl = 0;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (n >= formats[i].len &&
		    memcmp(in, formats[i].magic, formats[i].len) == 0) {
			*what = formats[i].name;
			return AGS_TEXT_BINARY;
		}
	if (n >= 2 && ((in[0] == 0xFF && in[1] == 0xFE) ||
	               (in[0] == 0xFE && in[1] == 0xFF))) {
		*what = "utf-16";
		return AGS_TEXT_UTF16;
	}
	for (i = 0; i < head; i++)
		ctl += (size_t)binary_byte(in[i]);
	/* Four control bytes or NULs, and more than one in a hundred: no
	 * text (a stray one in a text is named where it stands). */
	if (ctl >= 4 && ctl * 100 > head) {
		*what = "binary data";
		return AGS_TEXT_BINARY;
	}
	return AGS_TEXT_PLAIN;
}

enum ags_text_kind ags_text_sniff(const uint8_t *in, size_t n,
                                  const char **what)
{
	const char *name = NULL;
	enum ags_text_kind k = in ? sniff_binary(in, n, &name) : AGS_TEXT_PLAIN;
	size_t i = 0, len, valid = 0, invalid = 0, c1 = 0;
	uint32_t cp;

	while (k == AGS_TEXT_PLAIN && i < n) {
		if (in[i] < 0x80) {
			i++;
			continue;
		}
		len = ags_utf8_next(in + i, n - i, &cp);
		if (len > 0) {
			valid++;
			i += len;
			continue;
		}
		invalid++;
		c1 += (size_t)(in[i] < 0xA0);
		i++;
	}
	/* Bytes above 0x7F that are never UTF-8, and none that is: a text
	 * of one byte a character. Latin-1 has no printable 0x80..0x9F,
	 * Windows-1252 has its quotes and dashes there. */
	if (k == AGS_TEXT_PLAIN && invalid > 0 && valid == 0) {
		k = AGS_TEXT_LATIN1;
		name = c1 ? "windows-1252" : "latin1";
	}
	if (what)
		*what = name;
	return k;
}

static enum ags_err scan_fail(const struct scan *s, const char *fmt, ...)
        AGS_PRINTF(2, 3);

/* Refuses the text at the current position (line, column of in[i]);
 * bytes that are no text at all are refused as a whole instead. */
static enum ags_err scan_fail(const struct scan *s, const char *fmt, ...)
{
	char msg[160];
	const char *what = NULL;
	va_list ap;

	switch (ags_text_sniff(s->in, s->n, &what)) {
	case AGS_TEXT_BINARY:
		return ags_error_set(s->err, AGS_ERR_TEXT, s->source, 0, 0,
		                     "%s, not text: an agreement must be plain "
		                     "UTF-8 text",
		                     what);
	case AGS_TEXT_UTF16:
		return ags_error_set(s->err, AGS_ERR_TEXT, s->source, 0, 0,
		                     "UTF-16 text: an agreement must be UTF-8 "
		                     "text");
	default: break;
	}
	va_start(ap, fmt);
	ags_vbounded(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ags_error_set(s->err, AGS_ERR_TEXT, s->source, s->line,
	                     s->col + 1, "%s", msg);
}

/* General_Category Cc, minus the three line-structure characters. */
static int is_control(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return cp >= 0x7F && cp <= 0x9F;
}

/* Refuses decoded code points that text/v1 does not accept. */
static enum ags_err check_cp(const struct scan *s, uint32_t cp)
{
	if (is_control(cp))
		return scan_fail(s, "control character U+%04X is not allowed",
		                 (unsigned)cp);
	/* A second BOM would survive as text but be stripped when the
	 * canonical text is canonicalized again: refuse it, keep idempotency.
	 */
	if (cp == 0xFEFF)
		return scan_fail(s, "byte order mark U+FEFF is only allowed at "
		                    "the start of the text");
	if (!ags_unicode_assigned(cp))
		return scan_fail(s,
		                 "code point U+%04X is not assigned in Unicode "
		                 "%s",
		                 (unsigned)cp, AGS_UNICODE_VERSION);
	return AGS_OK;
}

/* Refuses the bytes at in[i], which are not UTF-8, saying why. */
static enum ags_err bad_utf8(const struct scan *s)
{
	enum ags_utf8_bad bad = ags_utf8_why(s->in + s->i, s->n - s->i);
	const char *enc = NULL, *hint = "";

	if (ags_text_sniff(s->in, s->n, &enc) == AGS_TEXT_LATIN1)
		hint = strcmp(enc, "latin1") == 0
		               ? "; the text is not UTF-8 but looks like "
		                 "Latin-1 (ISO 8859-1)"
		               : "; the text is not UTF-8 but looks like "
		                 "Windows-1252";
	if (bad == AGS_UTF8_BYTE)
		return scan_fail(s, "invalid UTF-8: byte 0x%02X never occurs%s",
		                 (unsigned)s->in[s->i], hint);
	return scan_fail(s, "invalid UTF-8: %s%s", utf8_why[bad], hint);
}

static enum ags_err scan_multibyte(struct scan *s)
{
	uint32_t cp = 0;
	size_t len;
	enum ags_err rc;

	len = ags_utf8_next(s->in + s->i, s->n - s->i, &cp);
	if (len == 0)
		return bad_utf8(s);
	rc = check_cp(s, cp);
	if (rc != AGS_OK)
		return rc;
	memcpy(s->out + s->o, s->in + s->i, len);
	s->o += len;
	s->i += len;
	s->col++;
	if (cp >= 0x300)
		s->stable = 0;
	return AGS_OK;
}

/* One character or line end; lines are counted as the reader sees them. */
static enum ags_err scan_one(struct scan *s)
{
	uint8_t b = s->in[s->i];

	if (b >= 0x80)
		return scan_multibyte(s);
	if (b == '\n' || b == '\r') {
		s->i++;
		if (b == '\r' && s->i < s->n && s->in[s->i] == '\n')
			s->i++;
		s->out[s->o++] = '\n';
		s->line++;
		s->col = 0;
		return AGS_OK;
	}
	if (is_control(b))
		return scan_fail(s, "control character U+%04X is not allowed",
		                 (unsigned)b);
	s->out[s->o++] = (char)b;
	s->i++;
	s->col++;
	return AGS_OK;
}

#define ONES  0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* 1 when each of the 8 bytes at p is printable ASCII (0x20 to 0x7E). A
 * byte below 0x20 sets its high bit in (w - 0x20..) & ~w, one of 0x7F or
 * more in (w + 0x01..) | w; a borrow or carry into the next byte starts
 * only at a byte so flagged. So no flag, no such byte. */
static inline int printable8(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return ((((w - ONES * 0x20) & ~w) | (w + ONES) | w) & HIGHS) == 0;
}

/* Copies the run of printable ASCII at in[i] (most of any agreement),
 * which needs no other check; 8 bytes at a time while it can. */
static void scan_plain(struct scan *s)
{
	size_t k = s->i;

	while (k + 8 <= s->n && printable8(s->in + k))
		k += 8;
	while (k < s->n && s->in[k] >= 0x20 && s->in[k] < 0x7F)
		k++;
	memcpy(s->out + s->o, s->in + s->i, k - s->i);
	s->o += k - s->i;
	s->col += (long)(k - s->i);
	s->i = k;
}

/* Steps 3 and 4: validates in[0..n) and writes it with LF line ends to
 * out (room for n bytes); *out_len gets the length, *stable whether NFC
 * can be skipped. */
static enum ags_err scan_input(char *out, size_t *out_len, int *stable,
                               const uint8_t *in, size_t n, const char *source,
                               struct ags_error *err)
{
	struct scan s = {.in = in,
	                 .n = n,
	                 .out = out,
	                 .line = 1,
	                 .stable = 1,
	                 .source = source,
	                 .err = err};
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && s.i < s.n) {
		scan_plain(&s);
		if (s.i < s.n)
			rc = scan_one(&s);
	}
	*out_len = s.o;
	*stable = s.stable;
	return rc;
}

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

/* Replaces *buf (len bytes) by its NFC form, with room for 2 more bytes. */
static enum ags_err nfc(char **buf, size_t *len, const char *source,
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

/* Steps 6 to 8 in place on LF-only text; buf has room for len + 2 bytes
 * (a final LF and the NUL). The write position never passes the read
 * position, so memmove within one buffer is safe. Returns the new length;
 * 0 means nothing but blanks. */
static size_t tidy_lines(char *buf, size_t len)
{
	size_t r = 0, w = 0, end, e;
	int blank_pending = 0;

	while (r < len) {
		const char *nl = memchr(buf + r, '\n', len - r);

		end = nl ? (size_t)(nl - buf) : len;
		e = end;
		while (e > r && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
			e--;
		if (e == r) {
			blank_pending = w > 0; /* leading blanks vanish */
		} else {
			if (blank_pending)
				buf[w++] = '\n';
			blank_pending = 0;
			memmove(buf + w, buf + r, e - r);
			w += e - r;
			buf[w++] = '\n';
		}
		r = end + 1;
	}
	buf[w] = '\0';
	return w;
}

static int has_bom(const uint8_t *in, size_t n)
{
	return n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF;
}

enum ags_err ags_canon_text(char **out, size_t *out_len, const uint8_t *in,
                            size_t in_len, const char *source,
                            struct ags_error *err)
{
	enum ags_err rc;
	size_t len = 0;
	int stable = 1;
	char *buf;

	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!out || (!in && in_len > 0))
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "canonicalization needs an output and "
		                     "an input buffer");
	if (in_len > AGS_TEXT_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, source, 0, 0,
		                     "agreement text is larger than %u bytes",
		                     AGS_TEXT_MAX);
	if (has_bom(in, in_len)) {
		in += 3;
		in_len -= 3;
	}
	buf = malloc(in_len + 2);
	if (!buf)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory reading agreement text");
	rc = scan_input(buf, &len, &stable, in, in_len, source, err);
	if (rc == AGS_OK && !stable)
		rc = nfc(&buf, &len, source, err);
	if (rc == AGS_OK && (len = tidy_lines(buf, len)) == 0)
		rc = ags_error_set(err, AGS_ERR_TEXT, source, 0, 0,
		                   "agreement text is empty");
	if (rc != AGS_OK) {
		free(buf);
		return rc;
	}
	*out = buf;
	if (out_len)
		*out_len = len;
	return AGS_OK;
}
