/* Keys: generation, the .pub and .key formats, sealing, key files on
 * disk. The known-answer values come from PyNaCl (an independent Ed25519):
 *   seed = bytes(range(1, 33))
 *   pk   = nacl.signing.SigningKey(seed).verify_key
 *   id   = hashlib.sha512(pk).hexdigest()[:32]                          */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agreesign.h"
#include "test_util.h"

#define KAT_PK_HEX                                                             \
	"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"
#define KAT_PK_B64   "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
#define KAT_ID       "7b6a1405e47be084864fc74eb876beb7"
#define KAT_SEED_B64 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
/* A second key, seed = bytes(range(33, 65)). */
#define OTHER_PK_B64   "5/FioQvsVZr+oZXk3OhLaVaNXSywlj60RsBoXisX8vA="
#define OTHER_ID       "2294056b468fa429ac9873cb1a5bb78e"
#define OTHER_SEED_B64 "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A="

#define IDENTITY                                                               \
	"name: Ada Lovelace\n"                                                 \
	"email: ada@example.org\n"                                             \
	"orcid: 0000-0002-1825-0097\n"

static const char kat_pub[] = "agreesign public key v1\n"
                              "key-id: " KAT_ID "\n"
                              "public-key: " KAT_PK_B64 "\n" IDENTITY;

static const char kat_key[] =
        "agreesign secret key v1\n"
        "key-id: " KAT_ID "\n"
        "public-key: " KAT_PK_B64 "\n" IDENTITY "kdf: none\n"
        "cipher: none\n"
        "secret-key: " KAT_SEED_B64 "\n";

static const struct ags_kdf_params cheap = {1, 8192};

/* ---- helpers -------------------------------------------------------- */

struct pass_ctx {
	const char *pass;
	int calls;
	int refuse;
	size_t extra; /* reported beyond the bytes written: a lying callback */
};

static int ask_cb(char *buf, size_t cap, size_t *len, void *ctx)
{
	struct pass_ctx *c = ctx;
	size_t n = c->pass ? strlen(c->pass) : 0;

	c->calls++;
	ck_assert_uint_eq(cap, AGS_PASSPHRASE_MAX);
	if (c->refuse || n > cap)
		return -1;
	memcpy(buf, c->pass, n);
	*len = n + c->extra;
	return 0;
}

/* text with the first occurrence of from replaced by to (which must be
 * there: a typo in a table must not pass as a refused file). */
static char *replace(const char *text, const char *from, const char *to,
                     size_t *out_len)
{
	const char *at = strstr(text, from);
	size_t head, n;
	char *out;

	ck_assert_msg(at != NULL, "'%s' not found in the test file", from);
	head = (size_t)(at - text);
	n = strlen(text) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, text, head);
	memcpy(out + head, to, strlen(to));
	memcpy(out + head + strlen(to), at + strlen(from),
	       strlen(at + strlen(from)) + 1);
	if (out_len)
		*out_len = n;
	return out;
}

/* text with the whole line that starts with prefix replaced by line (or
 * removed when line is ""). */
static char *replace_line(const char *text, const char *prefix,
                          const char *line)
{
	const char *at = strstr(text, prefix), *end;
	char from[4096], to[4096];

	ck_assert_msg(at != NULL, "'%s' not found in the test file", prefix);
	end = strchr(at, '\n');
	ck_assert_ptr_nonnull(end);
	snprintf(from, sizeof(from), "%.*s", (int)(end + 1 - at), at);
	snprintf(to, sizeof(to), "%s%s", line, *line ? "\n" : "");
	return replace(text, from, to, NULL);
}

static struct ags_seckey *parse_kat(void)
{
	struct ags_seckey *sk = NULL;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_parse(&sk, kat_key, strlen(kat_key), "kat",
	                                  NULL, NULL, &err),
	                 AGS_OK);
	return sk;
}

/* The KAT key sealed with "correct horse" under the cheap KDF, as a
 * malloc'd NUL-terminated copy. */
static char *sealed_kat(size_t *len)
{
	struct ags_seckey *sk = parse_kat();
	char *text = NULL, *copy;
	size_t n = 0;

	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, "correct horse", 13,
	                                   &cheap, NULL),
	                 AGS_OK);
	copy = malloc(n + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, text, n + 1);
	sodium_free(text);
	ags_seckey_free(sk);
	if (len)
		*len = n;
	return copy;
}

static void assert_same_key(const struct ags_seckey *a,
                            const struct ags_seckey *b)
{
	ck_assert_int_eq(memcmp(a->sk, b->sk, sizeof(a->sk)), 0);
	ck_assert_int_eq(memcmp(a->pub.pk, b->pub.pk, sizeof(a->pub.pk)), 0);
	ck_assert_str_eq(a->pub.key_id, b->pub.key_id);
	ck_assert_str_eq(a->pub.name, b->pub.name);
	ck_assert_pstr_eq(a->pub.email, b->pub.email);
	ck_assert_pstr_eq(a->pub.orcid, b->pub.orcid);
}

/* ---- temporary directory -------------------------------------------- */

static char tmpdir[64];

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ags-check-key-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void tpath(char p[PATH_MAX], const char *name)
{
	snprintf(p, PATH_MAX, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- known answer --------------------------------------------------- */

START_TEST(test_known_answer)
{
	struct ags_seckey *sk = parse_kat();
	uint8_t seed[32], pk[32];
	size_t pk_len = 0, i;
	uint8_t *want = tu_unhex(KAT_PK_HEX, &pk_len);
	char id[AGS_KEYID_HEX + 1], *text = NULL;
	size_t n = 0;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	ck_assert_uint_eq(pk_len, 32);
	ck_assert_int_eq(memcmp(sk->pub.pk, want, 32), 0);
	ck_assert_int_eq(memcmp(sk->sk, seed, 32), 0);
	ck_assert_int_eq(memcmp(sk->sk + 32, want, 32), 0);
	ck_assert_str_eq(sk->pub.key_id, KAT_ID);
	memcpy(pk, want, 32);
	ags_key_id(id, pk);
	ck_assert_str_eq(id, KAT_ID);
	ck_assert_str_eq(sk->pub.name, "Ada Lovelace");
	ck_assert_str_eq(sk->pub.email, "ada@example.org");
	ck_assert_str_eq(sk->pub.orcid, "0000-0002-1825-0097");

	/* Formatting is deterministic for unsealed keys and .pub files. */
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, NULL, 0, NULL, NULL),
	                 AGS_OK);
	ck_assert_uint_eq(n, strlen(kat_key));
	ck_assert_str_eq(text, kat_key);
	sodium_free(text);
	ck_assert_int_eq(ags_pubkey_format(&text, &n, &sk->pub, NULL), AGS_OK);
	ck_assert_uint_eq(n, strlen(kat_pub));
	ck_assert_str_eq(text, kat_pub);
	free(text);
	free(want);
	ags_seckey_free(sk);
}
END_TEST

START_TEST(test_pubkey_parse_kat)
{
	struct ags_pubkey pub;
	struct ags_error err;
	size_t n = 0;
	uint8_t *want = tu_unhex(KAT_PK_HEX, &n);

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_pubkey_parse(&pub, kat_pub, strlen(kat_pub), "kat", &err),
	        AGS_OK);
	ck_assert_int_eq(memcmp(pub.pk, want, 32), 0);
	ck_assert_str_eq(pub.key_id, KAT_ID);
	ck_assert_str_eq(pub.name, "Ada Lovelace");
	ck_assert_str_eq(pub.email, "ada@example.org");
	ck_assert_str_eq(pub.orcid, "0000-0002-1825-0097");
	ags_pubkey_release(&pub);
	ck_assert_ptr_null(pub.name);
	free(want);
}
END_TEST

/* ---- generation and round trips ------------------------------------- */

START_TEST(test_generate)
{
	struct ags_seckey *a = NULL, *b = NULL;
	char id[AGS_KEYID_HEX + 1];

	ck_assert_int_eq(ags_seckey_generate(&a, NULL), AGS_OK);
	ck_assert_int_eq(ags_seckey_generate(&b, NULL), AGS_OK);
	ck_assert_int_ne(memcmp(a->sk, b->sk, 64), 0);
	ck_assert_int_eq(memcmp(a->sk + 32, a->pub.pk, 32), 0);
	ags_key_id(id, a->pub.pk);
	ck_assert_str_eq(a->pub.key_id, id);
	ck_assert_ptr_null(a->pub.name);
	ck_assert_ptr_null(a->pub.email);
	ags_seckey_free(a);
	ags_seckey_free(b);
	ags_seckey_free(NULL);
}
END_TEST

/* Identities: name only, name + email, all three. */
static const char *const identities[][3] = {
        {"Grace Hopper", NULL, NULL},
        {"Grace Hopper", "grace@example.org", NULL},
        {"Émilie du Châtelet", "emilie@example.org", "0000-0002-1694-233X"},
};

static struct ags_seckey *generate_with(int i)
{
	struct ags_seckey *sk = NULL;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_generate(&sk, &err), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&sk->pub, identities[i][0],
	                                         identities[i][1],
	                                         identities[i][2], &err),
	                 AGS_OK);
	return sk;
}

START_TEST(test_roundtrip_clear)
{
	struct ags_seckey *sk = generate_with(_i), *back = NULL;
	struct ags_pubkey pub;
	char *text = NULL, *ptext = NULL;
	size_t n = 0, pn = 0;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, NULL, 0, NULL, &err),
	                 AGS_OK);
	ck_assert_ptr_nonnull(strstr(text, "\nkdf: none\ncipher: none\n"));
	ck_assert_int_eq(
	        ags_seckey_parse(&back, text, n, "t", NULL, NULL, &err),
	        AGS_OK);
	assert_same_key(sk, back);
	ck_assert_int_eq(ags_pubkey_format(&ptext, &pn, &sk->pub, &err),
	                 AGS_OK);
	ck_assert_uint_eq(pn, strlen(ptext));
	ck_assert_int_eq(ags_pubkey_parse(&pub, ptext, pn, "t", &err), AGS_OK);
	ck_assert_int_eq(memcmp(pub.pk, sk->pub.pk, 32), 0);
	ck_assert_str_eq(pub.key_id, sk->pub.key_id);
	ck_assert_pstr_eq(pub.email, sk->pub.email);
	ck_assert_pstr_eq(pub.orcid, sk->pub.orcid);
	ags_pubkey_release(&pub);
	free(ptext);
	sodium_free(text);
	ags_seckey_free(back);
	ags_seckey_free(sk);
}
END_TEST

START_TEST(test_roundtrip_sealed)
{
	struct ags_seckey *sk = generate_with(_i), *back = NULL;
	struct pass_ctx ctx = {"correct horse battery staple", 0, 0, 0};
	char *text = NULL, *text2 = NULL;
	size_t n = 0, n2 = 0;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, ctx.pass,
	                                   strlen(ctx.pass), &cheap, &err),
	                 AGS_OK);
	ck_assert_ptr_nonnull(strstr(text, "\nkdf: argon2id13\n"
	                                   "kdf-opslimit: 1\n"
	                                   "kdf-memlimit: 8192\n"
	                                   "kdf-salt: "));
	ck_assert_ptr_nonnull(strstr(text, "\ncipher: xchacha20poly1305-ietf\n"
	                                   "nonce: "));
	ck_assert_int_eq(
	        ags_seckey_parse(&back, text, n, "t", ask_cb, &ctx, &err),
	        AGS_OK);
	ck_assert_int_eq(ctx.calls, 1);
	assert_same_key(sk, back);
	/* Fresh salt and nonce each time. */
	ck_assert_int_eq(ags_seckey_format(&text2, &n2, sk, ctx.pass,
	                                   strlen(ctx.pass), &cheap, &err),
	                 AGS_OK);
	ck_assert_str_ne(text, text2);
	sodium_free(text);
	sodium_free(text2);
	ags_seckey_free(back);
	ags_seckey_free(sk);
}
END_TEST

START_TEST(test_roundtrip_default_kdf)
{
	struct ags_seckey *sk = generate_with(1), *back = NULL;
	struct pass_ctx ctx = {"a real passphrase", 0, 0, 0};
	char *text = NULL;
	size_t n = 0;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, ctx.pass,
	                                   strlen(ctx.pass), NULL, &err),
	                 AGS_OK);
	ck_assert_ptr_nonnull(strstr(text, "\nkdf-opslimit: 3\n"
	                                   "kdf-memlimit: 268435456\n"));
	ck_assert_int_eq(
	        ags_seckey_parse(&back, text, n, "t", ask_cb, &ctx, &err),
	        AGS_OK);
	assert_same_key(sk, back);
	sodium_free(text);
	ags_seckey_free(back);
	ags_seckey_free(sk);
}
END_TEST

/* ---- passphrases ---------------------------------------------------- */

START_TEST(test_wrong_passphrase)
{
	size_t n = 0;
	char *text = sealed_kat(&n);
	struct ags_seckey *sk = (struct ags_seckey *)1;
	struct pass_ctx ctx = {"correct horsE", 0, 0, 0};
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, text, n, "k.key", ask_cb, &ctx, &err),
	        AGS_ERR_PASSPHRASE);
	ck_assert_ptr_null(sk);
	ck_assert_str_eq(err.source, "k.key");
	ck_assert_str_eq(err.text,
	                 "wrong passphrase, or the key file was altered");
	free(text);
}
END_TEST

START_TEST(test_no_passphrase)
{
	size_t n = 0;
	char *text = sealed_kat(&n);
	struct ags_seckey *sk = NULL;
	struct pass_ctx refuse = {NULL, 0, 1, 0}, empty = {"", 0, 0, 0},
	                liar = {"correct horse", 0, 0, AGS_PASSPHRASE_MAX};

	ck_assert_int_eq(ags_seckey_parse(&sk, text, n, "t", NULL, NULL, NULL),
	                 AGS_ERR_PASSPHRASE);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, text, n, "t", ask_cb, &refuse, NULL),
	        AGS_ERR_PASSPHRASE);
	ck_assert_int_eq(refuse.calls, 1);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, text, n, "t", ask_cb, &empty, NULL),
	        AGS_ERR_PASSPHRASE);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, text, n, "t", ask_cb, &liar, NULL),
	        AGS_ERR_INVALID);
	ck_assert_ptr_null(sk);
	free(text);
}
END_TEST

START_TEST(test_format_refuses)
{
	struct ags_seckey *sk = parse_kat();
	struct ags_kdf_params bad[] = {
	        {0, 8192},
	        {AGS_KDF_OPSLIMIT_MAX + 1, 8192},
	        {1, 8191},
	        {1, (size_t)AGS_KDF_MEMLIMIT_MAX + 1},
	};
	char pass[AGS_PASSPHRASE_MAX + 1], *text = NULL;
	size_t n = 0, i;
	struct ags_error err;

	memset(pass, 'p', sizeof(pass));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(ags_seckey_format(&text, &n, sk, "pw", 2,
		                                   &bad[i], NULL),
		                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, "", 0, &cheap, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, pass, sizeof(pass),
	                                   &cheap, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, pass,
	                                   AGS_PASSPHRASE_MAX, &cheap, NULL),
	                 AGS_OK);
	sodium_free(text);

	/* A public half that is not the secret's own. */
	sk->pub.pk[0] ^= 1;
	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, NULL, 0, NULL, &err),
	                 AGS_ERR_KEY);
	ck_assert_str_eq(err.text, "public key does not match the secret key");
	sk->pub.pk[0] ^= 1;

	/* No name: nothing that a reader would refuse is written. */
	free(sk->pub.name);
	sk->pub.name = NULL;
	ck_assert_int_eq(ags_seckey_format(&text, &n, sk, NULL, 0, NULL, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_pubkey_format(&text, &n, &sk->pub, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(text);
	ags_seckey_free(sk);
}
END_TEST

/* ---- tampering ------------------------------------------------------ */

/* Every byte of a sealed file matters: either the format refuses the
 * change or the AEAD (which authenticates every byte before the sealed
 * seed) does. Never success, never another key. */
START_TEST(test_sealed_byte_flip)
{
	static const uint8_t masks[] = {0x01, 0x20, 0x80};
	size_t n = 0, i, m;
	char *text = sealed_kat(&n);
	struct pass_ctx ctx = {"correct horse", 0, 0, 0};

	for (i = 0; i < n; i++) {
		for (m = 0; m < sizeof(masks); m++) {
			struct ags_seckey *sk = NULL;
			enum ags_err rc;

			text[i] = (char)(text[i] ^ masks[m]);
			rc = ags_seckey_parse(&sk, text, n, "t", ask_cb, &ctx,
			                      NULL);
			text[i] = (char)(text[i] ^ masks[m]);
			ck_assert_msg(rc == AGS_ERR_FORMAT ||
			                      rc == AGS_ERR_PASSPHRASE,
			              "byte %zu ^ 0x%02x: rc %d", i, masks[m],
			              (int)rc);
			ck_assert_ptr_null(sk);
		}
	}
	ck_assert_int_gt(ctx.calls, 0);
	free(text);
}
END_TEST

/* An unsealed file has no integrity check: a flip inside the name, e-mail
 * or ORCID may give another valid identity, but never other key material;
 * a flip anywhere else is refused. */
START_TEST(test_clear_byte_flip)
{
	size_t n = strlen(kat_key), i;
	const char *ident = strstr(kat_key, "name: "),
	           *ident_end = strstr(kat_key, "kdf: ");
	char *text = malloc(n + 1);
	struct ags_seckey *kat = parse_kat();

	ck_assert_ptr_nonnull(text);
	memcpy(text, kat_key, n + 1);
	for (i = 0; i < n; i++) {
		struct ags_seckey *sk = NULL;
		enum ags_err rc;

		text[i] = (char)(text[i] ^ 0x01);
		rc = ags_seckey_parse(&sk, text, n, "t", NULL, NULL, NULL);
		text[i] = (char)(text[i] ^ 0x01);
		if (rc == AGS_OK) {
			ck_assert_msg(kat_key + i > ident &&
			                      kat_key + i < ident_end,
			              "byte %zu: accepted", i);
			ck_assert_int_eq(memcmp(sk->sk, kat->sk, 64), 0);
		}
		ags_seckey_free(sk);
	}
	ags_seckey_free(kat);
	free(text);
}
END_TEST

/* Another valid key id and public key in front of the secret. */
START_TEST(test_swapped_public_key)
{
	char *a = replace(kat_key, KAT_ID, OTHER_ID, NULL);
	char *b = replace(a, KAT_PK_B64, OTHER_PK_B64, NULL), *s, *t, *u;
	struct ags_seckey *sk = NULL;
	struct pass_ctx ctx = {"correct horse", 0, 0, 0};
	struct ags_error err;
	size_t n = 0;

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, b, strlen(b), "k", NULL, NULL, &err),
	        AGS_ERR_KEY);
	ck_assert_int_eq(err.line, 3);
	ck_assert_str_eq(err.text, "public key does not match the secret key");
	ck_assert_ptr_null(sk);

	s = sealed_kat(&n);
	t = replace(s, KAT_ID, OTHER_ID, NULL);
	u = replace(t, KAT_PK_B64, OTHER_PK_B64, NULL);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, u, strlen(u), "k", ask_cb, &ctx, NULL),
	        AGS_ERR_PASSPHRASE);
	ck_assert_int_eq(ctx.calls, 1);
	ck_assert_ptr_null(sk);
	free(a);
	free(b);
	free(s);
	free(t);
	free(u);
}
END_TEST

/* ags_trust_load_pubkey on a file holding text: the key is checked once,
 * by the .pub reader, and a key it refuses never becomes trusted. */
static void expect_trust_of_pub(const char *text, enum ags_err want)
{
	char path[] = "/tmp/ags-check-pub-XXXXXX";
	struct ags_trust t;
	struct ags_error err;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_trust_load_pubkey(&t, path, &err), want);
	if (want == AGS_OK) {
		ck_assert_uint_eq(t.n, 1);
		ck_assert_uint_eq(t.entries[0].roles, AGS_ROLE_ALL);
		ck_assert_str_eq(t.entries[0].key_id, KAT_ID);
	} else {
		ck_assert_uint_eq(t.n, 0);
		ck_assert_str_eq(err.source, path);
	}
	ags_trust_release(&t);
	unlink(path);
}

/* The file's public key plus a point of order 8: not in the prime-order
 * group (a .pub file with it is refused). A secret key file skips that
 * check because the seed must give its public key: this one is refused
 * as not matching, before anything is signed. */
START_TEST(test_torsion_public_key_in_key_file)
{
	static const char t8_hex[] = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2"
	                             "c39ccc64ec7fd7792ac037a";
	uint8_t pk[32], t8[32], bad[32];
	char b64[64], id[AGS_KEYID_HEX + 1], *a, *b;
	struct ags_seckey *sk = NULL;
	struct ags_pubkey pub;
	struct ags_error err;
	size_t n = 0;

	ck_assert_int_eq(sodium_base642bin(pk, sizeof(pk), KAT_PK_B64,
	                                   strlen(KAT_PK_B64), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	ck_assert_int_eq(
	        sodium_hex2bin(t8, sizeof(t8), t8_hex, 64, NULL, &n, NULL), 0);
	ck_assert_int_eq(crypto_core_ed25519_add(bad, pk, t8), 0);
	ck_assert_int_eq(ags_public_key_valid(bad), 0);
	sodium_bin2base64(b64, sizeof(b64), bad, sizeof(bad),
	                  sodium_base64_VARIANT_ORIGINAL);
	ags_key_id(id, bad);
	a = replace(kat_key, KAT_ID, id, NULL);
	b = replace(a, KAT_PK_B64, b64, NULL);

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, b, strlen(b), "k", NULL, NULL, &err),
	        AGS_ERR_KEY);
	ck_assert_str_eq(err.text, "public key does not match the secret key");
	ck_assert_ptr_null(sk);
	free(a);
	free(b);

	a = replace(kat_pub, KAT_ID, id, NULL);
	b = replace(a, KAT_PK_B64, b64, NULL);
	ags_pubkey_init(&pub);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_pubkey_parse(&pub, b, strlen(b), "p", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_str_eq(err.text,
	                 "public-key is not a valid Ed25519 public key");
	ags_pubkey_release(&pub);
	expect_trust_of_pub(b, AGS_ERR_FORMAT);
	expect_trust_of_pub(kat_pub, AGS_OK);
	free(a);
	free(b);
}
END_TEST

/* ---- strict .pub parsing -------------------------------------------- */

struct edit {
	const char *what, *from, *to;
	long line;
};

static const struct edit pub_edits[] = {
        {"missing header", "agreesign public key v1\n", "", 1},
        {"other version", "key v1\n", "key v2\n", 1},
        {"secret key header", "public key v1", "secret key v1", 1},
        {"blank line first", "agreesign", "\nagreesign", 1},
        {"crlf", "v1\n", "v1\r\n", 1},
        {"crlf on the last line", "0097\n", "0097\r\n", 6},
        {"cr alone", "Ada Lovelace", "Ada\rLovelace", 4},
        {"trailing space", "Lovelace\n", "Lovelace \n", 4},
        {"trailing tab", "Lovelace\n", "Lovelace\t\n", 4},
        {"trailing space on header", "key v1\n", "key v1 \n", 1},
        {"blank line", "\nname:", "\n\nname:", 4},
        {"blank line at the end", "0097\n", "0097\n\n", 7},
        {"no line feed at the end", "0097\n", "0097", 6},
        {"text after the last line", "0097\n", "0097\nx", 7},
        {"unknown field", "name:", "nickname: Ada\nname:", 4},
        {"secret field", "0097\n", "0097\nkdf: none\n", 7},
        {"duplicate field", "email: ada@example.org\n",
         "email: ada@example.org\nemail: ada@example.org\n", 6},
        {"duplicate key-id",
         "public-key:", "key-id: " KAT_ID "\npublic-key:", 3},
        {"email after orcid",
         "email: ada@example.org\norcid: 0000-0002-1825-0097\n",
         "orcid: 0000-0002-1825-0097\nemail: ada@example.org\n", 6},
        {"name before public-key",
         "public-key: " KAT_PK_B64 "\nname: Ada Lovelace\n",
         "name: Ada Lovelace\npublic-key: " KAT_PK_B64 "\n", 3},
        {"key-id missing", "key-id: " KAT_ID "\n", "", 2},
        {"name missing", "name: Ada Lovelace\n", "", 4},
        {"no space after colon", "name: Ada", "name:Ada", 4},
        {"two spaces after colon", "name: Ada", "name:  Ada", 4},
        {"tab after colon", "name: Ada", "name:\tAda", 4},
        {"space before colon", "name: Ada", "name : Ada", 4},
        {"uppercase field name", "name: Ada", "Name: Ada", 4},
        {"no colon", "name: Ada", "name Ada", 4},
        {"empty value", "name: Ada Lovelace", "name:", 4},
        {"bad base64", "ElmQ=", "Elm!=", 3},
        {"non-canonical base64", "ElmQ=", "ElmR=", 3},
        {"base64 without padding", "ElmQ=\n", "ElmQ\n", 3},
        {"url-safe base64", "ebVWLo/", "ebVWLo_", 3},
        {"31-byte key", KAT_PK_B64,
         "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60Elg==", 3},
        {"33-byte key", KAT_PK_B64,
         "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQA", 3},
        {"wrong key id", "beb7", "beb8", 2},
        {"key id of another key", KAT_ID, OTHER_ID, 2},
        {"uppercase key id", KAT_ID, "7B6A1405E47BE084864FC74EB876BEB7", 2},
        {"short key id", KAT_ID, "7b6a1405e47be084864fc74eb876be", 2},
        {"control character in name", "Ada Lovelace", "Ada\x01Lovelace", 4},
        {"invalid utf-8 in name", "Ada Lovelace", "Ada \xff", 4},
        {"line separator in name", "Ada Lovelace", "Ada\xe2\x80\xa8Lovelace",
         4},
        {"U+FEFF in name", "Ada Lovelace",
         "\xef\xbb\xbf"
         "Ada Lovelace",
         4},
        {"bad orcid check digit", "0097", "0098", 6},
        {"orcid without dashes", "0000-0002-1825-0097", "0000000218250097", 6},
        {"email without @", "ada@example.org", "ada.example.org", 5},
        {"email with two @", "ada@example.org", "ada@ex@ample.org", 5},
};

START_TEST(test_pub_strict)
{
	const struct edit *e = &pub_edits[_i];
	size_t n = 0;
	char *text = replace(kat_pub, e->from, e->to, &n);
	struct ags_pubkey pub;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_msg(ags_pubkey_parse(&pub, text, n, "x.pub", &err) ==
	                      AGS_ERR_FORMAT,
	              "%s: not refused as a format error (%s)", e->what,
	              err.text);
	ck_assert_msg(err.line == e->line, "%s: line %ld, want %ld (%s)",
	              e->what, err.line, e->line, err.text);
	ck_assert_str_eq(err.source, "x.pub");
	ck_assert_ptr_null(pub.name);
	free(text);
}
END_TEST

START_TEST(test_pub_messages)
{
	static const struct {
		const char *from, *to, *text;
	} cases[] = {
	        {"ElmQ=", "ElmR=",
	         "public-key is not 32 bytes of "
	         "base64"},
	        {"beb7", "beb8", "key-id does not match public-key"},
	        {"name: Ada Lovelace\n", "",
	         "expected field 'name', found 'email'"},
	        {"0097", "0098",
	         "orcid: ORCID iD has a wrong check "
	         "digit"},
	        {"v1\n", "v1\r\n",
	         "carriage return (line ends must be LF only)"},
	        {"name:", "nickname: x\nname:",
	         "unknown field "
	         "'nickname'"},
	};
	size_t i, n;
	struct ags_pubkey pub;
	struct ags_error err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = replace(kat_pub, cases[i].from, cases[i].to, &n);
		ags_error_clear(&err);
		ck_assert_int_eq(ags_pubkey_parse(&pub, text, n, "p", &err),
		                 AGS_ERR_FORMAT);
		ck_assert_str_eq(err.text, cases[i].text);
		free(text);
	}
}
END_TEST

START_TEST(test_pub_sizes)
{
	char name[AGS_FIELD_MAX + 2], line[AGS_FIELD_MAX + 16], *text;
	char *big = malloc(AGS_KEYFILE_MAX + 2);
	struct ags_pubkey pub;
	struct ags_error err;
	size_t n = 0;

	/* A name of exactly AGS_FIELD_MAX bytes passes; one more does not. */
	memset(name, 'a', sizeof(name));
	name[AGS_FIELD_MAX] = '\0';
	snprintf(line, sizeof(line), "name: %s", name);
	text = replace(kat_pub, "name: Ada Lovelace", line, &n);
	ck_assert_int_eq(ags_pubkey_parse(&pub, text, n, "p", NULL), AGS_OK);
	ags_pubkey_release(&pub);
	free(text);
	name[AGS_FIELD_MAX] = 'a';
	name[AGS_FIELD_MAX + 1] = '\0';
	snprintf(line, sizeof(line), "name: %s", name);
	text = replace(kat_pub, "name: Ada Lovelace", line, &n);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_pubkey_parse(&pub, text, n, "p", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 4);
	free(text);

	/* A NUL byte, anywhere: named by its line. */
	text = replace(kat_pub, "Ada Lovelace", "Ada Lovelace", &n);
	text[strstr(text, "Lovelace") - text] = '\0';
	ags_error_clear(&err);
	ck_assert_int_eq(ags_pubkey_parse(&pub, text, n, "p", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 4);
	ck_assert_str_eq(err.text, "NUL byte");
	free(text);

	/* Empty, and larger than the limit. */
	ck_assert_int_eq(ags_pubkey_parse(&pub, "", 0, "p", NULL),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', AGS_KEYFILE_MAX + 1);
	ck_assert_int_eq(
	        ags_pubkey_parse(&pub, big, AGS_KEYFILE_MAX + 1, "p", NULL),
	        AGS_ERR_TOO_LARGE);
	free(big);
}
END_TEST

/* Every proper prefix of a valid file is refused, except where a prefix
 * is itself a complete file: email and orcid are optional and come last,
 * so cutting a .pub at the end of its name or email line leaves a valid
 * file with less identity (the format has no end marker). */
static const char name_only_pub[] = "agreesign public key v1\n"
                                    "key-id: " KAT_ID "\n"
                                    "public-key: " KAT_PK_B64 "\n"
                                    "name: Ada Lovelace\n";

START_TEST(test_pub_truncated)
{
	const char *full = _i == 0 ? name_only_pub : kat_pub;
	size_t n = strlen(full), i, accepted = 0;
	size_t ok1 = strlen(name_only_pub),
	       ok2 = (size_t)(strstr(kat_pub, "orcid:") - kat_pub);
	struct ags_pubkey pub;

	for (i = 0; i < n; i++) {
		char *copy = malloc(i + 1); /* exactly i bytes: valgrind sees */
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, full, i);
		if (ags_pubkey_parse(&pub, copy, i, "p", NULL) == AGS_OK) {
			ck_assert_msg(_i == 1 && (i == ok1 || i == ok2),
			              "prefix of %zu bytes accepted", i);
			ck_assert_ptr_null(pub.orcid);
			accepted++;
		}
		ags_pubkey_release(&pub);
		free(copy);
	}
	ck_assert_uint_eq(accepted, _i == 0 ? 0 : 2);
	ck_assert_int_eq(ags_pubkey_parse(&pub, full, n, "p", NULL), AGS_OK);
	ags_pubkey_release(&pub);
}
END_TEST

/* ---- strict .key parsing -------------------------------------------- */

struct key_edit {
	const char *what, *from, *to;
	enum ags_err code;
	long line;
};

static const struct key_edit key_edits[] = {
        {"public key header", "secret key v1", "public key v1", AGS_ERR_FORMAT,
         1},
        {"unknown kdf", "kdf: none", "kdf: scrypt", AGS_ERR_FORMAT, 7},
        {"kdf missing", "kdf: none\n", "", AGS_ERR_FORMAT, 7},
        {"cipher missing", "cipher: none\n", "", AGS_ERR_FORMAT, 8},
        {"cipher without kdf", "cipher: none", "cipher: xchacha20poly1305-ietf",
         AGS_ERR_FORMAT, 8},
        {"unknown cipher", "cipher: none", "cipher: aes", AGS_ERR_FORMAT, 8},
        {"kdf parameters without kdf", "kdf: none\n",
         "kdf: none\nkdf-opslimit: 1\n", AGS_ERR_FORMAT, 8},
        {"salt without kdf", "kdf: none\n",
         "kdf: none\nkdf-salt: AAAAAAAAAAAAAAAAAAAAAA==\n", AGS_ERR_FORMAT, 8},
        {"nonce without cipher", "cipher: none\n",
         "cipher: none\nnonce: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
         AGS_ERR_FORMAT, 9},
        {"argon2id13 without parameters", "kdf: none", "kdf: argon2id13",
         AGS_ERR_FORMAT, 7},
        {"short seed", KAT_SEED_B64,
         "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", AGS_ERR_FORMAT, 9},
        {"non-canonical seed", "HyA=", "HyB=", AGS_ERR_FORMAT, 9},
        {"seed without padding", "HyA=\n", "HyA\n", AGS_ERR_FORMAT, 9},
        {"secret-key missing", "secret-key: " KAT_SEED_B64 "\n", "",
         AGS_ERR_FORMAT, 9},
        {"duplicate secret-key", "secret-key: " KAT_SEED_B64 "\n",
         "secret-key: " KAT_SEED_B64 "\nsecret-key: " KAT_SEED_B64 "\n",
         AGS_ERR_FORMAT, 10},
        {"field after secret-key", "secret-key: " KAT_SEED_B64 "\n",
         "secret-key: " KAT_SEED_B64 "\nnonce: x\n", AGS_ERR_FORMAT, 10},
        {"crlf", "cipher: none\n", "cipher: none\r\n", AGS_ERR_FORMAT, 8},
        {"trailing space on the seed", KAT_SEED_B64 "\n", KAT_SEED_B64 " \n",
         AGS_ERR_FORMAT, 9},
        {"name missing", "name: Ada Lovelace\n", "", AGS_ERR_FORMAT, 4},
        {"key id of another key", KAT_ID, OTHER_ID, AGS_ERR_FORMAT, 2},
        {"seed of another key", KAT_SEED_B64, OTHER_SEED_B64, AGS_ERR_KEY, 3},
};

START_TEST(test_key_strict)
{
	const struct key_edit *e = &key_edits[_i];
	size_t n = 0;
	char *text = replace(kat_key, e->from, e->to, &n);
	struct ags_seckey *sk = NULL;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_msg(ags_seckey_parse(&sk, text, n, "x.key", NULL, NULL,
	                               &err) == e->code,
	              "%s: not refused with %d (%s)", e->what, (int)e->code,
	              err.text);
	ck_assert_msg(err.line == e->line, "%s: line %ld, want %ld (%s)",
	              e->what, err.line, e->line, err.text);
	ck_assert_str_eq(err.source, "x.key");
	ck_assert_ptr_null(sk);
	free(text);
}
END_TEST

/* Edits of a sealed file refused before a passphrase is asked for, that is
 * before Argon2 runs: bounds first, so a hostile file cannot make us
 * allocate a terabyte. */
struct line_edit {
	const char *prefix, *line;
	long at;
};

static const struct line_edit sealed_edits[] = {
        {"kdf-opslimit: ", "kdf-opslimit: 0", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 65", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 01", 8},
        {"kdf-opslimit: ", "kdf-opslimit: +1", 8},
        {"kdf-opslimit: ", "kdf-opslimit: -1", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 0x1", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 1.0", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 18446744073709551617", 8},
        {"kdf-opslimit: ", "kdf-opslimit: 99999999999999999999999", 8},
        {"kdf-memlimit: ", "kdf-memlimit: 8191", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 0", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 08192", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 4294967297", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 1099511627776", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 18446744073709551615", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 18446744073709551616", 9},
        {"kdf-memlimit: ", "kdf-memlimit: 8k", 9},
        {"kdf-opslimit: ", "", 7},
        {"kdf-memlimit: ", "", 7},
        {"kdf-salt: ", "", 7},
        {"kdf-salt: ", "kdf-salt: AAAAAAAAAAAAAAAAAAAAAAA=", 10},
        {"kdf: ", "kdf: none", 8},
        {"cipher: ", "cipher: none", 11},
        {"nonce: ", "", 11},
        {"nonce: ", "nonce: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 12},
        {"secret-key: ",
         "secret-key: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 13},
        {"secret-key: ", "", 13},
};

START_TEST(test_sealed_strict)
{
	const struct line_edit *e = &sealed_edits[_i];
	char *base = sealed_kat(NULL);
	char *text = replace_line(base, e->prefix, e->line);
	struct pass_ctx ctx = {"correct horse", 0, 0, 0};
	struct ags_seckey *sk = NULL;
	struct ags_error err;

	ags_error_clear(&err);
	ck_assert_msg(ags_seckey_parse(&sk, text, strlen(text), "s.key", ask_cb,
	                               &ctx, &err) == AGS_ERR_FORMAT,
	              "'%s': not refused (%s)", e->line, err.text);
	ck_assert_msg(err.line == e->at, "'%s': line %ld, want %ld (%s)",
	              e->line, err.line, e->at, err.text);
	ck_assert_int_eq(ctx.calls, 0);
	ck_assert_ptr_null(sk);
	free(text);
	free(base);
}
END_TEST

/* Every proper prefix of a sealed file is refused, before a passphrase
 * is asked for. */
START_TEST(test_sealed_truncated)
{
	size_t n = 0, i;
	char *text = sealed_kat(&n);
	struct pass_ctx ctx = {"correct horse", 0, 0, 0};
	struct ags_seckey *sk = NULL;

	for (i = 0; i < n; i++) {
		char *copy = malloc(i + 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, text, i);
		ck_assert_msg(ags_seckey_parse(&sk, copy, i, "s", ask_cb, &ctx,
		                               NULL) == AGS_ERR_FORMAT,
		              "prefix of %zu bytes not refused", i);
		free(copy);
	}
	ck_assert_int_eq(ctx.calls, 0);
	ck_assert_int_eq(
	        ags_seckey_parse(&sk, text, n, "s", ask_cb, &ctx, NULL),
	        AGS_OK);
	ags_seckey_free(sk);
	free(text);
}
END_TEST

/* ---- identities ----------------------------------------------------- */

START_TEST(test_set_identity)
{
	struct ags_pubkey pub, copy;
	struct ags_error err;

	ags_pubkey_init(&pub);
	ags_pubkey_init(&copy);
	ck_assert_int_eq(ags_pubkey_set_identity(&pub, "Ada", "a@b.c",
	                                         "0000-0002-1825-0097", NULL),
	                 AGS_OK);
	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_pubkey_set_identity(&pub, "Bea", "no-at", NULL, &err),
	        AGS_ERR_INVALID);
	ck_assert_str_eq(err.source, "email");
	/* A refused change leaves the identity as it was. */
	ck_assert_str_eq(pub.name, "Ada");
	ck_assert_str_eq(pub.email, "a@b.c");
	ck_assert_int_eq(ags_pubkey_set_identity(&pub, NULL, NULL, NULL, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(
	        ags_pubkey_set_identity(&pub, " Ada", NULL, NULL, NULL),
	        AGS_ERR_INVALID);
	ck_assert_int_eq(ags_pubkey_set_identity(&pub, "Ada", NULL,
	                                         "0000-0002-1825-0098", NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_pubkey_set_identity(&pub, "Bea", NULL, NULL, NULL),
	                 AGS_OK);
	ck_assert_ptr_null(pub.email);
	ck_assert_ptr_null(pub.orcid);
	pub.pk[0] = 7;
	ck_assert_int_eq(ags_pubkey_copy(&copy, &pub), AGS_OK);
	ck_assert_str_eq(copy.name, "Bea");
	ck_assert_ptr_ne(copy.name, pub.name);
	ck_assert_uint_eq(copy.pk[0], 7);
	ck_assert_int_eq(ags_pubkey_copy(&copy, &copy), AGS_OK);
	ags_pubkey_release(&copy);
	ags_pubkey_release(&pub);
}
END_TEST

/* ---- files on disk -------------------------------------------------- */

START_TEST(test_keypair_write)
{
	struct ags_seckey *sk = generate_with(2), *back = NULL;
	struct pass_ctx ctx = {"pw", 0, 0, 0};
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX];
	struct ags_pubkey p;
	struct stat st;
	int loose = -1;

	tpath(base, "me");
	tpath(key, "me.key");
	tpath(pub, "me.pub");
	ck_assert_int_eq(ags_keypair_write(base, sk, "pw", 2, &cheap, 0, NULL),
	                 AGS_OK);
	ck_assert_int_eq(lstat(key, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(ags_pubkey_load(&p, pub, NULL), AGS_OK);
	ck_assert_int_eq(memcmp(p.pk, sk->pub.pk, 32), 0);
	ck_assert_str_eq(p.name, sk->pub.name);
	ags_pubkey_release(&p);
	ck_assert_int_eq(
	        ags_seckey_load(&back, key, ask_cb, &ctx, &loose, NULL),
	        AGS_OK);
	ck_assert_int_eq(loose, 0);
	assert_same_key(sk, back);
	ags_seckey_free(back);
	ags_seckey_free(sk);
}
END_TEST

/* When either file exists, nothing is written; both stay byte-identical. */
START_TEST(test_keypair_refuses_existing)
{
	struct ags_seckey *a = generate_with(0), *b = generate_with(1);
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX];
	char *key0, *pub0, *key1, *pub1;
	size_t kn0, pn0, kn1, pn1;
	struct ags_error err;

	tpath(base, "me");
	tpath(key, "me.key");
	tpath(pub, "me.pub");
	ck_assert_int_eq(ags_keypair_write(base, a, NULL, 0, NULL, 0, NULL),
	                 AGS_OK);
	key0 = tu_read_file(key, &kn0);
	pub0 = tu_read_file(pub, &pn0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_keypair_write(base, b, NULL, 0, NULL, 0, &err),
	                 AGS_ERR_EXISTS);
	key1 = tu_read_file(key, &kn1);
	pub1 = tu_read_file(pub, &pn1);
	ck_assert_uint_eq(kn0, kn1);
	ck_assert_uint_eq(pn0, pn1);
	ck_assert_int_eq(memcmp(key0, key1, kn0), 0);
	ck_assert_int_eq(memcmp(pub0, pub1, pn0), 0);
	free(key1);
	free(pub1);

	/* Only the .pub there: no .key appears. */
	unlink(key);
	ck_assert_int_eq(ags_keypair_write(base, b, NULL, 0, NULL, 0, NULL),
	                 AGS_ERR_EXISTS);
	ck_assert(!exists(key));
	/* Only the .key there: no .pub appears, the .key is untouched. */
	unlink(pub);
	write_file(key, key0, kn0);
	ck_assert_int_eq(ags_keypair_write(base, b, NULL, 0, NULL, 0, NULL),
	                 AGS_ERR_EXISTS);
	ck_assert(!exists(pub));
	key1 = tu_read_file(key, &kn1);
	ck_assert_uint_eq(kn0, kn1);
	ck_assert_int_eq(memcmp(key0, key1, kn0), 0);
	free(key1);
	free(key0);
	free(pub0);
	ags_seckey_free(a);
	ags_seckey_free(b);
}
END_TEST

START_TEST(test_keypair_force)
{
	struct ags_seckey *a = generate_with(0), *b = generate_with(1), *back;
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX];
	struct ags_pubkey p;
	struct stat st;

	tpath(base, "me");
	tpath(key, "me.key");
	tpath(pub, "me.pub");
	ck_assert_int_eq(ags_keypair_write(base, a, NULL, 0, NULL, 0, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_keypair_write(base, b, NULL, 0, NULL, 1, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_seckey_load(&back, key, NULL, NULL, NULL, NULL),
	                 AGS_OK);
	assert_same_key(b, back);
	ck_assert_int_eq(ags_pubkey_load(&p, pub, NULL), AGS_OK);
	ck_assert_int_eq(memcmp(p.pk, b->pub.pk, 32), 0);
	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ags_pubkey_release(&p);
	ags_seckey_free(back);
	ags_seckey_free(a);
	ags_seckey_free(b);
}
END_TEST

START_TEST(test_keypair_dangling_symlink)
{
	struct ags_seckey *sk = generate_with(0);
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX], target[PATH_MAX];
	struct stat st;

	tpath(base, "me");
	tpath(key, "me.key");
	tpath(pub, "me.pub");
	tpath(target, "target");
	ck_assert_int_eq(symlink(target, key), 0);
	ck_assert_int_eq(ags_keypair_write(base, sk, NULL, 0, NULL, 0, NULL),
	                 AGS_ERR_EXISTS);
	ck_assert(!exists(target));
	ck_assert(!exists(pub));
	/* With force the link itself is replaced, never followed. */
	ck_assert_int_eq(ags_keypair_write(base, sk, NULL, 0, NULL, 1, NULL),
	                 AGS_OK);
	ck_assert(!exists(target));
	ck_assert_int_eq(lstat(key, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ags_seckey_free(sk);
}
END_TEST

/* The .pub cannot be written: the .key this call made goes too. */
START_TEST(test_keypair_no_half_pair)
{
	struct ags_seckey *sk = generate_with(0);
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX];

	tpath(base, "me");
	tpath(key, "me.key");
	tpath(pub, "me.pub");
	ck_assert_int_eq(mkdir(pub, 0700), 0);
	ck_assert_int_ne(ags_keypair_write(base, sk, NULL, 0, NULL, 1, NULL),
	                 AGS_OK);
	ck_assert(!exists(key));
	ags_seckey_free(sk);
}
END_TEST

START_TEST(test_keypair_bad_base)
{
	struct ags_seckey *sk = generate_with(0);
	char *base = malloc(PATH_MAX + 1);

	ck_assert_ptr_nonnull(base);
	memset(base, 'a', PATH_MAX);
	base[PATH_MAX - 3] = '\0';
	ck_assert_int_eq(ags_keypair_write(base, sk, NULL, 0, NULL, 0, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_keypair_write("", sk, NULL, 0, NULL, 0, NULL),
	                 AGS_ERR_INVALID);
	free(base);
	ags_seckey_free(sk);
}
END_TEST

/* The line of text that starts with field in a key file's text. */
static char *field_line(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	const char *end = p ? strchr(p, '\n') : NULL;

	ck_assert_ptr_nonnull(end);
	return strndup(p, (size_t)(end - p));
}

/* A new passphrase: the same key and identity, sealed again with a
 * fresh salt and nonce; the old passphrase no longer opens it. */
START_TEST(test_seckey_rewrite)
{
	struct ags_seckey *sk = generate_with(2), *back = NULL;
	struct pass_ctx old = {"old pw", 0, 0, 0}, new = {"new pw", 0, 0, 0};
	char base[PATH_MAX], key[PATH_MAX], lnk[PATH_MAX];
	char *t0, *t1, *t2, *a, *b;
	size_t n0, n1, n2;
	struct stat st;
	int i;

	tpath(base, "re");
	tpath(key, "re.key");
	tpath(lnk, "link.key");
	ck_assert_int_eq(
	        ags_keypair_write(base, sk, old.pass, 6, &cheap, 0, NULL),
	        AGS_OK);
	t0 = tu_read_file(key, &n0);
	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(ags_seckey_rewrite(key, sk, new.pass, 6, &cheap, NULL),
	                 AGS_OK);
	ck_assert_int_eq(lstat(key, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	t1 = tu_read_file(key, &n1);
	/* Header, key id, public key and identity unchanged. */
	for (i = 0; i < 3; i++) {
		static const char *const same[] = {
		        "key-id:", "public-key:", "name:"};
		a = field_line(t0, same[i]);
		b = field_line(t1, same[i]);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
	for (i = 0; i < 3; i++) {
		static const char *const fresh[] = {
		        "kdf-salt:", "nonce:", "secret-key:"};
		a = field_line(t0, fresh[i]);
		b = field_line(t1, fresh[i]);
		ck_assert_str_ne(a, b);
		free(a);
		free(b);
	}
	ck_assert_int_eq(ags_seckey_load(&back, key, ask_cb, &old, NULL, NULL),
	                 AGS_ERR_PASSPHRASE);
	ck_assert_int_eq(ags_seckey_load(&back, key, ask_cb, &new, NULL, NULL),
	                 AGS_OK);
	assert_same_key(sk, back);
	ags_seckey_free(back);

	/* To unsealed and back: an unsealed key asks for nothing. */
	ck_assert_int_eq(ags_seckey_rewrite(key, sk, NULL, 0, NULL, NULL),
	                 AGS_OK);
	new.calls = 0;
	ck_assert_int_eq(ags_seckey_load(&back, key, ask_cb, &new, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(new.calls, 0);
	assert_same_key(sk, back);
	ags_seckey_free(back);

	/* Refused, the file left as it was: an empty passphrase, a link (its
	 * target untouched), a name with no key file. */
	t2 = tu_read_file(key, &n2);
	ck_assert_int_eq(ags_seckey_rewrite(key, sk, "", 0, &cheap, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(symlink(key, lnk), 0);
	ck_assert_int_eq(ags_seckey_rewrite(lnk, sk, new.pass, 6, &cheap, NULL),
	                 AGS_ERR_IO);
	free(t1);
	t1 = tu_read_file(key, &n1);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(t1, t2, n1), 0);
	ck_assert_int_eq(lstat(lnk, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	tpath(lnk, "none.key");
	ck_assert_int_eq(ags_seckey_rewrite(lnk, sk, new.pass, 6, &cheap, NULL),
	                 AGS_ERR_IO);
	ck_assert(!exists(lnk));
	free(t0);
	free(t1);
	free(t2);
	ags_seckey_free(sk);
}
END_TEST

/* What keygen checks before it asks for a passphrase. */
START_TEST(test_keypair_check)
{
	char base[PATH_MAX], dir[PATH_MAX], file[PATH_MAX];
	struct ags_error err;
	struct stat st;

	tpath(dir, "keys");
	tpath(base, "keys/me");
	/* A missing folder: an error, or made with mode 0700. */
	ck_assert_int_eq(ags_keypair_check(base, 0, 0, NULL), AGS_ERR_IO);
	ck_assert(!exists(dir));
	ck_assert_int_eq(ags_keypair_check(base, 0, 1, NULL), AGS_OK);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	/* Only the last folder is made. */
	tpath(base, "a/b/me");
	ags_error_clear(&err);
	ck_assert_int_eq(ags_keypair_check(base, 0, 1, &err), AGS_ERR_IO);
	tpath(file, "a");
	ck_assert(!exists(file));
	/* An existing name: refused, and with force only when it is no
	 * file or link. */
	tpath(base, "keys/me");
	tpath(file, "keys/me.pub");
	write_file(file, "x", 1);
	ck_assert_int_eq(ags_keypair_check(base, 0, 1, NULL), AGS_ERR_EXISTS);
	ck_assert_int_eq(ags_keypair_check(base, 1, 1, NULL), AGS_OK);
	unlink(file);
	ck_assert_int_eq(mkdir(file, 0700), 0);
	ck_assert_int_eq(ags_keypair_check(base, 1, 1, NULL), AGS_ERR_IO);
	/* A folder that is a file. */
	tpath(file, "plain");
	write_file(file, "x", 1);
	tpath(base, "plain/me");
	ck_assert_int_eq(ags_keypair_check(base, 0, 1, NULL), AGS_ERR_IO);
	tpath(file, "keys/me.pub"); /* the teardown removes one level */
	rmdir(file);
}
END_TEST

START_TEST(test_seckey_load_checks)
{
	char key[PATH_MAX], lnk[PATH_MAX], fifo[PATH_MAX], big[PATH_MAX];
	struct ags_seckey *sk = NULL;
	struct ags_error err;
	char *junk = malloc(AGS_KEYFILE_MAX + 1);
	int loose = -1;

	tpath(key, "k.key");
	tpath(lnk, "link.key");
	tpath(fifo, "fifo.key");
	tpath(big, "big.key");
	write_file(key, kat_key, strlen(kat_key));

	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(ags_seckey_load(&sk, key, NULL, NULL, &loose, NULL),
	                 AGS_OK);
	ck_assert_int_eq(loose, 1);
	ags_seckey_free(sk);
	ck_assert_int_eq(chmod(key, 0600), 0);
	ck_assert_int_eq(ags_seckey_load(&sk, key, NULL, NULL, &loose, NULL),
	                 AGS_OK);
	ck_assert_int_eq(loose, 0);
	ags_seckey_free(sk);

	/* A link to a good key is still refused: O_NOFOLLOW. */
	ck_assert_int_eq(symlink(key, lnk), 0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_load(&sk, lnk, NULL, NULL, NULL, &err),
	                 AGS_ERR_IO);
	ck_assert_str_eq(err.source, lnk);
	ck_assert_ptr_null(sk);

	/* A FIFO does not hang us; a directory is not a key. */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ags_seckey_load(&sk, fifo, NULL, NULL, NULL, NULL),
	                 AGS_ERR_IO);
	ck_assert_int_eq(ags_seckey_load(&sk, tmpdir, NULL, NULL, NULL, NULL),
	                 AGS_ERR_IO);
	tpath(fifo, "missing.key");
	ck_assert_int_eq(ags_seckey_load(&sk, fifo, NULL, NULL, NULL, NULL),
	                 AGS_ERR_IO);

	ck_assert_ptr_nonnull(junk);
	memset(junk, 'a', AGS_KEYFILE_MAX + 1);
	write_file(big, junk, AGS_KEYFILE_MAX + 1);
	ck_assert_int_eq(ags_seckey_load(&sk, big, NULL, NULL, NULL, NULL),
	                 AGS_ERR_TOO_LARGE);
	free(junk);
}
END_TEST

START_TEST(test_load_errors_name_the_file)
{
	char pub[PATH_MAX], key[PATH_MAX];
	struct ags_pubkey p;
	struct ags_seckey *sk = NULL;
	struct ags_error err;
	size_t n = 0;
	char *bad = replace(kat_pub, "beb7", "beb8", &n);

	tpath(pub, "x.pub");
	tpath(key, "x.key");
	write_file(pub, bad, n);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_pubkey_load(&p, pub, &err), AGS_ERR_FORMAT);
	ck_assert_str_eq(err.source, pub);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_null(p.name);
	/* A .pub is not a .key, and the other way round. */
	write_file(key, kat_pub, strlen(kat_pub));
	ags_error_clear(&err);
	ck_assert_int_eq(ags_seckey_load(&sk, key, NULL, NULL, NULL, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_str_eq(err.text, "this is a public key file, not a "
	                           "secret key file");
	write_file(pub, kat_key, strlen(kat_key));
	ags_error_clear(&err);
	ck_assert_int_eq(ags_pubkey_load(&p, pub, &err), AGS_ERR_FORMAT);
	ck_assert_str_eq(err.text, "this is a secret key file, not a "
	                           "public key file");
	free(bad);
}
END_TEST

/* ---- secrets left in memory ----------------------------------------- */

/* Reading freed memory is itself reported under AddressSanitizer and
 * valgrind: the scan below runs in plain builds only. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define MEMSCAN_ASAN 1
#else
#define MEMSCAN_ASAN 0
#endif

struct needle {
	const uint8_t *p; /* in guarded memory, skipped by the scan */
	size_t n;
	const char *what;
};

/* The readable and writable mappings (heap, stacks, data, anonymous
 * memory) from /proc/self/maps, read without stdio (no heap buffer). */
static size_t rw_regions(uintptr_t lo[], uintptr_t hi[], size_t max,
                         int *valgrind)
{
	static char maps[1 << 16];
	size_t n = 0, len = 0;
	ssize_t r;
	char *line, *next;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	*valgrind = 0;
	if (fd < 0)
		return 0;
	while (len < sizeof(maps) - 1 &&
	       (r = read(fd, maps + len, sizeof(maps) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	maps[len] = '\0';
	for (line = maps; line && *line && n < max; line = next) {
		unsigned long a, b;
		char perms[5];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstr(line, "vgpreload"))
			*valgrind = 1;
		if (sscanf(line, "%lx-%lx %4s", &a, &b, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w' || strstr(line, "[v"))
			continue;
		lo[n] = a;
		hi[n++] = b;
	}
	return n;
}

/* Any 16 bytes in a row of a secret count as a copy of it: a freed heap
 * block keeps all but its first 16 bytes (glibc writes list pointers
 * there), so a whole copy need not survive. */
#define WINDOW 16

/* Does the window of a needle at offset o occur at a? */
static int window_at(const volatile uint8_t *a, const struct needle *nd,
                     size_t o)
{
	size_t i;

	for (i = 0; i < WINDOW && a[i] == nd->p[o + i]; i++)
		;
	return i == WINDOW;
}

/* Where a window of a needle occurs in memory outside the needles
 * themselves, or 0. */
static uintptr_t find_needle(const struct needle *nd, size_t count)
{
	static uintptr_t lo[4096], hi[4096];
	int valgrind = 0;
	size_t nr = rw_regions(lo, hi, 4096, &valgrind), r, k, o;
	uint8_t first[256] = {0};
	const volatile uint8_t *p;
	uintptr_t a;

	ck_assert_msg(nr > 0, "cannot read /proc/self/maps");
	if (valgrind)
		return 0; /* see MEMSCAN_ASAN */
	for (k = 0; k < count; k++)
		for (o = 0; o + WINDOW <= nd[k].n; o++)
			first[nd[k].p[o]] = 1;
	for (r = 0; r < nr; r++)
		for (a = lo[r]; a + WINDOW <= hi[r]; a++) {
			p = (const volatile uint8_t *)a;
			if (!first[*p])
				continue;
			for (k = 0; k < count; k++) {
				if (a + WINDOW > (uintptr_t)nd[k].p &&
				    a < (uintptr_t)nd[k].p + nd[k].n)
					continue; /* the needle itself */
				for (o = 0; o + WINDOW <= nd[k].n; o++)
					if (window_at(p, &nd[k], o))
						return a;
			}
		}
	return 0;
}

static int give_pass(char *buf, size_t cap, size_t *len, void *ctx)
{
	const struct needle *pass = ctx;

	ck_assert_uint_ge(cap, pass->n);
	memcpy(buf, pass->p, pass->n);
	*len = pass->n;
	return 0;
}

/* Writes a guarded buffer to a file with write(2): no stdio copy. */
static void write_raw(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* A fresh random key and passphrase go through formatting, sealing,
 * writing a key pair, loading both kinds of .key and signing; then
 * everything is freed and every writable mapping of the process (heap,
 * stack, data) is searched for the seed, its base64 and the passphrase.
 * A copy outside guarded memory that nobody wiped would be found. */
static void no_secret_left(void)
{
	uint8_t *seed = sodium_malloc(32), *pass = sodium_malloc(25);
	char *b64 = sodium_malloc(45), *clear = NULL, *sealed = NULL;
	struct needle nd[3] = {{seed, 32, "seed"},
	                       {(const uint8_t *)b64, 44, "base64 seed"},
	                       {pass, 24, "passphrase"}};
	char base[PATH_MAX], k1[PATH_MAX], k2[PATH_MAX], p1[PATH_MAX];
	struct ags_seckey *sk = generate_with(0), *back = NULL;
	struct ags_envelope env;
	struct ags_signer s = {"Ada Lovelace", NULL, NULL, AGS_ROLE_AUTHOR, 0};
	uint8_t rnd[18];
	size_t n1 = 0, n2 = 0;
	uintptr_t at;

	ck_assert(seed && pass && b64);
	memcpy(seed, sk->sk, 32);
	sodium_bin2base64(b64, 45, seed, 32, sodium_base64_VARIANT_ORIGINAL);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2base64((char *)pass, 25, rnd, sizeof(rnd),
	                  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(rnd, sizeof(rnd));
	tpath(base, "mem");
	tpath(k1, "clear.key");
	tpath(k2, "sealed.key");
	tpath(p1, "mem.pub");

	ck_assert_int_eq(
	        ags_seckey_format(&clear, &n1, sk, NULL, 0, NULL, NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_seckey_format(&sealed, &n2, sk, (char *)pass, 24,
	                                   &cheap, NULL),
	                 AGS_OK);
	write_raw(k1, clear, n1);
	write_raw(k2, sealed, n2);
	sodium_free(clear);
	sodium_free(sealed);
	ck_assert_int_eq(
	        ags_keypair_write(base, sk, (char *)pass, 24, &cheap, 0, NULL),
	        AGS_OK);
	ags_seckey_free(sk);

	ck_assert_int_eq(ags_seckey_load(&back, k1, NULL, NULL, NULL, NULL),
	                 AGS_OK);
	ags_seckey_free(back);
	ck_assert_int_eq(
	        ags_seckey_load(&back, k2, give_pass, &nd[2], NULL, NULL),
	        AGS_OK);
	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, "text\n", 5);
	ck_assert_int_eq(ags_sign_append(&env, back, &s, 0, NULL), AGS_OK);
	ags_envelope_release(&env);
	ags_seckey_free(back);
	unlink(k1);
	unlink(k2);
	unlink(p1);
	tpath(k1, "mem.key");
	unlink(k1);

	at = find_needle(nd, 3);
	ck_assert_msg(at == 0, "a secret was left in memory at %#lx",
	              (unsigned long)at);
	sodium_free(seed);
	sodium_free(pass);
	sodium_free(b64);
}

START_TEST(test_no_secret_left_in_memory)
{
	if (!MEMSCAN_ASAN) /* see above */
		no_secret_left();
}
END_TEST

/* The public half of a .key, read without a passphrase: sign shows it
 * and checks what it can before asking (issue 15). */
START_TEST(test_seckey_parse_public)
{
	size_t n = 0, cn = 0;
	char *text = sealed_kat(&n), *clear = NULL, *bad;
	struct ags_seckey *sk = parse_kat();
	struct ags_pubkey pub;
	struct ags_error err;
	int sealed = -1;

	ags_error_clear(&err);
	ck_assert_int_eq(
	        ags_seckey_parse_public(&pub, &sealed, text, n, "k.key", &err),
	        AGS_OK);
	ck_assert_int_eq(sealed, 1);
	ck_assert_str_eq(pub.key_id, sk->pub.key_id);
	ck_assert_int_eq(memcmp(pub.pk, sk->pub.pk, 32), 0);
	ck_assert_pstr_eq(pub.name, sk->pub.name);
	ck_assert_pstr_eq(pub.email, sk->pub.email);
	ags_pubkey_release(&pub);
	ck_assert_int_eq(
	        ags_seckey_format(&clear, &cn, sk, NULL, 0, NULL, &err),
	        AGS_OK);
	ck_assert_int_eq(ags_seckey_parse_public(&pub, &sealed, clear, cn,
	                                         "c.key", &err),
	                 AGS_OK);
	ck_assert_int_eq(sealed, 0);
	ck_assert_str_eq(pub.key_id, sk->pub.key_id);
	ags_pubkey_release(&pub);
	/* A key id that does not match: refused, line named. */
	bad = strdup(text);
	ck_assert_ptr_nonnull(bad);
	bad[strlen("agreesign secret key v1\nkey-id: ")] ^= 1;
	ck_assert_int_eq(
	        ags_seckey_parse_public(&pub, &sealed, bad, n, "b.key", &err),
	        AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 2);
	ck_assert_str_eq(err.text, "key-id does not match public-key");
	ck_assert_ptr_null(pub.name);
	/* A clear seed of the wrong length. */
	ags_error_clear(&err);
	memcpy(clear + cn - 3, "\n\n", 2);
	ck_assert_int_ne(ags_seckey_parse_public(&pub, &sealed, clear, cn - 2,
	                                         "c.key", &err),
	                 AGS_OK);
	free(bad);
	sodium_free(clear);
	free(text);
	ags_seckey_free(sk);
}
END_TEST

/* What ags_sign_append refuses without the secret, ags_sign_check
 * refuses too, with the same words. */
START_TEST(test_sign_check)
{
	struct ags_seckey *sk = parse_kat(), *other = generate_with(1);
	struct ags_signer s = {
	        .name = "Signer", .role = AGS_ROLE_AUTHOR, .time = 1700000000};
	struct ags_envelope env;
	struct ags_error err;

	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, "text\n", 5);
	ck_assert_int_eq(ags_sign_check(&env, &sk->pub, &s, 0, NULL), AGS_OK);
	ck_assert_int_eq(ags_sign_append(&env, sk, &s, 0, NULL), AGS_OK);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_sign_check(&env, &sk->pub, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "has already signed"));
	s.role = AGS_ROLE_PUBLISHER;
	ck_assert_int_eq(ags_sign_check(&env, &other->pub, &s, 1, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_sign_append(&env, other, &s, 1, NULL), AGS_OK);
	ags_error_clear(&err);
	s.role = AGS_ROLE_COAUTHOR;
	ck_assert_int_eq(ags_sign_check(&env, &sk->pub, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ags_error_clear(&err);
	{
		struct ags_seckey *third = generate_with(2);
		ck_assert_int_eq(ags_sign_check(&env, &third->pub, &s, 0, &err),
		                 AGS_ERR_INVALID);
		ck_assert_ptr_nonnull(strstr(err.text, "countersigned"));
		ags_seckey_free(third);
	}
	s.time = -5;
	ags_error_clear(&err);
	ck_assert_int_eq(ags_sign_check(&env, &sk->pub, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_str_eq(err.source, "signer");
	ags_envelope_release(&env);
	ags_seckey_free(other);
	ags_seckey_free(sk);
}
END_TEST

/* The .key is 0600 whatever the umask; the .pub follows the umask. */
START_TEST(test_keypair_mode_umask)
{
	static const mode_t masks[] = {0, 022, 077};
	struct ags_seckey *sk = generate_with(1);
	char base[PATH_MAX], key[PATH_MAX], pub[PATH_MAX];
	struct stat st;
	mode_t old;
	size_t i;

	tpath(base, "um");
	tpath(key, "um.key");
	tpath(pub, "um.pub");
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		old = umask(masks[i]);
		ck_assert_int_eq(
		        ags_keypair_write(base, sk, NULL, 0, NULL, 1, NULL),
		        AGS_OK);
		umask(old);
		ck_assert_int_eq(lstat(key, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0600);
		ck_assert_int_eq(lstat(pub, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0644 & ~masks[i]);
	}
	/* --force over a loose .key leaves a 0600 one. */
	ck_assert_int_eq(chmod(key, 0666), 0);
	ck_assert_int_eq(ags_keypair_write(base, sk, NULL, 0, NULL, 1, NULL),
	                 AGS_OK);
	ck_assert_int_eq(lstat(key, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ags_seckey_free(sk);
}
END_TEST

Suite *key_suite(void);

Suite *key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tcase_create("format");
	TCase *seal = tcase_create("seal");
	TCase *slow = tcase_create("default kdf");
	TCase *files = tcase_create("files");
	int nid = (int)(sizeof(identities) / sizeof(identities[0]));

	tcase_add_test(tc, test_known_answer);
	tcase_add_test(tc, test_pubkey_parse_kat);
	tcase_add_test(tc, test_generate);
	tcase_add_loop_test(tc, test_roundtrip_clear, 0, nid);
	tcase_add_test(tc, test_clear_byte_flip);
	tcase_add_loop_test(tc, test_pub_strict, 0,
	                    (int)(sizeof(pub_edits) / sizeof(pub_edits[0])));
	tcase_add_test(tc, test_pub_messages);
	tcase_add_test(tc, test_pub_sizes);
	tcase_add_loop_test(tc, test_pub_truncated, 0, 2);
	tcase_add_loop_test(tc, test_key_strict, 0,
	                    (int)(sizeof(key_edits) / sizeof(key_edits[0])));
	tcase_add_test(tc, test_set_identity);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(seal, test_roundtrip_sealed, 0, nid);
	tcase_add_test(seal, test_wrong_passphrase);
	tcase_add_test(seal, test_seckey_parse_public);
	tcase_add_test(seal, test_sign_check);
	tcase_add_test(seal, test_no_passphrase);
	tcase_add_test(seal, test_format_refuses);
	tcase_add_test(seal, test_sealed_byte_flip);
	tcase_add_test(seal, test_swapped_public_key);
	tcase_add_test(seal, test_torsion_public_key_in_key_file);
	tcase_add_loop_test(
	        seal, test_sealed_strict, 0,
	        (int)(sizeof(sealed_edits) / sizeof(sealed_edits[0])));
	tcase_add_test(seal, test_sealed_truncated);
	tcase_set_timeout(seal, 120);
	suite_add_tcase(s, seal);

	/* 256 MiB of Argon2id, twice: slow under valgrind. */
	tcase_add_test(slow, test_roundtrip_default_kdf);
	tcase_set_timeout(slow, 600);
	suite_add_tcase(s, slow);

	tcase_add_checked_fixture(files, tmp_setup, tmp_teardown);
	tcase_add_test(files, test_keypair_write);
	tcase_add_test(files, test_keypair_refuses_existing);
	tcase_add_test(files, test_keypair_force);
	tcase_add_test(files, test_keypair_dangling_symlink);
	tcase_add_test(files, test_keypair_no_half_pair);
	tcase_add_test(files, test_keypair_bad_base);
	tcase_add_test(files, test_seckey_rewrite);
	tcase_add_test(files, test_keypair_check);
	tcase_add_test(files, test_seckey_load_checks);
	tcase_add_test(files, test_load_errors_name_the_file);
	tcase_add_test(files, test_keypair_mode_umask);
	tcase_add_test(files, test_no_secret_left_in_memory);
	tcase_set_timeout(files, 60);
	suite_add_tcase(s, files);
	return s;
}
