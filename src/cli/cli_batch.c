/* verify --batch: many agreements from a JSON Lines manifest or a folder,
 * verified on all cores, one JSON result per entry on stdout in input
 * order, a summary (and, on a terminal, a progress bar) on stderr. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct source {
	FILE *f;        /* manifest, or NULL for a folder */
	char *base_dir; /* relative paths resolve here */
	char **paths;   /* folder mode: sorted envelope paths */
	size_t npaths, next_path;
	size_t line;
	char *buf;
	size_t cap;
};

struct progress {
	int show, quiet, stdout_tty;
	size_t total; /* 0 when unknown */
	size_t done, counts[3];
	double start, last_draw;
};

struct batch_ctx {
	struct source src;
	struct progress prog;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The parser refuses longer lines (64 KiB); keeping no more than this
 * bounds memory whatever the manifest holds (a 1 GiB line). */
#define LINE_KEEP (64u * 1024u + 1u)

/* getline() into a buffer of LINE_KEEP bytes: the rest of a longer line
 * is read and dropped. Returns the bytes kept, or -1 at end of input. */
static ssize_t bounded_line(struct source *s)
{
	size_t n = 0;
	int c = 0;

	if (!s->buf && !(s->buf = malloc(LINE_KEEP + 1)))
		return -1;
	s->cap = LINE_KEEP + 1;
	while ((c = getc(s->f)) != EOF) {
		if (n < LINE_KEEP)
			s->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	s->buf[n] = '\0';
	return c == EOF && n == 0 ? -1 : (ssize_t)n;
}

static int next_line(struct ags_batch_item *it, struct source *s)
{
	ssize_t n;

	for (;;) {
		n = bounded_line(s);
		if (n < 0)
			return ferror(s->f) ? -1 : 0;
		s->line++;
		while (n > 0 &&
		       (s->buf[n - 1] == '\n' || s->buf[n - 1] == '\r'))
			n--;
		if (strspn(s->buf, " \t") < (size_t)n)
			break; /* blank lines are not entries */
	}
	it->line = s->line;
	return ags_manifest_parse_line(it, s->buf, (size_t)n, s->base_dir) ==
	                       AGS_OK
	               ? 1
	               : -1;
}

static int next_file(struct ags_batch_item *it, struct source *s)
{
	const char *env;
	size_t n;

	if (s->next_path == s->npaths)
		return 0;
	env = s->paths[s->next_path++];
	n = strlen(env) - strlen(".sig.json");
	it->line = 0; /* a folder has no lines: no "line" member */
	it->envelope = strdup(env);
	it->agreement = malloc(n + 1);
	if (!it->envelope || !it->agreement)
		return -1;
	memcpy(it->agreement, env, n);
	it->agreement[n] = '\0';
	return 1;
}

static int next_item(struct ags_batch_item *it, void *ctx)
{
	struct source *s = &((struct batch_ctx *)ctx)->src;

	return s->f ? next_line(it, s) : next_file(it, s);
}

static void draw(struct progress *p, int final)
{
	double t = now(), rate;
	int width = 30, fill = 0;

	if (!p->show || (!final && t - p->last_draw < 0.1))
		return;
	p->last_draw = t;
	rate = t > p->start ? (double)p->done / (t - p->start) : 0;
	if (p->total) {
		fill = (int)((double)width * (double)p->done /
		             (double)p->total);
		fprintf(stderr,
		        "\r[%.*s%*s] %zu/%zu  %.0f/s  ETA %.0fs  failures %zu ",
		        fill, "##############################", width - fill,
		        "", p->done, p->total, rate,
		        rate > 0 ? (double)(p->total - p->done) / rate : 0.0,
		        p->counts[1] + p->counts[2]);
	} else {
		fprintf(stderr, "\r%zu done  %.0f/s  failures %zu ", p->done,
		        rate, p->counts[1] + p->counts[2]);
	}
	if (final)
		fputc('\n', stderr);
	fflush(stderr); /* stderr is line-buffered: the bar ends in \r */
}

static void emit(const struct ags_batch_item *it, const char *text, int verdict,
                 void *ctx)
{
	struct progress *p = &((struct batch_ctx *)ctx)->prog;

	if (!text)
		verdict = 2;
	if (!p->quiet) {
		if (p->show && p->stdout_tty)
			fputs("\r\033[K", stderr); /* the bar gives way */
		if (text)
			puts(text);
		else if (it->line)
			printf("{\"line\":%zu,\"result\":\"error\",\"reason\":"
			       "\"out of memory\",\"verified\":false}\n",
			       it->line);
		else
			puts("{\"result\":\"error\",\"reason\":"
			     "\"out of memory\",\"verified\":false}");
	}
	p->counts[verdict]++;
	p->done++;
	draw(p, 0);
}

static int add_path(struct source *s, const char *path)
{
	char **grown = realloc(s->paths, (s->npaths + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	s->paths = grown;
	if (!(grown[s->npaths] = strdup(path)))
		return -1;
	s->npaths++;
	return 0;
}

/* Collects every *.sig.json below dir (symbolic links are not followed,
 * so a link loop cannot trap the walk). */
static int walk(struct source *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[4096];
	int rc = 0;
	size_t n;

	if (!d || depth > 64) {
		if (d)
			closedir(d);
		cli_errorf(dir, "cannot read the folder: %s", strerror(errno));
		return -1;
	}
	/* "/" (the only folder whose name ends in a slash here: see
	 * open_source) is not followed by a second one */
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", hidden and temporary files */
		if (snprintf(path, sizeof(path), "%s%s%s", dir, sep,
		             e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		n = strlen(e->d_name);
		if (S_ISDIR(st.st_mode))
			rc = walk(s, path, depth + 1);
		else if (n > 9 && strcmp(e->d_name + n - 9, ".sig.json") == 0)
			rc = add_path(s, path);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Counts the non-blank lines of a manifest file, for the progress bar. */
static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[16384];
	size_t n = 0, got, i;
	int content = 0; /* the current line holds more than blanks */

	if (!f)
		return 0;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < got; i++) {
			if (buf[i] == '\n')
				n += (size_t)content, content = 0;
			else if (buf[i] != ' ' && buf[i] != '\t' &&
			         buf[i] != '\r')
				content = 1;
		}
	fclose(f);
	return n + (size_t)content;
}

/* fopen(path, "r") that does not wait for a FIFO's writer: a FIFO with
 * none reads as empty instead of hanging. */
static FILE *open_manifest(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	FILE *f = NULL;

	if (fd >= 0 && fcntl(fd, F_SETFL, 0) == 0)
		f = fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	return f;
}

static int open_source(struct source *s, const char *manifest, int count,
                       size_t *total)
{
	struct stat st;
	char *copy;

	if (strcmp(manifest, "-") == 0) {
		s->f = stdin;
		s->base_dir = strdup(".");
		return s->base_dir ? 0 : -1;
	}
	if (stat(manifest, &st) != 0) {
		cli_errorf(manifest, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		/* "archive/" names the folder "archive": its entries are
		 * "archive/x", not "archive//x" */
		size_t n = strlen(manifest);
		int walked;
		while (n > 1 && manifest[n - 1] == '/')
			n--;
		if (!(copy = strndup(manifest, n)))
			return -1;
		walked = walk(s, copy, 0);
		free(copy);
		if (walked != 0)
			return -1;
		qsort(s->paths, s->npaths, sizeof(*s->paths), cmp_str);
		*total = s->npaths;
		return 0;
	}
	/* A device (/dev/zero) is no manifest; a FIFO may be one. */
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
	    S_ISSOCK(st.st_mode)) {
		cli_errorf(manifest, "is not a regular file or a pipe");
		return -1;
	}
	s->f = open_manifest(manifest);
	copy = strdup(manifest);
	s->base_dir = copy ? strdup(dirname(copy)) : NULL;
	free(copy);
	if (!s->f || !s->base_dir) {
		cli_errorf(manifest, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (count && S_ISREG(st.st_mode)) /* a pipe can be read once */
		*total = count_lines(manifest);
	return 0;
}

static void close_source(struct source *s)
{
	size_t i;

	if (s->f && s->f != stdin)
		fclose(s->f);
	for (i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->base_dir);
	free(s->buf);
}

/* "1 entry", "2 entries", "0 errors" */
static const char *plural(size_t n, const char *one, const char *more)
{
	return n == 1 ? one : more;
}

static void summary(const struct progress *p)
{
	double t = now() - p->start;

	if (p->quiet)
		return;
	draw((struct progress *)p, 1);
	fprintf(stderr,
	        "agreesign: batch: %zu %s: %zu verified, %zu not verified, "
	        "%zu %s; %.2f s, %.0f entries/s\n",
	        p->done, plural(p->done, "entry", "entries"), p->counts[0],
	        p->counts[1], p->counts[2],
	        plural(p->counts[2], "error", "errors"), t,
	        t > 0 ? (double)p->done / t : 0.0);
}

int cli_verify_batch(const struct cli_batch_opts *o)
{
	struct batch_ctx ctx;
	struct ags_batch_config cfg = {o->jobs, 0, o->trust, o->policy,
	                               o->attach_dir};
	struct ags_error err = {0};
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.prog.quiet = o->quiet;
	ctx.prog.show = !o->quiet && !o->no_progress && isatty(STDERR_FILENO);
	ctx.prog.stdout_tty = isatty(STDOUT_FILENO);
	if (open_source(&ctx.src, o->manifest, ctx.prog.show,
	                &ctx.prog.total)) {
		close_source(&ctx.src);
		return EXIT_TROUBLE;
	}
	ctx.prog.start = now();
	if (ags_batch_run_lines(&cfg, next_item, emit, &ctx, &err) != AGS_OK) {
		ags_text_copy(err.source, sizeof(err.source), o->manifest);
		cli_error(&err);
		rc = EXIT_TROUBLE;
	} else {
		rc = ctx.prog.counts[1] || ctx.prog.counts[2]
		             ? EXIT_NOT_VERIFIED
		             : EXIT_OK;
	}
	fflush(stdout);
	summary(&ctx.prog);
	close_source(&ctx.src);
	return rc;
}
