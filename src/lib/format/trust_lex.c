/* The trust file's words (spec §9.1): tokens, quoting and the options of
 * both record types, shared by the key records (trust.c) and the tsa
 * records (trust_tsa.c), so that neither calls the other's reader. */
#include "trust_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX AGS_TRUST_TOKEN_MAX

typedef struct ags_trust_cursor cursor;

enum ags_err ags_trust_fail(cursor *c, const char *fmt, ...)
{
	char text[sizeof(c->err->text)];
	va_list ap;

	va_start(ap, fmt);
	ags_vbounded(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ags_error_set(c->err, AGS_ERR_FORMAT, c->source, c->line, 0,
	                     "%s", text);
}

/* Reads one token: bare (no blank, no quote), "quoted" with \" and \\
 * escapes, or name="quoted". Returns its length in out, or -1 (error
 * set). */
long ags_trust_token(cursor *c, char *out, size_t cap)
{
	size_t n = 0;
	int quoted = c->p < c->end && *c->p == '"';

	if (quoted)
		c->p++;
	while (c->p < c->end) {
		char ch = *c->p;
		if (!quoted && (ch == ' ' || ch == '\t'))
			break;
		/* name="quoted value": the quote may open right after '='. */
		if (!quoted && ch == '"' && n > 0 && out[n - 1] == '=') {
			quoted = 1;
			c->p++;
			continue;
		}
		if (!quoted && ch == '"')
			return ags_trust_fail(c, "unexpected '\"' in %s",
			                      "a bare word"),
			       -1;
		if (quoted && ch == '"')
			break;
		if (quoted && ch == '\\') {
			if (++c->p == c->end || (*c->p != '"' && *c->p != '\\'))
				return ags_trust_fail(
				               c, "%s",
				               "bad escape in quoted text"),
				       -1;
			ch = *c->p;
		}
		if (n + 1 >= cap)
			return ags_trust_fail(c, "%s", "word too long"), -1;
		out[n++] = ch;
		c->p++;
	}
	if (quoted && (c->p == c->end || *c->p != '"'))
		return ags_trust_fail(c, "%s", "unterminated quoted text"), -1;
	if (quoted)
		c->p++;
	if (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		return ags_trust_fail(c, "%s",
		                      "missing blank after quoted text"),
		       -1;
	out[n] = '\0';
	return (long)n;
}

void ags_trust_skip_blanks(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static enum ags_err parse_roles(cursor *c, unsigned *roles, const char *v)
{
	char buf[64];
	const char *p = v;
	enum ags_role r;

	*roles = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(buf))
			return ags_trust_fail(c, "bad roles list \"%s\"", v);
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (ags_role_parse(&r, buf) != 0)
			return ags_trust_fail(c, "unknown role \"%s\"", buf);
		if (*roles & (unsigned)r)
			return ags_trust_fail(c, "role \"%s\" listed twice",
			                      buf);
		*roles |= (unsigned)r;
		p += n;
		if (*p == ',' && *++p == '\0')
			return ags_trust_fail(c, "bad roles list \"%s\"", v);
	}
	return *roles ? AGS_OK
	              : ags_trust_fail(c, "%s", "roles= names no role");
}

static enum ags_err parse_time_opt(cursor *c, int64_t *out, const char *name,
                                   const char *v)
{
	if (ags_time_parse(out, v) != 0)
		return ags_trust_fail(c, "%s must be YYYY-MM-DDTHH:MM:SSZ",
		                      name);
	return AGS_OK;
}

/* A text field (reason=, email=, orcid=) and its own rule (NULL: none). */
static enum ags_err parse_text_opt(cursor *c, char **out, const char *name,
                                   const char *v,
                                   const char *(*rule)(const char *))
{
	const char *why = ags_field_check(v, strlen(v));

	if (!why && rule)
		why = rule(v);
	if (why)
		return ags_trust_fail(c, "%s: %s", name, why);
	*out = strdup(v);
	return *out ? AGS_OK : ags_trust_fail(c, "%s", "out of memory");
}

/* One name=value option. seen is a bit set of options already given. */
static enum ags_err parse_option(cursor *c, const struct ags_trust_opts *o,
                                 char *opt, unsigned *seen)
{
	static const char *const names[] = {
	        "roles",        "email",   "orcid",  "valid-after",
	        "valid-before", "revoked", "reason", NULL};
	const void *const where[] = {
	        o->roles,        o->email,        o->orcid, o->valid_after,
	        o->valid_before, o->revoked_time, o->reason};
	char *eq = strchr(opt, '=');
	unsigned i;

	if (!eq)
		return ags_trust_fail(c, "option \"%s\" has no value", opt);
	*eq = '\0';
	for (i = 0; names[i] && strcmp(names[i], opt) != 0; i++)
		;
	if (!names[i] || !where[i])
		return ags_trust_fail(c, "unknown option \"%s\"", opt);
	if (*seen & (1u << i))
		return ags_trust_fail(c, "option \"%s\" given twice", opt);
	*seen |= 1u << i;
	switch (i) {
	case 0: return parse_roles(c, o->roles, eq + 1);
	case 1:
		return parse_text_opt(c, o->email, opt, eq + 1,
		                      ags_email_check);
	case 2:
		return parse_text_opt(c, o->orcid, opt, eq + 1,
		                      ags_orcid_check);
	case 3: return parse_time_opt(c, o->valid_after, opt, eq + 1);
	case 4: return parse_time_opt(c, o->valid_before, opt, eq + 1);
	case 5:
		*o->revoked = 1;
		return parse_time_opt(c, o->revoked_time, opt, eq + 1);
	default: return parse_text_opt(c, o->reason, opt, eq + 1, NULL);
	}
}

enum ags_err ags_trust_options(cursor *c, const struct ags_trust_opts *o)
{
	char buf[TOKEN_MAX];
	unsigned seen = 0;
	enum ags_err rc = AGS_OK;

	while (rc == AGS_OK && (ags_trust_skip_blanks(c), c->p < c->end)) {
		if (ags_trust_token(c, buf, sizeof(buf)) < 0)
			return AGS_ERR_FORMAT;
		rc = parse_option(c, o, buf, &seen);
	}
	if (rc == AGS_OK && *o->reason && !*o->revoked)
		return ags_trust_fail(c, "%s",
		                      "reason= is only allowed with revoked=");
	if (rc == AGS_OK && *o->valid_after >= *o->valid_before)
		return ags_trust_fail(
		        c, "%s", "valid-after must be before valid-before");
	return rc;
}
