/* The messages of the SSH agent protocol that agreesign sends and reads
 * (draft-miller-ssh-agent): the list of keys an agent holds, and a
 * signature by one of them. Only the bytes: the socket is op/agent.c's.
 * Every reply is read strictly, with the SSH wire reader
 * (codec/sshwire.c): each length against what is left, the one message
 * type expected, nothing after the last field. Tested by
 * check_agent_msg.c, fuzzed by fuzz_agent.c. */
#include "internal.h"

#include <string.h>

#define TYPE_ED25519 "ssh-ed25519"

/* Message numbers (draft-miller-ssh-agent §6.1). */
#define AGENT_FAILURE           5
#define AGENTC_REQUEST_IDS      11
#define AGENT_IDS_ANSWER        12
#define AGENTC_SIGN_REQUEST     13
#define AGENT_SIGN_RESPONSE     14
#define AGENT2_FAILURE          30 /* older agents' failure */
#define AGENT_COM_FAILURE       102
#define AGENT_EXTENSION_FAILURE 28

/* A key's comment in a list of keys: bounded, like everything. */
#define COMMENT_MAX 4096u

static enum ags_err malformed(struct ags_error *err, const char *source,
                              const char *what, int rc)
{
	return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
	                     "malformed reply from the agent: %s: %s", what,
	                     ags_ssh_strerror(rc));
}

static int is_failure(uint8_t type)
{
	return type == AGENT_FAILURE || type == AGENT2_FAILURE ||
	       type == AGENT_COM_FAILURE || type == AGENT_EXTENSION_FAILURE;
}

/* The type byte of a reply, which must be want or a failure. */
static enum ags_err reply_type(uint8_t *type, struct ags_ssh_reader *r,
                               uint8_t want, const char *source,
                               struct ags_error *err)
{
	int rc = ags_ssh_get_u8(r, type);

	if (rc != 0)
		return malformed(err, source, "message type", rc);
	if (*type == want || is_failure(*type))
		return AGS_OK;
	return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
	                     "malformed reply from the agent: message type %u "
	                     "where %u was expected",
	                     (unsigned)*type, (unsigned)want);
}

void ags_agent_key_blob(struct ags_buf *b,
                        const uint8_t pk[AGS_PUBLICKEY_BYTES])
{
	ags_ssh_put_string(b, TYPE_ED25519, strlen(TYPE_ED25519));
	ags_ssh_put_string(b, pk, AGS_PUBLICKEY_BYTES);
}

void ags_agent_ids_request(struct ags_buf *b)
{
	ags_ssh_put_u8(b, AGENTC_REQUEST_IDS);
}

/* 1 when blob (n bytes) is the ssh-ed25519 key blob of pk. */
static int is_blob_of(const uint8_t *blob, size_t n,
                      const uint8_t pk[AGS_PUBLICKEY_BYTES])
{
	struct ags_buf want = {0};
	int same;

	ags_agent_key_blob(&want, pk);
	same = !want.failed && want.len == n && memcmp(want.s, blob, n) == 0;
	ags_buf_release(&want);
	return same;
}

enum ags_err ags_agent_ids_parse(int *held, const uint8_t *msg, size_t len,
                                 const uint8_t pk[AGS_PUBLICKEY_BYTES],
                                 const char *source, struct ags_error *err)
{
	struct ags_ssh_reader r;
	const uint8_t *blob, *comment;
	size_t blen, clen;
	uint32_t n, i;
	uint8_t type;
	int rc, found = 0;

	/* Set only once the whole reply is read: a malformed one holds
	 * nothing (fuzz_agent found *held left at 1 by a key listed before
	 * a bad byte). */
	*held = 0;
	ags_ssh_reader_init(&r, msg, len);
	if (reply_type(&type, &r, AGENT_IDS_ANSWER, source, err) != AGS_OK)
		return AGS_ERR_FORMAT;
	if (is_failure(type))
		return ags_error_set(err, AGS_ERR_KEY, source, 0, 0,
		                     "the agent refused to list its keys");
	if ((rc = ags_ssh_get_u32(&r, &n)) != 0)
		return malformed(err, source, "number of keys", rc);
	/* Each key takes 8 bytes at least: a count beyond that is a lie,
	 * found out before the loop runs on it. */
	if (n > r.left / 8)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "malformed reply from the agent: %lu keys "
		                     "announced in %zu bytes",
		                     (unsigned long)n, r.left);
	for (i = 0; i < n; i++) {
		if ((rc = ags_ssh_get_string(&r, &blob, &blen, r.left)) != 0)
			return malformed(err, source, "key", rc);
		if ((rc = ags_ssh_get_string(&r, &comment, &clen,
		                             COMMENT_MAX)) != 0)
			return malformed(err, source, "key comment", rc);
		if (is_blob_of(blob, blen, pk))
			found = 1;
	}
	if (r.left != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "malformed reply from the agent: %zu bytes "
		        "after the list of keys",
		        r.left);
	*held = found;
	return AGS_OK;
}

void ags_agent_sign_request(struct ags_buf *b,
                            const uint8_t pk[AGS_PUBLICKEY_BYTES],
                            const uint8_t *data, size_t len)
{
	struct ags_buf blob = {0};

	ags_agent_key_blob(&blob, pk);
	if (blob.failed)
		b->failed = 1;
	ags_ssh_put_u8(b, AGENTC_SIGN_REQUEST);
	ags_ssh_put_string(b, blob.s, blob.len);
	ags_ssh_put_string(b, data, len);
	ags_ssh_put_u32(b, 0); /* flags: none apply to Ed25519 */
	ags_buf_release(&blob);
}

/* The signature blob: string "ssh-ed25519", string of 64 bytes, nothing
 * after (RFC 8709 §6). */
static enum ags_err read_sig_blob(uint8_t sig[AGS_SIGNATURE_BYTES],
                                  const uint8_t *blob, size_t n,
                                  const char *source, struct ags_error *err)
{
	struct ags_ssh_reader r;
	const uint8_t *s;
	size_t len;
	int rc;

	ags_ssh_reader_init(&r, blob, n);
	if ((rc = ags_ssh_get_string(&r, &s, &len, n)) != 0)
		return malformed(err, source, "signature type", rc);
	if (!ags_ssh_string_is(s, len, TYPE_ED25519))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "the agent's signature is not an %s "
		                     "signature",
		                     TYPE_ED25519);
	rc = ags_ssh_get_string(&r, &s, &len, AGS_SIGNATURE_BYTES);
	if (rc == AGS_SSH_LONG || (rc == 0 && len != AGS_SIGNATURE_BYTES))
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "malformed reply from the agent: an Ed25519 "
		        "signature of other than %u bytes",
		        AGS_SIGNATURE_BYTES);
	if (rc != 0)
		return malformed(err, source, "signature", rc);
	if (r.left != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "malformed reply from the agent: %zu bytes "
		        "after the signature",
		        r.left);
	memcpy(sig, s, AGS_SIGNATURE_BYTES);
	return AGS_OK;
}

enum ags_err ags_agent_sign_parse(uint8_t sig[AGS_SIGNATURE_BYTES],
                                  const uint8_t *msg, size_t len,
                                  const char *source, struct ags_error *err)
{
	struct ags_ssh_reader r;
	const uint8_t *blob;
	size_t blen;
	uint8_t type;
	int rc;

	ags_ssh_reader_init(&r, msg, len);
	if (reply_type(&type, &r, AGENT_SIGN_RESPONSE, source, err) != AGS_OK)
		return AGS_ERR_FORMAT;
	/* The key is in the agent (the list said so): a failure now is the
	 * agent's no, a confirmation denied or a token not touched. */
	if (is_failure(type))
		return ags_error_set(
		        err, AGS_ERR_KEY, source, 0, 0,
		        "the agent refused to sign (a confirmation "
		        "denied, a security key not touched, or "
		        "the agent's own policy)");
	if ((rc = ags_ssh_get_string(&r, &blob, &blen, r.left)) != 0)
		return malformed(err, source, "signature", rc);
	if (r.left != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "malformed reply from the agent: %zu bytes "
		        "after the signature",
		        r.left);
	return read_sig_blob(sig, blob, blen, source, err);
}
