/* Where an agreement differs from its template, word by word, reported by
 * paragraph (spec/templates.md, "Differences").
 *
 * An edit-distance alignment of the template's tokens with the agreement's
 * words: a word pattern is kept (it matches the word), skipped (when
 * optional), removed (cost 1); an agreement word the template lacks is
 * added (cost 1); a field takes words its shape allows (cost 0) or is
 * removed. The cheapest alignment is read back into operations, which are
 * then grouped by paragraph: a template paragraph with changes is
 * "changed" (or "removed" when none of its words remain), and agreement
 * words that fall in no template paragraph form "added" ones. */
#include "template_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The alignment keeps one byte per (token, word) pair. */
#define DIFF_CELLS_MAX (16u * 1024u * 1024u)
/* Paragraphs reported at most. */
#define DIFF_MAX 100u
/* No start: the field can end at no word here. */
#define NO_START ((size_t)-1)

enum step { ST_NONE, ST_MATCH, ST_SKIP, ST_FIELD, ST_DEL, ST_INS };

/* One operation of the alignment, in text order. */
enum op_kind { OP_SAME, OP_FIELD, OP_SKIP, OP_DEL, OP_INS };
struct op {
	enum op_kind kind;
	size_t ti, wi; /* token (not for OP_INS), word (not for DEL, SKIP) */
	size_t group;
};

struct aligner {
	const struct ags_template *t;
	const struct ags_tpl_words *aw;
	unsigned char *dir; /* (ntok + 1) x (n + 1) */
	uint32_t *pre; /* pre[k]: bytes of words 0 .. k - 1, a space each */
	uint32_t *dq;  /* a deque of starts, n + 1 */
	size_t ftok[AGS_TPL_FIELDS_MAX]; /* the field tokens, in order */
	size_t nf;
	uint16_t *flen; /* nf x (n + 1): words the field took, ending there */
	struct op *ops;
	size_t nops;
};

static int word_ok(const struct aligner *al, size_t ti, size_t wi)
{
	const struct ags_tpl_word *w = &al->aw->w[wi];

	return ags_tpl_word_matches(al->t, &al->t->tok[ti],
	                            al->aw->text + w->off, w->len);
}

/* The words field token ti took, ending at each word (+ 1). */
static uint16_t *flen_of(const struct aligner *al, size_t ti)
{
	size_t k = 0;

	while (al->ftok[k] != ti)
		k++;
	return al->flen + k * (al->aw->n + 1);
}

/* Bytes of words s .. e - 1 joined by single spaces. */
static size_t joined(const struct aligner *al, size_t s, size_t e)
{
	return al->pre[e] - al->pre[s] - 1;
}

static const struct ags_tpl_shape *shape(const struct aligner *al, size_t ti)
{
	return &al->t->fields[al->t->tok[ti].field].shape;
}

/* Two rows of the table: costs, and whether the way to each cell ended
 * by keeping an agreement word (a field may start right after one). */
struct rows {
	uint32_t *prev, *cur;
	unsigned char *pkept, *ckept;
};

/* May field token ti start at word j? Right after a kept word, at the
 * start of the text, or where a paragraph starts in both texts. Without
 * this, a field would take an added clause to save the cost of adding
 * its words. */
static int field_may_start(const struct aligner *al, size_t ti, size_t j,
                           int kept)
{
	const struct ags_tpl_words *tw = &al->t->words;
	size_t tword = al->t->tok[ti].word, ap = al->aw->w[j].para;

	return j == 0 || kept ||
	       (tw->para_first[tw->w[tword].para] == tword &&
	        al->aw->para_first[ap] == j);
}

/* The starts a field of text shape may have when it ends before word j
 * form a window that only moves right: [lo, j - 1]. The deque dq[head ..
 * tail) holds the starts in it that may be the cheapest, costs rising. */
struct window {
	size_t lo, head, tail;
};

/* The cheapest start of a field of text shape (token ti) that ends
 * before word j, the latest on a tie, or NO_START. */
static size_t text_start(struct aligner *al, size_t ti, size_t j,
                         const struct rows *r, struct window *wd)
{
	const struct ags_tpl_shape *sh = shape(al, ti);
	size_t s = j - 1;

	if (field_may_start(al, ti, s, r->pkept[s])) {
		while (wd->tail > wd->head &&
		       r->prev[al->dq[wd->tail - 1]] >= r->prev[s])
			wd->tail--;
		al->dq[wd->tail++] = (uint32_t)s;
	}
	while (wd->lo < j && (!ags_tpl_shape_spans(sh, al->aw, wd->lo, s) ||
	                      joined(al, wd->lo, j) > sh->max))
		wd->lo++;
	while (wd->head < wd->tail && al->dq[wd->head] < wd->lo)
		wd->head++;
	return wd->head < wd->tail ? al->dq[wd->head] : NO_START;
}

/* The same for a date: a few words, each start tried. */
static size_t date_start(const struct aligner *al, size_t ti, size_t j,
                         const struct rows *r)
{
	const struct ags_tpl_shape *sh = shape(al, ti);
	char v[AGS_TPL_DATE_BYTES + 1];
	size_t s, best = NO_START;

	for (s = j; s-- > 0;) {
		if (!ags_tpl_shape_spans(sh, al->aw, s, j - 1) ||
		    joined(al, s, j) > sh->max)
			break;
		if (!field_may_start(al, ti, s, r->pkept[s]) ||
		    (best != NO_START && r->prev[s] >= r->prev[best]))
			continue;
		if (ags_tpl_is_date(v, ags_tpl_value(v, al->aw, s, j)))
			best = s;
	}
	return best;
}

/* Row i of the table, from row i - 1. */
static void fill_row(struct aligner *al, size_t i, struct rows *r)
{
	const struct ags_tpl_token *tok = &al->t->tok[i - 1];
	size_t j, n = al->aw->n, s;
	unsigned char *dir = al->dir + i * (n + 1);
	uint16_t *flen = tok->field >= 0 ? flen_of(al, i - 1) : NULL;
	struct window wd = {0, 0, 0};

	for (j = 0; j <= n; j++) {
		uint32_t best = UINT32_MAX;
		unsigned char step = ST_NONE;

		if (tok->field < 0) {
			if (j > 0 && word_ok(al, i - 1, j - 1))
				best = r->prev[j - 1], step = ST_MATCH;
			if (tok->optional && r->prev[j] < best)
				best = r->prev[j], step = ST_SKIP;
		} else if (j > 0) {
			s = shape(al, i - 1)->date
			            ? date_start(al, i - 1, j, r)
			            : text_start(al, i - 1, j, r, &wd);
			if (s != NO_START) {
				best = r->prev[s], step = ST_FIELD;
				flen[j] = (uint16_t)(j - s);
			}
		}
		/* added before removed here reads "removed, added" forwards */
		if (j > 0 && r->cur[j - 1] + 1 < best)
			best = r->cur[j - 1] + 1, step = ST_INS;
		if (r->prev[j] + 1 < best)
			best = r->prev[j] + 1, step = ST_DEL;
		r->cur[j] = best;
		r->ckept[j] = step == ST_MATCH || step == ST_FIELD ||
		              (step == ST_SKIP && r->pkept[j]);
		dir[j] = step;
	}
}

static int fill(struct aligner *al)
{
	size_t n = al->aw->n, i, j;
	uint32_t *costs = calloc(2 * (n + 1), sizeof(*costs)), *t32;
	unsigned char *kept = calloc(2 * (n + 1), 1), *t8;
	struct rows r;

	if (!costs || !kept) {
		free(costs);
		free(kept);
		return -1;
	}
	r = (struct rows){costs, costs + (n + 1), kept, kept + (n + 1)};
	for (j = 0; j <= n; j++) {
		r.prev[j] = (uint32_t)j;
		r.pkept[j] = j == 0;
		al->dir[j] = j ? ST_INS : ST_NONE;
	}
	for (i = 1; i <= al->t->ntok; i++) {
		fill_row(al, i, &r);
		t32 = r.prev, r.prev = r.cur, r.cur = t32;
		t8 = r.pkept, r.pkept = r.ckept, r.ckept = t8;
	}
	free(costs);
	free(kept);
	return 0;
}

/* Reads the operations back from the table, last first, then reverses. */
static void trace(struct aligner *al)
{
	size_t i = al->t->ntok, j = al->aw->n, w = al->aw->n + 1, k;
	struct op tmp;

	while (i > 0 || j > 0) {
		unsigned char d = al->dir[i * w + j];
		struct op *o = &al->ops[al->nops++];

		switch (i == 0 ? ST_INS : d) {
		case ST_MATCH:
			*o = (struct op){OP_SAME, i - 1, j - 1, 0}, i--, j--;
			break;
		case ST_SKIP:
			*o = (struct op){OP_SKIP, i - 1, 0, 0}, i--;
			break;
		case ST_DEL: *o = (struct op){OP_DEL, i - 1, 0, 0}, i--; break;
		case ST_FIELD:
			al->nops--;
			for (k = flen_of(al, i - 1)[j]; k > 0; k--, j--)
				al->ops[al->nops++] =
				        (struct op){OP_FIELD, i - 1, j - 1, 0};
			i--;
			break;
		default: *o = (struct op){OP_INS, 0, j - 1, 0}, j--; break;
		}
	}
	for (k = 0; k < al->nops / 2; k++) {
		tmp = al->ops[k];
		al->ops[k] = al->ops[al->nops - 1 - k];
		al->ops[al->nops - 1 - k] = tmp;
	}
}

/* ---------------------------------------------------------------------
 * Grouping by paragraph.
 */

#define NONE ((size_t)-1)

static size_t tpara(const struct aligner *al, size_t ti)
{
	return al->t->words.w[al->t->tok[ti].word].para;
}

static int is_ins_of(const struct aligner *al, size_t k, size_t ap)
{
	return k < al->nops && al->ops[k].kind == OP_INS &&
	       al->aw->w[al->ops[k].wi].para == ap;
}

/* A template paragraph of which no word is left, right next to an
 * agreement paragraph of which no word is the template's: one paragraph
 * rewritten. Pairs them (home[ap] = tp), so that the report says
 * "changed" once rather than "removed" and "added". */
static int pair_rewritten(const struct aligner *al, size_t *home)
{
	size_t np = al->t->words.npara, k, e, ap, tp;
	unsigned char *used = calloc(np ? np : 1, 1);

	if (!used)
		return -1;
	for (k = 0; k < al->nops; k++)
		if (al->ops[k].kind == OP_SAME || al->ops[k].kind == OP_FIELD)
			used[tpara(al, al->ops[k].ti)] = 1;
	for (k = 0; k < al->nops; k = e) {
		e = k + 1;
		if (al->ops[k].kind != OP_INS)
			continue;
		ap = al->aw->w[al->ops[k].wi].para;
		while (is_ins_of(al, e, ap))
			e++;
		if (home[ap] != NONE)
			continue;
		if (k > 0 && al->ops[k - 1].kind == OP_DEL &&
		    !used[tp = tpara(al, al->ops[k - 1].ti)])
			home[ap] = tp, used[tp] = 1;
		else if (e < al->nops && al->ops[e].kind == OP_DEL &&
		         !used[tp = tpara(al, al->ops[e].ti)])
			home[ap] = tp, used[tp] = 1;
	}
	free(used);
	return 0;
}

/* Groups: 2p for template paragraph p, 2p + 1 for agreement paragraph p
 * that no template paragraph holds. An added word joins the template
 * paragraph that kept words of its agreement paragraph, if any. */
static int assign_groups(struct aligner *al)
{
	size_t *home = malloc((al->aw->npara + 1) * sizeof(*home)), k, ap;

	if (!home)
		return -1;
	for (k = 0; k < al->aw->npara; k++)
		home[k] = NONE;
	for (k = 0; k < al->nops; k++) {
		struct op *o = &al->ops[k];

		if (o->kind != OP_SAME && o->kind != OP_FIELD)
			continue;
		ap = al->aw->w[o->wi].para;
		if (home[ap] == NONE)
			home[ap] = tpara(al, o->ti);
	}
	if (pair_rewritten(al, home) != 0) {
		free(home);
		return -1;
	}
	for (k = 0; k < al->nops; k++) {
		struct op *o = &al->ops[k];

		if (o->kind != OP_INS) {
			o->group = 2 * tpara(al, o->ti);
			continue;
		}
		ap = al->aw->w[o->wi].para;
		o->group = home[ap] != NONE ? 2 * home[ap] : 2 * ap + 1;
	}
	free(home);
	return 0;
}

static enum ags_template_seg_op seg_op(enum op_kind k)
{
	switch (k) {
	case OP_FIELD: return AGS_TEMPLATE_FIELD;
	case OP_DEL: return AGS_TEMPLATE_DELETED;
	case OP_INS: return AGS_TEMPLATE_INSERTED;
	default: return AGS_TEMPLATE_SAME;
	}
}

/* Appends the word of o to the segments of d, joining the last segment
 * when it has the same kind. */
static int add_seg(struct ags_template_diff *d, size_t *cap,
                   const struct aligner *al, const struct op *o)
{
	const struct ags_tpl_words *ws =
	        o->kind == OP_DEL ? &al->t->words : al->aw;
	const struct ags_tpl_word *w =
	        &ws->w[o->kind == OP_DEL ? al->t->tok[o->ti].word : o->wi];
	const char *word = ws->text + w->off;
	enum ags_template_seg_op op = seg_op(o->kind);
	struct ags_template_seg *s;
	size_t old;
	char *p;
	void *q;

	if (d->nsegs && d->segs[d->nsegs - 1].op == op) {
		s = &d->segs[d->nsegs - 1];
		old = strlen(s->text);
		if (!(p = realloc(s->text, old + w->len + 2)))
			return -1;
		p[old] = ' ';
		memcpy(p + old + 1, word, w->len);
		p[old + 1 + w->len] = '\0';
		s->text = p;
		return 0;
	}
	if (d->nsegs == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		if (!(q = realloc(d->segs, *cap * sizeof(*d->segs))))
			return -1;
		d->segs = q;
	}
	s = &d->segs[d->nsegs];
	s->op = op;
	if (!(s->text = ags_strndup(word, w->len)))
		return -1;
	d->nsegs++;
	return 0;
}

/* Builds the report of group g, whose first operation is ops[first]. */
static int build_diff(struct ags_template_diff *d, const struct aligner *al,
                      size_t g, size_t first)
{
	const struct ags_template *t = al->t;
	size_t k, cap = 0, ap = NONE;
	int kept = 0; /* a word of both, or a word added: not just removed */

	for (k = first; k < al->nops; k++) {
		const struct op *o = &al->ops[k];

		if (o->group != g || o->kind == OP_SKIP)
			continue;
		if (o->kind != OP_DEL && ap == NONE)
			ap = al->aw->w[o->wi].para;
		kept |= o->kind != OP_DEL;
		if (add_seg(d, &cap, al, o) != 0)
			return -1;
	}
	if (g % 2) {
		d->kind = AGS_TEMPLATE_ADDED;
	} else {
		d->kind = kept ? AGS_TEMPLATE_CHANGED : AGS_TEMPLATE_REMOVED;
		d->template_paragraph = g / 2 + 1;
		d->template_line = t->words.w[t->words.para_first[g / 2]].line;
	}
	if (ap != NONE) {
		d->agreement_paragraph = ap + 1;
		d->agreement_line = al->aw->w[al->aw->para_first[ap]].line;
		d->first_words = ags_tpl_first_words(al->aw, ap);
	} else {
		d->first_words = ags_tpl_first_words(&t->words, g / 2);
	}
	return d->first_words ? 0 : -1;
}

static int changed(const struct aligner *al, size_t g, size_t first)
{
	size_t k;

	for (k = first; k < al->nops; k++)
		if (al->ops[k].group == g &&
		    (al->ops[k].kind == OP_DEL || al->ops[k].kind == OP_INS))
			return 1;
	return 0;
}

/* One report per group with a removed or added word, in text order. */
static int report(struct ags_template_match *m, const struct aligner *al)
{
	size_t ngroups = 2 * (al->t->words.npara + al->aw->npara) + 2, k, g;
	unsigned char *seen = calloc(ngroups, 1);
	int rc = 0;

	if (!seen)
		return -1;
	for (k = 0; rc == 0 && k < al->nops; k++) {
		g = al->ops[k].group;
		if (seen[g])
			continue;
		seen[g] = 1;
		if (!changed(al, g, k))
			continue;
		if (m->ndiffs == DIFF_MAX) {
			ags_bounded(
			        m->problem, sizeof(m->problem),
			        "more than %u paragraphs differ; the first %u "
			        "are shown",
			        DIFF_MAX, DIFF_MAX);
			break;
		}
		rc = build_diff(&m->diffs[m->ndiffs], al, g, k);
		m->ndiffs++; /* counted even when half built: released whole */
	}
	free(seen);
	return rc;
}

/* Texts too long for the table: one report at the place where the
 * matcher stopped getting further. */
static enum ags_err too_long(struct ags_template_match *m,
                             const struct ags_template *t,
                             const struct ags_tpl_words *aw, size_t far_tok,
                             size_t far_word)
{
	struct ags_template_diff *d = &m->diffs[0];
	size_t tp = far_tok < t->ntok ? t->words.w[t->tok[far_tok].word].para
	                              : t->words.npara - 1;

	m->ndiffs = 1;
	d->kind = AGS_TEMPLATE_CHANGED;
	d->template_paragraph = tp + 1;
	d->template_line = t->words.w[t->words.para_first[tp]].line;
	if (far_word < aw->n) {
		d->agreement_paragraph = aw->w[far_word].para + 1;
		d->agreement_line =
		        aw->w[aw->para_first[aw->w[far_word].para]].line;
		d->first_words = ags_tpl_first_words(aw, aw->w[far_word].para);
	} else {
		d->first_words = ags_tpl_first_words(&t->words, tp);
	}
	if (!m->problem[0])
		ags_bounded(
		        m->problem, sizeof(m->problem),
		        "the texts are too long to compare word by word; the "
		        "first difference is in template paragraph %zu",
		        tp + 1);
	return d->first_words ? AGS_OK : AGS_ERR_NOMEM;
}

/* Allocates the table and what filling it needs. Returns 0, or -1 when
 * out of memory. */
static int aligner_init(struct aligner *al)
{
	size_t n = al->aw->n, i;

	for (i = 0; i < al->t->ntok; i++)
		if (al->t->tok[i].field >= 0)
			al->ftok[al->nf++] = i;
	al->dir = malloc((al->t->ntok + 1) * (n + 1));
	al->pre = malloc((n + 1) * sizeof(*al->pre));
	al->dq = malloc((n + 1) * sizeof(*al->dq));
	al->flen = calloc(al->nf * (n + 1) + 1, sizeof(*al->flen));
	al->ops = malloc((al->t->ntok + n + 1) * sizeof(*al->ops));
	if (!al->dir || !al->pre || !al->dq || !al->flen || !al->ops)
		return -1;
	al->pre[0] = 0;
	for (i = 0; i < n; i++)
		al->pre[i + 1] = al->pre[i] + (uint32_t)al->aw->w[i].len + 1;
	return 0;
}

enum ags_err ags_tpl_diff(struct ags_template_match *m,
                          const struct ags_template *t,
                          const struct ags_tpl_words *aw, size_t far_tok,
                          size_t far_word)
{
	struct aligner al = {.t = t, .aw = aw};
	size_t most = (t->words.npara + aw->npara < DIFF_MAX
	                       ? t->words.npara + aw->npara
	                       : DIFF_MAX) +
	              1;
	int rc = -1;

	m->diffs = calloc(most, sizeof(*m->diffs));
	if (!m->diffs)
		return AGS_ERR_NOMEM;
	if (aw->n > 0 && (t->ntok + 1 > DIFF_CELLS_MAX / (aw->n + 1)))
		return too_long(m, t, aw, far_tok, far_word);
	if (aligner_init(&al) == 0 && fill(&al) == 0) {
		trace(&al);
		if (assign_groups(&al) == 0)
			rc = report(m, &al);
	}
	free(al.dir);
	free(al.pre);
	free(al.dq);
	free(al.flen);
	free(al.ops);
	return rc == 0 ? AGS_OK : AGS_ERR_NOMEM;
}
