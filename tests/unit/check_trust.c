/* The trust file parser refuses every malformed line with its number, and
 * edits keep the rest of the file byte for byte. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"

/* A valid public key: the base point's encoding is in the prime-order
 * group; another valid one is derived in the tests. */
#define PK  "WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY="
#define HDR "agreesign trust v1\n"
/* keys/demo-author.pub */
#define PK2 "U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY="

static const struct {
	const char *text;
	long line;
	const char *why;
} bad[] = {
        {"", 0, "first line"},
        {"agreesign trust v2\n", 1, "first line"},
        {HDR "Ada " PK "\n\"unterminated " PK "\n", 3, "unterminated"},
        {HDR "Ada notakey\n", 2, "base64"},
        {HDR "Ada " PK " roles=editor\n", 2, "unknown role"},
        {HDR "Ada " PK " roles=\n", 2, "roles"},
        {HDR "Ada " PK " roles=author,\n", 2, "roles"},
        {HDR "Ada " PK " colour=blue\n", 2, "unknown option"},
        {HDR "Ada " PK " roles=author,author\n", 2, "listed twice"},
        {HDR "Ada " PK " valid-after=2027-01-01T00:00:00Z "
             "valid-before=2026-01-01T00:00:00Z\n",
         2, "valid-after must be before"},
        {HDR "Ada " PK " roles=author roles=author\n", 2, "twice"},
        {HDR "Ada " PK " valid-after=2026-01-01\n", 2, "valid-after"},
        {HDR "Ada " PK " reason=\"x\"\n", 2, "only allowed with revoked"},
        {HDR "Ada " PK "\nBob " PK "\n", 3, "already listed on line 2"},
        /* The first repeat in file order, naming the first listing. */
        {HDR "A " PK "\nB " PK "\nC " PK "\n", 3, "already listed on line 2"},
        {HDR "A " PK2 "\nB " PK "\nC " PK "\nD " PK2 "\n", 4,
         "already listed on line 3"},
        {HDR "Ada " PK, 2, "newline"},
        {HDR "Ada " PK "\r\n", 2, "carriage return"},
        {HDR "\"A\\x\" " PK "\n", 2, "escape"},
        {HDR "\" Ada\" " PK "\n", 2, "identity"},
        {HDR "\"Ada\xef\xbb\xbf\" " PK "\n", 2, "U+FEFF"},
        {HDR "Ada " PK " revoked=2026-01-01T00:00:00Z reason=\xef\xbb\xbfx\n",
         2, "U+FEFF"},
        {HDR "Ada AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2,
         "not a valid Ed25519"},
        {HDR "Ada \"" PK "\"x\n", 2, "blank"},
};

START_TEST(bad_lines)
{
	struct ags_trust t;
	struct ags_error err = {0};

	ck_assert_int_eq(ags_trust_parse(&t, bad[_i].text, strlen(bad[_i].text),
	                                 "t", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, bad[_i].line);
	ck_assert_msg(strstr(err.text, bad[_i].why) != NULL,
	              "case %d: '%s' lacks '%s'", _i, err.text, bad[_i].why);
}
END_TEST

START_TEST(good_file)
{
	static const char text[] =
	        HDR "# comment\n"
	            "\n"
	            "   \"Ada \\\"the\\\" Lovelace\" " PK
	            " roles=publisher,author valid-after=2020-01-01T00:00:00Z "
	            "valid-before=2030-01-01T00:00:00Z "
	            "revoked=2026-01-01T00:00:00Z "
	            "reason=\"lost, \\\"stolen\\\"\"\n";
	struct ags_trust t;
	struct ags_error err = {0};
	const struct ags_trust_entry *e;

	ck_assert_msg(ags_trust_parse(&t, text, strlen(text), "t", &err) ==
	                      AGS_OK,
	              "%s", err.text);
	ck_assert_uint_eq(t.n, 1);
	e = &t.entries[0];
	ck_assert_str_eq(e->identity, "Ada \"the\" Lovelace");
	ck_assert_uint_eq(e->roles, AGS_ROLE_AUTHOR | AGS_ROLE_PUBLISHER);
	ck_assert_int_eq(e->valid_after, 1577836800);
	ck_assert_int_eq(e->valid_before, 1893456000);
	ck_assert_int_eq(e->revoked, 1);
	ck_assert_str_eq(e->revoked_reason, "lost, \"stolen\"");
	ck_assert_int_eq(e->line, 4);
	ck_assert_ptr_eq(ags_trust_find(&t, e->pk), e);
	ags_trust_release(&t);
}
END_TEST

START_TEST(default_roles_exclude_publisher)
{
	static const char text[] = HDR "Ada " PK "\n";
	struct ags_trust t;

	ck_assert_int_eq(ags_trust_parse(&t, text, strlen(text), "t", NULL),
	                 AGS_OK);
	ck_assert_uint_eq(t.entries[0].roles,
	                  AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR);
	ags_trust_release(&t);
}
END_TEST

START_TEST(edits_keep_the_rest)
{
	static const char text[] = HDR "# keep me\n\n";
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	char *a = NULL, *b = NULL, *c = NULL;
	size_t na, nb, nc;
	struct ags_trust t;

	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&sk->pub, "Ada \"A\" L", NULL,
	                                         NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_trust_add(&a, &na, text, strlen(text), &sk->pub,
	                               AGS_ROLE_PUBLISHER, INT64_MIN,
	                               1893456000, "t", &err),
	                 AGS_OK);
	ck_assert_mem_eq(a, text, strlen(text));
	ck_assert_ptr_nonnull(strstr(a, "\"Ada \\\"A\\\" L\" "));
	ck_assert_ptr_nonnull(strstr(
	        a, " roles=publisher valid-before=2030-01-01T00:00:00Z\n"));
	/* The same key again is refused. */
	ck_assert_int_eq(ags_trust_add(&b, &nb, a, na, &sk->pub,
	                               AGS_ROLE_AUTHOR, INT64_MIN, INT64_MAX,
	                               "t", &err),
	                 AGS_ERR_EXISTS);
	ck_assert_ptr_null(b);
	/* Revocation appends to the key's line only. */
	ck_assert_int_eq(ags_trust_revoke(&c, &nc, a, na, sk->pub.key_id,
	                                  1767225600, "lost", "t", NULL),
	                 AGS_OK);
	ck_assert_uint_eq(nc, na + strlen(" revoked=2026-01-01T00:00:00Z "
	                                  "reason=\"lost\""));
	ck_assert_int_eq(ags_trust_parse(&t, c, nc, "t", NULL), AGS_OK);
	ck_assert_int_eq(t.entries[0].revoked, 1);
	ck_assert_str_eq(t.entries[0].identity, "Ada \"A\" L");
	ags_trust_release(&t);
	ck_assert_int_ne(ags_trust_revoke(&b, &nb, c, nc, sk->pub.key_id,
	                                  1767225600, "lost", "t", NULL),
	                 AGS_OK);
	ck_assert_int_ne(ags_trust_revoke(&b, &nb, c, nc, sk->pub.key_id,
	                                  1767225600, "bad\nreason", "t", NULL),
	                 AGS_OK);
	/* A new file gets its header. */
	free(a);
	ck_assert_int_eq(ags_trust_add(&a, &na, "", 0, &sk->pub,
	                               AGS_ROLE_AUTHOR, INT64_MIN, INT64_MAX,
	                               "t", NULL),
	                 AGS_OK);
	ck_assert_mem_eq(a, HDR, strlen(HDR));
	free(a);
	free(c);
	ags_seckey_free(sk);
}
END_TEST

Suite *trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("trust");

	tcase_add_loop_test(tc, bad_lines, 0,
	                    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, default_roles_exclude_publisher);
	tcase_add_test(tc, edits_keep_the_rest);
	suite_add_tcase(s, tc);
	return s;
}
