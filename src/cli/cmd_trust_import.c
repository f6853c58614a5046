/* agreesign trust import-ssh: the keys of an OpenSSH allowed_signers file
 * into a trust file, as one edit under the trust file's lock, or into a
 * SQLite store, as one transaction: every key is added or none (spec
 * §9.7, spec/trust-db.md §3). The file is read by the library
 * (ags_ssh_signers_parse); here the lines it skipped are told, and the
 * keys the trust file already holds are left out and told. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

struct import_ctx {
	const char *trust_file;
	const struct ags_ssh_signers *s;
	unsigned roles;
	struct ags_trust_entry *e; /* the entries added, s->n at most */
	size_t n;
	int nothing;  /* every key was already listed: no edit */
	int upgraded; /* the trust file was v1 */
};

/* A line of the trust file that already lists s's key, or 0. */
static long listed(const struct ags_trust *t, const struct ags_ssh_signer *s)
{
	const struct ags_trust_entry *e = ags_trust_find(t, s->key.pk);

	return e ? (e->line > 0 ? e->line : 1) : 0;
}

static void say_listed(const struct import_ctx *x,
                       const struct ags_ssh_signer *s, long line)
{
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, x->trust_file);
	fprintf(stderr,
	        ": warning: key %s (allowed_signers line %ld) is already on "
	        "line %ld: skipped\n",
	        s->key.key_id, s->line, line);
}

/* Under the lock: the keys not yet listed, added as one edit. */
static enum ags_err import_edit(char **out, size_t *out_len, const char *buf,
                                size_t len, void *ctx, struct ags_error *err)
{
	struct import_ctx *x = ctx;
	struct ags_trust t;
	enum ags_err rc = AGS_OK;
	size_t i;
	long line;

	ags_trust_init(&t);
	x->n = 0;
	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	if (len > 0 &&
	    (rc = ags_trust_parse(&t, buf, len, x->trust_file, err)) != AGS_OK)
		return rc;
	for (i = 0; i < x->s->n; i++) {
		const struct ags_ssh_signer *s = &x->s->v[i];
		struct ags_trust_entry *e = &x->e[x->n];
		if ((line = listed(&t, s)) != 0) {
			say_listed(x, s, line);
			continue;
		}
		memset(e, 0, sizeof(*e));
		memcpy(e->pk, s->key.pk, sizeof(e->pk));
		e->identity = s->key.name;
		e->email = s->key.email;
		e->roles = x->roles;
		e->valid_after = s->valid_after;
		e->valid_before = s->valid_before;
		x->n++;
	}
	ags_trust_release(&t);
	if (x->n == 0) {
		x->nothing = 1; /* not an error: nothing is written */
		return AGS_ERR_EXISTS;
	}
	return ags_trust_add_entries(out, out_len, buf, len, x->e, x->n,
	                             x->trust_file, err);
}

static void say_notes(const char *path, const struct ags_ssh_signers *s)
{
	size_t i;

	for (i = 0; i < s->nnotes; i++) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, path);
		fprintf(stderr, ": warning: line %ld: %s", s->notes[i].line,
		        s->notes[i].skipped ? "skipped: " : "");
		cli_put_escaped(stderr, s->notes[i].why);
		fputc('\n', stderr);
	}
}

/* One look-alike pair of the file as written (threat model T3), told as
 * trust add tells it. */
static void warn_similar(void *ctx, const struct ags_trust_entry *e,
                         const struct ags_trust_entry *o, int same)
{
	const struct import_ctx *x = ctx;

	(void)e;
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, x->trust_file);
	fprintf(stderr, ": warning: line %ld: key %s is trusted as \"", o->line,
	        o->key_id);
	cli_put_escaped(stderr, o->identity);
	fputs(same ? "\" too\n"
	           : "\", which looks alike (the same name after Unicode "
	             "normalization and case folding)\n",
	      stderr);
}

/* 1 when the last x->n entries of t are the keys added, in order: the
 * file as written (another edit may have come since). */
static int ends_with_added(const struct import_ctx *x,
                           const struct ags_trust *t)
{
	size_t i;

	if (t->n < x->n)
		return 0;
	for (i = 0; i < x->n; i++)
		if (memcmp(t->entries[t->n - x->n + i].pk, x->e[i].pk,
		           AGS_PUBLICKEY_BYTES) != 0)
			return 0;
	return 1;
}

static void say_added(const struct import_ctx *x)
{
	struct ags_trust t;
	size_t i;
	int have;

	if (x->upgraded) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, x->trust_file);
		fputs(": upgraded to " AGS_FORMAT_TRUST "\n", stderr);
	}
	for (i = 0; i < x->n; i++) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, x->trust_file);
		fprintf(stderr, ": added key %s (", x->e[i].key_id);
		cli_put_escaped(stderr, x->e[i].identity);
		fputs(")\n", stderr);
	}
	/* The file as written, for the look-alike warnings only. */
	have = ags_trust_load(&t, x->trust_file, NULL) == AGS_OK;
	if (have && ends_with_added(x, &t))
		(void)ags_trust_each_similar(&t, t.n - x->n, warn_similar,
		                             (void *)x);
	if (have)
		ags_trust_release(&t);
}

static int import_keys(struct import_ctx *x, struct ags_error *err)
{
	size_t i;

	x->e = calloc(x->s->n ? x->s->n : 1, sizeof(*x->e));
	if (!x->e) {
		cli_errorf(x->trust_file, "out of memory");
		return EXIT_TROUBLE;
	}
	if (ags_file_edit_locked(x->trust_file, AGS_TRUST_MAX, import_edit, x,
	                         err) != AGS_OK) {
		if (!x->nothing) {
			cli_error(err);
			return EXIT_TROUBLE;
		}
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, x->trust_file);
		fputs(": no key to add: the trust file is unchanged\n", stderr);
		return EXIT_OK;
	}
	for (i = 0; i < x->n; i++)
		ags_key_id(x->e[i].key_id, x->e[i].pk);
	say_added(x);
	return EXIT_OK;
}

int cli_trust_import_ssh(const char *trust_file, const char *path,
                         unsigned roles)
{
	struct ags_error err = {0};
	struct ags_ssh_signers s;
	struct import_ctx x;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if (ags_file_read(&buf, &len, path, AGS_SSH_SIGNERS_MAX, &err) !=
	            AGS_OK ||
	    ags_ssh_signers_parse(&s, buf, len, path, &err) != AGS_OK) {
		cli_error(&err);
		free(buf);
		ags_ssh_signers_release(&s);
		return EXIT_TROUBLE;
	}
	free(buf);
	say_notes(path, &s);
	memset(&x, 0, sizeof(x));
	x.trust_file = trust_file;
	x.s = &s;
	x.roles = roles;
	if (s.n == 0) {
		cli_errorf(path, "no Ed25519 key to import: the trust file is "
		                 "unchanged");
		rc = EXIT_OK;
	} else if (ags_trust_is_db(trust_file)) {
		rc = cli_trust_db_import_ssh(trust_file, &s, path, roles);
	} else {
		rc = import_keys(&x, &err);
	}
	free(x.e);
	ags_ssh_signers_release(&s);
	return rc;
}
