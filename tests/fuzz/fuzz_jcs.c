/* fuzz_jcs: RFC 8785 canonical JSON (src/lib/codec/jcs.c) over what jansson
 * parses. Property: parse -> JCS -> parse -> JCS gives the same bytes. The
 * input is parsed twice: strictly (duplicates refused) and loosely (U+0000
 * allowed, every number a real); JCS may refuse a value (U+0000, a huge
 * integer, a nesting too deep) but what it writes must read back to
 * itself. Its output is re-read with every number as a real, since JCS
 * may print a large integral real (1e20 as 100000000000000000000) that
 * jansson cannot hold as an integer. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void round_trip(const char *in, size_t size, size_t flags)
{
	json_error_t jerr;
	json_t *v, *w;
	char *j1 = NULL, *j2 = NULL;
	size_t n1 = 0, n2 = 0;
	struct ags_error err;

	v = json_loadb(in, size, flags | JSON_DECODE_ANY, &jerr);
	if (!v)
		return;
	ags_error_clear(&err);
	if (ags_jcs_serialize(&j1, &n1, v, &err) != AGS_OK) {
		FUZZ_CHECK(j1 == NULL && err.text[0],
		           "refusal without a reason");
		json_decref(v);
		return;
	}
	FUZZ_CHECK(strlen(j1) == n1, "JCS output holds a NUL byte");
	w = json_loadb(j1, n1,
	               JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
	                       JSON_DECODE_INT_AS_REAL,
	               &jerr);
	FUZZ_CHECK(w != NULL, "JCS output is not JSON: %s: %.200s", jerr.text,
	           j1);
	FUZZ_CHECK(ags_jcs_serialize(&j2, &n2, w, &err) == AGS_OK,
	           "JCS refuses its own output: %s", err.text);
	FUZZ_CHECK(n1 == n2 && memcmp(j1, j2, n1) == 0,
	           "JCS is not stable: %.200s then %.200s", j1, j2);
	free(j1);
	free(j2);
	json_decref(w);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);

	round_trip(in, size, JSON_REJECT_DUPLICATES);
	round_trip(in, size, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL);
	free(in);
	return 0;
}
