// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The batch language on iommufd and VFIO device cdevs: iommufd open, ioas
 * (map-file too), hwpt, device bind/attach/detach, pasid, viommu, vdevice,
 * hw-info, option sw-msi, destroy.
 * Each is a row of the dispatcher's tables (CLI_BATCH_ONLY); the objects it
 * makes are held by the run (cli/batch.h) until the run ends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"

static int pt_of(struct cli_batch *b, const char *name, uint32_t *pt)
{
	struct bobj *o;
	int rc = batch_obj_ref(b, name, 1u << BK_IOAS | 1u << BK_HWPT, &o);

	if (!rc)
		*pt = o->id;
	return rc;
}

/*
 * Why an IOAS map (or map-file) of len bytes (at iova when fixed) was
 * refused, from what the run knows: its maps, its allowed ranges, the
 * kernel's usable ranges now. Reports and returns err.
 */
static int map_refused(struct cli_batch *b, struct bobj *io, enum vfio_op op, int err, bool fixed,
		       uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1, align = 0;
	struct vfio_range *rg = NULL;
	char *ctxt = NULL, *fix = NULL, *t = NULL, *u = NULL;
	size_t n = 0;
	int rc;

	switch (-err) {
	case EEXIST:
		t = batch_maps_text(b, io, iova, last);
		if (t) {
			ctxt = xasprintf("0x%llx-0x%llx overlaps %s", (unsigned long long)iova,
					 (unsigned long long)last, t);
			fix = xasprintf("unmap it first ('ioas unmap %s %s'), choose another iova=, or leave "
					"iova= out and let the kernel choose", io->name,
					batch_map_in(b, io, iova, last)->name);
		}
		break;
	case EINVAL:
		if (!fixed || vfio_ioas_ranges(b->iommufd, io->id, &rg, &n, &align))
			break;
		u = vfio_ranges_text(rg, n);
		if (align > 1 && iova % align) {
			ctxt = xasprintf("iova=0x%llx is not a multiple of the IOAS's alignment 0x%llx",
					 (unsigned long long)iova, (unsigned long long)align);
			fix = xasprintf("choose an iova= that is a multiple of 0x%llx, or leave iova= out",
					(unsigned long long)align);
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (iova >= rg[i].start && last <= rg[i].last)
				goto out;        /* inside a usable range: the kernel had another reason */
		/*
		 * past the last usable IOVA: the attached devices' domains translate
		 * no more (the RISC-V IOMMU's Sv57 domain, 0x0-0xffffffffffffff: the
		 * lower half of its sign-extended 57 bits)
		 */
		if (n && last > rg[n - 1].last && rg[n - 1].last < UINT64_MAX) {
			uint64_t end = rg[n - 1].last + 1;
			char bits[24] = "";

			if (!(end & (end - 1)))
				snprintf(bits, sizeof(bits), " (%u bits)", (unsigned)__builtin_ctzll(end));
			ctxt = xasprintf("0x%llx-0x%llx %s past 0x%llx, the last IOVA IOAS '%s' can use (%s): the "
					 "attached devices' IOMMU domains translate no higher IOVA%s",
					 (unsigned long long)iova, (unsigned long long)last,
					 iova > rg[n - 1].last ? "lies" : "reaches", (unsigned long long)(end - 1),
					 io->name, u, bits);
			fix = xasprintf("choose an iova= inside %s, or leave iova= out and let the kernel choose", u);
			break;
		}
		ctxt = xasprintf("0x%llx-0x%llx is not inside the usable ranges of IOAS '%s' (%s): what lies between "
				 "them is reserved by an attached device (an MSI window, a direct-mapped region) "
				 "or beyond the IOMMU's address width", (unsigned long long)iova,
				 (unsigned long long)last, io->name, u);
		fix = xasprintf("choose an iova= inside %s, or leave iova= out and let the kernel choose", u);
		break;
	case ENOSPC:
		if (io->nallowed) {
			t = vfio_ranges_text(io->allowed, io->nallowed);
			ctxt = xasprintf("IOAS '%s' allows only %s (line %u), and the kernel picks a map's IOVA "
					 "inside the allowed ranges only: none has %llu (0x%llx) free bytes", io->name,
					 t, io->allowed_line, (unsigned long long)len, (unsigned long long)len);
			fix = xasprintf("map less, give iova= yourself (a fixed IOVA may lie outside the allowed "
					"ranges), or allow a larger range first ('ioas allow-iovas %s START+SIZE' "
					"replaces line %u's)", io->name, io->allowed_line);
		} else if (!vfio_ioas_ranges(b->iommufd, io->id, &rg, &n, &align)) {
			u = vfio_ranges_text(rg, n);
			t = batch_maps_text(b, io, 0, UINT64_MAX);
			ctxt = xasprintf("no free stretch of %llu (0x%llx) bytes, aligned to its size, in the usable "
					 "ranges (%s) between the maps (%s)", (unsigned long long)len,
					 (unsigned long long)len, u, t ? t : "none");
		}
		break;
	case ENOMEM: {
		struct rlimit rl;

		if (!getrlimit(RLIMIT_MEMLOCK, &rl) && rl.rlim_cur != RLIM_INFINITY)
			ctxt = xasprintf("this process's RLIMIT_MEMLOCK is %llu KiB, the map pins %llu KiB more",
					 (unsigned long long)rl.rlim_cur / 1024, (unsigned long long)len / 1024);
		break;
	}
	}
out:
	rc = batch_fail_opx(b, op, err, ctxt, fix);
	free(rg);
	free(ctxt);
	free(fix);
	free(t);
	free(u);
	return rc;
}

/* ---- iommufd, ioas ---- */

static int iommufd_open(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	int rc = batch_need_iommufd(b);

	if (!rc) {
		res_u64(b, "fd", (uint64_t)b->iommufd);
		res_text(b, "fd %d", b->iommufd);
	}
	return rc;
}

static int ioas_alloc(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *o;
	uint32_t id;
	int rc = batch_need_iommufd(b);

	if (rc)
		return rc;
	rc = vfio_ioas_alloc(b->iommufd, &id);
	if (rc)
		return batch_fail_op(b, VOP_IOAS_ALLOC, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_IOAS, id, &o))) {
		vfio_destroy(b->iommufd, id);
		return rc;
	}
	res_u64(b, "ioas_id", id);
	res_text(b, "ioas %s: ID %u", o->name, id);
	return 0;
}

static int ioas_ranges(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct vfio_range *rg = NULL;
	uint64_t align = 0;
	struct bobj *o;
	size_t n = 0;
	int rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS, &o);

	if (rc)
		return rc;
	rc = vfio_ioas_ranges(b->iommufd, o->id, &rg, &n, &align);
	if (rc)
		return batch_fail_op(b, VOP_IOVA_RANGES, rc);
	res_ranges(b, "iova_ranges", rg, n);
	res_u64(b, "alignment", align);
	res_text(b, "alignment %llu", (unsigned long long)align);
	free(rg);
	return 0;
}

/* START-LAST or START+SIZE words. */
static int parse_ranges(struct cli_batch *b, int argc, char **argv, struct vfio_range **out, size_t *n)
{
	*n = 0;
	*out = NULL;
	for (int i = 0; i < argc; i++) {
		char *dup = xstrdup(argv[i]), *sep = strpbrk(dup, "-+"), op = sep ? *sep : 0;
		uint64_t a, c;

		if (sep)
			*sep = 0;
		if (!sep || parse_u64(dup, &a) || parse_u64(sep + 1, &c) || (op == '+' && !c) ||
		    (op == '-' && c < a)) {
			free(dup);
			free(*out);
			*out = NULL;
			return batch_refuse(b, -EUSAGE, "write a range as START-LAST or START+SIZE, as in "
					    "0x8000000+0x100000", "'%s': not a range", argv[i]);
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].start = a;
		(*out)[*n].last = op == '+' ? a + c - 1 : c;
		(*n)++;
		free(dup);
	}
	return 0;
}

static int ioas_allow(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct vfio_range *rg = NULL;
	struct bobj *o;
	size_t n = 0;
	int rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS, &o);

	if (rc || (rc = parse_ranges(b, argc - 1, argv + 1, &rg, &n)))
		return rc;
	rc = vfio_ioas_allow_iovas(b->iommufd, o->id, rg, n);
	if (rc) {
		struct vfio_range *u = NULL;
		char *ut = NULL, *ctxt = NULL;
		uint64_t align;
		size_t nu = 0;

		if (rc == -EADDRINUSE && !vfio_ioas_ranges(b->iommufd, o->id, &u, &nu, &align)) {
			ut = vfio_ranges_text(u, nu);
			ctxt = xasprintf("IOAS '%s' can use only %s now", o->name, ut);
		}
		free(rg);
		rc = batch_fail_opx(b, VOP_ALLOW_IOVAS, rc, ctxt, NULL);
		free(ctxt);
		free(ut);
		free(u);
		return rc;
	}
	res_ranges(b, "allowed", rg, n);
	/* the kernel replaces the set: the newest line's is the one in force */
	free(o->allowed);
	o->allowed = rg;
	o->nallowed = n;
	o->allowed_line = b->lineno;
	return 0;
}

static int ioas_map(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *o, *m;
	uint64_t len, iova = 0;
	void *va = NULL;
	int fixed, rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS, &o);

	if (rc || (rc = batch_map_buffer(b, bo->size, &len, &va)))
		return rc;
	fixed = batch_num(b, "iova", bo->iova, false, &iova);
	if (fixed < 0) {
		vfio_buffer_free(va, len);
		return fixed;
	}
	rc = vfio_ioas_map(b->iommufd, o->id, va, len, fixed == 0, !bo->readonly, &iova);
	if (rc) {
		vfio_buffer_free(va, len);
		return map_refused(b, o, VOP_IOAS_MAP, rc, fixed == 0, iova, len);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_MAP, 0, &m))) {
		vfio_ioas_unmap(b->iommufd, o->id, iova, len, NULL);
		vfio_buffer_free(va, len);
		return rc;
	}
	m->ioas = o->id;
	m->va = va;
	m->iova = iova;
	m->len = len;
	res_hex(b, "iova", iova);
	res_u64(b, "size", len);
	res_hex(b, "vaddr", (uintptr_t)va);
	res_text(b, "map %s: IOVA 0x%llx, %llu bytes", m->name, (unsigned long long)iova,
		 (unsigned long long)len);
	return 0;
}

/*
 * ioas map-file IOAS size=N [iova=ADDR] [readonly] [fill=BYTE]: a new memfd
 * of N bytes (filled with BYTE, default 0), mapped through
 * IOMMU_IOAS_MAP_FILE (v6.13+): by file and offset, not by address. The
 * run holds the memfd (an exec child gets it as {fd:NAME}, and its pages
 * at {va:NAME}); unmapping the map closes it.
 */
static int ioas_map_file(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *o, *m;
	uint64_t len, iova = 0, fill = 0;
	void *va = NULL;
	int fixed, hf, mfd = -1, rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS, &o);

	if (rc || (rc = batch_num(b, "size", bo->size, true, &len)))
		return rc;
	if (!len || len % 4096)
		return batch_refuse(b, -EUSAGE, "give a size in whole 4096-byte pages, as in size=0x10000",
				    "size=%llu: not a positive multiple of 4096", (unsigned long long)len);
	if ((fixed = batch_num(b, "iova", bo->iova, false, &iova)) < 0)
		return fixed;
	if ((hf = batch_num(b, "fill", bo->fill, false, &fill)) < 0)
		return hf;
	if (!hf && fill > 0xff)
		return batch_refuse(b, -EUSAGE, "give a byte, 0 to 255 (0xff)", "fill=%llu: not a byte",
				    (unsigned long long)fill);
	rc = vfio_memfd_alloc(len, (int)fill, &mfd, &va);
	if (rc)
		return batch_fail_op(b, VOP_MEMFD, rc);
	rc = vfio_ioas_map_file(b->iommufd, o->id, mfd, 0, len, fixed == 0, !bo->readonly, &iova);
	if (rc) {
		vfio_buffer_free(va, len);
		close(mfd);
		return map_refused(b, o, VOP_IOAS_MAP_FILE, rc, fixed == 0, iova, len);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_MAP, 0, &m))) {
		vfio_ioas_unmap(b->iommufd, o->id, iova, len, NULL);
		vfio_buffer_free(va, len);
		close(mfd);
		return rc;
	}
	m->ioas = o->id;
	m->va = va;
	m->fd = mfd;
	m->iova = iova;
	m->len = len;
	res_hex(b, "iova", iova);
	res_u64(b, "size", len);
	res_u64(b, "fd", (uint64_t)mfd);
	res_text(b, "map %s: IOVA 0x%llx, %llu bytes of a memfd (fd %d)", m->name, (unsigned long long)iova,
		 (unsigned long long)len, mfd);
	return 0;
}

static int ioas_unmap(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bobj *io;
	int rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS, &io);

	return rc ? rc : batch_unmap(b, io, argc > 1 ? argv[1] : NULL, opts);
}

static const struct argp_option ioas_alloc_options[] = { BOPT_NAME, { 0 } };

static const struct argp_option ioas_map_options[] = {
	{ "size", BO_SIZE, "N", 0, "bytes to map, a multiple of 4096 (a buffer of that size)", 0 },
	{ "iova", BO_IOVA, "ADDR", 0, "map at ADDR (default: the kernel chooses)", 0 },
	BOPT_READONLY,
	BOPT_NAME,
	{ 0 }
};

static const struct argp_option ioas_map_file_options[] = {
	{ "size", BO_SIZE, "N", 0, "bytes to map, a multiple of 4096 (a memfd of that size)", 0 },
	{ "iova", BO_IOVA, "ADDR", 0, "map at ADDR (default: the kernel chooses)", 0 },
	{ "fill", BO_FILL, "BYTE", 0, "the memfd's bytes (default 0)", 0 },
	BOPT_READONLY,
	BOPT_NAME,
	{ 0 }
};

static const struct argp_option unmap_options[] = {
	{ "iova", BO_IOVA, "ADDR", 0, "unmap from ADDR (instead of a MAP)", 0 },
	{ "size", BO_SIZE, "N", 0, "bytes to unmap from ADDR", 0 },
	{ 0 }
};

static const struct cli_verb ioas_verbs[] = {
	{
		.name = "alloc",
		.summary = "allocate an I/O address space",
		.options = ioas_alloc_options,
		.max_args = 0,
		.run = ioas_alloc,
		BATCH_VERB,
	},
	{
		.name = "ranges",
		.summary = "the IOVA ranges an IOAS can map and their alignment",
		.args_doc = "IOAS",
		.min_args = 1,
		.max_args = 1,
		.run = ioas_ranges,
		BATCH_VERB,
	},
	{
		.name = "allow-iovas",
		.summary = "reserve IOVA windows that an attach must not take away",
		.args_doc = "IOAS START-LAST|START+SIZE...",
		.min_args = 1,
		.max_args = -1,
		.run = ioas_allow,
		BATCH_VERB,
	},
	{
		.name = "map",
		.summary = "map a new buffer into an IOAS",
		.args_doc = "IOAS",
		.options = ioas_map_options,
		.min_args = 1,
		.max_args = 1,
		.run = ioas_map,
		BATCH_VERB,
	},
	{
		.name = "map-file",
		.summary = "map a new memfd into an IOAS by file and offset (Linux 6.13)",
		.args_doc = "IOAS",
		.doc = "IOMMU_IOAS_MAP_FILE. The run holds the memfd: an exec child gets it as {fd:NAME} and can write what "
		       "the device will read; unmapping the map closes it.",
		.options = ioas_map_file_options,
		.min_args = 1,
		.max_args = 1,
		.run = ioas_map_file,
		BATCH_VERB,
	},
	{
		.name = "unmap",
		.summary = "unmap a MAP, or iova=ADDR size=N, from an IOAS",
		.args_doc = "IOAS [MAP]",
		.options = unmap_options,
		.min_args = 1,
		.max_args = 2,
		.run = ioas_unmap,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_ioas = {
	.name = "ioas",
	.summary = "iommufd I/O address spaces: allocate, map, unmap",
	.flags = CLI_BATCH_ONLY,
	.verbs = ioas_verbs,
};

static const struct cli_verb iommufd_verbs[] = {
	{
		.name = "open",
		.summary = "open /dev/iommu (the first iommufd line opens it too)",
		.max_args = 0,
		.run = iommufd_open,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_iommufd = {
	.name = "iommufd",
	.summary = "the batch's iommufd (/dev/iommu)",
	.flags = CLI_BATCH_ONLY,
	.verbs = iommufd_verbs,
};

/* ---- devices: bind, attach, detach; pasid ---- */

static int device_bind(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct inv_device *d;
	struct bobj *o;
	uint32_t dev_id;
	int fd, rc;

	if ((rc = batch_need_iommufd(b)) || (rc = batch_need_inventory(b)))
		return rc;
	d = inventory_device(&b->inv, argv[0]);
	if (!d)
		return batch_refuse(b, -ENOENT, "give a PCI address that 'iommuctl device list' shows, as in "
				    "0000:00:03.0", "no device %s", argv[0]);
	if (!d->vfio_cdevs.n) {
		char *ctxt = xasprintf("%s is %s%s", d->name, d->driver ? "bound to " : "bound to no driver",
				       d->driver ? d->driver : "");
		char *fix = d->driver && !strcmp(d->driver, "vfio-pci") ?
			    xasprintf("on a kernel without CONFIG_VFIO_DEVICE_CDEV open it through its group: "
				      "'container open', 'group add %s', 'device open %s'", d->name, d->name) :
			    xasprintf("bind its group to vfio-pci first: 'iommuctl group claim %s'", d->name);

		rc = batch_fail_opx(b, VOP_OPEN_CDEV, -ENOENT, ctxt, fix);
		free(ctxt);
		free(fix);
		return rc;
	}
	rc = vfio_cdev_open(d->vfio_cdevs.v[0], &fd);
	if (rc)
		return batch_fail_op(b, VOP_OPEN_CDEV, rc);
	rc = vfio_device_bind(fd, b->iommufd, &dev_id);
	if (rc) {
		close(fd);
		return batch_fail_op(b, VOP_BIND, rc);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_DEVICE, dev_id, &o))) {
		close(fd);
		return rc;
	}
	o->fd = fd;
	o->addr = xstrdup(d->name);
	o->path = xasprintf("%s/%s", VFIO_PATH_CDEV_DIR, d->vfio_cdevs.v[0]);
	res_str(b, "device", d->name);
	res_u64(b, "dev_id", dev_id);
	res_u64(b, "fd", (uint64_t)fd);
	res_text(b, "device %s: %s (cdev %s), device ID %u", o->name, d->name, d->vfio_cdevs.v[0], dev_id);
	return 0;
}

static int pasid_of(struct cli_batch *b, const char *s, int64_t *pasid)
{
	uint64_t v;

	if (!s) {
		*pasid = -1;
		return 0;
	}
	if (parse_u64(s, &v) || v > 0xfffff)
		return batch_refuse(b, -EUSAGE, "give a PASID from 0 to 0xfffff (20 bits), as in 'pasid attach "
				    "DEV 1 HWPT'", "PASID '%s': not a PASID", s);
	*pasid = (int64_t)v;
	return 0;
}

/*
 * Why attaching device d (its PASID pasid, -1: itself) to pt was refused:
 * EBUSY names what it is attached to; EADDRINUSE the device's reserved
 * regions against the IOAS's maps and allowed ranges.
 */
static int attach_refused(struct cli_batch *b, struct bobj *d, struct bobj *pt, int64_t pasid, int err)
{
	enum vfio_op op = pasid >= 0 ? VOP_ATTACH_PASID : VOP_ATTACH;
	char *ctxt = NULL, *fix = NULL;
	struct strv hits = { 0 };
	int rc;

	if (err == -EBUSY && d->on) {
		ctxt = xasprintf("'%s' is attached to %s '%s' (line %u)", d->name, bkind_name[d->on->kind],
				 d->on->name, d->on_line);
		fix = xasprintf("detach it first: 'device detach %s'", d->name);
	} else if (err == -EADDRINUSE && pt && pt->kind == BK_IOAS && !batch_need_inventory(b)) {
		struct inv_device *dev = inventory_device(&b->inv, d->addr);
		struct inv_group *g = dev && dev->group >= 0 ? inventory_group(&b->inv, (unsigned)dev->group) : NULL;

		for (size_t i = 0; g && i < g->nresv; i++) {
			const struct inv_resv *r = &g->resv[i];
			char *m = batch_maps_text(b, pt, r->start, r->end);

			if (m)
				strv_push_owned(&hits, xasprintf("its %s region 0x%llx-0x%llx holds %s", r->type,
								 (unsigned long long)r->start,
								 (unsigned long long)r->end, m));
			free(m);
			for (size_t k = 0; k < pt->nallowed; k++)
				if (pt->allowed[k].start <= r->end && r->start <= pt->allowed[k].last)
					strv_push_owned(&hits, xasprintf(
						"its %s region 0x%llx-0x%llx lies in the range 0x%llx-0x%llx that line %u "
						"allowed", r->type, (unsigned long long)r->start,
						(unsigned long long)r->end, (unsigned long long)pt->allowed[k].start,
						(unsigned long long)pt->allowed[k].last, pt->allowed_line));
		}
		if (hits.n) {
			ctxt = strv_join(&hits, "; ");
			fix = xasprintf("attach '%s' before mapping or allowing IOVAs there, or unmap and allow "
					"around its reserved regions ('iommuctl msi show %s' lists them)", d->name,
					d->addr);
		}
	}
	rc = batch_fail_opx(b, op, err, ctxt, fix);
	strv_free(&hits);
	free(ctxt);
	free(fix);
	return rc;
}

static int do_attach(struct cli_batch *b, const char *dev, const char *pt_name, const char *pasid_s)
{
	struct bobj *d;
	uint32_t pt, out = 0;
	int64_t pasid = -1;
	int rc;

	if ((rc = batch_obj_ref(b, dev, 1u << BK_DEVICE, &d)) || (rc = pt_of(b, pt_name, &pt)) ||
	    (rc = pasid_of(b, pasid_s, &pasid)))
		return rc;
	if (d->legacy)
		return batch_refuse(b, -EUSAGE, "bind it through iommufd instead ('device bind ADDR'), or use the "
				    "container's maps ('dma map')",
				    "'%s' was opened through its group (line %u): the container attaches it", dev, d->line);
	rc = vfio_device_attach(d->fd, pt, pasid, &out);
	if (rc)
		return attach_refused(b, d, batch_obj_find(b, pt_name), pasid, rc);
	if (pasid < 0) {
		d->on = batch_obj_find(b, pt_name);
		d->on_line = b->lineno;
	}
	res_u64(b, "pt_id", out);
	if (pasid >= 0)
		res_u64(b, "pasid_number", (uint64_t)pasid);
	res_text(b, "attached%s to %s; HWPT ID %u", pasid >= 0 ? " (PASID)" : "", pt_name, out);
	if (pasid >= 0) {
		/* the core takes a group's PASID attach and sets it up only on devices with PASIDs */
		struct vfio_hw_info hi;

		if (!vfio_hw_info_get(b->iommufd, d->id, &hi) && !hi.max_pasid_log2) {
			res_bool(b, "pasid_set_up", false);
			res_text(b, "nothing set up: %s has no PASID capability", d->name);
			warn_msg(b->ctx, "%s has no PASID capability (PASID width 0): the kernel took the attach "
				 "for its group and wrote no PASID entry for it", d->addr ? d->addr : d->name);
		} else {
			res_bool(b, "pasid_set_up", true);
		}
	}
	return 0;
}

static int do_detach(struct cli_batch *b, const char *dev, const char *pasid_s)
{
	struct bobj *d;
	int64_t pasid = -1;
	int rc;

	if ((rc = batch_obj_ref(b, dev, 1u << BK_DEVICE, &d)) || (rc = pasid_of(b, pasid_s, &pasid)))
		return rc;
	rc = vfio_device_detach(d->fd, pasid);
	if (rc)
		return batch_fail_opx(b, pasid >= 0 ? VOP_DETACH_PASID : VOP_DETACH, rc,
				      pasid < 0 && !d->on ? "this run has not attached it" : NULL, NULL);
	if (pasid < 0)
		d->on = NULL;
	res_text(b, "detached");
	return 0;
}

static int device_attach(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	return do_attach(batch_of(ctx), argv[0], argv[1], ((struct bopts *)opts)->pasid);
}

static int device_detach(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	return do_detach(batch_of(ctx), argv[0], ((struct bopts *)opts)->pasid);
}

static int pasid_attach(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	return do_attach(batch_of(ctx), argv[0], argv[2], argv[1]);
}

static int pasid_detach(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	return do_detach(batch_of(ctx), argv[0], argv[1]);
}

static const struct argp_option bind_options[] = { BOPT_NAME, { 0 } };

static const struct argp_option attach_options[] = {
	{ "pasid", BO_PASID, "N", 0, "attach (detach) this PASID of the device only", 0 },
	{ 0 }
};

const struct cli_verb cli_batch_device_verbs[] = {
	{
		.name = "bind",
		.summary = "open a device's VFIO cdev and bind it to the iommufd",
		.args_doc = "ADDR",
		.options = bind_options,
		.min_args = 1,
		.max_args = 1,
		.run = device_bind,
		BATCH_VERB,
	},
	{
		.name = "open",
		.summary = "open a device through its group in the container (legacy)",
		.args_doc = "ADDR",
		.options = bind_options,
		.min_args = 1,
		.max_args = 1,
		.run = batch_device_open,
		BATCH_VERB,
	},
	{
		.name = "attach",
		.summary = "attach a bound device to an IOAS or HWPT",
		.args_doc = "DEV IOAS|HWPT",
		.options = attach_options,
		.min_args = 2,
		.max_args = 2,
		.run = device_attach,
		BATCH_VERB,
	},
	{
		.name = "detach",
		.summary = "detach a bound device",
		.args_doc = "DEV",
		.options = attach_options,
		.min_args = 1,
		.max_args = 1,
		.run = device_detach,
		BATCH_VERB,
	},
	{ 0 }
};

static const struct cli_verb pasid_verbs[] = {
	{
		.name = "attach",
		.summary = "attach a PASID of a bound device to an IOAS or HWPT (Linux 6.15)",
		.args_doc = "DEV PASID IOAS|HWPT",
		.min_args = 3,
		.max_args = 3,
		.run = pasid_attach,
		BATCH_VERB,
	},
	{
		.name = "detach",
		.summary = "detach a PASID of a bound device",
		.args_doc = "DEV PASID",
		.min_args = 2,
		.max_args = 2,
		.run = pasid_detach,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_pasid = {
	.name = "pasid",
	.summary = "PASID attachments of bound devices",
	.flags = CLI_BATCH_ONLY,
	.verbs = pasid_verbs,
};

/* ---- hwpt, hw-info, option, destroy ---- */

static int hwpt_alloc(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *d, *o;
	uint32_t pt, flags = 0, id;
	int rc;

	if ((rc = batch_obj_ref(b, argv[0], 1u << BK_DEVICE, &d)) || (rc = pt_of(b, argv[1], &pt)))
		return rc;
	if (bo->pasid_hwpt)
		flags |= IOMMU_HWPT_ALLOC_PASID;
	if (bo->nest_parent)
		flags |= IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (bo->dirty)
		flags |= IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	rc = vfio_hwpt_alloc(b->iommufd, d->id, pt, flags, &id);
	if (rc)
		return batch_fail_op(b, VOP_HWPT_ALLOC, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_HWPT, id, &o))) {
		vfio_destroy(b->iommufd, id);
		return rc;
	}
	o->on = batch_obj_find(b, argv[1]);
	res_u64(b, "hwpt_id", id);
	res_hex(b, "flags", flags);
	res_text(b, "hwpt %s: ID %u, flags 0x%x", o->name, id, flags);
	return 0;
}

static const struct argp_option hwpt_options[] = {
	{ "pasid", BO_PASID_HWPT, NULL, 0, "a HWPT that PASIDs can attach to (IOMMU_HWPT_ALLOC_PASID)", 0 },
	{ "nest-parent", BO_NEST_PARENT, NULL, 0, "a parent for nested HWPTs", 0 },
	{ "dirty", BO_DIRTY, NULL, 0, "with dirty tracking", 0 },
	BOPT_NAME,
	{ 0 }
};

static const struct cli_verb hwpt_verbs[] = {
	{
		.name = "alloc",
		.summary = "allocate a hardware page table for a bound device, on an IOAS or HWPT",
		.args_doc = "DEV IOAS|HWPT",
		.options = hwpt_options,
		.min_args = 2,
		.max_args = 2,
		.run = hwpt_alloc,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_hwpt = {
	.name = "hwpt",
	.summary = "iommufd hardware page tables",
	.flags = CLI_BATCH_ONLY,
	.verbs = hwpt_verbs,
};

/* ---- vIOMMU, vDEVICE (Linux 6.13) ---- */

static int viommu_type_parse(struct cli_batch *b, const char *s, uint32_t *type)
{
	uint64_t v;

	if (!s || !strcmp(s, "arm-smmuv3"))
		*type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	else if (!strcmp(s, "tegra241-cmdqv"))
		*type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
	else if (!parse_u64(s, &v) && v <= UINT32_MAX)
		*type = (uint32_t)v;
	else
		return batch_refuse(b, -EUSAGE, "write type=arm-smmuv3, type=tegra241-cmdqv or the uAPI's number",
				    "type=%s: not a vIOMMU type", s);
	return 0;
}

static int viommu_alloc(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *d, *h, *o;
	uint32_t type = 0, id;
	int rc;

	if ((rc = batch_obj_ref(b, argv[0], 1u << BK_DEVICE, &d)) ||
	    (rc = batch_obj_ref(b, argv[1], 1u << BK_HWPT, &h)) || (rc = viommu_type_parse(b, bo->type, &type)))
		return rc;
	rc = vfio_viommu_alloc(b->iommufd, type, d->id, h->id, &id);
	if (rc)
		return batch_fail_op(b, VOP_VIOMMU_ALLOC, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_VIOMMU, id, &o))) {
		vfio_destroy(b->iommufd, id);
		return rc;
	}
	o->on = h;
	res_u64(b, "viommu_id", id);
	res_u64(b, "viommu_type", type);
	res_text(b, "viommu %s: ID %u, type %u", o->name, id, type);
	return 0;
}

static int vdevice_alloc(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *v, *d, *o;
	uint64_t virt = 0;
	uint32_t id;
	int rc;

	if ((rc = batch_obj_ref(b, argv[0], 1u << BK_VIOMMU, &v)) ||
	    (rc = batch_obj_ref(b, argv[1], 1u << BK_DEVICE, &d)) ||
	    (rc = batch_num(b, "virt-id", bo->virt_id, true, &virt)) < 0)
		return rc;
	if (d->legacy)
		return batch_refuse(b, -EUSAGE, "bind it through iommufd instead: 'device bind ADDR'",
				    "'%s' was opened through its group (line %u): a vDEVICE needs a bound cdev",
				    argv[1], d->line);
	rc = vfio_vdevice_alloc(b->iommufd, v->id, d->id, virt, &id);
	if (rc)
		return batch_fail_op(b, VOP_VDEVICE_ALLOC, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_VDEVICE, id, &o))) {
		vfio_destroy(b->iommufd, id);
		return rc;
	}
	o->on = v;
	res_u64(b, "vdevice_id", id);
	res_hex(b, "virt_id", virt);
	res_text(b, "vdevice %s: ID %u, virtual ID 0x%llx", o->name, id, (unsigned long long)virt);
	return 0;
}

static const struct argp_option viommu_options[] = {
	{ "type", BO_TYPE, "TYPE", 0, "arm-smmuv3 (the default), tegra241-cmdqv, or the uAPI's number", 0 },
	BOPT_NAME,
	{ 0 }
};

static const struct cli_verb viommu_verbs[] = {
	{
		.name = "alloc",
		.summary = "allocate a vIOMMU for a bound device on a nest-parent HWPT (Linux 6.13)",
		.args_doc = "DEV HWPT",
		.doc = "EOPNOTSUPP: the device's IOMMU driver implements no vIOMMU, or not this type "
		       "(the uAPI has types for ARM SMMUv3 and Tegra241 CMDQV); EINVAL: the HWPT is not a "
		       "nest parent ('hwpt alloc DEV IOAS nest-parent').",
		.options = viommu_options,
		.min_args = 2,
		.max_args = 2,
		.run = viommu_alloc,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_viommu = {
	.name = "viommu",
	.summary = "iommufd virtual IOMMUs",
	.flags = CLI_BATCH_ONLY,
	.verbs = viommu_verbs,
};

static const struct argp_option vdevice_options[] = {
	{ "virt-id", BO_VIRT_ID, "ID", 0, "the device's ID as the guest sees it (vSID, vDeviceID, vRID)", 0 },
	BOPT_NAME,
	{ 0 }
};

static const struct cli_verb vdevice_verbs[] = {
	{
		.name = "alloc",
		.summary = "give a bound device a virtual ID on a vIOMMU (Linux 6.13)",
		.args_doc = "VIOMMU DEV",
		.options = vdevice_options,
		.min_args = 2,
		.max_args = 2,
		.run = vdevice_alloc,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_vdevice = {
	.name = "vdevice",
	.summary = "iommufd virtual devices on a vIOMMU",
	.flags = CLI_BATCH_ONLY,
	.verbs = vdevice_verbs,
};

static int hw_info(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct vfio_hw_info hi;
	struct bobj *d;
	int rc = batch_obj_ref(b, argv[0], 1u << BK_DEVICE, &d);

	if (rc)
		return rc;
	rc = vfio_hw_info_get(b->iommufd, d->id, &hi);
	if (rc)
		return batch_fail_op(b, VOP_HW_INFO, rc);
	res_str(b, "type", hi.type_name);
	res_hex(b, "capabilities", hi.capabilities);
	res_u64(b, "max_pasid_log2", hi.max_pasid_log2);
	if (hi.data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		res_hex(b, "vtd_cap", hi.vtd_cap);
		res_hex(b, "vtd_ecap", hi.vtd_ecap);
	}
	if (hi.data_type == IOMMU_HW_INFO_TYPE_AMD) {
		res_hex(b, "amd_efr", hi.amd_efr);
		res_hex(b, "amd_efr2", hi.amd_efr2);
	}
	res_text(b, "type %s, capabilities 0x%llx, PASID width %u bits", hi.type_name,
		 (unsigned long long)hi.capabilities, hi.max_pasid_log2);
	return 0;
}

static const struct cli_verb no_verbs[] = { { 0 } };

static const struct cli_verb hw_info_command = {
	.name = "DEV",
	.summary = "the IOMMU behind a bound device: type, capabilities, PASID width",
	.args_doc = "DEV",
	.min_args = 1,
	.max_args = 1,
	.run = hw_info,
	BATCH_VERB,
};

const struct cli_object cli_object_hw_info = {
	.name = "hw-info",
	.summary = "the IOMMU behind a bound device (IOMMU_GET_HW_INFO)",
	.flags = CLI_BATCH_ONLY,
	.verbs = no_verbs,
	.fallback = &hw_info_command,
};

static int option_sw_msi(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	uint64_t start = 0, size = 0, v = 0;
	struct bobj *d;
	int rc = batch_need_iommufd(b), hs, hz;

	if (rc)
		return rc;
	rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_START, false, 0, &v);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY)
		return batch_refuse(b, -EOPNOTSUPP, "leave the line out: the device keeps the kernel's software "
				    "MSI window ('iommuctl msi show ADDR' shows it)",
				    "this kernel has no IOMMU_OPTION_SW_MSI_START/SIZE (%s; proposed upstream in "
				    "2025, not mainline)", vfio_errno_name(rc));
	if ((rc = batch_obj_ref(b, argv[0], 1u << BK_DEVICE, &d)))
		return rc;
	if ((hs = batch_num(b, "start", bo->start, false, &start)) < 0)
		return hs;
	if ((hz = batch_num(b, "size", bo->size, false, &size)) < 0)
		return hz;
	if (!hs && (rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_START, true, d->id, &start)))
		return batch_fail_op(b, VOP_OPTION, rc);
	if (!hz && (rc = vfio_option(b->iommufd, IOMMU_OPTION_SW_MSI_SIZE, true, d->id, &size)))
		return batch_fail_op(b, VOP_OPTION, rc);
	res_hex(b, "sw_msi_start", start);
	res_u64(b, "sw_msi_size_mb", size);
	res_text(b, "sw msi window 0x%llx, %llu MB", (unsigned long long)start, (unsigned long long)size);
	return 0;
}

/*
 * option rlimit-mode [user|process]: read, or set, how the iommufd charges
 * pinned pages to RLIMIT_MEMLOCK. KubeVirt's iommufd device plugin sets
 * "process" before it hands the iommufd to the VMM, so that the VMM's own
 * limit counts; the kernel takes it only on an iommufd that holds nothing.
 */
static int option_rlimit_mode(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	uint64_t mode = 0;
	int rc = batch_need_iommufd(b);

	if (rc)
		return rc;
	if (argc) {
		if (!strcmp(argv[0], "user"))
			mode = VFIO_RLIMIT_USER;
		else if (!strcmp(argv[0], "process"))
			mode = VFIO_RLIMIT_PROCESS;
		else
			return batch_refuse(b, -EUSAGE, "write 'option rlimit-mode user' or 'option rlimit-mode "
					    "process'", "'%s': not an accounting mode", argv[0]);
		rc = vfio_rlimit_mode(b->iommufd, true, &mode);
		if (rc == -EOPNOTSUPP || rc == -ENOTTY)
			return batch_refuse(b, -EOPNOTSUPP, "leave the line out: this kernel charges pinned "
					    "memory to the user", "this kernel has no IOMMU_OPTION_RLIMIT_MODE (%s)",
					    vfio_errno_name(rc));
		if (rc)
			return batch_fail_op(b, VOP_RLIMIT_MODE, rc);
	}
	/* what the kernel holds now */
	rc = vfio_rlimit_mode(b->iommufd, false, &mode);
	if (rc)
		return batch_fail_op(b, VOP_RLIMIT_MODE, rc);
	res_str(b, "rlimit_mode", vfio_rlimit_mode_name(mode));
	res_text(b, "RLIMIT_MEMLOCK accounting per %s", mode == VFIO_RLIMIT_PROCESS ? "process" : "user");
	return 0;
}

static const struct argp_option sw_msi_options[] = {
	{ "start", BO_START, "ADDR", 0, "software MSI window start", 0 },
	{ "size", BO_SIZE, "MB", 0, "software MSI window size in MB", 0 },
	{ 0 }
};

static const struct cli_verb option_verbs[] = {
	{
		.name = "sw-msi",
		.summary = "set a bound device's software MSI window (the proposed IOMMU_OPTION_SW_MSI_*)",
		.args_doc = "DEV",
		.options = sw_msi_options,
		.min_args = 1,
		.max_args = 1,
		.run = option_sw_msi,
		BATCH_VERB,
	},
	{
		.name = "rlimit-mode",
		.summary = "show or set how the iommufd charges pinned memory (IOMMU_OPTION_RLIMIT_MODE)",
		.args_doc = "[user|process]",
		.doc = "user: to the user's RLIMIT_MEMLOCK (the kernel's default); process: to the "
		       "process that maps, as KubeVirt sets it before handing the iommufd to a VMM. "
		       "Setting needs CAP_SYS_RESOURCE and an iommufd that holds no IOAS, HWPT or "
		       "bound device yet: put it first.",
		.min_args = 0,
		.max_args = 1,
		.run = option_rlimit_mode,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_option = {
	.name = "option",
	.summary = "iommufd options (IOMMU_OPTION)",
	.flags = CLI_BATCH_ONLY,
	.verbs = option_verbs,
};

/* What holds o, from the run's own records: devices attached, HWPTs made on it, vDEVICEs. */
static int destroy_refused(struct cli_batch *b, struct bobj *o, int err)
{
	struct strv users = { 0 }, undo = { 0 };
	char *ctxt = NULL, *fix = NULL, *t;
	int rc;

	for (size_t i = 0; i < b->nobjs; i++) {
		struct bobj *x = b->objs[i];

		if (!x->live || x->on != o)
			continue;
		strv_push_owned(&users, x->kind == BK_DEVICE ?
				xasprintf("device '%s' is attached to it (line %u)", x->name, x->on_line) :
				xasprintf("%s '%s' was made on it (line %u)", bkind_name[x->kind], x->name, x->line));
		strv_push_owned(&undo, x->kind == BK_DEVICE ? xasprintf("'device detach %s'", x->name) :
				xasprintf("'destroy %s'", x->name));
	}
	if (users.n) {
		ctxt = strv_join(&users, ", ");
		t = strv_join(&undo, ", ");
		fix = xasprintf("first %s", t);
		free(t);
	}
	rc = batch_fail_opx(b, VOP_DESTROY, err, ctxt, fix);
	strv_free(&users);
	strv_free(&undo);
	free(ctxt);
	free(fix);
	return rc;
}

static int destroy(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bobj *o;
	int rc = batch_obj_ref(b, argv[0], 1u << BK_IOAS | 1u << BK_HWPT | 1u << BK_DEVICE |
			       1u << BK_VIOMMU | 1u << BK_VDEVICE, &o);

	if (rc)
		return rc;
	if (o->kind == BK_DEVICE) {
		batch_obj_close(b, o);         /* closing the cdev unbinds it */
	} else {
		rc = vfio_destroy(b->iommufd, o->id);
		if (rc)
			return destroy_refused(b, o, rc);
		batch_obj_gone(b, o);
	}
	res_text(b, "%s destroyed", o->name);
	return 0;
}

static const struct cli_verb destroy_command = {
	.name = "OBJ",
	.summary = "destroy an IOAS, HWPT, vIOMMU or vDEVICE, or close a bound device",
	.args_doc = "OBJ",
	.min_args = 1,
	.max_args = 1,
	.run = destroy,
	BATCH_VERB,
};

const struct cli_object cli_object_destroy = {
	.name = "destroy",
	.summary = "destroy an IOAS, HWPT, vIOMMU or vDEVICE, close a bound device",
	.flags = CLI_BATCH_ONLY,
	.verbs = no_verbs,
	.fallback = &destroy_command,
};
