/* fuzz_trust: the trust file reader (src/lib/format/trust.c, trust_tsa.c),
 * versions 1 and 2. Properties: a refused file gets an error naming a line
 * of it and leaves an empty store; in an accepted one every entry has a
 * checked identity (and, in v2 only, a checked e-mail and ORCID), a
 * derived key id, at least one role, a reason only when revoked, a line of
 * the file, and is the entry ags_trust_find returns for its key (no key
 * twice), and the entry ags_trust_lookup returns when its key passes the
 * Ed25519 checks (else the lookup fails naming its line); every tsa record (v2
 * only) has a checked name and one DER certificate. ags_trust_parse_lookup
 * accepts and refuses the same files, and each of its entries gets, at its
 * lookup, the key id ags_trust_parse gave it. */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

/* The Ed25519 checks wait for the lookup (spec §9.1): it returns the
 * entry of a valid key, and refuses another naming its line, each time. */
static void check_lookup(const struct ags_trust *t,
                         const struct ags_trust_entry *e, size_t i)
{
	const struct ags_trust_entry *found = e;
	struct ags_error err;
	int valid = ags_public_key_valid(e->pk), round;
	enum ags_err rc;

	for (round = 0; round < 2; round++) {
		ags_error_clear(&err);
		rc = ags_trust_lookup(t, e->pk, &found, &err);
		FUZZ_CHECK(valid ? rc == AGS_OK && found == e
		                 : rc == AGS_ERR_FORMAT && !found &&
		                           err.line == e->line,
		           "entry %zu: lookup gave %d (key valid: %d)", i,
		           (int)rc, valid);
	}
}

static void check_entry(const struct ags_trust *t, size_t i, long lines)
{
	const struct ags_trust_entry *e = &t->entries[i];
	char id[AGS_KEYID_HEX + 1];

	FUZZ_CHECK(e->identity && ags_field_check(e->identity,
	                                          strlen(e->identity)) == NULL,
	           "entry %zu: bad identity", i);
	ags_key_id(id, e->pk);
	FUZZ_CHECK(strcmp(id, e->key_id) == 0, "entry %zu: key id", i);
	FUZZ_CHECK(e->roles != 0 && (e->roles & ~(unsigned)AGS_ROLE_ALL) == 0,
	           "entry %zu: roles %x", i, e->roles);
	FUZZ_CHECK(!e->revoked_reason || e->revoked,
	           "entry %zu: reason without revocation", i);
	FUZZ_CHECK(!e->revoked_reason ||
	                   ags_field_check(e->revoked_reason,
	                                   strlen(e->revoked_reason)) == NULL,
	           "entry %zu: bad reason", i);
	FUZZ_CHECK(e->line >= 2 && e->line <= lines, "entry %zu: line %ld", i,
	           e->line);
	FUZZ_CHECK(ags_trust_find(t, e->pk) == e, "entry %zu: key twice", i);
	check_lookup(t, e, i);
	FUZZ_CHECK(t->version == 2 || (!e->email && !e->orcid),
	           "entry %zu: e-mail or ORCID in a v1 file", i);
	FUZZ_CHECK(!e->email || (ags_field_check(e->email, strlen(e->email)) ==
	                                 NULL &&
	                         ags_email_check(e->email) == NULL),
	           "entry %zu: bad e-mail", i);
	FUZZ_CHECK(!e->orcid || ags_orcid_check(e->orcid) == NULL,
	           "entry %zu: bad ORCID", i);
}

/* A tsa record: v2 only, a checked name, one DER certificate, a line. */
static void check_tsa(const struct ags_trust *t, size_t i, long lines)
{
	const struct ags_trust_tsa *a = &t->tsa[i];

	FUZZ_CHECK(t->version == 2, "tsa %zu in a v1 file", i);
	FUZZ_CHECK(a->name && ags_field_check(a->name, strlen(a->name)) == NULL,
	           "tsa %zu: bad name", i);
	FUZZ_CHECK(a->cert && ags_x509_check(a->cert, a->cert_len) == NULL,
	           "tsa %zu: bad certificate", i);
	FUZZ_CHECK(!a->revoked_reason || a->revoked,
	           "tsa %zu: reason without revocation", i);
	FUZZ_CHECK(a->line >= 2 && a->line <= lines, "tsa %zu: line %ld", i,
	           a->line);
}

/* The same file read with the key ids left to the lookups. */
static void check_lazy(const struct ags_trust *eager, enum ags_err want,
                       long line, const char *in, size_t size)
{
	struct ags_trust t;
	struct ags_error err;
	const struct ags_trust_entry *e;
	enum ags_err rc;
	size_t i;

	ags_error_clear(&err);
	rc = ags_trust_parse_lookup(&t, in, size, "fuzz", &err);
	FUZZ_CHECK(rc == want && (rc == AGS_OK || err.line == line),
	           "lazy parse gave %d at line %ld, eager %d at line %ld",
	           (int)rc, err.line, (int)want, line);
	if (rc != AGS_OK)
		return;
	FUZZ_CHECK(t.n == eager->n, "lazy parse: %zu entries", t.n);
	for (i = 0; i < t.n; i++) {
		FUZZ_CHECK(t.entries[i].key_id[0] == '\0',
		           "entry %zu: key id before its lookup", i);
		(void)ags_trust_lookup(&t, t.entries[i].pk, &e, NULL);
		FUZZ_CHECK(strcmp(t.entries[i].key_id,
		                  eager->entries[i].key_id) == 0,
		           "entry %zu: key id after its lookup", i);
	}
	ags_trust_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	struct ags_trust t;
	struct ags_error err;
	enum ags_err rc;
	long lines = 0;
	size_t i;

	for (i = 0; i < size; i++)
		lines += in[i] == '\n';
	ags_error_clear(&err);
	rc = ags_trust_parse(&t, in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		check_lazy(&t, rc, err.line, in, size);
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(t.n == 0 && t.entries == NULL && t.ntsa == 0 &&
		                   t.tsa == NULL,
		           "refused trust file leaves entries");
	} else {
		FUZZ_CHECK(lines >= 1, "accepted without a header line");
		FUZZ_CHECK(t.version == 1 || t.version == 2, "version %d",
		           t.version);
		for (i = 0; i < t.n; i++)
			check_entry(&t, i, lines);
		for (i = 0; i < t.ntsa; i++)
			check_tsa(&t, i, lines);
		check_lazy(&t, rc, 0, in, size);
		ags_trust_release(&t);
	}
	free(in);
	return 0;
}
