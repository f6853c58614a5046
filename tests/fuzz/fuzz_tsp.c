/* fuzz_tsp: RFC 3161 replies and tokens (src/lib/codec/tsp.c,
 * tsp_verify.c, src/lib/op/timestamp.c, proven.c). OpenSSL parses; what
 * is fuzzed is our code around it. The input is taken three ways:
 *   1. as a reply to a fixed request (tests/fuzz/tsp/request.tsq, over
 *      signature 1 of spec/vectors/envelopes/signed.sig.json):
 *      ags_timestamp_token refuses it with an error naming the reply and
 *      no token, or gives a token that passes ags_tst_check and whose
 *      imprint is the request's;
 *   2. as a token: ags_tst_verify against the fixed test CA (the
 *      self-signed certificate that the seed token.der carries) fails
 *      with a reason, or proves a time only
 *      for a token that ags_tst_check accepts, with the request's imprint;
 *   3. in the envelope (the reply's token when there is one, else the
 *      input when it is a token's shape): verified against a trust store
 *      pinning the CA, the signature stays valid whatever the token (a
 *      token never makes a signature invalid, but a valid one whose time
 *      is before the claimed one: check 11), a valid token's proven
 *      time is what ags_tst_verify said; and as a renewal of that token,
 *      which can never make a valid chain (its imprint would have to be
 *      SHA-512 of the first token).
 * Fixtures and seeds: tests/fuzz/tsp/make-seeds.sh. No certificate is
 * committed on its own: the CA's is taken from the seed token. */
#include "fuzz_util.h"

#include <limits.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <string.h>

static uint8_t *req, *ca;
static size_t req_len, ca_len;
static struct ags_envelope env;
static struct ags_trust trust;
static char *canon;
static size_t canon_len;
static uint8_t digest[AGS_DIGEST_BYTES]; /* the request's imprint */
static uint8_t *seed;                    /* the seed token: it must verify */
static size_t seed_len;

/* The trust store: the demo keys, and the CA as a tsa record. */
static void load_trust(void)
{
	char *keys, *b64, *text;
	size_t n, cap;
	struct ags_error err = {0};

	keys = fuzz_read_fixture("spec/vectors/trust/demo-v2.trust", &n);
	cap = n + 2 * ca_len + 64;
	b64 = ags_b64_encode(ca, ca_len);
	text = malloc(cap);
	FUZZ_CHECK(b64 && text, "out of memory");
	/* demo-v2.trust pins its own test TSA too: ours comes first */
	snprintf(text, cap, "%s", keys);
	snprintf(text + n, cap - n, "tsa \"Fuzz CA\" %s\n", b64);
	FUZZ_CHECK(ags_trust_parse(&trust, text, strlen(text), "trust", &err) ==
	                   AGS_OK,
	           "trust fixture: %s", err.text);
	free(keys);
	free(b64);
	free(text);
}

/* The CA: the self-signed certificate among the seed token's. */
static void load_ca(void)
{
	size_t n;
	char *der =
	        fuzz_read_fixture("tests/fuzz/corpus/fuzz_tsp/token.der", &n);
	const unsigned char *p = (const unsigned char *)der;
	PKCS7 *tok = d2i_PKCS7(NULL, &p, (long)n);
	STACK_OF(X509) *certs =
	        tok && PKCS7_type_is_signed(tok) ? tok->d.sign->cert : NULL;
	unsigned char *out = NULL;
	int i, len = 0;

	for (i = 0; i < sk_X509_num(certs) && len <= 0; i++) {
		X509 *c = sk_X509_value(certs, i);
		if (X509_check_issued(c, c) == X509_V_OK)
			len = i2d_X509(c, &out);
	}
	FUZZ_CHECK(len > 0 && (ca = malloc((size_t)len)),
	           "the seed token carries no CA certificate");
	memcpy(ca, out, (size_t)len);
	ca_len = (size_t)len;
	OPENSSL_free(out);
	PKCS7_free(tok);
	seed = (uint8_t *)der;
	seed_len = n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ags_error err = {0};
	char *buf;
	size_t n;

	(void)argc;
	(void)argv;
	if (ags_init() != AGS_OK)
		return -1;
	req = (uint8_t *)fuzz_read_fixture("tests/fuzz/tsp/request.tsq",
	                                   &req_len);
	load_ca();
	FUZZ_CHECK(ags_tsq_imprint(digest, req, req_len) == NULL,
	           "request fixture");
	buf = fuzz_read_fixture("spec/vectors/envelopes/signed.sig.json", &n);
	FUZZ_CHECK(ags_envelope_parse(&env, buf, n, "env", &err) == AGS_OK,
	           "envelope fixture: %s", err.text);
	free(buf);
	canon = fuzz_read_fixture("spec/vectors/agreements/"
	                          "sample-agreement.canon.txt",
	                          &canon_len);
	load_trust();
	{
		struct ags_tst_want w = {.digest = digest,
		                         .covers = "this signature",
		                         .anchor = ca,
		                         .anchor_len = ca_len,
		                         .also_at = INT64_MIN};
		char why[256];
		int64_t t;
		/* else the valid paths below are never reached */
		FUZZ_CHECK(ags_tst_verify(&t, why, sizeof(why), seed, seed_len,
		                          NULL, &w) == 0,
		           "the seed token does not verify: %s", why);
	}
	return 0;
}

/* 1: the input as a reply to the fixed request. */
static uint8_t *as_reply(const uint8_t *in, size_t size, size_t *tok_len)
{
	struct ags_error err;
	uint8_t *tok = NULL, got[AGS_DIGEST_BYTES];
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_timestamp_token(&tok, tok_len, req, req_len, in, size, "reply",
	                         &err);
	if (rc != AGS_OK) {
		FUZZ_CHECK(tok == NULL, "a refused reply gave a token");
		FUZZ_CHECK(err.code == rc && err.text[0] &&
		                   strcmp(err.source, "reply") == 0,
		           "error %d '%s' '%s'", err.code, err.source,
		           err.text);
		return NULL;
	}
	FUZZ_CHECK(tok && *tok_len > 0 && *tok_len <= AGS_TOKEN_MAX,
	           "an accepted reply without a token");
	FUZZ_CHECK(ags_tst_check(tok, *tok_len) == NULL,
	           "the reply's token fails ags_tst_check");
	FUZZ_CHECK(ags_tst_imprint(got, tok, *tok_len) == NULL &&
	                   memcmp(got, digest, sizeof(got)) == 0,
	           "the reply's token is not over the request's imprint");
	return tok;
}

/* 2: the input as a token, against the CA, at its time and a second. */
static int as_token(const uint8_t *tok, size_t len, int64_t *t)
{
	struct ags_tst_want w = {.digest = digest,
	                         .covers = "this signature",
	                         .anchor = ca,
	                         .anchor_len = ca_len,
	                         .also_at = INT64_MIN};
	uint8_t got[AGS_DIGEST_BYTES];
	char why[256] = "";
	int64_t t2 = 0;
	int rc = ags_tst_verify(t, why, sizeof(why), tok, len, NULL, &w);
	void *parsed = NULL;

	/* parsed once (as an envelope keeps it), with the CA parsed once (as
	 * a trust load keeps it): the same verdict */
	if (ags_tst_read(&parsed, tok, len, NULL) == NULL) {
		char why2[256] = "";
		void *anchor = NULL;

		FUZZ_CHECK(ags_x509_read(&anchor, ca, ca_len) == NULL,
		           "the CA cannot be read");
		w.anchor_parsed = anchor;
		FUZZ_CHECK(ags_tst_verify(&t2, why2, sizeof(why2), tok, len,
		                          parsed, &w) == rc &&
		                   (rc != 0 || t2 == *t),
		           "a parsed token's verdict differs: %s / %s", why,
		           why2);
		w.anchor_parsed = NULL;
		ags_x509_free(anchor);
		ags_tst_free(parsed);
	}
	if (rc != 0) {
		FUZZ_CHECK(why[0], "a failed token without a reason");
		return rc;
	}
	FUZZ_CHECK(ags_tst_check(tok, len) == NULL,
	           "a verified token fails ags_tst_check");
	FUZZ_CHECK(ags_tst_imprint(got, tok, len) == NULL &&
	                   memcmp(got, digest, sizeof(got)) == 0,
	           "a verified token over another imprint");
	/* judged again at its own time as the second time: the same */
	w.also_at = *t;
	FUZZ_CHECK(ags_tst_verify(&t2, why, sizeof(why), tok, len, NULL, &w) ==
	                           0 &&
	                   t2 == *t,
	           "a token does not verify at its own time twice");
	return 0;
}

/* Verifies the envelope with signature 1's chain set to first (and a
 * renewal when given); the token report of signature 1. */
static struct ags_sig_report judge(uint8_t *first, size_t first_len,
                                   struct ags_renewal *renewal)
{
	struct ags_signature *sig = &env.sigs[0];
	struct ags_report rep;
	struct ags_sig_report r;
	struct ags_error err = {0};

	sig->timestamp = first;
	sig->timestamp_len = first_len;
	sig->renewals = renewal;
	sig->nrenewals = renewal != NULL;
	FUZZ_CHECK(ags_verify(&rep, &env, canon, canon_len, &trust, NULL,
	                      &err) == AGS_OK,
	           "verify: %s", err.text);
	r = rep.sigs[0];
	/* only a claimed time after a proven one can (spec §10.2 check 11) */
	FUZZ_CHECK(r.valid || (r.token == AGS_TOKEN_VALID &&
	                       r.reason == AGS_REASON_CLAIMED_AFTER_PROVEN),
	           "a token made signature 1 invalid: %s", r.detail);
	FUZZ_CHECK(r.token != AGS_TOKEN_NONE &&
	                   r.token != AGS_TOKEN_NOT_CHECKED,
	           "token status %d", r.token);
	FUZZ_CHECK(r.token == AGS_TOKEN_VALID || r.token_detail[0],
	           "an invalid token without a reason");
	ags_report_release(&rep);
	sig->timestamp = NULL;
	sig->timestamp_len = 0;
	sig->renewals = NULL;
	sig->nrenewals = 0;
	return r;
}

/* 3: the token in the envelope, then the input as its renewal. */
static void in_envelope(uint8_t *tok, size_t len, int verified, int64_t t,
                        const uint8_t *in, size_t size)
{
	struct ags_renewal renewal = {(uint8_t *)in, size, NULL};
	struct ags_sig_report r = judge(tok, len, NULL);

	FUZZ_CHECK((r.token == AGS_TOKEN_VALID) == (verified == 0),
	           "the envelope's verdict on the token differs: %s",
	           r.token_detail);
	FUZZ_CHECK(r.token != AGS_TOKEN_VALID || r.proven_time == t,
	           "proven time %lld, token time %lld",
	           (long long)r.proven_time, (long long)t);
	if (ags_tst_check(in, size) != NULL)
		return;
	r = judge(tok, len, &renewal);
	FUZZ_CHECK(r.token == AGS_TOKEN_INVALID,
	           "a fuzzed renewal made a valid chain");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in = (uint8_t *)fuzz_copy(data, size), *tok;
	size_t tok_len = 0;
	int64_t t = 0;
	int verified;

	tok = as_reply(in, size, &tok_len);
	if (!tok && ags_tst_check(in, size) == NULL) {
		/* the input is a token's shape: copy it, the envelope owns
		 * nothing (judge puts it back) */
		tok = malloc(size);
		FUZZ_CHECK(tok, "out of memory");
		memcpy(tok, in, size);
		tok_len = size;
	}
	verified = as_token(in, size, &t);
	if (tok) {
		verified = as_token(tok, tok_len, &t);
		in_envelope(tok, tok_len, verified, t, in, size);
	}
	free(tok);
	free(in);
	return 0;
}
