/* Files: bounded reads of regular files only, atomic writes that never
 * follow, replace or leave behind what they should not (src/fileio.c). */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agreesign.h"
#include "test_util.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ags-check-fileio-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void path_of(char p[PATH_MAX], const char *name)
{
	snprintf(p, PATH_MAX, "%s/%s", dir, name);
}

/* The number of temporary files (".NAME.XXXXXXXX.tmp") in dir. */
static int temp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n;
	int count = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		count += e->d_name[0] == '.' && n > 4 &&
		         strcmp(e->d_name + n - 4, ".tmp") == 0;
	}
	closedir(d);
	return count;
}

START_TEST(test_write_new_and_exclusive)
{
	char p[PATH_MAX], *back;
	struct ags_error err;
	struct stat st;
	size_t n = 0;

	path_of(p, "out.json");
	ck_assert_int_eq(ags_file_write_atomic(p, "one\n", 4, 0600, 0, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	/* Not replaced without replace, and the error names the file. */
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_write_atomic(p, "two\n", 4, 0644, 0, &err),
	                 AGS_ERR_EXISTS);
	ck_assert_str_eq(err.source, p);
	back = tu_read_file(p, &n);
	ck_assert_str_eq(back, "one\n");
	free(back);
	ck_assert_int_eq(ags_file_write_atomic(p, "two\n", 4, 0644, 1, NULL),
	                 AGS_OK);
	back = tu_read_file(p, &n);
	ck_assert_str_eq(back, "two\n");
	free(back);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* A symbolic link is never followed: without replace even a dangling one
 * counts as an existing file; with replace the link itself is replaced. */
START_TEST(test_write_symlink)
{
	char p[PATH_MAX], target[PATH_MAX];
	struct stat st;

	path_of(p, "link.json");
	path_of(target, "target.json");
	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_int_eq(ags_file_write_atomic(p, "x\n", 2, 0644, 0, NULL),
	                 AGS_ERR_EXISTS);
	ck_assert_int_ne(lstat(target, &st), 0);
	ck_assert_int_eq(ags_file_write_atomic(p, "x\n", 2, 0644, 1, NULL),
	                 AGS_OK);
	ck_assert_int_ne(lstat(target, &st), 0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* Found by the hostile-input tests: "sign --force -o /dev/full" replaced
 * the device node with a regular file. A FIFO or a device is never
 * replaced; the temporary file goes again. */
START_TEST(test_replace_refuses_special_files)
{
	char p[PATH_MAX], dev[PATH_MAX];
	struct ags_error err;
	struct stat st;

	path_of(p, "fifo.json");
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_write_atomic(p, "x\n", 2, 0644, 1, &err),
	                 AGS_ERR_IO);
	ck_assert_str_eq(err.source, p);
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file"));
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(temp_files(), 0);
	/* A character device like /dev/full, where mknod is allowed. */
	path_of(dev, "full");
	if (mknod(dev, S_IFCHR | 0644, (dev_t)0x107 /* 1, 7 */) == 0) {
		ck_assert_int_eq(
		        ags_file_write_atomic(dev, "x\n", 2, 0644, 1, NULL),
		        AGS_ERR_IO);
		ck_assert_int_eq(lstat(dev, &st), 0);
		ck_assert(S_ISCHR(st.st_mode));
		ck_assert_int_eq(temp_files(), 0);
	}
}
END_TEST

START_TEST(test_write_errors)
{
	char p[PATH_MAX];
	struct ags_error err;

	path_of(p, "no/such/dir/out.json");
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_write_atomic(p, "x", 1, 0644, 1, &err),
	                 AGS_ERR_IO);
	ck_assert_str_eq(err.source, p);
	/* A directory in the way is not replaced. */
	path_of(p, "d");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(ags_file_write_atomic(p, "x", 1, 0644, 1, NULL),
	                 AGS_ERR_IO);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* Reads: regular files only (no hang on a FIFO), size checked before any
 * byte is read (a sparse 1 GiB file costs nothing). */
START_TEST(test_read_refuses)
{
	char p[PATH_MAX], *buf = (char *)1;
	struct ags_error err;
	size_t n = 7;
	int fd;

	path_of(p, "fifo");
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_read(&buf, &n, p, 100, &err), AGS_ERR_IO);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(err.source, p);
	ck_assert_int_eq(ags_file_read(&buf, &n, dir, 100, NULL), AGS_ERR_IO);
	ck_assert_int_eq(ags_file_read(&buf, &n, "/dev/zero", 100, NULL),
	                 AGS_ERR_IO);
	path_of(p, "giant");
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1L << 30), 0);
	close(fd);
	ck_assert_int_eq(ags_file_read(&buf, &n, p, 1u << 20, NULL),
	                 AGS_ERR_TOO_LARGE);
	path_of(p, "missing");
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_read(&buf, &n, p, 100, &err), AGS_ERR_IO);
	ck_assert_str_eq(err.source, p);
}
END_TEST

START_TEST(test_read_bounds)
{
	char p[PATH_MAX], *buf = NULL;
	size_t n = 0;

	path_of(p, "ten");
	ck_assert_int_eq(
	        ags_file_write_atomic(p, "0123456789", 10, 0644, 0, NULL),
	        AGS_OK);
	ck_assert_int_eq(ags_file_read(&buf, &n, p, 10, NULL), AGS_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(buf[10], '\0');
	free(buf);
	ck_assert_int_eq(ags_file_read(&buf, &n, p, 9, NULL),
	                 AGS_ERR_TOO_LARGE);
	ck_assert_ptr_null(buf);
}
END_TEST

/* fstat's size is only a hint: a file whose size says 0 (as /proc files
 * do) is read to its end, and so is one that grew after it was measured
 * (the read finds more than the hint and goes on). */
START_TEST(test_read_size_is_a_hint)
{
	char *buf = NULL, *want = NULL;
	size_t n = 0;
	FILE *f;
	size_t wn;

	ck_assert_int_eq(
	        ags_file_read(&buf, &n, "/proc/self/maps", 1 << 20, NULL),
	        AGS_OK);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_uint_eq(strlen(buf), n);
	free(buf);
	/* /proc/self/cmdline of this process: its length is known here. */
	ck_assert_int_eq(
	        ags_file_read(&buf, &n, "/proc/self/cmdline", 1 << 20, NULL),
	        AGS_OK);
	f = fopen("/proc/self/cmdline", "rb");
	ck_assert_ptr_nonnull(f);
	want = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(want);
	wn = fread(want, 1, 1 << 20, f);
	fclose(f);
	ck_assert_uint_gt(wn, 0);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(buf, want, n);
	free(want);
	free(buf);
}
END_TEST

/* 1 when another open file description may take "<path>.lock" now. */
static int lock_is_free(const char *path)
{
	char name[PATH_MAX];
	int fd, free_now;

	snprintf(name, sizeof(name), "%s.lock", path);
	fd = open(name, O_RDWR);
	if (fd < 0)
		return -1;
	free_now = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return free_now;
}

/* Found by the outside review (issue 13): an edit through a symbolic
 * link replaced the link and left the file readers read unchanged, under
 * a lock named after the link. The lock and the edit are the target's. */
START_TEST(test_lock_follows_symlink)
{
	char p[PATH_MAX], target[PATH_MAX], *real, *back;
	struct ags_lock lk;
	struct stat st;
	size_t n = 0;

	path_of(p, "link.trust");
	path_of(target, "real.trust");
	ck_assert_int_eq(
	        ags_file_write_atomic(target, "old\n", 4, 0644, 0, NULL),
	        AGS_OK);
	ck_assert_int_eq(symlink("real.trust", p), 0);
	real = realpath(target, NULL);
	ck_assert_ptr_nonnull(real);
	ck_assert_int_eq(ags_lock_take(&lk, p, NULL), AGS_OK);
	ck_assert_str_eq(lk.path, real);
	ck_assert_int_eq(lock_is_free(target), 0); /* held through the link */
	ck_assert_int_eq(lock_is_free(p), -1);     /* no link.trust.lock */
	ck_assert_int_eq(
	        ags_file_write_atomic(lk.path, "new\n", 4, 0644, 1, NULL),
	        AGS_OK);
	ags_lock_release(&lk);
	ck_assert_int_eq(lk.fd, -1);
	ck_assert_ptr_null(lk.path);
	ck_assert_int_eq(lock_is_free(target), 1);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(ags_file_read(&back, &n, target, 100, NULL), AGS_OK);
	ck_assert_str_eq(back, "new\n");
	free(back);
	free(real);
	ags_lock_release(&lk); /* twice is harmless */
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

static enum ags_err append_x(char **out, size_t *out_len, const char *buf,
                             size_t len, void *ctx, struct ags_error *err)
{
	(void)ctx;
	(void)err;
	*out = malloc(len + 2);
	ck_assert_ptr_nonnull(*out);
	memcpy(*out, buf, len);
	memcpy(*out + len, "x\n", 2);
	*out_len = len + 2;
	return AGS_OK;
}

/* A missing file is locked by its own name; a dangling symbolic link, a
 * FIFO and a file with a second hard link are refused, naming the path
 * given, and nothing is created or changed. */
START_TEST(test_lock_refuses)
{
	char p[PATH_MAX], q[PATH_MAX], *back;
	struct ags_error err;
	struct ags_lock lk;
	struct stat st;
	size_t n = 0;

	path_of(p, "new.trust");
	ck_assert_int_eq(ags_lock_take(&lk, p, NULL), AGS_OK);
	ck_assert_str_eq(lk.path, p);
	ck_assert_int_eq(lock_is_free(p), 0);
	ags_lock_release(&lk);

	path_of(p, "dangling.trust");
	path_of(q, "nowhere.trust");
	ck_assert_int_eq(symlink("nowhere.trust", p), 0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_lock_take(&lk, p, &err), AGS_ERR_IO);
	ck_assert_str_eq(err.source, p);
	ck_assert_ptr_nonnull(strstr(err.text, "symbolic link"));
	ck_assert_int_eq(ags_file_edit_locked(p, 100, append_x, NULL, NULL),
	                 AGS_ERR_IO);
	ck_assert_int_ne(lstat(q, &st), 0);
	ck_assert_int_eq(lock_is_free(q), -1);

	path_of(p, "fifo.trust");
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	ck_assert_int_eq(ags_lock_take(&lk, p, NULL), AGS_ERR_IO);
	ck_assert_int_eq(lock_is_free(p), -1);

	path_of(p, "one.trust");
	path_of(q, "two.trust");
	ck_assert_int_eq(ags_file_write_atomic(p, "a\n", 2, 0644, 0, NULL),
	                 AGS_OK);
	ck_assert_int_eq(link(p, q), 0);
	ags_error_clear(&err);
	ck_assert_int_eq(ags_file_edit_locked(q, 100, append_x, NULL, &err),
	                 AGS_ERR_IO);
	ck_assert_str_eq(err.source, q);
	ck_assert_ptr_nonnull(strstr(err.text, "has 2 hard links"));
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(ags_file_read(&back, &n, p, 100, NULL), AGS_OK);
	ck_assert_str_eq(back, "a\n");
	free(back);
	/* One name again: the edit goes through. */
	ck_assert_int_eq(unlink(q), 0);
	ck_assert_int_eq(ags_file_edit_locked(p, 100, append_x, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(ags_file_read(&back, &n, p, 100, NULL), AGS_OK);
	ck_assert_str_eq(back, "a\nx\n");
	free(back);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

/* An edit keeps the permission bits of the file it replaces, whatever
 * the umask; a new file, and a plain replace, get the mode given less
 * the umask. */
START_TEST(test_edit_keeps_mode)
{
	char p[PATH_MAX];
	struct stat st;
	mode_t old = umask(022);

	path_of(p, "kept.trust");
	ck_assert_int_eq(ags_file_edit_locked(p, 100, append_x, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(chmod(p, 0660), 0);
	ck_assert_int_eq(ags_file_edit_locked(p, 100, append_x, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(chmod(p, 0600), 0);
	ck_assert_int_eq(ags_file_write_atomic(
	                         p, "y\n", 2, 0644,
	                         AGS_WRITE_REPLACE | AGS_WRITE_KEEP_MODE, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	/* Set-id bits are not carried over. */
	ck_assert_int_eq(chmod(p, 04640), 0);
	ck_assert_int_eq(ags_file_edit_locked(p, 100, append_x, NULL, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	/* Without the flag a replace starts afresh. */
	ck_assert_int_eq(ags_file_write_atomic(p, "z\n", 2, 0644,
	                                       AGS_WRITE_REPLACE, NULL),
	                 AGS_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	umask(old);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

Suite *fileio_suite(void);

Suite *fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_new_and_exclusive);
	tcase_add_test(tc, test_write_symlink);
	tcase_add_test(tc, test_replace_refuses_special_files);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_read_refuses);
	tcase_add_test(tc, test_read_bounds);
	tcase_add_test(tc, test_read_size_is_a_hint);
	tcase_add_test(tc, test_lock_follows_symlink);
	tcase_add_test(tc, test_lock_refuses);
	tcase_add_test(tc, test_edit_keeps_mode);
	suite_add_tcase(s, tc);
	return s;
}
