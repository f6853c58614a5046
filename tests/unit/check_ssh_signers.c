/* ssh_signers.c: OpenSSH allowed_signers lines as trust entries. The key
 * is check_sshkey.c's known-answer key (PyNaCl, seed bytes(range(1, 33))).
 * Times were computed with Python's datetime in UTC. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define KAT_ID "7b6a1405e47be084864fc74eb876beb7"
#define KEY                                                                    \
	"ssh-ed25519 "                                                         \
	"AAAAC3NzaC1lZDI1NTE5AAAAIHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define TORSION                                                                \
	"ssh-ed25519 "                                                         \
	"AAAAC3NzaC1lZDI1NTE5AAAAICh/a9p6V/Tyhz87/15eqcJgpqY0O983x6vNNG7VkEwR"
/* A second valid key: seed bytes(range(33, 65)). */
#define KEY2                                                                   \
	"ssh-ed25519 "                                                         \
	"AAAAC3NzaC1lZDI1NTE5AAAAIOfxYqEL7FWa/qGV5NzoS2lWjV0ssJY+tEbAaF4rF/Lw"
#define RSA "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7"

static struct ags_ssh_signers S;
static struct ags_error E;

static enum ags_err parse(const char *text)
{
	ags_ssh_signers_release(&S);
	memset(&E, 0, sizeof(E));
	return ags_ssh_signers_parse(&S, text, strlen(text), "as", &E);
}

static void teardown(void)
{
	ags_ssh_signers_release(&S);
}

/* The file fails at line with a message holding want. */
static void refused(const char *text, long line, const char *want)
{
	ck_assert_int_eq(parse(text), AGS_ERR_FORMAT);
	ck_assert_msg(strstr(E.text, want) != NULL, "%s: got \"%s\"", text,
	              E.text);
	ck_assert_int_eq(E.line, line);
	ck_assert_uint_eq(S.n, 0);
}

/* One line taken, nothing noted. */
static void taken(const char *text)
{
	ck_assert_msg(parse(text) == AGS_OK, "%s: %s", text, E.text);
	ck_assert_uint_eq(S.n, 1);
	ck_assert_uint_eq(S.nnotes, 0);
}

/* The file's one key line skipped, with a note holding want. */
static void skipped(const char *text, const char *want)
{
	ck_assert_msg(parse(text) == AGS_OK, "%s: %s", text, E.text);
	ck_assert_uint_eq(S.n, 0);
	ck_assert_uint_eq(S.nnotes, 1);
	ck_assert(S.notes[0].skipped);
	ck_assert_msg(strstr(S.notes[0].why, want) != NULL, "%s: got \"%s\"",
	              text, S.notes[0].why);
}

START_TEST(test_basic)
{
	ck_assert_int_eq(parse("# team\n\n  ada@example.org " KEY
	                       " ada@laptop\nbob " KEY2),
	                 AGS_OK);
	ck_assert_uint_eq(S.n, 2);
	ck_assert_str_eq(S.v[0].key.key_id, KAT_ID);
	ck_assert_str_eq(S.v[0].key.name, "ada@example.org");
	ck_assert_str_eq(S.v[0].key.email, "ada@example.org");
	ck_assert_int_eq(S.v[0].line, 3);
	ck_assert(S.v[0].valid_after == INT64_MIN);
	ck_assert(S.v[0].valid_before == INT64_MAX);
	/* A principal that is not an e-mail address: a name only. */
	ck_assert_str_eq(S.v[1].key.name, "bob");
	ck_assert_ptr_null(S.v[1].key.email);
	ck_assert_int_eq(S.v[1].line, 4);
	ck_assert_int_eq(parse(""), AGS_OK);
	ck_assert_uint_eq(S.n, 0);
	taken("\"ada@example.org\" " KEY);
}
END_TEST

/* valid-after carries over; valid-before, inclusive in OpenSSH, becomes
 * the next second. */
START_TEST(test_window)
{
	taken("a@b "
	      "valid-after=\"20260101Z\",VALID-BEFORE="
	      "\"20261231235959Z\" " KEY);
	ck_assert_int_eq(S.v[0].valid_after, 1767225600);  /* 2026-01-01 */
	ck_assert_int_eq(S.v[0].valid_before, 1798761600); /* 2027-01-01 */
	taken("a@b valid-after=\"202603041230Z\" " KEY);
	ck_assert_int_eq(S.v[0].valid_after, 1772627400); /* 12:30:00 */
	taken("a@b valid-before=\"19700101Z\" " KEY);
	ck_assert_int_eq(S.v[0].valid_before, 1);
	/* The last second agreesign can write: no upper bound after it. */
	taken("a@b valid-before=\"99991231235959Z\" " KEY);
	ck_assert(S.v[0].valid_before == INT64_MAX);
	/* after == before is one valid second in OpenSSH. */
	taken("a@b valid-after=\"20260101Z\",valid-before=\"20260101Z\" " KEY);
	refused("a@b valid-after=\"20260102Z\",valid-before=\"20260101Z\" " KEY,
	        1, "would never be valid");
	refused("a@b valid-after=\"20260101\" " KEY, 1,
	        "has no Z: OpenSSH reads it in the local time zone");
	refused("a@b valid-after=\"20260230Z\" " KEY, 1, "not a real time");
	refused("a@b valid-after=\"19691231Z\" " KEY, 1, "not a real time");
	refused("a@b valid-after=\"2026010112Z\" " KEY, 1,
	        "not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]");
	refused("a@b valid-after=\"2026-01-01Z\" " KEY, 1, "not YYYYMMDD");
	refused("a@b valid-after=20260101Z " KEY, 1,
	        "must be in double quotes");
	refused("a@b valid-after=\"20260101Z\",valid-after=\"20260101Z\" " KEY,
	        1, "given twice");
}
END_TEST

START_TEST(test_namespaces)
{
	taken("a@b namespaces=\"git,agreesign\" " KEY);
	taken("a@b Namespaces=\"*\" " KEY);
	taken("a@b namespaces=\"agree*,!file\" " KEY);
	taken("a@b namespaces=\"agree?ign\" " KEY);
	skipped("a@b namespaces=\"git\" " KEY,
	        "namespaces=\"git\" does not admit \"agreesign\"");
	skipped("a@b namespaces=\"*,!agreesign\" " KEY, "does not admit");
	skipped("a@b namespaces=\"Agreesign\" " KEY, "does not admit");
	skipped("a@b namespaces=\"\" " KEY, "does not admit");
}
END_TEST

START_TEST(test_skipped)
{
	skipped("*@example.org cert-authority " KEY, "a cert-authority line");
	skipped("a@b CERT-AUTHORITY,namespaces=\"agreesign\" " KEY,
	        "a cert-authority line");
	skipped("*@example.org " KEY, "a pattern");
	skipped("a@b,!c@d " KEY, "a pattern");
	skipped("a@? " KEY, "a pattern");
	skipped("a@b " RSA, "not an Ed25519 key (ssh-rsa)");
	skipped("a@b namespaces=\"git\" ecdsa-sha2-nistp256 AAAA",
	        "not an Ed25519 key (ecdsa-sha2-nistp256)");
	ck_assert_int_eq(parse("a@b " KEY "\n#\nc@d " KEY "\n"), AGS_OK);
	ck_assert_uint_eq(S.n, 1);
	ck_assert_uint_eq(S.nnotes, 1);
	ck_assert_int_eq(S.notes[0].line, 3);
	ck_assert_str_eq(S.notes[0].why, "key " KAT_ID " is already on line 1");
	/* More principals: the first taken, the others noted. */
	ck_assert_int_eq(parse("a@b,c@d,e " KEY), AGS_OK);
	ck_assert_uint_eq(S.n, 1);
	ck_assert_str_eq(S.v[0].key.name, "a@b");
	ck_assert_uint_eq(S.nnotes, 1);
	ck_assert(!S.notes[0].skipped);
	ck_assert_ptr_nonnull(strstr(S.notes[0].why, "2 more principals"));
}
END_TEST

START_TEST(test_malformed)
{
	refused("a@b\n" KEY, 1, "no key after the principals");
	refused("\n\na@b cert-authority", 3, "no key after the options");
	refused("a@b foo " KEY, 1, "unknown option \"foo\"");
	refused("a@b foo=\"x\" " KEY, 1, "unknown option \"foo\"");
	refused("a@b namespaces=\"a,b " KEY, 1, "quote is not closed");
	refused("a@b namespaces=\"a\",,cert-authority " KEY, 1,
	        "an empty option");
	refused("a@b cert-authority,cert-authority " KEY, 1, "given twice");
	refused("a@b cert-authority no-key-type", 1,
	        "no key type after the options");
	refused("a@b no-key-type", 1, "unknown option");
	refused("a@b " TORSION, 1, "not a valid Ed25519 public key");
	refused("a@b ssh-ed25519 AAAA", 1, "key data");
	refused("a@b " KEY "\r\n", 1, "carriage return");
	refused("a@b,,c " KEY, 1, "an empty principal");
	refused(",a@b " KEY, 1, "an empty principal");
	refused("\"a b\",c " KEY, 1, "a quote inside the principals");
	refused("a\xff@b " KEY, 1, "not UTF-8");
	refused("a\x01@b " KEY, 1, "not a trust identity");
	refused("ok@b " KEY "\nbad " TORSION, 2, "not a valid Ed25519");
	/* A skipped line is still read: its errors count. */
	refused("a@b cert-authority,bogus " KEY, 1, "unknown option");
}
END_TEST

START_TEST(test_nul)
{
	static const char text[] = "a@b " KEY "\0";

	ck_assert_int_eq(
	        ags_ssh_signers_parse(&S, text, sizeof(text) - 1, "as", &E),
	        AGS_ERR_FORMAT);
	ck_assert_uint_eq(S.n, 0);
}
END_TEST

Suite *ssh_signers_suite(void);

Suite *ssh_signers_suite(void)
{
	Suite *s = suite_create("ssh_signers");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_namespaces);
	tcase_add_test(tc, test_skipped);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_nul);
	suite_add_tcase(s, tc);
	return s;
}
