/* A strict JSON reader that builds jansson trees, for the hot paths
 * (envelopes and batch manifest lines): json_loadb reads one character at
 * a time through a callback and copies every token into a string buffer,
 * about 145 instructions a byte; this reader walks the buffer in place.
 *
 * It accepts exactly what json_loadb(buf, len, JSON_REJECT_DUPLICATES)
 * accepts on input without a NUL byte, and builds an equal tree, members
 * in document order: an object or array at top level, nothing but white
 * space (space, tab, LF, CR) around it; strings of well-formed UTF-8 (no
 * overlong forms, surrogates or code points above U+10FFFF) without raw
 * control characters, U+0000 or unpaired \u surrogates; integers within
 * int64 (jansson uses strtoll); reals that do not overflow; duplicate keys
 * refused (byte-exact); values at most JSON_PARSER_MAX_DEPTH deep, scalars
 * counted. tests/check_json_read.c and tests/fuzz/fuzz_json.c compare the
 * two parsers input by input.
 *
 * This file builds the tree and reports refusals; json_scan.c reads the
 * tokens (strings, numbers, literals). */
#include "json_scan.h"

#include <stdlib.h>
#include <string.h>

/* jansson counts every value it reads, scalars too, from 1 at top level,
 * and refuses a value deeper than this. */
#define MAX_DEPTH ((size_t)JSON_PARSER_MAX_DEPTH)

static json_t *read_value(struct ags_json_rd *r);

/* Appends elements to a until the closing bracket; r->p is after '['. */
static int read_elements(struct ags_json_rd *r, json_t *a)
{
	json_t *v;

	ags_json_skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (!(v = read_value(r)))
			return -1;
		if (json_array_append_new(a, v) < 0)
			return ags_json_nomem(r);
		ags_json_skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ags_json_skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		return ags_json_bad(r, r->p, "',' or ']' expected");
	}
}

/* Adds key (n bytes) and v to o. A duplicate key replaces the old value
 * rather than growing the object: one hash lookup instead of two (get,
 * then set), and the tree is thrown away anyway. */
static int add_member(struct ags_json_rd *r, json_t *o, const char *key,
                      size_t n, json_t *v, const unsigned char *key_at)
{
	size_t size = json_object_size(o);

	if (json_object_setn_new_nocheck(o, key, n, v) < 0)
		return ags_json_nomem(r);
	if (json_object_size(o) == size)
		return ags_json_bad(r, key_at, "duplicate object key");
	return 0;
}

/* Reads one "key": value member into o; r->p is at the key's quote. */
static int read_member(struct ags_json_rd *r, json_t *o)
{
	const unsigned char *key_at = r->p;
	const char *key;
	char *copy = NULL;
	size_t n;
	json_t *v;
	int rc;

	if (ags_json_scan_string(r, &key, &n) < 0)
		return -1;
	/* An escaped key lives in r->scratch, which the value may reuse. */
	if (key == r->scratch && !(key = copy = ags_strndup(key, n)))
		return ags_json_nomem(r);
	ags_json_skip_ws(r);
	if (r->p == r->end || *r->p != ':') {
		rc = ags_json_bad(r, r->p, "':' expected");
	} else {
		r->p++;
		ags_json_skip_ws(r);
		v = read_value(r);
		rc = v ? add_member(r, o, key, n, v, key_at) : -1;
	}
	free(copy);
	return rc;
}

/* Adds members to o until the closing brace; r->p is after '{'. */
static int read_members(struct ags_json_rd *r, json_t *o)
{
	ags_json_skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (r->p == r->end || *r->p != '"')
			return ags_json_bad(r, r->p, "string expected");
		if (read_member(r, o) < 0)
			return -1;
		ags_json_skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ags_json_skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		return ags_json_bad(r, r->p, "',' or '}' expected");
	}
}

/* An array or object at r->p, its elements one level deeper. */
static json_t *read_container(struct ags_json_rd *r)
{
	int object = *r->p++ == '{';
	json_t *c = object ? json_object() : json_array();
	int rc;

	if (!c) {
		ags_json_nomem(r);
		return NULL;
	}
	rc = object ? read_members(r, c) : read_elements(r, c);
	if (rc < 0) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static json_t *read_string_value(struct ags_json_rd *r)
{
	const char *s;
	size_t n;
	json_t *v;

	if (ags_json_scan_string(r, &s, &n) < 0)
		return NULL;
	/* Already checked: well-formed UTF-8, no U+0000. */
	if (!(v = json_stringn_nocheck(s, n)))
		ags_json_nomem(r);
	return v;
}

/* Reads the value at r->p, which is not white space. */
static json_t *read_value(struct ags_json_rd *r)
{
	json_t *v;

	if (r->p == r->end) {
		ags_json_bad(r, r->p, "premature end of input");
		return NULL;
	}
	if (++r->depth > MAX_DEPTH) {
		ags_json_bad(r, r->p, "maximum nesting depth reached");
		return NULL;
	}
	if (*r->p == '{' || *r->p == '[')
		v = read_container(r);
	else if (*r->p == '"')
		v = read_string_value(r);
	else if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
		v = ags_json_scan_number(r);
	else
		v = ags_json_scan_literal(r);
	if (v)
		r->depth--;
	return v;
}

/* The top level: an object or array, white space around it, nothing else. */
static json_t *read_document(struct ags_json_rd *r)
{
	json_t *v;

	ags_json_skip_ws(r);
	if (r->p == r->end || (*r->p != '{' && *r->p != '[')) {
		ags_json_bad(r, r->p, "'[' or '{' expected");
		return NULL;
	}
	if (!(v = read_value(r)))
		return NULL;
	ags_json_skip_ws(r);
	if (r->p != r->end) {
		ags_json_bad(r, r->p, "end of input expected");
		json_decref(v);
		return NULL;
	}
	return v;
}

/* The 1-based line and column (in code points, as jansson counts) of at. */
static void position(const unsigned char *buf, const unsigned char *at,
                     long *line, long *column)
{
	const unsigned char *p;

	*line = 1;
	*column = 1;
	for (p = buf; p < at; p++) {
		if (*p == '\n') {
			++*line;
			*column = 1;
		} else if ((*p & 0xc0) != 0x80) {
			++*column;
		}
	}
}

static void note(struct ags_json_notes *notes, const struct ags_json_rd *r,
                 const char *buf)
{
	notes->minus_zero_line = notes->minus_zero_column = 0;
	if (r->minus_zero)
		position((const unsigned char *)buf, r->minus_zero,
		         &notes->minus_zero_line, &notes->minus_zero_column);
}

/* Refused input. The message and position are jansson's, so that what
 * users and tests see stays what json_loadb said before this reader
 * replaced it (refusals are rare; reading twice costs nothing that
 * matters). Only when jansson accepts, which the tests treat as a bug of
 * this reader, are they our own. */
static enum ags_err refused(const struct ags_json_rd *r, const char *buf,
                            size_t len, const char *source,
                            struct ags_error *err)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	long line, column;

	if (!j)
		return ags_error_set(err, AGS_ERR_JSON, source, je.line,
		                     je.column, "malformed JSON: %s", je.text);
	json_decref(j);
	position((const unsigned char *)buf, r->at ? r->at : r->p, &line,
	         &column);
	return ags_error_set(err, AGS_ERR_JSON, source, line, column,
	                     "malformed JSON: %s",
	                     r->why ? r->why : "invalid JSON");
}

enum ags_err ags_json_parse(json_t **out, const char *buf, size_t len,
                            const char *source, struct ags_error *err)
{
	return ags_json_parse_noted(out, NULL, buf, len, source, err);
}

enum ags_err ags_json_parse_noted(json_t **out, struct ags_json_notes *notes,
                                  const char *buf, size_t len,
                                  const char *source, struct ags_error *err)
{
	struct ags_json_rd r = {0};
	const char *nul = len ? memchr(buf, '\0', len) : NULL;
	long line, column;
	json_t *v;

	*out = NULL;
	/* jansson skips some NUL bytes (after a number or a literal); we
	 * never accept one. */
	if (nul) {
		position((const unsigned char *)buf, (const unsigned char *)nul,
		         &line, &column);
		return ags_error_set(err, AGS_ERR_JSON, source, line, column,
		                     "malformed JSON: NUL byte");
	}
	r.p = (const unsigned char *)buf;
	r.end = r.p + len;
	v = read_document(&r);
	free(r.scratch);
	if (v) {
		*out = v;
		if (notes)
			note(notes, &r, buf);
		return AGS_OK;
	}
	if (r.nomem)
		return ags_error_set(err, AGS_ERR_NOMEM, source, 0, 0,
		                     "out of memory while reading JSON");
	return refused(&r, buf, len, source, err);
}
