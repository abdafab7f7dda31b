// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_run: time a command without a shell's start-up in the measurement.
 *
 *   bench_run [-n RUNS] [-t SECONDS] [-o FILE] [-e FILE] -- COMMAND [ARG...]
 *
 * Runs COMMAND (found on PATH) up to RUNS times (default 10), at least
 * once, and stops early once SECONDS of wall time (default: no limit) have
 * gone by, so that a slow command runs once and a fast one many times.
 * Standard input is /dev/null; standard output and error go to /dev/null,
 * or to FILE (-o, -e: the last run's). Each run's wall time is taken with
 * CLOCK_MONOTONIC around fork, exec and wait4, nothing else: a few tens of
 * microseconds of fork and exec that every command pays alike.
 *
 * Prints one line: RUNS BEST MEAN USER SYS STATUS CPU
 *   RUNS       the runs made
 *   BEST MEAN  the best and the mean wall time, seconds
 *   USER SYS   the CPU time of the best run, seconds (wait4's rusage)
 *   STATUS     0, the first nonzero exit status, or 128+N for signal N,
 *              or 127 when COMMAND could not be started
 *   CPU        the least user+sys time of any run, seconds: on a machine
 *              whose CPUs are shared, steadier than the wall time
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static int open_out(const char *path)
{
	int fd = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "bench_run: %s: %s\n", path ? path : "/dev/null", strerror(errno));
		exit(2);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *err = NULL;
	long runs = 10;
	double limit = 0, best = 0, sum = 0, t_all, bu = 0, bs = 0, cpu = 0;
	int opt, status_out = 0, in, i;

	while ((opt = getopt(argc, argv, "+n:t:o:e:")) != -1) {
		switch (opt) {
		case 'n': runs = strtol(optarg, NULL, 10); break;
		case 't': limit = strtod(optarg, NULL); break;
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		default:
			fprintf(stderr, "usage: bench_run [-n RUNS] [-t SECONDS] [-o FILE] [-e FILE] -- COMMAND [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1) {
		fprintf(stderr, "bench_run: no command, or RUNS below 1\n");
		return 2;
	}
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		perror("bench_run: /dev/null");
		return 2;
	}
	t_all = now();
	for (i = 0; i < runs; i++) {
		int fo = open_out(out), fe = open_out(err), st;
		struct rusage ru;
		double t0, t;
		pid_t pid;

		t0 = now();
		pid = fork();
		if (pid < 0) {
			perror("bench_run: fork");
			return 2;
		}
		if (pid == 0) {
			if (dup2(in, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
				_exit(127);
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		while (wait4(pid, &st, 0, &ru) < 0) {
			if (errno != EINTR) {
				perror("bench_run: wait4");
				return 2;
			}
		}
		t = now() - t0;
		close(fo);
		close(fe);
		if (i == 0 || t < best) {
			best = t;
			bu = tv(&ru.ru_utime);
			bs = tv(&ru.ru_stime);
		}
		sum += t;
		if (i == 0 || tv(&ru.ru_utime) + tv(&ru.ru_stime) < cpu)
			cpu = tv(&ru.ru_utime) + tv(&ru.ru_stime);
		if (!status_out) {
			if (WIFEXITED(st))
				status_out = WEXITSTATUS(st);
			else if (WIFSIGNALED(st))
				status_out = 128 + WTERMSIG(st);
		}
		if (limit > 0 && now() - t_all >= limit) {
			i++;
			break;
		}
	}
	printf("%d %.6f %.6f %.6f %.6f %d %.6f\n", i, best, sum / i, bu, bs, status_out, cpu);
	return 0;
}
