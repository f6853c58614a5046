/* The batch runner: a window of entries in flight, worker threads that
 * verify them in any order, and the calling thread that reads the input
 * and hands results on strictly in input order. Memory is bounded by the
 * window, whatever the number of entries. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum slot_state { SLOT_EMPTY, SLOT_READY, SLOT_DONE };

struct slot {
	struct ags_batch_item item;
	json_t *result;
	char *line; /* result as text, in line mode */
	int verdict;
	enum slot_state state;
};

struct runner {
	const struct ags_batch_config *cfg;
	ags_batch_emit_fn emit;      /* one of these two is set */
	ags_batch_line_fn emit_line; /* line mode: text made on the workers */
	void *ctx;
	struct slot *slots;
	size_t window;
	size_t filled;  /* entries read so far */
	size_t claimed; /* entries a worker has taken */
	size_t emitted; /* entries handed to emit() */
	size_t ndone;   /* entries verified */
	size_t wake_at; /* wake the reader when ndone reaches this */
	int stop;       /* workers may exit */
	pthread_mutex_t mu;
	pthread_cond_t work; /* an entry is ready, or stop */
	pthread_cond_t done; /* an entry is done */
};

static void *worker(void *arg)
{
	struct runner *r = arg;
	struct slot *s;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->claimed == r->filled && !r->stop)
			pthread_cond_wait(&r->work, &r->mu);
		if (r->claimed == r->filled)
			break;
		s = &r->slots[r->claimed++ % r->window];
		pthread_mutex_unlock(&r->mu);
		/* The slot's last result was emitted; it is freed here, not on
		 * the reader's thread, which every result goes through (and a
		 * free is cheaper on the thread that allocated). */
		json_decref(s->result);
		free(s->line);
		s->line = NULL;
		s->result = NULL;
		/* In line mode the text is made here, in parallel, rather
		 * than on the one thread that every result goes through. */
		if (r->emit_line)
			s->line = ags_verify_item_line(
			        &s->verdict, &s->item, r->cfg->trust,
			        r->cfg->policy, r->cfg->attach_dir);
		else
			s->result = ags_verify_item(
			        &s->verdict, &s->item, r->cfg->trust,
			        r->cfg->policy, r->cfg->attach_dir);
		pthread_mutex_lock(&r->mu);
		s->state = SLOT_DONE;
		/* Waking the reader costs a system call and a context switch:
		 * once per batch of results, not once per entry. */
		if (++r->ndone >= r->wake_at)
			pthread_cond_broadcast(&r->done);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Hands on every finished entry at the head of the window, in order.
 * Called with the lock held; emit() runs without it. */
static void emit_ready(struct runner *r)
{
	struct slot *s;

	while (r->emitted < r->filled &&
	       (s = &r->slots[r->emitted % r->window])->state == SLOT_DONE) {
		pthread_mutex_unlock(&r->mu);
		if (r->emit_line)
			r->emit_line(&s->item, s->line, s->verdict, r->ctx);
		else
			r->emit(&s->item, s->result, s->verdict, r->ctx);
		ags_batch_item_release(&s->item);
		pthread_mutex_lock(&r->mu);
		/* the next worker here frees s->result and s->line */
		s->state = SLOT_EMPTY;
		r->emitted++;
	}
}

/* Reads entries into free slots while the window has room. Returns 1 at
 * the end of input, -1 when next() failed, 0 otherwise. Lock held. */
static int fill(struct runner *r, ags_batch_next_fn next, void *ctx)
{
	while (r->filled - r->emitted < r->window) {
		struct slot *s = &r->slots[r->filled % r->window];
		int got;
		pthread_mutex_unlock(&r->mu);
		memset(&s->item, 0, sizeof(s->item));
		got = next(&s->item, ctx);
		pthread_mutex_lock(&r->mu);
		if (got <= 0)
			return got < 0 ? -1 : 1;
		s->state = SLOT_READY;
		r->filled++;
		pthread_cond_signal(&r->work);
	}
	return 0;
}

static int drive(struct runner *r, ags_batch_next_fn next, void *ctx)
{
	int end = 0;

	pthread_mutex_lock(&r->mu);
	while (!end || r->emitted < r->filled) {
		if (!end)
			end = fill(r, next, ctx);
		emit_ready(r);
		if (r->emitted < r->filled &&
		    (end || r->filled - r->emitted == r->window) &&
		    r->slots[r->emitted % r->window].state != SLOT_DONE) {
			/* Sleep until a quarter of the window more is done, or
			 * all that is left when fewer: the head is one of the
			 * unfinished entries, so wake_at is always reached. */
			size_t batch = r->window / 4 ? r->window / 4 : 1;
			size_t left = r->filled - r->ndone;
			r->wake_at = r->ndone + (left < batch ? left : batch);
			pthread_cond_wait(&r->done, &r->mu);
		}
	}
	r->stop = 1;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->mu);
	return end;
}

static enum ags_err start(struct runner *r, pthread_t *threads,
                          unsigned *started, struct ags_error *err)
{
	for (*started = 0; *started < r->cfg->jobs; (*started)++)
		if (pthread_create(&threads[*started], NULL, worker, r) != 0)
			break;
	if (*started == 0)
		return ags_error_set(err, AGS_ERR_NOMEM, "", 0, 0,
		                     "cannot start a worker thread");
	return AGS_OK;
}

static enum ags_err run(const struct ags_batch_config *cfg,
                        ags_batch_next_fn next, ags_batch_emit_fn emit,
                        ags_batch_line_fn emit_line, void *ctx,
                        struct ags_error *err)
{
	struct runner r;
	pthread_t *threads;
	unsigned started = 0, i;
	size_t k;
	enum ags_err rc;
	int end = 0;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.emit = emit;
	r.emit_line = emit_line;
	r.ctx = ctx;
	r.window =
	        cfg->window ? cfg->window : 64u * (cfg->jobs ? cfg->jobs : 1);
	r.slots = calloc(r.window, sizeof(*r.slots));
	threads = calloc(cfg->jobs ? cfg->jobs : 1, sizeof(*threads));
	if (!r.slots || !threads || cfg->jobs == 0) {
		free(r.slots);
		free(threads);
		return ags_error_set(err, AGS_ERR_INVALID, "", 0, 0,
		                     "cannot set up %u jobs", cfg->jobs);
	}
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.work, NULL);
	pthread_cond_init(&r.done, NULL);
	rc = start(&r, threads, &started, err);
	if (rc == AGS_OK)
		end = drive(&r, next, ctx);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (k = 0; k < r.window; k++) { /* emitted, not yet freed */
		json_decref(r.slots[k].result);
		free(r.slots[k].line);
	}
	pthread_cond_destroy(&r.done);
	pthread_cond_destroy(&r.work);
	pthread_mutex_destroy(&r.mu);
	free(r.slots);
	free(threads);
	if (rc == AGS_OK && end < 0)
		rc = ags_error_set(err, AGS_ERR_IO, "", 0, 0,
		                   "reading the manifest failed");
	return rc;
}

enum ags_err ags_batch_run(const struct ags_batch_config *cfg,
                           ags_batch_next_fn next, ags_batch_emit_fn emit,
                           void *ctx, struct ags_error *err)
{
	return run(cfg, next, emit, NULL, ctx, err);
}

enum ags_err ags_batch_run_lines(const struct ags_batch_config *cfg,
                                 ags_batch_next_fn next, ags_batch_line_fn emit,
                                 void *ctx, struct ags_error *err)
{
	return run(cfg, next, NULL, emit, ctx, err);
}
