/* agreesign trust add|list|remove|revoke|set: keep a publisher's trust
 * file. Edits hold an exclusive lock around read, change and atomic
 * replace, and write version 2 (a v1 file is upgraded). */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
        "usage: agreesign trust add -t TRUSTFILE [--role ROLES]... "
        "[--valid-after DATE]\n"
        "                           [--valid-before DATE] [--email E] "
        "[--orcid O]\n"
        "                           [--name NAME] KEY.pub\n"
        "       agreesign trust import-ssh -t TRUSTFILE [--role ROLES]... "
        "ALLOWED_SIGNERS\n"
        "       agreesign trust list -t TRUSTFILE [--json]\n"
        "       agreesign trust remove -t TRUSTFILE KEY\n"
        "       agreesign trust revoke -t TRUSTFILE --reason TEXT [--time "
        "DATE] KEY\n"
        "       agreesign trust set -t TRUSTFILE [--role ROLE]... "
        "[--valid-after DATE|none]\n"
        "                           [--valid-before DATE|none] [--email "
        "E|none]\n"
        "                           [--orcid O|none] [--name NAME] KEY\n"
        "       agreesign trust add-tsa -t TRUSTFILE --name NAME "
        "[--valid-after DATE]\n"
        "                               [--valid-before DATE] "
        "CERT.pem|CERT.der\n"
        "       agreesign trust revoke-tsa -t TRUSTFILE --name NAME "
        "--reason TEXT\n"
        "                                  [--time DATE]\n"
        "       agreesign trust remove-tsa -t TRUSTFILE --name NAME\n"
        "       agreesign trust import -t STORE FILE|-\n"
        "       agreesign trust export -t STORE\n"
        "       agreesign trust history -t STORE [--json] [KEY | --name "
        "NAME]\n\n"
        "Keep a trust file: which key belongs to whom, for which roles and "
        "times.\n'add' appends KEY.pub under the name, e-mail and ORCID it "
        "holds (the file\nis created when missing), refuses a key already "
        "listed and warns when\nanother key has the same or a look-alike "
        "name; 'revoke' marks a key\nrevoked: every signature by it then "
        "fails, naming the reason; 'remove'\ndeletes a key's line (its "
        "signatures then fail as untrusted, not as\nrevoked: revoke a stolen "
        "key instead); 'set' changes a key's roles,\nvalidity, name, e-mail "
        "or ORCID (not a revoked key's); 'list' shows the\nkeys, then the "
        "pinned TSAs. KEY is a "
        "key id or a .pub file.\n\n"
        "A .pub may be an OpenSSH Ed25519 public key (ssh-keygen's .pub, "
        "or one line\nof authorized_keys or a forge's USER.keys): it holds "
        "no name, so 'add'\nneeds --name (--email and --orcid are "
        "optional).\n'import-ssh' adds the ssh-ed25519 keys of an OpenSSH "
        "allowed_signers\nfile in one edit (all or none): the first "
        "principal is the name (and\nthe e-mail when it is one), "
        "valid-after/valid-before carry over (times\nmust end in Z); lines "
        "with other key types, cert-authority, a principal\npattern, a "
        "namespaces list without \"agreesign\", or a key already\nlisted "
        "are skipped with a warning. Into a store: one transaction, by\n"
        "the rules of 'import'.\n\n"
        "'add-tsa' pins a time-stamping authority (a tsa record): CERT is "
        "the\nTSA's certificate or the CA certificate that issued it (PEM "
        "or DER),\nunder NAME; its timestamps then prove signing times, "
        "for tokens dated\ninside the window. It refuses a NAME or a "
        "certificate already pinned.\n'revoke-tsa' marks a TSA revoked "
        "(its tokens then prove nothing, as for\na TSA whose key was "
        "stolen); 'remove-tsa' deletes its record.\n\n"
        "Edits write version 2 of the format (a v1 file is upgraded, and "
        "the\ncommand says so), keep comments and order, replace the file "
        "atomically\nand hold an exclusive lock on TRUSTFILE.lock, so "
        "concurrent edits are\nnever lost. The lock file stays: it holds "
        "nothing, and deleting it while\nan edit runs would let a second "
        "edit in. A symbolic link is followed\n(the file it leads to is "
        "edited and locked); a file with a second hard\nlink is refused.\n\n"
        "TRUSTFILE may also be a SQLite trust store (told by its content; "
        "spec/\ntrust-db.md), for a publisher with many authors: 'import' "
        "reads a text\ntrust file (or standard input) into STORE, created "
        "when missing, in one\ntransaction (a record already there is "
        "skipped, a different one for the\nsame key is an error naming its "
        "line); 'export' writes STORE as a text\ntrust file on standard "
        "output. On a store every edit is one transaction\nwith its row in "
        "the store's append-only history, which 'history' shows\n(of KEY "
        "only, or of the TSA NAME, when given) after checking its\nhash "
        "chain.\n\n";

/* Printed after help (one string would pass the 4095 bytes C11 allows). */
static const char help_opts[] =
        "Options:\n"
        "  -t, --trust TRUSTFILE     the trust file\n"
        "  -r, --role ROLES          roles, comma-separated (author,co-author,"
        "\n                            publisher); repeatable\n"
        "                            (default: author and co-author)\n"
        "      --valid-after DATE    signatures claimed before DATE fail "
        "(add-tsa:\n"
        "                            tokens dated before DATE prove "
        "nothing)\n"
        "      --valid-before DATE   signatures claimed at or after DATE "
        "fail\n"
        "                            (add-tsa: tokens dated at or after "
        "it)\n"
        "      --email E             the e-mail trusted for the key "
        "(default: the\n"
        "                            .pub's; 'none': no e-mail)\n"
        "      --orcid O             the same for the ORCID iD\n"
        "      --name NAME           the identity trusted for the key "
        "(set; add\n"
        "                            of an OpenSSH key); the TSA's name "
        "(*-tsa)\n"
        "      --reason TEXT         why the key or TSA is revoked\n"
        "      --time DATE           when it was revoked (default: now)\n"
        "  -j, --json                list or history as JSON Lines\n"
        "  -h, --help                show this help\n\n"
        "DATE is YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ; 'none' "
        "(set)\ndrops the bound.\n"
        "Exit status: 0 done, 2 usage, input or I/O error (file unchanged).\n";

/* YYYY-MM-DD or the full RFC 3339 UTC form. */
/* A bound of the window: a date, or "none" (unbounded: unset). */
static int parse_bound(int64_t *out, const char *s, int64_t unset)
{
	if (strcmp(s, "none") == 0) {
		*out = unset;
		return 0;
	}
	return cli_parse_time(out, s);
}

enum { OPT_EMAIL = 256, OPT_ORCID, OPT_NAME };

static int parse(struct cli_trust_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"trust", required_argument, NULL, 't'},
	        {"role", required_argument, NULL, 'r'},
	        {"valid-after", required_argument, NULL, 'A'},
	        {"valid-before", required_argument, NULL, 'B'},
	        {"reason", required_argument, NULL, 'R'},
	        {"time", required_argument, NULL, 'T'},
	        {"email", required_argument, NULL, OPT_EMAIL},
	        {"orcid", required_argument, NULL, OPT_ORCID},
	        {"name", required_argument, NULL, OPT_NAME},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "t:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->file = optarg; break;
		case 'R': o->reason = optarg; break;
		case 'T': o->time = optarg; break;
		case 'j': o->json = 1; break;
		case OPT_EMAIL: o->email = optarg; break;
		case OPT_ORCID: o->orcid = optarg; break;
		case OPT_NAME: o->name = optarg; break;
		case 'r':
			if (cli_parse_roles(&o->roles, optarg) != 0)
				return cli_usage(
				        "trust",
				        "bad role list '%s': roles are "
				        "author, co-author, publisher, "
				        "comma-separated",
				        optarg);
			break;
		case 'A':
		case 'B':
			if (parse_bound(c == 'A' ? &o->after : &o->before,
			                optarg,
			                c == 'A' ? INT64_MIN : INT64_MAX) != 0)
				return cli_usage("trust", "bad date '%s'",
				                 optarg);
			*(c == 'A' ? &o->set_after : &o->set_before) = 1;
			break;
		case 'h':
			cli_help(help);
			cli_help(help_opts);
			return -1; /* done: exit 0 */
		default: return cli_usage("trust", "bad option");
		}
	}
	if (!o->file)
		return cli_usage("trust", "-t TRUSTFILE is required");
	o->arg = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc)
		return cli_usage("trust", "unexpected argument '%s'",
		                 argv[optind + 1]);
	return EXIT_OK;
}

/* What an edit needs, and what it found out under the lock. */
struct edit_ctx {
	const struct cli_trust_opts *o;
	struct ags_pubkey *pub;       /* add */
	const char *key_id;           /* remove, revoke, set */
	struct ags_trust_change ch;   /* set */
	int64_t when;                 /* revoke */
	int upgraded;                 /* the file was v1 */
	struct ags_trust after;       /* add, set: the new file */
	char name[AGS_FIELD_MAX + 1]; /* the edited key's identity */
};

/* Before an edit: was the file v1? After it: the new file, parsed. */
static enum ags_err edit_done(struct edit_ctx *x, enum ags_err rc,
                              const char *out, size_t out_len,
                              struct ags_error *err)
{
	if (rc == AGS_OK && (x->pub || x->ch.name))
		rc = ags_trust_parse(&x->after, out, out_len, x->o->file, err);
	return rc;
}

static enum ags_err add_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *ctx, struct ags_error *err)
{
	struct edit_ctx *x = ctx;
	const struct cli_trust_opts *o = x->o;

	enum ags_err rc;

	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	rc = ags_trust_add(out, out_len, buf, len, x->pub,
	                   o->roles ? o->roles
	                            : AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR,
	                   o->after, o->before, o->file, err);
	return edit_done(x, rc, *out, *out_len, err);
}

/* The upgrade notice, once per edit that upgraded a v1 file. */
static void say_upgraded(const struct edit_ctx *x)
{
	if (!x->upgraded)
		return;
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, x->o->file);
	fputs(": upgraded to " AGS_FORMAT_TRUST "\n", stderr);
}

/* Warns about each other key of the same or a look-alike identity. */
static void warn_similar(const struct edit_ctx *x, const char *identity,
                         const uint8_t *pk)
{
	const struct ags_trust_entry *e;
	size_t i = 0;
	int same;

	while ((e = ags_trust_next_similar(&x->after, &i, identity, pk,
	                                   &same)) != NULL) {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, x->o->file);
		fprintf(stderr, ": warning: line %ld: key %s is trusted as ",
		        e->line, e->key_id);
		fputc('"', stderr);
		cli_put_escaped(stderr, e->identity);
		fputs(same ? "\" too\n"
		           : "\", which looks alike (the same name after "
		             "Unicode normalization and case folding)\n",
		      stderr);
	}
}

/* "none" drops a value; anything else is taken in NFC. */
static char *value_or_none(const char *v, int *bad)
{
	char *nfc;

	if (!v || strcmp(v, "none") == 0)
		return NULL;
	if (!(nfc = ags_text_nfc(v)))
		*bad = 1;
	return nfc;
}

/* --email/--orcid override the .pub's identity. */
static int add_override(struct ags_pubkey *pub, const struct cli_trust_opts *o,
                        struct ags_error *err)
{
	char *name, *email, *orcid;
	int bad = 0, rc;

	if (!o->email && !o->orcid)
		return 0;
	name = strdup(pub->name);
	email = o->email ? value_or_none(o->email, &bad)
	                 : (pub->email ? strdup(pub->email) : NULL);
	orcid = o->orcid ? value_or_none(o->orcid, &bad)
	                 : (pub->orcid ? strdup(pub->orcid) : NULL);
	rc = bad || !name ||
	     ags_pubkey_set_identity(pub, name, email, orcid, err) != AGS_OK;
	if (bad)
		cli_errorf(o->email ? "--email" : "--orcid", "not valid UTF-8");
	else if (rc)
		cli_error(err);
	free(name);
	free(email);
	free(orcid);
	return rc ? -1 : 0;
}

/* An OpenSSH key names nobody: --name gives its identity, --email and
 * --orcid add to it. */
static int add_ssh_identity(struct ags_pubkey *pub,
                            const struct cli_trust_opts *o,
                            struct ags_error *err)
{
	char *name = NULL, *email = NULL, *orcid = NULL;
	int bad = 0, rc;

	if (!o->name) {
		cli_errorf(o->arg, "an OpenSSH key holds no name: give --name "
		                   "NAME (--email and --orcid are optional)");
		return -1;
	}
	if (!(name = ags_text_nfc(o->name)))
		bad = 1;
	email = value_or_none(o->email, &bad);
	orcid = value_or_none(o->orcid, &bad);
	rc = bad ||
	     ags_pubkey_set_identity(pub, name, email, orcid, err) != AGS_OK;
	if (bad)
		cli_errorf("--name", "--name, --email or --orcid is not valid "
		                     "UTF-8");
	else if (rc)
		cli_error(err);
	free(name);
	free(email);
	free(orcid);
	return rc ? -1 : 0;
}

/* The identity of the key to add: the .pub's (--email, --orcid override
 * it), or for an OpenSSH key the one the options give. */
static int add_identity(struct ags_pubkey *pub, const struct cli_trust_opts *o,
                        struct ags_error *err)
{
	if (!pub->name)
		return add_ssh_identity(pub, o, err);
	if (o->name) {
		cli_errorf(o->arg, "--name is for an OpenSSH key: an agreesign "
		                   ".pub names its owner (change a trusted "
		                   "name with trust set)");
		return -1;
	}
	return add_override(pub, o, err);
}

static int do_add(const struct cli_trust_opts *o)
{
	struct ags_error err = {0};
	struct ags_pubkey pub;
	struct edit_ctx x;
	int rc = EXIT_OK;

	if (!o->arg)
		return cli_usage("trust", "trust add needs KEY.pub");
	ags_pubkey_init(&pub);
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.pub = &pub;
	if (ags_pubkey_load_any(&pub, NULL, o->arg, &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else if (add_identity(&pub, o, &err) != 0) {
		rc = EXIT_TROUBLE;
	} else if (ags_trust_is_db(o->file)) {
		rc = cli_trust_db_add(o, &pub);
	} else if (ags_file_edit_locked(o->file, AGS_TRUST_MAX, add_edit, &x,
	                                &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		say_upgraded(&x);
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, o->file);
		fprintf(stderr, ": added key %s (", pub.key_id);
		cli_put_escaped(stderr, pub.name);
		fputs(")\n", stderr);
		warn_similar(&x, pub.name, pub.pk);
	}
	ags_trust_release(&x.after);
	ags_pubkey_release(&pub);
	return rc;
}

/* Runs an edit of an existing trust file. */
static int edit_existing(const struct cli_trust_opts *o, ags_edit_fn fn,
                         struct edit_ctx *x)
{
	struct ags_error err = {0};

	if (access(o->file, F_OK) != 0) {
		cli_errorf(o->file, "no such trust file");
		return EXIT_TROUBLE;
	}
	if (ags_file_edit_locked(o->file, AGS_TRUST_MAX, fn, x, &err) !=
	    AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	say_upgraded(x);
	return EXIT_OK;
}

/* KEY: a key id (32 lowercase hex digits) or a .pub file, as a key id. */
static int resolve_key(char id[AGS_KEYID_HEX + 1], const char *key)
{
	struct ags_error err = {0};
	struct ags_pubkey pub;
	int rc = 0;

	if (strlen(key) == AGS_KEYID_HEX &&
	    strspn(key, "0123456789abcdef") == AGS_KEYID_HEX) {
		memcpy(id, key, AGS_KEYID_HEX + 1);
		return 0;
	}
	ags_pubkey_init(&pub);
	if (ags_pubkey_load_any(&pub, NULL, key, &err) != AGS_OK) {
		cli_error(&err);
		rc = -1;
	} else {
		memcpy(id, pub.key_id, AGS_KEYID_HEX + 1);
	}
	ags_pubkey_release(&pub);
	return rc;
}

/* The identity of key_id in the parsed file, for messages. */
static void note_name(struct edit_ctx *x, const char *buf, size_t len)
{
	struct ags_trust t;
	size_t i;

	if (ags_trust_parse(&t, buf, len, x->o->file, NULL) != AGS_OK)
		return;
	for (i = 0; i < t.n; i++)
		if (strcmp(t.entries[i].key_id, x->key_id) == 0)
			snprintf(x->name, sizeof(x->name), "%s",
			         t.entries[i].identity);
	ags_trust_release(&t);
}

static enum ags_err remove_edit(char **out, size_t *out_len, const char *buf,
                                size_t len, void *ctx, struct ags_error *err)
{
	struct edit_ctx *x = ctx;

	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	note_name(x, buf, len);
	return ags_trust_remove(out, out_len, buf, len, x->key_id, x->o->file,
	                        err);
}

static void say_done(const struct edit_ctx *x, const char *what)
{
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, x->o->file);
	fprintf(stderr, ": %s key %s (", what, x->key_id);
	cli_put_escaped(stderr, x->name);
	fputs(")\n", stderr);
}

static enum ags_err revoke_edit(char **out, size_t *out_len, const char *buf,
                                size_t len, void *ctx, struct ags_error *err)
{
	struct edit_ctx *x = ctx;

	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	note_name(x, buf, len);
	return ags_trust_revoke(out, out_len, buf, len, x->key_id, x->when,
	                        x->o->reason, x->o->file, err);
}

static int do_revoke(const struct cli_trust_opts *o)
{
	char id[AGS_KEYID_HEX + 1];
	struct edit_ctx x;
	int rc;

	if (!o->arg || !o->reason)
		return cli_usage("trust",
		                 "trust revoke needs KEY and --reason");
	memset(&x, 0, sizeof(x));
	x.o = o;
	if (o->time ? cli_parse_time(&x.when, o->time) != 0
	            : cli_signing_time(&x.when, NULL) != 0)
		return cli_usage("trust", "bad --time '%s'", o->time);
	if (resolve_key(id, o->arg) != 0)
		return EXIT_TROUBLE;
	if (ags_trust_is_db(o->file))
		return cli_trust_db_edit(o, "revoke", id, NULL, x.when);
	x.key_id = id;
	if ((rc = edit_existing(o, revoke_edit, &x)) != EXIT_OK)
		return rc;
	say_done(&x, "revoked");
	return EXIT_OK;
}

static int do_remove(const struct cli_trust_opts *o)
{
	char id[AGS_KEYID_HEX + 1];
	struct edit_ctx x;
	int rc;

	if (!o->arg)
		return cli_usage("trust", "trust remove needs KEY");
	if (o->roles || o->set_after || o->set_before || o->email || o->orcid ||
	    o->name || o->reason || o->time || o->json)
		return cli_usage("trust", "trust remove takes only -t and KEY");
	if (resolve_key(id, o->arg) != 0)
		return EXIT_TROUBLE;
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.key_id = id;
	rc = ags_trust_is_db(o->file)
	             ? cli_trust_db_edit(o, "remove", id, NULL, 0)
	             : edit_existing(o, remove_edit, &x);
	if (rc != EXIT_OK)
		return rc;
	if (!ags_trust_is_db(o->file))
		say_done(&x, "removed");
	fputs("agreesign: removal is not revocation: a signature by this key "
	      "is now\n  \"untrusted\", not \"revoked\"; for a stolen key, "
	      "use 'trust revoke'\n",
	      stderr);
	return EXIT_OK;
}

static enum ags_err set_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *ctx, struct ags_error *err)
{
	struct edit_ctx *x = ctx;

	enum ags_err rc;

	x->upgraded = len > 0 && ags_trust_text_version(buf, len) == 1;
	note_name(x, buf, len);
	rc = ags_trust_set(out, out_len, buf, len, x->key_id, &x->ch,
	                   x->o->file, err);
	return edit_done(x, rc, *out, *out_len, err);
}

/* The change that set's options ask for (strings malloc'd in NFC). */
static int set_change(struct ags_trust_change *ch,
                      const struct cli_trust_opts *o)
{
	int bad = 0;

	memset(ch, 0, sizeof(*ch));
	ch->roles = o->roles;
	ch->change_after = o->set_after;
	ch->valid_after = o->after;
	ch->change_before = o->set_before;
	ch->valid_before = o->before;
	if (o->name && !(ch->name = ags_text_nfc(o->name)))
		bad = 1;
	if (o->email)
		ch->email = strcmp(o->email, "none") == 0
		                    ? strdup("")
		                    : value_or_none(o->email, &bad);
	if (o->orcid)
		ch->orcid = strcmp(o->orcid, "none") == 0
		                    ? strdup("")
		                    : value_or_none(o->orcid, &bad);
	if (bad || (o->email && !ch->email) || (o->orcid && !ch->orcid)) {
		cli_errorf("trust set", "a value is not valid UTF-8");
		return -1;
	}
	return 0;
}

static int do_set(const struct cli_trust_opts *o)
{
	char id[AGS_KEYID_HEX + 1];
	struct edit_ctx x;
	int rc;

	if (!o->arg)
		return cli_usage("trust", "trust set needs KEY");
	if (o->reason || o->time || o->json)
		return cli_usage("trust", "--reason, --time and --json are not "
		                          "for trust set");
	if (!o->roles && !o->set_after && !o->set_before && !o->email &&
	    !o->orcid && !o->name)
		return cli_usage("trust",
		                 "trust set needs something to change");
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.key_id = id;
	rc = resolve_key(id, o->arg) != 0 || set_change(&x.ch, o) != 0
	             ? EXIT_TROUBLE
	     : ags_trust_is_db(o->file)
	             ? cli_trust_db_edit(o, "set", id, &x.ch, 0)
	             : edit_existing(o, set_edit, &x);
	if (rc == EXIT_OK && !ags_trust_is_db(o->file)) {
		const struct ags_trust_entry *e;
		size_t i;
		say_done(&x, "changed");
		for (i = 0; i < x.after.n; i++)
			if (strcmp((e = &x.after.entries[i])->key_id, id) == 0)
				warn_similar(&x, e->identity, e->pk);
	}
	free((char *)x.ch.name);
	free((char *)x.ch.email);
	free((char *)x.ch.orcid);
	ags_trust_release(&x.after);
	return rc;
}

static int do_import_ssh(const struct cli_trust_opts *o)
{
	if (!o->arg)
		return cli_usage("trust",
		                 "trust import-ssh needs ALLOWED_SIGNERS");
	if (o->set_after || o->set_before || o->email || o->orcid || o->name ||
	    o->reason || o->time || o->json)
		return cli_usage("trust", "trust import-ssh takes only -t, "
		                          "--role and ALLOWED_SIGNERS");
	return cli_trust_import_ssh(
	        o->file, o->arg,
	        o->roles ? o->roles : AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR);
}

static int do_import(const struct cli_trust_opts *o)
{
	if (!o->arg)
		return cli_usage("trust", "trust import needs FILE (or -)");
	return cli_trust_import(o->file, o->arg);
}

static int do_export(const struct cli_trust_opts *o)
{
	if (o->arg)
		return cli_usage("trust", "trust export takes no argument");
	return cli_trust_export(o->file);
}

static int do_history(const struct cli_trust_opts *o)
{
	char id[AGS_KEYID_HEX + 1], tsa[AGS_FIELD_MAX + 8];

	/* a tsa record's rows name it "tsa NAME" (spec/trust-db.md §5) */
	if (o->name && o->arg)
		return cli_usage("trust", "trust history takes KEY or --name "
		                          "NAME (a TSA), not both");
	if (o->name) {
		snprintf(tsa, sizeof(tsa), "tsa %s", o->name);
		return cli_trust_history(o, tsa);
	}

	if (o->arg && resolve_key(id, o->arg) != 0)
		return EXIT_TROUBLE;
	return cli_trust_history(o, o->arg ? id : NULL);
}

int cmd_trust(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct cli_trust_opts *o);
	} verbs[] = {{"add", do_add},
	             {"add-tsa", cli_trust_add_tsa},
	             {"export", do_export},
	             {"history", do_history},
	             {"import", do_import},
	             {"import-ssh", do_import_ssh},
	             {"list", cli_trust_list},
	             {"remove", do_remove},
	             {"remove-tsa", cli_trust_remove_tsa},
	             {"revoke", do_revoke},
	             {"revoke-tsa", cli_trust_revoke_tsa},
	             {"set", do_set}};
	struct cli_trust_opts o;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.after = INT64_MIN;
	o.before = INT64_MAX;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			return cli_help(help) | cli_help(help_opts);
		return cli_usage("trust",
		                 "expected add, add-tsa, export, history, "
		                 "import, import-ssh, list, remove, "
		                 "remove-tsa, revoke, revoke-tsa or set");
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0]))
		return cli_usage("trust", "unknown verb '%s'", argv[1]);
	rc = parse(&o, argc - 1, argv + 1);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	return verbs[i].fn(&o);
}
