/* Metadata extraction: reads title, author, venue, publisher, license and
 * date out of an agreement's canonical text. Each field is the text
 * between two anchor phrases of the agreement form; a field whose anchors
 * are missing, or whose value is empty, too long or ambiguous, stays NULL,
 * because a wrong value in a signed statement is worse than none.
 * The rules are written down in spec/extraction.md; extract_scan.c finds
 * the anchors and cleans the values. */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#define NFIELDS 6

/* ---------------------------------------------------------------------
 * The fields. Each sets *out to a malloc'd value or NULL.
 */

#define ARTICLE_MARK     "(~\"the article\"~)"
#define PROCEEDINGS_MARK "(~\"the proceedings\"~)"
#define PUBLISHER_MARK   "(~\"the publisher\"~)"

/* Between "currently entitled" (and an optional colon) and the article
 * mark that follows it. */
static enum ags_err find_title(char **out, const char *t, size_t n)
{
	struct ags_ex_hit a, b;
	size_t from;

	*out = NULL;
	if (!ags_ex_find_first(&a, t, n, 0, n, "currently entitled"))
		return AGS_OK;
	from = a.end < n && t[a.end] == ':' ? a.end + 1 : a.end;
	if (!ags_ex_find_first(&b, t, n, from, n, ARTICLE_MARK))
		return AGS_OK;
	return ags_ex_span_value(out, t, from, b.start, false);
}

/* Between "The parties to this Agreement are:" and the "(name of
 * corresponding author" caption under the blank the name is written on. */
static enum ags_err find_author(char **out, const char *t, size_t n)
{
	struct ags_ex_hit a, b;

	*out = NULL;
	if (!ags_ex_find_first(&a, t, n, 0, n,
	                       "the parties to this agreement are~:"))
		return AGS_OK;
	if (!ags_ex_find_first(&b, t, n, a.end, n,
	                       "(~name of corresponding author"))
		return AGS_OK;
	return ags_ex_span_value(out, t, a.end, b.start, false);
}

/* True when t[i] does not continue a word, so that a match at i starts
 * a word of its own. */
static bool word_start(const char *t, size_t i)
{
	return i == 0 || !ags_ex_is_alnum(t[i - 1]);
}

/* X in "published in X (“the proceedings”)", within one paragraph. */
static enum ags_err find_proceedings(char **out, const char *t, size_t n)
{
	struct ags_ex_hit m, a;
	size_t ps;

	*out = NULL;
	if (!ags_ex_find_first(&m, t, n, 0, n, PROCEEDINGS_MARK))
		return AGS_OK;
	ps = ags_ex_para_start(t, m.start);
	if (!ags_ex_find_last(&a, t, ps, m.start, "published in ") ||
	    !word_start(t, a.start) || ags_ex_has_blank_line(t, a.end, m.start))
		return AGS_OK;
	return ags_ex_span_value(out, t, a.end, m.start, true);
}

/* X in "and X, (“the publisher”)": the text after the first word "and"
 * that follows the last ')' before the mark (or the paragraph start).
 * Starting after the ')' keeps a preceding parenthetical such as
 * (… “you”) out; taking the first "and" keeps "Smith and Sons" whole. */
static enum ags_err find_publisher(char **out, const char *t, size_t n)
{
	struct ags_ex_hit m, a;
	size_t from, i;

	*out = NULL;
	if (!ags_ex_find_first(&m, t, n, 0, n, PUBLISHER_MARK))
		return AGS_OK;
	from = ags_ex_para_start(t, m.start);
	for (i = from; i < m.start; i++)
		if (t[i] == ')')
			from = i + 1;
	for (i = from; ags_ex_find_first(&a, t, m.start, i, m.start, "and ");
	     i = a.start + 1)
		if (word_start(t, a.start))
			return ags_ex_span_value(out, t, a.end, m.start, true);
	return AGS_OK;
}

/* ---------------------------------------------------------------------
 * License: from Creative Commons URLs. Only the six CC licenses and the
 * CC0 dedication are recognised; an unknown kind is not a license we can
 * name, and two different licenses leave the field absent.
 */

/* "CC-BY-NC-SA-" and an 8-byte version fit. */
#define CC_ID_MAX 32

static const char *const cc_kinds[] = {"by",    "by-sa",    "by-nd",
                                       "by-nc", "by-nc-sa", "by-nc-nd"};

/* Length of a version "D.D" (digits, one dot, digits; at most 8 bytes)
 * at t[i] that the URL does not continue with a letter, digit or a
 * further ".D", or 0. */
static size_t version_len(const char *t, size_t n, size_t i)
{
	size_t k = i, dot;

	while (k < n && t[k] >= '0' && t[k] <= '9')
		k++;
	if (k == i || k >= n || t[k] != '.')
		return 0;
	dot = ++k;
	while (k < n && t[k] >= '0' && t[k] <= '9')
		k++;
	if (k == dot || k - i > 8 || (k < n && ags_ex_is_alnum(t[k])))
		return 0;
	if (k + 1 < n && t[k] == '.' && t[k + 1] >= '0' && t[k + 1] <= '9')
		return 0;
	return k - i;
}

/* Appends s (n bytes) to the NUL-terminated id; the callers' lengths
 * keep it within CC_ID_MAX. */
static void id_append(char *id, const char *s, size_t n)
{
	size_t o = strlen(id), j;

	for (j = 0; j < n; j++)
		id[o + j] = s[j] >= 'a' && s[j] <= 'z'
		                    ? (char)(s[j] - 'a' + 'A')
		                    : s[j];
	id[o + n] = '\0';
}

/* Appends the kind ("BY-SA-") when t[i..] starts with a known kind and a
 * '/'; returns the bytes read, or 0. */
static size_t cc_kind(char *id, const char *t, size_t n, size_t i)
{
	size_t k, len;

	for (k = 0; k < sizeof(cc_kinds) / sizeof(cc_kinds[0]); k++) {
		len = strlen(cc_kinds[k]);
		if (ags_ex_starts_ci(t + i, n - i, cc_kinds[k]) &&
		    i + len < n && t[i + len] == '/') {
			id_append(id, cc_kinds[k], len);
			id_append(id, "-", 1);
			return len + 1;
		}
	}
	return 0;
}

/* The license id named by the URL path at t[i] (just after
 * "creativecommons.org/"), into id; false when it names none. */
static bool cc_license_at(char id[CC_ID_MAX], const char *t, size_t n, size_t i)
{
	size_t k, v;

	id[0] = '\0';
	if ((k = ags_ex_match_at(t, n, i, "licenses/")) != 0) {
		id_append(id, "CC-", 3);
		if ((v = cc_kind(id, t, n, k)) == 0)
			return false;
		k += v;
	} else if ((k = ags_ex_match_at(t, n, i, "publicdomain/zero/")) != 0) {
		id_append(id, "CC0-", 4);
	} else {
		return false;
	}
	if ((v = version_len(t, n, k)) == 0)
		return false;
	id_append(id, t + k, v);
	return true;
}

static enum ags_err find_license(char **out, const char *t, size_t n)
{
	char id[CC_ID_MAX], first[CC_ID_MAX] = "";
	struct ags_ex_hit h;
	size_t i = 0;

	*out = NULL;
	while (ags_ex_find_first(&h, t, n, i, n, "creativecommons.org/")) {
		i = h.end;
		if (!cc_license_at(id, t, n, h.end))
			continue;
		if (first[0] && strcmp(first, id) != 0)
			return AGS_OK;
		memcpy(first, id, sizeof(id));
	}
	return ags_ex_accept_value(out, first, strlen(first));
}

/* ---------------------------------------------------------------------
 * Date: a form label "Date:" at the start of a line (after list marks
 * and emphasis), with the value after it or on the next non-empty line.
 */

/* When the cleaned line s (n bytes) is a form label, "Word words: rest"
 * (letters, non-ASCII letters and spaces, no digits, then a colon),
 * returns the offset just after the colon and sets *label_at and
 * *label_len; else 0. List marks ("- ", "* ", "+ ") are skipped. */
static size_t form_label(const char *s, size_t n, size_t *label_at,
                         size_t *label_len)
{
	size_t i = 0, k;

	while (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
	       s[i + 1] == ' ')
		i += 2;
	for (k = i;
	     k < n && (ags_ex_is_alnum(s[k]) || s[k] == ' ' || s[k] & 0x80);
	     k++)
		if (s[k] >= '0' && s[k] <= '9')
			return 0;
	if (k == i || k >= n || s[k] != ':' || s[i] == ' ')
		return 0;
	*label_at = i;
	*label_len = k - i;
	return k + 1;
}

/* When line t[i..e) is the label "Date:", sets *found and sets *out to
 * the value written after the colon on that line (NULL when none). */
static enum ags_err date_on_line(char **out, bool *found, const char *t,
                                 size_t i, size_t e)
{
	size_t len, after, at, ll;
	enum ags_err rc = AGS_OK;
	struct ags_ex_hit h;
	char *s;

	/* Cleaning allocates: look only at lines that can hold the label. */
	*found = false;
	if (!ags_ex_find_first(&h, t, e, i, e, "date"))
		return AGS_OK;
	if (!(s = ags_ex_clean_line(&len, t, i, e)))
		return AGS_ERR_NOMEM;
	after = form_label(s, len, &at, &ll);
	*found = after && ll == 4 && ags_ex_starts_ci(s + at, 4, "date");
	if (*found)
		rc = ags_ex_span_value(out, s, after, len, false);
	free(s);
	return rc;
}

/* The value of the first non-empty line from t[i]: none when that line is
 * a rule or another form label, since then the date was left blank. */
static enum ags_err date_next_line(char **out, const char *t, size_t n,
                                   size_t i)
{
	size_t e, len, at, ll;
	char *s;
	enum ags_err rc;

	for (; i < n; i = e + 1) {
		e = ags_ex_line_end(t, n, i);
		if (!ags_ex_is_blank(t + i, e - i))
			break;
	}
	if (i >= n || ags_ex_is_rule(t + i, e - i))
		return AGS_OK;
	if (!(s = ags_ex_clean_line(&len, t, i, e)))
		return AGS_ERR_NOMEM;
	rc = AGS_OK;
	if (form_label(s, len, &at, &ll) == 0)
		rc = ags_ex_span_value(out, s, 0, len, false);
	free(s);
	return rc;
}

static enum ags_err find_date(char **out, const char *t, size_t n)
{
	enum ags_err rc = AGS_OK;
	bool found = false;
	size_t i, e = 0;

	*out = NULL;
	for (i = 0; i < n && !found && rc == AGS_OK; i = e + 1) {
		e = ags_ex_line_end(t, n, i);
		rc = date_on_line(out, &found, t, i, e);
	}
	if (rc == AGS_OK && found && !*out && e < n)
		rc = date_next_line(out, t, n, e + 1);
	return rc;
}

/* ---------------------------------------------------------------------
 * Public functions.
 */

typedef enum ags_err (*finder)(char **out, const char *t, size_t n);

/* In the order of struct ags_metadata's fields. */
static const struct {
	const char *key;
	finder find;
} fields[NFIELDS] = {
        {"title", find_title},
        {"corresponding_author", find_author},
        {"proceedings", find_proceedings},
        {"publisher", find_publisher},
        {"license", find_license},
        {"agreement_date", find_date},
};

static void slots(char **s[NFIELDS], struct ags_metadata *md)
{
	s[0] = &md->title;
	s[1] = &md->corresponding_author;
	s[2] = &md->proceedings;
	s[3] = &md->publisher;
	s[4] = &md->license;
	s[5] = &md->agreement_date;
}

void ags_metadata_init(struct ags_metadata *md)
{
	memset(md, 0, sizeof(*md));
}

void ags_metadata_release(struct ags_metadata *md)
{
	char **s[NFIELDS];
	size_t i;

	if (!md)
		return;
	slots(s, md);
	for (i = 0; i < NFIELDS; i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

enum ags_err ags_extract(struct ags_metadata *md, const char *canon,
                         size_t canon_len, struct ags_error *err)
{
	char **s[NFIELDS];
	enum ags_err rc;
	size_t i;

	if (!md || (!canon && canon_len > 0))
		return ags_error_set(err, AGS_ERR_INVALID, "metadata", 0, 0,
		                     "no metadata record or no text");
	if (canon_len > AGS_TEXT_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, "metadata", 0, 0,
		                     "text is longer than %u bytes",
		                     AGS_TEXT_MAX);
	ags_metadata_release(md);
	slots(s, md);
	for (i = 0; i < NFIELDS; i++) {
		rc = fields[i].find(s[i], canon ? canon : "", canon_len);
		if (rc != AGS_OK) {
			ags_metadata_release(md);
			return ags_error_set(err, rc, fields[i].key, 0, 0,
			                     "out of memory while extracting");
		}
	}
	return AGS_OK;
}

json_t *ags_metadata_to_json(const struct ags_metadata *md)
{
	struct ags_metadata view;
	char **s[NFIELDS];
	json_t *obj;
	size_t i;

	if (!md || !(obj = json_object()))
		return NULL;
	view = *md; /* a shallow copy, only read: slots() takes no const */
	slots(s, &view);
	for (i = 0; i < NFIELDS; i++) {
		if (*s[i] && json_object_set_new(obj, fields[i].key,
		                                 json_string(*s[i])) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}
