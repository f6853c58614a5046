/* The browser build's stand-ins for the SQLite trust store's reader
 * (format/trust_db*.c), which it leaves out: the page holds no SQLite. A
 * store given as the trust file is recognised by its header, as the CLI
 * does, and refused with a clear error; a text trust file works as in the
 * CLI. Linked only into build/web (web.mk). */
#include "internal.h"

#include <string.h>

/* The first 16 bytes of every SQLite database file. */
int ags_trust_is_db(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[sizeof(magic)];
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (!f)
		return 0;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, magic, sizeof(head)) == 0;
}

enum ags_err ags_trust_db_open(struct ags_trust_db **db, const char *path,
                               int mode, struct ags_error *err)
{
	(void)mode;
	*db = NULL;
	return ags_error_set(err, AGS_ERR_FORMAT, path, 0, 0,
	                     "SQLite trust stores are not supported in the "
	                     "browser: use `agreesign trust export` to write "
	                     "it as a trust file");
}

void ags_trust_db_close(struct ags_trust_db *db)
{
	(void)db;
}

enum ags_err ags_trust_db_lookup(struct ags_trust_db *db, const uint8_t *pk,
                                 const struct ags_trust_entry **out,
                                 struct ags_error *err)
{
	(void)db, (void)pk;
	*out = NULL;
	return ags_error_set(err, AGS_ERR_FORMAT, "trust store", 0, 0,
	                     "SQLite trust stores are not supported in the "
	                     "browser");
}

enum ags_err ags_trust_db_load_tsa(struct ags_trust_db *s, struct ags_trust *t,
                                   struct ags_error *err)
{
	(void)s, (void)t;
	return ags_error_set(err, AGS_ERR_FORMAT, "trust store", 0, 0,
	                     "SQLite trust stores are not supported in the "
	                     "browser");
}
