/* OpenSSH private key files ("openssh-key-v1", as ssh-keygen writes
 * them since OpenSSH 7.8), unencrypted and holding one ssh-ed25519 key.
 * The file is armored base64 of: the magic "openssh-key-v1" and a NUL;
 * string cipher, string kdf, string kdf options; uint32 number of keys;
 * string public key blob; string private section. The private section
 * is two equal check integers, the key (string type, string public key,
 * string seed || public key), string comment, and padding 1, 2, 3, ... to
 * a multiple of 8 bytes. Every field is checked; the seed is decoded
 * only into guarded memory, wiped on every path. An encrypted file is
 * refused: its KDF (bcrypt_pbkdf) is not in libsodium, and an agent can
 * hold the key instead. Tested by check_sshkey_private.c and
 * e2e_agent.sh, fuzzed by fuzz_sshkey_private.c. */
#include "key_internal.h"

#include <sodium.h>
#include <string.h>

#define ARMOR_BEGIN  "-----BEGIN OPENSSH PRIVATE KEY-----"
#define ARMOR_END    "-----END OPENSSH PRIVATE KEY-----"
#define MAGIC        "openssh-key-v1" /* and its NUL */
#define TYPE_ED25519 "ssh-ed25519"
#define TYPE_SK      "sk-ssh-ed25519@openssh.com"
#define NAME_MAX_    64u   /* cipher, kdf and key type names */
#define COMMENT_MAX  4096u /* the key's comment */
#define LINE_MAX_    128u  /* base64 characters on one armored line */
#define BLOCK        8u    /* the cipher "none"'s block size */

static enum ags_err bad(struct ags_error *err, const char *source,
                        const char *fmt, ...) AGS_PRINTF(3, 4);
static enum ags_err bad(struct ags_error *err, const char *source,
                        const char *fmt, ...)
{
	char text[sizeof(err->text)];
	va_list ap;

	if (!err)
		return AGS_ERR_FORMAT;
	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
	                     "OpenSSH private key: %s", text);
}

static int starts(const char *s, size_t n, const char *p)
{
	return n >= strlen(p) && memcmp(s, p, strlen(p)) == 0;
}

int ags_seckey_text_is_ssh(const char *buf, size_t len)
{
	return starts(buf, len, ARMOR_BEGIN);
}

/* The end of the line at s (n bytes): the index of its LF, or of the CR
 * of its CRLF; *next is where the next line starts. n when there is no
 * LF. */
static size_t line_end(const char *s, size_t n, size_t *next)
{
	const char *lf = memchr(s, '\n', n);
	size_t e = lf ? (size_t)(lf - s) : n;

	*next = lf ? e + 1 : n;
	return e > 0 && lf && s[e - 1] == '\r' ? e - 1 : e;
}

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* Checks the armor and the shape of the lines between: the BEGIN line,
 * lines of base64 characters, the END line and nothing after it but its
 * line end. *body and *body_len are the base64 lines with their line
 * ends, for sodium_base642bin (which skips CR and LF). */
static enum ags_err unarmor(const char **body, size_t *body_len,
                            const char *buf, size_t len, const char *source,
                            struct ags_error *err)
{
	size_t i, next, e, k;

	e = line_end(buf, len, &next);
	if (e != strlen(ARMOR_BEGIN) || !starts(buf, len, ARMOR_BEGIN))
		return bad(err, source, "the first line is not %s",
		           ARMOR_BEGIN);
	*body = buf + next;
	for (i = next; i < len; i = next) {
		e = i + line_end(buf + i, len - i, &next);
		next += i;
		if (e - i == strlen(ARMOR_END) &&
		    starts(buf + i, len - i, ARMOR_END)) {
			if (next != len || next == e)
				return bad(err, source,
				           "text after the %s line, or no "
				           "line end after it",
				           ARMOR_END);
			*body_len = (size_t)(buf + i - *body);
			return *body_len ? AGS_OK
			                 : bad(err, source, "no key data");
		}
		if (e == i || e - i > LINE_MAX_)
			return bad(err, source,
			           "an empty line, or one longer than %u "
			           "characters, in the key data",
			           LINE_MAX_);
		for (k = i; k < e; k++)
			if (!is_b64(buf[k]))
				return bad(err, source,
				           "a character that is not base64 in "
				           "the key data");
	}
	return bad(err, source, "no %s line", ARMOR_END);
}

/* What read_blob found: pk, and the seed inside the caller's guarded
 * blob (never copied out of it). */
struct sshkey {
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	const uint8_t *seed_pk; /* 64 bytes: seed || public key */
};

static enum ags_err get_string(const uint8_t **s, size_t *n,
                               struct ags_ssh_reader *r, size_t max,
                               const char *what, const char *source,
                               struct ags_error *err)
{
	int rc = ags_ssh_get_string(r, s, n, max);

	return rc == 0 ? AGS_OK
	               : bad(err, source, "%s: %s", what, ags_ssh_strerror(rc));
}

/* A name (cipher, kdf, key type) shown in a message only when it is made
 * of the characters of such names. */
static const char *shown(const uint8_t *s, size_t n, char out[NAME_MAX_ + 1])
{
	size_t i;

	for (i = 0; i < n && i < NAME_MAX_; i++) {
		char c = (char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '@' || c == '.' || c == '_'))
			return "an unknown one";
		out[i] = c;
	}
	out[i] = '\0';
	return i ? out : "an unknown one";
}

static enum ags_err check_type(const uint8_t *t, size_t n, const char *source,
                               struct ags_error *err)
{
	char name[NAME_MAX_ + 1];

	if (ags_ssh_string_is(t, n, TYPE_ED25519))
		return AGS_OK;
	if (ags_ssh_string_is(t, n, TYPE_SK))
		return bad(err, source,
		           "%s is a FIDO security key: FIDO keys sign a "
		           "different message and are not supported yet",
		           TYPE_SK);
	return bad(err, source,
	           "not an Ed25519 key (%s): agreesign takes ssh-ed25519 "
	           "keys only",
	           shown(t, n, name));
}

/* The header: magic, cipher, kdf, its options, one key. */
static enum ags_err read_header(struct ags_ssh_reader *r, const char *source,
                                struct ags_error *err)
{
	const uint8_t *m, *cipher, *kdf, *opts;
	size_t cn, kn, on;
	uint32_t nkeys;
	char a[NAME_MAX_ + 1], b[NAME_MAX_ + 1];

	if (ags_ssh_get_bytes(r, &m, sizeof(MAGIC)) != 0 ||
	    memcmp(m, MAGIC, sizeof(MAGIC)) != 0)
		return bad(err, source, "not an openssh-key-v1 file");
	if (get_string(&cipher, &cn, r, NAME_MAX_, "cipher", source, err) ||
	    get_string(&kdf, &kn, r, NAME_MAX_, "kdf", source, err) ||
	    get_string(&opts, &on, r, r->left, "kdf options", source, err))
		return AGS_ERR_FORMAT;
	if (!ags_ssh_string_is(cipher, cn, "none") ||
	    !ags_ssh_string_is(kdf, kn, "none"))
		return ags_error_set(
		        err, AGS_ERR_KEY, source, 0, 0,
		        "the OpenSSH key is encrypted (cipher %s, kdf %s), "
		        "which agreesign cannot open: add it to your agent "
		        "with 'ssh-add %s' and sign through the agent with "
		        "-k %s.pub",
		        shown(cipher, cn, a), shown(kdf, kn, b), source,
		        source);
	if (on != 0)
		return bad(err, source, "kdf options with the kdf none");
	if (ags_ssh_get_u32(r, &nkeys) != 0)
		return bad(err, source, "number of keys: %s",
		           ags_ssh_strerror(AGS_SSH_SHORT));
	if (nkeys != 1)
		return bad(err, source,
		           "the file holds %lu keys: agreesign reads a file of "
		           "one key",
		           (unsigned long)nkeys);
	return AGS_OK;
}

/* The public key blob: string "ssh-ed25519", string of 32 bytes. */
static enum ags_err read_public(uint8_t pk[AGS_PUBLICKEY_BYTES],
                                struct ags_ssh_reader *r, const char *source,
                                struct ags_error *err)
{
	struct ags_ssh_reader b;
	const uint8_t *blob, *t, *p;
	size_t bn, tn, pn;

	if (get_string(&blob, &bn, r, r->left, "public key", source, err))
		return AGS_ERR_FORMAT;
	ags_ssh_reader_init(&b, blob, bn);
	if (get_string(&t, &tn, &b, NAME_MAX_, "key type", source, err) ||
	    check_type(t, tn, source, err) ||
	    get_string(&p, &pn, &b, AGS_PUBLICKEY_BYTES, "public key", source,
	               err))
		return AGS_ERR_FORMAT;
	if (pn != AGS_PUBLICKEY_BYTES || b.left != 0)
		return bad(err, source,
		           "the public key is not 32 bytes and nothing after");
	memcpy(pk, p, AGS_PUBLICKEY_BYTES);
	return AGS_OK;
}

/* Padding 1, 2, 3, ... up to a multiple of the block: fewer bytes than a
 * block, each its position. */
static enum ags_err check_padding(const struct ags_ssh_reader *r,
                                  const char *source, struct ags_error *err)
{
	size_t i;

	if (r->left >= BLOCK)
		return bad(err, source, "%zu bytes after the key", r->left);
	for (i = 0; i < r->left; i++)
		if (r->p[i] != i + 1)
			return bad(err, source,
			           "the padding is not 1, 2, 3, ...");
	return AGS_OK;
}

/* The private section, which must be the last field of the file. */
static enum ags_err read_private(struct sshkey *k, struct ags_ssh_reader *r,
                                 const char *source, struct ags_error *err)
{
	struct ags_ssh_reader s;
	const uint8_t *sec, *t, *p, *c, *ck;
	size_t sn, tn, pn, kn, cn;

	if (get_string(&sec, &sn, r, r->left, "private section", source, err))
		return AGS_ERR_FORMAT;
	if (r->left != 0)
		return bad(err, source, "bytes after the private section");
	if (sn < BLOCK || sn % BLOCK != 0)
		return bad(err, source,
		           "the private section is not a multiple of %u bytes",
		           BLOCK);
	ags_ssh_reader_init(&s, sec, sn);
	if (ags_ssh_get_bytes(&s, &ck, 8) != 0 || memcmp(ck, ck + 4, 4) != 0)
		return bad(err, source, "the two check numbers differ");
	if (get_string(&t, &tn, &s, NAME_MAX_, "key type", source, err) ||
	    check_type(t, tn, source, err) ||
	    get_string(&p, &pn, &s, AGS_PUBLICKEY_BYTES, "public key", source,
	               err) ||
	    get_string(&k->seed_pk, &kn, &s, 64, "secret key", source, err) ||
	    get_string(&c, &cn, &s, COMMENT_MAX, "comment", source, err))
		return AGS_ERR_FORMAT;
	if (pn != AGS_PUBLICKEY_BYTES ||
	    memcmp(p, k->pk, AGS_PUBLICKEY_BYTES) != 0)
		return bad(
		        err, source,
		        "the private section's public key is not the file's");
	if (kn != 64 || memcmp(k->seed_pk + 32, k->pk, 32) != 0)
		return bad(err, source,
		           "the secret key is not 64 bytes ending with the "
		           "public key");
	return check_padding(&s, source, err);
}

static enum ags_err read_blob(struct sshkey *k, const uint8_t *blob, size_t n,
                              const char *source, struct ags_error *err)
{
	struct ags_ssh_reader r;
	enum ags_err rc;

	ags_ssh_reader_init(&r, blob, n);
	rc = read_header(&r, source, err);
	if (rc == AGS_OK)
		rc = read_public(k->pk, &r, source, err);
	if (rc == AGS_OK)
		rc = read_private(k, &r, source, err);
	return rc;
}

enum ags_err ags_ssh_seckey_parse(struct ags_seckey **out, const char *buf,
                                  size_t len, const char *source,
                                  struct ags_error *err)
{
	const char *body = NULL;
	size_t body_len = 0, n = 0, cap;
	uint8_t *blob;
	struct sshkey k;
	struct ags_pubkey pub;
	enum ags_err rc;

	*out = NULL;
	if (len > AGS_KEYFILE_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, source, 0, 0,
		                     "key file is larger than %u bytes",
		                     AGS_KEYFILE_MAX);
	rc = unarmor(&body, &body_len, buf, len, source, err);
	if (rc != AGS_OK)
		return rc;
	cap = body_len / 4 * 3 + 3;
	if (!(blob = sodium_malloc(cap)))
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	if (sodium_base642bin(blob, cap, body, body_len, "\r\n", &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		rc = bad(
		        err, source,
		        "the key data is not base64 in its canonical spelling");
	if (rc == AGS_OK)
		rc = read_blob(&k, blob, n, source, err);
	if (rc == AGS_OK) {
		ags_pubkey_init(&pub);
		memcpy(pub.pk, k.pk, AGS_PUBLICKEY_BYTES);
		/* The seed must give the public key: else a file could pair
		 * someone's public key with another secret. */
		rc = ags_seckey_from_seed(out, k.seed_pk, &pub, source, 0, err);
	}
	sodium_free(blob);
	return rc;
}

enum ags_err ags_ssh_seckey_parse_public(struct ags_pubkey *out,
                                         const char *buf, size_t len,
                                         const char *source,
                                         struct ags_error *err)
{
	struct ags_seckey *sk = NULL;
	enum ags_err rc;

	/* The whole file is read, as for signing, so that both accept the
	 * same files; only the public half is kept. */
	ags_pubkey_init(out);
	rc = ags_ssh_seckey_parse(&sk, buf, len, source, err);
	if (rc == AGS_OK) {
		memcpy(out->pk, sk->pub.pk, AGS_PUBLICKEY_BYTES);
		memcpy(out->key_id, sk->pub.key_id, sizeof(out->key_id));
	}
	ags_seckey_free(sk);
	return rc;
}
