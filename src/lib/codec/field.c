/* Validation of the short text values that keys and envelopes carry:
 * names, e-mail addresses, ORCID iDs, times. Refusing odd values here keeps
 * every consumer (terminal, JSON, trust file) free of surprises. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

char *ags_text_nfc(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map((const utf8proc_uint8_t *)s,
	                 (utf8proc_ssize_t)strlen(s), &out,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0) {
		free(out);
		return NULL;
	}
	return (char *)out;
}

char *ags_text_fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map(
	        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s), &out,
	        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0) {
		free(out);
		return NULL;
	}
	return (char *)out;
}

int ags_nfc_trivial(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && (unsigned char)s[i] < 0xCC; i++)
		;
	return i == len;
}

/* Text fields are compared byte for byte (a signer's name with the trusted
 * identity): one normalization form makes that mean "the same text". */
static int is_nfc(const char *s, size_t len)
{
	char *copy, *nfc;
	int same;

	if (ags_nfc_trivial(s, len))
		return 1;
	copy = ags_strndup(s, len);
	nfc = copy ? ags_text_nfc(copy) : NULL;
	same = nfc && strcmp(nfc, copy) == 0;
	free(copy);
	free(nfc);
	return same;
}

const char *ags_field_check(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	if (len == 0)
		return "value is empty";
	if (len > AGS_FIELD_MAX)
		return "value is longer than 1024 bytes";
	if (s[0] == ' ' || s[len - 1] == ' ')
		return "value has leading or trailing spaces";
	while (i < len) {
		k = ags_utf8_next(u + i, len - i, &cp);
		if (k == 0)
			return "value is not valid UTF-8";
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return "value holds a control character";
		if (cp == 0x2028 || cp == 0x2029)
			return "value holds a line separator";
		/* Invisible, and refused inside an agreement (text/v1): a
		 * field is no file, so it has no leading BOM to allow. */
		if (cp == 0xFEFF)
			return "value holds U+FEFF (a byte order mark)";
		/* As in text/v1: NFC is stable only for assigned code points.
		 */
		if (!ags_unicode_assigned(cp))
			return "value holds a code point not assigned in "
			       "Unicode 15.0.0";
		i += k;
	}
	if (!is_nfc(s, len))
		return "value is not in Unicode NFC";
	return NULL;
}

const char *ags_orcid_check(const char *s)
{
	int total = 0, i, d, check;

	if (strlen(s) != 19)
		return "ORCID iD must look like 0000-0002-1825-0097";
	for (i = 0; i < 19; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return "ORCID iD must look like "
				       "0000-0002-1825-0097";
			continue;
		}
		if (i == 18)
			break;
		if (s[i] < '0' || s[i] > '9')
			return "ORCID iD must look like 0000-0002-1825-0097";
		total = (total + (s[i] - '0')) * 2;
	}
	/* ISO 7064 MOD 11-2 check character. */
	d = (12 - total % 11) % 11;
	check = d == 10 ? 'X' : '0' + d;
	if (s[18] != check)
		return "ORCID iD has a wrong check digit";
	return NULL;
}

const char *ags_email_check(const char *s)
{
	const char *at = strchr(s, '@');
	size_t len = strlen(s), i;

	if (len > 254)
		return "e-mail address is longer than 254 bytes";
	if (!at || at == s || at[1] == '\0' || strchr(at + 1, '@'))
		return "e-mail address must have one '@' between two parts";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7F)
			return "e-mail address holds white space or a control "
			       "character";
	return NULL;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int ags_time_parse(int64_t *out, const char *s)
{
	int y, mo, d, h, mi, se;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 59)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* The n decimal digits of v (0 <= v < 10^n) at p, zero-padded. */
static void put_digits(char *p, int64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int ags_time_format(char out[21], int64_t t)
{
	int64_t days, secs, z, era, doe, yoe, doy, mp, y, m, d;

	if (t < 0 || t > 253402300799) /* 9999-12-31T23:59:59Z */
		return -1;
	days = t / 86400, secs = t % 86400;
	/* civil_from_days, the inverse of days_from_civil. */
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	/* By hand: snprintf cost more than a whole signed message. */
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, secs / 3600, 2);
	out[13] = ':';
	put_digits(out + 14, secs / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, secs % 60, 2);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}
