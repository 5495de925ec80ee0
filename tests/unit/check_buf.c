/* check_buf: the growable byte buffer. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "est/buf.h"
#include "testpki.h"

START_TEST(init_leaves_an_empty_buffer_without_memory)
{
	struct buf b;

	memset(&b, 0xa5, sizeof(b));
	buf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(append_copies_bytes_and_keeps_a_nul_after_them)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, "ab\0cd", 5), 0);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.data, "ab\0cd", 5);
	ck_assert_uint_eq(b.data[5], 0);
	ck_assert_uint_ge(b.cap, 6);
	ck_assert_int_eq(buf_append_str(&b, "xyz"), 0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_mem_eq(b.data, "ab\0cdxyz", 9);
	buf_free(&b);
}
END_TEST

START_TEST(append_of_nothing_allocates_an_empty_string)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, NULL, 0), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq((char *)b.data, "");
	buf_free(&b);
}
END_TEST

START_TEST(grows_across_many_appends_without_losing_data)
{
	struct buf	b;
	uint8_t		chunk[100];
	size_t		i, j;

	buf_init(&b);
	for (i = 0; i < 200; i++) {
		memset(chunk, (int)(i & 0xff), sizeof(chunk));
		ck_assert_int_eq(buf_append(&b, chunk, sizeof(chunk)), 0);
	}
	ck_assert_uint_eq(b.len, 20000);
	ck_assert_uint_gt(b.cap, 20000);
	for (i = 0; i < 200; i++)
		for (j = 0; j < 100; j++)
			ck_assert_uint_eq(b.data[i * 100 + j], i & 0xff);
	ck_assert_uint_eq(b.data[20000], 0);
	buf_free(&b);
}
END_TEST

START_TEST(reset_empties_but_keeps_capacity)
{
	struct buf	 b;
	size_t		 cap;
	uint8_t		*data;

	buf_init(&b);
	buf_append_str(&b, "hello world");
	cap = b.cap;
	data = b.data;
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_ptr_eq(b.data, data);
	buf_append_str(&b, "hi");
	ck_assert_str_eq((char *)b.data, "hi");
	buf_free(&b);
}
END_TEST

START_TEST(reserve_refuses_sizes_that_would_overflow)
{
	struct buf b;

	buf_init(&b);
	buf_append_str(&b, "abc");
	ck_assert_int_eq(buf_reserve(&b, SIZE_MAX), -1);
	ck_assert_int_eq(buf_reserve(&b, SIZE_MAX - 3), -1);
	ck_assert_int_eq(buf_append(&b, "x", SIZE_MAX - 2), -1);
	/* The buffer is untouched by the refusals. */
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq((char *)b.data, "abc");
	buf_free(&b);
}
END_TEST

START_TEST(reserve_makes_room_for_extra_bytes_and_a_nul)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_reserve(&b, 1000), 0);
	ck_assert_uint_ge(b.cap, 1001);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(free_returns_to_the_initial_state)
{
	struct buf b;

	buf_init(&b);
	buf_append_str(&b, "data");
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	buf_free(&b);	/* twice is harmless */
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc = tcase_create("buf");

	tcase_add_test(tc, init_leaves_an_empty_buffer_without_memory);
	tcase_add_test(tc, append_copies_bytes_and_keeps_a_nul_after_them);
	tcase_add_test(tc, append_of_nothing_allocates_an_empty_string);
	tcase_add_test(tc, grows_across_many_appends_without_losing_data);
	tcase_add_test(tc, reset_empties_but_keeps_capacity);
	tcase_add_test(tc, reserve_refuses_sizes_that_would_overflow);
	tcase_add_test(tc, reserve_makes_room_for_extra_bytes_and_a_nul);
	tcase_add_test(tc, free_returns_to_the_initial_state);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
