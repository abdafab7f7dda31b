/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdrecv: the receiving end of `send` (iommuctl's batch language) for the
 * tests. Listens on a unix socket, takes one connection, receives its JSON
 * line and the fds attached to it (SCM_RIGHTS), and checks that each fd is
 * what the message says it is:
 *   iommufd    /proc/self/fd/N names /dev/iommu, IOMMU_IOAS_ALLOC (and
 *              IOMMU_DESTROY) work on it, and IOMMU_OPTION_RLIMIT_MODE reads
 *              back as the message's rlimit_mode when it gives one;
 *   container  names /dev/vfio/vfio, VFIO_GET_API_VERSION answers 0;
 *   group      names the message's path (/dev/vfio/N), VFIO_GROUP_GET_STATUS
 *              says viable;
 *   device     names the message's path (a cdev), or an anonymous inode when
 *              it has none (opened through its group); VFIO_DEVICE_GET_INFO
 *              works and says PCI;
 *   file       a plain file: the same inode as the message's path.
 * Then it answers "ok N" (or "fail: WHY") on the connection, writes a report
 * ({ok, nfds, truncated, message, checks: [{index, name, kind, link, ok,
 * why}]}) to stdout or -o FILE, and exits 0 only when every check passed.
 *
 *   fdrecv [-o REPORT] [-r READY] [-t SECONDS] [--seqpacket] SOCKET
 *   fdrecv --close SOCKET          accept one connection and close it unread
 *   fdrecv --silent SOCKET         read the message, close without answering
 *   fdrecv --dgram SOCKET          a datagram socket that only waits
 * -r READY: a file created once the socket listens (for scripts);
 * -t: give up after SECONDS (default 30) without a connection.
 *
 * Build: cc -std=gnu11 -D_GNU_SOURCE -Isrc tests/tools/fdrecv.c -o fdrecv -ljson-c
 * Unit tests #define FDRECV_NO_MAIN and #include this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backends/vfio/uapi.h"

#define FDRECV_MAX_FDS 253
#define FDRECV_MAX_MSG (1u << 20)

enum fdrecv_mode { FDRECV_CHECK, FDRECV_CLOSE, FDRECV_SILENT, FDRECV_DGRAM };

/* A listening socket at path (stream, seqpacket or a bound datagram socket), or -errno. */
static int fdrecv_listen(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	unlink(path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || (type != SOCK_DGRAM && listen(s, 4))) {
		int err = -errno;

		close(s);
		return err;
	}
	return s;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static void check_out(json_object *c, bool ok, const char *why)
{
	json_object_object_add(c, "ok", json_object_new_boolean(ok));
	json_object_object_add(c, "why", why ? json_object_new_string(why) : NULL);
}

static bool same_inode(int fd, const char *path)
{
	struct stat a, b;

	return path && !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One fd against its entry of the message; the verdict into c. */
static bool check_fd(int fd, json_object *entry, json_object *c)
{
	const char *kind = str_of(entry, "kind"), *path = str_of(entry, "path");
	char proc[64], link[4096] = "";
	ssize_t n;
	char why[256];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	json_object_object_add(c, "link", json_object_new_string(link));
	why[0] = '\0';
	if (!kind) {
		snprintf(why, sizeof(why), "the message gives no kind");
	} else if (!strcmp(kind, "iommufd")) {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };
		struct iommu_option opt = { .size = sizeof(opt), .option_id = IOMMU_OPTION_RLIMIT_MODE,
					    .op = IOMMU_OPTION_OP_GET };
		const char *mode = str_of(entry, "rlimit_mode");

		if (strcmp(link, "/dev/iommu"))
			snprintf(why, sizeof(why), "links to %s, not /dev/iommu", link);
		else if (ioctl(fd, IOMMU_IOAS_ALLOC, &a))
			snprintf(why, sizeof(why), "IOMMU_IOAS_ALLOC: %s", strerror(errno));
		else {
			struct iommu_destroy d = { .size = sizeof(d), .id = a.out_ioas_id };

			ioctl(fd, IOMMU_DESTROY, &d);
			if (mode && ioctl(fd, IOMMU_OPTION, &opt))
				snprintf(why, sizeof(why), "IOMMU_OPTION_RLIMIT_MODE: %s", strerror(errno));
			else if (mode && (opt.val64 == 1) != !strcmp(mode, "process"))
				snprintf(why, sizeof(why), "RLIMIT_MODE is %llu, the message says %s",
					 (unsigned long long)opt.val64, mode);
		}
	} else if (!strcmp(kind, "container")) {
		if (strcmp(link, "/dev/vfio/vfio"))
			snprintf(why, sizeof(why), "links to %s, not /dev/vfio/vfio", link);
		else if (ioctl(fd, VFIO_GET_API_VERSION) != 0)
			snprintf(why, sizeof(why), "VFIO_GET_API_VERSION did not answer 0");
	} else if (!strcmp(kind, "group")) {
		struct vfio_group_status gs = { .argsz = sizeof(gs) };

		if (!path || strcmp(link, path))
			snprintf(why, sizeof(why), "links to %s, not %s", link, path ? path : "(no path)");
		else if (ioctl(fd, VFIO_GROUP_GET_STATUS, &gs))
			snprintf(why, sizeof(why), "VFIO_GROUP_GET_STATUS: %s", strerror(errno));
		else if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
			snprintf(why, sizeof(why), "the group is not viable");
	} else if (!strcmp(kind, "device")) {
		struct vfio_device_info di = { .argsz = sizeof(di) };

		if (path ? strcmp(link, path) != 0 : strncmp(link, "anon_inode:", 11) != 0)
			snprintf(why, sizeof(why), "links to %s, not %s", link, path ? path : "an anonymous inode");
		else if (ioctl(fd, VFIO_DEVICE_GET_INFO, &di))
			snprintf(why, sizeof(why), "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
		else if (!(di.flags & VFIO_DEVICE_FLAGS_PCI))
			snprintf(why, sizeof(why), "VFIO_DEVICE_GET_INFO: not a PCI device");
	} else if (!strcmp(kind, "file")) {
		if (!same_inode(fd, path))
			snprintf(why, sizeof(why), "not the inode of %s", path ? path : "(no path)");
	} else {
		snprintf(why, sizeof(why), "unknown kind '%s'", kind);
	}
	check_out(c, !why[0], why[0] ? why : NULL);
	return !why[0];
}

/*
 * Take one connection on lsock and check it; *report is the verdict
 * (caller puts it). 0 when every check passed, 1 when one failed, -errno
 * when nothing could be received (no connection within timeout_ms).
 */
static int fdrecv_one(int lsock, enum fdrecv_mode mode, int timeout_ms, json_object **report)
{
	struct pollfd p = { .fd = lsock, .events = POLLIN };
	char *msg = malloc(FDRECV_MAX_MSG + 1), cbuf[CMSG_SPACE(FDRECV_MAX_FDS * sizeof(int))];
	int fds[FDRECV_MAX_FDS], nfds = 0, s, rc, bad = 0;
	size_t len = 0;
	bool truncated = false;
	json_object *r = json_object_new_object(), *m = NULL, *list, *checks = json_object_new_array();
	char answer[300];

	*report = r;
	json_object_object_add(r, "checks", checks);
	if (!msg)
		return -ENOMEM;
	if ((rc = poll(&p, 1, timeout_ms)) <= 0) {
		free(msg);
		return rc ? -errno : -ETIMEDOUT;
	}
	s = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0) {
		free(msg);
		return -errno;
	}
	if (mode == FDRECV_CLOSE) {
		close(s);
		free(msg);
		json_object_object_add(r, "ok", json_object_new_boolean(true));
		return 0;
	}
	/* the line, up to its newline; the fds come with its first bytes */
	while (len < FDRECV_MAX_MSG && !memchr(msg, '\n', len)) {
		struct iovec iov = { .iov_base = msg + len, .iov_len = FDRECV_MAX_MSG - len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);

		if (n <= 0)
			break;
		truncated |= (mh.msg_flags & MSG_CTRUNC) != 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

				for (int i = 0; i < k && nfds < FDRECV_MAX_FDS; i++)
					memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			}
		len += (size_t)n;
	}
	msg[len] = '\0';
	json_object_object_add(r, "nfds", json_object_new_int(nfds));
	json_object_object_add(r, "truncated", json_object_new_boolean(truncated));
	m = json_tokener_parse(msg);
	json_object_object_add(r, "message", m ? json_object_get(m) : json_object_new_string(msg));
	if (!m || !json_object_object_get_ex(m, "fds", &list) || !json_object_is_type(list, json_type_array)) {
		bad++;
		snprintf(answer, sizeof(answer), "fail: the message is not JSON with an array 'fds'\n");
	} else if ((int)json_object_array_length(list) != nfds || truncated) {
		bad++;
		snprintf(answer, sizeof(answer), "fail: %d fds arrived, the message names %d%s\n", nfds,
			 (int)json_object_array_length(list), truncated ? " (control data truncated)" : "");
	} else {
		for (int i = 0; i < nfds; i++) {
			json_object *e = json_object_array_get_idx(list, (size_t)i), *c = json_object_new_object();
			json_object *idx;

			json_object_object_add(c, "index", json_object_new_int(i));
			json_object_object_add(c, "name", str_of(e, "name") ? json_object_new_string(str_of(e, "name")) : NULL);
			json_object_object_add(c, "kind", str_of(e, "kind") ? json_object_new_string(str_of(e, "kind")) : NULL);
			if (!json_object_object_get_ex(e, "index", &idx) || json_object_get_int(idx) != i) {
				json_object_object_add(c, "link", NULL);
				check_out(c, false, "the entry's index is not its place");
				bad++;
			} else if (!check_fd(fds[i], e, c)) {
				bad++;
			}
			json_object_array_add(checks, c);
		}
		snprintf(answer, sizeof(answer), bad ? "fail: %d of %d fds are not what the message says\n" :
			 "ok %d\n", bad ? bad : nfds, nfds);
	}
	if (mode != FDRECV_SILENT)
		(void)!write(s, answer, strlen(answer));
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	close(s);
	if (m)
		json_object_put(m);
	free(msg);
	json_object_object_add(r, "ok", json_object_new_boolean(!bad));
	return bad ? 1 : 0;
}

#ifndef FDRECV_NO_MAIN
int main(int argc, char **argv)
{
	enum fdrecv_mode mode = FDRECV_CHECK;
	const char *report_file = NULL, *ready = NULL, *path = NULL;
	int type = SOCK_STREAM, secs = 30, s, rc;
	json_object *report = NULL;
	FILE *f = stdout;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			report_file = argv[++i];
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			ready = argv[++i];
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seqpacket"))
			type = SOCK_SEQPACKET;
		else if (!strcmp(argv[i], "--close"))
			mode = FDRECV_CLOSE;
		else if (!strcmp(argv[i], "--silent"))
			mode = FDRECV_SILENT;
		else if (!strcmp(argv[i], "--dgram"))
			mode = FDRECV_DGRAM, type = SOCK_DGRAM;
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else {
			fprintf(stderr, "usage: fdrecv [-o REPORT] [-r READY] [-t SECONDS] "
				"[--seqpacket|--close|--silent|--dgram] SOCKET\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "fdrecv: no socket path\n");
		return 2;
	}
	s = fdrecv_listen(path, type);
	if (s < 0) {
		fprintf(stderr, "fdrecv: %s: %s\n", path, strerror(-s));
		return 2;
	}
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	if (mode == FDRECV_DGRAM) {
		sleep((unsigned)secs);
		close(s);
		unlink(path);
		return 0;
	}
	rc = fdrecv_one(s, mode, secs * 1000, &report);
	close(s);
	unlink(path);
	if (rc < 0)
		fprintf(stderr, "fdrecv: %s: %s\n", path, strerror(-rc));
	if (report_file && !(f = fopen(report_file, "w"))) {
		fprintf(stderr, "fdrecv: %s: %s\n", report_file, strerror(errno));
		f = stdout;
	}
	fprintf(f, "%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN));
	if (f != stdout)
		fclose(f);
	json_object_put(report);
	return rc < 0 ? 2 : rc;
}
#endif
