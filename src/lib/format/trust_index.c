/* The keys of a text trust file, sorted for lookups, and each key's
 * Ed25519 checks (spec §5.3 rules 3-6) made when it is first looked up
 * instead of at every load: the check costs about 40 us, as much as a
 * verification, and a verify uses one or two keys of a file that may list
 * a hundred thousand. The result is kept, so each key is checked once per
 * load; a key that fails makes its lookup an error (spec §9.1). Lookups
 * go through a hash table: a load is linear in the file's size. */
#include "trust_internal.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sched.h>

/* CHECKING: one thread is checking the key (and making its id). */
enum { UNCHECKED, CHECKING, GOOD, BAD };

struct ags_trust_index {
	/* Open addressing: a slot holds 1 + the entry's place in t->entries
	 * in its low 32 bits (0: free) and 32 bits of the key's hash above,
	 * compared before the entry is read: the entries are spread over
	 * megabytes, and reading one is a cache miss. nslots is a power of
	 * two, at least twice t->n. */
	uint64_t *slots;
	size_t nslots;
	/* SipHash's key, random per load: the keys of a file are not
	 * checked before a lookup, so a hostile file could choose them to
	 * land in one slot and make each insertion a walk over all. */
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	/* The check's result per entry (by its place in t->entries):
	 * written by whichever lookup comes first, also from the batch
	 * verifier's threads; a race only makes two threads check. */
	atomic_uchar *state;
	char *source; /* the file, for the error of a bad key */
};

void ags_trust_index_free(struct ags_trust_index *ix)
{
	if (!ix)
		return;
	free(ix->slots);
	free(ix->state);
	free(ix->source);
	free(ix);
}

static uint64_t hash_of(const struct ags_trust_index *ix, const uint8_t *pk)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, pk, AGS_PUBLICKEY_BYTES, ix->hash_key);
	memcpy(&v, h, sizeof(v));
	return v;
}

#define TAG(h)   ((h)&0xffffffff00000000u)
#define ENTRY(s) ((size_t)((s)&0xffffffffu))

/* The slot of pk's entry in t, or the free slot where it would go; *h
 * is the key's hash. */
static size_t probe(const struct ags_trust *t, const uint8_t *pk, uint64_t *h)
{
	const struct ags_trust_index *ix = t->index;
	size_t i;
	uint64_t s;

	*h = hash_of(ix, pk);
	for (i = (size_t)(*h & (ix->nslots - 1)); (s = ix->slots[i]) != 0;
	     i = (i + 1) & (ix->nslots - 1))
		if (TAG(s) == TAG(*h) && memcmp(t->entries[ENTRY(s) - 1].pk, pk,
		                                AGS_PUBLICKEY_BYTES) == 0)
			break;
	return i;
}

static struct ags_trust_index *index_new(size_t n, const char *source)
{
	struct ags_trust_index *ix = calloc(1, sizeof(*ix));
	size_t i;

	if (!ix)
		return NULL;
	for (ix->nslots = 16; ix->nslots < 2 * n; ix->nslots *= 2)
		;
	ix->slots = calloc(ix->nslots, sizeof(*ix->slots));
	ix->state = calloc(n ? n : 1, sizeof(*ix->state));
	ix->source = strdup(source ? source : "");
	if (!ix->slots || !ix->state || !ix->source) {
		ags_trust_index_free(ix);
		return NULL;
	}
	for (i = 0; i < n; i++)
		atomic_init(&ix->state[i], UNCHECKED);
	randombytes_buf(ix->hash_key, sizeof(ix->hash_key));
	return ix;
}

/* Entries go in in file order, so the first that finds its key taken is
 * the first line (in file order) whose key an earlier line lists, and the
 * entry it finds is that earlier line: the error names both (spec §9.1). */
enum ags_err ags_trust_index_build(struct ags_trust *t,
                                   struct ags_trust_cursor *c)
{
	size_t i, s;
	uint64_t h;

	if (t->n >= UINT32_MAX / 2)
		return ags_trust_fail(c, "%s", "too many keys");
	if (!(t->index = index_new(t->n, c->source)))
		return ags_trust_fail(c, "%s", "out of memory");
	for (i = 0; i < t->n; i++) {
		s = probe(t, t->entries[i].pk, &h);
		if (t->index->slots[s] != 0) {
			c->line = t->entries[i].line;
			return ags_trust_fail(
			        c, "key is already listed on line %ld",
			        t->entries[ENTRY(t->index->slots[s]) - 1].line);
		}
		t->index->slots[s] = TAG(h) | (uint64_t)(i + 1);
	}
	return AGS_OK;
}

/* The entry of pk, or NULL. */
static const struct ags_trust_entry *find(const struct ags_trust *t,
                                          const uint8_t *pk)
{
	uint64_t h, s = t->index->slots[probe(t, pk, &h)];

	return s ? &t->entries[ENTRY(s) - 1] : NULL;
}

const struct ags_trust_entry *ags_trust_index_find(const struct ags_trust *t,
                                                   const uint8_t *pk)
{
	return find(t, pk);
}

/* Checks entry e of t once: the first call decides, later ones read.
 * The first also makes the key id when the load left it empty
 * (ags_trust_load_lookup); the release store of the result publishes it
 * to the threads that read the result with acquire. */
static enum ags_err check_once(const struct ags_trust *t,
                               const struct ags_trust_entry *e,
                               struct ags_error *err)
{
	struct ags_trust_entry *me = &t->entries[e - t->entries];
	atomic_uchar *st = &t->index->state[e - t->entries];
	unsigned char s = atomic_load_explicit(st, memory_order_acquire);

	if (s == UNCHECKED && atomic_compare_exchange_strong_explicit(
	                              st, &s, CHECKING, memory_order_acquire,
	                              memory_order_acquire)) {
		if (!me->key_id[0])
			ags_key_id(me->key_id, me->pk);
		s = ags_public_key_valid(e->pk) ? GOOD : BAD;
		atomic_store_explicit(st, s, memory_order_release);
	}
	/* Another thread is checking: about 40 us. */
	while (s == CHECKING) {
		sched_yield();
		s = atomic_load_explicit(st, memory_order_acquire);
	}
	if (s == GOOD)
		return AGS_OK;
	return ags_error_set(err, AGS_ERR_FORMAT, t->index->source, e->line, 0,
	                     "key %s: not a valid Ed25519 public key",
	                     e->key_id);
}

enum ags_err ags_trust_index_lookup(const struct ags_trust *t,
                                    const uint8_t *pk,
                                    const struct ags_trust_entry **out,
                                    struct ags_error *err)
{
	const struct ags_trust_entry *e = find(t, pk);
	enum ags_err rc = e ? check_once(t, e, err) : AGS_OK;

	*out = rc == AGS_OK ? e : NULL;
	return rc;
}

enum ags_err ags_trust_check_keys(const struct ags_trust *t,
                                  struct ags_error *err)
{
	size_t i;
	enum ags_err rc = AGS_OK;

	/* A store's keys are checked as they are read; a .pub's when its
	 * file is. */
	if (!t->index)
		return AGS_OK;
	for (i = 0; i < t->n && rc == AGS_OK; i++)
		rc = check_once(t, &t->entries[i], err);
	return rc;
}
