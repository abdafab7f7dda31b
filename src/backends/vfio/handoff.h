/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Handing open fds to another process over a unix socket (SCM_RIGHTS), the
 * way a device plugin gives a VMM its iommufd: connect to the listener at a
 * path, send one message (a JSON line naming each fd) with the fds attached
 * to its first byte, and optionally wait for the peer's one-line answer.
 * Returns 0 or -errno with the stage that failed; the command line words
 * it. Nothing here prints.
 */
#ifndef IOMMUCTL_HANDOFF_H
#define IOMMUCTL_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's limit of fds in one SCM_RIGHTS message (SCM_MAX_FD). */
#define HANDOFF_MAX_FDS 253
/* The longest answer read from the peer; longer is an error. */
#define HANDOFF_MAX_REPLY 4096
#define HANDOFF_DEFAULT_TIMEOUT_MS 10000

enum handoff_stage {
	HANDOFF_PATH,      /* the path: absent, not a socket, too long */
	HANDOFF_CONNECT,   /* socket(2), connect(2) */
	HANDOFF_SEND,      /* sendmsg(2) */
	HANDOFF_REPLY,     /* waiting for the peer's answer */
};

struct handoff_req {
	const char *path;         /* the listener's socket */
	const int *fds;           /* attached to the message, in order */
	size_t nfds;              /* 1..HANDOFF_MAX_FDS */
	const char *msg;          /* the message, sent as is (a JSON line) */
	size_t len;               /* its bytes, > 0 */
	unsigned timeout_ms;      /* for connect, send and the answer; 0: the default */
	bool want_reply;          /* read one line back (up to a newline or EOF) */
};

struct handoff_result {
	enum handoff_stage stage; /* where it stopped (HANDOFF_REPLY when all worked) */
	int sock_type;            /* SOCK_STREAM or SOCK_SEQPACKET: what the listener took */
	char *reply;              /* want_reply: the answer without its newline (malloc'd) */
};

int handoff_send(const struct handoff_req *req, struct handoff_result *res);
void handoff_result_release(struct handoff_result *res);
/* Why err at stage, in words ("nothing listens on it"); NULL: strerror says it. */
const char *handoff_explain(enum handoff_stage stage, int err);

#endif
