/* Writing the .pub and .key file formats that keyfile_parse.c reads, in
 * their one spelling: formatting what was parsed gives back the same
 * bytes. The seed of a .key, sealed under a passphrase or in the clear,
 * is encoded in place into sodium_malloc'd memory only. Tested by
 * check_key.c. */
#include "key_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends into a fixed buffer; full records that something did not fit. */
struct writer {
	char *buf;
	size_t cap, len;
	int full;
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->full || n > w->cap - w->len) {
		w->full = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_field(struct writer *w, const char *name, const char *value)
{
	put(w, name, strlen(name));
	put(w, ": ", 2);
	put(w, value, strlen(value));
	put(w, "\n", 1);
}

/* Encodes in place, so that a seed never passes through other memory. */
static void put_b64(struct writer *w, const char *name, const uint8_t *bin,
                    size_t n)
{
	/* counts the NUL */
	size_t enc = sodium_base64_ENCODED_LEN(n, AGS_KEYFILE_B64);

	put(w, name, strlen(name));
	put(w, ": ", 2);
	if (w->full || enc > w->cap - w->len) {
		w->full = 1;
		return;
	}
	sodium_bin2base64(w->buf + w->len, enc, bin, n, AGS_KEYFILE_B64);
	w->len += enc - 1;
	put(w, "\n", 1);
}

static void put_decimal(struct writer *w, const char *name,
                        unsigned long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	put_field(w, name, num);
}

/* The lines a .pub and a .key share: header, key id, key, identity. */
static void put_identity(struct writer *w, const char *header,
                         const struct ags_pubkey *pub)
{
	char id[AGS_KEYID_HEX + 1];

	ags_key_id(id, pub->pk);
	put(w, header, strlen(header));
	put(w, "\n", 1);
	put_field(w, "key-id", id);
	put_b64(w, "public-key", pub->pk, sizeof(pub->pk));
	put_field(w, "name", pub->name);
	if (pub->email)
		put_field(w, "email", pub->email);
	if (pub->orcid)
		put_field(w, "orcid", pub->orcid);
}

enum ags_err ags_pubkey_format(char **out, size_t *out_len,
                               const struct ags_pubkey *pub,
                               struct ags_error *err)
{
	struct writer w = {NULL, AGS_KEYFILE_MAX, 0, 0};
	enum ags_err rc;

	*out = NULL;
	*out_len = 0;
	rc = ags_identity_validate(pub->name, pub->email, pub->orcid, err);
	if (rc != AGS_OK)
		return rc;
	w.buf = malloc(w.cap + 1);
	if (!w.buf)
		return ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                     "out of memory");
	put_identity(&w, AGS_FORMAT_PUBKEY, pub);
	if (w.full) { /* cannot happen with fields of AGS_FIELD_MAX */
		free(w.buf);
		return ags_error_set(err, AGS_ERR_TOO_LARGE, NULL, 0, 0,
		                     "public key file would be too large");
	}
	w.buf[w.len] = '\0';
	/* Give back the room a public key file did not need. */
	*out = realloc(w.buf, w.len + 1);
	if (!*out)
		*out = w.buf;
	*out_len = w.len;
	return AGS_OK;
}

static void put_clear(struct writer *w, const struct ags_seckey *sk)
{
	put_field(w, "kdf", AGS_KEYFILE_KDF_NONE);
	put_field(w, "cipher", AGS_KEYFILE_CIPHER_NONE);
	put_b64(w, "secret-key", sk->sk, AGS_SEED_BYTES);
}

static enum ags_err put_sealed(struct writer *w, const struct ags_seckey *sk,
                               const char *pass, size_t pass_len,
                               const struct ags_kdf_params *kdf,
                               struct ags_error *err)
{
	struct ags_sealed s;
	enum ags_err rc;

	s.kdf = *kdf;
	randombytes_buf(s.salt, sizeof(s.salt));
	randombytes_buf(s.nonce, sizeof(s.nonce));
	put_field(w, "kdf", AGS_KEYFILE_KDF_ARGON2ID);
	put_decimal(w, "kdf-opslimit", kdf->opslimit);
	put_decimal(w, "kdf-memlimit", kdf->memlimit);
	put_b64(w, "kdf-salt", s.salt, sizeof(s.salt));
	put_field(w, "cipher", AGS_KEYFILE_CIPHER_XCHACHA);
	put_b64(w, "nonce", s.nonce, sizeof(s.nonce));
	if (w->full)
		return AGS_OK; /* the caller reports it */
	s.ad = (const uint8_t *)w->buf;
	s.ad_len = w->len;
	rc = ags_seed_seal(&s, sk->sk, pass, pass_len, err);
	if (rc == AGS_OK)
		put_b64(w, "secret-key", s.ct, sizeof(s.ct));
	return rc;
}

/* Refuses what a reader would refuse, before anything is derived. */
static enum ags_err check_seal_args(struct ags_kdf_params *kdf,
                                    const char *pass, size_t pass_len,
                                    const struct ags_kdf_params *given,
                                    struct ags_error *err)
{
	kdf->opslimit = given ? given->opslimit : AGS_KDF_OPSLIMIT;
	kdf->memlimit = given ? given->memlimit : AGS_KDF_MEMLIMIT;
	if (!pass)
		return AGS_OK;
	if (pass_len == 0)
		return ags_error_set(err, AGS_ERR_INVALID, "passphrase", 0, 0,
		                     "passphrase is empty");
	if (pass_len > AGS_PASSPHRASE_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, "passphrase", 0, 0,
		                     "passphrase is longer than %u bytes",
		                     AGS_PASSPHRASE_MAX);
	if (ags_kdf_check(kdf->opslimit, kdf->memlimit) != 0)
		return ags_error_set(err, AGS_ERR_INVALID, "kdf", 0, 0,
		                     "key derivation cost is out of bounds");
	return AGS_OK;
}

static enum ags_err check_seckey(const struct ags_seckey *sk,
                                 struct ags_error *err)
{
	if (sodium_memcmp(sk->sk + AGS_SEED_BYTES, sk->pub.pk,
	                  AGS_PUBLICKEY_BYTES) != 0)
		return ags_error_set(
		        err, AGS_ERR_KEY, NULL, 0, 0,
		        "public key does not match the secret key");
	return ags_identity_validate(sk->pub.name, sk->pub.email, sk->pub.orcid,
	                             err);
}

enum ags_err ags_seckey_format(char **out, size_t *out_len,
                               const struct ags_seckey *sk,
                               const char *passphrase, size_t pass_len,
                               const struct ags_kdf_params *kdf,
                               struct ags_error *err)
{
	struct writer w = {NULL, AGS_KEYFILE_MAX, 0, 0};
	struct ags_kdf_params params;
	enum ags_err rc;

	*out = NULL;
	*out_len = 0;
	rc = check_seckey(sk, err);
	if (rc == AGS_OK)
		rc = check_seal_args(&params, passphrase, pass_len, kdf, err);
	if (rc == AGS_OK && !(w.buf = sodium_malloc(w.cap + 1)))
		rc = ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                   "out of memory");
	if (rc != AGS_OK)
		return rc;
	put_identity(&w, AGS_FORMAT_SECKEY, &sk->pub);
	if (passphrase)
		rc = put_sealed(&w, sk, passphrase, pass_len, &params, err);
	else
		put_clear(&w, sk);
	if (rc == AGS_OK && w.full)
		rc = ags_error_set(err, AGS_ERR_TOO_LARGE, NULL, 0, 0,
		                   "secret key file would be too large");
	if (rc != AGS_OK) {
		sodium_free(w.buf);
		return rc;
	}
	w.buf[w.len] = '\0';
	*out = w.buf;
	*out_len = w.len;
	return AGS_OK;
}
