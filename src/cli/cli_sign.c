/* Signing shared by sign and countersign (src/cli_sign.c). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "Passphrase for ines.key (key c4aa...)" (": " is added), the file's name in
 * its display form: it reaches the terminal. malloc'd, or NULL. */
static char *key_prompt(const char *path, const char *key_id)
{
	const char *base = strrchr(path, '/');
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return NULL;
	fputs("Passphrase for ", m);
	cli_put_escaped(m, base && base[1] ? base + 1 : path);
	fprintf(m, " (key %s)", key_id);
	if (fclose(m) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* 1 when the key file at path is an OpenSSH public key (its first word
 * an OpenSSH key type): its key signs through the agent. The first bytes
 * of a key file hold no secret in any of the formats read. */
static int is_ssh_public(const char *path)
{
	char head[8] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return 0; /* the secret key loader says why */
	n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && (strncmp(head, "ssh-", 4) == 0 ||
	                 strncmp(head, "ecdsa-", 6) == 0 ||
	                 strncmp(head, "sk-", 3) == 0);
}

/* -k KEY.pub: the key and the agent's socket, both checked before the
 * agent is asked anything. */
static int peek_agent_key(struct ags_pubkey *pub, struct sign_opts *o)
{
	struct ags_error err = {0};

	if (ags_pubkey_load_any(pub, NULL, o->key, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	o->agent_sock = getenv("SSH_AUTH_SOCK");
	if (!o->agent_sock || !o->agent_sock[0]) {
		cli_errorf(o->key,
		           "an OpenSSH public key signs through ssh-agent, but "
		           "SSH_AUTH_SOCK is not set (start an agent with "
		           "'eval \"$(ssh-agent)\"' and add the key with "
		           "'ssh-add')");
		return -1;
	}
	return 0;
}

/* The key's public half, identity and file format, read before anything
 * asks for its passphrase (or the agent for anything). */
static int peek_key(struct ags_pubkey *pub, struct sign_opts *o)
{
	struct ags_error err = {0};

	if (is_ssh_public(o->key))
		return peek_agent_key(pub, o);
	if (ags_seckey_load_public(pub, NULL, o->key, NULL, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	/* Read once the key is: an unreadable one is named before the
	 * summary, not after it. */
	if (o->pass.file && access(o->pass.file, R_OK) != 0) {
		cli_errorf(o->pass.file, "cannot open: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Unlocks the key peek_key read; it must still be that key. */
static int load_key(struct ags_seckey **sk, struct sign_opts *o,
                    const struct ags_pubkey *pub)
{
	struct ags_error err = {0};
	char *prompt = key_prompt(o->key, pub->key_id);
	enum ags_err rc;
	int loose = 0;

	o->pass.prompt = prompt;
	rc = ags_seckey_load(sk, o->key, cli_ask_passphrase, &o->pass, &loose,
	                     &err);
	o->pass.prompt = NULL;
	free(prompt);
	if (rc != AGS_OK) {
		if (!o->pass.failed) /* else the reason is on stderr already */
			cli_error(&err);
		return -1;
	}
	if (strcmp((*sk)->pub.key_id, pub->key_id) != 0) {
		cli_errorf(o->key,
		           "the key file changed while it was read "
		           "(now key %s): not signing",
		           (*sk)->pub.key_id);
		return -1;
	}
	if (loose)
		cli_errorf(o->key, "warning: secret key file is readable by "
		                   "others (chmod 600 it)");
	return 0;
}

/* Connects to the agent, which must hold the key peek_key read. */
static int open_agent(struct ags_agent **agent, const struct sign_opts *o,
                      const struct ags_pubkey *pub)
{
	struct ags_error err = {0};

	if (ags_agent_open(agent, o->agent_sock, pub, CLI_AGENT_TIMEOUT_MS,
	                   &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	return 0;
}

static int make_signer(struct ags_signer *s, const struct sign_opts *o,
                       const struct ags_pubkey *pub)
{
	const char *name = o->name ? o->name : pub->name;
	const char *email = o->email ? o->email : pub->email;
	const char *orcid = o->orcid ? o->orcid : pub->orcid;

	/* Only an OpenSSH key has no name: its comment is no identity. */
	if (!name) {
		cli_errorf(o->key,
		           "an OpenSSH key holds no name: give the signer's "
		           "name with --name (and --email, --orcid if wanted)");
		return -1;
	}

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

/* NAME <EMAIL> (ORCID O) as ROLE, key K, WORD TIME */
static void show_signer(FILE *f, const struct ags_signer *s, const char *key_id,
                        const char *when_word)
{
	char when[21] = "?";

	ags_time_format(when, s->time);
	cli_put_escaped(f, s->name ? s->name : "(no name)");
	if (s->email) {
		fputs(" <", f);
		cli_put_escaped(f, s->email);
		fputc('>', f);
	}
	if (s->orcid) {
		fputs(" (ORCID ", f);
		cli_put_escaped(f, s->orcid);
		fputc(')', f);
	}
	fprintf(f, " as %s, key %s, %s %s\n",
	        ags_role_name(s->role) ? ags_role_name(s->role) : "?", key_id,
	        when_word, when);
}

/* The signatures a countersignature accepts: each plain one. */
static void show_accepted(FILE *f, const struct ags_envelope *env,
                          const char *trust)
{
	size_t i, n = 0;
	char label[32];

	for (i = 0; i < env->nsigs; i++)
		n += !env->sigs[i].is_countersignature;
	fprintf(f, "  %-13s %zu signature%s, verified against ",
	        "accepting:", n, n == 1 ? "" : "s");
	cli_put_escaped(f, trust ? trust : "the trust file");
	fputc('\n', f);
	for (i = 0; i < env->nsigs; i++) {
		if (env->sigs[i].is_countersignature)
			continue;
		snprintf(label, sizeof(label), "signature %zu:", i + 1);
		fprintf(f, "  %-13s ", label);
		show_signer(f, &env->sigs[i].signer, env->sigs[i].key_id,
		            "claimed");
	}
}

static void show_to(FILE *f, const struct ags_envelope *env,
                    const struct ags_signer *s, const char *key_id,
                    const struct sign_opts *o, int countersign)
{
	const struct ags_agreement *a = &env->agreement;
	char hex[2 * AGS_DIGEST_BYTES + 1];
	size_t i;

	sodium_bin2hex(hex, sizeof(hex), a->text_sha512, AGS_DIGEST_BYTES);
	fputs("agreesign: signing\n", f);
	if (a->is_template)
		show_field(f, "kind:", "template (a publisher's form)");
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
		show_accepted(f, env, o->trust);
	fprintf(f, "  %-13s ", "signer:");
	show_signer(f, s, key_id, "at");
}

/* Everything the signature will cover, so nobody signs a field unseen.
 * Gathered first and written at once: stderr is unbuffered, and a write
 * per line cost more than the rest of the summary. */
static void show(const struct ags_envelope *env, const struct ags_signer *s,
                 const char *key_id, const struct sign_opts *o, int countersign)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m) {
		show_to(stderr, env, s, key_id, o, countersign);
		return;
	}
	show_to(m, env, s, key_id, o, countersign);
	/* Straight to the descriptor: line-buffered stderr (main.c) would
	 * still make one write per line. */
	if (fclose(m) == 0 && fflush(stderr) == 0)
		cli_write_all(STDERR_FILENO, text, len);
	else
		show_to(stderr, env, s, key_id, o, countersign);
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

/* Who makes a signature: a secret key, or an agent holding pub's. */
struct sign_with {
	struct ags_seckey *sk;
	struct ags_agent *agent;
	const struct ags_pubkey *pub;
	const struct ags_signer *signer;
};

/* flags: those of ags_file_write_atomic. */
static int write_envelope(const struct ags_envelope *env, const char *out,
                          unsigned flags)
{
	struct ags_error err = {0};
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (ags_envelope_format(&text, &len, env, &err) == AGS_OK &&
	    ags_file_write_atomic(out, text, len, 0644, flags, &err) == AGS_OK)
		rc = 0;
	else
		cli_error(&err);
	free(text);
	return rc;
}

static int same_string(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
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

/* The statement a signature covers: what the summary showed. */
static int same_statement(const struct ags_agreement *a,
                          const struct ags_agreement *b)
{
	return a->text_length == b->text_length &&
	       memcmp(a->text_sha512, b->text_sha512, AGS_DIGEST_BYTES) == 0 &&
	       a->is_template == b->is_template &&
	       same_string(a->md.title, b->md.title) &&
	       same_string(a->md.corresponding_author,
	                   b->md.corresponding_author) &&
	       same_string(a->md.proceedings, b->md.proceedings) &&
	       same_string(a->md.publisher, b->md.publisher) &&
	       same_string(a->md.license, b->md.license) &&
	       same_string(a->md.agreement_date, b->md.agreement_date) &&
	       same_attachments(a, b);
}

/* Is signature sig of the envelope old too (same key, same bytes)? */
static int had(const struct ags_envelope *old, const struct ags_signature *sig)
{
	size_t i;

	for (i = 0; i < old->nsigs; i++)
		if (strcmp(old->sigs[i].key_id, sig->key_id) == 0 &&
		    memcmp(old->sigs[i].signature, sig->signature,
		           AGS_SIGNATURE_BYTES) == 0)
			return 1;
	return 0;
}

/* A countersignature covers every plain signature it finds once the
 * envelope is locked: those that others added while the passphrase was
 * typed verified like the rest (o->reread), and are shown before they
 * are covered. Returns 0, or -1 when one the summary showed is gone. */
static int show_added(const struct ags_envelope *old,
                      const struct ags_envelope *fresh, const char *out,
                      const char *trust)
{
	size_t i, kept = 0, shown = 0, added = 0;
	char label[32];

	for (i = 0; i < old->nsigs; i++)
		shown += !old->sigs[i].is_countersignature;
	for (i = 0; i < fresh->nsigs; i++)
		if (!fresh->sigs[i].is_countersignature) {
			if (had(old, &fresh->sigs[i]))
				kept++;
			else
				added++;
		}
	if (kept != shown) {
		cli_errorf(out, "a signature the summary showed was removed "
		                "while the key was unlocked: nothing signed");
		return -1;
	}
	if (added == 0)
		return 0;
	fprintf(stderr,
	        "  %-13s %zu more, added while the key was unlocked, "
	        "verified against ",
	        "accepting:", added);
	cli_put_escaped(stderr, trust ? trust : "the trust file");
	fputc('\n', stderr);
	for (i = 0; i < fresh->nsigs; i++) {
		const struct ags_signature *sig = &fresh->sigs[i];

		if (sig->is_countersignature || had(old, sig))
			continue;
		snprintf(label, sizeof(label), "signature %zu:", i + 1);
		fprintf(stderr, "  %-13s ", label);
		show_signer(stderr, &sig->signer, sig->key_id, "claimed");
	}
	return 0;
}

/* Locks the envelope and reads it again: another signer may have added a
 * signature while the key was unlocked. The statement must still be the
 * one the summary showed; else nothing is signed. */
static int lock_and_reread(struct ags_lock *lk, struct ags_envelope *env,
                           struct sign_opts *o, const char *out,
                           int countersign)
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
	    !same_statement(&env->agreement, &fresh.agreement)) {
		cli_errorf(out, "the envelope's statement changed while the "
		                "key was unlocked: nothing signed; run the "
		                "command again to see what it now holds");
		rc = EXIT_TROUBLE;
	}
	if (rc == EXIT_OK && countersign &&
	    show_added(env, &fresh, out, o->trust) != 0)
		rc = EXIT_TROUBLE;
	ags_envelope_release(env);
	*env = fresh;
	return rc;
}

/* The envelope goes into an existing folder that can be written (for an
 * edit, the folder of the file a symbolic link leads to): found out
 * before a passphrase is asked for. */
static int check_output(const char *out, int edit)
{
	char *real = edit ? realpath(out, NULL) : NULL;
	char *copy = strdup(real ? real : out);
	const char *dir;
	int rc = 0;

	free(real);
	if (!copy) {
		cli_errorf(out, "out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (access(dir, F_OK) != 0) {
		cli_errorf(out, "no such folder: %s", dir);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) != 0) {
		cli_errorf(out, "cannot write in the folder %s: %s", dir,
		           strerror(errno));
		rc = -1;
	}
	free(copy);
	return rc;
}

/* sign --force starts a new envelope, but under the lock an edit of one
 * takes (§6.3): it must not replace an envelope in the middle of another
 * writer's edit, which would then put back what it read. A symbolic link
 * is replaced itself, so its own name is locked, not its target's. */
static int lock_for_force(struct ags_lock *lk, const char *out)
{
	struct ags_error err = {0};
	struct stat st;

	if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode))
		return 0;
	if (ags_lock_take(lk, out, &err) != AGS_OK) {
		cli_error(&err);
		return -1;
	}
	return 0;
}

/* Signs with the key or the agent, adds the token when asked, and writes
 * the envelope to out (already locked for an edit). */
static int sign_and_write(struct ags_envelope *env, struct sign_opts *o,
                          const char *out, const struct sign_with *w,
                          int countersign)
{
	struct ags_error err = {0};
	enum ags_err rc;

	/* The same envelope either way: only who makes the signature
	 * differs (ags_sign_append_with). */
	rc = w->agent ? ags_sign_append_with(env, w->pub, ags_agent_sign,
	                                     w->agent, w->signer, countersign,
	                                     &err)
	              : ags_sign_append(env, w->sk, w->signer, countersign,
	                                &err);
	if (rc != AGS_OK) {
		if (!err.source[0])
			ags_text_copy(err.source, sizeof(err.source), out);
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	/* The token before the envelope is written: it is written with it,
	 * or nothing is. */
	if (o->tsa &&
	    cli_timestamp_entry(env, env->nsigs - 1, o->tsa, out) != 0)
		return EXIT_TROUBLE;
	if (write_envelope(env, out,
	                   o->append  ? AGS_WRITE_REPLACE | AGS_WRITE_KEEP_MODE
	                   : o->force ? AGS_WRITE_REPLACE
	                              : 0u) != 0)
		return EXIT_TROUBLE;
	fputs("agreesign: wrote ", stderr);
	cli_put_escaped(stderr, out);
	fputc('\n', stderr);
	return EXIT_OK;
}

int cli_sign_into(struct ags_envelope *env, struct sign_opts *o,
                  const char *out, int countersign)
{
	struct ags_error err = {0};
	struct ags_seckey *sk = NULL;
	struct ags_agent *agent = NULL;
	struct ags_signer s = {0};
	struct ags_pubkey pub;
	struct ags_lock lk;
	int rc = EXIT_TROUBLE;

	ags_lock_init(&lk);
	ags_pubkey_init(&pub);
	/* Everything that needs no secret, then the summary, then the
	 * passphrase. */
	if (env->nsigs > 0 && check_attached(env, o->agreement) != 0)
		goto out;
	if (peek_key(&pub, o) != 0 || check_output(out, o->append) != 0 ||
	    make_signer(&s, o, &pub) != 0)
		goto out;
	if (ags_sign_check(env, &pub, &s, countersign, &err) != AGS_OK) {
		if (!err.source[0])
			ags_text_copy(err.source, sizeof(err.source), out);
		cli_error(&err);
		goto out;
	}
	show(env, &s, pub.key_id, o, countersign);
	if (o->agent_sock ? open_agent(&agent, o, &pub) != 0
	                  : load_key(&sk, o, &pub) != 0)
		goto out;
	if (o->append) {
		if (lock_and_reread(&lk, env, o, out, countersign) != EXIT_OK)
			goto out;
		out = lk.path;
	} else if (o->force && lock_for_force(&lk, out) != 0) {
		goto out;
	}
	rc = sign_and_write(env, o, out,
	                    &(struct sign_with){sk, agent, &pub, &s},
	                    countersign);
out:
	ags_lock_release(&lk); /* after the envelope is replaced */
	ags_signer_release(&s);
	ags_pubkey_release(&pub);
	ags_seckey_free(sk);
	ags_agent_close(agent);
	return rc;
}
