/* agreesign timestamp: an RFC 3161 timestamp over a signature (spec §6.5).
 * --request writes the request for one signature and stops; --reply
 * (with the same request file, which holds the nonce) puts the token of
 * the time-stamping authority's reply into the envelope, under its lock;
 * --tsa URL asks the authority itself, for every signature named (or
 * every one without a token), and adds the tokens in one edit. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
        "usage: agreesign timestamp [--signature N]... --tsa URL ENVELOPE\n"
        "       agreesign timestamp [--signature N] --request FILE.tsq "
        "ENVELOPE\n"
        "       agreesign timestamp [--signature N] --request FILE.tsq\n"
        "                           --reply FILE.tsr ENVELOPE\n"
        "       agreesign timestamp --renew [--signature N]... (--tsa URL | "
        "--request ...)\n"
        "                           ENVELOPE\n\n"
        "With --tsa, send an RFC 3161 time-stamp request for each signature "
        "named\n"
        "(default: each one without a token) to the time-stamping authority "
        "at URL\n"
        "(HTTP POST, http or https) and add the tokens. agreesign contacts "
        "no\n"
        "authority unless told to with --tsa.\n"
        "Offline, in two steps:\n"
        "With --request alone: write an RFC 3161 time-stamp request for the "
        "signature\n"
        "(SHA-512 of its bytes, a random nonce) to FILE.tsq; send it to a "
        "time-stamping\n"
        "authority (e.g. 'curl -H \"Content-Type: "
        "application/timestamp-query\"\n"
        "--data-binary @FILE.tsq URL -o FILE.tsr'). With --reply too: check "
        "that the\n"
        "reply answers that request (granted, same imprint and nonce) and "
        "add its token\n"
        "to the signature's entry. The token is not signed: adding it "
        "changes no\n"
        "signature. 'agreesign verify' checks it against the TSAs the trust "
        "file pins.\n"
        "With --renew, the same steps add a token over the last token of a "
        "signature's\n"
        "timestamps (default: of each signature that has one) instead: a "
        "renewal\n"
        "chain (an envelope of format v3), which keeps proving the first "
        "token's time\n"
        "after its TSA's certificate expired or its key was revoked, if "
        "renewed\n"
        "before.\n\n"
        "Options:\n"
        "      --tsa URL        ask the time-stamping authority at URL\n"
        "      --signature N    the signature to timestamp, 1-based "
        "(default: the\n"
        "                       only one without a token; with --tsa, "
        "every one;\n"
        "                       --tsa takes it more than once)\n"
        "      --request FILE   the request to write, or with --reply the "
        "one sent\n"
        "      --reply FILE     the time-stamping authority's reply to add\n"
        "      --renew          timestamp the last token of a signature's "
        "timestamps,\n"
        "                       not the signature\n"
        "  -h, --help           show this help\n\n"
        "Exit status: 0 written, 2 usage, input or I/O error (nothing "
        "written).\n";

/* The largest request or reply read: a token is at most AGS_TOKEN_MAX. */
#define TSP_FILE_MAX (4u * AGS_TOKEN_MAX)

struct ts_opts {
	const char *request, *reply, *envelope, *tsa;
	int renew;        /* --renew: a token over each chain's last token */
	size_t signature; /* 1-based; 0 when not given */
	unsigned char named[AGS_SIGNATURES_MAX]; /* --signature N, --tsa */
	size_t nnamed;
};

static int parse_index(size_t *out, const char *s)
{
	char *end;
	unsigned long v;

	if (*s < '1' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v > AGS_SIGNATURES_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse(struct ts_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"signature", required_argument, NULL, 'S'},
	        {"request", required_argument, NULL, 'Q'},
	        {"reply", required_argument, NULL, 'R'},
	        {"tsa", required_argument, NULL, 'U'},
	        {"renew", no_argument, NULL, 'N'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			if (parse_index(&o->signature, optarg) != 0)
				return cli_usage(
				        "timestamp",
				        "--signature takes a number from "
				        "1 to %u",
				        AGS_SIGNATURES_MAX);
			if (!o->named[o->signature - 1]++)
				o->nnamed++;
			break;
		case 'U': o->tsa = optarg; break;
		case 'N': o->renew = 1; break;
		case 'Q': o->request = optarg; break;
		case 'R': o->reply = optarg; break;
		case 'h': cli_help(help); return -1;
		default: return cli_usage("timestamp", "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("timestamp", "expected one ENVELOPE file");
	o->envelope = argv[optind];
	if (o->tsa && (o->request || o->reply))
		return cli_usage("timestamp",
		                 "--tsa asks the authority itself: "
		                 "no --request or --reply with it");
	if (!o->tsa && !o->request)
		return cli_usage("timestamp",
		                 "--tsa URL or --request FILE.tsq is required");
	if (!o->tsa && o->nnamed > 1)
		return cli_usage("timestamp",
		                 "a request file is for one "
		                 "signature: give --signature once");
	return EXIT_OK;
}

/* Whether entry sig is one to stamp: without a token, or with --renew
 * one with a token (whose chain is renewed). */
static int wanted(const struct ags_signature *sig, const struct ts_opts *o)
{
	return o->renew ? sig->timestamp != NULL : sig->timestamp == NULL;
}

/* Why the entry named cannot be stamped, said; 0 when it can. */
static int refuse_named(const struct ags_envelope *env, const struct ts_opts *o,
                        size_t n)
{
	if (n > env->nsigs) {
		cli_errorf(o->envelope, "there is no signature %zu", n);
		return -1;
	}
	if (wanted(&env->sigs[n - 1], o))
		return 0;
	cli_errorf(o->envelope,
	           o->renew ? "signature %zu has no timestamp token to renew"
	                    : "signature %zu already has a timestamp token",
	           n);
	return -1;
}

/* The entry to timestamp: the one named, else the only one without a
 * token (with --renew: the only one with a token). -1 after saying why. */
static long pick(const struct ags_envelope *env, const struct ts_opts *o)
{
	size_t i, n = 0, found = 0;

	if (o->signature)
		return refuse_named(env, o, o->signature) != 0
		               ? -1
		               : (long)o->signature - 1;
	for (i = 0; i < env->nsigs; i++)
		if (wanted(&env->sigs[i], o))
			n++, found = i;
	if (n == 1)
		return (long)found;
	if (n == 0)
		cli_errorf(o->envelope,
		           o->renew ? "no signature has a timestamp token to "
		                      "renew"
		                    : "every signature has a timestamp token");
	else
		cli_errorf(o->envelope,
		           o->renew ? "%zu signatures have timestamp tokens: "
		                      "name one with --signature N"
		                    : "%zu signatures have no timestamp token: "
		                      "name one with --signature N",
		           n);
	return -1;
}

/* The request for entry idx: over its signature, or with --renew over
 * its chain's last token. */
static enum ags_err make_request(uint8_t **der, size_t *len,
                                 const struct ags_envelope *env, size_t idx,
                                 int renew, struct ags_error *err)
{
	return renew ? ags_timestamp_renewal_request(der, len, env, idx, err)
	             : ags_timestamp_request(der, len, env, idx, err);
}

static int write_request(const struct ts_opts *o)
{
	struct ags_error err = {0};
	struct ags_envelope env;
	uint8_t *der = NULL;
	size_t len = 0;
	long idx;
	int rc = EXIT_TROUBLE;

	if (ags_envelope_load(&env, o->envelope, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	idx = pick(&env, o);
	if (idx >= 0 && (make_request(&der, &len, &env, (size_t)idx, o->renew,
	                              &err) != AGS_OK ||
	                 ags_file_write_atomic(o->request, der, len, 0644, 0,
	                                       &err) != AGS_OK))
		cli_error(&err);
	else if (idx >= 0) {
		fputs("agreesign: wrote ", stderr);
		cli_put_escaped(stderr, o->request);
		fprintf(stderr, " (time-stamp request for %ssignature %ld)\n",
		        o->renew ? "renewing the timestamp of " : "", idx + 1);
		rc = EXIT_OK;
	}
	free(der);
	ags_envelope_release(&env);
	return rc;
}

struct add_ctx {
	const uint8_t *token;
	size_t len;
	int renew;
	const char *reply;
	size_t want; /* --signature, or 0 */
	size_t idx;  /* the entry it went to */
};

/* Under the envelope's lock: read it again, add the token, write it. */
static enum ags_err add_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *vctx, struct ags_error *err)
{
	struct add_ctx *x = vctx;
	struct ags_envelope env;
	enum ags_err rc;

	rc = ags_envelope_parse(&env, buf, len, "envelope", err);
	if (rc != AGS_OK)
		return rc;
	rc = x->renew ? ags_timestamp_renew(&env, &x->idx, x->token, x->len,
	                                    x->reply, err)
	              : ags_timestamp_attach(&env, &x->idx, x->token, x->len,
	                                     x->reply, err);
	if (rc == AGS_OK && x->want && x->idx + 1 != x->want) {
		err->code = rc = AGS_ERR_INVALID;
		ags_text_copy(err->source, sizeof(err->source), x->reply);
		snprintf(err->text, sizeof(err->text),
		         "the token covers signature %zu, not signature %zu",
		         x->idx + 1, x->want);
	}
	if (rc == AGS_OK)
		rc = ags_envelope_format(out, out_len, &env, err);
	ags_envelope_release(&env);
	return rc;
}

static int add_reply(const struct ts_opts *o)
{
	struct ags_error err = {0};
	struct ags_envelope env;
	struct add_ctx x = {NULL, 0, o->renew, o->reply, o->signature, 0};
	char *tsq = NULL, *tsr = NULL;
	uint8_t *token = NULL;
	size_t qlen = 0, rlen = 0;
	enum ags_err rc;

	/* The envelope is read first for a plain error when it is not one:
	 * the edit below would create a missing file's lock. */
	rc = ags_envelope_load(&env, o->envelope, &err);
	ags_envelope_release(&env);
	if (rc == AGS_OK)
		rc = ags_file_read(&tsq, &qlen, o->request, TSP_FILE_MAX, &err);
	if (rc == AGS_OK)
		rc = ags_file_read(&tsr, &rlen, o->reply, TSP_FILE_MAX, &err);
	if (rc == AGS_OK)
		rc = ags_timestamp_token(&token, &x.len, (uint8_t *)tsq, qlen,
		                         (uint8_t *)tsr, rlen, o->reply, &err);
	x.token = token;
	if (rc == AGS_OK)
		rc = ags_file_edit_locked(o->envelope, AGS_ENVELOPE_MAX,
		                          add_edit, &x, &err);
	if (rc == AGS_OK) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, o->envelope);
		fprintf(stderr,
		        o->renew ? ": renewed the timestamp of signature %zu\n"
		                 : ": added the timestamp token to signature "
		                   "%zu\n",
		        x.idx + 1);
	} else
		cli_error(&err);
	free(tsq);
	free(tsr);
	free(token);
	return rc == AGS_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* Asks the TSA at url for a token over entry idx (with renew: over its
 * chain's last token) and puts it in. 0, or -1 after saying why. */
static int stamp_entry(struct ags_envelope *env, size_t idx, const char *url,
                       const char *what, int renew)
{
	struct ags_error err = {0};
	uint8_t *req = NULL, *reply = NULL, *token = NULL;
	size_t req_len = 0, reply_len = 0, token_len = 0, got = 0;
	int rc = -1;

	if (make_request(&req, &req_len, env, idx, renew, &err) != AGS_OK ||
	    cli_tsa_post(&reply, &reply_len, url, req, req_len) != 0)
		goto out;
	if (ags_timestamp_token(&token, &token_len, req, req_len, reply,
	                        reply_len, url, &err) == AGS_OK &&
	    (renew ? ags_timestamp_renew(env, &got, token, token_len, what,
	                                 &err)
	           : ags_timestamp_attach(env, &got, token, token_len, what,
	                                  &err)) == AGS_OK)
		rc = 0;
out:
	if (rc != 0 && err.code != AGS_OK)
		cli_error(&err);
	free(req);
	free(reply);
	free(token);
	return rc;
}

int cli_timestamp_entry(struct ags_envelope *env, size_t idx, const char *url,
                        const char *what)
{
	return stamp_entry(env, idx, url, what, 0);
}

/* The entries --tsa stamps: those named, else every one without a token
 * (with --renew: every one with a token). */
static size_t tsa_pick(const struct ags_envelope *env, const struct ts_opts *o,
                       size_t *which)
{
	size_t i, n = 0;

	for (i = 0; i < AGS_SIGNATURES_MAX; i++)
		if (o->nnamed ? o->named[i] != 0
		              : i < env->nsigs && wanted(&env->sigs[i], o))
			which[n++] = i;
	return n;
}

static enum ags_err refuse(struct ags_error *err, const char *subject,
                           const char *fmt, ...) CLI_PRINTF(3, 4);
static enum ags_err refuse(struct ags_error *err, const char *subject,
                           const char *fmt, ...)
{
	va_list ap;

	err->code = AGS_ERR_INVALID;
	ags_text_copy(err->source, sizeof(err->source), subject);
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return AGS_ERR_INVALID;
}

struct tsa_ctx {
	const struct ts_opts *o;
	size_t done; /* signatures stamped */
};

/* Under the envelope's lock, the envelope read again: each request is
 * made for the signature as it is now, and every token goes in at once. */
static enum ags_err tsa_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *vctx, struct ags_error *err)
{
	struct tsa_ctx *x = vctx;
	const char *subject = x->o->envelope;
	struct ags_envelope env;
	size_t which[AGS_SIGNATURES_MAX], n, i;
	enum ags_err rc;

	rc = ags_envelope_parse(&env, buf, len, subject, err);
	if (rc != AGS_OK)
		return rc;
	n = tsa_pick(&env, x->o, which);
	if (n == 0)
		rc = refuse(err, subject,
		            x->o->renew ? "no signature has a timestamp token "
		                          "to renew"
		                        : "every signature has a timestamp "
		                          "token");
	for (i = 0; rc == AGS_OK && i < n; i++) {
		if (which[i] >= env.nsigs)
			rc = refuse(err, subject, "there is no signature %zu",
			            which[i] + 1);
		else if (!wanted(&env.sigs[which[i]], x->o))
			rc = refuse(err, subject,
			            x->o->renew
			                    ? "signature %zu has no timestamp "
			                      "token to renew"
			                    : "signature %zu already has a "
			                      "timestamp token",
			            which[i] + 1);
		else if (stamp_entry(&env, which[i], x->o->tsa, subject,
		                     x->o->renew) != 0)
			rc = AGS_ERR_IO; /* said */
	}
	if (rc == AGS_OK)
		rc = ags_envelope_format(out, out_len, &env, err);
	x->done = n;
	ags_envelope_release(&env);
	return rc;
}

static int ask_tsa(const struct ts_opts *o)
{
	struct ags_error err = {0};
	struct ags_envelope env;
	struct tsa_ctx x = {o, 0};
	enum ags_err rc;

	rc = ags_envelope_load(&env, o->envelope, &err);
	ags_envelope_release(&env);
	if (rc == AGS_OK)
		rc = ags_file_edit_locked(o->envelope, AGS_ENVELOPE_MAX,
		                          tsa_edit, &x, &err);
	if (rc == AGS_OK) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, o->envelope);
		fprintf(stderr, ": %s %zu timestamp token%s\n",
		        o->renew ? "renewed" : "added", x.done,
		        x.done == 1 ? "" : "s");
		return EXIT_OK;
	}
	if (err.code != AGS_OK)
		cli_error(&err);
	return EXIT_TROUBLE;
}

int cmd_timestamp(int argc, char **argv)
{
	struct ts_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = parse(&o, argc, argv);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (o.tsa)
		return ask_tsa(&o);
	return o.reply ? add_reply(&o) : write_request(&o);
}
