/* Reading the .pub and .key file formats: a header line, then
 * "field: value" lines in one fixed order (see spec, "Key files"). Each
 * key has exactly one spelling, so anything else is refused, naming the
 * line that is wrong. A .key may hold the seed in the clear: it is read
 * into sodium_malloc'd memory only. keyfile_format.c writes these files,
 * keyfile_io.c reads and writes them on disk. Tested by check_key.c. */
#include "key_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_NAME_MAX 32

#define SEED_B64_SIZE sodium_base64_ENCODED_LEN(AGS_SEED_BYTES, AGS_KEYFILE_B64)

/* The fields in file order; a .pub holds the first PUB_FIELDS of them. */
enum field {
	F_KEYID,
	F_PK,
	F_NAME,
	F_EMAIL,
	F_ORCID,
	F_KDF,
	F_OPS,
	F_MEM,
	F_SALT,
	F_CIPHER,
	F_NONCE,
	F_SECRET,
	F_COUNT
};
#define PUB_FIELDS (F_ORCID + 1)

/* Optional here also covers the fields that kdf and cipher require;
 * check_clear() and parse_sealed() enforce those. */
static const struct {
	const char *name;
	int required;
} fields[F_COUNT] = {
        {"key-id", 1},       {"public-key", 1},   {"name", 1},
        {"email", 0},        {"orcid", 0},        {"kdf", 1},
        {"kdf-opslimit", 0}, {"kdf-memlimit", 0}, {"kdf-salt", 0},
        {"cipher", 1},       {"nonce", 0},        {"secret-key", 1},
};

/* A value where it stands in the file; s is NULL when the field is absent. */
struct value {
	const char *s;
	size_t len;
	long line;
};

struct parser {
	const char *buf;
	size_t len;
	const char *source;
	struct ags_error *err;
	size_t nfields; /* PUB_FIELDS or F_COUNT */
	size_t next;    /* index of the next field that may come */
	long line;      /* the line being read */
	struct value v[F_COUNT];
};

static void parser_init(struct parser *p, const char *buf, size_t len,
                        const char *source, size_t nfields,
                        struct ags_error *err)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->len = len;
	p->source = source;
	p->nfields = nfields;
	p->err = err;
}

/* Records a format error of p's source at line (0: not about one line).
 * The text does not repeat the line: err->line carries it, and callers
 * print it ("x.pub: line 3: ..."). */
static enum ags_err fail(const struct parser *p, long line, const char *fmt,
                         ...) AGS_PRINTF(3, 4);
static enum ags_err fail(const struct parser *p, long line, const char *fmt,
                         ...)
{
	char text[sizeof(p->err->text)];
	va_list ap;

	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(p->err, AGS_ERR_FORMAT, p->source,
	                     line > 0 ? line : 0, 0, "%s", text);
}

static int value_is(const struct value *v, const char *want)
{
	return v->s && v->len == strlen(want) &&
	       memcmp(v->s, want, v->len) == 0;
}

/* ---- lines ---------------------------------------------------------- */

static enum ags_err check_nul(const struct parser *p)
{
	const char *z = memchr(p->buf, '\0', p->len), *c;
	long line = 1;

	if (!z)
		return AGS_OK;
	for (c = p->buf; c < z; c++)
		line += *c == '\n';
	return fail(p, line, "NUL byte");
}

static enum ags_err check_shape(const struct parser *p, const char *s, size_t n)
{
	if (memchr(s, '\r', n))
		return fail(p, p->line,
		            "carriage return (line ends must be LF only)");
	if (n == 0)
		return fail(p, p->line, "blank line");
	if (s[n - 1] == ' ' || s[n - 1] == '\t')
		return fail(p, p->line, "trailing white space");
	return AGS_OK;
}

static enum ags_err check_header(const struct parser *p, const char *s,
                                 size_t n)
{
	const char *want = p->nfields == PUB_FIELDS ? AGS_FORMAT_PUBKEY
	                                            : AGS_FORMAT_SECKEY;
	const char *other = p->nfields == PUB_FIELDS ? AGS_FORMAT_SECKEY
	                                             : AGS_FORMAT_PUBKEY;

	if (n == strlen(want) && memcmp(s, want, n) == 0)
		return AGS_OK;
	if (n == strlen(other) && memcmp(s, other, n) == 0)
		return fail(p, 1, "this is a %s key file, not a %s key file",
		            p->nfields == PUB_FIELDS ? "secret" : "public",
		            p->nfields == PUB_FIELDS ? "public" : "secret");
	return fail(p, 1, "expected '%s'", want);
}

static int find_field(const struct parser *p, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < p->nfields; i++)
		if (strlen(fields[i].name) == n &&
		    memcmp(fields[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/* Files this program writes carry each field at most once, in order. */
static enum ags_err take_field(struct parser *p, const char *name, size_t n,
                               const char *val, size_t vlen)
{
	int i = find_field(p, name, n);
	size_t k;

	if (i < 0)
		return fail(p, p->line, "unknown field '%.*s'", (int)n, name);
	if (p->v[i].s)
		return fail(p, p->line, "duplicate field '%s'", fields[i].name);
	if ((size_t)i < p->next)
		return fail(p, p->line, "field '%s' is out of order",
		            fields[i].name);
	for (k = p->next; k < (size_t)i; k++)
		if (fields[k].required)
			return fail(p, p->line,
			            "expected field '%s', found '%s'",
			            fields[k].name, fields[i].name);
	p->v[i].s = val;
	p->v[i].len = vlen;
	p->v[i].line = p->line;
	p->next = (size_t)i + 1;
	return AGS_OK;
}

/* Splits "name: value" (name of [a-z-], exactly one space) and files it.
 * Only names of that alphabet are ever quoted back in messages. */
static enum ags_err parse_field_line(struct parser *p, const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && k < FIELD_NAME_MAX &&
	       ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '-'))
		k++;
	if (k == 0 || k == n || s[k] != ':')
		return fail(p, p->line, "expected 'field: value'");
	if (k + 2 >= n || s[k + 1] != ' ' || s[k + 2] == ' ')
		return fail(p, p->line, "expected one space after '%.*s:'",
		            (int)k, s);
	return take_field(p, s, k, s + k + 2, n - k - 2);
}

static enum ags_err check_complete(const struct parser *p)
{
	size_t k;

	for (k = p->next; k < p->nfields; k++)
		if (fields[k].required)
			return fail(p, p->line + 1,
			            "file ends where field '%s' was expected",
			            fields[k].name);
	return AGS_OK;
}

/* Splits the file into lines and files every field of p. */
static enum ags_err parse_lines(struct parser *p)
{
	size_t pos = 0, n;
	enum ags_err rc;

	if (p->len > AGS_KEYFILE_MAX)
		return ags_error_set(p->err, AGS_ERR_TOO_LARGE, p->source, 0, 0,
		                     "key file is larger than %u bytes",
		                     AGS_KEYFILE_MAX);
	if (p->len == 0)
		return fail(p, 0, "file is empty");
	rc = check_nul(p);
	while (rc == AGS_OK && pos < p->len) {
		const char *s = p->buf + pos,
		           *nl = memchr(s, '\n', p->len - pos);

		p->line++;
		if (!nl)
			return fail(p, p->line,
			            "line does not end with a line "
			            "feed (file cut short?)");
		n = (size_t)(nl - s);
		rc = check_shape(p, s, n);
		if (rc == AGS_OK)
			rc = p->line == 1 ? check_header(p, s, n)
			                  : parse_field_line(p, s, n);
		pos += n + 1;
	}
	return rc == AGS_OK ? check_complete(p) : rc;
}

/* ---- values --------------------------------------------------------- */

static enum ags_err text_value(char **out, const struct parser *p, enum field f)
{
	const struct value *v = &p->v[f];
	const char *why;
	char *s;

	if (!v->s)
		return AGS_OK;
	s = ags_strndup(v->s, v->len);
	if (!s)
		return ags_error_set(p->err, AGS_ERR_NOMEM, p->source, 0, 0,
		                     "out of memory");
	why = ags_identity_check(fields[f].name, s, v->len);
	if (why) {
		free(s);
		return fail(p, v->line, "%s: %s", fields[f].name, why);
	}
	*out = s;
	return AGS_OK;
}

/* Reads key-id, public-key, name, email and orcid into pub. The point
 * check is skipped for a secret key file only: its public key must be
 * the one the seed gives (ags_seckey_from_seed), and every key a seed
 * gives lies in the prime-order group; the check costs a quarter of a
 * signing run. */
static enum ags_err parse_identity(struct ags_pubkey *pub,
                                   const struct parser *p, int check_point)
{
	const struct value *id = &p->v[F_KEYID], *pk = &p->v[F_PK];
	uint8_t idbin[AGS_KEYID_BYTES];
	char want[AGS_KEYID_HEX + 1];
	enum ags_err rc;

	if (ags_hex_decode_exact(idbin, sizeof(idbin), id->s, id->len) != 0)
		return fail(p, id->line,
		            "key-id is not %u lowercase hex digits",
		            AGS_KEYID_HEX);
	if (ags_b64_decode_exact(pub->pk, sizeof(pub->pk), pk->s, pk->len) != 0)
		return fail(p, pk->line, "public-key is not %u bytes of base64",
		            AGS_PUBLICKEY_BYTES);
	if (check_point && !ags_public_key_valid(pub->pk))
		return fail(p, pk->line,
		            "public-key is not a valid Ed25519 public key");
	ags_key_id(want, pub->pk);
	if (memcmp(want, id->s, AGS_KEYID_HEX) != 0)
		return fail(p, id->line, "key-id does not match public-key");
	memcpy(pub->key_id, want, sizeof(want));
	rc = text_value(&pub->name, p, F_NAME);
	if (rc == AGS_OK)
		rc = text_value(&pub->email, p, F_EMAIL);
	if (rc == AGS_OK)
		rc = text_value(&pub->orcid, p, F_ORCID);
	return rc;
}

static enum ags_err b64_value(uint8_t *out, size_t n, const struct parser *p,
                              enum field f)
{
	const struct value *v = &p->v[f];

	if (ags_b64_decode_exact(out, n, v->s, v->len) != 0)
		return fail(p, v->line, "%s is not %zu bytes of base64",
		            fields[f].name, n);
	return AGS_OK;
}

/* A decimal without sign or leading zeros that fits 64 bits. */
static int parse_decimal(unsigned long long *out, const char *s, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (s[i] < '0' || s[i] > '9' || v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The three KDF fields, bounded before anyone runs Argon2 on them: a
 * hostile file must not make us allocate a terabyte. */
static enum ags_err parse_kdf(struct ags_sealed *s, const struct parser *p)
{
	const struct value *ops = &p->v[F_OPS], *mem = &p->v[F_MEM];
	unsigned long long o = 0, m = 0;
	enum field f;

	for (f = F_OPS; f <= F_SALT; f++)
		if (!p->v[f].s)
			return fail(p, p->v[F_KDF].line,
			            "kdf is %s but %s is missing",
			            AGS_KEYFILE_KDF_ARGON2ID, fields[f].name);
	if (parse_decimal(&o, ops->s, ops->len) != 0 ||
	    ags_kdf_check(o, crypto_pwhash_MEMLIMIT_MIN) != 0)
		return fail(p, ops->line,
		            "kdf-opslimit must be a decimal from "
		            "%llu to %llu",
		            (unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
		            AGS_KDF_OPSLIMIT_MAX);
	if (parse_decimal(&m, mem->s, mem->len) != 0 ||
	    ags_kdf_check(o, m) != 0)
		return fail(p, mem->line,
		            "kdf-memlimit must be a decimal from "
		            "%llu to %llu",
		            (unsigned long long)crypto_pwhash_MEMLIMIT_MIN,
		            AGS_KDF_MEMLIMIT_MAX);
	s->kdf.opslimit = o;
	s->kdf.memlimit = (size_t)m;
	return b64_value(s->salt, sizeof(s->salt), p, F_SALT);
}

/* kdf argon2id13: the KDF fields, the cipher, the nonce and the sealed
 * seed, authenticated together with every byte up to the nonce line. */
static enum ags_err parse_sealed(struct ags_sealed *s, const struct parser *p)
{
	const struct value *nonce = &p->v[F_NONCE];
	enum ags_err rc = parse_kdf(s, p);

	if (rc != AGS_OK)
		return rc;
	if (!value_is(&p->v[F_CIPHER], AGS_KEYFILE_CIPHER_XCHACHA))
		return fail(p, p->v[F_CIPHER].line,
		            "cipher must be %s when kdf is %s",
		            AGS_KEYFILE_CIPHER_XCHACHA,
		            AGS_KEYFILE_KDF_ARGON2ID);
	if (!nonce->s)
		return fail(p, p->v[F_CIPHER].line,
		            "cipher is %s but nonce is missing",
		            AGS_KEYFILE_CIPHER_XCHACHA);
	rc = b64_value(s->nonce, sizeof(s->nonce), p, F_NONCE);
	if (rc == AGS_OK)
		rc = b64_value(s->ct, sizeof(s->ct), p, F_SECRET);
	s->ad = (const uint8_t *)p->buf;
	s->ad_len = (size_t)(nonce->s + nonce->len + 1 - p->buf);
	return rc;
}

/* kdf none: nothing else may claim protection. */
static enum ags_err check_clear(const struct parser *p)
{
	enum field f;

	for (f = F_OPS; f <= F_SALT; f++)
		if (p->v[f].s)
			return fail(p, p->v[f].line,
			            "%s is present but kdf is %s",
			            fields[f].name, AGS_KEYFILE_KDF_NONE);
	if (!value_is(&p->v[F_CIPHER], AGS_KEYFILE_CIPHER_NONE))
		return fail(p, p->v[F_CIPHER].line,
		            "cipher must be %s when kdf is %s",
		            AGS_KEYFILE_CIPHER_NONE, AGS_KEYFILE_KDF_NONE);
	if (p->v[F_NONCE].s)
		return fail(p, p->v[F_NONCE].line,
		            "nonce is present but cipher is %s",
		            AGS_KEYFILE_CIPHER_NONE);
	return AGS_OK;
}

/* The clear seed, decoded straight into guarded memory. Unlike
 * ags_b64_decode_exact() the canonical-spelling check re-encodes into
 * guarded memory too (check: SEED_B64_SIZE bytes, which the caller
 * allocates with the seed: each guarded allocation costs ten system
 * calls) and compares in constant time. */
static enum ags_err decode_seed(uint8_t *seed, char *check,
                                const struct parser *p)
{
	const struct value *v = &p->v[F_SECRET];
	const char *end = NULL;
	size_t got = 0;
	int ok;

	ok = v->len == SEED_B64_SIZE - 1 &&
	     sodium_base642bin(seed, AGS_SEED_BYTES, v->s, v->len, NULL, &got,
	                       &end, AGS_KEYFILE_B64) == 0 &&
	     got == AGS_SEED_BYTES && end == v->s + v->len;
	if (ok) {
		sodium_bin2base64(check, SEED_B64_SIZE, seed, AGS_SEED_BYTES,
		                  AGS_KEYFILE_B64);
		ok = sodium_memcmp(check, v->s, v->len) == 0;
	}
	sodium_memzero(check, SEED_B64_SIZE);
	if (!ok)
		return fail(p, v->line, "secret-key is not %u bytes of base64",
		            AGS_SEED_BYTES);
	return AGS_OK;
}

/* Everything of a .key but the secret itself is checked here, before a
 * passphrase is asked for or Argon2 runs. */
static enum ags_err parse_protection(struct ags_sealed *s, int *sealed,
                                     const struct parser *p)
{
	const struct value *kdf = &p->v[F_KDF];

	*sealed = value_is(kdf, AGS_KEYFILE_KDF_ARGON2ID);
	if (*sealed)
		return parse_sealed(s, p);
	if (!value_is(kdf, AGS_KEYFILE_KDF_NONE))
		return fail(p, kdf->line, "kdf must be %s or %s",
		            AGS_KEYFILE_KDF_NONE, AGS_KEYFILE_KDF_ARGON2ID);
	return check_clear(p);
}

/* ---- parsing -------------------------------------------------------- */

enum ags_err ags_pubkey_parse(struct ags_pubkey *out, const char *buf,
                              size_t len, const char *source,
                              struct ags_error *err)
{
	struct parser p;
	enum ags_err rc;

	ags_pubkey_init(out);
	parser_init(&p, buf, len, source, PUB_FIELDS, err);
	rc = parse_lines(&p);
	if (rc == AGS_OK)
		rc = parse_identity(out, &p, 1);
	if (rc != AGS_OK)
		ags_pubkey_release(out);
	return rc;
}

enum ags_err ags_seckey_parse(struct ags_seckey **out, const char *buf,
                              size_t len, const char *source,
                              ags_passphrase_fn ask, void *ctx,
                              struct ags_error *err)
{
	struct parser p;
	struct ags_pubkey pub;
	struct ags_sealed sealed;
	uint8_t *seed = NULL;
	int is_sealed = 0;
	enum ags_err rc;

	*out = NULL;
	ags_pubkey_init(&pub);
	parser_init(&p, buf, len, source, F_COUNT, err);
	rc = parse_lines(&p);
	if (rc == AGS_OK)
		rc = parse_identity(&pub, &p, 0);
	if (rc == AGS_OK)
		rc = parse_protection(&sealed, &is_sealed, &p);
	if (rc == AGS_OK &&
	    !(seed = sodium_malloc(AGS_SEED_BYTES + SEED_B64_SIZE)))
		rc = ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                   "out of memory");
	if (rc == AGS_OK)
		rc = is_sealed ? ags_seed_unseal(seed, &sealed, ask, ctx,
		                                 source, err)
		               : decode_seed(seed,
		                             (char *)seed + AGS_SEED_BYTES, &p);
	if (rc == AGS_OK)
		rc = ags_seckey_from_seed(out, seed, &pub, source,
		                          p.v[F_PK].line, err);
	sodium_free(seed);
	ags_pubkey_release(&pub);
	return rc;
}

enum ags_err ags_seckey_parse_public(struct ags_pubkey *out, int *sealed,
                                     const char *buf, size_t len,
                                     const char *source, struct ags_error *err)
{
	struct parser p;
	struct ags_sealed s;
	int is_sealed = 0;
	enum ags_err rc;

	ags_pubkey_init(out);
	parser_init(&p, buf, len, source, F_COUNT, err);
	rc = parse_lines(&p);
	if (rc == AGS_OK)
		rc = parse_identity(out, &p, 0);
	if (rc == AGS_OK)
		rc = parse_protection(&s, &is_sealed, &p);
	/* Only the format of the secret is checked here: a clear seed is
	 * decoded into guarded memory by ags_seckey_parse alone. */
	if (rc == AGS_OK && !is_sealed &&
	    p.v[F_SECRET].len != SEED_B64_SIZE - 1)
		rc = fail(&p, p.v[F_SECRET].line,
		          "secret-key is not %u bytes of base64",
		          AGS_SEED_BYTES);
	sodium_memzero(&s, sizeof(s));
	if (rc != AGS_OK)
		ags_pubkey_release(out);
	else if (sealed)
		*sealed = is_sealed;
	return rc;
}
