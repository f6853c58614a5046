/* fuzz_extract: metadata extraction (src/lib/text/extract.c,
 * extract_scan.c), on the raw input and on its canonical text. Properties:
 * every value found passes the field rules (ags_field_check: UTF-8,
 * 1..1024 bytes, no control character, no outer space) and is NFC; a
 * license is a CC id; extraction is deterministic; the metadata
 * serializes with JCS. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_value(const char *name, const char *v)
{
	size_t n;

	if (!v)
		return;
	n = strlen(v);
	FUZZ_CHECK(ags_field_check(v, n) == NULL,
	           "%s fails the field rules: %s", name, ags_field_check(v, n));
	FUZZ_CHECK(fuzz_is_nfc(v, n), "%s is not NFC", name);
}

static void check_metadata(const struct ags_metadata *md)
{
	json_t *j;
	char *jcs = NULL;
	size_t len = 0;
	struct ags_error err;

	check_value("title", md->title);
	check_value("corresponding_author", md->corresponding_author);
	check_value("proceedings", md->proceedings);
	check_value("publisher", md->publisher);
	check_value("license", md->license);
	check_value("agreement_date", md->agreement_date);
	FUZZ_CHECK(!md->license || strncmp(md->license, "CC-BY-", 6) == 0 ||
	                   strncmp(md->license, "CC0-", 4) == 0,
	           "license \"%s\" is not a CC id", md->license);
	j = ags_metadata_to_json(md);
	FUZZ_CHECK(j != NULL, "metadata to JSON failed");
	ags_error_clear(&err);
	FUZZ_CHECK(ags_jcs_serialize(&jcs, &len, j, &err) == AGS_OK,
	           "JCS refuses extracted metadata: %s", err.text);
	free(jcs);
	json_decref(j);
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void extract_twice(const char *t, size_t n)
{
	struct ags_metadata a, b;
	struct ags_error err;

	ags_metadata_init(&a);
	ags_metadata_init(&b);
	ags_error_clear(&err);
	FUZZ_CHECK(ags_extract(&a, t, n, &err) == AGS_OK, "extract failed: %s",
	           err.text);
	FUZZ_CHECK(ags_extract(&b, t, n, &err) == AGS_OK, "extract failed: %s",
	           err.text);
	check_metadata(&a);
	FUZZ_CHECK(
	        same(a.title, b.title) &&
	                same(a.corresponding_author, b.corresponding_author) &&
	                same(a.proceedings, b.proceedings) &&
	                same(a.publisher, b.publisher) &&
	                same(a.license, b.license) &&
	                same(a.agreement_date, b.agreement_date),
	        "two extractions differ");
	/* Extracting into a filled record replaces every field. */
	FUZZ_CHECK(ags_extract(&a, t, n, &err) == AGS_OK, "extract failed: %s",
	           err.text);
	FUZZ_CHECK(same(a.title, b.title), "re-extraction differs");
	ags_metadata_release(&a);
	ags_metadata_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size), *canon = NULL;
	size_t len = 0;
	struct ags_error err;

	extract_twice(in, size);
	ags_error_clear(&err);
	if (ags_canon_text(&canon, &len, data, size, NULL, &err) == AGS_OK) {
		char *exact = fuzz_copy((const uint8_t *)canon, len);
		extract_twice(exact, len);
		free(exact);
		free(canon);
	}
	free(in);
	return 0;
}
