/* What key.c (key material, sealing) offers the key file formats
 * (keyfile_parse.c reads them, keyfile_format.c writes them), and the
 * spellings those two share; not part of the API. To be folded into
 * internal.h. */
#ifndef AGS_KEY_INTERNAL_H
#define AGS_KEY_INTERNAL_H

#include "internal.h"

#include <sodium.h>

#define AGS_SALT_BYTES  crypto_pwhash_SALTBYTES
#define AGS_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AGS_SEALED_BYTES                                                       \
	(AGS_SEED_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* The values of the kdf and cipher fields of a .key, and the base64 of
 * every binary field: the one spelling of each, read and written. */
#define AGS_KEYFILE_KDF_NONE       "none"
#define AGS_KEYFILE_KDF_ARGON2ID   "argon2id13"
#define AGS_KEYFILE_CIPHER_NONE    "none"
#define AGS_KEYFILE_CIPHER_XCHACHA "xchacha20poly1305-ietf"
#define AGS_KEYFILE_B64            sodium_base64_VARIANT_ORIGINAL

/* A sealed seed as a .key file carries it. ad (ad_len bytes) is the file
 * from its first byte through the LF that ends the "nonce:" line. */
struct ags_sealed {
	struct ags_kdf_params kdf;
	uint8_t salt[AGS_SALT_BYTES];
	uint8_t nonce[AGS_NONCE_BYTES];
	uint8_t ct[AGS_SEALED_BYTES];
	const uint8_t *ad;
	size_t ad_len;
};

/* 0 when opslimit and memlimit lie within the bounds a reader accepts
 * (crypto_pwhash_*_MIN .. AGS_KDF_*_MAX), else -1. */
int ags_kdf_check(unsigned long long opslimit, unsigned long long memlimit);

/* NULL when s (len bytes, NUL-terminated) is acceptable as the identity
 * field named field ("name", "email" or "orcid"), else a static reason. */
const char *ags_identity_check(const char *field, const char *s, size_t len);

/* AGS_OK when name (required), email and orcid (NULL = absent) are
 * acceptable; else AGS_ERR_INVALID with the field as the error source. */
enum ags_err ags_identity_validate(const char *name, const char *email,
                                   const char *orcid, struct ags_error *err);

/* Fills s->ct with the seed sealed under passphrase pass: Argon2id with
 * s->kdf and s->salt, then XChaCha20-Poly1305 with s->nonce and s->ad. */
enum ags_err ags_seed_seal(struct ags_sealed *s,
                           const uint8_t seed[AGS_SEED_BYTES], const char *pass,
                           size_t pass_len, struct ags_error *err);

/* Asks once for the passphrase and opens s into seed (sodium_malloc'd by
 * the caller). AGS_ERR_PASSPHRASE when no passphrase is given, when it is
 * wrong or when the sealed data or ad were altered. */
enum ags_err ags_seed_unseal(uint8_t seed[AGS_SEED_BYTES],
                             const struct ags_sealed *s, ags_passphrase_fn ask,
                             void *ctx, const char *source,
                             struct ags_error *err);

/* Makes a secret key from seed. Its public half must equal pub->pk (else
 * AGS_ERR_KEY, reported at line); on success the identity strings of pub
 * move into (*out)->pub and pub is left without them. */
enum ags_err ags_seckey_from_seed(struct ags_seckey **out,
                                  const uint8_t seed[AGS_SEED_BYTES],
                                  struct ags_pubkey *pub, const char *source,
                                  long line, struct ags_error *err);

#endif
