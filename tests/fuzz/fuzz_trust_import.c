/* fuzz_trust_import: `trust import` of text into a SQLite store
 * (src/lib/format/trust_db_import.c over the text reader's lines), into a
 * new in-memory store per input. Properties: a refused import gets an
 * error naming a line of it and leaves the store empty (one transaction);
 * an accepted one added a record per record line, its export reads back
 * as a trust file whose every key passes the Ed25519 checks, and importing
 * that export into another new store gives the same export byte for byte.
 * And the two readers agree: a text the trust file reader accepts, with
 * every key valid and every line within the import's 65,536 bytes, is
 * imported whole. */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_LINE_MAX 65536

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static int put_line(const char *line, size_t len, void *ctx)
{
	ags_buf_put(ctx, line, len);
	return 0;
}

/* The export of a new store into which text (len bytes) was imported, or
 * NULL when the import was refused (err, count set either way). */
static char *import_export(const char *text, size_t len, size_t *out_len,
                           struct ags_trust_db_count *count,
                           struct ags_error *err, enum ags_err *rc)
{
	struct ags_trust_db *db = NULL;
	struct ags_buf b = {0};
	FILE *in = fmemopen((void *)text, len, "r");

	FUZZ_CHECK(in != NULL, "fmemopen");
	FUZZ_CHECK(ags_trust_db_open(&db, ":memory:", AGS_TRUST_DB_CREATE,
	                             NULL) == AGS_OK,
	           "a new in-memory store");
	*rc = ags_trust_db_import(db, in, "fuzz", 1795000000, 0, count, err);
	fclose(in);
	FUZZ_CHECK(ags_trust_db_export(db, put_line, &b, NULL) == AGS_OK,
	           "export");
	ags_trust_db_close(db);
	return ags_buf_take(&b, out_len);
}

static long records(const char *text, size_t len)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	return n - 1; /* the header */
}

static size_t longest_line(const char *text, size_t len)
{
	size_t i, start = 0, max = 0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n') {
			if (i + 1 - start > max)
				max = i + 1 - start;
			start = i + 1;
		}
	return len - start > max ? len - start : max;
}

/* The export of an accepted import: a trust file, every key valid; and
 * imported again, the same export. */
static void check_export(const char *out, size_t out_len,
                         const struct ags_trust_db_count *count)
{
	struct ags_trust_db_count again;
	struct ags_trust t;
	struct ags_error err;
	enum ags_err rc;
	size_t len2 = 0;
	char *out2;

	FUZZ_CHECK(records(out, out_len) == (long)count->added,
	           "export of %ld records, %zu added", records(out, out_len),
	           count->added);
	ags_error_clear(&err);
	if (out_len <= AGS_TRUST_MAX) {
		FUZZ_CHECK(ags_trust_parse(&t, out, out_len, "export", &err) ==
		                   AGS_OK,
		           "export not a trust file: %s", err.text);
		FUZZ_CHECK(ags_trust_check_keys(&t, &err) == AGS_OK,
		           "export holds a bad key: %s", err.text);
		ags_trust_release(&t);
	}
	out2 = import_export(out, out_len, &len2, &again, &err, &rc);
	FUZZ_CHECK(rc == AGS_OK, "export not imported: %s", err.text);
	FUZZ_CHECK(again.added == count->added && again.skipped == 0,
	           "export imported as %zu added, %zu skipped", again.added,
	           again.skipped);
	FUZZ_CHECK(len2 == out_len && memcmp(out, out2, out_len) == 0,
	           "import of the export exports otherwise");
	free(out2);
}

/* What the trust file reader accepts, every key valid, is imported. */
static void check_agrees(const char *in, size_t size, enum ags_err rc,
                         const struct ags_trust_db_count *count,
                         const struct ags_error *ierr)
{
	struct ags_trust t;
	struct ags_error err;

	ags_error_clear(&err);
	if (ags_trust_parse(&t, in, size, "fuzz", &err) != AGS_OK)
		return;
	if (ags_trust_check_keys(&t, &err) == AGS_OK &&
	    longest_line(in, size) <= IMPORT_LINE_MAX) {
		FUZZ_CHECK(rc == AGS_OK, "a good trust file not imported: %s",
		           ierr->text);
		FUZZ_CHECK(count->added == t.n + t.ntsa,
		           "%zu records, %zu added", t.n + t.ntsa,
		           count->added);
	}
	ags_trust_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *out;
	struct ags_trust_db_count count;
	struct ags_error err;
	enum ags_err rc;
	size_t out_len = 0;

	/* fmemopen of 0 bytes is refused by some C libraries */
	if (size == 0)
		return 0;
	in = fuzz_copy(data, size);
	ags_error_clear(&err);
	out = import_export(in, size, &out_len, &count, &err, &rc);
	FUZZ_CHECK(out != NULL, "no export");
	if (rc != AGS_OK) {
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(records(out, out_len) == 0 && count.added == 0,
		           "a refused import left %ld records",
		           records(out, out_len));
	} else {
		check_export(out, out_len, &count);
	}
	check_agrees(in, size, rc, &count, &err);
	free(out);
	free(in);
	return 0;
}
