/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/jw.h"

#include <math.h>

static void compact_document(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_jw_obj_begin(&w);
    rh_jw_kstr(&w, "name", "a\"b\\c\n");
    rh_jw_kint(&w, "n", -3);
    rh_jw_kdouble(&w, "x", 125.76);
    rh_jw_kdouble(&w, "nan", NAN);
    rh_jw_kbool(&w, "ok", true);
    rh_jw_key(&w, "list");
    rh_jw_arr_begin(&w);
    rh_jw_int(&w, 1);
    rh_jw_null(&w);
    rh_jw_arr_end(&w);
    rh_jw_obj_end(&w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_string_equal(rh_buf_cstr(&b), "{\"name\":\"a\\\"b\\\\c\\n\",\"n\":-3,\"x\":125.76,"
                                         "\"nan\":null,\"ok\":true,\"list\":[1,null]}");
    rh_buf_release(&b);
}

static void pretty_with_inline_arrays(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, RH_JW_PRETTY);
    rh_jw_obj_begin(&w);
    rh_jw_key(&w, "hr_bpm");
    rh_jw_arr_begin_inline(&w);
    rh_jw_int(&w, 126);
    rh_jw_int(&w, 146);
    rh_jw_arr_end(&w);
    rh_jw_key(&w, "empty");
    rh_jw_obj_begin(&w);
    rh_jw_obj_end(&w);
    static const char *const ids[] = {"sud:T2", "std:riebe2015"};
    rh_jw_kstrs(&w, "evidence", ids, 2);
    rh_jw_kstrs(&w, "none", ids, 0);
    rh_jw_obj_end(&w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_string_equal(rh_buf_cstr(&b), "{\n  \"hr_bpm\": [126, 146],\n  \"empty\": {},\n"
                                         "  \"evidence\": [\"sud:T2\", \"std:riebe2015\"],\n"
                                         "  \"none\": []\n}\n");
    rh_buf_release(&b);
}

static void doubles_round_trip_shortest(void **state)
{
    (void)state;
    char t[40];
    rh_fmt_double(0.1 + 0.2, t, sizeof(t));
    assert_string_equal(t, "0.30000000000000004");
    rh_fmt_double(188.4, t, sizeof(t));
    assert_string_equal(t, "188.4");
    rh_fmt_double(-0.0, t, sizeof(t));
    assert_string_equal(t, "0");
    rh_fmt_double(INFINITY, t, sizeof(t));
    assert_string_equal(t, "null");
}

static void fixed_decimals(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_jw_arr_begin(&w);
    rh_jw_fixed(&w, 5.5, 2);
    rh_jw_fixed(&w, -0.0001, 2);
    rh_jw_arr_end(&w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_string_equal(rh_buf_cstr(&b), "[5.50,0.00]");
    rh_buf_release(&b);
}

static void invalid_utf8_is_replaced(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_jw_str(&w, "ok\xff\xe4\xb8\xad");
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_string_equal(rh_buf_cstr(&b), "\"ok\\ufffd\xe4\xb8\xad\"");
    rh_buf_release(&b);
}

static void unbalanced_is_an_error(void **state)
{
    (void)state;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_jw_obj_begin(&w);
    assert_int_equal(rh_jw_finish(&w), RH_E_INTERNAL);
    rh_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compact_document),
        cmocka_unit_test(pretty_with_inline_arrays),
        cmocka_unit_test(doubles_round_trip_shortest),
        cmocka_unit_test(fixed_decimals),
        cmocka_unit_test(invalid_utf8_is_replaced),
        cmocka_unit_test(unbalanced_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
