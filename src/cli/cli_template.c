/* Templates on the command line: printing a match, and what verify does
 * with --template (spec/templates.md). */
#include "cli.h"

#include <sodium.h>
#include <string.h>

/* Words of context shown around a change. */
#define CONTEXT 5

/* Prints the words of s from word `from` on, at most n words, escaped
 * a word at a time (a byte at a time would split its characters). */
static void put_words(const char *s, size_t from, size_t n)
{
	size_t w = 0, shown = 0, len;

	while (*s && shown < n) {
		len = strcspn(s, " ");
		if (w >= from) {
			cli_put_escaped_n(stdout, s, len);
			shown++;
			if (s[len] == ' ' && shown < n)
				putchar(' ');
		}
		w++;
		s += len + (s[len] == ' ');
	}
}

static size_t count_words(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

/* Unchanged words: only CONTEXT of them next to a change. */
static void put_context(const char *s, int first, int last)
{
	size_t n = count_words(s);

	if (n <= 2 * CONTEXT || (first && last && n <= CONTEXT)) {
		cli_put_escaped(stdout, s);
	} else if (first) {
		fputs("\xE2\x80\xA6 ", stdout);
		put_words(s, n - CONTEXT, CONTEXT);
	} else if (last) {
		put_words(s, 0, CONTEXT);
		fputs(" \xE2\x80\xA6", stdout);
	} else {
		put_words(s, 0, CONTEXT);
		fputs(" \xE2\x80\xA6 ", stdout);
		put_words(s, n - CONTEXT, CONTEXT);
	}
}

/* The paragraph in word-diff form: [-removed-] {+added+}. */
static void put_diff_words(const struct ags_template_diff *d)
{
	size_t i;

	fputs("  words: ", stdout);
	for (i = 0; i < d->nsegs; i++) {
		const struct ags_template_seg *s = &d->segs[i];

		if (i)
			putchar(' ');
		if (s->op == AGS_TEMPLATE_SAME || s->op == AGS_TEMPLATE_FIELD) {
			put_context(s->text, i == 0, i + 1 == d->nsegs);
			continue;
		}
		fputs(s->op == AGS_TEMPLATE_DELETED ? "[-" : "{+", stdout);
		cli_put_escaped(stdout, s->text);
		fputs(s->op == AGS_TEMPLATE_DELETED ? "-]" : "+}", stdout);
	}
	putchar('\n');
}

static void put_runs(const struct ags_template_diff *d,
                     enum ags_template_seg_op op, const char *label)
{
	size_t i;

	for (i = 0; i < d->nsegs; i++) {
		if (d->segs[i].op != op)
			continue;
		printf("  %s: ", label);
		cli_put_escaped(stdout, d->segs[i].text);
		putchar('\n');
	}
}

static void print_diff(const struct ags_template_diff *d)
{
	printf("%s:", ags_template_diff_kind_name(d->kind));
	if (d->template_paragraph)
		printf(" template paragraph %zu (line %ld)%s",
		       d->template_paragraph, d->template_line,
		       d->agreement_paragraph ? "," : "");
	if (d->agreement_paragraph)
		printf(" agreement paragraph %zu (line %ld)",
		       d->agreement_paragraph, d->agreement_line);
	fputs(": \"", stdout);
	cli_put_escaped(stdout, d->first_words);
	fputs("\"\n", stdout);
	put_runs(d, AGS_TEMPLATE_DELETED, "removed");
	put_runs(d, AGS_TEMPLATE_INSERTED, "added");
	if (d->kind == AGS_TEMPLATE_CHANGED && d->nsegs)
		put_diff_words(d);
}

void cli_print_template_match(const struct ags_template_match *m)
{
	size_t i;

	if (m->matches)
		puts("result: matches");
	else if (m->ndiffs)
		printf("result: DOES NOT MATCH: %zu paragraph%s differ%s\n",
		       m->ndiffs, m->ndiffs == 1 ? "" : "s",
		       m->ndiffs == 1 ? "s" : "");
	else
		puts("result: DOES NOT MATCH");
	for (i = 0; i < m->nfields; i++) {
		fputs("field ", stdout);
		cli_put_escaped(stdout, m->fields[i].name);
		fputs(": ", stdout);
		cli_put_escaped(stdout, m->fields[i].value);
		putchar('\n');
	}
	for (i = 0; i < m->ndiffs; i++)
		print_diff(&m->diffs[i]);
	if (m->problem[0]) {
		fputs("problem: ", stdout);
		cli_put_escaped(stdout, m->problem);
		putchar('\n');
	}
}

/* ---------------------------------------------------------------------
 * verify --template.
 */

static void print_signature(const struct ags_sig_report *r,
                            const struct ags_signature *sig, size_t i)
{
	char when[21];

	ags_time_format(when, sig->signer.time);
	printf("template signature %zu: %s: ", i + 1,
	       r->valid ? "valid" : "INVALID");
	cli_put_escaped(stdout, !r->trusted            ? "(untrusted key)"
	                        : r->trusted->identity ? r->trusted->identity
	                                               : sig->signer.name);
	printf(" (%s), key %s, claimed time %s\n",
	       ags_role_name(sig->signer.role), sig->key_id, when);
	if (!r->valid) {
		printf("  reason: %s: ", ags_reason_name(r->reason));
		cli_put_escaped(stdout, r->detail);
		putchar('\n');
	}
}

static void print_check(const struct ags_template_check *tc)
{
	char hex[2 * AGS_DIGEST_BYTES + 1];
	size_t i;

	sodium_bin2hex(hex, sizeof(hex), tc->sha512, AGS_DIGEST_BYTES);
	fputs("template: ", stdout);
	cli_put_escaped(stdout, tc->text_path);
	printf("\ntemplate sha512: %s\n", hex);
	for (i = 0; i < tc->report.nsigs; i++)
		print_signature(&tc->report.sigs[i], &tc->env.sigs[i], i);
	/* The match says nothing unless the template is the signed one. */
	if (tc->report.verified)
		cli_print_template_match(&tc->match);
	if (tc->verified) {
		puts("template: verified");
	} else {
		fputs("template: NOT VERIFIED: ", stdout);
		cli_put_escaped(stdout, tc->detail);
		putchar('\n');
	}
}

/* Records an error in err unless it holds one already. */
static enum ags_err fail(struct ags_error *err, enum ags_err code,
                         const char *source, const char *text)
{
	if (err->code == AGS_OK) {
		err->code = code;
		ags_text_copy(err->source, sizeof(err->source), source);
		ags_text_copy(err->text, sizeof(err->text), text);
	}
	return code;
}

enum ags_err cli_verify_extra(const struct verify_extra *x,
                              struct ags_report *rep, const char *canon,
                              size_t len, const struct ags_trust *trust,
                              int print, struct ags_error *err)
{
	struct ags_template_check *tc = NULL;
	enum ags_err rc;
	char why[sizeof(err->text) + 64];

	if (x->tmpl_text && !x->tmpl)
		return fail(err, AGS_ERR_INVALID, "--template-text",
		            "needs --template ENVELOPE");
	if (!x->tmpl)
		return AGS_OK;
	rc = ags_template_verify(&tc, x->tmpl, x->tmpl_text, canon, len, trust,
	                         err);
	if (rc == AGS_OK) {
		ags_report_set_template(rep, tc);
		if (print)
			print_check(tc);
	} else if (rep->verified) {
		rep->verified = 0;
		snprintf(why, sizeof(why), "template: could not be checked: %s",
		         err->text);
		ags_text_copy(rep->policy_detail, sizeof(rep->policy_detail),
		              why);
	}
	return rc;
}
