/* External test vectors against the Ed25519 and envelope layers:
 * RFC 8032 section 7.1, Project Wycheproof EdDSA, Ed25519 edge cases built
 * here (small-order and mixed-order points, S >= L, non-canonical
 * encodings) and JSONTestSuite's must-accept and must-reject files.
 * The vectors are committed in tests/vectors/external (see its README),
 * so none of these tests is ever skipped. What these
 * tests measure is written up in spec/agreesign-v1.md, section 5.3. */
#include <check.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "internal.h"
#include "test_util.h"

/* ---------------------------------------------------------------------
 * Reading the vector files
 */

static char *vec_read(const char *rel, size_t *len)
{
	char path[1024];
	char *data;

	snprintf(path, sizeof(path), TU_EXTERNAL "/%s", rel);
	data = tu_read_file(path, len);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	return data;
}

static json_t *vec_json(const char *rel)
{
	json_error_t jerr;
	size_t len;
	char *data = vec_read(rel, &len);
	json_t *root = json_loadb(data, len, 0, &jerr);

	free(data);
	ck_assert_msg(root != NULL, "%s: %s", rel, jerr.text);
	return root;
}

/* The hex string obj[key], decoded into a malloc'd buffer of *len bytes. */
static uint8_t *hex_field(json_t *obj, const char *key, size_t *len)
{
	const char *hex = json_string_value(json_object_get(obj, key));
	uint8_t *out;

	ck_assert_msg(hex != NULL, "no hex string \"%s\"", key);
	out = tu_unhex(hex, len);
	ck_assert_msg(out != NULL, "bad hex in \"%s\"", key);
	return out;
}

/* The hex string obj[key], which must decode to exactly n bytes. */
static void hex_fixed(uint8_t *out, size_t n, json_t *obj, const char *key)
{
	size_t len;
	uint8_t *b = hex_field(obj, key, &len);

	ck_assert_msg(len == n, "\"%s\" is %zu bytes, not %zu", key, len, n);
	memcpy(out, b, n);
	free(b);
}

static void unhex32(uint8_t out[32], const char *hex)
{
	size_t len;
	uint8_t *b = tu_unhex(hex, &len);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(len, 32);
	memcpy(out, b, 32);
	free(b);
}

/* ---------------------------------------------------------------------
 * RFC 8032, section 7.1
 */

#define RFC8032_FILE  "rfc8032/ed25519_rfc8032_7.1.json"
#define RFC8032_COUNT 5

static void flip(uint8_t *b, size_t bit)
{
	b[bit / 8] = (uint8_t)(b[bit / 8] ^ (1u << (bit % 8)));
}

/* Every one of the 512 signature bits matters. */
static void require_sig_bits(const uint8_t sig[64], const uint8_t *msg,
                             size_t mlen, const uint8_t pk[32])
{
	uint8_t bad[64];
	size_t bit;

	for (bit = 0; bit < 512; bit++) {
		memcpy(bad, sig, 64);
		flip(bad, bit);
		ck_assert_msg(ags_ed25519_verify(bad, msg, mlen, pk) != 0,
		              "signature bit %zu flipped: still verifies", bit);
	}
}

/* Every one of the 256 key bits matters. */
static void require_key_bits(const uint8_t sig[64], const uint8_t *msg,
                             size_t mlen, const uint8_t pk[32])
{
	uint8_t bad[32];
	size_t bit;

	for (bit = 0; bit < 256; bit++) {
		memcpy(bad, pk, 32);
		flip(bad, bit);
		ck_assert_msg(ags_ed25519_verify(sig, msg, mlen, bad) != 0,
		              "key bit %zu flipped: still verifies", bit);
	}
}

/* The first and last byte's bits, a middle bit, and one byte more. */
static void require_msg_bits(const uint8_t sig[64], const uint8_t *msg,
                             size_t mlen, const uint8_t pk[32])
{
	uint8_t *bad = malloc(mlen + 1);
	size_t bits = 8 * mlen, k, bit;

	ck_assert_ptr_nonnull(bad);
	for (k = 0; bits > 0 && k < 17; k++) {
		bit = k < 8 ? k : k < 16 ? bits - 16 + k : bits / 2;
		bit %= bits;
		memcpy(bad, msg, mlen);
		flip(bad, bit);
		ck_assert_msg(ags_ed25519_verify(sig, bad, mlen, pk) != 0,
		              "message bit %zu flipped: still verifies", bit);
	}
	if (mlen)
		memcpy(bad, msg, mlen);
	bad[mlen] = 0;
	ck_assert_msg(ags_ed25519_verify(sig, bad, mlen + 1, pk) != 0,
	              "message with a byte appended still verifies");
	free(bad);
}

START_TEST(test_rfc8032)
{
	uint8_t seed[32], pk[32], want_pk[32], sk[64], sig[64], want_sig[64];
	json_t *root, *v;
	uint8_t *msg;
	size_t mlen;

	root = vec_json(RFC8032_FILE);
	ck_assert_uint_eq(json_array_size(json_object_get(root, "vectors")),
	                  RFC8032_COUNT);
	v = json_array_get(json_object_get(root, "vectors"), (size_t)_i);
	hex_fixed(seed, 32, v, "secret_key");
	hex_fixed(want_pk, 32, v, "public_key");
	hex_fixed(want_sig, 64, v, "signature");
	msg = hex_field(v, "message", &mlen);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(v, "message_length")),
	        (json_int_t)mlen);

	ck_assert_int_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
	ck_assert_mem_eq(pk, want_pk, 32);
	ck_assert_int_eq(crypto_sign_detached(sig, NULL, msg, mlen, sk), 0);
	ck_assert_mem_eq(sig, want_sig, 64);
	ck_assert_int_eq(ags_ed25519_verify(sig, msg, mlen, pk), 0);

	require_sig_bits(sig, msg, mlen, pk);
	require_key_bits(sig, msg, mlen, pk);
	require_msg_bits(sig, msg, mlen, pk);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(seed, sizeof(seed));
	free(msg);
	json_decref(root);
}
END_TEST

/* ---------------------------------------------------------------------
 * Envelopes carrying chosen signature and key bytes
 */

/* A valid one-signature envelope, made by the library, as JSON. */
static json_t *env_template(void)
{
	struct ags_envelope env;
	struct ags_seckey *sk = NULL;
	struct ags_signer s;
	struct ags_error err;
	char name[] = "Vector Tester";
	char *text = NULL;
	size_t len = 0;
	json_t *root;

	ags_error_clear(&err);
	ags_envelope_init(&env);
	memset(&s, 0, sizeof(s));
	s.name = name;
	s.role = AGS_ROLE_AUTHOR;
	s.time = 1700000000;
	ags_agreement_bind(&env.agreement, "An agreement.\n", 14);
	ck_assert_int_eq(ags_seckey_generate(&sk, &err), AGS_OK);
	ck_assert_msg(ags_sign_append(&env, sk, &s, 0, &err) == AGS_OK, "%s",
	              err.text);
	ck_assert_int_eq(ags_envelope_format(&text, &len, &env, &err), AGS_OK);
	root = json_loadb(text, len, 0, NULL);
	ck_assert_ptr_nonnull(root);
	free(text);
	ags_envelope_release(&env);
	ags_seckey_free(sk);
	return root;
}

/* Parses tmpl with signatures[0][field] replaced by the string value. */
static enum ags_err env_parse_str(const json_t *tmpl, const char *field,
                                  const char *value, struct ags_error *err)
{
	json_t *root = json_deep_copy(tmpl), *entry;
	struct ags_envelope env;
	enum ags_err rc;
	char *text;

	ck_assert_ptr_nonnull(root);
	entry = json_array_get(json_object_get(root, "signatures"), 0);
	ck_assert_int_eq(json_object_set_new(entry, field, json_string(value)),
	                 0);
	text = json_dumps(root, 0);
	ck_assert_ptr_nonnull(text);
	ags_error_clear(err);
	rc = ags_envelope_parse(&env, text, strlen(text), "vector", err);
	ags_envelope_release(&env);
	free(text);
	json_decref(root);
	return rc;
}

/* The same with bytes, written in canonical base64. */
static enum ags_err env_parse_bytes(const json_t *tmpl, const char *field,
                                    const uint8_t *b, size_t n,
                                    struct ags_error *err)
{
	char *b64 = ags_b64_encode(b, n);
	enum ags_err rc;

	ck_assert_ptr_nonnull(b64);
	rc = env_parse_str(tmpl, field, b64, err);
	free(b64);
	return rc;
}

/* Like the envelope parser, a signature that is not 64 bytes is refused
 * as a format error, naming the field. */
static void require_env_sig_refused(const json_t *tmpl, const uint8_t *sig,
                                    size_t n)
{
	struct ags_error err;

	ck_assert_int_eq(env_parse_bytes(tmpl, "signature", sig, n, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.code, AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, "signature") != NULL, "%s", err.text);
}

START_TEST(test_envelope_lengths)
{
	static const size_t sig_lens[] = {0, 1, 32, 62, 63, 65, 66, 96, 128};
	static const size_t pk_lens[] = {0, 31, 33, 64};
	json_t *tmpl = env_template();
	uint8_t bytes[128];
	struct ags_error err;
	const char *good;
	char bad[100];
	size_t i;

	memset(bytes, 0x5a, sizeof(bytes));
	ck_assert_int_eq(env_parse_bytes(tmpl, "signature", bytes, 64, &err),
	                 AGS_OK);
	for (i = 0; i < sizeof(sig_lens) / sizeof(sig_lens[0]); i++)
		require_env_sig_refused(tmpl, bytes, sig_lens[i]);
	for (i = 0; i < sizeof(pk_lens) / sizeof(pk_lens[0]); i++) {
		ck_assert_int_eq(env_parse_bytes(tmpl, "public_key", bytes,
		                                 pk_lens[i], &err),
		                 AGS_ERR_FORMAT);
		ck_assert_msg(strstr(err.text, "public_key") != NULL, "%s",
		              err.text);
	}
	/* 64 bytes, but not in the one canonical base64 spelling. */
	good = json_string_value(json_object_get(
	        json_array_get(json_object_get(tmpl, "signatures"), 0),
	        "signature"));
	ck_assert_uint_eq(strlen(good), 88);
	ck_assert_int_eq(env_parse_str(tmpl, "signature", good, &err), AGS_OK);
	/* The 86th character carries 2 bits of data and 4 unused bits. */
	memcpy(bad, good, 89);
	bad[85] = bad[85] == 'B' ? 'C' : 'B';
	ck_assert_int_eq(env_parse_str(tmpl, "signature", bad, &err),
	                 AGS_ERR_FORMAT);
	memcpy(bad, good, 86); /* padding dropped */
	bad[86] = '\0';
	ck_assert_int_eq(env_parse_str(tmpl, "signature", bad, &err),
	                 AGS_ERR_FORMAT);
	snprintf(bad, sizeof(bad), " %s", good); /* white space */
	ck_assert_int_eq(env_parse_str(tmpl, "signature", bad, &err),
	                 AGS_ERR_FORMAT);
	json_decref(tmpl);
}
END_TEST

/* ---------------------------------------------------------------------
 * Wycheproof
 */

enum verdict { V_VALID, V_INVALID, V_LENGTH };

/* What agreesign makes of one test: wrong lengths are refused before the
 * verifier is called, as the envelope parser refuses them. */
static enum verdict wy_verdict(const uint8_t *pk, size_t pk_len,
                               const uint8_t *sig, size_t sig_len,
                               const uint8_t *msg, size_t mlen)
{
	if (pk_len != AGS_PUBLICKEY_BYTES || sig_len != AGS_SIGNATURE_BYTES)
		return V_LENGTH;
	return ags_ed25519_verify(sig, msg, mlen, pk) == 0 ? V_VALID
	                                                   : V_INVALID;
}

/* Per flag and expected result: how many tests, how many the verifier accepted,
 * how many were refused for their length. */
struct tally {
	const char *flag;
	int expect_valid;
	int total, accepted, length_errors;
};

/* Measured with libsodium 1.0.18; "-" is a test without flags. */
static const struct tally v0_expected[] = {
        {"-", 1, 84, 84, 0},
        {"-", 0, 53, 0, 12},
        {"SignatureMalleability", 0, 8, 0, 0},
};
static const struct tally v1_expected[] = {
        {"Valid", 1, 18, 18, 0},
        {"Ktv", 1, 38, 38, 0},
        {"TinkOverflow", 1, 32, 32, 0},
        {"InvalidKtv", 0, 1, 0, 0},
        {"InvalidSignature", 0, 20, 0, 0},
        {"InvalidEncoding", 0, 21, 0, 0},
        {"SignatureMalleability", 0, 8, 0, 0},
        {"SignatureWithGarbage", 0, 5, 0, 5},
        {"TruncatedSignature", 0, 3, 0, 3},
        {"CompressedSignature", 0, 4, 0, 4},
};
#define NFLAGS_MAX 16

struct wy_run {
	struct tally t[NFLAGS_MAX];
	size_t nflags;
	int tests, as_expected;
	json_t *tmpl; /* envelope the signatures are put into */
};

static struct tally *wy_tally(struct wy_run *run, const char *flag, int valid)
{
	size_t i;

	for (i = 0; i < run->nflags; i++)
		if (strcmp(run->t[i].flag, flag) == 0 &&
		    run->t[i].expect_valid == valid)
			break;
	ck_assert_msg(i < NFLAGS_MAX, "too many flags");
	if (i == run->nflags) {
		run->nflags++;
		run->t[i].flag = flag;
		run->t[i].expect_valid = valid;
	}
	return &run->t[i];
}

static void wy_test(struct wy_run *run, json_t *t, const uint8_t *pk,
                    size_t pk_len)
{
	json_t *flags = json_object_get(t, "flags");
	const char *result = json_string_value(json_object_get(t, "result"));
	const char *flag = "-";
	long long id = json_integer_value(json_object_get(t, "tcId"));
	uint8_t *sig, *msg;
	size_t sig_len, mlen;
	struct ags_error err;
	struct tally *tl;
	enum verdict v;
	int valid;

	ck_assert_ptr_nonnull(result);
	valid = strcmp(result, "valid") == 0;
	ck_assert_msg(valid || strcmp(result, "invalid") == 0,
	              "tcId %lld: result \"%s\"", id, result);
	ck_assert_uint_le(json_array_size(flags), 1);
	if (json_array_size(flags) == 1)
		flag = json_string_value(json_array_get(flags, 0));
	ck_assert_ptr_nonnull(flag);
	sig = hex_field(t, "sig", &sig_len);
	msg = hex_field(t, "msg", &mlen);
	v = wy_verdict(pk, pk_len, sig, sig_len, msg, mlen);
	ck_assert_msg((v == V_VALID) == valid,
	              "tcId %lld (%s, %s): verdict %d, expected %s", id, flag,
	              json_string_value(json_object_get(t, "comment")), (int)v,
	              result);
	/* The envelope parser draws the same line. */
	ck_assert_int_eq(
	        env_parse_bytes(run->tmpl, "signature", sig, sig_len, &err),
	        sig_len == AGS_SIGNATURE_BYTES ? AGS_OK : AGS_ERR_FORMAT);
	tl = wy_tally(run, flag, valid);
	tl->total++;
	tl->accepted += v == V_VALID;
	tl->length_errors += v == V_LENGTH;
	run->tests++;
	run->as_expected += (v == V_VALID) == valid;
	free(sig);
	free(msg);
}

static void wy_check_tallies(const struct wy_run *run, const struct tally *want,
                             size_t nwant)
{
	size_t i, k;

	ck_assert_uint_eq(run->nflags, nwant);
	for (i = 0; i < nwant; i++) {
		for (k = 0; k < run->nflags; k++)
			if (strcmp(run->t[k].flag, want[i].flag) == 0 &&
			    run->t[k].expect_valid == want[i].expect_valid)
				break;
		ck_assert_msg(k < run->nflags, "no %s test with flag %s",
		              want[i].expect_valid ? "valid" : "invalid",
		              want[i].flag);
		ck_assert_msg(
		        run->t[k].total == want[i].total &&
		                run->t[k].accepted == want[i].accepted &&
		                run->t[k].length_errors ==
		                        want[i].length_errors,
		        "flag %s: %d tests, %d accepted, %d length errors",
		        want[i].flag, run->t[k].total, run->t[k].accepted,
		        run->t[k].length_errors);
	}
}

/* Runs every test of a Wycheproof file whose key hex is at
 * testGroups[].<key_obj>.pk. */
static void wy_run_file(const char *rel, const char *key_obj, int ntests,
                        const struct tally *want, size_t nwant)
{
	json_t *root = vec_json(rel), *g, *t;
	struct wy_run run;
	uint8_t *pk;
	size_t gi, ti, pk_len;

	memset(&run, 0, sizeof(run));
	run.tmpl = env_template();
	ck_assert_int_eq(
	        json_integer_value(json_object_get(root, "numberOfTests")),
	        ntests);
	json_array_foreach(json_object_get(root, "testGroups"), gi, g)
	{
		pk = hex_field(json_object_get(g, key_obj), "pk", &pk_len);
		json_array_foreach(json_object_get(g, "tests"), ti, t)
		        wy_test(&run, t, pk, pk_len);
		free(pk);
	}
	ck_assert_int_eq(run.tests, ntests);
	ck_assert_int_eq(run.as_expected, ntests);
	wy_check_tallies(&run, want, nwant);
	json_decref(run.tmpl);
	json_decref(root);
}

START_TEST(test_wycheproof_v0)
{
	wy_run_file("wycheproof/eddsa_test.json", "key", 145, v0_expected,
	            sizeof(v0_expected) / sizeof(v0_expected[0]));
}
END_TEST

START_TEST(test_wycheproof_v1)
{
	wy_run_file("wycheproof/ed25519_test.json", "publicKey", 150,
	            v1_expected, sizeof(v1_expected) / sizeof(v1_expected[0]));
}
END_TEST

/* ---------------------------------------------------------------------
 * Ed25519 edge cases built here (no shared files needed)
 *
 * Each case writes a signature (R, S) for which a verifier that skipped
 * one particular check would compute [S]B == R + [k]A (k = SHA-512(R ||
 * A || M) mod L) or its cofactored form, and records libsodium's verdict.
 */

static const uint8_t identity[32] = {1};

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t order_l[32] = {
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
        0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* Every encoding whose y is that of a point of order 1, 2, 4 or 8 (y in
 * {0, 1, -1, two order-8 values} and the non-canonical y = p, p + 1),
 * with the x sign bit clear and set. All 14 decode (libsodium takes x = 0
 * with the sign bit set as x = 0); small_order_of[] is each one's order as
 * measured by repeated addition. */
static const char *const small_order_hex[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};
#define NSMALL (sizeof(small_order_hex) / sizeof(small_order_hex[0]))
static const int small_order_of[NSMALL] = {4, 4, 1, 1, 8, 8, 8,
                                           8, 2, 2, 4, 4, 1, 1};

/* A point of order 8 (canonical encoding). */
#define T8_HEX                                                                 \
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"

struct edkey {
	uint8_t pk[32];
	uint8_t a[32];      /* secret scalar, reduced mod L: pk = [a]B */
	uint8_t prefix[32]; /* second half of SHA-512(seed): nonce key */
	uint8_t sk[64];     /* libsodium's secret key */
};

static void scalar_from_label(uint8_t out[32], const char *label)
{
	uint8_t h[64];

	crypto_hash_sha512(h, (const uint8_t *)label, strlen(label));
	crypto_core_ed25519_scalar_reduce(out, h);
}

/* A fixed test key, with the scalar and nonce key RFC 8032 derives. */
static void edkey_init(struct edkey *k)
{
	uint8_t seed[32], h[64], wide[64], check[32];
	size_t i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(crypto_sign_seed_keypair(k->pk, k->sk, seed), 0);
	crypto_hash_sha512(h, seed, 32);
	memcpy(k->prefix, h + 32, 32);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	memset(wide, 0, sizeof(wide));
	memcpy(wide, h, 32);
	crypto_core_ed25519_scalar_reduce(k->a, wide);
	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(check, k->a),
	                 0);
	ck_assert_mem_eq(check, k->pk, 32);
	sodium_memzero(h, sizeof(h));
	sodium_memzero(wide, sizeof(wide));
}

/* k = SHA-512(R || A || M) mod L, as the verifier computes it. */
static void challenge(uint8_t k[32], const uint8_t r_enc[32],
                      const uint8_t a_enc[32], const uint8_t *m, size_t mlen)
{
	crypto_hash_sha512_state st;
	uint8_t h[64];

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, r_enc, 32);
	crypto_hash_sha512_update(&st, a_enc, 32);
	crypto_hash_sha512_update(&st, m, mlen);
	crypto_hash_sha512_final(&st, h);
	crypto_core_ed25519_scalar_reduce(k, h);
}

/* sig = R || S with S = r + k * a mod L, k the challenge for (R, A, M). */
static void sign_raw(uint8_t sig[64], const uint8_t r_enc[32],
                     const uint8_t r[32], const uint8_t a[32],
                     const uint8_t a_enc[32], const uint8_t *m, size_t mlen)
{
	uint8_t k[32], ka[32];

	challenge(k, r_enc, a_enc, m, mlen);
	crypto_core_ed25519_scalar_mul(ka, k, a);
	crypto_core_ed25519_scalar_add(sig + 32, r, ka);
	memcpy(sig, r_enc, 32);
}

/* [n]P by repeated addition (n >= 1); -1 when P does not decode. */
static int point_times(uint8_t out[32], const uint8_t p[32], unsigned n)
{
	uint8_t acc[32];

	memcpy(acc, p, 32);
	if (crypto_core_ed25519_add(out, p, identity) != 0)
		return -1;
	while (--n > 0) {
		if (crypto_core_ed25519_add(out, acc, p) != 0)
			return -1;
		memcpy(acc, out, 32);
	}
	return 0;
}

/* The order of a small-order point (1, 2, 4 or 8), 0 when it has none
 * of those, -1 when it does not decode. */
static int small_order(const uint8_t p[32])
{
	uint8_t q[32];
	unsigned n;

	for (n = 1; n <= 8; n *= 2) {
		if (point_times(q, p, n) != 0)
			return -1;
		if (memcmp(q, identity, 32) == 0)
			return (int)n;
	}
	return 0;
}

/* Writes into m (8 bytes) the first message whose challenge for (R, A)
 * is congruent to want mod 8 (or, when want < 0, not 0 mod 8). */
static void grind(uint8_t m[8], const uint8_t r_enc[32],
                  const uint8_t a_enc[32], int want)
{
	uint8_t k[32];
	unsigned ctr;
	int res;

	for (ctr = 0; ctr < 10000; ctr++) {
		memset(m, 0, 8);
		memcpy(m, &ctr, sizeof(ctr));
		challenge(k, r_enc, a_enc, m, 8);
		res = k[0] & 7;
		if (want < 0 ? res != 0 : res == want)
			return;
	}
	ck_abort_msg("no message found");
}

/* The arithmetic the edge cases rely on: signing by hand as RFC 8032
 * does (r = SHA-512(prefix || M) mod L, R = [r]B, S = r + k*a) gives
 * libsodium's signature byte for byte; and the small-order table holds
 * what it says. */
START_TEST(test_edge_control)
{
	uint8_t h[64], r[32], r_enc[32], sig[64], ref[64];
	const uint8_t msg[] = "control";
	crypto_hash_sha512_state st;
	struct edkey key;
	size_t i;

	edkey_init(&key);
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, key.prefix, 32);
	crypto_hash_sha512_update(&st, msg, sizeof(msg));
	crypto_hash_sha512_final(&st, h);
	crypto_core_ed25519_scalar_reduce(r, h);
	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(r_enc, r), 0);
	sign_raw(sig, r_enc, r, key.a, key.pk, msg, sizeof(msg));
	ck_assert_int_eq(
	        crypto_sign_detached(ref, NULL, msg, sizeof(msg), key.sk), 0);
	ck_assert_mem_eq(sig, ref, 64);
	ck_assert_int_eq(ags_ed25519_verify(sig, msg, sizeof(msg), key.pk), 0);
	for (i = 0; i < NSMALL; i++) {
		uint8_t p[32];

		unhex32(p, small_order_hex[i]);
		ck_assert_msg(small_order(p) == small_order_of[i],
		              "%s: order %d", small_order_hex[i],
		              small_order(p));
	}
	sodium_memzero(&key, sizeof(key));
}
END_TEST

/* S + n*L for n = 1..15 while it fits 256 bits: the same scalar mod L. */
START_TEST(test_edge_s_not_reduced)
{
	uint8_t sig[64], bad[64], wide[64], red[32], sk[64], pk[32], seed[32];
	const uint8_t msg[] = "S >= L";
	unsigned n, i, carry, v, tried = 0;

	memset(seed, 0x11, sizeof(seed));
	ck_assert_int_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
	ck_assert_int_eq(crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk),
	                 0);
	for (n = 1; n <= 15; n++) {
		memcpy(bad, sig, 64);
		for (i = 0, carry = 0; i < 32; i++) {
			v = bad[32 + i] + n * order_l[i] + carry;
			bad[32 + i] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry)
			break;
		memset(wide, 0, sizeof(wide));
		memcpy(wide, bad + 32, 32);
		crypto_core_ed25519_scalar_reduce(red, wide);
		ck_assert_mem_eq(red, sig + 32, 32);
		ck_assert_msg(ags_ed25519_verify(bad, msg, sizeof(msg), pk) !=
		                      0,
		              "S + %u*L accepted", n);
		tried++;
	}
	ck_assert_uint_eq(tried, 15); /* this S: S + 15L < 2^256 */
	sodium_memzero(sk, sizeof(sk));
}
END_TEST

/* A small-order public key: with k = 0 mod 8, [k]A is the identity and
 * (R = B, S = 1) satisfies [S]B = R + [k]A for every such key. */
START_TEST(test_edge_small_order_key)
{
	uint8_t a_enc[32], one[32] = {1}, b_enc[32], sig[64], m[8], k[32];
	uint8_t q[32];
	int ord, rc;

	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(b_enc, one), 0);
	unhex32(a_enc, small_order_hex[_i]);
	ord = small_order(a_enc);
	ck_assert_int_eq(ord, small_order_of[_i]);
	grind(m, b_enc, a_enc, 0);
	challenge(k, b_enc, a_enc, m, 8);
	ck_assert_uint_eq(k[0] & 7u, 0);
	/* The equation holds: [k]A = [k mod 8]A = [8]A = 0. */
	ck_assert_int_eq(point_times(q, a_enc, 8), 0);
	ck_assert_mem_eq(q, identity, 32);
	memcpy(sig, b_enc, 32);
	memcpy(sig + 32, one, 32);
	rc = ags_ed25519_verify(sig, m, 8, a_enc);
	ck_assert_msg(rc != 0, "small-order key %s accepted",
	              small_order_hex[_i]);
}
END_TEST

/* A small-order R with a sound key: S = k*a makes [S]B - [k]A the
 * identity, which equals R when R is the identity (cofactorless), and
 * equals R up to a small-order point otherwise (cofactored). */
START_TEST(test_edge_small_order_r)
{
	uint8_t r_enc[32], zero[32] = {0}, sig[64];
	const uint8_t msg[] = "small-order R";
	struct edkey key;
	int rc;

	edkey_init(&key);
	unhex32(r_enc, small_order_hex[_i]);
	sign_raw(sig, r_enc, zero, key.a, key.pk, msg, sizeof(msg));
	rc = ags_ed25519_verify(sig, msg, sizeof(msg), key.pk);
	ck_assert_msg(rc != 0, "small-order R %s accepted",
	              small_order_hex[_i]);
	sodium_memzero(&key, sizeof(key));
}
END_TEST

/* R' = [r]B + T8 with S = r + k*a: cofactored verification accepts it
 * ([8](R' - [S]B + [k]A) = [8]T8 = 0), cofactorless does not. */
START_TEST(test_edge_mixed_order_r)
{
	uint8_t r[32], rb[32], t8[32], r_enc[32], sig[64];
	const uint8_t msg[] = "mixed-order R";
	struct edkey key;
	int rc;

	edkey_init(&key);
	unhex32(t8, T8_HEX);
	ck_assert_int_eq(small_order(t8), 8);
	scalar_from_label(r, "mixed R nonce");
	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(rb, r), 0);
	ck_assert_int_eq(crypto_core_ed25519_add(r_enc, rb, t8), 0);
	ck_assert_int_eq(small_order(r_enc), 0);
	sign_raw(sig, r_enc, r, key.a, key.pk, msg, sizeof(msg));
	rc = ags_ed25519_verify(sig, msg, sizeof(msg), key.pk);
	ck_assert_msg(rc != 0, "mixed-order R accepted: verification is "
	                       "cofactored");
	sodium_memzero(&key, sizeof(key));
}
END_TEST

/* A' = A + T8 (not small order, not in the prime-order subgroup); its
 * owner knows a. S = r + k*a gives [S]B - [k]A' = R - [k mod 8]T8: the
 * cofactorless equation holds exactly when k = 0 mod 8. */
START_TEST(test_edge_mixed_order_key)
{
	uint8_t r[32], r_enc[32], t8[32], a2[32], sig[64], m[8];
	struct edkey key;
	int rc0, rc1;

	edkey_init(&key);
	unhex32(t8, T8_HEX);
	ck_assert_int_eq(crypto_core_ed25519_add(a2, key.pk, t8), 0);
	ck_assert_int_eq(small_order(a2), 0);
	ck_assert_int_eq(crypto_core_ed25519_is_valid_point(a2), 0);
	scalar_from_label(r, "mixed key nonce");
	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(r_enc, r), 0);

	grind(m, r_enc, a2, 0);
	sign_raw(sig, r_enc, r, key.a, a2, m, 8);
	rc0 = ags_ed25519_verify(sig, m, 8, a2);
	grind(m, r_enc, a2, -1);
	sign_raw(sig, r_enc, r, key.a, a2, m, 8);
	rc1 = ags_ed25519_verify(sig, m, 8, a2);
	/* libsodium 1.0.18 alone accepts the k = 0 mod 8 signature: it does
	 * not require A to lie in the prime-order subgroup, only not to be
	 * of small order. agreesign refuses such keys outright. */
	grind(m, r_enc, a2, 0);
	sign_raw(sig, r_enc, r, key.a, a2, m, 8);
	ck_assert_int_eq(crypto_sign_verify_detached(sig, m, 8, a2), 0);
	ck_assert_int_eq(ags_public_key_valid(a2), 0);
	ck_assert_msg(rc0 != 0, "mixed-order key accepted with k = 0 mod 8");
	ck_assert_msg(rc1 != 0, "mixed-order key accepted with k != 0 mod 8");
	sodium_memzero(&key, sizeof(key));
}
END_TEST

/* Non-canonical encodings (y >= p) of A and of R: y = p + y0 for y0 in
 * 0..18, sign bit clear and set. What each encoding decodes to, measured
 * by repeated addition (as small_order() reports it): y0 = 0 and 1 are
 * the small-order points also in small_order_hex[]; -1: y0 is not the y
 * of a curve point; 0: a point of large order. */
static const int noncanonical_order[19] = {4, 1,  -1, 0,  0, 0, 0, -1, -1, 0,
                                           0, -1, -1, -1, 0, 0, 0, -1, 0};

/* Without the discrete logarithm of a large-order point no signature can
 * satisfy the equation for it, so these only show refusal. */
START_TEST(test_edge_noncanonical)
{
	uint8_t enc[32], sig[64], one[32] = {1}, b_enc[32];
	const uint8_t msg[] = "non-canonical";
	struct edkey key;
	int sign;

	edkey_init(&key);
	ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(b_enc, one), 0);
	for (sign = 0; sign < 2; sign++) {
		memset(enc, 0xff, 32);
		enc[0] = (uint8_t)(0xed + _i);
		enc[31] = sign ? 0xff : 0x7f;
		ck_assert_int_eq(small_order(enc), noncanonical_order[_i]);
		/* As the public key. */
		memcpy(sig, b_enc, 32);
		memcpy(sig + 32, one, 32);
		ck_assert_msg(ags_ed25519_verify(sig, msg, sizeof(msg), enc) !=
		                      0,
		              "key y = p + %d accepted", _i);
		/* As R, with a sound key. */
		sign_raw(sig, enc, one, key.a, key.pk, msg, sizeof(msg));
		ck_assert_msg(
		        ags_ed25519_verify(sig, msg, sizeof(msg), key.pk) != 0,
		        "R y = p + %d accepted", _i);
	}
	sodium_memzero(&key, sizeof(key));
}
END_TEST

/* ---------------------------------------------------------------------
 * JSONTestSuite
 */

#define JTS_DIR "jsontestsuite/test_parsing"

/* y_ files that ags_envelope_parse refuses as AGS_ERR_JSON on purpose
 * (every other y_ file is well-formed JSON but no envelope: FORMAT).
 *
 * | file                                        | why                   |
 * |---------------------------------------------|-----------------------|
 * | y_object_duplicated_key.json                | duplicate key         |
 * | y_object_duplicated_key_and_value.json      | duplicate key         |
 * | y_object_escaped_null_in_key.json           | \u0000 in a key       |
 * | y_string_null_escape.json                   | \u0000 in a string    |
 * | y_string_space.json                         | top-level scalar      |
 * | y_structure_lonely_false.json               | top-level scalar      |
 * | y_structure_lonely_int.json                 | top-level scalar      |
 * | y_structure_lonely_negative_real.json       | top-level scalar      |
 * | y_structure_lonely_null.json                | top-level scalar      |
 * | y_structure_lonely_string.json              | top-level scalar      |
 * | y_structure_lonely_true.json                | top-level scalar      |
 * | y_structure_string_empty.json               | top-level scalar      |
 *
 * Duplicate keys: JSON_REJECT_DUPLICATES. \u0000: jansson without
 * JSON_ALLOW_NUL (and in keys under every flag); we never accept NUL.
 * Top-level scalars: jansson without JSON_DECODE_ANY. jansson's words
 * are pinned below so a change of reason shows.
 * y_string_backslash_and_u_escaped_zero.json (["\\u0000"], an escaped
 * backslash, no NUL) is accepted by jansson and refused as FORMAT. */
static const struct {
	const char *file;
	const char *jansson_text; /* a part of err.text */
} y_refused[] = {
        {"y_object_duplicated_key.json", "duplicate object key"},
        {"y_object_duplicated_key_and_value.json", "duplicate object key"},
        {"y_object_escaped_null_in_key.json",
         "NUL byte in object key not supported"},
        {"y_string_null_escape.json",
         "\\u0000 is not allowed without JSON_ALLOW_NUL"},
        {"y_string_space.json", "'[' or '{' expected"},
        {"y_structure_lonely_false.json", "'[' or '{' expected"},
        {"y_structure_lonely_int.json", "'[' or '{' expected"},
        {"y_structure_lonely_negative_real.json", "'[' or '{' expected"},
        {"y_structure_lonely_null.json", "'[' or '{' expected"},
        {"y_structure_lonely_string.json", "'[' or '{' expected"},
        {"y_structure_lonely_true.json", "'[' or '{' expected"},
        {"y_structure_string_empty.json", "'[' or '{' expected"},
};
#define NY_REFUSED (sizeof(y_refused) / sizeof(y_refused[0]))

struct names {
	char **v;
	size_t n;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the test_parsing files that start with prefix. */
static void jts_list(struct names *out, const char *prefix)
{
	char path[1024];
	struct dirent *de;
	size_t cap = 0, len;
	DIR *d;

	snprintf(path, sizeof(path), TU_EXTERNAL "/" JTS_DIR);
	d = opendir(path);
	ck_assert_msg(d != NULL, "cannot open %s", path);
	out->v = NULL;
	out->n = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 64;
			out->v = realloc(out->v, cap * sizeof(*out->v));
			ck_assert_ptr_nonnull(out->v);
		}
		out->v[out->n] = strdup(de->d_name);
		ck_assert_ptr_nonnull(out->v[out->n]);
		out->n++;
	}
	closedir(d);
	qsort(out->v, out->n, sizeof(*out->v), cmp_names);
}

static void names_release(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* Parses one file as an envelope, which must fail with a message. */
static enum ags_err jts_parse(const char *name, struct ags_error *err)
{
	char rel[512];
	struct ags_envelope env;
	enum ags_err rc;
	size_t len;
	char *buf;

	snprintf(rel, sizeof(rel), JTS_DIR "/%s", name);
	buf = vec_read(rel, &len);
	ags_error_clear(err);
	rc = ags_envelope_parse(&env, buf, len, name, err);
	ags_envelope_release(&env);
	free(buf);
	ck_assert_msg(rc != AGS_OK, "%s: accepted as an envelope", name);
	ck_assert_msg(err->code == rc, "%s: err.code %d, returned %d", name,
	              (int)err->code, (int)rc);
	ck_assert_msg(err->text[0] != '\0', "%s: no error text", name);
	return rc;
}

START_TEST(test_jts_must_reject)
{
	struct ags_error err;
	struct names ns;
	enum ags_err rc;
	size_t i, njson = 0;

	jts_list(&ns, "n_");
	ck_assert_uint_eq(ns.n, 188);
	for (i = 0; i < ns.n; i++) {
		rc = jts_parse(ns.v[i], &err);
		ck_assert_msg(rc == AGS_ERR_JSON || rc == AGS_ERR_FORMAT ||
		                      rc == AGS_ERR_TOO_LARGE,
		              "%s: error %d (%s)", ns.v[i], (int)rc, err.text);
		njson += rc == AGS_ERR_JSON;
		/* jansson would stop at the NUL and accept "123". */
		if (strcmp(ns.v[i], "n_multidigit_number_then_00.json") == 0)
			ck_assert_str_eq(err.text, "envelope holds a NUL byte");
	}
	/* Measured: jansson refuses every n_ file itself (none reaches the
	 * envelope checks as FORMAT, none is over the size limit). */
	ck_assert_uint_eq(njson, 188);
	names_release(&ns);
}
END_TEST

static int y_refusal(const char *name)
{
	size_t i;

	for (i = 0; i < NY_REFUSED; i++)
		if (strcmp(y_refused[i].file, name) == 0)
			return (int)i;
	return -1;
}

START_TEST(test_jts_must_accept)
{
	struct ags_error err;
	struct names ns;
	enum ags_err rc;
	size_t i, nrefused = 0;
	int r;

	jts_list(&ns, "y_");
	ck_assert_uint_eq(ns.n, 95);
	for (i = 0; i < ns.n; i++) {
		rc = jts_parse(ns.v[i], &err);
		r = y_refusal(ns.v[i]);
		if (r < 0) {
			ck_assert_msg(rc == AGS_ERR_FORMAT, "%s: error %d (%s)",
			              ns.v[i], (int)rc, err.text);
			continue;
		}
		ck_assert_msg(rc == AGS_ERR_JSON, "%s: error %d (%s)", ns.v[i],
		              (int)rc, err.text);
		ck_assert_msg(strstr(err.text, y_refused[r].jansson_text),
		              "%s: \"%s\"", ns.v[i], err.text);
		nrefused++;
	}
	ck_assert_uint_eq(nrefused, NY_REFUSED);
	names_release(&ns);
}
END_TEST

/* 100,000 '[' (and the same closed again): jansson's depth limit, a clean
 * error and no stack overflow. */
START_TEST(test_deep_nesting)
{
	const size_t depth = 100000;
	struct ags_envelope env;
	struct ags_error err;
	char *buf = malloc(2 * depth);
	size_t len;
	int closed;

	ck_assert_ptr_nonnull(buf);
	memset(buf, '[', depth);
	memset(buf + depth, ']', depth);
	for (closed = 0; closed < 2; closed++) {
		len = closed ? 2 * depth : depth;
		ags_error_clear(&err);
		ck_assert_int_eq(
		        ags_envelope_parse(&env, buf, len, "deep", &err),
		        AGS_ERR_JSON);
		ck_assert_int_eq(err.code, AGS_ERR_JSON);
		ck_assert_str_ne(err.text, "");
		ags_envelope_release(&env);
	}
	free(buf);
}
END_TEST

Suite *vectors_suite(void)
{
	Suite *s = suite_create("vectors");
	TCase *rfc = tcase_create("rfc8032");
	TCase *wy = tcase_create("wycheproof");
	TCase *edge = tcase_create("edge");
	TCase *jts = tcase_create("jsontestsuite");

	tcase_add_loop_test(rfc, test_rfc8032, 0, RFC8032_COUNT);
	tcase_set_timeout(rfc, 60);
	suite_add_tcase(s, rfc);

	tcase_add_test(wy, test_wycheproof_v0);
	tcase_add_test(wy, test_wycheproof_v1);
	tcase_add_test(wy, test_envelope_lengths);
	tcase_set_timeout(wy, 60);
	suite_add_tcase(s, wy);

	tcase_add_test(edge, test_edge_control);
	tcase_add_test(edge, test_edge_s_not_reduced);
	tcase_add_loop_test(edge, test_edge_small_order_key, 0, (int)NSMALL);
	tcase_add_loop_test(edge, test_edge_small_order_r, 0, (int)NSMALL);
	tcase_add_test(edge, test_edge_mixed_order_r);
	tcase_add_test(edge, test_edge_mixed_order_key);
	tcase_add_loop_test(edge, test_edge_noncanonical, 0, 19);
	suite_add_tcase(s, edge);

	tcase_add_test(jts, test_jts_must_reject);
	tcase_add_test(jts, test_jts_must_accept);
	tcase_add_test(jts, test_deep_nesting);
	tcase_set_timeout(jts, 60);
	suite_add_tcase(s, jts);
	return s;
}
