/* Templates: reading one (spec/templates.md). A template is an agreement
 * text whose words are literal, except for
 *   {{name}}     a field: stands alone as a word, takes one or more words
 *                of one paragraph of the agreement;
 *   {{?text}}    decoration that may be absent;
 *   {{a|b}}      one of several spellings (an alternative may be empty).
 * Both texts are cut into words and paragraphs alike (template_words.c)
 * so that white space, line breaks and indentation never matter. */
#include "template_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Parsing.
 */

struct parser {
	struct ags_template *t;
	size_t tcap, pcap, acap;
	const char *source;
	struct ags_error *err;
};

/* A syntax error at byte pos of the template text. */
static enum ags_err syntax(const struct parser *ps, size_t pos, const char *fmt,
                           ...) AGS_PRINTF(3, 4);
static enum ags_err syntax(const struct parser *ps, size_t pos, const char *fmt,
                           ...)
{
	const char *s = ps->t->text;
	size_t ls = pos;
	long line = 1, col = 1;
	char msg[256];
	va_list ap;

	while (ls > 0 && s[ls - 1] != '\n')
		ls--;
	for (size_t i = 0; i < ls; i++)
		line += s[i] == '\n';
	for (size_t i = ls; i < pos; i++)
		col += ((unsigned char)s[i] & 0xC0) != 0x80;
	va_start(ap, fmt);
	ags_vbounded(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ags_error_set(ps->err, AGS_ERR_FORMAT, ps->source, line, col,
	                     "%s", msg);
}

static enum ags_err nomem(const struct parser *ps)
{
	return ags_error_set(ps->err, AGS_ERR_NOMEM, ps->source, 0, 0,
	                     "out of memory reading the template");
}

static int is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > AGS_TPL_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static const char *find2(const char *s, size_t n, const char *two)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == two[0] && s[i + 1] == two[1])
			return s + i;
	return NULL;
}

static enum ags_err add_piece(struct parser *ps, const char *s, size_t len,
                              size_t alt0, size_t nalts)
{
	struct ags_template *t = ps->t;

	if (ags_tpl_grow(&t->pieces, &ps->pcap, t->npieces + 1,
	                 sizeof(*t->pieces)))
		return nomem(ps);
	t->pieces[t->npieces++] = (struct ags_tpl_piece){
	        .s = s, .len = len, .alt0 = alt0, .nalts = nalts};
	return AGS_OK;
}

static enum ags_err add_alt(struct parser *ps, const char *s, size_t len,
                            size_t at)
{
	struct ags_template *t = ps->t;

	if (len > AGS_TPL_ALTERNATIVE_MAX)
		return syntax(ps, at, "an alternative is longer than %u bytes",
		              AGS_TPL_ALTERNATIVE_MAX);
	if (find2(s, len, "{{"))
		return syntax(ps, at, "'{{' inside {{ }}");
	if (ags_tpl_grow(&t->alts, &ps->acap, t->nalts + 1, sizeof(*t->alts)))
		return nomem(ps);
	t->alts[t->nalts++] = (struct ags_tpl_alt){.s = s, .len = len};
	return AGS_OK;
}

/* {{?text}} or {{a|b|...}}: c[0..n) is what stands between the braces;
 * at is its offset in the text. */
static enum ags_err parse_choice(struct parser *ps, const char *c, size_t n,
                                 size_t at)
{
	size_t alt0 = ps->t->nalts, i = 0, k;
	int optional = c[0] == '?';
	enum ags_err rc = AGS_OK;

	if (optional)
		i = 1;
	if (i == n)
		return syntax(ps, at - 2, "'{{?}}' holds no text");
	while (rc == AGS_OK && i <= n) {
		for (k = i; k < n && c[k] != '|'; k++)
			;
		rc = add_alt(ps, c + i, k - i, at + i);
		i = k + 1;
	}
	if (rc == AGS_OK && optional)
		rc = add_alt(ps, c, 0, at);
	if (rc == AGS_OK && ps->t->nalts - alt0 > AGS_TPL_ALTERNATIVES)
		rc = syntax(ps, at - 2, "more than %u alternatives",
		            AGS_TPL_ALTERNATIVES);
	if (rc == AGS_OK)
		rc = add_piece(ps, NULL, 0, alt0, ps->t->nalts - alt0);
	return rc;
}

/* A new distinct field name, of shape sh, first used by token ti. */
static enum ags_err new_name(struct parser *ps, const char *name, size_t n,
                             const struct ags_tpl_shape *sh, size_t ti)
{
	struct ags_template *t = ps->t;
	struct ags_tpl_field *f;
	char **p;

	p = realloc(t->names, (t->nnames + 1) * sizeof(*p));
	if (!p)
		return nomem(ps);
	t->names = p;
	f = realloc(t->fields, (t->nnames + 1) * sizeof(*f));
	if (!f)
		return nomem(ps);
	t->fields = f;
	if (!(t->names[t->nnames] = ags_strndup(name, n)))
		return nomem(ps);
	t->fields[t->nnames++] = (struct ags_tpl_field){
	        .shape = *sh, .first = ti, .last = ti, .uses = 0};
	return AGS_OK;
}

/* Token tok is field name[0..n) of shape sh; at is where it is written.
 * A field used again keeps the shape of its first use. */
static enum ags_err add_field(struct parser *ps, struct ags_tpl_token *tok,
                              const char *name, size_t n,
                              const struct ags_tpl_shape *sh, size_t at)
{
	struct ags_template *t = ps->t;
	size_t i, ti = (size_t)(tok - t->tok);
	struct ags_tpl_field *f;
	enum ags_err rc;

	for (i = 0; i < t->nnames; i++)
		if (strlen(t->names[i]) == n &&
		    memcmp(t->names[i], name, n) == 0)
			break;
	if (i == t->nnames && (rc = new_name(ps, name, n, sh, ti)) != AGS_OK)
		return rc;
	f = &t->fields[i];
	if (f->shape.lines != sh->lines || f->shape.max != sh->max ||
	    f->shape.date != sh->date)
		return syntax(ps, at,
		              "field '%s' has another shape than at its first "
		              "use (line %ld)",
		              t->names[i],
		              t->words.w[t->tok[f->first].word].line);
	f->last = ti;
	f->uses++;
	tok->field = (int)i;
	return AGS_OK;
}

/* {{name}} or {{name:shape}}: n bytes between the braces, which open at
 * offset k - 2 of word w. */
static enum ags_err parse_field(struct parser *ps, struct ags_tpl_token *tok,
                                const struct ags_tpl_word *w, size_t k,
                                size_t n)
{
	const char *c = ps->t->text + w->off + k, *colon = memchr(c, ':', n);
	size_t nl = colon ? (size_t)(colon - c) : n;
	struct ags_tpl_shape sh;

	if (!is_name(c, nl))
		return syntax(ps, w->off + k - 2,
		              "'{{%.*s}}' is not a field name (a-z, 0-9 and _, "
		              "starting with a letter, %u bytes at most, then "
		              "optionally :shape), {{?text}} or {{a|b}}",
		              (int)n, c, AGS_TPL_NAME_MAX);
	if (k != 2 || k + n + 2 != w->len)
		return syntax(ps, w->off + k - 2,
		              "a field must stand alone as a word");
	if (colon && (nl + 1 == n ||
	              ags_tpl_shape_parse(&sh, colon + 1, n - nl - 1) != 0))
		return syntax(ps, w->off + k + nl + 1,
		              "'%.*s' is not a field shape (line, lines=2 to "
		              "lines=%u, or date)",
		              (int)(n - nl - 1), colon + 1, AGS_TPL_LINES_MAX);
	if (!colon)
		ags_tpl_shape_parse(&sh, NULL, 0);
	return add_field(ps, tok, c, nl, &sh, w->off);
}

/* Reads one word of the template into tok: a field, or pieces. */
static enum ags_err parse_word(struct parser *ps, struct ags_tpl_token *tok,
                               const struct ags_tpl_word *w)
{
	const char *s = ps->t->text + w->off, *open, *close;
	size_t n = w->len, i = 0, ndir = 0, k;
	enum ags_err rc = AGS_OK;

	tok->field = -1;
	tok->piece0 = ps->t->npieces;
	while (rc == AGS_OK && i < n) {
		open = find2(s + i, n - i, "{{");
		close = find2(s + i, n - i, "}}");
		if (close && (!open || close < open))
			return syntax(ps, w->off + (size_t)(close - s),
			              "'}}' without '{{'");
		if (!open) {
			rc = add_piece(ps, s + i, n - i, 0, 0);
			break;
		}
		if (open > s + i)
			rc = add_piece(ps, s + i, (size_t)(open - s) - i, 0, 0);
		k = (size_t)(open - s) + 2;
		if (!(close = find2(s + k, n - k, "}}")))
			return syntax(ps, w->off + k - 2,
			              "'{{' without '}}' in the same word (no "
			              "white space inside {{ }})");
		if (++ndir > AGS_TPL_DIRECTIVES_PER_WORD)
			return syntax(ps, w->off + k - 2,
			              "more than %u {{ }} in one word",
			              AGS_TPL_DIRECTIVES_PER_WORD);
		if (rc != AGS_OK)
			break;
		if (close == s + k)
			return syntax(ps, w->off + k - 2, "empty '{{}}'");
		if (s[k] != '?' && !memchr(s + k, '|', (size_t)(close - s) - k))
			return parse_field(ps, tok, w, k,
			                   (size_t)(close - s) - k);
		rc = parse_choice(ps, s + k, (size_t)(close - s) - k,
		                  w->off + k);
		i = (size_t)(close - s) + 2;
	}
	tok->npieces = ps->t->npieces - tok->piece0;
	return rc;
}

/* A word pattern may match no word when every piece is a choice with an
 * empty alternative. */
static void classify(const struct ags_template *t, struct ags_tpl_token *tok)
{
	size_t i, a;
	int opt = 1;

	for (i = 0; opt && i < tok->npieces; i++) {
		const struct ags_tpl_piece *p = &t->pieces[tok->piece0 + i];
		int empty = 0;

		for (a = 0; a < p->nalts; a++)
			empty |= t->alts[p->alt0 + a].len == 0;
		opt = p->nalts > 0 && empty;
	}
	tok->optional = tok->field < 0 && opt;
	tok->literal = tok->field < 0 && tok->npieces == 1 &&
	               t->pieces[tok->piece0].nalts == 0;
}

static enum ags_err parse_tokens(struct parser *ps)
{
	struct ags_template *t = ps->t;
	size_t i, nfields = 0;
	int last_field = 0; /* the last token that must match was a field */
	enum ags_err rc;

	for (i = 0; i < t->words.n; i++) {
		struct ags_tpl_token *tok;

		if (ags_tpl_grow(&t->tok, &ps->tcap, t->ntok + 1,
		                 sizeof(*t->tok)))
			return nomem(ps);
		tok = &t->tok[t->ntok++];
		memset(tok, 0, sizeof(*tok));
		tok->word = i;
		rc = parse_word(ps, tok, &t->words.w[i]);
		if (rc != AGS_OK)
			return rc;
		classify(t, tok);
		if (tok->field >= 0 && last_field)
			return syntax(
			        ps, t->words.w[i].off,
			        "two fields in a row: a word of text must "
			        "stand between them");
		if (tok->field >= 0 && ++nfields > AGS_TPL_FIELDS_MAX)
			return syntax(ps, t->words.w[i].off,
			              "more than %u fields",
			              AGS_TPL_FIELDS_MAX);
		if (!tok->optional)
			last_field = tok->field >= 0;
	}
	return AGS_OK;
}

/* The version line, then the words after it. */
static enum ags_err read_version(struct parser *ps)
{
	static const char prefix[] = "{{agreesign-template/";
	const struct ags_template *t = ps->t;
	const char *nl = memchr(t->text, '\n', t->len);
	size_t n = nl ? (size_t)(nl - t->text) : t->len;
	size_t k = sizeof(AGS_TPL_VERSION_LINE) - 1;

	if (n == k && memcmp(t->text, AGS_TPL_VERSION_LINE, k) == 0)
		return n + 1 < t->len ? AGS_OK
		                      : syntax(ps, 0,
		                               "the template has no text "
		                               "after its version line");
	if (n > k && memcmp(t->text, AGS_TPL_VERSION_LINE, k) == 0)
		return syntax(ps, 0,
		              AGS_TPL_VERSION_LINE " must stand alone on the "
		                                   "first line");
	if (n >= sizeof(prefix) - 1 &&
	    memcmp(t->text, prefix, sizeof(prefix) - 1) == 0)
		return syntax(ps, 0,
		              "'%.*s': unknown template version (this reader "
		              "reads " AGS_TPL_VERSION_LINE ")",
		              (int)(n < 64 ? n : 64), t->text);
	return syntax(ps, 0,
	              "the first line is not " AGS_TPL_VERSION_LINE
	              ": a template without it has the first format, whose "
	              "fields had no bounds, and is no longer read; add the "
	              "line, give fields their shapes and sign it again");
}

int ags_template_find_directive(struct ags_template_spot *spot,
                                const char *canon, size_t len)
{
	long ln = 1, col = 1;
	size_t i, k;

	for (i = 0; i + 1 < len; i++) {
		if (canon[i] == '\n') {
			ln++;
			col = 1;
			continue;
		}
		if (canon[i] == '{' && canon[i + 1] == '{') {
			/* A directive closes in the same word (parse_word). */
			for (k = i + 2; k + 1 < len && canon[k] != ' ' &&
			                canon[k] != '\t' && canon[k] != '\n';
			     k++)
				if (canon[k] == '}' && canon[k + 1] == '}') {
					if (spot)
						*spot = (struct
						         ags_template_spot){
						        .off = i,
						        .len = k + 2 - i,
						        .line = ln,
						        .column = col};
					return 1;
				}
		}
		col += ((unsigned char)canon[i] & 0xC0) != 0x80;
	}
	return 0;
}

enum ags_err ags_template_parse(struct ags_template **out, const char *canon,
                                size_t canon_len, const char *source,
                                struct ags_error *err)
{
	struct parser ps = {.source = source ? source : "template", .err = err};
	enum ags_err rc;

	*out = NULL;
	if (!canon || canon_len == 0 || canon_len > AGS_TEXT_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, ps.source, 0, 0,
		                     "a template needs a non-empty text of at "
		                     "most %u bytes",
		                     AGS_TEXT_MAX);
	if (!(ps.t = calloc(1, sizeof(*ps.t))) ||
	    !(ps.t->text = ags_strndup(canon, canon_len))) {
		free(ps.t);
		return nomem(&ps);
	}
	ps.t->len = canon_len;
	crypto_hash_sha512(ps.t->sha512, (const unsigned char *)canon,
	                   canon_len);
	rc = read_version(&ps);
	if (rc == AGS_OK &&
	    ags_tpl_words_split_from(&ps.t->words, ps.t->text, canon_len,
	                             sizeof(AGS_TPL_VERSION_LINE), 1) != 0)
		rc = nomem(&ps);
	if (rc == AGS_OK)
		rc = parse_tokens(&ps);
	if (rc != AGS_OK) {
		ags_template_free(ps.t);
		return rc;
	}
	*out = ps.t;
	return AGS_OK;
}

void ags_template_free(struct ags_template *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->fields);
	free(t->tok);
	free(t->pieces);
	free(t->alts);
	ags_tpl_words_release(&t->words);
	free(t->text);
	free(t);
}

void ags_template_digest(uint8_t out[AGS_DIGEST_BYTES], uint64_t *length,
                         const struct ags_template *t)
{
	memcpy(out, t->sha512, AGS_DIGEST_BYTES);
	if (length)
		*length = t->len;
}

size_t ags_template_nfields(const struct ags_template *t)
{
	return t->nnames;
}

const char *ags_template_field_name(const struct ags_template *t, size_t i)
{
	return i < t->nnames ? t->names[i] : NULL;
}

/* Does pieces p[0..np) spell exactly s[0..n)? Choices are tried in
 * order; the limits on directives keep this small. */
static int pieces_match(const struct ags_template *t,
                        const struct ags_tpl_piece *p, size_t np, const char *s,
                        size_t n)
{
	size_t a;

	if (np == 0)
		return n == 0;
	if (p->nalts == 0)
		return p->len <= n && memcmp(p->s, s, p->len) == 0 &&
		       pieces_match(t, p + 1, np - 1, s + p->len, n - p->len);
	for (a = 0; a < p->nalts; a++) {
		const struct ags_tpl_alt *alt = &t->alts[p->alt0 + a];

		if (alt->len <= n && memcmp(alt->s, s, alt->len) == 0 &&
		    pieces_match(t, p + 1, np - 1, s + alt->len, n - alt->len))
			return 1;
	}
	return 0;
}

int ags_tpl_word_matches(const struct ags_template *t,
                         const struct ags_tpl_token *tok, const char *s,
                         size_t n)
{
	const struct ags_tpl_piece *p = &t->pieces[tok->piece0];

	if (tok->literal)
		return p->len == n && memcmp(p->s, s, n) == 0;
	return pieces_match(t, p, tok->npieces, s, n);
}
