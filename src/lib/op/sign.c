/* Signing: appends one signature to an envelope. Earlier signatures are
 * never touched, so the bytes they cover stay what they were. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* A key whose public half does not derive from its secret half could
 * make us publish signatures under someone else's name. */
static enum ags_err check_halves(const struct ags_seckey *sk,
                                 struct ags_error *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *tmp = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	int same;

	if (!tmp)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	crypto_sign_seed_keypair(pk, tmp, sk->sk);
	same = sodium_memcmp(pk, sk->pub.pk, sizeof(pk)) == 0 &&
	       sodium_memcmp(tmp, sk->sk, crypto_sign_SECRETKEYBYTES) == 0;
	sodium_free(tmp);
	if (!same)
		return ags_error_set(
		        err, AGS_ERR_KEY, "", 0, 0,
		        "public key does not match the secret key");
	return AGS_OK;
}

static enum ags_err check_append(const struct ags_envelope *env,
                                 const char *key_id, int countersign,
                                 struct ags_error *err)
{
	size_t i;

	if (env->nsigs >= AGS_SIGNATURES_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "envelope already holds %u signatures",
		                     AGS_SIGNATURES_MAX);
	for (i = 0; i < env->nsigs; i++) {
		if (strcmp(env->sigs[i].key_id, key_id) == 0)
			return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
			                     "key %s has already signed this "
			                     "envelope",
			                     key_id);
		if (!countersign && env->sigs[i].is_countersignature)
			return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
			                     "envelope is countersigned: a new "
			                     "signature would break the "
			                     "countersignature");
	}
	return AGS_OK;
}

/* What every reader refuses (spec §4.4, §7): a countersignature in
 * another role than publisher, or one that covers nothing. */
static enum ags_err check_countersign(const struct ags_envelope *env,
                                      const struct ags_signer *s,
                                      struct ags_error *err)
{
	size_t i;

	if (s->role != AGS_ROLE_PUBLISHER)
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "a countersignature is signed in the role "
		                     "publisher, not %s",
		                     ags_role_name(s->role)
		                             ? ags_role_name(s->role)
		                             : "another");
	for (i = 0; i < env->nsigs; i++)
		if (!env->sigs[i].is_countersignature)
			return AGS_OK;
	return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
	                     "nothing to countersign: the envelope holds no "
	                     "plain signature");
}

/* Lists every plain (not countersigning) signature of env, in order. */
static enum ags_err fill_covers(struct ags_signature *sig,
                                const struct ags_envelope *env,
                                struct ags_error *err)
{
	size_t i, n = 0;

	sig->is_countersignature = 1;
	sig->covers = calloc(env->nsigs, sizeof(*sig->covers));
	if (!sig->covers)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	for (i = 0; i < env->nsigs; i++) {
		const struct ags_signature *s = &env->sigs[i];
		if (s->is_countersignature)
			continue;
		memcpy(sig->covers[n].key_id, s->key_id, sizeof(s->key_id));
		crypto_hash_sha512(sig->covers[n].signature_sha512,
		                   s->signature, AGS_SIGNATURE_BYTES);
		n++;
	}
	sig->ncovers = n;
	return AGS_OK;
}

/* The seed's own signer: ctx is the struct ags_seckey. */
static enum ags_err seed_sign(uint8_t sig[AGS_SIGNATURE_BYTES],
                              const uint8_t *msg, size_t len, void *ctx,
                              struct ags_error *err)
{
	const struct ags_seckey *sk = ctx;

	(void)err;
	crypto_sign_detached(sig, NULL, msg, len, sk->sk);
	return AGS_OK;
}

/* Signs the last signature of env with fn. A signature from outside
 * (an agent: another process, another program) is used only once it
 * verifies under the key over exactly this message. */
static enum ags_err sign_last(struct ags_envelope *env, ags_sign_fn fn,
                              void *ctx, int external, struct ags_error *err)
{
	struct ags_signature *sig = &env->sigs[env->nsigs - 1];
	uint8_t *msg = NULL;
	size_t len = 0;
	enum ags_err rc;

	rc = ags_signed_message(&msg, &len, env, env->nsigs - 1, err);
	if (rc == AGS_OK)
		rc = fn(sig->signature, msg, len, ctx, err);
	if (rc == AGS_OK && external &&
	    crypto_sign_verify_detached(sig->signature, msg, len,
	                                sig->public_key) != 0)
		rc = ags_error_set(err, AGS_ERR_CRYPTO, "", 0, 0,
		                   "the signature the signer returned does not "
		                   "verify under key %s: not used",
		                   sig->key_id);
	free(msg);
	return rc;
}

/* An optional text field of the signer block with its own rule: readers
 * check both (spec §4.1, §4.3). */
static const char *text_and(const char *v, const char *(*rule)(const char *))
{
	const char *why;

	if (!v)
		return NULL;
	why = ags_field_check(v, strlen(v));
	return why ? why : rule(v);
}

static enum ags_err check_signer(const struct ags_signer *s,
                                 struct ags_error *err)
{
	const char *why = NULL;
	char when[21];

	if (!s->name)
		why = "a signer name is needed";
	else if (ags_field_check(s->name, strlen(s->name)))
		why = ags_field_check(s->name, strlen(s->name));
	else if (text_and(s->email, ags_email_check))
		why = text_and(s->email, ags_email_check);
	else if (text_and(s->orcid, ags_orcid_check))
		why = text_and(s->orcid, ags_orcid_check);
	else if (!ags_role_name(s->role))
		why = "role must be author, co-author or publisher";
	else if (ags_time_format(when, s->time) != 0)
		why = "signing time must lie between 1970 and 9999";
	return why ? ags_error_set(err, AGS_ERR_INVALID, "signer", 0, 0, "%s",
	                           why)
	           : AGS_OK;
}

/* What every reader will refuse must not be signed in the first place. */
static enum ags_err check_metadata(const struct ags_metadata *md,
                                   struct ags_error *err)
{
	const char *names[] = {"title",       "corresponding_author",
	                       "proceedings", "publisher",
	                       "license",     "agreement_date"};
	const char *values[] = {md->title,       md->corresponding_author,
	                        md->proceedings, md->publisher,
	                        md->license,     md->agreement_date};
	const char *why;
	size_t i;

	for (i = 0; i < 6; i++)
		if (values[i] &&
		    (why = ags_field_check(values[i], strlen(values[i]))))
			return ags_error_set(err, AGS_ERR_INVALID, names[i], 0,
			                     0, "%s", why);
	return AGS_OK;
}

enum ags_err ags_sign_check(const struct ags_envelope *env,
                            const struct ags_pubkey *pub,
                            const struct ags_signer *s, int countersign,
                            struct ags_error *err)
{
	enum ags_err rc;

	rc = check_signer(s, err);
	if (rc == AGS_OK)
		rc = check_metadata(&env->agreement.md, err);
	if (rc == AGS_OK)
		rc = check_append(env, pub->key_id, countersign, err);
	if (rc == AGS_OK && countersign)
		rc = check_countersign(env, s, err);
	return rc;
}

/* Appends a signature by pub, signed by fn (ctx), to env. */
static enum ags_err append(struct ags_envelope *env,
                           const struct ags_pubkey *pub, ags_sign_fn fn,
                           void *ctx, int external, const struct ags_signer *s,
                           int countersign, struct ags_error *err)
{
	struct ags_signature *grown, *sig;
	enum ags_err rc;

	rc = ags_sign_check(env, pub, s, countersign, err);
	if (rc != AGS_OK)
		return rc;
	grown = realloc(env->sigs, (env->nsigs + 1) * sizeof(*grown));
	if (!grown)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	env->sigs = grown;
	sig = &grown[env->nsigs];
	memset(sig, 0, sizeof(*sig));
	memcpy(sig->key_id, pub->key_id, sizeof(sig->key_id));
	memcpy(sig->public_key, pub->pk, AGS_PUBLICKEY_BYTES);
	rc = ags_signer_copy(&sig->signer, s);
	if (rc == AGS_OK && countersign)
		rc = fill_covers(sig, env, err);
	env->nsigs++;
	if (rc == AGS_OK)
		rc = sign_last(env, fn, ctx, external, err);
	if (rc != AGS_OK) {
		env->nsigs--;
		ags_signer_release(&sig->signer);
		free(sig->covers);
	}
	return rc;
}

enum ags_err ags_sign_append(struct ags_envelope *env,
                             const struct ags_seckey *sk,
                             const struct ags_signer *s, int countersign,
                             struct ags_error *err)
{
	enum ags_err rc = check_halves(sk, err);

	/* seed_sign only reads sk: the cast drops a const it keeps. */
	return rc == AGS_OK ? append(env, &sk->pub, seed_sign, (void *)sk, 0, s,
	                             countersign, err)
	                    : rc;
}

enum ags_err ags_sign_append_with(struct ags_envelope *env,
                                  const struct ags_pubkey *pub, ags_sign_fn fn,
                                  void *ctx, const struct ags_signer *s,
                                  int countersign, struct ags_error *err)
{
	if (!ags_public_key_valid(pub->pk))
		return ags_error_set(err, AGS_ERR_KEY, "", 0, 0,
		                     "key %s is not a valid Ed25519 public key "
		                     "(it has a torsion component)",
		                     pub->key_id);
	return append(env, pub, fn, ctx, 1, s, countersign, err);
}
