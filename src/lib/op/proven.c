/* The proven time of a signature (spec §10.2, "Timestamps"): its token
 * verified against each TSA the trust store pins, until one accepts it
 * with a time inside that record's window. A token that fails proves
 * nothing, and never makes the signature invalid by itself. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>

const char *ags_token_status_name(enum ags_token_status st)
{
	switch (st) {
	case AGS_TOKEN_NONE: return "none";
	case AGS_TOKEN_VALID: return "valid";
	case AGS_TOKEN_INVALID: return "invalid";
	case AGS_TOKEN_NOT_CHECKED: return "not-checked";
	}
	return "unknown";
}

/* Why record a, whose certificate anchors a token of time t, does not
 * let it prove t; NULL when it does. */
static const char *record_refuses(char *buf, size_t cap,
                                  const struct ags_trust_tsa *a, int64_t t)
{
	char when[21], name[96];

	ags_text_copy(name, sizeof(name), a->name);
	/* A thief of a TSA's key can write any time into a token, as a
	 * thief of a signing key can claim any time: a revoked TSA proves
	 * nothing, whatever its tokens say. */
	if (a->revoked) {
		ags_bounded(buf, cap, "the TSA \"%s\" is revoked: %s", name,
		            a->revoked_reason ? a->revoked_reason
		                              : "no reason given");
		return buf;
	}
	if (t < a->valid_after) {
		ags_time_format(when, a->valid_after);
		ags_bounded(buf, cap,
		            "the token's time is before the valid-after %s of "
		            "the TSA \"%s\"",
		            when, name);
		return buf;
	}
	if (t >= a->valid_before) {
		ags_time_format(when, a->valid_before);
		ags_bounded(buf, cap,
		            "the token's time is not before the valid-before "
		            "%s of the TSA \"%s\"",
		            when, name);
		return buf;
	}
	return NULL;
}

void ags_token_judge(struct ags_sig_report *r, const struct ags_signature *sig,
                     const struct ags_trust *trust)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	char why[256], refused[256];
	int64_t t = 0;
	int anchored = 0; /* a record's certificate anchored the token */
	size_t i;

	r->token = AGS_TOKEN_NONE;
	r->token_detail[0] = '\0';
	if (!sig->timestamp)
		return;
	if (!trust || trust->ntsa == 0) {
		r->token = AGS_TOKEN_NOT_CHECKED;
		ags_bounded(r->token_detail, sizeof(r->token_detail),
		            "not checked: the trust store pins no "
		            "time-stamping authority");
		return;
	}
	r->token = AGS_TOKEN_INVALID;
	crypto_hash_sha512(digest, sig->signature, AGS_SIGNATURE_BYTES);
	for (i = 0; i < trust->ntsa; i++) {
		const struct ags_trust_tsa *a = &trust->tsa[i];
		if (ags_tst_verify(&t, why, sizeof(why), sig->timestamp,
		                   sig->timestamp_len, digest, a->cert,
		                   a->cert_len) != 0) {
			/* the first failure, unless a record anchored it */
			if (!anchored && !r->token_detail[0])
				ags_bounded(r->token_detail,
				            sizeof(r->token_detail), "%s", why);
			continue;
		}
		if (record_refuses(refused, sizeof(refused), a, t)) {
			if (!anchored)
				ags_bounded(r->token_detail,
				            sizeof(r->token_detail), "%s",
				            refused);
			anchored = 1;
			continue;
		}
		r->token = AGS_TOKEN_VALID;
		r->proven_time = t;
		r->tsa = a;
		r->token_detail[0] = '\0';
		return;
	}
}
