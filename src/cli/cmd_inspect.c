/* agreesign inspect: show what an envelope claims, without checking it. */
#include "cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>

static const char help[] =
        "usage: agreesign inspect ENVELOPE\n\n"
        "Show the content of ENVELOPE for a person: the statement, and each\n"
        "signature's signer, role, key and claimed time. NOTHING IS VERIFIED:\n"
        "anyone can write any of it. Use 'agreesign verify' to check.\n\n"
        "Options:\n"
        "  -h, --help   show this help\n\n"
        "Exit status: 0 shown, 2 unreadable or malformed envelope.\n";

static void field(const char *label, const char *value)
{
	if (!value)
		return;
	printf("  %-22s ", label);
	cli_put_escaped(stdout, value);
	putchar('\n');
}

static void show_statement(const struct ags_agreement *a)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	const struct ags_metadata *md = &a->md;

	sodium_bin2hex(hex, sizeof(hex), a->text_sha512, AGS_DIGEST_BYTES);
	puts("statement:");
	field("canonicalization:", AGS_FORMAT_CANON);
	field("text sha512:", hex);
	printf("  %-22s %llu bytes\n",
	       "text length:", (unsigned long long)a->text_length);
	field("title:", md->title);
	field("corresponding author:", md->corresponding_author);
	field("proceedings:", md->proceedings);
	field("publisher:", md->publisher);
	field("license:", md->license);
	field("agreement date:", md->agreement_date);
}

static void show_signature(const struct ags_signature *sig, size_t i)
{
	char when[21];

	ags_time_format(when, sig->signer.time);
	printf("signature %zu (unverified claim):\n", i + 1);
	field("name:", sig->signer.name);
	field("email:", sig->signer.email);
	field("orcid:", sig->signer.orcid);
	field("role:", ags_role_name(sig->signer.role));
	field("claimed time:", when);
	field("key id:", sig->key_id);
	if (sig->is_countersignature)
		printf("  %-22s %zu signature%s\n",
		       "countersigns:", sig->ncovers,
		       sig->ncovers == 1 ? "" : "s");
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct ags_error err = {0};
	struct ags_envelope env;
	size_t i;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(help);
		return cli_usage("inspect", "unknown option");
	}
	if (argc - optind != 1)
		return cli_usage("inspect", "expected one ENVELOPE file");
	if (ags_envelope_load(&env, argv[optind], &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	puts("NOT VERIFIED: this is what the envelope claims. Use 'agreesign "
	     "verify'.");
	printf("format: %s\n", AGS_FORMAT_ENVELOPE);
	show_statement(&env.agreement);
	for (i = 0; i < env.nsigs; i++)
		show_signature(&env.sigs[i], i);
	ags_envelope_release(&env);
	return EXIT_OK;
}
