/* verify --report: where the page may go and which page it is
 * (spec/templates.md, "The HTML report"). The page never replaces a file
 * the verification reads, whatever its name there, and replaces another
 * existing file only with --force. */
#include "cli.h"

#include <libgen.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What a path names: the file it reaches (links followed) and the
 * directory entry itself (its folder and last component), so that a file
 * that does not exist yet is still recognised under another spelling. */
struct file_id {
	int has_file, has_entry;
	dev_t dev, dir_dev;
	ino_t ino, dir_ino;
	const char *name; /* the last component, within the path */
};

static void file_id_get(struct file_id *id, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) == 0) {
		id->has_file = 1;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	}
	id->name = slash ? slash + 1 : path;
	if (!*id->name || !strcmp(id->name, ".") || !strcmp(id->name, ".."))
		return;
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
	            : strdup(".");
	if (dir && stat(dir, &st) == 0) {
		id->has_entry = 1;
		id->dir_dev = st.st_dev;
		id->dir_ino = st.st_ino;
	}
	free(dir);
}

static int file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (a->has_file && b->has_file && a->dev == b->dev && a->ino == b->ino)
		return 1;
	return a->has_entry && b->has_entry && a->dir_dev == b->dir_dev &&
	       a->dir_ino == b->dir_ino && strcmp(a->name, b->name) == 0;
}

static enum ags_err fail(struct ags_error *err, enum ags_err code,
                         const char *path, const char *fmt, ...)
        CLI_PRINTF(4, 5);

static enum ags_err fail(struct ags_error *err, enum ags_err code,
                         const char *path, const char *fmt, ...)
{
	char text[2 * sizeof(err->text)];
	va_list ap;

	err->code = code;
	err->line = err->column = 0;
	ags_text_copy(err->source, sizeof(err->source), path);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ags_text_copy(err->text, sizeof(err->text), text);
	return code;
}

static enum ags_err refuse(struct ags_error *err, const char *path,
                           const char *what, const char *name)
{
	char quoted[200];

	return fail(err, AGS_ERR_INVALID, path,
	            "is %s%s%s%s this verification reads: a report never "
	            "replaces an input",
	            what, name ? " \"" : "",
	            name ? ags_text_copy(quoted, sizeof(quoted), name) : "",
	            name ? "\"" : "");
}

/* The template text: given, or the template's envelope less ".sig.json"
 * (what --template reads by default). malloc'd, or NULL. */
static char *template_text(const struct cli_report *r)
{
	static const char suffix[] = ".sig.json";
	const char *e = r->in[CLI_IN_TEMPLATE];
	size_t n, k = sizeof(suffix) - 1;

	if (r->in[CLI_IN_TEMPLATE_TEXT])
		return strdup(r->in[CLI_IN_TEMPLATE_TEXT]);
	if (!e || (n = strlen(e)) <= k || strcmp(e + n - k, suffix) != 0)
		return NULL;
	return strndup(e, n - k);
}

static enum ags_err check_inputs(const struct cli_report *r,
                                 const struct file_id *out,
                                 struct ags_error *err)
{
	static const char *const what[CLI_IN_N] = {
	        "the agreement",           "the envelope",
	        "the trust file",          "the public key",
	        "the template's envelope", "the template text"};
	struct file_id in;
	char *text = template_text(r);
	size_t i;

	for (i = 0; i < CLI_IN_N; i++) {
		const char *p = i == CLI_IN_TEMPLATE_TEXT ? text : r->in[i];

		if (!p)
			continue;
		file_id_get(&in, p);
		if (file_id_same(out, &in)) {
			free(text);
			return refuse(err, r->path, what[i], NULL);
		}
	}
	free(text);
	return AGS_OK;
}

/* The attached files are read from one folder: the agreement's unless
 * --attach-dir names another. */
static enum ags_err check_attachments(const struct cli_report *r,
                                      const struct ags_envelope *env,
                                      const struct file_id *out,
                                      struct ags_error *err)
{
	const char *dir = r->attach_dir;
	enum ags_err rc = AGS_OK;
	struct file_id in;
	char *copy, *path;
	size_t i, n;

	if (env->agreement.nattachments == 0)
		return AGS_OK;
	if (!(copy = strdup(r->in[CLI_IN_AGREEMENT])))
		return fail(err, AGS_ERR_NOMEM, r->path, "out of memory");
	if (!dir)
		dir = dirname(copy);
	for (i = 0; i < env->agreement.nattachments && rc == AGS_OK; i++) {
		const char *name = env->agreement.attachments[i].name;

		n = strlen(dir) + strlen(name) + 2;
		if (!(path = malloc(n))) {
			rc = fail(err, AGS_ERR_NOMEM, r->path, "out of memory");
			break;
		}
		snprintf(path, n, "%s/%s", dir, name);
		file_id_get(&in, path); /* in.name points into path */
		if (file_id_same(out, &in))
			rc = refuse(err, r->path, "the attachment", name);
		free(path);
	}
	free(copy);
	return rc;
}

enum ags_err cli_report_check(const struct cli_report *r,
                              const struct ags_envelope *env,
                              struct ags_error *err)
{
	struct file_id out;
	struct stat st;
	enum ags_err rc;

	file_id_get(&out, r->path);
	rc = check_inputs(r, &out, err);
	if (rc == AGS_OK && env)
		rc = check_attachments(r, env, &out, err);
	if (rc == AGS_OK && !r->force && lstat(r->path, &st) == 0)
		rc = fail(err, AGS_ERR_EXISTS, r->path,
		          "file exists (use --force to replace it)");
	return rc;
}

enum ags_err cli_report_load_keys(struct cli_report *r, struct ags_trust *t,
                                  struct ags_error *err)
{
	const char *path = r->in[CLI_IN_TRUST] ? r->in[CLI_IN_TRUST]
	                                       : r->in[CLI_IN_PUBKEY];
	int pub = !r->in[CLI_IN_TRUST];
	struct ags_pubkey key;
	char *buf = NULL;
	size_t len = 0;
	enum ags_err rc;

	ags_trust_init(t);
	r->keys_digested = 0;
	/* A SQLite store is not digested: its bytes change with every
	 * checkpoint, and it may be large; lookups read what they need. */
	if (!pub && ags_trust_is_db(path))
		return ags_trust_load_lookup(t, path, err);
	rc = ags_file_read(&buf, &len, path,
	                   pub ? AGS_KEYFILE_MAX : AGS_TRUST_MAX, err);
	if (rc != AGS_OK)
		return rc;
	/* Only the page names the file by its digest: 50 ms for a trust
	 * file of 100,000 keys, as long as the rest of a verification. */
	if (r->path) {
		crypto_hash_sha256(r->keys_sha256, (const unsigned char *)buf,
		                   len);
		r->keys_digested = 1;
	}
	if (!pub) {
		rc = ags_trust_parse_lookup(t, buf, len, path, err);
	} else {
		ags_pubkey_init(&key);
		rc = ags_pubkey_parse_any(&key, NULL, buf, len, path, err);
		if (rc == AGS_OK)
			rc = ags_trust_from_pubkey(t, &key, err);
		ags_pubkey_release(&key);
	}
	free(buf);
	return rc;
}

/* A file as the page names it: its full path when it can be found, so
 * that the page says which file wherever it is read. malloc'd, or NULL
 * (then the path as given). */
static char *full_path(const char *path)
{
	return path ? realpath(path, NULL) : NULL;
}

static char *html_page(const struct cli_report *r, const struct ags_report *rep,
                       const struct ags_envelope *env, const char *canon,
                       size_t len, const char *why)
{
	struct ags_report_context c = {0};
	const char *keys = r->in[CLI_IN_TRUST] ? r->in[CLI_IN_TRUST]
	                                       : r->in[CLI_IN_PUBKEY];
	char *full[3] = {full_path(r->in[CLI_IN_AGREEMENT]),
	                 full_path(r->in[CLI_IN_ENVELOPE]), full_path(keys)};
	char *html;
	size_t i;

	c.agreement = full[0] ? full[0] : r->in[CLI_IN_AGREEMENT];
	c.envelope = full[1] ? full[1] : r->in[CLI_IN_ENVELOPE];
	c.keys = full[2] ? full[2] : keys;
	c.keys_pub = !r->in[CLI_IN_TRUST];
	c.keys_digested = r->keys_digested;
	memcpy(c.keys_sha256, r->keys_sha256, sizeof(c.keys_sha256));
	c.checked_at = r->checked_at;
	html = rep ? ags_report_html(rep, env, canon, len, &c)
	           : ags_report_html_error(why, &c);
	for (i = 0; i < 3; i++)
		free(full[i]);
	return html;
}

enum ags_err cli_report_page(const struct cli_report *r,
                             const struct ags_report *rep,
                             const struct ags_envelope *env, const char *canon,
                             size_t len, const char *why, struct ags_error *err)
{
	char *html;
	enum ags_err rc = cli_report_check(r, env, err);

	if (rc != AGS_OK)
		return rc;
	html = html_page(r, rep, env, canon, len, why);
	if (!html)
		return fail(err, AGS_ERR_NOMEM, r->path,
		            "out of memory writing the report");
	rc = ags_file_write_atomic(r->path, html, strlen(html), 0644,
	                           r->force ? AGS_WRITE_REPLACE : 0, err);
	free(html);
	return rc;
}
