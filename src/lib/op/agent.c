/* Signing through an SSH agent: the connection to its Unix socket and
 * the two exchanges agreesign makes, each bounded in time (poll) and in
 * size (a reply's length is checked before it is read). The messages are
 * format/agent_msg.c's. The secret key stays in the agent; what comes
 * back is used only once it verifies under the key over the message.
 * The socket's path is the caller's: the library reads no environment
 * variable. Tested by e2e_agent.sh against ssh-agent and a fake agent,
 * and by check_agent_msg.c (the timeout). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct ags_agent {
	int fd;
	int timeout_ms;
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	char key_id[AGS_KEYID_HEX + 1];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The timeout in the unit it was given: 60 s, or 300 ms (not "0 s"). */
static enum ags_err timed_out(const struct ags_agent *a, struct ags_error *err)
{
	if (a->timeout_ms % 1000 == 0)
		return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
		                     "the agent did not answer within %d s",
		                     a->timeout_ms / 1000);
	return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
	                     "the agent did not answer within %d ms",
	                     a->timeout_ms);
}

/* Waits until fd is ready for events or the deadline passes. */
static enum ags_err wait_fd(const struct ags_agent *a, short events,
                            long long deadline, struct ags_error *err)
{
	struct pollfd p = {a->fd, events, 0};
	long long left;
	int rc;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return timed_out(a, err);
		rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return AGS_OK;
		if (rc < 0 && errno != EINTR)
			return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
			                     "cannot wait for the agent: %s",
			                     strerror(errno));
	}
}

static enum ags_err send_all(const struct ags_agent *a, const uint8_t *p,
                             size_t n, long long deadline,
                             struct ags_error *err)
{
	ssize_t w;

	while (n > 0) {
		/* MSG_NOSIGNAL: an agent that went away is an error to
		 * report, not a SIGPIPE that kills the command. */
		w = send(a->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(a, POLLOUT, deadline, err) != AGS_OK)
				return AGS_ERR_IO;
		} else {
			return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
			                     "the agent closed the connection: "
			                     "%s",
			                     strerror(errno));
		}
	}
	return AGS_OK;
}

static enum ags_err recv_all(const struct ags_agent *a, uint8_t *p, size_t n,
                             long long deadline, struct ags_error *err)
{
	ssize_t r;

	while (n > 0) {
		r = recv(a->fd, p, n, 0);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r == 0) {
			return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
			                     "the agent closed the connection "
			                     "before it answered");
		} else if (errno == EAGAIN || errno == EINTR) {
			if (wait_fd(a, POLLIN, deadline, err) != AGS_OK)
				return AGS_ERR_IO;
		} else {
			return ags_error_set(err, AGS_ERR_IO, a->path, 0, 0,
			                     "cannot read from the agent: %s",
			                     strerror(errno));
		}
	}
	return AGS_OK;
}

/* Sends the message req (its uint32 length first) and reads the reply
 * into *reply (malloc'd, the caller free()s it), refusing one longer
 * than max before reading it. The whole exchange has a->timeout_ms. */
static enum ags_err exchange(uint8_t **reply, size_t *len,
                             const struct ags_agent *a,
                             const struct ags_buf *req, size_t max,
                             struct ags_error *err)
{
	long long deadline = now_ms() + a->timeout_ms;
	uint8_t head[4];
	uint32_t n;
	enum ags_err rc;

	*reply = NULL;
	if (req->failed || req->len > AGS_AGENT_MSG_MAX)
		return ags_error_set(err, AGS_ERR_TOO_LARGE, a->path, 0, 0,
		                     "the message to sign is too long for an "
		                     "agent");
	head[0] = (uint8_t)(req->len >> 24);
	head[1] = (uint8_t)(req->len >> 16);
	head[2] = (uint8_t)(req->len >> 8);
	head[3] = (uint8_t)req->len;
	rc = send_all(a, head, 4, deadline, err);
	if (rc == AGS_OK)
		rc = send_all(a, (const uint8_t *)req->s, req->len, deadline,
		              err);
	if (rc == AGS_OK)
		rc = recv_all(a, head, 4, deadline, err);
	if (rc != AGS_OK)
		return rc;
	n = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
	    (uint32_t)head[2] << 8 | head[3];
	if (n == 0)
		return ags_error_set(err, AGS_ERR_FORMAT, a->path, 0, 0,
		                     "malformed reply from the agent: an empty "
		                     "message");
	if (n > max)
		return ags_error_set(
		        err, AGS_ERR_TOO_LARGE, a->path, 0, 0,
		        "the agent's reply is %lu bytes, more than "
		        "the %zu this reply can take",
		        (unsigned long)n, max);
	if (!(*reply = malloc(n)))
		return ags_error_set(err, AGS_ERR_NOMEM, a->path, 0, 0,
		                     "out of memory");
	rc = recv_all(a, *reply, n, deadline, err);
	if (rc != AGS_OK) {
		free(*reply);
		*reply = NULL;
		return rc;
	}
	*len = n;
	return AGS_OK;
}

static enum ags_err connect_to(struct ags_agent *a, const char *path,
                               struct ags_error *err)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path) || path[0] == '\0')
		return ags_error_set(err, AGS_ERR_INVALID, path, 0, 0,
		                     "the agent's socket path is empty or "
		                     "longer than %zu bytes",
		                     sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path));
	a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->fd < 0)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "cannot make a socket: %s",
		                     strerror(errno));
	/* A Unix socket connects at once or not at all (EAGAIN: its queue
	 * is full), so there is nothing to wait for here. */
	if (connect(a->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return AGS_OK;
	if (errno == ENOENT)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "no agent: the socket does not exist (is "
		                     "ssh-agent running?)");
	if (errno == ECONNREFUSED)
		return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
		                     "the agent refuses connections (no agent "
		                     "listens on this socket any more)");
	return ags_error_set(err, AGS_ERR_IO, path, 0, 0,
	                     "cannot connect to the agent: %s",
	                     strerror(errno));
}

/* Asks the agent for its keys: AGS_OK when a->pk is among them. */
static enum ags_err check_held(struct ags_agent *a, struct ags_error *err)
{
	struct ags_buf req = {0};
	uint8_t *reply = NULL;
	size_t len = 0;
	int held = 0;
	enum ags_err rc;

	ags_agent_ids_request(&req);
	rc = exchange(&reply, &len, a, &req, AGS_AGENT_MSG_MAX, err);
	if (rc == AGS_OK)
		rc = ags_agent_ids_parse(&held, reply, len, a->pk, a->path,
		                         err);
	if (rc == AGS_OK && !held)
		rc = ags_error_set(err, AGS_ERR_KEY, a->path, 0, 0,
		                   "the agent does not hold key %s (add it "
		                   "with 'ssh-add' and its private key file)",
		                   a->key_id);
	free(reply);
	ags_buf_release(&req);
	return rc;
}

enum ags_err ags_agent_open(struct ags_agent **out, const char *socket_path,
                            const struct ags_pubkey *pub, int timeout_ms,
                            struct ags_error *err)
{
	struct ags_agent *a = calloc(1, sizeof(*a));
	enum ags_err rc;

	*out = NULL;
	if (!a)
		return ags_error_set(err, AGS_ERR_NOMEM, socket_path, 0, 0,
		                     "out of memory");
	a->fd = -1;
	a->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	memcpy(a->pk, pub->pk, AGS_PUBLICKEY_BYTES);
	ags_key_id(a->key_id, a->pk);
	ags_text_copy(a->path, sizeof(a->path), socket_path);
	rc = connect_to(a, socket_path, err);
	if (rc == AGS_OK)
		rc = check_held(a, err);
	if (rc != AGS_OK) {
		ags_agent_close(a);
		return rc;
	}
	*out = a;
	return AGS_OK;
}

enum ags_err ags_agent_sign(uint8_t sig[AGS_SIGNATURE_BYTES],
                            const uint8_t *msg, size_t len, void *agent,
                            struct ags_error *err)
{
	struct ags_agent *a = agent;
	struct ags_buf req = {0};
	uint8_t *reply = NULL;
	size_t rlen = 0;
	enum ags_err rc;

	ags_agent_sign_request(&req, a->pk, msg, len);
	rc = exchange(&reply, &rlen, a, &req, AGS_AGENT_SIGN_REPLY_MAX, err);
	if (rc == AGS_OK)
		rc = ags_agent_sign_parse(sig, reply, rlen, a->path, err);
	if (rc == AGS_OK &&
	    crypto_sign_verify_detached(sig, msg, len, a->pk) != 0)
		rc = ags_error_set(
		        err, AGS_ERR_CRYPTO, a->path, 0, 0,
		        "the agent's signature does not verify under "
		        "key %s: not used",
		        a->key_id);
	free(reply);
	ags_buf_release(&req);
	return rc;
}

void ags_agent_close(struct ags_agent *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}
