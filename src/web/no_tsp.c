/* The browser build's stand-ins for the library's libcrypto files
 * (codec/tsp.c, codec/tsp_verify.c, codec/x509.c), which it leaves out:
 * OpenSSL for wasm would not fit the page's 1 MiB. Without libcrypto no
 * timestamp token can be checked, so none proves a time: a token that a
 * pinned TSA would have to prove is reported INVALID with the reason
 * below (fail closed, spec §10.2), and --require-proven-time fails. A
 * token's shape and a TSA certificate's encoding are not checked either
 * (they prove nothing here). Linked only into build/web (web.mk). */
#include "internal.h"

#include <stdio.h>

#define NO_TSP "this build cannot check timestamps (no libcrypto)"

const char *ags_x509_check(const uint8_t *der, size_t len)
{
	(void)der;
	return len ? NULL : "empty certificate";
}

/* Nothing is parsed: *out stays NULL, which no caller dereferences (a
 * NULL anchor_parsed means "parse for this call", and no call follows). */
const char *ags_x509_read(void **out, const uint8_t *der, size_t len)
{
	*out = NULL;
	return ags_x509_check(der, len);
}

void ags_x509_free(void *x)
{
	(void)x;
}

/* No cache of token certificates: trust.c works without one. */
struct ags_tsp_certs *ags_tsp_certs_new(void)
{
	return NULL;
}

void ags_tsp_certs_free(struct ags_tsp_certs *c)
{
	(void)c;
}

void *ags_tsp_certs_parse(const struct ags_tsp_certs *c, const uint8_t **p,
                          size_t len)
{
	(void)c, (void)p, (void)len;
	return NULL;
}

void *ags_tsp_certs_decoded(struct ags_tsp_certs *c, void *token)
{
	(void)c, (void)token;
	return NULL;
}

/* A token's shape as ags_tst_check sees it here; nothing kept. */
const char *ags_tst_read(void **out, const uint8_t *der, size_t len,
                         const struct ags_tsp_certs *keyless)
{
	(void)keyless;
	*out = NULL;
	return ags_tst_check(der, len);
}

void ags_tst_free(void *tok)
{
	(void)tok;
}

int ags_tsq_make(uint8_t **out, size_t *len,
                 const uint8_t digest[AGS_DIGEST_BYTES])
{
	(void)digest;
	*out = NULL;
	*len = 0;
	return -1;
}

const char *ags_tsq_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len)
{
	(void)digest, (void)der, (void)len;
	return NO_TSP;
}

const char *ags_tsr_token(uint8_t **token, size_t *token_len,
                          const uint8_t *tsr, size_t tsr_len,
                          const uint8_t *tsq, size_t tsq_len)
{
	(void)tsr, (void)tsr_len, (void)tsq, (void)tsq_len;
	*token = NULL;
	*token_len = 0;
	return NO_TSP;
}

const char *ags_tst_check(const uint8_t *der, size_t len)
{
	(void)der;
	return len && len <= AGS_TOKEN_MAX ? NULL : "not a time-stamp token";
}

const char *ags_tst_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len)
{
	(void)digest, (void)der, (void)len;
	return NO_TSP;
}

int ags_tst_verify(int64_t *gen_time, char *why, size_t cap, const uint8_t *der,
                   size_t len, void *parsed, const struct ags_tst_want *w)
{
	(void)der, (void)len, (void)parsed, (void)w;
	*gen_time = 0;
	snprintf(why, cap, "%s", NO_TSP);
	return -1;
}
