/* agreesign verify: check an agreement against its envelope and a key the
 * user trusts; report every signature; exit 0 only when the policy holds. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
        "usage: agreesign verify (-p KEY.pub | -t TRUSTFILE) [-e ENVELOPE]\n"
        "                        [--json | -q] [--require-role ROLES]\n"
        "                        [--require-signer KEYID]... "
        "[--require-attachments]\n"
        "                        [--require-proven-time] "
        "[--report FILE.html [-f]]\n"
        "                        AGREEMENT\n"
        "       agreesign verify (-p KEY.pub | -t TRUSTFILE) --batch MANIFEST\n"
        "                        [--jobs N] [--no-progress] [-q] "
        "[--require-...]\n\n"
        "Recompute AGREEMENT's canonical text and digest, rebuild what each\n"
        "signature of the envelope (default AGREEMENT.sig.json) signed, and "
        "check\nit with the key the user trusts: KEY.pub, or the trust file's "
        "entry for\nthe signature's public key. The key inside the envelope "
        "is only a hint.\nEach signature is reported with its result and "
        "reason. The agreement\nverifies when every signature is valid and at "
        "least one is by a trusted\nauthor, and the --require options "
        "hold.\n"
        "With -p only KEY.pub's signatures are checked: the agreement "
        "verifies\nwhen at least one is by KEY.pub, all of those are valid, "
        "no other\nsignature is broken (changed text, bad signature), and "
        "the --require\noptions hold over KEY.pub's signatures; the others "
        "show as \"not\nchecked (key not given)\", never as INVALID.\n\n"
        "Options:\n"
        "  -p, --public-key KEY.pub  check the signatures of this one key "
        "(in any\n"
        "                            role); see above for the others; an\n"
        "                            agreesign .pub or an OpenSSH "
        "ssh-ed25519\n"
        "                            key (its name is then not checked)\n"
        "  -t, --trust TRUSTFILE     trust the keys of this trust file\n"
        "  -e, --envelope ENVELOPE   the envelope (default "
        "AGREEMENT.sig.json)\n"
        "  -j, --json                print one JSON object (see spec)\n"
        "  -q, --quiet               print nothing; the exit status tells "
        "(not\n"
        "                            with --json, which asks for output)\n"
        "      --require-role ROLES  also require a valid signature for each "
        "role\n"
        "                            of the comma-separated list (author,\n"
        "                            co-author, publisher: lowercase, no "
        "space);\n"
        "                            repeatable, every role named is "
        "required\n"
        "      --require-signer KEYID\n"
        "                            also require a valid signature by this "
        "key\n"
        "                            (its key id: 32 lowercase hex digits);\n"
        "                            repeatable, every key named is "
        "required\n"
        "      --batch MANIFEST      verify every entry of MANIFEST: JSON "
        "Lines\n"
        "                            ({\"agreement\": PATH, \"envelope\": "
        "PATH,\n"
        "                            \"id\": TEXT}, relative to its folder), "
        "'-' for\n"
        "                            standard input, or a folder walked for\n"
        "                            *.sig.json; one JSON line per entry, in "
        "order\n"
        "      --jobs N              threads for --batch (default: all "
        "cores)\n"
        "      --no-progress         no progress bar on a terminal\n"
        "      --attach-dir DIR      look for attached files in DIR (default: "
        "the\n"
        "                            agreement's folder); a changed one "
        "fails,\n"
        "                            a missing one is reported\n"
        "      --require-attachments\n"
        "                            also require every attached file: a\n"
        "                            missing one fails too (with --batch, "
        "in\n"
        "                            every entry)\n"
        "      --require-proven-time\n"
        "                            also require that every signature has "
        "a\n"
        "                            timestamp token that a TSA pinned in "
        "the\n"
        "                            trust file proves\n";
/* The rest of the help: one string of it would be longer than C11
 * promises a compiler takes. */
static const char help_more[] =
        "      --template ENVELOPE   also require that AGREEMENT is the "
        "template\n"
        "                            signed in ENVELOPE (TEMPLATE.sig.json) by "
        "a\n"
        "                            trusted publisher, its fields filled in\n"
        "      --template-text FILE  the template's text (default: ENVELOPE "
        "less\n"
        "                            .sig.json)\n"
        "      --report FILE.html    also write the result as a web page; "
        "when\n"
        "                            the input cannot be checked (exit 2), "
        "a page\n"
        "                            saying so. Never written over a file "
        "the\n"
        "                            verification reads, nor over another "
        "file\n"
        "                            without --force\n"
        "  -f, --force               let --report replace an existing file\n"
        "  -h, --help                show this help\n\n"
        "Exit status: 0 verified, 1 not verified, 2 usage, input or I/O "
        "error.\n";

#define MAX_REQUIRED 16

struct verify_opts {
	const char *pub, *trust, *envelope, *agreement, *attach_dir;
	int json, quiet;
	struct cli_batch_opts batch; /* batch.manifest set: --batch */
	struct verify_extra x;       /* --template */
	struct cli_report report;    /* --report, --force */
	struct ags_policy policy;
	const char *keys[MAX_REQUIRED];
};

static int parse_jobs(unsigned *jobs, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 1 || v > 1024)
		return -1;
	*jobs = (unsigned)v;
	return 0;
}

static int add_signer(struct verify_opts *o, const char *id)
{
	if (o->policy.nrequire_keys == MAX_REQUIRED)
		return cli_usage("verify", "too many --require-signer");
	if (strlen(id) != AGS_KEYID_HEX ||
	    strspn(id, "0123456789abcdef") != AGS_KEYID_HEX)
		return cli_usage("verify", "--require-signer takes a key id: "
		                           "32 lowercase hex digits");
	o->keys[o->policy.nrequire_keys++] = id;
	return 0;
}

/* An --attach-dir that is not a folder leaves no attachment to check,
 * for one agreement or a whole batch: a usage error, before anything. */
static int check_attach_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		cli_errorf(dir, "--attach-dir: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_errorf(dir, "--attach-dir is not a folder");
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* The combinations of options and arguments that make sense. */
static int check_args(struct verify_opts *o, int argc, char **argv)
{
	/* Either would silently win over the other: let the caller choose. */
	if (o->json && o->quiet)
		return cli_usage("verify",
		                 "-q and --json exclude each other: -q prints "
		                 "nothing, --json one JSON object; use one, "
		                 "the exit status is the same");
	if (o->batch.manifest && argc != optind)
		return cli_usage("verify",
		                 "--batch takes no AGREEMENT argument");
	if (o->batch.manifest && o->envelope)
		return cli_usage("verify", "--batch and -e exclude each other");
	if (o->batch.manifest &&
	    (o->x.tmpl || o->x.tmpl_text || o->report.path))
		return cli_usage("verify",
		                 "--template and --report work on one "
		                 "AGREEMENT, not with --batch");
	if (o->report.force && !o->report.path)
		return cli_usage("verify", "--force needs --report FILE.html");
	if (!o->batch.manifest && argc - optind != 1)
		return cli_usage("verify", "expected one AGREEMENT file");
	o->agreement = argv[optind];
	if (!o->pub == !o->trust)
		return cli_usage("verify", "give exactly one of -p KEY.pub and "
		                           "-t TRUSTFILE");
	o->policy.require_keys = o->keys;
	o->policy.given_key = o->pub != NULL; /* spec 10.2, 10.3 */
	return o->attach_dir ? check_attach_dir(o->attach_dir) : EXIT_OK;
}

static int parse(struct verify_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"public-key", required_argument, NULL, 'p'},
	        {"trust", required_argument, NULL, 't'},
	        {"envelope", required_argument, NULL, 'e'},
	        {"json", no_argument, NULL, 'j'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"require-role", required_argument, NULL, 'R'},
	        {"require-signer", required_argument, NULL, 'S'},
	        {"attach-dir", required_argument, NULL, 'D'},
	        {"require-attachments", no_argument, NULL, 'A'},
	        {"require-proven-time", no_argument, NULL, 'T'},
	        {"batch", required_argument, NULL, 'B'},
	        {"jobs", required_argument, NULL, 'J'},
	        {"no-progress", no_argument, NULL, 'G'},
	        {"template", required_argument, NULL, OPT_TEMPLATE},
	        {"template-text", required_argument, NULL, OPT_TEMPLATE_TEXT},
	        {"report", required_argument, NULL, OPT_REPORT},
	        {"force", no_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:t:e:jqfh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pub = optarg; break;
		case 't': o->trust = optarg; break;
		case 'e': o->envelope = optarg; break;
		case 'j': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'D': o->attach_dir = optarg; break;
		case 'A': o->policy.require_attachments = 1; break;
		case 'T': o->policy.require_proven_time = 1; break;
		case 'B': o->batch.manifest = optarg; break;
		case 'G': o->batch.no_progress = 1; break;
		case 'J':
			if (parse_jobs(&o->batch.jobs, optarg) != 0)
				return cli_usage("verify",
				                 "--jobs takes a number "
				                 "from 1 to 1024");
			break;
		case 'R':
			if (cli_parse_roles(&o->policy.require_roles, optarg) !=
			    0)
				return cli_usage(
				        "verify",
				        "bad role list '%s': roles are "
				        "author, co-author, publisher, "
				        "lowercase, comma-separated",
				        optarg);
			break;
		case 'S':
			if (add_signer(o, optarg) != 0)
				return EXIT_TROUBLE; /* said why */
			break;
		case OPT_TEMPLATE: o->x.tmpl = optarg; break;
		case OPT_TEMPLATE_TEXT: o->x.tmpl_text = optarg; break;
		case OPT_REPORT: o->report.path = optarg; break;
		case 'f': o->report.force = 1; break;
		case 'h': /* done: exit 0 */
			fputs(help, stdout);
			cli_help(help_more);
			return -1;
		default: return cli_usage("verify", "bad option");
		}
	}
	return check_args(o, argc, argv);
}

static enum ags_err load_trust(struct ags_trust *t, const struct verify_opts *o,
                               struct ags_error *err)
{
	if (o->trust)
		return ags_trust_load_lookup(t, o->trust, err);
	return ags_trust_load_pubkey(t, o->pub, err);
}

/* What the entry's timestamp proves, when it has one. */
static void print_token(const struct ags_sig_report *r)
{
	char when[21];

	if (r->token == AGS_TOKEN_VALID) {
		ags_time_format(when, r->proven_time);
		printf("\n  proven time %s (timestamp by ", when);
		cli_put_escaped(stdout, r->tsa->name);
		putchar(')');
	} else if (r->token != AGS_TOKEN_NONE) {
		fputs("\n  timestamp proves nothing: ", stdout);
		cli_put_escaped(stdout, r->token_detail);
	}
}

/* given: -p, where a key is the given one or not, never "trusted" */
static void print_sig(const struct ags_sig_report *r,
                      const struct ags_signature *sig, size_t i, int given)
{
	char when[21];

	ags_time_format(when, sig->signer.time);
	/* INVALID means broken; with -p, another key's intact signature is
	 * neither valid nor invalid */
	printf("signature %zu: %s: ", i + 1,
	       r->valid         ? "valid"
	       : r->not_checked ? "not checked (key not given)"
	                        : "INVALID");
	cli_put_escaped(stdout, r->trusted && r->trusted->identity
	                                ? r->trusted->identity
	                                : sig->signer.name);
	printf(" (%s%s), key %s, claimed time %s",
	       ags_role_name(sig->signer.role),
	       sig->is_countersignature ? ", countersignature" : "",
	       sig->key_id, when);
	if (!r->trusted && !r->not_checked)
		fputs(given ? ", not the key given" : ", untrusted", stdout);
	if (!r->valid && !r->not_checked) {
		printf("\n  reason: %s: ", ags_reason_name(r->reason));
		cli_put_escaped(stdout, r->detail);
	} else if (r->valid && r->revoked_later) {
		fputs("\n  valid, ", stdout);
		cli_put_escaped(stdout, r->detail);
	}
	print_token(r);
	putchar('\n');
}

static void print_text(const struct ags_report *r,
                       const struct ags_envelope *env, const char *agreement,
                       int given)
{
	const char *title = env->agreement.md.title;
	size_t i, unchecked;

	fputs("agreement: ", stdout);
	cli_put_escaped(stdout, agreement);
	/* Until the verdict is in, the title is only what the envelope says. */
	fputs(r->verified ? "\ntitle: " : "\ntitle (claimed, unverified): ",
	      stdout);
	cli_put_escaped(stdout, title ? title : "(none)");
	printf("\ntext: %s\n", r->text_matches ? "matches the signed digest"
	                                       : "CHANGED since it was signed");
	for (i = 0; i < r->nsigs; i++)
		print_sig(&r->sigs[i], &env->sigs[i], i, given);
	for (i = 0; i < r->nattachments; i++) {
		fputs("attachment ", stdout);
		cli_put_escaped(stdout, env->agreement.attachments[i].name);
		printf(": %s\n", ags_attach_status_name(r->attachments[i]));
	}
	for (i = 0, unchecked = 0; i < r->nsigs; i++)
		unchecked += (size_t)r->sigs[i].not_checked;
	if (r->verified && unchecked) { /* -p: what the verdict covers */
		printf("verified: by the given key; %zu other signature%s not "
		       "checked\n",
		       unchecked, unchecked == 1 ? "" : "s");
	} else if (r->verified) {
		puts("verified");
	} else {
		/* the reason may quote an attachment's name */
		fputs("NOT VERIFIED: ", stdout);
		cli_put_escaped(stdout, r->policy_detail);
		putchar('\n');
	}
}

/* Prints j with the paths; -1 when it cannot (out of memory: every
 * string went through ags_json_text, so none fails to encode). */
static int print_json(json_t *j, const char *agreement, const char *envelope)
{
	char *text;

	if (json_object_set_new(j, "agreement", ags_json_text(agreement)) ||
	    json_object_set_new(j, "envelope", ags_json_text(envelope)) ||
	    !(text = ags_json_dumps_sorted(j, NULL)))
		return -1;
	puts(text);
	free(text);
	return 0;
}

/* The same words as a batch entry's reason. */
static void describe(char *why, size_t n, const struct ags_error *err)
{
	if (err->line > 0)
		snprintf(why, n, "%s: line %ld: %s", err->source, err->line,
		         err->text);
	else
		snprintf(why, n, "%s: %s", err->source, err->text);
}

/* An input that could not be checked: one line on stderr and, for
 * scripts, a JSON object saying so on stdout. */
static int trouble(const struct verify_opts *o, const char *envelope,
                   const struct ags_error *err)
{
	json_t *j;
	char why[1200];

	describe(why, sizeof(why), err);
	cli_error(err);
	if (o->json) {
		j = json_object();
		if (!j || json_object_set_new(j, "verified", json_false()) ||
		    json_object_set_new(j, "result", json_string("error")) ||
		    json_object_set_new(j, "reason", ags_json_text(why)) ||
		    print_json(j, o->agreement, envelope) != 0)
			cli_errorf(o->agreement, "out of memory");
		json_decref(j);
	}
	return EXIT_TROUBLE;
}

/* Attached files are looked for beside the agreement unless told. */
static enum ags_err check_attachments(struct ags_report *rep,
                                      const struct ags_envelope *env,
                                      const struct verify_opts *o,
                                      struct ags_error *err)
{
	char *copy;
	enum ags_err rc;

	if (env->agreement.nattachments == 0)
		return AGS_OK;
	if (o->attach_dir)
		return ags_verify_attachments(rep, env, o->attach_dir, err);
	copy = strdup(o->agreement);
	if (!copy)
		return AGS_ERR_NOMEM;
	rc = ags_verify_attachments(rep, env, dirname(copy), err);
	free(copy);
	return rc;
}

/* The files this run reads, which --report must never replace. */
static void report_inputs(struct verify_opts *o, const char *envelope)
{
	const char **in = o->report.in;

	in[CLI_IN_AGREEMENT] = o->agreement;
	in[CLI_IN_ENVELOPE] = envelope;
	in[CLI_IN_TRUST] = o->trust;
	in[CLI_IN_PUBKEY] = o->pub;
	in[CLI_IN_TEMPLATE] = o->x.tmpl;
	in[CLI_IN_TEMPLATE_TEXT] = o->x.tmpl_text;
	o->report.attach_dir = o->attach_dir;
	o->report.checked_at = (int64_t)time(NULL);
}

/* Said when --report was given and the page could not be written: an
 * earlier page may still be there, and must not be taken for this run's. */
static int no_report(const struct verify_opts *o, const char *envelope,
                     const struct ags_error *err, int print)
{
	if (print)
		trouble(o, envelope, err);
	else
		cli_error(err);
	cli_errorf(o->report.path, "no report was written");
	return EXIT_TROUBLE;
}

/* The page of this run: its verdict when the verification ran (rep), the
 * error otherwise (why). Returns EXIT_OK, or EXIT_TROUBLE after saying
 * why; print: also print the JSON error object of --json. */
static int report(const struct verify_opts *o, const char *envelope,
                  const struct ags_report *rep, const struct ags_envelope *env,
                  const char *canon, size_t len, const char *why, int print)
{
	struct ags_error err = {0};

	if (!o->report.path || cli_report_page(&o->report, rep, env, canon, len,
	                                       why, &err) == AGS_OK)
		return EXIT_OK;
	return no_report(o, envelope, &err, print);
}

/* Reads the inputs and verifies. *read: env holds the envelope; *ran:
 * rep holds the verdict. */
static enum ags_err check(struct ags_report *rep, struct ags_envelope *env,
                          struct ags_trust *trust, char **canon, size_t *len,
                          struct verify_opts *o, const char *envelope,
                          int *read, int *ran, struct ags_error *err)
{
	enum ags_err rc;

	/* read once: the page names the digest of the bytes trusted */
	if ((rc = cli_report_load_keys(&o->report, trust, err)) != AGS_OK ||
	    (rc = cli_load_canon(canon, len, o->agreement, err)) != AGS_OK ||
	    (rc = ags_envelope_load_known(env, envelope, trust, err)) != AGS_OK)
		return rc;
	*read = 1;
	rc = ags_verify(rep, env, *canon, *len, trust, &o->policy, err);
	if (rc != AGS_OK)
		return rc;
	*ran = 1;
	if ((rc = check_attachments(rep, env, o, err)) != AGS_OK)
		return rc;
	return cli_verify_extra(&o->x, rep, *canon, *len, trust,
	                        !o->json && !o->quiet, err);
}

/* An input could not be checked: exit status 2, and --report's page says
 * so (the verdict withdrawn when the verification had run). */
static int failed(const struct verify_opts *o, const char *envelope,
                  struct ags_report *rep, const struct ags_envelope *env,
                  const char *canon, size_t len, int ran,
                  const struct ags_error *err)
{
	char why[1200];

	trouble(o, envelope, err);
	describe(why, sizeof(why), err);
	if (ran && rep->verified) {
		rep->verified = 0;
		char detail[sizeof(why) + 32];

		snprintf(detail, sizeof(detail), "could not be completed: %s",
		         why);
		ags_text_copy(rep->policy_detail, sizeof(rep->policy_detail),
		              detail);
	}
	report(o, envelope, ran ? rep : NULL, env, canon, len, why, 0);
	return EXIT_TROUBLE;
}

static int run(struct verify_opts *o, const char *envelope)
{
	struct ags_error err = {0};
	struct ags_envelope env;
	struct ags_trust trust;
	struct ags_report rep = {0};
	char *canon = NULL;
	size_t len = 0;
	int rc, read = 0, ran = 0;
	json_t *j;

	report_inputs(o, envelope);
	if (o->report.path &&
	    cli_report_check(&o->report, NULL, &err) != AGS_OK)
		return no_report(o, envelope, &err, 1);
	ags_envelope_init(&env);
	ags_trust_init(&trust);
	if (check(&rep, &env, &trust, &canon, &len, o, envelope, &read, &ran,
	          &err) != AGS_OK) {
		rc = failed(o, envelope, &rep, read ? &env : NULL, canon, len,
		            ran, &err);
		goto out;
	}
	rc = report(o, envelope, &rep, &env, canon, len, NULL, 1);
	if (rc != EXIT_OK)
		goto out;
	rc = rep.verified ? EXIT_OK : EXIT_NOT_VERIFIED;
	if (o->quiet)
		goto out;
	if (!o->json)
		print_text(&rep, &env, o->agreement, o->pub != NULL);
	else if (!(j = ags_report_json(&rep, &env)) ||
	         print_json(j, o->agreement, envelope) != 0) {
		json_decref(j);
		cli_errorf(o->agreement, "out of memory");
		rc = EXIT_TROUBLE;
	} else {
		json_decref(j);
	}
out:
	ags_report_release(&rep);
	ags_envelope_release(&env);
	ags_trust_release(&trust);
	free(canon);
	return rc;
}

static int batch(struct verify_opts *o)
{
	struct ags_error err = {0};
	struct ags_trust trust;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	ags_trust_init(&trust);
	if (load_trust(&trust, o, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	if (!o->batch.jobs)
		o->batch.jobs = cores > 0 && cores < 1024 ? (unsigned)cores : 1;
	o->batch.quiet = o->quiet;
	o->batch.trust = &trust;
	o->batch.policy = &o->policy;
	o->batch.attach_dir = o->attach_dir;
	rc = cli_verify_batch(&o->batch);
	ags_trust_release(&trust);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = {0};
	char *def = NULL;
	int rc = parse(&o, argc, argv);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (o.batch.manifest)
		return batch(&o);
	if (!o.envelope && !(def = cli_default_envelope(o.agreement)))
		return EXIT_TROUBLE;
	rc = run(&o, o.envelope ? o.envelope : def);
	free(def);
	return rc;
}
