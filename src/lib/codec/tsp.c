/* RFC 3161 time-stamp requests, replies and tokens (spec §6.5), read and
 * written with OpenSSL's libcrypto: no ASN.1 is built or parsed here by
 * hand. Verifying a token against pinned certificates is tsp_verify.c. */
#include "internal.h"

#include <limits.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <sodium.h>
#include <stdlib.h>

/* A malloc'd copy of what an i2d_ function wrote, or NULL. */
static int to_malloc(uint8_t **out, size_t *len, unsigned char *der, int n)
{
	*out = NULL;
	if (n <= 0 || !der)
		return -1;
	*out = malloc((size_t)n);
	if (*out) {
		memcpy(*out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	return *out ? 0 : -1;
}

/* 1 when imp is SHA-512 over exactly the 64 bytes of want. */
static int imprint_is(const TS_MSG_IMPRINT *imp,
                      const uint8_t want[AGS_DIGEST_BYTES])
{
	const ASN1_OBJECT *obj = NULL;
	const ASN1_OCTET_STRING *msg;
	X509_ALGOR *alg;

	if (!imp)
		return 0;
	alg = TS_MSG_IMPRINT_get_algo((TS_MSG_IMPRINT *)imp);
	msg = TS_MSG_IMPRINT_get_msg((TS_MSG_IMPRINT *)imp);
	if (alg)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	return obj && OBJ_obj2nid(obj) == NID_sha512 && msg &&
	       ASN1_STRING_length(msg) == AGS_DIGEST_BYTES &&
	       memcmp(ASN1_STRING_get0_data(msg), want, AGS_DIGEST_BYTES) == 0;
}

static TS_MSG_IMPRINT *new_imprint(const uint8_t digest[AGS_DIGEST_BYTES])
{
	TS_MSG_IMPRINT *imp = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	int ok = imp && alg &&
	         X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha512), V_ASN1_NULL,
	                         NULL) &&
	         TS_MSG_IMPRINT_set_algo(imp, alg) &&
	         TS_MSG_IMPRINT_set_msg(imp, (unsigned char *)digest,
	                                AGS_DIGEST_BYTES);

	X509_ALGOR_free(alg); /* set_algo copied it */
	if (!ok) {
		TS_MSG_IMPRINT_free(imp);
		return NULL;
	}
	return imp;
}

/* A nonce of 64 random bits, as a positive INTEGER. */
static ASN1_INTEGER *new_nonce(void)
{
	unsigned char r[8];
	BIGNUM *bn;
	ASN1_INTEGER *n = NULL;

	randombytes_buf(r, sizeof(r));
	r[0] |= 0x80; /* always 64 bits long: one length, whatever the draw */
	bn = BN_bin2bn(r, sizeof(r), NULL);
	if (bn)
		n = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	return n;
}

int ags_tsq_make(uint8_t **out, size_t *len,
                 const uint8_t digest[AGS_DIGEST_BYTES])
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imp = new_imprint(digest);
	ASN1_INTEGER *nonce = new_nonce();
	unsigned char *der = NULL;
	int n = -1;

	*out = NULL;
	if (req && imp && nonce && TS_REQ_set_version(req, 1) &&
	    TS_REQ_set_msg_imprint(req, imp) && TS_REQ_set_nonce(req, nonce) &&
	    TS_REQ_set_cert_req(req, 1))
		n = i2d_TS_REQ(req, &der);
	TS_MSG_IMPRINT_free(imp);
	ASN1_INTEGER_free(nonce);
	TS_REQ_free(req);
	ERR_clear_error();
	return to_malloc(out, len, der, n);
}

/* The request in der, parsed; NULL with *why set when it is not one of
 * ours: one DER TimeStampReq, version 1, SHA-512 imprint, a nonce. */
static TS_REQ *read_tsq(const uint8_t *der, size_t len, const char **why)
{
	const unsigned char *p = der;
	const ASN1_OBJECT *obj = NULL;
	TS_REQ *req;

	*why = "not an RFC 3161 time-stamp request";
	if (len == 0 || len > INT_MAX)
		return NULL;
	req = d2i_TS_REQ(NULL, &p, (long)len);
	if (!req)
		return NULL;
	if (p != der + len)
		*why = "bytes after the time-stamp request";
	else if (TS_REQ_get_version(req) != 1 || !TS_REQ_get_nonce(req))
		*why = "the time-stamp request has no nonce or another "
		       "version";
	else {
		X509_ALGOR *alg =
		        TS_MSG_IMPRINT_get_algo(TS_REQ_get_msg_imprint(req));
		if (alg)
			X509_ALGOR_get0(&obj, NULL, NULL, alg);
		if (!obj || OBJ_obj2nid(obj) != NID_sha512 ||
		    ASN1_STRING_length(TS_MSG_IMPRINT_get_msg(
		            TS_REQ_get_msg_imprint(req))) != AGS_DIGEST_BYTES)
			*why = "the time-stamp request's imprint is not "
			       "SHA-512";
		else
			*why = NULL;
	}
	if (*why) {
		TS_REQ_free(req);
		return NULL;
	}
	return req;
}

const char *ags_tsq_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len)
{
	const char *why;
	TS_REQ *req = read_tsq(der, len, &why);

	if (req)
		memcpy(digest,
		       ASN1_STRING_get0_data(TS_MSG_IMPRINT_get_msg(
		               TS_REQ_get_msg_imprint(req))),
		       AGS_DIGEST_BYTES);
	TS_REQ_free(req);
	ERR_clear_error();
	return why;
}

/* Why the reply's token does not answer req, or NULL. */
static const char *token_answers(TS_RESP *resp, TS_REQ *req)
{
	TS_TST_INFO *info = TS_RESP_get_tst_info(resp);
	const ASN1_INTEGER *nonce;
	uint8_t want[AGS_DIGEST_BYTES];

	if (!TS_RESP_get_token(resp) || !info)
		return "the time-stamp reply holds no token";
	memcpy(want,
	       ASN1_STRING_get0_data(
	               TS_MSG_IMPRINT_get_msg(TS_REQ_get_msg_imprint(req))),
	       sizeof(want));
	if (!imprint_is(TS_TST_INFO_get_msg_imprint(info), want))
		return "the token's imprint is not the request's";
	nonce = TS_TST_INFO_get_nonce(info);
	if (!nonce || ASN1_INTEGER_cmp(nonce, TS_REQ_get_nonce(req)) != 0)
		return "the token's nonce is not the request's";
	return NULL;
}

/* Why the reply's status is not granted (0) or grantedWithMods (1). */
static const char *status_refused(TS_RESP *resp)
{
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	const ASN1_INTEGER *st = si ? TS_STATUS_INFO_get0_status(si) : NULL;
	long v = st ? ASN1_INTEGER_get(st) : -1;

	if (v == 0 || v == 1)
		return NULL;
	switch (v) {
	case 2: return "the time-stamping authority rejected the request";
	case 3: return "the time-stamping authority is waiting: no token yet";
	case 4: return "the time-stamping authority warns of a revocation";
	case 5: return "the time-stamping authority's certificate is revoked";
	}
	return "the time-stamp reply has an unknown status";
}

const char *ags_tsr_token(uint8_t **token, size_t *token_len,
                          const uint8_t *tsr, size_t tsr_len,
                          const uint8_t *tsq, size_t tsq_len)
{
	const unsigned char *p = tsr;
	unsigned char *der = NULL;
	const char *why;
	TS_REQ *req = read_tsq(tsq, tsq_len, &why);
	TS_RESP *resp = NULL;
	int n = -1;

	*token = NULL;
	if (req && (tsr_len == 0 || tsr_len > INT_MAX ||
	            !(resp = d2i_TS_RESP(NULL, &p, (long)tsr_len))))
		why = "not an RFC 3161 time-stamp reply";
	else if (req && p != tsr + tsr_len)
		why = "bytes after the time-stamp reply";
	else if (req && !(why = status_refused(resp)) &&
	         !(why = token_answers(resp, req))) {
		n = i2d_PKCS7(TS_RESP_get_token(resp), &der);
		if (to_malloc(token, token_len, der, n) != 0)
			why = "out of memory";
		else if ((why = ags_tst_check(*token, *token_len)) != NULL) {
			free(*token);
			*token = NULL;
		}
	}
	TS_RESP_free(resp);
	TS_REQ_free(req);
	ERR_clear_error();
	return why;
}

const char *ags_tst_check(const uint8_t *der, size_t len)
{
	void *tok;
	const char *why = ags_tst_read(&tok, der, len, NULL);

	ags_tst_free(tok);
	return why;
}

void ags_tst_free(void *tok)
{
	PKCS7_free(tok);
}

const char *ags_tst_read(void **out, const uint8_t *der, size_t len,
                         const struct ags_tsp_certs *keyless)
{
	const unsigned char *p = der;
	unsigned char *again = NULL;
	const char *why = NULL;
	TS_TST_INFO *info = NULL;
	PKCS7 *tok;
	int n;

	*out = NULL;
	if (len == 0 || len > AGS_TOKEN_MAX)
		return "a time-stamp token is 1 to 16384 bytes";
	tok = keyless ? ags_tsp_certs_parse(keyless, &p, len)
	              : d2i_PKCS7(NULL, &p, (long)len);
	if (!tok)
		why = "not a CMS ContentInfo (RFC 3161 time-stamp token)";
	else if (p != der + len)
		why = "bytes after the time-stamp token";
	else if (!(info = PKCS7_to_TS_TST_INFO(tok)))
		why = "not an RFC 3161 time-stamp token (signed TSTInfo)";
	/* d2i takes some BER; the one encoding allowed is DER. */
	else if ((n = i2d_PKCS7(tok, &again)) < 0 || (size_t)n != len ||
	         memcmp(again, der, len) != 0)
		why = "time-stamp token not in DER";
	OPENSSL_free(again);
	TS_TST_INFO_free(info);
	if (why)
		PKCS7_free(tok);
	else
		*out = tok;
	ERR_clear_error();
	return why;
}

const char *ags_tst_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	const char *why = "not an RFC 3161 time-stamp token";
	TS_TST_INFO *info = NULL;
	const ASN1_OCTET_STRING *msg;
	TS_MSG_IMPRINT *imp;
	PKCS7 *tok = NULL;

	if (len > 0 && len <= AGS_TOKEN_MAX &&
	    (tok = d2i_PKCS7(NULL, &p, (long)len)) &&
	    (info = PKCS7_to_TS_TST_INFO(tok))) {
		imp = TS_TST_INFO_get_msg_imprint(info);
		msg = TS_MSG_IMPRINT_get_msg(imp);
		/* imprint_is against itself checks algorithm and length */
		if (msg && ASN1_STRING_length(msg) == AGS_DIGEST_BYTES &&
		    imprint_is(imp, ASN1_STRING_get0_data(msg))) {
			memcpy(digest, ASN1_STRING_get0_data(msg),
			       AGS_DIGEST_BYTES);
			why = NULL;
		} else
			why = "the token's imprint is not SHA-512";
	}
	TS_TST_INFO_free(info);
	PKCS7_free(tok);
	ERR_clear_error();
	return why;
}
