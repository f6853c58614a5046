/* sshkey.c: OpenSSH public key lines. The blobs were made with PyNaCl and
 * Python's struct (an independent encoder): the key is check_key.c's
 * known-answer key, seed = bytes(range(1, 33)), so its key id must be the
 * one its agreesign .pub gives. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KAT_ID "7b6a1405e47be084864fc74eb876beb7"
#define KAT_B64                                                                \
	"AAAAC3NzaC1lZDI1NTE5AAAAIHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define KAT_LINE "ssh-ed25519 " KAT_B64
/* The key plus a point of order 8: on the curve, not in the prime-order
 * group. */
#define TORSION_B64                                                            \
	"AAAAC3NzaC1lZDI1NTE5AAAAICh/a9p6V/Tyhz87/15eqcJgpqY0O983x6vNNG7VkEwR"
/* Blobs that are wrong: a 31-byte key, a byte after the key, a blob that
 * says ssh-rsa, a 33-byte key. */
#define SHORT_B64                                                              \
	"AAAAC3NzaC1lZDI1NTE5AAAAH3m1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJY="
#define TRAIL_B64                                                              \
	"AAAAC3NzaC1lZDI1NTE5AAAAIHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk" \
	"AA=="
#define RSA_BLOB_B64                                                           \
	"AAAAB3NzaC1yc2EAAAAgebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
#define LONG_B64                                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAIXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk" \
	"AA=="

static const char kat_pub[] =
        "agreesign public key v1\n"
        "key-id: " KAT_ID "\n"
        "public-key: ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=\n"
        "name: Ada Lovelace\n";

/* Parses one line; returns the result, the error in *err. */
static enum ags_err line(const char *s, struct ags_pubkey *pub, char **comment,
                         struct ags_error *err)
{
	memset(err, 0, sizeof(*err));
	return ags_sshkey_parse_line(pub, comment, s, strlen(s), "k.pub", 7,
	                             err);
}

/* The line is refused with a message that contains want, at line 7. */
static void refused(const char *s, const char *want)
{
	struct ags_pubkey pub;
	struct ags_error err;
	char *comment = (char *)"x";

	ck_assert_int_eq(line(s, &pub, &comment, &err), AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, want) != NULL, "%s: got \"%s\"", s,
	              err.text);
	ck_assert_str_eq(err.source, "k.pub");
	ck_assert_int_eq(err.line, 7);
	ck_assert_ptr_null(comment);
	ck_assert_ptr_null(pub.name);
}

START_TEST(test_line_ok)
{
	static const char *const good[] = {
	        KAT_LINE,
	        KAT_LINE " ada@host",
	        "  " KAT_LINE "\t ada@host  \t",
	        "no-pty,from=\"10.0.0.1,host name\" " KAT_LINE " ada@host",
	        "restrict " KAT_LINE " ada@host",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
		struct ags_pubkey pub;
		struct ags_error err;
		char *comment = NULL;
		ck_assert_int_eq(line(good[i], &pub, &comment, &err), AGS_OK);
		ck_assert_str_eq(pub.key_id, KAT_ID);
		ck_assert_ptr_null(pub.name);
		ck_assert_ptr_null(pub.email);
		if (i == 0)
			ck_assert_ptr_null(comment);
		else
			ck_assert_str_eq(comment, "ada@host");
		free(comment);
	}
}
END_TEST

/* A comment with blanks inside keeps them; comment may be NULL. */
START_TEST(test_comment)
{
	struct ags_pubkey pub;
	struct ags_error err;
	char *comment = NULL;

	ck_assert_int_eq(
	        line(KAT_LINE " Ada  L. (laptop) ", &pub, &comment, &err),
	        AGS_OK);
	ck_assert_str_eq(comment, "Ada  L. (laptop)");
	free(comment);
	ck_assert_int_eq(line(KAT_LINE " c", &pub, NULL, &err), AGS_OK);
}
END_TEST

START_TEST(test_other_kinds)
{
	refused("ssh-rsa " RSA_BLOB_B64 " a@b", "not an Ed25519 key (ssh-rsa)");
	refused("ecdsa-sha2-nistp256 AAAA a@b",
	        "not an Ed25519 key (ecdsa-sha2-nistp256)");
	refused("ssh-dss AAAA", "not an Ed25519 key (ssh-dss)");
	refused("sk-ssh-ed25519@openssh.com AAAA a@b",
	        "FIDO keys sign a different message and are not supported "
	        "yet");
	refused("sk-ecdsa-sha2-nistp256@openssh.com AAAA",
	        "not an Ed25519 key (sk-ecdsa-sha2-nistp256@openssh.com)");
	refused("ssh-ed25519-cert-v01@openssh.com AAAA a@b",
	        "ssh-ed25519-cert-v01@openssh.com is an OpenSSH "
	        "certificate, not a key");
	refused("no-pty ssh-rsa " RSA_BLOB_B64, "not an Ed25519 key (ssh-rsa)");
	refused("ssh-\x1b[31m AAAA", "(an unknown key type)");
	refused("hello world", "not an OpenSSH public key line");
	refused("", "no key on the line");
	refused("   \t", "no key on the line");
}
END_TEST

START_TEST(test_key_data)
{
	refused("ssh-ed25519", "no key data after ssh-ed25519");
	refused("ssh-ed25519   ", "no key data after ssh-ed25519");
	/* Not canonical: padding where none belongs, unused bits set,
	 * characters missing, a byte outside the alphabet. */
	refused(KAT_LINE "====", "not base64 in its one canonical spelling");
	refused("ssh-ed25519 "
	        "AAAAC3NzaC1lZDI1NTE5AAAAH3m1Vi6P5lT5QHixEuipi6eQH4U65pW+1+"
	        "DjkQutBJZ=",
	        "not base64");
	refused("ssh-ed25519 "
	        "AAAAC3NzaC1lZDI1NTE5AAAAH3m1Vi6P5lT5QHixEuipi6eQH4U65pW+1+"
	        "DjkQutBJY",
	        "not base64");
	refused("ssh-ed25519 AAAA*AAA", "not base64");
	refused("ssh-ed25519 " SHORT_B64, "a public key that is not 32 bytes");
	refused("ssh-ed25519 " LONG_B64, "a public key that is not 32 bytes");
	refused("ssh-ed25519 " TRAIL_B64,
	        "1 bytes after the public key in the key data");
	refused("ssh-ed25519 " RSA_BLOB_B64,
	        "the key data is of another type than the line names");
	refused("ssh-ed25519 AAAA", "key data: key type: the data ends");
	refused("ssh-ed25519 AAAAAA==", "of another type than the line names");
	refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
	        "key data: public key: the data ends");
	refused("ssh-ed25519 " TORSION_B64, "not a valid Ed25519 public key");
	refused(KAT_LINE "\r", "carriage return");
	refused("cert-authority " KAT_LINE,
	        "a cert-authority key signs certificates");
	refused("no-pty,CERT-AUTHORITY,from=\"x\" " KAT_LINE,
	        "a cert-authority key signs certificates");
}
END_TEST

/* A NUL inside the line is refused, not taken as its end. */
START_TEST(test_nul)
{
	static const char s[] = KAT_LINE " a\0b";
	struct ags_pubkey pub;
	struct ags_error err = {0};

	ck_assert_int_eq(ags_sshkey_parse_line(&pub, NULL, s, sizeof(s) - 1,
	                                       "k", 1, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "NUL byte"));
}
END_TEST

static enum ags_err file(const char *s, struct ags_pubkey *pub, char **comment,
                         struct ags_error *err)
{
	memset(err, 0, sizeof(*err));
	return ags_pubkey_parse_any(pub, comment, s, strlen(s), "f.pub", err);
}

/* A file: comments and blank lines skipped, one key exactly. */
START_TEST(test_file)
{
	struct ags_pubkey pub;
	struct ags_error err;
	char *comment = NULL;

	ck_assert_int_eq(file(KAT_LINE " me@host\n", &pub, &comment, &err),
	                 AGS_OK);
	ck_assert_str_eq(pub.key_id, KAT_ID);
	ck_assert_str_eq(comment, "me@host");
	free(comment);
	ck_assert_int_eq(file("# keys\n\n  \n" KAT_LINE, &pub, &comment, &err),
	                 AGS_OK);
	ck_assert_ptr_null(comment);
	ck_assert_int_eq(file("# a\n" KAT_LINE "\n\n" KAT_LINE " b\n", &pub,
	                      &comment, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 4);
	ck_assert_ptr_nonnull(strstr(err.text, "first is on line 2"));
	ck_assert_int_eq(file("# only\n\n", &pub, &comment, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "no OpenSSH public key"));
	ck_assert_int_eq(file("", &pub, &comment, &err), AGS_ERR_FORMAT);
	ck_assert_int_eq(file("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n",
	                      &pub, &comment, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "a private key file"));
	ck_assert_int_eq(
	        file("\n\nssh-rsa " RSA_BLOB_B64 "\n", &pub, &comment, &err),
	        AGS_ERR_FORMAT);
	ck_assert_int_eq(err.line, 3);
}
END_TEST

/* The kind of file is told by its content: the same key as agreesign's
 * .pub has the same key id, with an identity. */
START_TEST(test_any_kind)
{
	struct ags_pubkey a, b;
	struct ags_error err;
	char *comment = (char *)"x";

	ck_assert_int_eq(file(kat_pub, &a, &comment, &err), AGS_OK);
	ck_assert_ptr_null(comment);
	ck_assert_str_eq(a.name, "Ada Lovelace");
	ck_assert_int_eq(file(KAT_LINE "\n", &b, NULL, &err), AGS_OK);
	ck_assert_str_eq(a.key_id, b.key_id);
	ck_assert_mem_eq(a.pk, b.pk, sizeof(a.pk));
	ags_pubkey_release(&a);
	/* agreesign's reader speaks for its own files. */
	ck_assert_int_eq(file("agreesign secret key v1\n", &a, NULL, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "secret"));
}
END_TEST

Suite *sshkey_suite(void);

Suite *sshkey_suite(void)
{
	Suite *s = suite_create("sshkey");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_line_ok);
	tcase_add_test(tc, test_comment);
	tcase_add_test(tc, test_other_kinds);
	tcase_add_test(tc, test_key_data);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_any_kind);
	suite_add_tcase(s, tc);
	return s;
}
