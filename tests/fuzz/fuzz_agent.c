/* fuzz_agent: the SSH agent reply readers (src/lib/format/agent_msg.c).
 * The first byte chooses the reader, the rest is the reply's body.
 * Properties: a refused reply gets an error naming the socket and no
 * more; an accepted sign response is exactly the one message that holds
 * its signature (type 14, string (string "ssh-ed25519", string of 64
 * bytes)), so no other bytes pass; an accepted list of keys names the
 * key only when its blob is in the reply. */
#include "fuzz_util.h"

#include <string.h>

static const uint8_t pk[AGS_PUBLICKEY_BYTES] = {
        0xd6, 0x79, 0x1e, 0x2f, 0xf5, 0x24, 0x2a, 0xc9, 0x09, 0x09, 0x06,
        0xd2, 0x04, 0x93, 0x73, 0x48, 0x61, 0xb1, 0x26, 0x34, 0x35, 0x99,
        0x67, 0x26, 0xac, 0x19, 0x7a, 0x70, 0x86, 0xeb, 0x5e, 0x4d};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_refused(enum ags_err rc, const struct ags_error *err)
{
	FUZZ_CHECK(rc == AGS_ERR_FORMAT || rc == AGS_ERR_KEY,
	           "unexpected error %d", (int)rc);
	FUZZ_CHECK(err->code == rc && err->text[0] != '\0',
	           "error without a text");
	FUZZ_CHECK(strcmp(err->source, "sock") == 0, "error names %s",
	           err->source);
}

static void sign_reply(const uint8_t *in, size_t n)
{
	struct ags_error err;
	struct ags_buf want = {0}, blob = {0};
	uint8_t sig[AGS_SIGNATURE_BYTES];
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_agent_sign_parse(sig, in, n, "sock", &err);
	if (rc != AGS_OK) {
		check_refused(rc, &err);
		return;
	}
	ags_ssh_put_string(&blob, "ssh-ed25519", 11);
	ags_ssh_put_string(&blob, sig, sizeof(sig));
	ags_ssh_put_u8(&want, 14);
	ags_ssh_put_string(&want, blob.s, blob.len);
	FUZZ_CHECK(!want.failed && want.len == n && memcmp(want.s, in, n) == 0,
	           "an accepted sign response is not the canonical one");
	ags_buf_release(&want);
	ags_buf_release(&blob);
}

static int contains(const uint8_t *in, size_t n, const char *b, size_t bn)
{
	size_t i;

	for (i = 0; i + bn <= n; i++)
		if (memcmp(in + i, b, bn) == 0)
			return 1;
	return 0;
}

static void ids_reply(const uint8_t *in, size_t n)
{
	struct ags_error err;
	struct ags_buf blob = {0};
	enum ags_err rc;
	int held = -1;

	ags_error_clear(&err);
	rc = ags_agent_ids_parse(&held, in, n, pk, "sock", &err);
	if (rc != AGS_OK) {
		check_refused(rc, &err);
		FUZZ_CHECK(held == 0, "a refused list holds the key");
		return;
	}
	FUZZ_CHECK(n >= 5 && in[0] == 12, "accepted a list of type %u",
	           n ? in[0] : 0u);
	ags_agent_key_blob(&blob, pk);
	FUZZ_CHECK(!held || contains(in, n, blob.s, blob.len),
	           "the key is held but its blob is not in the reply");
	ags_buf_release(&blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in;

	if (size == 0 || size > AGS_AGENT_MSG_MAX)
		return 0;
	in = (uint8_t *)fuzz_copy(data + 1, size - 1);
	if (data[0] & 1)
		sign_reply(in, size - 1);
	else
		ids_reply(in, size - 1);
	free(in);
	return 0;
}
