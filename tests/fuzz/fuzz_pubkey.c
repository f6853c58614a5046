/* fuzz_pubkey: the .pub reader (src/lib/format/keyfile_parse.c).
 * Properties: a refused file gets an error naming a line of it; an
 * accepted one has one spelling, so formatting the parsed key gives back
 * the input byte for byte; its key id is the one derived from the key. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size), *out = NULL;
	char id[AGS_KEYID_HEX + 1];
	struct ags_pubkey pub;
	struct ags_trust t;
	struct ags_error err;
	size_t n = 0;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_pubkey_parse(&pub, in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(pub.name == NULL && pub.email == NULL &&
		                   pub.orcid == NULL,
		           "refused key keeps an identity");
		free(in);
		return 0;
	}
	ags_key_id(id, pub.pk);
	FUZZ_CHECK(strcmp(id, pub.key_id) == 0, "key id not derived");
	FUZZ_CHECK(ags_pubkey_format(&out, &n, &pub, &err) == AGS_OK,
	           "cannot format a parsed key: %s", err.text);
	FUZZ_CHECK(n == size && memcmp(out, in, n) == 0,
	           "a .pub parses but has another spelling");
	FUZZ_CHECK(ags_trust_from_pubkey(&t, &pub, &err) == AGS_OK,
	           "trust from pubkey failed: %s", err.text);
	FUZZ_CHECK(ags_trust_find(&t, pub.pk) == &t.entries[0], "not found");
	ags_trust_release(&t);
	free(out);
	ags_pubkey_release(&pub);
	free(in);
	return 0;
}
