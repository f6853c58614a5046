/* Signing shared by sign and countersign (src/cli_sign.c). */
#include "cli.h"

#include <libgen.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if ((name && !s->name) || (email && !s->email) ||
	    (orcid && !s->orcid)) {
		cli_errorf("--name", "signer identity is not valid UTF-8");
		return -1;
	}
	return cli_signing_time(&s->time, o->time);
}

static void show_field(FILE *f, const char *label, const char *value)
{
	fprintf(f, "  %-13s ", label);
	cli_put_escaped(f, value ? value : "(none)");
	fputc('\n', f);
}

static void show_to(FILE *f, const struct ags_envelope *env,
                    const struct ags_signer *s, const char *key_id,
                    int countersign)
{
	const struct ags_agreement *a = &env->agreement;
	char hex[2 * AGS_DIGEST_BYTES + 1], when[21];
	size_t i;

	sodium_bin2hex(hex, sizeof(hex), a->text_sha512, AGS_DIGEST_BYTES);
	ags_time_format(when, s->time);
	fputs("agreesign: signing\n", f);
	show_field(f, "title:", a->md.title);
	show_field(f, "author:", a->md.corresponding_author);
	show_field(f, "proceedings:", a->md.proceedings);
	show_field(f, "publisher:", a->md.publisher);
	show_field(f, "license:", a->md.license);
	show_field(f, "date:", a->md.agreement_date);
	fprintf(f, "  %-13s %llu bytes, sha512 %.32s...\n",
	        "text:", (unsigned long long)a->text_length, hex);
	for (i = 0; i < a->nattachments; i++) {
		sodium_bin2hex(hex, sizeof(hex), a->attachments[i].sha512,
		               AGS_DIGEST_BYTES);
		fprintf(f, "  %-13s ", "attachment:");
		cli_put_escaped(f, a->attachments[i].name);
		fprintf(f, ", %llu bytes, sha512 %.32s...\n",
		        (unsigned long long)a->attachments[i].length, hex);
	}
	if (countersign)
		fprintf(f, "  %-13s the %zu signature(s) above\n",
		        "accepting:", env->nsigs);
	fprintf(f, "  %-13s ", "signer:");
	cli_put_escaped(f, s->name);
	fprintf(f, " as %s, key %s, at %s\n", ags_role_name(s->role), key_id,
	        when);
}

/* Everything the signature will cover, so nobody signs a field unseen.
 * Gathered first and written at once: stderr is unbuffered, and a write
 * per line cost more than the rest of the summary. */
static void show(const struct ags_envelope *env, const struct ags_signer *s,
                 const char *key_id, int countersign)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m) {
		show_to(stderr, env, s, key_id, countersign);
		return;
	}
	show_to(m, env, s, key_id, countersign);
	/* Straight to the descriptor: line-buffered stderr (main.c) would
	 * still make one write per line. */
	if (fclose(m) == 0 && fflush(stderr) == 0)
		cli_write_all(STDERR_FILENO, text, len);
	else
		show_to(stderr, env, s, key_id, countersign);
	free(text);
}

/* Before adding a signature to an existing envelope: the attached files
 * beside the agreement must still be the ones signed. */
static int check_attached(const struct ags_envelope *env, const char *agreement)
{
	struct ags_report rep = {0};
	struct ags_error err = {0};
	char *copy;
	size_t i;
	int rc = 0;

	if (env->agreement.nattachments == 0 || !agreement)
		return 0;
	copy = strdup(agreement);
	rep.verified = 1;
	if (!copy) {
		cli_errorf(agreement, "out of memory");
		return -1;
	}
	if (ags_verify_attachments(&rep, env, dirname(copy), &err) != AGS_OK) {
		free(copy);
		cli_error(&err);
		return -1;
	}
	for (i = 0; i < rep.nattachments; i++) {
		const char *name = env->agreement.attachments[i].name;
		if (rep.attachments[i] == AGS_ATTACH_CHANGED) {
			cli_errorf(name, "attached file has changed since it "
			                 "was signed: not signing");
			rc = -1;
		} else if (rep.attachments[i] == AGS_ATTACH_MISSING) {
			cli_errorf(name, "warning: attached file is not beside "
			                 "the agreement: signing it unseen");
		}
	}
	free(copy);
	ags_report_release(&rep);
	return rc;
}

static int write_envelope(const struct ags_envelope *env, const char *out,
                          int replace)
{
	struct ags_error err = {0};
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (ags_envelope_format(&text, &len, env, &err) == AGS_OK &&
	    ags_file_write_atomic(out, text, len, 0644,
	                          replace ? AGS_WRITE_REPLACE : 0u,
	                          &err) == AGS_OK)
		rc = 0;
	else
		cli_error(&err);
	free(text);
	return rc;
}

static int same_attachments(const struct ags_agreement *a,
                            const struct ags_agreement *b)
{
	size_t i;

	if (a->nattachments != b->nattachments)
		return 0;
	for (i = 0; i < a->nattachments; i++)
		if (strcmp(a->attachments[i].name, b->attachments[i].name) ||
		    a->attachments[i].length != b->attachments[i].length ||
		    memcmp(a->attachments[i].sha512, b->attachments[i].sha512,
		           AGS_DIGEST_BYTES))
			return 0;
	return 1;
}

/* Locks the envelope and reads it again: another signer may have added a
 * signature while the key was unlocked. The attached files are hashed
 * again only if the statement now names others. */
static int lock_and_reread(struct ags_lock *lk, struct ags_envelope *env,
                           struct sign_opts *o, const char *out)
{
	struct ags_error err = {0};
	struct ags_envelope fresh;
	int rc;

	if (ags_lock_take(lk, out, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	ags_envelope_init(&fresh);
	rc = o->reread(&fresh, lk->path, o->reread_ctx);
	if (rc == EXIT_OK &&
	    !same_attachments(&env->agreement, &fresh.agreement) &&
	    check_attached(&fresh, o->agreement) != 0)
		rc = EXIT_TROUBLE;
	ags_envelope_release(env);
	*env = fresh;
	return rc;
}

int cli_sign_into(struct ags_envelope *env, struct sign_opts *o,
                  const char *out, int countersign)
{
	struct ags_error err = {0};
	struct ags_seckey *sk = NULL;
	struct ags_signer s = {0};
	struct ags_lock lk;
	int rc = EXIT_TROUBLE;

	ags_lock_init(&lk);
	if (env->nsigs > 0 && check_attached(env, o->agreement) != 0)
		goto out;
	if (load_key(&sk, o) != 0 || make_signer(&s, o, &sk->pub) != 0)
		goto out;
	if (o->append) {
		rc = lock_and_reread(&lk, env, o, out);
		if (rc != EXIT_OK)
			goto out;
		rc = EXIT_TROUBLE;
		out = lk.path;
	}
	show(env, &s, sk->pub.key_id, countersign);
	if (ags_sign_append(env, sk, &s, countersign, &err) != AGS_OK) {
		if (!err.source[0])
			ags_text_copy(err.source, sizeof(err.source), out);
		cli_error(&err);
		goto out;
	}
	if (write_envelope(env, out, o->append || o->force) == 0) {
		fputs("agreesign: wrote ", stderr);
		cli_put_escaped(stderr, out);
		fputc('\n', stderr);
		rc = EXIT_OK;
	}
out:
	ags_lock_release(&lk); /* after the envelope is replaced */
	ags_signer_release(&s);
	ags_seckey_free(sk);
	return rc;
}
