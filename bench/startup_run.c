// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The start-up benchmark's runner (bench/bench_startup.sh): a shell's own
 * fork and wait cost as much as the program measured, so this spawns it.
 *
 *   startup_run time N PROG [ARGS...]
 *     fork + execve + wait4, N times, stdout and stderr to /dev/null;
 *     prints "MEAN_US BEST_US CPU_US FAULTS": microseconds per execution,
 *     wall clock (mean and best), the child's mean CPU time (user + system,
 *     from wait4's rusage), which other load on the machine disturbs less,
 *     and its mean page faults (minor + major), which it does not disturb.
 *     Fails if any run exits non-zero.
 *   startup_run maps PROG [ARGS...]
 *     runs PROG once, traced, stopped at its exit: prints the number of
 *     distinct shared objects mapped then (from /proc/PID/maps: the
 *     program's libraries, ld.so and the vDSO, and any dlopen'ed).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static pid_t spawn(char **argv, int trace)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		if (trace && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(126);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	return pid;
}

static int run_time(long n, char **argv)
{
	double best = 0, total = 0, cpu = 0, faults = 0;

	for (long i = 0; i < n; i++) {
		double t0 = now_us(), t;
		struct rusage ru;
		int st;
		pid_t pid = spawn(argv, 0);

		if (wait4(pid, &st, 0, &ru) != pid) {
			perror("wait4");
			return 2;
		}
		t = now_us() - t0;
		faults += ru.ru_minflt + ru.ru_majflt;
		cpu += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "startup_run: %s failed (status 0x%x)\n", argv[0], st);
			return 1;
		}
		total += t;
		if (!i || t < best)
			best = t;
	}
	printf("%.1f %.1f %.1f %.0f\n", total / n, best, cpu / n, faults / n);
	return 0;
}

/* distinct file-backed objects with ".so" in their name, plus [vdso] */
static int count_maps(pid_t pid)
{
	char path[64], line[4096], seen[128][512];
	int nseen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '/');
		int i;

		if (!name)
			name = strstr(line, "[vdso]");
		if (!name)
			continue;
		name[strcspn(name, "\n")] = 0;
		if (name[0] == '/' && !strstr(name, ".so"))
			continue;
		for (i = 0; i < nseen; i++)
			if (!strcmp(seen[i], name))
				break;
		if (i == nseen && nseen < 128)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
	}
	fclose(f);
	return nseen;
}

static int run_maps(char **argv)
{
	int st, n = -1;
	pid_t pid = spawn(argv, 1);

	/* the stop at execve, then on to the stop at exit */
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "startup_run: %s did not start\n", argv[0]);
		return 2;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_TRACEEXIT) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		perror("ptrace");
		return 2;
	}
	for (;;) {
		if (waitpid(pid, &st, 0) != pid)
			return 2;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			n = count_maps(pid);
			ptrace(PTRACE_CONT, pid, NULL, NULL);
			continue;
		}
		/* pass any other signal on */
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)(WIFSTOPPED(st) ? WSTOPSIG(st) : 0));
	}
	if (n < 0)
		return 2;
	printf("%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "time"))
		return run_time(atol(argv[2]) > 0 ? atol(argv[2]) : 1, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "maps"))
		return run_maps(argv + 2);
	fprintf(stderr, "usage: startup_run time N PROG [ARGS...] | maps PROG [ARGS...]\n");
	return 2;
}
