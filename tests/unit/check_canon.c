/* text/v1 canonical text (src/canon.c) and the Unicode 15.0.0 assigned
 * table (src/unicode_assigned.c). Every accepted case is also checked for
 * idempotency and for ending in exactly one LF. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "agreesign.h"
#include "internal.h"
#include "test_util.h"

/* Unicode 15.0.0 assigns 149,186 characters, 137,468 private-use code
 * points, 2,048 surrogates and 65 controls: the code points not Cn. */
#define UNICODE15_ASSIGNED 288767L

/* ---- helpers ---------------------------------------------------------- */

static void assert_one_final_lf(const char *s, size_t n)
{
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(strlen(s), n);
	ck_assert_int_eq(s[n - 1], '\n');
	ck_assert_msg(n == 1 || s[n - 2] != '\n', "more than one final LF");
}

/* Canonicalizes in[0..len) and expects success; checks the output's shape
 * and that canonicalizing it again changes nothing. Caller frees. */
static char *canon_len(const void *in, size_t len)
{
	struct ags_error err;
	char *out = NULL, *again = NULL;
	size_t n = 0, n2 = 0;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_canon_text(&out, &n, in, len, "test", &err);
	ck_assert_msg(rc == AGS_OK, "refused: %s (line %ld column %ld)",
	              err.text, err.line, err.column);
	ck_assert_ptr_nonnull(out);
	assert_one_final_lf(out, n);
	rc = ags_canon_text(&again, &n2, (const uint8_t *)out, n, "test", &err);
	ck_assert_int_eq(rc, AGS_OK);
	ck_assert_uint_eq(n2, n);
	ck_assert_msg(memcmp(again, out, n) == 0, "not idempotent");
	free(again);
	return out;
}

static char *canon(const char *in)
{
	return canon_len(in, strlen(in));
}

static void assert_canon(const char *in, const char *expect)
{
	char *out = canon(in);

	ck_assert_str_eq(out, expect);
	free(out);
}

static void assert_same(const char *a, const char *b)
{
	char *ca = canon(a), *cb = canon(b);

	ck_assert_str_eq(ca, cb);
	free(ca);
	free(cb);
}

static void assert_differ(const char *a, const char *b)
{
	char *ca = canon(a), *cb = canon(b);

	ck_assert_str_ne(ca, cb);
	free(ca);
	free(cb);
}

/* Expects AGS_ERR_TEXT at line:column with exactly the message text. */
static void assert_refused(const void *in, size_t len, long line, long col,
                           const char *text)
{
	struct ags_error err;
	char sentinel, *out = &sentinel;
	size_t n = 99;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_canon_text(&out, &n, in, len, "agreement.txt", &err);
	ck_assert_int_eq(rc, AGS_ERR_TEXT);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(err.code, AGS_ERR_TEXT);
	ck_assert_str_eq(err.source, "agreement.txt");
	ck_assert_str_eq(err.text, text);
	ck_assert_int_eq(err.line, line);
	ck_assert_int_eq(err.column, col);
}

static size_t put_utf8(char *dst, uint32_t cp)
{
	return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
	                                    (utf8proc_uint8_t *)dst);
}

/* A copy of s with every occurrence of from replaced by to. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), count = 0, o = 0;
	const char *p;
	char *out;

	for (p = strstr(s, from); p; p = strstr(p + nf, from))
		count++;
	out = malloc(strlen(s) + count * nt + 1);
	ck_assert_ptr_nonnull(out);
	for (p = s; *p;) {
		if (strncmp(p, from, nf) == 0) {
			memcpy(out + o, to, nt);
			o += nt;
			p += nf;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

static char *concat3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *out = malloc(na + nb + nc + 1);

	ck_assert_ptr_nonnull(out);
	memcpy(out, a, na);
	memcpy(out + na, b, nb);
	memcpy(out + na + nb, c, nc + 1);
	return out;
}

/* ---- normalization rules ---------------------------------------------- */

START_TEST(test_bom)
{
	assert_canon("\xEF\xBB\xBFhello", "hello\n");
	assert_same("\xEF\xBB\xBFhello\n", "hello\n");
	assert_canon("\xEF\xBB\xBF\n\nhello\n", "hello\n");
	/* Only at the very start; elsewhere it is refused (idempotency). */
	assert_refused("a\xEF\xBB\xBF", 4, 1, 2,
	               "byte order mark U+FEFF is only allowed at the start "
	               "of the text");
	assert_refused("\xEF\xBB\xBF\xEF\xBB\xBFx", 7, 1, 1,
	               "byte order mark U+FEFF is only allowed at the start "
	               "of the text");
	assert_refused("\n\xEF\xBB\xBFx", 5, 2, 1,
	               "byte order mark U+FEFF is only allowed at the start "
	               "of the text");
	/* A cut BOM is just invalid UTF-8. */
	assert_refused("\xEF\xBBx", 3, 1, 1,
	               "invalid UTF-8: truncated sequence; the text is not "
	               "UTF-8 but looks like Latin-1 (ISO 8859-1)");
}
END_TEST

START_TEST(test_line_ends)
{
	assert_canon("a\r\nb\rc\nd", "a\nb\nc\nd\n");
	assert_same("one\r\ntwo\r\n", "one\ntwo\n");
	assert_same("one\rtwo\r", "one\ntwo\n");
	assert_same("one\r\n\r\ntwo", "one\n\ntwo\n");
	assert_canon("a\r\rb", "a\n\nb\n");
	assert_canon("a\n\rb", "a\n\nb\n"); /* LF CR is two line ends */
	assert_canon("a\r", "a\n");
}
END_TEST

START_TEST(test_nfc)
{
	/* é: decomposed and precomposed */
	assert_same("caf\x65\xCC\x81\n", "caf\xC3\xA9\n");
	assert_canon("caf\x65\xCC\x81", "caf\xC3\xA9\n");
	/* Hangul jamo HIEUH A NIEUN compose to U+D55C */
	assert_canon("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C\n");
	assert_same("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C");
	/* canonical order: U+0307 (ccc 230) after U+0323 (ccc 220) */
	assert_canon("q\xCC\x87\xCC\xA3", "q\xCC\xA3\xCC\x87\n");
	/* singletons: ANGSTROM SIGN -> U+00C5, OHM SIGN -> U+03A9 */
	assert_canon("\xE2\x84\xAB \xE2\x84\xA6", "\xC3\x85 \xCE\xA9\n");
	/* composition exclusion: U+0958 stays decomposed */
	assert_canon("\xE0\xA5\x98", "\xE0\xA4\x95\xE0\xA4\xBC\n");
	/* compatibility characters are not folded (NFC, not NFKC) */
	assert_canon("\xEF\xAC\x81 \xEF\xBC\xA1 \xC2\xB2", /* fi A 2 */
	             "\xEF\xAC\x81 \xEF\xBC\xA1 \xC2\xB2\n");
	/* a combining mark at a line start does not reach across the LF */
	assert_canon("e\n\xCC\x81x", "e\n\xCC\x81x\n");
}
END_TEST

START_TEST(test_trailing_blanks)
{
	assert_canon("a  \t \nb\t\n", "a\nb\n");
	assert_canon("a \r\nb \rc ", "a\nb\nc\n");
	assert_same("line one   \nline two\t\t\n", "line one\nline two\n");
	/* only U+0020 and U+0009: NBSP and IDEOGRAPHIC SPACE stay */
	assert_canon("a\xC2\xA0\n", "a\xC2\xA0\n");
	assert_canon("a\xE3\x80\x80 \n", "a\xE3\x80\x80\n");
	/* indentation and inner spaces stay */
	assert_canon("  a\n\tb  c\n", "  a\n\tb  c\n");
	assert_canon(" \t x", " \t x\n");
}
END_TEST

START_TEST(test_blank_lines)
{
	assert_canon("\n\n  \na\n\n\n\t\nb\n\n\n", "a\n\nb\n");
	assert_canon("a\n \n\t\n  \nb", "a\n\nb\n");
	assert_canon("a\n\nb\n\nc", "a\n\nb\n\nc\n");
	assert_same("\r\n\r\na\r\n\r\n\r\nb\r\n\r\n", "a\n\nb");
	/* a line of NBSP is not blank */
	assert_canon("a\n\xC2\xA0\nb", "a\n\xC2\xA0\nb\n");
}
END_TEST

START_TEST(test_final_lf)
{
	assert_canon("a", "a\n");
	assert_canon("a\n", "a\n");
	assert_canon("a\n\n\n", "a\n");
	assert_canon("a\n \t\n", "a\n");
	assert_canon("\xC3\xA9", "\xC3\xA9\n");
}
END_TEST

START_TEST(test_empty)
{
	static const char *const blank[] = {
	        "",       "\n",           " \t\r\n",
	        "\r\r\r", "\xEF\xBB\xBF", "\xEF\xBB\xBF \n",
	};
	size_t i;

	for (i = 0; i < sizeof(blank) / sizeof(blank[0]); i++)
		assert_refused(blank[i], strlen(blank[i]), 0, 0,
		               "agreement text is empty");
}
END_TEST

START_TEST(test_changes_matter)
{
	const char *base = "The Author grants the Publisher a licence.\n\n"
	                   "Signed in Paris.\n";

	assert_differ(base, "The Author grants the Publisher a license.\n\n"
	                    "Signed in Paris.\n");
	assert_differ(base, "The Author grants the Publisher a licence;\n\n"
	                    "Signed in Paris.\n");
	assert_differ(base, "The Author grants the Publisher\na licence.\n\n"
	                    "Signed in Paris.\n");
	assert_differ(base, "The Author grants the Publisher a licence.\n"
	                    "Signed in Paris.\n");
	assert_differ(base, "The author grants the Publisher a licence.\n\n"
	                    "Signed in Paris.\n");
	assert_differ(base, "The Author grants the Publisher  a licence.\n\n"
	                    "Signed in Paris.\n");
	assert_differ(base, " The Author grants the Publisher a licence.\n\n"
	                    "Signed in Paris.\n");
	assert_differ("caf\xC3\xA9\n", "cafe\n");
}
END_TEST

/* ---- refusals ---------------------------------------------------------- */

struct bad_case {
	const char *in;
	size_t len;
	long line, col;
	const char *text;
};

#define BAD(s, l, c, t)                                                        \
	{                                                                      \
		s, sizeof(s) - 1, l, c, "invalid UTF-8: " t                    \
	}
/* A text with bytes above 0x7F and no UTF-8 sequence at all is named as
 * one of one byte a character (ags_text_sniff), Windows-1252 when a byte
 * 0x80..0x9F is among them (issue 15, item 14). */
#define BADL(s, l, c, t)                                                       \
	BAD(s, l, c,                                                           \
	    t "; the text is not UTF-8 but looks like Latin-1 (ISO 8859-1)")
#define BADW(s, l, c, t)                                                       \
	BAD(s, l, c, t "; the text is not UTF-8 but looks like Windows-1252")

static const struct bad_case bad_utf8[] = {
        BADW("ab\x80", 1, 3, "unexpected continuation byte"),
        BAD("\xC3\xA9\xA9", 1, 2, "unexpected continuation byte"),
        BADL("\xBF", 1, 1, "unexpected continuation byte"),
        BADL("\xC0\xAF", 1, 1, "overlong encoding"),
        BADL("x\xC1\xBF", 1, 2, "overlong encoding"),
        BADW("x\xE0\x80\xAF", 1, 2, "overlong encoding"),
        BADW("\xE0\x9F\xBF", 1, 1, "overlong encoding"),
        BADW("\xF0\x80\x80\xAF", 1, 1, "overlong encoding"),
        BADW("\xF0\x8F\xBF\xBF", 1, 1, "overlong encoding"),
        BADW("\xED\xA0\x80", 1, 1, "surrogate code point"),
        BADL("a\xED\xBF\xBF", 1, 2, "surrogate code point"),
        BADW("\xED\xA0\xBD\xED\xB8\x80", 1, 1, "surrogate code point"),
        BADW("\xF4\x90\x80\x80", 1, 1, "code point above U+10FFFF"),
        BADW("\xF5\x80\x80\x80", 1, 1, "code point above U+10FFFF"),
        BADL("\xF7\xBF\xBF\xBF", 1, 1, "code point above U+10FFFF"),
        BADW("\xF8\x88\x80\x80\x80", 1, 1, "byte 0xF8 never occurs"),
        BADL("ok\xFF", 1, 3, "byte 0xFF never occurs"),
        BADL("\xFE", 1, 1, "byte 0xFE never occurs"),
        BADL("\xC3", 1, 1, "truncated sequence"),
        BADL("\xC3"
             "A",
             1, 1, "truncated sequence"),
        BADW("x\xE2\x82", 1, 2, "truncated sequence"),
        BADW("\xE2\x82"
             "A",
             1, 1, "truncated sequence"),
        BADW("\xF0\x9F\x98", 1, 1, "truncated sequence"),
        BADW("\xF0\x9F\x98\n", 1, 1, "truncated sequence"),
        BADL("\xE2\n", 1, 1, "truncated sequence"),
        /* positions: LF, CRLF and lone CR end lines; columns count code
         * points; the BOM is not counted */
        BAD("one\r\ntwo\rth\xC3\xA9\xC3", 3, 4, "truncated sequence"),
        BADW("a\nb\nc\n\n\x80", 5, 1, "unexpected continuation byte"),
        BAD("\xE2\x82\xAC\xF0\x9F\x98\x80x\x80", 1, 4,
            "unexpected continuation byte"),
        BADL("\xEF\xBB\xBF"
             "ab\xFF",
             1, 3, "byte 0xFF never occurs"),
        BADW("\r\r\n\r\t\xC0\x80", 4, 2, "overlong encoding"),
};

START_TEST(test_invalid_utf8)
{
	const struct bad_case *c = &bad_utf8[_i];

	assert_refused(c->in, c->len, c->line, c->col, c->text);
}
END_TEST

/* Files that are no text at all are refused as a whole, named by their
 * format; a Latin-1 or Windows-1252 text says so (issue 15, item 14). */
START_TEST(test_not_text)
{
	static const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n";
	static const char docx[] = "PK\x03\x04\x14\x00\x06\x00word/";
	static const char nul[] = "te\0xt\0mo\0re\0 text\n";
	static const char utf16[] = "\xFF\xFEh\0i\0\n\0";
	static const char latin1[] = "Title: Caf\xE9 cr\xE8me\n";
	static const char cp1252[] = "He said \x93yes\x94 to caf\xE9\n";
	static const char mixed[] = "caf\xC3\xA9 and caf\xE9\n";
	char ctl[200];
	const char *what = (const char *)1;

	assert_refused(pdf, sizeof(pdf) - 1, 0, 0,
	               "a PDF document, not text: an agreement must be plain "
	               "UTF-8 text");
	assert_refused(docx, sizeof(docx) - 1, 0, 0,
	               "a ZIP archive (a .docx, .odt or .zip file), not text: "
	               "an agreement must be plain UTF-8 text");
	assert_refused(nul, sizeof(nul) - 1, 0, 0,
	               "binary data, not text: an agreement must be plain "
	               "UTF-8 text");
	assert_refused(utf16, sizeof(utf16) - 1, 0, 0,
	               "UTF-16 text: an agreement must be UTF-8 text");
	assert_refused(latin1, sizeof(latin1) - 1, 1, 11,
	               "invalid UTF-8: truncated sequence; the text is not "
	               "UTF-8 but looks like Latin-1 (ISO 8859-1)");
	assert_refused(cp1252, sizeof(cp1252) - 1, 1, 9,
	               "invalid UTF-8: unexpected continuation byte; the text "
	               "is not UTF-8 but looks like Windows-1252");
	/* UTF-8 with one stray byte is no Latin-1 text */
	assert_refused(mixed, sizeof(mixed) - 1, 1, 13,
	               "invalid UTF-8: truncated sequence");
	/* a few control bytes in a text: the first; four and more than
	 * one in a hundred: no text */
	memset(ctl, 'a', sizeof(ctl));
	ctl[50] = 0x01;
	ctl[60] = ctl[70] = 0x02;
	assert_refused(ctl, sizeof(ctl), 1, 51,
	               "control character U+0001 is not allowed");
	ctl[80] = 0x00;
	assert_refused(ctl, sizeof(ctl), 0, 0,
	               "binary data, not text: an agreement must be plain "
	               "UTF-8 text");
	/* ags_text_sniff itself */
	ck_assert_int_eq(
	        ags_text_sniff((const uint8_t *)pdf, sizeof(pdf) - 1, &what),
	        AGS_TEXT_BINARY);
	ck_assert_str_eq(what, "a PDF document");
	ck_assert_int_eq(ags_text_sniff((const uint8_t *)latin1,
	                                sizeof(latin1) - 1, &what),
	                 AGS_TEXT_LATIN1);
	ck_assert_str_eq(what, "latin1");
	ck_assert_int_eq(ags_text_sniff((const uint8_t *)cp1252,
	                                sizeof(cp1252) - 1, &what),
	                 AGS_TEXT_LATIN1);
	ck_assert_str_eq(what, "windows-1252");
	ck_assert_int_eq(
	        ags_text_sniff((const uint8_t *)utf16, sizeof(utf16) - 1, NULL),
	        AGS_TEXT_UTF16);
	ck_assert_int_eq(ags_text_sniff((const uint8_t *)"plain\n", 6, &what),
	                 AGS_TEXT_PLAIN);
	ck_assert_ptr_null(what);
	ck_assert_int_eq(ags_text_sniff(NULL, 0, NULL), AGS_TEXT_PLAIN);
}
END_TEST

/* The 62 Cc code points that are not TAB, LF or CR (loop index). */
static uint32_t control_at(int i)
{
	static const uint32_t ok[] = {0x09, 0x0A, 0x0D};
	uint32_t cp = 0;
	int seen = -1;

	for (;; cp = cp == 0x1F ? 0x7F : cp + 1) {
		if (cp != ok[0] && cp != ok[1] && cp != ok[2] && ++seen == i)
			return cp;
	}
}

START_TEST(test_control_chars)
{
	char in[16], msg[64];
	uint32_t cp = control_at(_i);
	size_t n;

	memcpy(in, "x\r\nab", 5);
	n = 5 + put_utf8(in + 5, cp);
	in[n++] = 'z';
	snprintf(msg, sizeof(msg), "control character U+%04X is not allowed",
	         (unsigned)cp);
	assert_refused(in, n, 2, 3, msg);
}
END_TEST

START_TEST(test_nul_byte)
{
	assert_refused("a\0b", 3, 1, 2,
	               "control character U+0000 is not allowed");
	assert_canon("a\tb", "a\tb\n");
}
END_TEST

static const uint32_t unassigned[] = {
        0x0378,  0xFFFE,   0xFFFF,   0xFDD0,  0xFDEF,  0x1FFFE,
        0xE0080, 0x10FFFF, 0x10FFFE, 0x2FFFE, 0x323B0, 0xFFFFE,
};

START_TEST(test_unassigned)
{
	char in[16], msg[80];
	uint32_t cp = unassigned[_i];
	size_t n;

	ck_assert_int_eq(ags_unicode_assigned(cp), 0);
	memcpy(in, "\n\n\xC3\xA9", 4);
	n = 4 + put_utf8(in + 4, cp);
	snprintf(msg, sizeof(msg),
	         "code point U+%04X is not assigned in Unicode 15.0.0",
	         (unsigned)cp);
	assert_refused(in, n, 3, 2, msg);
}
END_TEST

START_TEST(test_private_use_and_format)
{
	/* Co: U+E000, U+F0000, U+10FFFD; Cf: U+200B, U+00AD, U+E0001 */
	assert_canon("\xEE\x80\x80", "\xEE\x80\x80\n");
	assert_canon("\xF3\xB0\x80\x80", "\xF3\xB0\x80\x80\n");
	assert_canon("\xF4\x8F\xBF\xBD", "\xF4\x8F\xBF\xBD\n");
	assert_canon("a\xE2\x80\x8B"
	             "b\xC2\xAD\xF3\xA0\x80\x81",
	             "a\xE2\x80\x8B"
	             "b\xC2\xAD\xF3\xA0\x80\x81\n");
	/* the newest Unicode 15.0 ideographs (CJK Extension H) */
	assert_canon("\xF0\xB1\x8D\x90", "\xF0\xB1\x8D\x90\n");
}
END_TEST

START_TEST(test_too_large)
{
	size_t n = AGS_TEXT_MAX + 1, i;
	uint8_t *big = malloc(n);
	struct ags_error err;
	char sentinel, *out = &sentinel;
	size_t len;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = i % 64 == 63 ? '\n' : 'a';
	ags_error_clear(&err);
	ck_assert_int_eq(ags_canon_text(&out, &len, big, n, "big", &err),
	                 AGS_ERR_TOO_LARGE);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.code, AGS_ERR_TOO_LARGE);
	/* exactly at the limit is accepted */
	ck_assert_int_eq(ags_canon_text(&out, &len, big, n - 1, "big", NULL),
	                 AGS_OK);
	ck_assert_uint_eq(len, n - 1);
	ck_assert_int_eq(memcmp(out, big, len), 0);
	free(out);
	free(big);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct ags_error err;
	size_t len;
	char *out;

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_canon_text(NULL, &len, (const uint8_t *)"a", 1, NULL, &err),
	        AGS_ERR_INVALID);
	ck_assert_int_eq(ags_canon_text(&out, &len, NULL, 1, NULL, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(out);
	/* NULL err is allowed on failure too */
	ck_assert_int_eq(ags_canon_text(&out, &len, (const uint8_t *)"\x80", 1,
	                                NULL, NULL),
	                 AGS_ERR_TEXT);
}
END_TEST

/* ---- ASCII fast path --------------------------------------------------- */

static const char *const ascii_samples[] = {
        "plain\n",
        "  indented\tand\ttabbed  \r\n\r\n\r\nsecond paragraph\r",
        "\n\n!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ \n\n\n",
        "a\n\n\nb\n \n\t\nc",
};

/* A non-ASCII paragraph after a blank line forces NFC over the whole text;
 * NFC never crosses a line end, so the ASCII part must come out the same. */
/* Every ASCII byte at every offset of a long line: the scanner reads 8
 * bytes at a time, so a byte it lets through must be refused wherever it
 * sits in a word. Refused exactly when text/v1 calls it a control. */
START_TEST(test_every_ascii_byte_everywhere)
{
	char in[40], *out = NULL;
	size_t pos, n = 0;
	unsigned b;

	for (b = 0; b < 0x80; b++) {
		int ok = (b >= 0x20 && b < 0x7F) || b == '\t' || b == '\n' ||
		         b == '\r';
		for (pos = 0; pos < 32; pos++) {
			memset(in, 'a', sizeof(in));
			in[pos] = (char)b;
			ck_assert_msg((ags_canon_text(&out, &n, (uint8_t *)in,
			                              sizeof(in), "t",
			                              NULL) == AGS_OK) == ok,
			              "byte 0x%02X at %zu", b, pos);
			free(out);
			out = NULL;
		}
	}
}
END_TEST

START_TEST(test_ascii_fast_path)
{
	const char *x = ascii_samples[_i];
	size_t n = strlen(x);
	char *with = malloc(n + 8), *fast, *slow, *expect;

	ck_assert_ptr_nonnull(with);
	memcpy(with, x, n);
	memcpy(with + n, "\n\n\xC3\xA9", 5);
	fast = canon(x);
	slow = canon(with);
	expect = concat3(fast, "\n\xC3\xA9\n", "");
	ck_assert_str_eq(slow, expect);
	free(with);
	free(fast);
	free(slow);
	free(expect);
}
END_TEST

/* NFC is the identity on every ASCII character. */
START_TEST(test_ascii_nfc_identity)
{
	utf8proc_uint8_t in[128], *res = NULL;
	utf8proc_ssize_t n;
	int i;

	for (i = 0; i < 128; i++)
		in[i] = (utf8proc_uint8_t)(i == 0 ? ' ' : i);
	n = utf8proc_map(in, 128, &res, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	ck_assert_int_eq(n, 128);
	ck_assert_int_eq(memcmp(res, in, 128), 0);
	free(res);
}
END_TEST

/* ---- chunked NFC equals utf8proc_map over the whole text -------------- */

/* The premise of the chunking in src/canon.c: an ASCII character has
 * combining class 0, no decomposition, and is never a non-first part of
 * any canonical decomposition (so never the second of a composition). */
START_TEST(test_nfc_ascii_boundary)
{
	utf8proc_int32_t d[32];
	utf8proc_int32_t cp;
	long bad = 0;

	for (cp = 0; cp < 0x80; cp++) {
		const utf8proc_property_t *p = utf8proc_get_property(cp);

		ck_assert_int_eq(p->combining_class, 0);
		ck_assert_int_eq(p->decomp_seqindex, UINT16_MAX);
	}
	/* counted, not asserted each time: a million asserts are slow */
	for (cp = 0x80; cp <= 0x10FFFF; cp++) {
		int bc = 0;
		utf8proc_ssize_t n, k;

		n = utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
		bad += n < 1 || n > 32;
		for (k = 1; k < n && k < 32; k++)
			bad += d[k] < 0x80;
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* The premise of ags_nfc_trivial (src/field.c), which lets text made only
 * of code points below U+0300 skip NFC: each of them has combining class
 * 0, is its own NFC, and is never a non-first part of any canonical
 * decomposition (so never the second of a composition). */
START_TEST(test_nfc_below_0300)
{
	utf8proc_int32_t d[32], cp;
	long bad = 0;

	for (cp = 0x80; cp < 0x300; cp++) {
		utf8proc_uint8_t in[4], *res = NULL;
		utf8proc_ssize_t n = utf8proc_encode_char(cp, in);

		ck_assert_int_eq(utf8proc_get_property(cp)->combining_class, 0);
		ck_assert_int_eq(
		        utf8proc_map(in, n, &res,
		                     UTF8PROC_STABLE | UTF8PROC_COMPOSE),
		        n);
		ck_assert_int_eq(memcmp(res, in, (size_t)n), 0);
		free(res);
		ck_assert(ags_nfc_trivial((const char *)in, (size_t)n));
	}
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		int bc = 0;
		utf8proc_ssize_t n, k;

		n = utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
		for (k = 1; k < n && k < 32; k++)
			bad += d[k] < 0x300;
	}
	ck_assert_int_eq(bad, 0);
	ck_assert(!ags_nfc_trivial("e\xCC\x81", 3));    /* U+0301 */
	ck_assert(!ags_nfc_trivial("\xE2\x84\xAB", 3)); /* U+212B */
}
END_TEST

/* Characters that exercise composition, reordering, Hangul, singletons,
 * exclusions, starter+starter compositions and blocking. */
static const uint32_t nfc_pool[] = {
        'a',     'e',     'o',     'A',    'u',    ' ',    '.',    '\t',
        0x0300,  0x0301,  0x0302,  0x0308, 0x0323, 0x0327, 0x031B, 0x0345,
        0x0307,  0x00E9,  0x1EC7,  0x01D7, 0x00C5, 0x212B, 0x2126, 0x0958,
        0x0915,  0x093C,  0x1100,  0x1161, 0x11A8, 0xAC00, 0xD55C, 0x1F80,
        0x03B1,  0x0313,  0x0CC6,  0x0CC2, 0x0CD5, 0x0B47, 0x0B3E, 0x09C7,
        0x09BE,  0x1025,  0x102E,  0x0D46, 0x0D3E, 0x00A0, 0xFB01, 0x4E00,
        0x1F600, 0x1D15E, 0x1D165, 0xFB2C, 0x05B7, 0x05BC, 0x0344, 0x0F73,
        0x0F71,  0x0F72,  0x3099,  0x304B, 0x304C, 0xE000, 0x200D,
};

/* xorshift32: a seeded, portable generator for reproducible cases. */
static uint32_t rnd(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* A random text that text/v1 leaves alone apart from NFC: LF line ends,
 * no line blank or ending in a space or tab, one final LF. */
static size_t random_text(char *buf, uint32_t *state)
{
	size_t o = 0, npool = sizeof(nfc_pool) / sizeof(nfc_pool[0]);
	uint32_t lines = 1 + rnd(state) % 4, l, k, len;

	for (l = 0; l < lines; l++) {
		len = rnd(state) % 24;
		for (k = 0; k < len; k++)
			o += put_utf8(buf + o, nfc_pool[rnd(state) % npool]);
		buf[o++] = 'x'; /* never blank, never a trailing blank */
		buf[o++] = '\n';
	}
	return o;
}

static void assert_equals_map(const char *in, size_t len, uint32_t seed)
{
	utf8proc_uint8_t *ref = NULL;
	utf8proc_ssize_t n;
	char *out = canon_len(in, len);

	n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
	                 &ref, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	ck_assert_int_ge(n, 0);
	ck_assert_msg(strcmp(out, (const char *)ref) == 0,
	              "seed %u: chunked NFC differs from utf8proc_map",
	              (unsigned)seed);
	free(ref);
	free(out);
}

/* Text mostly below U+0300 (the fast path) with now and then a mark or a
 * character that changes under NFC, so that both paths and the switch
 * between them are compared with utf8proc_map over the whole text. */
static const uint32_t latin_pool[] = {
        'a',    'n',    'A',    ' ',    0x00E9, 0x00F1, 0x00C5, 0x00DF,
        0x0107, 0x0141, 0x01D7, 0x01EA, 0x0259, 0x02BB, 0x02C7, 0x00A0,
        0x0131, 0x0300, 0x0301, 0x0308, 0x0327, 0x212B, 0x1E9E, 0x0344,
};

START_TEST(test_nfc_latin_equals_map)
{
	char buf[4 * 40 + 16];
	uint32_t seed, state, k, len;
	size_t o, npool = sizeof(latin_pool) / sizeof(latin_pool[0]);

	for (seed = 1; seed <= 3000; seed++) {
		state = seed * 2654435761u;
		len = rnd(&state) % 40;
		o = 0;
		for (k = 0; k < len; k++) {
			uint32_t r = rnd(&state);
			/* one pick in eight from the whole pool, else below
			 * U+0300 */
			o += put_utf8(buf + o,
			              latin_pool[r % 8 == 0 ? r / 8 % npool
			                                    : r / 8 % 16]);
		}
		buf[o++] = 'x';
		buf[o++] = '\n';
		assert_equals_map(buf, o, seed);
	}
}
END_TEST

START_TEST(test_nfc_equals_map)
{
	char buf[4 * 25 * 4 + 16];
	uint32_t seed, state;

	for (seed = 1; seed <= 3000; seed++) {
		state = seed * 2654435761u;
		assert_equals_map(buf, random_text(buf, &state), seed);
	}
}
END_TEST

/* Long non-ASCII runs grow the scratch space; U+0958 doubles in size. */
START_TEST(test_nfc_growth)
{
	size_t reps = 20000, i, o = 0;
	char *in = malloc(reps * 4 + 2), *out;

	ck_assert_ptr_nonnull(in);
	for (i = 0; i < reps; i++) {
		memcpy(in + o, i % 2 ? "e\xCC\x81" : "\xE0\xA5\x98", 3);
		o += 3;
	}
	in[o++] = '\n';
	assert_equals_map(in, o, 0);
	out = canon_len(in, o);
	ck_assert_uint_eq(strlen(out), reps / 2 * 2 + reps / 2 * 6 + 1);
	free(out);
	free(in);
}
END_TEST

/* Runs of combining marks of mixed classes, long enough for both ways of
 * sorting them (insertion up to 8 marks, counting beyond), in the order
 * utf8proc gives. */
START_TEST(test_nfc_mark_runs)
{
	/* classes 230, 220, 1, 240, 10, 129, 216, 230 */
	static const uint32_t marks[] = {0x0301, 0x0323, 0x0334, 0x0345,
	                                 0x05B0, 0x0F71, 0x031B, 0x0302};
	char buf[64 * 8 * 2 + 64];
	uint32_t seed, state, run, k;
	size_t o;

	for (seed = 1; seed <= 300; seed++) {
		state = seed * 2654435761u;
		o = 0;
		buf[o++] = 'a';
		for (run = 0; run < 3; run++) {
			for (k = rnd(&state) % 40; k > 0; k--)
				o += put_utf8(buf + o, marks[rnd(&state) % 8]);
			buf[o++] = run % 2 ? 'o' : 'e';
		}
		buf[o++] = '\n';
		assert_equals_map(buf, o, seed);
	}
}
END_TEST

/* Found by the hostile-input tests: utf8proc sorts a run of combining
 * marks by exchanges, so 400 KB of two alternating marks took minutes to
 * canonicalize (16 MB: days). Now linear: 100,000 marks well within the
 * test's time limit, giving what utf8proc gives for the same marks
 * already in order. */
START_TEST(test_nfc_long_mark_run)
{
	size_t pairs = 50000, i, n = 1 + 4 * pairs + 1;
	char *in = malloc(n), *sorted = malloc(n), *out;
	utf8proc_uint8_t *ref = NULL;
	utf8proc_ssize_t r;

	ck_assert(in && sorted);
	in[0] = sorted[0] = 'a';
	for (i = 0; i < pairs; i++) {
		memcpy(in + 1 + 4 * i, "\xCC\x81\xCC\xA3", 4); /* 230, 220 */
		memcpy(sorted + 1 + 2 * i, "\xCC\xA3", 2);
		memcpy(sorted + 1 + 2 * pairs + 2 * i, "\xCC\x81", 2);
	}
	in[n - 1] = sorted[n - 1] = '\n';
	out = canon_len(in, n);
	r = utf8proc_map((const utf8proc_uint8_t *)sorted, (utf8proc_ssize_t)n,
	                 &ref, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	ck_assert_int_gt(r, 0);
	ck_assert_str_eq(out, (const char *)ref);
	free(ref);
	free(out);
	free(sorted);
	free(in);
}
END_TEST

/* ---- the assigned table ------------------------------------------------ */

static int utf8proc_at_least_15(void)
{
	int major = 0;

	return sscanf(utf8proc_unicode_version(), "%d", &major) == 1 &&
	       major >= 15;
}

/* Compares the table with utf8proc over all code points. Mismatches are
 * counted, not asserted one by one: a million asserts are slow in Check. */
START_TEST(test_assigned_table)
{
	int pinned = strcmp(utf8proc_unicode_version(), "15.0.0") == 0;
	int newer = utf8proc_at_least_15();
	long total = 0, differ = 0, revoked = 0;
	uint32_t cp, first_bad = 0;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		int ours = ags_unicode_assigned(cp);
		int lib = utf8proc_category((utf8proc_int32_t)cp) !=
		          UTF8PROC_CATEGORY_CN;

		total += ours;
		if ((pinned && ours != lib) || (newer && ours && !lib)) {
			if (differ + revoked == 0)
				first_bad = cp;
			differ += pinned && ours != lib;
			revoked += newer && ours && !lib; /* never happens */
		}
	}
	ck_assert_msg(differ == 0,
	              "%ld code points differ from utf8proc %s, "
	              "first U+%04X",
	              differ, utf8proc_version(), (unsigned)first_bad);
	ck_assert_msg(revoked == 0,
	              "%ld assigned code points unassigned in "
	              "utf8proc %s, first U+%04X",
	              revoked, utf8proc_version(), (unsigned)first_bad);
	ck_assert_int_eq(total, UNICODE15_ASSIGNED);
}
END_TEST

START_TEST(test_assigned_edges)
{
	ck_assert_int_eq(ags_unicode_assigned(0x0000), 1);
	ck_assert_int_eq(ags_unicode_assigned(0x0377), 1);
	ck_assert_int_eq(ags_unicode_assigned(0x0378), 0);
	ck_assert_int_eq(ags_unicode_assigned(0xD800), 1); /* Cs, not Cn */
	ck_assert_int_eq(ags_unicode_assigned(0xE000), 1);
	ck_assert_int_eq(ags_unicode_assigned(0xFFFD), 1);
	ck_assert_int_eq(ags_unicode_assigned(0xFFFE), 0);
	ck_assert_int_eq(ags_unicode_assigned(0x1F6DC), 1); /* new in 15.0 */
	ck_assert_int_eq(ags_unicode_assigned(0x10FFFD), 1);
	ck_assert_int_eq(ags_unicode_assigned(0x10FFFF), 0);
	ck_assert_int_eq(ags_unicode_assigned(0x110000), 0);
	ck_assert_int_eq(ags_unicode_assigned(0xFFFFFFFF), 0);
}
END_TEST

/* ---- the real agreements in the shared folder -------------------------- */

/* NFD of s, so that the NFC step has real work to do. */
static char *nfd(const char *s)
{
	utf8proc_uint8_t *res = utf8proc_NFD((const utf8proc_uint8_t *)s);

	ck_assert_ptr_nonnull(res);
	return (char *)res;
}

/* Canonicalizes variant v (consumed) and compares it with expect. */
static void assert_variant(char *v, const char *expect, const char *what)
{
	char *c = canon(v);

	ck_assert_msg(strcmp(c, expect) == 0, "%s variant differs", what);
	free(c);
	free(v);
}

static void check_agreement(const char *path)
{
	size_t len;
	char *text = tu_read_file(path, &len), *c;

	ck_assert_msg(text != NULL, "cannot read %s", path);
	c = canon_len(text, len);
	assert_variant(replace_all(text, "\n", "\r\n"), c, "CRLF");
	assert_variant(replace_all(text, "\n", "\r"), c, "CR");
	assert_variant(concat3("\xEF\xBB\xBF", text, ""), c, "BOM");
	assert_variant(replace_all(text, "\n", " \t \n"), c, "trailing");
	assert_variant(concat3("\n \n", text, "\n\n\t\n"), c, "edge blanks");
	assert_variant(replace_all(text, "\n\n", "\n\n\n \n"), c, "blanks");
	assert_variant(nfd(text), c, "NFD");
	assert_variant(replace_all(c, "\n", "\r\n"), c, "canonical CRLF");
	free(c);
	free(text);
}

START_TEST(test_shared_agreements)
{
	const char *dir = tu_shared_dir();
	char pattern[1024];
	glob_t g;
	size_t i;

	if (!dir)
		return; /* shared folder absent: nothing to check */
	snprintf(pattern, sizeof(pattern), "%s/agreements/*.txt", dir);
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		check_agreement(g.gl_pathv[i]);
	globfree(&g);
}
END_TEST

Suite *canon_suite(void);

Suite *canon_suite(void)
{
	Suite *s = suite_create("canon");
	TCase *rules = tcase_create("rules");
	TCase *refuse = tcase_create("refusals");
	TCase *table = tcase_create("assigned");
	TCase *real = tcase_create("agreements");

	tcase_add_test(rules, test_bom);
	tcase_add_test(rules, test_line_ends);
	tcase_add_test(rules, test_nfc);
	tcase_add_test(rules, test_trailing_blanks);
	tcase_add_test(rules, test_blank_lines);
	tcase_add_test(rules, test_final_lf);
	tcase_add_test(rules, test_empty);
	tcase_add_test(rules, test_changes_matter);
	tcase_add_test(rules, test_every_ascii_byte_everywhere);
	tcase_add_loop_test(rules, test_ascii_fast_path, 0,
	                    sizeof(ascii_samples) / sizeof(ascii_samples[0]));
	tcase_add_test(rules, test_ascii_nfc_identity);
	tcase_add_test(rules, test_nfc_equals_map);
	tcase_add_test(rules, test_nfc_latin_equals_map);
	tcase_add_test(rules, test_nfc_growth);
	tcase_add_test(rules, test_nfc_mark_runs);
	tcase_add_test(rules, test_nfc_long_mark_run);
	tcase_set_timeout(rules, 120);
	tcase_add_test(refuse, test_not_text);
	tcase_add_loop_test(refuse, test_invalid_utf8, 0,
	                    sizeof(bad_utf8) / sizeof(bad_utf8[0]));
	tcase_add_loop_test(refuse, test_control_chars, 0, 62);
	tcase_add_test(refuse, test_nul_byte);
	tcase_add_loop_test(refuse, test_unassigned, 0,
	                    sizeof(unassigned) / sizeof(unassigned[0]));
	tcase_add_test(refuse, test_private_use_and_format);
	tcase_add_test(refuse, test_too_large);
	tcase_add_test(refuse, test_bad_arguments);
	tcase_set_timeout(refuse, 120);
	tcase_add_test(table, test_assigned_table);
	tcase_add_test(table, test_assigned_edges);
	tcase_add_test(table, test_nfc_ascii_boundary);
	tcase_add_test(table, test_nfc_below_0300);
	tcase_set_timeout(table, 120);
	tcase_add_test(real, test_shared_agreements);
	tcase_set_timeout(real, 60);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, refuse);
	suite_add_tcase(s, table);
	suite_add_tcase(s, real);
	return s;
}
