/* fuzz_manifest: one line of a batch manifest (src/lib/job/manifest.c), read
 * against two base folders. Properties: a line is either refused with a
 * reason or gives an agreement and an envelope path, never both nor
 * neither; paths hold no control character; a relative path is resolved
 * under the base folder, an absolute one kept; without "envelope" the
 * envelope is the agreement's path plus ".sig.json"; an id passes the
 * field rules. Files are not opened here (ags_verify_item is not called:
 * it would read whatever path the fuzzer names). */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_path(const char *p, const char *base)
{
	size_t i, n = strlen(p), bl = strlen(base);

	FUZZ_CHECK(n > 0, "empty path");
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)p[i] >= 0x20,
		           "control character in a path");
	if (p[0] != '/' && strcmp(base, ".") != 0)
		FUZZ_CHECK(n > bl + 1 && memcmp(p, base, bl) == 0 &&
		                   p[bl] == '/',
		           "relative path %s not under %s", p, base);
}

/* Whether the line, as JSON, has an "envelope" member. */
static int has_envelope(const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	int has = json_object_get(o, "envelope") != NULL;

	json_decref(o);
	return has;
}

static void parse_with(const char *line, size_t len, const char *base)
{
	struct ags_batch_item it;
	size_t n;

	memset(&it, 0, sizeof(it));
	FUZZ_CHECK(ags_manifest_parse_line(&it, line, len, base) == AGS_OK,
	           "manifest line parser failed");
	if (it.error) {
		FUZZ_CHECK(it.error[0] && !it.agreement && !it.envelope &&
		                   !it.id,
		           "refused line keeps a value or has no reason");
	} else {
		FUZZ_CHECK(it.agreement && it.envelope, "no paths");
		check_path(it.agreement, base);
		check_path(it.envelope, base);
		n = strlen(it.agreement);
		if (!has_envelope(line, len))
			FUZZ_CHECK(strncmp(it.envelope, it.agreement, n) == 0 &&
			                   strcmp(it.envelope + n,
			                          ".sig.json") == 0,
			           "default envelope of %s is %s", it.agreement,
			           it.envelope);
		FUZZ_CHECK(!it.id || ags_field_check(it.id, strlen(it.id)) ==
		                             NULL,
		           "bad id");
	}
	ags_batch_item_release(&it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);

	parse_with(in, size, ".");
	parse_with(in, size, "base/dir");
	free(in);
	return 0;
}
