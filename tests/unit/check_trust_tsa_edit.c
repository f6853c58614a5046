/* The tsa edits of a text trust file (trust_tsa_edit.c; spec §9.3,
 * §9.4): add-tsa appends the record's canonical line, revoke-tsa adds
 * options to the record's line, remove-tsa deletes it; every other byte
 * stays, and a refusal names the line of the record it is about. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "internal.h"
#include "test_certs.h"

/* keys/demo-author.pub */
#define PK "U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY="

/* A v2 file with comments, odd spacing, a key and two tsa records. */
static const char file[] =
        "agreesign trust v2\n"
        "# pinned TSAs, reviewed 2026-11\n"
        "  key \"Ada L\" " PK "  roles=author\n"
        "tsa \"Example TSA\" " CERT " valid-after=2026-01-01T00:00:00Z\n"
        "\n"
        "tsa Other " CERT2 "\n"
        "# end\n";

/* The text of file with its line `line` (1-based, LF included) replaced
 * by repl (NULL: deleted); malloc'd. */
static char *with_line(long line, const char *repl)
{
	const char *p = file, *end;
	size_t n = strlen(file), r = repl ? strlen(repl) : 0;
	char *out = malloc(n + r + 1);
	long k;

	ck_assert_ptr_nonnull(out);
	for (k = 1; k < line; k++)
		p = strchr(p, '\n') + 1;
	end = strchr(p, '\n') + 1;
	memcpy(out, file, (size_t)(p - file));
	memcpy(out + (p - file), repl ? repl : "", r);
	strcpy(out + (p - file) + r, end);
	return out;
}

/* t: text (len bytes) parsed, which must succeed. */
static void parse_ok(struct ags_trust *t, const char *text, size_t len)
{
	struct ags_error err = {0};

	ck_assert_msg(ags_trust_parse(t, text, len, "t", &err) == AGS_OK,
	              "the edit's result does not parse: %s", err.text);
}

static void new_record(struct ags_trust_tsa *a, const char *name,
                       const char *b64)
{
	memset(a, 0, sizeof(*a));
	a->name = (char *)name;
	a->valid_after = INT64_MIN;
	a->valid_before = INT64_MAX;
	ck_assert_int_eq(
	        ags_b64_decode_alloc(&a->cert, &a->cert_len, b64, strlen(b64)),
	        0);
}

START_TEST(add_appends_the_canonical_line)
{
	static const char two[] = "agreesign trust v2\n"
	                          "# one key\n"
	                          "key Ada " PK "\n";
	struct ags_error err = {0};
	struct ags_trust_tsa a;
	struct ags_trust t;
	char *out = NULL, *line;
	size_t len = 0;

	new_record(&a, "New TSA", CERT);
	a.valid_before = 1893456000; /* 2030-01-01 */
	ck_assert_msg(ags_trust_add_tsa(&out, &len, two, strlen(two), &a, "t",
	                                &err) == AGS_OK,
	              "%s", err.text);
	line = ags_trust_tsa_line(&a);
	ck_assert_ptr_nonnull(line);
	/* the file as it was, then the record's line */
	ck_assert_uint_eq(len, strlen(two) + strlen(line));
	ck_assert_int_eq(memcmp(out, two, strlen(two)), 0);
	ck_assert_int_eq(memcmp(out + strlen(two), line, strlen(line)), 0);
	ck_assert_str_eq(line, "tsa \"New TSA\" " CERT
	                       " valid-before=2030-01-01T00:00:00Z\n");
	parse_ok(&t, out, len);
	ck_assert_uint_eq(t.ntsa, 1);
	ck_assert_int_eq(t.tsa[0].line, 4);
	ags_trust_release(&t);
	free(line);
	free(out);
	free(a.cert);
}
END_TEST

START_TEST(add_upgrades_a_v1_file)
{
	static const char v1[] = "agreesign trust v1\nAda " PK "\n";
	struct ags_error err = {0};
	struct ags_trust_tsa a;
	char *out = NULL;
	size_t len = 0;

	new_record(&a, "T", CERT);
	ck_assert_msg(ags_trust_add_tsa(&out, &len, v1, strlen(v1), &a, "t",
	                                &err) == AGS_OK,
	              "%s", err.text);
	ck_assert_int_eq(ags_trust_text_version(out, len), 2);
	ck_assert_ptr_nonnull(strstr(out, "\ntsa T " CERT "\n"));
	free(out);
	free(a.cert);
}
END_TEST

START_TEST(add_refuses_a_repeat_naming_its_line)
{
	struct ags_error err = {0};
	struct ags_trust_tsa a;
	char *out = NULL;
	size_t len = 0;

	/* the name of line 4, with another certificate */
	new_record(&a, "Example TSA", CERT2);
	ck_assert_int_eq(ags_trust_add_tsa(&out, &len, file, strlen(file), &a,
	                                   "f.trust", &err),
	                 AGS_ERR_EXISTS);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.line, 4);
	ck_assert_str_eq(err.source, "f.trust");
	ck_assert_ptr_nonnull(strstr(err.text,
	                             "the TSA's name is already listed (tsa "
	                             "\"Example TSA\")"));
	free(a.cert);
	/* the certificate of line 6, under another name */
	ags_error_clear(&err);
	new_record(&a, "Third", CERT2);
	ck_assert_int_eq(ags_trust_add_tsa(&out, &len, file, strlen(file), &a,
	                                   "f.trust", &err),
	                 AGS_ERR_EXISTS);
	ck_assert_int_eq(err.line, 6);
	ck_assert_ptr_nonnull(strstr(
	        err.text, "certificate is already listed (tsa \"Other\")"));
	free(a.cert);
	/* no certificate at all: refused before the file is read */
	ags_error_clear(&err);
	memset(&a, 0, sizeof(a));
	a.name = (char *)"Empty";
	ck_assert_int_eq(ags_trust_add_tsa(&out, &len, file, strlen(file), &a,
	                                   "f.trust", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "tsa \"Empty\""));
}
END_TEST

START_TEST(revoke_changes_one_line)
{
	struct ags_error err = {0};
	struct ags_trust t;
	char *out = NULL, *want;
	size_t len = 0;

	ck_assert_msg(ags_trust_revoke_tsa(&out, &len, file, strlen(file),
	                                   "Other", 1767225600, "key \"lost\"",
	                                   "t", &err) == AGS_OK,
	              "%s", err.text);
	/* line 6 gains the options, as written; the rest is the same */
	want = with_line(6, "tsa Other " CERT2 " revoked=2026-01-01T00:00:00Z "
	                    "reason=\"key \\\"lost\\\"\"\n");
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(out, want, len), 0);
	parse_ok(&t, out, len);
	ck_assert_int_eq(t.tsa[1].revoked, 1);
	ck_assert_int_eq(t.tsa[1].revoked_time, 1767225600);
	ck_assert_str_eq(t.tsa[1].revoked_reason, "key \"lost\"");
	ck_assert_int_eq(t.tsa[0].revoked, 0);
	ags_trust_release(&t);
	free(want);
	free(out);
}
END_TEST

START_TEST(revoke_refusals_name_the_line)
{
	static const char revoked[] =
	        "agreesign trust v2\n"
	        "\n"
	        "tsa T " CERT " revoked=2026-01-01T00:00:00Z reason=x\n";
	struct ags_error err = {0};
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(ags_trust_revoke_tsa(&out, &len, revoked,
	                                      strlen(revoked), "T", 1800000000,
	                                      "again", "r.trust", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.text, "tsa \"T\" is already revoked"));
	ags_error_clear(&err);
	ck_assert_int_eq(ags_trust_revoke_tsa(&out, &len, file, strlen(file),
	                                      "Nobody", 1800000000, "x", "t",
	                                      &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(
	        strstr(err.text, "no tsa \"Nobody\" in the trust file"));
	/* a reason that is not a text field names the option */
	ags_error_clear(&err);
	ck_assert_int_ne(ags_trust_revoke_tsa(&out, &len, file, strlen(file),
	                                      "Other", 1800000000, "two\nlines",
	                                      "t", &err),
	                 AGS_OK);
	ck_assert_str_eq(err.source, "--reason");
}
END_TEST

START_TEST(remove_deletes_one_line)
{
	struct ags_error err = {0};
	struct ags_trust t;
	char *out = NULL, *want = with_line(4, NULL);
	size_t len = 0;

	ck_assert_msg(ags_trust_remove_tsa(&out, &len, file, strlen(file),
	                                   "Example TSA", "t", &err) == AGS_OK,
	              "%s", err.text);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(out, want, len), 0);
	parse_ok(&t, out, len);
	ck_assert_uint_eq(t.ntsa, 1);
	ck_assert_str_eq(t.tsa[0].name, "Other");
	ck_assert_uint_eq(t.n, 1);
	ags_trust_release(&t);
	free(out);
	free(want);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_trust_remove_tsa(&out, &len, file, strlen(file),
	                                      "Nobody", "t", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(out);
}
END_TEST

/* An edit of a file that does not parse changes nothing and names the
 * bad line, whatever the edit. */
START_TEST(edits_of_a_bad_file_name_its_line)
{
	static const char broken[] = "agreesign trust v2\n"
	                             "tsa T " CERT "\n"
	                             "tsa U " CERT2 " colour=blue\n";
	struct ags_error err = {0};
	struct ags_trust_tsa a;
	char *out = NULL;
	size_t len = 0;
	enum ags_err rc;

	new_record(&a, "V", CERT2);
	switch (_i) {
	case 0:
		rc = ags_trust_add_tsa(&out, &len, broken, strlen(broken), &a,
		                       "b.trust", &err);
		break;
	case 1:
		rc = ags_trust_revoke_tsa(&out, &len, broken, strlen(broken),
		                          "T", 1800000000, "x", "b.trust",
		                          &err);
		break;
	default:
		rc = ags_trust_remove_tsa(&out, &len, broken, strlen(broken),
		                          "T", "b.trust", &err);
		break;
	}
	ck_assert_int_ne(rc, AGS_OK);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(err.source, "b.trust");
	ck_assert_int_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.text, "unknown option"));
	free(a.cert);
}
END_TEST

Suite *trust_tsa_edit_suite(void)
{
	Suite *s = suite_create("trust_tsa_edit");
	TCase *tc = tcase_create("trust_tsa_edit");

	tcase_add_test(tc, add_appends_the_canonical_line);
	tcase_add_test(tc, add_upgrades_a_v1_file);
	tcase_add_test(tc, add_refuses_a_repeat_naming_its_line);
	tcase_add_test(tc, revoke_changes_one_line);
	tcase_add_test(tc, revoke_refusals_name_the_line);
	tcase_add_test(tc, remove_deletes_one_line);
	tcase_add_loop_test(tc, edits_of_a_bad_file_name_its_line, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
