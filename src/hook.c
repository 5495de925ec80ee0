/* hook: run the operator's authorization program with a deadline. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "est/hook.h"

static long long
hook_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * dup2 onto the same number leaves close-on-exec set: a pipe end that is
 * already fd 0 (free when the worker's stop handler closed its listening
 * socket) would be closed at exec, and the hook would read no facts.
 */
static int
hook_move_fd(int from, int to)
{
	return from == to ? fcntl(to, F_SETFD, 0) : dup2(from, to);
}

/* In the child: stdin/stdout are the pipes, stderr /dev/null, nothing else. */
static void
hook_exec(const char *program, int in_fd, int out_fd)
{
	char *const argv[] = { (char *)program, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
	    NULL };
	sigset_t none;
	int	 null;

	/* Its own process group, so a timeout kills what it started too. */
	setpgid(0, 0);
	if (hook_move_fd(in_fd, 0) == -1 || hook_move_fd(out_fd, 1) == -1)
		_exit(126);
	if ((null = open("/dev/null", O_WRONLY)) == -1 || dup2(null, 2) == -1)
		_exit(126);
	closefrom(3);
	/* The worker blocks and ignores signals; the hook starts clean. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(program, argv, envp);
	_exit(127);
}

/*
 * Writes the facts and collects output until both pipes are done or the
 * deadline. Neither stops the other: a hook that closes its stdout before
 * it reads (exec >>logfile) still gets all of its input, not a cut one that
 * looks whole; and output past outcap is read and dropped, so that a
 * verbose hook does not block writing and run into the deadline. Once the
 * output has ended, writing stops when the hook exits without reading.
 */
static int
hook_talk(pid_t pid, int to_fd, int from_fd, const char *json, size_t len,
    char *out, size_t outcap, size_t *outlen, long long deadline)
{
	struct pollfd	 pfd[2];
	siginfo_t	 si;
	char		 drop[512];
	size_t		 sent = 0;
	ssize_t		 n;
	long long	 left;
	int		 rc = 0, keep;

	*outlen = 0;
	pfd[0].fd = to_fd;
	pfd[0].events = POLLOUT;
	pfd[1].fd = from_fd;
	pfd[1].events = POLLIN;
	if (len == 0) {
		close(to_fd);
		pfd[0].fd = -1;
	}
	while (pfd[0].fd != -1 || pfd[1].fd != -1) {
		if ((left = deadline - hook_now_ms()) <= 0) {
			rc = -1;
			break;
		}
		if (pfd[1].fd == -1) {
			/* Exited (not reaped: WNOWAIT) without reading it all. */
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)pid, &si,
			    WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
				break;
			if (left > 10)
				left = 10;
		}
		if (poll(pfd, 2, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (pfd[0].fd != -1 && pfd[0].revents) {
			/* Non-blocking: a hook that does not read cannot hold us past the deadline. */
			n = write(to_fd, json + sent, len - sent);
			if (n > 0)
				sent += (size_t)n;
			else if (n == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			/* A hook that stops reading early may still decide. */
			if (n <= 0 || sent == len) {
				close(to_fd);
				pfd[0].fd = -1;
			}
		}
		if (pfd[1].fd != -1 && pfd[1].revents) {
			keep = *outlen < outcap;
			n = keep ? read(from_fd, out + *outlen, outcap - *outlen) :
			    read(from_fd, drop, sizeof(drop));
			if (n > 0) {
				if (keep)
					*outlen += (size_t)n;
				continue;
			}
			if (n == -1 && errno == EINTR)
				continue;
			pfd[1].fd = -1;	/* EOF or error */
		}
	}
	if (pfd[0].fd != -1)
		close(to_fd);
	return rc;
}

/* The first line of output, printable ASCII only. */
static void
hook_first_line(const char *out, size_t len, char *line, size_t linelen)
{
	size_t i, o = 0;

	for (i = 0; i < len && out[i] != '\n' && o + 1 < linelen; i++)
		if (out[i] >= 0x20 && out[i] < 0x7f)
			line[o++] = out[i];
	line[o] = '\0';
}

int
hook_run(const char *program, unsigned timeout_ms, const char *json,
    size_t jsonlen, char *reason, size_t reasonlen)
{
	char		 out[HOOK_OUTPUT_MAX], line[200];
	size_t		 outlen = 0;
	int		 in[2] = { -1, -1 }, outp[2] = { -1, -1 };
	int		 status, timed_out, rc;
	pid_t		 pid;
	long long	 deadline;

	if (timeout_ms > HOOK_MAX_TIMEOUT_MS)
		timeout_ms = HOOK_MAX_TIMEOUT_MS;
	/* Not started (no descriptors, no processes left): the server failed. */
	rc = -2;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(outp, O_CLOEXEC) == -1) {
		snprintf(reason, reasonlen, "authorization hook: cannot create "
		    "pipes: %s", strerror(errno));
		goto out;
	}
	/* Only our end: the hook's stdin stays blocking. */
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) == -1) {
		snprintf(reason, reasonlen, "authorization hook: cannot set up pipes");
		goto out;
	}
	deadline = hook_now_ms() + timeout_ms;
	if ((pid = fork()) == -1) {
		snprintf(reason, reasonlen, "authorization hook: cannot fork: %s",
		    strerror(errno));
		goto out;
	}
	rc = -1;
	if (pid == 0)
		hook_exec(program, in[0], outp[1]);
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	timed_out = hook_talk(pid, in[1], outp[0], json, jsonlen, out, sizeof(out),
	    &outlen, deadline) == -1;
	in[1] = -1;	/* closed by hook_talk */
	/* Wait for the exit until the deadline; past it, kill. */
	for (;;) {
		if (timed_out || hook_now_ms() >= deadline) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
				continue;
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(1000);
	}
	hook_first_line(out, outlen, line, sizeof(line));
	if (timed_out)
		snprintf(reason, reasonlen, "authorization hook timed out after %u ms",
		    timeout_ms);
	else if (WIFSIGNALED(status))
		snprintf(reason, reasonlen, "authorization hook died of signal %d",
		    WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(reason, reasonlen, "authorization hook could not be run");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else
		snprintf(reason, reasonlen, "%s", line[0] != '\0' ? line :
		    "denied by the authorization hook");
out:
	if (in[0] != -1) close(in[0]);
	if (in[1] != -1) close(in[1]);
	if (outp[0] != -1) close(outp[0]);
	if (outp[1] != -1) close(outp[1]);
	return rc;
}

static void
hook_json_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char	 esc[7];
	unsigned char c;

	buf_append(b, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_append(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			buf_append(b, esc, 6);
		} else
			buf_append(b, s, 1);
	}
	buf_append(b, "\"", 1);
}

static void
hook_json_key(struct buf *b, const char *key)
{
	if (b->len > 1)
		buf_append(b, ",", 1);
	hook_json_escaped(b, key);
	buf_append(b, ":", 1);
}

void
hook_json_begin(struct buf *b)
{
	buf_reset(b);
	buf_append(b, "{", 1);
}

void
hook_json_string(struct buf *b, const char *key, const char *value)
{
	hook_json_key(b, key);
	if (value == NULL)
		buf_append_str(b, "null");
	else
		hook_json_escaped(b, value);
}

void
hook_json_number(struct buf *b, const char *key, long long value)
{
	char num[32];

	hook_json_key(b, key);
	snprintf(num, sizeof(num), "%lld", value);
	buf_append_str(b, num);
}

void
hook_json_bool(struct buf *b, const char *key, int value)
{
	hook_json_key(b, key);
	buf_append_str(b, value ? "true" : "false");
}

void
hook_json_strings(struct buf *b, const char *key, const char *const *values,
    size_t n)
{
	size_t i;

	hook_json_key(b, key);
	buf_append(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_append(b, ",", 1);
		hook_json_escaped(b, values[i]);
	}
	buf_append(b, "]", 1);
}

void
hook_json_end(struct buf *b)
{
	buf_append(b, "}\n", 2);
}
