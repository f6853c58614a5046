/* Attached files (src/attach.c): what each shape a file system can put in
 * an attachment's place gives, without following a link, blocking on a
 * FIFO or reading a file of the wrong size. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agreesign.h"
#include "test_util.h"

#define PAPER_LEN 5000

static char dir[64];     /* the test's folder: paper.pdf, the good copy */
static char vdir[80];    /* the folder verified: each shape goes here */
static char good[96];    /* dir/paper.pdf */
static char target[128]; /* vdir/paper.pdf: where the shapes go */
static struct ags_envelope env;

static void write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	unsigned char paper[PAPER_LEN];

	snprintf(dir, sizeof(dir), "/tmp/ags-check-attach-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(vdir, sizeof(vdir), "%s/v", dir);
	snprintf(good, sizeof(good), "%s/paper.pdf", dir);
	snprintf(target, sizeof(target), "%s/paper.pdf", vdir);
	ck_assert_int_eq(mkdir(vdir, 0700), 0);
	randombytes_buf(paper, sizeof(paper));
	write_file(good, paper, sizeof(paper));
	ags_envelope_init(&env);
	ck_assert_int_eq(ags_attachment_add(&env.agreement, good, NULL),
	                 AGS_OK);
}

/* Removes dir's files and its folders, one level down. */
static void empty_dir(const char *d)
{
	DIR *h = opendir(d);
	struct dirent *e;
	char p[PATH_MAX];

	while (h && (e = readdir(h)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	if (h)
		closedir(h);
}

static void teardown(void)
{
	ags_envelope_release(&env);
	empty_dir(vdir);
	empty_dir(dir);
	rmdir(dir);
}

/* The status ags_verify_attachments gives the one attachment in vdir; the
 * verdict it leaves in *verified (it starts verified). */
static enum ags_attach_status status_in(const char *d, int *verified)
{
	struct ags_report rep = {0};
	struct ags_error err = {0};
	enum ags_attach_status st;

	rep.verified = 1;
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, d, &err), AGS_OK);
	ck_assert_uint_eq(rep.nattachments, 1);
	st = rep.attachments[0];
	*verified = rep.verified;
	ags_report_release(&rep);
	return st;
}

static void copy_good(const char *to, long cut, int flip)
{
	size_t n = 0;
	unsigned char *p = (unsigned char *)tu_read_file(good, &n);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, PAPER_LEN);
	if (flip)
		p[n / 2] ^= 1;
	write_file(to, p, (size_t)((long)n + cut));
	free(p);
}

START_TEST(test_add_binds_length_and_digest)
{
	size_t n = 0;
	unsigned char *p = (unsigned char *)tu_read_file(good, &n);
	uint8_t digest[AGS_DIGEST_BYTES];

	ck_assert_ptr_nonnull(p);
	crypto_hash_sha512(digest, p, n);
	free(p);
	ck_assert_uint_eq(env.agreement.nattachments, 1);
	ck_assert_str_eq(env.agreement.attachments[0].name, "paper.pdf");
	ck_assert_uint_eq(env.agreement.attachments[0].length, PAPER_LEN);
	ck_assert_mem_eq(env.agreement.attachments[0].sha512, digest,
	                 sizeof(digest));
}
END_TEST

START_TEST(test_add_refuses_what_is_not_a_file)
{
	struct ags_agreement a = {0};
	struct ags_error err = {0};
	char link[160], fifo[160];

	snprintf(link, sizeof(link), "%s/link.pdf", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.pdf", dir);
	ck_assert_int_eq(symlink(good, link), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ags_attachment_add(&a, link, &err), AGS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
	memset(&err, 0, sizeof(err)); /* the first error wins */
	ck_assert_int_eq(ags_attachment_add(&a, fifo, &err), AGS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file"));
	ck_assert_int_eq(ags_attachment_add(&a, vdir, NULL), AGS_ERR_IO);
	ck_assert_uint_eq(a.nattachments, 0);
	free(a.attachments);
}
END_TEST

START_TEST(test_good_copy_verifies_missing_is_reported)
{
	int verified = 0;

	ck_assert_int_eq(status_in(vdir, &verified), AGS_ATTACH_MISSING);
	ck_assert_int_eq(verified, 1);
	copy_good(target, 0, 0);
	ck_assert_int_eq(status_in(vdir, &verified), AGS_ATTACH_VERIFIED);
	ck_assert_int_eq(verified, 1);
	ck_assert_int_eq(status_in(dir, &verified), AGS_ATTACH_VERIFIED);
}
END_TEST

/* Each shape in the attachment's place, as a loop test's index. */
enum shape {
	BYTE_FLIPPED,
	ONE_SHORT,
	ONE_LONG,
	LINK_TO_GOOD,
	LINK_DANGLING,
	LINK_LOOP,
	FIFO,
	FOLDER,
	NSHAPES
};

static void make_shape(int shape)
{
	switch (shape) {
	case BYTE_FLIPPED: copy_good(target, 0, 1); break;
	case ONE_SHORT: copy_good(target, -1, 0); break;
	case ONE_LONG:
		copy_good(target, 0, 0);
		ck_assert_int_eq(truncate(target, PAPER_LEN + 1), 0);
		break;
	case LINK_TO_GOOD: ck_assert_int_eq(symlink(good, target), 0); break;
	case LINK_DANGLING:
		ck_assert_int_eq(symlink("nowhere.pdf", target), 0);
		break;
	case LINK_LOOP:
		ck_assert_int_eq(symlink("paper.pdf", target), 0);
		break;
	case FIFO: ck_assert_int_eq(mkfifo(target, 0600), 0); break;
	case FOLDER: ck_assert_int_eq(mkdir(target, 0700), 0); break;
	}
}

START_TEST(test_each_shape_is_changed)
{
	int verified = 1;

	ck_assert_int_lt(_i, NSHAPES);
	make_shape(_i);
	/* A FIFO without a writer would block an open without O_NONBLOCK,
	 * and a read: the Check timeout turns that into a failure. */
	ck_assert_int_eq(status_in(vdir, &verified), AGS_ATTACH_CHANGED);
	ck_assert_int_eq(verified, 0);
}
END_TEST

/* A sparse terabyte is never read: its size differs, so it is changed at
 * once (hashing it would outlast the Check timeout by hours). */
START_TEST(test_sparse_terabyte_is_changed_unread)
{
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	off_t size = (off_t)1 << 40;
	int verified = 1;

	ck_assert_int_ge(fd, 0);
	while (size > PAPER_LEN && ftruncate(fd, size) != 0)
		size >>= 4; /* EFBIG: as large as the file system allows */
	close(fd);
	if (size <= ((off_t)1 << 30)) {
		fprintf(stderr, "check_attach: no sparse file of 1 GiB or "
		                "more here: sparse case skipped\n");
		return;
	}
	ck_assert_int_eq(status_in(vdir, &verified), AGS_ATTACH_CHANGED);
	ck_assert_int_eq(verified, 0);
}
END_TEST

/* NAME_MAX is 255 on the file systems tests run on; a statement may name
 * up to 1024 bytes. No file of such a name can exist: missing. */
START_TEST(test_name_too_long_is_missing)
{
	char *name = env.agreement.attachments[0].name;
	char *longer = malloc(NAME_MAX + 2);
	int verified = 0;

	ck_assert_ptr_nonnull(longer);
	memset(longer, 'a', NAME_MAX + 1);
	longer[NAME_MAX + 1] = '\0';
	env.agreement.attachments[0].name = longer;
	ck_assert_int_eq(status_in(vdir, &verified), AGS_ATTACH_MISSING);
	ck_assert_int_eq(verified, 1);
	env.agreement.attachments[0].name = name;
	free(longer);
}
END_TEST

/* A policy that requires attachments, through ags_verify's report: the
 * missing file withdraws the verdict with its reason; the good copy does
 * not; an earlier reason is kept. */
START_TEST(test_required_missing_fails)
{
	struct ags_report rep = {0};

	rep.verified = 1;
	rep.require_attachments = 1;
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, vdir, NULL),
	                 AGS_OK);
	ck_assert_int_eq(rep.attachments[0], AGS_ATTACH_MISSING);
	ck_assert_int_eq(rep.verified, 0);
	ck_assert_str_eq(rep.policy_detail,
	                 "attachment \"paper.pdf\" is missing");
	ags_report_release(&rep);
	/* an earlier reason stays the reason */
	rep.require_attachments = 1;
	snprintf(rep.policy_detail, sizeof(rep.policy_detail), "earlier");
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, vdir, NULL),
	                 AGS_OK);
	ck_assert_str_eq(rep.policy_detail, "earlier");
	ags_report_release(&rep);
	/* the present copy satisfies the requirement */
	rep.verified = 1;
	rep.require_attachments = 1;
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, dir, NULL), AGS_OK);
	ck_assert_int_eq(rep.attachments[0], AGS_ATTACH_VERIFIED);
	ck_assert_int_eq(rep.verified, 1);
	ags_report_release(&rep);
}
END_TEST

START_TEST(test_folder_must_be_a_folder)
{
	struct ags_report rep = {0};
	struct ags_error err = {0};
	char nope[160];

	snprintf(nope, sizeof(nope), "%s/nope", dir);
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, nope, &err),
	                 AGS_ERR_IO);
	ck_assert_str_eq(err.source, nope);
	ck_assert_ptr_nonnull(strstr(err.text, "No such file"));
	ck_assert_ptr_null(rep.attachments);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, good, &err),
	                 AGS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.text, "is not a folder"));
	ck_assert_ptr_null(rep.attachments);
	/* Nothing to check: the folder does not matter. */
	ags_envelope_release(&env);
	ags_envelope_init(&env);
	ck_assert_int_eq(ags_verify_attachments(&rep, &env, nope, NULL),
	                 AGS_OK);
	ags_report_release(&rep);
}
END_TEST

Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("attach");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_binds_length_and_digest);
	tcase_add_test(tc, test_add_refuses_what_is_not_a_file);
	tcase_add_test(tc, test_good_copy_verifies_missing_is_reported);
	tcase_add_loop_test(tc, test_each_shape_is_changed, 0, NSHAPES);
	tcase_add_test(tc, test_sparse_terabyte_is_changed_unread);
	tcase_add_test(tc, test_name_too_long_is_missing);
	tcase_add_test(tc, test_folder_must_be_a_folder);
	tcase_add_test(tc, test_required_missing_fails);
	suite_add_tcase(s, tc);
	return s;
}
