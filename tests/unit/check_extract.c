/* Metadata extraction (src/lib/text/extract.c, extract_scan.c): the two
 * real PMLR agreements and variants made from them by string edits at run
 * time (their text is read from the shared folder, never copied here), the
 * project's own sample agreement, synthetic edge cases, garbage, and the
 * JSON form. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreesign.h"
#include "test_util.h"

enum { F_TITLE, F_AUTHOR, F_PROC, F_PUB, F_LIC, F_DATE, NF, F_NONE = -1 };

static const char *const field_names[NF] = {
        "title",   "corresponding_author", "proceedings", "publisher",
        "license", "agreement_date"};

struct expect {
	const char *v[NF]; /* NULL: the field must be absent */
};

static const char *field(const struct ags_metadata *md, int f)
{
	switch (f) {
	case F_TITLE: return md->title;
	case F_AUTHOR: return md->corresponding_author;
	case F_PROC: return md->proceedings;
	case F_PUB: return md->publisher;
	case F_LIC: return md->license;
	default: return md->agreement_date;
	}
}

static void check_md(const struct ags_metadata *md, const struct expect *e,
                     const char *what)
{
	int f;

	for (f = 0; f < NF; f++) {
		const char *got = field(md, f);
		if (!e->v[f])
			ck_assert_msg(got == NULL,
			              "%s: %s is '%s', want absent", what,
			              field_names[f], got);
		else
			ck_assert_msg(got && strcmp(got, e->v[f]) == 0,
			              "%s: %s is '%s', want '%s'", what,
			              field_names[f], got ? got : "(absent)",
			              e->v[f]);
	}
}

static const struct expect none = {{NULL, NULL, NULL, NULL, NULL, NULL}};

/* Extracts from text (n bytes), requiring success, and checks md. */
static void extract_expect(const char *text, size_t n, const struct expect *e,
                           const char *what)
{
	struct ags_metadata md;
	struct ags_error err;
	enum ags_err rc;

	ags_metadata_init(&md);
	ags_error_clear(&err);
	rc = ags_extract(&md, text, n, &err);
	ck_assert_msg(rc == AGS_OK, "%s: extract failed: %s", what, err.text);
	check_md(&md, e, what);
	ags_metadata_release(&md);
}

/* The text/v1 form of s; the caller frees it. */
static char *canon(const char *s, size_t n, size_t *out_len)
{
	struct ags_error err;
	char *out = NULL;
	enum ags_err rc;

	ags_error_clear(&err);
	rc = ags_canon_text(&out, out_len, (const uint8_t *)s, n, "test", &err);
	ck_assert_msg(rc == AGS_OK, "canon failed: %s (line %ld)", err.text,
	              err.line);
	return out;
}

/* Checks extraction from s as given and from its canonical form: the
 * extractor must read both alike. */
static void extract_both(const char *s, const struct expect *e,
                         const char *what)
{
	char label[256];
	size_t n;
	char *c;

	snprintf(label, sizeof(label), "%s (as given)", what);
	extract_expect(s, strlen(s), e, label);
	c = canon(s, strlen(s), &n);
	snprintf(label, sizeof(label), "%s (canonical)", what);
	extract_expect(c, n, e, label);
	free(c);
}

/* A copy of s with the first (or, when all, every) occurrence of find
 * replaced by repl; find must occur. */
static char *edit(char *s, const char *find, const char *repl, int all)
{
	size_t fl = strlen(find), rl = strlen(repl), count = 0, o = 0;
	const char *p = s, *q;
	char *out;

	for (q = s; (q = strstr(q, find)) != NULL && (all || !count); q += fl)
		count++;
	ck_assert_msg(count > 0, "edit: '%s' not in the text", find);
	out = malloc(strlen(s) + count * rl + 1);
	ck_assert_ptr_nonnull(out);
	while (count-- > 0) {
		q = strstr(p, find);
		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		memcpy(out + o, repl, rl);
		o += rl;
		p = q + fl;
	}
	memcpy(out + o, p, strlen(p) + 1);
	free(s);
	return out;
}

/* ---------------------------------------------------------------------
 * The two real agreements in the shared folder
 */

#define TERAPIPE                                                               \
	"TeraPipe: Token-Level Pipeline Parallelism for Training "             \
	"Large-Scale Language Models"
#define OCCULT                                                                 \
	"Occult: Optimizing Collaborative Communication Across Experts for "   \
	"Accelerated Parallel MoE Training and Inference"

static const char *const real_files[2] = {"000_772113baa6c4798f.txt",
                                          "004_42ae1ebd3b67d732.txt"};

static const struct expect real_expect[2] = {
        {{TERAPIPE, "Zhuohan Li", "PMLR", "PMLR", "CC-BY-4.0", "06/09/2021"}},
        {{OCCULT, "Tianlong Chen", "PMLR", "PMLR", "CC-BY-4.0", "2025/05/24"}},
};

/* The real agreement number i, or NULL when the shared folder is absent. */
static char *load_real(int i)
{
	const char *dir = tu_shared_dir();
	char path[1024];
	char *s;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/agreements/%s", dir, real_files[i]);
	s = tu_read_file(path, NULL);
	ck_assert_msg(s != NULL, "cannot read %s", path);
	return s;
}

START_TEST(test_real)
{
	char *s = load_real(_i);

	if (!s)
		return; /* no shared folder: nothing to test against */
	extract_both(s, &real_expect[_i], real_files[_i]);
	free(s);
}
END_TEST

/* One edit of a real agreement and the one field it changes. */
struct variant {
	int file;
	const char *find, *repl;
	int all;   /* replace every occurrence, not just the first */
	int field; /* F_NONE: no field changes */
	const char *want;
};

static const struct variant variants[] = {
        /* title */
        {0, "**" TERAPIPE "**", "**Signing Agreements\nWithout Tears**", 0,
         F_TITLE, "Signing Agreements Without Tears"},
        {1, OCCULT, "Über die kanonische Form\nvon Verträgen\nin drei Zeilen",
         0, F_TITLE, "Über die kanonische Form von Verträgen in drei Zeilen"},
        {0, "**", "", 1, F_TITLE, TERAPIPE},
        {1, OCCULT, "**" OCCULT "**", 0, F_TITLE, OCCULT},
        {1, OCCULT, "__" OCCULT "__", 0, F_TITLE, OCCULT},
        {1, OCCULT, "*" OCCULT "*", 0, F_TITLE, OCCULT},
        {1, OCCULT, "_" OCCULT "_¹", 0, F_TITLE, OCCULT},
        {0, "TeraPipe: Token", "TeraPipe:    Token", 0, F_TITLE, TERAPIPE},
        {0, "currently entitled", "currently   entitled:", 0, F_TITLE,
         TERAPIPE},
        {0, "(“the article”)", "(\"the article\")", 0, F_TITLE, TERAPIPE},
        {1, "(“the article”)", "( “the article” )", 0, F_TITLE, OCCULT},
        {0, "Models**", "Models**<sup>2</sup>", 0, F_TITLE, TERAPIPE},
        {0, "**TeraPipe", "**<em>TeraPipe</em>", 0, F_TITLE, TERAPIPE},
        {1, "Inference", "Inference¹", 0, F_TITLE, OCCULT},
        {0, "currently entitled", "currently named", 0, F_TITLE, NULL},
        {1, "(“the article”)", "", 0, F_TITLE, NULL},
        /* corresponding author */
        {0, "Zhuohan Li", "José Álvarez-Núñez", 0, F_AUTHOR,
         "José Álvarez-Núñez"},
        {1, "Tianlong Chen", "**Zoë Ñúñez-Żółć**", 0, F_AUTHOR,
         "Zoë Ñúñez-Żółć"},
        {1, "Tianlong Chen", "Jose\xCC\x81 A\xCC\x81lvarez", 0, F_AUTHOR,
         "José Álvarez"},
        {0, "Zhuohan Li", "Zhuohan Li<sup>1,2</sup>", 0, F_AUTHOR,
         "Zhuohan Li"},
        {1, "Tianlong Chen", "Tianlong Chen¹", 0, F_AUTHOR, "Tianlong Chen"},
        {0, "Zhuohan Li", "Zhuohan Li\nand Ion Stoica", 0, F_AUTHOR,
         "Zhuohan Li and Ion Stoica"},
        {0, "Zhuohan Li\n\n---\n", "Zhuohan Li\n", 0, F_AUTHOR, "Zhuohan Li"},
        {1, "Tianlong Chen", "  Tianlong   Chen", 0, F_AUTHOR, "Tianlong Chen"},
        {0, "Agreement are:", "agreement  are :", 0, F_AUTHOR, "Zhuohan Li"},
        {0, "The parties to this Agreement are:", "The parties are below.", 0,
         F_AUTHOR, NULL},
        {1, "(name of corresponding author", "(the author", 0, F_AUTHOR, NULL},
        /* proceedings */
        {0, "published in PMLR",
         "published in the Proceedings of the\nWorkshop on Examples", 0, F_PROC,
         "the Proceedings of the Workshop on Examples"},
        {1, "(“the proceedings”)", "(\"the proceedings\")", 0, F_PROC, "PMLR"},
        {1, "in PMLR (", "in PMLR, (", 0, F_PROC, "PMLR"},
        {0, "(“the proceedings”)", "", 0, F_PROC, NULL},
        {1, "published in PMLR", "published PMLR", 0, F_PROC, NULL},
        /* publisher */
        {0, "and PMLR, (", "and Smith and Sons Ltd (", 0, F_PUB,
         "Smith and Sons Ltd"},
        {1, "and PMLR, (", "and  **Éditions Exemple**, (", 0, F_PUB,
         "Éditions Exemple"},
        {0, "(“the publisher”)", "(\"the publisher\")", 0, F_PUB, "PMLR"},
        {1, "(“the publisher”)", "", 0, F_PUB, NULL},
        {0, "and PMLR, (", "or PMLR, (", 0, F_PUB, NULL},
        /* license */
        {0, "licenses/by/", "licenses/by-sa/", 1, F_LIC, "CC-BY-SA-4.0"},
        {1, "licenses/by/", "licenses/by-nc-nd/", 1, F_LIC, "CC-BY-NC-ND-4.0"},
        {0, "licenses/by/4.0", "publicdomain/zero/1.0", 1, F_LIC, "CC0-1.0"},
        {1, "creativecommons.org/licenses/by/",
         "CreativeCommons.org/Licenses/BY/", 1, F_LIC, "CC-BY-4.0"},
        {0, "licenses/by/4.0/legalcode", "licenses/by-nc/4.0/legalcode", 0,
         F_LIC, NULL},
        {1, "by/4.0>", "by/3.0>", 0, F_LIC, NULL},
        {0, "creativecommons.org", "example.org", 1, F_LIC, NULL},
        {1, "licenses/by/", "licenses/xy/", 1, F_LIC, NULL},
        {0, "licenses/by/4.0", "licenses/by/4", 1, F_LIC, NULL},
        /* date */
        {0, " 06/09/2021", "", 0, F_DATE, NULL},
        {1, "2025/05/24", "", 0, F_DATE, NULL},
        {1, "2025/05/24", "Witness:", 0, F_DATE, NULL},
        {1, "2025/05/24", "---", 0, F_DATE, NULL},
        {0, "Date: 06/09/2021", "Date: ---", 0, F_DATE, NULL},
        {0, "- Date: 06/09/2021", "- 06/09/2021", 0, F_DATE, NULL},
        {0, "- Date: 06/09/2021", "- **Date:** 06/09/2021", 0, F_DATE,
         "06/09/2021"},
        {0, "Date: 06/09/2021", "Date:     06/09/2021", 0, F_DATE,
         "06/09/2021"},
        {0, "Date: 06/09/2021", "Date:\n\n06/09/2021", 0, F_DATE, "06/09/2021"},
        {1, " - Date:\n\n2025/05/24", " - Date: 2025/05/24", 0, F_DATE,
         "2025/05/24"},
        {1, " - Date:", " - DATE:", 0, F_DATE, "2025/05/24"},
        {1, "2025/05/24", "24 May 2025", 0, F_DATE, "24 May 2025"},
        /* the whole text */
        {0, "\n", "\r\n", 1, F_NONE, NULL},
        {1, "\n", "\r\n", 1, F_NONE, NULL},
        {1, "\n\n", "\n \n\n", 1, F_NONE, NULL},
};

#define NVARIANTS ((int)(sizeof(variants) / sizeof(variants[0])))

START_TEST(test_variant)
{
	const struct variant *v = &variants[_i];
	struct expect e = real_expect[v->file];
	char what[64];
	char *s = load_real(v->file);

	if (!s)
		return;
	s = edit(s, v->find, v->repl, v->all);
	if (v->field != F_NONE)
		e.v[v->field] = v->want;
	snprintf(what, sizeof(what), "variant %d", _i);
	extract_both(s, &e, what);
	free(s);
}
END_TEST

/* ---------------------------------------------------------------------
 * The project's own sample agreement
 */

#define SAMPLE "../spec/vectors/agreements/sample-agreement.txt"

static const struct expect sample_expect = {
        {"Deterministic Signatures for Scholarly Agreements: A Field Study "
         "in Canonical Plain Text",
         "Inès Marović-Saldaña",
         "Proceedings of the Workshop on Verifiable "
         "Publishing",
         "Example Open Press", "CC-BY-4.0", "2026-11-20"}};

START_TEST(test_sample)
{
	size_t n, cn;
	char *s = tu_read_file(SAMPLE, &n), *c;

	ck_assert_msg(s != NULL, "cannot read %s", SAMPLE);
	extract_expect(s, n, &sample_expect, "sample");
	/* It is committed in canonical form: hashing it as-is is safe. */
	c = canon(s, n, &cn);
	ck_assert_uint_eq(cn, n);
	ck_assert_mem_eq(c, s, n);
	free(c);
	free(s);
}
END_TEST

/* ---------------------------------------------------------------------
 * Synthetic texts: one field at a time
 */

static const struct {
	const char *text;
	int field;
	const char *want; /* NULL: every field absent */
} synth[] = {
        {"currently entitled\n\nA\n\n(“the article”)\n", F_TITLE, "A"},
        {"currently entitled\n\n\n(“the article”)\n", F_TITLE, NULL},
        {"currently entitled\n\n**  **\n\n(“the article”)\n", F_TITLE, NULL},
        {"currently entitled\n\n<sup>1</sup>\n\n(“the article”)\n", F_TITLE,
         NULL},
        {"currently entitled\n\nA\x01 B\n\n(“the article”)\n", F_TITLE, NULL},
        {"currently entitled\n\nA\xFF B\n\n(“the article”)\n", F_TITLE, NULL},
        {"currently entitled\n\nA \xE2\x80\xA8 B\n\n(“the article”)\n", F_TITLE,
         NULL},
        {"currently entitled\n\n---\n\n(“the article”)\n", F_TITLE, NULL},
        {"currently entitled\n\n<b>Bold</b> and <i>it</i> a < b\n\n"
         "(“the article”)\n",
         F_TITLE, "Bold and it a < b"},
        {"currently entitled\n\n<http://x.org/> T\n\n(“the article”)\n",
         F_TITLE, "<http://x.org/> T"},
        {"currently entitled T (“the article”)", F_TITLE, "T"},
        {"currently entitled *T* (“the article”)", F_TITLE, "T"},
        {"currently entitled *A* and *B* (“the article”)", F_TITLE,
         "A* and *B"},
        {"currently entitled 2*3 (“the article”)", F_TITLE, "2*3"},
        {"currently entitled *x_y* (“the article”)", F_TITLE, "x_y"},
        {"(“the article”) currently entitled T\n", F_TITLE, NULL},
        {"The parties to this Agreement are:\n\n(name of corresponding "
         "author)\n",
         F_AUTHOR, NULL},
        {"The parties to this Agreement are:\n\n---\n\n***\n\n(name of "
         "corresponding author)\n",
         F_AUTHOR, NULL},
        {"to be published in\nX (“the proceedings”)\n", F_PROC, "X"},
        {"to be published in\n\nX (“the proceedings”)\n", F_PROC, NULL},
        {"to be published in X\n\n(“the proceedings”)\n", F_PROC, NULL},
        {"republished in X (“the proceedings”)\n", F_PROC, NULL},
        {"Between A and B (“the publisher”)\n", F_PUB, "B"},
        {"Between A (x) Press (“the publisher”)\n", F_PUB, NULL},
        {"Brand X (“the publisher”)\n", F_PUB, NULL},
        {"A\n\nand X\n\n(“the publisher”)\n", F_PUB, NULL},
        {"see creativecommons.org/licenses/by/4.0.\n", F_LIC, "CC-BY-4.0"},
        {"creativecommons.org/licenses/by/4.0.1/\n", F_LIC, NULL},
        {"creativecommons.org/licenses/by/4.0a/\n", F_LIC, NULL},
        {"creativecommons.org/licenses/by/123456789.0/\n", F_LIC, NULL},
        {"creativecommons.org/licenses/by\n", F_LIC, NULL},
        {"creativecommons.org/publicdomain/mark/1.0/\n", F_LIC, NULL},
        {"creativecommons.org/licenses/by/4.0/ and "
         "creativecommons.org/licenses/by/4.0/legalcode\n",
         F_LIC, "CC-BY-4.0"},
        {"Date:", F_DATE, NULL},
        {"Date:\n", F_DATE, NULL},
        {"Date:\n\n\n", F_DATE, NULL},
        {"Date: ____\n", F_DATE, NULL},
        {"Date:\nSigned: x\n", F_DATE, NULL},
        {"Date: 1 May\nDate: 2 May\n", F_DATE, "1 May"},
        {"the Date: 1 May\n", F_DATE, NULL},
        {"* Date: 2020-01-01¹\n", F_DATE, "2020-01-01"},
        {"Update: 1 May\n", F_DATE, NULL},
};

#define NSYNTH ((int)(sizeof(synth) / sizeof(synth[0])))

START_TEST(test_synth)
{
	struct expect e = none;
	char what[32];

	if (synth[_i].want)
		e.v[synth[_i].field] = synth[_i].want;
	snprintf(what, sizeof(what), "synthetic %d", _i);
	extract_expect(synth[_i].text, strlen(synth[_i].text), &e, what);
}
END_TEST

/* A title of exactly len bytes is found only within AGS_FIELD_MAX. */
static void title_of_len(size_t len, int found)
{
	const char *pre = "currently entitled\n\n",
	           *post = "\n\n(“the article”)\n";
	size_t pl = strlen(pre), ql = strlen(post);
	char *s = malloc(pl + len + ql + 1), *t = malloc(len + 1);
	struct expect e = none;

	ck_assert(s && t);
	memset(t, 'x', len);
	t[len] = '\0';
	memcpy(s, pre, pl);
	memcpy(s + pl, t, len);
	memcpy(s + pl + len, post, ql + 1);
	if (found)
		e.v[F_TITLE] = t;
	extract_expect(s, strlen(s), &e, "long title");
	free(s);
	free(t);
}

START_TEST(test_field_max)
{
	title_of_len(AGS_FIELD_MAX, 1);
	title_of_len(AGS_FIELD_MAX + 1, 0);
	title_of_len(100000, 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * Garbage, empty input, arguments, replacement of old values
 */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(test_garbage)
{
	static const char *const empty[] = {
	        "", "\n", "\n\n\n", " ", "\r\n", "---\n", "\xFF\xFE\x00\x01"};
	char buf[4096];
	size_t i, k;

	extract_expect(NULL, 0, &none, "NULL, 0");
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		extract_expect(empty[i], strlen(empty[i]), &none, empty[i]);
	extract_expect("\xFF\xFE\x00\x01", 4, &none, "binary");
	rng_state = 0x9E3779B97F4A7C15u;
	for (k = 0; k < 200; k++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(rng() & 0xFF);
		extract_expect(buf, sizeof(buf), &none, "random bytes");
	}
}
END_TEST

/* Every piece of every anchor, shuffled with words, line breaks and
 * markup: whatever is found must still be a clean field value. */
static const char *const pieces[] = {
        "currently entitled",
        "(“the article”)",
        "(\"the proceedings\")",
        "to be published in",
        "The parties to this Agreement are:",
        "(name of corresponding author",
        "and",
        "(“the publisher”)",
        ")",
        "Date:",
        "- ",
        "**",
        "__",
        "<sup>1</sup>",
        "<sup>",
        "¹",
        "---",
        "https://creativecommons.org/licenses/by/4.0/",
        "creativecommons.org/licenses/by-sa/",
        "4.0",
        "\n",
        "\n\n",
        " ",
        "Zoë",
        "Title",
        ",",
        "\t",
        "\r",
        "\xC3",
        "\x01",
        "<b>",
        "x"};

static void check_clean(const char *v)
{
	json_t *j;
	size_t n, i;

	if (!v)
		return;
	n = strlen(v);
	ck_assert_msg(n >= 1 && n <= AGS_FIELD_MAX, "length %zu", n);
	ck_assert_msg(v[0] != ' ' && v[n - 1] != ' ', "untrimmed '%s'", v);
	ck_assert_msg(!strstr(v, "**") && !strstr(v, "__") &&
	                      !strstr(v, "<sup"),
	              "markup left in '%s'", v);
	for (i = 0; i < n; i++)
		ck_assert_msg((unsigned char)v[i] >= 0x20 && v[i] != 0x7F,
		              "control byte in '%s'", v);
	j = json_string(v); /* NULL when not valid UTF-8 */
	ck_assert_ptr_nonnull(j);
	json_decref(j);
}

START_TEST(test_property)
{
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	struct ags_metadata md;
	char buf[2048];
	size_t k, o, len;
	int f;

	rng_state = 20261120u;
	printf("extract property test: seed %llu\n",
	       (unsigned long long)rng_state);
	ags_metadata_init(&md);
	for (k = 0; k < 3000; k++) {
		for (o = 0; o < 1500;) {
			const char *p = pieces[rng() % np];
			len = strlen(p);
			memcpy(buf + o, p, len);
			o += len;
		}
		ck_assert_int_eq(ags_extract(&md, buf, o, NULL), AGS_OK);
		for (f = 0; f < NF; f++)
			check_clean(field(&md, f));
	}
	ags_metadata_release(&md);
}
END_TEST

START_TEST(test_replaces_old_values)
{
	struct ags_metadata md;
	char *s = load_real(1);
	int f;

	ags_metadata_init(&md);
	md.title = strdup("old title");
	md.license = strdup("old license");
	ck_assert_int_eq(ags_extract(&md, "", 0, NULL), AGS_OK);
	for (f = 0; f < NF; f++)
		ck_assert_ptr_null(field(&md, f));
	if (s) {
		ck_assert_int_eq(ags_extract(&md, s, strlen(s), NULL), AGS_OK);
		check_md(&md, &real_expect[1], "second extraction");
		ck_assert_int_eq(ags_extract(&md, "x", 1, NULL), AGS_OK);
		check_md(&md, &none, "third extraction");
	}
	ags_metadata_release(&md);
	ags_metadata_release(&md); /* releasing twice is harmless */
	ags_metadata_release(NULL);
	free(s);
}
END_TEST

START_TEST(test_arguments)
{
	struct ags_metadata md;
	struct ags_error err;

	ags_metadata_init(&md);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_extract(NULL, "x", 1, &err), AGS_ERR_INVALID);
	ck_assert_int_eq(err.code, AGS_ERR_INVALID);
	ck_assert_str_eq(err.source, "metadata");
	ags_error_clear(&err);
	ck_assert_int_eq(ags_extract(&md, NULL, 5, &err), AGS_ERR_INVALID);
	ags_error_clear(&err);
	/* Refused before a byte is read: the pointer is never followed. */
	ck_assert_int_eq(ags_extract(&md, "x", (size_t)AGS_TEXT_MAX + 1, &err),
	                 AGS_ERR_TOO_LARGE);
	ck_assert_int_eq(err.code, AGS_ERR_TOO_LARGE);
	ck_assert_int_eq(ags_extract(&md, NULL, 0, NULL), AGS_OK);
}
END_TEST

/* ---------------------------------------------------------------------
 * JSON
 */

static char *dump(const struct ags_metadata *md)
{
	json_t *j = ags_metadata_to_json(md);
	char *s;

	ck_assert_ptr_nonnull(j);
	ck_assert(json_is_object(j));
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	ck_assert_ptr_nonnull(s);
	json_decref(j);
	return s;
}

START_TEST(test_json)
{
	struct ags_metadata md;
	char *s, *text;
	size_t n;

	ck_assert_ptr_null(ags_metadata_to_json(NULL));
	ags_metadata_init(&md);
	s = dump(&md);
	ck_assert_str_eq(s, "{}");
	free(s);
	md.license = strdup("CC-BY-4.0");
	md.agreement_date = strdup("2026-11-20");
	s = dump(&md);
	ck_assert_str_eq(s, "{\"agreement_date\":\"2026-11-20\","
	                    "\"license\":\"CC-BY-4.0\"}");
	free(s);
	text = tu_read_file(SAMPLE, &n);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ags_extract(&md, text, n, NULL), AGS_OK);
	s = dump(&md);
	ck_assert_str_eq(
	        s, "{\"agreement_date\":\"2026-11-20\","
	           "\"corresponding_author\":\"In\\u00E8s "
	           "Marovi\\u0107-Salda\\u00F1a\","
	           "\"license\":\"CC-BY-4.0\","
	           "\"proceedings\":\"Proceedings of the Workshop on "
	           "Verifiable Publishing\","
	           "\"publisher\":\"Example Open Press\","
	           "\"title\":\"Deterministic Signatures for Scholarly "
	           "Agreements: A Field Study in Canonical Plain Text\"}");
	free(s);
	free(text);
	ags_metadata_release(&md);
}
END_TEST

Suite *extract_suite(void);

Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("real");
	TCase *tv = tcase_create("variants");
	TCase *te = tcase_create("edge");

	tcase_add_loop_test(tc, test_real, 0, 2);
	tcase_add_test(tc, test_sample);
	tcase_add_loop_test(tv, test_variant, 0, NVARIANTS);
	tcase_add_loop_test(te, test_synth, 0, NSYNTH);
	tcase_add_test(te, test_field_max);
	tcase_add_test(te, test_garbage);
	tcase_add_test(te, test_property);
	tcase_add_test(te, test_replaces_old_values);
	tcase_add_test(te, test_arguments);
	tcase_add_test(te, test_json);
	tcase_set_timeout(te, 60);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tv);
	suite_add_tcase(s, te);
	return s;
}
