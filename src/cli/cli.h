/* Shared by the command files: messages, exit codes, passphrases. */
#ifndef AGS_CLI_H
#define AGS_CLI_H

#include "agreesign.h"

#include <stdio.h>

/* Exit codes, like grep: see spec/agreesign-v1.md and --help. */
#define EXIT_OK           0
#define EXIT_NOT_VERIFIED 1
#define EXIT_TROUBLE      2

#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "agreesign: <subject>: <message>" on stderr, one line. */
void cli_errorf(const char *subject, const char *fmt, ...) CLI_PRINTF(2, 3);
/* The library's error as one line, with subject, line and column. */
void cli_error(const struct ags_error *err);
/* A usage problem: the message, then "try 'agreesign CMD --help'". */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Writes s in its display form (ags_display_char, spec §10.5): control
 * characters, DEL and bytes that are not UTF-8 as \xNN, C1 and bidi
 * controls and U+2028/U+2029 as \u{NNNN}. Every untrusted string printed
 * for people goes through it. */
void cli_put_escaped(FILE *f, const char *s);
/* The same for n bytes of s (which need not end there). */
void cli_put_escaped_n(FILE *f, const char *s, size_t n);
/* Writes all len bytes of p to fd, retrying after EINTR and short writes;
 * gives up silently on an error (for messages: there is nowhere to report
 * it). */
void cli_write_all(int fd, const char *p, size_t len);

/* Prints help text to stdout and returns EXIT_OK. */
int cli_help(const char *text);

/* Passphrase sources for loading or creating keys. */
struct cli_pass {
	const char *file; /* --passphrase-file, or NULL: ask the terminal */
	int confirm;      /* ask twice (new keys) */
	int failed;       /* set by cli_ask_passphrase when it failed and
	                     said why: the caller need not say it again */

	/* The terminal's prompt, NULL: "Passphrase"; ": " and (confirm)
	 * " again: " are added. */
	const char *prompt;
};

/* Reads a passphrase into buf (sodium_malloc'd by the caller, cap bytes)
 * from pass->file (its first line) or the terminal without echo. Returns
 * 0, or -1 after printing why. */
int cli_read_passphrase(char *buf, size_t cap, size_t *len,
                        const struct cli_pass *pass);

/* status, unless a passphrase prompt was ended by SIGINT, SIGTERM or
 * SIGHUP: then (the terminal restored and the command unwound) the
 * process dies of that signal, which a shell reports as 128 + its number
 * (130 for Ctrl-C); 128 + the number is returned if it did not die. Only
 * main calls it, last. */
int cli_exit_status(int status);

/* An ags_passphrase_fn reading with cli_read_passphrase (ctx is a
 * struct cli_pass *). */
int cli_ask_passphrase(char *buf, size_t cap, size_t *len, void *ctx);

/* Reads and canonicalizes an agreement file. *canon is malloc'd. When the
 * file is no UTF-8 text (a PDF, Latin-1), err's text ends with what to do
 * (--attach, the iconv command). */
enum ags_err cli_load_canon(char **canon, size_t *len, const char *path,
                            struct ags_error *err);

/* The one time syntax of every --time, --valid-after and --valid-before
 * option: YYYY-MM-DDTHH:MM:SSZ (spec §1.3), or a date YYYY-MM-DD, which
 * means its midnight UTC. Returns 0, or -1 when s is neither. */
int cli_parse_time(int64_t *out, const char *s);
/* A comma-separated list of roles ("author,co-author"), ORed into
 * *roles. Returns 0, or -1 when an item is not a role or is empty. */
int cli_parse_roles(unsigned *roles, const char *list);

/* The signing time: the --time value (cli_parse_time, or NULL), else
 * SOURCE_DATE_EPOCH, else now. Returns 0, or -1 after printing why. */
int cli_signing_time(int64_t *out, const char *opt);

/* The default key pair (src/cli/cli_keypath.c): its BASE is
 * $AGREESIGN_KEY when set and not empty (a final ".key" is dropped), else
 * ~/.agreesign/agreesign. A malloc'd string, or NULL after printing why. */
#define CLI_KEY_DIR  ".agreesign"
#define CLI_KEY_NAME "agreesign"
char *cli_default_key_base(void);
/* The secret key to sign with: given (-k KEY) when not NULL; else the
 * default BASE.key, which must exist, named on stderr. *owned is set to
 * what the caller free()s (NULL when given). NULL after printing why. */
const char *cli_seckey_path(const char *given, char **owned);

/* "<path>.sig.json" as a malloc'd string, or NULL. */
char *cli_default_envelope(const char *agreement);

/* What sign and countersign were told. */
struct sign_opts {
	const char *key, *out, *time, *agreement;
	const char *name, *email, *orcid;
	const char *md[6]; /* title, author, proceedings, publisher, license,
	                      date overrides */
	const char *trust; /* countersign: the trust file the accepted
	                      signatures verified against (shown) */
	const char *attach[AGS_SIGNATURES_MAX]; /* --attach FILE, in order */
	size_t nattach;
	enum ags_role role;
	int append, force, is_template;
	const char *tsa; /* --tsa URL: timestamp the new signature before
	                    the envelope is written, or NULL */
	struct cli_pass pass;
	/* Set by cli_sign_into when KEY is an OpenSSH public key: the
	 * agent's socket (SSH_AUTH_SOCK), which signs. */
	const char *agent_sock;
	/* With append: reads the envelope at path into env (initialised) and
	 * checks it as it was checked before the key was unlocked; returns an
	 * exit status after printing why not 0. */
	int (*reread)(struct ags_envelope *env, const char *path, void *ctx);
	void *reread_ctx;
};

/* How long an agent may take over one exchange: long enough for a
 * person to confirm (ssh-add -c) or touch a token. */
#define CLI_AGENT_TIMEOUT_MS 60000

/* Loads o->key (or, for an OpenSSH public key, asks the agent at
 * SSH_AUTH_SOCK to sign with it), signs env as o says (countersign: covering
 * every signature in env), writes env to out (replacing it when o->append or
 * o->force). With o->append, env is read again with o->reread under the
 * envelope's lock (ags_lock_take), held until it is replaced, so that a
 * signature another process added meanwhile is kept. Returns an exit
 * status. */
int cli_sign_into(struct ags_envelope *env, struct sign_opts *o,
                  const char *out, int countersign);

/* --tsa URL (src/cli_http.c): the one network exchange, by HTTP POST
 * with libcurl, loaded when needed. Bounds: */
#define CLI_TSA_REPLY_MAX       (4u * AGS_TOKEN_MAX) /* bytes of a reply */
#define CLI_TSA_CONNECT_TIMEOUT 10                   /* seconds */
#define CLI_TSA_TIMEOUT         30 /* seconds, the whole exchange */
/* Sends the DER request req to the time-stamping authority at url
 * (http or https, no redirect) as application/timestamp-query and
 * gives its reply (malloc'd) when the status is 200. 0, or -1 after
 * saying why. */
int cli_tsa_post(uint8_t **reply, size_t *reply_len, const char *url,
                 const uint8_t *req, size_t req_len);
/* Gets a token from url for signature idx of env and puts it there
 * (src/cmd_timestamp.c). 0, or -1 after saying why (subject: what). */
int cli_timestamp_entry(struct ags_envelope *env, size_t idx, const char *url,
                        const char *what);

/* verify --batch (src/cli_batch.c). */
struct cli_batch_opts {
	const char *manifest; /* JSON Lines file, "-" for stdin, or a folder */
	unsigned jobs;
	int quiet, no_progress;
	const struct ags_trust *trust;
	const struct ags_policy *policy;
	const char *attach_dir;
};
int cli_verify_batch(const struct cli_batch_opts *o);

/* verify --template, --template-text (src/cli_template.c). */
struct verify_extra {
	const char *tmpl;      /* the template's envelope, or NULL */
	const char *tmpl_text; /* the template file, or NULL: tmpl less
	                          ".sig.json" */
};
/* Called once ags_verify has filled rep: checks the template (its verdict
 * joins rep's; its lines are printed when print is set). Returns AGS_OK
 * or the error, described in err. */
enum ags_err cli_verify_extra(const struct verify_extra *x,
                              struct ags_report *rep, const char *canon,
                              size_t len, const struct ags_trust *trust,
                              int print, struct ags_error *err);
/* verify --report (src/cli_report.c): the files a verification reads,
 * which the page must never replace. */
enum cli_input {
	CLI_IN_AGREEMENT,
	CLI_IN_ENVELOPE,
	CLI_IN_TRUST,
	CLI_IN_PUBKEY,
	CLI_IN_TEMPLATE,
	CLI_IN_TEMPLATE_TEXT, /* NULL: the template's envelope less .sig.json */
	CLI_IN_N
};
struct cli_report {
	const char *path;         /* --report FILE.html */
	int force;                /* --force: may replace an existing file */
	const char *in[CLI_IN_N]; /* NULL: not read by this run */
	const char *attach_dir;   /* NULL: the agreement's folder */
	int64_t checked_at;       /* when the run began (UTC); 0: unknown */
	int keys_digested;        /* 1: keys_sha256 is set */
	uint8_t keys_sha256[32];  /* of the trust file or .pub, as read */
};
/* Reads the keys of the run once, the trust file r->in[CLI_IN_TRUST] or
 * else the public key r->in[CLI_IN_PUBKEY], into t, and puts the SHA-256
 * of the bytes read in r->keys_sha256, so that the page names the very
 * bytes the verification trusted. */
enum ags_err cli_report_load_keys(struct cli_report *r, struct ags_trust *t,
                                  struct ags_error *err);
/* AGS_OK when r->path may be written: it names none of the inputs (nor,
 * when env is given, its attachments), compared by the file reached and
 * by the directory entry, so that no other spelling or link gets past;
 * and nothing exists there unless r->force. Else the reason, in err. */
enum ags_err cli_report_check(const struct cli_report *r,
                              const struct ags_envelope *env,
                              struct ags_error *err);
/* Checks as above, then writes the page atomically: rep's verdict (env's
 * signatures, the canonical text) when the verification ran, else (rep
 * NULL) the error page saying why. env is NULL when it was not read. */
enum ags_err cli_report_page(const struct cli_report *r,
                             const struct ags_report *rep,
                             const struct ags_envelope *env, const char *canon,
                             size_t len, const char *why,
                             struct ags_error *err);

/* A template match in words (template check, verify --template). */
void cli_print_template_match(const struct ags_template_match *m);

/* verify's option codes for the options above, clear of any letter. */
#define OPT_TEMPLATE      0x7401
#define OPT_TEMPLATE_TEXT 0x7402
#define OPT_REPORT        0x7403
#define OPT_FORCE         0x7404

int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_countersign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_canon(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_trust(int argc, char **argv);
/* trust import-ssh (cmd_trust_import.c): the keys of the allowed_signers
 * file at path into trust_file, trusted for roles, in one locked edit. */
int cli_trust_import_ssh(const char *trust_file, const char *path,
                         unsigned roles);
int cmd_template(int argc, char **argv);
int cmd_timestamp(int argc, char **argv);

/* The options of agreesign trust (cmd_trust.c). */
struct cli_trust_opts {
	const char *file, *reason, *time, *arg;
	const char *email, *orcid, *name;
	unsigned roles;
	int64_t after, before;
	int set_after, set_before; /* --valid-after/--valid-before given */
	int json;
};
/* One line of trust list: text, or JSON with json set. */
void cli_trust_print_entry(const struct ags_trust_entry *e, int json);
/* trust list (cmd_trust_list.c): the keys, then the tsa records. */
int cli_trust_list(const struct cli_trust_opts *o);

/* agreesign trust on a SQLite store (cmd_trust_db.c); each returns an
 * exit status and says what it did on stderr as the text edits do. */
int cli_trust_import(const char *store, const char *input);
int cli_trust_export(const char *store);
int cli_trust_db_add(const struct cli_trust_opts *o,
                     const struct ags_pubkey *pub);
/* verb: "revoke" (at when), "remove" or "set" (ch) of key_id. */
int cli_trust_db_edit(const struct cli_trust_opts *o, const char *verb,
                      const char *key_id, const struct ags_trust_change *ch,
                      int64_t when);
int cli_trust_db_list(const struct cli_trust_opts *o);
/* trust import-ssh into a store: the keys of ss (read from path). */
int cli_trust_db_import_ssh(const char *store, const struct ags_ssh_signers *ss,
                            const char *path, unsigned roles);
/* trust add-tsa, revoke-tsa, remove-tsa (cmd_trust_tsa.c), on a text
 * file or a store. */
int cli_trust_add_tsa(const struct cli_trust_opts *o);
int cli_trust_revoke_tsa(const struct cli_trust_opts *o);
int cli_trust_remove_tsa(const struct cli_trust_opts *o);
/* The history of the store, of key_id only when not NULL. */
int cli_trust_history(const struct cli_trust_opts *o, const char *key_id);

#endif
