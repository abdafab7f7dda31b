// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * batch FILE|-: many commands in one process, so that the objects of an
 * iommufd (IOAS, HWPT, bound devices, PASID attachments) and a legacy
 * container live across lines, and `exec` can hand the held fds to a child
 * the way a VMM manager gives a VMM its iommufd. One line, one command of
 * the dispatcher's tables: the batch language's own (ioas map, dma map...,
 * in batch_iommufd.c and batch_legacy.c) or any command of the command line
 * (group claim). Per-line status; FILE:LINE in diagnostics; -j prints one
 * JSON array, each command's document its line's "output"
 * (docs/json/batch.schema.json); the first error stops the run unless
 * --force. The language is in iommuctl-vfio(8).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/vfio/handoff.h"
#include "backends/vfio/vfio.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/memsrc.h"
#include "cli/inv.h"
#include "core/exitcodes.h"
#include "core/lines.h"
#include "core/textesc.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

const char *const bkind_name[] = {
	[BK_IOAS] = "ioas", [BK_HWPT] = "hwpt", [BK_DEVICE] = "device", [BK_MAP] = "map",
	[BK_GROUP] = "group", [BK_MEM] = "mem", [BK_WINDOW] = "window", [BK_VIOMMU] = "viommu",
	[BK_VDEVICE] = "vdevice",
};

struct cli_batch *batch_of(struct iommuctl_ctx *ctx)
{
	return ctx->batch;
}

/* ---- the line's result ---- */

/* JSON only (the out_fmt_* calls without a text format): text has the summary */
void res_str(struct cli_batch *b, const char *key, const char *val)
{
	out_fmt_str(ctx_out(b->ctx), key, NULL, val);
}

void res_u64(struct cli_batch *b, const char *key, uint64_t v)
{
	out_fmt_u64(ctx_out(b->ctx), key, NULL, v);
}

void res_hex(struct cli_batch *b, const char *key, uint64_t v)
{
	out_fmt_hex(ctx_out(b->ctx), key, NULL, v);
}

void res_bool(struct cli_batch *b, const char *key, bool v)
{
	out_fmt_bool(ctx_out(b->ctx), key, NULL, v);
}

void res_strv(struct cli_batch *b, const char *key, const struct strv *sv)
{
	struct out *o = ctx_out(b->ctx);

	if (out_is_json(o))
		out_strv(o, key, NULL, sv);
}

void res_text(struct cli_batch *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		strv_push_owned(&b->text, s);
	va_end(ap);
}

void res_ranges(struct cli_batch *b, const char *key, const struct vfio_range *rg, size_t n)
{
	struct out *o = ctx_out(b->ctx);

	out_list_begin(o, key, NULL);
	for (size_t i = 0; i < n; i++) {
		out_obj_begin(o, NULL, NULL);
		res_hex(b, "start", rg[i].start);
		res_hex(b, "last", rg[i].last);
		out_obj_end(o);
		res_text(b, "0x%llx-0x%llx", (unsigned long long)rg[i].start, (unsigned long long)rg[i].last);
	}
	out_list_end(o);
}

int batch_fail_opx(struct cli_batch *b, enum vfio_op op, int err, const char *context, const char *fix)
{
	const char *why = vfio_explain(op, err);

	return err_fixed(b->ctx, err, fix ? fix : vfio_fix(op, err), "%s: %s: %s%s%s", vfio_op_name(op),
			 vfio_errno_name(err), why ? why : strerror(-err), context ? ": " : "",
			 context ? context : "");
}

int batch_fail_op(struct cli_batch *b, enum vfio_op op, int err)
{
	return batch_fail_opx(b, op, err, NULL, NULL);
}

int batch_refuse(struct cli_batch *b, int err, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = verr_fixed(b->ctx, err, fix, fmt, ap);
	va_end(ap);
	return err;
}

const char *batch_usage(struct cli_batch *b)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "write it as '%s'", b->ctx->usage ? b->ctx->usage : "?");
	return buf;
}

int batch_num(struct cli_batch *b, const char *key, const char *s, bool required, uint64_t *v)
{
	if (!s)
		return required ? batch_refuse(b, -EUSAGE, batch_usage(b), "missing %s=", key) : 1;
	if (parse_u64(s, v))
		return batch_refuse(b, -EUSAGE, "a decimal number or 0x and hex digits, as in size=0x200000",
				    "%s=%s: not a number", key, s);
	return 0;
}

error_t batch_opt_parse(int key, char *arg, struct argp_state *state)
{
	struct bopts *o = state->input;

	switch (key) {
	case BO_NAME: o->name = arg; break;
	case BO_SIZE: o->size = arg; break;
	case BO_IOVA: o->iova = arg; break;
	case BO_MEM: o->mem = arg; break;
	case BO_PASID: o->pasid = arg; break;
	case BO_START: o->start = arg; break;
	case BO_PAGE_SHIFT: o->page_shift = arg; break;
	case BO_LEVELS: o->levels = arg; break;
	case BO_READONLY: o->readonly = true; break;
	case BO_PASID_HWPT: o->pasid_hwpt = true; break;
	case BO_NEST_PARENT: o->nest_parent = true; break;
	case BO_DIRTY: o->dirty = true; break;
	case BO_TYPE: o->type = arg; break;
	case BO_VIRT_ID: o->virt_id = arg; break;
	case BO_FILL: o->fill = arg; break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ---- held objects ---- */

struct bobj *batch_obj_find(struct cli_batch *b, const char *name)
{
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && !strcmp(b->objs[i]->name, name))
			return b->objs[i];
	return NULL;
}

/* ", " separated names of the live objects of kinds, each with its line ("a (line 2)"); NULL: none */
static char *held_text(struct cli_batch *b, unsigned kinds)
{
	struct strv sv = { 0 };
	char *t;

	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *x = b->objs[i];

		if (x->live && kinds & (1u << x->kind))
			strv_push_owned(&sv, xasprintf("%s '%s' (line %u)", bkind_name[x->kind], x->name, x->line));
	}
	t = sv.n ? strv_join(&sv, ", ") : NULL;
	strv_free(&sv);
	return t;
}

static const char *const article[] = {
	[BK_IOAS] = "an IOAS", [BK_HWPT] = "a HWPT", [BK_DEVICE] = "a device", [BK_MAP] = "a map",
	[BK_GROUP] = "a group", [BK_MEM] = "registered memory", [BK_WINDOW] = "a window",
	[BK_VIOMMU] = "a vIOMMU", [BK_VDEVICE] = "a vDEVICE",
};

/* "an IOAS or a HWPT" for a mask of kinds */
static char *kinds_text(unsigned kinds)
{
	struct strv sv = { 0 };
	char *t;

	for (unsigned k = 0; k <= BK_VDEVICE; k++)
		if (kinds & (1u << k))
			strv_push(&sv, article[k]);
	t = strv_join(&sv, " or ");
	strv_free(&sv);
	return t;
}

/* What makes an object of the first of kinds, for a fix. */
static const char *maker_of(unsigned kinds)
{
	static const struct { enum bkind k; const char *line; } makers[] = {
		{ BK_IOAS, "ioas alloc name=NAME" }, { BK_HWPT, "hwpt alloc DEV IOAS name=NAME" },
		{ BK_DEVICE, "device bind ADDR name=NAME" }, { BK_MAP, "ioas map IOAS size=N name=NAME" },
		{ BK_GROUP, "group add GROUP name=NAME" }, { BK_MEM, "spapr register size=N name=NAME" },
		{ BK_WINDOW, "spapr window create size=N name=NAME" },
		{ BK_VIOMMU, "viommu alloc DEV HWPT name=NAME" }, { BK_VDEVICE, "vdevice alloc VIOMMU DEV virt-id=ID name=NAME" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(makers); i++)
		if (kinds & (1u << makers[i].k))
			return makers[i].line;
	return "?";
}

int batch_obj_ref(struct cli_batch *b, const char *name, unsigned kinds, struct bobj **o)
{
	char *want, *held, *fix, *extra = NULL;
	struct bobj *gone = NULL;
	int rc;

	if (!name)
		return batch_refuse(b, -EUSAGE, batch_usage(b), "missing object name");
	*o = batch_obj_find(b, name);
	if (*o && (kinds & (1u << (*o)->kind)))
		return 0;
	want = kinds_text(kinds);
	held = held_text(b, kinds);
	if (!*o) {
		/* the newest object of that name that is gone, if one is */
		for (size_t i = 0; i < b->nobjs; i++)
			if (!strcmp(b->objs[i]->name, name))
				gone = b->objs[i];
		fix = held ? xasprintf("name one the run holds: %s", held) :
			     xasprintf("make one first: '%s'", maker_of(kinds));
		/* every line that ends an object records itself (batch_obj_gone) */
		if (gone)
			rc = batch_refuse(b, -ENOENT, fix, "'%s' is gone: line %u ended the %s that line %u made",
					  name, gone->gone, bkind_name[gone->kind], gone->line);
		else
			rc = batch_refuse(b, -ENOENT, fix, "no object named '%s' (%s is wanted here)", name, want);
	} else {
		/* the object is of another kind: say where it belongs when it does */
		if ((*o)->kind == BK_MAP && !(*o)->legacy && (kinds & (1u << BK_IOAS))) {
			struct bobj *io = batch_ioas_of(b, (*o)->ioas);

			if (io)
				extra = xasprintf("; '%s' is a map of IOAS '%s', which goes first: 'ioas unmap %s %s'",
						  name, io->name, io->name, name);
		}
		fix = xasprintf("%s%s%s%s", batch_usage(b), held ? "; the run holds " : "", held ? held : "",
				extra ? extra : "");
		rc = batch_refuse(b, -EUSAGE, fix, "'%s' is %s (line %u), where %s is wanted", name,
				  article[(*o)->kind], (*o)->line, want);
	}
	free(extra);
	free(fix);
	free(held);
	free(want);
	return rc;
}

int batch_obj_new(struct cli_batch *b, const char *name, enum bkind kind, uint32_t id,
		  struct bobj **o)
{
	char *nm = name ? xstrdup(name) : xasprintf("%s%u", bkind_name[kind],
						     kind == BK_MAP ? ++b->nmaps : id);

	if ((*o = batch_obj_find(b, nm))) {
		int rc = batch_refuse(b, -EEXIST, "give this one another name=, or leave name= out",
				      "an object named '%s' exists: %s, made on line %u", nm,
				      article[(*o)->kind], (*o)->line);

		free(nm);
		*o = NULL;
		return rc;
	}
	b->objs = xrealloc(b->objs, (b->nobjs + 1) * sizeof(*b->objs));
	*o = b->objs[b->nobjs++] = xcalloc(1, sizeof(**o));
	(*o)->name = nm;
	(*o)->kind = kind;
	(*o)->id = id;
	(*o)->fd = -1;
	(*o)->live = true;
	(*o)->line = b->lineno;
	res_str(b, "name", nm);
	return 0;
}

void batch_obj_gone(struct cli_batch *b, struct bobj *o)
{
	o->live = false;
	o->gone = b->lineno;
}

struct bobj *batch_ioas_of(struct cli_batch *b, uint32_t id)
{
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && b->objs[i]->kind == BK_IOAS && b->objs[i]->id == id)
			return b->objs[i];
	return NULL;
}

/* x is a live map of io (NULL: the container) with IOVAs in first..last */
static bool map_in(const struct bobj *x, const struct bobj *io, uint64_t first, uint64_t last)
{
	return x->live && x->kind == BK_MAP && x->legacy == !io && (!io || x->ioas == io->id) &&
	       x->iova <= last && x->iova + x->len - 1 >= first;
}

struct bobj *batch_map_in(struct cli_batch *b, const struct bobj *io, uint64_t first, uint64_t last)
{
	for (size_t i = 0; i < b->nobjs; i++)
		if (map_in(b->objs[i], io, first, last))
			return b->objs[i];
	return NULL;
}

char *batch_maps_text(struct cli_batch *b, const struct bobj *io, uint64_t first, uint64_t last)
{
	struct strv sv = { 0 };
	char *t;

	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *x = b->objs[i];

		if (!map_in(x, io, first, last))
			continue;
		strv_push_owned(&sv, xasprintf("map '%s' 0x%llx-0x%llx (line %u)", x->name,
					       (unsigned long long)x->iova,
					       (unsigned long long)(x->iova + x->len - 1), x->line));
	}
	t = sv.n ? strv_join(&sv, ", ") : NULL;
	strv_free(&sv);
	return t;
}

void batch_map_forget(struct cli_batch *b, struct bobj *m)
{
	if (!m->borrowed)
		vfio_buffer_free(m->va, m->len);
	m->va = NULL;
	if (m->fd >= 0)
		close(m->fd);     /* a map-file map's memfd */
	m->fd = -1;
	batch_obj_gone(b, m);
}

void batch_obj_close(struct cli_batch *b, struct bobj *o)
{
	if (o->kind == BK_MAP) {
		batch_map_forget(b, o);
		return;
	}
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	batch_obj_gone(b, o);
}

int batch_need_iommufd(struct cli_batch *b)
{
	int rc;

	if (b->iommufd >= 0)
		return 0;
	rc = vfio_iommufd_open(&b->iommufd);
	if (rc) {
		const char *why = vfio_explain(VOP_OPEN_IOMMUFD, rc);

		/* no /dev/iommu: this kernel cannot (exit 4); the language's legacy verbs still can */
		return err_fixed(b->ctx, rc == -ENOENT ? -EOPNOTSUPP : rc, vfio_fix(VOP_OPEN_IOMMUFD, rc), "%s",
				 why ? why : strerror(-rc));
	}
	return 0;
}

int batch_need_container(struct cli_batch *b)
{
	int rc;

	if (b->container >= 0)
		return 0;
	rc = vfio_container_open(&b->container, NULL);
	if (rc == -ENOENT)
		return err_fixed(b->ctx, -EOPNOTSUPP, vfio_fix(VOP_OPEN_CONTAINER, rc), "%s",
				 vfio_explain(VOP_OPEN_CONTAINER, rc));
	if (rc)
		return batch_fail_op(b, VOP_OPEN_CONTAINER, rc);
	return 0;
}

int batch_need_inventory(struct cli_batch *b)
{
	if (b->inv_loaded)
		return 0;
	if (cli_inventory_load(b->ctx, &b->inv))
		return batch_refuse(b, -EIO, "check /sys is mounted and readable ('iommuctl device list' says "
				    "what fails)", "cannot read the inventory");
	b->inv_loaded = true;
	return 0;
}

int batch_map_buffer(struct cli_batch *b, const char *size, uint64_t *len, void **va)
{
	int rc = batch_num(b, "size", size, true, len);

	if (rc)
		return rc;
	if (!*len || *len % 4096)
		return batch_refuse(b, -EUSAGE, "give a size in whole 4096-byte pages, as in size=0x10000",
				    "size=%llu: not a positive multiple of 4096", (unsigned long long)*len);
	rc = vfio_buffer_alloc(*len, va);
	return rc ? batch_fail_op(b, VOP_BUFFER, rc) : 0;
}

int batch_unmap(struct cli_batch *b, struct bobj *io, const char *map, const struct bopts *o)
{
	bool legacy = !io;
	uint64_t iova, len, done = 0;
	struct bobj *m;
	int rc;

	if (map) {
		if ((rc = batch_obj_ref(b, map, 1u << BK_MAP, &m)))
			return rc;
		if (m->legacy != legacy || (io && m->ioas != io->id)) {
			struct bobj *owner = m->legacy ? NULL : batch_ioas_of(b, m->ioas);
			char *fix = m->legacy ? xasprintf("write 'dma unmap %s'", m->name) :
				    xasprintf("write 'ioas unmap %s %s'", owner ? owner->name : "IOAS", m->name);

			rc = batch_refuse(b, -EUSAGE, fix, "map '%s' (line %u) is not in %s%s%s: it is in %s%s%s",
					  m->name, m->line, io ? "IOAS '" : "the container", io ? io->name : "",
					  io ? "'" : "", m->legacy ? "the container" : "IOAS '",
					  m->legacy ? "" : owner ? owner->name : "?", m->legacy ? "" : "'");
			free(fix);
			return rc;
		}
		iova = m->iova;
		len = m->len;
	} else if ((rc = batch_num(b, "iova", o->iova, true, &iova)) ||
		   (rc = batch_num(b, "size", o->size, true, &len))) {
		return rc;
	}
	rc = legacy ? vfio_dma_unmap(b->container, iova, len, &done) :
		      vfio_ioas_unmap(b->iommufd, io->id, iova, len, &done);
	if (rc) {
		/* what the run mapped there, and what it holds at all */
		uint64_t last = len ? iova + len - 1 : iova;
		char *near = batch_maps_text(b, io, iova, last);
		char *all = near ? NULL : batch_maps_text(b, io, 0, UINT64_MAX);
		char *what = near ? xasprintf("0x%llx-0x%llx cuts through %s", (unsigned long long)iova,
					      (unsigned long long)last, near) :
			     xasprintf("nothing this run mapped lies in 0x%llx-0x%llx; %s holds %s",
				       (unsigned long long)iova, (unsigned long long)last,
				       io ? "the IOAS" : "the container", all ? all : "no maps");

		rc = batch_fail_opx(b, legacy ? VOP_DMA_UNMAP : VOP_IOAS_UNMAP, rc, what, NULL);
		free(what);
		free(all);
		free(near);
		return rc;
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *x = b->objs[i];

		if (x->live && x->kind == BK_MAP && x->legacy == legacy && (legacy || x->ioas == io->id) &&
		    x->iova >= iova && x->iova - iova + x->len <= len)
			batch_map_forget(b, x);
	}
	res_u64(b, "unmapped_bytes", done);
	res_text(b, "%llu bytes unmapped", (unsigned long long)done);
	return 0;
}

/* ---- exec: hand the held fds to a child ---- */

/* {iommufd}, {container}, {fd:NAME}, {id:NAME}, {va:NAME} in an argument. */
static char *subst(struct cli_batch *b, const char *arg)
{
	struct strv parts = { 0 };
	const char *p = arg;
	char *s;

	while (*p) {
		const char *open = strchr(p, '{'), *close_b = open ? strchr(open, '}') : NULL;
		struct bobj *o = NULL;
		char *key;

		if (!open || !close_b) {
			strv_push(&parts, p);
			break;
		}
		strv_push_owned(&parts, xstrndup(p, (size_t)(open - p)));
		key = xstrndup(open + 1, (size_t)(close_b - open - 1));
		if (!strcmp(key, "iommufd"))
			strv_push_owned(&parts, xasprintf("%d", b->iommufd));
		else if (!strcmp(key, "container"))
			strv_push_owned(&parts, xasprintf("%d", b->container));
		else if (str_startswith(key, "fd:") && (o = batch_obj_find(b, key + 3)))
			strv_push_owned(&parts, xasprintf("%d", o->fd));
		else if (str_startswith(key, "id:") && (o = batch_obj_find(b, key + 3)))
			strv_push_owned(&parts, xasprintf("%u", o->id));
		else if (str_startswith(key, "va:") && (o = batch_obj_find(b, key + 3)) && o->va)
			strv_push_owned(&parts, xasprintf("0x%llx", (unsigned long long)(uintptr_t)o->va));
		else
			strv_push_owned(&parts, xstrndup(open, (size_t)(close_b - open + 1)));
		free(key);
		p = close_b + 1;
	}
	s = strv_join(&parts, "");
	strv_free(&parts);
	return s;
}

static void child_env(struct cli_batch *b)
{
	struct strv fds = { 0 }, objs = { 0 }, bufs = { 0 };
	char *s;

	if (b->iommufd >= 0) {
		s = xasprintf("%d", b->iommufd);
		setenv("IOMMUCTL_IOMMUFD", s, 1);
		free(s);
		strv_push_owned(&fds, xasprintf("iommufd=%d", b->iommufd));
		fcntl(b->iommufd, F_SETFD, 0);
	}
	if (b->container >= 0) {
		s = xasprintf("%d", b->container);
		setenv("IOMMUCTL_CONTAINER", s, 1);
		free(s);
		strv_push_owned(&fds, xasprintf("container=%d", b->container));
		fcntl(b->container, F_SETFD, 0);
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (!o->live)
			continue;
		if (o->fd >= 0) {
			fcntl(o->fd, F_SETFD, 0);
			strv_push_owned(&fds, xasprintf("%s=%d", o->name, o->fd));
		}
		if (o->kind == BK_MAP || o->kind == BK_WINDOW)
			strv_push_owned(&objs, xasprintf("%s=%s:0x%llx+0x%llx", o->name, bkind_name[o->kind],
							 (unsigned long long)o->iova, (unsigned long long)o->len));
		else if (o->kind == BK_MEM)
			strv_push_owned(&objs, xasprintf("%s=mem:%llu", o->name, (unsigned long long)o->len));
		else if (o->kind == BK_DEVICE)
			strv_push_owned(&objs, xasprintf("%s=device:%u:%s", o->name, o->id, o->addr));
		else
			strv_push_owned(&objs, xasprintf("%s=%s:%u", o->name, bkind_name[o->kind], o->id));
		/* where the buffers behind maps and registered memory live in this
		 * process, so that the child can read /proc/PPID/pagemap */
		if ((o->kind == BK_MAP || o->kind == BK_MEM) && o->va)
			strv_push_owned(&bufs, xasprintf("%s=0x%llx+0x%llx", o->name,
							 (unsigned long long)(uintptr_t)o->va,
							 (unsigned long long)o->len));
	}
	s = strv_join(&fds, " ");
	setenv("IOMMUCTL_FDS", s, 1);
	free(s);
	s = strv_join(&objs, " ");
	setenv("IOMMUCTL_OBJECTS", s, 1);
	free(s);
	s = strv_join(&bufs, " ");
	setenv("IOMMUCTL_BUFFERS", s, 1);
	free(s);
	strv_free(&fds);
	strv_free(&objs);
	strv_free(&bufs);
}

static int exec_run(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	int status;
	pid_t pid;

	/* the child shares stdout: what the run printed so far comes first */
	out_flush(ctx_out(ctx));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return err_report(ctx, -errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		char **cargv = xcalloc((size_t)argc + 1, sizeof(*cargv));

		for (int i = 0; i < argc; i++)
			cargv[i] = subst(b, argv[i]);
		child_env(b);
		execvp(cargv[0], cargv);
		err_msg(ctx, "exec %s: %s", cargv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_report(ctx, -errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status)) {
		res_u64(b, "exit_status", (uint64_t)WEXITSTATUS(status));
		if (WEXITSTATUS(status))
			return batch_refuse(b, -EIO, "see what the command printed above; a line of exec fails when "
					    "its command exits non-zero", "%s exited with status %d", argv[0],
					    WEXITSTATUS(status));
		res_text(b, "%s exited 0", argv[0]);
		return 0;
	}
	return batch_refuse(b, -EIO, "see what the command printed above, and the kernel log for a crash",
			    "%s killed by signal %d", argv[0], WTERMSIG(status));
}

static const struct cli_verb exec_verbs[] = { { 0 } };

static const struct cli_verb exec_command = {
	.name = "CMD",
	.summary = "run CMD as a child holding the batch's fds",
	.args_doc = "-- CMD [ARGS...]",
	.doc = "The child inherits the iommufd, the container and every device and group fd, and "
	       "learns their numbers from IOMMUCTL_IOMMUFD, IOMMUCTL_CONTAINER, IOMMUCTL_FDS, "
	       "IOMMUCTL_OBJECTS and IOMMUCTL_BUFFERS; {iommufd}, {container}, {fd:NAME}, {id:NAME} "
	       "and {va:NAME} in its arguments are replaced. The line's status is the child's.",
	.min_args = 1,
	.max_args = -1,
	.flags = CLI_BATCH_ONLY | CLI_ARGS_REST,
	.run = exec_run,
};

const struct cli_object cli_object_exec = {
	.name = "exec",
	.summary = "hand the held fds to a program (exec -- CMD [ARGS...])",
	.flags = CLI_BATCH_ONLY,
	.verbs = exec_verbs,
	.fallback = &exec_command,
};

/* ---- send: hand the held fds to a listener over a unix socket ---- */

struct send_opts {
	const char *timeout;
	const char *rlimit_mode;
	bool ack;
};

enum { OPT_SEND_TIMEOUT = 0x520, OPT_SEND_RLIMIT, OPT_SEND_ACK };

static const struct argp_option send_options[] = {
	{ "ack", OPT_SEND_ACK, NULL, 0, "wait for the peer's answer, one line that starts with 'ok'", 0 },
	{ "timeout", OPT_SEND_TIMEOUT, "SECONDS", 0,
	  "give up connecting, sending or waiting for the answer after SECONDS (default 10)", 0 },
	{ "rlimit-mode", OPT_SEND_RLIMIT, "MODE", 0,
	  "process (default), user or keep: the iommufd's IOMMU_OPTION_RLIMIT_MODE before it goes", 0 },
	{ 0 }
};

static error_t send_parse(int key, char *arg, struct argp_state *state)
{
	struct send_opts *o = state->input;

	switch (key) {
	case OPT_SEND_ACK: o->ack = true; break;
	case OPT_SEND_TIMEOUT: o->timeout = arg; break;
	case OPT_SEND_RLIMIT: o->rlimit_mode = arg; break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* One fd the message names. */
struct sent_fd {
	int fd;
	const char *name;
	const char *kind;         /* iommufd, container, group, device */
	const char *path;         /* the node it was opened from; NULL: through a group */
	const struct bobj *obj;   /* a group or device; NULL: the iommufd or the container */
};

/*
 * The entries of the message, on o: the message's own writer, or (JSON
 * only) the line's output. rlimit: the iommufd's mode, NULL when unknown.
 */
static void send_entries(struct cli_batch *b, struct out *o, const struct sent_fd *v, size_t n,
			 const char *rlimit)
{
	out_list_begin(o, "fds", NULL);
	for (size_t i = 0; i < n; i++) {
		const struct bobj *x = v[i].obj;

		out_obj_begin(o, NULL, NULL);
		out_fmt_u64(o, "index", NULL, i);
		out_fmt_str(o, "name", NULL, v[i].name);
		out_fmt_str(o, "kind", NULL, v[i].kind);
		out_fmt_str(o, "path", NULL, v[i].path);
		if (!strcmp(v[i].kind, "iommufd")) {
			out_fmt_str(o, "rlimit_mode", NULL, rlimit);
		} else if (!strcmp(v[i].kind, "container")) {
			out_fmt_str(o, "container_type", NULL, b->container_type);
		} else if (x->kind == BK_GROUP) {
			out_fmt_u64(o, "group", NULL, x->id);
		} else {
			out_fmt_str(o, "address", NULL, x->addr);
			if (x->legacy)
				out_fmt_str(o, "dev_id", NULL, NULL);
			else
				out_fmt_u64(o, "dev_id", NULL, x->id);
		}
		out_obj_end(o);
	}
	out_list_end(o);
}

/* The fds named (all held when none is), in that order; -errno reported. */
static int send_pick(struct cli_batch *b, int argc, char **argv, struct sent_fd **out, size_t *n)
{
	struct sent_fd *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	for (int i = 0; i < argc; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(argv[i], argv[j]))
				return batch_refuse(b, -EUSAGE, "name each fd once", "'%s' is named twice", argv[i]);
	v = xcalloc(b->nobjs + 2 + (size_t)argc, sizeof(*v));
	if (!argc) {
		if (b->iommufd >= 0)
			v[k++] = (struct sent_fd){ b->iommufd, "iommufd", "iommufd", VFIO_PATH_IOMMU, NULL };
		if (b->container >= 0)
			v[k++] = (struct sent_fd){ b->container, "container", "container", VFIO_PATH_CONTAINER, NULL };
		for (size_t i = 0; i < b->nobjs; i++) {
			struct bobj *o = b->objs[i];

			if (o->live && o->fd >= 0 && (o->kind == BK_GROUP || o->kind == BK_DEVICE))
				v[k++] = (struct sent_fd){ o->fd, o->name, bkind_name[o->kind], o->path, o };
		}
		if (!k) {
			free(v);
			return batch_refuse(b, -EINVAL, "open the iommufd or the container, or bind or open a "
					    "device, before 'send'", "nothing to send: the batch holds no fd");
		}
	}
	for (int i = 0; i < argc; i++) {
		struct bobj *o;

		if (!strcmp(argv[i], "iommufd") && !batch_obj_find(b, argv[i])) {
			if (b->iommufd < 0) {
				free(v);
				return batch_refuse(b, -ENOENT, "put 'iommufd open' before it",
						    "the iommufd is not open");
			}
			v[k++] = (struct sent_fd){ b->iommufd, "iommufd", "iommufd", VFIO_PATH_IOMMU, NULL };
		} else if (!strcmp(argv[i], "container") && !batch_obj_find(b, argv[i])) {
			if (b->container < 0) {
				free(v);
				return batch_refuse(b, -ENOENT, "put 'container open' before it",
						    "the container is not open");
			}
			v[k++] = (struct sent_fd){ b->container, "container", "container", VFIO_PATH_CONTAINER, NULL };
		} else if ((rc = batch_obj_ref(b, argv[i], 1u << BK_DEVICE | 1u << BK_GROUP, &o))) {
			free(v);
			return rc;
		} else {
			v[k++] = (struct sent_fd){ o->fd, o->name, bkind_name[o->kind], o->path, o };
		}
	}
	if (k > HANDOFF_MAX_FDS) {
		free(v);
		return batch_refuse(b, -E2BIG, "name the fds, and send them in several lines",
				    "%zu fds: one message carries at most %d", k, HANDOFF_MAX_FDS);
	}
	*out = v;
	*n = k;
	return 0;
}

/*
 * The iommufd's accounting mode before it goes: want (keep: NULL), read
 * back into *mode (NULL: the kernel has no such option).
 */
static int send_rlimit(struct cli_batch *b, const char *want, const char **mode)
{
	uint64_t cur = 0, w = 0;
	int rc = vfio_rlimit_mode(b->iommufd, false, &cur);

	*mode = NULL;
	if (rc == -EOPNOTSUPP || rc == -ENOTTY) {
		/* where the kernel has the option: this one does not */
		warn_msg(b->ctx, "this kernel has no IOMMU_OPTION_RLIMIT_MODE: the iommufd goes as it is");
		return 0;
	}
	if (rc)
		return batch_fail_op(b, VOP_RLIMIT_MODE, rc);
	if (want) {
		w = !strcmp(want, "process") ? VFIO_RLIMIT_PROCESS : VFIO_RLIMIT_USER;
		if (w != cur && (rc = vfio_rlimit_mode(b->iommufd, true, &w))) {
			if (rc == -EBUSY)
			{
				char *fix = xasprintf("put 'option rlimit-mode %s' before the first of them, or "
						      "send with rlimit-mode=keep", want);

				rc = batch_refuse(b, rc, fix, "%s: EBUSY: the iommufd already holds objects (an "
						  "IOAS, a HWPT or a bound device) and keeps the mode it has (%s)",
						  vfio_op_name(VOP_RLIMIT_MODE),
						  vfio_rlimit_mode_name(cur) ? vfio_rlimit_mode_name(cur) : "?");
				free(fix);
				return rc;
			}
			return batch_fail_op(b, VOP_RLIMIT_MODE, rc);
		}
		cur = w;
	}
	*mode = vfio_rlimit_mode_name(cur);
	return 0;
}

/* The message: one JSON line naming each fd, spelled by the writer. */
static char *send_message(struct cli_batch *b, const struct sent_fd *v, size_t n, const char *rlimit,
			  size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct out *o;

	if (!f)
		return NULL;
	o = out_new(&(struct out_opts){ .f = f, .json = true });
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "format_version", NULL, 1);
	send_entries(b, o, v, n, rlimit);
	out_obj_end(o);
	out_end(o);
	out_free(o);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int send_run(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct send_opts *so = opts;
	const char *sock = argv[0], *want = "process", *rlimit = NULL, *why;
	struct handoff_result res;
	struct handoff_req req = { .path = sock, .want_reply = so->ack };
	struct sent_fd *v = NULL;
	struct strv names = { 0 };
	bool has_iommufd = false;
	uint64_t secs = 10;
	size_t n = 0, len = 0;
	int *fds, rc;
	char *msg, *t;

	if (so->rlimit_mode) {
		if (!strcmp(so->rlimit_mode, "keep"))
			want = NULL;
		else if (strcmp(so->rlimit_mode, "process") && strcmp(so->rlimit_mode, "user"))
			return batch_refuse(b, -EUSAGE, "write rlimit-mode=process, rlimit-mode=user or "
					    "rlimit-mode=keep", "rlimit-mode=%s: not a mode", so->rlimit_mode);
		else
			want = so->rlimit_mode;
	}
	if (so->timeout && (parse_u64(so->timeout, &secs) || !secs || secs > 3600))
		return batch_refuse(b, -EUSAGE, "give 1 to 3600 seconds, as in timeout=30",
				    "timeout=%s: not a timeout", so->timeout);
	if (!*sock)
		return batch_refuse(b, -EUSAGE, batch_usage(b), "an empty socket path");
	if ((rc = send_pick(b, argc - 1, argv + 1, &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		has_iommufd |= v[i].fd == b->iommufd;
	if (has_iommufd && (rc = send_rlimit(b, want, &rlimit))) {
		free(v);
		return rc;
	}
	msg = send_message(b, v, n, rlimit, &len);
	if (!msg) {
		free(v);
		return err_report(ctx, -ENOMEM, "cannot write the message");
	}
	fds = xcalloc(n, sizeof(*fds));
	for (size_t i = 0; i < n; i++)
		fds[i] = v[i].fd;
	req.fds = fds;
	req.nfds = n;
	req.msg = msg;
	req.len = len;
	req.timeout_ms = (unsigned)secs * 1000;
	rc = handoff_send(&req, &res);
	if (rc) {
		why = handoff_explain(res.stage, rc);
		rc = batch_refuse(b, rc, res.stage == HANDOFF_PATH || res.stage == HANDOFF_CONNECT ?
				  "start the receiver first and give its socket's path" :
				  "check the receiver is still running and reads the message",
				  "%s: %s: %s", sock, res.stage == HANDOFF_PATH ? "cannot use it" :
				  res.stage == HANDOFF_CONNECT ? "connect" : res.stage == HANDOFF_SEND ? "sendmsg" :
				  "the answer", why ? why : strerror(-rc));
	} else if (so->ack && strncmp(res.reply, "ok", 2)) {
		char *esc = text_escape(res.reply);

		rc = batch_refuse(b, -EPROTO, "see the receiver's log for why it refused",
				  "%s: the peer refused the fds: %s", sock, esc ? esc : res.reply);
		free(esc);
	}
	if (!rc) {
		/* shared now: the end of the run leaves them as they are */
		for (size_t i = 0; i < n; i++) {
			if (v[i].obj)
				((struct bobj *)v[i].obj)->handed = true;
			else if (v[i].fd == b->container)
				b->container_handed = true;
			strv_push(&names, v[i].name);
		}
		res_str(b, "socket", sock);
		res_str(b, "socket_type", res.sock_type == SOCK_SEQPACKET ? "seqpacket" : "stream");
		if (out_is_json(ctx_out(ctx)))
			send_entries(b, ctx_out(ctx), v, n, rlimit);
		if (has_iommufd)
			res_str(b, "rlimit_mode", rlimit);
		res_str(b, "reply", res.reply);
		t = strv_join(&names, ", ");
		res_text(b, "%zu fds to %s (%s)", n, sock, t);
		free(t);
		if (has_iommufd)
			res_text(b, "RLIMIT_MODE %s", rlimit ? rlimit : "unknown");
		if (res.reply) {
			char *esc = text_escape(res.reply);

			res_text(b, "peer: %s", esc ? esc : res.reply);
			free(esc);
		}
	}
	handoff_result_release(&res);
	strv_free(&names);
	free(fds);
	free(msg);
	free(v);
	return rc;
}

static const struct cli_verb send_verbs[] = { { 0 } };

static const struct cli_verb send_command = {
	.name = "SOCKET",
	.summary = "send the held fds to the listener at SOCKET (SCM_RIGHTS)",
	.args_doc = "SOCKET [NAME...]",
	.doc = "Connects to the unix socket SOCKET (stream or seqpacket) and sends one message: "
	       "a JSON line {format_version, fds: [{index, name, kind, path, ...}]} naming each fd, "
	       "the fds attached to it in that order. NAME: iommufd, container, or a device or "
	       "group object; without one every fd held goes. With the iommufd, "
	       "IOMMU_OPTION_RLIMIT_MODE is set to rlimit-mode (process by default, as KubeVirt's "
	       "iommufd device plugin does) where the kernel has the option. With ack the line "
	       "waits for the peer's answer and fails unless it starts with 'ok'. What was sent "
	       "is shared: the end of the run leaves it as it is.",
	.options = send_options,
	.parser = send_parse,
	.opts_size = sizeof(struct send_opts),
	.min_args = 1,
	.max_args = -1,
	.flags = CLI_BATCH_ONLY | CLI_LIVE,
	.run = send_run,
};

const struct cli_object cli_object_send = {
	.name = "send",
	.summary = "hand the held fds to a process over a unix socket (send SOCKET [NAME...])",
	.flags = CLI_BATCH_ONLY,
	.verbs = send_verbs,
	.fallback = &send_command,
};

/* ---- the run ---- */

/*
 * Split a line into words: blanks separate, '...' and "..." quote, # starts
 * a comment. -EUSAGE with *why for an unterminated quote or too many words.
 * Each word is allocated at its own length: linear in the line.
 */
int batch_split_words(const char *line, struct strv *out, const char **why)
{
	int err = line_split_words(line, out, BATCH_MAX_WORDS, why);

	if (err == -E2BIG)
		*why = "more than 4096 words";
	return err ? -EUSAGE : 0;
}

struct batch_opts {
	bool force;
};

enum { OPT_FORCE = 0x500 };

static const struct argp_option batch_options[] = {
	{ "force", OPT_FORCE, NULL, 0, "keep going after a failed line", 0 },
	{ 0 }
};

static error_t batch_parse(int key, char *arg, struct argp_state *state)
{
	struct batch_opts *o = state->input;

	if (key != OPT_FORCE)
		return ARGP_ERR_UNKNOWN;
	o->force = true;
	return 0;
}

static void batch_release(struct cli_batch *b)
{
	/* unmap what is still mapped, then close devices before the iommufd */
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_MAP) {
			if (o->legacy)
				vfio_dma_unmap(b->container, o->iova, o->len, NULL);
			else
				vfio_ioas_unmap(b->iommufd, o->ioas, o->iova, o->len, NULL);
			batch_map_forget(b, o);
		}
	}
	/* vDEVICEs before their devices are closed (else the kernel keeps their IDs), then vIOMMUs */
	for (int kind = BK_VDEVICE; kind >= BK_VIOMMU; kind--)
		for (size_t i = 0; i < b->nobjs; i++) {
			struct bobj *o = b->objs[i];

			if (o->live && (int)o->kind == kind) {
				vfio_destroy(b->iommufd, o->id);
				o->live = false;
			}
		}
	/* SPAPR: windows, then registered memory, while the groups are still in the container */
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_WINDOW) {
			/* a container sent away keeps its windows for the peer */
			if (!b->container_handed)
				vfio_spapr_window_remove(b->container, o->iova);
			o->live = false;
		}
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_MEM) {
			vfio_spapr_unregister(b->container, o->va, o->len);
			vfio_buffer_free(o->va, o->len);
			o->va = NULL;
			o->live = false;
		}
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		if (b->objs[i]->live && b->objs[i]->kind == BK_DEVICE)
			batch_obj_close(b, b->objs[i]);
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_GROUP) {
			/* a group sent away stays in the container for the peer */
			if (!o->handed)
				vfio_group_unset_container(o->fd);
			batch_obj_close(b, o);
		}
		free(o->name);
		free(o->addr);
		free(o->path);
		free(o->allowed);
		free(o);
	}
	free(b->objs);
	if (b->iommufd >= 0)
		close(b->iommufd);
	if (b->container >= 0)
		close(b->container);
	strv_free(&b->text);
}

/*
 * One line through the dispatcher, with what a line may change in the
 * context put back afterwards: its list options, and the source a
 * `snapshot show FILE` points the context at.
 */
static int run_line(struct cli_batch *b, struct strv *words)
{
	struct iommuctl_ctx *ctx = b->ctx;
	const char *snapshot = ctx->snapshot;
	int err;

	ctx->columns = NULL;
	ctx->noheadings = ctx->raw = ctx->pairs = ctx->list_columns = false;
	ctx->width = 0;
	ctx->sort = NULL;
	ctx->nfilters = 0;
	out_set_list(ctx_out(ctx), &(struct out_opts){ 0 });
	err = cli_dispatch(ctx, (int)words->n, words->v);
	if (ctx->snapshot != snapshot) {
		ctx->snapshot = snapshot;
		view_free(ctx->view);
		ctx->view = NULL;
	}
	if (b->inv_loaded) {
		inventory_release(&b->inv);
		b->inv_loaded = false;
	}
	return err;
}

static int batch_exec(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct batch_opts *bo = opts;
	struct cli_batch b = { .ctx = ctx, .iommufd = -1, .container = -1 };
	struct cli_mem_keep keep = { 0 };
	const char *fname = argv[0], *shown = strcmp(fname, "-") ? fname : "<stdin>";
	FILE *f = strcmp(fname, "-") ? fopen(fname, "r") : stdin;
	struct out *o = ctx_out(ctx);
	struct line_reader lr;
	char *line, *first_msg = NULL;
	unsigned lineno = 0, nok = 0, nfail = 0;
	int first_err = 0, rc;
	struct stat st;

	if (!f)
		return err_input(ctx, -errno, "%s: %s", fname, strerror(errno));
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		if (f != stdin)
			fclose(f);
		return err_report(ctx, -EISDIR, "%s: is a directory, not a batch file", fname);
	}
	ctx->batch = &b;
	ctx->mem_keep = &keep;
	snprintf(ctx->cmdname, sizeof(ctx->cmdname), "batch");
	out_list_begin(o, NULL, NULL);
	line_reader_init(&lr, f, 0);
	while ((rc = line_next(&lr)) != 1) {
		struct strv words = { 0 };
		const char *why = NULL;
		char *cmdtext, *where, *t;
		int err = 0;

		if (rc == -EIO || rc == -EFBIG) {
			/* not the end of the file: the run fails here */
			first_err = first_err ? first_err : rc;
			free(first_msg);
			first_msg = rc == -EIO ?
				xasprintf("%s:%lu: read error: %s", shown, lr.lineno + 1, strerror(lr.err)) :
				xasprintf("%s:%lu: no newline in 64 MiB: not a text file", shown, lr.lineno);
			err_msg(ctx, "%s", first_msg);
			nfail++;
			break;
		}
		line = lr.buf;
		lineno = (unsigned)lr.lineno;
		if (rc == -E2BIG) {
			why = "line longer than 1 MiB";
			line[0] = '\0';
			err = -EUSAGE;
		} else if (rc == -EILSEQ) {
			why = "NUL byte in the line";
			err = -EUSAGE;
		} else {
			str_rstrip(line);
			if (batch_split_words(line, &words, &why))
				err = -EUSAGE;
			else if (!words.n)
				continue;
		}
		cmdtext = words.n ? strv_join(&words, " ") : xstrdup(line);
		/* a line's place in messages, not all of a line of thousands of words */
		if (strlen(cmdtext) > 200)
			strcpy(cmdtext + 196, " ...");
		where = *cmdtext ? xasprintf("%s:%u: %s", shown, lineno, cmdtext) :
				   xasprintf("%s:%u", shown, lineno);
		/* the line's diagnostics carry its place; its first is its error */
		ctx->where = where;
		ctx->errmsg[0] = 0;
		ctx->errfix[0] = 0;
		b.lineno = lineno;
		ctx->reported = false;
		out_obj_begin(o, NULL, NULL);
		out_fmt_str(o, "file", NULL, shown);
		out_fmt_u64(o, "line", NULL, lineno);
		out_fmt_str(o, "command", NULL, cmdtext);
		out_doc_begin(o, "output");
		if (err)
			err_fixed(ctx, err, rc == -E2BIG ? "split it into lines of at most 1 MiB" :
				  rc == -EILSEQ ? "remove the NUL byte: a batch file is text" :
				  why && strstr(why, "quote") ? "close the quote (\" or ')" :
				  "split it into lines of at most 4096 words", "%s", why);
		else
			err = run_line(&b, &words);
		if (err && !ctx->reported)
			err_report(ctx, err, "%s", err == -EUSAGE ? "invalid usage" : strerror(-err));
		out_doc_end(o);
		out_fmt_str(o, "status", NULL, err ? "error" : "ok");
		/* errno as everywhere: the number, its name beside it; none for a usage error */
		if (err && err != -EUSAGE)
			out_fmt_i64(o, "errno", NULL, -err);
		else
			out_fmt_str(o, "errno", NULL, NULL);
		out_fmt_str(o, "errno_name", NULL, err && err != -EUSAGE ? vfio_errno_name(err) : NULL);
		out_fmt_str(o, "message", NULL, err ? ctx->errmsg : NULL);
		out_fmt_str(o, "fix", NULL, err && ctx->errfix[0] ? ctx->errfix : NULL);
		out_obj_end(o);
		t = strv_join(&b.text, "; ");
		out_textf(o, "%s:%u: %-5s %s%s%s\n", shown, lineno, err ? "FAIL" : "ok", cmdtext,
			  err || b.text.n ? ": " : "",
			  err ? (err == -EUSAGE ? "usage" : vfio_errno_name(err)) : t);
		out_flush(o);
		if (err) {
			nfail++;
			if (!first_err) {
				first_err = err;
				first_msg = xasprintf("%s: %s", where, ctx->errmsg);
			}
		} else {
			nok++;
		}
		ctx->where = NULL;
		free(t);
		free(where);
		free(cmdtext);
		strv_free(&b.text);
		strv_free(&words);
		if (err && !bo->force)
			break;
	}
	line_reader_release(&lr);
	if (f != stdin)
		fclose(f);
	batch_release(&b);
	ctx->batch = NULL;
	if (ctx->verbose && keep.opens)
		fprintf(ctx->errf, "iommuctl: batch: memory dumps opened %lu time%s for its lines\n",
			keep.opens, keep.opens == 1 ? "" : "s");
	cli_mem_keep_release(&keep);
	ctx->mem_keep = NULL;
	out_list_end(o);
	if (!ctx->quiet)
		out_textf(o, "%u ok, %u failed\n", nok, nfail);
	if (first_err) {
		/* the run's error (the JSON error object): its first failed line */
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", first_msg);
		free(first_msg);
		ctx->reported = true;
		return first_err == -ENOENT ? -EIO : first_err;
	}
	return 0;
}

static const struct cli_verb batch_verbs[] = {
	{
		.name = "run",
		.summary = "run the commands of FILE (- for stdin) in one process",
		.args_doc = "FILE|-",
		.doc = "A line is a command of the batch language (see 'iommuctl help': the batch "
		       "commands) or any other command, without the global options, which are the "
		       "run's. Objects live until the end of the run; 'exec -- CMD' hands the held fds "
		       "to a child (IOMMUCTL_IOMMUFD, IOMMUCTL_CONTAINER, IOMMUCTL_FDS, IOMMUCTL_OBJECTS, "
		       "IOMMUCTL_BUFFERS). See iommuctl-vfio(8) for the language.",
		.options = batch_options,
		.parser = batch_parse,
		.opts_size = sizeof(struct batch_opts),
		.min_args = 1,
		.max_args = 1,
		.run = batch_exec,
	},
	{ 0 }
};

/* `iommuctl batch FILE`: any word that is not a verb is the file (run's shorthand). */
static const struct cli_verb batch_fallback = {
	.name = "FILE",
	.summary = "the same as 'batch run FILE'",
	.args_doc = "",
	.options = batch_options,
	.parser = batch_parse,
	.opts_size = sizeof(struct batch_opts),
	.min_args = 1,
	.max_args = 1,
	.run = batch_exec,
};

const struct cli_object cli_object_batch = {
	.name = "batch",
	.summary = "many commands in one process; VFIO/iommufd objects live across lines",
	.default_verb = "run",   /* batch --force FILE, batch - */
	.verbs = batch_verbs,
	.fallback = &batch_fallback,
};
