/* check_log: log_sanitize, levels, and the stderr sink. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "est/log.h"
#include "testpki.h"

static const char *
san(const char *in, size_t inlen, size_t outlen)
{
	static char out[256];

	memset(out, '#', sizeof(out));
	return log_sanitize(in, inlen, out, outlen);
}

START_TEST(sanitize_keeps_printable_ascii)
{
	const char *s = "CN=device-1, O=Example \"Corp\" ~{}";

	ck_assert_str_eq(san(s, strlen(s), 256), s);
}
END_TEST

START_TEST(sanitize_escapes_control_characters)
{
	ck_assert_str_eq(san("a\nb\rc\td\x1b[31m", 12, 256),
	    "a\\x0ab\\x0dc\\x09d\\x1b[31m");
}
END_TEST

START_TEST(sanitize_escapes_del_and_high_bytes)
{
	ck_assert_str_eq(san("\x7f\x80\xff\xc3\xa9", 5, 256),
	    "\\x7f\\x80\\xff\\xc3\\xa9");
}
END_TEST

START_TEST(sanitize_escapes_embedded_nul_within_length)
{
	ck_assert_str_eq(san("a\0b", 3, 256), "a\\x00b");
}
END_TEST

START_TEST(sanitize_returns_out)
{
	char out[8];

	ck_assert_ptr_eq(log_sanitize("x", 1, out, sizeof(out)), out);
}
END_TEST

START_TEST(sanitize_truncates_to_the_output_size)
{
	char out[5];

	ck_assert_str_eq(log_sanitize("abcdefgh", 8, out, sizeof(out)), "abcd");
	ck_assert_str_eq(san("abcdefgh", 8, 1), "");
}
END_TEST

START_TEST(sanitize_never_splits_an_escape)
{
	/* "ab" + "\x0a" needs 6 bytes + NUL; with 6 the escape is dropped whole. */
	ck_assert_str_eq(san("ab\ncd", 5, 6), "ab");
	ck_assert_str_eq(san("ab\ncd", 5, 7), "ab\\x0a");
	ck_assert_str_eq(san("ab\ncd", 5, 8), "ab\\x0ac");
}
END_TEST

/* A user name must not end client="..." and forge the fields after it. */
START_TEST(quote_escapes_double_quotes_only)
{
	char out[64], small[8];

	ck_assert_str_eq(log_quote("user:x\" status=200 issued", out, sizeof(out)),
	    "user:x\\x22 status=200 issued");
	ck_assert_str_eq(log_quote("CN=a\\,b", out, sizeof(out)), "CN=a\\,b");
	/* Never half an escape. */
	ck_assert_str_eq(log_quote("abcd\"e", small, sizeof(small)), "abcd");
	ck_assert_str_eq(log_quote("ab\"e", small, sizeof(small)), "ab\\x22e");
}
END_TEST

START_TEST(sanitize_with_no_room_writes_nothing)
{
	char out[2] = { 'Z', 'Z' };

	log_sanitize("abc", 3, out, 0);
	ck_assert_int_eq(out[0], 'Z');
}
END_TEST

START_TEST(parses_and_names_levels)
{
	ck_assert_int_eq(log_level_parse("error"), LOG_LEVEL_ERROR);
	ck_assert_int_eq(log_level_parse("warning"), LOG_LEVEL_WARNING);
	ck_assert_int_eq(log_level_parse("info"), LOG_LEVEL_INFO);
	ck_assert_int_eq(log_level_parse("debug"), LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_level_parse("warn"), -1);
	ck_assert_int_eq(log_level_parse("INFO"), -1);
	ck_assert_int_eq(log_level_parse(""), -1);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_ERROR), "error");
	ck_assert_str_eq(log_level_name(LOG_LEVEL_DEBUG), "debug");
	ck_assert_str_eq(log_level_name(LOG_LEVEL_MAX), "unknown");
}
END_TEST

START_TEST(threshold_enables_levels_up_to_it)
{
	log_open("test", LOG_TARGET_STDERR, LOG_LEVEL_WARNING);
	ck_assert_int_eq(log_enabled(LOG_LEVEL_ERROR), 1);
	ck_assert_int_eq(log_enabled(LOG_LEVEL_WARNING), 1);
	ck_assert_int_eq(log_enabled(LOG_LEVEL_INFO), 0);
	ck_assert_int_eq(log_enabled(LOG_LEVEL_DEBUG), 0);
	log_open("test", LOG_TARGET_STDERR, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_enabled(LOG_LEVEL_DEBUG), 1);
	log_close();
}
END_TEST

START_TEST(stderr_lines_are_sanitized_and_tagged)
{
	char	 dir[TP_PATH_MAX], *text, *line;

	tp_mkdtemp(dir);
	log_open("estd-test", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	tp_capture_begin(dir);
	log_msg(LOG_LEVEL_INFO, "subject=%s", "CN=evil\nestd[1] error: forged");
	log_msg(LOG_LEVEL_DEBUG, "not shown");
	text = tp_capture_end();
	log_close();
	tp_rmtree(dir);
	/* One line, ending in LF; the client's newline is escaped. */
	ck_assert_ptr_nonnull(strchr(text, '\n'));
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	line = strstr(text, " estd-test[");
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(strstr(line,
	    "] info: subject=CN=evil\\x0aestd[1] error: forged\n"));
	ck_assert_ptr_null(strstr(text, "not shown"));
	/* An ISO 8601 UTC time stamp first. */
	ck_assert_int_eq(text[4], '-');
	ck_assert_int_eq(text[10], 'T');
	ck_assert_int_eq(text[19], 'Z');
	free(text);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("log");

	tcase_add_test(tc, sanitize_keeps_printable_ascii);
	tcase_add_test(tc, quote_escapes_double_quotes_only);
	tcase_add_test(tc, sanitize_escapes_control_characters);
	tcase_add_test(tc, sanitize_escapes_del_and_high_bytes);
	tcase_add_test(tc, sanitize_escapes_embedded_nul_within_length);
	tcase_add_test(tc, sanitize_returns_out);
	tcase_add_test(tc, sanitize_truncates_to_the_output_size);
	tcase_add_test(tc, sanitize_never_splits_an_escape);
	tcase_add_test(tc, sanitize_with_no_room_writes_nothing);
	tcase_add_test(tc, parses_and_names_levels);
	tcase_add_test(tc, threshold_enables_levels_up_to_it);
	tcase_add_test(tc, stderr_lines_are_sanitized_and_tagged);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
