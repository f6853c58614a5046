/* Key material: key ids, identities, generation, and sealing the secret
 * seed under a passphrase (Argon2id, then XChaCha20-Poly1305). Seeds,
 * passphrases and derived keys live only in sodium_malloc'd memory, which
 * sodium_free() wipes. The file formats are read in keyfile_parse.c and
 * written in keyfile_format.c. */
#include "key_internal.h"

#include <stdlib.h>
#include <string.h>

#define AEAD_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES

_Static_assert(AGS_PUBLICKEY_BYTES == crypto_sign_PUBLICKEYBYTES,
               "public key size");
_Static_assert(AGS_SEED_BYTES == crypto_sign_SEEDBYTES, "seed size");
_Static_assert(sizeof(((struct ags_seckey *)0)->sk) ==
                       crypto_sign_SECRETKEYBYTES,
               "secret key size");
_Static_assert(AGS_KEYID_BYTES <= crypto_hash_sha512_BYTES, "key id size");

void ags_key_id(char out[AGS_KEYID_HEX + 1],
                const uint8_t pk[AGS_PUBLICKEY_BYTES])
{
	uint8_t h[crypto_hash_sha512_BYTES];

	crypto_hash_sha512(h, pk, AGS_PUBLICKEY_BYTES);
	ags_hex_encode(out, h, AGS_KEYID_BYTES);
}

void ags_pubkey_init(struct ags_pubkey *pub)
{
	memset(pub, 0, sizeof(*pub));
}

void ags_pubkey_release(struct ags_pubkey *pub)
{
	free(pub->name);
	free(pub->email);
	free(pub->orcid);
	pub->name = pub->email = pub->orcid = NULL;
}

/* Duplicates s (NULL stays NULL); sets *failed when out of memory. */
static char *dup_or_null(const char *s, int *failed)
{
	char *p;

	if (!s)
		return NULL;
	p = ags_strndup(s, strlen(s));
	if (!p)
		*failed = 1;
	return p;
}

/* Replaces the identity of pub with copies of name, email and orcid; pub
 * is unchanged when memory runs out. */
static enum ags_err identity_replace(struct ags_pubkey *pub, const char *name,
                                     const char *email, const char *orcid)
{
	int failed = 0;
	char *n = dup_or_null(name, &failed), *e = dup_or_null(email, &failed),
	     *o = dup_or_null(orcid, &failed);

	if (failed) {
		free(n);
		free(e);
		free(o);
		return AGS_ERR_NOMEM;
	}
	ags_pubkey_release(pub);
	pub->name = n;
	pub->email = e;
	pub->orcid = o;
	return AGS_OK;
}

enum ags_err ags_pubkey_copy(struct ags_pubkey *dst,
                             const struct ags_pubkey *src)
{
	enum ags_err rc;

	if (dst == src)
		return AGS_OK;
	rc = identity_replace(dst, src->name, src->email, src->orcid);
	if (rc != AGS_OK)
		return rc;
	memcpy(dst->pk, src->pk, sizeof(dst->pk));
	memcpy(dst->key_id, src->key_id, sizeof(dst->key_id));
	return AGS_OK;
}

const char *ags_identity_check(const char *field, const char *s, size_t len)
{
	const char *why = ags_field_check(s, len);

	if (why)
		return why;
	if (strcmp(field, "email") == 0)
		return ags_email_check(s);
	if (strcmp(field, "orcid") == 0)
		return ags_orcid_check(s);
	return NULL;
}

static enum ags_err check_value(const char *field, const char *s,
                                struct ags_error *err)
{
	const char *why;

	if (!s)
		return AGS_OK;
	why = ags_identity_check(field, s, strlen(s));
	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, field, 0, 0, "%s",
		                     why);
	return AGS_OK;
}

enum ags_err ags_identity_validate(const char *name, const char *email,
                                   const char *orcid, struct ags_error *err)
{
	enum ags_err rc;

	if (!name)
		return ags_error_set(err, AGS_ERR_INVALID, "name", 0, 0,
		                     "a key needs a name");
	rc = check_value("name", name, err);
	if (rc == AGS_OK)
		rc = check_value("email", email, err);
	if (rc == AGS_OK)
		rc = check_value("orcid", orcid, err);
	return rc;
}

enum ags_err ags_pubkey_set_identity(struct ags_pubkey *pub, const char *name,
                                     const char *email, const char *orcid,
                                     struct ags_error *err)
{
	enum ags_err rc = ags_identity_validate(name, email, orcid, err);

	if (rc == AGS_OK && identity_replace(pub, name, email, orcid) != AGS_OK)
		rc = ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                   "out of memory");
	return rc;
}

/* A zeroed secret key in guarded memory, or NULL. */
static struct ags_seckey *seckey_alloc(void)
{
	struct ags_seckey *sk = sodium_malloc(sizeof(*sk));

	if (sk) {
		sodium_memzero(sk, sizeof(*sk));
		ags_pubkey_init(&sk->pub);
	}
	return sk;
}

enum ags_err ags_seckey_generate(struct ags_seckey **out, struct ags_error *err)
{
	struct ags_seckey *sk = seckey_alloc();

	*out = NULL;
	if (!sk)
		return ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                     "out of memory");
	if (crypto_sign_keypair(sk->pub.pk, sk->sk) != 0) {
		ags_seckey_free(sk);
		return ags_error_set(err, AGS_ERR_CRYPTO, NULL, 0, 0,
		                     "cannot generate a key pair");
	}
	ags_key_id(sk->pub.key_id, sk->pub.pk);
	*out = sk;
	return AGS_OK;
}

void ags_seckey_free(struct ags_seckey *sk)
{
	if (!sk)
		return;
	ags_pubkey_release(&sk->pub);
	sodium_free(sk);
}

enum ags_err ags_seckey_from_seed(struct ags_seckey **out,
                                  const uint8_t seed[AGS_SEED_BYTES],
                                  struct ags_pubkey *pub, const char *source,
                                  long line, struct ags_error *err)
{
	struct ags_seckey *sk = seckey_alloc();
	uint8_t pk[AGS_PUBLICKEY_BYTES];

	*out = NULL;
	if (!sk)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	crypto_sign_seed_keypair(pk, sk->sk, seed);
	/* Never pair a secret key with a public key from elsewhere: the
	 * file's public key must be the one the seed gives. */
	if (sodium_memcmp(pk, pub->pk, sizeof(pk)) != 0) {
		ags_seckey_free(sk);
		return ags_error_set(err, AGS_ERR_KEY, source, line, 0,
		                     "public key does not match the secret "
		                     "key");
	}
	memcpy(sk->pub.pk, pk, sizeof(pk));
	ags_key_id(sk->pub.key_id, pk);
	sk->pub.name = pub->name;
	sk->pub.email = pub->email;
	sk->pub.orcid = pub->orcid;
	pub->name = pub->email = pub->orcid = NULL;
	*out = sk;
	return AGS_OK;
}

int ags_kdf_check(unsigned long long opslimit, unsigned long long memlimit)
{
	/* memlimit becomes a size_t: on 32-bit systems SIZE_MAX is lower. */
	const unsigned long long mem_max = AGS_KDF_MEMLIMIT_MAX < SIZE_MAX
	                                           ? AGS_KDF_MEMLIMIT_MAX
	                                           : SIZE_MAX;

	if (opslimit < crypto_pwhash_OPSLIMIT_MIN ||
	    opslimit > AGS_KDF_OPSLIMIT_MAX)
		return -1;
	if (memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > mem_max)
		return -1;
	return 0;
}

/* Argon2id of pass into key (sodium_malloc'd, AEAD_KEY_BYTES). The bounds
 * are checked again here: they decide how much memory Argon2 takes. */
static enum ags_err derive_key(uint8_t *key, const char *pass, size_t pass_len,
                               const struct ags_sealed *s, const char *source,
                               struct ags_error *err)
{
	if (ags_kdf_check(s->kdf.opslimit, s->kdf.memlimit) != 0)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "key derivation cost is out of bounds");
	if (crypto_pwhash(key, AEAD_KEY_BYTES, pass, pass_len, s->salt,
	                  s->kdf.opslimit, s->kdf.memlimit,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ags_error_set(err, AGS_ERR_CRYPTO, source, 0, 0,
		                     "argon2id failed (not enough memory for "
		                     "%zu bytes?)",
		                     s->kdf.memlimit);
	return AGS_OK;
}

enum ags_err ags_seed_seal(struct ags_sealed *s,
                           const uint8_t seed[AGS_SEED_BYTES], const char *pass,
                           size_t pass_len, struct ags_error *err)
{
	uint8_t *key = sodium_malloc(AEAD_KEY_BYTES);
	enum ags_err rc;

	if (!key)
		return ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                     "out of memory");
	rc = derive_key(key, pass, pass_len, s, NULL, err);
	if (rc == AGS_OK)
		crypto_aead_xchacha20poly1305_ietf_encrypt(
		        s->ct, NULL, seed, AGS_SEED_BYTES, s->ad, s->ad_len,
		        NULL, s->nonce, key);
	sodium_free(key);
	return rc;
}

static enum ags_err ask_passphrase(char *pass, size_t *len,
                                   ags_passphrase_fn ask, void *ctx,
                                   const char *source, struct ags_error *err)
{
	*len = 0;
	if (!ask || ask(pass, AGS_PASSPHRASE_MAX, len, ctx) != 0)
		return ags_error_set(err, AGS_ERR_PASSPHRASE, source, 0, 0,
		                     "the secret key is sealed and no "
		                     "passphrase was given");
	if (*len > AGS_PASSPHRASE_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, source, 0, 0,
		                     "the passphrase callback overran its "
		                     "buffer");
	return AGS_OK;
}

enum ags_err ags_seed_unseal(uint8_t seed[AGS_SEED_BYTES],
                             const struct ags_sealed *s, ags_passphrase_fn ask,
                             void *ctx, const char *source,
                             struct ags_error *err)
{
	char *pass = sodium_malloc(AGS_PASSPHRASE_MAX);
	uint8_t *key = sodium_malloc(AEAD_KEY_BYTES);
	size_t pass_len = 0;
	enum ags_err rc = AGS_OK;

	if (!pass || !key)
		rc = ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                   "out of memory");
	if (rc == AGS_OK)
		rc = ask_passphrase(pass, &pass_len, ask, ctx, source, err);
	if (rc == AGS_OK)
		rc = derive_key(key, pass, pass_len, s, source, err);
	/* One message for both: the AEAD cannot tell them apart. */
	if (rc == AGS_OK && crypto_aead_xchacha20poly1305_ietf_decrypt(
	                            seed, NULL, NULL, s->ct, AGS_SEALED_BYTES,
	                            s->ad, s->ad_len, s->nonce, key) != 0)
		rc = ags_error_set(err, AGS_ERR_PASSPHRASE, source, 0, 0,
		                   "wrong passphrase, or the key file was "
		                   "altered");
	sodium_free(pass);
	sodium_free(key);
	return rc;
}

/* Keys must lie in the prime-order group: libsodium accepts a key with a
 * torsion component, under which one secret would sign for eight key ids.
 * A format-layer rule, checked when a key is read (key files, trust
 * stores, envelopes) and again before every verification. */
int ags_public_key_valid(const uint8_t pk[AGS_PUBLICKEY_BYTES])
{
	return crypto_core_ed25519_is_valid_point(pk) == 1;
}
