/* token_floor: what one RFC 3161 token costs to verify, in parts, on one
 * core, in memory (no file, no envelope, no trust file).
 *
 *   token_floor TOKEN.der CA.der [MIN_SECONDS]
 *
 * TOKEN.der is a token (a CMS ContentInfo) of a test TSA whose issuing CA
 * is CA.der (tests/bench/tokens.sh makes both). Each part is repeated
 * until MIN_SECONDS (default 0.5) have gone by, five times; the best
 * repetition counts. Prints "key=value" lines, microseconds per call:
 *
 *   parse_cert      d2i_X509 of the CA certificate (and its free)
 *   parse_token     d2i_PKCS7 of the token with its certificates
 *   read_keyless    ags_tst_read of the token in the keyless context of
 *                   a certificate cache (tsp_certs.c), as an envelope
 *                   read under a trust store that pins TSAs does: the
 *                   certificates' public keys are not decoded
 *   ecdsa_verify    one EVP_DigestVerifyInit + EVP_DigestVerify, P-256
 *                   with SHA-256 (the test TSA's and CA's algorithm), of a
 *                   signature over 64 bytes: the cryptography alone
 *   verify_parsed   ags_tst_verify of the parsed token against the parsed
 *                   CA: what verification does per token since both are
 *                   parsed once (two ECDSA verifications, the chain, the
 *                   CMS checks)
 *   verify_unparsed ags_tst_verify from the DER bytes of both, as it was
 *                   before (two parses more)
 *   verify_cached   ags_tst_verify of the keyless token against the parsed
 *                   CA, its certificates' decoded copies from the cache:
 *                   what a verification does per token now */
#include "../../src/lib/internal.h"

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct part {
	const uint8_t *tok, *ca;
	size_t tok_len, ca_len;
	void *tok_parsed, *ca_parsed, *tok_keyless;
	struct ags_tsp_certs *cache;
	uint8_t digest[AGS_DIGEST_BYTES];
	EVP_PKEY *key;
	unsigned char sig[128], msg[64];
	size_t sig_len;
};

typedef int (*step_fn)(struct part *p);

static int parse_cert(struct part *p)
{
	const unsigned char *q = p->ca;
	X509 *x = d2i_X509(NULL, &q, (long)p->ca_len);

	X509_free(x);
	return x != NULL;
}

static int parse_token(struct part *p)
{
	const unsigned char *q = p->tok;
	PKCS7 *t = d2i_PKCS7(NULL, &q, (long)p->tok_len);

	PKCS7_free(t);
	return t != NULL;
}

static int ecdsa_verify(struct part *p)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL,
	                                   p->key) == 1 &&
	         EVP_DigestVerify(c, p->sig, p->sig_len, p->msg,
	                          sizeof(p->msg)) == 1;

	EVP_MD_CTX_free(c);
	return ok;
}

static int read_keyless(struct part *p)
{
	void *t = NULL;
	int ok = ags_tst_read(&t, p->tok, p->tok_len, p->cache) == NULL;

	ags_tst_free(t);
	return ok;
}

/* parsed: 0 from DER, 1 parsed in full, 2 keyless with the cache. */
static int verify(struct part *p, int parsed)
{
	struct ags_tst_want w = {.digest = p->digest,
	                         .covers = "this signature",
	                         .anchor = p->ca,
	                         .anchor_len = p->ca_len,
	                         .also_at = INT64_MIN};
	char why[256];
	int64_t t;

	w.anchor_parsed = parsed ? p->ca_parsed : NULL;
	w.certs = parsed == 2 ? p->cache : NULL;
	if (ags_tst_verify(&t, why, sizeof(why), p->tok, p->tok_len,
	                   parsed == 2   ? p->tok_keyless
	                   : parsed == 1 ? p->tok_parsed
	                                 : NULL,
	                   &w) != 0) {
		fprintf(stderr, "token_floor: %s\n", why);
		return 0;
	}
	return 1;
}

static int verify_parsed(struct part *p)
{
	return verify(p, 1);
}

static int verify_unparsed(struct part *p)
{
	return verify(p, 0);
}

static int verify_cached(struct part *p)
{
	return verify(p, 2);
}

/* Microseconds per call of fn, best of five repetitions. */
static double measure(step_fn fn, struct part *p, double min_s)
{
	double best = 1e30;
	int r;

	for (r = 0; r < 5; r++) {
		double t0 = now(), t;
		long n = 0;
		do {
			if (!fn(p)) {
				fprintf(stderr, "token_floor: a step failed\n");
				exit(1);
			}
			n++;
		} while ((t = now() - t0) < min_s);
		if (t / (double)n < best)
			best = t / (double)n;
	}
	return best * 1e6;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(65536);

	if (!f || !buf || (*len = fread(buf, 1, 65536, f)) == 0) {
		fprintf(stderr, "token_floor: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static void make_signature(struct part *p)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(p->msg, 0x5a, sizeof(p->msg));
	p->key = EVP_EC_gen("P-256");
	p->sig_len = sizeof(p->sig);
	if (!c || !p->key ||
	    EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, p->key) != 1 ||
	    EVP_DigestSign(c, p->sig, &p->sig_len, p->msg, sizeof(p->msg)) !=
	            1) {
		fprintf(stderr, "token_floor: cannot make a P-256 key\n");
		exit(2);
	}
	EVP_MD_CTX_free(c);
}

int main(int argc, char **argv)
{
	struct part p;
	double min_s;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: token_floor TOKEN.der CA.der "
		                "[MIN_SECONDS]\n");
		return 2;
	}
	min_s = argc == 4 ? atof(argv[3]) : 0.5;
	memset(&p, 0, sizeof(p));
	if (ags_init() != AGS_OK)
		return 2;
	p.tok = slurp(argv[1], &p.tok_len);
	p.ca = slurp(argv[2], &p.ca_len);
	p.cache = ags_tsp_certs_new();
	if (!p.cache ||
	    ags_tst_read(&p.tok_parsed, p.tok, p.tok_len, NULL) ||
	    ags_tst_read(&p.tok_keyless, p.tok, p.tok_len, p.cache) ||
	    ags_x509_read(&p.ca_parsed, p.ca, p.ca_len) ||
	    ags_tst_imprint(p.digest, p.tok, p.tok_len)) {
		fprintf(stderr, "token_floor: not a token and a certificate\n");
		return 2;
	}
	make_signature(&p);
	printf("parse_cert=%.1f\n", measure(parse_cert, &p, min_s));
	printf("parse_token=%.1f\n", measure(parse_token, &p, min_s));
	printf("read_keyless=%.1f\n", measure(read_keyless, &p, min_s));
	printf("ecdsa_verify=%.1f\n", measure(ecdsa_verify, &p, min_s));
	printf("verify_parsed=%.1f\n", measure(verify_parsed, &p, min_s));
	printf("verify_unparsed=%.1f\n", measure(verify_unparsed, &p, min_s));
	printf("verify_cached=%.1f\n", measure(verify_cached, &p, min_s));
	ags_tst_free(p.tok_parsed);
	ags_tst_free(p.tok_keyless);
	ags_tsp_certs_free(p.cache);
	ags_x509_free(p.ca_parsed);
	EVP_PKEY_free(p.key);
	free((void *)p.tok);
	free((void *)p.ca);
	return 0;
}
