/* OpenSSH public keys: one line of a .pub file that ssh-keygen writes,
 * of an authorized_keys file, or of a forge's USER.keys. Only
 * "ssh-ed25519" keys are taken: their 32 bytes are an Ed25519 public key
 * exactly as agreesign's own .pub holds one, so they get the same key id
 * and the same validity rule (ags_public_key_valid). Other kinds are
 * refused with a message that says what they are. The key blob is read
 * with the SSH wire reader (codec/sshwire.c). Tested by check_sshkey.c,
 * fuzzed by fuzz_sshpub.c. Spec: §8.4. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TYPE_ED25519 "ssh-ed25519"
#define TYPE_SK      "sk-ssh-ed25519@openssh.com"
#define CERT_SUFFIX  "-cert-v01@openssh.com"
/* An Ed25519 blob is 51 bytes, 68 characters of base64; an RSA key of
 * 16384 bits is under 3 KiB. Longer key data is not a key. */
#define B64_MAX  8192u
#define TYPE_MAX 64u

enum kind { K_UNKNOWN, K_ED25519, K_FIDO, K_CERT, K_OTHER };

static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static int has_suffix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s + n - k, p, k) == 0;
}

/* What a word names as an OpenSSH key type. OpenSSH's types all begin
 * with "ssh-", "ecdsa-" or "sk-" (the RFC 4253 names and OpenSSH's own);
 * certificates end in -cert-v01@openssh.com. */
static enum kind kind_of(const char *s, size_t n)
{
	if (n == strlen(TYPE_ED25519) && has_prefix(s, n, TYPE_ED25519))
		return K_ED25519;
	if (has_suffix(s, n, CERT_SUFFIX))
		return K_CERT;
	if (n == strlen(TYPE_SK) && has_prefix(s, n, TYPE_SK))
		return K_FIDO;
	if (has_prefix(s, n, "ssh-") || has_prefix(s, n, "ecdsa-") ||
	    has_prefix(s, n, "sk-"))
		return K_OTHER;
	return K_UNKNOWN;
}

int ags_ssh_is_key_type(const char *s, size_t n)
{
	return kind_of(s, n) != K_UNKNOWN;
}

/* 1 when s (n bytes) may be shown in a message as it is: a key type's
 * characters, and short. */
static int showable(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TYPE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '@' || c == '.' ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t ags_ssh_skip_blank(const char *s, size_t n, size_t i)
{
	while (i < n && blank(s[i]))
		i++;
	return i;
}

size_t ags_ssh_field_end(const char *s, size_t n, size_t i)
{
	int quoted = 0;

	for (; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted && s[i] == '\\' && i + 1 < n)
			i++;
		else if (!quoted && blank(s[i]))
			break;
	}
	return i;
}

static enum ags_err fail(struct ags_error *err, const char *source, long line,
                         const char *fmt, ...) AGS_PRINTF(4, 5);
static enum ags_err fail(struct ags_error *err, const char *source, long line,
                         const char *fmt, ...)
{
	char text[sizeof(err->text)];
	va_list ap;

	if (!err)
		return AGS_ERR_FORMAT;
	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(err, AGS_ERR_FORMAT, source, line, 0, "%s", text);
}

/* The refusal of a key type agreesign does not take. */
static enum ags_err refuse_kind(enum kind k, const char *t, size_t n,
                                const char *source, long line,
                                struct ags_error *err)
{
	int show = showable(t, n);

	if (k == K_FIDO)
		return fail(err, source, line,
		            "%s is a FIDO security key: FIDO keys sign a "
		            "different message and are not supported yet",
		            TYPE_SK);
	if (k == K_CERT)
		return fail(err, source, line,
		            "%.*s is an OpenSSH certificate, not a key: give "
		            "the key itself (its .pub, not its -cert.pub)",
		            show ? (int)n : 0, show ? t : "");
	return fail(err, source, line,
	            "not an Ed25519 key (%.*s%s): agreesign takes ssh-ed25519 "
	            "keys only",
	            show ? (int)n : 0, show ? t : "",
	            show ? "" : "an unknown key type");
}

/* Reads the key blob (the decoded key data) of an ssh-ed25519 line into
 * pk: string "ssh-ed25519", string of 32 bytes, nothing after. */
static enum ags_err read_blob(uint8_t pk[AGS_PUBLICKEY_BYTES],
                              const uint8_t *blob, size_t n, const char *source,
                              long line, struct ags_error *err)
{
	struct ags_ssh_reader r;
	const uint8_t *s;
	size_t len;
	int rc;

	ags_ssh_reader_init(&r, blob, n);
	rc = ags_ssh_get_string(&r, &s, &len, TYPE_MAX);
	if (rc != 0)
		return fail(err, source, line, "key data: key type: %s",
		            ags_ssh_strerror(rc));
	if (!ags_ssh_string_is(s, len, TYPE_ED25519))
		return fail(err, source, line,
		            "the key data is of another type than the line "
		            "names (%s)",
		            TYPE_ED25519);
	rc = ags_ssh_get_string(&r, &s, &len, AGS_PUBLICKEY_BYTES);
	if (rc == AGS_SSH_LONG || (rc == 0 && len != AGS_PUBLICKEY_BYTES))
		return fail(err, source, line,
		            "the key data holds a public key that is not %u "
		            "bytes",
		            AGS_PUBLICKEY_BYTES);
	if (rc != 0)
		return fail(err, source, line, "key data: public key: %s",
		            ags_ssh_strerror(rc));
	if (r.left != 0)
		return fail(err, source, line,
		            "%zu bytes after the public key in the key data",
		            r.left);
	memcpy(pk, s, AGS_PUBLICKEY_BYTES);
	return AGS_OK;
}

static enum ags_err read_key_data(uint8_t pk[AGS_PUBLICKEY_BYTES],
                                  const char *b64, size_t n, const char *source,
                                  long line, struct ags_error *err)
{
	uint8_t *blob = NULL;
	size_t blen = 0;
	enum ags_err rc;

	if (n == 0)
		return fail(err, source, line, "no key data after %s",
		            TYPE_ED25519);
	if (n > B64_MAX)
		return fail(err, source, line, "the key data is too long");
	if (ags_b64_decode_alloc(&blob, &blen, b64, n) != 0)
		return fail(err, source, line,
		            "the key data is not base64 in its one canonical "
		            "spelling (RFC 4648: padded, no white space)");
	rc = read_blob(pk, blob, blen, source, line, err);
	free(blob);
	if (rc == AGS_OK && !ags_public_key_valid(pk))
		rc = fail(err, source, line,
		          "not a valid Ed25519 public key (it must be a point "
		          "of the prime-order group)");
	return rc;
}

/* The comment: the rest of the line, its blanks around it dropped;
 * *out NULL when there is none. */
static enum ags_err take_comment(char **out, const char *s, size_t n,
                                 struct ags_error *err)
{
	size_t i = ags_ssh_skip_blank(s, n, 0);

	*out = NULL;
	while (n > i && blank(s[n - 1]))
		n--;
	if (n == i)
		return AGS_OK;
	*out = ags_strndup(s + i, n - i);
	if (!*out)
		return ags_error_set(err, AGS_ERR_NOMEM, NULL, 0, 0,
		                     "out of memory");
	return AGS_OK;
}

enum ags_err ags_sshkey_parse_key(struct ags_pubkey *out, char **comment,
                                  const char *s, size_t n, const char *source,
                                  long line, struct ags_error *err)
{
	size_t i = ags_ssh_skip_blank(s, n, 0), t_end, d, d_end;
	enum kind k;
	enum ags_err rc;

	ags_pubkey_init(out);
	if (comment)
		*comment = NULL;
	t_end = ags_ssh_field_end(s, n, i);
	k = kind_of(s + i, t_end - i);
	if (k != K_ED25519)
		return refuse_kind(k, s + i, t_end - i, source, line, err);
	d = ags_ssh_skip_blank(s, n, t_end);
	d_end = d;
	while (d_end < n && !blank(s[d_end]))
		d_end++;
	rc = read_key_data(out->pk, s + d, d_end - d, source, line, err);
	if (rc != AGS_OK)
		return rc;
	ags_key_id(out->key_id, out->pk);
	if (comment)
		rc = take_comment(comment, s + d_end, n - d_end, err);
	return rc;
}

/* 1 when the options field o (n bytes) holds the option cert-authority
 * (case-insensitive, as OpenSSH reads option names). */
static int is_cert_authority(const char *o, size_t n)
{
	const char *want = "cert-authority";
	size_t k = strlen(want), i = 0, j;

	while (i <= n) {
		int quoted = 0;
		for (j = i; j < n && (quoted || o[j] != ','); j++)
			if (o[j] == '"')
				quoted = !quoted;
		if (j - i == k && strncasecmp(o + i, want, k) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

enum ags_err ags_sshkey_parse_line(struct ags_pubkey *out, char **comment,
                                   const char *s, size_t n, const char *source,
                                   long line, struct ags_error *err)
{
	size_t i = ags_ssh_skip_blank(s, n, 0), e = ags_ssh_field_end(s, n, i);
	size_t j = ags_ssh_skip_blank(s, n, e), f = ags_ssh_field_end(s, n, j);

	ags_pubkey_init(out);
	if (comment)
		*comment = NULL;
	if (memchr(s, '\0', n) || memchr(s, '\r', n))
		return fail(err, source, line,
		            "a NUL byte or carriage return in the line");
	if (i == n)
		return fail(err, source, line, "no key on the line");
	/* A first word that is no key type, followed by one that is: the
	 * first is authorized_keys options (from="...",no-pty), which say
	 * how sshd lets the key log in and mean nothing here. Except one:
	 * a cert-authority key signs certificates, not agreements. */
	if (kind_of(s + i, e - i) == K_UNKNOWN && j < n &&
	    kind_of(s + j, f - j) != K_UNKNOWN) {
		if (is_cert_authority(s + i, e - i))
			return fail(err, source, line,
			            "a cert-authority key signs certificates, "
			            "not agreements: not taken as a signer's "
			            "key");
		i = j;
	} else if (kind_of(s + i, e - i) == K_UNKNOWN) {
		return fail(err, source, line,
		            "not an OpenSSH public key line (key type, key "
		            "data, comment)");
	}
	return ags_sshkey_parse_key(out, comment, s + i, n - i, source, line,
	                            err);
}

/* 1 when the line (n bytes) holds nothing to read: blank, or a comment. */
static int skipped_line(const char *s, size_t n)
{
	size_t i = ags_ssh_skip_blank(s, n, 0);

	return i == n || s[i] == '#';
}

enum ags_err ags_sshkey_parse(struct ags_pubkey *out, char **comment,
                              const char *buf, size_t len, const char *source,
                              struct ags_error *err)
{
	const char *p = buf, *end = buf + len, *key = NULL;
	size_t key_len = 0;
	long line = 0, key_line = 0;

	ags_pubkey_init(out);
	if (comment)
		*comment = NULL;
	/* The likeliest mistake: ~/.ssh/id_ed25519 for ~/.ssh/id_ed25519.pub
	 * (or a PEM file of any kind). */
	if (has_prefix(buf, len, "-----BEGIN"))
		return fail(err, source, 1,
		            "a private key file, not a public key: give its "
		            ".pub");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		line++;
		if (!skipped_line(p, n)) {
			if (key)
				return fail(
				        err, source, line,
				        "a second key (the first is on line "
				        "%ld): a key file holds one key; keep "
				        "the line of the key you mean",
				        key_line);
			key = p;
			key_len = n;
			key_line = line;
		}
		p = nl ? nl + 1 : end;
	}
	if (!key)
		return fail(err, source, 0,
		            "no OpenSSH public key in the file");

	return ags_sshkey_parse_line(out, comment, key, key_len, source,
	                             key_line, err);
}

int ags_pubkey_text_is_ssh(const char *buf, size_t len)
{
	static const char own[] = "agreesign ";

	return !(len >= sizeof(own) - 1 &&
	         memcmp(buf, own, sizeof(own) - 1) == 0);
}

enum ags_err ags_pubkey_parse_any(struct ags_pubkey *out, char **comment,
                                  const char *buf, size_t len,
                                  const char *source, struct ags_error *err)
{
	if (comment)
		*comment = NULL;
	if (ags_pubkey_text_is_ssh(buf, len))
		return ags_sshkey_parse(out, comment, buf, len, source, err);
	return ags_pubkey_parse(out, buf, len, source, err);
}

enum ags_err ags_pubkey_load_any(struct ags_pubkey *out, char **comment,
                                 const char *path, struct ags_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	enum ags_err rc;

	ags_pubkey_init(out);
	if (comment)
		*comment = NULL;
	rc = ags_file_read(&buf, &len, path, AGS_KEYFILE_MAX, err);
	if (rc == AGS_OK)
		rc = ags_pubkey_parse_any(out, comment, buf, len, path, err);
	free(buf);
	return rc;
}
