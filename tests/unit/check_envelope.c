/* Envelope parsing is strict: each malformed field is refused with a
 * message naming it, and a well-formed envelope round-trips byte for byte. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agreesign.h"
#include "test_util.h"

static const char canon[] = "A short agreement.\n";

/* An envelope with one signature, built through the library. */
static char *good_envelope(size_t *len)
{
	struct ags_envelope env;
	struct ags_seckey *sk = NULL;
	struct ags_signer s = {"Ada Lovelace", "ada@example.org",
	                       "0000-0002-1825-0097", AGS_ROLE_AUTHOR,
	                       1795000000};
	char *text = NULL;

	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, canon, strlen(canon));
	env.agreement.md.title = strdup("A Title");
	ck_assert_int_eq(ags_seckey_generate(&sk, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&sk->pub, "Ada Lovelace", NULL,
	                                         NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_sign_append(&env, sk, &s, 0, NULL), AGS_OK);
	ck_assert_int_eq(ags_envelope_format(&text, len, &env, NULL), AGS_OK);
	ags_seckey_free(sk);
	ags_envelope_release(&env);
	return text;
}

/* Replaces the first occurrence of from in text by to (new buffer). */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t a, b, c;
	char *out;

	ck_assert_msg(at != NULL, "'%s' not in envelope", from);
	a = (size_t)(at - text), b = strlen(to), c = strlen(at + strlen(from));
	out = malloc(a + b + c + 1);
	memcpy(out, text, a);
	memcpy(out + a, to, b);
	memcpy(out + a + b, at + strlen(from), c + 1);
	return out;
}

START_TEST(roundtrip_is_byte_exact)
{
	size_t len, len2;
	char *text = good_envelope(&len), *again = NULL;
	struct ags_envelope env;
	struct ags_error err = {0};

	ck_assert_int_eq(ags_envelope_parse(&env, text, len, "e", &err),
	                 AGS_OK);
	ck_assert_int_eq(ags_envelope_format(&again, &len2, &env, NULL),
	                 AGS_OK);
	ck_assert_uint_eq(len, len2);
	ck_assert_mem_eq(text, again, len);
	ck_assert_str_eq(env.agreement.md.title, "A Title");
	ck_assert_str_eq(env.sigs[0].signer.email, "ada@example.org");
	ck_assert_uint_eq(env.agreement.text_length, strlen(canon));
	ck_assert_int_eq(text[len - 1], '\n');
	ags_envelope_release(&env);
	free(text);
	free(again);
}
END_TEST

/* Each edit of a good envelope, and the words the error must contain. */
static const struct {
	const char *from, *to, *why;
	enum ags_err code;
} edits[] = {
        {"agreesign-envelope/v1", "agreesign-envelope/v2", "format",
         AGS_ERR_FORMAT},
        {"\"format\"", "\"formats\"", "unknown field \"formats\"",
         AGS_ERR_FORMAT},
        {"\"text/v1\"", "\"text/v2\"", "canonicalization", AGS_ERR_FORMAT},
        {"\"text_length\": 19", "\"text_length\": 19.0", "text_length",
         AGS_ERR_FORMAT},
        {"\"text_length\": 19", "\"text_length\": \"19\"", "text_length",
         AGS_ERR_FORMAT},
        {"\"text_length\": 19", "\"text_length\": 0", "text_length",
         AGS_ERR_FORMAT},
        {"\"text_length\": 19", "\"text_length\": 9007199254740992",
         "text_length", AGS_ERR_FORMAT},
        {"\"text_length\": 19", "\"text_length\": 99999999999999999999999",
         "malformed JSON", AGS_ERR_JSON},
        {"\"role\": \"author\"", "\"role\": \"editor\"", "role",
         AGS_ERR_FORMAT},
        {"\"role\": \"author\"", "\"role\": \"author\", \"role\": \"author\"",
         "duplicate", AGS_ERR_JSON},
        {"\"title\": \"A Title\"", "\"title\": \"A Title\", \"extra\": 1",
         "unknown field \"extra\"", AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"\"", "title", AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"A\\u0007Title\"", "control",
         AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"A\\u0000Title\"",
         "malformed JSON", AGS_ERR_JSON},
        {"\"title\": \"A Title\"", "\"title\": \"\\ud800\"", "malformed JSON",
         AGS_ERR_JSON},
        {"\"title\": \"A Title\"", "\"title\": \" A Title\"", "spaces",
         AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"A \\u0378\"", "not assigned",
         AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"Ine\\u0300s\"", "NFC",
         AGS_ERR_FORMAT},
        /* U+FEFF, escaped or raw, first or inside (spec §4.1). */
        {"\"title\": \"A Title\"", "\"title\": \"\\ufeffA Title\"", "U+FEFF",
         AGS_ERR_FORMAT},
        {"\"title\": \"A Title\"", "\"title\": \"A\xef\xbb\xbfTitle\"",
         "U+FEFF", AGS_ERR_FORMAT},
        {"\"name\": \"Ada Lovelace\"", "\"name\": \"Ada Lovelace\xef\xbb\xbf\"",
         "U+FEFF", AGS_ERR_FORMAT},
        {"ada@example.org", "ada@example.org\xef\xbb\xbf", "U+FEFF",
         AGS_ERR_FORMAT},
        {"2026-11-18T", "2026-13-18T", "time", AGS_ERR_FORMAT},
        {"0000-0002-1825-0097", "0000-0002-1825-0098", "check digit",
         AGS_ERR_FORMAT},
        {"ada@example.org", "ada.example.org", "email", AGS_ERR_FORMAT},
        {"\"key_id\": \"", "\"key_id\": \"0", "key_id", AGS_ERR_FORMAT},
        {"\"signatures\": [", "\"signatures\": [], \"x\": [", "unknown",
         AGS_ERR_FORMAT},
};

START_TEST(edits_are_refused)
{
	size_t len;
	char *text = good_envelope(&len), *bad;
	struct ags_envelope env;
	struct ags_error err = {0};

	bad = replace(text, edits[_i].from, edits[_i].to);
	ck_assert_int_eq(
	        ags_envelope_parse(&env, bad, strlen(bad), "env.json", &err),
	        edits[_i].code);
	ck_assert_msg(strstr(err.text, edits[_i].why) != NULL,
	              "edit %d: message '%s' lacks '%s'", _i, err.text,
	              edits[_i].why);
	ck_assert_str_eq(err.source, "env.json");
	free(bad);
	free(text);
}
END_TEST

START_TEST(signature_encodings_are_strict)
{
	size_t len;
	char *text = good_envelope(&len), *p, *bad;
	struct ags_envelope env;
	struct ags_error err = {0};
	char sig[100];

	/* The signature's base64 as written. */
	p = strstr(text, "\"signature\": \"") + 14;
	memcpy(sig, p, 88);
	sig[88] = '\0';
	{
		char shorter[100], spaced[100];
		memcpy(shorter, sig, 84);
		memcpy(shorter + 84, "==", 3);
		bad = replace(text, sig, shorter);
		ck_assert_int_eq(
		        ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
		        AGS_ERR_FORMAT);
		ck_assert_ptr_nonnull(strstr(err.text, "signature"));
		free(bad);
		snprintf(spaced, sizeof(spaced), " %.87s", sig);
		memset(&err, 0, sizeof(err));
		bad = replace(text, sig, spaced);
		ck_assert_int_eq(
		        ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
		        AGS_ERR_FORMAT);
		free(bad);
	}
	/* The last base64 digit before "==" carries 4 unused bits: a
	 * different digit with the same value bits is a second spelling. */
	{
		char alt[100];
		memcpy(alt, sig, 89);
		alt[85] = alt[85] == 'A' ? 'B' : (char)(alt[85] ^ 1);
		memset(&err, 0, sizeof(err));
		bad = replace(text, sig, alt);
		ck_assert_int_ne(
		        ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
		        AGS_OK);
		free(bad);
	}
	free(text);
}
END_TEST

START_TEST(structural_limits)
{
	struct ags_envelope env;
	struct ags_error err = {0};
	size_t len, i;
	char *text = good_envelope(&len), *big;

	/* NUL byte: jansson would stop there and accept the prefix. */
	text[len - 1] = '\0';
	ck_assert_int_eq(ags_envelope_parse(&env, text, len, "e", &err),
	                 AGS_ERR_JSON);
	ck_assert_ptr_nonnull(strstr(err.text, "NUL"));
	/* Every truncation is refused. */
	text[len - 1] = '\n';
	for (i = 0; i + 2 < len; i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_int_ne(ags_envelope_parse(&env, text, i, "e", &err),
		                 AGS_OK);
		ck_assert(err.text[0] != '\0');
	}
	/* Over the size limit. */
	big = calloc(AGS_ENVELOPE_MAX + 2, 1);
	memset(big, ' ', AGS_ENVELOPE_MAX + 1);
	memcpy(big, text, len);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	        ags_envelope_parse(&env, big, AGS_ENVELOPE_MAX + 1, "e", &err),
	        AGS_ERR_TOO_LARGE);
	free(big);
	free(text);
}
END_TEST

START_TEST(empty_and_scalar)
{
	static const char *const inputs[] = {"",     "{}",    "[]",
	                                     "null", "\"x\"", "{\"format\":1}"};
	struct ags_envelope env;
	struct ags_error err = {0};
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_int_ne(ags_envelope_parse(&env, inputs[i],
		                                    strlen(inputs[i]), "e",
		                                    &err),
		                 AGS_OK);
		ck_assert(err.text[0] != '\0');
	}
}
END_TEST

START_TEST(load_missing_file)
{
	struct ags_envelope env;
	struct ags_error err = {0};

	ck_assert_int_eq(
	        ags_envelope_load(&env, "/nonexistent/e.sig.json", &err),
	        AGS_ERR_IO);
	ck_assert_str_eq(err.source, "/nonexistent/e.sig.json");
	ck_assert_ptr_nonnull(strstr(err.text, "No such file"));
}
END_TEST

/* With a trust store, a trusted key's id comes from the store, not from
 * hashing the key again: an envelope whose key_id is not its key's is
 * still refused, and a good one loads the same with and without it. */
START_TEST(load_known_checks_key_id)
{
	char path[] = "/tmp/ags-check-env-XXXXXX";
	struct ags_envelope env;
	struct ags_trust trust;
	struct ags_error err = {0};
	size_t len = 0;
	char *text =
	        tu_read_file("../spec/vectors/envelopes/signed.sig.json", &len);
	char *id;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ags_trust_load(&trust, "../keys/demo.trust", NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_envelope_load_known(
	                         &env,
	                         "../spec/vectors/envelopes/signed.sig.json",
	                         &trust, NULL),
	                 AGS_OK);
	ck_assert_ptr_nonnull(ags_trust_find(&trust, env.sigs[0].public_key));
	ags_envelope_release(&env);
	id = strstr(text, "\"key_id\": \"");
	ck_assert_ptr_nonnull(id);
	id += strlen("\"key_id\": \"");
	id[0] = id[0] == '0' ? '1' : '0'; /* another id, same key */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	ck_assert_int_eq(ags_envelope_load_known(&env, path, &trust, &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "key_id does not match"));
	unlink(path);
	ags_trust_release(&trust);
	free(text);
}
END_TEST

/* An attachment's length written -0 is refused, naming its line; written
 * 0 it is accepted (spec §4.2: integers have no sign). jansson's tree
 * holds 0 for both. */
START_TEST(minus_zero_is_refused)
{
	static const char *const lengths[] = {"0", "-0"};
	char att[320], *text, *bad;
	struct ags_envelope env;
	struct ags_error err;
	size_t len, i;

	text = good_envelope(&len);
	for (i = 0; i < 2; i++) {
		snprintf(att, sizeof(att),
		         "\"attachments\": [{\"name\": \"a\", \"sha512\": "
		         "\"%0128d\",\n\"length\": %s}],\n\"metadata\": {",
		         0, lengths[i]);
		bad = replace(text, "\"metadata\": {", att);
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(
		        ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
		        i == 0 ? AGS_OK : AGS_ERR_FORMAT);
		if (i == 0) {
			ck_assert_uint_eq(env.agreement.nattachments, 1);
			ags_envelope_release(&env);
		} else {
			const char *at = strstr(bad, "-0}"), *p;
			long line = 1;
			for (p = bad; p < at; p++)
				line += *p == '\n';
			ck_assert_ptr_nonnull(strstr(err.text, "-0"));
			ck_assert_int_eq(err.line, line);
			/* at is on a line that starts with "length". */
			ck_assert_int_eq(err.column, 11);
		}
		free(bad);
	}
	/* text_length -0 is out of range as 0 would be. */
	bad = replace(text, "\"text_length\": 19", "\"text_length\": -0");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.text, "text_length"));
	free(bad);
	free(text);
}
END_TEST

/* Edits of the countersigned vector that make a countersignature no
 * reader accepts (spec §4.4, §7), and the words the error must hold. */
#define AUTHOR_ID   "c4aa99203f4c423c851c2b0b6c8abffd"
#define COAUTHOR_ID "75170e1a030ddac764904c6820754f0c"
#define PRESS_ID    "75c37b89b085248770a8b2af8db785a8"
static const struct {
	const char *from, *to, *why;
} cs_edits[] = {
        /* covers nothing: the array emptied (NULL) */
        {NULL, NULL, "1 to 63 entries"},
        /* the co-author's key twice */
        {"\"key_id\": \"" AUTHOR_ID "\",\n          \"signature_sha512",
         "\"key_id\": \"" COAUTHOR_ID "\",\n          \"signature_sha512",
         "covered twice"},
        /* itself */
        {"\"key_id\": \"" AUTHOR_ID "\",\n          \"signature_sha512",
         "\"key_id\": \"" PRESS_ID "\",\n          \"signature_sha512",
         "its own key"},
        /* another role */
        {"\"role\": \"publisher\"", "\"role\": \"author\"", "role publisher"},
        {"\"role\": \"publisher\"", "\"role\": \"co-author\"",
         "role publisher"},
};

START_TEST(countersignature_shape)
{
	size_t len = 0;
	char *text = tu_read_file(
	        "../spec/vectors/envelopes/countersigned.sig.json", &len);
	char *bad;
	struct ags_envelope env;
	struct ags_error err = {0};

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ags_envelope_parse(&env, text, len, "e", NULL),
	                 AGS_OK);
	ags_envelope_release(&env);
	if (cs_edits[_i].from) {
		bad = replace(text, cs_edits[_i].from, cs_edits[_i].to);
	} else {
		json_t *root = json_loadb(text, len, 0, NULL);
		ck_assert_ptr_nonnull(root);
		json_array_clear(json_object_get(
		        json_array_get(json_object_get(root, "signatures"), 2),
		        "countersigns"));
		bad = json_dumps(root, JSON_INDENT(2));
		json_decref(root);
	}
	ck_assert_int_eq(ags_envelope_parse(&env, bad, strlen(bad), "e", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_msg(strstr(err.text, cs_edits[_i].why) != NULL,
	              "edit %d: '%s' lacks '%s'", _i, err.text,
	              cs_edits[_i].why);
	ck_assert_ptr_nonnull(strstr(err.text, "signatures[2]"));
	free(bad);
	free(text);
}
END_TEST

/* A template's statement with an attachment is written in the order of
 * spec §6.3: ..., metadata, kind, attachments. */
START_TEST(template_statement_order)
{
	struct ags_envelope env;
	char *text = NULL, *md, *kind, *att;
	size_t len = 0;

	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, canon, strlen(canon));
	env.agreement.is_template = 1;
	env.agreement.attachments = calloc(1, sizeof(struct ags_attachment));
	ck_assert_ptr_nonnull(env.agreement.attachments);
	env.agreement.attachments[0].name = strdup("paper.pdf");
	env.agreement.nattachments = 1;
	ck_assert_int_eq(ags_envelope_format(&text, &len, &env, NULL), AGS_OK);
	md = strstr(text, "\n    \"metadata\": {");
	kind = strstr(text, "\n    \"kind\": \"template\",\n");
	att = strstr(text, "\n    \"attachments\": [");
	ck_assert_msg(md && kind && att && md < kind && kind < att, "%s", text);
	ck_assert_ptr_nonnull(
	        strstr(text, "\"text_length\": 19,\n    \"metadata\": {"));
	free(text);
	ags_envelope_release(&env);
}
END_TEST

Suite *envelope_suite(void)
{
	Suite *s = suite_create("envelope");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, roundtrip_is_byte_exact);
	tcase_add_loop_test(tc, edits_are_refused, 0,
	                    (int)(sizeof(edits) / sizeof(edits[0])));
	tcase_add_test(tc, signature_encodings_are_strict);
	tcase_add_test(tc, structural_limits);
	tcase_add_test(tc, empty_and_scalar);
	tcase_add_test(tc, load_missing_file);
	tcase_add_test(tc, load_known_checks_key_id);
	tcase_add_test(tc, template_statement_order);
	tcase_add_test(tc, minus_zero_is_refused);
	tcase_add_loop_test(tc, countersignature_shape, 0,
	                    (int)(sizeof(cs_edits) / sizeof(cs_edits[0])));
	suite_add_tcase(s, tc);
	return s;
}
