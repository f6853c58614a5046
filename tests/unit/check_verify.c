/* Signing and verification over the library: every way an envelope can go
 * wrong is reported with its reason, and the policy decides the verdict. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "test_util.h"

static const char text[] = "The author grants the licence.\n"
                           "\n"
                           "Signed in good faith.\n";
#define T0 1795000000 /* 2026-11-18T... */

struct party {
	struct ags_seckey *sk;
	char b64[64];
};

static struct party author, coauthor, publisher, stranger;

static void make_party(struct party *p, const char *name)
{
	ck_assert_int_eq(ags_seckey_generate(&p->sk, NULL), AGS_OK);
	ck_assert_int_eq(
	        ags_pubkey_set_identity(&p->sk->pub, name, NULL, NULL, NULL),
	        AGS_OK);
	sodium_bin2base64(p->b64, sizeof(p->b64), p->sk->pub.pk, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
}

static void setup(void)
{
	make_party(&author, "Ada Lovelace");
	make_party(&coauthor, "Charles Babbage");
	make_party(&publisher, "Example Open Press");
	make_party(&stranger, "Mallory");
}

static void teardown(void)
{
	ags_seckey_free(author.sk);
	ags_seckey_free(coauthor.sk);
	ags_seckey_free(publisher.sk);
	ags_seckey_free(stranger.sk);
}

static void sign_as(struct ags_envelope *env, struct party *p,
                    enum ags_role role, int countersign)
{
	struct ags_signer s = {p->sk->pub.name, NULL, NULL, role, T0};

	ck_assert_int_eq(ags_sign_append(env, p->sk, &s, countersign, NULL),
	                 AGS_OK);
}

static void new_envelope(struct ags_envelope *env)
{
	ags_envelope_init(env);
	ags_agreement_bind(&env->agreement, text, strlen(text));
	env->agreement.md.title = strdup("On Engines");
}

/* A trust store: the three parties with their roles; extra options for
 * the author's line. */
static void trust_with(struct ags_trust *t, const char *author_opts)
{
	char buf[2048];
	struct ags_error err = {0};

	snprintf(buf, sizeof(buf),
	         "agreesign trust v1\n"
	         "# the journal's authors\n"
	         "\"Ada Lovelace\" %s %s\n"
	         "\"Charles Babbage\" %s roles=co-author\n"
	         "\n"
	         "\"Example Open Press\" %s roles=publisher\n",
	         author.b64, author_opts, coauthor.b64, publisher.b64);
	ck_assert_msg(ags_trust_parse(t, buf, strlen(buf), "trust", &err) ==
	                      AGS_OK,
	              "trust: %s", err.text);
}

static void run_verify(struct ags_report *r, const struct ags_envelope *env,
                       const char *canon, const struct ags_trust *t,
                       const struct ags_policy *policy)
{
	struct ags_error err = {0};

	ck_assert_int_eq(
	        ags_verify(r, env, canon, strlen(canon), t, policy, &err),
	        AGS_OK);
}

START_TEST(single_author_verifies)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_trust_from_pubkey(&t, &author.sk->pub, NULL),
	                 AGS_OK);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 1);
	ck_assert_int_eq(r.text_matches, 1);
	ck_assert_int_eq(r.sigs[0].valid, 1);
	ck_assert_str_eq(r.sigs[0].trusted->identity, "Ada Lovelace");
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(changed_text_is_caught)
{
	static const char *const variants[] = {
	        "The author grants the license.\n\nSigned in good faith.\n",
	        "The author grants the licence\n\nSigned in good faith.\n",
	        "The author grants\nthe licence.\n\nSigned in good faith.\n",
	        "The author grants the licence.\n\nSigned in good faith.\n\n",
	        "The author grants the licence.\nSigned in good faith.\n"};
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	size_t i;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	trust_with(&t, "");
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		run_verify(&r, &env, variants[i], &t, NULL);
		ck_assert_int_eq(r.verified, 0);
		ck_assert_int_eq(r.text_matches, 0);
		ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_TEXT_CHANGED);
		ags_report_release(&r);
	}
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* Flipping any bit of a signed field or of the signature is caught. */
START_TEST(signed_fields_are_bound)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	size_t i;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	trust_with(&t, "");
	for (i = 0; i < 7; i++) {
		struct ags_envelope e2;
		char *copy = NULL;
		size_t len = 0;
		ck_assert_int_eq(ags_envelope_format(&copy, &len, &env, NULL),
		                 AGS_OK);
		ck_assert_int_eq(ags_envelope_parse(&e2, copy, len, "e", NULL),
		                 AGS_OK);
		switch (i) {
		case 0: e2.agreement.md.title[0] ^= 0x20; break;
		case 1: e2.sigs[0].signer.time += 1; break;
		case 2: e2.sigs[0].signer.role = AGS_ROLE_COAUTHOR; break;
		case 3: e2.sigs[0].signature[63] ^= 1; break;
		case 4: e2.sigs[0].signature[0] ^= 0x80; break;
		case 5:
			free(e2.agreement.md.license);
			e2.agreement.md.license = strdup("CC0-1.0");
			break;
		case 6: e2.sigs[0].signer.email = strdup("a@b.c"); break;
		}
		run_verify(&r, &e2, text, &t, NULL);
		ck_assert_msg(r.sigs[0].reason == AGS_REASON_BAD_SIGNATURE,
		              "change %zu: reason %s", i,
		              ags_reason_name(r.sigs[0].reason));
		ck_assert_int_eq(r.verified, 0);
		ags_report_release(&r);
		ags_envelope_release(&e2);
		free(copy);
	}
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(envelope_key_is_only_a_hint)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;

	new_envelope(&env);
	/* Mallory signs under the author's name with his own key. */
	{
		struct ags_signer s = {"Ada Lovelace", NULL, NULL,
		                       AGS_ROLE_AUTHOR, T0};
		ck_assert_int_eq(
		        ags_sign_append(&env, stranger.sk, &s, 0, NULL),
		        AGS_OK);
	}
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_UNTRUSTED_KEY);
	ck_assert_ptr_null(r.sigs[0].trusted);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(name_mismatch_is_reported)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	struct ags_signer s = {"Ada King", NULL, NULL, AGS_ROLE_AUTHOR, T0};

	new_envelope(&env);
	ck_assert_int_eq(ags_sign_append(&env, author.sk, &s, 0, NULL), AGS_OK);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_NAME_MISMATCH);
	ck_assert_ptr_nonnull(strstr(r.sigs[0].detail, "Ada King"));
	ck_assert_str_eq(r.sigs[0].trusted->identity, "Ada Lovelace");
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* The author's trust line options and the reason each must give. */
static const struct {
	const char *opts;
	enum ags_reason reason;
	const char *detail;
} trust_cases[] = {
        {"revoked=2026-01-01T00:00:00Z reason=\"key lost\"", AGS_REASON_REVOKED,
         "key lost"},
        {"roles=publisher", AGS_REASON_WRONG_ROLE, "author"},
        {"valid-before=2026-11-18T00:00:00Z", AGS_REASON_EXPIRED,
         "valid-before"},
        {"valid-after=2027-01-01T00:00:00Z", AGS_REASON_NOT_YET_VALID,
         "valid-after"},
        {"valid-after=2020-01-01T00:00:00Z valid-before=2030-01-01T00:00:00Z",
         AGS_REASON_OK, ""},
};

START_TEST(trust_options_apply)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	trust_with(&t, trust_cases[_i].opts);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.sigs[0].reason, trust_cases[_i].reason);
	ck_assert_int_eq(r.verified, trust_cases[_i].reason == AGS_REASON_OK);
	ck_assert_msg(strstr(r.sigs[0].detail, trust_cases[_i].detail) != NULL,
	              "detail '%s'", r.sigs[0].detail);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

static void full_envelope(struct ags_envelope *env)
{
	new_envelope(env);
	sign_as(env, &author, AGS_ROLE_AUTHOR, 0);
	sign_as(env, &coauthor, AGS_ROLE_COAUTHOR, 0);
	sign_as(env, &publisher, AGS_ROLE_PUBLISHER, 1);
}

START_TEST(cosigned_and_countersigned)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	struct ags_policy p = {.require_roles =
	                               AGS_ROLE_AUTHOR | AGS_ROLE_PUBLISHER};

	full_envelope(&env);
	ck_assert_uint_eq(env.sigs[2].ncovers, 2);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, &p);
	ck_assert_msg(r.verified, "%s", r.policy_detail);
	ags_report_release(&r);
	/* The publisher may not sign as author. */
	p.require_roles = AGS_ROLE_COAUTHOR;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 1);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* Edits of a countersigned envelope: each must break it. */
static void edit_signatures(struct ags_envelope *env, int how)
{
	struct ags_signature tmp;

	switch (how) {
	case 0: /* remove the co-author's signature */
		ags_signer_release(&env->sigs[1].signer);
		env->sigs[1] = env->sigs[2];
		env->nsigs = 2;
		break;
	case 1: /* reorder the two author signatures */
		tmp = env->sigs[0];
		env->sigs[0] = env->sigs[1];
		env->sigs[1] = tmp;
		break;
	case 2: /* move the countersignature to the front */
		tmp = env->sigs[2];
		env->sigs[2] = env->sigs[1];
		env->sigs[1] = env->sigs[0];
		env->sigs[0] = tmp;
		break;
	}
}

START_TEST(countersignature_catches_edits)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	size_t i, bad = 0;

	full_envelope(&env);
	edit_signatures(&env, _i);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	for (i = 0; i < r.nsigs; i++)
		if (r.sigs[i].reason == AGS_REASON_COUNTERSIGN)
			bad++;
	ck_assert_uint_eq(bad, 1);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(signature_added_after_countersignature)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	struct ags_error err = {0};
	struct ags_signer s = {"Mallory", NULL, NULL, AGS_ROLE_COAUTHOR, T0};

	full_envelope(&env);
	/* The library refuses it... */
	ck_assert_int_eq(ags_sign_append(&env, stranger.sk, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "countersigned"));
	/* ...and a forger who appends one by hand is caught. */
	s.role = AGS_ROLE_PUBLISHER;
	ck_assert_int_eq(ags_sign_append(&env, stranger.sk, &s, 1, NULL),
	                 AGS_OK);
	env.sigs[3].is_countersignature = 0;
	free(env.sigs[3].covers);
	env.sigs[3].covers = NULL;
	env.sigs[3].ncovers = 0;
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[2].reason, AGS_REASON_COUNTERSIGN);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* The review's envelope (issue 13, item 10): one entry, role author, an
 * empty countersigns, validly signed. Written and read back, it is
 * refused; built in memory, verify does not accept it either. */
START_TEST(empty_countersignature_is_refused)
{
	struct ags_envelope env, back;
	struct ags_trust t;
	struct ags_report r;
	struct ags_error err = {0};
	uint8_t *msg = NULL;
	size_t len = 0;
	char *out = NULL;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	env.sigs[0].is_countersignature = 1;
	env.sigs[0].covers = calloc(1, sizeof(*env.sigs[0].covers));
	ck_assert_int_eq(ags_signed_message(&msg, &len, &env, 0, NULL), AGS_OK);
	crypto_sign_detached(env.sigs[0].signature, NULL, msg, len,
	                     author.sk->sk);
	free(msg);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_COUNTERSIGN);
	ags_report_release(&r);
	ck_assert_int_eq(ags_envelope_format(&out, &len, &env, NULL), AGS_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"countersigns\": []"));
	ck_assert_int_eq(ags_envelope_parse(&back, out, len, "e", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "1 to 63 entries"));
	free(out);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* What readers refuse, the library does not sign: a countersignature in
 * another role, or one with nothing to cover. */
START_TEST(countersign_refusals)
{
	struct ags_envelope env;
	struct ags_error err = {0};
	struct ags_signer s = {"Example Open Press", NULL, NULL,
	                       AGS_ROLE_AUTHOR, T0};

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_sign_append(&env, publisher.sk, &s, 1, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "role publisher"));
	ck_assert_uint_eq(env.nsigs, 1);
	/* The only signature is (made by hand into) a countersignature. */
	env.sigs[0].is_countersignature = 1;
	s.role = AGS_ROLE_PUBLISHER;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_sign_append(&env, publisher.sk, &s, 1, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "nothing to countersign"));
	ck_assert_uint_eq(env.nsigs, 1);
	env.sigs[0].is_countersignature = 0;
	ck_assert_int_eq(ags_sign_append(&env, publisher.sk, &s, 1, NULL),
	                 AGS_OK);
	ck_assert_uint_eq(env.sigs[1].ncovers, 1);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(policy_requirements)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	const char *keys[1];
	struct ags_policy p = {.require_roles = AGS_ROLE_PUBLISHER};

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_ptr_nonnull(strstr(r.policy_detail, "publisher"));
	ags_report_release(&r);
	keys[0] = coauthor.sk->pub.key_id;
	p.require_roles = 0;
	p.require_keys = keys;
	p.nrequire_keys = 1;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_ptr_nonnull(strstr(r.policy_detail, keys[0]));
	ags_report_release(&r);
	keys[0] = author.sk->pub.key_id;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 1);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);

	/* Without an author signature the default policy fails. */
	new_envelope(&env);
	sign_as(&env, &coauthor, AGS_ROLE_COAUTHOR, 0);
	trust_with(&t, "");
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.sigs[0].valid, 1);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_ptr_nonnull(strstr(r.policy_detail, "author"));
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

START_TEST(sign_refusals)
{
	struct ags_envelope env;
	struct ags_error err = {0};
	struct ags_signer s = {"Ada Lovelace", NULL, NULL, AGS_ROLE_AUTHOR, T0};

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_sign_append(&env, author.sk, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "already signed"));
	ck_assert_uint_eq(env.nsigs, 1);
	/* A key whose public half was swapped is refused. */
	memset(&err, 0, sizeof(err));
	coauthor.sk->pub.pk[0] ^= 1;
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, &err),
	                 AGS_ERR_KEY);
	coauthor.sk->pub.pk[0] ^= 1;
	/* Bad signer fields are refused. */
	s.name = "";
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, &err),
	                 AGS_ERR_INVALID);
	s.name = "Charles\xef\xbb\xbf Babbage";
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "U+FEFF"));
	s.name = "Charles Babbage";
	/* E-mail and ORCID are text fields too: the reader checks both
	 * rules, so signing does. */
	s.email = "c\xe2\x80\xa8@example.org";
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "line separator"));
	s.email = "c@example.org\xef\xbb\xbf";
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, NULL),
	                 AGS_ERR_INVALID);
	s.email = NULL;
	s.orcid = "0000-0002-1825-0098";
	ck_assert_int_eq(ags_sign_append(&env, coauthor.sk, &s, 0, NULL),
	                 AGS_ERR_INVALID);
	ck_assert_uint_eq(env.nsigs, 1);
	ags_envelope_release(&env);
}
END_TEST

/* The message starts with the domain-separation prefix and its NUL; the
 * same key's signature over the bare JCS statement does not verify. */
START_TEST(domain_separation)
{
	struct ags_envelope env;
	uint8_t *msg = NULL, sig[64];
	size_t len = 0;

	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_signed_message(&msg, &len, &env, 0, NULL), AGS_OK);
	ck_assert_mem_eq(msg, "agreesign/v1 statement\0{", 24);
	ck_assert_int_eq(ags_ed25519_verify(env.sigs[0].signature, msg, len,
	                                    env.sigs[0].public_key),
	                 0);
	ck_assert_int_ne(ags_ed25519_verify(env.sigs[0].signature, msg + 23,
	                                    len - 23, env.sigs[0].public_key),
	                 0);
	crypto_sign_detached(sig, NULL, msg + 23, len - 23, author.sk->sk);
	ck_assert_int_ne(
	        ags_ed25519_verify(sig, msg, len, env.sigs[0].public_key), 0);
	free(msg);
	ags_envelope_release(&env);
}
END_TEST

/* ---------------------------------------------------------------------
 * Long non-ASCII values that reach a reason (issue 13, item 6): a reason
 * is cut at a character boundary with an ellipsis, never inside a
 * character, so it stays UTF-8 and the JSON report can be written.
 */

static const char *const wide_chars[] = {"\xC3\xA9", "\xE2\x82\xAC",
                                         "\xF0\x9D\x84\x9E"};

/* `odd` ASCII letters, then character c up to about max bytes. */
static char *long_text(const char *c, size_t odd, size_t max)
{
	size_t k = strlen(c), n = odd;
	char *s = malloc(max + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', odd);
	for (; n + k <= max; n += k)
		memcpy(s + n, c, k);
	s[n] = '\0';
	return s;
}

static int is_utf8(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

/* The reason is UTF-8, and the whole report goes out as JSON. */
static void assert_reason_ok(const char *reason, const struct ags_report *r,
                             const struct ags_envelope *env)
{
	json_t *j;
	char *line;

	ck_assert_msg(is_utf8(reason), "not UTF-8: %s", reason);
	ck_assert_ptr_nonnull(strstr(reason, "\xE2\x80\xA6"));
	j = ags_report_json(r, env);
	ck_assert_ptr_nonnull(j);
	line = ags_json_dumps_sorted(j, NULL);
	ck_assert_ptr_nonnull(line);
	free(line);
	json_decref(j);
}

/* A revocation reason of 1,000 bytes; loop _i: character width and the
 * parity of what comes before it. */
START_TEST(long_revocation_reason)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	char opts[1100],
	        *why = long_text(wide_chars[_i / 2], (size_t)_i % 2, 1000);

	snprintf(opts, sizeof(opts),
	         "revoked=2026-01-01T00:00:00Z reason=\"%s\"", why);
	new_envelope(&env);
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	trust_with(&t, opts);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_REVOKED);
	assert_reason_ok(r.sigs[0].detail, &r, &env);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
	free(why);
}
END_TEST

/* A long claimed name against a long trusted identity: both are quoted,
 * each cut short. */
START_TEST(long_names_in_name_mismatch)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	char *who = long_text(wide_chars[_i / 2], (size_t)_i % 2, 1000);
	char *claimed = long_text(wide_chars[(_i / 2 + 1) % 3], 1, 1000);
	struct ags_signer s = {claimed, NULL, NULL, AGS_ROLE_AUTHOR, T0};
	char buf[1200];

	snprintf(buf, sizeof(buf), "agreesign trust v1\n\"%s\" %s\n", who,
	         author.b64);
	ck_assert_int_eq(ags_trust_parse(&t, buf, strlen(buf), "t", NULL),
	                 AGS_OK);
	new_envelope(&env);
	ck_assert_int_eq(ags_sign_append(&env, author.sk, &s, 0, NULL), AGS_OK);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_NAME_MISMATCH);
	assert_reason_ok(r.sigs[0].detail, &r, &env);
	/* the end of the reason survives: both names are in it */
	ck_assert_ptr_nonnull(strstr(r.sigs[0].detail, "the trusted identity"));
	ck_assert_int_eq(r.sigs[0].detail[strlen(r.sigs[0].detail) - 1], '"');
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
	free(who);
	free(claimed);
}
END_TEST

/* A v2 entry's e-mail and ORCID (spec §9.5): a signer who gives another
 * is refused as identity-mismatch, one who gives none is accepted; a v1
 * file knows no e-mail. The name is checked first. */
START_TEST(v2_email_and_orcid)
{
	static const struct {
		const char *opts, *email, *orcid;
		enum ags_reason want;
	} cases[] = {
	        {"email=a@b", "a@b", NULL, AGS_REASON_OK},
	        {"email=a@b", NULL, "0000-0002-1825-0097", AGS_REASON_OK},
	        {"email=a@b", "A@b", NULL, AGS_REASON_IDENTITY_MISMATCH},
	        {"orcid=0000-0002-1825-0097", NULL, "0000-0001-5109-3700",
	         AGS_REASON_IDENTITY_MISMATCH},
	        {"orcid=0000-0002-1825-0097", "x@y", "0000-0002-1825-0097",
	         AGS_REASON_OK},
	        {"email=a@b orcid=0000-0002-1825-0097", "a@b",
	         "0000-0001-5109-3700", AGS_REASON_IDENTITY_MISMATCH},
	        {"", "a@b", "0000-0001-5109-3700", AGS_REASON_OK},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ags_envelope env;
		struct ags_trust t;
		struct ags_report r;
		struct ags_signer s = {(char *)"Ada", (char *)cases[i].email,
		                       (char *)cases[i].orcid, AGS_ROLE_AUTHOR,
		                       T0};
		char buf[512];
		snprintf(buf, sizeof(buf),
		         "agreesign trust v2\nkey Ada %s %s\n", author.b64,
		         cases[i].opts);
		ck_assert_int_eq(
		        ags_trust_parse(&t, buf, strlen(buf), "t", NULL),
		        AGS_OK);
		new_envelope(&env);
		ck_assert_int_eq(ags_sign_append(&env, author.sk, &s, 0, NULL),
		                 AGS_OK);
		run_verify(&r, &env, text, &t, NULL);
		ck_assert_msg(r.sigs[0].reason == cases[i].want, "case %zu: %s",
		              i, r.sigs[0].detail);
		if (cases[i].want != AGS_REASON_OK)
			ck_assert_str_eq(ags_reason_name(r.sigs[0].reason),
			                 "identity-mismatch");
		ags_report_release(&r);
		ags_trust_release(&t);
		ags_envelope_release(&env);
	}
}
END_TEST

/* A changed attachment whose name is 255 bytes (a file name's limit). */
START_TEST(long_attachment_name)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	char dir[] = "/tmp/ags-attach-XXXXXX", path[512];
	char *name = long_text(wide_chars[_i / 2], (size_t)_i % 2, 255);
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("changed", f);
	fclose(f);
	new_envelope(&env);
	env.agreement.attachments = calloc(1, sizeof(struct ags_attachment));
	env.agreement.attachments[0].name = strdup(name);
	env.agreement.attachments[0].length = 7;
	env.agreement.nattachments = 1;
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_trust_from_pubkey(&t, &author.sk->pub, NULL),
	                 AGS_OK);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 1);
	ck_assert_int_eq(ags_verify_attachments(&r, &env, dir, NULL), AGS_OK);
	ck_assert_int_eq(r.attachments[0], AGS_ATTACH_CHANGED);
	ck_assert_int_eq(r.verified, 0);
	assert_reason_ok(r.policy_detail, &r, &env);
	ck_assert_ptr_nonnull(strstr(r.policy_detail, "\" has changed"));
	remove(path);
	remove(dir);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
	free(name);
}
END_TEST

/* verify -p: given one key, the other keys' signatures are "not
 * checked" when intact, invalid when broken; the verdict needs a valid
 * signature by the given key (spec 10.2, 10.3). */
START_TEST(given_key_checks_only_its_signatures)
{
	static const char changed[] = "The author grants no licence.\n";
	struct ags_envelope env;
	struct ags_trust t, st;
	struct ags_report r;
	struct ags_policy p = {.given_key = 1};
	size_t i;

	full_envelope(&env);
	ck_assert_int_eq(ags_trust_from_pubkey(&t, &coauthor.sk->pub, NULL),
	                 AGS_OK);
	run_verify(&r, &env, text, &t, &p);
	ck_assert_msg(r.verified, "%s", r.policy_detail);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(r.sigs[i].valid, i == 1);
		ck_assert_int_eq(r.sigs[i].not_checked, i != 1);
		ck_assert_str_eq(ags_reason_name(r.sigs[i].reason),
		                 i == 1 ? "ok" : "key-not-given");
		ck_assert_str_eq(ags_sig_result_name(&r.sigs[i]),
		                 i == 1 ? "valid" : "not-checked");
	}
	ck_assert_ptr_nonnull(strstr(r.sigs[0].detail, "not the key given"));
	ags_report_release(&r);
	/* without given_key, the same store makes them untrusted: invalid */
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[0].not_checked, 0);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_UNTRUSTED_KEY);
	ck_assert_str_eq(ags_sig_result_name(&r.sigs[0]), "invalid");
	ags_report_release(&r);
	/* the given key's signature alone does not satisfy a role or a key
	 * the others claim */
	p.require_roles = AGS_ROLE_AUTHOR;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_str_eq(r.policy_detail,
	                 "no valid signature by a trusted author");
	ags_report_release(&r);
	p.require_roles = 0;
	p.require_keys = (const char *[]){env.sigs[0].key_id};
	p.nrequire_keys = 1;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_ptr_nonnull(strstr(r.policy_detail, "is not checked"));
	ags_report_release(&r);
	p.nrequire_keys = 0;
	/* a changed text: every signature is invalid, none "not checked" */
	run_verify(&r, &env, changed, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(r.sigs[i].not_checked, 0);
		ck_assert_int_eq(r.sigs[i].reason, AGS_REASON_TEXT_CHANGED);
	}
	ags_report_release(&r);
	/* a key that signed nothing */
	ck_assert_int_eq(ags_trust_from_pubkey(&st, &stranger.sk->pub, NULL),
	                 AGS_OK);
	run_verify(&r, &env, text, &st, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_str_eq(r.policy_detail, "no signature by the given key");
	ags_report_release(&r);
	ags_trust_release(&st);
	/* another key's broken signature is INVALID: bad-signature, and the
	 * countersignature over it no longer covers it */
	env.sigs[0].signature[5] ^= 1;
	run_verify(&r, &env, text, &t, &p);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_int_eq(r.sigs[0].not_checked, 0);
	ck_assert_int_eq(r.sigs[0].reason, AGS_REASON_BAD_SIGNATURE);
	ck_assert_int_eq(r.sigs[1].valid, 1);
	ck_assert_int_eq(r.sigs[2].reason, AGS_REASON_COUNTERSIGN);
	ck_assert_str_eq(r.policy_detail, "signature 1 is not valid");
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

/* The policy's require_attachments reaches ags_verify_attachments through
 * the report: without it a missing file is only reported. */
START_TEST(required_attachment_through_policy)
{
	struct ags_envelope env;
	struct ags_trust t;
	struct ags_report r;
	struct ags_policy need = {0};
	char dir[] = "/tmp/ags-attach-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	new_envelope(&env);
	env.agreement.attachments = calloc(1, sizeof(struct ags_attachment));
	env.agreement.attachments[0].name = strdup("gone.pdf");
	env.agreement.attachments[0].length = 3;
	env.agreement.nattachments = 1;
	sign_as(&env, &author, AGS_ROLE_AUTHOR, 0);
	ck_assert_int_eq(ags_trust_from_pubkey(&t, &author.sk->pub, NULL),
	                 AGS_OK);
	run_verify(&r, &env, text, &t, NULL);
	ck_assert_int_eq(ags_verify_attachments(&r, &env, dir, NULL), AGS_OK);
	ck_assert_int_eq(r.attachments[0], AGS_ATTACH_MISSING);
	ck_assert_int_eq(r.verified, 1);
	ags_report_release(&r);
	need.require_attachments = 1;
	run_verify(&r, &env, text, &t, &need);
	ck_assert_int_eq(r.verified, 1);
	ck_assert_int_eq(ags_verify_attachments(&r, &env, dir, NULL), AGS_OK);
	ck_assert_int_eq(r.attachments[0], AGS_ATTACH_MISSING);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_str_eq(r.policy_detail, "attachment \"gone.pdf\" is missing");
	remove(dir);
	ags_report_release(&r);
	ags_trust_release(&t);
	ags_envelope_release(&env);
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, single_author_verifies);
	tcase_add_test(tc, changed_text_is_caught);
	tcase_add_test(tc, signed_fields_are_bound);
	tcase_add_test(tc, envelope_key_is_only_a_hint);
	tcase_add_test(tc, name_mismatch_is_reported);
	tcase_add_loop_test(
	        tc, trust_options_apply, 0,
	        (int)(sizeof(trust_cases) / sizeof(trust_cases[0])));
	tcase_add_test(tc, cosigned_and_countersigned);
	tcase_add_loop_test(tc, countersignature_catches_edits, 0, 3);
	tcase_add_test(tc, signature_added_after_countersignature);
	tcase_add_test(tc, policy_requirements);
	tcase_add_test(tc, empty_countersignature_is_refused);
	tcase_add_test(tc, countersign_refusals);
	tcase_add_test(tc, sign_refusals);
	tcase_add_test(tc, domain_separation);
	tcase_add_loop_test(tc, long_revocation_reason, 0, 6);
	tcase_add_loop_test(tc, long_names_in_name_mismatch, 0, 6);
	tcase_add_test(tc, v2_email_and_orcid);
	tcase_add_loop_test(tc, long_attachment_name, 0, 6);
	tcase_add_test(tc, required_attachment_through_policy);
	tcase_add_test(tc, given_key_checks_only_its_signatures);
	suite_add_tcase(s, tc);
	return s;
}
