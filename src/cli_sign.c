/* Signing shared by sign and countersign (src/cli_sign.c). */
#include "cli.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int load_key(struct ags_seckey **sk, struct sign_opts *o)
{
	struct ags_error err = {0};
	int loose = 0;

	if (ags_seckey_load(sk, o->key, cli_ask_passphrase, &o->pass, &loose,
	                    &err) != AGS_OK) {
		if (!o->pass.failed) /* else the reason is on stderr already */
			cli_error(&err);
		return -1;
	}
	if (loose)
		cli_errorf(o->key, "warning: secret key file is readable by "
		                   "others (chmod 600 it)");
	return 0;
}

static int make_signer(struct ags_signer *s, const struct sign_opts *o,
                       const struct ags_pubkey *pub)
{
	const char *name = o->name ? o->name : pub->name;
	const char *email = o->email ? o->email : pub->email;
	const char *orcid = o->orcid ? o->orcid : pub->orcid;

	/* Copies in NFC: what a person types may be decomposed. */
	memset(s, 0, sizeof(*s));
	s->name = name ? ags_text_nfc(name) : NULL;
	s->email = email ? ags_text_nfc(email) : NULL;
	s->orcid = orcid ? ags_text_nfc(orcid) : NULL;
	s->role = o->role;
	if ((name && !s->name) || (email && !s->email) || (orcid && !s->orcid)) {
		cli_errorf("--name", "signer identity is not valid UTF-8");
		return -1;
	}
	return cli_signing_time(&s->time, o->time);
}

static void show(const struct ags_envelope *env, const struct ags_signer *s,
                 const char *key_id)
{
	const struct ags_metadata *md = &env->agreement.md;
	char hex[2 * AGS_DIGEST_BYTES + 1], when[21];

	sodium_bin2hex(hex, sizeof(hex), env->agreement.text_sha512,
	               AGS_DIGEST_BYTES);
	ags_time_format(when, s->time);
	fputs("agreesign: signing\n  title:   ", stderr);
	cli_put_escaped(stderr, md->title ? md->title : "(none found)");
	fputs("\n  author:  ", stderr);
	cli_put_escaped(stderr, md->corresponding_author
	                                ? md->corresponding_author
	                                : "(none found)");
	fprintf(stderr, "\n  text:    %llu bytes, sha512 %.32s...\n  signer:  ",
	        (unsigned long long)env->agreement.text_length, hex);
	cli_put_escaped(stderr, s->name);
	fprintf(stderr, " as %s, key %s, at %s\n", ags_role_name(s->role),
	        key_id, when);
}

static int write_envelope(const struct ags_envelope *env, const char *out,
                          int replace)
{
	struct ags_error err = {0};
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (ags_envelope_format(&text, &len, env, &err) == AGS_OK &&
	    ags_file_write_atomic(out, text, len, 0644, replace, &err) == AGS_OK)
		rc = 0;
	else
		cli_error(&err);
	free(text);
	return rc;
}

int cli_sign_into(struct ags_envelope *env, struct sign_opts *o,
                     const char *out, int countersign)
{
	struct ags_error err = {0};
	struct ags_seckey *sk = NULL;
	struct ags_signer s = {0};
	int rc = EXIT_TROUBLE;

	if (load_key(&sk, o) != 0 || make_signer(&s, o, &sk->pub) != 0)
		goto out;
	show(env, &s, sk->pub.key_id);
	if (ags_sign_append(env, sk, &s, countersign, &err) != AGS_OK) {
		if (!err.source[0])
			snprintf(err.source, sizeof(err.source), "%s", out);
		cli_error(&err);
		goto out;
	}
	if (write_envelope(env, out, o->append || o->force) == 0) {
		fprintf(stderr, "agreesign: wrote %s\n", out);
		rc = EXIT_OK;
	}
out:
	ags_signer_release(&s);
	ags_seckey_free(sk);
	return rc;
}

