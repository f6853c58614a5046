/* message.c writes the signed message straight from the structs. The
 * reference is the definition in the spec: the prefix, its NUL, and
 * ags_jcs_serialize of the json_t tree statement.c builds. Both must give
 * the same bytes, or the same refusal, for every shape of statement. */
#include <check.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

/* The reference: the tree, then the general JCS serializer. */
static enum ags_err reference(char **out, size_t *len,
                              const struct ags_envelope *env, size_t idx)
{
	const struct ags_signature *sig = &env->sigs[idx];
	json_t *o = json_object();
	char *jcs = NULL;
	size_t jlen = 0;
	enum ags_err rc;

	ck_assert_ptr_nonnull(o);
	if (json_object_set_new(o, "statement",
	                        ags_statement_json(&env->agreement)) ||
	    json_object_set_new(o, "signer", ags_signer_json(&sig->signer)) ||
	    (sig->is_countersignature &&
	     json_object_set_new(o, "countersigns",
	                         ags_covers_json(sig->covers, sig->ncovers)))) {
		json_decref(o);
		return AGS_ERR_NOMEM;
	}
	rc = ags_jcs_serialize(&jcs, &jlen, o, NULL);
	json_decref(o);
	if (rc != AGS_OK)
		return rc;
	*out = malloc(AGS_SIG_PREFIX_LEN + jlen);
	ck_assert_ptr_nonnull(*out);
	memcpy(*out, AGS_SIG_PREFIX, AGS_SIG_PREFIX_LEN);
	memcpy(*out + AGS_SIG_PREFIX_LEN, jcs, jlen);
	*len = AGS_SIG_PREFIX_LEN + jlen;
	free(jcs);
	return AGS_OK;
}

static void agree(const struct ags_envelope *env, size_t idx, const char *what)
{
	char *want = NULL;
	uint8_t *got = NULL;
	size_t wlen = 0, glen = 0;
	enum ags_err rw = reference(&want, &wlen, env, idx);
	enum ags_err rg = ags_signed_message(&got, &glen, env, idx, NULL);

	/* Refusals may differ in kind: the tree refuses invalid UTF-8 as
	 * out of memory (jansson's json_string gives NULL). */
	ck_assert_msg((rw == AGS_OK) == (rg == AGS_OK),
	              "%s: reference %d, message.c %d", what, rw, rg);
	if (rw == AGS_OK) {
		ck_assert_msg(wlen == glen && memcmp(want, got, wlen) == 0,
		              "%s: bytes differ:\n%.*s\n%.*s", what,
		              (int)(wlen - AGS_SIG_PREFIX_LEN),
		              want + AGS_SIG_PREFIX_LEN,
		              (int)(glen - AGS_SIG_PREFIX_LEN),
		              (char *)got + AGS_SIG_PREFIX_LEN);
	} else {
		ck_assert_ptr_null(got);
	}
	free(want);
	free(got);
}

/* Every signature of every envelope vector that parses. */
START_TEST(test_vectors)
{
	static const char *const names[] = {
	        "signed",          "cosigned",
	        "countersigned",   "countersigned-reordered",
	        "tampered-length", "tampered-role",
	        "tampered-time",   "tampered-title"};
	char path[256];
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ags_envelope env;
		snprintf(path, sizeof(path),
		         "../spec/vectors/envelopes/%s.sig.json", names[i]);
		ck_assert_msg(ags_envelope_load(&env, path, NULL) == AGS_OK,
		              "%s does not load", path);
		for (k = 0; k < env.nsigs; k++)
			agree(&env, k, path);
		ags_envelope_release(&env);
	}
}
END_TEST

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A string of up to 12 pieces from an alphabet of what JCS treats
 * specially: controls, quote, backslash, DEL, slash, 2-, 3- and 4-byte
 * UTF-8, line separators. NULL one time in `null_in`. */
static char *random_text(unsigned null_in)
{
	static const char *const pieces[] = {
	        "a",    "Z",    "0",  " ",  "\"",           "\\", "/",
	        "\x01", "\x1f", "\n", "\t", "\b",           "\f", "\r",
	        "\x7f", "é",    "ß",  "€",  "\xe2\x80\xa8", "𝄞",  "ab c"};
	size_t n = rnd() % 13, i, len = 0;
	char *s;

	if (null_in && rnd() % null_in == 0)
		return NULL;
	s = malloc(13 * 4 + 1);
	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++) {
		const char *p =
		        pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
		memcpy(s + len, p, strlen(p));
		len += strlen(p);
	}
	s[len] = '\0';
	return s;
}

/* Lengths up to INT64_MAX: statement.c hands them to jansson as
 * json_int_t, which would make larger ones negative (message.c refuses
 * those, test_refusals). */
static uint64_t random_length(void)
{
	static const uint64_t edges[] = {
	        0,        1, 3286, 9007199254740991ULL, 9007199254740992ULL,
	        INT64_MAX};

	return rnd() % 4 ? rnd() % 100000 : edges[rnd() % 6];
}

static void random_envelope(struct ags_envelope *env)
{
	struct ags_agreement *a = &env->agreement;
	struct ags_signature *sig;
	size_t i;

	ags_envelope_init(env);
	a->text_length = random_length();
	randombytes_buf(a->text_sha512, sizeof(a->text_sha512));
	a->md.title = random_text(4);
	a->md.corresponding_author = random_text(4);
	a->md.proceedings = random_text(4);
	a->md.publisher = random_text(4);
	a->md.license = random_text(4);
	a->md.agreement_date = random_text(4);
	a->is_template = rnd() % 4 == 0;
	a->nattachments = rnd() % 3 == 0 ? 1 + rnd() % 3 : 0;
	a->attachments = calloc(a->nattachments + 1, sizeof(*a->attachments));
	for (i = 0; i < a->nattachments; i++) {
		a->attachments[i].name = random_text(0);
		a->attachments[i].length = random_length();
		randombytes_buf(a->attachments[i].sha512, AGS_DIGEST_BYTES);
	}
	env->nsigs = 1;
	env->sigs = calloc(1, sizeof(*env->sigs));
	sig = &env->sigs[0];
	sig->signer.name = random_text(0);
	sig->signer.email = random_text(2);
	sig->signer.orcid = random_text(2);
	sig->signer.role = (enum ags_role)(1u << (rnd() % 3));
	sig->signer.time = (int64_t)(rnd() % 4102444800ULL);
	sig->is_countersignature = rnd() % 3 == 0;
	sig->ncovers = sig->is_countersignature ? rnd() % 4 : 0;
	sig->covers = calloc(sig->ncovers + 1, sizeof(*sig->covers));
	for (i = 0; i < sig->ncovers; i++) {
		snprintf(sig->covers[i].key_id, sizeof(sig->covers[i].key_id),
		         "%032llx", (unsigned long long)rnd());
		randombytes_buf(sig->covers[i].signature_sha512,
		                AGS_DIGEST_BYTES);
	}
}

/* Seeded random statements of every shape, with the characters JCS
 * escapes, lengths at the I-JSON bound, optional fields absent. */
START_TEST(test_random_statements)
{
	char what[64];
	int i;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 5000; i++) {
		struct ags_envelope env;
		random_envelope(&env);
		snprintf(what, sizeof(what), "random statement %d", i);
		agree(&env, 0, what);
		ags_envelope_release(&env);
	}
}
END_TEST

/* What JCS refuses, message.c refuses: invalid UTF-8 anywhere, a length
 * beyond 2^53 - 1. */
START_TEST(test_refusals)
{
	static const char *const bad[] = {"\xc3", "a\xff", "\xed\xa0\x80",
	                                  "\xc0\xaf", "\xf4\x90\x80\x80"};
	struct ags_envelope env;
	size_t i;

	rng_state = 42;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		random_envelope(&env);
		free(env.agreement.md.title);
		env.agreement.md.title = strdup(bad[i]);
		agree(&env, 0, bad[i]);
		ck_assert_int_eq(ags_signed_message(&(uint8_t *){NULL},
		                                    &(size_t){0}, &env, 0,
		                                    NULL),
		                 AGS_ERR_FORMAT);
		ags_envelope_release(&env);
	}
	random_envelope(&env);
	env.agreement.text_length = 9007199254740992ULL;
	agree(&env, 0, "text_length 2^53");
	env.agreement.text_length = UINT64_MAX;
	ck_assert_int_eq(ags_signed_message(&(uint8_t *){NULL}, &(size_t){0},
	                                    &env, 0, NULL),
	                 AGS_ERR_FORMAT);
	ags_envelope_release(&env);
}
END_TEST

Suite *message_suite(void);

Suite *message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("message");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_random_statements);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}
