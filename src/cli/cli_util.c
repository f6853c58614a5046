/* Helpers the command files share: one message format, passphrases from
 * the terminal or a file, the signing time. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Formats and writes the message escaped: it may quote input (a JSON
 * key, a trust file option, an argument), so that it stays one line and
 * cannot steer a terminal. Formatted whole, never cut: a cut could split
 * a character. (The attribute: clang checks the callers' formats.) */
__attribute__((format(printf, 2, 0))) static void
put_message(FILE *f, const char *fmt, va_list ap)
{
	char small[1024], *msg = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	else
		msg = small; /* out of memory: the start, escaped */
	va_end(again);
	if (n >= 0)
		cli_put_escaped(f, msg);
	if (msg != small)
		free(msg);
}

void cli_errorf(const char *subject, const char *fmt, ...)
{
	va_list ap;

	fputs("agreesign: ", stderr);
	if (subject && *subject) {
		cli_put_escaped(stderr, subject);
		fputs(": ", stderr);
	}
	va_start(ap, fmt);
	put_message(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_error(const struct ags_error *err)
{
	const char *text = err->text[0] ? err->text : ags_strerror(err->code);

	if (err->line > 0 && err->column > 0)
		cli_errorf(err->source, "line %ld, column %ld: %s", err->line,
		           err->column, text);
	else if (err->line > 0)
		cli_errorf(err->source, "line %ld: %s", err->line, text);
	else
		cli_errorf(err->source, "%s", text);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("agreesign: ", stderr);
	va_start(ap, fmt);
	put_message(stderr, fmt, ap); /* may quote an argument */
	va_end(ap);
	fprintf(stderr, "\nTry 'agreesign %s --help'.\n", cmd);
	return EXIT_TROUBLE;
}

/* The library's display rule (spec §10.5): controls, bytes that are not
 * UTF-8, C1 and bidi controls (U+202E can make "fdp.exe" read "exe.pdf")
 * and U+2028/U+2029 never reach the terminal as themselves. */
void cli_put_escaped_n(FILE *f, const char *s, size_t n)
{
	char out[AGS_DISPLAY_MAX];
	size_t i = 0, from = 0, k, used;

	while (i < n) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F) {
			i++;
			continue;
		}
		k = ags_display_char(out, s + i, n - i, &used);
		if (k != used || memcmp(out, s + i, k) != 0) {
			fwrite(s + from, 1, i - from, f);
			fwrite(out, 1, k, f);
			from = i + used;
		}
		i += used;
	}
	fwrite(s + from, 1, n - from, f);
}

void cli_put_escaped(FILE *f, const char *s)
{
	cli_put_escaped_n(f, s, strlen(s));
}

void cli_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

int cli_help(const char *text)
{
	fputs(text, stdout);
	return EXIT_OK;
}

/* Opens a passphrase file: a regular file, or a pipe (--passphrase-file
 * <(pass show x)). A named FIFO is opened without waiting for a writer:
 * with none, it reads as empty instead of hanging. */
static int open_pass_file(const char *path)
{
	const char *why = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		cli_errorf(path, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || fcntl(fd, F_SETFL, 0) != 0)
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		why = "is a directory, not a file";
	if (why) {
		cli_errorf(path, "%s", why);
		close(fd);
		return -1;
	}
	return fd;
}

/* Why an empty passphrase is refused, and what to do instead. */
static const char *empty_why(const struct cli_pass *pass)
{
	if (pass->confirm)
		return "the passphrase is empty: give one, or use "
		       "--no-passphrase to store the key unsealed";
	return "the passphrase is empty (a key made with --no-passphrase "
	       "asks for none)";
}

static int read_pass_file(char *buf, size_t cap, size_t *len,
                          const struct cli_pass *pass)
{
	const char *path = pass->file;
	ssize_t n = 0;
	size_t got = 0;
	int fd = open_pass_file(path);

	if (fd < 0)
		return -1;
	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		cli_errorf(path, "cannot read: %s", strerror(errno));
		return -1;
	}
	/* The passphrase is the first line; the newline is not part of it. */
	*len = 0;
	while (*len < got && buf[*len] != '\n' && buf[*len] != '\r')
		(*len)++;
	if (*len == got && got == cap) {
		cli_errorf(path, "passphrase is longer than %zu bytes",
		           cap - 1);
		return -1;
	}
	if (*len == 0) {
		cli_errorf(path, "%s", empty_why(pass));
		return -1;
	}
	if (memchr(buf, '\0', *len)) {
		cli_errorf(path, "passphrase holds a NUL byte");
		return -1;
	}
	return 0;
}

/* The signal that interrupted a passphrase prompt, or 0. A signal
 * handler can only talk through a static object: this is the command
 * line's one (the library keeps none). */
static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int signo)
{
	prompt_signal = signo;
}

/* The signals that end a prompt: Ctrl-C, kill, a closed terminal. */
static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSIGNALS (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

/* Catches the prompt's signals (those not ignored: a command started
 * with SIGINT ignored keeps ignoring it) and blocks them, so that they
 * arrive only inside pselect; *wait is the mask pselect waits with. */
static void catch_signals(struct sigaction saved[NSIGNALS], sigset_t *old,
                          sigset_t *wait)
{
	struct sigaction act;
	sigset_t block;
	size_t i;

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_prompt_signal; /* no SA_RESTART: wake pselect */
	sigemptyset(&act.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < NSIGNALS; i++)
		sigaddset(&block, prompt_signals[i]);
	sigprocmask(SIG_BLOCK, &block, old);
	*wait = *old;
	for (i = 0; i < NSIGNALS; i++) {
		sigaction(prompt_signals[i], NULL, &saved[i]);
		if (saved[i].sa_handler == SIG_IGN)
			continue;
		sigaction(prompt_signals[i], &act, NULL);
		sigdelset(wait, prompt_signals[i]);
	}
}

/* Puts the handlers back while the signals are still blocked, then the
 * mask: a signal that came after the prompt was read then acts as it
 * would have without us. */
static void release_signals(const struct sigaction saved[NSIGNALS],
                            const sigset_t *old)
{
	size_t i;

	for (i = 0; i < NSIGNALS; i++)
		sigaction(prompt_signals[i], &saved[i], NULL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Reads one line from the terminal fd into buf, a byte at a time, each
 * read only once pselect says the line is there: a signal can then only
 * arrive while waiting, and ends the wait. Returns 0, -3 when the line
 * was too long, -4 when a signal came, -1 at end of input or an error. */
static int read_line(int fd, char *buf, size_t cap, size_t *len,
                     const sigset_t *wait)
{
	fd_set ready;
	size_t n = 0;
	char c;
	int ok = -1;

	while (!prompt_signal) {
		FD_ZERO(&ready);
		FD_SET(fd, &ready);
		if (pselect(fd + 1, &ready, NULL, NULL, NULL, wait) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (read(fd, &c, 1) != 1)
			break;
		if (c == '\n' || c == '\r') {
			ok = ok == -3 ? -3 : 0;
			break;
		}
		if (n + 1 < cap)
			buf[n++] = c;
		else
			ok = -3; /* too long: refused below, never cut */
	}
	sodium_memzero(&c, sizeof(c)); /* a plain store may be optimized out */
	*len = n;
	return prompt_signal ? -4 : ok;
}

/* One prompt on the terminal with echo off. SIGINT, SIGTERM and SIGHUP
 * end it with the terminal restored (echo back on) and -4; the command
 * then unwinds, wiping what it holds, and main dies of the same signal
 * (cli_exit_status). */
static int read_tty(char *buf, size_t cap, size_t *len, const char *prompt)
{
	struct sigaction saved[NSIGNALS];
	struct termios old, quiet;
	sigset_t mask, wait;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	int ok;

	*len = 0;
	if (fd < 0)
		return -2;
	if (fd >= FD_SETSIZE || tcgetattr(fd, &old) != 0) {
		close(fd);
		return -2;
	}
	catch_signals(saved, &mask, &wait);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* Echo off before the prompt shows, so nothing typed after it is
	 * echoed or flushed away. */
	tcsetattr(fd, TCSAFLUSH, &quiet);
	(void)!write(fd, prompt, strlen(prompt));
	ok = read_line(fd, buf, cap, len, &wait);
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	release_signals(saved, &mask);
	if (ok == -4) {
		sodium_memzero(buf, cap);
		*len = 0;
	}
	return ok;
}

int cli_exit_status(int status)
{
	int signo = prompt_signal;

	if (!signo)
		return status;
	/* Die of the signal, as a program that never caught it: a shell
	 * reports 128 + its number (130 for Ctrl-C), and a script's loop
	 * stops at Ctrl-C instead of going on to the next command. */
	fflush(NULL);
	signal(signo, SIG_DFL);
	raise(signo);
	return 128 + signo;
}

static int ask_tty(char *buf, size_t cap, size_t *len,
                   const struct cli_pass *pass)
{
	char *again = sodium_malloc(cap);
	const char *what = pass->prompt ? pass->prompt : "Passphrase";
	char prompt[512];
	size_t len2 = 0;
	int rc;

	if (!again)
		return -1;
	snprintf(prompt, sizeof(prompt), "%s: ", what);
	rc = read_tty(buf, cap, len, prompt);
	if (rc == -2)
		cli_errorf(NULL, "no terminal to ask for a passphrase: use "
		                 "--passphrase-file FILE");
	else if (rc == -3)
		cli_errorf(NULL, "the passphrase is longer than %zu bytes",
		           cap - 1);
	else if (rc == 0 && *len == 0)
		cli_errorf(NULL, "%s", empty_why(pass)), rc = -1;
	else if (rc == 0 && pass->confirm) {
		snprintf(prompt, sizeof(prompt), "%s again: ", what);
		rc = read_tty(again, cap, &len2, prompt);
		if (rc == 0 &&
		    (len2 != *len || sodium_memcmp(again, buf, *len)))
			cli_errorf(NULL, "the passphrases differ"), rc = -1;
	}
	if (rc == -4) /* the first one too: nothing is left behind */
		sodium_memzero(buf, cap);
	sodium_free(again);
	return rc == 0 ? 0 : -1;
}

int cli_read_passphrase(char *buf, size_t cap, size_t *len,
                        const struct cli_pass *pass)
{
	if (pass->file)
		return read_pass_file(buf, cap, len, pass);
	return ask_tty(buf, cap, len, pass);
}

int cli_ask_passphrase(char *buf, size_t cap, size_t *len, void *ctx)
{
	struct cli_pass *pass = ctx;
	int rc = cli_read_passphrase(buf, cap, len, pass);

	if (rc != 0)
		pass->failed = 1;
	return rc;
}

/* path as one shell word: as it is when that is safe, else quoted. */
static void put_shell_word(FILE *f, const char *path)
{
	const char *p;

	if (*path &&
	    strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	                 "qrstuvwxyz0123456789._/+-,:@%=") == strlen(path) &&
	    *path != '-') {
		fputs(path, f);
		return;
	}
	fputc('\'', f);
	for (p = path; *p; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}

/* What to do about a file text/v1 refused because it is no UTF-8 text
 * (ags_text_sniff), appended to the library's words in err. */
static void add_advice(struct ags_error *err, const char *path, const char *raw,
                       size_t rlen)
{
	const char *what = NULL;
	size_t n = strlen(path), used = strlen(err->text);
	enum ags_text_kind k;
	char *text = NULL, *out;
	size_t len = 0;
	FILE *m;

	k = ags_text_sniff((const uint8_t *)raw, rlen, &what);
	if (k == AGS_TEXT_PLAIN || !(m = open_memstream(&text, &len)))
		return;
	if (k == AGS_TEXT_BINARY) {
		fputs("; a paper or another file is bound to its agreement "
		      "with 'agreesign sign --attach ",
		      m);
		put_shell_word(m, path);
		fputs(" AGREEMENT'", m);
	} else {
		fprintf(m, "; convert it with iconv -f %s -t utf-8 ", what);
		put_shell_word(m, path);
		fputs(" > ", m);
		/* old.txt -> old.utf8.txt; other names get .utf8 */
		if ((out = malloc(n + sizeof(".utf8.txt")))) {
			if (n > 4 && strcmp(path + n - 4, ".txt") == 0)
				snprintf(out, n + sizeof(".utf8.txt"),
				         "%.*s.utf8.txt", (int)(n - 4), path);
			else
				snprintf(out, n + sizeof(".utf8.txt"),
				         "%s.utf8", path);
			put_shell_word(m, out);
			free(out);
		}
	}
	if (fclose(m) == 0 && used + len < sizeof(err->text))
		memcpy(err->text + used, text, len + 1);
	free(text);
}

enum ags_err cli_load_canon(char **canon, size_t *len, const char *path,
                            struct ags_error *err)
{
	char *raw = NULL;
	size_t rlen = 0;
	enum ags_err rc;

	*canon = NULL;
	rc = ags_file_read(&raw, &rlen, path, AGS_TEXT_MAX, err);
	if (rc != AGS_OK)
		return rc;
	rc = ags_canon_text(canon, len, (const uint8_t *)raw, rlen, path, err);
	if (rc == AGS_ERR_TEXT && err)
		add_advice(err, path, raw, rlen);
	free(raw);
	return rc;
}

int cli_parse_time(int64_t *out, const char *s)
{
	char full[sizeof("YYYY-MM-DDT00:00:00Z")];

	if (strlen(s) == 10) { /* YYYY-MM-DD: midnight UTC */
		memcpy(full, s, 10);
		memcpy(full + 10, "T00:00:00Z", sizeof("T00:00:00Z"));
		s = full;
	}
	return ags_time_parse(out, s);
}

int cli_parse_roles(unsigned *roles, const char *list)
{
	char buf[64];
	enum ags_role r;

	if (*list == '\0')
		return -1;
	while (*list) {
		size_t n = strcspn(list, ",");
		if (n == 0 || n >= sizeof(buf))
			return -1;
		memcpy(buf, list, n);
		buf[n] = '\0';
		if (ags_role_parse(&r, buf) != 0)
			return -1;
		*roles |= (unsigned)r;
		list += n;
		if (*list == ',' && *++list == '\0')
			return -1; /* "author," names an empty role */
	}
	return 0;
}

int cli_signing_time(int64_t *out, const char *opt)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (opt) {
		if (cli_parse_time(out, opt) != 0) {
			cli_errorf("--time",
			           "\"%s\" is neither YYYY-MM-DD nor "
			           "YYYY-MM-DDTHH:MM:SSZ (UTC)",
			           opt);
			return -1;
		}
		return 0;
	}
	if (sde && *sde) {
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0 || v > 253402300799LL) {
			cli_errorf("SOURCE_DATE_EPOCH",
			           "\"%s\" is not a number of seconds", sde);
			return -1;
		}
		*out = v;
		return 0;
	}
	*out = (int64_t)time(NULL);
	return 0;
}

char *cli_default_envelope(const char *agreement)
{
	size_t n = strlen(agreement);
	char *p = malloc(n + sizeof(".sig.json"));

	if (p) {
		memcpy(p, agreement, n);
		memcpy(p + n, ".sig.json", sizeof(".sig.json"));
	}
	return p;
}
