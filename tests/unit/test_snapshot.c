/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for snapshots: the recording view over a sysfs-like tree,
 * the tar it writes, the snapshot view reading it back (every read, list,
 * link and kind the same as on the tree), re-saving, atomic writes, and
 * hostile archives (garbage, truncation, "..", loops, absurd sizes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "core/util.h"
#include "core/view.h"
#include "backends/dump/view_record.h"

static char tmpdir[] = "/tmp/iommuctl-test-snapshot.XXXXXX";
static char *root;       /* tmpdir/root: the machine */
static bool have_chr;    /* could create root/dev/vfio/3 */

static char *tpath(const char *rel)
{
	return xasprintf("%s/%s", tmpdir, rel);
}

static void mk(const char *rel, const void *content, size_t len)
{
	char *p = xasprintf("%s/%s", root, rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	free(p);
}

static void mks(const char *rel, const char *content)
{
	mk(rel, content, strlen(content));
}

static void mkd(const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel);
	char *cmd = xasprintf("mkdir -p '%s'", p);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(p);
}

static void mkl(const char *target, const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

#define DEV "sys/devices/pci0000:00/0000:00:03.0"

static int tree_setup(void **state)
{
	unsigned char config[256];
	char *p;

	assert_non_null(mkdtemp(tmpdir));
	root = tpath("root");
	mkd("root");
	mkd(DEV "/msi_irqs");
	mkd("sys/devices/pci0000:00/0000:00:1f.2");
	mkd("sys/devices/virtual/iommu/dmar0/intel-iommu");
	mkd("sys/bus/pci/devices");
	mkd("sys/bus/pci/drivers/e1000e");
	mkd("sys/kernel/iommu_groups/3/devices");
	mkd("sys/kernel/iommu_groups/4/devices");
	mkd("sys/class/iommu");
	mkd("sys/loop");
	mkd("proc/sys/kernel");
	mkd("dev/vfio");

	for (size_t i = 0; i < sizeof(config); i++)
		config[i] = (unsigned char)(i * 7);   /* NULs and high bytes included */
	mk(DEV "/config", config, sizeof(config));
	mks(DEV "/vendor", "0x8086\n");
	mks(DEV "/device", "0x10d3\n");
	mks(DEV "/class", "0x020000\n");
	mks(DEV "/empty", "");
	mks(DEV "/unread", "never read while saving\n");
	mks(DEV "/msi_irqs/24", "msix\n");
	mkl("../../../bus/pci/drivers/e1000e", DEV "/driver");
	mkl("../../../kernel/iommu_groups/3", DEV "/iommu_group");
	mkl("../../virtual/iommu/dmar0", DEV "/iommu");
	mks("sys/devices/pci0000:00/0000:00:1f.2/vendor", "0x8086\n");
	mkl("../../../kernel/iommu_groups/4", "sys/devices/pci0000:00/0000:00:1f.2/iommu_group");
	mkl("../../../devices/pci0000:00/0000:00:03.0", "sys/bus/pci/devices/0000:00:03.0");
	mkl("../../../devices/pci0000:00/0000:00:1f.2", "sys/bus/pci/devices/0000:00:1f.2");
	mkl("../../../../devices/pci0000:00/0000:00:03.0",
	    "sys/kernel/iommu_groups/3/devices/0000:00:03.0");
	mkl("../../../../devices/pci0000:00/0000:00:1f.2",
	    "sys/kernel/iommu_groups/4/devices/0000:00:1f.2");
	mks("sys/kernel/iommu_groups/3/type", "DMA-FQ\n");
	mks("sys/kernel/iommu_groups/3/reserved_regions",
	    "0x00000000fee00000 0x00000000feefffff msi\n");
	mks("sys/kernel/iommu_groups/4/type", "identity\n");
	mks("sys/devices/virtual/iommu/dmar0/intel-iommu/cap", "d2008c22260286\n");
	mkl("../../devices/virtual/iommu/dmar0", "sys/class/iommu/dmar0");
	mkl("b", "sys/loop/a");
	mkl("a", "sys/loop/b");
	mkl("/sys/kernel/iommu_groups", "sys/abs");
	mkl("../nowhere", "sys/dangling");
	mks("proc/sys/kernel/osrelease", "6.12.0-test\n");
	mks("proc/sys/kernel/hostname", "testhost\n");

	p = xasprintf("%s/dev/vfio/3", root);
	have_chr = mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0;
	free(p);
	return 0;
}

static int tree_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	free(root);
	return rc == 0 ? 0 : -1;
}

/* ---- a fixed sequence of reads, written down with every answer ---- */

static void note_read(struct view *v, FILE *f, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int err = view_read_file(v, path, &buf, &len);

	fprintf(f, "read %s = %d", path, err);
	if (!err) {
		fprintf(f, " [%zu] ", len);
		fwrite(buf, 1, len, f);
	}
	fputc('\n', f);
	free(buf);
}

static void note_link(struct view *v, FILE *f, const char *path)
{
	char *t = NULL;
	int err = view_read_link(v, path, &t);

	fprintf(f, "link %s = %d %s\n", path, err, err ? "" : t);
	free(t);
}

static void note_list(struct view *v, FILE *f, const char *path)
{
	struct strv names = { 0 };
	int err = view_list_dir(v, path, &names);
	char *j = strv_join(&names, ",");

	fprintf(f, "list %s = %d %s\n", path, err, j);
	free(j);
	strv_free(&names);
}

static void note_kind(struct view *v, FILE *f, const char *path)
{
	enum view_kind k = VIEW_OTHER;
	int err = view_kind(v, path, &k);

	fprintf(f, "kind %s = %d %d\n", path, err, (int)k);
}

/* Every read the workload makes; what a snapshot must answer identically. */
static char *workload(struct view *v)
{
	static const char *const attrs[] = { "vendor", "device", "class", "config", "empty" };
	static const char *const links[] = { "driver", "iommu_group", "iommu" };
	struct strv devs = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	note_list(v, f, "/sys/bus/pci/devices");
	assert_int_equal(view_list_dir(v, "/sys/bus/pci/devices", &devs), 0);
	for (size_t i = 0; i < devs.n; i++) {
		char *d = xasprintf("/sys/bus/pci/devices/%s", devs.v[i]);

		for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
			char *p = xasprintf("%s/%s", d, attrs[a]);

			note_read(v, f, p);
			free(p);
		}
		for (size_t l = 0; l < ARRAY_SIZE(links); l++) {
			char *p = xasprintf("%s/%s", d, links[l]);

			note_link(v, f, p);
			note_kind(v, f, p);
			free(p);
		}
		free(d);
	}
	strv_free(&devs);
	note_list(v, f, "/sys/bus/pci/devices/0000:00:03.0");
	note_list(v, f, "/sys/bus/pci/devices/0000:00:03.0/msi_irqs");
	note_read(v, f, "/sys/bus/pci/devices/0000:00:03.0/msi_irqs/24");
	note_kind(v, f, "/sys/bus/pci/devices/0000:00:03.0/unread");
	note_list(v, f, "/sys/kernel/iommu_groups");
	note_read(v, f, "/sys/kernel/iommu_groups/3/type");
	note_read(v, f, "/sys/kernel/iommu_groups/3/reserved_regions");
	note_read(v, f, "/sys/kernel/iommu_groups/4/type");
	note_read(v, f, "/sys/kernel/iommu_groups/4/reserved_regions");  /* absent */
	note_list(v, f, "/sys/kernel/iommu_groups/3/devices");
	note_list(v, f, "/sys/kernel/iommu_groups/4/devices/");
	note_read(v, f, "/sys/kernel/iommu_groups/3/devices/0000:00:03.0/vendor");
	note_list(v, f, "/sys/class/iommu");
	note_read(v, f, "/sys/class/iommu/dmar0/intel-iommu/cap");
	note_read(v, f, "/sys/bus/pci/devices/0000:00:03.0/iommu/intel-iommu/cap");
	note_list(v, f, "/sys/class/iommu/dmar0/intel-iommu");
	note_read(v, f, "/sys/abs/3/type");                 /* through an absolute link */
	note_link(v, f, "/sys/abs");
	note_kind(v, f, "/sys/dangling");
	note_read(v, f, "/sys/dangling");
	note_read(v, f, "/sys/./kernel//iommu_groups/../iommu_groups/3/type");
	note_read(v, f, "/proc/sys/kernel/osrelease");
	note_kind(v, f, "/dev/vfio/3");
	note_kind(v, f, "/dev/vfio/4");
	note_kind(v, f, "/sys/bus/pci/devices/0000:00:03.0/vendor");
	note_kind(v, f, "/sys/kernel/iommu_groups/3");
	note_kind(v, f, "/sys/nonexistent/deeper");
	note_read(v, f, "/sys/nonexistent");
	note_read(v, f, "/sys/kernel/iommu_groups/3");      /* a directory */
	note_link(v, f, "/sys/kernel/iommu_groups/3/type"); /* not a link */
	note_list(v, f, "/sys/kernel/iommu_groups/3/type"); /* not a directory */
	fclose(f);
	return out;
}

static struct view *machine(void)
{
	struct view *v;

	assert_int_equal(view_root_new(root, NULL, &v), 0);
	return v;
}

static void save(struct view *src, const char *file, char **transcript)
{
	struct snapshot_meta meta = { .hostname = (char *)"testhost",
				      .kernel_release = (char *)"6.12.0-test" };
	struct view *rec;
	char *why = NULL;
	int err;

	assert_int_equal(view_record_new(src, &rec), 0);
	*transcript = workload(rec);
	err = view_record_write_tar(rec, file, &meta, &why);
	if (err)
		fail_msg("write %s: %d %s", file, err, why);
	view_free(rec);
}

static struct view *open_ok(const char *file)
{
	struct view *v = NULL;
	char *why = NULL;
	int err = snapshot_view_open(file, &v, &why);

	if (err)
		fail_msg("open %s: %d %s", file, err, why);
	assert_null(why);
	return v;
}

/* ---- round trip ---- */

static void test_roundtrip(void **state)
{
	struct view *live = machine(), *snap, *snap2;
	char *file = tpath("a.tar"), *file2 = tpath("b.tar");
	char *t_live = workload(live), *t_rec, *t_snap, *t_resave, *t_snap2;
	const struct snapshot_meta *meta;
	const struct snapshot_stats *st;

	save(live, file, &t_rec);
	/* recording changes nothing the caller sees */
	assert_string_equal(t_rec, t_live);

	snap = open_ok(file);
	t_snap = workload(snap);
	assert_string_equal(t_snap, t_live);

	/* re-saving a snapshot gives a snapshot that answers the same */
	save(snap, file2, &t_resave);
	assert_string_equal(t_resave, t_live);
	snap2 = open_ok(file2);
	t_snap2 = workload(snap2);
	assert_string_equal(t_snap2, t_live);

	assert_int_equal(snapshot_view_info(snap, &meta, &st), 0);
	assert_int_equal(meta->format_version, SNAPSHOT_FORMAT_VERSION);
	assert_string_equal(meta->hostname, "testhost");
	assert_string_equal(meta->kernel_release, "6.12.0-test");
	assert_string_equal(meta->tool_version, IOMMUCTL_VERSION);
	assert_non_null(meta->created);
	assert_int_equal(strlen(meta->created), 20);
	assert_true(st->files > 5);
	assert_true(st->links >= 8);
	assert_int_equal(st->placeholders, 1);   /* 0000:00:03.0/unread */
	assert_int_equal(st->devices, have_chr ? 1 : 0);
	assert_int_equal(snapshot_view_info(live, NULL, NULL), -EINVAL);

	view_free(snap);
	view_free(snap2);
	view_free(live);
	free(t_live);
	free(t_rec);
	free(t_snap);
	free(t_resave);
	free(t_snap2);
	free(file);
	free(file2);
}

/* The recorder keeps what was read and the links on the way, nothing else. */
static void test_record_only_reads(void **state)
{
	struct view *live = machine(), *rec;
	struct snapshot_stats st;
	char *buf;

	assert_int_equal(view_record_new(live, &rec), 0);
	assert_int_equal(view_read_str(rec, &buf, "/sys/bus/pci/devices/0000:00:03.0/vendor"), 0);
	assert_string_equal(buf, "0x8086");
	free(buf);
	assert_int_equal(view_read_str(rec, &buf, "/sys/bus/pci/devices/0000:00:03.0/nothing"), -ENOENT);
	assert_int_equal(view_record_stats(rec, &st), 0);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.links, 1);       /* sys/bus/pci/devices/0000:00:03.0 */
	assert_int_equal(st.placeholders, 0);
	/* /sys, bus, pci, devices; devices, pci0000:00, 0000:00:03.0 */
	assert_int_equal(st.dirs, 7);
	assert_int_equal(view_record_stats(live, &st), -EINVAL);
	view_free(rec);
	view_free(live);
}

/* What a snapshot does not hold: unread entries, and nothing but what was read. */
static void test_placeholders_and_gaps(void **state)
{
	struct view *live = machine(), *snap;
	char *file = tpath("c.tar"), *t, *buf = NULL;
	size_t len;
	enum view_kind k;

	save(live, file, &t);
	snap = open_ok(file);
	/* listed, never read: present, kind kept, content not */
	assert_int_equal(view_kind(snap, "/sys/bus/pci/devices/0000:00:03.0/unread", &k), 0);
	assert_int_equal(k, VIEW_FILE);
	assert_int_equal(view_read_file(snap, "/sys/bus/pci/devices/0000:00:03.0/unread", &buf,
					&len), -ENODATA);
	/* never listed nor read: absent */
	assert_int_equal(view_read_file(snap, "/sys/devices/pci0000:00/0000:00:1f.2/class", &buf,
					&len), -ENOENT);
	assert_int_equal(view_kind(snap, "/sys/loop/a", &k), 0);
	assert_int_equal(k, VIEW_NONE);
	/* the empty file that was read is a real, empty file */
	assert_int_equal(view_read_file(snap, "/sys/devices/pci0000:00/0000:00:03.0/empty", &buf,
					&len), 0);
	assert_int_equal(len, 0);
	free(buf);
	/* read-only */
	assert_int_equal(view_write_file(snap, "/sys/kernel/iommu_groups/3/type", "x", 1), -EROFS);
	view_free(snap);
	view_free(live);
	free(t);
	free(file);
}

/* The archive is a plain tar a standard tool lists, metadata first. */
static void test_layout(void **state)
{
	struct view *live = machine();
	char *file = tpath("d.tar"), *t, *cmd, *out = NULL;
	size_t cap = 0;
	FILE *p;
	bool meta_first = false, dir = false, link = false, placeholder = false;
	int line = 0;

	save(live, file, &t);
	cmd = xasprintf("tar tvf '%s'", file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (getline(&out, &cap, p) > 0) {
		if (line++ == 0)
			meta_first = strstr(out, " iommuctl-snapshot.json") != NULL;
		if (!strncmp(out, "drwxr-xr-x", 10) && strstr(out, " sys/kernel/iommu_groups/3/\n"))
			dir = true;
		if (out[0] == 'l' && strstr(out, " sys/bus/pci/devices/0000:00:03.0 -> "
						"../../../devices/pci0000:00/0000:00:03.0"))
			link = true;
		if (!strncmp(out, "----------", 10) && strstr(out, "0000:00:03.0/unread\n"))
			placeholder = true;
		if (out[0] != 'l')
			assert_null(strstr(out, " /"));  /* no absolute names */
	}
	assert_int_equal(pclose(p), 0);
	assert_true(meta_first);
	assert_true(dir);
	assert_true(link);
	assert_true(placeholder);
	free(out);
	free(cmd);
	view_free(live);
	free(t);
	free(file);
}

/* ---- atomic writes ---- */

static int count_temps(const char *dirpath)
{
	DIR *d = opendir(dirpath);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".tar.") && de->d_name[0] == '.')
			n++;
	closedir(d);
	return n;
}

static void test_atomic(void **state)
{
	struct snapshot_meta meta = { 0 };
	struct view *live = machine(), *rec, *snap;
	char *dir = tpath("out"), *file, *why = NULL, *t;
	char *bad = tpath("no/such/dir/x.tar");

	assert_int_equal(mkdir(dir, 0755), 0);
	file = xasprintf("%s/s.tar", dir);
	/* the target is a directory: the rename fails, the temporary file goes */
	assert_int_equal(mkdir(file, 0755), 0);
	assert_int_equal(view_record_new(live, &rec), 0);
	t = workload(rec);
	assert_int_not_equal(view_record_write_tar(rec, file, &meta, &why), 0);
	assert_non_null(why);
	free(why);
	assert_int_equal(count_temps(dir), 0);
	assert_int_equal(rmdir(file), 0);

	/* no directory to put the temporary file in */
	assert_int_equal(view_record_write_tar(rec, bad, &meta, &why), -ENOENT);
	assert_non_null(why);
	free(why);

	/* replacing an old file: afterwards it is the new one, whole */
	{
		FILE *f = fopen(file, "w");

		assert_non_null(f);
		fputs("old contents\n", f);
		fclose(f);
	}
	assert_int_equal(view_record_write_tar(rec, file, &meta, &why), 0);
	assert_int_equal(count_temps(dir), 0);
	snap = open_ok(file);
	view_free(snap);
	view_free(rec);
	view_free(live);
	free(t);
	free(file);
	free(dir);
	free(bad);
}

/* ---- hostile archives ---- */

static void expect_reject(const char *file, int want, const char *why_part)
{
	struct view *v = NULL;
	char *why = NULL;
	int err = snapshot_view_open(file, &v, &why);

	if (err != want || !why || !strstr(why, why_part))
		fail_msg("%s: got %d \"%s\", want %d \"...%s...\"", file, err, why ? why : "(null)",
			 want, why_part);
	assert_null(v);
	for (const char *p = why; *p; p++)   /* one plain line, whatever the names */
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	free(why);
}

static void write_bytes(const char *file, const void *data, size_t len)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

struct tmember {
	const char *name;
	unsigned type;
	const char *data;     /* AE_IFREG: content; AE_IFLNK: target */
	unsigned perm;
};

static char *make_tar(const char *base, const struct tmember *m, size_t n)
{
	char *file = tpath(base);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, file), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type);
		archive_entry_set_perm(e, m[i].perm ? m[i].perm : 0644);
		if (m[i].type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)strlen(m[i].data));
		if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, m[i].data);
		if (m[i].type == 0) {     /* a hard link to data */
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, m[i].data);
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (m[i].type == AE_IFREG && m[i].data[0])
			archive_write_data(a, m[i].data, strlen(m[i].data));
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	return file;
}

#define TAR(base, ...) ({ \
	static const struct tmember ms_[] = { __VA_ARGS__ }; \
	make_tar(base, ms_, ARRAY_SIZE(ms_)); })

static void test_hostile_not_tar(void **state)
{
	char *f = tpath("garbage"), *e = tpath("empty"), *z = tpath("zeros");
	char *m = tpath("missing.tar");
	char junk[4096], zeros[10240] = { 0 };
	struct view *v;
	char *why = NULL;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 17);
	write_bytes(f, junk, sizeof(junk));
	expect_reject(f, -EINVAL, "not a tar archive");
	write_bytes(e, "", 0);
	{
		int err = snapshot_view_open(e, &v, &why);

		assert_int_equal(err, -EINVAL);
		assert_non_null(why);
		free(why);
	}
	write_bytes(z, zeros, sizeof(zeros));   /* a valid, empty tar */
	expect_reject(z, -EINVAL, "empty archive");
	why = NULL;
	assert_int_equal(snapshot_view_open(m, &v, &why), -ENOENT);
	assert_int_equal(snapshot_view_open(tmpdir, &v, &why), -EISDIR);
	free(f);
	free(e);
	free(z);
	free(m);
}

static void test_hostile_truncated(void **state)
{
	char *big = xmalloc(20000), *file, *cut = tpath("cut.tar");
	struct tmember m[2] = { { "sys/a", AE_IFREG, NULL, 0 }, { "sys/b", AE_IFREG, "b\n", 0 } };
	struct stat st;
	char *data;
	FILE *f;
	size_t len;

	memset(big, 'x', 19999);
	big[19999] = '\0';
	m[0].data = big;
	file = make_tar("whole.tar", m, 2);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(stat(file, &st), 0);
	data = xmalloc((size_t)st.st_size);
	len = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	/* cut inside the first member's data, then inside the second header */
	write_bytes(cut, data, 512 + 7000);
	expect_reject(cut, -EINVAL, "truncated");
	write_bytes(cut, data, 512 + 20480 + 100);
	expect_reject(cut, -EINVAL, "truncated");
	assert_true(len > 0);
	free(data);
	free(big);
	free(file);
	free(cut);
}

static void test_hostile_names(void **state)
{
	char *f;

	f = TAR("dotdot.tar", { "sys", AE_IFDIR, NULL, 0755 },
		{ "sys/../../etc/passwd", AE_IFREG, "x", 0 });
	expect_reject(f, -EINVAL, "path leaves the archive");
	free(f);
	f = TAR("ctl.tar", { "sys/\n\033[2J/../../x", AE_IFREG, "x", 0 });
	expect_reject(f, -EINVAL, "path leaves the archive");
	free(f);
	f = TAR("abs.tar", { "/etc/passwd", AE_IFREG, "x", 0 });
	expect_reject(f, -EINVAL, "absolute path");
	free(f);
	f = TAR("dup.tar", { "sys/a", AE_IFREG, "1", 0 }, { "sys/a", AE_IFREG, "2", 0 });
	expect_reject(f, -EINVAL, "duplicate member sys/a");
	free(f);
	f = TAR("under.tar", { "sys/l", AE_IFLNK, "x", 0 }, { "sys/l/f", AE_IFREG, "1", 0 });
	expect_reject(f, -EINVAL, "lies under");
	free(f);
	f = TAR("underfile.tar", { "sys/f", AE_IFREG, "1", 0 }, { "sys/f/g", AE_IFREG, "1", 0 });
	expect_reject(f, -EINVAL, "lies under");
	free(f);
	f = TAR("hard.tar", { "sys/f", AE_IFREG, "1", 0 }, { "sys/g", 0, "sys/f", 0 });
	expect_reject(f, -EINVAL, "hard links");
	free(f);
	f = TAR("badmeta.tar", { SNAPSHOT_META_NAME, AE_IFREG, "{ not json", 0 });
	expect_reject(f, -EINVAL, "not a JSON object");
	free(f);
	f = TAR("newer.tar", { SNAPSHOT_META_NAME, AE_IFREG, "{\"format_version\": 99}", 0 });
	expect_reject(f, -EOPNOTSUPP, "newer");
	free(f);
}

static void test_hostile_accepted(void **state)
{
	struct view *v;
	const struct snapshot_meta *meta;
	char *f, *buf = NULL;
	size_t len;
	enum view_kind k;
	struct strv names = { 0 };

	/* no metadata, "./" names, directories after their contents: fine */
	f = TAR("plain.tar", { "./sys/kernel/x", AE_IFREG, "1\n", 0 },
		{ "./sys/kernel/", AE_IFDIR, NULL, 0755 },
		{ "./", AE_IFDIR, NULL, 0755 }, { "sys/loop/a", AE_IFLNK, "b", 0 },
		{ "sys/loop/b", AE_IFLNK, "../loop/a", 0 }, { "sys/grow", AE_IFLNK, "grow/x", 0 },
		{ "sys/esc", AE_IFLNK, "../../../../../../etc", 0 });
	v = open_ok(f);
	assert_int_equal(snapshot_view_info(v, &meta, NULL), 0);
	assert_int_equal(meta->format_version, 0);
	assert_null(meta->hostname);
	assert_int_equal(view_read_file(v, "/sys/kernel/x", &buf, &len), 0);
	assert_string_equal(buf, "1\n");
	free(buf);
	/* loops are found when looked up, not when loaded */
	assert_int_equal(view_read_file(v, "/sys/loop/a", &buf, &len), -ELOOP);
	assert_int_equal(view_list_dir(v, "/sys/loop/a", &names), -ELOOP);
	assert_int_equal(view_kind(v, "/sys/loop/a/x", &k), -ELOOP);
	assert_int_equal(view_kind(v, "/sys/loop/a", &k), 0);
	assert_int_equal(k, VIEW_LINK);
	assert_int_equal(view_read_file(v, "/sys/grow", &buf, &len), -ELOOP);
	/* ".." above the root stays at the root, inside the snapshot */
	assert_int_equal(view_read_file(v, "/sys/esc/passwd", &buf, &len), -ENOENT);
	assert_int_equal(view_list_dir(v, "/", &names), 0);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "sys");
	strv_free(&names);
	view_free(v);
	free(f);
}

/* A header that claims 8 GiB of data. */
static void test_hostile_huge(void **state)
{
	unsigned char hdr[512 * 4] = { 0 };
	char *f = tpath("huge.tar");
	unsigned sum = 0;

	memcpy(hdr, "sys/huge", 8);
	memcpy(hdr + 100, "0000644", 8);
	memcpy(hdr + 108, "0000000", 8);
	memcpy(hdr + 116, "0000000", 8);
	memcpy(hdr + 124, "77777777777", 12);
	memcpy(hdr + 136, "00000000000", 12);
	memset(hdr + 148, ' ', 8);
	hdr[156] = '0';
	memcpy(hdr + 257, "ustar", 6);
	memcpy(hdr + 263, "00", 2);
	for (size_t i = 0; i < 512; i++)
		sum += hdr[i];
	snprintf((char *)hdr + 148, 8, "%06o", sum);
	write_bytes(f, hdr, sizeof(hdr));
	expect_reject(f, -EINVAL, "over the limit");
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_record_only_reads),
		cmocka_unit_test(test_placeholders_and_gaps),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_hostile_not_tar),
		cmocka_unit_test(test_hostile_truncated),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_hostile_accepted),
		cmocka_unit_test(test_hostile_huge),
	};

	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
