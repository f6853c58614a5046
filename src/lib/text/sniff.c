/* What bytes that text/v1 refused seem to be (a PDF, UTF-16, Latin-1),
 * so that the error can say what to do instead of naming a byte. Runs
 * only on the way to an error.
 */
#include "internal.h"

#include <string.h>

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
