/* Error codes, their words, and the first-error-wins error record. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum ags_err ags_init(void)
{
	int major = 0, minor = 0;

	if (sodium_init() < 0)
		return AGS_ERR_CRYPTO;
	/* NFC of characters new in Unicode 15.0 needs utf8proc's tables of at
	 * least that version; text/v1 refuses anything newer itself. */
	if (sscanf(utf8proc_unicode_version(), "%d.%d", &major, &minor) != 2 ||
	    major < 15)
		return AGS_ERR_CRYPTO;
	return AGS_OK;
}

const char *ags_strerror(enum ags_err code)
{
	switch (code) {
	case AGS_OK: return "success";
	case AGS_ERR_IO: return "input/output error";
	case AGS_ERR_NOMEM: return "out of memory";
	case AGS_ERR_TOO_LARGE: return "input too large";
	case AGS_ERR_TEXT: return "text refused by text/v1";
	case AGS_ERR_JSON: return "malformed JSON";
	case AGS_ERR_FORMAT: return "invalid format";
	case AGS_ERR_CRYPTO: return "cryptographic failure";
	case AGS_ERR_PASSPHRASE: return "wrong passphrase or damaged key";
	case AGS_ERR_EXISTS: return "file exists";
	case AGS_ERR_INVALID: return "invalid argument";
	case AGS_ERR_KEY: return "unusable key";
	case AGS_ERR_MISMATCH: return "envelope does not match";
	}
	return "unknown error";
}

void ags_error_clear(struct ags_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

enum ags_err ags_error_set(struct ags_error *err, enum ags_err code,
                           const char *source, long line, long column,
                           const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != AGS_OK)
		return code;
	err->code = code;
	/* A long path or quoted value is cut at a character boundary: the
	 * message goes into JSON results, which need UTF-8. */
	ags_text_copy(err->source, sizeof(err->source), source ? source : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	ags_vbounded(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

char *ags_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
