/* A test CA and RFC 3161 time-stamping authority in memory (tsa_util.h),
 * built with libcrypto's X509 and TS_RESP_CTX: no ASN.1 by hand. */
#include "tsa_util.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

struct tu_tsa {
	EVP_PKEY *ca_key, *key;
	X509 *ca, *cert;
	long gen_time; /* what the time callback gives */
};

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
                      EVP_PKEY *issuer_key, int64_t from, int64_t to,
                      long serial)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	int ok = x && name && X509_set_version(x, 2) &&
	         ASN1_INTEGER_set(X509_get_serialNumber(x), serial) &&
	         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                                    (const unsigned char *)cn, -1, -1,
	                                    0) &&
	         X509_set_subject_name(x, name) &&
	         X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
	                                        : name) &&
	         ASN1_TIME_set(X509_getm_notBefore(x), (time_t)from) &&
	         ASN1_TIME_set(X509_getm_notAfter(x), (time_t)to) &&
	         X509_set_pubkey(x, key);

	if (ok && !issuer)
		ok = add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") &&
		     add_ext(x, x, NID_key_usage, "critical,keyCertSign");
	if (ok)
		ok = X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) >
		     0;
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

struct tu_tsa *tu_tsa_new(enum tu_tsa_kind kind, int64_t not_before,
                          int64_t not_after)
{
	struct tu_tsa *t = calloc(1, sizeof(*t));
	int ok;

	if (!t)
		return NULL;
	t->ca_key = new_key();
	t->key = new_key();
	ok = t->ca_key && t->key &&
	     (t->ca = new_cert(t->ca_key, "test CA (never trust)", NULL, NULL,
	                       0, 4102444800, 1)) != NULL;
	/* the TSA's extensions go in before the CA signs */
	if (ok) {
		t->cert = new_cert(t->key, "test TSA (never trust)", t->ca,
		                   t->ca_key, not_before, not_after, 2);
		ok = t->cert &&
		     add_ext(t->cert, t->ca, NID_basic_constraints,
		             "critical,CA:FALSE") &&
		     (kind == TU_TSA_NO_EKU ||
		      add_ext(t->cert, t->ca, NID_ext_key_usage,
		              kind == TU_TSA_SOFT_EKU
		                      ? "timeStamping"
		                      : "critical,timeStamping")) &&
		     X509_sign(t->cert, t->ca_key, EVP_sha256()) > 0;
	}
	ERR_clear_error();
	if (!ok) {
		tu_tsa_free(t);
		return NULL;
	}
	return t;
}

void tu_tsa_free(struct tu_tsa *t)
{
	if (!t)
		return;
	X509_free(t->ca);
	X509_free(t->cert);
	EVP_PKEY_free(t->ca_key);
	EVP_PKEY_free(t->key);
	free(t);
}

static uint8_t *der_of(X509 *x, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;

	if (out) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return out;
}

uint8_t *tu_tsa_ca_der(const struct tu_tsa *t, size_t *len)
{
	return der_of(t->ca, len);
}

uint8_t *tu_tsa_cert_der(const struct tu_tsa *t, size_t *len)
{
	return der_of(t->cert, len);
}

static int fixed_time(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	*sec = ((struct tu_tsa *)data)->gen_time;
	*usec = 0;
	return 1;
}

static uint8_t *malloc_copy(const unsigned char *p, int n, size_t *len)
{
	uint8_t *out = n > 0 ? malloc((size_t)n) : NULL;

	if (out) {
		memcpy(out, p, (size_t)n);
		*len = (size_t)n;
	}
	return out;
}

uint8_t *tu_tsa_reply(struct tu_tsa *t, const uint8_t *req, size_t req_len,
                      int64_t gen_time, int reject, size_t *len)
{
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	STACK_OF(X509) *chain = sk_X509_new_null();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
	BIO *in = BIO_new_mem_buf(req, (int)req_len);
	TS_RESP *resp = NULL;
	unsigned char *der = NULL;
	uint8_t *out = NULL;
	int n = -1;

	t->gen_time = (long)gen_time;
	if (ctx && chain && policy && in && sk_X509_push(chain, t->ca) &&
	    TS_RESP_CTX_set_signer_cert(ctx, t->cert) &&
	    TS_RESP_CTX_set_signer_key(ctx, t->key) &&
	    TS_RESP_CTX_set_certs(ctx, chain) &&
	    TS_RESP_CTX_set_def_policy(ctx, policy) &&
	    TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) &&
	    TS_RESP_CTX_add_md(ctx, reject ? EVP_sha256() : EVP_sha512())) {
		TS_RESP_CTX_set_time_cb(ctx, fixed_time, t);
		resp = TS_RESP_create_response(ctx, in);
	}
	if (resp)
		n = i2d_TS_RESP(resp, &der);
	out = malloc_copy(der, n, len);
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(in);
	ASN1_OBJECT_free(policy);
	sk_X509_free(chain);
	TS_RESP_CTX_free(ctx);
	ERR_clear_error();
	return out;
}

uint8_t *tu_tsa_token(const uint8_t *resp, size_t resp_len, size_t *len)
{
	const unsigned char *p = resp;
	TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)resp_len);
	unsigned char *der = NULL;
	uint8_t *out = NULL;
	int n = -1;

	if (r && TS_RESP_get_token(r))
		n = i2d_PKCS7(TS_RESP_get_token(r), &der);
	out = malloc_copy(der, n, len);
	OPENSSL_free(der);
	TS_RESP_free(r);
	ERR_clear_error();
	return out;
}
