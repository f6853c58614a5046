/* Signing through a signer callback (src/lib/op/sign.c,
 * ags_sign_append_with): the envelope is byte for byte what the seed
 * gives, and a signature that does not verify is never used. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "test_util.h"

static const char canon[] = "A short agreement.\n";

/* How the test signer misbehaves. */
enum mode { HONEST, FLIP_BIT, OTHER_KEY, FAIL };

struct signer {
	const struct ags_seckey *sk, *other;
	enum mode mode;
	int calls;
};

static enum ags_err test_sign(uint8_t sig[AGS_SIGNATURE_BYTES],
                              const uint8_t *msg, size_t len, void *ctx,
                              struct ags_error *err)
{
	struct signer *s = ctx;

	s->calls++;
	if (s->mode == FAIL) {
		strcpy(err->text, "the signer says no");
		err->code = AGS_ERR_KEY;
		return AGS_ERR_KEY;
	}
	crypto_sign_detached(sig, NULL, msg, len,
	                     s->mode == OTHER_KEY ? s->other->sk : s->sk->sk);
	if (s->mode == FLIP_BIT)
		sig[17] ^= 0x20;
	return AGS_OK;
}

static void new_envelope(struct ags_envelope *env)
{
	ags_envelope_init(env);
	ags_agreement_bind(&env->agreement, canon, strlen(canon));
	env->agreement.md.title = strdup("A Title");
}

static char *format(const struct ags_envelope *env)
{
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(ags_envelope_format(&text, &len, env, NULL), AGS_OK);
	return text;
}

/* The seed path and the callback path give the same bytes, for a
 * signature and for a countersignature over it. */
START_TEST(callback_envelope_is_the_seed_envelope)
{
	struct ags_signer author = {"Ada Lovelace", "ada@example.org", NULL,
	                            AGS_ROLE_AUTHOR, 1795000000};
	struct ags_signer press = {"Press", NULL, NULL, AGS_ROLE_PUBLISHER,
	                           1795000100};
	struct ags_seckey *a = NULL, *p = NULL;
	struct ags_envelope seeded, called;
	struct signer sa = {0}, sp = {0};
	char *one, *two;

	ck_assert_int_eq(ags_seckey_generate(&a, NULL), AGS_OK);
	ck_assert_int_eq(ags_seckey_generate(&p, NULL), AGS_OK);
	sa.sk = a;
	sp.sk = p;
	new_envelope(&seeded);
	new_envelope(&called);
	ck_assert_int_eq(ags_sign_append(&seeded, a, &author, 0, NULL), AGS_OK);
	ck_assert_int_eq(ags_sign_append(&seeded, p, &press, 1, NULL), AGS_OK);
	ck_assert_int_eq(ags_sign_append_with(&called, &a->pub, test_sign, &sa,
	                                      &author, 0, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_sign_append_with(&called, &p->pub, test_sign, &sp,
	                                      &press, 1, NULL),
	                 AGS_OK);
	ck_assert_int_eq(sa.calls, 1);
	one = format(&seeded);
	two = format(&called);
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
	ags_envelope_release(&seeded);
	ags_envelope_release(&called);
	ags_seckey_free(a);
	ags_seckey_free(p);
}
END_TEST

/* A signature that does not verify under the key over the message, by
 * a flipped bit or by another key, is refused and nothing is added; so
 * is a signer's own error, which comes through unchanged. */
static const enum mode bad_modes[] = {FLIP_BIT, OTHER_KEY, FAIL};

START_TEST(bad_signer_adds_nothing)
{
	struct ags_signer s = {"Ada Lovelace", NULL, NULL, AGS_ROLE_AUTHOR,
	                       1795000000};
	struct ags_seckey *sk = NULL, *other = NULL;
	struct ags_error err = {0};
	struct ags_envelope env;
	struct signer ts = {0};
	enum ags_err rc;

	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ck_assert_int_eq(ags_seckey_generate(&other, NULL), AGS_OK);
	ts.sk = sk;
	ts.other = other;
	ts.mode = bad_modes[_i];
	new_envelope(&env);
	rc = ags_sign_append_with(&env, &sk->pub, test_sign, &ts, &s, 0, &err);
	ck_assert_int_eq(ts.calls, 1);
	ck_assert_uint_eq(env.nsigs, 0);
	if (ts.mode == FAIL) {
		ck_assert_int_eq(rc, AGS_ERR_KEY);
		ck_assert_str_eq(err.text, "the signer says no");
	} else {
		ck_assert_int_eq(rc, AGS_ERR_CRYPTO);
		ck_assert_msg(strstr(err.text, "does not verify under key") &&
		                      strstr(err.text, sk->pub.key_id),
		              "%s", err.text);
	}
	/* The envelope is still whole: an honest signer signs it. */
	ts.mode = HONEST;
	ck_assert_int_eq(ags_sign_append_with(&env, &sk->pub, test_sign, &ts,
	                                      &s, 0, NULL),
	                 AGS_OK);
	ck_assert_uint_eq(env.nsigs, 1);
	ags_envelope_release(&env);
	ags_seckey_free(sk);
	ags_seckey_free(other);
}
END_TEST

/* What needs no signature is refused before the signer is called: a
 * public key with a torsion component, a signer without a name. */
START_TEST(refused_before_the_signer_is_called)
{
	static const char t8_hex[] = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2"
	                             "c39ccc64ec7fd7792ac037a";
	struct ags_signer s = {"Ada Lovelace", NULL, NULL, AGS_ROLE_AUTHOR,
	                       1795000000};
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	struct ags_envelope env;
	struct ags_pubkey bad;
	struct signer ts = {0};
	uint8_t t8[32];
	size_t n = 0;

	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ts.sk = sk;
	new_envelope(&env);
	ck_assert_int_eq(
	        sodium_hex2bin(t8, sizeof(t8), t8_hex, 64, NULL, &n, NULL), 0);
	ags_pubkey_init(&bad);
	ck_assert_int_eq(crypto_core_ed25519_add(bad.pk, sk->pub.pk, t8), 0);
	ags_key_id(bad.key_id, bad.pk);
	ck_assert_int_eq(
	        ags_sign_append_with(&env, &bad, test_sign, &ts, &s, 0, &err),
	        AGS_ERR_KEY);
	ck_assert_msg(strstr(err.text, "torsion"), "%s", err.text);
	s.name = NULL;
	ck_assert_int_eq(ags_sign_append_with(&env, &sk->pub, test_sign, &ts,
	                                      &s, 0, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ts.calls, 0);
	ck_assert_uint_eq(env.nsigs, 0);
	ags_envelope_release(&env);
	ags_seckey_free(sk);
}
END_TEST

Suite *sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("signer");

	tcase_add_test(tc, callback_envelope_is_the_seed_envelope);
	tcase_add_loop_test(tc, bad_signer_adds_nothing, 0,
	                    (int)(sizeof(bad_modes) / sizeof(bad_modes[0])));
	tcase_add_test(tc, refused_before_the_signer_is_called);
	suite_add_tcase(s, tc);
	return s;
}
