/* agreesign sign: sign an agreement's canonical text and metadata into a
 * detached envelope, or add a signature to an existing one. */
#include "cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
        "usage: agreesign sign [-k KEY] [-e ENVELOPE] [--role ROLE] "
        "[--append]\n"
        "                      [--force] [--time T] [--as-template] "
        "[--tsa URL]\n"
        "                      [metadata and signer options] AGREEMENT\n\n"
        "Sign AGREEMENT's canonical text (see 'agreesign canon') together "
        "with\nits metadata (see 'agreesign extract') and the signer's "
        "identity, role\nand signing time. The envelope is written "
        "atomically to\nAGREEMENT.sig.json (or ENVELOPE). Everything the "
        "signature covers is\nshown on standard error first; then the "
        "passphrase is asked for, naming\nthe key. What can be refused "
        "without the secret key is refused before.\nAGREEMENT must be "
        "plain UTF-8 text; the paper's PDF goes in --attach.\n\n"
        "Options:\n"
        "  -k, --key KEY             the secret key file (BASE.key; default:\n"
        "                            the keygen default, see 'agreesign "
        "keygen -h');\n"
        "                            or an OpenSSH Ed25519 private key "
        "(unencrypted),\n"
        "                            or its .pub: then ssh-agent "
        "($SSH_AUTH_SOCK)\n"
        "                            signs; an OpenSSH key needs "
        "--name\n"
        "  -e, --envelope ENVELOPE   write here instead of "
        "AGREEMENT.sig.json\n"
        "  -o, --output ENVELOPE     the same as --envelope\n"
        "  -r, --role ROLE           author (default), co-author or "
        "publisher\n"
        "  -a, --append              add this signature to an existing "
        "envelope of\n"
        "                            the same agreement\n"
        "  -f, --force               replace an existing envelope\n"
        "      --time T              claimed signing time, "
        "YYYY-MM-DDTHH:MM:SSZ or\n"
        "                            YYYY-MM-DD (midnight UTC); default: "
        "SOURCE_DATE_EPOCH\n"
        "                            if set, else now\n"
        "      --tsa URL             get an RFC 3161 timestamp of the new "
        "signature\n"
        "                            from the time-stamping authority at "
        "URL before\n"
        "                            the envelope is written (see "
        "'agreesign timestamp')\n"
        "      --passphrase-file F   read the key's passphrase from the first "
        "line of F\n"
        "      --attach FILE         bind FILE (the paper, a supplement: any "
        "size)\n"
        "                            by name, length and SHA-512; "
        "repeatable\n"
        "      --as-template         sign AGREEMENT as a template: a "
        "publisher's form\n"
        "                            with {{fields}}, which 'verify "
        "--template ENVELOPE'\n"
        "                            then requires (a text with {{fields}} "
        "is refused\n"
        "                            without it)\n"
        "      --name N, --email E, --orcid O\n"
        "                            signer identity (default: from the "
        "key file)\n"
        "      --title T, --author A, --proceedings P, --publisher P,\n"
        "      --license L, --date D\n"
        "                            set a metadata field instead of the "
        "extracted one\n"
        "  -h, --help                show this help\n\n"
        "Exit status: 0 signed, 2 usage, input or I/O error (nothing "
        "written).\n";

/* The combinations of options and arguments that make sense. */
static int check_args(struct sign_opts *o, int argc, char **argv)
{
	if (argc - optind != 1)
		return cli_usage("sign", "expected one AGREEMENT file");
	o->agreement = argv[optind];
	if (o->append && o->is_template)
		return cli_usage("sign",
		                 "--as-template makes a new envelope: drop "
		                 "--append");
	if (o->append && o->force)
		return cli_usage("sign",
		                 "--append and --force exclude each other");
	return EXIT_OK;
}

static int parse(struct sign_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"key", required_argument, NULL, 'k'},
	        {"envelope", required_argument, NULL, 'e'},
	        {"output", required_argument, NULL, 'o'},
	        {"role", required_argument, NULL, 'r'},
	        {"append", no_argument, NULL, 'a'},
	        {"force", no_argument, NULL, 'f'},
	        {"time", required_argument, NULL, 'T'},
	        {"tsa", required_argument, NULL, 'Z'},
	        {"passphrase-file", required_argument, NULL, 'P'},
	        {"name", required_argument, NULL, 'N'},
	        {"email", required_argument, NULL, 'E'},
	        {"orcid", required_argument, NULL, 'O'},
	        {"title", required_argument, NULL, '0'},
	        {"author", required_argument, NULL, '1'},
	        {"proceedings", required_argument, NULL, '2'},
	        {"publisher", required_argument, NULL, '3'},
	        {"license", required_argument, NULL, '4'},
	        {"date", required_argument, NULL, '5'},
	        {"attach", required_argument, NULL, 'A'},
	        {"as-template", no_argument, NULL, 'M'},
	        /* the old name: refused, with the new one */
	        {"template", optional_argument, NULL, 'X'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "k:e:o:r:afh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->key = optarg; break;
		case 'e':
		case 'o': o->out = optarg; break;
		case 'a': o->append = 1; break;
		case 'f': o->force = 1; break;
		case 'T': o->time = optarg; break;
		case 'Z': o->tsa = optarg; break;
		case 'M': o->is_template = 1; break;
		case 'X':
			return cli_usage("sign",
			                 "sign takes --as-template to sign a "
			                 "template (--template ENVELOPE is "
			                 "verify's option)");
		case 'A':
			if (o->nattach == AGS_SIGNATURES_MAX)
				return cli_usage("sign", "too many --attach");
			o->attach[o->nattach++] = optarg;
			break;
		case 'P': o->pass.file = optarg; break;
		case 'N': o->name = optarg; break;
		case 'E': o->email = optarg; break;
		case 'O': o->orcid = optarg; break;
		case 'r':
			if (ags_role_parse(&o->role, optarg) != 0)
				return cli_usage("sign", "unknown role '%s'",
				                 optarg);
			break;
		case 'h': cli_help(help); return -1; /* done: exit 0 */
		default:
			if (c >= '0' && c <= '5') {
				o->md[c - '0'] = optarg;
				break;
			}
			return cli_usage("sign", "bad option");
		}
	}
	return check_args(o, argc, argv);
}

/* Replaces the extracted value of each metadata field given by a flag. */
static int apply_overrides(struct ags_metadata *md, const char *const v[6])
{
	char **slots[6] = {&md->title,       &md->corresponding_author,
	                   &md->proceedings, &md->publisher,
	                   &md->license,     &md->agreement_date};
	static const char *const flags[6] = {"--title",       "--author",
	                                     "--proceedings", "--publisher",
	                                     "--license",     "--date"};
	size_t i;

	for (i = 0; i < 6; i++) {
		if (!v[i])
			continue;
		free(*slots[i]);
		/* What a person types may be decomposed; fields are NFC. */
		*slots[i] = ags_text_nfc(v[i]);
		if (!*slots[i]) {
			cli_errorf(flags[i], "not valid UTF-8");
			return -1;
		}
	}
	return 0;
}

/* Loads the envelope at path, which must be about the canonical text
 * canon (len bytes) of the file agreement. */
static int load_existing(struct ags_envelope *env, const char *path,
                         const char *agreement, const char *canon, size_t len)
{
	struct ags_error err = {0};
	struct ags_agreement here;

	if (ags_envelope_load(env, path, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	ags_agreement_bind(&here, canon, len);
	if (here.text_length != env->agreement.text_length ||
	    memcmp(here.text_sha512, env->agreement.text_sha512,
	           AGS_DIGEST_BYTES) != 0) {
		cli_errorf(path,
		           "the envelope is about a different agreement "
		           "text than %s",
		           agreement);
		return -1;
	}
	return 0;
}

/* The envelope to extend: a new one for this text, or (--append) the
 * existing one, which must be about the same canonical text. */
static int prepare(struct ags_envelope *env, const struct sign_opts *o,
                   const char *out, const char *canon, size_t len)
{
	struct ags_error err = {0};

	if (!o->append) {
		ags_agreement_bind(&env->agreement, canon, len);
		if (ags_extract(&env->agreement.md, canon, len, &err) !=
		    AGS_OK) {
			cli_error(&err);
			return -1;
		}
		for (size_t i = 0; i < o->nattach; i++)
			if (ags_attachment_add(&env->agreement, o->attach[i],
			                       &err) != AGS_OK) {
				cli_error(&err);
				return -1;
			}
		env->agreement.is_template = o->is_template;
		return apply_overrides(&env->agreement.md, o->md);
	}
	if (o->nattach) {
		cli_errorf(out,
		           "the attachments of an existing envelope cannot "
		           "change: drop --attach");
		return -1;
	}
	for (size_t i = 0; i < 6; i++)
		if (o->md[i]) {
			cli_errorf(out,
			           "the metadata of an existing envelope "
			           "cannot change: drop the metadata options");
			return -1;
		}
	return load_existing(env, out, o->agreement, canon, len);
}

/* A template is signed only when it parses: a signed form that no
 * agreement can ever match would be found out only at verification. */
static int check_template(const struct sign_opts *o, const char *canon,
                          size_t len)
{
	struct ags_template *t = NULL;
	struct ags_error err = {0};

	if (ags_template_parse(&t, canon, len, o->agreement, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	ags_template_free(t);
	return 0;
}

/* A text with template fields is a publisher's form: signed as an
 * agreement it would bind a blank form to the signer. With --append, the
 * envelope says what the text is. */
static int refuse_template(const struct sign_opts *o,
                           const struct ags_envelope *env, const char *canon,
                           size_t len)
{
	struct ags_template_spot at;

	if (o->is_template)
		return check_template(o, canon, len);
	if (env->agreement.is_template ||
	    !ags_template_find_directive(&at, canon, len))
		return 0;
	cli_errorf(o->agreement,
	           "the text holds the template field '%.*s' (line %ld, "
	           "column %ld of its canonical text): fill in the fields to "
	           "sign the agreement, or sign the form as a template with "
	           "'agreesign sign --as-template'",
	           (int)(at.len < 80 ? at.len : 80), canon + at.off, at.line,
	           at.column);
	return -1;
}

/* What the reread of cli_sign_into needs: the agreement and its text. */
struct existing {
	const char *agreement, *canon;
	size_t len;
};

static int reread(struct ags_envelope *env, const char *path, void *ctx)
{
	const struct existing *x = ctx;

	return load_existing(env, path, x->agreement, x->canon, x->len) == 0
	               ? EXIT_OK
	               : EXIT_TROUBLE;
}

int cmd_sign(int argc, char **argv)
{
	struct sign_opts o = {0};
	struct existing x;
	struct ags_envelope env;
	struct ags_error err = {0};
	char *canon = NULL, *def = NULL, *keydef = NULL;
	const char *out;
	size_t len = 0;
	int rc;

	o.role = AGS_ROLE_AUTHOR;
	rc = parse(&o, argc, argv);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	out = o.out ? o.out : (def = cli_default_envelope(o.agreement));
	ags_envelope_init(&env);
	rc = EXIT_TROUBLE;
	if (!out || !(o.key = cli_seckey_path(o.key, &keydef)))
		goto done;
	if (!o.append && !o.force && access(out, F_OK) == 0) {
		cli_errorf(out, "envelope exists: use --append to add a "
		                "signature or --force to replace it");
		goto done;
	}
	if (cli_load_canon(&canon, &len, o.agreement, &err) != AGS_OK) {
		cli_error(&err);
		goto done;
	}
	x.agreement = o.agreement;
	x.canon = canon;
	x.len = len;
	o.reread = reread;
	o.reread_ctx = &x;
	/* Refused before attachments are hashed, or (--append) once the
	 * envelope tells what the text is. */
	if ((o.append || refuse_template(&o, &env, canon, len) == 0) &&
	    prepare(&env, &o, out, canon, len) == 0 &&
	    (!o.append || refuse_template(&o, &env, canon, len) == 0))
		rc = cli_sign_into(&env, &o, out, 0);
done:
	ags_envelope_release(&env);
	free(canon);
	free(def);
	free(keydef);
	return rc;
}
