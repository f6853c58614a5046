/* agreesign extract: print what the agreement says, as JSON. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const char help[] =
        "usage: agreesign extract AGREEMENT\n\n"
        "Print, as a JSON object, the metadata found in AGREEMENT's "
        "canonical text:\ntitle, corresponding_author, proceedings, "
        "publisher, license (e.g.\n\"CC-BY-4.0\") and agreement_date (as "
        "written). A field that is not found\nis absent. 'agreesign sign' "
        "signs these values unless overridden.\n\n"
        "Options:\n"
        "  -h, --help   show this help\n\n"
        "Exit status: 0 printed, 2 refused or unreadable.\n";

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct ags_error err = {0};
	struct ags_metadata md;
	char *canon = NULL, *text = NULL;
	size_t len = 0;
	json_t *j = NULL;
	int c, rc = EXIT_TROUBLE;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(help);
		return cli_usage("extract", "unknown option");
	}
	if (argc - optind != 1)
		return cli_usage("extract", "expected one AGREEMENT file");
	ags_metadata_init(&md);
	if (cli_load_canon(&canon, &len, argv[optind], &err) != AGS_OK ||
	    ags_extract(&md, canon, len, &err) != AGS_OK) {
		cli_error(&err);
		goto out;
	}
	j = ags_metadata_to_json(&md);
	text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	if (!text) {
		cli_errorf(argv[optind], "out of memory");
		goto out;
	}
	puts(text);
	rc = EXIT_OK;
out:
	free(text);
	json_decref(j);
	free(canon);
	ags_metadata_release(&md);
	return rc;
}
