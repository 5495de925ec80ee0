/*
 * wakeup: what this machine charges for one process waking another, the
 * cost that a front server and a separate worker process pay on every
 * request and an in-process path never does.
 *
 * Two processes pass a byte back and forth over two pipes; each blocks in
 * read() until the other writes, so every pass is one sleep and one
 * wake-up. Measured twice: the two processes pinned to two different CPUs
 * (the wake-up crosses CPUs, as lighttpd waking for a worker's response
 * usually does), then both on one CPU (a plain context switch). The figure
 * is the CPU time (user + system) of both processes per pass: what
 * /proc/PID/stat charges the server processes for it. On bare metal a pass
 * costs a few microseconds; in a virtual machine a cross-CPU wake-up is an
 * inter-processor interrupt through the hypervisor and can cost ten times
 * more.
 *
 * Output: a human line, then "RESULT key=value ..." for scripts.
 * Exit status: 0 = measured, 2 = cannot (one CPU, no fork, no pipes).
 */
#include "config.h"	/* _GNU_SOURCE: sched_setaffinity, CPU_SET */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PASSES_DEFAULT	100000L

struct pass_result {
	double	 wall_us;	/* per pass */
	double	 cpu_us;	/* both processes, per pass */
};

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static double
seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* The child: echo every byte back until EOF. */
static void
echo_loop(int in, int out, int cpu)
{
	char c;

	if (pin(cpu) == -1)
		_exit(2);
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			_exit(2);
	_exit(0);
}

static int
measure(int cpu_a, int cpu_b, long passes, struct pass_result *res)
{
	int		 to_child[2], to_parent[2], status;
	pid_t		 pid;
	long		 i;
	char		 c = 'x';
	double		 w0, c0, wall, cpu;
	struct rusage	 ru0, ru1;

	/* RUSAGE_CHILDREN adds up every child waited for: take the difference. */
	if (pipe(to_child) == -1 || pipe(to_parent) == -1 ||
	    getrusage(RUSAGE_CHILDREN, &ru0) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		echo_loop(to_child[0], to_parent[1], cpu_b);
	}
	close(to_child[0]);
	close(to_parent[1]);
	if (pin(cpu_a) == -1)
		return -1;
	/* A few passes first, so that both have run on their CPUs. */
	for (i = 0; i < 1000; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			return -1;
	w0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < passes; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			return -1;
	wall = seconds(CLOCK_MONOTONIC) - w0;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
	close(to_child[1]);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || getrusage(RUSAGE_CHILDREN, &ru1) == -1)
		return -1;
	close(to_parent[0]);
	/*
	 * The child's CPU includes its 1,000 warm-up passes: scale them out
	 * with its mean, which is what they cost too.
	 */
	cpu += (tv_seconds(&ru1.ru_utime) - tv_seconds(&ru0.ru_utime) +
	    tv_seconds(&ru1.ru_stime) - tv_seconds(&ru0.ru_stime)) *
	    (double)passes / (double)(passes + 1000);
	/* Each round trip is two passes: there and back. */
	res->wall_us = wall * 1e6 / (2.0 * (double)passes);
	res->cpu_us = cpu * 1e6 / (2.0 * (double)passes);
	return 0;
}

int
main(int argc, char *argv[])
{
	cpu_set_t		 allowed;
	int			 cpus[2], n = 0, cpu;
	long			 passes = PASSES_DEFAULT;
	struct pass_result	 cross, same;

	if (argc > 2 || (argc == 2 && (passes = strtol(argv[1], NULL, 10)) < 1000)) {
		fprintf(stderr, "usage: wakeup [PASSES >= 1000, default %ld]\n",
		    PASSES_DEFAULT);
		return 2;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
		return 2;
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
		if (CPU_ISSET(cpu, &allowed))
			cpus[n++] = cpu;
	if (n < 2) {
		fprintf(stderr, "wakeup: needs two CPUs\n");
		return 2;
	}
	if (measure(cpus[0], cpus[1], passes, &cross) == -1 ||
	    measure(cpus[0], cpus[0], passes, &same) == -1) {
		perror("wakeup");
		return 2;
	}
	printf("wakeup: one process waking another: across CPUs %.1f us of CPU "
	    "(%.1f us wall), on one CPU %.1f us of CPU (%.1f us wall); %ld passes\n",
	    cross.cpu_us, cross.wall_us, same.cpu_us, same.wall_us, passes);
	printf("RESULT mode=wakeup passes=%ld cross_cpu_us=%.2f cross_wall_us=%.2f "
	    "same_cpu_us=%.2f same_wall_us=%.2f\n", passes, cross.cpu_us,
	    cross.wall_us, same.cpu_us, same.wall_us);
	return 0;
}
