/* The Ed25519 checks of an import's keys (spec §5.3 rules 3-6), on worker
 * threads: about 40 us a key, which for a million keys is most of the
 * import if the reading thread makes them itself. The reader hands keys
 * on in chunks and goes on parsing and inserting; the workers keep the
 * first (lowest) line whose key fails. The import is one transaction, so
 * a key inserted before its check is harmless: a failure rolls it all
 * back, and the error names the first failing line in file order,
 * whatever the number of threads. */
#include "trust_db.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Checks the keys of c in order; lowers *bad to the first failing line. */
static void check_chunk(const struct ags_key_chunk *c, long *bad)
{
	size_t i;

	/* Lines increase within a chunk: the first failure is the lowest. */
	for (i = 0; i < c->n; i++)
		if (!ags_public_key_valid(c->pk[i])) {
			if (c->line[i] < *bad)
				*bad = c->line[i];
			return;
		}
}

static void *worker(void *arg)
{
	struct ags_key_check *k = arg;
	struct ags_key_chunk *c = malloc(sizeof(*c));
	long bad = LONG_MAX;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (k->taken == k->filled && !k->stop)
			pthread_cond_wait(&k->more, &k->mu);
		if (k->taken == k->filled)
			break;
		if (!c) { /* no memory for a copy: check in place, locked */
			check_chunk(&k->ring[k->taken % k->cap], &bad);
			k->taken++;
		} else {
			memcpy(c, &k->ring[k->taken++ % k->cap], sizeof(*c));
			pthread_cond_signal(&k->room);
			pthread_mutex_unlock(&k->mu);
			check_chunk(c, &bad);
			pthread_mutex_lock(&k->mu);
		}
		if (bad < k->bad)
			k->bad = bad;
		pthread_cond_signal(&k->room);
	}
	pthread_mutex_unlock(&k->mu);
	free(c);
	return NULL;
}

void ags_key_check_start(struct ags_key_check *k, unsigned jobs)
{
	memset(k, 0, sizeof(*k));
	k->bad = LONG_MAX;
	if (jobs == 0)
		return; /* checks made by the caller's thread */
	/* Two chunks a worker keeps every worker busy while the reader
	 * fills the next; memory stays a few hundred KiB. */
	k->cap = 2 * (size_t)jobs;
	k->ring = calloc(k->cap, sizeof(*k->ring));
	k->threads = calloc(jobs, sizeof(*k->threads));
	if (!k->ring || !k->threads) {
		free(k->ring);
		free(k->threads);
		memset(k, 0, sizeof(*k));
		k->bad = LONG_MAX;
		return; /* the caller's thread does it all */
	}
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->more, NULL);
	pthread_cond_init(&k->room, NULL);
	for (; k->started < jobs; k->started++)
		if (pthread_create(&k->threads[k->started], NULL, worker, k))
			break;
}

/* Hands the caller's chunk to the workers (or checks it here when there
 * are none), waiting for room in the ring. */
static void flush(struct ags_key_check *k)
{
	if (k->cur.n == 0)
		return;
	if (k->started == 0) {
		check_chunk(&k->cur, &k->bad);
	} else {
		pthread_mutex_lock(&k->mu);
		while (k->filled - k->taken == k->cap)
			pthread_cond_wait(&k->room, &k->mu);
		memcpy(&k->ring[k->filled++ % k->cap], &k->cur, sizeof(k->cur));
		pthread_cond_signal(&k->more);
		pthread_mutex_unlock(&k->mu);
	}
	k->cur.n = 0;
}

int ags_key_check_push(struct ags_key_check *k, const uint8_t *pk, long line)
{
	long bad;

	memcpy(k->cur.pk[k->cur.n], pk, AGS_PUBLICKEY_BYTES);
	k->cur.line[k->cur.n++] = line;
	if (k->cur.n < AGS_KEY_CHUNK)
		return 0;
	flush(k);
	if (k->started == 0)
		return k->bad != LONG_MAX;
	pthread_mutex_lock(&k->mu);
	bad = k->bad;
	pthread_mutex_unlock(&k->mu);
	return bad != LONG_MAX;
}

long ags_key_check_finish(struct ags_key_check *k)
{
	unsigned i;

	flush(k);
	if (k->started == 0 && !k->threads)
		return k->bad == LONG_MAX ? 0 : k->bad;
	pthread_mutex_lock(&k->mu);
	k->stop = 1;
	pthread_cond_broadcast(&k->more);
	pthread_mutex_unlock(&k->mu);
	for (i = 0; i < k->started; i++)
		pthread_join(k->threads[i], NULL);
	pthread_cond_destroy(&k->room);
	pthread_cond_destroy(&k->more);
	pthread_mutex_destroy(&k->mu);
	free(k->ring);
	free(k->threads);
	k->ring = NULL;
	k->threads = NULL;
	k->started = 0;
	return k->bad == LONG_MAX ? 0 : k->bad;
}
