/* The proven time of a signature (spec §10.2, "Timestamps"): its token
 * verified against each TSA the trust store pins, until one accepts it
 * with a time inside that record's window. A token that fails proves
 * nothing, and never makes the signature invalid by itself. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <time.h>

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
 * let it prove t; NULL when it does. sealed: the time by which a renewal
 * proves that the token existed (INT64_MAX: none). */
static const char *record_refuses(char *buf, size_t cap,
                                  const struct ags_trust_tsa *a, int64_t t,
                                  int64_t sealed)
{
	char when[21], name[96];

	ags_text_copy(name, sizeof(name), a->name);
	/* A thief of a TSA's key can write any time into a token, as a
	 * thief of a signing key can claim any time: a revoked TSA proves
	 * nothing, whatever its tokens say, unless a renewal proves that
	 * the token existed before the revocation. */
	if (a->revoked && !(sealed < a->revoked_time)) {
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

/* One token of a chain: what it covers and when it is judged. */
struct link {
	const uint8_t *der;
	size_t len;
	void *parsed; /* der parsed when the envelope was read, or NULL */
	uint8_t digest[AGS_DIGEST_BYTES]; /* SHA-512 of what it covers */
	const char *covers;
	int64_t also_at; /* INT64_MIN, or when its chain must be valid too */
	int64_t sealed;  /* INT64_MAX, or when a renewal proves it existed */
};

/* The link verified against each record, in order, until one accepts
 * it: 0 with its time and record, or -1 with why (the first failure,
 * unless a record anchored the token: then that record's refusal). */
static int judge_link(int64_t *t, const struct ags_trust_tsa **by, char *why,
                      size_t cap, const struct link *l,
                      const struct ags_trust *trust)
{
	char fail[256], refused[256];
	int anchored = 0; /* a record's certificate anchored the token */
	size_t i;

	why[0] = '\0';
	for (i = 0; i < trust->ntsa; i++) {
		const struct ags_trust_tsa *a = &trust->tsa[i];
		struct ags_tst_want w = {.digest = l->digest,
		                         .covers = l->covers,
		                         .anchor = a->cert,
		                         .anchor_len = a->cert_len,
		                         .anchor_parsed = a->parsed,
		                         .certs = trust->tsp_certs,
		                         .also_at = l->also_at};
		if (ags_tst_verify(t, fail, sizeof(fail), l->der, l->len,
		                   l->parsed, &w) != 0) {
			if (!anchored && !why[0])
				ags_bounded(why, cap, "%s", fail);
			continue;
		}
		if (record_refuses(refused, sizeof(refused), a, *t,
		                   l->sealed)) {
			if (!anchored)
				ags_bounded(why, cap, "%s", refused);
			anchored = 1;
			continue;
		}
		*by = a;
		return 0;
	}
	return -1;
}

/* Link k of sig's chain (0: the first token, over the signature). */
static void link_at(struct link *l, const struct ags_signature *sig, size_t k)
{
	const struct ags_renewal *prev = k > 1 ? &sig->renewals[k - 2] : NULL;

	l->der = k ? sig->renewals[k - 1].der : sig->timestamp;
	l->len = k ? sig->renewals[k - 1].len : sig->timestamp_len;
	l->parsed = k ? sig->renewals[k - 1].parsed : sig->timestamp_parsed;
	if (k == 0)
		crypto_hash_sha512(l->digest, sig->signature,
		                   AGS_SIGNATURE_BYTES);
	else
		crypto_hash_sha512(l->digest, prev ? prev->der : sig->timestamp,
		                   prev ? prev->len : sig->timestamp_len);
	l->covers = k ? "the token before it" : "this signature";
	l->also_at = INT64_MIN;
	l->sealed = INT64_MAX;
}

/* A renewal chain (spec §10.2), judged from its last token back: each
 * token valid at its own time and at the time the next one proves, the
 * last one at now; the proven time is the first token's. 0, or -1 with
 * why in r->token_detail. */
static int judge_chain(int64_t *t0, const struct ags_trust_tsa **by0,
                       struct ags_sig_report *r,
                       const struct ags_signature *sig,
                       const struct ags_trust *trust, int64_t now)
{
	size_t n = sig->nrenewals, k = n + 1;
	int64_t t = 0, next = now;
	char why[256];
	struct link l;

	while (k-- > 0) {
		link_at(&l, sig, k);
		l.also_at = next;
		l.sealed = k == n ? INT64_MAX : next;
		if (judge_link(&t, by0, why, sizeof(why), &l, trust) != 0)
			break;
		if (k < n && t > next) {
			ags_bounded(why, sizeof(why), "%s",
			            "its time is after that of the token that "
			            "renews it");
			break;
		}
		next = t;
		if (k == 0) {
			*t0 = t;
			return 0;
		}
	}
	ags_bounded(r->token_detail, sizeof(r->token_detail),
	            "token %zu of %zu: %s", k + 1, n + 1, why);
	return -1;
}

void ags_token_judge(struct ags_sig_report *r, const struct ags_signature *sig,
                     const struct ags_trust *trust)
{
	const struct ags_trust_tsa *by = NULL;
	struct link l;
	int64_t t = 0;
	int rc;

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
	link_at(&l, sig, 0);
	/* A chain's last token is judged at the verification's time, read
	 * from the clock: what a renewal adds is that its TSA is still
	 * valid now (spec §10.2). One token keeps v2's rule: its own time. */
	rc = sig->nrenewals ? judge_chain(&t, &by, r, sig, trust, time(NULL))
	                    : judge_link(&t, &by, r->token_detail,
	                                 sizeof(r->token_detail), &l, trust);
	r->token = rc == 0 ? AGS_TOKEN_VALID : AGS_TOKEN_INVALID;
	if (rc != 0)
		return;
	r->proven_time = t;
	r->tsa = by;
	r->token_detail[0] = '\0';
}
