/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of the last apply (applied.json, see apply.h) read back as
 * untrusted input: bounded in size, a regular file only, every member
 * checked for its type and range, an address or driver name that is not
 * one refused, so that --check never acts on what it was not given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/apply.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "core/dlib_jsonc.h"
#include "core/util.h"

void apply_record_free(struct apply_record *rec)
{
	for (size_t i = 0; i < rec->ngroups; i++) {
		struct apply_rec_group *g = &rec->groups[i];

		free(g->key);
		free(g->driver);
		free(g->type);
		for (size_t k = 0; k < g->ndevs; k++) {
			free(g->devs[k].addr);
			free(g->devs[k].driver);
		}
		free(g->devs);
		for (size_t k = 0; k < g->nresv; k++)
			free(g->resv[k].type);
		free(g->resv);
	}
	free(rec->groups);
	free(rec->kernel_release);
	free(rec->source);
	memset(rec, 0, sizeof(*rec));
}

static json_object *jget(json_object *o, const char *key, json_type t)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

/* A string or null member: 0 (*out NULL for null or absent), -1 for another type or a long string. */
static int jstr(json_object *o, const char *key, char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) > 255)
		return -1;
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

static int jnum(json_object *o, const char *key, uint64_t max, uint64_t *out)
{
	json_object *v = jget(o, key, json_type_int);
	int64_t n;

	if (!v)
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || (uint64_t)n > max)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

/* "0x..." as written for 64-bit addresses */
static int jhex(json_object *o, const char *key, uint64_t *out)
{
	json_object *v = jget(o, key, json_type_string);

	if (!v || parse_u64_base(json_object_get_string(v), 16, out))
		return -1;
	return 0;
}

static bool addr_ok(const char *s)
{
	struct pci_addr pa;
	char canon[16];

	if (!s || pci_addr_parse(s, &pa))
		return false;
	pci_addr_format(&pa, canon, sizeof(canon));
	return !strcmp(canon, s);
}

static int rec_group_parse(json_object *jg, struct apply_rec_group *g)
{
	json_object *devs = jget(jg, "devices", json_type_array), *resv = jget(jg, "reserved_regions", json_type_array);
	uint64_t n;

	if (!devs || !resv || jstr(jg, "key", &g->key) || !addr_ok(g->key) || jnum(jg, "group", UINT32_MAX, &n) ||
	    jstr(jg, "driver", &g->driver) || !g->driver || !claim_name_valid(g->driver) ||
	    jstr(jg, "type", &g->type) || (g->type && !domtype_word_valid(g->type)))
		return -1;
	g->group = (unsigned)n;
	if (json_object_array_length(devs) > INV_MAX_MEMBERS || json_object_array_length(resv) > 4096)
		return -1;
	g->devs = xcalloc(json_object_array_length(devs) + 1, sizeof(*g->devs));
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		json_object *jd = json_object_array_get_idx(devs, i);
		struct apply_rec_dev *d = &g->devs[g->ndevs++];
		uint64_t ven, dev, sv, sd, cls;

		if (!json_object_is_type(jd, json_type_object) || jstr(jd, "address", &d->addr) || !addr_ok(d->addr) ||
		    jnum(jd, "vendor", 0xffff, &ven) || jnum(jd, "device", 0xffff, &dev) ||
		    jnum(jd, "subsystem_vendor", 0xffff, &sv) || jnum(jd, "subsystem_device", 0xffff, &sd) ||
		    jnum(jd, "class", 0xffffff, &cls) || jstr(jd, "driver", &d->driver) ||
		    (d->driver && !claim_name_valid(d->driver)))
			return -1;
		d->vendor = ven, d->device = dev, d->subsys_vendor = sv, d->subsys_device = sd;
		d->class_code = (uint32_t)cls;
	}
	g->resv = xcalloc(json_object_array_length(resv) + 1, sizeof(*g->resv));
	for (size_t i = 0; i < json_object_array_length(resv); i++) {
		json_object *jr = json_object_array_get_idx(resv, i);
		struct inv_resv *r = &g->resv[g->nresv++];

		if (!json_object_is_type(jr, json_type_object) || jhex(jr, "start", &r->start) ||
		    jhex(jr, "end", &r->end) || jstr(jr, "type", &r->type) || !r->type)
			return -1;
	}
	return 0;
}

int apply_record_read(const char *path, struct apply_record *rec, char **why)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	json_object *root = NULL, *groups, *v;
	struct json_tokener *tok;
	char *buf = NULL;
	size_t got = 0, cap;
	struct stat st;
	uint64_t n;
	int err = 0;

	memset(rec, 0, sizeof(*rec));
	*why = NULL;
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			*why = xasprintf("cannot read the record %s: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > APPLY_RECORD_MAX) {
		*why = xasprintf("the record %s is not a regular file of at most 16 MiB: it is not iommuctl's; "
				 "remove it", path);
		close(fd);
		return -EBADMSG;
	}
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap + 1);
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!err && got == cap)
		err = -EBUSY;
	if (err) {
		*why = xasprintf("cannot read the record %s: %s", path,
				 err == -EBUSY ? "it changed while it was read" : strerror(-err));
		free(buf);
		return err;
	}
	buf[got] = 0;
	err = dlib_load(DLIB_JSONC);
	if (err) {
		*why = xstrdup(dlib_error() ? dlib_error() : strerror(-err));
		free(buf);
		return err;
	}
	tok = json_tokener_new_ex(32);
	if (tok) {
		root = json_tokener_parse_ex(tok, buf, (int)got);
		if (json_tokener_get_error(tok) != json_tokener_success || tok->char_offset != (int)got) {
			json_object_put(root);
			root = NULL;
		}
		json_tokener_free(tok);
	}
	free(buf);
	err = -EBADMSG;
	if (!root || !json_object_is_type(root, json_type_object))
		goto bad;
	v = jget(root, "format", json_type_string);
	if (!v || strcmp(json_object_get_string(v), APPLY_RECORD_FORMAT) || jnum(root, "version", 1000, &n))
		goto bad;
	if (n != APPLY_RECORD_VERSION) {
		*why = xasprintf("the record %s is version %llu; this iommuctl reads version %d", path,
				 (unsigned long long)n, APPLY_RECORD_VERSION);
		json_object_put(root);
		return -EBADMSG;
	}
	groups = jget(root, "groups", json_type_array);
	if (!groups || json_object_array_length(groups) > 65536 || jstr(root, "kernel_release", &rec->kernel_release) ||
	    jstr(root, "source", &rec->source))
		goto bad;
	v = jget(root, "updated", json_type_int);
	rec->updated = v ? json_object_get_int64(v) : 0;
	rec->groups = xcalloc(json_object_array_length(groups) + 1, sizeof(*rec->groups));
	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		json_object *jg = json_object_array_get_idx(groups, i);

		rec->ngroups++;
		if (!json_object_is_type(jg, json_type_object) || rec_group_parse(jg, &rec->groups[i]))
			goto bad;
	}
	json_object_put(root);
	return 0;
bad:
	json_object_put(root);
	apply_record_free(rec);
	*why = xasprintf("the record %s is not an iommuctl apply record (format %s, version %d): "
			 "check it and remove it", path, APPLY_RECORD_FORMAT, APPLY_RECORD_VERSION);
	return err;
}

