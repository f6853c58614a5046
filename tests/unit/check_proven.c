/* proven.c and verify.c with timestamps (spec §10.2): what a token proves,
 * and what a proven time does to a signature, against a TSA made in memory
 * that stamps fixed times (tsa_util.c). */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agreesign.h"
#include "internal.h"
#include "tsa_util.h"

static const char text[] = "The author grants the licence.\n";
#define T0   1795000000 /* the signature's proven time */
#define YEAR (365 * 86400)

static struct ags_seckey *sk;
static struct tu_tsa *tsa;
static char pk_b64[64];

static void setup(void)
{
	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&sk->pub, "Ada Lovelace", NULL,
	                                         NULL, NULL),
	                 AGS_OK);
	sodium_bin2base64(pk_b64, sizeof(pk_b64), sk->pub.pk, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
	tsa = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 + YEAR);
	ck_assert_ptr_nonnull(tsa);
}

static void teardown(void)
{
	ags_seckey_free(sk);
	tu_tsa_free(tsa);
}

/* An envelope signed at claimed time `claimed`, with a token of t stamped
 * at gen_time (none when t is NULL). */
static void stamped(struct ags_envelope *env, int64_t claimed, struct tu_tsa *t,
                    int64_t gen_time)
{
	struct ags_signer s = {sk->pub.name, NULL, NULL, AGS_ROLE_AUTHOR,
	                       claimed};
	uint8_t *q, *r, *tok;
	size_t nq, nr, ntok;

	ags_envelope_init(env);
	ags_agreement_bind(&env->agreement, text, strlen(text));
	ck_assert_int_eq(ags_sign_append(env, sk, &s, 0, NULL), AGS_OK);
	if (!t)
		return;
	ck_assert_int_eq(ags_timestamp_request(&q, &nq, env, 0, NULL), AGS_OK);
	r = tu_tsa_reply(t, q, nq, gen_time, 0, &nr);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(
	        ags_timestamp_token(&tok, &ntok, q, nq, r, nr, "r", NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_timestamp_attach(env, NULL, tok, ntok, "r", NULL),
	                 AGS_OK);
	free(q);
	free(r);
	free(tok);
}

/* A v2 trust store: the author with key options, then tsa records of
 * the CA of t (t2 too, when not NULL) with tsa options. */
static void trust_of(struct ags_trust *tr, const char *key_opts,
                     struct tu_tsa *t, const char *tsa_opts)
{
	char *buf = malloc(65536), b64[8192];
	size_t n;
	uint8_t *der = t ? tu_tsa_ca_der(t, &n) : NULL;
	struct ags_error err = {0};
	int len;

	ck_assert_ptr_nonnull(buf);
	len = snprintf(buf, 65536,
	               "agreesign trust v2\nkey \"Ada Lovelace\" %s "
	               "roles=author%s%s\n",
	               pk_b64, *key_opts ? " " : "", key_opts);
	if (der) {
		sodium_bin2base64(b64, sizeof(b64), der, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		snprintf(buf + len, (size_t)(65536 - len), "tsa TSA %s%s%s\n",
		         b64, *tsa_opts ? " " : "", tsa_opts);
	}
	ags_trust_init(tr);
	ck_assert_msg(ags_trust_parse(tr, buf, strlen(buf), "t", &err) ==
	                      AGS_OK,
	              "%s", err.text);
	free(der);
	free(buf);
}

/* Verifies env under tr with policy p; the report of signature 1. */
static struct ags_sig_report run(struct ags_report *rep,
                                 struct ags_envelope *env, struct ags_trust *tr,
                                 const struct ags_policy *p)
{
	ck_assert_int_eq(ags_verify(rep, env, text, strlen(text), tr, p, NULL),
	                 AGS_OK);
	return rep->sigs[0];
}

START_TEST(test_proven_time)
{
	struct ags_envelope env;
	struct ags_trust tr;
	struct ags_report rep;
	struct ags_policy p = {0};
	struct ags_sig_report s;

	stamped(&env, T0 - 60, tsa, T0);
	trust_of(&tr, "", tsa, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
	ck_assert_int_eq(s.proven_time, T0);
	ck_assert_str_eq(s.tsa->name, "TSA");
	ck_assert(s.valid && rep.verified);
	ags_report_release(&rep);
	p.require_proven_time = 1;
	run(&rep, &env, &tr, &p);
	ck_assert(rep.verified);
	ags_report_release(&rep);
	ags_trust_release(&tr);
	/* no TSA pinned: not checked, and the policy fails */
	trust_of(&tr, "", NULL, "");
	s = run(&rep, &env, &tr, &p);
	ck_assert_int_eq(s.token, AGS_TOKEN_NOT_CHECKED);
	ck_assert(s.valid && !rep.verified);
	ck_assert_str_eq(rep.policy_detail,
	                 "signature 1 has no proven time: not checked: the "
	                 "trust store pins no time-stamping authority");
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
}
END_TEST

/* env written to a file and read back with ags_envelope_load_known under
 * tr: with tr's certificate cache, its tokens are parsed keyless. */
static void reload(struct ags_envelope *out, const struct ags_envelope *env,
                   const struct ags_trust *tr)
{
	char path[] = "/tmp/check_proven.XXXXXX", *json = NULL;
	struct ags_error err = {0};
	size_t n = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ags_envelope_format(&json, &n, env, NULL), AGS_OK);
	ck_assert_int_eq(write(fd, json, n), (ssize_t)n);
	close(fd);
	ck_assert_msg(ags_envelope_load_known(out, path, tr, &err) == AGS_OK,
	              "%s", err.text);
	unlink(path);
	free(json);
}

/* A trust load that pins a TSA parses tokens without decoding their
 * certificates' keys and decodes each certificate once (tsp_certs.c):
 * the same verdicts as a plain parse, with the cache or without it. */
START_TEST(test_keyless_tokens)
{
	struct tu_tsa *other = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 + YEAR);
	struct ags_envelope env, got, env2, got2;
	struct ags_trust tr, plain, tr2;
	struct ags_report rep;
	struct ags_sig_report s;
	int round;

	ck_assert_ptr_nonnull(other);
	stamped(&env, T0 - 60, tsa, T0);
	stamped(&env2, T0 - 60, other, T0);
	trust_of(&tr, "", tsa, "");
	tr.tsp_certs = ags_tsp_certs_new();
	ck_assert_ptr_nonnull(tr.tsp_certs);
	reload(&got, &env, &tr);
	reload(&got2, &env2, &tr);
	ck_assert_ptr_nonnull(got.sigs[0].timestamp_parsed);
	/* twice: the second time from the cache */
	for (round = 0; round < 2; round++) {
		s = run(&rep, &got, &tr, NULL);
		ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
		ck_assert_int_eq(s.proven_time, T0);
		ags_report_release(&rep);
		/* another CA's token, its certificates now cached too */
		s = run(&rep, &got2, &tr, NULL);
		ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
		ck_assert(s.valid);
		ags_report_release(&rep);
	}
	/* the keyless parse verified without the cache: decoded per call */
	trust_of(&plain, "", tsa, "");
	s = run(&rep, &got, &plain, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
	ags_report_release(&rep);
	/* and the other TSA's token under its own CA, with the cache */
	trust_of(&tr2, "", other, "");
	tr2.tsp_certs = ags_tsp_certs_new();
	s = run(&rep, &got2, &tr2, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
	ags_report_release(&rep);
	ags_trust_release(&tr2);
	ags_trust_release(&plain);
	ags_trust_release(&tr);
	ags_envelope_release(&got2);
	ags_envelope_release(&got);
	ags_envelope_release(&env2);
	ags_envelope_release(&env);
	tu_tsa_free(other);
}
END_TEST

START_TEST(test_record_window)
{
	struct ags_envelope env;
	struct ags_trust tr;
	struct ags_report rep;
	struct ags_sig_report s;

	stamped(&env, T0, tsa, T0);
	/* valid-before is exclusive, valid-after inclusive */
	trust_of(&tr, "", tsa, "valid-before=2026-11-18T11:06:40Z");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_ptr_nonnull(strstr(s.token_detail, "not before the "
	                                             "valid-before"));
	ck_assert(s.valid && rep.verified); /* proves nothing, harms nothing */
	ags_report_release(&rep);
	ags_trust_release(&tr);
	trust_of(&tr, "", tsa, "valid-after=2026-11-18T11:06:40Z");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
	ags_report_release(&rep);
	ags_trust_release(&tr);
	trust_of(&tr, "", tsa,
	         "revoked=2099-01-01T00:00:00Z reason=\"key leaked\"");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_str_eq(s.token_detail,
	                 "the TSA \"TSA\" is revoked: key leaked");
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(test_tsa_certificate_time)
{
	struct ags_envelope env;
	struct ags_trust tr;
	struct ags_report rep;
	struct ags_sig_report s;
	/* valid until an hour before the token's time */
	struct tu_tsa *old = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 - 3600);

	ck_assert_ptr_nonnull(old);
	stamped(&env, T0, old, T0);
	trust_of(&tr, "", old, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_ptr_nonnull(strstr(s.token_detail, "expired"));
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
	/* the same certificate, a token from inside its validity: judged at
	 * its own time, so the later expiry does not matter */
	stamped(&env, T0 - 7200, old, T0 - 7200);
	trust_of(&tr, "", old, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.token, AGS_TOKEN_VALID);
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
	tu_tsa_free(old);
}
END_TEST

START_TEST(test_key_revoked)
{
	struct ags_envelope env, plain;
	struct ags_trust tr;
	struct ags_report rep;
	struct ags_sig_report s;

	stamped(&env, T0, tsa, T0);
	stamped(&plain, T0, NULL, 0);
	/* revoked one second after the proven time: still valid */
	trust_of(&tr, "revoked=2026-11-18T11:06:41Z reason=stolen", tsa, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert(s.valid && s.revoked_later && rep.verified);
	ck_assert_str_eq(s.detail, "key revoked on 2026-11-18T11:06:41Z after "
	                           "this signature was timestamped");
	ags_report_release(&rep);
	s = run(&rep, &plain, &tr, NULL);
	ck_assert(!s.valid && s.reason == AGS_REASON_REVOKED);
	ags_report_release(&rep);
	ags_trust_release(&tr);
	/* revoked at the proven time itself: refused */
	trust_of(&tr, "revoked=2026-11-18T11:06:40Z reason=stolen", tsa, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert(!s.valid && !s.revoked_later);
	ck_assert_int_eq(s.reason, AGS_REASON_REVOKED);
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
	ags_envelope_release(&plain);
}
END_TEST

START_TEST(test_claimed_and_window)
{
	struct ags_envelope env;
	struct ags_trust tr;
	struct ags_report rep;
	struct ags_sig_report s;

	/* the tolerance: 300 seconds later is fine, 301 is not */
	stamped(&env, T0 + AGS_PROVEN_TOLERANCE, tsa, T0);
	trust_of(&tr, "", tsa, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert(s.valid);
	ags_report_release(&rep);
	ags_envelope_release(&env);
	stamped(&env, T0 + AGS_PROVEN_TOLERANCE + 1, tsa, T0);
	s = run(&rep, &env, &tr, NULL);
	ck_assert(!s.valid);
	ck_assert_str_eq(ags_reason_name(s.reason),
	                 "claimed-time-after-proven");
	ags_report_release(&rep);
	ags_envelope_release(&env);
	ags_trust_release(&tr);
	/* the window on the proven time: a claim inside it does not help */
	stamped(&env, T0 - YEAR, tsa, T0);
	trust_of(&tr, "valid-before=2026-11-18T11:06:40Z", tsa, "");
	s = run(&rep, &env, &tr, NULL);
	ck_assert_int_eq(s.reason, AGS_REASON_EXPIRED);
	ck_assert_str_eq(s.detail, "proven signing time is not before the "
	                           "key's valid-before 2026-11-18T11:06:40Z");
	ags_report_release(&rep);
	ags_trust_release(&tr);
	ags_envelope_release(&env);
}
END_TEST

/* Renews the chain of signature 1 with a token of t at gen_time. */
static void renewed(struct ags_envelope *env, struct tu_tsa *t,
                    int64_t gen_time)
{
	uint8_t *q, *r, *tok;
	size_t nq, nr, ntok;

	ck_assert_int_eq(ags_timestamp_renewal_request(&q, &nq, env, 0, NULL),
	                 AGS_OK);
	r = tu_tsa_reply(t, q, nq, gen_time, 0, &nr);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(
	        ags_timestamp_token(&tok, &ntok, q, nq, r, nr, "r", NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_timestamp_renew(env, NULL, tok, ntok, "r", NULL),
	                 AGS_OK);
	free(q);
	free(r);
	free(tok);
}

/* A v2 trust store pinning the CAs of t[0..n-1] as TSA1, TSA2, ... */
static void trust_many(struct ags_trust *tr, struct tu_tsa **t, size_t n)
{
	char *buf = malloc(65536), b64[8192];
	struct ags_error err = {0};
	size_t i, len, dn;

	ck_assert_ptr_nonnull(buf);
	len = (size_t)snprintf(buf, 65536,
	                       "agreesign trust v2\nkey \"Ada Lovelace\" %s "
	                       "roles=author\n",
	                       pk_b64);
	for (i = 0; i < n; i++) {
		uint8_t *der = tu_tsa_ca_der(t[i], &dn);
		sodium_bin2base64(b64, sizeof(b64), der, dn,
		                  sodium_base64_VARIANT_ORIGINAL);
		len += (size_t)snprintf(buf + len, 65536 - len,
		                        "tsa TSA%zu %s\n", i + 1, b64);
		free(der);
	}
	ags_trust_init(tr);
	ck_assert_msg(ags_trust_parse(tr, buf, strlen(buf), "t", &err) ==
	                      AGS_OK,
	              "%s", err.text);
	free(buf);
}

/* The token report of signature 1 of env under tr. */
static struct ags_sig_report judged(struct ags_envelope *env,
                                    struct ags_trust *tr)
{
	struct ags_report rep;
	struct ags_sig_report s = run(&rep, env, tr, NULL);

	ck_assert(s.valid); /* a token never makes a signature invalid */
	ags_report_release(&rep);
	return s;
}

/* Renewal chains (spec §10.2): the first TSA's certificate expired an
 * hour after T0, long before now; renewals made in time keep T0 proven. */
START_TEST(test_renewal_chain)
{
	struct tu_tsa *t[3];
	struct ags_envelope env;
	struct ags_trust tr;
	struct ags_sig_report s;
	char buf[1024];
	char *json;
	size_t n;

	t[0] = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 + 3600);
	t[1] = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 + 10 * YEAR);
	t[2] = tu_tsa_new(TU_TSA_GOOD, T0 - YEAR, T0 + 10 * YEAR);
	ck_assert(t[0] && t[1] && t[2]);
	trust_many(&tr, t, 3);
	stamped(&env, T0 - 60, t[0], T0);
	renewed(&env, t[1], T0 + 60);
	renewed(&env, t[2], T0 + 120);
	ck_assert_uint_eq(env.sigs[0].nrenewals, 2);
	s = judged(&env, &tr);
	ck_assert_msg(s.token == AGS_TOKEN_VALID, "%s", s.token_detail);
	ck_assert_int_eq(s.proven_time, T0);
	ck_assert_str_eq(s.tsa->name, "TSA1");
	/* written as v3, read back the same */
	ck_assert_int_eq(ags_envelope_format(&json, &n, &env, NULL), AGS_OK);
	ck_assert_ptr_nonnull(strstr(json, "agreesign-envelope/v3"));
	ags_envelope_release(&env);
	ck_assert_int_eq(ags_envelope_parse(&env, json, n, "e", NULL), AGS_OK);
	free(json);
	ck_assert_uint_eq(env.sigs[0].nrenewals, 2);
	s = judged(&env, &tr);
	ck_assert_int_eq(s.proven_time, T0);
	ags_envelope_release(&env);
	/* renewed after the first certificate expired: nothing proven */
	stamped(&env, T0 - 60, t[0], T0);
	renewed(&env, t[1], T0 + 7200);
	s = judged(&env, &tr);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	snprintf(buf, sizeof(buf), "%s", s.token_detail);
	ck_assert_msg(strstr(buf, "token 1 of 2: the token does not verify "
	                          "at 2026-11-18T") &&
	                      strstr(buf, "expired"),
	              "%s", buf);
	ags_envelope_release(&env);
	/* a renewal older than the token it renews */
	stamped(&env, T0 - 60, t[0], T0);
	renewed(&env, t[1], T0 - 60);
	s = judged(&env, &tr);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_str_eq(s.token_detail,
	                 "token 1 of 2: its time is after that of the token "
	                 "that renews it");
	ags_envelope_release(&env);
	/* a last token whose TSA's certificate has expired by now */
	stamped(&env, T0 - 60, t[1], T0);
	renewed(&env, t[0], T0 + 60);
	s = judged(&env, &tr);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_ptr_nonnull(strstr(s.token_detail, "token 2 of 2: the token "
	                                             "does not verify at"));
	ags_envelope_release(&env);
	/* a middle token from a TSA that is not pinned */
	stamped(&env, T0 - 60, t[0], T0);
	renewed(&env, t[2], T0 + 60);
	renewed(&env, t[1], T0 + 120);
	ags_trust_release(&tr);
	trust_many(&tr, t, 2); /* TSA1 and TSA2: not t[2] */
	s = judged(&env, &tr);
	ck_assert_int_eq(s.token, AGS_TOKEN_INVALID);
	ck_assert_ptr_nonnull(strstr(s.token_detail, "token 2 of 3: "));
	ags_envelope_release(&env);
	ags_trust_release(&tr);
	tu_tsa_free(t[0]);
	tu_tsa_free(t[1]);
	tu_tsa_free(t[2]);
}
END_TEST

/* ags_timestamp_renew refuses what it cannot append. */
START_TEST(test_renew_refusals)
{
	struct ags_envelope env;
	uint8_t *q, *r, *tok;
	size_t nq, nr, ntok;
	struct ags_error err = {0};

	stamped(&env, T0, NULL, 0);
	ck_assert_int_eq(ags_timestamp_renewal_request(&q, &nq, &env, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_str_eq(err.text,
	                 "signature 1 has no timestamp token to renew");
	ags_envelope_release(&env);
	stamped(&env, T0, tsa, T0);
	ck_assert_int_eq(ags_timestamp_renewal_request(&q, &nq, &env, 0, NULL),
	                 AGS_OK);
	r = tu_tsa_reply(tsa, q, nq, T0 + 1, 0, &nr);
	ck_assert_int_eq(
	        ags_timestamp_token(&tok, &ntok, q, nq, r, nr, "r", NULL),
	        AGS_OK);
	/* a renewal is not a first token, nor the reverse */
	ck_assert_int_eq(ags_timestamp_attach(&env, NULL, tok, ntok, "r", NULL),
	                 AGS_ERR_INVALID);
	memset(&err, 0, sizeof(err)); /* the first error wins */
	ck_assert_int_eq(ags_timestamp_renew(&env, NULL, env.sigs[0].timestamp,
	                                     env.sigs[0].timestamp_len, "r",
	                                     &err),
	                 AGS_ERR_INVALID);
	ck_assert_str_eq(err.text,
	                 "the token renews no timestamp token of the envelope");
	ck_assert_int_eq(ags_timestamp_renew(&env, NULL, tok, ntok, "r", NULL),
	                 AGS_OK);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_timestamp_renew(&env, NULL, tok, ntok, "r", &err),
	                 AGS_ERR_INVALID);
	ck_assert_str_eq(err.text, "the token renews a token that has been "
	                           "renewed since");
	free(q);
	free(r);
	free(tok);
	ags_envelope_release(&env);
}
END_TEST

Suite *proven_suite(void);

Suite *proven_suite(void)
{
	Suite *s = suite_create("proven");
	TCase *tc = tcase_create("proven");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_proven_time);
	tcase_add_test(tc, test_keyless_tokens);
	tcase_add_test(tc, test_record_window);
	tcase_add_test(tc, test_tsa_certificate_time);
	tcase_add_test(tc, test_key_revoked);
	tcase_add_test(tc, test_claimed_and_window);
	tcase_add_test(tc, test_renewal_chain);
	tcase_add_test(tc, test_renew_refusals);
	suite_add_tcase(s, tc);
	return s;
}
