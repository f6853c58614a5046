/* Where keys live when no path is given: the default key pair, as
 * minisign keeps ~/.minisign/ and ssh-keygen ~/.ssh/. */
#include "cli.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A malloc'd copy of a, then b. */
static char *concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 1);

	if (p) {
		memcpy(p, a, na);
		memcpy(p + na, b, nb + 1);
	}
	return p;
}

static const char *home(void)
{
	const char *h = getenv("HOME");
	const struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

char *cli_default_key_base(void)
{
	const char *env = getenv("AGREESIGN_KEY"), *h;
	size_t n;
	char *base;

	if (env && *env) {
		/* The BASE, like keygen -o; the .key file's own name is
		 * taken too. */
		base = strdup(env);
		n = base ? strlen(base) : 0;
		if (n > 4 && strcmp(base + n - 4, ".key") == 0)
			base[n - 4] = '\0';
	} else if ((h = home())) {
		base = concat(h, "/" CLI_KEY_DIR "/" CLI_KEY_NAME);
	} else {
		cli_errorf(NULL, "no home folder (HOME is not set): give the "
		                 "key with -k, or set AGREESIGN_KEY");
		return NULL;
	}
	if (!base)
		cli_errorf(NULL, "out of memory");
	return base;
}

const char *cli_seckey_path(const char *given, char **owned)
{
	struct stat st;
	char *base;

	*owned = NULL;
	if (given)
		return given;
	base = cli_default_key_base();
	*owned = base ? concat(base, ".key") : NULL;
	free(base);
	if (!*owned)
		return NULL;
	if (lstat(*owned, &st) != 0) {
		cli_errorf(*owned,
		           "no secret key here (the default, as no -k KEY was "
		           "given): make one with 'agreesign keygen --name "
		           "NAME', or give -k KEY");
		free(*owned);
		*owned = NULL;
		return NULL;
	}
	fputs("agreesign: signing with the default key ", stderr);
	cli_put_escaped(stderr, *owned);
	fputs(" (no -k KEY given)\n", stderr);
	return *owned;
}
