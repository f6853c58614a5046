/* X.509 certificates, as a v2 trust file pins them (spec §9.4): the one
 * place the library reads ASN.1, with OpenSSL's libcrypto. */
#include "internal.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

const char *ags_x509_read(void **out, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	unsigned char *again = NULL;
	const char *why = NULL;
	X509 *x;
	int n;

	*out = NULL;
	if (len == 0 || len > INT_MAX)
		return "not an X.509 certificate";
	x = d2i_X509(NULL, &p, (long)len);
	if (!x)
		why = "not an X.509 certificate";
	else if (p != der + len)
		why = "bytes after the X.509 certificate";
	/* d2i_X509 takes some BER; the one encoding allowed is DER, which
	 * encoding it again must give back byte for byte. */
	else if ((n = i2d_X509(x, &again)) < 0 || (size_t)n != len ||
	         memcmp(again, der, len) != 0)
		why = "X.509 certificate not in DER";
	OPENSSL_free(again);
	/* libcrypto fills a certificate's cache of its extensions at first
	 * use; filled now, a certificate that threads share is only read.
	 * Extensions it cannot read are marked invalid there, and fail the
	 * verification of a chain, not the reading of a trust file. */
	if (!why)
		(void)X509_check_purpose(x, -1, 0);
	if (why)
		X509_free(x);
	else
		*out = x;
	/* Leave nothing in this thread's OpenSSL error queue. */
	ERR_clear_error();
	return why;
}

void ags_x509_free(void *x)
{
	X509_free(x);
}

const char *ags_x509_check(const uint8_t *der, size_t len)
{
	void *x;
	const char *why = ags_x509_read(&x, der, len);

	X509_free(x);
	return why;
}

/* The PEM label of a certificate; a file holding anything else (a key, a
 * request) is not a certificate to pin. */
#define PEM_CERT_BEGIN "-----BEGIN CERTIFICATE-----"

/* Whether buf holds the PEM label of a certificate (openssl x509 -text
 * writes a description before it, so it may stand anywhere). */
static int has_pem_label(const uint8_t *buf, size_t n)
{
	const size_t k = sizeof(PEM_CERT_BEGIN) - 1;
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (buf[i] == '-' && memcmp(buf + i, PEM_CERT_BEGIN, k) == 0)
			return 1;
	return 0;
}

/* The one certificate of PEM text buf (n bytes) as DER, or a message. */
static const char *pem_one(uint8_t **der, size_t *der_len, const uint8_t *buf,
                           size_t n)
{
	BIO *in = n <= INT_MAX ? BIO_new_mem_buf(buf, (int)n) : NULL;
	X509 *x = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
	X509 *more = x ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
	unsigned char *out = NULL;
	const char *why = NULL;
	int len = 0;

	if (!x)
		why = "not a PEM X.509 certificate";
	else if (more)
		why = "more than one certificate (give the one to pin)";
	else if ((len = i2d_X509(x, &out)) <= 0)
		why = "not an X.509 certificate";
	X509_free(more);
	X509_free(x);
	BIO_free(in);
	ERR_clear_error();
	if (why) {
		OPENSSL_free(out);
		return why;
	}
	/* a copy in malloc'd memory: the caller free()s it */
	if (!(*der = malloc((size_t)len))) {
		OPENSSL_free(out);
		return "out of memory";
	}
	memcpy(*der, out, (size_t)len);
	*der_len = (size_t)len;
	OPENSSL_free(out);
	return NULL;
}

const char *ags_x509_decode(uint8_t **der, size_t *der_len, const uint8_t *buf,
                            size_t n)
{
	const char *why;

	*der = NULL;
	*der_len = 0;
	if (has_pem_label(buf, n))
		why = pem_one(der, der_len, buf, n);
	else if (!(why = ags_x509_check(buf, n))) {
		if (!(*der = malloc(n)))
			return "out of memory";
		memcpy(*der, buf, n);
		*der_len = n;
	}
	if (!why && (why = ags_x509_check(*der, *der_len)) != NULL) {
		free(*der);
		*der = NULL;
		*der_len = 0;
	}
	return why;
}

int ags_asn1_seconds(int64_t *out, const struct asn1_string_st *t)
{
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	int days = 0, secs = 0;
	int ok = epoch && t && ASN1_TIME_diff(&days, &secs, epoch, t);

	ASN1_TIME_free(epoch);
	if (ok)
		*out = (int64_t)days * 86400 + secs;
	return ok ? 0 : -1;
}

int ags_x509_describe(char *subject, size_t cap, int64_t *not_after,
                      const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = len > 0 && len <= INT_MAX ? d2i_X509(NULL, &p, (long)len)
	                                    : NULL;
	BIO *b = x ? BIO_new(BIO_s_mem()) : NULL;
	char *mem = NULL;
	long n = 0;
	int ok = b &&
	         X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	                            XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >=
	                 0 &&
	         ags_asn1_seconds(not_after, X509_get0_notAfter(x)) == 0;

	if (ok && cap > 0) {
		n = BIO_get_mem_data(b, &mem);
		if (n < 0 || !mem)
			n = 0;
		if ((size_t)n >= cap) {
			n = (long)cap - 1;
			/* not inside a UTF-8 sequence */
			while (n > 0 && ((unsigned char)mem[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(subject, mem ? mem : "", (size_t)n);
		subject[n] = '\0';
	}
	BIO_free(b);
	X509_free(x);
	ERR_clear_error();
	return ok ? 0 : -1;
}
