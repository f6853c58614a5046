/* report_line.c writes a batch result straight from the report; the
 * reference is the tree of ags_verify_item dumped by
 * ags_json_dumps_sorted. Same bytes, for every shape of result. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

#define VEC "../spec/vectors/"

/* The line of the item both ways: same verdict, same bytes. */
static void agree_item(const struct ags_batch_item *it,
                       const struct ags_trust *trust,
                       const struct ags_policy *policy, const char *what)
{
	int v1 = -1, v2 = -1;
	json_t *tree = ags_verify_item(&v1, it, trust, policy, NULL);
	char *want = tree ? ags_json_dumps_sorted(tree, NULL) : NULL;
	char *got = ags_verify_item_line(&v2, it, trust, policy, NULL);

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(v1, v2);
	ck_assert_msg(strcmp(want, got) == 0, "%s:\n%s\n%s", what, want, got);
	/* an entry of a folder (line 0) has no "line" member */
	ck_assert_msg((strstr(got, "\"line\":") != NULL) == (it->line != 0),
	              "%s: \"line\" member: %s", what, got);
	json_decref(tree);
	free(want);
	free(got);
}

/* Every vector agreement and envelope under trust file _i, with and
 * without a policy requiring every role, with and without an id, and as
 * if the store were one key given (verify -p: "not-checked" results). */
START_TEST(test_vector_results)
{
	struct ags_policy all_roles = {.require_roles = AGS_ROLE_ALL};
	struct ags_policy given = {.given_key = 1};
	struct ags_trust trust;
	struct ags_batch_item it = {0};
	char path[256], what[512];
	size_t a, e, p;

	snprintf(path, sizeof(path), VEC "trust/%s.trust", tu_vec_trusts[_i]);
	ck_assert_int_eq(ags_trust_load(&trust, path, NULL), AGS_OK);
	for (a = 0; tu_vec_agreements[a]; a++)
		for (e = 0; tu_vec_envelopes[e]; e++)
			for (p = 0; p < 3; p++) {
				snprintf(path, sizeof(path),
				         VEC "envelopes/%s.sig.json",
				         tu_vec_envelopes[e]);
				/* every third one an entry of a folder */
				it.line = (a + e + p) % 3
				                  ? a * 100 + e * 2 + p + 1
				                  : 0;
				it.agreement = (char *)tu_vec_agreements[a];
				it.envelope = path;
				it.id = p ? "id \"quoted\"\n\x01" : NULL;
				snprintf(what, sizeof(what), "%s %s %s %zu",
				         tu_vec_agreements[a],
				         tu_vec_envelopes[e], tu_vec_trusts[_i],
				         p);
				agree_item(&it, &trust,
				           p == 2   ? &given
				           : p == 1 ? &all_roles
				                    : NULL,
				           what);
			}
	ags_trust_release(&trust);
}
END_TEST

/* Bad manifest lines and paths that are not UTF-8 go through the tree:
 * still the same bytes. */
START_TEST(test_errors_and_odd_paths)
{
	struct ags_batch_item it = {0};
	struct ags_trust trust;

	ck_assert_int_eq(ags_trust_load(&trust, VEC "trust/demo.trust", NULL),
	                 AGS_OK);
	it.line = 3;
	it.error = "manifest line must be a JSON object: \x01\"\\";
	agree_item(&it, &trust, NULL, "bad line");
	it.line = 0;
	agree_item(&it, &trust, NULL, "bad line, no line number");
	it.line = 3;
	it.error = NULL;
	it.agreement = "no/such\xff/file.txt";
	it.envelope = "no/such\xff/file.txt.sig.json";
	agree_item(&it, &trust, NULL, "path not UTF-8");
	ags_trust_release(&trust);
}
END_TEST

/* The tree of a report, as manifest.c builds it for a verified item. */
static char *tree_line(const struct ags_report *r,
                       const struct ags_envelope *env,
                       const struct ags_batch_item *it)
{
	json_t *j = ags_report_json(r, env);
	char *s;

	if (!j)
		return NULL;
	json_object_set_new(j, "line", json_integer((json_int_t)it->line));
	json_object_set_new(j, "agreement", ags_json_text(it->agreement));
	json_object_set_new(j, "envelope", ags_json_text(it->envelope));
	if (it->id)
		json_object_set_new(j, "id", json_string(it->id));
	s = ags_json_dumps_sorted(j, NULL);
	json_decref(j);
	return s;
}

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A text of up to 8 pieces of what the dump escapes or passes, NULL one
 * time in null_in (0: never). */
static char *text_of(unsigned null_in)
{
	static const char *const pieces[] = {"a",
	                                     "Z",
	                                     " ",
	                                     "\"",
	                                     "\\",
	                                     "/",
	                                     "\x01",
	                                     "\x1f",
	                                     "\n",
	                                     "\t",
	                                     "\x7f",
	                                     "é",
	                                     "€",
	                                     "\xe2\x80\xa8",
	                                     "𝄞",
	                                     "ok",
	                                     "\xc2\x9b",
	                                     "\xc2\xa0",
	                                     "\xe2\x80\xae",
	                                     "\xe2\x81\xa6",
	                                     "\xd8\x9c",
	                                     "\xe2\x80\x8d"};
	size_t n = rnd() % 9, i;
	char *s = calloc(1, 8 * 4 + 1);

	ck_assert_ptr_nonnull(s);
	if (null_in && rnd() % null_in == 0) {
		free(s);
		return NULL;
	}
	for (i = 0; i < n; i++)
		strcat(s, pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))]);
	return s;
}

static void replace(char **slot, char *s)
{
	free(*slot);
	*slot = s;
}

/* A verified report of the countersigned vector, its text fields, the
 * details, identities and attachment states then replaced at random:
 * escapes, absent fields, every status. */
START_TEST(test_random_reports)
{
	struct ags_trust_entry entry = {0};
	struct ags_batch_item it = {0};
	char agreement[64], envelope[64], id[64];
	int i;

	entry.identity = "Trusted \"Name\"";
	for (i = 0; i < 2000; i++) {
		struct ags_envelope env;
		struct ags_report rep = {0};
		struct ags_agreement *a = &env.agreement;
		char *want, *got = NULL;
		size_t k;
		enum ags_err rc;

		ck_assert_int_eq(ags_envelope_load(&env,
		                                   VEC "envelopes/"
		                                       "countersigned.sig.json",
		                                   NULL),
		                 AGS_OK);
		replace(&a->md.title, text_of(3));
		replace(&a->md.publisher, text_of(3));
		replace(&a->md.license, text_of(3));
		replace(&env.sigs[0].signer.name, text_of(0));
		replace(&env.sigs[0].signer.email, text_of(2));
		replace(&env.sigs[1].signer.orcid, text_of(2));
		a->nattachments = rnd() % 3;
		a->attachments = calloc(3, sizeof(*a->attachments));
		rep.attachments = calloc(3, sizeof(*rep.attachments));
		rep.nattachments = rnd() % 3;
		for (k = 0; k < a->nattachments; k++) {
			a->attachments[k].name = text_of(0);
			a->attachments[k].length = rnd() >> (rnd() % 64);
			rep.attachments[k] =
			        (enum ags_attach_status)(rnd() % 4);
		}
		rep.verified = (int)(rnd() % 2);
		rep.text_matches = (int)(rnd() % 2);
		snprintf(rep.policy_detail, sizeof(rep.policy_detail),
		         "policy \"%d\"\n", i);
		rep.nsigs = env.nsigs;
		rep.sigs = calloc(env.nsigs, sizeof(*rep.sigs));
		for (k = 0; k < env.nsigs; k++) {
			rep.sigs[k].valid = (int)(rnd() % 2);
			rep.sigs[k].reason = (enum ags_reason)(rnd() % 8);
			rep.sigs[k].trusted = rnd() % 2 ? &entry : NULL;
			snprintf(rep.sigs[k].detail, sizeof(rep.sigs[k].detail),
			         "detail\t%zu \\", k);
		}
		snprintf(agreement, sizeof(agreement), "dir/a %d.txt", i);
		snprintf(envelope, sizeof(envelope), "dir/a %d.txt.sig.json",
		         i);
		snprintf(id, sizeof(id), "\"%d\"", i);
		it.line = (size_t)i + 1;
		it.agreement = agreement;
		it.envelope = envelope;
		it.id = i % 2 ? id : NULL;
		want = tree_line(&rep, &env, &it);
		rc = ags_report_line(&got, NULL, &rep, &env, &it);
		ck_assert_int_eq(rc, AGS_OK);
		ck_assert_ptr_nonnull(want);
		ck_assert_msg(strcmp(want, got) == 0, "report %d:\n%s\n%s", i,
		              want, got);
		free(want);
		free(got);
		ags_report_release(&rep);
		ags_envelope_release(&env);
	}
}
END_TEST

/* Every field that can carry untrusted text, with a C1 control (CSI)
 * and a bidi control (RLO) in it (issue 13, item 7): the line holds
 * neither as itself, only their \uXXXX escapes, and reads back as the
 * same strings. */
START_TEST(test_hazards_escaped_everywhere)
{
	static const char evil[] = "a\xc2\x9b"
	                           "2J\xe2\x80\xae"
	                           "fdp.exe";
	struct ags_trust_entry entry = {0};
	struct ags_batch_item it = {0};
	struct ags_envelope env;
	struct ags_report rep = {0};
	struct ags_agreement *a = &env.agreement;
	char *want, *got = NULL, path[64];
	json_t *back, *sig;

	ck_assert_int_eq(
	        ags_envelope_load(&env, VEC "envelopes/signed.sig.json", NULL),
	        AGS_OK);
	entry.identity = (char *)evil;
	replace(&a->md.title, strdup(evil));
	replace(&env.sigs[0].signer.name, strdup(evil));
	replace(&env.sigs[0].signer.email, strdup(evil));
	a->attachments = calloc(1, sizeof(*a->attachments));
	a->attachments[0].name = strdup(evil);
	a->nattachments = 1;
	rep.nsigs = env.nsigs;
	rep.sigs = calloc(env.nsigs, sizeof(*rep.sigs));
	rep.sigs[0].trusted = &entry;
	rep.sigs[0].reason = AGS_REASON_REVOKED;
	snprintf(rep.sigs[0].detail, sizeof(rep.sigs[0].detail), "%s", evil);
	snprintf(rep.policy_detail, sizeof(rep.policy_detail), "%s", evil);
	snprintf(path, sizeof(path), "dir/%s.txt", evil);
	it.line = 1;
	it.agreement = path;
	it.envelope = path;
	it.id = (char *)evil;
	want = tree_line(&rep, &env, &it);
	ck_assert_int_eq(ags_report_line(&got, NULL, &rep, &env, &it), AGS_OK);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(strstr(got, "\xc2\x9b"));
	ck_assert_ptr_null(strstr(got, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(got, "a\\u009B2J\\u202Efdp.exe"));
	back = json_loads(got, 0, NULL);
	ck_assert_ptr_nonnull(back);
	sig = json_array_get(json_object_get(back, "signatures"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(back, "id")), evil);
	ck_assert_str_eq(json_string_value(json_object_get(back, "agreement")),
	                 path);
	ck_assert_str_eq(json_string_value(json_object_get(back, "reason")),
	                 evil);
	ck_assert_str_eq(json_string_value(json_object_get(
	                         json_object_get(back, "metadata"), "title")),
	                 evil);
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(back, "attachments"), 0),
	                "name")),
	        evil);
	ck_assert_str_eq(json_string_value(json_object_get(sig, "detail")),
	                 evil);
	ck_assert_str_eq(
	        json_string_value(json_object_get(sig, "trusted_identity")),
	        evil);
	ck_assert_str_eq(
	        json_string_value(json_object_get(sig, "claimed_name")), evil);
	ck_assert_str_eq(
	        json_string_value(json_object_get(sig, "claimed_email")), evil);
	json_decref(back);
	free(want);
	free(got);
	ags_report_release(&rep);
	ags_envelope_release(&env);
}
END_TEST

/* A string the tree rewrites (not UTF-8) is left to the tree. */
START_TEST(test_left_to_the_tree)
{
	struct ags_envelope env;
	struct ags_report rep = {0};
	struct ags_batch_item it = {0};
	char *got = (char *)"untouched";

	ck_assert_int_eq(
	        ags_envelope_load(&env, VEC "envelopes/signed.sig.json", NULL),
	        AGS_OK);
	rep.nsigs = env.nsigs;
	rep.sigs = calloc(env.nsigs, sizeof(*rep.sigs));
	it.line = 1;
	it.agreement = "a\xff.txt";
	it.envelope = "a.txt.sig.json";
	ck_assert_int_eq(ags_report_line(&got, NULL, &rep, &env, &it),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_null(got);
	it.agreement = "a.txt";
	ck_assert_int_eq(ags_report_line(&got, NULL, &rep, &env, &it), AGS_OK);
	ck_assert_ptr_nonnull(got);
	free(got);
	ags_report_release(&rep);
	ags_envelope_release(&env);
}
END_TEST

Suite *report_line_suite(void);

Suite *report_line_suite(void)
{
	Suite *s = suite_create("report_line");
	TCase *tc = tcase_create("report_line");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_vector_results, 0, TU_VEC_NTRUSTS);
	tcase_add_test(tc, test_errors_and_odd_paths);
	tcase_add_test(tc, test_random_reports);
	tcase_add_test(tc, test_left_to_the_tree);
	tcase_add_test(tc, test_hazards_escaped_everywhere);
	suite_add_tcase(s, tc);
	return s;
}
