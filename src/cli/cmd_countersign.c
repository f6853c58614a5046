/* agreesign countersign: the publisher accepts the signatures of an
 * envelope. Every existing signature must verify against the publisher's
 * trust store first; the countersignature then covers exactly them. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
        "usage: agreesign countersign [-k KEY] -t TRUSTFILE [-e ENVELOPE]\n"
        "                             [--time T] [--passphrase-file F]\n"
        "                             [--name N] [--email E] [--orcid O]\n"
        "                             [--tsa URL] AGREEMENT\n\n"
        "Accept an agreement as publisher: verify every signature of the\n"
        "envelope (default AGREEMENT.sig.json) against TRUSTFILE, refuse if "
        "any\nfails, then add a publisher signature that covers the "
        "statement and\nexactly the signatures it accepted (each by key id "
        "and SHA-512 of the\nsignature). Removing, replacing, reordering or "
        "adding a signature\nafterwards breaks the countersignature.\n\n"
        "Options:\n"
        "  -k, --key KEY             the publisher's secret key file "
        "(default:\n"
        "                            the keygen default, see 'agreesign "
        "keygen -h'),\n"
        "                            or an OpenSSH key as for 'agreesign "
        "sign'\n"
        "  -t, --trust TRUSTFILE     the trust file to verify the authors "
        "against\n"
        "  -e, --envelope ENVELOPE   the envelope (default "
        "AGREEMENT.sig.json)\n"
        "      --time T              claimed signing time, "
        "YYYY-MM-DDTHH:MM:SSZ or\n"
        "                            YYYY-MM-DD (midnight UTC)\n"
        "      --tsa URL             get an RFC 3161 timestamp of the "
        "countersignature\n"
        "                            from the time-stamping authority at "
        "URL before\n"
        "                            the envelope is written\n"
        "      --passphrase-file F   read the key's passphrase from the first "
        "line of F\n"
        "      --name N, --email E, --orcid O\n"
        "                            signer identity (default: from the "
        "key file;\n"
        "                            --name is required with an OpenSSH "
        "key)\n"
        "  -h, --help                show this help\n\n"
        "Exit status: 0 countersigned, 1 a signature did not verify (nothing "
        "written),\n2 usage, input or I/O error.\n";

struct cs_opts {
	struct sign_opts sign;
	const char *trust, *envelope;
};

static int parse(struct cs_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"key", required_argument, NULL, 'k'},
	        {"trust", required_argument, NULL, 't'},
	        {"envelope", required_argument, NULL, 'e'},
	        {"time", required_argument, NULL, 'T'},
	        {"tsa", required_argument, NULL, 'Z'},
	        {"passphrase-file", required_argument, NULL, 'P'},
	        {"name", required_argument, NULL, 'N'},
	        {"email", required_argument, NULL, 'E'},
	        {"orcid", required_argument, NULL, 'O'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "k:t:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->sign.key = optarg; break;
		case 't': o->trust = o->sign.trust = optarg; break;
		case 'e': o->envelope = optarg; break;
		case 'T': o->sign.time = optarg; break;
		case 'Z': o->sign.tsa = optarg; break;
		case 'P': o->sign.pass.file = optarg; break;
		case 'N': o->sign.name = optarg; break;
		case 'E': o->sign.email = optarg; break;
		case 'O': o->sign.orcid = optarg; break;
		case 'h': cli_help(help); return -1; /* done: exit 0 */
		default: return cli_usage("countersign", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("countersign", "expected one AGREEMENT file");
	o->sign.agreement = argv[optind];
	if (!o->trust)
		return cli_usage("countersign", "-t TRUSTFILE is required");
	return EXIT_OK;
}

/* Refuses unless every signature verifies against the trust store. */
static int check_all(const struct ags_envelope *env, const char *canon,
                     size_t len, const struct ags_trust *trust,
                     const char *envelope)
{
	struct ags_error err = {0};
	struct ags_report rep;
	size_t i;
	int rc = 0;

	if (ags_verify(&rep, env, canon, len, trust, NULL, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < rep.nsigs; i++)
		if (!rep.sigs[i].valid) {
			cli_errorf(envelope,
			           "signature %zu does not verify "
			           "(%s): %s",
			           i + 1, ags_reason_name(rep.sigs[i].reason),
			           rep.sigs[i].detail);
			rc = EXIT_NOT_VERIFIED;
		}
	/* The publisher accepts an agreement, not a stray co-signature. */
	if (rc == 0 && !rep.verified) {
		cli_errorf(envelope, "not countersigning: %s",
		           rep.policy_detail);
		rc = EXIT_NOT_VERIFIED;
	}
	ags_report_release(&rep);
	return rc;
}

/* The envelope at path, read and checked: an exit status. */
struct checked {
	const struct ags_trust *trust;
	const char *canon;
	size_t len;
};

static int load_checked(struct ags_envelope *env, const char *path, void *ctx)
{
	const struct checked *c = ctx;
	struct ags_error err = {0};

	if (ags_envelope_load_known(env, path, c->trust, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	return check_all(env, c->canon, c->len, c->trust, path);
}

static int run(struct cs_opts *o, const char *envelope)
{
	struct ags_error err = {0};
	struct ags_envelope env;
	struct ags_trust trust;
	struct checked c;
	char *canon = NULL;
	size_t len = 0;
	int rc = EXIT_TROUBLE;

	ags_envelope_init(&env);
	ags_trust_init(&trust);
	if (ags_trust_load_lookup(&trust, o->trust, &err) != AGS_OK ||
	    cli_load_canon(&canon, &len, o->sign.agreement, &err) != AGS_OK) {
		cli_error(&err);
		goto out;
	}
	c.trust = &trust;
	c.canon = canon;
	c.len = len;
	o->sign.reread = load_checked;
	o->sign.reread_ctx = &c;
	/* Checked before the key is unlocked, and again once locked. */
	rc = load_checked(&env, envelope, &c);
	if (rc == 0)
		rc = cli_sign_into(&env, &o->sign, envelope, 1);
out:
	ags_envelope_release(&env);
	ags_trust_release(&trust);
	free(canon);
	return rc;
}

int cmd_countersign(int argc, char **argv)
{
	struct cs_opts o;
	char *def = NULL, *keydef = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sign.role = AGS_ROLE_PUBLISHER;
	o.sign.append = 1; /* the envelope is replaced, atomically */
	rc = parse(&o, argc, argv);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (!o.envelope && !(def = cli_default_envelope(o.sign.agreement)))
		return EXIT_TROUBLE;
	o.sign.key = cli_seckey_path(o.sign.key, &keydef);
	rc = o.sign.key ? run(&o, o.envelope ? o.envelope : def) : EXIT_TROUBLE;
	free(def);
	free(keydef);
	return rc;
}
