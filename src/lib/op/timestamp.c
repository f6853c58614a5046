/* Timestamps (spec §6.5): the request for one signature of an envelope,
 * and a reply's token put into the entry whose signature it covers; and
 * renewals: a request over an entry's last token, and the reply's token
 * appended to that entry's chain. Tokens are not signed: adding one
 * changes no signature's validity. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

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

/* The last token of sig's chain (its first when it has no renewal). */
static const uint8_t *last_token(const struct ags_signature *sig, size_t *len)
{
	if (sig->nrenewals == 0) {
		*len = sig->timestamp_len;
		return sig->timestamp;
	}
	*len = sig->renewals[sig->nrenewals - 1].len;
	return sig->renewals[sig->nrenewals - 1].der;
}

enum ags_err ags_timestamp_renewal_request(uint8_t **out, size_t *out_len,
                                           const struct ags_envelope *env,
                                           size_t idx, struct ags_error *err)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	const uint8_t *last;
	size_t len;

	*out = NULL;
	if (idx >= env->nsigs)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "the envelope has no signature %zu",
		                     idx + 1);
	if (!env->sigs[idx].timestamp)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "signature %zu has no timestamp token to "
		                     "renew",
		                     idx + 1);
	if (env->sigs[idx].nrenewals + 1 >= AGS_CHAIN_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "the timestamps of signature %zu are a "
		                     "chain of %u tokens, the most allowed",
		                     idx + 1, AGS_CHAIN_MAX);
	last = last_token(&env->sigs[idx], &len);
	crypto_hash_sha512(digest, last, len);
	if (ags_tsq_make(out, out_len, digest) != 0)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	return AGS_OK;
}

/* The entry whose chain ends with the token whose SHA-512 is digest, or
 * env->nsigs. *stale is set when an earlier token of a chain has it: the
 * chain was renewed since the request was made. */
static size_t chain_of(const struct ags_envelope *env,
                       const uint8_t digest[AGS_DIGEST_BYTES], int *stale)
{
	uint8_t h[AGS_DIGEST_BYTES];
	size_t i, k, len;

	*stale = 0;
	for (i = 0; i < env->nsigs; i++) {
		const struct ags_signature *sig = &env->sigs[i];
		if (!sig->timestamp)
			continue;
		for (k = 0; k <= sig->nrenewals; k++) {
			const uint8_t *der =
			        k ? sig->renewals[k - 1].der : sig->timestamp;
			len = k ? sig->renewals[k - 1].len : sig->timestamp_len;
			crypto_hash_sha512(h, der, len);
			if (memcmp(h, digest, sizeof(h)) != 0)
				continue;
			if (k == sig->nrenewals)
				return i;
			*stale = 1;
		}
	}
	return env->nsigs;
}

/* Appends a copy of token (len bytes) to sig's renewals. */
static enum ags_err append_renewal(struct ags_signature *sig,
                                   const uint8_t *token, size_t len,
                                   const char *source, struct ags_error *err)
{
	struct ags_renewal *grown;
	uint8_t *copy = malloc(len);

	grown = copy ? realloc(sig->renewals,
	                       (sig->nrenewals + 1) * sizeof(*grown))
	             : NULL;
	if (!grown) {
		free(copy);
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	}
	memcpy(copy, token, len);
	sig->renewals = grown;
	grown[sig->nrenewals].der = copy;
	grown[sig->nrenewals].len = len;
	grown[sig->nrenewals].parsed = NULL;
	sig->nrenewals++;
	return AGS_OK;
}

enum ags_err ags_timestamp_renew(struct ags_envelope *env, size_t *idx,
                                 const uint8_t *token, size_t token_len,
                                 const char *source, struct ags_error *err)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	const char *why = ags_tst_check(token, token_len);
	int stale;
	size_t i;

	if (!why)
		why = ags_tst_imprint(digest, token, token_len);
	if (why)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0, "%s",
		                     why);
	i = chain_of(env, digest, &stale);
	if (i == env->nsigs)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0, "%s",
		                     stale ? "the token renews a token that "
		                             "has been renewed since"
		                           : "the token renews no timestamp "
		                             "token of the envelope");
	if (env->sigs[i].nrenewals + 1 >= AGS_CHAIN_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "the timestamps of signature %zu are a "
		                     "chain of %u tokens, the most allowed",
		                     i + 1, AGS_CHAIN_MAX);
	if (idx)
		*idx = i;
	return append_renewal(&env->sigs[i], token, token_len, source, err);
}
