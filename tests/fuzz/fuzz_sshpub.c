/* fuzz_sshpub: the OpenSSH readers. Every input goes to all three:
 * - the SSH wire reader (src/lib/codec/sshwire.c), reading strings of at
 *   most 64 bytes until it fails: the cursor never passes the end, a
 *   failed read leaves it, and what was read plus what is left is the
 *   input;
 * - the public key file reader (src/lib/format/sshkey.c, by way of
 *   ags_pubkey_parse_any): a refused file gets an error naming a line of
 *   it and no key or comment; an accepted OpenSSH one holds a valid key
 *   whose id is derived, whose canonical key data appears in the input,
 *   and a comment without blanks at its ends or a line end;
 * - the allowed_signers reader (src/lib/format/ssh_signers.c): a refused
 *   file gets an error naming a line of it and no entries; an accepted
 *   one gives valid keys, no key twice, identities that pass the field
 *   rules, an e-mail that is the identity or none, non-empty windows,
 *   lines inside the input in increasing order, and the entries make a
 *   trust file that parses (what the import writes). */
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ags_init() == AGS_OK ? 0 : -1;
}

static long count_lines(const char *in, size_t size)
{
	long n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		n += in[i] == '\n';
	return n;
}

static void wire(const uint8_t *in, size_t size)
{
	struct ags_ssh_reader r;
	const uint8_t *s;
	size_t len, used = 0;
	int rc;

	ags_ssh_reader_init(&r, in, size);
	while ((rc = ags_ssh_get_string(&r, &s, &len, 64)) == 0) {
		FUZZ_CHECK(len <= 64 && s >= in && s + len <= in + size,
		           "a string outside the input");
		used += 4 + len;
	}
	FUZZ_CHECK(rc == AGS_SSH_SHORT || rc == AGS_SSH_LONG, "bad result");
	FUZZ_CHECK(r.p == in + used && used + r.left == size,
	           "the cursor moved on a failed read");
}

/* 1 when needle (k bytes) occurs in hay (n bytes). */
static int contains(const char *hay, size_t n, const char *needle, size_t k)
{
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* The canonical key data of pk, as the line must hold it. */
static void check_data_in(const char *in, size_t size, const uint8_t *pk)
{
	struct ags_buf b = {0};
	char *blob, *b64;
	size_t n = 0;

	ags_ssh_put_string(&b, "ssh-ed25519", 11);
	ags_ssh_put_string(&b, pk, AGS_PUBLICKEY_BYTES);
	blob = ags_buf_take(&b, &n);
	FUZZ_CHECK(blob != NULL, "out of memory");
	b64 = ags_b64_encode((const uint8_t *)blob, n);
	FUZZ_CHECK(b64 != NULL, "out of memory");
	FUZZ_CHECK(contains(in, size, b64, strlen(b64)),
	           "the key data is not in the input as written");
	free(b64);
	free(blob);
}

static void keyfile(const char *in, size_t size)
{
	struct ags_pubkey pub;
	struct ags_error err;
	char *comment = NULL, id[AGS_KEYID_HEX + 1];
	enum ags_err rc;
	size_t n;

	ags_error_clear(&err);
	rc = ags_pubkey_parse_any(&pub, &comment, in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(comment == NULL && pub.name == NULL,
		           "a refused key keeps a comment or name");
		return;
	}
	ags_key_id(id, pub.pk);
	FUZZ_CHECK(strcmp(id, pub.key_id) == 0, "key id not derived");
	FUZZ_CHECK(ags_public_key_valid(pub.pk), "an invalid key accepted");
	if (pub.name == NULL) {
		check_data_in(in, size, pub.pk);
		if (comment) {
			n = strlen(comment);
			FUZZ_CHECK(n > 0 && comment[0] != ' ' &&
			                   comment[0] != '\t' &&
			                   comment[n - 1] != ' ' &&
			                   comment[n - 1] != '\t' &&
			                   !memchr(comment, '\n', n),
			           "comment has blanks at its ends or a LF");
		}
	} else {
		FUZZ_CHECK(comment == NULL, "an agreesign .pub has a comment");
	}
	free(comment);
	ags_pubkey_release(&pub);
}

static void check_signer(const struct ags_ssh_signers *s, size_t i, long lines)
{
	const struct ags_ssh_signer *e = &s->v[i];
	char id[AGS_KEYID_HEX + 1];
	size_t j;

	ags_key_id(id, e->key.pk);
	FUZZ_CHECK(strcmp(id, e->key.key_id) == 0, "key id not derived");
	FUZZ_CHECK(ags_public_key_valid(e->key.pk), "invalid key taken");
	FUZZ_CHECK(e->key.name &&
	                   !ags_field_check(e->key.name, strlen(e->key.name)),
	           "identity fails the field rules");
	FUZZ_CHECK(!e->key.email || strcmp(e->key.email, e->key.name) == 0,
	           "e-mail is not the identity");
	FUZZ_CHECK(e->valid_after < e->valid_before, "empty window");
	FUZZ_CHECK(e->line >= 1 && e->line <= lines &&
	                   (i == 0 || e->line > s->v[i - 1].line),
	           "line out of order or outside the input");
	for (j = 0; j < i; j++)
		FUZZ_CHECK(memcmp(s->v[j].key.pk, e->key.pk,
		                  AGS_PUBLICKEY_BYTES) != 0,
		           "a key taken twice");
}

static void signers(const char *in, size_t size)
{
	struct ags_ssh_signers s;
	struct ags_trust_entry *e;
	struct ags_trust t;
	struct ags_error err;
	long lines = count_lines(in, size);
	char *out = NULL;
	size_t i, n = 0;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_ssh_signers_parse(&s, in, size, "fuzz", &err);
	if (rc != AGS_OK) {
		fuzz_check_error(rc, &err, in, size);
		FUZZ_CHECK(s.n == 0 && s.nnotes == 0, "refused file has items");
		ags_ssh_signers_release(&s);
		return;
	}
	for (i = 0; i < s.nnotes; i++)
		FUZZ_CHECK(s.notes[i].line >= 1 && s.notes[i].line <= lines,
		           "a note outside the input");
	e = calloc(s.n + 1, sizeof(*e));
	FUZZ_CHECK(e != NULL, "out of memory");
	for (i = 0; i < s.n; i++) {
		check_signer(&s, i, lines);
		memcpy(e[i].pk, s.v[i].key.pk, AGS_PUBLICKEY_BYTES);
		e[i].identity = s.v[i].key.name;
		e[i].email = s.v[i].key.email;
		e[i].roles = AGS_ROLE_AUTHOR;
		e[i].valid_after = s.v[i].valid_after;
		e[i].valid_before = s.v[i].valid_before;
	}
	if (s.n > 0) {
		rc = ags_trust_add_entries(&out, &n, "", 0, e, s.n, "t", &err);
		FUZZ_CHECK(rc == AGS_OK, "the import cannot be written: %s",
		           err.text);
		FUZZ_CHECK(ags_trust_parse(&t, out, n, "t", &err) == AGS_OK &&
		                   t.n == s.n,
		           "the written trust file does not read back");
		ags_trust_release(&t);
		free(out);
	}
	free(e);
	ags_ssh_signers_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);

	wire((const uint8_t *)in, size);
	keyfile(in, size);
	signers(in, size);
	free(in);
	return 0;
}
