/* Key files on disk: a .pub read like any small file; a .key read only
 * from a regular file, never through a symbolic link, and only into
 * guarded memory; a pair written so that no half of it is left behind.
 * The text of both is keyfile_parse.c's and keyfile_format.c's. Tested by
 * check_key.c. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading a .pub ------------------------------------------------- */

enum ags_err ags_pubkey_load(struct ags_pubkey *out, const char *path,
                             struct ags_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	enum ags_err rc;

	ags_pubkey_init(out);
	rc = ags_file_read(&buf, &len, path, AGS_KEYFILE_MAX, err);
	if (rc == AGS_OK)
		rc = ags_pubkey_parse(out, buf, len, path, err);
	free(buf);
	return rc;
}

/* ---- reading a .key ------------------------------------------------- */

static enum ags_err io_error(struct ags_error *err, const char *path,
                             const char *what)
{
	return ags_error_set(err, AGS_ERR_IO, path, 0, 0, "%s: %s", what,
	                     strerror(errno));
}

static enum ags_err check_keyfile(int fd, const char *path, int *loose_mode,
                                  struct ags_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return io_error(err, path, "cannot stat");
	if (!S_ISREG(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file");
	if ((uintmax_t)st.st_size > AGS_KEYFILE_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, path, 0, 0,
		                     "key file is larger than %u bytes",
		                     AGS_KEYFILE_MAX);
	if (loose_mode)
		*loose_mode = (st.st_mode & 077) != 0;
	return AGS_OK;
}

/* Reads to end of file (the size from fstat is only a hint) into guarded
 * memory; one byte more than the limit is room to notice growth. */
static enum ags_err read_secret(char **out, size_t *len, int fd,
                                const char *path, struct ags_error *err)
{
	char *buf = sodium_malloc(AGS_KEYFILE_MAX + 1);
	size_t n = 0;
	ssize_t r;

	if (!buf)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	while (n <= AGS_KEYFILE_MAX) {
		r = read(fd, buf + n, AGS_KEYFILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sodium_free(buf);
			return io_error(err, path, "cannot read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > AGS_KEYFILE_MAX) {
		sodium_free(buf);
		return ags_error_set(err, AGS_ERR_TOO_LARGE, path, 0, 0,
		                     "key file is larger than %u bytes",
		                     AGS_KEYFILE_MAX);
	}
	*out = buf;
	*len = n;
	return AGS_OK;
}

static int open_keyfile(const char *path, struct ags_error *err)
{
	/* O_NOFOLLOW: a secret key is never read through a symbolic link;
	 * O_NONBLOCK: a FIFO must not hang us before fstat refuses it. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	                            O_NOCTTY);

	if (fd < 0 && errno == ELOOP)
		ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		              "is a symbolic link (not followed for a secret "
		              "key)");
	else if (fd < 0)
		io_error(err, path, "cannot open");
	return fd;
}

enum ags_err ags_seckey_load(struct ags_seckey **out, const char *path,
                             ags_passphrase_fn ask, void *ctx, int *loose_mode,
                             struct ags_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	enum ags_err rc;
	int fd;

	*out = NULL;
	if (loose_mode)
		*loose_mode = 0;
	fd = open_keyfile(path, err);
	if (fd < 0)
		return AGS_ERR_IO;
	rc = check_keyfile(fd, path, loose_mode, err);
	if (rc == AGS_OK)
		rc = read_secret(&buf, &len, fd, path, err);
	close(fd);
	if (rc == AGS_OK && ags_seckey_text_is_ssh(buf, len))
		rc = ags_ssh_seckey_parse(out, buf, len, path, err);
	else if (rc == AGS_OK)
		rc = ags_seckey_parse(out, buf, len, path, ask, ctx, err);
	sodium_free(buf);
	return rc;
}

enum ags_err ags_seckey_load_public(struct ags_pubkey *out, int *sealed,
                                    const char *path, int *loose_mode,
                                    struct ags_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	enum ags_err rc;
	int fd;

	ags_pubkey_init(out);
	if (loose_mode)
		*loose_mode = 0;
	fd = open_keyfile(path, err);
	if (fd < 0)
		return AGS_ERR_IO;
	rc = check_keyfile(fd, path, loose_mode, err);
	if (rc == AGS_OK)
		rc = read_secret(&buf, &len, fd, path, err);
	close(fd);
	if (rc == AGS_OK && ags_seckey_text_is_ssh(buf, len)) {
		rc = ags_ssh_seckey_parse_public(out, buf, len, path, err);
		if (sealed)
			*sealed = 0;
	} else if (rc == AGS_OK) {
		rc = ags_seckey_parse_public(out, sealed, buf, len, path, err);
	}
	sodium_free(buf); /* wipes: a clear seed may have been read */
	return rc;
}

/* ---- writing a pair ------------------------------------------------- */

static enum ags_err pair_path(char out[PATH_MAX], const char *base,
                              const char *ext, struct ags_error *err)
{
	int n = snprintf(out, PATH_MAX, "%s%s", base, ext);

	if (base[0] == '\0' || n < 0 || n >= PATH_MAX)
		return ags_error_set(err, AGS_ERR_INVALID, base, 0, 0,
		                     "key file name is empty or too long");
	return AGS_OK;
}

/* What may stand at path before a key file is written there: nothing,
 * or (force) a file or a symbolic link, which is replaced itself. lstat:
 * a dangling symbolic link counts as an existing file. */
static enum ags_err check_target(const char *path, int force,
                                 struct ags_error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? AGS_OK
		                       : io_error(err, path, "cannot check");
	if (!force)
		return ags_error_set(err, AGS_ERR_EXISTS, path, 0, 0,
		                     "file exists (use --force to replace it)");
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file: not replaced");
	return AGS_OK;
}

/* The folder of base: what comes before its last '/', "/" or ".". */
static void key_folder(char out[PATH_MAX], const char *base)
{
	const char *slash = strrchr(base, '/');
	size_t n = slash ? (size_t)(slash - base) : 0;

	if (!slash)
		memcpy(out, ".", 2);
	else if (n == 0)
		memcpy(out, "/", 2);
	else {
		memcpy(out, base, n); /* n < PATH_MAX: pair_path checked */
		out[n] = '\0';
	}
}

/* Makes dir with mode 0700 when make is set and it is missing (only
 * dir: a missing folder above it is an error), then checks that files
 * can be made in it; a folder that cannot take them is reported against
 * file, the key file that would go there. */
static enum ags_err check_folder(const char *dir, const char *file, int make,
                                 struct ags_error *err)
{
	struct stat st;

	if (make && mkdir(dir, 0700) == 0) {
		if (chmod(dir, 0700) != 0) /* whatever the umask */
			return io_error(err, dir, "cannot set the mode of");
		return AGS_OK;
	}
	if (make && errno != EEXIST)
		return io_error(err, dir, "cannot create the key folder");
	if (stat(dir, &st) != 0)
		return io_error(err, dir, "cannot open the key folder");
	if (!S_ISDIR(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, dir, 0, 0,
		                     "is not a folder");
	if (access(dir, W_OK | X_OK) != 0)
		return io_error(err, file, "cannot create in its folder");
	return AGS_OK;
}

enum ags_err ags_keypair_check(const char *base, int force, int make_folder,
                               struct ags_error *err)
{
	char pubpath[PATH_MAX], keypath[PATH_MAX], dir[PATH_MAX];
	enum ags_err rc = pair_path(pubpath, base, ".pub", err);

	if (rc == AGS_OK)
		rc = pair_path(keypath, base, ".key", err);
	if (rc != AGS_OK)
		return rc;
	key_folder(dir, base);
	rc = check_folder(dir, keypath, make_folder, err);
	if (rc == AGS_OK)
		rc = check_target(keypath, force, err);
	if (rc == AGS_OK)
		rc = check_target(pubpath, force, err);
	return rc;
}

/* Writes the .key exclusively first, so that *created tells whether this
 * call made the file (and may remove it again) or replaced one. */
static enum ags_err write_key(const char *path, const char *data, size_t len,
                              int force, int *created, struct ags_error *err)
{
	struct ags_error first;
	enum ags_err rc;

	ags_error_clear(&first);
	*created = 0;
	rc = ags_file_write_atomic(path, data, len, 0600, AGS_WRITE_DURABLE,
	                           &first);
	if (rc == AGS_OK)
		*created = 1;
	else if (rc == AGS_ERR_EXISTS && force)
		return ags_file_write_atomic(
		        path, data, len, 0600,
		        AGS_WRITE_REPLACE | AGS_WRITE_DURABLE, err);
	else if (err && err->code == AGS_OK)
		*err = first;
	return rc;
}

static enum ags_err write_pair(const char *keypath, const char *pubpath,
                               const char *key, size_t keylen, const char *pub,
                               size_t publen, int force, struct ags_error *err)
{
	int created = 0;
	enum ags_err rc = write_key(keypath, key, keylen, force, &created, err);

	if (rc != AGS_OK)
		return rc;
	rc = ags_file_write_atomic(
	        pubpath, pub, publen, 0644,
	        AGS_WRITE_DURABLE | (force ? AGS_WRITE_REPLACE : 0u), err);
	/* No half pair: a .key this call made goes again with its .pub. */
	if (rc != AGS_OK && created)
		unlink(keypath);
	return rc;
}

enum ags_err ags_keypair_write(const char *base, const struct ags_seckey *sk,
                               const char *passphrase, size_t pass_len,
                               const struct ags_kdf_params *kdf, int force,
                               struct ags_error *err)
{
	char pubpath[PATH_MAX], keypath[PATH_MAX];
	char *pub = NULL, *key = NULL;
	size_t publen = 0, keylen = 0;
	enum ags_err rc = ags_keypair_check(base, force, 0, err);

	if (rc == AGS_OK)
		rc = pair_path(pubpath, base, ".pub", err);
	if (rc == AGS_OK)
		rc = pair_path(keypath, base, ".key", err);
	if (rc == AGS_OK)
		rc = ags_seckey_format(&key, &keylen, sk, passphrase, pass_len,
		                       kdf, err);
	if (rc == AGS_OK)
		rc = ags_pubkey_format(&pub, &publen, &sk->pub, err);
	if (rc == AGS_OK)
		rc = write_pair(keypath, pubpath, key, keylen, pub, publen,
		                force, err);
	free(pub);
	sodium_free(key);
	return rc;
}

/* ---- a new passphrase ----------------------------------------------- */

enum ags_err ags_seckey_rewrite(const char *path, const struct ags_seckey *sk,
                                const char *passphrase, size_t pass_len,
                                const struct ags_kdf_params *kdf,
                                struct ags_error *err)
{
	char *key = NULL;
	size_t keylen = 0;
	struct stat st;
	enum ags_err rc;

	/* Only a key file that is there, as a file: never a link's target,
	 * never a new name. */
	if (lstat(path, &st) != 0)
		return io_error(err, path, "cannot open");
	if (!S_ISREG(st.st_mode))
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file: not replaced");
	rc = ags_seckey_format(&key, &keylen, sk, passphrase, pass_len, kdf,
	                       err);
	if (rc == AGS_OK)
		rc = ags_file_write_atomic(
		        path, key, keylen, 0600,
		        AGS_WRITE_REPLACE | AGS_WRITE_DURABLE, err);
	sodium_free(key);
	return rc;
}
