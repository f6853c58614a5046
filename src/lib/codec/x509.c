/* X.509 certificates, as a v2 trust file pins them (spec §9.4): the one
 * place the library reads ASN.1, with OpenSSL's libcrypto. */
#include "internal.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/x509.h>

const char *ags_x509_check(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	unsigned char *again = NULL;
	const char *why = NULL;
	X509 *x;
	int n;

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
	X509_free(x);
	/* Leave nothing in this thread's OpenSSL error queue. */
	ERR_clear_error();
	return why;
}
