/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the batch language (cli/batch*.c): the objects a run holds across
 * its lines (IOAS, HWPT, devices, groups, maps, registered memory, DMA
 * windows), the kernel handles it opened, and what the language's verbs
 * share: their options, object lookup, the line's result. The verbs are
 * ordinary struct cli_verb rows; they find their run through ctx->batch.
 */
#ifndef IOMMUCTL_CLI_BATCH_H
#define IOMMUCTL_CLI_BATCH_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>

#include "backends/sysfs/inventory.h"
#include "backends/vfio/vfio.h"
#include "core/util.h"

struct iommuctl_ctx;

enum bkind { BK_IOAS, BK_HWPT, BK_DEVICE, BK_MAP, BK_GROUP, BK_MEM, BK_WINDOW, BK_VIOMMU, BK_VDEVICE };

extern const char *const bkind_name[];

struct bobj {
	char *name;
	enum bkind kind;
	bool live;
	uint32_t id;              /* kernel object ID (ioas, hwpt), device ID, group number */
	int fd;                   /* device or group fd, a map-file map's memfd, -1 */
	char *addr;               /* device address */
	char *path;               /* the node opened: a device's cdev, a group's /dev/vfio/N */
	bool handed;              /* sent to another process (send): shared, not undone at the end */
	bool legacy;              /* device opened through its group; map in the container */
	uint32_t ioas;            /* map: the IOAS (iommufd maps) */
	void *va;                 /* map, mem: the buffer */
	uint64_t iova, len;       /* window: iova is its bus address, len its size */
	bool borrowed;            /* map: va belongs to a registered mem (SPAPR) */
	uint32_t page_shift, levels;   /* window */
	unsigned line, gone;      /* the batch lines that made it and (0: live) that ended it */
	struct vfio_range *allowed;    /* ioas: the ranges its last allow-iovas set, on allowed_line */
	size_t nallowed;
	unsigned allowed_line;
	struct bobj *on;          /* device: the IOAS or HWPT attached to (on_line); hwpt, viommu,
	                           * vdevice: the object it was made on */
	unsigned on_line;
};

/* One run of `iommuctl batch`: ctx->batch while its lines run. */
struct cli_batch {
	struct iommuctl_ctx *ctx;
	int iommufd;
	int container;
	bool container_ready;     /* VFIO_SET_IOMMU done */
	bool spapr;               /* the container's model is SPAPR TCE (v1 or v2) */
	const char *container_type;   /* its model's name once set ("type1v2") */
	bool container_handed;    /* the container was sent to another process */
	struct bobj **objs;       /* pointers: an object's address stays valid as others are added */
	size_t nobjs;
	bool inv_loaded;          /* for the line running: the machine changes between lines */
	struct inventory inv;
	unsigned int nmaps, nmems, nwindows;
	struct strv text;         /* the line's text summary, after its status */
	unsigned lineno;          /* the line running */
};

/*
 * The options of the language's verbs: one struct and one parser for all,
 * each verb listing the rows it takes. Written as the language has them
 * (size=N, readonly) or as options (--size=N, --readonly).
 */
struct bopts {
	const char *name, *size, *iova, *mem, *pasid, *start, *page_shift, *levels;
	const char *type, *virt_id, *fill;
	bool readonly, pasid_hwpt, nest_parent, dirty;
};

enum {
	BO_NAME = 0x600, BO_SIZE, BO_IOVA, BO_MEM, BO_PASID, BO_START, BO_PAGE_SHIFT, BO_LEVELS,
	BO_READONLY, BO_PASID_HWPT, BO_NEST_PARENT, BO_DIRTY, BO_TYPE, BO_VIRT_ID, BO_FILL,
};

#define BOPT_NAME     { "name", BO_NAME, "NAME", 0, "name the new object (default: its kind and a number)", 0 }
#define BOPT_READONLY { "readonly", BO_READONLY, NULL, 0, "the device may only read the buffer", 0 }

error_t batch_opt_parse(int key, char *arg, struct argp_state *state);

/*
 * A verb row of the language: its options' parser and struct; a batch
 * line that drives the running kernel (so the dispatcher refuses it on -F
 * and --sysfs-root, where the run's other lines read what those name).
 */
#define BATCH_VERB .parser = batch_opt_parse, .opts_size = sizeof(struct bopts), \
		   .flags = CLI_BATCH_ONLY | CLI_LIVE

/* The run the line belongs to (the dispatcher runs the language's verbs only in one). */
struct cli_batch *batch_of(struct iommuctl_ctx *ctx);

/*
 * The line's result: JSON members of its "output" (nothing in text; keys
 * of the vocabulary, docs/json/README.md), and the parts of its text
 * summary ("; "-joined after its status).
 */
void res_str(struct cli_batch *b, const char *key, const char *val);
void res_u64(struct cli_batch *b, const char *key, uint64_t v);
void res_hex(struct cli_batch *b, const char *key, uint64_t v);
void res_bool(struct cli_batch *b, const char *key, bool v);
void res_strv(struct cli_batch *b, const char *key, const struct strv *sv);
__attribute__((format(printf, 2, 3)))
void res_text(struct cli_batch *b, const char *fmt, ...);
void res_ranges(struct cli_batch *b, const char *key, const struct vfio_range *rg, size_t n);

/*
 * A failed ioctl, reported: "OP: ERRNO: what the kernel meant; fix: what to
 * do" (vfio_explain, vfio_fix); returns err.
 */
int batch_fail_op(struct cli_batch *b, enum vfio_op op, int err);
/*
 * Same, with what this run knows of it after the explanation (NULL: none)
 * and a fix of its own (NULL: vfio_fix's).
 */
int batch_fail_opx(struct cli_batch *b, enum vfio_op op, int err, const char *context, const char *fix);
/* A refusal of the language's own, with its fix: err_fixed. */
__attribute__((format(printf, 4, 5)))
int batch_refuse(struct cli_batch *b, int err, const char *fix, const char *fmt, ...);
/* "'ioas unmap IOAS [MAP] [iova=ADDR] [size=N]'": how the running line is written (static). */
const char *batch_usage(struct cli_batch *b);
/* A number option: 0 and *v; 1 when absent and not required; -EUSAGE (reported). */
int batch_num(struct cli_batch *b, const char *key, const char *s, bool required, uint64_t *v);

/* ---- held objects ---- */

struct bobj *batch_obj_find(struct cli_batch *b, const char *name);
/* The live object name of one of kinds (a mask of 1u << BK_*), or a reported error. */
int batch_obj_ref(struct cli_batch *b, const char *name, unsigned kinds, struct bobj **o);
/* A new object named name (NULL: kind and a number), reported in the result. */
int batch_obj_new(struct cli_batch *b, const char *name, enum bkind kind, uint32_t id,
		  struct bobj **o);
/* Close a device or group object (a map: its buffer freed); it is no longer live. */
void batch_obj_close(struct cli_batch *b, struct bobj *o);
/* A map's buffer freed (unless it belongs to registered memory); no longer live. */
void batch_map_forget(struct cli_batch *b, struct bobj *m);
/* o is no longer live: the running line ended it. */
void batch_obj_gone(struct cli_batch *b, struct bobj *o);
/* The IOAS object whose kernel ID is id, or NULL. */
struct bobj *batch_ioas_of(struct cli_batch *b, uint32_t id);
/* " m1 0x200000-0x203fff (line 4), m2 ..." of the live maps of IOAS io (NULL: the container's). */
char *batch_maps_text(struct cli_batch *b, const struct bobj *io, uint64_t first, uint64_t last);
/* The first of those maps, or NULL. */
struct bobj *batch_map_in(struct cli_batch *b, const struct bobj *io, uint64_t first, uint64_t last);

/* What the language opens on first use: the iommufd, the legacy container, the inventory. */
int batch_need_iommufd(struct cli_batch *b);
int batch_need_container(struct cli_batch *b);
int batch_need_inventory(struct cli_batch *b);

/* A buffer of size bytes (size=N, a multiple of 4096) for a map. */
int batch_map_buffer(struct cli_batch *b, const char *size, uint64_t *len, void **va);
/* ioas unmap / dma unmap: MAP, or iova= and size=; io NULL: the container. */
int batch_unmap(struct cli_batch *b, struct bobj *io, const char *map, const struct bopts *o);

/* device open (legacy, through its group): a row of the device verbs. */
int batch_device_open(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv);

/*
 * A batch line's words (blanks separate, quotes group, # comments), at most
 * BATCH_MAX_WORDS; -EUSAGE with a reason in *why. Exposed for the fuzzer.
 */
#define BATCH_MAX_WORDS 4096
int batch_split_words(const char *line, struct strv *out, const char **why);

#endif
