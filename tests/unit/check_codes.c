/* check_codes: one-time enrollment codes spent in a state directory. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>

#include "est/codes.h"
#include "testpki.h"

static char dir[TP_PATH_MAX], state[TP_PATH_MAX], codes_path[TP_PATH_MAX];

/*
 * Linked with -Wl,--wrap=fsync: fsync fails with fsync_errno while it is
 * set, as a failing disk (EIO) or a filesystem that cannot sync a
 * directory (EINVAL) would. fsync_calls tells whether the wrap took.
 */
static int	fsync_errno, fsync_calls;

int	__wrap_fsync(int);
int	__real_fsync(int);

int
__wrap_fsync(int fd)
{
	fsync_calls++;
	if (fsync_errno != 0) {
		errno = fsync_errno;
		return -1;
	}
	return __real_fsync(fd);
}

static void
setup(void)
{
	tp_mkdtemp(dir);
	tp_path(state, dir, "state");
	ck_assert_int_eq(mkdir(state, 0700), 0);
	tp_path(codes_path, dir, "codes");
}

static void
teardown(void)
{
	tp_rmtree(dir);
}

/* Writes text as the codes file and loads it; d is initialised here. */
static struct codes *
load(const char *text, struct diag *d)
{
	tp_write_file(dir, "codes", text, strlen(text), 0600);
	diag_init(d);
	return codes_load(codes_path, state, d);
}

static int
redeem(const struct codes *c, const char *code, char *r, size_t rlen)
{
	strcpy(r, "untouched");
	return codes_redeem(c, code, strlen(code), r, rlen);
}

/* The lowercase hex SHA-256 of s. */
static void
sha256_hex(const char *s, char hex[65])
{
	unsigned char	h[32];
	unsigned int	n = 0;
	size_t		i;

	ck_assert_int_eq(EVP_Digest(s, strlen(s), h, &n, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* Number of entries in the state directory. */
static size_t
state_entries(void)
{
	DIR		*dp = opendir(state);
	struct dirent	*de;
	size_t		 n = 0;

	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

START_TEST(a_valid_code_redeems_once)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200];

	c = load("ABCD-1234\nEFGH-5678\n", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(codes_count(c), 2);
	ck_assert_int_eq(redeem(c, "ABCD-1234", r, sizeof(r)), 0);
	ck_assert_str_eq(r, "untouched");
	ck_assert_int_eq(redeem(c, "ABCD-1234", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code was already used");
	/* The other code is still good. */
	ck_assert_int_eq(redeem(c, "EFGH-5678", r, sizeof(r)), 0);
	ck_assert_uint_eq(state_entries(), 2);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(a_released_code_redeems_again)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200];

	c = load("ABCD-1234\nEFGH-5678\n", &d);
	ck_assert_ptr_nonnull(c);
	/* Nothing to give back before it was spent. */
	ck_assert_int_eq(codes_release(c, "ABCD-1234", 9), -1);
	ck_assert_int_eq(redeem(c, "ABCD-1234", r, sizeof(r)), 0);
	ck_assert_int_eq(redeem(c, "EFGH-5678", r, sizeof(r)), 0);
	ck_assert_int_eq(codes_release(c, "ABCD-1234", 9), 0);
	ck_assert_uint_eq(state_entries(), 1);
	ck_assert_int_eq(redeem(c, "ABCD-1234", r, sizeof(r)), 0);
	/* The other code stays spent. */
	ck_assert_int_eq(redeem(c, "EFGH-5678", r, sizeof(r)), -1);
	ck_assert_int_eq(codes_release(c, "", 0), -1);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(a_code_spent_by_one_worker_is_spent_for_all)
{
	struct codes	*a, *b;
	struct diag	 d1, d2;
	char		 r[200];

	a = load("shared-code\n", &d1);
	b = load("shared-code\n", &d2);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(redeem(a, "shared-code", r, sizeof(r)), 0);
	ck_assert_int_eq(redeem(b, "shared-code", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code was already used");
	codes_free(a);
	codes_free(b);
	diag_free(&d1);
	diag_free(&d2);
}
END_TEST

START_TEST(refuses_unknown_empty_and_overlong_codes)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200], big[CODES_MAX_LEN + 2];

	c = load("ABCD-1234\n", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(redeem(c, "ABCD-1235", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	ck_assert_int_eq(redeem(c, "abcd-1234", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	ck_assert_int_eq(redeem(c, "ABCD-1234 ", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	ck_assert_int_eq(redeem(c, "", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(redeem(c, big, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	/* A prefix of the code is not the code (length counts). */
	strcpy(r, "untouched");
	ck_assert_int_eq(codes_redeem(c, "ABCD-1234", 4, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code is not valid");
	ck_assert_uint_eq(state_entries(), 0);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(accepts_a_code_of_the_maximum_length)
{
	struct codes	*c;
	struct diag	 d;
	char		 code[CODES_MAX_LEN + 1], text[CODES_MAX_LEN + 2], r[200];

	memset(code, 'k', CODES_MAX_LEN);
	code[CODES_MAX_LEN] = '\0';
	snprintf(text, sizeof(text), "%s\n", code);
	c = load(text, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(codes_count(c), 1);
	ck_assert_int_eq(redeem(c, code, r, sizeof(r)), 0);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_code_longer_than_the_limit)
{
	struct codes	*c;
	struct diag	 d;
	char		 text[CODES_MAX_LEN + 16], want[TP_PATH_MAX + 64];

	memset(text, 'k', CODES_MAX_LEN + 1);
	strcpy(text + CODES_MAX_LEN + 1, "\nok\n");
	c = load(text, &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: a code is longer than 255 bytes", codes_path);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

START_TEST(skips_comments_blank_lines_and_crlf)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200];

	c = load("# codes for batch 7\n\none\r\n#two\ntwo\n", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(codes_count(c), 2);
	ck_assert_int_eq(redeem(c, "#two", r, sizeof(r)), -1);
	ck_assert_int_eq(redeem(c, "one", r, sizeof(r)), 0);
	ck_assert_int_eq(redeem(c, "two", r, sizeof(r)), 0);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(reports_an_empty_codes_file)
{
	struct codes	*c;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s: no enrollment codes", codes_path);
	c = load("", &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	c = load("# only a comment\n\n", &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

START_TEST(refuses_a_codes_file_others_may_read)
{
	struct codes	*c;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 96];

	tp_write_file(dir, "codes", "code-1\n", 7, 0644);
	diag_init(&d);
	c = codes_load(codes_path, state, &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: enrollment codes are accessible by "
	    "other users (mode 644); chmod 600 it", codes_path);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	/* Group-readable is the operator's choice (a group of admins). */
	tp_write_file(dir, "codes", "code-1\n", 7, 0640);
	diag_init(&d);
	c = codes_load(codes_path, state, &d);
	ck_assert_ptr_nonnull(c);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(refuses_a_state_directory_others_may_write)
{
	struct codes	*c;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 128];

	/* Even with the sticky bit: others could still fill it, or race us. */
	ck_assert_int_eq(chmod(state, 01777), 0);
	c = load("code\n", &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: enrollment code state directory is "
	    "writable by other users (mode 777); chmod o-w it", state);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	/* Group-writable is the operator's choice (workers of several users). */
	ck_assert_int_eq(chmod(state, 0770), 0);
	c = load("code\n", &d);
	ck_assert_ptr_nonnull(c);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_missing_state_directory)
{
	struct codes	*c;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 96];

	ck_assert_int_eq(rmdir(state), 0);
	c = load("code\n", &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: enrollment code state directory must "
	    "exist and be writable", state);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	/* A file is not a directory either. */
	tp_write_str(dir, "state", "x");
	c = load("code\n", &d);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_missing_codes_file_and_state_directory_together)
{
	struct codes	*c;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 96];

	ck_assert_int_eq(rmdir(state), 0);
	diag_init(&d);
	c = codes_load(codes_path, state, &d);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(diag_count(&d), 2);
	snprintf(want, sizeof(want), "%s: cannot open enrollment codes: No such "
	    "file or directory", codes_path);
	ck_assert_str_eq(d.msgs[1], want);
	diag_free(&d);
}
END_TEST

START_TEST(names_the_state_file_by_sha256_with_mode_0600_and_never_stores_the_code)
{
	struct codes	*c;
	struct diag	 d;
	struct stat	 st;
	DIR		*dp;
	struct dirent	*de;
	char		 hex[65], path[TP_PATH_MAX], r[200];
	char		 code[] = "Secret-Code-42";
	mode_t		 old = umask(0);

	c = load("Secret-Code-42\n", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(redeem(c, code, r, sizeof(r)), 0);
	umask(old);
	sha256_hex(code, hex);
	tp_path(path, state, hex);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_uint_eq(state_entries(), 1);
	/* Neither a name nor any content in the directory holds the code. */
	dp = opendir(state);
	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)) != NULL)
		ck_assert_ptr_null(strstr(de->d_name, "Secret"));
	closedir(dp);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(says_why_a_code_cannot_be_recorded)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200];

	c = load("late\nlater\n", &d);
	ck_assert_ptr_nonnull(c);
	/* The directory vanished after start-up: do not issue, and say that
	 * the server failed (-2), not that the client was refused (-1). */
	ck_assert_int_eq(rmdir(state), 0);
	ck_assert_int_eq(redeem(c, "late", r, sizeof(r)), -2);
	ck_assert_str_eq(r, "enrollment code cannot be recorded as used: "
	    "No such file or directory");
	/* Refusals stay refusals. */
	ck_assert_int_eq(redeem(c, "unknown", r, sizeof(r)), -1);
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(a_spent_code_reaches_the_disk_or_stays_unspent)
{
	struct codes	*c;
	struct diag	 d;
	char		 r[200];

	c = load("sync\n", &d);
	ck_assert_ptr_nonnull(c);
	/* The marker's directory entry is synced before the code counts as spent. */
	fsync_calls = 0;
	fsync_errno = EIO;
	ck_assert_int_eq(redeem(c, "sync", r, sizeof(r)), -2);
	ck_assert_int_eq(fsync_calls, 1);
	ck_assert_ptr_nonnull(strstr(r, "enrollment code cannot be recorded as used: "));
	ck_assert_ptr_nonnull(strstr(r, "Input/output error"));
	/* Not recorded, so not spent: the client may try again. */
	ck_assert_uint_eq(state_entries(), 0);
	/* A filesystem that cannot sync directories is taken as it is. */
	fsync_errno = EINVAL;
	ck_assert_int_eq(redeem(c, "sync", r, sizeof(r)), 0);
	ck_assert_uint_eq(state_entries(), 1);
	fsync_errno = 0;
	ck_assert_int_eq(redeem(c, "sync", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "enrollment code was already used");
	codes_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(free_accepts_null)
{
	codes_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("codes");
	TCase	*tc = tcase_create("codes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_valid_code_redeems_once);
	tcase_add_test(tc, a_released_code_redeems_again);
	tcase_add_test(tc, a_code_spent_by_one_worker_is_spent_for_all);
	tcase_add_test(tc, refuses_unknown_empty_and_overlong_codes);
	tcase_add_test(tc, accepts_a_code_of_the_maximum_length);
	tcase_add_test(tc, reports_a_code_longer_than_the_limit);
	tcase_add_test(tc, skips_comments_blank_lines_and_crlf);
	tcase_add_test(tc, reports_an_empty_codes_file);
	tcase_add_test(tc, refuses_a_codes_file_others_may_read);
	tcase_add_test(tc, refuses_a_state_directory_others_may_write);
	tcase_add_test(tc, reports_a_missing_state_directory);
	tcase_add_test(tc, reports_a_missing_codes_file_and_state_directory_together);
	tcase_add_test(tc, names_the_state_file_by_sha256_with_mode_0600_and_never_stores_the_code);
	tcase_add_test(tc, says_why_a_code_cannot_be_recorded);
	tcase_add_test(tc, a_spent_code_reaches_the_disk_or_stays_unspent);
	tcase_add_test(tc, free_accepts_null);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
