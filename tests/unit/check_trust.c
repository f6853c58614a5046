/* The trust file parser refuses every malformed line with its number, and
 * edits keep the rest of the file byte for byte. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "internal.h"

/* A valid public key: the base point's encoding is in the prime-order
 * group; another valid one is derived in the tests. */
#define PK  "WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY="
#define HDR "agreesign trust v1\n"
/* keys/demo-author.pub */
#define PK2  "U7eoV3BQ/CwHc/jbIH1jZPakgvEnj0jmfqw1Vi4SdDY="
#define HDR2 "agreesign trust v2\n"
#include "test_certs.h"

static const struct {
	const char *text;
	long line;
	const char *why;
} bad[] = {
        {"", 0, "first line"},
        {"agreesign trust v3\n", 1, "first line"},
        {HDR "Ada " PK " email=a@b\n", 2, "unknown option \"email\""},
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
	/* upgraded: the header replaced, the rest kept */
	ck_assert_mem_eq(a, HDR2 "# keep me\n\n", strlen(text));
	ck_assert_ptr_nonnull(strstr(a, "\nkey \"Ada \\\"A\\\" L\" "));
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
	ck_assert_mem_eq(a, HDR2, strlen(HDR2));
	free(a);
	free(c);
	ags_seckey_free(sk);
}
END_TEST

/* Version 2: hostile and malformed records, each refused naming its
 * line. */
static const struct {
	const char *text;
	long line;
	const char *why;
} bad2[] = {
        {HDR2 "Ada " PK "\n", 2, "unknown record type"},
        {HDR2 "\"key\" Ada " PK "\n", 2, "unknown record type"},
        {HDR2 "key\"Ada\" " PK "\n", 2, "unknown record type"},
        {HDR2 "KEY Ada " PK "\n", 2, "unknown record type"},
        {HDR2 "cert Ada " PK "\n", 2, "unknown record type"},
        {HDR2 "key\n", 2, "identity"},
        {HDR2 "key Ada " PK " email=ada\n", 2, "email"},
        {HDR2 "key Ada " PK " email=a@b email=a@b\n", 2, "twice"},
        {HDR2 "key Ada " PK " orcid=0000-0002-1825-0098\n", 2, "check"},
        {HDR2 "key Ada " PK " email=\"a@b \"\n", 2, "email"},
        {HDR2 "key Ada " PK "\nkey Bob " PK "\n", 3, "already listed"},
        {HDR2 "tsa T\n", 2, "certificate"},
        {HDR2 "tsa T " PK "\n", 2, "not an X.509 certificate"},
        {HDR2 "tsa T " CERT "A\n", 2, "not base64"},
        {HDR2 "tsa \" T\" " CERT "\n", 2, "tsa name"},
        {HDR2 "tsa T " CERT " roles=author\n", 2, "unknown option"},
        {HDR2 "tsa T " CERT " email=a@b\n", 2, "unknown option"},
        {HDR2 "tsa T " CERT " reason=x\n", 2, "only allowed with revoked"},
        {HDR2 "tsa T " CERT " valid-after=2027-01-01T00:00:00Z "
              "valid-before=2026-01-01T00:00:00Z\n",
         2, "valid-after must be before"},
        {HDR2 "tsa T " CERT "\n# c\ntsa T " CERT2 "\n", 4,
         "tsa name is already listed on line 2"},
        {HDR2 "tsa T " CERT "\ntsa U " CERT2 "\ntsa V " CERT "\n", 4,
         "tsa certificate is already listed on line 2"},
        /* the first repeat in file order wins */
        {HDR2 "tsa T " CERT "\ntsa U " CERT2 "\ntsa U " CERT "\ntsa W " CERT2
              "\n",
         4, "tsa name is already listed on line 3"},
};

START_TEST(bad_v2)
{
	struct ags_trust t;
	struct ags_error err = {0};

	ck_assert_int_eq(ags_trust_parse(&t, bad2[_i].text,
	                                 strlen(bad2[_i].text), "t", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, bad2[_i].line);
	ck_assert_msg(strstr(err.text, bad2[_i].why) != NULL,
	              "case %d: '%s' lacks '%s'", _i, err.text, bad2[_i].why);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_uint_eq(t.ntsa, 0);
}
END_TEST

/* A certificate is exactly one in DER: a byte after it, a second one, a
 * cut one and a BER length are refused; a token of more than 16,384
 * bytes is too long. */
START_TEST(tsa_certificate_exact)
{
	uint8_t *der = NULL, *ber;
	size_t n = 0, i;
	char *b64, *text;
	struct ags_trust t;
	struct ags_error err = {0};
	const char *const why[] = {"bytes after", "bytes after", "not an X.509",
	                           "not in DER", "word too long"};

	ck_assert_int_eq(ags_b64_decode_alloc(&der, &n, CERT, strlen(CERT)), 0);
	ck_assert_uint_eq(n, 455);
	ck_assert_ptr_null(ags_x509_check(der, n));
	ber = malloc(2 * n + 1);
	for (i = 0; i < 5; i++) {
		size_t m = n;
		memcpy(ber, der, n);
		if (i == 0)
			ber[m++] = 0;
		if (i == 1)
			memcpy(ber + n, der, n), m = 2 * n;
		if (i == 2)
			m = n - 1;
		if (i == 3) /* 30 82 01 c3 -> 30 83 00 01 c3 */
			ber[1] = 0x83, ber[2] = 0, ber[3] = 1, ber[4] = 0xc3,
			memcpy(ber + 5, der + 4, n - 4), m = n + 1;
		b64 = ags_b64_encode(ber, m);
		if (i == 4) {
			free(b64);
			b64 = malloc(AGS_TRUST_CERT_MAX + 2);
			memset(b64, 'A', AGS_TRUST_CERT_MAX + 1);
			b64[AGS_TRUST_CERT_MAX + 1] = '\0';
		}
		text = malloc(strlen(b64) + 64);
		snprintf(text, strlen(b64) + 64, HDR2 "tsa T %s\n", b64);
		ags_error_clear(&err);
		ck_assert_int_eq(
		        ags_trust_parse(&t, text, strlen(text), "t", &err),
		        AGS_ERR_FORMAT);
		ck_assert_msg(strstr(err.text, why[i]) != NULL, "case %zu: %s",
		              i, err.text);
		free(text);
		free(b64);
	}
	free(ber);
	free(der);
}
END_TEST

START_TEST(good_v2)
{
	static const char text[] =
	        HDR2 "# comment\n"
	             "  key \"Ada L\" " PK " email=ada@example.org "
	             "orcid=0000-0002-1825-0097 roles=publisher\n"
	             "\tkey\tBob " PK2 "\n"
	             "tsa \"Example TSA\" \"" CERT "\" "
	             "valid-before=2030-01-01T00:00:00Z "
	             "revoked=2026-01-01T00:00:00Z reason=\"key lost\"\n"
	             "tsa Other " CERT2 "\n";
	struct ags_trust t;
	struct ags_error err = {0};

	ck_assert_msg(ags_trust_parse(&t, text, strlen(text), "t", &err) ==
	                      AGS_OK,
	              "%s", err.text);
	ck_assert_int_eq(t.version, 2);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.entries[0].identity, "Ada L");
	ck_assert_str_eq(t.entries[0].email, "ada@example.org");
	ck_assert_str_eq(t.entries[0].orcid, "0000-0002-1825-0097");
	ck_assert_uint_eq(t.entries[0].roles, AGS_ROLE_PUBLISHER);
	ck_assert_ptr_null(t.entries[1].email);
	ck_assert_ptr_null(t.entries[1].orcid);
	ck_assert_uint_eq(t.entries[1].roles,
	                  AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR);
	ck_assert_uint_eq(t.ntsa, 2);
	ck_assert_str_eq(t.tsa[0].name, "Example TSA");
	ck_assert_uint_eq(t.tsa[0].cert_len, 455);
	ck_assert_int_eq(t.tsa[0].cert[0], 0x30);
	ck_assert_int_eq(t.tsa[0].valid_after, INT64_MIN);
	ck_assert_int_eq(t.tsa[0].valid_before, 1893456000);
	ck_assert_int_eq(t.tsa[0].revoked, 1);
	ck_assert_int_eq(t.tsa[0].revoked_time, 1767225600);
	ck_assert_str_eq(t.tsa[0].revoked_reason, "key lost");
	ck_assert_int_eq(t.tsa[0].line, 5);
	ck_assert_int_eq(t.tsa[1].revoked, 0);
	ags_trust_release(&t);
	/* v1 is read as v1 */
	ck_assert_int_eq(ags_trust_parse(&t, HDR "Ada " PK "\n",
	                                 strlen(HDR "Ada " PK "\n"), "t", NULL),
	                 AGS_OK);
	ck_assert_int_eq(t.version, 1);
	ck_assert_ptr_null(t.entries[0].email);
	ags_trust_release(&t);
}
END_TEST

/* The canonical line (spec §9.6): option order, roles always, quoting
 * exactly when needed; and it reads back as the same record. */
START_TEST(canonical_line)
{
	static const struct {
		const char *line, *canon;
	} cases[] = {
	        {"key Ada " PK " orcid=0000-0002-1825-0097 email=a@b\n",
	         "key Ada " PK " roles=author,co-author email=a@b "
	         "orcid=0000-0002-1825-0097\n"},
	        {"key \"Ada Lovelace\" " PK " revoked=2026-01-01T00:00:00Z "
	         "reason=\"a \\\"b\\\" \\\\c\" "
	         "valid-after=2020-01-01T00:00:00Z "
	         "roles=publisher,author\n",
	         "key \"Ada Lovelace\" " PK " roles=author,publisher "
	         "valid-after=2020-01-01T00:00:00Z "
	         "revoked=2026-01-01T00:00:00Z "
	         "reason=\"a \\\"b\\\" \\\\c\"\n"},
	        {"key \"#1\" " PK " email=\"x=y@z\"\n",
	         "key \"#1\" " PK " roles=author,co-author email=\"x=y@z\"\n"},
	        {"key a\\b " PK " reason=#r revoked=2026-01-01T00:00:00Z\n",
	         "key \"a\\\\b\" " PK " roles=author,co-author "
	         "revoked=2026-01-01T00:00:00Z reason=\"#r\"\n"},
	        {"tsa \"T\" " CERT " revoked=2026-01-01T00:00:00Z "
	         "valid-before=2030-01-01T00:00:00Z\n",
	         "tsa T " CERT " valid-before=2030-01-01T00:00:00Z "
	         "revoked=2026-01-01T00:00:00Z\n"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[4096], *line, *again;
		struct ags_trust t, u;
		struct ags_error err = {0};
		snprintf(text, sizeof(text), HDR2 "%s", cases[i].line);
		ck_assert_msg(ags_trust_parse(&t, text, strlen(text), "t",
		                              &err) == AGS_OK,
		              "%zu: %s", i, err.text);
		line = t.n ? ags_trust_key_line(&t.entries[0])
		           : ags_trust_tsa_line(&t.tsa[0]);
		ck_assert_str_eq(line, cases[i].canon);
		snprintf(text, sizeof(text), HDR2 "%s", line);
		ck_assert_int_eq(
		        ags_trust_parse(&u, text, strlen(text), "t", NULL),
		        AGS_OK);
		again = u.n ? ags_trust_key_line(&u.entries[0])
		            : ags_trust_tsa_line(&u.tsa[0]);
		ck_assert_str_eq(again, line);
		free(line);
		free(again);
		ags_trust_release(&t);
		ags_trust_release(&u);
	}
}
END_TEST

/* Editing a v1 file: the header replaced and `key ` before each entry
 * line, nothing else changed; then the edit. */
START_TEST(upgrade_keeps_every_byte)
{
	static const char v1[] =
	        HDR "# authors\n"
	            "  Ada\t" PK "   roles=author\n"
	            "\n"
	            "   # indented comment\n"
	            "\"Bob B\" " PK2 " revoked=2026-01-01T00:00:00Z\n";
	static const char v2[] =
	        HDR2 "# authors\n"
	             "key   Ada\t" PK "   roles=author\n"
	             "\n"
	             "   # indented comment\n"
	             "key \"Bob B\" " PK2 " revoked=2026-01-01T00:00:00Z\n";
	char id[AGS_KEYID_HEX + 1], *out = NULL;
	size_t n = 0;
	uint8_t pk[32];
	struct ags_trust_change ch = {0};

	ck_assert_int_eq(ags_b64_decode_exact(pk, 32, PK, strlen(PK)), 0);
	ags_key_id(id, pk);
	ch.email = "ada@example.org";
	ck_assert_int_eq(
	        ags_trust_set(&out, &n, v1, strlen(v1), id, &ch, "t", NULL),
	        AGS_OK);
	ck_assert_str_eq(out, HDR2 "# authors\n"
	                           "key Ada " PK " roles=author "
	                           "email=ada@example.org\n"
	                           "\n"
	                           "   # indented comment\n"
	                           "key \"Bob B\" " PK2
	                           " revoked=2026-01-01T00:00:00Z\n");
	free(out);
	/* remove, on the same v1 text: only the upgrade and the line */
	ck_assert_int_eq(
	        ags_trust_remove(&out, &n, v1, strlen(v1), id, "t", NULL),
	        AGS_OK);
	ck_assert_str_eq(out, HDR2 "# authors\n"
	                           "\n"
	                           "   # indented comment\n"
	                           "key \"Bob B\" " PK2
	                           " revoked=2026-01-01T00:00:00Z\n");
	ck_assert_uint_eq(n, strlen(out));
	free(out);
	/* a v2 text needs no upgrade: the same removal */
	ck_assert_int_eq(
	        ags_trust_remove(&out, &n, v2, strlen(v2), id, "t", NULL),
	        AGS_OK);
	ck_assert_str_eq(out, HDR2 "# authors\n"
	                           "\n"
	                           "   # indented comment\n"
	                           "key \"Bob B\" " PK2
	                           " revoked=2026-01-01T00:00:00Z\n");
	free(out);
	ck_assert_int_eq(ags_trust_text_version(v1, strlen(v1)), 1);
	ck_assert_int_eq(ags_trust_text_version(v2, strlen(v2)), 2);
	ck_assert_int_eq(ags_trust_text_version("x\n", 2), 0);
}
END_TEST

/* trust set: what it refuses, and what it changes. A tsa record is kept
 * byte for byte. */
START_TEST(set_and_remove)
{
	static const char text[] =
	        HDR2 "key Ada " PK " roles=author email=a@b\n"
	             "key Bob " PK2 " revoked=2026-01-01T00:00:00Z\n"
	             "tsa T " CERT "\n";
	char ada[AGS_KEYID_HEX + 1], bob[AGS_KEYID_HEX + 1], *out = NULL;
	uint8_t pk[32];
	size_t n;
	struct ags_error err = {0};
	struct ags_trust_change ch = {0};

	ags_b64_decode_exact(pk, 32, PK, strlen(PK));
	ags_key_id(ada, pk);
	ags_b64_decode_exact(pk, 32, PK2, strlen(PK2));
	ags_key_id(bob, pk);
	/* nothing to change */
	ch.roles = AGS_ROLE_AUTHOR;
	ch.email = "a@b";
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "nothing to change"));
	ck_assert_ptr_null(out);
	/* a revoked key */
	ch.roles = AGS_ROLE_PUBLISHER;
	ags_error_clear(&err);
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text), bob, &ch,
	                               "t", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "revoked"));
	/* an unknown key */
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text),
	                               "00000000000000000000000000000000", &ch,
	                               "t", NULL),
	                 AGS_ERR_INVALID);
	ck_assert_int_eq(ags_trust_remove(&out, &n, text, strlen(text),
	                                  "00000000000000000000000000000000",
	                                  "t", NULL),
	                 AGS_ERR_INVALID);
	/* an empty window, a bad e-mail, a bad ORCID, a bad name */
	memset(&ch, 0, sizeof(ch));
	ch.change_after = ch.change_before = 1;
	ch.valid_after = ch.valid_before = 1767225600;
	ags_error_clear(&err);
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "valid-after"));
	memset(&ch, 0, sizeof(ch));
	ch.email = "ab";
	ck_assert_int_ne(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", NULL),
	                 AGS_OK);
	ch.email = NULL;
	ch.orcid = "0000-0002-1825-0098";
	ck_assert_int_ne(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", NULL),
	                 AGS_OK);
	ch.orcid = NULL;
	ch.name = " Ada";
	ck_assert_int_ne(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", NULL),
	                 AGS_OK);
	ck_assert_ptr_null(out);
	/* a change: new name, e-mail dropped, ORCID and window set */
	ch.name = "Ada Lovelace";
	ch.email = "";
	ch.orcid = "0000-0002-1825-0097";
	ch.change_before = 1;
	ch.valid_before = 1893456000;
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", NULL),
	                 AGS_OK);
	ck_assert_str_eq(out,
	                 HDR2 "key \"Ada Lovelace\" " PK
	                      " roles=author orcid=0000-0002-1825-0097 "
	                      "valid-before=2030-01-01T00:00:00Z\n"
	                      "key Bob " PK2 " revoked=2026-01-01T00:00:00Z\n"
	                      "tsa T " CERT "\n");
	free(out);
	/* a bound dropped again */
	memset(&ch, 0, sizeof(ch));
	ch.change_after = 1;
	ch.valid_after = INT64_MIN;
	ck_assert_int_eq(ags_trust_set(&out, &n, text, strlen(text), ada, &ch,
	                               "t", NULL),
	                 AGS_ERR_INVALID); /* it had none: nothing changes */
	/* a revoked key can be removed */
	ck_assert_int_eq(
	        ags_trust_remove(&out, &n, text, strlen(text), bob, "t", NULL),
	        AGS_OK);
	ck_assert_str_eq(out, HDR2 "key Ada " PK " roles=author email=a@b\n"
	                           "tsa T " CERT "\n");
	free(out);
}
END_TEST

/* Same and look-alike identities (threat model T3). */
START_TEST(similar)
{
	static const char text[] =
	        HDR2 "key \"Inès Marović\" " PK "\n"
	             "key \"INE\xcc\x80S MAROVIC\xcc\x81\" " PK2 "\n"
	             "key \"Ines Marovic\" "
	             "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n";
	struct ags_trust t;
	const struct ags_trust_entry *e;
	uint8_t other[32] = {1};
	size_t i = 0;
	int same = -1;

	/* the second identity is not NFC, so the file is refused... */
	ck_assert_int_eq(ags_trust_parse(&t, text, strlen(text), "t", NULL),
	                 AGS_ERR_FORMAT);
	/* ...and in NFC it is a look-alike of the first */
	{
		char *nfc = ags_text_nfc("INE\xcc\x80S MAROVIC\xcc\x81");
		char fixed[512];
		snprintf(fixed, sizeof(fixed),
		         HDR2 "key \"Inès Marović\" " PK "\nkey \"%s\" " PK2
		              "\nkey \"Ines Marovic\" "
		              "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n",
		         nfc);
		free(nfc);
		ck_assert_int_eq(
		        ags_trust_parse(&t, fixed, strlen(fixed), "t", NULL),
		        AGS_OK);
	}
	e = ags_trust_next_similar(&t, &i, "Inès Marović", other, &same);
	ck_assert_ptr_eq(e, &t.entries[0]);
	ck_assert_int_eq(same, 1);
	e = ags_trust_next_similar(&t, &i, "Inès Marović", other, &same);
	ck_assert_ptr_eq(e, &t.entries[1]);
	ck_assert_int_eq(same, 0);
	/* "Ines Marovic" has no accents: neither same nor alike */
	ck_assert_ptr_null(
	        ags_trust_next_similar(&t, &i, "Inès Marović", other, &same));
	/* the key's own entry is never reported */
	i = 0;
	e = ags_trust_next_similar(&t, &i, "Inès Marović", t.entries[0].pk,
	                           &same);
	ck_assert_ptr_eq(e, &t.entries[1]);
	ags_trust_release(&t);
}
END_TEST

/* Several records as one edit (trust import-ssh): canonical lines in
 * order after the file's, a v1 file upgraded; a key listed or given twice
 * refuses the whole edit. */
START_TEST(add_entries)
{
	struct ags_trust_entry e[2];
	struct ags_error err = {0};
	char *out = NULL;
	size_t n = 0;
	const char *v1 = HDR "# kept\nAda " PK "\n";

	memset(e, 0, sizeof(e));
	ck_assert_int_eq(ags_b64_decode_exact(e[0].pk, 32, PK2, strlen(PK2)),
	                 0);
	e[0].identity = (char *)"a@b";
	e[0].email = (char *)"a@b";
	e[0].roles = AGS_ROLE_AUTHOR;
	e[0].valid_after = INT64_MIN;
	e[0].valid_before = 1798761600;
	e[1] = e[0];
	ck_assert_int_eq(
	        ags_trust_add_entries(&out, &n, "", 0, e, 1, "t", &err),
	        AGS_OK);
	ck_assert_str_eq(out, HDR2 "key a@b " PK2 " roles=author email=a@b "
	                           "valid-before=2027-01-01T00:00:00Z\n");
	free(out);
	ck_assert_int_eq(
	        ags_trust_add_entries(&out, &n, "", 0, e, 2, "t", &err),
	        AGS_ERR_EXISTS);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(ags_b64_decode_exact(e[1].pk, 32, PK, strlen(PK)), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_add_entries(&out, &n, v1, strlen(v1), e, 2,
	                                       "t", &err),
	                 AGS_ERR_EXISTS);
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(ags_trust_add_entries(&out, &n, v1, strlen(v1), e, 1,
	                                       "t", &err),
	                 AGS_OK);
	ck_assert_str_eq(out, HDR2 "# kept\nkey Ada " PK "\nkey a@b " PK2
	                           " roles=author email=a@b "
	                           "valid-before=2027-01-01T00:00:00Z\n");
	free(out);
}
END_TEST

/* ags_trust_each_similar: the pairs ags_trust_next_similar finds, for
 * the entries from an index on, each identity folded once. */
struct pairs {
	int n;
	char seen[8][16];
};

static void note_pair(void *ctx, const struct ags_trust_entry *e,
                      const struct ags_trust_entry *o, int same)
{
	struct pairs *p = ctx;

	ck_assert_int_lt(p->n, 8);
	snprintf(p->seen[p->n++], 16, "%ld-%ld-%d", e->line, o->line, same);
}

START_TEST(each_similar)
{
	static const char text[] =
	        HDR2 "key Ada " PK "\n"
	             "key Bob A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n"
	             "key ADA " PK2 "\n"
	             "key Ada Kay64UG8yvCyLhqU000LxzYeUm0L/hLIl5S8kyKWbdc=\n";
	struct ags_trust t;
	struct pairs p;

	ck_assert_int_eq(ags_trust_parse(&t, text, strlen(text), "t", NULL),
	                 AGS_OK);
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(ags_trust_each_similar(&t, 3, note_pair, &p), AGS_OK);
	/* Only entry 3 (line 5) asked about: ADA's line 4 alike, Ada's line 2
	 * the same. */
	ck_assert_int_eq(p.n, 2);
	ck_assert_str_eq(p.seen[0], "5-2-1");
	ck_assert_str_eq(p.seen[1], "5-4-0");
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(ags_trust_each_similar(&t, 0, note_pair, &p), AGS_OK);
	ck_assert_int_eq(p.n, 6); /* three of a group, each with two */
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(ags_trust_each_similar(&t, 4, note_pair, &p), AGS_OK);
	ck_assert_int_eq(p.n, 0);
	ags_trust_release(&t);
}
END_TEST

/* The small-order key 0100..00 (the neutral element) in base64. */
#define SMALL "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

/* A key that fails the Ed25519 checks is read (its line is well formed)
 * but refused when it is looked up, naming its line, every time; the
 * other keys of the file are not held up by it (spec §9.1). */
START_TEST(bad_key_refused_at_lookup)
{
	static const char text[] = HDR "Ada " PK "\n"
	                               "# a comment\n"
	                               "Eve " SMALL "\n";
	struct ags_trust t;
	struct ags_error err = {0};
	const struct ags_trust_entry *e = NULL;
	uint8_t small[32] = {1};
	int round;

	ck_assert_int_eq(ags_trust_parse(&t, text, strlen(text), "t", &err),
	                 AGS_OK);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(ags_trust_lookup(&t, t.entries[0].pk, &e, &err),
	                 AGS_OK);
	ck_assert_ptr_eq(e, &t.entries[0]);
	for (round = 0; round < 2; round++) {
		memset(&err, 0, sizeof(err));
		e = &t.entries[0];
		ck_assert_int_eq(ags_trust_lookup(&t, small, &e, &err),
		                 AGS_ERR_FORMAT);
		ck_assert_ptr_null(e);
		ck_assert_int_eq(err.line, 4);
		ck_assert_msg(strstr(err.text, "not a valid Ed25519"), "%s",
		              err.text);
	}
	/* A reader of the whole file (trust list, an edit) checks all. */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_check_keys(&t, &err), AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 4);
	ags_trust_release(&t);
}
END_TEST

/* ags_trust_parse_lookup leaves the key ids to the lookups: a key looked
 * up, or every key checked, gets the id ags_trust_parse gives it; a key
 * that fails its checks is named by its id too. */
START_TEST(lazy_key_ids)
{
	static const char text[] = HDR "Ada " PK "\n"
	                               "Ines " PK2 "\n"
	                               "Eve " SMALL "\n";
	struct ags_trust t, eager;
	struct ags_error err = {0};
	const struct ags_trust_entry *e = NULL;
	uint8_t small[32] = {1};
	size_t i;

	ck_assert_int_eq(ags_trust_parse(&eager, text, strlen(text), "t", &err),
	                 AGS_OK);
	ck_assert_int_eq(
	        ags_trust_parse_lookup(&t, text, strlen(text), "t", &err),
	        AGS_OK);
	ck_assert_uint_eq(t.n, 3);
	for (i = 0; i < t.n; i++)
		ck_assert_str_eq(t.entries[i].key_id, "");
	ck_assert_int_eq(ags_trust_lookup(&t, t.entries[1].pk, &e, &err),
	                 AGS_OK);
	ck_assert_ptr_eq(e, &t.entries[1]);
	ck_assert_str_eq(e->key_id, eager.entries[1].key_id);
	ck_assert_str_eq(e->key_id, "c4aa99203f4c423c851c2b0b6c8abffd");
	ck_assert_str_eq(t.entries[0].key_id, "");
	ck_assert_int_eq(ags_trust_lookup(&t, small, &e, &err), AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, eager.entries[2].key_id), "%s",
	              err.text);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_trust_check_keys(&t, &err), AGS_ERR_FORMAT);
	for (i = 0; i < t.n; i++)
		ck_assert_str_eq(t.entries[i].key_id, eager.entries[i].key_id);
	ags_trust_release(&t);
	ags_trust_release(&eager);
}
END_TEST

/* An edit refuses a file holding a key a lookup would refuse: it would
 * write it again. */
START_TEST(edit_refuses_bad_key)
{
	static const char text[] = HDR "Eve " SMALL "\n";
	struct ags_seckey *sk = NULL;
	struct ags_error err = {0};
	char *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ck_assert_int_eq(
	        ags_pubkey_set_identity(&sk->pub, "Ada", NULL, NULL, NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_trust_add(&out, &n, text, strlen(text), &sk->pub,
	                               AGS_ROLE_AUTHOR, INT64_MIN, INT64_MAX,
	                               "t", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.line, 2);
	ags_seckey_free(sk);
}
END_TEST

/* sig: R || S over msg under A' = A + T (T of order 8), with a the
 * secret scalar of A. libsodium's verify (no rule 6) accepts it when
 * 8 divides SHA-512(R || A' || msg) mod L: tried until it does. */
static void torsion_signature(uint8_t sig[64], const uint8_t *msg, size_t len,
                              const uint8_t a_pk[32],
                              const struct ags_seckey *sk)
{
	uint8_t h[64], a[64] = {0}, r[32], k[32], ka[32];
	crypto_hash_sha512_state st;
	int tries;

	crypto_hash_sha512(h, sk->sk, 32);
	memcpy(a, h, 32);
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
	crypto_core_ed25519_scalar_reduce(a, a);
	for (tries = 0; tries < 1000; tries++) {
		crypto_core_ed25519_scalar_random(r);
		ck_assert_int_eq(crypto_scalarmult_ed25519_base_noclamp(sig, r),
		                 0);
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(&st, sig, 32);
		crypto_hash_sha512_update(&st, a_pk, 32);
		crypto_hash_sha512_update(&st, msg, len);
		crypto_hash_sha512_final(&st, h);
		crypto_core_ed25519_scalar_reduce(k, h);
		crypto_core_ed25519_scalar_mul(ka, k, a);
		crypto_core_ed25519_scalar_add(sig + 32, r, ka);
		if (crypto_sign_verify_detached(sig, msg, len, a_pk) == 0)
			return;
	}
	ck_abort_msg("no signature under the torsion key");
}

/* A trusted key with a torsion component signs under libsodium's rules:
 * only the check at its lookup keeps verification from accepting it. If
 * the lazy check were skipped, this signature would verify. */
START_TEST(torsion_key_that_signs_is_refused)
{
	static const char t8_hex[] = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2"
	                             "c39ccc64ec7fd7792ac037a";
	static const char body[] = "The author grants the licence.\n";
	struct ags_signer s = {"Ada", NULL, NULL, AGS_ROLE_AUTHOR, 1795000000};
	struct ags_seckey *sk = NULL;
	struct ags_envelope env;
	struct ags_signature *sig;
	struct ags_trust t;
	struct ags_report rep;
	struct ags_error err = {0};
	uint8_t t8[32], *msg = NULL;
	char line[256], b64[64];
	size_t n = 0;

	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, body, strlen(body));
	env.agreement.md.title = strdup("On Engines");
	ck_assert_int_eq(ags_sign_append(&env, sk, &s, 0, NULL), AGS_OK);
	sig = &env.sigs[0];
	ck_assert_int_eq(
	        sodium_hex2bin(t8, sizeof(t8), t8_hex, 64, NULL, &n, NULL), 0);
	ck_assert_int_eq(
	        crypto_core_ed25519_add(sig->public_key, sk->pub.pk, t8), 0);
	ck_assert(!ags_public_key_valid(sig->public_key));
	ags_key_id(sig->key_id, sig->public_key);
	ck_assert_int_eq(ags_signed_message(&msg, &n, &env, 0, NULL), AGS_OK);
	torsion_signature(sig->signature, msg, n, sig->public_key, sk);
	free(msg);
	sodium_bin2base64(b64, sizeof(b64), sig->public_key, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), HDR "Ada %s\n", b64);
	ck_assert_int_eq(ags_trust_parse(&t, line, strlen(line), "t", &err),
	                 AGS_OK);
	ck_assert_int_eq(
	        ags_verify(&rep, &env, body, strlen(body), &t, NULL, &err),
	        AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, "not a valid Ed25519"), "%s", err.text);
	ags_trust_release(&t);
	ags_envelope_release(&env);
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
	tcase_add_loop_test(tc, bad_v2, 0,
	                    (int)(sizeof(bad2) / sizeof(bad2[0])));
	tcase_add_test(tc, tsa_certificate_exact);
	tcase_add_test(tc, good_v2);
	tcase_add_test(tc, canonical_line);
	tcase_add_test(tc, upgrade_keeps_every_byte);
	tcase_add_test(tc, set_and_remove);
	tcase_add_test(tc, similar);
	tcase_add_test(tc, add_entries);
	tcase_add_test(tc, each_similar);
	tcase_add_test(tc, bad_key_refused_at_lookup);
	tcase_add_test(tc, lazy_key_ids);
	tcase_add_test(tc, edit_refuses_bad_key);
	tcase_add_test(tc, torsion_key_that_signs_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
