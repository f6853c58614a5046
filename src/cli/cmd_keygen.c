/* agreesign keygen: make a key pair once, seal the secret half. */
#include "cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
        "usage: agreesign keygen [-o BASE] --name NAME [--email E] [--orcid "
        "O]\n"
        "                        [--no-passphrase | --passphrase-file FILE]\n"
        "                        [--kdf-cost COST] [--force]\n"
        "       agreesign keygen --change-passphrase KEY "
        "[--old-passphrase-file F]\n"
        "                        [--no-passphrase | --passphrase-file FILE]\n"
        "                        [--kdf-cost COST]\n\n"
        "Make an Ed25519 key pair: BASE.pub (public key, key id, identity) "
        "and\nBASE.key (secret key, mode 0600). The secret key is sealed "
        "with a\npassphrase (Argon2id and XChaCha20-Poly1305) read from the "
        "terminal\nwithout echo, or from the first line of FILE.\n\n"
        "Options:\n"
        "  -o, --output BASE         write BASE.pub and BASE.key (default:\n"
        "                            $AGREESIGN_KEY, else "
        "~/.agreesign/agreesign);\n"
        "                            a missing folder is made, mode 0700\n"
        "  -n, --name NAME           the owner's name (required)\n"
        "      --email E             the owner's e-mail address\n"
        "      --orcid O             the owner's ORCID iD, "
        "0000-0002-1825-0097\n"
        "      --no-passphrase       store the secret key unsealed (for "
        "automation)\n"
        "      --passphrase-file F   read the passphrase from the first line "
        "of F\n"
        "      --kdf-cost COST       Argon2id cost: moderate (default: 3 "
        "passes,\n"
        "                            256 MiB), interactive (2, 64 MiB), "
        "sensitive\n"
        "                            (4, 1 GiB), or min (tests only: no "
        "protection)\n"
        "  -f, --force               replace existing BASE.pub and BASE.key\n"
        "      --change-passphrase KEY\n"
        "                            seal the secret key file KEY again: "
        "same key,\n"
        "                            key id and identity, a new passphrase "
        "(or none,\n"
        "                            with --no-passphrase), fresh salt and "
        "nonce,\n"
        "                            at --kdf-cost; KEY is replaced "
        "atomically and\n"
        "                            left as it was on any failure\n"
        "      --old-passphrase-file F\n"
        "                            KEY's current passphrase, from the "
        "first line\n"
        "                            of F (default: asked on the "
        "terminal)\n"
        "  -h, --help                show this help\n\n"
        "Exit status: 0 written, 2 usage, input or I/O error.\n";

struct keygen_opts {
	const char *base, *name, *email, *orcid;
	const char *change; /* --change-passphrase KEY */
	struct cli_pass pass, old;
	int no_pass, force;
	struct ags_kdf_params kdf;
};

static int kdf_cost(struct ags_kdf_params *kdf, const char *name)
{
	static const struct {
		const char *name;
		unsigned long long ops;
		size_t mem;
	} costs[] = {{"moderate", AGS_KDF_OPSLIMIT, AGS_KDF_MEMLIMIT},
	             {"interactive", 2, 64u << 20},
	             {"sensitive", 4, 1024u << 20},
	             {"min", 1, 8192}};
	size_t i;

	for (i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		if (strcmp(costs[i].name, name) == 0) {
			kdf->opslimit = costs[i].ops;
			kdf->memlimit = costs[i].mem;
			return 0;
		}
	return -1;
}

static int parse(struct keygen_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"name", required_argument, NULL, 'n'},
	        {"email", required_argument, NULL, 'E'},
	        {"orcid", required_argument, NULL, 'O'},
	        {"no-passphrase", no_argument, NULL, 'N'},
	        {"passphrase-file", required_argument, NULL, 'P'},
	        {"kdf-cost", required_argument, NULL, 'K'},
	        {"force", no_argument, NULL, 'f'},
	        {"change-passphrase", required_argument, NULL, 'C'},
	        {"old-passphrase-file", required_argument, NULL, 'Q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:n:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o->base = optarg; break;
		case 'n': o->name = optarg; break;
		case 'E': o->email = optarg; break;
		case 'O': o->orcid = optarg; break;
		case 'N': o->no_pass = 1; break;
		case 'P': o->pass.file = optarg; break;
		case 'f': o->force = 1; break;
		case 'C': o->change = optarg; break;
		case 'Q': o->old.file = optarg; break;
		case 'K':
			if (kdf_cost(&o->kdf, optarg) != 0)
				return cli_usage("keygen",
				                 "unknown --kdf-cost '%s'",
				                 optarg);
			break;
		case 'h': cli_help(help); return -1; /* done: exit 0 */
		default: return cli_usage("keygen", "bad option");
		}
	}
	if (optind != argc)
		return cli_usage("keygen", "unexpected argument '%s'",
		                 argv[optind]);
	if (o->change &&
	    (o->base || o->name || o->email || o->orcid || o->force))
		return cli_usage("keygen",
		                 "--change-passphrase keeps the key, its "
		                 "file and its identity: drop -o, --name, "
		                 "--email, --orcid and --force");
	if (!o->change && o->old.file)
		return cli_usage("keygen", "--old-passphrase-file goes with "
		                           "--change-passphrase");
	if (!o->change && !o->name)
		return cli_usage("keygen", "--name NAME is required");
	if (o->no_pass && o->pass.file)
		return cli_usage("keygen",
		                 "--no-passphrase and "
		                 "--passphrase-file exclude each other");
	return EXIT_OK;
}

static int write_pair(struct keygen_opts *o, struct ags_seckey *sk)
{
	struct ags_error err = {0};
	char *pass = NULL;
	size_t plen = 0;
	int rc = EXIT_TROUBLE;

	if (!o->no_pass) {
		pass = sodium_malloc(AGS_PASSPHRASE_MAX);
		if (!pass || cli_read_passphrase(pass, AGS_PASSPHRASE_MAX,
		                                 &plen, &o->pass) != 0)
			goto out;
	}
	if (ags_keypair_write(o->base, sk, pass, plen, &o->kdf, o->force,
	                      &err) != AGS_OK) {
		cli_error(&err);
		goto out;
	}
	fputs("agreesign: wrote ", stderr);
	cli_put_escaped(stderr, o->base);
	fputs(".pub and ", stderr);
	cli_put_escaped(stderr, o->base);
	fprintf(stderr, ".key (key id %s)\n", sk->pub.key_id);
	rc = EXIT_OK;
out:
	sodium_free(pass);
	return rc;
}

/* Where the pair goes: -o BASE, else the default BASE (*owned, to be
 * freed). Its folder is made when missing and checked, before anything
 * is asked. */
static int choose_base(struct keygen_opts *o, char **owned)
{
	struct ags_error err = {0};

	*owned = NULL;
	if (!o->base && !(o->base = *owned = cli_default_key_base()))
		return EXIT_TROUBLE;
	if (ags_keypair_check(o->base, o->force, 1, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* --change-passphrase: the key is unlocked with its passphrase (asked
 * first, so that a wrong one stops before a new one is asked), then
 * sealed again under the new one (or none) in its place. */
static int change_passphrase(struct keygen_opts *o)
{
	struct ags_error err = {0};
	struct ags_seckey *sk = NULL;
	char *pass = NULL;
	size_t plen = 0;
	int rc = EXIT_TROUBLE;

	if (ags_seckey_load(&sk, o->change, cli_ask_passphrase, &o->old, NULL,
	                    &err) != AGS_OK) {
		if (!o->old.failed) /* else the reason is on stderr already */
			cli_error(&err);
		goto out;
	}
	/* An OpenSSH key reads as a key but has no identity: rewritten, it
	 * would turn into another kind of file. ssh-keygen -p is its tool. */
	if (!sk->pub.name) {
		cli_errorf(o->change,
		           "an OpenSSH private key: change its "
		           "passphrase with 'ssh-keygen -p -f FILE'");
		goto out;
	}
	if (!o->no_pass) {
		pass = sodium_malloc(AGS_PASSPHRASE_MAX);
		if (!pass || cli_read_passphrase(pass, AGS_PASSPHRASE_MAX,
		                                 &plen, &o->pass) != 0)
			goto out;
	}
	if (ags_seckey_rewrite(o->change, sk, pass, plen, &o->kdf, &err) !=
	    AGS_OK) {
		cli_error(&err);
		goto out;
	}
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, o->change);
	fprintf(stderr, ": %s (key id %s)\n",
	        pass ? "sealed with the new passphrase" : "stored unsealed",
	        sk->pub.key_id);
	rc = EXIT_OK;
out:
	sodium_free(pass);
	ags_seckey_free(sk);
	return rc;
}

int cmd_keygen(int argc, char **argv)
{
	struct keygen_opts o = {0};
	struct ags_error err = {0};
	struct ags_seckey *sk = NULL;
	char *name, *email, *orcid, *def = NULL;
	int rc;

	o.kdf.opslimit = AGS_KDF_OPSLIMIT;
	o.kdf.memlimit = AGS_KDF_MEMLIMIT;
	o.pass.confirm = 1;
	o.old.prompt = "Current passphrase";
	rc = parse(&o, argc, argv);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (o.change) {
		o.pass.prompt = "New passphrase";
		return change_passphrase(&o);
	}
	rc = choose_base(&o, &def);
	if (rc != EXIT_OK) {
		free(def);
		return rc;
	}
	/* The identity is stored in NFC, as typed or not. */
	name = ags_text_nfc(o.name);
	email = o.email ? ags_text_nfc(o.email) : NULL;
	orcid = o.orcid ? ags_text_nfc(o.orcid) : NULL;
	if (!name || (o.email && !email) || (o.orcid && !orcid)) {
		cli_errorf("--name", "identity is not valid UTF-8");
		rc = EXIT_TROUBLE;
	} else if (ags_seckey_generate(&sk, &err) != AGS_OK ||
	           ags_pubkey_set_identity(&sk->pub, name, email, orcid,
	                                   &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	}
	free(name);
	free(email);
	free(orcid);
	if (rc == EXIT_OK)
		rc = write_pair(&o, sk);
	ags_seckey_free(sk);
	free(def);
	return rc;
}
