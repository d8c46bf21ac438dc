/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/date.h"

#include <math.h>

static void civil_round_trip(void **state)
{
    (void)state;
    assert_int_equal(rh_date_from_civil(1970, 1, 1), 0);
    assert_int_equal(rh_date_from_civil(2000, 3, 1), 11017);
    for (rh_date d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        rh_date_to_civil(d, &y, &m, &dd);
        assert_int_equal(rh_date_from_civil(y, m, dd), d);
    }
}

static void parse_is_strict(void **state)
{
    (void)state;
    rh_date d;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_date_parse("2026-02-29", &d, &err), RH_E_RANGE);
    rh_err_init(&err);
    assert_int_equal(rh_date_parse("2026-2-01", &d, &err), RH_E_PARSE);
    assert_int_equal(rh_date_parse("2024-02-29", &d, NULL), RH_OK);
    char out[11];
    rh_date_format(d, out);
    assert_string_equal(out, "2024-02-29");
}

static void add_months_clamps(void **state)
{
    (void)state;
    rh_date d = rh_date_from_civil(2025, 1, 31);
    char out[11];
    rh_date_format(rh_date_add_months(d, 1), out);
    assert_string_equal(out, "2025-02-28");
    rh_date_format(rh_date_add_months(d, -2), out);
    assert_string_equal(out, "2024-11-30");
    assert_int_equal(rh_date_months_between(d, rh_date_from_civil(2025, 4, 29)), 2);
    assert_int_equal(rh_date_months_between(d, rh_date_from_civil(2025, 4, 30)), 3);
}

static void iso8601_with_offsets(void **state)
{
    (void)state;
    double t;
    int off;
    bool zone;
    assert_int_equal(rh_time_parse_iso8601("2012-01-11T11:51:01Z", &t, &off, &zone, NULL), RH_OK);
    assert_true(zone);
    char out[21];
    rh_time_format_utc((int64_t)t, out);
    assert_string_equal(out, "2012-01-11T11:51:01Z");
    assert_int_equal(rh_time_parse_iso8601("2012-01-11T13:51:01.500+02:00", &t, &off, &zone, NULL),
                     RH_OK);
    assert_int_equal(off, 120);
    rh_time_format_utc((int64_t)floor(t), out);
    assert_string_equal(out, "2012-01-11T11:51:01Z");
    assert_true(fabs(t - floor(t) - 0.5) < 1e-9);
    assert_int_equal(rh_time_parse_iso8601("2012-01-11T11:51:01", &t, &off, &zone, NULL), RH_OK);
    assert_false(zone);
    assert_int_equal(rh_time_parse_iso8601("2012-01-11 x", &t, &off, &zone, NULL), RH_E_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_round_trip),
        cmocka_unit_test(parse_is_strict),
        cmocka_unit_test(add_months_clamps),
        cmocka_unit_test(iso8601_with_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
