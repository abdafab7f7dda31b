/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake machine for unit tests of the writing verbs: a sysfs/proc/dev tree
 * in a temporary directory, read through the rooted view, whose writes are
 * intercepted and answered the way the kernel would (driver_override,
 * drivers/X/unbind, drivers/X/bind, drivers_probe honouring driver_override,
 * iommu_groups/N/type), plus a knob that fails the Nth write with an errno.
 * Built into the test program that includes fake_sysfs.c.
 */
#ifndef IOMMUCTL_FAKE_SYSFS_H
#define IOMMUCTL_FAKE_SYSFS_H

#include <stdbool.h>

struct view;
struct fake_sysfs;

struct fake_sysfs *fake_new(void);
/* Removes the tree. The view is the fake's: view_free() on it does nothing. */
void fake_free(struct fake_sysfs *fs);
struct view *fake_view(struct fake_sysfs *fs);
const char *fake_root(struct fake_sysfs *fs);

/* A PCI driver (refuse: it binds nothing, bind gives -ENODEV, as a driver whose probe fails). */
void fake_driver(struct fake_sysfs *fs, const char *name, bool refuse);
/*
 * A PCI device in an IOMMU group (created with type "DMA" if new), below
 * parent (NULL: the host bridge), bound to driver (NULL: unbound); native is
 * the driver drivers_probe picks when no driver_override is set.
 */
void fake_device(struct fake_sysfs *fs, const char *addr, const char *parent, int group,
		 const char *driver, const char *native);
/* The kernel's rule for type writes: every driver unbound (the ABI text, default) or owner_cnt only. */
void fake_type_rule_owner_cnt(struct fake_sysfs *fs, bool on);

/* Any file or symbolic link, at a view path ("/proc/self/mountinfo"). */
void fake_file(struct fake_sysfs *fs, const char *path, const char *content);
/* A file of len bytes (a config space image). */
void fake_file_bytes(struct fake_sysfs *fs, const char *path, const void *buf, size_t len);
/* The view path of a device's directory ("/sys/devices/pci0000:00/..."), NULL if unknown. */
const char *fake_device_dir(struct fake_sysfs *fs, const char *addr);
void fake_link(struct fake_sysfs *fs, const char *path, const char *target_viewpath);
void fake_remove(struct fake_sysfs *fs, const char *path);
/* A symbolic link whose target is exactly target, as /proc/PID/fd shows them ("anon_inode:[x]"). */
void fake_rawlink(struct fake_sysfs *fs, const char *path, const char *target);
/*
 * /proc as a moving target: every read (file, link or directory) of path
 * fails with -err, without effect (err 0: it succeeds); with gone set, a
 * read of path succeeds and then gone (a file or a whole tree) is removed,
 * as a process that exits while it is looked at.
 */
void fake_read_rule(struct fake_sysfs *fs, const char *path, int err, const char *gone);

/* Fail the nth write from now (1-based) with -err and without effect; 0 disarms. */
void fake_fail_write(struct fake_sysfs *fs, unsigned int nth, int err);
unsigned int fake_writes(struct fake_sysfs *fs);

/* The whole tree except /run as text: files with contents, links with targets. */
char *fake_dump(struct fake_sysfs *fs);

/* "vfio-pci", "(null)": the state of one device, for assertions (static buffers). */
const char *fake_driver_of(struct fake_sysfs *fs, const char *addr);
const char *fake_override_of(struct fake_sysfs *fs, const char *addr);

/*
 * iommuctl ARGV (argv[0] the object) through the dispatcher on the fake
 * machine, ended as main() ends a command (under -j a failure adds the
 * error object). Returns its -errno; *out (when out is not NULL) gets
 * stdout then stderr. euid >= 0: the effective uid the dispatcher's root
 * rule sees. keep, when given, gets each -j document with the words.
 */
int fake_cli(struct fake_sysfs *fs, long euid, void (*keep)(int argc, char **argv, const char *doc),
	     char **out, int argc, const char *const *argv);

#endif
