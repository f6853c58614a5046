/* fuzz_template: templates (src/template*.c): the syntax, and matching an
 * agreement against a template. Input: TEMPLATE, a NUL byte, AGREEMENT
 * (no NUL: the input is both). Each part goes through text/v1 first, as
 * in the tool. Properties: a refused template gets an error naming a
 * line of it; an accepted one has distinct, non-empty field names; the
 * match runs to a result (AGS_OK) that is consistent (a match has no
 * difference and a value for each field; a mismatch says why), is the
 * same when run twice, and serializes as JSON. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static void check_fields(const struct ags_template *t)
{
	size_t n = ags_template_nfields(t), i, k;
	const char *a, *b;

	for (i = 0; i < n; i++) {
		a = ags_template_field_name(t, i);
		FUZZ_CHECK(a && a[0], "field %zu has no name", i);
		for (k = 0; k < i; k++) {
			b = ags_template_field_name(t, k);
			FUZZ_CHECK(strcmp(a, b) != 0, "field %s twice", a);
		}
	}
	FUZZ_CHECK(ags_template_field_name(t, n) == NULL, "name past the end");
}

static char *match_json(const struct ags_template *t, const char *c, size_t n,
                        int *matches)
{
	struct ags_template_match m;
	struct ags_error err;
	json_t *j;
	char *s;
	size_t i;

	ags_error_clear(&err);
	memset(&m, 0, sizeof(m));
	FUZZ_CHECK(ags_template_match(&m, t, c, n, &err) == AGS_OK,
	           "match did not run: %s", err.text);
	if (m.matches) {
		FUZZ_CHECK(m.ndiffs == 0 &&
		                   m.nfields == ags_template_nfields(t),
		           "a match with %zu differences, %zu of %zu fields",
		           m.ndiffs, m.nfields, ags_template_nfields(t));
		for (i = 0; i < m.nfields; i++)
			FUZZ_CHECK(m.fields[i].name && m.fields[i].value,
			           "field %zu without name or value", i);
	} else {
		FUZZ_CHECK(m.ndiffs > 0 || m.problem[0],
		           "a mismatch without a reason");
	}
	*matches = m.matches;
	j = ags_template_match_json(&m);
	FUZZ_CHECK(j != NULL, "match JSON failed");
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	FUZZ_CHECK(s != NULL, "match JSON does not serialize");
	json_decref(j);
	ags_template_match_release(&m);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tn = nul ? (size_t)(nul - data) : size;
	const uint8_t *a = nul ? nul + 1 : data;
	size_t an = nul ? size - tn - 1 : size;
	char *tc = NULL, *ac = NULL, *exact, *j1, *j2;
	size_t tcl = 0, acl = 0;
	struct ags_template *t = NULL;
	struct ags_error err;
	enum ags_err rc;
	int m1 = 0, m2 = 0;

	ags_error_clear(&err);
	if (ags_canon_text(&tc, &tcl, data, tn, NULL, &err) != AGS_OK)
		return 0;
	exact = fuzz_copy((const uint8_t *)tc, tcl);
	rc = ags_template_parse(&t, exact, tcl, "fuzz", &err);
	if (rc != AGS_OK) {
		FUZZ_CHECK(t == NULL, "refused template returned");
		fuzz_check_error(rc, &err, exact, tcl);
	} else if (ags_canon_text(&ac, &acl, a, an, NULL, &err) == AGS_OK) {
		check_fields(t);
		j1 = match_json(t, ac, acl, &m1);
		j2 = match_json(t, ac, acl, &m2);
		FUZZ_CHECK(m1 == m2 && strcmp(j1, j2) == 0,
		           "two matches differ");
		free(j1);
		free(j2);
	}
	ags_template_free(t);
	free(ac);
	free(exact);
	free(tc);
	return 0;
}
