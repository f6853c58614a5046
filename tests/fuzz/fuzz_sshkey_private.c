/* fuzz_sshkey_private: the OpenSSH private key reader
 * (src/lib/format/sshkey_private.c). Properties: a refused file gets an
 * error naming it and no key; an accepted file begins with the armor, and
 * its key's public half derives from its seed, with the key id of that
 * public key and no identity; the public read accepts exactly the same
 * files, with the same key id. */
#include "fuzz_util.h"

#include <sodium.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_key(const struct ags_seckey *sk, const char *in, size_t n)
{
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	char id[AGS_KEYID_HEX + 1];

	FUZZ_CHECK(ags_seckey_text_is_ssh(in, n), "accepted without armor");
	crypto_sign_ed25519_sk_to_pk(pk, sk->sk);
	FUZZ_CHECK(memcmp(pk, sk->pub.pk, sizeof(pk)) == 0,
	           "the halves of an accepted key do not match");
	ags_key_id(id, sk->pub.pk);
	FUZZ_CHECK(strcmp(id, sk->pub.key_id) == 0, "key id not derived");
	FUZZ_CHECK(!sk->pub.name && !sk->pub.email && !sk->pub.orcid,
	           "an OpenSSH key came with an identity");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	struct ags_seckey *sk = NULL;
	struct ags_pubkey pub;
	struct ags_error err, err2;
	enum ags_err rc, rc2;

	ags_error_clear(&err);
	ags_error_clear(&err2);
	rc = ags_ssh_seckey_parse(&sk, in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		FUZZ_CHECK(sk == NULL, "refused key returned");
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(strcmp(err.source, "fuzz") == 0, "error names %s",
		           err.source);
	} else {
		check_key(sk, in, size);
	}
	rc2 = ags_ssh_seckey_parse_public(&pub, in, size, "fuzz", &err2);
	FUZZ_CHECK((rc == AGS_OK) == (rc2 == AGS_OK),
	           "the public read and the full read disagree");
	if (rc2 == AGS_OK)
		FUZZ_CHECK(strcmp(pub.key_id, sk->pub.key_id) == 0,
		           "the public read gives another key");
	ags_pubkey_release(&pub);
	ags_seckey_free(sk);
	free(in);
	return 0;
}
