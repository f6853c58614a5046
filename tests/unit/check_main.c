/* The one Check runner: every tests/unit/check_<module>.c contributes a
 * <module>_suite(); the Makefile lists them in suites.h. With an argument,
 * runs only the suite of that name (make valgrind runs them one by one). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "test_util.h"

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(NULL);
	int failed;
	int known = argc < 2;

	if (ags_init() != AGS_OK) {
		fprintf(stderr, "check: libsodium failed to initialise\n");
		return 2;
	}
#define SUITE(name)                                                            \
	if (argc < 2 || strcmp(argv[1], #name) == 0) {                         \
		srunner_add_suite(sr, name##_suite());                         \
		known = 1;                                                     \
	}
#include "suites.h"
#undef SUITE
	/* A misspelt suite would run no test and pass. */
	if (!known) {
		fprintf(stderr, "check: no suite '%s'; the suites:", argv[1]);
#define SUITE(name) fprintf(stderr, " %s", #name);
#include "suites.h"
#undef SUITE
		fprintf(stderr, "\n");
		srunner_free(sr);
		return 2;
	}
	/* Every conformance vector is committed; only the two real
	 * agreements live outside the repository. */
	if (!tu_shared_dir())
		fprintf(stderr,
		        "check: no ../shared/agreements (set AGS_SHARED): "
		        "the tests of the two real agreements are "
		        "skipped\n");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
