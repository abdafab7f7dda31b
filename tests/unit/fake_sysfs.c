/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fake machine of fake_sysfs.h: a temporary directory laid out like
 * /sys, /proc and /dev, read through view_root, with a write_file that
 * models what the kernel does on the writes the claim and type engines make.
 * Included by the test programs that use it (the Makefile builds each
 * tests/unit/test_*.c on its own).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/util.h"
#include "core/view.h"
#include "fake_sysfs.h"

struct fake_dev {
	char *addr;
	char *dir;        /* view path of the device directory */
	int group;
	char *native;
};

struct fake_drv {
	char *name;
	bool refuse;
};

struct fake_sysfs {
	struct view view;          /* first: the view handed out */
	struct view *inner;        /* view_root over root */
	char root[64];
	struct fake_dev *devs;
	size_t ndevs;
	struct fake_drv *drvs;
	size_t ndrvs;
	unsigned int writes, fail_at, armed_base;
	int fail_err;
	bool owner_cnt_rule;
	struct fake_rule {
		char *path;
		int err;
		char *gone;
	} *rules;
	size_t nrules;
};

static struct fake_sysfs *to_fake(struct view *v)
{
	return (struct fake_sysfs *)v;
}

static void die(const char *what)
{
	perror(what);
	abort();
}

static char *host(struct fake_sysfs *fs, const char *vpath)
{
	return xasprintf("%s%s", fs->root, vpath);
}

static void mkdirs_host(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	free(p);
}

static void parent_host(const char *path)
{
	char *p = xstrdup(path);

	*strrchr(p, '/') = '\0';
	mkdirs_host(p);
	free(p);
}

void fake_file(struct fake_sysfs *fs, const char *path, const char *content)
{
	char *h = host(fs, path);
	FILE *f;

	parent_host(h);
	unlink(h);
	f = fopen(h, "w");
	if (!f)
		die(h);
	fputs(content, f);
	fclose(f);
	free(h);
}

void fake_file_bytes(struct fake_sysfs *fs, const char *path, const void *buf, size_t len)
{
	char *h = host(fs, path);
	FILE *f;

	parent_host(h);
	unlink(h);
	f = fopen(h, "w");
	if (!f || fwrite(buf, 1, len, f) != len)
		die(h);
	fclose(f);
	free(h);
}

/* A relative link from view path `path` to view path `target`, as sysfs makes them. */
void fake_link(struct fake_sysfs *fs, const char *path, const char *target)
{
	char *h = host(fs, path), *rel;
	const char *p = path + 1, *t = target + 1;
	struct strv up = { 0 };
	size_t common = 0, i = 0;

	/* length of the common leading directories */
	while (p[i] && p[i] == t[i]) {
		if (p[i] == '/')
			common = i + 1;
		i++;
	}
	rel = xstrdup("");
	for (const char *s = p + common; *s; s++)
		if (*s == '/') {
			char *n = xasprintf("%s../", rel);

			free(rel);
			rel = n;
		}
	{
		char *n = xasprintf("%s%s", rel, t + common);

		free(rel);
		rel = n;
	}
	parent_host(h);
	unlink(h);
	if (symlink(rel, h))
		die(h);
	strv_free(&up);
	free(rel);
	free(h);
}

void fake_remove(struct fake_sysfs *fs, const char *path)
{
	char *h = host(fs, path);

	unlink(h);
	free(h);
}

static bool host_exists(struct fake_sysfs *fs, const char *path)
{
	char *h = host(fs, path);
	struct stat st;
	bool ok = lstat(h, &st) == 0;

	free(h);
	return ok;
}

static char *read_host(struct fake_sysfs *fs, const char *path)
{
	char *buf = NULL;
	size_t len;

	if (view_read_file(fs->inner, path, &buf, &len))
		return NULL;
	return str_rstrip(buf);
}

static struct fake_dev *dev_find(struct fake_sysfs *fs, const char *addr)
{
	for (size_t i = 0; i < fs->ndevs; i++)
		if (!strcmp(fs->devs[i].addr, addr))
			return &fs->devs[i];
	return NULL;
}

static struct fake_drv *drv_find(struct fake_sysfs *fs, const char *name)
{
	for (size_t i = 0; i < fs->ndrvs; i++)
		if (!strcmp(fs->drvs[i].name, name))
			return &fs->drvs[i];
	return NULL;
}

/* driver of a device, or NULL (malloc'd) */
static char *dev_driver(struct fake_sysfs *fs, const struct fake_dev *d)
{
	char *link = xasprintf("%s/driver", d->dir), *name = NULL;

	if (view_link_name(fs->inner, &name, "%s", link))
		name = NULL;
	free(link);
	return name;
}

static char *dev_override(struct fake_sysfs *fs, const struct fake_dev *d)
{
	char *path = xasprintf("%s/driver_override", d->dir), *s = read_host(fs, path);

	free(path);
	if (s && !strcmp(s, "(null)")) {
		free(s);
		s = NULL;
	}
	return s;
}

static bool driver_managed(const char *drv)
{
	return !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub") || !strcmp(drv, "pcieport");
}

static void vfio_node_update(struct fake_sysfs *fs, int group)
{
	char *node = xasprintf("/dev/vfio/%d", group);
	bool any = false;

	for (size_t i = 0; i < fs->ndevs; i++) {
		char *drv;

		if (fs->devs[i].group != group)
			continue;
		drv = dev_driver(fs, &fs->devs[i]);
		any |= drv && !strcmp(drv, "vfio-pci");
		free(drv);
	}
	if (any && !host_exists(fs, node))
		fake_file(fs, node, "");
	else if (!any)
		fake_remove(fs, node);
	free(node);
}

static void do_bind(struct fake_sysfs *fs, struct fake_dev *d, const char *drv)
{
	char *p1 = xasprintf("%s/driver", d->dir);
	char *p2 = xasprintf("/sys/bus/pci/drivers/%s/%s", drv, d->addr);
	char *t1 = xasprintf("/sys/bus/pci/drivers/%s", drv);

	fake_link(fs, p1, t1);
	fake_link(fs, p2, d->dir);
	free(p1);
	free(p2);
	free(t1);
	vfio_node_update(fs, d->group);
}

static void do_unbind(struct fake_sysfs *fs, struct fake_dev *d, const char *drv)
{
	char *p1 = xasprintf("%s/driver", d->dir);
	char *p2 = xasprintf("/sys/bus/pci/drivers/%s/%s", drv, d->addr);

	fake_remove(fs, p1);
	fake_remove(fs, p2);
	free(p1);
	free(p2);
	vfio_node_update(fs, d->group);
}

/* the kernel's driver_match_device for PCI: driver_override wins, else the id table */
static bool matches(struct fake_sysfs *fs, struct fake_dev *d, const char *drv)
{
	char *ovr = dev_override(fs, d);
	bool ok;

	if (ovr)
		ok = !strcmp(ovr, drv);
	else
		ok = d->native && !strcmp(d->native, drv);
	free(ovr);
	return ok;
}

static int fake_write(struct view *v, const char *path, const char *buf, size_t len)
{
	struct fake_sysfs *fs = to_fake(v);
	char *val = xstrndup(buf, len), name[256], addr[64];
	struct fake_dev *d;
	unsigned int grp;
	int err = 0;

	fs->writes++;
	if (fs->fail_at && fs->writes - fs->armed_base == fs->fail_at) {
		free(val);
		return -fs->fail_err;
	}
	if (len && val[len - 1] == '\n')
		val[len - 1] = '\0';

	if (sscanf(path, "/sys/bus/pci/devices/%63[^/]/%255s", addr, name) == 2 &&
	    !strcmp(name, "driver_override")) {
		char *file, *content;

		d = dev_find(fs, addr);
		if (!d) {
			err = -ENODEV;
			goto out;
		}
		file = xasprintf("%s/driver_override", d->dir);
		content = xasprintf("%s\n", val[0] ? val : "(null)");
		fake_file(fs, file, content);
		free(file);
		free(content);
	} else if (sscanf(path, "/sys/bus/pci/drivers/%255[^/]/%63s", name, addr) == 2 &&
		   (!strcmp(addr, "unbind") || !strcmp(addr, "bind"))) {
		bool unbind = !strcmp(addr, "unbind");
		struct fake_drv *drv = drv_find(fs, name);
		char *cur;

		d = dev_find(fs, val);
		if (!drv || !d) {
			err = -ENODEV;
			goto out;
		}
		cur = dev_driver(fs, d);
		if (unbind) {
			if (!cur || strcmp(cur, name))
				err = -ENODEV;
			else
				do_unbind(fs, d, name);
		} else if (cur) {
			err = -EBUSY;
		} else if (drv->refuse || !matches(fs, d, name)) {
			err = -ENODEV;
		} else {
			do_bind(fs, d, name);
		}
		free(cur);
	} else if (!strcmp(path, "/sys/bus/pci/drivers_probe")) {
		char *cur, *ovr;

		d = dev_find(fs, val);
		if (!d) {
			err = -ENODEV;
			goto out;
		}
		cur = dev_driver(fs, d);
		ovr = dev_override(fs, d);
		if (!cur) {
			const char *want = ovr ? ovr : d->native;
			struct fake_drv *drv = want ? drv_find(fs, want) : NULL;

			if (drv && !drv->refuse)
				do_bind(fs, d, want);
		}
		free(cur);
		free(ovr);
	} else if (sscanf(path, "/sys/kernel/iommu_groups/%u/type", &grp) == 1) {
		char *tpath = xasprintf("/sys/kernel/iommu_groups/%u/type", grp);
		char *cur = read_host(fs, tpath), *content;
		const char *set = val;

		if (strcmp(val, "DMA") && strcmp(val, "DMA-FQ") && strcmp(val, "identity") &&
		    strcmp(val, "auto")) {
			err = -EINVAL;
		} else if (!(cur && !strcmp(cur, "DMA") && !strcmp(val, "DMA-FQ"))) {
			for (size_t i = 0; i < fs->ndevs && !err; i++) {
				char *drv;

				if (fs->devs[i].group != (int)grp)
					continue;
				drv = dev_driver(fs, &fs->devs[i]);
				if (drv && (!fs->owner_cnt_rule || !driver_managed(drv)))
					err = fs->owner_cnt_rule ? -EPERM : -EBUSY;
				free(drv);
			}
		}
		if (!err) {
			if (!strcmp(set, "auto"))
				set = "DMA";
			content = xasprintf("%s\n", set);
			fake_file(fs, tpath, content);
			free(content);
		}
		free(cur);
		free(tpath);
	} else {
		err = fs->inner->ops->write_file(fs->inner, path, buf, len);
	}
out:
	free(val);
	return err;
}

static void rm_rf(const char *path);

/* The read rule of path, if any. */
static const struct fake_rule *rule_of(struct fake_sysfs *fs, const char *path)
{
	for (size_t i = 0; i < fs->nrules; i++)
		if (!strcmp(fs->rules[i].path, path))
			return &fs->rules[i];
	return NULL;
}

/* After a read that succeeded: what the rule removes goes away. */
static int rule_after(struct fake_sysfs *fs, const struct fake_rule *r, int err)
{
	if (!err && r && r->gone) {
		char *h = host(fs, r->gone);

		rm_rf(h);
		unlink(h);
		free(h);
	}
	return err;
}

static int fwd_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	struct view *in = to_fake(v)->inner;
	const struct fake_rule *r = rule_of(to_fake(v), path);

	if (r && r->err)
		return -r->err;
	return rule_after(to_fake(v), r, in->ops->read_file(in, path, buf, len));
}

static int fwd_read_link(struct view *v, const char *path, char **target)
{
	struct view *in = to_fake(v)->inner;
	const struct fake_rule *r = rule_of(to_fake(v), path);

	if (r && r->err)
		return -r->err;
	return rule_after(to_fake(v), r, in->ops->read_link(in, path, target));
}

static int fwd_list_dir(struct view *v, const char *path, struct strv *names)
{
	struct view *in = to_fake(v)->inner;
	const struct fake_rule *r = rule_of(to_fake(v), path);

	if (r && r->err)
		return -r->err;
	return rule_after(to_fake(v), r, in->ops->list_dir(in, path, names));
}

void fake_read_rule(struct fake_sysfs *fs, const char *path, int err, const char *gone)
{
	struct fake_rule *r;

	fs->rules = xrealloc(fs->rules, (fs->nrules + 1) * sizeof(*fs->rules));
	r = &fs->rules[fs->nrules++];
	r->path = xstrdup(path);
	r->err = err;
	r->gone = gone ? xstrdup(gone) : NULL;
}

void fake_rawlink(struct fake_sysfs *fs, const char *path, const char *target)
{
	char *h = host(fs, path);

	parent_host(h);
	unlink(h);
	if (symlink(target, h))
		die(h);
	free(h);
}

static int fwd_kind(struct view *v, const char *path, enum view_kind *kind)
{
	struct view *in = to_fake(v)->inner;

	return in->ops->kind(in, path, kind);
}

static void fake_destroy(struct view *v)
{
	/* the test owns the fake: fake_free() */
}

static const struct view_ops fake_ops = {
	.name = "fake-sysfs",
	.read_file = fwd_read_file,
	.read_link = fwd_read_link,
	.list_dir = fwd_list_dir,
	.kind = fwd_kind,
	.write_file = fake_write,
	.destroy = fake_destroy,
};

struct fake_sysfs *fake_new(void)
{
	struct fake_sysfs *fs = xcalloc(1, sizeof(*fs));

	snprintf(fs->root, sizeof(fs->root), "/tmp/iommuctl-fake.XXXXXX");
	if (!mkdtemp(fs->root))
		die("mkdtemp");
	if (view_root_new(fs->root, NULL, &fs->inner))
		die("view_root_new");
	fs->view.ops = &fake_ops;
	fake_file(fs, "/sys/bus/pci/drivers_probe", "");
	fake_file(fs, "/sys/bus/pci/rescan", "");
	fake_file(fs, "/dev/vfio/vfio", "");
	fake_file(fs, "/proc/self/status", "Name:\tiommuctl\nUid:\t0\t0\t0\t0\n"
		  "CapEff:\t000001ffffffffff\n");
	fake_file(fs, "/proc/sys/kernel/osrelease", "6.12.0-fake\n");
	return fs;
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d))) {
			char *p;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			p = xasprintf("%s/%s", path, de->d_name);
			if (de->d_type == DT_DIR)
				rm_rf(p);
			else
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(path);
}

void fake_free(struct fake_sysfs *fs)
{
	if (!fs)
		return;
	rm_rf(fs->root);
	view_free(fs->inner);
	for (size_t i = 0; i < fs->ndevs; i++) {
		free(fs->devs[i].addr);
		free(fs->devs[i].dir);
		free(fs->devs[i].native);
	}
	for (size_t i = 0; i < fs->ndrvs; i++)
		free(fs->drvs[i].name);
	for (size_t i = 0; i < fs->nrules; i++) {
		free(fs->rules[i].path);
		free(fs->rules[i].gone);
	}
	free(fs->rules);
	free(fs->devs);
	free(fs->drvs);
	free(fs);
}

struct view *fake_view(struct fake_sysfs *fs)
{
	return &fs->view;
}

const char *fake_root(struct fake_sysfs *fs)
{
	return fs->root;
}

void fake_driver(struct fake_sysfs *fs, const char *name, bool refuse)
{
	char *p;

	fs->drvs = xrealloc(fs->drvs, (fs->ndrvs + 1) * sizeof(*fs->drvs));
	fs->drvs[fs->ndrvs].name = xstrdup(name);
	fs->drvs[fs->ndrvs].refuse = refuse;
	fs->ndrvs++;
	p = xasprintf("/sys/bus/pci/drivers/%s/bind", name);
	fake_file(fs, p, "");
	free(p);
	p = xasprintf("/sys/bus/pci/drivers/%s/unbind", name);
	fake_file(fs, p, "");
	free(p);
}

const char *fake_device_dir(struct fake_sysfs *fs, const char *addr)
{
	struct fake_dev *d = dev_find(fs, addr);

	return d ? d->dir : NULL;
}

void fake_device(struct fake_sysfs *fs, const char *addr, const char *parent, int group,
		 const char *driver, const char *native)
{
	struct fake_dev *d, *pd = parent ? dev_find(fs, parent) : NULL;
	char *p, *g, *dir;

	dir = pd ? xasprintf("%s/%s", pd->dir, addr) : xasprintf("/sys/devices/pci0000:00/%s", addr);
	fs->devs = xrealloc(fs->devs, (fs->ndevs + 1) * sizeof(*fs->devs));
	d = &fs->devs[fs->ndevs++];
	d->addr = xstrdup(addr);
	d->dir = dir;
	d->group = group;
	d->native = native ? xstrdup(native) : NULL;
	p = xasprintf("%s/vendor", d->dir);
	fake_file(fs, p, "0x8086\n");
	free(p);
	p = xasprintf("%s/device", d->dir);
	fake_file(fs, p, "0x10d3\n");
	free(p);
	p = xasprintf("%s/class", d->dir);
	fake_file(fs, p, "0x020000\n");
	free(p);
	p = xasprintf("%s/driver_override", d->dir);
	fake_file(fs, p, "(null)\n");
	free(p);
	p = xasprintf("/sys/bus/pci/devices/%s", addr);
	fake_link(fs, p, d->dir);
	free(p);
	if (group >= 0) {
		g = xasprintf("/sys/kernel/iommu_groups/%d", group);
		p = xasprintf("%s/type", g);
		if (!host_exists(fs, p))
			fake_file(fs, p, "DMA\n");
		free(p);
		p = xasprintf("%s/reserved_regions", g);
		if (!host_exists(fs, p))
			fake_file(fs, p, "0x00000000fee00000 0x00000000feefffff msi\n");
		free(p);
		p = xasprintf("%s/devices/%s", g, addr);
		fake_link(fs, p, d->dir);
		free(p);
		p = xasprintf("%s/iommu_group", d->dir);
		fake_link(fs, p, g);
		free(p);
		free(g);
	}
	if (driver)
		do_bind(fs, d, driver);
}

void fake_type_rule_owner_cnt(struct fake_sysfs *fs, bool on)
{
	fs->owner_cnt_rule = on;
}

void fake_fail_write(struct fake_sysfs *fs, unsigned int nth, int err)
{
	fs->fail_at = nth;
	fs->fail_err = err;
	fs->armed_base = fs->writes;
}

unsigned int fake_writes(struct fake_sysfs *fs)
{
	return fs->writes;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_dir(struct fake_sysfs *fs, const char *vpath, struct strv *out)
{
	struct strv names = { 0 };

	if (fs->inner->ops->list_dir(fs->inner, vpath[0] ? vpath : "/", &names))
		return;
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		char *p = xasprintf("%s/%s", vpath, names.v[i]), *s = NULL;
		enum view_kind k = VIEW_NONE;

		if (!strcmp(p, "/run")) {
			free(p);
			continue;
		}
		fs->inner->ops->kind(fs->inner, p, &k);
		if (k == VIEW_LINK && !fs->inner->ops->read_link(fs->inner, p, &s)) {
			strv_push_owned(out, xasprintf("%s -> %s", p, s));
		} else if (k == VIEW_DIR) {
			strv_push_owned(out, xasprintf("%s/", p));
			dump_dir(fs, p, out);
		} else if ((s = read_host(fs, p))) {
			strv_push_owned(out, xasprintf("%s = %s", p, s));
		}
		free(s);
		free(p);
	}
	strv_free(&names);
}

char *fake_dump(struct fake_sysfs *fs)
{
	struct strv lines = { 0 };
	char *s;

	dump_dir(fs, "", &lines);
	s = strv_join(&lines, "\n");
	strv_free(&lines);
	return s;
}

const char *fake_driver_of(struct fake_sysfs *fs, const char *addr)
{
	static char buf[64];
	struct fake_dev *d = dev_find(fs, addr);
	char *s = d ? dev_driver(fs, d) : NULL;

	snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
	free(s);
	return buf;
}

const char *fake_override_of(struct fake_sysfs *fs, const char *addr)
{
	static char buf[64];
	struct fake_dev *d = dev_find(fs, addr);
	char *s = d ? dev_override(fs, d) : NULL;

	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	free(s);
	return buf;
}

int fake_cli(struct fake_sysfs *fs, long euid, void (*keep)(int argc, char **argv, const char *doc),
	     char **out, int argc, const char *const *argv_in)
{
	struct iommuctl_ctx ctx;
	char *argv[32], *own[32], *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	bool json;
	int err;

	if (argc >= 32)
		abort();
	ctx_init(&ctx);
	if (euid >= 0)
		ctx.euid = (unsigned int)euid;
	ctx.view = fake_view(fs);
	ctx.outf = open_memstream(&obuf, &olen);
	ctx.errf = open_memstream(&ebuf, &elen);
	for (int i = 0; i < argc; i++)
		argv[i] = own[i] = xstrdup(argv_in[i]);
	argv[argc] = NULL;
	err = cli_dispatch(&ctx, argc, argv);
	ctx_finish(&ctx, err);
	json = ctx.json;
	ctx_release(&ctx);
	fclose(ctx.outf);
	fclose(ctx.errf);
	if (json && keep)
		keep(argc, own, obuf);
	/* the dispatcher puts its own (freed) name into the verb's argv[0] */
	for (int i = 0; i < argc; i++)
		free(own[i]);
	if (out)
		*out = xasprintf("%s%s", obuf, ebuf);
	free(obuf);
	free(ebuf);
	return err;
}
