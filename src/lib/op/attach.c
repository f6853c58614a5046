/* Files bound to an agreement: hashed as a stream in fixed-size chunks, so
 * a 1 GiB paper costs the same memory as a 1 KiB one. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256u * 1024u)

const char *ags_attach_status_name(enum ags_attach_status st)
{
	switch (st) {
	case AGS_ATTACH_UNCHECKED: return "unchecked";
	case AGS_ATTACH_VERIFIED: return "verified";
	case AGS_ATTACH_CHANGED: return "changed";
	case AGS_ATTACH_MISSING: return "missing";
	}
	return "unknown";
}

/* The file identity that must not change while it is read. */
static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Hashes exactly n bytes of fd and makes sure no byte follows them: a
 * file shorter or longer than its size said has changed. */
static enum ags_err hash_fd(int fd, const char *path, uint64_t n,
                            uint8_t *digest, struct ags_error *err)
{
	crypto_hash_sha512_state st;
	unsigned char *buf = malloc(CHUNK);
	ssize_t r;
	int e = 0;

	if (!buf)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	crypto_hash_sha512_init(&st);
	for (;;) {
		/* Once n bytes are in, one more read must find the end. */
		r = read(fd, buf, n == 0 ? 1 : n < CHUNK ? (size_t)n : CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || n == 0)
			break;
		crypto_hash_sha512_update(&st, buf, (unsigned long long)r);
		n -= (uint64_t)r;
	}
	e = errno;
	free(buf);
	if (r < 0)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "cannot read: %s", strerror(e));
	if (r > 0 || n > 0)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "file changed while it was read");
	crypto_hash_sha512_final(&st, digest);
	return AGS_OK;
}

/* Hashes the regular file at path to the size it has when opened (its
 * *length), never through a symbolic link: one could point anywhere,
 * outside the folder. When seen is not NULL, the file opened must still
 * be the one seen names (the verifier's lstat). Any change while it is
 * read is an error. */
static enum ags_err hash_file(const char *path, const struct stat *seen,
                              uint8_t *digest, uint64_t *length,
                              struct ags_error *err)
{
	struct stat before, after;
	enum ags_err rc = AGS_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
	                            O_NOFOLLOW);

	if (fd < 0)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "cannot open: %s", strerror(errno));
	if (fstat(fd, &before) != 0 || !S_ISREG(before.st_mode))
		rc = ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                   "is not a regular file");
	else if (seen && !same_file(seen, &before))
		rc = ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                   "file changed while it was read");
	else if (before.st_size > AGS_JCS_INT_MAX)
		rc = ags_error_set(err, AGS_ERR_TOO_LARGE, path, 0, 0,
		                   "is larger than 2^53-1 bytes");
	if (rc == AGS_OK) {
		*length = (uint64_t)before.st_size;
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		rc = hash_fd(fd, path, *length, digest, err);
	}
	if (rc == AGS_OK &&
	    (fstat(fd, &after) != 0 || !same_file(&before, &after)))
		rc = ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                   "file changed while it was read");
	close(fd);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum ags_err ags_attachment_add(struct ags_agreement *a, const char *path,
                                struct ags_error *err)
{
	const char *name = base_name(path),
	           *why = ags_attachment_name_check(name);
	struct ags_attachment *grown, *at;
	enum ags_err rc;
	size_t i;

	if (why)
		return ags_error_set(err, AGS_ERR_INVALID, path, 0, 0, "%s",
		                     why);
	for (i = 0; i < a->nattachments; i++)
		if (strcmp(a->attachments[i].name, name) == 0)
			return ags_error_set(err, AGS_ERR_INVALID, path, 0, 0,
			                     "a file named \"%s\" is already "
			                     "attached",
			                     name);
	grown = realloc(a->attachments, (a->nattachments + 1) * sizeof(*grown));
	if (!grown)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	a->attachments = grown;
	at = &grown[a->nattachments];
	memset(at, 0, sizeof(*at));
	rc = hash_file(path, NULL, at->sha512, &at->length, err);
	if (rc == AGS_OK && !(at->name = strdup(name)))
		rc = ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                   "out of memory");
	if (rc == AGS_OK)
		a->nattachments++;
	return rc;
}

/* The status of one attachment in dir (a folder). Nothing is read
 * unless the name is a regular file of the signed length, so a link, a
 * FIFO or a sparse terabyte cost one lstat. */
static enum ags_attach_status check_one(const struct ags_attachment *at,
                                        const char *dir)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	uint64_t length = 0;
	size_t n = strlen(dir) + strlen(at->name) + 2;
	char *path = malloc(n);
	struct ags_error err = {0};
	enum ags_attach_status status = AGS_ATTACH_CHANGED;
	struct stat st;

	if (!path)
		return AGS_ATTACH_UNCHECKED;
	snprintf(path, n, "%s/%s", dir, at->name);
	if (lstat(path, &st) != 0)
		/* A name too long for the file system names no file there. */
		status = errno == ENOENT || errno == ENAMETOOLONG
		                 ? AGS_ATTACH_MISSING
		                 : AGS_ATTACH_CHANGED;
	else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size == at->length &&
	         hash_file(path, &st, digest, &length, &err) == AGS_OK &&
	         memcmp(digest, at->sha512, sizeof(digest)) == 0)
		status = AGS_ATTACH_VERIFIED;
	free(path);
	return status;
}

/* AGS_OK when dir is a folder to look attachments up in. Otherwise no
 * attachment can be checked, and "missing" for each would be untrue. */
static enum ags_err check_dir(const char *dir, struct ags_error *err)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return ags_error_set(err, AGS_ERR_IO, dir, 0, 0,
		                     "cannot open the attachment folder: %s",
		                     strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ags_error_set(err, AGS_ERR_INVALID, dir, 0, 0,
		                     "is not a folder (attachments are looked "
		                     "for in a folder)");
	return AGS_OK;
}

enum ags_err ags_verify_attachments(struct ags_report *report,
                                    const struct ags_envelope *env,
                                    const char *dir, struct ags_error *err)
{
	const struct ags_agreement *a = &env->agreement;
	enum ags_err rc = a->nattachments ? check_dir(dir, err) : AGS_OK;
	char name[200];
	size_t i;

	if (rc != AGS_OK)
		return rc;
	free(report->attachments);
	report->nattachments = 0;
	report->attachments = calloc(a->nattachments ? a->nattachments : 1,
	                             sizeof(*report->attachments));
	if (!report->attachments)
		return ags_error_set(err, AGS_ERR_NOMEM, dir, 0, 0,
		                     "out of memory");
	report->nattachments = a->nattachments;
	for (i = 0; i < a->nattachments; i++) {
		enum ags_attach_status st = check_one(&a->attachments[i], dir);
		report->attachments[i] = st;
		if (!report->verified || !(st == AGS_ATTACH_CHANGED ||
		                           (st == AGS_ATTACH_MISSING &&
		                            report->require_attachments)))
			continue;
		report->verified = 0;
		ags_bounded(report->policy_detail,
		            sizeof(report->policy_detail),
		            st == AGS_ATTACH_CHANGED
		                    ? "attachment \"%s\" has changed"
		                    : "attachment \"%s\" is missing",
		            ags_text_copy(name, sizeof(name),
		                          a->attachments[i].name));
	}
	return AGS_OK;
}
