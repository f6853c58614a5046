/* Bounded reads and atomic writes. Every file agreesign writes appears
 * whole or not at all: a temporary file in the same directory is filled
 * and then renamed (or linked, when an existing file must not be
 * replaced). It is synced first when it replaces a file or must be
 * durable: an fsync costs more than the rest of `agreesign sign`. An
 * edit of an existing file holds a lock beside the real file around its
 * read, change and replace. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static enum ags_err io_error(struct ags_error *err, const char *path,
                             const char *what)
{
	return ags_error_set(err, AGS_ERR_IO, path, 0, 0, "%s: %s", what,
	                     strerror(errno));
}

static enum ags_err check_regular(int fd, const char *path, size_t max,
                                  size_t *size, struct ags_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return io_error(err, path, "cannot stat");
	if (S_ISDIR(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is a directory, not a file");
	if (!S_ISREG(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file");
	if ((uintmax_t)st.st_size > max)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, path, 0, 0,
		                     "file is larger than %zu bytes", max);
	*size = (size_t)st.st_size;
	return AGS_OK;
}

/* Reads until end of file: the size from fstat is only a hint, since the
 * file may grow or shrink while it is read. */
static enum ags_err read_all(int fd, char **out, size_t *len, size_t hint,
                             size_t max, const char *path,
                             struct ags_error *err)
{
	size_t cap = hint + 1, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	if (!buf)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	for (;;) {
		if (n == cap) {
			char *nb;
			if (cap > max) {
				free(buf);
				return ags_error_set(
				        err, AGS_ERR_TOO_LARGE, path, 0, 0,
				        "file is larger than %zu bytes", max);
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return ags_error_set(err, AGS_ERR_NOMEM, path,
				                     0, 0, "out of memory");
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return io_error(err, path, "cannot read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/* Exactly the size fstat gave, and no byte more was there to
		 * read: end of file, without a second read() to see it. A
		 * short read anywhere else may not be the end (FUSE). */
		if (n == hint && n < cap)
			break;
	}
	if (n > max) {
		free(buf);
		return ags_error_set(err, AGS_ERR_TOO_LARGE, path, 0, 0,
		                     "file is larger than %zu bytes", max);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return AGS_OK;
}

enum ags_err ags_file_read(char **out, size_t *len, const char *path,
                           size_t max, struct ags_error *err)
{
	size_t size = 0;
	enum ags_err rc;
	int fd;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return io_error(err, path, "cannot open");
	rc = check_regular(fd, path, max, &size, err);
	if (rc == AGS_OK)
		rc = read_all(fd, out, len, size, max, path, err);
	close(fd);
	return rc;
}

static int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Creates "<dir>/.<name>.XXXXXX.tmp" exclusively; returns its fd. */
static int temp_create(char *tmp, size_t cap, const char *path, unsigned mode)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *name = slash ? slash + 1 : path;
	int tries, fd;

	for (tries = 0; tries < 100; tries++) {
		int n = snprintf(tmp, cap, "%.*s.%s.%08x.tmp", (int)dirlen,
		                 path, name, (unsigned)randombytes_random());
		if (n < 0 || (size_t)n >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp,
		          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		          (mode_t)mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

static enum ags_err publish(const char *tmp, const char *path, int replace,
                            struct ags_error *err)
{
	struct stat st;

	if (replace) {
		/* Replace files (or a symbolic link itself), never a device
		 * or a FIFO: --force -o /dev/full must not swap a node. */
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISLNK(st.st_mode))
			return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
			                     "is not a regular file: not "
			                     "replaced");
		if (rename(tmp, path) != 0)
			return io_error(err, path, "cannot replace");
		return AGS_OK;
	}
	/* link() never follows or replaces an existing name: the O_EXCL of
	 * file publication. */
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			return ags_error_set(
			        err, AGS_ERR_EXISTS, path, 0, 0,
			        "file exists (use --force to replace it)");
		return io_error(err, path, "cannot create");
	}
	unlink(tmp);
	return AGS_OK;
}

/* A file at path would be replaced: its content must survive a crash, so
 * the new content goes to disk before the rename. */
static int must_sync(const char *path, unsigned flags)
{
	struct stat st;

	if (flags & AGS_WRITE_DURABLE)
		return 1;
	return (flags & AGS_WRITE_REPLACE) && lstat(path, &st) == 0;
}

/* The permission bits an edit gives the new file: those of the file it
 * replaces (a trust file made group-readable stays so), set with fchmod
 * since the umask trims what open() gives. Set-id and sticky bits are not
 * kept. */
static int keep_mode(int fd, const char *path, unsigned flags)
{
	struct stat st;

	if (!(flags & AGS_WRITE_KEEP_MODE) || lstat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return fchmod(fd, st.st_mode & 0777);
}

enum ags_err ags_file_write_atomic(const char *path, const void *data,
                                   size_t len, unsigned mode, unsigned flags,
                                   struct ags_error *err)
{
	char tmp[4096];
	enum ags_err rc = AGS_OK;
	int fd = temp_create(tmp, sizeof(tmp), path, mode);

	if (fd < 0)
		return io_error(err, path,
		                "cannot create a temporary file beside");
	if (keep_mode(fd, path, flags) != 0 || write_full(fd, data, len) != 0 ||
	    (must_sync(path, flags) && fsync(fd) != 0))
		rc = io_error(err, path, "cannot write");
	if (close(fd) != 0 && rc == AGS_OK)
		rc = io_error(err, path, "cannot write");
	if (rc == AGS_OK)
		rc = publish(tmp, path, (flags & AGS_WRITE_REPLACE) != 0, err);
	if (rc != AGS_OK)
		unlink(tmp);
	else if (flags & AGS_WRITE_DURABLE)
		sync_dir(path);
	return rc;
}

/* The file an edit of path changes: the file a symbolic link leads to,
 * since that is the file readers read; path itself otherwise. A dangling
 * link is refused: creating its target would write wherever it points. */
static enum ags_err resolve(char **real, const char *path,
                            struct ags_error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
		*real = strdup(path);
	else if (!(*real = realpath(path, NULL)) && errno != ENOMEM)
		return errno == ENOENT
		               ? ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                               "is a symbolic link to a "
		                               "missing file: not followed")
		               : io_error(err, path,
		                          "cannot follow the symbolic link");
	if (!*real)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	return AGS_OK;
}

/* The real file may be missing (it is created) or a regular file with
 * one name: a replacement by rename gives only one name the new text, so
 * a second hard link would silently keep the old one. */
static enum ags_err check_editable(const char *real, const char *path,
                                   struct ags_error *err)
{
	struct stat st;

	if (lstat(real, &st) != 0)
		return errno == ENOENT ? AGS_OK
		                       : io_error(err, path, "cannot stat");
	if (!S_ISREG(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file");
	if (st.st_nlink > 1)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "has %ju hard links, and an edit would "
		                     "change only one of them: not edited "
		                     "(keep one name, e.g. a symbolic link "
		                     "for the others)",
		                     (uintmax_t)st.st_nlink);
	return AGS_OK;
}

void ags_lock_init(struct ags_lock *lk)
{
	lk->path = NULL;
	lk->fd = -1;
}

/* Opens "<real>.lock" and waits for an exclusive lock on it. Not a lock
 * on the file itself: a replacement is a new inode, and a lock on the old
 * one would not keep the next editor out. */
static enum ags_err lock_beside(int *fd, const char *real,
                                struct ags_error *err)
{
	size_t n = strlen(real) + sizeof(".lock");
	char *name = malloc(n);
	enum ags_err rc = AGS_OK;
	int r = -1;

	if (!name)
		return ags_error_set(err, AGS_ERR_NOMEM, real, 0, 0,
		                     "out of memory");
	snprintf(name, n, "%s.lock", real);
	*fd = open(name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd >= 0)
		while ((r = flock(*fd, LOCK_EX)) != 0 && errno == EINTR)
			;
	if (r != 0)
		rc = ags_error_set(err, AGS_ERR_IO, name, 0, 0,
		                   "cannot lock: %s", strerror(errno));
	free(name);
	return rc;
}

enum ags_err ags_lock_take(struct ags_lock *lk, const char *path,
                           struct ags_error *err)
{
	enum ags_err rc;

	ags_lock_init(lk);
	rc = resolve(&lk->path, path, err);
	/* Before the lock too: no lock file beside a device or a FIFO. */
	if (rc == AGS_OK)
		rc = check_editable(lk->path, path, err);
	if (rc == AGS_OK)
		rc = lock_beside(&lk->fd, lk->path, err);
	/* Again, now that no other edit can be under way. */
	if (rc == AGS_OK)
		rc = check_editable(lk->path, path, err);
	if (rc != AGS_OK)
		ags_lock_release(lk);
	return rc;
}

void ags_lock_release(struct ags_lock *lk)
{
	if (lk->fd >= 0)
		close(lk->fd); /* releases the lock */
	free(lk->path);
	ags_lock_init(lk);
}

static enum ags_err read_current(char **buf, size_t *len, const char *path,
                                 size_t max, struct ags_error *err)
{
	struct ags_error local = {0};
	enum ags_err rc = ags_file_read(buf, len, path, max, &local);

	if (rc == AGS_OK)
		return AGS_OK;
	if (rc == AGS_ERR_IO && access(path, F_OK) != 0 && errno == ENOENT) {
		*buf = NULL;
		*len = 0;
		return AGS_OK;
	}
	*err = local;
	return rc;
}

enum ags_err ags_file_edit_locked(const char *path, size_t max,
                                  ags_edit_fn edit, void *ctx,
                                  struct ags_error *err)
{
	struct ags_lock lk;
	char *buf = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	enum ags_err rc = ags_lock_take(&lk, path, err);

	if (rc == AGS_OK)
		rc = read_current(&buf, &len, lk.path, max, err);
	if (rc == AGS_OK)
		rc = edit(&out, &out_len, buf ? buf : "", len, ctx, err);
	if (rc == AGS_OK)
		rc = ags_file_write_atomic(lk.path, out, out_len, 0644,
		                           AGS_WRITE_REPLACE |
		                                   AGS_WRITE_DURABLE |
		                                   AGS_WRITE_KEEP_MODE,
		                           err);
	ags_lock_release(&lk);
	free(buf);
	free(out);
	return rc;
}
