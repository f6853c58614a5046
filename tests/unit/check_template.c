/* Templates (spec/templates.md): syntax errors with line and column,
 * matching rules, differences by paragraph, the project's PMLR template on
 * the real agreements, and templates signed by a publisher. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agreesign.h"
#include "test_util.h"

#define PMLR "../spec/templates/pmlr-open-access.tmpl"
#define T0   1795000000
/* The first line of every template (spec/templates.md, "Version"). */
#define V2 "{{agreesign-template/v2}}\n"

static char *canon_of(const char *s, size_t *len)
{
	struct ags_error err = {0};
	char *c = NULL;

	ck_assert_msg(ags_canon_text(&c, len, (const uint8_t *)s, strlen(s),
	                             "text", &err) == AGS_OK,
	              "canon: %s", err.text);
	return c;
}

/* Parses template body s, after the version line. */
static struct ags_template *parse_ok(const char *s)
{
	struct ags_error err = {0};
	struct ags_template *t = NULL;
	size_t len;
	char *v = malloc(sizeof(V2) + strlen(s)), *c;

	memcpy(v, V2, sizeof(V2) - 1);
	memcpy(v + sizeof(V2) - 1, s, strlen(s) + 1);
	c = canon_of(v, &len);
	free(v);

	ck_assert_msg(ags_template_parse(&t, c, len, "t", &err) == AGS_OK,
	              "parse: %s (line %ld, column %ld)", err.text, err.line,
	              err.column);
	free(c);
	return t;
}

/* Matches agreement text a against template text t into m. */
static void match(struct ags_template_match *m, const char *t, const char *a)
{
	struct ags_template *tp = parse_ok(t);
	size_t len;
	char *c = canon_of(a, &len);

	ck_assert_int_eq(ags_template_match(m, tp, c, len, NULL), AGS_OK);
	ags_template_free(tp);
	free(c);
}

static const char *field(const struct ags_template_match *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nfields; i++)
		if (strcmp(m->fields[i].name, name) == 0)
			return m->fields[i].value;
	return NULL;
}

/* The removed (or added) words of difference d, joined by " | ". */
static void runs(char *out, size_t cap, const struct ags_template_diff *d,
                 enum ags_template_seg_op op)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < d->nsegs; i++) {
		if (d->segs[i].op != op)
			continue;
		if (out[0])
			strncat(out, " | ", cap - strlen(out) - 1);
		strncat(out, d->segs[i].text, cap - strlen(out) - 1);
	}
}

/* ---------------------------------------------------------------------
 * Syntax.
 */

static const struct {
	const char *text, *why;
	long line, column;
} bad[] = {
        {V2 "Title: {{title\nend\n", "without '}}'", 2, 8},
        {V2 "A }} b\n", "'}}' without '{{'", 2, 3},
        {V2 "Name: ({{name}})\n", "stand alone", 2, 8},
        {V2 "x\n\nBy {{Title}} here\n", "not a field name", 4, 4},
        {V2 "By {{}} here\n", "empty", 2, 4},
        {V2 "By {{?}} here\n", "no text", 2, 4},
        {V2 "{{a}} {{b}}\n", "two fields in a row", 2, 7},
        {V2 "{{a}} {{?x}} {{b}}\n", "two fields in a row", 2, 14},
        {V2 "By {{ title }} here\n", "without '}}'", 2, 4},
        {V2 "A{{1|2|3|4|5|6|7|8|9}}\n", "more than 8 alternatives", 2, 2},
        {V2 "A {{x|y{{z}}\n", "'{{' inside", 2, 7},
        {V2 "{{a|b}}{{a|b}}{{a|b}}{{a|b}}{{a|b}}\n", "more than 4", 2, 29},
        {V2 "é {{x}}{{y}}\n", "stand alone", 2, 3},
        /* the version line (spec/templates.md, "Version") */
        {"Title: {{title}}\n", "first line is not {{agreesign-template/v2}}", 1,
         1},
        {"{{agreesign-template/v2}} Title: {{title}}\n",
         "must stand alone on the first line", 1, 1},
        {"Title: {{title}}\n{{agreesign-template/v2}}\n", "first line is not",
         1, 1},
        {"{{agreesign-template/v3}}\nTitle: {{title}}\n",
         "unknown template version", 1, 1},
        {V2, "no text after its version line", 1, 1},
        /* shapes (spec/templates.md, "Fields") */
        {V2 "Date: {{d:day}}\n", "'day' is not a field shape", 2, 11},
        {V2 "Date: {{d:}}\n", "is not a field shape", 2, 11},
        {V2 "By {{n:lines=1}}\n", "not a field shape", 2, 8},
        {V2 "By {{n:lines=10}}\n", "not a field shape", 2, 8},
        {V2 "By {{n:Date}}\n", "not a field shape", 2, 8},
        {V2 "By {{N:date}}\n", "not a field name", 2, 4},
        {V2 "By {{n:date}}\n\nOn {{n}}\n",
         "another shape than at its "
         "first use (line 2)",
         4, 4},
};

START_TEST(syntax_errors)
{
	struct ags_error err = {0};
	struct ags_template *t = NULL;
	size_t len;
	char *c = canon_of(bad[_i].text, &len);

	ck_assert_int_eq(ags_template_parse(&t, c, len, "bad.tmpl", &err),
	                 AGS_ERR_FORMAT);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.text, bad[_i].why), "case %d: %s", _i,
	              err.text);
	ck_assert_str_eq(err.source, "bad.tmpl");
	ck_assert_int_eq(err.line, bad[_i].line);
	ck_assert_int_eq(err.column, bad[_i].column);
	free(c);
}
END_TEST

START_TEST(fields_and_identity)
{
	static const char body[] = "Title: {{title}}\nBy {{author}} on "
	                           "{{date:date}} and {{title:line}} again.\n";
	static const char s[] = V2 "Title: {{title}}\nBy {{author}} on "
	                           "{{date:date}} and {{title:line}} again.\n";
	uint8_t d[AGS_DIGEST_BYTES], want[AGS_DIGEST_BYTES];
	struct ags_template *t = parse_ok(body);
	uint64_t n;

	ck_assert_uint_eq(ags_template_nfields(t), 3);
	ck_assert_str_eq(ags_template_field_name(t, 0), "title");
	ck_assert_str_eq(ags_template_field_name(t, 1), "author");
	ck_assert_str_eq(ags_template_field_name(t, 2), "date");
	ck_assert_ptr_null(ags_template_field_name(t, 3));
	ags_template_digest(d, &n, t);
	crypto_hash_sha512(want, (const unsigned char *)s, strlen(s));
	ck_assert_mem_eq(d, want, sizeof(d));
	ck_assert_uint_eq(n, strlen(s));
	ags_template_free(t);
}
END_TEST

/* ---------------------------------------------------------------------
 * Matching.
 */

START_TEST(white_space_never_counts)
{
	struct ags_template_match m;

	match(&m, "The parties agree:\n\n- one\n- two\n",
	      "The   parties\nagree:\n\n\n   - one\n      - two\n");
	ck_assert_int_eq(m.matches, 1);
	ags_template_match_release(&m);
	match(&m, "The parties agree.\n", "The parties  agree!\n");
	ck_assert_int_eq(m.matches, 0);
	ags_template_match_release(&m);
	match(&m, "The parties agree.\n", "The parties\u00a0agree.\n");
	ck_assert_int_eq(m.matches, 0);
	ags_template_match_release(&m);
}
END_TEST

/* The added words of the first difference of m, joined by " | ". */
static const char *added(const struct ags_template_match *m)
{
	static char buf[1024];

	ck_assert_uint_ge(m->ndiffs, 1);
	runs(buf, sizeof(buf), &m->diffs[0], AGS_TEMPLATE_INSERTED);
	return buf;
}

START_TEST(fields_take_words_of_one_line)
{
	struct ags_template_match m;

	match(&m,
	      "Entitled\n\n{{title}}\n\n(the article) by {{name}} (the "
	      "author).\n",
	      "Entitled\n\n**On Engines: A Study**\n\n(the article) by Ada "
	      "Lovelace\n(the author).\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_str_eq(field(&m, "title"), "On Engines: A Study");
	ck_assert_str_eq(field(&m, "name"), "Ada Lovelace");
	ags_template_match_release(&m);
	/* The line after a value is not the field's (issue 13, item 8). */
	match(&m, "Title: {{title}}\nEnd.\n",
	      "Title: A\nI also give away my rights.\nEnd.\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_int_eq(m.diffs[0].kind, AGS_TEMPLATE_CHANGED);
	ck_assert_str_eq(added(&m), "I also give away my rights.");
	ags_template_match_release(&m);
	/* A field never takes a blank line, nor the next list item. */
	match(&m, "Title: {{title}}\n\nEnd.\n",
	      "Title: A\n\nI also give away my rights.\n\nEnd.\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_int_eq(m.diffs[0].kind, AGS_TEMPLATE_ADDED);
	ags_template_match_release(&m);
	match(&m, "1. Title: {{title}}\n2. End.\n",
	      "1. Title: A\n2. I give away my rights.\n2. End.\n");
	ck_assert_int_eq(m.matches, 0);
	ags_template_match_release(&m);
	/* The value on the next line, after a blank line. */
	match(&m, "- Date: {{date}}\n", "- Date:\n\n2025/05/24\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_str_eq(field(&m, "date"), "2025/05/24");
	ags_template_match_release(&m);
}
END_TEST

/* lines=N: N lines of one paragraph, no more. */
START_TEST(field_of_several_lines)
{
	static const char t[] = "Entitled {{title:lines=2}}\n\nEnd.\n";
	struct ags_template_match m;

	match(&m, t, "Entitled **On Engines:\nA Study**\n\nEnd.\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_str_eq(field(&m, "title"), "On Engines: A Study");
	ags_template_match_release(&m);
	match(&m, t,
	      "Entitled On Engines:\nA Study\nAnd I give away my "
	      "rights.\n\nEnd.\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_str_eq(added(&m), "And I give away my rights.");
	ags_template_match_release(&m);
	match(&m, "Entitled {{title}}\n\nEnd.\n",
	      "Entitled On Engines:\nA Study\n\nEnd.\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_str_eq(added(&m), "A Study");
	ags_template_match_release(&m);
}
END_TEST

static const struct {
	const char *value;
	int date;
} dates[] = {
        {"2025/05/24", 1},       {"2021-6-9", 1},
        {"06/09/2021", 1},       {"24.05.2025", 1},
        {"6/9/21", 1},           {"**06/09/2021**", 1},
        {"24 May 2025", 1},      {"June 9th, 2021", 1},
        {"June 9 2021", 1},      {"Sept. 30, 2021", 1},
        {"Sep 1, 2021", 1},      {"1st December 2021", 1},
        {"2025/13/24", 0},       {"2025/05/32", 0},
        {"13/13/2025", 0},       {"06/09-2021", 0},
        {"06/09/202", 0},        {"2025/05", 0},
        {"june 9, 2021", 0},     {"Juni 9, 2021", 0},
        {"June 32, 2021", 0},    {"9 June, 2021", 0},
        {"June 9, 21", 0},       {"Monday, June 9, 2021", 0},
        {"2021-06-09T10:00", 0}, {"06/09/2021 and I give away my rights", 0},
        {"tomorrow", 0},         {"June 9, 2021 at noon", 0},
};

/* A date field takes a date and nothing else. */
START_TEST(date_field)
{
	struct ags_template_match m;
	char a[128];

	snprintf(a, sizeof(a), "Date: %s\n\nEnd.\n", dates[_i].value);
	match(&m, "Date: {{d:date}}\n\nEnd.\n", a);
	ck_assert_msg(m.matches == dates[_i].date, "'%s': %d", dates[_i].value,
	              m.matches);
	if (m.matches)
		ck_assert_str_eq(field(&m, "d"),
		                 strncmp(dates[_i].value, "**", 2) == 0
		                         ? "06/09/2021"
		                         : dates[_i].value);
	else
		ck_assert_uint_eq(m.ndiffs, 1);
	ags_template_match_release(&m);
}
END_TEST

/* A clause written after a date on its line is a difference. */
START_TEST(date_field_takes_no_clause)
{
	struct ags_template_match m;

	match(&m, "Date: {{d:date}}\n\nEnd.\n",
	      "Date: June 9, 2021 and I give away my rights.\n\nEnd.\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_str_eq(added(&m), "and I give away my rights.");
	ags_template_match_release(&m);
}
END_TEST

START_TEST(shortest_field_and_repeated_fields)
{
	struct ags_template_match m;

	match(&m, "Between {{a}} and the rest.\n",
	      "Between X and Y and the rest.\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_str_eq(field(&m, "a"), "X and Y");
	ags_template_match_release(&m);
	match(&m, "Name: {{name}}\n\nSigned: {{name}}\n",
	      "Name: Ada King\n\nSigned: **Ada King**\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_uint_eq(m.nfields, 1);
	ck_assert_str_eq(field(&m, "name"), "Ada King");
	ags_template_match_release(&m);
	match(&m, "Name: {{name}}\n\nSigned: {{name}}\n",
	      "Name: Ada King\n\nSigned: Charles Babbage\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_msg(strstr(m.problem, "field 'name'") &&
	                      strstr(m.problem, "Charles Babbage"),
	              "%s", m.problem);
	ags_template_match_release(&m);
}
END_TEST

/* Rule 6 is a condition of the match, not a check of the first way of
 * rule 5 (issue 13, item 9). */
START_TEST(repeated_field_is_a_condition)
{
	static const char t[] = "start {{x}} mid {{x}} end\n";
	struct ags_template_match m;

	/* shortest first: x = foo fails at the second {{x}}; the search
	 * goes on to the first way that gives x one value */
	match(&m, t, "start foo mid bar mid foo mid bar end\n");
	ck_assert_msg(m.matches, "%s", m.problem);
	ck_assert_str_eq(field(&m, "x"), "foo mid bar");
	ags_template_match_release(&m);
	/* several consistent ways (x = a, or x = a mid a): the first of
	 * rule 5 is taken */
	match(&m, "start {{x}} mid {{x}} mid {{y}} end\n",
	      "start a mid a mid a mid a mid a end\n");
	ck_assert_int_eq(m.matches, 1);
	ck_assert_str_eq(field(&m, "x"), "a");
	ck_assert_str_eq(field(&m, "y"), "a mid a mid a");
	ags_template_match_release(&m);
	/* no consistent way: the first way of rules 1-5 names the values */
	match(&m, t, "start foo mid bar end\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 0);
	ck_assert_str_eq(m.problem, "field 'x' is used twice with two values: "
	                            "\"foo\" and \"bar\"");
	ags_template_match_release(&m);
	match(&m, t, "start foo mid bar mid foo mid baz end\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_msg(strstr(m.problem, "\"foo\" and \"bar mid foo mid baz\""),
	              "%s", m.problem);
	ags_template_match_release(&m);
}
END_TEST

/* Two long non-ASCII values of one field (issue 13, item 6): the
 * problem quotes both, each cut at a character, and stays UTF-8. Loop _i:
 * the width of the character and the parity of what precedes it. */
START_TEST(long_values_in_problem)
{
	static const char *const wide[] = {"\xC3\xA9", "\xE2\x82\xAC",
	                                   "\xF0\x9D\x84\x9E"};
	struct ags_template_match m;
	char a[2048], w1[400], w2[400];
	json_t *j;
	size_t n, k = strlen(wide[_i / 2]);

	memset(w1, 'x', (size_t)_i % 2);
	memset(w2, 'y', 1);
	for (n = (size_t)_i % 2; n + k < 300; n += k)
		memcpy(w1 + n, wide[_i / 2], k);
	w1[n] = '\0';
	for (n = 1; n + k < 300; n += k)
		memcpy(w2 + n, wide[_i / 2], k);
	w2[n] = '\0';
	snprintf(a, sizeof(a), "Name: %s\n\nSigned: %s\n", w1, w2);
	match(&m, "Name: {{name}}\n\nSigned: {{name}}\n", a);
	ck_assert_int_eq(m.matches, 0);
	j = json_string(m.problem);
	ck_assert_msg(j != NULL, "not UTF-8: %s", m.problem);
	json_decref(j);
	ck_assert_ptr_nonnull(strstr(m.problem, "\xE2\x80\xA6\" and \""));
	ck_assert_int_eq(m.problem[strlen(m.problem) - 1], '"');
	j = ags_template_match_json(&m);
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	ags_template_match_release(&m);
}
END_TEST

/* An agreement of one line "w x w x ... fin" against templates of
 * repeated fields, where each field could take many lengths and only the
 * last word is wrong, so that every way fails. */
static char *hostile_agreement(size_t pairs, const char *last)
{
	char *a = malloc(4 * pairs + 16);
	size_t n = 0, i;

	for (i = 0; i < pairs; i++)
		n += (size_t)snprintf(a + n, 4 * pairs + 16 - n, "w x ");
	snprintf(a + n - 2, 18, "%s\n", last);
	return a;
}

/* One field used 20 times: its first value decides the rest, so the
 * remembered states keep the search short (no budget reached), and the
 * wrong word is the one difference. */
START_TEST(hostile_repeated_field)
{
	char t[512], *a = hostile_agreement(60, "fin");
	struct ags_template_match m;
	size_t n = 0, i;

	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "{{a}} x ");
	snprintf(t + n - 2, sizeof(t) - n + 2, "end\n");
	match(&m, t, a);
	ck_assert_int_eq(m.matches, 0);
	ck_assert_str_eq(m.problem, "");
	ck_assert_uint_eq(m.ndiffs, 1);
	free(a);
	ags_template_match_release(&m);
	a = hostile_agreement(60, "end");
	match(&m, t, a);
	ck_assert_msg(m.matches, "%s", m.problem);
	ck_assert_str_eq(field(&m, "a"), "w x w x w"); /* 20 of them */
	free(a);
	ags_template_match_release(&m);
}
END_TEST

/* Three fields, each used three times, interleaved: the values of all
 * three are open at once, their combinations are many, and the search
 * ends at its step budget ("too ambiguous", no match), still reporting
 * the wrong word. With the right word it matches at once. */
START_TEST(hostile_interleaved_fields)
{
	static const char t[] = "{{a}} x {{b}} x {{c}} x {{a}} x {{b}} x {{c}} "
	                        "x {{a}} x {{b}} x {{c}} end\n";
	char *a = hostile_agreement(126, "fin"), buf[64];
	struct ags_template_match m;

	match(&m, t, a);
	ck_assert_int_eq(m.matches, 0);
	ck_assert_msg(strstr(m.problem, "too ambiguous"), "%s", m.problem);
	ck_assert_uint_eq(m.ndiffs, 1);
	runs(buf, sizeof(buf), &m.diffs[0], AGS_TEMPLATE_DELETED);
	ck_assert_str_eq(buf, "end"); /* the last {{c}} took "fin" */
	free(a);
	ags_template_match_release(&m);
	a = hostile_agreement(126, "end");
	match(&m, t, a);
	ck_assert_msg(m.matches, "%s", m.problem);
	free(a);
	ags_template_match_release(&m);
}
END_TEST

/* The most fields a template may hold, half of them used twice, all
 * open at once, over an agreement of one long line: the search ends at
 * its budget ("too ambiguous", no match), never runs away. */
START_TEST(hostile_many_fields)
{
	char t[2048], *a = malloc(64 * 1024);
	struct ags_template_match m;
	size_t n = 0, i;

	for (i = 0; i < 32; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "{{f%zu}} x ", i);
	for (i = 0; i < 32; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "{{f%zu}} x ", i);
	snprintf(t + n, sizeof(t) - n, "end\n");
	for (n = 0, i = 0; i < 8000; i++)
		n += (size_t)snprintf(a + n, 64 * 1024 - n, "w x ");
	snprintf(a + n, 64 * 1024 - n, "fin\n");
	match(&m, t, a);
	ck_assert_int_eq(m.matches, 0);
	ck_assert_msg(m.ndiffs > 0 || m.problem[0], "no reason");
	ags_template_match_release(&m);
	free(a);
}
END_TEST

START_TEST(decoration)
{
	static const char t[] = "{{?#}} Agreement{{<sup>1</sup>|¹}}\n\n"
	                        "{{?---}}\n\nDone{{.|!}}\n";
	static const char *const good[] = {
	        "# Agreement<sup>1</sup>\n\n---\n\nDone.\n",
	        "Agreement¹\n\nDone!\n",
	        "# Agreement¹\nDone.\n",
	};
	static const char *const bad_texts[] = {
	        "## Agreement¹\n\nDone.\n",
	        "Agreement\n\nDone.\n",
	        "Agreement¹\n\n***\n\nDone.\n",
	        "Agreement¹\n\nDone?\n",
	};
	struct ags_template_match m;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		match(&m, t, good[i]);
		ck_assert_msg(m.matches, "good %zu", i);
		ags_template_match_release(&m);
	}
	for (i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++) {
		match(&m, t, bad_texts[i]);
		ck_assert_msg(!m.matches && m.ndiffs == 1, "bad %zu", i);
		ags_template_match_release(&m);
	}
}
END_TEST

/* A field of one line holds at most 300 bytes: the rest of a long line
 * is a difference. */
START_TEST(long_field_is_refused)
{
	char a[2048];
	struct ags_template_match m;
	size_t i, n;

	n = (size_t)snprintf(a, sizeof(a), "Title: ");
	for (i = 0; i < 61; i++) /* 60 words of 4 bytes and a space: 299 */
		n += (size_t)snprintf(a + n, sizeof(a) - n, "%s", "word ");
	snprintf(a + n, sizeof(a) - n, "\n");
	match(&m, "Title: {{title}}\n", a);
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_str_eq(added(&m), "word");
	ags_template_match_release(&m);
	a[n - 5] = '\n';
	a[n - 4] = '\0';
	match(&m, "Title: {{title}}\n", a);
	ck_assert_int_eq(m.matches, 1);
	ck_assert_uint_eq(strlen(field(&m, "title")), 299);
	ags_template_match_release(&m);
}
END_TEST

/* ---------------------------------------------------------------------
 * Differences.
 */

static const char form[] = "Agreement\n\n"
                           "1. The author grants a license.\n"
                           "2. The publisher keeps the page.\n"
                           "3. Nothing else moves.\n\n"
                           "Signed: {{name}}\n";

START_TEST(changed_word)
{
	struct ags_template_match m;
	const struct ags_template_diff *d;
	char buf[256];

	match(&m, form,
	      "Agreement\n\n1. The author grants a license.\n2. The "
	      "publisher sells the page.\n3. Nothing else moves.\n\nSigned: "
	      "Ada\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	d = &m.diffs[0];
	ck_assert_int_eq(d->kind, AGS_TEMPLATE_CHANGED);
	ck_assert_uint_eq(d->template_paragraph, 3);
	ck_assert_int_eq(d->template_line, 5); /* after the version line */
	ck_assert_uint_eq(d->agreement_paragraph, 3);
	ck_assert_str_eq(d->first_words, "2. The publisher sells the page.");
	runs(buf, sizeof(buf), d, AGS_TEMPLATE_DELETED);
	ck_assert_str_eq(buf, "keeps");
	runs(buf, sizeof(buf), d, AGS_TEMPLATE_INSERTED);
	ck_assert_str_eq(buf, "sells");
	ags_template_match_release(&m);
}
END_TEST

START_TEST(removed_and_added_clauses)
{
	struct ags_template_match m;
	char buf[256];

	match(&m, form,
	      "Agreement\n\n1. The author grants a license.\n3. Nothing else "
	      "moves.\n4. The author pays the publisher.\n\nSigned: Ada\n");
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 2);
	ck_assert_int_eq(m.diffs[0].kind, AGS_TEMPLATE_REMOVED);
	ck_assert_uint_eq(m.diffs[0].template_paragraph, 3);
	ck_assert_uint_eq(m.diffs[0].agreement_paragraph, 0);
	ck_assert_str_eq(m.diffs[0].first_words,
	                 "2. The publisher keeps the page.");
	runs(buf, sizeof(buf), &m.diffs[0], AGS_TEMPLATE_DELETED);
	ck_assert_str_eq(buf, "2. The publisher keeps the page.");
	ck_assert_int_eq(m.diffs[1].kind, AGS_TEMPLATE_ADDED);
	ck_assert_uint_eq(m.diffs[1].template_paragraph, 0);
	ck_assert_uint_eq(m.diffs[1].agreement_paragraph, 4);
	ck_assert_int_eq(m.diffs[1].agreement_line, 5);
	runs(buf, sizeof(buf), &m.diffs[1], AGS_TEMPLATE_INSERTED);
	ck_assert_str_eq(buf, "4. The author pays the publisher.");
	ags_template_match_release(&m);
}
END_TEST

START_TEST(match_json)
{
	struct ags_template_match m;
	json_t *j;

	match(&m, form,
	      "Agreement\n\n1. The author grants a license.\n2. The "
	      "publisher sells the page.\n3. Nothing else moves.\n\nSigned: "
	      "Ada\n");
	j = ags_template_match_json(&m);
	ck_assert_ptr_nonnull(j);
	ck_assert(json_is_false(json_object_get(j, "matches")));
	ck_assert_str_eq(
	        json_string_value(json_array_get(
	                json_object_get(
	                        json_array_get(
	                                json_object_get(j, "differences"), 0),
	                        "removed"),
	                0)),
	        "keeps");
	json_decref(j);
	ags_template_match_release(&m);
	match(&m, form,
	      "Agreement\n\n1. The author grants a license.\n2. The "
	      "publisher keeps the page.\n3. Nothing else moves.\n\nSigned: "
	      "Ada King\n");
	j = ags_template_match_json(&m);
	ck_assert(json_is_true(json_object_get(j, "matches")));
	ck_assert_str_eq(json_string_value(json_object_get(
	                         json_object_get(j, "fields"), "name")),
	                 "Ada King");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "differences")),
	                  0);
	json_decref(j);
	ags_template_match_release(&m);
}
END_TEST

/* ---------------------------------------------------------------------
 * The project's PMLR template on the real agreements.
 */

static const struct {
	const char *file, *title, *author, *date;
} real[] = {
        {"000_772113baa6c4798f.txt",
         "TeraPipe: Token-Level Pipeline Parallelism for Training "
         "Large-Scale Language Models",
         "Zhuohan Li", "06/09/2021"},
        {"004_42ae1ebd3b67d732.txt",
         "Occult: Optimizing Collaborative Communication Across Experts for "
         "Accelerated Parallel MoE Training and Inference",
         "Tianlong Chen", "2025/05/24"},
};

static struct ags_template *pmlr(void)
{
	struct ags_error err = {0};
	struct ags_template *t = NULL;
	size_t n, len;
	char *raw = tu_read_file(PMLR, &n), *c = NULL;

	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(
	        ags_canon_text(&c, &len, (uint8_t *)raw, n, PMLR, &err),
	        AGS_OK);
	ck_assert_msg(ags_template_parse(&t, c, len, PMLR, &err) == AGS_OK,
	              "%s line %ld", err.text, err.line);
	free(raw);
	free(c);
	return t;
}

/* The canonical text of real agreement i, or NULL when ../shared is not
 * there. */
static char *real_canon(int i, size_t *len)
{
	const char *dir = tu_shared_dir();
	char path[1024], *raw, *c = NULL;
	size_t n;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/agreements/%s", dir, real[i].file);
	raw = tu_read_file(path, &n);
	if (!raw)
		return NULL;
	ck_assert_int_eq(ags_canon_text(&c, len, (uint8_t *)raw, n, path, NULL),
	                 AGS_OK);
	free(raw);
	return c;
}

START_TEST(pmlr_matches_real_agreements)
{
	struct ags_template *t = pmlr();
	struct ags_template_match m;
	size_t len;
	char *c = real_canon(_i, &len);

	if (!c) {
		ags_template_free(t);
		return; /* no ../shared: nothing to check */
	}
	ck_assert_int_eq(ags_template_match(&m, t, c, len, NULL), AGS_OK);
	ck_assert_msg(m.matches, "%s: %zu differences, %s", real[_i].file,
	              m.ndiffs, m.problem);
	ck_assert_uint_eq(m.nfields, 3);
	ck_assert_str_eq(field(&m, "title"), real[_i].title);
	ck_assert_str_eq(field(&m, "corresponding_author"), real[_i].author);
	ck_assert_str_eq(field(&m, "agreement_date"), real[_i].date);
	ags_template_match_release(&m);
	ags_template_free(t);
	free(c);
}
END_TEST

/* Replaces the first occurrence of from in *s by to (s is malloc'd). */
static void edit(char **s, size_t *len, const char *from, const char *to)
{
	char *p = strstr(*s, from), *n;
	size_t a, b = strlen(from), k = strlen(to);

	ck_assert_ptr_nonnull(p);
	a = (size_t)(p - *s);
	n = malloc(*len - b + k + 1);
	memcpy(n, *s, a);
	memcpy(n + a, to, k);
	memcpy(n + a + k, p + b, *len - a - b + 1);
	free(*s);
	*s = n;
	*len = *len - b + k;
}

/* A changed word, a removed clause and an added clause in a real
 * agreement: each is reported with its paragraph. */
START_TEST(pmlr_reports_edits)
{
	static const struct {
		const char *from, *to;
		enum ags_template_diff_kind kind;
		const char *removed, *added;
		size_t tpara;
	} edits[] = {
	        {"laws of the Commonwealth of Massachusetts",
	         "laws of the State of Delaware", AGS_TEMPLATE_CHANGED,
	         "Commonwealth | Massachusetts.", "State | Delaware.", 19},
	        {"4. You retain ownership of all rights under copyright in all "
	         "versions of the article, and all rights not expressly "
	         "granted "
	         "in this agreement.\n",
	         "", AGS_TEMPLATE_REMOVED, "4. You retain ownership", NULL, 11},
	        {"\nI HAVE READ",
	         "\n8. The publisher may sell the article.\n\nI "
	         "HAVE READ",
	         AGS_TEMPLATE_ADDED, NULL,
	         "8. The publisher may sell the article.", 0},
	};
	struct ags_template *t = pmlr();
	struct ags_template_match m;
	char buf[1024];
	size_t len, k;
	char *c = real_canon(_i % 2, &len);

	if (!c) {
		ags_template_free(t);
		return;
	}
	k = (size_t)_i / 2;
	edit(&c, &len, edits[k].from, edits[k].to);
	ck_assert_int_eq(ags_template_match(&m, t, c, len, NULL), AGS_OK);
	ck_assert_int_eq(m.matches, 0);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_int_eq(m.diffs[0].kind, edits[k].kind);
	ck_assert_uint_eq(m.diffs[0].template_paragraph, edits[k].tpara);
	if (edits[k].kind != AGS_TEMPLATE_REMOVED)
		ck_assert_uint_gt(m.diffs[0].agreement_paragraph, 0);
	if (edits[k].removed) {
		runs(buf, sizeof(buf), &m.diffs[0], AGS_TEMPLATE_DELETED);
		ck_assert_msg(strstr(buf, edits[k].removed), "removed: %s",
		              buf);
	}
	if (edits[k].added) {
		runs(buf, sizeof(buf), &m.diffs[0], AGS_TEMPLATE_INSERTED);
		ck_assert_str_eq(buf, edits[k].added);
	}
	ags_template_match_release(&m);
	ags_template_free(t);
	free(c);
}
END_TEST

/* A clause inserted at each field of the PMLR template, in each real
 * agreement, without a blank line: on the line after the value (a short
 * clause), or on the value's own line (a clause longer than any field of
 * one line may hold). Each is a difference (issue 13, item 8). */
START_TEST(pmlr_field_holds_no_clause)
{
	static const char clause[] = "The author also assigns every right in "
	                             "the article to the publisher.";
	static const char tail[] = "assign to the publisher, for the full "
	                           "term of copyright and any renewal, every "
	                           "right in the article and in every version "
	                           "of it, in every medium now known or later "
	                           "made, and waive every right to be named as "
	                           "its author, with no payment of any kind, "
	                           "whatever any other clause of this "
	                           "agreement says, and agree that this "
	                           "clause comes first.";
	struct ags_template *t = pmlr();
	struct ags_template_match m;
	int which = _i % 2, f = (_i / 2) % 3, same_line = _i / 6;
	const char *values[3], *name = ags_template_field_name(t, (size_t)f);
	char buf[1024];
	size_t len, off;
	char *c = real_canon(which, &len), *p, *n;

	if (!c) {
		ags_template_free(t);
		return;
	}
	values[0] = real[which].title;
	values[1] = real[which].author;
	values[2] = real[which].date;
	ck_assert_ptr_nonnull(p = strstr(c, values[f]));
	off = (size_t)(strchr(p, '\n') - c); /* the end of the value's line */
	snprintf(buf, sizeof(buf), "%s%s",
	         same_line ? " I, the undersigned, " : "\n",
	         same_line ? tail : clause);
	n = malloc(len + strlen(buf) + 1);
	memcpy(n, c, off);
	memcpy(n + off, buf, strlen(buf));
	memcpy(n + off + strlen(buf), c + off, len - off + 1);
	len += strlen(buf);
	free(c);
	c = n;
	ck_assert_int_eq(ags_template_match(&m, t, c, len, NULL), AGS_OK);
	ck_assert_msg(!m.matches, "%s: a clause in field %s", real[which].file,
	              name);
	ck_assert_uint_eq(m.ndiffs, 1);
	ck_assert_int_eq(m.diffs[0].kind, AGS_TEMPLATE_CHANGED);
	runs(buf, sizeof(buf), &m.diffs[0], AGS_TEMPLATE_INSERTED);
	if (!same_line)
		ck_assert_str_eq(buf, clause);
	else if (f == 2) /* a date takes the date alone */
		ck_assert_msg(strncmp(buf, "I, the undersigned, ", 20) == 0 &&
		                      strcmp(buf + 20, tail) == 0,
		              "added '%s'", buf);
	else /* a field of one line takes at most 300 bytes of it */
		ck_assert_msg(buf[0] && strstr(tail, buf) &&
		                      strcmp(strstr(tail, buf), buf) == 0,
		              "%s: added '%s'", name, buf);
	ags_template_match_release(&m);
	ags_template_free(t);
	free(c);
}
END_TEST

START_TEST(extract_finds_no_template_fields)
{
	struct ags_metadata md;
	size_t n, len;
	char *raw = tu_read_file(PMLR, &n), *c = NULL;

	ck_assert_int_eq(
	        ags_canon_text(&c, &len, (uint8_t *)raw, n, PMLR, NULL),
	        AGS_OK);
	ags_metadata_init(&md);
	ck_assert_int_eq(ags_extract(&md, c, len, NULL), AGS_OK);
	ck_assert_ptr_null(md.title);
	ck_assert_ptr_null(md.corresponding_author);
	ck_assert_ptr_null(md.agreement_date);
	ck_assert_str_eq(md.publisher, "PMLR");
	ck_assert_str_eq(md.license, "CC-BY-4.0");
	ags_metadata_release(&md);
	free(raw);
	free(c);
}
END_TEST

/* ---------------------------------------------------------------------
 * Signed templates.
 */

static const char tmpl[] = V2 "Agreement for {{title}} (the article).\n\n"
                              "The author grants a license.\n";
static const char agreement_text[] = "Agreement for On Engines (the "
                                     "article).\n\nThe author grants a "
                                     "license.\n";

static struct ags_seckey *press, *rogue;
static char dir[32];
static char tpath[64], epath[64];
static struct ags_trust trust;

static void write_file(const char *path, const char *s, size_t n)
{
	ck_assert_int_eq(ags_file_write_atomic(path, s, n, 0644, 1, NULL),
	                 AGS_OK);
}

/* Writes tmpl and its envelope signed by sk in role, as a template
 * (is_template) or, wrongly, as an agreement. */
static void sign_as_kind(struct ags_seckey *sk, enum ags_role role,
                         int is_template)
{
	struct ags_signer s = {sk->pub.name, NULL, NULL, role, T0};
	struct ags_envelope env;
	size_t len, n;
	char *c = canon_of(tmpl, &len), *out = NULL;

	ags_envelope_init(&env);
	ags_agreement_bind(&env.agreement, c, len);
	env.agreement.is_template = is_template;
	ck_assert_int_eq(ags_sign_append(&env, sk, &s, 0, NULL), AGS_OK);
	ck_assert_int_eq(ags_envelope_format(&out, &n, &env, NULL), AGS_OK);
	write_file(epath, out, n);
	write_file(tpath, tmpl, strlen(tmpl));
	free(out);
	free(c);
	ags_envelope_release(&env);
}

static void sign_template(struct ags_seckey *sk, enum ags_role role)
{
	sign_as_kind(sk, role, 1);
}

static void signed_setup(void)
{
	char b64[64], buf[512];

	strcpy(dir, "/tmp/ags-template-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(tpath, sizeof(tpath), "%s/t.tmpl", dir);
	snprintf(epath, sizeof(epath), "%s/t.tmpl.sig.json", dir);
	ck_assert_int_eq(ags_seckey_generate(&press, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&press->pub, "Example Press",
	                                         NULL, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_seckey_generate(&rogue, NULL), AGS_OK);
	ck_assert_int_eq(ags_pubkey_set_identity(&rogue->pub, "Rogue Press",
	                                         NULL, NULL, NULL),
	                 AGS_OK);
	sodium_bin2base64(b64, sizeof(b64), press->pub.pk, 32,
	                  sodium_base64_VARIANT_ORIGINAL);
	snprintf(buf, sizeof(buf),
	         "agreesign trust v1\n\"Example Press\" %s "
	         "roles=publisher,author\n",
	         b64);
	ags_trust_init(&trust);
	ck_assert_int_eq(ags_trust_parse(&trust, buf, strlen(buf), "t", NULL),
	                 AGS_OK);
}

static void signed_teardown(void)
{
	unlink(tpath);
	unlink(epath);
	rmdir(dir);
	ags_seckey_free(press);
	ags_seckey_free(rogue);
	ags_trust_release(&trust);
}

static struct ags_template_check *verify_template(const char *agreement)
{
	struct ags_template_check *tc = NULL;
	struct ags_error err = {0};
	size_t len;
	char *c = canon_of(agreement, &len);

	ck_assert_msg(ags_template_verify(&tc, epath, NULL, c, len, &trust,
	                                  &err) == AGS_OK,
	              "%s: %s", err.source, err.text);
	free(c);
	return tc;
}

START_TEST(signed_template_verifies)
{
	struct ags_template_check *tc;
	struct ags_report r = {0};
	json_t *j;

	sign_template(press, AGS_ROLE_PUBLISHER);
	tc = verify_template(agreement_text);
	ck_assert_msg(tc->verified, "%s", tc->detail);
	ck_assert_str_eq(tc->match.fields[0].value, "On Engines");
	ck_assert_str_eq(tc->text_path, tpath);
	j = ags_template_check_json(tc);
	ck_assert(json_is_true(json_object_get(j, "verified")));
	ck_assert(json_is_true(
	        json_object_get(json_object_get(j, "signed"), "verified")));
	json_decref(j);
	/* A verified template leaves the report's verdict alone. */
	r.verified = 1;
	ags_report_set_template(&r, tc);
	ck_assert_int_eq(r.verified, 1);
	ags_report_release(&r);
}
END_TEST

/* A publisher's signature on an agreement is not a signed template, even
 * over the same text. */
START_TEST(agreement_envelope_is_no_template)
{
	struct ags_template_check *tc;

	sign_as_kind(press, AGS_ROLE_PUBLISHER, 0);
	tc = verify_template(agreement_text);
	ck_assert_int_eq(tc->verified, 0);
	ck_assert_msg(strstr(tc->detail, "not a template") != NULL, "%s",
	              tc->detail);
	{
		struct ags_report r = {0};
		ags_report_set_template(&r, tc); /* takes tc */
		ags_report_release(&r);
	}
}
END_TEST

START_TEST(untrusted_template_fails)
{
	struct ags_template_check *tc;
	struct ags_report r = {0};

	sign_template(rogue, AGS_ROLE_PUBLISHER);
	tc = verify_template(agreement_text);
	ck_assert_int_eq(tc->verified, 0);
	ck_assert_int_eq(tc->match.matches, 1);
	ck_assert_msg(strstr(tc->detail, "not trusted"), "%s", tc->detail);
	r.verified = 1;
	ags_report_set_template(&r, tc);
	ck_assert_int_eq(r.verified, 0);
	ck_assert_msg(strncmp(r.policy_detail, "template: ", 10) == 0, "%s",
	              r.policy_detail);
	ags_report_release(&r);
}
END_TEST

START_TEST(template_needs_a_publisher)
{
	struct ags_template_check *tc;

	sign_template(press, AGS_ROLE_AUTHOR);
	tc = verify_template(agreement_text);
	ck_assert_int_eq(tc->verified, 0);
	ck_assert_msg(strstr(tc->detail, "publisher"), "%s", tc->detail);
	ags_template_check_free(tc);
}
END_TEST

START_TEST(template_text_must_be_the_signed_one)
{
	static const char other[] = V2 "Agreement for {{title}} (the "
	                               "article).\n\n"
	                               "The author grants nothing.\n";
	struct ags_template_check *tc;

	sign_template(press, AGS_ROLE_PUBLISHER);
	write_file(tpath, other, strlen(other));
	tc = verify_template("Agreement for X (the article).\n\nThe author "
	                     "grants nothing.\n");
	ck_assert_int_eq(tc->verified, 0);
	ck_assert_int_eq(tc->match.matches, 1);
	ck_assert_msg(strstr(tc->detail, "not the template that was signed"),
	              "%s", tc->detail);
	ags_template_check_free(tc);
}
END_TEST

START_TEST(agreement_must_match_signed_template)
{
	struct ags_template_check *tc;

	sign_template(press, AGS_ROLE_PUBLISHER);
	tc = verify_template("Agreement for X (the article).\n\nThe author "
	                     "grants every right.\n");
	ck_assert_int_eq(tc->verified, 0);
	ck_assert_uint_eq(tc->match.ndiffs, 1);
	ck_assert_msg(strstr(tc->detail, "differs from the template in 1 "
	                                 "paragraph"),
	              "%s", tc->detail);
	ags_template_check_free(tc);
}
END_TEST

START_TEST(template_files_must_be_there)
{
	struct ags_template_check *tc = NULL;
	struct ags_error err = {0};

	ck_assert_int_eq(ags_template_verify(&tc, "/nonexistent/t.sig.json",
	                                     NULL, "x\n", 2, &trust, &err),
	                 AGS_ERR_IO);
	ck_assert_ptr_null(tc);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_template_verify(&tc, "t.json", NULL, "x\n", 2,
	                                     &trust, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_null(tc);
}
END_TEST

/* What sign refuses to sign as an agreement: a {{...}} closed within one
 * word, as the parser reads it; its place in code points. */
START_TEST(find_directive)
{
	static const struct {
		const char *text;
		int found;
		size_t off, len;
		long line, column;
	} cases[] = {
	        {"{{agreesign-template/v2}}\nText.\n", 1, 0, 25, 1, 1},
	        {"Title: {{title}}\n", 1, 7, 9, 1, 8},
	        {"a\n\xc3\xa9t\xc3\xa9 {{?x}}\n", 1, 8, 6, 2, 5},
	        {"agreement{{<sup>1</sup>|\xc2\xb9}}\n", 1, 9, 19, 1, 10},
	        {"sets {{ a, b }} and x}} {{y\n", 0, 0, 0, 0, 0},
	        {"{{}}\n", 1, 0, 4, 1, 1},
	        {"no braces at all\n", 0, 0, 0, 0, 0},
	        {"{\n{}}\n", 0, 0, 0, 0, 0},
	};
	struct ags_template_spot at;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&at, 0, sizeof(at));
		ck_assert_int_eq(
		        ags_template_find_directive(&at, cases[i].text,
		                                    strlen(cases[i].text)),
		        cases[i].found);
		if (!cases[i].found)
			continue;
		ck_assert_uint_eq(at.off, cases[i].off);
		ck_assert_uint_eq(at.len, cases[i].len);
		ck_assert_int_eq(at.line, cases[i].line);
		ck_assert_int_eq(at.column, cases[i].column);
	}
	ck_assert_int_eq(ags_template_find_directive(NULL, "{{x}}\n", 6), 1);
}
END_TEST

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *syntax = tcase_create("syntax");
	TCase *matching = tcase_create("matching");
	TCase *diffs = tcase_create("differences");
	TCase *pm = tcase_create("pmlr");
	TCase *sig = tcase_create("signed");

	tcase_add_loop_test(syntax, syntax_errors, 0,
	                    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(syntax, fields_and_identity);
	tcase_add_test(syntax, find_directive);
	tcase_add_test(matching, white_space_never_counts);
	tcase_add_test(matching, fields_take_words_of_one_line);
	tcase_add_test(matching, field_of_several_lines);
	tcase_add_loop_test(matching, date_field, 0,
	                    (int)(sizeof(dates) / sizeof(dates[0])));
	tcase_add_test(matching, date_field_takes_no_clause);
	tcase_add_test(matching, shortest_field_and_repeated_fields);
	tcase_add_test(matching, repeated_field_is_a_condition);
	tcase_add_test(matching, hostile_repeated_field);
	tcase_add_test(matching, hostile_interleaved_fields);
	tcase_add_test(matching, hostile_many_fields);
	tcase_add_test(matching, decoration);
	tcase_add_loop_test(matching, long_values_in_problem, 0, 6);
	tcase_add_test(matching, long_field_is_refused);
	tcase_add_test(diffs, changed_word);
	tcase_add_test(diffs, removed_and_added_clauses);
	tcase_add_test(diffs, match_json);
	tcase_add_loop_test(pm, pmlr_matches_real_agreements, 0, 2);
	tcase_add_loop_test(pm, pmlr_reports_edits, 0, 6);
	tcase_add_loop_test(pm, pmlr_field_holds_no_clause, 0, 12);
	tcase_add_test(pm, extract_finds_no_template_fields);
	tcase_add_checked_fixture(sig, signed_setup, signed_teardown);
	tcase_add_test(sig, signed_template_verifies);
	tcase_add_test(sig, agreement_envelope_is_no_template);
	tcase_add_test(sig, untrusted_template_fails);
	tcase_add_test(sig, template_needs_a_publisher);
	tcase_add_test(sig, template_text_must_be_the_signed_one);
	tcase_add_test(sig, agreement_must_match_signed_template);
	tcase_add_test(sig, template_files_must_be_there);
	suite_add_tcase(s, syntax);
	suite_add_tcase(s, matching);
	suite_add_tcase(s, diffs);
	suite_add_tcase(s, pm);
	suite_add_tcase(s, sig);
	return s;
}
