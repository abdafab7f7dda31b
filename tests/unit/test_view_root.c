/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the rooted view on a hostile tree: absolute and climbing
 * links, to files and to directories, for reads, writes, links, listings
 * and kinds, must stay inside the root; FIFOs and devices are refused
 * without blocking. Every check runs with both resolvers: openat2(2)
 * RESOLVE_IN_ROOT and the walk by hand for kernels without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/view.h"

static char tmp[64];

static char *at(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

static void mk(const char *rel, const char *content)
{
	char *p = at(rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	free(p);
}

static void mkd(const char *rel)
{
	char *p = at(rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void mkl(const char *target, const char *rel)
{
	char *p = at(rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static char *slurp(const char *rel)
{
	char *p = at(rel), buf[256];
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	free(p);
	buf[n] = '\0';
	return xstrdup(buf);
}

/*
 * tmp/outside: what a hostile tree must not reach. tmp/tree: a captured
 * system (tree/sys its sysfs) whose links point out in every way.
 */
static int setup(void **state)
{
	char *s, *climb;

	strcpy(tmp, "/tmp/iommuctl-vroot-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	mkd("outside");
	mk("outside/secret", "SECRET\n");
	mk("outside/victim", "VICTIM\n");
	mkl("OUTSIDE-TARGET", "outside/olink");
	mkd("tree");
	mkd("tree/sys");
	mkd("tree/sys/devices");
	mkd("tree/sys/devices/d0");
	mk("tree/sys/devices/d0/attr", "A\n");
	mk("tree/sys/devices/d0/w_in", "0\n");
	mkd("tree/sys/bus");
	mkl("../devices/d0", "tree/sys/bus/d0");
	/* absolute links start again from the root: this one stays in the tree */
	mkl("/sys/devices/d0/attr", "tree/sys/abs_in");
	s = at("outside/secret");
	mkl(s, "tree/sys/abs_out");
	free(s);
	climb = xasprintf("../../../../../../../../../../../..%s/outside/secret", tmp);
	mkl(climb, "tree/sys/climb_out");
	free(climb);
	s = at("outside");
	mkl(s, "tree/sys/dir_out");
	free(s);
	mkl("../../../../../../../../../../../..", "tree/sys/up");
	s = at("outside/victim");
	mkl(s, "tree/sys/w_out");
	free(s);
	mkl("abs_out", "tree/sys/chain_out");
	mkl("loop2", "tree/sys/loop1");
	mkl("loop1", "tree/sys/loop2");
	s = at("tree/sys/fifo");
	assert_int_equal(mkfifo(s, 0644), 0);
	free(s);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", tmp);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static const enum view_resolver resolvers[] = { VIEW_RESOLVE_OPENAT2, VIEW_RESOLVE_WALK };

/* The view of the tree as --sysfs-root TREE/sys opens it, with resolver how; NULL: not here. */
static struct view *open_tree(enum view_resolver how, bool sysroot)
{
	char *root = at("tree"), *sys = at("tree/sys");
	struct view *v;
	int err;

	assert_int_equal(view_root_new(sysroot ? root : NULL, sys, &v), 0);
	free(root);
	free(sys);
	err = view_root_set_resolver(v, how);
	if (err == -ENOSYS) {
		print_message("openat2(2) does not work here: only the walk is tested\n");
		view_free(v);
		return NULL;
	}
	assert_int_equal(err, 0);
	assert_int_equal(view_root_resolver(v), how);
	return v;
}

/* Nothing outside the root is read, listed, linked or written, whatever the links say. */
static void check_confined(struct view *v)
{
	static const char *const out_files[] = {
		"/sys/abs_out", "/sys/climb_out", "/sys/chain_out", "/sys/dir_out/secret",
	};
	struct strv names = { 0 };
	enum view_kind k;
	char *s = NULL, *target = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(out_files); i++) {
		assert_int_equal(view_read_str(v, &s, "%s", out_files[i]), -ENOENT);
		assert_int_equal(view_kind(v, out_files[i], &k), 0);
		assert_true(k == VIEW_NONE || k == VIEW_LINK);
	}
	assert_int_equal(view_read_link(v, "/sys/dir_out/olink", &target), -ENOENT);
	assert_int_equal(view_list_dir(v, "/sys/dir_out", &names), -ENOENT);
	assert_int_equal(names.n, 0);
	/* a link up and up again stops at the root: the tree's top, not the host's "/" */
	assert_int_equal(view_list_dir(v, "/sys/up", &names), 0);
	assert_false(strv_contains(&names, "outside"));
	strv_free(&names);
	assert_int_equal(view_write_file(v, "/sys/w_out", "PWNED", 5), -ENOENT);
	s = slurp("outside/victim");
	assert_string_equal(s, "VICTIM\n");
	free(s);
	assert_int_equal(view_read_str(v, &s, "/sys/loop1"), -ELOOP);
}

static void test_hostile_links(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(resolvers); i++) {
		for (int sysroot = 0; sysroot < 2; sysroot++) {
			struct view *v = open_tree(resolvers[i], sysroot);
			struct strv names = { 0 };
			char *s;

			if (!v)
				continue;
			check_confined(v);
			/* links inside the tree still work, relative or re-rooted */
			assert_int_equal(view_read_str(v, &s, "/sys/bus/d0/attr"), 0);
			assert_string_equal(s, "A");
			free(s);
			/* a tree's file holds what was written last, as sysfs shows it: not old bytes past it */
			assert_int_equal(view_write_file(v, "/sys/bus/d0/w_in", "vfio-pci\n", 9), 0);
			assert_int_equal(view_write_file(v, "/sys/bus/d0/w_in", "1", 1), 0);
			s = slurp("tree/sys/devices/d0/w_in");
			assert_string_equal(s, "1");
			free(s);
			assert_int_equal(view_read_link(v, "/sys/bus/d0", &s), 0);
			assert_string_equal(s, "../devices/d0");
			free(s);
			assert_int_equal(view_list_dir(v, "/sys/bus/d0", &names), 0);
			assert_true(strv_contains(&names, "attr"));
			strv_free(&names);
			if (sysroot) {
				/* one root: "/sys/..." in a link is the tree's /sys */
				assert_int_equal(view_read_str(v, &s, "/sys/abs_in"), 0);
				assert_string_equal(s, "A");
				free(s);
				assert_int_equal(view_read_str(v, &s, "/sys/up/sys/devices/d0/attr"), 0);
				assert_string_equal(s, "A");
				free(s);
			}
			view_free(v);
		}
	}
}

static void test_not_regular(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(resolvers); i++) {
		struct view *v = open_tree(resolvers[i], true);
		enum view_kind k;
		char *s;
		int fd;

		if (!v)
			continue;
		/* a FIFO with no writer would block a read for ever: killed by the alarm */
		alarm(10);
		assert_int_equal(view_read_str(v, &s, "/sys/fifo"), -EINVAL);
		assert_int_equal(view_write_file(v, "/sys/fifo", "1", 1), -EINVAL);
		alarm(0);
		assert_int_equal(view_kind(v, "/sys/fifo", &k), 0);
		assert_int_equal(k, VIEW_OTHER);
		assert_int_equal(view_read_str(v, &s, "/sys/devices"), -EISDIR);
		/* a file over the 64 MiB bound is refused before it is read */
		s = at("tree/sys/big");
		fd = open(s, O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, (64 << 20) + 1), 0);
		close(fd);
		free(s);
		assert_int_equal(view_read_str(v, &s, "/sys/big"), -EFBIG);
		view_free(v);

		/* the machine's own root: a device is not read, /proc (through /proc/self) is */
		assert_int_equal(view_root_new("/", NULL, &v), 0);
		if (view_root_set_resolver(v, resolvers[i]) == 0) {
			assert_int_equal(view_read_str(v, &s, "/dev/null"), -EINVAL);
			assert_int_equal(view_kind(v, "/dev/null", &k), 0);
			assert_int_equal(k, VIEW_CHR);
			assert_int_equal(view_read_str(v, &s, "/proc/self/status"), 0);
			assert_non_null(strstr(s, "Pid:"));
			free(s);
		}
		view_free(v);
	}
}

/*
 * Open directories (view_dir_*): names read with *at() calls on a
 * directory descriptor keep every rule of the paths: a link out of the
 * root is absent, a FIFO or a directory is refused without blocking, and a
 * link inside is followed as by path.
 */
static void test_dir_handles(void **state)
{
	static const char *const out_names[] = { "abs_out", "climb_out", "chain_out" };

	for (size_t i = 0; i < ARRAY_SIZE(resolvers); i++) {
		for (int sysroot = 0; sysroot < 2; sysroot++) {
			struct view *v = open_tree(resolvers[i], sysroot);
			struct strv names = { 0 };
			struct view_dir d, sub;
			char *s, *big;
			int fd;

			if (!v)
				continue;
			assert_int_equal(view_dir_open(v, "/sys", &d), 0);
			assert_true(d.fd >= 0);
			for (size_t k = 0; k < ARRAY_SIZE(out_names); k++)
				assert_int_equal(view_dir_read_str(&d, out_names[k], &s), -ENOENT);
			assert_int_equal(view_dir_read_str(&d, "dir_out/secret", &s), -ENOENT);
			assert_int_equal(view_dir_read_link(&d, "dir_out/olink", &s), -ENOENT);
			assert_int_equal(view_dir_list(&d, "dir_out", &names), -ENOENT);
			assert_int_equal(view_dir_list(&d, "up", &names), 0);
			assert_false(strv_contains(&names, "outside"));
			strv_free(&names);
			assert_int_equal(view_dir_read_str(&d, "loop1", &s), -ELOOP);
			alarm(10);
			assert_int_equal(view_dir_read_str(&d, "fifo", &s), -EINVAL);
			alarm(0);
			assert_int_equal(view_dir_read_str(&d, "devices", &s), -EISDIR);
			big = at("tree/sys/big");
			fd = open(big, O_WRONLY | O_CREAT, 0644);
			assert_true(fd >= 0);
			assert_int_equal(ftruncate(fd, (64 << 20) + 1), 0);
			close(fd);
			assert_int_equal(view_dir_read_str(&d, "big", &s), -EFBIG);
			unlink(big);
			free(big);
			/* links are read as they are, and followed inside */
			assert_int_equal(view_dir_read_link(&d, "abs_out", &s), 0);
			assert_non_null(strstr(s, "outside/secret"));
			free(s);
			assert_int_equal(view_dir_link_name(&d, "bus/d0", &s), 0);
			assert_string_equal(s, "d0");
			free(s);
			assert_int_equal(view_dir_read_str(&d, "bus/d0/attr", &s), 0);
			assert_string_equal(s, "A");
			free(s);
			if (sysroot) {
				assert_int_equal(view_dir_read_str(&d, "abs_in", &s), 0);
				assert_string_equal(s, "A");
				free(s);
			}
			assert_int_equal(view_dir_list(&d, NULL, &names), 0);
			assert_true(strv_contains(&names, "fifo") && strv_contains(&names, "bus"));
			strv_free(&names);
			view_dir_close(&d);
			/* a directory opened through links: the one inside */
			assert_int_equal(view_dir_open(v, "/sys/bus/d0", &sub), 0);
			assert_int_equal(view_dir_read_str(&sub, "attr", &s), 0);
			assert_string_equal(s, "A");
			free(s);
			view_dir_close(&sub);
			assert_int_equal(view_dir_open(v, "/sys/dir_out", &sub), -ENOENT);
			assert_int_equal(view_dir_open(v, "/sys/abs_out", &sub), -ENOENT);
			assert_int_equal(view_dir_open(v, "/sys/up", &sub), 0);
			assert_int_equal(view_dir_list(&sub, NULL, &names), 0);
			assert_false(strv_contains(&names, "outside"));
			strv_free(&names);
			view_dir_close(&sub);
			view_free(v);
		}
	}
}

/* The walk by hand, called directly: where it ends and what it refuses. */
static void test_walk(void **state)
{
	char *root = at("tree"), *name = NULL;
	struct stat a, b;
	int rootfd = open(root, O_PATH | O_DIRECTORY), dir = -1;

	free(root);
	assert_true(rootfd >= 0);
	assert_int_equal(view_root_walk(rootfd, "sys/up/sys/bus/d0/attr", true, &dir, &name), 0);
	assert_string_equal(name, "attr");
	assert_int_equal(fstatat(dir, name, &a, AT_SYMLINK_NOFOLLOW), 0);
	root = at("tree/sys/devices/d0/attr");
	assert_int_equal(stat(root, &b), 0);
	free(root);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(dir);
	free(name);
	/* not following: the last link is the answer */
	assert_int_equal(view_root_walk(rootfd, "sys/bus/d0", false, &dir, &name), 0);
	assert_string_equal(name, "d0");
	assert_int_equal(fstatat(dir, name, &a, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(a.st_mode));
	close(dir);
	free(name);
	/* ".." at the root, and a path ending at a directory */
	assert_int_equal(view_root_walk(rootfd, "../../sys/..", true, &dir, &name), 0);
	assert_string_equal(name, ".");
	assert_int_equal(fstat(dir, &a), 0);
	assert_int_equal(fstat(rootfd, &b), 0);
	assert_true(a.st_ino == b.st_ino);
	close(dir);
	free(name);
	assert_int_equal(view_root_walk(rootfd, "sys/abs_out", true, &dir, &name), -ENOENT);
	assert_int_equal(view_root_walk(rootfd, "sys/dir_out/secret", false, &dir, &name), -ENOENT);
	assert_int_equal(view_root_walk(rootfd, "sys/loop1", true, &dir, &name), -ELOOP);
	assert_int_equal(view_root_walk(rootfd, "sys/devices/d0/attr/x", true, &dir, &name), -ENOTDIR);
	close(rootfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hostile_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_handles, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
