/* agreesign trust add|list|revoke: keep a publisher's trust file. Edits
 * hold an exclusive lock around read, change and atomic replace. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
        "usage: agreesign trust add -t TRUSTFILE [--role ROLES]... "
        "[--valid-after DATE]\n"
        "                           [--valid-before DATE] KEY.pub\n"
        "       agreesign trust list -t TRUSTFILE [--json]\n"
        "       agreesign trust revoke -t TRUSTFILE --reason TEXT [--time "
        "DATE] KEYID\n\n"
        "Keep a trust file: which key belongs to whom, for which roles and "
        "times.\n'add' appends KEY.pub under the name it holds (the file is "
        "created when\nmissing) and refuses a key already listed; 'revoke' "
        "marks a key revoked:\nevery signature by it then fails, naming the "
        "reason; 'list' shows the\nentries. Edits keep comments and order, "
        "replace the file atomically and\nhold an exclusive lock on "
        "TRUSTFILE.lock, so concurrent edits are never\nlost. A symbolic "
        "link is followed (the file it leads to is edited and\nlocked); a "
        "file with a second hard link is refused.\n\n"
        "Options:\n"
        "  -t, --trust TRUSTFILE     the trust file\n"
        "  -r, --role ROLES          roles, comma-separated (author,co-author,"
        "\n                            publisher); repeatable\n"
        "                            (default: author and co-author)\n"
        "      --valid-after DATE    signatures claimed before DATE fail\n"
        "      --valid-before DATE   signatures claimed at or after DATE "
        "fail\n"
        "      --reason TEXT         why the key is revoked (revoke)\n"
        "      --time DATE           when it was revoked (default: now)\n"
        "  -j, --json                list as JSON Lines\n"
        "  -h, --help                show this help\n\n"
        "DATE is YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ.\n"
        "Exit status: 0 done, 2 usage, input or I/O error (file unchanged).\n";

struct trust_opts {
	const char *file, *reason, *time, *arg;
	unsigned roles;
	int64_t after, before;
	int json;
};

/* YYYY-MM-DD or the full RFC 3339 UTC form. */
static int parse_date(int64_t *out, const char *s)
{
	char full[32];

	if (strlen(s) == 10) {
		snprintf(full, sizeof(full), "%sT00:00:00Z", s);
		s = full;
	}
	return ags_time_parse(out, s);
}

static int parse(struct trust_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"trust", required_argument, NULL, 't'},
	        {"role", required_argument, NULL, 'r'},
	        {"valid-after", required_argument, NULL, 'A'},
	        {"valid-before", required_argument, NULL, 'B'},
	        {"reason", required_argument, NULL, 'R'},
	        {"time", required_argument, NULL, 'T'},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "t:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->file = optarg; break;
		case 'R': o->reason = optarg; break;
		case 'T': o->time = optarg; break;
		case 'j': o->json = 1; break;
		case 'r':
			if (cli_parse_roles(&o->roles, optarg) != 0)
				return cli_usage(
				        "trust",
				        "bad role list '%s': roles are "
				        "author, co-author, publisher, "
				        "comma-separated",
				        optarg);
			break;
		case 'A':
		case 'B':
			if (parse_date(c == 'A' ? &o->after : &o->before,
			               optarg) != 0)
				return cli_usage("trust", "bad date '%s'",
				                 optarg);
			break;
		case 'h': cli_help(help); return -1; /* done: exit 0 */
		default: return cli_usage("trust", "bad option");
		}
	}
	if (!o->file)
		return cli_usage("trust", "-t TRUSTFILE is required");
	o->arg = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc)
		return cli_usage("trust", "unexpected argument '%s'",
		                 argv[optind + 1]);
	return EXIT_OK;
}

static enum ags_err add_edit(char **out, size_t *out_len, const char *buf,
                             size_t len, void *ctx, struct ags_error *err)
{
	void **args = ctx;
	const struct trust_opts *o = args[0];

	return ags_trust_add(out, out_len, buf, len, args[1],
	                     o->roles ? o->roles
	                              : AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR,
	                     o->after, o->before, o->file, err);
}

static int do_add(const struct trust_opts *o)
{
	struct ags_error err = {0};
	struct ags_pubkey pub;
	void *args[2];
	int rc = EXIT_OK;

	if (!o->arg)
		return cli_usage("trust", "trust add needs KEY.pub");
	ags_pubkey_init(&pub);
	args[0] = (void *)o;
	args[1] = &pub;
	if (ags_pubkey_load(&pub, o->arg, &err) != AGS_OK ||
	    ags_file_edit_locked(o->file, AGS_TRUST_MAX, add_edit, args,
	                         &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		fputs("agreesign: ", stderr);
		cli_put_escaped(stderr, o->file);
		fprintf(stderr, ": added key %s (", pub.key_id);
		cli_put_escaped(stderr, pub.name);
		fputs(")\n", stderr);
	}
	ags_pubkey_release(&pub);
	return rc;
}

static enum ags_err revoke_edit(char **out, size_t *out_len, const char *buf,
                                size_t len, void *ctx, struct ags_error *err)
{
	void **args = ctx;
	const struct trust_opts *o = args[0];

	return ags_trust_revoke(out, out_len, buf, len, o->arg,
	                        *(int64_t *)args[1], o->reason, o->file, err);
}

static int do_revoke(const struct trust_opts *o)
{
	struct ags_error err = {0};
	int64_t when = 0;
	void *args[2] = {(void *)o, &when};

	if (!o->arg || !o->reason)
		return cli_usage("trust",
		                 "trust revoke needs KEYID and --reason");
	if (o->time ? parse_date(&when, o->time) != 0
	            : cli_signing_time(&when, NULL) != 0)
		return cli_usage("trust", "bad --time '%s'", o->time);
	if (access(o->file, F_OK) != 0) {
		cli_errorf(o->file, "no such trust file");
		return EXIT_TROUBLE;
	}
	if (ags_file_edit_locked(o->file, AGS_TRUST_MAX, revoke_edit, args,
	                         &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	fputs("agreesign: ", stderr);
	cli_put_escaped(stderr, o->file);
	fputs(": revoked key ", stderr);
	cli_put_escaped(stderr, o->arg);
	fputc('\n', stderr);
	return EXIT_OK;
}

static json_t *entry_json(const struct ags_trust_entry *e)
{
	char when[21];
	json_t *o = json_object(), *roles = json_array();
	unsigned bit;

	for (bit = AGS_ROLE_AUTHOR; bit <= AGS_ROLE_PUBLISHER; bit <<= 1)
		if (e->roles & bit)
			json_array_append_new(
			        roles,
			        json_string(ags_role_name((enum ags_role)bit)));
	json_object_set_new(o, "line", json_integer(e->line));
	json_object_set_new(o, "key_id", json_string(e->key_id));
	json_object_set_new(o, "identity", json_string(e->identity));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(
	        o, "valid_after",
	        e->valid_after != INT64_MIN &&
	                        !ags_time_format(when, e->valid_after)
	                ? json_string(when)
	                : json_null());
	json_object_set_new(
	        o, "valid_before",
	        e->valid_before != INT64_MAX &&
	                        !ags_time_format(when, e->valid_before)
	                ? json_string(when)
	                : json_null());
	json_object_set_new(
	        o, "revoked",
	        e->revoked && !ags_time_format(when, e->revoked_time)
	                ? json_string(when)
	                : json_null());
	json_object_set_new(o, "reason",
	                    e->revoked_reason ? json_string(e->revoked_reason)
	                                      : json_null());
	return o;
}

static void print_entry(const struct ags_trust_entry *e, int json)
{
	json_t *o = entry_json(e), *v;
	char *text = NULL;
	size_t i;

	if (json && o && (text = ags_json_dumps_sorted(o, NULL)))
		puts(text);
	if (!json && o) {
		printf("%s  ", e->key_id);
		cli_put_escaped(stdout, e->identity);
		fputs("  roles=", stdout);
		json_array_foreach(json_object_get(o, "roles"), i, v)
		        printf("%s%s", i ? "," : "", json_string_value(v));
		if ((v = json_object_get(o, "valid_after")) &&
		    json_is_string(v))
			printf("  valid-after=%s", json_string_value(v));
		if ((v = json_object_get(o, "valid_before")) &&
		    json_is_string(v))
			printf("  valid-before=%s", json_string_value(v));
		if (e->revoked) {
			printf("  REVOKED %s: ",
			       json_string_value(
			               json_object_get(o, "revoked")));
			cli_put_escaped(stdout, e->revoked_reason
			                                ? e->revoked_reason
			                                : "no reason given");
		}
		putchar('\n');
	}
	free(text);
	json_decref(o);
}

static int do_list(const struct trust_opts *o)
{
	struct ags_error err = {0};
	struct ags_trust t;
	size_t i;

	if (o->arg)
		return cli_usage("trust", "trust list takes no argument");
	if (ags_trust_load(&t, o->file, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < t.n; i++)
		print_entry(&t.entries[i], o->json);
	ags_trust_release(&t);
	return EXIT_OK;
}

int cmd_trust(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct trust_opts *o);
	} verbs[] = {{"add", do_add}, {"list", do_list}, {"revoke", do_revoke}};
	struct trust_opts o;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.after = INT64_MIN;
	o.before = INT64_MAX;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			return cli_help(help);
		return cli_usage("trust", "expected add, list or revoke");
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0]))
		return cli_usage("trust", "unknown verb '%s'", argv[1]);
	rc = parse(&o, argc - 1, argv + 1);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	return verbs[i].fn(&o);
}
