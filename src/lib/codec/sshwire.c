/* The SSH wire encoding (RFC 4251 §5): what OpenSSH public key blobs, the
 * agent protocol and openssh-key-v1 files are made of. Reading is bounded:
 * a cursor over bytes the caller holds, every length checked against what
 * is left and against a maximum the caller gives, nothing copied (a
 * string read points into the caller's buffer, so a secret stays where the
 * caller put it). Writing appends to an ags_buf. Tested by
 * check_sshwire.c, fuzzed through fuzz_sshpub.c. */
#include "internal.h"

#include <stdint.h>

void ags_ssh_reader_init(struct ags_ssh_reader *r, const void *buf, size_t len)
{
	r->p = buf;
	r->left = len;
}

int ags_ssh_get_bytes(struct ags_ssh_reader *r, const uint8_t **s, size_t n)
{
	if (n > r->left)
		return AGS_SSH_SHORT;
	*s = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int ags_ssh_get_u8(struct ags_ssh_reader *r, uint8_t *v)
{
	const uint8_t *s;

	if (ags_ssh_get_bytes(r, &s, 1) != 0)
		return AGS_SSH_SHORT;
	*v = s[0];
	return 0;
}

int ags_ssh_get_u32(struct ags_ssh_reader *r, uint32_t *v)
{
	const uint8_t *s;

	if (ags_ssh_get_bytes(r, &s, 4) != 0)
		return AGS_SSH_SHORT;
	*v = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 |
	     (uint32_t)s[3];
	return 0;
}

int ags_ssh_get_string(struct ags_ssh_reader *r, const uint8_t **s, size_t *len,
                       size_t max)
{
	struct ags_ssh_reader save = *r;
	uint32_t n;

	if (ags_ssh_get_u32(r, &n) != 0)
		return AGS_SSH_SHORT;
	/* Both checks before the cursor moves: a failed read leaves it. */
	if (n > max) {
		*r = save;
		return AGS_SSH_LONG;
	}
	if (ags_ssh_get_bytes(r, s, n) != 0) {
		*r = save;
		return AGS_SSH_SHORT;
	}
	*len = n;
	return 0;
}

int ags_ssh_string_is(const uint8_t *s, size_t len, const char *want)
{
	size_t n = strlen(want);

	return len == n && memcmp(s, want, n) == 0;
}

const char *ags_ssh_strerror(int rc)
{
	switch (rc) {
	case 0: return "no error";
	case AGS_SSH_SHORT: return "the data ends inside a field";
	case AGS_SSH_LONG: return "a string is longer than this field allows";
	default: return "unknown error";
	}
}

void ags_ssh_put_u8(struct ags_buf *b, uint8_t v)
{
	char c = (char)v;

	ags_buf_put(b, &c, 1);
}

void ags_ssh_put_u32(struct ags_buf *b, uint32_t v)
{
	char s[4];

	s[0] = (char)(v >> 24 & 0xFF);
	s[1] = (char)(v >> 16 & 0xFF);
	s[2] = (char)(v >> 8 & 0xFF);
	s[3] = (char)(v & 0xFF);
	ags_buf_put(b, s, 4);
}

void ags_ssh_put_string(struct ags_buf *b, const void *s, size_t n)
{
	if (n > UINT32_MAX) {
		b->failed = 1;
		return;
	}
	ags_ssh_put_u32(b, (uint32_t)n);
	if (n)
		ags_buf_put(b, s, n);
}
