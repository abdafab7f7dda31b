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
			return err_report(b->ctx, -EUSAGE, "'%s': expected START-LAST or START+SIZE", argv[i]);
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
		free(rg);
		return batch_fail_op(b, VOP_ALLOW_IOVAS, rc);
	}
	res_ranges(b, "allowed", rg, n);
	free(rg);
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
		return batch_fail_op(b, VOP_IOAS_MAP, rc);
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
		return err_report(ctx, -EUSAGE, "size=%llu: not a positive multiple of 4096", (unsigned long long)len);
	if ((fixed = batch_num(b, "iova", bo->iova, false, &iova)) < 0)
		return fixed;
	if ((hf = batch_num(b, "fill", bo->fill, false, &fill)) < 0)
		return hf;
	if (!hf && fill > 0xff)
		return err_report(ctx, -EUSAGE, "fill=%llu: a byte (0..255)", (unsigned long long)fill);
	rc = vfio_memfd_alloc(len, (int)fill, &mfd, &va);
	if (rc)
		return batch_fail_op(b, VOP_MEMFD, rc);
	rc = vfio_ioas_map_file(b->iommufd, o->id, mfd, 0, len, fixed == 0, !bo->readonly, &iova);
	if (rc) {
		vfio_buffer_free(va, len);
		close(mfd);
		return batch_fail_op(b, VOP_IOAS_MAP_FILE, rc);
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
		return err_report(ctx, -ENOENT, "no device %s", argv[0]);
	if (!d->vfio_cdevs.n)
		return batch_fail_op(b, VOP_OPEN_CDEV, -ENOENT);
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
		return err_report(b->ctx, -EUSAGE, "PASID '%s': expected 0..0xfffff", s);
	*pasid = (int64_t)v;
	return 0;
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
		return err_report(b->ctx, -EUSAGE,
				  "'%s' was opened through its group: it is attached with 'group add'", dev);
	rc = vfio_device_attach(d->fd, pt, pasid, &out);
	if (rc)
		return batch_fail_op(b, pasid >= 0 ? VOP_ATTACH_PASID : VOP_ATTACH, rc);
	res_u64(b, "pt_id", out);
	if (pasid >= 0)
		res_u64(b, "pasid_number", (uint64_t)pasid);
	res_text(b, "attached%s to %s; HWPT ID %u", pasid >= 0 ? " (PASID)" : "", pt_name, out);
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
		return batch_fail_op(b, VOP_DETACH, rc);
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
		return err_report(b->ctx, -EUSAGE, "type=%s: arm-smmuv3, tegra241-cmdqv or a number", s);
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
		return err_report(ctx, -EUSAGE, "'%s' was opened through its group: a vDEVICE needs a bound cdev",
				  argv[1]);
	rc = vfio_vdevice_alloc(b->iommufd, v->id, d->id, virt, &id);
	if (rc)
		return batch_fail_op(b, VOP_VDEVICE_ALLOC, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_VDEVICE, id, &o))) {
		vfio_destroy(b->iommufd, id);
		return rc;
	}
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
		return err_report(ctx, -EOPNOTSUPP, "this kernel has no IOMMU_OPTION_SW_MSI_START/SIZE "
				  "(%s; proposed upstream in 2025, not mainline)", vfio_errno_name(rc));
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
			return err_report(ctx, -EUSAGE, "'%s': the mode is user or process", argv[0]);
		rc = vfio_rlimit_mode(b->iommufd, true, &mode);
		if (rc == -EOPNOTSUPP || rc == -ENOTTY)
			return err_report(ctx, -EOPNOTSUPP, "this kernel has no IOMMU_OPTION_RLIMIT_MODE (%s)",
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
			return batch_fail_op(b, VOP_DESTROY, rc);
		o->live = false;
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
