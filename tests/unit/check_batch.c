/* The batch runner (src/batch.c): every entry is handed on once, in input
 * order, with the verdict of its own verification, whatever the number of
 * worker threads and the size of the window; ags_batch_run_lines gives
 * the text of exactly the results ags_batch_run gives (the test writes
 * those with jansson's json_dumps, the runner with src/json_write.c: the
 * two writers are compared here too). The entries mix good, changed,
 * missing, malformed and bad-line cases from the spec vectors (the tests
 * run in tests/). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"

#define VEC    "../spec/vectors/"
#define NITEMS 203 /* not a multiple of any window used */
#define NKINDS 5

/* What entry i is, and the verdict it must get (0 verified, 1 not, 2
 * error). */
static const struct kind {
	const char *agreement, *envelope, *bad_line;
	int verdict;
} kinds[NKINDS] = {
        {VEC "agreements/sample-agreement.txt", VEC "envelopes/signed.sig.json",
         NULL, 0},
        {VEC "agreements/sample-agreement-changed.txt",
         VEC "envelopes/signed.sig.json", NULL, 1},
        {NULL, NULL, "manifest line must be a JSON object", 2},
        {VEC "agreements/no-such-file.txt", VEC "envelopes/signed.sig.json",
         NULL, 2},
        {VEC "agreements/sample-agreement.txt",
         VEC "envelopes/truncated.sig.json", NULL, 2},
};

struct feed {
	size_t next, stop_at; /* stop_at: next() fails there (0: never) */
	size_t nseen;
	size_t lines[NITEMS];
	int verdicts[NITEMS];
	char *texts[NITEMS];
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int next_item(struct ags_batch_item *it, void *ctx)
{
	struct feed *f = ctx;
	const struct kind *k;

	if (f->stop_at && f->next == f->stop_at)
		return -1;
	if (f->next == NITEMS)
		return 0;
	k = &kinds[(f->next * 7) % NKINDS]; /* kinds interleaved unevenly */
	it->line = ++f->next;
	it->agreement = dup_or_null(k->agreement);
	it->envelope = dup_or_null(k->envelope);
	it->error = dup_or_null(k->bad_line);
	return 1;
}

static void record(struct feed *f, const struct ags_batch_item *it, char *text,
                   int verdict)
{
	ck_assert_uint_lt(f->nseen, NITEMS);
	f->lines[f->nseen] = it->line;
	f->verdicts[f->nseen] = verdict;
	f->texts[f->nseen] = text;
	f->nseen++;
}

static void emit_json(const struct ags_batch_item *it, json_t *result,
                      int verdict, void *ctx)
{
	ck_assert_ptr_nonnull(result);
	record(ctx, it, json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS),
	       verdict);
}

static void emit_line(const struct ags_batch_item *it, const char *line,
                      int verdict, void *ctx)
{
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_null(strchr(line, '\n'));
	record(ctx, it, strdup(line), verdict);
}

static void feed_free(struct feed *f)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		free(f->texts[i]);
}

static enum ags_err run(struct feed *f, int lines, unsigned jobs, size_t window,
                        const struct ags_trust *trust)
{
	struct ags_batch_config cfg = {jobs, window, trust, NULL, NULL};
	struct ags_error err = {0};

	memset(f, 0, sizeof(*f));
	return lines ? ags_batch_run_lines(&cfg, next_item, emit_line, f, &err)
	             : ags_batch_run(&cfg, next_item, emit_json, f, &err);
}

static void load_trust(struct ags_trust *t)
{
	struct ags_error err = {0};

	ck_assert_int_eq(ags_trust_load(t, VEC "trust/demo.trust", &err),
	                 AGS_OK);
}

/* The reference: one worker, results serialized by the test. */
static struct feed ref;

static void make_reference(const struct ags_trust *t)
{
	size_t i;

	ck_assert_int_eq(run(&ref, 0, 1, 0, t), AGS_OK);
	ck_assert_uint_eq(ref.nseen, NITEMS);
	for (i = 0; i < NITEMS; i++) {
		ck_assert_uint_eq(ref.lines[i], i + 1);
		ck_assert_int_eq(ref.verdicts[i],
		                 kinds[(i * 7) % NKINDS].verdict);
		ck_assert_ptr_nonnull(ref.texts[i]);
	}
	/* the verdicts are those the results say */
	ck_assert_ptr_nonnull(strstr(ref.texts[0], "\"result\":\"verified\""));
	ck_assert_ptr_nonnull(
	        strstr(ref.texts[3], "\"result\":\"not-verified\""));
	ck_assert_ptr_nonnull(strstr(ref.texts[1], "\"result\":\"error\""));
}

static void assert_same_as_reference(const struct feed *f, const char *what)
{
	size_t i;

	ck_assert_msg(f->nseen == NITEMS, "%s: %zu results", what, f->nseen);
	for (i = 0; i < NITEMS; i++) {
		ck_assert_msg(f->lines[i] == i + 1,
		              "%s: result %zu is line %zu", what, i + 1,
		              f->lines[i]);
		ck_assert_msg(f->verdicts[i] == ref.verdicts[i] &&
		                      strcmp(f->texts[i], ref.texts[i]) == 0,
		              "%s: result %zu differs", what, i + 1);
	}
}

START_TEST(test_same_results_any_jobs_window)
{
	static const unsigned jobs[] = {1, 2, 3, 4};
	static const size_t windows[] = {1, 2, 3, 7, 0};
	struct ags_trust t;
	struct feed f;
	char what[64];
	size_t j, w;
	int lines;

	load_trust(&t);
	make_reference(&t);
	for (lines = 0; lines <= 1; lines++)
		for (j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++)
			for (w = 0; w < sizeof(windows) / sizeof(windows[0]);
			     w++) {
				snprintf(what, sizeof(what),
				         "%s, %u jobs, window %zu",
				         lines ? "lines" : "json", jobs[j],
				         windows[w]);
				ck_assert_int_eq(
				        run(&f, lines, jobs[j], windows[w], &t),
				        AGS_OK);
				assert_same_as_reference(&f, what);
				feed_free(&f);
			}
	feed_free(&ref);
	ags_trust_release(&t);
}
END_TEST

/* A failing input ends the run with AGS_ERR_IO, after every entry read
 * before the failure has been handed on, in order. */
START_TEST(test_input_failure)
{
	struct ags_trust t;
	struct feed f;
	size_t i;
	int lines;

	load_trust(&t);
	for (lines = 0; lines <= 1; lines++) {
		memset(&f, 0, sizeof(f));
		f.stop_at = 57;
		{
			struct ags_batch_config cfg = {2, 8, &t, NULL, NULL};
			struct ags_error err = {0};
			enum ags_err rc =
			        lines ? ags_batch_run_lines(&cfg, next_item,
			                                    emit_line, &f, &err)
			              : ags_batch_run(&cfg, next_item,
			                              emit_json, &f, &err);
			ck_assert_int_eq(rc, AGS_ERR_IO);
		}
		ck_assert_uint_eq(f.nseen, 57);
		for (i = 0; i < f.nseen; i++)
			ck_assert_uint_eq(f.lines[i], i + 1);
		feed_free(&f);
	}
	ags_trust_release(&t);
}
END_TEST

/* No jobs is a caller's error, reported, not a hang. */
START_TEST(test_zero_jobs)
{
	struct ags_batch_config cfg = {0, 0, NULL, NULL, NULL};
	struct ags_error err = {0};
	struct feed f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(
	        ags_batch_run_lines(&cfg, next_item, emit_line, &f, &err),
	        AGS_ERR_INVALID);
	ck_assert_uint_eq(f.nseen, 0);
	ck_assert_str_ne(err.text, "");
}
END_TEST

Suite *batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("order");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_results_any_jobs_window);
	tcase_add_test(tc, test_input_failure);
	tcase_add_test(tc, test_zero_jobs);
	suite_add_tcase(s, tc);
	return s;
}
