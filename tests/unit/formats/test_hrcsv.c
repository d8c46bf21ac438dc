/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "formats/hrcsv.h"

#include <math.h>
#include <string.h>

static rh_status rd(const char *text, rh_activity *a, rh_err *err)
{
    rh_activity_init(a, RH_ACTIVITY_CSV);
    rh_err_init(err);
    return rh_hrcsv_read_mem(text, strlen(text), "t.csv", a, err);
}

static void reads_its_own_csv_output_back(void **state)
{
    (void)state;
    const char *csv = "timestamp,heart_rate,time_base,distance_m\n"
                      "2017-06-11T14:32:51Z,71,utc,0\n"
                      "2017-06-11T14:32:52.500Z,71.5,utc,\n"
                      ",80,,\n"
                      "1990-07-18T06:44:24Z,0,system,\n";
    rh_activity a;
    rh_err err;
    assert_int_equal(rd(csv, &a, &err), RH_OK);
    assert_int_equal(a.npoints, 4);
    assert_int_equal(a.points[1].t_ms, 1497191572500);
    assert_true(a.points[1].hr_bpm == 71.5);
    assert_int_equal(a.points[2].time_base, RH_TIME_NONE);
    assert_int_equal(a.points[3].time_base, RH_TIME_SYSTEM);
    assert_true(a.points[3].hr_bpm == 0.0);
    rh_buf b;
    rh_buf_init(&b, 0);
    assert_int_equal(rh_activity_write_csv(&a, &b, NULL), RH_OK);
    assert_non_null(strstr(rh_buf_cstr(&b), "2017-06-11T14:32:52.500Z,71.5,utc,"));
    assert_non_null(strstr(rh_buf_cstr(&b), "\n,80,,"));
    rh_buf_release(&b);
    rh_activity_release(&a);
}

static void elapsed_times_semicolons_and_quotes(void **state)
{
    (void)state;
    rh_activity a;
    rh_err err;
    assert_int_equal(
        rd("\xEF\xBB\xBF\"Time\";\"HR (bpm)\"\r\n00:00:01;90\r\n01:00:02;\"91\"\r\n", &a, &err),
        RH_OK);
    assert_int_equal(a.npoints, 2);
    assert_int_equal(a.points[0].time_base, RH_TIME_ELAPSED);
    assert_int_equal(a.points[1].t_ms, 3602000);
    assert_true(a.points[1].hr_bpm == 91.0);
    rh_activity_release(&a);
}

static void bad_cells_name_line_and_column(void **state)
{
    (void)state;
    rh_activity a;
    rh_err err;
    assert_int_equal(rd("time,hr\n2020-01-01T00:00:00Z,90\n2020-01-01T00:00:01Z,abc\n", &a, &err),
                     RH_E_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 22);
    assert_int_equal(rd("time,power\n1,2\n", &a, &err), RH_E_INVALID);
    assert_int_equal(rd("time,hr\nyesterday,90\n", &a, &err), RH_E_PARSE);
    assert_int_equal(rd("", &a, &err), RH_E_INVALID);
    assert_true(rh_hrcsv_sniff("timestamp,heart_rate\n", 21));
    assert_false(rh_hrcsv_sniff("1.0 2.0\n", 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_its_own_csv_output_back),
        cmocka_unit_test(elapsed_times_semicolons_and_quotes),
        cmocka_unit_test(bad_cells_name_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
