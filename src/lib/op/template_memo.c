/* What the template matcher remembers (spec/templates.md, "Matching"):
 * the states that failed, and the sets of values of repeated fields that
 * such a state depends on, each interned once under a small number. */
#include "template_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Failed states: key + 1 in an open-addressing set (0 is empty).
 */

static size_t memo_pos(const struct ags_tpl_memo *m, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (m->cap - 1);
}

int ags_tpl_memo_has(const struct ags_tpl_memo *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return 0;
	for (i = memo_pos(m, key); m->slot[i]; i = (i + 1) & (m->cap - 1))
		if (m->slot[i] == key + 1)
			return 1;
	return 0;
}

static void memo_put(struct ags_tpl_memo *m, uint64_t key)
{
	size_t i;

	for (i = memo_pos(m, key); m->slot[i]; i = (i + 1) & (m->cap - 1))
		;
	m->slot[i] = key + 1;
	m->n++;
}

int ags_tpl_memo_add(struct ags_tpl_memo *m, uint64_t key)
{
	struct ags_tpl_memo big;
	size_t i;

	if (m->n >= AGS_TPL_MEMO_MAX)
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

void ags_tpl_memo_release(struct ags_tpl_memo *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------------------
 * Contexts: vectors of word numbers, stored end to end in pool; slot
 * holds id + 1 of the context hashed there (0 is empty).
 */

static uint64_t hash(const uint32_t *v, size_t n)
{
	uint64_t h = 0xCBF29CE484222325ull ^ n;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ v[i]) * 0x100000001B3ull;
	return h ^ (h >> 29);
}

static int same(const struct ags_tpl_ctxs *c, uint32_t id, const uint32_t *v,
                size_t n)
{
	return c->len[id] == n &&
	       (n == 0 || memcmp(c->pool + c->off[id], v, n * sizeof(*v)) == 0);
}

static void slot_put(uint32_t *slot, size_t cap, uint64_t h, uint32_t id)
{
	size_t i;

	for (i = (size_t)h & (cap - 1); slot[i]; i = (i + 1) & (cap - 1))
		;
	slot[i] = id + 1;
}

/* Room for one more context of n numbers. */
static int ctx_grow(struct ags_tpl_ctxs *c, size_t n)
{
	size_t cap, i;
	uint32_t *s;
	void *p;

	if (c->npool + n > c->poolcap) {
		cap = c->poolcap ? 2 * c->poolcap : 256;
		while (cap < c->npool + n)
			cap *= 2;
		if (!(p = realloc(c->pool, cap * sizeof(*c->pool))))
			return -1;
		c->pool = p;
		c->poolcap = cap;
	}
	if (c->n == c->idcap) {
		cap = c->idcap ? 2 * c->idcap : 64;
		if (!(p = realloc(c->off, cap * sizeof(*c->off))))
			return -1;
		c->off = p;
		if (!(p = realloc(c->len, cap * sizeof(*c->len))))
			return -1;
		c->len = p;
		c->idcap = cap;
	}
	if (2 * (c->n + 1) <= c->cap)
		return 0;
	cap = c->cap ? 2 * c->cap : 128;
	if (!(s = calloc(cap, sizeof(*s))))
		return -1;
	for (i = 0; i < c->n; i++)
		slot_put(s, cap, hash(c->pool + c->off[i], c->len[i]),
		         (uint32_t)i);
	free(c->slot);
	c->slot = s;
	c->cap = cap;
	return 0;
}

int ags_tpl_ctx_intern(struct ags_tpl_ctxs *c, const uint32_t *v, size_t n,
                       uint32_t *id)
{
	uint64_t h = hash(v, n);
	size_t i;

	for (i = c->cap ? (size_t)h & (c->cap - 1) : 0; c->cap && c->slot[i];
	     i = (i + 1) & (c->cap - 1))
		if (same(c, c->slot[i] - 1, v, n)) {
			*id = c->slot[i] - 1;
			return 0;
		}
	if (c->n >= AGS_TPL_CTX_MAX) {
		*id = AGS_TPL_CTX_NONE;
		return 0;
	}
	if (ctx_grow(c, n) != 0)
		return -1;
	if (n)
		memcpy(c->pool + c->npool, v, n * sizeof(*v));
	c->off[c->n] = c->npool;
	c->len[c->n] = n;
	c->npool += n;
	slot_put(c->slot, c->cap, h, (uint32_t)c->n);
	*id = (uint32_t)c->n++;
	return 0;
}

void ags_tpl_ctxs_release(struct ags_tpl_ctxs *c)
{
	free(c->pool);
	free(c->off);
	free(c->len);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}
