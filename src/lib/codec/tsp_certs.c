/* The certificates that timestamp tokens carry, decoded once per trust
 * load and shared by the threads that verify tokens (spec §10.2 is
 * unchanged: this only saves work).
 *
 * Why: with OpenSSL 3.0, parsing a certificate decodes its public key
 * through the provider decoders, which costs about ten times the rest of
 * the parse; a token carries the TSA's certificate and often its CA's,
 * the same bytes in every token of that TSA. So an envelope's tokens are
 * parsed in a library context that holds only the "null" provider (their
 * certificates' keys are left undecoded: the shape, the DER and the
 * TSTInfo are all that reading checks), and verification takes each
 * certificate's decoded copy from here, decoding it at its first use.
 * A certificate is matched by its DER, byte for byte. */
#include "internal.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>

/* Distinct certificates kept; more are decoded at each use. A publisher
 * pins a few TSAs, each with one certificate at a time. */
#define CERTS_MAX 64

struct slot {
	unsigned char *der;
	int len;
	X509 *x; /* decoded, extensions cached: read-only from now on */
};

struct ags_tsp_certs {
	OSSL_LIB_CTX *keyless;
	OSSL_PROVIDER *null;
	pthread_mutex_t lock; /* guards n and slot */
	size_t n;
	struct slot slot[CERTS_MAX];
};

struct ags_tsp_certs *ags_tsp_certs_new(void)
{
	struct ags_tsp_certs *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	c->keyless = OSSL_LIB_CTX_new();
	c->null = c->keyless ? OSSL_PROVIDER_load(c->keyless, "null") : NULL;
	if (!c->null) {
		ags_tsp_certs_free(c);
		ERR_clear_error();
		return NULL;
	}
	return c;
}

void ags_tsp_certs_free(struct ags_tsp_certs *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		OPENSSL_free(c->slot[i].der);
		X509_free(c->slot[i].x);
	}
	OSSL_PROVIDER_unload(c->null);
	OSSL_LIB_CTX_free(c->keyless);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void *ags_tsp_certs_parse(const struct ags_tsp_certs *c, const uint8_t **p,
                          size_t len)
{
	return (void *)ASN1_item_d2i_ex(
	        NULL, p, (long)len, ASN1_ITEM_rptr(PKCS7), c->keyless, NULL);
}

/* cert decoded from its DER (der, len) in the default library context. */
static X509 *decode(const unsigned char *der, int len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, len);

	if (x)
		(void)X509_check_purpose(x, -1, 0); /* see ags_x509_read */
	return x;
}

/* The decoded copy of cert (a new reference), or NULL. */
static X509 *copy_of(struct ags_tsp_certs *c, X509 *cert)
{
	unsigned char *der = NULL;
	int len;
	X509 *x = NULL;
	size_t i;

	/* parsed in full (not keyless): itself */
	if (X509_get0_pubkey(cert))
		return X509_up_ref(cert) ? cert : NULL;
	if ((len = i2d_X509(cert, &der)) <= 0)
		return NULL;
	if (c) {
		pthread_mutex_lock(&c->lock);
		for (i = 0; i < c->n && !x; i++)
			if (c->slot[i].len == len &&
			    memcmp(c->slot[i].der, der, (size_t)len) == 0 &&
			    X509_up_ref(c->slot[i].x))
				x = c->slot[i].x;
		pthread_mutex_unlock(&c->lock);
	}
	if (x) {
		OPENSSL_free(der);
		return x;
	}
	x = decode(der, len);
	if (c && x) {
		pthread_mutex_lock(&c->lock);
		/* another thread may have added it meanwhile: a second
		 * copy is harmless */
		if (c->n < CERTS_MAX && X509_up_ref(x)) {
			c->slot[c->n].der = der;
			c->slot[c->n].len = len;
			c->slot[c->n].x = x;
			c->n++;
			der = NULL;
		}
		pthread_mutex_unlock(&c->lock);
	}
	OPENSSL_free(der);
	return x;
}

void *ags_tsp_certs_decoded(struct ags_tsp_certs *c, void *token)
{
	PKCS7 *tok = token;
	STACK_OF(X509) *in = PKCS7_type_is_signed(tok) && tok->d.sign
	                             ? tok->d.sign->cert
	                             : NULL;
	STACK_OF(X509) *out = sk_X509_new_null();
	int i;

	for (i = 0; out && i < sk_X509_num(in); i++) {
		X509 *x = copy_of(c, sk_X509_value(in, i));
		/* one that does not decode stays as the token has it */
		if (!x)
			continue;
		if (!sk_X509_push(out, x)) {
			X509_free(x);
			sk_X509_pop_free(out, X509_free);
			out = NULL;
		}
	}
	ERR_clear_error();
	return out;
}
