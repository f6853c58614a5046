/* Matching an agreement against a template (spec/templates.md, "Matching").
 *
 * A depth-first search over states (template token, agreement word,
 * context): a word pattern takes one word (or none, when optional:
 * present is tried first), a field takes one word more at each try
 * (shortest first) within the bounds of its shape. A field used again
 * must take the value it took the first time (rule 6), so what can follow
 * a state depends on the values of the fields used both before and after
 * it: the context, the word numbers of their first uses. A state that
 * failed once fails again in the same context, so failed states are
 * remembered and the search stays close to linear when no field is
 * repeated; a step budget bounds the rest. */
#include "template_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A state on the search path: token ti at word wi in context ctx; alt
 * counts the ways already tried; bytes is the length of a field's words
 * so far. */
struct frame {
	size_t ti, wi, alt, bytes;
	uint32_t ctx;
};

/* The value a repeated field took at its first use, words s .. e - 1. */
struct bound {
	size_t s, e, len;
	char *v; /* AGS_FIELD_MAX + 1 bytes */
};

struct matcher {
	const struct ags_template *t;
	const struct ags_tpl_words *aw;
	struct frame *path; /* ntok + 1 */
	struct ags_tpl_memo failed;
	struct ags_tpl_ctxs ctxs;
	struct bound *bound; /* one per field name */
	uint32_t *vec;       /* a context being built: 2 per field name */
	int constrained;     /* rule 6 is a condition of the search */
	size_t steps, max_steps;
	size_t far_tok, far_word; /* the state with the most words matched */
};

/* The memo key of a state: 24 + 24 + 15 bits (AGS_TEXT_MAX keeps token
 * and word numbers below 2^24). */
static uint64_t key(size_t ti, size_t wi, uint32_t ctx)
{
	return (uint64_t)ti << 39 | (uint64_t)wi << 15 | ctx;
}

static int word_ok(const struct matcher *mt, const struct ags_tpl_token *tok,
                   size_t wi)
{
	const struct ags_tpl_word *w = &mt->aw->w[wi];

	return ags_tpl_word_matches(mt->t, tok, mt->aw->text + w->off, w->len);
}

/* The value field fi must take again at frame f, or NULL when free. */
static const struct bound *bound_of(struct matcher *mt, const struct frame *f,
                                    int fi)
{
	size_t first = mt->t->fields[fi].first;
	struct bound *b = &mt->bound[fi];

	if (!mt->constrained || f->ti == first)
		return NULL;
	if (b->s != mt->path[first].wi || b->e != mt->path[first + 1].wi) {
		b->s = mt->path[first].wi;
		b->e = mt->path[first + 1].wi;
		b->len = ags_tpl_value(b->v, mt->aw, b->s, b->e);
	}
	return b;
}

/* The next way of field token f->ti: one word longer than the last, as
 * its shape allows, a date when it is one, the bound value when it has
 * one. */
static int next_field_way(struct matcher *mt, struct frame *f, size_t *next)
{
	const struct ags_tpl_token *tok = &mt->t->tok[f->ti];
	const struct ags_tpl_shape *sh = &mt->t->fields[tok->field].shape;
	const struct ags_tpl_words *aw = mt->aw;
	const struct bound *b = bound_of(mt, f, tok->field);
	char v[AGS_FIELD_MAX + 1];
	size_t end, n;

	for (;; mt->steps++) {
		end = f->wi + ++f->alt; /* the field takes wi .. end - 1 */
		if (end > aw->n || !ags_tpl_shape_spans(sh, aw, f->wi, end - 1))
			return 0;
		f->bytes += aw->w[end - 1].len + (f->alt > 1);
		if (f->bytes > sh->max ||
		    (b && f->bytes > b->len + AGS_TPL_VALUE_SHRINK))
			return 0; /* too long, or than any spelling of b */
		if (b && f->bytes < b->len)
			continue;
		if (!sh->date && !b)
			break;
		n = ags_tpl_value(v, aw, f->wi, end);
		if ((!sh->date || ags_tpl_is_date(v, n)) &&
		    (!b || (n == b->len && memcmp(v, b->v, n) == 0)))
			break;
	}
	*next = end;
	return 1;
}

/* The next way to go on from f: sets *next (the word after it) and
 * returns 1, or returns 0 when every way was tried. */
static int next_way(struct matcher *mt, struct frame *f, size_t *next)
{
	const struct ags_tpl_token *tok = &mt->t->tok[f->ti];
	size_t a;

	if (tok->field >= 0)
		return next_field_way(mt, f, next);
	a = f->alt++;
	if (a == 0 && f->wi < mt->aw->n && word_ok(mt, tok, f->wi)) {
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

/* The context of token ti + 1, reached from frame f at word next: it
 * changes only after the first or last use of a repeated field. */
static int next_ctx(struct matcher *mt, const struct frame *f, size_t next,
                    uint32_t *ctx)
{
	const struct ags_template *t = mt->t;
	const struct ags_tpl_token *tok = &t->tok[f->ti];
	size_t ti = f->ti + 1, g, n = 0;
	const struct ags_tpl_field *fd;

	*ctx = f->ctx;
	if (!mt->constrained || tok->field < 0)
		return 0;
	fd = &t->fields[tok->field];
	if (fd->uses < 2 || (f->ti != fd->first && f->ti != fd->last))
		return 0;
	for (g = 0; g < t->nnames; g++) {
		fd = &t->fields[g];
		if (fd->uses < 2 || fd->first >= ti || fd->last < ti)
			continue;
		mt->vec[n++] = (uint32_t)mt->path[fd->first].wi;
		mt->vec[n++] = (uint32_t)(fd->first + 1 < ti
		                                  ? mt->path[fd->first + 1].wi
		                                  : next);
	}
	return ags_tpl_ctx_intern(&mt->ctxs, mt->vec, n, ctx);
}

static void note_far(struct matcher *mt, const struct frame *f)
{
	if (f->wi > mt->far_word ||
	    (f->wi == mt->far_word && f->ti > mt->far_tok)) {
		mt->far_word = f->wi;
		mt->far_tok = f->ti;
	}
}

/* Runs the search: 1 matched (mt->path holds the way), 0 not, -1 out of
 * memory, -2 over the step budget. */
static int search(struct matcher *mt)
{
	size_t depth = 1, next = 0, ntok = mt->t->ntok;
	uint32_t ctx;

	mt->path[0] = (struct frame){0, 0, 0, 0, 0};
	while (depth > 0) {
		struct frame *f = &mt->path[depth - 1];

		if (++mt->steps > mt->max_steps)
			return -2;
		note_far(mt, f);
		if (f->ti == ntok) {
			if (f->wi == mt->aw->n)
				return 1;
			depth--;
			continue;
		}
		if (!next_way(mt, f, &next)) {
			if (f->ctx != AGS_TPL_CTX_NONE &&
			    ags_tpl_memo_add(&mt->failed,
			                     key(f->ti, f->wi, f->ctx)))
				return -1;
			depth--;
			continue;
		}
		if (next_ctx(mt, f, next, &ctx) != 0)
			return -1;
		if (ctx != AGS_TPL_CTX_NONE &&
		    ags_tpl_memo_has(&mt->failed, key(f->ti + 1, next, ctx)))
			continue;
		mt->path[depth++] = (struct frame){f->ti + 1, next, 0, 0, ctx};
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Field values.
 */

/* The value of the field of token ti on the path: malloc'd, or NULL. */
static char *field_value(const struct matcher *mt, size_t ti)
{
	char v[AGS_FIELD_MAX + 1];
	size_t n =
	        ags_tpl_value(v, mt->aw, mt->path[ti].wi, mt->path[ti + 1].wi);

	return ags_strndup(v, n);
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

/* Sets m->fields from the path. A field used twice with two values (the
 * path of a search without rule 6) is the problem. */
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
		if (!(v = field_value(mt, ti)))
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

static int has_repeated_field(const struct ags_template *t)
{
	size_t i;

	for (i = 0; i < t->nnames; i++)
		if (t->fields[i].uses > 1)
			return 1;
	return 0;
}

/* No way satisfies rule 6: searches again without it, for the first way
 * that satisfies the other rules, to name the field and its two values.
 * Returns 1 when found (m->problem set), 0 not, -1 out of memory. */
static int why_not(struct ags_template_match *m, struct matcher *mt,
                   enum ags_err *rc)
{
	struct matcher again = *mt;
	int found;

	again.constrained = 0;
	again.steps = 0;
	memset(&again.failed, 0, sizeof(again.failed));
	found = search(&again);
	ags_tpl_memo_release(&again.failed);
	if (found != 1)
		return found == -1 ? -1 : 0;
	*rc = take_fields(m, &again);
	if (*rc == AGS_OK && !m->problem[0])
		snprintf(m->problem, sizeof(m->problem),
		         "the agreement does not match the template");
	return 1;
}

static enum ags_err run(struct ags_template_match *m, struct matcher *mt)
{
	enum ags_err rc = AGS_OK;
	int found;

	found = search(mt);
	if (found == 1) {
		rc = take_fields(m, mt);
		m->matches = rc == AGS_OK && !m->problem[0];
		return rc;
	}
	if (found == 0 && has_repeated_field(mt->t) &&
	    (found = why_not(m, mt, &rc)) != 0)
		return found < 0 ? AGS_ERR_NOMEM : rc;
	if (found == -1)
		return AGS_ERR_NOMEM;
	if (found == -2)
		ags_bounded(
		        m->problem, sizeof(m->problem),
		        "the agreement is too ambiguous to match against this "
		        "template in %zu steps",
		        mt->max_steps);
	rc = ags_tpl_diff(m, mt->t, mt->aw, mt->far_tok, mt->far_word);
	/* Without rule 6 the cheapest alignment costs 0 only when the
	 * search found a way: this is for safety, not expected. */
	if (rc == AGS_OK && m->ndiffs == 0 && !m->problem[0])
		snprintf(m->problem, sizeof(m->problem),
		         "the agreement does not match the template");
	return rc;
}

/* Allocates what the search needs. Returns 0, or -1 when out of memory. */
static int matcher_init(struct matcher *mt)
{
	size_t i, nn = mt->t->nnames;

	mt->path = calloc(mt->t->ntok + 1, sizeof(*mt->path));
	mt->bound = calloc(nn + 1, sizeof(*mt->bound));
	mt->vec = calloc(2 * nn + 1, sizeof(*mt->vec));
	if (!mt->path || !mt->bound || !mt->vec)
		return -1;
	for (i = 0; i < nn; i++) {
		mt->bound[i].s = mt->bound[i].e = (size_t)-1;
		if (mt->t->fields[i].uses > 1 &&
		    !(mt->bound[i].v = malloc(AGS_FIELD_MAX + 1)))
			return -1;
	}
	return 0;
}

static void matcher_release(struct matcher *mt)
{
	size_t i;

	for (i = 0; mt->bound && i < mt->t->nnames; i++)
		free(mt->bound[i].v);
	free(mt->bound);
	free(mt->vec);
	free(mt->path);
	ags_tpl_memo_release(&mt->failed);
	ags_tpl_ctxs_release(&mt->ctxs);
}

enum ags_err ags_template_match(struct ags_template_match *m,
                                const struct ags_template *t, const char *canon,
                                size_t canon_len, struct ags_error *err)
{
	struct ags_tpl_words aw;
	struct matcher mt = {.t = t, .aw = &aw, .constrained = 1};
	enum ags_err rc = AGS_ERR_NOMEM;

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
	if (matcher_init(&mt) == 0)
		rc = run(m, &mt);
	matcher_release(&mt);
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
