/* fuzz_json_write: src/lib/codec/json_write.c against jansson's own writer.
 * Property: ags_json_dumps_sorted(v) is byte for byte
 * json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) with the escaping rule of
 * spec §10.4 applied (tests/unit/json_rule.h), or both are NULL, for
 * - what jansson parses of the input (U+0000 allowed, any top level;
 *   then also that value inside an array, and inside an object under a
 *   key made of the input's first bytes);
 * - the raw input as a string and as a key, built with the _nocheck
 *   calls so that bytes that are not UTF-8 get through: a bad value fails
 *   both writers, a bad key is written in part by both (see json_write.c). */
#include "fuzz_util.h"

#include "json_rule.h"

#include <string.h>

#define FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void compare(const json_t *v)
{
	char *jansson = json_dumps(v, FLAGS);
	char *want = rule_apply(jansson);
	size_t len = 0;
	char *got = ags_json_dumps_sorted(v, &len);

	free(jansson);
	if (!want) {
		FUZZ_CHECK(got == NULL, "jansson gives NULL, we give %.300s",
		           got);
		return;
	}
	FUZZ_CHECK(got != NULL, "we give NULL, jansson %.300s", want);
	FUZZ_CHECK(len == strlen(want) && memcmp(got, want, len + 1) == 0,
	           "differ:\n  jansson %.300s\n  ours    %.300s", want, got);
	free(want);
	free(got);
}

/* v alone, in an array, and as a member under key (n bytes). */
static void compare_wrapped(json_t *v, const char *key, size_t n)
{
	json_t *a = json_array(), *o = json_object();

	FUZZ_CHECK(a && o, "out of memory");
	compare(v);
	json_array_append(a, v);
	json_object_setn_nocheck(o, key, n, v);
	json_object_set_new(o, "k", json_true());
	compare(a);
	compare(o);
	json_decref(a);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	size_t keylen = size < 9 ? size : 9;
	json_t *v;

	v = json_loadb(in, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (v) {
		compare_wrapped(v, in, keylen);
		json_decref(v);
	}
	v = json_stringn_nocheck(in, size);
	FUZZ_CHECK(v != NULL, "out of memory");
	compare_wrapped(v, in, size);
	json_decref(v);
	free(in);
	return 0;
}
