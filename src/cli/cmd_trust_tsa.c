/* agreesign trust add-tsa|revoke-tsa|remove-tsa: pin a time-stamping
 * authority (spec §9.4 `tsa` records) in a text trust file or a SQLite
 * store, revoke it or unpin it. A text file is edited as the key edits
 * edit it (locked, atomic, a v1 file upgraded); a store in one
 * transaction with its history row. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What an edit of a text file needs, and whether it upgraded a v1 file. */
struct tsa_ctx {
	const struct cli_trust_opts *o;
	const struct ags_trust_tsa *add; /* add-tsa */
	const char *name;                /* revoke-tsa, remove-tsa */
	int64_t when;                    /* revoke-tsa */
	int upgraded;
};

static void say(const struct tsa_ctx *x, const char *what, const char *name)
{
	if (x->upgraded) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, x->o->file);
		fputs(": upgraded to " AGS_FORMAT_TRUST "\n", stderr);
	}
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, x->o->file);
	fprintf(stderr, ": %s tsa \"", what);
	cli_put_escaped(stderr, name);
	fputs("\"\n", stderr);
}

static enum ags_err tsa_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *ctx, struct ags_error *err)
{
	struct tsa_ctx *x = ctx;
	const char *f = x->o->file;

	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	if (x->add)
		return ags_trust_add_tsa(out, out_len, buf, len, x->add, f,
		                         err);
	if (x->o->reason)
		return ags_trust_revoke_tsa(out, out_len, buf, len, x->name,
		                            x->when, x->o->reason, f, err);
	return ags_trust_remove_tsa(out, out_len, buf, len, x->name, f, err);
}

/* Runs the edit on the text file or the store that -t names. */
static int run(struct tsa_ctx *x, const char *done, const char *name)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	const char *f = x->o->file;
	int64_t now;
	enum ags_err rc;

	if (!ags_trust_is_db(f)) {
		if (!x->add && access(f, F_OK) != 0) {
			cli_errorf(f, "no such trust file");
			return EXIT_TROUBLE;
		}
		rc = ags_file_edit_locked(f, AGS_TRUST_MAX, tsa_edit, x, &err);
	} else if (cli_signing_time(&now, NULL) != 0) {
		return EXIT_TROUBLE;
	} else if ((rc = ags_trust_db_open(&db, f, AGS_TRUST_DB_WRITE, &err)) ==
	           AGS_OK) {
		rc = x->add ? ags_trust_db_add_tsa(db, x->add, now, &err)
		     : x->o->reason
		             ? ags_trust_db_revoke_tsa(db, x->name, x->when,
		                                       x->o->reason, now, &err)
		             : ags_trust_db_remove_tsa(db, x->name, now, &err);
	}
	ags_trust_db_close(db);
	if (rc != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	say(x, done, name);
	return EXIT_OK;
}

/* The certificate file (PEM or DER) as DER in a->cert. */
static int read_cert(struct ags_trust_tsa *a, const char *path)
{
	struct ags_error err = {0};
	const char *why;
	char *buf = NULL;
	size_t len = 0;

	/* a PEM file may hold the certificate's text too: 1 MiB is ample */
	if (ags_file_read(&buf, &len, path, 1u << 20, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	why = ags_x509_decode(&a->cert, &a->cert_len, (const uint8_t *)buf,
	                      len);
	free(buf);
	if (why) {
		cli_errorf(path, "%s", why);
		return -1;
	}
	return 0;
}

int cli_trust_add_tsa(const struct cli_trust_opts *o)
{
	struct ags_trust_tsa a;
	struct tsa_ctx x = {o, &a, NULL, 0, 0};
	int rc;

	if (!o->arg || !o->name)
		return cli_usage("trust", "trust add-tsa needs --name NAME and "
		                          "CERT.pem (or CERT.der)");
	if (o->roles || o->email || o->orcid || o->reason || o->time || o->json)
		return cli_usage("trust",
		                 "trust add-tsa takes only -t, --name, "
		                 "--valid-after, --valid-before and "
		                 "CERT");
	memset(&a, 0, sizeof(a));
	a.valid_after = o->after;
	a.valid_before = o->before;
	if (!(a.name = ags_text_nfc(o->name))) {
		cli_errorf("--name", "not valid UTF-8");
		return EXIT_TROUBLE;
	}
	rc = read_cert(&a, o->arg) != 0 ? EXIT_TROUBLE
	                                : run(&x, "pinned", a.name);
	free(a.name);
	free(a.cert);
	return rc;
}

/* revoke-tsa (with --reason) and remove-tsa (without). */
static int change_tsa(const struct cli_trust_opts *o, int revoke)
{
	struct tsa_ctx x = {o, NULL, NULL, 0, 0};
	char *name;
	int rc;

	if (!o->name || o->arg || (revoke && !o->reason))
		return cli_usage("trust", revoke ? "trust revoke-tsa needs "
		                                   "--name NAME and --reason "
		                                   "TEXT"
		                                 : "trust remove-tsa needs "
		                                   "--name NAME");
	if (o->roles || o->set_after || o->set_before || o->email || o->orcid ||
	    o->json || (!revoke && (o->reason || o->time)))
		return cli_usage("trust",
		                 revoke ? "trust revoke-tsa takes only "
		                          "-t, --name, --reason and "
		                          "--time"
		                        : "trust remove-tsa takes only "
		                          "-t and --name");
	if (revoke && (o->time ? cli_parse_time(&x.when, o->time) != 0
	                       : cli_signing_time(&x.when, NULL) != 0))
		return cli_usage("trust", "bad --time '%s'", o->time);
	if (!(name = ags_text_nfc(o->name))) {
		cli_errorf("--name", "not valid UTF-8");
		return EXIT_TROUBLE;
	}
	x.name = name;
	rc = run(&x, revoke ? "revoked" : "removed", name);
	free(name);
	if (rc == EXIT_OK && !revoke)
		fputs("agreesign: its tokens now prove nothing, as a revoked "
		      "TSA's; for a TSA whose\n  key was stolen, 'trust "
		      "revoke-tsa' keeps the record and the reason\n",
		      stderr);
	return rc;
}

int cli_trust_revoke_tsa(const struct cli_trust_opts *o)
{
	return change_tsa(o, 1);
}

int cli_trust_remove_tsa(const struct cli_trust_opts *o)
{
	return change_tsa(o, 0);
}
