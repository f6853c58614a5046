/* Timestamps (spec §6.5): the request for one signature of an envelope,
 * and a reply's token put into the entry whose signature it covers. The
 * token is not signed: adding it changes no signature's validity. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>

enum ags_err ags_timestamp_request(uint8_t **out, size_t *out_len,
                                   const struct ags_envelope *env, size_t idx,
                                   struct ags_error *err)
{
	uint8_t digest[AGS_DIGEST_BYTES];

	*out = NULL;
	if (idx >= env->nsigs)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "the envelope has no signature %zu",
		                     idx + 1);
	crypto_hash_sha512(digest, env->sigs[idx].signature,
	                   AGS_SIGNATURE_BYTES);
	if (ags_tsq_make(out, out_len, digest) != 0)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	return AGS_OK;
}

enum ags_err ags_timestamp_token(uint8_t **token, size_t *token_len,
                                 const uint8_t *tsq, size_t tsq_len,
                                 const uint8_t *tsr, size_t tsr_len,
                                 const char *source, struct ags_error *err)
{
	const char *why =
	        ags_tsr_token(token, token_len, tsr, tsr_len, tsq, tsq_len);

	return why ? ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0, "%s", why)
	           : AGS_OK;
}

/* The entry whose signature's SHA-512 is digest, or env->nsigs. */
static size_t entry_of(const struct ags_envelope *env,
                       const uint8_t digest[AGS_DIGEST_BYTES])
{
	uint8_t h[AGS_DIGEST_BYTES];
	size_t i;

	for (i = 0; i < env->nsigs; i++) {
		crypto_hash_sha512(h, env->sigs[i].signature,
		                   AGS_SIGNATURE_BYTES);
		if (memcmp(h, digest, sizeof(h)) == 0)
			break;
	}
	return i;
}

enum ags_err ags_timestamp_attach(struct ags_envelope *env, size_t *idx,
                                  const uint8_t *token, size_t token_len,
                                  const char *source, struct ags_error *err)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	const char *why = ags_tst_check(token, token_len);
	size_t i;

	if (!why)
		why = ags_tst_imprint(digest, token, token_len);
	if (why)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0, "%s",
		                     why);
	i = entry_of(env, digest);
	if (i == env->nsigs)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "the token covers no signature of the "
		                     "envelope");
	if (env->sigs[i].timestamp)
		return ags_error_set(err, AGS_ERR_EXISTS, source, 0, 0,
		                     "signature %zu already has a timestamp "
		                     "token",
		                     i + 1);
	env->sigs[i].timestamp = malloc(token_len);
	if (!env->sigs[i].timestamp)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	memcpy(env->sigs[i].timestamp, token, token_len);
	env->sigs[i].timestamp_len = token_len;
	if (idx)
		*idx = i;
	return AGS_OK;
}
