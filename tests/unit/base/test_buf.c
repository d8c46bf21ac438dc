/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/alloc.h"

#include <string.h>

static void appends_and_terminates(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    assert_string_equal(rh_buf_cstr(&b), "");
    assert_int_equal(rh_buf_puts(&b, "abc"), RH_OK);
    assert_int_equal(rh_buf_printf(&b, "-%d-", 42), RH_OK);
    assert_int_equal(rh_buf_putc(&b, 'z'), RH_OK);
    assert_string_equal(rh_buf_cstr(&b), "abc-42-z");
    assert_int_equal(b.len, 8);
    rh_buf_release(&b);
}

static void long_printf_grows(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(rh_buf_printf(&b, "%s|%s", big, big), RH_OK);
    assert_int_equal(b.len, 1999);
    rh_buf_release(&b);
}

static void cap_is_enforced_and_contents_kept(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 5);
    assert_int_equal(rh_buf_puts(&b, "abcd"), RH_OK);
    assert_int_equal(rh_buf_puts(&b, "ef"), RH_E_LIMIT);
    assert_string_equal(rh_buf_cstr(&b), "abcd");
    assert_int_equal(rh_buf_putc(&b, 'e'), RH_OK);
    rh_buf_release(&b);
}

static void detach_hands_over(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_buf_puts(&b, "hello");
    size_t len = 0;
    char *s = rh_buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_null(b.data);
    rh_free(s);
    s = rh_buf_detach(&b, &len);
    assert_string_equal(s, "");
    rh_free(s);
}

static rh_status build_some(void *ctx)
{
    (void)ctx;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_status rc = RH_OK;
    for (int i = 0; i < 100 && rc == RH_OK; i++)
        rc = rh_buf_printf(&b, "%d,", i);
    rh_buf_release(&b);
    return rc;
}

static void survives_allocation_failures(void **state)
{
    (void)state;
    assert_true(rh_test_fault_loop(build_some, NULL) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_and_terminates),
        cmocka_unit_test(long_printf_grows),
        cmocka_unit_test(cap_is_enforced_and_contents_kept),
        cmocka_unit_test(detach_hands_over),
        cmocka_unit_test(survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
