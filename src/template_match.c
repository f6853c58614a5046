/* Matching an agreement against a template (spec/templates.md, "Matching").
 *
 * A depth-first search over states (template token, agreement word):
 * a word pattern takes one word (or none, when optional: present is
 * tried first), a field takes one word more at each try (shortest
 * first), never leaving the paragraph of its first word nor growing past
 * AGS_FIELD_MAX bytes. A state that failed once fails again (nothing
 * after it depends on how it was reached), so failed states are
 * remembered and the search stays close to linear; a step budget bounds
 * the rest. */
#include "template_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failed states, as (token << 32 | word) + 1 in an open-addressing set.
 * Past MEMO_MAX entries nothing more is remembered: the step budget
 * still ends the search. */
#define MEMO_MAX (1u << 20)

struct memo {
	uint64_t *slot;
	size_t cap, n; /* cap is a power of two */
};

static size_t memo_pos(const struct memo *m, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (m->cap - 1);
}

static int memo_has(const struct memo *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return 0;
	for (i = memo_pos(m, key); m->slot[i]; i = (i + 1) & (m->cap - 1))
		if (m->slot[i] == key + 1)
			return 1;
	return 0;
}

static void memo_put(struct memo *m, uint64_t key)
{
	size_t i;

	for (i = memo_pos(m, key); m->slot[i]; i = (i + 1) & (m->cap - 1))
		;
	m->slot[i] = key + 1;
	m->n++;
}

/* Remembers key; -1 when out of memory. */
static int memo_add(struct memo *m, uint64_t key)
{
	struct memo big;
	size_t i;

	if (m->n >= MEMO_MAX)
		return 0;
	if (2 * (m->n + 1) > m->cap) {
		big.cap = m->cap ? 2 * m->cap : 1024;
		big.n = 0;
		if (!(big.slot = calloc(big.cap, sizeof(*big.slot))))
			return -1;
		for (i = 0; i < m->cap; i++)
			if (m->slot[i])
				memo_put(&big, m->slot[i] - 1);
		free(m->slot);
		*m = big;
	}
	memo_put(m, key);
	return 0;
}

/* A state on the search path: token ti at word wi; alt counts the ways
 * already tried; bytes is the length of a field's value so far. */
struct frame {
	size_t ti, wi, alt, bytes;
};

struct matcher {
	const struct ags_template *t;
	const struct ags_tpl_words *aw;
	struct frame *path; /* ntok + 1 */
	struct memo failed;
	size_t steps, max_steps;
	size_t far_tok, far_word; /* the state with the most words matched */
	int long_field;           /* a field that hit AGS_FIELD_MAX, or -1 */
};

static int word_ok(const struct matcher *mt, const struct ags_tpl_token *tok,
                   size_t wi)
{
	const struct ags_tpl_word *w = &mt->aw->w[wi];

	return ags_tpl_word_matches(mt->t, tok, mt->aw->text + w->off, w->len);
}

/* The next way to go on from f: sets *next (the word after it) and
 * returns 1, or returns 0 when every way was tried. */
static int next_way(struct matcher *mt, struct frame *f, size_t *next)
{
	const struct ags_tpl_token *tok = &mt->t->tok[f->ti];
	const struct ags_tpl_words *aw = mt->aw;
	size_t a = f->alt++, end;

	if (tok->field < 0) {
		if (a == 0 && f->wi < aw->n && word_ok(mt, tok, f->wi)) {
			*next = f->wi + 1;
			return 1;
		}
		if (a <= 1 && tok->optional) {
			f->alt = 2;
			*next = f->wi;
			return 1;
		}
		return 0;
	}
	end = f->wi + a + 1; /* a field takes words wi .. end - 1 */
	if (end > aw->n || aw->w[end - 1].para != aw->w[f->wi].para)
		return 0;
	f->bytes += aw->w[end - 1].len + (a > 0);
	if (f->bytes > AGS_FIELD_MAX) {
		mt->long_field = tok->field;
		return 0;
	}
	*next = end;
	return 1;
}

/* Runs the search: 1 matched (mt->path holds the way), 0 not, -1 out of
 * memory, -2 over the step budget. */
static int search(struct matcher *mt)
{
	size_t depth = 1, next = 0, ntok = mt->t->ntok;

	mt->path[0] = (struct frame){0, 0, 0, 0};
	while (depth > 0) {
		struct frame *f = &mt->path[depth - 1];

		if (++mt->steps > mt->max_steps)
			return -2;
		if (f->wi > mt->far_word ||
		    (f->wi == mt->far_word && f->ti > mt->far_tok)) {
			mt->far_word = f->wi;
			mt->far_tok = f->ti;
		}
		if (f->ti == ntok) {
			if (f->wi == mt->aw->n)
				return 1;
			depth--;
			continue;
		}
		if (!next_way(mt, f, &next)) {
			if (memo_add(&mt->failed,
			             (uint64_t)f->ti << 32 | f->wi))
				return -1;
			depth--;
			continue;
		}
		if (memo_has(&mt->failed, (uint64_t)(f->ti + 1) << 32 | next))
			continue;
		mt->path[depth++] = (struct frame){f->ti + 1, next, 0, 0};
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Field values.
 */

/* Removes one pair of mark around s[*from .. *to) when more than the
 * marks is there. */
static void unwrap(const char *s, size_t *from, size_t *to, const char *mark)
{
	size_t k = strlen(mark);

	if (*to - *from > 2 * k && memcmp(s + *from, mark, k) == 0 &&
	    memcmp(s + *to - k, mark, k) == 0) {
		*from += k;
		*to -= k;
	}
}

/* The words wi .. end - 1 joined by one space, without Markdown emphasis
 * wrapped around the whole value: malloc'd, or NULL. */
static char *field_value(const struct ags_tpl_words *aw, size_t wi, size_t end)
{
	static const char *const marks[] = {"**", "__", "*", "_"};
	struct ags_buf b = {0};
	size_t i, from = 0, to;
	char *s;

	for (i = wi; i < end; i++) {
		if (i > wi)
			ags_buf_put(&b, " ", 1);
		ags_buf_put(&b, aw->text + aw->w[i].off, aw->w[i].len);
	}
	if (!(s = ags_buf_take(&b, &to)))
		return NULL;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		unwrap(s, &from, &to, marks[i]);
	while (from < to && s[from] == ' ')
		from++;
	while (to > from && s[to - 1] == ' ')
		to--;
	memmove(s, s + from, to - from);
	s[to - from] = '\0';
	return s;
}

/* The problem of a field given two values, each cut short when long. */
static void two_values(struct ags_template_match *m,
                       const struct ags_template_field *fl, const char *v)
{
	char a[72], b[72]; /* with a 64-byte name, all fits in 256 */

	ags_bounded(m->problem, sizeof(m->problem),
	            "field '%s' is used twice with two values: \"%s\" and "
	            "\"%s\"",
	            fl->name, ags_text_copy(a, sizeof(a), fl->value),
	            ags_text_copy(b, sizeof(b), v));
}

/* Sets m->fields from the path; a field used twice must get one value. */
static enum ags_err take_fields(struct ags_template_match *m,
                                const struct matcher *mt)
{
	const struct ags_template *t = mt->t;
	struct ags_template_field *fl;
	size_t ti;
	char *v;

	m->fields = calloc(t->nnames ? t->nnames : 1, sizeof(*m->fields));
	if (!m->fields)
		return AGS_ERR_NOMEM;
	m->nfields = t->nnames;
	for (ti = 0; ti < t->ntok; ti++) {
		if (t->tok[ti].field < 0)
			continue;
		fl = &m->fields[t->tok[ti].field];
		v = field_value(mt->aw, mt->path[ti].wi, mt->path[ti + 1].wi);
		if (!v)
			return AGS_ERR_NOMEM;
		if (!fl->value) {
			fl->value = v;
			if (!(fl->name = ags_strndup(
			              t->names[t->tok[ti].field],
			              strlen(t->names[t->tok[ti].field]))))
				return AGS_ERR_NOMEM;
			continue;
		}
		if (strcmp(fl->value, v) != 0 && !m->problem[0])
			two_values(m, fl, v);
		free(v);
	}
	return AGS_OK;
}

/* ---------------------------------------------------------------------
 * The public functions.
 */

void ags_template_match_release(struct ags_template_match *m)
{
	size_t i, k;

	if (!m)
		return;
	for (i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->fields);
	for (i = 0; i < m->ndiffs; i++) {
		for (k = 0; k < m->diffs[i].nsegs; k++)
			free(m->diffs[i].segs[k].text);
		free(m->diffs[i].segs);
		free(m->diffs[i].first_words);
	}
	free(m->diffs);
	memset(m, 0, sizeof(*m));
}

static enum ags_err run(struct ags_template_match *m, struct matcher *mt)
{
	enum ags_err rc = AGS_OK;
	int found;

	mt->path = calloc(mt->t->ntok + 1, sizeof(*mt->path));
	if (!mt->path)
		return AGS_ERR_NOMEM;
	found = search(mt);
	if (found == -1)
		return AGS_ERR_NOMEM;
	if (found == 1) {
		rc = take_fields(m, mt);
		m->matches = rc == AGS_OK && !m->problem[0];
		return rc;
	}
	if (found == -2)
		ags_bounded(
		        m->problem, sizeof(m->problem),
		        "the agreement is too ambiguous to match against this "
		        "template in %zu steps",
		        mt->max_steps);
	rc = ags_tpl_diff(m, mt->t, mt->aw, mt->far_tok, mt->far_word);
	if (rc != AGS_OK || m->ndiffs > 0 || m->problem[0])
		return rc;
	if (mt->long_field >= 0)
		ags_bounded(
		        m->problem, sizeof(m->problem),
		        "the value of field '%s' would be longer than %u bytes",
		        mt->t->names[mt->long_field], AGS_FIELD_MAX);
	else
		ags_bounded(m->problem, sizeof(m->problem),
		            "the agreement does not match the template");
	return rc;
}

enum ags_err ags_template_match(struct ags_template_match *m,
                                const struct ags_template *t, const char *canon,
                                size_t canon_len, struct ags_error *err)
{
	struct ags_tpl_words aw;
	struct matcher mt = {.t = t, .aw = &aw, .long_field = -1};
	enum ags_err rc;

	memset(m, 0, sizeof(*m));
	if (!t || (!canon && canon_len) || canon_len > AGS_TEXT_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, "template", 0, 0,
		                     "no template, or no agreement text of at "
		                     "most %u bytes",
		                     AGS_TEXT_MAX);
	if (ags_tpl_words_split(&aw, canon ? canon : "", canon_len) != 0)
		return ags_error_set(err, AGS_ERR_NOMEM, "template", 0, 0,
		                     "out of memory");
	mt.max_steps = 8 * (t->ntok + aw.n) + 1000000;
	rc = run(m, &mt);
	free(mt.path);
	free(mt.failed.slot);
	ags_tpl_words_release(&aw);
	if (rc != AGS_OK) {
		ags_template_match_release(m);
		return ags_error_set(err, rc, "template", 0, 0,
		                     "out of memory matching the template");
	}
	return AGS_OK;
}

const char *ags_template_diff_kind_name(enum ags_template_diff_kind k)
{
	switch (k) {
	case AGS_TEMPLATE_CHANGED: return "changed";
	case AGS_TEMPLATE_REMOVED: return "removed";
	case AGS_TEMPLATE_ADDED: return "added";
	}
	return "unknown";
}

const char *ags_template_seg_op_name(enum ags_template_seg_op op)
{
	switch (op) {
	case AGS_TEMPLATE_SAME: return "same";
	case AGS_TEMPLATE_FIELD: return "field";
	case AGS_TEMPLATE_DELETED: return "removed";
	case AGS_TEMPLATE_INSERTED: return "added";
	}
	return "unknown";
}
