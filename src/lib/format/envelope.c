/* The envelope file: a detached JSON document beside the agreement that
 * holds the shared statement and every signature over it. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ags_envelope_init(struct ags_envelope *env)
{
	memset(env, 0, sizeof(*env));
	ags_metadata_init(&env->agreement.md);
}

void ags_envelope_release(struct ags_envelope *env)
{
	size_t i;

	for (i = 0; i < env->nsigs; i++) {
		ags_signer_release(&env->sigs[i].signer);
		free(env->sigs[i].covers);
		ags_signature_drop_tokens(&env->sigs[i]);
	}
	free(env->sigs);
	for (i = 0; i < env->agreement.nattachments; i++)
		free(env->agreement.attachments[i].name);
	free(env->agreement.attachments);
	ags_metadata_release(&env->agreement.md);
	ags_envelope_init(env);
}

void ags_signature_drop_tokens(struct ags_signature *sig)
{
	size_t k;

	for (k = 0; k < sig->nrenewals; k++) {
		free(sig->renewals[k].der);
		ags_tst_free(sig->renewals[k].parsed);
	}
	free(sig->renewals);
	free(sig->timestamp);
	ags_tst_free(sig->timestamp_parsed);
	sig->timestamp_parsed = NULL;
	sig->renewals = NULL;
	sig->nrenewals = 0;
	sig->timestamp = NULL;
	sig->timestamp_len = 0;
}

void ags_agreement_bind(struct ags_agreement *a, const char *canon,
                        size_t canon_len)
{
	crypto_hash_sha512(a->text_sha512, (const unsigned char *)canon,
	                   canon_len);
	a->text_length = canon_len;
}

static enum ags_err entry_keys(struct ags_signature *sig, json_t *j,
                               const char *source, const char *path,
                               const struct ags_trust *known,
                               struct ags_error *err)
{
	json_t *id = json_object_get(j, "key_id");
	json_t *pk = json_object_get(j, "public_key");
	json_t *sg = json_object_get(j, "signature");
	const struct ags_trust_entry *entry;
	char derived[AGS_KEYID_HEX + 1];

	if (!json_is_string(pk) ||
	    ags_b64_decode_exact(sig->public_key, AGS_PUBLICKEY_BYTES,
	                         json_string_value(pk),
	                         json_string_length(pk)) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.public_key must be 32 bytes in base64",
		                     path);
	/* A key of the trust store `known` passed this check when its lookup
	 * returned it (a key that fails makes the lookup an error); it costs
	 * nearly as much as a signature verification. */
	entry = NULL;
	if (known) {
		enum ags_err rc =
		        ags_trust_lookup(known, sig->public_key, &entry, err);
		if (rc != AGS_OK)
			return rc;
	}
	if (!entry && !ags_public_key_valid(sig->public_key))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.public_key is not a valid Ed25519 "
		                     "public key",
		                     path);
	if (!json_is_string(sg) ||
	    ags_b64_decode_exact(sig->signature, AGS_SIGNATURE_BYTES,
	                         json_string_value(sg),
	                         json_string_length(sg)) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.signature must be 64 bytes in base64",
		                     path);
	/* The store derived its entry's key id from this very key. */
	if (entry)
		memcpy(derived, entry->key_id, sizeof(derived));
	else
		ags_key_id(derived, sig->public_key);
	if (!json_is_string(id) || strcmp(json_string_value(id), derived) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.key_id does not match public_key",
		                     path);
	memcpy(sig->key_id, derived, sizeof(derived));
	return AGS_OK;
}

/* A countersignature is the publisher's acceptance of the other
 * signatures (spec §7): in that role, and never of itself. */
static enum ags_err countersigner_check(const struct ags_signature *sig,
                                        const char *source, const char *path,
                                        struct ags_error *err)
{
	size_t i;

	if (sig->signer.role != AGS_ROLE_PUBLISHER)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "%s: a countersignature must have the role "
		        "publisher",
		        path);
	for (i = 0; i < sig->ncovers; i++)
		if (strcmp(sig->covers[i].key_id, sig->key_id) == 0)
			return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
			                     "%s.countersigns[%zu]: a "
			                     "countersignature cannot cover "
			                     "its own key",
			                     path, i);
	return AGS_OK;
}

/* Token k of a timestamps array: base64 of one token's DER, its shape
 * checked (what it proves is for verification). */
static enum ags_err token_from_json(uint8_t **der, size_t *len, void **parsed,
                                    json_t *s, size_t k,
                                    const struct ags_tsp_certs *keyless,
                                    const char *source, const char *path,
                                    struct ags_error *err)
{
	const char *why;

	/* base64 of at most AGS_TOKEN_MAX bytes */
	if (!json_is_string(s) ||
	    json_string_length(s) > (AGS_TOKEN_MAX + 2) / 3 * 4 ||
	    json_string_length(s) == 0 ||
	    ags_b64_decode_alloc(der, len, json_string_value(s),
	                         json_string_length(s)) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.timestamps[%zu] must be a time-stamp "
		                     "token of 1 to %u bytes in base64",
		                     path, k, AGS_TOKEN_MAX);
	if ((why = ags_tst_read(parsed, *der, *len, keyless)))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.timestamps[%zu]: %s", path, k, why);
	return AGS_OK;
}

/* The timestamps member of an entry (spec §6.5): one token in a v2
 * envelope, a chain of 1 to AGS_CHAIN_MAX (the first over the signature,
 * each renewal over the one before) in a v3 one. */
static enum ags_err timestamps_from_json(struct ags_signature *sig, json_t *j,
                                         const char *source, const char *path,
                                         int version,
                                         const struct ags_trust *known,
                                         struct ags_error *err)
{
	/* a trust store that pins TSAs reads tokens without decoding their
	 * certificates' keys, and decodes each certificate once (tsp_certs.c)
	 */
	const struct ags_tsp_certs *keyless = known ? known->tsp_certs : NULL;
	size_t n = json_array_size(j), k;
	enum ags_err rc;

	if (!json_is_array(j) || n == 0 || (version < 3 && n != 1))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.timestamps must be an array of one "
		                     "token (a renewal chain is \"%s\")",
		                     path, AGS_FORMAT_ENVELOPE_V3);
	if (n > AGS_CHAIN_MAX)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.timestamps must be an array of 1 to "
		                     "%u tokens",
		                     path, AGS_CHAIN_MAX);
	rc = token_from_json(&sig->timestamp, &sig->timestamp_len,
	                     &sig->timestamp_parsed, json_array_get(j, 0), 0,
	                     keyless, source, path, err);
	if (rc != AGS_OK || n == 1)
		return rc;
	if (!(sig->renewals = calloc(n - 1, sizeof(*sig->renewals))))
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	for (k = 1; rc == AGS_OK && k < n; k++, sig->nrenewals++)
		rc = token_from_json(
		        &sig->renewals[k - 1].der, &sig->renewals[k - 1].len,
		        &sig->renewals[k - 1].parsed, json_array_get(j, k), k,
		        keyless, source, path, err);
	return rc;
}

static enum ags_err entry_from_json(struct ags_signature *sig, json_t *j,
                                    const char *source, const char *path,
                                    const struct ags_trust *known, int version,
                                    struct ags_error *err)
{
	static const char *const fields[] = {
	        "signer",       "key_id",     "public_key", "signature",
	        "countersigns", "timestamps", NULL};
	char sub[96];
	json_t *covers, *tokens;
	enum ags_err rc;

	/* A v1 envelope knows no timestamps member: it is refused there
	 * like any unknown member. */
	if (version == 1 && json_is_object(j) &&
	    json_object_get(j, "timestamps"))
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "%s: unknown member \"timestamps\" (an "
		        "envelope with timestamp tokens is \"%s\")",
		        path, AGS_FORMAT_ENVELOPE_V2);
	rc = ags_json_fields(j, fields, 4, source, path, err);
	if (rc != AGS_OK)
		return rc;
	snprintf(sub, sizeof(sub), "%s.signer", path);
	rc = ags_signer_from_json(&sig->signer, json_object_get(j, "signer"),
	                          source, sub, err);
	if (rc == AGS_OK)
		rc = entry_keys(sig, j, source, path, known, err);
	covers = json_object_get(j, "countersigns");
	if (rc == AGS_OK && covers) {
		snprintf(sub, sizeof(sub), "%s.countersigns", path);
		rc = ags_covers_from_json(sig, covers, source, sub, err);
	}
	if (rc == AGS_OK && covers)
		rc = countersigner_check(sig, source, path, err);
	tokens = json_object_get(j, "timestamps");
	if (rc == AGS_OK && tokens)
		rc = timestamps_from_json(sig, tokens, source, path, version,
		                          known, err);
	return rc;
}

static enum ags_err signatures_from_json(struct ags_envelope *env, json_t *j,
                                         const char *source,
                                         const struct ags_trust *known,
                                         int version, struct ags_error *err)
{
	char path[64];
	size_t i, k, n = json_array_size(j), ntokens = 0, nchains = 0;
	enum ags_err rc = AGS_OK;

	if (!json_is_array(j) || n == 0 || n > AGS_SIGNATURES_MAX)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "signatures must be an array of 1 to %u "
		                     "entries",
		                     AGS_SIGNATURES_MAX);
	env->sigs = calloc(n, sizeof(*env->sigs));
	if (!env->sigs)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	for (i = 0; rc == AGS_OK && i < n; i++) {
		snprintf(path, sizeof(path), "signatures[%zu]", i);
		env->nsigs = i + 1;
		rc = entry_from_json(&env->sigs[i], json_array_get(j, i),
		                     source, path, known, version, err);
		ntokens += env->sigs[i].timestamp != NULL;
		nchains += env->sigs[i].nrenewals > 0;
		for (k = 0; rc == AGS_OK && k < i; k++)
			if (strcmp(env->sigs[k].key_id, env->sigs[i].key_id) ==
			    0)
				rc = ags_error_set(
				        err, AGS_ERR_FORMAT, source, 0, 0,
				        "%s: a second signature by key "
				        "%s",
				        path, env->sigs[i].key_id);
	}
	/* One spelling per envelope: v2 exactly when a token is there, v3
	 * exactly when a renewal is. */
	if (rc == AGS_OK && version > 1 && ntokens == 0)
		rc = ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                   "format is \"%s\" but no signature has a "
		                   "timestamp token (write \"%s\")",
		                   ags_envelope_format_name(version),
		                   AGS_FORMAT_ENVELOPE);
	else if (rc == AGS_OK && version == 3 && nchains == 0)
		rc = ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                   "format is \"%s\" but no timestamp is "
		                   "renewed (write \"%s\")",
		                   AGS_FORMAT_ENVELOPE_V3,
		                   AGS_FORMAT_ENVELOPE_V2);
	return rc;
}

static enum ags_err envelope_from_json(struct ags_envelope *env, json_t *root,
                                       const char *source,
                                       const struct ags_trust *known,
                                       struct ags_error *err)
{
	static const char *const fields[] = {"format", "statement",
	                                     "signatures", NULL};
	json_t *format;
	int version;
	enum ags_err rc;

	rc = ags_json_fields(root, fields, 3, source, "envelope", err);
	if (rc != AGS_OK)
		return rc;
	format = json_object_get(root, "format");
	for (version = 3; version > 0; version--)
		if (json_is_string(format) &&
		    strcmp(json_string_value(format),
		           ags_envelope_format_name(version)) == 0)
			break;
	if (version == 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "format is not \"%s\", \"%s\" or \"%s\" "
		                     "(unsupported version or not an agreesign "
		                     "envelope)",
		                     AGS_FORMAT_ENVELOPE,
		                     AGS_FORMAT_ENVELOPE_V2,
		                     AGS_FORMAT_ENVELOPE_V3);
	rc = ags_statement_from_json(&env->agreement,
	                             json_object_get(root, "statement"), source,
	                             err);
	if (rc == AGS_OK)
		rc = signatures_from_json(env,
		                          json_object_get(root, "signatures"),
		                          source, known, version, err);
	return rc;
}

static enum ags_err parse(struct ags_envelope *env, const char *buf, size_t len,
                          const char *source, const struct ags_trust *known,
                          struct ags_error *err)
{
	struct ags_json_notes notes;
	json_t *root;
	enum ags_err rc;

	ags_envelope_init(env);
	if (len > AGS_ENVELOPE_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, source, 0, 0,
		                     "envelope is larger than %u bytes",
		                     AGS_ENVELOPE_MAX);
	/* Refused by name here (ags_json_parse would refuse it too). */
	if (memchr(buf, '\0', len))
		return ags_error_set(err, AGS_ERR_JSON, source, 0, 0,
		                     "envelope holds a NUL byte");
	rc = ags_json_parse_noted(&root, &notes, buf, len, source, err);
	if (rc != AGS_OK)
		return rc;
	rc = envelope_from_json(env, root, source, known, err);
	/* The tree holds a 0 for it. If that was accepted, it was an
	 * attachment's length (no other member is a number, and
	 * text_length starts at 1): refused for its spelling. */
	if (rc == AGS_OK && notes.minus_zero_line)
		rc = ags_error_set(err, AGS_ERR_FORMAT, source,
		                   notes.minus_zero_line,
		                   notes.minus_zero_column,
		                   "integer written -0: integers have no sign");
	json_decref(root);
	if (rc != AGS_OK)
		ags_envelope_release(env);
	return rc;
}

enum ags_err ags_envelope_parse(struct ags_envelope *env, const char *buf,
                                size_t len, const char *source,
                                struct ags_error *err)
{
	return parse(env, buf, len, source, NULL, err);
}

enum ags_err ags_envelope_load(struct ags_envelope *env, const char *path,
                               struct ags_error *err)
{
	return ags_envelope_load_known(env, path, NULL, err);
}

enum ags_err ags_envelope_load_known(struct ags_envelope *env, const char *path,
                                     const struct ags_trust *known,
                                     struct ags_error *err)
{
	char *buf;
	size_t len;
	enum ags_err rc;

	ags_envelope_init(env);
	rc = ags_file_read(&buf, &len, path, AGS_ENVELOPE_MAX, err);
	if (rc != AGS_OK)
		return rc;
	rc = parse(env, buf, len, path, known, err);
	free(buf);
	return rc;
}

const char *ags_envelope_format_name(int version)
{
	return version == 3   ? AGS_FORMAT_ENVELOPE_V3
	       : version == 2 ? AGS_FORMAT_ENVELOPE_V2
	                      : AGS_FORMAT_ENVELOPE;
}

static int set_b64(json_t *o, const char *key, const uint8_t *b, size_t n)
{
	char *s = ags_b64_encode(b, n);
	int rc = s ? json_object_set_new(o, key, json_string(s)) : -1;

	free(s);
	return rc;
}

static int append_b64(json_t *a, const uint8_t *der, size_t len)
{
	char *s = ags_b64_encode(der, len);
	int rc = s ? json_array_append_new(a, json_string(s)) : -1;

	free(s);
	return rc;
}

/* The entry's chain: its token, then each renewal. */
static json_t *tokens_json(const struct ags_signature *sig)
{
	json_t *a = json_array();
	int bad = !a || append_b64(a, sig->timestamp, sig->timestamp_len);
	size_t k;

	for (k = 0; !bad && k < sig->nrenewals; k++)
		bad = append_b64(a, sig->renewals[k].der, sig->renewals[k].len);
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *entry_json(const struct ags_signature *sig)
{
	json_t *o = json_object();

	if (!o ||
	    json_object_set_new(o, "signer", ags_signer_json(&sig->signer)) ||
	    (sig->is_countersignature &&
	     json_object_set_new(o, "countersigns",
	                         ags_covers_json(sig->covers, sig->ncovers))) ||
	    json_object_set_new(o, "key_id", json_string(sig->key_id)) ||
	    set_b64(o, "public_key", sig->public_key, AGS_PUBLICKEY_BYTES) ||
	    set_b64(o, "signature", sig->signature, AGS_SIGNATURE_BYTES) ||
	    (sig->timestamp &&
	     json_object_set_new(o, "timestamps", tokens_json(sig)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *envelope_json(const struct ags_envelope *env)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i;
	int version = 1;

	/* the one spelling of §6.5: the least version that holds it */
	for (i = 0; i < env->nsigs; i++)
		if (env->sigs[i].timestamp)
			version = env->sigs[i].nrenewals ? 3
			          : version < 2          ? 2
			                                 : version;
	if (!root || !arr ||
	    json_object_set_new(
	            root, "format",
	            json_string(ags_envelope_format_name(version))) ||
	    json_object_set_new(root, "statement",
	                        ags_statement_json(&env->agreement)))
		goto fail;
	for (i = 0; i < env->nsigs; i++)
		if (json_array_append_new(arr, entry_json(&env->sigs[i])))
			goto fail;
	if (json_object_set_new(root, "signatures", arr) == 0)
		return root;
	arr = NULL;
fail:
	json_decref(arr);
	json_decref(root);
	return NULL;
}

enum ags_err ags_envelope_format(char **out, size_t *out_len,
                                 const struct ags_envelope *env,
                                 struct ags_error *err)
{
	json_t *root = envelope_json(env);
	char *text;
	size_t n;

	*out = NULL;
	if (!root)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "cannot build the envelope");
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (!text)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "out of memory");
	n = strlen(text);
	*out = malloc(n + 2);
	if (*out) {
		memcpy(*out, text, n);
		(*out)[n] = '\n';
		(*out)[n + 1] = '\0';
		*out_len = n + 1;
	}
	free(text);
	return *out ? AGS_OK
	            : ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
	                            "out of memory");
}
