/* The signed statement: the agreement part every signature shares, each
 * signer's block, and a countersignature's list of what it accepts, as
 * JSON values in both directions. Parsing is strict: exact field sets,
 * exact types, one spelling per value. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"author", "co-author", "publisher"};

const char *ags_role_name(enum ags_role role)
{
	switch (role) {
	case AGS_ROLE_AUTHOR: return role_names[0];
	case AGS_ROLE_COAUTHOR: return role_names[1];
	case AGS_ROLE_PUBLISHER: return role_names[2];
	}
	return NULL;
}

int ags_role_parse(enum ags_role *out, const char *name)
{
	static const enum ags_role roles[] = {
	        AGS_ROLE_AUTHOR, AGS_ROLE_COAUTHOR, AGS_ROLE_PUBLISHER};
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = roles[i];
			return 0;
		}
	return -1;
}

void ags_signer_release(struct ags_signer *s)
{
	free(s->name);
	free(s->email);
	free(s->orcid);
	s->name = s->email = s->orcid = NULL;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

enum ags_err ags_signer_copy(struct ags_signer *dst,
                             const struct ags_signer *src)
{
	memset(dst, 0, sizeof(*dst));
	if (dup_opt(&dst->name, src->name) ||
	    dup_opt(&dst->email, src->email) ||
	    dup_opt(&dst->orcid, src->orcid)) {
		ags_signer_release(dst);
		return AGS_ERR_NOMEM;
	}
	dst->role = src->role;
	dst->time = src->time;
	return AGS_OK;
}

/* Adds key: string to obj when value is set; returns -1 on failure. */
void ags_metadata_sorted(const struct ags_metadata *md,
                         const char *keys[AGS_NMETADATA],
                         const char *vals[AGS_NMETADATA])
{
	static const char *const sorted[AGS_NMETADATA] = {
	        "agreement_date", "corresponding_author",
	        "license",        "proceedings",
	        "publisher",      "title"};

	memcpy(keys, sorted, sizeof(sorted));
	vals[0] = md->agreement_date;
	vals[1] = md->corresponding_author;
	vals[2] = md->license;
	vals[3] = md->proceedings;
	vals[4] = md->publisher;
	vals[5] = md->title;
}

static int set_str(json_t *obj, const char *key, const char *value)
{
	if (!value)
		return 0;
	return json_object_set_new(obj, key, json_string(value));
}

json_t *ags_statement_json(const struct ags_agreement *a)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *o = json_object();

	ags_hex_encode(hex, a->text_sha512, AGS_DIGEST_BYTES);
	/* Insertion order is the order a person reads in the envelope; JCS
	 * sorts for signing. */
	if (!o || set_str(o, "canonicalization", AGS_FORMAT_CANON) ||
	    set_str(o, "text_sha512", hex) ||
	    json_object_set_new(o, "text_length",
	                        json_integer((json_int_t)a->text_length)) ||
	    json_object_set_new(o, "metadata", ags_metadata_to_json(&a->md)) ||
	    (a->is_template && set_str(o, "kind", "template")) ||
	    (a->nattachments &&
	     json_object_set_new(o, "attachments", ags_attachments_json(a)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ags_attachments_json(const struct ags_agreement *a)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *arr = json_array(), *o;
	size_t i;

	for (i = 0; arr && i < a->nattachments; i++) {
		const struct ags_attachment *at = &a->attachments[i];
		ags_hex_encode(hex, at->sha512, AGS_DIGEST_BYTES);
		o = json_object();
		if (!o || set_str(o, "name", at->name) ||
		    json_object_set_new(o, "length",
		                        json_integer((json_int_t)at->length)) ||
		    set_str(o, "sha512", hex) ||
		    json_array_append_new(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ags_signer_json(const struct ags_signer *s)
{
	char when[21];
	json_t *o = json_object();

	if (!o || ags_time_format(when, s->time) != 0 ||
	    set_str(o, "name", s->name) || set_str(o, "email", s->email) ||
	    set_str(o, "orcid", s->orcid) ||
	    set_str(o, "role", ags_role_name(s->role)) ||
	    set_str(o, "time", when)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ags_covers_json(const struct ags_countersigned *c, size_t n)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *arr = json_array(), *o;
	size_t i;

	for (i = 0; arr && i < n; i++) {
		ags_hex_encode(hex, c[i].signature_sha512, AGS_DIGEST_BYTES);
		o = json_object();
		if (!o || set_str(o, "key_id", c[i].key_id) ||
		    set_str(o, "signature_sha512", hex) ||
		    json_array_append_new(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

enum ags_err ags_json_fields(json_t *obj, const char *const *allowed,
                             size_t nrequired, const char *source,
                             const char *path, struct ags_error *err)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s must be an object", path);
	json_object_foreach(obj, key, v)
	{
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i])
			return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
			                     "%s: unknown field \"%s\"", path,
			                     key);
	}
	for (i = 0; i < nrequired; i++)
		if (!json_object_get(obj, allowed[i]))
			return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
			                     "%s: missing field \"%s\"", path,
			                     allowed[i]);
	return AGS_OK;
}

/* The string at obj[key], checked as a text field; NULL with *rc set
 * when it is present but bad; NULL with *rc == AGS_OK when absent. */
static const char *get_text(json_t *obj, const char *key, const char *source,
                            const char *path, enum ags_err *rc,
                            struct ags_error *err)
{
	json_t *v = json_object_get(obj, key);
	const char *why;

	*rc = AGS_OK;
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*rc = ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                    "%s.%s must be a string", path, key);
		return NULL;
	}
	why = ags_field_check(json_string_value(v), json_string_length(v));
	if (why) {
		*rc = ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                    "%s.%s: %s", path, key, why);
		return NULL;
	}
	return json_string_value(v);
}

/* Copies the optional text obj[key] into *dst (NULL when absent). */
static enum ags_err copy_text(char **dst, json_t *obj, const char *key,
                              const char *source, const char *path,
                              struct ags_error *err)
{
	enum ags_err rc;
	const char *v = get_text(obj, key, source, path, &rc, err);

	*dst = NULL;
	if (!v)
		return rc;
	*dst = strdup(v);
	return *dst ? AGS_OK
	            : ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
	                            "out of memory");
}

static enum ags_err metadata_from_json(struct ags_metadata *md, json_t *j,
                                       const char *source,
                                       struct ags_error *err)
{
	static const char *const fields[] = {
	        "title",   "corresponding_author", "proceedings", "publisher",
	        "license", "agreement_date",       NULL};
	char **slots[] = {&md->title,       &md->corresponding_author,
	                  &md->proceedings, &md->publisher,
	                  &md->license,     &md->agreement_date};
	enum ags_err rc;
	size_t i;

	rc = ags_json_fields(j, fields, 0, source, "statement.metadata", err);
	for (i = 0; rc == AGS_OK && fields[i]; i++)
		rc = copy_text(slots[i], j, fields[i], source,
		               "statement.metadata", err);
	return rc;
}

/* Parses a lowercase-hex digest string obj[key] into out. */
static enum ags_err get_digest(uint8_t out[AGS_DIGEST_BYTES], json_t *obj,
                               const char *key, const char *source,
                               const char *path, struct ags_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) ||
	    ags_hex_decode_exact(out, AGS_DIGEST_BYTES, json_string_value(v),
	                         json_string_length(v)) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.%s must be 128 lowercase hex digits",
		                     path, key);
	return AGS_OK;
}

/* "kind" is present only for a template: an agreement's statement and a
 * template's can never be taken for each other. */
static enum ags_err kind_from_json(struct ags_agreement *a, json_t *kind,
                                   const char *source, struct ags_error *err)
{
	if (!json_is_string(kind) ||
	    strcmp(json_string_value(kind), "template") != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "statement.kind must be \"template\" when "
		                     "present");
	a->is_template = 1;
	return AGS_OK;
}

enum ags_err ags_statement_from_json(struct ags_agreement *a, json_t *j,
                                     const char *source, struct ags_error *err)
{
	static const char *const fields[] = {
	        "canonicalization", "metadata", "text_length", "text_sha512",
	        "attachments",      "kind",     NULL};
	json_t *canon, *len;
	enum ags_err rc;

	rc = ags_json_fields(j, fields, 4, source, "statement", err);
	if (rc != AGS_OK)
		return rc;
	canon = json_object_get(j, "canonicalization");
	if (!json_is_string(canon) ||
	    strcmp(json_string_value(canon), AGS_FORMAT_CANON) != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "statement.canonicalization must be \"%s\"",
		        AGS_FORMAT_CANON);
	len = json_object_get(j, "text_length");
	if (!json_is_integer(len) || json_integer_value(len) < 1 ||
	    json_integer_value(len) > 9007199254740991LL)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "statement.text_length must be an integer "
		                     "from 1 to 2^53-1");
	a->text_length = (uint64_t)json_integer_value(len);
	rc = get_digest(a->text_sha512, j, "text_sha512", source, "statement",
	                err);
	if (rc == AGS_OK)
		rc = metadata_from_json(&a->md, json_object_get(j, "metadata"),
		                        source, err);
	if (rc == AGS_OK && json_object_get(j, "kind"))
		rc = kind_from_json(a, json_object_get(j, "kind"), source, err);
	if (rc == AGS_OK && json_object_get(j, "attachments"))
		rc = ags_attachments_from_json(
		        a, json_object_get(j, "attachments"), source, err);
	return rc;
}

static enum ags_err attachment_from_json(struct ags_attachment *at, json_t *j,
                                         const char *source, const char *path,
                                         struct ags_error *err)
{
	static const char *const fields[] = {"name", "length", "sha512", NULL};
	json_t *len;
	const char *why;
	enum ags_err rc;

	rc = ags_json_fields(j, fields, 3, source, path, err);
	if (rc == AGS_OK)
		rc = copy_text(&at->name, j, "name", source, path, err);
	if (rc != AGS_OK)
		return rc;
	if ((why = ags_attachment_name_check(at->name)))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.name: %s", path, why);
	len = json_object_get(j, "length");
	if (!json_is_integer(len) || json_integer_value(len) < 0 ||
	    json_integer_value(len) > 9007199254740991LL)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.length must be an integer from 0 to "
		                     "2^53-1",
		                     path);
	at->length = (uint64_t)json_integer_value(len);
	return get_digest(at->sha512, j, "sha512", source, path, err);
}

enum ags_err ags_attachments_from_json(struct ags_agreement *a, json_t *j,
                                       const char *source,
                                       struct ags_error *err)
{
	char path[64];
	size_t i, k, n = json_array_size(j);
	enum ags_err rc = AGS_OK;

	if (!json_is_array(j) || n == 0 || n > AGS_SIGNATURES_MAX)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "statement.attachments must be an array of "
		        "1 to %u entries",
		        AGS_SIGNATURES_MAX);
	a->attachments = calloc(n, sizeof(*a->attachments));
	if (!a->attachments)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	for (i = 0; rc == AGS_OK && i < n; i++) {
		snprintf(path, sizeof(path), "statement.attachments[%zu]", i);
		a->nattachments = i + 1;
		rc = attachment_from_json(&a->attachments[i],
		                          json_array_get(j, i), source, path,
		                          err);
		for (k = 0; rc == AGS_OK && k < i; k++)
			if (strcmp(a->attachments[k].name,
			           a->attachments[i].name) == 0)
				rc = ags_error_set(
				        err, AGS_ERR_FORMAT, source, 0, 0,
				        "%s: a second file named "
				        "\"%s\"",
				        path, a->attachments[i].name);
	}
	return rc;
}

static enum ags_err signer_fields(struct ags_signer *s, json_t *j,
                                  const char *source, const char *path,
                                  struct ags_error *err)
{
	const char *role, *when;
	enum ags_err rc;

	role = get_text(j, "role", source, path, &rc, err);
	if (rc != AGS_OK)
		return rc;
	if (ags_role_parse(&s->role, role) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.role must be author, co-author or "
		                     "publisher",
		                     path);
	when = get_text(j, "time", source, path, &rc, err);
	if (rc != AGS_OK)
		return rc;
	if (ags_time_parse(&s->time, when) != 0)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.time must be YYYY-MM-DDTHH:MM:SSZ",
		                     path);
	if (s->email && ags_email_check(s->email))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.email: %s", path,
		                     ags_email_check(s->email));
	if (s->orcid && ags_orcid_check(s->orcid))
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s.orcid: %s", path,
		                     ags_orcid_check(s->orcid));
	return AGS_OK;
}

enum ags_err ags_signer_from_json(struct ags_signer *s, json_t *j,
                                  const char *source, const char *path,
                                  struct ags_error *err)
{
	static const char *const fields[] = {"name",  "role",  "time",
	                                     "email", "orcid", NULL};
	enum ags_err rc;

	rc = ags_json_fields(j, fields, 3, source, path, err);
	if (rc == AGS_OK)
		rc = copy_text(&s->name, j, "name", source, path, err);
	if (rc == AGS_OK)
		rc = copy_text(&s->email, j, "email", source, path, err);
	if (rc == AGS_OK)
		rc = copy_text(&s->orcid, j, "orcid", source, path, err);
	if (rc == AGS_OK)
		rc = signer_fields(s, j, source, path, err);
	return rc;
}

static enum ags_err cover_from_json(struct ags_countersigned *c, json_t *j,
                                    const char *source, const char *path,
                                    struct ags_error *err)
{
	static const char *const fields[] = {"key_id", "signature_sha512",
	                                     NULL};
	uint8_t raw[AGS_KEYID_BYTES];
	json_t *id;
	enum ags_err rc;

	rc = ags_json_fields(j, fields, 2, source, path, err);
	if (rc != AGS_OK)
		return rc;
	id = json_object_get(j, "key_id");
	if (!json_is_string(id) ||
	    ags_hex_decode_exact(raw, sizeof(raw), json_string_value(id),
	                         json_string_length(id)) != 0)
		return ags_error_set(
		        err, AGS_ERR_FORMAT, source, 0, 0,
		        "%s.key_id must be 32 lowercase hex digits", path);
	memcpy(c->key_id, json_string_value(id), AGS_KEYID_HEX + 1);
	return get_digest(c->signature_sha512, j, "signature_sha512", source,
	                  path, err);
}

enum ags_err ags_covers_from_json(struct ags_signature *sig, json_t *j,
                                  const char *source, const char *path,
                                  struct ags_error *err)
{
	char sub[128];
	size_t i, k, n = json_array_size(j);
	enum ags_err rc = AGS_OK;

	/* A countersignature accepts at least one signature, each once. */
	if (!json_is_array(j) || n == 0 || n >= AGS_SIGNATURES_MAX)
		return ags_error_set(err, AGS_ERR_FORMAT, source, 0, 0,
		                     "%s must be an array of 1 to %u entries",
		                     path, AGS_SIGNATURES_MAX - 1);
	sig->is_countersignature = 1;
	sig->ncovers = 0;
	sig->covers = calloc(n, sizeof(*sig->covers));
	if (!sig->covers)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory");
	for (i = 0; rc == AGS_OK && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		rc = cover_from_json(&sig->covers[i], json_array_get(j, i),
		                     source, sub, err);
		sig->ncovers = i + 1;
		for (k = 0; rc == AGS_OK && k < i; k++)
			if (strcmp(sig->covers[k].key_id,
			           sig->covers[i].key_id) == 0)
				rc = ags_error_set(err, AGS_ERR_FORMAT, source,
				                   0, 0,
				                   "%s: key %s is covered "
				                   "twice",
				                   sub, sig->covers[i].key_id);
	}
	return rc;
}

/* Names are plain file names: no directory part, nothing hidden behind
 * "." or "..", one text line. */
const char *ags_attachment_name_check(const char *name)
{
	if (ags_field_check(name, strlen(name)))
		return ags_field_check(name, strlen(name));
	if (strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return "attachment name must be a plain file name";
	return NULL;
}
