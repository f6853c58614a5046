/* fuzz_envelope: the strict envelope reader (src/lib/format/envelope.c,
 * src/lib/format/statement.c) and the verifier behind it (src/lib/op/verify.c).
 * Properties: a refused input leaves an empty envelope and a proper error;
 * an accepted one formats, and format -> parse -> format is byte-stable;
 * every signature's signed message can be rebuilt; verification against a
 * fixed trust store (and a single .pub) runs to a verdict without error,
 * and its JSON report serializes. */
#include "fuzz_util.h"

#include <string.h>

static char *canon;
static size_t canon_len;
static struct ags_trust trust, one_key;

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	struct ags_error err;
	struct ags_pubkey pub;
	char *buf;
	size_t len;

	(void)argc;
	(void)argv;
	if (ags_init() != AGS_OK)
		return -1;
	ags_error_clear(&err);
	canon = fuzz_read_fixture("spec/vectors/agreements/"
	                          "sample-agreement.canon.txt",
	                          &canon_len);
	buf = fuzz_read_fixture("keys/demo.trust", &len);
	if (ags_trust_parse(&trust, buf, len, "demo.trust", &err) != AGS_OK)
		abort();
	free(buf);
	buf = fuzz_read_fixture("keys/demo-author.pub", &len);
	if (ags_pubkey_parse(&pub, buf, len, "demo-author.pub", &err) !=
	            AGS_OK ||
	    ags_trust_from_pubkey(&one_key, &pub, &err) != AGS_OK)
		abort();
	ags_pubkey_release(&pub);
	free(buf);
	return 0;
}

/* Every '<' of the HTML report opens a tag the report itself writes:
 * strings from the envelope are escaped, never markup. */
static void check_html(const char *html)
{
	static const char *const tags[] = {
	        "!DOCTYPE", "html",   "head", "meta", "title", "style", "body",
	        "main",     "div",    "h1",   "h2",   "p",     "table", "thead",
	        "tr",       "th",     "td",   "pre",  "del",   "ins",   "span",
	        "section",  "footer", "b",    "br",   "ul",    "li",    NULL};
	const char *p = html, *name;
	size_t i, n;

	FUZZ_CHECK(html != NULL, "no HTML report");
	while ((p = strchr(p, '<')) != NULL) {
		p++;
		name = p + (*p == '/');
		for (i = 0; tags[i]; i++) {
			n = strlen(tags[i]);
			if (strncmp(name, tags[i], n) == 0 &&
			    (name[n] == '>' || name[n] == ' '))
				break;
		}
		FUZZ_CHECK(tags[i] != NULL,
		           "unexpected markup in the report: %.40s", p - 1);
	}
}

/* report_line.c writes a batch line straight from the report: the same
 * bytes as the tree with the entry's fields, dumped. */
static void same_line(json_t *j, const struct ags_report *rep,
                      const struct ags_envelope *env)
{
	struct ags_batch_item it = {0};
	char *want, *got = NULL;

	it.line = 7;
	it.agreement = "dir/agreement.txt";
	it.envelope = "dir/agreement.txt.sig.json";
	it.id = "id-7";
	json_object_set_new(j, "line", json_integer(7));
	json_object_set_new(j, "agreement", json_string(it.agreement));
	json_object_set_new(j, "envelope", json_string(it.envelope));
	json_object_set_new(j, "id", json_string(it.id));
	want = ags_json_dumps_sorted(j, NULL);
	FUZZ_CHECK(want != NULL, "the report tree does not dump");
	FUZZ_CHECK(ags_report_line(&got, NULL, rep, env, &it) == AGS_OK,
	           "report_line refused a parsed envelope's report");
	FUZZ_CHECK(strcmp(want, got) == 0, "report line differs:\n%s\n%s", want,
	           got);
	free(want);
	free(got);
}

static void verify_with(const struct ags_envelope *env,
                        const struct ags_trust *t,
                        const struct ags_policy *policy)
{
	struct ags_report rep;
	struct ags_error err;
	json_t *j;
	static const struct ags_report_context html_ctx = {
	        .agreement = "<agreement>.txt",
	        .keys = "<trust>",
	        .keys_digested = 1,
	        .checked_at = 1795000000};
	char *s;

	ags_error_clear(&err);
	FUZZ_CHECK(ags_verify(&rep, env, canon, canon_len, t, policy, &err) ==
	                   AGS_OK,
	           "verify could not run on a parsed envelope: %s", err.text);
	FUZZ_CHECK(rep.nsigs == env->nsigs, "report of %zu for %zu signatures",
	           rep.nsigs, env->nsigs);
	FUZZ_CHECK(rep.verified || rep.policy_detail[0],
	           "not verified and no reason");
	j = ags_report_json(&rep, env);
	FUZZ_CHECK(j != NULL, "report JSON failed");
	s = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(s != NULL, "report JSON does not serialize");
	free(s);
	same_line(j, &rep, env);
	json_decref(j);
	s = ags_report_html(&rep, env, canon, canon_len, &html_ctx);
	check_html(s);
	free(s);
	ags_report_release(&rep);
}

/* message.c writes the signed message straight from the structs; the
 * spec defines it as the JCS of the tree statement.c builds. Same bytes. */
static void same_as_tree(const uint8_t *msg, size_t mlen,
                         const struct ags_envelope *env, size_t i)
{
	const struct ags_signature *sig = &env->sigs[i];
	json_t *o = json_object();
	char *jcs = NULL;
	size_t jlen = 0;

	FUZZ_CHECK(
	        o &&
	                !json_object_set_new(
	                        o, "statement",
	                        ags_statement_json(&env->agreement)) &&
	                !json_object_set_new(o, "signer",
	                                     ags_signer_json(&sig->signer)) &&
	                (!sig->is_countersignature ||
	                 !json_object_set_new(
	                         o, "countersigns",
	                         ags_covers_json(sig->covers, sig->ncovers))),
	        "statement tree %zu cannot be built", i);
	FUZZ_CHECK(ags_jcs_serialize(&jcs, &jlen, o, NULL) == AGS_OK,
	           "statement tree %zu is not JCS-serializable", i);
	FUZZ_CHECK(mlen == AGS_SIG_PREFIX_LEN + jlen &&
	                   memcmp(msg + AGS_SIG_PREFIX_LEN, jcs, jlen) == 0,
	           "signed message %zu differs from the JCS of its tree", i);
	free(jcs);
	json_decref(o);
}

static void check_parsed(const struct ags_envelope *env)
{
	static const char *keys[] = {"c4aa99203f4c423c851c2b0b6c8abffd"};
	struct ags_policy policy = {.require_roles = AGS_ROLE_ALL,
	                            .require_keys = keys,
	                            .nrequire_keys = 1};
	struct ags_envelope again;
	struct ags_error err;
	char *f1 = NULL, *f2 = NULL;
	size_t n1 = 0, n2 = 0, i;
	uint8_t *msg;
	size_t mlen;

	ags_error_clear(&err);
	FUZZ_CHECK(ags_envelope_format(&f1, &n1, env, &err) == AGS_OK,
	           "cannot format a parsed envelope: %s", err.text);
	FUZZ_CHECK(ags_envelope_parse(&again, f1, n1, "f1", &err) == AGS_OK,
	           "formatted envelope refused: %s", err.text);
	FUZZ_CHECK(ags_envelope_format(&f2, &n2, &again, &err) == AGS_OK,
	           "cannot format again: %s", err.text);
	FUZZ_CHECK(n1 == n2 && memcmp(f1, f2, n1) == 0,
	           "format -> parse -> format is not stable");
	ags_envelope_release(&again);
	free(f1);
	free(f2);
	for (i = 0; i < env->nsigs; i++) {
		FUZZ_CHECK(
		        ags_signed_message(&msg, &mlen, env, i, &err) == AGS_OK,
		        "signed message %zu cannot be built: %s", i, err.text);
		FUZZ_CHECK(mlen > AGS_SIG_PREFIX_LEN &&
		                   memcmp(msg, AGS_SIG_PREFIX,
		                          AGS_SIG_PREFIX_LEN) == 0,
		           "signed message lacks the prefix");
		same_as_tree(msg, mlen, env, i);
		free(msg);
	}
	verify_with(env, &trust, NULL);
	verify_with(env, &trust, &policy);
	verify_with(env, &one_key, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	struct ags_envelope env;
	struct ags_error err;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_envelope_parse(&env, in, size, "fuzz", &err);
	if (rc == AGS_OK) {
		check_parsed(&env);
		ags_envelope_release(&env);
	} else {
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(env.nsigs == 0 && env.sigs == NULL &&
		                   env.agreement.md.title == NULL,
		           "a refused envelope is not left empty");
	}
	free(in);
	return 0;
}
