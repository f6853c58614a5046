/* agreesign trust list: the key records of a trust file or a SQLite
 * store, then its tsa records (the time-stamping authorities it pins),
 * one line each, as text or JSON Lines. */
#include "cli.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* A time member: the time, or null when unset (unset). */
static json_t *time_or_null(int64_t t, int64_t unset)
{
	char when[21];

	return t != unset && !ags_time_format(when, t) ? json_string(when)
	                                               : json_null();
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
	json_object_set_new(o, "line",
	                    e->line ? json_integer(e->line) : json_null());
	json_object_set_new(o, "key_id", json_string(e->key_id));
	json_object_set_new(o, "identity", json_string(e->identity));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(o, "email",
	                    e->email ? json_string(e->email) : json_null());
	json_object_set_new(o, "orcid",
	                    e->orcid ? json_string(e->orcid) : json_null());
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

/* " NAME=VALUE" of o's string member key, when it is one. */
static void put_member(const json_t *o, const char *key, const char *name)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return;
	printf("  %s=", name);
	cli_put_escaped(stdout, json_string_value(v));
}

/* The end of a record's line, key or tsa: its window and revocation. */
static void put_tail(const json_t *o, int revoked, const char *reason)
{
	put_member(o, "valid_after", "valid-after");
	put_member(o, "valid_before", "valid-before");
	if (revoked) {
		printf("  REVOKED %s: ",
		       json_string_value(json_object_get(o, "revoked")));
		cli_put_escaped(stdout, reason ? reason : "no reason given");
	}
	putchar('\n');
}

void cli_trust_print_entry(const struct ags_trust_entry *e, int json)
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
		if (e->email) {
			fputs("  email=", stdout);
			cli_put_escaped(stdout, e->email);
		}
		if (e->orcid)
			printf("  orcid=%s", e->orcid);
		put_tail(o, e->revoked, e->revoked_reason);
	}
	free(text);
	json_decref(o);
}

/* A tsa record as JSON: its name, the certificate's SHA-256 fingerprint
 * (of its DER), subject and end of validity, and the record's window and
 * revocation (the members of a key's line where they mean the same). */
static json_t *tsa_json(const struct ags_trust_tsa *a)
{
	uint8_t fp[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(fp) + 1], subject[512];
	int64_t not_after = 0;
	json_t *o = json_object();
	int described = ags_x509_describe(subject, sizeof(subject), &not_after,
	                                  a->cert, a->cert_len) == 0;

	crypto_hash_sha256(fp, a->cert, a->cert_len);
	sodium_bin2hex(hex, sizeof(hex), fp, sizeof(fp));
	json_object_set_new(o, "tsa", json_string(a->name));
	json_object_set_new(o, "line",
	                    a->line ? json_integer(a->line) : json_null());
	json_object_set_new(o, "certificate_sha256", json_string(hex));
	json_object_set_new(o, "certificate_subject",
	                    described ? json_string(subject) : json_null());
	json_object_set_new(o, "certificate_not_after",
	                    described ? time_or_null(not_after, INT64_MIN)
	                              : json_null());
	json_object_set_new(o, "valid_after",
	                    time_or_null(a->valid_after, INT64_MIN));
	json_object_set_new(o, "valid_before",
	                    time_or_null(a->valid_before, INT64_MAX));
	json_object_set_new(o, "revoked",
	                    a->revoked
	                            ? time_or_null(a->revoked_time, INT64_MIN)
	                            : json_null());
	json_object_set_new(o, "reason",
	                    a->revoked_reason ? json_string(a->revoked_reason)
	                                      : json_null());
	return o;
}

/* One tsa record of trust list: text, or JSON with json set. */
static void print_tsa(const struct ags_trust_tsa *a, int json)
{
	json_t *o = tsa_json(a);
	char *text = NULL;

	if (json && o && (text = ags_json_dumps_sorted(o, NULL)))
		puts(text);
	if (!json && o) {
		fputs("tsa  ", stdout);
		cli_put_escaped(stdout, a->name);
		put_member(o, "certificate_sha256", "cert-sha256");
		put_member(o, "certificate_subject", "subject");
		put_member(o, "certificate_not_after", "cert-not-after");
		put_tail(o, a->revoked, a->revoked_reason);
	}
	free(text);
	json_decref(o);
}

/* The keys of a text file (checked: a list shows no key that a
 * verification would refuse) or of a store, streamed; then *t holds the
 * file's or store's tsa records. */
static int list_keys(struct ags_trust *t, const struct cli_trust_opts *o)
{
	struct ags_error err = {0};
	size_t i;
	int rc;

	if (ags_trust_is_db(o->file)) {
		rc = cli_trust_db_list(o);
		if (rc == EXIT_OK &&
		    ags_trust_load(t, o->file, &err) != AGS_OK) {
			cli_error(&err);
			rc = EXIT_TROUBLE;
		}
		return rc;
	}
	if (ags_trust_load(t, o->file, &err) != AGS_OK ||
	    ags_trust_check_keys(t, &err) != AGS_OK) {
		cli_error(&err);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < t->n; i++)
		cli_trust_print_entry(&t->entries[i], o->json);
	return EXIT_OK;
}

int cli_trust_list(const struct cli_trust_opts *o)
{
	struct ags_trust t;
	size_t i;
	int rc;

	if (o->arg)
		return cli_usage("trust", "trust list takes no argument");
	ags_trust_init(&t);
	rc = list_keys(&t, o);
	for (i = 0; rc == EXIT_OK && i < t.ntsa; i++)
		print_tsa(&t.tsa[i], o->json);
	ags_trust_release(&t);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("standard output", "write error");
		rc = EXIT_TROUBLE;
	}
	return rc;
}
