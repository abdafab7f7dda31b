// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attr_floor: the file-system work of `iommuctl device list`'s default
 * columns and nothing else, for bench_inventory.sh: a second floor beside
 * find's, the time that reading those attributes takes before any of it
 * is parsed, looked up or printed.
 *
 *   attr_floor [SYSFS]     (default /sys)
 *
 * For each entry of SYSFS/bus/pci/devices: its directory opened (O_PATH),
 * uevent (ID, CLASS, DRIVER) and config (CAPS) each looked at first with
 * fstatat, as iommuctl does so that a FIFO or a device node in a
 * --sysfs-root tree is never opened, then opened, read and closed; the
 * iommu_group link (GROUP) read. Prints one line per device (its name), so
 * that bench_run's line count checks that it saw the tree.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void read_attr(int dir, const char *name)
{
	char buf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
		return;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	(void)n;
	close(fd);
}

int main(int argc, char **argv)
{
	char path[4096], link[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/bus/pci/devices", argc > 1 ? argv[1] : "/sys");
	d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	while ((e = readdir(d))) {
		int dev;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		dev = openat(dirfd(d), e->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dev < 0)
			continue;
		read_attr(dev, "uevent");
		read_attr(dev, "config");
		n = readlinkat(dev, "iommu_group", link, sizeof(link));
		(void)n;
		close(dev);
		puts(e->d_name);
	}
	closedir(d);
	return 0;
}
