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

static enum ags_err hash_fd(int fd, const char *path, uint8_t *digest,
                            uint64_t *length, struct ags_error *err)
{
	crypto_hash_sha512_state st;
	unsigned char *buf = malloc(CHUNK);
	uint64_t total = 0;
	ssize_t r;

	if (!buf)
		return ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                     "out of memory");
	crypto_hash_sha512_init(&st);
	while ((r = read(fd, buf, CHUNK)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
			                     "cannot read: %s",
			                     strerror(errno));
		}
		crypto_hash_sha512_update(&st, buf, (unsigned long long)r);
		total += (uint64_t)r;
	}
	free(buf);
	crypto_hash_sha512_final(&st, digest);
	*length = total;
	return AGS_OK;
}

/* Hashes path; *changed is set when the file changed while it was read
 * (then digest and length mean nothing). */
static enum ags_err hash_file(const char *path, uint8_t *digest,
                              uint64_t *length, int *changed,
                              struct ags_error *err)
{
	struct stat before, after;
	enum ags_err rc;
	/* O_NOFOLLOW: a link could point anywhere, outside the folder. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
	                            O_NOFOLLOW);

	if (fd < 0)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "cannot open: %s", strerror(errno));
	if (fstat(fd, &before) != 0 || !S_ISREG(before.st_mode)) {
		close(fd);
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "is not a regular file");
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = hash_fd(fd, path, digest, length, err);
	if (rc == AGS_OK && fstat(fd, &after) != 0)
		rc = ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                   "cannot stat: %s", strerror(errno));
	*changed = rc == AGS_OK && (!same_file(&before, &after) ||
	                            (uint64_t)after.st_size != *length);
	close(fd);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Names are plain file names: no directory part, nothing hidden behind
 * "." or "..", one text line. */
const char *ags_attachment_name_check(const char *name)
{
	if (ags_field_check(name, strlen(name)))
		return ags_field_check(name, strlen(name));
	if (strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return "attachment name must be a plain file name";
	return NULL;
}

enum ags_err ags_attachment_add(struct ags_agreement *a, const char *path,
                                struct ags_error *err)
{
	const char *name = base_name(path),
	           *why = ags_attachment_name_check(name);
	struct ags_attachment *grown, *at;
	enum ags_err rc;
	int changed = 0;
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
	rc = hash_file(path, at->sha512, &at->length, &changed, err);
	if (rc == AGS_OK && changed)
		rc = ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                   "file changed while it was read");
	if (rc == AGS_OK && !(at->name = strdup(name)))
		rc = ags_error_set(err, AGS_ERR_NOMEM, path, 0, 0,
		                   "out of memory");
	if (rc == AGS_OK)
		a->nattachments++;
	return rc;
}

static enum ags_attach_status check_one(const struct ags_attachment *at,
                                        const char *dir)
{
	uint8_t digest[AGS_DIGEST_BYTES];
	uint64_t length = 0;
	int changed = 0;
	size_t n = strlen(dir) + strlen(at->name) + 2;
	char *path = malloc(n);
	struct ags_error err = {0};
	enum ags_err rc;

	if (!path)
		return AGS_ATTACH_UNCHECKED;
	snprintf(path, n, "%s/%s", dir, at->name);
	if (access(path, F_OK) != 0) {
		free(path);
		return AGS_ATTACH_MISSING;
	}
	rc = hash_file(path, digest, &length, &changed, &err);
	free(path);
	if (rc != AGS_OK || changed || length != at->length ||
	    memcmp(digest, at->sha512, sizeof(digest)) != 0)
		return AGS_ATTACH_CHANGED;
	return AGS_ATTACH_VERIFIED;
}

enum ags_err ags_verify_attachments(struct ags_report *report,
                                    const struct ags_envelope *env,
                                    const char *dir, struct ags_error *err)
{
	const struct ags_agreement *a = &env->agreement;
	char name[200];
	size_t i;

	free(report->attachments);
	report->nattachments = 0;
	report->attachments = calloc(a->nattachments ? a->nattachments : 1,
	                             sizeof(*report->attachments));
	if (!report->attachments)
		return ags_error_set(err, AGS_ERR_NOMEM, dir, 0, 0,
		                     "out of memory");
	report->nattachments = a->nattachments;
	for (i = 0; i < a->nattachments; i++) {
		report->attachments[i] = check_one(&a->attachments[i], dir);
		if (report->attachments[i] == AGS_ATTACH_CHANGED &&
		    report->verified) {
			report->verified = 0;
			ags_bounded(report->policy_detail,
			            sizeof(report->policy_detail),
			            "attachment \"%s\" has changed",
			            ags_text_copy(name, sizeof(name),
			                          a->attachments[i].name));
		}
	}
	return AGS_OK;
}
