/* An RFC 3161 token verified offline against one pinned certificate
 * (spec §10.2, "Timestamps"), with libcrypto's TS and X509 code: the
 * chain is built from the token's certificates and the pinned one only,
 * and judged at the token's own time; nothing is fetched. */
#include "internal.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>

/* 1 when the token's one signer digests with SHA-256, -384 or -512. */
static int digest_allowed(PKCS7 *tok)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(tok);
	X509_ALGOR *dig = NULL;
	int nid;

	if (sk_PKCS7_SIGNER_INFO_num(sis) != 1)
		return 0;
	PKCS7_SIGNER_INFO_get0_algs(sk_PKCS7_SIGNER_INFO_value(sis, 0), NULL,
	                            &dig, NULL);
	nid = dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* The imprint must be SHA-512 over exactly what the token covers. */
static int imprint_ok(TS_TST_INFO *info, const uint8_t d[AGS_DIGEST_BYTES])
{
	TS_MSG_IMPRINT *imp = TS_TST_INFO_get_msg_imprint(info);
	const ASN1_OBJECT *obj = NULL;
	ASN1_OCTET_STRING *msg = TS_MSG_IMPRINT_get_msg(imp);

	X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(imp));
	return OBJ_obj2nid(obj) == NID_sha512 && msg &&
	       ASN1_STRING_length(msg) == AGS_DIGEST_BYTES &&
	       memcmp(ASN1_STRING_get0_data(msg), d, AGS_DIGEST_BYTES) == 0;
}

/* What libcrypto said last, for people: the reason and its data (the
 * certificate error, e.g. "certificate has expired"); at names the time
 * judged when it is not the token's own. */
static void crypto_why(char *why, size_t cap, const char *at)
{
	const char *data = NULL, *reason;
	unsigned long e, last = 0;
	const char *last_data = "";
	int flags = 0;

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		last = e;
		last_data = (flags & ERR_TXT_STRING) && data ? data : "";
	}
	reason = last ? ERR_reason_error_string(last) : NULL;
	snprintf(why, cap, "the token does not verify%s%s: %s%s%s",
	         at ? " at " : "", at ? at : "",
	         reason ? reason : "unknown error", *last_data ? ": " : "",
	         last_data);
}

/* Verifies the signature and chain of tok under anchor at time t (at:
 * t in words, when it is not the token's own time). The token's
 * certificates are given again, decoded (from certs): the signer and the
 * chain are found among them first, and a token read in a keyless
 * context has its own without public keys (tsp_certs.c). */
static int signature_ok(PKCS7 *tok, X509 *anchor, struct ags_tsp_certs *certs,
                        int64_t t, const char *at, char *why, size_t cap)
{
	TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *decoded = ags_tsp_certs_decoded(certs, tok);
	int ok = ctx && store && decoded && X509_STORE_add_cert(store, anchor);

	if (ok) {
		TS_VERIFY_CTX_set_certs(ctx, decoded); /* ctx owns it now */
		decoded = NULL;
	}

	if (ok) {
		/* The pinned certificate is the anchor whatever it is (the
		 * TSA's own or a CA's): a partial chain ends there. */
		X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
		X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store),
		                           (time_t)t);
		TS_VERIFY_CTX_set_flags(ctx, TS_VFY_SIGNATURE | TS_VFY_VERSION);
		TS_VERIFY_CTX_set_store(ctx, store); /* ctx owns it now */
		store = NULL;
		ok = TS_RESP_verify_token(ctx, tok) == 1;
	}
	if (!ok)
		crypto_why(why, cap, at);
	sk_X509_pop_free(decoded, X509_free);
	X509_STORE_free(store);
	TS_VERIFY_CTX_free(ctx);
	return ok;
}

static X509 *read_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	return len > 0 && len <= INT_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
}

/* The chain at the token's time, and at the second time asked for: a
 * renewal proves that the token existed then, and its certificates must
 * still have been valid (spec §10.2, renewal chains). */
static int chain_ok(PKCS7 *tok, X509 *ca, const struct ags_tst_want *w,
                    int64_t gen_time, char *why, size_t cap)
{
	int64_t also_at = w->also_at;
	char at[21];

	if (!signature_ok(tok, ca, w->certs, gen_time, NULL, why, cap))
		return 0;
	if (also_at == INT64_MIN)
		return 1;
	if (ags_time_format(at, also_at) != 0)
		snprintf(at, sizeof(at), "%s", "?");
	return signature_ok(tok, ca, w->certs, also_at, at, why, cap);
}

int ags_tst_verify(int64_t *gen_time, char *why, size_t cap, const uint8_t *der,
                   size_t len, void *parsed, const struct ags_tst_want *w)
{
	const unsigned char *p = der;
	PKCS7 *tok = parsed;
	TS_TST_INFO *info = NULL;
	/* The pinned certificate is parsed once per trust load (decoding
	 * its public key is most of the cost of parsing one, with OpenSSL
	 * 3.0); a record made by hand has it parsed here. */
	X509 *ca = w->anchor_parsed ? w->anchor_parsed
	                            : read_cert(w->anchor, w->anchor_len);
	const char *fail = NULL;
	int ok = 0;

	if (!ca)
		fail = "the pinned certificate cannot be read";
	else if (!tok && (len == 0 || len > AGS_TOKEN_MAX ||
	                  !(tok = d2i_PKCS7(NULL, &p, (long)len))))
		fail = "not an RFC 3161 time-stamp token";
	else if (!(info = PKCS7_to_TS_TST_INFO(tok)))
		fail = "not an RFC 3161 time-stamp token";
	else if (!imprint_ok(info, w->digest))
		snprintf(why, cap, "the token's imprint is not SHA-512 of %s",
		         w->covers);
	else if (ags_asn1_seconds(gen_time, TS_TST_INFO_get_time(info)) != 0)
		fail = "the token's time cannot be read";
	else if (!digest_allowed(tok))
		fail = "the token is not signed with one SHA-256, SHA-384 or "
		       "SHA-512 digest";
	else
		ok = chain_ok(tok, ca, w, *gen_time, why, cap);
	if (fail)
		snprintf(why, cap, "%s", fail);
	TS_TST_INFO_free(info);
	if (tok != parsed)
		PKCS7_free(tok);
	if (ca != w->anchor_parsed)
		X509_free(ca);
	ERR_clear_error();
	return ok ? 0 : -1;
}
