/* OpenSSH private key files (src/lib/format/sshkey_private.c): a file
 * ssh-keygen wrote is read to its seed; every field of one built here is
 * changed in turn and the change refused with its reason; an encrypted
 * file is refused with the hint to use the agent. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

#define FIXTURES "fuzz/corpus/fuzz_sshkey_private/"
/* ssh-keygen -y of FIXTURES "ed25519.key": its key id */
#define FIXTURE_ID "bc406b2856cfda574b64d90e582316cc"

START_TEST(reads_ssh_keygen_file)
{
	struct ags_seckey *sk = NULL;
	struct ags_pubkey pub;
	struct ags_error err = {0};
	size_t len = 0;
	char *text = tu_read_file(FIXTURES "ed25519.key", &len);
	uint8_t pk[32];

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ags_seckey_text_is_ssh(text, len), 1);
	ck_assert_msg(ags_ssh_seckey_parse(&sk, text, len, "k", &err) == AGS_OK,
	              "%s", err.text);
	ck_assert_str_eq(sk->pub.key_id, FIXTURE_ID);
	ck_assert_ptr_null(sk->pub.name);
	crypto_sign_ed25519_sk_to_pk(pk, sk->sk);
	ck_assert_mem_eq(pk, sk->pub.pk, 32);
	ck_assert_int_eq(
	        ags_ssh_seckey_parse_public(&pub, text, len, "k", &err),
	        AGS_OK);
	ck_assert_str_eq(pub.key_id, FIXTURE_ID);
	ags_pubkey_release(&pub);
	ags_seckey_free(sk);
	free(text);
}
END_TEST

/* ags_seckey_load tells the file by its first line; the public read
 * says it is not sealed. */
START_TEST(load_reads_either_kind)
{
	char path[] = "/tmp/agsXXXXXX";
	struct ags_seckey *sk = NULL;
	struct ags_pubkey pub;
	size_t len = 0;
	char *text = tu_read_file(FIXTURES "ed25519.key", &len);
	int fd = mkstemp(path), sealed = -1;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(ags_seckey_load(&sk, path, NULL, NULL, NULL, NULL),
	                 AGS_OK);
	ck_assert_str_eq(sk->pub.key_id, FIXTURE_ID);
	ck_assert_int_eq(
	        ags_seckey_load_public(&pub, &sealed, path, NULL, NULL),
	        AGS_OK);
	ck_assert_int_eq(sealed, 0);
	ck_assert_str_eq(pub.key_id, FIXTURE_ID);
	ags_pubkey_release(&pub);
	ags_seckey_free(sk);
	unlink(path);
	free(text);
}
END_TEST

START_TEST(refuses_encrypted_and_other_types)
{
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	size_t len = 0;
	char *text = tu_read_file(FIXTURES "encrypted.key", &len);

	ck_assert_int_eq(ags_ssh_seckey_parse(&sk, text, len, "id", &err),
	                 AGS_ERR_KEY);
	ck_assert_msg(strstr(err.text, "encrypted (cipher aes256-ctr, kdf "
	                               "bcrypt)") &&
	                      strstr(err.text, "'ssh-add id'") &&
	                      strstr(err.text, "-k id.pub"),
	              "%s", err.text);
	ck_assert_ptr_null(sk);
	free(text);
	text = tu_read_file(FIXTURES "ecdsa.key", &len);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_ssh_seckey_parse(&sk, text, len, "id", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, "not an Ed25519 key "
	                               "(ecdsa-sha2-nistp256)"),
	              "%s", err.text);
	free(text);
}
END_TEST

/* One way to spoil a file built by build(). */
struct edit {
	const char *cipher, *kdf, *kdfopts, *pubtype, *privtype;
	uint32_t nkeys;
	int pk_len, other_outer_pk, check_differs, seed_other, sk_tail_other;
	int pad; /* 0: right padding, 1: wrong padding byte, 2: a block */
	int trailing;
	const char *why; /* a part of the refusal; NULL: accepted */
};

static const struct edit edits[] = {
        {.why = NULL},
        {.cipher = "aes256-ctr", .kdf = "bcrypt", .why = "is encrypted"},
        {.kdf = "bcrypt", .why = "is encrypted"},
        {.kdfopts = "x", .why = "kdf options with the kdf none"},
        {.nkeys = 2, .why = "the file holds 2 keys"},
        {.pubtype = "ssh-rsa", .why = "not an Ed25519 key (ssh-rsa)"},
        {.pubtype = "sk-ssh-ed25519@openssh.com",
         .why = "FIDO keys sign a different message"},
        {.privtype = "ssh-dss", .why = "not an Ed25519 key (ssh-dss)"},
        {.pk_len = 31, .why = "the public key is not 32 bytes"},
        {.other_outer_pk = 1, .why = "public key is not the file's"},
        {.check_differs = 1, .why = "the two check numbers differ"},
        {.seed_other = 1, .why = "public key does not match the secret"},
        {.sk_tail_other = 1, .why = "64 bytes ending with the public key"},
        {.pad = 1, .why = "the padding is not 1, 2, 3"},
        {.pad = 2, .why = "bytes after the key"},
        {.trailing = 1, .why = "bytes after the private section"},
};

static void put_key_blob(struct ags_buf *b, const char *type, const uint8_t *pk,
                         size_t n)
{
	struct ags_buf blob = {0};

	ags_ssh_put_string(&blob, type, strlen(type));
	ags_ssh_put_string(&blob, pk, n);
	ags_ssh_put_string(b, blob.s, blob.len);
	ags_buf_release(&blob);
}

/* The private section of a key whose seed is seed, spoiled as e says. */
static void put_private(struct ags_buf *b, const struct edit *e,
                        const uint8_t seed[32], const uint8_t pk[32])
{
	struct ags_buf p = {0};
	uint8_t sk[64], other_pk[32], other_sk[64];
	uint8_t i;

	crypto_sign_seed_keypair(other_pk, other_sk, pk); /* any other key */
	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	if (e->seed_other)
		memcpy(sk, other_sk, 32);
	if (e->sk_tail_other)
		memcpy(sk + 32, other_pk, 32);
	ags_ssh_put_u32(&p, 0x12345678);
	ags_ssh_put_u32(&p, e->check_differs ? 0x12345679 : 0x12345678);
	ags_ssh_put_string(&p, e->privtype ? e->privtype : "ssh-ed25519",
	                   strlen(e->privtype ? e->privtype : "ssh-ed25519"));
	ags_ssh_put_string(&p, pk, 32);
	ags_ssh_put_string(&p, sk, 64);
	ags_ssh_put_string(&p, "me@host", 7);
	for (i = 1; p.len % 8 != 0 || (e->pad == 2 && i <= 8); i++)
		ags_ssh_put_u8(&p, e->pad == 1 && i == 2 ? 7 : i);
	ags_ssh_put_string(b, p.s, p.len);
	ags_buf_release(&p);
	sodium_memzero(sk, sizeof(sk));
}

/* An armored openssh-key-v1 file of a fresh key, spoiled as e says, with
 * base64 lines of 70 characters ended by eol. malloc'd. */
static char *build(const struct edit *e, const char *eol)
{
	struct ags_buf b = {0}, out = {0};
	uint8_t seed[32], pk[32], sk[64], other[32];
	const char *cipher = e->cipher ? e->cipher : "none";
	const char *kdf = e->kdf ? e->kdf : "none";
	const char *opts = e->kdfopts ? e->kdfopts : "";
	char *b64;
	size_t i, n;

	randombytes_buf(seed, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	randombytes_buf(other, 32);
	ags_buf_put(&b, "openssh-key-v1", 15); /* with its NUL */
	ags_ssh_put_string(&b, cipher, strlen(cipher));
	ags_ssh_put_string(&b, kdf, strlen(kdf));
	ags_ssh_put_string(&b, opts, strlen(opts));
	ags_ssh_put_u32(&b, e->nkeys ? e->nkeys : 1);
	put_key_blob(&b, e->pubtype ? e->pubtype : "ssh-ed25519",
	             e->other_outer_pk ? other : pk,
	             e->pk_len ? (size_t)e->pk_len : 32);
	put_private(&b, e, seed, pk);
	if (e->trailing)
		ags_ssh_put_u8(&b, 0);
	b64 = ags_b64_encode((const uint8_t *)b.s, b.len);
	ags_buf_printf(&out, "-----BEGIN OPENSSH PRIVATE KEY-----%s", eol);
	for (i = 0, n = strlen(b64); i < n; i += 70) {
		ags_buf_put(&out, b64 + i, n - i < 70 ? n - i : 70);
		ags_buf_puts(&out, eol);
	}
	ags_buf_printf(&out, "-----END OPENSSH PRIVATE KEY-----%s", eol);
	free(b64);
	ags_buf_release(&b);
	return ags_buf_take(&out, NULL);
}

START_TEST(each_field_is_checked)
{
	const struct edit *e = &edits[_i];
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	char *text = build(e, _i == 0 ? "\r\n" : "\n");
	enum ags_err rc =
	        ags_ssh_seckey_parse(&sk, text, strlen(text), "k", &err);

	if (!e->why) {
		ck_assert_msg(rc == AGS_OK, "%s", err.text);
		ck_assert_ptr_nonnull(sk);
	} else {
		ck_assert_int_ne(rc, AGS_OK);
		ck_assert_ptr_null(sk);
		ck_assert_msg(strstr(err.text, e->why), "wanted '%s': %s",
		              e->why, err.text);
		ck_assert_str_eq(err.source, "k");
	}
	ags_seckey_free(sk);
	free(text);
}
END_TEST

/* The armor: what ssh-keygen writes, and nothing else around it. */
static const struct {
	const char *from, *to, *why;
} armor[] = {
        {"-----BEGIN OPENSSH", "-----BEGIN OPENSSL", "the first line is"},
        {"-----END OPENSSH PRIVATE KEY-----\n", "", "no -----END"},
        {"KEY-----\n", "KEY-----\n\n", "an empty line"},
        {"-----END OPENSSH PRIVATE KEY-----\n",
         "-----END OPENSSH PRIVATE KEY-----\nmore\n", "text after"},
        {"-----END OPENSSH PRIVATE KEY-----\n",
         "-----END OPENSSH PRIVATE KEY-----", "no line end after it"},
        {"b3Blbn", "b3B*bn", "not base64"},
        /* unused bits set in the last group (the fixture's padding
         * 1 2 3 4 ends it) */
        {"BA==\n-----END", "BB==\n-----END", "canonical spelling"},
};

START_TEST(armor_is_strict)
{
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	size_t len = 0;
	char *text = tu_read_file(FIXTURES "ed25519.key", &len), *at, *out;
	size_t a, f = strlen(armor[_i].from), t = strlen(armor[_i].to);

	at = strstr(text, armor[_i].from);
	ck_assert_ptr_nonnull(at);
	a = (size_t)(at - text);
	out = malloc(len + t + 1);
	memcpy(out, text, a);
	memcpy(out + a, armor[_i].to, t);
	memcpy(out + a + t, at + f, len - a - f + 1);
	ck_assert_int_eq(ags_ssh_seckey_parse(&sk, out, strlen(out), "k", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, armor[_i].why), "wanted '%s': %s",
	              armor[_i].why, err.text);
	free(out);
	free(text);
}
END_TEST

Suite *sshkey_private_suite(void)
{
	Suite *s = suite_create("sshkey_private");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, reads_ssh_keygen_file);
	tcase_add_test(tc, load_reads_either_kind);
	tcase_add_test(tc, refuses_encrypted_and_other_types);
	tcase_add_loop_test(tc, each_field_is_checked, 0,
	                    (int)(sizeof(edits) / sizeof(edits[0])));
	tcase_add_loop_test(tc, armor_is_strict, 0,
	                    (int)(sizeof(armor) / sizeof(armor[0])));
	suite_add_tcase(s, tc);
	return s;
}
