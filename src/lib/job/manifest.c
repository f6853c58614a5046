/* A batch manifest line names one agreement and its envelope; verifying
 * an item turns it into one JSON result, whatever goes wrong with it. */
#include "internal.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_LINE_MAX (64u * 1024u)

void ags_batch_item_release(struct ags_batch_item *it)
{
	free(it->agreement);
	free(it->envelope);
	free(it->id);
	free(it->error);
	it->agreement = it->envelope = it->id = it->error = NULL;
}

static char *join(const char *dir, const char *path)
{
	size_t n;
	char *p;

	if (path[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
		return strdup(path);
	n = strlen(dir) + strlen(path) + 2;
	p = malloc(n);
	if (p) /* dirname gives "/" for a manifest in /: not "//x" */
		snprintf(p, n, "%s%s%s", dir,
		         dir[strlen(dir) - 1] == '/' ? "" : "/", path);
	return p;
}

static void bad_line(struct ags_batch_item *it, const char *why)
{
	free(it->error);
	it->error = strdup(why);
}

/* A path value: a non-empty string without NUL or control characters. */
static const char *path_value(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t i, n;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > 4096)
		return NULL;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return NULL;
	return s;
}

static void from_object(struct ags_batch_item *it, json_t *o,
                        const char *base_dir)
{
	static const char *const fields[] = {"agreement", "envelope", "id",
	                                     NULL};
	struct ags_error err = {0};
	const char *agr, *env = NULL;
	json_t *id = json_object_get(o, "id");

	if (ags_json_fields(o, fields, 1, "", "manifest line", &err) !=
	    AGS_OK) {
		bad_line(it, err.text);
		return;
	}
	if (!(agr = path_value(o, "agreement"))) {
		bad_line(it, "\"agreement\" must be a non-empty path");
		return;
	}
	if (json_object_get(o, "envelope") &&
	    !(env = path_value(o, "envelope"))) {
		bad_line(it, "\"envelope\" must be a non-empty path");
		return;
	}
	if (id &&
	    (!json_is_string(id) ||
	     ags_field_check(json_string_value(id), json_string_length(id)))) {
		bad_line(it, "\"id\" must be a one-line text");
		return;
	}
	it->agreement = join(base_dir, agr);
	it->envelope = env ? join(base_dir, env) : NULL;
	if (!env && it->agreement) {
		size_t n = strlen(it->agreement) + sizeof(".sig.json");
		if ((it->envelope = malloc(n)))
			snprintf(it->envelope, n, "%s.sig.json", it->agreement);
	}
	if (id)
		it->id = strdup(json_string_value(id));
	if (!it->agreement || !it->envelope || (id && !it->id))
		bad_line(it, "out of memory");
}

/* Refuses the line as "malformed manifest line: <problem>", the problem
 * as ags_json_parse words it after its "malformed JSON: " (jansson's
 * text, as before that reader). */
static void bad_json(struct ags_batch_item *it, const struct ags_error *err)
{
	static const char prefix[] = "malformed JSON: ";
	const char *problem = err->text;
	char why[sizeof(err->text) + 32];

	if (strncmp(problem, prefix, sizeof(prefix) - 1) == 0)
		problem += sizeof(prefix) - 1;
	snprintf(why, sizeof(why), "malformed manifest line: %s", problem);
	bad_line(it, why);
}

enum ags_err ags_manifest_parse_line(struct ags_batch_item *it,
                                     const char *line, size_t len,
                                     const char *base_dir)
{
	struct ags_error err;
	enum ags_err rc;
	json_t *o;

	it->agreement = it->envelope = it->id = it->error = NULL;
	if (len > MANIFEST_LINE_MAX) {
		bad_line(it, "manifest line is longer than 65536 bytes");
		return it->error ? AGS_OK : AGS_ERR_NOMEM;
	}
	if (memchr(line, '\0', len)) {
		bad_line(it, "manifest line holds a NUL byte");
		return it->error ? AGS_OK : AGS_ERR_NOMEM;
	}
	ags_error_clear(&err);
	rc = ags_json_parse(&o, line, len, "", &err);
	if (rc == AGS_ERR_NOMEM)
		return rc;
	if (rc != AGS_OK) {
		bad_json(it, &err);
	} else if (!json_is_object(o)) {
		bad_line(it, "manifest line must be a JSON object");
	} else {
		from_object(it, o, base_dir);
	}
	json_decref(o);
	return it->error || it->agreement ? AGS_OK : AGS_ERR_NOMEM;
}

static json_t *error_json(const char *why)
{
	json_t *o = json_object();

	if (o) {
		json_object_set_new(o, "verified", json_false());
		json_object_set_new(o, "result", json_string("error"));
		json_object_set_new(o, "reason", ags_json_text(why));
	}
	return o;
}

/* What verifying an item's files gave: a report, or why it could not. */
struct outcome {
	struct ags_envelope env;
	struct ags_report rep;
	int ok;         /* rep and env hold the verification */
	char why[1200]; /* else, unless the line was bad: file and problem */
};

static void verify_files(struct outcome *oc, const struct ags_batch_item *it,
                         const struct ags_trust *trust,
                         const struct ags_policy *policy,
                         const char *attach_dir)
{
	struct ags_error err = {0};
	char *canon = NULL, *raw = NULL, *dir = NULL;
	size_t len = 0, rlen = 0;
	enum ags_err rc;

	rc = ags_file_read(&raw, &rlen, it->agreement, AGS_TEXT_MAX, &err);
	if (rc == AGS_OK)
		rc = ags_canon_text(&canon, &len, (const uint8_t *)raw, rlen,
		                    it->agreement, &err);
	free(raw);
	if (rc == AGS_OK)
		rc = ags_envelope_load_known(&oc->env, it->envelope, trust,
		                             &err);
	if (rc == AGS_OK)
		rc = ags_verify(&oc->rep, &oc->env, canon, len, trust, policy,
		                &err);
	if (rc == AGS_OK && oc->env.agreement.nattachments) {
		dir = attach_dir ? NULL : strdup(it->agreement);
		rc = attach_dir || dir
		             ? ags_verify_attachments(&oc->rep, &oc->env,
		                                      attach_dir ? attach_dir
		                                                 : dirname(dir),
		                                      &err)
		             : AGS_ERR_NOMEM;
	}
	oc->ok = rc == AGS_OK;
	if (!oc->ok && err.line > 0)
		snprintf(oc->why, sizeof(oc->why), "%s: line %ld: %s",
		         err.source, err.line, err.text);
	else if (!oc->ok)
		snprintf(oc->why, sizeof(oc->why), "%s: %s", err.source,
		         err.text[0] ? err.text : ags_strerror(rc));
	free(dir);
	free(canon);
}

/* Verifies the item's files, unless its manifest line was bad. */
static void outcome_of(struct outcome *oc, int *verdict,
                       const struct ags_batch_item *it,
                       const struct ags_trust *trust,
                       const struct ags_policy *policy, const char *attach_dir)
{
	memset(oc, 0, sizeof(*oc));
	ags_envelope_init(&oc->env);
	if (!it->error)
		verify_files(oc, it, trust, policy, attach_dir);
	*verdict = oc->ok ? (oc->rep.verified ? 0 : 1) : 2;
}

static void outcome_release(struct outcome *oc)
{
	ags_report_release(&oc->rep);
	ags_envelope_release(&oc->env);
}

static json_t *outcome_json(const struct outcome *oc,
                            const struct ags_batch_item *it)
{
	json_t *j = oc->ok ? ags_report_json(&oc->rep, &oc->env)
	                   : error_json(it->error ? it->error : oc->why);

	if (!j)
		return NULL;
	if (it->line) /* 0: an entry of a folder, which has no lines */
		json_object_set_new(j, "line",
		                    json_integer((json_int_t)it->line));
	json_object_set_new(j, "agreement",
	                    it->agreement ? ags_json_text(it->agreement)
	                                  : json_null());
	json_object_set_new(j, "envelope",
	                    it->envelope ? ags_json_text(it->envelope)
	                                 : json_null());
	if (it->id)
		json_object_set_new(j, "id", ags_json_text(it->id));
	return j;
}

json_t *ags_verify_item(int *verdict, const struct ags_batch_item *it,
                        const struct ags_trust *trust,
                        const struct ags_policy *policy, const char *attach_dir)
{
	struct outcome oc;
	json_t *j;

	outcome_of(&oc, verdict, it, trust, policy, attach_dir);
	j = outcome_json(&oc, it);
	outcome_release(&oc);
	return j;
}

char *ags_verify_item_line(int *verdict, const struct ags_batch_item *it,
                           const struct ags_trust *trust,
                           const struct ags_policy *policy,
                           const char *attach_dir)
{
	struct outcome oc;
	char *line = NULL;
	json_t *j;

	outcome_of(&oc, verdict, it, trust, policy, attach_dir);
	/* Written from the report, unless only the tree can (rare: errors,
	 * text that is not UTF-8). */
	if (!oc.ok || ags_report_line(&line, NULL, &oc.rep, &oc.env, it) ==
	                      AGS_ERR_FORMAT) {
		j = outcome_json(&oc, it);
		line = j ? ags_json_dumps_sorted(j, NULL) : NULL;
		json_decref(j);
	}
	outcome_release(&oc);
	return line;
}
