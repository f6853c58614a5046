/* agreesign: the command table. Each command lives in src/cmd_<name>.c and
 * returns its exit status; only main() exits. */
#include "cli.h"
#include "paths.h" /* AGS_DOCDIR: written by the Makefile, in $(BUILD) */

#include <errno.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
        {"keygen", cmd_keygen, "make a key pair (BASE.pub, BASE.key)"},
        {"sign", cmd_sign, "sign an agreement into a detached envelope"},
        {"countersign", cmd_countersign,
         "accept the signatures of an envelope as publisher"},
        {"verify", cmd_verify, "verify an agreement against its envelope"},
        {"trust", cmd_trust,
         "keep the trusted keys: a trust file or a SQLite store"},
        {"canon", cmd_canon, "print the canonical text that is signed"},
        {"extract", cmd_extract, "print the metadata found in an agreement"},
        {"inspect", cmd_inspect, "show an envelope's content, unverified"},
        {"template", cmd_template,
         "check an agreement against a template (check, show)"},
        {"timestamp", cmd_timestamp,
         "add an RFC 3161 timestamp token to a signature"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(FILE *f)
{
	size_t i;

	fputs("usage: agreesign COMMAND [OPTIONS] [ARGS]\n\n"
	      "Sign and verify publication agreements with Ed25519.\n\n"
	      "Commands:\n",
	      f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
		        commands[i].summary);
	fputs("\n'agreesign COMMAND --help' or 'agreesign help COMMAND' "
	      "describes a command.\n"
	      "'agreesign --version' prints the version and the formats it "
	      "reads and writes.\n"
	      "Exit status: 0 success or verified, 1 not verified, 2 usage, "
	      "input or I/O error.\n"
	      "Specification: " AGS_DOCDIR "/spec/agreesign-v1.md\n",
	      f);
	return f == stdout ? EXIT_OK : EXIT_TROUBLE;
}

static int version(void)
{
	printf("agreesign %s\n"
	       "formats: envelope %s, canonicalization %s, keys \"%s\" / "
	       "\"%s\", trust file \"%s\"\n",
	       AGS_VERSION, AGS_FORMAT_ENVELOPE, AGS_FORMAT_CANON,
	       AGS_FORMAT_PUBKEY, AGS_FORMAT_SECKEY, AGS_FORMAT_TRUST);
	return EXIT_OK;
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Output that did not reach its file (a full disk, /dev/full) is an
 * error even when the command itself went well: stdio only finds out when
 * it flushes. */
static int finish(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "cannot write: %s",
		           errno ? strerror(errno) : "write error");
		return EXIT_TROUBLE;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	char *help_argv[3];

	/* Line-buffered: a message costs one write, not one per byte, and
	 * still appears whole before anything else happens. */
	setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
	if (ags_init() != AGS_OK) {
		cli_errorf(NULL, "libsodium cannot be initialised");
		return EXIT_TROUBLE;
	}
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2))
		return finish(usage(stdout));
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))
		return finish(version());
	if (!strcmp(argv[1], "help")) {
		cmd = find(argv[2]);
		if (!cmd)
			return cli_usage("--help", "unknown command '%s'",
			                 argv[2]);
		help_argv[0] = argv[2];
		help_argv[1] = "--help";
		help_argv[2] = NULL;
		return finish(cmd->fn(2, help_argv));
	}
	cmd = find(argv[1]);
	if (!cmd) {
		cli_errorf(NULL, "unknown command '%s'", argv[1]);
		return usage(stderr);
	}
	return cli_exit_status(finish(cmd->fn(argc - 1, argv + 1)));
}
