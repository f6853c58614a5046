/* The browser verifier's entry point (WebAssembly): the page's glue
 * (verify.js) writes the request's files into emscripten's in-memory file
 * system under their own names, then calls ags_web_verify with the
 * arguments of `agreesign verify --json ...`. They run through the very
 * command the CLI runs (cmd_verify.c), so the JSON on standard output, the
 * message on standard error and the exit status are the CLI's, byte for
 * byte: nothing of verification is written here. */
#include "cli.h"

#include <emscripten.h>
#include <stdio.h>
#include <string.h>

#define MAX_ARGS 64

/* args: len bytes, the arguments one after the other, each ended by a
 * NUL (the first is the command's name, "verify"). Returns the exit
 * status: 0 verified, 1 not verified, 2 usage, input or I/O error. */
EMSCRIPTEN_KEEPALIVE int ags_web_verify(char *args, size_t len);

EMSCRIPTEN_KEEPALIVE int ags_web_verify(char *args, size_t len)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0, rc;
	size_t i = 0;

	if (len == 0 || args[len - 1] != '\0')
		return EXIT_TROUBLE;
	while (i < len) {
		if (argc == MAX_ARGS)
			return EXIT_TROUBLE;
		argv[argc++] = args + i;
		i += strlen(args + i) + 1;
	}
	argv[argc] = NULL;
	if (ags_init() != AGS_OK) {
		cli_errorf(NULL, "libsodium cannot be initialised");
		return EXIT_TROUBLE;
	}
	rc = cmd_verify(argc, argv);
	/* the same check as main()'s finish(): output that was lost is an
	 * error */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "cannot write");
		rc = EXIT_TROUBLE;
	}
	fflush(stderr);
	return rc;
}
