/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of handing fds over a unix socket (backends/vfio/handoff.c,
 * behind the batch language's send) with real fds of plain test files and
 * the receiver of the tests (tests/tools/fdrecv.c, included here as the VM
 * suite runs it): the fds arrive and are the inodes the message names; a
 * wrong message is caught; every bad socket is one error with its stage and
 * words (no such path, not a socket, no listener, a datagram socket, a path
 * too long, a peer that closes, one that never answers), and nothing waits
 * past its timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/vfio/handoff.h"
#include "core/util.h"

#define FDRECV_NO_MAIN
#include "../tools/fdrecv.c"

static char dir[] = "/tmp/iommuctl-handoff-XXXXXX";
static char sock[128], file_a[128], file_b[128];

static int setup(void **state)
{
	int fd;

	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/s", dir);
	snprintf(file_a, sizeof(file_a), "%s/a", dir);
	snprintf(file_b, sizeof(file_b), "%s/b", dir);
	for (int i = 0; i < 2; i++) {
		fd = open(i ? file_b : file_a, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return -1;
		close(fd);
	}
	signal(SIGPIPE, SIG_IGN);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	unlink(sock);
	unlink(file_a);
	unlink(file_b);
	rmdir(dir);
	(void)state;
	return 0;
}

/* The message naming a and b (each path swapped when swap: a wrong message). */
static char *message(bool swap)
{
	return xasprintf("{\"format_version\":1,\"fds\":[{\"index\":0,\"name\":\"a\",\"kind\":\"file\",\"path\":\"%s\"},"
			 "{\"index\":1,\"name\":\"b\",\"kind\":\"file\",\"path\":\"%s\"}]}\n",
			 swap ? file_b : file_a, swap ? file_a : file_b);
}

struct two {
	int fds[2];
};

static void open_two(struct two *t)
{
	t->fds[0] = open(file_a, O_RDONLY | O_CLOEXEC);
	t->fds[1] = open(file_b, O_RDONLY | O_CLOEXEC);
	assert_true(t->fds[0] >= 0 && t->fds[1] >= 0);
}

static void close_two(struct two *t)
{
	close(t->fds[0]);
	close(t->fds[1]);
}

static int send_two(struct two *t, const char *msg, bool reply, unsigned ms, struct handoff_result *res)
{
	struct handoff_req req = { .path = sock, .fds = t->fds, .nfds = 2, .msg = msg, .len = strlen(msg),
				   .timeout_ms = ms, .want_reply = reply };

	return handoff_send(&req, res);
}

static bool report_bool(json_object *r, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(r, key, &v));
	return json_object_get_boolean(v);
}

/* Sent without an answer, then received by the same thread (the backlog holds the connection). */
static void test_plain_fds(void **state)
{
	struct handoff_result res;
	json_object *report, *checks, *c, *v;
	struct two t;
	char *msg = message(false);
	int ls = fdrecv_listen(sock, SOCK_STREAM);

	assert_true(ls >= 0);
	open_two(&t);
	assert_int_equal(send_two(&t, msg, false, 0, &res), 0);
	assert_int_equal(res.sock_type, SOCK_STREAM);
	assert_null(res.reply);
	handoff_result_release(&res);
	assert_int_equal(fdrecv_one(ls, FDRECV_CHECK, 1000, &report), 0);
	assert_true(report_bool(report, "ok"));
	assert_false(report_bool(report, "truncated"));
	assert_true(json_object_object_get_ex(report, "nfds", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(report, "checks", &checks));
	assert_int_equal(json_object_array_length(checks), 2);
	c = json_object_array_get_idx(checks, 1);
	assert_true(report_bool(c, "ok"));
	assert_true(json_object_object_get_ex(c, "link", &v));
	assert_string_equal(json_object_get_string(v), file_b);
	json_object_put(report);

	/* a message that names the fds the other way round: the receiver sees it */
	free(msg);
	msg = message(true);
	assert_int_equal(send_two(&t, msg, false, 0, &res), 0);
	handoff_result_release(&res);
	assert_int_equal(fdrecv_one(ls, FDRECV_CHECK, 1000, &report), 1);
	assert_false(report_bool(report, "ok"));
	json_object_put(report);
	close_two(&t);
	close(ls);
	free(msg);
	(void)state;
}

/* A receiver in a child: it answers (or closes, or says nothing) as mode says. */
static pid_t receiver(enum fdrecv_mode mode, int type)
{
	int ls = fdrecv_listen(sock, type);
	pid_t pid;

	assert_true(ls >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		json_object *r = NULL;
		int rc = fdrecv_one(ls, mode, 5000, &r);

		_exit(rc < 0 ? 2 : rc);
	}
	close(ls);
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_ack(void **state)
{
	struct handoff_result res;
	struct two t;
	char *msg = message(false);
	pid_t pid;

	open_two(&t);
	/* the peer checked both fds and says so */
	pid = receiver(FDRECV_CHECK, SOCK_STREAM);
	assert_int_equal(send_two(&t, msg, true, 5000, &res), 0);
	assert_string_equal(res.reply, "ok 2");
	handoff_result_release(&res);
	assert_int_equal(reap(pid), 0);

	/* a seqpacket listener takes the same message */
	pid = receiver(FDRECV_CHECK, SOCK_SEQPACKET);
	assert_int_equal(send_two(&t, msg, true, 5000, &res), 0);
	assert_int_equal(res.sock_type, SOCK_SEQPACKET);
	assert_string_equal(res.reply, "ok 2");
	handoff_result_release(&res);
	assert_int_equal(reap(pid), 0);

	/* a wrong message: the peer's refusal comes back as its answer */
	free(msg);
	msg = message(true);
	pid = receiver(FDRECV_CHECK, SOCK_STREAM);
	assert_int_equal(send_two(&t, msg, true, 5000, &res), 0);
	assert_true(str_startswith(res.reply, "fail: 2 of 2 fds"));
	handoff_result_release(&res);
	assert_int_equal(reap(pid), 1);
	close_two(&t);
	free(msg);
	(void)state;
}

static void test_bad_peers(void **state)
{
	struct handoff_result res;
	struct two t;
	char *msg = message(false);
	pid_t pid;
	int rc, ls;

	open_two(&t);
	/* a peer that closes the connection unread: the send or the answer fails, one error */
	pid = receiver(FDRECV_CLOSE, SOCK_STREAM);
	rc = send_two(&t, msg, true, 5000, &res);
	assert_true(rc == -EPIPE || rc == -ECONNRESET);
	assert_true(res.stage == HANDOFF_SEND || res.stage == HANDOFF_REPLY);
	assert_non_null(strstr(handoff_explain(res.stage, rc), "closed the connection"));
	handoff_result_release(&res);
	assert_int_equal(reap(pid), 0);

	/* one that reads and goes without a word */
	pid = receiver(FDRECV_SILENT, SOCK_STREAM);
	rc = send_two(&t, msg, true, 5000, &res);
	assert_int_equal(rc, -ECONNRESET);
	assert_int_equal(res.stage, HANDOFF_REPLY);
	assert_string_equal(handoff_explain(res.stage, rc), "the peer closed the connection without answering");
	handoff_result_release(&res);
	assert_int_equal(reap(pid), 0);

	/* one that never accepts: the connection waits in its backlog, the answer times out */
	ls = fdrecv_listen(sock, SOCK_STREAM);
	assert_true(ls >= 0);
	{
		struct timeval t0, t1;

		gettimeofday(&t0, NULL);
		rc = send_two(&t, msg, true, 300, &res);
		gettimeofday(&t1, NULL);
		assert_int_equal(rc, -ETIMEDOUT);
		assert_int_equal(res.stage, HANDOFF_REPLY);
		assert_string_equal(handoff_explain(res.stage, rc), "the peer did not answer in time");
		assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000 < 3000);
		handoff_result_release(&res);
	}
	close(ls);
	/* its socket file stays: nothing listens on it any more */
	rc = send_two(&t, msg, false, 0, &res);
	assert_int_equal(rc, -ECONNREFUSED);
	assert_int_equal(res.stage, HANDOFF_CONNECT);
	assert_string_equal(handoff_explain(res.stage, rc), "nothing listens on it (its listener is gone)");
	close_two(&t);
	free(msg);
	(void)state;
}

static void test_bad_paths(void **state)
{
	struct handoff_result res;
	struct two t;
	char *msg = message(false), *longp;
	int rc, ds;

	open_two(&t);
	unlink(sock);
	rc = send_two(&t, msg, false, 0, &res);
	assert_int_equal(rc, -ENOENT);
	assert_int_equal(res.stage, HANDOFF_PATH);
	assert_string_equal(handoff_explain(res.stage, rc), "no such socket");

	/* a regular file */
	{
		struct handoff_req req = { .path = file_a, .fds = t.fds, .nfds = 2, .msg = msg, .len = strlen(msg) };

		rc = handoff_send(&req, &res);
		assert_int_equal(rc, -ENOTSOCK);
		assert_string_equal(handoff_explain(res.stage, rc), "not a unix socket");
	}

	/* a datagram socket: neither stream nor seqpacket */
	ds = fdrecv_listen(sock, SOCK_DGRAM);
	assert_true(ds >= 0);
	rc = send_two(&t, msg, false, 0, &res);
	assert_int_equal(rc, -EPROTOTYPE);
	assert_int_equal(res.stage, HANDOFF_CONNECT);
	assert_non_null(strstr(handoff_explain(res.stage, rc), "a datagram socket?"));
	close(ds);
	unlink(sock);

	/* longer than sun_path */
	longp = xasprintf("%s/%0200d", dir, 0);
	{
		struct handoff_req req = { .path = longp, .fds = t.fds, .nfds = 2, .msg = msg, .len = strlen(msg) };

		rc = handoff_send(&req, &res);
		assert_int_equal(rc, -ENAMETOOLONG);
		assert_non_null(handoff_explain(res.stage, rc));
	}
	free(longp);

	/* no fd, too many, no message: refused before anything */
	{
		struct handoff_req req = { .path = sock, .fds = t.fds, .nfds = 0, .msg = msg, .len = strlen(msg) };

		assert_int_equal(handoff_send(&req, &res), -EINVAL);
		req.nfds = HANDOFF_MAX_FDS + 1;
		assert_int_equal(handoff_send(&req, &res), -EINVAL);
		req.nfds = 2;
		req.len = 0;
		assert_int_equal(handoff_send(&req, &res), -EINVAL);
	}
	close_two(&t);
	free(msg);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fds),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_bad_peers),
		cmocka_unit_test(test_bad_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
