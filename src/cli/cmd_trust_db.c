/* agreesign trust import|export: a publisher's SQLite trust store to and
 * from the text trust file (spec/trust-db.md). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_trust_import(const char *store, const char *input)
{
	struct ags_error err = {0};
	struct ags_trust_db *db = NULL;
	struct ags_trust_db_count n;
	int64_t now;
	FILE *in = stdin;
	const char *source = "(standard input)";
	int rc = EXIT_TROUBLE;

	if (cli_signing_time(&now, NULL) != 0)
		return EXIT_TROUBLE;
	if (strcmp(input, "-") != 0) {
		source = input;
		if (!(in = fopen(input, "rb"))) {
			cli_errorf(input, "cannot open: %s", strerror(errno));
			return EXIT_TROUBLE;
		}
	}
	if (ags_trust_db_open(&db, store, AGS_TRUST_DB_CREATE, &err) !=
	            AGS_OK ||
	    ags_trust_db_import(db, in, source, now, &n, &err) != AGS_OK) {
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
