/* agreesign template: work with agreement templates (spec/templates.md).
 * Nested verbs through a table, as in git: template check, template show.
 */
#include "cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
        "usage: agreesign template check [--json] TEMPLATE AGREEMENT\n"
        "       agreesign template show [--json] TEMPLATE\n\n"
        "A template is the line {{agreesign-template/v2}}, then an agreement"
        "\ntext with named fields, {{name}} (one line), {{name:lines=N}} or\n"
        "{{name:date}}, and decoration that may vary, {{?text}} and {{a|b}}\n"
        "(spec/templates.md). Its identity is the SHA-512 of its canonical "
        "text.\n\n"
        "Verbs:\n"
        "  check   say whether AGREEMENT is TEMPLATE with its fields filled "
        "in;\n"
        "          print the fields, or each paragraph that differs with the\n"
        "          words removed and added\n"
        "  show    print the template's digest and field names\n\n"
        "Options:\n"
        "  -j, --json   print one JSON object\n"
        "  -h, --help   show this help\n\n"
        "A publisher signs a template with 'agreesign sign --as-template "
        "--role\npublisher TEMPLATE'; 'agreesign verify --template "
        "TEMPLATE.sig.json' then\nrequires it.\n\n"
        "Exit status: 0 matches (or shown), 1 does not match, 2 usage, input "
        "or\nI/O error.\n";

/* Parses [--json] and the expected number of file arguments. */
static int parse(int *json, int argc, char **argv, int nfiles, const char *verb)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'h': cli_help(help); return -1;
		default: return cli_usage("template", "bad option");
		}
	}
	if (argc - optind != nfiles)
		return cli_usage("template", "'template %s' takes %s", verb,
		                 nfiles == 1
		                         ? "one TEMPLATE file"
		                         : "a TEMPLATE and an AGREEMENT file");
	return EXIT_OK;
}

static enum ags_err load_template(struct ags_template **t, const char *path,
                                  struct ags_error *err)
{
	char *canon = NULL;
	size_t len = 0;
	enum ags_err rc = cli_load_canon(&canon, &len, path, err);

	if (rc == AGS_OK)
		rc = ags_template_parse(t, canon, len, path, err);
	free(canon);
	return rc;
}

/* {"file", "canonicalization", "sha512", "length"[, "fields"]} */
static json_t *template_json(const struct ags_template *t, const char *path,
                             int names)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	char hex[2 * AGS_DIGEST_BYTES + 1];
	json_t *o = json_object(), *a = json_array();
	uint64_t len;
	size_t i;

	ags_template_digest(digest, &len, t);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "canonicalization",
	                    json_string(AGS_FORMAT_CANON));
	json_object_set_new(o, "sha512", json_string(hex));
	json_object_set_new(o, "length", json_integer((json_int_t)len));
	for (i = 0; names && i < ags_template_nfields(t); i++)
		json_array_append_new(
		        a, json_string(ags_template_field_name(t, i)));
	if (names)
		json_object_set_new(o, "fields", a);
	else
		json_decref(a);
	return o;
}

static void print_head(const struct ags_template *t, const char *path)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	char hex[2 * AGS_DIGEST_BYTES + 1];
	uint64_t len;

	ags_template_digest(digest, &len, t);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	fputs("template: ", stdout);
	cli_put_escaped(stdout, path);
	printf("\ntemplate sha512: %s\ntemplate length: %llu\n", hex,
	       (unsigned long long)len);
}

static int print_json(json_t *j)
{
	char *text = j ? ags_json_dumps_sorted(j, NULL) : NULL;

	json_decref(j);
	if (!text) {
		cli_errorf(NULL, "out of memory");
		return EXIT_TROUBLE;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}

static int show(int argc, char **argv)
{
	struct ags_error err = {0};
	struct ags_template *t = NULL;
	int json = 0, rc = parse(&json, argc, argv, 1, "show");
	size_t i;

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (load_template(&t, argv[optind], &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	if (json) {
		rc = print_json(template_json(t, argv[optind], 1));
	} else {
		print_head(t, argv[optind]);
		fputs("fields:", stdout);
		for (i = 0; i < ags_template_nfields(t); i++)
			printf(" %s", ags_template_field_name(t, i));
		putchar('\n');
	}
	ags_template_free(t);
	return rc;
}

static int check_json(const struct ags_template_match *m,
                      const struct ags_template *t, const char *tpath,
                      const char *agreement)
{
	json_t *j = ags_template_match_json(m);

	if (j) {
		json_object_set_new(j, "template", template_json(t, tpath, 0));
		json_object_set_new(j, "agreement", ags_json_text(agreement));
	}
	return print_json(j);
}

static int check(int argc, char **argv)
{
	struct ags_error err = {0};
	struct ags_template *t = NULL;
	struct ags_template_match m = {0};
	const char *tpath, *apath;
	char *canon = NULL;
	size_t len = 0;
	int json = 0, rc = parse(&json, argc, argv, 2, "check");

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	tpath = argv[optind];
	apath = argv[optind + 1];
	if (load_template(&t, tpath, &err) != AGS_OK ||
	    cli_load_canon(&canon, &len, apath, &err) != AGS_OK ||
	    ags_template_match(&m, t, canon, len, &err) != AGS_OK) {
		cli_error(&err);
		rc = EXIT_TROUBLE;
		goto out;
	}
	if (json) {
		rc = check_json(&m, t, tpath, apath);
	} else {
		print_head(t, tpath);
		fputs("agreement: ", stdout);
		cli_put_escaped(stdout, apath);
		putchar('\n');
		cli_print_template_match(&m);
	}
	if (rc == EXIT_OK && !m.matches)
		rc = EXIT_NOT_VERIFIED;
out:
	ags_template_match_release(&m);
	ags_template_free(t);
	free(canon);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} verbs[] = {
        {"check", check},
        {"show", show},
};

int cmd_template(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage("template", "expected a verb: check or show");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cli_help(help);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	return cli_usage("template", "unknown verb '%s'", argv[1]);
}
