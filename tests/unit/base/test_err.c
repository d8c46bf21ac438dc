/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include <errno.h>
#include <string.h>

static void first_error_wins(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(RH_FAIL(&err, RH_E_RANGE, "age %d outside [0, 120]", 300), RH_E_RANGE);
    assert_int_equal(RH_FAIL(&err, RH_E_PARSE, "later"), RH_E_PARSE);
    assert_int_equal(err.code, RH_E_RANGE);
    assert_string_equal(err.msg, "age 300 outside [0, 120]");
}

static void format_names_source_line_and_field(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    RH_FAIL(&err, RH_E_RANGE, "value 9 outside [0, 3]");
    rh_err_at(&err, "answers.json", 4, 12);
    rh_err_at_field(&err, "phq-9 item 3");
    char text[512];
    rh_err_format(&err, text, sizeof(text));
    assert_string_equal(text, "answers.json:4:12: phq-9 item 3: value 9 outside [0, 3]");
}

static void format_with_byte_offset(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    RH_FAIL(&err, RH_E_CORRUPT, "truncated record header");
    rh_err_at_offset(&err, "ride.fit", 1042);
    char text[512];
    rh_err_format(&err, text, sizeof(text));
    assert_string_equal(text, "ride.fit: byte 1042: truncated record header");
}

static void errno_text_is_appended(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    RH_FAIL_ERRNO(&err, RH_E_IO, ENOENT, "cannot open '%s'", "x");
    assert_non_null(strstr(err.msg, "cannot open 'x': "));
    assert_int_equal(err.sys_errno, ENOENT);
}

static void null_err_is_accepted(void **state)
{
    (void)state;
    assert_int_equal(RH_FAIL(NULL, RH_E_NOMEM, "x"), RH_E_NOMEM);
    rh_err_at(NULL, "x", 1, 1);
    rh_err_init(NULL);
}

static void status_names_come_from_the_table(void **state)
{
    (void)state;
    assert_string_equal(rh_status_name(RH_OK), "OK");
    assert_string_equal(rh_status_name(RH_E_RANGE), "E_RANGE");
    assert_string_equal(rh_status_name((rh_status)999), "E_UNKNOWN");
}

static void prefix_keeps_code(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    RH_FAIL(&err, RH_E_PARSE, "bad");
    rh_err_prefix(&err, "reading '%s'", "f");
    assert_string_equal(err.msg, "reading 'f': bad");
    assert_int_equal(err.code, RH_E_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_error_wins),
        cmocka_unit_test(format_names_source_line_and_field),
        cmocka_unit_test(format_with_byte_offset),
        cmocka_unit_test(errno_text_is_appended),
        cmocka_unit_test(null_err_is_accepted),
        cmocka_unit_test(status_names_come_from_the_table),
        cmocka_unit_test(prefix_keeps_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
