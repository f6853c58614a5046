/* fuzz_seckey: the .key reader (src/lib/format/keyfile_parse.c, key.c),
 * unsealed and sealed, with a fixed passphrase ("fuzz passphrase").
 * Properties: a refused file gets an error naming a line of it and no
 * key; an accepted key's public half derives from its secret half; an
 * unsealed file formats back to the same bytes; a sealed one, sealed again
 * at the lowest cost, opens to the same key; the passphrase is asked for
 * at most once, and only for a sealed file. ags_seckey_parse_public
 * (what sign reads before it asks) accepts every key the full reader
 * accepts, with the same key id and sealing, and asks for nothing.
 * Speed: Argon2id runs on whatever cost the file names within the bounds
 * the reader accepts (up to AGS_KDF_*_MAX: seconds and gigabytes), so
 * inputs that name a cost above FUZZ_OPS_MAX or FUZZ_MEM_MAX but within
 * those bounds are skipped here; costs beyond the bounds still reach the
 * parser, which must refuse them before any derivation. */
#include "fuzz_util.h"

#include <limits.h>
#include <sodium.h>
#include <string.h>

#define PASS         "fuzz passphrase"
#define FUZZ_OPS_MAX 4ull
#define FUZZ_MEM_MAX (64ull * 1024u)

static int asked;

static int ask(char *buf, size_t cap, size_t *len, void *ctx)
{
	(void)ctx;
	asked++;
	FUZZ_CHECK(cap >= sizeof(PASS) - 1, "passphrase buffer of %zu", cap);
	memcpy(buf, PASS, sizeof(PASS) - 1);
	*len = sizeof(PASS) - 1;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

/* The value of every "\n<field>: <digits>" line, saturated; 0 if none. */
static unsigned long long field_max(const char *in, size_t n, const char *f)
{
	size_t fl = strlen(f), i, k;
	unsigned long long v, best = 0;

	for (i = 0; i + fl + 1 < n; i++) {
		if (in[i] != '\n' || memcmp(in + i + 1, f, fl) != 0)
			continue;
		v = 0;
		for (k = i + 1 + fl; k < n && in[k] >= '0' && in[k] <= '9'; k++)
			v = v > ULLONG_MAX / 16
			            ? ULLONG_MAX
			            : v * 10 + (unsigned)(in[k] - '0');
		best = v > best ? v : best;
	}
	return best;
}

static int too_slow(const char *in, size_t n)
{
	unsigned long long ops = field_max(in, n, "kdf-opslimit: ");
	unsigned long long mem = field_max(in, n, "kdf-memlimit: ");

	return (ops > FUZZ_OPS_MAX && ops <= AGS_KDF_OPSLIMIT_MAX) ||
	       (mem > FUZZ_MEM_MAX && mem <= AGS_KDF_MEMLIMIT_MAX);
}

static void check_key(const struct ags_seckey *sk, const char *in, size_t n,
                      int sealed)
{
	static const struct ags_kdf_params low = {1, 8192};
	uint8_t pk[AGS_PUBLICKEY_BYTES], *sk2 = sodium_malloc(64);
	char *out = NULL, id[AGS_KEYID_HEX + 1];
	struct ags_seckey *back = NULL;
	struct ags_error err;
	size_t len = 0;

	FUZZ_CHECK(sk2 != NULL, "out of memory");
	crypto_sign_seed_keypair(pk, sk2, sk->sk);
	FUZZ_CHECK(memcmp(pk, sk->pub.pk, sizeof(pk)) == 0 &&
	                   memcmp(sk2, sk->sk, 64) == 0,
	           "the halves of an accepted key do not match");
	sodium_free(sk2);
	ags_key_id(id, sk->pub.pk);
	FUZZ_CHECK(strcmp(id, sk->pub.key_id) == 0, "key id not derived");
	ags_error_clear(&err);
	if (!sealed) {
		FUZZ_CHECK(ags_seckey_format(&out, &len, sk, NULL, 0, NULL,
		                             &err) == AGS_OK,
		           "cannot format: %s", err.text);
		FUZZ_CHECK(len == n && memcmp(out, in, n) == 0,
		           "an unsealed .key parses but has another spelling");
		sodium_free(out);
		return;
	}
	FUZZ_CHECK(ags_seckey_format(&out, &len, sk, PASS, sizeof(PASS) - 1,
	                             &low, &err) == AGS_OK,
	           "cannot seal again: %s", err.text);
	FUZZ_CHECK(ags_seckey_parse(&back, out, len, "again", ask, NULL,
	                            &err) == AGS_OK,
	           "resealed key does not open: %s", err.text);
	FUZZ_CHECK(sodium_memcmp(back->sk, sk->sk, 64) == 0,
	           "resealed key differs");
	ags_seckey_free(back);
	sodium_free(out);
}

/* The public half read without the secret (sk: the full reader's key, or
 * NULL when it refused the file). */
static void check_public(const struct ags_seckey *sk, const char *in, size_t n)
{
	struct ags_pubkey pub;
	struct ags_error err;
	int was = asked, sealed = -1;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_seckey_parse_public(&pub, &sealed, in, n, "fuzz", &err);
	FUZZ_CHECK(asked == was, "the public read asked for a passphrase");
	if (rc != AGS_OK) {
		FUZZ_CHECK(sk == NULL, "public read refused an accepted key");
		fuzz_check_error(rc, &err, in, n);
		return;
	}
	if (sk) {
		FUZZ_CHECK(strcmp(pub.key_id, sk->pub.key_id) == 0 &&
		                   sealed == (was > 0),
		           "the public read differs from the key");
	}
	ags_pubkey_release(&pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	struct ags_seckey *sk = NULL;
	struct ags_error err;
	enum ags_err rc;

	if (too_slow(in, size)) {
		free(in);
		return -1; /* keep it out of the corpus */
	}
	asked = 0;
	ags_error_clear(&err);
	rc = ags_seckey_parse(&sk, in, size, "fuzz", ask, NULL, &err);
	FUZZ_CHECK(asked <= 1, "passphrase asked %d times", asked);
	if (rc != AGS_OK) {
		FUZZ_CHECK(sk == NULL, "refused key returned");
		fuzz_check_error(rc, &err, in, size);
	} else {
		check_key(sk, in, size, asked);
	}
	check_public(sk, in, size);
	ags_seckey_free(sk);
	free(in);
	return 0;
}
