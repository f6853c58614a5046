/* agreesign canon: print exactly the text that a signature covers. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const char help[] =
        "usage: agreesign canon AGREEMENT\n\n"
        "Print the canonical text (text/v1) of AGREEMENT: the exact bytes "
        "whose\nSHA-512 digest a signature covers. A leading BOM is removed, "
        "line ends\nbecome LF, the text is put in Unicode NFC, trailing "
        "spaces and tabs\nare removed, blank lines are trimmed and collapsed, "
        "and the text ends\nwith one LF. Invalid UTF-8, control characters "
        "and unassigned code\npoints are refused with their line and "
        "column.\n\n"
        "Options:\n"
        "  -h, --help   show this help\n\n"
        "Exit status: 0 printed, 2 refused or unreadable.\n";

int cmd_canon(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct ags_error err = {0};
	char *canon = NULL;
	size_t len = 0;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(help);
		return cli_usage("canon", "unknown option");
	}
	if (argc - optind != 1)
		return cli_usage("canon", "expected one AGREEMENT file");
	if (cli_load_canon(&canon, &len, argv[optind], &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	c = fwrite(canon, 1, len, stdout) == len ? EXIT_OK : EXIT_TROUBLE;
	free(canon);
	return c;
}
