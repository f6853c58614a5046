/* agreesign trust import|export: a publisher's SQLite trust store to and
 * from the text trust file (spec/trust-db.md). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_trust_import(const char *store, const char *input)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	struct ags_trust_db_count n;
	int64_t now;
	FILE *in = stdin;
	const char *source = "(standard input)";
	int rc = EXIT_TROUBLE;
	long cores;

	if (cli_signing_time(&now, NULL) != 0)
		return EXIT_TROUBLE;
	if (strcmp(input, "-") != 0) {
		source = input;
		if (!(in = fopen(input, "rb"))) {
			cli_errorf(input, "cannot open: %s", strerror(errno));
			return EXIT_TROUBLE;
		}
	}
	/* The keys' checks run on every core while this thread reads and
	 * inserts (spec/trust-db.md §3: the result does not depend on it). */
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (ags_trust_db_open(&db, store, AGS_TRUST_DB_CREATE, &err) !=
	            AGS_OK ||
	    ags_trust_db_import(db, in, source, now,
	                        cores > 0 && cores < 1024 ? (unsigned)cores : 1,
	                        &n, &err) != AGS_OK) {
		cli_error(&err);
	} else {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, store);
		fprintf(stderr, ": imported %zu records (%zu already there)\n",
		        n.added, n.skipped);
		rc = EXIT_OK;
	}
	ags_trust_db_close(db);
	if (in != stdin)
		fclose(in);
	return rc;
}

static int put_stdout(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	return fwrite(line, 1, len, stdout) == len ? 0 : -1;
}

int cli_trust_export(const char *store)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	int rc = EXIT_OK;

	if (ags_trust_db_open(&db, store, AGS_TRUST_DB_READ, &err) != AGS_OK ||
	    ags_trust_db_export(db, put_stdout, NULL, &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	}
	ags_trust_db_close(db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "write error");
		rc = EXIT_TROUBLE;
	}
	return rc;
}

/* Opens the store for an edit, with the time of its history row. */
static int open_write(struct ags_trust_db **db, int64_t *now, const char *store)
{
	struct ags_error err = {0};

	*db = NULL;
	if (cli_signing_time(now, NULL) != 0)
		return EXIT_TROUBLE;
	if (ags_trust_db_open(db, store, AGS_TRUST_DB_WRITE, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static void say(const char *store, const char *what, const char *key_id,
                const char *name)
{
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, store);
	fprintf(stderr, ": %s key %s (", what, key_id);
	cli_put_escaped(stderr, name);
	fputs(")\n", stderr);
}

/* The look-alike warning of a text edit, for a store (no line: the key
 * id names the other record). */
static int warn_one(const struct ags_trust_entry *e, int same, void *ctx)
{
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, ctx);
	fprintf(stderr, ": warning: key %s is trusted as \"", e->key_id);
	cli_put_escaped(stderr, e->identity);
	fputs(same ? "\" too\n"
	           : "\", which looks alike (the same name after Unicode "
	             "normalization and case folding)\n",
	      stderr);
	return 0;
}

static void warn_similar(struct ags_trust_db *db, const char *store,
                         const char *identity, const char *key_id)
{
	struct ags_error err = {0};

	if (ags_trust_db_similar(db, identity, key_id, warn_one, (void *)store,
	                         &err) != AGS_OK)
		cli_error(&err);
}

int cli_trust_db_add(const struct cli_trust_opts *o,
                     const struct ags_pubkey *pub)
{
	struct ags_error err = {0};
	struct ags_trust_db *db;
	int64_t now;
	int rc = open_write(&db, &now, o->file);

	if (rc != EXIT_OK)
		return rc;
	if (ags_trust_db_add(db, pub,
	                     o->roles ? o->roles
	                              : AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR,
	                     o->after, o->before, now, &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		say(o->file, "added", pub->key_id, pub->name);
		warn_similar(db, o->file, pub->name, pub->key_id);
	}
	ags_trust_db_close(db);
	return rc;
}

int cli_trust_db_edit(const struct cli_trust_opts *o, const char *verb,
                      const char *key_id, const struct ags_trust_change *ch,
                      int64_t when)
{
	struct ags_error err = {0};
	struct ags_trust_db *db;
	char name[AGS_FIELD_MAX + 1] = "";
	int64_t now;
	enum ags_err e;
	int rc = open_write(&db, &now, o->file);

	if (rc != EXIT_OK)
		return rc;
	if (strcmp(verb, "revoke") == 0)
		e = ags_trust_db_revoke(db, key_id, when, o->reason, now, name,
		                        sizeof(name), &err);
	else if (strcmp(verb, "remove") == 0)
		e = ags_trust_db_remove(db, key_id, now, name, sizeof(name),
		                        &err);
	else
		e = ags_trust_db_set(db, key_id, ch, now, name, sizeof(name),
		                     &err);
	if (e != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		say(o->file,
		    verb[2] == 'v'   ? "revoked"
		    : verb[2] == 'm' ? "removed"
		                     : "changed",
		    key_id, name);
	}
	if (e == AGS_OK && ch && ch->name)
		warn_similar(db, o->file, name, key_id);
	ags_trust_db_close(db);
	return rc;
}

int cli_trust_db_import_ssh(const char *store, const struct ags_ssh_signers *ss,
                            const char *path, unsigned roles)
{
	struct ags_error err = {0};
	struct ags_trust_db *db;
	struct ags_trust_db_count n;
	unsigned char *added = calloc(ss->n ? ss->n : 1, 1);
	int64_t now;
	size_t i;
	int rc = added ? open_write(&db, &now, store) : EXIT_TROUBLE;

	if (!added)
		cli_errorf(store, "out of memory");
	if (rc != EXIT_OK) {
		free(added);
		return rc;
	}
	if (ags_trust_db_import_ssh(db, ss, roles, path, now, added, &n,
	                            &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	}
	for (i = 0; rc == EXIT_OK && i < ss->n; i++) {
		if (added[i]) {
			say(store, "added", ss->v[i].key.key_id,
			    ss->v[i].key.name);
			warn_similar(db, store, ss->v[i].key.name,
			             ss->v[i].key.key_id);
			continue;
		}
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, store);
		fprintf(stderr,
		        ": warning: key %s (allowed_signers line %ld) is "
		        "already in the store: skipped\n",
		        ss->v[i].key.key_id, ss->v[i].line);
	}
	ags_trust_db_close(db);
	free(added);
	return rc;
}

static int list_one(const struct ags_trust_entry *e, void *ctx)
{
	cli_trust_print_entry(e, *(const int *)ctx);
	return ferror(stdout) ? -1 : 0;
}

int cli_trust_db_list(const struct cli_trust_opts *o)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	int rc = EXIT_OK;

	if (ags_trust_db_open(&db, o->file, AGS_TRUST_DB_READ, &err) !=
	            AGS_OK ||
	    ags_trust_db_list(db, list_one, (void *)&o->json, &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	}
	ags_trust_db_close(db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "write error");
		rc = EXIT_TROUBLE;
	}
	return rc;
}

static void put_line(const char *mark, const char *line)
{
	if (!line)
		return;
	printf("    %s ", mark);
	cli_put_escaped(stdout, line);
	putchar('\n');
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int history_one(const struct ags_trust_db_event *ev, void *ctx)
{
	char when[21] = "?";
	char *text = NULL;
	json_t *o;

	ags_time_format(when, ev->at);
	if (*(const int *)ctx) {
		o = json_pack("{sIsssssssoso so}", "seq", (json_int_t)ev->seq,
		              "at", when, "op", ev->op, "record", ev->record,
		              "old", text_or_null(ev->old_line), "new",
		              text_or_null(ev->new_line), "reason",
		              text_or_null(ev->reason));
		if (!o || !(text = ags_json_dumps_sorted(o, NULL)))
			return -1;
		puts(text);
		free(text);
		json_decref(o);
	} else {
		printf("%lld  %s  %s  ", ev->seq, when, ev->op);
		cli_put_escaped(stdout, ev->record);
		if (ev->reason) {
			fputs("  reason: ", stdout);
			cli_put_escaped(stdout, ev->reason);
		}
		putchar('\n');
		put_line("-", ev->old_line);
		put_line("+", ev->new_line);
	}
	return ferror(stdout) ? -1 : 0;
}

int cli_trust_history(const struct cli_trust_opts *o, const char *key_id)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	uint8_t head[32];
	char hex[65];
	long long rows = 0;
	int rc = EXIT_OK, i;

	if (ags_trust_db_open(&db, o->file, AGS_TRUST_DB_READ, &err) !=
	            AGS_OK ||
	    ags_trust_db_history(db, key_id, history_one, (void *)&o->json,
	                         head, &rows, &err) != AGS_OK) {
		fflush(stdout);
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", head[i]);
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, o->file);
		fprintf(stderr,
		        ": history of %lld changes, chain intact; last chain "
		        "%s\n",
		        rows, hex);
	}
	ags_trust_db_close(db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "write error");
		rc = EXIT_TROUBLE;
	}
	return rc;
}
