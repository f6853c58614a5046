/* fuzz_json: the strict JSON reader (src/lib/codec/json_read.c) against
 * jansson, differential. Property: ags_json_parse accepts exactly what
 * json_loadb(JSON_REJECT_DUPLICATES) accepts, except that it refuses every
 * input holding a NUL byte (jansson skips some); an accepted input gives
 * an equal tree with members in the same order (the compact dumps are
 * compared too); a refusal is AGS_ERR_JSON with jansson's words and
 * position, or for a NUL byte our own at a line of the input. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void same_tree(json_t *ours, json_t *theirs)
{
	char *a = json_dumps(ours, JSON_COMPACT);
	char *b = json_dumps(theirs, JSON_COMPACT);

	FUZZ_CHECK(json_equal(ours, theirs), "trees differ");
	FUZZ_CHECK(a && b && strcmp(a, b) == 0, "member order: %.200s / %.200s",
	           a ? a : "(null)", b ? b : "(null)");
	FUZZ_CHECK(ours->refcount == 1, "not a new reference");
	free(a);
	free(b);
}

static void same_refusal(const struct ags_error *err, const json_error_t *je)
{
	char want[sizeof(err->text)];

	snprintf(want, sizeof(want), "malformed JSON: %s", je->text);
	FUZZ_CHECK(strcmp(err->text, want) == 0, "\"%s\", jansson \"%s\"",
	           err->text, je->text);
	FUZZ_CHECK(err->line == je->line && err->column == je->column,
	           "at %ld:%ld, jansson %d:%d", err->line, err->column,
	           je->line, je->column);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	int nul = size > 0 && memchr(in, '\0', size) != NULL;
	struct ags_error err;
	json_error_t je;
	json_t *ours, *theirs;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_json_parse(&ours, in, size, "fuzz", &err);
	theirs = json_loadb(in, size, JSON_REJECT_DUPLICATES, &je);
	if (rc == AGS_OK) {
		FUZZ_CHECK(!nul, "accepted a NUL byte");
		FUZZ_CHECK(theirs != NULL, "accepted; jansson: %s", je.text);
		same_tree(ours, theirs);
		json_decref(ours);
	} else {
		FUZZ_CHECK(rc == AGS_ERR_JSON && err.code == rc && !ours,
		           "refusal %d without a tree", (int)rc);
		FUZZ_CHECK(nul || !theirs, "refused (%s); jansson accepts",
		           err.text);
		if (nul) {
			fuzz_check_error(rc, &err, in, size);
			FUZZ_CHECK(strcmp(err.text,
			                  "malformed JSON: NUL byte") == 0 &&
			                   err.line >= 1,
			           "NUL refused as \"%s\" at line %ld",
			           err.text, err.line);
		} else {
			same_refusal(&err, &je);
		}
	}
	json_decref(theirs);
	free(in);
	return 0;
}
