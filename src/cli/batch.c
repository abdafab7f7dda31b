// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * batch FILE|-: many VFIO/iommufd commands in one process, so that the
 * objects of an iommufd (IOAS, HWPT, bound devices, PASID attachments) and a
 * legacy container live across lines, and `exec` can hand the held fds to a
 * child the way a VMM manager gives a VMM its iommufd. One line, one command;
 * per-line status; FILE:LINE in diagnostics; -j prints one JSON array; the
 * first error stops the run unless --force. The language is in iommuctl-vfio(8).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/cli.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"

enum bkind { BK_IOAS, BK_HWPT, BK_DEVICE, BK_MAP, BK_GROUP, BK_MEM, BK_WINDOW };

static const char *const bkind_name[] = {
	[BK_IOAS] = "ioas", [BK_HWPT] = "hwpt", [BK_DEVICE] = "device", [BK_MAP] = "map",
	[BK_GROUP] = "group", [BK_MEM] = "mem", [BK_WINDOW] = "window",
};

struct bobj {
	char *name;
	enum bkind kind;
	bool live;
	uint32_t id;              /* kernel object ID (ioas, hwpt), device ID, group number */
	int fd;                   /* device or group fd, -1 */
	char *addr;               /* device address */
	bool legacy;              /* device opened through its group; map in the container */
	uint32_t ioas;            /* map: the IOAS (iommufd maps) */
	void *va;                 /* map, mem: the buffer */
	uint64_t iova, len;       /* window: iova is its bus address, len its size */
	bool borrowed;            /* map: va belongs to a registered mem (SPAPR) */
	uint32_t page_shift, levels;   /* window */
};

struct batch {
	struct iommuctl_ctx *ctx;
	int iommufd;
	int container;
	bool container_ready;     /* VFIO_SET_IOMMU done */
	bool spapr;               /* the container's model is SPAPR TCE (v1 or v2) */
	struct bobj **objs;      /* pointers: an object's address stays valid as others are added */
	size_t nobjs;
	bool inv_loaded;
	struct inventory inv;
	unsigned int nmaps, nmems, nwindows;
};

/* The outcome of one line. */
struct bres {
	int err;                  /* 0 or -errno */
	enum vfio_op op;          /* for the explanation */
	char *msg;                /* error text (owned) */
	json_object *out;         /* result members */
	struct strv text;         /* text summary parts */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct bres *r, int err, const char *fmt, ...)
{
	va_list ap;

	free(r->msg);
	va_start(ap, fmt);
	if (vasprintf(&r->msg, fmt, ap) < 0)
		r->msg = NULL;
	va_end(ap);
	r->err = err;
	return err;
}

/* A failed ioctl: the message is the errno's explanation for op. */
static int fail_op(struct bres *r, enum vfio_op op, int err)
{
	const char *why = vfio_explain(op, err);

	r->op = op;
	return fail(r, err, "%s: %s: %s", vfio_op_name(op), vfio_errno_name(err),
		    why ? why : strerror(-err));
}

static void res_str(struct bres *r, const char *key, const char *val)
{
	json_object_object_add(r->out, key, val ? json_object_new_string(val) : NULL);
}

static void res_u64(struct bres *r, const char *key, uint64_t v)
{
	json_object_object_add(r->out, key, json_object_new_int64((int64_t)v));
}

static void res_hex(struct bres *r, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	json_object_object_add(r->out, key, json_object_new_string(buf));
}

__attribute__((format(printf, 2, 3)))
static void res_text(struct bres *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		strv_push_owned(&r->text, s);
	va_end(ap);
}

static void res_ranges(struct bres *r, const char *key, const struct vfio_range *rg, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		char buf[24];

		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)rg[i].start);
		json_object_object_add(o, "start", json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)rg[i].last);
		json_object_object_add(o, "last", json_object_new_string(buf));
		json_object_array_add(a, o);
		res_text(r, "0x%llx-0x%llx", (unsigned long long)rg[i].start, (unsigned long long)rg[i].last);
	}
	json_object_object_add(r->out, key, a);
}

/* ---- words: key=value options and positionals ---- */

struct words {
	char **v;
	int n;
};

static const char *opt_get(const struct words *w, const char *key)
{
	size_t k = strlen(key);

	for (int i = 0; i < w->n; i++)
		if (!strncmp(w->v[i], key, k) && w->v[i][k] == '=')
			return w->v[i] + k + 1;
	return NULL;
}

static bool flag_get(const struct words *w, const char *flag)
{
	for (int i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], flag))
			return true;
	return false;
}

/* The i-th word that is not key=value, or NULL. */
static const char *pos_get(const struct words *w, int i)
{
	for (int j = 0; j < w->n; j++)
		if (!strchr(w->v[j], '=') && i-- == 0)
			return w->v[j];
	return NULL;
}

static int num_opt(struct bres *r, const struct words *w, const char *key, bool required,
		   uint64_t *v)
{
	const char *s = opt_get(w, key);

	if (!s)
		return required ? fail(r, -EUSAGE, "missing %s=", key) : 1;
	if (parse_u64(s, v))
		return fail(r, -EUSAGE, "%s=%s: not a number", key, s);
	return 0;
}

/* Split a line into words: blanks separate, '...' and "..." quote, # starts a comment. */
static int split_words(char *line, struct strv *out)
{
	char *p = line;

	while (*p) {
		struct strv_buf { char *s; size_t n, cap; } b = { 0 };
		char q = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		b.s = xmalloc(strlen(p) + 1);
		while (*p && (q || !isspace((unsigned char)*p))) {
			if (q && *p == q) {
				q = 0;
			} else if (!q && (*p == '"' || *p == '\'')) {
				q = *p;
			} else {
				b.s[b.n++] = *p;
			}
			p++;
		}
		if (q) {
			free(b.s);
			return -EUSAGE;
		}
		b.s[b.n] = 0;
		strv_push_owned(out, b.s);
	}
	return 0;
}

/* ---- objects ---- */

static struct bobj *obj_find(struct batch *b, const char *name)
{
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && !strcmp(b->objs[i]->name, name))
			return b->objs[i];
	return NULL;
}

static int obj_ref(struct batch *b, struct bres *r, const char *name, unsigned kinds,
		   struct bobj **o)
{
	if (!name)
		return fail(r, -EUSAGE, "missing object name");
	*o = obj_find(b, name);
	if (!*o)
		return fail(r, -ENOENT, "no object named '%s'", name);
	if (!(kinds & (1u << (*o)->kind)))
		return fail(r, -EUSAGE, "'%s' is a %s", name, bkind_name[(*o)->kind]);
	return 0;
}

static int obj_new(struct batch *b, struct bres *r, const struct words *w, enum bkind kind,
		   uint32_t id, struct bobj **o)
{
	const char *name = opt_get(w, "name");
	char *nm = name ? xstrdup(name) : xasprintf("%s%u", bkind_name[kind],
						     kind == BK_MAP ? ++b->nmaps : id);

	if (obj_find(b, nm)) {
		free(nm);
		return fail(r, -EEXIST, "an object named '%s' exists", name ? name : "?");
	}
	b->objs = xrealloc(b->objs, (b->nobjs + 1) * sizeof(*b->objs));
	*o = b->objs[b->nobjs++] = xcalloc(1, sizeof(**o));
	(*o)->name = nm;
	(*o)->kind = kind;
	(*o)->id = id;
	(*o)->fd = -1;
	(*o)->live = true;
	res_str(r, "name", nm);
	return 0;
}

static int need_iommufd(struct batch *b, struct bres *r)
{
	int rc;

	if (b->iommufd >= 0)
		return 0;
	rc = vfio_iommufd_open(&b->iommufd);
	if (rc) {
		const char *why = vfio_explain(VOP_OPEN_IOMMUFD, rc);

		/* no /dev/iommu: this kernel cannot (exit 4); the language's legacy verbs still can */
		r->op = VOP_OPEN_IOMMUFD;
		return fail(r, rc == -ENOENT ? -EOPNOTSUPP : rc, "%s", why ? why : strerror(-rc));
	}
	return 0;
}

static int need_inventory(struct batch *b, struct bres *r)
{
	if (b->inv_loaded)
		return 0;
	if (cli_inventory_load(b->ctx, &b->inv))
		return fail(r, -EIO, "cannot read the inventory");
	b->inv_loaded = true;
	return 0;
}

static int pt_of(struct batch *b, struct bres *r, const char *name, uint32_t *pt)
{
	struct bobj *o;
	int rc = obj_ref(b, r, name, 1u << BK_IOAS | 1u << BK_HWPT, &o);

	if (!rc)
		*pt = o->id;
	return rc;
}

static int parse_ranges(struct bres *r, const struct words *w, int first, struct vfio_range **out,
			size_t *n)
{
	const char *s;

	*n = 0;
	*out = NULL;
	for (int i = first; (s = pos_get(w, i)); i++) {
		char *dup = xstrdup(s), *sep = strpbrk(dup, "-+");
		uint64_t a, c;

		if (!sep) {
			free(dup);
			return fail(r, -EUSAGE, "'%s': expected START-LAST or START+SIZE", s);
		}
		char op = *sep;

		*sep = 0;
		if (parse_u64(dup, &a) || parse_u64(sep + 1, &c) || (op == '+' && !c) ||
		    (op == '-' && c < a)) {
			free(dup);
			return fail(r, -EUSAGE, "'%s': expected START-LAST or START+SIZE", s);
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].start = a;
		(*out)[*n].last = op == '+' ? a + c - 1 : c;
		(*n)++;
		free(dup);
	}
	return 0;
}

/* ---- iommufd commands ---- */

static int cmd_iommufd_open(struct batch *b, const struct words *w, struct bres *r)
{
	int rc = need_iommufd(b, r);

	if (!rc) {
		res_u64(r, "fd", (uint64_t)b->iommufd);
		res_text(r, "fd %d", b->iommufd);
	}
	return rc;
}

static int cmd_ioas_alloc(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *o;
	uint32_t id;
	int rc = need_iommufd(b, r);

	if (rc)
		return rc;
	rc = vfio_ioas_alloc(b->iommufd, &id);
	if (rc)
		return fail_op(r, VOP_IOAS_ALLOC, rc);
	if (obj_new(b, r, w, BK_IOAS, id, &o)) {
		vfio_destroy(b->iommufd, id);
		return r->err;
	}
	res_u64(r, "id", id);
	res_text(r, "ioas %s: ID %u", o->name, id);
	return 0;
}

static int cmd_ioas_ranges(struct batch *b, const struct words *w, struct bres *r)
{
	struct vfio_range *rg = NULL;
	uint64_t align = 0;
	struct bobj *o;
	size_t n = 0;
	int rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_IOAS, &o);

	if (rc)
		return rc;
	rc = vfio_ioas_ranges(b->iommufd, o->id, &rg, &n, &align);
	if (rc)
		return fail_op(r, VOP_IOVA_RANGES, rc);
	res_ranges(r, "iova_ranges", rg, n);
	res_u64(r, "alignment", align);
	res_text(r, "alignment %llu", (unsigned long long)align);
	free(rg);
	return 0;
}

static int cmd_ioas_allow(struct batch *b, const struct words *w, struct bres *r)
{
	struct vfio_range *rg = NULL;
	struct bobj *o;
	size_t n = 0;
	int rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_IOAS, &o);

	if (rc || (rc = parse_ranges(r, w, 1, &rg, &n)))
		return rc;
	rc = vfio_ioas_allow_iovas(b->iommufd, o->id, rg, n);
	if (rc) {
		free(rg);
		return fail_op(r, VOP_ALLOW_IOVAS, rc);
	}
	res_ranges(r, "allowed", rg, n);
	free(rg);
	return 0;
}

static int map_buffer(struct bres *r, const struct words *w, uint64_t *len, void **va)
{
	int rc = num_opt(r, w, "size", true, len);

	if (rc)
		return rc;
	if (!*len || *len % 4096)
		return fail(r, -EUSAGE, "size=%llu: not a positive multiple of 4096", (unsigned long long)*len);
	rc = vfio_buffer_alloc(*len, va);
	return rc ? fail_op(r, VOP_BUFFER, rc) : 0;
}

static int cmd_ioas_map(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *o, *m;
	uint64_t len, iova = 0;
	void *va = NULL;
	int fixed, rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_IOAS, &o);

	if (rc || (rc = map_buffer(r, w, &len, &va)))
		return rc;
	fixed = num_opt(r, w, "iova", false, &iova);
	if (fixed < 0) {
		vfio_buffer_free(va, len);
		return fixed;
	}
	rc = vfio_ioas_map(b->iommufd, o->id, va, len, fixed == 0, !flag_get(w, "readonly"), &iova);
	if (rc) {
		vfio_buffer_free(va, len);
		return fail_op(r, VOP_IOAS_MAP, rc);
	}
	if (obj_new(b, r, w, BK_MAP, 0, &m)) {
		vfio_ioas_unmap(b->iommufd, o->id, iova, len, NULL);
		vfio_buffer_free(va, len);
		return r->err;
	}
	m->ioas = o->id;
	m->va = va;
	m->iova = iova;
	m->len = len;
	res_hex(r, "iova", iova);
	res_u64(r, "size", len);
	res_hex(r, "vaddr", (uintptr_t)va);
	res_text(r, "map %s: IOVA 0x%llx, %llu bytes", m->name, (unsigned long long)iova,
		 (unsigned long long)len);
	return 0;
}

static void map_forget(struct bobj *m)
{
	if (!m->borrowed)
		vfio_buffer_free(m->va, m->len);
	m->va = NULL;
	m->live = false;
}

static int cmd_unmap(struct batch *b, const struct words *w, struct bres *r, bool legacy)
{
	const char *first = pos_get(w, legacy ? 0 : 1);
	uint64_t iova, len, done = 0;
	struct bobj *io = NULL, *m = NULL;
	int rc;

	if (!legacy && (rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_IOAS, &io)))
		return rc;
	if (first) {
		if ((rc = obj_ref(b, r, first, 1u << BK_MAP, &m)))
			return rc;
		iova = m->iova;
		len = m->len;
	} else if (num_opt(r, w, "iova", true, &iova) || num_opt(r, w, "size", true, &len)) {
		return r->err;
	}
	rc = legacy ? vfio_dma_unmap(b->container, iova, len, &done) :
		      vfio_ioas_unmap(b->iommufd, io->id, iova, len, &done);
	if (rc)
		return fail_op(r, legacy ? VOP_DMA_UNMAP : VOP_IOAS_UNMAP, rc);
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *x = b->objs[i];

		if (x->live && x->kind == BK_MAP && x->legacy == legacy && (legacy || x->ioas == io->id) &&
		    x->iova >= iova && x->iova - iova + x->len <= len)
			map_forget(x);
	}
	res_u64(r, "unmapped", done);
	res_text(r, "%llu bytes unmapped", (unsigned long long)done);
	return 0;
}

static int cmd_ioas_unmap(struct batch *b, const struct words *w, struct bres *r)
{
	return cmd_unmap(b, w, r, false);
}

static int cmd_device_bind(struct batch *b, const struct words *w, struct bres *r)
{
	const char *addr = pos_get(w, 0);
	struct inv_device *d;
	struct bobj *o;
	uint32_t dev_id;
	int fd, rc;

	if (!addr)
		return fail(r, -EUSAGE, "missing device address");
	if ((rc = need_iommufd(b, r)) || (rc = need_inventory(b, r)))
		return rc;
	d = inventory_device(&b->inv, addr);
	if (!d)
		return fail(r, -ENOENT, "no device %s", addr);
	if (!d->vfio_cdevs.n)
		return fail_op(r, VOP_OPEN_CDEV, -ENOENT);
	rc = vfio_cdev_open(d->vfio_cdevs.v[0], &fd);
	if (rc)
		return fail_op(r, VOP_OPEN_CDEV, rc);
	rc = vfio_device_bind(fd, b->iommufd, &dev_id);
	if (rc) {
		close(fd);
		return fail_op(r, VOP_BIND, rc);
	}
	if (obj_new(b, r, w, BK_DEVICE, dev_id, &o)) {
		close(fd);
		return r->err;
	}
	o->fd = fd;
	o->addr = xstrdup(d->name);
	res_str(r, "device", d->name);
	res_u64(r, "dev_id", dev_id);
	res_u64(r, "fd", (uint64_t)fd);
	res_text(r, "device %s: %s (cdev %s), device ID %u", o->name, d->name, d->vfio_cdevs.v[0], dev_id);
	return 0;
}

static int pasid_of(struct bres *r, const char *s, int64_t *pasid)
{
	uint64_t v;

	if (!s) {
		*pasid = -1;
		return 0;
	}
	if (parse_u64(s, &v) || v > 0xfffff)
		return fail(r, -EUSAGE, "PASID '%s': expected 0..0xfffff", s);
	*pasid = (int64_t)v;
	return 0;
}

static int do_attach(struct batch *b, struct bres *r, const char *dev, const char *pt_name,
		     const char *pasid_s)
{
	struct bobj *d;
	uint32_t pt, out = 0;
	int64_t pasid = -1;
	int rc;

	if ((rc = obj_ref(b, r, dev, 1u << BK_DEVICE, &d)) || (rc = pt_of(b, r, pt_name, &pt)) ||
	    (rc = pasid_of(r, pasid_s, &pasid)))
		return rc;
	if (d->legacy)
		return fail(r, -EUSAGE, "'%s' was opened through its group: it is attached with 'group add'", dev);
	rc = vfio_device_attach(d->fd, pt, pasid, &out);
	if (rc)
		return fail_op(r, pasid >= 0 ? VOP_ATTACH_PASID : VOP_ATTACH, rc);
	res_u64(r, "pt_id", out);
	if (pasid >= 0)
		res_u64(r, "pasid", (uint64_t)pasid);
	res_text(r, "attached%s to %s; HWPT ID %u", pasid >= 0 ? " (PASID)" : "", pt_name, out);
	return 0;
}

static int do_detach(struct batch *b, struct bres *r, const char *dev, const char *pasid_s)
{
	struct bobj *d;
	int64_t pasid = -1;
	int rc;

	if ((rc = obj_ref(b, r, dev, 1u << BK_DEVICE, &d)) || (rc = pasid_of(r, pasid_s, &pasid)))
		return rc;
	rc = vfio_device_detach(d->fd, pasid);
	if (rc)
		return fail_op(r, VOP_DETACH, rc);
	res_text(r, "detached");
	return 0;
}

static int cmd_device_attach(struct batch *b, const struct words *w, struct bres *r)
{
	return do_attach(b, r, pos_get(w, 0), pos_get(w, 1), opt_get(w, "pasid"));
}

static int cmd_device_detach(struct batch *b, const struct words *w, struct bres *r)
{
	return do_detach(b, r, pos_get(w, 0), opt_get(w, "pasid"));
}

static int cmd_pasid_attach(struct batch *b, const struct words *w, struct bres *r)
{
	if (!pos_get(w, 1))
		return fail(r, -EUSAGE, "usage: pasid attach DEV PASID PT");
	return do_attach(b, r, pos_get(w, 0), pos_get(w, 2), pos_get(w, 1));
}

static int cmd_pasid_detach(struct batch *b, const struct words *w, struct bres *r)
{
	if (!pos_get(w, 1))
		return fail(r, -EUSAGE, "usage: pasid detach DEV PASID");
	return do_detach(b, r, pos_get(w, 0), pos_get(w, 1));
}

static int cmd_hwpt_alloc(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *d, *o;
	uint32_t pt, flags = 0, id;
	int rc;

	if ((rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_DEVICE, &d)) || (rc = pt_of(b, r, pos_get(w, 1), &pt)))
		return rc;
	if (flag_get(w, "pasid"))
		flags |= IOMMU_HWPT_ALLOC_PASID;
	if (flag_get(w, "nest-parent"))
		flags |= IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (flag_get(w, "dirty"))
		flags |= IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	rc = vfio_hwpt_alloc(b->iommufd, d->id, pt, flags, &id);
	if (rc)
		return fail_op(r, VOP_HWPT_ALLOC, rc);
	if (obj_new(b, r, w, BK_HWPT, id, &o)) {
		vfio_destroy(b->iommufd, id);
		return r->err;
	}
	res_u64(r, "id", id);
	res_hex(r, "flags", flags);
	res_text(r, "hwpt %s: ID %u, flags 0x%x", o->name, id, flags);
	return 0;
}

static int cmd_hw_info(struct batch *b, const struct words *w, struct bres *r)
{
	struct vfio_hw_info hi;
	struct bobj *d;
	int rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_DEVICE, &d);

	if (rc)
		return rc;
	rc = vfio_hw_info_get(b->iommufd, d->id, &hi);
	if (rc)
		return fail_op(r, VOP_HW_INFO, rc);
	res_str(r, "type", hi.type_name);
	res_hex(r, "capabilities", hi.capabilities);
	res_u64(r, "max_pasid_log2", hi.max_pasid_log2);
	if (hi.data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		res_hex(r, "vtd_cap", hi.vtd_cap);
		res_hex(r, "vtd_ecap", hi.vtd_ecap);
	}
	res_text(r, "type %s, capabilities 0x%llx, PASID width %u bits", hi.type_name,
		 (unsigned long long)hi.capabilities, hi.max_pasid_log2);
	return 0;
}

static int cmd_option_sw_msi(struct batch *b, const struct words *w, struct bres *r)
{
	uint64_t start = 0, size = 0, v = 0;
	struct bobj *d;
	int rc = need_iommufd(b, r), hs, hz;

	if (rc)
		return rc;
	rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_START, false, 0, &v);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY)
		return fail(r, -EOPNOTSUPP, "this kernel has no IOMMU_OPTION_SW_MSI_START/SIZE (%s; proposed "
			    "upstream in 2025, not mainline)", vfio_errno_name(rc));
	if ((rc = obj_ref(b, r, pos_get(w, 1), 1u << BK_DEVICE, &d)))
		return rc;
	hs = num_opt(r, w, "start", false, &start);
	hz = num_opt(r, w, "size", false, &size);
	if (hs < 0 || hz < 0)
		return r->err;
	if (!hs && (rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_START, true, d->id, &start)))
		return fail_op(r, VOP_OPTION, rc);
	if (!hz && (rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_SIZE, true, d->id, &size)))
		return fail_op(r, VOP_OPTION, rc);
	res_hex(r, "sw_msi_start", start);
	res_u64(r, "sw_msi_size_mb", size);
	res_text(r, "sw msi window 0x%llx, %llu MB", (unsigned long long)start, (unsigned long long)size);
	return 0;
}

static int cmd_option(struct batch *b, const struct words *w, struct bres *r)
{
	const char *what = pos_get(w, 0);

	if (what && !strcmp(what, "sw-msi"))
		return cmd_option_sw_msi(b, w, r);
	return fail(r, -EUSAGE, "option: expected 'option sw-msi DEV [start=ADDR] [size=MB]'");
}

static void obj_close(struct batch *b, struct bobj *o)
{
	if (o->kind == BK_MAP)
		map_forget(o);
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	o->live = false;
}

static int cmd_destroy(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *o;
	int rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_IOAS | 1u << BK_HWPT | 1u << BK_DEVICE, &o);

	if (rc)
		return rc;
	if (o->kind == BK_DEVICE) {
		obj_close(b, o);         /* closing the cdev unbinds it */
	} else {
		rc = vfio_destroy(b->iommufd, o->id);
		if (rc)
			return fail_op(r, VOP_DESTROY, rc);
		o->live = false;
	}
	res_text(r, "%s destroyed", o->name);
	return 0;
}

/* ---- the legacy container ---- */

static int need_container(struct batch *b, struct bres *r)
{
	int rc;

	if (b->container >= 0)
		return 0;
	rc = vfio_container_open(&b->container, NULL);
	if (rc == -ENOENT) {
		r->op = VOP_OPEN_CONTAINER;
		return fail(r, -EOPNOTSUPP, "%s", vfio_explain(VOP_OPEN_CONTAINER, rc));
	}
	if (rc)
		return fail_op(r, VOP_OPEN_CONTAINER, rc);
	return 0;
}

static int cmd_container_open(struct batch *b, const struct words *w, struct bres *r)
{
	int rc = need_container(b, r);

	if (!rc) {
		res_u64(r, "fd", (uint64_t)b->container);
		res_text(r, "fd %d", b->container);
	}
	return rc;
}

static int cmd_container_set_iommu(struct batch *b, const struct words *w, struct bres *r)
{
	const char *t = pos_get(w, 0);
	unsigned long type;
	int rc;

	if ((rc = need_container(b, r)))
		return rc;
	if (vfio_iommu_type_parse(t ? t : "type1v2", &type))
		return fail(r, -EUSAGE, "unknown IOMMU model '%s' (type1, type1v2, noiommu, spapr-v2, ...)", t);
	rc = vfio_set_iommu(b->container, type);
	if (rc)
		return fail_op(r, VOP_SET_IOMMU, rc);
	b->container_ready = true;
	b->spapr = type == VFIO_SPAPR_TCE_IOMMU || type == VFIO_SPAPR_TCE_v2_IOMMU;
	res_str(r, "type", vfio_iommu_type_name(type));
	res_text(r, "%s", vfio_iommu_type_name(type));
	return 0;
}

static int group_of(struct batch *b, struct bres *r, const char *sel, unsigned *gid, bool *noiommu)
{
	struct inv_device *d;
	struct inv_group *g;
	struct inv_sel s;

	if (!sel || inv_sel_parse(sel, &s))
		return fail(r, -EUSAGE, "expected a group number or a PCI address");
	if (need_inventory(b, r))
		return r->err;
	if (inventory_group_select(&b->inv, &s, &g, &d))
		return fail(r, -ENOENT, "no IOMMU group for '%s'", sel);
	*gid = g->id;
	*noiommu = g->vfio_node && strstr(g->vfio_node, "noiommu");
	return 0;
}

static int cmd_group_add(struct batch *b, const struct words *w, struct bres *r)
{
	uint32_t flags = 0;
	unsigned gid = 0;
	bool noiommu = false;
	struct bobj *o;
	int fd, rc;

	if ((rc = group_of(b, r, pos_get(w, 0), &gid, &noiommu)) || (rc = need_container(b, r)))
		return rc;
	rc = vfio_group_open(gid, noiommu, &fd);
	if (rc)
		return fail_op(r, VOP_OPEN_GROUP, rc);
	rc = vfio_group_status(fd, &flags);
	if (!rc && !(flags & VFIO_GROUP_FLAGS_VIABLE))
		rc = -EBUSY;
	if (rc) {
		close(fd);
		return fail_op(r, VOP_GROUP_STATUS, rc);
	}
	rc = vfio_group_set_container(fd, b->container);
	if (rc) {
		close(fd);
		return fail_op(r, VOP_SET_CONTAINER, rc);
	}
	if (obj_new(b, r, w, BK_GROUP, gid, &o)) {
		close(fd);
		return r->err;
	}
	o->fd = fd;
	res_u64(r, "group", gid);
	res_text(r, "group %u in the container", gid);
	return 0;
}

static int cmd_device_open(struct batch *b, const struct words *w, struct bres *r)
{
	const char *addr = pos_get(w, 0);
	struct inv_device *d;
	struct bobj *g = NULL, *o;
	unsigned int gid;
	int fd, rc;

	if (!addr)
		return fail(r, -EUSAGE, "missing device address");
	if ((rc = need_inventory(b, r)))
		return rc;
	d = inventory_device(&b->inv, addr);
	if (!d)
		return fail(r, -ENOENT, "no device %s", addr);
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && b->objs[i]->kind == BK_GROUP && (int)b->objs[i]->id == d->group)
			g = b->objs[i];
	if (!g)
		return fail(r, -EUSAGE, "add the group of %s first ('group add %s')", d->name, d->name);
	gid = g->id;
	rc = vfio_group_device_fd(g->fd, d->name, &fd);
	if (rc)
		return fail_op(r, VOP_GET_DEVICE_FD, rc);
	/* obj_new may move the object array: g is not used past this point */
	if (obj_new(b, r, w, BK_DEVICE, 0, &o)) {
		close(fd);
		return r->err;
	}
	o->fd = fd;
	o->legacy = true;
	o->addr = xstrdup(d->name);
	res_str(r, "device", d->name);
	res_u64(r, "fd", (uint64_t)fd);
	res_text(r, "device %s: %s (through group %u)", o->name, d->name, gid);
	return 0;
}

/*
 * A SPAPR map the kernel refused with ENXIO: name the windows the IOVA
 * missed (the 32-bit window and the DDWs this run created).
 */
static int fail_outside(struct batch *b, struct bres *r, uint64_t iova, uint64_t len)
{
	struct vfio_spapr_info si;
	struct strv ws = { 0 };
	char *list;

	if (!vfio_spapr_info_get(b->container, &si) && si.dma32_size)
		strv_push_owned(&ws, xasprintf("0x%llx-0x%llx", (unsigned long long)si.dma32_start,
					       (unsigned long long)(si.dma32_start + si.dma32_size - 1)));
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && b->objs[i]->kind == BK_WINDOW)
			strv_push_owned(&ws, xasprintf("0x%llx-0x%llx (%s)",
						       (unsigned long long)b->objs[i]->iova,
						       (unsigned long long)(b->objs[i]->iova + b->objs[i]->len - 1),
						       b->objs[i]->name));
	list = ws.n ? strv_join(&ws, ", ") : xstrdup("none known");
	strv_free(&ws);
	r->op = VOP_DMA_MAP;
	fail(r, -ENXIO, "%s: ENXIO: IOVA 0x%llx-0x%llx is outside the DMA window%s %s",
	     vfio_op_name(VOP_DMA_MAP), (unsigned long long)iova,
	     (unsigned long long)(iova + len - 1), strchr(list, ',') ? "s" : "", list);
	free(list);
	return r->err;
}

/*
 * A SPAPR v2 map refused with EINVAL into a window of this run whose IOMMU
 * page is larger than the host page: the kernel maps a TCE only onto memory
 * whose backing pages are at least that large (mm_iommu_ua_to_hpa), which
 * ordinary anonymous memory is not. Says so and returns true.
 */
static bool spapr_page_too_big(struct batch *b, struct bres *r, uint64_t iova, const void *va,
			       uint64_t len)
{
	long host = sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < b->nobjs; i++) {
		const struct bobj *o = b->objs[i];

		if (!o->live || o->kind != BK_WINDOW || iova < o->iova || iova - o->iova >= o->len)
			continue;
		if (host <= 0 || (1ULL << o->page_shift) <= (uint64_t)host)
			return false;
		r->op = VOP_DMA_MAP;
		fail(r, -EINVAL, "%s: EINVAL: window %s has %llu KiB IOMMU pages but the memory at 0x%llx "
		     "(%llu bytes) is backed by %ld KiB host pages: the kernel maps a TCE only onto "
		     "memory backed by pages at least as large (use page-shift=%d, or huge pages)",
		     vfio_op_name(VOP_DMA_MAP), o->name, (1ULL << o->page_shift) >> 10,
		     (unsigned long long)(uintptr_t)va, (unsigned long long)len, host >> 10,
		     __builtin_ctzl((unsigned long)host));
		return true;
	}
	return false;
}

static int cmd_dma_map(struct batch *b, const struct words *w, struct bres *r)
{
	uint64_t len, iova;
	struct bobj *m, *mem = NULL;
	const char *mem_name = opt_get(w, "mem");
	void *va;
	int rc;

	if (b->container < 0 || !b->container_ready)
		return fail(r, -EUSAGE, "no container with an IOMMU model: 'container set-iommu' first");
	if ((rc = num_opt(r, w, "iova", true, &iova)))
		return rc;
	if (mem_name) {
		/* SPAPR v2: map memory registered with 'spapr register' */
		if ((rc = obj_ref(b, r, mem_name, 1u << BK_MEM, &mem)))
			return rc;
		va = mem->va;
		len = mem->len;
	} else if ((rc = map_buffer(r, w, &len, &va))) {
		return rc;
	}
	rc = vfio_dma_map(b->container, va, iova, len, !flag_get(w, "readonly"));
	if (rc) {
		if (!mem)
			vfio_buffer_free(va, len);
		if (rc == -ENXIO && b->spapr)
			return fail_outside(b, r, iova, len);
		if (rc == -EINVAL && b->spapr && spapr_page_too_big(b, r, iova, va, len))
			return r->err;
		if (b->spapr && vfio_spapr_map_explain(rc)) {
			r->op = VOP_DMA_MAP;
			return fail(r, rc, "%s: %s: %s", vfio_op_name(VOP_DMA_MAP), vfio_errno_name(rc),
				    vfio_spapr_map_explain(rc));
		}
		return fail_op(r, VOP_DMA_MAP, rc);
	}
	if (obj_new(b, r, w, BK_MAP, 0, &m)) {
		vfio_dma_unmap(b->container, iova, len, NULL);
		if (!mem)
			vfio_buffer_free(va, len);
		return r->err;
	}
	m->legacy = true;
	m->borrowed = mem != NULL;
	m->va = va;
	m->iova = iova;
	m->len = len;
	res_hex(r, "iova", iova);
	res_u64(r, "size", len);
	res_hex(r, "vaddr", (uintptr_t)va);
	res_text(r, "map %s: IOVA 0x%llx, %llu bytes", m->name, (unsigned long long)iova,
		 (unsigned long long)len);
	return 0;
}

static int cmd_dma_unmap(struct batch *b, const struct words *w, struct bres *r)
{
	if (b->container < 0)
		return fail(r, -EUSAGE, "no container");
	return cmd_unmap(b, w, r, true);
}

static int cmd_spapr_info(struct batch *b, const struct words *w, struct bres *r);

static int cmd_dma_ranges(struct batch *b, const struct words *w, struct bres *r)
{
	struct vfio_type1_info ti;
	int rc;

	if (b->container < 0 || !b->container_ready)
		return fail(r, -EUSAGE, "no container with an IOMMU model: 'container set-iommu' first");
	/* same ioctl number, SPAPR layout: never read it as type1 */
	if (b->spapr)
		return cmd_spapr_info(b, w, r);
	rc = vfio_type1_info_get(b->container, &ti);
	if (rc)
		return fail_op(r, VOP_IOMMU_INFO, rc);
	res_ranges(r, "iova_ranges", ti.ranges, ti.nranges);
	res_hex(r, "page_sizes", ti.pgsizes);
	res_text(r, "page sizes 0x%llx", (unsigned long long)ti.pgsizes);
	vfio_type1_info_release(&ti);
	return 0;
}

/* ---- SPAPR TCE containers (IBM POWER): memory registration and DMA windows ---- */

static int need_spapr(struct batch *b, struct bres *r)
{
	if (b->container < 0 || !b->container_ready || !b->spapr)
		return fail(r, -EUSAGE, "no SPAPR TCE container: 'container set-iommu spapr-v2' first");
	return 0;
}

static int cmd_spapr_info(struct batch *b, const struct words *w, struct bres *r)
{
	struct vfio_spapr_info si;
	json_object *pg;
	int rc;

	if ((rc = need_spapr(b, r)))
		return rc;
	rc = vfio_spapr_info_get(b->container, &si);
	if (rc)
		return fail_op(r, VOP_SPAPR_INFO, rc);
	res_hex(r, "dma32_window_start", si.dma32_start);
	res_hex(r, "dma32_window_size", si.dma32_size);
	json_object_object_add(r->out, "ddw", json_object_new_boolean(si.ddw));
	pg = json_object_new_array();
	for (unsigned bit = 0; bit < 64; bit++)
		if (si.ddw_pgsizes & (1ULL << bit)) {
			char *t = vfio_pgsizes_text(1ULL << bit);

			json_object_array_add(pg, json_object_new_string(t));
			free(t);
		}
	json_object_object_add(r->out, "ddw_page_sizes", pg);
	res_u64(r, "ddw_max_windows", si.ddw_max_windows);
	res_u64(r, "ddw_max_levels", si.ddw_levels);
	{
		char *t = vfio_pgsizes_text(si.ddw_pgsizes);

		res_text(r, "32-bit window 0x%llx-0x%llx", (unsigned long long)si.dma32_start,
			 (unsigned long long)(si.dma32_start + si.dma32_size - 1));
		if (si.ddw)
			res_text(r, "DDW page sizes %s, %u windows, %u levels", t, si.ddw_max_windows,
				 si.ddw_levels);
		else
			res_text(r, "no dynamic DMA windows");
		free(t);
	}
	return 0;
}

static int cmd_spapr_register(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *o;
	uint64_t len;
	void *va;
	int rc;

	if ((rc = need_spapr(b, r)) || (rc = map_buffer(r, w, &len, &va)))
		return rc;
	rc = vfio_spapr_register(b->container, va, len);
	if (rc) {
		vfio_buffer_free(va, len);
		return fail_op(r, VOP_SPAPR_REGISTER, rc);
	}
	if (obj_new(b, r, w, BK_MEM, ++b->nmems, &o)) {
		vfio_spapr_unregister(b->container, va, len);
		vfio_buffer_free(va, len);
		return r->err;
	}
	o->va = va;
	o->len = len;
	res_u64(r, "size", len);
	res_hex(r, "vaddr", (uintptr_t)va);
	res_text(r, "mem %s: %llu bytes registered", o->name, (unsigned long long)len);
	return 0;
}

static int cmd_spapr_unregister(struct batch *b, const struct words *w, struct bres *r)
{
	struct bobj *o;
	int rc;

	if ((rc = need_spapr(b, r)) || (rc = obj_ref(b, r, pos_get(w, 0), 1u << BK_MEM, &o)))
		return rc;
	rc = vfio_spapr_unregister(b->container, o->va, o->len);
	if (rc)
		return fail_op(r, VOP_SPAPR_UNREGISTER, rc);
	vfio_buffer_free(o->va, o->len);
	o->va = NULL;
	o->live = false;
	res_text(r, "%s unregistered", o->name);
	return 0;
}

static int cmd_spapr_window(struct batch *b, const struct words *w, struct bres *r)
{
	const char *verb = pos_get(w, 0);
	uint64_t shift, size, levels = 1, start = 0;
	struct bobj *o;
	int rc;

	if ((rc = need_spapr(b, r)))
		return rc;
	if (verb && !strcmp(verb, "remove")) {
		if ((rc = obj_ref(b, r, pos_get(w, 1), 1u << BK_WINDOW, &o)))
			return rc;
		rc = vfio_spapr_window_remove(b->container, o->iova);
		if (rc)
			return fail_op(r, VOP_SPAPR_REMOVE, rc);
		o->live = false;
		res_text(r, "%s removed", o->name);
		return 0;
	}
	if (!verb || strcmp(verb, "create"))
		return fail(r, -EUSAGE, "expected 'spapr window create' or 'spapr window remove'");
	if (num_opt(r, w, "page-shift", true, &shift) || num_opt(r, w, "size", true, &size) ||
	    num_opt(r, w, "levels", false, &levels) < 0)
		return r->err;
	if (shift < 12 || shift > 40)
		return fail(r, -EUSAGE, "page-shift=%llu: not a page shift (12..40)", (unsigned long long)shift);
	if (!size || (size & (size - 1)))
		return fail(r, -EUSAGE, "size=%llu: not a power of two", (unsigned long long)size);
	if (!levels || levels > 8)
		return fail(r, -EUSAGE, "levels=%llu: not a level count (1..8)", (unsigned long long)levels);
	rc = vfio_spapr_window_create(b->container, (unsigned)shift, size, (unsigned)levels, &start);
	if (rc)
		return fail_op(r, VOP_SPAPR_CREATE, rc);
	if (obj_new(b, r, w, BK_WINDOW, ++b->nwindows, &o)) {
		vfio_spapr_window_remove(b->container, start);
		return r->err;
	}
	o->iova = start;
	o->len = size;
	o->page_shift = (uint32_t)shift;
	o->levels = (uint32_t)levels;
	res_hex(r, "start", start);
	res_u64(r, "size", size);
	res_u64(r, "page_shift", shift);
	res_u64(r, "levels", levels);
	res_text(r, "window %s: bus address 0x%llx-0x%llx, page shift %u, %u level%s", o->name,
		 (unsigned long long)start, (unsigned long long)(start + size - 1), o->page_shift,
		 o->levels, o->levels == 1 ? "" : "s");
	return 0;
}

/* ---- exec: hand the held fds to a child ---- */

/* {iommufd}, {container}, {fd:NAME}, {id:NAME}, {va:NAME} in an argument. */
static char *subst(struct batch *b, const char *arg)
{
	struct strv parts = { 0 };
	const char *p = arg;
	char *s;

	while (*p) {
		const char *open = strchr(p, '{'), *close_b = open ? strchr(open, '}') : NULL;

		if (!open || !close_b) {
			strv_push(&parts, p);
			break;
		}
		strv_push_owned(&parts, xstrndup(p, (size_t)(open - p)));
		{
			char *key = xstrndup(open + 1, (size_t)(close_b - open - 1));
			struct bobj *o = NULL;

			if (!strcmp(key, "iommufd"))
				strv_push_owned(&parts, xasprintf("%d", b->iommufd));
			else if (!strcmp(key, "container"))
				strv_push_owned(&parts, xasprintf("%d", b->container));
			else if (str_startswith(key, "fd:") && (o = obj_find(b, key + 3)))
				strv_push_owned(&parts, xasprintf("%d", o->fd));
			else if (str_startswith(key, "id:") && (o = obj_find(b, key + 3)))
				strv_push_owned(&parts, xasprintf("%u", o->id));
			else if (str_startswith(key, "va:") && (o = obj_find(b, key + 3)) && o->va)
				strv_push_owned(&parts, xasprintf("0x%llx", (unsigned long long)(uintptr_t)o->va));
			else
				strv_push_owned(&parts, xstrndup(open, (size_t)(close_b - open + 1)));
			free(key);
		}
		p = close_b + 1;
	}
	s = strv_join(&parts, "");
	strv_free(&parts);
	return s;
}

static void child_env(struct batch *b)
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

static int cmd_exec(struct batch *b, const struct words *w, struct bres *r)
{
	int start = 0, status;
	pid_t pid;

	if (w->n && !strcmp(w->v[0], "--"))
		start = 1;
	if (start >= w->n)
		return fail(r, -EUSAGE, "usage: exec -- CMD [ARGS...]");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail(r, -errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		char **argv = xcalloc((size_t)(w->n - start + 1), sizeof(*argv));

		for (int i = start; i < w->n; i++)
			argv[i - start] = subst(b, w->v[i]);
		child_env(b);
		execvp(argv[0], argv);
		fprintf(stderr, "iommuctl: batch: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(r, -errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status)) {
		res_u64(r, "exit_status", (uint64_t)WEXITSTATUS(status));
		if (WEXITSTATUS(status))
			return fail(r, -EIO, "%s exited with status %d", w->v[start], WEXITSTATUS(status));
		res_text(r, "%s exited 0", w->v[start]);
		return 0;
	}
	return fail(r, -EIO, "%s killed by signal %d", w->v[start], WTERMSIG(status));
}

/* ---- the command table ---- */

struct bcmd {
	const char *obj;
	const char *verb;          /* NULL: the object word alone (hw-info DEV, exec ...) */
	const char *synopsis;
	int (*run)(struct batch *b, const struct words *w, struct bres *r);
};

static const struct bcmd bcmds[] = {
	{ "iommufd", "open", "iommufd open", cmd_iommufd_open },
	{ "ioas", "alloc", "ioas alloc [name=NAME]", cmd_ioas_alloc },
	{ "ioas", "ranges", "ioas ranges IOAS", cmd_ioas_ranges },
	{ "ioas", "allow-iovas", "ioas allow-iovas IOAS START-LAST|START+SIZE...", cmd_ioas_allow },
	{ "ioas", "map", "ioas map IOAS size=N [iova=ADDR] [readonly] [name=NAME]", cmd_ioas_map },
	{ "ioas", "unmap", "ioas unmap IOAS (MAP | iova=ADDR size=N)", cmd_ioas_unmap },
	{ "hwpt", "alloc", "hwpt alloc DEV IOAS|HWPT [pasid] [nest-parent] [dirty] [name=NAME]", cmd_hwpt_alloc },
	{ "device", "bind", "device bind ADDR [name=NAME]", cmd_device_bind },
	{ "device", "open", "device open ADDR [name=NAME]   (legacy: through its group)", cmd_device_open },
	{ "device", "attach", "device attach DEV IOAS|HWPT [pasid=N]", cmd_device_attach },
	{ "device", "detach", "device detach DEV [pasid=N]", cmd_device_detach },
	{ "pasid", "attach", "pasid attach DEV PASID IOAS|HWPT", cmd_pasid_attach },
	{ "pasid", "detach", "pasid detach DEV PASID", cmd_pasid_detach },
	{ "hw-info", NULL, "hw-info DEV", cmd_hw_info },
	{ "option", NULL, "option sw-msi DEV [start=ADDR] [size=MB]", cmd_option },
	{ "destroy", NULL, "destroy OBJ", cmd_destroy },
	{ "container", "open", "container open", cmd_container_open },
	{ "container", "set-iommu", "container set-iommu [type1v2|type1|noiommu|spapr-v2|spapr]", cmd_container_set_iommu },
	{ "group", "add", "group add GROUP|ADDR [name=NAME]", cmd_group_add },
	{ "dma", "map", "dma map iova=ADDR (size=N | mem=MEM) [readonly] [name=NAME]", cmd_dma_map },
	{ "dma", "unmap", "dma unmap (MAP | iova=ADDR size=N)", cmd_dma_unmap },
	{ "dma", "ranges", "dma ranges", cmd_dma_ranges },
	{ "spapr", "info", "spapr info", cmd_spapr_info },
	{ "spapr", "register", "spapr register size=N [name=NAME]", cmd_spapr_register },
	{ "spapr", "unregister", "spapr unregister MEM", cmd_spapr_unregister },
	{ "spapr", "window", "spapr window (create page-shift=N size=N [levels=N] [name=NAME] | remove WINDOW)",
	  cmd_spapr_window },
	{ "exec", NULL, "exec -- CMD [ARGS...]", cmd_exec },
};

static const struct bcmd *bcmd_find(const struct strv *words, int *skip)
{
	for (size_t i = 0; i < ARRAY_SIZE(bcmds); i++) {
		if (strcmp(words->v[0], bcmds[i].obj))
			continue;
		if (!bcmds[i].verb) {
			*skip = 1;
			return &bcmds[i];
		}
		if (words->n > 1 && !strcmp(words->v[1], bcmds[i].verb)) {
			*skip = 2;
			return &bcmds[i];
		}
	}
	return NULL;
}

/* ---- the run ---- */

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

static void batch_release(struct batch *b)
{
	/* unmap what is still mapped, then close devices before the iommufd */
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_MAP) {
			if (o->legacy)
				vfio_dma_unmap(b->container, o->iova, o->len, NULL);
			else
				vfio_ioas_unmap(b->iommufd, o->ioas, o->iova, o->len, NULL);
			map_forget(o);
		}
	}
	/* SPAPR: windows, then registered memory, while the groups are still in the container */
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_WINDOW) {
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
			obj_close(b, b->objs[i]);
	}
	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *o = b->objs[i];

		if (o->live && o->kind == BK_GROUP) {
			vfio_group_unset_container(o->fd);
			obj_close(b, o);
		}
		free(o->name);
		free(o->addr);
		free(o);
	}
	free(b->objs);
	if (b->iommufd >= 0)
		close(b->iommufd);
	if (b->container >= 0)
		close(b->container);
	if (b->inv_loaded)
		inventory_release(&b->inv);
}

static int batch_exec(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct batch_opts *bo = opts;
	struct batch b = { .ctx = ctx, .iommufd = -1, .container = -1 };
	const char *fname = argv[0], *shown = strcmp(fname, "-") ? fname : "<stdin>";
	json_object *all = json_object_new_array();
	FILE *f = strcmp(fname, "-") ? fopen(fname, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0, nok = 0, nfail = 0;
	int first_err = 0;

	if (!f) {
		json_object_put(all);
		return err_report(ctx, -errno, "%s: %s", fname, strerror(errno));
	}
	while (getline(&line, &cap, f) >= 0) {
		struct strv words = { 0 };
		struct bres r = { .out = json_object_new_object() };
		const struct bcmd *c;
		struct words w;
		json_object *jl;
		char *cmdtext;
		int skip = 0;

		lineno++;
		str_rstrip(line);
		if (split_words(line, &words)) {
			fail(&r, -EUSAGE, "unterminated quote");
		} else if (!words.n) {
			json_object_put(r.out);
			strv_free(&words);
			continue;
		} else if (!(c = bcmd_find(&words, &skip))) {
			fail(&r, -EUSAGE, "unknown command '%s%s%s'", words.v[0], words.n > 1 ? " " : "",
			     words.n > 1 ? words.v[1] : "");
		} else {
			w.v = words.v + skip;
			w.n = (int)words.n - skip;
			c->run(&b, &w, &r);
		}
		cmdtext = words.n ? strv_join(&words, " ") : xstrdup(line);
		jl = json_object_new_object();
		json_object_object_add(jl, "file", json_object_new_string(shown));
		json_object_object_add(jl, "line", json_object_new_int((int)lineno));
		json_object_object_add(jl, "command", json_object_new_string(cmdtext));
		json_object_object_add(jl, "status", json_object_new_string(r.err ? "error" : "ok"));
		json_object_object_add(jl, "errno", r.err && r.err != -EUSAGE ?
				       json_object_new_string(vfio_errno_name(r.err)) : NULL);
		json_object_object_add(jl, "error", r.msg ? json_object_new_string(r.msg) : NULL);
		json_object_object_add(jl, "result", r.out);
		json_object_array_add(all, jl);
		if (r.err) {
			nfail++;
			if (!first_err)
				first_err = r.err;
			fprintf(ctx->errf, "iommuctl: batch: %s:%u: %s: %s\n", shown, lineno, cmdtext,
				r.msg ? r.msg : strerror(-r.err));
		} else {
			nok++;
		}
		if (!ctx->json) {
			char *t = strv_join(&r.text, "; ");

			fprintf(ctx->outf, "%s:%u: %-5s %s%s%s\n", shown, lineno, r.err ? "FAIL" : "ok", cmdtext,
				r.err || r.text.n ? ": " : "",
				r.err ? (r.err == -EUSAGE ? "usage" : vfio_errno_name(r.err)) : t);
			free(t);
			fflush(ctx->outf);
		}
		free(cmdtext);
		free(r.msg);
		strv_free(&r.text);
		strv_free(&words);
		if (r.err && !bo->force)
			break;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	batch_release(&b);
	if (ctx->json)
		fprintf(ctx->outf, "%s\n", json_object_to_json_string_ext(all, ctx->pretty ?
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN));
	else if (!ctx->quiet)
		fprintf(ctx->outf, "%u ok, %u failed\n", nok, nfail);
	json_object_put(all);
	if (first_err) {
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
		.doc = "Objects live until the end of the run; 'exec -- CMD' hands the held fds to "
		       "a child (IOMMUCTL_IOMMUFD, IOMMUCTL_CONTAINER, IOMMUCTL_FDS, IOMMUCTL_OBJECTS, IOMMUCTL_BUFFERS). "
		       "See iommuctl-vfio(8) for the language.",
		.options = batch_options,
		.parser = batch_parse,
		.opts_size = sizeof(struct batch_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_LIVE,
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
	.flags = CLI_LIVE,
	.run = batch_exec,
};

const struct cli_object cli_object_batch = {
	.name = "batch",
	.summary = "many VFIO/iommufd commands in one process; objects live across lines",
	.default_verb = "run",   /* batch --force FILE, batch - */
	.verbs = batch_verbs,
	.fallback = &batch_fallback,
};
