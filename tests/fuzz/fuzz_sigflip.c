/* fuzz_sigflip: a fixed valid countersigned envelope (author, co-author,
 * publisher) over the sample agreement verifies; the input chooses bytes
 * to flip in its canonical text or in its JSON. Properties:
 * - a changed canonical text never verifies, given as canonical text or
 *   canonicalized again (unless canonicalization gives back the original
 *   text exactly, as a flipped CR/LF may);
 * - a changed envelope verifies only when it parses to the same envelope
 *   (a flip in JSON white space), never with different content.
 * Input: records of 4 bytes [where, pos lo, pos hi, xor]; bit 0 of
 * `where` picks text (0) or envelope (1); at most 16 records. */
#include "fuzz_util.h"

#include <string.h>

static char *canon, *envj, *env_formatted;
static size_t canon_len, envj_len, env_formatted_len;
static struct ags_trust trust;
static const struct ags_policy policy = {.require_roles = AGS_ROLE_AUTHOR |
                                                          AGS_ROLE_PUBLISHER};

/* 1 when envelope text e verifies over canonical text t; *fmt gets the
 * parsed envelope formatted again (malloc'd) or NULL. */
static int verifies(const char *t, size_t tn, const char *e, size_t en,
                    char **fmt, size_t *fmt_len)
{
	struct ags_envelope env;
	struct ags_report rep;
	struct ags_error err;
	int ok;

	*fmt = NULL;
	ags_error_clear(&err);
	if (ags_envelope_parse(&env, e, en, "fuzz", &err) != AGS_OK)
		return 0;
	FUZZ_CHECK(ags_envelope_format(fmt, fmt_len, &env, &err) == AGS_OK,
	           "format failed: %s", err.text);
	FUZZ_CHECK(ags_verify(&rep, &env, t, tn, &trust, &policy, &err) ==
	                   AGS_OK,
	           "verify failed to run: %s", err.text);
	ok = rep.verified;
	ags_report_release(&rep);
	ags_envelope_release(&env);
	return ok;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ags_error err;
	char *buf, *fmt;
	size_t len, flen;

	(void)argc;
	(void)argv;
	if (ags_init() != AGS_OK)
		return -1;
	ags_error_clear(&err);
	canon = fuzz_read_fixture("spec/vectors/agreements/"
	                          "sample-agreement.canon.txt",
	                          &canon_len);
	envj = fuzz_read_fixture("spec/vectors/envelopes/"
	                         "countersigned.sig.json",
	                         &envj_len);
	buf = fuzz_read_fixture("keys/demo.trust", &len);
	if (ags_trust_parse(&trust, buf, len, "demo.trust", &err) != AGS_OK)
		abort();
	free(buf);
	/* The fixture must verify, or the harness proves nothing. */
	FUZZ_CHECK(verifies(canon, canon_len, envj, envj_len, &fmt, &flen),
	           "the fixed envelope does not verify");
	FUZZ_CHECK(flen == envj_len && memcmp(fmt, envj, flen) == 0,
	           "the fixed envelope is not in its formatted form");
	env_formatted = fmt;
	env_formatted_len = flen;
	return 0;
}

static void check_text(const char *t)
{
	char *fmt = NULL, *c = NULL;
	size_t flen, clen = 0;
	struct ags_error err;

	FUZZ_CHECK(!verifies(t, canon_len, envj, envj_len, &fmt, &flen),
	           "a changed canonical text verifies");
	free(fmt);
	ags_error_clear(&err);
	if (ags_canon_text(&c, &clen, (const uint8_t *)t, canon_len, NULL,
	                   &err) != AGS_OK)
		return;
	if (verifies(c, clen, envj, envj_len, &fmt, &flen))
		FUZZ_CHECK(clen == canon_len && memcmp(c, canon, clen) == 0,
		           "a changed agreement verifies");
	free(fmt);
	free(c);
}

static void check_envelope(const char *e)
{
	char *fmt = NULL;
	size_t flen = 0;

	if (verifies(canon, canon_len, e, envj_len, &fmt, &flen))
		FUZZ_CHECK(flen == env_formatted_len &&
		                   memcmp(fmt, env_formatted, flen) == 0,
		           "an envelope with changed content verifies");
	free(fmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_copy((const uint8_t *)canon, canon_len);
	char *e = fuzz_copy((const uint8_t *)envj, envj_len);
	char *fmt = NULL;
	size_t i, pos, flen = 0;
	int text_changed, env_changed;

	for (i = 0; i + 4 <= size && i < 16 * 4; i += 4) {
		pos = (size_t)data[i + 1] | (size_t)data[i + 2] << 8 |
		      (size_t)(data[i] >> 1) << 16;
		if (data[i] & 1)
			e[pos % envj_len] ^=
			        (char)(data[i + 3] ? data[i + 3] : 1);
		else
			t[pos % canon_len] ^=
			        (char)(data[i + 3] ? data[i + 3] : 1);
	}
	text_changed = memcmp(t, canon, canon_len) != 0;
	env_changed = memcmp(e, envj, envj_len) != 0;
	if (text_changed)
		check_text(t);
	if (env_changed)
		check_envelope(e);
	if (text_changed && env_changed) {
		FUZZ_CHECK(!verifies(t, canon_len, e, envj_len, &fmt, &flen),
		           "changed text and envelope verify");
		free(fmt);
	}
	free(t);
	free(e);
	return 0;
}
