// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fds to another process over a unix socket with SCM_RIGHTS (handoff.h).
 * Every wait is bounded: connect(2) on a unix stream socket blocks while
 * the listener's backlog is full and sendmsg(2) while the peer does not
 * read, both for at most SO_SNDTIMEO; the answer for at most SO_RCVTIMEO.
 * A peer that has gone away is EPIPE, never SIGPIPE (MSG_NOSIGNAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "backends/vfio/handoff.h"
#include "core/util.h"

void handoff_result_release(struct handoff_result *res)
{
	free(res->reply);
	res->reply = NULL;
}

const char *handoff_explain(enum handoff_stage stage, int err)
{
	err = err < 0 ? -err : err;
	switch (stage) {
	case HANDOFF_PATH:
		if (err == ENOENT)
			return "no such socket";
		if (err == ENOTSOCK)
			return "not a unix socket";
		if (err == ENAMETOOLONG)
			return "the socket's path is longer than a unix socket address holds (107 bytes)";
		break;
	case HANDOFF_CONNECT:
		if (err == ECONNREFUSED)
			return "nothing listens on it (its listener is gone)";
		if (err == EPROTOTYPE)
			return "the socket is neither a stream nor a seqpacket socket (a datagram socket?)";
		if (err == EAGAIN || err == ETIMEDOUT)
			return "the listener does not accept: its backlog stayed full";
		if (err == EACCES || err == EPERM)
			return "no permission to connect to it";
		break;
	case HANDOFF_SEND:
		if (err == EPIPE || err == ECONNRESET)
			return "the peer closed the connection before taking the fds";
		if (err == EAGAIN || err == ETIMEDOUT)
			return "the peer does not read";
		if (err == ETOOMANYREFS)
			return "too many fds in flight";
		break;
	case HANDOFF_REPLY:
		if (err == ECONNRESET || err == EPIPE)
			return "the peer closed the connection without answering";
		if (err == EAGAIN || err == ETIMEDOUT)
			return "the peer did not answer in time";
		if (err == EMSGSIZE)
			return "the peer's answer is longer than 4096 bytes";
		if (err == EILSEQ)
			return "the peer's answer holds a NUL byte";
		break;
	}
	return NULL;
}

static void set_timeouts(int s, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	(void)setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* A connected socket of the listener's type (stream, else seqpacket), or -errno. */
static int connect_to(const struct sockaddr_un *sa, unsigned ms, int *sock_type)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	int err = -EPROTOTYPE;

	for (size_t i = 0; i < ARRAY_SIZE(types) && err == -EPROTOTYPE; i++) {
		int s = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (s < 0)
			return -errno;
		set_timeouts(s, ms);
		do
			err = connect(s, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;
		while (err == -EINTR);
		if (!err) {
			*sock_type = types[i];
			return s;
		}
		close(s);
	}
	return err;
}

/* The message with the fds on its first byte; the rest (a stream may take part) after. */
static int send_all(int s, const struct handoff_req *req)
{
	size_t cmsg_len = CMSG_SPACE(req->nfds * sizeof(int)), off = 0;
	char *cbuf = xcalloc(1, cmsg_len);
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	int err = 0;

	mh.msg_control = cbuf;
	mh.msg_controllen = cmsg_len;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(req->nfds * sizeof(int));
	memcpy(CMSG_DATA(c), req->fds, req->nfds * sizeof(int));
	while (off < req->len) {
		struct iovec iov = { .iov_base = (char *)req->msg + off, .iov_len = req->len - off };
		ssize_t n;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = sendmsg(s, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0) {
			err = -EPIPE;
			break;
		}
		off += (size_t)n;
		/* the fds went with the first bytes */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	free(cbuf);
	return err;
}

/* One line back: up to a newline or the end of the connection. */
static int read_reply(int s, char **reply)
{
	char *buf = xmalloc(HANDOFF_MAX_REPLY + 1);
	size_t len = 0;
	int err = 0;

	for (;;) {
		ssize_t n = recv(s, buf + len, HANDOFF_MAX_REPLY + 1 - len, 0);
		char *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
			break;
		}
		if (n == 0) {
			if (!len)
				err = -ECONNRESET;
			break;
		}
		if (memchr(buf + len, '\0', (size_t)n)) {
			err = -EILSEQ;
			break;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl) {
			len = (size_t)(nl - buf);
			break;
		}
		if (len > HANDOFF_MAX_REPLY) {
			err = -EMSGSIZE;
			break;
		}
	}
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*reply = buf;
	return 0;
}

int handoff_send(const struct handoff_req *req, struct handoff_result *res)
{
	unsigned ms = req->timeout_ms ? req->timeout_ms : HANDOFF_DEFAULT_TIMEOUT_MS;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int s, err;

	memset(res, 0, sizeof(*res));
	res->stage = HANDOFF_PATH;
	if (!req->nfds || req->nfds > HANDOFF_MAX_FDS || !req->len)
		return -EINVAL;
	if (strlen(req->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (stat(req->path, &st))
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	memcpy(sa.sun_path, req->path, strlen(req->path) + 1);

	res->stage = HANDOFF_CONNECT;
	s = connect_to(&sa, ms, &res->sock_type);
	if (s < 0)
		return s;
	res->stage = HANDOFF_SEND;
	err = send_all(s, req);
	if (!err) {
		res->stage = HANDOFF_REPLY;
		/* the message is whole: a peer reading to the end sees it end */
		if (res->sock_type == SOCK_STREAM)
			(void)shutdown(s, SHUT_WR);
		if (req->want_reply)
			err = read_reply(s, &res->reply);
	}
	close(s);
	return err;
}
