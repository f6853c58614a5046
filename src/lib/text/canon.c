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
 * otherwise; nfc.c), and tidy (line ends, blank lines, final LF) in
 * place. What refused bytes seem to be, for the error, is sniff.c's.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		rc = ags_canon_nfc(&buf, &len, source, err);
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
