/* check_htpasswd: users and crypt(3) hashes from an htpasswd file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "est/htpasswd.h"
#include "testpki.h"

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

/* Writes text as DIR/users and loads it; problems in d (initialised here). */
static struct htpasswd *
load(const char *text, struct diag *d)
{
	char path[TP_PATH_MAX];

	tp_write_str(dir, "users", text);
	tp_path(path, dir, "users");
	diag_init(d);
	return htpasswd_load(path, d);
}

/* "user:" crypt(prefix, password) "\n", malloc'd. */
static char *
entry(const char *user, const char *prefix, const char *password)
{
	char *hash = tp_crypt(prefix, password), *line;

	ck_assert_int_ne(asprintf(&line, "%s:%s\n", user, hash), -1);
	free(hash);
	return line;
}

static void
assert_loads_and_checks(const char *prefix)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*line = entry("alice", prefix, "correct horse");

	ck_assert_int_eq(strncmp(line + 6, prefix, strlen(prefix)), 0);
	h = load(line, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(htpasswd_count(h), 1);
	ck_assert_int_eq(htpasswd_check(h, "alice", "correct horse"), 1);
	ck_assert_int_eq(htpasswd_check(h, "alice", "correct horsE"), 0);
	ck_assert_int_eq(htpasswd_check(h, "alice", ""), 0);
	ck_assert_int_eq(htpasswd_check(h, "Alice", "correct horse"), 0);
	ck_assert_int_eq(htpasswd_check(h, "bob", "correct horse"), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(line);
}

START_TEST(checks_bcrypt_2y_hashes)
{
	assert_loads_and_checks("$2y$");
}
END_TEST

START_TEST(checks_bcrypt_2b_hashes)
{
	assert_loads_and_checks("$2b$");
}
END_TEST

START_TEST(checks_yescrypt_hashes)
{
	assert_loads_and_checks("$y$");
}
END_TEST

START_TEST(checks_sha512_crypt_hashes)
{
	assert_loads_and_checks("$6$");
}
END_TEST

START_TEST(checks_sha256_crypt_hashes)
{
	assert_loads_and_checks("$5$");
}
END_TEST

START_TEST(checks_a_fixed_sha512_crypt_vector)
{
	/* From the glibc/Drepper SHA-crypt specification's test vectors. */
	struct htpasswd	*h;
	struct diag	 d;

	h = load("u:$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJu"
	    "esI68u4OTLiBFdcbYEdFCoEOfaS35inz1\n", &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(htpasswd_check(h, "u", "Hello world!"), 1);
	ck_assert_int_eq(htpasswd_check(h, "u", "Hello world"), 0);
	htpasswd_free(h);
	diag_free(&d);
}
END_TEST

START_TEST(keeps_several_users_apart)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*a = entry("alice", "$6$", "pw-a"), *b = entry("bob", "$y$", "pw-b");
	char		*text;

	ck_assert_int_ne(asprintf(&text, "%s%s", a, b), -1);
	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(htpasswd_count(h), 2);
	ck_assert_int_eq(htpasswd_check(h, "alice", "pw-a"), 1);
	ck_assert_int_eq(htpasswd_check(h, "bob", "pw-b"), 1);
	ck_assert_int_eq(htpasswd_check(h, "alice", "pw-b"), 0);
	ck_assert_int_eq(htpasswd_check(h, "bob", "pw-a"), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(text);
	free(a);
	free(b);
}
END_TEST

/* line must be refused with a message naming user and not containing secret. */
static void
assert_refused(const char *line, const char *user, const char *secret)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		 want[TP_PATH_MAX + 128];

	h = load(line, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/users:1: user %s: unsupported or weak "
	    "hash (use htpasswd -B for bcrypt)", dir, user);
	ck_assert_str_eq(d.msgs[0], want);
	ck_assert_ptr_null(strstr(d.msgs[0], secret));
	diag_free(&d);
}

START_TEST(refuses_apache_md5_hashes_naming_the_user_not_the_hash)
{
	/* htpasswd -nbm user pass */
	assert_refused("md5user:$apr1$PHm2gJo8$HzH9BqCW6AgjjA0IjTmAb.\n", "md5user",
	    "$apr1$PHm2gJo8");
}
END_TEST

START_TEST(refuses_sha1_hashes_naming_the_user_not_the_hash)
{
	/* htpasswd -nbs user pass */
	assert_refused("shauser:{SHA}nU4eI71bcnBGqeO0t9tXvY1u5oQ=\n", "shauser",
	    "nU4eI71bcnBGqeO0t9tXvY1u5oQ");
}
END_TEST

START_TEST(refuses_plain_and_des_entries_naming_the_user_not_the_hash)
{
	assert_refused("plainuser:hunter2\n", "plainuser", "hunter2");
	assert_refused("desuser:rl0uE2RmJ5hDc\n", "desuser", "rl0uE2RmJ5hDc");
	assert_refused("md5crypt:$1$saltsalt$qjXMvbEw8oaL.CzflDugX/\n", "md5crypt",
	    "qjXMvbEw8oaL");
	assert_refused("empty:\n", "empty", "(no hash to leak)");
}
END_TEST

START_TEST(reports_every_bad_line_and_loads_nothing)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*good = entry("ok", "$6$", "pw"), *text, want[TP_PATH_MAX + 64];

	ck_assert_int_ne(asprintf(&text, "%sa:{SHA}x\nno colon here\n:$6$x$y\nb:plain\n",
	    good), -1);
	h = load(text, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 4);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "users:2: user a: unsupported"));
	snprintf(want, sizeof(want), "%s/users:3: not \"user:hash\"", dir);
	ck_assert_str_eq(d.msgs[1], want);
	snprintf(want, sizeof(want), "%s/users:4: not \"user:hash\"", dir);
	ck_assert_str_eq(d.msgs[2], want);
	ck_assert_ptr_nonnull(strstr(d.msgs[3], "users:5: user b: unsupported"));
	diag_free(&d);
	free(text);
	free(good);
}
END_TEST

START_TEST(unknown_users_and_wrong_passwords_fail_alike)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*line = entry("alice", "$6$", "secret");

	h = load(line, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(htpasswd_check(h, "mallory", "secret"), 0);
	ck_assert_int_eq(htpasswd_check(h, "mallory", ""), 0);
	ck_assert_int_eq(htpasswd_check(h, "", "secret"), 0);
	ck_assert_int_eq(htpasswd_check(h, "alice", "Secret"), 0);
	ck_assert_int_eq(htpasswd_check(h, "alice", "secret"), 1);
	htpasswd_free(h);
	diag_free(&d);
	free(line);
}
END_TEST

START_TEST(refuses_overlong_user_names_and_passwords)
{
	char		 user[HTPASSWD_MAX_USER + 2], pw[HTPASSWD_MAX_PASSWORD + 2];
	char		*a, *b, *text;
	struct htpasswd	*h;
	struct diag	 d;

	memset(user, 'u', sizeof(user) - 1);
	user[HTPASSWD_MAX_USER] = '\0';		/* the longest allowed */
	memset(pw, 'p', sizeof(pw) - 1);
	pw[HTPASSWD_MAX_PASSWORD] = '\0';
	a = entry(user, "$6$", "pw");
	b = entry("long", "$6$", pw);
	ck_assert_int_ne(asprintf(&text, "%s%s", a, b), -1);
	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(htpasswd_count(h), 2);
	ck_assert_int_eq(htpasswd_check(h, user, "pw"), 1);
	ck_assert_int_eq(htpasswd_check(h, "long", pw), 1);
	/* One byte more is refused before any hashing. */
	user[HTPASSWD_MAX_USER] = 'u';
	user[HTPASSWD_MAX_USER + 1] = '\0';
	ck_assert_int_eq(htpasswd_check(h, user, "pw"), 0);
	pw[HTPASSWD_MAX_PASSWORD] = 'p';
	pw[HTPASSWD_MAX_PASSWORD + 1] = '\0';
	ck_assert_int_eq(htpasswd_check(h, "long", pw), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(text);
	free(a);
	free(b);
}
END_TEST

START_TEST(refuses_bcrypt_passwords_past_the_limit_even_if_the_prefix_matches)
{
	/* bcrypt reads 72 bytes: without the length cap, any longer password
	 * with the same first 72 bytes would match. */
	char		 pw[HTPASSWD_MAX_PASSWORD + 2], *line;
	struct htpasswd	*h;
	struct diag	 d;

	memset(pw, 'x', sizeof(pw) - 1);
	pw[72] = '\0';
	line = entry("b", "$2y$", pw);
	h = load(line, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(htpasswd_check(h, "b", pw), 1);
	pw[72] = 'x';
	pw[HTPASSWD_MAX_PASSWORD + 1] = '\0';
	ck_assert_int_eq(htpasswd_check(h, "b", pw), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(line);
}
END_TEST

START_TEST(refuses_user_names_longer_than_the_limit_in_the_file)
{
	char		 user[HTPASSWD_MAX_USER + 2], *line, want[TP_PATH_MAX + 64];
	struct htpasswd	*h;
	struct diag	 d;

	memset(user, 'u', sizeof(user) - 1);
	user[HTPASSWD_MAX_USER + 1] = '\0';
	line = entry(user, "$6$", "pw");
	h = load(line, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/users:1: not \"user:hash\"", dir);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	free(line);
}
END_TEST

START_TEST(loads_an_empty_file_with_no_users)
{
	struct htpasswd	*h;
	struct diag	 d;

	h = load("", &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(htpasswd_count(h), 0);
	ck_assert_int_eq(htpasswd_check(h, "", ""), 0);
	ck_assert_int_eq(htpasswd_check(h, "alice", "x"), 0);
	htpasswd_free(h);
	diag_free(&d);
}
END_TEST

START_TEST(skips_comments_and_blank_lines)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*e = entry("carol", "$y$", "pw"), *text;

	ck_assert_int_ne(asprintf(&text, "# users for the iot label\n\n"
	    "#dave:{SHA}x\n\r\n%s# trailing comment\n", e), -1);
	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(htpasswd_count(h), 1);
	ck_assert_int_eq(htpasswd_check(h, "carol", "pw"), 1);
	ck_assert_int_eq(htpasswd_check(h, "#dave", "x"), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(text);
	free(e);
}
END_TEST

START_TEST(accepts_crlf_line_endings)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*e = entry("win", "$6$", "pw"), *text;

	e[strlen(e) - 1] = '\0';
	ck_assert_int_ne(asprintf(&text, "%s\r\n", e), -1);
	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(htpasswd_check(h, "win", "pw"), 1);
	htpasswd_free(h);
	diag_free(&d);
	free(text);
	free(e);
}
END_TEST

START_TEST(reports_a_line_too_long)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		 line[2048], want[TP_PATH_MAX + 64];

	memset(line, 'a', sizeof(line));
	memcpy(line, "x:$6$", 5);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	h = load(line, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/users:1: line too long", dir);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_missing_file)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		 path[TP_PATH_MAX], want[TP_PATH_MAX + 64];

	tp_path(path, dir, "absent");
	diag_init(&d);
	h = htpasswd_load(path, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: cannot open password file: No such file "
	    "or directory", path);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	htpasswd_free(NULL);
}
END_TEST

START_TEST(refuses_a_file_others_may_write)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		 path[TP_PATH_MAX], want[TP_PATH_MAX + 96];
	char		*line = entry("demo", "$6$", "demo-pw");

	h = load(line, &d);
	ck_assert_ptr_nonnull(h);
	htpasswd_free(h);
	diag_free(&d);
	tp_path(path, dir, "users");
	ck_assert_int_eq(chmod(path, 0666), 0);
	diag_init(&d);
	ck_assert_ptr_null(htpasswd_load(path, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s: password file is writable by other "
	    "users (mode 666); chmod o-w it", path);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	free(line);
}
END_TEST

/*
 * A hash cut short or followed by blanks (a copy and paste) never matches:
 * the user silently could not log in, and libcrypt refuses it at once, so
 * as the first entry (the one hashed for unknown users) it made unknown
 * users answer fast and known ones slow. Refused at load, naming the user.
 */
static void
assert_malformed(const char *user, const char *hash)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*text, *good = entry("ok", "$6$", "pw");
	char		 want[TP_PATH_MAX + 128];

	ck_assert_int_ne(asprintf(&text, "%s:%s\n%s", user, hash, good), -1);
	h = load(text, &d);
	ck_assert_msg(h == NULL, "accepted %s", hash);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/users:1: user %s: malformed hash "
	    "(cut short, or text after it?)", dir, user);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	free(text);
	free(good);
}

START_TEST(refuses_malformed_hashes)
{
	char	*b = tp_crypt("$2y$", "pw"), *s6 = tp_crypt("$6$", "pw");
	char	*y = tp_crypt("$y$", "pw"), buf[256];

	snprintf(buf, sizeof(buf), "%s ", b);
	assert_malformed("space", buf);
	snprintf(buf, sizeof(buf), "%s\t", s6);
	assert_malformed("tab", buf);
	snprintf(buf, sizeof(buf), "%.*s", (int)strlen(b) - 1, b);
	assert_malformed("short-bcrypt", buf);
	snprintf(buf, sizeof(buf), "%.*s", (int)strlen(s6) - 1, s6);
	assert_malformed("short-sha512", buf);
	snprintf(buf, sizeof(buf), "%sA", y);
	assert_malformed("long-yescrypt", buf);
	assert_malformed("setting-only", "$2y$10$");
	assert_malformed("no-hash", "$6$saltsalt$");
	assert_malformed("bad-char", "$6$sa!t$"
	    "AkOOBO38SQQ8T8Q46KuCONe.8zg41nvCDKDq7pVQd2n2hy8sf8aR3G89VY.57up0"
	    "eSIa/69odCCcLT4hx7FpW/");
	free(b);
	free(s6);
	free(y);
}
END_TEST

static void
assert_loads_pw(const char *line)
{
	struct htpasswd	*h;
	struct diag	 d;

	h = load(line, &d);
	ck_assert_msg(h != NULL, "refused %s", line);
	ck_assert_int_eq(htpasswd_check(h, "u", "pw"), 1);
	htpasswd_free(h);
	diag_free(&d);
}

/* Well-formed ones of every accepted kind, rounds= included. */
START_TEST(accepts_well_formed_hashes_of_each_kind)
{
	static const char *const prefixes[] = { "$2y$", "$2b$", "$2a$", "$y$",
	    "$gy$", "$7$", "$6$", "$5$", NULL };
	/* crypt("pw", "$N$rounds=1000$salt$"): gensalt writes no rounds=. */
	static const char *const rounds[] = {
	    "u:$6$rounds=1000$salt$d7eV9s8slZkQfSpeUNlCmopaL.Tpt4XY61764aINp2KR"
	    "zpE5Z1iZ0R2WyFPpdxHBQpj2PwPDM2H3NdKLRu/Ax/\n",
	    "u:$5$rounds=1000$salt$gdEupGonUIiJCMc1vfHpiFjFhRA3Jf3USQ7IYKjZitD\n",
	    NULL };
	char		*line;
	size_t		 i;

	for (i = 0; prefixes[i] != NULL; i++) {
		line = entry("u", prefixes[i], "pw");
		assert_loads_pw(line);
		free(line);
	}
	for (i = 0; rounds[i] != NULL; i++)
		assert_loads_pw(rounds[i]);
}
END_TEST

/* text loaded; htpasswd_mixed_costs' answer (NULL for none). */
static void
assert_mixed(const char *text, const char *want)
{
	struct htpasswd	*h;
	struct diag	 d;
	const char	*got;

	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	got = htpasswd_mixed_costs(h);
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s named for %s", got, text);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "%s named for %s", got ? got : "nobody", text);
	htpasswd_free(h);
	diag_free(&d);
}

/*
 * An unknown user costs the first entry's hash: a user whose hash has
 * another method or cost answers in another time, which service_load
 * warns about. Same method and cost with other salts is not mixed.
 */
START_TEST(names_a_user_whose_hash_costs_differently)
{
	static const char *const same[] = { "$2y$", "$y$", "$gy$", "$7$",
	    "$6$", "$5$", NULL };
	static const char b12[] = "e:$2y$12$3i4LVN64sL0dmnui13Rg7ea1HUvp7gYlM2"
	    "QZQVCpMfCr9bJ0sCkMu\n";
	static const char r1000[] = "r:$6$rounds=1000$salt$d7eV9s8slZkQfSpeUNlC"
	    "mopaL.Tpt4XY61764aINp2KRzpE5Z1iZ0R2WyFPpdxHBQpj2PwPDM2H3NdKLRu/Ax/\n";
	char	*a, *b, *text;
	size_t	 i;

	for (i = 0; same[i] != NULL; i++) {
		a = entry("a", same[i], "pw");
		b = entry("b", same[i], "pw2");
		ck_assert_int_ne(asprintf(&text, "%s%s", a, b), -1);
		assert_mixed(text, NULL);
		free(text);
		free(a);
		free(b);
	}
	a = entry("a", "$2y$", "pw");		/* cost 5 */
	b = entry("b", "$6$", "pw");
	ck_assert_int_ne(asprintf(&text, "%s%s", a, b), -1);
	assert_mixed(text, "b");
	free(text);
	ck_assert_int_ne(asprintf(&text, "%s%s", a, b12), -1);
	assert_mixed(text, "e");
	free(text);
	ck_assert_int_ne(asprintf(&text, "%s%s", b, r1000), -1);
	assert_mixed(text, "r");
	free(text);
	free(a);
	free(b);
}
END_TEST

/*
 * Apache's htpasswd -B changes the first line of a user listed twice, and
 * mod_authn_file reads the first: with the last one winning, a changed
 * password left the old one valid here. Refused, naming both lines.
 */
START_TEST(refuses_a_user_listed_twice)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*a = entry("x", "$6$", "old"), *b = entry("x", "$6$", "new");
	char		*c = entry("y", "$6$", "pw"), *text, want[TP_PATH_MAX + 64];

	ck_assert_int_ne(asprintf(&text, "%s%s# comment\n%s", a, c, b), -1);
	h = load(text, &d);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/users:4: user x is already on line 1",
	    dir);
	ck_assert_str_eq(d.msgs[0], want);
	diag_free(&d);
	free(text);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* Not the same user: names differ in case, or one is a prefix. */
START_TEST(keeps_names_that_differ_in_case_or_length)
{
	struct htpasswd	*h;
	struct diag	 d;
	char		*a = entry("x", "$6$", "a"), *b = entry("X", "$6$", "b");
	char		*c = entry("xx", "$6$", "c"), *text;

	ck_assert_int_ne(asprintf(&text, "%s%s%s", a, b, c), -1);
	h = load(text, &d);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(htpasswd_count(h), 3);
	ck_assert_int_eq(htpasswd_check(h, "x", "a"), 1);
	ck_assert_int_eq(htpasswd_check(h, "X", "b"), 1);
	ck_assert_int_eq(htpasswd_check(h, "xx", "c"), 1);
	ck_assert_int_eq(htpasswd_check(h, "x", "b"), 0);
	htpasswd_free(h);
	diag_free(&d);
	free(text);
	free(a);
	free(b);
	free(c);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("htpasswd");
	TCase	*tc = tcase_create("htpasswd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, checks_bcrypt_2y_hashes);
	tcase_add_test(tc, checks_bcrypt_2b_hashes);
	tcase_add_test(tc, checks_yescrypt_hashes);
	tcase_add_test(tc, checks_sha512_crypt_hashes);
	tcase_add_test(tc, checks_sha256_crypt_hashes);
	tcase_add_test(tc, checks_a_fixed_sha512_crypt_vector);
	tcase_add_test(tc, keeps_several_users_apart);
	tcase_add_test(tc, refuses_apache_md5_hashes_naming_the_user_not_the_hash);
	tcase_add_test(tc, refuses_sha1_hashes_naming_the_user_not_the_hash);
	tcase_add_test(tc, refuses_plain_and_des_entries_naming_the_user_not_the_hash);
	tcase_add_test(tc, reports_every_bad_line_and_loads_nothing);
	tcase_add_test(tc, unknown_users_and_wrong_passwords_fail_alike);
	tcase_add_test(tc, refuses_overlong_user_names_and_passwords);
	tcase_add_test(tc, refuses_bcrypt_passwords_past_the_limit_even_if_the_prefix_matches);
	tcase_add_test(tc, refuses_user_names_longer_than_the_limit_in_the_file);
	tcase_add_test(tc, loads_an_empty_file_with_no_users);
	tcase_add_test(tc, skips_comments_and_blank_lines);
	tcase_add_test(tc, accepts_crlf_line_endings);
	tcase_add_test(tc, reports_a_line_too_long);
	tcase_add_test(tc, reports_a_missing_file);
	tcase_add_test(tc, refuses_a_file_others_may_write);
	tcase_add_test(tc, refuses_malformed_hashes);
	tcase_add_test(tc, accepts_well_formed_hashes_of_each_kind);
	tcase_add_test(tc, names_a_user_whose_hash_costs_differently);
	tcase_add_test(tc, refuses_a_user_listed_twice);
	tcase_add_test(tc, keeps_names_that_differ_in_case_or_length);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
