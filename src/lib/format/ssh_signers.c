/* OpenSSH allowed_signers files (ssh-keygen(1), ALLOWED SIGNERS) read as
 * candidate trust entries (spec §9.7): each line is "principals [options]
 * key-type key-data [comment]". A line agreesign cannot honour as
 * OpenSSH means it (another key type, a certificate authority, a
 * namespace list without agreesign, a wildcard principal, a key already
 * on an earlier line) is skipped and noted; anything malformed fails the
 * whole file. The key part is read by sshkey.c. Tested by
 * check_ssh_signers.c, fuzzed by fuzz_sshpub.c. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PRINCIPALS_MAX 1024u

struct opts {
	int cert_authority;
	const char *ns; /* the namespaces value, unquoted; NULL: none */
	size_t ns_len;
	int64_t after, before; /* INT64_MIN / INT64_MAX: unset */
	int has_after, has_before;
};

struct reader {
	const char *source;
	long line;
	struct ags_error *err;
	struct ags_ssh_signers *out;
};

static enum ags_err fail(const struct reader *r, const char *fmt, ...)
        AGS_PRINTF(2, 3);
static enum ags_err fail(const struct reader *r, const char *fmt, ...)
{
	char text[sizeof(r->err->text)];
	va_list ap;

	if (!r->err)
		return AGS_ERR_FORMAT;
	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(r->err, AGS_ERR_FORMAT, r->source, r->line, 0,
	                     "%s", text);
}

/* Notes something about the line: that it is skipped (skipped = 1), or
 * what of it is not carried over. */
static enum ags_err note(const struct reader *r, int skipped, const char *fmt,
                         ...) AGS_PRINTF(3, 4);
static enum ags_err note(const struct reader *r, int skipped, const char *fmt,
                         ...)
{
	struct ags_ssh_signers *o = r->out;
	struct ags_ssh_note *s;
	va_list ap;

	s = realloc(o->notes, (o->nnotes + 1) * sizeof(*s));
	if (!s)
		return ags_error_set(r->err, AGS_ERR_NOMEM, r->source, 0, 0,
		                     "out of memory");
	o->notes = s;
	s += o->nnotes++;
	s->line = r->line;
	s->skipped = skipped;
	va_start(ap, fmt);
	ags_vbounded(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return AGS_OK;
}

/* ---- options -------------------------------------------------------- */

/* An OpenSSH timestamp, YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z], as seconds.
 * Only UTC ones (Z) are taken: OpenSSH reads the others in the time zone
 * of each machine that verifies, which a trust file cannot hold. */
static enum ags_err parse_time(const struct reader *r, int64_t *out,
                               const char *name, const char *v, size_t n)
{
	char iso[21];
	size_t k = n && v[n - 1] == 'Z' ? n - 1 : n, i;

	for (i = 0; i < k; i++)
		if (v[i] < '0' || v[i] > '9')
			break;
	if (i != k || (k != 8 && k != 12 && k != 14))
		return fail(r, "%s is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]",
		            name);
	if (k == n)
		return fail(r,
		            "%s=\"%.*s\" has no Z: OpenSSH reads it in the "
		            "local time zone of each machine, a trust file "
		            "holds UTC; give the time in UTC with a Z",
		            name, (int)n, v);
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", v, v + 4,
	         v + 6, k >= 12 ? v + 8 : "00", k >= 12 ? v + 10 : "00",
	         k == 14 ? v + 12 : "00");
	if (ags_time_parse(out, iso) != 0)
		return fail(r, "%s=\"%.*s\" is not a real time from 1970 on",
		            name, (int)n, v);
	return AGS_OK;
}

/* One option, name[=value] (s, n bytes), into o. */
static enum ags_err parse_option(const struct reader *r, struct opts *o,
                                 const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n), *v;
	size_t klen = eq ? (size_t)(eq - s) : n, vlen;
	int *seen;

	if (klen == 14 && strncasecmp(s, "cert-authority", 14) == 0 && !eq) {
		if (o->cert_authority)
			return fail(r, "option cert-authority given twice");
		o->cert_authority = 1;
		return AGS_OK;
	}
	if (!eq)
		return fail(r, "unknown option \"%.*s\"",
		            (int)(n > 40 ? 40 : n), s);
	v = eq + 1;
	vlen = n - klen - 1;
	/* OpenSSH takes option values only in double quotes. */
	if (vlen < 2 || v[0] != '"' || v[vlen - 1] != '"' ||
	    memchr(v + 1, '"', vlen - 2))
		return fail(r,
		            "the value of option %.*s must be in double "
		            "quotes",
		            (int)(klen > 40 ? 40 : klen), s);
	v++;
	vlen -= 2;
	if (klen == 10 && strncasecmp(s, "namespaces", 10) == 0) {
		if (o->ns)
			return fail(r, "option namespaces given twice");
		o->ns = v;
		o->ns_len = vlen;
		return AGS_OK;
	}
	if (klen == 11 && strncasecmp(s, "valid-after", 11) == 0)
		seen = &o->has_after;
	else if (klen == 12 && strncasecmp(s, "valid-before", 12) == 0)
		seen = &o->has_before;
	else
		return fail(r, "unknown option \"%.*s\"",
		            (int)(klen > 40 ? 40 : klen), s);
	if (*seen)
		return fail(r, "option %.*s given twice", (int)klen, s);
	*seen = 1;
	return parse_time(r, seen == &o->has_after ? &o->after : &o->before,
	                  seen == &o->has_after ? "valid-after"
	                                        : "valid-before",
	                  v, vlen);
}

static enum ags_err parse_options(const struct reader *r, struct opts *o,
                                  const char *s, size_t n)
{
	size_t i = 0, j;
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && i <= n) {
		int quoted = 0;
		for (j = i; j < n && (quoted || s[j] != ','); j++)
			if (s[j] == '"')
				quoted = !quoted;
		if (quoted)
			return fail(r, "an option's quote is not closed");
		if (j == i)
			return fail(r, "an empty option");
		rc = parse_option(r, o, s + i, j - i);
		i = j + 1;
	}
	return rc;
}

/* ---- patterns ------------------------------------------------------- */

/* OpenSSH's wildcard match (ssh_config(5) PATTERNS): '*' any run, '?'
 * any one byte, case-sensitive. Iterative, so no input makes it recurse
 * deeply; the backtracking is bounded by the lengths (at most a few
 * hundred bytes each). */
static int glob(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < sn) {
		if (pi < pn && (p[pi] == '?' || p[pi] == s[si])) {
			pi++;
			si++;
		} else if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* 1 when the pattern-list (list, n bytes) admits word: a pattern matches
 * it and no negated one (!pattern) does. */
static int list_admits(const char *list, size_t n, const char *word)
{
	size_t i = 0, j, wn = strlen(word);
	int yes = 0;

	while (i <= n) {
		for (j = i; j < n && list[j] != ','; j++)
			;
		if (j > i && list[i] == '!') {
			if (glob(list + i + 1, j - i - 1, word, wn))
				return 0;
		} else if (glob(list + i, j - i, word, wn)) {
			yes = 1;
		}
		i = j + 1;
	}
	return yes;
}

/* ---- principals ----------------------------------------------------- */

/* The principals field (quotes removed) as identity and e-mail of e:
 * the first principal. *wild is set when any is a pattern, *more to the
 * number of principals after the first. */
static enum ags_err take_principals(const struct reader *r,
                                    struct ags_ssh_signer *e, const char *s,
                                    size_t n, int *wild, size_t *more)
{
	size_t first, i;
	const char *why;
	char *name;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (memchr(s, '"', n))
		return fail(r, "a quote inside the principals (quote the whole "
		               "field or none of it)");
	if (n == 0 || n > PRINCIPALS_MAX)
		return fail(r, "the principals field is empty or too long");
	first = n;
	*wild = memchr(s, '*', n) || memchr(s, '?', n) || memchr(s, '!', n);
	*more = 0;
	for (i = 0; i < n; i++)
		if (s[i] == ',') {
			if (i == 0 || i + 1 == n || s[i + 1] == ',')
				return fail(r, "an empty principal");
			first = first < i ? first : i;
			(*more)++;
		}
	name = ags_strndup(s, first);
	if (!name)
		return ags_error_set(r->err, AGS_ERR_NOMEM, r->source, 0, 0,
		                     "out of memory");
	e->key.name = ags_text_nfc(name);
	free(name);
	if (!e->key.name)
		return fail(r, "the principal is not UTF-8");
	why = ags_field_check(e->key.name, strlen(e->key.name));
	if (why)
		return fail(r, "the principal is not a trust identity: %s",
		            why);
	if (!ags_email_check(e->key.name) &&
	    !(e->key.email = ags_strndup(e->key.name, strlen(e->key.name))))
		return ags_error_set(r->err, AGS_ERR_NOMEM, r->source, 0, 0,
		                     "out of memory");
	return AGS_OK;
}

/* ---- lines ---------------------------------------------------------- */

static int seen_before(const struct ags_ssh_signers *o, const uint8_t *pk,
                       long *line)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (memcmp(o->v[i].key.pk, pk, AGS_PUBLICKEY_BYTES) == 0) {
			*line = o->v[i].line;
			return 1;
		}
	return 0;
}

/* Why a well-formed line is skipped, or NULL. */
static enum ags_err judge(const struct reader *r, const struct opts *o,
                          const struct ags_ssh_signer *e, int wild,
                          int *skipped)
{
	long first;

	*skipped = 1;
	if (o->cert_authority)
		return note(r, 1,
		            "a cert-authority line: agreesign has no "
		            "certificates, so the key would sign as itself");
	if (wild)
		return note(r, 1,
		            "the principals hold a pattern (*, ? or !), "
		            "which names no one signer");
	if (o->ns && !list_admits(o->ns, o->ns_len, AGS_SSH_NAMESPACE))
		return note(r, 1, "namespaces=\"%.*s\" does not admit \"%s\"",
		            (int)(o->ns_len > 80 ? 80 : o->ns_len), o->ns,
		            AGS_SSH_NAMESPACE);
	if (seen_before(r->out, e->key.pk, &first))
		return note(r, 1, "key %s is already on line %ld",
		            e->key.key_id, first);
	*skipped = 0;
	return AGS_OK;
}

/* The window of the line, as a trust entry's: OpenSSH's valid-before is
 * inclusive (valid while t <= before), agreesign's is not. */
static enum ags_err set_window(const struct reader *r, const struct opts *o,
                               struct ags_ssh_signer *e)
{
	char when[21];

	e->valid_after = o->has_after ? o->after : INT64_MIN;
	e->valid_before = INT64_MAX;
	if (o->has_before && ags_time_format(when, o->before + 1) == 0)
		e->valid_before = o->before + 1;
	if (e->valid_after >= e->valid_before)
		return fail(r, "valid-after is after valid-before: the key "
		               "would never be valid");
	return AGS_OK;
}

static enum ags_err add(struct ags_ssh_signers *o, struct ags_ssh_signer *e,
                        const struct reader *r)
{
	struct ags_ssh_signer *v = realloc(o->v, (o->n + 1) * sizeof(*v));

	if (!v)
		return ags_error_set(r->err, AGS_ERR_NOMEM, r->source, 0, 0,
		                     "out of memory");
	o->v = v;
	v[o->n++] = *e;
	ags_pubkey_init(&e->key);
	return AGS_OK;
}

static enum ags_err parse_line(const struct reader *r, const char *s, size_t n)
{
	struct ags_ssh_signer e;
	struct opts o;
	size_t pe = ags_ssh_field_end(s, n, 0), k, ke;
	int wild = 0, skipped = 0;
	size_t more = 0;
	enum ags_err rc;

	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	ags_pubkey_init(&e.key);
	e.line = r->line;
	k = ags_ssh_skip_blank(s, n, pe);
	ke = ags_ssh_field_end(s, n, k);
	if (k == n)
		return fail(r, "no key after the principals");
	rc = take_principals(r, &e, s, pe, &wild, &more);
	if (rc == AGS_OK && !ags_ssh_is_key_type(s + k, ke - k)) {
		rc = parse_options(r, &o, s + k, ke - k);
		k = ags_ssh_skip_blank(s, n, ke);
		if (rc == AGS_OK && k == n)
			rc = fail(r, "no key after the options");
	}
	ke = ags_ssh_field_end(s, n, k);
	if (rc == AGS_OK &&
	    !ags_ssh_string_is((const uint8_t *)s + k, ke - k, "ssh-ed25519")) {
		ags_pubkey_release(&e.key);
		if (!ags_ssh_is_key_type(s + k, ke - k))
			return fail(r, "no key type after the options");
		return note(r, 1, "not an Ed25519 key (%.*s)",
		            (int)(ke - k > 64 ? 64 : ke - k), s + k);
	}
	if (rc == AGS_OK) {
		struct ags_pubkey key;
		rc = ags_sshkey_parse_key(&key, NULL, s + k, n - k, r->source,
		                          r->line, r->err);
		memcpy(e.key.pk, key.pk, sizeof(key.pk));
		memcpy(e.key.key_id, key.key_id, sizeof(key.key_id));
	}
	if (rc == AGS_OK)
		rc = set_window(r, &o, &e);
	if (rc == AGS_OK)
		rc = judge(r, &o, &e, wild, &skipped);
	if (rc == AGS_OK && !skipped && more)
		rc = note(r, 0,
		          "%zu more principal%s after \"%s\" not carried: a "
		          "trust entry has one identity",
		          more, more == 1 ? "" : "s", e.key.name);
	if (rc == AGS_OK && !skipped)
		rc = add(r->out, &e, r);
	ags_pubkey_release(&e.key);
	return rc;
}

void ags_ssh_signers_release(struct ags_ssh_signers *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		ags_pubkey_release(&s->v[i].key);
	free(s->v);
	free(s->notes);
	memset(s, 0, sizeof(*s));
}

enum ags_err ags_ssh_signers_parse(struct ags_ssh_signers *out, const char *buf,
                                   size_t len, const char *source,
                                   struct ags_error *err)
{
	const char *p = buf, *end = buf + len;
	struct reader r = {source, 0, err, out};
	enum ags_err rc = AGS_OK;

	memset(out, 0, sizeof(*out));
	/* The bound keeps the duplicate search (quadratic) in milliseconds. */
	if (len > AGS_SSH_SIGNERS_MAX)
		return fail(&r, "larger than %u bytes", AGS_SSH_SIGNERS_MAX);
	if (memchr(buf, '\0', len))
		return fail(&r, "a NUL byte in the file");
	while (rc == AGS_OK && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p),
		       i = ags_ssh_skip_blank(p, n, 0);
		r.line++;
		if (memchr(p, '\r', n))
			rc = fail(&r, "a carriage return (line ends must be "
			              "LF only)");
		else if (i < n && p[i] != '#')
			rc = parse_line(&r, p + i, n - i);
		p = nl ? nl + 1 : end;
	}
	if (rc != AGS_OK)
		ags_ssh_signers_release(out);
	return rc;
}
