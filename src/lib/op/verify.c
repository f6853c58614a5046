/* Verification: every signature is checked on its own and reported with
 * its reason; then the policy turns the reports into one verdict. Only
 * the trust store decides which keys count: the public key inside an
 * envelope is a hint for finding the entry, never trusted by itself. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ags_reason_name(enum ags_reason r)
{
	switch (r) {
	case AGS_REASON_OK: return "ok";
	case AGS_REASON_TEXT_CHANGED: return "agreement-changed";
	case AGS_REASON_UNTRUSTED_KEY: return "untrusted-key";
	case AGS_REASON_BAD_SIGNATURE: return "bad-signature";
	case AGS_REASON_REVOKED: return "revoked";
	case AGS_REASON_WRONG_ROLE: return "wrong-role";
	case AGS_REASON_NOT_YET_VALID: return "not-yet-valid";
	case AGS_REASON_EXPIRED: return "expired";
	case AGS_REASON_NAME_MISMATCH: return "name-mismatch";
	case AGS_REASON_COUNTERSIGN: return "countersignature-mismatch";
	case AGS_REASON_KEY_NOT_GIVEN: return "key-not-given";
	case AGS_REASON_IDENTITY_MISMATCH: return "identity-mismatch";
	case AGS_REASON_CLAIMED_AFTER_PROVEN:
		return "claimed-time-after-proven";
	}
	return "unknown";
}

const char *ags_sig_result_name(const struct ags_sig_report *r)
{
	return r->valid ? "valid" : r->not_checked ? "not-checked" : "invalid";
}

int ags_ed25519_verify(const uint8_t sig[AGS_SIGNATURE_BYTES],
                       const uint8_t *msg, size_t msg_len,
                       const uint8_t pk[AGS_PUBLICKEY_BYTES])
{
	/* libsodium 1.0.18 refuses small-order keys but accepts A + T (a
	 * torsion component added): one secret would then sign under eight
	 * public keys and key ids. Keys must lie in the prime-order group. */
	if (!ags_public_key_valid(pk))
		return -1;
	return crypto_sign_verify_detached(sig, msg, msg_len, pk) == 0 ? 0 : -1;
}

/* A report owns the template check set on it (ags_report_set_template),
 * so the check is freed here, below the job layer that makes it. */
void ags_template_check_free(struct ags_template_check *tc)
{
	if (!tc)
		return;
	free(tc->text_path);
	free(tc->envelope_path);
	ags_envelope_release(&tc->env);
	ags_report_release(&tc->report);
	ags_template_match_release(&tc->match);
	free(tc);
}

void ags_report_release(struct ags_report *r)
{
	free(r->sigs);
	free(r->attachments);
	ags_template_check_free(r->tmpl);
	memset(r, 0, sizeof(*r));
}

static void mark(struct ags_sig_report *s, enum ags_reason why, const char *fmt,
                 ...) AGS_PRINTF(3, 4);
static void mark(struct ags_sig_report *s, enum ags_reason why, const char *fmt,
                 ...)
{
	va_list ap;

	if (!s->valid)
		return; /* the first reason found is the one reported */
	s->valid = 0;
	s->revoked_later = 0; /* says why a valid signature is valid */
	s->reason = why;
	va_start(ap, fmt);
	ags_vbounded(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

/* Does the countersignature at idx cover exactly the plain signatures
 * of env, in order? Plain signatures must all precede countersignatures.
 */
static const char *covers_mismatch(const struct ags_envelope *env, size_t idx)
{
	const struct ags_signature *cs = &env->sigs[idx];
	uint8_t h[AGS_DIGEST_BYTES];
	size_t i, k = 0;

	/* The envelope reader refuses these; an envelope built in memory
	 * has not been through it. */
	if (cs->signer.role != AGS_ROLE_PUBLISHER || cs->ncovers == 0)
		return "a countersignature covers at least one signature and "
		       "has the role publisher";
	for (i = 0; i < env->nsigs; i++) {
		const struct ags_signature *s = &env->sigs[i];
		if (s->is_countersignature)
			continue;
		if (i > idx)
			return "a signature was added after the "
			       "countersignature";
		if (k >= cs->ncovers)
			return "the envelope holds a signature the "
			       "countersignature does not cover";
		crypto_hash_sha512(h, s->signature, AGS_SIGNATURE_BYTES);
		if (strcmp(cs->covers[k].key_id, s->key_id) != 0 ||
		    memcmp(cs->covers[k].signature_sha512, h, sizeof(h)) != 0)
			return "a covered signature was removed, replaced or "
			       "reordered";
		k++;
	}
	if (k != cs->ncovers)
		return "a covered signature was removed";
	return NULL;
}

/* A v2 entry's revocation spares a signature whose proven time is
 * before it (spec §9.5); a v1 entry's refuses every signature, as does
 * a v2 entry's without a proven time: a thief can claim any time. */
static void check_revoked(struct ags_sig_report *r,
                          const struct ags_signature *sig,
                          const struct ags_trust_entry *e, int version)
{
	char when[21];

	ags_time_format(when, e->revoked_time);
	if (!r->valid)
		return; /* an earlier reason is reported */
	if (version == 2 && r->token == AGS_TOKEN_VALID &&
	    r->proven_time < e->revoked_time) {
		r->revoked_later = 1;
		ags_bounded(r->detail, sizeof(r->detail),
		            "key revoked on %s after this signature was "
		            "timestamped",
		            when);
		return;
	}
	mark(r, AGS_REASON_REVOKED, "key %s is revoked%s%s: %s", sig->key_id,
	     r->token == AGS_TOKEN_VALID ? " since " : "",
	     r->token == AGS_TOKEN_VALID ? when : "",
	     e->revoked_reason ? e->revoked_reason : "no reason given");
}

static void check_trust(struct ags_sig_report *r,
                        const struct ags_signature *sig,
                        const struct ags_trust_entry *e, int version)
{
	char when[21], name[96], identity[96];
	/* The window is judged on the proven time when there is one. */
	int proven = r->token == AGS_TOKEN_VALID;
	int64_t t = proven ? r->proven_time : sig->signer.time;
	const char *which = proven ? "proven" : "claimed";

	if (e->revoked)
		check_revoked(r, sig, e, version);
	if (!(e->roles & (unsigned)sig->signer.role))
		mark(r, AGS_REASON_WRONG_ROLE, "key is not trusted as %s",
		     ags_role_name(sig->signer.role));
	if (t < e->valid_after) {
		ags_time_format(when, e->valid_after);
		mark(r, AGS_REASON_NOT_YET_VALID,
		     "%s signing time is before the key's valid-after %s",
		     which, when);
	}
	if (t >= e->valid_before) {
		ags_time_format(when, e->valid_before);
		mark(r, AGS_REASON_EXPIRED,
		     "%s signing time is not before the key's "
		     "valid-before %s",
		     which, when);
	}
	/* Both names fit, each cut short when long (a text field may hold
	 * 1,024 bytes). */
	/* No identity: a key given as an OpenSSH key (verify -p), which
	 * names nobody; the envelope's name is then not checked. */
	if (e->identity && strcmp(sig->signer.name, e->identity) != 0)
		mark(r, AGS_REASON_NAME_MISMATCH,
		     "envelope names the signer \"%s\", the trusted identity "
		     "is \"%s\"",
		     ags_text_copy(name, sizeof(name), sig->signer.name),
		     ags_text_copy(identity, sizeof(identity), e->identity));
	/* A v2 entry's e-mail and ORCID: a signer may leave them out, not
	 * give others. */
	if (e->email && sig->signer.email &&
	    strcmp(sig->signer.email, e->email))
		mark(r, AGS_REASON_IDENTITY_MISMATCH,
		     "envelope gives the signer's e-mail as \"%s\", the "
		     "trusted one is \"%s\"",
		     ags_text_copy(name, sizeof(name), sig->signer.email),
		     ags_text_copy(identity, sizeof(identity), e->email));
	if (e->orcid && sig->signer.orcid &&
	    strcmp(sig->signer.orcid, e->orcid))
		mark(r, AGS_REASON_IDENTITY_MISMATCH,
		     "envelope gives the signer's ORCID iD as %s, the trusted "
		     "one is %s",
		     sig->signer.orcid, e->orcid);
}

/* A signature cannot be made after it was timestamped: a claimed time
 * later than the proven one (beyond clock differences) is false. */
static void claimed_after(struct ags_sig_report *r,
                          const struct ags_signature *sig)
{
	char claimed[21], proven[21];

	ags_time_format(claimed, sig->signer.time);
	ags_time_format(proven, r->proven_time);
	mark(r, AGS_REASON_CLAIMED_AFTER_PROVEN,
	     "claimed signing time %s is later than the proven time %s "
	     "(by more than %d minutes)",
	     claimed, proven, AGS_PROVEN_TOLERANCE / 60);
}

/* Given one key (verify -p), a signature by another key that passed
 * every check that needs no trust (text, Ed25519, coverage) is neither
 * valid nor invalid: who made it is not checked. */
static void not_checked(struct ags_sig_report *r,
                        const struct ags_signature *sig)
{
	r->valid = 0;
	r->not_checked = 1;
	r->reason = AGS_REASON_KEY_NOT_GIVEN;
	ags_bounded(r->detail, sizeof(r->detail),
	            "not checked: key %s is not the key given", sig->key_id);
}

static enum ags_err check_one(struct ags_report *rep, size_t idx,
                              const struct ags_envelope *env,
                              const struct ags_trust *trust, int given_key,
                              struct ags_error *err)
{
	const struct ags_signature *sig = &env->sigs[idx];
	struct ags_sig_report *r = &rep->sigs[idx];
	const char *why;
	uint8_t *msg = NULL;
	size_t len = 0;
	enum ags_err rc;

	r->valid = 1;
	if (!rep->text_matches)
		mark(r, AGS_REASON_TEXT_CHANGED,
		     "the agreement differs from the one that was signed");
	rc = ags_trust_lookup(trust, sig->public_key, &r->trusted, err);
	if (rc != AGS_OK)
		return rc;
	if (!r->trusted && !given_key)
		mark(r, AGS_REASON_UNTRUSTED_KEY, "key %s is not trusted",
		     sig->key_id);
	rc = ags_signed_message(&msg, &len, env, idx, err);
	if (rc != AGS_OK)
		return rc;
	/* A trusted key passed ags_public_key_valid when ags_trust_lookup
	 * returned it (or when its .pub was read): the subgroup check, which
	 * costs nearly as much as the verification, is not repeated. */
	if ((r->trusted ? crypto_sign_verify_detached(sig->signature, msg, len,
	                                              sig->public_key)
	                : ags_ed25519_verify(sig->signature, msg, len,
	                                     sig->public_key)) != 0)
		mark(r, AGS_REASON_BAD_SIGNATURE,
		     "the signature does not match the statement");
	free(msg);
	ags_token_judge(r, sig, trust);
	if (r->trusted)
		check_trust(r, sig, r->trusted, trust->version);
	if (sig->is_countersignature && (why = covers_mismatch(env, idx)))
		mark(r, AGS_REASON_COUNTERSIGN, "%s", why);
	if (r->token == AGS_TOKEN_VALID &&
	    sig->signer.time > r->proven_time + AGS_PROVEN_TOLERANCE)
		claimed_after(r, sig);
	if (r->valid && !r->trusted) /* only when given_key */
		not_checked(r, sig);
	return AGS_OK;
}

/* The policy: all signatures valid (or, given one key, not checked),
 * plus the roles and keys required, counted over the valid ones. */
static void apply_policy(struct ags_report *rep, const struct ags_envelope *env,
                         unsigned roles, const struct ags_policy *policy)
{
	unsigned have = 0;
	size_t i, k, nvalid = 0;

	for (i = 0; i < env->nsigs; i++) {
		if (rep->sigs[i].not_checked)
			continue;
		if (!rep->sigs[i].valid) {
			ags_bounded(rep->policy_detail,
			            sizeof(rep->policy_detail),
			            "signature %zu is not valid", i + 1);
			return;
		}
		have |= (unsigned)env->sigs[i].signer.role;
		nvalid++;
	}

	if (policy && policy->given_key && nvalid == 0) {
		ags_bounded(rep->policy_detail, sizeof(rep->policy_detail),
		            "no signature by the given key");
		return;
	}
	for (k = 0; k < 3; k++) {
		enum ags_role r = (enum ags_role)(1u << k);
		if ((roles & (unsigned)r) && !(have & (unsigned)r)) {
			ags_bounded(rep->policy_detail,
			            sizeof(rep->policy_detail),
			            "no valid signature by a trusted %s",
			            ags_role_name(r));
			return;
		}
	}
	for (k = 0; policy && k < policy->nrequire_keys; k++) {
		for (i = 0; i < env->nsigs; i++)
			if (strcmp(env->sigs[i].key_id,
			           policy->require_keys[k]) == 0)
				break;
		if (i == env->nsigs) {
			ags_bounded(rep->policy_detail,
			            sizeof(rep->policy_detail),
			            "no signature by required key %s",
			            policy->require_keys[k]);
			return;
		}
		if (rep->sigs[i].not_checked) { /* only valid ones count */
			ags_bounded(rep->policy_detail,
			            sizeof(rep->policy_detail),
			            "the signature by required key %s is not "
			            "checked: it is not the key given",
			            policy->require_keys[k]);
			return;
		}
	}
	for (i = 0; policy && policy->require_proven_time && i < env->nsigs;
	     i++)
		if (!rep->sigs[i].not_checked &&
		    rep->sigs[i].token != AGS_TOKEN_VALID) {
			ags_bounded(
			        rep->policy_detail, sizeof(rep->policy_detail),
			        "signature %zu has no proven time%s%s", i + 1,
			        rep->sigs[i].token_detail[0] ? ": " : "",
			        rep->sigs[i].token_detail);
			return;
		}
	rep->verified = 1;
}

enum ags_err ags_verify(struct ags_report *report,
                        const struct ags_envelope *env, const char *canon,
                        size_t canon_len, const struct ags_trust *trust,
                        const struct ags_policy *policy, struct ags_error *err)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	/* Given one key, trusted in every role, the role is only its
	 * signer's claim: a valid signature by that key stands for the
	 * author rule (apply_policy). */
	unsigned roles =
	        policy && (policy->no_default_author || policy->given_key)
	                ? 0u
	                : AGS_ROLE_AUTHOR;
	int given_key = policy && policy->given_key;
	size_t i;
	enum ags_err rc = AGS_OK;

	memset(report, 0, sizeof(*report));
	report->sigs =
	        calloc(env->nsigs ? env->nsigs : 1, sizeof(*report->sigs));
	if (!report->sigs)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	report->nsigs = env->nsigs;
	report->require_attachments = policy && policy->require_attachments;
	crypto_hash_sha512(digest, (const unsigned char *)canon, canon_len);
	report->text_matches =
	        canon_len == env->agreement.text_length &&
	        memcmp(digest, env->agreement.text_sha512, sizeof(digest)) == 0;
	for (i = 0; rc == AGS_OK && i < env->nsigs; i++)
		rc = check_one(report, i, env, trust, given_key, err);
	if (rc != AGS_OK) {
		ags_report_release(report);
		return rc;
	}
	if (policy)
		roles |= policy->require_roles;
	if (env->nsigs == 0)
		ags_bounded(report->policy_detail,
		            sizeof(report->policy_detail),
		            "the envelope holds no signature");
	else if (env->agreement.is_template !=
	         (policy && policy->expect_template))
		ags_bounded(report->policy_detail,
		            sizeof(report->policy_detail),
		            env->agreement.is_template
		                    ? "the envelope signs a template, not an "
		                      "agreement"
		                    : "the envelope signs an agreement, not a "
		                      "template");
	else
		apply_policy(report, env, roles, policy);
	return AGS_OK;
}
