/* check_hook: the authorization program, its deadline and its JSON facts. */
#include "config.h"

#include <sys/resource.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "est/hook.h"
#include "testpki.h"

#define FACTS	"{\"label\":\"iot\",\"identity\":\"dev-1\"}\n"

static char dir[TP_PATH_MAX];

static void
setup(void)
{
	tp_mkdtemp(dir);
}

static void
teardown(void)
{
	tp_rmtree(dir);
}

/* Writes script as DIR/name (0755) and returns its path in path. */
static void
script(char path[TP_PATH_MAX], const char *name, const char *text)
{
	tp_write_script(dir, name, text);
	tp_path(path, dir, name);
}

static int
run(const char *path, unsigned timeout_ms, const char *json, char *reason,
    size_t reasonlen)
{
	strcpy(reason, "untouched");
	return hook_run(path, timeout_ms, json, json != NULL ? strlen(json) : 0,
	    reason, reasonlen);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A file of DIR, malloc'd and NUL-terminated (empty if absent). */
static char *
slurp(const char *name)
{
	char		 path[TP_PATH_MAX], chunk[1024], *s;
	struct buf	 b;
	FILE		*f;
	size_t		 n;

	tp_path(path, dir, name);
	buf_init(&b);
	if ((f = fopen(path, "r")) != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_append(&b, chunk, n);
		fclose(f);
	}
	/* NULs inside are kept: an environ file is NUL-separated. */
	s = calloc(1, b.len + 1);
	ck_assert_ptr_nonnull(s);
	if (b.len > 0)
		memcpy(s, b.data, b.len);
	buf_free(&b);
	return s;
}

START_TEST(exit_zero_allows)
{
	char path[TP_PATH_MAX], r[200];

	script(path, "allow", "#!/bin/sh\ncat >/dev/null\necho fine\nexit 0\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), 0);
	/* An allowing hook's output is not a reason. */
	ck_assert_str_eq(r, "untouched");
}
END_TEST

START_TEST(a_nonzero_exit_denies_with_the_first_output_line)
{
	char path[TP_PATH_MAX], r[200];

	script(path, "deny", "#!/bin/sh\ncat >/dev/null\n"
	    "printf 'device not in inventory\\nsecond line\\n'\nexit 1\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "device not in inventory");
}
END_TEST

START_TEST(a_reason_without_newline_and_with_control_bytes_is_cleaned)
{
	char path[TP_PATH_MAX], r[200];

	script(path, "deny", "#!/bin/sh\nprintf 'no\\033[31m\\tway'\nexit 3\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "no[31mway");
}
END_TEST

START_TEST(a_nonzero_exit_without_output_gets_the_default_reason)
{
	char path[TP_PATH_MAX], r[200];

	script(path, "silent", "#!/bin/sh\nexit 2\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "denied by the authorization hook");
	/* An empty first line counts as no output. */
	script(path, "blank", "#!/bin/sh\necho\necho later\nexit 1\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "denied by the authorization hook");
}
END_TEST

START_TEST(a_hook_past_the_timeout_is_killed_and_denies)
{
	char		path[TP_PATH_MAX], r[200];
	long long	t0, elapsed;

	script(path, "slow", "#!/bin/sh\necho allowed-too-late\nsleep 30\nexit 0\n");
	t0 = now_ms();
	ck_assert_int_eq(run(path, 300, FACTS, r, sizeof(r)), -1);
	elapsed = now_ms() - t0;
	ck_assert_str_eq(r, "authorization hook timed out after 300 ms");
	ck_assert_int_ge(elapsed, 300);
	ck_assert_int_lt(elapsed, 300 + 1000);
}
END_TEST

START_TEST(a_background_child_holding_stdout_does_not_extend_the_timeout)
{
	char		path[TP_PATH_MAX], r[200];
	long long	t0, elapsed;

	/* The hook exits at once; its child keeps the output pipe open. */
	script(path, "bg", "#!/bin/sh\n(sleep 30; echo late) &\nexit 0\n");
	t0 = now_ms();
	ck_assert_int_eq(run(path, 400, FACTS, r, sizeof(r)), -1);
	elapsed = now_ms() - t0;
	ck_assert_str_eq(r, "authorization hook timed out after 400 ms");
	ck_assert_int_lt(elapsed, 400 + 1000);
}
END_TEST

START_TEST(the_timeout_is_capped)
{
	char		path[TP_PATH_MAX], r[200];

	script(path, "quick", "#!/bin/sh\nexit 1\n");
	ck_assert_int_eq(run(path, HOOK_MAX_TIMEOUT_MS + 1, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "denied by the authorization hook");
}
END_TEST

START_TEST(a_hook_killed_by_a_signal_denies)
{
	char path[TP_PATH_MAX], r[200];

	script(path, "crash", "#!/bin/sh\necho about to crash\nkill -SEGV $$\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "authorization hook died of signal 11");
	script(path, "term", "#!/bin/sh\nkill -KILL $$\n");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "authorization hook died of signal 9");
}
END_TEST

START_TEST(a_missing_or_unexecutable_program_denies)
{
	char path[TP_PATH_MAX], r[200];

	tp_path(path, dir, "absent");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "authorization hook could not be run");
	tp_write_file(dir, "noexec", "#!/bin/sh\nexit 0\n", 17, 0644);
	tp_path(path, dir, "noexec");
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "authorization hook could not be run");
}
END_TEST

START_TEST(the_hook_receives_exactly_the_json_on_stdin)
{
	char	 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got;
	char	 json[] = "{\"a\":\"x\\\"y\",\"b\":[\"1\",\"2\"]}\n";

	snprintf(cmd, sizeof(cmd), "#!/bin/sh\ncat >'%s/stdin.txt'\nexit 0\n", dir);
	script(path, "record", cmd);
	ck_assert_int_eq(run(path, 5000, json, r, sizeof(r)), 0);
	got = slurp("stdin.txt");
	ck_assert_str_eq(got, json);
	free(got);
}
END_TEST

START_TEST(the_hook_receives_a_large_json_completely)
{
	char		 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got, *json;
	size_t		 n = 256 * 1024;

	/* More than a pipe holds: the writer must interleave with the reader. */
	json = malloc(n + 1);
	memset(json, 'j', n);
	json[n] = '\0';
	snprintf(cmd, sizeof(cmd), "#!/bin/sh\ncat >'%s/stdin.txt'\nexit 0\n", dir);
	script(path, "record", cmd);
	ck_assert_int_eq(run(path, 10000, json, r, sizeof(r)), 0);
	got = slurp("stdin.txt");
	ck_assert_uint_eq(strlen(got), n);
	ck_assert_int_eq(strcmp(got, json), 0);
	free(got);
	free(json);
}
END_TEST

START_TEST(a_hook_that_does_not_read_its_input_still_decides)
{
	char	 path[TP_PATH_MAX], r[200], *json;
	size_t	 n = 256 * 1024;

	json = malloc(n + 1);
	memset(json, 'j', n);
	json[n] = '\0';
	script(path, "deaf", "#!/bin/sh\necho 'not reading'\nexit 1\n");
	ck_assert_int_eq(run(path, 5000, json, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "not reading");
	script(path, "deaf-ok", "#!/bin/sh\nexit 0\n");
	ck_assert_int_eq(run(path, 5000, json, r, sizeof(r)), 0);
	free(json);
}
END_TEST

START_TEST(a_hook_that_neither_reads_nor_exits_is_killed_at_the_deadline)
{
	char		 path[TP_PATH_MAX], r[200], *json;
	size_t		 n = 256 * 1024;	/* far more than a pipe holds */
	long long	 t0, elapsed;

	json = malloc(n + 1);
	memset(json, 'j', n);
	json[n] = '\0';
	script(path, "stuck", "#!/bin/sh\nsleep 30\nexit 0\n");
	t0 = now_ms();
	ck_assert_int_eq(run(path, 300, json, r, sizeof(r)), -1);
	elapsed = now_ms() - t0;
	ck_assert_str_eq(r, "authorization hook timed out after 300 ms");
	ck_assert_int_lt(elapsed, 300 + 1000);
	free(json);
}
END_TEST

/* A 256 KiB facts object: more than a pipe holds. */
static char *
big_json(size_t n)
{
	char *json = malloc(n + 1);

	ck_assert_ptr_nonnull(json);
	memset(json, 'j', n);
	json[n] = '\0';
	return json;
}

START_TEST(a_hook_that_closes_its_stdout_first_still_gets_all_of_its_input)
{
	char	 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got, *json;
	size_t	 n = 256 * 1024;

	/* A log file for all output, then the facts: they must come whole. */
	json = big_json(n);
	snprintf(cmd, sizeof(cmd), "#!/bin/sh\nexec >/dev/null\n"
	    "cat >'%s/stdin.txt'\nexit 0\n", dir);
	script(path, "quiet", cmd);
	ck_assert_int_eq(run(path, 5000, json, r, sizeof(r)), 0);
	got = slurp("stdin.txt");
	ck_assert_uint_eq(strlen(got), n);
	free(got);
	free(json);
}
END_TEST

START_TEST(a_hook_with_much_output_still_decides_at_once)
{
	char		path[TP_PATH_MAX], r[200];
	long long	t0, elapsed;

	/* Far more than a pipe holds: read past HOOK_OUTPUT_MAX and dropped. */
	script(path, "chatty", "#!/bin/sh\ncat >/dev/null\n"
	    "head -c 1000000 /dev/zero | tr '\\0' x\nexit 0\n");
	t0 = now_ms();
	ck_assert_int_eq(run(path, 3000, FACTS, r, sizeof(r)), 0);
	elapsed = now_ms() - t0;
	ck_assert_int_lt(elapsed, 2000);
	script(path, "chatty-deny", "#!/bin/sh\ncat >/dev/null\necho 'too many'\n"
	    "head -c 1000000 /dev/zero | tr '\\0' x\nexit 1\n");
	ck_assert_int_eq(run(path, 3000, FACTS, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "too many");
}
END_TEST

START_TEST(a_hook_that_exits_unread_while_a_child_holds_its_stdin_decides)
{
	char		 path[TP_PATH_MAX], r[200], *json;
	long long	 t0, elapsed;

	/* Output ends and the hook exits; its child keeps stdin open, unread. */
	json = big_json(256 * 1024);
	script(path, "bg-stdin", "#!/bin/sh\n(sleep 30 >/dev/null 2>&1) &\nexit 0\n");
	t0 = now_ms();
	ck_assert_int_eq(run(path, 3000, json, r, sizeof(r)), 0);
	elapsed = now_ms() - t0;
	ck_assert_int_lt(elapsed, 2000);
	free(json);
}
END_TEST

START_TEST(the_hook_reads_its_facts_even_when_fd_0_was_free)
{
	char	 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got;
	int	 saved;

	/* The worker's stop handler closes fd 0: the input pipe can get it. */
	ck_assert_int_ge(saved = dup(0), 0);
	close(0);
	snprintf(cmd, sizeof(cmd), "#!/bin/sh\ncat >'%s/stdin.txt' || exit 1\n"
	    "exit 0\n", dir);
	script(path, "record", cmd);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), 0);
	dup2(saved, 0);
	close(saved);
	got = slurp("stdin.txt");
	ck_assert_str_eq(got, FACTS);
	free(got);
}
END_TEST

START_TEST(a_hook_that_cannot_be_started_is_a_server_error)
{
	char		path[TP_PATH_MAX], r[200];
	struct rlimit	old, rl;
	int		fds[32], n = 0;

	/* No descriptor left for the pipes (EMFILE): not the client's fault. */
	script(path, "allow", "#!/bin/sh\nexit 0\n");
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	rl.rlim_cur = 32;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	while (n < 32 && (fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
		n++;
	ck_assert_int_lt(n, 32);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -2);
	ck_assert_str_eq(r, "authorization hook: cannot create pipes: "
	    "Too many open files");
	/* One descriptor free is still not two pipes. */
	close(fds[--n]);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), -2);
	while (n > 0)
		close(fds[--n]);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), 0);
}
END_TEST

START_TEST(the_hook_gets_no_arguments_and_a_minimal_environment)
{
	char	 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got;

	setenv("EST_SECRET_FROM_PARENT", "leak", 1);
	snprintf(cmd, sizeof(cmd), "#!/bin/sh\ncat >/dev/null\n"
	    "echo \"$#\" >'%s/argc.txt'\n/usr/bin/env | sort >'%s/env.txt'\n"
	    "exit 0\n", dir, dir);
	script(path, "env", cmd);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), 0);
	got = slurp("argc.txt");
	ck_assert_str_eq(got, "0\n");
	free(got);
	got = slurp("env.txt");
	/* dash adds PWD to what it exports; nothing else is inherited. */
	ck_assert_ptr_nonnull(strstr(got, "LC_ALL=C\n"));
	ck_assert_ptr_nonnull(strstr(got, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"));
	ck_assert_ptr_null(strstr(got, "EST_SECRET_FROM_PARENT"));
	ck_assert_ptr_null(strstr(got, "HOME="));
	free(got);
}
END_TEST

START_TEST(the_hook_environment_is_exactly_path_and_lc_all)
{
	char	 path[TP_PATH_MAX], cmd[3 * TP_PATH_MAX], r[200], *got;

	/* The kernel's view of what execve passed, before the shell adds PWD. */
	snprintf(cmd, sizeof(cmd), "#!/bin/sh\ncat >/dev/null\n"
	    "cat /proc/$$/environ >'%s/environ'\nexit 0\n", dir);
	script(path, "environ", cmd);
	ck_assert_int_eq(run(path, 5000, FACTS, r, sizeof(r)), 0);
	got = slurp("environ");
	/* NUL-separated: exactly two entries. */
	ck_assert_str_eq(got, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(got + strlen(got) + 1, "LC_ALL=C");
	free(got);
	tp_path(path, dir, "environ");
	{
		FILE	*f = fopen(path, "r");
		long	 size;

		ck_assert_ptr_nonnull(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fclose(f);
		ck_assert_int_eq(size, (long)sizeof("PATH=/usr/sbin:/usr/bin:/sbin:/bin") +
		    (long)sizeof("LC_ALL=C"));
	}
}
END_TEST

/*
 * Nothing but stdin, stdout and stderr: the worker's other descriptors (its
 * FastCGI listening socket, the front server's connection) would let the
 * hook, or what it leaves running, answer the front server itself.
 */
START_TEST(the_hook_inherits_no_other_descriptor)
{
	char	 path[TP_PATH_MAX], r[200];
	int	 fd;

	/* An open descriptor without close-on-exec, as a socket would be. */
	ck_assert_int_ge(fd = open("/dev/null", O_RDONLY), 0);
	ck_assert_int_eq(dup2(fd, 42), 42);
	close(fd);
	ck_assert_int_eq(fcntl(42, F_GETFD) & FD_CLOEXEC, 0);
	script(path, "fds", "#!/bin/sh\ncat >/dev/null\n"
	    "if [ -e /proc/$$/fd/42 ]; then echo 'descriptor 42 inherited'; exit 1; fi\n"
	    "exit 0\n");
	ck_assert_msg(run(path, 5000, FACTS, r, sizeof(r)) == 0, "hook: %s", r);
	close(42);
}
END_TEST

START_TEST(json_escapes_quotes_backslashes_and_control_characters)
{
	struct buf b;

	buf_init(&b);
	hook_json_begin(&b);
	hook_json_string(&b, "s", "a\"b\\c\nd\te\x01" "f\x1f" "g\x7f" "h/\xc3\xa9");
	hook_json_end(&b);
	buf_append(&b, "", 1);
	ck_assert_str_eq((char *)b.data,
	    "{\"s\":\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001f\\u001fg\\u007fh/\xc3\xa9\"}\n");
	buf_free(&b);
}
END_TEST

START_TEST(json_escapes_keys_too)
{
	struct buf b;

	buf_init(&b);
	hook_json_begin(&b);
	hook_json_number(&b, "k\"", 1);
	hook_json_end(&b);
	buf_append(&b, "", 1);
	ck_assert_str_eq((char *)b.data, "{\"k\\\"\":1}\n");
	buf_free(&b);
}
END_TEST

START_TEST(json_writes_numbers_booleans_nulls_and_arrays)
{
	const char *const	sans[] = { "DNS:a.example", "IP:10.0.0.1", "x\"y" };
	struct buf		b;

	buf_init(&b);
	buf_append_str(&b, "stale");
	hook_json_begin(&b);
	hook_json_string(&b, "label", "");
	hook_json_string(&b, "client_serial", NULL);
	hook_json_number(&b, "key_bits", 2048);
	hook_json_number(&b, "neg", -9223372036854775807LL - 1);
	hook_json_bool(&b, "registration_authority", 1);
	hook_json_bool(&b, "f", 0);
	hook_json_strings(&b, "csr_san", sans, 3);
	hook_json_strings(&b, "none", NULL, 0);
	hook_json_end(&b);
	buf_append(&b, "", 1);
	ck_assert_str_eq((char *)b.data, "{\"label\":\"\",\"client_serial\":null,"
	    "\"key_bits\":2048,\"neg\":-9223372036854775808,"
	    "\"registration_authority\":true,\"f\":false,"
	    "\"csr_san\":[\"DNS:a.example\",\"IP:10.0.0.1\",\"x\\\"y\"],"
	    "\"none\":[]}\n");
	buf_free(&b);
}
END_TEST

START_TEST(json_of_an_empty_object)
{
	struct buf b;

	buf_init(&b);
	hook_json_begin(&b);
	hook_json_end(&b);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_mem_eq(b.data, "{}\n", 3);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("hook");
	TCase	*tc = tcase_create("hook");

	/* As the worker does (estd.c): a hook that stops reading must not
	 * kill the caller with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, exit_zero_allows);
	tcase_add_test(tc, a_nonzero_exit_denies_with_the_first_output_line);
	tcase_add_test(tc, a_reason_without_newline_and_with_control_bytes_is_cleaned);
	tcase_add_test(tc, a_nonzero_exit_without_output_gets_the_default_reason);
	tcase_add_test(tc, a_hook_past_the_timeout_is_killed_and_denies);
	tcase_add_test(tc, a_background_child_holding_stdout_does_not_extend_the_timeout);
	tcase_add_test(tc, the_timeout_is_capped);
	tcase_add_test(tc, a_hook_killed_by_a_signal_denies);
	tcase_add_test(tc, a_missing_or_unexecutable_program_denies);
	tcase_add_test(tc, the_hook_receives_exactly_the_json_on_stdin);
	tcase_add_test(tc, the_hook_receives_a_large_json_completely);
	tcase_add_test(tc, a_hook_that_does_not_read_its_input_still_decides);
	tcase_add_test(tc, a_hook_that_neither_reads_nor_exits_is_killed_at_the_deadline);
	tcase_add_test(tc, a_hook_that_closes_its_stdout_first_still_gets_all_of_its_input);
	tcase_add_test(tc, a_hook_with_much_output_still_decides_at_once);
	tcase_add_test(tc, a_hook_that_exits_unread_while_a_child_holds_its_stdin_decides);
	tcase_add_test(tc, the_hook_reads_its_facts_even_when_fd_0_was_free);
	tcase_add_test(tc, a_hook_that_cannot_be_started_is_a_server_error);
	tcase_add_test(tc, the_hook_gets_no_arguments_and_a_minimal_environment);
	tcase_add_test(tc, the_hook_environment_is_exactly_path_and_lc_all);
	tcase_add_test(tc, the_hook_inherits_no_other_descriptor);
	tcase_add_test(tc, json_escapes_quotes_backslashes_and_control_characters);
	tcase_add_test(tc, json_escapes_keys_too);
	tcase_add_test(tc, json_writes_numbers_booleans_nulls_and_arrays);
	tcase_add_test(tc, json_of_an_empty_object);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
